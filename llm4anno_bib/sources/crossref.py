"""Crossref client: one work by its DOI (``/works/<doi>``) and the bibliographic title search
(``/works?query.bibliographic=...``), both JSON.

Crossref asks API users to say who they are: a ``mailto:`` contact in the User-Agent puts
the requests in its "polite" pool (``mailto=`` or ``LLM4ANNO_BIB_MAILTO``). Its answers are
turned into ``BibRecord``s the way the other sources' BibTeX is: plain text is escaped as
LaTeX, markup (Crossref titles carry JATS/HTML tags such as ``<i>``) is dropped, identifiers
are checked against their grammar, and every field then goes through ``inert.inert_fields``.

Crossref types become BibTeX types: ``journal-article`` an ``@article``,
``proceedings-article`` an ``@inproceedings``, a ``book-chapter`` in a proceedings series
(``Lecture Notes in Computer Science``, volume 14609) an ``@inproceedings`` with the series
and volume, another book chapter an ``@incollection``. Preprints Crossref registers
(``posted-content``, arXiv's own DOIs) are no version of record and are left out.
"""

from __future__ import annotations

import html
import os
import re
import warnings
from typing import Any
from urllib.parse import quote

import requests

from llm4anno_bib._json import loads
from llm4anno_bib._text import collapse_spaces, latex_to_text, text_to_latex
from llm4anno_bib.errors import InvalidIdentifier, SourceError, SourceWarning
from llm4anno_bib.ids import is_arxiv_doi, is_doi, is_url, normal_pages, parse_doi
from llm4anno_bib.inert import inert_fields, strip_controls
from llm4anno_bib.sources._http import (
    USER_AGENT, Politeness, RequestGate, base_url as _base_url, get,
)
from llm4anno_bib.sources.records import BibRecord

DEFAULT_URL = "https://api.crossref.org"
URL_ENV = "LLM4ANNO_BIB_CROSSREF_URL"
MAILTO_ENV = "LLM4ANNO_BIB_MAILTO"
# Crossref's public pool allows several requests a second; one a second is gentle
POLITENESS = Politeness(delay=1.0, retries=3, backoff=2.0, timeout=30.0, max_bytes=5_000_000)

_TYPES = {"journal-article": "article", "proceedings-article": "inproceedings",
          "book-chapter": "incollection"}
_NOT_PUBLISHED = ("posted-content", "peer-review", "dataset", "component")
_TAG = re.compile(r"</?[A-Za-z][\w:.-]{0,40}(?:\s[^<>]{0,500})?/?>")
# an address a person reads mail at; nothing that could end a header or start another
_MAILTO = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+")


class CrossrefClient:
    """Asks Crossref through an injected (cached) session."""

    def __init__(self, session: requests.Session, base_url: str | None = None, *,
                 politeness: Politeness = POLITENESS, offline: bool = False,
                 mailto: str | None = None) -> None:
        self.session = session
        self.base_url = _base_url(base_url, URL_ENV, DEFAULT_URL).rstrip("/")
        self.politeness = politeness
        self.offline = offline
        contact = mailto if mailto is not None else os.environ.get(MAILTO_ENV, "")
        if contact and _MAILTO.fullmatch(contact) is None:
            raise InvalidIdentifier(f"'{strip_controls(contact)[:100]}' is not an e-mail "
                                    f"address (set by mailto= or {MAILTO_ENV}).")
        self.mailto = contact or None
        self._gate = RequestGate(politeness.delay, "Crossref")

    @property
    def real_requests(self) -> int:
        return self._gate.real_requests

    @property
    def user_agent(self) -> str:
        """The User-Agent Crossref sees: the tool, and the contact when one is set."""
        return f"{USER_AGENT.removesuffix(')')}; mailto:{self.mailto})" if self.mailto \
            else USER_AGENT

    def work(self, doi: str) -> BibRecord | None:
        """The work of ``doi``, or ``None`` when Crossref does not know it (or it is a
        preprint, not a version of record). Raises ``InvalidIdentifier`` for text that is
        no DOI.

        >>> CrossrefClient(requests.Session(), offline=True).work("10.1/x},y={")
        Traceback (most recent call last):
        ...
        llm4anno_bib.errors.InvalidIdentifier: '10.1/x},y={' is not a DOI (10.1145/3560815).
        """
        bare = parse_doi(doi)
        if bare is None:
            raise InvalidIdentifier(f"'{strip_controls(doi)[:100]}' is not a DOI "
                                    "(10.1145/3560815).")
        url = f"{self.base_url}/works/{quote(bare, safe='')}"

        def one_work(response: requests.Response) -> BibRecord | None:
            if response.status_code == 404:
                return None
            message = _message(response, "work")
            if not isinstance(message, dict):
                raise SourceError("Crossref's work answer holds no work.", url=url)
            return _record(message, url)

        return get(self.session, url, None, politeness=self.politeness, gate=self._gate,
                   offline=self.offline, parse=one_work, headers=self._headers())

    def search(self, title: str, rows: int = 5) -> list[BibRecord]:
        """Works whose bibliographic data best match ``title`` (Crossref's own ranking:
        the caller's matching rule decides which, if any, is the work)."""
        query = collapse_spaces(strip_controls(title))[:300]
        if not query:
            return []
        url = f"{self.base_url}/works"

        def work_list(response: requests.Response) -> list[BibRecord]:
            if response.status_code == 404:
                return []
            items = _message(response, "work-list")
            items = items.get("items") if isinstance(items, dict) else None
            if not isinstance(items, list):
                raise SourceError("Crossref's search answer holds no item list.", url=url)
            found = (_record(item, url) if isinstance(item, dict) else None for item in items)
            return [record for record in found if record is not None]

        return get(self.session, url, {"query.bibliographic": query, "rows": str(rows)},
                   politeness=self.politeness, gate=self._gate, offline=self.offline,
                   parse=work_list, headers=self._headers())

    def _headers(self) -> dict[str, str]:
        return {"User-Agent": self.user_agent}


def _message(response: requests.Response, kind: str) -> object:
    if response.status_code != 200:
        raise SourceError(f"Crossref answered HTTP {response.status_code}.", url=response.url,
                          status=response.status_code)
    try:
        answer = loads(response.content)
    except ValueError as exc:
        raise SourceError(f"Crossref sent an answer that is not JSON ({exc}).",
                          url=response.url) from exc
    if not isinstance(answer, dict) or answer.get("message-type") != kind:
        raise SourceError(f"Crossref sent an answer that is not a {kind}.", url=response.url)
    return answer.get("message")


def _plain(value: object) -> str:
    """Crossref text as plain text: tags dropped, entities read, controls and runs of
    spaces gone."""
    if not isinstance(value, (str, int)):
        return ""
    text = html.unescape(_TAG.sub("", str(value)))
    return collapse_spaces(strip_controls(text))


def _first(value: object) -> str:
    """The first string of a Crossref list field (``title``, ``container-title``)."""
    return _plain(value[0]) if isinstance(value, list) and value else _plain(value)


def _date_parts(message: dict[str, Any]) -> list[Any]:
    for name in ("issued", "published", "published-print", "published-online"):
        parts = message.get(name, {}).get("date-parts") if isinstance(message.get(name),
                                                                      dict) else None
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            return parts[0]
    return []


def _person(author: object) -> tuple[str, str] | None:
    """``(as BibTeX writes the name, as text)`` of a Crossref author, or ``None``."""
    if not isinstance(author, dict):
        return None
    family, given = _plain(author.get("family")), _plain(author.get("given"))
    if not family:  # an organisation ("name") is one braced name
        name = _plain(author.get("name"))
        return (f"{{{text_to_latex(name)}}}", name) if name else None
    latex_family, latex_given = (_one_name_part(text_to_latex(p)) for p in (family, given))
    if not given:
        return latex_family, family
    return f"{latex_family}, {latex_given}", f"{given} {family}"


def _one_name_part(latex: str) -> str:
    """A name part that BibTeX would split (a comma, the word ``and``) kept whole in braces."""
    return f"{{{latex}}}" if "," in latex or re.search(r"\band\b", latex, re.I) else latex


def _record(message: dict[str, Any], origin: str) -> BibRecord | None:
    """The record of one Crossref work; ``None`` (said) for a preprint or a work without a
    valid DOI or title."""
    doi, kind, title = _plain(message.get("DOI")), _plain(message.get("type")), _title(message)
    if not is_doi(doi) or not title:
        warnings.warn(SourceWarning("a Crossref work without a valid DOI or title was left "
                                    "out.", origin), stacklevel=5)
        return None
    if kind in _NOT_PUBLISHED or is_arxiv_doi(doi):
        return None
    people = [p for p in map(_person, _list(message, "author")) if p]
    raw: dict[str, str] = {"title": text_to_latex(title)}
    if people:
        raw["author"] = " and ".join(latex for latex, _text in people)
    entry_type, container = _container_fields(message, kind)
    raw |= container | _numbers(message) | {"doi": doi}
    url = _plain(message.get("URL"))
    if is_url(url):
        raw["url"] = url
    fields, refused = inert_fields(raw)
    for field in refused:
        warnings.warn(SourceWarning(f"{doi}: the {field.field} '{field.value}' is "
                                    f"{field.reason}; left out.", origin), stacklevel=5)
    return BibRecord(source="crossref", ident=doi, key=doi, entry_type=entry_type,
                     title=latex_to_text(fields["title"]),
                     authors=tuple(text for _latex, text in people),
                     year=int(fields["year"]) if "year" in fields else None, fields=fields)


def _list(message: dict[str, Any], name: str) -> list[Any]:
    value = message.get(name)
    return value if isinstance(value, list) else []


def _title(message: dict[str, Any]) -> str:
    """The title, with its subtitle where the title does not end with it already."""
    title, subtitle = _first(message.get("title")), _first(message.get("subtitle"))
    return f"{title}: {subtitle}" if subtitle and not \
        title.lower().endswith(subtitle.lower()) else title


def _container_fields(message: dict[str, Any], kind: str) -> tuple[str, dict[str, str]]:
    """The entry type and where the work appeared: the journal and issue of an article; the
    book (and series) of a chapter, an ``inproceedings`` where the book is proceedings."""
    containers = [c for c in map(_plain, _list(message, "container-title")) if c]
    entry_type, raw = _TYPES.get(kind, "misc"), dict[str, str]()
    issue = _plain(message.get("issue"))
    if entry_type == "article":
        raw |= {"journal": text_to_latex(containers[0])} if containers else {}
        raw |= {"number": text_to_latex(issue)} if issue else {}
    elif entry_type in ("inproceedings", "incollection") and containers:
        raw["booktitle"] = text_to_latex(containers[-1])
        if len(containers) > 1:  # a chapter in a series: the series, then the book
            raw["series"] = text_to_latex(containers[0])
        if kind == "book-chapter" and _PROCEEDINGS.search(containers[-1]):
            entry_type = "inproceedings"
    return entry_type, raw


_PROCEEDINGS = re.compile(r"\b(?:proceedings|conference)\b", re.I)


def _numbers(message: dict[str, Any]) -> dict[str, str]:
    """Volume, pages, year and publisher, each where Crossref gives a usable one."""
    raw: dict[str, str] = {}
    volume = _plain(message.get("volume"))
    if volume:
        raw["volume"] = text_to_latex(volume)
    pages = normal_pages(_plain(message.get("page")))
    if pages:
        raw["pages"] = pages
    parts = _date_parts(message)
    year = str(parts[0]) if parts and isinstance(parts[0], int) else ""
    if re.fullmatch(r"\d{4}", year):
        raw["year"] = year
    publisher = _plain(message.get("publisher"))
    if publisher:
        raw["publisher"] = text_to_latex(publisher)
    return raw


__all__ = ["CrossrefClient", "DEFAULT_URL", "MAILTO_ENV", "URL_ENV"]
