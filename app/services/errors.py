"""Refusals the services raise, whoever called them: a route turns them into a 422 (in one place,
:mod:`app.api.errors`), a WebSocket into an error frame, the CLI into a message, a notebook into an exception."""
from __future__ import annotations

import re

from pydantic import ValidationError

_SURROGATE = re.compile("[\ud800-\udfff]")


class Refused(ValueError):
    """Input the app cannot use. ``errors`` is FastAPI's 422 detail, ``[{"loc", "msg", "type"}]``, with each
    ``loc`` relative to the request (the web layer adds ``body`` or ``query``)."""

    def __init__(self, loc: list, msg: str, kind: str = "value_error", ctx: dict | None = None):
        item = {"loc": list(loc), "msg": msg, "type": kind}
        if ctx:
            item["ctx"] = ctx
        self.errors = [item]
        super().__init__(self.summary())

    @classmethod
    def from_errors(cls, errors: list[dict]) -> "Refused":
        self = cls.__new__(cls)
        self.errors = errors
        ValueError.__init__(self, self.summary())
        return self

    @classmethod
    def from_validation(cls, error: ValidationError, prefix: tuple = ()) -> "Refused":
        """pydantic's errors, JSON-safe (no input echoed back: it may be huge or not text), under ``prefix``."""
        items = []
        for e in error.errors(include_url=False, include_input=False, include_context=False):
            items.append({"loc": [*prefix, *e["loc"]], "msg": e["msg"], "type": e["type"]})
        return cls.from_errors(items)

    def under(self, *prefix) -> "Refused":
        """The same refusal with every ``loc`` placed under ``prefix`` (a run request inside a state)."""
        return Refused.from_errors([{**e, "loc": [*prefix, *e["loc"]]} for e in self.errors])

    @property
    def loc(self) -> list:
        return self.errors[0]["loc"]

    @property
    def msg(self) -> str:
        return self.errors[0]["msg"]

    def summary(self) -> str:
        first = self.errors[0]
        where = ".".join(str(p) for p in first["loc"])
        return plain(f"{where}: {first['msg']}" if where else first["msg"])


class Stopped(Exception):
    """The work was stopped before its end: its client left, or the server is shutting down."""


def plain(text: str) -> str:
    """``text`` with every lone surrogate replaced, so it can be written as UTF-8 (a log line, a JSON answer)."""
    return _SURROGATE.sub("\ufffd", text)


def validate(model, data, prefix: tuple = ()):
    """``model.model_validate(data)``; a :class:`Refused` naming the field otherwise."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise Refused.from_validation(e, prefix) from None
