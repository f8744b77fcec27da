"""Every bad input is a 4xx naming its field, on HTTP and on the WebSocket alike (issue 14, items 1 and 3)."""
import base64
import json

import pytest

RUN = {"surface": "quadratic", "steps": 5, "optimizers": [{"optimizer": "gd"}]}
SWEEP = {"surface": "ravine", "steps": 5, "x": {"param": "lr", "min": 0.001, "max": 0.01, "n": 3}}
BASINS = {"surface": "himmelblau", "steps": 5, "n": 4}
S = "\udc00"  # a lone surrogate: valid JSON (as an escape), not valid Unicode text


def raw_post(client, url, body):
    """json.dumps writes a lone surrogate as the escape \\udc00, as a hostile client would."""
    return client.post(url, content=json.dumps(body), headers={"content-type": "application/json"})


def where(r) -> str:
    return json.dumps(r.json()["detail"])


@pytest.mark.parametrize("url,body,field", [
    ("/api/runs", {**RUN, "optimizers": [{"optimizer": "gd", "label": "a" + S}]}, "label"),
    ("/api/runs", {**RUN, "optimizers": [{"optimizer": "gd", "params": {S: 1}}]}, "params"),
    ("/api/runs", {**RUN, "optimizers": [{"optimizer": "gd", "schedule": {"type": "step", S: 1}}]}, "schedule"),
    ("/api/runs", {**RUN, "surface": "custom", "formula": "x + " + S}, "formula"),
    ("/api/runs", {**RUN, "surface": S}, "surface"),
    ("/api/runs", {**RUN, "optimizers": [{"optimizer": S}]}, "optimizer"),
    ("/api/runs", {**RUN, "optimizers": [{"optimizer": "gd", "switch": {"at_step": 2, "optimizer": S}}]}, "switch"),
    ("/api/runs", {**RUN, "steps": True}, "steps"),
    ("/api/runs", {**RUN, "gradient": {"seed": True}}, "seed"),
    ("/api/runs", {**RUN, "start": [True, 0]}, "start"),
    ("/api/runs", {**RUN, "surface": "custom", "formula": "1/x", "start": [0, 0]}, "start"),
    ("/api/runs", {**RUN, "surface": "custom", "formula": "log(x)", "start": [-1, 0]}, "start"),
    ("/api/sweeps", {**SWEEP, "start": []}, "start"),
    ("/api/sweeps", {**SWEEP, "start": [1e300, 0]}, "start"),
    ("/api/sweeps", {**SWEEP, "surface": "custom", "formula": "1/x", "start": [0, 0]}, "start"),
    ("/api/sweeps", {**SWEEP, "steps": True}, "steps"),
    ("/api/sweeps", {**SWEEP, "x": {"param": S, "min": 0.001, "max": 0.01}}, "param"),
    ("/api/basins", {**BASINS, "n": True}, "n"),
    ("/api/basins", {**BASINS, "params": {S: 1}}, "params"),
    ("/api/basins", {**BASINS, "surface": "custom", "formula": S}, "formula"),
])
def test_bad_input_is_a_422_naming_the_field(client, url, body, field):
    r = raw_post(client, url, body)
    assert r.status_code == 422, r.text
    assert field in where(r), r.text
    json.loads(r.text)  # valid JSON, UTF-8 (the surrogate itself is never written back raw)


def test_a_surrogate_in_a_value_the_schema_leaves_open_is_still_a_4xx(client):
    r = raw_post(client, "/api/runs", {**RUN, "optimizers": [{"optimizer": "lbfgs", "params": {"line_search_fn": S}}]})
    assert r.status_code == 422, r.text


def test_limits_hold_after_defaults_are_filled_in(client):
    from app.settings import settings

    r = client.get("/api/limits").json()
    assert r["max_steps"] == settings.max_steps and r["max_optimizers"] == settings.max_optimizers
    assert r["max_label"] == settings.max_label and r["max_state"] == settings.max_state


def state(obj) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


@pytest.mark.parametrize("view,field", [
    (5, "view"), ([1], "view"), ("x", "view"), ({"colors": 5}, "colors"), ({"colors": ["red"]}, "colors"),
    ({"colors": ['"><meta http-equiv="refresh" content="0;url=//evil.example">']}, "colors"),
    ({"colors": ["#12345g"]}, "colors"), ({"lang": "<b>"}, "lang"), ({"theme": "neon"}, "theme"),
    ({"mode": "<style>"}, "mode"), ({"step": -1}, "step"), ({"arrows": "yes"}, "arrows"),
    ({"caption": "a" + S}, "caption"), ({"lesson": "x y"}, "lesson"), ({"nested": {"a": 1}}, "nested"),
    ({"future": "<script>"}, "future"), ({"<x>": 1}, "view"), ({"zoom": {"x": [0, 1]}}, "zoom"),
    ({"zoom": {"x": [0, 1], "y": [0, "1"], "z": 1}}, "zoom"), ({"equal": "yes"}, "equal"),
])
@pytest.mark.parametrize("url", ["/export.html", "/export.csv", "/embed", "/"])
def test_a_malformed_view_is_a_422_naming_the_field(client, url, view, field):
    r = client.get(url, params={"state": state({**RUN, "view": view})})
    assert r.status_code == 422, (url, view, r.text[:300])
    assert "view" in where(r) and field in where(r), r.text


def test_a_view_the_page_writes_is_accepted_with_room_for_new_scalar_options(client):
    view = {"mode": "overlay", "arrows": False, "step": None, "theme": None, "lang": "ko", "colors": ["#0072B2", None],
            "sweep": "lr", "cloud": True, "tuned": False, "lesson": "ravine_momentum", "caption": "경사 하강 <3",
            "zoom": {"x": [-1.5, 2], "y": [-0.5, 3]}, "equal": True, "markers": "all", "inspector": True,
            "palette": "okabe-ito"}
    for url in ("/export.html", "/embed", "/"):
        assert client.get(url, params={"state": state({**RUN, "view": view})}).status_code == 200, url


@pytest.mark.parametrize("depth", [40, 10_000])
def test_deep_state_is_a_422_not_a_500(client, depth):
    deep = {**RUN, "view": {"x": 1}}
    text = json.dumps(deep)[:-1] + ', "extra": ' + "[" * depth + "]" * depth + "}"
    r = client.get("/export.html", params={"state": base64.urlsafe_b64encode(text.encode()).decode()})
    assert r.status_code == 422 and "state" in where(r), r.text[:300]


def test_state_with_nan_or_bad_utf8_is_a_422(client):
    for raw in (b'{"steps": NaN}', b'{"x": "\xff"}', b'{"x": "\\udc00"}', b"[1]"):
        r = client.get("/export.html", params={"state": base64.urlsafe_b64encode(raw).decode()})
        assert r.status_code == 422 and "state" in where(r), (raw, r.text)


def test_export_html_survives_a_label_that_opens_a_comment_and_a_script(client):
    label = '<!--<script>alert(1)</script></script><b>&amp;'
    r = client.get("/export.html", params={"state": state({**RUN, "optimizers": [{"optimizer": "gd", "label": label}]})})
    assert r.status_code == 200
    page = r.text
    start = page.index('<script id="slopes-data" type="application/json">') + len('<script id="slopes-data" type="application/json">')
    body = page[start:page.index("</script>", start)]
    assert "<" not in body and ">" not in body and "&" not in body  # nothing the HTML parser could read
    data = json.loads(body)
    assert data["runs"]["runs"][0]["label"] == label  # data as it is: the player escapes it for Plotly
    assert label not in page and "<!--<script>" not in page  # nowhere raw (the title is the surface's name)


@pytest.mark.parametrize("label", ["=HYPERLINK(\"http://evil.example\",\"x\")", "@SUM(A1)", "+1+1", "-2+3",
                                   "\tcmd", "\rcmd", "=1+1"])
def test_csv_cells_that_look_like_formulas_are_neutralised(client, label):
    import csv
    import io

    r = client.get("/export.csv", params={"state": state({**RUN, "optimizers": [{"optimizer": "gd", "label": label}]})})
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[1][2] == "'" + label  # OWASP: a leading apostrophe makes it text
    assert float(rows[1][4]) == float(rows[1][4])  # numbers stay numbers (negative ones too)


def test_cli_export_refuses_a_bad_state_with_a_message(tmp_path):
    from app.cli import main

    (tmp_path / "s.json").write_text(json.dumps({**RUN, "view": {"colors": ["red"]}}))
    assert main(["export", str(tmp_path / "s.json"), "-o", str(tmp_path / "o.html")]) == 2
    (tmp_path / "d.json").write_text("[" * 5000 + "]" * 5000)
    assert main(["export", str(tmp_path / "d.json"), "-o", str(tmp_path / "o.html")]) == 2


def test_the_notebook_service_refuses_like_the_api():
    from app.services import Refused, run_request

    with pytest.raises(Refused) as e:
        run_request({**RUN, "optimizers": [{"optimizer": "adam", "params": {"lr": -1}}]})
    assert e.value.loc == ["optimizers", 0, "params", "lr"]
    with pytest.raises(Refused) as e:
        run_request({**RUN, "steps": True})
    assert e.value.loc == ["steps"]
    body = run_request(RUN)
    assert body["runs"][0]["points"].shape == (6, 2)


# --- the WebSocket: an error frame for anything it cannot use, and the socket stays open -----------------
def _still_open(ws):
    ws.send_text(json.dumps({**RUN, "id": "after"}))
    frames = []
    while True:
        f = ws.receive_json()
        frames.append(f)
        if f["type"] in ("end", "error"):
            break
    assert frames[0]["type"] == "start" and frames[-1]["type"] == "end" and frames[-1]["id"] == "after"


def _send_raw(ws, text):
    ws.send({"type": "websocket.receive", "text": text})


BAD_MESSAGES = {
    "deep": "[" * 10_000 + "]" * 10_000,
    "deep object": '{"a":' * 5000 + "1" + "}" * 5000,
    "deep but parseable": json.dumps({**RUN, "x": json.loads("[" * 100 + "]" * 100)}),
    "surrogate label": json.dumps({**RUN, "optimizers": [{"optimizer": "gd", "label": S}]}),
    "surrogate key": json.dumps({**RUN, "optimizers": [{"optimizer": "gd", "params": {S: 1}}]}),
    "surrogate id": json.dumps({**RUN, "id": S}),
    "deep id": json.dumps({**RUN})[:-1] + ', "id": ' + "[" * 900 + "]" * 900 + "}",
    "long number id": json.dumps(RUN)[:-1] + ', "id": ' + "9" * 4000 + "}",
    "huge string id": json.dumps({**RUN, "id": "x" * 250_000}),
    "not an object": "[1, 2]",
    "NaN": '{"steps": NaN}',
    "empty": "",
    "steps true": json.dumps({**RUN, "steps": True}),
}


@pytest.mark.parametrize("name", list(BAD_MESSAGES))
def test_the_socket_answers_what_it_cannot_use_and_stays_open(client, name):
    with client.websocket_connect("/api/runs/ws") as ws:
        _send_raw(ws, BAD_MESSAGES[name])
        f = ws.receive_json()
        assert f["type"] == "error" and f["detail"], f
        assert len(json.dumps(f)) < 5000  # nothing huge echoed back
        _still_open(ws)


def test_the_socket_answers_a_binary_frame_and_stays_open(client):
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_bytes(json.dumps(RUN).encode())
        f = ws.receive_json()
        assert f["type"] == "error" and "binary" in f["detail"][0]["msg"]
        _still_open(ws)


def test_the_message_limit_counts_bytes(client):
    from app.settings import settings

    label = "한" * (settings.max_ws_message // 3 + 10)  # fewer characters than the limit, more bytes
    assert len(label) < settings.max_ws_message < len(label.encode())
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_text(json.dumps({**RUN, "optimizers": [{"optimizer": "gd", "label": label}]}, ensure_ascii=False))
        f = ws.receive_json()
        assert f["type"] == "error" and "bytes" in f["detail"][0]["msg"]
        _still_open(ws)


def test_socket_errors_name_the_field_as_the_post_does(client):
    body = {**RUN, "optimizers": [{"optimizer": "adam", "params": {"lr": -1}}]}
    post = raw_post(client, "/api/runs", body).json()["detail"]
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_text(json.dumps({**body, "id": 3}))
        f = ws.receive_json()
    assert f["type"] == "error" and f["id"] == 3 and f["detail"][0]["loc"] == post[0]["loc"]


def test_basins_socket_answers_bad_messages_and_stays_open(client):
    with client.websocket_connect("/api/basins/ws") as ws:
        for bad in (BAD_MESSAGES["deep"], json.dumps({**BASINS, "n": True}), json.dumps({**BASINS, "id": "x" * 9999})):
            _send_raw(ws, bad)
            assert ws.receive_json()["type"] == "error"
        ws.send_bytes(b"\x00\x01")
        assert ws.receive_json()["type"] == "error"
        ws.send_text(json.dumps({**BASINS, "id": 1}))
        while (f := ws.receive_json())["type"] == "progress":
            pass
        assert f["type"] == "result" and f["id"] == 1 and len(f["basin"]) == 4
