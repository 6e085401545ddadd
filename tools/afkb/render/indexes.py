"""Index pages: browse table, tags, kinds, takeaways digest, attack x defense matrix,
wanted papers, timeline, citation graph, downloads, and the home page's slots."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from afkb.graph import wanted_papers
from afkb.render.entry_page import GeneratedPage, slot
from afkb.render.figures import kind_colour, timeline_svg
from afkb.render.html import esc, inline_markdown, json_for_script
from afkb.render.links import DOWNLOADS_DIR, href, kind_path, paper_path, tag_path

if TYPE_CHECKING:
    from afkb.render.context import SiteContext
    from afkb.schema import Entry

MATRIX_RELATIONS = {"defends-against", "evaluates", "attacks", "critiques"}
MAX_MATRIX_ATTACKS = 60  # columns; beyond this the most-evaluated attacks are shown
MAX_MATRIX_DEFENSES = 150  # rows


def _entry_link(page: str, entry: Entry) -> str:
    return f'<a href="{esc(href(page, paper_path(entry.id)))}">{esc(entry.title)}</a>'


def _entry_list(page: str, entries: list[Entry]) -> str:
    items = "".join(
        f"<li>{_entry_link(page, e)} <small>— {esc(_short_authors(e))}, {esc(e.venue)} {e.year}</small></li>"
        for e in entries
    )
    return f'<ul class="afkb-entry-list">{items}</ul>'


def _short_authors(entry: Entry) -> str:
    first = entry.authors[0]
    return first if len(entry.authors) == 1 else f"{first} et al."


def _page(path: str, title: str, intro: str, body: str, *, search: bool = True, wide: bool = False) -> GeneratedPage:
    return GeneratedPage(
        path, title, f"# {title}\n\n{intro}\n" + slot("body"), {"body": body}, search=search, wide=wide
    )


def browse_page(ctx: SiteContext) -> GeneratedPage:
    page = "papers/index.md"
    entries = ctx.collection.sorted_entries()
    rows = [
        f'<tr data-year="{e.year}" data-kind="{esc(e.kind)}" data-tags="{esc(" ".join(e.tags))}">'
        f'<td data-sort="{esc(e.title.lower())}">{_entry_link(page, e)}</td>'
        f"<td>{esc(_short_authors(e))}</td>"
        f'<td data-sort="{e.year}">{e.year}</td>'
        f"<td>{esc(e.kind)}</td>"
        f"<td>{esc(', '.join(e.tags))}</td></tr>"
        for e in entries
    ]
    years = sorted({e.year for e in entries}, reverse=True)
    kinds = sorted({e.kind for e in entries})
    tags = sorted({t for e in entries for t in e.tags})

    def select(name: str, label: str, values: list[str]) -> str:
        options = "".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in values)
        return (
            f'<label>{esc(label)} <select data-filter="{name}"><option value="">all</option>{options}</select></label>'
        )

    controls = (
        '<div class="afkb-filters" role="search">'
        + select("year", "Year", [str(y) for y in years])
        + select("kind", "Kind", kinds)
        + select("tags", "Tag", tags)
        + '<label>Text <input type="search" data-filter="text" placeholder="title or author"></label>'
        + '<span class="afkb-count" aria-live="polite"></span></div>'
    )
    headers = "".join(
        f'<th aria-sort="none"><button type="button" data-sort-column="{i}">{name}</button></th>'
        for i, name in enumerate(["Title", "Authors", "Year", "Kind", "Tags"])
    )
    table = (
        f'<table class="afkb-browse" data-afkb-browse><thead><tr>{headers}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return _page(
        page,
        "All papers",
        f"{len(entries)} papers. Filter by year, kind and tag, or sort by a column.",
        controls + table,
        search=False,
        wide=True,
    )


def tag_pages(ctx: SiteContext) -> list[GeneratedPage]:
    by_tag: dict[str, list[Entry]] = defaultdict(list)
    for e in ctx.collection.sorted_entries():
        for t in e.tags:
            by_tag[t].append(e)
    pages = []
    index_items = []
    for group, description in ctx.taxonomy.tag_groups.items():
        index_items.append(f"<h2>{esc(group.capitalize())}</h2><p>{esc(description)}</p><ul>")
        for name in ctx.taxonomy.tags_in_group(group):
            tag = ctx.taxonomy.tags[name]
            entries = by_tag.get(name, [])
            index_items.append(
                f'<li><a href="{esc(href("tags/index.md", tag_path(name)))}">{esc(name)}</a> '
                f"({len(entries)}) — {esc(tag.description)}</li>"
            )
            page = tag_path(name)
            body = _entry_list(page, entries) if entries else "<p>No entries carry this tag yet.</p>"
            pages.append(_page(page, f"Tag: {name}", f"*{tag.description}*", body, search=False))
        index_items.append("</ul>")
    pages.append(_page("tags/index.md", "Tags", "Every tag of the taxonomy, by group.", "".join(index_items)))
    return pages


def kind_pages(ctx: SiteContext) -> list[GeneratedPage]:
    pages = []
    items = []
    for kind, description in ctx.taxonomy.kinds.items():
        entries = [e for e in ctx.collection.sorted_entries() if e.kind == kind]
        page = kind_path(kind)
        body = _entry_list(page, entries) if entries else "<p>No entries of this kind yet.</p>"
        pages.append(_page(page, f"Kind: {kind}", f"*{description}*", body, search=False))
        items.append(
            f'<li><a href="{esc(href("kinds/index.md", page))}">{esc(kind)}</a> ({len(entries)}) — {esc(description)}</li>'
        )
    pages.append(_page("kinds/index.md", "Kinds", "Papers by what they contribute.", f"<ul>{''.join(items)}</ul>"))
    return pages


def takeaways_page(ctx: SiteContext) -> GeneratedPage:
    page = "takeaways.md"
    grouped: dict[str, list[tuple[Entry, str]]] = defaultdict(list)
    for e in ctx.collection.sorted_entries():
        for t in e.takeaways:
            grouped[t.threat].append((e, t.text))
    parts = []
    for threat in ctx.taxonomy.threats:
        items = grouped.get(threat)
        if not items:
            continue
        description = ctx.taxonomy.tags[threat].description
        lis = "".join(f"<li>{inline_markdown(text)} <small>— {_entry_link(page, e)}</small></li>" for e, text in items)
        parts.append(
            f'<h2 id="{esc(threat)}">{esc(threat)} <small>({len(items)})</small></h2><p><em>{esc(description)}</em></p><ul>{lis}</ul>'
        )
    total = sum(len(v) for v in grouped.values())
    # Not indexed: every takeaway is already indexed on its paper's page.
    return _page(
        page,
        "Defensive takeaways",
        f"{total} takeaways, grouped by the threat they answer.",
        "".join(parts),
        search=False,
    )


def matrix_page(ctx: SiteContext) -> GeneratedPage:
    page = "matrix.md"
    entries = ctx.collection.sorted_entries()
    defenses = [e for e in entries if e.kind == "defense"]
    attacks = [e for e in entries if e.kind == "attack"]
    cells: dict[tuple[str, str], set[str]] = defaultdict(set)
    attack_ids = {a.id for a in attacks}
    defense_ids = {d.id for d in defenses}
    for source, target, rel in ctx.graph.edges(keys=True):
        if rel not in MATRIX_RELATIONS:
            continue
        if source in defense_ids and target in attack_ids:
            cells[(source, target)].add(f"{rel}")
        elif source in attack_ids and target in defense_ids:
            cells[(target, source)].add(f"attacked by ({rel})")
    total_attacks, total_defenses = len(attacks), len(defenses)
    # Counted once over the cells, not once per row and column (that was quadratic).
    attack_hits = Counter(attack for _, attack in cells)
    defense_hits = Counter(defense for defense, _ in cells)
    if len(attacks) > MAX_MATRIX_ATTACKS:
        attacks = sorted(attacks, key=lambda a: (-attack_hits[a.id], a.id))[:MAX_MATRIX_ATTACKS]
    if len(defenses) > MAX_MATRIX_DEFENSES:
        defenses = sorted(defenses, key=lambda d: (-defense_hits[d.id], d.id))[:MAX_MATRIX_DEFENSES]
    head = "".join(
        f'<th scope="col"><a href="{esc(href(page, paper_path(a.id)))}" title="{esc(a.title)}">{esc(a.id)}</a></th>'
        for a in attacks
    )
    rows = []
    for d in defenses:
        tds = []
        for a in attacks:
            rels = cells.get((d.id, a.id))
            if rels:
                label = "; ".join(sorted(rels))
                tds.append(
                    f'<td class="afkb-hit" title="{esc(label)}">●<span class="md-visually-hidden"> {esc(label)}</span></td>'
                )
            else:
                tds.append(
                    '<td class="afkb-gap" title="not evaluated">·<span class="md-visually-hidden"> not evaluated</span></td>'
                )
        rows.append(f'<tr><th scope="row">{_entry_link(page, d)}</th>{"".join(tds)}</tr>')
    covered = len(cells)
    shown_note = (
        f" The table shows the {len(defenses)} defenses and {len(attacks)} attacks with the most evaluations."
        if (len(attacks), len(defenses)) != (total_attacks, total_defenses)
        else ""
    )
    body = (
        f"<p>{total_defenses} defenses × {total_attacks} attacks; {covered} of {total_defenses * total_attacks} pairs evaluated.{shown_note} "  # noqa: RUF001
        "A dot means the defense paper tests against (or is broken by) the attack paper; an empty cell is missing research.</p>"
        f'<div class="afkb-matrix-wrap"><table class="afkb-matrix"><thead><tr><th>Defense \\ Attack</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    return _page(
        page,
        "Attack × defense matrix",  # noqa: RUF001 - the multiplication sign is meant
        "Which defenses have been evaluated against which attacks.",
        body,
        wide=True,
        search=False,
    )


def wanted_page(ctx: SiteContext) -> GeneratedPage:
    page = "wanted.md"
    wanted = wanted_papers(ctx.graph)
    items = []
    for w in wanted:
        ident = f" arXiv:{esc(w.arxiv)}" if w.arxiv else (f" DOI {esc(w.doi)}" if w.doi else "")
        citing = ", ".join(f'<a href="{esc(href(page, paper_path(c)))}">{esc(c)}</a>' for c in w.cited_by)
        items.append(f"<li><strong>{esc(w.title)}</strong>{ident} — cited by {len(w.cited_by)}: {citing}</li>")
    how = (
        "<p>To add one: <code>afkb new --id &lt;firstauthor&gt;&lt;year&gt;&lt;firstword&gt;</code> "
        "(or <code>afkb import-bib paper.bib</code>), fill in every field from the paper, run "
        "<code>afkb validate</code>, and open a pull request. See the contributing guide.</p>"
    )
    body = how + (f"<ol>{''.join(items)}</ol>" if items else "<p>Nothing is wanted right now.</p>")
    return _page(page, "Wanted papers", "Cited by entries here but without an entry yet, most cited first.", body)


def timeline_page(ctx: SiteContext) -> GeneratedPage:
    kinds = list(ctx.taxonomy.kinds)
    svg = timeline_svg(ctx.collection.entries.values(), kinds)
    return _page(
        "timeline.md",
        "Timeline",
        "Entries per year, by kind.",
        f'<figure class="afkb-figure">{svg}</figure>',
        search=False,
    )


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
    tags = sorted({t for n in data["nodes"] for t in n["tags"]})
    relations = list(ctx.taxonomy.relations)
    legend = "".join(
        f'<span class="afkb-legend-item"><span class="afkb-swatch" style="background:{kind_colour(k)}"></span>{esc(k)}</span>'
        for k in kinds
    )
    options = "".join(f'<option value="{esc(k)}">{esc(k)}</option>' for k in kinds)
    tag_options = "".join(f'<option value="{esc(t)}">{esc(t)}</option>' for t in tags)
    body = (
        '<div class="afkb-filters">'
        f'<label>Kind <select data-graph-filter="kind"><option value="">all</option>{options}</select></label>'
        f'<label>Tag <select data-graph-filter="tag"><option value="">all</option>{tag_options}</select></label>'
        f'<span class="afkb-legend">{legend}</span></div>'
        '<div id="afkb-graph" class="afkb-graph" role="img" aria-label="Citation graph of the knowledge base; '
        'every paper is also listed on the All papers page"></div>'
        '<p class="afkb-graph-hint">Hover a node for its title, click it to open the paper. Edge colours show the relation type.</p>'
        f'<script type="application/json" id="afkb-graph-data">{json_for_script({**data, "relations": relations})}</script>'
        f'<script src="{esc(href("graph.md", "assets/afkb/cytoscape.min.js"))}"></script>'
    )
    return _page(
        "graph.md",
        "Citation graph",
        f"{len(data['nodes'])} papers and {len(data['edges'])} typed relations.",
        body,
        search=False,
        wide=True,
    )


def downloads_page(files: dict[str, str], tags: list[str]) -> GeneratedPage:
    page = "downloads.md"
    labels = {
        "afkb.bib": "BibTeX (all entries)",
        "afkb-biblatex.bib": "BibLaTeX (all entries)",
        "afkb.csl.json": "CSL-JSON (Zotero, pandoc, citeproc)",
        "afkb.ris": "RIS (EndNote, Mendeley, Zotero)",
        "afkb.graphml": "Citation graph, GraphML (Gephi, Cytoscape, yEd)",
        "afkb-graph.json": "Citation graph, node-link JSON (networkx, D3)",
    }
    items = "".join(
        f'<li><a href="{esc(href(page, f"{DOWNLOADS_DIR}/{name}")).rstrip("/")}" download>{esc(label)}</a> <code>{esc(name)}</code></li>'
        for name, label in labels.items()
        if name in files
    )
    per_tag = "".join(
        f'<li><a href="{esc(href(page, f"{DOWNLOADS_DIR}/tags/{t}.bib")).rstrip("/")}" download>{esc(t)}.bib</a></li>'
        for t in tags
    )
    body = f'<h2>Whole collection</h2><ul>{items}</ul><h2>BibTeX by tag</h2><ul class="afkb-columns">{per_tag}</ul>'
    return _page(
        page, "Downloads", "Everything here is produced by the same code as `afkb export`.", body, search=False
    )


def anchors_html(ctx: SiteContext, anchors: list[str]) -> str:
    present = [ctx.collection.entries[a] for a in anchors if a in ctx.collection.entries]
    if not present:
        return ""
    links = " and ".join(_entry_link("index.md", e) for e in present)
    noun = "paper is" if len(present) == 1 else "papers are"
    return f"<p>The anchor {noun} {links}.</p>"


def home_slots(ctx: SiteContext, anchors: list[str], newest: int = 8) -> dict[str, str]:
    entries = ctx.collection.sorted_entries()
    kinds = Counter(e.kind for e in entries)
    stats = "".join(
        f'<li><a href="{esc(href("index.md", kind_path(k)))}">{esc(k)}</a>: {kinds[k]}</li>'
        for k in ctx.taxonomy.kinds
        if kinds[k]
    )
    takeaways = sum(len(e.takeaways) for e in entries)
    recent = sorted(entries, key=lambda e: (e.added, e.id), reverse=True)[:newest]
    recent_items = "".join(
        f'<li><a href="{esc(href("index.md", paper_path(e.id)))}">{esc(e.title)}</a> <small>added {e.added.isoformat()}</small></li>'
        for e in recent
    )
    return {
        "home-stats": (
            f'<p class="afkb-stats"><strong>{len(entries)}</strong> papers · <strong>{takeaways}</strong> defensive takeaways · '
            f'<strong>{ctx.graph.number_of_edges()}</strong> citation links</p><ul class="afkb-columns">{stats}</ul>'
        ),
        "home-newest": f'<ul class="afkb-recent">{recent_items}</ul>',
        "home-anchors": anchors_html(ctx, anchors),
        "home-timeline": f'<figure class="afkb-figure">{timeline_svg(entries, list(ctx.taxonomy.kinds))}</figure>',
    }
