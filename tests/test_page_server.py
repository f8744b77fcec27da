"""The server side of the page's fixes: each penalty read on its own, and the stream's compact frames."""
import json

import pytest

REQUEST = {"surface": "rosenbrock", "steps": 300, "optimizers": [{"optimizer": "adam", "params": {"lr": 0.05}},
                                                                  {"optimizer": "gd", "params": {"lr": 1.0}}]}


def test_l1_and_l2_are_each_read_in_the_surface_and_its_grid(client):
    plain = client.get("/api/surfaces/linreg_mse").json()["minima"][0]["point"]
    only_l1 = client.get("/api/surfaces/linreg_mse?l1=2").json()["minima"][0]["point"]
    only_l2 = client.get("/api/surfaces/linreg_mse?l2=2").json()["minima"][0]["point"]
    assert len({tuple(plain), tuple(only_l1), tuple(only_l2)}) == 3
    g0 = client.get("/api/surfaces/linreg_mse/grid?n=5").json()["z"]
    g1 = client.get("/api/surfaces/linreg_mse/grid?n=5&l1=2").json()["z"]
    g2 = client.get("/api/surfaces/linreg_mse/grid?n=5&l2=2").json()["z"]
    assert g1[0][0] > g0[0][0] and g2[0][0] > g0[0][0]  # each penalty adds to the loss away from the origin
    assert g2[0][0] != pytest.approx(g1[0][0])


def stream(client, body):
    frames = []
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_text(json.dumps(body))
        while True:
            frames.append(json.loads(ws.receive_text()))
            if frames[-1]["type"] in ("end", "error"):
                return frames


def joined(frames, field):
    out = [[] for _ in frames[0]["runs"]]
    for f in frames:
        if f["type"] == "chunk":
            for i, r in enumerate(f["runs"]):
                out[i] += r[field]
    return out


def test_compact_frames_carry_float32_paths_exact_losses_and_exact_last_points(client):
    exact = client.post("/api/runs", json=REQUEST).json()["runs"]
    frames = stream(client, {**REQUEST, "id": 1, "compact": {"fields": ["points", "losses"], "float32": True}})
    assert all(set(r) == {"points", "losses"} for f in frames if f["type"] == "chunk" for r in f["runs"])
    points, losses = joined(frames, "points"), joined(frames, "losses")
    for i, run in enumerate(exact):
        assert losses[i] == run["losses"]  # every digit: f - f* charts need them
        assert len(points[i]) == len(run["points"])
        flat = [c for p in points[i] for c in p]
        assert flat == pytest.approx([c for p in run["points"] for c in p], rel=1e-6, abs=1e-30) and points[i] != run["points"]
        assert frames[-1]["runs"][i]["last_point"] == run["points"][-1]
        assert frames[-1]["runs"][i]["status"] == run["status"]
    size = sum(len(json.dumps(f)) for f in frames)
    assert size < 0.5 * sum(len(json.dumps(f)) for f in stream(client, {**REQUEST, "id": 2}))


def test_without_compact_the_frames_are_whole_and_exact(client):
    exact = client.post("/api/runs", json=REQUEST).json()["runs"]
    frames = stream(client, {**REQUEST, "id": 3})
    assert joined(frames, "points") == [r["points"] for r in exact]
    assert "last_point" not in frames[-1]["runs"][0]


@pytest.mark.parametrize("compact,loc", [({"fields": ["nope"]}, ["compact", "fields"]), ({"float32": "yes"}, ["compact", "float32"]),
                                         ("all", ["compact"]), ({"other": 1}, ["compact"])])
def test_a_bad_compact_option_is_an_error_frame_naming_it(client, compact, loc):
    frames = stream(client, {**REQUEST, "id": 4, "compact": compact})
    assert frames[-1]["type"] == "error" and frames[-1]["id"] == 4
    assert frames[-1]["detail"][0]["loc"] == ["body", *loc]  # error frames name fields as a POST's 422 does


def test_compact_frames_keep_test_losses_on_a_surface_with_a_test_shift(client):
    body = {"surface": "flat_sharp", "steps": 40, "optimizers": [{"optimizer": "gd", "params": {"lr": 0.01}}]}
    whole = joined(stream(client, {**body, "id": 5}), "test_losses")
    frames = stream(client, {**body, "id": 6, "compact": {"fields": ["points", "losses"], "float32": True}})
    assert all(set(r) == {"points", "losses", "test_losses"} for f in frames if f["type"] == "chunk" for r in f["runs"])
    assert joined(frames, "test_losses") == whole and len(whole[0]) == 41
    plain = stream(client, {"surface": "quadratic", "steps": 5, "id": 7, "optimizers": body["optimizers"],
                            "compact": {"fields": ["points"]}})
    assert all(set(r) == {"points"} for f in plain if f["type"] == "chunk" for r in f["runs"])
