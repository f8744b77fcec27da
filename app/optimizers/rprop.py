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

from types import SimpleNamespace

from .base import OptimizerDef, ParamSpec, clamp, lr_spec, sign


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
    id="rprop", name="Rprop", torch_equivalent="torch.optim.Rprop",
    description="Resilient backpropagation: per-coordinate step sizes that grow by η+ while the gradient keeps "
                "its sign and shrink by η− when it flips; the gradient's size is ignored.",
    description_ko="탄력적 역전파: 좌표마다 보폭을 따로 두고, 기울기 부호가 유지되면 η+배로 키우고 바뀌면 η−배로 "
                   "줄입니다. 기울기의 크기는 쓰지 않습니다.",
    update_latex=r"\Delta_t = \mathrm{clip}(\eta_t \Delta_{t-1}, \Delta_{\min}, \Delta_{\max}),\ \eta_t = "
                 r"\eta_\pm \text{ as } \mathrm{sign}(g_t g_{t-1}) = \pm 1,\ \theta_t = \theta_{t-1} - "
                 r"\mathrm{sign}(g_t)\,\Delta_t",
    params=(lr_spec(0.01),
            ParamSpec("etas", [0.5, 1.2], "(η−, η+): factors that shrink the step after a sign flip and grow it "
                      "while the sign holds", 0.0, 10.0, "pair", min_exclusive=True),
            ParamSpec("step_sizes", [1e-6, 50.0], "(min, max): bounds of each coordinate's step size", 0.0, 1000.0,
                      "pair")),
    check=lambda hp: _check(hp),
    init_state=rprop_init, step=rprop_step,
    reference="Riedmiller & Braun (1993); torch/optim/rprop.py")


def _check(hp: dict) -> None:
    from .base import HyperparameterError

    etaminus, etaplus = hp["etas"]
    if not 0.0 < etaminus < 1.0 < etaplus:
        raise HyperparameterError("etas", f"invalid etas {hp['etas']}: need 0 < etas[0] < 1 < etas[1]")
    if hp["step_sizes"][0] > hp["step_sizes"][1]:
        raise HyperparameterError("step_sizes", f"invalid step_sizes {hp['step_sizes']}: need min <= max")
