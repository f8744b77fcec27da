"""Engine results to JSON: numpy arrays written directly by orjson, every non-finite float as null."""
from __future__ import annotations

import orjson
from starlette.responses import Response

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY


def dumps(content) -> bytes:
    """JSON bytes; numpy arrays are written without a ``tolist()`` pass, NaN and infinities as ``null``."""
    return orjson.dumps(content, option=_OPTIONS)


class FastJSON(Response):
    """JSON without pydantic's second pass over large float arrays (the route's response_model documents it)."""

    media_type = "application/json"

    def render(self, content) -> bytes:
        return dumps(content)
