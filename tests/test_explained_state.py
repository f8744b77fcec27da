"""The server's explanation of each step (``POST /api/runs`` with ``include: ["terms"]``) against the reference's
own state.

tests/golden/state.json holds, for every reference fixture, the reference's ``optimizer.state[p]`` after each step
(torch 2.13 and the packages named in the file, made by tools/make_golden.py). What a rule reports about a step
(its terms and quantities) must follow from that state: Adam's ``denom`` is the one torch's ``exp_avg_sq`` gives,
its ``step`` term is ``-step_size * exp_avg / denom`` with torch's ``exp_avg``, RMSprop's ``velocity`` is what its
momentum buffer carried over, and so on. Each relation below is one line of the rule's mathematics read off the
reference's state (not a copy of the rule: no state is carried from step to step here).
"""
import json
import math
from pathlib import Path

import numpy as np
import pytest

from app.optimizers import get_optimizer
from app.surfaces import get_surface

CASES = json.loads((Path(__file__).parent / "golden" / "state.json").read_text())["cases"]
REL = 1e-7  # the relations recombine torch's numbers in another order: agreement to ~1e-12, held at 1e-7


def explained(client, case):
    """Per step: (terms, quantities) as the server answers them for this fixture (``include: ["terms"]``)."""
    body = {"surface": case["surface"], "start": case["start"], "steps": case["steps"], "include": ["terms"],
            "optimizers": [{"optimizer": case["optimizer"], "params": case["params"]}]}
    r = client.post("/api/runs", json=body)
    assert r.status_code == 200, r.text[:300]
    (run,) = r.json()["runs"]
    assert run["steps_run"] == case["steps"]
    return list(zip(run["terms"], run["quantities"]))


def vec(v):
    return np.asarray(v, dtype=float)


class Step:
    """Step k of a fixture as the reference saw it: the point, the gradient there, and its state after this step
    (``now``) and before it (``then``, the initial state at the first step)."""

    def __init__(self, case, k, initial):
        self.k, self.t = k, k + 1
        self.hp = get_optimizer(case["optimizer"]).validate(case["params"])
        self.lr = self.hp.get("lr", 1.0)
        self.p = vec(case["points"][k])
        self.moved = vec(case["points"][k + 1]) - self.p
        surface = get_surface(case["surface"])
        self.g = vec(surface.gradient(self.p[0], self.p[1], np))
        state = case["state"]
        self.now = {name: values[k] for name, values in state.items()}
        self.then = {name: (values[k - 1] if k else initial.get(name)) for name, values in state.items()}

    def grad(self):
        """The gradient with L2 weight decay joined (torch: ``grad.add(param, alpha=weight_decay)``)."""
        return self.g + self.hp.get("weight_decay", 0.0) * self.p


def gd(s):
    return {"lr": s.lr, **split_l2(s, -s.lr)}


def momentum(s):
    """torch's ``buf.mul_(momentum).add_(grad, alpha=1 - dampening)`` (the first buffer is the gradient itself):
    the velocity is what the old buffer carries, the gradient what this step adds."""
    mu, tau = s.hp["momentum"], s.hp.get("dampening", 0.0)
    out = {"lr": s.lr, "term:sum": -s.lr * vec(s.now["momentum_buffer"])}
    if s.k:
        out["term:velocity"] = -s.lr * mu * vec(s.then["momentum_buffer"])
        out.update(split_l2(s, -s.lr * (1 - tau)))
    else:
        out.update(split_l2(s, -s.lr))
    return out


def nesterov(s):
    """``grad.add(buf, alpha=momentum)`` after the buffer's update: the old buffer's part seen through the
    look-ahead (μ²), and this gradient taken now and again through it (1 + μ)."""
    mu = s.hp["momentum"]
    out = {"lr": s.lr, "term:sum": -s.lr * (s.grad() + mu * vec(s.now["momentum_buffer"]))}
    if s.k:
        out["term:velocity"] = -s.lr * mu * mu * vec(s.then["momentum_buffer"])
    out.update(split_l2(s, -s.lr * (1 + mu)))
    return out


def adam(s):
    b1, b2 = s.hp["betas"]
    t = s.now["step"]
    bc1, bc2 = 1 - b1 ** t, 1 - b2 ** t
    v = vec(s.now["max_exp_avg_sq"] if s.hp["amsgrad"] else s.now["exp_avg_sq"])
    denom = np.sqrt(v) / math.sqrt(bc2) + s.hp["eps"]
    step_size = s.lr / bc1
    return {"bias_correction1": bc1, "bias_correction2": bc2, "step_size": step_size, "denom": denom,
            "effective_lr": step_size / denom, "term:step": -step_size * vec(s.now["exp_avg"]) / denom}


def adamw(s):
    return {**adam(s), "term:decay": -s.lr * s.hp["weight_decay"] * s.p}


def nadam(s):
    b1, b2 = s.hp["betas"]
    t, psi = s.now["step"], s.hp["momentum_decay"]
    mu, mu_next = (b1 * (1 - 0.5 * 0.96 ** (i * psi)) for i in (t, t + 1))
    product = s.now["mu_product"]
    denom = np.sqrt(vec(s.now["exp_avg_sq"]) / (1 - b2 ** t)) + s.hp["eps"]
    return {"mu": mu, "mu_next": mu_next, "mu_product": product, "denom": denom, "effective_lr": s.lr / denom,
            "term:gradient": -s.lr * (1 - mu) / (1 - product) * s.grad() / denom,
            "term:momentum": -s.lr * mu_next / (1 - product * mu_next) * vec(s.now["exp_avg"]) / denom}


def adamax(s):
    clr = s.lr / (1 - s.hp["betas"][0] ** s.now["step"])
    u = vec(s.now["exp_inf"])
    return {"clr": clr, "effective_lr": clr / u, "term:step": -clr * vec(s.now["exp_avg"]) / u}


def split_l2(s, multiplier, name="gradient"):
    """A step linear in the gradient with L2 joined: its gradient's share and the penalty's."""
    out = {f"term:{name}": multiplier * s.g}
    if s.hp.get("weight_decay"):
        out["term:weight_decay"] = multiplier * s.hp["weight_decay"] * s.p
    return out


def adagrad(s):
    clr = s.lr / (1 + (s.now["step"] - 1) * s.hp["lr_decay"])
    std = np.sqrt(vec(s.now["sum"])) + s.hp["eps"]
    return {"clr": clr, "std": std, "effective_lr": clr / std, **split_l2(s, -clr / std)}


def rmsprop(s):
    square = vec(s.now["square_avg"])
    if s.hp["centered"]:
        square = square - vec(s.now["grad_avg"]) ** 2
    avg = np.sqrt(square) + s.hp["eps"]
    out = {"avg": avg, "effective_lr": s.lr / avg, **split_l2(s, -s.lr / avg)}
    if s.hp["momentum"] > 0:
        out["term:velocity"] = -s.lr * s.hp["momentum"] * vec(s.then["momentum_buffer"])
        out["term:sum"] = -s.lr * vec(s.now["momentum_buffer"])  # all three: torch's param.add_(buf, alpha=-lr)
    return out


def adadelta(s):
    std = np.sqrt(vec(s.now["square_avg"]) + s.hp["eps"])
    ratio = np.sqrt(vec(s.then["acc_delta"]) + s.hp["eps"]) / std
    return {"std": std, "delta": ratio * s.grad(), "effective_lr": s.lr * ratio, **split_l2(s, -s.lr * ratio)}


def radam(s):
    b1, b2 = s.hp["betas"]
    t = s.now["step"]
    bc1, bc2 = 1 - b1 ** t, 1 - b2 ** t
    rho_inf = 2 / (1 - b2) - 1
    rho_t = rho_inf - 2 * t * b2 ** t / bc2
    out = {"bias_correction1": bc1, "bias_correction2": bc2, "rho_inf": rho_inf, "rho_t": rho_t}
    scale = s.lr / bc1
    if rho_t > 5:
        rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
        adaptive = math.sqrt(bc2) / (np.sqrt(vec(s.now["exp_avg_sq"])) + s.hp["eps"])
        out.update(rect=rect, adaptive_lr=adaptive)
        scale = scale * adaptive * rect
    out["effective_lr"] = scale * np.ones(2)
    out["term:step"] = -scale * vec(s.now["exp_avg"])
    if s.hp["decoupled_weight_decay"] and s.hp["weight_decay"]:
        out["term:decay"] = -s.lr * s.hp["weight_decay"] * s.p
    return out


def rprop(s):
    used = vec(s.now["prev"])  # the gradient the step used (0 after a sign flip)
    return {"step_size": vec(s.now["step_size"]), "term:step": -np.sign(used) * vec(s.now["step_size"])}


def asgd(s):
    eta, mu = s.then["eta"], s.then["mu"]
    out = {"eta": eta, "mu": mu, "term:decay": -s.hp["lambd"] * eta * s.p}
    return {**out, **split_l2(s, -eta)}


def adafactor(s):
    eps1, eps2 = s.hp["eps"]
    eps1 = np.finfo(np.float64).eps if eps1 is None else eps1
    rms = lambda v: math.sqrt((v[0] ** 2 + v[1] ** 2) / 2)  # noqa: E731
    rho_t = min(s.lr, 1 / math.sqrt(s.t))
    alpha = max(eps2, rms(s.p)) * rho_t
    update = s.g / np.sqrt(np.maximum(vec(s.now["variance"]), eps1 * eps1))
    denom = max(1.0, rms(update) / s.hp["d"])
    out = {"rho_t": rho_t, "alpha": alpha, "update": update, "denom": denom, "term:step": -alpha / denom * update,
           "one_minus_beta2_t": s.t ** s.hp["beta2_decay"]}
    if s.hp["weight_decay"]:
        out["term:decay"] = -s.lr * s.hp["weight_decay"] * s.p
    return out


def lbfgs(s):
    evals = s.now["func_evals"] - (s.then["func_evals"] or 0)
    out = {"current_evals": evals, "iterations": s.now["n_iter"] - (s.then["n_iter"] or 0)}
    if s.hp["max_iter"] == 1 and out["iterations"]:  # one iteration per step: torch's d and t are its own
        out.update(d=vec(s.now["d"]), t=s.now["t"], **{"term:step": s.moved})  # t·d, or nothing when d goes uphill
    return out


def muon(s):
    buf = vec(s.now["momentum_buffer"])
    update = s.g + s.hp["momentum"] * (buf - s.g) if s.hp["nesterov"] else buf  # grad.lerp(buf, momentum)
    return {"update": update}


def lion(s):
    b1 = s.hp["betas"][0]
    blend = b1 * vec(s.then["exp_avg"]) + (1 - b1) * s.g
    return {"blend": blend, "update": np.sign(blend), "term:step": -s.lr * np.sign(blend),
            "term:decay": -s.lr * s.hp["weight_decay"] * s.p}


def adabelief(s):
    b1, b2 = s.hp["betas"]
    t = s.now["step"]
    g = s.g if s.hp["weight_decouple"] else s.grad()
    out = {"grad_residual": g - vec(s.now["exp_avg"]), "bias_correction1": 1 - b1 ** t}
    m, var = vec(s.now["exp_avg"]), vec(s.now["exp_avg_var"])
    step_size, adaptive = s.lr / (1 - b1 ** t), True
    denom = np.sqrt(var) / math.sqrt(1 - b2 ** t) + s.hp["eps"]
    if s.hp["rectify"]:
        n_max = 2 / (1 - b2) - 1
        n_sma = n_max - 2 * t * b2 ** t / (1 - b2 ** t)
        out["n_sma"] = n_sma
        adaptive = n_sma >= 5
        if adaptive:
            step_size *= math.sqrt((1 - b2 ** t) * (n_sma - 4) / (n_max - 4) * (n_sma - 2) / n_sma * n_max
                                   / (n_max - 2))
        denom = np.sqrt(var) + s.hp["eps"]
    out["step_size"] = step_size
    out["term:step"] = -step_size * m / denom if adaptive else -step_size * m
    if s.hp["weight_decay"] and s.hp["weight_decouple"]:
        rate = 1.0 if s.hp["fixed_decay"] else s.lr
        out["term:decay"] = -rate * s.hp["weight_decay"] * s.p
    return out


def schedule_free(s, start):
    b1, b2 = s.hp["betas"]
    weight = s.now["weight_sum"] - (s.then["weight_sum"] or 0.0)
    ckp1 = weight / s.now["weight_sum"]
    lr = s.now["scheduled_lr"]
    denom = np.sqrt(vec(s.now["exp_avg_sq"]) / (1 - b2 ** s.t)) + s.hp["eps"]
    z = vec(s.then["z"] if s.k else start)
    coefficient = lr * (b1 * (1 - ckp1) - 1)
    out = {"ckp1": ckp1, "weight": weight, "lr": lr, "denom": denom, "effective_lr": -coefficient / denom,
           "term:interpolation": ckp1 * (z - s.p), "term:gradient": coefficient * s.g / denom}
    if s.hp["weight_decay"]:
        out["term:weight_decay"] = coefficient * s.hp["weight_decay"] * s.p
    return out


def prodigy(s):
    b1, b2 = s.hp["betas"]
    d_before, d = (s.then["d"] if s.k else s.hp["d0"]), s.now["d"]
    correction = math.sqrt(1 - b2 ** s.t) / (1 - b1 ** s.t) if s.hp["use_bias_correction"] else 1.0
    dlr = d_before * s.lr * correction
    denom = np.sqrt(vec(s.now["exp_avg_sq"])) + d * s.hp["eps"]
    g = s.grad() if not s.hp["decouple"] else s.g
    direction = vec(s.now["exp_avg"]) if b1 > 0 else d * g
    out = {"dlr": dlr, "d": d, "denom": denom, "term:step": -dlr * direction / denom}
    if s.hp["decouple"] and s.hp["weight_decay"]:
        out["term:decay"] = -s.hp["weight_decay"] * dlr * s.p
    return out


RELATIONS = {"gd": gd, "momentum": momentum, "nesterov": nesterov, "adam": adam, "adamw": adamw, "nadam": nadam,
             "adamax": adamax, "adagrad": adagrad, "rmsprop": rmsprop, "adadelta": adadelta, "radam": radam, "rprop": rprop, "asgd": asgd,
             "adafactor": adafactor, "lbfgs": lbfgs, "muon": muon, "lion": lion, "adabelief": adabelief,
             "schedule_free_adamw": None, "prodigy": prodigy}
INITIAL = {"asgd": lambda hp: {"eta": hp["lr"], "mu": 1.0}, "rmsprop": lambda hp: {"momentum_buffer": [0.0, 0.0]},
           "adadelta": lambda hp: {"acc_delta": [0.0, 0.0]}, "lion": lambda hp: {"exp_avg": [0.0, 0.0]},
           "lbfgs": lambda hp: {"func_evals": 0, "n_iter": 0}, "schedule_free_adamw": lambda hp: {"weight_sum": 0.0}}


def agree(mine, theirs) -> bool:
    a, b = vec(mine), vec(theirs)
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= REL * np.abs(b) + 1e-300))


CHECKED = [c for c in CASES if c["optimizer"] in RELATIONS]


def test_every_optimizer_with_a_reference_is_checked():
    assert {c["optimizer"] for c in CASES} == set(RELATIONS)


@pytest.mark.parametrize("case", CHECKED, ids=lambda c: f"{c['surface']}-{c['optimizer']}-"
                         f"{'-'.join(sorted(k for k in c['params'] if k != 'lr')) or 'defaults'}")
def test_terms_and_quantities_follow_from_the_reference_state(client, case):
    oid = case["optimizer"]
    relation = RELATIONS[oid] or (lambda s: schedule_free(s, case["start"]))
    hp = get_optimizer(oid).validate(case["params"])
    initial = INITIAL.get(oid, lambda hp: {})(hp)
    compared = set()
    for k, (terms, quantities) in enumerate(explained(client, case)):
        expected = relation(Step(case, k, initial))
        step = vec(case["points"][k + 1]) - vec(case["points"][k])
        assert np.abs(np.sum([vec(v) for v in terms.values()], axis=0) - step).max() <= 1e-8 * (1 + np.abs(step).max())
        for key, value in expected.items():
            if key == "term:sum":  # every term of a momentum step together
                assert agree(np.sum([vec(v) for v in terms.values()], axis=0), value), (k, key)
                compared.add(key)
                continue
            kind, name = key.split(":") if ":" in key else ("quantity", key)
            got = (terms if kind == "term" else quantities).get(name)
            assert got is not None, (k, key, sorted(terms), sorted(quantities))
            assert agree(got, value), (k, key, got, value)
            compared.add(key)
    assert any(key.startswith("term:") for key in compared) or oid in ("muon", "lbfgs"), compared
