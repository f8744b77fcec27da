"""Surfaces from a user's formula (see :mod:`app.formula`): exact derivatives, stationary points found
numerically (a grid of Newton starts) and labelled as found, not proven."""
from __future__ import annotations

from functools import lru_cache

from ..bilingual import Bilingual
from ..formula import compile_formula
from .base import Domain, Surface
from .stationary import find_stationary

DEFAULT_DOMAIN = Domain((-3.0, 3.0), (-3.0, 3.0))
FINDER_GRID = 24  # starts per side for the stationary-point search


NAMES = Bilingual("Custom formula", "사용자 정의 식")
DESCRIPTIONS = Bilingual("A formula typed by the user. Minima and saddles were found numerically from a grid of "
                         "starts: found, not proven.",
                         "사용자가 입력한 식. 최솟점과 안장점은 격자 위의 여러 출발점에서 수치적으로 찾은 것입니다: "
                         "증명된 것은 아닙니다.")


@lru_cache(maxsize=128)
def custom_surface(formula: str, domain: Domain = DEFAULT_DOMAIN, find_points: bool = True) -> Surface:
    """A :class:`Surface` for ``formula`` on ``domain``; raises :class:`app.formula.FormulaError`."""
    f = compile_formula(formula)
    minima, saddles = (find_stationary(f.value, f.gradient, f.hessian, domain, n=FINDER_GRID)
                       if find_points else ([], []))
    (x0, x1), (y0, y1) = domain.x, domain.y
    return Surface(
        id="custom", names=NAMES, descriptions=DESCRIPTIONS,
        formula=formula, latex=f.latex, tags=("custom",), domain=domain,
        default_start=(x0 + 0.8 * (x1 - x0), y0 + 0.8 * (y1 - y0)),
        value=f.value, gradient=f.gradient, hessian=f.hessian, minima=tuple(minima), saddles=tuple(saddles),
        extra={"stationary_points": "found numerically, not proven"} if find_points else {},
    )
