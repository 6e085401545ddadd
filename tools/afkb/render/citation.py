"""A formatted plain-text reference for the cite box."""

from __future__ import annotations

from typing import TYPE_CHECKING

from afkb.export import venue_without_year

if TYPE_CHECKING:
    from afkb.schema import Entry


def _authors(names: tuple[str, ...]) -> str:
    if len(names) == 1:
        return names[0]
    if len(names) > 20:  # noqa: PLR2004
        return ", ".join(names[:19]) + ", … " + names[-1]
    return ", ".join(names[:-1]) + ", & " + names[-1]


def formatted_reference(entry: Entry) -> str:
    """'Authors (Year). Title. Venue. arXiv:id. https://doi.org/...'"""
    title = entry.title if entry.title.endswith(("?", "!", ".")) else f"{entry.title}."
    parts = [f"{_authors(entry.authors)} ({entry.year}). {title}"]
    if entry.venue_type != "preprint":
        parts.append(f"{venue_without_year(entry)}.")
    if entry.arxiv:
        parts.append(f"arXiv:{entry.arxiv}.")
    if entry.doi:
        parts.append(f"https://doi.org/{entry.doi}")
    elif entry.url:
        parts.append(entry.url)
    return " ".join(parts)
