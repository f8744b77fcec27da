"""Accessibility audit: axe-core's violations on every page state tests/test_axe.py checks, against a running
server (counts by rule and impact). Needs `npm ci` in tests/web and Debian's chromium.

    python benchmarks/a11y.py http://127.0.0.1:8001
"""
from __future__ import annotations

import collections
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from browser import launch  # noqa: E402
from test_axe import PAGES, state  # noqa: E402
from web import COUNT_DRAWN, run_axe  # noqa: E402


def main(base: str) -> None:
    from playwright.sync_api import sync_playwright

    export = Path("/tmp/slopes-a11y-export.html")
    export.write_bytes(urllib.request.urlopen(f"{base}/export.html?state={state(caption='Adam then GD')}").read())
    targets = {name: base + path for name, path in PAGES.items()} | {"export": export.as_uri()}
    total = collections.Counter()
    with sync_playwright() as p:
        browser = launch(p)
        for name, url in targets.items():
            context = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True)  # axe is injected inline
            context.add_init_script(COUNT_DRAWN)
            page = context.new_page()
            page.goto(url)
            try:
                page.wait_for_function("() => (window.__slopesDrawn || []).length > 0", timeout=20000)
            except Exception:  # an older page without the event: give it time
                page.wait_for_timeout(3000)
            page.wait_for_timeout(1500)
            violations = run_axe(page)
            nodes = sum(v["count"] for v in violations)
            print(f"{name:14s} {len(violations):2d} rules, {nodes:3d} nodes: "
                  + ", ".join(f"{v['id']}x{v['count']} ({v['impact']})" for v in violations))
            for v in violations:
                total[v["impact"]] += v["count"]
            context.close()
        browser.close()
    print("nodes by impact:", dict(total))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
