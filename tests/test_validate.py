"""Schema- and collection-level checks, each with its exact `path:line:col: field: message`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from conftest import problem_lines, valid_fields, write_entry

NEXT_YEAR = dt.datetime.now(tz=dt.UTC).year + 1


def lines_for(entries_dir: Path, **overrides: Any) -> list[str]:
    write_entry(entries_dir, valid_fields(**overrides), name="doe2024example.yaml")
    return problem_lines(entries_dir)


def test_valid_entry_has_no_problems(entries_dir: Path) -> None:
    assert lines_for(entries_dir) == []


# Line numbers follow conftest.valid_fields' key order: id is line 1, title 2, authors 3, year 4,
# venue 5, venue_type 6, arxiv 7, url 8, kind 9, tags 10, threat_model 11, summary 12,
# findings 13, takeaways 14, added 15.
P = "entries/doe2024example.yaml"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"title": None}, [f"{P}:1:1: title: missing required field"]),
        ({"autors": ["x"]}, [f"{P}:16:1: autors: unknown field; did you mean 'authors'?"]),
        ({"title": True}, [f"{P}:2:8: title: YAML reads the unquoted value true as a boolean; put it in quotes"]),
        ({"title": 1.5}, [f"{P}:2:8: title: YAML reads the unquoted value 1.5 as a number; put it in quotes"]),
        ({"title": ""}, [f"{P}:2:8: title: missing value"]),
        ({"title": "a\nb"}, [f"{P}:2:8: title: must be a single line"]),
        ({"title": ["a"]}, [f"{P}:2:8: title: expected text, got a list"]),
        ({"authors": []}, [f"{P}:3:10: authors: needs at least 1 item"]),
        ({"authors": "Jane Doe"}, [f"{P}:3:10: authors: expected a list, got text"]),
        ({"year": "2024"}, [f"{P}:4:7: year: expected an integer; remove the quotes"]),
        ({"year": 1800}, [f"{P}:4:7: year: 1800 is out of range (1950-{NEXT_YEAR})"]),
        ({"year": "twenty"}, [f"{P}:4:7: year: expected an integer, got 'twenty'"]),
        (
            {"venue_type": "blog"},
            [
                f"{P}:6:13: venue_type: unknown venue type 'blog'; expected one of: conference, journal, workshop, preprint, report"
            ],
        ),
        (
            {"arxiv": "2402.12343v2"},
            [
                f"{P}:7:8: arxiv: malformed value '2402.12343v2'; expected an arXiv id such as 2402.12343 (no version suffix)"
            ],
        ),
        (
            {"doi": "https://doi.org/10.1/x"},
            [
                f"{P}:16:6: doi: malformed value 'https://doi.org/10.1/x'; expected a DOI such as 10.18653/v1/2024.acl-long.842, without https://doi.org/"
            ],
        ),
        (
            {"url": "javascript:alert(1)"},
            [f"{P}:8:6: url: URL scheme 'javascript' is not allowed; use an http:// or https:// URL"],
        ),
        (
            {"code": "ftp://example.org/x"},
            [f"{P}:16:7: code: URL scheme 'ftp' is not allowed; use an http:// or https:// URL"],
        ),
        (
            {"url": "example.org"},
            [f"{P}:8:6: url: a URL without a scheme is not allowed; use an http:// or https:// URL"],
        ),
        (
            {"kind": "atack"},
            [f"{P}:9:7: kind: unknown kind 'atack' (see tools/afkb/taxonomy.yaml); did you mean 'attack'?"],
        ),
        (
            {"tags": ["fine-tuning-atack"]},
            [
                f"{P}:10:8: tags[0]: unknown tag 'fine-tuning-atack' (see tools/afkb/taxonomy.yaml); did you mean 'fine-tuning-attack'?"
            ],
        ),
        (
            {"tags": ["zzz"]},
            [f"{P}:10:8: tags[0]: unknown tag 'zzz' (see tools/afkb/taxonomy.yaml); run `afkb taxonomy` for the list"],
        ),
        ({"tags": ["lora", "lora"]}, [f"{P}:10:16: tags[1]: duplicate value 'lora'"]),
        (
            {"threat_model": {"access": ["root"], "summary": "x"}},
            [
                f"{P}:11:27: threat_model.access[0]: unknown access 'root'; expected one of: black-box-prompts, system-prompt, fine-tuning-api, open-weights, logits, activations, training-data, none"
            ],
        ),
        ({"summary": "too short"}, [f"{P}:12:10: summary: text is too short (at least 200 characters)"]),
        (
            {"findings": [{"claim": "x"}]},
            [
                f"{P}:13:12: findings[0].evidence: missing required field",
                f"{P}:13:12: findings[0].where: missing required field",
            ],
        ),
        (
            {"findings": [{"claim": "x", "where": "Table 1", "evidence": "blog"}]},
            [
                f"{P}:13:59: findings[0].evidence: unknown evidence 'blog'; expected one of: paper, abstract, repository, project-page, proceedings, secondary"
            ],
        ),
        (
            {"findings": [{"claim": "x", "where": "README", "evidence": "repository"}]},
            [f"{P}:13:12: findings[0].source: evidence 'repository' needs a source: the URL that was read"],
        ),
        (
            {
                "findings": [
                    {"claim": "x", "where": "Table 1", "evidence": "secondary", "source": "javascript:alert(1)"}
                ]
            },
            [f"{P}:13:82: findings[0].source: URL scheme 'javascript' is not allowed; use an http:// or https:// URL"],
        ),
        (
            {"takeaways": [{"text": "x", "threat": "lora"}]},
            [
                f"{P}:14:37: takeaways[0].threat: unknown threat 'lora' (see tools/afkb/taxonomy.yaml); run `afkb taxonomy` for the list"
            ],
        ),
        ({"added": "2024-02-30"}, [f"{P}:15:8: added: 2024-02-30 is not a calendar date"]),
        ({"added": "May 2024"}, [f"{P}:15:8: added: expected a date as YYYY-MM-DD"]),
        (
            {"id": "Doe2024Example"},
            [
                f"{P}:1:5: id: malformed value 'Doe2024Example'; use lower-case letters and digits as <firstauthorfamily><year><firstword>, e.g. zhou2024emulated"
            ],
        ),
        (
            {"id": "doe2024other"},
            [f"{P}:1:5: id: id 'doe2024other' does not match the file name 'doe2024example.yaml'"],
        ),
        ({"arxiv": None, "url": None}, [f"{P}:1:1: needs at least one of arxiv, doi or url"]),
        (
            {"relations": [{"type": "builds-on", "target": "doe2024example"}]},
            [f"{P}:16:13: relations[0].target: an entry cannot relate to itself"],
        ),
        (
            {"relations": [{"type": "inspired-by", "target": "x2020y"}]},
            [
                f"{P}:16:22: relations[0].type: unknown relation type 'inspired-by' (see tools/afkb/taxonomy.yaml); expected one of: cites, builds-on, extends, uses-data-from, evaluates, attacks, defends-against, critiques, confirms, compares-with"
            ],
        ),
        ({"title": "TODO: the title"}, [f"{P}:2:8: title: placeholder not filled in"]),
        ({"title": "bell \u0007 inside"}, [f"{P}:2:8: title: contains a control character"]),
    ],
    ids=lambda v: "" if isinstance(v, list) else "-".join(f"{k}" for k in v),
)
def test_schema_problem(entries_dir: Path, overrides: dict[str, Any], expected: list[str]) -> None:
    assert lines_for(entries_dir, **overrides) == expected


def test_id_year_must_be_first_appearance(entries_dir: Path) -> None:
    write_entry(entries_dir, valid_fields("doe2019example", year=2024))
    assert problem_lines(entries_dir) == [
        (
            "entries/doe2019example.yaml:1:5: id: the year in the id (2019) must be the year the paper "
            "first appeared, between 2021 and year (2024)"
        )
    ]


def test_yaml_11_implicit_types_are_refused_not_coerced(entries_dir: Path) -> None:
    path = write_entry(entries_dir, valid_fields())
    source = path.read_text()
    source = source.replace('title: "An Example Paper on Alignment Fragility"', "title: no")
    path.write_text(source.replace('venue: "ACL 2024"', "venue: 2024-06-01"))
    assert problem_lines(entries_dir) == [
        f"{P}:2:8: title: YAML reads the unquoted value no as a boolean; put it in quotes",
        f"{P}:5:8: venue: YAML reads the unquoted value 2024-06-01 as a date; put it in quotes",
    ]


def test_every_problem_in_every_file_is_reported_sorted(entries_dir: Path) -> None:
    write_entry(entries_dir, valid_fields("bbb2024second", title=True, year="x", arxiv="2401.00002"))
    write_entry(entries_dir, valid_fields("aaa2024first", kind="nope", autors=[]))
    assert problem_lines(entries_dir) == [
        (
            "entries/aaa2024first.yaml:9:7: kind: unknown kind 'nope' (see tools/afkb/taxonomy.yaml); "
            "expected one of: attack, defense, evaluation, benchmark, analysis, method, theory, survey"
        ),
        "entries/aaa2024first.yaml:16:1: autors: unknown field; did you mean 'authors'?",
        "entries/bbb2024second.yaml:2:8: title: YAML reads the unquoted value true as a boolean; put it in quotes",
        "entries/bbb2024second.yaml:4:7: year: expected an integer, got 'x'",
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("doe2024example.yml", "entry files end in .yaml; rename it to doe2024example.yaml"),
        ("Doe2024Example.yaml", "file name must be <id>.yaml with a lower-case id of letters and digits"),
        ("doe 2024 example.yaml", "file name must be <id>.yaml with a lower-case id of letters and digits"),
        ("notes.txt", "unexpected file; entries/ holds only <id>.yaml files and README.md"),
    ],
)
def test_bad_file_names(entries_dir: Path, name: str, message: str) -> None:
    write_entry(entries_dir, valid_fields(), name=name)
    assert problem_lines(entries_dir) == [f"entries/{name}:1:1: {message}"]


def test_subdirectory_is_reported(entries_dir: Path) -> None:
    (entries_dir / "drafts").mkdir()
    assert problem_lines(entries_dir) == [
        "entries/drafts:1:1: unexpected directory; entries/ holds only <id>.yaml files"
    ]


def test_symlink_out_of_entries_is_not_followed(entries_dir: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("id: secret\n")
    (entries_dir / "doe2024example.yaml").symlink_to(secret)
    assert problem_lines(entries_dir) == [
        "entries/doe2024example.yaml:1:1: is a symbolic link (not followed); entries must be regular files"
    ]


def test_readme_and_dotfiles_are_ignored(entries_dir: Path) -> None:
    (entries_dir / "README.md").write_text("# guide\n")
    (entries_dir / ".gitkeep").write_text("")
    write_entry(entries_dir, valid_fields())
    assert problem_lines(entries_dir) == []


def test_collection_checks(entries_dir: Path) -> None:
    write_entry(entries_dir, valid_fields("doe2024example", doi="10.1000/ABC"))
    write_entry(
        entries_dir,
        valid_fields("roe2024example", doi="10.1000/abc", relations=[{"type": "cites", "target": "nobody2020x"}]),
    )
    assert problem_lines(entries_dir) == [
        "entries/doe2024example.yaml:7:8: arxiv: arXiv id '2401.00001' is also used by entries/roe2024example.yaml",
        "entries/doe2024example.yaml:16:6: doi: DOI '10.1000/abc' is also used by entries/roe2024example.yaml",
        "entries/roe2024example.yaml:7:8: arxiv: arXiv id '2401.00001' is also used by entries/doe2024example.yaml",
        "entries/roe2024example.yaml:16:6: doi: DOI '10.1000/abc' is also used by entries/doe2024example.yaml",
        "entries/roe2024example.yaml:17:13: relations[0].target: no entry with id 'nobody2020x'",
    ]


def test_ids_differing_only_in_case(entries_dir: Path) -> None:
    write_entry(entries_dir, valid_fields("doe2024example"))
    write_entry(entries_dir, valid_fields("DOE2024example", arxiv="2401.00002"), name="doe2024examplf.yaml")
    lines = problem_lines(entries_dir)
    assert (
        "entries/doe2024examplf.yaml:1:5: id: id 'doe2024example' is also used by entries/doe2024example.yaml" in lines
    )
    assert (
        "entries/doe2024example.yaml:1:5: id: id 'doe2024example' is also used by entries/doe2024examplf.yaml" in lines
    )


def test_relation_cycles_are_allowed(entries_dir: Path) -> None:
    write_entry(entries_dir, valid_fields("doe2024example", relations=[{"type": "cites", "target": "roe2024example"}]))
    write_entry(
        entries_dir,
        valid_fields("roe2024example", arxiv="2401.00002", relations=[{"type": "cites", "target": "doe2024example"}]),
    )
    assert problem_lines(entries_dir) == []
