"""The optimizer's state after every step (``"include": ["state"]``) against torch's ``optimizer.state[p]``.

tests/golden/state.json (tools/make_golden.py, torch 2.13.0) holds, per case, every key of torch's state after
each step. Slopes must report exactly those names, each value within 1e-8 x (1 + |value|), on the float
path (a run alone) and the array path (many runs with different hyperparameters together).
"""
import json
from pathlib import Path

import numpy as np
import pytest
from helpers import close, phase

from app.engine import planner
from app.engine import RunSpec, Simulation, collect, simulate
from app.surfaces import get_surface

GOLDEN = Path(__file__).parent / "golden" / "state.json"
# the ten torch optimizers Slopes began with (tests/test_parity.py holds the newer ones' state to their references)
TORCH_TEN = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "nadam", "adamax")
CASES = [c for c in json.loads(GOLDEN.read_text())["cases"] if c["optimizer"] in TORCH_TEN]
TOL = 1e-8


def check(got: dict, case: dict):
    assert set(got) == set(case["state"]), (sorted(got), sorted(case["state"]))
    for name, expected in case["state"].items():
        values = got[name]
        assert len(values) == len(expected) == case["steps"], name
        assert all(v is not None for v in values), name
        assert close(values, expected) <= TOL, name


def test_the_fixtures_cover_every_stateful_torch_optimizer():
    ids = {c["optimizer"] for c in CASES}
    assert {"momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "nadam", "adamax"} <= ids
    names = {n for c in CASES for n in c["state"]}
    assert {"momentum_buffer", "sum", "square_avg", "grad_avg", "acc_delta", "exp_avg", "exp_avg_sq",
            "max_exp_avg_sq", "mu_product", "exp_inf", "step"} <= names


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['surface']}-{c['optimizer']}-{sorted(c['params'])}")
def test_state_after_every_step_equals_torch(case):
    runs = [RunSpec(tuple(case["start"]), (phase(case["optimizer"], case["params"]),))]
    assert Simulation(get_surface(case["surface"]), runs, 1, record_state=True).groups[0].scalar  # the float path
    run = simulate(get_surface(case["surface"]), [RunSpec(tuple(case["start"]), (phase(case["optimizer"],
                                                                                     case["params"]),))],
                   case["steps"], record_state=True)[0]
    assert run["status"] == "ok"
    assert close(run["points"], case["points"]) <= TOL
    check(run["state"], case)


@pytest.mark.parametrize("surface", sorted({c["surface"] for c in CASES}))
def test_state_of_many_runs_on_the_array_path_equals_torch(surface, monkeypatch):
    """Every case of a surface in one Simulation, in chunks: runs of one optimizer share arrays, each run reports
    only the names torch keeps for its own hyperparameters (RMSprop's momentum buffer only with momentum)."""
    monkeypatch.setattr(planner, "SCALAR_MAX_RUNS", 0)
    cases = [c for c in CASES if c["surface"] == surface]
    runs = [RunSpec(tuple(c["start"]), (phase(c["optimizer"], c["params"]),)) for c in cases]
    sim = Simulation(get_surface(surface), runs, cases[0]["steps"], record_state=True)
    assert not any(g.scalar for g in sim.groups)
    results = collect(sim, [sim.advance(7), sim.advance(100)])
    for c, got in zip(cases, results):
        check(got["state"], c)


def test_a_switch_reports_null_for_the_names_of_the_other_phase(client):
    body = {"surface": "himmelblau", "start": [0.5, -1.5], "steps": 6, "include": ["state"],
            "optimizers": [{"optimizer": "adam", "params": {"lr": 0.05},
                            "switch": {"at_step": 4, "optimizer": "momentum", "params": {"lr": 0.001}}}]}
    r = client.post("/api/runs", json=body)
    assert r.status_code == 200
    state = r.json()["runs"][0]["state"]
    assert set(state) == {"step", "exp_avg", "exp_avg_sq", "momentum_buffer"}
    assert state["step"] == [1, 2, 3, 4, None, None]
    assert all(len(v) == 2 for v in state["exp_avg"][:4]) and state["exp_avg"][4:] == [None, None]
    assert state["momentum_buffer"][:4] == [None] * 4
    g = r.json()["runs"][0]["gradients"][4]
    assert state["momentum_buffer"][4] == g  # torch's first buffer is the gradient itself
    plain = client.post("/api/runs", json={**body, "include": []}).json()["runs"][0]
    assert plain.get("state") is None


def test_the_stream_carries_the_same_state_chunk_by_chunk(client):
    body = {"surface": "rosenbrock", "steps": 120, "include": ["state"],
            "optimizers": [{"optimizer": "rmsprop", "params": {"lr": 0.01, "centered": True}},
                           {"optimizer": "nadam", "params": {"lr": 0.01}}]}
    whole = client.post("/api/runs", json=body).json()["runs"]
    parts = [{} for _ in whole]
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_json({**body, "id": 1})
        while True:
            frame = ws.receive_json()
            if frame["type"] == "end":
                break
            if frame["type"] == "chunk":
                for part, run in zip(parts, frame["runs"]):
                    for name, values in run["state"].items():
                        part.setdefault(name, []).extend(values)
    for part, run in zip(parts, whole):
        assert part == run["state"]
        assert len(run["state"]["step"]) == 120


@pytest.mark.parametrize("include", [["states"], "state", [1], ["state", "state"]])
def test_bad_include_is_a_422_naming_the_field(client, include):
    r = client.post("/api/runs", json={"surface": "quadratic", "include": include,
                                       "optimizers": [{"optimizer": "adam"}]})
    assert r.status_code == 422
    assert "include" in json.dumps(r.json()["detail"])


def test_the_state_is_never_nan_in_json_for_a_diverging_run(client):
    r = client.post("/api/runs", json={"surface": "rosenbrock", "start": [-1.2, 1.0], "steps": 300,
                                       "include": ["state"], "optimizers": [{"optimizer": "gd", "params": {"lr": 10}},
                                                                            {"optimizer": "adam", "params": {"lr": 5}}]})
    assert r.status_code == 200 and "NaN" not in r.text
    runs = r.json()["runs"]
    assert runs[0]["status"] == "diverged" and runs[0]["state"] == {}
    assert len(runs[1]["state"]["exp_avg"]) == runs[1]["steps_run"]
