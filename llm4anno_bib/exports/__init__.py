"""Export formats: one module per format, each a function ``Library -> str``.

``bibtex`` (library.bib's own entries), ``biblatex``, ``csl-json``, ``markdown`` (the list's
line per work), ``refs`` (formatted references: ``style`` and ``backend``), ``html`` (a
self-contained page: ``html_page``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from llm4anno_bib.errors import Llm4AnnoBibError, UnknownFormat, UnknownStyle

if TYPE_CHECKING:
    from llm4anno_bib.model import Library

_URL_MACRO = re.compile(r"^\\url\{(.*)\}$")


def project_url(fields) -> str | None:
    """The URL of ``howpublished = {\\url{...}}``: how a project's own citation (a GitHub
    repository) says where it is; ``None`` for any other entry."""
    match = _URL_MACRO.match(fields.get("howpublished", ""))
    return match.group(1) if match else None


FORMATS = ("bibtex", "biblatex", "csl-json", "markdown", "refs", "html")


def render(library: Library, format: str = "bibtex", style: str | None = None,
           backend: str | None = None) -> str:
    """Render ``library`` in ``format`` (one of ``FORMATS``, any case); ``style`` and
    ``backend`` are for ``refs`` only. Raises ``UnknownFormat`` or ``UnknownStyle`` (also
    for a style or backend given to another format: it would be ignored)."""
    format = choose(format, FORMATS, "export format", UnknownFormat)
    if format != "refs" and (style is not None or backend is not None):
        raise UnknownStyle(f"a style and a backend are for references (format refs), not "
                           f"{format}; leave them out, or export refs.")
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

        return render_references(library, style or "plain", backend or "text")
    raise AssertionError(f"format '{format}' is in FORMATS but not rendered")


def choose(value: str, choices: tuple[str, ...], what: str,
           error: type[Llm4AnnoBibError] = UnknownFormat) -> str:
    """``value`` as one of ``choices`` (any case, blanks around it ignored); ``error``
    naming them otherwise. The one check of every ``--format``, ``--style`` and ``--backend``.

    >>> choose(" BibTeX ", FORMATS, "export format")
    'bibtex'
    """
    chosen = value.strip().lower() if isinstance(value, str) else value
    if chosen not in choices:
        raise error(f"unknown {what} '{value}'; choose one of: {', '.join(choices)}.")
    return chosen
