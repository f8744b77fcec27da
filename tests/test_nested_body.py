"""A body nested too deeply for the JSON parser is a 422 at ``body`` with the socket's message, not a 400."""
import pytest


@pytest.mark.parametrize("path", ["/api/runs", "/api/basins", "/api/sweeps"])
def test_a_deeply_nested_post_body_is_a_422_at_body(client, path):
    r = client.post(path, content=b"[" * 100_000, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text[:300]
    detail = r.json()["detail"]
    assert detail[0]["loc"] == ["body"]
    assert "nested more than 32 levels deep" in detail[0]["msg"]
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_text("[" * 100_000)
        frame = ws.receive_json()
        assert frame["type"] == "error" and frame["detail"][0]["loc"] == ["body"]
        assert frame["detail"][0]["msg"] == detail[0]["msg"]


def test_other_unreadable_bodies_keep_their_answers(client):
    r = client.post("/api/runs", content=b'{"steps": ', headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "json_invalid"
