"""The citation graph: typed edges, wanted papers, stats, paths and the graph commands."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from afkb.cli import main
from afkb.collection import load_collection
from afkb.errors import AfkbError
from afkb.graph import build_graph, entry_subgraph, graph_stats, relation_path, wanted_papers
from conftest import ENTRIES, valid_fields, write_entry


def small_collection(entries_dir: Path) -> Path:
    write_entry(entries_dir, valid_fields("aaa2020base", arxiv="2001.00001", kind="method"))
    write_entry(
        entries_dir,
        valid_fields(
            "bbb2021middle",
            arxiv="2101.00001",
            relations=[{"type": "builds-on", "target": "aaa2020base"}],
            references=[
                {"title": "A Missing Paper", "arxiv": "1901.00001"},
                {"title": "Base Paper", "arxiv": "2001.00001"},
            ],
        ),
    )
    write_entry(
        entries_dir,
        valid_fields(
            "ccc2022top",
            arxiv="2201.00001",
            kind="defense",
            relations=[{"type": "defends-against", "target": "bbb2021middle"}],
            references=[{"title": "A missing paper!", "arxiv": "1901.00001"}, {"title": "Only By Title"}],
        ),
    )
    write_entry(entries_dir, valid_fields("ddd2023alone", arxiv="2301.00001"))
    return entries_dir


def test_graph_edges_and_wanted(entries_dir: Path) -> None:
    collection = load_collection(small_collection(entries_dir))
    graph = build_graph(collection.entries.values())
    assert sorted(graph.edges(keys=True)) == [
        ("bbb2021middle", "aaa2020base", "builds-on"),
        ("bbb2021middle", "wanted:arxiv:1901.00001", "cites"),
        ("ccc2022top", "bbb2021middle", "defends-against"),
        ("ccc2022top", "wanted:arxiv:1901.00001", "cites"),
        ("ccc2022top", "wanted:title:only by title", "cites"),
    ]
    wanted = wanted_papers(graph)
    assert [(w.title, w.cited_by) for w in wanted] == [
        ("A Missing Paper", ("bbb2021middle", "ccc2022top")),
        ("Only By Title", ("ccc2022top",)),
    ]


def test_reference_to_existing_entry_becomes_cites_edge(entries_dir: Path) -> None:
    write_entry(entries_dir, valid_fields("aaa2020base", arxiv="2001.00001"))
    write_entry(
        entries_dir,
        valid_fields("bbb2021middle", arxiv="2101.00001", references=[{"title": "whatever", "arxiv": "2001.00001"}]),
    )
    graph = build_graph(load_collection(entries_dir).entries.values())
    assert list(graph.edges(keys=True)) == [("bbb2021middle", "aaa2020base", "cites")]


def test_reference_matched_by_normalised_title_becomes_cites_edge(entries_dir: Path) -> None:
    """A reference with no arXiv id or DOI links to the entry whose title it gives, whatever the case
    and punctuation; a reference to a title no entry has stays a wanted paper."""
    write_entry(
        entries_dir,
        valid_fields("aaa2020base", arxiv="2001.00001", title="Fake Alignment: Are LLMs Really Aligned Well?"),
    )
    references = [{"title": "fake alignment -- are LLMs really aligned well"}, {"title": "An Unrelated Paper"}]
    write_entry(entries_dir, valid_fields("bbb2021middle", arxiv="2101.00001", references=references))
    graph = build_graph(load_collection(entries_dir).entries.values())
    edges = list(graph.edges(keys=True))
    assert ("bbb2021middle", "aaa2020base", "cites") in edges
    assert [t for s, t, k in edges if s == "bbb2021middle" and t != "aaa2020base"] == [
        "wanted:title:an unrelated paper"
    ]


def test_pairs_and_relations_between_entries_are_counted_once(entries_dir: Path) -> None:
    small_collection(entries_dir)
    write_entry(  # two relation types and a reference to one target: one pair, two edges (no extra cites)
        entries_dir,
        valid_fields(
            "eee2024twice",
            arxiv="2401.00009",
            tags=["open-weights", "fine-tuning-attack"],
            relations=[{"type": "builds-on", "target": "aaa2020base"}, {"type": "evaluates", "target": "aaa2020base"}],
            references=[{"title": "Base Paper", "arxiv": "2001.00001"}, {"title": "Middle", "arxiv": "2101.00001"}],
        ),
    )
    graph = build_graph(load_collection(entries_dir).sorted_entries())
    assert sorted(entry_subgraph(graph).edges()) == [
        ("bbb2021middle", "aaa2020base"),
        ("ccc2022top", "bbb2021middle"),
        ("eee2024twice", "aaa2020base"),
        ("eee2024twice", "bbb2021middle"),
    ]
    stats = graph_stats(graph)
    assert stats.relations == 5
    assert stats.most_cited[:2] == [("aaa2020base", 2), ("bbb2021middle", 2)]


def test_graphs_are_frozen_and_ids_distinct(entries_dir: Path) -> None:
    entries = list(load_collection(small_collection(entries_dir)).entries.values())
    with pytest.raises(AfkbError, match=r"^build_graph needs entries with distinct ids$"):
        build_graph(entries + entries[:1])
    graph = build_graph(entries)
    with pytest.raises(nx.NetworkXError, match="Frozen graph can't be modified"):
        graph.add_edge("ddd2023alone", "aaa2020base", key="cites")


def test_stats_and_path(entries_dir: Path) -> None:
    graph = build_graph(load_collection(small_collection(entries_dir)).entries.values())
    stats = graph_stats(graph)
    assert stats.entries == 4
    assert stats.by_kind == [("attack", 2), ("defense", 1), ("method", 1)]
    assert stats.most_cited == [("aaa2020base", 1), ("bbb2021middle", 1)]
    assert graph_stats(graph, top=1).most_cited == [("aaa2020base", 1)]  # ties broken by id
    assert stats.isolated == ["ddd2023alone"]
    assert stats.component_sizes == [3, 1]
    assert stats.cycles == []
    assert relation_path(graph, "ccc2022top", "aaa2020base") == [
        ("ccc2022top", "defends-against", "bbb2021middle"),
        ("bbb2021middle", "builds-on", "aaa2020base"),
    ]
    assert relation_path(graph, "aaa2020base", "ccc2022top") is None


def test_cycles_are_reported(entries_dir: Path) -> None:
    write_entry(
        entries_dir,
        valid_fields("aaa2020base", arxiv="2001.00001", relations=[{"type": "cites", "target": "bbb2021middle"}]),
    )
    write_entry(
        entries_dir,
        valid_fields("bbb2021middle", arxiv="2101.00001", relations=[{"type": "cites", "target": "aaa2020base"}]),
    )
    stats = graph_stats(build_graph(load_collection(entries_dir).entries.values()))
    assert stats.cycles == [["aaa2020base", "bbb2021middle"]]


def test_cycles_are_found_in_every_component_and_only_up_to_the_length_bound(entries_dir: Path) -> None:
    def ring(prefix: str, size: int, first_arxiv: int) -> None:
        for i in range(size):
            target = f"{prefix}{(i + 1) % size}"
            write_entry(
                entries_dir,
                valid_fields(
                    f"{prefix}{i}", arxiv=f"2401.{first_arxiv + i:05d}", relations=[{"type": "cites", "target": target}]
                ),
            )

    ring("aaa2024ring", 3, 100)  # a cycle of three
    ring("bbb2024long", 7, 200)  # longer than the bound of six: not listed
    write_entry(
        entries_dir,
        valid_fields("ccc2024chain", arxiv="2401.00300", relations=[{"type": "cites", "target": "aaa2024ring0"}]),
    )
    stats = graph_stats(build_graph(load_collection(entries_dir).entries.values()))
    assert stats.cycles == [["aaa2024ring0", "aaa2024ring1", "aaa2024ring2"]]


def test_graph_commands(entries_dir: Path) -> None:
    small_collection(entries_dir)
    runner = CliRunner()
    result = runner.invoke(main, ["graph", "path", "--entries", str(entries_dir), "ccc2022top", "aaa2020base"])
    assert (result.exit_code, result.stdout) == (
        0,
        "ccc2022top\n  --defends-against--> bbb2021middle\n  --builds-on--> aaa2020base\n",
    )
    result = runner.invoke(main, ["graph", "path", "--entries", str(entries_dir), "aaa2020base", "ccc2022top"])
    assert result.exit_code == 1
    assert result.stdout == (
        "no path from aaa2020base to ccc2022top (there is one from ccc2022top to aaa2020base: "
        "run `afkb graph path ccc2022top aaa2020base`)\n"
    )
    result = runner.invoke(main, ["graph", "wanted", "--entries", str(entries_dir)])
    assert result.stdout == (
        "  2  A Missing Paper [arXiv:1901.00001]  <- bbb2021middle, ccc2022top\n  1  Only By Title  <- ccc2022top\n"
    )
    result = runner.invoke(main, ["graph", "stats", "--entries", str(entries_dir)])
    assert result.exit_code == 0
    assert "Isolated entries: ddd2023alone" in result.stdout
    result = runner.invoke(main, ["graph", "path", "--entries", str(entries_dir), "nobody2020x", "aaa2020base"])
    assert result.exit_code == 2


def test_real_graph_lineage() -> None:
    graph = build_graph(load_collection(ENTRIES).entries.values())
    assert relation_path(graph, "zhao2024weak", "li2022contrastive") is not None
    assert graph.number_of_nodes() > 48


def test_export_selection_and_atomic_output(entries_dir: Path, tmp_path: Path) -> None:
    small_collection(entries_dir)
    out = tmp_path / "out.bib"
    out.write_text("previous\n")
    runner = CliRunner()
    result = runner.invoke(
        main, ["export", "--entries", str(entries_dir), "--format", "bibtex", "--kind", "defense", "-o", str(out)]
    )
    assert result.exit_code == 0
    assert out.read_text().startswith("@inproceedings{ccc2022top,")
    assert out.read_text().count("@") == 1
    result = runner.invoke(
        main,
        ["export", "--entries", str(entries_dir), "--format", "bibtex", "--id", "aaa2020base", "--id", "ddd2023alone"],
    )
    assert [line for line in result.stdout.splitlines() if line.startswith("@")] == [
        "@inproceedings{ddd2023alone,",
        "@inproceedings{aaa2020base,",
    ]
    result = runner.invoke(
        main,
        [
            "export",
            "--entries",
            str(entries_dir),
            "--format",
            "bibtex",
            "--tag",
            "fine-tuning-attack",
            "--tag",
            "open-weights",
        ],
    )
    assert result.stdout.count("@inproceedings") == 4
    write_entry(entries_dir, valid_fields("eee2024broken", title=True))
    result = runner.invoke(main, ["export", "--entries", str(entries_dir), "--format", "ris", "-o", str(out)])
    assert result.exit_code == 1
    assert out.read_text().startswith("@inproceedings{ccc2022top,"), "a failed export must leave the old file"
