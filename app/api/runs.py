"""POST /api/runs: every trajectory at once. The streaming twin lives in :mod:`.stream`."""
from __future__ import annotations

from fastapi import APIRouter

from ..engine import Simulation, collect
from .build import Plan, plan_runs
from .compute import compute
from .schemas import RunRequest, RunResponse
from .serialize import FastJSON, run_json

router = APIRouter(prefix="/api/runs", tags=["runs"])


def run_plan(plan: Plan) -> dict:
    sim = Simulation(plan.surface, plan.runs, plan.steps, plan.gradient, record_state=plan.include_state)
    results = collect(sim, [sim.advance(plan.steps)])
    return response_body(plan, results)


def response_body(plan: Plan, results: list[dict]) -> dict:
    return {"surface": plan.surface.id, "start": list(plan.start), "steps": plan.steps,
            "runs": [run_json(e, r, spec.uses_gradient) for e, r, spec in zip(plan.echo, results, plan.runs)]}


@router.post("", response_model=RunResponse)
async def post_runs(request: RunRequest):
    """Run every optimizer from ``start`` for ``steps`` steps (fewer if it diverges)."""
    plan = await compute(plan_runs, request)
    return FastJSON(await compute(run_plan, plan))
