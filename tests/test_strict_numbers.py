"""Numbers are numbers: a string where a number belongs is a 422 naming the field (lr "0.1" always was; steps
"50" and the gradient's numbers too), on HTTP and on the WebSocket alike; a whole number is still a float."""
import pytest

RUN = {"surface": "rosenbrock", "steps": 5, "optimizers": [{"optimizer": "adam"}]}


@pytest.mark.parametrize("patch,loc", [
    ({"steps": "50"}, ["steps"]),
    ({"gradient": {"batch_size": "7"}, "surface": "linear_mse"}, ["gradient", "batch_size"]),
    ({"gradient": {"seed": "3"}}, ["gradient", "seed"]),
    ({"gradient": {"noise": "0.5"}}, ["gradient", "noise"]),
    ({"gradient": {"h": "1e-3", "mode": "numerical"}}, ["gradient", "h"]),
    ({"start": ["1", 2]}, ["start", 0]),
    ({"optimizers": [{"optimizer": "adam", "switch": {"at_step": "3", "optimizer": "gd"}}]},
     ["optimizers", 0, "switch", "at_step"]),
    ({"optimizers": [{"optimizer": "adam", "params": {"lr": "0.1"}}]}, ["optimizers", 0, "params", "lr"]),
])
def test_a_string_for_a_number_is_a_422_on_http_and_socket(client, patch, loc):
    body = {**RUN, **patch}
    r = client.post("/api/runs", json=body)
    assert r.status_code == 422, r.text[:300]
    assert r.json()["detail"][0]["loc"] == ["body", *loc]
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_json(body)
        frame = ws.receive_json()
        assert frame["type"] == "error" and frame["detail"][0]["loc"] == ["body", *loc], frame


@pytest.mark.parametrize("path,body,loc", [
    ("/api/basins", {"surface": "himmelblau", "n": "20", "steps": 5}, ["n"]),
    ("/api/basins", {"surface": "himmelblau", "n": 20, "steps": "5"}, ["steps"]),
    ("/api/sweeps", {"surface": "rosenbrock", "optimizer": "gd", "steps": 5,
                     "x": {"param": "lr", "min": "0.001", "max": 0.1, "n": 3}}, ["x", "min"]),
    ("/api/sweeps", {"surface": "rosenbrock", "optimizer": "gd", "steps": 5,
                     "x": {"param": "lr", "min": 0.001, "max": 0.1, "n": "3"}}, ["x", "n"]),
])
def test_maps_refuse_strings_for_numbers(client, path, body, loc):
    r = client.post(path, json=body)
    assert r.status_code == 422, r.text[:300]
    assert r.json()["detail"][0]["loc"] == ["body", *loc]


def test_whole_numbers_are_fine_floats(client):
    body = {**RUN, "start": [-1, 1], "gradient": {"noise": 0, "seed": 3}}
    assert client.post("/api/runs", json=body).status_code == 200
    sweep = {"surface": "rosenbrock", "optimizer": "gd", "steps": 5, "x": {"param": "lr", "min": 0, "max": 1,
                                                                          "n": 3, "scale": "linear"}}
    assert client.post("/api/sweeps", json=sweep).status_code == 200
