"""Checking a paper's bibliography against the library.

Each entry of any ``.bib`` is matched to a work of the library: by title first (the title is
what the author meant to cite: normalised, rapidfuzz ratio at the build's threshold), else by
arXiv id, DOI or Anthology id, else by key or alias when the titles are close. A matched entry
is compared field by field: authors (family names, in order), title, year, venue (as an
acronym, when both sides name one), pages and DOI. Two findings are not field errors:

- ``published``: the entry cites the arXiv preprint of a work the library has as published;
  the preprint's year and venue are then not compared;
- ``eprint``: the entry's arXiv id is not the library's for that title (another paper's, or
  none the library knows).

Entries that match nothing are "not checked". ``fix_bibliography`` writes a corrected copy:
the user's keys and every other byte kept, only the disagreeing entries rewritten.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bibtexparser import model as btp
from rapidfuzz import fuzz, process

from llm4anno_bib._libcache import keep_beside, kept_beside
from llm4anno_bib._text import TITLE_THRESHOLD, normalise_title
from llm4anno_bib.bibfile import (
    VENUE_FIELDS, edited_entry, enclose, entry_read_with, line_ending, parse_entries,
    rewritten_entries, strings_used_by, unenclosed,
)
from llm4anno_bib.checking import ensure_inert_text
from llm4anno_bib.enrich import (
    german_spellings, normalised_title_score, same_people, title_score, written_alike,
)
from llm4anno_bib.errors import BibSyntaxError
from llm4anno_bib.ids import bare_doi
from llm4anno_bib.lookup import (
    Checked, Finding, authors_difference, look_up, plain_pages, venue_claims)
from llm4anno_bib.model import (
    Entry, Library, cites_preprint, in_entrys_vocabulary, short_venue, unprinted_venue,
    with_inherited,
)
from llm4anno_bib.names import Name, signs_as_team, split_name, with_et_al_read
from llm4anno_bib.venues import preprint_only

if TYPE_CHECKING:
    import pandas

    from llm4anno_bib.sources import Sources

__all__ = ["STATUSES", "Finding", "VerifiedEntry", "VerifyReport", "fix_bibliography",
           "verify_text"]

STATUSES = ("agrees", "disagrees", "not-found", "not-checked")
NOT_IN_LIBRARY = "not in the library"  # the reason of an entry checked against nothing


@dataclass(frozen=True, slots=True)
class VerifiedEntry:
    """One entry of the checked file: ``status`` is one of ``STATUSES``; ``matched`` the
    library key (or, with ``lookup``, the source record: ``DBLP conf/iclr/...``) it was
    matched to, and how (``matched_by``: ``title``, ``arxiv``, ``doi``, ``acl``, ``key`` or
    ``lookup``); ``reason`` says why an entry is not found or not checked."""

    key: str
    line: int
    status: str
    matched: str | None = None
    matched_by: str | None = None
    findings: tuple[Finding, ...] = ()
    matched_url: str | None = None
    reason: str = ""
    cited: Entry | None = None  # with lookup: the source record, as a fix would cite it
    source_failed: bool = False  # not checked because a source could not be asked

    @property
    def matched_source(self) -> str | None:
        """``library`` or the source that holds the matched record."""
        if self.matched is None:
            return None
        return "library" if self.matched_by != "lookup" else self.matched.rsplit(" ", 1)[0]


@dataclass(frozen=True)
class VerifyReport:
    path: str
    entries: tuple[VerifiedEntry, ...]
    # the blocks that could not be read (left out, as BibTeX goes on past them), in order
    unreadable: tuple[BibSyntaxError, ...] = ()
    # the keys of the entries a fix rewrote (``verify(fix_to=...)``): a disagreement with
    # nothing to correct (an id nobody has, and no other found) leaves its entry as it is
    corrected: tuple[str, ...] = ()

    def __repr__(self) -> str:
        counts = ", ".join(f"{n} {status}" for status, n in self.summary.items() if n)
        return f"<VerifyReport of {self.path}: {len(self.entries)} entries" + (
            f", {counts}>" if counts else ">")

    def _with(self, status: str) -> tuple[VerifiedEntry, ...]:
        return tuple(e for e in self.entries if e.status == status)

    @property
    def disagreeing(self) -> tuple[VerifiedEntry, ...]:
        return self._with("disagrees")

    @property
    def not_checked(self) -> tuple[VerifiedEntry, ...]:
        return self._with("not-checked")

    @property
    def not_found(self) -> tuple[VerifiedEntry, ...]:
        return self._with("not-found")

    @property
    def summary(self) -> dict[str, int]:
        """How many entries have each status."""
        return {status: len(self._with(status)) for status in STATUSES}

    @property
    def unchecked_by_failure(self) -> tuple[VerifiedEntry, ...]:
        """The entries left unchecked because a source could not be asked."""
        return tuple(e for e in self.entries if e.source_failed)

    @property
    def exit_code(self) -> int:
        """1 when any entry disagrees or is not found; else 2 when a block could not be
        read; else 3 when entries were left unchecked because a source could not be asked
        (a CI job tells "all good" from "nothing checked"); else 0."""
        if self.disagreeing or self.not_found:
            return 1
        if self.unreadable:
            return 2
        return 3 if self.unchecked_by_failure else 0

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data (what ``to_json`` writes): ``path``, ``entries`` (each
        ``key``, ``line``, ``status``, ``matched`` as ``source``/``id``/``url``,
        ``findings``, ``reason``, ``source_failed``), ``summary`` (a count per status),
        ``unreadable`` (each block's ``line`` and ``message``), ``corrected`` (the keys a
        fix rewrote; empty without one), ``unchecked_by_source_failure`` and ``exit_code``."""
        return {"path": self.path, "entries": [_entry_dict(e) for e in self.entries],
                "summary": self.summary,
                "unreadable": [{"line": e.line, "message": e.message} for e in self.unreadable],
                "corrected": list(self.corrected),
                "unchecked_by_source_failure": len(self.unchecked_by_failure),
                "exit_code": self.exit_code}

    def to_json(self, indent: int | None = 2) -> str:
        """The report as JSON text (as pandas' ``to_json`` gives text)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_dataframe(self) -> pandas.DataFrame:
        """One row a finding (key, line, status, matched, field, theirs, ours, message);
        needs pandas."""
        from llm4anno_bib.notebook import verify_frame

        return verify_frame(self)

    def _repr_html_(self) -> str:
        from llm4anno_bib.notebook import verify_html

        return verify_html(self)


def _entry_dict(entry: VerifiedEntry) -> dict[str, Any]:
    matched = None
    if entry.matched is not None:
        source = entry.matched_source or "library"
        ident = entry.matched if source == "library" else entry.matched[len(source) + 1:]
        matched = {"source": source, "id": ident, "url": entry.matched_url}
    return {"key": entry.key, "line": entry.line, "status": entry.status, "matched": matched,
            "findings": [{"field": f.field, "kind": f.kind, "theirs": f.theirs,
                          "found": f.found, "source": f.source, "message": f.message}
                         for f in entry.findings], "reason": entry.reason,
            "source_failed": entry.source_failed}


def _ids(entry: Entry) -> dict[str, str]:
    """The entry's identifiers by kind (``arxiv``, ``doi``, ``acl``), without its title."""
    found: dict[str, str] = {}
    for key in entry.identifiers():
        kind, _, value = key.partition(":")
        if kind != "title":
            found.setdefault(kind, value)
    return found


def _families(authors: Sequence[str], known: Mapping[str, Name], memo: dict[str, str],
              first_only: bool = False) -> list[str]:
    """The last word of each author's family name, folded (``others`` as itself);
    ``first_only``: the first author's alone."""
    families = []
    for name in authors[:1] if first_only else authors:
        if name.lower() == "others":
            families.append("others")
            continue
        if name not in memo:  # the same people recur: split each spelling once
            # its last word, as the lookup compares names: "Filipe de Avila Belbute Peres"
            # (family "Avila Belbute Peres") is "Peres, Filipe de Avila Belbute"
            words = normalise_title(split_name(name, known).family).split()
            memo[name] = words[-1] if words else ""
        families.append(memo[name])
    return families


class _Matcher:
    """A library's titles and identifiers, indexed for matching. What it is made of (each
    entry's normalised title and identifiers, the library's name splits) is kept beside a
    library exactly as read from a file (``Library.file_digest``): verifying against the
    same library again builds none of its entries but those matched."""

    def __init__(self, library: Library) -> None:
        self.library = library
        tables = _kept_tables(library)
        if tables is None:
            tables = _tables(library)
            if library.file_digest is not None:
                keep_beside(library.file_digest, _tables_kind(), tables)
        self.titles: list[str] = tables["titles"]
        # each title's first author (folded family name, or empty) and year, to search the
        # near titles among those whose first author agrees (``title_match``)
        self.first: list[str] = tables["first"]
        self.years: list[int | None] = tables["years"]
        self.rarest: list[str] = tables["rarest"]
        self.known: dict[str, Name] = {person: Name(*parts) for person, *parts
                                       in tables["splits"]}
        self.families: dict[str, str] = {}  # author as written -> folded family name
        self.exact: dict[str, int] = {}  # normalised title -> position: most lookups end here
        for position, title in enumerate(self.titles):
            self.exact.setdefault(title, position)
        self.by_id: dict[tuple[str, str], int] = {}
        for kind, value, position in tables["ids"]:
            self.by_id.setdefault((kind, value), position)

    # The indexes of near titles are made at the first title the library does not hold as
    # it is: a file whose every entry the library holds (the common check) never needs them.

    @functools.cached_property
    def by_first(self) -> dict[str, list[int]]:
        """The positions of the titles by their first author's folded family name."""
        found: dict[str, list[int]] = {}
        for position, family in enumerate(self.first):
            if family:
                found.setdefault(family, []).append(position)
        return found

    @functools.cached_property
    def authorless(self) -> list[int]:
        return [position for position, family in enumerate(self.first) if not family]

    @functools.cached_property
    def by_year(self) -> dict[int | None, list[int]]:
        found: dict[int | None, list[int]] = {}
        for position, year in enumerate(self.years):
            found.setdefault(year, []).append(position)
        return found

    @functools.cached_property
    def by_length(self) -> dict[int, tuple[list[str], list[int]]]:
        """The titles (and their positions) by length: a ratio of TITLE_THRESHOLD needs
        lengths within a window, and rapidfuzz's cost is per title offered to it."""
        found: dict[int, tuple[list[str], list[int]]] = {}
        for position, title in enumerate(self.titles):
            titles, positions = found.setdefault(len(title), ([], []))
            titles.append(title)
            positions.append(position)
        return found

    @functools.cached_property
    def by_word(self) -> dict[str, list[int]]:
        """For the scan of titles within longer ones: the titles holding each word."""
        found: dict[str, list[int]] = {}
        for position, title in enumerate(self.titles):
            for word in set(title.split()):
                found.setdefault(word, []).append(position)
        return found

    @functools.cached_property
    def by_rarest(self) -> dict[str, list[int]]:
        """Each title under its rarest word (a title within another has all its words
        there)."""
        found: dict[str, list[int]] = {}
        for position, rarest in enumerate(self.rarest):
            if rarest:
                found.setdefault(rarest, []).append(position)
        return found

    def by_title(self, title: str) -> Entry | None:
        """The library's entry of this title: the same once normalised, else the nearest
        (``fuzz.ratio`` at the threshold), else the first that holds it or that it holds."""
        position = self._title_position(normalise_title(title))
        return None if position is None else self.library[position]

    def _title_position(self, wanted: str) -> int | None:
        """``by_title``'s position, of a title already normalised."""
        if not wanted:
            return None
        if wanted in self.exact:
            return self.exact[wanted]
        near = self._nearest(wanted)
        return near[1] if near is not None else self._containing(wanted)

    def title_match(self, theirs: Entry, known: Mapping[str, Name]) -> Entry | None:
        """``by_title`` of the entry's title when that is its work: the same title, or a
        near one whose first author agrees (``_agrees``). The near titles are
        searched among those whose first author agrees first: the whole library is asked
        only to rule out a better title of another author, where one of theirs is near."""
        wanted = normalise_title(theirs.title) if self.titles else ""
        if not wanted:  # (an empty library, as verify --lookup alone has, holds no title)
            return None
        if wanted in self.exact:
            return self.library[self.exact[wanted]]
        families = _families(theirs.bib_authors, known, self.families, first_only=True)
        first, year = (families[0] if families else ""), theirs.year
        agreeing = self._agreeing(first, year)
        if agreeing is None:  # no narrower set to ask: what by_title gives, if it agrees
            found = self._title_position(wanted)
            return self.library[found] if found is not None and \
                self._agrees(first, year, found) else None
        near = self._nearest(wanted, among=agreeing)
        if near is not None:  # theirs, unless the whole library has a better title
            # (at the threshold, not at near's score: rapidfuzz's cutoff may round it away)
            best = self._nearest(wanted)
            return self.library[near[1]] if best is not None and best[1] == near[1] else None
        # by_title would give the first title holding this one (or held by it), unless
        # another author's title is near: that costs a scan of all only where it matters
        within = self._containing(wanted)
        if within is None or not self._agrees(first, year, within) or \
                self._nearest(wanted) is not None:
            return None
        return self.library[within]

    def _agreeing(self, first: str, year: int | None) -> list[int] | None:
        """The positions of the titles whose first author agrees with ``first`` (a folded
        family name; empty without authors) and ``year`` in library order; ``None`` where
        that is most of the library."""
        if first:
            chosen = self.by_first.get(first, []) + [
                p for p in self.authorless if self._agrees(first, year, p)]
        elif year is None:
            return None
        else:
            chosen = self.by_year.get(year, []) + self.by_year.get(None, [])
        return sorted(chosen) if len(chosen) * 4 < len(self.titles) else None

    def _agrees(self, first: str, year: int | None, position: int) -> bool:
        """Whether the first author of the title at ``position`` agrees with ``first`` (a
        folded family name; empty without authors): the same family; without authors on a
        side, the same year (either unknown: they may). From the tables, without building
        the entry: a library that lacks a work often holds another with a like title."""
        ours = self.first[position]
        if first and ours:
            return first == ours
        return year is None or self.years[position] is None or self.years[position] == year

    def _containing(self, wanted: str) -> int | None:
        """The first title (in library order) within which ``wanted`` is, or that is within
        it (``normalised_title_score`` 100). Only the titles that could be are compared:
        those with the wanted title's rarest word; those whose rarest word it has."""
        words = set(wanted.split())
        rarest = min(words, key=lambda w: (len(self.by_word.get(w, ())), w))
        candidates = set(self.by_word.get(rarest, ()))
        for word in words:
            candidates.update(self.by_rarest.get(word, ()))
        return next((position for position in sorted(candidates)
                     if normalised_title_score(wanted, self.titles[position]) >= 100), None)

    def _nearest(self, wanted: str, among: list[int] | None = None
                 ) -> tuple[float, int] | None:
        """The score and position of the title with the best ``fuzz.ratio`` to ``wanted``
        at or above the threshold, the first in library order of equals, among the positions
        ``among`` (in library order) or all: what ``process.extractOne`` over those titles
        gives, asking only the titles whose length allows the threshold."""
        if among is not None:
            found = process.extractOne(wanted, [self.titles[p] for p in among],
                                       scorer=fuzz.ratio, score_cutoff=TITLE_THRESHOLD)
            return None if found is None else (found[1], among[found[2]])
        size = len(wanted)
        # fuzz.ratio(a, b) <= 100 * (1 - |la - lb| / (la + lb)); one more character each
        # way keeps the window wide of float rounding
        slack = (100 - TITLE_THRESHOLD) / 100
        lowest = int(size * (1 - slack) / (1 + slack)) - 1
        highest = int(size * (1 + slack) / (1 - slack)) + 1
        best: tuple[float, int] | None = None  # score, library position
        for length in range(max(lowest, 1), highest + 1):
            bucket = self.by_length.get(length)
            if bucket is None:
                continue
            # at the threshold each time: a cutoff of the best score so far may be rounded
            # past an equal score that comes first in library order
            found = process.extractOne(wanted, bucket[0], scorer=fuzz.ratio,
                                       score_cutoff=TITLE_THRESHOLD)
            if found is None:
                continue
            position = bucket[1][found[2]]
            if best is None or (found[1], -position) > (best[0], -best[1]):
                best = (found[1], position)
        return best

    def by_ids(self, entry: Entry) -> tuple[Entry, str] | None:
        for kind, value in _ids(entry).items():
            if (kind, value) in self.by_id:
                return self.library[self.by_id[(kind, value)]], kind
        return None


def _tables(library: Library) -> dict[str, Any]:
    """What a matcher is made of, as plain data: each entry's normalised title and
    identifiers (by position), and the library's name splits."""
    ids = [[kind, value, position] for position, entry in enumerate(library)
           for kind, value in _ids(entry).items()]
    known, memo = library.name_splits(), dict[str, str]()
    titles = [normalise_title(e.title) for e in library]
    words = [set(title.split()) for title in titles]
    counts = collections.Counter(word for held in words for word in held)
    return {"titles": titles, "ids": ids,
            # each title's rarest word in the library (the first in order of equals)
            "rarest": [min(held, key=lambda w: (counts[w], w)) if held else ""
                       for held in words],
            "first": [next(iter(_families(e.bib_authors, known, memo, first_only=True)), "")
                      for e in library],
            "years": [e.year for e in library],
            "splits": [[person, n.family, n.given, n.particle, n.literal, n.jr]
                       for person, n in known.items()]}


@functools.cache
def _tables_kind() -> str:
    """The kind of file that keeps a matcher's tables: named by this module's code too, so
    that a change of how they are made never reads old ones."""
    code = Path(__file__).read_bytes() if Path(__file__).is_file() else b""
    return f".matcher-{hashlib.sha256(code).hexdigest()[:12]}"


def _kept_tables(library: Library) -> dict[str, Any] | None:
    """The tables kept for ``library`` when it is exactly as read from a file, and they
    are whole (as strictly read as any file: else they are made again)."""
    if library.file_digest is None:
        return None
    kept = kept_beside(library.file_digest, _tables_kind())
    count = len(library)
    try:
        titles, ids, splits = kept["titles"], kept["ids"], kept["splits"]
        first, years, rarest = kept["first"], kept["years"], kept["rarest"]
        whole = len(titles) == len(first) == len(years) == len(rarest) == count and \
            all(isinstance(t, str) for t in (*titles, *first, *rarest)) and \
            all(y is None or isinstance(y, int) for y in years) and \
            all(isinstance(k, str) and isinstance(v, str) and isinstance(p, int)
                and 0 <= p < count for k, v, p in ids) and \
            all(len(split) == 6 and all(isinstance(part, str) for part in split[:4])
                and isinstance(split[4], bool) and isinstance(split[5], str)
                for split in splits)
    except (TypeError, ValueError, LookupError):
        return None
    return kept if whole else None


def verify_entry(theirs: Entry, line: int, matcher: _Matcher,
                 known: Mapping[str, Name]) -> VerifiedEntry:
    """Match one user entry and compare it (see the module's rules)."""
    match = _match(theirs, matcher, known)
    if match is None:
        return VerifiedEntry(theirs.key, line, "not-checked", reason=NOT_IN_LIBRARY)
    ours, how = match
    preprint_of_published = cites_preprint(theirs) and not cites_preprint(ours) and \
        ours.entry_type != "misc"
    findings = [*_eprint_findings(theirs, ours, matcher)]
    if preprint_of_published:
        findings.append(Finding("published", "preprint-of-published",
                                f"arXiv preprint ({theirs.year})",
                                f"{short_venue(ours)} {ours.year}", "library",
                                f"cites the preprint{unprinted_venue(theirs)}; the library "
                                f"has the published version ({ours.key}, {ours.venue})"))
    # a preprint's title and authors may be its own (arXiv's "from human feedback",
    # NeurIPS's "with"; an author added for the conference), and the library holds the
    # published version's: what may be another version's is no disagreement
    if not (preprint_of_published and same_people(with_et_al_read(theirs.bib_authors),
                                                  ours.bib_authors)):
        findings += _author_findings(theirs, ours, matcher, known)
    if normalise_title(theirs.title) != normalise_title(ours.title) and not (
            preprint_of_published and title_score(theirs.title, ours.title) >= TITLE_THRESHOLD):
        findings.append(Finding("title", "title-differs", theirs.title, ours.title, "library",
                                "the title differs"))
    if not preprint_of_published:  # a preprint's year, venue and pages are its own
        findings += _edition_findings(theirs, ours)
    return VerifiedEntry(theirs.key, line, "disagrees" if findings else "agrees", ours.key,
                         how, tuple(findings), ours.url)


def _match(theirs: Entry, matcher: _Matcher,
           known: Mapping[str, Name]) -> tuple[Entry, str] | None:
    """The library entry a user's entry cites, and how it was found: by title, else by an
    identifier, else by its key when the titles are near. A title that is only near (or
    within a longer one) is that work only when the first authors agree: a library that
    lacks a work often holds another with a like title ("Learning Energy-Based Models by
    [Cooperative] Diffusion Recovery Likelihood"), and calling the user's entry wrong
    would be a false alarm."""
    ours = matcher.title_match(theirs, known)
    if ours is not None:
        return ours, "title"
    by_ids = matcher.by_ids(theirs)
    if by_ids is not None:
        return by_ids
    candidate = matcher.library.get(theirs.key)
    if candidate is not None and title_score(theirs.title, candidate.title) >= 75:
        return candidate, "key"
    return None


def _eprint_findings(theirs: Entry, ours: Entry, matcher: _Matcher) -> list[Finding]:
    their_ids, our_ids = _ids(theirs), _ids(ours)
    if "arxiv" not in their_ids or their_ids["arxiv"] == our_ids.get("arxiv"):
        return []
    position = matcher.by_id.get(("arxiv", their_ids["arxiv"]))
    other = matcher.library[position] if position is not None else None
    whose = f"the arXiv id of '{other.title}' ({other.key})" if other is not None and \
        other.key != ours.key else "not this paper's arXiv id"
    return [Finding("eprint", "arxiv-id-of-another-work", their_ids["arxiv"],
                    our_ids.get("arxiv"), "library", f"{their_ids['arxiv']} is {whose}")]


def _author_findings(theirs: Entry, ours: Entry, matcher: _Matcher,
                     known: Mapping[str, Name]) -> list[Finding]:
    # the same names as written are no disagreement, however they split (most entries of a
    # file checked against the library it was copied from: nothing to split)
    if theirs.bib_authors == ours.bib_authors or \
            signs_as_team(theirs.bib_authors, ours.bib_authors):
        return []
    cited = with_et_al_read(theirs.bib_authors)  # "Jason Wei et al.": Jason Wei and others
    their_families = _families(cited, known, matcher.families)
    recorded = _families(ours.bib_authors, known, matcher.families)
    et_al = bool(their_families) and their_families[-1] == "others"
    if not their_families or their_families == _as_cited(recorded, their_families):
        return []
    family_of = lambda name: split_name(name, known).family  # noqa: E731 (as _families splits)
    for families, other in ((their_families, ours), (recorded, theirs)):
        if spellings := german_spellings(other.bib_authors, family_of):  # "Schuetze": Schütze
            families[:] = [spellings.get(f, f) for f in families]
    our_families = _as_cited(recorded, their_families)
    if their_families == our_families:
        return []
    if sorted(their_families) == sorted(our_families):
        kind, said = "author-order", "the authors' order differs"
    else:
        kind, said = "authors-differ", "the authors differ ({})".format(authors_difference(
            [a for a in cited if a.lower() != "others"],
            [f for f in their_families if f != "others"],
            [a for a in ours.bib_authors if a.lower() != "others"],
            [f for f in recorded if f != "others"], et_al))
    return [Finding("author", kind, theirs.fields.get("author"), ours.fields.get("author"),
                    "library", said)]


def _as_cited(recorded: list[str], cited: list[str]) -> list[str]:
    """The recorded families as a citation of ``cited`` lists them: cut to as many as it
    names, then ``others``, where it ends in ``others`` (BibTeX's et al.)."""
    if cited and cited[-1] == "others":
        return recorded[: len(cited) - 1] + ["others"]
    return recorded


def _edition_findings(theirs: Entry, ours: Entry) -> list[Finding]:
    findings = []
    if theirs.year is not None and ours.year is not None and theirs.year != ours.year and \
            not _a_later_version(theirs, ours):
        findings.append(Finding("year", "year-differs", str(theirs.year), str(ours.year),
                                "library", "the year differs"))
    # the same text is the same venue (no table asked); a library's preprint may have been
    # published since
    if theirs.venue and theirs.venue != ours.venue and not cites_preprint(ours):
        findings += venue_claims(theirs.venue, (ours.venue or "",), ours.year, "library")
    for name, normal in (("pages", plain_pages), ("doi", bare_doi)):
        theirs_value, ours_value = theirs.fields.get(name), ours.fields.get(name)
        if theirs_value and ours_value and normal(theirs_value) != normal(ours_value):
            findings.append(Finding(name, f"{name}-differ" + ("s" if name == "doi" else ""),
                                    theirs_value, ours_value, "library", f"the {name} differ"))
    return findings


def _a_later_version(theirs: Entry, ours: Entry) -> bool:
    """Whether ``theirs`` cites the library's preprint by the year of a later version:
    arXiv's own export gives the latest version's year (the library keeps the first's, and
    no source is asked here to tell which versions there are)."""
    return theirs.year is not None and ours.year is not None and \
        cites_preprint(theirs) and cites_preprint(ours) and \
        ours.year < theirs.year <= date.today().year


def verify_text(text: str, library: Library, path: str = "<string>", *,
                sources: Sources | None = None,
                progress: Callable[[int, int, str], None] | None = None,
                keep_going: bool = True,
                strings: Mapping[str, str] | None = None) -> VerifyReport:
    """Verify the BibTeX ``text`` against ``library``; ``path`` names it in the report. With
    ``sources``, the entries the library does not hold are looked up there
    (``lookup.look_up``); ``progress(done, total, key)`` follows the lookups. A block that
    cannot be read is left out and listed in ``unreadable`` (``keep_going=False``: raises
    its ``BibSyntaxError``, for a file to be rewritten). ``strings``: the macros of files
    read before it (``bibfile.macros_of``)."""
    unreadable: list[BibSyntaxError] = []
    parsed = parse_entries(text, path, duplicates="all",
                           unreadable=unreadable if keep_going else None, strings=strings)
    entries = with_inherited(parsed.entries)
    matcher = _Matcher(library)
    known = matcher.known
    verified = [verify_entry(entry, line, matcher, known)
                for entry, line in zip(entries, parsed.lines)]
    if sources is not None:
        unheld = [i for i, v in enumerate(verified) if v.status == "not-checked"]
        checked = look_up([entries[i] for i in unheld], sources, progress=progress)
        for index, result in zip(unheld, checked):
            verified[index] = _from_lookup(verified[index], result)
    return VerifyReport(path, tuple(verified), tuple(unreadable))


def _from_lookup(entry: VerifiedEntry, result: Checked) -> VerifiedEntry:
    found = result.found
    return VerifiedEntry(entry.key, entry.line, result.status,
                         found.label if found else None, "lookup" if found else None,
                         result.findings, found.url if found else None, result.reason,
                         found.as_entry(entry.key) if found else None, result.source_failed)


_REPLACED = {"author": ("author",), "title": ("title",), "year": ("year", "date"),
             "venue": ("booktitle", "journal", "journaltitle"), "pages": ("pages",),
             "doi": ("doi",), "eprint": ("eprint", "archiveprefix", "primaryclass",
                                         "eprintclass")}
_LIBRARY_ONLY = ("keywords", "pdf", "code", "data", "webpage", "curated", "ids")


def _fixed_fields(block: btp.Entry, report: VerifiedEntry, ours: Entry
                  ) -> tuple[str, list[tuple[str, str]]]:
    """The corrected entry's type and ``(name, raw value)`` fields: the user's raw values
    (macros and delimiters as written) except the ones replaced from the library (braced)."""
    theirs = [(f.key, str(f.value)) for f in block.fields]
    ours_fields = {k: enclose(k, v) for k, v in ours.fields.items() if k not in _LIBRARY_ONLY}
    ours_fields = in_entrys_vocabulary({k.lower(): v for k, v in theirs}, ours_fields)
    if any(f.kind == "preprint-of-published" for f in report.findings):
        # cite the published version: its fields, plus what the user added that it lacks
        kept = [(k, v) for k, v in theirs if k.lower() not in ours_fields
                and not preprint_only(k.lower(), unenclosed(v))]
        written = {k.lower(): v for k, v in theirs}  # the user's title and authors, as written
        published = [(k, written[k] if k in written and written_alike(
            k, unenclosed(written[k]), unenclosed(v)) else v) for k, v in ours_fields.items()]
        return ours.entry_type, published + kept
    return _corrected(block.entry_type, theirs, report.findings, ours.entry_type, ours_fields)


def _corrected(entry_type: str, theirs: list[tuple[str, str]], findings: tuple[Finding, ...],
               our_type: str, ours: Mapping[str, str]) -> tuple[str, list[tuple[str, str]]]:
    """The user's fields with the ones a finding is about taken from the record (``ours``)."""
    replaced = {name for finding in findings
                for name in _REPLACED.get(finding.field, ()) if name in ours}
    if any(finding.field == "venue" for finding in findings):
        # another venue is another kind of work: a journal's name never stays beside the
        # proceedings that replace it (nor the reverse), and the type follows the venue; a
        # crossref names the wrong proceedings, whose editors and publisher BibTeX would add
        theirs = [(k, v) for k, v in theirs if k.lower() != "crossref" and (
                  k.lower() not in VENUE_FIELDS or k.lower() in ours)]
        entry_type = our_type
    fixed = [(k, ours[k.lower()] if k.lower() in replaced else v) for k, v in theirs]
    present = {k.lower() for k, _v in theirs}
    fixed += [(name, ours[name]) for name in sorted(replaced - present)]
    return entry_type, fixed


def _edited_in_place(original: str, block: btp.Entry, entry_type: str,
                     fields: list[tuple[str, str]], strings: Mapping[str, str]) -> str | None:
    """The user's entry edited where the fix changes it (``bibfile.edited_entry``: its
    layout, order and delimiters kept, an @string's macro as written where its field does
    not change, its meaning read by the file's ``strings``), or ``None`` where that cannot
    be done safely."""
    used = strings_used_by(original, strings)
    raw = {f.key.lower(): str(f.value) for f in block.fields}
    before = entry_read_with(original, used) if used else Entry.from_fields(
        block.key, block.entry_type, {n: unenclosed(v) for n, v in raw.items()})
    if before is None:
        return None
    # a field the fix keeps means what it meant (its macros read); the others are new text
    after = Entry.from_fields(block.key, entry_type, {
        n: before.fields[n.lower()] if raw.get(n.lower()) == v and n.lower() in before.fields
        else unenclosed(v) for n, v in fields})
    return edited_entry(original, before, after, used)


def fix_bibliography(text: str, report: VerifyReport, library: Library,
                     path: str = "<fixed>", strings: Mapping[str, str] | None = None,
                     corrected: list[str] | None = None) -> str:
    """``text`` with each disagreeing entry rewritten from the library or, for an entry
    looked up, its source record (its key kept, the user's other fields kept as written);
    every other byte as it was. Raises ``UnsafeOutput`` (``checking.ensure_inert_text``)
    when a rewritten entry would hold markup its original did not; ``path`` names the
    file to be written in that message. ``strings``: the ``@string`` blocks of files read
    before it, by macro (``bibfile.macros_of``). ``corrected`` is given the key of each
    entry whose text changed."""
    reports = {(r.key, r.line): r for r in report.disagreeing}
    newline = line_ending(text)
    # (the file's own added by rewritten_entries before the first rewrite)
    blocks: dict[str, str] = dict(strings or {})

    def rewrite(block: btp.Entry, original: str, line: int) -> str | None:
        found = reports.get((block.key, line))
        if found is None or found.matched is None:
            return None
        cited = found.cited if found.cited is not None else library[found.matched]
        entry_type, fields = _fixed_fields(block, found, cited)
        lines = [f"@{entry_type}{{{block.key},"] + [f"  {n} = {v}," for n, v in fields] + ["}"]
        edited = _edited_in_place(original, block, entry_type, fields, blocks)
        written = edited if edited is not None else newline.join(lines)
        if corrected is not None and written != original:
            corrected.append(block.key)
        return written

    fixed, originals, rewritten = rewritten_entries(text, rewrite, blocks)
    if rewritten:
        ensure_inert_text("\n\n".join(rewritten), path, "\n\n".join(originals))
    return fixed
