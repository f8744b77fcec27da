"""Where the page's files are: templates, static files and plotly.js from the installed ``plotly`` package.
Shared by the web layer (which serves them) and the exports (which inline them)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import plotly

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = ROOT / "templates"
STATIC_DIR = ROOT / "static"


@lru_cache(maxsize=1)
def plotly_js_path() -> Path:
    path = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise RuntimeError(f"plotly.js not found at {path}; is the plotly package installed whole?")
    return path
