"""The page's speed in a real browser (Debian's chromium via Playwright).

    python benchmarks/page.py           # full figures
    python benchmarks/page.py --quick   # a smoke run for CI

Prints: the time from an lr slider change to the redrawn path (5 lanes x 500 steps; the clock stops
when the stream's last frame is drawn), the playback frame rate with 10 lanes, and the page weight on
first load (plotly.js and our own files).
"""
from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser import free_port, launch, start_server  # noqa: E402


def state_url(base: str, state: dict) -> str:
    return f"{base}/?state=" + base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


LANES5 = [{"optimizer": o, "params": p} for o, p in (("gd", {"lr": 0.001}), ("momentum", {"lr": 0.001}),
                                                      ("rmsprop", {"lr": 0.01}), ("adam", {"lr": 0.05}),
                                                      ("nadam", {"lr": 0.02}))]


def slider_latency(page, base: str, repeats: int, event: str) -> list[float]:
    page.goto(state_url(base, {"surface": "rosenbrock", "steps": 500, "optimizers": LANES5}))
    page.wait_for_function("() => window.slopes && window.slopes.app.lanes.length === 5 && !window.slopes.app.running")
    times = []
    for k in range(repeats):
        value = -2.0 + 0.01 * (k % 50)  # a new lr each time, as a drag does
        ms = page.evaluate("""(value) => new Promise((resolve) => {
            const app = window.slopes.app;
            const slider = document.querySelector('[data-lane="3"] input[type=range][data-param="lr"]');
            const t0 = performance.now();
            const done = () => {
                if (!app.running && app.lanes.length === 5 && app.lanes[3].params.lr === Math.pow(10, value).toPrecision(3) * 1) {
                    window.removeEventListener(event, done);
                    resolve(performance.now() - t0);
                }
            };
            window.addEventListener(event, done);
            slider.value = value;
            slider.dispatchEvent(new Event('input', {bubbles: true}));
        })""".replace("(value) =>", "([value, event]) =>"), [value, event])
        times.append(ms)
    return times


def frame_rate(page, base: str, seconds: float) -> tuple[float, float]:
    lanes = [{"optimizer": o, "params": {}} for o in ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta",
                                                     "adam", "adamw", "nadam", "adamax")]
    page.goto(state_url(base, {"surface": "himmelblau", "steps": 2000, "optimizers": lanes}))
    page.wait_for_function("() => window.slopes && window.slopes.app.lanes.length === 10 && !window.slopes.app.running")
    page.select_option("#speed", "300")
    return tuple(page.evaluate("""(seconds) => new Promise((resolve) => {
        const app = window.slopes.app;
        let browserFrames = 0;
        const count = () => { browserFrames++; if (performance.now() - t0 < seconds * 1000) requestAnimationFrame(count); };
        app.frames = 0;
        document.getElementById('play').click();
        const t0 = performance.now();
        requestAnimationFrame(count);
        setTimeout(() => {
            const elapsed = (performance.now() - t0) / 1000;
            document.getElementById('play').click();
            resolve([app.frames / elapsed, browserFrames / elapsed]);
        }, seconds * 1000);
    })""", seconds))


def page_weight(browser, base: str) -> tuple[int, int]:
    page = browser.new_page()
    sizes = {}
    page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())) if r.request.method == "GET" else None)
    page.goto(base + "/")
    page.wait_for_function("() => window.slopes && window.slopes.app.lanes.length > 0 && !window.slopes.app.running")
    plotly = sum(v for k, v in sizes.items() if k.endswith("plotly.min.js"))
    own = sum(v for k, v in sizes.items() if "/static/" in k or k.rstrip("/") == base)
    page.close()
    return plotly, own


def main():
    parser = argparse.ArgumentParser(description="page speed in chromium")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    port = free_port()
    server = start_server(port)
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            for event, what in (("slopes:path-drawn", "redrawn paths"), ("slopes:drawn", "paths, charts and table")):
                times = slider_latency(page, base, 5 if args.quick else 40, event)
                print(f"slider -> {what}, 5 lanes x 500 steps: median {statistics.median(times):.0f} ms, "
                      f"p90 {sorted(times)[int(0.9 * (len(times) - 1))]:.0f} ms ({len(times)} changes)")
            drawn, browser_fps = frame_rate(page, base, 1.0 if args.quick else 4.0)
            print(f"playback with 10 lanes: {drawn:.0f} drawn frames/s (browser animation frames {browser_fps:.0f}/s)")
            plotly, own = page_weight(browser, base)
            print(f"first load: plotly.js {plotly / 1e3:.0f} KB, our own files {own / 1e3:.0f} KB (uncompressed)")
            browser.close()
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
