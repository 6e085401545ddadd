from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

from afkb.collection import load_collection
from afkb.schema import Change, Entry, Finding, Takeaway, ThreatModel
from afkb.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parent.parent
ENTRIES = ROOT / "entries"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def valid_fields(entry_id: str = "doe2024example", **overrides: Any) -> dict[str, Any]:
    """A minimal valid entry as a dict; overrides replace or (with None) remove fields."""
    fields: dict[str, Any] = {
        "id": entry_id,
        "title": "An Example Paper on Alignment Fragility",
        "tldr": "Fine-tuning on a few examples removes the example model's refusals.",
        "authors": ["Jane Doe", "Ming Li"],
        "year": 2024,
        "venue": "ACL 2024",
        "venue_type": "conference",
        "arxiv": "2401.00001",
        "url": "https://arxiv.org/abs/2401.00001",
        "kind": "attack",
        "tags": ["fine-tuning-attack", "open-weights"],
        "threat_model": {"access": ["open-weights"], "summary": "The attacker fine-tunes released weights."},
        "summary": "The authors fine-tune an aligned chat model on a handful of examples and measure "
        "how its refusal rate changes across several model families and datasets, showing that "
        "alignment is removed cheaply and that standard evaluations miss it.",
        "findings": [{"claim": "Refusal fell from 95% to 10%.", "where": "Table 2", "evidence": "paper"}],
        "takeaways": [{"text": "Re-run safety evaluations after fine-tuning.", "threat": "fine-tuning-attack"}],
        "added": "2024-05-01",
        "changes": [{"date": "2024-05-01", "note": "Added."}],
    }
    digits = "".join(c for c in entry_id if c.isdigit())[:4]
    if "year" not in overrides and len(digits) == 4 and 2021 <= int(digits) <= 2024:
        fields["year"] = int(digits)
    elif "year" not in overrides and len(digits) == 4 and int(digits) < 2021:
        fields["year"] = int(digits) + 1
    for key, value in overrides.items():
        if value is None:
            fields.pop(key, None)
        else:
            fields[key] = value
    return fields


def to_yaml(fields: dict[str, Any]) -> str:
    """YAML text for a dict: JSON values are valid YAML flow nodes; dates stay unquoted."""
    lines = []
    last = {k: fields[k] for k in ("tldr", "changes") if k in fields}  # keeps other fields' line numbers
    for key, value in [*((k, v) for k, v in fields.items() if k not in last), *last.items()]:
        if key == "added" and isinstance(value, str):
            lines.append(f"{key}: {value}")
        else:
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def write_entry(directory: Path, fields: dict[str, Any], name: str | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / (name or f"{fields['id']}.yaml")
    path.write_text(to_yaml(fields), encoding="utf-8")
    return path


def problem_lines(directory: Path) -> list[str]:
    """`afkb validate` lines for a directory, with paths relative to it."""
    cwd = Path.cwd()
    os.chdir(directory.parent)
    try:
        collection = load_collection(directory, load_taxonomy())
        return [str(p) for p in collection.problems]
    finally:
        os.chdir(cwd)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regenerate-golden", action="store_true", help="Rewrite tests/golden/* from current output.")


@pytest.fixture
def entries_dir(tmp_path: Path) -> Path:
    path = tmp_path / "entries"
    path.mkdir()
    return path


def run_afkb(*args: str, cwd: Path = ROOT, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "afkb", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=600
    )
    if check and result.returncode != 0:
        raise AssertionError(f"afkb {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
    return result


def make_project(tmp: Path, entries: Path) -> Path:
    """A copy of the site project (mkdocs.yml, docs/) using ``entries`` and the installed node_modules."""
    project = tmp / "project"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copytree(entries, project / "entries")
    (project / "node_modules").symlink_to(ROOT / "node_modules")
    return project


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real entries built into a site once per test session, with `afkb build`."""
    site = tmp_path_factory.mktemp("built") / "site"
    run_afkb("--quiet", "build", "--entries", str(ENTRIES), "--site-dir", str(site))
    return site


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the validation cache of tests out of the user's cache directory."""
    monkeypatch.setenv("AFKB_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def entry_object(**overrides: object) -> Entry:
    """An entry made directly (as if validation had been bypassed), for exporter tests."""
    fields: dict[str, object] = {
        "id": "doe2024example",
        "title": "An Example",
        "tldr": "An example's answer.",
        "authors": ("Jane Doe",),
        "year": 2024,
        "venue": "ACL 2024",
        "venue_type": "conference",
        "arxiv": "2401.00001",
        "kind": "attack",
        "tags": ("lora",),
        "threat_model": ThreatModel(access=("open-weights",), summary="s"),
        "summary": "s" * 200,
        "findings": (Finding(claim="c", where="Table 1", evidence="paper"),),
        "takeaways": (Takeaway(text="t", threat="fine-tuning-attack"),),
        "added": dt.date(2024, 1, 1),
        "changes": (Change(date=dt.date(2024, 1, 1), note="Added."),),
    }
    fields.update(overrides)
    return Entry(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, one for the whole session: Playwright's sync API runs one driver at a time."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian's chromium is required: `make test` installs it (apt-get install chromium)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
