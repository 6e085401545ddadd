"""`afkb add`: from an arXiv id, a DOI or a landing-page URL to a skeleton entry whose
bibliographic fields the services filled, each credited in the notes. The text is validated
before it is written: a service's answer that the validator refuses never reaches a file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from afkb.bibimport import ExistingEntries, suggest_id
from afkb.errors import AfkbError
from afkb.graph import normalise_title
from afkb.load import LoadError, Mapping, Scalar, decode, parse
from afkb.names import parse_name
from afkb.problems import for_terminal
from afkb.scaffold import skeleton
from afkb.schema import ARXIV_PATTERN, DOI_PATTERN
from afkb.tracking import arxiv, crossref, openreview
from afkb.tracking.http import ARXIV, CROSSREF, OPENREVIEW, Http, ServiceError
from afkb.tracking.openreview import FORUM_ID
from afkb.tracking.records import PaperRecord
from afkb.validate import read_untrusted, validate_bytes

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable
    from pathlib import Path

    from afkb.taxonomy import Taxonomy

SERVICE_NAMES = {ARXIV.name: "arXiv", CROSSREF.name: "Crossref", OPENREVIEW.name: "OpenReview"}
FILLED_FIELDS = ("title", "authors", "year", "venue", "venue_type", "arxiv", "doi", "url", "code", "name_parts")
ACL_DOI_PREFIX = "10.18653/v1/"
PLACEHOLDER_PROBLEM = "placeholder not filled in"


class IdentifierError(AfkbError):
    """Not an identifier `afkb add` can look up."""


@dataclass(frozen=True)
class Identifier:
    scheme: str  # "arxiv", "doi" or "openreview"
    value: str
    given: str  # as the user typed it


def parse_identifier(text: str) -> Identifier:
    """arxiv:ID, doi:DOI, or an arXiv, doi.org, ACL Anthology or OpenReview URL."""
    given = text.strip()
    lowered = given.lower()
    if lowered.startswith("arxiv:"):
        return _arxiv(given[6:], given)
    if lowered.startswith("doi:"):
        return _doi(given[4:], given)
    found = _from_url(given)
    if found is None:
        raise IdentifierError(
            f"cannot read '{for_terminal(given)}' as arxiv:ID, doi:DOI "
            "or an arXiv, doi.org, ACL Anthology or OpenReview URL"
        )
    return found


def _from_url(given: str) -> Identifier | None:
    parts = urlsplit(given)
    if parts.scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = unquote(parts.path)
    if host in ("arxiv.org", "export.arxiv.org"):
        match = re.fullmatch(r"/(?:abs|pdf|html)/(.+?)(?:\.pdf)?/?", path)
        return _arxiv(match.group(1), given) if match else None
    if host in ("doi.org", "dx.doi.org"):
        return _doi(path.lstrip("/"), given)
    if host == "aclanthology.org":
        match = re.fullmatch(r"/([A-Za-z0-9.-]+?)(?:\.pdf)?/?", path)
        return _doi(ACL_DOI_PREFIX + match.group(1), given) if match else None
    if host == "openreview.net":
        forum = (parse_qs(parts.query).get("id") or [""])[0]
        return Identifier("openreview", forum, given) if re.fullmatch(FORUM_ID, forum) else None
    return None


def _arxiv(value: str, given: str) -> Identifier:
    bare = re.sub(r"v[0-9]+$", "", value.strip())
    if not re.fullmatch(ARXIV_PATTERN, bare):
        raise IdentifierError(f"'{for_terminal(given)}' is not an arXiv id such as 2402.12343")
    return Identifier("arxiv", bare, given)


def _doi(value: str, given: str) -> Identifier:
    doi = value.strip()
    if not re.fullmatch(DOI_PATTERN, doi):
        raise IdentifierError(f"'{for_terminal(given)}' is not a DOI such as 10.18653/v1/2024.acl-long.842")
    return Identifier("doi", doi, given)


def _landing_url(doi: str) -> str:
    if doi.startswith(ACL_DOI_PREFIX):
        return f"https://aclanthology.org/{doi.removeprefix(ACL_DOI_PREFIX)}/"
    return f"https://doi.org/{doi}"


def _published(base: PaperRecord, published: PaperRecord) -> list[dict[str, str]]:
    """Take the published record's title, authors, venue and year; the earlier title as history."""
    history = []
    if normalise_title(published.title) != normalise_title(base.title):
        history.append({"title": base.title, "version": f"arXiv v1-v{base.version}" if base.version else "preprint"})
    for name in ("title", "authors", "year", "venue", "venue_type"):
        value = getattr(published, name)
        if value:
            setattr(base, name, value)
            base.sources[name] = published.sources.get(name, CROSSREF.name)
    return history


def resolve(http: Http, ident: Identifier) -> tuple[PaperRecord, list[dict[str, str]]]:
    """The paper's record and its earlier titles."""
    if ident.scheme == "arxiv":
        paper = arxiv.fetch(http, [ident.value]).get(ident.value)
        if paper is None:
            raise ServiceError(ARXIV.name, ident.value, "knows no paper with this id")
        record = paper.record
        history: list[dict[str, str]] = []
        published = crossref.fetch(http, record.doi) if record.doi else None
        if published is not None and published.venue:
            history = _published(record, published)
            record.name_structure = published.name_structure
            record.url = _landing_url(published.doi or "")
            record.sources["url"] = CROSSREF.name
        elif paper.journal_ref:
            record.venue = paper.journal_ref  # its venue type is left for the contributor
            record.sources["venue"] = ARXIV.name
        else:
            record.venue, record.venue_type = "arXiv preprint", "preprint"
            record.sources.update(venue=ARXIV.name, venue_type=ARXIV.name)
        return record, history
    if ident.scheme == "doi":
        found = crossref.fetch(http, ident.value)
        if found is None:
            raise ServiceError(CROSSREF.name, ident.value, "knows no work with this DOI")
        found.first_year = found.year
        found.url = _landing_url(ident.value)
        found.filled(CROSSREF.name, "first_year", "url")
        return found, []
    forum = openreview.fetch(http, ident.value)
    if forum is None:
        raise ServiceError(OPENREVIEW.name, ident.value, "knows no forum with this id")
    return forum, []


def name_parts(record: PaperRecord) -> list[dict[str, str]]:
    """Structured names (from Crossref) where reading the printed name would split it wrongly."""
    if record.sources.get("authors") != CROSSREF.name or len(record.name_structure) != len(record.authors):
        return []
    parts = []
    for author, structure in zip(record.authors, record.name_structure, strict=True):
        family = structure.get("family", "")
        if family and parse_name(author).family_with_particle != family:
            item = {"author": author, "family": family}
            if structure.get("given"):
                item["given"] = structure["given"]
            parts.append(item)
    return parts


def _notes(record: PaperRecord, today: dt.date) -> str:
    by_service: dict[str, list[str]] = {}
    for name in FILLED_FIELDS:
        if name in record.sources:
            by_service.setdefault(record.sources[name], []).append(name)
    filled_by = "; ".join(f"{SERVICE_NAMES.get(s, s)}: {', '.join(names)}" for s, names in by_service.items())
    note = f"Filled by `afkb add` on {today.isoformat()} from the metadata services ({filled_by})."
    if record.venue and "venue_type" not in record.sources:
        note += " The venue came from the arXiv journal reference; its type was left for a person to set."
    return note + " Check every field against the paper before relying on it.\n"


def entry_text(
    record: PaperRecord, history: list[dict[str, str]], name_parts: list[dict[str, str]], today: dt.date
) -> tuple[str, str]:
    """(id, text of the skeleton entry) for a resolved record."""
    entry_id = suggest_id(record.authors, record.first_year or record.year, record.title)
    if entry_id is None:
        raise AfkbError(f"cannot make an id from the record of '{for_terminal(record.title)}' (no author or year)")
    extra: dict[str, Any] = {"notes": LiteralScalarString(_notes(record, today))}
    if record.code:
        extra["code"] = DoubleQuotedScalarString(record.code)
    if history:
        extra["title_history"] = CommentedSeq(
            CommentedMap((k, DoubleQuotedScalarString(v)) for k, v in item.items()) for item in history
        )
    if name_parts:
        extra["name_parts"] = CommentedSeq(
            CommentedMap((k, DoubleQuotedScalarString(v)) for k, v in item.items()) for item in name_parts
        )
    return entry_id, skeleton(entry_id, record=record, added=today, extra=extra)


def check_service_fields(text: str, path: Path, taxonomy: Taxonomy, record: PaperRecord, ident: str) -> None:
    """Raise, naming the service, if a field the services filled does not pass the validator."""
    result = validate_bytes(text.encode("utf-8"), path, taxonomy)
    for problem in result.problems:
        name = problem.field.split("[")[0].split(".")[0]
        if problem.message == PLACEHOLDER_PROBLEM:
            continue
        if name in FILLED_FIELDS or name == "title_history":
            service = record.sources.get("title" if name == "title_history" else name, ARXIV.name)
            raise ServiceError(
                service, ident, f"answered a value the validator refuses: {problem.field}: {problem.message}"
            )


def index_entry_files(paths: Iterable[Path]) -> ExistingEntries:
    """Every entry file's arXiv id, DOI and title as written, drafts with placeholders included."""
    existing = ExistingEntries(())
    for path in paths:
        try:
            root = parse(decode(read_untrusted(path)))
        except (LoadError, OSError):
            continue
        if not isinstance(root, Mapping):
            continue
        values = {key.value: node.value for key, node in root.pairs if isinstance(node, Scalar)}
        record = PaperRecord(
            title=values.get("title", ""), authors=(), arxiv=values.get("arxiv"), doi=values.get("doi")
        )
        existing.add(path.stem, record)
    return existing


def existing_entry(existing: ExistingEntries, record: PaperRecord, history: list[dict[str, str]]) -> str | None:
    found = existing.find(record)
    if found:
        return found
    for item in history:
        title = normalise_title(item["title"])
        if title and title in existing.by_title:
            return existing.by_title[title]
    return None
