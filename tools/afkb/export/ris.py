"""RIS, for reference managers that prefer it. One tag per line; values never span lines."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from afkb.export import landing_url, venue_without_year
from afkb.names import author_names
from afkb.uri import as_uri

if TYPE_CHECKING:
    from collections.abc import Iterable

    from afkb.schema import Entry

RIS_TYPES = {
    "conference": "CPAPER",
    "workshop": "CPAPER",
    "journal": "JOUR",
    "report": "RPRT",
    "preprint": "UNPB",
}
_BREAKS = re.compile(r"[\s\u2028\u2029]+")


def _value(text: str) -> str:
    """A value on one line, so contributor text cannot start a new RIS tag."""
    if text.isprintable() and "  " not in text and text == text.strip():
        return text  # no line break, tab or other separator: nothing to fold (most values)
    return _BREAKS.sub(" ", text).strip()


def to_ris(entry: Entry) -> str:
    lines = [("TY", RIS_TYPES[entry.venue_type]), ("ID", entry.id), ("TI", entry.title)]
    lines += [("AU", name.sort_form()) for name in author_names(entry)]
    lines.append(("PY", str(entry.year)))
    if entry.venue_type != "preprint":
        lines.append(("T2", venue_without_year(entry)))
    else:
        lines.append(("PB", "arXiv" if entry.arxiv else entry.venue))
    if entry.arxiv:
        lines.append(("M1", f"arXiv:{entry.arxiv}"))
    if entry.doi:
        lines.append(("DO", entry.doi))
    url = landing_url(entry)
    if url:
        lines.append(("UR", as_uri(url)))
    lines.append(("ER", ""))
    return "\n".join(f"{tag}  - {_value(value)}" for tag, value in lines) + "\n"


def export_ris(entries: Iterable[Entry]) -> str:
    return "\n".join(to_ris(e) for e in entries)
