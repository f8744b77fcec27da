"""Shared set-up for the real-browser tests: a live server and Debian's chromium through Playwright."""
from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port",
                             str(port), "--log-level", "warning"], cwd=ROOT)
    for _ in range(600):  # a minute: a loaded machine starts the app slowly
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not start")


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs it with apt)")
        pytest.skip("chromium is not installed")
    return path


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def state_url(base: str, state: dict, path: str = "/") -> str:
    """The address that opens ``state`` (the ?state= parameter: base64url of its JSON)."""
    return f"{base}{path}?state=" + base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


def decode_state(url: str) -> dict:
    from urllib.parse import parse_qs, urlparse

    text = parse_qs(urlparse(url).query)["state"][0]
    return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def open_state(page, base: str, state: dict | None = None, path: str = "/", timeout: float = 20000) -> dict:
    """Load the page at ``state`` and wait until its paths are drawn (the first slopes:drawn); returns the state."""
    page.goto(state_url(base, state, path) if state is not None else base + path)
    page.wait_for_function("() => window.slopes && window.slopes.app.drawnVersion > 0", timeout=timeout)
    return page.evaluate("() => window.slopes.state()")


def update(page, patch: dict, timeout: float = 30000) -> dict:
    """window.slopes.update(patch): resolves with the state once its result is drawn."""
    page.set_default_timeout(timeout)
    return page.evaluate("(patch) => window.slopes.update(patch)", patch)


def overlapping(boxes, others=None, margin: float = 1.0) -> list[tuple[dict, dict]]:
    """Pairs of boxes ({x, y, w, h, ...}) that overlap by more than ``margin`` px both ways: each box of ``boxes``
    with each of ``others``, or, without ``others``, every pair within ``boxes``."""
    pairs = [(a, b) for i, a in enumerate(boxes) for b in (boxes[i + 1:] if others is None else others)]
    return [(a, b) for a, b in pairs
            if min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]) > margin
            and min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]) > margin]
