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
TEXT = {"en": {"play": "Play", "pause": "Pause", "steps": "steps", "made_with": "Made with Slopes", "scrub": "Step",
               "speed": "Speed"},
        "ko": {"play": "재생", "pause": "일시정지", "steps": "스텝", "made_with": "Slopes로 만든 그림", "scrub": "스텝",
               "speed": "속도"}}
FRAME_OPTIONS = ("autoplay", "loop", "interactive", "equal")  # view flags the export's player reads
MAX_VARIANTS = 8  # view.variants: patches of the state precomputed for scripting (slopes:update) offline
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


def merge(base, patch):
    """The page's patch rule: objects merge key by key; arrays and everything else replace."""
    if not isinstance(patch, dict):
        return patch
    out = dict(base) if isinstance(base, dict) else {}
    for key, value in patch.items():
        out[key] = merge(out.get(key), value)
    return out


def coloured_runs(state: dict, plan) -> dict:
    runs = run_plan(plan)
    colours = (state.get("view") or {}).get("colors") or []
    for i, run in enumerate(runs["runs"]):
        run["color"] = colours[i] if i < len(colours) and isinstance(colours[i], str) else PALETTE[i % len(PALETTE)]
    return runs


def variants(state: dict) -> list[dict]:
    """``view.variants``: patches of the state (``{"optimizers": [...]}``), each precomputed so that a slide's
    ``slopes:update`` can show it offline. Same surface only: the export carries one grid."""
    patches = (state.get("view") or {}).get("variants") or []
    if not isinstance(patches, list) or len(patches) > MAX_VARIANTS:
        raise RequestError(["state", "view", "variants"], f"view.variants must be a list of at most {MAX_VARIANTS} "
                                                          f"patches", where="query")
    base = {k: v for k, v in state.items() if k != "view"}
    surface_id = plan_runs(run_request(base)).surface.id if patches else None
    out = []
    for i, patch in enumerate(patches):
        if not isinstance(patch, dict):
            raise RequestError(["state", "view", "variants", i], "each variant is a patch object", where="query")
        full = merge(base, {k: v for k, v in patch.items() if k != "view"})
        try:
            plan = plan_runs(run_request(full))
        except RequestError as e:
            loc = e.loc[1:] if e.loc[:1] == ["state"] else e.loc
            raise RequestError(["state", "view", "variants", i, *loc], e.msg, where="query") from None
        if plan.surface.id != surface_id:
            raise RequestError(["state", "view", "variants", i, "surface"], "a variant keeps the surface",
                               where="query")
        out.append({"state": full, "runs": coloured_runs(state, plan)})
    return out


def bundle(state: dict) -> dict:
    """Everything an offline figure needs: surface, grid, runs (with colours), captions, the state itself."""
    plan = plan_runs(run_request(state))
    runs = coloured_runs(state, plan)
    view = state.get("view") or {}
    grid = plan.surface.grid(160)
    lang = view.get("lang") if view.get("lang") in TEXT else "en"
    public = {**state, "view": {k: v for k, v in view.items() if k != "variants"}} if view else dict(state)
    return {"surface": plan.surface.metadata(), "grid": grid, "runs": runs, "lang": lang, "text": TEXT[lang],
            "caption": view.get("caption") or "", "state": public,
            "view": {k: bool(view[k]) for k in FRAME_OPTIONS if k in view}}


def to_json(data: dict) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_SERIALIZE_NUMPY)


def export_html(state: dict) -> str:
    data = bundle(state)
    data["variants"] = variants(state)
    surface = data["surface"]
    title = data["caption"] or f"{surface['name']}: " + ", ".join(r["label"] for r in data["runs"]["runs"])
    subtitle = f"{surface['formula']} · {data['runs']['steps']} {data['text']['steps']} · {data['text']['made_with']}"
    data_json = to_json(data).decode().replace("</", "<\\/")  # cannot close the script element
    return _env.get_template("export.html").render(
        title=title, subtitle=subtitle, lang=data["lang"], text=data["text"], data_json=data_json,
        plotly_js=plotly_js_path().read_text(encoding="utf-8").replace("</script", "<\\/script"),
        deck_js=_script("deck.js"), player_js=_script("player.js"))


def _script(name: str) -> str:
    """A file of static/js, safe to inline in a <script> element."""
    return (STATIC_DIR / "js" / name).read_text(encoding="utf-8").replace("</script", "<\\/script")


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
