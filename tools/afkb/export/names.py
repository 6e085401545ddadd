"""Author names as printed, split into family and given names only where that is unambiguous."""

from __future__ import annotations

_PARTICLES = {
    "de",
    "da",
    "del",
    "della",
    "der",
    "di",
    "du",
    "la",
    "le",
    "van",
    "von",
    "den",
    "dos",
    "bin",
    "al",
    "el",
    "ten",
    "ter",
}


def given_and_family(name: str) -> tuple[str, str] | None:
    """'Zhanhui Zhou' -> ('Zhanhui', 'Zhou'); None for a name kept whole.

    Only a two-word name with no particle and no comma is split; any other form
    (three or more words, 'van der ...', a single word, an organisation) is kept
    literal, because which words form the family name cannot be known from print.
    """
    words = name.split()
    if len(words) != 2 or "," in name:  # noqa: PLR2004
        return None
    given, family = words
    if given.lower() in _PARTICLES or family.lower() in _PARTICLES:
        return None
    return given, family
