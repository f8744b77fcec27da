"""Engine results to JSON: numpy arrays written directly by orjson, every non-finite float as null; a large answer
written in parts and sent part by part."""
from __future__ import annotations

import zlib

import orjson
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY
GZIP_LEVEL = 1  # an answer's JSON compressed in the worker: 2.6 times smaller at 10 ns a byte (level 9: 2.8 times
# at 100 ns, 13 s for a 134 MB answer, which the middleware would spend outside the fair pools)
GZIP_FROM = 1024  # bytes: smaller answers are sent as they are (the middleware's minimum too)


def dumps(content) -> bytes:
    """JSON bytes; numpy arrays are written without a ``tolist()`` pass, NaN and infinities as ``null``."""
    return orjson.dumps(content, option=_OPTIONS)


def gzip_accepted(request: HTTPConnection) -> bool:
    return "gzip" in request.headers.get("accept-encoding", "")


def answer_parts(content: dict, between=None, compress: bool = False) -> tuple[list[bytes], str | None]:
    """:func:`dumps` of an answer whose ``"runs"`` (its last key) may be large, as parts whose concatenation is
    exactly ``dumps(content)``, and the encoding they are in (``"gzip"`` when ``compress`` and the answer is not
    tiny, else None). Written run by run, each run let go of once written (its arrays and lists are larger than
    its JSON), ``between()`` called after each: orjson holds the interpreter lock for all of one call (30 MB: a
    tenth of a second). ``compress``: gzip level :data:`GZIP_LEVEL`, part by part, here in the worker."""
    runs = content.get("runs")
    if not isinstance(runs, list) or list(content)[-1] != "runs":
        parts = [dumps(content)]
    else:
        head = dumps({k: v for k, v in content.items() if k != "runs"})
        parts = [head[:-1] + (b"," if len(head) > 2 else b"") + b'"runs":[']
        for i in range(len(runs)):
            run, runs[i] = runs[i], None
            if i:
                parts.append(b",")
            parts.append(dumps(run))
            del run
            if between is not None:
                between()
        parts.append(b"]}")
    if not compress or sum(map(len, parts)) < GZIP_FROM:
        return parts, None
    gzip = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = []
    for i in range(len(parts)):
        part, parts[i] = parts[i], b""
        out.append(gzip.compress(part))
        if between is not None and len(part) > 1 << 20:
            between()
    out.append(gzip.flush())
    return [p for p in out if p], "gzip"


class AnswerResponse(Response):
    """An answer sent as its parts (:func:`answer_parts`), each let go of once written to the connection: no whole
    copy of a 100 MB answer is made, and the answer's memory shrinks as it goes. ``Content-Length`` is the parts'
    total; ``encoding`` (gzip) goes in ``Content-Encoding`` (the GZip middleware leaves such an answer as it is)."""

    media_type = "application/json"

    def __init__(self, parts: list[bytes], encoding: str | None = None, status_code: int = 200):
        self.parts, self.status_code, self.background = parts, status_code, None
        headers = {"content-length": str(sum(map(len, parts)))}
        if encoding is not None:
            headers.update({"content-encoding": encoding, "vary": "Accept-Encoding"})
        self.init_headers(headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        parts = self.parts
        parts.reverse()
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        while parts:
            part = parts.pop()
            await send({"type": "http.response.body", "body": part, "more_body": bool(parts)})
            del part


class FastJSON(Response):
    """JSON without pydantic's second pass over large float arrays (the route's response_model documents it)."""

    media_type = "application/json"

    def render(self, content) -> bytes:
        return dumps(content)
