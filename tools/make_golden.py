"""Write tests/golden/*.json: reference trajectories computed by torch.optim in float64.

Run by hand, never in CI (none of these packages is a dependency of Slopes):

    python -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch==2.13.0 numpy \
        lion-pytorch schedulefree prodigyopt pytorch-optimizer
    /tmp/torchenv/bin/python tools/make_golden.py

Files: ``optimizers.json`` (torch.optim's first ten), ``optimizers_reference.json`` (the ten
more: RAdam, Rprop, ASGD, Adafactor, LBFGS, Muon from torch.optim; Lion, AdaBelief,
Schedule-Free AdamW, Prodigy from their own packages), ``state.json`` (every case of
both, the optimizer's state after each of its first steps), ``schedules.json``,
``switch.json``.

Surfaces are written here again in torch, independently of app/surfaces, and
differentiated by autograd, so the fixtures check Slopes' analytic gradients
as well as its update rules. Every optimizer runs with its defaults and with
each non-default branch; every schedule type runs through torch's scheduler.
"""
from __future__ import annotations

import json
import math
from importlib.metadata import version
from pathlib import Path

import lion_pytorch
import prodigyopt
import pytorch_optimizer
import schedulefree
import torch

torch.set_default_dtype(torch.float64)  # step counters and NAdam's mu_product in float64 too
OUT = Path(__file__).resolve().parent.parent / "tests" / "golden"
STEPS = 200
STATE_STEPS = 30  # state.json: the optimizer's state after each of the first 30 steps of every case
STATE_STEPS_LBFGS = 10  # LBFGS's state holds its whole history (up to history_size pairs): fewer steps

SURFACES = {
    "rosenbrock": ((-1.2, 1.0), lambda x, y: (1 - x) ** 2 + 100 * (y - x ** 2) ** 2),
    "himmelblau": ((0.5, -1.5), lambda x, y: (x ** 2 + y - 11) ** 2 + (x + y ** 2 - 7) ** 2),
    "beale": ((1.0, 1.5), lambda x, y: (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2
              + (2.625 - x + x * y ** 3) ** 2),
    "six_hump_camel": ((-1.0, -0.2), lambda x, y: (4 - 2.1 * x ** 2 + x ** 4 / 3) * x ** 2 + x * y
                       + (-4 + 4 * y ** 2) * y ** 2),
    "styblinski_tang": ((0.5, 0.8), lambda x, y: 0.5 * (x ** 4 - 16 * x ** 2 + 5 * x + y ** 4 - 16 * y ** 2 + 5 * y)),
    "ravine": ((-9.0, 2.5), lambda x, y: 0.05 * x ** 2 + 5 * y ** 2),
}

# (slopes id, slopes params, torch class, torch kwargs); lr is set per case below when absent
O = torch.optim
CASES = [
    ("gd", {}, O.SGD, {}),
    ("gd", {"weight_decay": 0.1}, O.SGD, {"weight_decay": 0.1}),
    ("momentum", {"momentum": 0.9}, O.SGD, {"momentum": 0.9}),
    ("momentum", {"momentum": 0.8, "dampening": 0.5}, O.SGD, {"momentum": 0.8, "dampening": 0.5}),
    ("momentum", {"momentum": 0.9, "weight_decay": 0.05}, O.SGD, {"momentum": 0.9, "weight_decay": 0.05}),
    ("nesterov", {"momentum": 0.9}, O.SGD, {"momentum": 0.9, "nesterov": True}),
    ("nesterov", {"momentum": 0.7, "weight_decay": 0.1}, O.SGD, {"momentum": 0.7, "nesterov": True, "weight_decay": 0.1}),
    ("adagrad", {}, O.Adagrad, {}),
    ("adagrad", {"lr_decay": 0.01}, O.Adagrad, {"lr_decay": 0.01}),
    ("adagrad", {"initial_accumulator_value": 0.1, "weight_decay": 0.05}, O.Adagrad,
     {"initial_accumulator_value": 0.1, "weight_decay": 0.05}),
    ("adagrad", {"eps": 1e-3}, O.Adagrad, {"eps": 1e-3}),
    ("rmsprop", {}, O.RMSprop, {}),
    ("rmsprop", {"centered": True}, O.RMSprop, {"centered": True}),
    ("rmsprop", {"momentum": 0.5}, O.RMSprop, {"momentum": 0.5}),
    ("rmsprop", {"centered": True, "momentum": 0.3, "weight_decay": 0.05, "alpha": 0.9}, O.RMSprop,
     {"centered": True, "momentum": 0.3, "weight_decay": 0.05, "alpha": 0.9}),
    ("adadelta", {}, O.Adadelta, {}),
    ("adadelta", {"rho": 0.5, "weight_decay": 0.05}, O.Adadelta, {"rho": 0.5, "weight_decay": 0.05}),
    ("adadelta", {"eps": 1e-3}, O.Adadelta, {"eps": 1e-3}),
    ("adam", {}, O.Adam, {}),
    ("adam", {"amsgrad": True}, O.Adam, {"amsgrad": True}),
    ("adam", {"weight_decay": 0.1, "betas": [0.8, 0.99]}, O.Adam, {"weight_decay": 0.1, "betas": (0.8, 0.99)}),
    ("adam", {"eps": 1e-3}, O.Adam, {"eps": 1e-3}),
    ("adamw", {}, O.AdamW, {}),
    ("adamw", {"weight_decay": 0.2, "amsgrad": True}, O.AdamW, {"weight_decay": 0.2, "amsgrad": True}),
    ("nadam", {}, O.NAdam, {}),
    ("nadam", {"momentum_decay": 0.01, "weight_decay": 0.05}, O.NAdam, {"momentum_decay": 0.01, "weight_decay": 0.05}),
    ("nadam", {"betas": [0.95, 0.9]}, O.NAdam, {"betas": (0.95, 0.9)}),
    ("adamax", {}, O.Adamax, {}),
    ("adamax", {"weight_decay": 0.1, "betas": [0.8, 0.95]}, O.Adamax, {"weight_decay": 0.1, "betas": (0.8, 0.95)}),
]

# the ten more: (slopes id, slopes params, reference class, its kwargs); lr per case below when absent
LION, ADABELIEF = lion_pytorch.Lion, pytorch_optimizer.AdaBelief
FREE, PRODIGY = schedulefree.AdamWScheduleFree, prodigyopt.Prodigy
REFERENCE_CASES = [
    ("radam", {}, O.RAdam, {}),  # rectification switches on at step 6 (rho_t > 5)
    ("radam", {"betas": [0.9, 0.6]}, O.RAdam, {"betas": (0.9, 0.6)}),  # rho_inf = 4: never rectified
    ("radam", {"betas": [0.8, 0.9], "eps": 1e-3}, O.RAdam, {"betas": (0.8, 0.9), "eps": 1e-3}),
    ("radam", {"weight_decay": 0.1}, O.RAdam, {"weight_decay": 0.1}),
    ("radam", {"weight_decay": 0.1, "decoupled_weight_decay": True}, O.RAdam,
     {"weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("rprop", {}, O.Rprop, {}),
    ("rprop", {"etas": [0.3, 1.5]}, O.Rprop, {"etas": (0.3, 1.5)}),
    ("rprop", {"step_sizes": [1e-3, 0.05]}, O.Rprop, {"step_sizes": (1e-3, 0.05)}),
    ("asgd", {}, O.ASGD, {}),
    ("asgd", {"t0": 20.0}, O.ASGD, {"t0": 20.0}),  # averaging from step 21 on
    ("asgd", {"t0": 50.0, "lambd": 0.01, "alpha": 0.5, "weight_decay": 0.05}, O.ASGD,
     {"t0": 50.0, "lambd": 0.01, "alpha": 0.5, "weight_decay": 0.05}),
    ("adafactor", {}, O.Adafactor, {}),
    ("adafactor", {"eps": [1e-3, 1e-3], "beta2_decay": -0.5}, O.Adafactor, {"eps": (1e-3, 1e-3), "beta2_decay": -0.5}),
    ("adafactor", {"d": 2.0, "weight_decay": 0.1}, O.Adafactor, {"d": 2.0, "weight_decay": 0.1}),
    ("adafactor", {"eps": [None, 0.5]}, O.Adafactor, {"eps": (None, 0.5)}),
    ("lbfgs", {}, O.LBFGS, {}),
    ("lbfgs", {"line_search_fn": "strong_wolfe"}, O.LBFGS, {"line_search_fn": "strong_wolfe"}),
    ("lbfgs", {"max_iter": 1}, O.LBFGS, {"max_iter": 1}),
    ("lbfgs", {"max_iter": 1, "line_search_fn": "strong_wolfe"}, O.LBFGS, {"max_iter": 1, "line_search_fn": "strong_wolfe"}),
    ("lbfgs", {"max_iter": 4, "max_eval": 6, "history_size": 2, "tolerance_change": 1e-6, "line_search_fn": "strong_wolfe"},
     O.LBFGS, {"max_iter": 4, "max_eval": 6, "history_size": 2, "tolerance_change": 1e-6, "line_search_fn": "strong_wolfe"}),
    ("muon", {}, O.Muon, {}),
    ("muon", {"nesterov": False, "weight_decay": 0.0, "momentum": 0.8}, O.Muon,
     {"nesterov": False, "weight_decay": 0.0, "momentum": 0.8}),
    ("muon", {"adjust_lr_fn": "match_rms_adamw", "ns_steps": 3}, O.Muon, {"adjust_lr_fn": "match_rms_adamw", "ns_steps": 3}),
    ("muon", {"ns_coefficients": [2.0, -1.5, 0.5], "eps": 1e-3}, O.Muon, {"ns_coefficients": (2.0, -1.5, 0.5), "eps": 1e-3}),
    ("lion", {}, LION, {}),
    ("lion", {"betas": [0.95, 0.98], "weight_decay": 0.1}, LION, {"betas": (0.95, 0.98), "weight_decay": 0.1}),
    ("adabelief", {}, ADABELIEF, {}),
    ("adabelief", {"rectify": True}, ADABELIEF, {"rectify": True}),
    ("adabelief", {"weight_decay": 0.1}, ADABELIEF, {"weight_decay": 0.1}),
    ("adabelief", {"weight_decay": 0.1, "fixed_decay": True, "eps": 1e-8}, ADABELIEF,
     {"weight_decay": 0.1, "fixed_decay": True, "eps": 1e-8}),
    ("adabelief", {"weight_decay": 0.1, "weight_decouple": False, "rectify": True, "betas": [0.8, 0.99]}, ADABELIEF,
     {"weight_decay": 0.1, "weight_decouple": False, "rectify": True, "betas": (0.8, 0.99)}),
    ("schedule_free_adamw", {}, FREE, {}),
    ("schedule_free_adamw", {"warmup_steps": 20}, FREE, {"warmup_steps": 20}),
    ("schedule_free_adamw", {"weight_decay": 0.05, "r": 0.5, "weight_lr_power": 1.0, "betas": [0.8, 0.99]}, FREE,
     {"weight_decay": 0.05, "r": 0.5, "weight_lr_power": 1.0, "betas": (0.8, 0.99)}),
    ("schedule_free_adamw", {"eps": 1e-4, "warmup_steps": 5}, FREE, {"eps": 1e-4, "warmup_steps": 5}),
    ("prodigy", {}, PRODIGY, {}),
    ("prodigy", {"use_bias_correction": True, "safeguard_warmup": True}, PRODIGY,
     {"use_bias_correction": True, "safeguard_warmup": True}),
    ("prodigy", {"weight_decay": 0.05}, PRODIGY, {"weight_decay": 0.05}),
    ("prodigy", {"weight_decay": 0.05, "decouple": False, "betas": [0.0, 0.99]}, PRODIGY,
     {"weight_decay": 0.05, "decouple": False, "betas": (0.0, 0.99)}),
    ("prodigy", {"growth_rate": 1.05, "d0": 1e-4, "beta3": 0.9, "d_coef": 0.5, "eps": 1e-6}, PRODIGY,
     {"growth_rate": 1.05, "d0": 1e-4, "beta3": 0.9, "d_coef": 0.5, "eps": 1e-6}),
]
REFERENCE_IDS = {c[0] for c in REFERENCE_CASES}
REFERENCE_STEPS = {"lbfgs": 40}  # an LBFGS step is up to max_iter iterations: 40 steps reach every minimum
MATRIX = {"muon"}  # the point as a 1x2 matrix
# state kept in the param group rather than per tensor (written under the group's own names)
GROUP_KEYS = {"adabelief": ("step",), "schedule_free_adamw": ("k", "weight_sum", "lr_max", "scheduled_lr"),
              "prodigy": ("d", "d_max", "d_numerator", "d_denom", "d_hat", "k")}


def first_lr(oid, surface):
    sgd, adaptive = LR[surface]
    if oid in ("gd", "momentum", "nesterov", "asgd"):
        return sgd
    if oid == "adadelta":
        return 1.0 if surface != "ravine" else 0.5
    if oid in ("lbfgs", "prodigy"):
        return 1.0
    return adaptive


# learning rates that move visibly in 200 steps without diverging, per surface (SGD family / adaptive)
LR = {
    "rosenbrock": (1e-3, 0.02), "himmelblau": (5e-3, 0.05), "beale": (5e-3, 0.02),
    "six_hump_camel": (0.01, 0.02), "styblinski_tang": (0.01, 0.05), "ravine": (0.05, 0.3),
}

SCHEDULES = [
    ({"type": "step", "step_size": 30, "gamma": 0.5}, lambda o: O.lr_scheduler.StepLR(o, step_size=30, gamma=0.5)),
    ({"type": "exponential", "gamma": 0.98}, lambda o: O.lr_scheduler.ExponentialLR(o, gamma=0.98)),
    ({"type": "cosine", "T_max": 80, "eta_min": 0.001},
     lambda o: O.lr_scheduler.CosineAnnealingLR(o, T_max=80, eta_min=0.001)),
    ({"type": "inverse_time", "decay": 0.05},
     lambda o: O.lr_scheduler.LambdaLR(o, lambda t: 1 / (1 + 0.05 * t))),
    ({"type": "constant"}, None),
]


def make(opt_class, params, kwargs):
    """The optimizer over ``params``; torch.optim's own classes take their single-tensor code path."""
    if opt_class.__module__.startswith("torch.optim") and opt_class not in (O.LBFGS, O.Muon):
        return opt_class(params, foreach=False, **kwargs)
    if opt_class in (pytorch_optimizer.AdaBelief, schedulefree.AdamWScheduleFree):
        return opt_class(params, foreach=False, **kwargs)
    return opt_class(params, **kwargs)


def as_json(v):
    """A state value as the API gives it: tensors of two numbers (Muon's 1x2 matrix too) as [x, y], 0-d
    tensors and Python numbers as numbers, lists element by element, None as null."""
    if isinstance(v, torch.Tensor):
        return v.item() if v.dim() == 0 else v.detach().reshape(-1).tolist()
    if isinstance(v, (list, tuple)):
        return [as_json(e) for e in v]
    if isinstance(v, bool) or v is None:
        return v
    return float(v) if isinstance(v, (int, float)) else v


def reference_run(fn, start, opt_class, kwargs, steps=STEPS, schedule=None, then=None, nudge=0.0, matrix=False,
                  state_steps=0, group_keys=()):
    """The path the reference optimizer takes, one ``optimizer.step(closure)`` per step.

    ``nudge`` perturbs each gradient coordinate by a relative +-nudge (signs alternating between
    coordinates and calls; flipped for a negative nudge) to probe how rounding differences grow.
    ``matrix``: the point is a 1x2 matrix (Muon). Returns points, lrs, ok and, when asked, the state
    after each of the first ``state_steps`` steps (with the param group's ``group_keys``), every closure
    evaluation per step, and Schedule-Free's averaged (``eval()``) point.
    """
    p = torch.tensor([start] if matrix else start, dtype=torch.float64, requires_grad=True)
    flat = (lambda: p.detach().reshape(-1).tolist())
    if nudge:
        calls = [0]

        def hook(g):
            calls[0] += 1
            sign = (1.0 if calls[0] % 2 else -1.0) * (1.0 if nudge > 0 else -1.0)
            return g * torch.tensor([1 + sign * nudge, 1 - sign * nudge]).reshape(g.shape)
        p.register_hook(hook)
    opt = make(opt_class, [p], kwargs)
    free = isinstance(opt, schedulefree.AdamWScheduleFree)
    if free:
        opt.train()
    sched = schedule(opt) if schedule else None
    evaluations = []

    def closure():
        evaluations[-1].append(flat())
        opt.zero_grad()
        with torch.enable_grad():
            loss = fn(*p.reshape(-1))
            loss.backward()
        return loss

    points, lrs, states, averaged = [flat()], [], {}, [flat()]
    for t in range(steps):
        if then and t == then[0]:  # a switch: a fresh optimizer continues from here
            opt = make(then[1], [p], then[2])
            sched = None
        lrs.append(opt.param_groups[0]["lr"])
        evaluations.append([])
        opt.step(closure)
        if sched:
            sched.step()
        points.append(flat())
        if free:
            z = opt.state[p].get("z")
            x = p.detach().clone()
            if z is not None:  # what eval() does, on a copy: eval() then train() would not restore p exactly
                x.lerp_(end=z, weight=1 - 1 / opt.param_groups[0]["betas"][0])
            averaged.append(x.reshape(-1).tolist())
        if t < state_steps:
            now = {k: as_json(v) for k, v in opt.state[p].items()}
            now.update({k: as_json(opt.param_groups[0][k]) for k in group_keys if k in opt.param_groups[0]})
            for k in set(states) | set(now):
                states.setdefault(k, [None] * t).append(now.get(k))
    ok = all(math.isfinite(c) and abs(c) < 1e3 for pt in points for c in pt)
    return {"points": points, "lrs": lrs, "ok": ok, "state": states, "evaluations": evaluations,
            "averaged": averaged}


def trajectory(fn, start, opt_class, kwargs, steps=STEPS, schedule=None, then=None, nudge=0.0, matrix=False):
    out = reference_run(fn, start, opt_class, kwargs, steps, schedule, then, nudge, matrix)
    return out["points"], out["lrs"], out["ok"]


def well_conditioned(fn, start, cls, kwargs, points, steps=STEPS, matrix=False):
    """A gradient off by ~1e-15 (an ulp of rounding: autograd's order is not Slopes') must stay below 1e-10
    after 200 steps; a chaotic path would amplify any rounding past the 1e-8 tolerance and test nothing."""
    for nudge in (1e-15, -1e-15, 1e-14):
        nudged, _, ok = trajectory(fn, start, cls, kwargs, steps=steps, nudge=nudge, matrix=matrix)
        if not ok or max(abs(a - b) / (1 + abs(b)) for pa, pb in zip(nudged, points) for a, b in zip(pa, pb)) > 1e-11:
            return False
    return True


def golden_case(surface, oid, params, cls, kwargs):
    """One case: the largest lr (halving from the surface's usual one) whose path is stable and
    well-conditioned, its trajectory, and its state over the first steps."""
    start, fn = SURFACES[surface]
    steps, matrix = REFERENCE_STEPS.get(oid, STEPS), oid in MATRIX
    lr = params.get("lr", first_lr(oid, surface))
    for _ in range(8):  # halve lr until the path is stable and well-conditioned
        run = reference_run(fn, start, cls, {"lr": lr, **kwargs}, steps=steps, matrix=matrix)
        if run["ok"] and well_conditioned(fn, start, cls, {"lr": lr, **kwargs}, run["points"], steps, matrix):
            break
        lr /= 2
    else:
        print(f"  skipped {surface} {oid} {params}: no stable, well-conditioned lr")
        return None, None
    case = {"surface": surface, "start": list(start), "optimizer": oid, "params": {"lr": lr, **params},
            "reference": f"{cls.__module__}.{cls.__name__}({kwargs})", "steps": steps, "points": run["points"]}
    if cls.__module__.startswith("torch.optim") and oid not in REFERENCE_IDS:  # the first ten's format, unchanged
        case = {**{k: case[k] for k in ("surface", "start", "optimizer", "params")},
                "torch": f"{cls.__name__}({kwargs})", "steps": steps, "points": run["points"]}
    if oid == "lbfgs":
        case["evaluations"] = [len(e) for e in run["evaluations"]]
        case["evaluation_points"] = run["evaluations"]
    if oid == "schedule_free_adamw":
        case["averaged"] = run["averaged"]
    keys = GROUP_KEYS.get(oid, ())
    state_steps = STATE_STEPS_LBFGS if oid == "lbfgs" else STATE_STEPS
    full = reference_run(fn, start, cls, {"lr": lr, **kwargs}, steps=state_steps, matrix=matrix,
                         state_steps=state_steps, group_keys=keys)
    state = {"surface": surface, "start": list(start), "optimizer": oid, "params": {"lr": lr, **params},
             "steps": state_steps, "points": full["points"], "state": full["state"], "group_keys": list(keys)}
    return case, state


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    cases, reference_cases, states = [], [], []
    for surface in SURFACES:
        for oid, params, cls, kwargs in CASES:
            case, state = golden_case(surface, oid, params, cls, kwargs)
            if case is None:
                raise SystemExit(f"{surface} {oid} {params}: no stable lr found")
            cases.append(case)
            states.append(state)
        for oid, params, cls, kwargs in REFERENCE_CASES:
            case, state = golden_case(surface, oid, params, cls, kwargs)
            if case is not None:
                reference_cases.append(case)
                states.append(state)
    schedules = []
    for surface in ("himmelblau", "rosenbrock"):
        start, fn = SURFACES[surface]
        for oid, cls, lr in (("gd", O.SGD, LR[surface][0]), ("adam", O.Adam, LR[surface][1])):
            for spec, scheduler in SCHEDULES:
                points, lrs, ok = trajectory(fn, start, cls, {"lr": lr}, schedule=scheduler)
                assert ok, (surface, oid, spec)
                schedules.append({"surface": surface, "start": list(start), "optimizer": oid, "params": {"lr": lr},
                                  "schedule": spec, "steps": STEPS, "lrs": lrs, "points": points})
    start, fn = SURFACES["himmelblau"]
    points, lrs, ok = trajectory(fn, start, O.Adam, {"lr": 0.05}, then=(100, O.SGD, {"lr": 0.005}))
    switch = [{"surface": "himmelblau", "start": list(start), "optimizer": "adam", "params": {"lr": 0.05},
               "switch": {"at_step": 100, "optimizer": "gd", "params": {"lr": 0.005}}, "steps": STEPS,
               "lrs": lrs, "points": points}]
    meta = {"torch": torch.__version__, "dtype": "float64", "generator": "tools/make_golden.py"}
    reference_meta = {"lion-pytorch": version("lion-pytorch"), "pytorch-optimizer": version("pytorch-optimizer"),
                "schedulefree": version("schedulefree"), "prodigyopt": version("prodigyopt")}
    for name, data, extra in (("optimizers", cases, {}), ("optimizers_reference", reference_cases, reference_meta),
                              ("state", states, reference_meta), ("schedules", schedules, {}), ("switch", switch, {})):
        (OUT / f"{name}.json").write_text(json.dumps({**meta, **extra, "cases": data}, separators=(",", ":")))
        print(f"wrote {len(data)} cases to tests/golden/{name}.json")


REFERENCE_SCHEDULE_STEPS = 100
REFERENCE_SWITCHES = [  # (surface, first optimizer and params, at_step, second optimizer and params)
    ("himmelblau", ("radam", {"lr": 0.05}), 50, ("lbfgs", {"line_search_fn": "strong_wolfe"})),
    ("rosenbrock", ("schedule_free_adamw", {"lr": 0.02}), 60, ("prodigy", {})),
    ("six_hump_camel", ("muon", {"lr": 0.02}), 40, ("asgd", {"lr": 0.01, "t0": 10.0})),
]


def reference_schedules_and_switches():
    """tests/golden/schedules_reference.json: each reference optimizer's defaults under three schedulers on two surfaces (the
    lr each step reads: ASGD's next eta, Prodigy's d·lr, Schedule-Free's warm-up product; Rprop reads it only
    at its first step), and switches into and out of reference optimizers."""
    reference = {oid: (cls, kwargs) for oid, params, cls, kwargs in REFERENCE_CASES if not params}
    cases = []
    for surface in ("himmelblau", "six_hump_camel"):
        start, fn = SURFACES[surface]
        for oid in sorted(REFERENCE_IDS):
            cls, kwargs = reference[oid]
            for spec, scheduler in SCHEDULES[:3]:
                lr = first_lr(oid, surface)
                steps = min(REFERENCE_STEPS.get(oid, REFERENCE_SCHEDULE_STEPS), REFERENCE_SCHEDULE_STEPS)
                for _ in range(8):
                    out = reference_run(fn, start, cls, {"lr": lr, **kwargs}, steps=steps, schedule=scheduler,
                                        matrix=oid in MATRIX)
                    nudged = [reference_run(fn, start, cls, {"lr": lr, **kwargs}, steps=steps, schedule=scheduler,
                                            matrix=oid in MATRIX, nudge=v)["points"] for v in (1e-15, -1e-15, 1e-14)]
                    if out["ok"] and all(max(abs(a - b) / (1 + abs(b)) for pa, pb in zip(n, out["points"])
                                             for a, b in zip(pa, pb)) <= 1e-11 for n in nudged):
                        break
                    lr /= 2
                else:
                    print(f"  skipped {surface} {oid} {spec}")
                    continue
                cases.append({"surface": surface, "start": list(start), "optimizer": oid, "params": {"lr": lr},
                              "schedule": spec, "steps": steps, "lrs": out["lrs"], "points": out["points"]})
    switches = []
    for surface, (first, p1), at, (second, p2) in REFERENCE_SWITCHES:
        start, fn = SURFACES[surface]
        c1, k1 = reference[first]
        c2, k2 = reference[second]
        out = reference_run(fn, start, c1, {**k1, **p1}, steps=REFERENCE_SCHEDULE_STEPS, then=(at, c2, {**k2, **p2}),
                            matrix=first in MATRIX)
        assert out["ok"], (surface, first, second)
        switches.append({"surface": surface, "start": list(start), "optimizer": first, "params": p1,
                         "switch": {"at_step": at, "optimizer": second, "params": p2}, "steps": REFERENCE_SCHEDULE_STEPS,
                         "lrs": out["lrs"], "points": out["points"]})
    meta = {"torch": torch.__version__, "dtype": "float64", "generator": "tools/make_golden.py"}
    (OUT / "schedules_reference.json").write_text(json.dumps({**meta, "cases": cases, "switches": switches},
                                                       separators=(",", ":")))
    print(f"wrote {len(cases)} schedule cases and {len(switches)} switches to tests/golden/schedules_reference.json")


def bfloat16_rounding():
    """tests/golden/bfloat16.json: float32 values (as their bit patterns) and torch's ``.bfloat16()`` of each,
    across the whole range (subnormals, ties, the largest finite, infinities), for Muon's emulation."""
    import numpy as np

    rng = np.random.default_rng(2026)
    x = (rng.standard_normal(3000) * 10.0 ** rng.uniform(-44, 38, 3000)).astype(np.float32)
    ties = (np.arange(1, 400, dtype=np.uint32) << 16 | np.uint32(0x8000)).view(np.float32)  # exactly halfway
    special = np.array([np.inf, -np.inf, 3.4028235e38, -3.4028235e38, 0.0, -0.0, 1e-45, -1e-45, 1.0, -1.0],
                       dtype=np.float32)
    x = np.concatenate([x, ties, -ties, special])
    rounded = torch.tensor(x).bfloat16().float().numpy()
    (OUT / "bfloat16.json").write_text(json.dumps({
        "torch": torch.__version__, "generator": "tools/make_golden.py",
        "bits": x.view(np.uint32).tolist(), "bfloat16_bits": rounded.view(np.uint32).tolist()}, separators=(",", ":")))
    print(f"wrote {len(x)} values to tests/golden/bfloat16.json")


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["schedules_reference"]:  # only that file (the rest takes minutes)
        reference_schedules_and_switches()
    elif sys.argv[1:] == ["bfloat16"]:
        bfloat16_rounding()
    else:
        main()
        reference_schedules_and_switches()
        bfloat16_rounding()
