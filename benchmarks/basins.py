"""Basin-map speed: 200 x 200 starts x 300 steps on Himmelblau for each torch optimizer, and 400 x 400 for Adam.

    python benchmarks/basins.py [--quick]

Prints seconds, point-steps per second and the process's peak resident memory after each map; with torch
installed, the same Adam work through torch.optim (one (N, 2) parameter tensor, float64) for the ratio.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.engine import Phase  # noqa: E402
from app.maps import basin_map  # noqa: E402
from app.optimizers import TORCH_OPTIMIZERS, get_optimizer  # noqa: E402
from app.surfaces import get_surface  # noqa: E402

LR = {"gd": 0.002, "momentum": 0.002, "nesterov": 0.002, "adagrad": 0.5, "rmsprop": 0.01, "adadelta": 1.0,
      "adam": 0.05, "adamw": 0.05, "nadam": 0.05, "adamax": 0.05}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_map(oid: str, n: int, steps: int):
    opt = get_optimizer(oid)
    phase = (Phase(0, opt, opt.validate({"lr": LR[oid]})),)
    t = time.perf_counter()
    result = basin_map(get_surface("himmelblau"), phase, steps, n)
    return time.perf_counter() - t, result


def torch_adam(n: int, steps: int) -> float | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_default_dtype(torch.float64)
    g = torch.linspace(-5, 5, n)
    p = torch.stack(torch.meshgrid(g, g, indexing="xy"), -1).reshape(-1, 2).clone().requires_grad_(True)
    opt = torch.optim.Adam([p], lr=0.05)
    t = time.perf_counter()
    for _ in range(steps):
        opt.zero_grad()
        x, y = p[:, 0], p[:, 1]
        ((x * x + y - 11) ** 2 + (x + y * y - 7) ** 2).sum().backward()
        opt.step()
    return time.perf_counter() - t


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    n, steps = (60, 60) if quick else (200, 300)
    print(f"basin map {n} x {n} starts x {steps} steps on himmelblau")
    print(f"{'optimizer':<10} {'seconds':>8} {'point-steps/s':>14} {'peak RSS MB':>12}  basins found")
    for oid in TORCH_OPTIMIZERS:
        seconds, result = timed_map(oid, n, steps)
        found = sorted({int(b) for b in result["basin"].ravel()})
        print(f"{oid:<10} {seconds:>8.3f} {n * n * steps / seconds:>14.3g} {peak_mb():>12.0f}  {found}")
    big = 100 if quick else 400
    seconds, _ = timed_map("adam", big, steps)
    print(f"adam {big} x {big} x {steps}: {seconds:.2f} s, {big * big * steps / seconds:.3g} point-steps/s, "
          f"peak RSS {peak_mb():.0f} MB")
    if not quick:
        ref = torch_adam(n, steps)
        if ref is not None:
            ours, _ = timed_map("adam", n, steps)
            print(f"torch.optim.Adam, same {n} x {n} x {steps}: {ref:.3f} s ({ref / ours:.1f}x Slopes' time)")


if __name__ == "__main__":
    main()
