"""Surfaces: analytic test functions and loss landscapes of tiny models."""
from __future__ import annotations

from .base import Domain, StationaryPoint, Surface
from .catalog import ANALYTIC_IDS, build
from .custom import DEFAULT_DOMAIN, custom_surface
from .datasets import DATASET_IDS, build_dataset_surface

SURFACE_IDS: tuple[str, ...] = ANALYTIC_IDS + DATASET_IDS


class UnknownSurface(KeyError):
    pass


def get_surface(surface_id: str, l1: float = 0.0, l2: float = 0.0) -> Surface:
    """A surface by id; ``l1``/``l2`` penalties apply to data-set surfaces (their minima are recomputed)."""
    if surface_id in DATASET_IDS:
        return build_dataset_surface(surface_id, float(l1), float(l2))
    if surface_id not in SURFACE_IDS:
        raise UnknownSurface(surface_id)
    return build(surface_id)


def all_surfaces() -> list[Surface]:
    return [get_surface(s) for s in SURFACE_IDS]


__all__ = ["DATASET_IDS", "DEFAULT_DOMAIN", "custom_surface", "Domain", "StationaryPoint", "Surface", "SURFACE_IDS", "UnknownSurface", "get_surface", "all_surfaces"]
