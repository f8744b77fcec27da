"""The Jinja2 templates of the pages and of the refusal page a person sees for a bad link."""
from __future__ import annotations

from fastapi.templating import Jinja2Templates

from ..assets import TEMPLATES_DIR, module_graph

TEMPLATES = Jinja2Templates(directory=str(TEMPLATES_DIR))
# the page's modules, named in its head so the browser fetches them at once (app.assets.module_graph)
TEMPLATES.env.globals["modules"] = module_graph("js/main.js")
