"""The field types every body shares: strict numbers, text without lone surrogates, points, params."""
from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Strict

STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)
_SURROGATE = re.compile("[\ud800-\udfff]")


def no_surrogates(text: str) -> str:
    """Refuse a lone surrogate (JSON's ``"\\udc00"``): it is not a character and cannot be written back."""
    if _SURROGATE.search(text):
        raise ValueError("a lone surrogate (\\ud800-\\udfff) is not valid Unicode text")
    return text


def no_bool(value):
    """``true`` is not a number (pydantic's lax mode would read it as 1)."""
    if isinstance(value, bool):
        raise ValueError("a number is expected, not true/false")
    return value


Text = Annotated[str, AfterValidator(no_surrogates)]
# strict: "50" is not a number (pydantic's lax mode would read it as 50, while params.lr "0.1" is refused);
# a whole number is still a fine float
Int = Annotated[int, BeforeValidator(no_bool), Strict()]
Float = Annotated[float, BeforeValidator(no_bool), Strict()]
Point = list[Float]


def _distinct(values: list) -> list:
    if len(set(values)) != len(values):
        raise ValueError("each name at most once")
    return values


def _absent_as(empty):
    """An optional field given as ``null``: the same as leaving it out (OpenAPI says null is allowed)."""
    return AfterValidator(lambda v: empty() if v is None else v)
Params = dict[Text, Any]
