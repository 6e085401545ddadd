"""The citation graph: entries as nodes, typed relations as edges, and "wanted" papers.

A wanted paper is one that entries cite (in ``references``) but that has no entry
yet. A reference that matches an existing entry by arXiv id, DOI or normalised
title becomes a ``cites`` edge to it instead.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import networkx as nx

from afkb.errors import AfkbError

if TYPE_CHECKING:
    from collections.abc import Iterable

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


def build_graph(entries: Iterable[Entry]) -> nx.MultiDiGraph[str]:
    """All entries and wanted papers; one edge per relation, keyed by its type (frozen)."""
    entries = list(entries)
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for entry in entries:
        graph.add_node(
            entry.id, label=entry.title, kind=entry.kind, year=entry.year, tags=" ".join(entry.tags), wanted=False
        )
    if graph.number_of_nodes() != len(entries):
        raise AfkbError("build_graph needs entries with distinct ids")
    index = _EntryIndex(entries)
    for entry in entries:
        _add_edges(graph, entry, index)
    nx.freeze(graph)
    return graph


def _add_edges(graph: nx.MultiDiGraph[str], entry: Entry, index: _EntryIndex) -> None:
    """The entry's relations to other entries, then its references in order: each a ``cites`` edge
    to the entry it matches (unless an edge goes there already) or to a wanted paper (a node the
    first time it is cited)."""
    linked = set()  # targets this entry already has an edge to
    for relation in entry.relations:
        if relation.target in graph and not graph.nodes[relation.target]["wanted"]:
            graph.add_edge(entry.id, relation.target, key=relation.type, type=relation.type)
            linked.add(relation.target)
    for reference in entry.references:
        target = index.match(reference)
        if target and (target == entry.id or target in linked):
            continue
        if target:
            linked.add(target)
        else:
            target = _reference_key(reference)
            if target not in graph:
                graph.add_node(target, **_wanted_attributes(reference))
        graph.add_edge(entry.id, target, key="cites", type="cites")


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
    entries = [node for node, wanted in graph.nodes(data="wanted") if not wanted]
    subgraph: nx.DiGraph[str] = nx.DiGraph()
    subgraph.add_nodes_from(entries)
    subgraph.add_edges_from((s, t) for s, t in graph.edges() if s in subgraph and t in subgraph)
    return subgraph


def _short_cycles(entries: nx.DiGraph[str]) -> list[list[str]]:
    """Up to ``MAX_CYCLES_LISTED`` cycles of at most ``MAX_CYCLE_LENGTH`` entries, each starting
    at its smallest id."""
    cycles = []
    for cycle in nx.simple_cycles(entries, length_bound=MAX_CYCLE_LENGTH):
        start = cycle.index(min(cycle))
        cycles.append(cycle[start:] + cycle[:start])
        if len(cycles) >= MAX_CYCLES_LISTED:
            break
    return cycles


def graph_stats(graph: nx.MultiDiGraph[str], top: int = 10) -> GraphStats:
    """Counts, most-cited entries, components, isolated entries and short cycles, among entries only."""
    entries = entry_subgraph(graph)
    nodes = graph.nodes
    cited = dict(entries.in_degree())  # by how many entries (one pair per citing entry)
    citing = dict(entries.out_degree())
    most_cited = sorted(((n, c) for n, c in cited.items() if c), key=lambda kv: (-kv[1], kv[0]))[:top]
    return GraphStats(
        entries=entries.number_of_nodes(),
        relations=sum(1 for s, t in graph.edges() if s in entries and t in entries),
        by_kind=_by_count(Counter(nodes[n]["kind"] for n in entries)),
        by_tag=_by_count(Counter(tag for n in entries for tag in nodes[n]["tags"].split())),
        most_cited=most_cited,
        component_sizes=sorted((len(c) for c in nx.weakly_connected_components(entries)), reverse=True),
        isolated=sorted(n for n in entries if not cited[n] and not citing[n]),
        cycles=sorted(_short_cycles(entries)),
        wanted=graph.number_of_nodes() - entries.number_of_nodes(),
    )


def _by_count(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


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
