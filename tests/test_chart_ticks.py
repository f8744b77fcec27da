"""The loss and lr charts under the plot are short: their y tick labels (10⁻², 0.04) must not run into each
other at 1280x720 or 1920x1080, on a loss that spans many decades."""
import pytest
from browser import open_state

pytestmark = pytest.mark.browser
STATE = {"surface": "rosenbrock", "start": [-1.2, 1.0], "steps": 500,
         "optimizers": [{"optimizer": "gd", "params": {"lr": 0.001}},
                        {"optimizer": "momentum", "params": {"lr": 0.001, "momentum": 0.9}},
                        {"optimizer": "adam", "params": {"lr": 0.05}}]}


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_chart_tick_labels_do_not_collide(page, live_server, size):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_state(page, live_server, STATE)
    page.wait_for_function("() => document.querySelectorAll('#plot-loss .ytick text').length > 0", timeout=30000)
    for chart in ("#plot-loss", "#plot-lr"):
        boxes = page.evaluate("(c) => [...document.querySelectorAll(c + ' .ytick text')]"
                              ".map((t) => t.getBoundingClientRect()).filter((r) => r.height > 0)"
                              ".map((r) => [r.top, r.bottom]).sort((a, b) => a[0] - b[0])", chart)
        assert len(boxes) >= 2, (chart, boxes)
        for (_, bottom), (top, _) in zip(boxes, boxes[1:]):
            assert top >= bottom - 1, (chart, size, boxes)
