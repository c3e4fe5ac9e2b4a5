"""Clients of the sources that enrich the library: one module each, the only places that
know the sources' URLs and wire formats. Each takes an injected ``requests.Session``
(normally the cached one from ``make_session``) and a base URL, and returns plain data."""

from llm4anno_bib.sources._http import Politeness, make_session
from llm4anno_bib.sources.records import ArxivRecord, BibRecord, DblpHit

__all__ = ["ArxivRecord", "BibRecord", "DblpHit", "Politeness", "make_session"]
