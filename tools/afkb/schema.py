"""The one declaration of an entry. Validation, the JSON Schema for editors, the
scaffold and the canonical key order are all derived from these dataclasses."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from afkb.fieldtypes import Choice, Date, Integer, ListOf, Object, Text, Url, spec

if TYPE_CHECKING:
    from afkb.taxonomy import Taxonomy

ID_PATTERN = r"[a-z][a-z]*[0-9]{4}[a-z0-9]+"
ID_HELP = "use lower-case letters and digits as <firstauthorfamily><year><firstword>, e.g. zhou2024emulated"
ARXIV_PATTERN = r"[0-9]{4}\.[0-9]{4,5}|[a-z-]+(?:\.[A-Z]{2})?/[0-9]{7}"
DOI_PATTERN = r"10\.[0-9]{4,9}/[-._;()/:A-Za-z0-9<>\[\]]+"
VENUE_TYPES = ("conference", "journal", "workshop", "preprint", "report")
ACCESS = (
    "black-box-prompts",
    "system-prompt",
    "fine-tuning-api",
    "open-weights",
    "logits",
    "activations",
    "training-data",
    "none",
)
AUDIENCES = ("defender", "evaluator", "model-developer", "policy")
EVIDENCE = ("paper", "abstract", "repository", "project-page", "proceedings", "secondary")
EVIDENCE_WITHOUT_SOURCE = ("paper", "abstract")  # the entry's own links lead there

EntryId = Text(max_length=80, pattern=ID_PATTERN, pattern_help=ID_HELP)
Line = Text(max_length=300)
Bibliographic = Text(max_length=500, plain=True)  # printed by citation tools: no LaTeX markup
Name = Text(max_length=200, plain=True)
Markdown = Text(max_length=6000, multiline=True)


@dataclass(frozen=True, kw_only=True, slots=True)
class TitleVersion:
    title: str = spec(Bibliographic, "An earlier title.", "Emulated Disalignment: ...")
    version: str = spec(Line, "Where that title was used.", "arXiv v1")


@dataclass(frozen=True, kw_only=True, slots=True)
class NameParts:
    author: str = spec(Name, "The author, exactly as listed under authors.", "Ludwig van Beethoven")
    given: str | None = spec(Name, "Given names.", "Ludwig", optional=True)
    family: str | None = spec(Name, "Family name, without a particle.", "Beethoven", optional=True)
    particle: str | None = spec(Name, "A particle before the family name.", "van", optional=True)
    suffix: str | None = spec(Name, "A suffix such as Jr. or III.", "Jr.", optional=True)
    literal: str | None = spec(Name, "The whole name, for an organisation that has no parts.", "OpenAI", optional=True)


@dataclass(frozen=True, kw_only=True, slots=True)
class ThreatModel:
    access: tuple[str, ...] = spec(
        ListOf(Choice("access", ACCESS), min_items=1, unique=True),
        "What the attacker (or defender) needs.",
        ["open-weights", "logits"],
    )
    summary: str = spec(
        Text(max_length=1000, multiline=True),
        "One or two sentences on the assumed access and goal.",
        "The attacker can query both a base model and its aligned version for next-token probabilities.",
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class Finding:
    claim: str = spec(
        Text(max_length=2000, multiline=True),
        "One claim of the paper, with its numbers (Markdown).",
        "ED raised the harmful rate above both base and aligned models in most settings.",
    )
    where: str = spec(Line, "Where in the paper the claim stands: table, figure or section.", "Table 1")
    evidence: str = spec(
        Choice("evidence", EVIDENCE),
        "What the claim was read in: paper (its text, a table or a figure), abstract, repository (the authors' "
        "code or README), project-page, proceedings (a venue's metadata page), secondary (another paper's "
        "description; say whose in the claim or notes).",
        "paper",
    )
    source: str | None = spec(
        Url(),
        "The URL that was read; required unless evidence is paper or abstract.",
        "https://github.com/ZHZisZZ/emulated-disalignment",
        optional=True,
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class Takeaway:
    text: str = spec(
        Text(max_length=2000, multiline=True),
        "What a defender, evaluator or model developer should do differently (Markdown).",
        "Treat releasing a base model next to its aligned model as releasing an unaligned model.",
    )
    threat: str = spec(
        Choice("threat", vocabulary="threats"),
        "The threat this takeaway answers: a tag of the taxonomy's threat group.",
        "decoding-attack",
    )
    audience: tuple[str, ...] = spec(
        ListOf(Choice("audience", AUDIENCES), unique=True),
        "Who should act on it.",
        ["model-developer"],
        optional=True,
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class Relation:
    type: str = spec(Choice("relation type", vocabulary="relations"), "The relation type.", "builds-on")
    target: str = spec(EntryId, "The id of the related entry.", "mitchell2023emulator")
    note: str | None = spec(
        Line, "Why the relation holds, in a few words.", "inverts the emulated fine-tuning of this paper", optional=True
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class Reference:
    title: str = spec(Bibliographic, "Title of a cited work that has no entry yet.", "Direct Preference Optimization")
    arxiv: str | None = spec(
        Text(max_length=40, pattern=ARXIV_PATTERN, pattern_help="expected an arXiv id such as 2305.18290"),
        "Its arXiv id.",
        "2305.18290",
        optional=True,
    )
    doi: str | None = spec(
        Text(max_length=200, pattern=DOI_PATTERN, pattern_help="expected a DOI such as 10.18653/v1/2024.acl-long.1"),
        "Its DOI.",
        "10.18653/v1/2023.acl-long.687",
        optional=True,
    )
    year: int | None = spec(Integer(1900), "Its year.", 2023, optional=True)


@dataclass(frozen=True, kw_only=True, slots=True)
class Change:
    date: dt.date = spec(Date(), "When the entry changed.", dt.date(2024, 5, 1))
    note: str = spec(Line, "What changed, in one line of plain words.", "Added.")


@dataclass(frozen=True, kw_only=True, slots=True)
class Entry:
    id: str = spec(EntryId, "The entry's id, equal to the file name without .yaml.", "zhou2024emulated")
    title: str = spec(
        Bibliographic,
        "The title as published.",
        "Emulated Disalignment: Safety Alignment for Large Language Models May Backfire!",
    )
    title_history: tuple[TitleVersion, ...] = spec(
        ListOf(Object(TitleVersion)),
        "Earlier titles, if the paper was renamed.",
        [{"title": "An earlier title", "version": "arXiv v1"}],
        optional=True,
    )
    tldr: str = spec(
        Text(max_length=200),
        "The paper's answer in one sentence of our own words (at most 200 characters), shown under the title.",
        "Sampling against an aligned model's contrast with its base turns its alignment into harm, untrained.",
    )
    authors: tuple[str, ...] = spec(
        ListOf(Name, min_items=1, max_items=500),
        "Every author in the paper's order, each name as printed.",
        ["Zhanhui Zhou", "Jie Liu"],
    )
    name_parts: tuple[NameParts, ...] = spec(
        ListOf(Object(NameParts)),
        "How to split an author's name where reading it as 'First von Last, Jr.' would be wrong.",
        [{"author": "Mattos Sánchez Juan", "given": "Juan", "family": "Mattos Sánchez"}],
        optional=True,
    )
    year: int = spec(Integer(1950), "Year of the version cited.", 2024)
    venue: str = spec(
        Text(max_length=300, plain=True), "Where the paper was published, or 'arXiv preprint'.", "ACL 2024"
    )
    venue_type: str = spec(Choice("venue type", VENUE_TYPES), "The type of venue.", "conference")
    arxiv: str | None = spec(
        Text(
            max_length=40,
            pattern=ARXIV_PATTERN,
            pattern_help="expected an arXiv id such as 2402.12343 (no version suffix)",
        ),
        "The arXiv identifier, without version.",
        "2402.12343",
        optional=True,
    )
    doi: str | None = spec(
        Text(
            max_length=200,
            pattern=DOI_PATTERN,
            pattern_help="expected a DOI such as 10.18653/v1/2024.acl-long.842, without https://doi.org/",
        ),
        "The DOI, without https://doi.org/.",
        "10.18653/v1/2024.acl-long.842",
        optional=True,
    )
    url: str | None = spec(
        Url(), "The canonical landing page.", "https://aclanthology.org/2024.acl-long.842/", optional=True
    )
    code: str | None = spec(
        Url(),
        "The authors' code or data repository.",
        "https://github.com/ZHZisZZ/emulated-disalignment",
        optional=True,
    )
    kind: str = spec(Choice("kind", vocabulary="kinds"), "What kind of paper this is.", "attack")
    tags: tuple[str, ...] = spec(
        ListOf(Choice("tag", vocabulary="tags"), min_items=1, unique=True),
        "Tags from the taxonomy.",
        ["decoding-attack", "logit-arithmetic"],
    )
    threat_model: ThreatModel = spec(
        Object(ThreatModel),
        "The access the attack or defense assumes.",
        {
            "access": ["open-weights", "logits"],
            "summary": "The attacker can sample from a base model and its aligned version.",
        },
    )
    models: tuple[str, ...] = spec(ListOf(Line), "Models studied.", ["Llama-2-7b-chat"], optional=True)
    datasets: tuple[str, ...] = spec(
        ListOf(Line), "Datasets, benchmarks and judges used.", ["Anthropic HH-RLHF"], optional=True
    )
    summary: str = spec(
        Text(max_length=6000, min_length=200, multiline=True),
        "What the paper did and found, in our own words (Markdown).",
        (
            "The paper contrasts a base model's and its aligned model's next-token distributions at "
            "inference time. Sampling from the contrast reverses safety alignment without any training, "
            "and the more strongly a model was aligned, the more harmful the result."
        ),
    )
    findings: tuple[Finding, ...] = spec(
        ListOf(Object(Finding), min_items=1),
        "Claims with numbers and where they stand.",
        [{"claim": "Refusal rate fell from 95% to 10% after 100 steps.", "where": "Table 2", "evidence": "paper"}],
    )
    takeaways: tuple[Takeaway, ...] = spec(
        ListOf(Object(Takeaway), min_items=1),
        "Defensive takeaways.",
        [
            {
                "text": "Re-run safety evaluations after every fine-tuning job.",
                "threat": "fine-tuning-attack",
                "audience": ["model-developer"],
            }
        ],
    )
    relations: tuple[Relation, ...] = spec(
        ListOf(Object(Relation)),
        "Typed links to other entries.",
        [{"type": "builds-on", "target": "mitchell2023emulator"}],
        optional=True,
    )
    references: tuple[Reference, ...] = spec(
        ListOf(Object(Reference)),
        "Cited works without an entry yet (the wanted list).",
        [{"title": "Llama 2: Open Foundation and Fine-Tuned Chat Models", "arxiv": "2307.09288", "year": 2023}],
        optional=True,
    )
    notes: str | None = spec(
        Markdown, "Version differences, errata, caveats (Markdown).", "arXiv v1 had a different title.", optional=True
    )
    unverified: tuple[str, ...] = spec(
        ListOf(Text(max_length=500)),
        "Facts that could not be verified in a primary source.",
        ["The venue of the workshop version was not checked."],
        optional=True,
    )
    added: dt.date = spec(Date(), "When the entry was added.", dt.date(2024, 5, 1))
    changes: tuple[Change, ...] = spec(
        ListOf(Object(Change), min_items=1),
        "What changed and when, newest first; the last item is the addition, dated as added.",
        [{"date": "2024-06-02", "note": "Venue updated to ACL 2024."}, {"date": "2024-05-01", "note": "Added."}],
    )

    @property
    def id_year(self) -> int:
        digits = "".join(c if c.isdigit() else " " for c in self.id).split()
        return int(digits[0][:4])


ENTRY_TYPE = Object(Entry)
SCHEMA_ID = "https://afkb.invalid/schema/entry.schema.json"


def json_schema(taxonomy: Taxonomy) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) for entry files, derived from :class:`Entry`."""
    schema = ENTRY_TYPE.json_schema(taxonomy)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Alignment Fragility Knowledge Base entry",
        "description": "One paper of the knowledge base. Generated by `afkb schema`; do not edit.",
        **schema,
    }


def json_schema_text(taxonomy: Taxonomy) -> str:
    return json.dumps(json_schema(taxonomy), indent=2, ensure_ascii=False) + "\n"
