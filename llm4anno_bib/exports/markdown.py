"""Markdown export: the list's own line per work (``listmd.item_line``)."""

from __future__ import annotations

from llm4anno_bib.listmd import item_line
from llm4anno_bib.model import Library

__all__ = ["render_markdown"]


def render_markdown(library: Library) -> str:
    """One list line per entry, in library order."""
    return "".join(item_line(e) + "\n" for e in library)
