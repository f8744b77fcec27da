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

from app.engine import planner
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
    monkeypatch.setattr(planner, "SCALAR_MAX_RUNS", 0)  # force the array path
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


# --- the ten more: torch.optim's RAdam, Rprop, ASGD, Adafactor, LBFGS, Muon; Lion, AdaBelief, Schedule-Free AdamW,
# Prodigy from their own packages (tests/golden/optimizers_reference.json) -----------------------------------------
REFERENCE_CASES = load("optimizers_reference")


def _case_id(c):
    return f"{c['surface']}-{c['optimizer']}-{'-'.join(sorted(k for k in c['params'] if k != 'lr')) or 'defaults'}"


def test_reference_fixtures_cover_every_reference_optimizer_and_branch():
    from app.optimizers import REFERENCE_OPTIMIZERS, OPTIMIZERS

    assert {c["optimizer"] for c in REFERENCE_CASES} == set(REFERENCE_OPTIMIZERS) <= set(OPTIMIZERS)
    for oid in REFERENCE_OPTIMIZERS:  # each on at least five surfaces
        assert len({c["surface"] for c in REFERENCE_CASES if c["optimizer"] == oid}) >= 5, oid
    seen = {(c["optimizer"], k, repr(v)) for c in REFERENCE_CASES for k, v in c["params"].items()}
    for branch in [("radam", "decoupled_weight_decay", "True"), ("radam", "betas", "[0.9, 0.6]"),
                   ("rprop", "etas", "[0.3, 1.5]"), ("rprop", "step_sizes", "[0.001, 0.05]"), ("asgd", "t0", "20.0"),
                   ("adafactor", "eps", "[None, 0.5]"), ("adafactor", "d", "2.0"),
                   ("lbfgs", "line_search_fn", "'strong_wolfe'"), ("lbfgs", "max_iter", "1"),
                   ("muon", "nesterov", "False"), ("muon", "adjust_lr_fn", "'match_rms_adamw'"),
                   ("adabelief", "rectify", "True"), ("adabelief", "weight_decouple", "False"),
                   ("adabelief", "fixed_decay", "True"), ("schedule_free_adamw", "warmup_steps", "20"),
                   ("prodigy", "safeguard_warmup", "True"), ("prodigy", "decouple", "False"),
                   ("prodigy", "growth_rate", "1.05")]:
        assert branch in seen, branch


def _run_case(case, **kw):
    return run(case["surface"], case["start"], case["optimizer"], case["params"], steps=case["steps"], **kw)


@pytest.mark.parametrize("case", REFERENCE_CASES, ids=_case_id)
def test_each_reference_optimizer_matches_its_reference(case):
    got = _run_case(case)
    assert got["status"] == "ok"
    assert close(got["points"], case["points"]) <= TOL
    if "averaged" in case:  # Schedule-Free: the point eval() gives, after each step
        assert close(np.concatenate([[case["start"]], got["averaged"]]), case["averaged"]) <= TOL
    if "evaluations" in case:  # LBFGS: every closure call of every step, counted and placed
        assert list(got["evaluations"]) == case["evaluations"]
        for mine, theirs in zip(got["evaluation_points"], case["evaluation_points"]):
            assert close(mine, theirs) <= TOL


@pytest.mark.parametrize("surface", sorted({c["surface"] for c in REFERENCE_CASES}))
def test_reference_optimizers_batched_match_their_references(surface, monkeypatch):
    """Every reference case of a surface in one Simulation, forced onto the array path."""
    from app.optimizers import OPTIMIZERS

    monkeypatch.setattr(planner, "SCALAR_MAX_RUNS", 0)
    cases = [c for c in REFERENCE_CASES if c["surface"] == surface and c["optimizer"] in OPTIMIZERS]
    runs = [RunSpec(tuple(c["start"]), (phase(c["optimizer"], c["params"]),)) for c in cases]
    sim = Simulation(get_surface(surface), runs, max(c["steps"] for c in cases))
    results = sim.collect([sim.advance(70), sim.advance(200)])
    for c, got in zip(cases, results):
        assert close(got["points"][:c["steps"] + 1], c["points"]) <= TOL, (c["optimizer"], c["params"])


STATE_CASES = [c for c in load("state") if c["optimizer"] in {n["optimizer"] for n in REFERENCE_CASES}]
LBFGS_HISTORY = {"old_dirs", "old_stps", "ro", "al"}  # lists of history_size entries: not per-step vectors


@pytest.mark.parametrize("case", STATE_CASES, ids=_case_id)
def test_reference_optimizer_state_matches_its_reference(case):
    """``optimizer.state[p]`` (and the param group's running values) after every step, name by name."""
    sim = Simulation(get_surface(case["surface"]), [RunSpec(tuple(case["start"]), (phase(case["optimizer"],
                                                                                          case["params"]),))],
                     case["steps"], record_state=True)
    got = sim.collect()[0]
    assert close(got["points"], case["points"]) <= TOL
    expected = {k: v for k, v in case["state"].items() if k not in LBFGS_HISTORY}
    assert expected and set(expected) <= set(got["state"])
    for name, values in expected.items():
        mine = got["state"][name]
        assert len(mine) == len(values) == case["steps"]
        for a, b in zip(mine, values):
            assert (a is None) == (b is None), name
            if b is not None:
                assert close(a, b) <= TOL, name


REFERENCE_SCHEDULES = json.loads((GOLDEN / "schedules_reference.json").read_text())


@pytest.mark.parametrize("case", REFERENCE_SCHEDULES["cases"],
                         ids=lambda c: f"{c['surface']}-{c['optimizer']}-{c['schedule']['type']}")
def test_reference_optimizers_under_torch_lr_schedulers(case):
    """What each reference optimizer does with the scheduled lr (ASGD's next eta, Prodigy's d·lr, Schedule-Free's
    warm-up product, Rprop nothing after its first step) matches the reference under torch's schedulers."""
    got = _run_case(case, schedule=case["schedule"])
    assert close(got["lrs"], case["lrs"]) <= 1e-12
    assert close(got["points"], case["points"]) <= TOL


@pytest.mark.parametrize("case", REFERENCE_SCHEDULES["switches"],
                         ids=lambda c: f"{c['optimizer']}-to-{c['switch']['optimizer']}")
def test_switches_into_and_out_of_reference_optimizers_match_a_fresh_reference(case):
    got = _run_case(case, switch=case["switch"])
    assert close(got["points"], case["points"]) <= TOL
