"""The HTTP layer every source shares: the cached session, politeness and retries.

Every response goes through ``requests_cache.CachedSession`` (SQLite in the platform's user
cache folder, JSON serializer, an expiry per source), so a second run asks no one. The
politeness delay is waited only before a request that really goes out: a cached answer is
returned at once (``arxiv.Client`` sleeps even for those).
"""

from __future__ import annotations

import email.utils
import errno
import functools
import hashlib
import json
import logging
import math
import os
import socket
import sqlite3
import threading
import time
import warnings
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import requests
import requests.adapters
import requests_cache
import urllib3
import urllib3.connection
import urllib3.exceptions
import urllib3.util
from requests_cache.backends.sqlite import SQLiteDict
from requests_cache.policy import ExpirationPatterns
from requests_cache.serializers.pipeline import SerializerPipeline, Stage
from requests_cache.serializers.preconf import json_preconf_stage

from llm4anno_bib._paths import default_cache_dir
from llm4anno_bib.caches import HTTP_CACHE_FILE
from llm4anno_bib.errors import CacheWarning, Llm4AnnoBibError, SourceError

log = logging.getLogger(__name__)

USER_AGENT = "llm4anno-bib/0.1 (+https://github.com/nlp24annotation/LLM4Annotation)"

# How long an answer stays fresh: arXiv ids change versions, the Anthology and DBLP rarely
# change a published record.
EXPIRY: ExpirationPatterns = {
    "*export.arxiv.org*": timedelta(days=7),
    "*aclanthology.org*": timedelta(days=30),
    "*dblp.org*": timedelta(days=30),
    "*api.crossref.org*": timedelta(days=30),
}


CACHE_FILE = HTTP_CACHE_FILE

# requests-cache's own JSON pipeline, written without its indent: json's C encoder then
# writes each answer (the indented form goes through the pure-Python encoder, a sixth of
# storing an answer). Both read alike: a cache written either way is read by either.
_COMPACT_JSON = SerializerPipeline(
    [json_preconf_stage, Stage(dumps=functools.partial(json.dumps, separators=(",", ":")),
                               loads=json.loads)], name="json", is_binary=False)


def make_session(cache_dir: str | os.PathLike[str] | None = None, *,
                 expire_after: timedelta | None = None) -> requests.Session:
    """A cached session for the source clients.

    A cache file that cannot be used (damaged, or another program's schema) is moved aside
    as ``http_cache.sqlite.damaged`` and a new one started, with a ``CacheWarning``; where
    no cache can be started (a full disk), the session keeps nothing, with a warning.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     make_session(folder).settings.allowable_codes
    (200,)
    """
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    try:
        fresh = True  # (until the folder is there, nothing of a cache is)
        folder.mkdir(parents=True, exist_ok=True)
        damaged_by: sqlite3.DatabaseError
        fresh = not (folder / CACHE_FILE).exists()
        try:
            return _open_cache(folder, expire_after)
        except sqlite3.OperationalError as exc:
            if "unable to open" in str(exc) or "readonly" in str(exc):
                raise _unusable(folder, str(exc)) from exc
            if "locked" in str(exc) or "busy" in str(exc):  # held by another program past
                # SQLite's wait: no damage, and the holder's file is not to be moved
                return _uncached(folder, f"{exc}: another program holds it", False,
                                 "Close that program, or set --cache-dir.")
            if fresh or "full" in str(exc):  # no room to start one: no damage to set aside
                return _uncached(folder, str(exc), fresh)
            damaged_by = exc
        except sqlite3.DatabaseError as exc:
            if fresh:
                return _uncached(folder, str(exc), fresh)
            damaged_by = exc
        damaged = folder / (CACHE_FILE + ".damaged")
        for suffix in ("", "-wal", "-shm", "-journal"):
            part = folder / (CACHE_FILE + suffix)
            if part.exists():
                os.replace(part, damaged.with_name(damaged.name + suffix))
        warnings.warn(CacheWarning(f"the cache {folder / CACHE_FILE} could not be read "
                                   f"({damaged_by}); it was moved to {damaged} and a new one "
                                   "started."), stacklevel=2)
        try:
            return _open_cache(folder, expire_after)
        except sqlite3.Error as exc:  # the new one cannot be made either (a full disk)
            return _uncached(folder, str(exc), True)
    except OSError as exc:
        from llm4anno_bib.files import os_reason

        if exc.errno == errno.ENOSPC:
            return _uncached(folder, os_reason(exc), fresh)
        raise _unusable(folder, os_reason(exc)) from exc


def _uncached(folder: Path, reason: str, made_here: bool,
              advice: str = "Free some space or set --cache-dir.") -> requests.Session:
    """A session that keeps nothing, for a cache folder with no room (or a cache another
    program holds locked): the command goes on, asking the sources (offline: nothing is
    cached to answer), and says so once."""
    warnings.warn(CacheWarning(f"no cache could be started in {folder} ({reason}); nothing "
                               f"is kept this run. {advice}"), stacklevel=3)
    for leftover in (CACHE_FILE, CACHE_FILE + "-journal") if made_here else ():
        try:  # what this run began and could not finish: nothing of the user's
            (folder / leftover).unlink(missing_ok=True)
        except OSError:
            pass
    return _equipped(requests.Session())


def _equipped(session: S) -> S:
    """``session`` as every source asks with it: our User-Agent, and answers cut at their
    deadline (``_DeadlineAdapter``)."""
    session.headers["User-Agent"] = USER_AGENT
    for prefix in ("http://", "https://"):
        session.mount(prefix, _DeadlineAdapter())
    return session


def _unusable(folder: Path, reason: str) -> Llm4AnnoBibError:
    return Llm4AnnoBibError(f"the cache folder cannot be used ({reason}); nothing was "
                            "changed. Set --cache-dir or LLM4ANNO_BIB_CACHE_DIR to a folder "
                            "you can write.", path=str(folder))


def _open_cache(folder: Path, expire_after: timedelta | None) -> requests_cache.CachedSession:
    session = requests_cache.CachedSession(
        cache_name=str(folder / CACHE_FILE),
        backend="sqlite",
        serializer=_COMPACT_JSON,
        expire_after=expire_after if expire_after is not None else timedelta(days=30),
        urls_expire_after=EXPIRY if expire_after is None else None,
        allowable_codes=(200,),
        stale_if_error=True,
        key_fn=_cache_key,
        # The clients send no credentials (no API key, token or Authorization header), so
        # there is nothing to redact: the redaction copied every stored answer's headers
        ignored_parameters=(),
        # No sync at each stored answer (its commit was a tenth of a cold run of a thousand
        # lookups): SQLite stays whole when the process dies; a power cut may damage the
        # file, and a damaged cache is moved aside and started anew (make_session).
        fast_save=True,
    )
    try:
        len(session.cache.responses)  # reads the schema: a damaged file fails here
        len(session.cache.redirects)
    except sqlite3.DatabaseError:
        session.close()  # type: ignore[no-untyped-call]
        raise
    return _equipped(session)


_OLD_KEYS: weakref.WeakKeyDictionary[requests.Session, bool] = weakref.WeakKeyDictionary()


def _holds_old_keys(session: requests_cache.CachedSession) -> bool:
    """Whether the cache holds answers stored under requests-cache's own (shorter) key,
    asked once per session: looking each missing answer up a second time under that key
    cost a tenth of a cold run of a thousand lookups."""
    if session not in _OLD_KEYS:
        try:
            _OLD_KEYS[session] = _any_row(session, "length(key) < 32", ())
        except sqlite3.Error:  # damaged: look row by row
            _OLD_KEYS[session] = True
    return _OLD_KEYS[session]


def _any_row(session: requests_cache.CachedSession, where: str, values: tuple[str, ...]) -> bool:
    """Whether a stored answer's row meets ``where``, asked of SQLite without reading the
    answer back (requests-cache's ``contains`` deserialises it whole)."""
    responses = session.cache.responses
    if not isinstance(responses, SQLiteDict):
        return True
    with responses.connection() as connection:
        row = connection.execute(f"SELECT 1 FROM {responses.table_name} WHERE {where} LIMIT 1",
                                 values).fetchone()
    return row is not None


def _cache_key(request: requests.PreparedRequest, **_settings: object) -> str:
    """The key an answer is stored under: its method and URL, hashed.

    requests-cache's own key normalises the URL (url-normalize: a third of a warm run of a
    thousand lookups); the URLs here are built by the source clients, the same request always
    the same text, and only GETs without a body are sent, so the text itself is the key. A
    16-byte digest, where requests-cache's is 8: the two kinds of key never collide, which lets
    a cache written before this key be read (``_cached``).
    """
    text = f"{request.method or 'GET'} {request.url}"
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class Politeness:
    """How a source wants to be asked: the gap between requests, retries, timeouts."""

    delay: float = 1.0
    retries: int = 3
    backoff: float = 2.0
    timeout: float = 30.0
    max_wait: float = 120.0
    max_bytes: int = 50_000_000  # an answer larger than this (decoded) is refused
    deadline: float = 120.0  # seconds for one whole answer, however slowly it drips
    # Seconds one run may wait on this source in all: its answers, retries and the pauses it
    # asks for (Retry-After). Past it, or after one missed deadline or a run of 429/5xx
    # answers, the source is unreachable for the rest of the run (``RequestGate``).
    budget: float = 180.0


class RequestGate:
    """Spaces real requests ``delay`` seconds apart (one gate per source)."""

    def __init__(self, delay: float, name: str = "the source") -> None:
        self.delay = delay
        self.name = name  # how errors name the source: "arXiv", "the ACL Anthology", "DBLP"
        self._last: float | None = None
        self._lock = threading.Lock()
        self.real_requests = 0
        # Set when the source could not be reached (no whole answer in time, a run of
        # 429/5xx, a pause asked for past the budget, the budget spent): later requests of
        # the same run fail at once instead of waiting through the retries again.
        self.unreachable: str | None = None
        self.waited = 0.0  # seconds this run has spent on the source's requests and pauses

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


T = TypeVar("T")
S = TypeVar("S", bound=requests.Session)


def get(
    session: requests.Session,
    url: str,
    params: Mapping[str, str] | None,
    *,
    politeness: Politeness,
    gate: RequestGate,
    parse: Callable[[requests.Response], T],
    offline: bool = False,
    headers: Mapping[str, str] | None = None,
) -> T:
    """GET ``url`` through the cache; wait and retry as the source asks; return what
    ``parse`` makes of the answer (a 200, or a 404, which is never stored).

    ``parse`` is the answer's check: an answer it refuses (any ``Llm4AnnoBibError``) is never
    stored, and one stored earlier that it refuses now is dropped from the cache and asked
    again.
    The answer is read with bounds: at most ``politeness.max_bytes`` (decoded), within
    ``politeness.deadline`` seconds however slowly it arrives.

    ``headers`` are sent with the request (not part of the cache key).

    Raises ``SourceError`` (with ``url``, ``status`` and the ``source``'s name) when retries
    run out, on other statuses, on network failure, on an answer over a bound, or offline
    with nothing cached.
    """
    try:
        return _get(session, url, params, politeness, gate, parse, offline, headers)
    except SourceError as error:
        if error.source is None:
            error.source = gate.name
        raise


def _get(session: requests.Session, url: str, params: Mapping[str, str] | None,
         politeness: Politeness, gate: RequestGate, parse: Callable[[requests.Response], T],
         offline: bool, headers: Mapping[str, str] | None = None) -> T:
    url = _full_url(url, params)  # built once: requests' URL preparation is costly
    cached = _cached(session, url, offline)
    if cached is not None:
        try:
            return parse(cached)
        except Llm4AnnoBibError:  # stored under older rules, or damaged: ask again
            forget(session, cached)
            if offline:
                raise
    if gate.unreachable is not None:
        raise SourceError(f"{gate.unreachable} (earlier in this run; not tried again).", url=url)
    return _asked(session, url, politeness, gate, parse, headers)


def base_url(given: str | None, variable: str, default: str) -> str:
    """A client's base URL: ``given``, else the environment's ``variable``, else
    ``default``; ``Llm4AnnoBibError`` naming where it came from unless it is an http(s) URL
    with a host (a mirror, a local stand-in), before anything is asked.

    >>> base_url(None, "EXAMPLE_MIRROR_URL", "https://dblp.org")
    'https://dblp.org'
    >>> base_url("http://[::1", "EXAMPLE_MIRROR_URL", "https://dblp.org")
    Traceback (most recent call last):
    ...
    llm4anno_bib.errors.Llm4AnnoBibError: the base URL 'http://[::1' is not an http(s) URL ...
    """
    from llm4anno_bib._text import strip_controls
    from llm4anno_bib.ids import is_url

    chosen = given or os.environ.get(variable) or default
    try:
        host = urllib3.util.parse_url(chosen).host if is_url(chosen) else None
    except urllib3.exceptions.LocationParseError:
        host = None
    if not host:
        named = "the base URL" if given else variable
        raise Llm4AnnoBibError(f"{named} {strip_controls(chosen)[:200]!r} is not an http(s) "
                               "URL with a host; nothing was asked.")
    return chosen


def _full_url(url: str, params: Mapping[str, str] | None) -> str:
    """The URL with its query, as requests sends it. The query is encoded here as requests
    encodes a mapping of strings (``urlencode``, UTF-8): requests' own encoder first asks
    whether the mapping is a file, a check of a runtime protocol that cost a list import a
    tenth of a second. On a base URL requests leaves as it is, the query is joined to it
    without preparing the whole URL again (a twentieth of a warm run of a thousand
    lookups): requests would give the same text (``_prepared_as_it_is``)."""
    from urllib.parse import urlencode

    query = urlencode(list((params or {}).items()), doseq=True)
    if query and _prepared_as_it_is(url):
        return f"{url}?{query}"
    prepared = requests.PreparedRequest()
    try:
        prepared.prepare_url(url, query)
    except (requests.RequestException, urllib3.exceptions.LocationParseError) as exc:
        raise SourceError(f"the URL cannot be asked ({exc}).", url=url) from exc
    return prepared.url or url


@functools.lru_cache(maxsize=64)  # a few base URLs per source
def _prepared_as_it_is(base: str) -> bool:
    """Whether requests prepares ``base`` (a URL without a query or fragment) as it is.
    Then ``base?query`` is what it prepares with a query ``urlencode`` made: such a query
    holds letters, digits, ``-._~+=&`` and ``%XX`` of reserved characters only, which
    requests' requoting keeps as they are."""
    if "?" in base or "#" in base:
        return False
    prepared = requests.PreparedRequest()
    try:
        prepared.prepare_url(base, None)
    except (requests.RequestException, urllib3.exceptions.LocationParseError):
        return False
    return prepared.url == base


def _asked(session: requests.Session, url: str, politeness: Politeness, gate: RequestGate,
           parse: Callable[[requests.Response], T], headers: Mapping[str, str] | None) -> T:
    """The parsed answer of the source to the GET of ``url`` (query included), asked again
    after each failure worth a retry (``_failure``) until the retries or this run's waiting
    budget run out."""
    attempt = redirects = 0
    while True:
        left = politeness.budget - gate.waited
        spent = (f"waited {politeness.budget:g} s on it in this run, the bound "
                 "(LLM4ANNO_BIB_SOURCE_WAIT sets it)")
        if left <= 0:
            raise _down(gate, spent, url, None, None)
        _commit_before_waiting(session, gate)
        gate.wait()
        started = time.monotonic()
        try:
            response = _download(session, url,
                                 replace(politeness, deadline=min(politeness.deadline, left)),
                                 headers)
        except SourceError:  # an answer over the size limit: asking again would not help
            gate.done()
            raise
        except _NoAnswer as exc:
            gate.done()
            took = time.monotonic() - started
            gate.waited += took
            if exc.in_time is False:  # too slow, or unreachable: asking again costs as much
                # the bound is the reason only where its share, not the answer's own
                # deadline, was spent (an unreachable host fails at once)
                raise _down(gate, spent if left < politeness.deadline and took >= left
                            else exc.problem, url, None, exc.__cause__)
            failure = _Failure(exc.problem, url, None, None, exc.__cause__)
        else:
            gate.done()
            gate.waited += time.monotonic() - started
            if response.status_code in _REDIRECTS and redirects < _MAX_REDIRECTS:
                url = _full_url(_redirect_target(response, url), None)
                redirects += 1
                continue
            if response.status_code in (200, 404):
                value = parse(response)  # raises before anything is stored
                if response.status_code == 200:
                    _store(session, response)
                return value
            failure = _failure(response)
        _pause_before_retry(failure, attempt, politeness, gate)
        attempt += 1


@dataclass(frozen=True, slots=True)
class _Failure:
    """An attempt that failed in a way worth asking again: what to say of it, the URL and
    status, how long the source asked to be left alone (Retry-After), the network error."""

    problem: str
    url: str
    status: int | None
    wait: float | None
    error: BaseException | None


def _failure(response: requests.Response) -> _Failure:
    """The failure an answer other than 200 or 404 is; raises ``SourceError`` for one that
    asking again would not change."""
    status = response.status_code
    if status not in (429, 500, 502, 503, 504):
        raise SourceError(f"HTTP {status}.", url=response.url, status=status)
    return _Failure(f"HTTP {status}", response.url, status,
                    _retry_after_seconds(response.headers.get("Retry-After")), None)


def _pause_before_retry(failure: _Failure, attempt: int, politeness: Politeness,
                        gate: RequestGate) -> None:
    """Wait before the next attempt (Retry-After, else exponential backoff); raises the
    error that marks the source down when no attempt or no waiting is left."""
    problem, url, status, wait, error = (failure.problem, failure.url, failure.status,
                                         failure.wait, failure.error)
    if attempt >= politeness.retries:
        raise _down(gate, f"{problem} after {attempt + 1} tries", url, status, error)
    left = politeness.budget - gate.waited
    if wait is not None and wait > min(politeness.max_wait, left):
        raise _down(gate, f"{problem}, asking to wait {wait:g} s, past the "
                    f"{min(politeness.max_wait, left):g} s this run may still wait",
                    url, status, error)
    pause = min(politeness.max_wait, left,
                wait if wait is not None else politeness.backoff * (2 ** attempt))
    log.info("%s from %s; retrying in %.1f s", problem, url, pause)
    time.sleep(pause)
    gate.waited += pause


def _down(gate: RequestGate, problem: str, url: str, status: int | None,
          error: BaseException | None) -> SourceError:
    """The error that marks the source unreachable for the rest of the run."""
    gate.unreachable = problem
    failure = SourceError(f"{problem}; not asked again in this run. Try again later.",
                          url=url, status=status)
    failure.__cause__ = error
    return failure


def _cached(session: requests.Session, url: str, offline: bool) -> requests.Response | None:
    """The stored answer to the GET of ``url`` (query included) to use, or ``None`` to ask
    the source. Raises ``SourceError`` offline when nothing is stored."""
    if not isinstance(session, requests_cache.CachedSession):
        return None
    # the stored answer is looked up by the key ``_store`` gave it, without going through
    # requests' sending machinery (most of the time of a warm run of thousands of lookups)
    # (the session adds only headers, which are no part of the key)
    prepared = requests.PreparedRequest()
    prepared.method, prepared.url = "GET", url
    prepared.prepare_headers({})
    key = _cache_key(prepared)
    try:
        cached = session.cache.get_response(key)
        if cached is None and _holds_old_keys(session):  # stored under requests-cache's key
            key = requests_cache.create_key(prepared,
                                            serializer=session.cache.responses.serializer)
            cached = session.cache.get_response(key)
        if cached is not None:
            _check_answers(cached, prepared.url or "")
        usable = cached is not None and cached.status_code == 200 and (
            offline or not cached.is_expired)
    except Exception as exc:  # noqa: BLE001 (a stored answer is hostile: whatever it fails
        # with, it is damaged: a bad row, a damaged file, a shape requests-cache cannot read)
        warnings.warn(CacheWarning(f"a stored answer could not be read ({type(exc).__name__}:"
                                   f" {str(exc)[:120]}); it is dropped and asked again."),
                      stacklevel=3)
        _drop(session, key)
        cached, usable = None, False
    # expired answers are stored too: fresh ones are used as they are, expired ones only
    # offline (a stale answer beats none when nothing can be asked)
    if usable:
        return cached
    if offline:
        raise SourceError("not in the cache and --offline was given.", url=prepared.url,
                          status=None)
    return None


_DIGEST_HEADER = "X-Llm4anno-Bib-Digest"  # of the body, set when an answer is stored


def _body_digest(content: bytes) -> str:
    return hashlib.blake2b(content, digest_size=16).hexdigest()


def _check_answers(cached: requests.Response, url: str) -> None:
    """Raise ``ValueError`` unless a stored answer is the one asked for and whole: the
    request it was stored for has this URL (a row moved under another key answers another
    question), and its body has the digest it was stored with (answers stored before the
    digest have none)."""
    stored = getattr(getattr(cached, "request", None), "url", None)
    if not isinstance(stored, str) or (stored != url and
                                       _same_request(stored) != _same_request(url)):
        raise ValueError(f"the stored answer is for another request ({str(stored)[:100]})")
    digest = cached.headers.get(_DIGEST_HEADER)
    if digest is not None and digest != _body_digest(cached.content or b""):
        raise ValueError("the stored body does not match its digest")


def _same_request(url: str) -> tuple[str, str, str, list[tuple[str, str]]]:
    """A URL as requests-cache keeps a request's: its query's order is not kept."""
    from urllib.parse import parse_qsl, urlsplit

    parts = urlsplit(url)
    return parts.scheme, parts.netloc, parts.path, sorted(parse_qsl(parts.query, True))


def _never_connected(error: BaseException) -> str | None:
    """Why a connection was never made (its name did not resolve, it was refused), or
    ``None`` for an error after one was: then the source is unreachable from here, and a
    run without a network fails in seconds instead of retrying every source."""
    cause: object = error
    for _depth in range(6):  # requests' ConnectionError -> urllib3's MaxRetryError -> reason
        if isinstance(cause, urllib3.exceptions.NameResolutionError):
            return "the host's name does not resolve: no network?"
        if isinstance(cause, urllib3.exceptions.NewConnectionError):
            return "the connection was refused"
        cause = getattr(cause, "reason", None) or (cause.args[0] if isinstance(
            cause, BaseException) and cause.args else None)
        if cause is None:
            break
    return None


class _NoAnswer(Exception):
    """No whole answer came: the connection failed or broke off (``in_time``: it may come
    if asked again), or no answer came in time (a timeout, a missed deadline)."""

    def __init__(self, problem: str, in_time: bool = True) -> None:
        super().__init__(problem)
        self.problem = problem
        self.in_time = in_time


def _download(session: requests.Session, url: str, politeness: Politeness,
              headers: Mapping[str, str] | None = None) -> requests.Response:
    """One GET past the cache (requests-cache stores a body before anyone could refuse it,
    so the answer is stored by ``_store`` once ``parse`` took it), its body read in chunks
    and decoded as it comes: at most ``max_bytes``, within ``deadline`` seconds."""
    prepared = _prepared(session, url, headers)
    with _Deadline(politeness.deadline) as deadline:
        try:
            response = requests.Session.send(session, prepared, stream=True,
                                             timeout=politeness.timeout, allow_redirects=False,
                                             proxies=_proxies(session, prepared))
            try:
                body = _read_bounded(response, politeness.max_bytes)
            finally:
                response.close()
        except requests.Timeout as exc:
            raise _NoAnswer(f"no answer within {politeness.timeout:g} s", False) from exc
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            if deadline.passed:
                raise _NoAnswer(f"no whole answer within {politeness.deadline:g} s",
                                False) from exc
            never = _never_connected(exc)
            if never is not None:  # no network, or no such host: asking again cannot help
                raise _NoAnswer(f"cannot connect ({never})", False) from exc
            raise _NoAnswer("cannot connect" if isinstance(exc, requests.ConnectionError)
                            else f"the answer broke off ({type(exc).__name__})") from exc
        if deadline.passed:  # the socket was shut at the deadline: what came is not all
            raise _NoAnswer(f"no whole answer within {politeness.deadline:g} s", False)
    return _ReadResponse(response, body)


def _prepared(session: requests.Session, url: str,
              headers: Mapping[str, str] | None) -> requests.PreparedRequest:
    """The GET of ``url`` (prepared by ``_full_url``) to send: the session's headers and
    cookies with the call's headers. Not ``Session.prepare_request``, which also looks for
    credentials in ``~/.netrc`` at every request (the sources need none), merges settings no
    source sets and prepares the URL again: 0.12 ms a request (0.40 s against 0.22 s for
    1,437 requests, measured side by side), and the URL as much again."""
    merged = requests.structures.CaseInsensitiveDict(session.headers)
    merged.update(headers or {})
    prepared = requests.PreparedRequest()
    prepared.prepare_method("GET")
    prepared.url = url
    prepared.prepare_headers(merged)
    prepared.prepare_cookies(session.cookies)
    prepared.body = None  # a GET without a body: nothing to prepare, no credentials
    prepared.prepare_hooks(session.hooks)
    return prepared


class _ReadResponse(requests.Response):
    """An answer whose body was read here, bounded: ``content`` is that body (requests keeps
    a body it read itself in a private attribute; this one is given in the open)."""

    def __init__(self, answer: requests.Response, body: bytes) -> None:
        super().__init__()
        for name in ("status_code", "headers", "url", "encoding", "reason", "cookies",
                     "elapsed", "request", "history", "raw", "connection"):
            setattr(self, name, getattr(answer, name, None))
        self._body = body

    @property  # read-only here: the body was read
    def content(self) -> bytes:
        return self._body


_PROXIES: weakref.WeakKeyDictionary[requests.Session, dict[str, dict[str, str]]] = \
    weakref.WeakKeyDictionary()


def _proxies(session: requests.Session, prepared: requests.PreparedRequest) -> dict[str, str]:
    """The proxies for a request's host, as requests finds them (the session's, then the
    environment's, with no_proxy), found once per host: requests reads the whole environment
    again for every request, which was a tenth of a cold run of a thousand lookups."""
    from urllib.parse import urlsplit

    parts = urlsplit(prepared.url or "")
    known = _PROXIES.setdefault(session, {})
    origin = f"{parts.scheme}://{parts.netloc}"
    if origin not in known:
        known[origin] = dict(requests.utils.resolve_proxies(prepared, dict(session.proxies),
                                                            session.trust_env))
    return known[origin]


def _read_bounded(response: requests.Response, limit: int) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(int(declared), limit, response)
    chunks: list[bytes] = []
    size = 0
    # urllib3 (2.6 and later) inflates gzip and deflate at most a chunk at a time, so a
    # compressed bomb is stopped at the limit, not after inflating all of it
    for chunk in response.raw.stream(_CHUNK, decode_content=True):
        size += len(chunk)
        if size > limit:
            raise _too_large(size, limit, response, at_least=True)
        chunks.append(chunk)
    return b"".join(chunks)


_CHUNK = 1 << 16


def _too_large(size: int, limit: int, response: requests.Response,
               at_least: bool = False) -> SourceError:
    return SourceError(f"the answer is {'over ' if at_least else ''}{size / 1e6:.1f} MB, over "
                       f"the limit of {limit / 1e6:g} MB; refused.", url=response.url,
                       status=response.status_code)


def _store(session: requests.Session, response: requests.Response) -> None:
    """Keep an accepted answer, with the expiry the session gives its URL. A cache that
    cannot store it (a full disk, a damaged file) is reported; the answer is still used."""
    if not isinstance(session, requests_cache.CachedSession):
        return
    from requests_cache.policy.expiration import get_expiration_datetime, get_url_expiration

    settings = session.settings
    expire_after = get_url_expiration(response.url, settings.urls_expire_after)
    key = session.cache.create_key(response.request)
    response.headers[_DIGEST_HEADER] = _body_digest(response.content or b"")
    batch = _BATCHES.get(session)
    if batch is not None:
        batch.open()
    try:
        session.cache.save_response(
            response, key, get_expiration_datetime(expire_after if expire_after is not None
                                                    else settings.expire_after))
        # a failed write is only logged: asked of the file, at once or when the batch ends
        stored = batch.wrote(key) if batch is not None else _any_row(session, "key = ?", (key,))
    except (sqlite3.Error, OSError):
        stored = False
    if not stored:
        warnings.warn(_NOT_STORED, stacklevel=4)


_NOT_STORED = CacheWarning("the cache could not store an answer (a full disk or a damaged "
                           "cache file); the next run will ask again.")


class _Batch:
    """Answers stored in one transaction: a commit per answer (its journal file made and
    removed) was a tenth of a cold run of a thousand lookups. The transaction is committed
    once it is ``_BATCH_SECONDS`` old, and before any request that waits longer than that
    for its turn (a politeness delay), so another process writing the same cache waits
    about that long; a run killed mid-batch loses those answers, which the next run asks
    again."""

    def __init__(self, session: requests_cache.CachedSession, responses: SQLiteDict) -> None:
        self._session = session
        self._responses = responses
        self._transaction: AbstractContextManager[None] | None = None
        self._began = 0.0
        self._last_key: str | None = None

    def open(self) -> None:
        if self._transaction is None:
            self._transaction = self._responses.bulk_commit()
            self._transaction.__enter__()
            self._began = time.monotonic()

    def wrote(self, key: str) -> bool:
        """Whether the answer just stored under ``key`` is written so far (a later commit
        that fails is found by ``commit``)."""
        self._last_key = key
        return self.commit() if self.due() else True

    def due(self) -> bool:
        return self._transaction is not None and \
            time.monotonic() - self._began >= _BATCH_SECONDS

    def commit(self) -> bool:
        """Commit the open transaction; whether its last answer is in the file."""
        transaction, self._transaction = self._transaction, None
        last, self._last_key = self._last_key, None
        if transaction is None:
            return True
        try:
            transaction.__exit__(None, None, None)  # a failed commit is rolled back, quietly
            return last is None or _any_row(self._session, "key = ?", (last,))
        except sqlite3.Error:  # a damaged file: end the transaction whatever it holds
            with suppress(sqlite3.Error), self._responses.connection() as connection:
                connection.rollback()
            return False


def _commit_before_waiting(session: requests.Session, gate: RequestGate) -> None:
    """Commit an open batch before a request that waits for its turn or comes after the
    batch's time: no transaction is held across a politeness delay."""
    batch = _BATCHES.get(session)
    if batch is not None and (gate.delay >= _BATCH_SECONDS or batch.due()) and \
            not batch.commit():
        warnings.warn(_NOT_STORED, stacklevel=5)


_BATCH_SECONDS = 0.5
_BATCHES: weakref.WeakKeyDictionary[requests.Session, _Batch] = weakref.WeakKeyDictionary()


@contextmanager
def stores_batched(session: requests.Session) -> Iterator[None]:
    """Within it, ``session``'s accepted answers are committed to its cache in batches
    (``_Batch``); on leaving, the last batch is committed."""
    responses = getattr(getattr(session, "cache", None), "responses", None)
    if not isinstance(session, requests_cache.CachedSession) or \
            not isinstance(responses, SQLiteDict) or session in _BATCHES:
        yield  # nothing is cached, or an outer block batches already
        return
    batch = _BATCHES[session] = _Batch(session, responses)
    try:
        yield
    finally:
        del _BATCHES[session]
        if not batch.commit():
            warnings.warn(_NOT_STORED, stacklevel=3)


def forget(session: requests.Session, response: requests.Response) -> None:
    """Drop a stored answer, so that the next run asks again."""
    _drop(session, getattr(response, "cache_key", None))


def _drop(session: requests.Session, key: str | None) -> None:
    """Drop the answer stored under ``key``; a damaged cache takes it with it anyway."""
    cache = getattr(session, "cache", None)
    if cache is not None and key:
        try:
            cache.delete(key)
        except Exception:  # noqa: BLE001 (whatever a damaged row or file fails with)
            pass


# -- the deadline of one answer ---------------------------------------------------------
# A socket timeout bounds each read, not the answer: a server sending a byte every few
# seconds would hold a request for good. At the deadline the request's socket is shut,
# which ends a blocked read at once (headers or body). The socket a thread is using is known
# through the connection classes below, which the session's adapters build; the socket
# itself is held, because http.client drops the connection's reference to it once the
# headers say the connection will close, while the body is still being read.
_ACTIVE = threading.local()


class _Watchdog:
    """One thread for every running deadline: it sleeps until the earliest and cuts those
    that passed (a thread started per request cost a lookup a tenth of its time)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._due: dict[_Deadline, float] = {}
        self._thread: threading.Thread | None = None
        # When the thread wakes next: a deadline due later needs no waking of it (waking
        # it for every request handed the interpreter to it a thousand times a run)
        self._wakes_at = math.inf

    def watch(self, deadline: _Deadline) -> None:
        with self._changed:
            self._due[deadline] = due = time.monotonic() + deadline.seconds
            if self._thread is None or not self._thread.is_alive():  # (none after a fork)
                self._wakes_at = math.inf
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name="llm4anno-bib deadlines")
                self._thread.start()
            elif due < self._wakes_at:
                self._changed.notify()

    def forget(self, deadline: _Deadline) -> None:
        with self._changed:  # (the thread wakes at the time it had, and finds nothing)
            self._due.pop(deadline, None)

    def _run(self) -> None:
        with self._changed:
            while True:
                now = time.monotonic()
                for deadline in [d for d, due in self._due.items() if due <= now]:
                    del self._due[deadline]
                    deadline.cut()
                self._wakes_at = min(self._due.values(), default=math.inf)
                self._changed.wait(None if self._wakes_at == math.inf else self._wakes_at - now)


_WATCHDOG = _Watchdog()


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.passed = False
        self._socket: socket.socket | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> _Deadline:
        _ACTIVE.deadline = self
        _WATCHDOG.watch(self)
        return self

    def __exit__(self, *exc: object) -> None:
        _WATCHDOG.forget(self)
        _ACTIVE.deadline = None

    def use(self, sock: socket.socket | None) -> None:
        with self._lock:
            if sock is not None:
                self._socket = sock
            if self.passed:
                self._shut()

    def cut(self) -> None:
        with self._lock:
            self.passed = True
            self._shut()

    def _shut(self) -> None:
        if self._socket is not None:
            try:
                self._socket.shutdown(socket.SHUT_RDWR)
            except OSError:  # already closed: nothing left to wait on
                pass


def _in_use(sock: socket.socket | None) -> None:
    deadline = getattr(_ACTIVE, "deadline", None)
    if deadline is not None:
        deadline.use(sock)


class _DeadlineConnection:
    """Tells the running ``_Deadline`` which socket a request uses (new or reused)."""

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        _in_use(self.sock)  # type: ignore[attr-defined]

    def request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        _in_use(self.sock)  # type: ignore[attr-defined]
        return super().request(*args, **kwargs)  # type: ignore[misc]


class _HTTPConnection(_DeadlineConnection, urllib3.connection.HTTPConnection):
    pass


class _HTTPSConnection(_DeadlineConnection, urllib3.connection.HTTPSConnection):
    pass


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class _DeadlineAdapter(requests.adapters.HTTPAdapter):
    """requests' adapter, with connections whose socket ``_Deadline`` can reach."""

    def init_poolmanager(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


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


def decode_utf8(response: requests.Response) -> str:
    """The body as UTF-8, whatever the Content-Type says: BibTeX exports are UTF-8, and
    requests decodes a ``text/plain`` body without a charset as Latin-1."""
    try:
        return response.content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"the answer is not UTF-8 (byte {exc.start}).", url=response.url,
                          status=response.status_code) from exc
