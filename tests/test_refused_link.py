"""A broken link opened in a browser: a page that says what is wrong and leads back, not raw JSON; scripts that
ask for JSON still get FastAPI's 422; what the link carried is shown as text, never as markup."""
import base64
import json

import pytest

HTML = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def encoded(state) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


@pytest.mark.parametrize("path", ["/", "/embed"])
@pytest.mark.parametrize("state", ["%%%", encoded({"view": {"colors": ["red"]}}), encoded({"view": {"zoom": "<b>"}}),
                                   encoded({"view": {"<img src=x onerror=alert(1)>": 1}}), encoded({"view": {"inspect": {"lane": [[[[1]]]]}}})])
def test_a_person_gets_a_page_naming_the_problem(client, path, state):
    r = client.get(f"{path}?state={state}", headers=HTML)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("text/html")
    assert "The state in this link could not be read" in r.text
    assert f'href="{path}"' in r.text  # back to the same kind of page, with its default view
    assert "<img" not in r.text and "<li><code>query.state" in r.text  # the field, escaped
    plain = client.get(f"{path}?state={state}")
    assert plain.status_code == 422 and plain.json()["detail"][0]["loc"][:2] == ["query", "state"]


def test_the_page_speaks_korean_when_asked(client):
    r = client.get("/?state=%%%&lang=ko", headers=HTML)
    assert r.status_code == 422 and '<html lang="ko">' in r.text and "기본 보기로 Slopes 열기" in r.text
    assert 'href="/?lang=ko"' in r.text
    r = client.get("/?state=%%%", headers={**HTML, "accept-language": "ko-KR,ko;q=0.9"})
    assert '<html lang="ko">' in r.text


def test_posts_and_the_api_keep_their_json(client):
    r = client.post("/api/runs", json={"steps": -3}, headers=HTML)
    assert r.status_code == 422 and r.headers["content-type"] == "application/json"


def test_favicon(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml") and b"<svg" in r.content


@pytest.mark.browser
def test_a_broken_link_in_the_browser_leads_back_to_the_default_view(page, live_server):
    page.goto(f"{live_server}/?state={encoded({'view': {'colors': ['<b>x</b>']}})}")
    assert page.get_by_role("heading", name="The state in this link could not be read").is_visible()
    assert "view.colors.0" in page.get_by_role("listitem").first.inner_text()
    page.get_by_role("link", name="Open Slopes with its default view").click()
    page.wait_for_function("() => window.slopes && window.slopes.state().optimizers.length > 0", timeout=60000)
    assert page.url.rstrip("/") == live_server
