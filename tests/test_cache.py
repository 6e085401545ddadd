"""The validation cache is never wrong: edits, additions, deletions, renames and schema changes are seen."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import pytest

import afkb.cache
from afkb.cache import ValidationCache
from afkb.collection import check_collection
from afkb.taxonomy import load_taxonomy
from conftest import to_yaml, valid_fields, write_entry


def run(entries: Path, cache_dir: Path) -> tuple[list[str], int, int]:
    cache = ValidationCache(entries, cache_dir)
    collection = check_collection(entries, cache, load_taxonomy())
    return [str(p) for p in collection.problems], collection.valid_files, cache.hits


def two_linked_entries(entries: Path) -> None:
    """aaa2024first, and bbb2024second citing it."""
    write_entry(entries, valid_fields("aaa2024first"))
    write_entry(
        entries,
        valid_fields("bbb2024second", arxiv="2401.00002", relations=[{"type": "cites", "target": "aaa2024first"}]),
    )


def test_cache_hits_and_sees_every_change(entries_dir: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    two_linked_entries(entries_dir)
    fresh = run(entries_dir, cache_dir)
    assert fresh == ([], 2, 0)
    assert run(entries_dir, cache_dir) == ([], 2, 2)

    # an edit
    first = entries_dir / "aaa2024first.yaml"
    first.write_text(to_yaml(valid_fields("aaa2024first", title=True)))
    problems, valid, hits = run(entries_dir, cache_dir)
    assert hits == 1
    assert problems[0].endswith("title: YAML reads the unquoted value true as a boolean; put it in quotes")
    # the relation target is now invalid but still exists: no dangling error
    assert valid == 1

    # a deletion: the relation now dangles, although bbb's own bytes did not change
    first.unlink()
    problems, valid, hits = run(entries_dir, cache_dir)
    assert hits == 1
    assert problems == [f"{entries_dir}/bbb2024second.yaml:16:13: relations[0].target: no entry with id 'aaa2024first'"]

    # an addition brings it back
    write_entry(entries_dir, valid_fields("aaa2024first"))
    assert run(entries_dir, cache_dir)[0] == []

    # a rename: same bytes under another name must be checked against the new name
    shutil.move(entries_dir / "aaa2024first.yaml", entries_dir / "aaa2024renamed.yaml")
    problems, _, hits = run(entries_dir, cache_dir)
    assert (
        f"{entries_dir}/aaa2024renamed.yaml:1:5: id: id 'aaa2024first' does not match the file name 'aaa2024renamed.yaml'"
        in problems
    )


def test_schema_or_taxonomy_change_invalidates(
    entries_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir = tmp_path / "cache"
    write_entry(entries_dir, valid_fields())
    run(entries_dir, cache_dir)
    assert run(entries_dir, cache_dir)[2] == 1
    changed = tmp_path / "taxonomy.yaml"
    changed.write_bytes(afkb.cache.TAXONOMY_FILE.read_bytes() + b"\n# a new comment\n")
    monkeypatch.setattr(afkb.cache, "TAXONOMY_FILE", changed)
    assert run(entries_dir, cache_dir)[2] == 0
    monkeypatch.setattr(afkb.cache, "__version__", "999")
    assert run(entries_dir, cache_dir)[2] == 0


def test_corrupt_cache_is_ignored(entries_dir: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    write_entry(entries_dir, valid_fields(title=True))
    expected = run(entries_dir, cache_dir)[0]
    cache_file = next(cache_dir.iterdir())
    cache_file.write_text('{"fingerprint": "' + afkb.cache.fingerprint() + '", "files": {"doe2024example.yaml": [1]}}')
    assert run(entries_dir, cache_dir)[0] == expected
    cache_file.write_text("not json")
    assert run(entries_dir, cache_dir)[0] == expected


def test_cache_record_of_the_wrong_shape_is_not_used(entries_dir: Path, tmp_path: Path) -> None:
    import json

    cache_dir = tmp_path / "cache"
    two_linked_entries(entries_dir)
    expected = run(entries_dir, cache_dir)
    cache_file = next(cache_dir.iterdir())
    data = json.loads(cache_file.read_text())
    record = data["files"]["bbb2024second.yaml"]
    record[2][2] = [["aaa2024first"]]  # relation targets: a list where a string belongs
    record[2][0]["id"][1] = "2"  # scalars: a string where a line number belongs
    cache_file.write_text(json.dumps(data))
    problems, valid, hits = run(entries_dir, cache_dir)
    assert (problems, valid) == expected[:2]
    assert hits == 1  # the other file's record is still good
    for broken in ([], "x", [1, 2], {"a": 1}, [None, [], [["x"], [], [], True]]):
        data = json.loads(cache_file.read_text())
        digest = data["files"]["aaa2024first.yaml"][0]
        data["files"]["aaa2024first.yaml"] = [digest, *broken] if isinstance(broken, list) else [digest, broken, None]
        cache_file.write_text(json.dumps(data))
        assert run(entries_dir, cache_dir)[:2] == expected[:2], broken


def run_counting(entries: Path, cache_dir: Path) -> tuple[list[str], int, int]:
    """Problems, files answered by the cache, files whose bytes were read."""
    cache = ValidationCache(entries, cache_dir)
    collection = check_collection(entries, cache, load_taxonomy())
    return [str(p) for p in collection.problems], cache.hits, cache.reads


@pytest.fixture
def short_settling(monkeypatch: pytest.MonkeyPatch) -> float:
    """Files count as settled 50 ms after their last change (instead of two seconds); returns a safe wait."""
    monkeypatch.setattr(afkb.cache, "SETTLED_NS", 50_000_000)
    return 0.2


def settled_entry(entries: Path, cache_dir: Path, wait: float) -> Path:
    """One entry, validated once after it has settled (so its status is recorded)."""
    path = write_entry(entries, valid_fields("aaa2024first"))
    time.sleep(wait)
    assert run_counting(entries, cache_dir) == ([], 0, 1)
    return path


def test_settled_unchanged_files_are_not_read_again(entries_dir: Path, tmp_path: Path, short_settling: float) -> None:
    cache_dir = tmp_path / "cache"
    write_entry(entries_dir, valid_fields("aaa2024first"))
    write_entry(entries_dir, valid_fields("bbb2024second", arxiv="2401.00002"))
    time.sleep(short_settling)
    assert run_counting(entries_dir, cache_dir) == ([], 0, 2)
    assert run_counting(entries_dir, cache_dir) == ([], 2, 0)


@pytest.mark.parametrize("replaced", [False, True], ids=["written in place", "replaced atomically"])
def test_an_edit_that_keeps_size_and_modification_time_is_seen(
    entries_dir: Path, tmp_path: Path, short_settling: float, replaced: bool
) -> None:
    cache_dir = tmp_path / "cache"
    path = settled_entry(entries_dir, cache_dir, short_settling)
    before = path.stat()
    text = path.read_text()
    edited = text.replace("year: 2024", "year: 1024", 1)
    assert edited != text
    written = tmp_path / "replacement.yaml" if replaced else path
    written.write_text(edited)
    os.utime(written, ns=(before.st_atime_ns, before.st_mtime_ns))  # the modification time set back
    if replaced:
        written.replace(path)  # an editor's atomic save: a new inode
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert (after.st_ino == before.st_ino) is not replaced
    problems, hits, reads = run_counting(entries_dir, cache_dir)
    assert (hits, reads) == (0, 1)
    assert problems == [
        f"{entries_dir}/aaa2024first.yaml:4:7: year: 1024 is out of range (1950-{dt.datetime.now(tz=dt.UTC).year + 1})"
    ]


def test_a_recently_changed_file_is_read_again(entries_dir: Path, tmp_path: Path) -> None:
    """Within SETTLED_NS of its last change a file's status does not vouch for its bytes:
    a second write in the same timestamp tick would leave the status unchanged."""
    cache_dir = tmp_path / "cache"
    write_entry(entries_dir, valid_fields("aaa2024first"))
    assert run_counting(entries_dir, cache_dir) == ([], 0, 1)
    assert run_counting(entries_dir, cache_dir) == ([], 1, 1)  # the same bytes: a hit, but read
    assert run_counting(entries_dir, cache_dir) == ([], 1, 1)


def test_touching_a_file_costs_one_read_and_no_validation(
    entries_dir: Path, tmp_path: Path, short_settling: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir = tmp_path / "cache"
    path = settled_entry(entries_dir, cache_dir, short_settling)
    path.touch()
    time.sleep(short_settling)
    validated: list[Path] = []
    real = afkb.cache.validate_bytes
    monkeypatch.setattr(
        afkb.cache, "validate_bytes", lambda data, p, *rest: validated.append(p) or real(data, p, *rest)
    )
    assert run_counting(entries_dir, cache_dir) == ([], 1, 1)
    assert run_counting(entries_dir, cache_dir) == ([], 1, 0)  # the new status was recorded
    assert validated == []
