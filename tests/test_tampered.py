"""What a cache or a source holds is checked against what it claims before it is used: a
stored answer moved under another request's key, edited, or of a shape requests-cache
cannot read is dropped (with a warning) and asked again, never taken as the answer; a kept
title index that was edited or is no index is built again; and answers no parser can hold
(JSON nested past the recursion limit, a feed entry whose date is no date) are a source's
error, never a traceback, and are not stored."""

from __future__ import annotations

import json
import sqlite3
import warnings

import pytest

from llm4anno_bib._json import sealed
from llm4anno_bib.errors import CacheWarning, SourceError
from llm4anno_bib.sources._http import CACHE_FILE, make_session
from llm4anno_bib.sources.acl import AclClient
from llm4anno_bib.sources.arxiv import ArxivClient
from llm4anno_bib.sources.crossref import CrossrefClient
from llm4anno_bib.sources.dblp import DblpClient

from conftest import FAST
from source_server import FIXTURES, Fault

A, B = "2201.11903", "2203.02155"


def _arxiv(server, folder, offline: bool = False) -> ArxivClient:
    return ArxivClient(make_session(folder), server.arxiv_url, politeness=FAST,
                       offline=offline)


def _rows(folder) -> list[tuple[str, str]]:
    with sqlite3.connect(folder / CACHE_FILE) as db:
        return db.execute("SELECT key, value FROM responses ORDER BY key").fetchall()


def _set_row(folder, key: str, value) -> None:
    with sqlite3.connect(folder / CACHE_FILE) as db:
        db.execute("UPDATE responses SET value = ? WHERE key = ?", (value, key))


def _two_answers(server, folder) -> list[tuple[str, str]]:
    client = _arxiv(server, folder)
    assert client.fetch_ids([A])[A].arxiv_id == A
    assert client.fetch_ids([B])[B].arxiv_id == B
    rows = _rows(folder)
    assert len(rows) == 2
    return rows


def test_swapped_stored_answers_are_asked_again_not_believed(server, tmp_path):
    """Each answer moved under the other's key: an unchecked cache would say arXiv has no
    paper A (its answer names only B)."""
    folder = tmp_path / "c"
    (key_a, value_a), (key_b, value_b) = _two_answers(server, folder)
    _set_row(folder, key_a, value_b)
    _set_row(folder, key_b, value_a)
    server.reset_log()
    with pytest.warns(CacheWarning, match="another request"):
        found = _arxiv(server, folder).fetch_ids([A])
    assert found[A].arxiv_id == A and server.count("/arxiv") == 1
    with pytest.warns(CacheWarning), pytest.raises(SourceError, match="not in the cache"):
        _arxiv(server, folder, offline=True).fetch_ids([B])  # offline: nothing, not B's lie


def test_an_edited_body_is_told_by_its_digest(server, tmp_path):
    folder = tmp_path / "c"
    rows = _two_answers(server, folder)
    key, value = rows[0]
    stored = json.loads(value)
    body = stored["_content"]
    stored["_content"] = body[:40] + ("A" if body[40] != "A" else "B") + body[41:]  # same length
    _set_row(folder, key, json.dumps(stored))
    server.reset_log()
    with pytest.warns(CacheWarning, match="digest"):
        client = _arxiv(server, folder)
        client.fetch_ids([A])
        client.fetch_ids([B])
    assert server.count("/arxiv") == 1  # the edited one asked again, the other used


@pytest.mark.parametrize("value", [b"not json", b"[1, 2]", b'{"status_code": "x"}', b"{}"],
                         ids=["not-json", "a-list", "wrong-types", "empty"])
def test_a_stored_answer_of_any_shape_is_dropped_and_asked_again(server, tmp_path, value):
    folder = tmp_path / "c"
    key, _ = _two_answers(server, folder)[0]
    _set_row(folder, key, value)
    server.reset_log()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CacheWarning)
        client = _arxiv(server, folder)
        assert set(client.fetch_ids([A])) | set(client.fetch_ids([B])) == {A, B}
    assert server.count("/arxiv") == 1


def _acl(server, folder) -> AclClient:
    return AclClient(make_session(folder), server.acl_url, politeness=FAST, index_dir=folder)


@pytest.mark.parametrize("damage", ["a-list", "rows-emptied", "rows-swapped", "not-sealed"])
def test_a_kept_title_index_that_was_edited_is_built_again(server, tmp_path, damage):
    folder = tmp_path / "c"
    assert _acl(server, folder).find_by_title("CommonsenseQA: A Question Answering Challenge "
                                              "Targeting Commonsense Knowledge")
    (stored,) = folder.glob("acl-anthology-index-*.json")
    head, _, body = stored.read_text(encoding="utf-8").partition("\n")
    index = json.loads(body)
    titles = sorted(index["titles"])
    if damage == "a-list":
        text = sealed([1, 2])
    elif damage == "not-sealed":
        text = json.dumps(index)
    else:
        edited = dict(index["titles"])
        if damage == "rows-emptied":
            edited = {title: [] for title in edited}
        else:
            edited[titles[0]], edited[titles[1]] = edited[titles[1]], edited[titles[0]]
        text = head + "\n" + json.dumps({"titles": edited, "dois": index["dois"]},
                                        ensure_ascii=False, separators=(",", ":"))
    stored.write_text(text, encoding="utf-8")
    with pytest.warns(CacheWarning, match="title index"):
        found = _acl(server, folder).find_by_title(
            "CommonsenseQA: A Question Answering Challenge Targeting Commonsense Knowledge")
    assert [record.year for record in found] == [2019]


NESTED = b"[" * 200_000 + b"]" * 200_000


def test_json_nested_past_the_recursion_limit_is_a_source_error(server, tmp_path):
    server.fail_next("/dblp", Fault(status=200, body=NESTED, content_type="application/json"))
    dblp = DblpClient(make_session(tmp_path / "c"), server.dblp_url, politeness=FAST)
    with pytest.raises(SourceError, match="nested too deeply"):
        dblp.search("Consistency Models")
    server.fail_next("/crossref", Fault(status=200, body=NESTED,
                                        content_type="application/json"))
    crossref = CrossrefClient(make_session(tmp_path / "c"), server.crossref_url,
                              politeness=FAST)
    with pytest.raises(SourceError, match="nested too deeply"):
        crossref.search("Consistency Models")


def test_a_feed_entry_whose_date_is_no_date_is_refused_and_not_stored(server, tmp_path):
    feed = (FIXTURES / "arxiv" / f"{A}.xml").read_bytes()
    start = feed.index(b"<published>") + len(b"<published>")
    broken = feed[:start] + b"notadate" + feed[feed.index(b"</published>", start):]
    server.fail_next("/arxiv", Fault(status=200, body=broken,
                                     content_type="application/atom+xml"))
    folder = tmp_path / "c"
    with pytest.raises(SourceError, match="cannot be read"):
        _arxiv(server, folder).fetch_ids([A])
    assert _rows(folder) == []  # refused, so never kept
    assert _arxiv(server, folder).fetch_ids([A])[A].published.year == 2022


def _stored_library(tmp_path, monkeypatch, shipped_copy):
    from llm4anno_bib import _libcache

    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(tmp_path / "cache"))
    import llm4anno_bib

    llm4anno_bib.load(shipped_copy)  # a cold read keeps it
    stored = _libcache._cache_file(_libcache.content_digest(shipped_copy.read_bytes()))
    assert stored.is_file()
    return stored


@pytest.mark.parametrize("edit", ["title", "rows-swapped", "intro"])
def test_an_edited_parsed_library_cache_is_never_the_librarys_word(tmp_path, monkeypatch,
                                                                     shipped_copy, edit):
    """A same-length edit of a stored title, two rows swapped, or the header edited: what
    show and export give is still the file's own text."""
    import llm4anno_bib

    stored = _stored_library(tmp_path, monkeypatch, shipped_copy)
    truth = llm4anno_bib.load(shipped_copy)  # from the cache, untouched
    expected = {e.key: e.title for e in truth}
    lines = stored.read_bytes().split(b"\n")
    if edit == "title":
        number = next(i for i, line in enumerate(lines) if i > 1 and
                      line.startswith(b'["wei2022chain",'))
        lines[number] = lines[number].replace(b"Chain-of-Thought Prompting",
                                              b"Chain-of-Thought Promptinq", 1)
    elif edit == "rows-swapped":
        lines[2], lines[3] = lines[3], lines[2]
    else:
        lines[0] = lines[0].replace(b'"intro":"', b'"intro":"X', 1)
    stored.write_bytes(b"\n".join(lines))
    again = llm4anno_bib.load(shipped_copy)
    assert {e.key: e.title for e in again} == expected
    assert again.intro == truth.intro
    assert "Promptinq" not in again.to_bibtex()
    aux = tmp_path / "paper.aux"
    aux.write_text("\\citation{wei2022chain}\n", encoding="utf-8")
    cited = llm4anno_bib.cite(aux, shipped_copy).library  # the key index and cited rows only
    assert [e.title for e in cited] == [expected["wei2022chain"]]
