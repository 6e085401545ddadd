"""Exporters: entries -> citation formats and graph formats. Pure functions over entries."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from afkb.schema import Entry

CITATION_FORMATS = ("bibtex", "biblatex", "csl-json", "ris")
GRAPH_FORMATS = ("graphml", "json")
FORMATS = CITATION_FORMATS + GRAPH_FORMATS


def landing_url(entry: Entry) -> str | None:
    """The entry's landing page, or its arXiv abstract page."""
    return entry.url or (f"https://arxiv.org/abs/{entry.arxiv}" if entry.arxiv else None)


def venue_without_year(entry: Entry) -> str:
    """The venue without the entry's year as a word of its own ("ACL 2024" -> "ACL", "NeurIPS 2023
    Datasets and Benchmarks Track" -> "NeurIPS Datasets and Benchmarks Track"), so that a style
    printing the venue and then the year does not print the year twice."""
    stripped = re.sub(rf"(?<![\w-]){entry.year}(?![\w-])", " ", entry.venue)
    stripped = re.sub(r"\s+", " ", stripped).strip(" ,'")
    return stripped or entry.venue
