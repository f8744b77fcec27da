"""``slopes export`` from a script, as a lecturer renders a lecture's figures: a list of states (JSON, a copied
address, a state file), one command, the HTML, PNG and SVG slides, the GIF and the MP4, drawn by the page's own code
in chromium; on a machine with no browser it says so plainly and writes what needs none."""
import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from app.lessons import LESSONS
from browser import chromium_path
from media import png_size, video_pixels

ROOT = Path(__file__).resolve().parent.parent
LESSON = {**next(item for item in LESSONS if item["id"] == "lr_sizes")["state"], "steps": 40, "view": {"lesson": "lr_sizes"}}
RAVINE = {"surface": "ravine", "start": [-9.0, 2.5], "steps": 30,
          "optimizers": [{"optimizer": "gd", "params": {"lr": 0.15}},
                         {"optimizer": "momentum", "params": {"lr": 0.05, "momentum": 0.8}}]}


def slopes(*args, env=None, timeout=600):
    return subprocess.run([sys.executable, "-m", "app.cli", "export", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env=env)


def lecture(tmp_path, *states) -> Path:
    """A lecture's list: a comment, then each state as the page's copied address, with a blank line between."""
    lines = ["http://127.0.0.1:8000/?state=" + base64.urlsafe_b64encode(json.dumps(s).encode()).decode().rstrip("=")
             for s in states]
    path = tmp_path / "lecture.txt"
    path.write_text("# week 3: step sizes\n" + "\n\n".join(lines) + "\n", encoding="utf-8")
    return path


def without_a_browser(tmp_path) -> dict:
    """The environment of a machine with no chromium: nothing on the PATH finds one, and no $SLOPES_CHROMIUM."""
    empty = tmp_path / "bin"
    empty.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "SLOPES_CHROMIUM"}
    return {**env, "PATH": str(empty)}


@pytest.mark.process
def test_without_a_browser_the_html_is_written_and_the_rest_is_said(tmp_path):
    out = slopes("--list", lecture(tmp_path, LESSON, RAVINE), "--dir", tmp_path / "figures", "--formats", "html,png,svg,mp4",
                 env=without_a_browser(tmp_path))
    assert out.returncode == 3, out.stderr  # not everything asked for was written
    assert "PNG, SVG, MP4 not written" in out.stderr and "no chromium was found" in out.stderr
    assert "apt-get install chromium" in out.stderr and "SLOPES_CHROMIUM" in out.stderr  # and how to get one
    written = sorted(p.name for p in (tmp_path / "figures").iterdir())
    assert written == ["01-lr_sizes.html", "02-ravine.html"]
    assert "<title>Learning rate: too small, right, too large</title>" in (tmp_path / "figures/01-lr_sizes.html").read_text()
    # one state to one file says the same
    state = tmp_path / "state.json"
    state.write_text(json.dumps(RAVINE))
    out = slopes(state, "-o", tmp_path / "slide.png", env=without_a_browser(tmp_path))
    assert out.returncode == 3 and "PNG not written" in out.stderr and not (tmp_path / "slide.png").exists()
    env = {**without_a_browser(tmp_path), "SLOPES_CHROMIUM": str(tmp_path / "no-such-chrome")}  # a wrong path is named
    out = slopes(state, "-o", tmp_path / "slide.png", env=env)
    assert out.returncode == 3 and "SLOPES_CHROMIUM is" in out.stderr and "no-such-chrome" in out.stderr, out.stderr
    assert "unknown setting" not in out.stderr


@pytest.mark.process
def test_a_bad_line_of_the_list_is_named_before_anything_is_drawn(tmp_path):
    path = tmp_path / "lecture.txt"
    bad = {**RAVINE, "optimizers": [{"optimizer": "gd", "params": {"lr": -1}}]}
    path.write_text(f"{json.dumps(RAVINE)}\n{json.dumps(bad)}\n", encoding="utf-8")
    out = slopes("--list", path, "--dir", tmp_path / "figures")
    assert out.returncode == 2 and "line" in out.stderr and "2" in out.stderr and "lr" in out.stderr, out.stderr
    assert not (tmp_path / "figures").exists()
    out = slopes("--list", path, "--dir", tmp_path / "figures", "--formats", "html,pptx")
    assert out.returncode == 2 and "pptx" in out.stderr


@pytest.mark.browser
def test_a_lecture_is_rendered_in_one_command(page, live_server, tmp_path):
    chromium_path()  # skipped where there is none (a failure on CI)
    figures = tmp_path / "figures"  # one figure in every format: the page is loaded once for all of them
    captioned = {**LESSON, "view": {**LESSON["view"], "caption": "Week 3 & the step size"}}  # wins over the lesson's
    out = slopes("--list", lecture(tmp_path, captioned), "--dir", figures, "--formats", "html,png,svg,gif,mp4",
                 "--aspect", "4:3", "--video-size", "1280x720", "--fps", "25", "--lang", "ko")
    assert out.returncode == 0, out.stderr
    names = sorted(p.name for p in figures.iterdir())
    assert names == sorted(f"01-lr_sizes{s}" for s in (".html", "-4x3.png", "-4x3.svg", ".gif", "-1280x720.mp4"))
    assert all(f"wrote {figures / name}" in out.stdout for name in names)
    assert png_size((figures / "01-lr_sizes-4x3.png").read_bytes()) == (1440, 1080)
    svg = (figures / "01-lr_sizes-4x3.svg").read_text()
    assert svg.startswith("<svg") and "학습률: 너무 작게, 적당히, 너무 크게" in svg  # --lang ko, the lesson's title
    assert "Week 3 &amp; the step size" in svg and "곡률" not in svg  # the state's own caption, as text
    html = (figures / "01-lr_sizes.html").read_text()
    assert '<html lang="ko">' in html and "Week 3 &amp; the step size" in html
    gif = (figures / "01-lr_sizes.gif").read_bytes()
    assert gif[:6] == b"GIF89a" and int.from_bytes(gif[6:8], "little") == 1280
    page.goto(live_server)
    video = video_pixels(page, (figures / "01-lr_sizes-1280x720.mp4").read_bytes(), "video/mp4", ["#0072B2"], [0, -0.5])
    assert (video["width"], video["height"]) == (1280, 720) and 5.5 <= video["duration"] <= 6.5, video["duration"]
    first, last = video["frames"]
    assert first["near"][0] < last["near"][0]  # the paths grow
