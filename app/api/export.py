"""Figures that leave the app: the ?state= parameter, the self-contained HTML export, JSON and CSV.

Used by ``GET /export.html`` and by the ``slopes export`` command.
"""
from __future__ import annotations

import base64
import binascii
import csv
import io
import json
from pathlib import Path

import orjson
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import ValidationError

from .build import RequestError, plan_runs
from .pages import STATIC_DIR, TEMPLATES_DIR, plotly_js_path
from .runs import run_plan
from .schemas import RunRequest

PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#7F7F7F"]
MAX_STATE = 64 * 1024  # characters of ?state=
TEXT = {"en": {"play": "Play", "pause": "Pause", "steps": "steps", "made_with": "Made with Slopes"},
        "ko": {"play": "재생", "pause": "일시정지", "steps": "스텝", "made_with": "Slopes로 만든 그림"}}
_env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(["html"]))


def decode_state(text: str) -> dict:
    """The JSON object inside a base64url ``state`` parameter; a 422 naming ``state`` otherwise."""
    if len(text) > MAX_STATE:
        raise RequestError(["state"], f"state is longer than {MAX_STATE} characters", where="query")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        state = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise RequestError(["state"], "state is not base64url-encoded JSON", where="query") from None
    if not isinstance(state, dict):
        raise RequestError(["state"], "state must encode a JSON object", where="query")
    return state


def run_request(state: dict) -> RunRequest:
    body = {k: v for k, v in state.items() if k != "view"}
    try:
        return RunRequest.model_validate(body)
    except ValidationError as e:
        first = e.errors()[0]
        raise RequestError(["state", *first["loc"]], first["msg"], where="query") from None


def bundle(state: dict) -> dict:
    """Everything an offline figure needs: surface, grid, runs (with colours), captions."""
    plan = plan_runs(run_request(state))
    runs = run_plan(plan)
    view = state.get("view") or {}
    colours = view.get("colors") or []
    for i, run in enumerate(runs["runs"]):
        run["color"] = colours[i] if i < len(colours) and isinstance(colours[i], str) else PALETTE[i % len(PALETTE)]
    grid = plan.surface.grid(160)
    lang = view.get("lang") if view.get("lang") in TEXT else "en"
    return {"surface": plan.surface.metadata(), "grid": grid, "runs": runs, "lang": lang, "text": TEXT[lang],
            "caption": view.get("caption") or ""}


def to_json(data: dict) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_SERIALIZE_NUMPY)


def export_html(state: dict) -> str:
    data = bundle(state)
    surface = data["surface"]
    title = data["caption"] or f"{surface['name']}: " + ", ".join(r["label"] for r in data["runs"]["runs"])
    subtitle = f"{surface['formula']} · {data['runs']['steps']} {data['text']['steps']} · {data['text']['made_with']}"
    data_json = to_json(data).decode().replace("</", "<\\/")  # cannot close the script element
    return _env.get_template("export.html").render(
        title=title, subtitle=subtitle, lang=data["lang"], text=data["text"], data_json=data_json,
        plotly_js=plotly_js_path().read_text(encoding="utf-8").replace("</script", "<\\/script"),
        player_js=(STATIC_DIR / "js" / "player.js").read_text(encoding="utf-8"))


def export_csv(state: dict) -> str:
    """One row per point: lane, optimizer, label, step, x, y, loss, lr (of the step that left it), status."""
    data = bundle(state)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["lane", "optimizer", "label", "step", "x", "y", "loss", "lr", "status"])
    for i, run in enumerate(data["runs"]["runs"]):
        lrs = list(run["lrs"])
        for k, (p, loss) in enumerate(zip(run["points"], run["losses"])):
            writer.writerow([i, run["optimizer"], run["label"], k, repr(float(p[0])), repr(float(p[1])),
                             repr(float(loss)), repr(float(lrs[k])) if k < len(lrs) else "", run["status"]])
    return out.getvalue()


def export_to_file(state_path: Path, out_path: Path) -> None:
    """``slopes export``: STATE.json (a run request plus optional view) to .html, .json or .csv."""
    state = json.loads(Path(state_path).read_text(encoding="utf-8"))
    suffix = out_path.suffix.lower()
    if suffix == ".html":
        out_path.write_text(export_html(state), encoding="utf-8")
    elif suffix == ".json":
        out_path.write_bytes(to_json(bundle(state)["runs"]))
    elif suffix == ".csv":
        out_path.write_text(export_csv(state), encoding="utf-8")
    else:
        raise ValueError(f"unknown output type {suffix!r}: use .html, .json or .csv")
