"""GET /api/lessons: the presets, with captions in English and Korean."""
from fastapi import APIRouter

from ..lessons import LESSONS

router = APIRouter(prefix="/api/lessons", tags=["lessons"])


@router.get("")
async def list_lessons():
    return LESSONS
