"""The catalogue comes from the server, in both of the page's languages.

Every optimizer, surface and schedule the API lists carries its name and description in English and Korean;
every optimizer its update rule as text lines and a label for every term and quantity it reports; every
hyperparameter and schedule parameter a short label and a description. The Korean texts are Korean: a Latin word
in them is a name (Adam, SGD), an identifier the page also shows (lr, weight_decay, denom) or a function in a
formula (max, sign), never an English word left untranslated. OpenAPI documents all of it.
"""
import json
import re
from pathlib import Path

import pytest

from app.schedules import SCHEDULE_PARAMS, Schedule

HANGUL = re.compile("[\uac00-\ud7a3]")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# names, acronyms and formula functions a Korean text may keep in Latin letters
KEPT = {"SGD", "RMS", "AMSGrad", "BFGS", "MSE", "MAE", "SVM", "torch", "bfloat16", "float64", "float", "inf", "null",
        "max", "min", "sign", "clip", "cos", "sin", "StepLR", "ExponentialLR", "CosineAnnealingLR", "Schedule", "Free",
        "g_prev", "v_max", "lr_max", "test_shift"}


def both(texts, where):
    assert set(texts) == {"en", "ko"}, where
    assert texts["en"].strip() and texts["ko"].strip(), where
    return texts


@pytest.fixture(scope="module")
def optimizers(client):
    r = client.get("/api/optimizers")
    assert r.status_code == 200
    return r.json()


@pytest.fixture(scope="module")
def surfaces(client):
    r = client.get("/api/surfaces")
    assert r.status_code == 200
    return r.json()


@pytest.fixture(scope="module")
def schedules(client):
    r = client.get("/api/schedules")
    assert r.status_code == 200
    return r.json()


def test_every_optimizer_has_its_texts_in_both_languages(optimizers):
    from app.optimizers import OPTIMIZERS

    assert [o["id"] for o in optimizers] == list(OPTIMIZERS)
    for o in optimizers:
        oid = o["id"]
        assert both(o["names"], oid)["en"] == o["name"]
        assert both(o["descriptions"], oid)["en"] == o["description"] and o["description_ko"] == o["descriptions"]["ko"]
        both(o["family_names"], oid)
        rule = both(o["rule"], oid)
        assert "←" in rule["en"] and len(rule["en"].splitlines()) == len(rule["ko"].splitlines()), oid
        assert o["terms"], oid  # every rule explains its step in at least one term
        for item in o["terms"] + o["quantities"] + o["state"]:
            assert item["name"] and item["en"].strip() and item["ko"].strip(), (oid, item)
        names = [item["name"] for item in o["terms"] + o["quantities"]]
        assert len(names) == len(set(o["terms"][i]["name"] for i in range(len(o["terms"])))) + len(
            set(q["name"] for q in o["quantities"])), oid  # no name listed twice
        for p in o["params"]:
            both(p["labels"], (oid, p["name"]))
            assert both(p["descriptions"], (oid, p["name"]))["en"] == p["description"]


STATE_SETTINGS = {"rmsprop": [{}, {"momentum": 0.5, "centered": True}], "adam": [{"amsgrad": True}],
                  "adamw": [{"amsgrad": True}], "prodigy": [{}]}


def test_every_name_of_the_state_is_labelled(client, optimizers):
    """What ``include: ["state"]`` reports for each optimizer (with the settings that add names) is what its
    catalogue entry labels."""
    for o in optimizers:
        reported = set()
        for params in STATE_SETTINGS.get(o["id"], [{}]):
            body = {"surface": "himmelblau", "start": [0.5, 0.5], "steps": 3, "include": ["state"],
                    "optimizers": [{"optimizer": o["id"], "params": params}]}
            r = client.post("/api/runs", json=body)
            assert r.status_code == 200, r.text
            reported |= set(r.json()["runs"][0].get("state") or {})
        labelled = [s["name"] for s in o["state"]]
        assert set(labelled) == reported and len(labelled) == len(set(labelled)), (o["id"], labelled, reported)
        for s in o["state"]:
            assert s["en"].strip() and s["ko"].strip(), (o["id"], s)


def test_every_name_a_run_reports_is_labelled(client, optimizers):
    """Through the API: what ``include: ["terms"]`` reports for each optimizer (with weight decay where it has
    one, so the L2 and decay terms appear) is among the names its catalogue entry labels."""
    for o in optimizers:
        params = {"weight_decay": 0.1} if any(p["name"] == "weight_decay" for p in o["params"]) else {}
        body = {"surface": "himmelblau", "start": [0.5, 0.5], "steps": 12, "include": ["terms"],
                "optimizers": [{"optimizer": o["id"], "params": params}]}
        r = client.post("/api/runs", json=body)
        assert r.status_code == 200, r.text
        run = r.json()["runs"][0]
        terms = {name for step in run["terms"] for name in step}
        quantities = {name for step in run["quantities"] for name in step}
        assert terms and terms <= {t["name"] for t in o["terms"]}, (o["id"], terms)
        assert quantities <= {q["name"] for q in o["quantities"]}, (o["id"], quantities)


def test_every_surface_has_its_name_and_description_in_both_languages(client, surfaces):
    from app.surfaces import SURFACE_IDS

    assert {s["id"] for s in surfaces} == set(SURFACE_IDS)
    for s in surfaces:
        assert both(s["names"], s["id"])["en"] == s["name"]
        assert both(s["descriptions"], s["id"])["en"] == s["description"]
    one = client.get("/api/surfaces/himmelblau").json()
    assert one["names"] == {"en": "Himmelblau", "ko": "힘멜블라우"}
    custom = client.post("/api/surfaces/custom", json={"formula": "x^2 + y^2"}).json()
    both(custom["names"], "custom") and both(custom["descriptions"], "custom")


def test_every_schedule_type_is_served_with_its_parameters(schedules):
    assert [s["type"] for s in schedules] == list(SCHEDULE_PARAMS)
    for s in schedules:
        both(s["names"], s["type"]) and both(s["descriptions"], s["type"])
        assert [p["name"] for p in s["params"]] == list(SCHEDULE_PARAMS[s["type"]])
        for p in s["params"]:
            both(p["labels"], p["name"]) and both(p["descriptions"], p["name"])
            assert p["scale"] in ("int", "linear") and p["min"] <= p["default"] <= p["max"]
        # the served defaults and bounds are the ones the server accepts
        defaults = {p["name"]: p["default"] for p in s["params"]}
        assert Schedule.from_dict({"type": s["type"], **defaults}).as_dict() == {"type": s["type"], **defaults}
        for p in s["params"]:
            for edge in (p["min"], p["max"]):
                Schedule.from_dict({"type": s["type"], p["name"]: edge})
            with pytest.raises(ValueError):
                Schedule.from_dict({"type": s["type"], p["name"]: p["max"] * 2 + 1})
    step = next(s for s in schedules if s["type"] == "step")
    assert {p["name"]: (p["default"], p["scale"]) for p in step["params"]} == {"step_size": (100, "int"),
                                                                               "gamma": (0.5, "linear")}


def _korean_texts(optimizers, surfaces, schedules):
    """Every Korean text served, with where it is and the identifiers that may appear in it."""
    out = []

    def walk(value, where, kept):
        if isinstance(value, dict):
            if {"en", "ko"} <= set(value):
                out.append((where, value["ko"], value["en"], kept))
            for key, item in value.items():
                walk(item, f"{where}.{key}", kept)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{where}[{i}]", kept)

    identifiers = set()
    for o in optimizers:
        identifiers |= {p["name"] for p in o["params"]} | {i["name"] for i in o["terms"] + o["quantities"] + o["state"]}
        identifiers |= {c for p in o["params"] for c in p.get("choices") or () if c}
        identifiers |= set(WORD.findall(o["names"]["en"]))
    for s in schedules:
        identifiers |= {p["name"] for p in s["params"]}
    for item, where in [(o, o["id"]) for o in optimizers] + [(s, s["id"]) for s in surfaces] + \
                       [(s, s["type"]) for s in schedules]:
        walk(item, where, identifiers | KEPT)
    return out


def test_the_korean_texts_are_korean(optimizers, surfaces, schedules):
    texts = _korean_texts(optimizers, surfaces, schedules)
    assert len(texts) > 400
    for where, ko, en, kept in texts:
        english = [w for w in WORD.findall(ko) if len(w) >= 3 and w not in kept]
        assert not english, (where, english, ko)
        words = [w for w in WORD.findall(en) if len(w) >= 3 and w not in kept]
        if words:  # the English says something in words: the Korean must say it in Korean
            assert HANGUL.search(ko), (where, ko)


def test_a_left_over_english_word_is_caught(optimizers, surfaces, schedules):
    """The check above can fail: an untranslated word in a Korean text is found."""
    adam = next(o for o in optimizers if o["id"] == "adam")
    spoiled = {**adam, "descriptions": {"en": "the step", "ko": "스텝 with momentum"}}
    texts = _korean_texts([spoiled], [], [])
    assert any("with" in WORD.findall(ko) and "with" not in kept for _, ko, _, kept in texts)


def test_openapi_documents_the_catalogue(client):
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    optimizer = schemas["OptimizerOut"]["properties"]
    for name in ("names", "descriptions", "rule", "terms", "quantities", "state", "family_names"):
        assert name in schemas["OptimizerOut"]["required"] and optimizer[name].get("description"), name
    assert set(schemas["Languages"]["properties"]) == {"en", "ko"}
    assert set(schemas["ReportedName"]["properties"]) == {"name", "en", "ko"}
    for name in ("labels", "descriptions"):
        assert schemas["ParamOut"]["properties"][name].get("description"), name
    for name in ("names", "descriptions"):
        assert schemas["SurfaceOut"]["properties"][name].get("description"), name
    ok = spec["paths"]["/api/schedules"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["items"]["$ref"].endswith("/ScheduleOut")
    assert set(schemas["ScheduleOut"]["properties"]) >= {"type", "names", "descriptions", "params"}


# --- the page's own words hold none of it -------------------------------------------------------------------------
I18N = Path(__file__).resolve().parent.parent / "static" / "i18n"
CATALOGUE_KEY = re.compile(r"^(surface_\w+_(name|desc)|opt_\w+|param_\w+_desc|family_\w+|schedule_\w+)$")
# page words that happen to equal a catalogue text: the charts' titles and axis, the inspector's row of a step's lr
PAGE_WORDS = {"lr_title", "step_axis", "inspector_lr"}


def _served_texts(optimizers, surfaces, schedules, lang):
    """Every name, description and label the server serves, in ``lang``."""
    out = set()
    for o in optimizers:
        out |= {o["names"][lang], o["descriptions"][lang], o["family_names"][lang]}
        out |= {p[k][lang] for p in o["params"] for k in ("labels", "descriptions")}
    for s in [*surfaces, *schedules]:
        out |= {s["names"][lang], s["descriptions"][lang]}
    out |= {p[k][lang] for s in schedules for p in s["params"] for k in ("labels", "descriptions")}
    return out


def _page_catalogue_text(words, served):
    """The keys of the page's words that are a catalogue entry's (by key, or by text)."""
    return sorted(k for k, v in words.items() if CATALOGUE_KEY.match(k) or (v in served and k not in PAGE_WORDS))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_page_words_hold_no_catalogue_text(optimizers, surfaces, schedules, lang):
    """Names, descriptions and labels of optimizers, surfaces, families, schedules and parameters are served (above);
    static/i18n holds the page's own words only, so a catalogue text has one home."""
    words = json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8"))
    served = _served_texts(optimizers, surfaces, schedules, lang)
    assert len(served) > 200
    assert _page_catalogue_text(words, served) == []
    # the check can fail: a copy of a served text, under any key, is found, and so is a catalogue key
    adam = next(o for o in optimizers if o["id"] == "adam")
    assert _page_catalogue_text({"adam_words": adam["descriptions"][lang]}, served) == ["adam_words"]
    assert _page_catalogue_text({"opt_adam_name": "?"}, served) == ["opt_adam_name"]
