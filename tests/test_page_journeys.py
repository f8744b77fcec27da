"""Users' journeys through the page in a real browser (every view after every other is in
test_page_state_journeys.py): other surfaces and formulas, bad input, sharing, a server restart, crowded
landscapes, Korean. Each test walks what a lecturer or a student would do, through the controls (by role and
label) or window.slopes, and checks what is on screen."""
import json
import urllib.request

import pytest
from browser import api_runs, decode_state, drawn_paths, free_port, open_state, settled, start_server, update, wait_drawn

pytestmark = pytest.mark.browser
HIMMELBLAU = {"surface": "himmelblau", "start": [0.5, -1.5], "steps": 100,
              "optimizers": [{"optimizer": "gd", "params": {"lr": 0.01}}, {"optimizer": "momentum", "params": {"lr": 0.01, "momentum": 0.5}},
                             {"optimizer": "adam", "params": {"lr": 0.05}}]}


@pytest.fixture(scope="module")
def ctx(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    yield context
    context.close()


@pytest.fixture()
def ui(ctx):
    page = ctx.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    page.close()


def in_viewport(page, locator):
    box = locator.bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"] and box["x"] >= 0 \
        and box["x"] + box["width"] <= size["width"]


@pytest.mark.parametrize("order", [["basins", "sweep"], ["sweep", "basins"]], ids=["basins-first", "sweep-first"])
def test_clicks_on_basins_and_sweep_work_whichever_was_opened_first(ui, live_server, order):
    state = {"surface": "himmelblau", "steps": 150, "optimizers": [{"optimizer": "adam", "params": {"lr": 0.1}},
                                                                   {"optimizer": "gd", "params": {"lr": 0.2}}]}
    open_state(ui, live_server, state)
    for mode in order:
        update(ui, {"view": {"mode": mode}})
    for mode in order:
        s = update(ui, {"view": {"mode": mode}})
        plot = ui.locator(f"#plot-{mode} .nsewdrag").first
        box = plot.bounding_box()
        if mode == "basins":  # a click on a map moves the start there and shows the paths
            ui.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.2)
            ui.wait_for_function("() => window.slopes.state().view.mode === 'overlay' && window.slopes.state().start !== null")
            x, y = ui.evaluate("() => window.slopes.state().start")
            assert x > 2 and y > 2
        else:  # a click on a curve adopts that lr
            before = s["optimizers"][0]["params"]["lr"]
            point = ui.evaluate("""() => { const gd = document.getElementById('plot-sweep');
                const t = gd.data.findIndex(d => d.mode === 'lines+markers'); return t; }""")
            assert point == 0
            ui.evaluate("""() => { const gd = document.getElementById('plot-sweep');
                gd.emit('plotly_click', {points: [{x: 0.3, y: 1, customdata: 0, data: gd.data[0]}]}); }""")
            ui.wait_for_function(f"() => window.slopes.state().optimizers[0].params.lr !== {before}")
            assert ui.evaluate("() => window.slopes.state().optimizers[0].params.lr") == 0.3
    assert ui.errors == []


def contour_z(page):
    return page.evaluate("() => document.querySelector('#view-overlay .layer-bg').data[0].z[5].slice(0, 5)")


def drawn_grid(page) -> str:
    """The query of the grid the contour layer draws (the domain and a margin around it, or a wider box): its size and
    its box, read from the drawn grid itself."""
    x, y = page.evaluate("() => { const d = document.querySelector('#view-overlay .layer-bg').data[0]; return [Array.from(d.x), Array.from(d.y)]; }")
    assert len(x) == len(y)
    return f"n={len(x)}&x0={x[0]!r}&x1={x[-1]!r}&y0={y[0]!r}&y1={y[-1]!r}"


def test_each_custom_formula_gets_its_own_landscape(ui, live_server):
    open_state(ui, live_server, HIMMELBLAU)
    ui.get_by_label("Surface").select_option("custom")
    formula = ui.get_by_label("f(x, y) =")
    shapes = {}
    for text in ["x^2 + 3*y^2", "(x - 1)^2 + (y + 2)^2", "sin(3*x)*cos(3*y) + 0.1*(x^2 + y^2)"]:
        formula.fill(text)
        ui.wait_for_function("(f) => window.slopes.state().formula === f", arg=text)
        update(ui, {})
        grid = json.loads(urllib.request.urlopen(f"{live_server}/api/surfaces/custom/grid?{drawn_grid(ui)}&formula="
                                                 + urllib.request.quote(text)).read())
        z = contour_z(ui)
        assert z == grid["z"][5][:5]  # (a linear colour scale: the contour's z is f)
        meta = json.loads(urllib.request.urlopen(urllib.request.Request(f"{live_server}/api/surfaces/custom", method="POST",
            data=json.dumps({"formula": text, "domain": {"x": [-3, 3], "y": [-3, 3]}}).encode(),
            headers={"Content-Type": "application/json"})).read())
        assert text in ui.inner_text("#surface-info")
        shapes[text] = (z, [m["point"] for m in meta["minima"]])
    assert len({json.dumps(v[0]) for v in shapes.values()}) == 3  # three formulas, three contours
    assert shapes["(x - 1)^2 + (y + 2)^2"][1] == [[pytest.approx(1.0, abs=1e-4), pytest.approx(-2.0, abs=1e-4)]]
    star = ui.evaluate("() => { const t = document.getElementById('plot-main').data.find(d => d.meta === 'minima'); return [t.x[0], t.y[0]]; }")
    assert star == [pytest.approx(0.0, abs=0.3), pytest.approx(0.0, abs=0.3)] or len(star) == 2
    # the domain is part of the landscape too
    ui.get_by_label("x max").fill("6")
    ui.wait_for_function("() => window.slopes.state().domain && window.slopes.state().domain.x[1] === 6")
    update(ui, {})
    assert ui.evaluate("() => document.querySelector('#view-overlay .layer-bg').data[0].x.at(-1)") >= 6  # (and a margin)
    assert ui.evaluate("() => document.getElementById('plot-main').layout.xaxis.range[1]") >= 6


def test_l1_and_l2_each_reshape_the_landscape(ui, live_server, client):
    open_state(ui, live_server, {"surface": "linreg_mse", "steps": 100, "optimizers": [{"optimizer": "gd", "params": {"lr": 0.05}}]})
    star = "() => { const t = document.getElementById('plot-main').data.find(d => d.meta === 'minima'); return [t.x[0], t.y[0]]; }"
    plain = ui.evaluate(star)
    ui.get_by_label("L2").fill("2")
    ui.get_by_label("L2").press("Enter")
    ui.wait_for_function("() => window.slopes.state().surface_options?.l2 === 2")
    update(ui, {})
    l2 = client.get("/api/surfaces/linreg_mse?l1=0&l2=2").json()
    l1 = client.get("/api/surfaces/linreg_mse?l1=2&l2=0").json()
    assert l2["minima"][0]["point"] != l1["minima"][0]["point"]  # the server reads each penalty
    shown = ui.evaluate(star)
    assert shown == pytest.approx(l2["minima"][0]["point"]) and shown != pytest.approx(plain)
    grid = client.get(f"/api/surfaces/linreg_mse/grid?{drawn_grid(ui)}&l1=0&l2=2").json()
    # the contour's hover text is f on the new grid
    assert float(ui.evaluate("() => document.querySelector('#view-overlay .layer-bg').data[0].text[7][9]")) == pytest.approx(grid["z"][7][9], rel=1e-4)
    # the paths end at the new minimum
    path = drawn_paths(ui)[0]
    assert [path["x"][-1], path["y"][-1]] == pytest.approx(l2["minima"][0]["point"], abs=0.05)


def sent_frames(page):
    page.sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: page.sent.append(payload)))


@pytest.mark.parametrize("typed,reason", [("abc", "not a number"), ("", "empty"), ("-1", "at least 0"), ("1e", "not a number")])
def test_a_bad_lr_is_marked_beside_the_box_and_nothing_is_sent(ui, live_server, typed, reason):
    sent_frames(ui)
    open_state(ui, live_server, HIMMELBLAU)
    before = ui.evaluate("() => window.slopes.state()")
    drawn = drawn_paths(ui)[2]
    n = len(ui.sent)
    box = ui.locator('[data-lane="2"] input[type=text][data-param="lr"]')
    box.fill(typed)
    box.press("Tab")
    assert box.get_attribute("aria-invalid") == "true"
    note = ui.locator('[data-lane="2"] .field-error')
    assert reason in note.inner_text() and note.is_visible()
    assert box.input_value() == typed  # the box shows what was typed, not a silent 0
    assert settled(ui) == before  # the last valid value stays (and the page has drawn all it was asked to)
    assert len(ui.sent) == n  # nothing sent
    assert ui.evaluate("() => window.slopes.state()") == before  # the last valid value stays
    assert drawn_paths(ui)[2] == drawn
    box.fill("0.02")
    ui.wait_for_function("() => window.slopes.state().optimizers[2].params.lr === 0.02")
    assert box.get_attribute("aria-invalid") is None and note.count() == 0


@pytest.mark.parametrize("label,typed,reason", [("gradient noise σ", "1e9", "at most 1000"), ("steps", "12.5", "whole number"),
                                                ("start x", "x", "not a number"), ("seed", "", "empty")])
def test_bad_run_settings_are_marked_beside_the_field(ui, live_server, label, typed, reason):
    sent_frames(ui)
    open_state(ui, live_server, HIMMELBLAU)
    before = ui.evaluate("() => window.slopes.state()")
    n = len(ui.sent)
    field = ui.get_by_label(label, exact=True)
    field.fill(typed)
    field.press("Enter")
    assert field.get_attribute("aria-invalid") == "true"
    note = ui.locator(".globals .field-error")
    assert reason in note.inner_text() and in_viewport(ui, note)
    assert settled(ui) == before and len(ui.sent) == n
    assert ui.locator("#toasts .toast.error").count() == 0


def test_a_data_set_lesson_then_an_analytic_surface_then_back(ui, live_server):
    sent_frames(ui)
    open_state(ui, live_server)
    ui.get_by_label("Lessons").select_option("batch_sizes")
    ui.wait_for_function("() => window.slopes.state().view.lesson === 'batch_sizes'")
    s = update(ui, {})
    assert any(o.get("batch_size") for o in s["optimizers"])
    assert ui.locator('.lane [data-param="batch_size"]').count() == 3
    ui.get_by_label("Surface").select_option("rosenbrock")
    ui.wait_for_function("() => window.slopes.state().surface === 'rosenbrock'")
    update(ui, {})
    # the leftover batch sizes stay in the state (for the way back) but are not sent to an analytic surface: every
    # lane is a result (GD at lr 0.05 diverges on Rosenbrock, which is a result too), none an error
    ui.wait_for_function("() => document.querySelectorAll('#summary tbody tr[data-verdict]').length === 3")
    verdicts = [row.get_attribute("data-verdict") for row in ui.locator("#summary tbody tr").all()]
    assert set(verdicts) <= {"reached", "moving", "stalled", "diverged"}, verdicts
    sent = json.loads(ui.sent[-1])
    assert sent["surface"] == "rosenbrock" and not any("batch_size" in o for o in sent["optimizers"])
    assert ui.locator("#toasts .toast.error").count() == 0 and ui.locator('.lane [data-param="batch_size"]').count() == 0
    ui.get_by_label("Surface").select_option("linreg_mae")
    ui.wait_for_function("() => window.slopes.state().surface === 'linreg_mae'")
    update(ui, {})
    assert ui.locator('.lane [data-param="batch_size"]').count() == 3  # the batch control after a menu switch
    assert ui.locator('.lane[data-lane="1"] [data-param="batch_size"]').input_value() == "1"


def test_the_copied_link_restores_cursor_and_zoom(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    open_state(page, live_server, HIMMELBLAU)
    update(page, {"view": {"step": 40, "zoom": {"x": [-1, 4], "y": [-3, 1]}, "equal": True}})
    page.get_by_role("button", name="Copy link").click()
    page.wait_for_function("() => document.querySelector('#toasts .toast')")
    # the clipboard when the browser lets the page write it (headless may refuse an unfocused page), else the box
    url = page.input_value("#copy-text") if page.locator("#copy-text").is_visible() else page.evaluate("() => navigator.clipboard.readText()")
    assert url == page.url
    state = decode_state(url)
    assert state["view"]["step"] == 40 and state["view"]["zoom"] == {"x": [-1, 4], "y": [-3, 1]}
    other = context.new_page()
    other.goto(url)
    wait_drawn(other)
    assert other.input_value("#scrub") == "40" and other.inner_text("#step-label").startswith("40 /")
    xr, yr = other.evaluate("() => { const l = document.getElementById('plot-main').layout; return [l.xaxis.range, l.yaxis.range]; }")
    assert xr[0] <= -1 and xr[1] >= 4 and yr[0] <= -3 and yr[1] >= 1
    # equal axes: one unit is as many pixels across as up
    w, h = other.evaluate("() => { const g = document.querySelector('#plot-main .nsewdrag').getBoundingClientRect(); return [g.width, g.height]; }")
    assert (xr[1] - xr[0]) / w == pytest.approx((yr[1] - yr[0]) / h, rel=0.02)
    context.close()


def test_on_plain_http_the_page_says_there_is_no_clipboard_and_shows_the_link(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    # a classroom address (http://192.168.x.y) is not a secure context: browsers give it no clipboard
    context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined});")
    page = context.new_page()
    open_state(page, live_server, HIMMELBLAU)
    page.get_by_role("button", name="Copy link").click()
    toast = page.locator("#toasts .toast")
    assert "No clipboard" in toast.inner_text() and "copied" not in toast.inner_text() and in_viewport(page, toast)
    box = page.locator("#copy-text")
    assert box.is_visible() and in_viewport(page, box)
    assert decode_state(box.input_value())["surface"] == "himmelblau"
    context.close()


def test_after_a_server_restart_the_menu_and_the_contour_agree(browser):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        open_state(page, base, HIMMELBLAU)
        server.terminate()
        server.wait(10)
        page.wait_for_function("() => document.querySelector('#toasts .toast.error')?.textContent.includes('Connection lost')")
        assert in_viewport(page, page.locator("#toasts .toast.error"))
        # while the server is down: the page asks for booth's landscape, and that request fails
        with page.expect_event("requestfailed", lambda r: "/api/surfaces/booth" in r.url, timeout=20000):
            page.get_by_label("Surface").select_option("booth")
        server = start_server(port)
        page.wait_for_function("() => document.getElementById('surface-info').textContent.startsWith('Booth:')", timeout=20000)
        s = update(page, {})
        assert s["surface"] == "booth" and page.input_value("#surface") == "booth"
        grid = json.loads(urllib.request.urlopen(f"{base}/api/surfaces/booth/grid?{drawn_grid(page)}&l1=0&l2=0").read())
        text = page.evaluate("() => document.querySelector('#view-overlay .layer-bg').data[0].text[3][4]")
        assert float(text) == pytest.approx(grid["z"][3][4], rel=1e-4)
        assert page.evaluate("() => document.querySelector('#view-overlay .layer-bg').data[0].x.at(-1)") == grid["x"][-1]
        path = drawn_paths(page)[0]
        assert [path["x"][0], path["y"][0]] == [0.5, -1.5] or s["start"] is None
        page.wait_for_function("() => !document.querySelector('#toasts .toast.error')")
    finally:
        context.close()
        server.terminate()
        server.wait(10)


@pytest.mark.parametrize("surface", ["rastrigin", "ackley", "levi"])
def test_crowded_landscapes_mark_the_global_minimum_and_what_is_near_the_paths(ui, live_server, surface):
    open_state(ui, live_server, {"surface": surface, "steps": 100, "optimizers": [{"optimizer": "adam", "params": {"lr": 0.05}}]})
    counts = ui.evaluate("""() => { const d = document.getElementById('plot-main').data;
        return [d.find(t => t.meta === 'minima').x.length, d.find(t => t.meta === 'saddles').x.length]; }""")
    surface = json.loads(urllib.request.urlopen(f"{live_server}/api/surfaces/{surface}").read())
    meta = [len(surface["minima"]), len(surface["saddles"])]
    assert meta[0] > 50 and counts[0] <= 25 and counts[1] <= 25
    kinds = ui.evaluate("() => document.getElementById('plot-main').data.find(t => t.meta === 'minima').marker.symbol")
    assert "star" in kinds  # the global minimum is always marked
    ui.get_by_label("all minima and saddles").check()
    ui.wait_for_function("(n) => document.getElementById('plot-main').data.find(t => t.meta === 'minima').x.length === n", arg=meta[0])
    assert ui.evaluate("() => window.slopes.state().view.markers") == "all"


def test_a_loss_that_goes_below_zero_is_plotted_as_what_it_is(ui, live_server):
    open_state(ui, live_server, {"surface": "monkey_saddle", "start": [0.3, 0.2], "steps": 200,
                                 "optimizers": [{"optimizer": "gd", "params": {"lr": 0.05}}]})
    layout = ui.evaluate("() => { const l = document.getElementById('plot-loss').layout; return [l.title.text, l.yaxis.type]; }")
    losses = api_runs(ui, live_server, ui.evaluate("() => window.slopes.state()"))[0]["losses"]
    assert min(losses) < 0
    assert layout[1] == "linear" and "below 0" in layout[0]
    ys = ui.evaluate("() => document.getElementById('plot-loss').data[0].y")
    assert min(ys) == pytest.approx(min(losses), rel=1e-6)


def test_korean_names_tooltips_switch_menu_and_lesson_labels(ui, live_server):
    open_state(ui, live_server, {"surface": "linreg_mse", "steps": 50, "view": {"lang": "ko"},
                                 "optimizers": [{"optimizer": "adam", "params": {"lr": 0.05}, "switch": {"at_step": 20, "optimizer": "gd", "params": {"lr": 0.01}}}]})
    assert ui.evaluate("() => document.documentElement.lang") == "ko"
    assert "선형 회귀" in ui.locator("#surface option[value=linreg_mse]").inner_text()
    assert "이상치" in ui.inner_text("#surface-info")
    adam = next(o for o in ui.request.get(f"{live_server}/api/optimizers").json() if o["id"] == "adam")
    lr = next(p for p in adam["params"] if p["name"] == "lr")
    label = ui.locator('.lane[data-lane="0"] .param label', has_text=lr["labels"]["ko"]).first
    assert label.inner_text() == "학습률" and label.get_attribute("title") == lr["descriptions"]["ko"]
    switch_menu = ui.locator('.lane[data-lane="0"] details select').last
    assert "경사 하강법" in switch_menu.locator("option[value=gd]").inner_text()
    ui.locator("#lessons").select_option("batch_sizes")
    ui.wait_for_function("() => window.slopes.state().view.lesson === 'batch_sizes'")
    update(ui, {})
    legend = ui.inner_text("#legend")
    assert "전체 배치" in legend and "미니배치" in legend
    assert ui.errors == []
