"""Load test on loopback: many WebSocket clients dragging sliders, abrupt disconnects, /healthz timed.

    python benchmarks/load.py            # 100 clients for 10 s
    python benchmarks/load.py --quick    # 20 clients for 3 s (CI)

Each client sends a new run request every 50 ms (a dragged lr slider: 3 lanes x 300 steps), replacing the
one in flight; one client in five drops its connection without a closing handshake every second and
reconnects. Meanwhile /healthz is requested every 20 ms. Prints /healthz p50 and p99, requests sent and
answered, and the server's asyncio tasks and threads before, during and after (they must return to the
baseline: nothing leaks). Everything stays on 127.0.0.1 and stops by itself.
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
                    stop = time.monotonic() + 10
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


async def run(base: str, clients: int, seconds: float):
    url = base.replace("http", "ws") + "/api/runs/ws"
    counts = {"sent": 0, "dropped": 0, "errors": 0, "final asked": 0, "final answered": 0}
    latencies: list[float] = []
    during = {}

    async def sample():
        await asyncio.sleep(seconds / 2)
        during.update(await asyncio.to_thread(status, base))

    await asyncio.gather(*(client(url, seconds, i % 5 == 0, counts) for i in range(clients)),
                         probe_health(base, seconds, latencies), sample())
    return counts, latencies, during


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    clients, seconds = (20, 3.0) if args.quick else (100, 10.0)
    port = free_port()
    server = start_server(port)
    base = f"http://127.0.0.1:{port}"
    try:
        before = status(base)
        counts, latencies, during = asyncio.run(run(base, clients, seconds))
        time.sleep(2.0)  # let cancelled work finish its last chunk
        after = status(base)
    finally:
        server.terminate()
        server.wait(15)
    lat = sorted(latencies)
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]  # noqa: E731
    print(f"{clients} clients x {seconds:.0f} s, a new request every 50 ms each; one in five drops abruptly every second")
    print(f"requests sent {counts['sent']} (each replacing the one before), answered to the end "
          f"{counts.get('end', 0)}, chunks {counts.get('chunk', 0)}, abrupt disconnects {counts['dropped']}, "
          f"client errors {counts['errors']}")
    print(f"newest request of each client that stopped dragging answered in full: {counts['final answered']} of "
          f"{counts['final asked']}")
    print(f"/healthz during the load: p50 {statistics.median(lat):.1f} ms, p99 {p(0.99):.1f} ms, max {lat[-1]:.1f} ms "
          f"({len(lat)} probes)")
    print(f"server tasks/threads: before {before['tasks']}/{before['threads']}, during {during.get('tasks')}/"
          f"{during.get('threads')}, after {after['tasks']}/{after['threads']}")
    leaked = after["tasks"] > before["tasks"] + 1 or after["threads"] > max(before["threads"], 1) + 8
    leaked |= counts["final answered"] < counts["final asked"]
    print("no leak: tasks and threads back to the baseline, every final request answered" if not leaked
          else "FAILED: counts did not return to the baseline, or a final request went unanswered")
    sys.exit(1 if leaked else 0)


if __name__ == "__main__":
    main()
