"""L-BFGS: a quasi-Newton method that builds an inverse-Hessian estimate from the last ``history_size``
steps and gradient changes, with an optional strong-Wolfe line search (``torch.optim.LBFGS``).

.. math::
    d_k = -H_k g_k \\ \\text{(two-loop recursion over the pairs } s_i = \\theta_{i+1} - \\theta_i,\\
    y_i = g_{i+1} - g_i), \\quad \\theta_{k+1} = \\theta_k + t_k d_k

One **step** is one ``optimizer.step(closure)``: up to ``max_iter`` iterations and ``max_eval`` surface
evaluations, so a step may evaluate the surface many times; each run reports per step how many
(``evaluations``) and where (``evaluation_points``, the step's start first). ``max_iter=1`` makes every
iteration a step of its own. Without a line search the iteration moves by ``t = lr`` (the first one by
``min(1, 1/|g|_1)·lr``); with ``line_search_fn="strong_wolfe"`` ``t`` satisfies the strong Wolfe conditions.

Every run's iterations are masked array operations (the runs still iterating take each one), torch's operations
in torch's order on its float64 tensors of two numbers; the strong-Wolfe line search, whose control flow differs
from run to run, runs per run in floats as a generator, and each round of points the searches ask for is one
batched evaluation of the surface.

Reference: Nocedal (1980); Liu & Nocedal (1989); torch/optim/lbfgs.py (``LBFGS.step``, ``_strong_wolfe``,
``_cubic_interpolate``), after minFunc.
"""
from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np

from ..bilingual import Bilingual, Label
from .base import OptimizerDef
from .line_search import strong_wolfe
from .params import HyperparameterError, ParamSpec, lr_spec

NAN = float("nan")
REPORTED = ("func_evals", "n_iter", "d", "t", "H_diag", "prev_flat_grad", "prev_loss")


def lbfgs_init(o, p, hp) -> SimpleNamespace:
    n = p.shape[1]
    return SimpleNamespace(func_evals=np.zeros(n, dtype=int), n_iter=np.zeros(n, dtype=int), d=np.full((2, n), NAN),
                           t=np.full(n, NAN), H_diag=np.full(n, NAN), prev_flat_grad=np.full((2, n), NAN),
                           prev_loss=np.full(n, NAN), history=None)


def lbfgs_step(o, s, p, g, hp, lr):
    with np.errstate(all="ignore"):
        return _step(o, s, p, g, hp, lr)


def _check(hp: dict) -> None:
    if hp["max_iter"] < 1:
        raise HyperparameterError("max_iter", f"invalid max_iter {hp['max_iter']}: must be at least 1")


def _evaluations(hp: dict) -> tuple[int, str]:
    """Most evaluations of one step: ``max_eval`` (default ``max_iter * 5 // 4``) bounds them; without a line
    search there is one per iteration, so ``max_iter`` bounds them too."""
    limit = hp["max_eval"] if hp["max_eval"] is not None else hp["max_iter"] * 5 // 4
    name = "max_eval" if hp["max_eval"] is not None else "max_iter"
    if hp["line_search_fn"] is None and hp["max_iter"] <= limit:
        return max(1, hp["max_iter"]), "max_iter"
    return max(1, limit), name


LBFGS = OptimizerDef(
    id="lbfgs", names=Bilingual("L-BFGS", "L-BFGS"), torch_equivalent="torch.optim.LBFGS",
    descriptions=Bilingual(
        "Quasi-Newton: estimates the inverse Hessian from the last steps and gradient changes and moves along the "
        "resulting direction; one step may evaluate the surface several times.",
        "준뉴턴법: 최근 스텝과 기울기 변화로 헤세 행렬의 역을 추정하고 그 방향으로 움직입니다. 한 스텝에서 곡면을 여러 번 "
        "평가할 수 있습니다."),
    update_latex=r"d_k = -H_k g_k\ (\text{two-loop recursion over } s_i = \theta_{i+1}-\theta_i,\ y_i = g_{i+1} - g_i),"
                 r"\ \theta_{k+1} = \theta_k + t_k d_k",
    rule_text=Bilingual(
        "d = −H·g   (H: the inverse Hessian estimated from the last history_size pairs s = Δθ, y = Δg)\n"
        "t = lr (the very first iteration: min(1, 1/‖g‖₁)·lr), or what the strong-Wolfe line search finds\n"
        "θ ← θ + t·d\n"
        "repeated up to max_iter times per step, until the gradient or the change is below its tolerance",
        "d = −H·g   (H: 최근 history_size개의 쌍 s = Δθ, y = Δg로 추정한 헤세 행렬의 역)\n"
        "t = lr (맨 처음 반복은 min(1, 1/‖g‖₁)·lr), 또는 강한 울프 조건의 선 탐색이 찾은 값\n"
        "θ ← θ + t·d\n"
        "스텝마다 최대 max_iter번, 기울기나 변화가 허용 오차보다 작아질 때까지 반복"),
    terms=(Label("step", "t·d: the first iteration, along the quasi-Newton direction d by the length t",
                 "t·d: 첫 반복, 준뉴턴 방향 d로 길이 t만큼"),
           Label("later_iterations", "where the step's later iterations went (up to max_iter per step)",
                 "스텝 안의 나머지 반복들이 더 움직인 만큼 (스텝마다 최대 max_iter번)")),
    quantities=(Label("d", "d = −H·g: the first iteration's direction (two-loop recursion)",
                      "d = −H·g: 첫 반복의 방향 (2중 루프 재귀)"),
                Label("t", "t: the first iteration's step length (lr, or the line search's)",
                      "t: 첫 반복의 스텝 길이 (lr 또는 선 탐색의 결과)"),
                Label("H_diag", "γ = sᵀy / yᵀy: the scale of the initial inverse Hessian",
                      "γ = sᵀy / yᵀy: 초기 역헤세 행렬의 배율"),
                Label("iterations", "inner iterations this step", "이번 스텝의 내부 반복 수"),
                Label("current_evals", "surface evaluations this step", "이번 스텝의 곡면 평가 수"),
                Label("ls_func_evals", "evaluations the strong-Wolfe line search made this step",
                      "이번 스텝에서 강한 울프 조건의 선 탐색이 한 평가 수")),
    state_labels=(Label("func_evals", "surface evaluations so far", "지금까지의 곡면 평가 수"),
                  Label("n_iter", "iterations so far", "지금까지의 반복 수"),
                  Label("d", "d: the last iteration's direction", "d: 마지막 반복의 방향"),
                  Label("t", "t: the last iteration's step length", "t: 마지막 반복의 스텝 길이"),
                  Label("H_diag", "γ: the initial inverse Hessian's scale", "γ: 초기 역헤세 행렬의 배율"),
                  Label("prev_flat_grad", "the gradient at the last iteration", "마지막 반복의 기울기"),
                  Label("prev_loss", "the loss at the last iteration", "마지막 반복의 손실")),
    params=(replace(lr_spec(1.0), description=Bilingual("the step length t without a line search; the line search's "
                                                        "first try with one",
                                                        "선 탐색이 없으면 스텝 길이 t, 있으면 선 탐색의 첫 시도")),
            ParamSpec("max_iter", 20, Bilingual("the most inner iterations per step", "스텝당 최대 내부 반복 수"),
                      1.0, 1000.0, "int", slider=(1.0, 50.0), structural=True,
                      label=Bilingual("iterations per step", "스텝당 반복 수")),
            ParamSpec("max_eval", None, Bilingual("the most surface evaluations per step (null: max_iter × 5/4)",
                                                  "스텝당 최대 곡면 평가 수 (null이면 max_iter × 5/4)"),
                      1.0, 10000.0, "int", nullable=True, slider=(1.0, 100.0),
                      label=Bilingual("evaluations per step", "스텝당 평가 수")),
            ParamSpec("tolerance_grad", 1e-7, Bilingual("stop when every gradient coordinate is this small",
                                                        "기울기의 모든 좌표가 이만큼 작으면 멈춤"),
                      0.0, 1.0, "log", slider=(1e-12, 1e-2), label=Bilingual("gradient tolerance", "기울기 허용 오차")),
            ParamSpec("tolerance_change", 1e-9, Bilingual("stop when the step or the loss change is this small",
                                                          "스텝이나 손실 변화가 이만큼 작으면 멈춤"),
                      0.0, 1.0, "log", slider=(1e-12, 1e-2), label=Bilingual("change tolerance", "변화 허용 오차")),
            ParamSpec("history_size", 100, Bilingual("how many (s, y) pairs the inverse-Hessian estimate keeps",
                                                     "역헤세 추정에 쓰는 (s, y) 쌍의 수"),
                      1.0, 100.0, "int", slider=(1.0, 100.0), structural=True,
                      label=Bilingual("history size", "기록 크기")),
            ParamSpec("line_search_fn", None, Bilingual("null (a fixed step t = lr) or 'strong_wolfe'",
                                                        "null (고정 스텝 t = lr) 또는 'strong_wolfe'"),
                      scale="choice", nullable=True, choices=(None, "strong_wolfe"),
                      label=Bilingual("line search", "선 탐색"))),
    init_state=lbfgs_init, step=lbfgs_step, elementwise=False, needs=("evaluate",), check=_check,
    evaluations=_evaluations,
    scalar_state=("func_evals", "n_iter", "t", "H_diag", "prev_loss"), state_names=lambda hp: REPORTED,
    reference="Liu & Nocedal (1989); torch/optim/lbfgs.py")




# --- the step: every run's iterations as masked array operations ---------------------------------------------
def _row(v, n):
    """A hyperparameter or lr as an (n,) array."""
    return np.broadcast_to(np.asarray(v, dtype=float).reshape(-1), (n,)) if isinstance(v, np.ndarray) else np.full(n, v)


class _History:
    """The (s, y) pairs of every run, oldest first: ``dirs``/``stps`` ``(capacity, 2, n)``, ``ro`` and ``al``
    ``(capacity, n)``, ``count`` per run; the capacity grows (to ``history_size``) as runs need it."""

    def __init__(self, n: int, size: int):
        self.size, self.count = size, np.zeros(n, dtype=int)
        self.dirs = self.stps = np.zeros((0, 2, n))
        self.ro = self.al = np.zeros((0, n))

    def _grow(self, need: int):
        cap = len(self.ro)
        if need <= cap:
            return
        new = min(self.size, max(need, 2 * cap, 4))
        n = self.count.shape[0]
        self.dirs = np.concatenate([self.dirs, np.zeros((new - cap, 2, n))])
        self.stps = np.concatenate([self.stps, np.zeros((new - cap, 2, n))])
        self.ro = np.concatenate([self.ro, np.zeros((new - cap, n))])
        self.al = np.concatenate([self.al, np.zeros((new - cap, n))])

    def append(self, runs: np.ndarray, y, s, ro):
        """Append (y, s, ro) for the runs ``runs`` (indices), dropping the oldest pair of a full history."""
        full = runs[self.count[runs] == self.size]
        if len(full):
            for a in (self.dirs, self.stps, self.ro):
                a[:-1, ..., full] = a[1:, ..., full]
            self.count[full] -= 1
        self._grow(int(self.count[runs].max()) + 1)
        at = self.count[runs]
        self.dirs[at, :, runs] = y.T
        self.stps[at, :, runs] = s.T
        self.ro[at, runs] = ro
        self.count[runs] += 1


def _step(o, s, p, g, hp, lr):
    """torch's ``LBFGS.step`` for every run at once: the runs still iterating take each iteration (masked array
    operations, torch's operations in torch's order); the strong-Wolfe search runs per run (:func:`_searches`)."""
    n = p.shape[1]
    if s.history is None:
        s.history = _History(n, hp.history_size)
    h = s.history
    max_iter = hp.max_iter
    max_eval = hp.max_eval if hp.max_eval is not None else max_iter * 5 // 4
    tolerance_grad, tolerance_change, lr = _row(hp.tolerance_grad, n), _row(hp.tolerance_change, n), _row(lr, n)
    loss, flat_grad, x = o.value(p).astype(float), g.copy(), p.copy()
    s.func_evals = s.func_evals + 1
    active = ~(np.maximum(np.abs(flat_grad[0]), np.abs(flat_grad[1])) <= tolerance_grad)
    d, t, H_diag = s.d.copy(), s.t.copy(), s.H_diag.copy()
    prev_flat_grad, prev_loss = s.prev_flat_grad.copy(), s.prev_loss.copy()
    current_evals = np.ones(n, dtype=int)
    n_iter = 0
    if o.explaining:
        explained = _FirstIteration(p, s.n_iter)
    while n_iter < max_iter and active.any():
        n_iter += 1
        s.n_iter = np.where(active, s.n_iter + 1, s.n_iter)
        first = active & (s.n_iter == 1)
        rest = active & ~first
        if first.any():
            d = np.where(first, -flat_grad, d)
            h.count[first] = 0
            H_diag = np.where(first, 1.0, H_diag)
        if rest.any():
            y = flat_grad - prev_flat_grad
            step = d * t
            ys = y[0] * step[0] + y[1] * step[1]
            grow = np.flatnonzero(rest & (ys > 1e-10))
            if len(grow):
                h.append(grow, y[:, grow], step[:, grow], 1.0 / ys[grow])
                yy = y[0] * y[0] + y[1] * y[1]
                H_diag[grow] = ys[grow] / yy[grow]
            idx = np.flatnonzero(rest)  # the two-loop recursion on the runs that need it only
            count = h.count[idx]
            dirs, stps, ro, al = h.dirs[:, :, idx], h.stps[:, :, idx], h.ro[:, idx], h.al[:, idx]
            q = -flat_grad[:, idx]
            for i in range(int(count.max(initial=0)) - 1, -1, -1):
                m = i < count
                al[i] = np.where(m, (stps[i, 0] * q[0] + stps[i, 1] * q[1]) * ro[i], al[i])
                q = np.where(m, q + (-al[i]) * dirs[i], q)
            r = q * H_diag[idx]
            for i in range(int(count.max(initial=0))):
                m = i < count
                be_i = (dirs[i, 0] * r[0] + dirs[i, 1] * r[1]) * ro[i]
                r = np.where(m, r + (al[i] - be_i) * stps[i], r)
            h.al[:, idx] = al
            d[:, idx] = r
        prev_flat_grad = np.where(active, flat_grad, prev_flat_grad)
        prev_loss = np.where(active, loss, prev_loss)
        first_t = np.minimum(1.0, 1.0 / (np.abs(flat_grad[0]) + np.abs(flat_grad[1]))) * lr
        t = np.where(active, np.where(s.n_iter == 1, first_t, lr), t)
        if o.explaining and n_iter == 1:
            explained.direction(d, t, H_diag, active)
        gtd = flat_grad[0] * d[0] + flat_grad[1] * d[1]
        active &= ~(gtd > -tolerance_change)
        if not active.any():
            break
        if hp.line_search_fn is not None:
            found = _searches(o, active, x, t, d, loss, flat_grad, gtd, max_eval - current_evals)
            for i, (f_new, g_new, t_new, evals) in found.items():
                loss[i], flat_grad[0, i], flat_grad[1, i], t[i] = f_new, g_new[0], g_new[1], t_new
                current_evals[i] += evals
                s.func_evals[i] += evals
                if o.explaining:
                    explained.line_search[i] += evals
        x = np.where(active, x + t * d, x)
        if o.explaining and n_iter == 1:
            explained.took(x, t, active)
        if hp.line_search_fn is None:
            if n_iter == max_iter:
                break
            new_loss, new_grad = o.evaluate(x, active)
            loss = np.where(active, new_loss, loss)
            flat_grad = np.where(active, new_grad, flat_grad)
            current_evals += active
            s.func_evals = s.func_evals + active
        if n_iter == max_iter:
            break
        opt_cond = np.maximum(np.abs(flat_grad[0]), np.abs(flat_grad[1])) <= tolerance_grad
        small_step = np.maximum(np.abs(d[0] * t), np.abs(d[1] * t)) <= tolerance_change
        no_change = np.abs(loss - prev_loss) < tolerance_change
        active &= ~((current_evals >= max_eval) | opt_cond | small_step | no_change)
    if o.explaining:
        explained.explain(o, x, s.n_iter, current_evals, hp.line_search_fn is not None, max_iter > 1)
    iterated = s.n_iter > 0  # torch sets these at a run's first iteration: before it, none (NaN, reported null)
    s.d, s.t, s.H_diag = (np.where(iterated, v, np.nan) for v in (d, t, H_diag))
    s.prev_flat_grad, s.prev_loss = (np.where(iterated, v, np.nan) for v in (prev_flat_grad, prev_loss))
    return x


class _FirstIteration:
    """What one step's first iteration did, to explain the step: its direction ``d`` and length ``t`` (found by
    the line search, if any) make the term ``step``; the step's later iterations (up to ``max_iter``) make the
    term ``later_iterations``."""

    def __init__(self, p, n_iter):
        n = p.shape[1]
        self.start, self.n_iter = p.copy(), n_iter.copy()
        self.x = p.copy()
        self.d, self.t, self.H_diag = np.full((2, n), NAN), np.full((1, n), NAN), np.full((1, n), NAN)
        self.line_search = np.zeros(n, dtype=int)

    def direction(self, d, t, H_diag, iterating):
        self.d = np.where(iterating, d, NAN)
        self.t, self.H_diag = np.where(iterating, t, NAN)[None, :], np.where(iterating, H_diag, NAN)[None, :]

    def took(self, x, t, moving):
        """After the first iteration's move: ``t`` as the line search left it."""
        self.x = x.copy()
        self.t = np.where(moving, t, self.t[0])[None, :]

    def explain(self, o, x, n_iter, evals, line_search: bool, iterating: bool):
        o.quantity("d", self.d)
        o.quantity("t", self.t)
        o.quantity("H_diag", self.H_diag)
        o.quantity("iterations", (n_iter - self.n_iter)[None, :])
        o.quantity("current_evals", evals[None, :])
        if line_search:
            o.quantity("ls_func_evals", self.line_search[None, :])
        o.term("step", self.x - self.start)
        if iterating:
            o.term("later_iterations", x - self.x)


def _searches(o, active, x, t, d, loss, flat_grad, gtd, max_ls) -> dict:
    """The strong-Wolfe line search of every active run, side by side: each run's search is a generator; every
    round of points they ask for is one batched evaluation. Returns ``{run: (loss, grad, t, evaluations)}``."""
    f64 = np.float64
    pending, found = {}, {}

    def advance(i, search, sent):
        try:
            pending[i] = (search, next(search) if sent is None else search.send(sent))
        except StopIteration as done:
            found[i] = done.value

    for i in np.flatnonzero(active).tolist():
        search = strong_wolfe((f64(x[0, i]), f64(x[1, i])), f64(t[i]), (f64(d[0, i]), f64(d[1, i])), f64(loss[i]),
                               (f64(flat_grad[0, i]), f64(flat_grad[1, i])), f64(gtd[i]), max_ls=int(max_ls[i]))
        advance(i, search, None)
    while pending:
        points, mask = x.copy(), np.zeros(x.shape[1], dtype=bool)
        for i, (_, point) in pending.items():
            points[0, i], points[1, i] = point
            mask[i] = True
        new_loss, new_grad = o.evaluate(points, mask)
        asked, pending = pending, {}
        for i, (search, _) in asked.items():
            advance(i, search, (f64(new_loss[i]), (f64(new_grad[0, i]), f64(new_grad[1, i]))))
    return found
