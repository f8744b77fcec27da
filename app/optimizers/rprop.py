"""Rprop: each coordinate keeps its own step size, grown while the gradient keeps its sign and shrunk when
it flips; only the gradient's sign is used (``torch.optim.Rprop``).

.. math::
    \\eta_t = \\begin{cases} \\eta_+ & g_t g_{t-1} > 0 \\\\ \\eta_- & g_t g_{t-1} < 0 \\\\ 1 & \\text{else}
    \\end{cases}, \\quad
    \\Delta_t = \\mathrm{clamp}(\\eta_t \\Delta_{t-1}, \\Delta_{\\min}, \\Delta_{\\max}), \\quad
    \\theta_t = \\theta_{t-1} - \\mathrm{sign}(g_t)\\,\\Delta_t

After a sign flip the gradient is taken as zero for that step (no move, and the next step does not shrink
again). ``lr`` is only the first step size: a schedule does not change Rprop's steps (as in torch).
Reference: Riedmiller & Braun (1993); torch/optim/rprop.py, ``_single_tensor_rprop``.
"""
from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

from ..bilingual import Bilingual, Label
from .base import OptimizerDef
from .params import ParamSpec, lr_spec
from .pieces import STEP, clamp, sign


def rprop_init(o, p, hp) -> SimpleNamespace:
    return SimpleNamespace(step=0, prev=o.zeros(p), step_size=o.full(p, hp.lr))


def rprop_step(o, s, p, g, hp, lr):
    etaminus, etaplus = hp.etas
    step_size_min, step_size_max = hp.step_sizes
    s.step += 1
    product = o.mul(g, s.prev, out=o.buf("product"))
    factor = o.where(product > 0, etaplus, o.where(product < 0, etaminus, 1.0))
    s.step_size = clamp(o, o.mul(s.step_size, factor, out=s.step_size), step_size_min, step_size_max,
                        out=s.step_size)
    g = o.where(product < 0, 0.0, g)  # after a sign flip: no step, and no shrinking at the next one
    t = o.mul(sign(o, g, out=o.buf("step")), s.step_size, out=o.buf("step"))
    s.prev = o.copy(g, out=s.prev)
    if o.explaining:
        o.quantity("factor", factor)
        o.quantity("step_size", s.step_size)
        o.term("step", -t)
    return o.sub(p, t, out=p)


RPROP = OptimizerDef(
    id="rprop", names=Bilingual("Rprop", "Rprop"), torch_equivalent="torch.optim.Rprop",
    descriptions=Bilingual(
        "Resilient backpropagation: per-coordinate step sizes that grow by η+ while the gradient keeps its sign and "
        "shrink by η− when it flips; the gradient's size is ignored.",
        "탄력적 역전파: 좌표마다 보폭을 따로 두고, 기울기 부호가 유지되면 η+배로 키우고 바뀌면 η−배로 줄입니다. 기울기의 "
        "크기는 쓰지 않습니다."),
    update_latex=r"\Delta_t = \mathrm{clip}(\eta_t \Delta_{t-1}, \Delta_{\min}, \Delta_{\max}),\ \eta_t = "
                 r"\eta_\pm \text{ as } \mathrm{sign}(g_t g_{t-1}) = \pm 1,\ \theta_t = \theta_{t-1} - "
                 r"\mathrm{sign}(g_t)\,\Delta_t",
    rule_text=Bilingual(
        "η = η+ where g·g_prev > 0, η− where g·g_prev < 0, 1 elsewhere\n"
        "Δ ← clip(η·Δ, Δmin, Δmax)   (each coordinate's own step size)\n"
        "g ← 0 where the sign flipped   (no step there, and no shrinking at the next step)\n"
        "θ ← θ − sign(g)·Δ",
        "η = g·g_prev > 0인 좌표는 η+, g·g_prev < 0인 좌표는 η−, 그 밖에는 1\n"
        "Δ ← clip(η·Δ, Δmin, Δmax)   (좌표마다 따로 두는 보폭)\n"
        "부호가 바뀐 좌표는 g ← 0   (그 좌표는 움직이지 않고 다음 스텝에서 다시 줄이지 않음)\n"
        "θ ← θ − sign(g)·Δ"),
    terms=(Label("step", "−sign(g)·Δ: every coordinate moves by its own step size", "−sign(g)·Δ: 좌표마다 자기 보폭만큼 움직임"),),
    quantities=(Label("factor", "η: η+ where the gradient kept its sign, η− where it flipped, 1 elsewhere",
                      "η: 기울기 부호가 유지된 좌표는 η+, 바뀐 좌표는 η−, 그 밖에는 1"),
                Label("step_size", "Δ: each coordinate's step size after this step's change", "Δ: 이번에 바뀐 뒤 좌표별 보폭")),
    state_labels=(STEP, Label("prev", "g_prev: the previous step's gradient (0 after a sign flip)",
                        "g_prev: 이전 스텝의 기울기 (부호가 바뀐 뒤에는 0)"),
                  Label("step_size", "Δ: each coordinate's step size", "Δ: 좌표별 보폭")),
    params=(replace(lr_spec(0.01), description=Bilingual("the first step size Δ of every coordinate (a schedule does "
                                                         "not change Rprop's later steps)",
                                                         "모든 좌표의 첫 보폭 Δ (스케줄은 Rprop의 이후 스텝을 바꾸지 "
                                                         "않습니다)"),
                    label=Bilingual("initial step size", "초기 보폭")),
            ParamSpec("etas", [0.5, 1.2], Bilingual("(η−, η+): the step size is multiplied by η− after a sign flip and "
                                                    "by η+ while the sign holds",
                                                    "(η−, η+): 부호가 바뀌면 보폭에 η−를, 유지되면 η+를 곱합니다"),
                      0.0, 10.0, "pair", min_exclusive=True, label=Bilingual("factors η−, η+", "배율 η−, η+")),
            ParamSpec("step_sizes", [1e-6, 50.0], Bilingual("(Δmin, Δmax): the bounds of each coordinate's step size",
                                                            "(Δmin, Δmax): 좌표별 보폭의 범위"),
                      0.0, 1000.0, "pair", label=Bilingual("step-size bounds", "보폭 범위"))),
    check=lambda hp: _check(hp),
    init_state=rprop_init, step=rprop_step,
    reference="Riedmiller & Braun (1993); torch/optim/rprop.py")


def _check(hp: dict) -> None:
    from .params import HyperparameterError

    etaminus, etaplus = hp["etas"]
    if not 0.0 < etaminus < 1.0 < etaplus:
        raise HyperparameterError("etas", f"invalid etas {hp['etas']}: need 0 < etas[0] < 1 < etas[1]")
    if hp["step_sizes"][0] > hp["step_sizes"][1]:
        raise HyperparameterError("step_sizes", f"invalid step_sizes {hp['step_sizes']}: need min <= max")
