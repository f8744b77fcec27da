"""Basin-map speed and memory: 200 x 200 starts x 300 steps on Himmelblau for each torch optimizer, then
Adam at 400 x 400 x 300 and 400 x 400 x 1000.

    python benchmarks/basins.py            # the figures (about half a minute)
    python benchmarks/basins.py --quick    # a smoke run for CI: small maps, one repeat

Times are the median of several repeats of ``basin_map`` (the API's work, less JSON). Point-steps per second
= starts x steps / seconds. Peak RSS is the process's resident high-water mark so far. With a C compiler,
``benchmarks/adam_reference.c`` (the same Adam, compiled, one core) gives the exact-compiled-loop ratio; with
torch installed, the same maps through ``torch.optim`` (one (N, 2) float64 tensor, autograd) give that ratio.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from app.engine import BLOCK_THREADS, Phase  # noqa: E402
from app.maps import basin_map  # noqa: E402
from app.optimizers import TORCH_OPTIMIZERS, get_optimizer  # noqa: E402
from app.optimizers.custom import rule_optimizer  # noqa: E402
from app.optimizers.rule_examples import ADAM as ADAM_RULE  # noqa: E402
from app.surfaces import get_surface  # noqa: E402

LR = {"gd": 0.002, "momentum": 0.002, "nesterov": 0.002, "adagrad": 0.5, "rmsprop": 0.01, "adadelta": 1.0,
      "adam": 0.05, "adamw": 0.05, "nadam": 0.05, "adamax": 0.05}
TARGETS = {"adam 200": 0.25, "adam 400": 1.2, "peak MB": 500}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_map(oid: str, n: int, steps: int, repeats: int):
    if oid == "adam rule":  # Adam typed as a rule (optimizer "custom")
        opt, given = rule_optimizer(ADAM_RULE), {"lr": LR["adam"], "b1": 0.9, "b2": 0.999, "eps": 1e-8}
    else:
        opt, given = get_optimizer(oid), {"lr": LR[oid]} if oid in LR else {}  # else the optimizer's default
    phase = (Phase(0, opt, opt.validate(given)),)
    surface = get_surface("himmelblau")
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        result = basin_map(surface, phase, steps, n)
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def compiled_adam(n: int, steps: int) -> float | None:
    """Seconds of benchmarks/adam_reference.c (best of three), or None without a C compiler."""
    cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    if cc is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        exe = Path(tmp) / "adam_reference"
        built = subprocess.run([cc, "-O2", "-o", str(exe), str(HERE / "adam_reference.c"), "-lm"], capture_output=True)
        if built.returncode != 0:
            return None
        runs = [subprocess.run([str(exe), str(n), str(steps)], capture_output=True, text=True, check=True)
                for _ in range(3)]
    return min(float(r.stdout.split()[0]) for r in runs)


def torch_map(oid: str, n: int, steps: int) -> float | None:
    """Seconds for the same map through torch.optim, or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_default_dtype(torch.float64)
    g = torch.linspace(-5, 5, n)
    p = torch.stack(torch.meshgrid(g, g, indexing="xy"), -1).reshape(-1, 2).clone().requires_grad_(True)
    o = torch.optim
    make = {"gd": lambda: o.SGD([p], lr=LR[oid]), "momentum": lambda: o.SGD([p], lr=LR[oid], momentum=0.9),
            "nesterov": lambda: o.SGD([p], lr=LR[oid], momentum=0.9, nesterov=True),
            "adagrad": lambda: o.Adagrad([p], lr=LR[oid]), "rmsprop": lambda: o.RMSprop([p], lr=LR[oid]),
            "adadelta": lambda: o.Adadelta([p], lr=LR[oid]), "adam": lambda: o.Adam([p], lr=LR[oid]),
            "adamw": lambda: o.AdamW([p], lr=LR[oid]), "nadam": lambda: o.NAdam([p], lr=LR[oid]),
            "adamax": lambda: o.Adamax([p], lr=LR[oid])}
    if oid not in make:
        return None
    opt = make[oid]()
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
    n, steps, repeats, big = (60, 60, 1, 100) if quick else (200, 300, 3, 400)
    print(f"basin map {n} x {n} starts x {steps} steps on himmelblau, median of {repeats}; "
          f"{os.cpu_count()} CPUs, {BLOCK_THREADS} block threads")
    print(f"{'optimizer':<10} {'seconds':>8} {'point-steps/s':>14} {'peak RSS MB':>12}  basins found")
    ours = {}
    for oid in TORCH_OPTIMIZERS:
        ours[oid], result = timed_map(oid, n, steps, repeats)
        found = sorted({int(b) for b in result["basin"].ravel()})
        print(f"{oid:<10} {ours[oid]:>8.3f} {n * n * steps / ours[oid]:>14.3g} {peak_mb():>12.0f}  {found}")
    ours["adam rule"], _ = timed_map("adam rule", n, steps, repeats)
    print(f"{'adam rule':<10} {ours['adam rule']:>8.3f} {n * n * steps / ours['adam rule']:>14.3g} {peak_mb():>12.0f}"
          f"  (Adam typed as a rule: {ours['adam rule'] / ours['adam']:.2f}x the built-in's time)")
    seconds, _ = timed_map("adam", big, steps, repeats)
    print(f"adam {big} x {big} x {steps}: {seconds:.2f} s, {big * big * steps / seconds:.3g} point-steps/s, "
          f"peak RSS {peak_mb():.0f} MB")
    if not quick:
        long_seconds, _ = timed_map("adam", big, 1000, 1)
        print(f"adam {big} x {big} x 1000: {long_seconds:.2f} s, peak RSS {peak_mb():.0f} MB "
              "(each run keeps only its latest point)")
        print(f"targets: adam {n}² x {steps} <= {TARGETS['adam 200']} s (have {ours['adam']:.3f}), "
              f"{big}² x {steps} <= {TARGETS['adam 400']} s (have {seconds:.2f}), "
              f"peak RSS < {TARGETS['peak MB']} MB (have {peak_mb():.0f})")
    compiled = compiled_adam(n, steps)
    if compiled is not None:
        print(f"exact compiled loop (benchmarks/adam_reference.c, cc -O2, one core): {n} x {n} x {steps} in "
              f"{compiled:.3f} s, {n * n * steps / compiled:.3g} point-steps/s; Slopes' adam runs at "
              f"{compiled / ours['adam']:.0%} of its speed")
    if not quick and torch_map("gd", 2, 1) is not None:  # last: importing torch alone adds ~300 MB of RSS
        print(f"torch.optim on the same {n} x {n} x {steps} maps (one (N, 2) float64 tensor, autograd):")
        for oid in TORCH_OPTIMIZERS:
            ref = torch_map(oid, n, steps)
            if ref is None:
                continue
            print(f"  {oid:<10} {ref:>7.3f} s  ({ref / ours[oid]:.1f}x Slopes' time)")


if __name__ == "__main__":
    main()
