"""The site builds from the written site source with three builders and no plugin of ours:
MkDocs 1.6 with Material, ProperDocs and Zensical; and the plugin build gives the same site."""

from __future__ import annotations

import gzip
import html
import json
import re
import subprocess
from pathlib import Path

import pytest

from afkb.authors import authors_of
from afkb.collection import load_collection
from afkb.names import author_names
from afkb.taxonomy import load_taxonomy
from conftest import ENTRIES, ROOT, run_afkb

pytestmark = pytest.mark.slow
REAL = load_collection(ENTRIES)
BUILDERS = {
    "mkdocs": [str(ROOT / ".venv" / "bin" / "mkdocs"), "build", "--strict", "--quiet"],
    "properdocs": [str(ROOT / ".venv-properdocs" / "bin" / "properdocs"), "build", "--strict", "--quiet"],
    "zensical": [str(ROOT / ".venv-zensical" / "bin" / "zensical"), "build"],
}
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')
LASTMOD = re.compile(rb"<lastmod>[^<]*</lastmod>")


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("source") / "src"
    run_afkb("--quiet", "pages", "--out", str(out))
    return out


def build_with(builder: str, source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    command = BUILDERS[builder]
    assert Path(command[0]).is_file(), f"{command[0]} is missing: `make builders` (part of `make test`) installs it"
    project = tmp_path_factory.mktemp(builder) / "src"
    subprocess.run(["cp", "-a", str(source), str(project)], check=True)
    result = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return project / "site"


@pytest.fixture(scope="module")
def sites(source: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {builder: build_with(builder, source, tmp_path_factory) for builder in BUILDERS}


def test_the_source_holds_every_page_and_no_plugin(source: Path) -> None:
    config = (source / "mkdocs.yml").read_text(encoding="utf-8")
    assert "afkb" not in re.findall(r"^plugins:\n((?:- .*\n)+)", config, re.MULTILINE)[0]
    assert "custom_dir: overrides" in config
    for entry_id in REAL.entries:
        text = (source / "docs" / "papers" / f"{entry_id}.md").read_text(encoding="utf-8")
        assert text.startswith("---\ntitle: ")
    assert (source / "docs" / "about.md").is_file()  # hand-written pages come along
    assert (source / "overrides" / "main.html").is_file()
    assert (source / "docs" / "assets" / "afkb" / "cytoscape.min.js").is_file()


def normalised(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return LASTMOD.sub(b"", GENERATOR.sub(b"", data))


def files_of(site: Path) -> set[str]:
    return {str(p.relative_to(site)) for p in site.rglob("*") if p.is_file()}


def test_properdocs_builds_the_same_site_as_mkdocs(sites: dict[str, Path]) -> None:
    mkdocs, properdocs = sites["mkdocs"], sites["properdocs"]
    assert files_of(mkdocs) == files_of(properdocs)
    different = [
        name for name in sorted(files_of(mkdocs)) if normalised(mkdocs / name) != normalised(properdocs / name)
    ]
    assert different == []


def test_the_plugin_build_is_the_written_source_built(sites: dict[str, Path], built_site: Path) -> None:
    mkdocs = sites["mkdocs"]
    assert files_of(built_site) - {".afkb-site"} == files_of(mkdocs)
    for name in sorted(files_of(mkdocs)):
        if name == "search/search_index.json":  # the same records, in the order files were listed
            a, b = (json.loads((site / name).read_text(encoding="utf-8")) for site in (mkdocs, built_site))
            assert sorted(a["docs"], key=json.dumps) == sorted(b["docs"], key=json.dumps)
        else:
            assert normalised(mkdocs / name) == normalised(built_site / name), name


@pytest.mark.parametrize("builder", list(BUILDERS))
def test_every_page_with_its_title_metas_and_takeaways(sites: dict[str, Path], builder: str) -> None:
    site = sites[builder]
    for entry in REAL.entries.values():
        page = (site / "papers" / entry.id / "index.html").read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
        assert title, entry.id
        assert html.unescape(title.group(1)).startswith(entry.title), entry.id
        metas = {
            (name, html.unescape(content))
            for name, content in re.findall(r'<meta name="(citation_[a-z_]+)" content="([^"]*)"', page)
        }
        assert ("citation_title", entry.title) in metas, entry.id
        authors = [html.unescape(a) for a in re.findall(r'<meta name="citation_author" content="([^"]*)"', page)]
        assert authors == [n.sort_form() for n in author_names(entry)], entry.id  # "Family, Given"
        start = page.index('<div class="afkb-takeaways">')  # the takeaways come right after the header
        assert start < page.index('id="summary"'), entry.id
        assert page.count("<li>", start, page.index("</div>", start)) == len(entry.takeaways), entry.id
    taxonomy = load_taxonomy()
    used_tags = {t for e in REAL.entries.values() for t in e.tags}
    for tag in taxonomy.tags:
        page = site / "tags" / tag / "index.html"
        assert page.is_file(), tag
        assert f"Tag: {tag}" in page.read_text(encoding="utf-8")
        if tag in used_tags:
            assert "afkb-entry-list" in page.read_text(encoding="utf-8"), tag
    for kind in taxonomy.kinds:
        assert (site / "kinds" / kind / "index.html").is_file(), kind
    for person in authors_of(REAL.sorted_entries()).values():
        page = site / "authors" / person.slug / "index.html"
        assert page.is_file(), person.slug
        text = page.read_text(encoding="utf-8")
        assert all(f"papers/{e.id}/" in text for e in person.entries), person.slug
    for index in [
        "",
        "papers/",
        "tags/",
        "kinds/",
        "takeaways/",
        "matrix/",
        "wanted/",
        "graph/",
        "timeline/",
        "downloads/",
        "whats-new/",
        "radar/",
        "authors/",
        "about/",
    ]:
        assert (site / index / "index.html").is_file(), index
