"""DBLP client: the publication search API (JSON) and one record's BibTeX."""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Mapping
from functools import lru_cache

import requests
from typing import Any

from llm4anno_bib._json import loads
from llm4anno_bib._text import collapse_spaces, latex_to_text, normalise_title
from llm4anno_bib.errors import InvalidIdentifier, NotFound, SourceError, SourceWarning
from llm4anno_bib.ids import is_dblp_key, is_doi, is_url, normal_pages
from llm4anno_bib.inert import strip_controls
from llm4anno_bib.sources._bibtex import parse_records
from llm4anno_bib.sources._http import (
    Politeness, RequestGate, base_url as _base_url, decode_utf8, get,
)
from llm4anno_bib.sources.records import BibRecord, DblpHit

DEFAULT_URL = "https://dblp.org"
URL_ENV = "LLM4ANNO_BIB_DBLP_URL"
POLITENESS = Politeness(delay=1.0, retries=3, backoff=2.0, timeout=30.0)
# DBLP tells namesakes apart with a number after the name ("Hao Liu 0055").
_HOMONYM = re.compile(r"\s+\d{4}$")
# DBLP's search needs every word asked: a title is asked by its longest significant words,
# enough to single a paper out, few enough to forgive a typo
_QUERY_WORDS = 6
_STOPWORDS = frozenset("a an and are as at be by can do does for from how in is it its of on "
                       "or the their to via what when where which with without".split())
# DBLP ranks every title holding the words: a short query matches many ("Consistency
# Models": 20 titles in the recordings, the paper itself 11th), so it asks for more hits,
# as a longer one does again where its first hits fill the page without the title itself
_QUERY_HITS, _SHORT_QUERY_HITS = 10, 100


@lru_cache(maxsize=256)  # asked of a title by its caller, then by ``search_title``
def query_words(title: str) -> str:
    """The words of a title that find it in a search that needs every word: math and
    entities left out, the longest significant words kept in their order.

    >>> query_words("The $\\\\epsilon$-Greedy Trick: A Study of Bandits &amp; Regret")
    'trick study bandits regret'
    >>> query_words("{\\\\(\\\\pi\\\\)}2vec: Policy Representation with Successor Features")
    'policy representation successor features'
    """
    # a formula (and the word it is glued to: "$\\pi$2vec") is written too many ways to
    # be searched for
    plain = re.sub(r"\S*(?:\$[^$]*\$|\\\(.*?\\\))\S*|&[a-z]+;|&#\d+;", " ", title)
    # symbols (an emoji before "ProcTHOR") would be spelled out as words no title has
    text = "".join(c for c in latex_to_text(plain) if not unicodedata.category(c)[0] in "SC")
    words = [w for w in normalise_title(text).split()
             if w not in _STOPWORDS and (len(w) > 2 or w.isdigit())]
    longest = set(sorted(words, key=len, reverse=True)[:_QUERY_WORDS])
    return " ".join(w for w in words if w in longest)


def dblp_key_of(key: str, fields: Mapping[str, str]) -> str | None:
    """The DBLP key of a record (its BibTeX key without ``DBLP:``), or ``None``."""
    bare = key.removeprefix("DBLP:")
    return bare if is_dblp_key(bare) else None


class DblpClient:
    """Asks DBLP through an injected (cached) session."""

    def __init__(self, session: requests.Session, base_url: str | None = None, *,
                 politeness: Politeness = POLITENESS, offline: bool = False) -> None:
        self.session = session
        self.base_url = _base_url(base_url, URL_ENV, DEFAULT_URL).rstrip("/")
        self.politeness = politeness
        self.offline = offline
        self._gate = RequestGate(politeness.delay, "DBLP")

    @property
    def real_requests(self) -> int:
        return self._gate.real_requests

    def search(self, title: str, hits: int = 10) -> list[DblpHit]:
        """Publications whose title matches ``title`` (DBLP's own word search)."""
        return self._search(normalise_title(title), hits)

    def search_title(self, title: str) -> list[DblpHit]:
        """The publications DBLP finds for a paper's ``title``: asked by its
        ``query_words``, for more hits where they are few. Every caller that looks a title
        up asks this way; which hit is the paper, the caller's matching rule decides."""
        words = query_words(title)
        if not words:
            return []
        many = _SHORT_QUERY_HITS if len(words.split()) <= 3 else _QUERY_HITS
        hits = self._search(words, many)
        if len(hits) >= many < _SHORT_QUERY_HITS:
            # as many hits as asked and the title itself not among them: DBLP ranks every
            # title holding the words ("X is all you need"), so ask once for more
            wanted = normalise_title(latex_to_text(title))
            if not any(normalise_title(hit.title) == wanted for hit in hits):
                hits = self._search(words, _SHORT_QUERY_HITS)
        return hits

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
        return get(self.session, url, {"q": query, "format": "json", "h": str(hits)},
                   politeness=self.politeness, gate=self._gate, offline=self.offline,
                   parse=_parse_hits)

    def fetch_bib(self, key: str) -> BibRecord:
        """The BibTeX record of a DBLP key (``conf/iclr/WeiBZGYLDDL22``). Raises
        ``InvalidIdentifier`` for text that is no DBLP key, ``NotFound`` for an unknown one."""
        bare = key.removeprefix("DBLP:")
        if not is_dblp_key(bare):
            raise InvalidIdentifier(f"'{key}' is not a DBLP key (conf/iclr/WeiBZGYLDDL22).")
        url = f"{self.base_url}/rec/{bare}.bib"

        def one_record(response: requests.Response) -> BibRecord:
            if response.status_code == 404:
                raise NotFound(f"DBLP has no record '{key}'.", url=url, status=404)
            records = parse_records(decode_utf8(response), "dblp", dblp_key_of, url)
            if len(records) != 1:
                raise SourceError(f"expected one record, got {len(records)}.", url=url)
            return records[0]

        return get(self.session, url, None, politeness=self.politeness, gate=self._gate,
                   offline=self.offline, parse=one_record)


def _parse_hits(response: requests.Response) -> list[DblpHit]:
    """The hits of a search answer; a hit without a valid key is left out (and said)."""
    if response.status_code != 200:
        raise SourceError(f"DBLP's search answered HTTP {response.status_code}.",
                          url=response.url, status=response.status_code)
    try:
        raw_hits = loads(response.content)["result"].get("hits", {}).get("hit", [])
        if not isinstance(raw_hits, list):
            raise TypeError("'hit' is not a list")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SourceError(f"DBLP sent an answer that is not its search JSON ({exc}).",
                          url=response.url) from exc
    found = []
    for raw in raw_hits:
        info = raw.get("info") if isinstance(raw, dict) else None
        hit = _to_hit(info) if isinstance(info, dict) else None
        if hit is None:
            warnings.warn(SourceWarning("a search hit without a valid DBLP key was left out.",
                                        response.url), stacklevel=4)
        else:
            found.append(hit)
    return found


def _text(value: object) -> str:
    return collapse_spaces(strip_controls(str(value))) \
        if isinstance(value, (str, int)) and not isinstance(value, bool) else ""


def _to_hit(info: dict[str, Any]) -> DblpHit | None:
    key = info.get("key")
    if not isinstance(key, str) or not is_dblp_key(key):
        return None
    authors = info.get("authors", {})
    authors = authors.get("author", []) if isinstance(authors, dict) else []
    if isinstance(authors, dict):  # DBLP sends one author as an object, not a list
        authors = [authors]
    if not isinstance(authors, list):  # anything else is no author list
        authors = []
    names = tuple(_HOMONYM.sub("", _text(a.get("text"))) for a in authors
                  if isinstance(a, dict) and _text(a.get("text")))
    year, doi, url = _text(info.get("year")), _text(info.get("doi")), _text(info.get("ee"))
    kind, venue = _text(info.get("type")), _text(info.get("venue"))
    return DblpHit(
        key=key,
        title=_text(info.get("title")).rstrip("."),
        authors=names,
        venue=venue,
        year=int(year) if re.fullmatch(r"\d{4}", year) else None,
        kind=kind,
        doi=doi if is_doi(doi) else None,
        url=url if is_url(url) else None,
        # "Informal Publications" (or "Informal and Other Publications"): DBLP's copies of
        # arXiv preprints, in its CoRR journal
        preprint=kind.startswith("Informal") or venue == "CoRR",
        # DBLP states the pages of most hits ("5998-6008"): a lookup compares them without
        # fetching the whole record
        pages=normal_pages(_text(info.get("pages"))),
    )
