"""The small holes of issue 22, item 5: numbers JSON allows and a float64 cannot hold, one set of ``?state=`` rules
on every page, security headers on every answer, a bounded ``slopes export`` and CSV cells after invisible
characters."""
import base64
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
JSON = {"content-type": "application/json"}
RUN = '{"surface": "quadratic", "steps": %s, "optimizers": [{"optimizer": "gd", "params": {"lr": %s}}]}'


def b64(obj) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


def b64_text(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def test_a_5000_digit_steps_is_a_422_naming_steps_in_a_post_and_on_the_socket(client):
    body = RUN % ("9" * 5000, "0.1")
    r = client.post("/api/runs", content=body, headers=JSON)
    assert r.status_code == 422, r.text[:300]
    assert r.json()["detail"][0]["loc"] == ["body", "steps"] and "5000 digits" in r.json()["detail"][0]["msg"]
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_text(body)
        frame = ws.receive_json()
        assert frame["type"] == "error" and frame["detail"][0]["loc"] == ["body", "steps"]
    r = client.post("/api/basins", content='{"n": -%s}' % ("1" * 4400), headers=JSON)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "n"]


@pytest.mark.parametrize("literal", ["1e-400", "-1e-400", "0.0000000000000000000001e-330", "5E-999"])
def test_a_literal_that_would_become_zero_is_refused_at_its_field(client, literal):
    r = client.post("/api/runs", content=RUN % ("5", literal), headers=JSON)
    assert r.status_code == 422, r.text[:300]
    item = r.json()["detail"][0]
    assert item["loc"] == ["body", "optimizers", 0, "params", "lr"] and "would be read as 0" in item["msg"]
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_text(RUN % ("5", literal))
        assert ws.receive_json()["detail"][0]["loc"] == ["body", "optimizers", 0, "params", "lr"]
    state = b64_text(RUN % ("5", literal))
    for path in ("/export.csv", "/export.html", "/embed"):  # the same reader for ?state=
        r = client.get(f"{path}?state={state}", headers={"accept": "application/json"})
        assert r.status_code == 422, (path, r.text[:200])


def test_negative_zero_is_read_as_zero_and_never_echoed(client):
    body = ('{"surface": "quadratic", "start": [-0.0, 1], "steps": 2, "optimizers": [{"optimizer": "adam", '
            '"params": {"lr": -0.0, "weight_decay": -0e5}}]}')
    r = client.post("/api/runs", content=body, headers=JSON)
    assert r.status_code == 200, r.text[:300]
    assert "-0.0" not in r.text.split('"points"')[0]
    assert r.json()["runs"][0]["params"]["weight_decay"] == 0.0 and r.json()["start"] == [0.0, 1.0]
    for zero in ("0", "0.0", "0e-400", "-0"):  # zero written as zero is fine
        assert client.post("/api/runs", content=RUN % ("2", zero), headers=JSON).status_code == 200


PAGES = ["/", "/embed", "/export.html", "/export.csv"]


@pytest.mark.parametrize("path", PAGES)
def test_unknown_top_level_keys_are_dropped_on_every_page(client, path):
    state = {"surface": "quadratic", "steps": 3, "optimizers": [{"optimizer": "gd", "label": "kept"}],
             "from_a_newer_page": {"x": 1}, "typo_steps": 5}
    r = client.get(f"{path}?state={b64(state)}")
    assert r.status_code == 200, r.text[:300]
    if path == "/export.html":
        assert "from_a_newer_page" not in r.text and "kept" in r.text
    # and a bad view option is refused alike everywhere
    r = client.get(f"{path}?state={b64({**state, 'view': {'colors': ['red']}})}", headers={"accept": "application/json"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][:4] == ["query", "state", "view", "colors"]


@pytest.mark.parametrize("path", ["/", "/embed"])
def test_an_empty_state_is_the_default_view(client, path):
    assert client.get(f"{path}?state=").status_code == 200
    assert client.get(f"{path}?state=").text == client.get(path).text


@pytest.mark.parametrize("path", ["/export.html", "/export.csv"])
def test_an_empty_state_on_an_export_is_the_empty_state_naming_what_it_lacks(client, path):
    for url in (f"{path}?state=", path):
        r = client.get(url)
        assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "state", "optimizers"], r.text


def _answers(client):
    from fastapi.testclient import TestClient

    from app.main import app

    yield "413", client.post("/api/runs", content=b"x" * (300 * 1024), headers=JSON)
    yield "413 chunked", client.post("/api/runs", content=iter([b"x" * (200 * 1024)] * 2), headers=JSON)
    yield "404", client.get("/api/surfaces/nowhere")
    yield "404 path", client.get("/no/such/page")
    yield "405", client.delete("/api/runs")
    yield "422", client.post("/api/runs", json={"steps": -1})
    yield "422 page", client.get("/?state=%%%", headers={"accept": "text/html"})
    yield "422 json", client.post("/api/runs", content=b"{not json", headers=JSON)
    yield "400", client.post("/api/runs", content=b'{"steps": "\xff"}', headers=JSON)
    with TestClient(app, raise_server_exceptions=False) as c:
        from app import services

        original = services.answer_json  # (what POST /api/runs computes its answer with)
        services.answer_json = lambda *a, **k: 1 / 0
        try:
            yield "500", c.post("/api/runs", json={"surface": "quadratic", "optimizers": [{"optimizer": "gd"}]})
        finally:
            services.answer_json = original


def test_every_answer_carries_the_security_headers(client):
    seen = set()
    for name, r in _answers(client):
        assert r.status_code == int(name.split()[0]), (name, r.status_code, r.text[:200])
        assert r.headers.get("x-content-type-options") == "nosniff", name
        assert "default-src 'self'" in r.headers.get("content-security-policy", ""), name
        assert r.headers.get("referrer-policy") == "same-origin", name
        assert r.headers.get("x-frame-options") == "SAMEORIGIN", name
        seen.add(name)
    assert "500" in seen and "413 chunked" in seen
    r = dict(_answers(client))["500"]
    assert r.json() == {"detail": "internal error"}


def _export(args, timeout=60):
    return subprocess.run([sys.executable, "-m", "app.cli", "export", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.process
def test_slopes_export_caps_its_input_as_the_address_does(tmp_path):
    out = _export(["/dev/zero", "-o", str(tmp_path / "out.html")], timeout=30)
    assert out.returncode == 2 and "larger than" in out.stderr and "MemoryError" not in out.stderr, out.stderr
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"surface": "quadratic", "optimizers": [{"optimizer": "gd"}], "view": {"caption": "x"},
                               "pad": "y" * 70_000}))
    out = _export([str(big), "-o", str(tmp_path / "out.csv")])
    assert out.returncode == 2 and "larger than" in out.stderr
    small = tmp_path / "small.json"
    small.write_text(json.dumps({"surface": "quadratic", "steps": 2, "optimizers": [{"optimizer": "gd"}]}))
    assert _export([str(small), "-o", str(tmp_path / "out.csv")]).returncode == 0


INVISIBLE = ["\u3000", "\u2003", "\u200b", "\u0085", "\x00", "\ufeff", "\u200e", "\u2060", "\u00ad", " \u200b\u3000"]


@pytest.mark.parametrize("lead", INVISIBLE)
@pytest.mark.parametrize("sign", ["=", "+", "-", "@", "\uff1d"])
def test_csv_cells_are_prefixed_after_any_leading_invisible_character(client, lead, sign):
    label = f"{lead}{sign}HYPERLINK(\"https://evil.example\")"
    state = {"surface": "rosenbrock", "steps": 1, "optimizers": [{"optimizer": "adam", "label": label}]}
    r = client.get("/export.csv?state=" + b64(state))
    assert r.status_code == 200, r.text[:300]
    rows = list(csv.reader(io.StringIO(r.text, newline="")))
    assert rows[1][2] == "'" + label
