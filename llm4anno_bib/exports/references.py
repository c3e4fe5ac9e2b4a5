"""Formatted references through pybtex's styles and backends.

Styles: ``plain``, ``unsrt``, ``alpha``, ``unsrtalpha`` (pybtex's versions of the classic
BibTeX styles); backends: ``text``, ``markdown``, ``html``, ``latex``. The library's own fields
(links, ids) are ignored by the styles; ``\\url{...}`` becomes the bare URL outside LaTeX.
"""

from __future__ import annotations

import io
import re

from llm4anno_bib.errors import Llm4AnnoBibError
from llm4anno_bib.model import Library

STYLES = ("plain", "unsrt", "alpha", "unsrtalpha")
BACKENDS = ("text", "markdown", "html", "latex")
_URL_MACRO = re.compile(r"\\url\{([^}]*)\}")


class UnknownStyle(Llm4AnnoBibError):
    """A reference style or backend pybtex does not have."""


def _formatted(library: Library, style: str, backend: str):
    from pybtex.database import parse_string
    from pybtex.plugin import find_plugin

    if style not in STYLES:
        raise UnknownStyle(f"unknown style '{style}'; choose one of: {', '.join(STYLES)}.")
    if backend not in BACKENDS:
        raise UnknownStyle(f"unknown backend '{backend}'; choose one of: {', '.join(BACKENDS)}.")
    text = library.to_bibtex()
    if backend != "latex":
        text = _URL_MACRO.sub(r"\1", text)
    data = parse_string(text, "bibtex")
    formatted = find_plugin("pybtex.style.formatting", style)().format_bibliography(data)
    return formatted, find_plugin("pybtex.backends", backend)()


def render_references(library: Library, style: str = "plain", backend: str = "text") -> str:
    """The whole bibliography in ``style``, written by ``backend`` (a full HTML list, a
    ``thebibliography`` environment, ...)."""
    formatted, writer = _formatted(library, style, backend)
    stream = io.StringIO()
    writer.write_to_stream(formatted, stream)
    return stream.getvalue()


def reference_lines(library: Library, style: str = "plain", backend: str = "text") -> dict[str, str]:
    """Each entry's formatted reference by key, without the bibliography around it."""
    formatted, writer = _formatted(library, style, backend)
    return {entry.key: entry.text.render(writer) for entry in formatted.entries}
