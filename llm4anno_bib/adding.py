"""Adding a work to the library from an arXiv id or URL, an ACL Anthology id, or a DOI.

The record is fetched, upgraded to its published version where one is found (the build's
rule: title, first author and year agree), given a key by the key rule, and appended with
the categories asked for. A work the library already has (same arXiv id, DOI, Anthology id or
normalised title) is not added twice: it gets the categories instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from llm4anno_bib.enrich import known_author_splits, stated_splits
from llm4anno_bib.errors import InvalidIdentifier, NotFound, UnknownCategory
from llm4anno_bib.keys import base_key, unique_key
from llm4anno_bib.model import Entry, Library
from llm4anno_bib.resolution import Known, resolve
from llm4anno_bib.sources import Sources
from llm4anno_bib.ids import identity, parse_identifier
from llm4anno_bib.sources.records import ArxivRecord, BibRecord

__all__ = ["AddResult", "InvalidIdentifier", "add_work", "parse_identifier"]

@dataclass(frozen=True)
class AddResult:
    """The new library, the entry added or found, and what happened.

    ``added`` is False when the work was already there; ``new_categories`` are the category
    slugs it gained (empty when it had them all).
    """

    library: Library
    entry: Entry
    added: bool
    new_categories: tuple[str, ...]
    near_misses: tuple[str, ...] = ()
    matched_by: str | None = None


def _existing(library: Library, identifiers: Sequence[str]) -> tuple[Entry, str] | None:
    wanted = set(identifiers)
    for entry in library:
        shared = wanted.intersection(entry.identifiers())
        if shared:
            return entry, sorted(shared)[0]
    return None


def _with_categories(library: Library, entry: Entry, slugs: Sequence[str],
                     added: bool) -> tuple[Library, Entry, tuple[str, ...]]:
    new = tuple(s for s in slugs if s not in entry.categories)
    if not new and not added:
        return library, entry, ()
    fields = dict(entry.fields)
    all_slugs = (*entry.categories, *new)
    if all_slugs:
        fields["keywords"] = ", ".join(all_slugs)
    updated = Entry.from_fields(entry.key, entry.entry_type, fields)
    entries = [updated if e.key == entry.key else e for e in library]
    if added:
        entries.append(updated)
    tree = [replace(c, keys=c.keys + (entry.key,)) if c.slug in new else c for c in library.tree]
    return library.with_entries(entries, tree), updated, new


def _fetch(kind: str, value: str, sources: Sources) -> tuple[ArxivRecord | None, BibRecord | None]:
    if kind == "arxiv":
        records = sources.arxiv.fetch_ids([value])
        if value not in records:
            raise NotFound(f"arXiv has no paper {value}.", key=value)
        return records[value], None
    if kind == "acl":
        return None, sources.acl.fetch_bib(value)
    if kind == "dblp":
        return None, sources.dblp.fetch_bib(value)
    record = sources.acl.find_by_doi(value) or sources.dblp.find_by_doi(value) or \
        sources.crossref.work(value)
    if record is None:
        raise NotFound(f"no source knows the DOI {value} (asked: the ACL Anthology's full "
                       "export, DBLP, Crossref); nothing was added.", key=value)
    return None, record


def add_work(library: Library, identifier: str, categories: Sequence[str],
             sources: Sources) -> AddResult:
    """Add the work ``identifier`` names to ``library`` in ``categories`` (headings or slugs).

    Returns the new library (``library`` itself is not changed). Raises
    ``InvalidIdentifier`` (not an id), ``UnknownCategory``, ``NotFound`` (no source knows
    the id), ``SourceError`` (a source could not be asked).
    """
    kind, value = parse_identifier(identifier)
    if not categories and library.tree:  # (a file of no list's takes a work as it is)
        raise UnknownCategory(
            "the library files every work under a category: name one (-c NAME).",
            category="", suggestions=[c.heading for c in library.tree[:5]])
    slugs = [library.resolve_category(name) for name in categories]
    known = _existing(library, [identity(kind, value)])
    if known is not None:  # no need to ask anyone
        new_library, entry, new = _with_categories(library, known[0], slugs, added=False)
        return AddResult(new_library, entry, False, new, matched_by=known[1])

    preprint, published = _fetch(kind, value, sources)
    resolution = resolve(Known(subject=identifier, preprint=preprint, published=published),
                         sources)
    fields, entry_type, near_misses = resolution.fields(), resolution.entry_type, \
        resolution.near_misses
    known_splits = library.name_splits() | known_author_splits([fields])
    stated_splits(fields, known_splits)
    draft = Entry.from_fields("draft", entry_type, fields)
    known = _existing(library, draft.identifiers())
    if known is not None:
        new_library, entry, new = _with_categories(library, known[0], slugs, added=False)
        return AddResult(new_library, entry, False, new, near_misses, known[1])

    taken = {e.key for e in library} | {a for e in library for a in e.aliases}
    key = unique_key(base_key(draft.bib_authors, draft.year, draft.title), taken)
    entry = Entry.from_fields(key, entry_type, fields)
    new_library, entry, new = _with_categories(library, entry, slugs, added=True)
    return AddResult(new_library, entry, True, new, near_misses)
