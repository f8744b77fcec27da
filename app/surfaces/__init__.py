"""Surfaces: analytic test functions and loss landscapes of tiny models."""
from __future__ import annotations

from .base import Domain, StationaryPoint, Surface
from .catalog import ANALYTIC_IDS, build
from .custom import DEFAULT_DOMAIN, custom_surface

SURFACE_IDS: tuple[str, ...] = ANALYTIC_IDS


class UnknownSurface(KeyError):
    pass


def get_surface(surface_id: str) -> Surface:
    if surface_id not in SURFACE_IDS:
        raise UnknownSurface(surface_id)
    return build(surface_id)


def all_surfaces() -> list[Surface]:
    return [build(s) for s in SURFACE_IDS]


__all__ = ["DEFAULT_DOMAIN", "custom_surface", "Domain", "StationaryPoint", "Surface", "SURFACE_IDS", "UnknownSurface", "get_surface", "all_surfaces"]
