"""Where the page's files are: ``static/``, ``templates/`` and plotly.js from the installed ``plotly`` package.
Shared by the web layer (which serves them) and the exports (which inline them).

In the repository ``static/`` and ``templates/`` sit at the top level, beside ``app/``; an installed wheel carries
them inside the package (``app/static``, ``app/templates``: see ``setup.py``). One lookup serves both, so
``slopes serve``, ``slopes export`` and ``import app.main`` work from a clone, an editable install and a plain
``pip install .``.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import plotly

PACKAGE = Path(__file__).resolve().parent


def asset_dir(name: str) -> Path:
    """``app/<name>`` when installed from a wheel, else ``<repository>/<name>``."""
    for candidate in (PACKAGE / name, PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"the {name}/ folder is missing (looked in {PACKAGE} and {PACKAGE.parent}); "
                       f"reinstall slopes from a wheel or run it from the repository")


TEMPLATES_DIR = asset_dir("templates")
STATIC_DIR = asset_dir("static")


@lru_cache(maxsize=1)
def plotly_js_path() -> Path:
    path = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise RuntimeError(f"plotly.js not found at {path}; is the plotly package installed whole?")
    return path
