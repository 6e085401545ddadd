"""Property-based tests: arbitrary input never crashes validation; valid entries survive export."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import bibtexparser
import pybtex.database
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from afkb.export.bibtex import bibtex_name, export_bibtex
from afkb.export.csl import export_csl_json
from afkb.names import parse_name
from afkb.schema import Change, Entry, Finding, Takeaway, ThreatModel
from afkb.taxonomy import load_taxonomy
from afkb.validate import validate_bytes
from conftest import to_yaml, valid_fields

TAXONOMY = load_taxonomy()
PATH = Path("entries/prop2024case.yaml")
FUZZ = settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])


def assert_clean_result(data: bytes) -> None:
    result = validate_bytes(data, PATH, TAXONOMY)
    assert result.entry is not None or result.problems
    for problem in result.problems:
        assert problem.path == "entries/prop2024case.yaml"
        assert problem.line >= 1
        assert problem.column >= 1
        assert "\n" not in str(problem)
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", str(problem)), "messages never carry control characters"


@FUZZ
@given(st.binary(max_size=4000))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    assert_clean_result(data)


yaml_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=40), st.dates()
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=30,
)


@FUZZ
@given(yaml_values)
def test_arbitrary_yaml_documents_never_crash(document: object) -> None:
    assert_clean_result(yaml.safe_dump(document, allow_unicode=True).encode())


FIELDS = list(valid_fields())


@FUZZ
@given(st.sampled_from(FIELDS), yaml_values)
def test_any_field_replaced_by_anything_never_crashes(field: str, value: object) -> None:
    fields = valid_fields("prop2024case")
    fields[field] = value
    assert_clean_result(yaml.safe_dump(fields, allow_unicode=True).encode())


@FUZZ
@given(st.text(max_size=300))
def test_arbitrary_text_in_a_valid_entry_never_crashes(text: str) -> None:
    assert_clean_result((to_yaml(valid_fields("prop2024case")) + text).encode("utf-8", "surrogatepass"))


# Titles and names: printable text without control characters, as the schema allows.
line_text = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\u2028\u2029"),
        min_size=1,
        max_size=80,
    )
    .map(lambda s: re.sub(r"\s+", " ", s).strip())
    .filter(bool)
)


def make_entry(title: str, authors: list[str], year: int) -> Entry:
    return Entry(
        id="prop2024case",
        title=title,
        tldr="t",
        authors=tuple(authors),
        year=year,
        venue="Venue",
        venue_type="conference",
        arxiv="2401.00001",
        kind="attack",
        tags=("lora",),
        threat_model=ThreatModel(access=("open-weights",), summary="s"),
        summary="s" * 200,
        findings=(Finding(claim="c", where="w", evidence="paper"),),
        takeaways=(Takeaway(text="t", threat="fine-tuning-attack"),),
        added=dt.date(2024, 1, 1),
        changes=(Change(date=dt.date(2024, 1, 1), note="Added."),),
    )


UNESCAPE = {
    r"\textbackslash{}": "\\",
    r"\textbraceleft{}": "{",
    r"\textbraceright{}": "}",
    r"\textasciitilde{}": "~",
    r"\textasciicircum{}": "^",
    r"\&": "&",
    r"\%": "%",
    r"\$": "$",
    r"\#": "#",
    r"\_": "_",
}
UNESCAPE_RE = re.compile("|".join(re.escape(k) for k in sorted(UNESCAPE, key=len, reverse=True)) + r"|[{}]")


def unlatex(value: str) -> str:
    """Invert our escaping; bare braces are our protection and are dropped, and so is the
    \\relax that keeps a non-ASCII initial whole."""
    return UNESCAPE_RE.sub(lambda m: UNESCAPE.get(m.group(0), ""), value.replace("{\\relax ", "{"))


def split_authors(value: str) -> list[str]:
    """Split a BibTeX author list on ' and ' at brace depth 0, as BibTeX does."""
    names, depth, start, i = [], 0, 0, 0
    while i < len(value):
        if value[i] == "{":
            depth += 1
        elif value[i] == "}":
            depth -= 1
        elif depth == 0 and value[i : i + 5].lower() == " and ":
            names.append(value[start:i])
            start = i = i + 5
            continue
        i += 1
    return [*names, value[start:]]


@settings(max_examples=200, deadline=2000)
@given(
    line_text,
    st.lists(line_text | st.just("Research and Development Team"), min_size=1, max_size=5),
    st.integers(1950, 2026),
)
def test_bibtex_round_trip(title: str, authors: list[str], year: int) -> None:
    text = export_bibtex([make_entry(title, authors, year)])
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    fields = {f.key: f.value for f in library.entries[0].fields}
    assert unlatex(fields["title"]) == title
    exported = split_authors(fields["author"])
    assert len(exported) == len(authors)
    for name, written in zip(authors, exported, strict=True):
        parts = parse_name(name)
        person = pybtex.database.Person(written)  # BibTeX's own reading of the name
        if parts.literal:
            assert [unlatex(w) for w in person.last_names] == [unlatex(bibtex_name(parts))]
            continue
        assert unlatex(" ".join(person.first_names + person.middle_names)) == parts.given
        assert unlatex(" ".join(person.prelast_names)) == parts.particle
        assert unlatex(" ".join(person.last_names)) == parts.family
        assert unlatex(" ".join(person.lineage_names)) == parts.suffix
    assert fields["year"] == str(year)


@settings(max_examples=200, deadline=2000)
@given(line_text, st.lists(line_text, min_size=1, max_size=5), st.integers(1950, 2026))
def test_csl_json_round_trip(title: str, authors: list[str], year: int) -> None:
    item = json.loads(export_csl_json([make_entry(title, authors, year)]))[0]
    assert html.unescape(re.sub(r'</?span(?: class="nocase")?>', "", item["title"])) == title
    for name, written in zip(authors, item["author"], strict=True):
        parts = parse_name(name)
        assert written.get("literal", "") == parts.literal
        assert written.get("given", "") == parts.given
        assert written.get("family", "") == parts.family
        assert written.get("non-dropping-particle", "") == parts.particle
        assert written.get("suffix", "") == parts.suffix
    assert item["issued"] == {"date-parts": [[year]]}
