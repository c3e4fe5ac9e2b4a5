"""BibTeX export: each entry as ``library.bib`` writes it (``bibfile.format_entry``).

The canonical text of an entry exactly as read from a file can be kept in the cache under
the file's digest (``keep=True``, what the CLI's ``export`` asks): the next export of the
unchanged file then needs neither bibtexparser nor the formatting. Rendering alone never
writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from llm4anno_bib import _libcache
from llm4anno_bib.model import Entry, Library

if TYPE_CHECKING:
    from llm4anno_bib.filetext import SourceText

__all__ = ["entry_texts", "render_bibtex"]


def entry_texts(entries: Sequence[Entry], source: SourceText | None, *,
                keep: bool = False) -> list[str]:
    """Each entry as canonical BibTeX, from the texts kept for its file where they are;
    ``keep`` keeps the ones made here for entries exactly as read."""
    digest = source.digest if source is not None else None

    def as_read(entry: Entry) -> bool:
        return source is not None and digest is not None and \
            source.entries.get(entry.key) is entry

    kept = _libcache.kept_texts(digest) if digest is not None and any(
        as_read(e) for e in entries) else {}
    missing = [e for e in entries if e.key not in kept or not as_read(e)]
    if not missing:
        return [kept[e.key] for e in entries]
    from llm4anno_bib.bibfile import format_entry  # imports bibtexparser: only when needed

    made = {id(e): format_entry(e) for e in missing}
    if keep and digest is not None:
        fresh = {e.key: made[id(e)] for e in missing if as_read(e)}
        if fresh:
            _libcache.keep_texts(digest, fresh)
    return [made[id(e)] if id(e) in made else kept[e.key] for e in entries]


def render_bibtex(library: Library, *, keep: bool = False) -> str:
    """The entries as BibTeX text, in library order, without the library's own blocks."""
    return "\n".join(entry_texts(list(library), library.source, keep=keep))
