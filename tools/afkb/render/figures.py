"""Static SVG figures, drawn by a template so they need no script and work offline."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

    from afkb.schema import Entry

# One colour per kind, chosen for contrast on white and for colour-blind readers (Okabe-Ito).
KIND_COLOURS = {
    "attack": "#D55E00",
    "defense": "#009E73",
    "evaluation": "#0072B2",
    "benchmark": "#56B4E9",
    "analysis": "#CC79A7",
    "method": "#E69F00",
    "theory": "#666666",
    "survey": "#000000",
    "wanted": "#BBBBBB",
}
BAR, GAP, PLOT_HEIGHT, LEFT, BOTTOM, TOP, LEGEND_WIDTH = 44, 16, 220, 40, 30, 10, 160


def kind_colour(kind: str) -> str:
    return KIND_COLOURS.get(kind, "#999999")


@dataclass(slots=True)
class Bar:
    year: int
    x: int
    total: int
    top: float = TOP + PLOT_HEIGHT
    rects: list[dict[str, Any]] = field(default_factory=list)
    width: int = BAR

    @property
    def centre(self) -> float:
        return self.x + BAR / 2


def timeline(entries: Iterable[Entry], kinds: list[str]) -> dict[str, Any]:
    """The geometry of a stacked bar chart of entries per year, coloured by kind, with a legend:
    the context of ``templates/timeline.svg``."""
    counts = Counter((e.year, e.kind) for e in entries)
    if not counts:
        return {"bars": []}
    years = list(range(min(y for y, _ in counts), max(y for y, _ in counts) + 1))
    totals = {y: sum(counts[(y, k)] for k in kinds) for y in years}
    peak = max(totals.values()) or 1
    bars = []
    for i, year in enumerate(years):
        bar = Bar(year, LEFT + i * (BAR + GAP) + GAP // 2, totals[year])
        for kind in kinds:
            if n := counts[(year, kind)]:
                height = n / peak * PLOT_HEIGHT
                bar.top -= height
                bar.rects.append(
                    {"y": bar.top, "height": height, "colour": kind_colour(kind), "count": n, "kind": kind}
                )
        bars.append(bar)
    legend_x = LEFT + len(years) * (BAR + GAP) + 20
    kinds_present = [k for k in kinds if any(counts[(y, k)] for y in years)]
    return {
        "bars": bars,
        "width": LEFT + len(years) * (BAR + GAP) + LEGEND_WIDTH,
        "height": PLOT_HEIGHT + BOTTOM + TOP,
        "axis": {"x1": LEFT, "x2": LEFT + len(years) * (BAR + GAP), "y": TOP + PLOT_HEIGHT},
        "legend": [
            {"x": legend_x, "y": TOP + j * 20, "colour": kind_colour(k), "kind": k} for j, k in enumerate(kinds_present)
        ],
    }
