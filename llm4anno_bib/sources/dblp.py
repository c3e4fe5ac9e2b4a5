"""DBLP client: the publication search API (JSON) and one record's BibTeX."""

from __future__ import annotations

import os
import re

import requests

from llm4anno_bib._text import collapse_spaces, normalise_title
from llm4anno_bib.errors import NotFound, SourceError
from llm4anno_bib.sources._bibtex import parse_records
from llm4anno_bib.sources._http import Politeness, RequestGate, decode_utf8, get
from llm4anno_bib.sources.records import BibRecord, DblpHit

DEFAULT_URL = "https://dblp.org"
URL_ENV = "LLM4ANNO_BIB_DBLP_URL"
POLITENESS = Politeness(delay=1.0, retries=3, backoff=2.0, timeout=30.0)
# DBLP tells namesakes apart with a number after the name ("Hao Liu 0055").
_HOMONYM = re.compile(r"\s+\d{4}$")


def dblp_key_of(key: str, fields: dict[str, str]) -> str:
    return key.removeprefix("DBLP:")


class DblpClient:
    """Asks DBLP through an injected (cached) session."""

    def __init__(self, session: requests.Session, base_url: str | None = None, *,
                 politeness: Politeness = POLITENESS, offline: bool = False) -> None:
        self.session = session
        self.base_url = (base_url or os.environ.get(URL_ENV) or DEFAULT_URL).rstrip("/")
        self.politeness = politeness
        self.offline = offline
        self._gate = RequestGate(politeness.delay)

    @property
    def real_requests(self) -> int:
        return self._gate.real_requests

    def search(self, title: str, hits: int = 10) -> list[DblpHit]:
        """Publications whose title matches ``title`` (DBLP's own word search)."""
        return self._search(normalise_title(title), hits)

    def find_by_doi(self, doi: str) -> BibRecord | None:
        """The record whose DOI is exactly ``doi`` (any case), or ``None``.

        DBLP's search matches the DOI of its electronic editions; only a hit carrying this
        very DOI is taken, never a neighbour.
        """
        wanted = doi.strip().lower()
        for hit in self._search(wanted, 10):
            if (hit.doi or "").lower() == wanted:
                return self.fetch_bib(hit.key)
        return None

    def _search(self, query: str, hits: int) -> list[DblpHit]:
        url = f"{self.base_url}/search/publ/api"
        response = get(self.session, url, {"q": query, "format": "json", "h": str(hits)},
                       politeness=self.politeness, gate=self._gate, offline=self.offline)
        try:
            result = response.json()["result"]
            raw_hits = result.get("hits", {}).get("hit", [])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SourceError(f"DBLP sent an answer that is not its search JSON ({exc}).",
                              url=response.url) from exc
        return [_to_hit(h["info"]) for h in raw_hits if isinstance(h, dict) and "info" in h]

    def fetch_bib(self, key: str) -> BibRecord:
        """The BibTeX record of a DBLP key (``conf/iclr/WeiBZGYLDDL22``)."""
        url = f"{self.base_url}/rec/{key.removeprefix('DBLP:')}.bib"
        response = get(self.session, url, None, politeness=self.politeness, gate=self._gate,
                       offline=self.offline)
        if response.status_code == 404:
            raise NotFound(f"DBLP has no record '{key}'.", url=url, status=404)
        records = parse_records(decode_utf8(response), "dblp", dblp_key_of, url)
        if len(records) != 1:
            raise SourceError(f"expected one record, got {len(records)}.", url=url)
        return records[0]


def _to_hit(info: dict) -> DblpHit:
    authors = info.get("authors", {}).get("author", [])
    if isinstance(authors, dict):  # DBLP sends one author as an object, not a list
        authors = [authors]
    names = tuple(_HOMONYM.sub("", collapse_spaces(a.get("text", ""))) for a in authors)
    year = str(info.get("year", ""))
    return DblpHit(
        key=info.get("key", ""),
        title=collapse_spaces(str(info.get("title", ""))).rstrip("."),
        authors=names,
        venue=str(info.get("venue", "")),
        year=int(year) if year.isdigit() else None,
        kind=str(info.get("type", "")),
        doi=info.get("doi"),
        url=info.get("ee"),
    )
