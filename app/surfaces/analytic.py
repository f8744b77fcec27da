"""The analytic test functions (Surjanovic & Bingham, Virtual Library of
Simulation Experiments, https://www.sfu.ca/~ssurjano/optimization.html) and a
few teaching surfaces (round bowl, ravine, saddle, monkey saddle, plateau).

Each function family is ``value``/``gradient``/``hessian`` over ``(x, y, xp)``.
Minima and saddles are polished at import by Newton's method from published
approximate locations (or, for multimodal surfaces, from a grid of starts), so
the listed values and points are exact to machine precision; tests hold them
to the published figures.
"""
from __future__ import annotations

import math

from .base import Domain, Surface
from .stationary import find_stationary, polish_points

PI = math.pi
VLSE = "Surjanovic & Bingham, Virtual Library of Simulation Experiments"


def _zero(x):
    return 0.0 * x


# --- quadratic: round bowl ---------------------------------------------------
def quadratic_value(x, y, xp):
    return x * x + y * y


def quadratic_gradient(x, y, xp):
    return 2.0 * x, 2.0 * y


def quadratic_hessian(x, y, xp):
    return 2.0 + _zero(x), _zero(x), 2.0 + _zero(y)


# --- ravine: ill-conditioned quadratic, condition number 100 ----------------
def ravine_value(x, y, xp):
    return 0.05 * x * x + 5.0 * y * y


def ravine_gradient(x, y, xp):
    return 0.1 * x, 10.0 * y


def ravine_hessian(x, y, xp):
    return 0.1 + _zero(x), _zero(x), 10.0 + _zero(y)


# --- rosenbrock --------------------------------------------------------------
def rosenbrock_value(x, y, xp):
    a = 1.0 - x
    b = y - x * x
    return a * a + 100.0 * b * b


def rosenbrock_gradient(x, y, xp):
    b = y - x * x
    return -2.0 * (1.0 - x) - 400.0 * x * b, 200.0 * b


def rosenbrock_hessian(x, y, xp):
    return 2.0 - 400.0 * y + 1200.0 * x * x, -400.0 * x, 200.0 + _zero(x)


# --- beale -------------------------------------------------------------------
def _beale_terms(x, y):
    y2 = y * y
    y3 = y2 * y
    return 1.5 - x + x * y, 2.25 - x + x * y2, 2.625 - x + x * y3, y2, y3


def beale_value(x, y, xp):
    t1, t2, t3, _, _ = _beale_terms(x, y)
    return t1 * t1 + t2 * t2 + t3 * t3


def beale_gradient(x, y, xp):
    t1, t2, t3, y2, y3 = _beale_terms(x, y)
    gx = 2.0 * (t1 * (y - 1.0) + t2 * (y2 - 1.0) + t3 * (y3 - 1.0))
    gy = 2.0 * (t1 * x + t2 * 2.0 * x * y + t3 * 3.0 * x * y2)
    return gx, gy


def beale_hessian(x, y, xp):
    t1, t2, t3, y2, y3 = _beale_terms(x, y)
    a, b, c = y - 1.0, y2 - 1.0, y3 - 1.0
    hxx = 2.0 * (a * a + b * b + c * c)
    hxy = 2.0 * (x * a + t1 + 2.0 * x * y * b + 2.0 * y * t2 + 3.0 * x * y2 * c + 3.0 * y2 * t3)
    hyy = 2.0 * (x * x + 4.0 * x * x * y2 + 2.0 * x * t2 + 9.0 * x * x * y2 * y2 + 6.0 * x * y * t3)
    return hxx, hxy, hyy


# --- himmelblau --------------------------------------------------------------
def himmelblau_value(x, y, xp):
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return a * a + b * b


def himmelblau_gradient(x, y, xp):
    a = x * x + y - 11.0
    b = x + y * y - 7.0
    return 4.0 * a * x + 2.0 * b, 2.0 * a + 4.0 * b * y


def himmelblau_hessian(x, y, xp):
    return 12.0 * x * x + 4.0 * y - 42.0, 4.0 * (x + y), 12.0 * y * y + 4.0 * x - 26.0


# --- booth -------------------------------------------------------------------
def booth_value(x, y, xp):
    a = x + 2.0 * y - 7.0
    b = 2.0 * x + y - 5.0
    return a * a + b * b


def booth_gradient(x, y, xp):
    a = x + 2.0 * y - 7.0
    b = 2.0 * x + y - 5.0
    return 2.0 * a + 4.0 * b, 4.0 * a + 2.0 * b


def booth_hessian(x, y, xp):
    return 10.0 + _zero(x), 8.0 + _zero(x), 10.0 + _zero(x)


# --- matyas ------------------------------------------------------------------
def matyas_value(x, y, xp):
    return 0.26 * (x * x + y * y) - 0.48 * x * y


def matyas_gradient(x, y, xp):
    return 0.52 * x - 0.48 * y, 0.52 * y - 0.48 * x


def matyas_hessian(x, y, xp):
    return 0.52 + _zero(x), -0.48 + _zero(x), 0.52 + _zero(x)


# --- three-hump camel ---------------------------------------------------------
def three_hump_camel_value(x, y, xp):
    x2 = x * x
    return 2.0 * x2 - 1.05 * x2 * x2 + x2 * x2 * x2 / 6.0 + x * y + y * y


def three_hump_camel_gradient(x, y, xp):
    x2 = x * x
    return 4.0 * x - 4.2 * x2 * x + x2 * x2 * x + y, x + 2.0 * y


def three_hump_camel_hessian(x, y, xp):
    x2 = x * x
    return 4.0 - 12.6 * x2 + 5.0 * x2 * x2, 1.0 + _zero(x), 2.0 + _zero(x)


# --- six-hump camel -----------------------------------------------------------
def six_hump_camel_value(x, y, xp):
    x2, y2 = x * x, y * y
    return (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (-4.0 + 4.0 * y2) * y2


def six_hump_camel_gradient(x, y, xp):
    x2, y2 = x * x, y * y
    return 8.0 * x - 8.4 * x2 * x + 2.0 * x2 * x2 * x + y, x - 8.0 * y + 16.0 * y2 * y


def six_hump_camel_hessian(x, y, xp):
    x2, y2 = x * x, y * y
    return 8.0 - 25.2 * x2 + 10.0 * x2 * x2, 1.0 + _zero(x), -8.0 + 48.0 * y2


# --- styblinski-tang (2-D, unscaled) -----------------------------------------
def styblinski_tang_value(x, y, xp):
    x2, y2 = x * x, y * y
    return 0.5 * (x2 * x2 - 16.0 * x2 + 5.0 * x + y2 * y2 - 16.0 * y2 + 5.0 * y)


def styblinski_tang_gradient(x, y, xp):
    return 2.0 * x * x * x - 16.0 * x + 2.5, 2.0 * y * y * y - 16.0 * y + 2.5


def styblinski_tang_hessian(x, y, xp):
    return 6.0 * x * x - 16.0, _zero(x), 6.0 * y * y - 16.0


# --- rastrigin (A = 10) -------------------------------------------------------
def rastrigin_value(x, y, xp):
    return 20.0 + x * x - 10.0 * xp.cos(2.0 * PI * x) + y * y - 10.0 * xp.cos(2.0 * PI * y)


def rastrigin_gradient(x, y, xp):
    return 2.0 * x + 20.0 * PI * xp.sin(2.0 * PI * x), 2.0 * y + 20.0 * PI * xp.sin(2.0 * PI * y)


def rastrigin_hessian(x, y, xp):
    k = 40.0 * PI * PI
    return 2.0 + k * xp.cos(2.0 * PI * x), _zero(x), 2.0 + k * xp.cos(2.0 * PI * y)


# --- ackley (a = 20, b = 0.2, c = 2 pi) --------------------------------------
def _ackley_parts(x, y, xp):
    r = xp.sqrt(0.5 * (x * x + y * y))
    r_safe = r + (r == 0)  # the cone's tip: gradient 0 there (a subgradient)
    e1 = xp.exp(-0.2 * r)
    e2 = xp.exp(0.5 * (xp.cos(2.0 * PI * x) + xp.cos(2.0 * PI * y)))
    return r, r_safe, e1, e2


def ackley_value(x, y, xp):
    _, _, e1, e2 = _ackley_parts(x, y, xp)
    return -20.0 * e1 - e2 + math.e + 20.0


def ackley_gradient(x, y, xp):
    r, r_safe, e1, e2 = _ackley_parts(x, y, xp)
    cone = 2.0 * e1 / r_safe * (r != 0)
    return cone * x + PI * e2 * xp.sin(2.0 * PI * x), cone * y + PI * e2 * xp.sin(2.0 * PI * y)


def ackley_hessian(x, y, xp):
    r, r_safe, e1, e2 = _ackley_parts(x, y, xp)
    tip = r != 0
    r2 = r_safe * r_safe
    r3 = r2 * r_safe
    sx, sy = xp.sin(2.0 * PI * x), xp.sin(2.0 * PI * y)
    cx, cy = xp.cos(2.0 * PI * x), xp.cos(2.0 * PI * y)
    radial = 2.0 * e1 * tip
    hxx = radial * (1.0 / r_safe - 0.1 * x * x / r2 - 0.5 * x * x / r3) + PI * PI * e2 * (2.0 * cx - sx * sx)
    hyy = radial * (1.0 / r_safe - 0.1 * y * y / r2 - 0.5 * y * y / r3) + PI * PI * e2 * (2.0 * cy - sy * sy)
    hxy = radial * x * y * (-0.1 / r2 - 0.5 / r3) - PI * PI * e2 * sx * sy
    return hxx, hxy, hyy


# --- goldstein-price ---------------------------------------------------------
def _gp_parts(x, y):
    u = x + y + 1.0
    p = 19.0 - 14.0 * x + 3.0 * x * x - 14.0 * y + 6.0 * x * y + 3.0 * y * y
    v = 2.0 * x - 3.0 * y
    q = 18.0 - 32.0 * x + 12.0 * x * x + 48.0 * y - 36.0 * x * y + 27.0 * y * y
    a = 1.0 + u * u * p
    b = 30.0 + v * v * q
    return u, p, v, q, a, b


def goldstein_price_value(x, y, xp):
    *_, a, b = _gp_parts(x, y)
    return a * b


def goldstein_price_gradient(x, y, xp):
    u, p, v, q, a, b = _gp_parts(x, y)
    pd = -14.0 + 6.0 * x + 6.0 * y  # dp/dx = dp/dy
    ax = 2.0 * u * p + u * u * pd
    bx = 4.0 * v * q + v * v * (-32.0 + 24.0 * x - 36.0 * y)
    by = -6.0 * v * q + v * v * (48.0 - 36.0 * x + 54.0 * y)
    return ax * b + a * bx, ax * b + a * by  # a_y = a_x


def goldstein_price_hessian(x, y, xp):
    u, p, v, q, a, b = _gp_parts(x, y)
    pd = -14.0 + 6.0 * x + 6.0 * y
    ax = 2.0 * u * p + u * u * pd
    axx = 2.0 * p + 4.0 * u * pd + 6.0 * u * u  # = a_xy = a_yy
    qx = -32.0 + 24.0 * x - 36.0 * y
    qy = 48.0 - 36.0 * x + 54.0 * y
    bx = 4.0 * v * q + v * v * qx
    by = -6.0 * v * q + v * v * qy
    bxx = 8.0 * q + 8.0 * v * qx + 24.0 * v * v
    bxy = -12.0 * q + 4.0 * v * qy - 6.0 * v * qx - 36.0 * v * v
    byy = 18.0 * q - 12.0 * v * qy + 54.0 * v * v
    hxx = axx * b + 2.0 * ax * bx + a * bxx
    hxy = axx * b + ax * by + ax * bx + a * bxy
    hyy = axx * b + 2.0 * ax * by + a * byy
    return hxx, hxy, hyy


# --- mccormick ----------------------------------------------------------------
def mccormick_value(x, y, xp):
    d = x - y
    return xp.sin(x + y) + d * d - 1.5 * x + 2.5 * y + 1.0


def mccormick_gradient(x, y, xp):
    c = xp.cos(x + y)
    d = 2.0 * (x - y)
    return c + d - 1.5, c - d + 2.5


def mccormick_hessian(x, y, xp):
    s = xp.sin(x + y)
    return 2.0 - s, -2.0 - s, 2.0 - s


# --- levi N.13 ----------------------------------------------------------------
def levi_value(x, y, xp):
    s1 = xp.sin(3.0 * PI * x)
    s2 = xp.sin(3.0 * PI * y)
    s3 = xp.sin(2.0 * PI * y)
    a, b = x - 1.0, y - 1.0
    return s1 * s1 + a * a * (1.0 + s2 * s2) + b * b * (1.0 + s3 * s3)


def levi_gradient(x, y, xp):
    s2 = xp.sin(3.0 * PI * y)
    s3 = xp.sin(2.0 * PI * y)
    a, b = x - 1.0, y - 1.0
    gx = 3.0 * PI * xp.sin(6.0 * PI * x) + 2.0 * a * (1.0 + s2 * s2)
    gy = 3.0 * PI * a * a * xp.sin(6.0 * PI * y) + 2.0 * b * (1.0 + s3 * s3) + 2.0 * PI * b * b * xp.sin(4.0 * PI * y)
    return gx, gy


def levi_hessian(x, y, xp):
    s2 = xp.sin(3.0 * PI * y)
    s3 = xp.sin(2.0 * PI * y)
    a, b = x - 1.0, y - 1.0
    hxx = 18.0 * PI * PI * xp.cos(6.0 * PI * x) + 2.0 * (1.0 + s2 * s2)
    hxy = 6.0 * PI * a * xp.sin(6.0 * PI * y)
    hyy = (18.0 * PI * PI * a * a * xp.cos(6.0 * PI * y) + 2.0 * (1.0 + s3 * s3)
           + 8.0 * PI * b * xp.sin(4.0 * PI * y) + 8.0 * PI * PI * b * b * xp.cos(4.0 * PI * y))
    return hxx, hxy, hyy


# --- saddle: x^2 - 2 y^2 + y^4 ------------------------------------------------
def saddle_value(x, y, xp):
    y2 = y * y
    return x * x - 2.0 * y2 + y2 * y2


def saddle_gradient(x, y, xp):
    return 2.0 * x, -4.0 * y + 4.0 * y * y * y


def saddle_hessian(x, y, xp):
    return 2.0 + _zero(x), _zero(x), -4.0 + 12.0 * y * y


# --- monkey saddle: x^3 - 3 x y^2 ---------------------------------------------
def monkey_saddle_value(x, y, xp):
    return x * x * x - 3.0 * x * y * y


def monkey_saddle_gradient(x, y, xp):
    return 3.0 * x * x - 3.0 * y * y, -6.0 * x * y


def monkey_saddle_hessian(x, y, xp):
    return 6.0 * x, -6.0 * y, -6.0 * x


# --- plateau: a Gaussian well in a flat plain ------------------------------------
def plateau_value(x, y, xp):
    return 1.0 - xp.exp(-0.5 * (x * x + y * y))


def plateau_gradient(x, y, xp):
    e = xp.exp(-0.5 * (x * x + y * y))
    return x * e, y * e


def plateau_hessian(x, y, xp):
    e = xp.exp(-0.5 * (x * x + y * y))
    return e * (1.0 - x * x), -x * y * e, e * (1.0 - y * y)


FUNCTIONS = {
    name: (globals()[f"{name}_value"], globals()[f"{name}_gradient"], globals()[f"{name}_hessian"])
    for name in ("quadratic ravine rosenbrock beale himmelblau booth matyas three_hump_camel six_hump_camel "
                 "styblinski_tang rastrigin ackley goldstein_price mccormick levi saddle monkey_saddle plateau").split()
}
