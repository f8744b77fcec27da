"""Limits and knobs, in one place: a pydantic-settings model, each field overridden by the environment variable
``SLOPES_<NAME>`` (upper case).

Every value is checked when the app starts, against the bounds of its field: a bad one stops it with a message
naming the variable (``SLOPES_COMPUTE_THREADS=0`` would otherwise hang every request). A whole number may be
written ``30000``, ``30_000`` or ``3e4``. The engine, the schemas and the page (through ``GET /api/limits``)
read the same object."""
from __future__ import annotations

import math
import os
from typing import Annotated

from pydantic import AliasGenerator, BeforeValidator, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PREFIX = "SLOPES_"


def _whole(value):
    """A whole number from the environment's text (``3e4``, ``30_000``); other values as they are."""
    if not isinstance(value, str):
        return value
    text = value.strip().replace("_", "")
    try:
        return int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            raise ValueError("is not a whole number") from None
    if not math.isfinite(number) or number != int(number):
        raise ValueError("is not a whole number")
    return int(number)


def Whole(lo: int, hi: int):  # noqa: N802  (a type)
    return Annotated[int, BeforeValidator(_whole), Field(ge=lo, le=hi)]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        case_sensitive=True, frozen=True, extra="ignore", populate_by_name=True,
        alias_generator=AliasGenerator(validation_alias=lambda name: PREFIX + name.upper()))

    max_steps: Whole(1, 1_000_000) = 20_000  # steps of one run
    max_optimizers: Whole(1, 1024) = 32  # lanes in one request
    max_grid: Whole(2, 4000) = 1000  # n of a surface grid
    compute_threads: Whole(1, 256) = 4  # worker threads for computation (the event loop never computes)
    ws_chunk_steps: Whole(1, 1_000_000) = 500  # steps per streamed chunk (the first is smaller: a quick first paint)
    ws_first_chunk_steps: Whole(1, 1_000_000) = 25  # (at most ws_chunk_steps)
    max_label: Whole(1, 10_000) = 120
    max_basin_n: Whole(2, 4000) = 400  # starts per side of a basin map
    max_point_steps: Whole(1, 10 ** 12) = 200_000_000  # runs x steps of one basin map or sweep (about 4 s of work)
    max_sweep_cells: Whole(1, 10 ** 7) = 40_000
    # lanes x steps x surface evaluations per step of one run request (most optimizers evaluate once a step, LBFGS
    # up to max_eval times); unset, max_steps x max_optimizers, so every run of one-evaluation optimizers fits
    max_run_evaluations: Whole(1, 10 ** 12) | None = None
    max_body: Whole(1024, 1 << 30) = 256 * 1024  # bytes of a request body
    max_ws_message: Whole(1024, 1 << 30) = 256 * 1024  # bytes of one WebSocket message
    # characters of a ?state= parameter (uvicorn's httptools refuses a URL over 65,535 bytes with its own 400)
    max_state: Whole(1024, 65_000) = 60 * 1024
    ws_idle_seconds: Whole(1, 10 ** 7) = 900  # a socket that sends nothing for this long is closed
    map_threads: Whole(1, 256) = 2  # threads for basin maps and sweeps (a pool of their own)
    max_queue: Whole(0, 100_000) = 16  # HTTP computations waiting for a busy pool beyond this are refused with 503
    shutdown_seconds: Whole(1, 3600) = 5  # on SIGTERM, work in flight gets this long to end (uvicorn's graceful stop)
    # fairness (app/api/compute.py): each request's cost is estimated before it runs (app/services/costs.py, seconds
    # of one worker's CPU as benchmarks/costs.py measured them); what is under light_request_ms runs in a lane of
    # its own that heavy work never holds and steps aside for
    light_threads: Whole(1, 256) = 2
    light_request_ms: Whole(0, 10 ** 6) = 100
    light_target_ms: Whole(1, 10 ** 6) = 300  # GET /readyz fails while a light request would wait longer than this
    max_request_seconds: Whole(1, 86_400) = 10  # one request's estimated cost; over it, a 422 naming what to shrink
    # megabytes (10^6 bytes) of JSON of one POST /api/runs answer, estimated before it runs (app/services/answers.py);
    # over it, a 422 naming include or steps. 128: every request without include the other limits allow fits (the
    # largest, 32 lanes x 20,000 steps of Schedule-Free AdamW with a schedule on flat_sharp: 121 MB), 32 lanes x
    # 20,000 steps of Adam with include state (134 MB) does not; the WebSocket sends any size in chunks
    max_answer_mb: Whole(1, 100_000) = 128
    request_deadline_seconds: Whole(1, 86_400) = 120  # heavy work that would not end by then is refused; at it, stopped
    allowed_origins: str = ""  # comma-separated origins (https://slides.example) whose pages may open WebSockets
    chromium: str = ""  # the Chromium or Chrome `slopes export` draws PNG, SVG, GIF and video with (default: chromium on the PATH)

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for origin in _split(value):
            if not origin.startswith(("http://", "https://")) or origin.count("/") != 2:
                raise ValueError(f"{origin!r} is not an origin like https://host[:port]")
        return value.strip()

    @model_validator(mode="after")
    def _derived(self) -> "Settings":
        if self.max_run_evaluations is None:  # by default every run of one-evaluation optimizers the limits allow
            self.__dict__["max_run_evaluations"] = self.max_steps * self.max_optimizers
        self.__dict__["ws_first_chunk_steps"] = min(self.ws_first_chunk_steps, self.ws_chunk_steps)
        return self

    def origins(self) -> list[str]:
        return _split(self.allowed_origins)


def _split(origins: str) -> list[str]:
    return [o.strip().rstrip("/") for o in origins.split(",") if o.strip()]


class SettingsError(ValueError):
    pass


def _bounds(field: str) -> tuple:
    """The ``(smallest, largest)`` value a field accepts (None where unbounded)."""
    lo = hi = None
    info = Settings.model_fields.get(field)
    for m in info.metadata if info is not None else ():
        lo, hi = getattr(m, "ge", lo), getattr(m, "le", hi)
    return lo, hi


def _refusal(error: ValidationError) -> SettingsError:
    """The first bad variable, named, with its value and what it must be."""
    e = error.errors(include_url=False)[0]
    name = str(e["loc"][0]) if e["loc"] else PREFIX + "*"
    if e["type"] in ("greater_than_equal", "less_than_equal"):
        lo, hi = _bounds(name[len(PREFIX):].lower())
        if lo is not None and hi is not None:
            return SettingsError(f"{name}={e['input']!r} is out of range: it must be in [{lo}, {hi:,}]")
        limit = e.get("ctx", {})
        side = f"at least {limit['ge']}" if "ge" in limit else f"at most {limit.get('le'):,}"
        return SettingsError(f"{name}={e['input']!r} is out of range: it must be {side}")
    message = e["msg"].removeprefix("Value error, ")
    return SettingsError(f"{name}={e['input']!r} {message}" if message.startswith("is ") else f"{name}: {message}")


def load_settings(environ=None) -> Settings:
    """Settings from ``SLOPES_*`` variables (``environ``: a mapping in their place, else the process's
    environment); a :class:`SettingsError` naming the first bad one."""
    try:
        if environ is None:
            return Settings()
        return Settings.model_validate({k: v for k, v in environ.items() if k.startswith(PREFIX)})
    except ValidationError as e:
        raise _refusal(e) from None


def known_variables() -> list[str]:
    return [PREFIX + name.upper() for name in Settings.model_fields]


def unknown_variables(environ=None) -> list[str]:
    """``SLOPES_*`` variables that name no setting (``SLOPES_MAX_STEP=5``: a typo that would be silently
    ignored); the app logs a warning naming them and the known ones at start."""
    environ = os.environ if environ is None else environ
    known = set(known_variables())
    return sorted(k for k in environ if k.startswith(PREFIX) and k not in known)


def public_limits(s: Settings) -> dict:
    """The limits a client needs to know (``GET /api/limits``)."""
    names = ("max_steps", "max_optimizers", "max_grid", "max_label", "max_basin_n", "max_point_steps",
             "max_sweep_cells", "max_run_evaluations", "max_body", "max_ws_message", "max_state", "ws_idle_seconds",
             "max_request_seconds", "request_deadline_seconds", "max_answer_mb")
    return {name: getattr(s, name) for name in names}


try:
    settings = load_settings()
except SettingsError as e:  # a clear message and exit status 1, not a traceback from the importer
    raise SystemExit(f"slopes: bad setting: {e}") from None
