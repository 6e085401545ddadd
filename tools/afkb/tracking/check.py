"""`afkb check`: what the services say changed about each entry's paper (a newer arXiv version,
a DOI or venue for a preprint, a new title), and the certain part of it applied to the file with
a change note, keeping every comment (ruamel round-trip, as `afkb fmt`)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, PlainScalarString

from afkb.errors import AfkbError
from afkb.fieldtypes import field_specs
from afkb.fmt import format_text, round_trip_yaml
from afkb.graph import normalise_title
from afkb.schema import Entry
from afkb.tracking import arxiv, crossref
from afkb.validate import validate_bytes

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable
    from pathlib import Path

    from afkb.taxonomy import Taxonomy
    from afkb.tracking.http import Http
    from afkb.tracking.records import PaperRecord

PUBLISHED_TYPES = ("conference", "journal", "workshop")


@dataclass
class EntryReport:
    """What the services say about one entry: notices to read, and updates certain enough to apply."""

    entry_id: str
    notices: list[str] = field(default_factory=list)
    updates: dict[str, Any] = field(default_factory=dict)
    earlier_title: dict[str, str] | None = None
    sources: list[str] = field(default_factory=list)

    def ordered_updates(self) -> list[tuple[str, Any]]:
        """The updates in the entry's field order."""
        order = list(field_specs(Entry))
        return sorted(self.updates.items(), key=lambda item: order.index(item[0]))

    def note(self) -> str:
        fields = ", ".join(name for name, _ in self.ordered_updates())
        return f"Updated {fields} from {' and '.join(self.sources)} (afkb check)."


def _compare_arxiv(entry: Entry, paper: arxiv.ArxivPaper, report: EntryReport, last_change: dt.date | None) -> None:
    record = paper.record
    if record.version and record.version > 1 and record.revised and last_change and record.revised > last_change:
        report.notices.append(
            f"arXiv v{record.version} ({record.revised}) is newer than the entry's last change ({last_change})"
        )
    if record.doi and not entry.doi:
        report.updates["doi"] = record.doi
        report.sources.append("arXiv")
    if paper.journal_ref and entry.venue_type == "preprint":
        report.notices.append(f"arXiv's journal reference: {paper.journal_ref}")
    if entry.venue_type == "preprint" and normalise_title(record.title) != normalise_title(entry.title):
        report.updates["title"] = record.title
        report.earlier_title = {"title": entry.title, "version": f"arXiv before v{record.version}"}
        if "arXiv" not in report.sources:
            report.sources.append("arXiv")


def _compare_crossref(entry: Entry, published: PaperRecord, report: EntryReport) -> None:
    if entry.venue_type == "preprint" and published.venue_type in PUBLISHED_TYPES and published.venue:
        report.updates.update(venue=published.venue, venue_type=published.venue_type)
        if published.year:
            report.updates["year"] = published.year
        if normalise_title(published.title) != normalise_title(report.updates.get("title", entry.title)):
            report.updates["title"] = published.title
            report.earlier_title = {"title": entry.title, "version": "arXiv preprint"}
        report.sources.append("Crossref")
    elif published.venue and entry.venue_type != "preprint":
        if published.year and published.year != entry.year:
            report.notices.append(f"Crossref gives the year {published.year} (the entry says {entry.year})")
        if normalise_title(published.title) != normalise_title(entry.title):
            report.notices.append(f"Crossref's title differs: {published.title}")


def check_entries(http: Http, entries: Iterable[Entry], step: Callable[[], None] | None = None) -> list[EntryReport]:
    """A report for every entry the services say something about, in id order; ``step`` is
    called after each batch of requests."""
    entries = sorted(entries, key=lambda e: e.id)
    papers = arxiv.fetch(http, [e.arxiv for e in entries if e.arxiv], step)
    reports: dict[str, EntryReport] = {}
    for entry in entries:
        paper = papers.get(entry.arxiv or "")
        if paper is not None:
            report = reports.setdefault(entry.id, EntryReport(entry.id))
            _compare_arxiv(entry, paper, report, entry.changes[0].date if entry.changes else None)
    dois = {e.id: e.doi or reports.get(e.id, EntryReport(e.id)).updates.get("doi") for e in entries}
    published = crossref.fetch_many(http, sorted({d for d in dois.values() if d}), step)
    for entry in entries:
        record = published.get(dois[entry.id] or "")
        if record is not None:
            _compare_crossref(entry, record, reports.setdefault(entry.id, EntryReport(entry.id)))
    return [r for r in reports.values() if r.notices or r.updates]


def report_text(reports: list[EntryReport], output_format: str, *, applied: bool) -> str:
    if output_format == "json":
        rows = [{"id": r.entry_id, "notices": r.notices, "updates": dict(r.ordered_updates())} for r in reports]
        return json.dumps(rows, indent=2, ensure_ascii=False)
    verb = "applied" if applied else "would apply"
    if output_format == "markdown":
        lines = ["| Entry | What the services say | Update |", "|---|---|---|"]
        for r in reports:
            said = "; ".join(r.notices) or "-"
            update = ", ".join(f"{k}: {v}" for k, v in r.ordered_updates()) or "-"
            lines.append(f"| {r.entry_id} | {_cell(said)} | {_cell(update)} |")
        return "\n".join(lines)
    lines = []
    for r in reports:
        lines += [f"{r.entry_id}: {n}" for n in r.notices]
        lines += [f"{r.entry_id}: {k} -> {v} ({verb})" for k, v in r.ordered_updates()]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def applied_text(text: str, report: EntryReport, today: dt.date) -> str:
    """The entry file's text with the report's updates and a change note, in canonical form."""
    yaml = round_trip_yaml()
    data = yaml.load(text)
    if not isinstance(data, CommentedMap):
        raise AfkbError(f"{report.entry_id}: the file is not a mapping of fields")
    for name, value in report.updates.items():
        data[name] = (
            PlainScalarString(value)
            if name == "venue_type"
            else (value if isinstance(value, int) else DoubleQuotedScalarString(value))
        )
    if report.earlier_title and "title" in report.updates:
        history = data.get("title_history")
        if not isinstance(history, CommentedSeq):
            history = CommentedSeq()
            data["title_history"] = history
        history.insert(0, CommentedMap((k, DoubleQuotedScalarString(v)) for k, v in report.earlier_title.items()))
    note = CommentedMap()
    note["date"] = today
    note["note"] = report.note()
    data["changes"].insert(0, note)
    out = io.StringIO()
    yaml.dump(data, out)
    return format_text(out.getvalue())


def apply_report(path: Path, report: EntryReport, taxonomy: Taxonomy, today: dt.date) -> str:
    """The new text of ``path``, validated; raises if the services' values do not pass."""
    new = applied_text(path.read_text(encoding="utf-8"), report, today)
    problems = validate_bytes(new.encode("utf-8"), path, taxonomy).problems
    if problems:
        first = problems[0]
        raise AfkbError(f"{path}: not updated: {first.field}: {first.message}")
    return new
