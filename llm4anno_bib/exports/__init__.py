"""Export formats: one registry, one module per format, each a function of a ``Library``.

``bibtex`` (library.bib's own entries), ``biblatex``, ``csl-json``, ``markdown`` (the list's
line per work), ``refs`` (formatted references: ``style`` and ``backend``), ``html`` (a
self-contained page: ``html_page``, with its ``title``). A format's module is imported when
the format is first asked for. No renderer calls back into ``Library``'s output methods:
``Library.export`` and ``to_bibtex``/``to_html`` all come here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from llm4anno_bib.errors import UnknownFormat, UnknownStyle, choose

if TYPE_CHECKING:
    from llm4anno_bib.model import Library

__all__ = ["FORMATS", "Format", "render", "with_venues"]


@dataclass(frozen=True)
class Format:
    """An export format: its renderer (``module:function``) and the options it takes of
    ``style``, ``backend``, ``title`` and ``texts`` (entries' canonical BibTeX made
    before, by key)."""

    name: str
    renderer: str
    options: tuple[str, ...] = ()
    # a format with no crossref of its own (CSL-JSON, formatted references: pybtex's styles
    # read none): each paper is given what its crossref parent gives it, as BibTeX and
    # Biber read it (``model.with_inherited``); the .bib formats keep the crossref
    inherits: bool = True

    def load(self) -> Callable[..., str]:
        module, _, function = self.renderer.partition(":")
        found: Callable[..., str] = getattr(importlib.import_module(module), function)
        return found


REGISTRY = {f.name: f for f in (
    Format("bibtex", "llm4anno_bib.exports.bibtex:render_bibtex", ("texts",), inherits=False),
    Format("biblatex", "llm4anno_bib.exports.biblatex:render_biblatex", inherits=False),
    Format("csl-json", "llm4anno_bib.exports.csljson:render_csljson"),
    Format("markdown", "llm4anno_bib.exports.markdown:render_markdown"),
    Format("refs", "llm4anno_bib.exports.references:render_references", ("style", "backend")),
    Format("html", "llm4anno_bib.exports.html_page:render_page", ("title", "texts")),
)}
FORMATS = tuple(REGISTRY)


def render(library: Library, format: str = "bibtex", style: str | None = None,
           backend: str | None = None, *, title: str | None = None,
           texts: Mapping[str, str] | None = None) -> str:
    """Render ``library`` in ``format`` (one of ``FORMATS``, any case); ``style`` and
    ``backend`` are for ``refs`` only, ``title`` for ``html``; ``texts`` (the canonical
    BibTeX of entries, by key, made before) is used by the formats that show it. Raises
    ``UnknownFormat`` or ``UnknownStyle`` (also for a style or backend given to another
    format: it would be ignored)."""
    chosen = REGISTRY[choose(format, FORMATS, "export format", UnknownFormat)]
    given = {"style": style, "backend": backend, "title": title}
    if chosen.name != "refs" and (style is not None or backend is not None):
        raise UnknownStyle(f"a style and a backend are for references (format refs), not "
                           f"{chosen.name}; leave them out, or export refs.")
    options: dict[str, object] = {name: value for name, value in given.items()
                                  if value is not None}
    if "style" in chosen.options:
        options = {"style": "plain", "backend": "text"} | options
    if texts and "texts" in chosen.options:
        options["texts"] = texts
    unused = sorted(set(options) - set(chosen.options))
    if unused:
        raise UnknownFormat(f"{', '.join(unused)} is not an option of the {chosen.name} "
                            "format; leave it out.")
    if chosen.inherits and any("crossref" in entry.fields for entry in library):
        from llm4anno_bib.model import with_inherited

        library = library.with_entries(with_inherited(list(library)))
    return chosen.load()(library, **options)


def with_venues(library: Library, style: str) -> Library:
    """``library`` with each known conference and journal (``booktitle``, ``journal``)
    written in ``style``: ``short`` (ICML, JMLR), ``full`` (International Conference on
    Machine Learning) or ``iso4`` (J. Mach. Learn. Res.; a conference by its full name).
    Unknown venues, Findings, workshops, preprints and series stay as they are. Raises
    ``UnknownStyle`` for another style.

    >>> import llm4anno_bib
    >>> cot = llm4anno_bib.load().filter(keys="wei2022chain")
    >>> with_venues(cot, "short")["wei2022chain"].fields["booktitle"]
    'NeurIPS'
    """
    from llm4anno_bib._text import text_to_latex
    from llm4anno_bib.venues import VENUE_STYLES, venue_of

    style = choose(style, VENUE_STYLES, "venue style", UnknownStyle)
    changed = []
    for entry in library:
        written = {}
        for name in ("booktitle", "journal", "journaltitle"):  # biblatex's journal too
            value = entry.fields.get(name)
            venue = venue_of(value) if value else None
            if venue is not None and venue.kind in ("conference", "journal"):
                written[name] = text_to_latex(venue.written(style))
        changed.append(entry.replace(**written) if written else entry)
    return library.with_entries(changed)
