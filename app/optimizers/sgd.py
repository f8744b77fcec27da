"""Stochastic gradient descent, with heavy-ball or Nesterov momentum (``torch.optim.SGD``).

.. math::
    g_t \\leftarrow g_t + \\lambda\\theta_{t-1}, \\quad
    b_t = \\mu b_{t-1} + (1-\\tau) g_t \\;(b_1 = g_1), \\quad
    \\theta_t = \\theta_{t-1} - \\gamma\\,(g_t + \\mu b_t \\text{ if Nesterov else } b_t)

Reference: torch/optim/sgd.py, ``_single_tensor_sgd``; Sutskever et al. (2013).
"""
from __future__ import annotations

from functools import partial
from types import SimpleNamespace

from ..bilingual import Bilingual, Label
from .base import OptimizerDef
from .params import ParamSpec, lr_spec, weight_decay_spec
from .pieces import GRAD, WEIGHT_DECAY, active, l2_penalty


def init(o, p, hp) -> SimpleNamespace:
    return SimpleNamespace(momentum_buffer=None)  # None until the first step, as in torch


def sgd_step(o, s, p, g, hp, lr, *, use_momentum: bool, nesterov: bool = False):
    """Explained (``o.explaining``): ``gradient`` (-lr g, in the share the step takes of it), ``weight_decay``
    (the same share of -lr λθ) and ``velocity`` (the old buffer's part: -lr μ b, Nesterov -lr μ² b)."""
    if o.explaining:
        o.quantity("lr", lr)
        share, gradient = 1.0, g  # share: how much of this step's gradient the step takes (in units of -lr)
    g = l2_penalty(o, g, p, hp.weight_decay)
    if use_momentum:
        buf = s.momentum_buffer
        if buf is None:
            buf = s.momentum_buffer = o.copy(g)  # torch.clone(grad).detach(): the buffer's own array
        else:
            if o.explaining:  # the old buffer's part, before it is overwritten
                share = 1 - getattr(hp, "dampening", 0.0)
                o.term("velocity", -lr * hp.momentum * (hp.momentum if nesterov else 1.0) * buf)
            buf = s.momentum_buffer = o.mul(buf, hp.momentum, out=buf)
            t = o.mul(g, 1 - getattr(hp, "dampening", 0.0), out=o.buf("tmp"))  # Nesterov has none
            buf = s.momentum_buffer = o.add(buf, t, out=buf)
        if nesterov:
            if o.explaining:
                share = 1 + hp.momentum * share
            t = o.mul(buf, hp.momentum, out=o.buf("tmp"))
            g = o.add(g, t, out=t)
        else:
            g = buf
    if o.explaining:
        o.term("gradient", -lr * share * gradient)
        if active(hp.weight_decay):
            o.term("weight_decay", -lr * share * hp.weight_decay * p)
    t = o.mul(g, -lr, out=o.buf("tmp"))
    return o.add(p, t, out=p)


def BUFFER(hp: dict) -> tuple[str, ...]:
    return ("momentum_buffer",)


MOMENTUM = ParamSpec("momentum", 0.9, Bilingual("momentum factor μ: the fraction of the velocity kept from one step "
                                                 "to the next", "모멘텀 계수 μ: 다음 스텝으로 남기는 속도의 비율"),
                     0.0, 1.0, "linear", min_exclusive=True, slider=(0.0, 0.999),
                     label=Bilingual("momentum μ", "모멘텀 μ"))
DAMPENING = ParamSpec("dampening", 0.0, Bilingual("dampening τ: the gradient enters the velocity scaled by 1 − τ",
                                                  "모멘텀 감쇠 τ: 기울기가 1 − τ배로 속도에 더해집니다"),
                      0.0, 1.0, "linear", label=Bilingual("dampening τ", "모멘텀 감쇠 τ"))

LR = Label("lr", "learning rate of this step (after the schedule)", "이번 스텝의 학습률 (스케줄 적용 후)")

GD = OptimizerDef(
    id="gd", names=Bilingual("Gradient descent", "경사 하강법"), torch_equivalent="torch.optim.SGD(momentum=0)",
    descriptions=Bilingual(
        "Steps straight down the gradient: θ ← θ − lr·∇f. Diverges on a quadratic once lr > 2/L.",
        "기울기의 반대 방향으로 곧장 내려갑니다: θ ← θ − lr·∇f. 2차 함수에서 lr > 2/L이면 발산합니다."),
    update_latex=r"\theta_t = \theta_{t-1} - \gamma\,(g_t + \lambda\theta_{t-1})",
    rule_text=Bilingual("g ← g + λ·θ   (L2 weight decay, when λ > 0)\nθ ← θ − lr·g",
                   "g ← g + λ·θ   (λ > 0일 때 L2 가중치 감쇠)\nθ ← θ − lr·g"),
    terms=(Label("gradient", "−lr·g: the step straight down the gradient", "−lr·g: 기울기를 따라 곧장 내려가는 스텝"),
           WEIGHT_DECAY),
    quantities=(LR, GRAD),
    params=(lr_spec(0.001), weight_decay_spec()), state_names=lambda hp: (),  # torch keeps no state without momentum
    init_state=init, step=partial(sgd_step, use_momentum=False),
    reference="Cauchy (1847); torch/optim/sgd.py")

MOMENTUM_SGD = OptimizerDef(
    id="momentum", names=Bilingual("Momentum (heavy ball)", "모멘텀 (헤비볼)"),
    torch_equivalent="torch.optim.SGD(momentum>0)",
    descriptions=Bilingual(
        "Accumulates a velocity from past gradients, so steps grow along consistent directions and "
        "oscillations across a ravine cancel.",
        "지난 기울기로 속도를 쌓아, 일관된 방향으로는 보폭이 커지고 골짜기를 가로지르는 진동은 상쇄됩니다."),
    update_latex=r"b_t = \mu b_{t-1} + (1-\tau)\,g_t,\quad \theta_t = \theta_{t-1} - \gamma\,b_t",
    rule_text=Bilingual("g ← g + λ·θ   (L2 weight decay, when λ > 0)\nb ← μ·b + (1 − τ)·g   (the first step: b ← g)\n"
                   "θ ← θ − lr·b",
                   "g ← g + λ·θ   (λ > 0일 때 L2 가중치 감쇠)\nb ← μ·b + (1 − τ)·g   (첫 스텝: b ← g)\nθ ← θ − lr·b"),
    terms=(Label("gradient", "−lr·(1 − τ)·g: this step's gradient, as it joins the velocity",
                 "−lr·(1 − τ)·g: 속도에 더해지는 이번 스텝의 기울기"),
           Label("velocity", "−lr·μ·b: the velocity carried over from earlier steps",
                 "−lr·μ·b: 이전 스텝들에서 이어받은 속도"),
           WEIGHT_DECAY),
    quantities=(LR, GRAD),
    state_labels=(Label("momentum_buffer", "b: the velocity, a running sum of past gradients", "b: 속도, 지난 기울기의 누적 합"),),
    params=(lr_spec(0.001), MOMENTUM, DAMPENING, weight_decay_spec()), init_state=init, state_names=BUFFER,
    step=partial(sgd_step, use_momentum=True), reference="Polyak (1964); torch/optim/sgd.py")

NESTEROV = OptimizerDef(
    id="nesterov", names=Bilingual("Nesterov momentum", "네스테로프 모멘텀"),
    torch_equivalent="torch.optim.SGD(momentum>0, nesterov=True)",
    descriptions=Bilingual(
        "Momentum with a look-ahead correction: it brakes earlier than heavy-ball momentum and overshoots less.",
        "앞을 내다보는 보정이 있는 모멘텀: 헤비볼보다 일찍 제동을 걸어 덜 지나칩니다."),
    update_latex=r"b_t = \mu b_{t-1} + g_t,\quad \theta_t = \theta_{t-1} - \gamma\,(g_t + \mu b_t)",
    rule_text=Bilingual("g ← g + λ·θ   (L2 weight decay, when λ > 0)\nb ← μ·b + g   (the first step: b ← g)\n"
                   "θ ← θ − lr·(g + μ·b)   (look ahead along the new velocity)",
                   "g ← g + λ·θ   (λ > 0일 때 L2 가중치 감쇠)\nb ← μ·b + g   (첫 스텝: b ← g)\n"
                   "θ ← θ − lr·(g + μ·b)   (새 속도 방향으로 앞을 내다봄)"),
    terms=(Label("gradient", "−lr·(1 + μ)·g: this step's gradient, taken now and again through the look-ahead",
                 "−lr·(1 + μ)·g: 지금 한 번, 앞보기로 한 번 더 쓰이는 이번 스텝의 기울기"),
           Label("velocity", "−lr·μ²·b: the velocity carried over, seen through the look-ahead",
                 "−lr·μ²·b: 앞보기로 본, 이전 스텝들에서 이어받은 속도"),
           WEIGHT_DECAY),
    quantities=(LR, GRAD),
    state_labels=(Label("momentum_buffer", "b: the velocity, a running sum of past gradients", "b: 속도, 지난 기울기의 누적 합"),),
    params=(lr_spec(0.001), MOMENTUM, weight_decay_spec()), init_state=init, state_names=BUFFER,
    step=partial(sgd_step, use_momentum=True, nesterov=True),
    reference="Nesterov (1983); Sutskever et al. (2013); torch/optim/sgd.py")
