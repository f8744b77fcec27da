"""Measure what a step costs, for the server's cost estimates (app/services/cost_table.py).

    python benchmarks/costs.py            # measure and print the tables (a minute or two)
    python benchmarks/costs.py --write    # ... and write them to app/services/cost_table.py
    python benchmarks/costs.py --check    # estimates against measured times for a set of requests
    python benchmarks/costs.py --quick    # a smoke run (CI): a few optimizers, one repeat, the check

What is timed is the CPU time of what a worker thread does for a request: planning, the engine, the answer's body and its JSON
(orjson), for run requests; the engine for basin maps. Each figure is the slope between two step counts (so a
request's fixed cost is not spread over its steps), the fastest of a few repeats (other processes only ever
add time). Run requests are measured for groups of 1, 4, 5 and 32 lanes of one optimizer (the engine advances
up to 4 lanes of an elementwise rule as Python floats and more as arrays), with and without ``include:
["state"]``; surfaces by what they add to Adam's step on the quadratic bowl; custom formulas per node of their gradient;
basin maps per cell-step at 10,000 cells; and the answer's figures (``ANSWER``): the bytes of one number in its JSON,
and the nanoseconds per byte of sending it over a socket and of compressing it (gzip level 1) for a client that
takes gzip (``--parts answers`` measures only these).
"""
from __future__ import annotations

import argparse
import math
import os
import socket
import sys
import threading
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["SLOPES_MAX_REQUEST_SECONDS"] = "86400"  # measuring costs: no budget to refuse them

from app.api.serialize import dumps  # noqa: E402
from app.formula import compile_formula, size  # noqa: E402
from app.optimizers import OPTIMIZERS, get_optimizer  # noqa: E402
from app.services.maps import basins  # noqa: E402
from app.services.runs import run_request  # noqa: E402
from app.surfaces import SURFACE_IDS  # noqa: E402

SIZES = (1, 4, 5, 32)
CUSTOM = "sin(3*x)*cos(2*y) + 0.1*(x^2 + y^2) + exp(-(x-1)^2 - (y+1)^2)"


def lanes(oid: str, n: int) -> list[dict]:
    opt = get_optimizer(oid)
    has_lr = any(p.name == "lr" for p in opt.params)
    # distinct learning rates: one group of n runs with per-run values, as the page's lanes are
    # LBFGS: every one of its max_iter iterations, as on a surface where it never meets its tolerances (the
    # quadratic bowl would stop it after one: an estimate must hold for the worst surface)
    fixed = {"tolerance_grad": 0, "tolerance_change": 0} if oid == "lbfgs" else {}
    return [{"optimizer": oid, "params": {**fixed, **({"lr": opt.validate({})["lr"] * (1 + 0.01 * i)} if has_lr else {})}}
            for i in range(n)]


def setup(oid: str) -> dict:
    """Where an optimizer is measured: the quadratic bowl (a step there is the optimizer's own work); LBFGS with
    gradient noise, which keeps it from ever meeting its tolerances (on a plain bowl it stops after one
    iteration): an estimate must hold where it makes every one of its max_iter iterations."""
    return {"surface": "quadratic", **({"gradient": {"noise": 0.1}} if oid == "lbfgs" else {})}


def best(fn, repeats: int) -> float:
    """The least CPU time of this process over ``repeats`` calls: other processes on the machine add wall time,
    not this thread's CPU time (the estimates are of a worker's time, which the server's lanes share out)."""
    out = math.inf
    for _ in range(repeats):
        t = time.process_time()
        fn()
        out = min(out, time.process_time() - t)
    return out


def per_step(body: dict, repeats: int, target: float = 0.05) -> float:
    """Microseconds per step of ``body`` (its ``steps`` chosen here), JSON included."""
    def timed(steps):
        b = {**body, "steps": steps}
        return best(lambda: dumps(run_request(b)), repeats)

    probe = timed(4)
    steps = int(min(4000, max(8, 4 * target / max(probe, 1e-6))))
    low, high = timed(steps), timed(3 * steps)
    return max(0.0, (high - low) / (2 * steps) * 1e6)


def measure_optimizers(ids, repeats):
    table = {}
    for oid in ids:
        row = []
        for state in (False, True):
            for n in SIZES:
                body = {**setup(oid), "optimizers": lanes(oid, n), "include": ["state"] if state else []}
                row.append(round(per_step(body, repeats), 1))
        table[oid] = tuple(row)
        print(f"  {oid:22s} " + " ".join(f"{v:8.1f}" for v in row), flush=True)
    return table


def measure_rule(repeats):
    """A custom rule (the four lines of Adam) per node of the rule: groups of SIZES lanes, then with state; and in a
    basin map, per node and cell-step."""
    from app.optimizers.custom import rule_optimizer
    from app.optimizers.rule_examples import ADAM

    nodes = rule_optimizer(ADAM).rule.nodes
    row = []
    for state in (False, True):
        for n in SIZES:
            lanes_ = [{"optimizer": "custom", "rule": ADAM, "params": {"lr": 0.05 * (1 + 0.01 * i), "b1": 0.9,
                                                                      "b2": 0.999, "eps": 1e-8}} for i in range(n)]
            body = {"surface": "quadratic", "optimizers": lanes_, "include": ["state"] if state else []}
            row.append(round(per_step(body, repeats) / nodes, 3))
    cell = map_per_step({"surface": "quadratic", "optimizer": "custom", "rule": ADAM,
                         "params": {"lr": 0.05, "b1": 0.9, "b2": 0.999, "eps": 1e-8}}, repeats)
    print(f"  custom rule ({nodes} nodes), us per node and step: {row}; maps: {cell / nodes:.2f} ns per node")
    return tuple(row), round(cell / nodes, 2)


def measure_surfaces(ids, repeats):
    base = [per_step({"surface": "quadratic", "optimizers": lanes("adam", n)}, repeats) for n in (1, 32)]
    table = {}
    for sid in ids:
        own = [per_step({"surface": sid, "optimizers": lanes("adam", n)}, repeats) for n in (1, 32)]
        table[sid] = tuple(round(max(0.0, o - b), 1) for o, b in zip(own, base))
        print(f"  {sid:22s} " + " ".join(f"{v:8.1f}" for v in table[sid]), flush=True)
    custom = [per_step({"surface": "custom", "formula": CUSTOM, "optimizers": lanes("adam", n)}, repeats)
              for n in (1, 32)]
    f = compile_formula(CUSTOM)
    nodes = sum(size(t) for t in f.gradient_trees)
    per_node = tuple(round(max(0.0, c - b) / nodes, 3) for c, b in zip(custom, base))
    print(f"  custom formula: {nodes} gradient nodes, {per_node} us per node and evaluation (1, 32 lanes)")
    modifiers = {}
    for name, body in (("numerical", {"surface": "quadratic", "gradient": {"mode": "numerical"}}),
                       ("noise", {"surface": "quadratic", "gradient": {"noise": 0.1}}),
                       ("batch", {"surface": "linreg_mse", "gradient": {"batch_size": 8}})):
        plain = "linreg_mse" if name == "batch" else "quadratic"
        ratio = [per_step({**body, "optimizers": lanes("adam", n)}, repeats)
                 / max(1e-9, per_step({"surface": plain, "optimizers": lanes("adam", n)}, repeats)) for n in (1, 32)]
        modifiers[name] = round(max(1.0, max(ratio)), 2)
    print(f"  modifiers (x the step): {modifiers}")
    return table, per_node, modifiers


def map_per_step(body: dict, repeats: int, n: int = 100) -> float:
    """Nanoseconds per cell and step of a basin map of ``n`` x ``n`` starts (its ``steps`` chosen here)."""
    def timed(steps):
        return best(lambda: basins({**body, "steps": steps, "n": n}), repeats)

    probe = timed(2)
    steps = int(min(2000, max(4, 2 * 0.05 / max(probe, 1e-6))))
    low, high = timed(steps), timed(3 * steps)
    return max(0.0, (high - low) / (2 * steps) / (n * n) * 1e9)


def measure_maps(ids, repeats):
    table = {}
    for oid in ids:
        try:
            table[oid] = round(map_per_step({**setup(oid), "optimizer": oid, "params": lanes(oid, 1)[0]["params"]},
                                            repeats), 1)
        except Exception as e:  # an optimizer maps do not take
            print(f"  {oid}: {e}")
            continue
        print(f"  {oid:22s} {table[oid]:8.1f} ns per cell-step", flush=True)
    return table


def measure_map_surfaces(ids, repeats):
    base = map_per_step({"surface": "quadratic", "optimizer": "adam"}, repeats)
    table = {}
    for sid in ids:
        table[sid] = round(max(0.0, map_per_step({"surface": sid, "optimizer": "adam"}, repeats) - base), 1)
        print(f"  {sid:22s} {table[sid]:8.1f} ns per cell-evaluation", flush=True)
    return table


def number_bytes(quick: bool = False) -> float:
    """The mean bytes of one float in an answer's JSON, its separator included: the points, losses and gradients
    of a few optimizers on a few surfaces (what :mod:`app.services.answers` counts a number as)."""
    digits = numbers = 0
    for surface in ("rosenbrock", "himmelblau") if quick else ("rosenbrock", "himmelblau", "rastrigin", "linreg_mse",
                                                               "flat_sharp", "beale"):
        for oid in ("adam", "muon") if quick else ("gd", "momentum", "adam", "rmsprop", "muon", "prodigy", "lion",
                                                   "schedule_free_adamw"):
            for run in run_request({"surface": surface, "steps": 1000, "optimizers": lanes(oid, 4)})["runs"]:
                for field in ("points", "losses", "gradients"):
                    if run[field] is None:
                        continue
                    text = dumps(run[field])
                    digits += len(text) - text.count(b",") - text.count(b"[") - text.count(b"]")
                    numbers += run[field].size
    return digits / numbers + 1


def answer_text() -> bytes:
    body = {"surface": "rosenbrock", "steps": 4000, "include": ["state"], "optimizers": lanes("adam", 8)}
    return dumps(run_request(body))


def send_ns(text: bytes, repeats: int) -> float:
    """Nanoseconds of the sending thread's CPU per byte written to a loopback TCP socket (a reader drains it)."""
    server = socket.create_server(("127.0.0.1", 0))
    sender = socket.create_connection(server.getsockname())
    reader, _ = server.accept()

    def drain():
        while reader.recv(1 << 20):
            pass

    t = threading.Thread(target=drain, daemon=True)
    t.start()
    out = math.inf
    for _ in range(repeats):
        began = time.thread_time()
        for k in range(0, len(text), 4 << 20):
            sender.sendall(text[k:k + (4 << 20)])
        out = min(out, time.thread_time() - began)
    sender.close()
    t.join(10)
    reader.close()
    server.close()
    return out / len(text) * 1e9


def gzip_ns(text: bytes, repeats: int) -> float:
    return best(lambda: zlib.compressobj(1, zlib.DEFLATED, 31).compress(text), repeats) / len(text) * 1e9


def measure_answers(repeats, quick: bool = False):
    text = answer_text()
    answer = {"number_bytes": round(number_bytes(quick), 2), "send_ns": round(send_ns(text, repeats), 3),
              "gzip_ns": round(gzip_ns(text, repeats), 2)}
    print(f"  {answer}", flush=True)
    return answer


def smooth(row: tuple) -> tuple:
    """A measured row made consistent: more lanes of the array path (5 and up) and ``include`` never cost less
    (a lower figure is noise from the machine's other work)."""
    k = len(SIZES)
    plain, state = list(row[:k]), list(row[k:])
    for cols in (plain, state):
        for i in range(1, k):
            if SIZES[i - 1] >= 5 or SIZES[i] <= 4:
                cols[i] = max(cols[i], cols[i - 1])
    state = [max(s, p) for s, p in zip(state, plain)]
    return tuple(plain + state)


def write(tables: dict, path: Path, merge: bool = False):
    """The tables as Python: those measured now, the others as they were; ``merge``: each figure the larger of
    this measurement and the table's (several measurements on a busy machine: the larger is nearer the cost on a
    busy day)."""
    from app.services import cost_table as T

    old = {name: getattr(T, name) for name in ("STEP_US", "SURFACE_US", "CUSTOM_NODE_US", "MODIFIERS", "CELL_NS",
                                               "SURFACE_CELL_NS", "RULE_NODE_US", "RULE_CELL_NS", "ANSWER") if hasattr(T, name)}

    def larger(a, b):
        if isinstance(a, dict):
            return {k: larger(v, b.get(k, v)) if merge else v for k, v in a.items()}
        if isinstance(a, tuple):
            return tuple(max(x, y) for x, y in zip(a, b)) if merge else a
        return max(a, b) if merge else a

    t = {name: {**value, **larger(tables[name], value)} if isinstance(value, dict) and name in tables
         else larger(tables[name], value) if name in tables else value for name, value in old.items()}
    for name in tables:
        t.setdefault(name, tables[name])
    t["STEP_US"] = {k: smooth(v) for k, v in t["STEP_US"].items()}

    def rows(table):
        return [f"    {k!r}: {v}," for k, v in table.items()]

    lines = ['"""Measured step costs for the cost estimates of :mod:`app.services.costs`: written by',
             '``python benchmarks/costs.py --write`` (CPU time, the least of several repeats, on the machine that',
             'serves; re-measure there after a change of hardware or of the engine)."""', "",
             f"SIZES = {SIZES}  # lanes in one group: the columns of STEP_US",
             "# microseconds per step of a group of n lanes of one optimizer (planning, engine, body and JSON), for n in",
             "# SIZES without include, then with include: ['state']", "STEP_US = {", *rows(t["STEP_US"]), "}",
             "# what a surface adds to one evaluation beyond the quadratic bowl's, microseconds, for 1 and 32 lanes",
             "SURFACE_US = {", *rows(t["SURFACE_US"]), "}",
             f"CUSTOM_NODE_US = {t['CUSTOM_NODE_US']}  # a custom formula: per node of its gradient, 1 and 32 lanes",
             f"MODIFIERS = {t['MODIFIERS']}  # a step's cost times these: numerical gradients, noise, mini-batches",
             "# basin maps and sweeps: nanoseconds per cell and step (10,000 cells), and what a surface adds per cell",
             "CELL_NS = {", *rows(t["CELL_NS"]), "}", "SURFACE_CELL_NS = {", *rows(t.get("SURFACE_CELL_NS", {})), "}",
             "# a custom rule: per node of the rule, microseconds per step (as STEP_US), and nanoseconds per cell-step",
             f"RULE_NODE_US = {t.get('RULE_NODE_US')}", f"RULE_CELL_NS = {t.get('RULE_CELL_NS')}",
             "# a POST answer: the bytes of one number of its JSON (its separator included), and nanoseconds per byte",
             "# of sending it (a loopback socket) and of compressing it (gzip level 1) besides writing it (in STEP_US)",
             f"ANSWER = {t.get('ANSWER')}", ""]
    path.write_text("\n".join(lines))
    print(f"wrote {path}")


CHECKS = [
    {"surface": "rosenbrock", "steps": 100, "optimizers": [{"optimizer": "adam"}]},
    {"surface": "rosenbrock", "steps": 300, "optimizers": [{"optimizer": "adam"}, {"optimizer": "momentum"},
                                                            {"optimizer": "rmsprop"}]},
    {"surface": "himmelblau", "steps": 2000, "optimizers": [{"optimizer": o} for o in
                                                            ("adam", "nadam", "lion", "muon", "prodigy")]},
    {"surface": "rosenbrock", "steps": 1000, "include": ["state"],
     "optimizers": [{"optimizer": o, "params": {"lr": 0.001 * (1 + i)}} for i, o in
                    enumerate(["prodigy", "muon", "adabelief", "schedule_free_adamw"] * 8)]},
    {"surface": "linreg_huber", "steps": 3000, "optimizers": [{"optimizer": "adam", "params": {"lr": 0.01 * (1 + i)}}
                                                              for i in range(16)]},
    {"surface": "custom", "formula": CUSTOM, "steps": 2000, "optimizers": [{"optimizer": "adam"}] * 3},
    {"surface": "quadratic", "steps": 200, "optimizers": [{"optimizer": "lbfgs"}]},  # the worst case...
    {"surface": "quadratic", "steps": 200, "gradient": {"noise": 0.1},  # ... and that case
     "optimizers": [{"optimizer": "lbfgs", "params": {"tolerance_grad": 0, "tolerance_change": 0}}]},
]


def check(repeats: int):
    from app.services.costs import estimate_run
    from app.services.planning import plan_runs

    print("request: estimated / measured seconds (planning, engine, body and JSON)")
    for body in CHECKS:
        est = estimate_run(plan_runs(body)).seconds
        real = best(lambda: dumps(run_request(body)), repeats)
        lanes_ = len(body["optimizers"])
        print(f"  {body['surface']:12s} {lanes_:2d} lanes x {body['steps']:5d} steps{' +state' if body.get('include') else '':7s}"
              f" estimated {est:7.3f} s, measured {real:7.3f} s (x{est / real:.2f})", flush=True)
    from app.services.maps import map_cost

    for body in ({"surface": "himmelblau", "optimizer": "adam", "steps": 300, "n": 200},
                 {"surface": "himmelblau", "optimizer": "muon", "steps": 100, "n": 200},
                 {"surface": "logreg_ce", "optimizer": "adam", "steps": 100, "n": 150}):
        est = map_cost("basins", body).seconds
        real = best(lambda: basins(body), 1)
        print(f"  basins {body['optimizer']:6s} n={body['n']} x {body['steps']} steps: estimated {est:6.3f} s, "
              f"measured {real:6.3f} s (x{est / real:.2f})", flush=True)


PARTS = ("optimizers", "surfaces", "maps", "map_surfaces", "rule", "answers")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--merge", action="store_true", help="with --write: keep the larger of old and new figures")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="+", metavar="OPTIMIZER", help="measure these optimizers (default: all)")
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS), help="what to measure")
    args = parser.parse_args()
    if args.check or args.quick:
        check(1 if args.quick else 3)
        if args.check:
            return
    repeats = 1 if args.quick else 5
    ids = args.only or (["adam", "muon"] if args.quick else [o for o in OPTIMIZERS if o != "custom"])
    surface_ids = ["himmelblau"] if args.quick else list(SURFACE_IDS)
    tables = {}
    if "optimizers" in args.parts:
        print(f"optimizers: us per step for groups of {SIZES} lanes, then the same with include state")
        tables["STEP_US"] = measure_optimizers(ids, repeats)
    if "surfaces" in args.parts:
        print("surfaces: us added per evaluation, 1 and 32 lanes")
        tables["SURFACE_US"], tables["CUSTOM_NODE_US"], tables["MODIFIERS"] = measure_surfaces(surface_ids, repeats)
    if "maps" in args.parts:
        print("basin maps: ns per cell-step")
        tables["CELL_NS"] = measure_maps(ids, repeats)
    if "map_surfaces" in args.parts:
        print("basin maps: ns a surface adds per cell and evaluation")
        tables["SURFACE_CELL_NS"] = measure_map_surfaces(surface_ids, repeats)
    if "rule" in args.parts:
        print("custom rules")
        tables["RULE_NODE_US"], tables["RULE_CELL_NS"] = measure_rule(repeats)
    if "answers" in args.parts:
        print("answers: bytes per number, ns per byte sent and compressed")
        tables["ANSWER"] = measure_answers(repeats, args.quick)
    if args.write:
        write(tables, ROOT / "app" / "services" / "cost_table.py", args.merge)


if __name__ == "__main__":
    main()
