"""Authors across entries: names merged by key and by the alias file, one page per person."""

from __future__ import annotations

from pathlib import Path

import pytest

from afkb.authors import aliases, authors_of, name_key, slug_of
from afkb.errors import AfkbError
from conftest import entry_object


@pytest.mark.parametrize(
    ("printed", "key"),
    [
        ("Evan J. Hubinger", "evan hubinger"),
        ("Evan Hubinger", "evan hubinger"),
        ("Aleksander Mądry", "aleksander madry"),
        ("Florian Tramèr", "florian tramer"),
        ("J. Zico Kolter", "zico kolter"),
        ("Yu-Gang Jiang", "yu gang jiang"),
        ("Sean O'Brien", "sean obrien"),
    ],
)
def test_name_keys(printed: str, key: str) -> None:
    assert name_key(printed) == key


def test_variants_are_one_author_shown_by_the_commonest_form() -> None:
    a = entry_object(id="a2024x", authors=("Evan Hubinger", "Sam Bowman"))
    b = entry_object(id="b2024x", authors=("Evan J. Hubinger", "Samuel R. Bowman"))
    c = entry_object(id="c2024x", authors=("Evan Hubinger", "Yixu Wang", "Yingchun Wang"))
    people = authors_of([a, b, c])
    hubinger = people["evan hubinger"]
    assert (hubinger.name, sorted(hubinger.variants), [e.id for e in hubinger.entries]) == (
        "Evan Hubinger",
        ["Evan Hubinger", "Evan J. Hubinger"],
        ["a2024x", "b2024x", "c2024x"],
    )
    bowman = people["samuel bowman"]  # joined by author_aliases.yaml
    assert sorted(bowman.variants) == ["Sam Bowman", "Samuel R. Bowman"]
    assert {"yixu wang", "yingchun wang"} <= set(people)  # same family, different people


def test_slugs_are_unique() -> None:
    people = authors_of([entry_object(id="a2024x", authors=("Jane Doe", "Jane, Doe", "Wei Li"))])
    assert sorted(p.slug for p in people.values()) == ["jane-doe", "jane-doe-2", "wei-li"]
    assert slug_of("zico kolter") == "zico-kolter"


def test_an_alias_without_evidence_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "aliases.yaml"
    bad.write_text("- names: [A Person, Another Person]\n", encoding="utf-8")
    with pytest.raises(AfkbError) as raised:
        aliases(bad)
    assert str(raised.value) == f"{bad}: item 1: give names (two or more) and the evidence that they are one person"
