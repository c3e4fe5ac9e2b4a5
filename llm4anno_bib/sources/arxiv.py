"""arXiv API client: many ids per request, title search, strict parsing.

Each feed entry becomes the ``arxiv`` package's ``Result``, built through its public
constructor from the feed read strictly here (arxiv 4 reads feeds in a private module, and
recovers silently from a truncated feed and reads an HTML error page as "no results"): a
feed that is not well-formed XML, declares a DTD, or whose ``opensearch:totalResults``
disagrees with the entries received, is an error, and so is an entry without an id or a
date.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import requests

from llm4anno_bib.ids import is_arxiv_category, is_arxiv_id, is_doi, split_arxiv_version
from llm4anno_bib._text import collapse_spaces, normalise_title
from llm4anno_bib.errors import SourceError, SourceWarning
from llm4anno_bib.inert import strip_controls
from llm4anno_bib.sources._http import Politeness, RequestGate, base_url as _base_url, get
from llm4anno_bib.sources.records import ArxivRecord

if TYPE_CHECKING:  # arxiv and lxml load only when a feed is parsed: ids parse without them
    import arxiv

DEFAULT_URL = "https://export.arxiv.org/api/query"
URL_ENV = "LLM4ANNO_BIB_ARXIV_URL"
# arXiv's terms of use: one request every three seconds; up to 100 ids a request keeps
# URLs short and answers fast.
POLITENESS = Politeness(delay=3.0, retries=3, backoff=3.0, timeout=30.0)
BATCH_SIZE = 100

_NS = {"atom": "http://www.w3.org/2005/Atom", "os": "http://a9.com/-/spec/opensearch/1.1/",
       "arxiv": "http://arxiv.org/schemas/atom"}
_SEARCH_STOPWORDS = frozenset("a an and are as at be by for from in is of on or the to via with".split())


class ArxivClient:
    """Asks the arXiv API through an injected (cached) session.

    ``real_requests`` counts requests that went to the network.
    """

    def __init__(self, session: requests.Session, base_url: str | None = None, *,
                 politeness: Politeness = POLITENESS, offline: bool = False) -> None:
        self.session = session
        self.base_url = _base_url(base_url, URL_ENV, DEFAULT_URL)
        self.politeness = politeness
        self.offline = offline
        self._gate = RequestGate(politeness.delay, "arXiv")

    @property
    def real_requests(self) -> int:
        return self._gate.real_requests

    def fetch_ids(self, ids: Iterable[str]) -> dict[str, ArxivRecord]:
        """Records of the given ids (versions dropped), ``BATCH_SIZE`` ids a request.

        Ids arXiv does not know are missing from the result.
        """
        wanted = list(dict.fromkeys(split_arxiv_version(i)[0] for i in ids))
        found: dict[str, ArxivRecord] = {}
        for start in range(0, len(wanted), BATCH_SIZE):
            batch = wanted[start:start + BATCH_SIZE]
            params = {"id_list": ",".join(batch), "start": "0", "max_results": str(len(batch))}
            for record in self._query(params):
                found[record.arxiv_id] = record
        return found

    def search_title(self, title: str, max_results: int = 10) -> list[ArxivRecord]:
        """Records whose title has every significant word of ``title`` (a ``ti:`` query)."""
        words = [w for w in normalise_title(title).split() if w not in _SEARCH_STOPWORDS]
        if not words:
            return []
        query = " AND ".join(f"ti:{w}" for w in words)
        params = {"search_query": query, "start": "0", "max_results": str(max_results)}
        return self._query(params)

    def _query(self, params: dict[str, str]) -> list[ArxivRecord]:
        """One page of results. A short or empty page (a known arXiv API fault: the feed
        announces results it does not hold) is asked again, ``politeness.retries`` times."""
        for attempt in range(self.politeness.retries + 1):
            try:
                return self._page(params)
            except _ShortPage as short:
                if attempt == self.politeness.retries:
                    raise SourceError(f"{short} after {attempt + 1} tries (a known arXiv API "
                                      "fault); try again later.", url=short.url) from None
                time.sleep(self.politeness.backoff * (2 ** attempt))
        raise AssertionError("unreachable")

    def _page(self, params: dict[str, str]) -> list[ArxivRecord]:
        return get(self.session, self.base_url, params, politeness=self.politeness,
                   gate=self._gate, offline=self.offline,
                   parse=lambda response: _parse_feed(response, params))


def _parse_feed(response: requests.Response, params: dict[str, str]) -> list[ArxivRecord]:
    """The records of one feed, checked strictly first (see the module's docstring)."""
    url = response.url
    if response.status_code != 200:
        raise SourceError(f"arXiv answered HTTP {response.status_code}.", url=url,
                          status=response.status_code)
    from lxml import etree

    content = response.content
    try:
        root = etree.fromstring(content, etree.XMLParser(resolve_entities=False,
                                                         no_network=True, huge_tree=False))
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"arXiv sent a malformed or truncated feed ({exc}).", url=url,
                          status=200) from exc
    if root.getroottree().docinfo.internalDTD is not None:
        raise SourceError("arXiv's answer declares a DTD (entities); refused.", url=url)
    if root.tag != "{http://www.w3.org/2005/Atom}feed":
        raise SourceError("arXiv sent something that is not an Atom feed.", url=url)
    total_text = root.findtext("os:totalResults", namespaces=_NS)
    entries = root.findall("atom:entry", _NS)
    if total_text is None or not total_text.strip().isdigit():
        raise SourceError("arXiv's feed has no opensearch:totalResults.", url=url)
    try:
        # one entry that cannot be read (a date that is no date) refuses the feed, which
        # is then never stored
        results = [_result(entry) for entry in entries]
    except ValueError as exc:
        raise SourceError(f"arXiv sent a feed entry that cannot be read ({exc}).",
                          url=url) from exc
    total = int(total_text)
    start = int(params.get("start", "0"))
    expected = max(0, min(total - start, int(params["max_results"])))
    if len(entries) != expected:
        raise _ShortPage(f"arXiv's feed announces {total} results but holds "
                         f"{len(entries)} entries", url)
    return [record for record in (_to_record(r, url) for r in results
                                  if not _is_error_entry(r)) if record is not None]


def _result(entry: Any) -> arxiv.Result:
    """One ``<entry>`` of a feed as ``arxiv.Result`` (what an abstract says is not read:
    the library keeps none). Raises ``ValueError`` for an entry without an id or a date."""
    import arxiv

    def text(path: str, within: Any = entry) -> str:
        found = within.findtext(path, namespaces=_NS)
        return found.strip() if found is not None else ""

    entry_id = text("atom:id")
    if not entry_id:
        raise ValueError("an entry without an id")
    primary = entry.find("arxiv:primary_category", _NS)
    return arxiv.Result(
        entry_id=entry_id,
        updated=_moment(text("atom:updated"), "updated"),
        published=_moment(text("atom:published"), "published"),
        title=" ".join(text("atom:title").split()),
        authors=[arxiv.Result.Author(text("atom:name", author))
                 for author in entry.iterfind("atom:author", _NS)],
        comment=text("arxiv:comment"),
        journal_ref=text("arxiv:journal_ref"),
        doi=text("arxiv:doi"),
        primary_category=(primary.get("term") or "") if primary is not None else "",
        categories=[term for category in entry.iterfind("atom:category", _NS)
                    if (term := category.get("term")) is not None],
    )


def _moment(value: str, name: str) -> datetime:
    """An Atom timestamp (``2022-01-28T02:37:38Z``) as a UTC datetime."""
    if not value:
        raise ValueError(f"an entry without its {name} date")
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
            ).astimezone(timezone.utc)


class _ShortPage(SourceError):
    def __init__(self, message: str, url: str) -> None:
        super().__init__(message, url=url)


def _is_error_entry(result: arxiv.Result) -> bool:
    # arXiv answers a malformed id with a single entry titled "Error".
    return result.title.strip() == "Error" and "api/errors" in result.entry_id


def _to_record(result: arxiv.Result, url: str) -> ArxivRecord | None:
    """The record of one feed entry; ``None`` (with a ``SourceWarning``) when its id is not
    an arXiv id. A category or DOI off its grammar is left out, with a warning."""
    short = result.get_short_id()
    arxiv_id, version = split_arxiv_version(short)
    if not is_arxiv_id(arxiv_id) or version is None:
        _refused(url, "the entry id", result.entry_id, "an arXiv id; the entry was left out")
        return None
    primary = result.primary_category or ""
    if primary and not is_arxiv_category(primary):
        _refused(url, f"{arxiv_id}: the primary category", primary, "an arXiv subject class")
        primary = ""
    doi = result.doi or None
    if doi is not None and not is_doi(doi):
        _refused(url, f"{arxiv_id}: the DOI", doi, "a DOI")
        doi = None
    return ArxivRecord(
        arxiv_id=arxiv_id,
        version=version,
        title=collapse_spaces(strip_controls(result.title)),
        authors=tuple(collapse_spaces(strip_controls(a.name)) for a in result.authors),
        published=result.published.date(),
        updated=result.updated.date(),
        primary_category=primary,
        categories=tuple(c for c in result.categories if is_arxiv_category(c)),
        comment=collapse_spaces(strip_controls(result.comment)) if result.comment else None,
        journal_ref=collapse_spaces(strip_controls(result.journal_ref))
        if result.journal_ref else None,
        doi=doi,
    )


def _refused(url: str, what: str, value: str, grammar: str) -> None:
    warnings.warn(SourceWarning(f"{what} '{strip_controls(value)[:120]}' is not {grammar}; "
                                "left out.", url), stacklevel=4)
