"""A real HTTP server on 127.0.0.1 that plays arXiv, the ACL Anthology and DBLP from recordings.

- ``/arxiv/api/query``: ``id_list`` requests get the recorded entries joined in the order
  asked (unknown ids: no entry), ``search_query=ti:w AND ti:w`` gets the entries whose title
  has every word; ``opensearch:totalResults`` is set.
- ``/acl/<id>.bib`` and ``/acl/anthology.bib.gz`` (the joined records, gzipped).
- ``/dblp/search/publ/api?q=...&format=json&h=n`` and ``/dblp/rec/<key>.bib`` from the DBLP
  files (when a folder of them is given).
- ``/crossref/works/<doi>`` (an unknown DOI: 404) and ``/crossref/works?query.bibliographic=
  ...&rows=n`` (the works whose title has every word of the query's first ten, as a
  work-list), from the recorded works.

Faults are injected per path prefix with ``fail_next`` (status, headers, body), so retries,
``Retry-After`` and strict parsing run for real. Every request is logged in ``requests``.

Run ``python tests/source_server.py`` to serve the recordings for a manual build.
"""

from __future__ import annotations

import bisect
import gzip
import hashlib
import json
import os
import re
import tempfile
import threading
import time
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from llm4anno_bib._paths import own_private_folder  # noqa: E402
from llm4anno_bib._text import latex_to_text  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DBLP = Path(__file__).resolve().parents[2] / "shared" / "recordings" / "dblp"

_FEED_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query</title>
  <id>http://arxiv.org/api/local</id>
  <updated>2026-01-01T00:00:00Z</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{total}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{start}</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{per_page}</opensearch:itemsPerPage>
"""


def _words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", re.sub(r"\\.|[{}]", "", text)).encode("ascii", "ignore")
    return re.findall(r"[a-z0-9]+", plain.decode().lower())


@dataclass
class Fault:
    """One faulty answer: a status, headers and body, sent after ``delay`` seconds;
    ``drip`` sends the body (with ``drip_headers``, the headers too) one byte every
    ``drip`` seconds; ``declare_length=False`` leaves out Content-Length (the body then
    ends when the connection closes, as HTTP/1.0 allows)."""

    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"<html><body>Service unavailable</body></html>"
    content_type: str = "text/html"
    delay: float = 0.0
    drip: float = 0.0
    drip_headers: bool = False
    declare_length: bool = True


@dataclass
class LoggedRequest:
    path: str
    query: dict[str, list[str]]
    at: float
    user_agent: str = ""


def _private_folder() -> Path | None:
    """This user's folder for what the test server keeps between runs, or None where a folder
    of that name is not this user's alone (anyone may make names in the temporary folder)."""
    folder = Path(tempfile.gettempdir()) / f"llm4anno-bib-tests-kept-{os.getuid()}"
    return folder if own_private_folder(folder) else None


class Recordings:
    """The recorded answers, loaded once."""

    def __init__(self, fixtures: Path = FIXTURES, dblp_dir: Path | None = None,
                 dblp_later: bool = False) -> None:
        self.arxiv: dict[str, str] = {}
        for path in sorted((fixtures / "arxiv").glob("*.xml")):
            text = path.read_text(encoding="utf-8")
            self.arxiv[path.stem] = re.search(r"  <entry>.*?</entry>\n", text, re.S).group(0)
        self.arxiv_titles = {
            k: set(_words(re.search(r"<title>(.*?)</title>", v, re.S).group(1)))
            for k, v in self.arxiv.items()
        }
        self.acl = {p.stem: p.read_text(encoding="utf-8")
                    for p in sorted((fixtures / "acl").glob("*.bib")) if p.stem != "anthology"}
        self.acl_full = gzip.compress((fixtures / "acl" / "anthology.bib").read_bytes(), mtime=0)
        self.crossref: dict[str, dict] = {}
        for path in sorted((fixtures / "crossref").glob("*.json")):
            work = json.loads(path.read_text(encoding="utf-8"))["message"]
            self.crossref[work["DOI"].lower()] = work
        self._dblp_dir = dblp_dir
        self.dblp: dict[str, str] = {}
        self.dblp_hits: list[tuple[set[str], dict]] = []
        self._title_words: tuple[list[str], dict[str, set[int]]] | None = None
        if not dblp_later:
            self.load_dblp()

    def load_dblp(self) -> bool:
        """Read DBLP's recordings (20 MB: three seconds) unless they are read; whether there
        are any. Until then DBLP knows nothing, as where ../shared is absent."""
        if not self.dblp and self._dblp_dir is not None and self._dblp_dir.is_dir():
            paths = sorted(self._dblp_dir.glob("*.bib"))
            texts = [path.read_text(encoding="utf-8") for path in paths]
            # what the reading gives, kept between runs of the quick loop (keyed on the
            # files' content and this reader, so a fresh clone finds it), so only the first
            # run pays the three seconds
            stamp = hashlib.sha256("\0".join(texts + [Path(__file__).read_text(
                encoding="utf-8")]).encode()).hexdigest()[:16]
            if not self._read_kept_dblp(stamp):
                for text in texts:
                    self._load_dblp(text)
                self._keep_dblp(stamp)
            self._title_words = None
        return bool(self.dblp)

    def _read_kept_dblp(self, stamp: str) -> bool:
        """Whether the kept reading of DBLP's recordings was there and is now loaded."""
        folder = _private_folder()
        try:
            kept = json.loads((folder / f"dblp-{stamp}.json").read_bytes()) if folder else None
        except (OSError, ValueError):
            return False
        try:
            dblp, hits = kept["dblp"], [(set(words), info) for words, info in kept["hits"]]
        except (TypeError, KeyError, ValueError):
            return False
        self.dblp, self.dblp_hits = dblp, hits
        return True

    def _keep_dblp(self, stamp: str) -> None:
        """Keep this reading for the next run, in place of any older one (JSON, not pickle:
        what is read back from a shared temporary folder must not be able to run)."""
        folder = _private_folder()
        if folder is None:
            return
        kept = folder / f"dblp-{stamp}.json"
        temporary = kept.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps({"dblp": self.dblp, "hits": [
            (sorted(words), info) for words, info in self.dblp_hits]}), encoding="utf-8")
        os.replace(temporary, kept)
        for older in folder.glob("dblp-*.json"):
            if older != kept:
                older.unlink(missing_ok=True)

    def dblp_titles_with(self, words: list[str]) -> list[dict]:
        """The hits whose title has, for every one of ``words``, a word starting with it
        (an index of the title words, built on first use: a bench asks thousands of times)."""
        if not words:
            return []
        if self._title_words is None:
            index: dict[str, set[int]] = {}
            for number, (title_words, _info) in enumerate(self.dblp_hits):
                for word in title_words:
                    index.setdefault(word, set()).add(number)
            self._title_words = (sorted(index), index)
        ordered, index = self._title_words
        found: set[int] | None = None
        for word in words:
            start = bisect.bisect_left(ordered, word)
            having = set()
            for title_word in ordered[start:]:
                if not title_word.startswith(word):
                    break
                having |= index[title_word]
            found = having if found is None else found & having
        return [self.dblp_hits[number][1] for number in sorted(found or ())]

    def _load_dblp(self, text: str) -> None:
        for match in re.finditer(r"^@(\w+)\{DBLP:([^,]+),\n(.*?)\n\}", text, re.S | re.M):
            kind, key, body = match.groups()
            if key in self.dblp:
                continue
            self.dblp[key] = match.group(0) + "\n"
            fields = {m.group(1).lower(): re.sub(r"\s+", " ", m.group(2))
                      for m in re.finditer(r"^\s*(\w+)\s*=\s*\{(.*?)\},?\s*$(?=\n\s*\w+\s*=|\Z)",
                                           body, re.S | re.M)}
            # DBLP's JSON gives titles as Unicode text, its BibTeX as LaTeX
            title = latex_to_text(fields.get("title", ""))
            authors = [a.strip() for a in fields.get("author", "").split(" and ") if a.strip()]
            info = {
                "authors": {"author": [{"text": a} for a in authors] if len(authors) != 1
                            else {"text": authors[0]}},
                "title": title + ".",
                # DBLP's venue: a journal's ISO 4 name, a conference's acronym ("ACL
                # (Findings)" for a paper of the Findings volume of its stream)
                "venue": fields["journal"] if kind == "article" else
                _conference_venue(key, fields.get("booktitle", "")),
                "year": fields.get("year", ""),
                "type": "Journal Articles" if kind == "article" else
                "Conference and Workshop Papers",
                "key": key,
                "url": f"https://dblp.org/rec/{key}",
            }
            if "pages" in fields:  # as DBLP's JSON states them: "5998-6008"
                info["pages"] = fields["pages"].replace("--", "-")
            if "doi" in fields:
                info["doi"] = fields["doi"]
            if "url" in fields:
                info["ee"] = fields["url"]
            self.dblp_hits.append((set(_words(title)), info))


_STREAMS = {"iclr": "ICLR", "icml": "ICML", "acl": "ACL", "emnlp": "EMNLP",
            "naacl": "NAACL-HLT"}


def _conference_venue(key: str, booktitle: str) -> str:
    name = _STREAMS.get(key.split("/")[1] if key.count("/") >= 2 else "", "NeurIPS")
    return f"{name} (Findings)" if booktitle.startswith("Findings") else name


class SourceServer:
    """The server; use as a context manager or call ``start``/``stop``."""

    def __init__(self, recordings: Recordings) -> None:
        self.recordings = recordings
        self.requests: list[LoggedRequest] = []
        self._faults: dict[str, deque[Fault]] = {}
        self._slow: dict[str, float] = {}
        self._holds: dict[str, int] = {}  # prefix -> requests answered before holding
        self._held = threading.Semaphore(0)  # one release per request that reached the hold
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        # serve_forever's default poll of 0.5 s is paid at every shutdown: at teardown that
        # half second, times a hundred tests, was most of the quick loop's wall time.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    arxiv_url = property(lambda self: self.url + "/arxiv/api/query")
    acl_url = property(lambda self: self.url + "/acl")
    dblp_url = property(lambda self: self.url + "/dblp")
    crossref_url = property(lambda self: self.url + "/crossref")

    def environment(self, cache: Path | str | None = None) -> dict[str, str]:
        """The variables that point the package at this server (and at ``cache``)."""
        found = {"LLM4ANNO_BIB_ARXIV_URL": self.arxiv_url, "LLM4ANNO_BIB_ACL_URL": self.acl_url,
                 "LLM4ANNO_BIB_DBLP_URL": self.dblp_url,
                 "LLM4ANNO_BIB_CROSSREF_URL": self.crossref_url}
        return found | ({"LLM4ANNO_BIB_CACHE_DIR": str(cache)} if cache is not None else {})

    def start(self) -> SourceServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> SourceServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def fail_next(self, prefix: str, fault: Fault, times: int = 1) -> None:
        """Answer the next ``times`` requests under ``prefix`` with ``fault``."""
        with self._lock:
            self._faults.setdefault(prefix, deque()).extend([fault] * times)

    def slow_down(self, prefix: str, seconds: float) -> None:
        """Answer every request under ``prefix`` correctly, but ``seconds`` late."""
        self._slow[prefix] = seconds

    def hold(self, prefix: str, after: int = 0) -> None:
        """Answer the first ``after`` requests under ``prefix``, then keep every later one
        waiting (the client blocked in its read) until ``release``: a barrier, so a test
        acts while a request is surely in flight instead of guessing with a sleep."""
        self._release.clear()
        self._holds[prefix] = after

    def wait_for_held(self, timeout: float = 60.0) -> bool:
        """Whether a request reached the hold within ``timeout`` seconds."""
        return self._held.acquire(timeout=timeout)

    def release(self) -> None:
        """Let every held request (and every later one) be answered."""
        self._holds.clear()
        self._release.set()

    def _wait_if_held(self, path: str) -> None:
        for prefix, after in list(self._holds.items()):
            if path.startswith(prefix) and self.count(prefix) > after:
                self._held.release()
                self._release.wait(timeout=120)
                return

    def count(self, prefix: str, **query: str) -> int:
        """How many requests went to ``prefix`` (with these query parameters present)."""
        return sum(1 for r in self.requests if r.path.startswith(prefix)
                   and all(name in r.query for name in query))

    def reset_log(self) -> None:
        self.requests.clear()

    # -- answering --------------------------------------------------------------------
    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for prefix, queue in self._faults.items():
                if path.startswith(prefix) and queue:
                    return queue.popleft()
        return None

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
        rec = self.recordings
        if path == "/arxiv/api/query":
            return 200, "application/atom+xml", self._arxiv(query)
        if path == "/acl/anthology.bib.gz":
            return 200, "application/gzip", rec.acl_full
        if path.startswith("/acl/") and path.endswith(".bib"):
            text = rec.acl.get(path[len("/acl/"):-len(".bib")])
            return (200, "text/plain", text.encode()) if text else (404, "text/plain", b"")
        if path == "/dblp/search/publ/api":
            return 200, "application/json", self._dblp_search(query)
        if path.startswith("/dblp/rec/") and path.endswith(".bib"):
            text = rec.dblp.get(path[len("/dblp/rec/"):-len(".bib")])
            return (200, "text/plain", text.encode()) if text else (404, "text/plain", b"")
        if path == "/crossref/works":
            return 200, "application/json", self._crossref_search(query)
        if path.startswith("/crossref/works/"):
            work = rec.crossref.get(path[len("/crossref/works/"):].lower())
            if work is None:
                return 404, "text/plain", b"Resource not found."
            body = {"status": "ok", "message-type": "work", "message-version": "1.0.0",
                    "message": work}
            return 200, "application/json", json.dumps(body).encode()
        return 404, "text/plain", b"not recorded"

    def _crossref_search(self, query: dict[str, list[str]]) -> bytes:
        words = _words(query.get("query.bibliographic", [""])[0])[:10]
        rows = int(query.get("rows", ["20"])[0])
        items = [work for work in self.recordings.crossref.values()
                 if words and set(words) <= set(_words(" ".join(work.get("title", []))))]
        body = {"status": "ok", "message-type": "work-list", "message-version": "1.0.0",
                "message": {"total-results": len(items), "items": items[:rows]}}
        return json.dumps(body).encode()

    def _arxiv(self, query: dict[str, list[str]]) -> bytes:
        rec = self.recordings
        ids = [i for i in query.get("id_list", [""])[0].split(",") if i]
        search = query.get("search_query", [""])[0]
        start = int(query.get("start", ["0"])[0])
        per_page = int(query.get("max_results", ["10"])[0])
        if ids:
            found = [rec.arxiv[i.split("v")[0]] for i in ids if i.split("v")[0] in rec.arxiv]
        else:
            terms = re.findall(r"ti:\"?([^\s\"]+)", search)
            words = [w for t in terms for w in _words(t)]
            found = [entry for key, entry in rec.arxiv.items()
                     if words and all(w in rec.arxiv_titles[key] for w in words)]
        page = found[start:start + per_page]
        head = _FEED_HEAD.format(total=len(found), start=start, per_page=per_page)
        return (head + "".join(page) + "</feed>\n").encode()

    def _dblp_search(self, query: dict[str, list[str]]) -> bytes:
        text = query.get("q", [""])[0]
        words = _words(text)
        limit = int(query.get("h", ["30"])[0])
        if text.startswith("10."):  # a DOI: DBLP finds the record of that electronic edition
            hits = [info for _words_, info in self.recordings.dblp_hits
                    if info.get("doi", "").lower() == text.lower()]
        else:  # as DBLP does: every query word is the start of a word of the title
            hits = self.recordings.dblp_titles_with(words)
        body = {"result": {"hits": {"@total": str(len(hits)), "@sent": str(min(limit, len(hits))),
                                    "hit": [{"info": h} for h in hits[:limit]]}}}
        return json.dumps(body).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                parts = urlsplit(self.path)
                path, query = unquote(parts.path), parse_qs(parts.query)
                server.requests.append(LoggedRequest(path, query, time.monotonic(),
                                                     self.headers.get("User-Agent", "")))
                server._wait_if_held(path)
                fault = server._take_fault(path)
                if fault is not None:
                    time.sleep(fault.delay)
                    status, ctype, body, headers = (fault.status, fault.content_type,
                                                    fault.body, fault.headers)
                else:
                    time.sleep(next((s for p, s in server._slow.items() if path.startswith(p)), 0))
                    status, ctype, body = server.answer(path, query)
                    headers, fault = {}, Fault()
                head = [f"HTTP/1.0 {status} X", f"Content-Type: {ctype}"]
                if fault.declare_length:
                    head.append(f"Content-Length: {len(body)}")
                head += [f"{name}: {value}" for name, value in headers.items()]
                head_bytes = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
                try:
                    if fault.drip and fault.drip_headers:
                        self._drip(head_bytes + body, fault.drip)
                        return
                    self.wfile.write(head_bytes)
                    if fault.drip:
                        self._drip(body, fault.drip)
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError, OSError):
                    pass

            def _drip(self, data: bytes, pause: float) -> None:
                for index in range(len(data)):
                    self.wfile.write(data[index:index + 1])
                    self.wfile.flush()
                    time.sleep(pause)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


if __name__ == "__main__":
    with SourceServer(Recordings(dblp_dir=SHARED_DBLP)) as running:
        for name, value in running.environment().items():
            print(f"{name}={value}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
