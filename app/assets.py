"""Where the page's files are: ``static/``, ``templates/``, the vendored plotly.js bundles
(``static/vendor/plotly``: cartesian for 2-D, gl3d for 3-D) and the full plotly.js of the installed ``plotly``
package.
Shared by the web layer (which serves them) and the exports (which inline them).

In the repository ``static/`` and ``templates/`` sit at the top level, beside ``app/``; an installed wheel carries
them inside the package (``app/static``, ``app/templates``: see ``setup.py``). One lookup serves both, so
``slopes serve``, ``slopes export`` and ``import app.main`` work from a clone, an editable install and a plain
``pip install .``.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path, PurePosixPath

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


PLOTLY_BUNDLES = {"plotly-cartesian.min.js", "plotly-gl3d.min.js"}


def plotly_bundle_path(name: str) -> Path:
    """A vendored plotly.js bundle (``static/vendor/plotly``, see its README): ``plotly-cartesian.min.js`` draws
    the 2-D views, the charts and the export; ``plotly-gl3d.min.js`` the 3-D view, loaded when it is opened."""
    if name not in PLOTLY_BUNDLES:
        raise KeyError(name)
    return STATIC_DIR / "vendor" / "plotly" / name


# a static import in an ES module: `import ... from "./x.js"`, `import "./x.js"`, `export ... from "./x.js"` (multi-line
# import lists too); dynamic import() is loaded when asked, not at the start
_STATIC_IMPORT = re.compile(r"""^\s*(?:import|export)\b[^;'"]*?(?:\bfrom\s*)?["'](\.{1,2}/[^"']+\.js)["']""", re.M | re.S)


@lru_cache(maxsize=8)
def module_graph(entry: str) -> tuple[str, ...]:
    """Every module the page's module ``entry`` (a path under ``static/``, such as ``js/main.js``) imports, directly
    or not, as paths under ``static/``, in the order first met: the page names them all in its head
    (``<link rel="modulepreload">``) so the browser fetches them at once instead of level by level as each
    module's imports are read."""
    seen: list[str] = []
    todo = [entry]
    while todo:
        current = todo.pop(0)
        if current in seen:
            continue
        seen.append(current)
        path = STATIC_DIR / current
        if not path.is_file():
            continue
        base = Path(current).parent
        for spec in _STATIC_IMPORT.findall(path.read_text(encoding="utf-8")):
            todo.append(str(PurePosixPath(os.path.normpath(base / spec))))
    return tuple(seen[1:])
