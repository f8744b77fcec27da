"""The page (``/``), its assets, and plotly.js served from the installed ``plotly`` package."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import plotly
from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from ..assets import STATIC_DIR, TEMPLATES_DIR
from .compute import compute

TEMPLATES = Jinja2Templates(directory=str(TEMPLATES_DIR))

router = APIRouter(tags=["page"])


@lru_cache(maxsize=1)
def plotly_js_path() -> Path:
    path = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise RuntimeError(f"plotly.js not found at {path}; is the plotly package installed whole?")
    return path


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def index(request: Request):
    return TEMPLATES.TemplateResponse(request, "index.html", {"mode": "app", "caption": ""})


@router.get("/embed", response_class=HTMLResponse, include_in_schema=False)
async def embed(request: Request, caption: str = Query("", max_length=300)):
    """The same view with no controls, for an <iframe> in slides: ?state=&caption=&autoplay=1&loop=1."""
    return TEMPLATES.TemplateResponse(request, "index.html", {"mode": "embed", "caption": caption})


@router.get("/export.html", response_class=HTMLResponse, include_in_schema=False)
async def export_page(state: str = Query(max_length=64 * 1024), download: bool = False):
    """One self-contained HTML file: plotly.js inlined, trajectories precomputed, plays offline."""
    from .export import decode_state, export_html

    html = await compute(export_html, decode_state(state))
    headers = {"Content-Disposition": 'attachment; filename="slopes.html"'} if download else {}
    return HTMLResponse(html, headers=headers)


@router.get("/export.csv", include_in_schema=False)
async def export_csv_route(state: str = Query(max_length=64 * 1024)):
    from .export import decode_state, export_csv

    text = await compute(export_csv, decode_state(state))
    return Response(text, media_type="text/csv", headers={"Content-Disposition": 'attachment; filename="slopes.csv"'})


@router.get("/vendor/plotly.min.js", include_in_schema=False)
async def plotly_js():
    return FileResponse(plotly_js_path(), media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})
