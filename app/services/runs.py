"""Running a run request: the one path from a request to the ``POST /api/runs`` answer, shared by the
route, the WebSocket (chunk by chunk), the exports, the CLI and the notebook."""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..schemas import RunRequest
from ..engine import Interrupted, Simulation, collect
from ..settings import settings
from .errors import Stopped
from .planning import Plan, plan_runs

Stop = Callable[[], bool]


def array(a) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=float)


def run_json(echo: dict, result: dict, uses_gradient: bool, test_losses=None) -> dict:
    """One run as the API gives it: the echoed set-up, then the trajectory; ``test_losses`` (surfaces with a
    test landscape) is the loss there at each point."""
    out = {**echo,
           "points": array(result["points"]), "losses": array(result["losses"]), "lrs": array(result["lrs"]),
           "gradients": array(result["gradients"]) if uses_gradient else None,
           "status": result["status"], "steps_run": result["steps_run"],
           "diverged_at": result["steps_run"] + 1 if result["status"] == "diverged" else None}
    if test_losses is not None:
        out["test_losses"] = array(test_losses)
    if "state" in result:
        out["state"] = result["state"]
    if "proposals" in result:
        out["proposals"] = array(result["proposals"])
        out["accepted"] = np.ascontiguousarray(result["accepted"])
    out.update(step_extras(result, result["points"][0]))
    return out


def step_extras(part: dict, start=None) -> dict:
    """What some optimizers report per step: Schedule-Free's ``averaged`` point (its ``eval()`` point, aligned
    with ``points``: ``start`` first when given), LBFGS's ``evaluations`` (a count per step) and
    ``evaluation_points`` (per step, the points evaluated, the step's start first). Used for the whole answer
    and for each WebSocket chunk alike."""
    out = {}
    if "averaged" in part:
        averaged = array(part["averaged"]).reshape(-1, 2)
        out["averaged"] = averaged if start is None else np.concatenate([array(start).reshape(1, 2), averaged])
    if "evaluations" in part and np.any(part["evaluations"]):  # zeros: a run that does not evaluate
        out["evaluations"] = np.ascontiguousarray(part["evaluations"], dtype=np.int64)
        out["evaluation_points"] = [array(pts).reshape(-1, 2) for pts in part["evaluation_points"]]
    return out


def run_plan(plan: Plan, stop: Stop | None = None) -> dict:
    """Every run of ``plan`` to its end, chunk by chunk; ``stop()`` is asked between chunks and, when it
    says so, the work ends there with :class:`Stopped` (its client has left, the server is stopping)."""
    sim = Simulation(plan.surface, plan.runs, plan.steps, plan.gradient, record_state=plan.include_state)
    sim.interrupt.test = stop  # asked inside a step too, when it evaluates many times (LBFGS)
    chunks = []
    # chunks of about CHUNK_SECONDS of work: stop() (which also lets light work go first) is asked that often
    size = plan.cost.chunk_steps(sim.chunk_steps(settings.ws_chunk_steps)) if plan.cost else \
        sim.chunk_steps(settings.ws_chunk_steps)
    while not sim.done:
        if stop is not None and stop():
            raise Stopped()
        try:
            chunks.append(sim.advance(size))
        except Interrupted:
            raise Stopped() from None
    if not chunks:  # zero steps: one empty chunk still carries the starts
        chunks.append(sim.advance(0))
    return response_body(plan, collect(sim, chunks))


def response_body(plan: Plan, results: list[dict]) -> dict:
    return {"surface": plan.surface.id, "start": list(plan.start), "steps": plan.steps,
            "runs": [run_json(e, r, spec.uses_gradient, plan.surface.test_losses(r["points"]))
                     for e, r, spec in zip(plan.echo, results, plan.runs)]}


def run_request(request: RunRequest | dict | Plan, *, stop: Stop | None = None) -> dict:
    """What ``POST /api/runs`` answers for ``request`` (its body as a dict, a validated :class:`RunRequest`, or
    its :class:`Plan` already); trajectories as numpy arrays. Raises :class:`~app.services.errors.Refused`
    naming the field for bad input, :class:`~app.services.errors.Stopped` if ``stop()`` said so."""
    return run_plan(request if isinstance(request, Plan) else plan_runs(request), stop)
