"""Change notes: the validator's rules, the history read from git, and the pull-request check."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from afkb.changes import changed_fields, history
from conftest import problem_lines, run_afkb, to_yaml, valid_fields, write_entry

P = "entries/doe2024example.yaml"


def test_changes_run_newest_first_and_end_with_the_addition(entries_dir: Path) -> None:
    notes = [
        {"date": "2024-05-01", "note": "Venue added."},
        {"date": "2024-06-01", "note": "Title updated."},
        {"date": "2024-04-01", "note": "Added."},
    ]
    write_entry(entries_dir, valid_fields(changes=notes))
    assert problem_lines(entries_dir) == [
        (
            f"{P}:17:59: changes[1].date: 2024-06-01 is newer than the change above it (2024-05-01): "
            "list changes newest first"
        ),
        f"{P}:17:109: changes[2].date: the last change is the addition and must be dated as added (2024-05-01)",
    ]


def test_changes_are_required(entries_dir: Path) -> None:
    write_entry(entries_dir, valid_fields(changes=None))
    assert problem_lines(entries_dir) == [f"{P}:1:1: changes: missing required field"]


def test_changed_fields_ignore_quoting_order_and_the_notes() -> None:
    old = to_yaml(valid_fields())
    reordered = 'title: "An Example Paper on Alignment Fragility"\n' + "\n".join(
        line for line in old.splitlines() if not line.startswith("title:")
    )
    assert changed_fields(old, reordered) == []
    assert changed_fields(old, to_yaml(valid_fields(changes=[{"date": "2024-05-01", "note": "x"}]))) == []
    assert changed_fields(old, to_yaml(valid_fields(venue="ICLR 2025", doi="10.1/x"))) == ["venue", "doi"]


def _git(repo: Path, *args: str, day: str = "2024-05-01") -> None:
    stamp = f"{day}T12:00:00+00:00"
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def _repository(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "entries").mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "test@example.org")
    _git(repo, "config", "user.name", "Test")
    return repo


def _commit(repo: Path, fields: dict[str, object], day: str) -> None:
    write_entry(repo / "entries", fields)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", f"change of {day}", day=day)


def test_backfill_writes_one_note_per_day_the_content_changed(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    base = valid_fields(changes=None)
    _commit(repo, base, "2024-05-01")
    _commit(repo, {**base, "notes": "A caveat."}, "2024-05-01")  # same day: part of the addition
    _commit(repo, {**base, "notes": "A caveat, reworded."}, "2024-06-03")
    _commit(repo, {**base, "notes": "A caveat, reworded.", "venue": "ICLR 2025"}, "2024-06-03")
    _commit(repo, {"title": base["title"], **base, "notes": "A caveat, reworded.", "venue": "ICLR 2025"}, "2024-07-09")
    path = repo / "entries" / "doe2024example.yaml"
    notes = history(repo, Path("entries/doe2024example.yaml"))
    assert [(str(n.date), n.note) for n in notes] == [
        ("2024-06-03", "Updated notes, venue."),
        ("2024-05-01", "Added."),
    ]
    run_afkb("changes", "backfill", "--entries", str(repo / "entries"), cwd=repo)
    text = path.read_text(encoding="utf-8")
    assert text.endswith(
        "changes:\n  - date: 2024-06-03\n    note: Updated notes, venue.\n  - date: 2024-05-01\n    note: Added.\n"
    )
    assert run_afkb("validate", "--entries", str(repo / "entries"), cwd=repo).returncode == 0


def test_a_content_change_without_a_note_fails_the_check(tmp_path: Path) -> None:
    repo = _repository(tmp_path)
    fields = valid_fields()
    _commit(repo, fields, "2024-05-01")
    _git(repo, "branch", "base")
    check = ("changes", "check", "--base", "base", "--entries", "entries")

    write_entry(repo / "entries", {**fields, "venue": "ICLR 2025"})
    result = run_afkb(*check, cwd=repo, check=False)
    assert result.returncode == 1
    message = result.stderr.strip()
    assert message.startswith(
        "entries/doe2024example.yaml: venue changed since base without a change note; "
        'add one at the top of changes, e.g. "- {date: '
    )
    assert message.endswith(', note: <what changed, in one line>}"')

    notes = [{"date": "2024-06-01", "note": "Venue updated."}, *fields["changes"]]
    write_entry(repo / "entries", {**fields, "venue": "ICLR 2025", "changes": notes})
    assert run_afkb(*check, cwd=repo).returncode == 0

    (repo / "entries" / "doe2024example.yaml").write_text(to_yaml(fields).replace('"ACL 2024"', "ACL 2024"))
    assert run_afkb(*check, cwd=repo).returncode == 0  # quoting only: not a content change
