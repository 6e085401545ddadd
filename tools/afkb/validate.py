"""Entry files -> :class:`Entry` objects and :class:`Problem` s.

``validate_file`` checks one file on its own; ``afkb.collection`` adds the checks
that need every entry at once.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from typing import TYPE_CHECKING

from afkb.fieldtypes import INVALID, Context
from afkb.load import MAX_BYTES, LoadError, Mapping, Scalar, Sequence, load_document, position_of
from afkb.problems import Position, Problem, display_path, shown
from afkb.schema import ENTRY_TYPE, EVIDENCE_WITHOUT_SOURCE, ID_PATTERN, Entry

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from afkb.taxonomy import Taxonomy

    ReportFn = Callable[[Position, str, str], None]

ALLOWED_EXTRA_FILES = {"README.md"}


CROSS_CHECKED_KEYS = ("id", "arxiv", "doi")


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What the collection-level checks need from one file, even from an invalid entry."""

    scalars: dict[str, tuple[str, Position]]  # id, arxiv, doi as written
    relation_positions: tuple[Position, ...]
    relation_targets: tuple[str, ...] = ()  # of a valid entry
    valid: bool = False


@dataclass(frozen=True, slots=True)
class FileResult:
    """What one entry file produced: an entry (if valid), its problems, and facts for cross-checks."""

    path: Path
    entry: Entry | None
    problems: tuple[Problem, ...]
    facts: FileFacts | None = None
    label: str = ""

    def raw_scalar(self, key: str) -> tuple[str, Position] | None:
        return self.facts.scalars.get(key) if self.facts is not None else None


def _facts(document: Mapping, entry: Entry | None) -> FileFacts:
    scalars = {}
    for key in CROSS_CHECKED_KEYS:
        node = document.get(key)
        if isinstance(node, Scalar) and node.value:
            scalars[key] = (node.value, position_of(node))
    relations = document.get("relations")
    positions = tuple(position_of(item) for item in relations.items) if isinstance(relations, Sequence) else ()
    targets = tuple(r.target for r in entry.relations) if entry is not None else ()
    return FileFacts(scalars, positions, targets, valid=entry is not None)


def read_untrusted(path: Path) -> bytes:
    """Read a regular file without following a symbolic link, at most MAX_BYTES + 1 bytes."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise LoadError("not a regular file")
        limit = MAX_BYTES + 1
        data = os.read(fd, limit)  # a regular file's whole content comes in one read, as a rule
        # but not always: read on until the limit, the size seen by fstat, or the end of the file
        while len(data) < limit and len(data) != status.st_size and (chunk := os.read(fd, limit - len(data))):
            data += chunk
        return data
    finally:
        os.close(fd)


def validate_bytes(data: bytes, path: Path, taxonomy: Taxonomy, label: str | None = None) -> FileResult:
    label = label or display_path(path)
    problems: list[Problem] = []

    def report(position: Position, field: str, message: str) -> None:
        problems.append(Problem(label, position.line, position.column, field, message))

    try:
        document = load_document(data)
    except LoadError as error:
        report(error.position, "", error.message)
        return FileResult(path, None, tuple(problems), label=label)
    entry = ENTRY_TYPE.convert(document, Context(taxonomy, report), "")
    if entry is not INVALID:
        _check_entry(entry, document, path.stem, report)
    valid = entry if entry is not INVALID and not problems else None
    return FileResult(path, valid, tuple(problems), _facts(document, valid), label)


def _item_positions(document: Mapping, key: str, count: int) -> list[Position]:
    """Where each item of the list under ``key`` starts (the document's start if it is no list)."""
    node = document.get(key)
    if isinstance(node, Sequence):
        return [position_of(item) for item in node.items]
    return [document.position] * count


def _check_entry(entry: Entry, document: Mapping, stem: str, report: ReportFn) -> None:
    def at(key: str) -> Position:
        node = document.get(key)
        return position_of(node) if node is not None else document.position

    if entry.id != stem:
        report(at("id"), "id", f"id '{entry.id}' does not match the file name '{stem}.yaml'")
    if not entry.year - 3 <= entry.id_year <= entry.year:
        report(
            at("id"),
            "id",
            f"the year in the id ({entry.id_year}) must be the year the paper first appeared, "
            f"between {entry.year - 3} and year ({entry.year})",
        )
    if not (entry.arxiv or entry.doi or entry.url):
        report(document.position, "", "needs at least one of arxiv, doi or url")
    _check_lists(entry, document, report)


def _check_lists(entry: Entry, document: Mapping, report: ReportFn) -> None:
    """Rules that tie an item of a list to other fields."""
    positions = _item_positions(document, "name_parts", len(entry.name_parts))
    for i, (parts, position) in enumerate(zip(entry.name_parts, positions, strict=True)):
        if parts.author not in entry.authors:
            report(position, f"name_parts[{i}].author", f"'{shown(parts.author)}' is not one of the authors")
        if bool(parts.literal) == bool(parts.family):
            report(position, f"name_parts[{i}]", "give either family (with given, particle, suffix) or literal")
    positions = _item_positions(document, "findings", len(entry.findings))
    for i, (finding, position) in enumerate(zip(entry.findings, positions, strict=True)):
        if finding.source is None and finding.evidence not in EVIDENCE_WITHOUT_SOURCE:
            report(
                position,
                f"findings[{i}].source",
                f"evidence '{finding.evidence}' needs a source: the URL that was read",
            )
    _check_changes(entry, document, report)
    seen: set[tuple[str, str]] = set()
    positions = _item_positions(document, "relations", len(entry.relations))
    for i, (relation, position) in enumerate(zip(entry.relations, positions, strict=True)):
        if relation.target == entry.id:
            report(position, f"relations[{i}].target", "an entry cannot relate to itself")
        if (relation.type, relation.target) in seen:
            report(position, f"relations[{i}]", f"duplicate relation {relation.type} {relation.target}")
        seen.add((relation.type, relation.target))


def _check_changes(entry: Entry, document: Mapping, report: ReportFn) -> None:
    """Changes run newest first and end with the addition, dated as ``added``."""
    positions = _item_positions(document, "changes", len(entry.changes))
    for i in range(1, len(entry.changes)):
        if entry.changes[i].date > entry.changes[i - 1].date:
            report(
                positions[i],
                f"changes[{i}].date",
                f"{entry.changes[i].date} is newer than the change above it ({entry.changes[i - 1].date}): "
                "list changes newest first",
            )
    if entry.changes and entry.changes[-1].date != entry.added:
        report(
            positions[-1],
            f"changes[{len(entry.changes) - 1}].date",
            f"the last change is the addition and must be dated as added ({entry.added})",
        )


def validate_file(path: Path, taxonomy: Taxonomy, label: str | None = None) -> FileResult:
    label = label or display_path(path)
    try:
        data = read_untrusted(path)
    except LoadError as error:
        return FileResult(path, None, (Problem(label, 1, 1, "", error.message),), label=label)
    except OSError as error:
        return FileResult(path, None, (Problem(label, 1, 1, "", f"cannot read file: {error.strerror}"),), label=label)
    return validate_bytes(data, path, taxonomy, label)


def check_file_name(
    path: Path, label: str | None = None, *, is_symlink: bool | None = None, is_dir: bool | None = None
) -> Problem | None:
    """A problem with the name or kind of a file found in the entries directory."""
    label = label or display_path(path)
    name = path.name
    if path.is_symlink() if is_symlink is None else is_symlink:
        return Problem(label, 1, 1, "", "is a symbolic link (not followed); entries must be regular files")
    if path.is_dir() if is_dir is None else is_dir:
        return Problem(label, 1, 1, "", "unexpected directory; entries/ holds only <id>.yaml files")
    if name.endswith(".yml"):
        return Problem(label, 1, 1, "", f"entry files end in .yaml; rename it to {name[:-4]}.yaml")
    if not name.endswith(".yaml"):
        return Problem(label, 1, 1, "", "unexpected file; entries/ holds only <id>.yaml files and README.md")
    if not re.fullmatch(ID_PATTERN, name[: -len(".yaml")]):
        return Problem(label, 1, 1, "", "file name must be <id>.yaml with a lower-case id of letters and digits")
    return None
