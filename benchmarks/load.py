"""Load test on loopback: many WebSocket clients dragging sliders, abrupt disconnects, /healthz timed.

    python benchmarks/load.py            # 100 clients, five rounds of 10 s
    python benchmarks/load.py --quick    # 20 clients, three rounds of 3 s (CI)

Each client sends a new run request every 50 ms (a dragged lr slider: 3 lanes x 300 steps), replacing the
one in flight; one client in five drops its connection without a closing handshake every second and
reconnects. Meanwhile /healthz is requested every 20 ms. Prints /healthz p50 and p99, requests sent and
answered, and the server's asyncio tasks and threads before, during and after (they must return to the
baseline: nothing leaks). Each round also sends heavy POSTs (basin maps, 32-lane runs) beside the sockets.

Memory: the server's RSS is sampled every 0.1 s; each round prints its peak and its RSS after the load has
passed. Identical rounds must end within 20% of the first round's peak (memory is given back, not kept).
Everything stays on 127.0.0.1 and stops by itself.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
import urllib.request
from pathlib import Path

import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser import free_port, start_server  # noqa: E402


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def sample_rss(pid: int, seconds: float, samples: list):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        samples.append(rss_mb(pid))
        await asyncio.sleep(0.1)


def heavy_posts(base: str, n: int, basin_n: int):
    """Basin maps and 32-lane runs, as a lecture hall's laptops export and map at once."""
    bodies = [("/api/basins", {"surface": "himmelblau", "optimizer": "adam", "steps": 300, "n": basin_n}),
              ("/api/runs", {"surface": "rosenbrock", "steps": 2000, "optimizers": [{"optimizer": "adam"}] * 32})]
    for k in range(n):
        path, body = bodies[k % 2]
        req = urllib.request.Request(base + path, data=json.dumps(body).encode(),
                                     headers={"content-type": "application/json"})
        try:
            urllib.request.urlopen(req, timeout=60).read()
        except OSError:
            pass  # a 503 when the queue is full is an answer too


def status(base: str) -> dict:
    return json.loads(urllib.request.urlopen(base + "/api/status", timeout=5).read())


def request(k: int) -> str:
    lr = 10 ** (-3 + 2 * random.random())
    return json.dumps({"id": k, "surface": "rosenbrock", "steps": 300, "optimizers": [
        {"optimizer": "adam", "params": {"lr": lr}}, {"optimizer": "momentum", "params": {"lr": lr / 20}},
        {"optimizer": "rmsprop", "params": {"lr": lr / 5}}]})


async def client(url: str, seconds: float, dropper: bool, counts: dict):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            async with websockets.connect(url, max_size=2 ** 24, open_timeout=10) as ws:
                reconnect_at = time.monotonic() + (1.0 if dropper else seconds)

                last_end = {"id": None}

                async def reader():
                    async for message in ws:
                        frame = json.loads(message)
                        counts[frame["type"]] = counts.get(frame["type"], 0) + 1
                        if frame["type"] == "end":
                            last_end["id"] = frame["id"]

                reading = asyncio.create_task(reader())
                k = 0
                while time.monotonic() < min(deadline, reconnect_at):
                    await ws.send(request(k))
                    counts["sent"] += 1
                    k += 1
                    await asyncio.sleep(0.05)
                if dropper and time.monotonic() < deadline:
                    ws.transport.abort()  # abrupt: no closing handshake
                    counts["dropped"] += 1
                else:  # the slider stops: its newest request must be answered in full
                    stop = time.monotonic() + 30  # generous: on a loaded machine the queue ahead of it drains slowly
                    while last_end["id"] != k - 1 and time.monotonic() < stop:
                        await asyncio.sleep(0.02)
                    counts["final answered"] += last_end["id"] == k - 1
                    counts["final asked"] += 1
                reading.cancel()
        except (OSError, websockets.exceptions.WebSocketException, asyncio.TimeoutError):
            counts["errors"] += 1
            await asyncio.sleep(0.1)


async def probe_health(base: str, seconds: float, latencies: list):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        t = time.perf_counter()
        await asyncio.to_thread(lambda: urllib.request.urlopen(base + "/healthz", timeout=10).read())
        latencies.append((time.perf_counter() - t) * 1e3)
        await asyncio.sleep(0.02)


async def run(base: str, clients: int, seconds: float, pid: int, heavy: tuple[int, int], rss: list):
    url = base.replace("http", "ws") + "/api/runs/ws"
    counts = {"sent": 0, "dropped": 0, "errors": 0, "final asked": 0, "final answered": 0}
    latencies: list[float] = []
    during = {}

    async def sample():
        await asyncio.sleep(seconds / 2)
        during.update(await asyncio.to_thread(status, base))

    await asyncio.gather(*(client(url, seconds, i % 5 == 0, counts) for i in range(clients)),
                         probe_health(base, seconds, latencies), sample(), sample_rss(pid, seconds, rss),
                         asyncio.to_thread(heavy_posts, base, *heavy))
    return counts, latencies, during


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args()
    clients, seconds, rounds, heavy = (20, 3.0, 3, (2, 60)) if args.quick else (100, 10.0, 5, (2, 100))
    rounds = args.rounds or rounds
    port = free_port()
    server = start_server(port)
    base = f"http://127.0.0.1:{port}"
    memory = []  # (peak during the round, after it), MB
    try:
        before = status(base)
        idle = rss_mb(server.pid)
        for r in range(rounds):
            rss: list[float] = []
            counts, latencies, during = asyncio.run(run(base, clients, seconds, server.pid, heavy, rss))
            time.sleep(2.0)  # let cancelled work finish its last chunk; idle memory is handed back
            memory.append((max(rss + [rss_mb(server.pid)]), rss_mb(server.pid)))
            if r == 0:
                first = (counts, latencies, during)
        after = status(base)
    finally:
        server.terminate()
        server.wait(15)
    counts, latencies, during = first
    lat = sorted(latencies)
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]  # noqa: E731
    print(f"{clients} clients x {seconds:.0f} s, a new request every 50 ms each; one in five drops abruptly every second; "
          f"{heavy[0]} heavy POSTs per round")
    print(f"requests sent {counts['sent']} (each replacing the one before), answered to the end "
          f"{counts.get('end', 0)}, chunks {counts.get('chunk', 0)}, abrupt disconnects {counts['dropped']}, "
          f"client errors {counts['errors']}")
    print(f"newest request of each client that stopped dragging answered in full: {counts['final answered']} of "
          f"{counts['final asked']}")
    print(f"/healthz during the load: p50 {statistics.median(lat):.1f} ms, p99 {p(0.99):.1f} ms, max {lat[-1]:.1f} ms "
          f"({len(lat)} probes)")
    print(f"server tasks/threads: before {before['tasks']}/{before['threads']}, during {during.get('tasks')}/"
          f"{during.get('threads')}, after {after['tasks']}/{after['threads']}")
    print(f"server RSS idle {idle:.0f} MB; per round peak/after: "
          + ", ".join(f"{peak:.0f}/{end:.0f}" for peak, end in memory) + " MB")
    limit = 1.2 * memory[0][0]
    kept = [end for _, end in memory if end > limit]
    print(f"memory given back: every round ends within 20% of the first round's peak ({limit:.0f} MB)" if not kept
          else f"FAILED: memory kept: rounds ended at {kept} MB, over {limit:.0f} MB")
    leaked = after["tasks"] > before["tasks"] + 1 or after["threads"] > max(before["threads"], 1) + 8
    leaked |= counts["final answered"] < counts["final asked"]
    print("no leak: tasks and threads back to the baseline, every final request answered" if not leaked
          else "FAILED: counts did not return to the baseline, or a final request went unanswered")
    sys.exit(1 if leaked or kept else 0)


if __name__ == "__main__":
    main()
