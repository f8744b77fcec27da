"""POST /api/runs: every trajectory at once. The streaming twin lives in :mod:`.stream`."""
from __future__ import annotations

from fastapi import APIRouter, Request

from .. import services
from .compute import compute_for
from ..schemas import RunRequest, RunResponse
from .serialize import FastJSON
from .bodies import JSONRoute

router = APIRouter(prefix="/api/runs", tags=["runs"], route_class=JSONRoute)


@router.post("", response_model=RunResponse, responses={503: {"description": "busy or stopping; see Retry-After"}})
async def post_runs(body: RunRequest, request: Request):
    """Run every optimizer from ``start`` for ``steps`` steps (fewer if it diverges)."""
    return FastJSON(await compute_for(request, services.run_request, body))
