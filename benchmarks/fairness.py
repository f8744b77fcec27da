"""Light requests while the heaviest requests the server takes are running (issue 22): the fairness benchmark.

    python benchmarks/fairness.py             # four maximal heavy POSTs; light POSTs and streams meanwhile
    python benchmarks/fairness.py --quick     # two heavy requests of a quarter of the budget (CI)
    python benchmarks/fairness.py --root /work/main --steps 9175   # the same load on another checkout

First the light clients run alone for a few seconds (the machine's own baseline, which other processes on a
shared machine move); then a maximal heavy request is the issue's: 32 lanes of Prodigy, Muon, AdaBelief and Schedule-Free AdamW with
``include: ["state"]``, with as many steps as the server's budget (``max_request_seconds``) takes. Four are
posted at once; while they run, one client posts light requests (1 lane x 100 steps) back to back, another
streams the same over a WebSocket (send -> end frame), and a third asks ``/readyz``. Prints, for the light
requests, p50 / p95 / max latency and the count of 503s; for the heavy ones their statuses and times; and what
``/readyz`` said. Target: light p95 <= 300 ms and no 503 while the four heavy requests run.
Everything stays on 127.0.0.1 and stops by itself.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser import free_port  # noqa: E402

HEAVY_LANES = ["prodigy", "muon", "adabelief", "schedule_free_adamw"] * 8
LIGHT = {"surface": "rosenbrock", "steps": 100, "optimizers": [{"optimizer": "adam", "params": {"lr": 0.05}}]}


def heavy_body(steps: int) -> dict:
    return {"surface": "rosenbrock", "steps": steps, "include": ["state"],
            "optimizers": [{"optimizer": o, "params": {"lr": 0.001 * (1 + i)}} for i, o in enumerate(HEAVY_LANES)]}


def start(root: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port",
                             str(port), "--log-level", "warning"], cwd=root)
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not start")


def post(base: str, path: str, body: dict, timeout: float = 600) -> tuple[int, float, bytes]:
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers={"content-type": "application/json"})
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            data = r.read()
            return r.status, time.perf_counter() - t, data
    except urllib.error.HTTPError as e:
        return e.code, time.perf_counter() - t, e.read()
    except OSError:
        return 0, time.perf_counter() - t, b""


def maximal_steps(base: str, fraction: float) -> int:
    """As many steps of the heavy body as the server's budget takes (it says so in its 422), times ``fraction``."""
    status, _, data = post(base, "/api/runs", heavy_body(20000), timeout=60)
    if status == 422:
        msg = json.loads(data)["detail"][0]["msg"]
        if "steps fit" in msg:
            fit = int(msg.split("at most ")[1].split(" steps")[0].replace(",", ""))
            return max(1, int(fit * fraction))
    return int(20000 * fraction)  # a server with no cost budget took it whole


def percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(q * len(s)) - 1))]


async def light_posts(base: str, until: threading.Event, out: dict):
    while not until.is_set():
        status, took, _ = await asyncio.to_thread(post, base, "/api/runs", LIGHT, 60)
        out["statuses"].append(status)
        if status == 200:
            out["latencies"].append(took * 1000)
        await asyncio.sleep(0.05)


async def light_streams(base: str, until: threading.Event, out: dict):
    url = base.replace("http", "ws") + "/api/runs/ws"
    async with websockets.connect(url, max_size=2 ** 24, open_timeout=60) as ws:
        k = 0
        while not until.is_set():
            t = time.perf_counter()
            await ws.send(json.dumps({**LIGHT, "id": k}))
            while True:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 120))
                if frame.get("id") != k:
                    continue
                if frame["type"] == "end":
                    out["latencies"].append((time.perf_counter() - t) * 1000)
                    out["statuses"].append(200)
                    break
                if frame["type"] == "error":
                    out["statuses"].append(503 if frame["detail"][0].get("type") == "unavailable" else 422)
                    break
            k += 1
            await asyncio.sleep(0.05)


def ask_ready(base: str) -> int:
    try:
        with urllib.request.urlopen(base + "/readyz", timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code  # (404 from a server without /readyz)
    except OSError:
        return 0


async def readiness(base: str, until: threading.Event, out: dict):
    while not until.is_set():
        out.append(await asyncio.to_thread(ask_ready, base))
        await asyncio.sleep(0.2)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose server is measured")
    parser.add_argument("--heavy", type=int, default=None, help="how many heavy requests (default 4; --quick 2)")
    parser.add_argument("--steps", type=int, default=None, help="the heavy requests' steps (default: the budget's)")
    args = parser.parse_args()
    n_heavy, fraction = (2, 0.25) if args.quick else (4, 0.97)
    n_heavy = args.heavy or n_heavy
    port = free_port()
    server = start(args.root, port)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(3):  # warm: imports, first-use set-up
            post(base, "/api/runs", LIGHT)
        baseline = {"POST": {"latencies": [], "statuses": []}, "stream": {"latencies": [], "statuses": []}}
        alone = threading.Event()
        threading.Timer(3.0 if args.quick else 8.0, alone.set).start()

        async def light_alone():
            await asyncio.gather(light_posts(base, alone, baseline["POST"]), light_streams(base, alone,
                                                                                            baseline["stream"]))

        asyncio.run(light_alone())
        steps = args.steps or maximal_steps(base, fraction)
        body = heavy_body(steps)
        heavy: list[tuple[int, float]] = []
        done = threading.Event()

        def one():
            status, took, _ = post(base, "/api/runs", body)
            heavy.append((status, took))
            if len(heavy) == n_heavy:
                done.set()

        threads = [threading.Thread(target=one, daemon=True) for _ in range(n_heavy)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        time.sleep(0.5)  # the heavy requests are admitted and running
        posts = {"latencies": [], "statuses": []}
        streams = {"latencies": [], "statuses": []}
        ready: list[int] = []

        async def measure():
            await asyncio.gather(light_posts(base, done, posts), light_streams(base, done, streams),
                                 readiness(base, done, ready))

        asyncio.run(measure())
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        idle_ready = ask_ready(base)
        status = json.loads(urllib.request.urlopen(base + "/api/status", timeout=10).read())
    finally:
        server.terminate()
        server.wait(15)
    print(f"{n_heavy} heavy POSTs at once: 32 lanes (Prodigy, Muon, AdaBelief, Schedule-Free AdamW) x {steps} steps "
          f"with include state; all answered after {elapsed:.1f} s; statuses {sorted(s for s, _ in heavy)}, "
          f"times {', '.join(f'{t:.1f}' for _, t in sorted(heavy, key=lambda h: h[1]))} s")
    for name, out in baseline.items():
        lat = out["latencies"]
        if lat:
            print(f"light {name} alone first (the machine's baseline): {len(lat)} answered, p50 "
                  f"{statistics.median(lat):.0f} ms, p95 {percentile(lat, 0.95):.0f} ms")
    print(f"heavy work waited for light work {status.get('heavy_paused_seconds', '?')} s in all; "
          f"heavy refused or stopped: {status.get('refused_busy', '?')} / {status.get('deadline', '?')}")
    ok = True
    for name, out in (("POST", posts), ("stream", streams)):
        lat = out["latencies"]
        refused = sum(1 for s in out["statuses"] if s == 503)
        if lat:
            p95 = percentile(lat, 0.95)
            print(f"light {name} (1 lane x 100 steps) while they ran: {len(lat)} answered, p50 "
                  f"{statistics.median(lat):.0f} ms, p95 {p95:.0f} ms, max {max(lat):.0f} ms; 503s: {refused}; "
                  f"other failures: {sum(1 for s in out['statuses'] if s not in (200, 503))}")
            ok &= p95 <= 300 and refused == 0
        else:
            print(f"light {name}: none answered while the heavy requests ran; 503s: {refused}")
            ok = False
    print(f"/readyz while they ran: {ready.count(200)} ready, {ready.count(503)} busy (of {len(ready)}); "
          f"idle afterwards: {idle_ready}")
    print("target met: light p95 <= 300 ms and no 503" if ok else "target NOT met")
    sys.exit(0 if ok or args.quick else 1)


if __name__ == "__main__":
    main()
