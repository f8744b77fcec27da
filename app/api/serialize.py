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
    return out


class FastJSON(Response):
    """JSON without pydantic's second pass over large float arrays (the route's response_model documents it)."""

    media_type = "application/json"

    def render(self, content) -> bytes:
        return dumps(content)
