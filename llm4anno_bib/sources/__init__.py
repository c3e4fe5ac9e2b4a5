"""Clients of the sources that enrich the library (arXiv, the ACL Anthology, DBLP, Crossref):
one module each, the only places that know the sources' URLs and wire formats. Each takes
an injected ``requests.Session`` (normally the cached one from ``make_session``) and a base
URL, and returns plain data.

``Sources.connect()`` opens all four on one cache, the way the CLI and scripts use them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from llm4anno_bib._text import strip_controls
from llm4anno_bib.errors import Llm4AnnoBibError
from llm4anno_bib.sources.records import ArxivRecord, BibRecord, DblpHit

if TYPE_CHECKING:  # the clients are imported when connecting: arxiv and lxml are slow to load
    from llm4anno_bib.caches import CacheInfo, cache_info, clear_cache
    from llm4anno_bib.sources._http import Politeness, make_session
    from llm4anno_bib.sources.acl import AclClient
    from llm4anno_bib.sources.arxiv import ArxivClient
    from llm4anno_bib.sources.crossref import CrossrefClient
    from llm4anno_bib.sources.dblp import DblpClient

__all__ = ["ArxivRecord", "BibRecord", "CacheInfo", "DELAY_ENV", "DblpHit", "Politeness",
           "Sources", "WAIT_ENV", "cache_info", "clear_cache", "delay_override", "make_session",
           "wait_override"]


DELAY_ENV = "LLM4ANNO_BIB_DELAY"
WAIT_ENV = "LLM4ANNO_BIB_SOURCE_WAIT"  # (_http's message names it too: it imports no sources)

# the HTTP layer imports requests and requests-cache (0.15 s): only when it is used, so that
# what reads only the records (matching, verify against a library) does not pay for it
_HTTP_NAMES = ("Politeness", "make_session")
# the cache commands' old home: they are llm4anno_bib.caches' (and llm4anno_bib's) now
_CACHE_NAMES = ("CacheInfo", "cache_info", "clear_cache")


def __getattr__(name: str) -> object:
    if name in _HTTP_NAMES:
        from llm4anno_bib.sources import _http

        return getattr(_http, name)
    if name in _CACHE_NAMES:
        from llm4anno_bib import caches

        return getattr(caches, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def delay_override() -> float | None:
    """The politeness gap ``LLM4ANNO_BIB_DELAY`` sets for every source (seconds), or
    ``None`` when it is not set. It is for a mirror you run yourself: the real services'
    own gaps are the defaults. Raises ``Llm4AnnoBibError`` for a value that is not a number
    of seconds from 0 to 3600.

    >>> os.environ[DELAY_ENV] = "0.5"; delay_override()
    0.5
    >>> del os.environ[DELAY_ENV]; delay_override() is None
    True
    """
    return _seconds_from(DELAY_ENV, 3600.0)


def wait_override() -> float | None:
    """The bound ``LLM4ANNO_BIB_SOURCE_WAIT`` sets on how long one run may wait on each
    source in all (``Politeness.budget``, seconds), or ``None`` when it is not set. Raises
    ``Llm4AnnoBibError`` for a value that is not a number of seconds from 0 to 86400."""
    return _seconds_from(WAIT_ENV, 86400.0)


def _seconds_from(name: str, most: float) -> float | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0.0 <= seconds <= most:  # also false for nan
        raise Llm4AnnoBibError(f"{name}={strip_controls(value)[:40]!r} is not a number "
                               f"of seconds from 0 to {most:g}.")
    return seconds


@dataclass
class Sources:
    """The source clients, sharing one cached session."""

    arxiv: ArxivClient
    acl: AclClient
    dblp: DblpClient
    crossref: CrossrefClient

    @classmethod
    def connect(cls, cache_dir: str | os.PathLike[str] | None = None, *, offline: bool = False,
                arxiv_url: str | None = None, acl_url: str | None = None,
                dblp_url: str | None = None, crossref_url: str | None = None,
                arxiv_politeness: Politeness | None = None,
                politeness: Politeness | None = None, mailto: str | None = None) -> Sources:
        """Clients of arXiv, the ACL Anthology, DBLP and Crossref on one cache
        (``cache_dir``, default ``$LLM4ANNO_BIB_CACHE_DIR`` or the user cache folder). Base
        URLs default to the real services (or their ``LLM4ANNO_BIB_*_URL`` variables);
        ``offline`` answers from the cache only. ``politeness`` applies to the Anthology,
        DBLP and Crossref; ``LLM4ANNO_BIB_DELAY`` sets every gap (``delay_override``),
        ``LLM4ANNO_BIB_SOURCE_WAIT`` every source's bound on a run's wait
        (``wait_override``, ``Politeness.budget``);
        ``mailto`` is the contact Crossref is given (default ``$LLM4ANNO_BIB_MAILTO``).

        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     Sources.connect(folder, offline=True).arxiv.base_url
        'https://export.arxiv.org/api/query'
        """
        from llm4anno_bib.sources import acl, arxiv, crossref, dblp
        from llm4anno_bib.sources._http import make_session

        delay, budget = delay_override(), wait_override()

        def paced(chosen: Politeness) -> Politeness:
            chosen = chosen if delay is None else replace(chosen, delay=delay)
            return chosen if budget is None else replace(chosen, budget=budget)

        session = make_session(cache_dir)
        return cls(
            arxiv.ArxivClient(session, arxiv_url, offline=offline,
                              politeness=paced(arxiv_politeness or arxiv.POLITENESS)),
            acl.AclClient(session, acl_url, offline=offline, index_dir=cache_dir,
                          politeness=paced(replace(politeness, max_bytes=acl.POLITENESS.max_bytes)
                                           if politeness else acl.POLITENESS)),
            dblp.DblpClient(session, dblp_url, offline=offline,
                            politeness=paced(politeness or dblp.POLITENESS)),
            crossref.CrossrefClient(session, crossref_url, offline=offline, mailto=mailto,
                                    politeness=paced(replace(
                                        politeness, max_bytes=crossref.POLITENESS.max_bytes)
                                        if politeness else crossref.POLITENESS)),
        )

    @contextmanager
    def storing_in_batches(self) -> Iterator[None]:
        """Within it, accepted answers are committed to the cache in batches
        (``_http.stores_batched``): for a run of many lookups."""
        from llm4anno_bib.sources._http import stores_batched

        with ExitStack() as stack:
            clients = (self.arxiv, self.acl, self.dblp, self.crossref)
            sessions = {id(s): s for c in clients if (s := getattr(c, "session", None))}
            for session in sessions.values():
                stack.enter_context(stores_batched(session))
            yield

    @property
    def real_requests(self) -> dict[str, int]:
        """Requests that went to the network, per source."""
        return {"arxiv": self.arxiv.real_requests, "acl": self.acl.real_requests,
                "dblp": self.dblp.real_requests, "crossref": self.crossref.real_requests}
