"""What a work's records are: its arXiv preprint and its version of record.

One rule, asked by the build, ``add`` and ``update`` alike: from what is known of a work (a
record already fetched, its titles, authors and year) the sources are searched for the
record that is missing, a preprint for a published record and a published version for a
preprint, each accepted only when title, first author and year agree (``enrich.judge``).
A preprint and a published record given together that are not one work are not both used:
the published record wins and the disagreement is reported.

Then one rule turns the records into fields: the published record's fields with the
preprint's eprint fields; a preprint alone is cited as a preprint (``@misc``), with every
value labelled by the source that gave it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from llm4anno_bib.enrich import (
    arxiv_fields, eprint_fields, find_preprint, find_published, judge, published_fields,
)
from llm4anno_bib.sources import Sources
from llm4anno_bib.sources.records import ArxivRecord, BibRecord

__all__ = ["Known", "Resolution", "resolve", "source_label"]

SOURCE_NAMES = {"acl": "ACL Anthology", "dblp": "DBLP", "crossref": "Crossref",
                "curated": "curated citation"}
LOOK_FOR_BOTH = ("preprint", "published")


def source_label(record: BibRecord | ArxivRecord) -> str:
    """How reports name a record: ``arXiv 2201.11903``, ``ACL Anthology N19-1421``,
    ``DBLP conf/nips/RafailovSMMEF23``."""
    if isinstance(record, ArxivRecord):
        return f"arXiv {record.arxiv_id}"
    return f"{SOURCE_NAMES.get(record.source, record.source)} {record.ident}"


@dataclass(frozen=True)
class Known:
    """What is known of a work before the sources are searched. ``authors`` and ``year``
    default to the given published record's; ``subject`` names the work in near misses;
    ``doi`` is the DOI of its version of record where one is known (Crossref is then asked
    for it rather than searched by title)."""

    titles: Sequence[str] = ()
    authors: Sequence[str] = ()
    year: int | None = None
    subject: str = ""
    preprint: ArxivRecord | None = None
    published: BibRecord | None = None
    doi: str | None = None


@dataclass(frozen=True)
class Resolution:
    """A work's records: ``preprint`` and ``published`` (either may be ``None``), the near
    misses met while searching, the ``conflicts`` (records set aside), and whether the
    published version was found from the preprint (``upgraded``)."""

    preprint: ArxivRecord | None
    published: BibRecord | None
    near_misses: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    upgraded: bool = False

    @property
    def found(self) -> bool:
        return self.preprint is not None or self.published is not None

    @property
    def entry_type(self) -> str:
        """The published record's entry type; ``misc`` for a preprint."""
        return self.published.entry_type if self.published is not None else "misc"

    @property
    def labels(self) -> tuple[str, ...]:
        """The records' source labels, the version of record first."""
        return tuple(source_label(r) for r in (self.published, self.preprint) if r is not None)

    def labelled_fields(self, *, as_preprint: bool = True) -> dict[str, tuple[str, str]]:
        """The citation's fields, each ``name: (value, source label)``: the published
        record's, else (when ``as_preprint``) the preprint's as a preprint citation; and the
        preprint's eprint fields. ``as_preprint=False`` is for an entry that cites a
        published version a source could not confirm: its preprint would cite an earlier,
        lesser version (another month, the arXiv URL, fewer authors), so only the eprint
        fields are given."""
        fields: dict[str, tuple[str, str]] = {}
        if self.published is not None:
            label = source_label(self.published)
            fields |= {name: (value, label)
                       for name, value in published_fields(self.published).items()}
        elif self.preprint is not None and as_preprint:
            label = source_label(self.preprint)
            fields |= {name: (value, label) for name, value in arxiv_fields(self.preprint).items()}
        if self.preprint is not None:
            label = source_label(self.preprint)
            fields |= {name: (value, label) for name, value in eprint_fields(self.preprint).items()}
        return fields

    def fields(self) -> dict[str, str]:
        """The citation's fields (``labelled_fields`` without the labels)."""
        return {name: value for name, (value, _label) in self.labelled_fields().items()}


def resolve(known: Known, sources: Sources, *,
            look_for: Collection[str] = LOOK_FOR_BOTH) -> Resolution:
    """The work's preprint and published records: those ``known`` gives, and those found for
    what is missing (``look_for`` names which of ``preprint`` and ``published`` to search
    for; the search for a published version starts from the preprint, and
    ``published-by-title`` searches for one from the known titles where no preprint is found).

    Raises ``SourceError`` when a source cannot be asked.
    """
    preprint, published = known.preprint, known.published
    near_misses: list[str] = []
    conflicts: list[str] = []
    if preprint is not None and published is not None:
        verdict = judge([preprint.title], preprint.authors, preprint.year, [published.title],
                        published.authors, published.year)
        if not verdict.accepted:
            conflicts.append(f"{source_label(preprint)} and {source_label(published)} are "
                             f"not the same work ({verdict.reason}); the preprint is not used")
            preprint = None
    elif preprint is None and "preprint" in look_for:
        preprint = _preprint_of(known, sources, near_misses)
    upgraded = False
    if published is None and preprint is None and "published-by-title" in look_for and \
            known.titles:
        # no preprint to start from (a list item linking a proceedings page): the same rule,
        # from the titles, authors and year known
        published, missed = find_published(_distinct([], known.titles), known.authors,
                                           known.year, sources,
                                           known.subject or repr(known.titles[0]), known.doi)
        near_misses += missed
    if published is None and preprint is not None and "published" in look_for:
        published, missed = find_published(_distinct([preprint.title], known.titles),
                                           preprint.authors, preprint.year, sources,
                                           source_label(preprint), known.doi)
        near_misses += missed
        upgraded = published is not None
    return Resolution(preprint, published, tuple(near_misses), tuple(conflicts), upgraded)


def _preprint_of(known: Known, sources: Sources, near_misses: list[str]) -> ArxivRecord | None:
    """The preprint searched for from what is known (the published record's title first);
    the near misses are added to ``near_misses``."""
    published = known.published
    titles = _distinct([published.title] if published else [], known.titles)
    if not titles:
        return None
    authors = known.authors or (published.authors if published else ())
    year = known.year or (published.year if published else None)
    subject = known.subject or (source_label(published) if published else repr(titles[0]))
    preprint, missed = find_preprint(titles, authors, year, sources, subject)
    near_misses += missed
    return preprint


def _distinct(first: Sequence[str], then: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(t for t in (*first, *then) if t))
