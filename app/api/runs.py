"""POST /api/runs: every trajectory at once. The streaming twin lives in :mod:`.stream`."""
from __future__ import annotations

from fastapi import APIRouter, Request

from .. import services
from ..schemas import RunRequest, RunResponse
from .bodies import JSONRoute
from .compute import compute, compute_for
from .fairness import GATE
from .serialize import AnswerResponse, gzip_accepted, gzipped

router = APIRouter(prefix="/api/runs", tags=["runs"], route_class=JSONRoute)


def _answer(plan, compress: bool, stop) -> tuple[list[bytes], str | None]:
    """The answer's JSON in parts (compressed for a client that takes gzip), written in the worker (a 100 MB answer
    would hold the event loop for a while) chunk by chunk, with heavy work stepping aside for light work between
    chunks and runs."""
    between = None if plan.cost.light else GATE.step_aside
    parts = services.answer_json(plan, stop=stop, between=between)
    return gzipped(parts, between) if compress else (parts, None)


@router.post("", response_model=RunResponse, responses={503: {"description": "busy or stopping; see Retry-After"}})
async def post_runs(body: RunRequest, request: Request):
    """Run every optimizer from ``start`` for ``steps`` steps (fewer if it diverges)."""
    compress = gzip_accepted(request)
    # the checks, the estimates (time, with the answer's sending; the answer's size) and their limits: light work, a
    # 422 at once
    plan = await compute(services.plan_answer, body, compress)
    return AnswerResponse(*await compute_for(request, _answer, plan, compress, cost=plan.cost))
