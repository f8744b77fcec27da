"""Many runs at once: basin maps (every start of a grid) and hyperparameter sweeps (every cell of a
one- or two-parameter grid). Both keep only each run's latest point (never a whole trajectory), so a
400 x 400 x 1000 map holds a few arrays of 160,000 points, and both advance in chunks so callers can
report progress and stop early.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .engine import GradientSpec, Phase, Simulation
from .surfaces import Domain, Surface

BASIN_TOLERANCE = 0.02  # of the domain's span: a run "ends at" a minimum this close to it
SETTLE_TOLERANCE = 1e-3  # of the span: a run has converged once it stays this close to one point
CHUNK_STEPS = 50
NONE, DIVERGED = -1, -2


@dataclass
class Outcome:
    """Per run: where it ended, its loss there, which minimum (or NONE / DIVERGED), when it settled."""

    final: np.ndarray  # (N, 2)
    final_loss: np.ndarray  # (N,), NaN where diverged
    basin: np.ndarray  # (N,) int
    steps_to_converge: np.ndarray  # (N,) float, NaN where it did not end at a minimum


def run_batch(sim: Simulation, starts: np.ndarray, minima: np.ndarray, span: float,
              progress: Callable[[int, int], bool] | None = None) -> Outcome:
    """Advance ``sim`` to the end; ``progress(done, total)`` may return False to stop early."""
    final = starts.copy()
    if progress is not None:  # asked inside a step too (LBFGS): raises engine.Interrupted
        sim.interrupt.test = lambda: progress(sim.t, sim.steps) is False
    size = sim.chunk_steps(CHUNK_STEPS)
    while not sim.done:
        chunk = sim.advance(size)
        np.copyto(final, chunk.points[0], where=chunk.valid[:, None] > 0)
        if progress is not None and progress(sim.t, sim.steps) is False:
            break
    diverged = ~sim.alive
    with np.errstate(all="ignore"):
        loss = np.asarray(sim.surface.value(final[:, 0], final[:, 1], np), dtype=float) * np.ones(len(final))
    loss[diverged] = np.nan
    basin = nearest_minimum(final, minima, BASIN_TOLERANCE * span)
    basin[diverged] = DIVERGED
    settled = sim.settled_at().astype(float)
    settled[basin < 0] = np.nan
    return Outcome(final, loss, basin, settled)


def nearest_minimum(points: np.ndarray, minima: np.ndarray, tolerance: float, block: int = 16384) -> np.ndarray:
    """Index of the nearest listed minimum within ``tolerance`` of each point, else NONE (blocked: memory)."""
    out = np.full(len(points), NONE, dtype=int)
    if len(minima) == 0:
        return out
    for a in range(0, len(points), block):
        p = points[a:a + block]
        d2 = (p[:, None, 0] - minima[None, :, 0]) ** 2 + (p[:, None, 1] - minima[None, :, 1]) ** 2
        k = np.argmin(np.where(np.isfinite(d2), d2, np.inf), axis=1)
        ok = d2[np.arange(len(p)), k] <= tolerance * tolerance
        out[a:a + block] = np.where(ok, k, NONE)
    return out


def basin_map(surface: Surface, phases: tuple[Phase, ...], steps: int, n: int, domain: Domain | None = None,
              gradient: GradientSpec = GradientSpec(), progress=None) -> dict:
    """Every point of an n x n grid over ``domain`` is a start; ``[j][i]`` is the start (x[i], y[j])."""
    domain = domain or surface.domain
    xs = np.linspace(*domain.x, n)
    ys = np.linspace(*domain.y, n)
    gx, gy = np.meshgrid(xs, ys)
    starts = np.column_stack([gx.ravel(), gy.ravel()])
    span = surface.domain.span
    sim = Simulation.batch(surface, starts, phases, steps, gradient, settle=SETTLE_TOLERANCE * span)
    minima = np.array([m.point for m in surface.minima], dtype=float).reshape(-1, 2)
    out = run_batch(sim, starts, minima, span, progress)
    shape = (n, n)
    return {"x": xs, "y": ys, "basin": out.basin.reshape(shape), "final_loss": out.final_loss.reshape(shape),
            "steps_to_converge": out.steps_to_converge.reshape(shape),
            "minima": [m.as_dict() for m in surface.minima], "steps": sim.t}


def with_values(hyper: dict, values: dict) -> dict:
    """A copy of ``hyper`` with ``values`` set (``{"betas[0]": 0.5}`` sets one beta)."""
    out = {k: (list(v) if isinstance(v, list) else v) for k, v in hyper.items()}
    for name, value in values.items():
        if name.startswith("betas["):
            out["betas"][int(name[6])] = float(value)
        else:
            out[name] = float(value)
    return out


def sweep(surface: Surface, start, phases: tuple[Phase, ...], steps: int, axes: list[tuple[str, np.ndarray]],
          validate: Callable[[dict], dict], gradient: GradientSpec = GradientSpec(), progress=None) -> dict:
    """One run from ``start`` per cell of the grid of ``axes`` (``[(param, values)]``, x first); the first
    phase's hyperparameters take each cell's values (``betas[0]`` names one beta). ``validate`` checks each
    cell's full hyperparameters (and names the bad one). Cells are ``[j][i]`` = (y value j, x value i)."""
    base = phases[0].hyper
    grids = np.meshgrid(*[values for _, values in axes])  # each (ny, nx) or (nx,)
    cells = [dict(zip([name for name, _ in axes], vals)) for vals in zip(*[g.ravel() for g in grids])]
    hypers = [validate(with_values(base, cell)) for cell in cells]
    span = surface.domain.span
    starts = np.repeat(np.array([start], dtype=float), len(hypers), axis=0)
    sim = Simulation.batch(surface, starts, phases, steps, gradient, hypers=hypers, settle=SETTLE_TOLERANCE * span)
    minima = np.array([m.point for m in surface.minima], dtype=float).reshape(-1, 2)
    out = run_batch(sim, starts, minima, span, progress)
    shape = grids[0].shape
    result = {"axes": [{"param": name, "values": values} for name, values in axes],
              "final_loss": out.final_loss.reshape(shape), "diverged": (out.basin == DIVERGED).reshape(shape),
              "basin": out.basin.reshape(shape), "steps_to_converge": out.steps_to_converge.reshape(shape),
              "final_point": out.final.reshape(shape + (2,)), "minima": [m.as_dict() for m in surface.minima],
              "steps": sim.t}
    finite = np.where(np.isfinite(out.final_loss), out.final_loss, np.inf)
    if np.isfinite(finite).any():
        best = int(np.argmin(finite))
        result["best"] = {**{name: float(v) for name, v in cells[best].items()}, "final_loss": float(finite[best])}
    return result
