"""The notebook API: run(**request) in-process, the same answer as POST /api/runs, a figure of those paths."""
from __future__ import annotations

import base64
import html
import json
import socket

import numpy as np
import plotly.graph_objects as go
import pytest

from app.notebook import InputError, run

REQUEST = {"surface": "rosenbrock", "start": [-1.2, 1.0], "steps": 150,
           "gradient": {"mode": "analytic", "noise": 0.0, "seed": 0},
           "optimizers": [{"optimizer": "adam", "params": {"lr": 0.05}, "schedule": {"type": "exponential", "gamma": 0.99},
                           "switch": {"at_step": 100, "optimizer": "gd", "params": {"lr": 0.001}}},
                          {"optimizer": "momentum", "params": {"lr": 0.001, "momentum": 0.9}, "label": "<b>heavy</b> ball"},
                          {"optimizer": "gd", "params": {"lr": 0.02}}]}  # diverges on Rosenbrock


@pytest.fixture()
def no_network(monkeypatch):
    """Any socket opened while computing fails the test: the notebook API needs no server."""
    def refuse(*args, **kwargs):
        raise AssertionError("the notebook API opened a socket")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_runs_equal_the_api_answer_and_the_figure_draws_them(client, no_network):
    result = run(**json.loads(json.dumps(REQUEST)))
    api = client.post("/api/runs", json=REQUEST).json()
    assert result.runs == api["runs"]
    assert [r["status"] for r in result.runs] == ["ok", "ok", "diverged"]
    fig = result.figure()
    assert isinstance(fig, go.Figure)
    assert fig.data[0].type == "contour" and len(fig.data[0].x) == len(fig.data[0].z[0])
    paths = [t for t in fig.data if (t.meta or {}).get("role") == "path"]
    assert len(paths) == 3
    for trace, api_run in zip(paths, api["runs"]):
        assert list(trace.x) == [p[0] for p in api_run["points"]]
        assert list(trace.y) == [p[1] for p in api_run["points"]]
        assert html.unescape(trace.name).startswith(api_run["label"])  # escaped: Plotly shows it as text
    minima = [t for t in fig.data if (t.meta or {}).get("role") == "minima"]
    assert [list(minima[0].x), list(minima[0].y)] == [[1.0], [1.0]]
    assert "diverged" in paths[2].name


def test_jupyter_shows_it_inline(no_network):
    result = run(surface="himmelblau", steps=20, optimizers=[{"optimizer": "adam", "params": {"lr": 0.1}}])
    bundle = result._repr_mimebundle_()
    assert "application/vnd.plotly.v1+json" in bundle or "text/html" in bundle
    spec = bundle.get("application/vnd.plotly.v1+json")
    if spec is not None:
        assert any(t.get("type") == "contour" for t in spec["data"])
    assert "Adam" in repr(result) and "20 steps" in repr(result)


def test_state_and_embed_url_round_trip(no_network):
    result = run(**REQUEST, view={"caption": "Adam then GD", "theme": "light"})
    state = result.state()
    assert state["surface"] == "rosenbrock" and state["view"]["caption"] == "Adam then GD"
    assert state["optimizers"][0]["switch"]["at_step"] == 100
    state["steps"] = 1  # a copy: the result does not change
    assert result.state()["steps"] == 150
    url = result.embed_url("http://lecture.example:8000/", caption="빠른 수렴", interactive=1)
    assert url.startswith("http://lecture.example:8000/embed?state=")
    from urllib.parse import parse_qs, urlparse

    query = parse_qs(urlparse(url).query)
    assert query["autoplay"] == ["1"] and query["interactive"] == ["1"] and query["caption"] == ["빠른 수렴"]
    encoded = query["state"][0]
    assert json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))) == result.state()


def test_embed_url_state_is_what_the_server_reads(client):
    result = run(surface="ravine", steps=30, optimizers=[{"optimizer": "gd", "params": {"lr": 0.1}}],
                 view={"caption": "ravine"})
    html = client.get("/export.html", params={"state": result.encoded_state()})
    assert html.status_code == 200 and "ravine" in html.text


def test_to_html_is_the_offline_export(tmp_path, no_network):
    result = run(surface="ravine", steps=40, optimizers=[{"optimizer": "momentum", "params": {"lr": 0.05}}],
                 view={"caption": "</script><script>alert(1)</script>"})
    path = result.to_html(tmp_path / "figure.html")
    html = path.read_text()
    assert "Plotly" in html and "http://" not in html.split("<script>")[0]
    assert "<script>alert(1)</script>" not in html  # the caption is data, never markup
    data = html.split('<script id="slopes-data" type="application/json">')[1].split("</script>")[0]
    assert json.loads(data.replace("<\\/", "</"))["runs"]["runs"][0]["points"] == result.runs[0]["points"]


@pytest.mark.parametrize("request_, field", [
    ({"surface": "nowhere", "optimizers": [{"optimizer": "adam"}]}, "surface"),
    ({"optimizers": [{"optimizer": "adam", "params": {"lr": -1}}]}, "optimizers.0.params.lr"),
    ({"optimizers": [{"optimizer": "adam", "params": {"lr": "fast"}}]}, "optimizers.0.params.lr"),
    ({"optimizers": [{"optimizer": "sgdd"}]}, "optimizers.0.optimizer"),
    ({"steps": -5, "optimizers": [{"optimizer": "gd"}]}, "steps"),
    ({"steps": "many", "optimizers": [{"optimizer": "gd"}]}, "steps"),
    ({"start": [float("nan"), 0], "optimizers": [{"optimizer": "gd"}]}, "start.0"),
    ({"start": [1, 2, 3], "optimizers": [{"optimizer": "gd"}]}, "start"),
    ({"optimizers": []}, "optimizers"),
    ({"surface": "custom", "formula": "x +* y", "optimizers": [{"optimizer": "gd"}]}, "formula"),
    ({"surface": "custom", "formula": "__import__('os')", "optimizers": [{"optimizer": "gd"}]}, "formula"),
    ({"optimizers": [{"optimizer": "gd", "schedule": {"type": "step", "gamma": 2, "step_size": 0}}]},
     "optimizers.0.schedule"),
    ({"optimizers": [{"optimizer": "gd"}], "colour": "red"}, "colour"),
    ({"optimizers": [{"optimizer": "gd"}], "view": "dark"}, "view"),
    ({"optimizers": [{"optimizer": "gd"}], "view": {"colors": ["red"]}}, "view.colors.0"),  # the keyword's name
    ({"optimizers": [{"optimizer": "gd", "params": {"lr": np.float64("nan")}}]}, "optimizers.0.params.lr"),
    ({"steps": np.int64(-3), "optimizers": [{"optimizer": "gd"}]}, "steps"),
])
def test_bad_input_names_the_field(client, request_, field):
    with pytest.raises(InputError) as info:
        run(**request_)
    assert info.value.field == field or info.value.field.startswith(field + "."), info.value.field
    assert not info.value.field.startswith("state"), "the notebook's keyword is view, not state.view"
    assert str(info.value).startswith(info.value.field + ": ")
    assert isinstance(info.value, ValueError)
    body = {k: v for k, v in request_.items() if k != "view"}
    if "view" not in request_ and "nan" not in json.dumps(request_, default=str).lower() and \
            "np." not in repr(request_):  # (numpy numbers: json cannot post them)
        answer = client.post("/api/runs", json=body)
        assert answer.status_code == 422  # the API refuses the same request
        locs = [".".join(map(str, d["loc"][1:])) for d in answer.json()["detail"]]
        assert info.value.field in locs


def test_numpy_numbers_and_arrays_are_taken_as_their_values(client, no_network):
    """A notebook computes steps, starts and lrs with numpy: np.int64(60) is 60 steps, as the JSON 60 is."""
    lrs = np.geomspace(1e-3, 1e-1, 3)
    result = run(surface="himmelblau", start=np.array([0.5, -1.0]), steps=np.int64(60),
                 optimizers=[{"optimizer": "gd", "params": {"lr": lr}} for lr in lrs],
                 view={"colors": ("#112233", "#445566", "#778899"), "equal": np.bool_(True)})
    body = {"surface": "himmelblau", "start": [0.5, -1.0], "steps": 60,
            "optimizers": [{"optimizer": "gd", "params": {"lr": float(lr)}} for lr in lrs]}
    assert result.runs == client.post("/api/runs", json=body).json()["runs"]
    assert result.state()["steps"] == 60 and result.state()["view"]["colors"][0] == "#112233"
    json.dumps(result.state())  # plain JSON: the ?state= it encodes reads back
    assert [t.line.color for t in result.figure().data if (t.meta or {}).get("role") == "path"] == \
        ["#112233", "#445566", "#778899"]


HOSTILE = ["<a href='https://evil.example'>click me</a>", "<b>bold</b> %{x} %{meta.lane}", "학습률 <br> 0.1"]


def test_labels_and_caption_show_as_typed_in_the_figure(browser, tmp_path, no_network):
    """Drawn in a browser (as Jupyter draws it), a label or caption with Plotly's pseudo-HTML or a %{...}
    template stays the text typed: no link, no bold, nothing swallowed."""
    result = run(surface="himmelblau", steps=20, view={"caption": "<a href='https://evil.example'>see</a> 100%{y}"},
                 optimizers=[{"optimizer": "adam", "params": {"lr": 0.1 * (i + 1)}, "label": label}
                             for i, label in enumerate(HOSTILE)])
    path = tmp_path / "figure.html"
    result.figure().write_html(path, include_plotlyjs=True)
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(path.as_uri())
        legend = page.locator(".legendtext")
        legend.first.wait_for()
        assert legend.all_text_contents()[:3] == HOSTILE
        assert page.locator(".gtitle").text_content() == "<a href='https://evil.example'>see</a> 100%{y}"
        assert page.locator("svg a").count() == 0 and page.locator("svg tspan[style*=bold]").count() == 0
    finally:
        page.close()
