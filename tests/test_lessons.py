"""Every lesson's caption makes a claim; each claim is checked here against the engine (through the API)."""
import numpy as np
import pytest

from app.lessons import LESSONS

BY_ID = {lesson["id"]: lesson for lesson in LESSONS}


def runs(client, lesson_id, **patch):
    state = {k: v for k, v in BY_ID[lesson_id]["state"].items() if k != "view"}
    r = client.post("/api/runs", json={**state, **patch})
    assert r.status_code == 200, r.text
    return r.json()["runs"]


def step_lengths(run):
    return np.hypot(*np.diff(np.asarray(run["points"]), axis=0).T)


def test_every_lesson_is_complete_in_both_languages():
    assert len(LESSONS) >= 14
    for lesson in LESSONS:
        for key in ("title", "caption"):
            assert lesson[key]["en"] and lesson[key]["ko"]
        sentences = [s for s in lesson["caption"]["en"].split(". ") if s.strip()]
        assert 2 <= len(sentences) <= 5, lesson["id"]


def test_lr_sizes(client):
    small, right, large = runs(client, "lr_sizes")
    assert small["status"] == "ok" and small["losses"][-1] > 0.1
    assert right["status"] == "ok" and right["losses"][-1] < 1e-12
    assert large["status"] == "diverged"


def test_momentum_ravine(client):
    gd, mom = runs(client, "momentum_ravine")
    assert mom["losses"][-1] < gd["losses"][-1] / 100


def test_nag_vs_momentum(client):
    mom, nag = runs(client, "nag_vs_momentum")
    overshoot = lambda r: np.asarray(r["points"])[:, 0].max()  # the minimum is at x = 0; the start at x = -9
    assert overshoot(nag) < overshoot(mom)
    assert nag["losses"][-1] < mom["losses"][-1]


def test_adagrad_shrinks_rmsprop_does_not(client):
    ada, rms = runs(client, "adagrad_vs_rmsprop")

    def effective_lr(run, k):  # |step| / |gradient| along x at step k: lr / (sqrt(accumulator) + eps)
        return abs(run["points"][k + 1][0] - run["points"][k][0]) / abs(run["gradients"][k][0])

    ada_rates = [effective_lr(ada, k) for k in range(0, 200)]
    assert all(b <= a * (1 + 1e-12) for a, b in zip(ada_rates, ada_rates[1:]))  # never grows
    assert ada_rates[150] < 0.5 * ada_rates[2]
    assert effective_lr(rms, 150) > effective_lr(rms, 20)  # grows as the gradients shrink
    assert effective_lr(rms, 150) > ada_rates[150]


def test_adadelta_without_a_learning_rate(client):
    (run,) = runs(client, "adadelta_no_lr")
    assert run["params"]["lr"] == 1.0
    assert run["losses"][-1] < run["losses"][0] / 10


def test_adam_beats_its_parts_on_the_plateau(client):
    mom, rms, adam = runs(client, "adam_vs_parts")
    assert mom["losses"][-1] > 0.99  # barely moved
    assert adam["losses"][-1] < rms["losses"][-1] < mom["losses"][-1]


def test_local_vs_global_depends_on_the_start(client):
    (local,) = runs(client, "local_vs_global")
    (glob,) = runs(client, "local_vs_global", start=[-0.5, 0.9])
    assert local["losses"][-1] == pytest.approx(-0.2155, abs=1e-3)
    assert glob["losses"][-1] == pytest.approx(-1.0316, abs=1e-3)


def test_noise_escapes_the_saddle(client):
    (noisy,) = runs(client, "saddle_escape")
    (still,) = runs(client, "saddle_escape", gradient={"noise": 0.0})
    assert still["losses"][-1] == pytest.approx(0.0, abs=1e-9)
    assert noisy["losses"][-1] < -0.8


def test_batch_sizes_trade_noise(client):
    bgd, sgd, mini = runs(client, "batch_sizes")
    rises = lambda r: float(np.clip(np.diff(r["losses"]), 0, None).sum())
    assert rises(bgd) == 0.0  # full batch: the loss never goes up
    assert rises(sgd) > rises(mini) > 0.0
    assert sgd["batch_size"] == 1 and mini["batch_size"] == 8


def test_mae_keeps_the_clean_slope_mse_does_not(client):
    (mae,) = runs(client, "mse_vs_mae")
    (mse,) = runs(client, "mse_vs_mae", surface="linreg_mse")
    assert abs(mae["points"][-1][0] - 1.5) < 0.2
    assert mse["points"][-1][0] > 2.2
    assert client.get("/api/surfaces/linreg_mse").json()["minima"][0]["point"][0] > 2.2


def test_lr_decay_lowers_the_noise_floor(client):
    const, decay = runs(client, "lr_decay")
    assert np.mean(decay["losses"][-50:]) < np.mean(const["losses"][-50:]) / 3


def test_adam_then_sgd(client):
    adam, switched = runs(client, "adam_then_sgd")
    assert switched["lrs"][99] == 0.1 and switched["switch"]["optimizer"] == "gd"
    assert switched["losses"][-1] < 1e-20 < adam["losses"][-1]


def test_random_search_vs_local_vs_gd(client):
    rs, rls, gd = runs(client, "random_vs_gradient")
    assert gd["losses"][-1] < 1e-10
    assert gd["losses"][-1] < rls["losses"][-1] < rs["losses"][-1]
    assert any(not a for a in rs["accepted"])


def test_numerical_gradient_error_grows_with_h(client):
    (coarse,) = runs(client, "numerical_gradient")
    (fine,) = runs(client, "numerical_gradient", gradient={"mode": "numerical", "h": 1e-5})
    (exact,) = runs(client, "numerical_gradient", gradient={"mode": "analytic"})
    gap = lambda r: np.abs(np.asarray(r["points"]) - np.asarray(exact["points"])).max()
    assert gap(fine) < 1e-8
    assert gap(coarse) > 1e-2


def test_lessons_endpoint(client):
    body = client.get("/api/lessons").json()
    assert [lesson["id"] for lesson in body] == [lesson["id"] for lesson in LESSONS]
