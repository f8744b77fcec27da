"""The lessons' own runs, for the tests that check each caption's claims (tests/test_lesson_claims_*.py) and the
lessons' shape (tests/test_lessons.py). A lesson's own state is run once per session (per xdist worker) through the
``lesson_runs`` fixture (tests/conftest.py); a state with a patch is run each time it is asked for."""
import json

import numpy as np
import pytest

from app.lessons import LESSONS

BY_ID = {lesson["id"]: lesson for lesson in LESSONS}


def post(client, lesson_id, **patch):
    state = {k: v for k, v in BY_ID[lesson_id]["state"].items() if k != "view"}
    r = client.post("/api/runs", json={**state, **patch})
    assert r.status_code == 200, r.text
    return r.content


def runs(client, lesson_id, **patch):
    """The runs of a lesson's state (without its view), with ``patch`` over it: POST /api/runs's ``runs``."""
    return json.loads(post(client, lesson_id, **patch))["runs"]


class LessonRuns:
    """``lesson_runs(id)``: the runs of lesson ``id`` as shipped, asked of the server once and kept as the answer's
    bytes, so every caller gets its own fresh copy; ``lesson_runs(id, **patch)`` runs the patched state anew."""

    def __init__(self, client):
        self.client = client
        self.answers: dict[str, bytes] = {}

    def __call__(self, lesson_id, **patch):
        if patch:
            return runs(self.client, lesson_id, **patch)
        if lesson_id not in self.answers:
            self.answers[lesson_id] = post(self.client, lesson_id)
        return json.loads(self.answers[lesson_id])["runs"]


def step_lengths(run):
    return np.hypot(*np.diff(np.asarray(run["points"]), axis=0).T)


def needs(*optimizers):
    from app.optimizers import OPTIMIZERS

    missing = [o for o in optimizers if o not in OPTIMIZERS]
    if missing:
        pytest.skip(f"optimizers {missing} are not in this build")
