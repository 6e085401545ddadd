"""The citation graph page: its data (nodes with precomputed positions and edges, as JSON in the
page), the legend of relation types, and a text alternative listing every paper's relations."""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

import networkx as nx

from afkb.graph import entry_subgraph
from afkb.render import labels
from afkb.render.figures import kind_colour
from afkb.render.indexes import index_page
from afkb.render.links import href, paper_path

if TYPE_CHECKING:
    from afkb.render.context import SiteContext
    from afkb.render.page import GeneratedPage

PAGE = "graph.md"
# Relation type -> (colour, dashed). Colour and dash together tell the ten types apart; the colours
# (Okabe-Ito and a grey) stay visible on Material's light and dark backgrounds.
EDGE_STYLES: dict[str, tuple[str, bool]] = {
    "cites": ("#9e9e9e", False),
    "builds-on": ("#E69F00", False),
    "extends": ("#E69F00", True),
    "uses-data-from": ("#56B4E9", False),
    "evaluates": ("#56B4E9", True),
    "attacks": ("#D55E00", False),
    "defends-against": ("#009E73", False),
    "confirms": ("#009E73", True),
    "critiques": ("#CC79A7", False),
    "compares-with": ("#CC79A7", True),
}
DEFAULT_EDGE_STYLE = ("#9e9e9e", True)
SHORT_TITLE_LENGTH = 30
LAYOUT_SEED = 19
LAYOUT_ITERATIONS = 120
GRAVITY = 0.05  # pull towards the centre, so a small component stays near the rest
LAYOUT_WIDTH = 1600  # model units of the preset positions


def short_title(title: str, limit: int = SHORT_TITLE_LENGTH) -> str:
    return labels.short_title(title, limit)


def layout_positions(graph: nx.DiGraph[str]) -> dict[str, list[int]]:
    """Positions of the papers, the same on every build of the same graph, in model units of
    ``LAYOUT_WIDTH`` wide: each weakly connected component laid out on its own (a force layout
    pushes unconnected parts far apart), in a box whose side grows with the square root of its
    size, the boxes packed in rows, largest first."""
    components = sorted((sorted(c) for c in nx.weakly_connected_components(graph)), key=lambda c: (-len(c), c[0]))
    if not components:
        return {}
    unit = LAYOUT_WIDTH * 0.75 / math.sqrt(len(components[0]))  # side of the box per sqrt(paper)
    positions: dict[str, list[int]] = {}
    x = y = row_height = 0.0
    for nodes in components:
        side = unit * max(math.sqrt(len(nodes)), 1.0)
        if x and x + side > LAYOUT_WIDTH:
            x, y, row_height = 0.0, y + row_height, 0.0
        members = set(nodes)
        edges = sorted({(min(a, b), max(a, b)) for a, b in graph.edges(nodes) if b in members and a != b})
        for node, z in zip(nodes, spring_layout(nodes, edges), strict=True):
            positions[node] = [round(x + z.real * side * 0.9), round(y + z.imag * side * 0.9)]
        x += side
        row_height = max(row_height, side)
    return positions


def spring_layout(nodes: list[str], edges: list[tuple[str, str]], seed: int = LAYOUT_SEED) -> list[complex]:
    """Fruchterman-Reingold positions in the unit square, the same on every run (seeded start,
    fixed iterations).

    networkx's ``spring_layout`` needs numpy, which the project does not otherwise depend on;
    this is the same algorithm in plain Python, positions as complex numbers. Repulsion is the
    grid variant of Fruchterman and Reingold's paper: only papers closer than 2k push each other
    (k²·d/|d|² = k²·conj(1/d)), found through a grid of cells 2k wide, so a step costs about n
    and not n² (a full pairwise sum took 17 s for 1,000 papers)."""
    n = len(nodes)
    if n <= 1:
        return [complex(0.5, 0.5)] * n
    rng = random.Random(seed)  # noqa: S311 - a reproducible layout, not a secret
    zs = [complex(rng.random(), rng.random()) for _ in nodes]
    index = {node: i for i, node in enumerate(nodes)}
    pairs = [(index[a], index[b]) for a, b in edges]
    k = math.sqrt(1.0 / n)
    k2 = k * k
    centre = complex(0.5, 0.5)
    temperature = 0.1
    cooling = temperature / (LAYOUT_ITERATIONS + 1)
    for _ in range(LAYOUT_ITERATIONS):
        # repulsion from the papers nearby, and a little gravity
        forces = [
            k2 * pushed.conjugate() + (centre - z) * GRAVITY for z, pushed in zip(zs, _pushes(zs, 2 * k), strict=True)
        ]
        for a, b in pairs:  # attraction along relations
            pull = (zs[a] - zs[b]) * abs(zs[a] - zs[b]) / k
            forces[a] -= pull
            forces[b] += pull
        for i, force in enumerate(forces):  # each move capped by the temperature, which cools
            length = abs(force) or 1e-9
            zs[i] += force * (min(length, temperature) / length)
        temperature -= cooling
    low = complex(min(z.real for z in zs), min(z.imag for z in zs))
    span = max(max(z.real for z in zs) - low.real, max(z.imag for z in zs) - low.imag, 1e-9)
    return [(z - low) / span for z in zs]


def _pushes(zs: list[complex], reach: float) -> list[complex]:
    """For each position, the sum of 1/d over the positions less than ``reach`` away (d = the
    difference), looked up in the 3 x 3 grid cells of side ``reach`` around it."""
    keys = [(math.floor(z.real / reach), math.floor(z.imag / reach)) for z in zs]
    cells: dict[tuple[int, int], list[complex]] = defaultdict(list)
    for key, z in zip(keys, zs, strict=True):
        cells[key].append(z)
    near = {  # one neighbourhood per occupied cell, shared by the papers in it
        (x, y): [w for dx in (-1, 0, 1) for dy in (-1, 0, 1) for w in cells.get((x + dx, y + dy), ())] for x, y in cells
    }
    return [
        sum([1 / (z - w) for w in near[key] if w != z and abs(z - w) < reach]) for z, key in zip(zs, keys, strict=True)
    ]


def graph_data(ctx: SiteContext) -> dict[str, list[dict[str, Any]]]:
    """Entries as nodes (with preset positions) and their typed relations to each other as edges."""
    entries: nx.DiGraph[str] = entry_subgraph(ctx.graph)
    positions = layout_positions(entries)
    nodes: list[dict[str, Any]] = []
    for node in sorted(entries.nodes):
        data = ctx.graph.nodes[node]
        nodes.append(
            {
                "id": node,
                "title": data["label"],
                "short": short_title(data["label"]),
                "kind": data["kind"],
                "year": data["year"],
                "tags": data["tags"].split(),
                "colour": kind_colour(data["kind"]),
                "url": href(PAGE, paper_path(node)),
                "cited": entries.in_degree(node),
                "position": positions[node],
            }
        )
    edges = [
        {"source": s, "target": t, "type": k}
        for s, t, k in sorted(ctx.graph.edges(keys=True))
        if s in entries and t in entries
    ]
    return {"nodes": nodes, "edges": edges}


def edge_legend(ctx: SiteContext, edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each relation type with its label, description, colour, dash and number of edges."""
    counts = Counter(e["type"] for e in edges)
    legend = []
    for name, relation in ctx.taxonomy.relations.items():
        colour, dashed = EDGE_STYLES.get(name, DEFAULT_EDGE_STYLE)
        legend.append(
            {
                "type": name,
                "label": ctx.relation_label(name),
                "description": relation.description,
                "colour": colour,
                "dashed": dashed,
                "count": counts.get(name, 0),
            }
        )
    return legend


def text_alternative(ctx: SiteContext, nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every paper, by title, with its outgoing relations grouped by type (the graph as a list)."""
    by_id = {n["id"]: n for n in nodes}
    items = []
    for node in sorted(nodes, key=lambda n: (n["title"].casefold(), n["id"])):
        groups: dict[str, list[dict[str, Any]]] = {}
        for rel_type, target in ctx.outgoing(node["id"]):
            if target in by_id:
                groups.setdefault(rel_type, []).append(by_id[target])
        order = list(ctx.taxonomy.relations)
        ranked = sorted(groups, key=lambda t: (order.index(t) if t in order else len(order), t))
        relations = [{"label": ctx.relation_label(t), "targets": groups[t]} for t in ranked]
        items.append({"node": node, "relations": relations})
    return items


def graph_page(ctx: SiteContext) -> GeneratedPage:
    data = graph_data(ctx)
    legend = edge_legend(ctx, data["edges"])
    kinds = sorted({n["kind"] for n in data["nodes"]})
    return index_page(
        PAGE,
        "Citation graph",
        "graph.md",
        search=False,
        wide=True,
        data={**data, "edgeStyles": {e["type"]: {"colour": e["colour"], "dashed": e["dashed"]} for e in legend}},
        kinds=kinds,
        tags=sorted({t for n in data["nodes"] for t in n["tags"]}),
        legend=[(k, kind_colour(k)) for k in kinds],
        edge_legend=legend,
        papers=text_alternative(ctx, data["nodes"]),
    )
