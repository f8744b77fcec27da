"""Figures that leave the app: the self-contained HTML export, JSON and CSV of a state.

Used by ``GET /export.html`` and ``/export.csv``, by the ``slopes export`` command and by notebooks.
"""
from __future__ import annotations

import csv
import html
import io
import unicodedata
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import orjson
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..assets import STATIC_DIR, TEMPLATES_DIR, plotly_bundle_path
from ..lessons import LESSONS
from .answers import NUMBER, AnswerSize, answer_size, check_answer, combined, csv_size
from .errors import Refused
from .planning import plan_runs
from .runs import Stop, run_plan
from ..settings import settings
from .costs import Cost
from .state import decode_state, known_keys, load_json, parse_state, parse_view

PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#7F7F7F"]
TEXT = {"en": {"play": "Play", "pause": "Pause", "steps": "steps", "made_with": "Made with Slopes", "scrub": "Step",
               "speed": "Speed", "custom": "Custom surface"},
        "ko": {"play": "재생", "pause": "일시정지", "steps": "스텝", "made_with": "Slopes로 만든 그림", "scrub": "스텝",
               "speed": "속도", "custom": "사용자 정의 함수"}}
FRAME_OPTIONS = ("autoplay", "loop", "interactive", "equal")  # view flags the export's player reads
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")  # OWASP: a spreadsheet reads such a cell as a formula
FORMULA_SIGNS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and their full-width forms
BOM = "\ufeff"  # the CSV's first character (Excel's sign that the file is UTF-8)
LESSONS_BY_ID = {lesson["id"]: lesson for lesson in LESSONS}
# what an import may trim or not show before the formula: every space, line break and control or format character
# (U+3000 ideographic and U+2003 em spaces, U+0085 NEL, U+200B zero-width space, U+FEFF, bidi marks, NUL, ...)
_INVISIBLE = {"Zs", "Zl", "Zp", "Cc", "Cf"}
HTML_SECONDS = 0.15  # an HTML export's own work beyond its runs: the template, 4 MB of plotly.js, gzip
GRID = 160  # the export's contour grid: GRID x GRID losses and its axes
EXPORT_NAMES = {"html": "HTML export", "csv": "CSV export", "json": "JSON export"}
DATA_MARK = "\x00slopes-data\x00"  # where the export's JSON goes in its rendered page (no template text has NUL)
SLICE = 1 << 20  # an HTML export's JSON is handed out in parts of this many bytes
ADDRESS_SLACK = 2048  # a state file may hold the whole address: scheme, host and path around the state= value
_env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(["html"]))


def merge(base, patch):
    """The page's patch rule: objects merge key by key; arrays and everything else replace."""
    if not isinstance(patch, dict):
        return patch
    out = dict(base) if isinstance(base, dict) else {}
    for key, value in patch.items():
        out[key] = merge(out.get(key), value)
    return out


def coloured_runs(plan, colours: list, stop: Stop | None = None) -> dict:
    return coloured(run_plan(plan, stop), colours)


def coloured(runs: dict, colours: list) -> dict:
    """A run answer with each run's colour (the view's, else the palette's)."""
    for i, run in enumerate(runs["runs"]):
        run["color"] = colours[i] if i < len(colours) and colours[i] else PALETTE[i % len(PALETTE)]
    return runs


def variant_plans(state: dict) -> list[tuple[dict, object]]:
    """``view.variants`` as ``(the patched state, its plan)``, checked: each a valid run request on the state's
    landscape (refusals name ``state.view.variants.<i>.<field>``)."""
    state = known_keys(state)
    request, view = parse_state(state)
    if not view.variants:
        return []
    base = {k: v for k, v in state.items() if k != "view"}
    landscape = plan_runs(request).surface.id
    out = []
    for i, patch in enumerate(view.variants):
        full = known_keys(merge(base, {k: v for k, v in patch.items() if k != "view"}))
        where = ["state", "view", "variants", i]
        try:
            plan = plan_runs(parse_state(full)[0])
        except Refused as e:
            raise Refused.from_errors([{**err, "loc": [*where, *(err["loc"][1:] if err["loc"][:1] == ["state"] else err["loc"])]}
                                       for err in e.errors]) from None
        if plan.surface.id != landscape or {k: full.get(k) for k in ("formula", "domain", "surface_options")} != \
                {k: base.get(k) for k in ("formula", "domain", "surface_options")}:
            raise Refused([*where, "surface"], "a variant keeps the landscape (the export carries one)")
        out.append((full, plan))
    return out


def language(state: dict, requested: str | None = None) -> str:
    """The export's language: ``requested`` (an address's ``?lang=``), else the state's ``view.lang``, else English."""
    view = state.get("view") if isinstance(state.get("view"), dict) else {}
    for lang in (requested, view.get("lang")):
        if lang in TEXT:
            return lang
    return "en"


def figure_words(state: dict, surface: dict, lang: str) -> tuple[str, str]:
    """The figure's title and caption in ``lang``: the open lesson's (``view.lesson``), else the surface's name (its
    catalogue's ``names[lang]``); a caption in ``view.caption`` wins over the lesson's."""
    view = state.get("view") if isinstance(state.get("view"), dict) else {}
    lesson = LESSONS_BY_ID.get(view.get("lesson")) if isinstance(view.get("lesson"), str) else None
    own = view.get("caption") or ""
    if lesson:
        return lesson["title"].get(lang) or lesson["title"]["en"], own or lesson["caption"].get(lang) or lesson["caption"]["en"]
    if surface.get("id") == "custom":
        return TEXT[lang]["custom"], own
    names = surface.get("names") or {}
    return names.get(lang) or names.get("en") or surface.get("name", ""), own


def lesson_labelled(state: dict) -> dict:
    """``state`` with each lane whose label is a lesson's (its English template, as the page's address holds it)
    labelled in every language that lesson has, as the page asks for its runs (static/js/runs.js): the planner fills
    each language's template from the lane's values."""
    optimizers = state.get("optimizers")
    if not isinstance(optimizers, list):
        return state
    out = []
    for lane in optimizers:
        label = lane.get("label") if isinstance(lane, dict) and "labels" not in lane else None
        found = next((lesson["labels"] for lesson in LESSONS if isinstance(label, str) and label in lesson["labels"]["en"]),
                     None)
        if found:
            i = found["en"].index(label)
            lane = {**lane, "labels": {lang: texts[i] for lang, texts in found.items() if i < len(texts)}}
        out.append(lane)
    return {**state, "optimizers": out}


def lane_labels(runs: list, lang: str) -> None:
    """Each lane's label in ``lang``: its own ``labels[lang]`` where it has one (filled by the planner)."""
    for run in runs:
        own = run.get("labels") if isinstance(run.get("labels"), dict) else {}
        if own.get(lang):
            run["label"] = own[lang]


def variants(state: dict, stop: Stop | None = None) -> list[dict]:
    """``view.variants``: patches of the state (``{"optimizers": [...]}``), each precomputed so that a slide's
    ``slopes:update`` can show it offline (the export computes nothing). Same surface only: one grid."""
    colours = parse_view(state).colors
    return [{"state": full, "runs": coloured_runs(plan, colours, stop)} for full, plan in variant_plans(state)]


def csv_state(state: dict) -> dict:
    """The state a CSV export computes: without ``include`` (its rows hold points, losses and lrs only)."""
    return {k: v for k, v in state.items() if k != "include"}


@lru_cache(maxsize=1)
def html_page_bytes() -> float:
    """An HTML export's bytes whatever its runs: the inlined scripts, the template and the contour grid."""
    return sum(len(text.encode("utf-8")) for text in _inlined_scripts()) + 4096 + (GRID * GRID + 2 * GRID) * NUMBER


def _sized(state: dict, fmt: str) -> tuple:
    """An export's estimated size, its size without its variants (None: it has none), its plan, its variants'."""
    if fmt == "csv":
        state = csv_state(state)
    request, _ = parse_state(known_keys(state))
    try:
        plan = plan_runs(request)
    except Refused as e:
        raise e.under("state") from None
    if fmt == "csv":
        return csv_size(plan), None, plan, []
    if fmt != "html":
        return answer_size(plan), None, plan, []
    plans = [p for _, p in variant_plans(state)]
    alone = combined([answer_size(plan)], html_page_bytes())
    return (combined([alone, *(answer_size(p) for p in plans)]) if plans else alone), (alone if plans else None), \
        plan, plans


def export_size(state: dict, fmt: str = "html") -> AnswerSize:
    """The estimated bytes of ``state`` exported as ``fmt`` (html, csv, json), before anything runs."""
    return _sized(state, fmt)[0]


def export_cost(state: dict, fmt: str = "html") -> Cost:
    """The estimate of an export as ``fmt`` (html, csv, json): its size (:mod:`.answers`; the HTML embeds its runs'
    and every variant's JSON, the CSV a row per point) refused (422) over ``max_answer_mb`` naming the field inside
    the state (``state.include``, ``state.view.variants``, ``state.steps``), then its computation (the HTML's
    variants too) refused over the budget like a run request: naming ``state.view.variants`` when the runs alone
    fit."""
    with_variants = fmt == "html"
    size, alone, plan, plans = _sized(state, fmt)
    check_answer(size, ("state",), EXPORT_NAMES[fmt], alone)
    cost = plan.cost
    extra = [p.cost for p in plans]
    total = sum(extra, cost + Cost(HTML_SECONDS if with_variants else 0.0, 0))
    if extra and total.seconds > settings.max_request_seconds:
        raise Refused(["state", "view", "variants"], f"the export and its {len(extra)} variants would take about "
                                                      f"{total.seconds:.3g} s of computation, over the budget of "
                                                      f"{settings.max_request_seconds} s; fewer variants or steps",
                      "budget")
    return total


def bundle(state: dict, stop: Stop | None = None, computed: tuple | None = None, lang: str | None = None) -> dict:
    """Everything an offline figure needs: surface, grid, runs (with colours), title and caption in the figure's
    language (``lang``: an address's ``?lang=``, else the state's), the state itself and the view flags the player
    reads. ``computed`` (a notebook's ``(surface, answer)``, whose lanes may be Python objects no state can name) is
    drawn as it is instead of computing the state's runs."""
    state = lesson_labelled(known_keys(state))
    request, view = parse_state(state)
    if computed is None:
        try:
            plan = plan_runs(request)
        except Refused as e:
            raise e.under("state") from None
        surface, runs = plan.surface, coloured_runs(plan, view.colors, stop)
    else:
        surface, answer = computed
        runs = coloured({**answer, "runs": [dict(run) for run in answer["runs"]]}, view.colors)
    grid = surface.grid(GRID)
    lang = language(state, lang)
    meta = surface.metadata()
    title, caption = figure_words(state, meta, lang)
    lane_labels(runs["runs"], lang)
    shown = {k: v for k, v in (state.get("view") or {}).items() if k != "variants"}
    flags = {k: getattr(view, k, None) for k in FRAME_OPTIONS}
    return {"surface": meta, "grid": grid, "runs": runs, "lang": lang, "text": TEXT[lang], "title": title,
            "caption": caption, "state": {**state, "view": shown},
            "view": {k: bool(v) for k, v in flags.items() if v is not None}}


def to_json(data) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_SERIALIZE_NUMPY)


SCRIPT_ESCAPES = ((b"<", b"\\u003c"), (b">", b"\\u003e"), (b"&", b"\\u0026"),
                  ("\u2028".encode(), b"\\u2028"), ("\u2029".encode(), b"\\u2029"))


def script_json_bytes(data) -> bytes:
    """JSON that is safe inside ``<script>``, as UTF-8: ``<``, ``>`` and ``&`` written as ``\\u`` escapes, so no
    label (``</script>``, ``<!--<script>``) can end the element or change how the HTML parser reads it. A replace
    that finds nothing makes no copy (labels rarely hold them; a large export's numbers never do)."""
    text = to_json(data)
    for raw, escaped in SCRIPT_ESCAPES:
        if raw in text:
            text = text.replace(raw, escaped)
    return text


@lru_cache(maxsize=1)
def _inlined_scripts() -> tuple[str, str, str]:
    """plotly.js (its cartesian bundle, 1.5 MB: the player draws contours and paths), then deck.js, paths.js (the
    paths at step k, the page's own) and the player as one module, read once, each unable to close its
    ``<script>`` element."""
    def safe(path) -> str:
        return path.read_text(encoding="utf-8").replace("</script", "<\\/script")

    js = STATIC_DIR / "js"
    return (safe(plotly_bundle_path("plotly-cartesian.min.js")), safe(js / "deck.js") + "\n" + safe(js / "paths.js"),
            safe(js / "player.js"))


def export_html_parts(state: dict, stop: Stop | None = None, computed: tuple | None = None,
                      lang: str | None = None) -> list:
    """The self-contained HTML file of ``state`` as UTF-8 parts, to be written or sent in order (``computed``: see
    :func:`bundle`), titled with the lesson's or the surface's name, with the lesson's caption, in ``lang`` (an
    address's ``?lang=``) or the state's language. Every string of the data is written as JSON inside ``<script>``
    (see :func:`script_json_bytes`) or by Jinja's autoescape; the player puts labels into Plotly's names through its
    ``plotlyText`` (Plotly reads ``<a href>`` in names), the main runs' and every variant's alike. The runs' JSON is
    written once as bytes (the runs, as arrays, let go of then) and sent as slices of itself (memoryviews of
    :data:`SLICE` bytes): the file is never joined, decoded, rendered as text or encoded whole."""
    data = bundle(state, stop, computed, lang)
    data["variants"] = variants(lesson_labelled(state), stop)
    for variant in data["variants"]:
        lane_labels(variant["runs"]["runs"], data["lang"])
    surface = data["surface"]
    subtitle = f"{surface['formula']} · {data['runs']['steps']} {data['text']['steps']} · {data['text']['made_with']}"
    scripts = _inlined_scripts()
    page = _env.get_template("export.html").render(
        title=data["title"], caption=data["caption"], subtitle=subtitle, lang=data["lang"], text=data["text"],
        data_json=DATA_MARK, plotly_js=scripts[0], deck_js=scripts[1], player_js=scripts[2])
    head, tail = page.split(DATA_MARK)
    body = script_json_bytes(data)
    del data
    view = memoryview(body)
    return [head.encode("utf-8"), *(view[i:i + SLICE] for i in range(0, len(body), SLICE)), tail.encode("utf-8")]


def export_html(state: dict, stop: Stop | None = None, computed: tuple | None = None, lang: str | None = None) -> str:
    """:func:`export_html_parts` as one text (a notebook's ``to_html()``)."""
    return b"".join(export_html_parts(state, stop, computed, lang)).decode("utf-8")


def plotly_text(text: str) -> str:
    """``text`` as Plotly shows it literally: its pseudo-HTML (``<a href>``, ``<br>``) escaped as entities."""
    return html.escape(text, quote=False)


def cell(text: str) -> str:
    """A text cell a spreadsheet shows as text: one starting like a formula (also after any blanks, line breaks or
    invisible characters an import may trim, e.g. ``"\r=1+1"``, ``"\u3000=1+1"`` or ``"\u200b@SUM(A1)"``) gets a
    leading apostrophe."""
    if text.startswith(FORMULA_START):
        return "'" + text
    k = 0
    while k < len(text) and (text[k].isspace() or unicodedata.category(text[k]) in _INVISIBLE):
        k += 1
    return "'" + text if text.startswith(FORMULA_SIGNS, k) else text


def export_csv(state: dict, stop: Stop | None = None) -> str:
    """One row per point: lane, optimizer, label, step, x, y, loss, lr (of the step that left it), status.
    The text starts with a byte-order mark: without one, Excel reads UTF-8 as the system's code page (CP949 on a
    Korean Windows) and every Korean label comes out garbled; pandas and spreadsheets skip it."""
    data = bundle(csv_state(state), stop)
    out = io.StringIO()
    out.write(BOM)
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


def read_state_text(text: str) -> dict:
    """A state file's text: the state's JSON, or what the page's *Copy link* gives (the whole address, or the
    ``?state=`` value alone, base64url), so a lecturer can export the view on screen without decoding it."""
    text = text.strip()
    if text and not text.startswith(("{", "[")):
        if "state=" in text or "://" in text:
            values = parse_qs(urlsplit(text).query).get("state")
            if not values:
                raise Refused(["state"], "the address has no state= parameter")
            text = values[0]
        return decode_state(text)
    state = load_json(text, ["state"])
    if not isinstance(state, dict):
        raise Refused(["state"], "a state must be a JSON object")
    return state


def read_state_file(state_path: Path) -> dict:
    """A state file (UTF-8 JSON, or the page's copied address) as a state: at most the limit is read (/dev/zero or a
    10 GB file is refused, not read)."""
    limit = settings.max_state + ADDRESS_SLACK
    with open(state_path, "rb") as f:
        raw = f.read(limit + 1)
    if len(raw) > limit:
        raise Refused(["state"], f"the state file is larger than {limit:,} bytes: a state is at most "
                                 f"{settings.max_state:,} characters, as in the page's address")
    try:
        text = raw.decode("utf-8-sig")  # a BOM (Windows Notepad writes one) is not JSON
    except UnicodeDecodeError as e:
        raise Refused(["state"], f"the file is not UTF-8 text (byte {e.start}): save the state as UTF-8 JSON") from None
    return read_state_text(text)


SERVER_FORMATS = ("html", "json", "csv")  # written here; PNG, SVG, GIF and video are drawn by a browser (rendering.py)


def write_export(state: dict, out_path: Path, lang: str | None = None) -> None:
    """``state`` as ``out_path``'s type: .html (the offline figure, in ``lang`` or the state's language), .json, .csv."""
    suffix = out_path.suffix.lower().lstrip(".")
    if suffix in EXPORT_NAMES:
        export_cost(state, suffix)  # its size within max_answer_mb, refusals naming state.<field>
    if suffix == "html":
        with open(out_path, "wb") as f:
            f.writelines(export_html_parts(state, lang=lang))
    elif suffix == "json":
        out_path.write_bytes(export_json(state))
    elif suffix == "csv":
        out_path.write_text(export_csv(state), encoding="utf-8")
    else:
        raise ValueError(f"unknown output type .{suffix}: use .html, .json or .csv here")


def export_to_file(state_path: Path, out_path: Path, lang: str | None = None) -> None:
    """``slopes export``: STATE.json (a run request plus optional view) to .html, .json or .csv."""
    write_export(read_state_file(state_path), out_path, lang)
