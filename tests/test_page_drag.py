"""A continuous drag of one lane's lr slider, as a lecturer does it: while it lasts, the page asks the stream for that
lane only and draws its path the quick way; once it rests, every lane on screen (paths, legend, charts) is the
server's run of the final state, point for point, at 1280x720 and 1920x1080."""
import json
from pathlib import Path

import numpy as np
import pytest
from browser import open_state

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent.parent / "test-artifacts"
LANES5 = [{"optimizer": o, "params": p} for o, p in (("gd", {"lr": 0.001}), ("momentum", {"lr": 0.001}),
                                                      ("rmsprop", {"lr": 0.01}), ("adam", {"lr": 0.05}),
                                                      ("nadam", {"lr": 0.02}))]
# a noisy gradient: each lane has its own random stream, which a request for one lane must keep
STATE = {"surface": "rosenbrock", "steps": 300, "gradient": {"mode": "analytic", "noise": 0.5, "seed": 3},
         "optimizers": LANES5}

DRAG = """([n, lane]) => {
    // one lane's lr slider dragged: an input event every 1/60 s, from lr 10^-2.6 up to 10^-1.2
    const slider = document.querySelector(`.lane[data-lane="${lane}"] input[type=range][data-param="lr"]`);
    window.__drag = { done: false };
    let k = 0;
    const step = () => {
        slider.value = -2.6 + (1.4 * k) / (n - 1);
        slider.dispatchEvent(new Event('input', { bubbles: true }));
        if (++k < n) setTimeout(step, 1000 / 60); else window.__drag.done = true;
    };
    step();
}"""

TRACES = """() => document.getElementById('plot-main').data.filter((t) => String(t.meta).startsWith('lane'))
    .map((t) => ({ x: Array.from(t.x), y: Array.from(t.y), name: t.name, opacity: t.opacity ?? 1 }))"""
# every request whose paths the page puts on screen (its slopes:frame events), in order
FRAMES = "() => { window.__frames = []; window.addEventListener('slopes:frame', (e) => window.__frames.push(e.detail)); }"


def paths(page):
    return [np.column_stack([t["x"], t["y"]]) for t in page.evaluate(TRACES)]


def sent_requests(page):
    """Every run request the page sends on its stream (parsed), in order."""
    sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(json.loads(payload))
                                          if ws.url.endswith("/api/runs/ws") else None))
    return sent


def server_runs(client_page, base, state):
    body = {"surface": state["surface"], "steps": state["steps"], "gradient": state["gradient"],
            "optimizers": [{"optimizer": o["optimizer"], "params": o["params"]} for o in state["optimizers"]]}
    res = client_page.request.post(f"{base}/api/runs", data=body)
    assert res.ok
    return res.json()["runs"]


def rested(page):
    """The drag has ended and the page has drawn everything after it: no live path, every trace shown."""
    page.wait_for_function("() => window.__drag.done")
    page.wait_for_function("""() => document.querySelectorAll('#view-overlay .live-paths path').length === 0
        && document.getElementById('plot-main').data.filter((t) => String(t.meta).startsWith('lane'))
            .every((t) => (t.opacity ?? 1) === 1)""", timeout=15000)


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["1280x720", "1920x1080"])
def test_a_drag_asks_for_the_dragged_lane_and_ends_with_every_lane_equal_to_the_server(browser, live_server, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sent = sent_requests(page)
    try:
        open_state(page, live_server, STATE)
        before = page.evaluate(TRACES)
        page.evaluate(FRAMES)
        assert "lanes" not in sent[0]  # the first run is the whole request
        n_before = len(sent)
        page.evaluate(DRAG, [60, 3])
        # mid-drag: the dragged lane is drawn in the overlay's live layer, its trace hidden; the others untouched
        live = page.wait_for_function("""() => { const paths = [...document.querySelectorAll('#view-overlay .live-paths path')]
            .map((p) => [p.dataset.lane, p.getAttribute('stroke'), p.getAttribute('d').length]);
            return paths.length ? paths : null; }""").json_value()  # (read in the wait: the drag may rest right after)
        assert [lane for lane, _, _ in live] == ["3"] and all(length > 20 for _, _, length in live)
        assert live[0][1] == page.evaluate("() => document.querySelectorAll('#legend span')[3].style.getPropertyValue('--lane')")
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"drag-mid-{size[0]}x{size[1]}.png"))
        rested(page)
        state = page.evaluate("() => window.slopes.state()")
        lr = state["optimizers"][3]["params"]["lr"]
        assert lr == pytest.approx(10 ** -1.2, rel=0.01)
        page.wait_for_function("(lr) => window.__frames.at(-1)?.optimizers[3].params.lr === lr", arg=lr)
        page.screenshot(path=str(SHOTS / f"drag-after-{size[0]}x{size[1]}.png"))
        # the drag's requests asked for lane 3 alone, the last of them for the final lr
        during = [m for m in sent[n_before:]]
        assert during and all(m.get("lanes") == [3] for m in during)
        assert during[-1]["optimizers"][3]["params"]["lr"] == lr
        # every lane on screen is the server's run of the final state (float32 paths: 1e-6), the trace and the lane alike
        exact = server_runs(page, live_server, state)
        traces = page.evaluate(TRACES)
        diverged = page.evaluate("() => [...document.querySelectorAll('#legend span')].map((s) => s.classList.contains('diverged'))")
        for i, run in enumerate(exact):
            assert np.allclose(np.column_stack([traces[i]["x"], traces[i]["y"]]), run["points"], rtol=1e-6, atol=1e-30), i
            assert diverged[i] == (run["status"] == "diverged")
            assert traces[i]["opacity"] == 1
        for i in (0, 1, 2, 4):
            assert traces[i] == before[i]  # the lanes nobody moved: the same path, never recomputed
        assert f"lr={lr}" in traces[3]["name"] and f"lr={lr}" in page.locator("#legend").inner_text()
        # the charts and the table follow once the drag rests: the lr chart's lane 3 is the final lr
        page.wait_for_function("(lr) => document.getElementById('plot-lr').data[3].y[0] === lr", arg=lr)
        assert errors == []
    finally:
        context.close()


def test_after_a_drag_a_change_to_every_lane_asks_for_every_lane(page, live_server):
    sent = sent_requests(page)
    open_state(page, live_server, STATE)
    page.evaluate(DRAG, [20, 1])
    rested(page)
    n = len(sent)
    assert all(m.get("lanes") == [1] for m in sent[1:n])
    state = page.evaluate("() => window.slopes.update({steps: 250})")
    # one request for every lane (before it, on a loaded machine, the report of the drag's last frame may come late)
    after = sent[n:]
    assert [("lanes" in m) for m in after][-1:] == [False], after
    assert all(m.get("lanes") == [1] for m in after[:-1]), after
    exact = server_runs(page, live_server, state)
    lanes = paths(page)
    assert [len(p) for p in lanes] == [len(r["points"]) for r in exact]
    assert len(lanes[0]) == 251 and exact[1]["status"] == "diverged"  # momentum at lr 0.063 leaves Rosenbrock at once
    for points, run in zip(lanes, exact):
        assert np.allclose(points, run["points"], rtol=1e-6, atol=1e-30)
    # two lanes changed by one script patch: those two are asked for
    state["optimizers"][0]["params"]["lr"] = 0.002
    state["optimizers"][4]["params"]["lr"] = 0.03
    m = len(sent)
    state = page.evaluate("(o) => window.slopes.update({optimizers: o})", state["optimizers"])
    assert [msg.get("lanes") for msg in sent[m:]] == [[0, 4]]
    exact = server_runs(page, live_server, state)
    lanes = paths(page)
    for points, run in zip(lanes, exact):
        assert np.allclose(points, run["points"], rtol=1e-6, atol=1e-30)
    assert page.errors == []


def test_a_drag_with_the_cloud_on_asks_for_the_lane_and_its_seeds_and_ends_equal_to_the_server(page, live_server):
    """With the cloud on, a stochastic lane has faint copies (other seeds) in the request: dragging it asks for the
    lane and its copies, and every path on screen, copies included, is the server's run of the final request."""
    sent = sent_requests(page)
    open_state(page, live_server, {**STATE, "optimizers": LANES5[:3], "view": {"cloud": True}})
    n_runs = len(sent[0]["optimizers"])
    assert n_runs > 3  # the copies of each noisy lane follow the lanes
    copies = [i for i, o in enumerate(sent[0]["optimizers"]) if o.get("label") == "cloud:1"]
    page.evaluate(FRAMES)
    page.evaluate(DRAG, [20, 1])
    # mid-drag: the lane and its copies are drawn live
    # (read in the wait itself: on a loaded machine the drag may rest, and its live paths go, right after)
    live = page.wait_for_function("() => { const lanes = [...document.querySelectorAll('#view-overlay .live-paths path')]"
                                  ".map((p) => p.dataset.lane); return lanes.length > 1 ? lanes : null; }").json_value()
    assert "1" in live and all(k == "1" or k.startswith("cloud") for k in live)
    rested(page)
    during = sent[1:]
    assert during and all(m.get("lanes") == [1, *copies] for m in during)
    page.wait_for_function("() => { const s = window.slopes.state(); const k = window.__frames.at(-1);"
                           " return k && k.optimizers[1].params.lr === s.optimizers[1].params.lr; }")
    request = page.evaluate("() => window.__frames.at(-1)")
    exact = page.request.post(f"{live_server}/api/runs", data=request).json()["runs"]
    # the copies' traces are Plotly's again, faint as before the drag, holding the copies' paths
    faint = page.evaluate("""() => document.getElementById('plot-main').data.filter((t) => t.opacity === 0.3)
        .map((t) => [Array.from(t.x), Array.from(t.y)])""")
    shown = paths(page) + [np.column_stack(xy) for xy in faint]
    assert len(shown) == len(exact) == n_runs
    for points, run in zip(shown, exact):
        assert np.allclose(points, run["points"], rtol=1e-6, atol=1e-30)
    assert page.errors == []
