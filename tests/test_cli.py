"""The CLI: exit codes (0 ok, 1 invalid input, 2 usage), output formats, help and docs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from afkb.cli import main
from conftest import ROOT, valid_fields, write_entry


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_validate_ok(entries_dir: Path) -> None:
    write_entry(entries_dir, valid_fields())
    code, out, err = run("validate", "--entries", str(entries_dir))
    assert (code, out, err) == (0, "", "1 entries valid\n")


def test_validate_quiet_prints_nothing(entries_dir: Path) -> None:
    write_entry(entries_dir, valid_fields())
    assert run("--quiet", "validate", "--entries", str(entries_dir)) == (0, "", "")


def test_validate_invalid_exits_1_with_lines(entries_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(entries_dir.parent)
    write_entry(entries_dir, valid_fields(title=True))
    code, out, err = run("validate", "--entries", "entries")
    assert code == 1
    assert (
        out
        == "entries/doe2024example.yaml:2:8: title: YAML reads the unquoted value true as a boolean; put it in quotes\n"
    )
    assert err == "1 problem in 1 of 1 files\n"


def test_validate_json(entries_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(entries_dir.parent)
    write_entry(entries_dir, valid_fields(year=1800))
    code, out, _ = run("validate", "--entries", "entries", "--format", "json")
    assert code == 1
    assert json.loads(out) == [
        {
            "path": "entries/doe2024example.yaml",
            "line": 4,
            "column": 7,
            "field": "year",
            "message": json.loads(out)[0]["message"],
        }
    ]
    assert json.loads(out)[0]["message"].startswith("1800 is out of range (1950-")


def test_validate_github_annotations(entries_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(entries_dir.parent)
    write_entry(entries_dir, valid_fields(title="50% done, a: b\nsecond line"))
    code, out, _ = run("validate", "--entries", "entries", "--format", "github")
    assert code == 1
    assert out == "::error file=entries/doe2024example.yaml,line=2,col=8::title: must be a single line\n"
    assert re.fullmatch(r"(::error file=[^,:]+,line=\d+,col=\d+::[^\n]*\n)+", out)


def test_github_annotation_escapes_data() -> None:
    from afkb.problems import Problem

    problem = Problem("a,b:c.yaml", 3, 4, "f", "100% bad\nnext")
    assert problem.github_annotation() == "::error file=a%2Cb%3Ac.yaml,line=3,col=4::f: 100%25 bad%0Anext"


def test_missing_entries_dir_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("validate", "--entries", str(tmp_path / "nope"))
    assert code == 2
    assert "does not exist or is not a directory" in err


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--format", "xml"],
        ["no-such-command"],
        ["export"],
        ["--quiet", "--verbose", "validate"],
        ["graph", "path", "a"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert run(*args)[0] == 2


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        full = f"{prefix}{name}"
        if isinstance(command, click.Group):
            found += _commands(command, f"{full} ")
        else:
            found.append((full, command))
    return found


COMMANDS = _commands(main)


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_every_command_has_help_and_is_in_the_readme(name: str, command: click.Command) -> None:
    assert command.help, f"{name} has no help text"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"afkb {name}" in readme, f"README shows no example of `afkb {name}`"


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[n for n, _ in COMMANDS])
def test_entry_commands_take_entries_option(name: str, command: click.Command) -> None:
    if name in {"schema", "taxonomy"}:
        return
    assert any(p.name == "entries_dir" and "--entries" in p.opts for p in command.params)
