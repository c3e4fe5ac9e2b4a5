"""What the model's output methods do, each done by the floor that knows how.

``model`` is the bottom floor: it imports nothing that writes, renders or formats. Its
output methods (``Entry.bibtex``, ``Library.export``, ``Library.save``, the notebook views)
ask the ``Outputs`` that ``llm4anno_bib/__init__`` installs when the package is imported.
Each method here imports the module that does the job when it is first asked, which keeps
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

__all__ = ["Outputs"]


class Outputs:
    """The output methods' implementations (see ``model.OutputProvider``)."""

    def entry_bibtex(self, entry: Entry) -> str:
        from llm4anno_bib.bibfile import format_entry

        return format_entry(entry)

    def entry_html(self, entry: Entry) -> str:
        from llm4anno_bib.notebook import entry_html

        return entry_html(entry)

    def entries_html(self, entries: Sequence[Entry], caption: str) -> str:
        from llm4anno_bib.notebook import entries_html

        return entries_html(entries, caption)

    def frame(self, entries: Sequence[Entry]) -> pandas.DataFrame:
        from llm4anno_bib.notebook import library_frame

        return library_frame(entries)

    def references(self, library: Library, style: str, backend: str) -> dict[str, str]:
        from llm4anno_bib.exports.references import reference_lines

        return reference_lines(library, style, backend)

    def render(self, library: Library, format: str, style: str | None = None,
               backend: str | None = None, title: str | None = None) -> str:
        from llm4anno_bib.exports import render

        return render(library, format, style, backend, title=title)

    def stats(self, library: Library) -> Stats:
        from llm4anno_bib.stats import library_stats

        return library_stats(library)

    def save(self, library: Library, path: str | os.PathLike[str]) -> None:
        from llm4anno_bib.bibfile import write_library
        from llm4anno_bib.checking import ensure_inert

        before = library.source.entries if library.source is not None else {}
        ensure_inert(((entry, before.get(entry.key)) for entry in library), str(path))
        write_library(library, path)
