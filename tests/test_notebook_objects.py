"""Notebooks: an optimizer of your own (a Python object) runs beside the built-ins on the same surfaces, schedules
and seeds, and the figure, the export and the example show it by its class name."""
import html
import runpy
import sys
from pathlib import Path

import numpy as np
import pytest

from app.notebook import InputError, run

ROOT = Path(__file__).resolve().parent.parent


class SignSGD:
    """optax's shape, made from its class with the params."""

    def __init__(self, lr=0.01):
        self.lr = lr

    def init(self, point):
        return {"count": 0}

    def update(self, grad, state, point):
        return -self.lr * np.sign(grad), {"count": state["count"] + 1}


class PlainGD:
    """Takes each step's lr (after the schedule) in update."""

    def init(self, point):
        return None

    def update(self, grad, state, point, lr):
        return -lr * grad, state


def paths(result):
    return [np.asarray(r["points"], dtype=float) for r in result.runs]


@pytest.mark.parametrize("gradient", [{}, {"noise": 0.3, "seed": 5}])
def test_objects_run_like_their_builtin_twins_on_the_same_schedules_and_seeds(gradient):
    schedule = {"type": "exponential", "gamma": 0.99}
    mine = run(surface="himmelblau", steps=150, gradient=gradient, optimizers=[
        {"optimizer": PlainGD(), "params": {"lr": 0.01}, "schedule": schedule},
        {"optimizer": SignSGD, "params": {"lr": 0.02}},
        {"optimizer": "adam", "params": {"lr": 0.05}, "switch": {"at_step": 50, "optimizer": PlainGD,
                                                                   "params": {"lr": 0.01}}}])
    twins = run(surface="himmelblau", steps=150, gradient=gradient, optimizers=[
        {"optimizer": "gd", "params": {"lr": 0.01}, "schedule": schedule},
        {"optimizer": "custom", "rule": "p = p - lr*sign(g)", "params": {"lr": 0.02}},
        {"optimizer": "adam", "params": {"lr": 0.05}, "switch": {"at_step": 50, "optimizer": "gd",
                                                                   "params": {"lr": 0.01}}}])
    for a, b in zip(paths(mine), paths(twins)):
        assert a.shape == b.shape and np.abs(a - b).max() <= 1e-12
    assert [r["label"] for r in mine.runs][:2] == ["PlainGD lr=0.01", "SignSGD lr=0.02"]
    assert mine.runs[0]["optimizer"] == "PlainGD" and mine.runs[2]["switch"]["optimizer"] == "PlainGD"
    assert mine.runs[0]["lrs"] == twins.runs[0]["lrs"]


def test_the_figure_and_the_export_show_it_and_no_link_claims_to_carry_it(tmp_path):
    result = run(surface="rosenbrock", steps=40, optimizers=[{"optimizer": SignSGD, "params": {"lr": 0.01}},
                                                             {"optimizer": "gd", "params": {"lr": 0.001}}])
    names = [html.unescape(t.name) for t in result.figure().data if (t.meta or {}).get("role") == "path"]
    assert names == ["SignSGD lr=0.01", "Gradient descent lr=0.001"]
    page = result.to_html(tmp_path / "mine.html").read_text(encoding="utf-8")
    assert "SignSGD lr=0.01" in page and f"{result.runs[0]['points'][-1][0]!r}"[:12] in page
    assert result.state()["optimizers"][0]["optimizer"] == "SignSGD"
    with pytest.raises(InputError) as e:
        result.embed_url()
    assert e.value.field == "optimizers.0.optimizer" and "only in this process" in e.value.message


def test_an_object_that_is_no_optimizer_or_takes_wrong_params_is_refused_by_field():
    for bad, field, words in ((object(), "optimizers.0.optimizer", "is not an optimizer"),
                              (42, "optimizers.0.optimizer", "is not an optimizer")):
        with pytest.raises(InputError) as e:
            run(optimizers=[{"optimizer": bad}])
        assert e.value.field == field and words in e.value.message
    with pytest.raises(InputError) as e:  # an object already made takes no constructor params
        run(optimizers=[{"optimizer": SignSGD(), "params": {"lr": 0.1}}])
    assert e.value.field == "optimizers.0.optimizer" and "pass its class" in e.value.message
    with pytest.raises(InputError) as e:  # its constructor refuses them
        run(optimizers=[{"optimizer": SignSGD, "params": {"momentum": 0.1}}])
    assert e.value.field == "optimizers.0.params"
    with pytest.raises(InputError) as e:  # a schedule that cannot reach it
        run(optimizers=[{"optimizer": SignSGD, "params": {"lr": 0.1}, "schedule": {"type": "step", "step_size": 5}}])
    assert e.value.field == "optimizers.0.schedule" and "takes no lr" in e.value.message


def _fake_torch_optimizer():
    """A class whose hierarchy says torch.optim.Optimizer, as a real one's does."""
    base = type("Optimizer", (), {"__module__": "torch.optim.optimizer"})
    return type("SGD", (base,), {"__module__": "torch.optim.sgd"})


def test_a_torch_optimizer_without_torch_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch fails, as where it is not installed
    with pytest.raises(InputError) as e:
        run(optimizers=[{"optimizer": _fake_torch_optimizer(), "params": {"lr": 0.1}}])
    assert e.value.field == "optimizers.0.optimizer"
    assert "torch is not installed" in e.value.message and "pip install torch" in e.value.message


def test_torch_optimizers_coincide_with_the_builtins():
    torch = pytest.importorskip("torch")
    schedule = {"type": "cosine", "T_max": 200}
    for gradient in ({}, {"noise": 0.2, "seed": 1}):
        mine = run(surface="rosenbrock", steps=200, gradient=gradient, optimizers=[
            {"optimizer": torch.optim.SGD, "params": {"lr": 0.001}, "schedule": schedule},
            {"optimizer": torch.optim.Adam, "params": {"lr": 0.05}},
            {"optimizer": torch.optim.SGD, "params": {"lr": 0.001, "momentum": 0.9, "nesterov": True}}])
        twins = run(surface="rosenbrock", steps=200, gradient=gradient, optimizers=[
            {"optimizer": "gd", "params": {"lr": 0.001}, "schedule": schedule},
            {"optimizer": "adam", "params": {"lr": 0.05}},
            {"optimizer": "nesterov", "params": {"lr": 0.001, "momentum": 0.9}}])
        for a, b in zip(paths(mine), paths(twins)):
            assert np.abs(a - b).max() <= 1e-12
        assert mine.runs[0]["label"] == "SGD lr=0.001"
    made = torch.optim.SGD([torch.zeros(2, requires_grad=True)], lr=0.1)
    with pytest.raises(InputError) as e:
        run(optimizers=[{"optimizer": made}])
    assert "give the class SGD" in e.value.message


def test_the_example_runs_top_to_bottom(tmp_path, capsys):
    runpy.run_path(str(ROOT / "examples" / "own_optimizer.py"), run_name="not_main")["main"](tmp_path)
    out = capsys.readouterr().out
    assert "my Adam vs the built-in Adam" in out and (tmp_path / "own_optimizer.html").exists()
    assert ("torch.optim.SGD vs the built-in gd" in out) == ("torch" in sys.modules and sys.modules["torch"] is not None)


def test_an_update_that_returns_no_two_numbers_is_an_input_error_naming_the_object():
    class ThreeNumbers:
        def init(self, point):
            return None

        def update(self, grad, state, point):
            return np.zeros(3), state

    with pytest.raises(InputError, match=r"ThreeNumbers.update returned a step of shape \(3,\)"):
        run(surface="quadratic", optimizers=[{"optimizer": ThreeNumbers()}], steps=3)
