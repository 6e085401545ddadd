"""Hostile contributions and hostile command lines, checked the way a reader or a user meets them:
the built site's files, exports read back by real parsers and by pdflatex, the file system
compared before and after a command."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import bibtexparser
import markupsafe
import pybtex.database
import pytest
import yaml

from afkb.atomic import SITE_MARKER
from afkb.export.bibtex import export_bibtex
from afkb.schema import Entry
from conftest import entry_object, make_project, problem_lines, run_afkb, valid_fields, write_entry
from htmlscan import ElementScan
from test_site import tree_digest

FORGED_URLS = [
    "https://example.org/x},note={\\input{/etc/hostname}",
    "https://example.org/x}},@misc{forged,title={Forged}",
]
EMOJI_TITLE = "🦙 ![x](data:,x) <img src=x onerror=window.__pwned=5> [a](javascript:window.__pwned=6) Llamas"


def entry_with(**overrides: object) -> Entry:
    """An entry object made directly, as if validation had been bypassed."""
    return entry_object(
        **{"id": "doe2024forged", "title": "A Paper", "arxiv": None, "url": "https://example.org/", **overrides}
    )


# --- URLs cannot forge BibTeX records or run LaTeX -------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (FORGED_URLS[0], "'}' is not allowed in a URL; percent-encode it (e.g. %7D)"),
        ("https://example.org/{x", "'{' is not allowed in a URL; percent-encode it (e.g. %7B)"),
        (FORGED_URLS[1], "'}' is not allowed in a URL; percent-encode it (e.g. %7D)"),
        ("https://example.org/a\\b", "'\\' is not allowed in a URL; percent-encode it (e.g. %5C)"),
        ("https://example.org/a%zz", "'%' must start a percent-escape of two hex digits (write %25 for a literal %)"),
        ('https://example.org/"x', "'\"' is not allowed in a URL; percent-encode it (e.g. %22)"),
    ],
)
def test_validator_refuses_urls_that_are_not_uris(entries_dir: Path, url: str, message: str) -> None:
    write_entry(entries_dir, valid_fields(url=url))
    assert problem_lines(entries_dir) == [f"entries/doe2024example.yaml:8:6: url: {message}"]


@pytest.mark.parametrize("url", FORGED_URLS)
def test_bibtex_writer_keeps_a_forged_url_inside_its_field(url: str) -> None:
    text = export_bibtex([entry_with(url=url)])
    library = bibtexparser.parse_string(text)
    assert [e.key for e in library.entries] == ["doe2024forged"]
    fields = {f.key for f in library.entries[0].fields}
    assert fields == {"title", "author", "year", "booktitle", "url"}
    assert "{" not in library.entries[0]["url"]
    assert "\\" not in library.entries[0]["url"]
    parsed = pybtex.database.parse_string(text, "bibtex")
    assert list(parsed.entries) == ["doe2024forged"]


def test_a_non_ascii_url_is_exported_percent_encoded() -> None:
    text = export_bibtex([entry_with(url="https://example.org/ölçü#a")])
    assert bibtexparser.parse_string(text).entries[0]["url"] == "https://example.org/%C3%B6l%C3%A7%C3%BC#a"


def test_pdflatex_with_hyperref_prints_a_forged_url_and_runs_nothing(tmp_path: Path) -> None:
    assert shutil.which("pdflatex"), "TeX Live is required: `make test` installs it (make system-tools)"
    (tmp_path / "refs.bib").write_text(export_bibtex([entry_with(url=FORGED_URLS[0])]), encoding="utf-8")
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\\usepackage{natbib}\\usepackage{hyperref}\n"
        "\\begin{document}\\nocite{*}\\bibliographystyle{plainnat}\\bibliography{refs}\\end{document}\n",
        encoding="utf-8",
    )
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc.tex"]
    for command in (latex, ["bibtex", "doc"], latex, latex):
        result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120)
        assert result.returncode == 0, result.stdout[-2000:]
    text = subprocess.run(
        ["pdftotext", "doc.pdf", "-"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout
    assert os.uname().nodename not in text
    assert "%7B%5Cinput%7B/etc/hostname%7D" in "".join(text.split())


# --- page titles: the front matter always parses ---------------------------------------------


def test_an_emoji_title_stays_a_title_and_its_markup_stays_text(tmp_path: Path) -> None:
    entries = tmp_path / "entries"
    write_entry(entries, valid_fields("doe2024llama", title=EMOJI_TITLE))
    project = make_project(tmp_path, entries)
    run_afkb("--quiet", "build", "--site-dir", "site", cwd=project)
    html = (project / "site" / "papers" / "doe2024llama" / "index.html").read_text(encoding="utf-8")
    assert "<title>🦙 ![x](data:,x) &lt;img src=x onerror=window.__pwned=5&gt;" in html
    assert "title:" not in html  # the front matter was read, not shown
    scan = ElementScan()
    scan.feed(html)
    for tag, attrs in scan.elements:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert not (attrs.get("src") or "").startswith("data:"), (tag, attrs)
        assert not (attrs.get("href") or "").startswith("javascript:"), (tag, attrs)
    index = json.loads((project / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    pages = [d for d in index["docs"] if d["location"] == "papers/doe2024llama/"]
    assert len(pages) == 1
    assert pages[0]["title"].startswith("🦙 ![x](data:,x)")


def test_search_records_carry_titles_as_escaped_text(tmp_path: Path) -> None:
    entries = tmp_path / "entries"
    title = 'Title <img src=x onerror="window.__pwned=1"> & more'
    write_entry(entries, valid_fields("doe2024markup", title=title))
    project = make_project(tmp_path, entries)
    run_afkb("--quiet", "build", "--site-dir", "site", cwd=project)
    index = json.loads((project / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    titles = [d["title"] for d in index["docs"] if d["location"] == "papers/doe2024markup/"]
    assert titles == ["Title &lt;img src=x onerror=&#34;window.__pwned=1&#34;&gt; &amp; more"]


# --- the build replaces only a site, one build at a time --------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    entries = tmp_path / "entries"
    write_entry(entries, valid_fields())
    project = make_project(tmp_path, entries)
    (project / ".git").mkdir()
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return project


@pytest.mark.parametrize("site_dir", [".", "entries", "docs", ".git"])
def test_build_refuses_to_replace_a_directory_that_is_not_a_site(project: Path, site_dir: str) -> None:
    before = tree_digest(project)
    result = run_afkb("--quiet", "build", "--site-dir", site_dir, cwd=project, check=False)
    assert result.returncode == 1
    target = (project / site_dir).resolve()
    assert result.stderr == (
        f"Error: {target}: not replaced: it is not empty and not a site built by afkb (no {SITE_MARKER} file)\n"
    )
    assert tree_digest(project) == before


def test_build_replaces_its_own_site_and_an_empty_directory(project: Path) -> None:
    (project / "out").mkdir()
    run_afkb("--quiet", "build", "--site-dir", "out", cwd=project)
    assert (project / "out" / SITE_MARKER).is_file()
    assert (project / "out" / "index.html").is_file()
    run_afkb("--quiet", "build", "--site-dir", "out", cwd=project)  # its own site: replaced
    assert (project / "out" / "index.html").is_file()


def test_a_second_build_into_the_same_site_fails_and_touches_nothing(project: Path) -> None:
    run_afkb("--quiet", "build", "--site-dir", "site", cwd=project)
    before = tree_digest(project / "site")
    live = project / ".site.building-live"  # the staging directory of a build in progress
    live.mkdir()
    (live / "index.html").write_text("in progress")
    with (project / ".site.lock").open("a") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = run_afkb("--quiet", "build", "--site-dir", "site", cwd=project, check=False)
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: another build into {project / 'site'} is running (lock {project / '.site.lock'}); "
        "try again when it ends\n"
    )
    assert (live / "index.html").read_text() == "in progress"
    assert tree_digest(project / "site") == before


# --- file modes and what -o may replace --------------------------------------------------------


def test_site_and_written_files_get_the_modes_the_umask_gives(project: Path) -> None:
    old = os.umask(0o022)
    try:
        run_afkb("--quiet", "build", "--site-dir", "site", cwd=project)
        run_afkb("export", "--format", "bibtex", "-o", "new.bib", cwd=project)
        (project / "kept.bib").write_text("")
        (project / "kept.bib").chmod(0o640)
        run_afkb("export", "--format", "bibtex", "-o", "kept.bib", cwd=project)
    finally:
        os.umask(old)
    assert stat.S_IMODE((project / "site").stat().st_mode) == 0o755
    assert stat.S_IMODE((project / "new.bib").stat().st_mode) == 0o644
    assert stat.S_IMODE((project / "kept.bib").stat().st_mode) == 0o640
    assert (project / "kept.bib").read_text().startswith("@inproceedings{doe2024example,")


def test_output_never_replaces_a_fifo_or_a_symbolic_link(project: Path) -> None:
    os.mkfifo(project / "pipe")
    (project / "link").symlink_to(project / "mkdocs.yml")
    for name in ("pipe", "link"):
        result = run_afkb("export", "--format", "bibtex", "-o", name, cwd=project, check=False)
        assert result.returncode == 1
        assert result.stderr == f"Error: {name}: exists and is not a regular file; not replaced\n"
    assert stat.S_ISFIFO((project / "pipe").lstat().st_mode)
    assert (project / "link").is_symlink()


def test_an_unwritable_output_is_a_one_line_error(project: Path) -> None:
    (project / "plain").write_text("a file, not a directory")
    result = run_afkb("export", "--format", "bibtex", "-o", "plain/out.bib", cwd=project, check=False)
    assert (result.returncode, result.stderr) == (1, "Error: plain/out.bib: Not a directory\n")


def test_front_matter_round_trips_through_yaml() -> None:
    from afkb.render.page import GeneratedPage

    for title in [EMOJI_TITLE, "a\u2028b", 'quote " and \\ back', "é ü 漢字", "x: y # z"]:
        text = GeneratedPage("papers/x.md", title, "body\n", meta_tags=[("citation_title", title)]).source_text()
        assert text.startswith("---\n")
        head, body = text[4:].split("---\n", 1)
        meta = yaml.safe_load(head)
        assert meta["title"] == str(markupsafe.escape(title))
        assert meta["afkb_meta"] == [["citation_title", title]]
        assert body == "\nbody\n"


# --- text that XML and readers cannot take, and numbers YAML versions read differently ---------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # written as YAML escapes: the reader refuses these characters when they stand raw
        ('"A \\uFFFE title"', "entries/doe2024example.yaml:2:8: title: contains a control character"),
        ('"A \\uFFFF title"', "entries/doe2024example.yaml:2:8: title: contains a control character"),
        ('"A \\x9b title"', "entries/doe2024example.yaml:2:8: title: contains a control character"),
        ('"\\u200B\\u200B"', "entries/doe2024example.yaml:2:8: title: has no visible character"),
        ('"\\u2800\\u3164"', "entries/doe2024example.yaml:2:8: title: has no visible character"),
        ("\u2800 \u200b", "entries/doe2024example.yaml:2:8: title: has no visible character"),
    ],
)
def test_text_fields_refuse_what_xml_and_readers_cannot_take(entries_dir: Path, title: str, expected: str) -> None:
    path = write_entry(entries_dir, valid_fields())
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("title:")
    lines[1] = f"title: {title}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert problem_lines(entries_dir) == [expected]


@pytest.mark.parametrize("char", ["\ufffe", "\x9b"])
def test_raw_non_characters_and_c1_controls_are_refused_by_the_reader(entries_dir: Path, char: str) -> None:
    write_entry(entries_dir, valid_fields(title=f"A {char} title"))
    assert problem_lines(entries_dir) == [
        f"entries/doe2024example.yaml:2:11: file contains a control character (#x{ord(char):04x}); remove it"
    ]


def test_a_year_with_a_leading_zero_is_refused(entries_dir: Path) -> None:
    path = write_entry(entries_dir, valid_fields())
    path.write_text(path.read_text().replace("year: 2024", "year: 02024"))
    assert problem_lines(entries_dir) == ["entries/doe2024example.yaml:4:7: year: expected an integer, got '02024'"]


# --- titles in any script keep their letters when compared ------------------------------------


def test_titles_in_other_scripts_do_not_match_each_other() -> None:
    from afkb.graph import normalise_title

    titles = [
        "大语言模型的安全对齐",
        "Безопасность языковых моделей",
        "Ασφάλεια γλωσσικών μοντέλων",
        "言語モデルの安全性",
    ]
    normalised = [normalise_title(t) for t in titles]
    assert all(normalised)
    assert len(set(normalised)) == len(titles)
    assert normalise_title("Fake Alignment: Are LLMs Really Aligned Well?") == normalise_title(
        "fake alignment are llms really aligned well"
    )


def test_import_bib_does_not_take_a_chinese_record_for_a_russian_entry(tmp_path: Path) -> None:
    entries = tmp_path / "entries"
    write_entry(entries, valid_fields("ivanov2024bezopasnost", title="Безопасность языковых моделей", arxiv=None))
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{li2024zh, title={大语言模型的安全对齐}, author={Li, Ming}, year={2024}}\n")
    result = run_afkb("import-bib", "--entries", str(entries), str(bib), check=False)
    assert "already entry" not in result.stderr
    assert result.returncode == 0, result.stderr
    created = sorted(p.name for p in entries.iterdir() if p.name != "ivanov2024bezopasnost.yaml")
    assert created == ["li2024dayuyanmoxingdeanquanduiqi.yaml"]


# --- import-bib on hostile files ---------------------------------------------------------------


def test_import_bib_refuses_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    entries = tmp_path / "entries"
    entries.mkdir()
    bib = tmp_path / "refs.bib"
    bib.write_bytes(b"@article{a,\n  title={Caf\xe9},\n  author={Doe, Jane}, year={2024}}\n")
    result = run_afkb("import-bib", "--entries", str(entries), str(bib), check=False)
    assert (result.returncode, result.stderr) == (
        1,
        f"Error: {bib}:2: not UTF-8 text (byte 24); save the file as UTF-8\n",
    )
    assert list(entries.iterdir()) == []


def test_import_bib_sets_aside_a_record_with_a_huge_field_quickly(tmp_path: Path) -> None:
    entries = tmp_path / "entries"
    entries.mkdir()
    bib = tmp_path / "refs.bib"
    huge = "x\\'e " * 1_200_000  # 6 MB of LaTeX accents: a minute or more in the LaTeX decoder
    bib.write_text(
        "@article{big, title={" + huge + "}, author={Doe, Jane}, year={2024}}\n"
        "@article{fine, title={Attacks on Models}, author={Roe, Rich}, year={2024}}\n"
    )
    result = run_afkb("import-bib", "--entries", str(entries), str(bib), check=False)
    assert result.returncode == 1
    assert f"{bib}:1: record 'big': field 'title' is over 20000 characters" in result.stderr
    assert sorted(p.name for p in entries.iterdir()) == ["roe2024attacks.yaml"]


def test_import_bib_ignores_a_year_that_is_no_year(tmp_path: Path) -> None:
    entries = tmp_path / "entries"
    entries.mkdir()
    bib = tmp_path / "refs.bib"
    bib.write_text("@article{old, title={Attacks}, author={Doe, Jane}, year={0001}}\n")
    result = run_afkb("import-bib", "--entries", str(entries), str(bib), check=False)
    assert result.returncode == 1
    assert "'old' lacks an author or year to make an id from" in result.stderr
    assert list(entries.iterdir()) == []


# --- fmt never changes a value or drops a comment, and formats only entry files ----------------


def _fmt(project: Path, *names: str) -> subprocess.CompletedProcess[str]:
    return run_afkb("fmt", "--entries", "entries", *names, cwd=project, check=False)


BLOCK_ENTRY = """# yaml-language-server: $schema=../schema/entry.schema.json
id: doe2024block
title: A Block-Style Entry
authors:
  - Jane Doe
year: 2024
venue: ACL 2024
venue_type: conference
tags:
  - lora
"""


@pytest.mark.parametrize("value", ["1_0e3", "-0o1", "0e1"])
def test_fmt_leaves_a_file_alone_rather_than_change_a_value(project: Path, value: str) -> None:
    path = project / "entries" / "doe2024block.yaml"
    path.write_text(BLOCK_ENTRY.replace("venue: ACL 2024", f"venue: {value}"))
    before = path.read_bytes()
    result = _fmt(project, "entries/doe2024block.yaml")
    assert result.returncode == 1
    changed = f"formatting would change a value ('{value}' would change); fix the file by hand"
    unreadable = "formatting would make the file unreadable (YAML tags (!!int) are not allowed; remove the tag)"
    assert result.stderr in {
        f"entries/doe2024block.yaml: cannot format: {changed}\n",
        f"entries/doe2024block.yaml: cannot format: {unreadable}; fix the file by hand\n",
    }
    assert path.read_bytes() == before


def test_fmt_leaves_a_file_alone_rather_than_drop_a_comment(project: Path) -> None:
    path = project / "entries" / "doe2024block.yaml"
    text = BLOCK_ENTRY.replace("tags:\n  - lora\n", "tags: [lora, # why\n  open-weights]\n")
    path.write_text(text)
    result = _fmt(project, "entries/doe2024block.yaml")
    assert result.returncode == 1
    assert result.stderr == (
        "entries/doe2024block.yaml: cannot format: formatting would drop the comment '# why'; "
        "move it onto its own line\n"
    )
    assert path.read_text() == text


def test_fmt_still_formats_a_file_whose_values_and_comments_survive(project: Path) -> None:
    path = project / "entries" / "doe2024block.yaml"
    path.write_text(BLOCK_ENTRY.replace("year: 2024\n", "") + "# a comment\nyear: 2024\n")
    result = _fmt(project, "entries/doe2024block.yaml")
    assert (result.returncode, result.stdout) == (0, "reformatted entries/doe2024block.yaml\n")
    assert "# a comment" in path.read_text()


def test_fmt_refuses_files_that_are_not_entries(project: Path) -> None:
    before = (project / "mkdocs.yml").read_bytes()
    result = _fmt(project, "mkdocs.yml")
    assert result.returncode == 1
    assert result.stderr.startswith("mkdocs.yml: cannot format: not an entry file:")
    assert (project / "mkdocs.yml").read_bytes() == before
    os.mkfifo(project / "entries" / "doe2024pipe.yaml")
    result = subprocess.run(
        [*_afkb(), "fmt", "entries/doe2024pipe.yaml"],
        check=False,
        cwd=project,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (result.returncode, result.stderr) == (1, "entries/doe2024pipe.yaml: cannot format: not a regular file\n")


def test_fmt_removes_temporary_files_an_interrupted_write_left(project: Path) -> None:
    stale = project / "entries" / ".doe2024example.yaml.abc123.tmp"
    stale.write_text("half")
    os.utime(stale, (1, 1))
    fresh = project / "entries" / ".doe2024example.yaml.def456.tmp"
    fresh.write_text("a write in progress")
    _fmt(project)
    assert not stale.exists()
    assert fresh.exists()


def _afkb() -> list[str]:
    import sys

    return [sys.executable, "-m", "afkb"]


# --- a valid file cannot stall the build --------------------------------------------------------


def test_runs_of_brackets_are_defused_and_links_still_work() -> None:
    from afkb.render.html import defuse_brackets, markdown_to_html

    assert defuse_brackets("[[[a") == "\\[\\[\\[a"
    assert defuse_brackets("a]]") == "a\\]\\]"
    assert defuse_brackets("[[[x]]]") == "\\[\\[\\[x\\]\\]\\]"
    assert defuse_brackets("see [x](https://a.org) `[` code") == "see [x](https://a.org) `[` code"
    assert defuse_brackets("[x] and [y](u) and [a][b]") == "\\[x\\] and [y](u) and [a][b]"
    assert defuse_brackets("[a [b] c](u)") == "[a [b] c](u)"
    html = markdown_to_html("[" * 5000 + " and [a link](https://example.org/) " + "]" * 3)
    assert html.count("[") == 5000
    assert html.count("]") == 3
    assert '<a href="https://example.org/" rel="noopener noreferrer nofollow">a link</a>' in html


def test_a_corrupt_validation_cache_is_ignored(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = project / "cache"
    monkeypatch.setenv("AFKB_CACHE_DIR", str(cache_dir))
    run_afkb("validate", "--entries", "entries", cwd=project)
    (cache_file,) = [p for p in cache_dir.rglob("*") if p.is_file()]
    for corrupt in ["[" * 100_000, '{"fingerprint": Infinity, "files": {}}', "NaN"]:
        cache_file.write_text(corrupt)
        result = run_afkb("validate", "--entries", "entries", cwd=project, check=False)
        assert (result.returncode, result.stderr) == (0, "1 entries valid\n"), corrupt


def test_import_bib_makes_short_ids_from_over_long_names(tmp_path: Path) -> None:
    entries = tmp_path / "entries"
    entries.mkdir()
    bib = tmp_path / "refs.bib"
    name = "Q" * 5000
    bib.write_text(f"@article{{k, title={{Attacks on Things}}, author={{{name} {name}}}, year={{2024}}}}\n")
    result = run_afkb("import-bib", "--entries", str(entries), str(bib), check=False)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in entries.iterdir()] == [f"{'q' * 30}2024attacks.yaml"]
