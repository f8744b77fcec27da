"""Every numeric claim of the lessons on lanes that are update rules (app/lessons/rules.py) is checked
here on the lesson's own state, through the API; where a caption speaks of reaching or stalling, by the server's own
summary (the table the page shows)."""
import numpy as np
import pytest


def test_adam_built_from_its_parts_is_the_builtin_adam(lesson_runs):
    momentum, rmsprop, mine, builtin = lesson_runs("adam_from_parts")
    lr = 0.05
    start = np.asarray(momentum["points"][0])
    assert np.abs(np.asarray(momentum["points"][-1]) - start).max() < 5e-3  # barely moves in 300 steps
    gradient = np.abs(np.asarray(momentum["gradients"][0]))
    assert 1e-5 < gradient.max() < 1e-3  # "the gradient here is about 1e-4"
    first = np.abs(np.diff(np.asarray(rmsprop["points"][:2]), axis=0)[0])
    assert first == pytest.approx([lr / np.sqrt(1 - 0.999)] * 2, rel=1e-2) and 30 < first[0] / lr < 33
    first = np.abs(np.diff(np.asarray(mine["points"][:2]), axis=0)[0])
    assert first == pytest.approx([lr, lr], rel=1e-3)  # about lr (eps against a gradient of 1e-4)
    assert np.abs(np.asarray(mine["points"]) - np.asarray(builtin["points"])).max() <= 1e-9
    assert mine["optimizer"] == "custom" and builtin["optimizer"] == "adam"


def test_the_sign_of_a_momentum_with_lions_betas_is_lion(lesson_runs):
    signum, lion_rule, lion = lesson_runs("invent_one")
    for run in (signum, lion_rule):  # every coordinate moves by exactly lr at each step
        assert np.allclose(np.abs(np.diff(np.asarray(run["points"]), axis=0)), 0.01, rtol=0, atol=1e-12)
    assert np.abs(np.asarray(lion_rule["points"]) - np.asarray(lion["points"])).max() <= 1e-12
    assert signum["points"][-1] == pytest.approx([0.78, 0.62], abs=5e-3) and signum["losses"][-1] == pytest.approx(0.062, abs=5e-4)
    assert lion["points"][-1] == pytest.approx([1.04, 1.10], abs=5e-3) and lion["losses"][-1] == pytest.approx(0.035, abs=5e-4)
    assert np.hypot(*np.subtract(lion["points"][-1], 1)) < np.hypot(*np.subtract(signum["points"][-1], 1))
