"""Authors across entries: one person per key, with the name variants the entries print.

Names that differ only in case, accents, punctuation or single-letter initials are merged by
themselves; ``author_aliases.yaml`` joins the variants that need a person's judgement (a
shortened given name), each with its evidence."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from anyascii import anyascii

from afkb.errors import AfkbError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from afkb.schema import Entry

ALIASES_FILE = Path(__file__).with_name("author_aliases.yaml")


def name_key(name: str) -> str:
    """'Evan J. Hubinger', 'Evan Hubinger' and 'EVAN HUBINGER' -> 'evan hubinger'."""
    words = re.split(r"[\s.\-]+", anyascii(name).lower().replace("'", ""))
    return " ".join(w for w in words if len(w) > 1) or anyascii(name).lower().strip()


@cache
def aliases(path: Path = ALIASES_FILE) -> dict[str, str]:
    """Name key -> the key of the name shown for that person."""
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as error:
        raise AfkbError(f"cannot read {path}: {error}") from None
    joined: dict[str, str] = {}
    for i, item in enumerate(items):
        names = item.get("names") if isinstance(item, dict) else None
        if not isinstance(names, list) or len(names) < 2 or not isinstance(item.get("evidence"), str):  # noqa: PLR2004
            raise AfkbError(f"{path}: item {i + 1}: give names (two or more) and the evidence that they are one person")
        for name in names[1:]:
            joined[name_key(str(name))] = name_key(str(names[0]))
    return joined


@dataclass
class Author:
    key: str
    slug: str
    variants: Counter[str] = field(default_factory=Counter)
    entries: list[Entry] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The form printed most often (the longer one on a tie)."""
        return max(self.variants, key=lambda v: (self.variants[v], len(v), v))

    @property
    def family(self) -> str:
        return self.name.split()[-1] if self.name.split() else self.name


def slug_of(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", key).strip("-") or "author"


def authors_of(entries: Iterable[Entry]) -> dict[str, Author]:
    """Every person who wrote an entry's paper, by key."""
    joined = aliases()
    people: dict[str, Author] = {}
    for entry in entries:
        for printed in dict.fromkeys(entry.authors):
            key = name_key(printed)
            key = joined.get(key, key)
            person = people.setdefault(key, Author(key, slug_of(key)))
            person.variants[printed] += 1
            if entry not in person.entries:
                person.entries.append(entry)
    _unique_slugs(people)
    return people


def _unique_slugs(people: dict[str, Author]) -> None:
    by_slug: dict[str, list[Author]] = defaultdict(list)
    for person in people.values():
        by_slug[person.slug].append(person)
    for slug, same in by_slug.items():
        for n, person in enumerate(sorted(same, key=lambda p: p.key)[1:], start=2):
            person.slug = f"{slug}-{n}"


def author_key(printed: str) -> str:
    key = name_key(printed)
    return aliases().get(key, key)
