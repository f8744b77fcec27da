"""Maps that follow a dragged slider (issue 25). In Basins, dragging one lane's lr slider (with the mouse, the slider
found by its label) redraws that lane's map several times while the slider moves (a coarser grid, on the live layer
over that lane's subplot only), the figure's maps untouched meanwhile; once the slider rests, that lane's
full-resolution map (the server's, cell for cell) is in the figure, the other lanes' maps are the ones drawn before and
the live layer is empty. In Sweep, the dragged lane's current-value marker follows its lr without asking the server (a
sweep of lr does not depend on lr), and its curve follows a dragged momentum; once the slider rests the figure holds
the final ones."""
import json

import pytest
from browser import state_url, wait_drawn

pytestmark = pytest.mark.browser

LANES = [{"optimizer": "gd", "params": {"lr": 0.001}}, {"optimizer": "adam", "params": {"lr": 0.05}},
         {"optimizer": "momentum", "params": {"lr": 0.001, "momentum": 0.9}}]
BASINS = {"surface": "himmelblau", "steps": 80, "optimizers": LANES, "view": {"mode": "basins"}}
SWEEP = {"surface": "himmelblau", "steps": 150, "optimizers": LANES, "view": {"mode": "sweep"}}

# which boxes (subplots) of a plot's live layer (a canvas over it) have anything drawn in them
PAINTED = """(id) => {
    const el = document.getElementById(id);
    const canvas = el.querySelector('canvas.live-layer');
    if (!canvas || !canvas.width) return [];
    const ctx = canvas.getContext('2d');
    const ratio = canvas.width / el._fullLayout.width;
    const size = el._fullLayout._size;
    const boxes = [];
    for (let i = 0; el._fullLayout[`xaxis${i ? i + 1 : ''}`]; i++) {
        const xa = el._fullLayout[`xaxis${i ? i + 1 : ''}`], ya = el._fullLayout[`yaxis${i ? i + 1 : ''}`];
        const x = Math.round((size.l + xa.domain[0] * size.w) * ratio) + 2, w = Math.round((xa.domain[1] - xa.domain[0]) * size.w * ratio) - 4;
        const y = Math.round((size.t + (1 - ya.domain[1]) * size.h) * ratio) + 2, h = Math.round((ya.domain[1] - ya.domain[0]) * size.h * ratio) - 4;
        const data = ctx.getImageData(x, y, w, h).data;
        let painted = false;
        for (let k = 3; k < data.length; k += 4) if (data[k]) { painted = true; break; }
        boxes.push(painted);
    }
    return boxes;
}"""
# every map the page puts on screen (its slopes:map events); at each live one, as it is announced (before anything
# else can run): which boxes of the live layer are painted, whether the figure's own traces' data (the maps or
# curves Plotly drew) are the very arrays of the figure drawn before the drag, and whether a whole figure was drawn
# since (the slider rested for a moment: a loaded machine can pause a drag)
WATCH = """([id, painted]) => {
    const paintedBoxes = eval(painted);
    const figure = () => document.getElementById(id).data.map((t) => t.type === 'heatmap' ? t.z : t.y);
    const before = figure();
    window.__maps = [];
    window.__drawn = 0;  // whole figures drawn since (the slider rested)
    window.addEventListener('slopes:drawn', () => window.__drawn++);
    window.addEventListener('slopes:map', (e) => {
        const m = { ...e.detail };
        if (m.live) {
            const now = figure();
            m.painted = paintedBoxes(id);
            m.figureSame = now.map((z, i) => z === before[i]);
            m.rested = window.__drawn > 0;
        }
        window.__maps.push(m);
    });
}"""
LIVE_COUNT = """([lane, param]) => new Set(window.__maps.filter((m) => m.lane === lane && m.live)
    .map((m) => JSON.stringify(m.request.params[param]))).size"""


def open_view(page, base, state, ready, plot):
    page.goto(state_url(base, state))
    page.wait_for_function(ready)
    wait_drawn(page)
    page.evaluate(WATCH, [plot, PAINTED])


def drag_until(page, slider, lane, param, enough, most=2000):
    """Drag ``slider`` with the mouse back and forth over the middle of its track until ``enough`` live maps of other
    values of ``lane``'s ``param`` are on screen (each mouse move waits until the page has taken it: no fixed time),
    then let go. Returns how many moves it took."""
    slider.scroll_into_view_if_needed()
    box = slider.bounding_box()
    y = box["y"] + box["height"] / 2
    xs = [box["x"] + box["width"] * (0.3 + 0.3 * k / 20) for k in range(21)]
    xs += xs[-2:0:-1]
    page.mouse.move(xs[0], y)
    page.mouse.down()
    moves = 0
    try:
        while moves < most:
            page.mouse.move(xs[moves % len(xs)], y)
            moves += 1
            if moves % 8 == 0 and page.evaluate(LIVE_COUNT, [lane, param]) >= enough:
                break
    finally:
        page.mouse.up()
    assert moves < most, "no live maps while the slider moved"
    return moves


def live_maps(page):
    return [m for m in page.evaluate("() => window.__maps") if m["live"]]


def last_whole(page, lane):
    page.wait_for_function(f"() => window.__maps.some((m) => !m.live && m.lane === {lane})")
    wait_drawn(page)
    return [m for m in page.evaluate("() => window.__maps") if not m["live"] and m["lane"] == lane][-1]["request"]


HEATMAPS = "() => document.getElementById('plot-basins').data.filter((t) => t.type === 'heatmap').map((t) => t.z)"
CURVES = "() => document.getElementById('plot-sweep').data.filter((t) => t.mode === 'lines+markers').map((t) => [t.x, t.y])"


def test_a_dragged_lane_s_basin_map_follows_the_slider_and_rests_at_full_resolution(page, live_server):
    open_view(page, live_server, BASINS, "() => document.querySelectorAll('#plot-basins .heatmaplayer image').length === 3",
              "plot-basins")
    before = page.evaluate(HEATMAPS)
    full_n = len(before[1])
    drag_until(page, page.get_by_role("slider", name="learning rate (lr)", exact=True).nth(1), 1, "lr", 3)
    # while the slider moved: lane 1's map drawn live for several lr (each a coarser grid), on the live layer over
    # lane 1's subplot only; meanwhile the figure's maps were the ones drawn before (lane 1's too, unless the slider
    # rested for a moment on a loaded machine and its whole map came)
    live = live_maps(page)
    assert {m["lane"] for m in live} == {1}
    assert len({m["request"]["params"]["lr"] for m in live}) >= 3
    assert all(m["request"]["n"] < full_n and m["request"]["optimizer"] == "adam" for m in live)
    assert all(m["painted"] == [False, True, False] for m in live), [m["painted"] for m in live]
    assert all(m["figureSame"][0] and m["figureSame"][4] for m in live)  # the other lanes' (heatmaps: traces 0, 2, 4)
    assert all(m["figureSame"][2] or m["rested"] for m in live)
    # once it rests: lane 1's map at full resolution, the server's for the final lr; the others untouched; the live
    # layer empty
    final = last_whole(page, 1)
    state = page.evaluate("() => window.slopes.state()")
    assert final["params"] == state["optimizers"][1]["params"] and final["n"] == full_n
    after = page.evaluate(HEATMAPS)
    answer = page.request.post(f"{live_server}/api/basins", data=final)
    assert answer.ok
    assert after[1] == answer.json()["basin"] and after[1] != before[1]
    assert after[0] == before[0] and after[2] == before[2]
    assert page.evaluate(PAINTED, "plot-basins") == [False, False, False]
    assert not page.errors


def map_frames(page):
    """Every message the page sends on the map stream (parsed), in order."""
    sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(json.loads(payload))
                                          if ws.url.endswith("/api/maps/ws") else None))
    return sent


SWEEP_READY = "() => document.querySelectorAll('#plot-sweep .scatterlayer .trace').length >= 6"


def test_the_sweep_marker_follows_a_dragged_lr_without_asking_the_server(page, live_server):
    sent = map_frames(page)
    open_view(page, live_server, SWEEP, SWEEP_READY, "plot-sweep")
    curves = page.evaluate(CURVES)
    asked = len(sent)
    drag_until(page, page.get_by_role("slider", name="learning rate (lr)", exact=True).nth(1), 1, "lr", 4)
    live = live_maps(page)
    assert {m["lane"] for m in live} == {1}
    assert len({m["request"]["params"]["lr"] for m in live}) >= 4
    assert all(m["painted"] == [True] for m in live)  # the marker, on the live layer
    assert all(all(m["figureSame"]) or m["rested"] for m in live), [(m["figureSame"], m["rested"]) for m in live]
    wait_drawn(page)
    lr = page.evaluate("() => window.slopes.state()")["optimizers"][1]["params"]["lr"]
    figure = page.evaluate("() => document.getElementById('plot-sweep').data.map((t) => ({x: t.x, y: t.y, "
                           "mode: t.mode, symbol: t.marker?.symbol}))")
    markers = [t for t in figure if t["symbol"] == "diamond"]
    assert [t["x"] for t in markers] == [[0.001], [lr], [0.001]]
    assert [[t["x"], t["y"]] for t in figure if t["mode"] == "lines+markers"] == curves  # the sweeps kept
    assert not [m for m in sent[asked:] if m.get("kind") == "sweeps"]  # none asked for: lr is what they sweep
    assert page.evaluate(PAINTED, "plot-sweep") == [False]
    assert not page.errors


def test_a_dragged_momentum_redraws_its_lane_s_sweep_curve_live(page, live_server):
    open_view(page, live_server, SWEEP, SWEEP_READY, "plot-sweep")
    before = [y for _, y in page.evaluate(CURVES)]
    drag_until(page, page.get_by_role("slider", name="momentum μ (momentum)", exact=True), 2, "momentum", 3)
    live = live_maps(page)
    assert {m["lane"] for m in live} == {2}
    assert len({m["request"]["params"]["momentum"] for m in live}) >= 3
    assert all(m["painted"] == [True] for m in live)
    final = last_whole(page, 2)
    state = page.evaluate("() => window.slopes.state()")
    assert final["params"] == state["optimizers"][2]["params"]
    answer = page.request.post(f"{live_server}/api/sweeps", data=final).json()
    after = [y for _, y in page.evaluate(CURVES)]
    # Himmelblau's f* is 0: a curve shows each final loss (1e-16 at least, on its log axis)
    assert after[2] == [None if v is None else max(v, 1e-16) for v in answer["final_loss"]]
    assert after[:2] == before[:2] and after[2] != before[2]
    assert page.evaluate(PAINTED, "plot-sweep") == [False]
    assert not page.errors
