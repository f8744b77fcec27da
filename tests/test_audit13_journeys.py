"""Found by trying the live page as a lecturer (audit of issue 13): each test walks one user's path in a real
browser, through the controls by role and label, and checks what is on screen against the server's answer."""
import json
import urllib.request

import pytest

pytestmark = pytest.mark.browser


def post_runs(base: str, state: dict) -> dict:
    body = {k: v for k, v in state.items() if k != "view" and v is not None}
    req = urllib.request.Request(base + "/api/runs", data=json.dumps(body).encode(),
                                 headers={"content-type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=30))


START_BOXES = "() => [document.querySelector('#start-x').value, document.querySelector('#start-y').value]"


def wait_start_boxes(page, expected, timeout=20000):
    """Wait until the start x / start y boxes show ``expected``; fail naming what they show instead."""
    try:
        page.wait_for_function("([want]) => { const x = +document.getElementById('start-x').value,"
                               " y = +document.getElementById('start-y').value;"
                               " return Math.abs(x - want[0]) <= 1e-5 * (1 + Math.abs(want[0])) && Math.abs(y - want[1]) <= 1e-5 * (1 + Math.abs(want[1])); }",
                               arg=[expected], timeout=timeout)
    except Exception:
        pytest.fail(f"the start boxes show {page.evaluate(START_BOXES)}, the paths start at {expected}")


def test_custom_formula_start_boxes_show_where_the_paths_start(page, live_server):
    """Choosing "Custom formula…" and then typing a formula on a wider domain: the start x / start y boxes must
    show the point the paths start from (they showed 0, 0 while every path started at (1.8, 1.8))."""
    page.goto(live_server + "/")
    page.wait_for_function("() => window.slopes && window.slopes.app.drawnVersion > 0", timeout=20000)
    page.get_by_role("combobox", name="Surface").select_option(label="Custom formula…")
    page.wait_for_function("() => window.slopes.state().surface === 'custom'")
    state = page.evaluate("() => window.slopes.state()")
    assert state["start"] is None, "the test expects the surface's default start"
    first = post_runs(live_server, state)["runs"][0]["points"][0]
    wait_start_boxes(page, first)
    assert page.get_by_label("start x").get_attribute("aria-invalid") != "true"

    # a second formula on another domain: its default start moves with it, and the boxes follow
    page.get_by_label("x max").fill("5")
    page.get_by_label("x max").press("Enter")
    page.get_by_label("y max").fill("5")
    page.get_by_label("y max").press("Enter")
    box = page.get_by_role("textbox", name="f(x, y) =")
    box.fill("x^2 + 3*y^2")
    box.press("Enter")
    page.wait_for_function("() => { const s = window.slopes.state(); return s.formula === 'x^2 + 3*y^2'"
                           " && s.domain && s.domain.x[1] === 5 && s.domain.y[1] === 5; }", timeout=20000)
    state = page.evaluate("() => window.slopes.state()")
    second = post_runs(live_server, state)["runs"][0]["points"][0]
    assert second != first, "the wider domain should move the default start (else this step proves nothing)"
    wait_start_boxes(page, second)
    assert not page.errors, page.errors
