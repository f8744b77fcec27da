"""Result assembly: chunks joined into whole runs, and the named per-step values as JSON-ready lists."""
from __future__ import annotations

import numpy as np

from .recording import NUMBER, QUANTITIES, STATE, TERMS, VECTOR, Chunk


def start_points(sim) -> tuple[np.ndarray, np.ndarray]:
    """Every run's start, shape (R, 2), and the loss there (its own objective's, if it has one), computed as the
    chunks compute losses."""
    starts = sim.starts
    return starts, sim.losses(starts[:, 0], starts[:, 1], np.empty(len(starts)))


def collect(sim, chunks: list[Chunk]) -> list[dict]:
    """Join chunks into whole runs: points (start first), losses, status, steps_run, lrs, gradients, the extras
    the run's rules declare (``sim.extras_of(i)``), and (when recorded) ``state``, ``terms`` and ``quantities`` as
    JSON-ready lists."""
    if not sim.record:
        raise ValueError("a final-only Simulation (record=False) keeps no trajectories to collect")
    starts, losses0 = start_points(sim)
    status, steps_run = sim.status, sim.steps_run.tolist()
    out = []
    for i in range(sim.n_runs):
        parts = [c.run(i) for c in chunks]
        lengths = [len(p["lrs"]) for p in parts]
        result = {
            "points": np.concatenate([starts[i:i + 1]] + [p["points"] for p in parts]),
            "losses": np.concatenate([losses0[i:i + 1]] + [p["losses"] for p in parts]),
            "status": status[i],
            "steps_run": steps_run[i],
            "lrs": np.concatenate([p["lrs"] for p in parts]),
            "gradients": np.concatenate([p["gradients"] for p in parts]).reshape(-1, 2),
        }
        for name in sim.extras_of(i):
            result[name] = np.concatenate([p[name] for p in parts])
            if name == "evaluations":
                result["evaluation_points"] = [pts for p in parts for pts in p["evaluation_points"]]
        if sim.record_state:
            result[STATE] = state_lists([p.get(STATE, {}) for p in parts], lengths, sim.state_names[i])
        if sim.explain:
            result[TERMS] = step_dicts([p.get(TERMS, {}) for p in parts], lengths)
            result[QUANTITIES] = step_dicts([p.get(QUANTITIES, {}) for p in parts], lengths)
        out.append(result)
    return out


def _values(shapes: dict, n: int) -> list:
    """One name's ``n`` entries from its columns by shape (``Chunk.run``): ``[x, y]`` where the vector column
    holds a value, else a number where the number column does, else None."""
    out = [None] * n
    number, vector = shapes.get(NUMBER), shapes.get(VECTOR)
    if number is not None:
        for j, v in enumerate(number.tolist()):
            if v == v:
                out[j] = v
    if vector is not None:
        for j, v in enumerate(vector.tolist()):
            if v[0] == v[0] or v[1] == v[1]:
                out[j] = v
    return out


def state_lists(parts: list[dict], lengths: list[int], names: tuple[str, ...] | None) -> dict:
    """Chunks' state of one run (``Chunk.run(i)["state"]``, ``lengths[k]`` steps each) as JSON-ready lists: for
    each of ``names`` (``Simulation.state_names[i]``; None: every name recorded for the run), one entry per step,
    ``[x, y]`` for vectors, a number for scalars, None where the name does not apply (a name of the other phase,
    after a switch)."""
    if names is None:
        names = tuple(dict.fromkeys(name for p in parts for name, shapes in p.items()
                                    if any(not np.isnan(c).all() for c in shapes.values())))
    out = {}
    for name in names:
        values = []
        for part, n in zip(parts, lengths):
            shapes = part.get(name)
            values.extend([None] * n if shapes is None else _values(shapes, n))
        out[name] = values
    return out


def step_dicts(parts: list[dict], lengths: list[int]) -> list[dict]:
    """Chunks' terms or quantities of one run as one dict per step, ``{name: [x, y] or number}``, holding the
    names that step reported."""
    out = []
    for part, n in zip(parts, lengths):
        rows = [{} for _ in range(n)]
        for name, shapes in part.items():
            for row, v in zip(rows, _values(shapes, n)):
                if v is not None:
                    row[name] = v
        out.extend(rows)
    return out
