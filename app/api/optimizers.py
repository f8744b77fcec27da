"""GET /api/optimizers."""
from __future__ import annotations

from fastapi import APIRouter

from ..optimizers import OPTIMIZERS
from ..schemas import OptimizerOut

router = APIRouter(prefix="/api/optimizers", tags=["optimizers"])


@router.get("", response_model=list[OptimizerOut])
async def list_optimizers():
    return [o.metadata() for o in OPTIMIZERS.values()]
