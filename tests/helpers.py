"""Small builders shared by the tests."""
from __future__ import annotations

from app.engine import GradientSpec, Phase, RunSpec, simulate
from app.optimizers import get_optimizer
from app.schedules import Schedule
from app.surfaces import get_surface


def phase(optimizer: str, params: dict | None = None, schedule: dict | None = None, start: int = 0) -> Phase:
    opt = get_optimizer(optimizer)
    return Phase(start, opt, opt.validate(params or {}), Schedule.from_dict(schedule))


def run(surface: str, start, optimizer: str, params=None, steps: int = 100, schedule=None, switch=None,
        gradient: GradientSpec = GradientSpec()) -> dict:
    phases = [phase(optimizer, params, schedule)]
    if switch:
        phases.append(phase(switch["optimizer"], switch.get("params"), switch.get("schedule"), switch["at_step"]))
    return simulate(get_surface(surface), [RunSpec(tuple(start), tuple(phases))], steps, gradient)[0]


def close(a, b, rel: float = 1e-8) -> float:
    """Largest |a - b| / (1 + |b|) over all coordinates."""
    import numpy as np

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape, (a.shape, b.shape)
    return float(np.max(np.abs(a - b) / (1 + np.abs(b)))) if a.size else 0.0
