"""Index pages: browse table, tags, kinds, takeaways digest, attack x defense matrix,
wanted papers, timeline, citation graph, downloads and the home page. Each is the
context for one template of ``afkb/templates``."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from afkb.graph import wanted_papers
from afkb.render.figures import timeline
from afkb.render.links import DOWNLOADS_DIR, KINDS_DIR, TAGS_DIR, kind_path, tag_path
from afkb.render.news import feed_path
from afkb.render.page import GeneratedPage
from afkb.render.templates import render

if TYPE_CHECKING:
    from afkb.render.context import SiteContext
    from afkb.schema import Entry

DOWNLOAD_LABELS = {
    "afkb.bib": "BibTeX (all entries)",
    "afkb-biblatex.bib": "BibLaTeX (all entries)",
    "afkb.csl.json": "CSL-JSON (Zotero, pandoc, citeproc)",
    "afkb.ris": "RIS (EndNote, Mendeley, Zotero)",
    "afkb.graphml": "Citation graph, GraphML (Gephi, Cytoscape, yEd)",
    "afkb-graph.json": "Citation graph, node-link JSON (networkx, D3)",
}


def index_page(
    path: str, title: str, template: str, *, search: bool = True, wide: bool = False, **context: Any
) -> GeneratedPage:
    return GeneratedPage(path, title, render(template, page=path, **context), search=search, wide=wide)


def tag_pages(ctx: SiteContext) -> list[GeneratedPage]:
    by_tag: dict[str, list[Entry]] = defaultdict(list)
    for e in ctx.collection.sorted_entries():
        for t in e.tags:
            by_tag[t].append(e)
    pages = []
    groups = []
    for group, description in ctx.taxonomy.tag_groups.items():
        tags = []
        for name in ctx.taxonomy.tags_in_group(group):
            tag = ctx.taxonomy.tags[name]
            tags.append((name, tag.description, len(by_tag.get(name, []))))
            pages.append(
                index_page(
                    tag_path(name),
                    f"Tag: {name}",
                    "entry_list.md",
                    search=False,
                    description=tag.description,
                    entries=by_tag.get(name, []),
                    empty="No entries carry this tag yet.",
                    feed=feed_path(TAGS_DIR, name) if by_tag.get(name) else "",
                )
            )
        groups.append((group, description, tags))
    pages.append(index_page("tags/index.md", "Tags", "tags_index.md", groups=groups))
    return pages


def kind_pages(ctx: SiteContext) -> list[GeneratedPage]:
    pages = []
    kinds = []
    for kind, description in ctx.taxonomy.kinds.items():
        entries = [e for e in ctx.collection.sorted_entries() if e.kind == kind]
        kinds.append((kind, description, len(entries)))
        pages.append(
            index_page(
                kind_path(kind),
                f"Kind: {kind}",
                "entry_list.md",
                search=False,
                description=description,
                entries=entries,
                empty="No entries of this kind yet.",
                feed=feed_path(KINDS_DIR, kind) if entries else "",
            )
        )
    pages.append(index_page("kinds/index.md", "Kinds", "kinds_index.md", kinds=kinds))
    return pages


def wanted_page(ctx: SiteContext) -> GeneratedPage:
    # Not indexed: it lists many authors' titles and ids, and outranked paper pages even at a low boost.
    return index_page("wanted.md", "Wanted papers", "wanted.md", search=False, wanted=wanted_papers(ctx.graph))


def timeline_page(ctx: SiteContext) -> GeneratedPage:
    chart = timeline(ctx.collection.entries.values(), list(ctx.taxonomy.kinds))
    return index_page("timeline.md", "Timeline", "timeline.md", search=False, **chart)


def downloads_page(files: dict[str, bytes], tags: list[str]) -> GeneratedPage:
    present = {name.rsplit("/", 1)[-1] for name in files}
    return index_page(
        "downloads.md",
        "Downloads",
        "downloads.md",
        search=False,
        files=[(name, label) for name, label in DOWNLOAD_LABELS.items() if name in present],
        tags=tags,
        downloads=DOWNLOADS_DIR,
    )


def home_page(ctx: SiteContext, anchors: list[str], newest: int = 8) -> GeneratedPage:
    entries = ctx.collection.sorted_entries()
    kinds = Counter(e.kind for e in entries)
    chart = timeline(entries, list(ctx.taxonomy.kinds))
    return index_page(
        "index.md",
        "Alignment Fragility Knowledge Base",
        "home.md",
        entries=entries,
        takeaway_count=sum(len(e.takeaways) for e in entries),
        link_count=ctx.graph.number_of_edges(),
        kinds=[(k, kinds[k]) for k in ctx.taxonomy.kinds if kinds[k]],
        anchors=[ctx.collection.entries[a] for a in anchors if a in ctx.collection.entries],
        newest=sorted(entries, key=lambda e: (e.added, e.id), reverse=True)[:newest],
        **chart,
    )
