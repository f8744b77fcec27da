"""Every numeric claim of the lessons on step sizes and schedules (app/lessons/steps.py) is checked here on the
lesson's own state, through the API; where a caption speaks of reaching or stalling, by the server's own summary
(the table the page shows)."""
import numpy as np
import pytest

from app.surfaces import get_surface
from lesson_runs import BY_ID, needs, step_lengths


def test_lr_sizes(lesson_runs):
    small, right, large = lesson_runs("lr_sizes")
    assert [r["params"]["lr"] for r in (small, right, large)] == [0.005, 0.4, 1.05]
    s = get_surface("quadratic")
    assert s.hessian(0.0, 0.0, np) == (2.0, 0.0, 2.0)  # L = 2, so lr < 2/L = 1
    assert small["status"] == "ok" and small["losses"][-1] > 0.1
    # "still 1.07 from the minimum after 100 steps": crawling, not stuck
    assert small["summary"]["verdict"] == "moving" and small["summary"]["distance"] == pytest.approx(1.07, abs=0.005)
    assert right["status"] == "ok" and right["losses"][-1] < 1e-12
    assert right["summary"]["verdict"] == "reached" and right["summary"]["reached_at"] == 4
    assert large["status"] == "diverged" and large["summary"]["verdict"] == "diverged"


def test_lr_decay_lowers_the_noise_floor(lesson_runs):
    const, decay = lesson_runs("lr_decay")
    assert np.mean(decay["losses"][-50:]) < np.mean(const["losses"][-50:]) / 3
    assert BY_ID["lr_decay"]["state"]["gradient"]["noise"] == 2.0 and decay["schedule"]["gamma"] == 0.98
    assert decay["summary"]["distance"] == pytest.approx(0.09, abs=0.005)
    assert const["summary"]["distance"] == pytest.approx(0.26, abs=0.005)
    assert const["summary"]["verdict"] == decay["summary"]["verdict"] == "moving"  # neither is at rest


def test_mae_jitters_with_a_fixed_lr_and_settles_with_decay(lesson_runs):
    fixed, decayed = lesson_runs("mae_jitter")
    m = np.asarray(get_surface("linreg_mae").minima[0].point)
    steps = lambda r: np.hypot(*np.diff(np.asarray(r["points"]), axis=0).T)
    grad_norm = lambda r: np.hypot(*np.asarray(r["gradients"]).T)
    assert steps(fixed)[-50:].min() > 0.8  # visible: steps of about 0.9 to the end
    assert grad_norm(fixed)[-50:].min() > 0.8  # because the gradient does not shrink near the minimum
    assert np.hypot(*(np.asarray(fixed["points"][-50:]) - m).T).min() > 0.3
    assert np.hypot(*(np.asarray(decayed["points"][-1]) - m)) < 1e-3
    assert steps(decayed)[-1] < 1e-3
    assert fixed["params"]["lr"] == 1.0 and decayed["schedule"]["gamma"] == 0.98
    assert fixed["summary"]["verdict"] == "moving"
    assert (decayed["summary"]["verdict"], decayed["summary"]["reached_at"]) == ("reached", 103)


def test_adam_then_sgd(lesson_runs):
    gd, adam, switched = lesson_runs("adam_then_sgd")
    assert switched["switch"]["optimizer"] == "gd" and switched["switch"]["at_step"] == 60
    assert gd["losses"][-1] > 0.999  # visible: plain GD has not left the plateau
    assert np.hypot(*np.subtract(gd["points"][-1], gd["points"][0])) < 0.05
    assert np.hypot(*switched["points"][60]) < 0.5  # Adam did the crossing before the switch
    assert switched["losses"][-1] < 1e-20 < 1e-12 < adam["losses"][-1] < 1e-6
    assert adam["summary"]["excess_loss"] == pytest.approx(2e-9, rel=0.25)  # "loss ≈ 2e-9 after 200 steps"
    assert (switched["summary"]["verdict"], switched["summary"]["reached_at"]) == ("reached", 65)
    assert gd["summary"]["verdict"] == "stalled"


def test_schedule_free_needs_no_schedule_over_ten_seeds(lesson_runs):
    """The claim holds for the lesson's own state and for nine more mini-batch seeds, not for one lucky draw.
    ``points`` (the path drawn) is y, where Schedule-Free takes its gradients; ``averaged`` is x, the point
    ``optimizer.eval()`` gives and the paper evaluates. All three lanes have the same lr and no weight decay
    (AdamW's default 0.01 would move its resting point away from the loss's minimum)."""
    needs("adamw", "schedule_free_adamw")
    state = BY_ID["schedule_free"]["state"]
    const_lane, cos_lane, sf_lane = state["optimizers"]
    assert {o["params"]["lr"] for o in state["optimizers"]} == {0.2}
    assert {o["params"]["weight_decay"] for o in state["optimizers"]} == {0.0}
    assert "schedule" not in const_lane and "schedule" not in sf_lane
    assert cos_lane["schedule"] == {"type": "cosine", "T_max": state["steps"]}
    s = get_surface("linreg_mse")
    best = s.minima[0]
    halfway_ahead = 0
    for seed in range(10):
        own = seed == state["gradient"]["seed"]  # the lesson's own seed: its shared runs
        const, cos, sf = lesson_runs("schedule_free", **({} if own else {"gradient": {**state["gradient"], "seed": seed}}))
        assert const["status"] == cos["status"] == sf["status"] == "ok"
        assert len(sf["averaged"]) == len(sf["points"])
        excess = lambda r: np.asarray(r["losses"]) - best.value
        x_excess = np.array([s.value(*p, np) for p in sf["averaged"]]) - best.value
        # the end: cosine and Schedule-Free both settle within 1e-4 (x) / 5e-4 (y, the path drawn) of the minimum
        # loss, the same final loss in the table's four digits, as cosine's
        assert excess(cos)[-1] < 1e-4 and x_excess[-1] < 1e-4 and excess(sf)[-1] < 5e-4, seed
        assert abs(sf["losses"][-1] - cos["losses"][-1]) < 5e-4, seed
        # constant-lr AdamW keeps hopping: over the last 100 steps, far above Schedule-Free in loss, farther off
        assert excess(const)[-100:].mean() > 5e-3, seed
        assert excess(const)[-100:].mean() > 5 * excess(sf)[-100:].mean(), seed
        assert excess(const)[-100:].mean() > 100 * x_excess[-100:].mean(), seed
        spread = lambda r: np.hypot(*(np.asarray(r["points"][-100:]) - best.point).T).mean()
        assert spread(const) > 2.5 * spread(sf) and spread(const) > 0.05, seed  # the hopping the plot shows
        # the cosine run settles because its lr reaches 0, not because the gradients vanish
        assert cos["lrs"][-1] < 1e-5 * cos["params"]["lr"] and step_lengths(cos)[-1] < 1e-3
        # half-way, the cosine lr is still half of it and that run still hops: Schedule-Free's x is already closer
        assert cos["lrs"][500] == pytest.approx(0.1)
        assert x_excess[500] < 1e-3, seed
        halfway_ahead += x_excess[500] < excess(cos)[500]
    assert halfway_ahead >= 9  # measured: 29 of 30 seeds


def test_schedule_free_halfway_claim_holds_on_the_lessons_own_seed(lesson_runs):
    """The caption's "at step 500 ... x is already closer to the minimum" is read against the paths on screen, so it
    must hold for the seed the lesson opens with, not only for most seeds (seed 0 was the one seed in ten where the
    cosine run was ahead at step 500: excess loss 3.5e-4 for x vs 2.5e-4, distance 0.021 vs 0.013)."""
    needs("adamw", "schedule_free_adamw")
    s = get_surface("linreg_mse")
    best = s.minima[0]
    const, cos, sf = lesson_runs("schedule_free")
    x500 = np.asarray(sf["averaged"][500])
    assert s.value(*x500, np) - best.value < cos["losses"][500] - best.value
    assert np.hypot(*(x500 - best.point)) < np.hypot(*(np.asarray(cos["points"][500]) - best.point))
    assert np.hypot(*(x500 - best.point)) < np.hypot(*(np.asarray(const["points"][500]) - best.point))
