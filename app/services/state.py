"""The ``?state=`` parameter: base64url of a run request plus view options. Decoded and checked here, once,
for every page and export that takes it."""
from __future__ import annotations

import base64
import binascii

import orjson

from ..api.schemas import RunRequest, ViewIn
from ..settings import settings
from .errors import Refused, validate

MAX_DEPTH = 32  # nesting of the state's JSON (a real state is 5 deep)


def decode_state(text: str) -> dict:
    """The JSON object inside a base64url ``state`` parameter; a refusal naming ``state`` otherwise."""
    if len(text) > settings.max_state:
        raise Refused(["state"], f"state is longer than {settings.max_state} characters")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        state = orjson.loads(raw)  # strict UTF-8, no NaN tokens, no lone surrogates, bounded nesting
    except (binascii.Error, ValueError):
        raise Refused(["state"], "state is not base64url-encoded JSON (UTF-8, no NaN, no lone surrogates)") from None
    if not isinstance(state, dict):
        raise Refused(["state"], "state must encode a JSON object")
    check_depth(state, ["state"])
    return state


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
