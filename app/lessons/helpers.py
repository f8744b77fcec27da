"""Building a lesson: its lanes, labelled in both languages, and the lesson's shape."""
from __future__ import annotations

from ..optimizers import OPTIMIZERS


def lane(optimizer: str, en: str, ko: str, **params) -> dict:
    """A lane of a lesson, labelled in both languages. Labels are templates: every number in them is a field filled
    from the lane's live values (``"GD lr {lr}"``, app/services/labels.py), so they stay true when the lane is
    edited."""
    return {"optimizer": optimizer, "params": params, "label": en, "labels": {"en": en, "ko": ko}}


def rule_lane(rule: str, en: str, ko: str, **params) -> dict:
    """A lane whose optimizer is an update rule (optimizer ``custom``)."""
    return {**lane("custom", en, ko, **params), "rule": rule}


def known(optimizer: str) -> bool:
    return optimizer in OPTIMIZERS or optimizer == "custom"


def runs_here(item: dict) -> bool:
    """Every optimizer the lesson's lanes name (switches included) is in this build."""
    return all(known(o["optimizer"]) and known((o.get("switch") or {}).get("optimizer", o["optimizer"]))
               for o in item["state"]["optimizers"])


def lesson(id: str, title: dict, caption: dict, state: dict) -> dict:
    """A lesson; ``labels`` gathers its lanes' label templates by language (``labels[lang][i]``: lane ``i``'s)."""
    lanes = state["optimizers"]
    return {"id": id, "title": title, "caption": caption,
            "labels": {lang: [lane["labels"][lang] for lane in lanes] for lang in ("en", "ko")},
            "state": state}
