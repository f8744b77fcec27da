"""``include: ["state"]`` over the WebSocket: every chunk carries every state name of the run (null where it does
not apply), so the chunks concatenated equal the POST answer, for switches into and out of every optimizer with
state, whichever chunk the switch falls in."""
import pytest

from app.optimizers import OPTIMIZERS
from app.settings import settings

STEPS = 60  # the first chunk holds ws_first_chunk_steps (25) steps, the second the rest


def _state(client, oid) -> dict | None:
    body = {"surface": "rosenbrock", "start": [-1.2, 1], "steps": 3, "include": ["state"],
            "optimizers": [{"optimizer": oid}]}
    return client.post("/api/runs", json=body).json()["runs"][0].get("state")


def _stateful(client) -> list[str]:
    return [oid for oid in OPTIMIZERS if _state(client, oid)]


def _lanes(oid: str) -> list[dict]:
    """The lanes switching into and out of ``oid`` (one request a stateful optimizer)."""
    lanes = []
    # (L-BFGS's line search costs ~10 ms a lane-step: its twelve lanes of 60 steps would be over one request's budget)
    for other in ("gd", "adam", "muon") if oid != "lbfgs" else ("gd", "muon"):
        if other == oid:
            continue
        for at in (10, 40):  # in the first chunk, in the second
            lanes.append({"optimizer": oid, "switch": {"at_step": at, "optimizer": other}})
            lanes.append({"optimizer": other, "switch": {"at_step": at, "optimizer": oid}})
    return lanes


def test_the_optimizers_with_state_are_the_ones_expected(client):
    stateful = _stateful(client)
    assert len(stateful) >= 10 and "muon" in stateful and "schedule_free_adamw" in stateful


def test_first_chunk_is_shorter_than_the_runs():
    assert 10 < settings.ws_first_chunk_steps < 40 < STEPS <= settings.ws_first_chunk_steps + settings.ws_chunk_steps


@pytest.mark.parametrize("oid", list(OPTIMIZERS))
def test_concatenated_chunks_equal_post_for_switches_into_and_out_of_every_stateful_optimizer(client, oid):
    """One test an optimizer (spread over the workers); one without state has nothing to carry, and says so."""
    if not _state(client, oid):
        body = {"surface": "rosenbrock", "start": [-1.2, 1], "steps": 3, "include": ["state"],
                "optimizers": [{"optimizer": oid}]}
        assert not client.post("/api/runs", json=body).json()["runs"][0].get("state")
        return
    for lanes in [_lanes(oid)]:
        body = {"surface": "rosenbrock", "start": [-1.2, 1], "steps": STEPS, "include": ["state"], "optimizers": lanes}
        whole = client.post("/api/runs", json=body)
        assert whole.status_code == 200, whole.text[:300]
        whole = whole.json()["runs"]
        parts = [{} for _ in whole]
        with client.websocket_connect("/api/runs/ws") as ws:
            ws.send_json({**body, "id": 1})
            while True:
                frame = ws.receive_json()
                assert frame["type"] != "error", frame
                if frame["type"] == "end":
                    break
                if frame["type"] != "chunk":
                    continue
                for part, run, lane in zip(parts, frame["runs"], whole):
                    steps = len(run["lrs"])
                    assert set(run["state"]) == set(lane["state"]), (lane["label"], frame["offset"])
                    for name, values in run["state"].items():
                        assert len(values) == steps, (lane["label"], name, frame["offset"])
                        part.setdefault(name, []).extend(values)
        for part, run in zip(parts, whole):
            assert part == run["state"], run["label"]
            assert all(len(v) == run["steps_run"] for v in run["state"].values()), run["label"]


def test_a_name_two_optimizers_keep_in_other_shapes_is_each_runs_own(client):
    """LBFGS's ``d`` is a direction, Prodigy's a number: in one request each run gets its own, as when alone (this
    was a 500), a run switching from one to the other has each in its steps, and the socket's chunks still add up
    to the POST answer."""
    body = {"surface": "rosenbrock", "start": [-1.2, 1.0], "steps": 30, "include": ["state"],
            "optimizers": [{"optimizer": "lbfgs"}, {"optimizer": "prodigy"}, {"optimizer": "adam"},
                           {"optimizer": "lbfgs", "switch": {"at_step": 10, "optimizer": "prodigy"}}]}
    response = client.post("/api/runs", json=body)
    assert response.status_code == 200, response.text
    runs = response.json()["runs"]
    assert len(runs[0]["state"]["d"][0]) == 2 and isinstance(runs[1]["state"]["d"][0], float)
    d = runs[3]["state"]["d"]
    assert d[:10] == runs[0]["state"]["d"][:10] and all(isinstance(v, float) for v in d[10:])
    for run, spec in zip(runs, body["optimizers"]):
        alone = client.post("/api/runs", json={**body, "optimizers": [spec]}).json()["runs"][0]
        assert run["state"] == alone["state"]
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_json({**body, "id": 1})
        frames = []
        while not frames or frames[-1]["type"] not in ("end", "error"):
            frames.append(ws.receive_json())
    chunks = [f for f in frames if f["type"] == "chunk"]
    for i, run in enumerate(runs):
        assert {k: sum((c["runs"][i]["state"][k] for c in chunks), []) for k in run["state"]} == run["state"]
