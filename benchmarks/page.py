"""The page's speed in a real browser (Debian's chromium via Playwright).

    python benchmarks/page.py           # full figures
    python benchmarks/page.py --quick   # a smoke run for CI

Prints: the drag figure (one lane's lr slider dragged continuously, 60 input events a second for 3 s, with
5 lanes x 500 and 5 x 2000 steps on Rosenbrock: how many times a second the paths of a newer input are drawn,
and the time from the last input to its paths on screen; medians of 3 drags), where a drag's time goes (each
drawn result's request, send to end frame, and end frame to paths drawn; the server alone, to a WebSocket
client without a browser), the time from one lr slider change to the redrawn paths, the playback frame rate
with 10 lanes, and the page weight on first load. Beside the drag: the live maps (Basins: one lane's lr dragged
the same way with 5 lanes x 300 steps on Himmelblau, its map redrawn live on a coarser grid; Sweep: the
current-value marker as lr is dragged, and a lane's curve as its momentum is dragged): maps of a newer input drawn
per second, the last input to its map on screen, and where a live map's time goes (asked to answered in the page;
the server alone). Every figure comes with the load average: on a shared machine they say as much about the other
processes as about the page.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser import free_port, launch, start_server  # noqa: E402


DRAWN = "() => document.getElementById('view-area')?.getAttribute('aria-busy') === 'false'"


def state_url(base: str, state: dict) -> str:
    return f"{base}/?state=" + base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


LANES5 = [{"optimizer": o, "params": p} for o, p in (("gd", {"lr": 0.001}), ("momentum", {"lr": 0.001}),
                                                      ("rmsprop", {"lr": 0.01}), ("adam", {"lr": 0.05}),
                                                      ("nadam", {"lr": 0.02}))]


DRAG = """([seconds, rate]) => new Promise((resolve) => {
    // one lane's lr slider dragged back and forth: an input event every 1/rate s; each slopes:frame event (paths of a
    // finished request put on screen) for a newer input than the one drawn before is a redraw the user sees
    const slider = document.querySelector('.lane[data-lane="3"] input[type=range][data-param="lr"]');
    const lo = -2.6, hi = -1.0;
    const inputs = [];  // [time, lr]
    let drawnUpTo = -1, redraws = 0, lastDrawnAt = null;
    const stages = [];  // per drawn result: [request send -> end frame, end frame -> paths drawn] in ms
    // a request's time, send to end frame, is the page's "slopes:request" performance measure (the newest one is the
    // request just drawn)
    const lastRequest = () => performance.getEntriesByName('slopes:request').at(-1);
    const lrOf = (v) => +Math.pow(10, v).toPrecision(3);
    const onDrawn = (e) => {
        const lr = e.detail.optimizers[3].params.lr;
        let k = inputs.length - 1;
        while (k > drawnUpTo && inputs[k][1] !== lr) k--;
        if (k > drawnUpTo) {
            drawnUpTo = k; redraws++;
            const m = lastRequest();
            stages.push(m ? [m.duration, performance.now() - (m.startTime + m.duration)] : [null, null]);
            if (k === inputs.length - 1 && done) lastDrawnAt = performance.now();
        }
        if (done && drawnUpTo === inputs.length - 1) finish();
    };
    window.addEventListener('slopes:frame', onDrawn);
    let done = false, k = 0;
    const t0 = performance.now();
    const n = Math.round(seconds * rate);
    const step = () => {
        const phase = (k % 90) / 45;
        const v = lo + (hi - lo) * (phase <= 1 ? phase : 2 - phase);
        slider.value = v;
        inputs.push([performance.now(), lrOf(+slider.value)]);
        slider.dispatchEvent(new Event('input', {bubbles: true}));
        k++;
        if (inputs.length < n) setTimeout(step, Math.max(0, t0 + (inputs.length * 1000) / rate - performance.now()));
        else { done = true; if (drawnUpTo === inputs.length - 1) { lastDrawnAt = performance.now(); finish(); } }
    };
    let finished = false;
    const finish = () => {
        if (finished) return;
        finished = true;
        window.removeEventListener('slopes:frame', onDrawn);
        const end = inputs[inputs.length - 1][0];
        resolve({ redrawsPerSecond: redraws / ((end - t0) / 1000), lastInputToFrame: lastDrawnAt - end, inputs: inputs.length, stages });
    };
    setTimeout(() => { if (!finished) { finished = true; resolve({ redrawsPerSecond: redraws / seconds, lastInputToFrame: null, inputs: inputs.length }); } },
        (seconds + 10) * 1000);  // (a drag whose last input is never drawn: 'never')
    step();
})"""


MAP_DRAG = """([lane, param, seconds, rate, offset]) => new Promise((resolve) => {
    // one lane's slider dragged back and forth over the middle of its range, an input every 1/rate s; each slopes:map
    // event for that lane (its map or curve put on screen) of a newer input than the one drawn before is a redraw
    // (``offset``: inputs skipped at the start, so that each drag ends at another value than the one before: a drag
    // that ends where the figure already is draws nothing new)
    const slider = document.querySelector(`.lane[data-lane="${lane}"] input[type=range][data-param="${param}"]`);
    const lo = +slider.min + 0.3 * (slider.max - slider.min), hi = +slider.min + 0.7 * (slider.max - slider.min);
    const inputs = [];  // [time, value]
    let drawnUpTo = -1, redraws = 0, lastDrawnAt = null;
    const grids = new Set();  // the sides of the live basin maps drawn
    performance.clearMeasures('slopes:map-request');
    const onMap = (e) => {
        if (e.detail.lane !== lane) return;
        if (e.detail.live && e.detail.request.n) grids.add(e.detail.request.n);
        const value = e.detail.request.params[param];
        let k = inputs.length - 1;
        while (k > drawnUpTo && inputs[k][1] !== value) k--;
        if (k > drawnUpTo) {
            drawnUpTo = k; redraws++;
            if (k === inputs.length - 1 && done) lastDrawnAt = performance.now();
        }
        if (done && drawnUpTo === inputs.length - 1) finish();
    };
    window.addEventListener('slopes:map', onMap);
    let done = false, k = 0;
    const t0 = performance.now();
    const n = Math.round(seconds * rate);
    const step = () => {
        const phase = ((k + offset) % 90) / 45;
        slider.value = lo + (hi - lo) * (phase <= 1 ? phase : 2 - phase);
        slider.dispatchEvent(new Event('input', {bubbles: true}));
        inputs.push([performance.now(), window.slopes.state().optimizers[lane].params[param]]);
        k++;
        if (inputs.length < n) setTimeout(step, Math.max(0, t0 + (inputs.length * 1000) / rate - performance.now()));
        else { done = true; if (drawnUpTo === inputs.length - 1) { lastDrawnAt = performance.now(); finish(); } }
    };
    let finished = false;
    const finish = () => {
        if (finished) return;
        finished = true;
        window.removeEventListener('slopes:map', onMap);
        const end = inputs[inputs.length - 1][0];
        const asked = performance.getEntriesByName('slopes:map-request').filter((m) => m.startTime >= t0).map((m) => m.duration);
        resolve({ redrawsPerSecond: redraws / ((end - t0) / 1000), lastInputToMap: lastDrawnAt - end, inputs: inputs.length, asked,
                  grids: [...grids] });
    };
    setTimeout(() => { if (!finished) { finished = true; resolve({ redrawsPerSecond: redraws / seconds, lastInputToMap: null, inputs: inputs.length, asked: [], grids: [] }); } },
        (seconds + 15) * 1000);  // (a drag whose last input is never drawn: 'never')
    step();
})"""
MAP_LANES = [{"optimizer": o, "params": p} for o, p in (("gd", {"lr": 0.001}), ("momentum", {"lr": 0.001, "momentum": 0.9}),
                                                         ("rmsprop", {"lr": 0.01}), ("adam", {"lr": 0.05}),
                                                         ("nadam", {"lr": 0.02}))]


def map_drag(page, base: str, view: str, lane: int, param: str, seconds: float, repeats: int) -> list[dict]:
    """Drags of one lane's slider in a map view (5 lanes x 300 steps on Himmelblau), once its maps are drawn (the view
    opened unless it is open)."""
    if page.evaluate("() => window.slopes?.state().view.mode") != view:
        page.goto(state_url(base, {"surface": "himmelblau", "steps": 300, "optimizers": MAP_LANES, "view": {"mode": view}}))
        page.wait_for_function(f"() => document.querySelectorAll('#plot-{view} .heatmaplayer image, #plot-{view} .scatterlayer"
                               " .trace').length >= 5", timeout=120000)
    page.wait_for_function(DRAWN, timeout=120000)
    out = []
    for k in range(repeats):
        out.append(page.evaluate(MAP_DRAG, [lane, param, seconds, 60, 11 * k]))
        page.wait_for_function(DRAWN, timeout=120000)  # the whole figure again, the slider at rest
    return out


def map_server_alone(base: str, n: int, repeats: int) -> float:
    """Median ms from sending a basin map request (Adam, 300 steps, n x n starts on Himmelblau) on the map stream to
    its answer, for a WebSocket client without a browser."""
    from websockets.sync.client import connect

    times = []
    with connect(base.replace("http", "ws") + "/api/maps/ws", max_size=None) as ws:
        for k in range(repeats):
            body = {"kind": "basins", "surface": "himmelblau", "optimizer": "adam", "params": {"lr": 0.05 * (1 + k / 200)},
                    "steps": 300, "n": n, "id": k}
            t0 = time.perf_counter()
            ws.send(json.dumps(body))
            while json.loads(ws.recv())["type"] not in ("result", "error"):
                pass
            times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


BASINS_AT_REST = 141  # the page's basin map at 300 steps (BasinView.resolution)


def print_map_drags(page, base: str, seconds: float, quick: bool) -> None:
    repeats = 1 if quick else 3
    for view, lane, param, what in (("basins", 3, "lr", "Basins, lane 4's map as its lr is dragged"),
                                    ("sweep", 3, "lr", "Sweep, lane 4's marker as its lr is dragged"),
                                    ("sweep", 1, "momentum", "Sweep, lane 2's curve as its momentum is dragged")):
        runs = map_drag(page, base, view, lane, param, seconds, repeats)
        rates = [r["redrawsPerSecond"] for r in runs]
        lags = [r["lastInputToMap"] for r in runs if r["lastInputToMap"] is not None]
        asked = [a for r in runs for a in r["asked"]]
        grids = sorted({n for r in runs for n in r["grids"]})
        sides = "-".join(map(str, sorted({grids[0], grids[-1]}))) if grids else ""
        grid = f"; its map {sides} starts a side live, {BASINS_AT_REST} at rest" if grids else ""
        print(f"live maps: {what} (5 lanes x 300 steps{grid}, 60 inputs/s for {seconds:.0f} s): "
              f"{statistics.median(rates):.1f} redraws/s (runs: {', '.join(f'{r:.1f}' for r in rates)}); last input -> its map drawn: "
              + (f"{statistics.median(lags):.0f} ms (runs: {', '.join(f'{x:.0f}' for x in lags)})" if lags else "never")
              + (f"; a map asked -> answered {statistics.median(asked):.0f} ms (median of {len(asked)})" if asked else "")
              + f" ({load()})")
    print(f"  the server alone (no browser), a basin map of Adam x 300 steps: 50 x 50 (live) "
          f"{map_server_alone(base, 50, 3 if quick else 20):.0f} ms, 100 x 100 {map_server_alone(base, 100, 2 if quick else 10):.0f} ms, "
          f"141 x 141 (the page's at rest) {map_server_alone(base, 141, 2 if quick else 6):.0f} ms ({load()})")


def drag(page, base: str, steps: int, seconds: float, repeats: int) -> list[dict]:
    page.goto(state_url(base, {"surface": "rosenbrock", "steps": steps, "optimizers": LANES5}))
    page.wait_for_function(DRAWN, timeout=30000)
    out = []
    for _ in range(repeats):
        out.append(page.evaluate(DRAG, [seconds, 60]))
        page.wait_for_timeout(300)
    return out


def server_alone(base: str, steps: int, lanes: list[int] | None, repeats: int) -> float:
    """Median ms from sending a run request to its end frame, for a WebSocket client without a browser (the
    page's compact frames; ``lanes``: the part a drag asks for)."""
    from websockets.sync.client import connect

    times = []
    with connect(base.replace("http", "ws") + "/api/runs/ws", max_size=None) as ws:
        for k in range(repeats):
            lane = [dict(o, params={"lr": o["params"]["lr"] * (1 + k / 200)}) for o in LANES5]
            body = {"surface": "rosenbrock", "steps": steps, "optimizers": lane, "id": k,
                    "compact": {"float32": True, "fields": ["points", "losses", "lrs"]}}
            if lanes:
                body["lanes"] = lanes
            t0 = time.perf_counter()
            ws.send(json.dumps(body))
            while json.loads(ws.recv())["type"] not in ("end", "error"):
                pass
            times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def slider_latency(page, base: str, repeats: int) -> list[float]:
    page.goto(state_url(base, {"surface": "rosenbrock", "steps": 500, "optimizers": LANES5}))
    page.wait_for_function(DRAWN, timeout=30000)
    times = []
    for k in range(repeats):
        value = -2.0 + 0.01 * (k % 50)  # a new lr each time, as a drag does
        ms = page.evaluate("""(value) => new Promise((resolve) => {
            const slider = document.querySelector('.lane[data-lane="3"] input[type=range][data-param="lr"]');
            const t0 = performance.now();
            const lr = +Math.pow(10, value).toPrecision(3);
            const done = (e) => {
                if (e.detail.optimizers[3].params.lr === lr) { window.removeEventListener('slopes:drawn', done); resolve(performance.now() - t0); }
            };
            window.addEventListener('slopes:drawn', done);
            slider.value = value;
            slider.dispatchEvent(new Event('input', {bubbles: true}));
        })""", value)
        times.append(ms)
        page.wait_for_timeout(50)
    return times


def frame_rate(page, base: str, seconds: float) -> tuple[float, float]:
    lanes = [{"optimizer": o, "params": {}} for o in ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta",
                                                     "adam", "adamw", "nadam", "adamax")]
    page.goto(state_url(base, {"surface": "himmelblau", "steps": 2000, "optimizers": lanes}))
    page.wait_for_function(DRAWN, timeout=30000)
    page.select_option("#speed", "300")
    return tuple(page.evaluate("""(seconds) => new Promise((resolve) => {
        // a drawn frame: the step counter under the plot shows another step
        let browserFrames = 0, drawn = 0;
        new MutationObserver(() => { drawn++; }).observe(document.getElementById('step-label'), { childList: true, characterData: true, subtree: true });
        const count = () => { browserFrames++; if (performance.now() - t0 < seconds * 1000) requestAnimationFrame(count); };
        document.getElementById('play').click();
        const t0 = performance.now();
        requestAnimationFrame(count);
        setTimeout(() => {
            const elapsed = (performance.now() - t0) / 1000;
            document.getElementById('play').click();
            resolve([drawn / elapsed, browserFrames / elapsed]);
        }, seconds * 1000);
    })""", seconds))


def page_weight(browser, base: str) -> tuple[int, int]:
    page = browser.new_page()
    sizes = {}
    page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())) if r.request.method == "GET" else None)
    page.goto(base + "/")
    page.wait_for_function(DRAWN, timeout=30000)
    plotly = sum(v for k, v in sizes.items() if "/vendor/plotly" in k)
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
            seconds = 1.0 if args.quick else 3.0
            print(f"({load()} at the start)")
            for steps in (500, 2000):
                runs = drag(page, base, steps, seconds, 1 if args.quick else 3)
                rates = [r["redrawsPerSecond"] for r in runs]
                lags = [r["lastInputToFrame"] for r in runs if r["lastInputToFrame"] is not None]
                print(f"drag, 5 lanes x {steps} steps, 60 inputs/s for {seconds:.0f} s: {statistics.median(rates):.1f} redraws/s "
                      f"(runs: {', '.join(f'{r:.1f}' for r in rates)}); last input -> its paths drawn: "
                      + (f"{statistics.median(lags):.0f} ms (runs: {', '.join(f'{x:.0f}' for x in lags)})" if lags else "never")
                      + f" ({load()})")
                stages = [s for r in runs for s in r["stages"] if s[0] is not None]
                if stages:
                    print(f"  where a drawn result's time goes: request send -> end frame {statistics.median(s[0] for s in stages):.0f} ms, "
                          f"end frame -> paths drawn {statistics.median(s[1] for s in stages):.0f} ms (medians of {len(stages)}); "
                          f"the server alone (no browser): the dragged lane {server_alone(base, steps, [3], 10 if args.quick else 30):.0f} ms, "
                          f"all 5 lanes {server_alone(base, steps, None, 5 if args.quick else 15):.0f} ms")
            print_map_drags(page, base, seconds, args.quick)
            times = slider_latency(page, base, 5 if args.quick else 40)
            print(f"slider -> redrawn paths, 5 lanes x 500 steps: median {statistics.median(times):.0f} ms, "
                  f"p90 {sorted(times)[int(0.9 * (len(times) - 1))]:.0f} ms ({len(times)} changes)")
            drawn, browser_fps = frame_rate(page, base, 1.0 if args.quick else 4.0)
            print(f"playback with 10 lanes: {drawn:.0f} drawn frames/s (browser animation frames {browser_fps:.0f}/s)")
            plotly, own = page_weight(browser, base)
            print(f"first load: plotly.js {plotly / 1e3:.0f} KB, our own files {own / 1e3:.0f} KB (uncompressed)")
            print(f"({load()} at the end)")
            browser.close()
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
