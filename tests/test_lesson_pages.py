"""Lessons in a real browser, as a student opens them from the Lessons menu: the summary table's test-loss column
on a surface with a test landscape (against POST /api/runs), and every lesson in Korean with no English lane
label anywhere it reaches (legend, lane cards, summary table, step inspector)."""
import json
from pathlib import Path

import pytest

from browser import update

ROOT = Path(__file__).resolve().parent.parent
KO = json.loads((ROOT / "static" / "i18n" / "ko.json").read_text(encoding="utf-8"))
EN = json.loads((ROOT / "static" / "i18n" / "en.json").read_text(encoding="utf-8"))
CATALOGUE = {"en": EN, "ko": KO}

if not (ROOT / "static" / "js" / "store.js").exists():
    pytest.skip("the page's store (static/js/store.js) is not in this build", allow_module_level=True)


def lessons(page, base):
    r = page.request.get(f"{base}/api/lessons")
    assert r.ok
    return r.json()


def open_lesson(page, base, lesson_id, lang):
    """The page in ``lang``, then the lesson picked from the Lessons menu; waits until its paths are drawn."""
    # (the address holds ?state= once a lesson is open: the page's language is asked of the page itself)
    if not page.url.startswith(base) or page.evaluate("() => document.documentElement.lang") != lang:
        page.goto(f"{base}/?lang={lang}")
        page.wait_for_function("() => document.getElementById('view-area')?.getAttribute('aria-busy') === 'false'", timeout=30000)
    page.get_by_role("combobox", name=CATALOGUE[lang]["lessons"]).select_option(lesson_id)
    page.wait_for_function("(id) => window.slopes.state().view.lesson === id", arg=lesson_id, timeout=30000)
    return update(page, {}, timeout=60000)


def api_runs(page, base, state):
    body = {k: v for k, v in state.items() if k != "view"}
    # a long L-BFGS run takes seconds, and many more on a loaded machine: the answer is waited for
    r = page.request.post(f"{base}/api/runs", data=json.dumps(body), headers={"Content-Type": "application/json"},
                          timeout=180000)
    assert r.ok, r.text()
    return r.json()["runs"]


def summary(page, lang):
    """The summary table as {column heading: [cell text per lane]}, found by its name and its column headers."""
    table = page.get_by_role("table", name=CATALOGUE[lang]["summary_table"])
    # read in one go: the page rebuilds the table as results arrive
    heads, cells = table.evaluate("(t) => [[...t.querySelectorAll('thead th')].map((h) => h.innerText.trim()),"
                                  " [...t.querySelectorAll('tbody tr')].map((r) => [...r.cells].map((c) => c.innerText.trim()))]")
    return {h: [r[k] for r in cells] for k, h in enumerate(heads)}


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_summary_table_shows_each_lanes_test_loss_beside_its_training_loss(page, live_server, lang):
    state = open_lesson(page, live_server, "flat_vs_sharp", lang)
    words = CATALOGUE[lang]
    runs = api_runs(page, live_server, state)
    columns = summary(page, lang)
    heads = list(columns)
    assert heads.index(words["col_test_loss"]) == heads.index(words["col_final_loss"]) + 1  # next to each other
    shown_train = [float(v) for v in columns[words["col_final_loss"]]]
    shown_test = [float(v) for v in columns[words["col_test_loss"]]]
    assert len(shown_test) == len(runs) == 2
    for run, train, test in zip(runs, shown_train, shown_test):
        assert train == pytest.approx(run["losses"][-1], rel=1e-3)  # 4 significant digits on screen
        assert test == pytest.approx(run["test_losses"][-1], rel=1e-3)
    sharp, flat = shown_test
    assert sharp - flat > 0.4  # the lesson's point, readable in the table: the flat minimum's test loss is lower
    assert shown_train[0] < shown_train[1]
    # the heading explains itself with the surface's test_shift
    shift = page.request.get(f"{live_server}/api/surfaces/flat_sharp").json()["test_shift"]
    title = page.get_by_role("columnheader", name=words["col_test_loss"]).get_attribute("title")
    assert f"({shift[0]}, {shift[1]})" in title
    # a surface without a test landscape has no such column; the lesson's surface again has it
    page.get_by_role("combobox", name=words["surface"]).select_option("rosenbrock")
    update(page, {}, timeout=60000)
    assert words["col_test_loss"] not in summary(page, lang)
    assert words["col_final_loss"] in summary(page, lang)
    assert not page.errors, page.errors


def visible_lane_texts(page, lang, n):
    """Every place a lane's name reaches on screen: the legend, each lane card's label box, the summary table's
    first column, and the step inspector's lane menu."""
    words = CATALOGUE[lang]
    legend = page.get_by_role("group", name="실행 목록" if lang == "ko" else "lanes")
    legend = legend.inner_text() if legend.is_visible() else None  # map views (basins) have no legend bar
    cards = [page.get_by_role("textbox", name=f"{words['label']} {i + 1}", exact=True).input_value() for i in range(n)]
    table = page.get_by_role("table", name=words["summary_table"])
    table = summary(page, lang)[words["col_lane"]] if table.is_visible() else None
    options = None  # the inspector explains paths in 2-D: not on a lesson that opens on a map
    if page.evaluate("() => window.slopes.state().view.mode") in ("overlay", "side"):
        update(page, {"view": {"inspect": {"lane": 0, "step": 1}}}, timeout=60000)
        inspector = page.get_by_role("region", name="스텝 살펴보기" if lang == "ko" else "Step inspector")
        lane_menu = inspector.get_by_role("combobox").first
        page.wait_for_function("() => document.querySelector('#inspector .inspector-table')", timeout=60000)
        options = [o.strip() for o in lane_menu.locator("option").all_inner_texts()]
        update(page, {"view": {"inspect": None}}, timeout=60000)
    return {"legend": legend, "cards": cards, "table": table, "inspector": options}


def lesson_ids() -> list[str]:
    from app.lessons import LESSONS

    return [lesson["id"] for lesson in LESSONS]


CHAIN = 5  # lessons walked in one test, each opened from the menu right after the one before it


def chains() -> list[tuple[int, int]]:
    """The menu's lessons in runs of :data:`CHAIN`, each run starting at the last lesson of the one before (so every
    lesson is opened right after the one before it, as in one long walk, and the runs go to any free worker)."""
    n = len(lesson_ids())
    return [(max(0, k - 1), min(n, k + CHAIN)) for k in range(0, n, CHAIN)]


@pytest.mark.parametrize("chain", chains(), ids=lambda c: f"{lesson_ids()[c[0]]}..{lesson_ids()[c[1] - 1]}")
def test_every_lesson_in_korean_shows_no_english_lane_label(page, live_server, chain):
    """A lesson opened in Korean shows its Korean lane labels wherever a label reaches and no English one; an overlay
    lesson opened after another from the menu draws every path whole (a long stream's paths once stayed cut where
    they were first drawn while the slider said the last step). Each test walks a run of lessons from the menu, one
    after another (one page load for several lessons); the runs overlap by one, so every lesson is opened right after
    the one before it, as in one long walk."""
    page.set_viewport_size({"width": 1920, "height": 1080})
    failures = []
    every = {lesson["id"]: lesson for lesson in lessons(page, live_server)}
    ids = lesson_ids()
    assert list(every) == ids  # the menu lists what the build has, in its order
    first, end = chain
    if first > 0:  # the run's first lesson is the one before (checked by the run before)
        open_lesson(page, live_server, ids[first], "ko")
        first += 1
    for index in range(first, end):
        failures += lesson_failures(page, live_server, every[ids[index]])
    assert not failures, failures
    assert not page.errors, page.errors


def lesson_failures(page, live_server, lesson) -> list:
    """What lesson ``lesson``, opened from the Korean menu, shows wrong: English labels, paths not drawn whole."""
    failures = []
    templates = lesson["labels"]["ko"]  # what the label boxes hold: templates such as "경사 하강법 lr {lr}"
    state = open_lesson(page, live_server, lesson["id"], "ko")
    # what the legend, the table and the inspector show: the templates as the server fills them from each lane
    filled = api_runs(page, live_server, {**state, "optimizers": [
        {**o, "labels": {"en": e, "ko": k}} for o, e, k in zip(state["optimizers"], lesson["labels"]["en"], templates)]})
    en, ko = [r["label"] for r in filled], [r["labels"]["ko"] for r in filled]
    assert not any("{" in label for label in en + ko), (en, ko)
    if state["view"]["mode"] == "overlay":  # the first frame shows every path whole, to its last point
        drawn = page.evaluate("() => document.getElementById('plot-main').data"
                              ".filter((t) => /^lane\\d+$/.test(String(t.meta)))"
                              ".map((t) => [t.x.length, t.x[t.x.length - 1], t.y[t.y.length - 1]])")
        expected = [[len(r["points"]), *r["points"][-1]] for r in filled]
        if [d[0] for d in drawn] != [e[0] for e in expected] or any(
                abs(d[1] - e[1]) + abs(d[2] - e[2]) > 1e-4 for d, e in zip(drawn, expected)):
            failures.append((lesson["id"], "paths drawn", [d[0] for d in drawn], [e[0] for e in expected]))
    seen = visible_lane_texts(page, "ko", len(en))
    # each lane shows its Korean label in every place (the label boxes its template, the others its filled text)
    if seen["cards"] != templates:
        failures.append((lesson["id"], "cards", seen["cards"]))
    if seen["table"] is not None and seen["table"] != ko:
        failures.append((lesson["id"], "table", seen["table"]))
    if seen["inspector"] is not None and seen["inspector"] != ko:
        failures.append((lesson["id"], "inspector", seen["inspector"]))
    if seen["legend"] is not None and any(label not in seen["legend"] for label in ko):
        failures.append((lesson["id"], "legend", seen["legend"]))
    if lesson["state"].get("view", {}).get("mode", "overlay") == "overlay" and None in (seen["legend"], seen["table"]):
        failures.append((lesson["id"], "hidden in the overlay view", seen))
    # and no English label that differs from its Korean one appears anywhere
    everything = "\n".join([seen["legend"] or "", *seen["cards"], *(seen["table"] or []), *(seen["inspector"] or [])])
    english = [e for e, k in zip(en, ko) if e != k and e in everything]
    if english:
        failures.append((lesson["id"], "english", english))
    return failures


def test_a_lesson_label_the_student_edits_is_kept_as_typed(page, live_server):
    """The card shows the lesson's Korean label; typing another one makes it the lane's label (state and legend)."""
    open_lesson(page, live_server, "momentum_ravine", "ko")
    box = page.get_by_role("textbox", name=f"{KO['label']} 1", exact=True)
    assert box.input_value() == "경사 하강법 lr {lr}"  # a template: the legend fills it from the lane's values
    assert page.evaluate("() => window.slopes.state().optimizers[0].label") == "GD lr {lr}"  # the state keeps its own
    assert "경사 하강법 lr 0.15" in page.locator("#legend").inner_text()
    box.fill("<b>내 실행</b>")
    box.press("Enter")
    page.wait_for_function("() => window.slopes.state().optimizers[0].label === '<b>내 실행</b>'", timeout=30000)
    update(page, {}, timeout=60000)
    assert "<b>내 실행</b>" in page.locator("#legend").inner_text()  # text, not markup
    assert page.locator("#legend b").count() == 0
    assert page.get_by_role("textbox", name=f"{KO['label']} 1", exact=True).input_value() == "<b>내 실행</b>"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_table_says_the_servers_verdicts_and_the_legend_follows_a_typed_lr(page, live_server, lang):
    """sign_steps: the table says what each run's own summary says (Lion still hopping, Rprop reached at step 39),
    named by GET /api/verdicts; typing lr 0.9 into the GD lane makes its legend and table label say 0.9."""
    words = CATALOGUE[lang]
    state = open_lesson(page, live_server, "sign_steps", lang)
    lesson = next(x for x in lessons(page, live_server) if x["id"] == "sign_steps")
    runs = api_runs(page, live_server, state)
    names = {v["verdict"]: v["names"][lang] for v in page.request.get(f"{live_server}/api/verdicts").json()}
    columns = summary(page, lang)
    assert columns[words["col_status"]] == [names[r["summary"]["verdict"]] for r in runs]
    assert [r["summary"]["verdict"] for r in runs] == ["stalled", "moving", "reached"]
    assert columns[words["col_steps_tol"]] == [words["never"], words["never"], "39"]
    assert [float(d) for d in columns[words["col_distance"]]] == pytest.approx([r["summary"]["distance"] for r in runs],
                                                                               rel=5e-3)  # 3 or 4 digits on screen
    gd = lesson["labels"][lang][0].replace("{lr}", "0.5")
    assert columns[words["col_lane"]][0] == gd and gd in page.locator("#legend").inner_text()
    box = page.locator('.lane[data-lane="0"] input[type=text][data-param="lr"]')
    box.fill("0.9")
    box.press("Enter")
    page.wait_for_function("() => window.slopes.state().optimizers[0].params.lr === 0.9", timeout=30000)
    update(page, {}, timeout=60000)
    typed = lesson["labels"][lang][0].replace("{lr}", "0.9")
    page.wait_for_function("(label) => document.getElementById('legend').innerText.includes(label)", arg=typed,
                           timeout=30000)
    assert summary(page, lang)[words["col_lane"]][0] == typed
    assert not page.errors, page.errors


def test_schedule_free_lesson_draws_the_averaged_point_beside_the_path(page, live_server):
    """The Schedule-Free lane's path is y; its averaged x (what it returns) is a dotted line in the lane's colour,
    equal to the API's ``averaged``, kept across a move of the cursor, and gone with a lesson that has no such lane."""
    state = open_lesson(page, live_server, "schedule_free", "en")
    runs = api_runs(page, live_server, state)
    averaged = runs[2]["averaged"]
    page.wait_for_function("() => { const d = document.getElementById('plot-main').data;"
                           " const a = d.find((t) => t.meta === 'averaged2'), l = d.find((t) => t.meta === 'lane2');"
                           " return a && l && a.x.length === l.x.length; }", timeout=30000)
    traces = page.evaluate("() => document.getElementById('plot-main').data"
                           ".filter((t) => t.meta === 'averaged2' || t.meta === 'lane2')"
                           ".map((t) => ({meta: t.meta, x: Array.from(t.x), y: Array.from(t.y), color: t.line.color,"
                           " dash: t.line.dash}))")
    lane = next(t for t in traces if t["meta"] == "lane2")
    dotted = next(t for t in traces if t["meta"] == "averaged2")
    assert dotted["color"] == lane["color"] and dotted["dash"] == "dot"
    # as long as the lane's drawn path (its whole 1001 points, or fewer where the page drew less: see the report)
    assert len(dotted["x"]) == len(lane["x"]) > 500 and len(averaged) == 1001
    assert max(abs(a - p[0]) + abs(b - p[1]) for a, b, p in zip(dotted["x"], dotted["y"], averaged)) < 1e-6
    assert dotted["x"] != lane["x"]  # a different point from the path drawn
    # no other lane gets one
    assert page.evaluate("() => document.getElementById('plot-main').data"
                         ".filter((t) => String(t.meta).startsWith('averaged')).length") == 1
    # the cursor at step 200 (the overlay draws whole paths and moves its points): the dotted line stays, as its lane
    update(page, {"view": {"step": 200}}, timeout=60000)
    page.wait_for_function("() => { const d = document.getElementById('plot-main').data;"
                           " const a = d.find((t) => t.meta === 'averaged2'), l = d.find((t) => t.meta === 'lane2');"
                           " return a && l && a.x.length === l.x.length; }", timeout=30000)
    # a lesson without Schedule-Free: no dotted line
    open_lesson(page, live_server, "lr_sizes", "en")
    page.wait_for_function("() => !document.getElementById('plot-main').data"
                           ".some((t) => String(t.meta).startsWith('averaged'))", timeout=30000)
    assert not page.errors, page.errors


def test_a_long_stream_is_drawn_whole_at_its_end(page, live_server):
    """A stream long enough to be drawn while it grows (L-BFGS, a thousand steps: seconds) ends with every path
    drawn to its last point, equal to POST /api/runs, not cut where the first partial drawing left it."""
    from browser import open_state

    state = {"surface": "rosenbrock", "start": [-1.2, 1.0], "steps": 1000,
             "optimizers": [{"optimizer": "lbfgs", "params": {"lr": 0.5, "max_iter": 2, "tolerance_grad": 0.0,
                                                              "tolerance_change": 0.0}, "label": "L-BFGS"},
                            {"optimizer": "gd", "params": {"lr": 0.001}, "label": "GD"}]}
    open_state(page, live_server, {"surface": "quadratic", "steps": 20,
                                   "optimizers": [{"optimizer": "gd", "params": {"lr": 0.1}}]})
    update(page, {**state, "view": {"lesson": None}}, timeout=120000)
    expected = api_runs(page, live_server, state)
    drawn = page.evaluate("() => document.getElementById('plot-main').data"
                          ".filter((t) => /^lane\\d+$/.test(String(t.meta))).map((t) => [t.x.length, t.x[t.x.length - 1],"
                          " t.y[t.y.length - 1]])")
    assert [d[0] for d in drawn] == [len(r["points"]) for r in expected]
    for d, r in zip(drawn, expected):
        assert abs(d[1] - r["points"][-1][0]) + abs(d[2] - r["points"][-1][1]) < 1e-4


def test_the_inspector_follows_the_plot_when_the_pane_scrolls(page, live_server):
    """The page scrolls in its own pane (.stage): the inspector's button sits in the playback bar and scrolls with
    it, and its card stays on the plot inside the pane (it once stayed where the plot had been)."""
    open_lesson(page, live_server, "flat_vs_sharp", "ko")
    button = page.locator("#playback").get_by_role("button", name="스텝 살펴보기")
    assert button.is_visible()
    page.get_by_role("table", name=KO["summary_table"]).scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('.stage').scrollTop > 0")
    scrolled = page.evaluate("() => document.querySelector('.stage').scrollTop")
    assert scrolled > 0
    update(page, {"view": {"inspect": {"lane": 0, "step": 3}}}, timeout=60000)
    card = page.get_by_role("region", name="스텝 살펴보기")
    card.wait_for(state="visible")
    box, pane = card.bounding_box(), page.locator(".stage").bounding_box()
    assert pane["y"] <= box["y"] and box["y"] + box["height"] <= pane["y"] + pane["height"] + 1
    assert not page.errors, page.errors


def test_numerical_gradient_lesson_has_an_h_control_that_makes_the_paths_agree(page, live_server):
    """The caption says "Set h to 1e-5 and the two paths agree to about 1e-10" and the lane is called "numerical
    gradient (h from the gradient settings)", but the page had no h field. A labelled field shows the lesson's h = 1
    while the gradient is numerical; 1e-5 typed there is sent and the two paths agree; garbage is marked, not sent."""
    open_lesson(page, live_server, "numerical_gradient", "ko")
    h = page.get_by_label(CATALOGUE["ko"]["grad_h"])
    assert h.is_visible() and float(h.input_value()) == 1.0
    h.fill("abc")
    h.press("Enter")
    assert h.get_attribute("aria-invalid") == "true"
    assert page.evaluate("() => window.slopes.state().gradient.h") == 1.0
    h.fill("1e-5")
    h.press("Enter")
    page.wait_for_function("() => window.slopes.state().gradient.h === 1e-5")
    state = update(page, {}, timeout=60000)
    assert h.get_attribute("aria-invalid") != "true"
    numerical, analytic = api_runs(page, live_server, state)
    assert max(abs(a - b) for p, q in zip(numerical["points"], analytic["points"]) for a, b in zip(p, q)) < 1e-8
    drawn = page.evaluate("() => document.getElementById('plot-main').data.filter((t) => /^lane\\d+$/.test(String(t.meta)))"
                          ".map((t) => [t.x[t.x.length - 1], t.y[t.y.length - 1]])")
    assert abs(drawn[0][0] - drawn[1][0]) < 1e-6 and abs(drawn[0][1] - drawn[1][1]) < 1e-6
    # back to analytic: the field hides (h means nothing there)
    page.get_by_role("combobox", name=CATALOGUE["ko"]["gradient"]).select_option("analytic")
    page.wait_for_function("() => window.slopes.state().gradient.mode === 'analytic'")
    update(page, {}, timeout=60000)
    assert not h.is_visible()
