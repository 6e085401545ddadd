"""Index pages: browse table, tags, kinds, takeaways digest, attack x defense matrix,
wanted papers, timeline, citation graph, downloads and the home page. Each is the
context for one template of ``afkb/templates``."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from afkb.graph import wanted_papers
from afkb.render.figures import kind_colour, timeline
from afkb.render.html import inline_markdown
from afkb.render.links import DOWNLOADS_DIR, KINDS_DIR, TAGS_DIR, href, kind_path, paper_path, tag_path
from afkb.render.news import feed_path
from afkb.render.page import GeneratedPage
from afkb.render.templates import render

if TYPE_CHECKING:
    from afkb.render.context import SiteContext
    from afkb.schema import Entry

MATRIX_RELATIONS = {"defends-against", "evaluates", "attacks", "critiques"}
MAX_MATRIX_ATTACKS = 60  # columns; beyond this the most-evaluated attacks are shown
MAX_MATRIX_DEFENSES = 150  # rows
DOWNLOAD_LABELS = {
    "afkb.bib": "BibTeX (all entries)",
    "afkb-biblatex.bib": "BibLaTeX (all entries)",
    "afkb.csl.json": "CSL-JSON (Zotero, pandoc, citeproc)",
    "afkb.ris": "RIS (EndNote, Mendeley, Zotero)",
    "afkb.graphml": "Citation graph, GraphML (Gephi, Cytoscape, yEd)",
    "afkb-graph.json": "Citation graph, node-link JSON (networkx, D3)",
}


def _page(
    path: str, title: str, template: str, *, search: bool = True, wide: bool = False, **context: Any
) -> GeneratedPage:
    return GeneratedPage(path, title, render(template, page=path, **context), search=search, wide=wide)


def browse_page(ctx: SiteContext) -> GeneratedPage:
    entries = ctx.collection.sorted_entries()
    filters = [
        ("year", "Year", [str(y) for y in sorted({e.year for e in entries}, reverse=True)]),
        ("kind", "Kind", sorted({e.kind for e in entries})),
        ("tags", "Tag", sorted({t for e in entries for t in e.tags})),
    ]
    return _page(
        "papers/index.md", "All papers", "browse.md", search=False, wide=True, entries=entries, filters=filters
    )


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
                _page(
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
    pages.append(_page("tags/index.md", "Tags", "tags_index.md", groups=groups))
    return pages


def kind_pages(ctx: SiteContext) -> list[GeneratedPage]:
    pages = []
    kinds = []
    for kind, description in ctx.taxonomy.kinds.items():
        entries = [e for e in ctx.collection.sorted_entries() if e.kind == kind]
        kinds.append((kind, description, len(entries)))
        pages.append(
            _page(
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
    pages.append(_page("kinds/index.md", "Kinds", "kinds_index.md", kinds=kinds))
    return pages


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
    return _page("takeaways.md", "Defensive takeaways", "takeaways.md", search=False, groups=groups, total=total)


def matrix_page(ctx: SiteContext) -> GeneratedPage:
    entries = ctx.collection.sorted_entries()
    defenses = [e for e in entries if e.kind == "defense"]
    attacks = [e for e in entries if e.kind == "attack"]
    relations: dict[tuple[str, str], set[str]] = defaultdict(set)
    attack_ids = {a.id for a in attacks}
    defense_ids = {d.id for d in defenses}
    for source, target, rel in ctx.graph.edges(keys=True):
        if rel not in MATRIX_RELATIONS:
            continue
        if source in defense_ids and target in attack_ids:
            relations[(source, target)].add(rel)
        elif source in attack_ids and target in defense_ids:
            relations[(target, source)].add(f"attacked by ({rel})")
    total_attacks, total_defenses = len(attacks), len(defenses)
    # Counted once over the cells, not once per row and column (that was quadratic).
    attack_hits = Counter(attack for _, attack in relations)
    defense_hits = Counter(defense for defense, _ in relations)
    if len(attacks) > MAX_MATRIX_ATTACKS:
        attacks = sorted(attacks, key=lambda a: (-attack_hits[a.id], a.id))[:MAX_MATRIX_ATTACKS]
    if len(defenses) > MAX_MATRIX_DEFENSES:
        defenses = sorted(defenses, key=lambda d: (-defense_hits[d.id], d.id))[:MAX_MATRIX_DEFENSES]
    return _page(
        "matrix.md",
        "Attack × defense matrix",  # noqa: RUF001 - the multiplication sign is meant
        "matrix.md",
        search=False,
        wide=True,
        attacks=attacks,
        defenses=defenses,
        cells={pair: "; ".join(sorted(labels)) for pair, labels in relations.items()},
        covered=len(relations),
        total_attacks=total_attacks,
        total_defenses=total_defenses,
        shown_subset=(len(attacks), len(defenses)) != (total_attacks, total_defenses),
    )


def wanted_page(ctx: SiteContext) -> GeneratedPage:
    return _page("wanted.md", "Wanted papers", "wanted.md", wanted=wanted_papers(ctx.graph))


def timeline_page(ctx: SiteContext) -> GeneratedPage:
    chart = timeline(ctx.collection.entries.values(), list(ctx.taxonomy.kinds))
    return _page("timeline.md", "Timeline", "timeline.md", search=False, **chart)


def graph_data(ctx: SiteContext) -> dict[str, list[dict[str, Any]]]:
    nodes: list[dict[str, Any]] = []
    for node, data in ctx.graph.nodes(data=True):
        if data["wanted"]:
            continue
        nodes.append(
            {
                "id": node,
                "title": data["label"],
                "kind": data["kind"],
                "year": data["year"],
                "tags": data["tags"].split(),
                "colour": kind_colour(data["kind"]),
                "url": href("graph.md", paper_path(node)),
                "cited": ctx.graph.in_degree(node),
            }
        )
    ids = {n["id"] for n in nodes}
    edges = [{"source": s, "target": t, "type": k} for s, t, k in ctx.graph.edges(keys=True) if s in ids and t in ids]
    return {"nodes": nodes, "edges": edges}


def graph_page(ctx: SiteContext) -> GeneratedPage:
    data = graph_data(ctx)
    kinds = sorted({n["kind"] for n in data["nodes"]})
    return _page(
        "graph.md",
        "Citation graph",
        "graph.md",
        search=False,
        wide=True,
        data={**data, "relations": list(ctx.taxonomy.relations)},
        kinds=kinds,
        tags=sorted({t for n in data["nodes"] for t in n["tags"]}),
        legend=[(k, kind_colour(k)) for k in kinds],
    )


def downloads_page(files: dict[str, bytes], tags: list[str]) -> GeneratedPage:
    present = {name.rsplit("/", 1)[-1] for name in files}
    return _page(
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
    return _page(
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
