"""The library's data: entries, the category tree, the list's corrections; lookup and filtering.

Nothing here knows files, sources or the CLI: ``bibfile`` reads and writes a ``Library``,
``exports`` render one.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from llm4anno_bib._text import collapse_spaces, latex_to_text, normalise_title
from llm4anno_bib.errors import UnknownCategory, UnknownKey, closest
from llm4anno_bib.names import Person

__all__ = ["CURATED_FIELD", "Category", "Correction", "Entry", "Library", "slugify"]

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

# The library's own blocks in library.bib (see bibfile): @comment{<name> ...}
BLOCK_META = "llm4anno-bib:meta"
BLOCK_TREE = "llm4anno-bib:categories"
BLOCK_CORRECTIONS = "llm4anno-bib:corrections"
BLOCK_INTRO = "llm4anno-bib:list-intro"
LIBRARY_BLOCKS = (BLOCK_META, BLOCK_TREE, BLOCK_CORRECTIONS, BLOCK_INTRO)

# The per-entry protection: ``curated = {title, pages}`` names fields that ``update`` never
# overwrites; ``*`` leaves the whole entry alone; ``key`` marks a key chosen by hand (``check``
# does not hold it to the key rule); ``type`` keeps the entry type.
CURATED_FIELD = "curated"


def slugify(heading: str) -> str:
    """The category slug of a heading: lowercase ASCII words joined by ``-``.

    >>> slugify("Chain-of-Thought Prompting (CoT)")
    'chain-of-thought-prompting-cot'
    """
    from llm4anno_bib._text import ascii_fold

    return "-".join(re.findall(r"[a-z0-9]+", ascii_fold(heading).lower()))


class Fields(dict):
    """An entry's fields: a read-only ``dict`` (lowercase names, LaTeX values without their
    enclosing braces, in file order). Read-only so that an entry cannot drift from its
    values; a ``dict`` so that it pickles, copies and converts like one."""

    __slots__ = ()

    def _read_only(self, *args: object, **kwargs: object) -> None:
        raise TypeError("an entry's fields are read-only: make a changed entry with "
                        "entry.replace(name=value) or Entry.from_fields(...)")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _read_only
    __ior__ = _read_only  # type: ignore[assignment]

    def __reduce__(self):  # type: ignore[override]
        return (Fields, (dict(self),))

    def __copy__(self) -> Fields:
        return self

    def __deepcopy__(self, memo: dict) -> Fields:
        return self  # immutable, and its values are strings


_UNSET = object()


# What was read from each entry's fields so far (each value once, on first use). Kept apart
# from the entry so that it is no field of it (pickling, ``dataclasses.asdict``, equality);
# equal entries have equal fields, so they may share it.
_DERIVED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


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

    def _value(self, name: str, make):  # noqa: ANN001
        known = _DERIVED.get(self)
        if known is None:
            known = _DERIVED[self] = {}
        value = known.get(name, _UNSET)
        if value is _UNSET:
            value = known[name] = make()
        return value

    @property
    def title(self) -> str:
        """The title as plain text."""
        return self._value("title", lambda: latex_to_text(self.fields.get("title", "")))

    @property
    def bib_authors(self) -> tuple[str, ...]:
        """The authors (else the editors) as the ``.bib`` writes them: BibTeX names, LaTeX
        and all (``'Le Scao, Teven'``, ``'Tam{\\'a}s V{\\"o}r{\\"o}s'``)."""
        def split() -> tuple[str, ...]:
            from pybtex.bibtex.utils import split_name_list  # only when names are asked for

            author = self.fields.get("author") or self.fields.get("editor") or ""
            # pybtex splits only at " and " between single spaces: a line break would keep
            # a DBLP-style author list as one name
            return tuple(split_name_list(collapse_spaces(author))) if author else ()

        return self._value("bib_authors", split)

    @property
    def names(self) -> tuple[Person, ...]:
        """Each author's name in parts, as plain text: ``given``, ``von``, ``family``, ``jr``
        (an organisation has only ``family``, with ``literal`` set)."""
        def split() -> tuple[Person, ...]:
            from llm4anno_bib.names import split_name

            return tuple(split_name(name).person() for name in self.bib_authors)

        return self._value("names", split)

    @property
    def authors(self) -> tuple[str, ...]:
        """The authors as readers write them: plain text, given names first
        (``'Tamás Vörös'``, ``'Teven Le Scao'``)."""
        return self._value("authors", lambda: tuple(str(p) for p in self.names))

    @property
    def year(self) -> int | None:
        def read() -> int | None:
            found = re.search(r"\d{4}", self.fields.get("year", "") or self.fields.get("date", ""))
            return int(found.group(0)) if found else None

        return self._value("year", read)

    @property
    def arxiv_id(self) -> str | None:
        """The ``eprint`` of an arXiv preprint (``archiveprefix``/``eprinttype`` arXiv)."""
        def read() -> str | None:
            prefix = self.fields.get("archiveprefix", self.fields.get("eprinttype", ""))
            return self.fields.get("eprint") if prefix.lower() == "arxiv" else None

        return self._value("arxiv_id", read)

    @property
    def venue(self) -> str | None:
        """The booktitle or journal as plain text (``arXiv`` for a preprint without one)."""
        def read() -> str | None:
            raw = (self.fields.get("booktitle") or self.fields.get("journal")
                   or self.fields.get("journaltitle"))
            if raw is None and self.arxiv_id:
                return "arXiv"
            return latex_to_text(raw) if raw else None

        return self._value("venue", read)

    @property
    def categories(self) -> tuple[str, ...]:
        """The category slugs of the ``keywords`` field."""
        return self._value("categories", lambda: _split_list(self.fields.get("keywords", "")))

    @property
    def aliases(self) -> tuple[str, ...]:
        """Other keys of this entry (the ``ids`` field)."""
        return self._value("aliases", lambda: _split_list(self.fields.get("ids", "")))

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
        normalised ``title:``. Two entries sharing one are the same work.

        >>> Entry.from_fields("k", "misc", {"title": "On {BERT}", "doi": "10.1/X"}).identifiers()
        ('doi:10.1/x', 'title:on bert')
        """
        ids = []
        if self.arxiv_id:
            ids.append("arxiv:" + self.arxiv_id)
        if self.doi:
            ids.append("doi:" + self.doi.strip().lower())
        if self.fields.get("anthology"):
            ids.append("acl:" + self.fields["anthology"])
        if normalise_title(self.title):
            ids.append("title:" + normalise_title(self.title))
        return tuple(ids)

    @property
    def bibtex(self) -> str:
        """This entry as BibTeX text, exactly as ``library.bib`` writes it."""
        from llm4anno_bib.bibfile import format_entry

        return format_entry(self)

    def _repr_html_(self) -> str:
        """A one-row table with links, for notebooks."""
        from llm4anno_bib.exports.html_table import entries_table

        return entries_table([self])

    @property
    def month(self) -> int | None:
        """The month (1-12) of the ``month`` field (``nov``, ``November``), or ``None``."""
        name = self.fields.get("month", "").lower()[:3]
        return MONTHS.index(name) + 1 if name in MONTHS else None

    def cite(self, style: str = "plain", backend: str = "text") -> str:
        """This entry as a formatted reference (pybtex ``style`` and ``backend``).

        >>> import llm4anno_bib
        >>> print(llm4anno_bib.load()["wei2022chain"].cite()[:60])
        Jason Wei, Xuezhi Wang, Dale Schuurmans, Maarten Bosma, Bria
        """
        from llm4anno_bib.exports.references import reference_lines

        return reference_lines(Library([self]), style, backend)[self.key]

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
        acronym = venue_acronym(self)
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


def _split_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


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


@dataclass(frozen=True, slots=True)
class Correction:
    """A mistake of the list and how the library corrects it.

    ``kind`` is one of ``wrong-title``, ``wrong-link``, ``broken-link``, ``duplicate``,
    ``venue``, ``unverified-venue``; ``said`` is what the list says, ``truth`` what the
    library cites instead, ``source`` the record that says so.
    """

    key: str
    kind: str
    said: str
    truth: str
    source: str


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
    ) -> None:
        self._entries = tuple(entries)
        self._by_key = {e.key: e for e in self._entries}
        self._by_alias = {a: e for e in self._entries for a in e.aliases}
        self._tree = tuple(tree)
        self._corrections = tuple(corrections)
        self.survey_key = survey_key
        self.path = path
        self.intro = intro  # the list README's introduction (see listmd.render_list)
        # the library this one was filtered from: name splits are learnt from all of it
        self._whole = whole._whole if whole is not None else self
        self._name_splits: dict | None = None
        # the file text this library was read from (bibfile.SourceText): saving writes over it
        self.source = whole.source if whole is not None else None

    # -- container protocol ---------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __getitem__(self, key: str) -> Entry:
        entry = self.get(key)
        if entry is None:
            raise UnknownKey(
                f"no entry has the key '{key}'.",
                key=key,
                suggestions=closest(key, [*self._by_key, *self._by_alias]),
            )
        return entry

    def __repr__(self) -> str:
        return f"<Library of {len(self)} entries{' from ' + self.path if self.path else ''}>"

    def get(self, key: str) -> Entry | None:
        """The entry with this key or alias (``ids``), or ``None``."""
        return self._by_key.get(key) or self._by_alias.get(key)

    @property
    def entries(self) -> tuple[Entry, ...]:
        return self._entries

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

    def resolve_category(self, name: str) -> str:
        """The slug of a category given by heading (any case), slug or parent heading.

        Raises ``UnknownCategory`` (listing the closest names) when none fits.
        """
        wanted = name.strip().lower()
        for category in self._tree:
            if wanted in (category.slug, category.heading.lower()) or slugify(name) == category.slug:
                return category.slug
        names = [c.heading for c in self._tree] + [c.slug for c in self._tree]
        raise UnknownCategory(f"no category is called '{name}'.", suggestions=closest(name, names))

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
        category: str | Sequence[str] | None = None,
        year: int | None = None,
        venue: str | None = None,
        author: str | None = None,
        search: str | None = None,
        keys: Sequence[str] | None = None,
    ) -> Library:
        """The works that pass every given filter, as a new ``Library`` in the same order.

        ``category`` takes headings, slugs or parent headings (several: any of them);
        ``venue``, ``author`` and ``search`` match case-insensitive substrings of the plain
        text (``search`` every word, in title, authors, venue or key).

        >>> import llm4anno_bib
        >>> lib = llm4anno_bib.load()
        >>> len(lib.filter(category="Chain-of-Thought Prompting (CoT)", year=2022)) > 0
        True
        """
        wanted: set[str] | None = None
        if category is not None:
            names = [category] if isinstance(category, str) else list(category)
            wanted = set()
            for name in names:
                wanted |= self._keys_under(self.resolve_category(name))
        if keys is not None:
            picked = {self[k].key for k in keys}
            wanted = picked if wanted is None else wanted & picked
        chosen = [
            e for e in self._entries
            if (wanted is None or e.key in wanted)
            and e.matches(year=year, venue=venue, author=author, search=search)
        ]
        return Library(chosen, self._tree, self._corrections, self.survey_key, self.path,
                       self.intro, whole=self)

    def corrections(self, key: str | None = None) -> tuple[Correction, ...]:
        """The corrections of the list's mistakes (all, or those of one entry)."""
        if key is None:
            return self._corrections
        resolved = self[key].key
        return tuple(c for c in self._corrections if c.key == resolved)

    def survey(self) -> Entry:
        """The entry of the survey this list accompanies."""
        if self.survey_key is None:
            raise UnknownKey("this library names no survey entry.")
        return self[self.survey_key]

    def _repr_html_(self) -> str:
        """A compact table (key, year, venue, title with its link, pdf/code links)."""
        from llm4anno_bib.exports.html_table import entries_table

        return entries_table(self._entries)

    def to_dataframe(self):
        """The entries as a pandas ``DataFrame``, one row each: key, type, title, authors (a
        list), year, venue, venue_acronym, categories (a list), arxiv_id, doi, url, pdf, code.

        Needs pandas (``pip install 'llm4anno-bib[notebook]'``); raises
        ``Llm4AnnoBibError`` saying so when it is missing.
        """
        try:
            import pandas
        except ImportError as exc:
            from llm4anno_bib.errors import Llm4AnnoBibError

            raise Llm4AnnoBibError("to_dataframe() needs pandas: pip install "
                                   "'llm4anno-bib[notebook]' (or pip install pandas).") from exc
        rows = [{
            "key": e.key, "type": e.entry_type, "title": e.title, "authors": list(e.authors),
            "year": e.year, "venue": e.venue, "venue_acronym": venue_acronym(e) or None,
            "categories": list(e.categories), "arxiv_id": e.arxiv_id, "doi": e.doi,
            "url": e.url, "pdf": e.fields.get("pdf"), "code": e.fields.get("code"),
        } for e in self._entries]
        columns = ["key", "type", "title", "authors", "year", "venue", "venue_acronym",
                   "categories", "arxiv_id", "doi", "url", "pdf", "code"]
        frame = pandas.DataFrame(rows, columns=columns)
        frame["year"] = frame["year"].astype("Int64")
        return frame.set_index("key", drop=False)

    @property
    def is_selection(self) -> bool:
        """Whether this library holds only some works of the one it was filtered from."""
        return len(self._entries) < len(self._whole)

    def name_splits(self) -> dict:
        """How the whole library splits people's names (``llm4anno_bib.names.known_splits``),
        learnt once from every ``Family, Given`` author of the library this one comes from."""
        whole = self._whole
        if whole._name_splits is None:
            from llm4anno_bib.names import known_splits

            whole._name_splits = known_splits(e.bib_authors for e in whole)
        return whole._name_splits

    # -- output ---------------------------------------------------------------------------
    def to_bibtex(self) -> str:
        """The entries as BibTeX text, in library order, without the library's own blocks."""
        from llm4anno_bib._libcache import entry_texts

        return "\n".join(entry_texts(self._entries, self.source))

    def to_html(self, title: str | None = None) -> str:
        """The library as one self-contained HTML page: navigation by category, search,
        Copy BibTeX buttons, the survey's citation and a works-per-year chart."""
        from llm4anno_bib.exports.html_page import render_page

        return render_page(self, title)

    def stats(self):
        """Counts by category, year and venue (``llm4anno_bib.stats.Stats``; ``.table()``
        gives them as text).

        >>> import llm4anno_bib
        >>> sum(n for _year, n in llm4anno_bib.load().stats().by_year)
        76
        """
        from llm4anno_bib.stats import library_stats

        return library_stats(self)

    def export(self, format: str = "bibtex", style: str = "plain", backend: str = "text") -> str:
        """The entries rendered in ``format``: ``bibtex``, ``biblatex``, ``csl-json``,
        ``markdown``, ``html`` (the page of ``to_html``), or ``refs`` (formatted references
        in pybtex's ``style`` and ``backend``).

        >>> import llm4anno_bib
        >>> lib = llm4anno_bib.load().filter(keys=["wei2022chain"])
        >>> print(lib.export("refs", style="plain", backend="text").splitlines()[0][:39])
        [1] Jason Wei, Xuezhi Wang, Dale Schuur
        """
        from llm4anno_bib.exports import render

        return render(self, format, style, backend)

    def save(self, path: str | None = None) -> str:
        """Write the whole library (tree, corrections, entries) atomically, under the file's
        lock and through a symbolic link to its target; returns the path. Raises
        ``WriteError`` when the file cannot be written (nothing is)."""
        from llm4anno_bib.bibfile import write_library

        target = path or self.path
        if target is None:
            from llm4anno_bib.errors import Llm4AnnoBibError

            raise Llm4AnnoBibError("save() needs a path for a library that was not loaded "
                                   "from a file.")
        write_library(self, target)
        return str(target)

    def with_entries(self, entries: Sequence[Entry], tree: Sequence[Category] | None = None
                     ) -> Library:
        """A copy holding ``entries`` (and ``tree`` when given) with everything else of this
        library: corrections, survey, path, intro."""
        copy = Library(entries, self._tree if tree is None else tree, self._corrections,
                       self.survey_key, self.path, self.intro)
        copy.source = self.source
        return copy


def block_values(library: Library) -> dict[str, object]:
    """What each library block holds, to tell whether a block changed since it was read."""
    return {BLOCK_META: library.survey_key, BLOCK_TREE: tuple(library.tree),
            BLOCK_CORRECTIONS: tuple(library.corrections()), BLOCK_INTRO: library.intro}
