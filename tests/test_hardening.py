"""Limits, headers and shutdown: what holds the server up under bad input and load."""
import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_security_headers_and_framing(client):
    page = client.get("/")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp and "frame-ancestors 'self'" in csp
    assert page.headers["x-frame-options"] == "SAMEORIGIN"
    assert page.headers["x-content-type-options"] == "nosniff"
    embed = client.get("/embed")
    assert "frame-ancestors" not in embed.headers["content-security-policy"]
    assert "x-frame-options" not in embed.headers
    assert client.get("/api/optimizers").headers["x-content-type-options"] == "nosniff"


def test_gzip_for_json_and_plotly(client):
    for bundle in ("plotly.min.js", "plotly-cartesian.min.js", "plotly-gl3d.min.js"):
        r = client.get(f"/vendor/{bundle}", headers={"accept-encoding": "gzip"})
        assert r.status_code == 200 and r.headers["content-encoding"] == "gzip" and b"plotly.js" in r.content[:200]
    assert client.get("/vendor/nothing.js").status_code == 404
    r = client.post("/api/runs", json={"surface": "himmelblau", "steps": 500, "optimizers": [{"optimizer": "adam"}]},
                    headers={"accept-encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"


def test_oversized_bodies_are_413(client):
    body = json.dumps({"surface": "rosenbrock", "optimizers": [{"optimizer": "gd", "label": "x" * 100}] * 3000})
    r = client.post("/api/runs", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "body" in r.json()["detail"][0]["loc"]


def test_oversized_websocket_message_is_refused_and_the_socket_lives(client):
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_text("x" * (300 * 1024))
        frame = ws.receive_json()
        assert frame["type"] == "error" and "at most" in frame["detail"][0]["msg"]
        ws.send_text(json.dumps({"surface": "quadratic", "steps": 5, "optimizers": [{"optimizer": "gd"}], "id": 1}))
        assert ws.receive_json()["type"] == "start"


def test_errors_never_leak_a_traceback(client, monkeypatch):
    from app import services

    def boom(plan, stop=None, between=None):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "answer_json", boom)  # (what POST /api/runs computes its answer with)
    from fastapi.testclient import TestClient

    from app.main import app

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post("/api/runs", json={"surface": "quadratic", "optimizers": [{"optimizer": "gd"}]})
    assert r.status_code == 500 and r.json() == {"detail": "internal error"} and "secret" not in r.text


def test_a_heavy_basin_map_does_not_stall_healthz(live_server):
    import threading

    body = json.dumps({"surface": "himmelblau", "optimizer": "adam", "steps": 1000, "n": 400}).encode()
    done = threading.Event()

    def heavy():
        req = urllib.request.Request(live_server + "/api/basins", data=body, headers={"content-type": "application/json"})
        urllib.request.urlopen(req, timeout=120).read()
        done.set()

    threading.Thread(target=heavy, daemon=True).start()
    time.sleep(0.3)
    latencies = []
    while not done.is_set() and len(latencies) < 100:
        t = time.perf_counter()
        urllib.request.urlopen(live_server + "/healthz", timeout=5).read()
        latencies.append(time.perf_counter() - t)
        time.sleep(0.02)
    assert len(latencies) > 5  # the map was still computing while these were answered
    assert sorted(latencies)[len(latencies) // 2] < 0.1


def test_websockets_refuse_a_foreign_origin_and_accept_the_apps_own(client):
    from starlette.websockets import WebSocketDisconnect

    for path in ("/api/runs/ws", "/api/basins/ws", "/api/maps/ws"):
        with pytest.raises(WebSocketDisconnect) as e:
            with client.websocket_connect(path, headers={"origin": "http://evil.example"}):
                pass
        assert e.value.code == 1008
        with client.websocket_connect(path, headers={"origin": "http://testserver"}) as ws:  # the page's own
            ws.send_text("[]")
            assert ws.receive_json()["type"] == "error"
        with client.websocket_connect(path) as ws:  # no Origin: a script or a notebook, not a browser page
            ws.send_text("[]")
            assert ws.receive_json()["type"] == "error"


@pytest.mark.process
def test_configured_origins_may_open_websockets():
    out = subprocess.run([sys.executable, "-c", """
from fastapi.testclient import TestClient
from app.main import app
c = TestClient(app)
with c.websocket_connect('/api/runs/ws', headers={'origin': 'https://slides.example'}) as ws:
    ws.send_text('[]'); print(ws.receive_json()['type'])
"""], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={**__import__("os").environ, "SLOPES_ALLOWED_ORIGINS": "https://slides.example, http://x.test:8080"})
    assert out.returncode == 0 and out.stdout.strip() == "error", out.stderr[-2000:]


def test_static_files_carry_validators_and_revalidate(client):
    r = client.get("/static/js/state.js")
    assert r.status_code == 200 and r.headers["cache-control"] == "no-cache"
    assert r.headers.get("etag") and r.headers.get("last-modified")
    again = client.get("/static/js/state.js", headers={"if-none-match": r.headers["etag"]})
    assert again.status_code == 304


def test_docs_and_their_assets_are_served_by_the_app(client):
    page = client.get("/docs").text
    assert "cdn" not in page.lower() and "//" not in page.replace("http://", "").split("<body>")[1].split("</body>")[0] \
        .replace("window.location.origin", "")
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs-assets/swagger-ui.css").status_code == 200
    assert "SwaggerUIBundle" in client.get("/docs/init.js").text
    assert client.get("/redoc").status_code == 404  # ReDoc would fetch its logo from a CDN: not served


@pytest.mark.browser
def test_docs_render_offline_in_chromium(page, live_server):
    """Swagger UI draws the API from /openapi.json with the app's own CSP and no request to another host."""
    page.goto(live_server + "/docs")
    page.get_by_role("heading", name="Slopes").first.wait_for(timeout=20_000)
    page.get_by_text("/api/runs").first.wait_for(timeout=10_000)
    foreign = [u for u in page.requests if not u.startswith((live_server, "data:", "blob:"))]
    assert not foreign, foreign
    assert not [e for e in page.errors if "Content Security Policy" in e], page.errors
