"""Every real entry is its own named test; the JSON Schema agrees with the validator."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import networkx as nx
import pytest
import yaml

from afkb.collection import load_collection
from afkb.graph import MAX_CYCLE_LENGTH, MAX_CYCLES_LISTED, build_graph, graph_stats
from afkb.schema import json_schema_text
from afkb.taxonomy import load_taxonomy
from afkb.validate import validate_file
from conftest import ENTRIES, ROOT

ENTRY_FILES = sorted(ENTRIES.glob("*.yaml"))
SCHEMA_FILE = ROOT / "schema" / "entry.schema.json"
# Prompts or outputs that must never appear in an entry (the entries describe attacks, never perform them).
FORBIDDEN = re.compile(r"(?i)\b(ignore (all )?(the )?previous instructions|step 1: (obtain|acquire|synthesi[sz]e))")


def test_the_knowledge_base_has_entries() -> None:
    assert len(ENTRY_FILES) >= 45


@pytest.mark.parametrize("path", ENTRY_FILES, ids=[p.stem for p in ENTRY_FILES])
def test_entry_is_valid(path: Path) -> None:
    result = validate_file(path, load_taxonomy())
    assert [str(p) for p in result.problems] == []
    entry = result.entry
    assert entry is not None
    assert entry.takeaways, "every entry needs a defensive takeaway"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/entry.schema.json\n")
    assert not FORBIDDEN.search(text)


def json_data(path: Path) -> Any:
    """An entry file as an editor's JSON Schema validator sees it: dates are strings."""
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


@pytest.mark.parametrize("path", ENTRY_FILES, ids=[p.stem for p in ENTRY_FILES])
def test_entry_matches_json_schema(path: Path) -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    data = json_data(path)
    jsonschema.Draft202012Validator(schema).validate(data)


def test_whole_collection_is_valid_and_connected() -> None:
    collection = load_collection(ENTRIES)
    assert [str(p) for p in collection.problems] == []
    assert {e.id for e in collection.entries.values()} == {p.stem for p in ENTRY_FILES}
    targets = {r.target for e in collection.entries.values() for r in e.relations}
    for entry in collection.entries.values():
        assert entry.relations or entry.id in targets, f"{entry.id} takes part in no relation"


def test_graph_stats_of_the_real_entries_agree_with_networkx() -> None:
    """The real entries cite each other in cycles (papers revised after their successors appeared),
    so graph_stats's peeling leaves a core here, unlike in the acyclic benchmark collections."""
    graph = build_graph(load_collection(ENTRIES).sorted_entries())
    stats = graph_stats(graph)
    entry_ids = [node for node, wanted in graph.nodes(data="wanted") if not wanted]
    whole = nx.DiGraph()  # entries and the relations among them, read from networkx's own views
    whole.add_nodes_from(entry_ids)
    whole.add_edges_from((s, t) for s, t in graph.edges() if s in whole and t in whole)
    assert stats.isolated == sorted(n for n in whole if not whole.degree(n))
    assert stats.component_sizes == sorted(map(len, nx.weakly_connected_components(whole)), reverse=True)
    expected = sorted(map(sorted, nx.simple_cycles(whole, length_bound=MAX_CYCLE_LENGTH)))
    assert stats.cycles, "the real entries are expected to contain a citation cycle"
    listed = sorted(map(sorted, stats.cycles))
    assert len(listed) == min(len(expected), MAX_CYCLES_LISTED)  # graph_stats lists at most that many
    assert all(cycle in expected for cycle in listed)


def test_anchor_entries_are_present_and_rich() -> None:
    collection = load_collection(ENTRIES)
    for anchor in ("zhou2024emulated", "wang2023fake"):
        entry = collection.entries[anchor]
        assert len(entry.findings) >= 5
        assert len(entry.takeaways) >= 3


def test_json_schema_file_is_up_to_date() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == json_schema_text(load_taxonomy()), (
        "schema/entry.schema.json is stale: run `afkb schema`"
    )


def test_json_schema_rejects_what_the_validator_rejects() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    good = json_data(ENTRIES / "zhou2024emulated.yaml")
    for key, bad in [("autors", ["x"]), ("url", "javascript:alert(1)"), ("kind", "atack"), ("arxiv", "2402.12343v1")]:
        assert not validator.is_valid({**good, key: bad}), key
    for field, spec in schema["properties"].items():
        assert spec.get("description"), f"{field} has no description in the JSON Schema"


def _properties(schema: dict, path: str = "") -> list[tuple[str, dict]]:
    found = []
    for name, spec in schema.get("properties", {}).items():
        found.append((f"{path}{name}", spec))
        item = spec.get("items", {})
        found += _properties(spec, f"{path}{name}.") + _properties(item, f"{path}{name}[].")
    return found


def test_every_schema_field_has_a_description_and_a_valid_example() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    fields = _properties(schema)
    assert len(fields) > 30
    for path, spec in fields:
        assert spec.get("description"), f"{path} has no description"
        assert spec.get("examples"), f"{path} has no example"
        for example in spec["examples"]:
            jsonschema.Draft202012Validator(spec).validate(example)
