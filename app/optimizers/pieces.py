"""Pieces several update rules share, each written once in torch's order of operations against the ops layer
``o`` (see :mod:`app.optimizers.base`): the L2 penalty and the decoupled decay with their explanations, lerp,
the squared-gradient average, bias correction, sign and clamp; and the labels of the names several rules report."""
from __future__ import annotations

import numpy as np

from ..bilingual import Bilingual, Label

# labels shared by the rules that report these names (see each rule's ``terms`` and ``quantities``)
GRAD = Label("grad", "g + λ·θ: the gradient with the L2 penalty joined, as the rule uses it",
             "g + λ·θ: L2 벌점을 더한 기울기 (규칙이 실제로 쓰는 기울기)")
DECAY = Label("decay", "decoupled weight decay: how far shrinking θ moved the point", "분리된 가중치 감쇠: θ를 줄여서 점이 움직인 만큼")
BIAS_CORRECTION1 = Label("bias_correction1", "1 − β₁ᵗ: how much m still leans toward its zero start",
                         "1 − β₁ᵗ: m이 0에서 시작한 탓에 아직 0 쪽으로 치우친 정도")
BIAS_CORRECTION2 = Label("bias_correction2", "1 − β₂ᵗ: how much v still leans toward its zero start",
                         "1 − β₂ᵗ: v가 0에서 시작한 탓에 아직 0 쪽으로 치우친 정도")
STEP = Label("step", "t: the steps taken so far", "t: 지금까지 내디딘 스텝 수")
EXP_AVG = Label("exp_avg", "m: the gradient's running average (first moment)", "m: 기울기의 이동 평균 (1차 모멘트)")
EXP_AVG_SQ = Label("exp_avg_sq", "v: the squared gradient's running average (second moment)",
                   "v: 기울기 제곱의 이동 평균 (2차 모멘트)")
SQUARE_AVG = Label("square_avg", "v: the running average of squared gradients", "v: 기울기 제곱의 이동 평균")
L2_LINE = Bilingual("g ← g + λ·θ   (L2 weight decay, when λ > 0)", "g ← g + λ·θ   (λ > 0일 때 L2 가중치 감쇠)")
WEIGHT_DECAY = Label("weight_decay", "the L2 penalty's share of the step (the part λ·θ brought)",
                     "스텝 중 L2 벌점(λ·θ)이 만든 몫")


def l2_penalty(o, g, p, weight_decay):
    """torch's ``grad = grad.add(param, alpha=weight_decay)`` when ``weight_decay != 0`` (else ``g`` itself);
    explained as the quantity ``grad`` (the gradient the rule goes on with)."""
    if not active(weight_decay):
        return g
    t = o.mul(p, weight_decay, out=o.buf("grad"))
    t = o.add(t, g, out=t)
    if o.explaining:
        o.quantity("grad", t)
    return t


def decoupled_decay(o, p, lr, weight_decay):
    """AdamW's ``param.mul_(1 - lr * weight_decay)``, explained as the term ``decay``."""
    if not active(weight_decay):
        return p
    if o.explaining:
        before = o.copy(p)
    p = o.mul(p, 1 - lr * weight_decay, out=p)
    if o.explaining:
        o.term("decay", o.sub(p, before))  # exactly the change it made
    return p


def shrink(o, p, factor):
    """``param.mul_(factor)`` in place (a decoupled weight decay), explained as the term ``decay``: exactly the
    change it made to the point. (Elementwise rules write these lines out: on floats a call costs.)"""
    if o.explaining:
        before = o.copy(p)
    p = o.mul(p, factor, out=p)
    if o.explaining:
        o.term("decay", o.sub(p, before))
    return p


def explain_l2(o, name, step, weight_decay, penalty, multiplier):
    """Report ``step``, a step linear in the gradient with L2 joined (``multiplier·(g + λθ)``), as the term
    ``weight_decay`` (``multiplier·λθ``, ``penalty`` being ``λθ``) and the term ``name`` (the rest: the
    gradient's own share); without weight decay, ``step`` is all ``name``. Called only when explaining."""
    if active(weight_decay):
        share = o.mul(penalty, multiplier)
        o.term("weight_decay", share)
        o.term(name, o.sub(step, share))
    else:
        o.term(name, step)


def lerp(o, start, end, weight, out):
    """``torch.lerp(start, end, weight)`` as ATen computes it (``start + w (end - start)`` below 0.5, ``end - (end -
    start)(1 - w)`` from there, exact at both ends), into ``out``. Per-run weights take each run's branch."""
    if isinstance(weight, np.ndarray):
        low = o.add(start, weight * (end - start))
        high = o.sub(end, (end - start) * (1 - weight))
        return o.where(weight < 0.5, low, high, out=out)
    diff = o.sub(end, start, out=o.buf("tmp"))
    if weight < 0.5:
        return o.add(start, o.mul(diff, weight, out=diff), out=out)
    return o.sub(end, o.mul(diff, 1 - weight, out=diff), out=out)


def decay_square(o, average, g, decay):
    """``average.mul_(decay).addcmul_(g, g, value=1 - decay)``: the squared-gradient average of RMSprop,
    Adadelta, Adam and NAdam, in place."""
    average = o.mul(average, decay, out=average)
    t = o.mul(g, 1 - decay, out=o.buf("tmp"))
    return o.add(average, o.mul(t, g, out=t), out=average)


def bias_correction(beta, step: int):
    """``1 - beta ** step``."""
    return 1 - beta ** step


def active(v) -> bool:
    """torch's ``if weight_decay != 0`` for a float; an array of per-run values always takes the branch
    (a zero in it then adds exactly nothing)."""
    return v.__class__ is not float or v != 0.0  # validated hyperparameters are floats or arrays


def sign(o, v, out=None):
    """``torch.sign``: -1, 0 or 1 (0 for a zero)."""
    if o.kind == "float":
        return float((v > 0) - (v < 0))
    return np.sign(v, out=out)


def clamp(o, v, lo, hi, out=None):
    """``tensor.clamp_(lo, hi)``: ``min(max(v, lo), hi)``."""
    if o.kind == "float":
        return min(max(v, lo), hi)
    return np.minimum(np.maximum(v, lo, out=out), hi, out=out)
