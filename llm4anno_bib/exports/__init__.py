"""Export formats: one module per format, each a function ``Library -> str``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llm4anno_bib.errors import Llm4AnnoBibError

if TYPE_CHECKING:
    from llm4anno_bib.model import Library

FORMATS = ("bibtex",)


class UnknownFormat(Llm4AnnoBibError):
    """An export format this version does not have."""


def render(library: Library, format: str) -> str:
    """Render ``library`` in ``format`` (one of ``FORMATS``)."""
    if format == "bibtex":
        return library.to_bibtex()
    raise UnknownFormat(f"unknown export format '{format}'; choose one of: {', '.join(FORMATS)}.")
