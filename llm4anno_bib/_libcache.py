"""A library file, parsed once: stored as JSON keyed by the hash of its bytes.

Loading an unchanged file then costs a hash and a JSON read instead of a BibTeX parse, and
imports neither bibtexparser nor pybtex nor pylatexenc, which is most of a query command's
start-up. The key includes this module's format, the package version and a hash of the
source of every module that derives a library from a file (``DERIVING_MODULES``), so neither
a new version nor an edit of ``Entry.from_fields`` in a checkout ever reads an old entry. Storing is best-effort: a read-only or full cache folder only costs
the next parse. Warnings the parse gave are stored and given again.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import os
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from llm4anno_bib._json import loads, sealed, sealed_body, sealed_texts
from llm4anno_bib._version import __version__
from llm4anno_bib.caches import keep_file, library_file, prune_libraries
from llm4anno_bib.errors import BibWarning, ReadError
from llm4anno_bib.filetext import SourceText, block_values
from llm4anno_bib.inputs import read_regular
from llm4anno_bib.model import (Category, Correction, Entry, Fields, LazyEntries, Library,
                                derived_values, venue_text)

FORMAT = 13

# What ``bibfile.read_library`` imports, itself included: an edit of any of them may change
# what a file reads as (tests/test_architecture.py holds this to the import graph).
DERIVING_MODULES = (
    "_fastsplit", "_json", "_libcache", "_paths", "_text", "_version", "bibfile", "caches",
    "errors", "files", "filetext", "ids", "inputs", "locking", "model", "names", "venues",
)


@functools.cache
def _prefix() -> str:
    """What every file this cache keeps starts with: format, version and code hash."""
    code = hashlib.sha256()
    package = Path(__file__).parent
    for name in DERIVING_MODULES:
        try:
            code.update(name.encode() + b"\0" + (package / f"{name}.py").read_bytes())
        except OSError:  # a package without sources (zipped, compiled): the version decides
            code.update(name.encode() + b"\0?")
    return f"v{FORMAT}-{__version__}-{code.hexdigest()[:12]}-"


def content_digest(raw: bytes) -> str:
    """The key of a file's bytes in the cache."""
    return hashlib.sha256(raw).hexdigest()


TEXTS = ".bibtex"  # the kind of file that keeps a library's canonical entry texts


def _cache_file(digest: str, kind: str = "") -> Path:
    return library_file(f"{_prefix()}{digest}{kind}")


def kept_beside(digest: str, kind: str) -> Any:
    """What ``keep_beside`` kept of the library of ``digest`` under ``kind`` (plain JSON
    data), or ``None``; the caller checks its shape."""
    try:
        # (the bytes go once checked and decoded, before the JSON is read)
        return loads(sealed_body(_cache_file(digest, kind).read_bytes()))
    except (OSError, ValueError):  # missing, damaged or edited since it was kept
        return None


def keep_beside(digest: str, kind: str, value: object) -> None:
    """Keep ``value`` (plain JSON data derived from the library of ``digest``: ``kind``
    names what, and the code that made it) beside that library, pruned with it; failures
    are ignored."""
    keep_file(_cache_file(digest, kind), [sealed(value)])


WORKS = ".works"  # the kind of file that keeps what a .bib holds, for export --into


def kept_works(digest: str, encoding: str
               ) -> tuple[list[list[Any]], list[tuple[str, int | None]]] | None:
    """What ``keep_works`` kept of the file of ``digest`` read in ``encoding``: its rows and
    the warnings its parse gave (message, line); or ``None``."""
    kept = kept_beside(f"{digest}-{encoding}", WORKS)
    try:
        rows, given = kept["rows"], [(str(message), line) for message, line in kept["warnings"]]
    except (ValueError, LookupError, TypeError, AttributeError):
        return None
    # a damaged or foreign file is no answer: the caller parses the file instead
    if not isinstance(rows, list) or not _are_works_rows(rows) or \
            not all(line is None or isinstance(line, int) for _message, line in given):
        return None
    return rows, given


def keep_works(digest: str, encoding: str, rows: list[list[Any]],
               given: Iterable[BibWarning] = ()) -> None:
    """Keep what a file holds (``merge``'s rows: keys, identities, lines) and the warnings
    its parse gave, so that the next ``--into`` of the unchanged file needs no parse and
    says the same; failures are ignored."""
    kept = {"rows": rows, "warnings": [[w.message, w.line] for w in given]}
    _keep(_cache_file(f"{digest}-{encoding}", WORKS), [sealed(kept)])


def _are_works_rows(rows: list[Any]) -> bool:
    """Each row ``[key, line, title, year, preprint, aliases, identities]``, each of its
    type: checked a column at a time (a row at a time was a sixth of an unchanged
    ``--into`` of a 22,000-entry file)."""
    if not set(map(type, rows)) <= {list} or not set(map(len, rows)) <= {7}:
        return False
    if not rows:
        return True
    keys, lines, titles, years, preprints, aliases, identities = zip(*rows)
    return set(map(type, keys)) == {str} and set(map(type, lines)) == {int} and \
        set(map(type, titles)) == {str} and set(map(type, years)) <= {int, type(None)} and \
        set(map(type, preprints)) == {bool} and \
        all(set(map(type, column)) == {list} and
            set(map(type, itertools.chain.from_iterable(column))) <= {str}
            for column in (aliases, identities))


def kept_texts(digest: str) -> dict[str, str]:
    """The canonical entry texts kept for the file of ``digest`` (``keep_texts``), by key;
    empty when none are kept or they cannot be read."""
    kept = kept_beside(digest, TEXTS)
    if not isinstance(kept, dict) or not all(isinstance(v, str) for v in kept.values()):
        return {}
    return kept


def keep_texts(digest: str, texts: Mapping[str, str]) -> None:
    """Keep ``texts`` as the canonical entry texts of the file of ``digest`` (all of them:
    the caller has read what was kept, ``kept_texts``, and adds to it), so that the next
    export of the unchanged file needs neither bibtexparser nor the formatting; failures
    are ignored."""
    keep_file(_cache_file(digest, TEXTS), sealed_texts(texts))


Reparse = Callable[[str, str, str], Library]  # (text, digest, path): a parse of the text


def load_cached(path: str | os.PathLike[str], reparse: Reparse | None = None
                ) -> Library | None:
    """The library of the file at ``path`` from the cache, or ``None`` (not cached, or the
    file cannot be read: the caller's parse then reports that). Its entries are built as
    they are asked for (``model.LazyEntries``), its source when it is asked for: loading
    costs reading the two files, and a command pays for the entries it reads. What is
    found damaged only then is taken from ``reparse`` of the file's text
    (``bibfile.library_of_text``: this module does not import the parser); without it,
    that raises ``ValueError``."""
    try:
        raw = read_regular(path)
        digest = content_digest(raw)
        text = raw.decode("utf-8")
        del raw  # a large file is not held as bytes and text at once
        kept = _Kept(_cache_file(digest).read_bytes(), str(path), text, digest, reparse)
        library = kept.library()
        _warn_again(kept.data, path)
    except (OSError, ValueError, LookupError, TypeError, AttributeError, ReadError):
        return None  # damaged, or a file the caller's parse will refuse by name
    return library


class _Kept:
    """A stored library file, read whole and checked for its shape (every line there, the
    rows filling the span the header gives them); its key index, rows and segments decoded
    when asked for. A row or index found damaged then is no wrong answer: the file's text
    (the bytes the cache key hashed) is parsed instead, and kept anew."""

    def __init__(self, stored: bytes, path: str, text: str, digest: str,
                 reparse: Reparse | None) -> None:
        header_end = stored.index(b"\n")
        self.data: dict[str, Any] = loads(stored[:header_end])
        self._rows_start = stored.index(b"\n", header_end + 1) + 1
        self._index_start = stored.rindex(b"\n", 0, len(stored) - 1) + 1
        head = _INDEX_HEAD.match(stored, self._index_start)
        if head is None or not stored.endswith(b"\n"):
            raise ValueError("the stored library is cut short")
        self.count = int(head.group(1))
        if self._index_start - self._rows_start != int(head.group(2)) or \
                stored.count(b"\n", self._rows_start, self._index_start) != self.count:
            raise ValueError("the stored library is cut short or grown")
        # the index line ends with the digest of the header and segments lines
        if not stored.endswith(b'"' + _row_digest(stored[:self._rows_start]).encode() + b'"]\n'):
            raise ValueError("the stored library's head is not what it was")
        self._stored, self._path, self._text, self._digest = stored, path, text, digest
        self._names: list[tuple[str, tuple[str, ...]]] | None = None
        self._offsets: list[int] = []
        self._digests: list[str] = []
        self._parsed: Library | None = None
        self._reparse = reparse

    def library(self) -> Library:
        tree = [Category(slug, heading, depth, parent, tuple(keys))
                for slug, heading, depth, parent, keys in self.data["tree"]]
        corrections = [Correction(*c) for c in self.data["corrections"]]
        entries = LazyEntries(self.count, self._entry, self._key_names)
        library = Library(entries, tree, corrections, self.data["survey"], self._path,
                          self.data["intro"], source=lambda: self._source(library),
                          file_digest=self._digest)
        return library

    def _key_names(self) -> list[tuple[str, tuple[str, ...]]]:
        if self._names is None:
            try:
                names, position = [], self._rows_start
                for key, aliases, length, digest in loads(self._stored[self._index_start:])[2]:
                    if not (isinstance(key, str) and isinstance(length, int) and
                            isinstance(aliases, list) and all(isinstance(a, str)
                                                              for a in aliases)
                            and isinstance(digest, str)):
                        raise ValueError("not an index row")
                    names.append((key, tuple(aliases)))
                    self._offsets.append(position)
                    self._digests.append(digest)
                    position += length
                if position != self._index_start or len(names) != self.count:
                    raise ValueError("the index does not cover the rows")
                self._names = names
            except (ValueError, LookupError, TypeError):
                self._names = [(e.key, e.aliases) for e in self._parse()]
                self._offsets, self._digests = [], []
        return self._names

    def _entry(self, position: int) -> Entry:
        key = self._key_names()[position][0]
        if self._offsets:
            start = self._offsets[position]
            end = self._offsets[position + 1] if position + 1 < self.count else \
                self._index_start
            try:
                entry = _entry(_checked_row(self._stored[start:end], self._digests[position]))
                if entry.key == key:
                    return entry
            except (ValueError, LookupError, TypeError, AttributeError):
                pass
        return self._parse().entries[position]

    def _parse(self) -> Library:
        """The file's own text parsed (its warnings were given when it was loaded)."""
        if self._parsed is None:
            if self._reparse is None:
                raise ValueError(f"the parsed-library cache of {self._path} is damaged")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", BibWarning)
                self._parsed = self._reparse(self._text, self._digest, self._path)
            if len(self._parsed) != self.count:  # another text under this digest: impossible
                raise ValueError("the stored library is not this file's")
        return self._parsed

    def _source(self, library: Library) -> SourceText | None:
        if self._parsed is not None:
            return self._parsed.source
        try:
            lengths = loads(self._stored[self._stored.index(b"\n") + 1:self._rows_start])
            if lengths is None:  # a library that was not read from a file
                return None
            segments, cursor, text = [], 0, self._text
            for length, key, name in lengths:
                segments.append((text[cursor:cursor + length], key, name))
                cursor += length
            if cursor != len(text):
                raise ValueError("the segments do not cover the file")
            return SourceText(tuple(segments), library._keyed(), block_values(library),
                              self.data["newline"], self._digest,
                              tuple(tuple(r) for r in self.data["repeated"]))
        except (ValueError, LookupError, TypeError):
            return self._parse().source


def _has_parent(entry: Entry) -> bool:
    """Whether an entry names a parent (BibTeX's ``crossref``, biblatex's ``xref``)."""
    return bool(entry.fields.get("crossref") or entry.fields.get("xref"))


def load_subset(path: str | os.PathLike[str], wanted: Iterable[str]
                ) -> tuple[Library, tuple[str, ...]] | None:
    """The entries of the file at ``path`` whose key or alias is one of ``wanted`` (without
    case, as BibTeX matches keys), with the file's every key and alias; ``None`` when the
    file is not cached. Only those entries are read and built: citing 500 keys of a 20,000
    entry file reads the key index and 500 lines of the cache.
    """
    lowered = {name.lower() for name in wanted}
    try:
        raw = read_regular(path)
        digest = content_digest(raw)
        del raw
        rows = []
        with _cache_file(digest).open("rb") as stored:
            head = stored.readline()
            head += stored.readline()  # the segments: a subset is never saved over its file
            position = stored.tell()
            _count, _total, index, head_digest = loads(_last_line(stored))
            if _row_digest(head) != head_digest:
                raise ValueError("the stored library's head is not what it was")
            data = loads(head[:head.index(b"\n")])
            for key, aliases, length, row_digest in index:
                if key.lower() in lowered or any(a.lower() in lowered for a in aliases):
                    stored.seek(position)
                    rows.append(_checked_row(stored.read(length), row_digest))
                position += length
        entries = [_entry(row) for row in rows]
        if any(map(_has_parent, entries)):
            return None  # BibTeX adds the parents: the whole file decides (as read_cited)
        names = tuple(name for key, aliases, _length, _digest in index
                      for name in (key, *aliases))
        present = {entry.key for entry in entries}
        tree = [Category(slug, heading, depth, parent, tuple(k for k in keys if k in present))
                for slug, heading, depth, parent, keys in data["tree"]]
        corrections = [Correction(*c) for c in data["corrections"] if c[0] in present]
        survey = data["survey"] if data["survey"] in present else None
        library = Library(entries, tree, corrections, survey, str(path), data["intro"])
        _warn_again(data, path)
    except (OSError, ValueError, LookupError, TypeError, AttributeError, ReadError):
        # damaged: not used; a file that cannot be read: the caller's parse names it
        return None
    return library, names


def _last_line(stored: BinaryIO) -> bytes:
    """The last line of an open file, read backwards from its end in blocks."""
    position = stored.seek(0, os.SEEK_END)
    tail = b""
    while position > 0:
        step = min(1 << 16, position)
        position -= step
        stored.seek(position)
        tail = stored.read(step) + tail
        cut = tail.rfind(b"\n", 0, len(tail) - 1)
        if cut >= 0:
            return tail[cut + 1:]
    return tail


def _warn_again(data: dict[str, Any], path: str | os.PathLike[str]) -> None:
    for message, line in data["warnings"]:
        warnings.warn(BibWarning(message, str(path), line), stacklevel=4)


def store(digest: str, library: Library, given: list[BibWarning]) -> None:
    """Keep ``library`` (parsed from the bytes of ``content_digest`` ``digest``) for the
    next load; failures are ignored."""
    source = library.source
    data = {
        "tree": [[c.slug, c.heading, c.depth, c.parent, list(c.keys)] for c in library.tree],
        "corrections": [[c.key, c.kind, c.said, c.truth, c.source]
                        for c in library.corrections()],
        "survey": library.survey_key,
        "intro": library.intro,
        "newline": source.newline if source else "\n",
        "repeated": [list(r) for r in source.repeated] if source else [],
        "warnings": [[w.message, w.line] for w in given],
    }
    # the file's own text is read anyway to hash it: segments are kept as lengths
    segments = [[len(text), key, name] for text, key, name in source.segments] \
        if source else None
    _keep(_cache_file(digest), _library_chunks(library, data, segments))


def _keep(target: Path, chunks: Iterable[str]) -> None:
    """Write a file the cache keeps, then prune the libraries; failures are ignored."""
    keep_file(target, chunks, prune=lambda: prune_libraries(target.parent.parent, _prefix()))


def _library_chunks(library: Library, data: dict[str, Any],
                    segments: list[list[Any]] | None) -> Iterator[str]:
    """The stored file, in lines: the library's own data, the file's segments, one entry a
    line, then the entry count, the rows' length in bytes and the key index (each entry's
    key, aliases and the length of its line in bytes), so that entries can be read without
    the rest (``load_subset``, ``_Kept``). Streamed: a large library is never held as text."""
    # one json.dumps an entry: the one-shot encoder is json's C encoder (json.dump streams
    # through the Python one, 5x slower)
    head = _dumps(data) + "\n" + _dumps(segments) + "\n"
    yield head
    index: list[list[Any]] = []
    total = 0
    for entry in library:
        values = _entry_row(entry)
        row = _dumps(values) + "\n"
        encoded = row.encode("utf-8")
        index.append([entry.key, values[-1], len(encoded), _row_digest(encoded)])  # aliases
        total += len(encoded)
        yield row
    yield _dumps([len(index), total, index, _row_digest(head.encode("utf-8"))]) + "\n"


def _row_digest(data: bytes) -> str:
    """What a stored line is checked against when it is read: an edit of the cache (a title
    changed, rows swapped) is told from what was written, and the file is parsed instead."""
    return hashlib.blake2b(data, digest_size=8).hexdigest()


def _checked_row(data: bytes, digest: str) -> Any:
    if _row_digest(data) != digest:
        raise ValueError("a stored entry is not what was written")
    return loads(data)


_INDEX_HEAD = re.compile(rb"\[(\d+),(\d+),\[")  # the count and the rows' length


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _entry_row(e: Entry) -> list[Any]:
    # derived afresh, kept nowhere (the entry's own kept values would hold them all: the
    # cold parse's memory peak); values equal to their field (most titles and venues) are
    # not stored twice
    fields = e.fields
    derived = derived_values(fields, e.entry_type)
    title, authors, venue = derived["title"], derived["bib_authors"], derived["venue"]
    return [e.key, e.entry_type, [part for pair in fields.items() for part in pair],
            None if title == fields.get("title") else title,
            None if authors == _plain_split(fields) else list(authors),
            None if venue == venue_text(fields, e.entry_type) else venue,
            list(derived["aliases"])]


def _plain_split(fields: Mapping[str, str]) -> tuple[str, ...]:
    """The authors split at " and " with spaces collapsed: what the parse gives for nearly
    every entry (not for an " and " inside braces), so only the others are stored."""
    names = fields.get("author") or fields.get("editor") or ""
    return tuple(" ".join(names.split()).split(" and ")) if names else ()


def _entry(row: list[Any]) -> Entry:
    key, kind, pairs, title, authors, venue, _aliases = row
    parts = iter(pairs)  # name, value, name, value...
    fields = Fields(zip(parts, parts))
    # Only what took LaTeX read or braces split is kept with the entry: the rest (most titles,
    # venues and author lists, the year, categories, ids) is read from its fields when asked,
    # as quickly and as a parse would, and a library whose every entry is built holds no
    # more than a parsed one
    known: dict[str, object] = {}
    if title is not None:
        known["title"] = title
    if authors is not None:
        known["bib_authors"] = tuple(authors)
    elif "{" in (fields.get("author") or fields.get("editor") or ""):  # (else split again)
        known["bib_authors"] = _plain_split(fields)
    if venue is not None:
        known["venue"] = venue
    return Entry._known(key, kind, fields, known) if known else Entry(key, kind, fields)
