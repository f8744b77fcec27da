"""The first paint loads plotly.js's cartesian bundle alone; the gl3d bundle comes when a 3-D plot is drawn.

The vendored bundles (static/vendor/plotly) are the Python ``plotly`` package's plotly.js version or newer, and
hold every trace type the page's files draw; the page loads the 3-D one only when 3-D is opened, and a plot keeps
the bundle that drew it."""
from __future__ import annotations

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
