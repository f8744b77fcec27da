"""Download… on the page, as a lecturer uses it: Korean labels, a label with quotes, and a server that says no.

A busy server (503) or a refusal (422) used to be saved as the CSV or HTML file itself, so the lecturer found
``{"detail": ...}`` in slides.csv later; it is now said on the page, and nothing is saved.
"""
import base64
import json

import pytest

pytestmark = pytest.mark.browser

STATE = {"surface": "himmelblau", "steps": 30,
         "optimizers": [{"optimizer": "adam", "params": {"lr": 0.1}, "label": "아담 학습률 0.1"},
                        {"optimizer": "gd", "params": {"lr": 0.01}, "label": '=HYPERLINK("http://evil.example")'}],
         "view": {"lang": "ko"}}


def open_page(page, live_server):
    encoded = base64.urlsafe_b64encode(json.dumps(STATE).encode()).decode().rstrip("=")
    page.goto(f"{live_server}/?state={encoded}")
    page.wait_for_function("() => document.getElementById('view-area')?.getAttribute('aria-busy') === 'false'")
    return page.get_by_role("combobox", name="내려받기")


def test_the_csv_download_keeps_korean_labels_for_excel(page, live_server, tmp_path):
    menu = open_page(page, live_server)
    with page.expect_download(timeout=60000) as info:
        menu.select_option(label="CSV")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbflane,optimizer,label")  # UTF-8 with a BOM: Excel reads the Korean
    text = data.decode("utf-8-sig")
    assert "아담 학습률 0.1" in text and "'=HYPERLINK" in text


@pytest.mark.parametrize("kind, path, status, body, said", [
    ("CSV", "/export.csv", 503, {"detail": "the server is busy: try again in a moment"}, "the server is busy"),
    ("HTML (오프라인 재생)", "/export.html", 422,
     {"detail": [{"loc": ["query", "state", "steps"], "msg": "Input should be less than or equal to 20000"}]},
     "steps: Input should be less than or equal to 20000"),
    ("JSON", "/api/runs", 503, {"detail": "the server is busy: try again in a moment"}, "the server is busy"),
])
def test_a_download_the_server_refuses_is_said_and_not_saved(page, live_server, kind, path, status, body, said):
    menu = open_page(page, live_server)
    page.route(f"**{path}*", lambda route: route.fulfill(status=status, json=body))
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    menu.select_option(label=kind)
    alert = page.get_by_role("alert")
    alert.wait_for(timeout=20000)
    assert said in alert.text_content()
    assert "오류" in alert.text_content()  # the page's language
    # the menu is back to its prompt, and a later download works once the server answers again
    page.unroute(f"**{path}*")
    with page.expect_download(timeout=60000) as later:
        menu.select_option(label="CSV")
    # the one file saved is that later CSV: none held the error's JSON (it would have come first)
    assert downloads == [later.value] and later.value.suggested_filename.endswith(".csv")
