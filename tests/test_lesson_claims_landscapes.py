"""Every numeric claim of the lessons on landscapes (app/lessons/landscapes.py) is checked here on the lesson's own
state, through the API; where a caption speaks of reaching or stalling, by the server's own summary (the table the
page shows)."""
import numpy as np
import pytest

from app.engine import Phase, RunSpec, simulate
from app.optimizers import get_optimizer
from app.surfaces import get_surface
from lesson_runs import BY_ID, runs


def test_local_vs_global_depends_on_the_start(lesson_runs, client):
    (local,) = lesson_runs("local_vs_global")
    (glob,) = runs(client, "local_vs_global", start=[-0.5, 0.5])
    assert local["points"][0] == [-1.5, 0.0]
    assert local["losses"][-1] == pytest.approx(-0.2155, abs=1e-3)
    assert glob["losses"][-1] == pytest.approx(-1.0316, abs=1e-3)
    # stalled away from the global minimum, in the local one the caption names; the other start reaches a global one
    assert local["summary"]["verdict"] == "stalled" and local["summary"]["nearest"]["kind"] == "local"
    assert local["summary"]["nearest"]["point"] == pytest.approx([-1.70, 0.80], abs=0.005)
    assert glob["summary"]["verdict"] == "reached"
    assert glob["summary"]["minimum"]["point"] == pytest.approx([-0.09, 0.71], abs=0.005)
    # the lesson opens on the basin map: the two starts lie in the basins the caption names
    lesson = BY_ID["local_vs_global"]["state"]
    assert lesson["view"]["mode"] == "basins"
    (lane,) = lesson["optimizers"]
    r = client.post("/api/basins", json={"surface": lesson["surface"], "optimizer": lane["optimizer"],
                                         "params": lane["params"], "steps": lesson["steps"], "n": 81})
    assert r.status_code == 200, r.text
    body = r.json()
    ends_in = lambda x, y: body["minima"][body["basin"][int(np.argmin(np.abs(np.subtract(body["y"], y))))]
                                                     [int(np.argmin(np.abs(np.subtract(body["x"], x))))]]
    local, glob_min = ends_in(-1.5, 0.0), ends_in(-0.5, 0.5)
    assert np.allclose(local["point"], [-1.7036, 0.7961], atol=1e-3) and local["value"] == pytest.approx(-0.2155, abs=1e-3)
    assert np.allclose(glob_min["point"], [-0.0898, 0.7127], atol=1e-3) and glob_min["kind"] == "global"


def test_noise_escapes_the_saddle(lesson_runs, client):
    (noisy,) = lesson_runs("saddle_escape")
    (still,) = runs(client, "saddle_escape", gradient={"noise": 0.0})
    assert BY_ID["saddle_escape"]["state"]["gradient"]["noise"] == 0.5 and noisy["points"][0][1] == 0.0
    assert still["losses"][-1] == pytest.approx(0.0, abs=1e-9)
    assert still["summary"]["verdict"] == "stalled" and np.hypot(*still["points"][-1]) < 1e-9  # at the saddle
    assert noisy["losses"][-1] < -0.8
    # in a minimum, where the noise keeps it jittering: still moving, 0.04 from it after 400 steps
    assert noisy["summary"]["verdict"] == "moving" and noisy["summary"]["distance"] == pytest.approx(0.04, abs=0.005)


def test_momentum_rolls_out_of_a_local_minimum(lesson_runs):
    gd, mom = lesson_runs("momentum_escapes")
    s = get_surface("three_hump_camel")
    local = next(m for m in s.minima if m.kind == "local" and m.point[0] > 0)
    assert np.hypot(*np.subtract(gd["points"][-1], local.point)) < 1e-3  # GD stays in the local minimum
    assert np.hypot(*mom["points"][-1]) < 1e-3 and mom["losses"][-1] < 1e-6  # momentum reaches the global one
    assert local.value == pytest.approx(0.30, abs=0.005) and min(sd.value for sd in s.saddles if sd.point[0] > 0) == \
        pytest.approx(0.88, abs=0.005)
    assert (mom["summary"]["verdict"], mom["summary"]["reached_at"]) == ("reached", 128)
    assert gd["summary"]["verdict"] == "stalled" and gd["summary"]["nearest"]["kind"] == "local"
    # where would plain GD end from each of momentum's first points? In the local basin first, then the global
    gd_lane = BY_ID["momentum_escapes"]["state"]["optimizers"][0]
    gd_opt = get_optimizer(gd_lane["optimizer"])
    phase = Phase(0, gd_opt, gd_opt.validate(gd_lane["params"]))
    ends = [r["points"][-1] for r in simulate(s, [RunSpec(tuple(p), (phase,)) for p in mom["points"][:40]], 2000)]
    basin = ["local" if np.hypot(*np.subtract(e, local.point)) < 1e-3 else
             "global" if np.hypot(*e) < 1e-3 else "other" for e in ends]
    k = basin.index("global")
    assert k >= 3 and basin[:k] == ["local"] * k  # it started, and stayed a while, in the local basin
    assert basin[k:] == ["global"] * (40 - k)  # its velocity, not the gradient, carried it across the edge


def test_flat_vs_sharp(lesson_runs, client):
    small, large = lesson_runs("flat_vs_sharp")
    s = get_surface("flat_sharp")
    meta = client.get("/api/surfaces/flat_sharp").json()
    sharp, flat = meta["minima"]
    assert small["points"][0] == large["points"][0]
    assert np.hypot(*np.subtract(small["points"][-1], sharp["point"])) < 1e-6  # GD settles in the sharp one
    assert np.hypot(*np.subtract(large["points"][-1], flat["point"])) < 1e-6  # the larger lr ends in the flat one
    # why: gradient descent is stable at a minimum only when lr < 2 / sharpness
    assert small["params"]["lr"] < 2 / sharp["sharpness"] < large["params"]["lr"] < 2 / flat["sharpness"]
    assert sharp["sharpness"] == pytest.approx(16.9, abs=0.05) and 2 / sharp["sharpness"] == pytest.approx(0.12, abs=0.005)
    assert flat["sharpness"] == pytest.approx(0.99, abs=0.005) and meta["test_shift"] == [0.25, 0.2]
    # the table: the sharp one is the global minimum of the training loss, the flat lane stalled away from it
    assert small["summary"]["verdict"] == "reached" and sharp["kind"] == "global"
    assert large["summary"]["verdict"] == "stalled" and large["summary"]["nearest"]["kind"] == "local"
    assert small["test_losses"][-1] - small["losses"][-1] == pytest.approx(0.6, abs=0.05)
    assert large["test_losses"][-1] - large["losses"][-1] == pytest.approx(0.05, abs=0.01)
    # the sharp minimum has the lower training loss, the flat one the lower test loss
    assert small["losses"][-1] < large["losses"][-1]
    assert large["test_losses"][-1] < small["test_losses"][-1] - 0.4
    assert small["test_losses"][-1] - small["losses"][-1] > 0.55
    assert large["test_losses"][-1] - large["losses"][-1] < 0.06
    dx, dy = meta["test_shift"]
    assert small["test_losses"][-1] == pytest.approx(float(s.value(sharp["point"][0] - dx, sharp["point"][1] - dy, np)))


def test_numerical_gradient_error_grows_with_h(lesson_runs, client):
    coarse, exact = lesson_runs("numerical_gradient")  # two lanes: the numerical one follows gradient.h
    assert exact["gradient"]["mode"] == "analytic" and "gradient" not in coarse
    gap = lambda r, ref: np.abs(np.asarray(r["points"]) - np.asarray(ref["points"])).max()
    # visible in the plot: the paths end in different basins, the numerical one short of its minimum
    assert coarse["points"][-1][0] < -2.7 < -2.0 < 2.7 < exact["points"][-1][0]
    st = get_surface("styblinski_tang")
    west = min((m for m in st.minima if m.point[0] < 0 and m.point[1] > 0), key=lambda m: m.value)
    assert coarse["points"][-1][0] - west.point[0] > 0.15
    assert coarse["points"][-1][0] == pytest.approx(-2.73, abs=0.005) and west.point[0] == pytest.approx(-2.90, abs=0.005)
    fine, exact_again = runs(client, "numerical_gradient", gradient={"mode": "numerical", "h": 1e-5})
    assert exact_again["points"] == exact["points"]
    assert gap(fine, exact) < 1e-8
    # the error is of order h^2: halving h quarters the gradient error at the start
    s = get_surface("styblinski_tang")
    x, y = BY_ID["numerical_gradient"]["state"]["start"]
    err = lambda h: abs((s.value(x + h, y, np) - s.value(x - h, y, np)) / (2 * h) - s.gradient(x, y, np)[0])
    assert err(0.5) / err(0.25) == pytest.approx(4.0, rel=1e-6)
