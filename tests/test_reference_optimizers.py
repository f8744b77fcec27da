"""The ten optimizers held to their own reference implementations beside torch.optim's classic ten: RAdam, Rprop,
ASGD, Adafactor, LBFGS, Muon, Lion, AdaBelief, Schedule-Free AdamW, Prodigy. tests/test_parity.py holds each to its reference implementation; here:
they run on every path the engine has (many runs with per-run hyperparameters, basin maps, sweeps), their
hyperparameters are described well enough for a control and refuse bad values by name, and the metadata
carries the menu's family and both languages.
"""
import math

import numpy as np
import pytest
from helpers import close, phase

from app.engine import Phase, RunSpec, Simulation
from app.maps import basin_map, sweep
from app.optimizers import FAMILIES, REFERENCE_OPTIMIZERS, OPTIMIZERS, HyperparameterError, get_optimizer
from app.optimizers.muon import bfloat16, zeropower_via_newtonschulz
from app.surfaces import get_surface

# per optimizer: hyperparameters that differ between the runs of one batch (two values each, alternating)
PER_RUN = {
    "radam": {"lr": [0.01, 0.05], "betas": [[0.9, 0.999], [0.8, 0.6]], "weight_decay": [0.0, 0.1]},
    "rprop": {"lr": [0.01, 0.05]},
    "asgd": {"lr": [0.001, 0.005], "t0": [10.0, 1e6], "lambd": [1e-4, 0.01], "alpha": [0.75, 0.5]},
    "adafactor": {"lr": [0.01, 0.05], "d": [1.0, 2.0], "beta2_decay": [-0.8, -0.5]},
    "lbfgs": {"lr": [0.5, 1.0], "tolerance_grad": [1e-7, 1e-3]},
    "muon": {"lr": [0.01, 0.05], "momentum": [0.95, 0.5], "eps": [1e-7, 1e-3]},
    "lion": {"lr": [0.01, 0.05], "betas": [[0.9, 0.99], [0.5, 0.9]]},
    "adabelief": {"lr": [0.01, 0.05], "betas": [[0.9, 0.999], [0.8, 0.9]], "weight_decay": [0.0, 0.1]},
    "schedule_free_adamw": {"lr": [0.01, 0.05], "warmup_steps": [0, 10], "r": [0.0, 0.5]},
    "prodigy": {"lr": [0.5, 1.0], "d0": [1e-6, 1e-4], "betas": [[0.9, 0.999], [0.0, 0.99]]},
}
STARTS = np.array([[0.5, -1.5], [1.0, 1.0], [-2.0, 2.0], [3.5, -1.0]])


def test_every_reference_optimizer_is_registered_with_a_family_and_both_languages():
    assert set(PER_RUN) == set(REFERENCE_OPTIMIZERS) <= set(OPTIMIZERS)
    assert sorted(i for ids in FAMILIES.values() for i in ids) == sorted(OPTIMIZERS)
    for oid in OPTIMIZERS:
        meta = OPTIMIZERS[oid].metadata()
        assert meta["family"] in FAMILIES and oid in FAMILIES[meta["family"]]
        assert any("\uac00" <= ch <= "\ud7a3" for ch in meta["description_ko"]), oid  # Korean for every one
    for oid in REFERENCE_OPTIMIZERS:
        meta = OPTIMIZERS[oid].metadata()
        assert meta["description"] and meta["update"] and meta["reference"]
        assert any("\uac00" <= ch <= "\ud7a3" for ch in meta["description_ko"]), oid  # Hangul
        for spec in meta["params"]:  # every default is valid JSON (no inf/NaN) and passes its own validation
            assert not isinstance(spec["default"], float) or math.isfinite(spec["default"])
            get_optimizer(oid).param(spec["name"]).validate(spec["default"])


@pytest.mark.parametrize("oid", sorted(PER_RUN))
def test_runs_with_per_run_hyperparameters_equal_each_run_alone(oid):
    """A batch (sweep cells, one array) with hyperparameters that differ per run gives each run the point it
    reaches alone, for every branch the differing values select (RAdam's rectification, ASGD's averaging,
    Prodigy's β1 = 0, Schedule-Free's warm-up...)."""
    opt = get_optimizer(oid)
    surface = get_surface("himmelblau")
    hypers = [opt.validate({k: v[i % 2] for k, v in PER_RUN[oid].items()}) for i in range(len(STARTS))]
    sim = Simulation.batch(surface, STARTS, (Phase(0, opt, hypers[0]),), 60, hypers=hypers)
    while not sim.done:
        chunk = sim.advance(25)
    assert sim.status == ["ok"] * len(STARTS)
    for i, start in enumerate(STARTS):
        alone = Simulation(surface, [RunSpec(tuple(start), (Phase(0, opt, hypers[i]),))], 60).collect()[0]
        assert close(chunk.points[0][i], alone["points"][-1], 0) <= 1e-14, i
        assert np.abs(alone["points"][-1] - start).max() > 1e-3  # it moved


@pytest.mark.parametrize("oid", sorted(PER_RUN))
def test_basin_map_and_sweep_accept_every_reference_optimizer(oid):
    surface = get_surface("himmelblau")
    lr = PER_RUN[oid]["lr"][0]
    out = basin_map(surface, (phase(oid, {"lr": lr}),), 40, 8)
    basin = np.asarray(out["basin"])
    assert basin.shape == (8, 8) and (basin >= 0).any()  # some starts reach one of the four minima
    first = phase(oid, {"lr": lr})
    result = sweep(surface, (0.5, -1.5), (first,), 40, [("lr", np.array(PER_RUN[oid]["lr"]))],
                   lambda h: get_optimizer(oid).validate(h))
    assert np.asarray(result["final_loss"]).shape == (2,)
    assert np.isfinite(np.asarray(result["final_loss"])).all()


@pytest.mark.parametrize("oid, params, name", [
    ("rprop", {"etas": [1.2, 0.5]}, "etas"),
    ("rprop", {"etas": [0.5]}, "etas"),
    ("rprop", {"step_sizes": [1.0, 0.1]}, "step_sizes"),
    ("adafactor", {"eps": [None, None]}, "eps[1]"),
    ("adafactor", {"eps": [-1.0, 1e-3]}, "eps[0]"),
    ("adafactor", {"d": 0.5}, "d"),
    ("adafactor", {"beta2_decay": 0.5}, "beta2_decay"),
    ("lbfgs", {"max_iter": 0}, "max_iter"),
    ("lbfgs", {"max_iter": 2.5}, "max_iter"),
    ("lbfgs", {"history_size": "10"}, "history_size"),
    ("lbfgs", {"line_search_fn": "armijo"}, "line_search_fn"),
    ("lbfgs", {"line_search_fn": True}, "line_search_fn"),
    ("muon", {"ns_coefficients": [1.0, 2.0]}, "ns_coefficients"),
    ("muon", {"ns_steps": 100}, "ns_steps"),
    ("muon", {"adjust_lr_fn": "<b>x</b>"}, "adjust_lr_fn"),
    ("muon", {"nesterov": "yes"}, "nesterov"),
    ("asgd", {"t0": -1.0}, "t0"),
    ("schedule_free_adamw", {"warmup_steps": 1.5}, "warmup_steps"),
    ("prodigy", {"d0": 0.0}, "d0"),
    ("prodigy", {"growth_rate": 0.5}, "growth_rate"),
    ("prodigy", {"beta3": 1.0}, "beta3"),
    ("lion", {"betas": [0.9, float("nan")]}, "betas[1]"),
])
def test_bad_hyperparameters_are_refused_by_name(oid, params, name):
    with pytest.raises(HyperparameterError) as err:
        get_optimizer(oid).validate(params)
    assert err.value.name in (name, name.split("[")[0])


def test_nullable_and_choice_parameters_take_their_reference_values():
    assert get_optimizer("adafactor").validate({"eps": [None, 0.5]})["eps"] == [None, 0.5]
    assert get_optimizer("lbfgs").validate({"max_eval": None, "line_search_fn": "strong_wolfe"})["max_eval"] is None
    assert get_optimizer("muon").validate({"adjust_lr_fn": "match_rms_adamw"})["adjust_lr_fn"] == "match_rms_adamw"
    assert get_optimizer("prodigy").validate({"growth_rate": None, "beta3": None})["growth_rate"] is None
    spec = get_optimizer("adafactor").param("eps").as_dict()
    assert spec["item_nullable"] == [True, False] and spec["length"] == 2
    spec = get_optimizer("lbfgs").param("line_search_fn").as_dict()
    assert spec["choices"] == [None, "strong_wolfe"] and spec["nullable"]
    assert get_optimizer("muon").param("ns_coefficients").as_dict()["length"] == 3


def test_runs_differing_in_a_structural_hyperparameter_are_advanced_apart():
    """Runs of one request that differ in a loop count or a branch (LBFGS's line search, Muon's steps) still each
    get their own trajectory."""
    surface = get_surface("rosenbrock")
    runs = [RunSpec((-1.2, 1.0), (phase("lbfgs", {"line_search_fn": ls, "max_iter": 3}),))
            for ls in (None, "strong_wolfe")]
    runs += [RunSpec((-1.2, 1.0), (phase("muon", {"ns_steps": k, "lr": 0.02}),)) for k in (1, 5)]
    sim = Simulation(surface, runs, 10)
    got = sim.collect()
    for i, run in enumerate(runs):
        alone = Simulation(surface, [run], 10).collect()[0]
        assert close(got[i]["points"], alone["points"], 0) == 0.0
    assert np.abs(got[0]["points"][-1] - got[1]["points"][-1]).max() > 1e-6
    assert np.abs(got[2]["points"][-1] - got[3]["points"][-1]).max() > 1e-6


def test_bfloat16_rounds_to_nearest_even_on_eight_significant_bits():
    x = np.array([1.0, 1.0 + 2 ** -8, 1.0 + 3 * 2 ** -8, 1.0 + 2 ** -9, -3.14159], dtype=np.float32)
    assert bfloat16(x).tolist() == [1.0, 1.0, 1.0 + 4 * 2 ** -8, 1.0, -3.140625]


def test_muon_on_a_row_is_a_normalised_step():
    """Newton–Schulz on a 1x2 matrix returns (about) its unit direction, whatever its length."""
    rng = np.random.default_rng(3)
    g = rng.standard_normal((2, 200)) * 10.0 ** rng.uniform(-4, 4, 200)
    out = zeropower_via_newtonschulz(g, (3.4445, -4.775, 2.0315), 5, 1e-7)
    length = np.hypot(out[0], out[1])
    assert ((length > 0.6) & (length < 1.3)).all()
    cos = (out * g).sum(axis=0) / (length * np.hypot(g[0], g[1]))
    assert (cos > 0.999).all()


def test_lbfgs_reports_its_evaluations_and_schedule_free_its_averaged_point():
    surface = get_surface("rosenbrock")
    got = Simulation(surface, [RunSpec((-1.2, 1.0), (phase("lbfgs", {"line_search_fn": "strong_wolfe"}),))],
                     5).collect()[0]
    assert len(got["evaluations"]) == 5 and got["evaluations"][0] > 1
    assert [len(p) for p in got["evaluation_points"]] == list(got["evaluations"])
    assert tuple(got["evaluation_points"][0][0]) == (-1.2, 1.0)  # each step's first evaluation is its start
    free = Simulation(surface, [RunSpec((-1.2, 1.0), (phase("schedule_free_adamw", {"lr": 0.02}),))],
                      20).collect()[0]
    averaged = np.asarray(free["averaged"])
    assert averaged.shape == (20, 2) and np.abs(averaged - free["points"][1:]).max() > 1e-4


def test_api_returns_evaluations_and_the_averaged_point_and_the_stream_agrees(client):
    body = {"surface": "rosenbrock", "start": [-1.2, 1.0], "steps": 6, "optimizers": [
        {"optimizer": "lbfgs", "params": {"line_search_fn": "strong_wolfe"}},
        {"optimizer": "schedule_free_adamw", "params": {"lr": 0.02}}, {"optimizer": "adam"}]}
    runs = client.post("/api/runs", json=body).json()["runs"]
    lbfgs, free, adam = runs
    assert lbfgs["evaluations"][0] > 1 and len(lbfgs["evaluations"]) == 6
    assert [len(p) for p in lbfgs["evaluation_points"]] == lbfgs["evaluations"]
    assert lbfgs["evaluation_points"][1][0] == lbfgs["points"][1]  # a step's first evaluation is where it starts
    assert len(free["averaged"]) == len(free["points"]) and free["averaged"][0] == free["points"][0]
    assert "averaged" not in lbfgs and "evaluations" not in free and "evaluations" not in adam
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_json(body)
        chunks = []
        while True:
            frame = ws.receive_json()
            if frame["type"] == "chunk":
                chunks.append(frame)
            if frame["type"] in ("end", "error"):
                break
    assert frame["type"] == "end"
    assert [e for c in chunks for e in c["runs"][0].get("evaluations", [])] == lbfgs["evaluations"]
    assert [p for c in chunks for p in c["runs"][1].get("averaged", [])] == free["averaged"]


def test_optimizer_metadata_describes_the_reference_optimizers_controls(client):
    meta = {o["id"]: o for o in client.get("/api/optimizers").json()}
    assert set(REFERENCE_OPTIMIZERS) <= set(meta)
    params = {p["name"]: p for p in meta["adafactor"]["params"]}
    assert params["eps"]["item_nullable"] == [True, False] and params["eps"]["default"] == [None, 0.001]
    params = {p["name"]: p for p in meta["muon"]["params"]}
    assert params["ns_coefficients"]["length"] == 3 and params["adjust_lr_fn"]["choices"][0] is None
    assert meta["prodigy"]["family"] == "modern" and meta["lbfgs"]["family"] == "second-order and quasi-Newton"
    bad = client.post("/api/runs", json={"surface": "himmelblau", "optimizers": [
        {"optimizer": "lbfgs", "params": {"line_search_fn": "wolfe"}}]})
    assert bad.status_code == 422 and "line_search_fn" in str(bad.json()["detail"])


def _variants():
    import json
    from pathlib import Path

    cases = json.loads((Path(__file__).parent / "golden" / "optimizers_reference.json").read_text())["cases"]
    return sorted({(c["optimizer"], json.dumps(c["params"], sort_keys=True)): c for c in cases
                   if OPTIMIZERS[c["optimizer"]].elementwise and not OPTIMIZERS[c["optimizer"]].needs}.values(),
                  key=lambda c: (c["optimizer"], json.dumps(c["params"], sort_keys=True)))


@pytest.mark.parametrize("case", _variants(), ids=lambda c: f"{c['optimizer']}-{sorted(c['params'])}")
def test_elementwise_rules_give_the_same_bits_on_floats_and_arrays(case, monkeypatch):
    """An elementwise rule runs on Python floats for a few runs and on arrays for many: the same operations in
    the same order, so the same bits (every golden variant, 60 steps, with a schedule)."""
    from app.engine import planner

    surface = get_surface(case["surface"])
    schedule = {"type": "exponential", "gamma": 0.99}
    runs = [RunSpec(tuple(case["start"]), (phase(case["optimizer"], case["params"], schedule),))]
    floats = Simulation(surface, runs, 60)
    assert floats.groups[0].scalar
    monkeypatch.setattr(planner, "SCALAR_MAX_RUNS", 0)
    arrays = Simulation(surface, runs, 60)
    assert not arrays.groups[0].scalar
    a, b = floats.collect()[0], arrays.collect()[0]
    assert np.array_equal(a["points"], b["points"]) and a["status"] == "ok"


def test_bfloat16_emulation_equals_torchs_rounding_bit_for_bit():
    """tests/golden/bfloat16.json: torch's ``.bfloat16()`` of float32 values across the range (random magnitudes
    from subnormal to near the largest, exact ties, infinities, signed zeros)."""
    import json
    from pathlib import Path

    golden = json.loads((Path(__file__).parent / "golden" / "bfloat16.json").read_text())
    x = np.array(golden["bits"], dtype=np.uint32).view(np.float32)
    assert len(x) > 3000
    assert bfloat16(x).view(np.uint32).tolist() == golden["bfloat16_bits"]
