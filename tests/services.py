"""Answers in each metadata service's documented format, for a local test server.

The papers are invented; only the shapes follow the services' documentation: the arXiv API's
Atom feed, Crossref's ``/works/{doi}`` message, OpenAlex's works list and Semantic Scholar's
paper batch, and OpenReview's notes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

import pytest

if TYPE_CHECKING:
    from pytest_httpserver import HTTPServer

ATOM_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom" '
    'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">\n'
    "<title>arXiv Query</title><id>http://arxiv.org/api/query</id><updated>2026-12-01T00:00:00-05:00</updated>\n"
)


def arxiv_entry(
    arxiv_id: str,
    title: str,
    authors: list[str],
    *,
    version: int = 1,
    published: str = "2024-01-05T10:00:00Z",
    updated: str | None = None,
    doi: str | None = None,
    journal_ref: str | None = None,
    comment: str | None = None,
    summary: str = "We study an invented problem.",
) -> str:
    parts = [
        "<entry>",
        f"<id>http://arxiv.org/abs/{arxiv_id}v{version}</id>",
        f"<updated>{updated or published}</updated><published>{published}</published>",
        f"<title>{escape(title)}</title><summary>{escape(summary)}</summary>",
        *(f"<author><name>{escape(name)}</name></author>" for name in authors),
        f"<arxiv:doi>{escape(doi)}</arxiv:doi>" if doi else "",
        f"<arxiv:journal_ref>{escape(journal_ref)}</arxiv:journal_ref>" if journal_ref else "",
        f"<arxiv:comment>{escape(comment)}</arxiv:comment>" if comment else "",
        f'<link href="http://arxiv.org/abs/{arxiv_id}v{version}" rel="alternate" type="text/html"/>',
        '<arxiv:primary_category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>',
        "</entry>",
    ]
    return "".join(parts)


def atom(*entries: str) -> str:
    return ATOM_HEAD + "".join(entries) + "</feed>\n"


ARXIV_ERROR = atom(
    "<entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_9999.1</id><title>Error</title>"
    "<summary>incorrect id format for 9999.1</summary><updated>2026-12-01T00:00:00-05:00</updated></entry>"
)


def crossref_work(
    doi: str,
    title: str,
    authors: list[tuple[str, str]],
    *,
    container: str = "Proceedings of the Invented Conference 2024",
    kind: str = "proceedings-article",
    year: int = 2024,
) -> dict[str, Any]:
    return {
        "status": "ok",
        "message-type": "work",
        "message-version": "1.0.0",
        "message": {
            "DOI": doi,
            "type": kind,
            "title": [title],
            "author": [
                {"given": given, "family": family, "sequence": "first" if i == 0 else "additional"}
                for i, (given, family) in enumerate(authors)
            ],
            "container-title": [container],
            "published": {"date-parts": [[year, 8]]},
            "issued": {"date-parts": [[year, 8]]},
            "URL": f"https://doi.org/{doi}",
        },
    }


def json_body(data: Any) -> str:
    return json.dumps(data)


@pytest.fixture
def services(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> HTTPServer:
    """Every service's base URL pointed at the local test server, each under its own path."""
    for env, path in [
        ("AFKB_ARXIV_API", "/arxiv"),
        ("AFKB_CROSSREF_API", "/crossref"),
        ("AFKB_OPENALEX_API", "/openalex"),
        ("AFKB_S2_API", "/s2"),
        ("AFKB_OPENREVIEW_API", "/openreview"),
    ]:
        monkeypatch.setenv(env, httpserver.url_for(path))
    monkeypatch.setenv("AFKB_CONTACT", "maintainers@example.org")
    monkeypatch.setenv("AFKB_CACHE_DIR", str(tmp_path_factory.mktemp("http-cache")))
    return httpserver
