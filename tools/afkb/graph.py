"""The citation graph: entries as nodes, typed relations as edges, and "wanted" papers.

A wanted paper is one that entries cite (in ``references``) but that has no entry
yet. A reference that matches an existing entry by arXiv id, DOI or normalised
title becomes a ``cites`` edge to it instead.
"""

from __future__ import annotations

import heapq
import itertools
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx

from afkb.gcpause import without_collector

if TYPE_CHECKING:
    from collections.abc import Iterable

    from afkb.schema import Entry, Reference

WANTED_PREFIX = "wanted:"
MAX_CYCLE_LENGTH = 6
MAX_CYCLES_LISTED = 50


_NOT_ALPHANUMERIC_RE = re.compile(r"[^a-z0-9]+")


def normalise_title(title: str) -> str:
    return _NOT_ALPHANUMERIC_RE.sub(" ", title.lower()).strip()


@dataclass(frozen=True, slots=True)
class WantedPaper:
    key: str
    title: str
    arxiv: str | None
    doi: str | None
    year: int | None
    cited_by: tuple[str, ...]


def _reference_key(reference: Reference) -> str:
    if reference.arxiv:
        return f"{WANTED_PREFIX}arxiv:{reference.arxiv}"
    if reference.doi:
        return f"{WANTED_PREFIX}doi:{reference.doi.lower()}"
    return f"{WANTED_PREFIX}title:{normalise_title(reference.title)}"


class _EntryIndex:
    """Entries by arXiv id, DOI and normalised title, to match references against."""

    def __init__(self, entries: list[Entry]) -> None:
        self.by_arxiv = {e.arxiv: e.id for e in entries if e.arxiv}
        self.by_doi = {e.doi.lower(): e.id for e in entries if e.doi}
        self.by_title = {normalise_title(e.title): e.id for e in entries}

    def match(self, reference: Reference) -> str | None:
        """The entry a reference points at, by arXiv id, then DOI, then normalised title."""
        return (
            (reference.arxiv and self.by_arxiv.get(reference.arxiv))
            or (reference.doi and self.by_doi.get(reference.doi.lower()))
            or self.by_title.get(normalise_title(reference.title))
            or None
        )


@without_collector
def build_graph(entries: Iterable[Entry]) -> nx.MultiDiGraph[str]:
    """All entries and wanted papers; one edge per relation, keyed by its type."""
    entries = list(entries)
    nodes: dict[str, dict[str, object]] = {
        entry.id: {
            "label": entry.title,
            "kind": entry.kind,
            "year": entry.year,
            "tags": " ".join(entry.tags),
            "wanted": False,
        }
        for entry in entries
    }
    index = _EntryIndex(entries)
    edges: list[tuple[str, str, str, dict[str, str]]] = []
    for entry in entries:
        linked = set()  # targets this entry already has an edge to
        for relation in entry.relations:
            if relation.target in nodes:
                edges.append((entry.id, relation.target, relation.type, {"type": relation.type}))
                linked.add(relation.target)
        for reference in entry.references:
            target = index.match(reference)
            if target:
                if target != entry.id and target not in linked:
                    edges.append((entry.id, target, "cites", {"type": "cites"}))
                    linked.add(target)
                continue
            key = _reference_key(reference)
            if key not in nodes:
                nodes[key] = {
                    "label": reference.title,
                    "kind": "wanted",
                    "year": reference.year or 0,
                    "tags": "",
                    "wanted": True,
                    "arxiv": reference.arxiv or "",
                    "doi": reference.doi or "",
                }
            edges.append((entry.id, key, "cites", {"type": "cites"}))
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    graph.add_nodes_from(nodes.items())
    add_edge = graph.add_edge  # add_edges_from builds a view per edge; this is three times faster
    for source, target, key, attributes in edges:
        add_edge(source, target, key=key, **attributes)
    return graph


def wanted_papers(graph: nx.MultiDiGraph[str]) -> list[WantedPaper]:
    """Wanted papers, most cited first."""
    wanted = []
    for node, data in graph.nodes(data=True):
        if not data["wanted"]:
            continue
        citing = tuple(sorted(set(graph.predecessors(node))))
        wanted.append(
            WantedPaper(node, data["label"], data["arxiv"] or None, data["doi"] or None, data["year"] or None, citing)
        )
    return sorted(wanted, key=lambda w: (-len(w.cited_by), w.title.lower()))


def incoming(graph: nx.MultiDiGraph[str], node: str) -> list[tuple[str, str]]:
    """(relation type, source id) pairs pointing at ``node``."""
    return sorted((key, source) for source, _, key in graph.in_edges(node, keys=True))


def outgoing(graph: nx.MultiDiGraph[str], node: str) -> list[tuple[str, str]]:
    return sorted((key, target) for _, target, key in graph.out_edges(node, keys=True))


@dataclass(frozen=True, slots=True)
class GraphStats:
    entries: int
    relations: int
    by_kind: list[tuple[str, int]]
    by_tag: list[tuple[str, int]]
    most_cited: list[tuple[str, int]]
    component_sizes: list[int]  # of the weakly connected components, largest first
    isolated: list[str]
    cycles: list[list[str]]
    wanted: int


def entry_subgraph(graph: nx.MultiDiGraph[str]) -> nx.DiGraph[str]:
    """Entries only, one edge per ordered pair, without attributes (look them up in ``graph``)."""
    nodes = [n for n, is_wanted in graph.nodes(data="wanted") if not is_wanted]
    return _digraph(nodes, _entry_pairs(graph, set(nodes))[0])


def _entry_pairs(graph: nx.MultiDiGraph[str], entries: set[str]) -> tuple[list[tuple[str, str]], int]:
    """(source, target) pairs between entries and the number of relations between them, in one
    pass over the graph's adjacency (iterating its edge views costs several times more)."""
    pairs = []
    relations = 0
    for source, targets in graph.adjacency():
        if source not in entries:
            continue
        for target, keyed in targets.items():
            if target in entries:
                pairs.append((source, target))
                relations += len(keyed)
    return pairs, relations


def _component_sizes(nodes: list[str], pairs: list[tuple[str, str]]) -> list[int]:
    """Sizes of the weakly connected components, largest first (union-find over the pairs)."""
    parent = {n: n for n in nodes}

    def root(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]  # path halving
            n = parent[n]
        return n

    for source, target in pairs:
        a, b = root(source), root(target)
        if a != b:
            parent[a] = b
    return sorted(Counter(root(n) for n in nodes).values(), reverse=True)


def _cyclic_core(pairs: list[tuple[str, str]]) -> tuple[list[str], list[tuple[str, str]]]:
    """The nodes and pairs left after repeatedly removing nodes with no incoming or no outgoing
    pair: no cycle passes through a removed node, and every cycle survives."""
    successors: dict[str, set[str]] = {}
    predecessors: dict[str, set[str]] = {}
    for source, target in pairs:
        successors.setdefault(source, set()).add(target)
        predecessors.setdefault(target, set()).add(source)
    alive = successors.keys() & predecessors.keys()
    queue = list((successors.keys() | predecessors.keys()) - alive)  # each node is queued once
    while queue:
        node = queue.pop()
        for target in successors.pop(node, ()):
            predecessors[target].discard(node)
            if not predecessors[target] and target in alive:
                alive.discard(target)
                queue.append(target)
        for source in predecessors.pop(node, ()):
            successors[source].discard(node)
            if not successors[source] and source in alive:
                alive.discard(source)
                queue.append(source)
    return sorted(alive), [(s, t) for s, t in pairs if s in alive and t in alive]


def _digraph(nodes: list[str], pairs: list[tuple[str, str]]) -> nx.DiGraph[str]:
    digraph: nx.DiGraph[str] = nx.DiGraph()
    digraph.add_nodes_from(nodes)
    digraph.add_edges_from(pairs)
    return digraph


@without_collector
def graph_stats(graph: nx.MultiDiGraph[str], top: int = 10) -> GraphStats:
    """Counts, most-cited entries, components, isolated entries and short cycles, among entries only.

    Each step is one pass over the nodes or the entry pairs (no step sorts the whole collection
    except the list of isolated entries), so the cost grows with the size of the collection."""
    nodes: list[str] = []
    kinds: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    for node, data in graph.nodes(data=True):
        if not data["wanted"]:
            nodes.append(node)
            kinds[data["kind"]] += 1
            tags.update(data["tags"].split())
    pairs, relations = _entry_pairs(graph, set(nodes))
    cited = Counter(target for _, target in pairs)  # by how many entries
    # The top few by a heap: sorting every cited entry would grow faster than the collection.
    most_cited = heapq.nsmallest(top, cited.items(), key=lambda kv: (-kv[1], kv[0]))
    linked = {n for pair in pairs for n in pair}
    # Every cycle lies inside the core left when entries without an incoming or an outgoing
    # relation are peeled off one by one; a citation graph's core is usually empty or small, so
    # networkx searches only there (strongly connected components first, then short cycles).
    core = _digraph(*_cyclic_core(pairs))
    cyclic = set().union(*(c for c in nx.strongly_connected_components(core) if len(c) > 1))
    cycles = []
    for cycle in nx.simple_cycles(core.subgraph(cyclic), length_bound=MAX_CYCLE_LENGTH):
        start = cycle.index(min(cycle))
        cycles.append(cycle[start:] + cycle[:start])
        if len(cycles) >= MAX_CYCLES_LISTED:
            break
    return GraphStats(
        entries=len(nodes),
        relations=relations,
        by_kind=sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])),
        by_tag=sorted(tags.items(), key=lambda kv: (-kv[1], kv[0])),
        most_cited=most_cited,
        component_sizes=_component_sizes(nodes, pairs),
        isolated=sorted(n for n in nodes if n not in linked),
        cycles=sorted(cycles),
        wanted=graph.number_of_nodes() - len(nodes),
    )


def relation_path(graph: nx.MultiDiGraph[str], source: str, target: str) -> list[tuple[str, str, str]] | None:
    """The shortest chain of relations from ``source`` to ``target`` as (from, type, to) steps."""
    entries = entry_subgraph(graph)
    try:
        nodes = nx.shortest_path(entries, source, target)
    except nx.NetworkXNoPath:
        return None
    steps = []
    for a, b in itertools.pairwise(nodes):
        types = sorted(graph[a][b])
        steps.append((a, "/".join(types), b))
    return steps
