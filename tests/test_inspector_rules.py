"""The step inspector's numbers (static/js/steprules.js, run in node) against the API's state, the update rules and the engine.

A small numpy reference of torch's single-tensor rules gives each step's state and intermediate terms; it
is first held to the engine's own trajectory (so it is the rule the engine runs), then every number the
inspector shows (state before and after, bias corrections, effective per-coordinate lr, the step and its
arrows) is compared with it.
"""
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "static" / "js" / "views" / "steprules.js"


def node():
    path = shutil.which("node")
    if path is None:
        pytest.skip("node is not installed")
    return path


def explain(run, steps, tmp_path):
    """explainStep(run, k) for each k, computed by the page's own module in node."""
    module = tmp_path / "steprules.mjs"
    module.write_text(RULES.read_text())
    script = tmp_path / "explain.mjs"
    script.write_text(
        f'import {{ explainStep }} from {json.dumps(str(module))};\n'
        'let text = ""; process.stdin.on("data", (d) => (text += d));\n'
        'process.stdin.on("end", () => { const {run, steps} = JSON.parse(text);\n'
        '  console.log(JSON.stringify(steps.map((k) => explainStep(run, k)))); });\n')
    out = subprocess.run([node(), str(script)], input=json.dumps({"run": run, "steps": steps}), capture_output=True,
                         text=True, timeout=60, check=True)
    return json.loads(out.stdout)


# --- a numpy reference of torch's rules: state after each step, and the terms of each step ---------------------
def reference(run):
    hp, P, G, L = run["params"], np.asarray(run["points"]), np.asarray(run["gradients"]), run["lrs"]
    opt = run["optimizer"]
    state, terms = {}, []
    for k in range(len(G)):
        p, g, lr = P[k], G[k], L[k]
        t = k + 1
        term = {}
        if opt in ("momentum", "nesterov"):
            gp = g + hp["weight_decay"] * p
            tau = 0.0 if opt == "nesterov" else hp["dampening"]
            buf = gp.copy() if k == 0 else hp["momentum"] * state["momentum_buffer"][-1] + (1 - tau) * gp
            state.setdefault("momentum_buffer", []).append(buf)
            d = gp + hp["momentum"] * buf if opt == "nesterov" else buf
            term["step"], term["effective_lr"] = -lr * d, np.array([lr, lr])
        elif opt == "adagrad":
            gp = g + hp["weight_decay"] * p
            prev = state["sum"][-1] if k else np.full(2, hp["initial_accumulator_value"])
            s = prev + gp * gp
            state.setdefault("sum", []).append(s)
            state.setdefault("step", []).append(t)
            clr = lr / (1 + (t - 1) * hp["lr_decay"])
            std = np.sqrt(s) + hp["eps"]
            term["step"], term["effective_lr"], term["clr"] = -clr * gp / std, clr / std, clr
        elif opt == "rmsprop":
            gp = g + hp["weight_decay"] * p
            a = hp["alpha"]
            sa = a * (state["square_avg"][-1] if k else 0) + (1 - a) * gp * gp
            state.setdefault("square_avg", []).append(sa)
            state.setdefault("step", []).append(t)
            if hp["centered"]:
                ga = a * (state["grad_avg"][-1] if k else 0) + (1 - a) * gp
                state.setdefault("grad_avg", []).append(ga)
                avg = np.sqrt(sa - ga * ga) + hp["eps"]
            else:
                avg = np.sqrt(sa) + hp["eps"]
            if hp["momentum"] > 0:
                buf = hp["momentum"] * (state["momentum_buffer"][-1] if k else 0) + gp / avg
                state.setdefault("momentum_buffer", []).append(buf)
                term["step"] = -lr * buf
            else:
                term["step"] = -lr * gp / avg
            term["effective_lr"] = lr / avg
        elif opt in ("adam", "adamw"):
            b1, b2 = hp["betas"]
            theta = p * (1 - lr * hp["weight_decay"]) if opt == "adamw" else p
            gp = g if opt == "adamw" else g + hp["weight_decay"] * p
            m = b1 * (state["exp_avg"][-1] if k else 0) + (1 - b1) * gp
            v = b2 * (state["exp_avg_sq"][-1] if k else 0) + (1 - b2) * gp * gp
            state.setdefault("exp_avg", []).append(m)
            state.setdefault("exp_avg_sq", []).append(v)
            state.setdefault("step", []).append(t)
            if hp["amsgrad"]:
                v = np.maximum(state["max_exp_avg_sq"][-1] if k else 0, v)
                state.setdefault("max_exp_avg_sq", []).append(v)
            bc1, bc2 = 1 - b1 ** t, 1 - b2 ** t
            denom = np.sqrt(v) / np.sqrt(bc2) + hp["eps"]
            term["step"] = theta - lr / bc1 * m / denom - p
            term.update(bias_correction1=bc1, bias_correction2=bc2, effective_lr=lr / bc1 / denom,
                        momentum_direction=-lr * m / bc1)
        elif opt == "adadelta":
            gp = g + hp["weight_decay"] * p
            rho = hp["rho"]
            v = rho * (state["square_avg"][-1] if k else 0) + (1 - rho) * gp * gp
            u_prev = state["acc_delta"][-1] if k else np.zeros(2)
            delta = np.sqrt(u_prev + hp["eps"]) / np.sqrt(v + hp["eps"]) * gp
            state.setdefault("square_avg", []).append(v)
            state.setdefault("acc_delta", []).append(rho * u_prev + (1 - rho) * delta * delta)
            state.setdefault("step", []).append(t)
            term["step"], term["effective_lr"] = -lr * delta, lr * np.sqrt(u_prev + hp["eps"]) / np.sqrt(v + hp["eps"])
        elif opt == "adamax":
            b1, b2 = hp["betas"]
            gp = g + hp["weight_decay"] * p
            m = b1 * (state["exp_avg"][-1] if k else 0) + (1 - b1) * gp
            u = np.maximum(b2 * (state["exp_inf"][-1] if k else np.zeros(2)), np.abs(gp) + hp["eps"])
            state.setdefault("exp_avg", []).append(m)
            state.setdefault("exp_inf", []).append(u)
            state.setdefault("step", []).append(t)
            bc1 = 1 - b1 ** t
            term.update(step=-lr / bc1 * m / u, effective_lr=lr / bc1 / u, bias_correction1=bc1,
                        momentum_direction=-lr * m / bc1)
        elif opt == "nadam":
            b1, b2 = hp["betas"]
            gp = g + hp["weight_decay"] * p
            mu = b1 * (1 - 0.5 * 0.96 ** (t * hp["momentum_decay"]))
            mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * hp["momentum_decay"]))
            prod = (state["mu_product"][-1] if k else 1.0) * mu
            m = b1 * (state["exp_avg"][-1] if k else 0) + (1 - b1) * gp
            v = b2 * (state["exp_avg_sq"][-1] if k else 0) + (1 - b2) * gp * gp
            for name, value in (("step", t), ("mu_product", prod), ("exp_avg", m), ("exp_avg_sq", v)):
                state.setdefault(name, []).append(value)
            bc2 = 1 - b2 ** t
            denom = np.sqrt(v / bc2) + hp["eps"]
            term["step"] = -lr * (1 - mu) / (1 - prod) * gp / denom - lr * mu_next / (1 - prod * mu_next) * m / denom
            term["bias_correction2"] = bc2
        elif opt == "lion":
            b1, b2 = hp["betas"]
            m_prev = state["exp_avg"][-1] if k else np.zeros(2)
            blend = b1 * m_prev + (1 - b1) * g
            term["step"] = p * (1 - lr * hp["weight_decay"]) - lr * np.sign(blend) - p
            state.setdefault("exp_avg", []).append(b2 * m_prev + (1 - b2) * g)
            term["effective_lr"], gp = np.array([lr, lr]), g
        elif opt == "rprop":
            (etaminus, etaplus), (lo, hi) = hp["etas"], hp["step_sizes"]
            prev = state["prev"][-1] if k else np.zeros(2)
            size = state["step_size"][-1] if k else np.full(2, hp["lr"])
            prod = g * prev
            size = np.clip(size * np.where(prod > 0, etaplus, np.where(prod < 0, etaminus, 1.0)), lo, hi)
            used = np.where(prod < 0, 0.0, g)
            for name, value in (("step", t), ("prev", used), ("step_size", size)):
                state.setdefault(name, []).append(value)
            term["step"], term["effective_lr"], gp = -np.sign(used) * size, size, g
        else:
            raise ValueError(opt)
        term["minus_lr_g"] = -lr * gp
        terms.append(term)
    return {name: [v.tolist() if isinstance(v, np.ndarray) else v for v in values] for name, values in state.items()}, terms


CASES = [
    ("momentum", {"lr": 0.002, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}),
    ("nesterov", {"lr": 0.002, "momentum": 0.8}),
    ("adagrad", {"lr": 0.3, "lr_decay": 0.01, "weight_decay": 0.02, "initial_accumulator_value": 0.1}),
    ("rmsprop", {"lr": 0.01}),
    ("rmsprop", {"lr": 0.005, "momentum": 0.5, "centered": True, "weight_decay": 0.01}),
    ("adam", {"lr": 0.05, "weight_decay": 0.01}),
    ("adam", {"lr": 0.05, "betas": [0.8, 0.99], "amsgrad": True}),
    ("adamw", {"lr": 0.05, "weight_decay": 0.1}),
    ("adadelta", {"weight_decay": 0.01}),
    ("adamax", {"lr": 0.05, "weight_decay": 0.01}),
    ("nadam", {"lr": 0.05, "momentum_decay": 0.01}),
    ("lion", {"lr": 0.01, "weight_decay": 0.1}),
    ("rprop", {"lr": 0.05}),
]


def close(a, b, rel=1e-10):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.all(np.abs(a - b) <= rel * (1 + np.abs(b)))


@pytest.mark.parametrize("optimizer, params", CASES, ids=[f"{o}-{i}" for i, (o, _) in enumerate(CASES)])
def test_inspector_numbers_follow_the_rule_and_the_engine(client, tmp_path, optimizer, params):
    from app.optimizers import OPTIMIZERS

    if optimizer not in OPTIMIZERS:
        pytest.skip(f"{optimizer} is not in this build")
    body = {"surface": "himmelblau", "start": [-0.5, -0.5], "steps": 40,
            "optimizers": [{"optimizer": optimizer, "params": params}]}
    r = client.post("/api/runs", json={**body, "include": ["state"]})
    assert r.status_code == 200, r.text
    (run,) = r.json()["runs"]
    state, terms = reference(run)
    # the reference is the rule the engine runs
    steps = np.diff(np.asarray(run["points"]), axis=0)
    assert close([t["step"] for t in terms], steps, 1e-9)
    assert set(run["state"]) == set(state)  # the API's state agrees with the rule, name by name
    for name, values in state.items():
        assert close(run["state"][name], values), name
    ks = [0, 1, 2, 17, 39]
    for k, ex in zip(ks, explain(run, ks, tmp_path)):
        term = terms[k]
        assert ex["index"] == k and ex["optimizer"] == optimizer and ex["t"] == k + 1
        assert ex["mismatch"] < 1e-12 * (1 + np.abs(steps[k]).max())
        assert close(ex["step"], term["step"]) and close(ex["actual"], steps[k])
        if "effective_lr" in term:
            assert close(ex["quantities"]["effective_lr"], term["effective_lr"])
        if "minus_lr_g" in ex["arrows"]:
            assert close(ex["arrows"]["minus_lr_g"], term["minus_lr_g"])
        for key in ("bias_correction1", "bias_correction2", "clr"):
            if key in term:
                assert ex["quantities"][key] == pytest.approx(term[key], rel=1e-12)
        if "momentum_direction" in term:
            assert close(ex["arrows"]["momentum_direction"], term["momentum_direction"])
        rows = {row["name"]: row for row in ex["state"]}
        assert set(rows) == set(state), (set(rows), set(state))
        for name, values in state.items():
            assert close(rows[name]["after"], values[k]) and close(rows[name]["computed"], values[k]), name
            if k > 0:
                assert close(rows[name]["before"], values[k - 1]), name
        if optimizer in ("momentum", "nesterov"):  # the arrows add up to the step
            parts = [ex["arrows"].get("gradient_share", ex["arrows"]["minus_lr_g"]),
                     ex["arrows"].get("momentum_carry", ex["arrows"].get("lookahead", [0, 0]))]
            assert close(np.sum(parts, axis=0), term["step"])


def test_a_stateless_step_says_so(client, tmp_path):
    (run,) = client.post("/api/runs", json={"surface": "quadratic", "start": [2, 1], "steps": 3,
                                            "optimizers": [{"optimizer": "gd", "params": {"lr": 0.1}}]}).json()["runs"]
    (ex,) = explain(run, [1], tmp_path)
    assert ex["stateless"] is True and ex["state"] == []
    assert close(ex["step"], [-0.1 * 2 * c for c in run["points"][1]])


def test_past_the_end_and_bad_steps_explain_nothing(client, tmp_path):
    (run,) = client.post("/api/runs", json={"surface": "quadratic", "steps": 3,
                                            "optimizers": [{"optimizer": "adam", "params": {"lr": 0.1}}]}).json()["runs"]
    assert explain(run, [3, -1, 1.5], tmp_path) == [None, None, None]


def test_after_a_switch_the_new_rule_starts_from_fresh_state(client, tmp_path):
    (run,) = client.post("/api/runs", json={"surface": "himmelblau", "start": [0, 0], "steps": 30, "include": ["state"],
                                            "optimizers": [{"optimizer": "adam", "params": {"lr": 0.1}, "switch": {
                                                "at_step": 10, "optimizer": "momentum", "params": {"lr": 0.002}}}]}).json()["runs"]
    # the momentum phase alone, as if it had started at step 10
    tail = {**run, "optimizer": "momentum", "params": run["switch"]["params"], "switch": None,
            "points": run["points"][10:], "gradients": run["gradients"][10:], "lrs": run["lrs"][10:]}
    state, terms = reference(tail)
    assert run["state"]["momentum_buffer"][:10] == [None] * 10
    assert close(run["state"]["momentum_buffer"][10:], state["momentum_buffer"])
    ex9, ex10, ex12 = explain(run, [9, 10, 12], tmp_path)
    assert ex9["optimizer"] == "adam" and ex9["t"] == 10 and ex9["mismatch"] < 1e-12
    assert ex10["optimizer"] == "momentum" and ex10["t"] == 1 and ex10["state"][0]["before"] is None
    assert close(ex10["step"], terms[0]["step"]) and close(ex12["step"], terms[2]["step"])
    assert close(ex12["state"][0]["before"], state["momentum_buffer"][1])
