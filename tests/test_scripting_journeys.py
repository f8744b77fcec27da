"""An ML engineer scripting Slopes from Python, as README.md and docs/ show: POST, the WebSocket, the CLI, the notebook.

Each test walks one path end to end against a real server (or the real command) with what a script really
sends: Python's ``json.dumps`` writes ``NaN`` for ``float("nan")``, numpy hands out ``np.int64``, a label comes
from a spreadsheet.
"""
import json
import math
import subprocess
import sys

import httpx
import pytest
from websockets.sync.client import connect

ADAM = {"optimizer": "adam", "params": {"lr": 0.05}}


def ws_url(live_server: str) -> str:
    return live_server.replace("http://", "ws://") + "/api/runs/ws"


def frames_until_end(ws) -> list[dict]:
    frames = []
    while True:
        frames.append(json.loads(ws.recv(timeout=60)))
        if frames[-1]["type"] in ("end", "error"):
            return frames


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_nan_from_json_dumps_is_named_at_its_field_on_the_socket_as_on_post(live_server, bad):
    """docs/limits.md: every refusal is "the same on a WebSocket (an error frame whose loc is the POST's)"."""
    request = {"surface": "rosenbrock", "steps": 20, "optimizers": [ADAM, {"optimizer": "gd", "params": {"lr": bad}}]}
    text = json.dumps(request)  # Python writes NaN / Infinity / -Infinity tokens
    assert "NaN" in text or "Infinity" in text
    posted = httpx.post(live_server + "/api/runs", content=text, headers={"content-type": "application/json"})
    assert posted.status_code == 422
    post_loc = posted.json()["detail"][0]["loc"]
    assert post_loc == ["body", "optimizers", 1, "params", "lr"]

    with connect(ws_url(live_server)) as ws:
        ws.send(json.dumps({"id": "run-7", **request}))
        (error,) = frames_until_end(ws)
        assert error["type"] == "error"
        assert error["id"] == "run-7"  # the script can tell which of its requests was refused
        assert error["detail"][0]["loc"] == post_loc
        # the socket stays open and serves the corrected request
        request["optimizers"][1]["params"]["lr"] = 0.001
        ws.send(json.dumps({"id": "run-8", **request}))
        frames = frames_until_end(ws)
        assert [f["type"] for f in frames][0] == "start" and frames[-1]["type"] == "end"
        assert {f["id"] for f in frames} == {"run-8"}


def test_a_nan_in_a_basin_socket_message_is_named_with_its_id(live_server):
    with connect(live_server.replace("http://", "ws://") + "/api/basins/ws") as ws:
        ws.send(json.dumps({"id": 3, "surface": "himmelblau", "optimizer": "gd", "n": 4, "steps": 5,
                            "params": {"lr": math.nan}}))
        error = json.loads(ws.recv(timeout=60))
        assert error == {"type": "error", "id": 3, "detail": [
            {"loc": ["body", "params", "lr"], "msg": error["detail"][0]["msg"], "type": "finite_number"}]}


@pytest.mark.process
def test_a_state_file_written_with_a_nan_names_the_field(tmp_path):
    """``slopes export``: a state saved by ``json.dump`` with a NaN lr is refused at that lr, not as 'not JSON'."""
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"steps": 10, "optimizers": [{"optimizer": "gd", "params": {"lr": math.nan}}]}))
    out = subprocess.run([sys.executable, "-m", "app.cli", "export", str(state), "-o", str(tmp_path / "f.html")],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert "state.optimizers.0.params.lr" in out.stderr
    assert not (tmp_path / "f.html").exists()


def test_a_sweep_over_one_parameter_on_both_axes_is_refused_at_y(live_server):
    """Both axes on lr answered 200 with a grid where y overwrote x (every row constant): a wrong picture."""
    body = {"surface": "ravine", "optimizer": "adam", "steps": 20,
            "x": {"param": "lr", "min": 0.01, "max": 0.1, "n": 3}, "y": {"param": "lr", "min": 0.01, "max": 0.1, "n": 3}}
    r = httpx.post(live_server + "/api/sweeps", json=body, timeout=60)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "y", "param"]
    body["y"] = {"param": "betas[0]", "min": 0.5, "max": 0.9, "n": 2, "scale": "linear"}
    r = httpx.post(live_server + "/api/sweeps", json=body, timeout=60)
    assert r.status_code == 200 and [a["param"] for a in r.json()["axes"]] == ["lr", "betas[0]"]
    rows = r.json()["final_loss"]
    assert rows[0] != rows[1]  # y really varies betas[0]


@pytest.mark.process
def test_a_csv_with_korean_labels_opens_in_excel_as_utf8(live_server, tmp_path):
    """The CSV download and ``slopes export out.csv`` start with a BOM: without it Excel reads UTF-8 in the
    system's code page (CP949 on a Korean Windows) and "학습률" comes out garbled. pandas, csv with utf-8-sig
    and spreadsheets read it as it is."""
    import base64
    import csv
    import io

    state = {"surface": "himmelblau", "steps": 5,
             "optimizers": [{"optimizer": "adam", "params": {"lr": 0.1}, "label": "아담 학습률 0.1"},
                            {"optimizer": "gd", "label": '=HYPERLINK("http://evil.example","x")'}]}
    encoded = base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")
    r = httpx.get(live_server + "/export.csv", params={"state": encoded}, timeout=60)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv; charset=utf-8")
    assert r.content.startswith(b"\xef\xbb\xbflane,optimizer,label")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["lane", "optimizer", "label"]
    assert {row[2] for row in rows[1:]} == {"아담 학습률 0.1", '\'=HYPERLINK("http://evil.example","x")'}
    (tmp_path / "state.json").write_text(json.dumps(state), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "app.cli", "export", str(tmp_path / "state.json"), "-o",
                          str(tmp_path / "out.csv")], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "out.csv").read_bytes() == r.content  # the same file from the command


def slopes_export(state_file, out):
    return subprocess.run([sys.executable, "-m", "app.cli", "export", str(state_file), "-o", str(out)],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.process
def test_a_state_file_saved_by_windows_notepad_exports(tmp_path):
    """Notepad saves UTF-8 with a BOM: json.loads refused it ('Unexpected UTF-8 BOM'); a CP949 file is named as
    not UTF-8, with the file's name, instead of a bare codec error."""
    state = {"steps": 5, "optimizers": [{"optimizer": "gd", "label": "경사 하강"}], "view": {"lang": "ko"}}
    notepad = tmp_path / "notepad.json"
    notepad.write_bytes(json.dumps(state, ensure_ascii=False).encode("utf-8-sig"))
    out = slopes_export(notepad, tmp_path / "f.csv")
    assert out.returncode == 0, out.stderr
    assert "경사 하강" in (tmp_path / "f.csv").read_text(encoding="utf-8-sig")
    legacy = tmp_path / "legacy.json"
    legacy.write_bytes(json.dumps(state, ensure_ascii=False).encode("cp949"))
    out = slopes_export(legacy, tmp_path / "g.html")
    assert out.returncode == 2
    assert str(legacy) in out.stderr and "not UTF-8" in out.stderr
    assert not (tmp_path / "g.html").exists()


@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded", "text/plain"])
def test_curl_without_the_json_header_is_told_to_send_it(live_server, content_type):
    """``curl -d '{...}'`` (no -H) sends form encoding: the 422 said only 'Input should be a valid dictionary'."""
    headers = {"content-type": content_type} if content_type else {}
    r = httpx.post(live_server + "/api/runs", content=b'{"steps": 2, "optimizers": [{"optimizer": "gd"}]}',
                   headers=headers, timeout=60)
    assert r.status_code == 422
    (item,) = r.json()["detail"]
    assert item["loc"] == ["body"] and "content-type: application/json" in item["msg"]
    r = httpx.post(live_server + "/api/runs", json={"steps": 2, "optimizers": [{"optimizer": "gd"}]}, timeout=60)
    assert r.status_code == 200


@pytest.mark.process
@pytest.mark.parametrize("option, said", [(["--port", "70000"], "--port: port must be in 1..65535"),
                                          (["--port", "0"], "--port: port must be in 1..65535"),
                                          (["--workers", "0"], "--workers: workers must be in 1..512"),
                                          (["--port", "eighty"], "--port: port must be a whole number")])
def test_slopes_serve_refuses_a_port_or_worker_count_it_cannot_use(option, said):
    """``slopes serve --port 70000`` started and said 'running on http://127.0.0.1:70000'."""
    out = subprocess.run([sys.executable, "-m", "app.cli", "serve", *option], capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 2 and said in out.stderr and "Uvicorn running" not in out.stderr


def test_an_uptime_monitor_asking_with_head_sees_the_server_up(live_server):
    r = httpx.head(live_server + "/healthz", timeout=30)
    assert r.status_code == 200 and r.content == b""
    assert httpx.get(live_server + "/healthz", timeout=30).json() == {"status": "ok"}


@pytest.mark.process
def test_slopes_export_takes_the_address_the_page_copied(live_server, tmp_path):
    """A lecturer's *Copy link* (the whole address, or its state= value) exports without decoding it by hand:
    the file is the one the server's /export.csv gives for that address."""
    import base64

    state = {"surface": "ravine", "steps": 12, "optimizers": [{"optimizer": "momentum", "label": "모멘텀"}],
             "view": {"lang": "ko", "caption": "골짜기"}}
    encoded = base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")
    served = httpx.get(live_server + "/export.csv", params={"state": encoded}, timeout=60).content
    for i, text in enumerate([f"{live_server}/?state={encoded}&lang=ko\n", encoded, json.dumps(state)]):
        (tmp_path / f"s{i}.txt").write_text(text)
        out = slopes_export(tmp_path / f"s{i}.txt", tmp_path / f"o{i}.csv")
        assert out.returncode == 0, out.stderr
        assert (tmp_path / f"o{i}.csv").read_bytes() == served
    (tmp_path / "bad.txt").write_text(f"{live_server}/?lang=ko")
    out = slopes_export(tmp_path / "bad.txt", tmp_path / "bad.csv")
    assert out.returncode == 2 and "no state= parameter" in out.stderr
