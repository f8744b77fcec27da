"""The analytic surfaces: metadata as data, minima and saddles polished from it.

Each entry names its functions in :mod:`.analytic`, a display domain, a default
start, and either a grid resolution for the stationary-point finder or the
published points to polish. Points that Newton cannot polish (the tip of
Ackley's cone, the monkey saddle's degenerate centre) are listed as exact.
"""
from __future__ import annotations

import math
from functools import lru_cache

from ..bilingual import Bilingual
from . import analytic, flat_sharp
from .base import Domain, StationaryPoint, Surface
from .stationary import find_stationary

VLSE = analytic.VLSE

# id: (name, description, formula, latex, tags, domain x, domain y, default start, options)
SPECS: dict[str, dict] = {
    "quadratic": dict(
        name=Bilingual("Quadratic bowl", "2차 그릇"),
        description=Bilingual(
            "A round bowl: every direction has the same curvature, so the gradient points straight at the minimum. "
            "Gradient descent diverges once lr exceeds 2/L = 1.",
            "모든 방향의 곡률이 같은 둥근 그릇: 기울기가 최솟점을 곧장 가리킵니다. lr이 2/L = 1을 넘으면 경사 하강법이 발산합니다."),
        formula="x^2 + y^2", latex=r"f(x,y) = x^2 + y^2", tags=("convex", "bowl", "equal-axes"),
        domain=((-3.0, 3.0), (-3.0, 3.0)), start=(-2.4, 1.8)),
    "ravine": dict(
        name=Bilingual("Ravine", "골짜기"),
        description=Bilingual(
            "An ill-conditioned quadratic (condition number 100): steep walls, a nearly flat floor. Plain gradient "
            "descent zig-zags across; momentum and adaptive methods run along the floor.",
            "조건수 100인 나쁜 조건의 2차 함수: 벽은 가파르고 바닥은 거의 평평합니다. 경사 하강법은 지그재그로 움직이고, 모멘텀과 적응형 방법은 바닥을 따라 나아갑니다."),
        formula="0.05*x^2 + 5*y^2", latex=r"f(x,y) = 0.05\,x^2 + 5\,y^2", tags=("convex", "ravine", "ill-conditioned", "equal-axes"),
        domain=((-10.0, 10.0), (-4.0, 4.0)), start=(-9.0, 2.5)),
    "rosenbrock": dict(
        name=Bilingual("Rosenbrock", "로젠브록"),
        description=Bilingual(
            "A long, curved, narrow valley. Finding the valley is easy; following it to (1, 1) is hard.",
            "길고 휘어진 좁은 골짜기. 골짜기를 찾기는 쉽지만 (1, 1)까지 따라가기는 어렵습니다."),
        formula="(1 - x)^2 + 100*(y - x^2)^2", latex=r"f(x,y) = (1-x)^2 + 100\,(y-x^2)^2",
        tags=("ravine", "valley", "non-convex"), domain=((-2.0, 2.0), (-1.0, 3.0)), start=(-1.2, 1.0),
        log_scale=True, reference=f"{VLSE}: Rosenbrock function; Rosenbrock (1960)"),
    "beale": dict(
        name=Bilingual("Beale", "빌"),
        description=Bilingual(
            "Flat plateaus and sharp ridges around a minimum at (3, 0.5); two saddles.",
            "(3, 0.5)의 최솟점 주변에 평평한 고원과 날카로운 능선이 있고, 안장점이 두 개 있습니다."),
        formula="(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
        latex=r"f(x,y) = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
        tags=("plateau", "saddle", "non-convex"), domain=((-4.5, 4.5), (-4.5, 4.5)), start=(1.0, 1.5),
        log_scale=True, reference=f"{VLSE}: Beale function"),
    "himmelblau": dict(
        name=Bilingual("Himmelblau", "힘멜블라우"),
        description=Bilingual(
            "Four minima of equal depth (f = 0), four saddles and a maximum: where a run ends depends on where it "
            "starts.",
            "깊이가 같은(f = 0) 최솟점 네 개, 안장점 네 개, 최댓점 하나: 어디서 출발하느냐에 따라 도착점이 달라집니다."),
        formula="(x^2 + y - 11)^2 + (x + y^2 - 7)^2", latex=r"f(x,y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        tags=("local-minima", "saddle", "multimodal", "equal-axes"), domain=((-5.0, 5.0), (-5.0, 5.0)), start=(-0.5, -0.5),
        log_scale=True, reference="Himmelblau (1972), Applied Nonlinear Programming"),
    "booth": dict(
        name=Bilingual("Booth", "부스"), description=Bilingual(
            "A tilted, elongated convex bowl with its minimum at (1, 3).",
            "(1, 3)에 최솟점이 있는 기울어진 길쭉한 볼록 그릇."),
        formula="(x + 2*y - 7)^2 + (2*x + y - 5)^2", latex=r"f(x,y) = (x + 2y - 7)^2 + (2x + y - 5)^2",
        tags=("convex", "plate-shaped", "equal-axes"), domain=((-10.0, 10.0), (-10.0, 10.0)), start=(-8.0, -8.0),
        reference=f"{VLSE}: Booth function"),
    "matyas": dict(
        name=Bilingual("Matyas", "마티아스"), description=Bilingual(
            "A flat, tilted bowl: small gradients along its diagonal valley.",
            "평평하고 기울어진 그릇: 대각선 골짜기를 따라 기울기가 작습니다."),
        formula="0.26*(x^2 + y^2) - 0.48*x*y", latex=r"f(x,y) = 0.26\,(x^2 + y^2) - 0.48\,xy",
        tags=("convex", "plate-shaped", "plateau", "equal-axes"), domain=((-10.0, 10.0), (-10.0, 10.0)), start=(-8.0, 4.0),
        reference=f"{VLSE}: Matyas function"),
    "three_hump_camel": dict(
        name=Bilingual("Three-hump camel", "세 혹 낙타"), description=Bilingual(
            "A global minimum at the origin flanked by two local minima and two saddles.",
            "원점의 전역 최솟점 양옆에 국소 최솟점 두 개와 안장점 두 개가 있습니다."),
        formula="2*x^2 - 1.05*x^4 + x^6/6 + x*y + y^2", latex=r"f(x,y) = 2x^2 - 1.05x^4 + \frac{x^6}{6} + xy + y^2",
        tags=("local-minima", "saddle", "equal-axes"), domain=((-2.0, 2.0), (-2.0, 2.0)), start=(1.9, 1.2),
        log_scale=True, reference=f"{VLSE}: Three-Hump Camel function"),
    "six_hump_camel": dict(
        name=Bilingual("Six-hump camel", "여섯 혹 낙타"), description=Bilingual(
            "Six minima (two global), seven saddles: a classic test of which basin a run falls into.",
            "최솟점 여섯 개(전역 두 개)와 안장점 일곱 개: 어느 수렴 영역에 빠지는지 보여 주는 고전적인 예."),
        formula="(4 - 2.1*x^2 + x^4/3)*x^2 + x*y + (-4 + 4*y^2)*y^2",
        latex=r"f(x,y) = \left(4 - 2.1x^2 + \frac{x^4}{3}\right)x^2 + xy + (-4 + 4y^2)\,y^2",
        tags=("local-minima", "saddle", "multimodal"), domain=((-2.0, 2.0), (-1.0, 1.0)), start=(-1.0, -0.2),
        reference=f"{VLSE}: Six-Hump Camel function"),
    "styblinski_tang": dict(
        name=Bilingual("Styblinski-Tang", "스티블린스키-탕"), description=Bilingual(
            "Four minima of different depths on a quartic landscape; the global one is at (-2.9035, -2.9035).",
            "4차 지형 위에 깊이가 다른 최솟점 네 개. 전역 최솟점은 (-2.9035, -2.9035)."),
        formula="0.5*(x^4 - 16*x^2 + 5*x + y^4 - 16*y^2 + 5*y)",
        latex=r"f(x,y) = \tfrac12\left(x^4 - 16x^2 + 5x + y^4 - 16y^2 + 5y\right)",
        tags=("local-minima", "saddle", "equal-axes"), domain=((-5.0, 5.0), (-5.0, 5.0)), start=(0.5, 0.8),
        reference=f"{VLSE}: Styblinski-Tang function (d = 2, unscaled)"),
    "rastrigin": dict(
        name=Bilingual("Rastrigin", "라스트리긴"), description=Bilingual(
            "A bowl covered in an egg-crate of 121 local minima in view: gradient methods stop in the nearest "
            "dimple.",
            "그릇 위에 달걀판처럼 국소 최솟점 121개가 깔려 있습니다: 기울기 방법은 가장 가까운 홈에서 멈춥니다."),
        formula="20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)",
        latex=r"f(x,y) = 20 + x^2 - 10\cos(2\pi x) + y^2 - 10\cos(2\pi y)",
        tags=("local-minima", "multimodal", "equal-axes"), domain=((-5.12, 5.12), (-5.12, 5.12)), start=(3.2, -2.3),
        grid=60, reference=f"{VLSE}: Rastrigin function"),
    "ackley": dict(
        name=Bilingual("Ackley", "애클리"), description=Bilingual(
            "A nearly flat outer region full of small dimples around a deep cone-shaped hole at the origin.",
            "작은 홈이 가득한 거의 평평한 바깥쪽과 원점의 깊은 원뿔 모양 구멍."),
        formula="-20*exp(-0.2*sqrt(0.5*(x^2 + y^2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20",
        latex=r"f(x,y) = -20\,e^{-0.2\sqrt{0.5(x^2+y^2)}} - e^{0.5(\cos 2\pi x + \cos 2\pi y)} + e + 20",
        tags=("local-minima", "multimodal", "plateau", "equal-axes"), domain=((-5.0, 5.0), (-5.0, 5.0)), start=(3.3, -2.6),
        grid=60, exact_minima=((0.0, 0.0),), reference=f"{VLSE}: Ackley function (a = 20, b = 0.2, c = 2 pi)"),
    "goldstein_price": dict(
        name=Bilingual("Goldstein-Price", "골드스타인-프라이스"), description=Bilingual(
            "Values spanning six orders of magnitude; a global minimum of 3 at (0, -1) and three local minima.",
            "값이 여섯 자릿수에 걸쳐 변합니다. (0, -1)에서 전역 최솟값 3, 국소 최솟점 세 개."),
        formula="(1 + (x + y + 1)^2*(19 - 14*x + 3*x^2 - 14*y + 6*x*y + 3*y^2))"
                "*(30 + (2*x - 3*y)^2*(18 - 32*x + 12*x^2 + 48*y - 36*x*y + 27*y^2))",
        latex=r"f = \left[1 + (x+y+1)^2(19 - 14x + 3x^2 - 14y + 6xy + 3y^2)\right]\left[30 + (2x-3y)^2(18 - 32x + 12x^2 + 48y - 36xy + 27y^2)\right]",
        tags=("local-minima", "saddle", "multimodal"), domain=((-2.0, 2.0), (-2.0, 2.0)), start=(-1.2, 1.2),
        log_scale=True, reference=f"{VLSE}: Goldstein-Price function"),
    "mccormick": dict(
        name=Bilingual("McCormick", "맥코믹"), description=Bilingual(
            "A gently curved plane with a global and a local minimum and a saddle between.",
            "완만하게 휜 평면에 전역 최솟점, 국소 최솟점, 그 사이의 안장점."),
        formula="sin(x + y) + (x - y)^2 - 1.5*x + 2.5*y + 1", latex=r"f(x,y) = \sin(x+y) + (x-y)^2 - 1.5x + 2.5y + 1",
        tags=("local-minima", "saddle"), domain=((-1.5, 4.0), (-3.0, 4.0)), start=(3.5, -2.5),
        reference=f"{VLSE}: McCormick function"),
    "levi": dict(
        name=Bilingual("Lévi N.13", "레비 N.13"), description=Bilingual(
            "A global minimum at (1, 1) in a dense lattice of local minima.",
            "(1, 1)의 전역 최솟점이 촘촘한 국소 최솟점 격자 안에 있습니다."),
        formula="sin(3*pi*x)^2 + (x - 1)^2*(1 + sin(3*pi*y)^2) + (y - 1)^2*(1 + sin(2*pi*y)^2)",
        latex=r"f(x,y) = \sin^2(3\pi x) + (x-1)^2\left(1 + \sin^2(3\pi y)\right) + (y-1)^2\left(1 + \sin^2(2\pi y)\right)",
        tags=("local-minima", "multimodal"), domain=((-1.0, 3.0), (-1.0, 3.0)), start=(-0.6, 2.4),
        grid=60, reference=f"{VLSE}: Levy function N. 13"),
    "saddle": dict(
        name=Bilingual("Saddle", "안장"), description=Bilingual(
            "A saddle at the origin between two minima at (0, ±1). A run started on the x-axis stalls at the saddle "
            "unless noise or momentum pushes it off.",
            "원점의 안장점과 (0, ±1)의 두 최솟점. x축 위에서 출발하면 잡음이나 모멘텀이 밀어 주지 않는 한 안장점에 멈춥니다."),
        formula="x^2 - 2*y^2 + y^4", latex=r"f(x,y) = x^2 - 2y^2 + y^4", tags=("saddle", "equal-axes"),
        domain=((-2.0, 2.0), (-2.0, 2.0)), start=(1.8, 0.01)),
    "monkey_saddle": dict(
        name=Bilingual("Monkey saddle", "원숭이 안장"), description=Bilingual(
            "A degenerate saddle with three valleys (room for a monkey's tail): the Hessian vanishes at the origin. "
            "Unbounded below: runs that leave diverge.",
            "골짜기가 셋인 퇴화 안장점(원숭이 꼬리 자리까지): 원점에서 헤시안이 0입니다. 아래로 무한히 내려가므로 벗어난 실행은 발산합니다."),
        formula="x^3 - 3*x*y^2", latex=r"f(x,y) = x^3 - 3xy^2", tags=("saddle", "degenerate", "unbounded", "equal-axes"),
        domain=((-1.5, 1.5), (-1.5, 1.5)), start=(0.8, 0.1), exact_saddles=((0.0, 0.0),)),
    "plateau": dict(
        name=Bilingual("Plateau", "고원"), description=Bilingual(
            "A Gaussian well in a wide flat plain: far from the centre gradients nearly vanish, so plain gradient "
            "descent barely moves while adaptive methods stride.",
            "넓고 평평한 평원 속의 가우스 우물: 중심에서 멀면 기울기가 거의 사라져 경사 하강법은 거의 움직이지 않고 적응형 방법은 성큼 나아갑니다."),
        formula="1 - exp(-(x^2 + y^2) / 2)", latex=r"f(x,y) = 1 - e^{-(x^2+y^2)/2}", tags=("plateau", "vanishing-gradient", "equal-axes"),
        domain=((-5.0, 5.0), (-5.0, 5.0)), start=(3.6, 2.8)),
}

SPECS["flat_sharp"] = {**flat_sharp.SPEC, "functions": (flat_sharp.value, flat_sharp.gradient, flat_sharp.hessian)}

ANALYTIC_IDS = tuple(SPECS)


@lru_cache(maxsize=None)
def build(surface_id: str) -> Surface:
    spec = SPECS[surface_id]
    value, gradient, hessian = spec.get("functions") or analytic.FUNCTIONS[surface_id]
    domain = Domain(*spec["domain"])
    minima, saddles = find_stationary(value, gradient, hessian, domain, n=spec.get("grid", 40))
    exact = [StationaryPoint(p, float(value(*p, math)), "global") for p in spec.get("exact_minima", ())]
    if exact:
        lowest = min(m.value for m in exact)
        minima = exact + [StationaryPoint(m.point, m.value, "local" if m.value > lowest else m.kind) for m in minima]
    saddles = saddles + [StationaryPoint(p, float(value(*p, math)), "saddle") for p in spec.get("exact_saddles", ())]
    return Surface(
        id=surface_id, names=spec["name"], descriptions=spec["description"], formula=spec["formula"],
        latex=spec["latex"], tags=spec["tags"], domain=domain, default_start=spec["start"],
        value=value, gradient=gradient, hessian=hessian, minima=tuple(minima), saddles=tuple(saddles),
        reference=spec.get("reference", ""), log_scale=spec.get("log_scale", False),
        extra=dict(spec.get("extra", {})),
    )
