"""The lane cards in a real browser, as a user meets them: every optimizer in the menu gets a labelled control for
each of its hyperparameters (nullable numbers, pairs with a nullable item, tuples, choices, booleans), a typed value
out of range is never used, and a script's invalid patch is refused with an error naming the field."""
import pytest
from browser import open_state, settled, state_url, update

pytestmark = pytest.mark.browser
QUAD = {"surface": "quadratic", "start": [1.5, 1.0], "steps": 40,
        "optimizers": [{"optimizer": "gd", "params": {"lr": 0.05}}]}
DRAWN = "() => new Promise((r) => window.addEventListener('slopes:drawn', () => r(true), {once: true}))"


def arm(page):
    page.evaluate("() => { window.__drawn = 0; window.addEventListener('slopes:drawn', () => window.__drawn++); }")


def wait_drawn(page, since=0, timeout=30000):
    page.wait_for_function("(n) => window.__drawn > n", arg=since, timeout=timeout)


def test_switching_a_lane_through_every_optimizer_shows_its_own_controls_and_draws(page, live_server):
    open_state(page, live_server, QUAD)
    arm(page)
    menu = page.get_by_role("combobox", name="Optimizer 1")
    ids = menu.evaluate("(s) => [...s.options].map((o) => o.value)")
    metas = {o["id"]: o for o in page.evaluate("() => fetch('/api/optimizers').then((r) => r.json())")}
    assert {"adafactor", "prodigy", "muon", "lbfgs", "rprop"} <= set(ids)
    for opt in ids:
        if opt == page.evaluate("() => window.slopes.state().optimizers[0].optimizer"):
            continue
        if opt == "custom":  # "Your own…" opens the rule editor: tests/test_rule_editor.py
            continue
        seen = page.evaluate("() => window.__drawn")
        page.get_by_role("combobox", name="Optimizer 1").select_option(opt)
        wait_drawn(page, seen)
        page.wait_for_function("(id) => window.slopes.state().optimizers[0].optimizer === id && document.getElementById('view-area')?.getAttribute('aria-busy') === 'false'", arg=opt, timeout=30000)
        assert page.errors == [], (opt, page.errors)
        state = page.evaluate("() => window.slopes.state()")
        meta = metas[opt]
        assert state["optimizers"][0]["optimizer"] == opt
        assert state["optimizers"][0]["params"] == {p["name"]: p["default"] for p in meta["params"]}, opt
        card = page.locator('.lane[data-lane="0"]')
        for p in meta["params"]:
            name, default = p["name"], p["default"]
            # each control is named by the server's label and the name the API writes ("learning rate (lr)")
            label = p.get("labels", {}).get("en", name)
            named = name if label == name else f"{label} ({name})"
            if isinstance(default, list):
                for k, v in enumerate(default):
                    box = card.get_by_role("textbox", name=f"{label} ({name}[{k}]) value", exact=True)
                    assert box.count() == 1, (opt, name, k)
                    shown = box.input_value()
                    assert (shown == "") if v is None else float(shown) == pytest.approx(v, rel=1e-2), (opt, name, shown)
            elif isinstance(default, bool):
                assert card.get_by_role("checkbox", name=named, exact=True).is_checked() == default
            elif p["scale"] == "choice":
                select = card.get_by_role("combobox", name=named, exact=True)
                assert select.input_value() == (default or "")
            else:
                box = card.get_by_role("textbox", name=f"{named} value", exact=True)
                shown = box.input_value()
                assert (shown == "") if default is None else float(shown) == pytest.approx(default, rel=1e-2), (opt, name)
        drawn = page.evaluate("() => document.getElementById('plot-main').data.filter((t) => String(t.meta).startsWith('lane'))"
                              ".map((t) => t.x.length)")
        assert len(drawn) == 1 and drawn[0] >= 2, opt
    assert page.errors == []


def test_nullable_numbers_pairs_tuples_and_choices_can_be_set_and_set_back(page, live_server):
    open_state(page, live_server, {**QUAD, "optimizers": [{"optimizer": "prodigy", "params": {}}]})
    card = page.locator('.lane[data-lane="0"]')
    growth = card.get_by_role("textbox", name="(growth_rate) value")
    growth.fill("2")
    growth.press("Enter")  # confirmed: the value kept if what is typed next is invalid
    page.wait_for_function("() => window.slopes.state().optimizers[0].params.growth_rate === 2")
    growth.fill("0.5")  # below its minimum 1: marked, never used
    assert growth.get_attribute("aria-invalid") == "true"
    assert page.evaluate("() => window.slopes.state().optimizers[0].params.growth_rate") == 2
    card.get_by_role("button", name="(growth_rate) None").click()
    page.wait_for_function("() => window.slopes.state().optimizers[0].params.growth_rate === null")
    assert growth.input_value() == "" and growth.get_attribute("aria-invalid") is None
    # Adafactor's eps: [null | number, number]
    update(page, {"optimizers": [{"optimizer": "adafactor", "params": {}}]})
    eps0 = card.get_by_role("textbox", name="(eps[0]) value")
    eps0.fill("1e-30")
    page.wait_for_function("() => JSON.stringify(window.slopes.state().optimizers[0].params.eps) === '[1e-30,0.001]'")
    eps0.fill("")
    page.wait_for_function("() => JSON.stringify(window.slopes.state().optimizers[0].params.eps) === '[null,0.001]'")
    # Muon's three Newton-Schulz coefficients
    update(page, {"optimizers": [{"optimizer": "muon", "params": {}}]})
    card.get_by_role("textbox", name="(ns_coefficients[2]) value").fill("2")
    page.wait_for_function("() => window.slopes.state().optimizers[0].params.ns_coefficients[2] === 2")
    # LBFGS: max_eval null or an integer; line_search_fn a choice
    update(page, {"optimizers": [{"optimizer": "lbfgs", "params": {}}]})
    card.get_by_role("textbox", name="(max_eval) value").fill("7")
    page.wait_for_function("() => window.slopes.state().optimizers[0].params.max_eval === 7")
    card.get_by_role("combobox", name="(line_search_fn)").select_option("strong_wolfe")
    page.wait_for_function("() => window.slopes.state().optimizers[0].params.line_search_fn === 'strong_wolfe'")
    assert update(page, {})["optimizers"][0]["params"]["line_search_fn"] == "strong_wolfe"  # drawn with it
    card.get_by_role("combobox", name="(line_search_fn)").select_option("")
    page.wait_for_function("() => window.slopes.state().optimizers[0].params.line_search_fn === null")
    assert page.errors == []


def test_a_typed_lr_out_of_range_is_marked_and_never_used(page, live_server):
    open_state(page, live_server, QUAD)
    box = page.locator('.lane[data-lane="0"]').get_by_role("textbox", name="(lr) value")
    box.click()
    box.press_sequentially("")
    box.fill("")
    box.press_sequentially("1e308", delay=30)  # passes through "1e3" = 1000 on its way
    assert box.get_attribute("aria-invalid") == "true"
    page.wait_for_function("() => window.slopes.state().optimizers[0].params.lr === 0.05")
    assert settled(page)["optimizers"][0]["params"]["lr"] == 0.05
    assert "lr=0.05" in page.inner_text("#legend")
    assert "1000" in page.locator('.lane[data-lane="0"] .field-error').inner_text()
    box.fill("0.1")
    page.wait_for_function("() => window.slopes.state().optimizers[0].params.lr === 0.1")
    assert box.get_attribute("aria-invalid") is None


def rejected(page, patch):
    return page.evaluate("""(p) => window.slopes.update(p).then(() => 'resolved', (e) => (e instanceof Error) ? e.message : 'not an Error')""", patch)


def test_a_script_patch_with_an_invalid_field_is_refused_whole(page, live_server):
    before = open_state(page, live_server, QUAD)
    msg = rejected(page, {"steps": -4})
    assert "steps" in msg
    msg = rejected(page, {"steps": 20, "optimizers": [{"optimizer": "nope"}]})
    assert "optimizers[0].optimizer" in msg and "nope" in msg
    msg = rejected(page, {"optimizers": [{"optimizer": "adam", "params": {"lr": -1}}]})
    assert "optimizers[0].params.lr" in msg
    msg = rejected(page, {"view": {"mode": "nope"}})
    assert "view.mode" in msg
    assert page.evaluate("() => window.slopes.state()") == before
    # later updates still resolve and are drawn
    arm(page)
    state = update(page, {"steps": 25, "optimizers": [{"optimizer": "adam", "params": {"lr": 0.1}}]})
    assert state["steps"] == 25 and state["optimizers"][0]["optimizer"] == "adam"
    assert page.evaluate("() => window.__drawn") >= 1
    assert page.evaluate("() => document.getElementById('plot-main').data.find((t) => t.meta === 'lane0').x.length") == 26
    assert page.errors == []


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_optimizer_name_fits_its_lane_menu_at_1280(page, live_server, lang):
    """The lane card's menu shows the whole name ("Momentum (heavy ball)", "Schedule-Free AdamW"), not a cut one,
    and the label box is still there, on a row of its own."""
    page.goto(state_url(live_server, {**QUAD, "optimizers": QUAD["optimizers"] * 2}) + f"&lang={lang}")
    page.wait_for_function("() => document.getElementById('view-area')?.getAttribute('aria-busy') === 'false'", timeout=20000)
    words = {"en": ("optimizer", "label"), "ko": ("옵티마이저", "이름")}[lang]
    menu = page.get_by_role("combobox", name=f"{words[0]} 1", exact=True)
    fit = menu.evaluate("""(s) => {
      const cs = getComputedStyle(s), ctx = document.createElement('canvas').getContext('2d');
      ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const room = s.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 18;  // 18 px: the arrow
      return [...s.options].map((o) => [o.text, Math.ceil(ctx.measureText(o.text).width), room]);
    }""")
    assert len(fit) > 20
    cut = [(text, width, room) for text, width, room in fit if width > room]
    assert cut == [], cut
    assert page.get_by_role("textbox", name=f"{words[1]} 1", exact=True).is_visible()
    # the playback bar, with the inspector's button in it, stays one row (a second row takes the plot's height)
    bar = page.locator("#playback").bounding_box()
    play = page.locator("#play").bounding_box()
    assert bar["height"] < 1.6 * play["height"], (bar, play)
