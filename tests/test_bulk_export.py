"""Several formats at once: the same bytes as one format at a time, whichever process wrote them."""

from __future__ import annotations

import pickle
import threading
from typing import TYPE_CHECKING

import pytest

from afkb.collection import load_collection
from afkb.export import FORMATS, GRAPH_FORMATS, bulk
from afkb.export.bulk import export_formats, split_by_cost
from afkb.export.formats import export_collection
from afkb.graph import build_graph
from conftest import ENTRIES

if TYPE_CHECKING:
    from afkb.schema import Entry

ENTRIES_LIST = load_collection(ENTRIES).sorted_entries()


def one_at_a_time(entries: list[Entry]) -> dict[str, str]:
    return {fmt: export_collection(entries, fmt) for fmt in FORMATS}


EXPECTED = one_at_a_time(ENTRIES_LIST)


@pytest.mark.parametrize("parallel", [True, False])
@pytest.mark.parametrize("with_graph", [True, False])
def test_every_format_is_what_it_is_alone(parallel: bool, with_graph: bool) -> None:
    graph = build_graph(ENTRIES_LIST) if with_graph else None
    output = export_formats(ENTRIES_LIST, FORMATS, graph, parallel=parallel)
    assert list(output) == list(FORMATS)
    assert output == EXPECTED


def test_the_childs_output_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proof that a child wrote its share: its (here marked) text arrives in the result."""
    monkeypatch.setattr(
        bulk, "_child_payload", lambda _e, formats, _g: pickle.dumps({f: f"child {f}" for f in formats})
    )
    mine, theirs = split_by_cost(FORMATS, graph_to_build=True)
    output = export_formats(ENTRIES_LIST, FORMATS, parallel=True)
    assert {fmt: output[fmt] for fmt in theirs} == {fmt: f"child {fmt}" for fmt in theirs}
    assert {fmt: output[fmt] for fmt in mine} == {fmt: EXPECTED[fmt] for fmt in mine}


def _raise(*_: object) -> bytes:
    raise RuntimeError


@pytest.mark.parametrize(
    "payload",
    [
        _raise,  # the child fails: it exits with status 1
        lambda *_: b"not a pickle",
        lambda *_: pickle.dumps({"bibtex": "only one format"}),
        lambda _e, formats, _g: pickle.dumps(dict.fromkeys(formats, b"bytes, not text")),
        lambda _e, formats, _g: pickle.dumps(list(formats)),
    ],
)
def test_a_child_that_fails_or_answers_wrongly_is_replaced(monkeypatch: pytest.MonkeyPatch, payload: object) -> None:
    monkeypatch.setattr(bulk, "_child_payload", payload)
    assert export_formats(ENTRIES_LIST, FORMATS, parallel=True) == EXPECTED


def test_shares_split_the_formats_evenly() -> None:
    mine, theirs = split_by_cost(FORMATS)
    assert sorted(mine + theirs) == sorted(FORMATS)
    assert mine
    assert theirs
    assert abs(sum(bulk._COST[f] for f in mine) - sum(bulk._COST[f] for f in theirs)) <= max(bulk._COST.values())
    mine, theirs = split_by_cost(FORMATS, graph_to_build=True)
    assert set(GRAPH_FORMATS) <= set(mine)
    assert theirs
    assert not set(GRAPH_FORMATS) & set(theirs)
    assert split_by_cost(["bibtex"]) == (["bibtex"], [])


def test_no_fork_while_another_thread_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(bulk.sys, "platform", "linux")
    with monkeypatch.context() as alone:
        alone.setattr(bulk.threading, "active_count", lambda: 1)  # as in `mkdocs build` (the suite has threads)
        assert bulk.can_fork_safely()
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert not bulk.can_fork_safely()
    finally:
        release.set()
        thread.join()
    monkeypatch.setattr(bulk.os, "cpu_count", lambda: 1)
    assert not bulk.can_fork_safely()


def test_small_collections_are_exported_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork(*_: object) -> tuple[int, int]:
        raise AssertionError

    monkeypatch.setattr(bulk, "_start_child", no_fork)
    monkeypatch.setattr(bulk, "can_fork_safely", lambda: True)
    assert len(ENTRIES_LIST) < bulk.PARALLEL_FROM_ENTRIES
    assert export_formats(ENTRIES_LIST, FORMATS) == EXPECTED
    monkeypatch.setattr(bulk, "PARALLEL_FROM_ENTRIES", 1)
    with pytest.raises(AssertionError):
        export_formats(ENTRIES_LIST, FORMATS)
