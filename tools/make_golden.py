"""Write tests/golden/*.json: reference trajectories computed by torch.optim in float64.

Run by hand, never in CI (torch is not a dependency of Slopes):

    python -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch==2.13.0 numpy
    /tmp/torchenv/bin/python tools/make_golden.py

Surfaces are written here again in torch, independently of app/surfaces, and
differentiated by autograd, so the fixtures check Slopes' analytic gradients
as well as its update rules. Every optimizer runs with its defaults and with
each non-default branch; every schedule type runs through torch's scheduler.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import torch

torch.set_default_dtype(torch.float64)  # step counters and NAdam's mu_product in float64 too
OUT = Path(__file__).resolve().parent.parent / "tests" / "golden"
STEPS = 200

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


def trajectory(fn, start, opt_class, kwargs, steps=STEPS, schedule=None, then=None, nudge=0.0):
    """The path torch.optim takes; ``nudge`` perturbs each gradient coordinate by a relative +-nudge
    (signs alternating between coordinates and steps; flipped for a negative nudge) to probe how
    rounding differences grow."""
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    if nudge:
        calls = [0]

        def hook(g):
            calls[0] += 1
            sign = (1.0 if calls[0] % 2 else -1.0) * (1.0 if nudge > 0 else -1.0)
            return g * torch.tensor([1 + sign * nudge, 1 - sign * nudge])
        p.register_hook(hook)
    opt = opt_class([p], foreach=False, **kwargs)
    sched = schedule(opt) if schedule else None
    points, lrs = [p.detach().tolist()], []
    for t in range(steps):
        if then and t == then[0]:  # a switch: a fresh optimizer continues from here
            opt = then[1]([p], foreach=False, **then[2])
            sched = None
        lrs.append(opt.param_groups[0]["lr"])
        opt.zero_grad()
        fn(p[0], p[1]).backward()
        opt.step()
        if sched:
            sched.step()
        points.append(p.detach().tolist())
    ok = all(math.isfinite(c) and abs(c) < 1e3 for pt in points for c in pt)
    return points, lrs, ok


def well_conditioned(fn, start, cls, kwargs, points):
    """A gradient off by ~1e-15 (an ulp of rounding: autograd's order is not Slopes') must stay below 1e-10
    after 200 steps; a chaotic path would amplify any rounding past the 1e-8 tolerance and test nothing."""
    for nudge in (1e-15, -1e-15, 1e-14):
        nudged, _, ok = trajectory(fn, start, cls, kwargs, nudge=nudge)
        if not ok or max(abs(a - b) / (1 + abs(b)) for pa, pb in zip(nudged, points) for a, b in zip(pa, pb)) > 1e-11:
            return False
    return True


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    cases = []
    for surface, (start, fn) in SURFACES.items():
        for oid, params, cls, kwargs in CASES:
            lr = LR[surface][0 if oid in ("gd", "momentum", "nesterov") else 1]
            if oid == "adadelta":
                lr = 1.0 if surface != "ravine" else 0.5
            for _ in range(8):  # halve lr until the path is stable and well-conditioned
                points, _, ok = trajectory(fn, start, cls, {"lr": lr, **kwargs})
                if ok and well_conditioned(fn, start, cls, {"lr": lr, **kwargs}, points):
                    break
                lr /= 2
            else:
                raise SystemExit(f"{surface} {oid} {params}: no stable lr found")
            cases.append({"surface": surface, "start": list(start), "optimizer": oid, "params": {"lr": lr, **params},
                          "torch": f"{cls.__name__}({kwargs})", "steps": STEPS, "points": points})
    schedules = []
    for surface in ("himmelblau", "rosenbrock"):
        start, fn = SURFACES[surface]
        for oid, cls, lr in (("gd", O.SGD, LR[surface][0]), ("adam", O.Adam, LR[surface][1])):
            for spec, make in SCHEDULES:
                points, lrs, ok = trajectory(fn, start, cls, {"lr": lr}, schedule=make)
                assert ok, (surface, oid, spec)
                schedules.append({"surface": surface, "start": list(start), "optimizer": oid, "params": {"lr": lr},
                                  "schedule": spec, "steps": STEPS, "lrs": lrs, "points": points})
    start, fn = SURFACES["himmelblau"]
    points, lrs, ok = trajectory(fn, start, O.Adam, {"lr": 0.05}, then=(100, O.SGD, {"lr": 0.005}))
    switch = [{"surface": "himmelblau", "start": list(start), "optimizer": "adam", "params": {"lr": 0.05},
               "switch": {"at_step": 100, "optimizer": "gd", "params": {"lr": 0.005}}, "steps": STEPS,
               "lrs": lrs, "points": points}]
    meta = {"torch": torch.__version__, "dtype": "float64", "generator": "tools/make_golden.py"}
    for name, data in (("optimizers", cases), ("schedules", schedules), ("switch", switch)):
        (OUT / f"{name}.json").write_text(json.dumps({**meta, "cases": data}, separators=(",", ":")))
        print(f"wrote {len(data)} cases to tests/golden/{name}.json")


if __name__ == "__main__":
    main()
