"""CSL-JSON, the citation data model read by Zotero, pandoc and citeproc."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from afkb.export import landing_url
from afkb.export.names import given_and_family

if TYPE_CHECKING:
    from collections.abc import Iterable

    from afkb.schema import Entry

CSL_TYPES = {
    "conference": "paper-conference",
    "workshop": "paper-conference",
    "journal": "article-journal",
    "report": "report",
    "preprint": "article",
}


def csl_author(name: str) -> dict[str, str]:
    parts = given_and_family(name)
    if parts is None:
        return {"literal": name}
    return {"family": parts[1], "given": parts[0]}


def to_csl(entry: Entry) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": entry.id,
        "type": CSL_TYPES[entry.venue_type],
        "title": entry.title,
        "author": [csl_author(a) for a in entry.authors],
        "issued": {"date-parts": [[entry.year]]},
    }
    if entry.venue_type == "preprint":
        item["publisher"] = "arXiv" if entry.arxiv else entry.venue
    elif entry.venue_type == "report":
        item["publisher"] = entry.venue
    else:
        item["container-title"] = entry.venue
    if entry.arxiv:
        item["number"] = f"arXiv:{entry.arxiv}"
    if entry.doi:
        item["DOI"] = entry.doi
    url = landing_url(entry)
    if url:
        item["URL"] = url
    return item


_ENCODER = json.JSONEncoder(ensure_ascii=False)  # one encoder: json.dumps makes one per call


def export_csl_json(entries: Iterable[Entry]) -> str:
    """A JSON array with one item per line (compact items use the fast C encoder)."""
    encode = _ENCODER.encode
    items = [encode(to_csl(e)) for e in entries]
    return "[\n" + ",\n".join(items) + "\n]\n" if items else "[]\n"
