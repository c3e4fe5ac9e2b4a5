"""Turning a source's BibTeX answer into ``BibRecord``s (shared by the ACL and DBLP clients)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping


from llm4anno_bib._text import collapse_spaces, latex_to_text
from llm4anno_bib.bibfile import parse_bibtex, parse_entries
from llm4anno_bib.errors import BibSyntaxError, BibWarning, SourceWarning
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
    records = []
    for key, entry_type, raw in _blocks(text, origin):
        fields, refused = inert_fields(
            {name: collapse_spaces(value) for name, value in raw.items()})
        ident = ident_of(key, fields)
        if ident is None:
            warnings.warn(SourceWarning(f"the record '{strip_controls(key)[:120]}' has no "
                                        "valid id; it was left out.", origin), stacklevel=3)
            continue
        for field in refused:
            warnings.warn(SourceWarning(f"{ident}: the {field.field} '{field.value}' is "
                                        f"{field.reason}; left out.", origin), stacklevel=3)
        year = re.search(r"\d{4}", fields.get("year", ""))
        records.append(BibRecord(
            source=source,
            ident=ident,
            key=key,
            entry_type=entry_type.lower() if re.fullmatch(r"[A-Za-z]{1,30}", entry_type)
            else "misc",
            title=latex_to_text(fields.get("title", "")),
            authors=split_names(fields.get("author", ""))
            if fields.get("author") else (),
            year=int(year.group(0)) if year else None,
            fields=fields,
        ))
    return records


def _blocks(text: str, origin: str) -> list[tuple[str, str, dict[str, str]]]:
    """Each entry's key, type and fields (names lowercase, values without their enclosing
    braces): by the fast reader, else (a block it refuses, as a citation block's
    ``@article{,`` without a key) by bibtexparser as it reads it."""
    try:
        with warnings.catch_warnings():  # how a source writes its BibTeX is not the user's
            warnings.simplefilter("ignore", BibWarning)
            parsed = parse_entries(text, origin)
    except BibSyntaxError:
        return [(entry.key, entry.entry_type, {f.key.lower(): str(f.value) for f in entry.fields})
                for entry in parse_bibtex(text, origin).entries]
    return [(entry.key, entry.entry_type, dict(entry.fields)) for entry in parsed.entries]
