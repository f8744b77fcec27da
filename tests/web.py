"""npm packages the browser tests use (tests/web: reveal.js, axe-core) and helpers to drive them.

`make test` and `.ci/run` install them with `npm ci` in tests/web; without them these tests skip locally
and fail under CI=true, like the chromium tests.
"""
from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

NODE_MODULES = Path(__file__).resolve().parent / "web" / "node_modules"

# every slopes:drawn event, counted from the first script on, in the page and in each frame
COUNT_DRAWN = """
window.__slopesDrawn = [];
window.addEventListener('slopes:drawn', (e) => window.__slopesDrawn.push(e.detail));
"""


def npm_file(relative: str) -> Path:
    path = NODE_MODULES / relative
    if not path.is_file():
        message = f"{path} is missing: run `npm ci` in tests/web (make test does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def encoded(state: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


def wait_drawn(target, count: int = 1, timeout: float = 30000):
    """Wait until the page (or frame) has dispatched `count` slopes:drawn events (API.md's contract)."""
    target.wait_for_function("(n) => (window.__slopesDrawn || []).length >= n", arg=count, timeout=timeout)


def run_axe(target) -> list[dict]:
    """axe-core's violations on the page or frame: [{id, impact, help, targets}]."""
    if not target.evaluate("() => typeof window.axe === 'object'"):
        target.add_script_tag(path=str(npm_file("axe-core/axe.min.js")))
    result = target.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                             ".map(v => ({id: v.id, impact: v.impact, help: v.help, "
                             "targets: v.nodes.map(n => n.target.join(' ')).slice(0, 12), count: v.nodes.length}))")
    return result


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['impact']}: {v['id']} ({v['count']}): {v['help']} -> {v['targets']}" for v in violations)


# every text change inside a live region (aria-live, role status/alert/log, <output>) from now on, counted
WATCH_LIVE_REGIONS = """() => {
  window.__liveChanges = [];
  const live = document.querySelectorAll('[aria-live]:not([aria-live="off"]), [role=status], [role=alert], [role=log], output');
  const observer = new MutationObserver((records) => records.forEach((r) => {
    const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
    window.__liveChanges.push((el.closest('[aria-live], [role], output') || el).id || el.tagName);
  }));
  live.forEach((el) => observer.observe(el, {childList: true, characterData: true, subtree: true}));
  return live.length;
}"""


# playback is over: the button offers Play again (the click that started it made it say Pause; the page and the
# export alike)
PLAYBACK_ENDED = "() => document.getElementById('play').textContent.trim() === 'Play'"


def live_region_changes(target, play) -> list[str]:
    """The live regions' text changes while `play()` runs playback to its end (and two frames after it): a screen
    reader reads each one."""
    from browser import after_frames

    target.evaluate(WATCH_LIVE_REGIONS)
    play()
    target.wait_for_function(PLAYBACK_ENDED, timeout=30000)
    after_frames(target)
    return target.evaluate("() => window.__liveChanges")
