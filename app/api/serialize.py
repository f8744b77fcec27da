"""Engine results to JSON: numpy arrays written directly by orjson, every non-finite float as null."""
from __future__ import annotations

import orjson
from starlette.responses import Response

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY


def dumps(content) -> bytes:
    """JSON bytes; numpy arrays are written without a ``tolist()`` pass, NaN and infinities as ``null``."""
    return orjson.dumps(content, option=_OPTIONS)


def dumps_answer(content: dict, between=None) -> bytes:
    """:func:`dumps` of an answer whose ``"runs"`` (its last key) may be large, written run by run, ``between()``
    called after each: orjson holds the interpreter lock for all of one call (30 MB: a tenth of a second)."""
    runs = content.get("runs")
    if not isinstance(runs, list) or list(content)[-1] != "runs":
        return dumps(content)
    parts = []
    for run in runs:
        parts.append(dumps(run))
        if between is not None:
            between()
    head = dumps({k: v for k, v in content.items() if k != "runs"})
    return head[:-1] + (b"," if len(head) > 2 else b"") + b'"runs":[' + b",".join(parts) + b"]}"


class FastJSON(Response):
    """JSON without pydantic's second pass over large float arrays (the route's response_model documents it)."""

    media_type = "application/json"

    def render(self, content) -> bytes:
        return dumps(content)
