"""Journeys through the page's one store, one run client and its views (issue 20), in a real browser, in English and
Korean, at 1280x720 and 1920x1080: every view after every other, a lesson opened from the menu then edited, a reload
of the copied address, null resetting a field through update(), and the step inspector on a state that still holds a
data set's batch size after a switch to an analytic surface."""
import json
from pathlib import Path

import numpy as np
import pytest
from browser import api_runs, decode_state, drawn_paths, open_state, overlapping, plot_boxes, state_url, update, wait_drawn

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-artifacts"
WORDS = {lang: json.loads((ROOT / "static" / "i18n" / f"{lang}.json").read_text()) for lang in ("en", "ko")}
TABS = {"overlay": "view_overlay", "side": "view_side", "3d": "view_3d", "basins": "view_basins", "sweep": "view_sweep"}
HIMMELBLAU = {"surface": "himmelblau", "start": [0.5, -1.5], "steps": 60,
              "optimizers": [{"optimizer": "gd", "params": {"lr": 0.01}}, {"optimizer": "adam", "params": {"lr": 0.05}}]}
CASES = [("en", (1280, 720)), ("ko", (1280, 720)), ("en", (1920, 1080)), ("ko", (1920, 1080))]
PLOTS = {"overlay": "plot-main", "side": "plot-side", "3d": "plot-3d", "basins": "plot-basins", "sweep": "plot-sweep"}
IDS = [f"{lang}-{w}x{h}" for lang, (w, h) in CASES]


@pytest.fixture()
def sized(browser, live_server, request):
    """A page of the given size whose console errors and sent run requests are kept."""
    lang, size = request.param
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.errors, page.sent = [], []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: page.sent.append(json.loads(payload))
                                          if ws.url.endswith("/api/runs/ws") else None))
    page.lang, page.size = lang, size
    yield page
    context.close()


def with_lang(state, lang):
    return {**state, "view": {**state.get("view", {}), "lang": lang}}


def eulerian_tour(nodes):
    """Every ordered pair of views (a -> b, a != b) once."""
    edges = {a: [b for b in nodes if b != a] for a in nodes}
    stack, tour = [nodes[0]], []
    while stack:
        if edges[stack[-1]]:
            stack.append(edges[stack[-1]].pop())
        else:
            tour.append(stack.pop())
    return tour[::-1]


@pytest.mark.parametrize("sized", [CASES[0], CASES[3]], ids=[IDS[0], IDS[3]], indirect=True)
def test_every_view_after_every_other_and_no_handler_left_behind(sized, live_server):
    """Every ordered pair of views (20 switches), English at 1280x720 and Korean at 1920x1080: after each switch only
    that view is shown, its plot is the largest thing on screen and overlaps nothing, and it draws this state."""
    page, words = sized, WORDS[sized.lang]
    width, height = page.size
    open_state(page, live_server, with_lang(HIMMELBLAU, page.lang))
    tour = eulerian_tour(list(TABS))
    assert len(tour) == 21
    SHOTS.mkdir(exist_ok=True)
    seen = set()
    for previous, mode in zip([None] + tour, tour):
        page.get_by_role("tab", name=words[TABS[mode]], exact=True).click()
        page.wait_for_function("(m) => window.slopes.state().view.mode === m", arg=mode)
        update(page, {})  # resolves once this view has drawn the state
        page.wait_for_function("(m) => !document.getElementById('view-' + m).hidden", arg=mode)
        for other in TABS:
            assert page.locator(f"#view-{other}").is_hidden() == (other != mode), (previous, mode, other)
        assert page.get_by_role("tab", name=words[TABS[mode]], exact=True).get_attribute("aria-selected") == "true"
        boxes = plot_boxes(page)
        assert not overlapping(boxes, margin=2), (previous, mode, boxes)
        biggest = max((b for b in boxes if b["kind"] != "playback"), key=lambda b: b["w"] * b["h"])
        assert biggest["kind"] == PLOTS[mode] and biggest["w"] * biggest["h"] >= 0.2 * width * height, (mode, boxes)
        if mode not in seen:
            seen.add(mode)
            page.screenshot(path=str(SHOTS / f"view-{mode}-{page.lang}-{width}x{height}.png"))
    # what each view drew is for this state: one path per lane, one map per lane
    lanes = len(HIMMELBLAU["optimizers"])
    assert page.evaluate("() => document.getElementById('plot-basins').data.filter(t => t.type === 'heatmap').length") == lanes
    assert page.evaluate("() => document.getElementById('plot-sweep').data.filter(t => t.mode === 'lines+markers').length") == lanes
    assert page.evaluate("() => document.getElementById('plot-side').data.filter(t => t.type === 'contour').length") == lanes
    # back in the overlay after every other view: one click on the contour is one change of the start (no handler of a
    # map view left to move it again, or to switch the view), and the inspector's keys are not taken while it is closed
    page.get_by_role("tab", name=words["view_overlay"], exact=True).click()
    update(page, {})
    page.evaluate("() => { window.__states = []; window.addEventListener('slopes:drawn', (e) => window.__states.push(e.detail)); }")
    box = page.locator("#plot-main .nsewdrag").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.7)
    page.wait_for_function("() => window.__states.length > 0")
    update(page, {})
    states = page.evaluate("() => window.__states")
    assert len({json.dumps(s["start"]) for s in states}) == 1 and states[-1]["view"]["mode"] == "overlay"
    before = page.evaluate("() => window.slopes.state()")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => window.slopes.state()") == before
    assert page.errors == []


@pytest.mark.parametrize("sized", CASES[:2], ids=IDS[:2], indirect=True)
def test_a_lesson_opened_from_the_menu_then_edited(sized, live_server):
    page, words = sized, WORDS[sized.lang]
    page.goto(f"{live_server}/?lang={page.lang}")
    wait_drawn(page)
    page.get_by_role("combobox", name=words["lessons"]).select_option("lr_sizes")
    page.wait_for_function("() => window.slopes.state().view.lesson === 'lr_sizes'")
    state = update(page, {})
    lessons = page.request.get(f"{live_server}/api/lessons").json()
    lesson = next(l for l in lessons if l["id"] == "lr_sizes")
    caption = page.locator("#lesson-caption")
    assert caption.is_visible() and lesson["title"][page.lang] in caption.inner_text()
    # the lanes carry the lesson's labels in the page's language, their fields filled by the server with each lane's
    # own numbers ("GD lr {lr}" -> "GD lr 0.005")
    asked = {k: v for k, v in page.sent[-1].items() if k not in ("id", "lanes", "compact")}  # as the page asks
    filled = [run.get("labels", {}).get(page.lang, run["label"]) for run in api_runs(page, live_server, asked)]
    assert "{" in "".join(lesson["labels"][page.lang]) and "{" not in "".join(filled)
    assert [p["name"] for p in drawn_paths(page)] == filled
    # edit the middle lane's lr in its card: the paths follow, the rest of the lesson stays
    box = page.locator('.lane[data-lane="1"]').get_by_role("textbox", name=f"(lr) {words['value']}")
    box.fill("0.9")
    box.press("Enter")
    page.wait_for_function("() => window.slopes.state().optimizers[1].params.lr === 0.9")
    state = update(page, {})
    assert state["view"]["lesson"] == "lr_sizes" and state["surface"] == "quadratic" and caption.is_visible()
    runs = api_runs(page, live_server, state)
    for path, run in zip(drawn_paths(page), runs):
        assert np.allclose(np.column_stack([path["x"], path["y"]]), run["points"], rtol=1e-6, atol=1e-12)
    assert page.sent[-1]["optimizers"][1]["params"]["lr"] == 0.9
    assert page.errors == []


@pytest.mark.parametrize("sized", [CASES[1], CASES[2]], ids=[IDS[1], IDS[2]], indirect=True)
def test_a_reload_of_the_copied_address_shows_the_same_view(sized, live_server, browser):
    page, words = sized, WORDS[sized.lang]
    page.context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined});")  # the box, always
    open_state(page, live_server, with_lang(HIMMELBLAU, page.lang))
    page.get_by_role("combobox", name=words["lessons"]).select_option("momentum_escapes")
    page.wait_for_function("() => window.slopes.state().view.lesson === 'momentum_escapes'")
    update(page, {"view": {"mode": "side", "step": 20, "arrows": True}})
    page.get_by_role("button", name=words["copy_link"]).click()
    address = page.locator("#copy-text")
    address.wait_for(state="visible")
    url = address.input_value()
    state = page.evaluate("() => window.slopes.state()")
    assert decode_state(url) == state
    shown = drawn_paths(page, "plot-side")
    other = page.context.new_page()
    other.goto(url)
    wait_drawn(other)
    assert other.evaluate("() => window.slopes.state()") == state
    assert drawn_paths(other, "plot-side") == shown
    assert other.input_value("#scrub") == "20" and other.locator("#lesson-caption").is_visible()
    other.screenshot(path=str(SHOTS / f"reloaded-{page.lang}-{page.size[0]}x{page.size[1]}.png"))


@pytest.mark.parametrize("sized", CASES[:2], ids=IDS[:2], indirect=True)
def test_update_with_null_resets_a_field_to_its_default(sized, live_server):
    page = sized
    custom = {"surface": "custom", "formula": "x^2 + 3*y^2", "domain": {"x": [-2, 2], "y": [-2, 2]}, "start": [1.5, 1.2],
              "steps": 30, "gradient": {"mode": "numerical", "h": 0.001, "noise": 0, "seed": 0},
              "optimizers": [{"optimizer": "gd", "params": {"lr": 0.05}}], "view": {"lang": page.lang, "inspect": {"lane": 0, "step": 3}}}
    open_state(page, live_server, custom)
    page.locator("#inspector").wait_for(state="visible")
    state = update(page, {"view": {"inspect": None}})
    assert state["view"]["inspect"] is None and page.locator("#inspector").is_hidden()
    state = update(page, {"gradient": {"h": None}, "steps": None})
    assert "h" not in state["gradient"] and state["steps"] == 500 and state["gradient"]["mode"] == "numerical"
    # a host that clears the formula leaves the custom surface for the default one, from its default start
    state = update(page, {"formula": None})
    assert state["surface"] == "rosenbrock" and "formula" not in state and "domain" not in state and state["start"] is None
    assert page.input_value("#surface") == "rosenbrock" and page.locator("#formula-box").is_hidden()
    path = drawn_paths(page)[0]
    assert [path["x"][0], path["y"][0]] == [-1.2, 1.0]  # Rosenbrock's default start (GD at lr 0.05 leaves it at once)
    assert "formula" not in page.sent[-1] and page.sent[-1]["surface"] == "rosenbrock"
    state = update(page, {"optimizers": None, "view": {"lang": None}})
    assert [o["optimizer"] for o in state["optimizers"]] == ["gd", "momentum", "rmsprop", "adam"] and state["view"]["lang"] is None
    assert page.errors == []


@pytest.mark.parametrize("sized", CASES, ids=IDS, indirect=True)
def test_the_inspector_on_a_state_with_a_leftover_batch_size(sized, live_server):
    """A data set's batch size stays in the state after a switch to Rosenbrock (for the way back); the one request
    the page sends leaves it out, so the inspector opens on every lane without a 422."""
    page, words = sized, WORDS[sized.lang]
    state = {"surface": "rosenbrock", "steps": 40, "gradient": {"mode": "analytic", "noise": 0, "seed": 0, "batch_size": 8},
             "optimizers": [{"optimizer": "adam", "params": {"lr": 0.05}, "batch_size": 4}, {"optimizer": "momentum", "params": {"lr": 0.001}}],
             "view": {"lang": page.lang, "inspect": {"lane": 0, "step": 3}}}
    page.goto(state_url(live_server, state))
    panel = page.get_by_role("region", name=words["inspector_title"])
    page.wait_for_function("() => document.getElementById('inspector')?.dataset.shown === '0:3'", timeout=60000)
    assert panel.is_visible() and panel.locator(".inspector-table tbody tr").count() > 3
    assert page.evaluate("() => window.slopes.state().gradient.batch_size") == 8
    assert all("batch_size" not in m.get("gradient", {}) and all("batch_size" not in o for o in m["optimizers"]) for m in page.sent)
    assert any("state" in m.get("include", []) for m in page.sent)
    page.keyboard.press("ArrowDown")
    page.wait_for_function("() => document.getElementById('inspector')?.dataset.shown === '1:3'")
    assert page.locator("#toasts .toast.error").count() == 0 and page.locator("[aria-invalid=true]").count() == 0
    page.screenshot(path=str(SHOTS / f"inspector-batch-{page.lang}-{page.size[0]}x{page.size[1]}.png"))
    assert page.errors == []
