"""The library's data: entries, the category tree, the list's corrections; lookup and filtering.

Nothing here knows files, sources or the CLI: ``bibfile`` reads and writes a ``Library``,
``exports`` render one.
"""

from __future__ import annotations

import gc
import os
import re
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, overload

from llm4anno_bib._text import folded_words, latex_to_text, normalise_title, shortened
from llm4anno_bib.errors import Llm4AnnoBibError, UnknownCategory, UnknownKey, closest
from llm4anno_bib.ids import arxiv_id_in, identities, month_number
from llm4anno_bib.names import Name, Person, known_splits, split_name, split_names
from llm4anno_bib.venues import names_a_venue, names_preprint, venue_of

if TYPE_CHECKING:  # only for annotations: pandas is optional, the others are floors above
    import pandas

    from llm4anno_bib.filetext import SourceText
    from llm4anno_bib.stats import Stats

__all__ = ["CURATED_FIELD", "Category", "Correction", "Entry", "Library", "slugify"]

# The library's own blocks in library.bib (see bibfile): @comment{<name> ...}

# The per-entry protection: ``curated = {title, pages}`` names fields that ``update`` never
# overwrites; ``*`` leaves the whole entry alone; ``key`` marks a key chosen by hand (``check``
# does not hold it to the key rule); ``type`` keeps the entry type.
CURATED_FIELD = "curated"


def slugify(heading: str) -> str:
    """The category slug of a heading: lowercase ASCII words joined by ``-``.

    >>> slugify("Chain-of-Thought Prompting (CoT)")
    'chain-of-thought-prompting-cot'
    """
    return "-".join(folded_words(heading))


class Fields(dict[str, str]):
    """An entry's fields: a read-only ``dict`` (lowercase names, LaTeX values without their
    enclosing braces, in file order). Read-only so that an entry cannot drift from its
    values; a ``dict`` so that it pickles, copies and converts like one."""

    __slots__ = ("_content_hash",)

    def content_hash(self) -> int:
        """A hash of every name and value (taken once: the fields never change)."""
        try:
            return self._content_hash
        except AttributeError:
            self._content_hash: int = hash(frozenset(self.items()))
            return self._content_hash

    def _read_only(self, *args: object, **kwargs: object) -> None:
        raise TypeError("an entry's fields are read-only: make a changed entry with "
                        "entry.replace(name=value) or Entry.from_fields(...)")

    # (the signatures differ from dict's on purpose: each one only raises)
    __setitem__ = __delitem__ = clear = pop = popitem = _read_only  # type: ignore[assignment]
    setdefault = update = __ior__ = _read_only  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type[Fields], tuple[dict[str, str]]]:
        return (Fields, (dict(self),))

    def __copy__(self) -> Fields:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Fields:
        return self  # immutable, and its values are strings


# What was read from each entry's fields so far (each value once, on first use). Kept apart
# from the entry so that it is no field of it (pickling, ``dataclasses.asdict``, equality);
# equal entries have equal fields, so they may share it.
_DERIVED: weakref.WeakKeyDictionary[Entry, dict[str, Any]] = weakref.WeakKeyDictionary()
_Value = TypeVar("_Value")


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Entry:
    """One work of the library, as its BibTeX entry says.

    ``fields`` holds every field in file order with its LaTeX value (no enclosing braces);
    everything else is read from them, as plain text where that makes sense, so it always
    follows them: ``dataclasses.replace(entry, fields=...)`` or ``entry.replace(year="2023")``
    gives an entry whose ``year`` and ``bibtex`` say 2023.

    >>> e = Entry.from_fields("k", "misc", {"title": "On {BERT}", "author": "Le Scao, Teven",
    ...                                     "year": "2022"})
    >>> e.title, e.authors, e.year
    ('On BERT', ('Teven Le Scao',), 2022)
    >>> e.replace(year="2023").year
    2023
    """

    key: str
    entry_type: str
    fields: Mapping[str, str] = field(hash=False, repr=False)

    def __post_init__(self) -> None:
        if not self.entry_type.islower():
            object.__setattr__(self, "entry_type", self.entry_type.lower())
        if type(self.fields) is not Fields:  # a Fields was made by this code: names lowercase
            object.__setattr__(self, "fields", Fields(
                (name.lower(), value) for name, value in self.fields.items()))

    def __hash__(self) -> int:
        # Of the whole content: the versions of one entry that live together (a notebook
        # reloading its library, each edit of an update) would otherwise share one hash, and
        # every lookup of a derived value would walk them all, comparing fields.
        fields = self.fields
        assert isinstance(fields, Fields)  # __post_init__ made it one
        return hash((self.key, self.entry_type, fields.content_hash()))

    @classmethod
    def from_fields(cls, key: str, entry_type: str, fields: Mapping[str, str]) -> Entry:
        """Build an entry from its raw BibTeX fields (names lowercase, values without braces).

        >>> e = Entry.from_fields("wei2022chain", "inproceedings",
        ...     {"title": "Chain-of-Thought Prompting", "author": "Jason Wei and Xuezhi Wang",
        ...      "year": "2022", "keywords": "chain-of-thought-prompting-cot"})
        >>> e.authors, e.year, e.categories
        (('Jason Wei', 'Xuezhi Wang'), 2022, ('chain-of-thought-prompting-cot',))
        """
        return cls(key, entry_type, fields)

    @classmethod
    def _known(cls, key: str, entry_type: str, fields: Mapping[str, str],
               derived: Mapping[str, object]) -> Entry:
        """An entry with some derived values already known (the library cache has them)."""
        entry = cls(key, entry_type, fields)
        _DERIVED[entry] = dict(derived)
        return entry

    def replace(self, **changes: str | None) -> Entry:
        """This entry with some fields changed (``None`` removes one); ``key`` and
        ``entry_type`` may be given too.

        >>> Entry.from_fields("k", "misc", {"title": "T", "note": "n"}).replace(note=None).fields
        {'title': 'T'}
        """
        key = changes.pop("key", None) or self.key
        entry_type = changes.pop("entry_type", None) or self.entry_type
        fields = dict(self.fields)
        for name, value in changes.items():
            if value is None:
                fields.pop(name.lower(), None)
            else:
                fields[name.lower()] = value
        return Entry(key, entry_type, fields)

    def _value(self, name: str, make: Callable[[], _Value]) -> _Value:
        known = _DERIVED.get(self)
        if known is None:
            known = _DERIVED[self] = {}
        if name not in known:
            known[name] = make()
        value: _Value = known[name]
        return value

    @property
    def title(self) -> str:
        """The title as plain text."""
        return self._value("title", lambda: _title_of(self.fields))

    @property
    def bib_authors(self) -> tuple[str, ...]:
        """The authors (else the editors) as the ``.bib`` writes them: BibTeX names, LaTeX
        and all (``'Le Scao, Teven'``, ``'Tam{\\'a}s V{\\"o}r{\\"o}s'``)."""
        return self._value("bib_authors", lambda: _bib_authors_of(self.fields))

    @property
    def names(self) -> tuple[Person, ...]:
        """Each author's name in parts, as plain text: ``given``, ``von``, ``family``, ``jr``
        (an organisation has only ``family``, with ``literal`` set)."""
        def split() -> tuple[Person, ...]:
            return tuple(split_name(name).person() for name in self.bib_authors)

        return self._value("names", split)

    @property
    def authors(self) -> tuple[str, ...]:
        """The authors as readers write them: plain text, given names first
        (``'Tamás Vörös'``, ``'Teven Le Scao'``)."""
        return self._value("authors", lambda: tuple(str(p) for p in self.names))

    @property
    def year(self) -> int | None:
        return self._value("year", lambda: _year_of(self.fields))

    @property
    def arxiv_id(self) -> str | None:
        """The ``eprint`` of an arXiv preprint (``archiveprefix``/``eprinttype`` arXiv)."""
        return self._value("arxiv_id", lambda: _arxiv_id_of(self.fields))

    @property
    def venue(self) -> str | None:
        """Where the work appeared, as plain text and as BibTeX prints it: the booktitle or
        journal (an article's journal first), a @misc's ``howpublished`` that is no bare link,
        ``arXiv`` for a preprint without one."""
        return self._value("venue", lambda: _venue_of(self.fields, self.arxiv_id,
                                                      self.entry_type))

    @property
    def categories(self) -> tuple[str, ...]:
        """The category slugs of the ``keywords`` field."""
        return self._value("categories", lambda: _categories_of(self.fields))

    @property
    def aliases(self) -> tuple[str, ...]:
        """Other keys of this entry (the ``ids`` field)."""
        return self._value("aliases", lambda: _aliases_of(self.fields))

    @property
    def doi(self) -> str | None:
        return self.fields.get("doi")

    @property
    def url(self) -> str | None:
        return self.fields.get("url")

    @property
    def curated(self) -> frozenset[str]:
        """The names this entry's ``curated`` field protects (lowercase; ``*`` for all).

        >>> sorted(Entry.from_fields("k", "misc", {"title": "T", "curated": "title, Pages"}).curated)
        ['pages', 'title']
        """
        value = self.fields.get(CURATED_FIELD, "")
        return frozenset(part.strip().lower() for part in re.split(r"[,\s]+", value) if part.strip())

    def identifiers(self) -> tuple[str, ...]:
        """What identifies the work across files: ``arxiv:``, ``doi:``, ``acl:`` ids and the
        normalised ``title:`` (``ids.identities``). Two entries sharing one are the same work.

        >>> Entry.from_fields("k", "misc", {"title": "On {BERT}", "doi": "10.1/X"}).identifiers()
        ('doi:10.1/x', 'title:on bert')
        """
        return self._value("identifiers", lambda: work_identifiers(self.fields))

    @property
    def bibtex(self) -> str:
        """This entry as BibTeX text, exactly as ``library.bib`` writes it."""
        from llm4anno_bib.outputs import entry_bibtex  # upward: import_graph.UPWARD

        return entry_bibtex(self)

    def _repr_html_(self) -> str:
        """A one-row table with links and the BibTeX, for notebooks."""
        from llm4anno_bib.outputs import entry_html  # upward: import_graph.UPWARD

        return entry_html(self)

    @property
    def month(self) -> int | None:
        """The month (1-12) of the ``month`` field (``nov``, ``November``) or of biblatex's
        ``date`` (``2022-07``), or ``None``."""
        if "month" in self.fields or "year" in self.fields:
            return month_number(self.fields.get("month", ""))
        dated = _DATE_MONTH.match(self.fields.get("date", "").strip())
        return month_number(dated.group(1)) if dated else None

    def cite(self, style: str = "plain", backend: str = "text") -> str:
        """This entry as a formatted reference (pybtex ``style`` and ``backend``).

        >>> import llm4anno_bib
        >>> print(llm4anno_bib.load()["wei2022chain"].cite()[:60])
        Jason Wei, Xuezhi Wang, Dale Schuurmans, Maarten Bosma, Bria
        """
        from llm4anno_bib.outputs import references  # upward: import_graph.UPWARD

        return references(Library([self]), style, backend)[self.key]

    def matches(self, *, year: int | None = None, venue: str | None = None,
                author: str | None = None, search: str | None = None) -> bool:
        """Whether the entry passes the filters that are not ``None`` (case-insensitive):
        ``venue`` an acronym (``ACL`` is not ``NAACL``) or words of the venue, ``author``
        words of one author's name in either order (``Zhen Tan``, ``Tan, Zhen``, ``Tan``),
        ``search`` every word somewhere in title, authors, venue or key."""
        if year is not None and self.year != year:
            return False
        if venue is not None and not self._venue_is(venue):
            return False
        if author is not None and not self._has_author(author):
            return False
        if search is not None:
            haystack = [self.title, self.key, self.venue or "",
                        self.fields.get("author") or self.fields.get("editor") or ""]
            return all(_contains(word, haystack) for word in search.split())
        return True

    def _venue_is(self, venue: str) -> bool:
        wanted = normalise_title(venue)
        acronym = venue_label(self)  # (a user's "Proceedings of the 28th ... Interfaces": IUI)
        if acronym and wanted == normalise_title(acronym):
            return True
        words = set(normalise_title(self.venue or "").split())
        return bool(wanted) and set(wanted.split()) <= words

    def _has_author(self, author: str) -> bool:
        wanted = set(normalise_title(author.replace(",", " ")).split())
        return bool(wanted) and any(wanted <= person for person in self._people_words())

    def _people_words(self) -> tuple[frozenset[str], ...]:
        """The words of each author's name (read from the field as it is: no name parser
        for a query)."""
        def read() -> tuple[frozenset[str], ...]:
            names = self.fields.get("author") or self.fields.get("editor") or ""
            return tuple(frozenset(normalise_title(name).split())
                         for name in " ".join(names.split()).split(" and "))

        return self._value("people_words", read)


def _contains(needle: str, haystack: Iterable[str]) -> bool:
    wanted = normalise_title(needle)
    return any(wanted in normalise_title(hay) for hay in haystack)


def _many(value: object, kinds: tuple[type, ...], what: str) -> tuple[Any, ...]:
    """One value or an iterable of them, each of ``kinds``; ``TypeError`` otherwise."""
    items = (value,) if isinstance(value, (str, Category, int)) else value
    try:
        items = tuple(items)  # type: ignore[arg-type]
    except TypeError:
        items = (value,)
    for item in items:
        if not isinstance(item, kinds) or isinstance(item, bool):
            allowed = " or ".join(k.__name__ for k in kinds)
            raise TypeError(f"{what} takes {allowed} (or several), not {type(item).__name__} "
                            f"{item!r}")
    return items


def _year(value: int | str) -> int:
    if isinstance(value, int):
        return value
    if value.strip().isdigit():
        return int(value.strip())
    raise TypeError(f"year takes a year such as 2022 or '2022', not {value!r}")


def _acronym(heading: str) -> str:
    """The acronym in a heading's parentheses, lowercase: ``'Instruction Tuning (IT)'`` ->
    ``'it'``."""
    found = re.search(r"\(([A-Za-z][A-Za-z0-9-]*)\)\s*$", heading)
    return found.group(1).lower() if found else ""


def _split_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


# What an entry reads from its fields, as functions of the fields alone: the entry keeps
# each on first use; the parsed-library cache derives every entry's once, keeping none.
def _title_of(fields: Mapping[str, str]) -> str:
    return latex_to_text(fields.get("title", ""))


def work_identifiers(fields: Mapping[str, str]) -> tuple[str, ...]:
    """``Entry.identifiers`` of an entry's fields, not kept: for a pass that reads each
    entry's once (keeping a value hashes every field of its entry)."""
    return identities(fields, _title_of(fields))


def _bib_authors_of(fields: Mapping[str, str]) -> tuple[str, ...]:
    return split_names(fields.get("author") or fields.get("editor") or "")


def _year_of(fields: Mapping[str, str]) -> int | None:
    found = _YEAR.search(fields.get("year", "") or fields.get("date", ""))
    return int(found.group(0)) if found else None


_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")  # "2020--2021", "May 2020"; not in "99999"
_DATE_MONTH = re.compile(r"\d{4}-(\d\d)(?!\d)")  # biblatex's ISO 8601 date: 2022-07-15


def _arxiv_id_of(fields: Mapping[str, str]) -> str | None:
    prefix = fields.get("archiveprefix", fields.get("eprinttype", ""))
    return fields.get("eprint") if prefix.lower() == "arxiv" else None


def venue_text(fields: Mapping[str, str], entry_type: str) -> str | None:
    """The venue field's value as BibTeX prints it: an article's journal (Semantic Scholar
    writes a booktitle beside it, which BibTeX ignores), else the booktitle, else a journal.

    >>> venue_text({"booktitle": "NeurIPS", "journal": "ArXiv"}, "Article")
    'ArXiv'
    """
    order = _ARTICLE_VENUES if entry_type.lower() == "article" else _VENUES
    return next((fields[name] for name in order if fields.get(name)), None)


def in_entrys_vocabulary(fields: Mapping[str, str], proposed: Mapping[str, _Value]
                         ) -> dict[str, _Value]:
    """Fields ``proposed`` for an entry of ``fields``, named in the words it uses: a biblatex
    entry (Zotero's Better BibTeX) dated by ``date`` gets the year there (a ``year`` beside it
    is overwritten by Biber, and a preprint's day is no date of its published version), the
    journal as ``journaltitle`` and the place as ``location`` (where it has no BibTeX
    ``journal`` or ``address`` of its own), and one with ``eprinttype`` the arXiv class as
    ``eprintclass``, never BibTeX's ``archiveprefix``/``primaryclass`` beside them.

    >>> in_entrys_vocabulary({"date": "2022-01-28", "eprinttype": "arxiv"},
    ...                      {"year": "2022", "archiveprefix": "arXiv", "primaryclass": "cs.CL",
    ...                       "address": "Toronto, Canada"})
    {'date': '2022', 'eprintclass': 'cs.CL', 'location': 'Toronto, Canada'}
    """
    renamed = {"year": "date"} if "date" in fields and "year" not in fields else {}
    biblatex = any(name in fields for name in _ONLY_BIBLATEX)
    renamed |= {bibtex: own for bibtex, own in _BIBLATEX_OWN.items()
                if own in fields or biblatex and bibtex not in fields}
    doubled = {"archiveprefix"} if "eprinttype" in fields else set()
    if "eprintclass" in fields:
        doubled.add("primaryclass")
    elif "eprinttype" in fields:
        renamed["primaryclass"] = "eprintclass"
    return {renamed.get(name, name): value for name, value in proposed.items()
            if name not in doubled}


# fields only biblatex reads (an entry with one is written for Biber), and its own names for
# two BibTeX fields it reads under either name
_ONLY_BIBLATEX = ("date", "journaltitle", "location", "eprinttype")
_BIBLATEX_OWN = {"journal": "journaltitle", "address": "location"}
_VENUES = ("booktitle", "journal", "journaltitle")
_ARTICLE_VENUES = ("journal", "journaltitle", "booktitle")


def _venue_of(fields: Mapping[str, str], arxiv_id: str | None,
              entry_type: str) -> str | None:
    raw = venue_text(fields, entry_type)
    said = fields.get("howpublished", "").strip() if raw is None else ""
    if said and entry_type.lower() in _HOWPUBLISHED_TYPES and not _LINK_ONLY.fullmatch(said):
        # what BibTeX prints, before the arXiv id ("DPFM@ICLR" for a workshop's paper)
        return "arXiv" if names_preprint(said) else latex_to_text(said)
    if raw is None and arxiv_id:
        return "arXiv"
    return latex_to_text(raw) if raw else None


# the types BibTeX's styles print a howpublished for, where no journal or booktitle is; a
# link alone is where the work is, not where it appeared
_HOWPUBLISHED_TYPES = frozenset({"misc", "online", "booklet", "unpublished"})
_LINK_ONLY = re.compile(r"(?:\\url\{[^{}]*\}|https?://\S+)")


def _categories_of(fields: Mapping[str, str]) -> tuple[str, ...]:
    return _split_list(fields.get("keywords", ""))


def _aliases_of(fields: Mapping[str, str]) -> tuple[str, ...]:
    return _split_list(fields.get("ids", ""))


def derived_values(fields: Mapping[str, str], entry_type: str) -> dict[str, Any]:
    """What the parsed-library cache keeps of an entry of these fields beside them
    (``title``, ``bib_authors``, ``venue``: where reading them takes LaTeX or braces;
    ``aliases``: for its key index), computed now and kept nowhere."""
    return {"title": _title_of(fields), "bib_authors": _bib_authors_of(fields),
            "venue": _venue_of(fields, _arxiv_id_of(fields), entry_type),
            "aliases": _aliases_of(fields)}


# What a parent (a DBLP export's @proceedings) gives the papers that cross-reference it and
# that a work's records are compared on; its DOI, pages and authors are its own, not theirs.
_INHERITED = ("booktitle", "journal", "journaltitle", "year", "publisher", "series", "volume")


def with_inherited(entries: Sequence[Entry]) -> list[Entry]:
    """Each entry with the venue its ``crossref`` parent in the same entries gives it, as
    BibTeX and Biber read it: the parent's fields the entry lacks, its title as the booktitle
    (Biber's rule; BibTeX styles print the parent's booktitle).

    >>> paper = Entry.from_fields("p", "inproceedings", {"title": "T", "crossref": "conf"})
    >>> conf = Entry.from_fields("conf", "proceedings", {"title": "Proc. of ICML 2021",
    ...                                                  "year": "2021", "doi": "10.1/x"})
    >>> read = with_inherited([paper, conf])[0]
    >>> read.fields["booktitle"], read.year, "doi" in read.fields
    ('Proc. of ICML 2021', 2021, False)
    """
    by_key = {entry.key.lower(): entry for entry in reversed(entries)}  # the first wins
    return [inherited_from(entry, by_key.get(entry.fields.get("crossref", "").strip().lower()))
            for entry in entries]


def inherited_from(entry: Entry, parent: Entry | None) -> Entry:
    """``entry`` with what its ``crossref`` ``parent`` gives it (see ``with_inherited``)."""
    if parent is None or parent is entry:
        return entry
    given = {name: parent.fields[name] for name in _INHERITED
             if parent.fields.get(name) and not entry.fields.get(name)}
    if not any(given.get(n) or entry.fields.get(n) for n in _VENUES) and \
            parent.fields.get("title"):
        given["booktitle"] = parent.fields["title"]
    return entry.replace(**given) if given else entry


_ACRONYMS = (
    ("Findings of the Association for Computational Linguistics", None),
    ("Empirical Methods in Natural Language Processing", "EMNLP"),
    ("North American Chapter of the Association for Computational Linguistics", "NAACL"),
    ("European Chapter of the Association for Computational Linguistics", "EACL"),
    ("Annual Meeting of the Association for Computational Linguistics", "ACL"),
    ("Computational Linguistics", "CL"),
    ("Neural Information Processing Systems", "NeurIPS"),
    ("International Conference on Learning Representations", "ICLR"),
    ("International Conference on Machine Learning", "ICML"),
    ("Intelligent User Interfaces", "IUI"),
    ("European Conference on Information Retrieval", "ECIR"),
    ("ACM Computing Surveys", "CSUR"),
    ("Journal of Computational Social Science", "JCSS"),
)


def venue_acronym(entry: Entry) -> str:
    """The short name of an entry's venue (``EMNLP``, ``ICLR``, ``arXiv``), or ``''``.

    Findings volumes are named after their conference (``Findings of ...: ACL 2023`` is ACL).
    """
    venue = entry.venue or ""
    if venue.startswith("Findings of the Association for Computational Linguistics"):
        match = re.search(r":\s*([A-Za-z-]+)", venue)
        return match.group(1) if match else "Findings"
    for phrase, acronym in _ACRONYMS:
        if acronym and phrase in venue:
            return acronym
    return venue if venue == "arXiv" else ""


def short_venue(entry: Entry) -> str | None:
    """An entry's venue by its short name, as a finding names it: a Findings volume kept
    apart from its conference ("Findings of ACL", where ``venue_acronym`` names it after its
    conference, as a list shows it, which would make a paper of Findings one of the main
    conference); else its acronym or its text."""
    known = venue_of(entry.venue) if entry.venue else None
    if known is not None and known.kind == "findings":
        return known.acronym
    return venue_acronym(entry) or entry.venue


def venue_label(entry: Entry) -> str:
    """An entry's venue as a table of works shows it: its acronym (``venue_acronym``), else
    the short name the venue table gives ("arXiv e-prints" is arXiv, "Proceedings of the 28th
    International Conference on Intelligent User Interfaces" IUI), else its text; ``''``
    without one."""
    acronym, venue = venue_acronym(entry), entry.venue or ""
    if acronym or not venue:
        return acronym
    if names_preprint(venue):
        return "arXiv"
    # (the table is read only for what reads as a venue's name, in full or abbreviated
    # word by word, "Adv. Neural Inf. Process. Syst.": its first use costs a query)
    known = venue_of(venue) if names_a_venue(venue) or venue.count(". ") >= 2 else None
    return known.acronym if known is not None else venue


_VENUE_WORDS = {"neurips": "NeurIPS", "nips": "NeurIPS", "iclr": "ICLR", "icml": "ICML",
                "emnlp": "EMNLP", "naacl": "NAACL", "eacl": "EACL", "acl": "ACL",
                "tacl": "TACL", "aaai": "AAAI", "ijcai": "IJCAI", "coling": "COLING",
                "tmlr": "TMLR"}


# Every acronym ``venue_key`` can give: a venue named otherwise cannot be compared with one
KNOWN_VENUES = frozenset(a for _phrase, a in _ACRONYMS if a) | frozenset(_VENUE_WORDS.values())


def venue_key(entry: Entry) -> str | None:
    """The acronym of the venue an entry names, by its full name (``venue_acronym``) or by
    an acronym word in its booktitle or journal (``Proc. of NeurIPS``); ``None`` for a
    preprint or an unknown venue.

    >>> venue_key(Entry.from_fields("k", "inproceedings", {"booktitle": "Proc. of {NeurIPS}"}))
    'NeurIPS'
    """
    acronym = venue_acronym(entry)
    if acronym and acronym != "arXiv":
        return acronym
    text = latex_to_text(venue_text(entry.fields, entry.entry_type) or "")
    for word in re.findall(r"[A-Za-z]+", text):
        if word.lower() in _VENUE_WORDS:
            return _VENUE_WORDS[word.lower()]
    return None


@dataclass(frozen=True, slots=True)
class Category:
    """A section of the list. ``keys`` are its own works in list order; ``count`` includes
    the works of its sub-sections, each once."""

    slug: str
    heading: str
    depth: int
    parent: str | None
    keys: tuple[str, ...]
    count: int = 0


CORRECTION_KINDS = ("wrong-title", "wrong-link", "renamed", "duplicate", "broken-link",
                    "venue", "published", "unverified-venue", "incomplete-citation",
                    "unverified")


@dataclass(frozen=True, slots=True)
class Correction:
    """A mistake of the list and how the library corrects it.

    ``kind`` is one of ``CORRECTION_KINDS``: ``wrong-title`` (the title is another paper's),
    ``wrong-link`` (the link is another paper's), ``renamed`` (the paper's current title
    differs), ``duplicate`` (listed twice), ``broken-link``, ``venue`` (the label is wrong),
    ``published`` (an arXiv label for a paper since published), ``unverified-venue`` (a
    venue no recorded source holds), ``unverified`` (an item no source holds, cited from the
    list's own title, year and link) or ``incomplete-citation`` (the README's own citation
    block); ``said`` is what the list says, ``truth`` what the library cites instead,
    ``source`` the record that says so.
    """

    key: str
    kind: str
    said: str
    truth: str
    source: str


_BATCH = 1000  # entries built at a time when all are asked for


class LazyEntries(Sequence[Entry]):
    """A library's entries, each built when first asked for, with every entry's key and
    aliases known without building any: a large cached library then loads at the cost of
    reading it, and a command builds only the entries it reads (``_libcache``)."""

    def __init__(self, count: int, build: Callable[[int], Entry],
                 names: Callable[[], Sequence[tuple[str, Sequence[str]]]]) -> None:
        self._built: list[Entry | None] = [None] * count
        self._build = build
        self._names = names

    def __len__(self) -> int:
        return len(self._built)

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Entry, ...]: ...

    def __getitem__(self, index: int | slice) -> Entry | tuple[Entry, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        position = index + len(self) if index < 0 else index
        entry = self._built[index]  # raises the IndexError of a position out of range
        if entry is None:
            entry = self._built[position] = self._build(position)
        return entry

    def __iter__(self) -> Iterator[Entry]:
        start, batch = 0, _BATCH
        while start < len(self):
            stop = min(start + batch, len(self))
            self._build_all(start, stop)
            # (all built now: the test only tells the type checker so)
            yield from (entry for entry in self._built[start:stop] if entry)
            start, batch = stop, batch * 2

    def _build_all(self, start: int, stop: int) -> None:
        """Build the entries from ``start`` to ``stop`` with the cyclic collector paused: its
        passes over a heap of many entries made each cost more the larger the library (20
        us at 1k, 30 us at 200k). Batches double (``__iter__``), so a library of any size
        pauses it a few times: between fixed batches of 1,000 its passes over every entry
        built so far still took a third of a 200k library's build (17 us an entry, 11 at
        1k; 13 us now). No code but the building runs while it is paused."""
        running = gc.isenabled()
        gc.disable()
        try:
            for position in range(start, stop):
                if self._built[position] is None:
                    self._built[position] = self._build(position)
        finally:
            if running:
                gc.enable()

    def names(self) -> Sequence[tuple[str, Sequence[str]]]:
        """Each entry's key and aliases, in library order, without building it."""
        return self._names()


class _KeyedEntries(Mapping[str, Entry]):
    def __init__(self, positions: Mapping[str, int], entries: Sequence[Entry]) -> None:
        self._positions, self._entries = positions, entries

    def __getitem__(self, key: str) -> Entry:
        return self._entries[self._positions[key]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)


class Library:
    """An ordered, read-only collection of entries with the list's category tree.

    >>> import llm4anno_bib
    >>> lib = llm4anno_bib.load()
    >>> lib["wei2022chain"].year
    2022
    """

    def __init__(
        self,
        entries: Sequence[Entry],
        tree: Sequence[Category] = (),
        corrections: Sequence[Correction] = (),
        survey_key: str | None = None,
        path: str | None = None,
        intro: str = "",
        whole: Library | None = None,
        source: SourceText | Callable[[], SourceText | None] | None = None,
        file_digest: str | None = None,
    ) -> None:
        self._entries: Sequence[Entry] = entries if isinstance(entries, LazyEntries) else \
            tuple(entries)
        self._positions: tuple[dict[str, int], dict[str, int]] | None = None
        self._tree = tuple(tree)
        self._corrections = tuple(corrections)
        self.survey_key = survey_key
        self.path = path
        self.intro = intro  # the list README's introduction (see listmd.render_list)
        # the comment a file written anew opens with (None: the shipped library's); a list's
        # import says which list it holds and how it was made
        self.header: str | None = None
        # the library this one was filtered from: name splits are learnt from all of it
        self._whole: Library = whole._whole if whole is not None else self
        self._name_splits: dict[str, Name] | None = None
        self._folded: dict[str, int] | None = None
        # a loader may give the source as a function: built when first asked for
        self._source = source if whole is None else None
        # the content digest of the file these entries are exactly as read from (a loader
        # says so): what is derived from all of them may be kept under it
        self.file_digest = file_digest if whole is None else None

    @property
    def source(self) -> SourceText | None:
        """The text of the file this library was read from (``filetext.SourceText``):
        saving writes over it, so that what did not change keeps its bytes."""
        if self._whole is not self:
            return self._whole.source
        if callable(self._source):
            self._source = self._source()
        return self._source

    @property
    def _by_key(self) -> dict[str, int]:
        """The position of each key's entry."""
        return self._key_positions()[0]

    @property
    def _by_alias(self) -> dict[str, int]:
        """The position of each alias's entry."""
        return self._key_positions()[1]

    def _keyed(self) -> Mapping[str, Entry]:
        """Each entry under its key (not its aliases), built when it is looked up."""
        return _KeyedEntries(self._by_key, self._entries)

    def _key_positions(self) -> tuple[dict[str, int], dict[str, int]]:
        if self._positions is None:
            names: Iterable[tuple[str, Sequence[str]]] = self._entries.names() \
                if isinstance(self._entries, LazyEntries) else \
                ((e.key, e.aliases) for e in self._entries)
            by_key: dict[str, int] = {}
            by_alias: dict[str, int] = {}
            for position, (key, aliases) in enumerate(names):
                by_key[key] = position
                for alias in aliases:
                    by_alias[alias] = position
            self._positions = by_key, by_alias
        return self._positions

    # -- container protocol ---------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._entries)

    def keys(self) -> list[str]:
        """The entries' keys in library order, read without building an entry.

        >>> import llm4anno_bib
        >>> "wei2022chain" in llm4anno_bib.load().keys()
        True
        """
        return list(self._by_key)

    def _keys_as_read(self) -> list[str] | None:
        """Every key, where every entry is exactly as read from the library's file and no
        entry need be built to tell (a cached file's entries, whole or unfiltered); else
        ``None``."""
        whole = self._whole
        if isinstance(self._entries, LazyEntries) and self._entries is whole._entries and \
                whole.file_digest is not None:
            return self.keys()
        return None

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries)

    def __contains__(self, item: object) -> bool:
        """A key or alias of an entry here, or an entry here."""
        if isinstance(item, Entry):
            position = self._by_key.get(item.key)
            return position is not None and self._entries[position] == item
        return isinstance(item, str) and self.get(item) is not None

    @overload
    def __getitem__(self, key: str | int) -> Entry: ...

    @overload
    def __getitem__(self, key: slice) -> Library: ...

    def __getitem__(self, key: str | int | slice) -> Entry | Library:
        """The entry of a key or alias (any case, as BibTeX matches keys), the entry at a
        position, or the library of a slice (``lib[:3]``).

        Raises ``UnknownKey`` (a ``KeyError``, with the closest keys) for a key that is none.
        """
        if isinstance(key, slice):
            return Library(tuple(self._entries[key]), self._tree, self._corrections, self.survey_key,
                           self.path, self.intro, whole=self)
        if isinstance(key, int) and not isinstance(key, bool):
            return self._entries[key]
        if not isinstance(key, str):
            raise TypeError(f"a library is indexed by key, position or slice, not "
                            f"{type(key).__name__}")
        entry = self.get(key)
        if entry is None:
            raise UnknownKey(
                f"no entry has the key '{key}'.",
                key=key,
                suggestions=closest(key, [*self._by_key, *self._by_alias]),
            )
        return entry

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Library):
            return NotImplemented
        return (self.entries, self._tree, self._corrections, self.survey_key, self.intro) == \
            (other.entries, other._tree, other._corrections, other.survey_key, other.intro)

    # equal by content, and not immutable in path: unhashable, as a list is
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        what = (f"selection of {len(self)} of {len(self._whole)} entries" if self.is_selection
                else f"Library of {len(self)} entries")
        return f"<{what}{' from ' + self.path if self.path else ''}>"

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_whole"] = None if self._whole is self else self._whole
        # what is built on access is built now: a pickle holds plain entries and text
        state["_entries"], state["_source"] = self.entries, self.source
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        if state["_whole"] is None:
            self._whole = self

    def _ipython_key_completions_(self) -> list[str]:
        return [*self._by_key, *self._by_alias]

    def get(self, key: str) -> Entry | None:
        """The entry with this key or alias (``ids``), or ``None``. A key that differs only
        in case finds its entry too (BibTeX matches keys so); ``key_case`` says when it did."""
        position = self._by_key.get(key)
        if position is None:
            position = self._by_alias.get(key)
        if position is not None:
            return self._entries[position]
        position = self._folded_keys().get(key.lower()) if isinstance(key, str) else None
        return None if position is None else self._entries[position]

    def with_parents(self, selection: Library) -> Library:
        """``selection`` (of this library) with the entries of this library that its entries
        name as their ``crossref`` (BibTeX) or ``xref`` (biblatex) parent, and theirs, after
        them (BibTeX needs a parent after its child): an export of a paper of a DBLP export
        "with crossref" is whole only with its proceedings.

        >>> paper = Entry.from_fields("p", "inproceedings", {"title": "T", "crossref": "c"})
        >>> whole = Library([paper, Entry.from_fields("c", "proceedings", {"title": "P"})])
        >>> whole.with_parents(Library([paper])).keys()
        ['p', 'c']
        """
        if len(selection) == len(self):  # all of it: its parents are in it (none is built)
            return selection
        taken = {entry.key.lower() for entry in selection}
        parents: list[Entry] = []
        waiting = list(selection)
        while waiting:
            entry = waiting.pop(0)
            for name in ("crossref", "xref"):
                parent = self.get(entry.fields.get(name, "").strip())
                if parent is not None and parent.key.lower() not in taken:
                    taken.add(parent.key.lower())
                    parents.append(parent)
                    waiting.append(parent)
        return selection.with_entries([*selection, *parents]) if parents else selection

    def key_case(self, key: str) -> str | None:
        """The key an entry has when ``key`` names it only without case (``Wei2022Chain`` for
        ``wei2022chain``), else ``None``."""
        if key in self._by_key or key in self._by_alias:
            return None
        position = self._folded_keys().get(key.lower())
        return self._entries[position].key if position is not None else None

    def _folded_keys(self) -> dict[str, int]:
        """The position of the first entry with each key or alias, lowercase."""
        if self._folded is None:
            positions: dict[str, int] = {}
            for name, position in sorted((*self._by_key.items(), *self._by_alias.items()),
                                         key=lambda pair: pair[1]):
                positions.setdefault(name.lower(), position)
            self._folded = positions
        return self._folded

    @property
    def entries(self) -> tuple[Entry, ...]:
        return self._entries if isinstance(self._entries, tuple) else tuple(self._entries)

    @property
    def tree(self) -> tuple[Category, ...]:
        """The category tree as stored: every section of the list, in list order."""
        return self._tree

    # -- categories -----------------------------------------------------------------------
    def categories(self) -> tuple[Category, ...]:
        """The category tree in list order, each with the count of this library's works in it
        (sub-sections included, each work once)."""
        return tuple(
            Category(c.slug, c.heading, c.depth, c.parent,
                     tuple(k for k in c.keys if k in self._by_key),
                     len(self._keys_under(c.slug)))
            for c in self._tree
        )

    def resolve_category(self, name: str | Category) -> str:
        """The slug of a category given by a ``Category``, its heading or slug (any case),
        the acronym in its heading's parentheses (``CoT``), the words of its heading
        (``chain of thought``, ``instruction tuning``), or a prefix that only it has.

        Raises ``UnknownCategory`` (a ``ValueError``; ``category`` holds the name) with the
        headings that share the most words with the name.
        """
        if isinstance(name, Category):
            name = name.slug
        if not isinstance(name, str):
            raise TypeError(f"a category is named by a string or a Category, not "
                            f"{type(name).__name__}")
        if not self._tree:  # (a .bib of no list's: no "closest" to offer either)
            raise UnknownCategory(f"no category is called '{name}': this library has no "
                                  "categories (a .bib of no paper list's).", category=name)
        wanted = name.strip().lower()
        slug = slugify(name)
        for test in (lambda c: wanted in (c.slug, c.heading.lower()) or slug == c.slug,
                     lambda c: wanted == _acronym(c.heading),
                     lambda c: bool(slug) and f"-{slug}-" in f"-{c.slug}-",
                     lambda c: bool(slug) and c.slug.startswith(slug)):
            found = [c for c in self._tree if test(c)]
            if len(found) == 1:
                return found[0].slug
            if len(found) > 1:
                raise UnknownCategory(
                    f"'{name}' names {len(found)} categories; say which.", category=name,
                    suggestions=[c.heading for c in found[:5]])
        raise UnknownCategory(f"no category is called '{name}'.", category=name,
                              suggestions=self._closest_categories(name))

    def _closest_categories(self, name: str) -> list[str]:
        """Headings ranked by the words they share with ``name``, then by spelling."""
        words = set(slugify(name).split("-")) - {""}
        ranked = sorted(((len(words & set(c.slug.split("-"))), c.heading) for c in self._tree),
                        key=lambda pair: -pair[0])
        shared = [heading for count, heading in ranked if count][:3]
        if shared:
            return shared
        spelled = {c.heading: c.heading for c in self._tree}
        spelled |= {_acronym(c.heading): c.heading for c in self._tree if _acronym(c.heading)}
        return list(dict.fromkeys(spelled[n] for n in closest(name.lower(), list(spelled))))

    def _descendants(self, slug: str) -> list[str]:
        found = [slug]
        for category in self._tree:
            if category.parent in found:
                found.append(category.slug)
        return found

    def _keys_under(self, slug: str) -> set[str]:
        slugs = set(self._descendants(slug))
        return {e.key for e in self._entries if slugs.intersection(e.categories)}

    # -- queries --------------------------------------------------------------------------
    def filter(
        self,
        category: str | Category | Iterable[str | Category] | None = None,
        year: int | str | Iterable[int | str] | None = None,
        venue: str | Iterable[str] | None = None,
        author: str | Iterable[str] | None = None,
        search: str | None = None,
        keys: str | Iterable[str] | None = None,
    ) -> Library:
        """The works that pass every given filter, as a new ``Library`` in the same order.

        ``category``: headings, slugs, acronyms or ``Category`` objects (several: any of
        them, sub-sections included); ``year``: a year as int or digits, or several
        (``range(2022, 2024)``); ``venue``: an acronym or words of the venue; ``author``: the
        words of one author's name in either order; several venues or authors: any of them;
        ``search``: every word somewhere in title, authors, venue or key; ``keys``: one key
        or several. Raises ``TypeError`` for a value of another type.

        >>> import llm4anno_bib
        >>> lib = llm4anno_bib.load()
        >>> len(lib.filter(category="CoT", year="2022")) > 0
        True
        """
        wanted = self._wanted_keys(category, keys)
        tests: list[Callable[[Entry], bool]] = []
        if wanted is not None:
            tests.append(lambda e: e.key in wanted)
        if year is not None:
            years = {_year(y) for y in _many(year, (int, str), "year")}
            tests.append(lambda e: e.year in years)
        if venue is not None:
            venues = list(_many(venue, (str,), "venue"))
            tests.append(lambda e: any(e.matches(venue=v) for v in venues))
        if author is not None:
            authors = list(_many(author, (str,), "author"))
            tests.append(lambda e: any(e.matches(author=a) for a in authors))
        if search is not None:
            if not isinstance(search, str):
                raise TypeError(f"search takes a string of words, not {type(search).__name__}")
            tests.append(lambda e: e.matches(search=search))
        # no filter: the same entries, none built to be tested (an export of them all); each
        # tested as BibTeX reads it (a paper's year and venue may be its crossref parent's)
        chosen = [e for e, read in zip(self._entries, map(self._as_read, self._entries))
                  if all(test(read) for test in tests)] if tests else self._entries
        return Library(chosen, self._tree, self._corrections, self.survey_key, self.path,
                       self.intro, whole=self)

    def as_read(self) -> Library:
        """These works as BibTeX and Biber read them: a paper citing its proceedings by
        ``crossref`` (DBLP's "with crossref" exports) with the year, venue and publisher
        the proceedings give it. The same library where no entry has a ``crossref``.

        >>> paper = Entry.from_fields("p", "inproceedings", {"title": "T", "crossref": "c"})
        >>> proceedings = Entry.from_fields("c", "proceedings", {"title": "Proc. of ICML 2021",
        ...                                                      "year": "2021"})
        >>> Library([paper, proceedings]).filter(keys="p").as_read()["p"].year
        2021
        """
        read = [self._as_read(entry) for entry in self._entries]
        if all(new is old for new, old in zip(read, self._entries)):
            return self
        return Library(read, self._tree, self._corrections, self.survey_key, self.path,
                       self.intro, whole=self)

    def _as_read(self, entry: Entry) -> Entry:
        """``entry`` with what its ``crossref`` parent in the whole library gives it."""
        parent = entry.fields.get("crossref", "").strip()
        return inherited_from(entry, self._whole.get(parent)) if parent else entry

    def _wanted_keys(self, category: str | Category | Iterable[str | Category] | None,
                     keys: str | Iterable[str] | None) -> set[str] | None:
        """The keys ``filter`` keeps by category and by key (``None``: no such filter)."""
        wanted: set[str] | None = None
        if category is not None:
            wanted = set()
            for name in _many(category, (str, Category), "category"):
                wanted |= self._keys_under(self.resolve_category(name))
        if keys is not None:
            picked = {self[k].key for k in _many(keys, (str,), "keys")}
            wanted = picked if wanted is None else wanted & picked
        return wanted

    def corrections(self, key: str | None = None) -> tuple[Correction, ...]:
        """The corrections of the list's mistakes for this library's works (all of a
        selection's, or those of one entry)."""
        if key is None:
            return tuple(c for c in self._corrections if c.key in self._by_key)
        resolved = self[key].key
        return tuple(c for c in self._corrections if c.key == resolved)

    def survey(self) -> Entry:
        """The entry of the survey this list accompanies."""
        if self.survey_key is None:
            raise UnknownKey("this library names no survey entry.")
        return self[self.survey_key]

    def _repr_html_(self) -> str:
        """A table (key, year, venue, title with its link, authors, categories, links)."""
        from llm4anno_bib.outputs import entries_html  # upward: import_graph.UPWARD

        return entries_html(self._entries, repr(self)[1:-1] if self.is_selection else "")

    def to_dataframe(self) -> pandas.DataFrame:
        """The entries as a pandas ``DataFrame``, one row each, indexed by key: key, type,
        title, authors (a list), year, venue, venue_acronym, categories (a list), arxiv_id,
        doi, url, pdf, code.

        Needs pandas (``pip install 'llm4anno-bib[notebook]'``); raises
        ``Llm4AnnoBibError`` saying so when it is missing.
        """
        from llm4anno_bib.outputs import frame  # upward: import_graph.UPWARD

        return frame(self._entries)

    def cite(self, style: str = "plain", backend: str = "text") -> dict[str, str]:
        """Every entry's formatted reference (pybtex ``style`` and ``backend``), by key in
        library order: one formatting run for all (``Entry.cite`` makes one per entry).

        >>> import llm4anno_bib
        >>> refs = llm4anno_bib.load().filter(category="CoT").cite(style="alpha")
        >>> refs["wei2022chain"][:26]
        'Jason Wei, Xuezhi Wang, Da'
        """
        from llm4anno_bib.outputs import references  # upward: import_graph.UPWARD

        lines = references(self, style, backend)
        return {e.key: lines[e.key] for e in self._entries}  # library order, not the style's

    @property
    def is_selection(self) -> bool:
        """Whether this library holds only some works of the one it was filtered from."""
        return len(self._entries) < len(self._whole)

    def name_splits(self) -> dict[str, Name]:
        """How the whole library splits people's names (``llm4anno_bib.names.known_splits``),
        learnt once from every ``Family, Given`` author of the library this one comes from."""
        whole = self._whole
        if whole._name_splits is None:
            whole._name_splits = known_splits(e.bib_authors for e in whole)
        return whole._name_splits

    # -- output ---------------------------------------------------------------------------
    def to_bibtex(self) -> str:
        """The entries as BibTeX text, in library order, without the library's own blocks."""
        from llm4anno_bib.outputs import render  # upward: import_graph.UPWARD

        return render(self, "bibtex")

    def to_html(self, title: str | None = None) -> str:
        """The library as one self-contained HTML page: navigation by category, search,
        Copy BibTeX buttons, the survey's citation and a works-per-year chart."""
        from llm4anno_bib.outputs import render  # upward: import_graph.UPWARD

        return render(self, "html", title=title)

    def stats(self) -> Stats:
        """Counts by category, year and venue (``llm4anno_bib.stats.Stats``; ``.table()``
        gives them as text).

        >>> import llm4anno_bib
        >>> sum(n for _year, n in llm4anno_bib.load().stats().by_year)
        76
        """
        from llm4anno_bib.outputs import stats  # upward: import_graph.UPWARD

        return stats(self)

    def export(self, format: str = "bibtex", style: str | None = None,
               backend: str | None = None, *, venues: str | None = None) -> str:
        """The entries rendered in ``format`` (any case): ``bibtex``, ``biblatex``,
        ``csl-json``, ``markdown``, ``html`` (the page of ``to_html``), or ``refs``
        (formatted references in pybtex's ``style``, default plain, and ``backend``, default
        text; given to another format they raise ``UnknownStyle``). ``venues``: every known
        conference and journal written ``short`` (ICML), ``full`` or ``iso4``, as JabRef
        and Better BibTeX users ask.

        >>> import llm4anno_bib
        >>> lib = llm4anno_bib.load().filter(keys=["wei2022chain"])
        >>> print(lib.export("refs", style="plain", backend="text").splitlines()[0][:39])
        [1] Jason Wei, Xuezhi Wang, Dale Schuur
        """
        from llm4anno_bib.outputs import render  # upward: import_graph.UPWARD

        return render(self, format, style, backend, venues=venues)

    def save(self, path: str | os.PathLike[str] | None = None) -> str:
        """Write the whole library (tree, corrections, entries) atomically, under the file's
        lock and through a symbolic link to its target; returns the path. Raises
        ``WriteError`` when the file cannot be written (nothing is)."""
        target = path or self.path
        if target is None:
            raise Llm4AnnoBibError("save() needs a path for a library that was not loaded "
                                   "from a file.")
        from llm4anno_bib.outputs import save  # upward: import_graph.UPWARD

        save(self, target)
        return str(target)

    def with_entries(self, entries: Sequence[Entry], tree: Sequence[Category] | None = None
                     ) -> Library:
        """A copy holding ``entries`` (and ``tree`` when given) with everything else of this
        library: corrections, survey, path, intro."""
        return Library(entries, self._tree if tree is None else tree, self._corrections,
                       self.survey_key, self.path, self.intro, source=self.source)


def cites_preprint(entry: Entry) -> bool:
    """Whether an entry cites a preprint: the venue BibTeX prints for it (``venue_text``)
    names arXiv or CoRR, or, with no venue, its ``howpublished`` or ``publisher`` does or it
    has an arXiv id. Anything else cites a published version, which is never rewritten from
    its preprint: a paper's booktitle is what BibTeX prints of it, whatever journal Semantic
    Scholar wrote beside it ("ArXiv").

    >>> def cited(kind, **fields):
    ...     return cites_preprint(Entry.from_fields("k", kind, {"title": "T"} | fields))
    >>> cited("inproceedings", booktitle="EMNLP", journal="ArXiv"), cited(
    ...     "article", booktitle="EMNLP", journal="ArXiv")
    (False, True)
    >>> cited("misc", howpublished="arXiv preprint arXiv:2201.11903"), cited(
    ...     "misc", eprint="2201.11903"), cited("misc", howpublished="NeurIPS 2022",
    ...                                          eprint="2201.11903")
    (True, True, False)
    """
    fields = entry.fields
    printed = venue_text(fields, entry.entry_type)
    if printed is not None:
        return names_preprint(printed)
    said = " ".join(fields.get(n, "") for n in ("howpublished", "publisher"))
    if names_preprint(said):
        return True
    # a @misc whose howpublished BibTeX prints names a meeting ("NeurIPS 2022") cites it,
    # whatever arXiv id it keeps beside (a journal's name there is too often a word, as the
    # journal lists' "Preprint" and "Technical Report", to be one)
    known = venue_of(entry.venue) if entry.venue and entry.venue != "arXiv" else None
    return (known is None or known.kind not in _MEETINGS) and bool(arxiv_id_in(fields))


_MEETINGS = ("conference", "workshop", "findings")


def unprinted_venue(entry: Entry) -> str:
    """Why an entry citing a preprint may not look like it: a published venue in its
    ``booktitle`` that BibTeX does not print, as told to the user (empty where there is
    none). Semantic Scholar writes ``@Article`` with the paper's booktitle beside
    ``journal = {ArXiv}``.

    >>> unprinted_venue(Entry.from_fields("k", "article", {"title": "T", "journal": "ArXiv",
    ...                                                     "booktitle": "EMNLP"}))
    " (its booktitle 'EMNLP' is not printed: an @article prints its journal, 'ArXiv')"
    """
    booktitle = entry.fields.get("booktitle", "").strip()
    printed = venue_text(entry.fields, entry.entry_type)
    if not booktitle or printed is None or printed == booktitle or names_preprint(booktitle):
        return ""
    return (f" (its booktitle '{shortened(booktitle, 80)}' is not printed: an "
            f"@{entry.entry_type.lower()} prints its journal, '{shortened(printed, 40)}')")
