"""One measurement in a fresh process: prints {"seconds": ..., "peak_mib": ...} as JSON.

Usage: python measure.py STAGE DIR
  bare-parse DIR     parse every DIR/entries/*.yaml with PyYAML's C loader, nothing else
  validate DIR       afkb's full validation (no cache): load, schema, collection checks
  revalidate DIR     afkb validate with the content-hash cache (after a warm-up run by the caller)
  graph-export DIR   graph construction plus every export format (entries loaded first, not timed)
  graph-stats DIR    `afkb graph stats` analysis on a built graph: best of five in-process runs
  build DIR          mkdocs build of DIR/mkdocs.yml into DIR/site (afkb or bare project)
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def main() -> None:
    stage, directory = sys.argv[1], Path(sys.argv[2])
    entries = directory / "entries"
    if stage == "bare-parse":
        import yaml

        start = time.perf_counter()
        for path in sorted(entries.glob("*.yaml")):
            yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    elif stage in {"validate", "revalidate"}:
        from afkb.cache import ValidationCache
        from afkb.collection import check_collection, load_collection

        start = time.perf_counter()
        if stage == "revalidate":
            report = check_collection(entries, ValidationCache(entries, directory / "cache"))
            assert report.ok, report.problems[:3]
        else:
            collection = load_collection(entries)
            assert collection.ok, collection.problems[:3]
    elif stage == "graph-export":
        from afkb.collection import load_collection
        from afkb.export.formats import FORMATS, export_formats

        entries_list = load_collection(entries).sorted_entries()
        start = time.perf_counter()
        export_formats(entries_list, FORMATS)  # builds the graph too
    elif stage == "graph-stats":
        from afkb.collection import load_collection
        from afkb.graph import build_graph, graph_stats

        graph = build_graph(load_collection(entries).sorted_entries())
        # A short stage: the best of five in-process runs, so that start-up noise does not decide.
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            graph_stats(graph)
            best = min(best, time.perf_counter() - start)
        start = time.perf_counter() - best
    elif stage == "build":
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        config = load_config(config_file=str(directory / "mkdocs.yml"), site_dir=str(directory / "site"))
        start = time.perf_counter()
        build(config)
    else:
        raise SystemExit(f"unknown stage {stage}")
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": peak}))


if __name__ == "__main__":
    main()
