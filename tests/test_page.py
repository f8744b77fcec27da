"""The page in a real browser (Debian's chromium via Playwright)."""
import base64
import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def state_url(base, state):
    return f"{base}/?state=" + base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


def wait_drawn(page, lanes=None):
    page.wait_for_function("() => window.slopes && window.slopes.app.lanes.length > 0 && !window.slopes.app.running"
                           + (f" && window.slopes.app.lanes.length === {lanes}" if lanes else ""), timeout=15000)
    page.wait_for_timeout(150)


def lane_paths(page):
    """x, y of every lane's path trace as drawn by Plotly."""
    return page.evaluate("""() => {
        const gd = document.getElementById('plot-main');
        return gd.data.filter(t => t.type === 'scatter' && t.mode === 'lines').map(t => [Array.from(t.x), Array.from(t.y)]);
    }""")


def test_loads_without_errors_or_foreign_requests(page, live_server):
    page.goto(live_server + "/")
    wait_drawn(page)
    assert page.errors == []
    foreign = [u for u in page.requests if not u.startswith(live_server) and not u.startswith("data:")
               and not u.startswith(live_server.replace("http", "ws"))]
    assert foreign == []
    assert any(u.endswith("/vendor/plotly.min.js") for u in page.requests)
    assert len(lane_paths(page)) == 4
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "default.png"))


def test_moving_an_lr_slider_changes_the_drawn_path(page, live_server):
    page.goto(live_server + "/")
    wait_drawn(page)
    before = lane_paths(page)[3]
    page.evaluate("""() => {
        const slider = document.querySelector('[data-lane="3"] input[type=range][data-param="lr"]');
        slider.value = -2;
        slider.dispatchEvent(new Event('input', {bubbles: true}));
    }""")
    page.wait_for_function("() => window.slopes.state.optimizers[3].params.lr === 0.01")
    wait_drawn(page)
    page.wait_for_function(f"() => document.getElementById('plot-main').data.filter(t => t.mode === 'lines')[3].x[5] !== {before[0][5]}")
    after = lane_paths(page)[3]
    assert after[0][0] == before[0][0]  # same start
    assert after[0][5] != before[0][5]
    assert page.evaluate("() => window.slopes.app.lanes[3].params.lr") == 0.01


def test_clicking_the_contour_moves_the_start(page, live_server):
    page.goto(live_server + "/")
    wait_drawn(page)
    box = page.locator("#plot-main .nsewdrag").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.25)
    page.wait_for_function("() => window.slopes.state.start !== null")
    wait_drawn(page)
    start = page.evaluate("() => window.slopes.state.start")
    # rosenbrock's domain is x in [-2, 2], y in [-1, 3]: 3/4 across, 1/4 down
    assert start[0] == pytest.approx(1.0, abs=0.05) and start[1] == pytest.approx(2.0, abs=0.05)
    page.wait_for_function(f"() => document.getElementById('plot-main').data.filter(t => t.mode === 'lines')[0].x[0] === {start[0]}")
    assert lane_paths(page)[0][0][0] == start[0]
    assert "state=" in page.url


def test_side_by_side_shows_one_plot_per_lane(page, live_server):
    page.goto(live_server + "/")
    wait_drawn(page)
    page.click("[data-view=side]")
    page.wait_for_timeout(500)
    contours = page.evaluate("() => document.getElementById('plot-main').data.filter(t => t.type === 'contour').length")
    axes = page.evaluate("() => Object.keys(document.getElementById('plot-main').layout).filter(k => /^xaxis\\d*$/.test(k)).length")
    assert contours == 4 and axes == 4
    matches = page.evaluate("() => document.getElementById('plot-main').layout.xaxis3.matches")
    assert matches == "x"
    page.screenshot(path=str(SHOTS / "side.png"))


def test_state_address_restores_surface_start_lanes_and_params(page, live_server):
    state = {"surface": "himmelblau", "start": [1.5, -3.0], "steps": 120,
             "gradient": {"mode": "analytic", "noise": 0, "seed": 0},
             "optimizers": [{"optimizer": "nesterov", "params": {"lr": 0.003, "momentum": 0.8}},
                            {"optimizer": "adam", "params": {"lr": 0.2, "betas": [0.8, 0.99]}}],
             "view": {"mode": "overlay"}}
    page.goto(state_url(live_server, state))
    wait_drawn(page, lanes=2)
    assert page.input_value("#surface") == "himmelblau"
    assert page.input_value("#start-x") == "1.5" and page.input_value("#start-y") == "-3"
    lanes = page.evaluate("() => window.slopes.app.lanes.map(l => [l.optimizer, l.params, l.points.length])")
    assert lanes[0][0] == "nesterov" and lanes[0][1]["lr"] == 0.003 and lanes[0][1]["momentum"] == 0.8
    assert lanes[1][0] == "adam" and lanes[1][1]["betas"] == [0.8, 0.99]
    assert lanes[0][2] == 121
    assert page.locator('[data-lane="1"] input[data-param="betas[0]"]').count() == 1
    assert lane_paths(page)[0][0][0] == 1.5


def test_a_diverging_lane_is_shown_as_diverged(page, live_server):
    state = {"surface": "quadratic", "start": [2.0, 1.0], "steps": 200,
             "optimizers": [{"optimizer": "gd", "params": {"lr": 0.5}}, {"optimizer": "gd", "params": {"lr": 1.2}}]}
    page.goto(state_url(live_server, state))
    wait_drawn(page, lanes=2)
    rows = page.locator("#summary tbody tr")
    assert rows.count() == 2
    assert "diverged" not in rows.nth(0).inner_text()
    text = rows.nth(1).inner_text()
    assert "diverged at step" in text
    step = page.evaluate("() => window.slopes.app.lanes[1].diverged_at")
    assert str(step) in text


def test_korean_page(page, live_server):
    page.goto(live_server + "/?lang=ko")
    wait_drawn(page)
    assert page.inner_text("#play") == "재생"
    assert "옵티마이저" in page.inner_text("#add-lane")
    assert page.evaluate("() => document.documentElement.lang") == "ko"
    page.screenshot(path=str(SHOTS / "korean.png"))


def test_custom_formula_box_validates_live_and_draws(page, live_server):
    page.goto(live_server + "/")
    wait_drawn(page)
    page.select_option("#surface", "custom")
    page.fill("#formula", "2x + y^2")
    page.wait_for_function("() => document.getElementById('formula-error').textContent.includes('implicit')")
    assert page.inner_text("#formula-error mark") == "x"  # the character at the reported position
    page.fill("#formula", "(x - 1)^2 + 3*(y + 0.5)^2")
    page.wait_for_function("() => window.slopes.state.formula === '(x - 1)^2 + 3*(y + 0.5)^2'")
    wait_drawn(page)
    page.wait_for_function("() => window.slopes.app.lanes[0].points.length > 1 && window.slopes.app.surfaces.custom")
    assert "<sup>2</sup>" in page.inner_html("#formula-preview")
    assert page.evaluate("() => window.slopes.app.surfaces.custom.minima.length") == 1
    page.wait_for_function("() => decodeURIComponent(location.search).length > 10 && "
                           "JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(new URLSearchParams(location.search)"
                           ".get('state').replace(/-/g, '+').replace(/_/g, '/')), c => c.charCodeAt(0)))).formula "
                           "=== '(x - 1)^2 + 3*(y + 0.5)^2'")
    url = page.url
    page.goto(url)  # the address carries the formula
    page.wait_for_function("() => window.slopes && window.slopes.state.surface === 'custom' && window.slopes.app.lanes.length > 0")
    assert page.input_value("#formula") == "(x - 1)^2 + 3*(y + 0.5)^2"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "custom.png"))
    # the only console errors are chromium's notes of the expected 422 from the live validation
    assert [e for e in page.errors if "status of 422" not in e] == []


def test_basins_view_shows_a_map_per_lane_and_a_click_picks_a_start(page, live_server):
    state = {"surface": "himmelblau", "steps": 200,
             "optimizers": [{"optimizer": "adam", "params": {"lr": 0.1}}, {"optimizer": "gd", "params": {"lr": 0.2}}]}
    page.goto(state_url(live_server, state))
    wait_drawn(page, lanes=2)
    page.click("[data-view=basins]")
    page.wait_for_function("() => document.getElementById('plot-maps').data?.filter(t => t.type === 'heatmap').length === 2",
                           timeout=30000)
    maps = page.evaluate("() => document.getElementById('plot-maps').data.filter(t => t.type === 'heatmap').map(t => t.z.flat())")
    assert set(maps[0]) <= {0, 1, 2, 3} and len(set(maps[0])) == 4  # Adam: the four minima's basins
    assert set(maps[1]) == {-2}  # GD at lr 0.2 diverges from everywhere
    page.screenshot(path=str(SHOTS / "basins.png"))
    box = page.locator("#plot-maps .nsewdrag").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.2)
    page.wait_for_function("() => window.slopes.state.view.mode === 'overlay' && window.slopes.state.start !== null")
    x, y = page.evaluate("() => window.slopes.state.start")
    assert x > 2 and y > 2


def test_sweep_view_and_tune_lr(page, live_server):
    state = {"surface": "quadratic", "start": [2.0, 1.0], "steps": 100,
             "optimizers": [{"optimizer": "gd", "params": {"lr": 0.001}}, {"optimizer": "adam", "params": {"lr": 0.001}}]}
    page.goto(state_url(live_server, state))
    wait_drawn(page, lanes=2)
    page.click("[data-view=sweep]")
    page.wait_for_function("() => document.getElementById('plot-maps').data?.filter(t => t.mode === 'lines+markers').length === 2",
                           timeout=30000)
    page.screenshot(path=str(SHOTS / "sweep.png"))
    assert "lrs as set" in page.inner_text("#comparison")
    page.click("#tune")
    page.wait_for_function("() => window.slopes.state.view.tuned === true")
    lr = page.evaluate("() => window.slopes.state.optimizers[0].params.lr")
    assert 0.2 < lr < 0.8  # GD on x^2 + y^2: the best lr is near 0.5, far from 0.001
    page.wait_for_function("() => document.getElementById('comparison').textContent.includes('tuned')")


def test_sweep_phase_map_over_lr_and_momentum_and_a_click_adopts_both(page, live_server):
    """The (lr, momentum) phase map on the ravine: stable cells at small lr, a diverged (black) corner at large
    lr, the current setting marked; GD has no momentum, so it gets no map."""
    state = {"surface": "ravine", "start": [-9.0, 2.5], "steps": 150,
             "optimizers": [{"optimizer": "momentum", "params": {"lr": 0.01, "momentum": 0.9}},
                            {"optimizer": "adam", "params": {"lr": 0.05}}, {"optimizer": "gd", "params": {"lr": 0.01}}],
             "view": {"mode": "sweep", "sweep": "lr_momentum"}}
    page.goto(state_url(live_server, state))
    page.wait_for_function("() => document.getElementById('plot-maps').data?.filter(t => t.type === 'heatmap').length === 4",
                           timeout=30000)
    assert page.is_visible("#sweep-axes") and page.input_value("#sweep-axes") == "lr_momentum"
    maps = page.evaluate("""() => document.getElementById('plot-maps').data.filter(t => t.type === 'heatmap')
        .map(t => ({x: t.x, y: t.y, z: t.z}))""")
    loss, diverged = maps[0], maps[1]  # the momentum lane: log10 of f - f*, then the diverged layer
    assert len(loss["x"]) == 31 and len(loss["y"]) == 21
    assert diverged["z"][-1][-1] == 1  # lr = 3 with momentum 0.99 diverges on a curvature-10 ravine
    assert loss["z"][0][0] is not None and diverged["z"][0][0] is None  # lr = 1e-4 with little momentum does not
    assert all((a is None) != (b is None) for ra, rb in zip(loss["z"], diverged["z"]) for a, b in zip(ra, rb))
    marks = page.evaluate("() => document.getElementById('plot-maps').data.filter(t => t.marker?.symbol === 'diamond')"
                          ".map(t => [t.x[0], t.y[0]])")
    assert marks[0] == [0.01, 0.9] and marks[1] == [0.05, 0.9]  # momentum's and Adam's beta1
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "phase-map.png"))
    box = page.locator("#plot-maps .nsewdrag").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.7)
    page.wait_for_function("() => window.slopes.state.optimizers[0].params.momentum < 0.6")
    lr = page.evaluate("() => window.slopes.state.optimizers[0].params.lr")
    assert 1e-3 < lr < 1e-2 and lr != 0.01
    assert page.errors == []


def test_a_basin_map_embeds_like_any_state(page, live_server):
    state = {"surface": "himmelblau", "steps": 150, "optimizers": [{"optimizer": "adam", "params": {"lr": 0.1}}],
             "view": {"mode": "basins"}}
    encoded = state_url(live_server, state).split("?state=")[1]
    page.goto(f"{live_server}/embed?state={encoded}&caption=Basins")
    page.wait_for_function("() => document.getElementById('plot-maps').data?.filter(t => t.type === 'heatmap').length === 1",
                           timeout=30000)
    z = page.evaluate("() => document.getElementById('plot-maps').data[0].z.flat()")
    assert set(z) == {0, 1, 2, 3}
    assert not page.is_visible("#lanes") and not page.is_visible("#sweep-axes")
    assert page.errors == []


def test_every_lesson_opens_without_error_and_shows_its_caption(page, live_server):
    page.goto(live_server + "/")
    wait_drawn(page)
    lessons = page.evaluate("() => window.slopes.app.lessons.map(l => [l.id, l.state.optimizers.length, l.title.en])")
    assert len(lessons) >= 14
    for lesson_id, lanes, title in lessons:
        page.select_option("#lessons", lesson_id)
        page.wait_for_function(f"() => window.slopes.state.view.lesson === '{lesson_id}' && !window.slopes.app.running "
                               f"&& window.slopes.app.lanes.length === {lanes} && window.slopes.app.lanes.every(l => l.status)",
                               timeout=20000)
        page.wait_for_function("(t) => document.getElementById('lesson-caption').textContent.includes(t)", arg=title)
        if page.evaluate("() => !!window.slopes.app.surfaces[window.slopes.state.surface].dataset"):
            page.wait_for_function("() => document.getElementById('plot-data').data?.length > 1")
    assert page.errors == []
    page.select_option("#lessons", "batch_sizes")
    wait_drawn(page, lanes=3)
    page.check("#cloud")
    page.wait_for_function("() => (window.slopes.app.cloud || []).length >= 14")  # 7 more seeds of each of 2 lanes
    page.screenshot(path=str(SHOTS / "lesson-batches.png"), full_page=True)
    url = page.url
    page.goto(url)  # a lesson is shareable like any state
    page.wait_for_function("() => window.slopes && window.slopes.state.view.lesson === 'batch_sizes' && "
                           "document.getElementById('lesson-caption').textContent.includes('Full batch')")


def test_korean_lesson_caption(page, live_server):
    page.goto(live_server + "/?lang=ko")
    wait_drawn(page)
    page.select_option("#lessons", "momentum_ravine")
    page.wait_for_function("() => document.getElementById('lesson-caption').textContent.includes('골짜기')")
