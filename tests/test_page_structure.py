"""The page's structure, read from its source (issue 20): modules of one concern each and of a readable size, one
run client, views that reach no Plotly private field and poll nothing, and no update rule of its own."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "static" / "js"
SOURCES = {p.relative_to(JS).as_posix(): p.read_text() for p in JS.rglob("*.js")}


def test_main_only_wires_and_no_module_is_a_god_module():
    sizes = {name: text.count("\n") for name, text in SOURCES.items()}
    assert sizes["main.js"] <= 250, sizes["main.js"]
    assert {name: n for name, n in sizes.items() if n > 450} == {}


def test_only_the_run_client_asks_for_runs():
    """POST /api/runs and the runs socket appear in runs.js alone (and the socket's transport in api.js)."""
    asking = {name for name, text in SOURCES.items() if re.search(r"[\"'`]/api/runs\b", text)}
    assert asking <= {"runs.js", "api.js"}, asking
    assert "/api/runs/ws" in SOURCES["api.js"] and "/api/runs\"" in SOURCES["runs.js"]
    constructed = {name for name, text in SOURCES.items() if "new RunStream(" in text}
    assert constructed == {"runs.js"}


def test_the_page_holds_no_update_rule():
    """The inspector draws the server's explanation: no module names the optimizers' torch state to recompute it."""
    rules = {name for name, text in SOURCES.items() if re.search(r"exp_avg_sq|square_avg|momentum_buffer", text)}
    assert rules == set(), rules


def test_no_plotly_private_field_and_no_polling_of_the_page():
    private = {name: sorted(set(re.findall(r"\._(?:fullLayout|fullData|context|offset|length)\b|\bl2p\b", text)))
               for name, text in SOURCES.items()}
    assert {name: found for name, found in private.items() if found} == {}
    # window.slopes is the scripting interface for others: the page's own modules never read it
    readers = {name for name, text in SOURCES.items() if "window.slopes" in text and name not in ("scripting.js", "player.js")}
    assert readers == set(), readers
    polling = {name for name, text in SOURCES.items() if re.search(r"setTimeout\(\s*start\b", text)}
    assert polling == set()


def test_the_store_is_written_only_through_update():
    """Nobody assigns the store's state (``store.state = ...``) but the store itself."""
    bypass = {name for name, text in SOURCES.items() if re.search(r"\bstore\.state\s*=", text)}
    assert bypass == set(), bypass


def test_the_template_loads_the_page_as_one_module():
    """main.js and what it imports (the views are modules of it, not scripts of their own), after plotly's loader."""
    html = (ROOT / "templates" / "index.html").read_text()
    assert re.findall(r'<script type="module" src="([^"]+)"', html) == ["/static/js/plotly-loader.js", "/static/js/main.js"]
