"""`make bench`: afkb against bare PyYAML and bare mkdocs-material on synthetic collections.

Writes benchmarks/RESULTS.md and exits 1 if a target is missed. Not part of `make test`.
Set BENCH_SIZES=200,600 (for example) for a quick run; BENCH_RUNS for the number of runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from synth import generate

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable

K = TypeVar("K", bound="Hashable")  # what the measured directories are known by

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,3000,10000").split(",")]
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
SHORT_RUNS = max(RUNS, 5)  # for stages of well under a second, and for the noisy builds
BUILD_SIZES = [s for s in SIZES if s <= 3000]
# Stages that time other tools on the same input, for reference: no target of ours applies to them.
REFERENCE_STAGES = {"bare-parse", "bare-build", "source-build"}


def measure_once(stage: str, directory: Path) -> dict[str, float]:
    """One measurement in a fresh process; the site it built, if any, is left in DIR/site."""
    out = subprocess.run(
        [sys.executable, str(HERE / "measure.py"), stage, str(directory)],
        capture_output=True,
        text=True,
        check=True,
        cwd=directory,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def summarise(results: list[dict[str, float]]) -> dict[str, float]:
    return {
        "seconds": statistics.median(r["seconds"] for r in results),
        "peak_mib": max(r["peak_mib"] for r in results),
    }


def measure_interleaved(
    stage: str,
    directories: dict[K, Path],
    runs: int = RUNS,
    before_run: Callable[[K, int], None] | None = None,
) -> dict[K, dict[str, float]]:
    """``runs`` rounds, each measuring ``stage`` once in every directory, one after another
    (``before_run(key, round)`` is called before each measurement).

    The ratios compare sizes (and afkb with bare mkdocs), so their runs alternate: a stretch in
    which this shared machine runs slower then falls on both sides of a ratio instead of on one."""
    results: dict[K, list[dict[str, float]]] = {key: [] for key in directories}
    for round_number in range(runs):
        for key, directory in directories.items():
            if before_run:
                before_run(key, round_number)
            results[key].append(measure_once(stage, directory))
            shutil.rmtree(directory / "site", ignore_errors=True)
    return {key: summarise(found) for key, found in results.items()}


def synth_version() -> str:
    """What a generated collection depends on: the generator and the entry schema."""
    digest = hashlib.sha256()
    for source in (HERE / "synth.py", ROOT / "tools" / "afkb" / "schema.py"):
        digest.update(source.read_bytes())
    return digest.hexdigest()


def afkb_project(size: int) -> Path:
    directory = WORK / f"afkb-{size}"
    stamp, version = directory / "synth-version", synth_version()
    if not stamp.is_file() or stamp.read_text() != version:
        shutil.rmtree(directory / "entries", ignore_errors=True)
        generate(directory / "entries", size)  # a collection from an older schema would not validate
        stamp.write_text(version)
    shutil.copy(ROOT / "mkdocs.yml", directory / "mkdocs.yml")
    shutil.rmtree(directory / "docs", ignore_errors=True)
    shutil.copytree(ROOT / "docs", directory / "docs")
    link = directory / "node_modules"
    if not link.exists():
        link.symlink_to(ROOT / "node_modules")
    return directory


def bare_project(size: int, entries: Path) -> Path:
    """The same number of plain Markdown pages of the same size, built by mkdocs-material with the
    site's own theme settings, Markdown extensions and navigation (nav pages are short placeholders),
    search on, and no afkb plugin."""
    import yaml

    directory = WORK / f"bare-{size}"
    shutil.rmtree(directory, ignore_errors=True)
    (directory / "docs" / "papers").mkdir(parents=True)
    for path in sorted(entries.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        lines = [f"# {data['title']}", "", ", ".join(data["authors"]), "", "## Defensive takeaways", ""]
        lines += [f"- {t['text']}" for t in data["takeaways"]]
        lines += ["", "## Summary", "", data["summary"], "", "## Key findings", "", "| Finding | Where |", "|---|---|"]
        lines += [f"| {f['claim']} | {f['where']} |" for f in data["findings"]]
        lines += ["", "## Cite", "", "```", f"@inproceedings{{{data['id']}, title = {{{data['title']}}}}}", "```"]
        (directory / "docs" / "papers" / f"{data['id']}.md").write_text("\n".join(lines) + "\n")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    config["site_name"] = "bare"
    config["plugins"] = ["search"]
    for page in _nav_pages(config["nav"]):
        target = directory / "docs" / page
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.write_text(f"# {Path(page).stem}\n\nA placeholder page of the navigation.\n")
    (directory / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    return directory


def source_project(size: int, project: Path) -> Path:
    """The complete site source that `afkb pages` writes for ``project``, built by plain MkDocs with no
    afkb plugin: the builder's own share of a site build, for reference."""
    directory = WORK / f"source-{size}"
    shutil.rmtree(directory, ignore_errors=True)
    subprocess.run(
        [str(Path(sys.executable).parent / "afkb"), "--quiet", "pages", "--out", str(directory)],
        cwd=project,
        check=True,
    )
    return directory


def _nav_pages(nav: object) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [page for item in nav for page in _nav_pages(item)]
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in _nav_pages(value)]
    return []


def main() -> int:
    WORK.mkdir(exist_ok=True)
    projects = {size: afkb_project(size) for size in SIZES}
    bare = {size: bare_project(size, projects[size] / "entries") for size in BUILD_SIZES}
    rows: dict[int, dict[str, dict[str, float]]] = {size: {} for size in SIZES}
    stage_runs = [
        ("bare-parse", RUNS),
        ("validate", RUNS),
        ("graph-export", SHORT_RUNS),
        ("graph-stats", SHORT_RUNS),  # an analysis: no ratio target
    ]
    for stage, runs in stage_runs:
        print(f"{stage} ...", file=sys.stderr)
        for size, result in measure_interleaved(stage, projects, runs).items():
            rows[size][stage] = result
    print("revalidate ...", file=sys.stderr)
    for size, result in measure_revalidation(projects).items():
        rows[size]["revalidate"] = result
    print("build ...", file=sys.stderr)
    sources = {size: source_project(size, projects[size]) for size in BUILD_SIZES}
    builds = (
        {("afkb", size): projects[size] for size in BUILD_SIZES}
        | {("bare", s): bare[s] for s in BUILD_SIZES}
        | {("source", s): sources[s] for s in BUILD_SIZES}
    )
    built = measure_interleaved("build", builds, SHORT_RUNS)
    pages: dict[int, dict[str, float]] = {}
    for size in BUILD_SIZES:
        rows[size]["build"] = built["afkb", size]
        rows[size]["bare-build"] = built["bare", size]
        rows[size]["source-build"] = built["source", size]
        pages[size] = page_weights(projects[size], size)
    checks = targets(rows, pages)
    write_results(rows, pages, checks)
    failed = [c for c in checks if not c[2]]
    for name, detail, ok in checks:
        print(f"{'ok  ' if ok else 'MISS'} {name}: {detail}", file=sys.stderr)
    return 1 if failed else 0


def measure_revalidation(projects: dict[int, Path]) -> dict[int, dict[str, float]]:
    """Each run sees exactly one file changed since the run before, after a warm-up run."""
    changes = {}
    for size, project in projects.items():
        shutil.rmtree(project / "cache", ignore_errors=True)
        measure_once("revalidate", project)  # warm the cache
        changed = sorted((project / "entries").glob("*.yaml"))[size // 2]
        original = changed.read_text()
        changes[size] = (changed, original, original.replace("Table 1", "Table 9", 1))

    def change_one_file(size: int, round_number: int) -> None:
        changed, original, edited = changes[size]
        changed.write_text(edited if round_number % 2 == 0 else original)

    try:
        return measure_interleaved("revalidate", projects, SHORT_RUNS, before_run=change_one_file)
    finally:
        for changed, original, _ in changes.values():
            changed.write_text(original)


def page_weights(project: Path, size: int) -> dict[str, float]:
    """The largest paper page and the search index per entry, in a fresh build of the project."""
    measure_once("build", project)
    site = project / "site"
    page_sizes = [p.stat().st_size for p in (site / "papers").glob("*/index.html")]
    weights = {
        "max_page_kb": max(page_sizes) / 1024,
        "index_per_entry_kb": (site / "search" / "search_index.json").stat().st_size / size / 1024,
    }
    shutil.rmtree(site, ignore_errors=True)
    return weights


def targets(
    rows: dict[int, dict[str, dict[str, float]]], pages: dict[int, dict[str, float]]
) -> list[tuple[str, str, bool]]:
    checks = []
    big = max(rows)
    v = rows[big]["validate"]["seconds"] / rows[big]["bare-parse"]["seconds"]
    checks.append((f"validation of {big} <= 1.5x bare C-loader parse", f"{v:.2f}x", v <= 1.5))
    g = rows[big]["graph-export"]["seconds"] / rows[big]["validate"]["seconds"]
    checks.append((f"graph + all exports of {big} < 25% of validation", f"{g:.0%}", g < 0.25))
    inc = rows[big]["revalidate"]["seconds"] / rows[big]["validate"]["seconds"]
    checks.append((f"re-validation of {big} after one change <= 10% of cold", f"{inc:.1%}", inc <= 0.10))
    for size in BUILD_SIZES:
        b = rows[size]["build"]["seconds"] / rows[size]["bare-build"]["seconds"]
        checks.append((f"site build of {size} <= 1.3x bare mkdocs-material", f"{b:.2f}x", b <= 1.3))
        checks.append(
            (f"entry page at {size} < 150 KB", f"{pages[size]['max_page_kb']:.0f} KB", pages[size]["max_page_kb"] < 150)
        )
        checks.append(
            (
                f"search index at {size} < 4 KB per entry",
                f"{pages[size]['index_per_entry_kb']:.2f} KB",
                pages[size]["index_per_entry_kb"] < 4,
            )
        )
    small = [s for s in SIZES if s * 3 in SIZES]
    for low in small:
        for stage in rows[low]:
            if stage in rows[low * 3] and stage not in REFERENCE_STAGES:
                r = rows[low * 3][stage]["seconds"] / rows[low][stage]["seconds"]
                checks.append((f"{stage}: time({low * 3}) / time({low}) <= 3.3", f"{r:.2f}", r <= 3.3))
    return checks


def write_results(
    rows: dict[int, dict[str, dict[str, float]]],
    pages: dict[int, dict[str, float]],
    checks: list[tuple[str, str, bool]],
) -> None:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    lines = [
        "# Benchmark results",
        "",
        f"Generated by `make bench` (`benchmarks/run.py`): the median of {RUNS} runs for bare-parse and validate, of {SHORT_RUNS} for the other stages (re-validation: each run after one file changed). Runs of one stage alternate between the sizes (and between afkb and bare builds), round by round.",
        f"Machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}.",
        "",
        "| entries | stage | seconds | peak MiB |",
        "|---:|---|---:|---:|",
    ]
    for size, stages in rows.items():
        for stage, result in stages.items():
            lines.append(f"| {size} | {stage} | {result['seconds']:.3f} | {result['peak_mib']:.0f} |")
    lines += ["", "| page weight | value |", "|---|---:|"]
    for size, values in pages.items():
        lines.append(f"| largest entry page at {size} | {values['max_page_kb']:.0f} KB |")
        lines.append(f"| search index per entry at {size} | {values['index_per_entry_kb']:.2f} KB |")
    lines += ["", "## Targets", "", "| target | measured | met |", "|---|---:|:---:|"]
    lines += [f"| {name} | {detail} | {'yes' if ok else '**no**'} |" for name, detail, ok in checks]
    lines += ["", "## For reference (not targets)", "", "| comparison | measured |", "|---|---:|"]
    for size in BUILD_SIZES:
        share = rows[size]["build"]["seconds"] / rows[size]["source-build"]["seconds"]
        lines.append(f"| site build of {size} / plain MkDocs build of the source `afkb pages` writes | {share:.2f}x |")
    notes = HERE / "NOTES.md"
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    (HERE / "RESULTS.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
