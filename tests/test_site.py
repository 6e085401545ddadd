"""Real MkDocs builds: generated pages, offline assets, safety of contributor text, atomic output."""

from __future__ import annotations

import hashlib
import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import markupsafe
import pytest

from afkb.collection import load_collection
from conftest import ENTRIES, ROOT, make_project, run_afkb, valid_fields, write_entry
from htmlscan import ElementScan

pytestmark = pytest.mark.slow
REAL = load_collection(ENTRIES)


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(str(path.relative_to(root)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def test_every_entry_has_a_page_and_nothing_is_written_to_docs(built_site: Path) -> None:
    for entry_id in REAL.entries:
        assert (built_site / "papers" / entry_id / "index.html").is_file()
    assert sorted(p.name for p in (ROOT / "docs").iterdir()) == ["about.md"]
    for page in [
        "index.html",
        "papers/index.html",
        "tags/index.html",
        "takeaways/index.html",
        "matrix/index.html",
        "wanted/index.html",
        "graph/index.html",
        "timeline/index.html",
        "downloads/index.html",
        "whats-new/index.html",
        "radar/index.html",
        "feeds/all.atom.xml",
        "tags/decoding-attack/index.html",
        "kinds/defense/index.html",
    ]:
        assert (built_site / page).is_file(), page


def test_downloads_are_the_export_outputs(built_site: Path) -> None:
    expected = run_afkb("export", "--format", "bibtex").stdout
    assert (built_site / "downloads" / "afkb.bib").read_text(encoding="utf-8") == expected
    for name in ["afkb-biblatex.bib", "afkb.csl.json", "afkb.ris", "afkb.graphml", "afkb-graph.json"]:
        assert (built_site / "downloads" / name).stat().st_size > 1000, name
    tagged = run_afkb("export", "--format", "bibtex", "--tag", "decoding-attack").stdout
    assert (built_site / "downloads" / "tags" / "decoding-attack.bib").read_text(encoding="utf-8") == tagged


def test_entry_page_content_and_citation_meta(built_site: Path) -> None:
    html = (built_site / "papers" / "zhou2024emulated" / "index.html").read_text(encoding="utf-8")
    entry = REAL.entries["zhou2024emulated"]
    assert (
        '<meta name="citation_title" content="Emulated Disalignment: Safety Alignment for Large Language Models May Backfire!">'
        in html
    )
    assert re.findall(r'<meta name="citation_author" content="([^"]+)">', html) == [
        "Zhou, Zhanhui",
        "Liu, Jie",
        "Dong, Zhichen",
        "Liu, Jiaheng",
        "Yang, Chao",
        "Ouyang, Wanli",
        "Qiao, Yu",
    ]  # the form Google Scholar's guidelines show
    assert len(entry.authors) == 7
    assert '<meta name="citation_arxiv_id" content="2402.12343">' in html
    assert '<meta name="citation_pdf_url" content="https://arxiv.org/pdf/2402.12343">' in html
    assert html.index('id="takeaways"') < html.index('id="summary"') < html.index('id="findings"')
    assert "@inproceedings{zhou2024emulated," in html
    assert "Within this knowledge base" in html  # incoming relations
    assert 'href="../../downloads/entries/zhou2024emulated.yaml"' in html


def test_the_answer_in_one_sentence_stands_under_the_title(built_site: Path) -> None:
    with_tldr = [e for e in REAL.entries.values() if e.tldr]
    assert with_tldr
    for entry in with_tldr:
        page = (built_site / "papers" / entry.id / "index.html").read_text(encoding="utf-8")
        assert f'<p class="afkb-tldr">{markupsafe.escape(entry.tldr)}</p>' in page, entry.id
        assert page.index('class="afkb-tldr"') < page.index('class="afkb-authors"')


def test_relation_notes_show_on_the_source_and_the_target_page(built_site: Path) -> None:
    """SALAD-Bench's note on citing SafetyBench says where the link was checked; both pages show it."""
    (note,) = [r.note for r in REAL.entries["li2024saladbench"].relations if r.target == "zhang2023safetybench"]
    assert note
    shown = str(markupsafe.escape(" ".join(note.split())))
    for paper, heading in (("li2024saladbench", "This paper"), ("zhang2023safetybench", "Within this knowledge base")):
        page = (built_site / "papers" / paper / "index.html").read_text(encoding="utf-8")
        related = page[page.index(heading) :]
        notes = [
            " ".join(n.split()) for n in re.findall(r'<small class="afkb-rel-note">(.*?)</small>', related, re.DOTALL)
        ]
        assert shown in notes, paper


EXTERNAL_LOAD = re.compile(r"""<(script|link|img|iframe|source)\b[^>]*\b(src|href)=["'](https?:)?//""", re.IGNORECASE)


def test_no_page_loads_anything_from_another_host(built_site: Path) -> None:
    for page in built_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not EXTERNAL_LOAD.search(text), page
        assert "fonts.googleapis" not in text, page
        assert "fonts.gstatic" not in text, page
    for css in built_site.rglob("*.css"):
        assert not re.search(r"@import\s+url\(\s*['\"]?https?:", css.read_text(encoding="utf-8")), css
    assert (built_site / "assets" / "afkb" / "cytoscape.min.js").is_file()


def test_search_index_covers_titles_and_authors(built_site: Path) -> None:
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = json.dumps(index, ensure_ascii=False)
    assert "Zhanhui Zhou" in text
    assert "Emulated Disalignment" in text
    locations = {doc["location"] for doc in index["docs"]}
    assert "papers/zhou2024emulated/" in locations
    assert "graph/" not in locations


def test_paper_pages_are_indexed_by_the_builder_from_the_page_itself(built_site: Path) -> None:
    """No record is added after the build: Material indexes the paper page's own sections."""
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = {doc["location"]: doc for doc in index["docs"]}
    entry = REAL.entries["zhou2024emulated"]
    page = docs["papers/zhou2024emulated/"]
    assert page["title"] == entry.title
    assert page["boost"] == 2  # paper pages rank above index pages that mention them
    assert ", ".join(entry.authors) in page["text"]
    assert "logit-arithmetic" in page["text"]  # the tags line is searchable
    takeaways = docs["papers/zhou2024emulated/#takeaways"]["text"]
    assert takeaways.count("<li>") >= len(entry.takeaways)
    assert "inverted" in docs["papers/zhou2024emulated/#summary"]["text"]
    assert "@inproceedings" not in json.dumps(docs["papers/zhou2024emulated/#cite"])  # excluded blocks
    for entry_id in REAL.entries:  # every paper is in the index exactly once
        assert sum(1 for loc in docs if loc == f"papers/{entry_id}/") == 1


def test_paper_page_offers_its_bibtex_as_a_file_download(built_site: Path) -> None:
    page = (built_site / "papers" / "zhou2024emulated" / "index.html").read_text(encoding="utf-8")
    assert '<a href="../../downloads/entries/zhou2024emulated.bib" download="zhou2024emulated.bib">' in page
    bibtex = (built_site / "downloads" / "entries" / "zhou2024emulated.bib").read_text(encoding="utf-8")
    assert bibtex == run_afkb("export", "--format", "bibtex", "--id", "zhou2024emulated").stdout


def test_mkdocs_build_strict_from_the_repository_root(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "papers" / "wang2023fake" / "index.html").is_file()


HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


def hostile_entry(entries: Path) -> None:
    write_entry(
        entries,
        valid_fields(
            "evil2024script",
            title=f"Title {HOSTILE}",
            authors=[f"Mallory {HOSTILE}", "Eve"],
            venue=f"Venue {HOSTILE}",
            summary=f"Summary with [a link](javascript:window.__pwned=3) and {HOSTILE} " + "x" * 200,
            findings=[{"claim": f"Claim {HOSTILE} | broken | table", "where": f"Table {HOSTILE}", "evidence": "paper"}],
            takeaways=[{"text": f"Takeaway {HOSTILE}\n\n```\nfence", "threat": "fine-tuning-attack"}],
            threat_model={"access": ["open-weights"], "summary": f"Threat {HOSTILE}"},
            notes=f"<iframe src=javascript:alert(1)></iframe> {HOSTILE}",
            models=[HOSTILE],
            code="https://example.org/x'onmouseover='window.__pwned=4'#'",
        ),
    )


def test_script_payloads_are_displayed_as_text(tmp_path: Path) -> None:
    entries = tmp_path / "entries"
    hostile_entry(entries)
    project = make_project(tmp_path, entries)
    run_afkb("--quiet", "build", "--site-dir", "site", cwd=project)
    for page in (project / "site").rglob("*.html"):
        scan = ElementScan()
        scan.feed(page.read_text(encoding="utf-8"))
        for tag, attrs in scan.elements:
            assert not any(name.startswith("on") for name in attrs), (page, tag, attrs)
            assert tag not in {"iframe", "object", "embed"}, page
            for name in ("href", "src", "action", "formaction"):
                assert not (attrs.get(name) or "").strip().lower().startswith("javascript:"), (page, tag, attrs)
            assert not (tag == "img" and attrs.get("src") == "x"), page
        assert not any("__pwned" in text for text in scan.script_text), page
        assert not any("<" in text for text in scan.json_text), page
    page_html = (project / "site" / "papers" / "evil2024script" / "index.html").read_text(encoding="utf-8")
    assert "Mallory &lt;script&gt;window.__pwned=1&lt;/script&gt;" in page_html  # shown as text
    index = json.loads((project / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:  # search results are shown as HTML: records carry no live markup
        scan = ElementScan()
        scan.feed(doc["text"])
        assert all(tag in {"p", "ul", "ol", "li", "code", "strong", "em", "pre"} for tag, _ in scan.elements), doc
        assert not any(attrs for _, attrs in scan.elements), doc


def test_failed_build_leaves_the_old_site(tmp_path: Path) -> None:
    entries = tmp_path / "entries"
    write_entry(entries, valid_fields())
    project = make_project(tmp_path, entries)
    run_afkb("--quiet", "build", "--site-dir", "site", cwd=project)
    before = tree_digest(project / "site")
    write_entry(project / "entries", valid_fields("doe2024broken", title=True, arxiv="2401.00002"))
    result = run_afkb("--quiet", "build", "--site-dir", "site", cwd=project, check=False)
    assert result.returncode == 1
    assert "entries/doe2024broken.yaml:2:8: title: YAML reads the unquoted value true as a boolean" in result.stderr
    assert tree_digest(project / "site") == before
    assert not list(project.glob(".site.building-*"))


def test_a_build_that_fails_inside_mkdocs_exits_1_and_leaves_the_old_site(tmp_path: Path) -> None:
    """Validation passes; MkDocs itself then fails (a --strict warning for a broken link)."""
    entries = tmp_path / "entries"
    write_entry(entries, valid_fields())
    project = make_project(tmp_path, entries)
    run_afkb("--quiet", "build", "--site-dir", "site", cwd=project)
    before = tree_digest(project / "site")
    (project / "docs" / "about.md").write_text("# About\n\nSee [a page that is not there](missing.md).\n")
    result = run_afkb("--quiet", "build", "--site-dir", "site", cwd=project, check=False)
    assert result.returncode == 1
    assert "build failed, previous site left untouched" in result.stderr
    assert "missing.md" in result.stderr
    assert tree_digest(project / "site") == before
    assert not list(project.glob(".site.building-*"))


def test_killed_build_leaves_old_or_new_site_never_a_mix(tmp_path: Path) -> None:
    entries = tmp_path / "entries"
    shutil_copy_entries(ENTRIES, entries)
    project = make_project(tmp_path, entries)
    run_afkb("--quiet", "build", "--site-dir", "site", cwd=project)
    old = tree_digest(project / "site")
    (project / "docs" / "about.md").write_text("# About\n\nChanged so the new site differs.\n")
    process = subprocess.Popen([sys.executable, "-m", "afkb", "--quiet", "build", "--site-dir", "site"], cwd=project)
    deadline = time.monotonic() + 60
    while not list(project.glob(".site.building-*/papers")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert tree_digest(project / "site") == old
    run_afkb("--quiet", "build", "--site-dir", "site", cwd=project)
    assert tree_digest(project / "site") != old
    assert not list(project.glob(".site.building-*"))


def shutil_copy_entries(source: Path, target: Path) -> None:
    import shutil

    shutil.copytree(source, target, ignore=shutil.ignore_patterns("README.md"))


def test_paper_pages_carry_json_ld_that_a_processor_reads(built_site: Path) -> None:
    from pyld import jsonld

    from afkb.graph import build_graph, outgoing

    schema = "https://schema.org/"
    graph = build_graph(REAL.entries.values())
    for entry in REAL.entries.values():
        page = (built_site / "papers" / entry.id / "index.html").read_text(encoding="utf-8")
        match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
        assert match, entry.id
        data = json.loads(match.group(1))
        assert [a["name"] for a in data["author"]] == list(entry.authors)  # in the paper's order
        base = f"https://afkb.invalid/papers/{entry.id}/"
        (expanded,) = jsonld.expand(data, {"base": base})
        assert expanded["@id"] == base
        assert expanded["@type"] == [schema + "ScholarlyArticle"]
        assert expanded[schema + "name"] == [{"@value": entry.title}]
        identifiers = {
            i[schema + "propertyID"][0]["@value"]: i[schema + "value"][0]["@value"]
            for i in expanded.get(schema + "identifier", [])
        }
        assert identifiers == {k: v for k, v in (("DOI", entry.doi), ("arXiv", entry.arxiv)) if v}
        cited = {c["@id"] for c in expanded.get(schema + "citation", [])}
        targets = {t for _, t in outgoing(graph, entry.id) if t in REAL.entries}  # relations and matched references
        assert cited == {f"https://afkb.invalid/papers/{t}/" for t in targets}, entry.id
    page = (built_site / "papers" / "zhou2024emulated" / "index.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL).group(1))
    assert data["author"][0] == {
        "@type": "Person",
        "name": "Zhanhui Zhou",
        "givenName": "Zhanhui",
        "familyName": "Zhou",
    }
    assert {"@id": "../../papers/mitchell2023emulator/"} in data["cito:usesMethodIn"]  # builds-on, as CiTO
