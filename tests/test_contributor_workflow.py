"""afkb new, import-bib and fmt: scaffolds that validate once filled, imports that never overwrite,
a formatter that is idempotent and loses no value or comment."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from afkb.cli import main
from afkb.fmt import format_text
from afkb.load import Mapping, Node, Scalar, Sequence, load_document
from conftest import ENTRIES, problem_lines, valid_fields, write_entry

FILLED = {
    '"TODO: The title as published."': '"A Filled In Title"',
    "\"TODO: The paper's answer in one sentence of our own words (at most 200 characters), shown under the title.\"": (
        '"A filled-in answer in one sentence."'
    ),
    '"TODO: Every author in the paper\'s order, each name as printed."': '"Jane Doe"',
    "year: TODO": "year: 2024",
    "\"TODO: Where the paper was published, or 'arXiv preprint'.\"": '"ACL 2024"',
    "venue_type: TODO": "venue_type: conference",
    "kind: TODO": "kind: attack",
    "  - TODO  # see tools/afkb/taxonomy.yaml\n": "  - lora\n",
    "    - TODO  # black-box-prompts": "    - open-weights  # black-box-prompts",
    "TODO: One or two sentences on the assumed access and goal.": "Weights are public.",
    "TODO: What the paper did and found, in our own words (Markdown).": "x" * 210,
    "TODO: One claim of the paper, with its numbers (Markdown).": "A claim with 10%.",
    '"TODO: Where in the paper the claim stands: table, figure or section."': '"Table 1"',
    "evidence: TODO": "evidence: repository",
    '"TODO: The URL that was read; required unless evidence is paper or abstract."': '"https://example.org/code"',
    "TODO: What a defender, evaluator or model developer should do differently (Markdown).": "Do this.",
    "threat: TODO": "threat: fine-tuning-attack",
    "      - TODO  # defender": "      - model-developer  # defender",
}


def fill(text: str) -> str:
    for old, new in FILLED.items():
        assert old in text, old
        text = text.replace(old, new)
    return text.replace("url:\n", 'url: "https://example.org/paper"\n', 1)


def test_new_scaffold_fails_until_filled_then_validates(entries_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(entries_dir.parent)
    result = CliRunner().invoke(main, ["new", "--entries", "entries", "--id", "doe2024filled"])
    assert (result.exit_code, result.stdout) == (0, "entries/doe2024filled.yaml\n")
    path = entries_dir / "doe2024filled.yaml"
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=../schema/entry.schema.json\n")
    lines = problem_lines(entries_dir)
    assert len(lines) == len(FILLED)
    assert all(line.endswith("placeholder not filled in") for line in lines)
    path.write_text(fill(text))
    assert problem_lines(entries_dir) == []


def test_new_refuses_to_overwrite(entries_dir: Path) -> None:
    path = write_entry(entries_dir, valid_fields())
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["new", "--entries", str(entries_dir), "--id", "doe2024example"])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path} already exists; not overwritten\n"
    assert path.read_bytes() == before


def test_new_rejects_bad_id_and_kind(entries_dir: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["new", "--entries", str(entries_dir), "--id", "../evil2024x"]).exit_code == 2
    assert (
        runner.invoke(main, ["new", "--entries", str(entries_dir), "--id", "doe2024x", "--kind", "blog"]).exit_code == 2
    )
    assert list(entries_dir.iterdir()) == []


def test_new_without_id_outside_a_terminal_is_a_usage_error(entries_dir: Path) -> None:
    result = CliRunner().invoke(main, ["new", "--entries", str(entries_dir)])
    assert result.exit_code == 2
    assert "give --id ID" in result.stderr


WILD_BIB = r"""
@string{naacl = "Proceedings of NAACL"}
% Google Scholar style record
@inproceedings{wang2023fake,
  title={Fake Alignment: Are {LLMs} Really Aligned Well?},
  author={Wang, Yixu and Teng, Yan and others},
  booktitle=naacl,
  year={2024}
}
@article{muller2023accents,
  title = {On {LLM} Safety Under Pressure},
  author = {M{\"u}ller, J{\"o}rg and Garc{\'\i}a, Ana},
  journal = {Journal of Things},
  month = mar,
  year = 2023,
}
@misc{smith2024misc,
  title={An {arXiv} Only Paper},
  author={Smith, John and Ng, Andrew},
  year={2024},
  eprint={2405.12345},
  archivePrefix={arXiv},
  primaryClass={cs.CL}
}
@article{broken,
  title = {Never closed
"""


def test_import_bib_from_the_wild(entries_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(ENTRIES / "wang2023fake.yaml", entries_dir / "wang2023fake.yaml")
    shutil.copy(ENTRIES / "wei2023jailbroken.yaml", entries_dir / "wei2023jailbroken.yaml")
    bib = tmp_path / "refs.bib"
    bib.write_text(WILD_BIB)
    before = (entries_dir / "wang2023fake.yaml").read_bytes()
    result = CliRunner().invoke(main, ["import-bib", "--entries", "entries", "refs.bib"])
    assert result.exit_code == 1
    assert result.stdout == "entries/muller2023llm.yaml\nentries/smith2024arxiv.yaml\n"
    assert result.stderr.splitlines()[0] == "refs.bib:4: 'wang2023fake' is already entry wang2023fake; skipped"
    assert "refs.bib:25: unparseable BibTeX record (check its braces, quotes and commas)" in result.stderr
    assert (entries_dir / "wang2023fake.yaml").read_bytes() == before
    muller = (entries_dir / "muller2023llm.yaml").read_text()
    assert '  - "Jörg Müller"\n  - "Ana García"\n' in muller
    assert 'venue: "Journal of Things"\n# The type of venue.\nvenue_type: journal\n' in muller
    smith = (entries_dir / "smith2024arxiv.yaml").read_text()
    assert 'arxiv: "2405.12345"' in smith
    assert 'title: "An arXiv Only Paper"' in smith
    again = CliRunner().invoke(main, ["import-bib", "--entries", "entries", "refs.bib"])
    assert again.stdout == ""
    assert (entries_dir / "muller2023llm.yaml").read_text() == muller


def test_import_marks_truncated_author_lists(entries_dir: Path, tmp_path: Path) -> None:
    bib = tmp_path / "one.bib"
    bib.write_text("@misc{a, title={Some Paper}, author={Doe, Jane and others}, year={2024}, eprint={2401.99999}}\n")
    result = CliRunner().invoke(main, ["import-bib", "--entries", str(entries_dir), str(bib)])
    assert result.exit_code == 0
    text = (entries_dir / "doe2024some.yaml").read_text()
    assert "TODO: the BibTeX record ended with 'and others': add the remaining authors" in text


def values(node: Node) -> object:
    if isinstance(node, Scalar):
        return node.value
    if isinstance(node, Sequence):
        return [values(i) for i in node.items]
    assert isinstance(node, Mapping)
    return {k.value: values(v) for k, v in node.pairs}


def comments(text: str) -> list[str]:
    return sorted(m.group(0).strip() for m in re.finditer(r"#[^\n]*", text) if not m.group(0).startswith("#x"))


@pytest.mark.parametrize("path", sorted(ENTRIES.glob("*.yaml")), ids=lambda p: p.stem)
def test_fmt_is_idempotent_and_lossless_on_real_entries(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    once = format_text(text)
    assert format_text(once) == once
    assert values(load_document(once.encode())) == values(load_document(text.encode()))
    assert comments(once) == comments(text)
    assert once == text, f"{path.name} is not in canonical form: run `afkb fmt`"


def test_fmt_reorders_keys_and_keeps_comments(entries_dir: Path) -> None:
    text = (
        "# yaml-language-server: $schema=../schema/entry.schema.json\n"
        "title: 'A title'  # trailing comment\n"
        "id: doe2024example\n"
        "# a comment before threat_model\n"
        "threat_model:\n"
        "  summary: s   # inner\n"
        "  access: [open-weights]\n"
        "authors:\n"
        "- Jane Doe\n"
        "- Ming Li   # second author\n"
    )
    out = format_text(text)
    assert [line.split(":")[0] for line in out.splitlines() if line and line[0].isalpha()] == [
        "id",
        "title",
        "authors",
        "threat_model",
    ]
    assert comments(out) == comments(text)
    assert "  - Jane Doe\n" in out
    assert "  access: [open-weights]\n  summary: s   # inner\n" in out
    assert values(load_document(out.encode())) == values(load_document(text.encode()))
    assert format_text(out) == out


def test_fmt_check_lists_and_exits_1_without_writing(entries_dir: Path) -> None:
    path = write_entry(entries_dir, valid_fields())
    path.write_text(path.read_text().replace("id: ", "zz_unused: 1\nid: ", 1))
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["fmt", "--check", "--entries", str(entries_dir)])
    assert result.exit_code == 1
    assert result.stdout == f"would reformat {path}\n"
    assert path.read_bytes() == before
    result = CliRunner().invoke(main, ["fmt", "--entries", str(entries_dir)])
    assert (result.exit_code, result.stdout) == (0, f"reformatted {path}\n")
    assert CliRunner().invoke(main, ["fmt", "--check", "--entries", str(entries_dir)]).exit_code == 0


def test_fmt_leaves_unparseable_files_alone(entries_dir: Path) -> None:
    path = entries_dir / "doe2024example.yaml"
    path.write_bytes(b"a: [unclosed\n")
    result = CliRunner().invoke(main, ["fmt", "--entries", str(entries_dir)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}: cannot format:")
    assert path.read_bytes() == b"a: [unclosed\n"


def test_new_prompts_in_a_terminal(entries_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("afkb.cli.is_interactive", lambda: True)
    result = CliRunner().invoke(main, ["new", "--entries", str(entries_dir)], input="doe2024prompted\ndefense\n")
    assert result.exit_code == 0, result.output
    text = (entries_dir / "doe2024prompted.yaml").read_text()
    assert "id: doe2024prompted\n" in text
    assert "kind: defense\n" in text


def test_new_from_bib(entries_dir: Path, tmp_path: Path) -> None:
    bib = tmp_path / "p.bib"
    bib.write_text(
        "@inproceedings{k, title={Tuning Language Models by Proxy}, author={Liu, Alisa and Han, Xiaochuang},"
        " booktitle={COLM 2024}, year={2024}, eprint={2401.08565}, archivePrefix={arXiv}}\n"
    )
    result = CliRunner().invoke(
        main, ["new", "--entries", str(entries_dir), "--from-bib", str(bib), "--kind", "method"]
    )
    assert result.exit_code == 0
    text = (entries_dir / "liu2024tuning.yaml").read_text()
    assert 'title: "Tuning Language Models by Proxy"' in text
    assert '  - "Alisa Liu"\n  - "Xiaochuang Han"\n' in text
    for line in ('arxiv: "2401.08565"', "year: 2024", "kind: method"):
        assert line in text
