"""Derivative-free baselines (no torch twin, so their own tests define them).

Both are seeded through ``ctx.rng`` and keep the last proposal and whether it
was accepted in their state, so the page can draw the rejected ones.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .base import OptimizerDef, ParamSpec


def search_init(o, p, hp) -> SimpleNamespace:
    return SimpleNamespace(value=o.value(p))  # f at the current (best) point, (n,)


def _keep_better(o, s, p, proposal):
    value = o.value(proposal)
    accepted = value < s.value  # NaN proposals are never accepted
    o.emit("proposals", proposal)
    o.emit("accepted", accepted)
    s.value = np.where(accepted, value, s.value)
    return o.where(accepted[None, :], proposal, p, out=p)


def random_search_step(o, s, p, g, hp, lr):
    """Draw a uniform point in the domain; keep it if it is lower than the best so far."""
    lo = np.array([[o.domain.x[0]], [o.domain.y[0]]])
    hi = np.array([[o.domain.x[1]], [o.domain.y[1]]])
    return _keep_better(o, s, p, lo + o.rng.uniform(2) * (hi - lo))


def random_local_search_step(o, s, p, g, hp, lr):
    """Step a distance ``step_size`` in a uniformly random direction; keep the step if the loss drops."""
    angle = o.rng.uniform(1)[0] * (2.0 * np.pi)
    step = np.array([np.cos(angle), np.sin(angle)]) * hp.step_size
    return _keep_better(o, s, p, p + step)


RANDOM_SEARCH = OptimizerDef(
    id="random_search", name="Random search", elementwise=False, needs=("value", "rng"),
    description="Samples points uniformly over the visible domain and keeps the best one seen. No gradient: a "
                "baseline every optimizer should beat.",
    update_latex=r"\tilde\theta \sim \mathcal U(\text{domain}),\ \theta_t = \tilde\theta \text{ if } "
                 r"f(\tilde\theta) < f(\theta_{t-1}) \text{ else } \theta_{t-1}",
    params=(), init_state=search_init, step=random_search_step,
    state_names=lambda hp: (), emits={"proposals": "vector", "accepted": "flag"},
    reference="Rastrigin (1963); Bergstra & Bengio (2012)")

RANDOM_LOCAL_SEARCH = OptimizerDef(
    id="random_local_search", name="Random local search", elementwise=False, needs=("value", "rng"),
    description="Tries a step of fixed length in a random direction and keeps it only if the loss drops: "
                "a gradient-free descent.",
    update_latex=r"\tilde\theta = \theta_{t-1} + r\,(\cos\phi, \sin\phi),\ \phi \sim \mathcal U[0, 2\pi),\ "
                 r"\theta_t = \tilde\theta \text{ if } f(\tilde\theta) < f(\theta_{t-1})",
    params=(ParamSpec("step_size", 0.1, "length r of each random step", 0.0, 1000.0, "log", min_exclusive=True,
                      slider=(1e-3, 5.0)),),
    init_state=search_init, step=random_local_search_step, emits={"proposals": "vector", "accepted": "flag"},
    state_names=lambda hp: (), reference="Matyas (1965), random optimization")
