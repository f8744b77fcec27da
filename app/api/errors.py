"""The one place where a refusal becomes an answer: a 422 that names the field (HTTP) or an error frame
(WebSocket), a 503 with ``Retry-After`` when the server is busy or stopping, and no traceback ever."""
from __future__ import annotations

import logging
import math

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from ..services.errors import Refused, Stopped, plain
from ..services.state import MAX_DEPTH
from .templates import TEMPLATES

log = logging.getLogger("slopes.errors")
RETRY_AFTER = "2"  # seconds; a busy pool frees a thread within a chunk or two


class Busy(Exception):
    """A pool cannot take the work now (its queue is full, or the work ahead would keep it past its deadline), or
    the work ran past its deadline: a 503 with ``Retry-After`` (seconds)."""

    def __init__(self, pool: str, message: str | None = None, retry_after: int | None = None):
        super().__init__(message or f"the server is busy computing ({pool}); try again in a moment")
        self.retry_after = str(retry_after) if retry_after is not None else RETRY_AFTER


class ClientGone(Exception):
    """The client closed the connection before its answer was ready; the work has stopped."""


def finite_json(value):
    """``value`` ready for JSON: non-finite floats spelled as strings (an echoed ``NaN`` input is still JSON)
    and lone surrogates replaced (they cannot be written as UTF-8)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, dict):
        return {finite_json(k) if isinstance(k, str) else k: finite_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_json(v) for v in value]
    return value


def detail(exc: Refused, where: str) -> list[dict]:
    """A refusal as FastAPI's 422 detail, each ``loc`` under ``where`` (``body``, ``query``)."""
    return finite_json([{**e, "loc": [where, *e["loc"]]} for e in exc.errors])


def frame(exc: Exception, request_id=None) -> dict:
    """The WebSocket error frame for anything a message could not be used for; ``loc`` as the POST's 422. The id
    is the message's, or the one a refusal carries (read before the refusal)."""
    if request_id is None:
        request_id = getattr(exc, "request_id", None)
    if isinstance(exc, Refused):
        items = detail(exc, "body")
    elif isinstance(exc, Busy | Stopped):
        items = [{"loc": [], "msg": str(exc) or "the server is stopping", "type": "unavailable"}]
    else:
        items = [{"loc": [], "msg": plain(str(exc)), "type": "value_error"}]
    return {"type": "error", "id": request_id, "detail": items}


def _log_refusal(request: Request, items) -> None:
    log.info("rejected %s %s: %s", request.method, request.url.path,
             "; ".join(f"{'.'.join(map(str, e.get('loc', ())))}: {e.get('msg')}" for e in items)[:2000])


PAGES = ("/", "/embed")


def _for_a_person(request: Request) -> bool:
    """A browser opening the page or an embed from a link: it gets a page that says what is wrong, not JSON."""
    return request.method in ("GET", "HEAD") and request.url.path in PAGES and "text/html" in request.headers.get("accept", "")


def _refusal_page(request: Request, items) -> Response:
    lang = "ko" if request.query_params.get("lang") == "ko" or (
        request.query_params.get("lang") is None and request.headers.get("accept-language", "").lower().startswith("ko")) else "en"
    problems = [{"where": ".".join(map(str, e.get("loc", ()))), "msg": str(e.get("msg", ""))[:300]} for e in items][:10]
    home = ("/embed" if request.url.path == "/embed" else "/") + ("?lang=ko" if lang == "ko" else "")
    return TEMPLATES.TemplateResponse(request, "refused.html", {"lang": lang, "problems": problems, "home": home},
                                      status_code=422)


def _refusal(request: Request, items: list) -> Response:
    """A 422 with ``items`` (or, for a person opening a page from a link, a page that says what is wrong); a body
    sent without the JSON content type is told so."""
    if request.method not in ("GET", "HEAD") and "json" not in request.headers.get("content-type", "").lower():
        for item in items:  # curl -d without -H 'content-type: application/json': the body was read as text
            if isinstance(item, dict) and item.get("loc") == ["body"] and item.get("type") == "model_attributes_type":
                item["msg"] = ("the body was not read as JSON: send the header content-type: application/json "
                               f"(got {request.headers.get('content-type') or 'none'})")
    _log_refusal(request, items)
    if _for_a_person(request):
        return _refusal_page(request, items)
    return JSONResponse({"detail": items}, status_code=422)


async def validation_error(request: Request, exc: RequestValidationError) -> Response:
    items = finite_json(jsonable_encoder(exc.errors(), custom_encoder={Exception: str}))
    for item in items:  # the input can be a 250 KB string: say where, not what
        if isinstance(item, dict) and isinstance(item.get("input"), str) and len(item["input"]) > 200:
            item["input"] = item["input"][:200] + "…"
    return _refusal(request, items)


async def refused(request: Request, exc: Refused) -> Response:
    return _refusal(request, detail(exc, "query" if request.method in ("GET", "HEAD") else "body"))


async def unavailable(request: Request, exc: Exception) -> JSONResponse:
    message = str(exc) if isinstance(exc, Busy) else "the server is stopping; try again in a moment"
    log.info("503 %s %s: %s", request.method, request.url.path, message)
    retry = exc.retry_after if isinstance(exc, Busy) else RETRY_AFTER
    return JSONResponse({"detail": message}, status_code=503, headers={"Retry-After": retry})


async def client_gone(request: Request, exc: ClientGone) -> Response:
    log.info("client left %s %s: its work stopped", request.method, request.url.path)
    return Response(status_code=499)  # nobody reads it; the access log shows what happened


async def http_error(request: Request, exc) -> JSONResponse:
    """FastAPI's own shape for HTTP errors, plus a log line for every refused input. A body too deeply nested
    for the JSON parser (FastAPI's 400 "error parsing the body", from a RecursionError) is the 422 at ``body``
    the WebSocket gives for it; a body :mod:`app.api.bodies` refused (a 5000-digit number, ``1e-400``) is the 422
    naming that field."""
    if exc.status_code == 400 and isinstance(exc.__cause__, RecursionError):
        return await refused(request, Refused([], f"nested more than {MAX_DEPTH} levels deep"))
    if exc.status_code == 400 and isinstance(exc.__cause__, Refused):  # the body, read by app.api.bodies
        return await refused(request, exc.__cause__)
    if 400 <= exc.status_code < 500 and exc.status_code != 404:
        log.info("rejected %s %s: %s", request.method, request.url.path, plain(str(exc.detail))[:2000])
    return JSONResponse({"detail": finite_json(exc.detail)}, status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))


async def internal_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse({"detail": "internal error"}, status_code=500)


def install(app) -> None:
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Refused, refused)
    app.add_exception_handler(Busy, unavailable)
    app.add_exception_handler(Stopped, unavailable)
    app.add_exception_handler(ClientGone, client_gone)
    from starlette.exceptions import HTTPException as StarletteHTTPException

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, internal_error)
