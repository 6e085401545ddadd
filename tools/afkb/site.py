"""Everything the site is made of, computed from a collection: pages and download files.

This is the whole of the site's content; the MkDocs plugin only hands it to MkDocs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from afkb.export.formats import export_collection, export_formats
from afkb.render.author_pages import author_pages
from afkb.render.browse_page import browse_page, takeaways_page
from afkb.render.context import SiteContext
from afkb.render.entry_page import render_entry_page
from afkb.render.graph_page import graph_page
from afkb.render.indexes import downloads_page, home_page, kind_pages, tag_pages, timeline_page, wanted_page
from afkb.render.links import DOWNLOADS_DIR, ENTRY_SOURCE_DIR
from afkb.render.matrix_page import matrix_page
from afkb.render.news import atom_feeds, build_date, radar_page, whats_new_page

if TYPE_CHECKING:
    from afkb.collection import Collection
    from afkb.render.page import GeneratedPage

ASSETS_DIR = Path(__file__).with_name("assets")
WHOLE_COLLECTION_FORMATS = {
    "afkb.bib": "bibtex",
    "afkb-biblatex.bib": "biblatex",
    "afkb.csl.json": "csl-json",
    "afkb.ris": "ris",
    "afkb.graphml": "graphml",
    "afkb-graph.json": "json",
}


@dataclass(slots=True)
class SiteContent:
    pages: list[GeneratedPage]
    files: dict[str, bytes]  # site-relative path -> content


def build_site_content(
    collection: Collection, edit_base_url: str = "", anchors: list[str] | None = None, site_url: str = ""
) -> SiteContent:
    ctx = SiteContext(collection, edit_base_url, site_url)
    today = build_date()
    entries = collection.sorted_entries()
    pages = [render_entry_page(e, ctx) for e in entries]
    pages += [
        browse_page(ctx),
        takeaways_page(ctx),
        matrix_page(ctx),
        wanted_page(ctx),
        timeline_page(ctx),
        graph_page(ctx),
        whats_new_page(ctx, today),
        radar_page(ctx),
    ]
    pages += tag_pages(ctx) + kind_pages(ctx) + author_pages(ctx)
    pages.append(home_page(ctx, anchors or []))
    files: dict[str, bytes] = atom_feeds(ctx, site_url)
    whole = export_formats(entries, list(WHOLE_COLLECTION_FORMATS.values()), ctx.graph)
    for name, fmt in WHOLE_COLLECTION_FORMATS.items():
        files[f"{DOWNLOADS_DIR}/{name}"] = whole[fmt].encode("utf-8")
    used_tags = sorted({t for e in entries for t in e.tags})
    for tag in used_tags:
        tagged = [e for e in entries if tag in e.tags]
        files[f"{DOWNLOADS_DIR}/tags/{tag}.bib"] = export_collection(tagged, "bibtex").encode("utf-8")
    for e in entries:
        source = collection.root / f"{e.id}.yaml"
        files[f"{DOWNLOADS_DIR}/{ENTRY_SOURCE_DIR}/{e.id}.yaml"] = source.read_bytes()
        files[f"{DOWNLOADS_DIR}/{ENTRY_SOURCE_DIR}/{e.id}.bib"] = ctx.bibtex(e).encode("utf-8")
    pages.append(downloads_page(files, used_tags))
    return SiteContent(pages, files)
