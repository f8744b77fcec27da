"""The page's view options inside ``?state=``: what reaches the page's DOM, so every value is typed."""
from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from ..settings import settings
from .fields import STRICT, Float, Int, Text
from .requests import DomainIn


Color = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$", description="#rrggbb")]
Word = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")]
_PLAIN = re.compile(r"^[A-Za-z0-9 _.:#,-]{0,100}$")


def plain_scalar(value):
    """A view option the server does not know: a bool, null, a finite number or a short plain word."""
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float) and abs(value) < 1e300:
        return value
    if isinstance(value, str) and _PLAIN.match(value):
        return value
    raise ValueError("an unknown view option may only hold true/false, null, a finite number or a short plain "
                     "word (letters, digits, space and _ . : # , -)")


class InspectIn(BaseModel):
    """The step inspector's place: lane ``lane`` (0-based), step ``step`` (0-based: from point k to k + 1)."""
    model_config = STRICT
    lane: Int = Field(ge=0, le=settings.max_optimizers)
    step: Int = Field(ge=0, le=10 ** 7)


class ViewIn(BaseModel):
    """The page's view options inside ``?state=``: what reaches the page's DOM, so every value is typed."""
    model_config = ConfigDict(extra="allow", allow_inf_nan=False)
    mode: Word | None = None
    arrows: StrictBool | None = None
    step: Float | None = Field(None, ge=0, le=1e7)  # the player's cursor
    theme: Literal["light", "dark"] | None = None
    lang: Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Za-z]{2,4})?$")] | None = None
    colors: list[Color | None] = Field(default_factory=list, max_length=256, description="lane colours, #rrggbb")
    sweep: Word | None = None
    cloud: StrictBool | None = None
    tuned: StrictBool | None = None
    lesson: Word | None = None
    caption: Text | None = Field(None, max_length=300)
    zoom: DomainIn | None = Field(None, description="the plot's box, {x: [x0, x1], y: [y0, y1]}; null: the domain")
    equal: StrictBool | None = None
    markers: Word | None = None
    inspect: InspectIn | None = Field(None, description="the step inspector, open on {lane, step}")
    test_contour: StrictBool | None = Field(None, description="draw the test landscape's contour (surfaces with a "
                                                              "test_shift)")
    # read by /embed and the offline export (issue 16)
    autoplay: StrictBool | None = None
    loop: StrictBool | None = None
    interactive: StrictBool | None = Field(None, description="clicks, drags and legend clicks may change the figure")
    variants: list[dict[str, Any]] | None = Field(None, max_length=8, description="the export only: patches of the "
                                                  "state precomputed so that slopes:update can show them offline")

    @model_validator(mode="after")
    def _plain_extras(self):
        for key, value in (self.model_extra or {}).items():
            if not _PLAIN.match(key) or not key:
                raise ValueError(f"unknown view option {key[:40]!r}: a name is letters, digits and _ only")
            try:
                plain_scalar(value)
            except ValueError as e:
                raise ValueError(f"view.{key}: {e}") from None
        return self
