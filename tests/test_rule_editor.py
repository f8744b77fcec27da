"""The rule editor on the page (issue 23): "Your own…" in a lane's optimizer menu opens an editor of the lane's update
rule; what is typed is checked by the server, a valid rule runs (its hyperparameters get sliders), a bad one is marked
where it is while the paths keep the last valid rule; the rule travels in the address, the embed and the export; the
two rule lessons hold in the page. Driven by role and label, by keyboard alone, in both languages, at 1280x720 and
1920x1080; the paths compared are the ones drawn (the overlay's traces), not pixels."""
from __future__ import annotations

import json

import numpy as np
import pytest

from browser import decode_state, state_url, wait_drawn
from web import describe, run_axe

pytestmark = pytest.mark.browser

ADAM_LINES = ["# Adam: a momentum and an RMSprop, each divided by its bias correction",
              "m = b1*m + (1-b1)*g", "v = b2*v + (1-b2)*g^2",
              "p = p - lr/(1-b1^t) * m/(sqrt(v)/sqrt(1-b2^t) + eps)"]
ADAM = "\n".join(ADAM_LINES)
MOMENTUM = "m = mu*m + g\np = p - lr*m"
BESIDE_ADAM = {"surface": "rosenbrock", "start": [-1.2, 1.0], "steps": 200,
               "optimizers": [{"optimizer": "adam", "params": {"lr": 0.05}}, {"optimizer": "gd", "params": {"lr": 0.05}}]}
OWN_MOMENTUM = {"surface": "himmelblau", "start": [0.0, 0.0], "steps": 120,
                "optimizers": [{"optimizer": "custom", "rule": MOMENTUM, "params": {"lr": 0.002, "mu": 0.9}},
                               {"optimizer": "gd", "params": {"lr": 0.01}}]}

# the paths on screen: the overlay's lane traces, in lane order
PATHS = """() => document.getElementById('plot-main').data.filter((t) => String(t.meta).startsWith('lane'))
    .sort((a, b) => Number(a.meta.slice(4)) - Number(b.meta.slice(4))).map((t) => [Array.from(t.x), Array.from(t.y)])"""
FRAMES = "() => { window.__frames = []; window.addEventListener('slopes:frame', (e) => window.__frames.push(e.detail)); }"
# a result drawn whose request ran lane k with this rule
FRAME_WITH = "([k, rule]) => window.__frames.some((f) => f.optimizers[k] && f.optimizers[k].rule === rule)"


def paths(page):
    return [np.column_stack(xy) for xy in page.evaluate(PATHS)]


def coincide(a, b, tol=1e-5):
    """Two drawn paths are the same path (float32 on screen; the runs agree to 1e-9 in float64)."""
    return a.shape == b.shape and np.abs(a - b).max() <= tol * max(1.0, np.abs(b).max())


def sent_rules(page):
    """The rules of every run request the page sends on its stream, in order."""
    sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(
        [o.get("rule") for o in json.loads(payload).get("optimizers", [])]) if ws.url.endswith("/api/runs/ws") else None))
    return sent


def open_page(browser, live_server, state, size=(1280, 720), path="/"):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, bypass_csp=True)  # (axe is injected)
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.sent = sent_rules(page)
    page.add_init_script(f"({FRAMES})()")
    page.goto(state_url(live_server, state, path))
    wait_drawn(page)
    return page


def type_rule(page, editor, text):
    """Replace the editor's text by typing it (Enter between lines), as a student would."""
    editor.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def until_focused(page, name, limit=120):
    """Tab through the page until the control called ``name`` has the focus (by keyboard alone)."""
    for _ in range(limit):
        if page.evaluate("() => document.activeElement?.getAttribute('aria-label')") == name:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {name!r}")


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["1280x720", "1920x1080"])
def test_adam_typed_in_four_lines_coincides_with_the_builtin_adam(browser, live_server, size, tmp_path):
    page = open_page(browser, live_server, {**BESIDE_ADAM, "view": {"lang": "en"}}, size)
    page.get_by_role("combobox", name="optimizer 2", exact=True).select_option(label="Your own…")
    editor = page.get_by_role("textbox", name="Update rule 2", exact=True)
    assert editor.input_value() == "p = p - lr*g"  # gradient descent at the lane's lr, to edit
    page.wait_for_function(FRAME_WITH, arg=[1, "p = p - lr*g"])
    type_rule(page, editor, ADAM)
    page.wait_for_function(FRAME_WITH, arg=[1, ADAM])
    wait_drawn(page)
    card = page.locator('.lane[data-lane="1"]')
    for name in ("learning rate (lr)", "b1", "b2", "eps"):  # a slider for each hyperparameter the rule reads
        assert card.get_by_role("slider", name=name, exact=True).is_visible(), name
    lane = page.evaluate("() => window.slopes.state().optimizers[1]")
    assert lane == {"optimizer": "custom", "rule": ADAM, "params": {"lr": 0.05, "b1": 0.9, "b2": 0.999, "eps": 1e-8}}
    builtin, mine = paths(page)
    assert len(mine) == 201 and coincide(mine, builtin)
    # the legend and the summary name the lane like any other
    assert "Custom rule lr=0.05" in page.locator("#legend").inner_text()
    row = page.get_by_role("table", name="Summary of the runs").locator('tr[data-lane="1"]')
    assert "Custom rule lr=0.05" in row.inner_text()
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"adam-{size[0]}.png"))
    assert page.errors == []
    page.context.close()


def test_a_bad_rule_is_marked_where_it_is_and_the_paths_keep_the_last_valid_rule(browser, live_server):
    page = open_page(browser, live_server, {**OWN_MOMENTUM, "view": {"lang": "en"}})
    before = paths(page)
    sent = len(page.sent)
    editor = page.get_by_role("textbox", name="Update rule 1", exact=True)
    assert editor.input_value() == MOMENTUM and editor.get_attribute("aria-invalid") is None
    type_rule(page, editor, "m = mu*m + g)\np = p - lr*m")
    page.wait_for_function("() => document.querySelector('.lane[data-lane=\"0\"] textarea').getAttribute('aria-invalid') === 'true'")
    # the message is the text area's description, and says where: line 1, column 13
    described = editor.get_attribute("aria-describedby").split()
    message = page.locator(f"#{described[0]}").inner_text()
    assert message.startswith("Line 1, column 13:") and "')'" in message
    card = page.locator('.lane[data-lane="0"]')
    assert card.locator(".rule-backdrop .rule-line").nth(0).get_attribute("class") == "rule-line bad"
    assert card.locator(".rule-backdrop .rule-line").nth(0).locator("mark").inner_text() == ")"
    assert card.locator(".rule-gutter .bad").all_inner_texts() == ["1"]
    # nothing was sent: the store keeps the last valid rule, and the paths on screen are its paths
    assert page.evaluate("() => window.slopes.state().optimizers[0].rule") == MOMENTUM
    assert len(page.sent) == sent
    assert all(np.array_equal(a, b) for a, b in zip(paths(page), before))
    # a rule that never moves the point: said for the rule as a whole
    type_rule(page, editor, "m = mu*m + g")
    page.wait_for_function("() => /never assigns p/.test(document.querySelector('.rule-errors').textContent)")
    assert editor.get_attribute("aria-invalid") == "true" and len(page.sent) == sent
    # typed right, it runs at once and the marks go
    fixed = "m = mu*m + g\np = p - 2*lr*m"
    type_rule(page, editor, fixed)
    page.wait_for_function(FRAME_WITH, arg=[0, fixed])
    wait_drawn(page)
    assert editor.get_attribute("aria-invalid") is None and card.locator(".rule-errors li").count() == 0
    assert card.locator(".rule-gutter .bad").count() == 0
    assert not coincide(paths(page)[0], before[0])
    assert page.errors == []
    page.context.close()


def test_the_rule_travels_in_the_address_the_embed_and_the_export(browser, live_server, tmp_path):
    page = open_page(browser, live_server, {**BESIDE_ADAM, "view": {"lang": "en"}})
    page.get_by_role("combobox", name="optimizer 2", exact=True).select_option(label="Your own…")
    page.get_by_role("combobox", name="Start from an example… 2", exact=True).select_option(label="Sign of the gradient")
    sign = "p = p - lr*sign(g)           # signSGD: the direction only, never the size"
    page.wait_for_function(FRAME_WITH, arg=[1, sign])
    wait_drawn(page)
    page.wait_for_function("(rule) => location.search.includes('state=') && window.slopes.state().optimizers[1].rule === rule", arg=sign)
    drawn = paths(page)[1]
    page.wait_for_function("""(rule) => { const q = new URLSearchParams(location.search).get('state');
      const s = JSON.parse(atob(q.replace(/-/g, '+').replace(/_/g, '/'))); return s.optimizers[1].rule === rule; }""", arg=sign)
    address = page.url
    state = decode_state(address)
    assert state["optimizers"][1] == {"optimizer": "custom", "rule": sign, "params": {"lr": 0.05}}
    # a reload of the copied address: the same rule in the editor, the same path
    page.goto(address)
    wait_drawn(page)
    assert page.get_by_role("textbox", name="Update rule 2", exact=True).input_value() == sign
    assert coincide(paths(page)[1], drawn)
    # the embed of that state draws it too
    page.goto(address.replace("/?", "/embed?"))
    wait_drawn(page)
    assert coincide(paths(page)[1], drawn)
    assert "Custom rule" in page.locator("#legend").inner_text()
    # and the offline export
    res = page.request.get(f"{live_server}/export.html?{address.split('?', 1)[1]}")
    assert res.ok, res.text()
    (tmp_path / "figure.html").write_bytes(res.body())
    page.goto((tmp_path / "figure.html").as_uri())
    page.wait_for_function("() => (document.getElementById('plot').data || []).length > 0")
    exported = page.evaluate("""() => JSON.parse(document.getElementById('slopes-data').textContent).runs.runs
        .map((r) => ({ rule: r.rule, points: r.points }))""")
    assert exported[1]["rule"] == sign and coincide(np.asarray(exported[1]["points"]), drawn)
    assert page.errors == []
    page.context.close()


def test_korean_by_keyboard_alone(browser, live_server, tmp_path):
    page = open_page(browser, live_server, {**BESIDE_ADAM, "view": {"lang": "ko"}}, (1920, 1080))
    until_focused(page, "옵티마이저 2")
    page.keyboard.press("End")  # the last choice of the menu: "직접 만들기…"
    page.wait_for_function("() => window.slopes.state().optimizers[1].optimizer === 'custom'")
    # the menu keeps the focus though the card was rebuilt; Tab goes on into the editor
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "옵티마이저 2"
    until_focused(page, "업데이트 규칙 2", limit=8)
    editor = page.get_by_role("textbox", name="업데이트 규칙 2", exact=True)
    page.keyboard.press("Control+A")
    page.keyboard.type(ADAM)
    page.wait_for_function(FRAME_WITH, arg=[1, ADAM])
    wait_drawn(page)
    # Tab leaves the rule (it types no tab), Shift+Tab comes back
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.tagName") != "TEXTAREA"
    assert editor.input_value() == ADAM
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "업데이트 규칙 2"
    card = page.locator('.lane[data-lane="1"]')
    assert card.get_by_role("slider", name="학습률 (lr)", exact=True).is_visible()
    builtin, mine = paths(page)
    assert coincide(mine, builtin)
    # the help, in Korean, opened by keyboard: it says how Tab behaves
    until_focused_text(page, "규칙 쓰는 법")
    page.keyboard.press("Enter")
    help_text = card.locator(".rule-help").inner_text()
    assert "Tab" in help_text and "들여쓰기" in help_text and "점 q에서의 기울기" in help_text
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "ko-1920.png"))
    assert page.errors == []
    page.context.close()


def until_focused_text(page, text, limit=12):
    for _ in range(limit):
        if page.evaluate("() => document.activeElement?.textContent?.trim()") == text:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {text!r}")


def test_the_rule_lessons_hold_in_the_page(browser, live_server):
    page = open_page(browser, live_server, {**OWN_MOMENTUM, "view": {"lang": "en"}})
    page.get_by_label("Lessons").select_option("adam_from_parts")
    page.wait_for_function("() => window.__frames.some((f) => f.optimizers.length === 4 && f.optimizers[3].optimizer === 'adam')")
    wait_drawn(page)
    editors = page.get_by_role("textbox", name="Update rule", exact=False)
    assert editors.count() == 3 and "m = b1*m" in editors.nth(2).input_value()
    momentum, rmsprop, mine, builtin = paths(page)
    assert coincide(mine, builtin)  # your Adam runs exactly under the built-in Adam
    assert not coincide(momentum, builtin) and not coincide(rmsprop, builtin)
    page.get_by_label("Lessons").select_option("invent_one")
    page.wait_for_function("() => window.__frames.some((f) => f.optimizers.length === 3 && f.optimizers[2].optimizer === 'lion')")
    wait_drawn(page)
    signum, lion_rule, lion = paths(page)
    assert coincide(lion_rule, lion) and not coincide(signum, lion)
    # with the right betas the first lane is Lion too: b2 = 0.99, typed in its box
    box = page.locator('.lane[data-lane="0"]').get_by_role("textbox", name="b2 value", exact=True)
    box.fill("0.99")
    box.press("Enter")
    page.wait_for_function("() => window.__frames.some((f) => f.optimizers[0].params.b2 === 0.99)")
    wait_drawn(page)
    assert coincide(paths(page)[0], lion)
    assert page.errors == []
    page.context.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_editor_has_no_axe_violation(browser, live_server, theme):
    page = open_page(browser, live_server, {**OWN_MOMENTUM, "view": {"lang": "en", "theme": theme}})
    type_rule(page, page.get_by_role("textbox", name="Update rule 1", exact=True), "m = mu*m + g)\np = p - lr*m")
    page.wait_for_function("() => document.querySelector('.rule-errors li')")
    page.locator(".rule-help summary").click()
    page.wait_for_function("() => document.querySelector('.rule-help li')")
    violations = run_axe(page)
    assert violations == [], describe(violations)
    page.context.close()
