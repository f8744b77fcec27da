"""An export's size (issue 22, the exports' bytes): ``/export.html`` (its runs' and variants' JSON, the page and its
scripts) and ``/export.csv`` (a row per point) estimated before they run and refused over ``max_answer_mb`` with a
422 naming the field to shrink inside the state; ``slopes export`` refuses the same before writing anything."""
import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.services import answers, exporting
from app.settings import settings

ROOT = Path(__file__).resolve().parent.parent
LANES = [{"optimizer": "adam", "params": {"lr": 0.001 * (1 + i)}} for i in range(8)]
ADAM = {"surface": "rosenbrock", "steps": 20000, "optimizers": LANES}


def q(state: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


def fit(msg: str) -> int:
    return int(msg.split("at most ")[1].split(" steps")[0].replace(",", ""))


def limited(monkeypatch, mb: int):
    monkeypatch.setattr(answers, "settings", settings.model_copy(update={"max_answer_mb": mb}))


def refusal(client, path: str, state: dict) -> dict:
    r = client.get(f"{path}?state={q(state)}")
    assert r.status_code == 422, (r.status_code, r.text[:300])
    item = r.json()["detail"][0]
    assert item["type"] == "budget", item
    return item


@pytest.mark.parametrize("path, fmt", [("/export.html", "html"), ("/export.csv", "csv")])
def test_an_export_over_the_limit_is_a_422_naming_state_steps_at_the_boundary(client, monkeypatch, path, fmt):
    limited(monkeypatch, 4)
    item = refusal(client, path, ADAM)
    assert item["loc"] == ["query", "state", "steps"], item
    assert f"this {fmt.upper()} export would be about" in item["msg"] and "over the limit of 4 MB" in item["msg"], item
    steps = fit(item["msg"])
    assert 100 < steps < 20000
    # (the advice keeps 1 % aside)
    assert refusal(client, path, {**ADAM, "steps": int(steps / 0.99) + 40})["loc"] == ["query", "state", "steps"]
    r = client.get(f"{path}?state={q({**ADAM, 'steps': steps})}", headers={"accept-encoding": "identity"})
    assert r.status_code == 200, r.text[:300]
    assert 4e6 * 0.7 < len(r.content) <= 4e6 * 1.3, len(r.content)  # what it said fits is about the limit


def test_an_html_export_that_fits_without_include_names_state_include(client, monkeypatch):
    limited(monkeypatch, 6)
    state = {**ADAM, "steps": 3000, "include": ["state"]}
    item = refusal(client, "/export.html", state)
    assert item["loc"] == ["query", "state", "include"] and "drop include" in item["msg"], item
    assert "/api/runs/ws" not in item["msg"]  # the stream's hint is the POST answer's, not an export's
    # the CSV writes no state: the same state is only its points
    assert client.get(f"/export.csv?state={q(state)}").status_code == 200


def test_an_html_export_that_fits_without_its_variants_names_them(client, monkeypatch):
    limited(monkeypatch, 5)
    state = {**ADAM, "steps": 3000, "view": {"variants": [{"optimizers": LANES[::-1]}] * 3}}
    item = refusal(client, "/export.html", state)
    assert item["loc"] == ["query", "state", "view", "variants"] and "with its variants" in item["msg"], item
    no_variants = {**state, "view": {}}
    assert client.get(f"/export.html?state={q(no_variants)}").status_code == 200


def test_the_default_admits_the_largest_plain_export_and_refuses_adam_with_state(client):
    assert settings.max_answer_mb == 128
    lanes = {**ADAM, "optimizers": [{"optimizer": "adam", "params": {"lr": 0.001 * (1 + i)}} for i in range(32)]}
    assert exporting.export_size(lanes, "html").mb < 128 and exporting.export_size(lanes, "csv").mb < 128
    item = refusal(client, "/export.html", {**lanes, "include": ["state"]})
    assert item["loc"] == ["query", "state", "include"], item
    assert 18000 < fit(item["msg"]) < 20000, item


@pytest.mark.process
def test_the_cli_refuses_an_export_over_the_limit_before_writing(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps({**ADAM, "include": ["state"]}), encoding="utf-8")
    env = {**os.environ, "SLOPES_MAX_ANSWER_MB": "3"}
    for suffix, loc in (("html", "state.steps"), ("csv", "state.steps")):
        out = tmp_path / f"big.{suffix}"
        run = subprocess.run([sys.executable, "-m", "app.cli", "export", str(path), "-o", str(out)], cwd=ROOT,
                             capture_output=True, text=True, timeout=300, env=env)
        assert run.returncode == 2, (run.returncode, run.stderr[-800:])
        assert "Traceback" not in run.stderr and not out.exists()
        assert f"slopes export: {path}: {loc}: this {suffix.upper()} export would be about" in run.stderr, run.stderr
        assert "over the limit of 3 MB" in run.stderr


CASES = [
    {"surface": "rosenbrock", "steps": 3000, "optimizers": [{"optimizer": "adam", "label": "한국어 <b>&</b>"},
                                                            {"optimizer": "gd"}]},
    {"surface": "himmelblau", "steps": 2000, "include": ["state"],
     "optimizers": [{"optimizer": o} for o in ("adam", "muon", "prodigy", "lion")]},
    {"surface": "flat_sharp", "steps": 1500, "view": {"variants": [{"optimizers": [{"optimizer": "adam"}] * 3}]},
     "optimizers": [{"optimizer": "schedule_free_adamw", "schedule": {"type": "cosine", "T_max": 1500}}] * 4},
    {"surface": "quadratic", "steps": 200, "include": ["terms"],
     "optimizers": [{"optimizer": "lbfgs"}, {"optimizer": "momentum", "params": {"lr": 0.01}}]},
    {"surface": "rosenbrock", "steps": 6000, "optimizers": LANES, "view": {"lang": "ko"}},
]


@pytest.mark.parametrize("state", CASES, ids=lambda s: f"{s['surface']}-{s['steps']}")
def test_the_estimate_is_within_thirty_percent_of_the_real_exports(client, state):
    for path, fmt in (("/export.html", "html"), ("/export.csv", "csv")):
        r = client.get(f"{path}?state={q(state)}", headers={"accept-encoding": "identity"})
        assert r.status_code == 200, r.text[:300]
        estimate = exporting.export_size(state, fmt).bytes
        assert 0.7 <= estimate / len(r.content) <= 1.3, (fmt, estimate, len(r.content))
