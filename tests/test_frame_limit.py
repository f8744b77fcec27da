"""WebSocket messages over the app's limit are refused by the server at the frame header, before it buffers them,
however the server is started (issue 22, item 1): docs/running.md's ``uvicorn app.main:app``, ``make run``,
``slopes serve`` and the Docker image's exact CMD (with its WEB_CONCURRENCY workers)."""
from __future__ import annotations

import base64
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from browser import free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FLOOD = 30  # clients, each sending one frame of ...
FRAME = 16 * 1024 * 1024 - 1  # ... uvicorn's default limit less a byte: what the attack pass sent


def dockerfile() -> tuple[list[str], dict]:
    """The Dockerfile's CMD (argv) and ENV (the variables the image sets)."""
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    cmd = json.loads(next(line for line in lines if line.startswith("CMD "))[4:])
    env, k = {}, next(i for i, line in enumerate(lines) if line.startswith("ENV "))
    text = lines[k][4:]
    while text.rstrip().endswith("\\"):
        k += 1
        text = text.rstrip()[:-1] + " " + lines[k]
    for pair in text.split():
        name, _, value = pair.partition("=")
        env[name] = value
    return cmd, env


def launcher(name: str, port: int) -> tuple[list[str], dict]:
    if name == "uvicorn":  # as docs/running.md and the tests start it
        return [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port)], {}
    if name == "uvicorn --lifespan off":  # no lifespan: each connection lowers its own parser's limit
        return [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port),
                "--lifespan", "off"], {}
    if name == "make run":  # -o: never reinstall the shared virtualenv from here
        return ["make", "-o", ".venv/.installed", "run", "HOST=127.0.0.1", f"PORT={port}"], {}
    if name == "slopes serve":
        return [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)], {}
    cmd, env = dockerfile()  # the exact command, on loopback and a free port instead of 0.0.0.0:8000
    cmd = [*cmd]
    cmd[cmd.index("--host") + 1], cmd[cmd.index("--port") + 1] = "127.0.0.1", str(port)
    return cmd, env


def start(name: str, port: int) -> subprocess.Popen:
    cmd, env = launcher(name, port)
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                            env={**os.environ, **env, "PATH": f"{BIN}:{os.environ.get('PATH', '')}"})
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}")
            time.sleep(0.1)
    stop(proc)
    raise RuntimeError(f"{name} did not start")


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


def servers(session: int) -> list[int]:
    """The Python processes of the server's session: uvicorn and its workers (not make)."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            program = (entry / "cmdline").read_bytes().split(b"\0")[0]
        except (OSError, IndexError):
            continue
        if int(fields[3]) == session and b"python" in Path(program.decode()).name.encode():
            pids.append(int(entry.name))
    return pids


def memory(pid: int) -> dict:
    """VmHWM (peak) and VmRSS of a process, MB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmHWM:", "VmRSS:")):
            out[line.split(":")[0]] = int(line.split()[1]) / 1024
    return out


def handshake(port: int) -> socket.socket:
    return upgrade(port)[0]


def upgrade(port: int, offer: str = "") -> tuple[socket.socket, bytes]:
    """A connection to the stream, upgraded (``offer``: more request headers, such as an extension offer), and the
    head of the server's answer."""
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(f"GET /api/runs/ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{offer}\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        data = s.recv(4096)
        if not data:
            raise AssertionError("no handshake answer")
        head += data
    assert head.startswith(b"HTTP/1.1 101"), head[:200]
    return s, head


def text_header(length: int) -> bytes:
    """A masked text frame's header (mask key 0: the payload goes as it is) for a payload of ``length`` bytes."""
    if length < 126:
        return struct.pack("!BB", 0x81, 0x80 | length) + b"\0\0\0\0"
    if length < 65536:
        return struct.pack("!BBH", 0x81, 0x80 | 126, length) + b"\0\0\0\0"
    return struct.pack("!BBQ", 0x81, 0x80 | 127, length) + b"\0\0\0\0"


def read_frame(s: socket.socket) -> tuple[int, bytes]:
    def exactly(n):
        data = b""
        while len(data) < n:
            more = s.recv(n - len(data))
            if not more:
                raise ConnectionError("closed")
            data += more
        return data

    b0, b1 = exactly(2)
    n = b1 & 0x7F
    n = struct.unpack("!H", exactly(2))[0] if n == 126 else struct.unpack("!Q", exactly(8))[0] if n == 127 else n
    return b0 & 0x0F, exactly(n)


def flood_one(port: int, outcome: list) -> None:
    """One client: a frame of FRAME bytes, streamed; the server may close the connection long before its end."""
    sent = 0
    try:
        s = handshake(port)
        s.sendall(text_header(FRAME))
        piece = b"x" * (256 * 1024)
        while sent < FRAME:
            sent += s.send(piece[:FRAME - sent])
        s.close()
    except OSError:
        pass
    outcome.append(sent)


def limit() -> int:
    from app.settings import settings

    return settings.max_ws_message


@pytest.mark.process
@pytest.mark.parametrize("name", ["uvicorn", "uvicorn --lifespan off", "make run", "slopes serve", "docker CMD"])
def test_oversize_frames_are_refused_before_they_are_buffered(name):
    port = free_port()
    proc = start(name, port)
    try:
        pids = servers(proc.pid)
        assert pids, "no server process found"
        # the header alone of a message one byte over the limit: refused with close code 1009 at once
        s = handshake(port)
        s.sendall(text_header(limit() + 1))
        opcode, payload = read_frame(s)
        assert opcode == 0x8 and struct.unpack("!H", payload[:2])[0] == 1009, (opcode, payload)
        s.close()
        # a message at the limit is still read and answered (an error frame: it is not JSON)
        s = handshake(port)
        s.sendall(text_header(limit()) + b" " * limit())
        opcode, payload = read_frame(s)
        assert opcode == 0x1 and json.loads(payload)["type"] == "error", payload[:300]
        s.close()
        before = {pid: memory(pid) for pid in pids}
        outcomes: list[int] = []
        threads = [threading.Thread(target=flood_one, args=(port, outcomes)) for _ in range(FLOOD)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        after = {pid: memory(pid) for pid in pids}
        grown = {pid: after[pid]["VmHWM"] - before[pid]["VmRSS"] for pid in pids}
        print(f"{name}: {FLOOD} frames of {FRAME} bytes; server processes' RSS before "
              f"{[round(before[p]['VmRSS']) for p in pids]} MB, peak after {[round(after[p]['VmHWM']) for p in pids]} MB; "
              f"bytes the clients got to send: at most {max(outcomes) / 2 ** 20:.1f} MiB")
        assert len(outcomes) == FLOOD
        assert max(grown.values()) < 40, f"peak RSS grew by {grown} MB"
        # and the server goes on serving sockets, offering no compression (it would run on the event loop)
        s, head = upgrade(port, "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")
        assert b"permessage-deflate" not in head.lower(), head
        body = json.dumps({"surface": "quadratic", "steps": 3, "optimizers": [{"optimizer": "gd"}], "id": 7}).encode()
        s.sendall(text_header(len(body)) + body)
        assert json.loads(read_frame(s)[1])["type"] == "start"
        s.close()
    finally:
        stop(proc)


@pytest.mark.process
def test_the_lifespan_lowers_the_servers_own_config_through_the_frameworks_wrappers():
    """At start-up the server's config (which every later connection's protocol reads) gets the app's frame limit
    and no compression, though FastAPI hands the lifespan a ``receive`` wrapped in a closure of its own."""
    import asyncio

    import uvicorn

    from app.main import app

    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning")
    server = uvicorn.Server(config)

    async def run():
        task = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.05)
        server.should_exit = True
        await task

    assert config.ws_max_size == 16 * 1024 * 1024 and config.ws_per_message_deflate  # uvicorn's defaults
    # (in a thread of its own: a worker that ran a browser test before has an event loop running in this one)
    served = threading.Thread(target=lambda: asyncio.run(run()))
    served.start()
    served.join(60)
    assert config.ws_max_size == limit()
    assert config.ws_per_message_deflate is False
