"""``"include": ["terms"]``: every step explained by the server, for every optimizer.

Each run carries ``terms`` (per step, ``{name: [dx, dy]}``) whose sum is exactly the step ``points[k+1] -
points[k]`` (to 1e-12 x (1 + |step|)), and ``quantities`` (per step, ``{name: value}``); a rule that names no
terms gets one, ``step``. Held for every optimizer id, alone, with a schedule, switching out and switching in,
on two surfaces, through ``POST /api/runs`` and the WebSocket (whose chunks concatenate to the POST answer).
"""
import json

import numpy as np
import pytest

from app.optimizers import OPTIMIZERS

STEPS = 40
SURFACES = {"rosenbrock": [-1.2, 1.0], "himmelblau": [0.5, -1.5]}


def lanes(oid: str) -> list[dict]:
    """``oid`` alone, with a schedule when it has a learning rate, switching to Adam, and Momentum switching to it."""
    has_lr = any(p.name == "lr" for p in OPTIMIZERS[oid].params)
    schedule = {"type": "exponential", "gamma": 0.95} if has_lr else None
    return [{"optimizer": oid},
            {"optimizer": oid, "schedule": schedule, "label": "scheduled"},
            {"optimizer": oid, "switch": {"at_step": 15, "optimizer": "adam", "params": {"lr": 0.05}}},
            {"optimizer": "momentum", "params": {"lr": 0.001}, "switch": {"at_step": 15, "optimizer": oid}}]


def body(oid: str, surface: str) -> dict:
    return {"surface": surface, "start": SURFACES[surface], "steps": STEPS, "include": ["terms"],
            "gradient": {"noise": 0.1, "seed": 4}, "optimizers": lanes(oid)}


def check_terms_sum_to_the_steps(run: dict):
    points, terms, quantities = np.array(run["points"]), run["terms"], run["quantities"]
    assert len(terms) == len(quantities) == run["steps_run"] == len(points) - 1, run["label"]
    for k, step_terms in enumerate(terms):
        assert step_terms, (run["label"], k)  # every step says something
        step = points[k + 1] - points[k]
        total = np.sum([v for v in step_terms.values()], axis=0)
        assert np.all(np.abs(total - step) <= 1e-12 * (1 + np.abs(step))), (run["label"], k, step_terms, step)
        for name, value in quantities[k].items():
            assert isinstance(value, (float, int)) or (isinstance(value, list) and len(value) == 2), (name, value)


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("oid", list(OPTIMIZERS))
def test_terms_sum_to_every_step_of_every_optimizer(client, oid, surface):
    r = client.post("/api/runs", json=body(oid, surface))
    assert r.status_code == 200, r.text[:300]
    runs = r.json()["runs"]
    for run in runs:
        check_terms_sum_to_the_steps(run)
    assert any(run["steps_run"] > 15 for run in runs)  # the switches are crossed


@pytest.mark.parametrize("oid", list(OPTIMIZERS))
def test_the_streams_terms_concatenate_to_the_post_answer(client, oid):
    request = body(oid, "rosenbrock")
    whole = client.post("/api/runs", json=request).json()["runs"]
    terms, quantities = [[] for _ in whole], [[] for _ in whole]
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_text(json.dumps({**request, "id": oid}))
        while True:
            frame = ws.receive_json()
            assert frame["type"] != "error", frame
            if frame["type"] == "end":
                break
            if frame["type"] == "chunk":
                for i, run in enumerate(frame["runs"]):
                    assert len(run["terms"]) == len(run["quantities"]) == len(run["lrs"])
                    terms[i] += run["terms"]
                    quantities[i] += run["quantities"]
    assert terms == [run["terms"] for run in whole]
    assert quantities == [run["quantities"] for run in whole]


def test_sgd_names_its_gradient_weight_decay_and_velocity(client):
    """GD: -lr g and -lr λθ; heavy-ball momentum adds the old buffer's part -lr μ b from its second step on."""
    lr, wd, mu = 0.01, 0.1, 0.9
    r = client.post("/api/runs", json={"surface": "himmelblau", "start": [0.5, -1.5], "steps": 3, "include": ["terms"],
                                       "optimizers": [{"optimizer": "gd", "params": {"lr": lr, "weight_decay": wd}},
                                                      {"optimizer": "momentum", "params": {"lr": lr, "momentum": mu}},
                                                      {"optimizer": "nesterov", "params": {"lr": lr, "momentum": mu}}]})
    gd, momentum, nesterov = r.json()["runs"]
    g, p = np.array(gd["gradients"]), np.array(gd["points"])
    for k in range(3):
        assert set(gd["terms"][k]) == {"gradient", "weight_decay"}
        assert np.allclose(gd["terms"][k]["gradient"], -lr * g[k], rtol=1e-14, atol=0)
        assert np.allclose(gd["terms"][k]["weight_decay"], -lr * wd * p[k], rtol=1e-14, atol=0)
        assert gd["quantities"][k]["lr"] == lr
    assert set(momentum["terms"][0]) == {"gradient"} and set(momentum["terms"][1]) == {"gradient", "velocity"}
    g = np.array(momentum["gradients"])
    assert np.allclose(momentum["terms"][1]["velocity"], -lr * mu * g[0], rtol=1e-14, atol=0)  # b_1 = g_1
    g = np.array(nesterov["gradients"])
    assert np.allclose(nesterov["terms"][0]["gradient"], -lr * (1 + mu) * g[0], rtol=1e-14, atol=0)
    assert np.allclose(nesterov["terms"][1]["velocity"], -lr * mu * mu * g[0], rtol=1e-14, atol=0)


def test_a_rule_that_names_no_terms_answers_with_the_whole_step(client):
    r = client.post("/api/runs", json={"surface": "himmelblau", "steps": 20, "include": ["terms"],
                                       "optimizers": [{"optimizer": "random_local_search"}]})
    run = r.json()["runs"][0]
    points = np.array(run["points"])
    assert all(list(t) == ["step"] for t in run["terms"])
    assert [t["step"] for t in run["terms"]] == (points[1:] - points[:-1]).tolist()


def test_without_terms_no_run_carries_them_and_the_float_path_stays(client):
    from app.engine import Simulation
    from app.services import plan_runs

    request = {"surface": "himmelblau", "steps": 5, "optimizers": [{"optimizer": "adam"}]}
    run = client.post("/api/runs", json=request).json()["runs"][0]
    assert "terms" not in run and "quantities" not in run
    plan = plan_runs(request)
    assert Simulation(plan.surface, plan.runs, 5).groups[0].scalar
    assert not Simulation(plan.surface, plan.runs, 5, explain=True).groups[0].scalar  # floats never explain


@pytest.mark.parametrize("include", [["terms", "terms"], ["term"], ["state", "terms", "state"]])
def test_bad_include_names_the_field(client, include):
    r = client.post("/api/runs", json={"surface": "quadratic", "include": include, "optimizers": [{"optimizer": "gd"}]})
    assert r.status_code == 422 and "include" in json.dumps(r.json()["detail"])


def test_state_and_terms_together(client):
    r = client.post("/api/runs", json={"surface": "rosenbrock", "steps": 10, "include": ["state", "terms"],
                                       "optimizers": [{"optimizer": "adam", "params": {"lr": 0.05}}]})
    run = r.json()["runs"][0]
    assert len(run["state"]["exp_avg"]) == len(run["terms"]) == 10
