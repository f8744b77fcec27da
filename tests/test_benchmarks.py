"""The benchmark scripts run (in their quick mode) and print their figures, each where it can be: a time is
positive and below a minute, a rate positive and below any machine's, a percentile no larger than the next, and
every row the script promises is there. Speed itself is not asserted here (shared CI machines vary tenfold)."""
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.process  # each runs a benchmark script (its quick mode) in a process of its own

ROOT = Path(__file__).resolve().parent.parent
NUMBER = r"(\d+(?:\.\d+)?(?:e[+-]\d+)?)"


def run(script: str, timeout: int = 180) -> str:
    out = subprocess.run([sys.executable, f"benchmarks/{script}", "--quick"], cwd=ROOT, capture_output=True,
                         text=True, timeout=timeout)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    return out.stdout


def figures(pattern: str, text: str) -> list[float]:
    """The numbers of the first line matching ``pattern`` (NUMBER marks them)."""
    match = re.search(pattern, text, re.M)
    assert match, f"{pattern!r} not in:\n{text}"
    return [float(g) for g in match.groups()]


def test_engine_benchmark_quick_mode_prints_figures():
    out = run("engine.py", 120)
    rates = {}
    for n in (1, 100, 2000):
        final, recorded = figures(rf"^\s+{n}\s+50\s+{NUMBER}\s+{NUMBER}$", out)
        assert 1e3 < final < 1e10 and 1e3 < recorded < 1e10, (n, final, recorded)  # point-steps per second
        rates[n] = final
    assert rates[2000] > rates[1]  # many runs in one array beat one run at a time
    median, best = figures(rf"POST /api/runs, 5 optimizers x 1000 steps: median {NUMBER} ms, best {NUMBER} ms", out)
    assert 0 < best <= median < 60_000


@pytest.mark.browser
def test_page_benchmark_quick_mode_prints_figures():
    """Slow by nature (about 40 s): the benchmark drags a slider for its fixed 1 s (quick) at two sizes, drags sliders
    in Basins and Sweep, plays back, and loads the page, in its own server and chromium; what it prints is the figure
    this test checks."""
    from browser import chromium_path

    chromium_path()
    out = run("page.py", 240)
    (median,) = figures(rf"slider -> redrawn paths, 5 lanes x 500 steps: median {NUMBER} ms", out)
    assert 0 < median < 60_000
    for steps in (500, 2000):
        (rate,) = figures(rf"drag, 5 lanes x {steps} steps, .*: {NUMBER} redraws/s", out)
        assert 0 < rate <= 1000, (steps, rate)  # at most one redraw per input... per millisecond, generously
        lag = re.search(rf"drag, 5 lanes x {steps} steps, .*last input -> its paths drawn: (\d+) ms", out)
        assert lag is None or 0 <= int(lag.group(1)) < 60_000
    stages = figures(r"request send -> end frame (\d+) ms, end frame -> paths drawn (\d+) ms .* the dragged lane "
                     r"(\d+) ms, all 5 lanes (\d+) ms", out)
    assert all(0 <= s < 60_000 for s in stages), stages
    # live maps, beside the drag: each view's dragged lane redrawn at least once, its last input's map drawn
    for what in ("Basins, lane 4's map as its lr", "Sweep, lane 4's marker as its lr", "Sweep, lane 2's curve as its momentum"):
        rate, lag = figures(rf"^live maps: {re.escape(what)} is dragged \(.*\): {NUMBER} redraws/s .*last input -> its map "
                            rf"drawn: {NUMBER} ms", out)
        assert 0 < rate <= 1000 and 0 <= lag < 60_000, (what, rate, lag)
    sides = figures(r"its map (\d+)(?:-\d+)? starts a side live, (\d+) at rest", out)
    assert 10 <= sides[0] < sides[1], sides  # a coarser grid while the slider moves
    alone = figures(rf"the server alone \(no browser\), a basin map .*: 50 x 50 \(live\) {NUMBER} ms, 100 x 100 {NUMBER} ms, "
                    rf"141 x 141 .* {NUMBER} ms", out)
    assert all(0 < a < 60_000 for a in alone), alone
    drawn, animation = figures(rf"playback with 10 lanes: {NUMBER} drawn frames/s \(browser animation frames "
                               rf"{NUMBER}/s\)", out)
    assert 0 < drawn <= 1.1 * animation + 2 and animation < 1000  # a path is drawn in an animation frame
    plotly, own = figures(r"first load: plotly.js (\d+) KB, our own files (\d+) KB", out)
    assert 1000 < plotly < 20_000 and 10 < own < plotly  # plotly.js is megabytes; the page's own files far less


def test_load_test_quick_mode_passes_and_reports():
    """Slow by nature (about 20 s): three rounds of 3 s of load on a server of its own, and its memory after each."""
    out = run("load.py", 180)
    p50, p99, worst = figures(rf"/healthz during the load: p50 {NUMBER} ms, p99 {NUMBER} ms, max {NUMBER} ms", out)
    assert 0 < p50 <= p99 <= worst < 60_000
    assert "no leak" in out and "memory given back" in out
    rounds = re.search(r"server RSS idle (\d+) MB; per round peak/after: ((?:\d+/\d+, ){2}\d+/\d+) MB", out)
    assert rounds, out
    idle = int(rounds.group(1))
    for pair in rounds.group(2).split(", "):
        peak, after = map(int, pair.split("/"))
        assert 10 < idle <= peak * 1.2 and 10 < after < 4000, (idle, peak, after)


def test_basins_benchmark_quick_mode_prints_every_optimizer():
    out = run("basins.py", 180)
    from app.optimizers import TORCH_OPTIMIZERS

    for oid in TORCH_OPTIMIZERS:  # seconds, point-steps/s, peak RSS, the basins found
        row = re.search(rf"^{oid}\s+{NUMBER}\s+{NUMBER}\s+(\d+)\s+\[([-\d, ]+)\]$", out, re.M)
        assert row, (oid, out)
        seconds, rate, peak = float(row.group(1)), float(row.group(2)), int(row.group(3))
        basins = [int(b) for b in row.group(4).split(",")]
        assert 0 < seconds < 60 and 1e4 < rate < 1e11 and 10 < peak < 4000, (oid, seconds, rate, peak)
        # indices of Himmelblau's four minima, -1 (none) or -2 (diverged); every optimizer finds some minimum
        assert set(basins) <= {-2, -1, 0, 1, 2, 3} and max(basins) >= 0, (oid, basins)
    seconds, rate, peak = figures(rf"^adam 100 x 100 x 60: {NUMBER} s, {NUMBER} point-steps/s, peak RSS (\d+) MB$",
                                  out)
    assert 0 < seconds < 60 and 1e4 < rate < 1e11 and 10 < peak < 4000


def test_formula_benchmark_quick_mode():
    spec = importlib.util.spec_from_file_location("formula_benchmark", ROOT / "benchmarks" / "formula.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)  # its formulas; main() runs only as a script
    out = run("formula.py", 180)
    assert re.search(r"^formula\s+parse\+diff\+grid \(ms\)\s+stationary search \(ms\)$", out, re.M), out
    for text in script.TYPICAL:  # every typical formula, with its compile-and-grid time and its stationary-point search
        build, search = figures(rf"^{re.escape(text[:58])}\s+{NUMBER}\s+{NUMBER}$", out)
        assert 0 < build < 60_000 and 0 <= search < 120_000, (text, build, search)


def test_cost_benchmark_quick_mode_prints_estimates_beside_measurements():
    out = subprocess.run([sys.executable, "benchmarks/costs.py", "--quick"], cwd=ROOT, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert re.search(r"32 lanes x  1000 steps \+state estimated +[\d.]+ s, measured +[\d.]+ s \(x[\d.]+\)", out.stdout)
    assert re.search(r"^  adam +[\d. ]+$", out.stdout, re.M), out.stdout
    assert "custom rule" in out.stdout and "ns per cell-step" in out.stdout
    assert re.search(r"\{'number_bytes': [\d.]+, 'send_ns': [\d.]+, 'gzip_ns': [\d.]+\}", out.stdout), out.stdout


def test_fairness_benchmark_quick_mode_reports_light_latency_beside_heavy_work():
    out = subprocess.run([sys.executable, "benchmarks/fairness.py", "--quick"], cwd=ROOT, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    assert re.search(r"2 heavy POSTs at once: .* x \d+ steps with include state; all answered after", out.stdout)
    for name in ("POST", "stream"):
        assert re.search(rf"light {name} \(1 lane x 100 steps\) while they ran: \d+ answered, p50 \d+ ms, p95 \d+ ms",
                         out.stdout), out.stdout
    assert re.search(r"/readyz while they ran: \d+ ready, \d+ busy", out.stdout)
