"""The benchmark scripts run (in their quick mode) and print their figures; speed is not asserted here."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_engine_benchmark_quick_mode_prints_figures():
    out = subprocess.run([sys.executable, "benchmarks/engine.py", "--quick"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert re.search(r"^\s+2000\s+50\s+\S+e\+\d\d", out.stdout, re.M), out.stdout
    assert re.search(r"POST /api/runs, 5 optimizers x 1000 steps: median [\d.]+ ms", out.stdout), out.stdout
