"""Start boxes and map titles on the live page, found by trying it as a lecturer: each test walks one user's path
in a real browser, through the controls by role and label, and checks what is on screen against the server's
answer (a custom formula's start, basin-map titles with many lanes, phase maps of eight lanes)."""
import json
import urllib.request
from contextlib import contextmanager

import pytest

from browser import overlapping, state_url

pytestmark = pytest.mark.browser


def post_runs(base: str, state: dict) -> dict:
    body = {k: v for k, v in state.items() if k != "view" and v is not None}
    req = urllib.request.Request(base + "/api/runs", data=json.dumps(body).encode(),
                                 headers={"content-type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=30))


START_BOXES = "() => [document.querySelector('#start-x').value, document.querySelector('#start-y').value]"


def wait_start_boxes(page, expected, timeout=20000):
    """Wait until the start x / start y boxes show ``expected``; fail naming what they show instead."""
    try:
        page.wait_for_function("([want]) => { const x = +document.getElementById('start-x').value,"
                               " y = +document.getElementById('start-y').value;"
                               " return Math.abs(x - want[0]) <= 1e-5 * (1 + Math.abs(want[0])) && Math.abs(y - want[1]) <= 1e-5 * (1 + Math.abs(want[1])); }",
                               arg=[expected], timeout=timeout)
    except Exception:
        pytest.fail(f"the start boxes show {page.evaluate(START_BOXES)}, the paths start at {expected}")


def test_custom_formula_start_boxes_show_where_the_paths_start(page, live_server):
    """Choosing "Custom formula…" and then typing a formula on a wider domain: the start x / start y boxes must
    show the point the paths start from (they showed 0, 0 while every path started at (1.8, 1.8))."""
    page.goto(live_server + "/")
    page.wait_for_function("() => document.getElementById('view-area')?.getAttribute('aria-busy') === 'false'", timeout=20000)
    page.get_by_role("combobox", name="Surface").select_option(label="Custom formula…")
    page.wait_for_function("() => window.slopes.state().surface === 'custom'")
    state = page.evaluate("() => window.slopes.state()")
    assert state["start"] is None, "the test expects the surface's default start"
    first = post_runs(live_server, state)["runs"][0]["points"][0]
    wait_start_boxes(page, first)
    assert page.get_by_label("start x").get_attribute("aria-invalid") != "true"

    # a second formula on another domain: its default start moves with it, and the boxes follow
    page.get_by_label("x max").fill("5")
    page.get_by_label("x max").press("Enter")
    page.get_by_label("y max").fill("5")
    page.get_by_label("y max").press("Enter")
    box = page.get_by_role("textbox", name="f(x, y) =")
    box.fill("x^2 + 3*y^2")
    box.press("Enter")
    page.wait_for_function("() => { const s = window.slopes.state(); return s.formula === 'x^2 + 3*y^2'"
                           " && s.domain && s.domain.x[1] === 5 && s.domain.y[1] === 5; }", timeout=20000)
    state = page.evaluate("() => window.slopes.state()")
    second = post_runs(live_server, state)["runs"][0]["points"][0]
    assert second != first, "the wider domain should move the default start (else this step proves nothing)"
    wait_start_boxes(page, second)
    assert not page.errors, page.errors


@contextmanager
def sized_page(browser, size):
    """A page of its own at ``size`` and the page errors it collects; closed afterwards."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    errors: list = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        yield page, errors
    finally:
        context.close()


ANNOTATION_BOXES = """() => [...document.querySelectorAll('#plot-basins .annotation')].map((a) => {
  const r = a.getBoundingClientRect(); return {text: a.textContent, x: r.x, y: r.y, w: r.width, h: r.height}; })"""


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_basin_map_titles_do_not_run_into_each_other_with_many_lanes(browser, live_server, size):
    """Eight lanes (at 1920 x 1080, ten) on Basins: each map's title (lane label and its diverged share) stays
    inside its own column; "Momentum (heavy ball) lr=0.001 · 16% diverged" ran over its neighbour's title."""
    lanes = 10 if size[0] == 1920 else 8
    optimizers = [{"optimizer": "momentum", "params": {"lr": 0.001, "momentum": 0.9}}]
    optimizers += [{"optimizer": "gd", "params": {"lr": 0.001 * (k + 1)}} for k in range(lanes - 1)]
    state = {"surface": "rosenbrock", "steps": 500, "optimizers": optimizers, "view": {"mode": "basins"}}
    with sized_page(browser, size) as (page, errors):
        page.goto(state_url(live_server, state))
        page.wait_for_function(f"() => document.querySelectorAll('#plot-basins .annotation').length >= {lanes}",
                               timeout=60000)
        boxes = page.evaluate(ANNOTATION_BOXES)
        assert any("diverged" in b["text"] for b in boxes), [b["text"] for b in boxes]
        bad = [(a["text"], b["text"]) for a, b in overlapping(boxes)]
        page.screenshot(path=f"/tmp/starts_maps_basins_{size[0]}.png")
        assert not bad, f"map titles overlap at {size}: {bad}"
        assert not errors, errors


PHASE_PARTS = """() => {
  const root = document.getElementById('plot-sweep');
  const box = (el, kind) => { const r = el.getBoundingClientRect(); return {kind, text: el.textContent, x: r.x, y: r.y, w: r.width, h: r.height}; };
  const all = (sel, kind) => [...root.querySelectorAll(sel)].filter((el) => el.getBoundingClientRect().width > 0).map((el) => box(el, kind));
  return {titles: all('.annotation', 'title'), ticks: all('.xtick text, .ytick text', 'tick'),
          axisTitles: all('.g-xtitle text, .g-ytitle text', 'axis title'), plots: all('.nsewdrag', 'plot'),
          colorbar: all('.colorbar', 'colorbar')};
}"""


def _hits(a_list, b_list, same=False):
    return [(a["kind"], a["text"][:40], b["kind"], b["text"][:40])
            for a, b in overlapping(a_list, None if same else b_list)]


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_phase_maps_of_eight_lanes_do_not_overlap(browser, live_server, size):
    """Sweep, "lr × momentum / β₁ (phase map)" chosen from its menu with eight momentum-type lanes: no map title
    runs into another or into the tick labels above it, no axis title or the colour bar lies on another map."""
    optimizers = [{"optimizer": o, "params": {"lr": 0.001 * (k + 1), "momentum": 0.9}}
                  for o in ("momentum", "nesterov") for k in range(4)]
    state = {"surface": "rosenbrock", "steps": 100, "optimizers": optimizers, "view": {"mode": "sweep"}}
    with sized_page(browser, size) as (page, errors):
        page.goto(state_url(live_server, state))
        page.get_by_role("combobox", name="sweep over").select_option(label="lr × momentum / β₁ (phase map)")
        page.wait_for_function("() => document.querySelectorAll('#plot-sweep .annotation').length >= 8", timeout=90000)
        parts = page.evaluate(PHASE_PARTS)
        page.screenshot(path=f"/tmp/starts_maps_phase_{size[0]}.png")
        bad = _hits(parts["titles"], None, same=True) + _hits(parts["titles"], parts["ticks"])
        bad += _hits(parts["colorbar"], parts["plots"] + parts["ticks"] + parts["titles"])
        # an axis title may sit beside its own map only: never on another map's plot area
        bad += [h for h in _hits(parts["axisTitles"], parts["plots"])]
        assert not bad, f"phase maps overlap at {size}: {bad[:6]}"
        assert not errors, errors
