"""Engine behaviour: chunks, divergence, noise, numerical gradients, switches, schedules."""
import numpy as np
import pytest
from helpers import close, phase, run

from app import engine
from app.engine import planner
from app.engine import GradientSpec, RunSpec, Simulation, collect, simulate
from app.schedules import Schedule, ScheduleError
from app.surfaces import get_surface


def test_chunks_concatenate_to_one_advance():
    runs = [RunSpec((0.5, -1.5), (phase("adam", {"lr": 0.05}),)), RunSpec((0.5, -1.5), (phase("momentum"),))]
    s = get_surface("himmelblau")
    whole = simulate(s, runs, 300, GradientSpec(noise=0.5, seed=1))
    sim = Simulation(s, runs, 300, GradientSpec(noise=0.5, seed=1))
    parts = collect(sim, [sim.advance(k) for k in (1, 25, 100, 174, 50)])
    for a, b in zip(whole, parts):
        assert np.array_equal(a["points"], b["points"]) and np.array_equal(a["losses"], b["losses"])


def test_noise_is_seeded_per_run_not_per_request():
    s = get_surface("saddle")
    lane = RunSpec((1.8, 0.0), (phase("gd", {"lr": 0.05}),))
    other = RunSpec((1.0, 1.0), (phase("gd", {"lr": 0.05}),))
    g = GradientSpec(noise=0.3, seed=7)
    alone = simulate(s, [lane], 100, g)[0]
    shared = simulate(s, [lane, other], 100, g)[0]
    again = simulate(s, [lane], 100, g)[0]
    other_seed = simulate(s, [lane], 100, GradientSpec(noise=0.3, seed=8))[0]
    assert np.array_equal(alone["points"], shared["points"])
    assert np.array_equal(alone["points"], again["points"])
    assert not np.array_equal(alone["points"], other_seed["points"])


def test_noise_lets_gd_escape_the_saddle():
    still = run("saddle", (1.8, 0.0), "gd", {"lr": 0.05}, steps=400)
    noisy = run("saddle", (1.8, 0.0), "gd", {"lr": 0.05}, steps=400, gradient=GradientSpec(noise=0.5, seed=0))
    assert still["losses"][-1] == pytest.approx(0.0, abs=1e-12)  # stuck at the saddle
    assert noisy["losses"][-1] < -0.8  # near a minimum (f = -1)


def test_numerical_gradient_follows_the_analytic_path():
    a = run("rosenbrock", (-1.2, 1.0), "adam", {"lr": 0.02}, steps=200)
    n = run("rosenbrock", (-1.2, 1.0), "adam", {"lr": 0.02}, steps=200,
            gradient=GradientSpec(mode="numerical", h=1e-6))
    assert close(n["points"], a["points"], ) < 1e-5
    assert not np.array_equal(n["points"], a["points"])


def test_divergence_keeps_only_finite_points_and_stops():
    r = run("rosenbrock", (-1.2, 1.0), "gd", {"lr": 10.0}, steps=500)
    assert r["status"] == "diverged"
    assert len(r["points"]) == r["steps_run"] + 1 == len(r["losses"])
    assert np.isfinite(r["points"]).all() and np.isfinite(r["losses"]).all()


def test_unbounded_surface_ends_as_diverged_when_absurdly_far():
    r = run("monkey_saddle", (0.8, 0.1), "gd", {"lr": 0.05}, steps=2000)
    assert r["status"] == "diverged"
    last = np.abs(np.asarray(r["points"][-1]))
    assert last.max() <= engine.DIVERGENCE_SPANS * get_surface("monkey_saddle").domain.span


def test_overflow_in_float_path_is_divergence_not_an_error():
    # Adagrad with eps = 0 at a zero gradient: 0/0 in torch is NaN; Python floats raise; both mean diverged
    r = run("quadratic", (0.0, 0.0), "adagrad", {"eps": 0.0}, steps=10)
    assert r["status"] == "diverged" and r["steps_run"] == 0
    assert np.asarray(r["points"]).tolist() == [[0.0, 0.0]]


def test_float_and_array_paths_agree_under_noise(monkeypatch):
    s = get_surface("six_hump_camel")
    runs = [RunSpec((-1.0, -0.2), (phase("nadam", {"lr": 0.01}),)), RunSpec((1.0, 0.2), (phase("nadam"),))]
    g = GradientSpec(noise=0.2, seed=5)
    floats = simulate(s, runs, 200, g)
    monkeypatch.setattr(planner, "SCALAR_MAX_RUNS", 0)
    arrays = simulate(s, runs, 200, g)
    for a, b in zip(floats, arrays):
        assert close(a["points"], b["points"]) < 1e-12


def test_switch_changes_the_optimizer_with_fresh_state():
    r = run("himmelblau", (0.5, -1.5), "adam", {"lr": 0.05}, steps=200, switch={"at_step": 100, "optimizer": "gd",
                                                                                  "params": {"lr": 0.002}})
    assert r["lrs"][99] == 0.05 and r["lrs"][100] == 0.002
    pts = np.asarray(r["points"])
    # GD's step is exactly -lr * gradient from the switch on
    g = np.asarray(r["gradients"])
    assert np.allclose(pts[101] - pts[100], -0.002 * g[100], rtol=1e-12, atol=1e-15)


def test_schedule_values_follow_torch_definitions():
    lr = Schedule.from_dict({"type": "step", "step_size": 3, "gamma": 0.1}).learning_rates(1.0, 7)
    assert np.allclose(lr, [1, 1, 1, 0.1, 0.1, 0.1, 0.01])
    cos = Schedule.from_dict({"type": "cosine", "T_max": 10, "eta_min": 0.0}).learning_rates(1.0, 21)
    assert cos[0] == 1.0 and cos[10] == pytest.approx(0.0, abs=1e-15) and cos[20] == pytest.approx(1.0)
    inv = Schedule.from_dict({"type": "inverse_time", "decay": 0.5}).learning_rates(2.0, 3)
    assert np.allclose(inv, [2.0, 2.0 / 1.5, 1.0])


@pytest.mark.parametrize("spec,field", [
    ({"type": "step", "step_size": 0}, "step_size"),
    ({"type": "step", "step_size": 2.5}, "step_size"),
    ({"type": "cosine", "T_max": 10, "gamma": 0.5}, "gamma"),
    ({"type": "warp"}, "type"),
    ({"type": "exponential", "gamma": float("inf")}, "gamma"),
])
def test_bad_schedules_name_the_field(spec, field):
    with pytest.raises(ScheduleError) as e:
        Schedule.from_dict(spec)
    assert e.value.name == field


def test_runs_of_one_optimizer_share_one_array_group():
    runs = [RunSpec((x, 0.0), (phase("adam", {"lr": lr}),)) for x, lr in ((1, 0.1), (2, 0.2), (3, 0.3), (4, 0.1),
                                                                          (0.5, 0.01))]
    sim = Simulation(get_surface("quadratic"), runs, 10)
    assert len(sim.groups) == 1 and not sim.groups[0].scalar


def test_final_only_mode_keeps_one_row_and_agrees_with_recording():
    runs = [RunSpec((x, 1.0), (phase("adam", {"lr": 0.05}),)) for x in np.linspace(-4, 4, 9)]
    s = get_surface("himmelblau")
    full = simulate(s, runs, 300)
    sim = Simulation(s, runs, 300, record=False)
    last = None
    while not sim.done:
        last = sim.advance(64)
    assert last.points.shape[0] == 1
    for i, r in enumerate(full):
        assert np.array_equal(last.points[0, i], r["points"][-1])


def test_settled_at_is_the_same_on_the_float_and_the_array_path():
    """One Adam request with settle=0.01: two runs (Python floats) and six runs (arrays) agree on each run's
    settle step (it was [0 0] on the float path)."""
    s = get_surface("himmelblau")
    starts = [(0.5, -1.5), (-3.0, 3.0), (2.0, 2.0), (-2.0, -2.0), (4.0, -4.0), (1.0, 1.0)]
    runs = [RunSpec(p, (phase("adam", {"lr": 0.05}),)) for p in starts]
    few = Simulation(s, runs[:2], 400, settle=0.01)
    many = Simulation(s, runs, 400, settle=0.01)
    assert few.groups[0].scalar and not many.groups[0].scalar
    few.advance(400), many.advance(400)
    assert (few.settled_at() > 0).all()
    assert np.array_equal(few.settled_at(), many.settled_at()[:2])
    assert (few.settled_at() < 400).all()


def test_settled_at_needs_settle():
    sim = Simulation(get_surface("quadratic"), [RunSpec((1.0, 1.0), (phase("gd"),))], 10)
    with pytest.raises(ValueError, match="settle"):
        sim.settled_at()


def test_a_batch_collects_whole_runs_or_says_why_it_cannot():
    s = get_surface("himmelblau")
    starts = np.array([[0.5, -1.5], [-3.0, 3.0], [2.0, 2.0]])
    recorded = Simulation.batch(s, starts, (phase("adam", {"lr": 0.05}),), 50, record=True).collect()
    singles = simulate(s, [RunSpec(tuple(p), (phase("adam", {"lr": 0.05}),)) for p in starts], 50)
    assert len(recorded) == 3
    for a, b in zip(recorded, singles):
        assert a["points"].shape == (51, 2) and close(a["points"], b["points"], 0) <= 1e-15
    final_only = Simulation.batch(s, starts, (phase("adam", {"lr": 0.05}),), 50)
    with pytest.raises(ValueError, match="final-only"):
        final_only.collect()


def test_every_random_stream_follows_the_one_seed_scheme():
    """Noise of run i comes from default_rng([seed, NOISE, i]): the first step's gradient noise is that
    stream's first two normals times the noise level."""
    s = get_surface("quadratic")
    runs = [RunSpec((1.0, 2.0), (phase("gd", {"lr": 0.1}),)) for _ in range(2)]
    r = simulate(s, runs, 3, GradientSpec(noise=0.5, seed=11))
    for i in range(2):
        expected = np.array([2.0, 4.0]) + 0.5 * engine.stream(11, engine.NOISE, i).standard_normal((3, 2))[0]
        assert np.array_equal(r[i]["gradients"][0], expected)
