"""The arXiv API (Atom): titles, authors, versions, DOI, journal reference and comment of papers,
asked for in batches of ids (arXiv asks for one request every three seconds)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from afkb.schema import ARXIV_PATTERN, DOI_PATTERN
from afkb.tracking.http import ARXIV, ServiceError, batch_ident
from afkb.tracking.records import PaperRecord, clean_authors, clean_text, code_url

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from afkb.tracking.http import Http

BATCH = 100
NS = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}
_ENTRY_ID = re.compile(rf"https?://arxiv\.org/abs/({ARXIV_PATTERN})v([0-9]+)")


@dataclass(frozen=True)
class ArxivPaper:
    record: PaperRecord
    journal_ref: str | None
    comment: str | None


def _text(element: Element, path: str) -> str | None:
    found = element.find(path, NS)
    return found.text if found is not None and found.text is not None else None


def _date(stamp: str | None, ident: str) -> dt.date:
    try:
        return dt.date.fromisoformat((stamp or "").strip()[:10])
    except ValueError:
        raise ServiceError(ARXIV.name, ident, "answered an entry without a valid date") from None


def parse_feed(text: str, ident: str) -> dict[str, ArxivPaper]:
    """The papers of an arXiv API answer, by arXiv id (without version)."""
    try:
        root = fromstring(text)
    except (ParseError, DefusedXmlException):
        raise ServiceError(ARXIV.name, ident, "answered malformed or truncated XML") from None
    if root.tag != f"{{{NS['atom']}}}feed":
        raise ServiceError(ARXIV.name, ident, "answered something other than an Atom feed")
    papers = {}
    for entry in root.findall("atom:entry", NS):
        entry_id = _text(entry, "atom:id") or ""
        if "/api/errors" in entry_id:
            message = " ".join((_text(entry, "atom:summary") or "error").split())
            raise ServiceError(ARXIV.name, ident, f"refused the request: {message[:200]}")
        match = _ENTRY_ID.fullmatch(entry_id.strip())
        if match is None:
            raise ServiceError(ARXIV.name, ident, "answered an entry without an arXiv id")
        arxiv_id, version = match.group(1), int(match.group(2))
        names = [author.findtext("atom:name", default="", namespaces=NS) for author in entry.findall("atom:author", NS)]
        revised = _date(_text(entry, "atom:updated"), arxiv_id)
        record = PaperRecord(
            title=clean_text(_text(entry, "atom:title"), ARXIV.name, arxiv_id, "title"),
            authors=clean_authors(list(names), ARXIV.name, arxiv_id),
            year=revised.year,
            first_year=_date(_text(entry, "atom:published"), arxiv_id).year,
            arxiv=arxiv_id,
            version=version,
            revised=revised,
            url=f"https://arxiv.org/abs/{arxiv_id}",
        )
        doi = (_text(entry, "arxiv:doi") or "").strip()
        if doi and re.fullmatch(DOI_PATTERN, doi):
            record.doi = doi
        comment = _text(entry, "arxiv:comment")
        journal_ref = _text(entry, "arxiv:journal_ref")
        record.code = code_url(comment, _text(entry, "atom:summary"))
        record.filled(ARXIV.name, "title", "authors", "year", "first_year", "arxiv", "version", "url", "doi", "code")
        papers[arxiv_id] = ArxivPaper(
            record,
            " ".join(journal_ref.split()) if journal_ref else None,
            " ".join(comment.split()) if comment else None,
        )
    return papers


def fetch(http: Http, ids: Iterable[str], step: Callable[[], None] | None = None) -> dict[str, ArxivPaper]:
    """arXiv's record of each id it knows, asked in batches."""
    wanted = list(dict.fromkeys(ids))
    found: dict[str, ArxivPaper] = {}
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start : start + BATCH]
        ident = batch_ident(batch)
        params = {"id_list": ",".join(batch), "max_results": str(len(batch))}
        text = http.text(ARXIV, "GET", "query", ident, params=params)
        if text is None:
            raise ServiceError(ARXIV.name, ident, "has no API at this address (HTTP 404)")
        found.update(parse_feed(text, ident))
        if step:
            step()
    return found
