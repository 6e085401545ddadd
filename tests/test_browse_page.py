"""The all-papers table and the takeaways digest in real Chromium, on the real entries: author
filter, view state in the address, cards on narrow screens, audience filter, table of contents."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from playwright.sync_api import Browser, Page

from afkb.schema import AUDIENCES
from test_browser import REAL, Watched, axe_violations, screenshot, watched_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ENTRIES = REAL.sorted_entries()  # the table's own order: newest first, then by id
ROWS = "table[data-afkb-browse] tbody tr"
NARROW = 390


def fold(text: str) -> str:
    """As browse.js folds text: no accents, lower case."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


def co_author() -> str:
    """An author who is not the first author of two or more entries, and whose name, as a text
    query, finds exactly the entries they wrote (no title or other name contains it)."""
    later = Counter(a for e in ENTRIES for a in e.authors[1:])
    for name, count in sorted(later.items(), key=lambda item: (-item[1], item[0])):
        haystacks = {e.id: fold("; ".join([e.title, *e.authors])) for e in ENTRIES}
        if count >= 2 and {i for i, h in haystacks.items() if fold(name) in h} == written_by(name):
            return name
    pytest.fail("no author appears as a later author of two entries")


def written_by(name: str) -> set[str]:
    return {e.id for e in ENTRIES if name in e.authors}


def shown_ids(page: Page) -> list[str]:
    """The ids of the visible rows, in their order on the page."""
    hrefs = page.locator(f"{ROWS}:visible td:first-child a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    return [href.rstrip("/").rsplit("/", 1)[-1] for href in hrefs]


def url_state(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths == [NARROW, NARROW]


def smallest_text(page: Page, selector: str) -> float:
    return float(
        page.evaluate(
            """sel => Math.min(...Array.from(document.querySelectorAll(sel + ' *'))
                 .filter(el => el.offsetParent !== null && Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim()))
                 .map(el => parseFloat(getComputedStyle(el).fontSize)))""",
            selector,
        )
    )


@pytest.fixture
def narrow(browser: Browser, built_site: Path) -> Iterator[Watched]:
    with watched_site(browser, built_site, viewport={"width": NARROW, "height": 800}) as watched:
        yield watched


@pytest.fixture
def wide(browser: Browser, built_site: Path) -> Iterator[Watched]:
    with watched_site(browser, built_site, viewport={"width": 1280, "height": 900}) as watched:
        yield watched


# The all-papers table


def test_text_filter_finds_every_paper_of_a_later_author(wide: Watched) -> None:
    name = co_author()
    expected = written_by(name)
    later = {e.id for e in ENTRIES if name in e.authors[1:]}
    assert len(later) >= 2
    page = wide.open("papers/")
    page.fill("input[data-filter=text]", name)
    assert set(shown_ids(page)) == expected
    assert page.locator(".afkb-count").inner_text() == f"{len(expected)} of {len(ENTRIES)} papers"
    # A row that shows only another first author says who matched.
    notes = page.locator(f"{ROWS}:visible .afkb-also:visible")
    assert notes.count() == len(later)
    assert {text.strip() for text in notes.all_inner_texts()} == {f"(with {name})"}
    page.fill("input[data-filter=text]", fold(name).upper())  # case does not matter
    assert set(shown_ids(page)) == expected


def test_view_lives_in_the_address_and_is_restored(wide: Watched) -> None:
    kind, tag = "attack", "fine-tuning-attack"
    page = wide.open("papers/")
    page.select_option("select[data-filter=kind]", kind)
    page.select_option("select[data-filter=tags]", tag)
    page.click("button[data-sort-key=title]")
    page.click("button[data-sort-key=title]")  # a second click: descending
    assert url_state(page) == {"kind": [kind], "tag": [tag], "sort": ["title-desc"]}
    expected = [
        e.id for e in sorted(ENTRIES, key=lambda e: e.title.lower(), reverse=True) if e.kind == kind and tag in e.tags
    ]
    assert len(expected) >= 2
    assert shown_ids(page) == expected
    address = page.url

    other = wide.page.context.new_page()
    other.goto(address, wait_until="networkidle")
    assert other.locator("select[data-filter=kind]").input_value() == kind
    assert other.locator("select[data-filter=tags]").input_value() == tag
    assert other.locator("select[data-sort]").input_value() == "title-desc"
    assert other.locator("th:has(button[data-sort-key=title])").get_attribute("aria-sort") == "descending"
    assert shown_ids(other) == expected
    other.close()

    page.select_option("select[data-filter=kind]", "")  # back to all: the parameter goes
    page.select_option("select[data-filter=tags]", "")
    page.select_option("select[data-sort]", "")
    assert urlparse(page.url).query == ""
    assert shown_ids(page) == [e.id for e in ENTRIES]


def test_a_written_address_gives_its_view(wide: Watched) -> None:
    name = co_author()
    year = min(e.year for e in ENTRIES if e.id in written_by(name))
    query = urlencode({"year": year, "text": name, "sort": "authors-desc", "kind": "no-such-kind"})
    page = wide.open(f"papers/?{query}")
    expected = [
        e.id
        for e in sorted(ENTRIES, key=lambda e: e.authors[0].lower(), reverse=True)
        if e.year == year and name in e.authors
    ]
    assert shown_ids(page) == expected
    assert page.locator("input[data-filter=text]").input_value() == name
    assert page.locator("select[data-filter=kind]").input_value() == ""  # an unknown value is ignored
    assert page.locator(".md-search__input").input_value() == ""  # "text", not Material's "q"


def test_narrow_screen_shows_cards_and_never_scrolls_sideways(narrow: Watched) -> None:
    page = narrow.open("papers/")
    no_sideways_scroll(page)
    assert page.locator("table[data-afkb-browse] thead").evaluate("h => getComputedStyle(h).display") == "none"
    first = page.locator(ROWS).first
    assert first.evaluate("r => getComputedStyle(r).display") == "flex"
    row = first.bounding_box()
    title = first.locator("td.afkb-c-title").bounding_box()
    assert row is not None
    assert title is not None
    assert row["width"] <= NARROW
    assert title["width"] >= row["width"] * 0.8  # the title spans the card, not a narrow column
    assert title["height"] < 150  # a few lines, not a few letters per line
    year = first.locator("td.afkb-c-year").bounding_box()
    kind = first.locator("td.afkb-c-kind").bounding_box()
    assert year is not None
    assert kind is not None
    assert year["y"] == kind["y"]  # year and kind share a line
    assert smallest_text(page, ".afkb-body") >= 12
    page.select_option("select[data-sort]", "year-asc")  # sorting without the hidden headers
    years = [e.year for e in ENTRIES]
    assert [int(y) for y in page.locator(f"{ROWS} td.afkb-c-year").all_inner_texts()] == sorted(years)
    no_sideways_scroll(page)
    screenshot(page, "browse-narrow")
    page = narrow.open("takeaways/")
    no_sideways_scroll(page)
    assert smallest_text(page, ".md-content") >= 12


# The takeaways digest


def takeaways_for(audience: str) -> Counter[str]:
    return Counter(t.threat for e in ENTRIES for t in e.takeaways if audience in t.audience)


def all_takeaways() -> Counter[str]:
    return Counter(t.threat for e in ENTRIES for t in e.takeaways)


def threats_with(audience: str) -> list[str]:
    return [threat for threat in all_takeaways() if takeaways_for(audience)[threat]]


def test_audience_filter_hides_takeaways_for_other_audiences(wide: Watched) -> None:
    audience = min(AUDIENCES, key=lambda a: sum(takeaways_for(a).values()))  # the most selective
    expected = takeaways_for(audience)
    total = sum(all_takeaways().values())
    assert 0 < sum(expected.values()) < total
    page = wide.open("takeaways/")
    items = page.locator(".afkb-takeaway-group li[data-audience]")
    assert items.count() == total
    page.select_option("select[data-audience-filter]", audience)
    visible = page.locator(".afkb-takeaway-group li[data-audience]:visible")
    assert visible.count() == sum(expected.values())
    assert all(audience in a.split() for a in visible.evaluate_all("ls => ls.map(l => l.dataset.audience)"))
    assert page.locator(".afkb-count").inner_text() == f"{sum(expected.values())} of {total} takeaways"
    assert url_state(page) == {"audience": [audience]}
    for threat in all_takeaways():
        shown = expected[threat] > 0
        assert page.locator(f"h2#{threat}").is_visible() == shown, threat
        assert page.locator(f".afkb-threat-toc li[data-toc-threat={threat}]").is_visible() == shown, threat
        assert page.locator(f".md-sidebar--secondary a[href='#{threat}']").is_visible() == shown, threat
        if shown:
            n = f"({expected[threat]})"
            assert page.locator(f".afkb-threat-toc li[data-toc-threat={threat}] .afkb-n").inner_text() == n
    screenshot(page, "takeaways-audience")

    page = wide.open(f"takeaways/?audience={audience}")  # the address restores the filter
    assert page.locator("select[data-audience-filter]").input_value() == audience
    assert visible.count() == sum(expected.values())
    page.select_option("select[data-audience-filter]", "")
    assert visible.count() == total
    assert urlparse(page.url).query == ""


def test_table_of_contents_lists_every_threat_and_lands_on_it(wide: Watched) -> None:
    counts = all_takeaways()
    page = wide.open("takeaways/")
    toc = page.locator(".afkb-threat-toc li")
    listed = toc.evaluate_all("ls => ls.map(l => l.dataset.tocThreat)")
    assert sorted(listed) == sorted(counts)
    assert toc.all_inner_texts() == [f"{t} ({counts[t]})" for t in listed]
    theme_toc = page.locator(".md-sidebar--secondary a.md-nav__link").evaluate_all(
        "as => as.map(a => a.getAttribute('href'))"
    )
    assert theme_toc == [f"#{t}" for t in listed]  # the theme's table of contents, in the same order
    for threat in [listed[-1], listed[len(listed) // 2]]:
        page.click(f".afkb-threat-toc a[href='#{threat}']")
        page.wait_for_function("t => location.hash === '#' + t", arg=threat)
        top = page.locator(f"h2#{threat}").evaluate("h => h.getBoundingClientRect().top")
        assert 0 <= top < 200, threat  # the heading is at the top of the window, below the header
        group = page.locator(f".afkb-takeaway-group[data-threat={threat}] li")
        assert group.count() == counts[threat]


# Every page touched here: axe in both colour schemes


@pytest.mark.parametrize("scheme", ["default", "slate"])
@pytest.mark.parametrize(
    ("path", "width"),
    [("papers/", NARROW), ("papers/?text=qi&sort=year-asc", 1280), ("takeaways/", NARROW), ("takeaways/", 1280)],
)
def test_no_serious_accessibility_violations(
    browser: Browser,
    built_site: Path,
    path: str,
    width: int,
    scheme: str,
) -> None:
    with watched_site(browser, built_site, viewport={"width": width, "height": 900}) as site:
        page = site.open(path)
        page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
        assert axe_violations(page) == []


# Site search


def search_results(page: Page, query: str) -> list[str]:
    """The pages of a query's results in the theme's search box, as site paths (papers/<id>/)."""
    page.click(".md-search__input")
    page.fill(".md-search__input", "")
    page.keyboard.type(query)
    page.locator(".md-search-result__item").first.wait_for(timeout=10000)
    page.wait_for_timeout(500)  # the worker answers each keystroke; let the last answer land
    hrefs = page.locator(".md-search-result__item > a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    return [urlparse(h).path.lstrip("/") for h in hrefs]


def test_search_ranks_paper_pages_above_the_wanted_page(wide: Watched) -> None:
    # Author and title words that the wanted page also matches (through the ids and titles it lists).
    page = wide.open("")
    for query in ["Qi", "Zhou", "Zhanhui Zhou", "Llama"]:
        results = search_results(page, query)
        papers = {r for r in results if r.startswith("papers/") and r != "papers/"}
        assert papers, (query, results)
        assert results[0] in papers, (query, results)
        assert "wanted/" not in results, (query, results)  # the wanted page is not indexed
