"""Lane labels that follow the lane's values: ``"GD lr {lr}"`` is echoed as ``"GD lr 0.15"``, and as ``"GD lr 0.9"``
once the lane's lr is 0.9.

A label is text with ``{field}`` placeholders (``{{`` and ``}}`` are a literal brace). The fields of a lane:

- every hyperparameter of its optimizer, defaults filled in (``{lr}``, ``{momentum}``, ``{eps}``, a pair such as
  ``{betas}`` as ``0.9, 0.999``), and ``{beta1}``/``{beta2}`` for the two betas;
- ``{optimizer}``: the optimizer's name, in the label's language;
- ``{schedule.type}`` and every parameter of its schedule (``{schedule.gamma}``, ``{schedule.T_max}``);
- with a switch: ``{switch.at_step}``, ``{switch.optimizer}`` and the second optimizer's hyperparameters
  (``{switch.lr}``, ``{switch.beta1}``);
- the gradient the lane uses: ``{noise}``, ``{h}``, ``{seed}``; on a data-set surface ``{batch_size}`` (the data set's
  size for the full batch) and the penalties of the loss it minimises, ``{l1}`` and ``{l2}``.

A hyperparameter wins over a lane field of the same name (an update rule may call a parameter ``noise``). Numbers read
as a person writes them: 0.15 (not 0.15000000000000002), 0.005, 1e-05, 300; true/false; none for a missing value.
A field that applies only to some lanes and not to this one (``{batch_size}``, ``{l1}``, ``{l2}`` off a data-set
surface; ``{switch.*}`` without a switch; a ``{schedule.*}`` parameter its schedule lacks) reads ``–``: a lesson's
label stays valid when its lane moves to another surface or loses its switch. A label is the user's text: any other
name in braces (``{lrr}``, Plotly's ``%{x}``) and braces around anything else (``{x: 1}``, a lone ``{``) stay as
written, never filled with a guess and never refused.
"""
from __future__ import annotations

import re

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?\Z")


def text_of(value) -> str:
    """A value as a label shows it: short numbers, no float noise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "0" if value == 0 else f"{value:.6g}"  # -0.0 too
    if isinstance(value, (list, tuple)):
        return ", ".join(text_of(v) for v in value)
    return str(value)


def parse(template: str) -> list[str | tuple[str, str]]:
    """The template's pieces: literal text, and ``(field, as written)`` for each ``{name}``. ``{{`` and ``}}`` are a
    literal brace; braces around anything that is not a name (``{x: 1}``, ``${...}``, a lone ``{``) stay as written,
    so text that was never meant as a template reads as it did."""
    pieces: list[str | tuple[str, str]] = []
    text, i, n = [], 0, len(template)
    while i < n:
        c = template[i]
        if c in "{}" and i + 1 < n and template[i + 1] == c:  # {{ or }}: a literal brace
            text.append(c)
            i += 2
            continue
        if c == "{":
            end = template.find("}", i + 1)
            name = template[i + 1:end].strip() if end > 0 else ""
            if NAME.match(name):
                if text:
                    pieces.append("".join(text))
                    text = []
                pieces.append((name, template[i:end + 1]))
                i = end + 1
                continue
        text.append(c)
        i += 1
    if text:
        pieces.append("".join(text))
    return pieces


SITUATIONAL = frozenset({"batch_size", "l1", "l2"})  # lane fields only some lanes have
SITUATIONAL_PREFIXES = ("switch.", "schedule.")
ABSENT = "–"  # the text of a situational field this lane does not have


def fill(template: str, values: dict) -> str:
    """``template`` with each field replaced by its value's text, a situational field the lane lacks by ``–``, any
    other name as written."""
    out = []
    for piece in parse(template):
        if isinstance(piece, str):
            out.append(piece)
            continue
        name, written = piece
        if name not in values and (name in SITUATIONAL or name.startswith(SITUATIONAL_PREFIXES)):
            out.append(ABSENT)
            continue
        out.append(text_of(values[name]) if name in values else written)
    return "".join(out)


def _hyper_fields(params: dict, prefix: str = "") -> dict:
    out = {f"{prefix}{k}": v for k, v in params.items()}
    betas = params.get("betas")
    if isinstance(betas, (list, tuple)) and len(betas) == 2:
        out.setdefault(f"{prefix}beta1", betas[0])
        out.setdefault(f"{prefix}beta2", betas[1])
    return out


def lane_fields(info: dict, names: dict, *, gradient: dict, batch: int | None, penalties: tuple | None,
                language: str = "en") -> dict:
    """The values a lane's label may name. ``info``: the lane as the answer echoes it (params with defaults,
    schedule, switch); ``names``: optimizer id -> its names in both languages; ``gradient``: the lane's gradient
    settings; ``batch``/``penalties``: data-set surfaces only (else None)."""
    lane = {"noise": gradient["noise"], "h": gradient["h"], "seed": gradient["seed"]}
    if batch is not None:
        lane["batch_size"] = batch
    if penalties is not None:
        lane["l1"], lane["l2"] = penalties
    name = lambda id: names[id].get(language, names[id]["en"]) if id in names else id
    lane["optimizer"] = name(info["optimizer"])
    schedule = info.get("schedule") or {"type": "constant"}
    lane.update({f"schedule.{k}": v for k, v in schedule.items()})
    switch = info.get("switch")
    if switch:
        lane.update({"switch.at_step": switch["at_step"], "switch.optimizer": name(switch["optimizer"])})
        lane.update(_hyper_fields(switch["params"], "switch."))
        lane.update({f"switch.schedule.{k}": v for k, v in (switch.get("schedule") or {}).items()})
    return {**lane, **_hyper_fields(info["params"])}
