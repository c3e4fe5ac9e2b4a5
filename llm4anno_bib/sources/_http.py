"""The HTTP layer every source shares: the cached session, politeness and retries.

Every response goes through ``requests_cache.CachedSession`` (SQLite in the platform's user
cache folder, JSON serializer, an expiry per source), so a second run asks no one. The
politeness delay is waited only before a request that really goes out: a cached answer is
returned at once (``arxiv.Client`` sleeps even for those).
"""

from __future__ import annotations

import email.utils
import logging
import os
import sqlite3
import threading
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import requests
import requests_cache

from llm4anno_bib._paths import default_cache_dir
from llm4anno_bib.errors import CacheWarning, SourceError

log = logging.getLogger(__name__)

USER_AGENT = "llm4anno-bib/0.1 (+https://github.com/nlp24annotation/LLM4Annotation)"

# How long an answer stays fresh: arXiv ids change versions, the Anthology and DBLP rarely
# change a published record.
EXPIRY = {
    "*export.arxiv.org*": timedelta(days=7),
    "*aclanthology.org*": timedelta(days=30),
    "*dblp.org*": timedelta(days=30),
}


CACHE_FILE = "http_cache.sqlite"
INDEX_GLOB = "acl-*-index-*.json"


def make_session(cache_dir: str | os.PathLike[str] | None = None, *,
                 expire_after: timedelta | None = None) -> requests_cache.CachedSession:
    """A cached session for the source clients.

    A cache file that cannot be used (damaged, or another program's schema) is moved aside
    as ``http_cache.sqlite.damaged`` and a new one started, with a ``CacheWarning``.

    >>> session = make_session("/tmp/llm4anno-bib-doctest")
    >>> session.settings.allowable_codes
    (200,)
    """
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return _open_cache(folder, expire_after)
    except sqlite3.DatabaseError as exc:
        damaged = folder / (CACHE_FILE + ".damaged")
        for suffix in ("", "-wal", "-shm", "-journal"):
            part = folder / (CACHE_FILE + suffix)
            if part.exists():
                os.replace(part, damaged.with_name(damaged.name + suffix))
        warnings.warn(CacheWarning(f"the cache {folder / CACHE_FILE} could not be read ({exc}); "
                                   f"it was moved to {damaged} and a new one started."),
                      stacklevel=2)
        return _open_cache(folder, expire_after)


def _open_cache(folder: Path, expire_after: timedelta | None) -> requests_cache.CachedSession:
    session = requests_cache.CachedSession(
        cache_name=str(folder / CACHE_FILE),
        backend="sqlite",
        serializer="json",
        expire_after=expire_after if expire_after is not None else timedelta(days=30),
        urls_expire_after=EXPIRY if expire_after is None else None,
        allowable_codes=(200,),
        stale_if_error=True,
    )
    try:
        len(session.cache.responses)  # reads the schema: a damaged file fails here
        len(session.cache.redirects)
    except sqlite3.DatabaseError:
        session.close()
        raise
    session.headers["User-Agent"] = USER_AGENT
    return session


def _send(session: requests.Session, url: str, params: Mapping[str, str] | None,
          timeout: float) -> requests.Response:
    """One GET; when the cache cannot store the answer (a full disk, a damaged file), the
    request is made again without it, with a ``CacheWarning``."""
    try:
        response = session.get(url, params=params, timeout=timeout, allow_redirects=False)
    except sqlite3.Error as exc:
        if not isinstance(session, requests_cache.CachedSession):
            raise
        warnings.warn(CacheWarning(f"the cache could not store an answer ({exc}); going on "
                                   "without it for this request."), stacklevel=3)
        with session.cache_disabled():
            return session.get(url, params=params, timeout=timeout, allow_redirects=False)
    key = getattr(response, "cache_key", None)
    if isinstance(session, requests_cache.CachedSession) and response.status_code == 200 \
            and key and not getattr(response, "from_cache", False) \
            and not session.cache.contains(key=key):
        # requests-cache logs and drops a failed write (SQLITE_FULL on a full disk)
        warnings.warn(CacheWarning("the cache could not store an answer (a full disk or a "
                                   "damaged cache file); the next run will ask again."),
                      stacklevel=3)
    return response


@dataclass(frozen=True, slots=True)
class Politeness:
    """How a source wants to be asked: the gap between requests, retries, timeouts."""

    delay: float = 1.0
    retries: int = 3
    backoff: float = 2.0
    timeout: float = 30.0
    max_wait: float = 120.0
    max_bytes: int = 50_000_000  # an answer larger than this is refused


class RequestGate:
    """Spaces real requests ``delay`` seconds apart (one gate per source)."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._last: float | None = None
        self._lock = threading.Lock()
        self.real_requests = 0
        # Set when the source could not be reached at all after every retry: later requests
        # of the same run fail at once instead of waiting through the retries again.
        self.unreachable: str | None = None

    def wait(self) -> None:
        with self._lock:
            if self._last is not None:
                remaining = self.delay - (time.monotonic() - self._last)
                if remaining > 0:
                    time.sleep(remaining)
            self._last = time.monotonic()
            self.real_requests += 1

    def done(self) -> None:
        """Count the gap from the end of the answer: a slow answer must not shorten it as
        the source sees it (arrival to arrival)."""
        with self._lock:
            self._last = time.monotonic()


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def get(
    session: requests.Session,
    url: str,
    params: Mapping[str, str] | None,
    *,
    politeness: Politeness,
    gate: RequestGate,
    offline: bool = False,
) -> requests.Response:
    """GET ``url`` through the cache; wait and retry as the source asks.

    Returns a 200 or 404 response. Raises ``SourceError`` (with ``url`` and ``status``) when
    retries run out, on other statuses, on network failure, or offline with nothing cached.
    """
    if isinstance(session, requests_cache.CachedSession):
        try:
            cached = session.get(url, params=params, only_if_cached=True,
                                 timeout=politeness.timeout)
        except sqlite3.Error as exc:  # damaged since it was opened: ask the source instead
            warnings.warn(CacheWarning(f"the cache could not be read ({exc})."), stacklevel=2)
            cached = requests.Response()
            cached.status_code = 504
        # only_if_cached also returns expired answers: fresh ones are used as they are,
        # expired ones only offline (a stale answer beats none when nothing can be asked)
        if cached.status_code == 200 and (offline or not getattr(cached, "is_expired", False)):
            return cached
        if offline:
            raise SourceError("not in the cache and --offline was given.", url=cached.url,
                              status=None)
    if gate.unreachable is not None:
        raise SourceError(f"{gate.unreachable} (earlier in this run; not tried again).", url=url)
    attempt = redirects = 0
    while True:
        gate.wait()
        try:
            response = _send(session, url, params, politeness.timeout)
        except requests.Timeout as exc:
            gate.done()
            problem, status, wait = f"no answer within {politeness.timeout:g} s", None, None
            error: Exception | None = exc
            full_url = url
        except requests.ConnectionError as exc:
            gate.done()
            problem, status, wait, error, full_url = "cannot connect", None, None, exc, url
        else:
            gate.done()
            full_url = response.url
            if response.status_code in _REDIRECTS and redirects < _MAX_REDIRECTS:
                url, params = _redirect_target(response, url), None
                redirects += 1
                continue
            if response.status_code == 200:
                return _within_limit(session, response, politeness)
            if response.status_code == 404:
                return response
            status, error = response.status_code, None
            problem = f"HTTP {status}"
            wait = _retry_after_seconds(response.headers.get("Retry-After"))
            if status not in (429, 500, 502, 503, 504):
                raise SourceError(f"{problem}.", url=full_url, status=status)
        if attempt >= politeness.retries:
            if status is None:
                gate.unreachable = f"{problem} after {attempt + 1} tries"
            raise SourceError(f"{problem} after {attempt + 1} tries; try again later.",
                              url=full_url, status=status) from error
        pause = min(politeness.max_wait,
                    wait if wait is not None else politeness.backoff * (2 ** attempt))
        log.info("%s from %s; retrying in %.1f s", problem, full_url, pause)
        time.sleep(pause)
        attempt += 1


# Where a redirect may lead: https on the services' own hosts. The configured base URL's own
# host (a mirror, the local test server) is trusted as given.
KNOWN_HOSTS = frozenset({"export.arxiv.org", "arxiv.org", "aclanthology.org", "dblp.org",
                         "dblp.uni-trier.de", "dblp.dagstuhl.de"})
_REDIRECTS = (301, 302, 303, 307, 308)
_MAX_REDIRECTS = 5


def _redirect_target(response: requests.Response, requested: str) -> str:
    from urllib.parse import urljoin, urlsplit

    target = urljoin(response.url or requested, response.headers.get("Location", ""))
    parts, origin = urlsplit(target), urlsplit(requested)
    if (parts.scheme == "https" and parts.hostname in KNOWN_HOSTS) or \
            (parts.scheme, parts.netloc) == (origin.scheme, origin.netloc):
        return target
    raise SourceError(f"redirected to {target}, which is not an https address of a known "
                      "host; not followed.", url=response.url, status=response.status_code)


def _within_limit(session: requests.Session, response: requests.Response,
                  politeness: Politeness) -> requests.Response:
    declared = response.headers.get("Content-Length", "")
    size = int(declared) if declared.isdigit() else len(response.content)
    if size > politeness.max_bytes or len(response.content) > politeness.max_bytes:
        cache = getattr(session, "cache", None)
        if cache is not None and getattr(response, "cache_key", None):
            cache.delete(response.cache_key)
        raise SourceError(f"the answer is {size / 1e6:.1f} MB, over the limit of "
                          f"{politeness.max_bytes / 1e6:.0f} MB; refused.", url=response.url,
                          status=response.status_code)
    return response


def decode_utf8(response: requests.Response) -> str:
    """The body as UTF-8, whatever the Content-Type says: BibTeX exports are UTF-8, and
    requests decodes a ``text/plain`` body without a charset as Latin-1."""
    try:
        return response.content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"the answer is not UTF-8 (byte {exc.start}).", url=response.url,
                          status=response.status_code) from exc


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
    from llm4anno_bib import _libcache

    found = sorted(folder.glob(CACHE_FILE + "*")) + sorted(folder.glob(INDEX_GLOB))
    return [p for p in found if p.is_file()] + _libcache.kept_files(folder)


def cache_info(cache_dir: str | os.PathLike[str] | None = None) -> CacheInfo:
    """Describe the cache folder (default: ``default_cache_dir()``) without changing it.

    Raises ``SourceError`` when the cache database cannot be read.
    """
    from urllib.parse import urlsplit

    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    per_host: dict[str, int] = {}
    if (folder / CACHE_FILE).is_file():
        backend = None
        try:
            backend = requests_cache.SQLiteCache(str(folder / CACHE_FILE), serializer="json")
            for url in backend.responses.keys():
                response = backend.responses[url]
                host = urlsplit(response.url).netloc or "?"
                per_host[host] = per_host.get(host, 0) + 1
        except Exception as exc:  # sqlite3 and deserialisation errors alike
            raise SourceError(f"the cache cannot be read ({exc}); run 'llm4anno-bib cache "
                              "clear'.", url=str(folder / CACHE_FILE)) from exc
        finally:
            if backend is not None:
                backend.close()
    from llm4anno_bib import _libcache

    files = _cache_files(folder)
    return CacheInfo(folder, dict(sorted(per_host.items())),
                     tuple(p.name for p in files if p.suffix == ".json" and p.parent == folder),
                     sum(p.stat().st_size for p in files),
                     sum(1 for p in files if p.parent != folder and _libcache.is_library(p)))


def clear_cache(cache_dir: str | os.PathLike[str] | None = None) -> CacheInfo:
    """Delete the cached responses and index files; returns what was there before.

    Deleting the files (rather than emptying the database) also clears a corrupt cache.
    """
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    try:
        before = cache_info(folder)
    except SourceError:
        before = CacheInfo(folder, {}, (), sum(p.stat().st_size for p in _cache_files(folder)))
    for path in _cache_files(folder):
        path.unlink(missing_ok=True)
    return before
