"""An optional field given as null is the same as leaving it out: "gradient": null, "include": null."""
import pytest

RUN = {"surface": "rosenbrock", "steps": 5, "optimizers": [{"optimizer": "adam"}]}


@pytest.mark.parametrize("patch", [{"gradient": None}, {"include": None}, {"gradient": None, "include": None}])
def test_null_optionals_of_a_run_are_absent(client, patch):
    r = client.post("/api/runs", json={**RUN, **patch})
    assert r.status_code == 200, r.text[:300]
    assert r.json() == client.post("/api/runs", json=RUN).json()
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_json({**RUN, **patch})
        assert ws.receive_json()["type"] == "start"


@pytest.mark.parametrize("path,body", [
    ("/api/basins", {"surface": "himmelblau", "n": 5, "steps": 5}),
    ("/api/sweeps", {"surface": "rosenbrock", "optimizer": "gd", "steps": 5, "x": {"param": "lr", "min": 1e-3,
                                                                                  "max": 1e-2, "n": 3}}),
])
def test_a_null_gradient_of_a_map_is_absent(client, path, body):
    r = client.post(path, json={**body, "gradient": None})
    assert r.status_code == 200, r.text[:300]
    assert r.json() == client.post(path, json=body).json()


def test_null_is_still_refused_where_a_value_is_required(client):
    r = client.post("/api/runs", json={**RUN, "optimizers": None})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "optimizers"]
    r = client.post("/api/runs", json={**RUN, "gradient": {"noise": None}})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "gradient", "noise"]
