"""The citation graph page: short titles and the build-time layout, then the page in real Chromium
on the real entries: find a paper, neighbourhood highlight, relation-type filter, lineage path,
a layout that is the same on every load, phones, the text alternative without JavaScript, axe."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import networkx as nx
import pytest
from playwright.sync_api import Browser, CDPSession, Page

from afkb.graph import build_graph, entry_subgraph, relation_path
from afkb.render.context import SiteContext
from afkb.render.graph_page import LAYOUT_WIDTH, _pushes, graph_data, layout_positions, short_title
from test_browser import REAL, Watched, _serve, axe_violations, site  # noqa: F401 - the site fixture

GRAPH = build_graph(REAL.entries.values())
ENTRIES = entry_subgraph(GRAPH)
PHONE = {"width": 390, "height": 844}


def lineage_pair() -> tuple[str, str, list[tuple[str, str, str]]]:
    """Two papers joined by a chain of at least three relations (as `afkb graph path` finds it)."""
    lengths = dict(nx.all_pairs_shortest_path_length(ENTRIES))
    for source in sorted(lengths):
        for target in sorted(lengths[source]):
            if lengths[source][target] >= 3:
                steps = relation_path(GRAPH, source, target)
                assert steps is not None
                return source, target, steps
    pytest.fail("no two papers are three relations apart")


def open_graph(page: Page, base: str) -> None:
    page.goto(base + "graph/", wait_until="networkidle")
    page.wait_for_function("window.afkbGraph !== undefined")


def faded_ids(page: Page) -> set[str]:
    return set(page.evaluate("window.afkbGraph.nodes('.afkb-faded').map(n => n.id())"))


def node_on_screen(page: Page, node_id: str) -> tuple[float, float]:
    """Where a node is drawn, in page coordinates."""
    box = page.locator("#afkb-graph").bounding_box()
    assert box is not None
    x, y = page.evaluate(
        f"(() => {{ const p = window.afkbGraph.getElementById('{node_id}').renderedPosition(); return [p.x, p.y]; }})()"
    )
    return box["x"] + x, box["y"] + y


def swipe_up(page: Page, cdp: CDPSession, x: float, y: float) -> None:
    """A finger moving 150 px up from (x, y), as a phone's touch events."""
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 11):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y - 15 * step}]})
        page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def settle(page: Page) -> None:
    """Wait until the page has stopped scrolling (a swipe flings on for a while)."""
    page.wait_for_function(
        "new Promise(done => { const y = window.scrollY; setTimeout(() => done(window.scrollY === y), 250); })"
    )


# --- the page's data, made at build time


@pytest.mark.parametrize(
    ("title", "short"),
    [
        ("Shadow Alignment: The Ease of Subverting Safely-Aligned Language Models", "Shadow Alignment"),
        ("Jailbroken: How Does LLM Safety Training Fail?", "Jailbroken"),
        ("Sleeper Agents - Training Deceptive LLMs", "Sleeper Agents"),
        ("Many-shot Jailbreaking", "Many-shot Jailbreaking"),
        (
            "Fine-tuning Aligned Language Models Compromises Safety, Even When Users Do Not Intend To!",
            "Fine-tuning Aligned Language\u2026",
        ),
        ("Supercalifragilisticexpialidociousnessitudes", "Supercalifragilisticexpialido\u2026"),
    ],
)
def test_short_title_is_the_head_of_the_title_cut_at_a_word(title: str, short: str) -> None:
    assert short_title(title) == short


def test_layout_is_the_same_on_every_build_and_fills_the_box() -> None:
    first = layout_positions(ENTRIES)
    assert layout_positions(entry_subgraph(build_graph(REAL.entries.values()))) == first
    assert sorted(first) == sorted(REAL.entries)
    assert all(0 <= x <= LAYOUT_WIDTH and 0 <= y <= LAYOUT_WIDTH for x, y in first.values())
    assert len({tuple(p) for p in first.values()}) == len(first)  # no two papers on one spot
    xs = [x for x, _ in first.values()]
    assert max(xs) - min(xs) > LAYOUT_WIDTH * 0.6  # spread out, not a clump beside a far-flung pair


def test_graph_data_has_every_entry_with_its_short_title_position_and_typed_edges() -> None:
    data = graph_data(SiteContext(REAL))
    positions = layout_positions(ENTRIES)
    assert [n["id"] for n in data["nodes"]] == sorted(REAL.entries)
    for node in data["nodes"]:
        assert node["short"] == short_title(REAL.entries[node["id"]].title)
        assert node["position"] == positions[node["id"]]
    expected = sorted((s, t, k) for s, t, k in GRAPH.edges(keys=True) if s in ENTRIES and t in ENTRIES)
    assert [(e["source"], e["target"], e["type"]) for e in data["edges"]] == expected


# --- the built page in Chromium


@pytest.mark.browser
@pytest.mark.slow
def test_find_a_paper_selects_and_centres_it(site: Watched) -> None:  # noqa: F811
    page = site.open("graph/")
    page.wait_for_function("window.afkbGraph !== undefined")
    entry = REAL.entries["zhou2024emulated"]
    page.fill("#afkb-graph-find", entry.title)
    page.click("[data-graph-find] button")
    assert page.evaluate("window.afkbGraph.nodes('.afkb-focus').map(n => n.id())") == ["zhou2024emulated"]
    box = page.locator("#afkb-graph").bounding_box()
    assert box is not None
    x, y = node_on_screen(page, "zhou2024emulated")
    assert abs(x - (box["x"] + box["width"] / 2)) < 2
    assert abs(y - (box["y"] + box["height"] / 2)) < 2
    assert page.locator("[data-graph-panel-title]").inner_text() == entry.title
    # by id, and a part of a title, too
    page.fill("#afkb-graph-find", "qi2023finetuning")
    page.click("[data-graph-find] button")
    assert page.evaluate("window.afkbGraph.nodes('.afkb-focus').map(n => n.id())") == ["qi2023finetuning"]
    page.fill("#afkb-graph-find", "no such paper anywhere")
    page.click("[data-graph-find] button")
    assert page.locator("[data-graph-status]").inner_text() == "No paper matches \u201cno such paper anywhere\u201d."


@pytest.mark.browser
@pytest.mark.slow
def test_click_highlights_the_neighbourhood_and_the_panel_opens_the_page(site: Watched) -> None:  # noqa: F811
    page = site.open("graph/")
    page.wait_for_function("window.afkbGraph !== undefined")
    page.fill("#afkb-graph-find", "zhou2024emulated")  # zoomed in, so the click hits this paper only
    page.click("[data-graph-find] button")
    page.click("[data-graph-clear]")
    assert faded_ids(page) == set()
    x, y = node_on_screen(page, "zhou2024emulated")
    page.mouse.click(x, y)
    neighbours = set(ENTRIES.successors("zhou2024emulated")) | set(ENTRIES.predecessors("zhou2024emulated"))
    assert faded_ids(page) == set(REAL.entries) - neighbours - {"zhou2024emulated"}
    dim_edges = page.evaluate("window.afkbGraph.edges('.afkb-faded').length")
    touching = sum(1 for s, t in GRAPH.edges() if "zhou2024emulated" in (s, t) and s in ENTRIES and t in ENTRIES)
    assert dim_edges == len(page.evaluate("window.afkbGraph.edges().map(e => e.id())")) - touching
    assert page.url.endswith("/graph/")  # a click does not leave the page
    page.click("[data-graph-panel-link]")
    page.wait_for_url("**/papers/zhou2024emulated/")
    assert page.locator("h1").inner_text().startswith("Emulated Disalignment")


@pytest.mark.browser
@pytest.mark.slow
def test_relation_type_filter_dims_those_edges_and_kind_filter_dims_their_edges(site: Watched) -> None:  # noqa: F811
    page = site.open("graph/")
    page.wait_for_function("window.afkbGraph !== undefined")
    assert page.evaluate("window.afkbGraph.edges('.afkb-dim').length") == 0
    page.uncheck("[data-graph-edge-type=cites]")
    dimmed = page.evaluate("window.afkbGraph.edges('.afkb-dim').map(e => e.data('type'))")
    cites = sum(1 for s, t, k in GRAPH.edges(keys=True) if k == "cites" and s in ENTRIES and t in ENTRIES)
    assert dimmed == ["cites"] * cites
    assert page.evaluate("window.afkbGraph.edges('[type = \"cites\"]')[0].effectiveOpacity()") == pytest.approx(0.1)
    page.check("[data-graph-edge-type=cites]")
    page.select_option("select[data-graph-filter=kind]", "defense")
    defenses = {i for i, e in REAL.entries.items() if e.kind == "defense"}
    assert set(page.evaluate("window.afkbGraph.nodes('.afkb-dim').map(n => n.id())")) == set(REAL.entries) - defenses
    kept = page.evaluate("window.afkbGraph.edges().not('.afkb-dim').map(e => [e.source().id(), e.target().id()])")
    assert sorted(map(tuple, kept)) == sorted((s, t) for s, t in GRAPH.edges() if s in defenses and t in defenses)


@pytest.mark.browser
@pytest.mark.slow
def test_lineage_path_between_two_connected_papers(site: Watched) -> None:  # noqa: F811
    source, target, steps = lineage_pair()
    page = site.open("graph/")
    page.wait_for_function("window.afkbGraph !== undefined")
    page.fill("#afkb-graph-from", source)
    page.fill("#afkb-graph-to", REAL.entries[target].title)
    page.click("[data-graph-path] button")
    path = page.evaluate("window.afkbGraph.nodes('.afkb-path').map(n => n.id())")
    assert len(path) == len(steps) + 1  # as short as `afkb graph path` finds
    assert {source, target} <= set(path)
    path_edges = page.evaluate("window.afkbGraph.edges('.afkb-path').map(e => [e.source().id(), e.target().id()])")
    chain = nx.DiGraph([tuple(e) for e in path_edges])
    assert nx.has_path(chain, source, target)
    assert nx.shortest_path_length(chain, source, target) == len(steps)
    assert page.locator("[data-graph-path-steps] li").count() == len(steps)
    assert faded_ids(page) == set(REAL.entries) - set(path)
    # the other way round, there is no such chain (relations point back in time): say so, show the forward one
    if relation_path(GRAPH, target, source) is None:
        page.fill("#afkb-graph-from", target)
        page.fill("#afkb-graph-to", source)
        page.click("[data-graph-path] button")
        assert "no chain of relations leads from" in page.locator("[data-graph-status]").inner_text().lower()
        assert len(page.evaluate("window.afkbGraph.nodes('.afkb-path').map(n => n.id())")) == len(steps) + 1


@pytest.mark.browser
@pytest.mark.slow
def test_layout_is_identical_on_two_loads(browser: Browser, built_site: Path) -> None:
    base = _serve(str(built_site))
    seen = []
    for _ in range(2):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        open_graph(page, base)
        seen.append(
            page.evaluate(
                "Object.fromEntries(window.afkbGraph.nodes().map(n => [n.id(), [n.position('x'), n.position('y')]]))"
            )
        )
        context.close()
    assert seen[0] == seen[1]
    assert seen[0] == {node: list(xy) for node, xy in layout_positions(ENTRIES).items()}


@pytest.mark.browser
@pytest.mark.slow
def test_wheel_zooms_at_a_sensible_rate_on_a_desktop(site: Watched) -> None:  # noqa: F811
    page = site.open("graph/")
    page.wait_for_function("window.afkbGraph !== undefined")
    box = page.locator("#afkb-graph").bounding_box()
    assert box is not None
    start = page.evaluate("window.afkbGraph.zoom()")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(4):
        page.mouse.wheel(0, -100)
    page.wait_for_function(f"window.afkbGraph.zoom() > {start * 2}")  # four notches at least double it
    assert page.evaluate("window.afkbGraph.zoom()") < start * 3


@pytest.mark.browser
@pytest.mark.slow
def test_phone_page_scrolls_over_the_graph_and_does_not_overflow(browser: Browser, built_site: Path) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    watched = Watched(page, _serve(str(built_site)))
    open_graph(page, watched.base)
    assert page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]") == [390, 390]
    assert page.get_attribute("[data-graph-interact]", "aria-pressed") == "false"
    page.locator("#afkb-graph").scroll_into_view_if_needed()
    page.evaluate(
        "window.scrollTo(0, document.getElementById('afkb-graph').getBoundingClientRect().top + window.scrollY - 100)"
    )
    zoom = page.evaluate("window.afkbGraph.zoom()")
    cdp = context.new_cdp_session(page)
    box = page.locator("#afkb-graph").bounding_box()
    assert box is not None
    # a swipe up over an empty part of the graph, then one that starts on a paper
    hub = max(ENTRIES.nodes, key=lambda n: (ENTRIES.in_degree(n), n))
    for where in ["edge of the graph", hub]:
        settle(page)
        x, y = (box["x"] + 8, box["y"] + 40) if where != hub else node_on_screen(page, hub)
        assert page.evaluate(f"document.getElementById('afkb-graph').contains(document.elementFromPoint({x}, {y}))")
        before = page.evaluate("window.scrollY")
        swipe_up(page, cdp, x, y)
        page.wait_for_function(f"window.scrollY > {before + 100}")
    page.evaluate("document.getElementById('afkb-graph').scrollIntoView({block: 'center'})")
    settle(page)
    before = page.evaluate("window.scrollY")
    box = page.locator("#afkb-graph").bounding_box()
    assert box is not None
    assert 0 < box["y"] + 20 < PHONE["height"]
    page.mouse.move(box["x"] + 8, box["y"] + 20)
    page.mouse.wheel(0, 300)
    page.wait_for_function(f"window.scrollY > {before + 100}")
    assert page.evaluate("window.afkbGraph.zoom()") == zoom  # the graph stayed put
    assert page.evaluate("window.afkbGraph.nodes('.afkb-focus').length") == 0  # swiping over a paper did not tap it
    # a tap on a paper still highlights it; after "Pan and zoom" the wheel zooms the graph
    page.evaluate("window.afkbGraph.zoom(1); window.afkbGraph.center(window.afkbGraph.getElementById('" + hub + "'))")
    page.evaluate("document.getElementById('afkb-graph').scrollIntoView({block: 'center'})")
    page.touchscreen.tap(*node_on_screen(page, hub))
    page.wait_for_function("window.afkbGraph.nodes('.afkb-focus').length === 1")
    page.click("[data-graph-interact]")
    assert page.get_attribute("[data-graph-interact]", "aria-pressed") == "true"
    before = page.evaluate("window.scrollY")
    box = page.locator("#afkb-graph").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -200)
    page.wait_for_function("window.afkbGraph.zoom() > 1.2")
    assert page.evaluate("window.scrollY") == before
    assert page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]") == [390, 390]
    assert axe_violations(page) == []
    assert watched.errors == []
    assert watched.foreign == []
    context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_text_alternative_is_there_without_javascript(browser: Browser, built_site: Path) -> None:
    html = (built_site / "graph" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<h2 id="afkb-graph-list">The graph as a list', html)
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(_serve(str(built_site)) + "graph/", wait_until="networkidle")
    assert page.locator("[data-afkb-graph]").is_hidden()  # the controls need the script
    items = page.locator(".afkb-graph-list > li")
    assert items.count() == len(REAL.entries)
    titles = [REAL.entries[i].title for i in REAL.entries]
    assert items.locator(":scope > a").all_inner_texts() == sorted(titles, key=lambda t: (t.casefold(),))
    item = items.filter(has=page.locator(":scope > a[href$='papers/zhou2024emulated/']"))
    lines = item.locator("li").all_inner_texts()
    expected = {}
    for _, target, rel_type in sorted(GRAPH.out_edges("zhou2024emulated", keys=True), key=lambda e: e[1]):
        if target in REAL.entries:
            expected.setdefault(rel_type, []).append(REAL.entries[target].title)
    assert expected  # the paper states relations to other entries
    assert sorted(lines) == sorted(
        f"{rel_type.replace('-', ' ').capitalize()}: {'; '.join(t)}" for rel_type, t in expected.items()
    )
    assert page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]") == [390, 390]
    context.close()


@pytest.mark.browser
@pytest.mark.slow
def test_graph_page_in_the_dark_scheme_with_a_highlight_is_axe_clean_and_readable(site: Watched) -> None:  # noqa: F811
    page = site.open("graph/")
    page.wait_for_function("window.afkbGraph !== undefined")
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    page.fill("#afkb-graph-find", "zhou2024emulated")
    page.click("[data-graph-find] button")
    label_colour = page.evaluate("window.afkbGraph.nodes()[0].style('color')")
    text_colour = page.evaluate("getComputedStyle(document.getElementById('afkb-graph')).color")
    assert re.findall(r"\d+", label_colour)[:3] == re.findall(r"\d+", text_colour)[:3]  # the theme's text colour
    assert int(re.findall(r"\d+", label_colour)[0]) > 200  # light on the dark background
    smallest = page.evaluate(
        "Math.min(...[...document.querySelectorAll('.afkb-body *')].filter(e => e.offsetParent !== null &&"
        " [...e.childNodes].some(c => c.nodeType === 3 && c.textContent.trim()))"
        ".map(e => parseFloat(getComputedStyle(e).fontSize)))"
    )
    assert smallest >= 12
    assert axe_violations(page) == []


@pytest.mark.slow
def test_graph_json_positions_match_layout(built_site: Path) -> None:
    html = (built_site / "graph" / "index.html").read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="afkb-graph-data">(.*?)</script>', html, re.DOTALL)
    assert found is not None
    data = json.loads(found.group(1))
    assert {n["id"]: n["position"] for n in data["nodes"]} == layout_positions(ENTRIES)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_repulsion_through_the_grid_sums_exactly_the_papers_within_reach(seed: int) -> None:
    rng = random.Random(seed)
    zs = [complex(rng.uniform(-0.5, 1.5), rng.uniform(-0.5, 1.5)) for _ in range(300)]
    reach = 0.13
    expected = [sum(1 / (z - w) for w in zs if w != z and abs(z - w) < reach) for z in zs]
    got = _pushes(zs, reach)
    assert all(abs(a - b) < 1e-9 * max(1.0, abs(b)) for a, b in zip(got, expected, strict=True))
    assert sum(1 for p in got if p) > 200  # most papers have a neighbour within reach here
