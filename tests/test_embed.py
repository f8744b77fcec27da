"""/embed as a lecturer puts it on a slide: fills its frame at 16:9 and 4:3 with no slack, keeps the domain's
aspect with view.equal, shows only the live sliders asked for (controls=lr:0), and the page's snippet pins the
theme, offers both sizes and a caption (escaped)."""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from web import COUNT_DRAWN, encoded, wait_drawn

pytestmark = pytest.mark.browser

STATE = {"surface": "himmelblau", "start": [0.0, 0.0], "steps": 80,
         "optimizers": [{"optimizer": "adam", "params": {"lr": 0.1}},
                        {"optimizer": "momentum", "params": {"lr": 0.01, "momentum": 0.9}}],
         "view": {"theme": "light", "equal": True}}
HOST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>slide</title>
<style>body {{ margin: 0; }} iframe {{ border: 0; display: block; }}</style></head>
<body><iframe id="figure" src="{src}" width="{w}" height="{h}" title="figure"></iframe></body></html>"""


@pytest.fixture()
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(COUNT_DRAWN)
    yield context
    context.close()


def framed(context, tmp_path, src, w, h):
    (tmp_path / "slide.html").write_text(HOST.format(src=src, w=w, h=h))
    page = context.new_page()
    page.goto((tmp_path / "slide.html").as_uri())
    frame = page.wait_for_selector("#figure").content_frame()
    wait_drawn(frame)
    return page, frame


@pytest.mark.parametrize("size", [(960, 540), (800, 600), (640, 480)])
def test_the_embed_fills_its_frame_and_keeps_the_aspect(context, live_server, tmp_path, size):
    w, h = size
    page, frame = framed(context, tmp_path, f"{live_server}/embed?state={encoded(STATE)}&caption=Himmelblau", w, h)
    fit = frame.evaluate("""() => {
      const bar = document.getElementById('playback').getBoundingClientRect();
      const drag = document.querySelector('#plot-main .nsewdrag').getBoundingClientRect();
      const p = document.getElementById('plot-main');
      const [x0, x1] = p.layout.xaxis.range, [y0, y1] = p.layout.yaxis.range;
      return {scroll: document.documentElement.scrollHeight, inner: innerHeight, barBottom: bar.bottom,
              plotHeight: drag.height, xPerPx: (x1 - x0) / drag.width, yPerPx: (y1 - y0) / drag.height};
    }""")
    assert fit["scroll"] <= fit["inner"]  # nothing cut off, nothing to scroll
    assert fit["inner"] - fit["barBottom"] < 16  # no slack under the playback bar
    assert fit["plotHeight"] > 0.45 * h
    assert fit["xPerPx"] == pytest.approx(fit["yPerPx"], rel=0.02)  # view.equal: one unit as long on x as on y
    artifacts = Path(__file__).resolve().parent.parent / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / f"embed-{w}x{h}.png"))


def test_live_controls_show_the_chosen_sliders_only_and_drive_the_figure(context, live_server, tmp_path):
    src = f"{live_server}/embed?state={encoded(STATE)}&controls=lr:0,momentum:1,nonsense:7,<b>:0,lr:99"
    page, frame = framed(context, tmp_path, src, 960, 540)
    sliders = frame.get_by_role("slider")
    names = [s.get_attribute("data-param") + ":" + s.get_attribute("data-lane")
             for s in sliders.all() if s.get_attribute("data-param")]
    assert names == ["lr:0", "momentum:1"]
    lr = frame.locator('input[data-lane="0"][data-param="lr"]')
    assert lr.is_visible() and frame.get_by_text("lr · Adam").is_visible()
    lr.focus()
    for _ in range(40):
        page.keyboard.press("ArrowRight")  # a focused slider keeps its arrows (they are not the deck's)
    # the slider's updates land once per animation frame: wait for the newest lr to be drawn, whatever it is by then
    frame.wait_for_function("() => { const lr = window.slopes.state().optimizers[0].params.lr;"
                            " return lr > 0.15 && window.__slopesDrawn.some(s => s.optimizers[0].params.lr === lr); }")
    new_lr = frame.evaluate("() => window.slopes.state().optimizers[0].params.lr")
    assert float(lr.get_attribute("aria-valuetext")) == pytest.approx(new_lr, rel=0.01)  # the slider says what is drawn
    assert frame.evaluate("() => window.slopes.state().optimizers[1].params.momentum") == 0.9


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_snippet_pins_the_theme_and_offers_sizes_and_a_caption(context, live_server, theme):
    page = context.new_page()
    state = {**STATE, "view": {"theme": theme}}
    page.goto(f"{live_server}/?state={encoded(state)}")
    wait_drawn(page)
    page.evaluate("() => window.slopes.update({view: {theme: null}})")  # the theme shown, not stored
    page.emulate_media(color_scheme=theme)
    page.get_by_role("button", name="Embed").click()
    page.get_by_label("frame size").select_option("4:3")
    page.get_by_label("caption", exact=True).fill('Adam <b>vs</b> "momentum"')
    snippet = page.get_by_label("Embed", exact=True).input_value() if page.get_by_label("Embed", exact=True).count() \
        else page.locator("#embed-snippet").input_value()
    assert 'width="800" height="600"' in snippet
    assert "<b>" not in snippet and 'title="Adam &lt;b&gt;vs&lt;/b&gt; &quot;momentum&quot;"' in snippet
    src = re.search(r'src="([^"]+)"', snippet).group(1).replace("&amp;", "&")
    encoded_state = src.split("state=")[1].split("&")[0]
    pinned = json.loads(base64.urlsafe_b64decode(encoded_state + "=" * (-len(encoded_state) % 4)))
    assert pinned["view"]["theme"] == page.evaluate("() => document.documentElement.dataset.theme")
    assert "caption=" in src
