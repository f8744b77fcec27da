"""Slopes against torch.optim: trajectories in tests/golden, made by tools/make_golden.py with torch 2.13.0.

Each coordinate must be within 1e-8 x (1 + |value|) of torch's, along the
whole path, both when a run advances alone (Python floats) and when many runs
with different hyperparameters advance together as arrays.
"""
import json
from pathlib import Path

import numpy as np
import pytest
from helpers import close, phase, run

from app import engine
from app.engine import RunSpec, Simulation, collect
from app.surfaces import get_surface

GOLDEN = Path(__file__).parent / "golden"
TOL = 1e-8


def load(name):
    return json.loads((GOLDEN / f"{name}.json").read_text())["cases"]


CASES = load("optimizers")


def test_fixtures_cover_every_torch_optimizer_and_branch():
    from app.optimizers import TORCH_OPTIMIZERS

    assert {c["optimizer"] for c in CASES} == set(TORCH_OPTIMIZERS)
    assert len({c["surface"] for c in CASES}) >= 5
    branches = {k for c in CASES for k in c["params"]}
    for name in ("weight_decay", "dampening", "lr_decay", "initial_accumulator_value", "centered", "momentum",
                 "amsgrad", "momentum_decay", "betas", "eps", "alpha", "rho"):
        assert name in branches
    assert all(c["steps"] == 200 for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['surface']}-{c['optimizer']}-{sorted(c['params'])}")
def test_single_run_matches_torch(case):
    got = run(case["surface"], case["start"], case["optimizer"], case["params"], steps=case["steps"])
    assert got["status"] == "ok"
    assert close(got["points"], case["points"]) <= TOL


@pytest.mark.parametrize("surface", sorted({c["surface"] for c in CASES}))
def test_batched_runs_match_torch(surface, monkeypatch):
    """All cases of a surface in one Simulation: same-flag runs share arrays with per-run hyperparameters."""
    cases = [c for c in CASES if c["surface"] == surface]
    monkeypatch.setattr(engine, "SCALAR_MAX_RUNS", 0)  # force the array path
    runs = [RunSpec(tuple(c["start"]), (phase(c["optimizer"], c["params"]),)) for c in cases]
    sim = Simulation(get_surface(surface), runs, 200)
    assert any(not g.scalar for g in sim.groups)
    results = collect(sim, [sim.advance(70), sim.advance(130)])
    for c, got in zip(cases, results):
        assert close(got["points"], c["points"]) <= TOL, (c["optimizer"], c["params"])


@pytest.mark.parametrize("case", load("schedules"), ids=lambda c: f"{c['surface']}-{c['optimizer']}-{c['schedule']['type']}")
def test_schedules_match_torch_lr_scheduler(case):
    got = run(case["surface"], case["start"], case["optimizer"], case["params"], steps=case["steps"],
              schedule=case["schedule"])
    assert close(got["lrs"], case["lrs"], ) <= 1e-12
    assert close(got["points"], case["points"]) <= TOL


def test_switch_matches_a_fresh_torch_optimizer():
    case = load("switch")[0]
    got = run(case["surface"], case["start"], case["optimizer"], case["params"], steps=case["steps"],
              switch=case["switch"])
    assert close(got["lrs"], case["lrs"]) <= 1e-12
    assert close(got["points"], case["points"]) <= TOL
    # and the switch matters: without it the path is different
    plain = run(case["surface"], case["start"], case["optimizer"], case["params"], steps=case["steps"])
    assert np.abs(np.asarray(plain["points"]) - np.asarray(case["points"])).max() > 1e-3
