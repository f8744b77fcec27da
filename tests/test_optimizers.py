"""Hyperparameter validation and the behaviour of the optimizers without a torch twin."""
import json
import math

import numpy as np
import pytest
from helpers import run

from app.optimizers import OPTIMIZERS, HyperparameterError, get_optimizer


@pytest.mark.parametrize("oid", sorted(OPTIMIZERS))
def test_defaults_validate_and_every_param_is_described(oid):
    opt = get_optimizer(oid)
    hyper = opt.validate({})
    assert set(hyper) == {p.name for p in opt.params}
    for p in opt.params:
        assert p.description and p.scale in ("linear", "log", "bool", "pair", "int", "choice", "tuple")


@pytest.mark.parametrize("oid,params,name,fragment", [
    ("adam", {"lr": -1}, "lr", "[0.0, 1000.0]"),
    ("adam", {"betas": [0.9, 1.0]}, "betas[1]", "[0.0, 1.0)"),
    ("adam", {"betas": [0.9]}, "betas", "two numbers"),
    ("adam", {"amsgrad": 1}, "amsgrad", "true or false"),
    ("adam", {"eps": float("nan")}, "eps", "finite"),
    ("momentum", {"momentum": 0.0}, "momentum", "(0.0, 1.0]"),
    ("nesterov", {"momentum": 0}, "momentum", "(0.0, 1.0]"),
    ("nesterov", {"dampening": 0.1}, "dampening", "unknown hyperparameter"),
    ("rmsprop", {"alpha": 1.5}, "alpha", "[0.0, 1.0]"),
    ("adagrad", {"lr_decay": -0.1}, "lr_decay", "lr_decay"),
    ("gd", {"learning_rate": 0.1}, "learning_rate", "unknown hyperparameter"),
    ("random_local_search", {"step_size": 0}, "step_size", "(0.0, 1000.0]"),
    ("gd", {"lr": "fast"}, "lr", "must be a number"),
])
def test_bad_hyperparameters_are_refused_with_name_and_range(oid, params, name, fragment):
    with pytest.raises(HyperparameterError) as e:
        get_optimizer(oid).validate(params)
    assert e.value.name == name
    assert fragment in e.value.message


def test_gd_on_the_quadratic_converges_below_two_over_L_and_diverges_above():
    # f = x^2 + y^2: L = 2, so GD contracts for lr < 1 and diverges for lr > 1
    ok = run("quadratic", (1.5, -1.0), "gd", {"lr": 0.9}, steps=300)
    bad = run("quadratic", (1.5, -1.0), "gd", {"lr": 1.1}, steps=300)
    assert ok["status"] == "ok" and ok["losses"][-1] < 1e-10
    assert bad["status"] == "diverged"
    assert 0 < bad["steps_run"] < 300
    assert np.isfinite(bad["points"]).all() and np.isfinite(bad["losses"]).all()
    assert len(bad["points"]) == bad["steps_run"] + 1


def test_momentum_beats_gd_in_the_ravine():
    gd = run("ravine", (-9.0, 2.5), "gd", {"lr": 0.15}, steps=150)
    mom = run("ravine", (-9.0, 2.5), "momentum", {"lr": 0.15, "momentum": 0.8}, steps=150)
    assert mom["losses"][-1] < gd["losses"][-1] / 100


def test_newton_solves_a_quadratic_in_one_step():
    r = run("booth", (-8.0, -8.0), "newton", {"lr": 1.0}, steps=1)
    assert np.allclose(r["points"][-1], [1.0, 3.0], atol=1e-12)


def test_newton_is_repelled_by_a_saddle_not_attracted():
    """Plain Newton jumps to the nearest stationary point (the saddle); the saddle-free variant descends."""
    r = run("saddle", (1.0, 0.2), "newton", {"lr": 0.5}, steps=60)
    assert abs(abs(r["points"][-1][1]) - 1.0) < 1e-6  # reached a minimum at (0, +-1)
    assert r["losses"][-1] == pytest.approx(-1.0, abs=1e-9)


def test_random_search_keeps_the_best_and_records_proposals():
    r = run("himmelblau", (0.0, 0.0), "random_search", {}, steps=200)
    losses = np.asarray(r["losses"])
    assert (np.diff(losses) <= 0).all()
    assert losses[-1] < 5.0
    props = np.asarray(r["proposals"])
    assert props.shape == (200, 2)
    assert (props[:, 0] >= -5).all() and (props[:, 0] <= 5).all()
    accepted = np.asarray(r["accepted"])
    assert 0 < accepted.sum() < 200
    moved = np.any(np.diff(np.asarray(r["points"]), axis=0) != 0, axis=1)
    assert (moved == accepted).all()


def test_random_local_search_steps_have_the_given_length():
    r = run("rosenbrock", (-1.2, 1.0), "random_local_search", {"step_size": 0.05}, steps=300)
    pts = np.asarray(r["points"])
    steps = np.hypot(*np.diff(pts, axis=0).T)
    assert np.allclose(steps[steps > 0], 0.05)
    assert (np.diff(r["losses"]) <= 0).all()
    assert r["losses"][-1] < r["losses"][0]


def test_random_optimizers_are_seeded():
    from app.engine import GradientSpec

    a = run("himmelblau", (0.0, 0.0), "random_local_search", {}, steps=50, gradient=GradientSpec(seed=3))
    b = run("himmelblau", (0.0, 0.0), "random_local_search", {}, steps=50, gradient=GradientSpec(seed=3))
    c = run("himmelblau", (0.0, 0.0), "random_local_search", {}, steps=50, gradient=GradientSpec(seed=4))
    assert np.array_equal(a["points"], b["points"])
    assert not np.array_equal(a["points"], c["points"])


def test_adadelta_moves_without_a_tuned_learning_rate():
    r = run("himmelblau", (0.0, 0.0), "adadelta", {}, steps=2000)
    assert r["losses"][-1] < r["losses"][0] / 10


def test_adam_steps_are_about_lr_whatever_the_gradient_scale():
    r = run("plateau", (3.6, 2.8), "adam", {"lr": 0.05}, steps=5)
    first = math.dist(r["points"][0], r["points"][1])
    assert first == pytest.approx(0.05 * math.sqrt(2), rel=1e-3)


def test_muons_description_says_the_step_length_its_steps_have(client):
    """Muon's explanation says a step is about 0.7·lr long (Newton–Schulz's five default steps in bfloat16 leave the
    1x2 matrix's singular value near 0.69, not 1): every step of a run measures that, whatever the gradient's size."""
    body = {"surface": "himmelblau", "start": [0.5, -3.5], "steps": 40,
            "optimizers": [{"optimizer": "muon", "params": {"lr": 0.02, "weight_decay": 0}}]}
    run = client.post("/api/runs", json=body).json()["runs"][0]
    steps = np.hypot(*np.diff(np.array(run["points"]), axis=0).T) / 0.02
    assert np.all((steps > 0.65) & (steps < 0.72)), steps
    muon = next(o for o in client.get("/api/optimizers").json() if o["id"] == "muon")
    assert "0.7·lr" in json.dumps(muon, ensure_ascii=False)
