"""POST /api/rules/check: a rule and its answer."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from .catalogue import ParamOut
from .fields import STRICT, Params, Text


class RuleCheckIn(BaseModel):
    model_config = STRICT
    rule: Text = Field(max_length=10_000, description="the update rule: lines name = expression")
    params: Params | None = Field(None, description="the values a run would give: names the rule reads and these "
                                                    "do not give are errors too")


class RuleErrorOut(BaseModel):
    line: int | None = Field(description="1-based; null: the whole rule")
    column: int | None = Field(description="1-based; null: the whole line")
    param: str | None = Field(None, description="a key of params the rule never reads")
    message: str


class RuleCheckOut(BaseModel):
    ok: bool
    errors: list[RuleErrorOut]
    lines: list[dict[str, Any]] = Field(description="[{line, target, kind: 'point' | 'state', text}]")
    state: list[str] = Field(description="the names the rule assigns other than p (include: ['state'])")
    params: list[ParamOut] = Field(description="lr and every hyperparameter the rule reads, with a suggested "
                                               "default and slider")
    terms: list[str] = Field(description="the terms an explained step reports (include: ['terms'])")
    quantities: list[str] = Field(default_factory=list)
    evaluations_per_step: int | None = Field(description="the rule's cost a step, in surface evaluations")
    grads: int = 0
    update: str = Field("", description="the rule in LaTeX")
