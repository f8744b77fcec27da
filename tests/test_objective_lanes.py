"""A lane's own objective (API.md): a lane with its own ``objective`` or ``surface_options`` reports the losses of
that objective and carries its global minimum; every other run carries the surface's global minimum the same way.
(The lessons mse_vs_mae, hinge_vs_ce and l1_sparse judged such lanes by the surface's loss.)"""
import json

import numpy as np
import pytest

from app.surfaces import custom_surface, get_surface
from app.surfaces.custom import DEFAULT_DOMAIN


def global_min(surface) -> dict:
    m = next(m for m in surface.minima if m.kind == "global")
    return {"point": list(m.point), "value": m.value}


def losses_on(surface, points) -> list:
    p = np.array(points)
    return np.asarray(surface.value(p[:, 0], p[:, 1], np), dtype=float).tolist()


@pytest.mark.parametrize("surface, own, objective", [
    ("linreg_mae", {"objective": "linreg_mse"}, ("linreg_mse", 0.0, 0.0)),  # mse_vs_mae
    ("svm_hinge", {"objective": "logreg_ce"}, ("logreg_ce", 0.0, 0.0)),  # hinge_vs_ce
    ("linreg_mse", {"surface_options": {"l1": 3.0}}, ("linreg_mse", 3.0, 0.0)),  # l1_sparse
    ("linreg_huber", {"objective": "linreg_mse", "surface_options": {"l2": 0.5}}, ("linreg_mse", 0.0, 0.5)),
])
def test_a_lane_with_its_own_objective_reports_its_losses_and_its_minimum(client, surface, own, objective):
    body = {"surface": surface, "start": [-1.5, 3.0], "steps": 300,
            "optimizers": [{"optimizer": "adam", "params": {"lr": 0.05}},
                           {"optimizer": "adam", "params": {"lr": 0.05}, **own}]}
    plain, lane = client.post("/api/runs", json=body).json()["runs"]
    landscape, judge = get_surface(surface), get_surface(*objective)
    assert plain["minimum"] == global_min(landscape) and lane["minimum"] == global_min(judge)
    assert plain["losses"] == losses_on(landscape, plain["points"])
    assert lane["losses"] == losses_on(judge, lane["points"])
    assert lane["losses"] != losses_on(landscape, lane["points"])
    # judged by its own objective, the lane gets close to its own minimum (by the surface's it would look stuck)
    assert lane["losses"][-1] - lane["minimum"]["value"] < 0.01 * (lane["losses"][0] - lane["minimum"]["value"])
    # the stream carries the same minimum in its start frame and the same losses in its chunks
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_text(json.dumps({**body, "id": 1}))
        frames = []
        while not frames or frames[-1]["type"] != "end":
            frames.append(ws.receive_json())
    assert [r["minimum"] for r in frames[0]["runs"]] == [plain["minimum"], lane["minimum"]]
    assert sum((f["runs"][1]["losses"] for f in frames if f["type"] == "chunk"), []) == lane["losses"]


def test_the_objective_lane_diverges_by_its_own_loss(client):
    """Divergence is judged on the lane's own losses: a finite run of its objective stays ok."""
    body = {"surface": "linreg_mae", "steps": 50, "optimizers": [
        {"optimizer": "gd", "params": {"lr": 0.05}, "objective": "linreg_mse"}]}
    run = client.post("/api/runs", json=body).json()["runs"][0]
    assert run["status"] == "ok" and np.isfinite(run["losses"]).all()


def test_runs_without_one_carry_the_surfaces_global_minimum(client):
    runs = client.post("/api/runs", json={"surface": "rosenbrock", "steps": 3, "optimizers": [
        {"optimizer": "adam"}, {"optimizer": "gd", "params": {"lr": 1e-4}}]}).json()["runs"]
    assert [r["minimum"] for r in runs] == [{"point": [1.0, 1.0], "value": 0.0}] * 2
    himmelblau = client.post("/api/runs", json={"surface": "himmelblau", "steps": 1,
                                                "optimizers": [{"optimizer": "adam"}]}).json()["runs"][0]
    assert himmelblau["minimum"] == global_min(get_surface("himmelblau"))  # the first of its four


def test_penalties_of_the_request_move_every_runs_minimum(client):
    runs = client.post("/api/runs", json={"surface": "linreg_mse", "steps": 3, "surface_options": {"l2": 1.0},
                                          "optimizers": [{"optimizer": "adam"}]}).json()["runs"]
    assert runs[0]["minimum"] == global_min(get_surface("linreg_mse", 0.0, 1.0))
    assert runs[0]["minimum"] != global_min(get_surface("linreg_mse"))


def test_a_custom_formula_carries_the_minimum_found_numerically(client):
    formula = "(x - 1)^2 + 2*(y + 0.5)^2 + 0.25"
    run = client.post("/api/runs", json={"surface": "custom", "formula": formula, "steps": 3,
                                         "optimizers": [{"optimizer": "adam"}]}).json()["runs"][0]
    assert run["minimum"] == global_min(custom_surface(formula, DEFAULT_DOMAIN, True))
    assert np.allclose(run["minimum"]["point"], [1.0, -0.5], atol=1e-9) and abs(run["minimum"]["value"] - 0.25) < 1e-12


def test_a_loss_without_a_minimum_says_so(client):
    run = client.post("/api/runs", json={"surface": "separable_ce", "steps": 3,
                                         "optimizers": [{"optimizer": "adam"}]}).json()["runs"][0]
    assert "minimum" in run and run["minimum"] is None
