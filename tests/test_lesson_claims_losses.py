"""Every numeric claim of the lessons on losses of a small model on its data set (app/lessons/losses.py) is checked
here on the lesson's own state, through the API; where a caption speaks of reaching or stalling, by the server's own
summary (the table the page shows)."""
import numpy as np
import pytest

from app.surfaces import get_surface
from lesson_runs import runs


def test_batch_sizes_trade_noise(lesson_runs):
    bgd, sgd, mini = lesson_runs("batch_sizes")
    rises = lambda r: float(np.clip(np.diff(r["losses"]), 0, None).sum())
    assert rises(bgd) == 0.0  # full batch: the loss never goes up
    assert rises(sgd) > rises(mini) > 0.0
    assert sgd["batch_size"] == 1 and mini["batch_size"] == 8
    assert (bgd["summary"]["verdict"], bgd["summary"]["reached_at"]) == ("reached", 60)
    assert sgd["summary"]["verdict"] == mini["summary"]["verdict"] == "moving"
    assert sgd["summary"]["distance"] == pytest.approx(0.44, abs=0.005)
    assert mini["summary"]["distance"] == pytest.approx(0.05, abs=0.005)


def test_mae_keeps_the_clean_slope_mse_does_not(lesson_runs, client):
    mae, mse = lesson_runs("mse_vs_mae")  # both fits on one surface, one data panel
    assert mse["objective"] == "linreg_mse" and "objective" not in mae
    assert abs(mae["points"][-1][0] - 1.5) < 0.2
    assert mse["points"][-1][0] > 2.2
    mse_min = client.get("/api/surfaces/linreg_mse").json()["minima"][0]["point"]
    mae_min = client.get("/api/surfaces/linreg_mae").json()["minima"][0]["point"]
    assert np.hypot(*np.subtract(mse["points"][-1], mse_min)) < 1e-3
    assert np.hypot(*np.subtract(mae["points"][-1], mae_min)) < 0.05
    assert mse["losses"][-1] > mae["losses"][-1]  # the MSE line costs more absolute error
    # each judged by the loss it minimises, each reaches that loss's minimum
    assert mse["summary"]["minimum"]["point"] == mse_min and mae["summary"]["minimum"]["point"] == mae_min
    assert (mae["summary"]["verdict"], mae["summary"]["reached_at"]) == ("reached", 134)
    assert (mse["summary"]["verdict"], mse["summary"]["reached_at"]) == ("reached", 216)
    assert mse["points"][-1][0] == pytest.approx(2.4, abs=0.05)
    # five outliers far above y = 1.5x + 0.5
    data = client.get("/api/surfaces/linreg_mae").json()["dataset"]
    residual = np.asarray(data["y"]) - (1.5 * np.asarray(data["x"]) + 0.5)
    assert int(np.sum(residual > 3)) == 5 and np.abs(residual[residual <= 3]).max() < 1.5


def test_hinge_stops_cross_entropy_keeps_pushing(lesson_runs, client):
    hinge, ce = lesson_runs("hinge_vs_ce")
    assert ce["objective"] == "separable_ce"
    steps = lambda r: np.hypot(*np.diff(np.asarray(r["points"]), axis=0).T)
    moving = np.flatnonzero(steps(hinge) > 0)
    assert moving[-1] < 50 and hinge["losses"][-1] == 0.0  # stopped dead once every margin held
    assert np.all(np.asarray(hinge["losses"][moving[-1] + 1:]) == 0.0)
    assert np.all(np.asarray(hinge["gradients"][moving[-1] + 1:]) == 0.0)
    w = np.asarray(ce["points"])[:, 0]
    assert np.all(np.diff(w[100:]) > 0) and w[-1] > w[200] > w[100] > hinge["points"][-1][0] + 1
    # still moving, judged by its own loss (cross-entropy, still falling), though every margin holds (zero hinge)
    assert steps(ce)[-1] > 1e-3 and 0.0 < ce["losses"][-1] < ce["losses"][200] < ce["losses"][100]
    assert get_surface("separable_hinge").value(*ce["points"][-1], np) == 0.0
    assert [round(w[k], 1) for k in (100, 200, 300)] == [4.5, 5.3, 5.8]
    # the table: the hinge lane reached its minimum (zero loss) at step 9, 0.59 from the widest-margin point; the
    # cross-entropy lane has no minimum to reach and is still moving
    assert (hinge["summary"]["verdict"], hinge["summary"]["reached_at"]) == ("reached", 9)
    assert moving[-1] == 8 and hinge["summary"]["distance"] == pytest.approx(0.59, abs=0.005)
    assert ce["minimum"] is None and ce["summary"]["verdict"] == "moving"
    # W and 2W: both zero hinge loss
    s = get_surface("separable_hinge")
    w_end, b_end = hinge["points"][-1]
    assert s.value(w_end, b_end, np) == 0.0 == s.value(2 * w_end, 2 * b_end, np)
    # with an L2 penalty, both stop at one point
    h2, c2 = runs(client, "hinge_vs_ce", surface_options={"l2": 0.01}, steps=1500)
    hinge_min = get_surface("separable_hinge", l2=0.01).minima[0].point
    ce_min = get_surface("separable_ce", l2=0.01).minima[0].point
    # each near a point of its own, not one shared point (the caption once said "both runs settle at one point")
    assert np.hypot(*(np.asarray(hinge_min) - ce_min)) > 0.5
    assert np.hypot(*(np.asarray(h2["points"][-300:]) - hinge_min).T).max() < 0.1  # hops across its kink, stays
    assert np.hypot(*np.subtract(c2["points"][-1], ce_min)) < 1e-3 and steps(c2)[-1] < 1e-6


def test_l1_makes_a_weight_exactly_zero_l2_spreads(lesson_runs):
    plain, l1, l2 = lesson_runs("l1_sparse")
    assert l1["surface_options"] == {"l1": 3.0, "l2": 0.0} and l2["surface_options"] == {"l1": 0.0, "l2": 0.75}
    l1_min = get_surface("linreg_mse", l1=3.0).minima[0].point
    assert l1_min[1] == pytest.approx(0.0, abs=1e-9) and l1_min[0] > 0.5  # the penalised minimum is on the axis
    assert abs(l1["points"][-1][1]) < 2e-3 and abs(l1["points"][-1][0] - l1_min[0]) < 0.02
    assert l1["points"][-1][1] == pytest.approx(1e-4, abs=5e-5)  # "b ≈ 1e-4"
    assert (l1["summary"]["verdict"], l1["summary"]["reached_at"]) == ("reached", 451)
    assert l1["summary"]["minimum"]["point"] == list(l1_min) and l1["summary"]["distance"] < 0.8 * l1["summary"]["tolerance"]
    assert plain["summary"]["verdict"] == l2["summary"]["verdict"] == "reached"  # none "distance 2.192, —"
    w2, b2 = l2["points"][-1]
    assert np.hypot(w2 - get_surface("linreg_mse", l2=0.75).minima[0].point[0],
                    b2 - get_surface("linreg_mse", l2=0.75).minima[0].point[1]) < 1e-3
    w0, b0 = plain["points"][-1]
    assert 0.3 < b2 < b0 and 0.3 < w2 < w0  # L2 shrinks both, zeroes neither


def test_a_confident_wrong_prediction_costs_without_bound(lesson_runs, client):
    (run,) = lesson_runs("ce_wall")
    body = client.get("/api/surfaces/logreg_ce").json()
    x, y = np.asarray(body["dataset"]["x"]), np.asarray(body["dataset"]["y"])
    w, b = run["points"][0]
    z = w * x + b
    per_sample = np.logaddexp(0, z) - y * z
    assert (w, b) == (-1.5, -3.5)
    assert per_sample.max() == pytest.approx(7.7, abs=0.05) and np.exp(-per_sample.max()) == pytest.approx(5e-4, rel=0.1)
    assert run["losses"][0] == pytest.approx(per_sample.mean())
    # without bound, about linearly, along the ray from the minimum through the start
    s = get_surface("logreg_ce")
    m = np.asarray(body["minima"][0]["point"])
    ray = lambda k: float(s.value(*(m + k * (np.asarray([w, b]) - m)), np))
    rise = [ray(2 ** (i + 1)) - ray(2 ** i) for i in range(1, 5)]
    assert all(r2 == pytest.approx(2 * r1, rel=0.05) for r1, r2 in zip(rise, rise[1:]))
    assert ray(64) > 20 * ray(1)
    # the gradient does not fade on the wall: GD's first steps are its longest
    steps = np.hypot(*np.diff(np.asarray(run["points"]), axis=0).T)
    assert steps[0] == steps.max() and steps[0] == pytest.approx(0.7, abs=0.01)
    assert run["losses"][10] < run["losses"][0] / 3
    assert (run["summary"]["verdict"], run["summary"]["reached_at"]) == ("reached", 61)
