"""The shape every optimizer shares: its definition (validation, state names, catalogue entry) and the rule interface.
Hyperparameter specs are in :mod:`.params`, the pieces several rules share in :mod:`.pieces`.

**A rule is written once**, in torch's order of operations, against an ops layer ``o``
(:class:`app.numeric.FloatOps` or an :class:`app.numeric.ArrayOps` instance, which is also the step's
context)::

    state = init_state(o, p, hp)          # a SimpleNamespace under torch's optimizer.state[p] names
    p = step(o, s, p, g, hp, lr)          # updates ``s`` (its arrays in place), returns the new point

``p`` and ``g`` are one coordinate as a Python float (elementwise rules advancing a handful of runs), or
coordinate-major ``(2, n)`` arrays (``p[0]`` the x of n runs, ``p[1]`` their y). Every ``o.add/sub/mul/div/
sqrt/abs/maximum/where/copy(..., out=buffer)`` returns its result and, on arrays, writes it into ``buffer``: the
state's own arrays (``out=s.exp_avg``), ``p`` itself (``out=p``: the step is applied in place) or a named scratch
array ``o.buf("denom")`` (None on floats, where ``out`` is ignored). The shared pieces (:mod:`.pieces`) use ``o.buf("tmp")``
for their temporaries: a rule may use it too, for a value it no longer needs when it calls one of them. ``g`` is read, never written. ``hp`` holds
the hyperparameters (``betas`` split into ``beta1``/``beta2``): Python floats, or ``(1, n)`` rows where the runs
advanced together differ. ``lr`` is this step's learning rate after the schedule (a float or a ``(1, n)`` row).

**A rule explains its own step** (app/numeric.py): as it computes, it reports the additive pieces of the step,
``o.term(name, (2, n) value)``, whose sum is the new point minus the old, and named intermediates,
``o.quantity(name, value)`` (torch's names where torch has one), each listed with its label in the definition's
``terms`` / ``quantities``. An in-place change of the point (a decoupled decay) is reported as exactly the change
it made (:func:`decoupled_decay`, :func:`shrink`); a step linear in the gradient with L2 weight decay joined is
split honestly (:func:`explain_l2`). Work done only to report sits under ``if o.explaining:``, which the float
specialisation removes, so explaining changes no operation of the step.

Rules that are not coordinate-separable set ``elementwise=False`` and always get arrays. Rules that need more
than the gradient name it in ``needs`` and find it on ``o``: ``o.value(p)`` (``"value"``), ``o.hessian(p)``
(``"hessian"``), ``o.rng`` (``"rng"``), ``o.evaluate(p, mask=None) -> (loss, grad)`` (``"evaluate"``: extra
evaluations at any points, counted per step and their points kept for drawing), ``o.emit(name, value)``
(an extra per-step output such as Schedule-Free's averaged point, declared in ``emits`` with its shape), ``o.domain``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Callable

import numpy as np

from ..bilingual import Bilingual, Label
from ..numeric import FLOAT_OPS, ArrayOps
from .params import HyperparameterError, ParamSpec


@dataclass(frozen=True)
class OptimizerDef:
    """One optimizer: its rule, hyperparameters and catalogue entry.

    The catalogue entry is in both of the page's languages: ``names``, ``descriptions``, the update rule as plain
    text lines (``rule_text``), and a label for every term and quantity the rule reports when it explains a step
    (``terms``, ``quantities``: app/numeric.py's ``o.term`` / ``o.quantity``) and every name of its state
    (``state_labels``, what ``include: ["state"]`` reports)."""

    id: str
    names: Bilingual
    descriptions: Bilingual
    update_latex: str
    params: tuple[ParamSpec, ...]
    step: Callable  # the rule (see the module text)
    init_state: Callable
    rule_text: Bilingual = Bilingual("", "")  # the update rule as plain text lines
    terms: tuple[Label, ...] = ()
    quantities: tuple[Label, ...] = ()
    state_labels: tuple[Label, ...] = ()  # what include: ["state"] reports (torch's optimizer.state[p] names)
    scalar_state: tuple[str, ...] = ("step",)  # state entries that are one number per run, not per coordinate
    state_names: Callable[[dict], tuple[str, ...]] | None = None  # what torch keeps for these hyperparameters
    torch_equivalent: str = ""
    elementwise: bool = True  # coordinate-separable: can advance Python floats one coordinate at a time
    needs: tuple[str, ...] = ()  # "value", "hessian", "rng": what the update reads from ctx
    check: Callable[[dict], None] | None = None  # combinations of hyperparameters
    reference: str = ""
    extra: dict = field(default_factory=dict)
    family: str = ""  # the optimizer menu's group (see app/optimizers/__init__.py, FAMILIES)
    family_names: Bilingual = Bilingual("", "")
    evaluations: Callable[[dict], tuple[int, str]] | None = None  # most evaluations per step and the param setting it
    emits: dict = field(default_factory=dict)  # what ``o.emit`` reports per step: name -> "vector" or "flag"

    @property
    def name(self) -> str:
        return self.names.en

    @property
    def description(self) -> str:
        return self.descriptions.en

    def evaluations_per_step(self, hyper: dict) -> int:
        """The most surface evaluations (value and gradient) one step may make with these hyperparameters:
        1 (the step's gradient) unless the rule evaluates more (LBFGS: up to ``max_eval``). Cost budgets
        count these."""
        return self.evaluations(hyper)[0] if self.evaluations is not None else 1

    def evaluations_param(self, hyper: dict) -> str | None:
        """The hyperparameter that sets :meth:`evaluations_per_step` (to name in a refusal), None if fixed."""
        return self.evaluations(hyper)[1] if self.evaluations is not None else None

    def param(self, name: str) -> ParamSpec:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def validate(self, given: dict | None) -> dict:
        """Every hyperparameter, defaults filled in, each checked; unknown names refused."""
        given = dict(given or {})
        names = [p.name for p in self.params]
        unknown = [k for k in given if k not in names]
        if unknown:
            raise HyperparameterError(unknown[0], f"unknown hyperparameter {unknown[0]!r} for {self.id}; "
                                                  f"expected one of {names}")
        out = {p.name: p.validate(given[p.name]) if p.name in given else _copy(p.default) for p in self.params}
        if self.check:
            self.check(out)
        return out

    def state_keys(self, hyper: dict) -> tuple[str, ...] | None:
        """The names torch keeps in ``optimizer.state[p]`` for these hyperparameters: ``state_names`` when given,
        else the fields of a fresh state that are not None (of one run: a float for elementwise rules, a ``(2, 1)``
        array otherwise), else None (not known before the first step: the engine reports the fields the state has).
        Known in advance, every WebSocket chunk carries every name of the run, as the whole answer does."""
        if self.state_names is not None:
            return tuple(self.state_names(hyper))
        if self.elementwise and not self.needs:
            state = self.init_state(FLOAT_OPS, 0.0, hyper_namespace(hyper))
            return tuple(k for k, v in vars(state).items() if v is not None)
        try:  # array rules (Muon, Schedule-Free): a fresh state of one run says
            state = self.init_state(ArrayOps((2, 1)), np.zeros((2, 1)), hyper_namespace(hyper))
        except Exception:  # a rule whose state needs more than the point (not known in advance)
            return None
        return tuple(k for k, v in vars(state).items() if v is not None)

    def structural(self, hyper: dict) -> tuple:
        """Hyperparameters that choose a code path (booleans, choices, loop counts, lists, nullables): equal
        within one batch of runs."""
        return tuple((p.name, _hashable(hyper[p.name])) for p in self.params if p.shapes_code_path)

    def metadata(self) -> dict:
        return {"id": self.id, "name": self.name, "description": self.description, "update": self.update_latex,
                "torch": self.torch_equivalent, "reference": self.reference, "family": self.family,
                "family_names": self.family_names.as_dict(), "description_ko": self.descriptions.ko,
                "names": self.names.as_dict(), "descriptions": self.descriptions.as_dict(),
                "rule": self.rule_text.as_dict(), "terms": [t.as_dict() for t in self.terms],
                "quantities": [q.as_dict() for q in self.quantities],
                "state": [s.as_dict() for s in self.state_labels],
                "params": [p.as_dict() for p in self.params]}


def _hashable(v):
    return tuple(v) if isinstance(v, list) else v


def _copy(v):
    return list(v) if isinstance(v, list) else v


def hyper_namespace(hyper: dict) -> SimpleNamespace:
    """The view of hyperparameters update rules read: ``betas`` split into ``beta1``/``beta2``."""
    ns = dict(hyper)
    if "betas" in ns:
        ns["beta1"], ns["beta2"] = ns.pop("betas")
    return SimpleNamespace(**ns)
