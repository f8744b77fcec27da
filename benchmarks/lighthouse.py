"""First paint, as Lighthouse scores it: `/`, `/embed` and `/export.html`, desktop and mobile presets.

    python benchmarks/lighthouse.py            # the three pages, desktop and mobile, median of 3 runs each
    python benchmarks/lighthouse.py --quick    # a smoke run for CI: `/` on the desktop preset, one run
    python benchmarks/lighthouse.py --base http://127.0.0.1:8000   # against a server already running

Lighthouse comes from npm (tests/web, `npm ci` there; pinned in its package-lock.json) and drives Debian's
chromium through CHROME_PATH: no browser is downloaded. Prints per page and preset the performance,
accessibility and best-practices scores, total blocking time, largest contentful paint, first contentful paint
and the bytes transferred, with the load average: on a shared 2-core machine the timings say as much about the
other processes as about the page.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser import chromium_path, free_port, start_server  # noqa: E402

LIGHTHOUSE = ROOT / "tests" / "web" / "node_modules" / "lighthouse" / "cli" / "index.js"
STATE = {"surface": "rosenbrock", "start": [-1.2, 1.0], "steps": 300,
         "optimizers": [{"optimizer": "gd", "params": {"lr": 0.001}}, {"optimizer": "momentum", "params": {"lr": 0.001}},
                        {"optimizer": "adam", "params": {"lr": 0.05}}]}
PAGES = ["/", "/embed", "/export.html"]
CATEGORIES = ["performance", "accessibility", "best-practices"]


def page_url(base: str, path: str) -> str:
    state = base64.urlsafe_b64encode(json.dumps(STATE).encode()).decode().rstrip("=")
    return f"{base}{path}?state={state}"


def lighthouse(url: str, preset: str) -> dict:
    """One Lighthouse run: the scores (0-100) and the timings (ms) and weight (KiB) it measured."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        cmd = ["node", str(LIGHTHOUSE), url, "--output=json", f"--output-path={out}", "--quiet",
               f"--only-categories={','.join(CATEGORIES)}",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"]
        if preset == "desktop":
            cmd.append("--preset=desktop")
        env = {**os.environ, "CHROME_PATH": chromium_path()}
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
        if done.returncode != 0 or not out.exists():
            raise RuntimeError(f"lighthouse failed on {url}: {done.stderr[-2000:]}")
        report = json.loads(out.read_text())
    audits = report["audits"]
    scores = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
    return {**scores, "tbt": audits["total-blocking-time"]["numericValue"],
            "lcp": audits["largest-contentful-paint"]["numericValue"],
            "fcp": audits["first-contentful-paint"]["numericValue"],
            "kib": audits["total-byte-weight"]["numericValue"] / 1024}


def median_run(url: str, preset: str, runs: int) -> dict:
    results = [lighthouse(url, preset) for _ in range(runs)]
    # the run with the median performance score, so its figures belong together
    results.sort(key=lambda r: r["performance"])
    return results[len(results) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="`/` on the desktop preset, one run (CI smoke run)")
    parser.add_argument("--runs", type=int, default=3, help="runs per page and preset; the median is printed")
    parser.add_argument("--base", help="a server already running (default: start one on a free port)")
    parser.add_argument("--pages", nargs="*", help="paths to score (default: /, /embed, /export.html)")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit(f"lighthouse is not installed: cd tests/web && npm ci  ({LIGHTHOUSE} missing)")
    pages, presets, runs = (["/"], ["desktop"], 1) if args.quick else (args.pages or PAGES, ["desktop", "mobile"], args.runs)
    proc = None
    base = args.base
    if base is None:
        port = free_port()
        proc = start_server(port)
        base = f"http://127.0.0.1:{port}"
    try:
        # a first answer of each page compiles its templates and caches plotly.js: not what a visitor waits for
        import urllib.request
        for path in pages:
            urllib.request.urlopen(page_url(base, path), timeout=120).read()
        print(f"Lighthouse {lighthouse_version()}, chromium {chromium_path()}, {runs} run(s) each, median shown")
        print(f"{'page':<14}{'preset':<9}{'perf':>5}{'a11y':>6}{'best':>6}{'TBT ms':>8}{'LCP ms':>8}{'FCP ms':>8}"
              f"{'KiB':>7}   load")
        failed = False
        for path in pages:
            for preset in presets:
                try:
                    r = median_run(page_url(base, path), preset, runs)
                except RuntimeError as error:  # one page Lighthouse could not score; the others still are
                    failed = True
                    print(f"{path:<14}{preset:<9}  no score: {str(error)[-160:]}", flush=True)
                    continue
                load = os.getloadavg()[0]
                print(f"{path:<14}{preset:<9}{r['performance']:>5}{r['accessibility']:>6}{r['best-practices']:>6}"
                      f"{r['tbt']:>8.0f}{r['lcp']:>8.0f}{r['fcp']:>8.0f}{r['kib']:>7.0f}   {load:.1f}", flush=True)
        if failed:
            sys.exit(1)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)


def lighthouse_version() -> str:
    return json.loads((LIGHTHOUSE.parent.parent / "package.json").read_text())["version"]


if __name__ == "__main__":
    main()
