"""New entry skeletons, derived from the schema: every field present and explained."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from afkb.fieldtypes import PLACEHOLDER, field_specs
from afkb.schema import Entry, Finding, Takeaway, ThreatModel

if TYPE_CHECKING:
    from afkb.bibimport import BibRecord

SCHEMA_COMMENT = "# yaml-language-server: $schema=../schema/entry.schema.json"


def _q(text: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _todo(what: str) -> str:
    return _q(f"{PLACEHOLDER}: {what}")


def skeleton(
    entry_id: str,
    *,
    kind: str | None = None,
    record: BibRecord | None = None,
    added: dt.date | None = None,
) -> str:
    """The text of a new entry file. Placeholders start with TODO and fail validation until replaced."""
    specs = field_specs(Entry)
    added = added or dt.datetime.now(tz=dt.UTC).date()
    authors = record.authors if record and record.authors else ()
    values: dict[str, str] = {
        "id": entry_id,
        "title": _q(record.title) if record else _todo("the title as published"),
        "title_history": "[]",
        "tldr": _todo("the paper's answer in one sentence of your own words (at most 200 characters)"),
        "authors": "\n" + "\n".join(f"  - {_q(a)}" for a in authors)
        if authors
        else "\n  - " + _todo("First Author, as printed"),
        "year": str(record.year) if record and record.year else PLACEHOLDER,
        "venue": _q(record.venue) if record and record.venue else _todo("e.g. ACL 2024, or arXiv preprint"),
        "venue_type": record.venue_type
        if record
        else f"{PLACEHOLDER}  # conference, journal, workshop, preprint or report",
        "arxiv": _q(record.arxiv) if record and record.arxiv else "",
        "doi": _q(record.doi) if record and record.doi else "",
        "url": _q(record.url) if record and record.url else "",
        "code": "",
        "kind": kind or f"{PLACEHOLDER}  # see tools/afkb/taxonomy.yaml",
        "tags": "\n  - " + _todo("a tag from tools/afkb/taxonomy.yaml"),
        "threat_model": (
            "\n  access:\n    - "
            + _todo("open-weights, logits, fine-tuning-api, black-box-prompts, ...")
            + "\n  summary: "
            + _todo(field_specs(ThreatModel)["summary"][0].description)
        ),
        "models": "[]",
        "datasets": "[]",
        "summary": "|\n  "
        + PLACEHOLDER
        + ": what the paper did and found, in your own words (at least 200 characters).",
        "findings": (
            "\n  - claim: "
            + _todo(field_specs(Finding)["claim"][0].description)
            + "\n    where: "
            + _todo("Table 1, Figure 2 or Section 3.1")
            + "\n    evidence: "
            + _todo("paper, abstract, repository, project-page, proceedings or secondary")
            + "\n    source: "
            + _todo("the URL read (may be left out when evidence is paper or abstract)")
        ),
        "takeaways": (
            "\n  - text: "
            + _todo(field_specs(Takeaway)["text"][0].description)
            + "\n    threat: "
            + _todo("a threat tag, e.g. fine-tuning-attack")
            + "\n    audience: [model-developer]"
        ),
        "relations": "[]",
        "references": "[]",
        "notes": "",
        "unverified": "[]",
        "added": added.isoformat(),
    }
    if record and record.truncated_authors:
        values["authors"] += "\n  - " + _todo("the BibTeX record ended with 'and others': add the remaining authors")
    lines = [SCHEMA_COMMENT]
    for name, (spec, required) in specs.items():
        marker = "" if required else " (optional)"
        lines.append(f"# {spec.description}{marker}")
        value = values[name]
        lines.append(f"{name}:{'' if value.startswith(chr(10)) or not value else ' '}{value}".rstrip())
    return "\n".join(lines) + "\n"
