"""The HTTP contract (../shared/API.md) through FastAPI's test client."""
import json
import math

import pytest

BASE = {"surface": "rosenbrock", "start": [-1.2, 1.0], "steps": 20, "optimizers": [{"optimizer": "adam"}]}


def post(client, **patch):
    return client.post("/api/runs", json={**BASE, **patch})


def test_health(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_surfaces_listed_and_404(client):
    surfaces = client.get("/api/surfaces").json()
    assert {"rosenbrock", "himmelblau", "plateau"} <= {s["id"] for s in surfaces}
    one = client.get("/api/surfaces/himmelblau").json()
    assert len(one["minima"]) == 4 and one["domain"] == {"x": [-5.0, 5.0], "y": [-5.0, 5.0]}
    r = client.get("/api/surfaces/nope")
    assert r.status_code == 404 and "nope" in r.json()["detail"]


def test_grid_orientation_and_bounds(client):
    g = client.get("/api/surfaces/rosenbrock/grid", params={"n": 4, "x0": -2, "x1": 2, "y0": -1, "y1": 3}).json()
    assert len(g["x"]) == 4 and len(g["z"]) == 4
    assert g["z"][2][1] == pytest.approx((1 - g["x"][1]) ** 2 + 100 * (g["y"][2] - g["x"][1] ** 2) ** 2)
    for params, field in (({"n": 1}, "n"), ({"n": 5000}, "n"), ({"x0": 2, "x1": 1}, "x1"), ({"y0": "nan"}, "y0")):
        r = client.get("/api/surfaces/rosenbrock/grid", params=params)
        assert r.status_code == 422 and field in json.dumps(r.json()["detail"]), (params, r.text)


def test_optimizers_describe_every_param(client):
    opts = {o["id"]: o for o in client.get("/api/optimizers").json()}
    assert len(opts) == 23  # torch.optim's ten, the ten more (issue 15), two searches and Newton
    assert {"radam", "rprop", "asgd", "adafactor", "lbfgs", "muon", "lion", "adabelief", "schedule_free_adamw",
            "prodigy"} <= set(opts)
    lr = next(p for p in opts["adam"]["params"] if p["name"] == "lr")
    assert lr["default"] == 0.001 and lr["scale"] == "log" and lr["min"] == 0.0
    assert opts["adamw"]["params"][3]["name"] == "weight_decay" and opts["adamw"]["params"][3]["default"] == 0.01
    assert all(o["update"] for o in opts.values())


def test_run_answer_shape_and_defaults(client):
    body = post(client, optimizers=[{"optimizer": "adam", "params": {"lr": 0.05}, "label": "A"},
                                    {"optimizer": "nesterov"}]).json()
    a, n = body["runs"]
    assert a["label"] == "A" and a["params"] == {"lr": 0.05, "betas": [0.9, 0.999], "eps": 1e-8,
                                                 "weight_decay": 0.0, "amsgrad": False}
    assert n["params"]["momentum"] == 0.9 and n["label"].startswith("Nesterov")
    assert len(a["points"]) == a["steps_run"] + 1 == len(a["losses"]) == 21
    assert a["points"][0] == [-1.2, 1.0] and len(a["lrs"]) == 20 and len(a["gradients"]) == 20
    for p, loss in zip(a["points"], a["losses"]):
        assert loss == pytest.approx((1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2, rel=1e-12)


def test_default_start_and_zero_steps(client):
    body = client.post("/api/runs", json={"surface": "himmelblau", "steps": 0,
                                          "optimizers": [{"optimizer": "gd"}]}).json()
    assert body["start"] == [-0.5, -0.5] and body["runs"][0]["points"] == [[-0.5, -0.5]]


def test_diverged_run_is_a_result(client):
    body = post(client, steps=500, optimizers=[{"optimizer": "gd", "params": {"lr": 10}}]).json()
    run = body["runs"][0]
    assert run["status"] == "diverged" and run["diverged_at"] == run["steps_run"] + 1
    assert all(math.isfinite(c) for p in run["points"] for c in p)


@pytest.mark.parametrize("patch,field", [
    ({"optimizers": [{"optimizer": "nope"}]}, "optimizer"),
    ({"optimizers": [{"optimizer": "adam", "params": {"learning_rate": 1}}]}, "learning_rate"),
    ({"optimizers": [{"optimizer": "adam", "params": {"lr": -1}}]}, "lr"),
    ({"optimizers": [{"optimizer": "adam", "params": {"betas": [0.9, 2]}}]}, "betas[1]"),
    ({"optimizers": [{"optimizer": "adam", "schedule": {"type": "step", "step_size": 0}}]}, "step_size"),
    ({"optimizers": [{"optimizer": "random_search", "schedule": {"type": "exponential"}}]}, "schedule"),
    ({"optimizers": [{"optimizer": "adam", "switch": {"at_step": 5, "optimizer": "gd", "params": {"lr": -2}}}]}, "switch"),
    ({"optimizers": [{"optimizer": "gd"}] * 33}, "optimizers"),
    ({"optimizers": []}, "optimizers"),
    ({"start": [1.0]}, "start"),
    ({"start": [1e300, 0]}, "start"),
    ({"steps": 10 ** 9}, "steps"),
    ({"steps": -1}, "steps"),
    ({"surface": "nope"}, "surface"),
    ({"surface": "custom", "formula": "__import__('os').getpid()"}, "formula"),
    ({"gradient": {"mode": "symbolic"}}, "mode"),
    ({"gradient": {"noise": -1}}, "noise"),
    ({"gradient": {"batch_size": 4}}, "batch_size"),
    ({"surface": "linreg_mse", "gradient": {"batch_size": 4, "mode": "numerical"}}, "mode"),
    ({"surface": "linreg_mse", "surface_options": {"l2": -1}}, "l2"),
    ({"surface_options": {"l2": 0.1}}, "surface_options"),
    ({"stpes": 10}, "stpes"),
])
def test_bad_input_is_422_naming_the_field(client, patch, field):
    r = post(client, **patch)
    assert r.status_code == 422, r.text
    assert field in json.dumps(r.json()["detail"]), r.text


def test_nan_tokens_in_the_body_are_refused(client):
    raw = '{"surface": "rosenbrock", "start": [NaN, 1.0], "steps": 5, "optimizers": [{"optimizer": "gd"}]}'
    r = client.post("/api/runs", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422 and "start" in r.text
    raw = raw.replace("[NaN, 1.0]", "[0, 1]").replace('"gd"}', '"gd", "params": {"lr": Infinity}}')
    r = client.post("/api/runs", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 422 and "lr" in r.text


def test_no_nan_in_any_answer(client):
    for sid in ("ackley", "plateau", "monkey_saddle"):
        r = client.post("/api/runs", json={"surface": sid, "steps": 300, "optimizers": [
            {"optimizer": o} for o in ("gd", "adam", "newton", "random_search", "adagrad")]})
        json.loads(r.text, parse_constant=lambda c: pytest.fail(f"{c} in {sid} answer"))


def _stream(ws, request_id):
    frames = []
    while True:
        f = ws.receive_json()
        assert f["id"] == request_id
        frames.append(f)
        if f["type"] in ("end", "error"):
            return frames


def test_websocket_chunks_concatenate_to_the_post_answer(client):
    req = {"surface": "himmelblau", "start": [0.5, -1.5], "steps": 1200, "gradient": {"noise": 0.1, "seed": 3},
           "optimizers": [{"optimizer": "adam", "params": {"lr": 0.05}}, {"optimizer": "gd", "params": {"lr": 0.05}},
                          {"optimizer": "random_local_search"}]}
    expected = client.post("/api/runs", json=req).json()
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_text(json.dumps({**req, "id": 7}))
        frames = _stream(ws, 7)
    assert frames[0]["type"] == "start" and frames[0]["runs"][0]["params"]["lr"] == 0.05
    chunks = [f for f in frames if f["type"] == "chunk"]
    assert len(chunks) > 2
    for i, run in enumerate(expected["runs"]):
        offset = 0
        points, losses, lrs = [], [], []
        for c in chunks:
            assert c["offset"] == offset
            points += c["runs"][i]["points"]
            losses += c["runs"][i]["losses"]
            lrs += c["runs"][i]["lrs"]
            offset += len(c["runs"][0]["points"])
        assert points == run["points"] and losses == run["losses"] and lrs == run["lrs"]
        assert frames[-1]["runs"][i]["status"] == run["status"]
        assert frames[-1]["runs"][i]["steps_run"] == run["steps_run"]


def test_websocket_error_frame_keeps_the_socket_open(client):
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_text(json.dumps({"surface": "nope", "optimizers": [{"optimizer": "gd"}], "id": "b"}))
        err = ws.receive_json()
        assert err["type"] == "error" and err["id"] == "b" and "surface" in json.dumps(err["detail"])
        ws.send_text("not json")
        assert ws.receive_json()["type"] == "error"
        ws.send_text(json.dumps({**BASE, "id": "c"}))
        frames = _stream(ws, "c")
        assert frames[-1]["type"] == "end"


def test_websocket_new_request_replaces_the_one_in_flight(client):
    long = {**BASE, "steps": 20000, "optimizers": [{"optimizer": "adam"}] * 8}
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_text(json.dumps({**long, "id": "old"}))
        assert ws.receive_json()["type"] == "start"
        ws.send_text(json.dumps({**BASE, "id": "new"}))
        seen_old_chunks_after = 0
        while True:
            f = ws.receive_json()
            if f["id"] == "old":
                assert f["type"] == "chunk"
                seen_old_chunks_after += 1
                continue
            if f["type"] == "end":
                break
        assert seen_old_chunks_after <= 1
