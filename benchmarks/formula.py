"""Custom-formula cost: parse + differentiate twice + a 200 x 200 grid of values, for typical formulas; and the
cost of parsing and compiling typical update rules (optimizer "custom").

    python benchmarks/formula.py [--quick]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.formula import compile_formula  # noqa: E402
from app.formula.rules import parse_rule  # noqa: E402
from app.optimizers.custom import rule_optimizer  # noqa: E402
from app.optimizers.rule_examples import EXAMPLES  # noqa: E402
from app.surfaces import DEFAULT_DOMAIN, custom_surface  # noqa: E402

TYPICAL = [
    "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    "sin(3*x) * cos(3*y) + 0.1*(x^2 + y^2)",
    "(1 - x)^2 + 100*(y - x^2)^2",
    "-20*exp(-0.2*sqrt(0.5*(x^2 + y^2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20",
    "log(1 + exp(x - y)) + abs(x + y)/2",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    repeats = 3 if parser.parse_args().quick else 20
    print(f"{'formula':<60} {'parse+diff+grid (ms)':>22} {'stationary search (ms)':>24}")
    for text in TYPICAL:
        times = []
        for _ in range(repeats):
            compile_formula.cache_clear()
            custom_surface.cache_clear()
            t = time.perf_counter()
            surface = custom_surface(text, DEFAULT_DOMAIN, False)
            surface.grid(200)
            times.append((time.perf_counter() - t) * 1e3)
        custom_surface.cache_clear()
        t = time.perf_counter()
        custom_surface(text, DEFAULT_DOMAIN, True)
        search = (time.perf_counter() - t) * 1e3
        print(f"{text[:58]:<60} {statistics.median(times):>22.1f} {search:>24.0f}")
    print(f"\n{'rule':<60} {'parse+compile (ms)':>22}")
    for example in EXAMPLES:
        times = []
        for _ in range(repeats):
            parse_rule.cache_clear()
            rule_optimizer.cache_clear()
            t = time.perf_counter()
            rule_optimizer(example["rule"])
            times.append((time.perf_counter() - t) * 1e3)
        print(f"{example['id']:<60} {statistics.median(times):>22.2f}")


if __name__ == "__main__":
    main()
