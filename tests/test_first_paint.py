"""The first paint loads plotly.js's cartesian bundle alone; the gl3d bundle comes when a 3-D plot is drawn.

The vendored bundles (static/vendor/plotly) are the Python ``plotly`` package's plotly.js version or newer, and
hold every trace type the page's files draw; the page loads the 3-D one only when 3-D is opened, and a plot keeps
the bundle that drew it."""
from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest

from app.assets import plotly_bundle_path, plotly_js_path

ROOT = Path(__file__).resolve().parent.parent
VERSION = re.compile(r"plotly\.js (?:\([a-z0-9]+ - minified\) )?v(\d+)\.(\d+)\.(\d+)")
THREE_D = {"surface", "scatter3d", "mesh3d", "cone", "streamtube", "isosurface", "volume"}


def version(path: Path) -> tuple[int, int, int]:
    match = VERSION.search(path.read_text(encoding="utf-8")[:300])
    assert match, f"no plotly.js version in the header of {path}"
    return tuple(int(part) for part in match.groups())


def trace_types(path: Path) -> set[str]:
    """The trace modules a bundle registers."""
    return set(re.findall(r'moduleType:"trace",name:"([a-z0-9]+)"', path.read_text(encoding="utf-8")))


def used_trace_types() -> set[str]:
    """Every plotly trace type a page file names (``type: "contour"``), the export's player included."""
    known = trace_types(plotly_js_path())
    used = set()
    for path in (ROOT / "static" / "js").rglob("*.js"):
        used |= set(re.findall(r'\btype:\s*"([a-z0-9]+)"', path.read_text(encoding="utf-8"))) & known
    return used


@pytest.mark.parametrize("bundle", ["plotly-cartesian.min.js", "plotly-gl3d.min.js"])
def test_the_vendored_bundles_are_the_python_packages_plotly_js_or_newer(bundle):
    assert version(plotly_bundle_path(bundle)) >= version(plotly_js_path()), (
        f"static/vendor/plotly/{bundle} is older than the plotly.js of the installed plotly package: update it "
        "(static/vendor/plotly/README.md says how)")
    readme = (ROOT / "static" / "vendor" / "plotly" / "README.md").read_text()
    assert ".".join(map(str, version(plotly_bundle_path(bundle)))) in readme
    assert (ROOT / "static" / "vendor" / "plotly" / "LICENSE").read_text().startswith("MIT License")


def test_every_trace_type_the_page_draws_is_in_the_bundle_that_draws_it():
    used = used_trace_types()
    assert {"contour", "heatmap", "scatter", "surface", "scatter3d"} <= used  # the search finds what is there
    flat, solid = used - THREE_D, used & THREE_D
    assert flat <= trace_types(plotly_bundle_path("plotly-cartesian.min.js")), flat
    assert solid <= trace_types(plotly_bundle_path("plotly-gl3d.min.js")), solid
    assert "scatter" in trace_types(plotly_bundle_path("plotly-gl3d.min.js"))  # the paths on the 3-D surface


def test_the_page_loads_the_cartesian_bundle_and_the_export_inlines_it(client):
    html = client.get("/").text
    assert '<script src="/vendor/plotly-cartesian.min.js" defer></script>' in html
    assert "plotly-gl3d" not in html and "/vendor/plotly.min.js" not in html
    assert html.index("plotly-cartesian.min.js") < html.index("plotly-loader.js") < html.index("/static/js/main.js")
    state = "eyJzdXJmYWNlIjoicXVhZHJhdGljIiwic3RlcHMiOjUsIm9wdGltaXplcnMiOlt7Im9wdGltaXplciI6ImdkIn1dfQ"
    export = client.get("/export.html", params={"state": state}).text
    assert "plotly.js (cartesian - minified) v" in export and "plotly.js (gl3d" not in export
    assert 'src="http' not in export and "/vendor/" not in export  # nothing to fetch: it plays offline


def encoded(state: dict) -> str:
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


def surface_info(html: str) -> str:
    match = re.search(r'<p id="surface-info"[^>]*>(.*?)</p>', html, re.S)
    assert match, "no #surface-info in the answer"
    return match.group(1).strip()


@pytest.mark.parametrize("path", ["/", "/embed"])
def test_the_first_answer_carries_the_landscapes_caption_in_the_pages_language(client, path):
    """The largest text of the first paint (the caption above the plot) is in the HTML, not written by a script
    after plotly.js and four API answers: in the language the page will pick (?lang=, view.lang, the browser's)."""
    himmelblau = encoded({"surface": "himmelblau", "view": {"lang": "en"}})
    assert surface_info(client.get(path, params={"state": himmelblau}).text).startswith(
        "<b>Himmelblau: </b>(x^2 + y - 11)^2")
    assert surface_info(client.get(path, headers={"accept-language": "ko-KR,ko;q=0.9"}).text).startswith(
        "<b>로젠브록: </b>(1 - x)^2 + 100*(y - x^2)^2. 길고")  # no state: the default landscape, the browser's language
    assert surface_info(client.get(path, params={"state": himmelblau, "lang": "ko"}).text).startswith("<b>힘멜블라우: </b>")
    assert surface_info(client.get(path, params={"state": encoded({"surface": "nope"})}).text).startswith(
        "<b>Rosenbrock: </b>")  # the page falls back to its default landscape, and so does its first paint
    custom = encoded({"surface": "custom", "formula": "<b>x</b>^2 + y^2"})
    assert surface_info(client.get(path, params={"state": custom}).text) == ""  # the parse names it, later


HIMMELBLAU = {"surface": "himmelblau", "start": [0.5, -1.5], "steps": 60,
              "optimizers": [{"optimizer": "adam", "params": {"lr": 0.1}}, {"optimizer": "gd", "params": {"lr": 0.01}}]}


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_page_writes_the_caption_its_first_answer_carried(page, live_server, lang):
    """The script writes the same words the first paint showed: the caption does not change (nor move) once it runs."""
    import html as markup

    from browser import open_state, state_url

    state = {**HIMMELBLAU, "view": {"lang": lang}}
    served = surface_info(page.request.get(state_url(live_server, state)).text())
    first = markup.unescape(re.sub(r"<[^>]+>", "", served))
    open_state(page, live_server, state)
    page.wait_for_function("() => window.slopes.state().surface === 'himmelblau' && document.getElementById('view-area')?.getAttribute('aria-busy') === 'false'")
    assert page.locator("#surface-info").text_content() == first
    assert first.startswith({"en": "Himmelblau: ", "ko": "힘멜블라우: "}[lang])


@pytest.mark.browser
def test_3d_fetches_its_bundle_when_first_opened_and_every_view_still_draws(page, live_server):
    from browser import open_state, update

    open_state(page, live_server, {**HIMMELBLAU, "view": {"mode": "overlay"}})
    bundles = lambda: [u.rsplit("/", 1)[-1] for u in page.requests if "/vendor/" in u]  # noqa: E731
    assert bundles() == ["plotly-cartesian.min.js"]
    for mode in ["3d", "overlay", "side", "3d", "basins", "3d"]:
        update(page, {"view": {"mode": mode}}, timeout=60000)
        if mode == "3d":  # drawn by the gl3d bundle: the surface and the paths on it, in WebGL
            page.wait_for_function("() => { const p = document.getElementById('plot-3d'); return p && p.data && "
                                   "p.data.some(t => t.type === 'surface') && p.querySelector('canvas'); }")
        else:  # the 2-D plots are still the cartesian bundle's, and draw
            page.wait_for_function("(mode) => [...document.querySelectorAll(`#view-${mode} .js-plotly-plot`)]"
                                   ".some(p => p.data && p.data.length && p.querySelector('.main-svg'))", arg=mode,
                                   timeout=60000)
    assert bundles() == ["plotly-cartesian.min.js", "plotly-gl3d.min.js"]  # once
    # after the gl3d bundle came, calls for a 2-D plot still reach the bundle that drew it
    update(page, {"view": {"mode": "overlay"}}, timeout=60000)
    ranges = page.evaluate("""() => Plotly.relayout('plot-main', {'xaxis.range': [-1, 1]})
        .then(() => document.getElementById('plot-main').layout.xaxis.range)""")
    assert ranges == [-1, 1]
    assert page.errors == []


def test_the_head_names_every_module_the_page_imports_and_each_is_served(client):
    """The page's head preloads its whole module graph (fetched at once, not level by level as each module's imports
    are read): every static import of every module reached from main.js, read here from the files themselves, and
    no module that is not in the graph; each one is served."""
    page = client.get("/").text
    preloaded = re.findall(r'<link rel="modulepreload" href="/static/([^"]+)">', page)
    assert len(preloaded) == len(set(preloaded))
    reached, todo = set(), ["js/main.js"]
    while todo:
        path = todo.pop()
        text = (ROOT / "static" / path).read_text(encoding="utf-8")
        # each statement that begins a line with import/export and names a relative .js file
        for spec in re.findall(r'^(?:import|export)[\s\S]*?from\s+"(\.[^"]+\.js)";|^import\s+"(\.[^"]+\.js)";', text, re.M):
            spec = next(s for s in spec if s)
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), spec))
            if target not in reached:
                reached.add(target)
                todo.append(target)
    assert set(preloaded) == reached
    for module in preloaded:
        answer = client.get(f"/static/{module}")
        assert answer.status_code == 200 and "javascript" in answer.headers["content-type"], module


@pytest.mark.browser
def test_no_module_is_found_late(page, live_server):
    """In chromium: every page module fetched at its first load was named in the head (none found only when the
    module importing it was read)."""
    page.goto(live_server + "/")
    page.wait_for_function("() => document.getElementById('view-area')?.getAttribute('aria-busy') === 'false'")
    fetched = {u.split("/static/", 1)[1] for u in page.requests if "/static/js/" in u}
    named = set(page.evaluate("() => [...document.querySelectorAll('link[rel=modulepreload]')]"
                              ".map((l) => l.getAttribute('href').replace('/static/', ''))"))
    assert fetched - {"js/main.js", "js/plotly-loader.js"} <= named, fetched - named
    assert len(named) > 20
