"""JSON request bodies read by the API's own rules (:func:`app.services.state.read_json`), not by Starlette's
plain ``json.loads``: a 5000-digit number or a ``1e-400`` that would become 0 is a 422 naming its field, a body
nested too deep a 422 at ``body``, and ``-0.0`` is read as ``0.0``. Routers that take a body use
``route_class=JSONRoute`` (FastAPI's custom request class recipe)."""
from __future__ import annotations

from typing import Any, Callable

from fastapi import Request
from fastapi.routing import APIRoute

from ..services.state import parse_json


class JSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = parse_json(await self.body(), [])  # NaN stays for the schema to refuse at its field
        return self._json


class JSONRoute(APIRoute):
    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def read_by_our_rules(request: Request):
            return await handler(JSONRequest(request.scope, request.receive))

        return read_by_our_rules
