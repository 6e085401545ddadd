"""`afkb radar` against a local server answering as OpenAlex and Semantic Scholar do."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import yaml

from conftest import run_afkb, valid_fields, write_entry
from services import json_body, services

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_httpserver import HTTPServer

__all__ = ["services"]

OA_KEY = "oa-secret-key-123"
S2_KEY = "s2-secret-key-456"
WORK = "https://openalex.org/"


def _project(tmp_path: Path) -> Path:
    entries = tmp_path / "entries"
    write_entry(entries, valid_fields("doe2024example"))
    write_entry(entries, valid_fields("roe2023other", title="Another Paper", arxiv="2305.00001", doi="10.1234/other", year=2024))
    return entries


def _openalex(server: HTTPServer) -> None:
    ours = {"results": [{"id": WORK + "W1", "doi": "https://doi.org/10.48550/arxiv.2401.00001"},
                        {"id": WORK + "W2", "doi": "https://doi.org/10.1234/other"}], "meta": {"count": 2}}
    server.expect_request(
        "/openalex/works",
        query_string={"filter": "doi:10.1234/other|10.48550/arxiv.2401.00001", "select": "id,doi", "per-page": "100", "api_key": OA_KEY},
    ).respond_with_data(json_body(ours), content_type="application/json")
    select = "id,doi,title,publication_year,referenced_works"
    page1 = {"meta": {"count": 3, "next_cursor": "c2"}, "results": [
        {"id": WORK + "W10", "doi": "https://doi.org/10.5555/p1", "title": "Paper One", "publication_year": 2025,
         "referenced_works": [WORK + "W1", WORK + "W2", WORK + "W999"]},
        {"id": WORK + "W11", "doi": "https://doi.org/10.48550/arxiv.2502.00002", "title": "Paper Two",
         "publication_year": 2025, "referenced_works": [WORK + "W1"]},
    ]}
    page2 = {"meta": {"count": 3, "next_cursor": None}, "results": [
        {"id": WORK + "W12", "doi": None, "title": "Paper Three", "publication_year": 2024, "referenced_works": [WORK + "W1"]},
    ]}
    for cursor, page in (("*", page1), ("c2", page2)):
        server.expect_request(
            "/openalex/works",
            query_string={"filter": "cites:W1|W2", "select": select, "cursor": cursor, "per-page": "200", "api_key": OA_KEY},
        ).respond_with_data(json_body(page), content_type="application/json")


def _s2(server: HTTPServer, *, broken: bool = False) -> None:
    two = {"paperId": "s2-two", "title": "Paper Two", "year": 2025, "externalIds": {"ArXiv": "2502.00002"}}
    four = {"paperId": "s2-four", "title": "Paper Four", "year": 2026, "externalIds": {"DOI": "10.5555/P4"}}
    ours = {"paperId": "s2-ours", "title": "An Example Paper on Alignment Fragility", "year": 2024,
            "externalIds": {"ArXiv": "2401.00001"}}
    body = [{"paperId": "a", "citations": [two, four]}, {"paperId": "b", "citations": [two, four, ours]}]
    server.expect_request(
        "/s2/graph/v1/paper/batch",
        method="POST",
        query_string={"fields": "title,citations.title,citations.year,citations.externalIds"},
        json={"ids": ["ARXIV:2401.00001", "ARXIV:2305.00001"]},
        headers={"x-api-key": S2_KEY},
    ).respond_with_data(json_body(body[:1] if broken else body), content_type="application/json")


def _radar(entries: Path, *extra: str) -> tuple[int, str]:
    result = run_afkb("radar", "--entries", str(entries), *extra, check=False)
    return result.returncode, result.stderr


def test_radar_merges_ranks_and_keeps_statuses(services: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AFKB_OPENALEX_KEY", OA_KEY)
    monkeypatch.setenv("AFKB_S2_KEY", S2_KEY)
    entries = _project(tmp_path)
    _openalex(services)
    _s2(services)
    code, err = _radar(entries)
    assert code == 0, err
    assert "4 requests sent, 0 answered from cache" in err
    radar_file = tmp_path / "tracking" / "radar.yaml"
    data = yaml.safe_load(radar_file.read_text(encoding="utf-8"))["candidates"]
    assert [(c["title"], c["cites"], c.get("found_by")) for c in data] == [
        ("Paper Four", ["doe2024example", "roe2023other"], ["semanticscholar"]),
        ("Paper One", ["doe2024example", "roe2023other"], ["openalex"]),
        ("Paper Two", ["doe2024example", "roe2023other"], ["openalex", "semanticscholar"]),
    ]  # Paper Three cites one entry (below --min-cites 2); the entry's own record is dropped
    assert data[2]["arxiv"] == "2502.00002"
    assert all(c["status"] == "new" for c in data)
    stored = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert OA_KEY.encode() not in stored
    assert S2_KEY.encode() not in stored

    text = radar_file.read_text(encoding="utf-8")
    text = text.replace("status: new", "status: declined\n  reason: Not about alignment.", 1)
    text = text.replace("status: new", "status: reading", 1)
    radar_file.write_text(text, encoding="utf-8")
    code, err = _radar(entries)
    assert code == 0, err
    assert "0 requests sent, 4 answered from cache" in err
    data = yaml.safe_load(radar_file.read_text(encoding="utf-8"))["candidates"]
    assert [(c["title"], c["status"], c.get("reason")) for c in data] == [
        ("Paper Four", "declined", "Not about alignment."),
        ("Paper One", "reading", None),
        ("Paper Two", "new", None),
    ]


def test_a_paper_that_gets_an_entry_is_marked_added() -> None:
    import datetime as dt

    from afkb.bibimport import ExistingEntries
    from afkb.tracking.radar import Candidate, merge_into
    from conftest import entry_object

    kept = [Candidate("Paper Two", 2025, arxiv="2502.00002", cites=["a", "b"]), Candidate("Paper Nine", status="reading")]
    found = [Candidate("Paper Two", 2025, arxiv="2502.00002", cites=["c"]), Candidate("Lone", cites=["a"])]
    existing = ExistingEntries([entry_object(id="roe2025paper", title="Paper Two", arxiv="2502.00002")])
    merged = merge_into(kept, found, existing, dt.date(2026, 1, 1), min_cites=2)
    assert [(c.title, c.status, c.entry, c.cites) for c in merged] == [
        ("Paper Two", "added", "roe2025paper", ["a", "b", "c"]),
        ("Paper Nine", "reading", None, []),
    ]


def test_radar_without_an_openalex_key_asks_semantic_scholar(services: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AFKB_OPENALEX_KEY", raising=False)
    monkeypatch.setenv("AFKB_S2_KEY", S2_KEY)
    entries = _project(tmp_path)
    _s2(services)
    code, err = _radar(entries)
    assert code == 0, err
    assert "openalex: skipped: AFKB_OPENALEX_KEY is not set (OpenAlex requires an API key)" in err
    data = yaml.safe_load((tmp_path / "tracking" / "radar.yaml").read_text(encoding="utf-8"))["candidates"]
    assert [c["title"] for c in data] == ["Paper Four", "Paper Two"]


def test_a_bad_answer_writes_nothing(services: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AFKB_S2_KEY", S2_KEY)
    entries = _project(tmp_path)
    radar_file = tmp_path / "tracking" / "radar.yaml"
    radar_file.parent.mkdir()
    radar_file.write_text("candidates:\n  - title: Kept\n    status: reading\n", encoding="utf-8")
    _s2(services, broken=True)
    code, err = _radar(entries)
    assert code == 1
    assert err.strip().splitlines()[-1] == (
        "Error: semanticscholar: ARXIV:2401.00001: answered something other than one record per id"
    )
    assert radar_file.read_text(encoding="utf-8") == "candidates:\n  - title: Kept\n    status: reading\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("candidates:\n  - title: X\n    status: maybe\n", "3:13: candidates[0].status: expected one of: new, reading, declined, added"),
        ("candidates:\n  - title: X\n    status: declined\n", "2:5: candidates[0].reason: a declined paper needs a reason"),
        ("candidates:\n  - title: X\n    status: added\n", "2:5: candidates[0].entry: an added paper needs the id of its entry"),
        (
            "candidates:\n  - title: X\n    colour: red\n",
            ("3:5: candidates[0].colour: unknown field; expected one of: "
            "title, year, arxiv, doi, cites, found_by, first_seen, status, reason, entry"),
        ),
        ("candidates: &a\n  - title: X\n", "1:13: YAML anchors (&a) are not allowed; write the value out"),
    ],
)
def test_a_malformed_radar_file_is_named_with_its_line(tmp_path: Path, text: str, message: str) -> None:
    entries = _project(tmp_path)
    radar_file = tmp_path / "tracking" / "radar.yaml"
    radar_file.parent.mkdir()
    radar_file.write_text(text, encoding="utf-8")
    code, err = _radar(entries)
    assert code == 1
    assert err.strip().splitlines()[-1] == f"Error: {radar_file}:{message}"
