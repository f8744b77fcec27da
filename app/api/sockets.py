"""What every WebSocket shares: the Origin check, reading a message (any frame, any size) without ever
dropping the socket, parsing it as a JSON object, and sending frames."""
from __future__ import annotations

import asyncio
import math

from fastapi import WebSocket, WebSocketDisconnect

from ..services.errors import Refused, plain
from ..services.state import read_json, refuse_non_finite
from ..settings import settings
from .errors import frame
from .serialize import dumps

MAX_ID = 200  # characters of a request id (it is echoed in every frame)


def origin_allowed(ws: WebSocket) -> bool:
    """A browser page may open a socket only from this app's own pages or a configured origin
    (``SLOPES_ALLOWED_ORIGINS``); clients that send no Origin (scripts, notebooks) are not browsers."""
    origin = ws.headers.get("origin")
    if origin is None:
        return True
    origin = origin.rstrip("/")
    host = ws.headers.get("host", "")
    if origin.split("://", 1)[-1] == host:  # the app's own page, whatever scheme a proxy in front uses
        return True
    return origin in settings.origins()


async def accept(ws: WebSocket) -> bool:
    if not origin_allowed(ws):
        await ws.close(code=1008, reason="origin not allowed")  # before accepting: the handshake gets 403
        return False
    await ws.accept()
    return True


async def send(ws: WebSocket, content: dict) -> None:
    await ws.send_text(dumps(content).decode())


async def receive_message(ws: WebSocket) -> str | None:
    """The next usable text message; None once the socket is closed (by the client, or here after an idle
    spell). Anything unusable (a binary frame, a message over the byte limit) is answered with an error
    frame and skipped: the socket stays open. (Under uvicorn a message over the limit never gets here: the
    server closes the socket with 1009 at its header, see :func:`~app.api.middleware.limit_websocket_frames`.)"""
    while True:
        try:
            message = await asyncio.wait_for(ws.receive(), settings.ws_idle_seconds)
        except asyncio.TimeoutError:
            await ws.close(code=1000, reason="idle")
            return None
        except (WebSocketDisconnect, RuntimeError):
            return None
        if message["type"] == "websocket.disconnect":
            return None
        text = message.get("text")
        if text is None:
            await send(ws, frame(Refused([], "binary frames are not read: send the request as JSON text",
                                         "binary")))
            continue
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > settings.max_ws_message:
            await send(ws, frame(Refused([], f"a message may be at most {settings.max_ws_message} bytes "
                                             f"(this one has {size})", "too_large")))
            continue
        return text


def parse_message(text: str) -> tuple[dict, object]:
    """A message as ``(request body, id)``; a :class:`Refused` (carrying the id as ``request_id``, once known)
    otherwise. A NaN or an infinity (Python's ``json.dumps`` writes them) is refused at its field, as a POST's."""
    body = read_json(text, [])
    if not isinstance(body, dict):
        raise Refused([], "a message must be a JSON object: a request body plus an optional id", "json")
    request_id = body.pop("id", None)
    if not echoable(request_id):
        raise Refused(["id"], f"id must be null, true/false, a finite number or a string of at most {MAX_ID} "
                              f"characters", "id")
    try:
        refuse_non_finite(body, [])
    except Refused as e:
        e.request_id = request_id
        raise
    return body, request_id


def echoable(request_id) -> bool:
    """Whether an id can be echoed unchanged in every frame: small, and JSON can carry it back."""
    if request_id is None or isinstance(request_id, bool):
        return True
    if isinstance(request_id, int):
        return abs(request_id) < 2 ** 53
    if isinstance(request_id, float):
        return math.isfinite(request_id)
    return isinstance(request_id, str) and len(request_id) <= MAX_ID and plain(request_id) == request_id
