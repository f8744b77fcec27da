"""A whole lecture's figures in one command (``slopes export --list lecture.txt --dir figures``): one state per line
of a list, each written in every asked format. HTML, JSON and CSV are written here (exporting.py); PNG, SVG, GIF and
video are drawn by the page's own code in a browser (rendering.py), started once for the whole list. Where this
machine has no browser, that is said, and the rest is written all the same.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import Refused
from .exporting import SERVER_FORMATS, export_cost, read_state_file, read_state_text, write_export
from .planning import plan_runs
from .state import parse_state
from .rendering import BROWSER_FORMATS, Renderer, browser_missing

FORMATS = SERVER_FORMATS + BROWSER_FORMATS


@dataclass
class Figure:
    """One line of a lecture's list: where it is (``line``), its state and the name its files take."""
    line: int
    state: dict
    name: str


@dataclass
class Report:
    written: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # what could not be made here, and why
    failed: list[str] = field(default_factory=list)


def read_list(path: Path, formats: tuple | list = ()) -> list[Figure]:
    """A lecture's list: one state per line (JSON, the page's copied address, its ``state=`` value, or the path of a
    state file, relative to the list); blank lines and lines starting with ``#`` are skipped. A bad line is refused
    with its number (a state too large for one of ``formats`` too)."""
    figures = []
    lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    for number, raw in enumerate(lines, 1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        candidate = (Path(path).parent / text) if not text.startswith(("{", "http")) and len(text) < 500 else None
        try:
            state = read_state_file(candidate) if candidate is not None and candidate.is_file() else read_state_text(text)
            check(state, formats)
        except Refused as e:
            raise Refused(["line", number], str(e)) from None
        figures.append(Figure(number, state, f"{len(figures) + 1:02d}-{slug(state)}"))
    if not figures:
        raise Refused(["list"], f"{path} holds no state (one per line: JSON, an address, or a state file's path)")
    return figures


def check(state: dict, formats: tuple | list = ()) -> None:
    """Refuse a state the app would refuse (naming the field), before any browser draws it: the page would quietly
    keep its last valid value instead; and one whose HTML, JSON or CSV (of ``formats``) would be over
    ``max_answer_mb``, before anything is written."""
    request = parse_state(state)[0]  # its refusals name state.<field>
    try:
        plan_runs(request)
    except Refused as e:
        raise e.under("state") from None
    for fmt in formats:
        if fmt in SERVER_FORMATS:
            export_cost(state, fmt)


def slug(state: dict) -> str:
    """A file name's part for a state: its lesson's id, else its surface's."""
    view = state.get("view") if isinstance(state.get("view"), dict) else {}
    name = view.get("lesson") or state.get("surface") or "figure"
    return re.sub(r"[^A-Za-z0-9_-]+", "-", str(name))[:60] or "figure"


def export_figures(figures: list[Figure], out_dir: Path, formats: list[str], *, aspect: str = "16:9",
                   size: str = "1920x1080", fps: int = 30, lang: str | None = None, suffixed: bool = True,
                   say=print) -> Report:
    """Write each figure in each format into ``out_dir`` (named ``<figure>.<format>``, and with ``suffixed`` a slide's
    aspect or a video's size before the format where it is not the default); ``say(text)`` tells the progress."""
    out_dir.mkdir(parents=True, exist_ok=True)
    report = Report()
    drawn = [f for f in formats if f in BROWSER_FORMATS]
    for figure in figures:
        for fmt in (f for f in formats if f in SERVER_FORMATS):
            path = out_dir / f"{figure.name}.{fmt}"
            try:
                write_export(figure.state, path, lang)
                report.written.append(path)
                say(f"wrote {path}")
            except Refused as e:
                report.failed.append(f"line {figure.line}: {e}")
    if not drawn:
        return report
    missing = browser_missing()
    if missing:
        report.skipped.append(f"{', '.join(f.upper() for f in drawn)} not written: they are drawn by a browser, and "
                              f"{missing}")
        return report
    try:
        renderer = Renderer().start()
    except RuntimeError as e:
        report.skipped.append(f"{', '.join(f.upper() for f in drawn)} not written: {e}")
        return report
    try:
        for figure in figures:
            for fmt in drawn:
                suffix = "" if not suffixed else f"-{aspect.replace(':', 'x')}" if fmt in ("png", "svg") and aspect != "16:9" \
                    else f"-{size}" if fmt in ("mp4", "webm") else ""
                path = out_dir / f"{figure.name}{suffix}.{fmt}"
                try:
                    renderer.render(figure.state, fmt, path, aspect=aspect, size=size, fps=fps, lang=lang)
                    report.written.append(path)
                    say(f"wrote {path}")
                except RuntimeError as e:
                    report.failed.append(f"line {figure.line} ({fmt}): {e}")
    finally:
        renderer.stop()
    return report
