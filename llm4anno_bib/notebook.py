"""What a notebook shows: HTML tables and pandas frames of libraries, entries, counts and
verify and cite results. Every text is escaped; links go only to http(s) addresses (a user's
file may hold ``javascript:`` ones). pandas is optional (the ``notebook`` extra)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from llm4anno_bib.errors import Llm4AnnoBibError
from llm4anno_bib.ids import web_url
from llm4anno_bib.model import Entry, venue_acronym

if TYPE_CHECKING:
    import pandas

    from llm4anno_bib.auxfile import CiteResult
    from llm4anno_bib.stats import Stats
    from llm4anno_bib.verifying import VerifyReport

__all__ = ["cite_html", "entries_html", "entry_html", "library_frame", "stats_frame",
           "stats_html", "verify_frame", "verify_html"]

ROWS_SHOWN = 200
AUTHORS_SHOWN = 3
ENTRY_COLUMNS = ["key", "type", "title", "authors", "year", "venue", "venue_acronym",
                 "categories", "arxiv_id", "doi", "url", "pdf", "code"]


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:
        raise Llm4AnnoBibError("to_dataframe() needs pandas: pip install "
                               "'llm4anno-bib[notebook]' (or pip install pandas).") from exc
    return pandas


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pandas.DataFrame:
    return _pandas().DataFrame(rows, columns=columns)


def library_frame(entries: Iterable[Entry]) -> pandas.DataFrame:
    """One row an entry (``ENTRY_COLUMNS``), indexed by key: ``frame.loc["wei2022chain"]``;
    the index has no name, so ``reset_index()`` adds an ``index`` column beside ``key``."""
    frame = _frame([{
        "key": e.key, "type": e.entry_type, "title": e.title, "authors": list(e.authors),
        "year": e.year, "venue": e.venue, "venue_acronym": venue_acronym(e) or None,
        "categories": list(e.categories), "arxiv_id": e.arxiv_id, "doi": e.doi,
        "url": e.url, "pdf": e.fields.get("pdf"), "code": e.fields.get("code"),
    } for e in entries], ENTRY_COLUMNS)
    frame["year"] = frame["year"].astype("Int64")
    frame.index = list(frame["key"])
    return frame


def _link(url: str | None, text: str) -> str:
    address = web_url(url)
    if address is None:
        return escape(text)
    return f'<a href="{escape(address, quote=True)}">{escape(text)}</a>'


def _authors(entry: Entry) -> str:
    shown = list(entry.authors[:AUTHORS_SHOWN])
    more = " et al." if len(entry.authors) > AUTHORS_SHOWN else ""
    return escape(", ".join(shown)) + more


def _row(entry: Entry) -> str:
    links = [_link(entry.fields.get("pdf"), "pdf")] if entry.fields.get("pdf") else []
    links += [_link(url, "code") for url in entry.fields.get("code", "").split()]
    return ("<tr>"
            f"<td><code>{escape(entry.key)}</code></td><td>{entry.year or ''}</td>"
            f"<td>{escape(venue_acronym(entry) or entry.venue or '')}</td>"
            f"<td>{_link(entry.url, entry.title)}</td><td>{_authors(entry)}</td>"
            f"<td>{escape(', '.join(entry.categories))}</td><td>{' '.join(links)}</td>"
            "</tr>")


def entries_html(entries: Sequence[Entry], caption: str = "") -> str:
    """A table: key, year, venue, title (linked), authors, categories, links; more than
    ``ROWS_SHOWN`` rows are cut with a note, none gives a note."""
    head = f"<p>{escape(caption)}</p>" if caption else ""
    if not entries:
        return head + "<p>No entries.</p>"
    more = (f"<p>{len(entries) - ROWS_SHOWN} more entries not shown.</p>"
            if len(entries) > ROWS_SHOWN else "")
    return (head + "<table><thead><tr><th>key</th><th>year</th><th>venue</th><th>title</th>"
            "<th>authors</th><th>categories</th><th>links</th></tr></thead><tbody>"
            + "".join(_row(e) for e in entries[:ROWS_SHOWN]) + "</tbody></table>" + more)


def entry_html(entry: Entry) -> str:
    """One entry's row, then its BibTeX."""
    return (entries_html([entry]) + "<details><summary>BibTeX</summary><pre>"
            + escape(entry.bibtex) + "</pre></details>")


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    cells = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>"
                    for row in rows)
    return ("<table><thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in header)
            + "</tr></thead><tbody>" + cells + "</tbody></table>")


def stats_html(stats: Stats) -> str:
    """The counts as three tables: categories (indented by level), years, venues."""
    return (f"<p>{stats.works} work{'s' if stats.works != 1 else ''}</p>"
            + _table(["category", "works"],
                     [("\u2003" * c.depth + c.heading, c.count) for c in stats.by_category])
            + _table(["year", "works"], stats.by_year)
            + _table(["venue", "works"], stats.by_venue))


def stats_frame(stats: Stats) -> pandas.DataFrame:
    """The counts in long form: one row a (``dimension``, ``name``, ``works``), the
    dimensions being ``category`` (with its ``depth``), ``year`` and ``venue``."""
    rows = [{"dimension": "category", "name": c.heading, "slug": c.slug, "depth": c.depth,
             "works": c.count} for c in stats.by_category]
    rows += [{"dimension": "year", "name": str(y), "works": n} for y, n in stats.by_year]
    rows += [{"dimension": "venue", "name": v, "works": n} for v, n in stats.by_venue]
    return _frame(rows, ["dimension", "name", "slug", "depth", "works"])


def verify_frame(report: VerifyReport) -> pandas.DataFrame:
    """One row a finding (an entry that agrees or was not checked: one row, no field)."""
    rows = []
    for entry in report.entries:
        base = {"key": entry.key, "line": entry.line, "status": entry.status,
                "matched": entry.matched, "matched_by": entry.matched_by}
        findings = entry.findings or (None,)
        rows += [base | ({"field": f.field, "theirs": f.theirs, "ours": f.ours,
                          "message": f.message} if f else {}) for f in findings]
    return _frame(rows, ["key", "line", "status", "matched", "matched_by", "field", "theirs",
                         "ours", "message"])


def verify_html(report: VerifyReport) -> str:
    """A summary line, then one row a finding."""
    counts = {s: sum(1 for e in report.entries if e.status == s)
              for s in ("agrees", "disagrees", "not-checked")}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items())
    rows = [(e.key, e.line, e.status, e.matched or "", f.field if f else "",
             f.message if f else "") for e in report.entries for f in (e.findings or (None,))]
    return (f"<p>{escape(report.path)}: {len(report.entries)} entries ({summary})</p>"
            + _table(["key", "line", "status", "matched", "field", "finding"], rows))


def cite_html(result: CiteResult) -> str:
    """The cited entries, then the keys the library does not have, with the closest."""
    missing = "".join(f"<li><code>{escape(key)}</code>"
                      + (f": closest {escape(', '.join(near))}" if near else "") + "</li>"
                      for key, near in result.missing.items())
    return (entries_html(list(result.library), f"{len(result.library)} cited")
            + (f"<p>Not in the library:</p><ul>{missing}</ul>" if missing else ""))
