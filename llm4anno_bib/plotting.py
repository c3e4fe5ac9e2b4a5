"""``stats --plot``: the works-per-year chart of the HTML page, drawn with matplotlib.

matplotlib is optional (the ``plot`` extra); without it ``plot_overview`` raises an error that
says how to install it. The figure is drawn on a ``Figure`` of its own (matplotlib's global
backend is left as it was: a notebook's inline plots keep working) into memory, then written
as every output is (``files.write_file``: locked, atomic, through links).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from llm4anno_bib.errors import Llm4AnnoBibError
from llm4anno_bib.files import write_file
from llm4anno_bib.stats import Stats

__all__ = ["plot_overview", "PLOT_FORMATS"]

PLOT_FORMATS = ("png", "svg")


def plot_overview(stats: Stats, path: str | os.PathLike[str], *,
                  inputs: Iterable[str | os.PathLike[str]] = ()) -> Path:
    """Draw works per year, stacked by top-level category, to ``path`` (``.png`` or
    ``.svg``; a missing folder is made); returns the path. The same data and colours as the
    HTML page's chart. ``inputs`` are files ``path`` must not be (``WriteError``)."""
    from llm4anno_bib.exports.html_page import overview_chart

    target = Path(path)
    kind = target.suffix.lower().lstrip(".")
    if kind not in PLOT_FORMATS:
        raise Llm4AnnoBibError("the chart is drawn as .png or .svg, not "
                               f"'{target.suffix or target.name}'.", path=str(target))
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise Llm4AnnoBibError("stats --plot needs matplotlib: pip install "
                               "'llm4anno-bib[plot]' (or pip install matplotlib).") from exc
    chart = overview_chart(stats)
    figure = Figure(figsize=(8, 3.6), dpi=120, layout="constrained")
    axes = figure.subplots()
    years = [str(bar["year"]) for bar in chart["bars"]]
    for item in chart["legend"]:
        heights = [next((p["count"] for p in bar["parts"] if p["label"] == item["label"]), 0)
                   for bar in chart["bars"]]
        bottoms = [sum(p["count"] for p in bar["parts"][:_index(bar, item["label"])])
                   for bar in chart["bars"]]
        axes.bar(years, heights, bottom=bottoms, color=item["colour"], label=item["label"])
    for position, bar in enumerate(chart["bars"]):
        axes.annotate(str(bar["total"]), (position, bar["total"]), ha="center", va="bottom",
                      fontsize=8, xytext=(0, 2), textcoords="offset points")
    axes.set_title("Works per year, by top-level category")
    axes.set_ylabel("works")
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=7, frameon=False, loc="upper left")
    drawn = io.BytesIO()
    # a fixed salt for the SVG's ids and no date: the same data gives the same bytes
    with matplotlib.rc_context({"svg.hashsalt": "llm4anno-bib"}):
        figure.savefig(drawn, format=kind, metadata={"Date": None} if kind == "svg"
                       else {"Software": None})
    write_file(target, drawn.getvalue(), inputs=inputs, make_folder=True)
    return target


def _index(bar: dict[str, Any], label: str) -> int:
    """How many parts of ``bar`` lie under the part of ``label`` (all of them if absent)."""
    return next((i for i, p in enumerate(bar["parts"]) if p["label"] == label), len(bar["parts"]))
