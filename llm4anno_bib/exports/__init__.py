"""Export formats: one module per format, each a function ``Library -> str``.

``bibtex`` (library.bib's own entries), ``biblatex``, ``csl-json``, ``markdown`` (the list's
line per work), ``refs`` (formatted references: ``style`` and ``backend``), ``html`` (a
self-contained page: ``html_page``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from llm4anno_bib.errors import Llm4AnnoBibError

if TYPE_CHECKING:
    from llm4anno_bib.model import Library

_URL_MACRO = re.compile(r"^\\url\{(.*)\}$")


def project_url(fields) -> str | None:
    """The URL of ``howpublished = {\\url{...}}``: how a project's own citation (a GitHub
    repository) says where it is; ``None`` for any other entry."""
    match = _URL_MACRO.match(fields.get("howpublished", ""))
    return match.group(1) if match else None


FORMATS = ("bibtex", "biblatex", "csl-json", "markdown", "refs", "html")


class UnknownFormat(Llm4AnnoBibError):
    """An export format this version does not have."""


def render(library: Library, format: str = "bibtex", style: str = "plain",
           backend: str = "text") -> str:
    """Render ``library`` in ``format`` (one of ``FORMATS``); ``style`` and ``backend`` are
    for ``refs``. Raises ``UnknownFormat`` or ``UnknownStyle``."""
    if format == "bibtex":
        return library.to_bibtex()
    if format == "biblatex":
        from llm4anno_bib.exports.biblatex import render_biblatex

        return render_biblatex(library)
    if format == "csl-json":
        from llm4anno_bib.exports.csljson import render_csljson

        return render_csljson(library)
    if format == "markdown":
        from llm4anno_bib.listmd import item_line

        return "".join(item_line(e) + "\n" for e in library)
    if format == "html":
        return library.to_html()
    if format == "refs":
        from llm4anno_bib.exports.references import render_references

        return render_references(library, style, backend)
    raise UnknownFormat(f"unknown export format '{format}'; choose one of: {', '.join(FORMATS)}.")
