"""Texts in the page's two languages, English and Korean.

Every name, description and label the page shows about a surface, an optimizer or a schedule has one home: the
definition it describes (a surface's spec, an optimizer's rule file, a schedule's entry), written there with
these types, and served by the API (``names``, ``descriptions``, ``labels``: ``{"en": ..., "ko": ...}``).
The page's i18n files keep only the page's own words.
"""
from __future__ import annotations

from typing import NamedTuple

LANGUAGES = ("en", "ko")


class Bilingual(NamedTuple):
    """One text in English and in Korean."""

    en: str
    ko: str

    def as_dict(self) -> dict:
        return {"en": self.en, "ko": self.ko}


class Label(NamedTuple):
    """A name a rule reports (a term or a quantity of an explained step) with what it is, in both languages."""

    name: str
    en: str
    ko: str

    def as_dict(self) -> dict:
        return {"name": self.name, "en": self.en, "ko": self.ko}


def lines(*parts: Bilingual) -> Bilingual:
    """Text lines (an update rule, line by line), in both languages."""
    return Bilingual("\n".join(p.en for p in parts), "\n".join(p.ko for p in parts))
