"""Error answers, as OpenAPI documents them."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorOut(BaseModel):
    detail: Any = Field(description="what was wrong, and where: FastAPI's [{loc, msg, type}] or a sentence")


ERROR_RESPONSES = {
    400: {"model": ErrorOut, "description": "the body is not JSON (or not UTF-8)"},
    404: {"model": ErrorOut, "description": "no such surface"},
    413: {"model": ErrorOut, "description": "the body is larger than the limit"},
    422: {"model": ErrorOut, "description": "a field is missing, malformed or out of range; detail names it"},
}
