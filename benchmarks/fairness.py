"""Light requests while the heaviest requests the server takes are running (issue 22): the fairness benchmark.

    python benchmarks/fairness.py             # four maximal heavy POSTs; light POSTs and streams meanwhile
    python benchmarks/fairness.py --quick     # two heavy requests of a quarter of the budget (CI)
    python benchmarks/fairness.py --root /work/main --steps 9175   # the same load on another checkout
    python benchmarks/fairness.py --lanes adam   # the largest answer instead: 32 lanes of Adam with state
    python benchmarks/fairness.py --lanes adam --gzip   # ... taken with gzip, as a browser takes it

First the light clients run alone for a few seconds (the machine's own baseline, which other processes on a
shared machine move); then a maximal heavy request is the issue's: 32 lanes of Prodigy, Muon, AdaBelief and Schedule-Free AdamW with
``include: ["state"]``, with as many steps as the server's budget (``max_request_seconds``) takes. Four are
posted at once; while they run, one client posts light requests (1 lane x 100 steps) back to back, another
streams the same over a WebSocket (send -> end frame), a third asks ``/readyz`` and a fourth ``/healthz``. With
``--lanes adam`` the heavy request is the largest answer instead of the most computation: 32 lanes of Adam (a cheap
step) with ``include: ["state"]``, as many steps as the answer's limit (``max_answer_mb``) takes. Prints, for the
light requests, p50 / p95 / max latency and the count of 503s; for the heavy ones their statuses and times; what
``/readyz`` said, ``/healthz``'s slowest answer and the server's peak RSS (VmHWM). Target: light p95 <= 300 ms,
no 503 while the four heavy requests run, and none of them past its deadline.
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

HEAVY_LANES = {"mix": ["prodigy", "muon", "adabelief", "schedule_free_adamw"] * 8,  # the most computation
               "adam": ["adam"] * 32}  # the largest answer: a cheap step, its state, as many steps as fit
LIGHT = {"surface": "rosenbrock", "steps": 100, "optimizers": [{"optimizer": "adam", "params": {"lr": 0.05}}]}


def heavy_body(steps: int, lanes: str = "mix") -> dict:
    return {"surface": "rosenbrock", "steps": steps, "include": ["state"], "optimizers": [
        {"optimizer": o, "params": {"lr": 0.001 * (1 + i)}} for i, o in enumerate(HEAVY_LANES[lanes])]}


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


def post(base: str, path: str, body: dict, timeout: float = 600, gzip: bool = False) -> tuple[int, float, bytes]:
    headers = {"content-type": "application/json", **({"accept-encoding": "gzip"} if gzip else {})}
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers=headers)
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            data = r.read()
            return r.status, time.perf_counter() - t, data
    except urllib.error.HTTPError as e:
        return e.code, time.perf_counter() - t, e.read()
    except OSError:
        return 0, time.perf_counter() - t, b""


def maximal_steps(base: str, fraction: float, lanes: str = "mix") -> int:
    """As many steps of the heavy body as the server's budgets take (its 422 says how many fit, in time or in the
    answer's size), times ``fraction``."""
    status, _, data = post(base, "/api/runs", heavy_body(20000, lanes), timeout=60)
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


def ask_alive(base: str) -> float:
    t = time.perf_counter()
    try:
        urllib.request.urlopen(base + "/healthz", timeout=60).read()
    except OSError:
        return math.inf
    return time.perf_counter() - t


async def liveness(base: str, until: threading.Event, out: list):
    while not until.is_set():
        out.append(await asyncio.to_thread(ask_alive, base) * 1000)
        await asyncio.sleep(0.2)


def memory(pid: int) -> dict:
    """The server's VmRSS and VmHWM (its peak), MB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line[:5]] = int(line.split()[1]) / 1024
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose server is measured")
    parser.add_argument("--heavy", type=int, default=None, help="how many heavy requests (default 4; --quick 2)")
    parser.add_argument("--steps", type=int, default=None, help="the heavy requests' steps (default: the budget's)")
    parser.add_argument("--lanes", choices=sorted(HEAVY_LANES), default="mix",
                        help="the heavy request: the most computation (mix) or the largest answer (adam)")
    parser.add_argument("--gzip", action="store_true", help="the heavy requests take gzip, as a browser does")
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
        steps = args.steps or maximal_steps(base, fraction, args.lanes)
        body = heavy_body(steps, args.lanes)
        before = memory(server.pid)
        heavy: list[tuple[int, float]] = []
        done = threading.Event()

        def one():
            status, took, _ = post(base, "/api/runs", body, gzip=args.gzip)
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
        alive: list[float] = []

        async def measure():
            await asyncio.gather(light_posts(base, done, posts), light_streams(base, done, streams),
                                 readiness(base, done, ready), liveness(base, done, alive))

        asyncio.run(measure())
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        idle_ready = ask_ready(base)
        status = json.loads(urllib.request.urlopen(base + "/api/status", timeout=10).read())
        after = memory(server.pid)
        limits = json.loads(urllib.request.urlopen(base + "/api/limits", timeout=10).read())
    finally:
        server.terminate()
        server.wait(15)
    lanes = "Adam" if args.lanes == "adam" else "Prodigy, Muon, AdaBelief, Schedule-Free AdamW"
    print(f"{n_heavy} heavy POSTs at once: 32 lanes ({lanes}) x {steps} steps "
          f"with include state{' (gzip)' if args.gzip else ''}; all answered after {elapsed:.1f} s; statuses "
          f"{sorted(s for s, _ in heavy)}, times {', '.join(f'{t:.1f}' for _, t in sorted(heavy, key=lambda h: h[1]))} s")
    deadline = limits.get("request_deadline_seconds", math.inf)
    late = sum(1 for s, t in heavy if s != 200 or t > deadline)
    print(f"heavy requests past their deadline ({deadline} s) or refused: {late}; server memory: "
          f"{before.get('VmRSS', 0):.0f} MB before them, peak {after.get('VmHWM', 0):.0f} MB, "
          f"{after.get('VmRSS', 0):.0f} MB after")
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
    if alive:
        print(f"/healthz while they ran: {len(alive)} asked, p50 {statistics.median(alive):.0f} ms, "
              f"p95 {percentile(alive, 0.95):.0f} ms, max {max(alive):.0f} ms")
    ok &= late == 0
    print("target met: light p95 <= 300 ms, no 503, no heavy request past its deadline" if ok else "target NOT met")
    sys.exit(0 if ok or args.quick else 1)


if __name__ == "__main__":
    main()
