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

from .base import OptimizerDef, ParamSpec, lr_spec, sign, weight_decay_spec


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
    id="lion", name="Lion", torch_equivalent="", family="modern",
    description="Sign momentum found by program search: each coordinate moves by exactly lr in the direction "
                "of the sign of a blend of momentum and gradient; use a lr 3-10x smaller than Adam's.",
    description_ko="프로그램 탐색으로 찾은 부호 모멘텀: 모멘텀과 기울기를 섞은 값의 부호 방향으로 좌표마다 정확히 "
                   "lr만큼 움직입니다. Adam보다 3~10배 작은 lr을 씁니다.",
    update_latex=r"\theta_t = (1-\gamma\lambda)\theta_{t-1} - \gamma\,\mathrm{sign}(\beta_1 m_{t-1} + (1-\beta_1) g_t),"
                 r"\ m_t = \beta_2 m_{t-1} + (1-\beta_2) g_t",
    params=(lr_spec(1e-4), ParamSpec("betas", [0.9, 0.99], "β1 blends momentum and gradient for the step's sign; "
                                     "β2 decays the momentum", 0.0, 1.0, "pair"),
            weight_decay_spec()),
    init_state=lion_init, step=lion_step, scalar_state=(),
    reference="Chen et al. (2023); lion_pytorch.Lion (lion-pytorch 0.2.5)")
