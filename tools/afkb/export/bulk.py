"""Several export formats of one collection at once, split over two processes where that pays.

On Linux, with more than one processor, a large collection and no other thread running, a
forked child writes about half of the formats while this process writes the rest; the child
inherits the entries (and the graph, if one is given), so nothing is copied to it. When the
graph still has to be built, this process builds it and writes the graph formats while the
child writes citation formats, which need no graph. The child's output is used
only if it arrives whole; otherwise (the child failed or was killed) this process writes those
formats itself, so the result never depends on the child: it is always exactly what
:func:`export_collection` gives for each format.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from typing import TYPE_CHECKING

from afkb.export.formats import GRAPH_FORMATS, export_collection
from afkb.graph import build_graph

if TYPE_CHECKING:
    from collections.abc import Sequence

    import networkx as nx

    from afkb.schema import Entry

# Below this many entries all formats together take well under a tenth of a second: not worth a fork.
PARALLEL_FROM_ENTRIES = 500

# Relative cost of each format and of building the graph (measured at 10,000 entries).
_COST = {"bibtex": 3.0, "biblatex": 3.0, "csl-json": 2.0, "ris": 1.0, "graphml": 2.0, "json": 2.5}
_GRAPH_COST = 3.0


def export_formats(
    entries: Sequence[Entry],
    formats: Sequence[str],
    graph: nx.MultiDiGraph[str] | None = None,
    *,
    parallel: bool | None = None,
) -> dict[str, str]:
    """Each of ``formats`` as :func:`export_collection` writes it; ``parallel`` None decides by itself."""
    needs_graph = graph is None and any(fmt in GRAPH_FORMATS for fmt in formats)
    if parallel is None:
        parallel = can_fork_safely() and len(entries) >= PARALLEL_FROM_ENTRIES and len(formats) > 1
    if not parallel:
        graph = build_graph(entries) if needs_graph else graph
        return {fmt: export_collection(entries, fmt, graph) for fmt in formats}
    mine, theirs = split_by_cost(formats, graph_to_build=needs_graph)
    child = _start_child(entries, theirs, graph)
    graph = build_graph(entries) if needs_graph else graph
    output = {fmt: export_collection(entries, fmt, graph) for fmt in mine}
    from_child = _collect(child, theirs)
    for fmt in theirs:
        output[fmt] = from_child[fmt] if from_child is not None else export_collection(entries, fmt, graph)
    return {fmt: output[fmt] for fmt in formats}


def can_fork_safely() -> bool:
    """Forking is safe only without other threads (one may hold a lock the child would need)."""
    return sys.platform == "linux" and (os.cpu_count() or 1) > 1 and threading.active_count() == 1


def split_by_cost(formats: Sequence[str], *, graph_to_build: bool = False) -> tuple[list[str], list[str]]:
    """This process's share and the child's, of about equal cost, the costliest formats placed first.

    With ``graph_to_build``, this process builds the graph, so the graph formats are its own.
    """
    shares: tuple[list[str], list[str]] = ([], [])
    totals = [0.0, 0.0]
    if graph_to_build:
        shares[0].extend(fmt for fmt in formats if fmt in GRAPH_FORMATS)
        totals[0] = _GRAPH_COST + sum(_COST.get(fmt, 1.0) for fmt in shares[0])
        formats = [fmt for fmt in formats if fmt not in GRAPH_FORMATS]
    for fmt in sorted(formats, key=lambda f: -_COST.get(f, 1.0)):
        lighter = 0 if totals[0] <= totals[1] else 1
        shares[lighter].append(fmt)
        totals[lighter] += _COST.get(fmt, 1.0)
    return shares


def _start_child(entries: Sequence[Entry], formats: list[str], graph: nx.MultiDiGraph[str] | None) -> tuple[int, int]:
    """Fork a child that writes ``formats`` (pickled) to a pipe; returns (pid, read end)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        status = 1
        try:
            os.close(read_end)
            payload = _child_payload(entries, formats, graph)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _child_payload(entries: Sequence[Entry], formats: list[str], graph: nx.MultiDiGraph[str] | None) -> bytes:
    return pickle.dumps({fmt: export_collection(entries, fmt, graph) for fmt in formats})


def _collect(child: tuple[int, int], formats: list[str]) -> dict[str, str] | None:
    """The child's output, or None unless it exited cleanly with every format as text."""
    pid, read_end = child
    with os.fdopen(read_end, "rb") as pipe:
        payload = pipe.read()  # read before waiting: the child blocks until the pipe is drained
    _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None
    try:
        output = pickle.loads(payload)  # noqa: S301 - written by our own forked child, just now
    except (pickle.UnpicklingError, EOFError, ValueError):
        return None
    if not isinstance(output, dict) or sorted(output) != sorted(formats):
        return None
    if not all(isinstance(text, str) for text in output.values()):
        return None
    return output
