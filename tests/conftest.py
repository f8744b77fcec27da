import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

# Run on every core: `pytest -n auto` (make test). Each xdist worker is its own process with its own session
# fixtures (one live server and one chromium per worker); a module-scoped fixture is made once per worker that
# runs a test of its module.


def pytest_collection_modifyitems(config, items):
    """Every test that drives chromium is a browser test (`-m "not browser"`, make test-fast leaves them out),
    whether its module says so or not: the ones that take the `browser` or `page` fixture."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def client():
    from fastapi.testclient import TestClient

    from app.main import app

    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def live_server():
    from browser import free_port, start_server

    port = free_port()
    proc = start_server(port)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="session")
def browser():
    from browser import chromium_path, launch

    chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture()
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.set_default_timeout(60_000)  # every wait is for a condition; on a loaded machine it may take long
    page = context.new_page()
    page.errors = []
    page.requests = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: page.requests.append(r.url))
    yield page
    context.close()


@pytest.fixture(scope="session")
def lesson_runs(client):
    """``lesson_runs(id)``: lesson ``id``'s runs as shipped, computed once per session (tests/lesson_runs.py)."""
    from lesson_runs import LessonRuns

    return LessonRuns(client)
