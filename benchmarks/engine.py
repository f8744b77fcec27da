"""Engine speed: point-steps per second for Adam, and the latency of a typical POST /api/runs.

    python benchmarks/engine.py            # full figures (tens of seconds)
    python benchmarks/engine.py --quick    # a smoke run for CI: small sizes, one repeat

Point-steps per second = runs x steps / seconds of ``Simulation.advance`` (the
gradient of himmelblau included). "final only" keeps just each run's last point
(basin maps); "recorded" keeps every point of every run (what /api/runs returns).
The POST figure is measured against a real uvicorn server on loopback: 5
optimizers x 1000 steps, JSON encoding and HTTP included. With torch installed
the same work through torch.optim is timed too.
"""
from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.engine import Phase, RunSpec, Simulation  # noqa: E402
from app.optimizers import get_optimizer  # noqa: E402
from app.surfaces import get_surface  # noqa: E402

POST_BODY = {"surface": "himmelblau", "start": [0.5, -1.5], "steps": 1000, "optimizers": [
    {"optimizer": "adam", "params": {"lr": 0.05}}, {"optimizer": "momentum", "params": {"lr": 0.001}},
    {"optimizer": "rmsprop"}, {"optimizer": "nesterov", "params": {"lr": 0.001}}, {"optimizer": "nadam"}]}


def adam_runs(n: int) -> list[RunSpec]:
    opt = get_optimizer("adam")
    phase = (Phase(0, opt, opt.validate({"lr": 0.05})),)
    starts = np.random.default_rng(0).uniform(-5, 5, (n, 2))
    return [RunSpec((float(x), float(y)), phase) for x, y in starts]


def point_steps_per_second(n: int, steps: int, record: bool, repeats: int) -> float:
    surface, runs = get_surface("himmelblau"), adam_runs(n)
    Simulation(surface, runs, min(steps, 10), record=record).advance(10)  # warm-up: first-use set-up not timed
    best = float("inf")
    for _ in range(repeats):
        sim = Simulation(surface, runs, steps, record=record)
        t = time.perf_counter()
        while not sim.done:
            sim.advance(steps if record else 100)
        best = min(best, time.perf_counter() - t)
    return n * steps / best


def post_latency(repeats: int) -> tuple[float, float]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port), "--log-level",
                               "warning"], cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60  # a loaded machine may take many seconds to start the server
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the server did not answer /healthz within 60 s") from None
                time.sleep(0.2)
        data = json.dumps(POST_BODY).encode()
        times = []
        for _ in range(repeats + 2):
            req = urllib.request.Request(url + "/api/runs", data=data, headers={"Content-Type": "application/json"})
            t = time.perf_counter()
            with urllib.request.urlopen(req, timeout=30) as r:
                r.read()
            times.append(time.perf_counter() - t)
        times = times[2:]  # warm-up
        return statistics.median(times) * 1e3, min(times) * 1e3
    finally:
        server.terminate()
        server.wait(10)


def torch_reference() -> float | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_default_dtype(torch.float64)
    classes = {"adam": torch.optim.Adam, "momentum": torch.optim.SGD, "rmsprop": torch.optim.RMSprop,
               "nesterov": torch.optim.SGD, "nadam": torch.optim.NAdam}
    t = time.perf_counter()
    for spec in POST_BODY["optimizers"]:
        p = torch.tensor(POST_BODY["start"], requires_grad=True)
        kw = dict(spec.get("params", {}))
        if spec["optimizer"] in ("momentum", "nesterov"):
            kw.update(momentum=0.9, nesterov=spec["optimizer"] == "nesterov")
        opt = classes[spec["optimizer"]]([p], foreach=False, **kw)
        for _ in range(POST_BODY["steps"]):
            opt.zero_grad()
            x, y = p[0], p[1]
            ((x * x + y - 11) ** 2 + (x + y * y - 7) ** 2).backward()
            opt.step()
    return (time.perf_counter() - t) * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat (CI smoke run)")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3
    sizes = (1, 100, 2_000) if args.quick else (1, 100, 10_000, 40_000)
    print("Adam on himmelblau, point-steps per second")
    print(f"{'N':>8} {'steps':>6} {'final only':>12} {'recorded':>12}")
    for n in sizes:
        steps = 1000 if n <= 100 else 300
        if args.quick:
            steps = 50
        final = point_steps_per_second(n, steps, False, repeats)
        recorded = point_steps_per_second(n, steps, True, repeats)
        print(f"{n:>8} {steps:>6} {final:>12.3g} {recorded:>12.3g}")
    median, best = post_latency(3 if args.quick else 15)
    print(f"POST /api/runs, 5 optimizers x 1000 steps: median {median:.1f} ms, best {best:.1f} ms")
    ref = None if args.quick else torch_reference()
    if ref is not None:
        print(f"the same 5 x 1000 steps through torch.optim: {ref:.0f} ms")


if __name__ == "__main__":
    main()
