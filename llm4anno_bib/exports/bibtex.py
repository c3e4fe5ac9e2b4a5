"""BibTeX export: each entry as ``library.bib`` writes it (``bibfile.format_entry``).

A pure function of the entries. The canonical texts already made for an unchanged file's
entries may be given (``texts``: ``outputs`` gives those the cache keeps), so that exporting
such a file needs neither bibtexparser nor the formatting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from llm4anno_bib.model import Entry, Library

__all__ = ["entry_texts", "render_bibtex"]


def entry_texts(entries: Sequence[Entry], texts: Mapping[str, str] | None = None) -> list[str]:
    """Each entry as canonical BibTeX: ``texts`` holds it, by key, for entries formatted
    before (entries exactly as read from a file); the others are formatted here."""
    known = texts or {}
    missing = [e for e in entries if e.key not in known]
    if not missing:
        return [known[e.key] for e in entries]
    from llm4anno_bib.bibfile import format_entry  # imports bibtexparser: only when needed

    made = {id(e): format_entry(e) for e in missing}
    return [made[id(e)] if id(e) in made else known[e.key] for e in entries]


def render_bibtex(library: Library, *, texts: Mapping[str, str] | None = None) -> str:
    """The entries as BibTeX text, in library order, without the library's own blocks."""
    if texts:  # every entry's text made already (an unchanged file): no entry is built
        keys = library.keys()
        if all(key in texts for key in keys):
            return "\n".join(texts[key] for key in keys)
    return "\n".join(entry_texts(list(library), texts))
