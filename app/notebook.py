"""Slopes in a notebook: the runs of ``POST /api/runs``, computed in this process, with no server.

    from app.notebook import run

    result = run(surface="rosenbrock", start=[-1.2, 1.0], steps=300,
                 optimizers=[{"optimizer": "adam", "params": {"lr": 0.05}},
                             {"optimizer": "momentum", "params": {"lr": 0.001, "momentum": 0.9}}])
    result.runs             # the "runs" of the API's answer, field for field
    result                  # shows the figure inline in Jupyter
    result.figure()         # a plotly.graph_objects.Figure: the contour, every path, the minima
    result.to_html("adam_vs_momentum.html")   # the offline export (plotly.js inlined, plays from disk)
    result.state()          # the JSON that ?state= carries
    result.embed_url("http://127.0.0.1:8000") # an /embed address for a slide's <iframe>

An optimizer may also be a Python object of your own, beside the built-ins, on the same surfaces, schedules and
seeds (:mod:`app.optimizers.python_object`): a ``torch.optim.Optimizer`` subclass (when torch is installed) or any
object with ``init(point)`` / ``update(grad, state, point) -> (step, state)`` on numpy arrays (optax's shape)::

    run(surface="rosenbrock", steps=300, optimizers=[
        {"optimizer": torch.optim.SGD, "params": {"lr": 0.001}},   # torch.optim.SGD([x], lr=0.001)
        {"optimizer": MyOptimizer(), "params": {"lr": 0.001}},     # update(..., lr=) gets the scheduled lr
        {"optimizer": "gd", "params": {"lr": 0.001}}])

Its lane is labelled with its class name; ``.figure()`` and ``.to_html()`` show it, but no link can carry it
(``.embed_url()`` refuses: the server cannot run your object).

The request goes through the services the HTTP API uses (:mod:`app.services`: the same validation, planning and
engine call) and its answer through the same JSON encoder, so ``run(**body).runs == POST /api/runs(body)["runs"]``.
A bad field raises :class:`InputError` (a :class:`app.services.Refused`, so a ``ValueError``), which names it
(``optimizers.0.params.lr: ...``) as the API's 422 does.
"""
from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from urllib.parse import urlencode

from .optimizers.python_object import ObjectError, object_optimizer
from .services import Refused, plan_runs, run_plan
from .services.exporting import PALETTE, export_html, plotly_text, to_json

__all__ = ["InputError", "Result", "run"]

CONTOUR_COLOURS = [[0, "#7f9cc6"], [0.15, "#a9bfdb"], [0.35, "#d0dcea"], [0.6, "#ebebe8"], [0.85, "#f5efe3"],
                   [1, "#fbf6ec"]]


class InputError(Refused):
    """A request field that ``POST /api/runs`` would refuse with a 422 (a ``ValueError``).

    ``field`` is its dotted path (``"optimizers.0.params.lr"``), ``message`` says what is wrong, ``errors`` is
    the API's ``[{"loc", "msg", "type"}]`` (``loc`` relative to the request).
    """

    @classmethod
    def of(cls, refused: Refused, under: str | None = None) -> "InputError":
        """``refused`` as raised to the notebook; ``under``: a prefix its ``loc`` drops (the services name a
        view option ``state.view.colors.0``; the keyword argument is ``view``)."""
        errors = refused.errors
        if under is not None:
            errors = [{**e, "loc": e["loc"][1:] if e["loc"][:1] == [under] else e["loc"]} for e in errors]
        return cls.from_errors(errors)

    @property
    def field(self) -> str:
        return ".".join(str(part) for part in self.loc) or "request"

    @property
    def message(self) -> str:
        return self.msg


def run(**request) -> "Result":
    """Compute the runs of a ``POST /api/runs`` body given as keyword arguments (plus an optional ``view``,
    the page's view options: ``caption``, ``lang``, ``colors``, ``theme``...). Raises :class:`InputError`."""
    try:  # numpy numbers and arrays, tuples: as JSON has them (np.int64(300) steps, np.array([x, y]) starts)
        request = _plain_values(request)
    except RecursionError:
        raise InputError([], "the request is nested too deeply") from None
    view = request.pop("view", None)
    if view is not None and not isinstance(view, dict):
        raise InputError(["view"], "view must be a dict of view options")
    request, own = _python_optimizers(request)
    try:
        plan = plan_runs(request, own)
    except Refused as e:
        raise InputError.of(e) from None
    if view:
        from .services.state import parse_view

        try:
            parse_view({"view": view})
        except Refused as e:
            raise InputError.of(e, under="state") from None
    try:
        answer = json.loads(to_json(run_plan(plan)))  # exactly the API's JSON: plain lists, non-finite floats as null
    except ObjectError as e:  # an object's update that returned what no step is
        raise InputError(["optimizers"], str(e)) from None
    state = json.loads(json.dumps(_named(request, own), allow_nan=False, default=_plain))
    if view:
        state["view"] = json.loads(json.dumps(view, allow_nan=False, default=_plain))
    return Result(state, answer, plan.surface, sorted(own))


def _python_optimizers(request: dict) -> tuple[dict, dict]:
    """The request with each lane's (or switch's) Python object replaced by an id of its own (``python:0``,
    ``python:0.switch``), and the optimizers of those ids."""
    lanes, own = request.get("optimizers"), {}
    if not isinstance(lanes, list):
        return request, own
    out = []
    for i, lane in enumerate(lanes):
        if isinstance(lane, dict):
            lane = dict(lane)
            for where, spec in ((("optimizers", i), lane), (("optimizers", i, "switch"), lane.get("switch"))):
                if not isinstance(spec, dict) or isinstance(spec.get("optimizer"), str) or "optimizer" not in spec:
                    continue
                key = "python:" + ".".join(map(str, where[1:]))
                params = spec.get("params") or {}
                if not isinstance(params, dict):
                    raise InputError([*where, "params"], "params must be a dict of the object's own parameters")
                try:
                    own[key] = object_optimizer(spec["optimizer"], params, key)
                except ObjectError as e:
                    raise InputError([*where, "optimizer"], str(e)) from None
                except TypeError as e:  # the class refused its params
                    raise InputError([*where, "params"], f"{spec['optimizer']!r}: {e}") from None
                if len(where) == 2:
                    lane["optimizer"] = key
                else:
                    lane["switch"] = {**spec, "optimizer": key}
        out.append(lane)
    return {**request, "optimizers": out}, own


def _named(request: dict, own: dict) -> dict:
    """The request with each Python object's id replaced by its class name (what a state can say of it)."""
    if not own:
        return request
    lanes = []
    for lane in request["optimizers"]:
        lane = dict(lane)
        if lane.get("optimizer") in own:
            lane["optimizer"] = own[lane["optimizer"]].name
        switch = lane.get("switch")
        if isinstance(switch, dict) and switch.get("optimizer") in own:
            lane["switch"] = {**switch, "optimizer": own[switch["optimizer"]].name}
        lanes.append(lane)
    return {**request, "optimizers": lanes}


def _plain_values(value):
    """``value`` with numpy (or torch) numbers and arrays as Python numbers and lists, tuples as lists; anything
    else as it is, for the request's validation to name."""
    if isinstance(value, dict):
        return {k: _plain_values(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_values(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return _plain_values(value.tolist())
    return value


def _shown_as_text(text: str) -> str:
    """``text`` as Plotly shows it literally in a name or a title: its pseudo-HTML escaped and ``%`` written as
    an entity (a trace's name is a template over its ``meta``: ``%{x}`` would vanish)."""
    return plotly_text(text).replace("%", "&#37;")


def _plain(value):
    """numpy numbers and arrays, tuples: as JSON has them."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON")


class Result:
    """The answer of one :func:`run`: ``.runs``, ``.figure()``, ``.to_html(path)``, ``.state()``, ``.embed_url(base)``."""

    def __init__(self, state: dict, answer: dict, surface, python: list | None = None):
        self._state = state
        self._python = python or []  # ids of lanes run by Python objects: no link can carry them
        self.answer = answer
        self.runs: list[dict] = answer["runs"]
        self.surface: dict = surface.metadata()
        self._surface = surface

    # --- what the page and the API share -------------------------------------------------------
    def state(self) -> dict:
        """A copy of the state: the run request plus ``view``, the JSON that ``?state=`` carries (base64url)."""
        return copy.deepcopy(self._state)

    def encoded_state(self) -> str:
        raw = json.dumps(self._state, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    def embed_url(self, base: str = "http://127.0.0.1:8000", *, autoplay: bool = True, loop: bool = False,
                  caption: str | None = None, **options) -> str:
        """The ``/embed`` address of this view on a running Slopes at ``base`` (for an ``<iframe>`` or IPython's
        ``IFrame``). Extra options (``interactive=1``, ``controls="lr:0"``...) are added as query parameters.
        Refused (:class:`InputError`) when a lane is a Python object: the server cannot run it."""
        if self._python:
            lane = self._python[0].split(":")[1].split(".")
            raise InputError(["optimizers", int(lane[0]), *lane[1:], "optimizer"],
                             "this lane is a Python object, which runs only in this process: a link cannot carry "
                             "it (to_html() exports the figure with its paths)")
        query = {"state": self.encoded_state()}
        if autoplay:
            query["autoplay"] = "1"
        if loop:
            query["loop"] = "1"
        if caption:
            query["caption"] = caption
        query.update({k: str(v) for k, v in options.items()})
        return f"{base.rstrip('/')}/embed?{urlencode(query)}"

    def to_html(self, path: str | Path | None = None) -> str | Path:
        """The offline export (``GET /export.html``): one HTML file, plotly.js inlined, that plays from disk.
        Written to ``path`` (returned); without a path the HTML text is returned."""
        html = export_html(self.state(), computed=(self._surface, self.answer))
        if path is None:
            return html
        path = Path(path)
        path.write_text(html, encoding="utf-8")
        return path

    # --- the figure -----------------------------------------------------------------------------
    def figure(self, n: int = 160, height: int = 520):
        """A ``plotly.graph_objects.Figure``: the surface's contour, each run's path (named by its label, in the
        page's colours), its start and end, and the surface's minima. Path traces carry ``meta = {"lane": i}``."""
        import numpy as np
        import plotly.graph_objects as go

        grid = self._surface.grid(n)
        z = np.asarray(grid["z"], dtype=float)
        finite = z[np.isfinite(z)]
        colorbar_title = "f"
        if self.surface.get("log_scale") and finite.size:
            zmin = float(finite.min())
            eps = max((float(finite.max()) - zmin) * 1e-7, 1e-12)
            with np.errstate(all="ignore"):
                z = np.log10(z - zmin + eps)
            colorbar_title = "log10(f - min)"
        z = np.where(np.isfinite(z), z, np.nan)
        fig = go.Figure()
        fig.add_trace(go.Contour(x=grid["x"], y=grid["y"], z=z, ncontours=28, colorscale=CONTOUR_COLOURS,
                                 contours={"coloring": "fill"}, line={"color": "rgba(0,0,0,0.22)", "width": 0.6},
                                 colorbar={"title": {"text": colorbar_title}}, name=self.surface["name"],
                                 hovertemplate="x=%{x:.3g}<br>y=%{y:.3g}<extra></extra>"))
        colours = (self._state.get("view") or {}).get("colors") or []
        for i, r in enumerate(self.runs):
            colour = colours[i] if i < len(colours) and isinstance(colours[i], str) else PALETTE[i % len(PALETTE)]
            xs = [p[0] for p in r["points"]]
            ys = [p[1] for p in r["points"]]
            # a label is text: Plotly reads <a href>, <b>, <br> in names and %{...} (the trace's meta) too
            name = _shown_as_text(r["label"] + (" (diverged)" if r["status"] == "diverged" else ""))
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=name, legendgroup=f"lane{i}",
                                     line={"color": colour, "width": 3}, meta={"lane": i, "role": "path"},
                                     customdata=r["losses"],
                                     hovertemplate="step %{pointNumber}<br>(%{x:.4g}, %{y:.4g})<br>"
                                                   "loss %{customdata:.4g}<extra>%{fullData.name}</extra>"))
            fig.add_trace(go.Scatter(x=[xs[0], xs[-1]], y=[ys[0], ys[-1]], mode="markers", showlegend=False,
                                     legendgroup=f"lane{i}", hoverinfo="skip", meta={"lane": i, "role": "ends"},
                                     marker={"color": colour, "size": [9, 13], "symbol": ["circle-open", "circle"],
                                             "line": {"color": colour, "width": 2}}))
        minima = self.surface.get("minima") or []
        if minima:
            fig.add_trace(go.Scatter(x=[m["point"][0] for m in minima], y=[m["point"][1] for m in minima],
                                     mode="markers", name="minima", meta={"role": "minima"},
                                     marker={"symbol": "star", "size": 14, "color": "#1d1d1f"},
                                     hovertemplate="minimum (%{x:.4g}, %{y:.4g})<extra></extra>"))
        domain = self.surface["domain"]
        view = self._state.get("view") or {}
        caption = view.get("caption") or f"{self.surface['name']}: {self.surface['formula']}"
        fig.update_layout(title={"text": _shown_as_text(caption)}, height=height, template="plotly_white",
                          margin={"l": 55, "r": 20, "t": 60, "b": 45}, legend={"orientation": "h", "y": -0.12},
                          xaxis={"range": domain["x"], "title": {"text": "x"}},
                          yaxis={"range": domain["y"], "title": {"text": "y"},
                                 **({"scaleanchor": "x", "scaleratio": 1} if view.get("equal") else {})})
        return fig

    def paths(self) -> list[list[list[float]]]:
        """Each run's points, as the API gives them."""
        return [r["points"] for r in self.runs]

    # --- Jupyter ---------------------------------------------------------------------------------
    def _repr_mimebundle_(self, include=None, exclude=None):
        """Plotly's own bundle where a renderer is set (Jupyter, VS Code); else plotly's JSON MIME type, which
        JupyterLab and VS Code draw natively, and the text summary."""
        fig = self.figure()
        bundle = fig._repr_mimebundle_(include, exclude) or {}
        if not bundle:
            bundle = {"application/vnd.plotly.v1+json": {**json.loads(fig.to_json()), "config": {"displaylogo": False}}}
        bundle.setdefault("text/plain", repr(self))
        return bundle

    def _repr_html_(self):
        return self.figure()._repr_html_()

    def __repr__(self) -> str:
        lines = [f"<slopes run on {self.surface['id']}: {len(self.runs)} run(s)"]
        for r in self.runs:
            end = r["points"][-1]
            loss = r["losses"][-1]
            lines.append(f"  {r['label']}: {r['status']} after {r['steps_run']} steps at "
                         f"({end[0]:.4g}, {end[1]:.4g}), loss {loss if loss is None else f'{loss:.4g}'}")
        return "\n".join(lines) + ">"
