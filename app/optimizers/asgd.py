"""Averaged SGD: plain SGD with a decaying step, plus a running average of the iterates from step ``t0``
on (``torch.optim.ASGD``).

.. math::
    \\theta_t = (1 - \\lambda\\eta_{t-1})\\,\\theta_{t-1} - \\eta_{t-1} g_t, \\quad
    \\bar\\theta_t = \\bar\\theta_{t-1} + \\mu_{t-1}(\\theta_t - \\bar\\theta_{t-1}), \\quad
    \\eta_t = \\frac{\\gamma}{(1 + \\lambda\\gamma t)^\\alpha}, \\quad \\mu_t = \\frac{1}{\\max(1, t - t_0)}

The trajectory is the SGD iterate ``θ``; the average ``ax`` (state) is what Polyak–Juditsky averaging
would report, and until ``t0`` it simply equals the iterate.
Reference: Polyak & Juditsky (1992); torch/optim/asgd.py, ``_single_tensor_asgd``.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ..bilingual import Bilingual, Label
from .base import OptimizerDef
from .params import ParamSpec, lr_spec, weight_decay_spec
from .pieces import GRAD, STEP, WEIGHT_DECAY, explain_l2, l2_penalty


def asgd_init(o, p, hp) -> SimpleNamespace:
    return SimpleNamespace(step=0, eta=hp.lr, mu=1.0, ax=o.zeros(p))


def asgd_step(o, s, p, g, hp, lr):
    s.step += 1
    step = float(s.step)
    g = l2_penalty(o, g, p, hp.weight_decay)
    if o.explaining:
        o.quantity("eta", s.eta)
        o.quantity("mu", s.mu)
        penalty = o.mul(p, hp.weight_decay)
        before = o.copy(p)
    p = o.mul(p, 1 - hp.lambd * s.eta, out=p)  # decay term
    t = o.mul(g, -s.eta, out=o.buf("step"))
    if o.explaining:
        o.term("decay", o.sub(p, before))
        explain_l2(o, "gradient", t, hp.weight_decay, penalty, -s.eta)
    p = o.add(p, t, out=p)
    if isinstance(s.mu, np.ndarray):  # runs that differ in t0: each its own branch
        moved = o.add(s.ax, (p - s.ax) * s.mu)
        s.ax = o.where(s.mu != 1, moved, p, out=s.ax)
    elif s.mu != 1:
        d = o.sub(p, s.ax, out=o.buf("average"))
        s.ax = o.add(s.ax, o.mul(d, s.mu, out=d), out=s.ax)
    else:
        s.ax = o.copy(p, out=s.ax)
    s.eta = lr / ((1 + hp.lambd * lr * step) ** hp.alpha)
    s.mu = 1 / _max1(step - hp.t0)
    return p


def _max1(v):
    return np.maximum(1.0, v) if isinstance(v, np.ndarray) else max(1, v)


ASGD = OptimizerDef(
    id="asgd", names=Bilingual("ASGD", "ASGD"), torch_equivalent="torch.optim.ASGD",
    descriptions=Bilingual(
        "Averaged SGD: SGD with a slowly decaying step size; from step t0 on it also keeps the running average of "
        "the iterates (the state's ax), which converges faster in noisy problems.",
        "평균 SGD: 천천히 줄어드는 보폭의 SGD이며, t0 스텝부터 반복점들의 이동 평균(상태 ax)도 함께 유지합니다. 잡음이 "
        "있는 문제에서 평균이 더 빨리 수렴합니다."),
    update_latex=r"\theta_t = (1-\lambda\eta_{t-1})\theta_{t-1} - \eta_{t-1} g_t,\ \bar\theta_t = \bar\theta_{t-1} "
                 r"+ \mu_{t-1}(\theta_t - \bar\theta_{t-1}),\ \eta_t = \frac{\gamma}{(1+\lambda\gamma t)^\alpha},\ "
                 r"\mu_t = \frac{1}{\max(1, t - t_0)}",
    rule_text=Bilingual(
        "g ← g + weight_decay·θ   (L2 weight decay, when weight_decay > 0)\n"
        "θ ← θ·(1 − λ·η) − η·g\n"
        "ax ← ax + μ·(θ − ax)   (the running average of the iterates)\n"
        "η ← lr / (1 + λ·lr·t)^α,  μ ← 1 / max(1, t − t0)",
        "g ← g + weight_decay·θ   (weight_decay > 0일 때 L2 가중치 감쇠)\n"
        "θ ← θ·(1 − λ·η) − η·g\n"
        "ax ← ax + μ·(θ − ax)   (반복점들의 이동 평균)\n"
        "η ← lr / (1 + λ·lr·t)^α,  μ ← 1 / max(1, t − t0)"),
    terms=(Label("decay", "−λ·η·θ: the decay term λ shrinks θ", "−λ·η·θ: 감쇠 항 λ가 θ를 줄인 만큼"),
           Label("gradient", "−η·g: the SGD step", "−η·g: SGD 스텝"), WEIGHT_DECAY),
    quantities=(Label("eta", "η: this step's step size, lr / (1 + λ·lr·(t − 1))^α",
                      "η: 이번 스텝의 보폭, lr / (1 + λ·lr·(t − 1))^α"),
                Label("mu", "μ: the weight of the new point in the running average ax (1 before t0)",
                      "μ: 이동 평균 ax에서 새 점의 가중치 (t0 전에는 1)"),
                GRAD),
    state_labels=(STEP, Label("eta", "η: the next step's step size", "η: 다음 스텝의 보폭"),
                  Label("mu", "μ: the next point's weight in the average ax", "μ: 다음 점이 평균 ax에서 갖는 가중치"),
                  Label("ax", "ax: the running average of the iterates", "ax: 반복점들의 이동 평균")),
    params=(lr_spec(0.01),
            ParamSpec("lambd", 1e-4, Bilingual("decay term λ: θ shrinks by λ·η each step, and the step size η decays "
                                               "with it", "감쇠 항 λ: 매 스텝 θ를 λ·η만큼 줄이고, 보폭 η도 λ에 따라 "
                                               "줄어듭니다"),
                      0.0, 10.0, "log", slider=(1e-6, 1.0), label=Bilingual("decay λ", "감쇠 λ")),
            ParamSpec("alpha", 0.75, Bilingual("power α of the step size's decay η = lr / (1 + λ·lr·t)^α",
                                               "보폭 감소 η = lr / (1 + λ·lr·t)^α의 지수 α"),
                      0.0, 10.0, "linear", slider=(0.0, 2.0), label=Bilingual("power α", "지수 α")),
            ParamSpec("t0", 1e6, Bilingual("the step at which averaging starts", "평균을 내기 시작하는 스텝"),
                      0.0, 1e9, "linear", slider=(0.0, 1000.0), label=Bilingual("averaging start t0", "평균 시작 t0")),
            weight_decay_spec()),
    init_state=asgd_init, step=asgd_step, scalar_state=("step", "eta", "mu"),
    reference="Polyak & Juditsky (1992); torch/optim/asgd.py")
