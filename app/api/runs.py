"""POST /api/runs: every trajectory at once. The streaming twin lives in :mod:`.stream`."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from .. import services
from ..schemas import RunRequest, RunResponse
from .bodies import JSONRoute
from .compute import compute, compute_for
from .fairness import GATE
from .serialize import dumps_answer

router = APIRouter(prefix="/api/runs", tags=["runs"], route_class=JSONRoute)


def _answer(plan, stop) -> bytes:
    """The answer's JSON, written in the worker (a 30 MB answer would hold the event loop for a while), run by run
    with heavy work stepping aside for light work in between."""
    return dumps_answer(services.run_request(plan, stop=stop), between=None if plan.cost.light else GATE.step_aside)


@router.post("", response_model=RunResponse, responses={503: {"description": "busy or stopping; see Retry-After"}})
async def post_runs(body: RunRequest, request: Request):
    """Run every optimizer from ``start`` for ``steps`` steps (fewer if it diverges)."""
    plan = await compute(services.plan_runs, body)  # the checks, the estimate and its budget: light work, a 422 at once
    return Response(await compute_for(request, _answer, plan, cost=plan.cost), media_type="application/json")
