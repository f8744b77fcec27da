"""The ``?state=`` parameter: base64url of a run request plus view options. Decoded and checked here, once,
for every page and export that takes it."""
from __future__ import annotations

import base64
import binascii
import json
import math

from ..schemas import RunRequest, ViewIn
from ..settings import settings
from .errors import Refused, validate

MAX_DEPTH = 32  # nesting of the state's JSON (a real state is 5 deep)


def decode_state(text: str) -> dict:
    """The JSON object inside a base64url ``state`` parameter; a refusal naming ``state`` otherwise."""
    if len(text) > settings.max_state:
        raise Refused(["state"], f"state is longer than {settings.max_state} characters")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("utf-8")
    except (binascii.Error, ValueError):
        raise Refused(["state"], "state is not base64url-encoded UTF-8 text") from None
    state = load_json(raw, ["state"])
    if not isinstance(state, dict):
        raise Refused(["state"], "state must encode a JSON object")
    return state


def load_json(text: str | bytes, loc: list):
    """JSON as the API reads it anywhere: no NaN or Infinity, at most :data:`MAX_DEPTH` levels; a refusal at
    ``loc`` otherwise (at the very field for a NaN or Infinity, as a POST body's validation names it). (A lone
    surrogate escape parses, and the field that holds it refuses it, so the answer names that field.)"""
    value = read_json(text, loc)
    refuse_non_finite(value, loc)
    return value


def read_json(text: str | bytes, loc: list):
    """:func:`load_json` without the finite check: ``NaN``, ``Infinity`` and ``-Infinity`` read as floats, for a
    caller that needs a field (a WebSocket message's ``id``) before :func:`refuse_non_finite` names the place."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise Refused(loc, f"nested more than {MAX_DEPTH} levels deep") from None
    except (ValueError, TypeError) as e:
        raise Refused(loc, f"not JSON: {str(e)[:200]}", "json") from None
    check_depth(value, loc)
    return value


def refuse_non_finite(value, loc: list) -> None:
    """A refusal at the first place (``loc`` + keys and indices) that holds NaN or an infinity, if any."""
    stack = [(value, ())]
    while stack:
        item, where = stack.pop()
        if isinstance(item, float):
            if not math.isfinite(item):
                raise Refused([*loc, *where], f"Input should be a finite number ({item!r} is not a JSON number)",
                              "finite_number")
        elif isinstance(item, dict):
            stack.extend((v, (*where, k)) for k, v in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend((v, (*where, i)) for i, v in reversed(list(enumerate(item))))


def check_depth(value, loc: list, limit: int = MAX_DEPTH) -> None:
    """Refuse JSON nested deeper than ``limit`` (iteratively: no recursion to exhaust)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise Refused(loc, f"nested more than {limit} levels deep")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


def parse_view(state: dict) -> ViewIn:
    view = state.get("view")
    return validate(ViewIn, {} if view is None else view, ("state", "view"))


def parse_state(state: dict) -> tuple[RunRequest, ViewIn]:
    """The run request and the view options of a decoded state; refusals name ``state.<field>``."""
    view = parse_view(state)
    request = validate(RunRequest, {k: v for k, v in state.items() if k != "view"}, ("state",))
    return request, view
