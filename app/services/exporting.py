"""Figures that leave the app: the self-contained HTML export, JSON and CSV of a state.

Used by ``GET /export.html`` and ``/export.csv``, by the ``slopes export`` command and by notebooks.
"""
from __future__ import annotations

import csv
import html
import io
from functools import lru_cache
from pathlib import Path

import orjson
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..assets import STATIC_DIR, TEMPLATES_DIR, plotly_js_path
from .errors import Refused
from .planning import plan_runs
from .runs import Stop, run_plan
from .state import load_json, parse_state

PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#7F7F7F"]
TEXT = {"en": {"play": "Play", "pause": "Pause", "steps": "steps", "made_with": "Made with Slopes"},
        "ko": {"play": "재생", "pause": "일시정지", "steps": "스텝", "made_with": "Slopes로 만든 그림"}}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")  # OWASP: a spreadsheet reads such a cell as a formula
_BLANK = " \t\r\n\x0b\x0c\u00a0\u2028\u2029"  # what an import that trims cells drops before the formula
_env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(["html"]))


def bundle(state: dict, stop: Stop | None = None) -> dict:
    """Everything an offline figure needs: surface, grid, runs (with colours), captions."""
    request, view = parse_state(state)
    try:
        plan = plan_runs(request)
    except Refused as e:
        raise e.under("state") from None
    runs = run_plan(plan, stop)
    colours = view.colors
    for i, run in enumerate(runs["runs"]):
        run["color"] = colours[i] if i < len(colours) and colours[i] else PALETTE[i % len(PALETTE)]
    grid = plan.surface.grid(160)
    lang = view.lang if view.lang in TEXT else "en"
    return {"surface": plan.surface.metadata(), "grid": grid, "runs": runs, "lang": lang, "text": TEXT[lang],
            "caption": view.caption or ""}


def to_json(data) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_SERIALIZE_NUMPY)


def script_json(data) -> str:
    """JSON that is safe inside ``<script>``: ``<``, ``>`` and ``&`` written as ``\\u`` escapes, so no label
    (``</script>``, ``<!--<script>``) can end the element or change how the HTML parser reads it."""
    return (to_json(data).decode().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


@lru_cache(maxsize=1)
def _inlined_scripts() -> tuple[str, str]:
    """plotly.js (4 MB) and the player, read once, each unable to close its ``<script>`` element."""
    return (plotly_js_path().read_text(encoding="utf-8").replace("</script", "<\\/script"),
            (STATIC_DIR / "js" / "player.js").read_text(encoding="utf-8").replace("</script", "<\\/script"))


def export_html(state: dict, stop: Stop | None = None) -> str:
    data = bundle(state, stop)
    surface = data["surface"]
    title = data["caption"] or f"{surface['name']}: " + ", ".join(r["label"] for r in data["runs"]["runs"])
    subtitle = f"{surface['formula']} · {data['runs']['steps']} {data['text']['steps']} · {data['text']['made_with']}"
    for run in data["runs"]["runs"]:  # Plotly reads <a href>, <b>, <br> in trace names: a label stays text
        run["label"] = plotly_text(run["label"])
    return _env.get_template("export.html").render(
        title=title, subtitle=subtitle, lang=data["lang"], text=data["text"], data_json=script_json(data),
        plotly_js=_inlined_scripts()[0], player_js=_inlined_scripts()[1])


def plotly_text(text: str) -> str:
    """``text`` as Plotly shows it literally: its pseudo-HTML (``<a href>``, ``<br>``) escaped as entities."""
    return html.escape(text, quote=False)


def cell(text: str) -> str:
    """A text cell a spreadsheet shows as text: one starting like a formula (also after blanks or line breaks an
    import may trim, e.g. ``"\r=1+1"`` or ``" =1+1"``) gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_START) or text.lstrip(_BLANK).startswith(FORMULA_START) else text


def export_csv(state: dict, stop: Stop | None = None) -> str:
    """One row per point: lane, optimizer, label, step, x, y, loss, lr (of the step that left it), status."""
    data = bundle(state, stop)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["lane", "optimizer", "label", "step", "x", "y", "loss", "lr", "status"])
    for i, run in enumerate(data["runs"]["runs"]):
        lrs = list(run["lrs"])
        label, optimizer = cell(run["label"]), cell(run["optimizer"])
        for k, (p, loss) in enumerate(zip(run["points"], run["losses"])):
            writer.writerow([i, optimizer, label, k, repr(float(p[0])), repr(float(p[1])),
                             repr(float(loss)), repr(float(lrs[k])) if k < len(lrs) else "", run["status"]])
    return out.getvalue()


def export_json(state: dict, stop: Stop | None = None) -> bytes:
    return to_json(bundle(state, stop)["runs"])


def export_to_file(state_path: Path, out_path: Path) -> None:
    """``slopes export``: STATE.json (a run request plus optional view) to .html, .json or .csv."""
    suffix = out_path.suffix.lower()
    if suffix not in (".html", ".json", ".csv"):
        raise ValueError(f"unknown output type {suffix!r}: use .html, .json or .csv")
    state = load_json(Path(state_path).read_text(encoding="utf-8"), ["state"])
    if not isinstance(state, dict):
        raise Refused(["state"], "a state must be a JSON object")
    if suffix == ".html":
        out_path.write_text(export_html(state), encoding="utf-8")
    elif suffix == ".json":
        out_path.write_bytes(export_json(state))
    else:
        out_path.write_text(export_csv(state), encoding="utf-8")
