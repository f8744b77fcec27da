"""Per-coordinate adaptive step sizes: Adagrad, RMSprop, Adadelta (``torch.optim``).

Each follows its ``_single_tensor_*`` function in torch/optim line by line:
weight decay enters the gradient first, ``eps`` is added after the square root
(inside it for Adadelta), and ``addcmul``/``addcdiv`` keep torch's operand order.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ..bilingual import Bilingual, Label, lines
from .base import OptimizerDef
from .params import ParamSpec, eps_spec, flag, lr_spec, weight_decay_spec
from .pieces import GRAD, L2_LINE, SQUARE_AVG, STEP, WEIGHT_DECAY, decay_square, explain_l2, l2_penalty, lerp


# --- Adagrad ---------------------------------------------------------------------
def adagrad_init(o, p, hp) -> SimpleNamespace:
    return SimpleNamespace(step=0, sum=o.full(p, hp.initial_accumulator_value))


def adagrad_step(o, s, p, g, hp, lr):
    """clr = lr / (1 + (t-1) lr_decay); G += g^2; θ -= clr g / (sqrt(G) + eps)."""
    s.step += 1
    g = l2_penalty(o, g, p, hp.weight_decay)
    clr = lr / (1 + (s.step - 1) * hp.lr_decay)
    t = o.mul(g, g, out=o.buf("tmp"))  # addcmul_(grad, grad, value=1): 1 * g * g is g * g exactly
    s.sum = o.add(s.sum, t, out=s.sum)
    std = o.sqrt(s.sum, out=o.buf("denom"))
    std = o.add(std, hp.eps, out=std)
    t = o.mul(g, -clr, out=o.buf("tmp"))
    t = o.div(t, std, out=t)
    if o.explaining:
        o.quantity("clr", clr)
        o.quantity("std", std)
        o.quantity("effective_lr", o.div(clr, std))
        explain_l2(o, "gradient", t, hp.weight_decay, o.mul(p, hp.weight_decay), o.div(-clr, std))
    return o.add(p, t, out=p)


ADAGRAD = OptimizerDef(
    id="adagrad", names=Bilingual("Adagrad", "Adagrad"), torch_equivalent="torch.optim.Adagrad",
    descriptions=Bilingual(
        "Divides each coordinate's step by the root of its summed squared gradients: steep directions slow down at "
        "once, and every step keeps shrinking as the sum grows.",
        "각 좌표의 보폭을 지금까지 기울기 제곱합의 제곱근으로 나눕니다: 가파른 방향은 바로 느려지고, 합이 커질수록 모든 "
        "보폭이 계속 줄어듭니다."),
    update_latex=r"G_t = G_{t-1} + g_t^2,\quad \theta_t = \theta_{t-1} - \frac{\gamma}{1 + (t-1)\eta}\,"
                 r"\frac{g_t}{\sqrt{G_t} + \epsilon}",
    rule_text=lines(L2_LINE, Bilingual("clr = lr / (1 + (t − 1)·lr_decay)\nG ← G + g²   (the sum of squared gradients)\n"
                             "θ ← θ − clr · g / (√G + ε)",
                             "clr = lr / (1 + (t − 1)·lr_decay)\nG ← G + g²   (기울기 제곱의 합)\n"
                             "θ ← θ − clr · g / (√G + ε)")),
    terms=(Label("gradient", "−clr · g / (√G + ε): the step, smaller where gradients have been large",
                 "−clr · g / (√G + ε): 지금까지 기울기가 컸던 좌표일수록 작아지는 스텝"), WEIGHT_DECAY),
    quantities=(Label("clr", "lr / (1 + (t − 1)·lr_decay): the decayed learning rate",
                      "lr / (1 + (t − 1)·lr_decay): 감소된 학습률"),
                Label("std", "√G + ε: each coordinate's divisor, the root of its summed squared gradients",
                      "√G + ε: 좌표별 분모, 기울기 제곱합의 제곱근"),
                Label("effective_lr", "clr / (√G + ε): the learning rate each coordinate really gets",
                      "clr / (√G + ε): 좌표마다 실제로 적용되는 학습률"),
                GRAD),
    state_labels=(STEP, Label("sum", "G: the sum of squared gradients", "G: 기울기 제곱의 합")),
    params=(lr_spec(0.01),
            ParamSpec("lr_decay", 0.0, Bilingual("learning-rate decay: step t uses lr / (1 + (t − 1)·lr_decay)",
                                                 "학습률 감소: 스텝 t는 lr / (1 + (t − 1)·lr_decay)를 씁니다"),
                      0.0, 10.0, "linear", slider=(0.0, 1.0), label=Bilingual("lr decay", "학습률 감소")),
            weight_decay_spec(),
            ParamSpec("initial_accumulator_value", 0.0, Bilingual("G₀: the starting value of the sum of squared "
                                                                  "gradients",
                                                                  "G₀: 기울기 제곱합의 시작값"),
                      0.0, 1000.0, "linear", slider=(0.0, 10.0), label=Bilingual("initial sum G₀", "초기 누적값 G₀")),
            eps_spec(1e-10)),
    init_state=adagrad_init, step=adagrad_step,
    reference="Duchi, Hazan & Singer (2011); torch/optim/adagrad.py")


# --- RMSprop ---------------------------------------------------------------------
def rmsprop_init(o, p, hp) -> SimpleNamespace:
    return SimpleNamespace(step=0, square_avg=o.zeros(p), momentum_buffer=o.zeros(p),
                           grad_avg=o.zeros(p) if hp.centered else None)


def rmsprop_names(hp: dict) -> tuple[str, ...]:
    """What torch keeps: a momentum buffer only with momentum, the gradient average only when centered."""
    return ("step", "square_avg") + (("momentum_buffer",) if hp["momentum"] > 0 else ()) + \
        (("grad_avg",) if hp["centered"] else ())


def rmsprop_step(o, s, p, g, hp, lr):
    """v = α v + (1-α) g²; centered subtracts the squared mean gradient; θ -= lr g / (sqrt(v) + eps)."""
    s.step += 1
    g = l2_penalty(o, g, p, hp.weight_decay)
    s.square_avg = decay_square(o, s.square_avg, g, hp.alpha)
    if hp.centered:
        s.grad_avg = lerp(o, s.grad_avg, g, 1 - hp.alpha, out=s.grad_avg)
        t = o.mul(s.grad_avg, s.grad_avg, out=o.buf("denom"))  # addcmul(grad_avg, grad_avg, value=-1)
        avg = o.sqrt(o.sub(s.square_avg, t, out=t), out=t)
    else:
        avg = o.sqrt(s.square_avg, out=o.buf("denom"))
    avg = o.add(avg, hp.eps, out=avg)
    runs = _with_momentum(hp.momentum)
    if runs is not False:
        buf = s.momentum_buffer = o.mul(s.momentum_buffer, hp.momentum, out=s.momentum_buffer)
        if o.explaining:
            carried = o.mul(buf, -lr)  # the momentum carried over: -lr·μ·b
        buf = s.momentum_buffer = o.add(buf, o.div(g, avg, out=o.buf("tmp")), out=buf)
        t = o.mul(buf, -lr, out=o.buf("tmp"))
    if runs is not True:  # no momentum (for some runs of a sweep): param.addcdiv_(grad, avg, value=-lr)
        plain = o.div(o.mul(g, -lr, out=o.buf("plain")), avg, out=o.buf("plain"))
        t = plain if runs is False else o.where(runs, t, plain, out=t)
    if o.explaining:
        o.quantity("avg", avg)
        o.quantity("effective_lr", o.div(lr, avg))
        rest = t
        if runs is not False:
            velocity = carried if runs is True else o.where(runs, carried, 0.0)
            o.term("velocity", velocity)
            rest = o.sub(t, velocity)
        explain_l2(o, "gradient", rest, hp.weight_decay, o.mul(p, hp.weight_decay), o.div(-lr, avg))
    return o.add(p, t, out=p)


def _with_momentum(v):
    """torch's ``if momentum > 0``: a bool for a float; for per-run values (a sweep) True or False when every
    run agrees, else the boolean array of the runs that have momentum."""
    if not isinstance(v, np.ndarray):
        return v > 0
    runs = v > 0
    return True if runs.all() else False if not runs.any() else runs


RMSPROP = OptimizerDef(
    id="rmsprop", names=Bilingual("RMSprop", "RMSprop"), torch_equivalent="torch.optim.RMSprop",
    descriptions=Bilingual(
        "Like Adagrad, but with an exponential moving average of squared gradients, so steps stop shrinking: the "
        "denominator forgets old gradients.",
        "Adagrad와 같지만 기울기 제곱의 지수 이동 평균을 써서 보폭이 계속 줄어들지 않습니다: 분모가 오래된 기울기를 "
        "잊습니다."),
    update_latex=r"v_t = \alpha v_{t-1} + (1-\alpha)\,g_t^2,\quad \theta_t = \theta_{t-1} - \gamma\,"
                 r"\frac{g_t}{\sqrt{v_t} + \epsilon}",
    rule_text=lines(L2_LINE, Bilingual(
        "v ← α·v + (1 − α)·g²\n"
        "avg = √v + ε   (centered: ḡ ← α·ḡ + (1 − α)·g, avg = √(v − ḡ²) + ε)\n"
        "θ ← θ − lr · g / avg   (momentum > 0: b ← μ·b + g / avg, θ ← θ − lr·b)",
        "v ← α·v + (1 − α)·g²\n"
        "avg = √v + ε   (중심화: ḡ ← α·ḡ + (1 − α)·g, avg = √(v − ḡ²) + ε)\n"
        "θ ← θ − lr · g / avg   (momentum > 0: b ← μ·b + g / avg, θ ← θ − lr·b)")),
    terms=(Label("gradient", "−lr · g / avg: this step's gradient, scaled per coordinate",
                 "−lr · g / avg: 좌표별로 크기를 맞춘 이번 스텝의 기울기"),
           Label("velocity", "−lr·μ·b: the momentum carried over from earlier steps",
                 "−lr·μ·b: 이전 스텝들에서 이어받은 모멘텀"),
           WEIGHT_DECAY),
    quantities=(Label("avg", "√v + ε (centered: √(v − ḡ²) + ε): each coordinate's divisor",
                      "√v + ε (중심화: √(v − ḡ²) + ε): 좌표별 분모"),
                Label("effective_lr", "lr / avg: the learning rate each coordinate's gradient gets",
                      "lr / avg: 좌표마다 기울기에 적용되는 학습률"),
                GRAD),
    state_labels=(STEP, SQUARE_AVG,
                  Label("momentum_buffer", "b: the momentum of the scaled steps (momentum > 0)",
                        "b: 크기를 맞춘 스텝의 모멘텀 (momentum > 0일 때)"),
                  Label("grad_avg", "ḡ: the average gradient (centered)", "ḡ: 기울기의 평균 (중심화)")),
    params=(lr_spec(0.01),
            ParamSpec("alpha", 0.99, Bilingual("α: how slowly the average of squared gradients v forgets",
                                               "α: 기울기 제곱의 평균 v가 과거를 얼마나 천천히 잊는지"),
                      0.0, 1.0, "linear", slider=(0.5, 0.999), label=Bilingual("smoothing α", "평활 상수 α")),
            eps_spec(1e-8), weight_decay_spec(),
            ParamSpec("momentum", 0.0, Bilingual("momentum factor μ of the scaled step (0: no momentum)",
                                                 "크기를 맞춘 스텝의 모멘텀 계수 μ (0이면 모멘텀 없음)"),
                      0.0, 1.0, "linear", slider=(0.0, 0.999), label=Bilingual("momentum μ", "모멘텀 μ")),
            flag("centered", False, Bilingual("divide by the gradient's standard deviation: subtract the squared "
                                              "average gradient ḡ² from v",
                                              "기울기의 표준편차로 나눔: v에서 평균 기울기의 제곱 ḡ²을 뺍니다"),
                 Bilingual("centered", "중심화"))),
    init_state=rmsprop_init, step=rmsprop_step, state_names=rmsprop_names,
    reference="Hinton, Coursera lecture 6e (2012); torch/optim/rmsprop.py")


# --- Adadelta --------------------------------------------------------------------
def adadelta_init(o, p, hp) -> SimpleNamespace:
    return SimpleNamespace(step=0, square_avg=o.zeros(p), acc_delta=o.zeros(p))


def adadelta_step(o, s, p, g, hp, lr):
    """Δ = sqrt(u + eps) / sqrt(v + eps) · g: the ratio of two running averages sets the step's units."""
    s.step += 1
    g = l2_penalty(o, g, p, hp.weight_decay)
    s.square_avg = decay_square(o, s.square_avg, g, hp.rho)
    std = o.sqrt(o.add(s.square_avg, hp.eps, out=o.buf("denom")), out=o.buf("denom"))
    delta = o.sqrt(o.add(s.acc_delta, hp.eps, out=o.buf("delta")), out=o.buf("delta"))
    delta = o.div(delta, std, out=delta)
    if o.explaining:
        ratio = o.copy(delta)  # √(u + ε) / √(v + ε)
    delta = o.mul(delta, g, out=delta)
    if o.explaining:
        o.quantity("std", std)
        o.quantity("delta", delta)
        o.quantity("effective_lr", o.mul(ratio, lr))
    s.acc_delta = decay_square(o, s.acc_delta, delta, hp.rho)
    t = o.mul(delta, -lr, out=delta)
    if o.explaining:
        explain_l2(o, "gradient", t, hp.weight_decay, o.mul(p, hp.weight_decay), o.mul(ratio, -lr))
    return o.add(p, t, out=p)


ADADELTA = OptimizerDef(
    id="adadelta", names=Bilingual("Adadelta", "Adadelta"), torch_equivalent="torch.optim.Adadelta",
    descriptions=Bilingual(
        "Scales each step by the ratio of the running RMS of past steps to that of gradients, so it needs no "
        "learning rate (torch keeps lr = 1 as a multiplier).",
        "지난 스텝의 RMS와 기울기의 RMS의 비로 보폭을 정하므로 학습률이 필요 없습니다 (torch는 lr = 1을 곱하는 값으로 "
        "둡니다)."),
    update_latex=r"v_t = \rho v_{t-1} + (1-\rho) g_t^2,\ \Delta_t = \frac{\sqrt{u_{t-1}+\epsilon}}{\sqrt{v_t+\epsilon}}"
                 r"g_t,\ u_t = \rho u_{t-1} + (1-\rho)\Delta_t^2,\ \theta_t = \theta_{t-1} - \gamma\Delta_t",
    rule_text=lines(L2_LINE, Bilingual("v ← ρ·v + (1 − ρ)·g²\nΔ = √(u + ε) / √(v + ε) · g\n"
                             "u ← ρ·u + (1 − ρ)·Δ²   (the average of squared steps)\nθ ← θ − lr·Δ",
                             "v ← ρ·v + (1 − ρ)·g²\nΔ = √(u + ε) / √(v + ε) · g\n"
                             "u ← ρ·u + (1 − ρ)·Δ²   (스텝 제곱의 평균)\nθ ← θ − lr·Δ")),
    terms=(Label("gradient", "−lr·√(u + ε) / √(v + ε) · g: the step, in the units of past steps",
                 "−lr·√(u + ε) / √(v + ε) · g: 지난 스텝들의 크기에 맞춘 스텝"), WEIGHT_DECAY),
    quantities=(Label("std", "√(v + ε): the gradients' root mean square", "√(v + ε): 기울기의 제곱평균제곱근"),
                Label("delta", "Δ = √(u + ε) / √(v + ε) · g: the step before lr",
                      "Δ = √(u + ε) / √(v + ε) · g: lr을 곱하기 전의 스텝"),
                Label("effective_lr", "lr·√(u + ε) / √(v + ε): the learning rate each coordinate's gradient gets",
                      "lr·√(u + ε) / √(v + ε): 좌표마다 기울기에 적용되는 학습률"),
                GRAD),
    state_labels=(STEP, SQUARE_AVG, Label("acc_delta", "u: the average of squared steps", "u: 스텝 제곱의 평균")),
    params=(lr_spec(1.0), ParamSpec("rho", 0.9, Bilingual("ρ: how slowly both running averages (of g² and of Δ²) "
                                                          "forget",
                                                          "ρ: 두 이동 평균(g²과 Δ²)이 과거를 얼마나 천천히 잊는지"),
                                    0.0, 1.0, "linear", slider=(0.5, 0.999), label=Bilingual("decay ρ", "감쇠율 ρ")),
            eps_spec(1e-6), weight_decay_spec()),
    init_state=adadelta_init, step=adadelta_step,
    reference="Zeiler (2012); torch/optim/adadelta.py")
