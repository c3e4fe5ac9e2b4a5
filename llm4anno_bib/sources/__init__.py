"""Clients of the sources that enrich the library: one module each, the only places that
know the sources' URLs and wire formats. Each takes an injected ``requests.Session``
(normally the cached one from ``make_session``) and a base URL, and returns plain data.

``Sources.connect()`` opens all three on one cache, the way the CLI and scripts use them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from llm4anno_bib.sources._http import (
    CacheInfo, Politeness, cache_info, clear_cache, make_session,
)
from llm4anno_bib.sources.records import ArxivRecord, BibRecord, DblpHit

if TYPE_CHECKING:  # the clients are imported when connecting: arxiv and lxml are slow to load
    from llm4anno_bib.sources.acl import AclClient
    from llm4anno_bib.sources.arxiv import ArxivClient
    from llm4anno_bib.sources.dblp import DblpClient

__all__ = ["ArxivRecord", "BibRecord", "CacheInfo", "DblpHit", "Politeness", "Sources",
           "cache_info", "clear_cache", "default_cache_dir", "make_session"]


@dataclass
class Sources:
    """The three source clients, sharing one cached session."""

    arxiv: ArxivClient
    acl: AclClient
    dblp: DblpClient

    @classmethod
    def connect(cls, cache_dir: str | os.PathLike[str] | None = None, *, offline: bool = False,
                arxiv_url: str | None = None, acl_url: str | None = None,
                dblp_url: str | None = None, arxiv_politeness: Politeness | None = None,
                politeness: Politeness | None = None) -> Sources:
        """Clients of arXiv, the ACL Anthology and DBLP on one cache (``cache_dir``, default
        ``$LLM4ANNO_BIB_CACHE_DIR`` or the user cache folder). Base URLs default to the real
        services (or their ``LLM4ANNO_BIB_*_URL`` variables); ``offline`` answers from the
        cache only. ``politeness`` applies to the Anthology and DBLP.

        >>> sources = Sources.connect("/tmp/llm4anno-bib-doctest", offline=True)
        >>> sources.arxiv.base_url.startswith("https://export.arxiv.org")
        True
        """
        from llm4anno_bib.sources import acl, arxiv, dblp

        from dataclasses import replace

        session = make_session(cache_dir)
        return cls(
            arxiv.ArxivClient(session, arxiv_url, offline=offline,
                              politeness=arxiv_politeness or arxiv.POLITENESS),
            acl.AclClient(session, acl_url, offline=offline, index_dir=cache_dir,
                          politeness=replace(politeness, max_bytes=acl.POLITENESS.max_bytes)
                          if politeness else acl.POLITENESS),
            dblp.DblpClient(session, dblp_url, offline=offline,
                            politeness=politeness or dblp.POLITENESS),
        )

    @property
    def real_requests(self) -> dict[str, int]:
        """Requests that went to the network, per source."""
        return {"arxiv": self.arxiv.real_requests, "acl": self.acl.real_requests,
                "dblp": self.dblp.real_requests}
