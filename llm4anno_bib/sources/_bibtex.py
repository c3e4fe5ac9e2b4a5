"""Turning a source's BibTeX answer into ``BibRecord``s (shared by the ACL and DBLP clients)."""

from __future__ import annotations

import re

from pybtex.bibtex.utils import split_name_list

from llm4anno_bib._text import collapse_spaces, latex_to_text, safe_latex
from llm4anno_bib.bibfile import parse_bibtex
from llm4anno_bib.sources.records import BibRecord


# identifiers and links: kept as they are (they are not typeset as text)
_VERBATIM = frozenset({"url", "doi", "eprint", "biburl", "bibsource", "timestamp", "isbn",
                       "issn", "ee"})


def parse_records(text: str, source: str, ident_of, origin: str) -> list[BibRecord]:
    """Parse BibTeX ``text`` from ``origin`` (a URL) into records; ``ident_of(key, fields)``
    gives each record's source id. Text fields are made harmless (``safe_latex``): a source
    is not trusted to send LaTeX that only typesets. Raises ``BibSyntaxError`` naming
    ``origin``."""
    library = parse_bibtex(text, origin)
    records = []
    for entry in library.entries:
        fields = {f.key.lower(): collapse_spaces(str(f.value)) if f.key.lower() in _VERBATIM
                  else safe_latex(collapse_spaces(str(f.value))) for f in entry.fields}
        year = re.search(r"\d{4}", fields.get("year", ""))
        records.append(BibRecord(
            source=source,
            ident=ident_of(entry.key, fields),
            key=entry.key,
            entry_type=entry.entry_type.lower(),
            title=latex_to_text(fields.get("title", "")),
            authors=tuple(collapse_spaces(a) for a in split_name_list(fields.get("author", "")))
            if fields.get("author") else (),
            year=int(year.group(0)) if year else None,
            fields=fields,
        ))
    return records
