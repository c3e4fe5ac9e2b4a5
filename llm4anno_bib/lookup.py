"""Checking any entry against the sources: the work it names, and whether what it states agrees.

An entry names a work by its title; its identifiers (arXiv id, Anthology id, DOI) are claims
to be checked like the rest. The sources are asked in a fixed order, each at most one search
and one record per entry: the records of the entry's identifiers (arXiv ids are fetched for
all entries at once, 100 a request), then the Anthology's title index, one DBLP search (the
title's most telling words: DBLP matches every word of a query, so a stray word, an entity or
a formula in the title would make the whole title find nothing), Crossref's title search for
a published claim nobody else holds, and arXiv's title search for a preprint.

A record is the entry's work when the titles agree (the build's title rule); the entry is
then compared with the published record where there is one, else with the preprint.
Formatting is never a disagreement: LaTeX or Unicode, case, braces, punctuation, ``Family,
Given`` or ``Given Family``, initials, a venue's acronym or full name, ``--`` or ``-``.

Statuses: ``agrees``, ``disagrees`` (with findings), ``not-found`` (no source holds the work
although one that covers the entry's claim was asked: arXiv for an arXiv id or preprint,
DBLP or the Anthology for a venue they index, Crossref for a DOI) and ``not-checked`` (a
source could not be asked, or no source covers the claim: a book, a thesis, a web page).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import date
from typing import TYPE_CHECKING

from llm4anno_bib._text import (
    NEAR_MISS, TITLE_THRESHOLD, collapse_spaces, folded_words, latex_to_text, normalise_title,
    shortened,
)
from llm4anno_bib.enrich import (
    arxiv_fields, best_title_score, eprint_fields, published_fields, same_people,
    surname_tokens,
)
from llm4anno_bib.errors import Llm4AnnoBibError, NotFound, SourceError
from llm4anno_bib.ids import (
    ARXIV_DOI_PREFIX, PAGE_DASH, anthology_id_in, arxiv_id_in, doi_in, names_version_of_record,
)
from llm4anno_bib.model import (
    KNOWN_VENUES, Entry, cites_preprint, short_venue, unprinted_venue, venue_key, venue_text,
)
from llm4anno_bib.names import signs_as_team, split_name, split_names, with_et_al_read
from llm4anno_bib.sources.records import ArxivRecord, BibRecord, DblpHit
from llm4anno_bib.venues import Venue, joint_venues, names_a_venue, squeezed, venue_of

if TYPE_CHECKING:
    from llm4anno_bib.sources import Sources

__all__ = ["FINDING_KINDS", "Checked", "Finding", "Found", "look_up"]

# Every kind a finding can have, documented in the README (verify --lookup).
FINDING_KINDS = (
    "title-differs", "authors-differ", "author-order", "year-differs", "future-year",
    "venue-differs", "venue-unknown", "preprint-of-published", "not-published", "doi-unknown",
    "doi-of-another-work", "arxiv-id-of-another-work", "arxiv-id-unknown",
    "anthology-id-of-another-work", "anthology-id-unknown", "merged", "pages-differ",
    "doi-differs",
)
# Venues the Anthology holds; DBLP indexes these and every other venue with a known acronym.
_ACL_VENUES = frozenset({"ACL", "EMNLP", "NAACL", "EACL", "TACL", "CL", "COLING", "AACL",
                         "Findings", "CoNLL", "LREC", "SemEval", "WMT", "SIGDIAL", "INLG"})
_PLACEHOLDERS = frozenset({"anonymous", "et al", "et al.", "others", "unknown", "n/a"})
# DOIs DataCite registers (data and software repositories, preprint servers): Crossref does
# not know them, which says nothing of whether they exist
_DATACITE = ("10.5281/", "10.6084/", "10.5061/", "10.7910/", "10.17605/", "10.13140/",
             ARXIV_DOI_PREFIX)
# Titles are compared pairwise (rapidfuzz) and scanned for formulas: a longer one is no title
MAX_TITLE = 1000


@dataclass(frozen=True, slots=True)
class Finding:
    """One disagreement between an entry and the record of its work: the ``field``, its
    ``kind`` (one of ``FINDING_KINDS``), what the entry says (``theirs``), what the record
    says (``found``), the record (``source``: ``library``, ``DBLP conf/...``) and a
    message."""

    field: str
    kind: str
    theirs: str | None
    found: str | None
    source: str
    message: str

    @property
    def ours(self) -> str | None:
        """What the library or the source says (``found``)."""
        return self.found

    def shown(self) -> tuple[str, str]:
        """``theirs`` and ``found`` as a report shows them: on one line, as BibTeX reads a
        value's spaces (a line break and indent is one space), ``(none)`` where absent; a
        long author list by its first names and how many more (a report of 280 authors is
        not printed whole: the JSON report and the finding keep every name).

        >>> Finding("author", "authors-differ", "A", " and ".join(f"P{n} Q" for n in range(30)),
        ...         "DBLP", "").shown()[1]
        'P0 Q and P1 Q and P2 Q and P3 Q and P4 Q and P5 Q and P6 Q and P7 Q and P8 Q and P9 Q and 20 more'
        """
        return _one_line(self.theirs, self.field), _one_line(self.found, self.field)


def _one_line(value: str | None, field: str) -> str:
    if value is None:
        return "(none)"
    if field in ("author", "editor"):
        names = split_names(value)
        if len(names) > _NAMES_SHOWN_WHOLE:
            return " and ".join([*names[:_NAMES_SHOWN_WHOLE - 2],
                                 f"{len(names) - _NAMES_SHOWN_WHOLE + 2} more"])
    return shortened(collapse_spaces(value), 1000)


_NAMES_SHOWN_WHOLE = 12  # an author list longer than this is shown by its first ten


@dataclass(frozen=True, slots=True)
class Found:
    """A source's record of a work, as the comparison reads it."""

    label: str  # "DBLP conf/iclr/WeiBZGYLDDL22"
    url: str | None
    title: str
    authors: tuple[str, ...]
    year: int | None
    venue: str | None  # the acronym where one is known, else the venue's text
    preprint: bool
    doi: str | None
    arxiv_id: str | None
    pages: str | None
    first_year: int | None = None  # a preprint's first version: its citable years start here
    entry_type: str = "misc"
    fields: Mapping[str, str] = dataclass_field(default_factory=dict, hash=False)
    # a DBLP search hit: how to fetch its full record (``None`` for a full record)
    fetch: Callable[[], Found] | None = dataclass_field(default=None, compare=False,
                                                        repr=False)

    def as_entry(self, key: str) -> Entry:
        """The record as the library would cite it, under ``key``."""
        return Entry.from_fields(key, self.entry_type, self.fields)


@dataclass(frozen=True)
class Checked:
    """What the sources say of one entry."""

    status: str
    found: Found | None = None
    findings: tuple[Finding, ...] = ()
    reason: str = ""  # why an entry is not found or not checked
    source_failed: bool = False  # not checked because a source could not be asked


def _from_arxiv(record: ArxivRecord) -> Found:
    fields = arxiv_fields(record) | eprint_fields(record)
    return Found(f"arXiv {record.arxiv_id}", fields.get("url"), record.title, record.authors,
                 record.updated.year, "arXiv", True, record.doi, record.arxiv_id, None,
                 first_year=record.published.year, fields=fields)


def _from_bib(record: BibRecord) -> Found:
    from llm4anno_bib.resolution import source_label

    entry = Entry.from_fields("record", record.entry_type, record.fields)
    preprint = cites_preprint(entry)
    doi = record.fields.get("doi")
    url = record.fields.get("url") or (f"https://doi.org/{doi}" if doi else None)
    return Found(source_label(record), url, record.title, record.authors, record.year,
                 "arXiv" if preprint else short_venue(entry),
                 preprint, doi, arxiv_id_in(record.fields), record.fields.get("pages"),
                 entry_type=record.entry_type, fields=published_fields(record))


def _same_work(entry: Entry, found: Found) -> bool:
    """Whether the record an identifier of the entry names is its work: by title and people
    (``_same_title_and_people``), or renamed since the version cited (arXiv titles change
    between versions: "... for Data Annotation: A Survey" became "... for Data Annotation
    and Synthesis: A Survey"), where the title is still near and the people are the same
    (the first author, and half the others at least)."""
    if _same_title_and_people(entry, found.title, found.authors):
        return True
    people = [a for a in entry.bib_authors if a.lower() != "others"]
    return len(people) >= 2 and same_people(people, found.authors) and \
        best_title_score([entry.title], [found.title]) >= NEAR_MISS


def _same_title_and_people(entry: Entry, title: str, authors: Sequence[str]) -> bool:
    """Whether a record is the entry's work: the same title, or a near one (the build's
    title rule: a typo, a subtitle left out) by at least one of the same people."""
    if normalise_title(entry.title) == normalise_title(title):
        return True
    if best_title_score([entry.title], [title]) < TITLE_THRESHOLD:
        return False
    named = [a for a in entry.bib_authors if a.lower() != "others"]
    mine = set(surname_tokens(named, authors))
    return not mine or bool(mine & set(surname_tokens(authors, named)))


class _Asker:
    """Asks the sources for one entry, each at most one search and one record."""

    def __init__(self, sources: Sources, preprints: dict[str, ArxivRecord],
                 arxiv_error: str | None = None) -> None:
        self.sources = sources
        self.preprints = preprints
        self.arxiv_error = arxiv_error  # why the batched id request failed, if it did
        self.asked: set[str] = set()

    def by_ids(self, entry: Entry, findings: list[Finding]) -> list[Found]:
        """The records the entry's identifiers name; one naming another work is a finding."""
        named: list[tuple[str, str, Found | None]] = []
        arxiv_id = arxiv_id_in(entry.fields)
        if arxiv_id:
            if self.arxiv_error is not None:
                raise SourceError(f"arXiv could not be asked ({self.arxiv_error})")
            self.asked.add("arxiv")
            record = self.preprints.get(arxiv_id)
            named.append(("eprint", arxiv_id, _from_arxiv(record) if record else None))
            if record is None:
                findings.append(Finding(
                    "eprint", "arxiv-id-unknown", arxiv_id, None, "arXiv",
                    f"arXiv has no paper {arxiv_id}"))
        anthology_id = anthology_id_in(entry.fields)
        if anthology_id:
            self.asked.add("acl")
            try:
                named.append(("anthology", anthology_id,
                              _from_bib(self.sources.acl.fetch_bib(anthology_id))))
            except NotFound:  # the Anthology is the registry of its ids: none is made up
                named.append(("anthology", anthology_id, None))
                findings.append(Finding(
                    "anthology", "anthology-id-unknown", anthology_id, None,
                    "the ACL Anthology", f"the ACL Anthology has no paper {anthology_id}"))
        doi = doi_in(entry.fields)
        if doi and names_version_of_record(doi) and not doi.startswith(_DATACITE):
            self.asked.add("crossref")
            work = self.sources.crossref.work(doi)
            named.append(("doi", doi, _from_bib(work) if work else None))
            if work is None:
                findings.append(Finding(
                    "doi", "doi-unknown", doi, None, "Crossref",
                    f"Crossref knows no work with the DOI {doi}"))
        found = []
        for name, value, record_found in named:
            if record_found is None:
                continue
            if _same_work(entry, record_found):
                found.append(record_found)
                continue
            kind = _OF_ANOTHER_WORK[name]
            findings.append(Finding(
                name, kind, value, record_found.title, record_found.label,
                f"{value} is '{record_found.title}' ({record_found.label}), not this work"))
        return found

    def by_title(self, entry: Entry, found: list[Found]) -> list[Found]:
        """Records found by the entry's title where its identifiers left the published
        version (or, for a preprint claim, the preprint) unknown."""
        title = entry.title
        if not any(not f.preprint for f in found):
            self.asked.add("acl")
            found += [f for f in map(_from_bib, self.sources.acl.find_by_title(title))
                      if _same_work(entry, f)]
        if not any(not f.preprint for f in found):
            found += self._dblp(entry)
        claims_venue = not cites_preprint(entry) and bool(entry.venue)
        if not any(not f.preprint for f in found) and claims_venue:
            self.asked.add("crossref")
            found += [f for f in map(_from_bib, self.sources.crossref.search(title))
                      if _same_work(entry, f)]
        if not any(f.preprint for f in found) and (not found or cites_preprint(entry)):
            self.asked.add("arxiv")
            found += [f for f in map(_from_arxiv, self.sources.arxiv.search_title(title))
                      if _same_work(entry, f)][:1]
        return found

    def _dblp(self, entry: Entry) -> list[Found]:  # one search, one record
        # imported here: verify without --lookup never loads requests and requests-cache
        from llm4anno_bib.sources.dblp import query_words
        if not query_words(entry.title):
            return []
        self.asked.add("dblp")
        hits = [h for h in self.sources.dblp.search_title(entry.title)
                if _same_title_and_people(entry, h.title, h.authors)]
        # DBLP's own copies of arXiv preprints only if nothing published is there; every
        # published record is kept (a conference paper and its journal version, a workshop
        # and a main paper: the entry may cite any of them)
        hits.sort(key=lambda h: h.preprint)
        published = [h for h in hits if not h.preprint]
        return [self._dblp_found(hit) for hit in (published or hits[:1])[:_RECORDS_KEPT]]

    def _dblp_found(self, hit: DblpHit) -> Found:
        dblp = self.sources.dblp
        # "ACL (1)": the first volume of ACL; "ACL (Findings)" is Findings, no volume of ACL
        venue = re.sub(r"\s*\((?!Findings\)).*\)$", "", hit.venue)
        return Found(f"DBLP {hit.key}", hit.url or (f"https://doi.org/{hit.doi}" if hit.doi
                                                   else None), hit.title, hit.authors,
                     hit.year, "arXiv" if hit.preprint else venue, hit.preprint, hit.doi, None,
                     hit.pages, fetch=lambda: _from_bib(dblp.fetch_bib(hit.key)))


_RECORDS_KEPT = 4  # of one work on DBLP: its versions, never a list of namesakes


_OF_ANOTHER_WORK = {"eprint": "arxiv-id-of-another-work", "doi": "doi-of-another-work",
                    "anthology": "anthology-id-of-another-work"}


def _author_findings(entry: Entry, found: Found) -> list[Finding]:
    theirs = with_et_al_read(entry.bib_authors)  # "Jason Wei et al.": Jason Wei and others
    if not theirs or not found.authors:
        return []
    if signs_as_team(theirs, found.authors):
        return []
    placeholders = [a for a in theirs if latex_to_text(a).strip().lower() in _PLACEHOLDERS
                    and not (a == theirs[-1] and a.lower() == "others")]
    named = [a for a in theirs if a.lower() != "others"]
    mine, recorded = surname_tokens(named, found.authors), surname_tokens(found.authors, named)
    et_al = theirs[-1].lower() == "others"  # "and others" is BibTeX's et al.
    ours = recorded[: len(mine)] if et_al else recorded
    shown = ", ".join(found.authors)
    if placeholders:
        kind, said = "authors-differ", f"placeholder author {placeholders[0]!r} instead of a name"
    elif mine == ours:
        return []
    elif not set(mine) & set(ours) and not _family_first_without_comma(named, found.authors):
        kind, said = "merged", (f"the title is of '{found.title}' by {shown}, but none of "
                                "these authors wrote it")
    elif sorted(mine) == sorted(ours):
        kind, said = "author-order", "the same authors in another order"
    else:
        kind = "authors-differ"
        said = "the authors differ ({})".format(
            authors_difference(named, mine, found.authors, recorded, et_al))
    return [Finding("author", kind, entry.fields.get("author"), shown, found.label, said)]


_NAMES_SHOWN = 6  # of the missing or extra authors: a 280-name report is not listed


def authors_difference(theirs: Sequence[str], their_families: Sequence[str],
                       ours: Sequence[str], our_families: Sequence[str],
                       et_al: bool = False) -> str:
    """Who is missing from the cited author list and who is no author, each name as its own
    list writes it (family names compared, ``their_families[i]`` of ``theirs[i]``):
    ``missing Chris Hallacy, Aditya Ramesh; not authors: Jane Doe``, or ``in number`` when
    the same people are listed a different number of times. ``et_al``: the cited list ends
    with "and others", so only the record's first names can be missing from it."""
    cited, recorded = set(their_families), set(our_families)
    listed = len(their_families) if et_al else len(our_families)
    missing = [name for name, family in zip(ours[:listed], our_families[:listed])
               if family not in cited]
    extra = [name for name, family in zip(theirs, their_families) if family not in recorded]
    reversed_names = _family_first_without_comma(extra, missing)
    for written, person in reversed_names:
        extra.remove(written)
        missing.remove(person)
    said = "; ".join([f"{label} {_listed(names)}" for label, names in (
        ("missing", missing), ("not authors:", extra)) if names] + [
        f"'{written}' reads as family name '{split_name(written).family}': family first "
        f"needs a comma, '{split_name(person).bibtex()}'" for written, person in reversed_names])
    return said or "in number"


def _family_first_without_comma(extra: Sequence[str],
                                missing: Sequence[str]) -> list[tuple[str, str]]:
    """The cited names that are a missing person's written family name first without a
    comma ("Wang Xuezhi" for Xuezhi Wang: BibTeX reads family name "Xuezhi"), each with
    that person."""
    found: list[tuple[str, str]] = []
    for written in extra:
        words = _words_of(written)
        if "," in written or len(words) < 2:
            continue
        person = next((m for m in missing if m not in (p for _w, p in found)
                       and _family_and_given(m) == (words[:1], words[1:])), None)
        if person is not None:
            found.append((written, person))
    return found


def _family_and_given(name: str) -> tuple[list[str], list[str]]:
    split = split_name(name)
    return _words_of(split.family), _words_of(split.given)


def _words_of(text: str) -> list[str]:
    return folded_words(latex_to_text(text))


def _listed(names: Sequence[str]) -> str:
    # given names first: "Dai, Damai, Dong, Li" would read as four people
    shown = ", ".join(str(split_name(name).person()) for name in names[:_NAMES_SHOWN])
    more = len(names) - _NAMES_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def _year_findings(entry: Entry, found: Found, today: date) -> list[Finding]:
    if entry.year is None:
        return []
    if entry.year > today.year:
        return [Finding("year", "future-year", str(entry.year), str(found.year),
                              found.label, f"{entry.year} is after this year ({today.year})")]
    if found.year is None:
        return []
    earliest = found.first_year or found.year
    if earliest <= entry.year <= found.year:  # a preprint may be cited by any version's year
        return []
    shown = str(found.year) if earliest == found.year else f"{earliest}-{found.year}"
    return [Finding("year", "year-differs", str(entry.year), shown, found.label,
                          f"the year is {shown}, not {entry.year}")]


def _venue_findings(entry: Entry, found: Found, preprint: Found | None,
                    asked: set[str]) -> list[Finding]:
    theirs = venue_key(entry)
    if cites_preprint(entry):
        if not found.preprint:
            where = " ".join(str(part) for part in (found.venue, found.year) if part) or \
                found.label  # never "None"
            return [Finding("venue", "preprint-of-published", theirs or "arXiv", where,
                            found.label, f"cites the preprint{unprinted_venue(entry)}; the "
                            f"work was published ({where})")]
        return []
    written = entry.venue or ""
    claimed = venue_of(written) if written else None
    if claimed is not None and claimed.kind in _NO_CLAIM:
        return []  # a proceedings series (PMLR), a preprint server: no venue to compare
    if found.preprint:
        if claimed is not None and claimed.kind == "workshop":
            return []  # most workshops publish no proceedings: a preprint is all there is
        return _not_published(theirs or (claimed.acronym if claimed else written), found, asked,
                              acl=theirs in _ACL_VENUES)
    return venue_claims(written, (found.venue or "",
                                  venue_text(found.fields, found.entry_type) or ""),
                        found.year, found.label)


def _not_published(said: str, found: Found, asked: set[str], acl: bool) -> list[Finding]:
    """An entry citing a venue for a work only a preprint of was found: wrong where a source
    indexing that venue was asked (the Anthology for its venues, DBLP for every other)."""
    if not said or not (acl and "acl" in asked or "dblp" in asked):
        return []
    return [Finding("venue", "not-published", said, "arXiv", found.label,
                    f"no {said} paper with this title was found; the work is only a preprint "
                    f"({found.label})")]


def venue_claims(written: str, recorded: Sequence[str], year: int | None,
                 source: str) -> list[Finding]:
    """The venue an entry claims (``written``) against the one the published record of its
    work names (the first of ``recorded`` the venue table knows; the record is ``source``):
    another known venue differs; a venue name nobody knows is unknown; a series or preprint
    server claims nothing."""
    if _in_own_words(written, recorded):
        return []  # the record's own words, whatever the table makes of them
    claimed = venue_of(written) if written else None
    if claimed is not None and claimed.kind in _NO_CLAIM:
        return []
    published, joint = _recorded_venue(recorded)
    if published is None or published.kind in _NO_CLAIM:
        return []
    # a joint event by both its names ("LREC-COLING 2024"): either is the venue
    shown = f"{'-'.join(v.acronym for v in joint) or published.acronym} {year or ''}".strip()
    if claimed is not None and claimed.kind == "workshop" and claimed.dblp is None and \
            claimed.acronym == "Workshop":
        if published.kind == "workshop":  # its own name, which need not say where it was held
            return []
        claimed = None  # a workshop of no venue the table knows: no venue known
    if claimed is not None and not _one_venue(claimed, written, published, joint):
        return [Finding("venue", "venue-differs", written, shown, source,
                        f"the work appeared in {shown} ({published.name}), not "
                        f"{claimed.acronym} ({claimed.name})")]
    if claimed is None and written and names_a_venue(written):
        return [Finding("venue", "venue-unknown", written, shown, source,
                        f"'{written}' is no venue known here; the work appeared in {shown} "
                        f"({published.name})")]
    return []


_NO_CLAIM = ("series", "preprint")


def _recorded_venue(recorded: Sequence[str]) -> tuple[Venue | None, tuple[Venue, ...]]:
    """The venue of a record (the first of its texts the table knows) and, where the
    record names a joint event, the venues it joins."""
    published = next((v for v in map(venue_of, filter(None, recorded)) if v is not None), None)
    return published, next((members for text in recorded if (members := joint_venues(text))),
                           ())


def _one_venue(claimed: Venue, written: str, published: Venue, joint: Sequence[Venue]) -> bool:
    """Whether the venue claimed (as ``written``) is the one published, or one of a joint
    event's (``joint``, the record's; or the claim's own: "LREC-COLING 2024")."""
    return claimed.same_as(published) or any(claimed.same_as(v) for v in joint) or any(
        member.same_as(published) for member in joint_venues(written))


def _in_own_words(written: str, recorded: Sequence[str]) -> bool:
    """Whether a venue is written in the words of one of the record's (case, LaTeX and
    punctuation aside)."""
    mine = squeezed(latex_to_text(written)) if written else ""
    return bool(mine) and any(mine == squeezed(latex_to_text(text)) for text in recorded)


def plain_pages(value: str) -> str:
    """Pages as text to compare: LaTeX read, any dash one hyphen (``1--10`` is ``1-10``)."""
    return PAGE_DASH.sub("-", latex_to_text(value)).strip()


def _pages_findings(entry: Entry, found: Found) -> list[Finding]:
    theirs, ours = entry.fields.get("pages"), found.pages
    if not theirs or not ours or found.preprint:
        return []
    if plain_pages(theirs) in (plain_pages(ours), plain_pages(ours).split("-")[0]):
        return []  # the same range, or its first page (how some styles cite an article)
    return [Finding("pages", "pages-differ", theirs, ours, found.label,
                          f"the pages are {ours}")]


def _title_findings(entry: Entry, found: Found) -> list[Finding]:
    if normalise_title(entry.title) == normalise_title(found.title):
        return []
    return [Finding("title", "title-differs", entry.title, found.title, found.label,
                          "the title differs")]


def check_entry(entry: Entry, asker: _Asker, today: date) -> Checked:
    """What the sources say of ``entry`` (see the module's rules). A DBLP search hit is
    compared as it is, its pages too where DBLP states them; its full record is fetched
    only when the entry disagrees (a fix then has the record's fields) or states pages the
    hit does not: one request for most entries."""
    if len(entry.title) > MAX_TITLE:  # a hostile file's "title": never compared or sent
        return Checked("not-checked", reason=f"a title of {len(entry.title):,} characters is "
                       f"no title (at most {MAX_TITLE:,} are looked up)")
    id_findings: list[Finding] = []
    try:
        found = asker.by_ids(entry, id_findings)
        found = asker.by_title(entry, found)
        checked = _compared(entry, found, list(id_findings), asker.asked, today)
        hit = checked.found
        if hit is not None and hit.fetch is not None and (
                checked.findings or (entry.fields.get("pages") and hit.pages is None)):
            found = [f.fetch() if f.fetch is not None and f.label == hit.label else f
                     for f in found]
            checked = _compared(entry, found, list(id_findings), asker.asked, today)
    except SourceError as error:
        return Checked("not-checked", reason=error.summary, source_failed=True)
    except Llm4AnnoBibError as error:
        return Checked("not-checked", reason=str(error))
    return checked


def _of_a_version(entry: Entry, chosen: Found, preprint: Found | None,
                  compare: Callable[[Entry, Found], list[Finding]]) -> list[Finding]:
    """``compare``'s findings of the entry against the record chosen, none where the entry
    cites the preprint and agrees with it: a preprint's title and authors are its own
    ("Learning to summarize from human feedback" on arXiv, "with" at NeurIPS), and the
    version cited is the one to agree with."""
    findings = compare(entry, chosen)
    if findings and preprint is not None and preprint is not chosen and \
            cites_preprint(entry) and not compare(entry, preprint):
        return []
    return findings


def _cited_record(entry: Entry, found: list[Found]) -> Found | None:
    """The published record the entry cites: of a work with several (a conference paper
    and its journal version), the one at the venue the entry names, else the first."""
    published = [f for f in found if not f.preprint]
    claimed = venue_of(entry.venue) if entry.venue and len(published) > 1 else None
    if claimed is not None:
        for record in published:
            venue = venue_of(record.venue or "")
            if venue is not None and claimed.same_as(venue):
                return record
    return published[0] if published else None


def _compared(entry: Entry, found: list[Found], findings: list[Finding], asked: set[str],
              today: date) -> Checked:
    published = _cited_record(entry, found)
    preprint = next((f for f in found if f.preprint), None)
    chosen = published or preprint
    if published is not None and preprint is not None:  # a fix cites both, as the library does
        chosen = replace(published, fields={**published.fields, **{
            name: value for name, value in preprint.fields.items()
            if name in ("eprint", "archiveprefix", "primaryclass")}})
    if chosen is None:
        return _unfound(entry, asked, findings)
    if published is None or not published.doi or published.doi.lower() == \
            (doi_in(entry.fields) or "").lower():
        # a DOI Crossref does not know is wrong only where the work's own DOI is known
        findings = [f for f in findings if f.kind != "doi-unknown"]
    findings += _of_a_version(entry, chosen, preprint, _title_findings)
    findings += _of_a_version(entry, chosen, preprint, _author_findings)
    findings += _year_findings(entry, chosen, today) if not (
        published and cites_preprint(entry)) else []
    findings += _venue_findings(entry, chosen, preprint, asked)
    findings += _pages_findings(entry, chosen)
    return Checked("disagrees" if findings else "agrees", chosen, tuple(findings))


def _unfound(entry: Entry, asked: set[str], findings: list[Finding]) -> Checked:
    if entry.entry_type in _VOLUMES:  # (DBLP's @proceedings a crossref names, a volume
        # title each source words its own way: unfound is no sign of a wrong citation)
        return Checked("not-checked", findings=tuple(findings),
                       reason="a proceedings volume no source found by its title (the "
                              "papers in it are checked)")
    in_dblp, in_acl = _indexed_by(entry)
    covering = []
    if "arxiv" in asked and arxiv_id_in(entry.fields):  # a title search proves no absence
        covering.append("arXiv")
    if in_dblp and "dblp" in asked:
        covering.append("DBLP")
    if (in_acl or anthology_id_in(entry.fields)) and "acl" in asked:  # the registry of its ids
        covering.append("the ACL Anthology")
    doi = doi_in(entry.fields)
    if doi and "crossref" in asked and not doi.startswith(_DATACITE):
        covering.append("Crossref")
    if covering:
        return Checked("not-found", findings=tuple(findings),
                       reason=f"no work with this title in {', '.join(covering)}")
    what = {"book": "a book", "phdthesis": "a thesis", "mastersthesis": "a thesis",
            "techreport": "a report", "manual": "a manual"}.get(entry.entry_type,
                                                                 "this kind of work")
    written = venue_text(entry.fields, entry.entry_type)
    known = venue_of(written) if written and what == "this kind of work" else None
    if known is not None and known.kind != "preprint":  # (a journal DBLP holds a few of)
        return Checked("not-checked", findings=tuple(findings),
                       reason=f"no source is known to hold every paper of {known.name}")
    return Checked("not-checked", findings=tuple(findings),
                   reason=f"no source covers {what} without a known venue or identifier")


_VOLUMES = frozenset({"proceedings", "mvproceedings", "collection", "mvcollection"})


def _indexed_by(entry: Entry) -> tuple[bool, bool]:
    """Whether DBLP, and whether the ACL Anthology, index every paper of the venue the
    entry cites: one of the acronyms ``venue_key`` knows, or a conference or workshop the
    venue table knows with a DBLP stream (``Proceedings of the Fifth Conference on Machine
    Translation`` is WMT, in both). A journal the table knows but no such acronym names
    (DBLP holds a few papers of PNAS) is no claim of either."""
    venue = venue_key(entry)
    if venue is None:
        written = venue_text(entry.fields, entry.entry_type) or ""
        known = venue_of(written) if written else None
        # (a journal by a spelling of its own: DBLP's "Trans. Assoc. Comput. Linguistics"
        # is TACL, which the acronym says)
        if known is not None and (known.dblp and known.kind in ("conference", "workshop",
                                                                "findings")
                                  or known.acronym in KNOWN_VENUES):
            venue = known.acronym
    return bool(venue) and venue != "arXiv", venue in _ACL_VENUES


def look_up(entries: Sequence[Entry], sources: Sources, *, today: date | None = None,
            progress: Callable[[int, int, str], None] | None = None) -> list[Checked]:
    """What the sources say of each of ``entries``, in order. arXiv ids are fetched for
    all at once; a source that cannot be asked makes its entries ``not-checked``."""
    day = today or date.today()
    ids = sorted({i for e in entries if (i := arxiv_id_in(e.fields))})
    preprints: dict[str, ArxivRecord] = {}
    arxiv_error = None
    try:
        preprints = sources.arxiv.fetch_ids(ids) if ids else {}
    except Llm4AnnoBibError as error:  # the entries with an arXiv id say it
        arxiv_error = str(error)
    results = []
    with sources.storing_in_batches():
        for done, entry in enumerate(entries, 1):
            results.append(check_entry(entry, _Asker(sources, preprints, arxiv_error), day))
            if progress is not None:
                progress(done, len(entries), entry.key)
    return results

