"""The compact HTML table notebooks show for a ``Library`` or an ``Entry``."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from llm4anno_bib.ids import web_url
from llm4anno_bib.model import Entry, venue_acronym

_ROWS_SHOWN = 200


def _link(url: str | None, text: str) -> str:
    """A link only to an http(s) address: a user's file may hold ``javascript:`` ones."""
    address = web_url(url)
    if address is None:
        return escape(text)
    return f'<a href="{escape(address, quote=True)}">{escape(text)}</a>'


def entries_table(entries: Iterable[Entry]) -> str:
    """A table: key, year, venue, title (linked to its URL), pdf/code links. Every text is
    escaped; more than 200 rows are cut with a note."""
    entries = list(entries)
    rows = []
    for entry in entries[:_ROWS_SHOWN]:
        links = [_link(entry.fields.get("pdf"), "pdf")] if entry.fields.get("pdf") else []
        links += [_link(url, "code") for url in entry.fields.get("code", "").split()]
        rows.append(
            "<tr>"
            f"<td><code>{escape(entry.key)}</code></td><td>{entry.year or ''}</td>"
            f"<td>{escape(venue_acronym(entry) or entry.venue or '')}</td>"
            f"<td>{_link(entry.url, entry.title)}</td><td>{' '.join(links)}</td>"
            "</tr>")
    more = (f"<p>{len(entries) - _ROWS_SHOWN} more entries not shown.</p>"
            if len(entries) > _ROWS_SHOWN else "")
    return ("<table><thead><tr><th>key</th><th>year</th><th>venue</th><th>title</th>"
            "<th>links</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>" + more)
