"""Figures a browser draws, from a script: ``slopes export`` renders PNG, SVG, GIF and video files with the page's
own Download code (static/js/slides.js, video.js), in Debian's chromium driven by Playwright, against this app served
on a private port for the time of the export. What needs no browser (HTML, JSON, CSV) is written by exporting.py.

Without Playwright or a chromium on the machine, :func:`browser_missing` says which is missing and how to get it.
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path

BROWSER_FORMATS = ("png", "svg", "gif", "mp4", "webm")
ASPECTS = ("16:9", "4:3")
VIDEO_SIZES = ("1280x720", "1920x1080")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DRAWN = "() => document.getElementById('view-area')?.getAttribute('aria-busy') === 'false'"


def chromium_path() -> str | None:
    """``$SLOPES_CHROMIUM`` (the ``chromium`` setting), else Debian's ``chromium`` (or ``chromium-browser``) on the PATH."""
    from ..settings import settings

    return settings.chromium or shutil.which("chromium") or shutil.which("chromium-browser")


def browser_missing() -> str | None:
    """None when PNG, SVG, GIF and video can be drawn here; else a sentence saying what is missing."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright; it drives the system's chromium)"
    path = chromium_path()
    if not path:
        return "no chromium was found (apt-get install chromium, or set SLOPES_CHROMIUM to a Chromium or Chrome)"
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        return f"SLOPES_CHROMIUM is {path!r}, which is not a program here"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _state_param(state: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


class Renderer:
    """``with Renderer() as r: r.render(state, "png", path)``: the app on a private port and one chromium, kept for every
    figure of a lecture (the app starts once), and one page per figure, kept for all its formats (drawn once)."""

    def __init__(self, timeout: float = 300):
        self.timeout = timeout

    def __enter__(self) -> Renderer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> Renderer:
        """The app on its port and chromium with one context; a RuntimeError says what did not start."""
        import uvicorn
        from playwright.sync_api import sync_playwright

        self.port = _free_port()
        config = uvicorn.Config("app.main:app", host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="slopes-render-server", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + self.timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the app did not start for rendering")
            time.sleep(0.05)
        try:
            self.playwright = sync_playwright().start()
            self.browser = self.playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            self.context = self.browser.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
        except Exception as e:  # a chromium that does not start: said as such, and the app stopped
            self.stop()
            raise RuntimeError(f"chromium ({chromium_path()}) did not start: {str(e).splitlines()[0]}") from e
        return self

    def stop(self) -> None:
        for name in ("close_page", "context", "browser", "playwright"):
            thing = getattr(self, name, None)
            close = thing if name == "close_page" else getattr(thing, "stop" if name == "playwright" else "close", None)
            try:
                if close is not None:
                    close()
            except Exception:  # noqa: BLE001 - closing what is already gone
                pass
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def _page_for(self, state: dict, lang: str | None):
        """The page showing ``state`` (drawn): the one already open when it shows the same (a figure's formats are
        all made from one page load), else a new one."""
        key = (json.dumps(state, sort_keys=True), lang)
        if getattr(self, "_key", None) == key:
            return self._page
        self.close_page()
        page = self.context.new_page()
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        query = f"state={_state_param(state)}" + (f"&lang={lang}" if lang else "")
        page.goto(f"http://127.0.0.1:{self.port}/?{query}")
        page.wait_for_function(DRAWN, timeout=self.timeout * 1000)
        self._page, self._key = page, key
        return page

    def close_page(self) -> None:
        if getattr(self, "_page", None) is not None:
            self._page.close()
        self._page, self._key = None, None

    def render(self, state: dict, kind: str, out: Path, *, aspect: str = "16:9", size: str = "1920x1080",
               fps: int = 30, lang: str | None = None) -> Path:
        """Draw ``state`` as ``kind`` (png, svg: a slide of ``aspect``; gif; mp4, webm: a video of ``size`` at ``fps``)
        into ``out``, as the page's Download menu does."""
        if kind not in BROWSER_FORMATS:
            raise ValueError(f"a browser draws {', '.join(BROWSER_FORMATS)}, not {kind!r}")
        downloads: list = []

        def on_download(download) -> None:
            downloads.append(download)

        page = None
        try:
            page = self._page_for(state, lang)
            page.on("download", on_download)
            if kind in ("png", "svg"):
                page.select_option("#download", kind if aspect == "16:9" else f"{kind}-{aspect}")
            elif kind == "gif":
                page.select_option("#download", "gif")
            else:
                page.select_option("#download", "video")
                page.select_option("#video-format", kind)
                page.select_option("#video-size", size)
                page.select_option("#video-fps", str(fps))
                page.wait_for_function("() => !document.getElementById('video-make').disabled || "
                                       "!document.getElementById('video-note').hidden")
                if page.is_disabled("#video-make"):
                    raise RuntimeError(page.text_content("#video-note") or f"this chromium cannot encode {kind}")
                page.click("#video-make")
            deadline = time.monotonic() + self.timeout
            while not downloads:  # the file, or what the page says went wrong
                failed = page.locator("#toasts .toast.error, #video-dialog[data-failed] #video-status")
                if failed.count() or page.errors:
                    raise RuntimeError(f"the page could not make the {kind}: "
                                       f"{failed.first.text_content() if failed.count() else page.errors[0]}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no {kind} after {self.timeout:.0f} s")
                page.wait_for_timeout(100)
            downloads[0].save_as(out)
            return out
        except Exception as e:
            self.close_page()  # a page that failed is not reused
            if isinstance(e, RuntimeError):
                raise
            raise RuntimeError(f"the browser could not make the {kind}: {str(e).splitlines()[0]}") from e
        finally:
            if page is not None and self._page is page:
                page.remove_listener("download", on_download)
