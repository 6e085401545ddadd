"""`afkb radar`: papers that cite the entries, merged across services, minus the papers already
here, ranked, and kept in ``tracking/radar.yaml`` with the status a maintainer gives each."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from afkb.errors import AfkbError
from afkb.graph import normalise_title
from afkb.load import LoadError, Mapping, Sequence, load_document, plain, position_of
from afkb.problems import display_path, for_terminal
from afkb.schema import ARXIV_PATTERN, DOI_PATTERN, ID_PATTERN
from afkb.validate import read_untrusted

if TYPE_CHECKING:
    from pathlib import Path

    from afkb.bibimport import ExistingEntries
    from afkb.load import Node
    from afkb.tracking.citations import CitingPaper

STATUSES = ("new", "reading", "declined", "added")
FIELDS = ("title", "year", "arxiv", "doi", "cites", "found_by", "first_seen", "status", "reason", "entry")
HEADER = (
    "# Papers that cite entries of the knowledge base, found by `afkb radar` (OpenAlex, Semantic Scholar),\n"
    "# most-citing first. Maintainers edit `status`: new, reading, declined (with a `reason`) or added\n"
    "# (with the `entry` id). Re-running `afkb radar` merges new papers in and keeps every status.\n"
)


class RadarError(AfkbError):
    """tracking/radar.yaml cannot be read; the message names the file, line and field."""


@dataclass
class Candidate:
    title: str
    year: int | None = None
    arxiv: str | None = None
    doi: str | None = None
    cites: list[str] = field(default_factory=list)
    found_by: list[str] = field(default_factory=list)
    first_seen: dt.date | None = None
    status: str = "new"
    reason: str | None = None
    entry: str | None = None

    def identity_keys(self) -> set[str]:
        found = {f"title:{t}"} if (t := normalise_title(self.title)) else set()
        if self.doi:
            found.add(f"doi:{self.doi.lower()}")
        if self.arxiv:
            found.add(f"arxiv:{self.arxiv}")
        return found

    def absorb(self, other: Candidate) -> None:
        """Take in what another service or run found about the same paper."""
        self.cites = sorted(set(self.cites) | set(other.cites))
        self.found_by = sorted(set(self.found_by) | set(other.found_by))
        self.doi = self.doi or other.doi
        self.arxiv = self.arxiv or other.arxiv
        self.year = self.year or other.year

    def rank(self) -> tuple[int, int, str]:
        return (-len(self.cites), -(self.year or 0), self.title.lower())

    def as_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in FIELDS}
        return {k: v for k, v in data.items() if v not in (None, [])}


def merge_citing(papers: list[CitingPaper]) -> list[Candidate]:
    """One candidate per paper, however many services and entries found it."""
    merged: list[Candidate] = []
    index: dict[str, Candidate] = {}
    for paper in papers:
        item = Candidate(paper.title, paper.year, paper.arxiv, paper.doi, sorted(paper.cites), sorted(paper.services))
        same = [index[k] for k in item.identity_keys() if k in index]
        if same:
            target = same[0]
            target.absorb(item)
        else:
            target = item
            merged.append(item)
        for key in target.identity_keys():
            index[key] = target
    return merged


def merge_into(
    kept: list[Candidate], found: list[Candidate], existing: ExistingEntries, today: dt.date, min_cites: int
) -> list[Candidate]:
    """The radar after this run: every kept candidate with its status, refreshed where found again;
    new papers citing at least ``min_cites`` entries added as `new`; papers now in the knowledge
    base marked `added`. Ranked by how many entries they cite, then recency."""
    index = {key: item for item in kept for key in item.identity_keys()}
    result = list(kept)
    for candidate in found:
        match = next((index[k] for k in candidate.identity_keys() if k in index), None)
        if match is not None:
            match.absorb(candidate)
            continue
        if existing.find(candidate) or len(candidate.cites) < min_cites:
            continue
        candidate.first_seen = today
        result.append(candidate)
        for key in candidate.identity_keys():
            index[key] = candidate
    for item in result:
        entry_id = existing.find(item)
        if entry_id and item.status in ("new", "reading"):
            item.status, item.entry = "added", entry_id
    return sorted(result, key=Candidate.rank)


class _PlainDumper(yaml.SafeDumper):
    """Writes every value out: no anchors or aliases (the loader refuses them)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def dump(candidates: list[Candidate]) -> str:
    body = yaml.dump(
        {"candidates": [c.as_dict() for c in candidates]},
        Dumper=_PlainDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100_000,
    )
    return HEADER + body


def _fail(path: Path, node: Node, field_path: str, message: str) -> RadarError:
    position = position_of(node)
    return RadarError(f"{display_path(path)}:{position.line}:{position.column}: {field_path}: {message}")


def _checked_values(path: Path, node: Mapping, where: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in node.pairs:
        if key.value not in FIELDS:
            expected = ", ".join(FIELDS)
            raise _fail(path, key, f"{where}.{for_terminal(key.value)}", f"unknown field; expected one of: {expected}")
        values[key.value] = plain(value)
    if not isinstance(values.get("title"), str) or not values["title"].strip():
        raise _fail(path, node, f"{where}.title", "missing required field")
    status = values.setdefault("status", "new")
    if status not in STATUSES:
        raise _fail(path, node.get("status") or node, f"{where}.status", f"expected one of: {', '.join(STATUSES)}")
    if status == "declined" and not values.get("reason"):
        raise _fail(path, node, f"{where}.reason", "a declined paper needs a reason")
    if status == "added" and not re.fullmatch(ID_PATTERN, str(values.get("entry") or "")):
        raise _fail(path, node, f"{where}.entry", "an added paper needs the id of its entry")
    _check_forms(path, node, where, values)
    return values


def _check_forms(path: Path, node: Mapping, where: str, values: dict[str, Any]) -> None:
    for name, pattern in (("arxiv", ARXIV_PATTERN), ("doi", DOI_PATTERN)):
        if values.get(name) is not None and not re.fullmatch(pattern, str(values[name]), flags=re.IGNORECASE):
            raise _fail(path, node.get(name) or node, f"{where}.{name}", f"malformed {name}")
    for name in ("cites", "found_by"):
        if not isinstance(values.get(name, []), list):
            raise _fail(path, node.get(name) or node, f"{where}.{name}", "expected a list")


def _item(path: Path, node: Node, i: int) -> Candidate:
    where = f"candidates[{i}]"
    if not isinstance(node, Mapping):
        raise _fail(path, node, where, "expected a mapping of fields")
    values = _checked_values(path, node, where)
    year, seen = values.get("year"), values.get("first_seen")
    try:
        return Candidate(
            title=values["title"],
            year=int(year) if year is not None else None,
            arxiv=values.get("arxiv"),
            doi=values.get("doi"),
            cites=[str(c) for c in values.get("cites", [])],
            found_by=[str(s) for s in values.get("found_by", [])],
            first_seen=dt.date.fromisoformat(seen) if seen else None,
            status=values["status"],
            reason=values.get("reason"),
            entry=values.get("entry"),
        )
    except ValueError as error:
        raise _fail(path, node, where, f"malformed value ({error})") from None


def load(path: Path) -> list[Candidate]:
    """The candidates of a radar file (none if it does not exist)."""
    if not path.exists():
        return []
    try:
        document = load_document(read_untrusted(path))
    except LoadError as error:
        where = f"{error.position.line}:{error.position.column}"
        raise RadarError(f"{display_path(path)}:{where}: {error.message}") from None
    items = document.get("candidates")
    if not isinstance(items, Sequence):
        raise _fail(path, items or document, "candidates", "expected a list of candidates")
    return [_item(path, node, i) for i, node in enumerate(items.items)]
