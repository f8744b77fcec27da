"""Basin maps and sweeps: answers pinned on surfaces whose basins are known."""
import json

import numpy as np
import pytest
from helpers import phase

from app.engine import Simulation
from app.maps import DIVERGED, NONE, basin_map, sweep
from app.surfaces import Domain, get_surface


def minimum_index(surface, point):
    return min(range(len(surface.minima)), key=lambda k: np.hypot(*(np.array(surface.minima[k].point) - point)))


def test_himmelblau_quadrants_from_obvious_starts():
    s = get_surface("himmelblau")
    r = basin_map(s, (phase("adam", {"lr": 0.05}),), 400, 2, Domain((-3.5, 3.5), (-3.0, 3.0)))
    # starts (x[i], y[j]) at the four corners end at the minimum of their quadrant
    assert r["basin"][0][0] == minimum_index(s, (-3.78, -3.28))
    assert r["basin"][0][1] == minimum_index(s, (3.58, -1.85))
    assert r["basin"][1][0] == minimum_index(s, (-2.81, 3.13))
    assert r["basin"][1][1] == minimum_index(s, (3.0, 2.0))
    assert np.all(r["final_loss"] < 1e-4)
    assert np.all((r["steps_to_converge"] > 0) & (r["steps_to_converge"] <= 400))


def test_a_diverging_lr_marks_minus_two_and_a_saddle_start_minus_one():
    s = get_surface("himmelblau")
    r = basin_map(s, (phase("gd", {"lr": 0.2}),), 100, 5)
    assert np.all(r["basin"] == DIVERGED)
    assert np.all(np.isnan(r["final_loss"]))
    sad = get_surface("saddle")
    r = basin_map(sad, (phase("gd", {"lr": 0.05}),), 300, 3, Domain((-1.0, 1.0), (-1.0, 1.0)))
    assert r["basin"][1][1] == NONE  # the start (0, 0) is the saddle itself: it never leaves
    assert r["basin"][0][1] != r["basin"][2][1] and min(r["basin"][0][1], r["basin"][2][1]) >= 0


def test_basin_map_agrees_with_single_runs():
    from helpers import run

    s = get_surface("six_hump_camel")
    r = basin_map(s, (phase("momentum", {"lr": 0.01, "momentum": 0.8}),), 500, 7)
    for j in (1, 4, 6):
        for i in (0, 3, 5):
            single = run("six_hump_camel", (r["x"][i], r["y"][j]), "momentum", {"lr": 0.01, "momentum": 0.8}, steps=500)
            end = np.array(single["points"][-1])
            k = r["basin"][j][i]
            if k >= 0:
                assert np.hypot(*(end - s.minima[k].point)) < 0.02 * s.domain.span
            assert r["final_loss"][j][i] == pytest.approx(single["losses"][-1], rel=1e-9, abs=1e-12)


def test_final_only_batches_keep_one_row():
    s = get_surface("himmelblau")
    sim = Simulation.batch(s, np.zeros((1000, 2)), (phase("adam"),), 200)
    chunk = sim.advance(200)
    assert chunk.points.shape == (1, 1000, 2)


def test_sweep_finds_the_known_stable_region_for_gd_on_the_quadratic():
    # f = x^2 + y^2: GD converges for lr < 1 and diverges for lr > 1
    s = get_surface("quadratic")
    first = phase("gd")
    r = sweep(s, (2.0, 1.0), (first,), 200, [("lr", np.array([0.1, 0.5, 0.9, 1.1, 1.5]))], first.optimizer.validate)
    assert r["diverged"].tolist() == [False, False, False, True, True]
    assert r["best"]["lr"] == 0.5


def test_sweep_lr_by_momentum_matches_single_runs():
    from helpers import run

    first = phase("momentum")
    lrs, moms = np.array([0.01, 0.05, 0.3]), np.array([0.5, 0.9])
    r = sweep(get_surface("ravine"), (-9.0, 2.5), (first,), 150, [("lr", lrs), ("momentum", moms)],
              first.optimizer.validate)
    assert r["final_loss"].shape == (2, 3)
    for j, m in enumerate(moms):
        for i, lr in enumerate(lrs):
            single = run("ravine", (-9.0, 2.5), "momentum", {"lr": lr, "momentum": m}, steps=150)
            if single["status"] == "diverged":
                assert r["diverged"][j][i]
            else:
                assert r["final_loss"][j][i] == pytest.approx(single["losses"][-1], rel=1e-9, abs=1e-14)


def test_api_basins_contract_and_limits(client):
    body = client.post("/api/basins", json={"surface": "himmelblau", "optimizer": "adam", "params": {"lr": 0.05},
                                            "steps": 300, "n": 20}).json()
    assert len(body["x"]) == 20 and len(body["basin"]) == 20 and len(body["basin"][0]) == 20
    assert {b for row in body["basin"] for b in row} <= {-2, -1, 0, 1, 2, 3}
    assert len(body["minima"]) == 4
    for patch, field in (({"n": 401}, "n"), ({"n": 400, "steps": 5000}, "steps"), ({"optimizer": "nope"}, "optimizer"),
                         ({"params": {"lr": -1}}, "lr"), ({"domain": {"x": [1, 0], "y": [0, 1]}}, "domain")):
        r = client.post("/api/basins", json={"surface": "himmelblau", "steps": 10, "n": 4, **patch})
        assert r.status_code == 422 and field in json.dumps(r.json()["detail"]), (patch, r.text)


def test_api_basins_websocket_reports_progress_then_the_result(client):
    with client.websocket_connect("/api/basins/ws") as ws:
        ws.send_text(json.dumps({"surface": "himmelblau", "optimizer": "adam", "steps": 2000, "n": 200}))
        frames = []
        while True:
            f = ws.receive_json()
            frames.append(f["type"])
            if f["type"] == "result":
                assert len(f["basin"]) == 200
                break
        assert frames.count("progress") >= 1
        ws.send_text(json.dumps({"surface": "nope"}))
        assert ws.receive_json()["type"] == "error"


def test_api_sweeps(client):
    r = client.post("/api/sweeps", json={"surface": "quadratic", "start": [2, 1], "optimizer": "gd", "steps": 100,
                                         "x": {"param": "lr", "min": 0.01, "max": 2, "n": 30}})
    body = r.json()
    assert r.status_code == 200 and len(body["final_loss"]) == 30
    lrs = body["axes"][0]["values"]
    assert all(d == (lr > 1) for d, lr in zip(body["diverged"], lrs))
    assert 0.3 < body["best"]["lr"] < 0.7
    r = client.post("/api/sweeps", json={"surface": "ravine", "optimizer": "adam", "steps": 50,
                                         "x": {"param": "betas[0]", "min": 0.5, "max": 0.99, "n": 4, "scale": "linear"}})
    assert r.status_code == 200
    for patch, field in (({"x": {"param": "amsgrad", "min": 0, "max": 1}}, "param"),
                         ({"x": {"param": "lr", "min": -1, "max": 1}}, "min"),
                         ({"x": {"param": "betas[0]", "min": 0.5, "max": 1.5, "scale": "linear"}}, "max"),
                         ({"x": {"param": "eps", "min": -1e-3, "max": 1e-3, "scale": "linear"}}, "min")):
        r = client.post("/api/sweeps", json={"surface": "ravine", "optimizer": "adam", "steps": 10, **patch})
        assert r.status_code == 422 and field in json.dumps(r.json()["detail"]), (patch, r.text)
    # momentum must be > 0 for SGD with momentum: a sweep from 0 names the axis's min, not its max
    r = client.post("/api/sweeps", json={"surface": "ravine", "optimizer": "momentum", "steps": 10,
                                         "x": {"param": "lr", "min": 0.001, "max": 0.1, "n": 3},
                                         "y": {"param": "momentum", "min": 0.0, "max": 0.9, "n": 3, "scale": "linear"}})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "y", "min"], r.text


def test_noisy_basin_maps_and_sweeps_are_seeded():
    from app.engine import GradientSpec

    s = get_surface("saddle")
    g = GradientSpec(noise=0.5, seed=3)
    a = basin_map(s, (phase("gd", {"lr": 0.05}),), 200, 40, gradient=g)  # 1600 runs: one shared stream
    b = basin_map(s, (phase("gd", {"lr": 0.05}),), 200, 40, gradient=g)
    assert np.array_equal(a["basin"], b["basin"])
    assert set(np.unique(a["basin"])) <= {0, 1, -1, -2} and (a["basin"] >= 0).mean() > 0.5  # noise: some jitter off
    first = phase("gd")
    r = sweep(s, (1.8, 0.0), (first,), 200, [("lr", np.array([0.01, 0.05]))], first.optimizer.validate, gradient=g)
    assert r["final_loss"].shape == (2,)
