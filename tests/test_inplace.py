"""Each rule is written once; the engine runs it three ways, and the three agree to the bit.

A rule runs on Python floats (one coordinate at a time, a handful of runs; as written and with its ops inlined,
as the engine runs it), and on coordinate-major ``(2, n)`` arrays written in place (any number of runs, cut into
blocks that advance side by side). Same operations, same order: the results must be equal bit for bit, so
everything the parity tests prove against torch for one path holds for all (the last test checks the basin-map
path against the golden fixtures directly).
"""
import inspect
import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from helpers import close, phase

from app import engine
from app.engine import Phase, Simulation, lanes, simulation, source
from app.maps import basin_map, sweep
from app.numeric import FLOAT_OPS, ArrayOps, for_floats
from app.optimizers import OPTIMIZERS, TORCH_OPTIMIZERS, get_optimizer, hyper_namespace
from app.surfaces import Domain, get_surface

GOLDEN = json.loads((Path(__file__).parent / "golden" / "optimizers.json").read_text())["cases"]
# every branch the golden fixtures cover (weight decay, dampening, centered, amsgrad, ...), once each, on the
# surface and near the start of its first case (where its lr is sensible)
VARIANTS = sorted({(c["optimizer"], json.dumps(c["params"], sort_keys=True)): c for c in GOLDEN}.values(),
                  key=lambda c: (c["optimizer"], json.dumps(c["params"], sort_keys=True)))


def test_every_optimizer_is_one_rule_that_the_float_path_is_derived_from():
    """Every optimizer is one rule ``step(o, s, p, g, hp, lr)`` with its ``init_state`` and no second
    implementation beside it; the float path of an elementwise rule runs a rewrite of that same function (its ops
    inlined), not a copy kept elsewhere."""
    assert set(TORCH_OPTIMIZERS) | {"newton", "random_search", "random_local_search"} <= set(OPTIMIZERS)
    rewritten = 0
    for o in OPTIMIZERS.values():
        rule = getattr(o.step, "func", o.step)
        assert list(inspect.signature(rule).parameters)[:6] == ["o", "s", "p", "g", "hp", "lr"], o.id
        assert list(inspect.signature(o.init_state).parameters) == ["o", "p", "hp"], o.id
        assert not hasattr(o, "update") and not hasattr(o, "init"), o.id  # no pure pair beside the rule
        if o.elementwise and not o.needs:
            fast = for_floats(o.step)
            fast_rule = getattr(fast, "func", fast)
            assert fast_rule is not rule and fast_rule.__name__ == rule.__name__, o.id
            assert fast_rule.__code__.co_filename == f"<float {rule.__module__}.{rule.__name__}>", o.id
            rewritten += 1
    assert rewritten >= len(TORCH_OPTIMIZERS)


@pytest.mark.parametrize("case", VARIANTS, ids=lambda c: f"{c['optimizer']}-{sorted(c['params'])}")
def test_floats_and_arrays_in_place_agree_bit_for_bit(case):
    """Fed the same gradients, the rule on Python floats (as written, and with its ops inlined as the engine runs
    it) and in place on (2, n) arrays with scratch buffers give the same points and state, to the bit, with a
    new lr every step."""
    opt = get_optimizer(case["optimizer"])
    hp = hyper_namespace(opt.validate(case["params"]))
    surface = get_surface(case["surface"])
    rng = np.random.default_rng(7)
    points = np.array(case["start"]) + rng.uniform(-0.1, 0.1, (500, 2))
    lrs = (hp.lr * rng.uniform(0.5, 1.0, 60)).tolist()  # a different lr every step, as a schedule gives
    p_fast = np.ascontiguousarray(points.T)
    o = ArrayOps(p_fast.shape)
    s_fast = opt.init_state(o, p_fast, hp)
    floats = [[x, y] for x, y in points[:4].tolist()]
    s_float = [(opt.init_state(FLOAT_OPS, x, hp), opt.init_state(FLOAT_OPS, y, hp)) for x, y in floats]
    inlined = [list(p) for p in floats]
    s_inlined = [(opt.init_state(FLOAT_OPS, x, hp), opt.init_state(FLOAT_OPS, y, hp)) for x, y in floats]
    fast_rule = for_floats(opt.step)
    assert getattr(fast_rule, "func", fast_rule) is not getattr(opt.step, "func", opt.step)  # really rewritten
    with np.errstate(all="ignore"):
        for lr in lrs:
            g = np.column_stack(surface.gradient(p_fast[0], p_fast[1], np))
            g_fast = np.ascontiguousarray(g.T)
            before = g_fast.copy()
            out = opt.step(o, s_fast, p_fast, g_fast, hp, lr)
            assert out is p_fast  # the step was written into the points
            assert np.array_equal(g_fast, before, equal_nan=True)  # the gradient is read, never written
            for i, ((sx, sy), (gx, gy)) in enumerate(zip(s_float, g[:4].tolist())):
                x, y = floats[i]
                floats[i] = [opt.step(FLOAT_OPS, sx, x, gx, hp, lr), opt.step(FLOAT_OPS, sy, y, gy, hp, lr)]
                (ix, iy), (tx, ty) = inlined[i], s_inlined[i]
                inlined[i] = [fast_rule(FLOAT_OPS, tx, ix, gx, hp, lr), fast_rule(FLOAT_OPS, ty, iy, gy, hp, lr)]
    p_arrays = p_fast.T
    assert np.array_equal(np.array(floats), p_arrays[:4], equal_nan=True)
    assert np.array_equal(np.array(inlined), p_arrays[:4], equal_nan=True)
    assert all(vars(a) == vars(b) for pair, other in zip(s_float, s_inlined) for a, b in zip(pair, other))
    assert np.isfinite(p_arrays).mean() > 0.9 and np.abs(p_arrays - points).max() > 1e-3  # moved, mostly finite
    assert vars(s_fast).keys() == vars(s_float[0][0]).keys()
    for name, fast in vars(s_fast).items():
        if isinstance(fast, np.ndarray):
            assert np.array_equal(np.array([[getattr(sx, name), getattr(sy, name)] for sx, sy in s_float]),
                                  fast.T[:4], equal_nan=True), name
        else:
            assert all(getattr(sx, name) == fast for sx, _ in s_float), name


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
    points, statuses, settle steps, lrs and losses as one block, to the bit."""
    monkeypatch.setattr(source, "PER_RUN_STREAMS", 0)  # blocks even for 300 runs
    opt = get_optimizer(oid)
    surface = get_surface("himmelblau")
    n = 300
    hypers = [opt.validate({**base, **{k: v[i % 3] for k, v in per_run.items()}}) for i in range(n)]
    starts = np.random.default_rng(1).uniform(-5, 5, (n, 2))

    def final(optimizer, block_runs):
        monkeypatch.setattr(lanes, "BLOCK_RUNS", block_runs)
        first = Phase(0, optimizer, hypers[0], phase(oid, schedule={"type": "exponential", "gamma": 0.995}).schedule)
        sim = Simulation.batch(surface, starts, (first,), 160, hypers=hypers, settle=0.01)
        assert len(sim.groups[0].lanes) == -(-n // block_runs)
        while not sim.done:
            chunk = sim.advance(40)
        return chunk.points[0], sim.status, sim.settled_at(), sim.steps_run, chunk.lrs[0], chunk.losses[0]

    blocked = final(opt, 50)
    assert (blocked[2] > 0).any()
    for other in (final(opt, 10 ** 6),):
        assert np.array_equal(blocked[0], other[0], equal_nan=True)
        assert blocked[1] == other[1] and np.array_equal(blocked[2], other[2])
        assert np.array_equal(blocked[3], other[3])
        assert np.array_equal(blocked[4], other[4]) and np.array_equal(blocked[5], other[5], equal_nan=True)
    assert len(set(map(tuple, blocked[0][:3].round(12)))) == 3  # the three settings really differ
    # and each setting alone, on the float path, gives the same point: to the bit, except where a rule raises a
    # per-run hyperparameter to a power (NAdam's 0.96 ** (t ψ)): numpy's pow on an array of ψ and Python's on one
    # ψ may differ in the last bit (Python's is torch's)
    for i in range(3):
        single = Simulation(surface, [engine.RunSpec(tuple(starts[i]), (Phase(
            0, opt, hypers[i], phase(oid, schedule={"type": "exponential", "gamma": 0.995}).schedule),))], 160)
        assert single.groups[0].scalar
        last = single.collect()[0]["points"][-1]
        if "momentum_decay" in per_run:
            assert close(last, blocked[0][i], 0) <= 1e-13
        else:
            assert last.tolist() == blocked[0][i].tolist()


def test_blocked_basin_map_equals_one_block_with_a_switch_and_divergence(monkeypatch):
    monkeypatch.setattr(source, "PER_RUN_STREAMS", 0)
    s = get_surface("six_hump_camel")
    adam, gd = get_optimizer("adam"), get_optimizer("gd")

    def run(a, b, block_runs):
        monkeypatch.setattr(lanes, "BLOCK_RUNS", block_runs)
        # the switch's lr 0.2 is too big for the minima where the Hessian is steep: those runs diverge
        phases = (Phase(0, a, a.validate({"lr": 0.05})), Phase(120, b, b.validate({"lr": 0.2})))
        return basin_map(s, phases, 200, 31, Domain((-2.0, 2.0), (-1.2, 1.2)))

    fast, slow = run(adam, gd, 97), run(adam, gd, 10 ** 6)
    for key in ("basin", "final_loss", "steps_to_converge"):
        assert np.array_equal(fast[key], slow[key], equal_nan=True), key
    assert (fast["basin"] == -2).any() and (fast["basin"] >= 0).any()


def test_blocks_give_the_same_answer_on_one_thread_or_many(monkeypatch):
    """Each block owns its noise and mini-batch streams, so the order the threads take them in is irrelevant."""
    from app.engine import GradientSpec

    monkeypatch.setattr(lanes, "BLOCK_RUNS", 64)
    monkeypatch.setattr(source, "PER_RUN_STREAMS", 0)
    noisy = GradientSpec(noise=0.3, seed=5)
    args = (get_surface("himmelblau"), (phase("rmsprop", {"lr": 0.02}),), 150, 30)
    many = basin_map(*args, gradient=noisy)
    monkeypatch.setattr(simulation, "block_pool", lambda: SimpleNamespace(map=map))
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
        assert sim.groups[0].kind == "array"
        chunk = sim.advance(c["steps"])
        assert sim.status == ["ok"] * 3
        assert close(chunk.points[0], [c["points"][-1]] * 3) <= 1e-8, (c["optimizer"], c["params"])
