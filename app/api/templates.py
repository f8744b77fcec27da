"""The Jinja2 templates of the pages and of the refusal page a person sees for a bad link."""
from __future__ import annotations

from fastapi.templating import Jinja2Templates

from ..assets import TEMPLATES_DIR

TEMPLATES = Jinja2Templates(directory=str(TEMPLATES_DIR))
