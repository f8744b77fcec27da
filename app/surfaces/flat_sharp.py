"""``flat_sharp``: a sharp and a flat minimum of similar depth, and a test landscape shifted from the training one.

Two Gaussian wells in a shallow bowl::

    f(x, y) = 0.02*(x^2 + y^2) - 1.05*exp(-((x + 1.2)^2 + (y - 0.8)^2) / 0.125)
                               - 0.95*exp(-((x - 1)^2 + (y + 0.6)^2) / 2)

The narrow well (width 0.25) is a little deeper than the wide one (width 1), so a training loss prefers it.
The test landscape is the same function shifted by :data:`TEST_SHIFT` (``f_test(p) = f(p - shift)``, the
picture of the course notes: test data moves the landscape a little). A shift that costs the wide well
almost nothing lifts the narrow one far: a flat minimum generalises, a sharp one does not.

Its curvature also decides which optimizer can stay: gradient descent is stable at a minimum only when
``lr < 2 / sharpness``, so a large learning rate (or gradient noise) throws a run out of the narrow well
and it settles in the wide one.
"""
from __future__ import annotations

from ..bilingual import Bilingual

SHARP = (-1.2, 0.8, 1.05, 0.25)  # centre x, centre y, depth, width (standard deviation)
FLAT = (1.0, -0.6, 0.95, 1.0)
BOWL = 0.02
TEST_SHIFT = (0.25, 0.2)

SPEC = dict(
    name=Bilingual("Flat vs sharp minima", "평평한 최솟점 대 뾰족한 최솟점"),
    description=Bilingual(
        "A narrow, slightly deeper well and a wide one in a shallow bowl. Its test landscape is the same function "
        "shifted by test_shift: the wide minimum's test loss barely changes, the narrow one's rises sharply. "
        "Gradient descent can only rest where lr < 2 / sharpness.",
        "얕은 그릇 안에 좁고 조금 더 깊은 우물과 넓은 우물이 있습니다. 테스트 지형은 같은 함수를 test_shift만큼 옮긴 것입니다: 넓은 최솟점의 테스트 손실은 거의 변하지 않고, 좁은 "
        "최솟점의 테스트 손실은 크게 오릅니다. 경사 하강법은 lr < 2 / 날카로움인 곳에서만 멈출 수 있습니다."),
    formula="0.02*(x^2 + y^2) - 1.05*exp(-((x + 1.2)^2 + (y - 0.8)^2) / 0.125) "
            "- 0.95*exp(-((x - 1)^2 + (y + 0.6)^2) / 2)",
    latex=r"f(x,y) = 0.02\,(x^2+y^2) - 1.05\,e^{-\frac{(x+1.2)^2 + (y-0.8)^2}{0.125}} "
          r"- 0.95\,e^{-\frac{(x-1)^2 + (y+0.6)^2}{2}}",
    tags=("local-minima", "flat-vs-sharp", "generalization", "equal-axes"),
    domain=((-3.0, 3.0), (-3.0, 3.0)), start=(-1.55, 1.25), grid=40,
    extra={"test_shift": list(TEST_SHIFT)},
)


def _well(x, y, xp, well):
    cx, cy, depth, width = well
    dx, dy = x - cx, y - cy
    k = 1.0 / (2.0 * width * width)
    return dx, dy, k, depth * xp.exp(-k * (dx * dx + dy * dy))


def value(x, y, xp):
    return BOWL * (x * x + y * y) - _well(x, y, xp, SHARP)[3] - _well(x, y, xp, FLAT)[3]


def gradient(x, y, xp):
    gx, gy = 2.0 * BOWL * x, 2.0 * BOWL * y
    for well in (SHARP, FLAT):
        dx, dy, k, e = _well(x, y, xp, well)
        gx = gx + 2.0 * k * dx * e
        gy = gy + 2.0 * k * dy * e
    return gx, gy


def hessian(x, y, xp):
    hxx = hyy = 2.0 * BOWL + 0.0 * x
    hxy = 0.0 * x
    for well in (SHARP, FLAT):
        dx, dy, k, e = _well(x, y, xp, well)
        hxx = hxx + 2.0 * k * e * (1.0 - 2.0 * k * dx * dx)
        hyy = hyy + 2.0 * k * e * (1.0 - 2.0 * k * dy * dy)
        hxy = hxy - 4.0 * k * k * dx * dy * e
    return hxx, hxy, hyy
