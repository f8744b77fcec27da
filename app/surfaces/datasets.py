"""Loss landscapes of two-parameter models on small seeded data sets: the plot's axes are (w, b).

* ``linreg_mse``, ``linreg_mae``, ``linreg_huber``: a line ``y = w x + b`` fitted to 40 points of
  ``y = 1.5 x + 0.5 + noise`` with five outliers far above the line, so the squared loss is pulled
  toward them and the absolute loss is not.
* ``logreg_ce``: logistic regression ``p = sigmoid(w x + b)``, binary cross-entropy, on two overlapping
  classes (so the minimum is finite).
* ``svm_hinge``: a linear SVM score ``w x + b``, hinge loss ``max(0, 1 - y (w x + b))``, labels +-1.

Each loss is the mean over the data set plus ``l1 (|w| + |b|) + l2 (w^2 + b^2)`` (``surface_options``).
Where a loss has kinks the gradient is the subgradient torch's autograd gives: ``sign(0) = 0`` for the
absolute value, 0 for ``max(0, u)`` at ``u = 0``, and Huber's ``clip(r, -delta, delta)``.

Every function broadcasts over the leading shape of ``w`` and ``b`` (a float, ``(N,)`` runs, a meshgrid),
adding a data axis last. Mini-batch gradients take index arrays of shape ``(N, B)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..bilingual import Bilingual
from .base import Domain, StationaryPoint, Surface

HUBER_DELTA = 1.0
DATA_SEED = 20240917


@dataclass(frozen=True)
class DataSet:
    x: np.ndarray
    y: np.ndarray
    kind: str  # "regression" or "classification"

    @property
    def n(self) -> int:
        return len(self.x)

    def as_dict(self) -> dict:
        return {"n": self.n, "x": self.x.tolist(), "y": self.y.tolist(), "kind": self.kind}


@lru_cache(maxsize=None)
def regression_data() -> DataSet:
    rng = np.random.default_rng(DATA_SEED)
    x = np.round(rng.uniform(-2.0, 2.0, 40), 3)
    y = 1.5 * x + 0.5 + rng.normal(0.0, 0.3, 40)
    outliers = np.argsort(x)[-9::2][:5]  # five points on the right, lifted far above the line
    y[outliers] += 6.0
    return DataSet(x, np.round(y, 3), "regression")


@lru_cache(maxsize=None)
def classification_data() -> DataSet:
    rng = np.random.default_rng(DATA_SEED + 1)
    x = np.concatenate([rng.normal(-1.0, 1.0, 20), rng.normal(1.2, 1.0, 20)])
    y = np.concatenate([np.zeros(20), np.ones(20)])
    return DataSet(np.round(x, 3), y, "classification")


@lru_cache(maxsize=None)
def separable_data() -> DataSet:
    """Two classes with a gap between them (x < -0.5 and x > 0.5): every margin can hold."""
    rng = np.random.default_rng(DATA_SEED + 2)
    x = np.concatenate([rng.uniform(-2.5, -0.5, 15), rng.uniform(0.5, 2.5, 15)])
    return DataSet(np.round(x, 3), np.concatenate([np.zeros(15), np.ones(15)]), "classification")


def max_margin(data: DataSet) -> tuple[float, float]:
    """The separating (w, b) of least |w| with every margin t_i (w x_i + b) >= 1: the hinge loss's minimum
    that an L2 penalty picks as it shrinks to 0 (each of its multiples by k > 1 has zero hinge loss too)."""
    lo, hi = data.x[data.y == 0].max(), data.x[data.y == 1].min()
    return float(2.0 / (hi - lo)), float(-(hi + lo) / (hi - lo))


def _col(v):
    return np.asarray(v, dtype=float)[..., None]


def _mean(a):
    return a.mean(axis=-1)


def _out(v, like):
    return float(v) if np.ndim(like) == 0 else v


# --- per-sample losses: value, d/dz, d2/dz2 of the loss as a function of the model output z ---------------
def _residual(z, y):
    return z - y


LOSSES = {
    "mse": (lambda z, y: (z - y) ** 2, lambda z, y: 2.0 * (z - y), lambda z, y: 2.0 + 0.0 * z),
    "mae": (lambda z, y: np.abs(z - y), lambda z, y: np.sign(z - y), lambda z, y: 0.0 * z),
    "huber": (lambda z, y: np.where(np.abs(z - y) < HUBER_DELTA, 0.5 * (z - y) ** 2,
                                    HUBER_DELTA * (np.abs(z - y) - 0.5 * HUBER_DELTA)),
              lambda z, y: np.clip(z - y, -HUBER_DELTA, HUBER_DELTA),
              lambda z, y: (np.abs(z - y) < HUBER_DELTA).astype(float)),
    "ce": (lambda z, y: np.logaddexp(0.0, z) - y * z, lambda z, y: _sigmoid(z) - y,
           lambda z, y: _sigmoid(z) * (1.0 - _sigmoid(z))),
    "hinge": (lambda z, y: np.maximum(0.0, 1.0 - (2 * y - 1) * z), lambda z, y: np.where(1.0 - (2 * y - 1) * z > 0, -(2 * y - 1), 0.0),
              lambda z, y: 0.0 * z),
}


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # no overflow for large |z|


class ModelLoss:
    """mean_i loss(w x_i + b, y_i) + l1 (|w| + |b|) + l2 (w^2 + b^2), with batch gradients."""

    def __init__(self, loss: str, data: DataSet, l1: float = 0.0, l2: float = 0.0):
        self.loss, self.data, self.l1, self.l2 = loss, data, float(l1), float(l2)
        self.f, self.df, self.d2f = LOSSES[loss]

    def value(self, w, b, xp=np):
        z = _col(w) * self.data.x + _col(b)
        v = _mean(self.f(z, self.data.y)) + self.l1 * (np.abs(w) + np.abs(b)) + self.l2 * (np.square(w) + np.square(b))
        return _out(v, w)

    def gradient(self, w, b, xp=np):
        z = _col(w) * self.data.x + _col(b)
        d = self.df(z, self.data.y)
        gw = _mean(d * self.data.x) + self.l1 * np.sign(w) + 2.0 * self.l2 * np.asarray(w)
        gb = _mean(d) + self.l1 * np.sign(b) + 2.0 * self.l2 * np.asarray(b)
        return _out(gw, w), _out(gb, w)

    def hessian(self, w, b, xp=np):
        z = _col(w) * self.data.x + _col(b)
        h = self.d2f(z, self.data.y)
        x = self.data.x
        return (_out(_mean(h * x * x) + 2.0 * self.l2, w), _out(_mean(h * x), w), _out(_mean(h) + 2.0 * self.l2, w))

    def batch_gradient(self, w, b, idx):
        """Mean over the samples ``idx`` (shape (N, B)) for runs ``w, b`` of shape (N,)."""
        x, y = self.data.x[idx], self.data.y[idx]
        d = self.df(w[:, None] * x + b[:, None], y)
        gw = (d * x).mean(axis=1) + self.l1 * np.sign(w) + 2.0 * self.l2 * w
        gb = d.mean(axis=1) + self.l1 * np.sign(b) + 2.0 * self.l2 * b
        return gw, gb

    def minimum(self, start) -> tuple[float, float]:
        """The minimiser (convex losses). Smooth ones: Newton. Kinked ones (MAE, hinge, L1): Newton on a
        smoothed loss whose smoothing shrinks to 1e-12, each stage warm-started from the last."""
        p = np.array(start, dtype=float)
        smooth = self.loss in ("mse", "huber", "ce") and self.l1 == 0
        for mu in ([0.0] if smooth else [1e-1, 1e-2, 1e-3, 1e-4, 1e-6, 1e-8, 1e-10, 1e-12]):
            for _ in range(100):
                g, H = self._smoothed(p, mu)
                try:
                    step = np.linalg.solve(H, g)
                except np.linalg.LinAlgError:
                    step = g
                t = 1.0
                f0 = self._smoothed_value(p, mu)
                while t > 1e-12 and self._smoothed_value(p - t * step, mu) > f0:
                    t *= 0.5
                p = p - t * step
                if np.abs(t * step).max() < 1e-15:
                    break
        return float(p[0]), float(p[1])

    # the smoothed objective: |u| ~ sqrt(u^2 + mu^2), max(0, u) ~ (u + sqrt(u^2 + mu^2)) / 2
    def _parts(self, p, mu):
        w, b = p
        x, y = self.data.x, self.data.y
        z = w * x + b
        if mu == 0.0:
            return self.f(z, y), self.df(z, y), self.d2f(z, y), x
        if self.loss == "mae":
            u = z - y
            s = np.sqrt(u * u + mu * mu)
            return s, u / s, mu * mu / s ** 3, x
        if self.loss == "hinge":
            sgn = 2 * y - 1
            u = 1.0 - sgn * z
            s = np.sqrt(u * u + mu * mu)
            return 0.5 * (u + s), 0.5 * (-sgn) * (1 + u / s), 0.5 * mu * mu / s ** 3, x
        return self.f(z, y), self.df(z, y), self.d2f(z, y), x

    def _smoothed_value(self, p, mu):
        f, _, _, _ = self._parts(p, mu)
        reg = np.sqrt(p * p + mu * mu).sum() if mu else np.abs(p).sum()
        return f.mean() + self.l1 * reg + self.l2 * (p * p).sum()

    def _smoothed(self, p, mu):
        _, d, h, x = self._parts(p, mu)
        g = np.array([(d * x).mean(), d.mean()]) + 2 * self.l2 * p
        H = np.array([[(h * x * x).mean(), (h * x).mean()], [(h * x).mean(), h.mean()]]) + 2 * self.l2 * np.eye(2)
        if self.l1:
            s = np.sqrt(p * p + mu * mu) if mu else np.abs(p) + 1e-300
            g = g + self.l1 * p / s
            H = H + np.diag(self.l1 * (mu * mu) / s ** 3 if mu else np.zeros(2))
        return g, H + 1e-14 * np.eye(2)


SPECS = {
    "linreg_mse": dict(name=Bilingual("Linear regression, MSE", "선형 회귀, MSE"), loss="mse", data=regression_data,
                       formula="mean((w x_i + b - y_i)^2)", latex=r"L(w,b) = \frac1n\sum_i (w x_i + b - y_i)^2",
                       description=Bilingual(
                           "Least squares on data with five outliers: the squared loss bends the line toward them. "
                           "A smooth, convex bowl.",
                           "이상치 다섯 개가 있는 데이터의 최소제곱: 제곱 손실은 직선을 이상치 쪽으로 휘게 합니다. 매끄럽고 볼록한 그릇 모양입니다.")),
    "linreg_mae": dict(name=Bilingual("Linear regression, MAE", "선형 회귀, MAE"), loss="mae", data=regression_data,
                       formula="mean(|w x_i + b - y_i|)", latex=r"L(w,b) = \frac1n\sum_i |w x_i + b - y_i|",
                       description=Bilingual(
                           "Absolute error on the same data: the outliers barely move the line. A polyhedral "
                           "landscape with kinks (subgradient sign(0) = 0, as in torch).",
                           "같은 데이터의 절대 오차: 이상치가 직선을 거의 움직이지 못합니다. 꺾인 곳이 있는 다면체 모양의 "
                           "곡면입니다(torch처럼 부분기울기 sign(0) = 0).")),
    "linreg_huber": dict(name=Bilingual("Linear regression, Huber", "선형 회귀, 후버"), loss="huber", data=regression_data,
                         formula="mean(huber_1(w x_i + b - y_i))",
                         latex=r"L(w,b) = \frac1n\sum_i \ell_{\delta=1}(w x_i + b - y_i)",
                         description=Bilingual(
                             "Huber loss (delta = 1): squared near the line, absolute far from it, so outliers pull "
                             "less than with MSE.",
                             "후버 손실(δ = 1): 직선 근처에서는 제곱, 멀리서는 절댓값이라 이상치가 MSE보다 덜 당깁니다.")),
    "logreg_ce": dict(name=Bilingual("Logistic regression, cross-entropy", "로지스틱 회귀, 교차 엔트로피"), loss="ce",
                      data=classification_data,
                      formula="mean(log(1 + exp(z_i)) - y_i z_i), z_i = w x_i + b",
                      latex=r"L(w,b) = \frac1n\sum_i \log(1 + e^{z_i}) - y_i z_i,\ z_i = w x_i + b",
                      description=Bilingual(
                          "Binary cross-entropy on two overlapping classes: convex, with a finite minimum.",
                          "겹치는 두 클래스에 대한 이진 교차 엔트로피: 볼록하고 최솟값이 유한합니다.")),
    "svm_hinge": dict(name=Bilingual("Linear SVM, hinge", "선형 SVM, 힌지"), loss="hinge", data=classification_data,
                      formula="mean(max(0, 1 - t_i (w x_i + b))), t_i = +-1",
                      latex=r"L(w,b) = \frac1n\sum_i \max(0,\ 1 - t_i (w x_i + b))",
                      description=Bilingual(
                          "Hinge loss of a linear SVM: piecewise linear, with kinks where a point touches the "
                          "margin (subgradient 0 at the kink, as in torch).",
                          "선형 SVM의 힌지 손실: 조각별 선형이며, 점이 마진에 닿는 곳에서 꺾입니다(torch처럼 꺾인 점의 부분기울기는 0).")),
    "separable_hinge": dict(name=Bilingual("Linear SVM, hinge, separable data", "선형 SVM, 힌지, 분리 가능한 데이터"),
                                loss="hinge", data=separable_data,
                                formula="mean(max(0, 1 - t_i (w x_i + b))), t_i = +-1",
                                latex=r"L(w,b) = \frac1n\sum_i \max(0,\ 1 - t_i (w x_i + b))",
                                description=Bilingual(
                                    "Hinge loss on two classes with a gap: once every margin holds the loss is "
                                    "exactly 0 and its gradient vanishes, on a whole region of (w, b). The minimum "
                                    "listed is the maximum-margin one, which an L2 penalty picks.",
                                    "간격을 두고 떨어진 두 클래스의 힌지 손실: 모든 마진이 지켜지면 손실은 정확히 0이고 "
                                    "기울기도 사라지며, 이런 (w, b)가 한 영역 전체를 이룹니다. 표시된 최솟점은 L2 규제가 "
                                    "고르는 최대 마진 해입니다.")),
    "separable_ce": dict(name=Bilingual("Logistic regression, cross-entropy, separable data",
                                        "로지스틱 회귀, 교차 엔트로피, 분리 가능한 데이터"), loss="ce",
                                data=separable_data,
                                formula="mean(log(1 + exp(z_i)) - y_i z_i), z_i = w x_i + b",
                                latex=r"L(w,b) = \frac1n\sum_i \log(1 + e^{z_i}) - y_i z_i,\ z_i = w x_i + b",
                                description=Bilingual(
                                    "Cross-entropy on two classes with a gap: the loss keeps falling as the weights "
                                    "grow, so it has no minimum (its infimum 0 lies at infinity). An L2 penalty "
                                    "gives it one.",
                                    "간격을 두고 떨어진 두 클래스의 교차 엔트로피: 가중치가 커질수록 손실이 계속 줄어 최솟점이 없습니다(하한 0은 무한대에 있습니다). L2 "
                                    "규제를 더하면 최솟점이 생깁니다.")),
}
DATASET_IDS = tuple(SPECS)
DOMAINS = {"regression": Domain((-2.0, 5.0), (-3.0, 4.0)), "classification": Domain((-2.0, 6.0), (-4.0, 4.0))}
STARTS = {"regression": (-1.5, 3.0), "classification": (-1.5, 3.0)}


@lru_cache(maxsize=64)
def build_dataset_surface(surface_id: str, l1: float = 0.0, l2: float = 0.0) -> Surface:
    spec = SPECS[surface_id]
    data = spec["data"]()
    model = ModelLoss(spec["loss"], data, l1, l2)
    separable = spec["data"] is separable_data and not l2  # no penalty to stop the weights' growth
    if separable and spec["loss"] == "ce":
        minima = ()  # the loss falls forever along the separating directions
    else:
        w, b = max_margin(data) if separable and spec["loss"] == "hinge" and not l1 else model.minimum((0.5, 0.0))
        minima = (StationaryPoint((w, b), float(model.value(w, b)), "global"),)
    penalty = f" + {l1:g} (|w| + |b|)" if l1 else ""
    penalty += f" + {l2:g} (w^2 + b^2)" if l2 else ""
    return Surface(
        id=surface_id, names=spec["name"], descriptions=spec["description"], formula=spec["formula"] + penalty,
        latex=spec["latex"], tags=("dataset", "convex", "kinks" if spec["loss"] in ("mae", "hinge") else "smooth"),
        domain=DOMAINS[data.kind], default_start=STARTS[data.kind], value=model.value, gradient=model.gradient,
        hessian=model.hessian, minima=minima, saddles=(), reference="", batch_gradient=model.batch_gradient,
        extra={"dataset": data.as_dict(), "axes": ["w", "b"], "model": "line" if data.kind == "regression" else "classifier",
               "loss": spec["loss"], "surface_options": {"l1": l1, "l2": l2}},
    )
