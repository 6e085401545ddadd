"""A content-hash cache for `afkb validate`: unchanged files are not parsed again.

A file's cached result is used only when its name and its bytes (BLAKE2 digest) are
unchanged and the cache was written under the same fingerprint: the afkb version,
the taxonomy, the source of the loader, schema and validator, and the current year
(which bounds valid years). Anything else — an edit, a new, deleted or renamed file,
a schema or taxonomy change — is validated afresh. Collection-level checks always
run over all files. The cache lives outside the repository (a pull request cannot
plant one) and holds JSON only.

Like git's index, a record also keeps the file's status (size, inode, modification and
change times, in nanoseconds) taken *before* its bytes were read. A file whose status is
exactly the recorded one is not read again: writing, replacing or renaming a file always
sets its change time to the present, which no tool can set back. The status is recorded
only for a file whose times are at least ``SETTLED_NS`` in the past when it is read, so a
second write within the file system's timestamp granularity cannot go unseen; a file
changed more recently is hashed again on the next run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import stat
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from afkb import __version__
from afkb.atomic import write_text_atomic
from afkb.load import LoadError
from afkb.problems import Position, Problem
from afkb.taxonomy import TAXONOMY_FILE
from afkb.validate import FileFacts, FileResult, read_untrusted, validate_bytes, validate_file

if TYPE_CHECKING:
    from afkb.taxonomy import Taxonomy

# How long ago a file must have last changed for its status to vouch for its bytes: far more
# than the timestamp granularity of any file system an entries directory lives on.
SETTLED_NS = 2_000_000_000

_SOURCES = ("load.py", "fieldtypes.py", "schema.py", "validate.py", "problems.py", "taxonomy.py", "cache.py")


def fingerprint() -> str:
    digest = hashlib.blake2b(digest_size=16)
    digest.update(__version__.encode())
    digest.update(str(dt.datetime.now(tz=dt.UTC).year).encode())
    digest.update(TAXONOMY_FILE.read_bytes())
    for name in _SOURCES:
        digest.update(Path(__file__).with_name(name).read_bytes())
    return digest.hexdigest()


def default_cache_dir() -> Path:
    override = os.environ.get("AFKB_CACHE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "afkb"


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a value the cache writes")


class ValidationCache:
    def __init__(self, root: Path, directory: Path | None = None) -> None:
        key = hashlib.blake2b(str(root.absolute()).encode(), digest_size=8).hexdigest()
        self.path = (directory or default_cache_dir()) / f"validate-{key}.json"
        self.fingerprint = fingerprint()
        self.old: dict[str, Any] = self._read()
        self.new: dict[str, Any] = {}
        self.hits = 0  # files answered by the cache
        self.reads = 0  # files whose bytes were read (a hit by status reads nothing)
        self._settled_before = time.time_ns() - SETTLED_NS

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"), parse_constant=_no_constant)
        except (OSError, ValueError, RecursionError):  # unreadable, not JSON, NaN/Infinity, too deep
            return {}
        if not isinstance(data, dict) or data.get("fingerprint") != self.fingerprint:
            return {}
        files = data.get("files")
        return files if isinstance(files, dict) else {}

    def validate(self, path: Path, taxonomy: Taxonomy, label: str) -> FileResult:
        record = self.old.get(path.name)
        if not isinstance(record, list) or len(record) != 4:  # noqa: PLR2004 - [digest, problems, facts, status]
            record = None
        try:
            status = _status(path)  # before reading: a write after this changes the status seen next time
        except OSError:
            status = None
        if status is not None and record is not None and record[3] == status:
            result = self._answer(path, label, record)
            if result is not None:
                return result
        try:
            data = read_untrusted(path)
        except (LoadError, OSError):
            return validate_file(path, taxonomy, label)  # reports the reading problem
        self.reads += 1
        digest = hashlib.blake2b(data, digest_size=20).hexdigest()
        vouching = status if status is not None and self._settled(status) else None
        if record is not None and record[0] == digest:
            result = self._answer(path, label, [*record[:3], vouching])
            if result is not None:
                return result
        result = validate_bytes(data, path, taxonomy, label)
        self.new[path.name] = [*_to_record(digest, result), vouching]
        return result

    def _answer(self, path: Path, label: str, record: list[Any]) -> FileResult | None:
        """The cached result, kept for the next run; None if the record is not what we wrote."""
        try:
            result = _from_record(path, label, record)
        except (AttributeError, KeyError, TypeError, ValueError, OverflowError, RecursionError):
            return None
        self.hits += 1
        self.new[path.name] = record
        return result

    def _settled(self, status: list[int]) -> bool:
        _, _, modified, changed = status
        return modified < self._settled_before and changed < self._settled_before

    def save(self) -> None:
        if self.new == self.old:
            return  # every record is as it was read: the cache file is already right
        try:
            data = {"fingerprint": self.fingerprint, "files": self.new}
            write_text_atomic(self.path, json.dumps(data, separators=(",", ":"), check_circular=False))
        except OSError:
            pass  # a cache that cannot be written only costs time


def _status(path: Path) -> list[int] | None:
    """[size, inode, modification time, change time] of a regular file (None for anything else)."""
    found = os.lstat(path)
    if not stat.S_ISREG(found.st_mode):
        return None
    return [found.st_size, found.st_ino, found.st_mtime_ns, found.st_ctime_ns]


# A record is a list, [digest, problems, facts, status], with status None or what _status gives, facts None or
# [scalars {key: [value, line, column]}, relation positions [[line, column]], relation targets, valid]:
# compact JSON, because the whole cache is read and written on every run.


def _to_record(digest: str, result: FileResult) -> list[Any]:
    facts = result.facts
    problems = [[p.line, p.column, p.field, p.message] for p in result.problems]
    if facts is None:
        return [digest, problems, None]
    return [
        digest,
        problems,
        [
            {k: [v, pos.line, pos.column] for k, (v, pos) in facts.scalars.items()},
            [[pos.line, pos.column] for pos in facts.relation_positions],
            list(facts.relation_targets),
            facts.valid,
        ],
    ]


def _from_record(path: Path, label: str, record: list[Any]) -> FileResult:
    """The result a record stands for; ValueError (or another) if it is not what we wrote."""
    _, raw_problems, raw, _ = record
    problems = (
        tuple(Problem(label, int(line), int(col), str(field), str(msg)) for line, col, field, msg in raw_problems)
        if raw_problems
        else ()
    )
    facts = None
    if raw is not None:
        raw_scalars, raw_positions, raw_targets, valid = raw
        scalars = {key: (value, _position(line, column)) for key, (value, line, column) in raw_scalars.items()}
        positions = tuple(_position(line, column) for line, column in raw_positions) if raw_positions else ()
        targets = tuple(raw_targets)
        if not all(type(v) is str for v, _ in scalars.values()) or not all(type(t) is str for t in targets):
            raise ValueError(_WRONG_SHAPE)
        facts = FileFacts(scalars, positions, targets, valid=valid is True)
    return FileResult(path, None, problems, facts, label)


_WRONG_SHAPE = "cache record of the wrong shape"


def _position(line: object, column: object) -> Position:
    """A position read back from JSON, which must hold two integers (JSON has no other numbers we write)."""
    if type(line) is not int or type(column) is not int:
        raise ValueError(_WRONG_SHAPE)
    return Position(line, column)
