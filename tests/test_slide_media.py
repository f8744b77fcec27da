"""Figures for slides that hold no iframe, and the playback that grows (issues 21 and 24), as a lecturer gets them:
the page, the embed and the offline export draw each path only up to the step shown and end at N / N; Download gives
a video (MP4 with H.264, WebM) that chromium decodes, a GIF whose colours are the still's, and stills at slide sizes
whose text reads from the back of a room. Every picture is measured as decoded pixels (tests/media.py)."""
import base64
import json
import re
import urllib.request

import pytest
from browser import DRAWN, state_url
from app.lessons import LESSONS
from media import distance, gif_blocks, gif_pixels, image_pixels, png_size, video_pixels

pytestmark = pytest.mark.browser

LANES = ["#0072B2", "#D55E00"]  # the first two lane colours
STATE = {"surface": "ravine", "start": [-9.0, 2.5], "steps": 120,
         "optimizers": [{"optimizer": "gd", "params": {"lr": 0.15}},
                        {"optimizer": "momentum", "params": {"lr": 0.05, "momentum": 0.8}}]}
LR_SIZES = next(item for item in LESSONS if item["id"] == "lr_sizes")
LESSON = {**LR_SIZES["state"], "view": {"lesson": "lr_sizes"}}  # the lesson as its menu opens it


def with_view(state, **view):
    return {**state, "view": {**state.get("view", {}), **view}}


def lane_pixels(page, selector):
    """The pixels of each lane colour in what ``selector`` shows on screen."""
    shot = page.locator(selector).screenshot()
    return image_pixels(page, shot, "image/png", LANES)["near"]


def open_drawn(page, url):
    page.goto(url)
    page.wait_for_function(DRAWN)


def play_to_the_end(page, label="#step-label"):
    page.click("#play")
    page.wait_for_function("(label) => { const [k, n] = document.querySelector(label).textContent.split(' / ');"
                           " return Number(n) > 0 && k === n && !/pause|일시/i.test(document.getElementById('play').textContent); }",
                           arg=label)


# --- the playback grows, everywhere ----------------------------------------------------------------------------
def test_the_page_draws_each_path_up_to_the_step_and_ends_at_n_of_n(page, live_server):
    open_drawn(page, state_url(live_server, STATE))
    whole = lane_pixels(page, "#view-area")
    page.evaluate("() => window.slopes.update({view: {step: 0}})")
    start = lane_pixels(page, "#view-area")
    page.evaluate("() => window.slopes.update({view: {step: 40}})")
    middle = lane_pixels(page, "#view-area")
    for lane in range(2):  # at step 0 only the points; later more of each path; nothing of the future
        assert start[lane] < 0.4 * whole[lane], (start, whole)
        assert start[lane] < middle[lane] < whole[lane] * 0.95, (start, middle, whole)
    play_to_the_end(page)
    assert page.text_content("#step-label") == "120 / 120"  # the end is N / N, not 119 / 120
    assert page.evaluate("() => window.slopes.state().view.step") is None  # and the state says the end
    end = lane_pixels(page, "#view-area")
    for lane in range(2):
        assert abs(end[lane] - whole[lane]) <= 0.1 * whole[lane], (end, whole)


def test_the_embed_at_step_0_shows_no_future(page, live_server):
    open_drawn(page, state_url(live_server, STATE, "/embed"))
    whole = lane_pixels(page, "#view-area")
    open_drawn(page, state_url(live_server, with_view(STATE, step=0), "/embed"))
    assert page.text_content("#step-label") == "0 / 120"
    start = lane_pixels(page, "#view-area")
    assert all(s < 0.4 * w for s, w in zip(start, whole)), (start, whole)


def test_the_export_grows_the_paths_and_ends_whole(page, live_server):
    page.goto(f"{live_server}/export.html?state=" + state_url("", STATE).split("state=")[1])
    page.wait_for_function("() => window.slopesExport && document.querySelector('#plot .main-svg')")
    assert page.text_content("#step") == "120 / 120"
    whole = lane_pixels(page, "#plot")
    page.focus("#scrub")
    page.keyboard.press("Home")
    page.wait_for_function("() => document.getElementById('step').textContent === '0 / 120'")
    start = lane_pixels(page, "#plot")
    assert all(s < 0.4 * w for s, w in zip(start, whole)), (start, whole)
    play_to_the_end(page, "#step")
    end = lane_pixels(page, "#plot")
    assert all(abs(e - w) <= 0.1 * w for e, w in zip(end, whole)), (end, whole)


def test_the_playback_clock_ends_at_the_last_step_exactly(page, live_server):
    open_drawn(page, state_url(live_server, STATE))
    out = page.evaluate("""async () => {
      const { advance, frameSteps, lastStep } = await import('/static/js/paths.js');
      const a = advance(118.5, 1, 100, 120), b = advance(0, 0.01, 100, 120), c = advance(119, 1, 100, 120, true);
      const early = advance(0, 1, 100, 0, true);  // an embed's autoplay before its runs are drawn keeps going
      return { a, b, c, early, frames: frameSteps(120, 60), few: frameSteps(3, 60), last: lastStep([{ points: [1, 2] }, { points: [1, 2, 3] }]) };
    }""")
    assert out["a"] == {"position": 120, "step": 120, "ended": True}
    assert out["b"]["step"] == 1 and not out["b"]["ended"]
    assert out["c"]["step"] == 0 and not out["c"]["ended"]  # a looping embed starts over
    assert not out["early"]["ended"]
    assert out["frames"][0] == 0 and out["frames"][-1] == 120 and len(out["frames"]) == 60
    assert out["few"] == [0, 1, 2, 3] and out["last"] == 2


# --- stills for slides ------------------------------------------------------------------------------------------
def download(page, kind, timeout=180_000):
    with page.expect_download(timeout=timeout) as info:
        page.select_option("#download", kind)
    return info.value


def saved(download_, tmp_path):
    path = tmp_path / download_.suggested_filename
    download_.save_as(path)
    return path.read_bytes()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_stills_are_slides_whose_text_reads_from_the_back(page, live_server, tmp_path, lang):
    open_drawn(page, state_url(live_server, with_view(LESSON, lang=lang)))
    lesson = json.loads(urllib.request.urlopen(f"{live_server}/api/lessons").read())
    lesson = next(item for item in lesson if item["id"] == "lr_sizes")
    png = saved(download(page, "png"), tmp_path)
    assert png_size(png) == (1920, 1080)
    assert png_size(saved(download(page, "png-4:3"), tmp_path)) == (1440, 1080)
    svg = saved(download(page, "svg"), tmp_path).decode()
    sizes = [float(v) for v in re.findall(r"font-size:\s*([\d.]+)px", svg)]
    assert sizes and min(sizes) >= 24, sorted(set(sizes))  # every word at least 24 px on a 1080 px slide
    text = re.sub(r"<[^>]+>", " ", svg)
    assert lesson["title"][lang] in text  # titled with the lesson, not a join of labels
    assert lesson["caption"][lang].split()[0] in text and lesson["caption"][lang].split()[-1].rstrip(".") in text
    for label, lane in zip(lesson["labels"][lang], LESSON["optimizers"]):  # the legend, in the page's language
        assert label.replace("{lr}", str(lane["params"]["lr"])) in text
    # the start, and every lane's end (three lanes), are marked: Plotly draws each marker as a path.point
    surface = json.loads(urllib.request.urlopen(f"{live_server}/api/surfaces/quadratic").read())
    marks = len(surface["minima"]) + len(surface["saddles"]) + 1 + 3
    assert len(re.findall(r'class="point"', svg)) == marks
    pixels = image_pixels(page, png, "image/png", LANES + ["#009E73"])
    assert all(n > 300 for n in pixels["near"]), pixels["near"]  # each lane's colour is on the slide


# --- the video --------------------------------------------------------------------------------------------------
def make_video(page, fmt, size, fps, timeout=300_000):
    page.select_option("#download", "video")
    page.select_option("#video-format", fmt)
    page.select_option("#video-size", size)
    page.select_option("#video-fps", str(fps))
    page.wait_for_function("() => !document.getElementById('video-make').disabled || !document.getElementById('video-note').hidden")
    assert page.is_enabled("#video-make"), page.text_content("#video-note")  # Debian's chromium encodes both
    with page.expect_download(timeout=timeout) as info:
        page.click("#video-make")
        page.wait_for_function("() => !document.getElementById('video-progress').hidden")
    return info.value


@pytest.mark.parametrize("fmt, mime, size, fps", [("mp4", "video/mp4", "1280x720", 30), ("webm", "video/webm", "1920x1080", 25)])
def test_the_video_decodes_grows_and_ends_with_the_whole_paths(page, live_server, tmp_path, fmt, mime, size, fps):
    open_drawn(page, state_url(live_server, STATE))
    still = saved(download(page, "png"), tmp_path)  # the whole paths on a 1920 x 1080 slide
    video = saved(make_video(page, fmt, size, fps), tmp_path)
    assert not page.is_visible("#video-dialog")  # closed once saved
    width, height = map(int, size.split("x"))
    out = video_pixels(page, video, mime, LANES, [0, 1.0, -0.05])
    assert (out["width"], out["height"]) == (width, height)
    assert 5.5 <= out["duration"] <= 6.5, out["duration"]  # 4 s of growth (120 steps) and a 2 s hold on the end
    first, second, last = out["frames"]
    assert first["hash"] != second["hash"]  # it moves
    whole = image_pixels(page, still, "image/png", LANES, tol=60)["near"]
    scale = (width * height) / (1920 * 1080)
    for lane in range(2):
        assert first["near"][lane] < 0.4 * last["near"][lane], (first["near"], last["near"])
        assert abs(last["near"][lane] - whole[lane] * scale) <= 0.3 * whole[lane] * scale, (last["near"], whole, scale)


def test_a_video_can_be_cancelled_and_nothing_is_saved(page, live_server):
    open_drawn(page, state_url(live_server, with_view(STATE, lang="ko")))
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    page.select_option("#download", "video")
    assert page.text_content("#video-title") == "재생 동영상"
    page.wait_for_function("() => !document.getElementById('video-make').disabled")
    page.click("#video-make")
    page.wait_for_function("() => document.getElementById('video-progress').value > 0")
    page.get_by_role("button", name="취소").click()
    page.wait_for_function("() => document.getElementById('video-status').textContent.startsWith('취소함')")
    assert page.is_visible("#video-dialog") and not page.is_visible("#video-progress")
    page.get_by_role("button", name="취소").click()  # a second Cancel closes the dialog
    assert not page.is_visible("#video-dialog") and downloads == []


# --- the GIF ----------------------------------------------------------------------------------------------------
def test_the_gif_has_the_stills_colours(page, live_server, tmp_path):
    open_drawn(page, state_url(live_server, STATE))
    still = image_pixels(page, saved(download(page, "png"), tmp_path), "image/png", LANES)
    gif = saved(download(page, "gif"), tmp_path)
    assert gif_blocks(gif) == (1280, 720, 60)  # the playback at the video's smaller size, 60 frames of 121 steps
    out = gif_pixels(page, gif, LANES)
    assert out["count"] == 60
    first, last = out["frames"]
    assert (last["width"], last["height"]) == (1280, 720)
    assert all(n > 150 for n in last["exact"]), last["exact"]  # each lane drawn in its true colour (within 4)
    assert all(f < 0.4 * n for f, n in zip(first["near"], last["near"]))  # the paths grow
    # no banding: every colour covering the GIF is one of the still's, and every large area of the still keeps its
    # colour in the GIF (a 216-colour cube turned the contour's pale blues into yellow, teal and lavender bands)
    theirs = [c for c, _ in still["dominant"]]
    for colour, share in last["dominant"]:
        assert min(distance(colour, c) for c in theirs) <= 4, (colour, share, theirs)
    for colour, share in still["dominant"]:
        if share >= 0.01:
            assert min(distance(colour, c) for c, _ in last["dominant"]) <= 4, (colour, share)


# --- the HTML export ------------------------------------------------------------------------------------------
def test_the_html_download_keeps_the_lesson_and_the_language(page, live_server, tmp_path):
    open_drawn(page, state_url(live_server, with_view(LESSON, lang="ko")))
    html = saved(download(page, "html"), tmp_path).decode()
    assert '<html lang="ko">' in html
    assert "<title>학습률: 너무 작게, 적당히, 너무 크게</title>" in html
    assert "x² + y² 그릇의 곡률은" in html and "경사 하강법 lr 0.005" in html  # the lane's Korean label, filled


def test_export_address_takes_lang_and_titles_with_the_surface(live_server):
    encoded = base64.urlsafe_b64encode(json.dumps(with_view(STATE, lang="ko")).encode()).decode().rstrip("=")
    ko = urllib.request.urlopen(f"{live_server}/export.html?state={encoded}").read().decode()
    en = urllib.request.urlopen(f"{live_server}/export.html?state={encoded}&lang=en").read().decode()
    surface = json.loads(urllib.request.urlopen(f"{live_server}/api/surfaces/ravine").read())
    assert f"<title>{surface['names']['ko']}</title>" in ko and '<html lang="ko">' in ko and "재생" in ko
    assert f"<title>{surface['names']['en']}</title>" in en and '<html lang="en">' in en
    assert "GD lr" not in en.split("<script")[0]  # not a join of lane labels
