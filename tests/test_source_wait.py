"""One bound for a command's wait on a source (``Politeness.budget``, settable with
``LLM4ANNO_BIB_SOURCE_WAIT``): a missed whole-answer deadline or a run of 429/5xx marks the
source unreachable for the rest of the run, a ``Retry-After`` past the bound is not waited
for, and ``verify --lookup`` says so and exits 3 when entries were left unchecked. Each
case against the real local server, its total time and requests counted."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.cli import app
from llm4anno_bib.errors import Llm4AnnoBibError, SourceError
from llm4anno_bib.sources import Politeness, Sources, make_session, wait_override
from llm4anno_bib.sources.arxiv import ArxivClient

from conftest import FAST
from source_server import Fault

EMPTY = llm4anno_bib.Library([])
# four entries the library lacks, each with an arXiv id: each is asked of arXiv
FOUR = "".join(f"@misc{{e{i},\n  title = {{Paper {i}}},\n  eprint = {{{arxiv}}},\n"
               "  archiveprefix = {arXiv},\n  year = {2022},\n}\n"
               for i, arxiv in enumerate(("2201.11903", "2203.02155", "2210.11416",
                                          "2211.01786")))


def _sources(server, cache, politeness: Politeness) -> Sources:
    return Sources.connect(cache, arxiv_url=server.arxiv_url, acl_url=server.acl_url,
                           dblp_url=server.dblp_url, crossref_url=server.crossref_url,
                           arxiv_politeness=politeness, politeness=politeness)


@pytest.mark.slow
def test_a_dripping_source_costs_one_deadline_for_the_whole_command(server, tmp_path):
    """A byte every 0.3 s never trips the read timeout; the answer's deadline (1.5 s) is
    missed once, and every later request of the run fails at once."""
    for prefix in ("/arxiv", "/dblp", "/acl", "/crossref"):
        server.fail_next(prefix, Fault(status=200, body=b"x" * 1000, drip=0.3), times=50)
    bib = tmp_path / "refs.bib"
    bib.write_text(FOUR, encoding="utf-8")
    slow = replace(FAST, retries=3, timeout=5.0, deadline=1.5)
    started = time.monotonic()
    report = llm4anno_bib.verify(bib, EMPTY, lookup=True,
                                 sources=_sources(server, tmp_path / "c", slow))
    took = time.monotonic() - started
    assert took < 4 * 1.5 + 3  # one missed deadline per source at most, no retries of it
    assert report.summary["not-checked"] == 4 and report.exit_code == 3
    assert all(e.source_failed for e in report.entries)
    assert server.count("/arxiv") == 1  # the deadline was missed once: not asked again


def test_a_retry_after_past_the_bound_is_not_waited_for(server, tmp_path):
    server.fail_next("/arxiv", Fault(status=429, headers={"Retry-After": "3600"}), times=10)
    client = ArxivClient(make_session(tmp_path / "c"), server.arxiv_url,
                         politeness=replace(FAST, retries=3, max_wait=30.0))
    started = time.monotonic()
    with pytest.raises(SourceError, match="asking to wait 3600 s"):
        client.fetch_ids(["2201.11903"])
    with pytest.raises(SourceError, match="earlier in this run"):
        client.fetch_ids(["2203.02155"])
    assert time.monotonic() - started < 5
    assert server.count("/arxiv") == 1


def test_a_run_of_server_errors_marks_the_source_down_for_the_run(server, tmp_path):
    server.fail_next("/arxiv", Fault(status=503), times=100)
    client = ArxivClient(make_session(tmp_path / "c"), server.arxiv_url,
                         politeness=replace(FAST, retries=2))
    for arxiv_id in ("2201.11903", "2203.02155", "2210.11416", "2211.01786"):
        with pytest.raises(SourceError):
            client.fetch_ids([arxiv_id])
    assert server.count("/arxiv") == 3  # one request's tries; the other three asked nothing


@pytest.mark.slow
def test_the_budget_bounds_a_slow_source_over_many_requests(server, tmp_path):
    """Each answer comes within its deadline, but slowly: once the run has waited its
    budget on the source, the rest fail at once."""
    server.slow_down("/arxiv", 0.4)
    client = ArxivClient(make_session(tmp_path / "c"), server.arxiv_url,
                         politeness=replace(FAST, timeout=5.0, deadline=5.0, budget=1.0))
    started = time.monotonic()
    answered = failed = 0
    for arxiv_id in ("2201.11903", "2203.02155", "2210.11416", "2211.01786", "2110.08207",
                     "2204.07705", "2209.14375"):
        try:
            client.fetch_ids([arxiv_id])
            answered += 1
        except SourceError as error:
            assert "the bound" in str(error) or "earlier in this run" in str(error)
            failed += 1
    assert answered >= 1 and failed >= 3
    assert time.monotonic() - started < 1.0 + 2 * 0.4 + 1


def test_the_bound_is_settable_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LLM4ANNO_BIB_SOURCE_WAIT", "7.5")
    assert wait_override() == 7.5
    sources = Sources.connect(tmp_path / "c", offline=True)
    assert sources.arxiv.politeness.budget == sources.dblp.politeness.budget == 7.5
    for bad in ("nan", "-1", "soon", "1e9"):
        monkeypatch.setenv("LLM4ANNO_BIB_SOURCE_WAIT", bad)
        with pytest.raises(Llm4AnnoBibError, match="LLM4ANNO_BIB_SOURCE_WAIT"):
            wait_override()


def test_verify_lookup_exits_3_and_says_it_when_sources_are_down(server, tmp_path, cli_env,
                                                                  monkeypatch):
    for prefix in ("/arxiv", "/dblp", "/acl", "/crossref"):  # no pause asked: fast retries
        server.fail_next(prefix, Fault(status=503, headers={"Retry-After": "0"}), times=100)
    monkeypatch.setenv("LLM4ANNO_BIB_DELAY", "0")
    bib = tmp_path / "refs.bib"
    bib.write_text(FOUR, encoding="utf-8")
    empty = tmp_path / "empty.bib"
    empty.write_text("", encoding="utf-8")
    runner = CliRunner()
    text = runner.invoke(app, ["verify", str(bib), "--lookup", "--library", str(empty)])
    assert text.exit_code == 3, text.output
    assert "4 not checked (4 because a source could not be asked)" in text.stderr
    assert text.stdout.count("arXiv: HTTP 503") == 1  # said once, for the four entries
    done = runner.invoke(app, ["verify", str(bib), "--lookup", "--format", "json",
                               "--library", str(empty)])
    assert done.exit_code == 3, done.output
    report = json.loads(done.stdout)
    assert report["exit_code"] == 3 and report["unchecked_by_source_failure"] == 4
    assert all(e["source_failed"] for e in report["entries"])


def test_the_anthologys_export_failing_is_asked_for_once_a_run_not_once_an_entry(server,
                                                                                  tmp_path):
    """The issue's case: ten title lookups against an Anthology whose full export answers
    503 made forty requests for it; one request's tries now mark it down for the run."""
    from llm4anno_bib.sources.acl import AclClient

    server.fail_next("/acl/anthology.bib.gz", Fault(status=503, headers={"Retry-After": "0"}),
                     times=100)
    client = AclClient(make_session(tmp_path / "c"), server.acl_url,
                       politeness=replace(FAST, retries=3), index_dir=tmp_path / "c")
    for number in range(10):
        with pytest.raises(SourceError):
            client.find_by_title(f"A Title That Is Not There {number}")
    assert server.count("/acl/anthology.bib.gz") == 4  # one request's four tries, then none


def test_without_a_network_verify_lookup_asks_each_source_once_and_says_so(tmp_path):
    """Every source refusing the connection (what a machine without a network meets): each
    is tried once, the run goes on, and CI can tell it from "all good" (exit 3)."""
    import socket

    from llm4anno_bib.sources import Politeness, Sources

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    patient = Politeness(delay=0.0, retries=3, backoff=5.0, timeout=30.0)  # real backoffs
    sources = Sources.connect(tmp_path / "cache", arxiv_url=dead + "/arxiv", acl_url=dead,
                              dblp_url=dead, crossref_url=dead, arxiv_politeness=patient,
                              politeness=patient)
    refs = tmp_path / "refs.bib"
    refs.write_text("".join(
        f"@inproceedings{{k{n},\n  title = {{A Title of Paper Number {n} Nobody Wrote}},\n"
        f"  author = {{Doe, Jane}},\n  booktitle = {{ICML}},\n  year = {{2023}},\n"
        f"  eprint = {{2301.0000{n}}},\n  archiveprefix = {{arXiv}},\n}}\n" for n in range(3)),
        encoding="utf-8")
    report = llm4anno_bib.verify(refs, llm4anno_bib.Library([]), lookup=True, sources=sources)
    assert report.exit_code == 3 and len(report.unchecked_by_failure) == 3
    clients = (sources.arxiv, sources.acl, sources.dblp, sources.crossref)
    assert all(client.real_requests <= 1 for client in clients)  # never retried
    assert all("cannot connect (the connection was refused)" in e.reason
               for e in report.entries)


def test_an_unreachable_source_is_said_unreachable_not_waited_on(tmp_path):
    """The Anthology's index may take 900 s, beyond the run's 180 s bound on it: an
    unreachable host (no network) failed at once and was said to have been "waited 180 s
    on", though the command took a quarter of a second."""
    import socket

    with socket.socket() as probe:  # a port nothing listens on: refused at once
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/api/query"
    client = ArxivClient(make_session(tmp_path / "c"), closed,
                         politeness=replace(FAST, deadline=900.0, budget=180.0))
    started = time.monotonic()
    with pytest.raises(SourceError) as raised:
        client.fetch_ids(["2201.11903"])
    assert time.monotonic() - started < 5
    assert "cannot connect" in str(raised.value) and "waited" not in str(raised.value)
