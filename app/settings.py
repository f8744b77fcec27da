"""Limits and knobs, in one place; each can be overridden by an environment variable ``SLOPES_<NAME>``."""
from __future__ import annotations

import os
from dataclasses import dataclass, fields


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
    max_body: int = 256 * 1024  # bytes of a request body
    max_ws_message: int = 256 * 1024  # bytes of one WebSocket message
    ws_idle_seconds: int = 900  # a socket that sends nothing for this long is closed
    map_threads: int = 2  # of the compute threads, how many basin maps and sweeps may hold at once


def load_settings() -> Settings:
    values = {}
    for f in fields(Settings):
        raw = os.environ.get(f"SLOPES_{f.name.upper()}")
        if raw is not None:
            values[f.name] = type(f.default)(raw)
    return Settings(**values)


settings = load_settings()
