"""The built site in real Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request

from afkb.collection import load_collection
from conftest import ENTRIES, ROOT, make_project, run_afkb
from test_site import hostile_entry

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ARTIFACTS = ROOT / "tests" / "artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
REAL = load_collection(ENTRIES)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@functools.cache
def _serve(directory: str) -> str:
    handler = functools.partial(QuietHandler, directory=directory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/"


class Watched:
    """A page whose console errors and requests to other hosts are recorded."""

    def __init__(self, page: Page, base: str) -> None:
        self.page = page
        self.base = base
        self.errors: list[str] = []
        self.foreign: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", self._request)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _request(self, request: Request) -> None:
        host = urlparse(request.url).hostname
        if request.url.startswith(("http:", "https:")) and host != "127.0.0.1":
            self.foreign.append(request.url)

    def open(self, path: str) -> Page:
        self.page.goto(self.base + path, wait_until="networkidle")
        return self.page


@contextlib.contextmanager
def watched_site(browser: Browser, site_dir: Path, **options: Any) -> Iterator[Watched]:
    """A fresh browser context on a served site; on leaving, no console error and no foreign request."""
    context = browser.new_context(**options)
    try:
        watched = Watched(context.new_page(), _serve(str(site_dir)))
        yield watched
        assert watched.errors == [], "console errors"
        assert watched.foreign == [], "requests to other hosts"
    finally:
        context.close()


def axe_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page, as 'rule: targets'."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return list(
        page.evaluate(
            "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))"
        )
    )


@pytest.fixture
def site(browser: Browser, built_site: Path) -> Iterator[Watched]:
    with watched_site(browser, built_site, viewport={"width": 1280, "height": 900}) as watched:
        yield watched


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_graph_draws_every_entry_and_click_opens_its_page(site: Watched) -> None:
    page = site.open("graph/")
    page.wait_for_function("window.afkbGraph !== undefined")
    ids = page.evaluate("window.afkbGraph.nodes().map(n => n.id()).sort()")
    assert ids == sorted(REAL.entries)
    screenshot(page, "graph")
    box = page.locator("#afkb-graph").bounding_box()
    assert box is not None
    position = page.evaluate(
        "(() => { const p = window.afkbGraph.getElementById('zhou2024emulated').renderedPosition(); return [p.x, p.y]; })()"
    )
    page.mouse.click(box["x"] + position[0], box["y"] + position[1])  # selects the paper and shows its panel
    page.click("[data-graph-panel-link]")
    page.wait_for_url("**/papers/zhou2024emulated/")
    assert page.locator("h1").inner_text().startswith("Emulated Disalignment")


def test_graph_filter_dims_other_kinds(site: Watched) -> None:
    page = site.open("graph/")
    page.wait_for_function("window.afkbGraph !== undefined")
    page.select_option("select[data-graph-filter=kind]", "defense")
    dimmed = page.evaluate("window.afkbGraph.nodes('.afkb-dim').length")
    defenses = sum(1 for e in REAL.entries.values() if e.kind == "defense")
    assert dimmed == len(REAL.entries) - defenses


def test_browse_table_filters_and_sorts(site: Watched) -> None:
    page = site.open("papers/")
    rows = page.locator("table[data-afkb-browse] tbody tr")
    assert rows.count() == len(REAL.entries)
    page.select_option("select[data-filter=kind]", "defense")
    visible = page.locator("table[data-afkb-browse] tbody tr:visible")
    assert visible.count() == sum(1 for e in REAL.entries.values() if e.kind == "defense")
    assert page.locator(".afkb-count").inner_text() == f"{visible.count()} of {len(REAL.entries)} papers"
    page.select_option("select[data-filter=kind]", "")
    page.select_option("select[data-filter=tags]", "decoding-attack")
    assert visible.count() == sum(1 for e in REAL.entries.values() if "decoding-attack" in e.tags)
    page.select_option("select[data-filter=tags]", "")
    page.click("button[data-sort-column='2']")
    years = [int(y) for y in page.locator("table[data-afkb-browse] tbody tr td:nth-child(3)").all_inner_texts()]
    assert years == sorted(years)
    screenshot(page, "browse")


def test_search_finds_an_entry_by_author(site: Watched) -> None:
    page = site.open("")
    page.click(".md-search__input")
    page.keyboard.type("Zhanhui Zhou")
    result = page.locator(".md-search-result__item", has_text="Emulated Disalignment")
    result.first.wait_for(timeout=10000)
    assert result.count() >= 1


def test_search_finds_papers_by_tag_and_by_takeaway_text(site: Watched) -> None:
    page = site.open("")
    page.click(".md-search__input")
    page.keyboard.type("logit-arithmetic")  # a tag of Emulated Disalignment, carried by its search record
    result = page.locator(".md-search-result__item", has_text="Emulated Disalignment")
    result.first.wait_for(timeout=10000)
    page.fill(".md-search__input", "")
    page.keyboard.type("worst combination of its public checkpoints")  # words of one of its takeaways
    takeaway = page.locator(".md-search-result__item a[href*='papers/zhou2024emulated/'][href$='#takeaways']")
    takeaway.first.wait_for(timeout=10000)
    screenshot(page, "search-tag")


def test_copy_button_copies_the_bibtex(browser: Browser, built_site: Path) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(_serve(str(built_site)) + "papers/zhou2024emulated/", wait_until="networkidle")
    page.click("button[data-copy-target=afkb-bibtex]")
    page.wait_for_selector("button[data-copy-target=afkb-bibtex][data-copied]")
    copied = page.evaluate("navigator.clipboard.readText()")
    expected = run_afkb("export", "--format", "bibtex", "--id", "zhou2024emulated").stdout
    assert copied == expected
    context.close()


def test_entry_and_home_pages_look_complete(site: Watched) -> None:
    page = site.open("papers/zhou2024emulated/")
    assert page.locator(".afkb-takeaways li").count() == len(REAL.entries["zhou2024emulated"].takeaways)
    assert page.locator(".afkb-findings tbody tr").count() == len(REAL.entries["zhou2024emulated"].findings)
    screenshot(page, "entry")
    page = site.open("")
    assert f"{len(REAL.entries)}" in page.locator(".afkb-stats").inner_text()
    screenshot(page, "home")
    for path in ["matrix/", "takeaways/", "wanted/", "timeline/", "downloads/", "tags/", "kinds/attack/", "about/"]:
        site.open(path)


@pytest.mark.parametrize("path", ["", "papers/zhou2024emulated/", "papers/", "graph/", "matrix/"])
def test_no_serious_accessibility_violations(site: Watched, path: str) -> None:
    assert axe_violations(site.open(path)) == []


def test_hostile_entry_displays_text_and_runs_nothing(browser: Browser, tmp_path: Path) -> None:
    entries = tmp_path / "entries"
    hostile_entry(entries)
    project = make_project(tmp_path, entries)
    run_afkb("--quiet", "build", "--site-dir", "site", cwd=project)
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    base = _serve(str(project / "site"))
    for path in ["papers/evil2024script/", "papers/", "graph/", "takeaways/", ""]:
        page.goto(base + path, wait_until="networkidle")
        assert page.evaluate("window.__pwned === undefined"), path
    page.goto(base + "papers/evil2024script/", wait_until="networkidle")
    assert "<script>window.__pwned=1</script>" in page.locator("h1").inner_text()
    page.locator("a", has_text="a link").first.click()
    assert page.evaluate("window.__pwned === undefined")
    page.goto(base, wait_until="networkidle")
    page.click(".md-search__input")
    page.keyboard.type("Mallory")  # the hostile entry's author: its search result shows its title
    result = page.locator(".md-search-result__item", has_text="window.__pwned=1")
    result.first.wait_for(timeout=10000)
    assert "<script>window.__pwned=1</script>" in result.first.inner_text()  # the markup is text
    assert page.evaluate("window.__pwned === undefined")
    assert page.locator(".md-search-result img").count() == 0
    assert dialogs == []
    context.close()
