"""What the page shows before its scripts run: the landscape's caption (name, formula and description, in the
page's language), written into the first answer so that the page's largest text is painted with the HTML, not
after plotly.js has been parsed and the API has answered. Once the page's script runs it writes the same words
(static/js/toolbar.js, ``showSurfaceInfo``), from the same place: the surface's own names and descriptions in both
languages (``GET /api/surfaces``).
"""
from __future__ import annotations

from ..surfaces import SURFACE_IDS, get_surface

LANGS = ("en", "ko")
DEFAULT_SURFACE = "rosenbrock"  # the page's default state (static/js/state.js, defaultState)


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
    lang = lang if lang in LANGS else "en"
    name = getattr(surface.names, lang)
    description = getattr(surface.descriptions, lang)
    return {"name": f"{name}: ", "rest": f"{surface.formula}. {description}"}
