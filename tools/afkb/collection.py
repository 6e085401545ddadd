"""All entries together, with the checks that need more than one entry."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from afkb.errors import AfkbError
from afkb.problems import Problem, display_path, shown, sort_problems
from afkb.taxonomy import Taxonomy, load_taxonomy
from afkb.validate import ALLOWED_EXTRA_FILES, FileResult, check_file_name, validate_file

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

    from afkb.cache import ValidationCache
    from afkb.schema import Entry


class EntriesDirError(AfkbError):
    """The entries directory itself is missing or unreadable (a usage error)."""


@dataclass(slots=True)
class Collection:
    """Every valid entry by id, and every problem found in the directory."""

    root: Path
    taxonomy: Taxonomy
    entries: dict[str, Entry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files_checked: int = 0
    valid_files: int = 0  # files valid on their own, including those answered by a cache
    # Entries valid on their own, even if a collection-level check (e.g. a dangling relation) failed.
    parsed: dict[str, Entry] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def sorted_entries(self) -> list[Entry]:
        return sorted(self.entries.values(), key=lambda e: (-e.year, e.id))


def entry_files(root: Path) -> tuple[list[Path], list[Problem]]:
    """The candidate entry files below ``root``, and problems with stray names."""
    files, _, problems = _scan(root)
    return files, problems


def _scan(root: Path) -> tuple[list[Path], list[str], list[Problem]]:
    """Entry files, their displayed paths, and problems with stray names (one directory read)."""
    if not root.is_dir():
        msg = f"entries directory '{root}' does not exist or is not a directory"
        raise EntriesDirError(msg)
    label_root = display_path(root)
    files: list[Path] = []
    labels: list[str] = []
    problems: list[Problem] = []
    with os.scandir(root) as listing:
        found = sorted(listing, key=lambda e: e.name)
    for item in found:
        if item.name.startswith(".") or item.name in ALLOWED_EXTRA_FILES:
            continue
        path = root / item.name
        label = f"{label_root}/{item.name}"
        problem = check_file_name(path, label, is_symlink=item.is_symlink(), is_dir=item.is_dir(follow_symlinks=False))
        if problem is not None:
            problems.append(problem)
        else:
            files.append(path)
            labels.append(label)
    return files, labels, problems


@dataclass(slots=True)
class CheckReport:
    """What checking a directory found: its problems and counts, but no entries (a cache may
    have answered for files without parsing them). ``afkb validate`` needs no more."""

    problems: list[Problem]
    files_checked: int
    valid_files: int  # files valid on their own, including those answered by a cache

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_directory(
    root: Path,
    taxonomy: Taxonomy,
    progress: Callable[[int, int], None] | None,
    check: Callable[[Path, Taxonomy, str], FileResult],
) -> tuple[list[FileResult], list[Problem], set[str]]:
    """Every file's result, every problem (sorted) and the files that have a problem."""
    files, labels, problems = _scan(root)
    results: list[FileResult] = []
    for number, (path, label) in enumerate(zip(files, labels, strict=True), start=1):
        results.append(check(path, taxonomy, label))
        if progress is not None:
            progress(number, len(files))
    for result in results:
        problems.extend(result.problems)
    problems.extend(_duplicate_identifiers(results))
    problems.extend(_relation_targets(results, known_ids=_all_ids(results)))
    problems = sort_problems(problems)
    return results, problems, {p.path for p in problems}


def _valid_files(results: list[FileResult], with_problems: set[str]) -> int:
    """Files valid on their own and without a collection-level problem (cache answers included)."""
    return sum(1 for r in results if r.label not in with_problems and r.facts is not None and r.facts.valid)


def load_collection(
    root: Path,
    taxonomy: Taxonomy | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Collection:
    """Validate every entry in ``root`` and the collection as a whole; every entry is parsed."""
    taxonomy = taxonomy or load_taxonomy()
    root = root.absolute()
    results, problems, with_problems = _check_directory(root, taxonomy, progress, validate_file)
    valid = _valid_files(results, with_problems)
    collection = Collection(root, taxonomy, problems=problems, files_checked=len(results), valid_files=valid)
    for result in results:
        if result.entry is not None:
            collection.parsed[result.entry.id] = result.entry
            if result.label not in with_problems:
                collection.entries[result.entry.id] = result.entry
    return collection


def check_collection(
    root: Path,
    cache: ValidationCache,
    taxonomy: Taxonomy | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CheckReport:
    """The problems of ``root`` as ``load_collection`` finds them; files whose bytes are unchanged
    since a previous run under the same schema and taxonomy are answered by the cache."""
    taxonomy = taxonomy or load_taxonomy()
    results, problems, with_problems = _check_directory(root.absolute(), taxonomy, progress, cache.validate)
    cache.save()
    return CheckReport(problems, len(results), _valid_files(results, with_problems))


def _all_ids(results: Iterable[FileResult]) -> set[str]:
    ids = set()
    for result in results:
        raw = result.raw_scalar("id")
        if raw is not None:
            ids.add(raw[0])
    return ids


def _duplicate_identifiers(results: list[FileResult]) -> list[Problem]:
    """Ids (case-insensitively), arXiv ids and DOIs (case-insensitively) used twice."""
    checks = (("id", "id", str.lower), ("arxiv", "arXiv id", str.strip), ("doi", "DOI", str.lower))
    problems = []
    for key, label, normalise in checks:
        first_user: dict[str, tuple[FileResult, int, int]] = {}
        clashes: dict[str, list[tuple[FileResult, int, int]]] = {}  # only values used more than once
        for result in results:
            found = result.facts.scalars.get(key) if result.facts is not None else None
            if found is None:
                continue
            value, (line, column) = found
            user = (result, line, column)
            normalised = normalise(value)
            first = first_user.setdefault(normalised, user)
            if first is not user:
                clashes.setdefault(normalised, [first]).append(user)
        for value, users in clashes.items():
            for result, line, column in users:
                others = ", ".join(sorted(o.label for o, _, _ in users if o is not result))
                problems.append(
                    Problem(result.label, line, column, key, f"{label} '{shown(value)}' is also used by {others}")
                )
    return problems


def _relation_targets(results: list[FileResult], known_ids: set[str]) -> list[Problem]:
    problems = []
    for result in results:
        if result.facts is None or not result.facts.valid:
            continue
        for i, target in enumerate(result.facts.relation_targets):
            if target not in known_ids:
                position = result.facts.relation_positions[i]
                problems.append(
                    Problem(
                        result.label,
                        position.line,
                        position.column,
                        f"relations[{i}].target",
                        f"no entry with id '{target}'",
                    )
                )
    return problems
