"""Turning a source's BibTeX answer into ``BibRecord``s (shared by the ACL and DBLP clients)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping


from llm4anno_bib._text import collapse_spaces, latex_to_text
from llm4anno_bib.bibfile import parse_entries
from llm4anno_bib.errors import BibWarning, SourceWarning
from llm4anno_bib.inert import inert_fields, strip_controls
from llm4anno_bib.names import split_names
from llm4anno_bib.sources.records import BibRecord


def parse_records(text: str, source: str,
                  ident_of: Callable[[str, Mapping[str, str]], str | None],
                  origin: str) -> list[BibRecord]:
    """Parse BibTeX ``text`` from ``origin`` (a URL) into records; ``ident_of(key, fields)``
    gives each record's source id, or ``None`` when it has no valid one (the record is then
    left out, with a ``SourceWarning``). Every field is made inert (``inert.inert_fields``):
    identifiers off their grammar are left out, with a warning; text is rebuilt from the
    allowlist. Raises ``BibSyntaxError`` naming ``origin``."""
    with warnings.catch_warnings():  # how a source writes its BibTeX is not the user's
        warnings.simplefilter("ignore", BibWarning)
        parsed = parse_entries(text, origin)
    records = []
    for entry in parsed.entries:
        fields, refused = inert_fields(
            {name: collapse_spaces(value) for name, value in entry.fields.items()})
        ident = ident_of(entry.key, fields)
        if ident is None:
            warnings.warn(SourceWarning(f"the record '{strip_controls(entry.key)[:120]}' has no "
                                        "valid id; it was left out.", origin), stacklevel=3)
            continue
        for field in refused:
            warnings.warn(SourceWarning(f"{ident}: the {field.field} '{field.value}' is "
                                        f"{field.reason}; left out.", origin), stacklevel=3)
        year = re.search(r"\d{4}", fields.get("year", ""))
        records.append(BibRecord(
            source=source,
            ident=ident,
            key=entry.key,
            entry_type=entry.entry_type.lower() if re.fullmatch(r"[A-Za-z]{1,30}",
                                                                entry.entry_type) else "misc",
            title=latex_to_text(fields.get("title", "")),
            authors=split_names(fields.get("author", ""))
            if fields.get("author") else (),
            year=int(year.group(0)) if year else None,
            fields=fields,
        ))
    return records
