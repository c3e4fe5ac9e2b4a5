"""The cache folder as a whole: what it holds and clearing it (``cache info``, ``cache
clear``).

Every file there can be rebuilt: the sources' answers (``sources._http``, requests-cache's
SQLite file), the Anthology's title index (``sources.acl``) and the parsed libraries with
what is kept beside them (``_libcache``). Their names are ``_paths``'; each module writes
its own, atomically, through ``files``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from llm4anno_bib import _libcache
from llm4anno_bib._paths import ACL_INDEX_GLOB, HTTP_CACHE_FILE, default_cache_dir
from llm4anno_bib.errors import Llm4AnnoBibError, SourceError

__all__ = ["CacheInfo", "cache_info", "clear_cache"]


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
    return [p for p in found if p.is_file()] + _libcache.kept_files(folder)


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
                     sum(1 for p in files if p.parent != folder and _libcache.is_library(p)))


def _cache_folder(cache_dir: str | os.PathLike[str] | None) -> Path:
    """The cache folder to describe or clear; ``Llm4AnnoBibError`` for a path that is there
    but is no folder (``--cache-dir refs.bib``: nothing to clear, and nothing was)."""
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
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
