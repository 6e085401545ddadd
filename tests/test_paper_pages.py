"""Paper pages answer first; author pages; metadata tools read; every page on a phone, in the dark
scheme, printed, and for assistive technology (real Chromium on the real entries)."""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from afkb.authors import authors_of
from afkb.collection import load_collection
from afkb.render.author_pages import author_path
from afkb.render.entry_page import EVIDENCE_LABELS
from conftest import ENTRIES, make_project, run_afkb, valid_fields, write_entry
from test_browser import Watched, axe_violations, watched_site

pytestmark = [pytest.mark.browser, pytest.mark.slow]
REAL = load_collection(ENTRIES)
PEOPLE = authors_of(REAL.sorted_entries())
EVERY_KIND_OF_PAGE = [
    "",
    "papers/zhou2024emulated/",
    "papers/wang2023fake/",
    "papers/",
    "tags/",
    "tags/fine-tuning-attack/",
    "kinds/defense/",
    "takeaways/",
    "matrix/",
    "graph/",
    "wanted/",
    "timeline/",
    "downloads/",
    "whats-new/",
    "radar/",
    "authors/",
    "authors/evan-hubinger/",
    "about/",
]
AXE_SERIOUS = (
    "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
    ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
    ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))"
)
SMALL_TEXT = """() => {
  const small = [];
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    const ownText = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (ownText && parseFloat(style.fontSize) < 12) small.push(el.tagName + ' ' + style.fontSize + ' ' + el.textContent.trim().slice(0, 40));
  }
  return small;
}"""


def _page_html(built_site: Path, entry_id: str) -> str:
    return (built_site / "papers" / entry_id / "index.html").read_text(encoding="utf-8")


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_the_header_says_what_the_findings_rest_on(built_site: Path) -> None:
    for entry in REAL.sorted_entries():
        page = _page_html(built_site, entry.id)
        line = re.search(r'<p class="afkb-evidence"[^>]*>(.*?)</p>', page, re.DOTALL)
        assert line is not None, entry.id
        counts = Counter(f.evidence for f in entry.findings)
        expected = " · ".join(f"{label} {counts[key]}" for key, label in EVIDENCE_LABELS.items() if counts[key])
        if entry.unverified:
            n = len(entry.unverified)
            expected += f" · {n} {'fact' if n == 1 else 'facts'} not yet verified"
        assert _text(line.group(1)) == f"Findings from: {expected}", entry.id
        badges = re.findall(r'<span class="afkb-evidence-badge afkb-evidence-([a-z-]+)">', page)
        assert badges == [f.evidence for f in entry.findings], entry.id
        sources = [html.unescape(s) for s in re.findall(r'<br><a href="([^"]+)" rel="noopener noreferrer nofollow">source</a>', page)]
        assert sources == [f.source for f in entry.findings if f.source], entry.id


def test_the_takeaways_come_first_and_the_checks_are_folded(built_site: Path) -> None:
    page = _page_html(built_site, "zhou2024emulated")
    order = [page.index(marker) for marker in ('class="afkb-tldr"', 'id="takeaways"', 'id="summary"', 'id="findings"', 'id="verification"', 'id="threat-model"')]
    assert order == sorted(order)
    folded = re.search(r'<details class="afkb-verification" id="verification"[^>]*>(.*?)</details>', page, re.DOTALL)
    assert folded is not None
    for fact in REAL.entries["zhou2024emulated"].unverified:
        assert html.escape(fact, quote=False) in folded.group(1) or fact[:40] in _text(folded.group(1))


def test_papers_that_critique_or_attack_this_one_are_named_in_the_header(built_site: Path) -> None:
    critiqued = {r.target: [] for e in REAL.entries.values() for r in e.relations if r.type == "critiques"}
    for e in REAL.entries.values():
        for r in e.relations:
            if r.type == "critiques" and r.target in REAL.entries:
                critiqued[r.target].append(e)
    assert critiqued, "the real entries are expected to hold a critique"
    for target, critics in critiqued.items():
        if target not in REAL.entries:
            continue
        page = _page_html(built_site, target)
        line = re.search(r'<p class="afkb-standing"[^>]*><strong>Critiqued by (\d+) papers?:</strong>(.*?)</p>', page, re.DOTALL)
        assert line is not None, target
        assert int(line.group(1)) == len({c.id for c in critics}), target
        for critic in critics:
            assert f'href="../../papers/{critic.id}/"' in line.group(2), (target, critic.id)


def test_every_author_links_to_a_page_with_all_their_papers(built_site: Path) -> None:
    entry = REAL.entries["hubinger2024sleeper"]
    page = _page_html(built_site, entry.id)
    header = re.search(r'<p class="afkb-authors">(.*?)</p>', page, re.DOTALL)
    assert header is not None
    links = re.findall(r'<a href="\.\./\.\./authors/([a-z0-9-]+)/">([^<]+)</a>', header.group(1))
    assert [html.unescape(name) for _, name in links] == list(entry.authors)
    hubinger = PEOPLE["evan hubinger"]
    assert len(hubinger.entries) >= 2
    author_page = (built_site / author_path(hubinger).replace(".md", "/index.html")).read_text(encoding="utf-8")
    listed = set(re.findall(r'href="\.\./\.\./papers/([a-z0-9]+)/"', author_page))
    assert listed == {e.id for e in hubinger.entries}
    assert "also printed as Evan J. Hubinger" in _text(author_page)
    index = (built_site / "authors" / "index.html").read_text(encoding="utf-8")
    assert len(set(re.findall(r'<li><a href="\.\./authors/([a-z0-9-]+)/">', index))) == len(PEOPLE)


def test_metadata_for_tools(built_site: Path) -> None:
    entry = REAL.entries["zhou2024emulated"]
    page = _page_html(built_site, entry.id)
    assert f'<meta name="description" content="{html.escape(entry.tldr)}">' in page
    assert '<meta property="og:type" content="article">' in page
    assert f'<meta property="og:title" content="{html.escape(entry.title)}">' in page
    assert re.findall(r'<meta name="DC.creator" content="([^"]+)">', page)[:2] == ["Zhou, Zhanhui", "Liu, Jie"]
    assert '<meta name="DC.identifier" content="https://doi.org/10.18653/v1/2024.acl-long.842">' in page
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL).group(1))
    assert data["author"][0] == {"@type": "Person", "name": "Zhanhui Zhou", "givenName": "Zhanhui", "familyName": "Zhou"}


def test_a_site_url_makes_addresses_absolute(tmp_path: Path) -> None:
    entries = tmp_path / "src"
    write_entry(entries, valid_fields("doe2024example", relations=[{"type": "builds-on", "target": "roe2023other"}]))
    write_entry(entries, valid_fields("roe2023other", title="Another Paper", arxiv="2305.00002"))
    project = make_project(tmp_path, entries)
    config = project / "mkdocs.yml"
    config.write_text("site_url: https://kb.example.org/afkb/\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    run_afkb("--quiet", "build", "--entries", "entries", "--site-dir", "site", cwd=project)
    page = (project / "site" / "papers" / "doe2024example" / "index.html").read_text(encoding="utf-8")
    url = "https://kb.example.org/afkb/papers/doe2024example/"
    assert f'<link rel="canonical" href="{url}">' in page
    assert f'<meta property="og:url" content="{url}">' in page
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL).group(1))
    assert data["@id"] == url
    assert data["citation"] == [{"@id": "https://kb.example.org/afkb/papers/roe2023other/"}]
    feed = (project / "site" / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert '<link href="https://kb.example.org/afkb/feeds/all.atom.xml" rel="self"/>' in feed
    assert "<loc>https://kb.example.org/afkb/papers/doe2024example/</loc>" in (project / "site" / "sitemap.xml").read_text(
        encoding="utf-8"
    )


@pytest.fixture
def phone(browser: Browser, built_site: Path) -> Iterator[Watched]:
    with watched_site(browser, built_site, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True) as w:
        yield w


@pytest.mark.parametrize("path", EVERY_KIND_OF_PAGE)
def test_no_page_scrolls_sideways_on_a_phone_or_has_tiny_text(phone: Watched, path: str) -> None:
    page = phone.open(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate(SMALL_TEXT) == []


def test_takeaways_are_near_the_top_on_a_phone(phone: Watched) -> None:
    page = phone.open("papers/zhou2024emulated/")
    top = page.evaluate("document.getElementById('takeaways').getBoundingClientRect().top + window.scrollY")
    assert top < 1100


@pytest.fixture
def dark(browser: Browser, built_site: Path) -> Iterator[Watched]:
    with watched_site(browser, built_site, viewport={"width": 1280, "height": 900}, color_scheme="dark") as w:
        yield w


def test_the_dark_scheme_follows_the_system_and_toggles(dark: Watched) -> None:
    page = dark.open("papers/zhou2024emulated/")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    page.locator("label[title='Switch to the light scheme']").first.click()
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "default"
    page.locator("label[title='Switch to the dark scheme']").first.click()
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"


@pytest.mark.parametrize("path", ["", "papers/zhou2024emulated/", "papers/", "takeaways/", "matrix/", "graph/"])
def test_no_serious_accessibility_violations_in_the_dark(dark: Watched, path: str) -> None:
    assert axe_violations(dark.open(path)) == []


@pytest.mark.parametrize(
    "path", [p for p in EVERY_KIND_OF_PAGE if p not in {"", "papers/zhou2024emulated/", "papers/", "graph/", "matrix/"}]
)
def test_no_serious_accessibility_violations_on_every_kind_of_page(browser: Browser, built_site: Path, path: str) -> None:
    with watched_site(browser, built_site, viewport={"width": 1280, "height": 900}) as site:
        assert axe_violations(site.open(path)) == []


def test_a_printed_paper_page(browser: Browser, built_site: Path) -> None:
    with watched_site(browser, built_site, viewport={"width": 900, "height": 1200}) as site:
        _check_print(site.open("papers/zhou2024emulated/"))


def _check_print(page: Page) -> None:
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator(".afkb-copy").first.is_hidden()
    assert page.locator(".md-header").is_hidden()
    arxiv = page.locator(".afkb-links a").first
    after = arxiv.evaluate("a => getComputedStyle(a, '::after').content")
    assert "https://arxiv.org/abs/2402.12343" in after
    assert page.locator("#verification").evaluate("d => d.open") is True  # folds are opened for print
    heading = page.locator("#takeaways").evaluate("h => getComputedStyle(h).breakAfter")
    assert heading == "avoid"


def test_venue_lines_and_references_do_not_double_the_year_or_the_punctuation(built_site: Path) -> None:
    for entry in REAL.sorted_entries():
        page = _page_html(built_site, entry.id)
        venue = _text(re.search(r'<p class="afkb-venue">(.*?)</p>', page, re.DOTALL).group(1))
        assert venue.count(str(entry.year)) == 1, (entry.id, venue)
        reference = _text(re.search(r'<p id="afkb-reference"[^>]*>(.*?)</p>', page, re.DOTALL).group(1))
        assert "?." not in reference, entry.id
        assert "!." not in reference, entry.id
    assert "May Backfire! ACL." in _text(_page_html(built_site, "zhou2024emulated"))


def test_attack_and_defense_pages_list_each_other(built_site: Path) -> None:
    attack = _page_html(built_site, "qi2023finetuning")
    tested = re.search(r'<h2 id="tested-defenses">.*?</div>', attack, re.DOTALL)
    assert tested is not None
    assert 'href="../../papers/huang2024vaccine/"' in tested.group(0)  # Vaccine defends against it
    defense = _page_html(built_site, "zou2024improving")
    broken = re.search(r'<h2 id="broken-by">.*?</div>', defense, re.DOTALL)
    assert broken is not None
    assert 'href="../../papers/bailey2024obfuscated/"' in broken.group(0)  # it attacks circuit breakers
    assert "(defeated it, 2024)" in _text(broken.group(0))
