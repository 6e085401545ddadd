"""The all-papers table and the takeaways digest."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from afkb.render.html import inline_markdown
from afkb.render.indexes import index_page

if TYPE_CHECKING:
    from afkb.render.context import SiteContext
    from afkb.render.page import GeneratedPage
    from afkb.schema import Entry


def browse_page(ctx: SiteContext) -> GeneratedPage:
    entries = ctx.collection.sorted_entries()
    filters = [
        ("year", "Year", [str(y) for y in sorted({e.year for e in entries}, reverse=True)]),
        ("kind", "Kind", sorted({e.kind for e in entries})),
        ("tags", "Tag", sorted({t for e in entries for t in e.tags})),
    ]
    return index_page(
        "papers/index.md", "All papers", "browse.md", search=False, wide=True, entries=entries, filters=filters
    )


def takeaways_page(ctx: SiteContext) -> GeneratedPage:
    grouped: dict[str, list[tuple[Entry, Any]]] = defaultdict(list)
    for e in ctx.collection.sorted_entries():
        for t in e.takeaways:
            grouped[t.threat].append((e, inline_markdown(t.text)))
    groups = [
        (threat, ctx.taxonomy.tags[threat].description, grouped[threat])
        for threat in ctx.taxonomy.threats
        if grouped.get(threat)
    ]
    total = sum(len(v) for v in grouped.values())
    # Not indexed: every takeaway is already indexed on its paper's page.
    return index_page("takeaways.md", "Defensive takeaways", "takeaways.md", search=False, groups=groups, total=total)
