"""Bringing entries up to date with their sources, without losing anything.

For every chosen entry the sources that know it are asked again: arXiv for its eprint (all
ids in batches of up to 100), the ACL Anthology or DBLP for its published record (by the
``anthology`` id or ``dblp`` key it carries), a title search for a preprint where it has none,
and a search for a published version where it is still a preprint (the build's matching rule:
title, first author and year must agree). The result is a proposal: a new ``Library`` and a
report per entry of every field change with the source of the new value. Nothing is written
here; ``llm4anno_bib.update()`` or the CLI writes after review.

What an update never does:

- change a key, drop an entry, or drop a field someone wrote (fields no source gives stay);
- rewrite an entry that cites a published version from its preprint (``enrich.cites_preprint``):
  when its published record cannot be used, only its eprint fields are brought up to date;
- overwrite a field named in the entry's ``curated`` field (``curated = {*}``: the entry is
  left alone; ``type``: the entry type is kept);
- apply a record that fails the matching rule (the record of a mistyped id, a near miss) or
  values on which two sources disagree: those are reported.

The one kind of removal: when a preprint is upgraded to its published version, the preprint's
own ``howpublished`` and ``month`` are removed if they still hold exactly what arXiv gives
(a preprint's month beside the published year would cite a date that never was); the diff
shows them. A value someone edited is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from llm4anno_bib.enrich import (
    arxiv_fields, judge, known_author_splits, stated_splits, written_alike,
)
from llm4anno_bib.errors import Llm4AnnoBibError, SourceError
from llm4anno_bib.ids import anthology_id_in, arxiv_id_in, doi_in, names_version_of_record
from llm4anno_bib.progress import Progress
from llm4anno_bib.model import Entry, Library, cites_preprint, in_entrys_vocabulary
from llm4anno_bib.venues import preprint_only
from llm4anno_bib.names import Name, in_order_of
from llm4anno_bib.resolution import LOOK_FOR_BOTH, Known, Resolution, resolve, source_label
from llm4anno_bib.sources import Sources
from llm4anno_bib.sources.arxiv import BATCH_SIZE
from llm4anno_bib.sources.records import ArxivRecord, BibRecord

log = logging.getLogger(__name__)

__all__ = ["EntryReport", "FieldChange", "UpdateProgress", "UpdateResult", "update_library"]

# Fields a preprint citation has that its published version replaces (see the module doc).
_ARXIV_GIVES = ("howpublished", "month")  # what arXiv gives that its publication replaces


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one entry: ``old`` → ``new`` (``None``: absent), and who says so."""

    name: str
    old: str | None
    new: str | None
    source: str


@dataclass(frozen=True, slots=True)
class EntryReport:
    """What the update found for one entry.

    ``status``: ``unchanged``, ``changed``, ``failed`` (could not be checked: ``problem``
    says why) or ``skipped`` (``curated = {*}``). ``kept`` lists source values not applied
    because the field is curated; ``conflicts`` and ``near_misses`` are reported, never applied.
    """

    key: str
    status: str
    changes: tuple[FieldChange, ...] = ()
    kept: tuple[FieldChange, ...] = ()
    conflicts: tuple[str, ...] = ()
    near_misses: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    problem: str | None = None


UpdateProgress = Progress  # its old name: reported after each entry, ``about`` its key

@dataclass(frozen=True)
class UpdateResult:
    """The proposed library and the per-entry reports, in library order."""

    library: Library
    entries: tuple[EntryReport, ...]
    requests: Mapping[str, int] = field(default_factory=dict)
    written: bool = False  # whether ``llm4anno_bib.update`` wrote the file

    def __repr__(self) -> str:
        counts: dict[str, int] = {}
        for report in self.entries:
            counts[report.status] = counts.get(report.status, 0) + 1
        said = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        return (f"<UpdateResult: {len(self.entries)} entries ({said or 'none'}); "
                f"{'written' if self.written else 'not written'}>")

    def _with(self, status: str) -> tuple[EntryReport, ...]:
        return tuple(e for e in self.entries if e.status == status)

    @property
    def changed(self) -> tuple[EntryReport, ...]:
        return self._with("changed")

    @property
    def failed(self) -> tuple[EntryReport, ...]:
        return self._with("failed")

    @property
    def nothing_to_do(self) -> bool:
        return not self.changed

    @property
    def exit_code(self) -> int:
        """0 when every chosen entry was checked, 1 when any could not be."""
        return 1 if self.failed else 0


class _Unchecked(Exception):
    """An entry that could not be checked (the message says why)."""


def update_library(library: Library, sources: Sources, *, keys: Sequence[str] | None = None,
                   category: str | Sequence[str] | None = None,
                   progress: Callable[[UpdateProgress], None] | None = None,
                   upgrading: bool = False) -> UpdateResult:
    """Re-check entries (all, or those of ``keys`` and/or ``category``) against the sources.
    ``upgrading`` (``upgrade_library``): an upgraded entry also loses every value that names
    its preprint (``journal = {arXiv preprint ...}``, ``volume = {abs/...}``), and its month
    when the published version gives none; otherwise only values exactly as arXiv gives
    them go.

    Returns the proposal; writes nothing. A source failing for one entry fails that entry
    only (its report says why); an interrupt (``KeyboardInterrupt``) propagates, and what was
    fetched so far stays in the sources' cache for the next run.
    """
    chosen = library.filter(category=category, keys=keys) if (keys or category) else library
    todo = [e for e in chosen if "*" not in e.curated]
    known = library.name_splits()
    arxiv_ids = {e.key: arxiv_id_in(e.fields) for e in todo}
    records, arxiv_errors = _fetch_arxiv(sorted({i for i in arxiv_ids.values() if i}), sources)
    reports: dict[str, EntryReport] = {}
    replaced: dict[str, Entry] = {}
    for done, entry in enumerate(chosen, start=1):
        if "*" in entry.curated:
            reports[entry.key] = EntryReport(entry.key, "skipped",
                                             problem="curated = {*}: left alone")
        else:
            arxiv_id = arxiv_ids[entry.key]
            try:
                if arxiv_id in arxiv_errors:
                    raise _Unchecked(arxiv_errors[arxiv_id])
                if arxiv_id and arxiv_id not in records:
                    new_entry, report = _without_its_preprint(entry, arxiv_id, sources, known,
                                                              upgrading)
                else:
                    new_entry, report = _recheck(entry, records.get(arxiv_id or ""), sources,
                                                 known, upgrading)
            except (_Unchecked, Llm4AnnoBibError) as problem:
                # a source's failure is said once for all the entries it failed (no address)
                said = problem.summary if isinstance(problem, SourceError) else str(problem)
                report, new_entry = EntryReport(entry.key, "failed", problem=said), entry
            reports[entry.key] = report
            replaced[entry.key] = new_entry
        if progress is not None:
            progress(UpdateProgress(done, len(chosen), entry.key))
    proposal = library.with_entries([replaced.get(e.key, e) for e in library])
    return UpdateResult(proposal, tuple(reports[e.key] for e in chosen), sources.real_requests)


def _without_its_preprint(entry: Entry, arxiv_id: str, sources: Sources,
                          known: Mapping[str, Name], upgrading: bool) -> tuple[Entry, EntryReport]:
    """An entry whose eprint arXiv does not know: unchecked, unless ``upgrading`` finds its
    published version from its title, authors and year (as verify's lookup finds it, which
    says the same of the eprint): that upgrade is made, the unknown eprint reported."""
    unknown = f"arXiv has no paper {arxiv_id} (withdrawn, or a mistyped eprint)"
    if not upgrading:
        raise _Unchecked(unknown)
    try:
        new_entry, report = _recheck(entry, None, sources, known, upgrading)
    except (_Unchecked, Llm4AnnoBibError):  # what else failed: the eprint is the news
        raise _Unchecked(unknown) from None
    if cites_preprint(new_entry):  # nothing published found: the eprint was all there was
        raise _Unchecked(unknown)
    said = f"{unknown}; the published version was found from the entry's title, authors and year"
    return new_entry, replace(report, conflicts=(said, *report.conflicts))


def _fetch_arxiv(ids: list[str], sources: Sources) -> tuple[dict[str, ArxivRecord], dict[str, str]]:
    """Records of ``ids`` a batch at a time; a failing batch fails only its own ids."""
    records: dict[str, ArxivRecord] = {}
    errors: dict[str, str] = {}
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start:start + BATCH_SIZE]
        try:
            records |= sources.arxiv.fetch_ids(batch)
        except SourceError as error:
            errors |= {arxiv_id: error.summary for arxiv_id in batch}
        except Llm4AnnoBibError as error:
            errors |= {arxiv_id: f"arXiv: {error}" for arxiv_id in batch}
    return records, errors


def _published_records(entry: Entry, sources: Sources,
                       conflicts: list[str]) -> list[BibRecord]:
    """The published records the entry names, each checked to be this very work."""
    records = []
    anthology_id = anthology_id_in(entry.fields)
    if anthology_id:
        records.append(sources.acl.fetch_bib(anthology_id))
    if entry.fields.get("dblp"):
        records.append(sources.dblp.fetch_bib(entry.fields["dblp"]))
    doi = doi_in(entry.fields)
    if not records and doi and names_version_of_record(doi):
        record = sources.crossref.work(doi)
        records += [record] if record is not None else []
    agreeing = []
    for record in records:
        verdict = judge([entry.title], entry.bib_authors, entry.year, [record.title],
                        record.authors, record.year)
        if verdict.accepted:
            agreeing.append(record)
        else:
            conflicts.append(f"{source_label(record)} is {record.title!r} "
                             f"({', '.join(record.authors[:1])}, {record.year}), not this "
                             f"entry: {verdict.reason}; not applied")
    if len(agreeing) == 2 and agreeing[0].year != agreeing[1].year:
        conflicts.append(f"{source_label(agreeing[0])} says {agreeing[0].year}, "
                         f"{source_label(agreeing[1])} says {agreeing[1].year}; "
                         f"{source_label(agreeing[0])} is applied")
    return agreeing


def _recheck(entry: Entry, preprint: ArxivRecord | None, sources: Sources,
             known: Mapping[str, Name], upgrading: bool = False) -> tuple[Entry, EntryReport]:
    resolution, conflicts = _resolution_of(entry, preprint, sources, upgrading)
    # an entry citing a published version is never rewritten from its preprint
    proposed = resolution.labelled_fields(as_preprint=cites_preprint(entry))
    if "author" in proposed:  # written as the library's sources state family names
        value, source = proposed["author"]
        stated = stated_splits({"author": value}, {**known, **known_author_splits([{"author": value}])})
        proposed["author"] = (stated["author"], source)
    if upgrading:
        proposed = in_entrys_vocabulary(entry.fields, proposed)
        if "author" in proposed and entry.fields.get("author"):  # in the user's name order
            value, source = proposed["author"]
            proposed["author"] = (in_order_of(entry.fields["author"], value), source)
    fields, changes, kept = _applied(entry, proposed, keep_formatting=upgrading)
    if resolution.upgraded or upgrading and resolution.published is not None:
        changes += _preprint_values_dropped(entry, resolution, proposed, fields, upgrading)
    entry_type = entry.entry_type
    published = resolution.published
    if published is not None and published.entry_type != entry.entry_type:
        change = FieldChange("type", entry.entry_type, published.entry_type,
                             source_label(published))
        if "type" in entry.curated:
            kept.append(change)
        else:
            changes.append(change)
            entry_type = published.entry_type
    used = tuple(dict.fromkeys(source for _value, source in proposed.values()))
    report = EntryReport(entry.key, "changed" if changes else "unchanged", tuple(changes),
                         tuple(kept), tuple(conflicts), resolution.near_misses, used)
    if not changes:
        return entry, report
    return Entry.from_fields(entry.key, entry_type, fields), report


def _resolution_of(entry: Entry, preprint: ArxivRecord | None, sources: Sources,
                   upgrading: bool = False) -> tuple[Resolution, list[str]]:
    """The entry's records (its eprint's record is ``preprint``) and the conflicts met.
    ``upgrading``: a published version is also searched for from the entry's own title,
    authors and year when arXiv gives no preprint (as verify's lookup finds it: an entry
    citing "arXiv preprint" without an id, a preprint renamed since)."""
    conflicts: list[str] = []
    published_records = _published_records(entry, sources, conflicts)
    published = published_records[0] if published_records else None
    # a record set aside stops the search: what is found could only be set beside it
    look_for: tuple[str, ...] = LOOK_FOR_BOTH if not conflicts else \
        ("preprint",) if published else ()
    if upgrading and not conflicts:
        look_for += ("published-by-title",)
    resolution = resolve(Known((entry.title,), entry.bib_authors, entry.year, entry.key,
                               preprint, published), sources, look_for=look_for)
    conflicts += resolution.conflicts
    if not resolution.found and not conflicts:
        raise _Unchecked("no source knows this entry (no eprint, Anthology id or DBLP key, "
                         "and no arXiv preprint has its title, first author and year); "
                         "add an id, or mark it 'curated = {*}'")
    return resolution, conflicts


def _applied(entry: Entry, proposed: Mapping[str, tuple[str, str]], *,
             keep_formatting: bool = False,
             ) -> tuple[dict[str, str], list[FieldChange], list[FieldChange]]:
    """The entry's fields with the proposed values, the changes, and the proposed values
    kept out because the field is curated. ``keep_formatting`` (a user's file): a title or
    author list that differs from the record's only in how it is written (case protection,
    accents as macros, ``Family, Given``) keeps the user's writing."""
    fields = dict(entry.fields)
    changes: list[FieldChange] = []
    kept: list[FieldChange] = []
    for name, (value, source) in proposed.items():
        old = fields.get(name)
        if old == value or keep_formatting and old is not None and written_alike(name, old,
                                                                                  value):
            continue
        change = FieldChange(name, old, value, source)
        if name in entry.curated:
            kept.append(change)
        else:
            changes.append(change)
            fields[name] = value
    return fields, changes, kept


def _preprint_values_dropped(entry: Entry, resolution: Resolution,
                             proposed: Mapping[str, tuple[str, str]],
                             fields: dict[str, str], upgrading: bool) -> list[FieldChange]:
    """Removes from ``fields`` the preprint-only values arXiv gave that its published
    version replaces (see the module doc; ``upgrading``: see ``update_library``); returns
    the removals."""
    if resolution.published is None or resolution.preprint is None and not upgrading:
        return []
    preprint_values = arxiv_fields(resolution.preprint) if resolution.preprint else {}
    removed = []
    for name in sorted(fields) if upgrading else _ARXIV_GIVES:
        if name in proposed or name in entry.curated or name not in fields:
            continue
        value = fields[name]
        # the preprint's own value; when upgrading, any value that is the preprint's alone
        # (a month the published version does not give: beside its year, a date that never was)
        if value == preprint_values.get(name) and name in _ARXIV_GIVES or upgrading and \
                preprint_only(name, value):
            removed.append(FieldChange(name, fields.pop(name), None,
                                       f"{source_label(resolution.published)} replaces the "
                                       "preprint"))
    return removed


def upgrade_library(library: Library, sources: Sources, *,
                    progress: Callable[[UpdateProgress], None] | None = None) -> UpdateResult:
    """Only the preprint -> published upgrade, for any ``.bib``: each entry citing an arXiv
    preprint whose published version a source holds (the build's matching rule) becomes the
    published entry with its eprint; every other entry, and every other change a source
    would make, is left alone. Idempotent: an upgraded entry cites no preprint.

    Returns the proposal (writes nothing): ``changed`` entries with their diffs, near misses
    and conflicts reported, never applied.
    """
    preprints = [e.key for e in library if cites_preprint(e) and "*" not in e.curated]
    if not preprints:
        return UpdateResult(library, (), sources.real_requests)
    checked = update_library(library, sources, keys=preprints, progress=progress,
                             upgrading=True)
    upgraded = {report.key for report in checked.changed
                if not cites_preprint(checked.library[report.key])}
    reports = tuple(report if report.key in upgraded or report.status == "failed" else
                    EntryReport(report.key, "unchanged", kept=report.kept,
                                conflicts=report.conflicts, near_misses=report.near_misses,
                                sources=report.sources)
                    for report in checked.entries)
    proposal = library.with_entries([checked.library[e.key] if e.key in upgraded else e
                                     for e in library])
    return UpdateResult(proposal, reports, checked.requests)
