"""The attack x defense matrix: cell classification on a small collection, the per-paper lists,
and the page built from the real entries in Chromium (phone width, dark scheme, axe)."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page

from afkb.collection import Collection, load_collection
from afkb.graph import build_graph
from afkb.render.context import SiteContext
from afkb.render.matrix_page import (
    BROKEN,
    TESTED,
    AttackGroup,
    Cell,
    attack_groups,
    attacks_on_defense,
    author_year,
    defenses_tested_against,
    matrix_cells,
    matrix_page,
    primary_threat,
    short_title,
)
from conftest import ENTRIES, valid_fields, write_entry
from test_browser import Watched, axe_violations, screenshot, watched_site

REAL = load_collection(ENTRIES)
REAL_GRAPH = build_graph(REAL.entries.values())


def _entry(entries: Path, entry_id: str, kind: str, title: str, tags: list[str], relations: list[Any]) -> None:  # noqa: PLR0917
    number = f"2401.{sum(map(ord, entry_id)):05d}"  # a distinct arXiv id per entry
    fields = valid_fields(
        entry_id, kind=kind, title=title, tags=tags, arxiv=number, url=f"https://arxiv.org/abs/{number}"
    )
    if relations:
        fields["relations"] = [{"type": rel, "target": target} for rel, target in relations]
    write_entry(entries, fields)


@pytest.fixture
def small(entries_dir: Path) -> Collection:
    """Six attacks, three defenses and one evaluation; every relation the matrix reads."""
    _entry(entries_dir, "ann2023alpha", "attack", "Alpha: Fine-Tuning Removes Safety", ["fine-tuning-attack"],
           [("attacks", "bob2024guard")])  # fmt: skip
    _entry(entries_dir, "cho2023beta", "attack", "Beta Decoding Breaks Every Aligned Model Without Any Training at All",
           ["lora", "decoding-attack", "fine-tuning-attack"], [])  # fmt: skip
    _entry(entries_dir, "dan2023gamma", "attack", "Gamma", ["prompt-jailbreak"], [])
    _entry(entries_dir, "eve2024delta", "attack", "Delta", ["prompt-jailbreak"], [("critiques", "fay2024shield")])
    _entry(entries_dir, "kim2024zeta", "attack", "Zeta", ["fine-tuning-attack"], [])
    _entry(entries_dir, "gil2024epsilon", "attack", "Epsilon", ["lora"], [("evaluates", "bob2024guard")])
    _entry(entries_dir, "bob2024guard", "defense", "Guard: Keeping Models Safe", ["fine-tuning-defense"],
           [("defends-against", "ann2023alpha"), ("evaluates", "cho2023beta")])  # fmt: skip
    _entry(entries_dir, "fay2024shield", "defense", "Shield", ["fine-tuning-defense"],
           [("defends-against", "ann2023alpha"), ("critiques", "eve2024delta"), ("evaluates", "kim2024zeta")])  # fmt: skip
    _entry(entries_dir, "hal2024wall", "defense", "Wall", ["fine-tuning-defense"], [])
    _entry(entries_dir, "ivy2024audit", "evaluation", "Audit", ["red-teaming"],
           [("critiques", "hal2024wall"), ("defends-against", "dan2023gamma"), ("attacks", "fay2024shield")])  # fmt: skip
    collection = load_collection(entries_dir)
    assert [str(p) for p in collection.problems] == []
    return collection


def test_cells_tell_tested_from_broken_and_leave_unrelated_pairs_out(small: Collection) -> None:
    cells = matrix_cells(build_graph(small.entries.values()), small.entries)
    assert cells == {
        ("bob2024guard", "ann2023alpha"): Cell(BROKEN, ("attacks", "defends-against")),
        ("bob2024guard", "cho2023beta"): Cell(TESTED, ("evaluates",)),
        ("bob2024guard", "gil2024epsilon"): Cell(TESTED, ("evaluates",)),
        ("fay2024shield", "ann2023alpha"): Cell(TESTED, ("defends-against",)),
        ("fay2024shield", "eve2024delta"): Cell(BROKEN, ("critiques",)),
        ("fay2024shield", "kim2024zeta"): Cell(TESTED, ("evaluates",)),
    }  # a defense critiquing an attack is not a test; an evaluation is no column
    assert [(c.label, c.mark, c.preposition) for c in (cells[("bob2024guard", "ann2023alpha")],
            cells[("bob2024guard", "cho2023beta")])] == [("Broken", "✕", "by"), ("Tested", "○", "against")]  # fmt: skip
    assert cells[("bob2024guard", "ann2023alpha")].detail == (
        "the attack defeats the defense; the defense paper defends against the attack"
    )


def test_groups_by_first_threat_tag_with_rows_and_untested_attacks(small: Collection) -> None:
    entries = small.sorted_entries()
    cells = matrix_cells(build_graph(entries), small.entries)
    attacks = [e for e in entries if e.kind == "attack"]
    defenses = [e for e in entries if e.kind == "defense"]
    assert primary_threat(small.entries["cho2023beta"], small.taxonomy) == "decoding-attack"
    groups = attack_groups(attacks, defenses, cells, small.taxonomy)
    summary = [
        (g.threat, g.label, [a.id for a in g.attacks], [d.id for d in g.defenses], [a.id for a in g.untested])
        for g in groups
    ]
    assert summary == [
        (
            "fine-tuning-attack",
            "Fine-tuning attacks",
            ["ann2023alpha", "kim2024zeta"],
            ["fay2024shield", "bob2024guard"],
            [],
        ),
        ("decoding-attack", "Decoding attacks", ["cho2023beta"], ["bob2024guard"], []),
        ("prompt-jailbreak", "Prompt jailbreaks", ["eve2024delta"], ["fay2024shield"], ["dan2023gamma"]),
        ("other", "Other attacks", ["gil2024epsilon"], ["bob2024guard"], []),
    ]
    assert all(isinstance(g, AttackGroup) and g.hidden_attacks == g.hidden_defenses == 0 for g in groups)


def test_defenses_tested_against_an_attack(small: Collection) -> None:
    graph = build_graph(small.entries.values())
    assert defenses_tested_against(graph, small.entries, "ann2023alpha") == [
        ("bob2024guard", "attacks"),
        ("bob2024guard", "defends-against"),
        ("fay2024shield", "defends-against"),
    ]
    assert defenses_tested_against(graph, small.entries, "gil2024epsilon") == [("bob2024guard", "evaluates")]
    assert defenses_tested_against(graph, small.entries, "eve2024delta") == [("fay2024shield", "critiques")]
    assert defenses_tested_against(graph, small.entries, "dan2023gamma") == []  # an evaluation is not a defense


def test_attacks_on_a_defense_include_critiques_by_any_paper(small: Collection) -> None:
    graph = build_graph(small.entries.values())
    assert attacks_on_defense(graph, small.entries, "bob2024guard") == [("ann2023alpha", "attacks")]
    assert attacks_on_defense(graph, small.entries, "fay2024shield") == [
        ("eve2024delta", "critiques"),
        ("ivy2024audit", "attacks"),
    ]
    assert attacks_on_defense(graph, small.entries, "hal2024wall") == [("ivy2024audit", "critiques")]


def test_short_titles_and_author_year() -> None:
    assert short_title("Booster: Tackling Harmful Fine-tuning for Large Language Models") == "Booster"
    assert short_title("A: B") == "A: B"
    assert short_title("Many-shot Jailbreaking") == "Many-shot Jailbreaking"
    assert (
        short_title("Fine-tuning Aligned Language Models Compromises Safety, Even When Users Do Not Intend To!")
        == "Fine-tuning Aligned Language Models Compromises Safety…"
    )
    assert author_year(REAL.entries["zou2023universal"]) == "Zou 2023"


class _Cells(HTMLParser):
    """(row's defense, cell's attack) -> (class, text) of every matrix cell; text of the breaker lists."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[tuple[str, str], tuple[str, str]] = {}
        self.untested: list[str] = []
        self._row = ""
        self._cell: tuple[str, str] | None = None
        self._class = ""
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tr":
            self._row = a.get("data-defense") or ""
        elif tag == "td":
            self._cell, self._class, self._text = (self._row, a["data-attack"] or ""), a["class"] or "", []
        elif tag == "li" and a.get("data-attack"):
            self.untested.append(a["data-attack"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell:
            self.cells[self._cell] = (self._class, "".join(self._text).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell:
            self._text.append(data)


def test_page_renders_each_cell_with_words(small: Collection) -> None:
    page = matrix_page(SiteContext(small))
    scan = _Cells()
    scan.feed(page.markdown)
    assert scan.cells == {
        ("bob2024guard", "ann2023alpha"): ("afkb-mx-broken", "✕ Broken by Alpha"),
        ("fay2024shield", "ann2023alpha"): ("afkb-mx-tested", "○ Tested against Alpha"),
        ("bob2024guard", "cho2023beta"): (
            "afkb-mx-tested",
            "○ Tested against Beta Decoding Breaks Every Aligned Model Without Any…",
        ),
        ("fay2024shield", "eve2024delta"): ("afkb-mx-broken", "✕ Broken by Delta"),
        ("bob2024guard", "gil2024epsilon"): ("afkb-mx-tested", "○ Tested against Epsilon"),
        ("fay2024shield", "kim2024zeta"): ("afkb-mx-tested", "○ Tested against Zeta"),
        ("bob2024guard", "kim2024zeta"): ("afkb-mx-none", "none"),
    }
    assert scan.untested == ["dan2023gamma"]
    by = '<small class="afkb-mx-by">Doe 2024</small>'
    assert (
        f'<li data-defense="fay2024shield"><a href="../papers/fay2024shield/">Shield</a> {by}<ul>'
        f'<li data-breaker="eve2024delta">Disputed by <a href="../papers/eve2024delta/">Delta</a> {by} (attack)</li>'
        f'<li data-breaker="ivy2024audit">Broken by <a href="../papers/ivy2024audit/">Audit</a> {by} (evaluation)</li>'
        "</ul></li>"
    ) in page.markdown
    assert (
        '<p class="afkb-mx-note">Defenses not tested against any attack entry: <span data-defense="hal2024wall">'
        f'<a href="../papers/hal2024wall/">Wall</a> {by}</span>.</p>'
    ) in page.markdown


# --- The real entries, built and opened in Chromium. ---

PHONE = {"width": 390, "height": 844}


@pytest.fixture(params=["default", "slate"])
def phone(request: pytest.FixtureRequest, browser: Browser, built_site: Path) -> Iterator[tuple[Watched, str]]:
    with watched_site(browser, built_site, viewport=PHONE) as watched:
        yield watched, request.param


@pytest.fixture
def wide(browser: Browser, built_site: Path) -> Iterator[Watched]:
    with watched_site(browser, built_site, viewport={"width": 1280, "height": 900}) as watched:
        yield watched


def _open(watched: Watched, scheme: str = "default") -> Page:
    page = watched.open("matrix/")
    page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
    return page


def _cell(page: Page, threat: str, defense: str, attack: str) -> Locator:
    return page.locator(f"table[data-afkb-matrix={threat}] tr[data-defense={defense}] td[data-attack={attack}]")


SMALLEST_TEXT = """[...document.querySelectorAll('.afkb-body *')]
  .filter(e => e.offsetParent !== null && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
  .map(e => parseFloat(getComputedStyle(e).fontSize)).reduce((a, b) => Math.min(a, b), 99)"""


@pytest.mark.browser
@pytest.mark.slow
def test_known_pairs_show_their_labels_wide_and_on_a_phone(wide: Watched, phone: tuple[Watched, str]) -> None:
    page = _open(wide)
    vaccine_qi = _cell(page, "fine-tuning-attack", "huang2024vaccine", "qi2023finetuning")  # defends-against
    bailey_zou = _cell(page, "prompt-jailbreak", "zou2024improving", "bailey2024obfuscated")  # attacks
    assert (vaccine_qi.inner_text(), vaccine_qi.get_attribute("class")) == ("○ Tested", "afkb-mx-tested")
    assert (bailey_zou.inner_text(), bailey_zou.get_attribute("class")) == ("✕ Broken", "afkb-mx-broken")
    assert page.get_by_role("cell", name="Broken", exact=True).count() == len(
        [c for c in matrix_cells(REAL_GRAPH, REAL.entries).values() if c.state == BROKEN]
    )  # the mark is hidden from screen readers, the word is not
    header = page.locator("table[data-afkb-matrix=prompt-jailbreak] thead th[data-attack=bailey2024obfuscated]")
    assert header.inner_text() == "Obfuscated Activations Bypass LLM Latent-Space Defenses Bailey 2024"
    empty = page.locator("td.afkb-mx-none").first
    assert empty.inner_text() == "none"  # for screen readers only:
    box = empty.locator(".afkb-mx-sr").bounding_box()
    assert box is not None
    assert (box["width"], box["height"]) == (1, 1)
    screenshot(page, "matrix-wide")
    watched, scheme = phone
    page = _open(watched, scheme)
    assert _cell(page, "fine-tuning-attack", "huang2024vaccine", "qi2023finetuning").inner_text() == (
        "○ Tested against Fine-tuning Aligned Language Models Compromises Safety…"
    )
    assert _cell(page, "prompt-jailbreak", "zou2024improving", "bailey2024obfuscated").inner_text() == (
        "✕ Broken by Obfuscated Activations Bypass LLM Latent-Space Defenses"
    )
    assert page.locator("td.afkb-mx-none").first.is_hidden()  # cards list only filled cells
    screenshot(page, f"matrix-phone-{scheme}")


@pytest.mark.browser
@pytest.mark.slow
def test_untested_attacks_and_broken_defenses_are_listed(wide: Watched) -> None:
    page = _open(wide)
    listed = page.locator("[data-afkb-untested] li").evaluate_all("items => items.map(li => li.dataset.attack)")
    untested = {
        a.id
        for a in REAL.entries.values()
        if a.kind == "attack" and not defenses_tested_against(REAL_GRAPH, REAL.entries, a.id)
    }
    assert "zhou2024emulated" in untested  # no defense defends against or evaluates Emulated Disalignment
    assert sorted(listed) == sorted(untested)
    assert page.locator("[data-afkb-untested=decoding-attack] li[data-attack=zhou2024emulated]").inner_text() == (
        "Emulated Disalignment Zhou 2024"
    )
    critique = page.locator(
        "[data-afkb-broken] li[data-defense=tamirisa2024tamperresistant] [data-breaker=qi2024evaluating]"
    )
    assert (
        critique.inner_text()
        == "Disputed by On Evaluating the Durability of Safeguards for Open-Weight… Qi 2025 (evaluation)"
    )
    broken = page.locator("[data-afkb-broken] > li").evaluate_all("items => items.map(li => li.dataset.defense)")
    assert broken == [
        d.id
        for d in REAL.sorted_entries()
        if d.kind == "defense" and attacks_on_defense(REAL_GRAPH, REAL.entries, d.id)
    ]


@pytest.mark.browser
@pytest.mark.slow
def test_phone_page_does_not_scroll_sideways_has_readable_text_and_passes_axe(phone: tuple[Watched, str]) -> None:
    watched, scheme = phone
    page = _open(watched, scheme)
    assert page.evaluate("document.documentElement.scrollWidth") == PHONE["width"]
    assert page.evaluate(
        "[...document.querySelectorAll('.afkb-body *')].every(e => e.getBoundingClientRect().right <= 390)"
    )
    assert page.evaluate(SMALLEST_TEXT) >= 12
    assert axe_violations(page) == []


@pytest.mark.browser
@pytest.mark.slow
def test_wide_page_has_readable_text_and_passes_axe_in_the_dark_scheme(wide: Watched) -> None:
    page = _open(wide, "slate")
    assert page.evaluate("document.documentElement.scrollWidth") == 1280
    assert page.evaluate(SMALLEST_TEXT) >= 12
    assert axe_violations(page) == []
