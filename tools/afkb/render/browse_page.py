"""The all-papers table and the takeaways digest."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from afkb.render.html import inline_markdown
from afkb.render.indexes import index_page
from afkb.schema import AUDIENCES

if TYPE_CHECKING:
    from afkb.render.context import SiteContext
    from afkb.render.page import GeneratedPage
    from afkb.schema import Entry

# The table's columns, by the key that names them in a sort (``?sort=year-desc``).
COLUMNS = [("title", "Title"), ("authors", "Authors"), ("year", "Year"), ("kind", "Kind"), ("tags", "Tags")]
# The sort choices besides the default order (newest first, then by id), as ``key-direction``.
SORTS = [
    ("year-asc", "oldest first"),
    ("title-asc", "title A to Z"),
    ("title-desc", "title Z to A"),
    ("authors-asc", "first author A to Z"),
    ("authors-desc", "first author Z to A"),
    ("year-desc", "year, newest first"),
    ("kind-asc", "kind A to Z"),
    ("kind-desc", "kind Z to A"),
    ("tags-asc", "tags A to Z"),
    ("tags-desc", "tags Z to A"),
]


def browse_page(ctx: SiteContext) -> GeneratedPage:
    entries = ctx.collection.sorted_entries()
    # (data attribute, URL parameter, label, values)
    filters = [
        ("year", "year", "Year", [str(y) for y in sorted({e.year for e in entries}, reverse=True)]),
        ("kind", "kind", "Kind", sorted({e.kind for e in entries})),
        ("tags", "tag", "Tag", sorted({t for e in entries for t in e.tags})),
    ]
    return index_page(
        "papers/index.md",
        "All papers",
        "browse.md",
        search=False,
        wide=True,
        entries=entries,
        filters=filters,
        columns=COLUMNS,
        sorts=SORTS,
    )


def takeaways_page(ctx: SiteContext) -> GeneratedPage:
    grouped: dict[str, list[tuple[Entry, Any, tuple[str, ...]]]] = defaultdict(list)
    for e in ctx.collection.sorted_entries():
        for t in e.takeaways:
            grouped[t.threat].append((e, inline_markdown(t.text), t.audience))
    groups = [
        (threat, ctx.taxonomy.tags[threat].description, grouped[threat])
        for threat in ctx.taxonomy.threats
        if grouped.get(threat)
    ]
    total = sum(len(v) for v in grouped.values())
    # Not indexed: every takeaway is already indexed on its paper's page.
    return index_page(
        "takeaways.md",
        "Defensive takeaways",
        "takeaways.md",
        search=False,
        groups=groups,
        total=total,
        audiences=AUDIENCES,
    )
