"""Which papers cite the entries, from OpenAlex (OR-filters, cursor paging) and Semantic Scholar
(the paper batch endpoint). Each service gives :class:`CitingPaper` items; the radar merges them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from afkb.schema import ARXIV_PATTERN, DOI_PATTERN
from afkb.tracking.http import OPENALEX, SEMANTIC_SCHOLAR, ServiceError
from afkb.tracking.records import clean_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from afkb.schema import Entry
    from afkb.tracking.http import Http

OPENALEX_OR_VALUES = 50
OPENALEX_PAGE = 200
OPENALEX_MAX_PAGES = 50
S2_BATCH = 100
S2_FIELDS = "title,citations.title,citations.year,citations.externalIds"


@dataclass
class CitingPaper:
    title: str
    year: int | None
    doi: str | None = None
    arxiv: str | None = None
    cites: set[str] = field(default_factory=set)  # entry ids
    services: set[str] = field(default_factory=set)


def entry_doi(entry: Entry) -> str | None:
    """The DOI a service indexes the paper under: its own, or arXiv's DataCite DOI."""
    if entry.doi:
        return entry.doi.lower()
    return f"10.48550/arxiv.{entry.arxiv}".lower() if entry.arxiv else None


def _doi(value: object) -> str | None:
    text = str(value or "").lower().removeprefix("https://doi.org/")
    return text if re.fullmatch(DOI_PATTERN, text, flags=re.IGNORECASE) else None


def _arxiv_from_doi(doi: str | None) -> str | None:
    if doi and doi.startswith("10.48550/arxiv."):
        candidate = doi.removeprefix("10.48550/arxiv.")
        return candidate if re.fullmatch(ARXIV_PATTERN, candidate) else None
    return None


def _results(data: Any, ident: str) -> tuple[list[dict[str, Any]], str | None]:
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise ServiceError(OPENALEX.name, ident, "answered something other than a list of works")
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    cursor = meta.get("next_cursor") if isinstance(meta, dict) else None
    return [r for r in data["results"] if isinstance(r, dict)], cursor if isinstance(cursor, str) else None


def _openalex_params(**params: str) -> dict[str, str]:
    key = OPENALEX.key
    return {**params, "api_key": key} if key else params


def _openalex_ours(http: Http, entries: list[Entry], step: Callable[[], None] | None) -> dict[str, str]:
    """OpenAlex's work id of each entry it knows -> the entry's id."""
    by_doi = {doi: e.id for e in entries if (doi := entry_doi(e))}
    ours: dict[str, str] = {}
    dois = sorted(by_doi)
    for start in range(0, len(dois), OPENALEX_OR_VALUES):
        batch = dois[start : start + OPENALEX_OR_VALUES]
        params = _openalex_params(filter="doi:" + "|".join(batch), select="id,doi", **{"per-page": "100"})
        results, _ = _results(http.json(OPENALEX, "GET", "works", batch[0], params=params), batch[0])
        for work in results:
            doi = _doi(work.get("doi"))
            if doi in by_doi and isinstance(work.get("id"), str):
                ours[work["id"].rsplit("/", 1)[-1]] = by_doi[doi]
        if step:
            step()
    return ours


def _openalex_pages(http: Http, batch: list[str], ours: dict[str, str]) -> list[CitingPaper]:
    """Every work citing one of ``batch``, page by page (cursor paging, bounded)."""
    citing: list[CitingPaper] = []
    cursor: str | None = "*"
    ident = f"cites:{batch[0]}"
    for _ in range(OPENALEX_MAX_PAGES):
        params = _openalex_params(
            filter="cites:" + "|".join(batch),
            select="id,doi,title,publication_year,referenced_works",
            cursor=cursor or "*",
            **{"per-page": str(OPENALEX_PAGE)},
        )
        results, cursor = _results(http.json(OPENALEX, "GET", "works", ident, params=params), ident)
        citing.extend(_openalex_work(work, ours) for work in results)
        if not results or not cursor:
            break
    return citing


def openalex_citing(http: Http, entries: list[Entry], step: Callable[[], None] | None = None) -> list[CitingPaper]:
    """Works that cite the entries, by OpenAlex: first our works' ids, then who cites them."""
    ours = _openalex_ours(http, entries, step)
    ids = sorted(ours)
    citing: list[CitingPaper] = []
    for start in range(0, len(ids), OPENALEX_OR_VALUES):
        citing.extend(_openalex_pages(http, ids[start : start + OPENALEX_OR_VALUES], ours))
        if step:
            step()
    return [c for c in citing if c.cites]


def _openalex_work(work: dict[str, Any], ours: dict[str, str]) -> CitingPaper:
    ident = str(work.get("id", "a work"))
    found = work.get("referenced_works")
    referenced: list[Any] = found if isinstance(found, list) else []
    cites = {ours[w.rsplit("/", 1)[-1]] for w in referenced if isinstance(w, str) and w.rsplit("/", 1)[-1] in ours}
    doi = _doi(work.get("doi"))
    year = work.get("publication_year")
    return CitingPaper(
        title=clean_text(work.get("title"), OPENALEX.name, ident, "title"),
        year=year if isinstance(year, int) else None,
        doi=doi,
        arxiv=_arxiv_from_doi(doi),
        cites=cites,
        services={OPENALEX.name},
    )


def s2_citing(http: Http, entries: list[Entry], step: Callable[[], None] | None = None) -> list[CitingPaper]:
    """Papers that cite the entries, by Semantic Scholar's batch endpoint."""
    keyed = [(f"ARXIV:{e.arxiv}" if e.arxiv else f"DOI:{e.doi}", e.id) for e in entries if e.arxiv or e.doi]
    key = SEMANTIC_SCHOLAR.key
    headers = {"x-api-key": key} if key else None
    citing: list[CitingPaper] = []
    for start in range(0, len(keyed), S2_BATCH):
        batch = keyed[start : start + S2_BATCH]
        ident = batch[0][0]
        data = http.json(
            SEMANTIC_SCHOLAR,
            "POST",
            "graph/v1/paper/batch",
            ident,
            params={"fields": S2_FIELDS},
            json={"ids": [k for k, _ in batch]},
            headers=headers,
        )
        if not isinstance(data, list) or len(data) != len(batch):
            raise ServiceError(SEMANTIC_SCHOLAR.name, ident, "answered something other than one record per id")
        for (_, entry_id), paper in zip(batch, data, strict=True):
            if not isinstance(paper, dict):
                continue  # Semantic Scholar does not know this paper
            found = paper.get("citations")
            citations: list[Any] = found if isinstance(found, list) else []
            citing.extend(
                _s2_paper(item, entry_id) for item in citations if isinstance(item, dict) and item.get("title")
            )
        if step:
            step()
    return citing


def _s2_paper(item: dict[str, Any], entry_id: str) -> CitingPaper:
    ident = str(item.get("paperId", "a paper"))
    found = item.get("externalIds")
    ids: dict[str, Any] = found if isinstance(found, dict) else {}
    arxiv = str(ids.get("ArXiv") or "")
    year = item.get("year")
    return CitingPaper(
        title=clean_text(item.get("title"), SEMANTIC_SCHOLAR.name, ident, "title"),
        year=year if isinstance(year, int) else None,
        doi=_doi(ids.get("DOI")),
        arxiv=arxiv if re.fullmatch(ARXIV_PATTERN, arxiv) else None,
        cites={entry_id},
        services={SEMANTIC_SCHOLAR.name},
    )
