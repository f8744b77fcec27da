"""The in-place rules and the blocked engine path they drive (basin maps, sweeps) against the pure rules.

``update_inplace`` must equal ``update`` bit for bit, so everything the parity tests prove about ``update``
against torch holds for basin maps too; the last test checks that directly against the golden fixtures.
"""
import json
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from helpers import close, phase

from app import engine
from app.engine import Phase, Simulation
from app.maps import basin_map, sweep
from app.optimizers import OPTIMIZERS, TORCH_OPTIMIZERS, get_optimizer, hyper_namespace
from app.optimizers.base import own_arrays
from app.surfaces import Domain, get_surface

GOLDEN = json.loads((Path(__file__).parent / "golden" / "optimizers.json").read_text())["cases"]
# every branch the golden fixtures cover (weight decay, dampening, centered, amsgrad, ...), once each, on the
# surface and near the start of its first case (where its lr is sensible)
VARIANTS = sorted({(c["optimizer"], json.dumps(c["params"], sort_keys=True)): c for c in GOLDEN}.values(),
                  key=lambda c: (c["optimizer"], json.dumps(c["params"], sort_keys=True)))


def pure(optimizer):
    """The same optimizer without its in-place rule: the engine then takes the array path."""
    return replace(optimizer, update_inplace=None)


def test_exactly_the_torch_optimizers_have_an_inplace_rule():
    assert {o.id for o in OPTIMIZERS.values() if o.update_inplace is not None} == set(TORCH_OPTIMIZERS)


@pytest.mark.parametrize("case", VARIANTS, ids=lambda c: f"{c['optimizer']}-{sorted(c['params'])}")
def test_inplace_rule_equals_the_pure_rule_bit_for_bit(case):
    opt = get_optimizer(case["optimizer"])
    hp = hyper_namespace(opt.validate(case["params"]))
    surface = get_surface(case["surface"])
    rng = np.random.default_rng(7)
    points = np.array(case["start"]) + rng.uniform(-0.1, 0.1, (500, 2))
    lrs = (hp.lr * rng.uniform(0.5, 1.0, 60)).tolist()  # a different lr every step, as a schedule gives
    ctx = SimpleNamespace(xp=np)
    p_pure, s_pure = points.copy(), opt.init(points, hp, ctx)
    p_fast = np.ascontiguousarray(points.T)
    s_fast = own_arrays(opt.init(p_fast, hp, ctx))
    work = tuple(np.empty_like(p_fast) for _ in range(3))
    with np.errstate(all="ignore"):
        for lr in lrs:
            g = np.column_stack(surface.gradient(p_pure[:, 0], p_pure[:, 1], np))
            p_pure, s_pure = opt.update(g, s_pure, p_pure, hp, lr, ctx)
            g_fast = np.ascontiguousarray(g.T)
            s_fast = opt.update_inplace(g_fast, s_fast, p_fast, hp, lr, work)
            assert np.array_equal(g_fast, g.T, equal_nan=True)  # the gradient is read, never written
    assert np.array_equal(p_fast.T, p_pure, equal_nan=True)
    assert np.isfinite(p_pure).mean() > 0.9 and np.abs(p_pure - points).max() > 1e-3  # they moved, mostly finite
    for fast, slow in zip(s_fast, s_pure):
        if isinstance(slow, np.ndarray):
            assert np.array_equal(fast.T, slow, equal_nan=True)
        else:
            assert fast == slow


SWEEPS = [  # (optimizer, base params, per-run values of one or two hyperparameters)
    ("momentum", {}, {"lr": [1e-3, 3e-3, 5e-3], "momentum": [0.5, 0.9, 0.99], "dampening": [0.0, 0.3, 0.0]}),
    ("nesterov", {"weight_decay": 0.1}, {"lr": [1e-3, 2e-3, 4e-3], "momentum": [0.5, 0.8, 0.95]}),
    ("gd", {}, {"lr": [1e-4, 1e-3, 2e-3], "weight_decay": [0.0, 0.1, 1.0]}),
    ("adagrad", {}, {"lr": [0.01, 0.1, 0.5], "lr_decay": [0.0, 0.01, 0.1]}),
    ("rmsprop", {}, {"lr": [1e-3, 1e-2, 3e-2], "momentum": [0.0, 0.5, 0.9]}),  # some runs with none
    ("rmsprop", {"centered": True}, {"alpha": [0.5, 0.9, 0.99], "eps": [1e-8, 1e-4, 1e-2]}),
    ("adadelta", {}, {"rho": [0.5, 0.9, 0.95], "lr": [0.5, 1.0, 2.0]}),
    ("adam", {"amsgrad": True}, {"lr": [0.01, 0.05, 0.1], "betas": [[0.5, 0.9], [0.9, 0.999], [0.3, 0.99]]}),
    ("adam", {}, {"betas": [[0.4, 0.9], [0.6, 0.999], [0.9, 0.99]]}),  # lerp weights on both sides of 0.5
    ("adamw", {}, {"weight_decay": [0.0, 0.01, 0.5]}),
    ("nadam", {}, {"momentum_decay": [0.004, 0.04, 0.4], "weight_decay": [0.0, 0.1, 0.0]}),
    ("adamax", {}, {"lr": [0.01, 0.05, 0.2], "eps": [1e-8, 1e-3, 1e-1]}),
]


@pytest.mark.parametrize("oid, base, per_run", SWEEPS, ids=lambda v: v if isinstance(v, str) else None)
def test_blocked_batches_with_per_run_hyperparameters_equal_the_array_path(oid, base, per_run, monkeypatch):
    """Many blocks, side by side, each run with its own hyperparameters and a schedule: the same final
    points, statuses and settle steps as the array path, to the bit."""
    monkeypatch.setattr(engine, "BLOCK_RUNS", 50)
    opt = get_optimizer(oid)
    surface = get_surface("himmelblau")
    n = 300
    hypers = [opt.validate({**base, **{k: v[i % 3] for k, v in per_run.items()}}) for i in range(n)]
    starts = np.random.default_rng(1).uniform(-5, 5, (n, 2))

    def final(optimizer):
        first = Phase(0, optimizer, hypers[0], phase(oid, schedule={"type": "exponential", "gamma": 0.995}).schedule)
        sim = Simulation.batch(surface, starts, (first,), 160, hypers=hypers, settle=0.01)
        assert (sim.groups[0].blocks is not None) == (optimizer.update_inplace is not None)
        while not sim.done:
            chunk = sim.advance(40)
        return chunk.points[0], sim.status, sim.settled_at(), sim.steps_run, chunk.lrs[0], chunk.losses[0]

    fast, slow = final(opt), final(pure(opt))
    assert np.array_equal(fast[0], slow[0], equal_nan=True)
    assert fast[1] == slow[1] and np.array_equal(fast[2], slow[2]) and np.array_equal(fast[3], slow[3])
    assert np.array_equal(fast[4], slow[4]) and np.array_equal(fast[5], slow[5], equal_nan=True)
    assert len(set(map(tuple, fast[0][:3].round(12)))) == 3  # the three settings really differ


def test_blocked_basin_map_equals_the_array_path_with_a_switch_and_divergence(monkeypatch):
    monkeypatch.setattr(engine, "BLOCK_RUNS", 97)
    s = get_surface("six_hump_camel")
    adam, gd = get_optimizer("adam"), get_optimizer("gd")

    def run(a, b):
        # the switch's lr 0.2 is too big for the minima where the Hessian is steep: those runs diverge
        phases = (Phase(0, a, a.validate({"lr": 0.05})), Phase(120, b, b.validate({"lr": 0.2})))
        return basin_map(s, phases, 200, 31, Domain((-2.0, 2.0), (-1.2, 1.2)))

    fast, slow = run(adam, gd), run(pure(adam), pure(gd))
    for key in ("basin", "final_loss", "steps_to_converge"):
        assert np.array_equal(fast[key], slow[key], equal_nan=True), key
    assert (fast["basin"] == -2).any() and (fast["basin"] >= 0).any()


def test_blocks_give_the_same_answer_on_one_thread_or_many(monkeypatch):
    """Each block owns its noise and mini-batch streams, so the order the threads take them in is irrelevant."""
    from app.engine import GradientSpec

    monkeypatch.setattr(engine, "BLOCK_RUNS", 64)
    noisy = GradientSpec(noise=0.3, seed=5)
    args = (get_surface("himmelblau"), (phase("rmsprop", {"lr": 0.02}),), 150, 30)
    many = basin_map(*args, gradient=noisy)
    monkeypatch.setattr(engine, "_block_pool", lambda: SimpleNamespace(map=map))
    one = basin_map(*args, gradient=noisy)
    assert np.array_equal(many["final_loss"], one["final_loss"], equal_nan=True)
    batches = GradientSpec(batch_size=4, seed=2)
    data = (get_surface("linreg_mse"), (phase("adam", {"lr": 0.05}),), 60, 12)
    a = basin_map(*data, gradient=batches)
    b = basin_map(*data, gradient=batches)
    assert np.array_equal(a["final_loss"], b["final_loss"], equal_nan=True)


def test_sweep_cells_equal_single_runs_to_the_bit_on_the_blocked_path():
    from helpers import run

    first = phase("rmsprop")
    moms = np.array([0.0, 0.6])
    r = sweep(get_surface("ravine"), (-9.0, 2.5), (first,), 120, [("momentum", moms)], first.optimizer.validate)
    for i, m in enumerate(moms):
        single = run("ravine", (-9.0, 2.5), "rmsprop", {"momentum": m}, steps=120)
        assert r["final_point"][i].tolist() == single["points"][-1].tolist()


@pytest.mark.parametrize("surface", sorted({c["surface"] for c in GOLDEN}))
def test_basin_path_ends_where_torch_ends(surface):
    """Every golden case of a surface as one final-only batch (the basin-map path): its last point is
    torch's, every coordinate within 1e-8 x (1 + |value|)."""
    cases = [c for c in GOLDEN if c["surface"] == surface]
    s = get_surface(surface)
    for c in cases:
        p = phase(c["optimizer"], c["params"])
        sim = Simulation.batch(s, np.array([c["start"]] * 3), (p,), c["steps"])
        assert sim.groups[0].blocks is not None
        chunk = sim.advance(c["steps"])
        assert sim.status == ["ok"] * 3
        assert close(chunk.points[0], [c["points"][-1]] * 3) <= 1e-8, (c["optimizer"], c["params"])
