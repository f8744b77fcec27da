"""Engine results to JSON: numpy arrays written directly by orjson, every non-finite float as null."""
from __future__ import annotations

import numpy as np
import orjson
from starlette.responses import Response

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY


def dumps(content) -> bytes:
    """JSON bytes; numpy arrays are written without a ``tolist()`` pass, NaN and infinities as ``null``."""
    return orjson.dumps(content, option=_OPTIONS)


def array(a) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=float)


def run_json(echo: dict, result: dict, uses_gradient: bool) -> dict:
    out = {**echo,
           "points": array(result["points"]), "losses": array(result["losses"]), "lrs": array(result["lrs"]),
           "gradients": array(result["gradients"]) if uses_gradient else None,
           "status": result["status"], "steps_run": result["steps_run"],
           "diverged_at": result["steps_run"] + 1 if result["status"] == "diverged" else None}
    if "state" in result:
        out["state"] = result["state"]
    if "proposals" in result:
        out["proposals"] = array(result["proposals"])
        out["accepted"] = np.ascontiguousarray(result["accepted"])
    out.update(step_extras(result, result["points"][0]))
    return out


def step_extras(part: dict, start=None) -> dict:
    """What some optimizers report per step: Schedule-Free's ``averaged`` point (its ``eval()`` point, aligned
    with ``points``: ``start`` first when given), LBFGS's ``evaluations`` (a count per step) and
    ``evaluation_points`` (per step, the points evaluated, the step's start first)."""
    out = {}
    if "averaged" in part:
        averaged = array(part["averaged"]).reshape(-1, 2)
        out["averaged"] = averaged if start is None else np.concatenate([array(start).reshape(1, 2), averaged])
    if "evaluations" in part and np.any(part["evaluations"]):  # zeros: a run that does not evaluate
        out["evaluations"] = np.ascontiguousarray(part["evaluations"], dtype=np.int64)
        out["evaluation_points"] = [array(pts).reshape(-1, 2) for pts in part["evaluation_points"]]
    return out


class FastJSON(Response):
    """JSON without pydantic's second pass over large float arrays (the route's response_model documents it)."""

    media_type = "application/json"

    def render(self, content) -> bytes:
        return dumps(content)
