"""The source clients against the local server: batching, cache, politeness, faults."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings, strategies as st

from llm4anno_bib.errors import NotFound, SourceError
from llm4anno_bib.sources._http import Politeness, make_session
from llm4anno_bib.sources.acl import AclClient
from llm4anno_bib.sources.arxiv import ArxivClient
from llm4anno_bib.sources.dblp import DblpClient

from source_server import Fault

FAST = Politeness(delay=0.0, retries=2, backoff=0.05, timeout=5.0)


@pytest.fixture
def session(tmp_path):
    return make_session(tmp_path / "cache")


def test_arxiv_batches_ids_in_one_request_and_caches(server, session):
    client = ArxivClient(session, server.arxiv_url, politeness=FAST)
    found = client.fetch_ids(["2201.11903", "2110.08207v2", "9999.99999"])
    assert set(found) == {"2201.11903", "2110.08207"}
    t0 = found["2110.08207"]
    assert t0.title == "Multitask Prompted Training Enables Zero-Shot Task Generalization"
    assert len(t0.authors) == 41 and t0.authors[8] == "Teven Le Scao" and t0.year == 2021
    assert server.count("/arxiv", id_list="") == 1
    again = ArxivClient(session, server.arxiv_url, politeness=FAST)
    assert again.fetch_ids(["2201.11903", "2110.08207v2", "9999.99999"]) == found
    assert server.count("/arxiv") == 1 and again.real_requests == 0


def test_arxiv_title_search_tolerates_small_wording_changes(server, session):
    client = ArxivClient(session, server.arxiv_url, politeness=FAST)
    found = client.search_title("Learning to summarize with human feedback")
    assert [r.arxiv_id for r in found] == ["2009.01325"]


@pytest.mark.slow
def test_arxiv_waits_between_real_requests_only(server, session):
    client = ArxivClient(session, server.arxiv_url,
                         politeness=Politeness(delay=1.5, retries=0, timeout=5.0))
    client.fetch_ids(["2201.11903"])
    client.fetch_ids(["2110.08207"])
    times = [r.at for r in server.requests]
    assert len(times) == 2 and times[1] - times[0] >= 1.5
    started = time.monotonic()
    client.fetch_ids(["2201.11903"])  # cached: no request, no wait (well under the 1.5 s gap)
    assert time.monotonic() - started < 1.0 and len(server.requests) == 2


@pytest.mark.slow
def test_retry_after_is_honoured_then_success(server, session):
    server.fail_next("/arxiv", Fault(status=503, headers={"Retry-After": "1"}))
    client = ArxivClient(session, server.arxiv_url, politeness=FAST)
    started = time.monotonic()
    assert "2201.11903" in client.fetch_ids(["2201.11903"])
    assert time.monotonic() - started >= 1.0 and server.count("/arxiv") == 2


def test_retries_are_bounded(server, session):
    server.fail_next("/arxiv", Fault(status=429, headers={"Retry-After": "0"}), times=5)
    client = ArxivClient(session, server.arxiv_url, politeness=FAST)
    with pytest.raises(SourceError) as error:
        client.fetch_ids(["2201.11903"])
    assert error.value.status == 429 and server.count("/arxiv") == 3


@pytest.mark.parametrize("body", [
    pytest.param(None, id="truncated-feed"),
    pytest.param(b"<html><body>Rate exceeded.</body></html>", id="html-page"),
    pytest.param(b"", id="empty-body"),
])
def test_malformed_feeds_are_errors_not_empty_results(server, session, recordings, body):
    if body is None:
        whole = server.answer("/arxiv/api/query", {"id_list": ["2110.08207"],
                                                    "max_results": ["1"]})[2]
        body = whole[: len(whole) // 2]
    server.fail_next("/arxiv", Fault(status=200, body=body, content_type="application/atom+xml"))
    client = ArxivClient(session, server.arxiv_url, politeness=FAST)
    with pytest.raises(SourceError):
        client.fetch_ids(["2110.08207"])
    # the bad answer was not cached: asking again gets the real one
    assert "2110.08207" in client.fetch_ids(["2110.08207"])


def _short_page(server) -> Fault:
    whole = server.answer("/arxiv/api/query", {"id_list": ["2110.08207,2201.11903"],
                                                "max_results": ["2"]})[2]
    cut = whole[: whole.index(b"  <entry>", whole.index(b"<entry>") + 1)] + b"</feed>\n"
    return Fault(status=200, body=cut, content_type="application/atom+xml")


def test_short_or_empty_page_is_asked_again(server, session):
    server.fail_next("/arxiv", _short_page(server))
    client = ArxivClient(session, server.arxiv_url, politeness=FAST)
    assert set(client.fetch_ids(["2110.08207", "2201.11903"])) == {"2110.08207", "2201.11903"}
    assert server.count("/arxiv") == 2


def test_feed_with_fewer_entries_than_announced_every_time_is_an_error(server, session):
    server.fail_next("/arxiv", _short_page(server), times=FAST.retries + 1)
    client = ArxivClient(session, server.arxiv_url, politeness=FAST)
    with pytest.raises(SourceError, match="announces 2 results but holds 1"):
        client.fetch_ids(["2110.08207", "2201.11903"])
    assert server.count("/arxiv") == FAST.retries + 1


def test_offline_with_nothing_cached_is_an_error(server, session):
    client = ArxivClient(session, server.arxiv_url, politeness=FAST, offline=True)
    with pytest.raises(SourceError, match="offline"):
        client.fetch_ids(["2201.11903"])
    assert server.count("/arxiv") == 0


def test_bibtex_answers_are_read_as_utf8_whatever_the_content_type(server, session):
    # the local server sends text/plain without a charset, which requests reads as Latin-1
    record = AclClient(session, server.acl_url, politeness=FAST).fetch_bib("D19-1250")
    assert "Rocktäschel, Tim" in record.authors


def test_acl_doi_lookup_through_the_full_export(server, session, tmp_path):
    client = AclClient(session, server.acl_url, politeness=FAST, index_dir=tmp_path / "idx")
    journal = client.find_by_doi("10.1162/COLI_A_00523")
    assert journal is not None and journal.ident == "2024.cl-3.7"
    assert client.find_by_doi("10.1145/3560815") is None


def test_unreachable_source_is_not_retried_for_every_request(tmp_path, session):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    client = AclClient(session, dead, politeness=FAST, index_dir=tmp_path)
    # a connection refused (or a name that does not resolve) is no answer to wait for: one
    # try, and the source is down for the run (issue 27: without a network, fail fast)
    with pytest.raises(SourceError, match=r"cannot connect \(the connection was refused\)"):
        client.fetch_bib("N19-1421")
    started = time.monotonic()
    with pytest.raises(SourceError, match="earlier in this run"):
        client.fetch_bib("D19-1250")
    assert time.monotonic() - started < 0.05 and client.real_requests == 1


def test_acl_record_and_title_index(server, session, tmp_path):
    client = AclClient(session, server.acl_url, politeness=FAST, index_dir=tmp_path / "idx")
    record = client.fetch_bib("2024.emnlp-main.54")
    assert record.ident == "2024.emnlp-main.54" and record.authors[0] == "Tan, Zhen"
    assert record.fields["month"] == "nov" and record.year == 2024
    found = client.find_by_title("Why Can GPT Learn In-Context? Language Models Secretly "
                                 "Perform Gradient Descent as Meta Optimizers")
    assert [r.ident for r in found] == ["2023.findings-acl.247"]
    client.find_by_title("A Survey on In-context Learning")
    assert server.count("/acl/anthology.bib.gz") == 1  # built once, not per lookup
    fresh = AclClient(make_session(tmp_path / "other-cache"), server.acl_url, politeness=FAST,
                      index_dir=tmp_path / "idx")
    assert [r.ident for r in fresh.find_by_title("A Survey on In-context Learning")] == \
        ["2024.emnlp-main.64"]
    with pytest.raises(NotFound):
        client.fetch_bib("2099.acl-long.1")


def test_dblp_search_and_record(server, session, needs_dblp):
    client = DblpClient(session, server.dblp_url, politeness=FAST)
    hits = client.search("Finetuned Language Models Are Zero-Shot Learners")
    assert hits and hits[0].key == "conf/iclr/WeiBZGYLDDL22" and hits[0].year == 2022
    record = client.fetch_bib(hits[0].key)
    assert record.fields["booktitle"].startswith("The Tenth International Conference")
    assert record.authors[0] == "Jason Wei"


def test_base_urls_and_cache_dir_come_from_the_environment(server, tmp_path, monkeypatch):
    monkeypatch.setenv("LLM4ANNO_BIB_ARXIV_URL", server.arxiv_url)
    monkeypatch.setenv("LLM4ANNO_BIB_ACL_URL", server.acl_url)
    monkeypatch.setenv("LLM4ANNO_BIB_DBLP_URL", server.dblp_url)
    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(tmp_path / "env-cache"))
    session = make_session()
    assert (tmp_path / "env-cache" / "http_cache.sqlite").exists()
    assert "2201.11903" in ArxivClient(session, politeness=FAST).fetch_ids(["2201.11903"])
    assert AclClient(session, politeness=FAST).fetch_bib("N19-1421").year == 2019
    assert server.count("/arxiv") == 1 and server.count("/acl/N19-1421.bib") == 1
    assert DblpClient(session).base_url == server.dblp_url


@pytest.mark.parametrize("url", ["http://[::1", "http://", "http://a b", "ftp://x.org",
                                 "file:///etc/passwd", "javascript:alert(1)", "http://x\n",
                                 "dblp.org"])
def test_a_base_url_that_is_no_http_url_is_refused_before_anything_is_asked(url, tmp_path,
                                                                              monkeypatch):
    """A mirror's URL from the environment (or the configuration file, which sets it) or
    given to a client: one that requests could not even parse was an InvalidURL out of the
    first lookup, which the command took for its standard output failing."""
    from typer.testing import CliRunner

    from llm4anno_bib.cli import app
    from llm4anno_bib.errors import Llm4AnnoBibError
    from llm4anno_bib.sources import Sources

    monkeypatch.setenv("LLM4ANNO_BIB_DBLP_URL", url)
    with pytest.raises(Llm4AnnoBibError, match="LLM4ANNO_BIB_DBLP_URL .* is not an http"):
        Sources.connect(tmp_path / "c", offline=True)
    monkeypatch.delenv("LLM4ANNO_BIB_DBLP_URL")
    with pytest.raises(Llm4AnnoBibError, match="the base URL .* is not an http"):
        DblpClient(make_session(tmp_path / "c"), url)
    monkeypatch.setenv("LLM4ANNO_BIB_ARXIV_URL", url)
    paper = tmp_path / "paper.bib"
    paper.write_text("@misc{k,\n  title = {A Work No Library Holds},\n  year = {2020},\n}\n",
                     encoding="utf-8")
    done = CliRunner().invoke(app, ["verify", str(paper), "--lookup", "--cache-dir",
                                    str(tmp_path / "c")])
    assert done.exit_code == 2 and "LLM4ANNO_BIB_ARXIV_URL" in done.stderr
    assert "standard output" not in done.stderr


def test_expired_answers_are_asked_again_except_offline(server, tmp_path):
    from datetime import timedelta

    session = make_session(tmp_path / "short", expire_after=timedelta(seconds=0.5))
    AclClient(session, server.acl_url, politeness=FAST).fetch_bib("N19-1421")
    AclClient(session, server.acl_url, politeness=FAST).fetch_bib("N19-1421")
    assert server.count("/acl/N19-1421.bib") == 1  # fresh: from the cache
    time.sleep(0.6)
    offline = AclClient(session, server.acl_url, politeness=FAST, offline=True)
    assert offline.fetch_bib("N19-1421").year == 2019  # stale beats nothing offline
    assert server.count("/acl/N19-1421.bib") == 1
    AclClient(session, server.acl_url, politeness=FAST).fetch_bib("N19-1421")
    assert server.count("/acl/N19-1421.bib") == 2  # expired: asked again


@pytest.mark.parametrize("params", [
    {}, {"q": "Chain-of-Thought Prompting"}, {"q": "Nyström Demoiréing: a+b=c & d/e ~f %20 #x"},
    {"search_query": 'ti:"Learning to summarize" AND au:Stiennon', "start": "0",
     "max_results": "10"},
    {"query.bibliographic": "🙂 émoji «quotes» [brackets] {braces} \\ |pipe|", "rows": "5"},
    {"id_list": "2201.11903,2110.08207v2", "empty": ""},
])
@pytest.mark.parametrize("base", ["https://export.arxiv.org/api/query",
                                  "http://127.0.0.1:8080/dblp/search/publ/api?x=1",
                                  "https://api.crossref.org/works/10.1000/a%20b"])
def test_a_query_is_sent_and_stored_under_the_url_requests_builds(base, params):
    """The query is encoded here as requests encodes it: the same URL, so the same cache
    key as answers stored before."""
    import requests

    from llm4anno_bib.sources._http import _full_url

    prepared = requests.PreparedRequest()
    prepared.prepare_url(base, dict(params))
    assert _full_url(base, params) == prepared.url


@settings(max_examples=300, deadline=None)
@given(base=st.sampled_from([
    "https://export.arxiv.org/api/query", "http://127.0.0.1:8080/dblp/search/publ/api",
    "http://Example.ORG/Api", "https://host", "http://h/ä/x", "http://h/%7euser/a b",
    "http://h/a?x=1", "http://h/a#top", "https://api.crossref.org/works/10.1000/a%20b"]),
    params=st.dictionaries(st.text(min_size=1, max_size=8), st.text(max_size=20), max_size=3))
def test_every_query_joined_without_requests_is_the_url_requests_builds(base, params):
    """Joined to a base URL requests leaves as it is, the query gives requests' own text; a
    base it changes (a host's case, a path's space or accent, a query of its own) goes
    through requests."""
    import requests

    from llm4anno_bib.sources._http import _full_url

    prepared = requests.PreparedRequest()
    prepared.prepare_url(base, dict(params))
    assert _full_url(base, params) == prepared.url


@pytest.mark.parametrize(("stated", "read"), [
    ("12685-12695", "12685--12695"), ("e1234", "e1234"), ("1:1-1:20", "1:1--1:20"),
    ("1-2}, note = {\\input{/etc/hostname}", None), ("12685-12695 \\write18{x}", None),
    ("", None)])
def test_dblp_hit_pages_are_a_page_range_or_nothing(server, session, stated, read):
    body = json.dumps({"result": {"hits": {"hit": [{"info": {
        "key": "conf/icml/Doe22", "title": "A Paper.", "year": "2022", "pages": stated}}]}}})
    server.fail_next("/dblp", Fault(status=200, body=body.encode(),
                                    content_type="application/json"))
    hits = DblpClient(session, server.dblp_url, politeness=FAST).search("A Paper")
    assert [hit.pages for hit in hits] == [read]
