"""An overview of a library: works by category, year and venue, and per year by top-level
category (the chart of the HTML page and of ``stats --plot``).

A work in several top-level sections is counted once a year, under the first of them in the
list's order, so that each year's bar is as tall as its number of works.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from llm4anno_bib.model import Category, Entry, Library, venue_label

if TYPE_CHECKING:
    import pandas

__all__ = ["Stats", "library_stats", "NO_YEAR"]

NO_YEAR = "n.d."  # how a work without a year is counted


@dataclass(frozen=True, slots=True)
class Stats:
    """Counts of one library. ``by_year_and_top`` maps each year (ascending, ``NO_YEAR``
    last) to the works of each top-level category (slug, in list order)."""

    works: int
    by_category: tuple[Category, ...]
    by_year: tuple[tuple[int | str, int], ...]
    by_venue: tuple[tuple[str, int], ...]
    tops: tuple[Category, ...]
    by_year_and_top: tuple[tuple[int | str, tuple[tuple[str, int], ...]], ...]

    def __repr__(self) -> str:
        years = [y for y, _n in self.by_year if isinstance(y, int)]
        span = f", {min(years)}-{max(years)}" if years else ""
        return f"<Stats: {self.works} works, {len(self.by_category)} categories{span}>"

    def __str__(self) -> str:  # print(library.stats()) prints the tables
        return self.table()

    def table(self) -> str:
        """The counts as plain-text tables (categories as a tree, years, venues).

        >>> import llm4anno_bib
        >>> print(llm4anno_bib.load().stats().table().splitlines()[0])
        Works: 76
        """
        lines = [f"Works: {self.works}"]
        if self.by_category:  # (a .bib of your own has none: no empty table)
            lines += ["", "By category (sub-sections included):"]
        width = max((2 * c.depth + len(c.heading) for c in self.by_category), default=0)
        for category in self.by_category:
            label = "  " * category.depth + category.heading
            lines.append(f"  {label.ljust(width)}  {category.count:>4}")
        lines += ["", "By year:"]
        lines += [f"  {str(year):<6}{count:>4}" for year, count in self.by_year]
        lines += ["", "By venue:"]
        venue_width = max((len(v) for v, _c in self.by_venue), default=0)
        lines += [f"  {venue.ljust(venue_width)}  {count:>4}" for venue, count in self.by_venue]
        return "\n".join(lines) + "\n"

    def _repr_html_(self) -> str:
        from llm4anno_bib.notebook import stats_html

        return stats_html(self)

    def to_dataframe(self) -> pandas.DataFrame:
        """The counts in long form (``dimension``, ``name``, ``works``); needs pandas."""
        from llm4anno_bib.notebook import stats_frame

        return stats_frame(self)


def library_stats(library: Library) -> Stats:
    """The counts of ``library`` (``Library.stats()``)."""
    categories = library.categories()
    tops = tuple(c for c in categories if c.depth == 0)
    top_of = _top_of_each_work(library, categories)
    library = library.as_read()  # a paper's year and venue may be its crossref parent's
    years = Counter(_year(e) for e in library)
    venues = Counter(venue_label(e) or "(no venue)" for e in library)
    per_year: dict[int | str, Counter[str]] = {}
    for entry in library:
        per_year.setdefault(_year(entry), Counter())[top_of.get(entry.key, "")] += 1
    ordered_years = sorted(years, key=_year_order)
    return Stats(
        works=len(library),
        by_category=categories,
        by_year=tuple((y, years[y]) for y in ordered_years),
        by_venue=tuple(sorted(venues.items(), key=lambda item: (-item[1], item[0].lower()))),
        tops=tops,
        by_year_and_top=tuple(
            (y, tuple((t.slug, per_year[y][t.slug]) for t in tops if per_year[y][t.slug])
             + ((("", per_year[y][""]),) if per_year[y][""] else ()))
            for y in ordered_years),
    )


def _year(entry: Entry) -> int | str:
    return entry.year if entry.year is not None else NO_YEAR


def _year_order(year: int | str) -> tuple[int, int]:
    return (1, 0) if isinstance(year, str) else (0, year)


def _top_of_each_work(library: Library, categories: tuple[Category, ...]) -> dict[str, str]:
    """Each work's first top-level section in list order (its own or a sub-section's)."""
    top_of_slug: dict[str, str] = {}
    for category in categories:
        top_of_slug[category.slug] = top_of_slug.get(category.parent, category.slug) \
            if category.parent else category.slug
    found: dict[str, str] = {}
    for category in categories:  # list order: the first section a work appears in wins
        for key in category.keys:
            found.setdefault(key, top_of_slug[category.slug])
    for entry in library:  # a work known only by its keywords
        for slug in entry.categories:
            if slug in top_of_slug:
                found.setdefault(entry.key, top_of_slug[slug])
    return found
