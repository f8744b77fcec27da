"""Engine results to JSON: numpy arrays written directly by orjson, every non-finite float as null; a large answer
compressed in the worker and sent part by part."""
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
SEND_BYTES = 1 << 20  # an answer's pieces are sent in messages of about this many bytes


def dumps(content) -> bytes:
    """JSON bytes; numpy arrays are written without a ``tolist()`` pass, NaN and infinities as ``null``."""
    return orjson.dumps(content, option=_OPTIONS)


def gzip_accepted(request: HTTPConnection) -> bool:
    return "gzip" in request.headers.get("accept-encoding", "")


def gzipped(parts: list[bytes], between=None) -> tuple[list[bytes], str | None]:
    """An answer's parts compressed (gzip level :data:`GZIP_LEVEL`), here in the worker, each let go of once
    compressed, ``between()`` after each large one; and the encoding (None: left as they are, under
    :data:`GZIP_FROM` bytes)."""
    if sum(map(len, parts)) < GZIP_FROM:
        return parts, None
    gzip = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = []
    for i in range(len(parts)):
        part, parts[i] = parts[i], b""
        out.append(gzip.compress(part))
        if between is not None and len(part) > 1 << 20:
            between()
        del part
    out.append(gzip.flush())
    return [p for p in out if p], "gzip"


class AnswerResponse(Response):
    """An answer sent as its parts (:func:`app.services.answers.answer_json`) in messages of about
    :data:`SEND_BYTES`, each part let go of once written to the connection: no whole copy of a 100 MB answer is
    made, and the answer's memory shrinks as it goes. ``Content-Length`` is the parts' total; ``encoding`` (gzip)
    goes in ``Content-Encoding`` (the GZip middleware leaves such an answer as it is)."""

    media_type = "application/json"

    def __init__(self, parts: list[bytes], encoding: str | None = None, status_code: int = 200,
                 media_type: str | None = None, headers: dict | None = None):
        self.parts, self.status_code, self.background = parts, status_code, None
        if media_type is not None:
            self.media_type = media_type
        headers = {**(headers or {}), "content-length": str(sum(map(len, parts)))}
        if encoding is not None:
            headers.update({"content-encoding": encoding, "vary": "Accept-Encoding"})
        self.init_headers(headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        parts = self.parts or [b""]
        parts.reverse()
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        batch, size = [], 0
        while parts:
            batch.append(parts.pop())
            size += len(batch[-1])
            if size >= SEND_BYTES or not parts:  # (joining a megabyte of pieces: a fraction of a millisecond)
                body = b"".join(batch)
                batch, size = [], 0
                await send({"type": "http.response.body", "body": body, "more_body": bool(parts)})
                del body


class FastJSON(Response):
    """JSON without pydantic's second pass over large float arrays (the route's response_model documents it)."""

    media_type = "application/json"

    def render(self, content) -> bytes:
        return dumps(content)
