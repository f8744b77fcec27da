"""Schedule-Free AdamW: no learning-rate schedule; instead the gradient is taken at an interpolation ``y``
between a plain AdamW-like iterate ``z`` and the running average ``x`` of the ``z``'s
(``schedulefree.AdamWScheduleFree``).

.. math::
    c_{t} = \\frac{w_t}{\\sum_{i \\le t} w_i},\\ w_t = t^r \\gamma_{\\max}^{p}, \\quad
    y_t = (1 - c_t)\\,y_{t-1} + c_t z_{t-1} + \\gamma_t(\\beta_1(1-c_t) - 1)\\,\\hat g_t, \\quad
    z_t = z_{t-1} - \\gamma_t \\hat g_t

with ``ĝ = g / (sqrt(v/(1-β2^t)) + ε) + λ y`` and ``γ_t`` the lr times a linear warm-up over
``warmup_steps``. The trajectory is ``y`` (the train-mode parameters, where gradients are taken); the
average ``x`` that ``optimizer.eval()`` would give (``y`` moved toward ``z`` by ``1 - 1/β1``) is returned per
step as ``averaged`` and drawn as a second, thinner path.
Reference: Defazio et al. (2024), "The Road Less Scheduled"; schedulefree 1.4, ``AdamWScheduleFree.step``
(its per-parameter branch), whose order of operations this follows.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ..bilingual import Bilingual, Label
from .base import OptimizerDef
from .params import ParamSpec, betas_spec, eps_spec, lr_spec, weight_decay_spec
from .pieces import EXP_AVG_SQ, WEIGHT_DECAY, active, explain_l2, lerp


def schedulefree_init(o, p, hp) -> SimpleNamespace:
    return SimpleNamespace(z=o.copy(p), exp_avg_sq=o.zeros(p), k=0, weight_sum=0.0, lr_max=-1.0, scheduled_lr=0.0)


def schedulefree_step(o, s, p, g, hp, lr):
    k = s.k
    if isinstance(hp.warmup_steps, np.ndarray):  # runs that differ in warm-up
        sched = np.where(k < hp.warmup_steps, (k + 1) / np.maximum(hp.warmup_steps, 1), 1.0)
    else:
        sched = (k + 1) / hp.warmup_steps if k < hp.warmup_steps else 1.0
    bias_correction2 = 1 - hp.beta2 ** (k + 1)
    lr = lr * sched
    s.scheduled_lr = lr
    s.lr_max = lr_max = (np.maximum(lr, s.lr_max) if isinstance(lr, np.ndarray) or isinstance(s.lr_max, np.ndarray)
                         else max(lr, s.lr_max))
    weight = ((k + 1) ** hp.r) * (lr_max ** hp.weight_lr_power)
    s.weight_sum = weight_sum = s.weight_sum + weight
    if isinstance(weight_sum, np.ndarray):
        with np.errstate(divide="ignore", invalid="ignore"):
            ckp1 = np.where(weight_sum == 0, 0.0, weight / weight_sum)
    else:
        ckp1 = weight / weight_sum if weight_sum != 0 else 0
    y, z = p, s.z
    t = o.mul(g, 1 - hp.beta2, out=o.buf("square"))
    s.exp_avg_sq = o.mul(s.exp_avg_sq, hp.beta2, out=s.exp_avg_sq)
    s.exp_avg_sq = o.add(s.exp_avg_sq, o.mul(t, g, out=t), out=s.exp_avg_sq)
    denom = o.div(s.exp_avg_sq, bias_correction2, out=o.buf("denom"))
    denom = o.add(o.sqrt(denom, out=denom), hp.eps, out=denom)
    normalized = o.div(g, denom, out=o.buf("normalized"))
    if active(hp.weight_decay):
        normalized = o.add(normalized, o.mul(y, hp.weight_decay, out=o.buf("decay")), out=normalized)
    if o.explaining:
        before = o.copy(y)
        penalty = o.mul(before, hp.weight_decay)
    y = lerp(o, y, z, ckp1, out=y)
    coefficient = lr * (hp.beta1 * (1 - ckp1) - 1)
    t = o.mul(normalized, coefficient, out=o.buf("step"))
    if o.explaining:
        o.quantity("sched", sched)
        o.quantity("lr", lr)
        o.quantity("bias_correction2", bias_correction2)
        o.quantity("weight", weight)
        o.quantity("ckp1", ckp1)
        o.quantity("denom", denom)
        o.quantity("effective_lr", o.div(-coefficient, denom))
        o.term("interpolation", o.sub(y, before))  # y moved toward z by ckp1: the change lerp made
        explain_l2(o, "gradient", t, hp.weight_decay, penalty, coefficient)
    y = o.add(y, t, out=y)
    s.z = o.sub(z, o.mul(normalized, lr, out=o.buf("step")), out=z)
    s.k = k + 1
    if hasattr(o, "emit"):  # the engine records it per step; a bare ops layer (tests) has nowhere to put it
        o.emit("averaged", lerp(o, y, s.z, 1 - 1 / hp.beta1, out=o.buf("averaged")).copy())
    return y


SCHEDULE_FREE_ADAMW = OptimizerDef(
    id="schedule_free_adamw", names=Bilingual("Schedule-Free AdamW", "Schedule-Free AdamW"), torch_equivalent="",
    descriptions=Bilingual(
        "AdamW without a learning-rate schedule: gradients are taken between a fast iterate and its running average, "
        "and the average (thin path) is the answer; no decay schedule to tune.",
        "학습률 스케줄이 없는 AdamW: 빠른 반복점과 그 이동 평균 사이에서 기울기를 구하고, 평균(가는 경로)이 답입니다. "
        "조정할 감쇠 스케줄이 없습니다."),
    update_latex=r"y_t = (1-c_t)y_{t-1} + c_t z_{t-1} + \gamma(\beta_1(1-c_t) - 1)\hat g_t,\ z_t = z_{t-1} - "
                 r"\gamma\hat g_t,\ x_t = y_t + (1 - 1/\beta_1)(z_t - y_t)",
    rule_text=Bilingual(
        "γ = lr·min(1, t / warmup_steps)\n"
        "v ← β₂·v + (1 − β₂)·g²,  ĝ = g / (√(v / (1 − β₂ᵗ)) + ε) + λ·y\n"
        "w = t^r·γ_max^p,  c = w / Σw\n"
        "y ← (1 − c)·y + c·z + γ·(β₁·(1 − c) − 1)·ĝ   (the point where gradients are taken)\n"
        "z ← z − γ·ĝ\n"
        "x = y + (1 − 1/β₁)·(z − y)   (the average: the answer, drawn thin)",
        "γ = lr·min(1, t / warmup_steps)\n"
        "v ← β₂·v + (1 − β₂)·g²,  ĝ = g / (√(v / (1 − β₂ᵗ)) + ε) + λ·y\n"
        "w = t^r·γ_max^p,  c = w / Σw\n"
        "y ← (1 − c)·y + c·z + γ·(β₁·(1 − c) − 1)·ĝ   (기울기를 구하는 점)\n"
        "z ← z − γ·ĝ\n"
        "x = y + (1 − 1/β₁)·(z − y)   (평균: 답, 가는 선으로 그림)"),
    terms=(Label("interpolation", "(1 − c)·y + c·z − y: y pulled toward z", "(1 − c)·y + c·z − y: y가 z 쪽으로 끌려간 만큼"),
           Label("gradient", "γ·(β₁·(1 − c) − 1) · g / denom: the gradient step",
                 "γ·(β₁·(1 − c) − 1) · g / denom: 기울기 스텝"),
           WEIGHT_DECAY),
    quantities=(Label("sched", "the warm-up factor: t / warmup_steps, then 1", "워밍업 배율: t / warmup_steps, 이후 1"),
                Label("lr", "γ: this step's learning rate after the warm-up", "γ: 워밍업을 적용한 이번 스텝의 학습률"),
                Label("bias_correction2", "1 − β₂ᵗ: how much v still leans toward its zero start",
                      "1 − β₂ᵗ: v가 0에서 시작한 탓에 아직 0 쪽으로 치우친 정도"),
                Label("weight", "w = t^r·γ_max^p: this step's weight in the average",
                      "w = t^r·γ_max^p: 평균에서 이번 스텝의 가중치"),
                Label("ckp1", "c = w / Σw: how far y is pulled toward z", "c = w / Σw: y가 z 쪽으로 끌려가는 비율"),
                Label("denom", "√(v / (1 − β₂ᵗ)) + ε: each coordinate's divisor", "√(v / (1 − β₂ᵗ)) + ε: 좌표별 분모"),
                Label("effective_lr", "γ·(1 − β₁·(1 − c)) / denom: the learning rate each coordinate's gradient gets",
                      "γ·(1 − β₁·(1 − c)) / denom: 좌표마다 기울기에 적용되는 학습률")),
    state_labels=(Label("z", "z: the base iterate, moved by plain AdamW-like steps", "z: AdamW식 스텝으로 움직이는 기본 반복점"),
                  EXP_AVG_SQ, Label("k", "steps taken so far", "지금까지 내디딘 스텝 수"),
                  Label("weight_sum", "Σw: the sum of the averaging weights", "Σw: 평균 가중치의 합"),
                  Label("lr_max", "the largest learning rate so far", "지금까지 가장 큰 학습률"),
                  Label("scheduled_lr", "γ: the learning rate after the warm-up", "γ: 워밍업을 적용한 학습률")),
    params=(lr_spec(0.0025), betas_spec(), eps_spec(1e-8),
            weight_decay_spec(0.0, Bilingual("weight decay λ: λ·y joins the normalised gradient ĝ",
                                             "가중치 감쇠 λ: 정규화된 기울기 ĝ에 λ·y를 더합니다")),
            ParamSpec("warmup_steps", 0, Bilingual("steps of linear learning-rate warm-up",
                                                   "학습률을 선형으로 올리는 워밍업 스텝 수"),
                      0.0, 100000.0, "int", slider=(0.0, 200.0), label=Bilingual("warm-up steps", "워밍업 스텝")),
            ParamSpec("r", 0.0, Bilingual("power r of t in the averaging weights w = t^r·lr_max^p",
                                          "평균 가중치 w = t^r·lr_max^p에서 t의 지수 r"),
                      0.0, 10.0, "linear", slider=(0.0, 2.0), label=Bilingual("weight power r", "가중치 지수 r")),
            ParamSpec("weight_lr_power", 2.0, Bilingual("power p of the largest lr so far in the averaging weights",
                                                        "평균 가중치에서 지금까지 가장 큰 lr의 지수 p"),
                      0.0, 10.0, "linear", slider=(0.0, 4.0), label=Bilingual("lr power p", "학습률 지수 p"))),
    init_state=schedulefree_init, step=schedulefree_step, needs=("emit",), emits={"averaged": "vector"},
    scalar_state=("k", "weight_sum", "lr_max", "scheduled_lr"),
    reference="Defazio et al. (2024); schedulefree.AdamWScheduleFree (schedulefree 1.4.1)")
