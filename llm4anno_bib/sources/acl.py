"""ACL Anthology client: one paper's BibTeX export, and a title index over the full export.

The full export (``anthology.bib.gz``, about 100,000 entries) is downloaded once through the
cache and indexed by normalised title without parsing every entry: entries are split at
their ``@`` lines and only the title is read; a matching entry is parsed in full when asked
for. The index is kept in memory for the client's life and on disk (JSON, keyed by the
export's hash) so that the next process does not build it again.
"""

from __future__ import annotations

import gzip  # noqa: F401 (inflate_bounded's doctest compresses with it)
import hashlib
import os
import re
import warnings
import zlib
from collections.abc import Mapping
from typing import TypeGuard
from pathlib import Path

import requests
from rapidfuzz import fuzz, process

from llm4anno_bib._json import sealed, unsealed
from llm4anno_bib._paths import default_cache_dir
from llm4anno_bib.caches import acl_index_file, keep_file, prune_acl_indexes
from llm4anno_bib._text import NEAR_MISS, latex_to_text, normalise_title
from llm4anno_bib.errors import CacheWarning, InvalidIdentifier, NotFound, SourceError
from llm4anno_bib.ids import is_anthology_id
from llm4anno_bib.sources._bibtex import parse_records
from llm4anno_bib.sources._http import (
    Politeness, RequestGate, base_url as _base_url, decode_utf8, get,
)
from llm4anno_bib.sources.records import BibRecord

DEFAULT_URL = "https://aclanthology.org"
URL_ENV = "LLM4ANNO_BIB_ACL_URL"
# the full export is about 100,000 entries: allow it room to grow
POLITENESS = Politeness(delay=1.0, retries=3, backoff=2.0, timeout=60.0, max_bytes=200_000_000,
                        deadline=900.0)
# The export inflates to about 60 MB today; a file that inflates past this is refused.
INFLATED_LIMIT = 600_000_000
_ENTRY_START = re.compile(r"^@", re.M)
# One line of an export's entry; the blanks are spaces and tabs taken whole ("\s*" would
# run into the next lines, and "\s*,?\s*" try every split of a long run).
_TITLE = re.compile(r"^[ \t]*+title[ \t]*+=[ \t]*+(?:\"(.*)\"|\{(.*)\})[ \t]*+,?[ \t]*+$",
                    re.M | re.I)
_DOI = re.compile(r"^[ \t]*+doi[ \t]*+=[ \t]*+(?:\"(.*)\"|\{(.*)\})[ \t]*+,?[ \t]*+$",
                  re.M | re.I)
_ID_IN_URL = re.compile(r"aclanthology\.org/([A-Za-z0-9.\-]+?)/?$")


def record_anthology_id(key: str, fields: Mapping[str, str]) -> str | None:
    """The id of an Anthology record, read from its ``url`` (the key is no id), or ``None``
    when there is no valid one."""
    match = _ID_IN_URL.search(fields.get("url", ""))
    ident = match.group(1) if match else key
    return ident if is_anthology_id(ident) else None


class AclClient:
    """Asks the ACL Anthology through an injected (cached) session."""

    def __init__(self, session: requests.Session, base_url: str | None = None, *,
                 politeness: Politeness = POLITENESS, offline: bool = False,
                 index_dir: str | os.PathLike[str] | None = None,
                 inflated_limit: int = INFLATED_LIMIT) -> None:
        self.session = session
        self.base_url = _base_url(base_url, URL_ENV, DEFAULT_URL).rstrip("/")
        self.politeness = politeness
        self.offline = offline
        self.index_dir = Path(index_dir) if index_dir is not None else default_cache_dir()
        self._gate = RequestGate(politeness.delay, "the ACL Anthology")
        self._index: dict[str, dict[str, list[str]]] | None = None
        self.inflated_limit = inflated_limit

    @property
    def real_requests(self) -> int:
        return self._gate.real_requests

    def fetch_bib(self, anthology_id: str) -> BibRecord:
        """The Anthology's own BibTeX record of one paper. Raises ``NotFound`` for an
        unknown id, ``InvalidIdentifier`` for text that is no Anthology id."""
        if not is_anthology_id(anthology_id):
            raise InvalidIdentifier(f"'{anthology_id}' is not an ACL Anthology id "
                                    "(2023.acl-long.304, N19-1421).")
        url = f"{self.base_url}/{anthology_id}.bib"

        def one_record(response: requests.Response) -> BibRecord:
            if response.status_code == 404:
                raise NotFound(f"the ACL Anthology has no paper '{anthology_id}'.", url=url,
                               status=404)
            records = parse_records(decode_utf8(response), "acl",
                                    lambda key, fields: record_anthology_id(key, fields) or
                                    anthology_id, url)
            if len(records) != 1:
                raise SourceError(f"expected one record, got {len(records)}.", url=url)
            return records[0]

        return get(self.session, url, None, politeness=self.politeness, gate=self._gate,
                   offline=self.offline, parse=one_record)

    def find_by_title(self, title: str, cutoff: float = NEAR_MISS) -> list[BibRecord]:
        """Records of the full export whose title is ``title`` or close to it (rapidfuzz's
        ratio of the normalised titles at ``cutoff``: from a near miss on, so that the caller's
        rule sees every title it would report), best first."""
        titles = self._full_index()["titles"]
        wanted = normalise_title(title)
        if wanted in titles:
            texts = titles[wanted]
        else:
            close = process.extract(wanted, list(titles), scorer=fuzz.ratio, limit=3,
                                    score_cutoff=cutoff)
            texts = [t for match, _score, _i in close for t in titles[match]]
        return self._records(texts)

    def find_by_doi(self, doi: str) -> BibRecord | None:
        """The record of the full export with this DOI (any case), or ``None``.

        The Anthology holds DOIs beyond its own ``10.18653`` prefix (the Computational
        Linguistics journal's ``10.1162/coli...``), so the full export is asked, not the prefix.
        """
        texts = self._full_index()["dois"].get(doi.strip().lower(), [])
        records = self._records(texts)
        return records[0] if records else None

    def _records(self, texts: list[str]) -> list[BibRecord]:
        origin = f"{self.base_url}/anthology.bib.gz"
        return [r for text in texts for r in parse_records(text, "acl", record_anthology_id, origin)]

    def _full_index(self) -> dict[str, dict[str, list[str]]]:
        if self._index is None:
            url = f"{self.base_url}/anthology.bib.gz"
            self._index = get(self.session, url, None, politeness=self.politeness,
                              gate=self._gate, offline=self.offline,
                              parse=lambda response: self._read_export(response, url))
        return self._index

    def _read_export(self, response: requests.Response, url: str
                     ) -> dict[str, dict[str, list[str]]]:
        """The title and DOI index of the full export: kept on disk under the export's
        digest, built when missing. Inflating stops at ``inflated_limit`` (a small gzip
        file can inflate to gigabytes); an export that cannot be read is refused, so it is
        never kept."""
        if response.status_code != 200:
            raise SourceError(f"the full export answered HTTP {response.status_code}.",
                              url=url, status=response.status_code)
        raw = response.content
        digest = hashlib.sha256(raw).hexdigest()[:32]
        stored = acl_index_file(self.index_dir, digest)
        if stored.is_file():
            try:
                kept = unsealed(stored.read_text(encoding="utf-8"))
                if _is_index(kept):
                    return kept
            except (OSError, ValueError):
                pass
            warnings.warn(CacheWarning(f"the title index {stored} was damaged or edited "
                                       "since it was kept; it is built again."), stacklevel=2)
        try:
            text = (inflate_bounded(raw, self.inflated_limit, url) if raw[:2] == b"\x1f\x8b"
                    else raw).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SourceError(f"the full export is not UTF-8 ({exc}).", url=url) from exc
        index = build_index(text)
        # keeping the index is a saving, not a need: a full disk only costs a rebuild
        if not keep_file(stored, [sealed(index)],
                         prune=lambda: prune_acl_indexes(self.index_dir)):
            warnings.warn(CacheWarning(f"the title index could not be kept in {stored}; it "
                                       "will be built again."), stacklevel=2)
        return index


def inflate_bounded(data: bytes, limit: int, url: str) -> bytes:
    """Inflate gzip ``data`` (one or more members) a piece at a time, refusing it as soon as
    it passes ``limit`` bytes, or when it is damaged or cut short.

    >>> inflate_bounded(gzip.compress(b"@misc{a,}") * 2, 100, "x")
    b'@misc{a,}@misc{a,}'
    """
    out: list[bytes] = []
    size = offset = 0
    inflater = zlib.decompressobj(wbits=31)
    while True:
        if inflater.eof:  # the next member, if any, starts in what this one left unused
            data, offset = inflater.unused_data + data[offset:], 0
            if not data.strip(b"\0"):
                break
            inflater = zlib.decompressobj(wbits=31)
        piece = inflater.unconsumed_tail
        if not piece and offset < len(data):
            piece, offset = data[offset:offset + _PIECE], offset + _PIECE
        try:
            # with the input all read, what zlib still holds is at most one match
            chunk = inflater.decompress(piece, _PIECE) if piece else inflater.flush()
            if not piece and not inflater.eof:
                raise SourceError("the full export is cut short; refused.", url=url)
        except zlib.error as exc:
            raise SourceError(f"the full export cannot be inflated ({exc}).", url=url) from exc
        size += len(chunk)
        if size > limit:
            raise SourceError(f"the full export inflates to over {limit / 1e6:g} MB (a "
                              "compression bomb, or not the Anthology's); refused.", url=url)
        out.append(chunk)
    return b"".join(out)


_PIECE = 1 << 20


def _is_index(value: object) -> TypeGuard[dict[str, dict[str, list[str]]]]:
    """Whether a kept index has the shape ``build_index`` gives (``[1, 2]`` has not)."""
    return isinstance(value, dict) and set(value) == {"titles", "dois"} and all(
        isinstance(table, dict) and all(
            isinstance(key, str) and isinstance(chunks, list)
            and all(isinstance(chunk, str) for chunk in chunks)
            for key, chunks in table.items())
        for table in value.values())


def build_index(text: str) -> dict[str, dict[str, list[str]]]:
    """Index the entries of a BibTeX export by normalised title (``titles``) and by
    lowercase DOI (``dois``); each maps to the raw text of its entries."""
    titles: dict[str, list[str]] = {}
    dois: dict[str, list[str]] = {}
    starts = [m.start() for m in _ENTRY_START.finditer(text)] + [len(text)]
    for begin, end in zip(starts, starts[1:]):
        chunk = text[begin:end]
        match = _TITLE.search(chunk)
        if match is not None:
            title = normalise_title(latex_to_text(match.group(1) or match.group(2) or ""))
            titles.setdefault(title, []).append(chunk)
        doi = _DOI.search(chunk)
        if doi is not None:
            dois.setdefault((doi.group(1) or doi.group(2)).strip().lower(), []).append(chunk)
    return {"titles": titles, "dois": dois}
