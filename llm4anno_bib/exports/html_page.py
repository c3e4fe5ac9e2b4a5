"""The library as one static, self-contained HTML page (``export --format html``).

Rendered by Jinja2 from ``templates/page.html.j2`` with autoescaping, so every text from the
library is escaped. The page loads nothing: its style and script are inline, and its
Content-Security-Policy allows exactly those two blocks (by hash) and nothing else, so not
even an injected handler could run. Links are written only for http(s) URLs.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llm4anno_bib._text import latex_to_text, normalise_title, readable_math
from llm4anno_bib.exports.bibtex import entry_texts
from llm4anno_bib.ids import web_url
from llm4anno_bib.model import Category, Entry, Library, venue_acronym
from llm4anno_bib.stats import Stats, library_stats

if TYPE_CHECKING:
    from jinja2 import Environment

__all__ = ["render_page", "overview_chart", "COLOURS"]

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Okabe and Ito's palette: told apart with every common colour-vision deficiency
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
NO_SECTION_COLOUR, NO_SECTION_LABEL = "#999999", "not in a section"
_AUTHORS_SHOWN = 8


@lru_cache(maxsize=1)
def _environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=False, lstrip_blocks=False,
                       keep_trailing_newline=True)


def _csp_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def render_page(library: Library, title: str | None = None,
                texts: Mapping[str, str] | None = None) -> str:
    """The page (``Library.to_html()``): navigation by category with counts, every section's
    works in list order with links and a Copy BibTeX button, search and category filter,
    the survey's citation, and the works-per-year chart. ``texts``: as ``render_bibtex``."""
    from markupsafe import Markup

    style = (TEMPLATES / "page.css").read_text(encoding="utf-8")
    script = (TEMPLATES / "page.js").read_text(encoding="utf-8")
    texts = entry_texts_as_read(library, texts)
    categories = library.categories()
    headings = {c.slug: c.heading for c in categories}
    if library.is_selection:  # a page of some works: the sections without any are left out
        categories = tuple(c for c in categories if c.count)
    survey = None
    if library.survey_key and library.survey_key in library:
        entry = library.survey()
        survey = _work(entry, texts[entry.key], headings)
    stats = library_stats(library)
    return _environment().get_template("page.html.j2").render(
        title=title or _title(library),
        works=len(library),  # the survey counted too: one count with the CLI and stats
        sections_count=len(categories),
        source_name=Path(library.path).name if library.path else "the library",
        style=Markup(style), style_hash=_csp_hash(style),
        script=Markup(script), script_hash=_csp_hash(script),
        survey=survey,
        tree=_tree(library, categories, texts, headings),
        options=categories,
        chart=overview_chart(stats),
    )


def entry_texts_as_read(library: Library, texts: Mapping[str, str] | None = None
                        ) -> dict[str, str]:
    """Each entry's BibTeX exactly as its file has it, from its '@' to its closing brace (an
    entry changed since, or one of a library not read from a file, as the canonical writer
    writes it, or as ``texts`` has it made before)."""
    source = library.source
    exact: dict[str, str] = {}
    if source is not None:
        for text, key, _name in source.segments:
            if key is not None and key in library and source.entries.get(key) is library[key]:
                exact[key] = text.replace("\r\n", "\n")
    others = [e for e in library if e.key not in exact]
    made = dict(zip((e.key for e in others), entry_texts(others, texts)))
    # from '@' to the closing brace, as a file's entry is cut (the writer adds a newline)
    return exact | {key: text.rstrip("\n") for key, text in made.items()}


def _title(library: Library) -> str:
    for line in library.intro.splitlines():
        if line.startswith("# "):
            return latex_to_text(line[2:].strip()) or "llm4anno-bib"
    return "llm4anno-bib library"


def _tree(library: Library, categories: tuple[Category, ...], texts: Mapping[str, str],
          headings: Mapping[str, str]) -> list[dict[str, Any]]:
    nodes: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for category in categories:
        parent = nodes.get(category.parent) if category.parent else None
        path = (parent["path"] + " " if parent else "") + category.slug
        node = {"slug": category.slug, "anchor": "c-" + category.slug,
                "heading": category.heading, "count": category.count,
                "level": min(category.depth + 2, 6), "path": path, "children": [],
                "works": [_work(library[key], texts[key], headings) for key in category.keys]}
        nodes[category.slug] = node
        (parent["children"] if parent else roots).append(node)
    # every work is on the page: those in no section (all of a plain .bib) get one of their own
    placed = {key for category in categories for key in category.keys}
    rest = [e for e in library if e.key not in placed and e.key != library.survey_key]
    if rest:
        slug = "other-works" if categories else "all-works"
        roots.append({"slug": slug, "anchor": "c-" + slug,
                      "heading": "Other works" if categories else "All works",
                      "count": len(rest), "level": 2, "path": slug, "children": [],
                      "works": [_work(e, texts[e.key], headings) for e in rest]})
    return roots


def _work(entry: Entry, bibtex: str, headings: Mapping[str, str]) -> dict[str, Any]:
    authors = list(entry.authors)  # plain text, given names first
    shown = ", ".join(authors[:_AUTHORS_SHOWN]) + (" et al" if len(authors) > _AUTHORS_SHOWN
                                                   else "")
    venue = venue_acronym(entry) or latex_to_text(entry.venue or "")
    paper = web_url(entry.fields.get("pdf")) or web_url(entry.url)
    links = []
    if entry.arxiv_id:
        links.append(("arXiv", f"https://arxiv.org/abs/{entry.arxiv_id}"))
    if entry.doi:
        links.append(("DOI", "https://doi.org/" + entry.doi.strip()))
    for label, name in (("code", "code"), ("data", "data")):
        for url in entry.fields.get(name, "").split():
            if web_url(url):
                links.append((label, url))
    if paper:
        links.insert(0, ("paper", paper))
    title = readable_math(entry.title)  # as it prints
    haystack = " ".join([title, " ".join(authors), venue, entry.venue or "",
                         str(entry.year or "")])
    return {"key": entry.key, "title": title, "authors": shown, "venue": venue,
            "year": entry.year or "", "paper": paper, "links": links, "bibtex": bibtex,
            "categories": [headings.get(slug, slug) for slug in entry.categories],
            "search": normalise_title(haystack)}


def overview_chart(stats: Stats, width: int = 640, height: int = 260) -> dict[str, Any]:
    """Geometry of the works-per-year chart (stacked by top-level category), for the SVG of
    the page: bars with their parts, y ticks, legend and a text description."""
    left, right, top, bottom = 40, width - 10, 20, height - 28
    colours = {t.slug: COLOURS[i % len(COLOURS)] for i, t in enumerate(stats.tops)}
    labels = {t.slug: t.heading for t in stats.tops}
    colours[""], labels[""] = NO_SECTION_COLOUR, NO_SECTION_LABEL
    most = max((sum(n for _s, n in parts) for _y, parts in stats.by_year_and_top), default=0)
    scale_top = _nice_ceiling(most)
    band = (right - left) / max(len(stats.by_year_and_top), 1)
    bar_width = round(min(band * 0.7, 48), 1)
    bars = []
    for index, (year, parts) in enumerate(stats.by_year_and_top):
        x = round(left + band * index + (band - bar_width) / 2, 1)
        baseline, drawn = float(bottom), []
        for slug, count in parts:
            h = (bottom - top) * count / scale_top if scale_top else 0
            baseline -= h
            drawn.append({"x": x, "y": round(baseline, 1), "width": bar_width,
                          "height": round(h, 1), "colour": colours[slug], "slug": slug,
                          "label": labels[slug], "count": count})
        bars.append({"year": year, "total": sum(n for _s, n in parts), "parts": drawn,
                     "centre": round(x + bar_width / 2, 1), "top": round(baseline, 1)})
    ticks = [{"value": v, "y": round(bottom - (bottom - top) * v / scale_top, 1)}
             for v in _tick_values(scale_top)] if scale_top else []
    used = {slug for _y, parts in stats.by_year_and_top for slug, _n in parts}
    legend = [{"label": labels[s], "colour": colours[s]}
              for s in [t.slug for t in stats.tops] + [""] if s in used]
    description = "; ".join(f"{b['year']}: {b['total']} works" for b in bars)
    return {"width": width, "height": height, "left": left, "right": right, "top": top,
            "bottom": bottom, "bars": bars, "ticks": ticks, "legend": legend,
            "description": description}


def _nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 4, 5, 10, 20, 40, 50... at or above ``value``."""
    if value <= 0:
        return 0
    step = 1
    while True:
        for factor in (1, 2, 4, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _tick_values(scale_top: int) -> list[int]:
    """Four or five even steps up to ``scale_top`` (a ``_nice_ceiling``)."""
    for parts in (4, 5, 2, 1):
        if scale_top % parts == 0:
            return list(range(0, scale_top + 1, scale_top // parts))
    return [0, scale_top]
