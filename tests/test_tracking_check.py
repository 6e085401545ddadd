"""`afkb check` against a local server answering as arXiv and Crossref do."""

from __future__ import annotations

import difflib
import json
from typing import TYPE_CHECKING

import yaml

from conftest import run_afkb, valid_fields, write_entry
from services import arxiv_entry, atom, json_body, services

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_httpserver import HTTPServer

__all__ = ["services"]

DOI = "10.18653/v1/2025.inv-long.3"
OLD_TITLE = "An Example Paper on Alignment Fragility"
NEW_TITLE = "How Alignment Fragility Shows Under Fine-Tuning"


def _entries(entries_dir: Path) -> None:
    preprint = valid_fields(
        "doe2024example",
        venue="arXiv preprint",
        venue_type="preprint",
        arxiv="2401.12345",
        changes=[{"date": "2024-05-01", "note": "Added."}],
    )
    write_entry(entries_dir, preprint)
    published = valid_fields(
        "roe2023other", title="Another Paper", arxiv="2305.00001", doi="10.1234/other", year=2024
    )
    write_entry(entries_dir, published)
    assert run_afkb("fmt", "--entries", str(entries_dir)).returncode == 0
    path = entries_dir / "doe2024example.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("venue:", "# Venue checked by hand in May.\nvenue:", 1), encoding="utf-8")


def _answers(server: HTTPServer) -> None:
    feed = atom(
        arxiv_entry("2401.12345", OLD_TITLE, ["Jane Doe"], version=3, updated="2025-03-01T00:00:00Z", doi=DOI),
        arxiv_entry("2305.00001", "Another Paper", ["Ming Roe"], version=1, published="2023-05-01T00:00:00Z"),
    )
    server.expect_request("/arxiv/query").respond_with_data(feed, content_type="application/atom+xml")
    items = [
        {"DOI": "10.1234/other", "type": "journal-article", "title": ["Another Paper"], "author": [],
         "container-title": ["Journal of Inventions"], "published": {"date-parts": [[2023]]}},
        {"DOI": DOI, "type": "proceedings-article", "title": [NEW_TITLE],
         "author": [{"given": "Jane", "family": "Doe"}], "container-title": ["Proceedings of INV 2025"],
         "published": {"date-parts": [[2025, 6]]}},
    ]
    body = {"status": "ok", "message-type": "work-list", "message": {"items": items, "total-results": 2}}
    server.expect_request(
        "/crossref/works",
        query_string={"filter": f"doi:10.1234/other,doi:{DOI}", "rows": "2", "mailto": "maintainers@example.org"},
    ).respond_with_data(json_body(body), content_type="application/json")


def test_check_reports_and_changes_nothing(services: HTTPServer, entries_dir: Path) -> None:
    _entries(entries_dir)
    before = {p.name: p.read_bytes() for p in entries_dir.iterdir()}
    _answers(services)
    result = run_afkb("check", "--entries", str(entries_dir))
    assert result.stdout.splitlines() == [
        "doe2024example: arXiv v3 (2025-03-01) is newer than the entry's last change (2024-05-01)",
        f"doe2024example: title -> {NEW_TITLE} (would apply)",
        "doe2024example: year -> 2025 (would apply)",
        "doe2024example: venue -> Proceedings of INV 2025 (would apply)",
        "doe2024example: venue_type -> conference (would apply)",
        f"doe2024example: doi -> {DOI} (would apply)",
        "roe2023other: Crossref gives the year 2023 (the entry says 2024)",
    ]
    assert "2 requests sent, 0 answered from cache" in result.stderr
    assert {p.name: p.read_bytes() for p in entries_dir.iterdir()} == before
    as_json = json.loads(run_afkb("check", "--entries", str(entries_dir), "--format", "json").stdout)
    assert as_json[0]["updates"]["venue_type"] == "conference"
    markdown = run_afkb("check", "--entries", str(entries_dir), "--format", "markdown").stdout
    assert markdown.splitlines()[0] == "| Entry | What the services say | Update |"
    assert "| roe2023other | Crossref gives the year 2023 (the entry says 2024) | - |" in markdown


def test_check_apply_writes_only_the_certain_updates(services: HTTPServer, entries_dir: Path) -> None:
    _entries(entries_dir)
    path = entries_dir / "doe2024example.yaml"
    other = (entries_dir / "roe2023other.yaml").read_bytes()
    before = path.read_text(encoding="utf-8")
    _answers(services)
    run_afkb("check", "--entries", str(entries_dir), "--apply")
    after = path.read_text(encoding="utf-8")
    data = yaml.safe_load(after)
    assert (data["title"], data["venue"], data["venue_type"], data["year"], data["doi"]) == (
        NEW_TITLE, "Proceedings of INV 2025", "conference", 2025, DOI
    )
    assert data["title_history"] == [{"title": OLD_TITLE, "version": "arXiv preprint"}]
    assert data["changes"][0]["note"] == "Updated title, year, venue, venue_type, doi from arXiv and Crossref (afkb check)."
    assert data["changes"][1] == {"date": "2024-05-01", "note": "Added."}  # as it was written
    assert "# Venue checked by hand in May.\n" in after
    removed = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line.startswith("- ")]
    # The updated fields' lines and the (one-line, flow-style) changes list; every other line is kept.
    assert [line.split(":")[0] for line in removed] == ["- title", "- year", "- venue", "- venue_type", "- changes"]
    assert (entries_dir / "roe2023other.yaml").read_bytes() == other  # notices only: untouched
    assert run_afkb("validate", "--entries", str(entries_dir)).returncode == 0
    again = run_afkb("check", "--entries", str(entries_dir), "--apply")
    assert "doe2024example: doi" not in again.stdout


def test_check_writes_nothing_when_a_service_fails(services: HTTPServer, entries_dir: Path) -> None:
    _entries(entries_dir)
    before = {p.name: p.read_bytes() for p in entries_dir.iterdir()}
    feed = atom(arxiv_entry("2401.12345", OLD_TITLE, ["Jane Doe"], version=3, doi=DOI))
    services.expect_request("/arxiv/query").respond_with_data(feed, content_type="application/atom+xml")
    services.expect_request("/crossref/works").respond_with_data("<html>maintenance</html>", content_type="text/html")
    result = run_afkb("check", "--entries", str(entries_dir), "--apply", check=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: crossref: 10.1234/other and 1 more: answered text/html where JSON was expected"
    )
    assert {p.name: p.read_bytes() for p in entries_dir.iterdir()} == before
