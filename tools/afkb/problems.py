"""Problems found in entries, reported as ``path:line:col: field: message``."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import NamedTuple

MAX_SHOWN = 60
LATIN1_LAST = 0xFF
# C0 and C1 controls, DEL, line separators and the non-characters XML cannot carry.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufdd0-\ufdef\ufffe\uffff]")
# Characters that reorder or hide text on a terminal: escaped wherever a value is echoed.
_UNSAFE_ON_TERMINAL = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code <= LATIN1_LAST else f"\\u{code:04x}"


def for_terminal(value: str) -> str:
    """``value`` with controls, bidi and invisible format characters written as escapes."""
    return _UNSAFE_ON_TERMINAL.sub(_escape, value)


def shown(value: str) -> str:
    """A contributor value as quoted in a message: control characters escaped, long values cut."""
    value = for_terminal(value.replace("\n", "\\n").replace("\r", "\\r"))
    return value if len(value) <= MAX_SHOWN else value[: MAX_SHOWN - 1] + "…"


class Position(NamedTuple):
    """A 1-based line and column in a file (a named tuple: made for every node, so made cheaply)."""

    line: int
    column: int


START = Position(1, 1)


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One error in one file; ``field`` is a key path such as ``authors[2]``."""

    path: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        field = f"{self.field}: " if self.field else ""
        return f"{self.path}:{self.line}:{self.column}: {field}{self.message}"

    def github_annotation(self) -> str:
        """The problem as a GitHub Actions workflow command."""
        text = f"{self.field}: {self.message}" if self.field else self.message
        message = _escape_github_data(text)
        path = _escape_github_property(self.path)
        return f"::error file={path},line={self.line},col={self.column}::{message}"

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def _escape_github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_github_property(text: str) -> str:
    return _escape_github_data(text).replace(":", "%3A").replace(",", "%2C")


def display_path(path: Path) -> str:
    """The path relative to the working directory when it lies below it."""
    try:
        located = path.parent.resolve() / path.name  # never follow a symbolic link to name it
        return for_terminal(str(located.relative_to(Path.cwd().resolve())))
    except ValueError:
        return for_terminal(str(path))


def sort_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(set(problems))


def problems_as_json(problems: list[Problem]) -> str:
    return json.dumps([p.as_json() for p in problems], indent=2, ensure_ascii=False)
