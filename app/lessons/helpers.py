"""Building a lesson: its lanes, labelled in both languages, and the lesson's shape."""
from __future__ import annotations

from ..optimizers import OPTIMIZERS


def lane(optimizer: str, en: str, ko: str, **params) -> dict:
    """A lane of a lesson, labelled in both languages (``_ko`` is moved into the lesson's ``labels``)."""
    return {"optimizer": optimizer, "params": params, "label": en, "_ko": ko}


def rule_lane(rule: str, en: str, ko: str, **params) -> dict:
    """A lane whose optimizer is an update rule (optimizer ``custom``)."""
    return {"optimizer": "custom", "rule": rule, "params": params, "label": en, "_ko": ko}


def known(optimizer: str) -> bool:
    return optimizer in OPTIMIZERS or optimizer == "custom"


def runs_here(item: dict) -> bool:
    """Every optimizer the lesson's lanes name (switches included) is in this build."""
    return all(known(o["optimizer"]) and known((o.get("switch") or {}).get("optimizer", o["optimizer"]))
               for o in item["state"]["optimizers"])


def lesson(id: str, title: dict, caption: dict, state: dict) -> dict:
    lanes = [dict(lane) for lane in state["optimizers"]]
    ko = [lane.pop("_ko") for lane in lanes]
    return {"id": id, "title": title, "caption": caption,
            "labels": {"en": [lane["label"] for lane in lanes], "ko": ko},
            "state": {**state, "optimizers": lanes}}
