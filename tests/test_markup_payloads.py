"""Every string that can reach markup is text (issue 22, item 3): a walk over every string position of the state's
schema (the run request, the view, the view's variants, dictionary keys and values), each filled with a link and
with a script payload, in the page, the embed, the export (after ``slopes.update`` to each variant too), the
notebook's HTML and the refusal page, in a real browser: no element and no attribute is made of it.

The server decides, position by position, whether it takes the payload (a label, a caption) or refuses it (an
optimizer id, a colour); every position one of the four pages takes is put into one state per payload, so a
handful of page loads covers them all."""
from __future__ import annotations

import base64
import copy
import json

import pytest
from browser import DRAWN, wait_drawn

from app.schemas import RunRequest, ViewIn

pytestmark = pytest.mark.browser

LINK = "<a href='https://evil.example/x'>CLICK</a>"
SCRIPT = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>'
PAYLOADS = {"link": LINK, "script": SCRIPT}
KEY = object()  # a path step meaning "the dictionary key itself is the payload"

BASE = {"surface": "himmelblau", "steps": 20,
        "optimizers": [{"optimizer": "adam", "params": {"lr": 0.05}, "label": "base lane"}],
        "view": {"variants": [{"optimizers": [{"optimizer": "gd", "params": {"lr": 0.01}, "label": "variant lane"}]}]}}
# what an object needs to be taken at all, where a path goes into one the base state lacks
EXAMPLES = {"switch": {"at_step": 5, "optimizer": "gd"}, "schedule": {"type": "constant"}, "gradient": {},
            "domain": {"x": [-5, 5], "y": [-5, 5]}, "zoom": {"x": [-5, 5], "y": [-5, 5]},
            "inspect": {"lane": 0, "step": 0}, "surface_options": {}, "params": {}}


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].split("/")[-1]]
    return node


def string_paths(schema: dict, node: dict | None = None, path: tuple = (), depth: int = 0) -> list[tuple]:
    """Every path (keys and indices) to a string the schema allows, ``KEY`` where a dictionary's key is one."""
    node = _resolve(schema, schema if node is None else node)
    if depth > 8:
        return []
    out = []
    for alt in node.get("anyOf", []) + node.get("oneOf", []):
        out += string_paths(schema, alt, path, depth + 1)
    kind = node.get("type")
    if kind == "string" or (not kind and not node.get("anyOf") and not node.get("properties")):
        out.append(path)  # a string, or Any (a string is one of its values)
    if kind == "array":
        out += string_paths(schema, node.get("items", {}), (*path, 0), depth + 1)
    if kind == "object" or "properties" in node:
        for name, prop in node.get("properties", {}).items():
            out += string_paths(schema, prop, (*path, name), depth + 1)
        extra = node.get("additionalProperties")
        if extra is not False and extra is not None:
            out.append((*path, KEY))
            out += string_paths(schema, extra if isinstance(extra, dict) else {}, (*path, "lr"), depth + 1)
    return list(dict.fromkeys(out))


def state_paths() -> list[tuple]:
    run = RunRequest.model_json_schema()
    view = ViewIn.model_json_schema()
    paths = string_paths(run)
    for p in string_paths(view):
        if p[:1] == ("variants",):  # a variant is a patch of the state: every run-request position again
            continue
        paths.append(("view", *p))
    paths += [("view", "variants", 0, *p) for p in string_paths(run)]
    return list(dict.fromkeys(paths))


def put(state: dict, path: tuple, payload: str) -> dict:
    """``state`` with ``payload`` at ``path`` (containers made on the way, objects from :data:`EXAMPLES`)."""
    out = copy.deepcopy(state)
    node = out
    for k, step in enumerate(path[:-1]):
        nxt = path[k + 1]
        if isinstance(node, list):
            while len(node) <= step:
                node.append({})
            if not isinstance(node[step], (dict, list)):
                node[step] = [] if isinstance(nxt, int) else {}
            node = node[step]
            continue
        if step not in node or not isinstance(node[step], (dict, list)):
            node[step] = [] if isinstance(nxt, int) else copy.deepcopy(EXAMPLES.get(step, {}))
        node = node[step]
    last = path[-1]
    if last is KEY:
        node[payload] = 1
    elif isinstance(node, list):
        while len(node) <= last:
            node.append(None)
        node[last] = payload
    else:
        node[last] = payload
    return out


def encoded(state: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


def taken(client, state: dict) -> dict:
    """Which pages take ``state`` (200) and which refuse it (422)."""
    q = encoded(state)
    return {path: client.get(f"{path}?state={q}", headers={"accept": "application/json"}).status_code
            for path in ("/", "/export.html")}


@pytest.fixture(scope="module")
def positions(client):
    """Per payload: the paths the export takes, the paths only the page takes, and one the page refuses."""
    out = {}
    for name, payload in PAYLOADS.items():
        exported, paged, refused = [], [], []
        for path in state_paths():
            status = taken(client, put(BASE, path, payload))
            assert set(status.values()) <= {200, 422}, (path, status)
            if status["/export.html"] == 200:
                exported.append(path)
            elif status["/"] == 200:
                paged.append(path)
            else:
                refused.append(path)
        out[name] = exported, paged, refused
    return out


def combined(paths, payload) -> dict:
    state = BASE
    for path in paths:
        state = put(state, path, payload)
    return state


INJECTED = """() => {
  const bad = [];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    if ((tag === "a" && el.textContent.includes("CLICK")) || (tag === "script" && el.type !== "application/json" && el.textContent.includes("__pwned"))
        || (tag === "img" && el.getAttribute("src") === "x")) bad.push(el.outerHTML.slice(0, 160));
    for (const a of el.attributes) {
      if ((/^on/i.test(a.name) && a.value.includes("__pwned")) || (/(href|src)$/i.test(a.name) && a.value.includes("evil.example")))
        bad.push(tag + " " + a.name + "=" + a.value.slice(0, 80));
    }
  }
  return { bad, pwned: window.__pwned === 1 };
}"""


def assert_text_only(page, where: str):
    found = page.evaluate(INJECTED)
    assert not found["bad"] and not found["pwned"], (where, found)


def shows(page, payload: str) -> bool:
    return page.evaluate("(p) => document.body.textContent.includes(p)", payload)


def test_the_walk_covers_every_string_position(positions):
    paths = state_paths()
    for needed in [("optimizers", 0, "label"), ("view", "caption"), ("view", "variants", 0, "optimizers", 0, "label"),
                   ("optimizers", 0, "params", KEY), ("view", KEY), ("surface",), ("formula",),
                   ("optimizers", 0, "switch", "optimizer"), ("view", "colors", 0), ("view", "lesson")]:
        assert needed in paths, needed
    for name, (exported, paged, refused) in positions.items():
        assert ("optimizers", 0, "label") in exported and ("view", "variants", 0, "optimizers", 0, "label") in exported
        assert ("view", "caption") in exported and refused, name
        print(f"{name}: {len(paths)} string positions; {len(exported)} taken by the export, {len(paged)} by the page "
              f"only, {len(refused)} refused everywhere")


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_page_and_embed_show_every_string_as_text(page, live_server, positions, name):
    payload = PAYLOADS[name]
    exported, paged, _ = positions[name]
    for path in ("/", "/embed"):
        page.goto(f"{live_server}{path}?state={encoded(combined(exported, payload))}")
        wait_drawn(page, 60000)
        assert shows(page, payload), path  # the lane's label, as typed
        assert_text_only(page, path)
        # a script changes labels and the caption afterwards: still text
        page.evaluate("(p) => window.slopes.update({optimizers: [{optimizer: 'gd', params: {lr: 0.01}, label: p}, "
                      "{optimizer: 'adam', label: p + ' 2'}]})", payload)
        assert shows(page, payload + " 2"), path
        assert_text_only(page, f"{path} after update")
    # every position only the page takes (ids it drops, values the server refuses in an error it shows)
    page.goto(f"{live_server}/?state={encoded(combined(paged, payload))}")
    # drawn, or the server's refusal shown where the page shows errors
    page.wait_for_function(f"() => ({DRAWN})() || document.querySelector('.toast')", timeout=60000)
    assert_text_only(page, "page-only positions")


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_the_export_shows_every_string_as_text_in_every_variant(page, live_server, positions, name):
    payload = PAYLOADS[name]
    state = combined(positions[name][0], payload)
    page.goto(f"{live_server}/export.html?state={encoded(state)}")
    page.wait_for_function("() => window.slopes && document.querySelector('.legendtext')", timeout=60000)
    assert shows(page, payload)
    assert_text_only(page, "export")
    variant = {"optimizers": state["view"]["variants"][0]["optimizers"]}
    page.evaluate("(patch) => window.slopes.update(patch)", variant)
    page.wait_for_function("(p) => [...document.querySelectorAll('.legendtext')].some((t) => t.textContent === p)",
                           arg=payload, timeout=30000)  # the attack: the variant's label, now text
    assert_text_only(page, "export after update to a variant")


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_the_notebook_html_shows_every_string_as_text(page, positions, name, tmp_path):
    from app.notebook import run

    payload = PAYLOADS[name]
    state = combined(positions[name][0], payload)
    view = state.pop("view")
    path = run(**state, view=view).to_html(tmp_path / "figure.html")
    page.goto(path.as_uri())
    page.wait_for_function("() => window.slopes && document.querySelector('.legendtext')", timeout=60000)
    assert shows(page, payload)
    assert_text_only(page, "notebook to_html")
    page.evaluate("(patch) => window.slopes.update(patch)", {"optimizers": view["variants"][0]["optimizers"]})
    page.wait_for_function("(p) => [...document.querySelectorAll('.legendtext')].some((t) => t.textContent === p)",
                           arg=payload, timeout=30000)
    assert_text_only(page, "notebook after update to a variant")


def test_the_refusal_page_shows_the_refused_payload_as_text(page, live_server):
    state = put(BASE, ("view", KEY), LINK)  # an unknown view option: its name is in the message
    page.goto(f"{live_server}/?state={encoded(state)}")
    page.wait_for_load_state()
    assert "evil.example" in page.content() and page.get_by_role("link", name="CLICK").count() == 0
    assert_text_only(page, "refusal page")
