"""What the model's output methods do, each done by the floor that knows how.

``model`` is the bottom floor: it imports nothing that writes, renders or formats. Its
output methods (``Entry.bibtex``, ``Library.export``, ``Library.save``, the notebook views)
call these functions: an upward edge, taken when such a method is called, that
``scripts/import_graph.py`` draws apart (``UPWARD``) and the architecture test holds. Each
function imports the module that does the job when it is first asked, which keeps
``import llm4anno_bib`` (and every query command) fast.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas

    from llm4anno_bib.model import Entry, Library
    from llm4anno_bib.stats import Stats

__all__ = ["entries_html", "entry_bibtex", "entry_html", "frame", "references", "render",
           "save", "stats"]


def entry_bibtex(entry: Entry) -> str:
    """``Entry.bibtex``: the entry as ``library.bib`` writes it."""
    from llm4anno_bib.bibfile import format_entry

    return format_entry(entry)


def entry_html(entry: Entry) -> str:
    """``Entry._repr_html_``: a one-row table for notebooks."""
    from llm4anno_bib import notebook

    return notebook.entry_html(entry)


def entries_html(entries: Sequence[Entry], caption: str) -> str:
    """``Library._repr_html_``: the entries as a table for notebooks."""
    from llm4anno_bib import notebook

    return notebook.entries_html(entries, caption)


def frame(entries: Sequence[Entry]) -> pandas.DataFrame:
    """``Library.to_dataframe``."""
    from llm4anno_bib.notebook import library_frame

    return library_frame(entries)


def references(library: Library, style: str, backend: str) -> dict[str, str]:
    """``cite``: each entry's formatted reference, by key."""
    from llm4anno_bib.exports.references import reference_lines

    return reference_lines(library, style, backend)


def render(library: Library, format: str, style: str | None = None,
           backend: str | None = None, title: str | None = None,
           venues: str | None = None) -> str:
    """``Library.export`` (and ``to_bibtex``, ``to_html``, ``llm4anno_bib.export``): the
    registry's renderer, given the entry texts the cache keeps for the library's file;
    ``venues``: every known venue written one way (``exports.with_venues``)."""
    from llm4anno_bib import exports

    if venues is not None:  # before the kept texts are looked up: a rewritten entry has none
        library = exports.with_venues(library, venues)
    texts = kept_entry_texts(library) if format.lower() in ("bibtex", "html") else None
    return exports.render(library, format, style, backend, title=title, texts=texts)


def kept_entry_texts(library: Library) -> dict[str, str]:
    """The canonical BibTeX of the entries exactly as read from the library's file, by key:
    kept in the cache beside the parsed file, and made and kept now where it is not, so that
    the next export of the unchanged file needs neither bibtexparser nor the formatting."""
    source = library.source
    if source is None or source.digest is None:
        return {}
    as_read = library._keys_as_read()  # (a cached file's entries: none built to tell)
    if as_read is None:
        as_read = [e.key for e in library if source.entries.get(e.key) is e]
    if not as_read:
        return {}
    from llm4anno_bib import _libcache

    kept = _libcache.kept_texts(source.digest)
    missing = [source.entries[key] for key in as_read if key not in kept]
    if missing:
        from llm4anno_bib.exports.bibtex import entry_texts

        fresh = dict(zip((e.key for e in missing), entry_texts(missing)))
        if not kept:  # the first export of this file: what was just made is all there is
            _libcache.keep_texts(source.digest, fresh)
            return fresh
        kept |= fresh
        _libcache.keep_texts(source.digest, kept)  # (read once above, not again to add to)
    return {key: kept[key] for key in as_read}


def stats(library: Library) -> Stats:
    """``Library.stats``."""
    from llm4anno_bib.stats import library_stats

    return library_stats(library)


def save(library: Library, path: str | os.PathLike[str]) -> bool:
    """``Library.save``: what the write adds is checked inert, then the file is written
    (unless it holds that text already); whether it was written."""
    from llm4anno_bib.bibfile import write_library
    from llm4anno_bib.checking import ensure_inert

    before = library.source.entries if library.source is not None else {}
    ensure_inert(((entry, before.get(entry.key)) for entry in library), str(path))
    return write_library(library, path)
