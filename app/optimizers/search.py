"""Derivative-free baselines (no torch twin, so their own tests define them).

Both are seeded through ``ctx.rng`` and keep the last proposal and whether it
was accepted in their state, so the page can draw the rejected ones.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ..bilingual import Bilingual, Label
from .base import OptimizerDef
from .params import ParamSpec


def search_init(o, p, hp) -> SimpleNamespace:
    return SimpleNamespace(value=o.value(p))  # f at the current (best) point, (n,)


def _keep_better(o, s, p, proposal):
    value = o.value(proposal)
    accepted = value < s.value  # NaN proposals are never accepted
    o.emit("proposals", proposal)
    o.emit("accepted", accepted)
    if o.explaining:
        o.quantity("proposal", proposal)
        o.quantity("proposal_value", value[None, :])
        o.quantity("value", s.value[None, :])
        o.quantity("accepted", accepted[None, :])
        o.term("jump", np.where(accepted[None, :], proposal - p, 0.0))  # nothing where it was rejected
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


JUMP = Label("jump", "the jump to the point tried, when it was lower (nothing when it was rejected)",
             "시도한 점이 더 낮을 때 그곳으로 뛴 만큼 (거절되면 없음)")
PROPOSALS = (Label("proposal", "the point tried", "시도한 점"),
             Label("proposal_value", "f at the point tried", "시도한 점의 f 값"),
             Label("value", "f at the best point so far (before this step)", "지금까지 가장 좋은 점의 f 값 (이번 스텝 전)"),
             Label("accepted", "1 when the point tried was kept, 0 when it was rejected", "시도한 점을 받아들이면 1, 거절하면 0"))

RANDOM_SEARCH = OptimizerDef(
    id="random_search", names=Bilingual("Random search", "무작위 탐색"), elementwise=False, needs=("value", "rng"),
    descriptions=Bilingual(
        "Samples points uniformly over the visible domain and keeps the best one seen. No gradient: a baseline every "
        "optimizer should beat.",
        "보이는 영역 전체에서 균일하게 점을 뽑아 가장 좋은 점을 남깁니다. 기울기 없음: 모든 옵티마이저가 이겨야 할 기준선."),
    update_latex=r"\tilde\theta \sim \mathcal U(\text{domain}),\ \theta_t = \tilde\theta \text{ if } "
                 r"f(\tilde\theta) < f(\theta_{t-1}) \text{ else } \theta_{t-1}",
    rule_text=Bilingual("θ̃ drawn uniformly over the domain\nθ ← θ̃ if f(θ̃) < f(θ)",
                   "θ̃: 영역 전체에서 균일하게 뽑은 점\nf(θ̃) < f(θ)이면 θ ← θ̃"),
    terms=(JUMP,), quantities=PROPOSALS,
    params=(), init_state=search_init, step=random_search_step,
    state_names=lambda hp: (), emits={"proposals": "vector", "accepted": "flag"},
    reference="Rastrigin (1963); Bergstra & Bengio (2012)")

RANDOM_LOCAL_SEARCH = OptimizerDef(
    id="random_local_search", names=Bilingual("Random local search", "무작위 지역 탐색"), elementwise=False,
    needs=("value", "rng"),
    descriptions=Bilingual(
        "Tries a step of fixed length in a random direction and keeps it only if the loss drops: a gradient-free "
        "descent.",
        "고정된 길이로 무작위 방향을 시도하고 손실이 줄 때만 받아들입니다: 기울기 없는 하강."),
    update_latex=r"\tilde\theta = \theta_{t-1} + r\,(\cos\phi, \sin\phi),\ \phi \sim \mathcal U[0, 2\pi),\ "
                 r"\theta_t = \tilde\theta \text{ if } f(\tilde\theta) < f(\theta_{t-1})",
    rule_text=Bilingual("θ̃ = θ + r·(cos φ, sin φ),  φ drawn uniformly in [0, 2π)\nθ ← θ̃ if f(θ̃) < f(θ)",
                   "θ̃ = θ + r·(cos φ, sin φ),  φ: [0, 2π)에서 균일하게 뽑은 각\nf(θ̃) < f(θ)이면 θ ← θ̃"),
    terms=(JUMP,), quantities=PROPOSALS,
    params=(ParamSpec("step_size", 0.1, Bilingual("the length r of each random step", "무작위 스텝 하나의 길이 r"),
                      0.0, 1000.0, "log", min_exclusive=True, slider=(1e-3, 5.0),
                      label=Bilingual("step length r", "스텝 길이 r")),),
    init_state=search_init, step=random_local_search_step, emits={"proposals": "vector", "accepted": "flag"},
    state_names=lambda hp: (), reference="Matyas (1965), random optimization")
