"""The step inspector in a real browser: opened from the address, stepped with the keys, picked by a click on a
path point, its numbers against the API's state, its arrows on the plot, in Korean, and embedded."""
import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest
from browser import settled

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "test-artifacts"

if not (ROOT / "static" / "js" / "store.js").exists():  # the inspector talks to the page's store (issue 13)
    pytest.skip("the page's store (static/js/store.js) is not in this build", allow_module_level=True)

STATE = {"surface": "ravine", "start": [-9.0, 2.5], "steps": 60,
         "optimizers": [{"optimizer": "adam", "params": {"lr": 0.3}, "label": "Adam"},
                        {"optimizer": "momentum", "params": {"lr": 0.05, "momentum": 0.8}, "label": "momentum"},
                        {"optimizer": "gd", "params": {"lr": 0.1}, "label": "GD"}]}


def url(base, state, path="/", lang="en"):
    enc = base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")
    return f"{base}{path}?state={enc}&lang={lang}"


def api_runs(page, base, state):
    body = {k: v for k, v in state.items() if k != "view"}
    r = page.request.post(f"{base}/api/runs", data=json.dumps({**body, "include": ["state", "terms"]}),
                          headers={"Content-Type": "application/json"})
    assert r.ok, r.text()
    return r.json()["runs"]


def shown(page, lane, step):
    page.wait_for_function(
        "([lane, step]) => { const v = window.slopes?.state?.().view?.inspect;"
        " const box = document.getElementById('inspector');"
        " return v && v.lane === lane && v.step === step && box && !box.hidden"
        " && document.getElementById('inspector-step').value === String(step)"
        " && box.dataset.shown === `${lane}:${step}`"
        " && !!box.querySelector('.inspector-table'); }", arg=[lane, step], timeout=60000)


def table(page):
    """The card's rows by the name of what they show (the quantity's or state's name; point, gradient, step_taken)."""
    rows = page.locator("#inspector .inspector-table tbody tr")
    return {rows.nth(i).get_attribute("data-name"): rows.nth(i).locator("td").inner_text() for i in range(rows.count())}


def headings(page):
    return page.locator("#inspector .inspector-table tbody th").all_inner_texts()


def numbers(text):
    return [float(x) for x in text.replace("[", " ").replace("]", " ").replace(",", " ").replace("→", " ").split()
            if x.lstrip("-").replace(".", "", 1).replace("e-", "", 1).replace("e+", "", 1).isdigit()]


def arrows(page):
    """The inspector's arrows over the overlay: each an SVG path naming its term, from and to in data coordinates."""
    return page.evaluate("() => [...document.querySelectorAll('#view-overlay svg path[data-term]')].map(a => {"
                         " const [ax, ay] = a.dataset.from.split(',').map(Number), [x, y] = a.dataset.to.split(',').map(Number);"
                         " return {name: 'inspector:' + a.dataset.term, x, y, ax, ay, color: a.getAttribute('stroke')}; })")


ARROW_DRAWN = "() => !!document.querySelector('#view-overlay svg path[data-term=\"step\"]')"


def test_inspector_opens_on_a_step_with_the_api_numbers_and_arrows(page, live_server):
    state = {**STATE, "view": {"inspect": {"lane": 0, "step": 5}}}
    page.goto(url(live_server, state))
    shown(page, 0, 5)
    panel = page.get_by_role("region", name="Step inspector")
    assert panel.is_visible()
    run = api_runs(page, live_server, state)[0]
    rows = table(page)
    for name in ("exp_avg", "exp_avg_sq"):  # the optimizer's state before and after the step
        np.testing.assert_allclose(numbers(rows[name]), run["state"][name][4] + run["state"][name][5], rtol=1e-4)
    np.testing.assert_allclose(numbers(rows["gradient"]), run["gradients"][5], rtol=1e-4)
    step = np.subtract(run["points"][6], run["points"][5])
    np.testing.assert_allclose(numbers(rows["step_taken"]), step, rtol=1e-4)
    for name, value in run["quantities"][5].items():  # every quantity the rule computed, as the API says it
        np.testing.assert_allclose(numbers(rows[name]), np.ravel(value), rtol=1e-4)
    # the arrows: from the point, one per term of the step, all scaled by one factor, summing to the scaled step
    page.wait_for_function(ARROW_DRAWN, timeout=60000)
    drawn = {a["name"]: a for a in arrows(page)}
    terms = {k: v for k, v in run["terms"][5].items() if np.hypot(*v) > 0}
    assert set(drawn) == {f"inspector:{k}" for k in terms}
    for a in drawn.values():
        assert (a["ax"], a["ay"]) == pytest.approx(run["points"][5])
    heads = sum(np.subtract([a["x"], a["y"]], run["points"][5]) for a in drawn.values())
    scale = heads[0] / step[0]
    assert heads == pytest.approx(scale * step) and scale > 0  # the terms sum to the step
    for k, v in terms.items():
        a = drawn[f"inspector:{k}"]
        assert [a["x"], a["y"]] == pytest.approx(run["points"][5] + scale * np.asarray(v))
    ranges = page.evaluate("() => { const L = document.getElementById('plot-main').layout; return [L.xaxis.range, L.yaxis.range]; }")
    span = min(abs(r[1] - r[0]) for r in ranges)
    lengths = [np.hypot(a["x"] - a["ax"], a["y"] - a["ay"]) for a in drawn.values()]
    assert max(lengths) <= 0.3 * span * (1 + 1e-9)  # the longest fits in the view
    if scale != pytest.approx(1.0):
        assert "×" in page.locator("#inspector").inner_text()  # the legend says they are scaled
    legend = page.locator("#inspector .inspector-legend li")
    assert legend.count() == len(terms)
    page.screenshot(path=str(SHOTS / "inspector-adam.png"))
    assert page.errors == [] or all("reading 'z'" in e for e in page.errors)


def test_arrow_keys_lane_switch_and_a_click_on_a_path_point(page, live_server):
    state = {**STATE, "view": {"inspect": {"lane": 1, "step": 3}}}
    page.goto(url(live_server, state))
    shown(page, 1, 3)
    run = api_runs(page, live_server, state)[1]
    rows = table(page)
    np.testing.assert_allclose(numbers(rows["momentum_buffer"]), run["state"]["momentum_buffer"][2] + run["state"]["momentum_buffer"][3],
                               rtol=1e-4)
    page.keyboard.press("ArrowRight")
    shown(page, 1, 4)
    page.keyboard.press("Shift+ArrowRight")
    shown(page, 1, 14)
    page.keyboard.press("ArrowLeft")
    shown(page, 1, 13)
    page.keyboard.press("ArrowUp")
    shown(page, 0, 13)
    page.get_by_role("region", name="Step inspector").get_by_label("Lane", exact=True).select_option("2")
    shown(page, 2, 13)
    assert not any("→" in v for v in table(page).values())  # plain GD keeps no state: no row before and after
    # a click on a point of the momentum path (lane 1, point 20) picks that step, and does not move the start
    point = run["points"][20]
    box = page.evaluate("""(p) => { const el = document.getElementById('plot-main'); const L = el.layout;
        const r = el.getBoundingClientRect(); const m = L.margin; const w = el.clientWidth - m.l - m.r, h = el.clientHeight - m.t - m.b;
        const [x0, x1] = L.xaxis.range, [y0, y1] = L.yaxis.range;
        return [r.left + m.l + (p[0] - x0) / (x1 - x0) * w, r.top + m.t + (y1 - p[1]) / (y1 - y0) * h]; }""", point)
    start = page.evaluate("() => window.slopes.state().start")
    page.mouse.click(*box)
    shown(page, 1, 20)
    assert page.evaluate("() => window.slopes.state().start") == start
    page.keyboard.press("Escape")
    page.wait_for_function("() => document.getElementById('inspector').hidden && window.slopes.state().view.inspect === null")
    assert arrows(page) == []


def test_inspector_in_korean_and_embedded(page, live_server):
    state = {**STATE, "view": {"inspect": {"lane": 0, "step": 2}}}
    page.goto(url(live_server, state, lang="ko"))
    shown(page, 0, 2)
    text = page.locator("#inspector").inner_text()
    assert "스텝 살펴보기" in text and "기울기 g" in text and "실제로 내디딘 스텝" in text
    page.screenshot(path=str(SHOTS / "inspector-ko.png"))
    page.goto(url(live_server, state, path="/embed"))
    shown(page, 0, 2)
    page.wait_for_function(ARROW_DRAWN, timeout=60000)
    assert page.locator("#inspector-open").count() == 0
    page.screenshot(path=str(SHOTS / "inspector-embed.png"))


def test_the_open_card_follows_a_switch_of_language(page, live_server):
    """The card open on a step speaks the page's language after the language button is pressed, both ways (it once
    kept the language before until the step moved)."""
    state = {**STATE, "view": {"inspect": {"lane": 0, "step": 2}}}
    page.goto(url(live_server, state, lang="ko"))
    shown(page, 0, 2)
    assert "스텝 살펴보기" in page.locator("#inspector").inner_text()
    page.get_by_role("button", name="English").click()
    page.get_by_role("region", name="Step inspector").wait_for(state="visible")
    page.wait_for_function("() => /Step inspector/.test(document.getElementById('inspector').innerText)"
                           " && !/스텝 살펴보기|기울기/.test(document.getElementById('inspector').innerText)")
    page.get_by_role("button", name="한국어").click()
    page.wait_for_function("() => /스텝 살펴보기/.test(document.getElementById('inspector').innerText)"
                           " && !/Step inspector/.test(document.getElementById('inspector').innerText)")
    assert not page.errors, page.errors


@pytest.mark.parametrize("inspect", [{"lane": 99, "step": 2}, {"lane": 0, "step": -1}, {"lane": "0", "step": 1},
                                     "<img src=x onerror=alert(1)>", {"lane": 0, "step": 10 ** 9}])
def test_hostile_inspect_values_open_nothing_or_say_there_is_no_step(page, live_server, inspect):
    response = page.goto(url(live_server, {**STATE, "view": {"inspect": inspect}}))
    if response.status == 422:  # the server refuses a malformed view.inspect by name
        assert "inspect" in page.content()
        assert page.locator("img[src=x]").count() == 0
        return
    settled(page, timeout=60000)  # the first result drawn, and the inspector given the step it asked for
    v = page.evaluate("() => window.slopes.state().view.inspect")
    box = page.locator("#inspector")
    if v is None:
        assert box.is_hidden()
    else:  # kept by the store but past the run's end: the panel says so, nothing is drawn
        page.wait_for_function("() => !!document.querySelector('#inspector .inspector-message')")
        assert arrows(page) == []
    assert page.locator("img[src=x]").count() == 0


def test_the_inspector_belongs_to_the_2d_views_only(page, live_server):
    """Its button is a control of the playback bar in the overlay and side-by-side views; in 3-D, Basins and Sweep
    there is no path in 2-D to explain: no button, no card, and the arrow keys are not taken. Back in the overlay
    the card is where it was."""
    state = {**STATE, "view": {"inspect": {"lane": 1, "step": 4}}}
    page.goto(url(live_server, state))
    shown(page, 1, 4)
    button = page.locator("#playback").get_by_role("button", name="Inspect a step")
    assert not button.is_visible()  # the card is open
    page.get_by_role("button", name="Close the step inspector").click()
    button.wait_for(state="visible")
    for mode in ("3-D", "Basins", "Sweep", "Side by side"):
        page.locator("#views").get_by_role("tab", name=mode, exact=True).click()
        page.wait_for_function("(m) => window.slopes.state().view.mode === m",
                               arg={"3-D": "3d", "Basins": "basins", "Sweep": "sweep", "Side by side": "side"}[mode])
        if mode == "Side by side":
            button.wait_for(state="visible")
        else:
            button.wait_for(state="hidden")
    page.locator("#views").get_by_role("tab", name="Overlay", exact=True).click()
    button.click()
    page.wait_for_function("() => window.slopes.state().view.inspect !== null")
    page.locator("#views").get_by_role("tab", name="Basins", exact=True).click()
    page.wait_for_function("() => document.getElementById('inspector').hidden")
    before = page.evaluate("() => window.slopes.state().view.inspect")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => window.slopes.state().view.inspect") == before  # the keys are not the inspector's
    assert not page.get_by_role("region", name="Step inspector").is_visible()
    page.locator("#views").get_by_role("tab", name="Overlay", exact=True).click()
    page.get_by_role("region", name="Step inspector").wait_for(state="visible")
    assert not page.errors, page.errors


def test_the_card_never_hides_the_inspected_point(page, live_server):
    """At 1280x720 the card covers the right 42% of the plot: a start on the right (the lr_sizes lesson's (2.5, -1.5)
    on the bowl) was under it, with the arrows' tail, so the student saw arrows come out of the card. The card moves to
    the left side when the point would be under it on the right."""
    state = {"surface": "quadratic", "start": [2.5, -1.5], "steps": 40,
             "optimizers": [{"optimizer": "gd", "params": {"lr": 0.05}, "label": "GD"}],
             "view": {"inspect": {"lane": 0, "step": 0}}}
    page.goto(url(live_server, state))

    def covered():
        # the inspected point is where its arrows start (drawn in the overlay's SVG, in its pixels)
        page.wait_for_function(ARROW_DRAWN.replace('"step"', '"gradient"'), timeout=60000)
        return page.evaluate(
            """() => { const box = document.getElementById('plot-main').getBoundingClientRect();
                 const arrow = document.querySelector('#view-overlay svg path[data-term]');
                 const svg = arrow.ownerSVGElement.getBoundingClientRect();
                 const [, u, v] = arrow.getAttribute('d').match(/^M([-\\d.e]+),([-\\d.e]+)/).map(Number);
                 const px = svg.left + u, py = svg.top + v;
                 const r = document.getElementById('inspector').getBoundingClientRect();
                 const inPlot = px >= box.left && px <= box.right && py >= box.top && py <= box.bottom;
                 return {inPlot, under: px >= r.left && px <= r.right && py >= r.top && py <= r.bottom}; }""")

    shown(page, 0, 0)
    got = covered()
    assert got["inPlot"] and not got["under"], got
    # a step on: still on the right, still beside the card
    page.keyboard.press("ArrowRight")
    shown(page, 0, 1)
    got = covered()
    assert got["inPlot"] and not got["under"], got
    assert page.get_by_role("region", name="Step inspector").is_visible()
    page.screenshot(path=str(SHOTS / "inspector-card-beside-the-point.png"))


def test_unlabelled_lanes_are_named_in_korean_in_the_lane_picker(page, live_server):
    """A lane without a label is named after its optimizer: in the Korean page the lane picker said "Gradient descent
    lr=0.1" (the API's English default label) beside a legend that says "경사 하강법 lr=0.1"."""
    state = {"surface": "ravine", "start": [-9.0, 2.5], "steps": 30,
             "optimizers": [{"optimizer": "gd", "params": {"lr": 0.1}}, {"optimizer": "adam", "params": {"lr": 0.3}}],
             "view": {"inspect": {"lane": 1, "step": 2}}}
    page.goto(url(live_server, state, lang="ko"))
    shown(page, 1, 2)
    picker = page.get_by_role("combobox", name="레인")
    options = picker.locator("option").all_inner_texts()
    page.wait_for_function("() => (document.getElementById('plot-main').data || []).some((t) => t.meta === 'lane1')")
    legend = page.evaluate("() => document.getElementById('plot-main').data"
                           ".filter((t) => /^lane\\d+$/.test(String(t.meta))).map((t) => t.name)")
    assert options == legend, (options, legend)
    assert options[0].startswith("경사 하강법") and "Gradient" not in " ".join(options)


def test_embed_code_of_an_inspected_step_does_not_autoplay(page, live_server):
    """The Embed button's <iframe> played by itself (autoplay=1&loop=1) even with a step inspected: on the slide the
    cursor's point ran along the path while the arrows stayed at the inspected step. With a step inspected the code
    keeps view.inspect and asks for no autoplay; with the inspector closed it plays as before."""
    state = {**STATE, "view": {"inspect": {"lane": 1, "step": 7}}}
    page.goto(url(live_server, state, lang="ko"))
    shown(page, 1, 7)
    embed = page.get_by_role("button", name="임베드")

    def snippet_query():
        embed.click()
        src = page.input_value("#embed-snippet").split('src="')[1].split('"')[0].replace("&amp;", "&")
        query = dict(part.split("=", 1) for part in src.split("?", 1)[1].split("&"))
        encoded = query["state"]
        return query, json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))

    query, embedded = snippet_query()
    assert embedded["view"]["inspect"] == {"lane": 1, "step": 7}
    assert "autoplay" not in query and "loop" not in query
    page.get_by_role("button", name="스텝 살펴보기 닫기").click()
    page.wait_for_function("() => window.slopes.state().view.inspect == null")
    query, embedded = snippet_query()
    assert not embedded["view"].get("inspect") and query.get("autoplay") == "1"


def test_search_and_newton_lanes_say_plainly_what_a_step_does(page, live_server):
    """Random search, random local search and damped Newton keep no state: the panel said "This rule is not written
    out here: the state below is the engine's" above no state at all, and a "learning rate 0" row for searches that
    have no learning rate. Each shows its own rule as the server writes it, in the page's language, and no lr row
    where there is no gradient."""
    state = {"surface": "rosenbrock", "start": [-1.2, 1.0], "steps": 20,
             "optimizers": [{"optimizer": "random_search"}, {"optimizer": "random_local_search"},
                            {"optimizer": "newton", "params": {"lr": 0.5}}],
             "view": {"inspect": {"lane": 0, "step": 3}}}
    metas = {o["id"]: o for o in page.request.get(f"{live_server}/api/optimizers").json()}
    page.goto(url(live_server, state, lang="ko"))
    panel = page.get_by_role("region", name="스텝 살펴보기")
    for lane, opt in enumerate(["random_search", "random_local_search", "newton"]):
        shown(page, lane, 3)
        text = panel.inner_text()
        assert "풀어 쓰지 않았습니다" not in text, text
        if metas[opt].get("rule"):  # the rule's text is the server's, in Korean
            assert " ".join(metas[opt]["rule"]["ko"].split("\n")[0].split()) in " ".join(text.split())
        assert ("lr" in table(page)) == (lane == 2), table(page)
        assert "step_taken" in table(page)
        if lane < 2:
            page.keyboard.press("ArrowDown")


def test_the_rule_names_the_optimizer_in_the_page_language_and_state_rows_once(page, live_server):
    """The rule's heading said "갱신 규칙 (newton)" (the API's id, not the name the lane card shows), and a state
    variable with no symbol of its own was written twice ("exp_avg (exp_avg)")."""
    state = {"surface": "rosenbrock", "start": [-1.2, 1.0], "steps": 10,
             "optimizers": [{"optimizer": "newton", "params": {"lr": 0.5}}, {"optimizer": "radam", "params": {"lr": 0.01}}],
             "view": {"inspect": {"lane": 0, "step": 2}}}
    page.goto(url(live_server, state, lang="ko"))
    shown(page, 0, 2)
    assert page.locator("#inspector .inspector-rule b").inner_text().strip() == "갱신 규칙 · 뉴턴 (감쇠):"
    page.keyboard.press("ArrowDown")
    shown(page, 1, 2)
    rows = table(page)
    doubled = [h for h in headings(page) if re.fullmatch(r"\s*(\S+)\s*\(\s*\1\s*\)\s*", h)]
    assert "exp_avg" in rows and not doubled, doubled
