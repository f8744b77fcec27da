"""Every rule explains its own steps (app/numeric.py, ``o.term`` / ``o.quantity``).

Each optimizer runs on coordinate-major ``(2, n)`` arrays with an explaining ops layer, over many steps, on the
surfaces, starts and hyperparameters of every reference fixture (tests/golden/state.json: every branch the
references were run with) and on sweeps where the runs differ in a hyperparameter that picks a branch. After every
step the terms it reported must add up to the step it took (to 1e-12 x (1 + |step|)), and explaining must not
change a single bit of the trajectory.
"""
import json
from pathlib import Path

import numpy as np
import pytest

from app.numeric import ArrayOps
from app.optimizers import OPTIMIZERS, get_optimizer, hyper_namespace
from app.surfaces import get_surface

GOLDEN = json.loads((Path(__file__).parent / "golden" / "state.json").read_text())["cases"]
STEPS = 120
SUM_TOL = 1e-12


class Context(ArrayOps):
    """What the engine gives a rule besides the ops (app/optimizers/base.py): the surface's value and Hessian,
    extra evaluations, a place to emit per-step outputs, a seeded ``rng`` and the domain."""

    def __init__(self, shape, surface, explaining=True, seed=0):
        super().__init__(shape, explaining=explaining)
        self.surface, self.domain = surface, surface.domain
        self.generator = np.random.default_rng(seed)
        self.rng = self
        self.emitted = {}

    def uniform(self, k):
        return self.generator.uniform(size=(k, self.shape[1]))

    def value(self, p):
        return np.asarray(self.surface.value(p[0], p[1], np), dtype=float) * np.ones(p.shape[1])

    def hessian(self, p):
        return tuple(np.broadcast_to(h, p[0].shape) for h in self.surface.hessian(p[0], p[1], np))

    def emit(self, name, value):
        self.emitted[name] = value

    def evaluate(self, p, mask=None):
        gx, gy = self.surface.gradient(p[0], p[1], np)
        ones = np.ones(p.shape[1])
        return self.value(p), np.array([gx * ones, gy * ones])


def stacked(opt, per_run: list[dict]):
    """The hyperparameters of runs advanced together, as a rule reads them: one value where all runs share it,
    else a ``(1, n)`` row (betas split into beta1/beta2, as the engine gives them)."""
    spaces = [vars(hyper_namespace(opt.validate(h))) for h in per_run]
    out = {}
    for name in spaces[0]:
        values = [s[name] for s in spaces]
        same = all(v == values[0] for v in values)
        out[name] = values[0] if same else np.array(values, dtype=float)[None, :]
    return hyper_namespace(out)


def explain_run(opt, surface, starts, hp, lrs, explaining=True, seed=0):
    """Run the rule; per step: the point before, the point after, the terms and quantities."""
    p = np.ascontiguousarray(np.asarray(starts, dtype=float).T)
    o = Context(p.shape, surface, explaining, seed)
    state = opt.init_state(o, p, hp)
    steps = []
    with np.errstate(all="ignore"):
        for lr in lrs:
            gx, gy = surface.gradient(p[0], p[1], np)
            g = np.array([gx * np.ones(p.shape[1]), gy * np.ones(p.shape[1])])
            before = p.copy()
            p = opt.step(o, state, p, g, hp, lr)
            terms, quantities = o.take_explained() if explaining else ({}, {})
            steps.append((before, p.copy(), terms, quantities))
    return steps


def check_sums(steps, oid):
    """Every step: terms of shape (2, n) whose sum is the step, where the step is finite; every name reported is
    in the optimizer's catalogue entry (GET /api/optimizers labels it)."""
    opt = get_optimizer(oid)
    listed_terms, listed_quantities = {t.name for t in opt.terms}, {q.name for q in opt.quantities}
    for k, (before, after, terms, quantities) in enumerate(steps):
        assert terms, (oid, k)
        assert set(terms) <= listed_terms and set(quantities) <= listed_quantities, (oid, k, sorted(terms),
                                                                                     sorted(quantities))
        step = after - before
        total = np.zeros_like(step)
        for name, value in terms.items():
            assert value.shape == step.shape, (oid, k, name, value.shape)
            total = total + value
        finite = np.isfinite(step) & np.isfinite(before)
        error = np.abs(total - step)[finite]
        bound = (SUM_TOL * (1 + np.abs(step)))[finite]
        assert (error <= bound).all(), (oid, k, float((error / bound).max()), sorted(terms))
        for name, value in quantities.items():
            assert value.ndim == 0 or value.shape in ((1, step.shape[1]), step.shape), (oid, k, name, value.shape)


def lrs_for(hp, steps, seed=3):
    base = getattr(hp, "lr", 1.0)
    base = base if isinstance(base, float) else 1.0
    return (base * np.random.default_rng(seed).uniform(0.5, 1.0, steps)).tolist()  # a schedule's changing lr


def _variants():
    seen, out = set(), []
    for c in GOLDEN:
        key = (c["optimizer"], json.dumps(c["params"], sort_keys=True), c["surface"])
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


CASES = _variants()
# the optimizers no reference covers: their own settings (every branch)
OWN = [("newton", "himmelblau", [0.5, -1.0], {}), ("newton", "saddle", [0.3, 0.1], {"lr": 0.5}),
       ("newton", "rosenbrock", [-1.2, 1.0], {"min_curvature": 10.0}),
       ("random_search", "himmelblau", [0.0, 0.0], {}), ("random_local_search", "rastrigin", [2.2, -3.1], {}),
       ("random_local_search", "himmelblau", [0.0, 0.0], {"step_size": 0.5})]


def test_the_fixtures_cover_every_branch_the_rules_explain():
    covered = {c["optimizer"] for c in CASES} | {oid for oid, *_ in OWN}
    assert covered == set(OPTIMIZERS)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['surface']}-{c['optimizer']}-"
                         f"{'-'.join(sorted(k for k in c['params'] if k != 'lr')) or 'defaults'}")
def test_terms_add_up_to_every_step_and_explaining_changes_nothing(case):
    opt = get_optimizer(case["optimizer"])
    surface = get_surface(case["surface"])
    starts = np.array(case["start"]) + np.random.default_rng(5).uniform(-0.2, 0.2, (6, 2))
    hp = stacked(opt, [case["params"]] * len(starts))
    steps = 40 if opt.id == "lbfgs" else STEPS
    lrs = lrs_for(hp, steps)
    explained = explain_run(opt, surface, starts, hp, lrs)
    check_sums(explained, opt.id)
    plain = explain_run(opt, surface, starts, hp, lrs, explaining=False)
    for (_, a, *_), (_, b, *_) in zip(explained, plain):
        assert np.array_equal(a, b, equal_nan=True)  # to the bit
    moved = np.abs(explained[-1][1] - explained[0][0])
    assert np.nanmax(moved) > 1e-6  # the runs did something


@pytest.mark.parametrize("oid, surface, start, params", OWN, ids=lambda v: v if isinstance(v, str) else None)
def test_the_rules_without_a_reference_explain_their_steps(oid, surface, start, params):
    opt = get_optimizer(oid)
    s = get_surface(surface)
    starts = np.array(start) + np.random.default_rng(2).uniform(-0.2, 0.2, (6, 2))
    hp = stacked(opt, [params] * len(starts))
    lrs = lrs_for(hp, STEPS)
    explained = explain_run(opt, s, starts, hp, lrs)
    check_sums(explained, oid)
    plain = explain_run(opt, s, starts, hp, lrs, explaining=False)
    assert all(np.array_equal(a[1], b[1], equal_nan=True) for a, b in zip(explained, plain))


SWEEPS = [  # runs advanced together that differ in a value that picks a branch
    ("rmsprop", "ravine", [-9.0, 2.5], {"lr": 0.05}, {"momentum": [0.0, 0.5, 0.9]}),
    ("rmsprop", "himmelblau", [0.5, 0.5], {"lr": 0.01, "centered": True, "weight_decay": 0.1},
     {"momentum": [0.0, 0.3, 0.0]}),
    ("radam", "rosenbrock", [-1.2, 1.0], {"lr": 0.005}, {"betas": [[0.9, 0.999], [0.9, 0.6], [0.8, 0.9]]}),
    ("radam", "himmelblau", [0.5, 0.5], {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True},
     {"betas": [[0.9, 0.6], [0.9, 0.65], [0.8, 0.5]]}),
    ("adabelief", "rosenbrock", [-1.2, 1.0], {"lr": 0.005, "rectify": True},
     {"betas": [[0.9, 0.999], [0.9, 0.6], [0.8, 0.9]]}),
    ("asgd", "himmelblau", [0.5, 0.5], {"lr": 0.01}, {"t0": [1e6, 20.0, 5.0], "weight_decay": [0.0, 0.1, 0.2]}),
    ("schedule_free_adamw", "himmelblau", [0.5, 0.5], {"lr": 0.05, "weight_decay": 0.05},
     {"warmup_steps": [0, 10, 30]}),
    ("adam", "himmelblau", [0.5, 0.5], {"lr": 0.05}, {"weight_decay": [0.0, 0.1, 0.5], "eps": [1e-8, 1e-3, 0.1]}),
    ("adagrad", "ravine", [-9.0, 2.5], {"lr": 0.3}, {"weight_decay": [0.0, 0.1, 0.0], "lr_decay": [0.0, 0.0, 0.1]}),
    ("adadelta", "himmelblau", [0.5, 0.5], {}, {"weight_decay": [0.0, 0.1, 0.3]}),
    ("lion", "himmelblau", [0.5, 0.5], {"lr": 0.01}, {"weight_decay": [0.0, 0.1, 1.0]}),
    ("prodigy", "himmelblau", [0.5, 0.5], {}, {"betas": [[0.9, 0.999], [0.0, 0.99], [0.5, 0.9]]}),
    ("adafactor", "himmelblau", [0.5, 0.5], {"lr": 0.05}, {"weight_decay": [0.0, 0.1, 0.0], "d": [1.0, 1.0, 3.0]}),
]


@pytest.mark.parametrize("oid, surface, start, base, per_run", SWEEPS,
                         ids=lambda v: v if isinstance(v, str) else None)
def test_runs_that_differ_in_a_branch_each_explain_their_own(oid, surface, start, base, per_run):
    opt = get_optimizer(oid)
    s = get_surface(surface)
    n = 9
    settings = [{**base, **{k: v[i % 3] for k, v in per_run.items()}} for i in range(n)]
    starts = np.array(start) + np.random.default_rng(4).uniform(-0.2, 0.2, (n, 2))
    hp = stacked(opt, settings)
    assert any(isinstance(v, np.ndarray) for v in vars(hp).values())  # really per-run rows
    lrs = lrs_for(hp, STEPS)
    explained = explain_run(opt, s, starts, hp, lrs)
    check_sums(explained, oid)
    plain = explain_run(opt, s, starts, hp, lrs, explaining=False)
    assert all(np.array_equal(a[1], b[1], equal_nan=True) for a, b in zip(explained, plain))


def test_every_name_in_the_catalogue_is_reported_by_some_step():
    """No label for a name no rule reports: each listed term and quantity turns up in the fixtures' runs."""
    reported = {oid: set() for oid in OPTIMIZERS}
    runs = [(c["optimizer"], c["surface"], c["start"], c["params"]) for c in CASES] + OWN
    for oid, surface, start, params in runs:
        opt = get_optimizer(oid)
        hp = stacked(opt, [params])
        for _, _, terms, quantities in explain_run(opt, get_surface(surface), [start], hp, lrs_for(hp, 40)):
            reported[oid] |= set(terms) | set(quantities)
    for oid, opt in OPTIMIZERS.items():
        listed = {t.name for t in opt.terms} | {q.name for q in opt.quantities}
        assert listed == reported[oid], (oid, listed - reported[oid], reported[oid] - listed)
