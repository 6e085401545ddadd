"""CSL-JSON, the citation data model read by Zotero, pandoc and citeproc."""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any

from afkb.export import landing_url, venue_without_year
from afkb.export.titles import split_title
from afkb.names import PersonName, author_names
from afkb.uri import as_uri

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


def csl_name(name: PersonName) -> dict[str, str]:
    """A name in the CSL data model: parts where it has them, a literal for an organisation."""
    if name.literal:
        return {"literal": name.literal}
    item = {"family": name.family, "given": name.given}
    if name.particle:
        item["non-dropping-particle"] = name.particle
    if name.suffix:
        item["suffix"] = name.suffix
    return {k: v for k, v in item.items() if v}


def csl_title(title: str) -> str:
    """The title with CSL's rich-text markup: what sentence case must keep is ``nocase``, and the
    characters CSL processors read as markup are escaped."""
    runs = []
    for run, protected in split_title(" ".join(title.split())):
        text = html.escape(run, quote=False)
        runs.append(f'<span class="nocase">{text}</span>' if protected else text)
    return "".join(runs)


def to_csl(entry: Entry) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": entry.id,
        "type": CSL_TYPES[entry.venue_type],
        "title": csl_title(entry.title),
        "author": [csl_name(n) for n in author_names(entry)],
        "issued": {"date-parts": [[entry.year]]},
    }
    if entry.venue_type == "preprint":
        item["publisher"] = "arXiv" if entry.arxiv else entry.venue
        if entry.arxiv:
            item["number"] = entry.arxiv  # CSL's number is read for preprints and reports only
    elif entry.venue_type == "report":
        item["publisher"] = entry.venue
    else:
        item["container-title"] = venue_without_year(entry)
    if entry.doi:
        item["DOI"] = entry.doi
    url = landing_url(entry)
    if url:
        item["URL"] = as_uri(url)
    return item


_ENCODER = json.JSONEncoder(ensure_ascii=False)  # one encoder: json.dumps makes one per call


def export_csl_json(entries: Iterable[Entry]) -> str:
    """A JSON array with one item per line (compact items use the fast C encoder)."""
    encode = _ENCODER.encode
    items = [encode(to_csl(e)) for e in entries]
    return "[\n" + ",\n".join(items) + "\n]\n" if items else "[]\n"
