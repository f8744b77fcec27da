"""Every run carries a summary computed by the server, judged by its own objective (app/verdicts.py): the distance of
its last point to its own minimum, its final and excess loss, the step from which it stayed at the minimum, and a
verdict. POST and the stream's end frame give the same; hostile cases (divergence, zero steps, a loss with no
minimum, custom formulas, switches, compact float32 streams) give a summary too, never a 5xx or a non-finite float."""
import json
import math

import numpy as np
import pytest

from app.services.planning import plan_runs
from app.services.runs import RunStream, run_plan
from app.surfaces import get_surface
from app.surfaces.custom import DEFAULT_DOMAIN
from app.verdicts import LOSS_TOLERANCE, MIN_SETTLE, SETTLE_FRACTION, TOLERANCE, VERDICTS

VERDICT_IDS = {"reached", "moving", "stalled", "diverged", "no_steps"}


def post(client, **body):
    r = client.post("/api/runs", json=body)
    assert r.status_code == 200, r.text
    return r.json()["runs"]


def frames_of(client, body) -> list[dict]:
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_text(json.dumps(body))
        frames = []
        while not frames or frames[-1]["type"] not in ("end", "error"):
            frames.append(ws.receive_json())
    return frames


def at_minimum(run, surface) -> np.ndarray:
    """Per point, the definition written out again: near a global minimum, or excess loss within tolerance."""
    best = [m for m in surface.minima if m.kind == "global"]
    p = np.asarray(run["points"])
    near = np.min([np.hypot(*(p - m.point).T) for m in best], axis=0) <= TOLERANCE * surface.domain.span
    f0 = run["losses"][0] - best[0].value
    low = np.asarray(run["losses"]) - best[0].value <= LOSS_TOLERANCE * max(f0, 0)
    return near | low


def reached_at(run, surface):
    at = at_minimum(run, surface)
    if not at[-1]:
        return None
    k = len(at) - 1
    while k > 0 and at[k - 1]:
        k -= 1
    n = run["steps_run"]
    settle = min(n, max(MIN_SETTLE, math.ceil(SETTLE_FRACTION * n)))
    return k if n - k >= settle else None


def test_a_run_that_arrives_and_stays_is_reached_at_the_first_step_of_its_stay(client):
    (run,) = post(client, surface="quadratic", start=[2.5, -1.5], steps=100, optimizers=[
        {"optimizer": "gd", "params": {"lr": 0.1}}])
    s = run["summary"]
    assert s["verdict"] == "reached" and s["reached_at"] == reached_at(run, get_surface("quadratic"))
    k = s["reached_at"]
    tol = s["tolerance"]
    assert tol == pytest.approx(1e-3 * 6.0)  # the domain is 6 wide
    assert np.hypot(*run["points"][k]) <= tol < np.hypot(*run["points"][k - 1])
    assert s["final_point"] == run["points"][-1] and s["final_loss"] == run["losses"][-1]
    assert s["excess_loss"] == run["losses"][-1] - 0.0 and s["distance"] == pytest.approx(np.hypot(*run["points"][-1]))
    assert s["minimum"] == run["minimum"] == {"point": [0.0, 0.0], "value": 0.0}
    assert s["nearest"]["kind"] == "global" and s["nearest"]["index"] == 0


def test_a_lane_hopping_across_the_minimum_has_not_reached_it_even_when_its_last_step_lands_on_it(client):
    """Lion steps exactly lr in each coordinate: at the end of sign_steps it hops around the origin and its step
    150 happens to land on it. The page's old table said "reached at 104"."""
    _, lion, rprop = post(client, surface="plateau", start=[3.6, 2.8], steps=150, optimizers=[
        {"optimizer": "gd", "params": {"lr": 0.5}}, {"optimizer": "lion", "params": {"lr": 0.05}},
        {"optimizer": "rprop", "params": {"lr": 0.01}}])
    assert np.hypot(*lion["points"][-1]) < 1e-12  # it lands on the minimum at its last step
    assert np.hypot(*lion["points"][-2]) > 0.04  # having hopped there
    assert lion["summary"]["verdict"] == "moving" and lion["summary"]["reached_at"] is None
    assert rprop["summary"]["verdict"] == "reached" and rprop["summary"]["reached_at"] == reached_at(
        rprop, get_surface("plateau"))
    # ended there a step earlier or later, it would not have reached it either
    for steps in (149, 151, 152):
        (lion,) = post(client, surface="plateau", start=[3.6, 2.8], steps=steps, optimizers=[
            {"optimizer": "lion", "params": {"lr": 0.05}}])
        assert lion["summary"]["reached_at"] is None and lion["summary"]["verdict"] == "moving", steps


def test_a_run_stuck_in_a_local_minimum_is_stalled_away_from_the_global_one(client):
    (gd,) = post(client, surface="three_hump_camel", start=[1.9, 1.2], steps=300, optimizers=[
        {"optimizer": "gd", "params": {"lr": 0.02}}])
    s = gd["summary"]
    assert s["verdict"] == "stalled" and s["reached_at"] is None
    assert s["nearest"]["kind"] == "local" and s["nearest"]["distance"] < 1e-3
    assert s["distance"] > 1.5 and s["excess_loss"] == pytest.approx(0.2986, abs=1e-3)


def test_every_global_minimum_counts_and_the_nearest_is_named(client):
    """Himmelblau has four global minima; the run's minimum is the first, the summary's the one it ends at."""
    (run,) = post(client, surface="himmelblau", start=[-4.0, -4.0], steps=300, optimizers=[
        {"optimizer": "adam", "params": {"lr": 0.1}}])
    s = run["summary"]
    assert run["minimum"]["point"] == [3.0, 2.0]
    assert s["verdict"] == "reached" and s["distance"] < 1e-6 and s["minimum"]["point"] != [3.0, 2.0]
    assert s["minimum"]["point"] == pytest.approx(s["nearest"]["point"]) and s["nearest"]["kind"] == "global"


def test_a_diverged_run_is_judged_on_its_last_finite_point(client):
    (run,) = post(client, surface="quadratic", start=[2.5, -1.5], steps=100, optimizers=[
        {"optimizer": "gd", "params": {"lr": 1.05}}])
    s = run["summary"]
    assert run["status"] == "diverged" and s["verdict"] == "diverged" and s["reached_at"] is None
    assert s["final_point"] == run["points"][-1] and s["final_loss"] == run["losses"][-1]
    assert all(math.isfinite(v) for v in (s["distance"], s["excess_loss"], s["final_loss"]))


def test_a_run_that_diverges_on_its_first_step_says_so(client):
    (run,) = post(client, surface="custom", formula="exp(1000*x)", start=[0.5, 0.0], steps=10, optimizers=[
        {"optimizer": "gd", "params": {"lr": 1.0}}])
    assert run["status"] == "diverged" and run["steps_run"] == 0
    assert run["summary"]["verdict"] == "diverged" and run["summary"]["final_point"] == [0.5, 0.0]


@pytest.mark.parametrize("start, verdict, at", [([0.0, 0.0], "reached", 0), ([1.0, 1.0], "no_steps", None)])
def test_zero_steps(client, start, verdict, at):
    (run,) = post(client, surface="quadratic", start=start, steps=0, optimizers=[{"optimizer": "adam"}])
    assert run["steps_run"] == 0 and run["summary"]["verdict"] == verdict and run["summary"]["reached_at"] == at
    assert run["summary"]["final_point"] == start


def test_a_loss_with_no_minimum_moves_forever_and_has_no_distance(client):
    """Separable classes, cross-entropy, no L2: the loss falls toward 0 as the weights grow without bound."""
    (run,) = post(client, surface="separable_ce", start=[-1.5, 3.0], steps=2000, optimizers=[
        {"optimizer": "gd", "params": {"lr": 1.0}}])
    s = run["summary"]
    assert run["minimum"] is None and s["minimum"] is None and s["nearest"] is None
    assert s["distance"] is None and s["excess_loss"] is None and s["loss_tolerance"] is None
    assert s["verdict"] == "moving" and s["reached_at"] is None
    assert run["losses"][-1] < run["losses"][1000] < run["losses"][0]
    # an L2 penalty gives it a minimum, which it reaches
    (l2,) = post(client, surface="separable_ce", start=[-1.5, 3.0], steps=2000, surface_options={"l2": 0.01},
                 optimizers=[{"optimizer": "gd", "params": {"lr": 1.0}}])
    assert l2["summary"]["verdict"] == "reached" and l2["summary"]["distance"] < l2["summary"]["tolerance"]


def test_a_loss_whose_minimum_is_a_region_is_reached_anywhere_in_it(client):
    """The hinge loss is 0 wherever every margin holds: a run stopped inside that region has reached the minimum,
    however far from the listed point (the max-margin separator)."""
    (run,) = post(client, surface="separable_hinge", start=[-1.5, 3.0], steps=300, optimizers=[
        {"optimizer": "gd", "params": {"lr": 1.0}}])
    s = run["summary"]
    assert s["excess_loss"] == 0.0 and s["distance"] > 50 * s["tolerance"]
    assert s["verdict"] == "reached" and s["reached_at"] == reached_at(run, get_surface("separable_hinge"))
    assert run["losses"][s["reached_at"]] == 0.0 < run["losses"][s["reached_at"] - 1]


def test_a_lane_is_judged_by_its_own_objective(client):
    """mse_vs_mae: the MSE lane reaches the MSE minimum, though it ends far from the MAE one."""
    mae, mse = post(client, surface="linreg_mae", start=[-1.5, 3.0], steps=400, optimizers=[
        {"optimizer": "adam", "params": {"lr": 0.05}},
        {"optimizer": "adam", "params": {"lr": 0.05}, "objective": "linreg_mse"}])
    mse_min = get_surface("linreg_mse").minima[0]
    assert mse["summary"]["minimum"] == {"point": list(mse_min.point), "value": mse_min.value}
    assert mse["summary"]["verdict"] == "reached" and mse["summary"]["distance"] < 1e-3
    assert mse["summary"]["excess_loss"] == pytest.approx(mse["losses"][-1] - mse_min.value)
    assert np.hypot(*np.subtract(mse["points"][-1], get_surface("linreg_mae").minima[0].point)) > 0.5
    assert mae["summary"]["verdict"] == "reached"


def test_penalised_lanes_are_judged_by_their_penalised_loss(client):
    plain, l1 = post(client, surface="linreg_mse", start=[-1.5, 3.0], steps=300, optimizers=[
        {"optimizer": "gd", "params": {"lr": 0.1}},
        {"optimizer": "gd", "params": {"lr": 0.1}, "surface_options": {"l2": 0.75}}])
    judge = get_surface("linreg_mse", 0.0, 0.75)
    assert l1["summary"]["minimum"]["point"] == list(judge.minima[0].point)
    assert l1["summary"]["verdict"] == plain["summary"]["verdict"] == "reached"


def test_a_custom_formula_is_judged_by_the_minimum_found_numerically(client):
    (run,) = post(client, surface="custom", formula="(x - 1)^2 + 2*(y + 0.5)^2 + 0.25", start=[-2.0, 2.0],
                  steps=200, optimizers=[{"optimizer": "gd", "params": {"lr": 0.1}}])
    s = run["summary"]
    assert s["verdict"] == "reached" and s["minimum"]["point"] == pytest.approx([1.0, -0.5], abs=1e-9)
    assert s["tolerance"] == pytest.approx(1e-3 * DEFAULT_DOMAIN.span)  # the plotted domain's scale
    # a plane has no minimum: the run keeps moving
    (plane,) = post(client, surface="custom", formula="x + y", steps=50, optimizers=[
        {"optimizer": "gd", "params": {"lr": 0.01}}])
    assert plane["summary"]["minimum"] is None and plane["summary"]["verdict"] == "moving"


def test_a_switched_lane_is_judged_on_the_whole_run(client):
    gd, switched = post(client, surface="plateau", start=[3.6, 2.8], steps=200, optimizers=[
        {"optimizer": "gd", "params": {"lr": 0.5}},
        {"optimizer": "adam", "params": {"lr": 0.1}, "switch": {"at_step": 60, "optimizer": "gd",
                                                                 "params": {"lr": 0.5}}}])
    assert gd["summary"]["verdict"] == "stalled" and gd["summary"]["excess_loss"] > 0.99
    assert switched["summary"]["verdict"] == "reached" and switched["summary"]["reached_at"] > 60
    assert switched["summary"]["reached_at"] == reached_at(switched, get_surface("plateau"))


def test_noise_keeps_a_run_moving(client):
    (run,) = post(client, surface="quadratic", start=[2.5, -1.5], steps=300, gradient={"noise": 2.0, "seed": 1},
                  optimizers=[{"optimizer": "gd", "params": {"lr": 0.1}}])
    assert run["summary"]["verdict"] == "moving" and run["summary"]["distance"] < 1.0


def test_a_test_landscape_gives_the_final_test_loss(client):
    (run,) = post(client, surface="flat_sharp", start=[-1.55, 1.25], steps=50, optimizers=[
        {"optimizer": "gd", "params": {"lr": 0.1}}])
    assert run["summary"]["final_test_loss"] == run["test_losses"][-1]
    (plain,) = post(client, surface="quadratic", steps=5, optimizers=[{"optimizer": "gd"}])
    assert plain["summary"]["final_test_loss"] is None


def test_the_stream_end_frame_gives_the_posts_summary_even_when_compact(client):
    body = {"surface": "rosenbrock", "steps": 120, "optimizers": [
        {"optimizer": "adam", "params": {"lr": 0.05}}, {"optimizer": "lbfgs", "params": {"lr": 1.0, "max_iter": 1}},
        {"optimizer": "gd", "params": {"lr": 0.01}}]}
    whole = post(client, **body)
    frames = frames_of(client, {**body, "compact": {"float32": True, "fields": ["points"]}})
    assert [r["summary"] for r in frames[-1]["runs"]] == [r["summary"] for r in whole]
    assert sum(f["type"] == "chunk" for f in frames) >= 2  # the summary was read over several chunks
    assert [r["summary"]["verdict"] for r in whole] == ["moving", "reached", "diverged"]


def test_the_summary_does_not_depend_on_how_the_run_is_cut_into_chunks():
    body = {"surface": "plateau", "start": [3.6, 2.8], "steps": 150, "optimizers": [
        {"optimizer": "lion", "params": {"lr": 0.05}}, {"optimizer": "rprop", "params": {"lr": 0.01}},
        {"optimizer": "adam", "params": {"lr": 0.05}}]}
    whole = run_plan(plan_runs(body))
    for size in (1, 7, 149):
        stream = RunStream(plan_runs(body))
        while not stream.done:
            stream.next_frame(size)
        assert [r["summary"] for r in stream.end_frame()["runs"]] == [r["summary"] for r in whole["runs"]], size


def test_every_verdict_is_named_in_both_languages(client):
    body = client.get("/api/verdicts").json()
    assert {v["verdict"] for v in body} == VERDICT_IDS == set(VERDICTS)
    for v in body:
        assert v["names"]["en"] and v["names"]["ko"] and v["descriptions"]["en"] and v["descriptions"]["ko"]
        assert any("\uac00" <= ch <= "\ud7a3" for ch in v["names"]["ko"] + v["descriptions"]["ko"])
        assert v["tolerance"] == TOLERANCE and v["loss_tolerance"] == LOSS_TOLERANCE
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    assert set(schema["SummaryOut"]["properties"]["verdict"]["enum"]) == VERDICT_IDS
