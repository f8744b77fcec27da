"""Every lesson is complete in both languages, starts inside its plot, and labels its lanes with templates; the claims
of each caption are checked in tests/test_lesson_claims_*.py."""
import re

from app.lessons import LESSONS
from app.services.labels import parse
from app.surfaces import get_surface
from lesson_runs import BY_ID, runs


HANGUL = re.compile("[\uac00-\ud7a3]")


def test_every_lesson_is_complete_in_both_languages():
    assert len(LESSONS) >= 20
    assert len(BY_ID) == len(LESSONS)
    for lesson in BY_ID.values():
        for key in ("title", "caption"):
            assert lesson[key]["en"] and HANGUL.search(lesson[key]["ko"]), (lesson["id"], key)
        sentences = [s for s in lesson["caption"]["en"].split(". ") if s.strip()]
        assert 2 <= len(sentences) <= 5, lesson["id"]
        lanes = lesson["state"]["optimizers"]
        assert lesson["labels"]["en"] == [lane["label"] for lane in lanes], lesson["id"]
        assert len(lesson["labels"]["ko"]) == len(lanes) and all(lesson["labels"]["ko"]), lesson["id"]
        assert all("_ko" not in lane for lane in lanes)


def test_every_korean_lane_label_is_korean_where_the_english_one_is_words():
    for lesson in BY_ID.values():
        for en, ko in zip(lesson["labels"]["en"], lesson["labels"]["ko"]):
            english_words = [w for w in re.findall("[A-Za-z]{3,}", en) if w not in ENGLISH_IN_KOREAN]
            assert not english_words or HANGUL.search(ko), (lesson["id"], en, ko)


ENGLISH_IN_KOREAN = {"Adam", "Adagrad", "RMSprop", "Adadelta", "SGD", "BGD", "MAE", "MSE", "Lion", "Rprop", "BFGS"}  # names kept as written


NUMBER = re.compile(r"(?<![A-Za-z_])\d")  # a number, not the 1 of L1 or b1


def test_every_number_in_a_lane_label_is_a_field_filled_from_the_lane(lesson_runs):
    """Labels are templates ("GD lr {lr}"): the legend shows the lane's live values, never a number typed once."""
    for lesson in BY_ID.values():
        lanes = lesson["state"]["optimizers"]
        for lang in ("en", "ko"):
            for template in lesson["labels"][lang]:
                literal = "".join(p for p in parse(template) if isinstance(p, str))
                assert not NUMBER.search(literal), (lesson["id"], lang, template)
        assert [lane["labels"] for lane in lanes] == [{"en": en, "ko": ko} for en, ko in
                                                       zip(lesson["labels"]["en"], lesson["labels"]["ko"])]
        for run, lane in zip(lesson_runs(lesson["id"]), lanes):
            for text in (run["label"], run["labels"]["en"], run["labels"]["ko"]):
                assert "{" not in text and "}" not in text, (lesson["id"], text)
            for name, value in lane["params"].items():
                if "{%s}" % name in lane["label"]:
                    assert f"{value:g}" in run["label"] and f"{value:g}" in run["labels"]["ko"], (lesson["id"], name)


def test_a_lesson_label_follows_an_edited_lane(client):
    """Type lr 0.9 into a lesson's lane: its legend says 0.9, in both languages."""
    state = BY_ID["momentum_ravine"]["state"]
    lanes = [dict(lane) for lane in state["optimizers"]]
    lanes[0]["params"] = {**lanes[0]["params"], "lr": 0.9}
    lanes[1]["params"] = {**lanes[1]["params"], "momentum": 0.15000000000000002}
    gd, mom = runs(client, "momentum_ravine", optimizers=lanes)
    assert gd["label"] == "GD lr 0.9" and gd["labels"]["ko"] == "경사 하강법 lr 0.9"
    assert mom["label"] == "momentum 0.15, lr 0.15" and mom["labels"]["ko"] == "모멘텀 0.15, lr 0.15"


def test_every_lesson_starts_inside_its_plot_with_a_margin():
    """The start marker sits wholly inside the plot: at least 5% of the span from each edge (ce_wall once started
    at the exact corner, local_vs_global at the top-left one, momentum_escapes at an edge)."""
    for lesson in BY_ID.values():
        state = lesson["state"]
        surface = get_surface(state["surface"])
        x, y = state.get("start") or surface.default_start
        for (lo, hi), c in ((surface.domain.x, x), (surface.domain.y, y)):
            margin = 0.05 * (hi - lo) - 1e-9
            assert lo + margin <= c <= hi - margin, (lesson["id"], (x, y), surface.domain)


def test_every_lesson_state_runs(lesson_runs):
    for lesson in BY_ID.values():
        lesson_runs(lesson["id"])


def test_lessons_endpoint(client):
    body = client.get("/api/lessons").json()
    assert [lesson["id"] for lesson in body] == [lesson["id"] for lesson in LESSONS]
