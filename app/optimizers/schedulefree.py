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

from .base import OptimizerDef, ParamSpec, active, betas_spec, eps_spec, lerp, lr_spec, weight_decay_spec


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
    y = lerp(o, y, z, ckp1, out=y)
    y = o.add(y, o.mul(normalized, lr * (hp.beta1 * (1 - ckp1) - 1), out=o.buf("step")), out=y)
    s.z = o.sub(z, o.mul(normalized, lr, out=o.buf("step")), out=z)
    s.k = k + 1
    if hasattr(o, "emit"):  # the engine records it per step; a bare ops layer (tests) has nowhere to put it
        o.emit("averaged", lerp(o, y, s.z, 1 - 1 / hp.beta1, out=o.buf("averaged")).copy())
    return y


SCHEDULE_FREE_ADAMW = OptimizerDef(
    id="schedule_free_adamw", name="Schedule-Free AdamW", torch_equivalent="",
    description="AdamW without a learning-rate schedule: gradients are taken between a fast iterate and its "
                "running average, and the average (thin path) is the answer; no decay schedule to tune.",
    description_ko="학습률 스케줄이 없는 AdamW: 빠른 반복점과 그 이동 평균 사이에서 기울기를 구하고, 평균(가는 "
                   "경로)이 답입니다. 조정할 감쇠 스케줄이 없습니다.",
    update_latex=r"y_t = (1-c_t)y_{t-1} + c_t z_{t-1} + \gamma(\beta_1(1-c_t) - 1)\hat g_t,\ z_t = z_{t-1} - "
                 r"\gamma\hat g_t,\ x_t = y_t + (1 - 1/\beta_1)(z_t - y_t)",
    params=(lr_spec(0.0025), betas_spec(), eps_spec(1e-8), weight_decay_spec(),
            ParamSpec("warmup_steps", 0, "steps of linear learning-rate warm-up", 0.0, 100000.0, "int",
                      slider=(0.0, 200.0)),
            ParamSpec("r", 0.0, "power of t in the averaging weights w_t = t^r lr_max^p", 0.0, 10.0, "linear",
                      slider=(0.0, 2.0)),
            ParamSpec("weight_lr_power", 2.0, "power p of the largest lr so far in the averaging weights", 0.0, 10.0,
                      "linear", slider=(0.0, 4.0))),
    init_state=schedulefree_init, step=schedulefree_step, needs=("emit",), emits={"averaged": "vector"},
    scalar_state=("k", "weight_sum", "lr_max", "scheduled_lr"),
    reference="Defazio et al. (2024); schedulefree.AdamWScheduleFree (schedulefree 1.4.1)")
