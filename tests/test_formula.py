"""Custom formulas: the parser only ever returns a tree or its own error, quickly; derivatives are exact."""
import math
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.formula import FUNCTIONS, LIMITS, FormulaError, compile_formula, parse
from app.numeric import scalar

ATTACKS = [
    "__import__('os').getpid()", "__import__('os').system('ls')", "().__class__.__bases__[0]", "open('/etc/passwd')",
    "x.__class__", "lambda: 1", "eval('1')", "exec('x=1')", "globals()", "os.system", "import os", "x; y",
    "9^9^9^9", "9^9^9^9^9", "9**9**9**9", "1e999", "10^400", "2^1000", "exp(1000)", "1/0", "log(0)",
    "(" * 500 + "x" + ")" * 500, "x" + "+x" * 300, "-" * 1000 + "x", "sin(" * 60 + "x" + ")" * 60,
    "x\x00", "１+x", "x ** ** y", "sin()", "sin(x, y)", "sin x", "2x", "x(y)", "", "   ", "x +", "* x", "((x)",
    "x)", "z", "X", "pi(x)", "e^", "x^^2", "$x", "x.y", "{x}", "[x]", "x,y", "x'", "\"x\"", "x#y", "0x10",
    "1_000", "sqrt", "abs(", "x^y^x^y^x^y^x^y^x^y^x^y^x^y^x^y^x^y^x^y^x^y^x^y",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_attack_strings_are_refused_with_a_position_or_are_harmless(text):
    t0 = time.perf_counter()
    try:
        f = compile_formula(text)
    except FormulaError as e:
        assert e.message
        assert e.position is None or 0 <= e.position <= len(text)
    else:  # a legal formula (x^y^...): it evaluates, possibly to inf, but never runs code
        with np.errstate(all="ignore"):
            f.value(np.array([0.5]), np.array([0.5]), np)
    assert time.perf_counter() - t0 < 10  # a guard against a hang (exponential work), not a speed figure


@pytest.mark.parametrize("text,position", [("2x", 1), ("x + zz", 4), ("sin(x", 5), ("x ^ 100", 2), ("1e9 * x", 0),
                                            ("x @ y", 2)])
def test_errors_point_at_the_problem(text, position):
    with pytest.raises(FormulaError) as e:
        parse(text)
    assert e.value.position == position


def test_limits_are_enforced():
    with pytest.raises(FormulaError, match="characters"):
        parse("x+" * LIMITS["length"] + "x")
    with pytest.raises(FormulaError, match="nested"):
        parse("(" * (LIMITS["depth"] + 5) + "x" + ")" * (LIMITS["depth"] + 5))
    with pytest.raises(FormulaError, match="operations"):
        parse("+".join(["x*y"] * 80))


def test_precedence_and_values():
    cases = {"-x^2": -4.0, "2^3^2": 512.0, "x - y - 3": -2.0, "x / y / 4": 0.5, "-2^2": -4.0, "(-2)^2": 4.0,
             "x**2 * y": 4.0, "2*pi": 2 * math.pi, "e^1": math.e, "abs(-x) + sqrt(4)": 4.0}
    for text, expected in cases.items():
        assert compile_formula(text).value(2.0, 1.0, scalar) == pytest.approx(expected), text


# --- property-based -------------------------------------------------------------------
def formulas(max_leaves=12):
    leaf = st.sampled_from(["x", "y", "pi", "e", "1", "2.5", "0.5", "3"])

    def extend(children):
        return st.one_of(
            st.tuples(children, st.sampled_from(["+", "-", "*"]), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(children, children).map(lambda t: f"({t[0]}) / (2 + ({t[1]})^2)"),
            st.tuples(children, st.sampled_from(["2", "3"])).map(lambda t: f"({t[0]})^{t[1]}"),
            st.tuples(st.sampled_from([f for f in FUNCTIONS if f not in ("log", "sqrt")]), children)
              .map(lambda t: f"{t[0]}({t[1]})"),
            st.tuples(children).map(lambda t: f"sqrt(1 + ({t[0]})^2)"),
            children.map(lambda c: f"-{c}"),
        )

    return st.recursive(leaf, extend, max_leaves=max_leaves)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80))
def test_any_text_gives_a_tree_or_a_formula_error_quickly(text):
    t0 = time.perf_counter()
    try:
        compile_formula(text)
    except FormulaError:
        pass
    assert time.perf_counter() - t0 < 2  # a guard against a hang, not a speed figure (benchmarks/formula.py)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="xy0123456789.+-*/^() sincoexpltabqrhe", max_size=60))
def test_formula_like_text_gives_a_tree_or_a_formula_error(text):
    try:
        compile_formula(text)
    except FormulaError as e:
        assert e.position is None or 0 <= e.position <= len(text)


def _one_sided(f, x, y, axis, g, v, scale, h=1e-7):
    """At a kink (abs, sqrt of a square) closer than h to the point, central differences average the two sides,
    while the exact gradient there is one side's derivative: accept it when it matches the forward or backward one."""
    def at(d):
        dx, dy = (d, 0.0) if axis == 0 else (0.0, d)
        return f.value(np.array([x + dx]), np.array([y + dy]), np)[0]

    with np.errstate(all="ignore"):
        sides = ((at(h) - v) / h, (v - at(-h)) / h)
    return any(math.isfinite(s) and abs(g - s) <= 1e-3 * scale for s in sides)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas(), st.floats(-1.5, 1.5), st.floats(-1.5, 1.5))
def test_gradient_of_random_formulas_matches_central_differences(text, x, y):
    try:
        f = compile_formula(text)
    except FormulaError:
        return  # too large once expanded: refused, which is allowed
    h = 1e-6
    with np.errstate(all="ignore"):
        v = f.value(np.array([x]), np.array([y]), np)[0]
        gx, gy = (float(np.ravel(g)[0]) for g in f.gradient(np.array([x]), np.array([y]), np))
        fx = (f.value(np.array([x + h]), np.array([y]), np)[0] - f.value(np.array([x - h]), np.array([y]), np)[0]) / (2 * h)
        fy = (f.value(np.array([x]), np.array([y + h]), np)[0] - f.value(np.array([x]), np.array([y - h]), np)[0]) / (2 * h)
    if not all(map(math.isfinite, (v, gx, gy, fx, fy))) or max(abs(v), abs(gx), abs(gy)) > 1e6:
        return
    scale = 1 + abs(v) + abs(gx) + abs(gy)
    ok_x = abs(gx - fx) <= 1e-4 * scale or _one_sided(f, x, y, 0, gx, v, scale)
    ok_y = abs(gy - fy) <= 1e-4 * scale or _one_sided(f, x, y, 1, gy, v, scale)
    assert ok_x and ok_y, (text, x, y, gx, fx, gy, fy)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas(8), st.floats(-1.5, 1.5), st.floats(-1.5, 1.5))
def test_hessian_of_random_formulas_matches_differences_of_the_gradient(text, x, y):
    try:
        f = compile_formula(text)
    except FormulaError:
        return
    h = 1e-6
    X, Y = np.array([x]), np.array([y])
    with np.errstate(all="ignore"):
        hxx, hxy, hyy = (float(np.ravel(v)[0]) for v in f.hessian(X, Y, np))
        gxp, gyp = f.gradient(X + h, Y, np)
        gxm, gym = f.gradient(X - h, Y, np)
        num_xx = float(np.ravel((gxp - gxm) / (2 * h))[0])
        num_xy = float(np.ravel((gyp - gym) / (2 * h))[0])
        gxp2, _ = f.gradient(X + 2 * h, Y, np)
        gxm2, _ = f.gradient(X - 2 * h, Y, np)
        wide_xx = float(np.ravel((gxp2 - gxm2) / (4 * h))[0])
    if not all(map(math.isfinite, (hxx, hxy, num_xx, num_xy))) or max(abs(hxx), abs(hxy)) > 1e5:
        return
    if abs(wide_xx - num_xx) > 1e-3 * (1 + abs(num_xx)):
        return  # a kink (abs) within 2h: no derivative to compare with
    scale = 1 + abs(hxx) + abs(hxy) + abs(hyy)
    assert abs(hxx - num_xx) <= 1e-3 * scale and abs(hxy - num_xy) <= 1e-3 * scale, text


def test_floats_and_arrays_evaluate_alike():
    f = compile_formula("sin(x)*exp(-y^2) + abs(x - y)^1.5 / (1 + x^2)")
    for x, y in ((0.3, -0.7), (1.1, 2.0), (-2.0, 0.5)):
        assert f.value(x, y, scalar) == pytest.approx(float(f.value(np.array([x]), np.array([y]), np)[0]), rel=1e-13)


# --- through the API --------------------------------------------------------------------
def test_custom_surface_metadata_finds_himmelblau_minima(client):
    r = client.post("/api/surfaces/custom", json={"formula": "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
                                                  "domain": {"x": [-5, 5], "y": [-5, 5]}})
    body = r.json()
    assert r.status_code == 200 and body["stationary_points"] == "found numerically, not proven"
    assert len(body["minima"]) == 4 and len(body["saddles"]) == 4
    assert "\\left(" in body["latex"]


def test_custom_runs_and_grid(client):
    req = {"surface": "custom", "formula": "(x - 1)^2 + 10*(y + 0.5)^2", "start": [-2, 2], "steps": 300,
           "optimizers": [{"optimizer": "adam", "params": {"lr": 0.1}}, {"optimizer": "newton"}]}
    body = client.post("/api/runs", json=req).json()
    assert body["runs"][1]["points"][1] == pytest.approx([1.0, -0.5])  # one Newton step on a quadratic
    assert body["runs"][0]["points"][-1] == pytest.approx([1.0, -0.5], abs=1e-2)
    g = client.get("/api/surfaces/custom/grid", params={"formula": "x*y", "n": 3, "x0": -1, "x1": 1, "y0": 0,
                                                        "y1": 2}).json()
    assert g["z"][2][0] == pytest.approx(-2.0)


def test_overflow_while_running_is_a_diverged_run(client):
    req = {"surface": "custom", "formula": "exp(50*x) + y^2", "start": [2.0, 1.0], "steps": 50,
           "optimizers": [{"optimizer": "gd", "params": {"lr": 0.1}}, {"optimizer": "adam"}] * 3}
    r = client.post("/api/runs", json=req)
    assert r.status_code == 200
    assert r.json()["runs"][0]["status"] == "diverged"
    assert "NaN" not in r.text and "Infinity" not in r.text


@pytest.mark.parametrize("formula,position", [("__import__('os').getpid()", 10), ("9^9^9^9^9", 5), ("2x", 1)])
def test_bad_formulas_are_422_pointing_at_the_position(client, formula, position):
    for r in (client.post("/api/runs", json={"surface": "custom", "formula": formula, "optimizers": [{"optimizer": "gd"}]}),
              client.get("/api/surfaces/custom/grid", params={"formula": formula}),
              client.post("/api/surfaces/custom", json={"formula": formula})):
        assert r.status_code == 422
        detail = r.json()["detail"][0]
        assert detail["loc"][-1] == "formula" and detail["type"] == "formula"
        assert detail["ctx"]["position"] == position or formula.startswith("__")


def test_custom_needs_a_formula_and_only_custom_takes_one(client):
    r = client.post("/api/runs", json={"surface": "custom", "optimizers": [{"optimizer": "gd"}]})
    assert r.status_code == 422 and "formula" in r.text
    r = client.post("/api/runs", json={"surface": "quadratic", "formula": "x", "optimizers": [{"optimizer": "gd"}]})
    assert r.status_code == 422 and "formula" in r.text
