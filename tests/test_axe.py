"""axe-core (the npm package, injected into the page) finds no accessibility violation on the page in each of its
states a lecturer or student reaches: light and dark, a lane's schedule and switch open, every view; on /embed
and on the offline export. Every rule axe runs by default, best practices included (landmarks, headings)."""
from __future__ import annotations

import urllib.request

import pytest

from web import COUNT_DRAWN, describe, encoded, live_region_changes, run_axe, wait_drawn

pytestmark = pytest.mark.browser

BASE = {"surface": "himmelblau", "start": [0.0, 0.0], "steps": 80,
        "optimizers": [{"optimizer": "adam", "params": {"lr": 0.1}, "schedule": {"type": "step", "step_size": 30, "gamma": 0.5},
                        "switch": {"at_step": 40, "optimizer": "gd", "params": {"lr": 0.01}}},
                       {"optimizer": "momentum", "params": {"lr": 0.01, "momentum": 0.9}}],
        "view": {"lang": "en"}}


def state(**view) -> str:
    return encoded({**BASE, "view": {**BASE["view"], **view}})


PAGES = {
    "overlay light": f"/?state={state(mode='overlay', theme='light')}",
    "overlay dark": f"/?state={state(mode='overlay', theme='dark')}",
    "side by side": f"/?state={state(mode='side', theme='light')}",
    "3-D": f"/?state={state(mode='3d', theme='light')}",
    "basins": f"/?state={state(mode='basins', theme='light')}",
    "sweep": f"/?state={state(mode='sweep', theme='light')}",
    "embed": f"/embed?state={state(theme='light')}&caption=Adam%20then%20GD",
    "embed dark": f"/embed?state={state(theme='dark')}",
}


# a map view has drawn its map: its plot holds traces and its progress bar is gone
MAP_DRAWN = """(view) => { const root = document.querySelector(view), plot = root && root.querySelector('.js-plotly-plot');
  const progress = root && root.querySelector('progress');
  return !!plot && Array.isArray(plot.data) && plot.data.length > 0 && (!progress || progress.hidden); }"""


@pytest.fixture()
def axe_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True)  # axe is injected inline
    context.add_init_script(COUNT_DRAWN)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_the_page_has_no_axe_violation(axe_page, live_server, name):
    axe_page.goto(live_server + PAGES[name])
    wait_drawn(axe_page)
    if name in ("basins", "sweep"):  # the map streams in after the paths
        axe_page.wait_for_function(MAP_DRAWN, arg=f"#view-{name}", timeout=30000)
    # the lane with a schedule and a switch shows them (its details are open)
    if name == "overlay light":
        assert axe_page.get_by_label("learning-rate schedule").first.is_visible()
    violations = run_axe(axe_page)
    assert violations == [], describe(violations)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_export_has_no_axe_violation(axe_page, live_server, tmp_path, theme):
    html = urllib.request.urlopen(f"{live_server}/export.html?state={state(caption='Adam then GD', theme=theme)}").read()
    (tmp_path / "figure.html").write_bytes(html)
    axe_page.goto((tmp_path / "figure.html").as_uri())
    wait_drawn(axe_page)
    violations = run_axe(axe_page)
    assert violations == [], describe(violations)
    # the figure's text alternative says what is drawn and where each lane ended
    name = axe_page.get_by_role("img").first.get_attribute("aria-label")
    assert name.startswith("Himmelblau") and "Adam" in name and "ended at (" in name
    # live regions announce results, not frames: playing 80 steps changes them at most once (at the end)
    changes = live_region_changes(axe_page, lambda: axe_page.get_by_role("button", name="Play").click())
    assert len(changes) <= 1, changes


@pytest.mark.parametrize("path", ["/", "/embed"])
def test_the_page_says_what_is_drawn_and_announces_results_not_frames(axe_page, live_server, path):
    axe_page.goto(f"{live_server}{path}?state={state(mode='overlay', theme='light')}")
    wait_drawn(axe_page)
    figure = axe_page.get_by_role("figure").first
    name = figure.get_attribute("aria-label")
    assert name.startswith("Himmelblau") and "ended at (" in name and name.count("ended at") == 2, name
    # playback moves the points 80 times; a screen reader hears nothing until a result changes
    changes = live_region_changes(axe_page, lambda: axe_page.get_by_role("button", name="Play").click())
    assert changes == [], changes
    # the modebar's buttons are for the mouse: Tab goes from control to control
    focusable = axe_page.evaluate("() => [...document.querySelectorAll('.modebar a, .modebar button')]"
                                  ".filter(b => b.tabIndex >= 0).length")
    assert focusable == 0
