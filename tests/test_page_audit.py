"""A lecturer's walk through the page in a real browser, as a fresh-eyes audit found it broken: modern optimizers,
a diverged run, another surface, a lesson, Korean, a copied link; then the dark theme's lane boxes. No page error,
no console error and no Plotly error banner anywhere on the way."""
from pathlib import Path

import pytest
from browser import address_holds_state, open_state, settled, update

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent / "test-artifacts"
BANNERS = "() => [...document.querySelectorAll('.plotly-notifier, .notifier-note')].map((n) => n.textContent)"


def settle(page, opt=None):
    page.wait_for_function("() => document.getElementById('view-area')?.getAttribute('aria-busy') === 'false'", timeout=30000)
    if opt:
        page.wait_for_function("(id) => window.slopes.state().optimizers[0].optimizer === id && document.getElementById('view-area')?.getAttribute('aria-busy') === 'false'", arg=opt, timeout=30000)
    settled(page)


def test_a_lecture_journey_shows_no_error_and_no_plotly_banner(page, live_server):
    open_state(page, live_server)
    for opt in ["prodigy", "schedule_free_adamw", "muon"]:
        page.get_by_role("combobox", name="Optimizer 1").select_option(opt)
        settle(page, opt)
        assert page.evaluate(BANNERS) == [] and page.errors == [], (opt, page.errors)
        # the contour fills the plot: its drawn area covers the main plot's axes
        cover = page.evaluate("""() => {
            const r = (n) => n.getBoundingClientRect();
            const fill = document.querySelector('.layer-bg .contourlayer'), axes = document.querySelector('#plot-main .draglayer .xy .nsewdrag');
            if (!fill || !axes) return null;
            const a = r(fill), b = r(axes);
            return Math.min(a.width / b.width, a.height / b.height); }""")
        assert cover is not None and cover > 0.97, (opt, cover)
    update(page, {"optimizers": [{"optimizer": "gd", "params": {"lr": 10}}]})
    assert page.locator("#legend span.diverged").count() == 1  # the lane's status, as the legend marks it
    update(page, {"surface": "himmelblau"})
    for mode in ["side", "3d", "overlay"]:
        update(page, {"view": {"mode": mode}})
    lesson = page.get_by_role("combobox", name="Lessons")
    values = lesson.evaluate("(s) => [...s.options].map((o) => o.value).filter(Boolean)")
    lesson.select_option(values[0])
    page.wait_for_function("(v) => window.slopes.state().view.lesson === v", arg=values[0], timeout=20000)
    settle(page)
    assert page.evaluate(BANNERS) == [] and page.errors == [], page.errors
    link = page.url
    page.goto(live_server + "/?lang=ko")
    settle(page)
    assert page.evaluate("() => document.documentElement.lang") == "ko"
    page.goto(link)
    settle(page)
    assert page.evaluate(BANNERS) == []
    assert page.errors == []


def contrast(page, selector):
    return page.evaluate("""(sel) => {
        const rgb = (s) => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
        const lum = ([r, g, b]) => { const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
            return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
        return [...document.querySelectorAll(sel)].map((n) => {
            const cs = getComputedStyle(n);
            let bg = cs.backgroundColor, p = n;
            while (/rgba\\(.*, 0\\)$/.test(bg) || bg === 'transparent') { p = p.parentElement; bg = getComputedStyle(p).backgroundColor; }
            const a = lum(rgb(cs.color)), b = lum(rgb(bg));
            return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
        });
    }""", selector)


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_lane_boxes_are_readable_in_both_themes(page, live_server, theme):
    open_state(page, live_server, {"surface": "quadratic", "steps": 40, "view": {"theme": theme},
                                   "optimizers": [{"optimizer": "prodigy", "params": {}}, {"optimizer": "lbfgs", "params": {}}]})
    ratios = contrast(page, ".lane .param input[type=text], .lane .param select, .lane-head select, .lane-head input")
    assert ratios and min(ratios) >= 4.5, ratios
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"lanes-{theme}-1280.png"))
    assert page.errors == []


def test_penalties_stay_with_the_data_set_surface_they_were_set_on(page, live_server):
    open_state(page, live_server, {"surface": "linreg_mse", "steps": 30,
                                   "optimizers": [{"optimizer": "gd", "params": {"lr": 0.05}}]})
    l1, l2 = page.get_by_role("textbox", name="L1", exact=True), page.get_by_role("textbox", name="L2", exact=True)
    l1.fill("0.5")
    l1.press("Enter")
    l2.fill("2")
    l2.press("Enter")
    page.wait_for_function("() => JSON.stringify(window.slopes.state().surface_options) === '{\"l1\":0.5,\"l2\":2}'")
    l2.fill("-3")  # a bad value, marked red
    l2.press("Enter")
    assert l2.get_attribute("aria-invalid") == "true"
    page.get_by_role("combobox", name="surface").select_option("himmelblau")
    page.wait_for_function("() => window.slopes.state().surface === 'himmelblau' && document.getElementById('surface-info').textContent.startsWith('Himmelblau:')",
                           timeout=30000)
    assert "surface_options" not in page.evaluate("() => window.slopes.state()")
    assert "surface_options" not in address_holds_state(page)
    page.get_by_role("combobox", name="surface").select_option("logreg_ce")
    page.wait_for_function("() => window.slopes.state().surface === 'logreg_ce' && document.getElementById('view-area')?.getAttribute('aria-busy') === 'false'", timeout=30000)
    assert "surface_options" not in page.evaluate("() => window.slopes.state()")
    assert page.get_by_role("textbox", name="L1", exact=True).is_visible()
    assert l1.input_value() == "0" and l2.input_value() == "0"
    assert l1.get_attribute("aria-invalid") is None and l2.get_attribute("aria-invalid") is None
    assert page.errors == []


SWEEP = "() => { const p = document.getElementById('plot-sweep'); return p && p.data ? {data: p.data.map((d) => ({type: d.type, "\
        "symbol: d.marker && d.marker.symbol, y: d.y ? Array.from(d.y) : null})), layout: p.layout} : null; }"


def test_sweep_crosses_one_row_per_lane_and_an_empty_phase_map_has_no_axes(page, live_server):
    open_state(page, live_server, {"surface": "quadratic", "steps": 30, "optimizers": [
        {"optimizer": "gd", "params": {"lr": 0.1}}, {"optimizer": "momentum", "params": {"lr": 0.01, "momentum": 0.9}}]})
    page.get_by_role("tab", name="Sweep").click()
    page.wait_for_function("() => { const p = document.getElementById('plot-sweep');"
                           " return p && p.data && p.data.filter((d) => d.marker && d.marker.symbol === 'x-thin').length === 2; }",
                           timeout=60000)
    fig = page.evaluate(SWEEP)
    rows = [d["y"][0] for d in fig["data"] if d["symbol"] == "x-thin"]
    assert len(rows) == 2 and rows[0] != rows[1]  # each lane's crosses on a row of its own (both diverge at lr > 1)
    # a phase map of lanes without a momentum-like parameter: its message, no empty axes behind it
    update(page, {"optimizers": [{"optimizer": "gd", "params": {"lr": 0.1}}], "view": {"sweep": "lr_momentum"}}, timeout=60000)
    page.wait_for_function("() => { const p = document.getElementById('plot-sweep');"
                           " return p && p.layout && (p.layout.annotations || []).length === 1 && p.layout.xaxis.visible === false; }",
                           timeout=60000)
    fig = page.evaluate(SWEEP)
    assert fig["layout"]["yaxis"]["visible"] is False and fig["data"] == []
    assert page.errors == []


def test_the_page_names_an_icon_that_the_server_serves(page, live_server):
    open_state(page, live_server, {"surface": "quadratic", "steps": 10, "optimizers": [{"optimizer": "gd", "params": {"lr": 0.1}}]})
    href = page.evaluate("() => document.querySelector('link[rel=icon]').href")
    status, kind = page.evaluate("(u) => fetch(u).then((r) => [r.status, r.headers.get('content-type')])", href)
    assert status == 200 and "svg" in kind


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_at_1280_the_top_bar_is_one_line_and_the_parameter_names_fit(page, live_server, lang):
    open_state(page, live_server, {"surface": "quadratic", "steps": 20, "view": {"lang": lang},
                                   "optimizers": [{"optimizer": "prodigy", "params": {}}, {"optimizer": "muon", "params": {}}]})
    page.wait_for_function("(l) => document.documentElement.lang === l", arg=lang)
    # one line: every visible control's box lies within the first control's row
    rows = page.evaluate("() => [...document.querySelector('.topbar').querySelectorAll('button, select, h1, .brand')]"
                         ".filter((n) => n.offsetParent).map((n) => { const r = n.getBoundingClientRect(); return (r.top + r.bottom) / 2; })")
    assert rows and max(rows) - min(rows) < 12, rows
    # every parameter name shows whole (no ellipsis): its label is as wide as its text
    cut = page.evaluate("() => [...document.querySelectorAll('.lane .param > label')].filter((l) => l.offsetParent && l.clientWidth > 0 && l.scrollWidth > l.clientWidth + 1)"
                        ".map((l) => l.textContent)")
    assert cut == []
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"lanes-{lang}-1280.png"))
    assert page.errors == []
