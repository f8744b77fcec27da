"""The stream's "lanes" option: a request computes only some of its runs (the lane a slider moves), each exactly as
the whole request computes it, with its own random streams; a bad value is an error frame naming the field, and the
socket stays open."""
import json

import pytest

NOISY = {"surface": "himmelblau", "steps": 120, "gradient": {"mode": "analytic", "noise": 2.0, "seed": 7},
         "optimizers": [{"optimizer": "gd", "params": {"lr": 0.01}}, {"optimizer": "adam", "params": {"lr": 0.05}},
                        {"optimizer": "random_local_search", "params": {}},
                        {"optimizer": "momentum", "params": {"lr": 0.01}},
                        {"optimizer": "adam", "params": {"lr": 0.05}, "label": "cloud:1"}]}
BATCHES = {"surface": "linreg_mse", "steps": 60, "gradient": {"mode": "analytic", "noise": 0.0, "seed": 3},
           "optimizers": [{"optimizer": "gd", "params": {"lr": 0.05}, "batch_size": 4},
                          {"optimizer": "adam", "params": {"lr": 0.05}, "batch_size": 1},
                          {"optimizer": "lbfgs", "params": {}}]}


def receive(ws):
    frames = []
    while True:
        frames.append(json.loads(ws.receive_text()))
        if frames[-1]["type"] in ("end", "error"):
            return frames


def stream(client, body):
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_text(json.dumps(body))
        return receive(ws)


def joined(frames, field):
    out = [[] for _ in frames[0]["runs"]]
    for f in frames:
        if f["type"] == "chunk":
            for i, r in enumerate(f["runs"]):
                out[i] += r[field] or []
    return out


@pytest.mark.parametrize("body", [NOISY, BATCHES], ids=["noisy gradient, random search, cloud", "mini-batches, lbfgs"])
@pytest.mark.parametrize("lanes", [[3], [2, 0], [1]])
def test_a_part_of_a_request_equals_those_runs_of_the_whole(client, body, lanes):
    lanes = [i % len(body["optimizers"]) for i in lanes]
    exact = client.post("/api/runs", json=body).json()["runs"]
    frames = stream(client, {**body, "id": "part", "lanes": lanes})
    assert [f["type"] for f in frames][0] == "start" and frames[-1]["type"] == "end"
    assert all(f["lanes"] == lanes and f["id"] == "part" for f in frames)
    assert [r["optimizer"] for r in frames[0]["runs"]] == [body["optimizers"][i]["optimizer"] for i in lanes]
    assert all(len(f["runs"]) == len(lanes) for f in frames)
    for field in ("points", "losses", "lrs"):
        assert joined(frames, field) == [exact[i][field] for i in lanes], field
    assert [r["status"] for r in frames[-1]["runs"]] == [exact[i]["status"] for i in lanes]
    assert [r["steps_run"] for r in frames[-1]["runs"]] == [exact[i]["steps_run"] for i in lanes]


def test_a_compact_part_keeps_the_compact_fields_and_last_points(client):
    exact = client.post("/api/runs", json=NOISY).json()["runs"]
    frames = stream(client, {**NOISY, "lanes": [1], "compact": {"float32": True, "fields": ["points", "losses"]}})
    assert all(set(r) == {"points", "losses"} for f in frames if f["type"] == "chunk" for r in f["runs"])
    assert joined(frames, "losses") == [exact[1]["losses"]]
    assert frames[-1]["runs"][0]["last_point"] == exact[1]["points"][-1]


def test_without_lanes_no_frame_carries_them(client):
    frames = stream(client, {**BATCHES, "steps": 5})
    assert all("lanes" not in f for f in frames)


@pytest.mark.parametrize("lanes", [[], [5], [-1], [0, 0], ["0"], [True], [1.0], "all", {"0": 1}, 0],
                         ids=lambda v: json.dumps(v))
def test_bad_lanes_are_an_error_frame_naming_lanes_and_the_socket_stays_open(client, lanes):
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_text(json.dumps({**NOISY, "id": 1, "lanes": lanes}))
        frames = receive(ws)
        assert [f["type"] for f in frames] == ["error"] and frames[0]["id"] == 1
        assert frames[0]["detail"][0]["loc"] == ["body", "lanes"]
        assert "lanes" in frames[0]["detail"][0]["msg"]
        ws.send_text(json.dumps({**NOISY, "steps": 3, "id": 2, "lanes": [4]}))  # the same socket still answers
        frames = receive(ws)
        assert frames[-1]["type"] == "end" and frames[-1]["id"] == 2 and frames[-1]["lanes"] == [4]


def test_a_bad_compact_option_leaves_the_socket_open(client):
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_text(json.dumps({**NOISY, "id": 1, "compact": {"float32": 1}}))
        frames = receive(ws)
        assert frames[0]["type"] == "error" and frames[0]["detail"][0]["loc"] == ["body", "compact", "float32"]
        ws.send_text(json.dumps({**NOISY, "steps": 3, "id": 2, "compact": {"float32": True}}))
        assert receive(ws)[-1]["type"] == "end"


def test_the_lanes_of_a_post_are_refused_naming_the_field(client):
    """"lanes" belongs to the stream (the page's economy); a POST computes the whole request."""
    res = client.post("/api/runs", json={**NOISY, "lanes": [0]})
    assert res.status_code == 422
    assert any("lanes" in d["loc"] for d in res.json()["detail"])
