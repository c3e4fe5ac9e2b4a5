"""A run of many lookups commits its stored answers in batches, not one commit per answer;
what a batch holds is found within the run, reaches the file when the run ends, and a batch
that cannot be written is warned of, never a traceback or a cache left mid-transaction. The
deadline of each answer holds however the deadlines before it ran."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

import llm4anno_bib
from llm4anno_bib.errors import CacheWarning, SourceError
from llm4anno_bib.sources import Politeness
from llm4anno_bib.sources._http import CACHE_FILE, make_session, stores_batched
from llm4anno_bib.sources.acl import AclClient
from llm4anno_bib.sources.dblp import DblpClient

from conftest import FAST, ROOT, connect

PLANTED = ROOT / "tests" / "data" / "planted_lookup.bib"


def _rows(folder) -> int:
    with sqlite3.connect(folder / CACHE_FILE) as db:  # another connection: what is written
        return db.execute("SELECT count(*) FROM responses").fetchone()[0]


def _commits(sources) -> list[str]:
    """The COMMIT statements the sources' cache connection runs from now on."""
    seen: list[str] = []
    with sources.dblp.session.cache.responses.connection() as db:
        db.set_trace_callback(lambda statement: seen.append(statement)
                              if statement.strip().upper().startswith("COMMIT") else None)
    return seen


def test_a_verify_run_commits_its_answers_in_batches_and_keeps_every_one(server, tmp_path):
    folder = tmp_path / "cache"
    sources = connect(server, folder)
    commits = _commits(sources)
    first = llm4anno_bib.verify(str(PLANTED), llm4anno_bib.Library([]), lookup=True,
                                sources=sources)
    stored = _rows(folder)
    assert stored >= 10, "the planted file asks the sources for many answers"
    assert 1 <= len(commits) < stored / 2  # a commit per answer was the cost batches cut
    # every answer is in the file: a new run reads them all (it asks again only what was
    # not stored, a 404), stores nothing new, and says the same
    again = llm4anno_bib.verify(str(PLANTED), llm4anno_bib.Library([]), lookup=True,
                                sources=connect(server, folder))
    assert _rows(folder) == stored
    assert [(e.key, e.status) for e in again.entries] == \
        [(e.key, e.status) for e in first.entries]


def test_an_answer_stored_in_an_open_batch_is_found_within_it(server, tmp_path):
    session = make_session(tmp_path / "cache")
    client = AclClient(session, server.acl_url, index_dir=tmp_path / "cache", politeness=FAST)
    with stores_batched(session):
        assert client.fetch_bib("N19-1421").year == 2019
        server.reset_log()
        assert client.fetch_bib("N19-1421").year == 2019
        assert server.requests == []  # read back from the uncommitted batch
    assert _rows(tmp_path / "cache") == 1


def test_no_batch_is_held_across_a_politeness_delay(server, tmp_path):
    """Another process writing the same cache must not wait through a source's delay: an
    answer is committed before the next request waits its turn."""
    session = make_session(tmp_path / "cache")
    polite = Politeness(delay=0.6, retries=0, timeout=10.0)
    client = AclClient(session, server.acl_url, index_dir=tmp_path / "cache", politeness=polite)
    with stores_batched(session):
        client.fetch_bib("N19-1421")
        client.fetch_bib("D19-1250")
        assert _rows(tmp_path / "cache") == 1  # the first, committed before the second asked
    assert _rows(tmp_path / "cache") == 2


def test_a_batch_that_cannot_be_written_is_warned_of_and_the_cache_goes_on(server, tmp_path):
    session = make_session(tmp_path / "cache")
    with session.cache.responses.connection() as db:  # SQLITE_FULL, as on a full disk
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")
    client = AclClient(session, server.acl_url, index_dir=tmp_path / "cache", politeness=FAST)
    with pytest.warns(CacheWarning, match="could not store an answer"):
        with stores_batched(session):  # (the index's answer is large: it needs new pages)
            found = client.find_by_title("Language Models as Knowledge Bases?")
    assert found[0].ident == "D19-1250"  # used, though not kept
    with session.cache.responses.connection() as db:  # room again, and no transaction left
        db.execute("PRAGMA max_page_count = 1000000")
    done = threading.Event()  # a transaction left open would make the next write spin

    def store_again() -> None:
        with stores_batched(session):
            client.fetch_bib("D19-1250")
        done.set()

    threading.Thread(target=store_again, daemon=True).start()
    assert done.wait(30), "the next batch never got its transaction"
    assert _rows(tmp_path / "cache") == 1  # that one, and nothing of the failed batch


def test_a_short_deadline_after_a_long_one_still_cuts_in_time(server, tmp_path):
    """The deadlines' thread sleeps until the earliest one it knows; one due sooner than
    that must wake it (and one due later need not)."""
    session = make_session(tmp_path / "cache")
    patient = Politeness(delay=0.0, retries=0, timeout=5.0, deadline=60.0)
    DblpClient(session, server.dblp_url, politeness=patient).search("language models", hits=5)
    server.slow_down("/dblp", 10.0)
    hasty = DblpClient(session, server.dblp_url,
                       politeness=Politeness(delay=0.0, retries=0, timeout=30.0, deadline=1.0))
    started = time.monotonic()
    with pytest.raises(SourceError):
        hasty.search("annotation with large language models", hits=5)
    assert time.monotonic() - started < 6.0  # its 1 s deadline, not the 60 s one before it
