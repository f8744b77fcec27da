"""The analytic surfaces: metadata as data, minima and saddles polished from it.

Each entry names its functions in :mod:`.analytic`, a display domain, a default
start, and either a grid resolution for the stationary-point finder or the
published points to polish. Points that Newton cannot polish (the tip of
Ackley's cone, the monkey saddle's degenerate centre) are listed as exact.
"""
from __future__ import annotations

import math
from functools import lru_cache

from . import analytic
from .base import Domain, StationaryPoint, Surface
from .stationary import find_stationary

VLSE = analytic.VLSE

# id: (name, description, formula, latex, tags, domain x, domain y, default start, options)
SPECS: dict[str, dict] = {
    "quadratic": dict(
        name="Quadratic bowl",
        description="A round bowl: every direction has the same curvature, so the gradient points straight at the "
                    "minimum. Gradient descent diverges once lr exceeds 2/L = 1.",
        formula="x^2 + y^2", latex=r"f(x,y) = x^2 + y^2", tags=("convex", "bowl"),
        domain=((-3.0, 3.0), (-3.0, 3.0)), start=(-2.4, 1.8)),
    "ravine": dict(
        name="Ravine",
        description="An ill-conditioned quadratic (condition number 100): steep walls, a nearly flat floor. Plain "
                    "gradient descent zig-zags across; momentum and adaptive methods run along the floor.",
        formula="0.05*x^2 + 5*y^2", latex=r"f(x,y) = 0.05\,x^2 + 5\,y^2", tags=("convex", "ravine", "ill-conditioned"),
        domain=((-10.0, 10.0), (-4.0, 4.0)), start=(-9.0, 2.5)),
    "rosenbrock": dict(
        name="Rosenbrock",
        description="A long, curved, narrow valley. Finding the valley is easy; following it to (1, 1) is hard.",
        formula="(1 - x)^2 + 100*(y - x^2)^2", latex=r"f(x,y) = (1-x)^2 + 100\,(y-x^2)^2",
        tags=("ravine", "valley", "non-convex"), domain=((-2.0, 2.0), (-1.0, 3.0)), start=(-1.2, 1.0),
        log_scale=True, reference=f"{VLSE}: Rosenbrock function; Rosenbrock (1960)"),
    "beale": dict(
        name="Beale",
        description="Flat plateaus and sharp ridges around a minimum at (3, 0.5); two saddles.",
        formula="(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
        latex=r"f(x,y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
        tags=("plateau", "saddle", "non-convex"), domain=((-4.5, 4.5), (-4.5, 4.5)), start=(1.0, 1.5),
        log_scale=True, reference=f"{VLSE}: Beale function"),
    "himmelblau": dict(
        name="Himmelblau",
        description="Four minima of equal depth (f = 0), four saddles and a maximum: where a run ends depends on "
                    "where it starts.",
        formula="(x^2 + y - 11)^2 + (x + y^2 - 7)^2", latex=r"f(x,y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        tags=("local-minima", "saddle", "multimodal"), domain=((-5.0, 5.0), (-5.0, 5.0)), start=(-0.5, -0.5),
        log_scale=True, reference="Himmelblau (1972), Applied Nonlinear Programming"),
    "booth": dict(
        name="Booth", description="A tilted, elongated convex bowl with its minimum at (1, 3).",
        formula="(x + 2*y - 7)^2 + (2*x + y - 5)^2", latex=r"f(x,y) = (x + 2y - 7)^2 + (2x + y - 5)^2",
        tags=("convex", "plate-shaped"), domain=((-10.0, 10.0), (-10.0, 10.0)), start=(-8.0, -8.0),
        reference=f"{VLSE}: Booth function"),
    "matyas": dict(
        name="Matyas", description="A flat, tilted bowl: small gradients along its diagonal valley.",
        formula="0.26*(x^2 + y^2) - 0.48*x*y", latex=r"f(x,y) = 0.26\,(x^2 + y^2) - 0.48\,xy",
        tags=("convex", "plate-shaped", "plateau"), domain=((-10.0, 10.0), (-10.0, 10.0)), start=(-8.0, 4.0),
        reference=f"{VLSE}: Matyas function"),
    "three_hump_camel": dict(
        name="Three-hump camel", description="A global minimum at the origin flanked by two local minima and two saddles.",
        formula="2*x^2 - 1.05*x^4 + x^6/6 + x*y + y^2", latex=r"f(x,y) = 2x^2 - 1.05x^4 + \frac{x^6}{6} + xy + y^2",
        tags=("local-minima", "saddle"), domain=((-2.0, 2.0), (-2.0, 2.0)), start=(1.9, 1.2),
        log_scale=True, reference=f"{VLSE}: Three-Hump Camel function"),
    "six_hump_camel": dict(
        name="Six-hump camel", description="Six minima (two global), seven saddles: a classic test of which basin a "
                                           "run falls into.",
        formula="(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2",
        latex=r"f(x,y) = \left(4 - 2.1x^2 + \frac{x^4}{3}\right)x^2 + xy + (-4 + 4y^2)\,y^2",
        tags=("local-minima", "saddle", "multimodal"), domain=((-2.0, 2.0), (-1.0, 1.0)), start=(-1.0, -0.2),
        reference=f"{VLSE}: Six-Hump Camel function"),
    "styblinski_tang": dict(
        name="Styblinski-Tang", description="Four minima of different depths on a quartic landscape; the global one "
                                            "is at (-2.9035, -2.9035).",
        formula="0.5*(x^4 - 16*x^2 + 5*x + y^4 - 16*y^2 + 5*y)",
        latex=r"f(x,y) = \tfrac12\left(x^4 - 16x^2 + 5x + y^4 - 16y^2 + 5y\right)",
        tags=("local-minima", "saddle"), domain=((-5.0, 5.0), (-5.0, 5.0)), start=(0.5, 0.8),
        reference=f"{VLSE}: Styblinski-Tang function (d = 2, unscaled)"),
    "rastrigin": dict(
        name="Rastrigin", description="A bowl covered in an egg-crate of 121 local minima in view: gradient methods "
                                      "stop in the nearest dimple.",
        formula="20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)",
        latex=r"f(x,y) = 20 + x^2 - 10\cos(2\pi x) + y^2 - 10\cos(2\pi y)",
        tags=("local-minima", "multimodal"), domain=((-5.12, 5.12), (-5.12, 5.12)), start=(3.2, -2.3),
        grid=60, reference=f"{VLSE}: Rastrigin function"),
    "ackley": dict(
        name="Ackley", description="A nearly flat outer region full of small dimples around a deep cone-shaped hole "
                                   "at the origin.",
        formula="-20*exp(-0.2*sqrt(0.5*(x^2 + y^2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20",
        latex=r"f(x,y) = -20\,e^{-0.2\sqrt{0.5(x^2+y^2)}} - e^{0.5(\cos 2\pi x + \cos 2\pi y)} + e + 20",
        tags=("local-minima", "multimodal", "plateau"), domain=((-5.0, 5.0), (-5.0, 5.0)), start=(3.3, -2.6),
        grid=60, exact_minima=((0.0, 0.0),), reference=f"{VLSE}: Ackley function (a = 20, b = 0.2, c = 2 pi)"),
    "goldstein_price": dict(
        name="Goldstein-Price", description="Values spanning six orders of magnitude; a global minimum of 3 at (0, -1) "
                                            "and three local minima.",
        formula="(1 + (x + y + 1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2))"
                "*(30 + (2*x - 3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))",
        latex=r"f = \left[1 + (x+y+1)^2(19 - 14x + 3x^2 - 14y + 6xy + 3y^2)\right]\left[30 + (2x-3y)^2(18 - 32x + 12x^2 + 48y - 36xy + 27y^2)\right]",
        tags=("local-minima", "saddle", "multimodal"), domain=((-2.0, 2.0), (-2.0, 2.0)), start=(-1.2, 1.2),
        log_scale=True, reference=f"{VLSE}: Goldstein-Price function"),
    "mccormick": dict(
        name="McCormick", description="A gently curved plane with a global and a local minimum and a saddle between.",
        formula="sin(x + y) + (x - y)^2 - 1.5*x + 2.5*y + 1", latex=r"f(x,y) = \sin(x+y) + (x-y)^2 - 1.5x + 2.5y + 1",
        tags=("local-minima", "saddle"), domain=((-1.5, 4.0), (-3.0, 4.0)), start=(3.5, -2.5),
        reference=f"{VLSE}: McCormick function"),
    "levi": dict(
        name="Lévi N.13", description="A global minimum at (1, 1) in a dense lattice of local minima.",
        formula="sin(3*pi*x)^2 + (x - 1)^2*(1 + sin(3*pi*y)^2) + (y - 1)^2*(1 + sin(2*pi*y)^2)",
        latex=r"f(x,y) = \sin^2(3\pi x) + (x-1)^2\left(1 + \sin^2(3\pi y)\right) + (y-1)^2\left(1 + \sin^2(2\pi y)\right)",
        tags=("local-minima", "multimodal"), domain=((-1.0, 3.0), (-1.0, 3.0)), start=(-0.6, 2.4),
        grid=60, reference=f"{VLSE}: Levy function N. 13"),
    "saddle": dict(
        name="Saddle", description="A saddle at the origin between two minima at (0, ±1). A run started on the "
                                   "x-axis stalls at the saddle unless noise or momentum pushes it off.",
        formula="x^2 - 2*y^2 + y^4", latex=r"f(x,y) = x^2 - 2y^2 + y^4", tags=("saddle",),
        domain=((-2.0, 2.0), (-2.0, 2.0)), start=(1.8, 0.01)),
    "monkey_saddle": dict(
        name="Monkey saddle", description="A degenerate saddle with three valleys (room for a monkey's tail): the "
                                          "Hessian vanishes at the origin. Unbounded below: runs that leave diverge.",
        formula="x^3 - 3*x*y^2", latex=r"f(x,y) = x^3 - 3xy^2", tags=("saddle", "degenerate", "unbounded"),
        domain=((-1.5, 1.5), (-1.5, 1.5)), start=(0.8, 0.1), exact_saddles=((0.0, 0.0),)),
    "plateau": dict(
        name="Plateau", description="A Gaussian well in a wide flat plain: far from the centre gradients nearly "
                                    "vanish, so plain gradient descent barely moves while adaptive methods stride.",
        formula="1 - exp(-(x^2 + y^2) / 2)", latex=r"f(x,y) = 1 - e^{-(x^2+y^2)/2}", tags=("plateau", "vanishing-gradient"),
        domain=((-5.0, 5.0), (-5.0, 5.0)), start=(3.6, 2.8)),
}

ANALYTIC_IDS = tuple(SPECS)


@lru_cache(maxsize=None)
def build(surface_id: str) -> Surface:
    spec = SPECS[surface_id]
    value, gradient, hessian = analytic.FUNCTIONS[surface_id]
    domain = Domain(*spec["domain"])
    minima, saddles = find_stationary(value, gradient, hessian, domain, n=spec.get("grid", 40))
    exact = [StationaryPoint(p, float(value(*p, math)), "global") for p in spec.get("exact_minima", ())]
    if exact:
        lowest = min(m.value for m in exact)
        minima = exact + [StationaryPoint(m.point, m.value, "local" if m.value > lowest else m.kind) for m in minima]
    saddles = saddles + [StationaryPoint(p, float(value(*p, math)), "saddle") for p in spec.get("exact_saddles", ())]
    return Surface(
        id=surface_id, name=spec["name"], description=spec["description"], formula=spec["formula"],
        latex=spec["latex"], tags=spec["tags"], domain=domain, default_start=spec["start"],
        value=value, gradient=gradient, hessian=hessian, minima=tuple(minima), saddles=tuple(saddles),
        reference=spec.get("reference", ""), log_scale=spec.get("log_scale", False),
    )
