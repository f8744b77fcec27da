"""Cross-cutting HTTP concerns: security headers, a body-size limit, a WebSocket frame limit the server itself
enforces, and one log line per request."""
from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .fairness import holding

log = logging.getLogger("slopes.access")

# the app's own origin for scripts, styles and connections; plotly.js needs inline <style> elements and
# 'unsafe-eval' for its WebGL (3-D) shader compiler; images are drawn to data:/blob: URLs for downloads
_CSP = ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' data: blob:; worker-src 'self' blob:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'")
FRAMEABLE = ("/embed", "/export.html")  # made to be put in other sites' slides


def security_headers(path: str) -> list[tuple[bytes, bytes]]:
    frameable = path in FRAMEABLE
    # any site may frame the embed and the export, including slides opened from disk (file:, which
    # frame-ancestors * would not match): they get no frame-ancestors at all; everything else: same origin
    csp = _CSP if frameable else _CSP + "; frame-ancestors 'self'"
    if path == "/export.html":  # a standalone file: its scripts are inline
        csp = csp.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
    headers = [(b"x-content-type-options", b"nosniff"), (b"content-security-policy", csp.encode()),
               (b"referrer-policy", b"same-origin")]
    if not frameable:
        headers.append((b"x-frame-options", b"SAMEORIGIN"))
    return headers


def server_side(receive: Receive, depth: int = 4):
    """The object whose method ``receive`` is (uvicorn's lifespan or connection protocol, holding its config),
    looking through the functions a framework wraps it in (FastAPI's telemetry wraps the lifespan's ``receive``
    in a closure over the server's); None if there is none."""
    holder = getattr(receive, "__self__", None)
    if holder is not None or depth == 0:
        return holder
    for cell in getattr(receive, "__closure__", None) or ():
        try:
            inner = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if callable(inner):
            found = server_side(inner, depth - 1)
            if found is not None and hasattr(found, "config"):
                return found
    return None


def limit_websocket_frames(receive: Receive, limit: int) -> bool:
    """Make the server refuse WebSocket messages over ``limit`` bytes at the frame header, before it buffers them.

    uvicorn reads a whole message into memory (up to its ``ws_max_size``, 16 MiB unless ``--ws-max-size`` says
    otherwise) before the app sees a byte of it: 30 clients sending 16 MiB frames took a server from 74 MB to
    1 GB. Every uvicorn WebSocket protocol (websockets' sans-I/O and legacy ones, wsproto) reads
    ``config.ws_max_size`` when it is made for a connection, and the ``receive`` a uvicorn server hands the app
    is a method of the object holding that config (the lifespan's, each connection's protocol). Lowering it at
    the lifespan's start covers every connection that follows, whichever way the server was started
    (``uvicorn app.main:app``, ``make run``, ``slopes serve``, the Docker image, any ``--workers``); at a
    connection's start (a server run with ``--lifespan off``) it also lowers that connection's own parser,
    which reads no frame before the app accepts. A message over the limit then ends the connection with
    close code 1009 (message too big) while only its header has been read. Under another ASGI server this
    does nothing and :func:`~app.api.sockets.receive_message` still refuses the message after the fact.
    Returns whether a uvicorn config was found."""
    holder = server_side(receive)
    config = getattr(holder, "config", None)
    if config is None or not isinstance(getattr(config, "ws_max_size", None), int):
        return False
    config.ws_max_size = min(config.ws_max_size, limit)
    parser = getattr(holder, "conn", None)  # this connection's websockets sans-I/O protocol
    if isinstance(getattr(parser, "max_message_size", None), int):
        parser.max_message_size = min(parser.max_message_size, limit)
    if isinstance(getattr(holder, "max_size", None), int):  # websockets' legacy protocol
        holder.max_size = min(holder.max_size, limit)
    buffer = getattr(holder, "buffer", None)  # wsproto's message buffer
    if isinstance(getattr(buffer, "max_length", None), int):
        buffer.max_length = min(buffer.max_length, limit)
    return True


def uncompressed_websockets(receive: Receive) -> None:
    """Make the server offer no permessage-deflate to WebSocket clients that follow (at the lifespan's start, or
    a first connection's when it has none; as :func:`limit_websocket_frames` finds uvicorn's config): it compresses every frame on the event loop, 35 ms
    for a 1.2 MB chunk of a large stream, time in which no other request is served. Streams are a page's own
    results, sent over a lecture hall's network or the machine itself."""
    config = getattr(server_side(receive), "config", None)
    if config is not None and isinstance(getattr(config, "ws_per_message_deflate", None), bool):
        config.ws_per_message_deflate = False


class Guard:
    """Security headers on every answer, bodies over ``max_body`` refused with 413, WebSocket messages over
    ``max_message`` refused by the server before they are read (:func:`limit_websocket_frames`), and an access
    log line with the time taken. Pure ASGI, so it wraps WebSockets too (they get only the log line)."""

    def __init__(self, app: ASGIApp, max_body: int, max_message: int | None = None):
        self.app = app
        self.max_body = max_body
        self.max_message = max_message

    async def __call__(self, scope: Scope, receive: Receive, send: Send):
        if scope["type"] != "http":
            if self.max_message is not None and scope["type"] in ("lifespan", "websocket"):
                limit_websocket_frames(receive, self.max_message)
            if scope["type"] in ("lifespan", "websocket"):  # (a connection's own offer is answered already)
                uncompressed_websockets(receive)
            return await self.app(scope, receive, send)
        start = time.perf_counter()
        status = {"code": 0}
        path = scope.get("path", "")
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await _too_large(send, self.max_body, path)
            log.info("%s %s 413 body of %s bytes refused", scope["method"], path, declared.decode())
            return
        if declared is None and scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            # a chunked body has no declared length: read it here, up to the limit, so an oversized one is
            # a 413 (the framework would turn an error raised while it reads the body into a 400)
            body, more = [], True
            size = 0
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    return  # the client left while sending
                body.append(message.get("body", b""))
                size += len(body[-1])
                more = message.get("more_body", False)
                if size > self.max_body:
                    await _too_large(send, self.max_body, path)
                    log.info("%s %s 413 chunked body over %s bytes refused", scope["method"], path, self.max_body)
                    return
            receive = _replay(b"".join(body), receive)

        async def send_with_headers(message: Message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + security_headers(path)
            await send(message)

        try:
            with holding():  # light until found heavy: heavy computations step aside meanwhile
                await self.app(scope, receive, send_with_headers)
        except Exception:
            if status["code"]:  # the answer has begun: the server ends the connection
                raise
            # an error no handler took: answered here, with the security headers (outside this middleware,
            # Starlette's own 500 would go out without them), and never with a traceback
            log.exception("unhandled error on %s %s", scope["method"], path)
            status["code"] = 500
            await _answer(send, 500, b'{"detail":"internal error"}', path)
        finally:
            log.info("%s %s %s %.1f ms", scope["method"], path, status["code"], (time.perf_counter() - start) * 1e3)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives ``body`` once, then whatever the connection says next (its disconnect)."""
    sent = {"done": False}

    async def replay() -> Message:
        if not sent["done"]:
            sent["done"] = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _too_large(send: Send, limit: int, path: str):
    body = f'{{"detail":[{{"loc":["body"],"msg":"the request body is larger than {limit} bytes","type":"too_large"}}]}}'
    await _answer(send, 413, body.encode(), path)


async def _answer(send: Send, status: int, body: bytes, path: str):
    """A JSON answer made here (not by the app), with the security headers every answer carries."""
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *security_headers(path)]})
    await send({"type": "http.response.body", "body": body})
