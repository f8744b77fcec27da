"""GET /api/schedules."""
from __future__ import annotations

from fastapi import APIRouter

from ..schedules import catalogue
from ..schemas import ScheduleOut

router = APIRouter(prefix="/api/schedules", tags=["schedules"])


@router.get("", response_model=list[ScheduleOut])
async def list_schedules():
    """Every learning-rate schedule type, with its parameters' defaults, bounds and labels in both languages."""
    return catalogue()
