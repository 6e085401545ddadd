"""The exports read by the tools people cite with, and what those tools print.

BibTeX with plain, plainnat (with hyperref) and abbrvnat through pdflatex; BibLaTeX through
biber; CSL-JSON, BibTeX and BibLaTeX through pandoc's citeproc; CSL-JSON and RIS through
citation.js. For the real entries and a set of hostile ones: no warning and no error, and every
reference prints its authors, its title with the capitals it must keep, its venue, its year
once, and its DOI and URL intact.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from afkb.collection import load_collection
from afkb.export import venue_without_year
from afkb.export.bibtex import export_bibtex
from afkb.export.csl import export_csl_json
from afkb.export.ris import export_ris
from afkb.export.titles import split_title
from afkb.names import author_names
from afkb.schema import Entry, NameParts
from afkb.uri import as_uri
from conftest import ENTRIES, ROOT, entry_object

pytestmark = pytest.mark.slow
REAL = sorted(load_collection(ENTRIES).entries.values(), key=lambda e: e.id)


def hostile(entry_id: str, **fields: object) -> Entry:
    defaults = {"title": "A Paper", "venue": "NeurIPS 2024", "arxiv": None, "url": "https://example.org/paper"}
    return entry_object(**{"id": entry_id, **defaults, **fields})


HOSTILE = [
    hostile(
        "kucinski2024names",
        title="Llama 2-Chat 70B Is Safe? In-Context LoRA for GPT-4",
        authors=("Łukasz Kuciński", "Martin Luther King, Jr.", "Ludwig van Beethoven", "Ömer Çelik"),
        doi="10.1007/978-3-030-12345-8_1",
        url="https://example.org/a%20b/ölçü?x=1&y=2#frag",
    ),
    hostile(
        "lab2025report",
        title="Safety Report of the Research and Development Team: 100% & More!",
        authors=("Research and Development Team", "Juan Mattos Sánchez"),
        name_parts=(NameParts(author="Juan Mattos Sánchez", given="Juan", family="Mattos Sánchez"),),
        year=2025,
        venue="Example Lab",
        venue_type="report",
        url="https://example.org/report#section-2",
    ),
    hostile(
        "roe2024specials",
        title="Specials in Titles: 50% of $5 & #1_x ~ ^ Done",
        authors=("Mallory O'Evil", "Eve Listener"),
        venue="Workshop on Things 2024",
        venue_type="workshop",
        url="https://example.org/x%7D,note=%7B%5Cinput%7B/etc/hostname%7D",
    ),
    hostile(
        "doe2026preprint",
        title="A Preprint on Qwen and Mistral: Why Not?",
        authors=("Jane Doe", "Bill Yuchen Lin"),
        year=2026,
        venue="arXiv preprint",
        venue_type="preprint",
        arxiv="2601.00001",
        url=None,
    ),
]
ALL = REAL + HOSTILE


def run(command: list[str], cwd: Path, *, input_text: str | None = None) -> subprocess.CompletedProcess[str]:
    tool = shutil.which(command[0])
    assert tool, f"{command[0]} is missing: `make test` installs it (make system-tools, make setup)"
    return subprocess.run(
        command, cwd=cwd, input=input_text, capture_output=True, text=True, errors="replace", check=False, timeout=600
    )  # TeX wraps its terminal lines by bytes, cutting UTF-8 characters: read them replaced


def alnum(text: str) -> str:
    """Letters and digits only, case kept: what survives line breaks, hyphenation and markup."""
    return "".join(c for c in text if c.isalnum())


def sentence_case(entry: Entry) -> str:
    """The title as BibTeX's change.case$ "t" prints it: protected runs kept, the rest lower case
    except the first letter and a letter after a colon and a space."""
    out = []
    for run_text, protected in split_title(" ".join(entry.title.split())):
        if protected:
            out.append(run_text)
            continue
        chars = []
        for char in run_text:
            so_far = "".join(out) + "".join(chars)
            first = not so_far or re.search(r":\s+$", so_far)
            chars.append(char if first else char.lower())
        out.append("".join(chars))
    return "".join(out)


def bibitems(bbl: str) -> dict[str, str]:
    """The .bbl's references by key, as rough text."""
    items = {}
    for chunk in re.split(r"\\bibitem(?=[\[{])", bbl)[1:]:
        key = re.match(r"(?:\[[^\]]*\]|\[.*?\]\])?\{([^}]*)\}", chunk, re.DOTALL)
        assert key, chunk[:80]
        items[key.group(1)] = chunk
    return items


def detex(text: str) -> str:
    text = re.sub(r"\\relax\s*", "", text)
    text = re.sub(r"\\(?:newblock|emph|em|natexlab|urlprefix|url|doi|href|penalty\d*|Url)\b", " ", text)
    text = text.replace("~", " ").replace("{", "").replace("}", "")
    return re.sub(r"\\([%&#_$])", r"\1", text)


# --- LaTeX documents ------------------------------------------------------------------------------

FONTS = "\\usepackage[T1]{fontenc}\\usepackage[utf8]{inputenc}\\usepackage{lmodern}\\pagestyle{empty}"


def latex_run(
    tmp_path: Path, bibliography: str, preamble: str, body: str, processor: list[str], *, shell_escape: bool = False
) -> tuple[str, str]:
    """refs.bib and doc.tex written, pdflatex, the bibliography processor, pdflatex twice: every
    run must succeed and the final log hold no warning. Returns (processor output, PDF text)."""
    (tmp_path / "refs.bib").write_text(bibliography, encoding="utf-8")
    (tmp_path / "doc.tex").write_text(
        f"\\documentclass{{article}}{FONTS}{preamble}\n\\begin{{document}}{body}\\end{{document}}\n", encoding="utf-8"
    )
    escape = "-shell-escape" if shell_escape else "-no-shell-escape"
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", escape, "doc.tex"]
    assert run(latex, tmp_path).returncode == 0
    processed = run([*processor, "doc"], tmp_path)
    assert processed.returncode == 0, processed.stdout[-3000:]
    for _ in range(2):
        result = run(latex, tmp_path)
        assert result.returncode == 0, result.stdout[-3000:]
    log = (tmp_path / "doc.log").read_text(encoding="utf-8", errors="replace")
    warnings = re.findall(r"^.*Warning.*$", log, re.MULTILINE)
    assert not warnings, warnings[:5]
    assert "Invalid UTF-8" not in log
    return processed.stdout, run(["pdftotext", "doc.pdf", "-"], tmp_path).stdout


# --- BibTeX: plain, plainnat with hyperref, abbrvnat ---------------------------------------------

PREAMBLES = {
    "plain": "\\usepackage{url}",
    "plainnat": "\\usepackage{natbib}\\usepackage{hyperref}",
    "abbrvnat": "\\usepackage{natbib}\\usepackage{url}",
}


def check_bibtex_reference(style: str, entry: Entry, written: str) -> None:
    """One reference of the .bbl: its authors, venue, year once, DOI, URL and arXiv id."""
    item = detex(written)
    names = author_names(entry)
    for name in names:
        assert alnum(name.literal or name.family) in alnum(item), (style, entry.id, name)
        if style == "abbrvnat" and name.given:  # initials, a non-ASCII one whole: "Ł. Kuciński", "Y.-G. Jiang"
            initials = "".join(part[0] for part in re.split(r"[\s-]+", name.given) if part)
            assert alnum(f"{initials}{name.particle}{name.family}") in alnum(item), (entry.id, name)
    unwrapped = written.replace("%\n", "")  # BibTeX wraps long words with a comment
    body = re.sub(r"^(?:\[.*?\])?\{[^}]*\}", "", unwrapped, count=1, flags=re.DOTALL)  # not the label or key
    body = re.sub(r"\\(?:url|doi|href)\{[^}]*\}|https?://\S+", "", body)
    body = body.replace(entry.doi or "\0", "").replace(entry.arxiv or "\0", "")
    year = rf"(?<!\d){entry.year}(?!\d)"
    in_title = len(re.findall(year, entry.title))  # "AIR-Bench 2024: ..." names its year itself
    assert len(re.findall(year, detex(body))) == 1 + in_title, (style, entry.id, body)  # once beside the title
    if entry.venue_type in {"conference", "workshop", "journal", "report"}:
        assert alnum(venue_without_year(entry)) in alnum(item), (style, entry.id)
    for identifier in (entry.doi, entry.url) if style != "plain" else ():
        if identifier:
            assert as_uri(identifier) in unwrapped, (style, entry.id, identifier)  # intact
    if entry.arxiv and entry.venue_type == "preprint":
        assert alnum(f"arXiv:{entry.arxiv}") in alnum(item), (style, entry.id)


@pytest.mark.parametrize("style", list(PREAMBLES))
def test_bibtex_styles_print_every_reference_right(tmp_path: Path, style: str) -> None:
    body = f"\\nocite{{*}}\\bibliographystyle{{{style}}}\\bibliography{{refs}}"
    _, text = latex_run(tmp_path, export_bibtex(ALL), PREAMBLES[style], body, ["bibtex"])
    blg = (tmp_path / "doc.blg").read_text(encoding="utf-8", errors="replace")
    assert "Warning--" not in blg, blg[-3000:]
    assert "error message" not in blg, blg[-3000:]
    items = bibitems((tmp_path / "doc.bbl").read_text(encoding="utf-8"))
    assert sorted(items) == sorted(e.id for e in ALL)
    for entry in ALL:
        assert alnum(sentence_case(entry)) in alnum(text), (style, entry.id, sentence_case(entry))
        check_bibtex_reference(style, entry, items[entry.id])
    assert "Kuciński" in text


# --- BibLaTeX through biber ----------------------------------------------------------------------


def test_biblatex_through_biber(tmp_path: Path) -> None:
    preamble = "\\usepackage[backend=biber,style=authoryear]{biblatex}\\addbibresource{refs.bib}"
    log, text = latex_run(
        tmp_path, export_bibtex(ALL, biblatex=True), preamble, "\\nocite{*}\\printbibliography", ["biber"]
    )
    assert not re.findall(r"^(?:WARN|ERROR) .*$", log, re.MULTILINE), log[-3000:]
    pdf = alnum(text)
    for entry in ALL:
        assert alnum(" ".join(entry.title.split())) in pdf, entry.id  # biblatex keeps the title's case
        first = author_names(entry)[0]
        assert alnum(first.literal or first.family) in pdf, entry.id
        for identifier in (entry.doi, entry.url, entry.arxiv):
            if identifier:
                assert alnum(as_uri(identifier)) in pdf, (entry.id, identifier)  # printed intact


# --- pandoc's citeproc: three inputs, one set of labels --------------------------------------------


def pandoc_cite(tmp_path: Path, bibliography: str, suffix: str) -> tuple[str, str]:
    path = tmp_path / f"refs{suffix}"
    path.write_text(bibliography, encoding="utf-8")
    document = "\n\n".join(f"{entry.id}: [@{entry.id}]" for entry in ALL) + "\n\n# References\n"
    result = run(
        ["pandoc", "--citeproc", f"--bibliography={path.name}", "-f", "markdown", "-t", "plain", "--wrap=none"],
        tmp_path,
        input_text=document,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout, result.stderr


def test_pandoc_reads_csl_json_bibtex_and_biblatex_alike(tmp_path: Path) -> None:
    outputs = {
        "csl-json": pandoc_cite(tmp_path, export_csl_json(ALL), ".json"),
        "bibtex": pandoc_cite(tmp_path, export_bibtex(ALL), ".bib"),
        "biblatex": pandoc_cite(tmp_path, export_bibtex(ALL, biblatex=True), ".bib"),
    }
    for name, (_, stderr) in outputs.items():
        assert "WARNING" not in stderr.upper(), (name, stderr)
    labels = {
        name: dict(re.findall(r"^([a-z0-9]+): (.*)$", text.split("References")[0], re.MULTILINE))
        for name, (text, _) in outputs.items()
    }
    assert labels["csl-json"] == labels["bibtex"] == labels["biblatex"]
    for entry in ALL:
        label = labels["csl-json"][entry.id]
        first = author_names(entry)[0]
        assert (first.literal or first.family) in label.replace("\u2019", "'"), (
            entry.id,
            label,
        )  # pandoc's smart quotes
        assert label.count(str(entry.year)) == 1, (entry.id, label)
    text = outputs["csl-json"][0].split("References", 1)[1]
    for entry in ALL:
        for run_text, protected in split_title(entry.title):
            if protected:
                assert run_text in text, (entry.id, run_text)  # capitals kept
        if entry.doi:
            assert entry.doi in text, entry.id
    for name, (output, _) in outputs.items():  # every input: no reference prints a year twice
        references = output.split("References", 1)[1]
        for line in filter(None, (line.strip() for line in references.splitlines())):
            bare = re.sub(r"https?://\S+|doi:\S+|arXiv:\S+|\b10\.\d{4,9}/\S+", "", line)
            bare = re.sub(r"\u201c[^\u201d]*\u201d", "", bare)  # the quoted title may name a year itself
            for year in set(re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", bare)):
                assert len(re.findall(rf"(?<!\d){year}(?!\d)", bare)) == 1, (name, line)
    assert "Kuciński" in text
    assert "Beethoven, Ludwig van" in text or "van Beethoven" in text


# --- citation.js (citeproc-js): CSL-JSON and RIS ------------------------------------------------


@pytest.mark.parametrize(("kind", "export"), [("csl", export_csl_json), ("ris", export_ris)])
def test_citation_js_reads_names_with_their_parts(tmp_path: Path, kind: str, export: object) -> None:
    assert (ROOT / "node_modules" / "@citation-js" / "core").is_dir(), "`make setup` (npm ci) installs citation.js"
    path = tmp_path / f"refs.{kind}"
    path.write_text(export(ALL), encoding="utf-8")  # type: ignore[operator]
    result = run(["node", str(ROOT / "tests" / "citationjs.mjs"), str(path), kind], tmp_path)
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert len(items) == len(ALL)
    for entry, item in zip(ALL, items, strict=True):
        for name, read in zip(author_names(entry), item["authors"], strict=True):
            if name.literal:
                assert read["literal"] == name.literal or read["family"] == name.literal, (entry.id, read)
            elif kind == "csl":
                assert (read["family"], read["given"], read["particle"]) == (name.family, name.given, name.particle)
            else:  # RIS has no particle field: it stays with the family name
                assert (read["family"], read["given"]) == (name.family_with_particle, name.given), (entry.id, read)
        assert "undefined" not in item["reference"]
        assert str(entry.year) in item["reference"]


# Text the validator refuses (braces, backslashes), as if it had been bypassed.
UNVALIDATED = hostile(
    "evil2024latex",
    title="\\write18{touch pwned} \\input{/etc/hostname} \\immediate\\write18{touch pwned2} Unbalanced {Braces} and }",
    authors=("Jane \\input{/etc/hostname} Doe",),
    venue="\\write18{touch pwned3}",
)


def test_no_tex_from_an_entry_runs_even_with_shell_escape(tmp_path: Path) -> None:
    preamble = "\\usepackage{natbib}\\usepackage{hyperref}"
    body = "\\nocite{*}\\bibliographystyle{plainnat}\\bibliography{refs}"
    _, text = latex_run(tmp_path, export_bibtex([*ALL, UNVALIDATED]), preamble, body, ["bibtex"], shell_escape=True)
    assert not list(tmp_path.glob("pwned*"))
    assert os.uname().nodename not in text
    assert "write18" in text  # the entry's text is printed, not run
    flat = " ".join(text.split())
    assert "unbalanced {braces} and }" in flat.lower()  # printed as text (sentence-cased by the style)
    assert "Specials in titles: 50% of $5 & #1_x" in flat
