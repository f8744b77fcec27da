"""GET /api/surfaces, /api/surfaces/{id}, /api/surfaces/{id}/grid."""
from __future__ import annotations

import math

from fastapi import APIRouter, HTTPException, Query

from ..settings import settings
from ..surfaces import DATASET_IDS, SURFACE_IDS, UnknownSurface, all_surfaces, get_surface
from ..services.errors import Refused
from ..services.planning import surface_for
from .compute import compute
from ..schemas import CustomSurfaceIn, GridOut, SurfaceOut
from .serialize import FastJSON
from .bodies import JSONRoute

router = APIRouter(prefix="/api/surfaces", tags=["surfaces"], route_class=JSONRoute)


def _surface_or_404(surface_id: str, l1: float = 0.0, l2: float = 0.0):
    if (l1 or l2) and surface_id not in DATASET_IDS:
        raise Refused(["l1" if l1 else "l2"], f"l1/l2 penalties apply to data-set surfaces ({', '.join(DATASET_IDS)})")
    try:
        return get_surface(surface_id, l1, l2)
    except UnknownSurface:
        raise HTTPException(404, f"unknown surface {surface_id!r}; expected one of {list(SURFACE_IDS)}") from None


@router.get("", response_model=list[SurfaceOut])
async def list_surfaces():
    return FastJSON([s.metadata() for s in await compute(all_surfaces)])


@router.post("/custom", response_model=SurfaceOut)
async def custom_surface(body: CustomSurfaceIn):
    """Validate a formula; its LaTeX, domain, and the minima and saddles found numerically (not proven)."""
    surface = await compute(surface_for, "custom", body.formula, body.domain, True)
    return FastJSON(surface.metadata())


@router.get("/custom/grid", response_model=GridOut)
async def custom_grid(formula: str = Query(max_length=10_000), n: int = Query(200, ge=2, le=settings.max_grid),
                      x0: float | None = None, x1: float | None = None, y0: float | None = None,
                      y1: float | None = None):
    """Values of a formula on an n x n grid (default domain [-3, 3] x [-3, 3])."""
    surface = await compute(surface_for, "custom", formula, None, False)
    return await _grid(surface, n, x0, x1, y0, y1)


def penalty(name: str):
    """A fresh Query per parameter: one Query object shared by l1 and l2 made FastAPI read l1 into both."""
    return Query(0.0, ge=0, le=100, description=f"data-set surfaces: the {name} penalty (the minima move)")


@router.get("/{surface_id}", response_model=SurfaceOut)
async def one_surface(surface_id: str, l1: float = penalty("L1"), l2: float = penalty("L2")):
    return FastJSON((await compute(_surface_or_404, surface_id, l1, l2)).metadata())


@router.get("/{surface_id}/grid", response_model=GridOut)
async def grid(surface_id: str, n: int = Query(200, ge=2, le=settings.max_grid),
               x0: float | None = None, x1: float | None = None, y0: float | None = None, y1: float | None = None,
               l1: float = penalty("L1"), l2: float = penalty("L2")):
    return await _grid(await compute(_surface_or_404, surface_id, l1, l2), n, x0, x1, y0, y1)


async def _grid(surface, n, x0, x1, y0, y1):
    x_range = _range("x", x0, x1, surface.domain.x)
    y_range = _range("y", y0, y1, surface.domain.y)
    g = await compute(surface.grid, n, x_range, y_range)
    return FastJSON(g)  # non-finite values become null


def _range(axis: str, lo, hi, default):
    lo = default[0] if lo is None else lo
    hi = default[1] if hi is None else hi
    for name, v in ((f"{axis}0", lo), (f"{axis}1", hi)):
        if not math.isfinite(v) or abs(v) > 1e12:
            raise Refused([name], f"{name} must be a finite number of reasonable size, got {v}")
    if not lo < hi:
        raise Refused([f"{axis}1"], f"{axis}1 must be greater than {axis}0")
    return (lo, hi)
