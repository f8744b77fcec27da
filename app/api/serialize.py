"""Engine results to JSON-ready Python: lists of floats, every float finite."""
from __future__ import annotations

import json

import numpy as np
from starlette.responses import Response


def floats(a: np.ndarray) -> list:
    """``a.tolist()`` with any non-finite value as ``None`` (JSON has no NaN)."""
    a = np.asarray(a, dtype=float)
    if a.size and not np.isfinite(a).all():
        obj = a.astype(object)
        obj[~np.isfinite(a)] = None
        return obj.tolist()
    return a.tolist()


def run_json(echo: dict, result: dict, uses_gradient: bool) -> dict:
    grads = result.get("gradients")
    out = {**echo,
           "points": result["points"].tolist(), "losses": result["losses"].tolist(), "lrs": floats(result["lrs"]),
           "gradients": floats(grads) if uses_gradient else None,
           "status": result["status"], "steps_run": result["steps_run"],
           "diverged_at": result["steps_run"] + 1 if result["status"] == "diverged" else None}
    if "proposals" in result:
        out["proposals"] = floats(result["proposals"])
        out["accepted"] = result["accepted"].tolist()
    return out


class FastJSON(Response):
    """JSON without pydantic's second pass over large float arrays (content is built from finite floats)."""

    media_type = "application/json"

    def render(self, content) -> bytes:
        return json.dumps(content, separators=(",", ":"), allow_nan=False).encode()
