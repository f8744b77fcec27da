"""GET /api/verdicts: what a run's summary may say, in both languages."""
from __future__ import annotations

from fastapi import APIRouter

from ..schemas import VerdictOut
from ..verdicts import catalogue

router = APIRouter(prefix="/api/verdicts", tags=["runs"])


@router.get("", response_model=list[VerdictOut])
async def list_verdicts():
    """Every verdict a run's ``summary`` may give (reached, moving, stalled, diverged, no_steps), its name and meaning
    in both languages, and the tolerances the summary judges by."""
    return catalogue()
