"""The page in a real browser (Debian's chromium via Playwright): the store and its scripting API, the controls,
hostile input. One page is shared by the tests of this module and driven through window.slopes."""
from pathlib import Path

import pytest
from browser import address_holds_state, api_runs, decode_state, drawn_paths, open_state, state_url, update, wait_drawn

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent / "test-artifacts"
HIMMELBLAU = {"surface": "himmelblau", "start": [0.5, -1.5], "steps": 120,
              "optimizers": [{"optimizer": "gd", "params": {"lr": 0.01}}, {"optimizer": "adam", "params": {"lr": 0.05}}]}


@pytest.fixture(scope="module")
def ui(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


def paths(page):
    """x, y of every lane's path as drawn on the overlay."""
    return page.evaluate("""() => document.getElementById('plot-main').data.filter(t => String(t.meta).startsWith('lane'))
        .map(t => [Array.from(t.x), Array.from(t.y)])""")


def test_loads_without_errors_or_foreign_requests_and_never_offers_the_cloud(page, live_server):
    state = open_state(page, live_server)
    assert page.errors == []
    foreign = [u for u in page.requests if not u.startswith(live_server) and not u.startswith("data:")
               and not u.startswith(live_server.replace("http", "ws"))]
    assert foreign == []
    # the first paint loads plotly.js's cartesian bundle alone: the 3-D one waits until 3-D is opened
    vendor = [u.split("?")[0].rsplit("/", 1)[-1] for u in page.requests if "/vendor/" in u]
    assert vendor == ["plotly-cartesian.min.js"], vendor
    assert len(paths(page)) == len(state["optimizers"]) == 4
    # Plotly's modebar: no "Share chart" (an upload to Plotly's cloud), no Chart Studio, no logo link
    page.locator("#plot-main").hover()
    titles = page.evaluate("() => [...document.querySelectorAll('.modebar-btn')].map(b => b.getAttribute('data-title'))")
    assert titles and not any("Share" in (t or "") or "Chart Studio" in (t or "") for t in titles)
    assert page.locator("a.modebar-btn[href*='plotly']").count() == 0


def test_update_resolves_once_drawn_and_announces_the_state(ui, live_server):
    open_state(ui, live_server, HIMMELBLAU)
    ui.evaluate("() => { window.__drawn = []; window.addEventListener('slopes:drawn', (e) => window.__drawn.push(e.detail)); }")
    state = update(ui, {"optimizers": [{"optimizer": "gd", "params": {"lr": 0.02}}, {"optimizer": "adam", "params": {"lr": 0.05}}]})
    assert state["optimizers"][0]["params"]["lr"] == 0.02
    # resolved only once the new paths are on screen: the drawn trace is the new run's, point for point (float32)
    run = api_runs(ui, live_server, state)[0]
    assert run["params"]["lr"] == 0.02 and run["status"] == "ok"
    assert paths(ui)[0][0] == pytest.approx([p[0] for p in run["points"]], rel=1e-6, abs=1e-9)
    assert drawn_paths(ui)[0]["name"] == "Gradient descent lr=0.02"
    events = ui.evaluate("() => window.__drawn")
    assert events and events[-1]["optimizers"][0]["params"]["lr"] == 0.02
    # state() is a copy: changing it changes nothing
    ui.evaluate("() => { const s = window.slopes.state(); s.steps = 3; s.optimizers.length = 0; }")
    assert ui.evaluate("() => window.slopes.state().steps") == 120
    # deep merge: a nested patch keeps its siblings; arrays replace
    state = update(ui, {"gradient": {"seed": 7}, "view": {"arrows": True}})
    assert state["gradient"] == {"mode": "analytic", "noise": 0, "seed": 7} and state["view"]["mode"] == "overlay"
    state = update(ui, {"optimizers": [{"optimizer": "momentum", "params": {"lr": 0.01, "momentum": 0.5}}]})
    assert len(state["optimizers"]) == 1 and ui.locator(".lane[data-lane]").count() == 1
    assert ui.locator('[data-lane="0"] [data-param="momentum"]').count() == 2  # slider and number box
    assert ui.input_value('[data-lane="0"] input[type=text][data-param="momentum"]') == "0.5"
    # the address carries it
    assert address_holds_state(ui)["optimizers"][0]["params"]["momentum"] == 0.5
    assert ui.errors == []


def test_a_parent_frame_drives_the_page_by_post_message(page, live_server):
    src = state_url(live_server, HIMMELBLAU, "/embed")
    page.goto(live_server + "/healthz")  # any page of the server's origin to host the frame
    page.evaluate("""(src) => {
        window.__got = [];
        window.addEventListener('message', (e) => { if (e.data && e.data.type === 'slopes:drawn') window.__got.push(e.data.state); });
        const f = document.createElement('iframe'); f.id = 'f'; f.src = src; f.width = 900; f.height = 560;
        document.body.append(f);
    }""", src)
    page.wait_for_function("() => window.__got.length > 0", timeout=20000)
    page.evaluate("""() => document.getElementById('f').contentWindow.postMessage(
        {type: 'slopes:update', patch: {steps: 40, view: {mode: 'side'}}}, '*')""")
    page.wait_for_function("() => window.__got.some(s => s.steps === 40 && s.view.mode === 'side')", timeout=20000)
    inner = page.frames[1]
    assert len(drawn_paths(inner, "plot-side")[0]["x"]) == 41


def test_a_crafted_address_cannot_inject_markup(page, live_server):
    evil = '"><img src=x onerror="window.__pwned=1">'
    optimizers = [{"optimizer": "gd", "params": {"lr": 0.1}, "label": evil},
                  {"optimizer": "adam", "params": {"lr": 0.1}, "label": "<b>bold</b>"}]
    crafted = {"surface": "quadratic", "steps": 30, "optimizers": optimizers,
               "view": {"colors": ['red;background:url(x)"><img src=x onerror=alert(1)>', "#00ff00"],
                        "mode": "<script>", "lesson": "<img>", "theme": "javascript:alert(1)", "bogus": {"x": 1}}}
    # the server refuses a view it cannot use, naming the field: no page is made from it at all
    response = page.goto(state_url(live_server, crafted))
    assert response.status == 422 and "view" in response.text()
    assert page.evaluate("() => window.__pwned") is None and page.locator("img").count() == 0
    page.errors.clear()  # the browser logs the 422 itself
    # labels are free text: they reach the page, and the page shows them as text
    s = open_state(page, live_server, {"surface": "quadratic", "steps": 30, "optimizers": optimizers})
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("img").count() == 0 and page.locator("#summary b, #legend b").count() == 0
    assert evil in page.inner_text("#summary") and "<b>bold</b>" in page.inner_text("#legend")
    # the page's own checks (a script or a parent frame): a patch with bad fields is refused whole, naming a field;
    # the last valid state stays and nothing of it becomes markup
    msg = page.evaluate("""(p) => window.slopes.update(p).then(() => 'resolved', (e) => e.message)""",
                        {"view": {"colors": ["#123456", "url(javascript:alert(1))"], "mode": "<script>", "bogus": {"x": 1}},
                         "steps": "many", "bogus": "<img src=x onerror=alert(2)>"})
    assert any(f in msg for f in ("view.colors", "view.mode", "view.bogus", "steps", "bogus"))
    s = page.evaluate("() => window.slopes.state()")
    assert s["view"]["colors"] == [] and s["steps"] == 30 and s["view"]["mode"] == "overlay"
    assert "bogus" not in s and "bogus" not in s["view"] and page.locator("img").count() == 0
    s = update(page, {"view": {"colors": ["#123456", "#abcdef"]}})
    assert s["view"]["colors"] == ["#123456", "#abcdef"]
    assert page.evaluate("() => getComputedStyle(document.querySelector('.lane[data-lane=\"0\"]')).borderLeftColor") == "rgb(18, 52, 86)"
    assert page.errors == []


def test_moving_an_lr_slider_redraws_that_path(ui, live_server):
    open_state(ui, live_server, {"surface": "rosenbrock", "steps": 300, "optimizers": [
        {"optimizer": "gd", "params": {"lr": 0.001}}, {"optimizer": "adam", "params": {"lr": 0.05}}]})
    before = paths(ui)
    slider = ui.get_by_role("slider", name="lr").nth(1)
    ui.evaluate("() => { window.__n = 0; window.addEventListener('slopes:drawn', () => window.__n++); }")
    slider.fill("-2")  # log10 units: lr = 0.01
    ui.wait_for_function("() => window.__n > 0 && window.slopes.state().optimizers[1].params.lr === 0.01")
    after = paths(ui)
    assert after[0] == before[0]  # the other lane did not move
    assert after[1][0][0] == before[1][0][0] and after[1][0][5] != before[1][0][5]
    assert ui.input_value('[data-lane="1"] input[type=text][data-param="lr"]') == "0.01"


def test_clicking_the_contour_moves_the_start(ui, live_server):
    open_state(ui, live_server, {"surface": "rosenbrock", "steps": 100, "optimizers": [{"optimizer": "adam", "params": {"lr": 0.05}}]})
    box = ui.locator("#plot-main .nsewdrag").first.bounding_box()
    ui.evaluate("() => { window.__n = 0; window.addEventListener('slopes:drawn', () => window.__n++); }")
    ui.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.25)
    ui.wait_for_function("() => window.__n > 0 && window.slopes.state().start !== null")
    start = ui.evaluate("() => window.slopes.state().start")
    # 3/4 across, 1/4 down the plot's axes (rosenbrock's domain, x in [-2, 2], y in [-1, 3], and a margin around it)
    (x0, x1), (y0, y1) = ui.evaluate("() => { const l = document.getElementById('plot-main').layout;"
                                     " return [l.xaxis.range, l.yaxis.range]; }")
    assert x0 < -2 < 2 < x1 and y0 < -1 < 3 < y1
    assert start[0] == pytest.approx(x0 + 0.75 * (x1 - x0), abs=0.02 * (x1 - x0))
    assert start[1] == pytest.approx(y1 - 0.25 * (y1 - y0), abs=0.02 * (y1 - y0))
    assert paths(ui)[0][0][0] == start[0]
    assert ui.input_value("#start-x") == str(start[0])
