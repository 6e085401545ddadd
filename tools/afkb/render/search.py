"""Search records for paper pages, made from the entry itself rather than re-parsed from HTML.

MkDocs-Material's search plugin parses every rendered page to build its index. Paper pages
are the bulk of the site and their structure is known, so their records come from here; the
pages themselves are excluded from Material's parsing, and the plugin adds these records to
the index Material writes. The fields are those of Material's index: location, title, text
(a little HTML) and tags.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import nh3

from afkb.render.html import esc

if TYPE_CHECKING:
    from afkb.schema import Entry

# What Material's own index keeps of a page: text structure, no links, no attributes.
SEARCH_TAGS = {"p", "ul", "ol", "li", "code", "strong", "em", "pre"}


@dataclass(frozen=True, slots=True)
class SearchRecord:
    anchor: str  # section id on the page, "" for the page itself
    title: str  # HTML: Material shows result titles as markup, so text must come escaped
    text: str  # HTML restricted to SEARCH_TAGS
    tags: tuple[str, ...] = ()


def search_text(fragment: str) -> str:
    """Already-sanitised HTML reduced to the tags a search result may show (links are unwrapped)."""
    return nh3.clean(fragment, tags=SEARCH_TAGS, attributes={}, strip_comments=True)


def entry_search_records(entry: Entry, summary_html: str, takeaway_html: list[str]) -> tuple[SearchRecord, ...]:
    """The page (title, authors, venue; tagged), its takeaways and its summary.

    ``summary_html`` and ``takeaway_html`` are the sanitised fragments the page itself shows.
    """
    header = f"<p>{esc(', '.join(entry.authors))}</p> <p>{esc(entry.venue)} · {entry.year}</p>"
    takeaways = "<ul>" + "".join(f"<li>{item}</li>" for item in takeaway_html) + "</ul>"
    return (
        SearchRecord("", esc(entry.title), header, tuple(entry.tags)),
        SearchRecord("takeaways", "Defensive takeaways", search_text(takeaways)),
        SearchRecord("summary", "Summary", search_text(summary_html)),
    )


def search_documents(url: str, records: tuple[SearchRecord, ...]) -> list[dict[str, object]]:
    """Records as documents of Material's ``search_index.json``, for a page at ``url``."""
    documents: list[dict[str, object]] = []
    for record in records:
        document: dict[str, object] = {
            "location": f"{url}#{record.anchor}" if record.anchor else url,
            "title": record.title,
            "text": record.text,
        }
        if record.tags:
            document["tags"] = list(record.tags)
        documents.append(document)
    return documents
