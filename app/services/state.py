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


def decode_state(text: str | None) -> dict:
    """The JSON object inside a base64url ``state`` parameter; a refusal naming ``state`` otherwise. An empty or
    absent parameter is the empty state (every field its default: the page's default view)."""
    if not text:
        return {}
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


MAX_DIGITS = 4300  # Python's own limit for int("...") (sys.get_int_max_str_digits): longer is refused at the field


class _Unreadable:
    """A number literal JSON allows and a float64 or a sane int cannot hold, left where it was read so that the
    refusal can name its field: a whole number of thousands of digits, or a literal such as ``1e-400`` that
    would silently become 0."""

    def __init__(self, text: str, why: str):
        self.text, self.why = text, why


def _number_readers(odd: list):
    def read_int(text: str):
        digits = len(text) - text.startswith("-")
        if digits > MAX_DIGITS:
            odd.append(True)
            return _Unreadable(text, f"a whole number of {digits} digits: at most {MAX_DIGITS} are read")
        return int(text)

    def read_float(text: str):
        value = float(text)
        if value == 0.0:
            if any(c in "123456789" for c in text.lower().split("e")[0]):
                odd.append(True)
                return _Unreadable(text, f"{text[:40]} is too small for a 64-bit float: it would be read as 0 "
                                         f"(the smallest positive number is about 5e-324); write 0 for zero")
            return 0.0  # -0.0 is read as 0.0: it is never echoed
        return value

    return read_int, read_float


def read_json(text: str | bytes, loc: list):
    """:func:`load_json` without the finite check: ``NaN``, ``Infinity`` and ``-Infinity`` read as floats, for a
    caller that needs a field (a WebSocket message's ``id``) before :func:`refuse_non_finite` names the place.
    A number no float64 or sane int holds (``1e-400``, which would become 0, or 5000 digits) is refused at its
    field; ``-0.0`` is read as ``0.0``."""
    try:
        return parse_json(text, loc)
    except Refused:
        raise
    except (ValueError, TypeError) as e:
        raise Refused(loc, f"not JSON: {str(e)[:200]}", "json") from None


def parse_json(text: str | bytes, loc: list):
    """:func:`read_json` leaving a syntax error (``json.JSONDecodeError``, ``UnicodeDecodeError``) to the caller: a
    POST body's syntax error keeps FastAPI's answer, which points at the position."""
    odd: list = []
    read_int, read_float = _number_readers(odd)
    try:
        value = json.loads(text, parse_int=read_int, parse_float=read_float)
    except RecursionError:
        raise Refused(loc, f"nested more than {MAX_DEPTH} levels deep") from None
    check_depth(value, loc)
    if odd:
        _refuse_unreadable(value, loc)
    return value


def _refuse_unreadable(value, loc: list) -> None:
    stack = [(value, ())]
    while stack:
        item, where = stack.pop()
        if isinstance(item, _Unreadable):
            raise Refused([*loc, *where], item.why, "number")
        if isinstance(item, dict):
            stack.extend((v, (*where, k)) for k, v in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend((v, (*where, i)) for i, v in reversed(list(enumerate(item))))


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


STATE_KEYS = frozenset(RunRequest.model_fields) | {"view"}


def known_keys(state: dict) -> dict:
    """The state without top-level keys that are neither a run request's field nor ``view``: every page drops
    them alike (the page's own ``sanitize`` does; a newer page's key is no error in an older server's export)."""
    return {k: v for k, v in state.items() if k in STATE_KEYS}


def parse_state(state: dict) -> tuple[RunRequest, ViewIn]:
    """The run request and the view options of a decoded state (unknown top-level keys dropped, see
    :func:`known_keys`); refusals name ``state.<field>``."""
    view = parse_view(state)
    request = validate(RunRequest, {k: v for k, v in known_keys(state).items() if k != "view"}, ("state",))
    return request, view
