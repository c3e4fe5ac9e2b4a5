"""Turning a paper list README into a library: the build, for any list of the seed's shape.

``import_list`` reads the list, finds every item's work through the sources (the build's
rules: ``llm4anno_bib.build``) and returns the library. Nothing the sources do aborts it: an
item that no source holds, or whose source fails, is cited from the list's own title, year
and link with an ``unverified`` correction, and the result says how many and why.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from llm4anno_bib._text import shortened, strip_controls
from llm4anno_bib.build import build_library
from llm4anno_bib.errors import InvalidIdentifier, NotFound
from llm4anno_bib.ids import parse_arxiv_id
from llm4anno_bib.listmd import parse_list
from llm4anno_bib.model import Category, Entry, Library
from llm4anno_bib.sources import Sources
from llm4anno_bib.sources.records import BibRecord

__all__ = ["ImportResult", "import_list_text", "survey_of"]


@dataclass(frozen=True)
class ImportResult:
    """The imported library; the near misses and unresolved items to look at; how many
    entries are cited from the list's facts alone; whether a file was written."""

    library: Library
    near_misses: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = ()
    unverified: int = 0
    written: bool = False
    left_out: tuple[str, ...] = ()  # bullets that link no paper (a repository, a blog)
    no_longer_listed: tuple[str, ...] = ()  # keys of ``existing`` the list no longer has
    refused: tuple[str, ...] = ()  # links that are no web address, never written


def survey_of(citation_block: str | None, list_text: str = "") -> str | None:
    """The arXiv id of the list's own paper: from its citation block (``ListDocument.
    citation_block``: an ``eprint`` or an arXiv link in it), else from the arXiv link on a
    line of ``list_text`` that asks to cite ("please cite [our survey](...)"; items and
    headings are no such line), or ``None``.

    >>> survey_of("@article{x,\\n  eprint={2402.13446},\\n}")
    '2402.13446'
    >>> survey_of(None, "If this helps, please cite [our survey](https://arxiv.org/abs/2402.13446v2).")
    '2402.13446'
    """
    block = citation_block or ""
    found = re.search(r"eprint\s*=\s*[{\"]\s*([^}\"\s]+)", block, re.I)
    candidates = [found.group(1)] if found else []
    candidates += _ARXIV_LINK.findall(block)
    candidates += [link for line in list_text.splitlines() if _ASKS_TO_CITE.search(line)
                   and not _ITEM_OR_HEADING.match(line) for link in _ARXIV_LINK.findall(line)]
    return next((i for c in candidates if (i := parse_arxiv_id(c))), None)


_ARXIV_LINK = re.compile(r"arxiv\.org/(?:abs|pdf)/[^\s}\"()\]]++", re.I)
_ASKS_TO_CITE = re.compile(r"\bcit(?:e|ing|ation)\b", re.I)
# a paper named "CITE" in an item is not the list's own
_ITEM_OR_HEADING = re.compile(r"\s*(?:[-*+|#]|\d{1,4}[.)])")


def import_list_text(list_text: str, sources: Sources, *, curated: Sequence[BibRecord] = (),
                     existing: Library | None = None, survey: str | None = None,
                     progress: Callable[[int, int, str], None] | None = None) -> ImportResult:
    """The library of the list ``list_text`` (``existing``'s keys and corrections kept;
    ``survey`` the arXiv id of the list's own paper, default: from its citation block;
    ``progress(done, total, stage)`` follows each stage of the build).
    Raises ``NotFound`` when nothing in the text reads as a list item."""
    document = parse_list(list_text)
    if not document.items:
        raise NotFound("nothing in it reads as a list of papers (bullets or table rows that "
                       "link a paper, under '##' headings).")
    chosen = parse_arxiv_id(survey) if survey else survey_of(document.citation_block, list_text)
    if survey and chosen is None:
        raise InvalidIdentifier(f"the survey '{survey}' is not an arXiv id (2402.13446).")
    library, report = build_library(list_text, sources, curated, existing, progress=progress,
                                    survey_arxiv_id=chosen, document=document)
    left_out = tuple(f"line {line}: {title} ({url}): not a paper"
                     for line, title, url in document.left_out)
    refused = tuple(f"line {line}: refused the link '{shortened(strip_controls(url), 120)}': "
                    f"{why}"
                    for line, url, why in document.refused)
    library, gone = _keeping(library, existing)
    return ImportResult(library, tuple(report.near_misses), tuple(report.unresolved),
                        report.unverified, left_out=left_out, no_longer_listed=gone,
                        refused=refused)


def _keeping(library: Library, existing: Library | None) -> tuple[Library, tuple[str, ...]]:
    """``library`` with the entries of ``existing`` that the list no longer holds kept
    (an import never deletes: a maintainer decides), in their categories (a section the
    list dropped with them is kept too, after the list's own); and their keys. It is
    written over ``existing``'s file (its comments, ``@string``s and unchanged entries byte
    for byte, as ``add`` writes)."""
    if existing is None:
        return library, ()
    held = {entry.key for entry in library}
    gone = [entry for entry in existing if entry.key not in held]
    if not gone:
        return Library(list(library), library.tree, library.corrections(), library.survey_key,
                       existing.path, library.intro, source=existing.source), ()
    kept_corrections = [c for c in existing.corrections() if c.key in {e.key for e in gone}]
    return (Library([*library, *gone], _tree_keeping(library, existing, gone),
                    [*library.corrections(), *kept_corrections], library.survey_key,
                    existing.path, library.intro, source=existing.source),
            tuple(entry.key for entry in gone))


def _tree_keeping(library: Library, existing: Library, gone: list[Entry]) -> list[Category]:
    """``library``'s sections, then those of ``existing`` (and their parents) that only the
    ``gone`` entries are in, each holding its gone entries too."""
    tree = list(library.tree)
    present = {c.slug for c in tree}
    wanted = {slug for entry in gone for slug in entry.categories}
    parent_of = {c.slug: c.parent for c in existing.tree}
    for slug in list(wanted):
        while (slug := parent_of.get(slug)) is not None:  # type: ignore[assignment]
            wanted.add(slug)
    tree += [replace(c, keys=()) for c in existing.tree
             if c.slug in wanted and c.slug not in present]
    return [replace(c, keys=c.keys + tuple(e.key for e in gone if c.slug in e.categories))
            for c in tree]
