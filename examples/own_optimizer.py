"""Your own optimizer beside the built-ins: three ways to write one, run on the same surface, schedule and seed.

    python examples/own_optimizer.py [OUT_DIR]

1. a rule: a few lines of text, the same as the page's "Your own..." editor takes (optimizer "custom");
2. a Python object with init(point) / update(grad, state, point) -> (step, state) on numpy arrays (optax's shape);
3. a torch.optim.Optimizer subclass, when torch is installed (torch is not a dependency of Slopes).

torch.optim.SGD is wrapped as a check: its path must coincide with the built-in "gd", and the rule for Adam with
the built-in "adam". The figure is written to OUT_DIR/own_optimizer.html (default: the current folder).
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from app.notebook import run  # noqa: E402

ADAM_RULE = """m = b1*m + (1-b1)*g
v = b2*v + (1-b2)*g^2
p = p - lr/(1-b1^t) * m/(sqrt(v)/sqrt(1-b2^t) + eps)"""


class SignMomentum:
    """The sign of a momentum, in optax's shape: ``update`` returns the step to add to the point."""

    def __init__(self, beta: float = 0.9):
        self.beta = beta

    def init(self, point):
        return np.zeros(2)  # the momentum

    def update(self, grad, momentum, point, lr):  # lr: this step's, after the schedule
        momentum = self.beta * momentum + (1 - self.beta) * grad
        return -lr * np.sign(momentum), momentum


def main(out_dir: Path) -> None:
    lanes = [
        {"optimizer": "gd", "params": {"lr": 0.001}},
        {"optimizer": "adam", "params": {"lr": 0.05}},
        {"optimizer": "custom", "rule": ADAM_RULE, "params": {"lr": 0.05, "b1": 0.9, "b2": 0.999, "eps": 1e-8},
         "label": "my Adam (a rule)"},
        {"optimizer": SignMomentum, "params": {"beta": 0.9, "lr": 0.01}},
    ]
    try:
        import torch
    except ImportError:
        torch = None
        print("torch is not installed: the torch.optim.SGD lane is left out")
    if torch is not None:
        lanes.append({"optimizer": torch.optim.SGD, "params": {"lr": 0.001}})

    result = run(surface="rosenbrock", start=[-1.2, 1.0], steps=300, optimizers=lanes,
                 view={"caption": "Your own optimizers beside the built-ins"})
    print(result)
    paths = [np.asarray(r["points"]) for r in result.runs]
    gap = np.abs(paths[2] - paths[1]).max()
    print(f"my Adam vs the built-in Adam: largest difference {gap:.1e}")
    assert gap < 1e-9
    if torch is not None:
        gap = np.abs(paths[-1] - paths[0]).max()
        print(f"torch.optim.SGD vs the built-in gd: largest difference {gap:.1e}")
        assert gap < 1e-12
    path = result.to_html(out_dir / "own_optimizer.html")
    print(f"wrote {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd())
