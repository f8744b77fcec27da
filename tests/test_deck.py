"""A real reveal.js 6 deck holding Slopes figures: lazy data-src frames that load and play, keys that reach the
deck after a click inside a figure, a wheel that scrolls the host, and a fragment that says "now lr = 0.05".

Both kinds of figure a lecturer puts on a slide: /embed (served) and the offline export (a file next to the
deck, made with the fragment's patch precomputed in view.variants).
"""
from __future__ import annotations

import json
import urllib.request

import pytest

from browser import after_frames
from web import COUNT_DRAWN, encoded, npm_file

pytestmark = pytest.mark.browser

STATE = {"surface": "ravine", "start": [-9.0, 2.5], "steps": 120,
         "optimizers": [{"optimizer": "gd", "params": {"lr": 0.15}},
                        {"optimizer": "momentum", "params": {"lr": 0.05, "momentum": 0.8}}],
         "view": {"caption": "GD vs momentum", "lang": "en", "theme": "light"}}
PATCH = {"optimizers": [{"optimizer": "gd", "params": {"lr": 0.05}},
                        {"optimizer": "momentum", "params": {"lr": 0.05, "momentum": 0.8}}]}

DECK = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>deck</title>
<link rel="stylesheet" href="{reveal}/reveal.css"><link rel="stylesheet" href="{reveal}/theme/white.css">
</head><body>
<div class="reveal"><div class="slides">
  <section><h2>Optimizers</h2><p>Press the right arrow.</p></section>
  <section><h3>GD vs momentum</h3>
    <iframe id="figure" data-src="{src}" width="960" height="540" style="border:0"></iframe>
    <p class="fragment" data-lr="0.05">now lr = 0.05</p></section>
  <section><h2>The end</h2></section>
</div></div>
<script src="{reveal}/reveal.js"></script>
<script>
  window.messages = [];
  window.addEventListener('message', (e) => window.messages.push(e.data));
  const patch = {patch};
  Reveal.on('fragmentshown', (event) => {{
    if (!event.fragment.dataset.lr) return;
    document.getElementById('figure').contentWindow.postMessage({{type: 'slopes:update', patch}}, '*');
  }});
  Reveal.initialize({{hash: false, transition: 'none', controls: false, progress: false, {extra}}});
</script>
</body></html>"""


def write_deck(tmp_path, src: str, extra: str = "") -> str:
    reveal = npm_file("reveal.js/dist/reveal.js").parent.as_uri()
    path = tmp_path / "deck.html"
    path.write_text(DECK.format(reveal=reveal, src=src, patch=json.dumps(PATCH), extra=extra))
    return path.as_uri()


@pytest.fixture(scope="module")
def export_file(live_server, tmp_path_factory):
    """The offline export of STATE, with PATCH precomputed for scripting; one file for the module (5 MB)."""
    state = {**STATE, "view": {**STATE["view"], "variants": [PATCH]}}
    html = urllib.request.urlopen(f"{live_server}/export.html?state={encoded(state)}").read()
    path = tmp_path_factory.mktemp("export") / "figure.html"
    path.write_bytes(html)
    return path


@pytest.fixture(params=["embed", "export"])
def figure_src(request, live_server, export_file):
    if request.param == "embed":
        return f"{live_server}/embed?state={encoded(STATE)}&autoplay=1&loop=1"
    return export_file.as_uri() + "?autoplay=1&loop=1"


@pytest.fixture()
def deck_context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.add_init_script(COUNT_DRAWN)
    yield context
    context.close()


def figure_frame(page):
    handle = page.wait_for_selector("#figure[src]", state="attached", timeout=30000)
    frame = handle.content_frame()
    frame.wait_for_function("() => (window.__slopesDrawn || []).length > 0 && window.slopes", timeout=30000)
    return frame


SCRUB = "() => Number(document.getElementById('scrub').value)"


def scrub_moves(frame) -> bool:
    """Playback moves the scrubber: it leaves the value it has now (waited for; a timeout fails the test)."""
    frame.wait_for_function(f"(a) => ({SCRUB})() !== a", arg=frame.evaluate(SCRUB), timeout=10000)
    return True


def scrub_still(frame) -> bool:
    """Playback is stopped: the scrubber keeps its value over 30 animation frames (playing moves it every frame)."""
    before = frame.evaluate(SCRUB)
    after_frames(frame, 30)
    return frame.evaluate(SCRUB) == before


def test_a_lazy_figure_plays_keys_reach_the_deck_and_a_fragment_sets_the_lr(deck_context, figure_src, tmp_path):
    page = deck_context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(write_deck(tmp_path, figure_src))
    page.wait_for_function("() => Reveal.isReady()")
    assert page.locator("#figure").get_attribute("src") in (None, "")  # lazy: not loaded on slide 1
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => Reveal.getIndices().h === 1")
    frame = figure_frame(page)
    frame.wait_for_function("() => Number(document.getElementById('scrub').value) > 0", timeout=10000)
    assert scrub_moves(frame), "autoplay did not start on the slide"

    # a presenter clicks on the figure (to focus it, or by accident): nothing in the figure changes ...
    before = frame.evaluate("() => window.slopes.state()")
    box = page.locator("#figure").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    after_frames(frame)  # a click that moved the start would have changed the state in its handler
    assert frame.evaluate("() => window.slopes.update({})") == before
    assert page.evaluate("() => document.activeElement && document.activeElement.id") == "figure"  # focus is inside

    # ... and the deck's keys still work: the first ArrowRight shows the fragment, whose slopes:update sets lr
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => Reveal.getIndices().f === 0")
    page.wait_for_function("() => window.messages.some(m => m && m.type === 'slopes:drawn' && "
                           "m.state.optimizers[0].params.lr === 0.05)", timeout=30000)
    assert frame.evaluate("() => window.slopes.state().optimizers[0].params.lr") == 0.05
    assert any(m == '{"method":"next"}' for m in page.evaluate("() => window.messages"))
    assert any(isinstance(m, dict) and m.get("type") == "slopes:key" and m.get("key") == "ArrowRight"
               for m in page.evaluate("() => window.messages"))
    # the next ArrowRight (focus still inside the figure) leaves the slide
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => Reveal.getIndices().h === 2")
    assert errors == []


def test_the_wheel_over_a_figure_scrolls_the_deck(deck_context, figure_src, tmp_path):
    """In reveal's scroll view (no snapping, which would pull small turns back) the deck is a long page: a wheel
    turned over the figure scrolls it and never zooms the figure."""
    page = deck_context.new_page()
    page.goto(write_deck(tmp_path, figure_src, extra="view: 'scroll', scrollSnap: false"))
    page.wait_for_function("() => Reveal.isReady()")
    page.evaluate("() => document.getElementById('figure').scrollIntoView({block: 'center'})")
    frame = figure_frame(page)
    ranges = "() => { const p = document.querySelector('.js-plotly-plot'); return JSON.stringify([p.layout.xaxis.range, p.layout.yaxis.range]); }"
    before = frame.evaluate(ranges)
    scroller = "() => document.querySelector('.reveal-viewport').scrollTop"
    top = page.evaluate(scroller)
    box = page.locator("#figure").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.45)
    for _ in range(4):
        page.mouse.wheel(0, 240)
    page.wait_for_function(f"(top) => ({scroller})() > top + 100", arg=top)
    after_frames(frame)  # a scrollZoom would have relaid the axes in the wheel's handler
    assert frame.evaluate(ranges) == before  # no scrollZoom


HOST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title></head><body>
<h1>Host</h1><iframe id="figure" src="{src}" width="960" height="540" style="border:0"></iframe>
<script>window.messages = []; window.addEventListener('message', (e) => window.messages.push(e.data));</script>
</body></html>"""


def host_page(context, tmp_path, src):
    (tmp_path / "host.html").write_text(HOST.format(src=src))
    page = context.new_page()
    page.goto((tmp_path / "host.html").as_uri())
    frame = figure_frame(page)
    return page, frame


def messages(page):
    return page.evaluate("() => window.messages.filter(m => typeof m === 'string' || m.type === 'slopes:key')")


def wait_messages(page, count: int):
    """Until the host has received ``count`` key messages (a loaded machine delivers them late)."""
    try:
        page.wait_for_function("(n) => window.messages.filter(m => typeof m === 'string' || m.type === 'slopes:key')"
                               ".length >= n", arg=count, timeout=20000)
    except Exception as e:
        raise AssertionError(f"{count} key messages expected; the host has {messages(page)}") from e


def test_the_export_passes_only_the_keys_it_does_not_use(deck_context, export_file, tmp_path):
    page, frame = host_page(deck_context, tmp_path, export_file.as_uri())
    page.locator("#figure").click(position={"x": 480, "y": 250})  # the plot: focus goes into the frame
    page.keyboard.press("ArrowRight")
    page.keyboard.press("PageUp")
    page.keyboard.press("Home")
    page.keyboard.press("Shift+Space")
    wait_messages(page, 8)
    assert messages(page) == ['{"method":"next"}', {"type": "slopes:key", "key": "ArrowRight", "shiftKey": False},
                              '{"method":"prev"}', {"type": "slopes:key", "key": "PageUp", "shiftKey": False},
                              '{"method":"slide","args":[0]}', {"type": "slopes:key", "key": "Home", "shiftKey": False},
                              '{"method":"prev"}', {"type": "slopes:key", "key": " ", "shiftKey": True}]
    page.evaluate("() => { window.messages = []; }")
    # a control focused from the keyboard keeps the keys it uses: the slider its arrows, Play its Space
    scrub = frame.get_by_role("slider", name="Step")
    scrub.focus()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    assert scrub.input_value() == "1" and messages(page) == []
    play = frame.get_by_role("button", name="Play")
    play.focus()
    page.keyboard.press("Space")
    frame.get_by_role("button", name="Pause").wait_for()
    assert messages(page) == []
    page.keyboard.press("ArrowRight")  # a button does not use arrows
    wait_messages(page, 1)
    assert messages(page)[:1] == ['{"method":"next"}']
    # a mouse click on Play leaves the keys to the deck: Space after it is the deck's
    page.evaluate("() => { window.messages = []; }")
    frame.locator("#play").click()
    page.keyboard.press("Space")
    wait_messages(page, 1)
    assert messages(page)[:1] == ['{"method":"next"}']


def test_the_export_pauses_while_its_slide_is_away_and_resumes(deck_context, export_file, tmp_path):
    page, frame = host_page(deck_context, tmp_path, export_file.as_uri() + "?autoplay=1&loop=1")
    frame.wait_for_function("() => window.slopesExport.player.playing()")
    page.evaluate("() => document.getElementById('figure').contentWindow.postMessage('slide:stop', '*')")
    frame.wait_for_function("() => !window.slopesExport.player.playing()")
    assert scrub_still(frame)
    page.evaluate("() => document.getElementById('figure').contentWindow.postMessage('slide:start', '*')")
    frame.wait_for_function("() => window.slopesExport.player.playing()")
    assert scrub_moves(frame)


def test_the_export_starts_still_under_reduced_motion(browser, export_file):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, reduced_motion="reduce")
    context.add_init_script(COUNT_DRAWN)
    page = context.new_page()
    page.goto(export_file.as_uri() + "?autoplay=1&loop=1")
    page.wait_for_function("() => (window.__slopesDrawn || []).length > 0")
    after_frames(page, 30)  # autoplay would have moved the scrubber on each of these frames
    scrub = page.get_by_role("slider", name="Step")
    assert scrub.input_value() == scrub.get_attribute("max") == "120"  # the whole path, still
    assert page.get_by_role("button", name="Play").is_visible()
    context.close()


def test_clicks_change_the_export_only_when_interactive(deck_context, export_file):
    page = deck_context.new_page()
    page.goto(export_file.as_uri())
    wait = "() => (window.__slopesDrawn || []).length > 0"
    page.wait_for_function(wait)
    figure = "() => { const p = document.getElementById('plot'); return JSON.stringify([p.layout.xaxis.range, " \
             "p.layout.yaxis.range, p.data.map(t => t.visible === undefined ? true : t.visible)]); }"
    before = page.evaluate(figure)
    box = page.locator("#plot").bounding_box()
    page.mouse.move(box["x"] + 300, box["y"] + 250)
    page.mouse.down()
    page.mouse.move(box["x"] + 600, box["y"] + 400, steps=5)
    page.mouse.up()
    page.locator(".legendtoggle").first.click()
    page.mouse.dblclick(box["x"] + 500, box["y"] + 300)
    # Plotly acts on a legend click once its double-click window has passed (a timer of the plot's
    # doubleClickDelay): a timer of that delay set after the clicks fires after any such one, then a frame is drawn
    page.evaluate("() => new Promise((done) => setTimeout(done, document.getElementById('plot')._context.doubleClickDelay))")
    after_frames(page)
    assert page.evaluate(figure) == before
    assert page.locator(".modebar").count() == 0  # nothing to tab through
    page = deck_context.new_page()
    page.goto(export_file.as_uri() + "?interactive=1")
    page.wait_for_function(wait)
    page.locator(".legendtoggle").first.click()
    page.wait_for_function(f"(before) => ({figure})() !== before", arg=before)
    assert page.evaluate(figure) != before
    assert page.locator(".modebar-btn").count() > 0


def test_slopes_update_in_the_export_stays_within_its_precomputed_runs(deck_context, export_file, tmp_path):
    page, frame = host_page(deck_context, tmp_path, export_file.as_uri())
    lr = "() => document.getElementById('plot').data.find(t => t.mode === 'lines').x.length"
    before = frame.evaluate(lr)
    assert frame.evaluate("(patch) => window.slopes.update(patch).then(s => s.optimizers[0].params.lr)", PATCH) == 0.05
    assert frame.evaluate(lr) == before  # same step count, other path
    xs = frame.evaluate("() => document.getElementById('plot').data.find(t => t.mode === 'lines').x")
    assert xs != frame.evaluate("() => window.slopesExport.data.runs.runs[0].points.map(p => p[0])")
    error = frame.evaluate("() => window.slopes.update({steps: 5}).then(() => 'drawn', e => e.message)")
    assert "precomputed" in error
    assert frame.evaluate("() => window.slopes.state().steps") == 120
    assert page.evaluate("() => window.messages.some(m => m && m.type === 'slopes:error')")
    # back to the original state, by message from the host
    page.evaluate("(patch) => document.getElementById('figure').contentWindow.postMessage({type: 'slopes:update', patch}, '*')",
                  {"optimizers": STATE["optimizers"]})
    page.wait_for_function("() => window.messages.some(m => m && m.type === 'slopes:drawn' && "
                           "m.state.optimizers[0].params.lr === 0.15)")
