"""Every surface's derivatives against finite differences, and its metadata against its formula."""
import math

import numpy as np
import pytest

from app.numeric import scalar
from app.surfaces import SURFACE_IDS, all_surfaces, get_surface

SURFACES = all_surfaces()
IDS = [s.id for s in SURFACES]


def random_points(surface, n=40, seed=0):
    rng = np.random.default_rng(seed)
    (x0, x1), (y0, y1) = surface.domain.x, surface.domain.y
    return rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)


@pytest.mark.parametrize("surface", SURFACES, ids=IDS)
def test_gradient_matches_central_differences(surface):
    x, y = random_points(surface)
    h = 1e-6 * surface.domain.span
    gx, gy = surface.gradient(x, y, np)
    fx = (surface.value(x + h, y, np) - surface.value(x - h, y, np)) / (2 * h)
    fy = (surface.value(x, y + h, np) - surface.value(x, y - h, np)) / (2 * h)
    scale = 1 + np.abs(surface.value(x, y, np))
    assert np.max(np.abs(gx - fx) / scale) < 1e-5
    assert np.max(np.abs(gy - fy) / scale) < 1e-5


@pytest.mark.parametrize("surface", SURFACES, ids=IDS)
def test_hessian_matches_differences_of_the_gradient(surface):
    x, y = random_points(surface, seed=1)
    h = 1e-6 * surface.domain.span
    hxx, hxy, hyy = (np.broadcast_to(v, x.shape) for v in surface.hessian(x, y, np))
    gxp, gyp = surface.gradient(x + h, y, np)
    gxm, gym = surface.gradient(x - h, y, np)
    gxq, gyq = surface.gradient(x, y + h, np)
    gxr, gyr = surface.gradient(x, y - h, np)
    scale = 1 + np.abs(hxx) + np.abs(hyy) + np.abs(hxy)
    assert np.max(np.abs(hxx - (gxp - gxm) / (2 * h)) / scale) < 1e-5
    assert np.max(np.abs(hxy - (gyp - gym) / (2 * h)) / scale) < 1e-5
    assert np.max(np.abs(hxy - (gxq - gxr) / (2 * h)) / scale) < 1e-5
    assert np.max(np.abs(hyy - (gyq - gyr) / (2 * h)) / scale) < 1e-5


@pytest.mark.parametrize("surface", SURFACES, ids=IDS)
def test_floats_and_arrays_agree(surface):
    """The float path (few runs) and the array path (many) evaluate the same function."""
    x, y = random_points(surface, n=5, seed=2)
    for xi, yi in zip(x, y):
        assert surface.value(float(xi), float(yi), scalar) == pytest.approx(surface.value(xi, yi, np), rel=1e-13)
        for a, b in zip(surface.gradient(float(xi), float(yi), scalar), surface.gradient(np.array([xi]), np.array([yi]), np)):
            assert a == pytest.approx(float(np.ravel(b)[0]), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("surface", SURFACES, ids=IDS)
def test_listed_points_are_stationary_inside_the_domain_with_their_values(surface):
    for m in surface.minima + surface.saddles:
        x, y = m.point
        assert surface.domain.contains(m.point), m
        assert surface.value(x, y, np) == pytest.approx(m.value, abs=1e-6 * (1 + abs(m.value)))
        if surface.id == "ackley" and m.point == (0.0, 0.0):
            continue  # the tip of a cone: a subgradient of zero, no derivative
        if "kinks" in surface.tags:  # MAE, hinge: the minimum sits on a kink; check it is lowest around
            d = 1e-4 * surface.domain.span
            ws, bs = np.meshgrid(np.linspace(x - d, x + d, 21), np.linspace(y - d, y + d, 21))
            assert surface.value(ws, bs, np).min() >= m.value - 1e-12, m
            continue
        gx, gy = surface.gradient(x, y, np)
        assert math.hypot(gx, gy) < 1e-6 * (1 + abs(m.value)), m
    for m in surface.minima:
        if (surface.id == "ackley" and m.point == (0.0, 0.0)) or "kinks" in surface.tags:
            continue
        hxx, hxy, hyy = surface.hessian(*m.point, np)
        assert np.linalg.eigvalsh([[hxx, hxy], [hxy, hyy]]).min() > 0, m
    for s in surface.saddles:
        hxx, hxy, hyy = surface.hessian(*s.point, np)
        eig = np.linalg.eigvalsh([[hxx, hxy], [hxy, hyy]])
        assert eig.min() < 0 < eig.max() or np.allclose(eig, 0), s  # the monkey saddle is degenerate


# Published global minima (VLSE, Surjanovic & Bingham; Himmelblau 1972), to the digits published.
PUBLISHED = {
    "rosenbrock": ([(1.0, 1.0)], 0.0),
    "beale": ([(3.0, 0.5)], 0.0),
    "himmelblau": ([(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)], 0.0),
    "booth": ([(1.0, 3.0)], 0.0),
    "matyas": ([(0.0, 0.0)], 0.0),
    "three_hump_camel": ([(0.0, 0.0)], 0.0),
    "six_hump_camel": ([(0.0898, -0.7126), (-0.0898, 0.7126)], -1.0316),
    "styblinski_tang": ([(-2.903534, -2.903534)], -39.16599 * 2),
    "rastrigin": ([(0.0, 0.0)], 0.0),
    "ackley": ([(0.0, 0.0)], 0.0),
    "goldstein_price": ([(0.0, -1.0)], 3.0),
    "mccormick": ([(-0.54719, -1.54719)], -1.9133),
    "levi": ([(1.0, 1.0)], 0.0),
}

# Notable local minima a student sees on the contour (counts inside the display domain).
MINIMA_COUNTS = {"himmelblau": 4, "six_hump_camel": 6, "styblinski_tang": 4, "three_hump_camel": 3,
                 "goldstein_price": 4, "mccormick": 2, "saddle": 2, "rastrigin": 121, "quadratic": 1, "ravine": 1}


@pytest.mark.parametrize("sid", sorted(PUBLISHED))
def test_global_minima_match_published_values(sid):
    points, value = PUBLISHED[sid]
    surface = get_surface(sid)
    globals_ = [m for m in surface.minima if m.kind == "global"]
    assert len(globals_) == len(points)
    digits = 1e-4 if sid in ("six_hump_camel", "mccormick") else 1e-5
    for p in points:
        nearest = min(globals_, key=lambda m: math.dist(m.point, p))
        assert math.dist(nearest.point, p) < 1e-4 * (1 + abs(p[0]) + abs(p[1]))
        assert nearest.value == pytest.approx(value, abs=digits * (1 + abs(value)))


@pytest.mark.parametrize("sid,count", sorted(MINIMA_COUNTS.items()))
def test_every_visible_minimum_is_listed(sid, count):
    assert len(get_surface(sid).minima) == count


def test_goldstein_price_local_minima_are_the_known_ones():
    values = sorted(round(m.value, 6) for m in get_surface("goldstein_price").minima)
    assert values == [3.0, 30.0, 84.0, 840.0]


def test_saddles_where_the_literature_has_them():
    assert len(get_surface("himmelblau").saddles) == 4
    assert (0.0, 0.0) in [s.point for s in get_surface("saddle").saddles]
    assert (0.0, 0.0) in [s.point for s in get_surface("monkey_saddle").saddles]
    beale = [s.point for s in get_surface("beale").saddles]
    assert any(math.dist(p, (0.0, 1.0)) < 1e-9 for p in beale)


def test_ravine_is_ill_conditioned():
    hxx, hxy, hyy = get_surface("ravine").hessian(0.0, 0.0, np)
    eig = np.linalg.eigvalsh([[hxx, hxy], [hxy, hyy]])
    assert eig.max() / eig.min() >= 50


def test_plateau_gradients_nearly_vanish_far_out():
    s = get_surface("plateau")
    gx, gy = s.gradient(4.0, 3.0, np)
    assert math.hypot(gx, gy) < 1e-4
    assert s.value(4.0, 3.0, np) > 0.99


def test_saddle_surface_is_bounded_below_in_its_domain():
    s = get_surface("saddle")
    g = s.grid(101)
    assert g["z"].min() >= min(m.value for m in s.minima) - 1e-12


def test_grid_orientation_and_meshgrid_support():
    s = get_surface("rosenbrock")
    g = s.grid(5, (-2, 2), (-1, 3))
    for j, yv in enumerate(g["y"]):
        for i, xv in enumerate(g["x"]):
            assert g["z"][j][i] == pytest.approx((1 - xv) ** 2 + 100 * (yv - xv ** 2) ** 2)


def test_every_listed_surface_has_metadata():
    for sid in SURFACE_IDS:
        meta = get_surface(sid).metadata()
        for key in ("id", "name", "description", "formula", "latex", "tags", "domain", "default_start", "minima",
                    "saddles"):
            assert meta[key] is not None and meta[key] != "", (sid, key)
        assert get_surface(sid).domain.contains(meta["default_start"])


ANALYTIC = [sid for sid in SURFACE_IDS if get_surface(sid).extra.get("dataset") is None]


def test_every_analytic_surface_is_checked_against_its_formula():
    assert len(ANALYTIC) >= 18 and {"rosenbrock", "goldstein_price", "levi", "ackley"} <= set(ANALYTIC)


@pytest.mark.parametrize("sid", ANALYTIC)
def test_formula_text_parses_and_equals_the_code(sid):
    """The formula a user reads (and may paste into Custom) is the parser's grammar and the very function the
    code computes: value, gradient and Hessian agree at random points (and a little outside the domain)."""
    from app.formula import compile_formula

    s = get_surface(sid)
    f = compile_formula(s.formula)
    rng = np.random.default_rng(3)
    (x0, x1), (y0, y1) = s.domain.x, s.domain.y
    pad = 0.1 * s.domain.span
    x, y = rng.uniform(x0 - pad, x1 + pad, 200), rng.uniform(y0 - pad, y1 + pad, 200)

    def same(a, b):
        a, b = (np.broadcast_to(np.asarray(v, dtype=float), x.shape) for v in (a, b))
        return np.max(np.abs(a - b) / (1 + np.abs(b)))

    assert same(f.value(x, y, np), s.value(x, y, np)) <= 1e-10
    for got, want in zip(f.gradient(x, y, np), s.gradient(x, y, np)):
        assert same(got, want) <= 1e-9
    for got, want in zip(f.hessian(x, y, np), s.hessian(x, y, np)):
        assert same(got, want) <= 1e-9
    assert f.value(*s.default_start, scalar) == pytest.approx(float(s.value(*s.default_start, scalar)), rel=1e-12)
