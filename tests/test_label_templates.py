"""Labels that follow the lane's values (app/services/labels.py): ``"GD lr {lr}"`` is echoed filled from the lane's
live values, in POST and in the stream's start frame; the request's text is kept as ``label_template``; numbers read
as a person writes them; a field that does not exist or a stray brace is a 422 naming the label, never a 5xx."""
import json

import pytest

from app.optimizers import OPTIMIZERS

LANE = {"optimizer": "gd", "params": {"lr": 0.15}}


def post(client, lane, **body):
    return client.post("/api/runs", json={"surface": body.pop("surface", "quadratic"), "steps": 3,
                                          "optimizers": [lane], **body})


def run_of(client, lane, **body):
    r = post(client, lane, **body)
    assert r.status_code == 200, r.text
    return r.json()["runs"][0]


@pytest.mark.parametrize("lr, text", [(0.15000000000000002, "0.15"), (0.005, "0.005"), (1e-05, "1e-05"),
                                      (0.9, "0.9"), (1.0, "1"), (2, "2"), (0.1 + 0.2, "0.3"), (987.654321, "987.654")])
def test_a_label_is_filled_from_the_lanes_values_with_numbers_that_read_well(client, lr, text):
    run = run_of(client, {"optimizer": "gd", "params": {"lr": lr}, "label": "GD lr {lr}"})
    assert run["label"] == f"GD lr {text}" and run["label_template"] == "GD lr {lr}"
    assert run["params"]["lr"] == lr  # the value itself is untouched


def test_the_stream_start_frame_carries_the_filled_label(client):
    body = {"surface": "quadratic", "steps": 3, "id": 1, "optimizers": [
        {"optimizer": "momentum", "params": {"lr": 0.9, "momentum": 0.8}, "label": "m {momentum}, lr {lr}"}]}
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_text(json.dumps(body))
        start = ws.receive_json()
    assert start["type"] == "start"
    (lane,) = start["runs"]
    assert lane["label"] == "m 0.8, lr 0.9" and lane["label_template"] == "m {momentum}, lr {lr}"


def test_betas_the_optimizer_name_and_literal_braces(client):
    run = run_of(client, {"optimizer": "adam", "params": {"lr": 0.05, "betas": [0.8, 0.99]},
                          "label": "{optimizer} β₁ {beta1} β₂ {beta2} ({betas}) {{not a field}}"})
    assert run["label"] == "Adam β₁ 0.8 β₂ 0.99 (0.8, 0.99) {not a field}"


def test_labels_in_both_languages_are_filled_each_in_its_language(client):
    run = run_of(client, {"optimizer": "gd", "params": {"lr": 0.15}, "label": "{optimizer} lr {lr}",
                          "labels": {"en": "{optimizer} lr {lr}", "ko": "{optimizer} 학습률 {lr}"}})
    names = {o["id"]: o["names"] for o in client.get("/api/optimizers").json()}
    assert run["label"] == run["labels"]["en"] == f"{names['gd']['en']} lr 0.15"
    assert run["labels"]["ko"] == f"{names['gd']['ko']} 학습률 0.15" and names["gd"]["ko"] != names["gd"]["en"]


def test_schedule_switch_and_lane_fields(client):
    run = run_of(client, {"optimizer": "adam", "params": {"lr": 0.1},
                          "schedule": {"type": "exponential", "gamma": 0.98},
                          "switch": {"at_step": 60, "optimizer": "gd", "params": {"lr": 0.5}},
                          "label": "{optimizer} ×{schedule.gamma} → {switch.optimizer} {switch.lr} @{switch.at_step}"
                                   " σ {noise} seed {seed}"}, gradient={"noise": 0.5, "seed": 7})
    assert run["label"] == "Adam ×0.98 → Gradient descent 0.5 @60 σ 0.5 seed 7"
    data = run_of(client, {"optimizer": "gd", "params": {"lr": 0.1}, "batch_size": 8, "surface_options": {"l1": 3.0},
                           "label": "batch {batch_size}, L1 {l1}, L2 {l2}"}, surface="linreg_mse")
    assert data["label"] == "batch 8, L1 3, L2 0"
    n = client.get("/api/surfaces/linreg_mse").json()["dataset"]["n"]
    assert run_of(client, {**LANE, "label": "{batch_size}"}, surface="linreg_mse")["label"] == str(n)  # full batch


def test_every_hyperparameter_of_every_optimizer_can_be_named(client):
    catalogue = client.get("/api/optimizers").json()
    assert {o["id"] for o in catalogue} == set(OPTIMIZERS)
    for optimizer in catalogue:
        oid, names = optimizer["id"], [p["name"] for p in optimizer["params"]]
        for name in names:
            r = post(client, {"optimizer": oid, "label": f"{name}={{{name}}}"})
            assert r.status_code == 200, (oid, r.text)
            filled = r.json()["runs"][0]["label"]
            assert "{" not in filled and "0000000" not in filled and filled != f"{name}=", (oid, filled)


def test_a_hyperparameter_wins_over_a_lane_field_of_the_same_name(client):
    run = run_of(client, {"optimizer": "custom", "rule": "p = p - lr*noise*g", "params": {"lr": 0.1, "noise": 0.25},
                          "label": "noise {noise}"}, gradient={"noise": 2.0})
    assert run["label"] == "noise 0.25"


@pytest.mark.parametrize("label", ["GD lr {lrr}", "{__class__}", "<b>bold</b> %{x} %{meta.lane}", "{nope}"])
def test_a_name_the_lane_does_not_have_stays_as_written(client, label):
    """A label is the user's text: a name the lane does not have (a typo, Plotly's %{x}) is shown as typed, never
    refused and never filled with a guess; the names it has are filled beside it."""
    assert run_of(client, {**LANE, "label": label})["label"] == label
    assert run_of(client, {**LANE, "label": label + " lr {lr}"})["label"] == label + " lr 0.15"


def test_a_field_only_some_lanes_have_reads_a_dash_where_this_lane_has_none(client):
    """A lesson's "mini-batch {batch_size}" stays a valid label once its lane is on a surface without a data set (the
    page keeps the label when the surface changes: a 422 there left the page without a result)."""
    lane = {**LANE, "label": "GD {batch_size}, {l1}, {switch.lr}, {schedule.gamma}, lr {lr}"}
    assert run_of(client, lane)["label"] == "GD –, –, –, –, lr 0.15"
    on_data = run_of(client, {**lane, "batch_size": 8}, surface="linreg_mse")
    assert on_data["label"] == "GD 8, 0, –, –, lr 0.15"


@pytest.mark.parametrize("label, shown", [
    ("GD lr {lr", "GD lr {lr"),
    ("GD lr }", "GD lr }"),
    ("GD {}", "GD {}"),
    ("GD {lr:.2f}", "GD {lr:.2f}"),  # no format specs: numbers are always shown the one way
    ("${window.x=1}", "${window.x=1}"),
    ("<style>body{display:none}</style>", "<style>body{display:none}</style>"),
    ("{{7*7}} {{lr}}", "{7*7} {lr}"),
    ("{ lr }", "0.15"),
])
def test_braces_around_anything_but_a_name_stay_as_written(client, label, shown):
    assert run_of(client, {**LANE, "label": label})["label"] == shown


def test_each_language_is_filled_on_its_own(client):
    run = run_of(client, {**LANE, "labels": {"en": "lr {lr}", "ko": "학습률 {lr} {lrr}"}})
    assert run["labels"] == {"en": "lr 0.15", "ko": "학습률 0.15 {lrr}"}


def test_a_bad_label_on_the_socket_is_an_error_frame_and_the_socket_stays_open(client):
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_text(json.dumps({"surface": "quadratic", "steps": 3, "id": "bad",
                                 "optimizers": [{**LANE, "label": "x" * 10_000}]}))
        frame = ws.receive_json()
        assert frame["type"] == "error" and frame["id"] == "bad" and "label" in json.dumps(frame["detail"])
        ws.send_text(json.dumps({"surface": "quadratic", "steps": 3, "id": "good",  # the socket stays open
                                 "optimizers": [{**LANE, "label": "GD lr {lr}"}]}))
        frames = [ws.receive_json()]
        while frames[-1]["type"] not in ("end", "error"):
            frames.append(ws.receive_json())
        assert frames[-1]["type"] == "end" and "GD lr 0.15" in json.dumps(frames)


def test_a_label_without_fields_is_kept_as_it_is(client):
    run = run_of(client, {**LANE, "label": "plain <b>text</b>"})
    assert run["label"] == "plain <b>text</b>" and "label_template" not in run
    assert run_of(client, {"optimizer": "gd", "params": {"lr": 0.15000000000000002}})["label"].endswith("lr=0.15")
