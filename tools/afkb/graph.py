"""The citation graph: entries as nodes, typed relations as edges, and "wanted" papers.

A wanted paper is one that entries cite (in ``references``) but that has no entry
yet. A reference that matches an existing entry by arXiv id, DOI or normalised
title becomes a ``cites`` edge to it instead.
"""

from __future__ import annotations

import heapq
import itertools
import re
import sys
import unicodedata
import weakref
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import networkx as nx

from afkb.gcpause import without_collector

if TYPE_CHECKING:
    from collections.abc import Container, Iterable, Sequence

    from afkb.schema import Entry, Reference

WANTED_PREFIX = "wanted:"
MAX_CYCLE_LENGTH = 6
MAX_CYCLES_LISTED = 50


_NOT_ALPHANUMERIC_RE = re.compile(r"[\W_]+")


def normalise_title(title: str) -> str:
    """Letters and digits of any script, case-folded, single-spaced: "Fake Alignment: Are LLMs ..."
    and "fake alignment are llms ..." agree, while titles in other scripts keep their letters."""
    folded = unicodedata.normalize("NFKC", title).casefold()
    return _NOT_ALPHANUMERIC_RE.sub(" ", folded).strip() or folded.strip()


@dataclass(frozen=True, slots=True)
class WantedPaper:
    key: str
    title: str
    arxiv: str | None
    doi: str | None
    year: int | None
    cited_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EntryLinks:
    """A graph's entries and the ordered pairs of entries its relations join, as flat lists: entry
    number ``i`` is ``ids[i]``, and pair ``j`` runs from ``sources[j]`` to ``targets[j]``; the
    pairs are in order of their source.

    ``build_graph`` records it beside the graph while it holds these facts (not among the graph's
    attributes, which the graph exports write out), so that analyses among entries need not walk
    networkx's nested dictionaries: their memory is scattered, and a walk over them at 3,000
    entries costs well over three times one at 1,000."""

    ids: tuple[str, ...]
    kinds: tuple[str, ...]  # one per entry
    tag_uses: tuple[str, ...]  # every tag of every entry, one after another
    sources: tuple[int, ...]
    targets: tuple[int, ...]
    relations: int  # edges between entries; more than the pairs when one pair has several types


_LINKS: weakref.WeakKeyDictionary[nx.MultiDiGraph[str], EntryLinks] = weakref.WeakKeyDictionary()


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
        self.by_title = {key: e.id for e in entries if (key := normalise_title(e.title))}

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
    """All entries and wanted papers; one edge per relation, keyed by its type.

    The graph is frozen, and its ``EntryLinks`` (see ``entry_links``) are recorded on the way."""
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
    if len(nodes) != len(entries):
        raise ValueError("build_graph needs entries with distinct ids")
    parts = _GraphParts(nodes, {entry_id: n for n, entry_id in enumerate(nodes)}, _EntryIndex(entries))
    for entry in entries:
        parts.add_edges(entry)
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    graph.add_nodes_from(nodes.items())
    add_edge = graph.add_edge  # add_edges_from builds a view per edge; this is three times faster
    for source, target, key, attributes in parts.edges:
        add_edge(source, target, key=key, **attributes)
    nx.freeze(graph)  # its entry links describe it, so it must not change
    _LINKS[graph] = EntryLinks(
        ids=tuple(parts.number),
        # Interned, so that counting them reads a few shared strings, not one copy per entry.
        kinds=tuple(sys.intern(entry.kind) for entry in entries),
        tag_uses=tuple(sys.intern(tag) for entry in entries for tag in entry.tags),
        sources=tuple(parts.sources),
        targets=tuple(parts.targets),
        relations=parts.relations,
    )
    return graph


@dataclass(slots=True)
class _GraphParts:
    """The nodes and edges ``build_graph`` gathers, and the entry pairs among them as numbers."""

    nodes: dict[str, dict[str, object]]
    number: dict[str, int]  # of each entry
    index: _EntryIndex
    edges: list[tuple[str, str, str, dict[str, str]]] = field(default_factory=list)
    sources: list[int] = field(default_factory=list)  # one per linked (source, target) of entries
    targets: list[int] = field(default_factory=list)
    relations: int = 0  # edges between entries (a relation given twice is one edge)

    def add_edges(self, entry: Entry) -> None:
        """The entry's relations to other entries, then its references in order: each a ``cites``
        edge to the entry it matches (unless an edge goes there already) or to a wanted paper
        (a node the first time it is cited)."""
        source = self.number[entry.id]
        linked = set()  # targets this entry already has an edge to
        typed = set()  # (target, type) of its relations
        for relation in entry.relations:
            if relation.target in self.number:
                self.edges.append((entry.id, relation.target, relation.type, {"type": relation.type}))
                typed.add((relation.target, relation.type))
                if relation.target not in linked:
                    linked.add(relation.target)
                    self._pair(source, relation.target)
        self.relations += len(typed)
        for reference in entry.references:
            target = self.index.match(reference)
            if target and (target == entry.id or target in linked):
                continue
            if target:
                linked.add(target)
                self._pair(source, target)
                self.relations += 1
            else:
                target = _reference_key(reference)
                if target not in self.nodes:
                    self.nodes[target] = _wanted_attributes(reference)
            self.edges.append((entry.id, target, "cites", {"type": "cites"}))

    def _pair(self, source: int, target: str) -> None:
        self.sources.append(source)
        self.targets.append(self.number[target])


def _wanted_attributes(reference: Reference) -> dict[str, object]:
    return {
        "label": reference.title,
        "kind": "wanted",
        "year": reference.year or 0,
        "tags": "",
        "wanted": True,
        "arxiv": reference.arxiv or "",
        "doi": reference.doi or "",
    }


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
    links = entry_links(graph)
    return _digraph(links.ids, links.sources, links.targets, range(len(links.ids)))


def entry_links(graph: nx.MultiDiGraph[str]) -> EntryLinks:
    """The flat record of entries and entry pairs that ``build_graph`` keeps beside the graph."""
    try:
        return _LINKS[graph]
    except KeyError:
        raise ValueError("this graph was not made by build_graph") from None


def _component_sizes(count: int, sources: Sequence[int], targets: Sequence[int]) -> list[int]:
    """Sizes of the weakly connected components of entries 0..count-1, largest first: a union-find
    with path halving, written out in the loops (a function call per lookup costs a third more)."""
    parent = list(range(count))
    for source, target in zip(sources, targets, strict=True):
        a, b = source, target
        while parent[a] != a:
            # Chained assignment goes left to right: the node's parent becomes its grandparent,
            # then the walk moves on to that grandparent.
            parent[a] = a = parent[parent[a]]
        while parent[b] != b:
            parent[b] = b = parent[parent[b]]
        if a != b:
            parent[a] = b
    roots = []
    for node in range(count):
        root = node
        while parent[root] != root:
            parent[root] = root = parent[parent[root]]
        roots.append(root)
    return sorted(Counter(roots).values(), reverse=True)


def _cyclic_core(
    sources: Sequence[int], targets: Sequence[int], outgoing: Sequence[int], incoming: Sequence[int]
) -> list[int]:
    """The entries left after repeatedly removing entries with no incoming or no outgoing pair
    among those left: no cycle passes through a removed entry, and every cycle survives.
    ``outgoing`` and ``incoming`` count every entry's pairs (see ``_counts``).

    The pairs must be in order of source (``build_graph`` emits them so). Entries without incoming
    pairs go first, then, among what is left, entries without outgoing pairs; the second step
    never leaves an entry without incoming pairs, since an entry it removes has no successor left."""
    left = _without_sourceless(targets, outgoing, incoming)
    return _without_sinks(left, sources, targets) if left else []


def _without_sourceless(targets: Sequence[int], outgoing: Sequence[int], incoming: Sequence[int]) -> set[int]:
    """The entries left after repeatedly removing those without incoming pairs (Kahn's order): one
    pass over each removed entry's run of pairs, with no per-entry lists. Empty for an acyclic
    collection."""
    count = len(incoming)
    run_starts = [0, *itertools.accumulate(outgoing)]  # pairs are in order of source
    incoming = list(incoming)  # counted down as entries go
    queue = [n for n in range(count) if not incoming[n]]
    for node in queue:  # grows while it is read
        for other in targets[run_starts[node] : run_starts[node + 1]]:
            incoming[other] -= 1
            if not incoming[other]:
                queue.append(other)
    return set(range(count)).difference(queue) if len(queue) < count else set()


def _without_sinks(left: set[int], sources: Sequence[int], targets: Sequence[int]) -> list[int]:
    """The entries of ``left`` that remain after repeatedly removing those without outgoing pairs
    among them, in order."""
    predecessors: dict[int, list[int]] = {n: [] for n in left}
    outgoing = dict.fromkeys(left, 0)
    for source, target in zip(sources, targets, strict=True):
        if source in left and target in left:
            predecessors[target].append(source)
            outgoing[source] += 1
    queue = [n for n, degree in outgoing.items() if not degree]
    for node in queue:  # grows while it is read
        del outgoing[node]
        for other in predecessors[node]:
            if other in outgoing:
                outgoing[other] -= 1
                if not outgoing[other]:
                    queue.append(other)
    return sorted(outgoing)


def _counts(count: int, numbers: Iterable[int]) -> list[int]:
    """How often each of 0..count-1 occurs in ``numbers``."""
    counts = [0] * count
    for number in numbers:
        counts[number] += 1
    return counts


def _digraph(
    nodes: tuple[str, ...], sources: Sequence[int], targets: Sequence[int], members: Container[int]
) -> nx.DiGraph[str]:
    """The entries numbered in ``members`` and the pairs between them, by name."""
    digraph: nx.DiGraph[str] = nx.DiGraph()
    digraph.add_nodes_from(node for number, node in enumerate(nodes) if number in members)
    digraph.add_edges_from(
        (nodes[s], nodes[t]) for s, t in zip(sources, targets, strict=True) if s in members and t in members
    )
    return digraph


def _short_cycles(core: nx.DiGraph[str]) -> list[list[str]]:
    """Up to ``MAX_CYCLES_LISTED`` cycles of at most ``MAX_CYCLE_LENGTH`` entries, each starting
    at its smallest id."""
    cyclic = set().union(*(c for c in nx.strongly_connected_components(core) if len(c) > 1))
    cycles = []
    for cycle in nx.simple_cycles(core.subgraph(cyclic), length_bound=MAX_CYCLE_LENGTH):
        start = cycle.index(min(cycle))
        cycles.append(cycle[start:] + cycle[:start])
        if len(cycles) >= MAX_CYCLES_LISTED:
            break
    return cycles


@without_collector
def graph_stats(graph: nx.MultiDiGraph[str], top: int = 10) -> GraphStats:
    """Counts, most-cited entries, components, isolated entries and short cycles, among entries only.

    Each step is one pass over the nodes or the entry pairs (no step sorts the whole collection
    except the list of isolated entries), so the cost grows with the size of the collection."""
    links = entry_links(graph)
    nodes, sources, targets = links.ids, links.sources, links.targets
    kinds = Counter(links.kinds)
    tags = Counter(links.tag_uses)
    cited = _counts(len(nodes), targets)  # by how many entries (one pair per citing entry)
    citing = _counts(len(nodes), sources)
    # The top few by a heap: sorting every cited entry would grow faster than the collection.
    most_cited = heapq.nsmallest(top, ((nodes[n], c) for n, c in enumerate(cited) if c), key=lambda kv: (-kv[1], kv[0]))
    # Every cycle lies inside the core left when entries without an incoming or an outgoing
    # relation are peeled off one by one; a citation graph's core is usually empty or small, so
    # networkx searches only there (strongly connected components first, then short cycles).
    core = _cyclic_core(sources, targets, citing, cited)
    cycles = _short_cycles(_digraph(nodes, sources, targets, set(core))) if core else []
    return GraphStats(
        entries=len(nodes),
        relations=links.relations,
        by_kind=sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])),
        by_tag=sorted(tags.items(), key=lambda kv: (-kv[1], kv[0])),
        most_cited=most_cited,
        component_sizes=_component_sizes(len(nodes), sources, targets),
        isolated=sorted(node for node, i, o in zip(nodes, cited, citing, strict=True) if not i and not o),
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
