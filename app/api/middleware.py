"""Cross-cutting HTTP concerns: security headers, a body-size limit, and one log line per request."""
from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class Guard:
    """Security headers on every answer, bodies over ``max_body`` refused with 413, and an access log line
    with the time taken. Pure ASGI, so it wraps WebSockets too (they get only the log line)."""

    def __init__(self, app: ASGIApp, max_body: int):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start = time.perf_counter()
        status = {"code": 0}
        path = scope.get("path", "")
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await _too_large(send, self.max_body)
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
                    await _too_large(send, self.max_body)
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
            await self.app(scope, receive, send_with_headers)
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


async def _too_large(send: Send, limit: int):
    body = f'{{"detail":[{{"loc":["body"],"msg":"the request body is larger than {limit} bytes","type":"too_large"}}]}}'
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body.encode()})
