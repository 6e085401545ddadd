"""Crossref's REST API: the published record of a DOI (title, authors, venue, type, year)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from afkb.tracking.http import CROSSREF, ServiceError, batch_ident, contact
from afkb.tracking.records import PaperRecord, clean_authors, clean_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from afkb.tracking.http import Http

BATCH = 40  # DOIs in one OR-filter

VENUE_TYPES = {
    "proceedings-article": "conference",
    "journal-article": "journal",
    "posted-content": "preprint",
    "report": "report",
    "report-component": "report",
}


def _year(message: dict[str, Any]) -> int | None:
    for key in ("published-print", "published-online", "published", "issued"):
        parts = (message.get(key) or {}).get("date-parts") or [[None]]
        year = parts[0][0] if parts and parts[0] else None
        if isinstance(year, int) and 1900 <= year <= 2100:  # noqa: PLR2004
            return year
    return None


def _name(author: Any, doi: str) -> object:
    if not isinstance(author, dict):
        raise ServiceError(CROSSREF.name, doi, "answered an author that is not a record")
    if author.get("family"):
        return " ".join(str(author[k]) for k in ("given", "family") if isinstance(author.get(k), str))
    return author.get("name")


def parse_work(data: Any, doi: str) -> PaperRecord:
    """The paper described by a Crossref ``/works/{doi}`` answer."""
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict) or data.get("status") != "ok":
        raise ServiceError(CROSSREF.name, doi, "answered something other than a work record")
    titles = message.get("title") or []
    authors = message.get("author") or []
    if not isinstance(titles, list) or not titles or not isinstance(authors, list):
        raise ServiceError(CROSSREF.name, doi, "answered a work record without a title")
    record = PaperRecord(
        title=clean_text(titles[0], CROSSREF.name, doi, "title"),
        authors=clean_authors([_name(a, doi) for a in authors], CROSSREF.name, doi) if authors else (),
        year=_year(message),
        doi=doi,
    )
    record.name_structure = [
        {
            k: clean_text(a[k], CROSSREF.name, doi, "author name")
            for k in ("given", "family")
            if isinstance(a.get(k), str)
        }
        for a in authors
        if isinstance(a, dict)
    ]
    containers = message.get("container-title") or []
    if isinstance(containers, list) and containers:
        record.venue = clean_text(containers[0], CROSSREF.name, doi, "venue")
    record.venue_type = VENUE_TYPES.get(str(message.get("type")))
    record.filled(CROSSREF.name, "title", "authors", "year", "doi", "venue", "venue_type")
    return record


def _polite(params: dict[str, str]) -> dict[str, str]:
    """Crossref's polite pool: the contact as ``mailto``, when there is one."""
    who = contact()
    return {**params, "mailto": who} if who else params


def fetch(http: Http, doi: str) -> PaperRecord | None:
    """Crossref's record of ``doi``, or None if Crossref does not know it."""
    data = http.json(CROSSREF, "GET", f"works/{quote(doi, safe='/:;()')}", doi, params=_polite({}))
    return None if data is None else parse_work(data, doi)


def fetch_many(http: Http, dois: list[str], step: Callable[[], None] | None = None) -> dict[str, PaperRecord]:
    """Crossref's records of several DOIs (those it knows), asked with one OR-filter per batch."""
    found: dict[str, PaperRecord] = {}
    for start in range(0, len(dois), BATCH):
        batch = dois[start : start + BATCH]
        ident = batch_ident(batch)
        params = _polite({"filter": ",".join(f"doi:{d}" for d in batch), "rows": str(len(batch))})
        data = http.json(CROSSREF, "GET", "works", ident, params=params)
        message = data.get("message") if isinstance(data, dict) else None
        items = message.get("items") if isinstance(message, dict) else None
        if not isinstance(items, list):
            raise ServiceError(CROSSREF.name, ident, "answered something other than a list of works")
        for item in items:
            doi = str(item.get("DOI", "")).lower() if isinstance(item, dict) else ""
            wanted = next((d for d in batch if d.lower() == doi), None)
            if wanted:
                found[wanted] = parse_work({"status": "ok", "message": item}, wanted)
        if step:
            step()
    return found
