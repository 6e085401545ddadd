"""The hostile corpus in tests/hostile/: every case gives exactly its expected result.

Single-file cases are `<case>.yaml` with `# key: value` directives at the top and the exact
`afkb validate` output in `<case>.expected`. Directory cases hold several entry files and an
`expected` file. Cases with `# check: ...` are legal entries whose outputs must stay safe.
Regenerate expectations (then review them!) with `pytest tests/test_hostile.py --regenerate-golden`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import tracemalloc
from pathlib import Path

import bibtexparser
import markdown
import pybtex.database
import pytest
import rispy

from afkb.collection import load_collection
from afkb.export.bibtex import export_bibtex
from afkb.export.csl import export_csl_json
from afkb.export.ris import export_ris
from afkb.names import author_names
from afkb.site import build_site_content
from conftest import valid_fields, write_entry
from htmlscan import live_code

CORPUS = Path(__file__).parent / "hostile"
SINGLE = sorted(CORPUS.glob("*.yaml"))
DIRECTORIES = sorted(p for p in CORPUS.iterdir() if p.is_dir())
TIME_LIMIT_S = 5.0
MEMORY_LIMIT_B = 200 * 1024 * 1024
OUR_LATEX_ESCAPES = re.compile(
    r"\\(textbackslash|textasciitilde|textasciicircum|textbraceleft|textbraceright)\{\}|\\[&%$#_]"
)


def directives(data: bytes) -> dict[str, str]:
    found = {}
    for line in data.decode("latin-1").splitlines():
        match = re.fullmatch(r"# ([a-z-]+): (.*)", line)
        if not match:
            break
        found[match.group(1)] = match.group(2)
    return found


def validate(root: Path) -> tuple[list[str], object]:
    """Validate ``root/entries`` from ``root`` with a time and memory bound; return lines and collection."""
    cwd = Path.cwd()
    os.chdir(root)
    tracemalloc.start()
    start = time.perf_counter()
    try:
        collection = load_collection(Path("entries"))
    finally:
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        os.chdir(cwd)
    assert elapsed < TIME_LIMIT_S, f"validation took {elapsed:.1f}s"
    assert peak < MEMORY_LIMIT_B, f"validation used {peak / 2**20:.0f} MiB"
    return [str(p) for p in collection.problems], collection


def compare(lines: list[str], expected_file: Path, request: pytest.FixtureRequest) -> None:
    text = "".join(f"{line}\n" for line in lines)
    if request.config.getoption("--regenerate-golden"):
        expected_file.write_text(text, encoding="utf-8")
    assert expected_file.exists(), f"{expected_file} missing"
    assert text == expected_file.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", SINGLE, ids=[p.stem for p in SINGLE])
def test_single_file_case(case: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    data = case.read_bytes()
    options = directives(data)
    assert "hostile" in options, "every case says what it attacks"
    entries = tmp_path / "entries"
    entries.mkdir()
    target = entries / options.get("file-name", "evil2024case.yaml")
    if "append-bytes" in options:
        data += b"# " + b"x" * int(options["append-bytes"]) + b"\n"
    if "symlink-to-outside" in options:
        outside = tmp_path / "outside.yaml"
        outside.write_bytes(data)
        target.symlink_to(outside)
    else:
        target.write_bytes(data)
    lines, collection = validate(tmp_path)
    compare(lines, case.with_suffix(".expected"), request)
    for check in options.get("check", "").split():
        assert lines == [], "checked cases must be valid entries"
        CHECKS[check](list(collection.entries.values()), collection)


@pytest.mark.parametrize("case", DIRECTORIES, ids=[p.name for p in DIRECTORIES])
def test_collection_case(case: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    assert (case / "README").read_text().startswith("hostile: ")
    shutil.copytree(case, tmp_path / "entries", ignore=shutil.ignore_patterns("README", "expected"))
    lines, _ = validate(tmp_path)
    compare(lines, case / "expected", request)


def rendered_pages(collection: object) -> dict[str, str]:
    """Every generated page through Python-Markdown with the site's extensions, as a builder renders it."""
    content = build_site_content(collection)  # type: ignore[arg-type]
    extensions = ["admonition", "attr_list", "tables", "toc", "md_in_html"]
    return {page.path: markdown.markdown(page.markdown, extensions=extensions) for page in content.pages}


def check_html(entries: list, collection: object) -> None:
    pages = rendered_pages(collection)
    assert pages
    for path, html in pages.items():
        assert live_code(html) == [], path
        assert "<!--afkb-slot:" not in html or "&lt;!--afkb-slot:" in html, path
    for entry in entries:
        html = pages[f"papers/{entry.id}.md"]
        findings = html[html.index('<div class="afkb-findings"') :]
        findings = findings[: findings.index("</table>")]
        assert findings.count("<tr>") == len(entry.findings) + 1, "the findings table kept its rows"


def check_bibtex(entries: list, collection: object) -> None:
    text = export_bibtex(entries)
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    assert len(library.entries) == len(entries)
    for parsed in library.entries:
        assert {f.key for f in parsed.fields} <= {
            "title",
            "author",
            "year",
            "booktitle",
            "eprint",
            "archiveprefix",
            "doi",
            "url",
            "journal",
            "howpublished",
            "institution",
        }
        for field in parsed.fields:
            stripped = OUR_LATEX_ESCAPES.sub("", str(field.value))
            assert "\\" not in stripped, f"unescaped LaTeX command in {field.key}: {field.value}"
            assert stripped.count("{") == stripped.count("}")
    pybtex.database.parse_string(text, "bibtex")


def check_ris(entries: list, collection: object) -> None:
    records = rispy.loads(export_ris(entries))
    assert len(records) == len(entries)
    assert [r["title"] for r in records] == [re.sub(r"\s+", " ", e.title) for e in entries]
    assert [r["authors"] for r in records] == [
        [re.sub(r"\s+", " ", n.sort_form()) for n in author_names(e)] for e in entries
    ]  # "Family, Given", and never a new tag


def check_csl(entries: list, collection: object) -> None:
    items = json.loads(export_csl_json(entries))
    assert [i["title"] for i in items] == [e.title for e in entries]


CHECKS = {"html": check_html, "bibtex": check_bibtex, "ris": check_ris, "csl": check_csl}


def test_the_corpus_is_large_enough() -> None:
    assert len(SINGLE) + sum(len(list(d.glob("*.yaml"))) for d in DIRECTORIES) >= 60


def test_only_the_percent_encoded_bibtex_download_may_use_a_data_url() -> None:
    allowed = '<a href="data:application/x-bibtex;charset=utf-8,%40misc%7Bx%7D" download="x.bib">x</a>'
    assert live_code(allowed) == []
    for html in [
        '<a href="data:text/html,%3Cscript%3Ealert(1)%3C/script%3E" download>x</a>',  # another type
        '<a href="data:application/x-bibtex;charset=utf-8,%40misc">x</a>',  # not a download
        '<a href="data:application/x-bibtex;charset=utf-8,<b>" download>x</a>',  # not percent-encoded
        '<img src="data:application/x-bibtex;charset=utf-8,%40misc" download>',  # not a link
    ]:
        assert live_code(html) != [], html


def test_relation_notes_are_shown_inert_on_both_papers(tmp_path: Path) -> None:
    payload = "<script>window.__pwned=1</script><img src=x onerror=window.__pwned=2>"
    note = f"Checked in *Table 1* {payload}"
    write_entry(tmp_path, valid_fields("doe2024target"))
    relations = [{"type": "compares-with", "target": "doe2024target", "note": note}]
    write_entry(tmp_path, valid_fields("roe2024source", arxiv="2401.00002", relations=relations))
    collection = load_collection(tmp_path)
    assert [str(p) for p in collection.problems] == []
    pages = rendered_pages(collection)
    headings = {"papers/roe2024source.md": "This paper", "papers/doe2024target.md": "Within this knowledge base"}
    for path, heading in headings.items():
        html = pages[path]
        relations_html = html[html.index('<div class="afkb-related"') : html.index('<h2 id="cite">')]
        assert live_code(relations_html) == [], path
        assert heading in relations_html
        notes = re.findall(r'<small class="afkb-rel-note">(.*?)</small>', relations_html)
        # Markdown kept, the script element dropped, the image tag shown as text.
        assert notes == ["Checked in <em>Table 1</em> &lt;img src=x onerror=window.__pwned=2&gt;"], path
