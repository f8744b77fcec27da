"""What the page shows before its scripts run: the landscape's caption (name, formula and description, in the
page's language), written into the first answer so that the page's largest text is painted with the HTML, not
after plotly.js has been parsed and the API has answered. Once the page's script runs it writes the same words
(static/js/main.js, ``showSurfaceInfo``), from the same two places: the surface's metadata (``GET /api/surfaces``)
and the page's own catalogue (``static/i18n/<lang>.json``), whose names and descriptions win where it has them.
"""
from __future__ import annotations

import json
from functools import lru_cache

from ..assets import STATIC_DIR
from ..surfaces import SURFACE_IDS, get_surface

LANGS = ("en", "ko")
DEFAULT_SURFACE = "rosenbrock"  # the page's default state (static/js/state.js, defaultState)


@lru_cache(maxsize=len(LANGS))
def catalogue(lang: str) -> dict:
    return json.loads((STATIC_DIR / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))


def page_language(state: dict | None, query_lang: str | None, accept_language: str | None) -> str:
    """The language the page will pick: ``?lang=``, else the state's ``view.lang``, else the browser's."""
    view = (state or {}).get("view")
    for requested in (query_lang, view.get("lang") if isinstance(view, dict) else None):
        if requested in LANGS:
            return requested
    browser = (accept_language or "").split(",")[0].strip()[:2].lower()
    return browser if browser in LANGS else "en"


def surface_caption(state: dict | None, lang: str) -> dict | None:
    """``{"name": "Rosenbrock: ", "rest": "<formula>. <description>"}`` for the state's landscape, as the page
    writes it; None for a custom formula (its canonical form comes from the server's parse, once the page asks)."""
    surface_id = (state or {}).get("surface", DEFAULT_SURFACE)
    if surface_id == "custom":
        return None
    if surface_id not in SURFACE_IDS:  # the page falls back to its default landscape
        surface_id = DEFAULT_SURFACE
    surface = get_surface(surface_id)
    words = catalogue(lang if lang in LANGS else "en")
    name = words.get(f"surface_{surface_id}_name", surface.name)
    description = words.get(f"surface_{surface_id}_desc", surface.description)
    return {"name": f"{name}: ", "rest": f"{surface.formula}. {description}"}
