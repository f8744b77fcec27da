"""POST /api/runs and the WebSocket serialise runs through one function: the start frame's runs, the chunks'
fields concatenated and the end frame's runs are the POST answer, exactly, every optional field included
(test losses, search proposals, the averaged point, LBFGS's evaluations, state, terms and quantities), so the page
never needs a second request for what the stream lacks."""
import json

import pytest

OPTIONAL = ("test_losses", "proposals", "accepted", "averaged", "evaluations", "evaluation_points", "state", "terms",
            "quantities")
EVERYTHING = {"surface": "flat_sharp", "steps": 70, "include": ["state", "terms"],
              "gradient": {"noise": 0.2, "seed": 9},
              "optimizers": [{"optimizer": "random_search"}, {"optimizer": "random_local_search"},
                             {"optimizer": "schedule_free_adamw", "params": {"lr": 0.05}},
                             {"optimizer": "lbfgs", "params": {"lr": 0.5, "max_iter": 3}},
                             {"optimizer": "adam", "params": {"lr": 0.05},
                              "switch": {"at_step": 30, "optimizer": "lbfgs"}},
                             {"optimizer": "gd", "params": {"lr": 200.0}}]}  # diverges


def frames_of(client, body) -> list[dict]:
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_text(json.dumps(body))
        frames = []
        while not frames or frames[-1]["type"] not in ("end", "error"):
            frames.append(ws.receive_json())
    return frames


def assemble(frames: list[dict]) -> dict:
    """The answer a client builds from the frames: the start frame's set-up, each chunk field concatenated (state
    name by name), the end frame's outcome."""
    start, end = frames[0], frames[-1]
    assert start["type"] == "start" and end["type"] == "end", end
    chunks = [f for f in frames if f["type"] == "chunk"]
    offset = 0
    for c in chunks:
        assert c["offset"] == offset
        offset += len(c["runs"][0]["points"])
    runs = []
    for i, echo in enumerate(start["runs"]):
        run = dict(echo)
        for c in chunks:
            for name, value in c["runs"][i].items():
                if name == "state":
                    run.setdefault("state", {})
                    for key, values in value.items():
                        run.setdefault("state", {}).setdefault(key, []).extend(values)
                elif value is None:
                    run.setdefault(name, None)
                else:
                    run.setdefault(name, []).extend(value)
        run.update({k: v for k, v in end["runs"][i].items()})
        runs.append(run)
    return {"surface": start["surface"], "start": start["start"], "steps": start["steps"], "runs": runs}


@pytest.mark.parametrize("lanes", [None, [4, 0], [3]])
def test_the_frames_assemble_to_the_post_answer_field_by_field(client, lanes):
    whole = client.post("/api/runs", json=EVERYTHING)
    assert whole.status_code == 200, whole.text[:300]
    whole = whole.json()
    assert {name for run in whole["runs"] for name in run} >= set(OPTIONAL)  # every optional field is exercised
    assert [r["status"] for r in whole["runs"]][-1] == "diverged"
    frames = frames_of(client, {**EVERYTHING, "id": "all", **({"lanes": lanes} if lanes else {})})
    assert len([f for f in frames if f["type"] == "chunk"]) >= 2  # a first chunk, then the rest
    got = assemble(frames)
    if lanes is not None:
        whole["runs"] = [whole["runs"][i] for i in lanes]
    assert got == whole


def test_search_proposals_travel_in_the_stream(client):
    body = {"surface": "himmelblau", "steps": 30, "optimizers": [{"optimizer": "random_search"}]}
    frames = frames_of(client, body)
    chunks = [f for f in frames if f["type"] == "chunk"]
    proposals = [p for c in chunks for p in c["runs"][0]["proposals"]]
    accepted = [a for c in chunks for a in c["runs"][0]["accepted"]]
    assert len(proposals) == len(accepted) == 30 and any(accepted)
    assert proposals == client.post("/api/runs", json=body).json()["runs"][0]["proposals"]


def test_a_compact_stream_may_keep_any_field_of_the_runs(client):
    body = {"surface": "himmelblau", "steps": 30, "include": ["terms"],
            "optimizers": [{"optimizer": "random_search"}, {"optimizer": "adam", "params": {"lr": 0.05}}],
            "compact": {"float32": True, "fields": ["points", "proposals", "terms"]}}
    frames = frames_of(client, body)
    runs = [r for f in frames if f["type"] == "chunk" for r in f["runs"]]
    assert {tuple(sorted(r)) for r in runs} == {("points", "proposals", "terms"), ("points", "terms")}
    whole = client.post("/api/runs", json={k: v for k, v in body.items() if k != "compact"}).json()["runs"]
    terms = [sum((f["runs"][i]["terms"] for f in frames if f["type"] == "chunk"), []) for i in range(2)]
    assert terms == [run["terms"] for run in whole]
