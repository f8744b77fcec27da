"""Sharpness of every minimum, the flat_sharp surface, and test losses on surfaces with a test landscape."""
import json
import math

import numpy as np
import pytest

from app.formula import compile_formula
from app.numeric import scalar
from app.surfaces import all_surfaces, get_surface

SURFACES = all_surfaces()


def fd_hessian(surface, x, y, h):
    """The Hessian from values alone (central second differences): independent of the coded derivatives."""
    f = lambda a, b: float(surface.value(a, b, np))
    fxx = (f(x + h, y) - 2 * f(x, y) + f(x - h, y)) / h ** 2
    fyy = (f(x, y + h) - 2 * f(x, y) + f(x, y - h)) / h ** 2
    fxy = (f(x + h, y + h) - f(x + h, y - h) - f(x - h, y + h) + f(x - h, y - h)) / (4 * h * h)
    return np.array([[fxx, fxy], [fxy, fyy]])


@pytest.mark.parametrize("surface", SURFACES, ids=[s.id for s in SURFACES])
def test_every_minimum_carries_the_largest_hessian_eigenvalue(surface):
    meta = surface.metadata()
    assert len(meta["minima"]) == len(surface.minima)
    for m in meta["minima"]:
        assert "sharpness" in m
        if m["sharpness"] is None:
            continue
        x, y = m["point"]
        expected = np.linalg.eigvalsh(fd_hessian(surface, x, y, 1e-4 * surface.domain.span))[-1]
        assert m["sharpness"] == pytest.approx(expected, rel=1e-4, abs=1e-4), m
        assert m["sharpness"] > 0  # a minimum curves up in its steepest direction
    assert all("sharpness" not in s for s in meta["saddles"])


def test_sharpness_of_known_minima():
    assert get_surface("quadratic").metadata()["minima"][0]["sharpness"] == pytest.approx(2.0)
    assert get_surface("ravine").metadata()["minima"][0]["sharpness"] == pytest.approx(10.0)
    # Rosenbrock at (1, 1): [[802, -400], [-400, 200]], largest eigenvalue 501 + sqrt(301^2 + 400^2)
    assert get_surface("rosenbrock").metadata()["minima"][0]["sharpness"] == pytest.approx(501 + math.hypot(301, 400))
    # an L2 penalty l2 (w^2 + b^2) adds 2 l2 to every eigenvalue
    plain = get_surface("linreg_mse").metadata()["minima"][0]["sharpness"]
    assert get_surface("linreg_mse", l2=0.5).metadata()["minima"][0]["sharpness"] == pytest.approx(plain + 1.0)


def test_no_sharpness_where_the_surface_has_a_kink():
    """MAE and hinge minima sit on kinks, Ackley's global minimum on a cone's tip: no Hessian there."""
    assert get_surface("linreg_mae").metadata()["minima"][0]["sharpness"] is None
    assert get_surface("svm_hinge").metadata()["minima"][0]["sharpness"] is None
    ackley = {tuple(m["point"]): m["sharpness"] for m in get_surface("ackley").metadata()["minima"]}
    assert ackley[(0.0, 0.0)] is None
    assert sum(v is not None for v in ackley.values()) == len(ackley) - 1


def test_flat_sharp_has_one_sharp_and_one_flat_minimum_of_similar_depth():
    s = get_surface("flat_sharp")
    meta = s.metadata()
    assert [m["kind"] for m in meta["minima"]] == ["global", "local"]
    sharp, flat = meta["minima"]
    assert sharp["sharpness"] > 15 * flat["sharpness"]
    assert abs(sharp["value"] - flat["value"]) < 0.15 * abs(flat["value"])
    for m in meta["minima"] + meta["saddles"]:
        x, y = m["point"]
        assert s.domain.contains((x, y))
        assert m["value"] == float(s.value(x, y, np))
        assert max(map(abs, s.gradient(x, y, np))) < 1e-6
    assert len(meta["saddles"]) == 1
    assert meta["test_shift"] == [0.25, 0.2]
    json.dumps(meta, allow_nan=False)


def test_the_shifted_landscape_punishes_the_sharp_minimum():
    s = get_surface("flat_sharp")
    sharp, flat = (m.point for m in s.minima)
    rise = lambda p: float(s.test_value(*p)) - float(s.value(*p, np))
    assert rise(sharp) > 0.5  # the narrow well moved out from under its minimum
    assert 0 < rise(flat) < 0.06
    assert float(s.test_value(*flat)) < float(s.test_value(*sharp))
    # the test landscape is the same function moved by the shift
    dx, dy = s.test_shift
    assert float(s.test_value(sharp[0] + dx, sharp[1] + dy)) == pytest.approx(float(s.value(*sharp, np)), abs=1e-15)


def test_flat_sharp_formula_is_the_code():
    s = get_surface("flat_sharp")
    f = compile_formula(s.formula)
    rng = np.random.default_rng(5)
    for x, y in rng.uniform(-3, 3, (50, 2)):
        assert f.value(x, y, scalar) == pytest.approx(s.value(x, y, scalar), rel=1e-13, abs=1e-13)
        for a, b in zip(f.gradient(x, y, scalar), s.gradient(x, y, scalar)):
            assert a == pytest.approx(b, rel=1e-11, abs=1e-12)
        for a, b in zip(f.hessian(x, y, scalar), s.hessian(x, y, scalar)):
            assert a == pytest.approx(b, rel=1e-10, abs=1e-11)


def test_surface_api_carries_sharpness_and_test_shift(client):
    body = client.get("/api/surfaces/flat_sharp").json()
    assert body["test_shift"] == [0.25, 0.2]
    assert body["minima"][0]["sharpness"] > 15
    listed = {s["id"]: s for s in client.get("/api/surfaces").json()}
    assert "flat_sharp" in listed and "test_shift" not in listed["quadratic"]
    assert all("sharpness" in m for s in listed.values() for m in s["minima"])
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    assert "sharpness" in schema["StationaryOut"]["properties"]
    assert "test_losses" in schema["RunOut"]["properties"]


def test_runs_report_test_losses_on_surfaces_with_a_test_shift(client):
    req = {"surface": "flat_sharp", "start": [-1.55, 1.25], "steps": 60,
           "optimizers": [{"optimizer": "gd", "params": {"lr": 0.1}}, {"optimizer": "adam", "params": {"lr": 0.1}}]}
    body = client.post("/api/runs", json=req).json()
    s = get_surface("flat_sharp")
    dx, dy = s.test_shift
    for run in body["runs"]:
        pts = np.asarray(run["points"])
        assert len(run["test_losses"]) == len(pts)
        assert np.allclose(run["test_losses"], s.value(pts[:, 0] - dx, pts[:, 1] - dy, np), rtol=0, atol=1e-15)
    plain = client.post("/api/runs", json={**req, "surface": "quadratic"}).json()
    assert all("test_losses" not in r or r["test_losses"] is None for r in plain["runs"])


def test_streamed_test_losses_equal_the_post_answer(client):
    req = {"surface": "flat_sharp", "start": [-1.55, 1.25], "steps": 700,
           "optimizers": [{"optimizer": "gd", "params": {"lr": 0.1}}, {"optimizer": "gd", "params": {"lr": 5.0}}]}
    post = client.post("/api/runs", json=req).json()
    got = [[] for _ in post["runs"]]
    with client.websocket_connect("/api/runs/ws") as ws:
        ws.send_text(json.dumps({**req, "id": 1}))
        while True:
            frame = ws.receive_json()
            if frame["type"] == "chunk":
                for acc, run in zip(got, frame["runs"]):
                    assert len(run["test_losses"]) == len(run["points"])
                    acc.extend(run["test_losses"])
            if frame["type"] in ("end", "error"):
                break
    assert frame["type"] == "end"
    assert got == [r["test_losses"] for r in post["runs"]]


def test_pages_take_an_inspect_view_and_refuse_a_malformed_one(client):
    import base64

    def enc(state):
        return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")

    state = {"surface": "flat_sharp", "steps": 10, "optimizers": [{"optimizer": "gd", "params": {"lr": 0.1}}],
             "view": {"inspect": {"lane": 0, "step": 3}, "test_contour": True}}
    for path in ("/", "/embed"):
        assert client.get(path, params={"state": enc(state)}).status_code == 200
    for bad in ({"lane": -1, "step": 0}, {"lane": 0}, {"lane": 0, "step": 1.5}, "<b>", {"lane": 0, "step": 1, "x": 2}):
        r = client.get("/embed", params={"state": enc({**state, "view": {"inspect": bad}})})
        assert r.status_code == 422, bad
        assert "inspect" in json.dumps(r.json()["detail"])
