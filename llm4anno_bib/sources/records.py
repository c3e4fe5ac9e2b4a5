"""The plain records the source clients return."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class ArxivRecord:
    """What the arXiv API says of one paper (no abstract: it is prose, not a fact we keep)."""

    arxiv_id: str
    version: int
    title: str
    authors: tuple[str, ...]
    published: date
    updated: date
    primary_category: str
    categories: tuple[str, ...] = ()
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None

    @property
    def year(self) -> int:
        return self.published.year


@dataclass(frozen=True, slots=True)
class BibRecord:
    """A BibTeX record of a source (ACL Anthology, DBLP, a curated file).

    ``fields`` are the record's own fields, lowercase names, LaTeX values without braces,
    month as its macro name; ``ident`` is the source's id (anthology id, DBLP key).
    """

    source: str
    ident: str
    key: str
    entry_type: str
    title: str
    authors: tuple[str, ...]
    year: int | None
    fields: Mapping[str, str] = field(hash=False)


@dataclass(frozen=True, slots=True)
class DblpHit:
    """One hit of the DBLP search API."""

    key: str
    title: str
    authors: tuple[str, ...]
    venue: str
    year: int | None
    kind: str
    doi: str | None = None
    url: str | None = None
    preprint: bool = False  # DBLP's own copy of an arXiv preprint (CoRR), not a publication
    pages: str | None = None  # with BibTeX's "--" ("5998--6008"), where DBLP states them
