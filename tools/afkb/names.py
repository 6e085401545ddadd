"""Author names: the parts of a name as printed, derived once, and the forms each format wants.

A name is printed "First von Last, Jr." (BibTeX's reading): the last word is the family name,
lower-case words before it are a particle ("van", "de la"), a part after a comma is a suffix
("Jr.", "III"). Where that reading is wrong (a two-word family name, an organisation) the entry
states the parts under ``name_parts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from afkb.schema import Entry, NameParts

SUFFIXES = frozenset({"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV", "V"})


@dataclass(frozen=True, slots=True)
class PersonName:
    given: str = ""
    family: str = ""
    particle: str = ""  # "van", "de la": kept with the family name, lower case
    suffix: str = ""  # "Jr.", "III"
    literal: str = ""  # an organisation, or a name that has no parts

    @property
    def family_with_particle(self) -> str:
        return f"{self.particle} {self.family}" if self.particle else self.family

    def sort_form(self) -> str:
        """'Family, Given' (with particle and suffix where there are), as RIS and Google Scholar want."""
        if self.literal:
            return self.literal
        parts = [self.family_with_particle]
        if self.given:
            parts.append(self.given)
        if self.suffix:
            parts.append(self.suffix)
        return ", ".join(parts)


def parse_name(printed: str) -> PersonName:
    """The parts of a name printed "First von Last, Jr.". A single word is kept literal."""
    text = " ".join(printed.split())
    if "&" in text or " and " in f" {text.lower()} ":  # "Research and Development Team": an organisation
        return PersonName(literal=text)
    suffix = ""
    if "," in text:
        head, _, tail = text.rpartition(",")
        if tail.strip() in SUFFIXES:
            text, suffix = head.strip(), tail.strip()
        else:  # "Family, Given": the form BibTeX also reads
            family_part, given = head.strip(), tail.strip()
            words = family_part.split()
            particle = [w for w in words[:-1] if w[:1].islower()]
            if not given or not words:
                return PersonName(literal=printed)
            return PersonName(given=given, family=words[-1] if particle else family_part, particle=" ".join(particle))
    words = text.split()
    if len(words) < 2:  # noqa: PLR2004 - one word: a mononym or an organisation
        return PersonName(literal=printed)
    family = words[-1]
    rest = words[:-1]
    first_particle = next((i for i, w in enumerate(rest) if i > 0 and w[:1].islower()), None)
    if first_particle is None:
        return PersonName(given=" ".join(rest), family=family, suffix=suffix)
    return PersonName(
        given=" ".join(rest[:first_particle]),
        family=family,
        particle=" ".join(rest[first_particle:]),
        suffix=suffix,
    )


def from_parts(parts: NameParts) -> PersonName:
    return PersonName(
        given=parts.given or "",
        family=parts.family or "",
        particle=parts.particle or "",
        suffix=parts.suffix or "",
        literal=parts.literal or "",
    )


def author_names(entry: Entry) -> list[PersonName]:
    """The entry's authors in order, each split as stated under ``name_parts`` or as BibTeX reads it."""
    stated = {parts.author: from_parts(parts) for parts in entry.name_parts}
    return [stated.get(author) or parse_name(author) for author in entry.authors]
