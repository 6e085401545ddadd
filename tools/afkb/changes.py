"""Change notes: what an entry's content is, which fields changed between two versions of its
file, its history read from git, and the rule that a content change comes with a new note."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from afkb.errors import AfkbError
from afkb.fmt import format_text, round_trip_yaml
from afkb.load import LoadError, parse, plain

if TYPE_CHECKING:
    from pathlib import Path

ADDED_NOTE = "Added."
NOT_CONTENT = ("changes",)


class HistoryError(AfkbError):
    """git could not say what the history of an entry file is."""


@dataclass(frozen=True)
class Note:
    date: dt.date
    note: str


def fields_of(text: str) -> dict[str, Any]:
    """The top-level fields of an entry file as plain values (scalars as written)."""
    data = plain(parse(text))
    return data if isinstance(data, dict) else {}


def _content(fields: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if key not in NOT_CONTENT}


def _notes(fields: dict[str, Any]) -> list[Any]:
    notes = fields.get("changes")
    return notes if isinstance(notes, list) else []


def _changed(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    names = list(new) + [name for name in old if name not in new]
    return [name for name in names if old.get(name) != new.get(name)]


def content(text: str) -> dict[str, Any]:
    """The fields of an entry file as plain values (scalars as written), without its change notes.
    Quoting, key order, comments and line breaks in block scalars' source do not count."""
    return _content(fields_of(text))


def notes_of(text: str) -> list[Any]:
    return _notes(fields_of(text))


def changed_fields(old_text: str, new_text: str) -> list[str]:
    """The top-level fields whose content differs, in the order of the newer file."""
    return _changed(content(old_text), content(new_text))


def describe(fields: list[str]) -> str:
    return "Updated " + ", ".join(fields) + "."


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - fixed program, arguments are not parsed by a shell
        ["git", *args],  # noqa: S607 - git from PATH, as a contributor runs it
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        first = (result.stderr.strip().splitlines() or ["no output"])[0]
        raise HistoryError(f"git {args[0]}: {first}")
    return result.stdout


def history(repo: Path, path: Path) -> list[Note]:
    """One note per day the file's content changed in git's history, newest first, ending with
    its addition. A day's changes are one note naming every field changed that day."""
    log = git(repo, "log", "--follow", "--format=%x00%H %ad", "--date=short", "--name-only", "--", str(path))
    commits: list[tuple[str, dt.date, str]] = []
    for record in log.split("\x00")[1:]:
        lines = [line for line in record.splitlines() if line.strip()]
        sha, iso_day = lines[0].split()
        commits.append((sha, dt.date.fromisoformat(iso_day), lines[-1]))
    commits.reverse()  # oldest first
    if not commits:
        raise HistoryError(f"{path}: not in git's history")
    by_day: dict[dt.date, list[str]] = {}
    previous: dict[str, Any] | None = None
    for sha, day, name in commits:
        current = content(git(repo, "show", f"{sha}:{name}"))
        day_fields = by_day.setdefault(day, [])
        if previous is not None:
            day_fields.extend(f for f in _changed(previous, current) if f not in day_fields)
        previous = current
    first_day = commits[0][1]
    notes = []
    for day, fields in by_day.items():
        if day == first_day:
            notes.append(Note(day, ADDED_NOTE))
        elif fields:
            notes.append(Note(day, describe(fields)))
    return list(reversed(notes))


def with_notes(text: str, notes: list[Note]) -> str:
    """The entry file's text with ``notes`` as its changes list, in canonical form."""
    yaml = round_trip_yaml()
    data = yaml.load(text)
    if not isinstance(data, CommentedMap):
        raise LoadError("the file is not a mapping of fields")
    items = CommentedSeq()
    for item in notes:
        node = CommentedMap()
        node["date"] = item.date
        node["note"] = item.note
        items.append(node)
    data["changes"] = items
    out = io.StringIO()
    yaml.dump(data, out)
    return format_text(out.getvalue())


def missing_note(base_text: str | None, new_text: str) -> list[str]:
    """The fields changed since ``base_text`` when the new version adds no change note (else [])."""
    if base_text is None:
        return []
    base, new = fields_of(base_text), fields_of(new_text)
    fields = _changed(_content(base), _content(new))
    if not fields:
        return []
    old_notes = _notes(base)
    added = [note for note in _notes(new) if note not in old_notes]
    return [] if added else fields
