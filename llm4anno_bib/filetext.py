"""A library file as it was read: its text in segments and its library blocks' names.

The light half of ``bibfile`` (which parses and writes with bibtexparser): what the parsed
library cache (``_libcache``) needs to rebuild a library without importing the parser, and
what ``Library`` carries of the file it was read from, so that ``save`` writes unchanged
entries back byte for byte.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llm4anno_bib.model import Entry, Library

__all__ = ["BLOCK_CORRECTIONS", "BLOCK_INTRO", "BLOCK_META", "BLOCK_TREE", "LIBRARY_BLOCKS",
           "SourceText", "block_values"]

# The library's own blocks in library.bib (see bibfile): @comment{<name> ...}
BLOCK_META = "llm4anno-bib:meta"
BLOCK_TREE = "llm4anno-bib:categories"
BLOCK_CORRECTIONS = "llm4anno-bib:corrections"
BLOCK_INTRO = "llm4anno-bib:list-intro"
LIBRARY_BLOCKS = (BLOCK_META, BLOCK_TREE, BLOCK_CORRECTIONS, BLOCK_INTRO)


@dataclass(frozen=True)
class SourceText:
    """A file as it was read: its text cut into segments (each entry's or library block's
    exact text, and everything between them), so that writing back an unchanged library
    gives the same bytes, and a changed entry replaces only its own text."""

    segments: tuple[tuple[str, str | None, str | None], ...]  # (text, entry key, block name)
    entries: Mapping[str, Entry]
    blocks: Mapping[str, object]
    newline: str
    digest: str | None = None  # of the file's bytes: the key of what the cache keeps of it
    repeated: tuple[tuple[str, int, int], ...] = ()  # keys used again: (key, first, line)
    encoding: str = "utf-8"  # what the file's bytes were read in, and are written back in


def block_values(library: Library) -> dict[str, object]:
    """What each library block holds, to tell whether a block changed since it was read."""
    return {BLOCK_META: library.survey_key, BLOCK_TREE: tuple(library.tree),
            BLOCK_CORRECTIONS: tuple(library.corrections()), BLOCK_INTRO: library.intro}
