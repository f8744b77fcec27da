"""The figure on a projector (issue 21), as a lecturer meets it: at 1280x720 in English and at 1920x1080 in Korean
(one journey each, one page throughout), the default figure large enough to read from the back of the room (its
data area measured through the DOM: Plotly's drag layer), a lesson picked from the menu drawn to one scale (a round
bowl's contours are circles: as many pixels per unit on x as on y, read from the axis ticks) with its start marker
inside the plot, an edit the caption says it no longer describes, presenting the figure alone, Back and Forward
through the lessons, views and surfaces picked, and the copied address opened again. Then the inspector beside the
plot (never over the paths), 3-D filling its view, and the embed race (a result and a frame size in either order)."""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from browser import state_url, wait_drawn

pytestmark = pytest.mark.browser

LEAST = {1280: (640, 400), 1920: (1000, 620)}  # viewport width -> the overlay's data area, at least
PRESENTED = {1280: (1180, 600), 1920: (1800, 950)}  # viewport width -> the figure presented, at least
MARGIN = 3  # px: the start marker's distance from the data area's edge, at least

# the shown view's measures, read from the DOM only (Plotly's drag layers, drawn markers and ticks)
MEASURE = """() => {
  const box = (el) => { if (!el) return null; const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 ? {x: r.x, y: r.y, w: r.width, h: r.height} : null; };
  const mode = document.body.dataset.view;
  const view = document.getElementById('view-' + mode);
  const plot = mode === 'overlay' ? document.getElementById('plot-main') : view.querySelector('.js-plotly-plot');
  const areas = [...view.querySelectorAll('.draglayer .nsewdrag')].map(box).filter(Boolean);
  // the start marker: the point of the scatter trace whose meta is "start" (each trace's group holds its calcdata)
  const starts = [...plot.querySelectorAll('.scatterlayer .trace')].filter((g) => g.__data__?.[0]?.trace?.meta === 'start')
    .map((g) => box(g.querySelector('.point'))).filter(Boolean);
  const ticks = (axis) => [...plot.querySelectorAll(`.${axis}axislayer-above .${axis}tick text`)].map((t) => {
    const r = t.getBoundingClientRect(); const v = Number(t.textContent.replace('\\u2212', '-'));
    return {v, at: axis === 'x' ? r.x + r.width / 2 : r.y + r.height / 2}; }).filter((t) => Number.isFinite(t.v));
  const scale = (list) => list.length < 2 ? null
    : Math.abs((list[list.length - 1].at - list[0].at) / (list[list.length - 1].v - list[0].v));
  const shown = (el) => el && el.offsetParent !== null ? box(el) : null;
  return {mode, areas, starts, pxPerX: scale(ticks('x')), pxPerY: scale(ticks('y')),
    plot: box(document.getElementById('view-area')),
    charts: [...document.querySelectorAll('#charts .chart-box')].map(shown).filter(Boolean),
    summary: shown(document.getElementById('summary')), inspector: shown(document.getElementById('inspector')),
    caption: shown(document.getElementById('lesson-caption')), playback: shown(document.getElementById('playback')),
    panel: shown(document.querySelector('.panel'))};
}"""

NAMES = {  # what the page calls things, in its language
    "en": {"side": "Side by side", "present": "Present", "edited": "edited: the caption describes the lesson as shipped",
           "caption": "Learning rate", "share": "Copy link"},
    "ko": {"side": "나란히 보기", "present": "발표", "edited": "수정됨", "caption": "학습률", "share": "링크 복사"},
}


def overlap(a, b):
    if not a or not b:
        return 0
    dx = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
    dy = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
    return max(0, dx) * max(0, dy)


def inside(inner, outer, margin):
    return (inner["x"] >= outer["x"] + margin and inner["y"] >= outer["y"] + margin
            and inner["x"] + inner["w"] <= outer["x"] + outer["w"] - margin
            and inner["y"] + inner["h"] <= outer["y"] + outer["h"] - margin)


def new_page(browser, size, **options):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, **options)
    context.set_default_timeout(60_000)  # every wait is for a condition; on a loaded machine it may take long
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return page


def until(page, condition, timeout=60):
    """Wait for a condition on what Playwright's handlers collect in Python (a socket's frames): they run only while
    Playwright runs, so the wait hands it the loop in short turns, up to ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true"
        page.wait_for_timeout(20)


def state(page):
    return page.evaluate("() => window.slopes.state()")


def check_figure(m, size, where):
    """The overlay's data area at least LEAST, and nothing of the page over anything else."""
    (area,) = m["areas"]
    least = LEAST[size[0]]
    assert area["w"] >= least[0] and area["h"] >= least[1], f"{where}: data area {area} < {least}"
    boxes = {"plot": m["plot"], "summary": m["summary"], "inspector": m["inspector"], "caption": m["caption"],
             "panel": m["panel"], **{f"chart{k}": c for k, c in enumerate(m["charts"])}}
    assert m["summary"] and len(m["charts"]) >= 2, f"{where}: the charts and the table are on the page"
    names = [n for n in boxes if boxes[n]]
    over = [(p, q) for i, p in enumerate(names) for q in names[i + 1:] if overlap(boxes[p], boxes[q]) > 4]
    assert not over, f"{where}: {over}"


def check_round(m, where):
    ratio = m["pxPerX"] / m["pxPerY"]
    assert 0.9 <= ratio <= 1.1, f"{where}: the round bowl's circles are {ratio:.2f}:1"
    assert m["starts"], f"{where}: no start marker"
    for s in m["starts"]:
        assert any(inside(s, a, MARGIN) for a in m["areas"]), f"{where}: start marker {s} not inside with {MARGIN} px"


JOURNEYS = [pytest.param((1280, 720), "en", id="en@1280x720"), pytest.param((1920, 1080), "ko", id="ko@1920x1080")]


@pytest.mark.parametrize("size, lang", JOURNEYS)
def test_a_lesson_on_the_projector(browser, live_server, size, lang):
    names = NAMES[lang]
    page = new_page(browser, size, permissions=["clipboard-read", "clipboard-write"])
    page.goto("about:blank")
    page.goto(state_url(live_server, {"view": {"lang": lang}}))
    wait_drawn(page)
    check_figure(page.evaluate(MEASURE), size, "the default page")

    # a lesson from the menu: a round bowl, drawn round, filling the plot
    page.select_option("#lessons", "lr_sizes")
    page.wait_for_function("() => window.slopes.state().view.lesson === 'lr_sizes'")
    wait_drawn(page)
    m = page.evaluate(MEASURE)
    (area,) = m["areas"]
    check_figure(m, size, "lr_sizes")
    check_round(m, "lr_sizes")
    caption = page.locator("#lesson-caption")
    assert caption.inner_text().split("\n")[0].startswith(names["caption"])
    notice = page.locator("#lesson-caption .caption-edited")
    assert notice.is_hidden()

    # edited: the caption says it describes the lesson as shipped
    lr = page.locator('.lane[data-lane="1"] input[type=text][data-param="lr"]')
    lr.fill("0.9")
    lr.press("Enter")
    page.wait_for_function("() => window.slopes.state().optimizers[1].params.lr === 0.9")
    wait_drawn(page)
    assert notice.is_visible() and names["edited"] in notice.inner_text()

    # presenting: the figure alone with its caption and playback bar, larger, still round
    lr.blur()  # (a key typed into a field is the field's)
    page.keyboard.press("p")
    page.wait_for_function("() => window.slopes.state().view.present === true")
    wait_drawn(page)
    before = area
    m = page.evaluate(MEASURE)
    (area,) = m["areas"]
    figure = page.locator("#plot-main").bounding_box()
    least = PRESENTED[size[0]]
    assert figure["width"] >= least[0] and figure["height"] >= least[1], figure
    assert area["w"] * area["h"] > 1.5 * before["w"] * before["h"], (before, area)
    assert m["caption"] and m["playback"] and not m["charts"] and not m["summary"] and not m["panel"]
    assert not page.locator(".topbar").is_visible()
    check_round(m, "presenting")
    page.keyboard.press("Escape")
    page.wait_for_function("() => window.slopes.state().view.present === false")
    assert page.locator(".panel").is_visible()

    # side by side: the three panels fit the view (no scrolling, nothing under the charts or the playback bar), each
    # at least 240 px on its short side at 1280x720 (300 at 1920x1080)
    page.get_by_role("tab", name=names["side"]).click()
    page.wait_for_function("() => window.slopes.state().view.mode === 'side'")
    wait_drawn(page)
    m = page.evaluate(MEASURE)
    least = 240 if page.viewport_size["width"] < 1600 else 300
    assert len(m["areas"]) == 3 and min(min(a["w"], a["h"]) for a in m["areas"]) >= least, m["areas"]
    side = page.locator("#view-side")
    assert side.evaluate("(v) => v.scrollHeight <= v.clientHeight + 1"), "the panels need scrolling"
    check_round(m, "side by side")
    assert page.evaluate("() => history.length") == 4  # blank, the page, the lesson, the view: edits are no entries

    # Back and Forward: the lesson as edited in the overlay, then the page before the lesson, then forward again
    page.go_back()
    page.wait_for_function("() => window.slopes.state().view.mode === 'overlay'")
    wait_drawn(page)
    s = state(page)
    assert s["view"]["lesson"] == "lr_sizes" and s["optimizers"][1]["params"]["lr"] == 0.9
    page.go_back()
    page.wait_for_function("() => window.slopes.state().view.lesson === null")
    wait_drawn(page)
    assert state(page)["surface"] == "rosenbrock" and caption.is_hidden()
    page.go_forward()
    page.wait_for_function("() => window.slopes.state().view.lesson === 'lr_sizes'")
    page.go_forward()
    page.wait_for_function("() => window.slopes.state().view.mode === 'side'")
    wait_drawn(page)
    expect(page.locator("#plot-side")).to_be_visible()  # (waits: Back and Forward redraw as they arrive)
    expect(notice).to_be_visible()

    # the copied address, opened again: the same state, still marked as edited
    shown = state(page)
    page.evaluate("() => navigator.clipboard.writeText('')")
    page.get_by_role("button", name=names["share"], exact=True).click()
    page.wait_for_function("() => navigator.clipboard.readText().then((text) => text.startsWith('http'))")
    address = page.evaluate("() => navigator.clipboard.readText()")
    page.goto(address)
    wait_drawn(page)
    assert state(page) == shown
    expect(page.locator("#plot-side")).to_be_visible()  # (waits: Back and Forward redraw as they arrive)
    expect(notice).to_be_visible()
    assert not page.errors, page.errors
    page.context.close()


def test_the_inspector_sits_beside_the_plot_and_off_the_paths(browser, live_server):
    """Docked in the side panel, its table whole, Korean columns right; presenting, beside the figure, off the
    inspected point and every lane's end."""
    page = new_page(browser, (1280, 720))
    page.goto(state_url(live_server, {"view": {"lang": "ko", "inspect": {"lane": 3, "step": 40}}}))
    page.wait_for_selector("#inspector[data-shown] .inspector-table")
    wait_drawn(page)
    card = page.locator("#inspector").bounding_box()
    area = page.locator("#view-area").bounding_box()
    as_box = lambda b: {"x": b["x"], "y": b["y"], "w": b["width"], "h": b["height"]}  # noqa: E731
    assert overlap(as_box(card), as_box(area)) == 0
    heads = page.locator("#inspector .inspector-table thead th").all_inner_texts()
    assert heads[:2] == ["항목", "값"], heads
    cut = page.evaluate("""() => [...document.querySelectorAll('#inspector th, #inspector td')]
      .filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent)""")
    assert not cut, cut

    # presenting, no side panel: the card in a column of its own, clear of the inspected point and every lane's end
    page.keyboard.press("p")
    page.wait_for_function("() => document.getElementById('inspector').dataset.side === 'beside'")
    wait_drawn(page)
    card = page.locator("#inspector").bounding_box()
    area = page.locator("#view-area").bounding_box()
    assert overlap(as_box(card), as_box(area)) == 0 and area["width"] >= 800, (card, area)
    # the inspected point and each lane's last drawn point, in page pixels (the plot's own scatter points)
    points = page.evaluate("""() => { const gd = document.getElementById('plot-main');
      const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, r = gd.querySelector('.draglayer .nsewdrag').getBoundingClientRect();
      const at = (x, y) => [r.x + xa.l2p(x), r.y + ya.l2p(y)];
      const s = window.slopes.state(); const lanes = gd.data.filter((t) => /^lane\\d+$/.test(String(t.meta)));
      const inspected = lanes[s.view.inspect.lane];
      return [at(inspected.x[s.view.inspect.step], inspected.y[s.view.inspect.step]),
              ...lanes.map((t) => at(t.x[t.x.length - 1], t.y[t.y.length - 1]))]; }""")
    assert len(points) == 5
    for x, y in points:
        assert not (card["x"] <= x <= card["x"] + card["width"] and card["y"] <= y <= card["y"] + card["height"]), (x, y, card)
    assert not page.errors, page.errors
    page.context.close()


def test_3d_fills_its_view_with_paths_on_the_surface(browser, live_server):
    page = new_page(browser, (1280, 720))
    page.goto(state_url(live_server, {"view": {"mode": "3d", "lang": "en"}}))
    wait_drawn(page)
    view = page.locator("#view-3d").bounding_box()
    scene = page.locator("#plot-3d .main-svg").first.bounding_box()
    assert scene["width"] >= 0.95 * view["width"] and scene["height"] >= 0.95 * view["height"]
    lifted = page.evaluate("""() => { const gd = document.getElementById('plot-3d'); const s = gd.data[0];
      const nearest = (a, v) => a.reduce((b, x, i) => Math.abs(x - v) < Math.abs(a[b] - v) ? i : b, 0);
      return gd.data.filter((d) => d.type === 'scatter3d' && d.mode === 'lines').map((d) => Array.from(d.x, (x, k) =>
        d.z[k] === null ? null : d.z[k] - s.z[nearest(s.y, d.y[k])][nearest(s.x, x)])); }""")
    assert lifted
    for path in lifted:  # each path lies on the surface, a little above it (never under it)
        ok = [v for v in path if v is not None]
        assert sum(1 for v in ok if v > 0) >= 0.9 * len(ok)
    titles = page.evaluate("() => [...document.querySelectorAll('#plot-3d .annotation-text')].map((t) => t.textContent)")
    assert any(t.startswith("z = ") for t in titles), titles  # the height's meaning, written level
    assert not page.errors, page.errors
    page.context.close()


@pytest.mark.parametrize("order", ["result first", "size first"])
def test_an_embed_draws_once_it_has_both_its_result_and_its_size(browser, live_server, tmp_path, order):
    """The embed race of issue 21 (Korean, Rosenbrock, side by side, autoplay and loop at 960x540): the result and the
    frame's size may arrive in either order; the first drawing waits for both, and playback never steps below 0."""
    src = state_url(live_server, {"steps": 150, "view": {"lang": "ko", "mode": "side", "theme": "light"}}, "/embed") + "&autoplay=1&loop=1"
    hidden = order == "result first"
    (tmp_path / "slide.html").write_text(
        f'<!doctype html><html><body style="margin:0"><iframe id="figure" src="{src}" width="960" height="540" '
        f'style="border:0;{"display:none" if hidden else ""}" title="figure"></iframe></body></html>')
    page = new_page(browser, (1100, 700))
    page.context.add_init_script("""window.__labels = []; window.__errors = [];
      addEventListener('error', (e) => window.__errors.push(String(e.message)));
      new MutationObserver(() => { const l = document.getElementById('step-label'); if (l) window.__labels.push(l.textContent); })
        .observe(document, {subtree: true, childList: true, characterData: true});""")
    held, route = [], {"released": False}
    if hidden:
        # the frame has no size while the result comes: the page's socket sees the run's frames
        page.on("websocket", lambda ws: ws.on("framereceived", lambda f: held.append(f)))
    else:
        # the frame is laid out first: the run's frames are held until it is
        def hold(ws):
            server = ws.connect_to_server()
            route["ws"] = ws
            server.on_message(lambda m: ws.send(m) if route["released"] else held.append(m))
        page.route_web_socket(re.compile(r".*/api/runs/ws$"), hold)
    page.goto((tmp_path / "slide.html").as_uri())
    frame = page.wait_for_selector("#figure", state="attached").content_frame()
    until(page, lambda: any('"type":"end"' in str(m).replace(" ", "") for m in held))  # the run is complete
    busy = "() => document.getElementById('view-area').getAttribute('aria-busy')"
    assert frame.evaluate(busy) == "true"  # the result or the size is missing: nothing drawn yet
    assert frame.evaluate("() => document.getElementById('plot-side').querySelectorAll('.draglayer').length") == 0
    if hidden:
        page.evaluate("() => { document.getElementById('figure').style.display = 'block'; }")
    else:
        route["released"] = True
        for message in held:
            route["ws"].send(message)
    frame.wait_for_function(f"() => ({busy})() === 'false'")
    frame.wait_for_function("() => { const m = document.getElementById('step-label').textContent.match(/^(\\d+) \\/ (\\d+)$/);"
                            " return m && +m[2] > 0 && +m[1] > 0; }")  # playing, forward
    labels = frame.evaluate("() => window.__labels")
    assert not [t for t in labels if t.startswith(("-", "−"))], labels
    assert not frame.evaluate("() => window.__errors") and not page.errors
    assert frame.locator(".toast.error").count() == 0
    assert frame.evaluate("() => document.querySelectorAll('#plot-side .draglayer .nsewdrag').length") == 4
    page.context.close()


# each summary cell's box against the analysis column, and each word of its text against the cell's own width
TABLE_FIT = """() => {
  const table = document.querySelector('.analysis .summary');
  const column = document.querySelector('.analysis').getBoundingClientRect();
  const probe = document.createElement('span');
  probe.style.cssText = 'position:absolute; visibility:hidden; white-space:nowrap';
  table.append(probe);
  const cells = [...table.querySelectorAll('th, td')].filter((cell) => cell.getClientRects().length).map((cell) => {
    const r = cell.getBoundingClientRect();
    const style = getComputedStyle(cell);
    probe.style.font = style.font;
    const room = r.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) + 0.5;
    const words = cell.innerText.split(/\\s+/).filter(Boolean).filter((word) => { probe.textContent = word; return probe.getBoundingClientRect().width > room; });
    return {text: cell.innerText, left: r.left, right: r.right, broken: words};
  });
  probe.remove();
  return {column: [column.left, column.right], cells};
}"""


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_summary_beside_the_figure_shows_every_column_and_breaks_no_word(browser, live_server, lang):
    """At 1920x1080 the charts and the table stand in a column beside the figure: every column it shows is in the
    column's sight (none cut at its edge) and no lane name, number or verdict is broken inside a word ("Momentu
    m"), in the default view and in a lesson whose table has a test-loss column too; the nearest minimum's number,
    whose column gives way, follows each lane's verdict."""
    import json
    from pathlib import Path

    words = json.loads((Path(__file__).resolve().parent.parent / "static" / "i18n" / f"{lang}.json").read_text("utf-8"))
    page = new_page(browser, (1920, 1080))
    page.goto(f"{live_server}/?lang={lang}")
    wait_drawn(page)
    for lesson in (None, "flat_vs_sharp"):
        if lesson:  # picked from the Lessons menu, as the lecturer does
            page.get_by_role("combobox", name=words["lessons"]).select_option(lesson)
            page.wait_for_function("(id) => window.slopes.state().view.lesson === id", arg=lesson)
            wait_drawn(page)
        fit = page.evaluate(TABLE_FIT)
        left, right = fit["column"]
        assert len(fit["cells"]) >= 6 * 3, fit
        for cell in fit["cells"]:
            assert left - 1 <= cell["left"] and cell["right"] <= right + 1, (lesson, lang, cell, fit["column"])
            assert not cell["broken"], (lesson, lang, cell)
        # the nearest minimum's column gives way there; its number follows each lane's verdict instead
        statuses = page.locator(".analysis .summary tbody tr td:last-child").all_inner_texts()
        assert statuses and all(re.search(r"→\s#\d+$", text.strip()) for text in statuses), statuses
    assert not page.errors, page.errors
    page.context.close()
