"""The benchmark scripts run (in their quick mode) and print their figures; speed is not asserted here."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_engine_benchmark_quick_mode_prints_figures():
    out = subprocess.run([sys.executable, "benchmarks/engine.py", "--quick"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert re.search(r"^\s+2000\s+50\s+\S+e\+\d\d", out.stdout, re.M), out.stdout
    assert re.search(r"POST /api/runs, 5 optimizers x 1000 steps: median [\d.]+ ms", out.stdout), out.stdout


@pytest.mark.browser
def test_page_benchmark_quick_mode_prints_figures():
    """Slow by nature (about 30 s): the benchmark drags a slider for its fixed 3 s at two sizes, plays back, and
    loads the page, in its own server and chromium; what it prints is the figure this test checks."""
    from browser import chromium_path

    chromium_path()
    out = subprocess.run([sys.executable, "benchmarks/page.py", "--quick"], cwd=ROOT, capture_output=True, text=True,
                         timeout=180)
    assert out.returncode == 0, out.stderr
    assert re.search(r"slider -> redrawn paths, 5 lanes x 500 steps: median \d+ ms", out.stdout), out.stdout
    for steps in (500, 2000):
        assert re.search(rf"drag, 5 lanes x {steps} steps, .*: [\d.]+ redraws/s .*last input -> its paths drawn: (\d+ ms|never)",
                         out.stdout), out.stdout
    assert re.search(r"request send -> end frame \d+ ms, end frame -> paths drawn \d+ ms .* the dragged lane \d+ ms, "
                     r"all 5 lanes \d+ ms", out.stdout), out.stdout
    assert re.search(r"playback with 10 lanes: \d+ drawn frames/s", out.stdout), out.stdout
    assert re.search(r"our own files \d+ KB", out.stdout), out.stdout


def test_load_test_quick_mode_passes_and_reports():
    """Slow by nature (about 20 s): three rounds of 3 s of load on a server of its own, and its memory after each."""
    out = subprocess.run([sys.executable, "benchmarks/load.py", "--quick"], cwd=ROOT, capture_output=True, text=True,
                         timeout=180)
    assert out.returncode == 0, out.stdout + out.stderr
    assert re.search(r"/healthz during the load: p50 [\d.]+ ms, p99 [\d.]+ ms", out.stdout), out.stdout
    assert "no leak" in out.stdout
    assert re.search(r"server RSS idle \d+ MB; per round peak/after: (\d+/\d+, ){2}\d+/\d+ MB", out.stdout), out.stdout
    assert "memory given back" in out.stdout


def test_basins_benchmark_quick_mode_prints_every_optimizer():
    out = subprocess.run([sys.executable, "benchmarks/basins.py", "--quick"], cwd=ROOT, capture_output=True,
                         text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    from app.optimizers import TORCH_OPTIMIZERS

    for oid in TORCH_OPTIMIZERS:  # seconds, point-steps/s, peak RSS, the basins found
        assert re.search(rf"^{oid}\s+[\d.]+\s+\S+e\+\d\d\s+\d+\s+\[[-\d, ]+\]$", out.stdout, re.M), out.stdout
    assert re.search(r"^adam 100 x 100 x 60: [\d.]+ s, \S+ point-steps/s, peak RSS \d+ MB$", out.stdout, re.M)


def test_formula_benchmark_quick_mode():
    out = subprocess.run([sys.executable, "benchmarks/formula.py", "--quick"], cwd=ROOT, capture_output=True,
                         text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    assert re.search(r"\d", out.stdout)
