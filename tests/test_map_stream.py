"""WebSocket /api/maps/ws: a basin map or a sweep per message, each the POST answer exactly; a newer message replaces
the one in flight (nothing more of the old one is sent); a bad message is an error frame naming the field, and the
socket stays open."""
import json

BASINS = {"surface": "himmelblau", "optimizer": "adam", "params": {"lr": 0.05}, "steps": 120, "n": 24}
SWEEP = {"surface": "ravine", "optimizer": "momentum", "params": {"lr": 0.01, "momentum": 0.9}, "steps": 80,
         "x": {"param": "lr", "min": 0.001, "max": 0.1, "n": 9, "scale": "log"}}
# a map that takes a while (seconds on a quiet machine): a newer message arrives while it computes
LONG = {"surface": "himmelblau", "optimizer": "adam", "params": {"lr": 0.05}, "steps": 5000, "n": 200}


def answer(ws):
    """Frames up to the first result or error."""
    frames = []
    while True:
        frames.append(json.loads(ws.receive_text()))
        if frames[-1]["type"] in ("result", "error"):
            return frames


def without_frame(result):
    return {k: v for k, v in result.items() if k not in ("type", "id", "kind")}


def test_a_basin_map_and_a_sweep_on_one_socket_equal_their_post_answers(client):
    with client.websocket_connect("/api/maps/ws") as ws:
        ws.send_text(json.dumps({**BASINS, "kind": "basins", "id": "b"}))
        basins = answer(ws)[-1]
        ws.send_text(json.dumps({**SWEEP, "kind": "sweeps", "id": 7}))
        sweep = answer(ws)[-1]
    assert (basins["type"], basins["id"], basins["kind"]) == ("result", "b", "basins")
    assert (sweep["type"], sweep["id"], sweep["kind"]) == ("result", 7, "sweeps")
    assert without_frame(basins) == client.post("/api/basins", json=BASINS).json()
    assert without_frame(sweep) == client.post("/api/sweeps", json=SWEEP).json()
    assert len(basins["basin"]) == 24 and len(basins["basin"][0]) == 24


def test_a_newer_message_replaces_the_map_in_flight(client):
    with client.websocket_connect("/api/maps/ws") as ws:
        ws.send_text(json.dumps({**LONG, "kind": "basins", "id": "old"}))
        first = json.loads(ws.receive_text())  # the long map is computing: it reports progress
        assert (first["type"], first["id"]) == ("progress", "old")
        ws.send_text(json.dumps({**BASINS, "kind": "basins", "id": "new"}))
        frames = answer(ws)
    # at most the progress frames already on their way belong to the old map; its result never comes
    assert frames[-1]["type"] == "result" and frames[-1]["id"] == "new"
    assert not any(f["type"] == "result" and f["id"] == "old" for f in frames)
    assert without_frame(frames[-1]) == client.post("/api/basins", json=BASINS).json()


def test_bad_messages_are_error_frames_naming_the_field_and_the_socket_stays_open(client):
    with client.websocket_connect("/api/maps/ws") as ws:
        ws.send_text(json.dumps({**BASINS, "id": 1}))  # no kind
        no_kind = answer(ws)[-1]
        ws.send_text(json.dumps({**BASINS, "kind": "runs", "id": 2}))
        wrong_kind = answer(ws)[-1]
        ws.send_text(json.dumps({**BASINS, "kind": "basins", "n": 0, "id": 3}))
        bad_n = answer(ws)[-1]
        ws.send_text(json.dumps({**SWEEP, "kind": "sweeps", "x": {**SWEEP["x"], "param": "nope"}, "id": 4}))
        bad_axis = answer(ws)[-1]
        ws.send_text("[1, 2]")
        not_object = answer(ws)[-1]
        ws.send_text(json.dumps({**BASINS, "kind": "basins", "id": 5}))
        good = answer(ws)[-1]
    assert no_kind["type"] == wrong_kind["type"] == "error"
    assert (no_kind["id"], wrong_kind["id"]) == (1, 2)
    assert no_kind["detail"][0]["loc"][-1] == "kind" and wrong_kind["detail"][0]["loc"][-1] == "kind"
    assert bad_n["type"] == "error" and bad_n["id"] == 3 and "n" in bad_n["detail"][0]["loc"]
    assert bad_axis["type"] == "error" and bad_axis["id"] == 4 and "param" in bad_axis["detail"][0]["loc"]
    assert not_object["type"] == "error"
    assert good["type"] == "result" and good["id"] == 5


def test_cancel_stops_the_map_in_flight_and_is_not_answered(client):
    with client.websocket_connect("/api/maps/ws") as ws:
        ws.send_text(json.dumps({**LONG, "kind": "basins", "id": "long"}))
        assert json.loads(ws.receive_text())["type"] == "progress"
        ws.send_text(json.dumps({"kind": "cancel", "id": "stop"}))
        ws.send_text(json.dumps({**BASINS, "kind": "basins", "id": "next"}))
        frames = answer(ws)
    assert [f["id"] for f in frames if f["type"] != "progress"] == ["next"]
    assert not any(f["id"] == "stop" for f in frames)
