"""The page (``/``), its assets, and plotly.js served from the installed ``plotly`` package."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import plotly
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = Jinja2Templates(directory=str(ROOT / "templates"))
STATIC_DIR = ROOT / "static"

router = APIRouter(tags=["page"])


@lru_cache(maxsize=1)
def plotly_js_path() -> Path:
    path = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise RuntimeError(f"plotly.js not found at {path}; is the plotly package installed whole?")
    return path


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def index(request: Request):
    return TEMPLATES.TemplateResponse(request, "index.html", {"mode": "app"})


@router.get("/vendor/plotly.min.js", include_in_schema=False)
async def plotly_js():
    return FileResponse(plotly_js_path(), media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})
