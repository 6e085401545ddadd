"""`afkb add` end to end against a local server that answers as arXiv, Crossref and OpenReview do."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import yaml
from werkzeug import Response

from afkb.tracking.add import IdentifierError, parse_identifier
from conftest import problem_lines, run_afkb, valid_fields, write_entry
from services import ARXIV_ERROR, arxiv_entry, atom, crossref_work, json_body, services

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_httpserver import HTTPServer

__all__ = ["services"]  # the fixture

TITLE_V1 = "Shallow Guards: How Alignment Slips"
TITLE_PUBLISHED = "Shallow Guards: How Safety Alignment Slips Under Fine-Tuning"
DOI = "10.18653/v1/2024.inv-long.7"


def _arxiv(server: HTTPServer, ids: str, body: str, status: int = 200) -> None:
    server.expect_request("/arxiv/query", query_string={"id_list": ids, "max_results": str(ids.count(",") + 1)}).respond_with_data(
        body, status=status, content_type="application/atom+xml"
    )


def _published_paper(server: HTTPServer) -> None:
    _arxiv(
        server,
        "2401.12345",
        atom(
            arxiv_entry(
                "2401.12345",
                TITLE_V1,
                ["Jane Doe", "Juan Mattos Sánchez", "Ming Li"],
                version=3,
                published="2024-01-22T10:00:00Z",
                updated="2025-02-01T10:00:00Z",
                doi=DOI,
                comment="Code: https://github.com/example/shallow-guards.",
            )
        ),
    )
    work = crossref_work(DOI, TITLE_PUBLISHED, [("Jane", "Doe"), ("Juan", "Mattos Sánchez"), ("Ming", "Li")])
    server.expect_request(f"/crossref/works/{DOI}", query_string={"mailto": "maintainers@example.org"}).respond_with_data(
        json_body(work), content_type="application/json"
    )


def _add(entries_dir: Path, *ids: str) -> tuple[int, str, str]:
    result = run_afkb("add", "--entries", str(entries_dir), *ids, check=False)
    return result.returncode, result.stdout, result.stderr


def test_add_fills_every_field_the_services_know(services: HTTPServer, entries_dir: Path) -> None:
    _published_paper(services)
    code, out, err = _add(entries_dir, "arxiv:2401.12345v2")
    assert code == 0, err
    path = entries_dir / "doe2024shallow.yaml"
    assert out.strip() == str(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["title"] == TITLE_PUBLISHED
    assert data["title_history"] == [{"title": TITLE_V1, "version": "arXiv v1-v3"}]
    assert data["authors"] == ["Jane Doe", "Juan Mattos Sánchez", "Ming Li"]
    assert data["name_parts"] == [{"author": "Juan Mattos Sánchez", "family": "Mattos Sánchez", "given": "Juan"}]
    assert (data["year"], data["venue"], data["venue_type"]) == (2024, "Proceedings of the Invented Conference 2024", "conference")
    assert (data["arxiv"], data["doi"]) == ("2401.12345", DOI)
    assert data["url"] == "https://aclanthology.org/2024.inv-long.7/"
    assert data["code"] == "https://github.com/example/shallow-guards"
    assert data["notes"].startswith("Filled by `afkb add` on ")
    assert "(arXiv: authors" not in data["notes"]
    assert "Crossref: title, authors, year, venue, venue_type, url" in data["notes"]
    assert "arXiv: arxiv, doi, code" in data["notes"]
    assert data["changes"] == [{"date": data["added"], "note": "Added."}]
    # Only what a person must write is left: every remaining problem is an unfilled placeholder.
    problems = problem_lines(entries_dir)
    assert problems
    assert all(line.endswith("placeholder not filled in") for line in problems), problems
    assert "afkb/" in services.log[0][0].headers["User-Agent"]
    assert "mailto:maintainers@example.org" in services.log[0][0].headers["User-Agent"]


def test_a_preprint_is_an_arxiv_preprint(services: HTTPServer, entries_dir: Path) -> None:
    _arxiv(services, "2503.00042", atom(arxiv_entry("2503.00042", "The Quiet Refusal", ["Ada Lovelace"], published="2025-03-01T00:00:00Z")))
    code, _, err = _add(entries_dir, "https://arxiv.org/abs/2503.00042")
    assert code == 0, err
    data = yaml.safe_load((entries_dir / "lovelace2025quiet.yaml").read_text(encoding="utf-8"))
    assert (data["venue"], data["venue_type"], data["year"]) == ("arXiv preprint", "preprint", 2025)
    assert data["url"] == "https://arxiv.org/abs/2503.00042"
    assert "code" not in data or data["code"] is None


def test_a_journal_reference_gives_the_venue_but_not_its_type(services: HTTPServer, entries_dir: Path) -> None:
    entry = arxiv_entry("2503.00043", "Loud Refusals", ["Ada Lovelace"], journal_ref="Invented Workshop on Safety, 2025")
    _arxiv(services, "2503.00043", atom(entry))
    code, _, err = _add(entries_dir, "arxiv:2503.00043")
    assert code == 0, err
    text = (entries_dir / "lovelace2024loud.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["venue"] == "Invented Workshop on Safety, 2025"
    assert data["venue_type"] == "TODO"
    assert "its type was left for a person to set" in data["notes"]


def test_add_by_doi_and_by_acl_anthology_url(services: HTTPServer, entries_dir: Path) -> None:
    work = crossref_work(DOI, TITLE_PUBLISHED, [("Jane", "Doe")])
    services.expect_request(f"/crossref/works/{DOI}").respond_with_data(json_body(work), content_type="application/json")
    code, _, err = _add(entries_dir, "https://aclanthology.org/2024.inv-long.7/")
    assert code == 0, err
    data = yaml.safe_load((entries_dir / "doe2024shallow.yaml").read_text(encoding="utf-8"))
    assert (data["doi"], data["venue_type"]) == (DOI, "conference")
    code, _, err = _add(entries_dir, f"doi:{DOI}")
    assert code == 1
    assert err.strip().splitlines()[0] == f"doi:{DOI}: already in the knowledge base as doe2024shallow ({entries_dir}/doe2024shallow.yaml)"


def test_add_from_openreview(services: HTTPServer, entries_dir: Path) -> None:
    note = {
        "id": "AbC12xYz9",
        "forum": "AbC12xYz9",
        "pdate": 1714521600000,
        "content": {
            "title": {"value": "Refusal Is Shallow"},
            "authors": {"value": ["Grace Hopper", "Alan Turing"]},
            "venue": {"value": "ICLR 2025 poster"},
            "venueid": {"value": "ICLR.cc/2025/Conference"},
        },
    }
    services.expect_request("/openreview/notes", query_string={"forum": "AbC12xYz9"}).respond_with_data(
        json_body({"notes": [note]}), content_type="application/json"
    )
    code, _, err = _add(entries_dir, "https://openreview.net/forum?id=AbC12xYz9")
    assert code == 0, err
    data = yaml.safe_load((entries_dir / "hopper2024refusal.yaml").read_text(encoding="utf-8"))
    assert (data["venue"], data["venue_type"], data["year"]) == ("ICLR 2025 poster", "conference", 2025)
    assert data["url"] == "https://openreview.net/forum?id=AbC12xYz9"


def test_add_refuses_a_paper_already_here(services: HTTPServer, entries_dir: Path) -> None:
    write_entry(entries_dir, valid_fields(arxiv="2401.12345"))
    _published_paper(services)
    code, out, err = _add(entries_dir, "arxiv:2401.12345")
    assert code == 1
    assert out == ""
    assert err.strip().splitlines()[0] == (
        f"arxiv:2401.12345: already in the knowledge base as doe2024example ({entries_dir}/doe2024example.yaml)"
    )
    assert sorted(p.name for p in entries_dir.iterdir()) == ["doe2024example.yaml"]


def test_several_ids_one_bad(services: HTTPServer, entries_dir: Path) -> None:
    _arxiv(services, "2503.00042", atom(arxiv_entry("2503.00042", "The Quiet Refusal", ["Ada Lovelace"])))
    _arxiv(services, "9999.00001", ARXIV_ERROR)
    code, out, err = _add(entries_dir, "arxiv:2503.00042", "arxiv:9999.00001", "not-an-id")
    assert code == 1
    assert out.strip() == str(entries_dir / "lovelace2024quiet.yaml")
    assert err.strip().splitlines()[:2] == [
        "arxiv: 9999.00001: refused the request: incorrect id format for 9999.1",
        "cannot read 'not-an-id' as arxiv:ID, doi:DOI or an arXiv, doi.org, ACL Anthology or OpenReview URL",
    ]


def test_a_second_run_is_answered_from_the_cache(services: HTTPServer, entries_dir: Path) -> None:
    _published_paper(services)
    code, _, err = _add(entries_dir, "arxiv:2401.12345")
    assert code == 0
    assert "2 requests sent, 0 answered from cache" in err
    (entries_dir / "doe2024shallow.yaml").unlink()
    sent = len(services.log)
    code, _, err = _add(entries_dir, "arxiv:2401.12345")
    assert code == 0
    assert "0 requests sent, 2 answered from cache" in err
    assert len(services.log) == sent


HOSTILE = [
    ("<html><body>Service unavailable</body></html>", "answered something other than an Atom feed"),
    ("<html><body>Service unavailable<br></body></html>", "answered malformed or truncated XML"),
    (atom(arxiv_entry("2401.12345", "A Title", ["Eve"]))[:-40], "answered malformed or truncated XML"),
    (atom(arxiv_entry("2401.12345", "A <script>alert(1)</script> Title", ["Eve"])), "answered a title with markup in it"),
    (atom(arxiv_entry("2401.12345", "A Title", [f"Author {i}" for i in range(600)])), "answered 600 authors, more than 500"),
    (atom(arxiv_entry("2401.12345", "A Title", [])), "answered no authors"),
    (atom(arxiv_entry("2401.12345", "   ", ["Eve"])), "answered an empty title"),
    (atom(arxiv_entry("2401.12345", "Long " * 120, ["Eve"])), "answered a title of 599 characters"),
    (
        atom(arxiv_entry("2401.12345", r"A {\relax Title}", ["Eve"])),
        ("answered a value the validator refuses: title: braces and backslashes are not allowed here (LaTeX markup); "
        "write the text as printed"),
    ),
    ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><feed>&a;</feed>', "answered malformed or truncated XML"),
]


@pytest.mark.parametrize(("body", "message"), HOSTILE, ids=["html", "html-not-xml", "truncated", "markup", "authors", "no-authors", "empty", "huge", "latex", "entity"])
def test_hostile_answers_write_nothing(services: HTTPServer, entries_dir: Path, body: str, message: str) -> None:
    _arxiv(services, "2401.12345", body)
    code, out, err = _add(entries_dir, "arxiv:2401.12345")
    assert code == 1
    assert out == ""
    assert err.strip().splitlines()[0] == f"arxiv: 2401.12345: {message}"
    assert list(entries_dir.iterdir()) == []


def test_astral_plane_text_is_kept_as_text(services: HTTPServer, entries_dir: Path) -> None:
    title = "Refusal \U0001d4d0nd \U0001f9ea Probes"
    _arxiv(services, "2503.00042", atom(arxiv_entry("2503.00042", title, ["Ada Lovelace"])))
    code, _, err = _add(entries_dir, "arxiv:2503.00042")
    assert code == 0, err
    data = yaml.safe_load((entries_dir / "lovelace2024refusal.yaml").read_text(encoding="utf-8"))
    assert data["title"] == title


def test_crossref_answering_html_or_broken_json(services: HTTPServer, entries_dir: Path) -> None:
    services.expect_request(f"/crossref/works/{DOI}").respond_with_data("<html>down</html>", content_type="text/html")
    services.expect_request("/crossref/works/10.1234/broken").respond_with_data('{"status": "ok", "mess', content_type="application/json")
    code, _, err = _add(entries_dir, f"doi:{DOI}", "doi:10.1234/broken")
    assert code == 1
    assert err.strip().splitlines()[:2] == [
        f"crossref: {DOI}: answered text/html where JSON was expected",
        "crossref: 10.1234/broken: answered malformed or truncated JSON",
    ]
    assert list(entries_dir.iterdir()) == []


def test_retries_honour_retry_after_then_give_up(services: HTTPServer, entries_dir: Path) -> None:
    busy = Response("slow down", status=429, headers={"Retry-After": "0"})
    work = crossref_work(DOI, TITLE_PUBLISHED, [("Jane", "Doe")])
    services.expect_ordered_request(f"/crossref/works/{DOI}").respond_with_response(busy)
    services.expect_ordered_request(f"/crossref/works/{DOI}").respond_with_data(
        json_body(work), content_type="application/json"
    )
    code, _, err = _add(entries_dir, f"doi:{DOI}")
    assert code == 0, err
    assert "2 requests sent" in err
    services.clear()
    down = Response("down", status=503, headers={"Retry-After": "0"})
    services.expect_request("/crossref/works/10.1234/down").respond_with_response(down)
    code, _, err = _add(entries_dir, "doi:10.1234/down")
    assert code == 1
    assert err.strip().splitlines()[0] == "crossref: 10.1234/down: HTTP 503 after 4 attempts"
    assert len(services.log) == 4


def test_a_refusal_is_not_retried(services: HTTPServer, entries_dir: Path) -> None:
    services.expect_request("/arxiv/query").respond_with_data("no", status=403)
    code, _, err = _add(entries_dir, "arxiv:2503.00042")
    assert code == 1
    assert err.strip().splitlines()[0] == "arxiv: 2503.00042: refused the request (HTTP 403)"
    assert len(services.log) == 1


@pytest.mark.parametrize(
    ("text", "scheme", "value"),
    [
        ("arxiv:2402.12343v3", "arxiv", "2402.12343"),
        ("https://arxiv.org/pdf/2402.12343v1.pdf", "arxiv", "2402.12343"),
        ("https://arxiv.org/abs/hep-th/9901001", "arxiv", "hep-th/9901001"),
        ("doi:10.18653/v1/2024.acl-long.842", "doi", "10.18653/v1/2024.acl-long.842"),
        ("https://doi.org/10.1145/3658644.3670388", "doi", "10.1145/3658644.3670388"),
        ("https://aclanthology.org/2024.acl-long.842.pdf", "doi", "10.18653/v1/2024.acl-long.842"),
        ("https://openreview.net/pdf?id=AbC12xYz9", "openreview", "AbC12xYz9"),
    ],
)
def test_identifiers(text: str, scheme: str, value: str) -> None:
    ident = parse_identifier(text)
    assert (ident.scheme, ident.value) == (scheme, value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("arxiv:24.1", "'arxiv:24.1' is not an arXiv id such as 2402.12343"),
        ("doi:11.1/x", "'doi:11.1/x' is not a DOI such as 10.18653/v1/2024.acl-long.842"),
        (
            "https://example.org/paper",
            ("cannot read 'https://example.org/paper' as arxiv:ID, doi:DOI "
            "or an arXiv, doi.org, ACL Anthology or OpenReview URL"),
        ),
    ],
)
def test_bad_identifiers(text: str, message: str) -> None:
    with pytest.raises(IdentifierError) as raised:
        parse_identifier(text)
    assert str(raised.value) == message


def test_from_an_arxiv_id_to_a_valid_entry(services: HTTPServer, entries_dir: Path) -> None:
    """The walkthrough of CONTRIBUTING.md: `afkb add`, write what only a person can, validate."""
    from test_contributor_workflow import FILLED

    _published_paper(services)
    assert _add(entries_dir, "arxiv:2401.12345")[0] == 0
    path = entries_dir / "doe2024shallow.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in FILLED.items():
        text = text.replace(old, new)  # the bibliographic placeholders are already gone
    path.write_text(text, encoding="utf-8")
    assert problem_lines(entries_dir) == []
