"""GET /api/rules (the grammar of an update rule, its limits, examples) and POST /api/rules/check."""
from __future__ import annotations

from fastapi import APIRouter

from ..schemas import RuleCheckIn, RuleCheckOut
from ..services import rules
from .compute import compute

router = APIRouter(prefix="/api/rules", tags=["rules"])


@router.get("")
async def rule_grammar():
    """What a rule for optimizer ``custom`` may contain: names, functions, limits, examples to start from."""
    return rules.grammar()


@router.post("/check", response_model=RuleCheckOut)
async def check_rule(body: RuleCheckIn):
    """A rule checked: every line's error (line and column), its state, its hyperparameters with slider specs,
    the terms an explained step reports. A bad rule is an answer (``ok: false``), not a 422."""
    return await compute(rules.check, body)
