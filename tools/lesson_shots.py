"""Screenshots of every lesson in English and Korean, as a student opens them (the Lessons menu).

    python tools/lesson_shots.py [out_dir] [--size 1280x720]

Starts the app on a free loopback port, opens each lesson from the menu in each language, waits until its
paths are drawn and writes ``<out_dir>/<lang>-<lesson>.png`` (default out_dir: test-artifacts/lessons).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import free_port, launch, start_server  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", default=str(ROOT / "test-artifacts" / "lessons"))
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--only", default="", help="comma-separated lesson ids")
    args = ap.parse_args()
    width, height = map(int, args.size.split("x"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = start_server(port)
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            browser = launch(p)
            for lang in ("en", "ko"):
                page = browser.new_page(viewport={"width": width, "height": height})
                errors = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(f"http://127.0.0.1:{port}/?lang={lang}")
                page.wait_for_function("() => document.getElementById('view-area')?.getAttribute('aria-busy') === 'false'",
                                       timeout=60000)
                ids = page.evaluate("() => [...document.querySelectorAll('#lessons option')].map(o => o.value).filter(Boolean)")
                for lesson_id in ids:
                    if args.only and lesson_id not in args.only.split(","):
                        continue
                    page.locator("#lessons").select_option(lesson_id)
                    page.wait_for_function("(id) => window.slopes.state().view.lesson === id", arg=lesson_id, timeout=60000)
                    page.evaluate("() => window.slopes.update({})")  # resolves once the newest state is drawn
                    page.wait_for_timeout(600)
                    page.screenshot(path=str(out / f"{lang}-{lesson_id}.png"))
                    print(lang, lesson_id, "errors:", errors, flush=True)
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
