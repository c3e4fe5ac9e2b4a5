"""A library file, parsed once: stored as JSON keyed by the hash of its bytes.

Loading an unchanged file then costs a hash and a JSON read instead of a BibTeX parse, and
imports neither bibtexparser nor pybtex nor pylatexenc, which is most of a query command's
start-up. The key includes this module's format and the package version, so a new version
never reads an old entry. Storing is best-effort: a read-only or full cache folder only costs
the next parse. Warnings the parse gave are stored and given again.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from llm4anno_bib._paths import default_cache_dir
from llm4anno_bib.errors import BibWarning
from llm4anno_bib.model import (
    Category, Correction, Entry, Fields, Library, SourceText, block_values,
)

FORMAT = 8


def content_digest(raw: bytes) -> str:
    """The key of a file's bytes in the cache."""
    return hashlib.sha256(raw).hexdigest()


TEXTS = ".bibtex"  # the kind of file that keeps a library's canonical entry texts


def _folder(cache_dir: Path) -> Path:
    return cache_dir / "libraries"


def _cache_file(digest: str, kind: str = "") -> Path:
    from llm4anno_bib import __version__

    return _folder(default_cache_dir()) / f"v{FORMAT}-{__version__}-{digest}{kind}.json"


def kept_files(cache_dir: Path) -> list[Path]:
    """Every file this cache keeps under ``cache_dir``: libraries and their entry texts."""
    return sorted(p for p in _folder(cache_dir).glob("v*.json") if p.is_file())


def is_library(path: Path) -> bool:
    """Whether a file of ``kept_files`` is a parsed library (not its entry texts)."""
    return not path.name.endswith(TEXTS + ".json")


def entry_texts(entries: Sequence[Entry], source: SourceText | None) -> list[str]:
    """Each entry as canonical BibTeX (``bibfile.format_entry``). Texts of entries exactly
    as read from a file are kept in the cache under the file's digest, so that an export
    from an unchanged library needs neither bibtexparser nor the formatting again."""
    digest = source.digest if source is not None else None

    def as_read(entry: Entry) -> bool:
        return digest is not None and source.entries.get(entry.key) is entry

    kept: dict[str, str] = {}
    if any(as_read(e) for e in entries):
        try:
            kept = json.loads(_cache_file(digest, TEXTS).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            kept = {}
    missing = [e for e in entries if e.key not in kept or not as_read(e)]
    if not missing:
        return [kept[e.key] for e in entries]
    from llm4anno_bib.bibfile import format_entry

    made = {id(e): format_entry(e) for e in missing}
    fresh = {e.key: made[id(e)] for e in missing if as_read(e)}
    if fresh:
        _write_json(_cache_file(digest, TEXTS), [_dumps(kept | fresh)])
    return [made[id(e)] if id(e) in made else kept[e.key] for e in entries]


def _write_json(target: Path, chunks: Iterable[str]) -> bool:
    """Write ``chunks`` to ``target`` atomically, best effort: a read-only or full cache
    folder costs only time. Returns whether it was written."""
    import tempfile

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=".library-", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.writelines(chunks)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True


def load_cached(path: str | os.PathLike[str]) -> Library | None:
    """The library of the file at ``path`` from the cache, or ``None`` (not cached, or the
    file cannot be read: the caller's parse then reports that)."""
    try:
        raw = Path(path).read_bytes()
        digest = content_digest(raw)
        data = json.loads(_cache_file(digest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    try:
        library = _library(data, str(path), raw.decode("utf-8"), digest)
    except (KeyError, TypeError, ValueError, UnicodeDecodeError):
        return None  # a damaged entry: parse again (and store it anew)
    for message, line in data["warnings"]:
        warnings.warn(BibWarning(message, str(path), line), stacklevel=3)
    return library


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
        # the file's own text is read anyway to hash it: segments are kept as lengths
        "segments": [[len(text), key, name] for text, key, name in source.segments]
        if source else None,
        "newline": source.newline if source else "\n",
        "repeated": [list(r) for r in source.repeated] if source else [],
        "warnings": [[w.message, w.line] for w in given],
    }
    target = _cache_file(digest)
    if _write_json(target, _library_chunks(library, data)):
        try:
            _prune(target.parent.parent)  # the cache folder
        except OSError:  # another process pruning at the same moment: its work is the same
            pass


def _library_chunks(library: Library, data: dict) -> Iterator[str]:
    # one json.dumps an entry: the one-shot encoder is json's C encoder (json.dump streams
    # through the Python one, 5x slower), and no whole-file text is built
    yield '{"entries":['
    for index, entry in enumerate(library):
        yield ("," if index else "") + _dumps(_entry_row(entry))
    yield "]," + _dumps(data)[1:]


KEEP = 8  # libraries kept: each edit of a file makes a new digest


def _prune(cache_dir: Path) -> None:
    """Delete what an older format or version wrote, and all but the ``KEEP`` libraries
    stored last (with their rendered texts)."""
    from llm4anno_bib import __version__

    current = f"v{FORMAT}-{__version__}-"
    stored = []
    for path in kept_files(cache_dir):
        if not path.name.startswith(current):
            path.unlink(missing_ok=True)
        elif is_library(path):
            stored.append((path.stat().st_mtime, path))
    for _mtime, path in sorted(stored, reverse=True)[KEEP:]:
        path.unlink(missing_ok=True)
        path.with_name(path.name.removesuffix(".json") + TEXTS + ".json").unlink(missing_ok=True)


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _entry_row(e: Entry) -> list:
    # derived values equal to their field (most titles and venues) are not stored twice
    return [e.key, e.entry_type, [part for pair in e.fields.items() for part in pair],
            None if e.title == e.fields.get("title") else e.title,
            None if e.bib_authors == _plain_split(e.fields) else list(e.bib_authors),
            e.year, None if e.venue == _venue_field(e.fields) else e.venue,
            list(e.categories), e.arxiv_id, e.doi, e.url, list(e.aliases)]


def _plain_split(fields) -> tuple[str, ...]:
    """The authors split at " and " with spaces collapsed: what the parse gives for nearly
    every entry (not for an " and " inside braces), so only the others are stored."""
    names = fields.get("author") or fields.get("editor") or ""
    return tuple(" ".join(names.split()).split(" and ")) if names else ()


def _venue_field(fields) -> str | None:
    return fields.get("booktitle") or fields.get("journal") or fields.get("journaltitle")


def _library(data: dict, path: str, text: str, digest: str) -> Library:
    entries = []
    for key, kind, pairs, title, authors, year, venue, categories, arxiv_id, _doi, _url, \
            aliases in data["entries"]:
        parts = iter(pairs)  # name, value, name, value...
        fields = Fields(zip(parts, parts))
        entries.append(Entry._known(key, kind, fields, {
            "title": fields.get("title", "") if title is None else title,
            "bib_authors": _plain_split(fields) if authors is None else tuple(authors),
            "year": year, "venue": _venue_field(fields) if venue is None else venue,
            "categories": tuple(categories), "arxiv_id": arxiv_id, "aliases": tuple(aliases)}))
    tree = [Category(slug, heading, depth, parent, tuple(keys))
            for slug, heading, depth, parent, keys in data["tree"]]
    corrections = [Correction(*c) for c in data["corrections"]]
    library = Library(entries, tree, corrections, data["survey"], path, data["intro"])
    if data["segments"] is not None:
        segments, cursor = [], 0
        for length, key, name in data["segments"]:
            segments.append((text[cursor:cursor + length], key, name))
            cursor += length
        if cursor != len(text):
            raise ValueError("the segments do not cover the file")
        library.source = SourceText(tuple(segments),
                                    {e.key: e for e in entries}, block_values(library),
                                    data["newline"], digest,
                                    tuple(tuple(r) for r in data["repeated"]))
    return library
