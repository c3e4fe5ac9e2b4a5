"""Venues as knowledge: any venue string to the ``Venue`` it names, from a table generated
from real data (``data/venues.json``, by ``scripts/build_venues.py``: ccf-deadlines'
conferences, JabRef's journal abbreviations, the proceedings names of DBLP's records; the
attribution is in the table).

"Proceedings of the 39th International Conference on Machine Learning", "ICML 2022", "Proc.
of {ICML}" and "International Conference on Machine Learning, {ICML} 2022, 17-23 July 2022,
Baltimore" are one venue; "Findings of ACL: EMNLP 2023" is Findings, not EMNLP; "ICLR 2023
Workshop on ..." is a workshop, not ICLR; "J. Mach. Learn. Res." is JMLR; "arXiv preprint
arXiv:1308.3432" and "CoRR abs/..." are the preprint server.

>>> venue_of("Proc. of the 39th International Conference on Machine Learning").acronym
'ICML'
>>> venue_of("Findings of the Association for Computational Linguistics: EMNLP 2023").kind
'findings'
>>> venue_of("J. Mach. Learn. Res.").name
'Journal of Machine Learning Research'
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from llm4anno_bib._text import ascii_fold, latex_to_text

__all__ = ["VENUE_STYLES", "Venue", "joint_venues", "names_a_venue", "names_preprint",
           "venue_of"]

VENUE_STYLES = ("short", "full", "iso4")

KINDS = ("conference", "journal", "workshop", "findings", "preprint", "series")


@dataclass(frozen=True, slots=True)
class Venue:
    """A venue: its ``acronym`` (a journal's ISO 4 abbreviation where it has no acronym),
    full ``name``, ``kind`` (one of ``KINDS``), DBLP stream (``conf/icml``) and a journal's
    ISO 4 ``abbreviation``, where known."""

    acronym: str
    name: str
    kind: str
    dblp: str | None = None
    abbreviation: str | None = None

    def written(self, style: str) -> str:
        """The venue as ``style`` writes it: ``short`` (the acronym, else the ISO 4
        abbreviation), ``full`` (the full name) or ``iso4`` (a journal's ISO 4 abbreviation;
        a conference, which has none, by its full name).

        >>> jmlr = venue_of("Journal of Machine Learning Research")
        >>> jmlr.written("short"), jmlr.written("iso4")
        ('JMLR', 'J. Mach. Learn. Res.')
        """
        if style == "short":
            return self.acronym
        if style == "iso4" and self.abbreviation:
            return self.abbreviation
        return self.name

    def same_as(self, other: Venue) -> bool:
        """One venue, however each was written."""
        return (self.kind, squeezed(self.name)) == (other.kind, squeezed(other.name)) or \
            self.dblp is not None and (self.kind, self.dblp) == (other.kind, other.dblp)


# "arXiv preprint arXiv:...", "ArXiv", DBLP's "CoRR" journal and its "abs/2201.11903" volume
_NAMES_PREPRINT = re.compile(r"arxiv|\bcorr\b|^abs/", re.I)


def names_preprint(value: str) -> bool:
    """Whether a field's value names a preprint server (the one home of this rule).

    >>> names_preprint("arXiv preprint arXiv:2201.11903"), names_preprint("CoRR")
    (True, True)
    >>> names_preprint("abs/2201.11903"), names_preprint("Proc. of CORRIDOR")
    (True, False)
    """
    return _NAMES_PREPRINT.search(value) is not None


# Where and when a preprint appeared: on its published version these are the preprint's
# (journal = {arXiv preprint ...}, number = {arXiv:2103.05331}), never the published work's
# (biblatex's too: ``journaltitle``, and ``pubstate = {preprint}`` Zotero writes)
_PREPRINT_PLACE = frozenset({"journal", "journaltitle", "howpublished", "publisher", "volume",
                             "number", "month", "pubstate"})
# fields that may name the preprint itself: NASA ADS writes its id as the eid and the pages
# ("arXiv:2201.11903"), which would print as the published paper's pages
_NAMING_THE_PREPRINT = frozenset({"note", "doi", "eid", "pages"})


def preprint_only(name: str, value: str) -> bool:
    """Whether a field of an entry citing a preprint is the preprint's alone, left off the
    entry of its published version: where and when the preprint appeared, or a note or DOI
    naming the preprint server (the one home of this rule: upgrade and verify --fix ask it).

    >>> preprint_only("number", "arXiv:2103.05331"), preprint_only("note", "arXiv preprint")
    (True, True)
    >>> preprint_only("note", "Oral presentation"), preprint_only("title", "arXiv")
    (False, False)
    >>> preprint_only("pages", "arXiv:2201.11903"), preprint_only("pages", "24824--24837")
    (True, False)
    """
    return name in _PREPRINT_PLACE or name in _NAMING_THE_PREPRINT and names_preprint(value)


def names_a_venue(text: str) -> bool:
    """Whether an unknown venue text reads as a venue's name (several words, one of them a
    venue's word), not a short name the table may lack ("TACL", "Nature")."""
    words = re.findall(r"[A-Za-z]+", text)
    return len(words) >= 3 and bool(_VENUE_WORD.search(text))


_VENUE_WORD = re.compile(r"\b(?:conference|proceedings|symposium|workshop|journal|"
                         r"transactions|letters|review|meeting|congress|proc)\b", re.I)


# The longest text read as a venue's name: proceedings names with their edition, dates and
# place stay under 400 characters; the table's 40,000 full names are each looked for in it.
MAX_VENUE_CHARS = 1000


@lru_cache(maxsize=4096)  # a bibliography names a few venues many times; each is a table scan
def venue_of(text: str) -> Venue | None:
    """The venue ``text`` names (a booktitle, a journal, a list's label), or ``None`` when
    it names none this table knows.

    >>> venue_of("International Conference on Machine Learning, {ICML} 2022, Baltimore").dblp
    'conf/icml'
    >>> venue_of("ICLR 2023 Workshop on Trustworthy ML").kind, venue_of("DPFM@ICLR 2024").kind
    ('workshop', 'workshop')
    >>> venue_of("arXiv preprint arXiv:1308.3432").kind, venue_of("Imaginary Clustering")
    ('preprint', None)
    """
    if len(text) > MAX_VENUE_CHARS:  # no venue's name: each full name is looked for in it
        return None
    plain = " ".join(latex_to_text(text).split())
    if not plain:
        return None
    table = _table()
    if names_preprint(plain):
        return table.preprint
    journal = table.journals.get(squeezed(_without_numbers(plain)))
    if journal is not None:  # the whole text a journal's name (or its ISO 4 abbreviation)
        return journal
    held_at = _HELD_AT.search(plain)
    if held_at is not None:  # "DPFM@ICLR 2024": an event of its own, else a workshop there
        event = _conference_in(held_at.group("event"), table)
        host = _conference_in(plain[held_at.end():], table)
        return event or _workshop_at(host, plain)
    host = _conference_in(plain, table)
    if re.search(r"\bfindings\b", plain, re.I):
        return Venue(f"Findings{f' of {host.acronym}' if host else ''}",
                     "Findings of the Association for Computational Linguistics", "findings",
                     "conf/acl")
    if re.search(r"\bworkshops?\b", plain, re.I) and (host is None or host.kind != "workshop"):
        return _workshop_at(host, plain)
    return host


def _workshop_at(host: Venue | None, plain: str) -> Venue:
    """A workshop held at ``host`` (a conference), or of no venue known, named ``plain``."""
    return Venue(f"{host.acronym} Workshop" if host else "Workshop",
                 f"a workshop of {host.name}" if host else plain, "workshop", None)


@lru_cache(maxsize=4096)  # a bibliography's records name a few proceedings many times
def joint_venues(text: str) -> tuple[Venue, ...]:
    """The conferences a joint event's name joins (``LREC-COLING 2024``, DBLP's
    ``{LREC/COLING} 2024``, ``EMNLP-IJCNLP``), each of which it is; none for one venue.

    >>> [v.acronym for v in joint_venues("Proceedings of LREC/COLING 2024, Torino")]
    ['LREC', 'COLING']
    """
    if len(text) > MAX_VENUE_CHARS or not re.search(r"\w[-/]\w", text):
        return ()
    table = _table()
    for joined in _JOINED.finditer(latex_to_text(text)):
        members = [venue for part in re.split(r"[-/]", joined.group())
                   if (venue := _acronym(part, table, False)) is not None]
        if len(members) >= 2:
            return tuple(members)
    return ()


_JOINED = re.compile(r"(?<![\w/-])[A-Za-z]{2,20}+(?:[-/][A-Za-z]{2,20}+){1,3}+(?![\w/-])")


# an event held at a conference, as DBLP and lists name workshops ("BlackboxNLP@EMNLP",
# "NewSum @ EMNLP 2023"); an address's "@" stands between words, not before a capital
_HELD_AT = re.compile(r"(?<![\w.@-])(?P<event>[A-Za-z][A-Za-z0-9&*-]{1,30}+)[ \t]?@[ \t]?(?=[A-Z])")


def _conference_in(plain: str, table: _Table) -> Venue | None:
    """The conference an acronym word of ``plain`` names (``{ICML} 2022``), else the longest
    full name it holds ("Proceedings of the 39th International Conference on ..."), else
    the one its whole text names once the organiser's words are left out. An acronym
    just before "Conference" may be the organiser ("International AAAI Conference on Web
    and Social Media" is ICWSM): a full name held wins over it. A word of the full name
    held is no acronym of another venue: "ACM Symposium on Cloud Computing" is SoCC, not
    CLOUD; "USENIX Security Symposium" is no USENIX ATC."""
    words = squeezed(_without_numbers(plain))
    held = _name_held(words, table)
    named, organiser = _acronym_in(plain, table, frozenset(held[1].split()) if held else
                                   frozenset())
    if named is not None:
        return named
    if held:
        return held[0]
    stripped = _without_organisers(words)
    return organiser or (_names_without_organisers().get(stripped) if stripped else None) or \
        _conference_cores().get(_core(stripped)) or _abbreviated_name(plain)


def _name_held(words: str, table: _Table) -> tuple[Venue, str] | None:
    """The first full name ``words`` (squeezed) holds, the longest where two start there,
    with that name; a name cut short by a longer one that goes on past its end is none
    ("international conference on neural information processing" in "... processing
    systems" is NeurIPS, not ICONIP)."""
    spaced = f" {words} "
    spans = [(start, start + len(name), name, venue) for name, venue in table.names.items()
             for start in (spaced.find(f" {name} "),) if start >= 0]
    whole = [span for span in spans
             if not any(other[0] < span[1] < other[1] for other in spans)]
    if not whole:
        return None
    _start, _end, name, venue = min(whole, key=lambda span: (span[0], span[0] - span[1]))
    return venue, name


def _acronym_in(plain: str, table: _Table, name_words: frozenset[str] = frozenset()
                ) -> tuple[Venue | None, Venue | None]:
    """The venue the first acronym word of ``plain`` names, and the first one named just
    before "Conference" (maybe the organiser), each or ``None``; a word of ``name_words``
    (the full name the text holds) is none."""
    organiser = None
    several = next((m for m in _several_word_acronyms().finditer(plain)
                    if not set(m.group().lower().split()) <= name_words), None)
    words = list(_WORD.finditer(plain))
    # a venue written as its acronym alone, in a reference manager's case ("Acl", "in
    # Emnlp", "Naacl2016"): in other words, a capitalised word is a word
    alone = sum(w.group().lower() not in _FILLER for w in words) == 1
    for match in words:
        if several is not None and match.start() >= several.start():  # "USENIX Security"
            return table.acronyms[several.group()], organiser
        word = match.group()
        for part in (word, *word.split("-")):  # "EMNLP-IJCNLP": the first is the host
            found = _acronym(part, table, alone) or _acronym(_GLUED_YEAR.sub("", part), table,
                                                             alone)  # "EMNLP2014"
            if found is None or part.lower() in name_words:
                continue
            if not _BEFORE_CONFERENCE.match(plain, match.end()):
                return found, organiser
            organiser = organiser or found
            break
    return None, organiser


def _acronym(word: str, table: _Table, alone: bool) -> Venue | None:
    """The venue ``word`` is the acronym of, as written or in capitals where it has two
    capitals at least (``NeurIPS``, not the word "Date") or stands ``alone``."""
    return table.acronyms.get(word) or (table.acronyms.get(word.upper()) if alone or sum(
        c.isupper() for c in word) >= 2 else None)


_GLUED_YEAR = re.compile(r"(?<=[A-Za-z])(?:19|20)?\d\d$")


@lru_cache(maxsize=1)
def _several_word_acronyms() -> re.Pattern[str]:
    """The acronyms of more than one word ("USENIX Security", "ACM MM"), longest first:
    a word alone of them may name another venue or none."""
    several = sorted((a for a in _table().acronyms if " " in a), key=len, reverse=True)
    if not several:  # (an empty alternative would match everywhere)
        return re.compile(r"(?!)")
    return re.compile(r"(?<![\w/])(?:" + "|".join(map(re.escape, several)) + r")(?![\w/])")


# "AAAI Conference on", "ACM SIGKDD Conference on", "AAAI Symposium on"
_BEFORE_CONFERENCE = re.compile(r"\s+(?:International\s+)?(?:Conference|Symposium)\b", re.I)
# Words that say who organises a conference or how widely, which real names of one venue
# write or leave out ("ACM Conference on Intelligent User Interfaces", "Proceedings of the
# 28th International Conference on Intelligent User Interfaces"). Journals keep them:
# "Journal of Forecasting" and "International Journal of Forecasting" are two journals.
_ORGANISER_WORDS = frozenset({"acm", "ieee", "cvf", "international"})


def _abbreviated_name(plain: str) -> Venue | None:
    """The one conference whose full name ``plain`` abbreviates word by word, as ISO 4 and
    the styles built on it write names (``Adv. Neural Inf. Process. Syst.``, ``Proc. Int.
    Conf. Mach. Learn.``, ``Proc. Int. Jt. Conf. Artif. Intell.``): each word an
    abbreviation of the name's word in its place (``_abbreviates``), the small words,
    organisers and editions aside."""
    if plain.count(". ") + plain.endswith(".") < 2:
        return None
    words = _name_words(squeezed(_without_numbers(plain)))
    if len(words) < 2:
        return None
    found = {venue for name, venue in _abbreviable_names().get(len(words), ())
             if all(_abbreviates(short, full) for short, full in zip(words, name))}
    return found.pop() if len(found) == 1 else None


def _abbreviates(short: str, full: str) -> bool:
    """Whether ``short`` is ``full`` or an abbreviation of it: its start, or its letters in
    order from the same first letter (ISO 4's "Jt." for "Joint", "Natl." for "National")."""
    return full.startswith(short) or short[:1] == full[:1] and len(short) < len(full) and \
        _in_order(short, full)


def _name_words(words: str) -> tuple[str, ...]:
    return tuple(w for w in words.split() if w not in _ORGANISER_WORDS and w not in _SMALL_WORDS)


# words ISO 4 leaves out of an abbreviation, and those names write or leave out ("Annu.",
# "Int.": "annual" and "international" are left out of the names compared)
_SMALL_WORDS = frozenset({"on", "and", "for", "in", "of", "the", "a", "an", "annu", "annual",
                          "int", "intl"})


@lru_cache(maxsize=1)
def _abbreviable_names() -> dict[int, list[tuple[tuple[str, ...], Venue]]]:
    """Each conference's full name as its words (``_name_words``), by their count."""
    by_count: dict[int, list[tuple[tuple[str, ...], Venue]]] = {}
    for name, venue in _table().names.items():
        if venue.kind == "conference":
            words = _name_words(name)
            by_count.setdefault(len(words), []).append((words, venue))
    return by_count


def _without_organisers(words: str) -> str:
    return " ".join(w for w in words.split() if w not in _ORGANISER_WORDS)


def _core(words: str) -> str:
    """A conference's name (squeezed, organisers aside) without the words that say it is
    one: "conference on neural information processing systems" is "neural information
    processing systems", as Semantic Scholar writes it."""
    return " ".join(w for w in words.split() if w not in _EVENT_WORDS)


_EVENT_WORDS = frozenset({"proceedings", "annual", "conference", "on", "of", "the"})


@lru_cache(maxsize=1)
def _conference_cores() -> dict[str, Venue | None]:
    """Each conference's name core (``_core``) of three words or more (a shorter one,
    "computer vision", "data mining", names a field, not a venue)."""
    return _conferences_by(lambda name: _core(_without_organisers(name)), min_words=3)


@lru_cache(maxsize=1)
def _names_without_organisers() -> dict[str, Venue | None]:
    """Each conference's full name without the organiser's words."""
    return _conferences_by(_without_organisers)


def _conferences_by(key_of: Callable[[str], str], min_words: int = 1
                    ) -> dict[str, Venue | None]:
    """Each conference by ``key_of`` its full name (a key of ``min_words`` words or more);
    a key two venues share names neither (``None``)."""
    found: dict[str, Venue | None] = {}
    for name, venue in _table().names.items():
        if venue.kind == "conference" and len((key := key_of(name)).split()) >= min_words:
            found[key] = venue if found.get(key, venue) == venue else None
    return found


_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]*[A-Za-z0-9]")
# (one quantifier before the endings: "[a-z]+-?[a-z]*" before them tried every split of a
# long word, its length squared)
_ORDINALS = re.compile(r"\b(?:\d+(?:st|nd|rd|th)|\d+|(?:[a-z]+-[a-z]*?|[a-z]+?)(?:first|second|"
                       r"third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|"
                       r"twelfth|teenth|tieth))\b", re.I)


def _without_numbers(text: str) -> str:
    """A venue's name without its edition, year, volume and place words' numbers."""
    return _ORDINALS.sub(" ", text)


def journal_name(written: str) -> tuple[str | None, str]:
    """A journal list's name as its acronym, if the name ends with one, and the name
    without it.

    >>> journal_name("Journal of Machine Learning Research (JMLR)")
    ('JMLR', 'Journal of Machine Learning Research')
    """
    inside = _JOURNAL_ACRONYM.search(written)
    return (inside.group(1), written[:inside.start()]) if inside else (None, written)


_JOURNAL_ACRONYM = re.compile(r"\s*\(([A-Z][A-Za-z]{1,9})\)$")


def squeezed(text: str) -> str:
    """Lowercase ASCII words, "proceedings of the" and dots left out: how names compare."""
    words = _LOWER_WORD.findall((text if text.isascii() else ascii_fold(text)).lower())
    return " ".join(w for w in words if w not in _FILLER)


_LOWER_WORD = re.compile(r"[a-z0-9]+")  # (the table squeezes 40,000 names at its first use)


_FILLER = frozenset({"proceedings", "proc", "of", "the", "in", "annual"})


def _in_order(letters: str, word: str) -> bool:
    """Whether ``letters`` are in ``word`` in that order (``NIPS`` in ``NEURIPS``)."""
    rest = iter(word)
    return all(letter in rest for letter in letters)


class _Journals:
    """The journals by squeezed full name, ISO 4 abbreviation or acronym: those of the
    conference data (``given``) and the journal list's ``rows``, each journal's ``Venue``
    made when first asked for (a run asks for a few of its 19,000: making them all was half
    the table's cost). A journal the list gives several rows (one per abbreviation) is one
    ``Venue``, made of its row with an acronym (``... (JMLR)``), else its first; a journal
    of the conference data (TACL, TMLR) keeps its acronym and stream, with the list's
    abbreviation."""

    def __init__(self, given: dict[str, Venue], rows: list[list[str]]) -> None:
        self._given = given
        self._rows = rows
        self._row_of: dict[str, int] = {}
        self._first: dict[str, int] = {}  # name key -> the row its Venue is made of
        self._made: dict[int, Venue] = {}
        for index, (written, _abbreviation, name_key, abbreviation_key) in enumerate(rows):
            acronym = _JOURNAL_ACRONYM.search(written) if written.endswith(")") else None
            if acronym is not None or name_key not in self._first:
                self._first[name_key] = index
            keys = [name_key, abbreviation_key]
            if acronym is not None and acronym.group(1).isupper() and len(acronym.group(1)) > 2:
                keys.append(acronym.group(1).lower())  # "JMLR" alone (a place is no acronym)
            for key in keys:
                if acronym is not None or key not in self._row_of and key not in given:
                    self._row_of[key] = index

    def get(self, key: str) -> Venue | None:
        index = self._row_of.get(key)
        if index is None:
            given = self._given.get(key)
            index = self._first.get(key) if given is not None and given.kind == "journal" \
                else None
            if index is None:
                return given
        return self._venue(self._first[self._rows[index][2]])

    def _venue(self, index: int) -> Venue:
        if index not in self._made:
            written, abbreviation, name_key, _key = self._rows[index]
            acronym, name = journal_name(written)
            given = self._given.get(name_key)
            if given is not None and given.kind != "journal":  # PMLR: a series, no journal
                self._made[index] = given
            elif given is not None:
                self._made[index] = Venue(given.acronym, given.name, "journal", given.dblp,
                                          abbreviation)
            else:
                self._made[index] = Venue(acronym or abbreviation, name, "journal",
                                          abbreviation=abbreviation)
        return self._made[index]


@dataclass(frozen=True)
class _Table:
    acronyms: dict[str, Venue]  # acronym as written -> venue
    names: dict[str, Venue]  # squeezed full name -> conference
    journals: _Journals  # squeezed full name or ISO 4 abbreviation -> journal
    preprint: Venue


@lru_cache(maxsize=1)
def _table() -> _Table:
    data: dict[str, Any] = json.loads(
        (Path(__file__).parent / "data" / "venues.json").read_text(encoding="utf-8"))
    acronyms: dict[str, Venue] = {}
    names: dict[str, Venue] = {}
    journals: dict[str, Venue] = {}
    by_stream: dict[str, Venue] = {}
    journal_streams: dict[str, Venue] = {}
    # each name comes with its key (``squeezed``), made by scripts/build_venues.py; the
    # exceptions first: a venue's newer name there ("The Web Conference") is the one written
    for acronym, name, kind, stream, key in data["exceptions"] + data["conferences"]:
        # (AsiaCCS and CCS share DBLP's conf/ccs; PNAS has two names, one stream)
        known = by_stream.get(stream) or journal_streams.get(stream)
        venue = known if known and known.acronym == acronym else Venue(acronym, name, kind,
                                                                        stream)
        if kind in ("conference", "workshop"):
            acronyms.setdefault(acronym, venue)
            names.setdefault(key, venue)
            if stream:
                by_stream.setdefault(stream, venue)
        else:
            acronyms.setdefault(acronym, venue)
            journals.setdefault(key, venue)
            if stream:
                journal_streams.setdefault(stream, venue)
    for stream, venue in by_stream.items():  # conf/kdd: "KDD" names SIGKDD, "NIPS" NeurIPS
        alias = stream.partition("/")[2].upper()
        # only a stream named by the acronym's letters, in order: conf/cloud is SoCC and
        # conf/usenix USENIX ATC, but "IEEE CLOUD" and "USENIX Security" are other venues
        if len(alias) >= 3 and alias.isalpha() and _in_order(alias, venue.acronym.upper()):
            acronyms.setdefault(alias, venue)
    for stream, _name, key in data["proceedings"]:
        if stream in by_stream:
            names.setdefault(key, by_stream[stream])
    listed = _Journals(journals, data["journals"])
    # a journal of the exceptions by any of its names or its acronym ("TACL", PNAS's shorter
    # name) as its full name is known: with the list's abbreviation
    for spellings in (journals, acronyms):
        for written, venue in spellings.items():
            if venue.kind == "journal":
                spellings[written] = listed.get(squeezed(venue.name)) or venue
    return _Table(acronyms, names, listed,
                  next(v for v in acronyms.values() if v.kind == "preprint"))
