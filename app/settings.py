"""Limits and knobs, in one place; each can be overridden by an environment variable ``SLOPES_<NAME>``.

Every value is checked when the app starts: a bad one stops it with a message naming the variable
(``SLOPES_COMPUTE_THREADS=0`` would otherwise hang every request). The engine, the schemas and the page
(through ``GET /api/limits``) read the same object."""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, fields

# name: (smallest, largest) accepted value
BOUNDS = {
    "max_steps": (1, 1_000_000),
    "max_optimizers": (1, 1024),
    "max_grid": (2, 4000),
    "compute_threads": (1, 256),
    "ws_chunk_steps": (1, 1_000_000),
    "ws_first_chunk_steps": (1, 1_000_000),
    "max_label": (1, 10_000),
    "max_basin_n": (2, 4000),
    "max_point_steps": (1, 10 ** 12),
    "max_sweep_cells": (1, 10 ** 7),
    "max_run_evaluations": (1, 10 ** 12),
    "max_body": (1024, 1 << 30),
    "max_ws_message": (1024, 1 << 30),
    "max_state": (1024, 65_000),  # uvicorn (httptools) refuses a URL over 65,535 bytes with its own 400
    "ws_idle_seconds": (1, 10 ** 7),
    "map_threads": (1, 256),
    "max_queue": (0, 100_000),
    "shutdown_seconds": (1, 3600),
    "light_threads": (1, 256),
    "light_request_ms": (0, 10 ** 6),
    "light_target_ms": (1, 10 ** 6),
    "max_request_seconds": (1, 86_400),
    "request_deadline_seconds": (1, 86_400),
}


@dataclass(frozen=True)
class Settings:
    max_steps: int = 20_000  # steps of one run
    max_optimizers: int = 32  # lanes in one request
    max_grid: int = 1000  # n of a surface grid
    compute_threads: int = 4  # worker threads for computation (the event loop never computes)
    ws_chunk_steps: int = 500  # steps per streamed chunk (the first is smaller, for a quick first paint)
    ws_first_chunk_steps: int = 25
    max_label: int = 120
    max_basin_n: int = 400  # starts per side of a basin map
    max_point_steps: int = 200_000_000  # runs x steps of one basin map or sweep (about 4 s of work)
    max_sweep_cells: int = 40_000
    # lanes x steps x surface evaluations per step of one run request (most optimizers evaluate once a step,
    # LBFGS up to max_eval times); unset, max_steps x max_optimizers, so every run of one-evaluation optimizers fits
    max_run_evaluations: int = 640_000
    max_body: int = 256 * 1024  # bytes of a request body
    max_ws_message: int = 256 * 1024  # bytes of one WebSocket message
    max_state: int = 60 * 1024  # characters of a ?state= parameter (the whole URL must stay under 64 KiB)
    ws_idle_seconds: int = 900  # a socket that sends nothing for this long is closed
    map_threads: int = 2  # threads for basin maps and sweeps (a pool of their own)
    max_queue: int = 16  # HTTP computations waiting for a busy pool beyond this are refused with 503
    shutdown_seconds: int = 5  # on SIGTERM, work in flight gets this long to end (uvicorn's graceful timeout)
    # fairness (app/api/compute.py): each request's cost is estimated before it runs (app/services/costs.py, seconds
    # of one worker's CPU as benchmarks/costs.py measured them); what is under light_request_ms runs in a lane of
    # its own that heavy work never holds and steps aside for
    light_threads: int = 2
    light_request_ms: int = 100
    light_target_ms: int = 300  # GET /readyz fails while a light request would wait longer than this
    max_request_seconds: int = 10  # one request's estimated cost; over it: a 422 naming the field to shrink
    request_deadline_seconds: int = 120  # heavy work that would not end by then is refused (503); at it, stopped
    allowed_origins: str = ""  # comma-separated origins (https://slides.example) whose pages may open WebSockets

    def origins(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.allowed_origins.split(",") if o.strip()]


class SettingsError(ValueError):
    pass


def _integer(name: str, raw: str) -> int:
    text = raw.strip().replace("_", "")
    try:
        value = int(text)
    except ValueError:
        try:
            number = float(text)  # 3e4 is a fine way to write 30000
        except ValueError:
            raise SettingsError(f"SLOPES_{name.upper()}={raw!r} is not a whole number") from None
        if not math.isfinite(number) or number != int(number):
            raise SettingsError(f"SLOPES_{name.upper()}={raw!r} is not a whole number") from None
        value = int(number)
    lo, hi = BOUNDS[name]
    if not lo <= value <= hi:
        raise SettingsError(f"SLOPES_{name.upper()}={raw!r} is out of range: it must be in [{lo}, {hi:,}]")
    return value


def load_settings(environ=None) -> Settings:
    """Settings from ``SLOPES_*`` variables; a :class:`SettingsError` naming the first bad one."""
    environ = os.environ if environ is None else environ
    values = {}
    for f in fields(Settings):
        raw = environ.get(f"SLOPES_{f.name.upper()}")
        if raw is None:
            continue
        values[f.name] = _integer(f.name, raw) if f.type in ("int", int) else raw.strip()
    if "max_run_evaluations" not in values:  # by default every run of one-evaluation optimizers the limits allow
        steps, lanes = values.get("max_steps", Settings.max_steps), values.get("max_optimizers", Settings.max_optimizers)
        values["max_run_evaluations"] = steps * lanes
    s = Settings(**values)
    if s.ws_first_chunk_steps > s.ws_chunk_steps:
        s = Settings(**{**s.__dict__, "ws_first_chunk_steps": s.ws_chunk_steps})
    for origin in s.origins():
        if not origin.startswith(("http://", "https://")) or origin.count("/") != 2:
            raise SettingsError(f"SLOPES_ALLOWED_ORIGINS: {origin!r} is not an origin like https://host[:port]")
    return s


def unknown_variables(environ=None) -> list[str]:
    """``SLOPES_*`` variables that name no setting (``SLOPES_MAX_STEP=5``: a typo that would be silently
    ignored); the app logs a warning naming them and the known ones at start."""
    environ = os.environ if environ is None else environ
    known = {f"SLOPES_{f.name.upper()}" for f in fields(Settings)}
    return sorted(k for k in environ if k.startswith("SLOPES_") and k not in known)


def known_variables() -> list[str]:
    return [f"SLOPES_{f.name.upper()}" for f in fields(Settings)]


def public_limits(s: Settings) -> dict:
    """The limits a client needs to know (``GET /api/limits``)."""
    names = ("max_steps", "max_optimizers", "max_grid", "max_label", "max_basin_n", "max_point_steps",
             "max_sweep_cells", "max_run_evaluations", "max_body", "max_ws_message", "max_state", "ws_idle_seconds",
             "max_request_seconds", "request_deadline_seconds")
    return {name: getattr(s, name) for name in names}


try:
    settings = load_settings()
except SettingsError as e:  # a clear message and exit status 1, not a traceback from the importer
    raise SystemExit(f"slopes: bad setting: {e}") from None
