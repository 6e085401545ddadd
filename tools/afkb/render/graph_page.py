"""The citation graph page: its data (nodes and edges as JSON in the page) and its frame."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from afkb.render.figures import kind_colour
from afkb.render.indexes import index_page
from afkb.render.links import href, paper_path

if TYPE_CHECKING:
    from afkb.render.context import SiteContext
    from afkb.render.page import GeneratedPage


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
    return index_page(
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
