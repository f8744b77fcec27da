"""Lion (EvoLved Sign Momentum): the step is the sign of an interpolation between momentum and gradient,
so every coordinate moves by exactly ``lr`` (``lion_pytorch.Lion``).

.. math::
    \\theta_t = (1 - \\gamma\\lambda)\\,\\theta_{t-1} - \\gamma\\,\\mathrm{sign}(\\beta_1 m_{t-1} + (1-\\beta_1) g_t),
    \\quad m_t = \\beta_2 m_{t-1} + (1-\\beta_2) g_t

Reference: Chen et al. (2023), "Symbolic Discovery of Optimization Algorithms"; lion-pytorch 0.2
(lucidrains), ``update_fn``, whose order of operations this follows.
"""
from __future__ import annotations

from types import SimpleNamespace

from ..bilingual import Bilingual, Label
from .base import OptimizerDef
from .params import DECOUPLED_DECAY, ParamSpec, lr_spec, weight_decay_spec
from .pieces import DECAY, sign


def lion_init(o, p, hp) -> SimpleNamespace:
    return SimpleNamespace(exp_avg=o.zeros(p))


def lion_step(o, s, p, g, hp, lr):
    if o.explaining:
        before = o.copy(p)
    p = o.mul(p, 1.0 - lr * hp.weight_decay, out=p)  # stepweight decay (always applied, as lion-pytorch does)
    if o.explaining:
        o.term("decay", o.sub(p, before))
    t = o.mul(s.exp_avg, hp.beta1, out=o.buf("step"))
    t = o.add(t, o.mul(g, 1.0 - hp.beta1, out=o.buf("grad")), out=t)
    if o.explaining:
        o.quantity("blend", t)
    t = sign(o, t, out=t)
    if o.explaining:
        o.quantity("update", t)
    t = o.mul(t, -lr, out=t)
    if o.explaining:
        o.term("step", t)
    p = o.add(p, t, out=p)
    s.exp_avg = o.mul(s.exp_avg, hp.beta2, out=s.exp_avg)
    s.exp_avg = o.add(s.exp_avg, o.mul(g, 1.0 - hp.beta2, out=o.buf("grad")), out=s.exp_avg)
    return p


LION = OptimizerDef(
    id="lion", names=Bilingual("Lion", "Lion"), torch_equivalent="", family="modern",
    descriptions=Bilingual(
        "Sign momentum found by program search: each coordinate moves by exactly lr in the direction of the sign of "
        "a blend of momentum and gradient; use a lr 3-10x smaller than Adam's.",
        "프로그램 탐색으로 찾은 부호 모멘텀: 모멘텀과 기울기를 섞은 값의 부호 방향으로 좌표마다 정확히 lr만큼 "
        "움직입니다. Adam보다 3~10배 작은 lr을 씁니다."),
    update_latex=r"\theta_t = (1-\gamma\lambda)\theta_{t-1} - \gamma\,\mathrm{sign}(\beta_1 m_{t-1} + (1-\beta_1) g_t),"
                 r"\ m_t = \beta_2 m_{t-1} + (1-\beta_2) g_t",
    rule_text=Bilingual(
        "θ ← θ·(1 − lr·λ)   (decoupled weight decay)\n"
        "θ ← θ − lr·sign(β₁·m + (1 − β₁)·g)\n"
        "m ← β₂·m + (1 − β₂)·g",
        "θ ← θ·(1 − lr·λ)   (분리된 가중치 감쇠)\n"
        "θ ← θ − lr·sign(β₁·m + (1 − β₁)·g)\n"
        "m ← β₂·m + (1 − β₂)·g"),
    terms=(DECAY, Label("step", "−lr·sign(β₁·m + (1 − β₁)·g): exactly lr in every coordinate",
                        "−lr·sign(β₁·m + (1 − β₁)·g): 좌표마다 정확히 lr")),
    quantities=(Label("blend", "β₁·m + (1 − β₁)·g: the blend whose sign is the step",
                      "β₁·m + (1 − β₁)·g: 부호가 곧 스텝 방향인 혼합값"),
                Label("update", "the blend's sign: ±1 in each coordinate", "혼합값의 부호: 좌표마다 ±1")),
    state_labels=(Label("exp_avg", "m: the momentum", "m: 모멘텀"),),
    params=(lr_spec(1e-4), ParamSpec("betas", [0.9, 0.99], Bilingual(
                "β₁ blends momentum and gradient for the step's sign; β₂ is the momentum's decay",
                "β₁은 스텝 부호를 정할 때 모멘텀과 기울기를 섞는 비율, β₂는 모멘텀의 감쇠율"),
                0.0, 1.0, "pair", label=Bilingual("β₁ (step), β₂ (momentum)", "β₁ (스텝), β₂ (모멘텀)")),
            weight_decay_spec(0.0, DECOUPLED_DECAY)),
    init_state=lion_init, step=lion_step, scalar_state=(),
    reference="Chen et al. (2023); lion_pytorch.Lion (lion-pytorch 0.2.5)")
