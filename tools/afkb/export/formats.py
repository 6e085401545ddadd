"""One entry point for every export format, shared by `afkb export` and the site's downloads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from afkb.errors import AfkbError
from afkb.export import CITATION_FORMATS, FORMATS, GRAPH_FORMATS
from afkb.export.bibtex import export_bibtex
from afkb.export.csl import export_csl_json
from afkb.export.graphs import export_graph_json, export_graphml
from afkb.export.ris import export_ris
from afkb.graph import build_graph

if TYPE_CHECKING:
    from collections.abc import Sequence

    import networkx as nx

    from afkb.schema import Entry

__all__ = ["CITATION_FORMATS", "FORMATS", "GRAPH_FORMATS", "export_collection", "export_formats"]


def export_collection(entries: Sequence[Entry], fmt: str, graph: nx.MultiDiGraph[str] | None = None) -> str:
    """``entries`` in ``fmt``; graph formats use ``graph`` when given (it must be built from ``entries``)."""
    if fmt == "bibtex":
        return export_bibtex(entries)
    if fmt == "biblatex":
        return export_bibtex(entries, biblatex=True)
    if fmt == "csl-json":
        return export_csl_json(entries)
    if fmt == "ris":
        return export_ris(entries)
    graph = graph if graph is not None else build_graph(entries)
    if fmt == "graphml":
        return export_graphml(graph)
    if fmt == "json":
        return export_graph_json(graph)
    msg = f"unknown format {fmt!r}"
    raise AfkbError(msg)


def export_formats(
    entries: Sequence[Entry], formats: Sequence[str], graph: nx.MultiDiGraph[str] | None = None
) -> dict[str, str]:
    """Several formats of one collection; the graph is built once for the graph formats."""
    if graph is None and any(fmt in GRAPH_FORMATS for fmt in formats):
        graph = build_graph(entries)
    return {fmt: export_collection(entries, fmt, graph) for fmt in formats}
