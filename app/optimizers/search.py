"""Derivative-free baselines (no torch twin, so their own tests define them).

Both are seeded through ``ctx.rng`` and keep the last proposal and whether it
was accepted in their state, so the page can draw the rejected ones.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .base import OptimizerDef, ParamSpec


class SearchState(NamedTuple):
    value: Any  # f at the current (best) point, shape (N,)
    proposal: Any  # the last point tried, shape (N, 2); None before the first step
    accepted: Any  # whether it replaced the current point, shape (N,)


def search_init(params, hp, ctx) -> SearchState:
    return SearchState(ctx.value(params), None, None)


def _keep_better(proposal, state, params, ctx):
    value = ctx.value(proposal)
    accepted = value < state.value  # NaN proposals are never accepted
    params = np.where(accepted[:, None], proposal, params)
    return params, SearchState(np.where(accepted, value, state.value), proposal, accepted)


def random_search_update(grad, state, params, hp, lr, ctx):
    """Draw a uniform point in the domain; keep it if it is lower than the best so far."""
    lo = np.array([ctx.domain.x[0], ctx.domain.y[0]])
    hi = np.array([ctx.domain.x[1], ctx.domain.y[1]])
    proposal = lo + ctx.rng.random(params.shape) * (hi - lo)
    return _keep_better(proposal, state, params, ctx)


def random_local_search_update(grad, state, params, hp, lr, ctx):
    """Step a distance ``step_size`` in a uniformly random direction; keep the step if the loss drops."""
    angle = ctx.rng.random(params.shape[0]) * (2.0 * np.pi)
    step = np.column_stack([np.cos(angle), np.sin(angle)]) * hp.step_size
    return _keep_better(params + step, state, params, ctx)


RANDOM_SEARCH = OptimizerDef(
    id="random_search", name="Random search", elementwise=False, needs=("value", "rng"),
    description="Samples points uniformly over the visible domain and keeps the best one seen. No gradient: a "
                "baseline every optimizer should beat.",
    update_latex=r"\tilde\theta \sim \mathcal U(\text{domain}),\ \theta_t = \tilde\theta \text{ if } "
                 r"f(\tilde\theta) < f(\theta_{t-1}) \text{ else } \theta_{t-1}",
    params=(), init=search_init, update=random_search_update,
    reference="Rastrigin (1963); Bergstra & Bengio (2012)")

RANDOM_LOCAL_SEARCH = OptimizerDef(
    id="random_local_search", name="Random local search", elementwise=False, needs=("value", "rng"),
    description="Tries a step of fixed length in a random direction and keeps it only if the loss drops: "
                "a gradient-free descent.",
    update_latex=r"\tilde\theta = \theta_{t-1} + r\,(\cos\phi, \sin\phi),\ \phi \sim \mathcal U[0, 2\pi),\ "
                 r"\theta_t = \tilde\theta \text{ if } f(\tilde\theta) < f(\theta_{t-1})",
    params=(ParamSpec("step_size", 0.1, "length r of each random step", 0.0, 1000.0, "log", min_exclusive=True,
                      slider=(1e-3, 5.0)),),
    init=search_init, update=random_local_search_update, reference="Matyas (1965), random optimization")
