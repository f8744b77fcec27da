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


def start_server(port: int, timeout: float = 180) -> subprocess.Popen:
    """uvicorn serving the app on ``port``, returned once /healthz answers: on a loaded machine the imports and the
    start-up's polishing of every surface's minima can take a minute, so the wait is for that answer (or the
    process's end), with ``timeout`` seconds only as the limit."""
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port",
                             str(port), "--log-level", "warning"], cwd=ROOT)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
            return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited with {proc.returncode} before answering") from None
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"the server did not answer within {timeout} s")


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


# the newest state is on screen: the figure's area is no longer busy (aria-busy, set by the page as it draws)
DRAWN = "() => document.getElementById('view-area')?.getAttribute('aria-busy') === 'false'"


def wait_drawn(page, timeout: float = 20000):
    """Wait until the page's newest state is drawn (its figure's area says aria-busy="false")."""
    page.wait_for_function(DRAWN, timeout=timeout)


def open_state(page, base: str, state: dict | None = None, path: str = "/", timeout: float = 20000) -> dict:
    """Load the page at ``state`` and wait until its paths are drawn; returns the state."""
    page.goto(state_url(base, state, path) if state is not None else base + path)
    wait_drawn(page, timeout)
    return page.evaluate("() => window.slopes.state()")


def drawn_paths(page, plot: str = "plot-main") -> list[dict]:
    """Each lane's path as a plot draws it (its traces carry meta "lane<i>"): [{name, x, y}] in lane order."""
    return page.evaluate("""(id) => (document.getElementById(id)?.data || []).filter(t => /^lane\\d+$/.test(String(t.meta)))
        .sort((a, b) => Number(a.meta.slice(4)) - Number(b.meta.slice(4)))
        .map(t => ({name: t.name, x: Array.from(t.x), y: Array.from(t.y)}))""", plot)


def api_runs(page, base: str, state: dict, **extra) -> list[dict]:
    """The runs of a page state as POST /api/runs answers them (the view options left out)."""
    body = {k: v for k, v in state.items() if k != "view"}
    r = page.request.post(f"{base}/api/runs", data=json.dumps({**body, **extra}), headers={"Content-Type": "application/json"})
    assert r.ok, r.text()
    return r.json()["runs"]


def update(page, patch: dict, timeout: float = 30000) -> dict:
    """window.slopes.update(patch): resolves with the state once its result is drawn."""
    page.set_default_timeout(timeout)
    return page.evaluate("(patch) => window.slopes.update(patch)", patch)


def after_frames(target, n: int = 2) -> None:
    """Wait until the page (or frame) has drawn ``n`` more animation frames: whatever an input set off at once (a
    handler, a Plotly relayout, a playback tick) is on screen, and what it did not set off did not happen."""
    target.evaluate("(n) => new Promise((done) => { const tick = (k) => (k <= 0 ? done() : "
                    "requestAnimationFrame(() => tick(k - 1))); tick(n); })", n)


def settled(target, timeout: float = 30000) -> dict:
    """Wait until the result of the page's newest state is on screen (``window.slopes.update({})`` resolves once it
    is) and two more frames are drawn: an input that changed the state has had its result drawn, one that did not
    has had its chance to act. Returns the state."""
    after_frames(target)
    target.wait_for_function("() => window.slopes && typeof window.slopes.update === 'function'", timeout=timeout)
    state = target.evaluate("() => window.slopes.update({})")
    after_frames(target)
    return state


# true once the page's address (?state=, written a moment after each change) holds its current state
ADDRESS_HOLDS_STATE = """() => {
  const text = new URLSearchParams(location.search).get('state');
  if (!text || !window.slopes) return false;
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '==='.slice((b64.length + 3) % 4));
  const json = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  return json === JSON.stringify(window.slopes.state());
}"""


def address_holds_state(page, timeout: float = 10000) -> dict:
    """Wait until the address carries the page's current state; returns that state, decoded from the address."""
    page.wait_for_function(ADDRESS_HOLDS_STATE, timeout=timeout)
    return decode_state(page.url)


PLOT_BOXES = """() => {
  const shown = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 20 && r.height > 20 && s.visibility !== 'hidden' && el.offsetParent !== null; };
  const box = (el, kind) => { const r = el.getBoundingClientRect(); return {kind, x: r.x, y: r.y, w: r.width, h: r.height}; };
  const plots = [...document.querySelectorAll('.js-plotly-plot')].filter(shown)
    .filter((el) => !el.classList.contains('layer-bg')).map((el) => box(el, el.id || el.className));
  const bar = document.getElementById('playback');
  return plots.concat(shown(bar) ? [box(bar, 'playback')] : []);
}"""


def plot_boxes(page) -> list[dict]:
    """The boxes of the plots on screen (``kind``: the plot's id) and of the playback bar."""
    return page.evaluate(PLOT_BOXES)


def overlapping(boxes, others=None, margin: float = 1.0) -> list[tuple[dict, dict]]:
    """Pairs of boxes ({x, y, w, h, ...}) that overlap by more than ``margin`` px both ways: each box of ``boxes``
    with each of ``others``, or, without ``others``, every pair within ``boxes``."""
    pairs = [(a, b) for i, a in enumerate(boxes) for b in (boxes[i + 1:] if others is None else others)]
    return [(a, b) for a, b in pairs
            if min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]) > margin
            and min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]) > margin]
