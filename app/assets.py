"""Where the page's files live: ``static/`` and ``templates/``.

In the repository they sit at the top level, beside ``app/``; an installed wheel carries them inside the
package (``app/static``, ``app/templates``: see ``setup.py``). One lookup serves both, so ``slopes serve``,
``slopes export`` and ``import app.main`` work from a clone, an editable install and a plain ``pip install .``.
"""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def asset_dir(name: str) -> Path:
    """``app/<name>`` when installed from a wheel, else ``<repository>/<name>``."""
    for candidate in (PACKAGE / name, PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"the {name}/ folder is missing (looked in {PACKAGE} and {PACKAGE.parent}); "
                       f"reinstall slopes from a wheel or run it from the repository")


STATIC_DIR = asset_dir("static")
TEMPLATES_DIR = asset_dir("templates")
