"""Cost budgets count surface evaluations per step (LBFGS evaluates up to max_eval times a step), and work
that evaluates many times a step still stops soon after its client leaves."""
import threading
import time

import pytest

from app.optimizers import OPTIMIZERS, get_optimizer
from app.services.errors import Stopped
from app.services.maps import basins
from app.services.runs import run_request
from app.settings import settings

LBFGS_HEAVY = {"max_iter": 1000, "tolerance_grad": 0, "tolerance_change": 0}


def test_evaluations_per_step_is_a_property_of_the_optimizer():
    lbfgs = get_optimizer("lbfgs")
    assert lbfgs.evaluations_per_step(lbfgs.validate({})) == 20  # one per iteration without a line search
    assert lbfgs.evaluations_per_step(lbfgs.validate({"line_search_fn": "strong_wolfe"})) == 25  # max_iter*5//4
    assert lbfgs.evaluations_per_step(lbfgs.validate({"max_eval": 7, "max_iter": 100})) == 7
    assert lbfgs.evaluations_per_step(lbfgs.validate({"max_eval": 10000, "max_iter": 1000,
                                                      "line_search_fn": "strong_wolfe"})) == 10000
    for oid, opt in OPTIMIZERS.items():
        if oid != "lbfgs":
            assert opt.evaluations_per_step(opt.validate({})) == 1, oid


def test_an_lbfgs_run_over_the_evaluation_budget_is_a_422_naming_the_param(client):
    body = {"surface": "rastrigin", "start": [2.3, 1.7], "steps": 20000, "optimizers": [
        {"optimizer": "lbfgs", "params": {**LBFGS_HEAVY, "line_search_fn": "strong_wolfe"}}]}
    r = client.post("/api/runs", json=body)
    assert r.status_code == 422, r.text[:300]
    detail = r.json()["detail"][0]
    assert detail["loc"] == ["body", "optimizers", 0, "params", "max_iter"]
    assert "budget" in detail["msg"] and f"{settings.max_run_evaluations:,}" in detail["msg"]
    body["optimizers"][0]["params"]["max_eval"] = 5000
    detail = client.post("/api/runs", json=body).json()["detail"][0]
    assert detail["loc"] == ["body", "optimizers", 0, "params", "max_eval"]
    # in a switch's phase too
    switch = {"surface": "rastrigin", "start": [2.3, 1.7], "steps": 20000, "optimizers": [
        {"optimizer": "adam", "switch": {"at_step": 5, "optimizer": "lbfgs", "params": LBFGS_HEAVY}}]}
    detail = client.post("/api/runs", json=switch).json()["detail"][0]
    assert detail["loc"] == ["body", "optimizers", 0, "switch", "params", "max_iter"]


def test_the_same_over_the_socket_is_an_error_frame_naming_the_param(client):
    body = {"surface": "rastrigin", "steps": 20000, "optimizers": [{"optimizer": "lbfgs", "params": LBFGS_HEAVY}]}
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_json(body)
        msg = ws.receive_json()
        assert msg["type"] == "error", msg
        assert msg["detail"][0]["loc"] == ["body", "optimizers", 0, "params", "max_iter"]
        assert "budget" in msg["detail"][0]["msg"]


def test_cheap_runs_keep_their_whole_budget(client):
    from app.services.planning import plan_runs

    plan = plan_runs({"surface": "rosenbrock", "steps": settings.max_steps,
                      "optimizers": [{"optimizer": "adam"}] * settings.max_optimizers})
    assert plan.steps == settings.max_steps
    body = {"surface": "rosenbrock", "steps": 100, "optimizers": [{"optimizer": "lbfgs"}] * 4}
    assert client.post("/api/runs", json=body).status_code == 200


@pytest.mark.parametrize("path,body,loc", [
    ("/api/basins", {"surface": "rastrigin", "optimizer": "lbfgs", "steps": 1250, "n": 400,
                     "params": {"line_search_fn": "strong_wolfe", "max_iter": 1000, "max_eval": 10000,
                                "tolerance_grad": 0, "tolerance_change": 0}}, ["body", "params", "max_eval"]),
    ("/api/basins", {"surface": "rastrigin", "optimizer": "lbfgs", "steps": 100, "n": 400, "params": LBFGS_HEAVY},
     ["body", "params", "max_iter"]),
    ("/api/sweeps", {"surface": "rastrigin", "optimizer": "lbfgs", "steps": 5000, "params": LBFGS_HEAVY,
                     "x": {"param": "lr", "min": 0.1, "max": 1, "n": 100}}, ["body", "params", "max_iter"]),
])
def test_maps_count_evaluations_in_their_budget(client, path, body, loc):
    r = client.post(path, json=body)
    assert r.status_code == 422, r.text[:300]
    detail = r.json()["detail"][0]
    assert detail["loc"] == loc and "budget" in detail["msg"]


@pytest.fixture()
def unbudgeted(monkeypatch):
    """The cost budget lifted (it refuses such work now): what is tested is how soon work that runs stops."""
    from app.services import costs

    monkeypatch.setattr(costs, "settings", costs.settings.model_copy(update={"max_request_seconds": 86_400}))


def _stops_soon(fn, body):
    """``fn(body, stop=...)`` with stop set after 0.5 s: it must end with Stopped long before its work would."""
    gone = threading.Event()
    timer = threading.Timer(0.5, gone.set)
    timer.start()
    t = time.monotonic()
    with pytest.raises(Stopped):
        fn(body, stop=gone.is_set)
    elapsed = time.monotonic() - t
    print(f"stopped {elapsed - 0.5:.2f} s after its client left")
    assert elapsed < 20  # generous (a loaded machine); the work itself takes minutes


def test_an_expensive_lbfgs_basin_step_stops_soon_after_its_client_leaves(unbudgeted):
    # one step of 10^4 starts x 1000 iterations: about two minutes of work in a single step
    _stops_soon(basins, {"surface": "rastrigin", "optimizer": "lbfgs", "steps": 1, "n": 100, "params": LBFGS_HEAVY})


def test_an_expensive_lbfgs_run_stops_soon_after_its_client_leaves(unbudgeted):
    _stops_soon(run_request, {"surface": "rastrigin", "start": [2.3, 1.7], "steps": 600,
                              "optimizers": [{"optimizer": "lbfgs", "params": LBFGS_HEAVY}]})


def test_the_run_budget_follows_raised_limits_unless_set():
    from app.settings import load_settings

    s = load_settings({"SLOPES_MAX_STEPS": "1000000"})
    assert s.max_run_evaluations == 1_000_000 * s.max_optimizers
    assert load_settings({"SLOPES_MAX_RUN_EVALUATIONS": "5000", "SLOPES_MAX_STEPS": "1000000"}).max_run_evaluations == 5000


def test_a_sweep_of_few_cells_is_estimated_by_its_steps_too():
    """A step costs its fixed work whatever the cells: a sweep of 10 cells for 20,000 steps is a third of a second or
    more (heavy work, admitted to the maps pool and stepping aside for light work), not the few milliseconds its
    cells alone would say; a tenth of the steps, a tenth of the estimate (its fixed overhead aside)."""
    from app.services.maps import map_cost

    sweep = {"surface": "ravine", "optimizer": "momentum", "steps": 20000,
             "x": {"param": "lr", "min": 1e-4, "max": 1e-3, "n": 10}}
    few = map_cost("sweeps", sweep)
    assert few.seconds > 0.1 and not few.light
    assert map_cost("sweeps", {**sweep, "steps": 2000}).per_step == pytest.approx(few.per_step)
    page = map_cost("sweeps", {**sweep, "steps": 300, "x": {**sweep["x"], "n": 31}})  # the page's sweep: light
    assert page.light


@pytest.mark.parametrize("gzip", [False, True])
@pytest.mark.parametrize("include", [[], ["state"], ["terms"]])
@pytest.mark.parametrize("lanes", [["prodigy", "muon", "adabelief", "schedule_free_adamw"] * 8, ["adam"] * 32,
                                   ["muon"] * 32, ["schedule_free_adamw"] * 32])
def test_following_a_refusals_advice_is_admitted(lanes, include, gzip):
    """A refusal that says "at most N steps fit" is kept: the same request with N steps is planned as POST /api/runs
    plans it (no 422), whichever limit (time, with the answer's sending, or the answer's size) refused it."""
    import re

    from app.services.answers import plan_answer
    from app.services.errors import Refused

    def plan_runs(body):
        return plan_answer(body, gzip)

    body = {"surface": "rosenbrock", "steps": 20_000, "include": include,
            "optimizers": [{"optimizer": o, "params": {"lr": 0.001 * (1 + i)}} for i, o in enumerate(lanes)]}
    try:
        plan_runs(body)
        return  # admitted as it is
    except Refused as refused:
        advice = re.search(r"at most ([\d,]+) steps fit", str(refused))
    assert advice, f"the refusal says no number of steps: {refused}"
    plan_runs({**body, "steps": int(advice.group(1).replace(",", ""))})
