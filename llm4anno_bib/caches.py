"""Every file of the cache folder: its name, its atomic write, its pruning, and the cache
commands (``cache info``, ``cache clear``).

All of them can be rebuilt: the sources' answers (``HTTP_CACHE_FILE``, requests-cache's
SQLite file, opened by ``sources._http``), the Anthology's title index (``acl_index_file``,
built by ``sources.acl``) and the parsed libraries with what is kept beside them
(``library_file``, in the format ``_libcache`` owns). Those modules own what a file says;
this one, where it is and how it is written and pruned.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from llm4anno_bib._paths import default_cache_dir, refuse_nul
from llm4anno_bib.errors import Llm4AnnoBibError, SourceError
from llm4anno_bib.files import write_bytes_atomic

__all__ = ["ACL_INDEX_GLOB", "HTTP_CACHE_FILE", "CacheInfo", "acl_index_file", "cache_info",
           "clear_cache", "is_library", "keep_file", "kept_files", "library_file",
           "prune_acl_indexes", "prune_libraries"]

HTTP_CACHE_FILE = "http_cache.sqlite"  # the sources' answers (requests-cache)
ACL_INDEX_GLOB = "acl-*-index-*.json"  # the Anthology's title and DOI index
LIBRARIES_FOLDER = "libraries"  # parsed libraries and what is kept beside them
ACL_INDEXES_KEPT = 2  # the Anthology's export changes weekly: one index a week otherwise
LIBRARIES_KEPT = 8  # each edit of a file makes a new digest


def acl_index_file(folder: Path, digest: str) -> Path:
    """The Anthology index kept for the full export of ``digest``."""
    return folder / f"acl-anthology-index-{digest}.json"


def library_file(name: str, cache_dir: Path | None = None) -> Path:
    """A file kept beside the parsed libraries (``name``: ``_libcache``'s, format and code
    hash first)."""
    return (cache_dir or default_cache_dir()) / LIBRARIES_FOLDER / f"{name}.json"


def kept_files(cache_dir: Path) -> list[Path]:
    """Every file kept beside the parsed libraries under ``cache_dir``: libraries, their
    entry texts and matcher tables, the works of files ``export --into`` appends to."""
    return sorted(p for p in (cache_dir / LIBRARIES_FOLDER).glob("v*.json") if p.is_file())


def is_library(path: Path) -> bool:
    """Whether a file of ``kept_files`` is a parsed library (not what is kept beside it)."""
    return _LIBRARY_NAME.search(path.name) is not None


_LIBRARY_NAME = re.compile(r"-[0-9a-f]{64}\.json$")


def keep_file(target: Path, chunks: Iterable[str], *,
              prune: Callable[[], None] | None = None) -> bool:
    """Write a cache file atomically (without fsync: a reader checks what it reads, and a
    crash costs a rebuild), best effort: a read-only or full cache folder costs only time.
    ``prune`` (``prune_libraries``, ``prune_acl_indexes``) runs once it is written.
    Returns whether it was written."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(target, (chunk.encode("utf-8") for chunk in chunks), durable=False)
    except OSError:
        return False
    try:
        if prune is not None:
            prune()
    except OSError:  # another process pruning at the same moment: its work is the same
        pass
    return True


def prune_libraries(cache_dir: Path, current: str, works_suffix: str = ".works.json") -> None:
    """Delete the library files an older format, version or code wrote (their names do not
    start with ``current``), and all but the ``LIBRARIES_KEPT`` libraries stored last (with
    what is kept beside them), and all but as many files of works."""
    stored, works = [], []
    for path in kept_files(cache_dir):
        if not path.name.startswith(current):
            path.unlink(missing_ok=True)
        elif is_library(path):
            stored.append((path.stat().st_mtime, path))
        elif path.name.endswith(works_suffix):
            works.append((path.stat().st_mtime, path))
    for _mtime, path in sorted(stored, reverse=True)[LIBRARIES_KEPT:]:
        path.unlink(missing_ok=True)
        for beside in path.parent.glob(path.name.removesuffix(".json") + ".*.json"):
            beside.unlink(missing_ok=True)  # its entry texts, its matcher's tables
    for _mtime, path in sorted(works, reverse=True)[LIBRARIES_KEPT:]:
        path.unlink(missing_ok=True)


def prune_acl_indexes(folder: Path) -> None:
    """Delete all but the ``ACL_INDEXES_KEPT`` Anthology indexes stored last."""
    indexes = sorted(((p.stat().st_mtime, p) for p in folder.glob(ACL_INDEX_GLOB)),
                     reverse=True)
    for _mtime, path in indexes[ACL_INDEXES_KEPT:]:
        path.unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class CacheInfo:
    """What the cache folder holds: stored responses per host, index files, bytes on disk."""

    folder: Path
    responses: Mapping[str, int]
    index_files: tuple[str, ...]
    size_bytes: int
    parsed_libraries: int = 0  # library files kept parsed (``_libcache``)

    @property
    def total_responses(self) -> int:
        return sum(self.responses.values())


def _cache_files(folder: Path) -> list[Path]:
    found = sorted(folder.glob(HTTP_CACHE_FILE + "*")) + sorted(folder.glob(ACL_INDEX_GLOB))
    return [p for p in found if p.is_file()] + kept_files(folder)


def cache_info(cache_dir: str | os.PathLike[str] | None = None) -> CacheInfo:
    """Describe the cache folder (default: ``default_cache_dir()``) without changing it.

    Raises ``SourceError`` when the cache database cannot be read.
    """
    from urllib.parse import urlsplit

    from requests_cache.backends.sqlite import SQLiteCache  # loaded when it is described

    folder = _cache_folder(cache_dir)
    per_host: dict[str, int] = {}
    if (folder / HTTP_CACHE_FILE).is_file():
        backend = None
        try:
            backend = SQLiteCache(str(folder / HTTP_CACHE_FILE), serializer="json")
            for url in backend.responses.keys():
                response = backend.responses[url]
                host = urlsplit(response.url).netloc or "?"
                per_host[host] = per_host.get(host, 0) + 1
        except Exception as exc:  # sqlite3 and deserialisation errors alike
            raise SourceError(f"the cache cannot be read ({exc}); run 'llm4anno-bib cache "
                              "clear'.", url=str(folder / HTTP_CACHE_FILE)) from exc
        finally:
            if backend is not None:
                backend.close()  # type: ignore[no-untyped-call]
    files = _cache_files(folder)
    return CacheInfo(folder, dict(sorted(per_host.items())),
                     tuple(p.name for p in files if p.suffix == ".json" and p.parent == folder),
                     sum(p.stat().st_size for p in files),
                     sum(1 for p in files if p.parent != folder and is_library(p)))


def _cache_folder(cache_dir: str | os.PathLike[str] | None) -> Path:
    """The cache folder to describe or clear; ``Llm4AnnoBibError`` for a path that is there
    but is no folder (``--cache-dir refs.bib``: nothing to clear, and nothing was)."""
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    refuse_nul(folder, Llm4AnnoBibError, "nothing was changed")
    if folder.exists() and not folder.is_dir():
        raise Llm4AnnoBibError("is not a folder, so no cache; nothing was changed. Give the "
                               "cache folder (--cache-dir, LLM4ANNO_BIB_CACHE_DIR).",
                               path=str(folder))
    return folder


def clear_cache(cache_dir: str | os.PathLike[str] | None = None) -> CacheInfo:
    """Delete the cached responses and index files; returns what was there before.

    Deleting the files (rather than emptying the database) also clears a corrupt cache.
    """
    folder = _cache_folder(cache_dir)
    try:
        before = cache_info(folder)
    except SourceError:
        before = CacheInfo(folder, {}, (), sum(p.stat().st_size for p in _cache_files(folder)))
    for path in _cache_files(folder):
        path.unlink(missing_ok=True)
    return before
