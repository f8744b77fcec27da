"""A lane's own gradient settings (mode, h, noise, seed) and objective: what the lessons compare side by side."""
import numpy as np
import pytest

from app.surfaces import get_surface

BASE = {"surface": "styblinski_tang", "start": [0.5, 0.8], "steps": 120}


def post(client, **body):
    r = client.post("/api/runs", json={**BASE, **body})
    assert r.status_code == 200, r.text
    return r.json()["runs"]


def test_a_lane_with_its_own_gradient_equals_a_request_with_that_gradient(client):
    lanes = post(client, gradient={"mode": "numerical", "h": 0.5},
                 optimizers=[{"optimizer": "gd", "params": {"lr": 0.01}},
                             {"optimizer": "gd", "params": {"lr": 0.01}, "gradient": {"mode": "analytic"}},
                             {"optimizer": "adam", "params": {"lr": 0.05}, "gradient": {"h": 1e-4}}])
    alone = [post(client, gradient={"mode": "numerical", "h": 0.5}, optimizers=[{"optimizer": "gd", "params": {"lr": 0.01}}]),
             post(client, optimizers=[{"optimizer": "gd", "params": {"lr": 0.01}}]),
             post(client, gradient={"mode": "numerical", "h": 1e-4}, optimizers=[{"optimizer": "adam", "params": {"lr": 0.05}}])]
    for lane, (ref,) in zip(lanes, alone):
        assert lane["points"] == ref["points"] and lane["gradients"] == ref["gradients"]
    assert "gradient" not in lanes[0]
    assert lanes[1]["gradient"]["mode"] == "analytic" and lanes[2]["gradient"] == {"mode": "numerical", "h": 1e-4,
                                                                                     "noise": 0.0, "seed": 0}
    assert np.abs(np.subtract(lanes[0]["points"], lanes[1]["points"])).max() > 0.05  # h = 0.5 bends the path


def test_a_lane_with_its_own_noise(client):
    quiet, noisy, other_seed = post(client, surface="quadratic", start=[2.0, 1.0], optimizers=[
        {"optimizer": "gd", "params": {"lr": 0.1}},
        {"optimizer": "gd", "params": {"lr": 0.1}, "gradient": {"noise": 1.0, "seed": 3}},
        {"optimizer": "gd", "params": {"lr": 0.1}, "gradient": {"noise": 1.0, "seed": 4}}])
    assert quiet["losses"][-1] < 1e-15
    assert noisy["losses"][-1] > 1e-6 and noisy["points"] != other_seed["points"]
    g = np.asarray(noisy["gradients"]) - 2 * np.asarray(noisy["points"][:-1])
    assert 0.8 < g.std() < 1.2  # the noise added is the lane's sigma


def test_a_lane_minimising_another_loss_of_the_same_data(client):
    mae, mse = post(client, surface="linreg_mae", start=[-1.5, 3.0], steps=400, optimizers=[
        {"optimizer": "adam", "params": {"lr": 0.05}},
        {"optimizer": "adam", "params": {"lr": 0.05}, "objective": "linreg_mse"}])
    (alone,) = post(client, surface="linreg_mse", start=[-1.5, 3.0], steps=400,
                    optimizers=[{"optimizer": "adam", "params": {"lr": 0.05}}])
    assert mse["points"] == alone["points"] and mse["objective"] == "linreg_mse"
    # judged by its own objective: the same losses and minimum as the MSE fit alone (API.md, a lane's own objective)
    assert mse["losses"] == alone["losses"] and mse["minimum"] == alone["minimum"] != mae["minimum"]
    # and by the request's surface the MSE line is the worse absolute-error fit
    w, b = mse["points"][-1]
    assert get_surface("linreg_mae").value(w, b) > mae["losses"][-1]


@pytest.mark.parametrize("lane, loc", [
    ({"objective": "quadratic"}, ["objective"]),
    ({"objective": "logreg_ce"}, ["objective"]),
    ({"objective": "nope"}, ["objective"]),
    ({"gradient": {"h": 0}}, ["gradient", "h"]),
    ({"gradient": {"h": "big"}}, ["gradient", "h"]),
    ({"gradient": {"noise": -1}}, ["gradient", "noise"]),
    ({"gradient": {"mode": "exact"}}, ["gradient", "mode"]),
    ({"gradient": {"seed": -2}}, ["gradient", "seed"]),
    ({"gradient": {"batch_size": 4}}, ["gradient", "batch_size"]),
    ({"gradient": {"mode": "numerical"}, "batch_size": 4}, ["gradient", "mode"]),
])
def test_bad_lane_fields_name_the_field(client, lane, loc):
    r = client.post("/api/runs", json={"surface": "linreg_mae", "steps": 5,
                                       "optimizers": [{"optimizer": "gd", **lane}]})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][:3 + len(loc)] == ["body", "optimizers", 0, *loc]


def test_objective_on_an_analytic_surface_is_refused(client):
    r = client.post("/api/runs", json={"surface": "quadratic", "steps": 5,
                                       "optimizers": [{"optimizer": "gd", "objective": "linreg_mse"}]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "optimizers", 0, "objective"]


def test_lanes_with_their_own_penalties_reach_their_own_minima(client):
    plain, l1, l2 = post(client, surface="linreg_mse", start=[-1.5, 3.0], steps=300, optimizers=[
        {"optimizer": "gd", "params": {"lr": 0.1}, "schedule": {"type": "cosine", "T_max": 300}, **extra}
        for extra in ({}, {"surface_options": {"l1": 3.0}}, {"surface_options": {"l2": 0.75}})])
    for run, options in ((plain, {}), (l1, {"l1": 3.0}), (l2, {"l2": 0.75})):
        target = get_surface("linreg_mse", **options).minima[0].point
        assert np.hypot(*np.subtract(run["points"][-1], target)) < 0.01, (options, run["points"][-1], target)
    assert l1["surface_options"] == {"l1": 3.0, "l2": 0.0} and "surface_options" not in plain
    # losses stay the request surface's (plain MSE): the penalised lanes end higher on it
    assert plain["losses"][-1] < l2["losses"][-1] < l1["losses"][-1]


def test_a_lane_penalty_off_a_data_set_surface_is_refused(client):
    r = client.post("/api/runs", json={"surface": "quadratic", "steps": 5, "optimizers": [
        {"optimizer": "gd", "surface_options": {"l1": 1.0}}]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "optimizers", 0, "surface_options"]
    r = client.post("/api/runs", json={"surface": "linreg_mse", "steps": 5, "optimizers": [
        {"optimizer": "gd", "surface_options": {"l1": -1.0}}]})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][:5] == ["body", "optimizers", 0, "surface_options", "l1"]
