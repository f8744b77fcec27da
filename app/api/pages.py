"""The page (``/``), the embed, the exports, plotly.js served from the installed ``plotly`` package, and the
API docs (Swagger UI at ``/docs``; no ReDoc: its page loads a logo from a CDN) with their assets
served from the installed ``fastapi-offline`` package."""
from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.openapi.docs import get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse, Response

from .. import services
from ..assets import PLOTLY_BUNDLES, STATIC_DIR, plotly_bundle_path, plotly_js_path
from ..services.first_paint import page_language, surface_caption
from ..services.state import decode_state, parse_view
from ..settings import settings
from .compute import compute, compute_for
from .serialize import AnswerResponse, gzip_accepted
from .serialize import gzipped as gzipped_parts
from .templates import TEMPLATES
STATE = Query(None, max_length=settings.max_state, description="base64url of a run request plus view options")
__all__ = ["STATIC_DIR", "router"]

router = APIRouter(tags=["page"])


def _check_state(state: str | None) -> dict | None:
    """A ``?state=`` the page would put into its DOM is checked here first: a 422 naming the field. The rules are
    the exports' (:mod:`app.services.state`): empty is the default view, unknown top-level keys are dropped; the run
    request's fields are the page's to mark where they are (an export, which computes them, refuses them)."""
    if state is None:
        return None
    decoded = decode_state(state)
    parse_view(decoded)
    return decoded


def _first_paint(request: Request, state: dict | None) -> dict:
    """What the first answer shows before any script runs (app/services/first_paint.py)."""
    lang = page_language(state, request.query_params.get("lang"), request.headers.get("accept-language"))
    return {"surface_info": surface_caption(state, lang)}


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def index(request: Request, state: str | None = STATE):
    decoded = _check_state(state)
    return TEMPLATES.TemplateResponse(request, "index.html", {"mode": "app", "caption": "",
                                                              **_first_paint(request, decoded)})


@router.get("/embed", response_class=HTMLResponse, include_in_schema=False)
async def embed(request: Request, caption: str = Query("", max_length=300), state: str | None = STATE):
    """The same view with no controls, for an <iframe> in slides: ?state=&caption=&autoplay=1&loop=1."""
    decoded = _check_state(state)
    return TEMPLATES.TemplateResponse(request, "index.html", {"mode": "embed", "caption": caption,
                                                              **_first_paint(request, decoded)})


@router.get("/favicon.ico", include_in_schema=False)
async def favicon() -> FileResponse:
    """Browsers ask for it on pages without an icon link (the API's JSON, /docs' assets): the page's own icon."""
    return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")


def _html_export(state: dict, gzipped: bool, lang: str | None = None, stop=None) -> tuple[list, str | None]:
    """The export's parts, compressed here in the worker when the client takes gzip (the gzip middleware would
    compress it on the event loop, a second of everyone's time)."""
    parts = services.exporting.export_html_parts(state, stop, lang=lang)
    return gzipped_parts(parts) if gzipped else (parts, None)


@router.get("/export.html", response_class=HTMLResponse, include_in_schema=False)
async def export_page(request: Request, state: str | None = STATE, download: bool = False,
                      lang: str | None = Query(None, max_length=8, description="the figure's language (en, ko); "
                                                                                "default: the state's, else the browser's")):
    """One self-contained HTML file: plotly.js inlined, trajectories precomputed, plays offline, titled and
    captioned in ``?lang=`` (or the state's language); sent part by part (:class:`AnswerResponse`)."""
    gzipped = gzip_accepted(request)
    decoded = decode_state(state)
    chosen = page_language(decoded, lang, request.headers.get("accept-language"))  # as the page picks it
    cost = await compute(services.exporting.export_cost, decoded)  # the checks and the estimates: a 422 at once
    parts, encoding = await compute_for(request, _html_export, decoded, gzipped, chosen, cost=cost)
    headers = {"Content-Disposition": 'attachment; filename="slopes.html"'} if download else {}
    return AnswerResponse(parts, encoding, media_type="text/html; charset=utf-8", headers=headers)


@router.get("/export.csv", include_in_schema=False)
async def export_csv_route(request: Request, state: str | None = STATE):
    decoded = decode_state(state)
    cost = await compute(services.exporting.export_cost, decoded, "csv")
    text = await compute_for(request, services.export_csv, decoded, cost=cost)
    return Response(text, media_type="text/csv", headers={"Content-Disposition": 'attachment; filename="slopes.csv"'})


@lru_cache(maxsize=4)
def _gzipped(path: Path) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=9)


async def _script(request: Request, path: Path) -> Response:
    """A large script, compressed once (in a thread), not on the event loop per request."""
    headers = {"Cache-Control": "public, max-age=86400", "Vary": "Accept-Encoding"}
    if gzip_accepted(request):
        body = await compute(_gzipped, path)
        return Response(body, media_type="text/javascript", headers={**headers, "Content-Encoding": "gzip"})
    return FileResponse(path, media_type="text/javascript", headers=headers)


@router.get("/vendor/plotly.min.js", include_in_schema=False)
async def plotly_js(request: Request):
    """The full plotly.js of the installed ``plotly`` package (the page itself loads the vendored bundles)."""
    return await _script(request, plotly_js_path())


@router.get("/vendor/{name}", include_in_schema=False)
async def plotly_bundle(request: Request, name: str):
    """A vendored plotly.js bundle: ``plotly-cartesian.min.js`` (2-D, loaded first) or ``plotly-gl3d.min.js``."""
    if name not in PLOTLY_BUNDLES:
        raise HTTPException(404, detail=f"/vendor/{name} does not exist")
    return await _script(request, plotly_bundle_path(name))


# --- API docs, self-hosted (FastAPI's "self-hosting JavaScript and CSS for docs" recipe) -------------------
def docs_assets() -> Path:
    import fastapi_offline

    return Path(fastapi_offline.__file__).resolve().parent / "static"


_DOCS_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Slopes API</title>
<link rel="stylesheet" href="/docs-assets/swagger-ui.css"><link rel="icon" href="/docs-assets/favicon.png">
</head><body><div id="swagger-ui"></div>
<script src="/docs-assets/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script>
</body></html>"""
_DOCS_INIT = """window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", validatorUrl: null,
  oauth2RedirectUrl: window.location.origin + "/docs/oauth2-redirect", deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset], layout: "BaseLayout"});
"""


@router.get("/docs", include_in_schema=False)
async def swagger_ui():
    return HTMLResponse(_DOCS_HTML)


@router.get("/docs/init.js", include_in_schema=False)
async def swagger_init():
    return Response(_DOCS_INIT, media_type="text/javascript")


@router.get("/docs/oauth2-redirect", include_in_schema=False)
async def swagger_redirect():
    return get_swagger_ui_oauth2_redirect_html()
