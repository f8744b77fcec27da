"""What a caller asks the engine for: runs (a start and one or two phases), gradient settings."""
from __future__ import annotations

from dataclasses import dataclass

from ..optimizers import OptimizerDef
from ..schedules import Schedule
from ..surfaces import Surface


@dataclass(frozen=True)
class Phase:
    """One optimizer with its hyperparameters and schedule, from step ``start`` on."""

    start: int
    optimizer: OptimizerDef
    hyper: dict
    schedule: Schedule = Schedule()


@dataclass(frozen=True)
class GradientSpec:
    mode: str = "analytic"  # or "numerical": central differences with step h
    h: float = 1e-5
    noise: float = 0.0  # standard deviation of Gaussian noise added to each gradient coordinate
    seed: int = 0
    batch_size: int | None = None  # data-set surfaces: samples per gradient (None = the full batch)


@dataclass(frozen=True)
class RunSpec:
    start: tuple[float, float]
    phases: tuple[Phase, ...]  # the first starts at 0; a switch adds a second
    label: str = ""
    batch_size: int | None = None  # this run's mini-batch size on a data-set surface (None: the request's)
    gradient: GradientSpec | None = None  # this run's gradient mode, h, noise and seed (None: the request's)
    objective: Surface | None = None  # the surface this run minimises, whose losses it reports (None: the request's)

    @property
    def uses_gradient(self) -> bool:
        return any(needs_gradient(p.optimizer) for p in self.phases)


def needs_gradient(opt: OptimizerDef) -> bool:
    """Whether the engine takes a gradient for each step of ``opt`` (searches and value-only rules do not)."""
    return not opt.needs or "hessian" in opt.needs or "evaluate" in opt.needs or "emit" in opt.needs


def evaluations(phases) -> int:
    """The most surface evaluations one step of any of ``phases`` may make (see
    :meth:`OptimizerDef.evaluations_per_step`)."""
    return max((p.optimizer.evaluations_per_step(p.hyper) for p in phases), default=1)


def declared_extras(phases) -> dict[str, str]:
    """What steps of ``phases`` report besides their point, by name and form (see :data:`recording.FORMS`): each
    optimizer's ``emits``, and ``evaluations`` (a count per step) for a rule that evaluates the surface itself. A
    run carries these for every step, empty where its phase at that step does not report them."""
    out: dict[str, str] = {}
    for p in phases:
        out.update(p.optimizer.emits)
        if "evaluate" in p.optimizer.needs:
            out["evaluations"] = "count"
    return out
