"""Error answers: 422s that name the field and stay valid JSON, and no traceback ever."""
from __future__ import annotations

import logging
import math

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

log = logging.getLogger("slopes.errors")


def finite_json(value):
    """``value`` with every non-finite float spelled as a string: an echoed ``NaN`` input is still JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: finite_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_json(v) for v in value]
    return value


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    detail = finite_json(jsonable_encoder(exc.errors(), custom_encoder={Exception: str}))
    log.info("rejected %s %s: %s", request.method, request.url.path,
             "; ".join(f"{'.'.join(map(str, e.get('loc', ())))}: {e.get('msg')}" for e in detail))
    return JSONResponse({"detail": detail}, status_code=422)


async def http_error(request: Request, exc) -> JSONResponse:
    """FastAPI's own shape for HTTP errors, plus a log line for every refused input."""
    if 400 <= exc.status_code < 500 and exc.status_code != 404:
        log.info("rejected %s %s: %s", request.method, request.url.path, exc.detail)
    return JSONResponse({"detail": finite_json(exc.detail)}, status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))


async def internal_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse({"detail": "internal error"}, status_code=500)
