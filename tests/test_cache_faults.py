"""A corrupt or foreign cache is detected, reported and rebuilt; a full disk is bypassed; no
read-only command ever touches the cache."""

from __future__ import annotations

import sqlite3

import requests
import requests_cache

import pytest
from typer.testing import CliRunner

from llm4anno_bib.cli import app
from llm4anno_bib.errors import CacheWarning
from llm4anno_bib.sources._http import CACHE_FILE, make_session
from llm4anno_bib.sources.acl import AclClient

from conftest import FAST, ROOT, connect

runner = CliRunner()


def _damage(folder, how: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / CACHE_FILE
    if how == "truncated":
        path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 40)
    elif how == "not-sqlite":
        path.write_bytes(b"this is not a database at all\n" * 100)
    elif how == "foreign-schema":  # another version's (or program's) tables
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE responses (url TEXT, body BLOB)")
            db.execute("CREATE TABLE redirects (a, b, c)")


@pytest.mark.parametrize("how", ["truncated", "not-sqlite", "foreign-schema"])
def test_a_damaged_cache_is_set_aside_and_rebuilt(server, tmp_path, how):
    folder = tmp_path / "cache"
    _damage(folder, how)
    with pytest.warns(CacheWarning, match="could not be read"):
        sources = connect(server, folder)
    assert sources.acl.fetch_bib("N19-1421").year == 2019
    assert (folder / (CACHE_FILE + ".damaged")).exists()
    server.reset_log()
    again = connect(server, folder)  # the rebuilt cache works and keeps what it got
    assert again.acl.fetch_bib("N19-1421").year == 2019 and server.requests == []


def test_cli_reports_a_damaged_cache_as_a_warning_and_goes_on(server, tmp_path, cli_env,
                                                               shipped_copy):
    _damage(cli_env, "truncated")
    library = shipped_copy
    result = runner.invoke(app, ["update", "petroni2019language", "--dry-run",
                                 "--library", str(library)])
    assert result.exit_code == 0
    assert "llm4anno-bib: warning: the cache" in result.stderr and "moved to" in result.stderr


def test_read_only_commands_never_touch_the_cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    _damage(folder, "not-sqlite")
    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(folder))
    before = (folder / CACHE_FILE).read_bytes()
    for args in (["list"], ["show", "wei2022chain"], ["export", "-f", "csl-json"], ["check"],
                 ["categories"], ["render-list"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and "llm4anno-bib: warning" not in result.stderr, args
    assert (folder / CACHE_FILE).read_bytes() == before


def test_a_full_cache_is_reported_and_the_answer_still_used(server, tmp_path):
    session = make_session(tmp_path / "cache")
    with session.cache.responses.connection() as db:  # SQLITE_FULL, as on a full disk
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")
    client = AclClient(session, server.acl_url, index_dir=tmp_path / "cache",
                       politeness=FAST)
    with pytest.warns(CacheWarning, match="could not store an answer"):
        found = client.find_by_title("Language Models as Knowledge Bases?")
    assert found[0].ident == "D19-1250"


def test_cache_info_and_clear_on_a_damaged_cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    _damage(folder, "not-sqlite")
    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(folder))
    info = runner.invoke(app, ["cache", "info"])
    assert info.exit_code == 1 and "cache clear" in info.stderr
    cleared = runner.invoke(app, ["cache", "clear"])
    assert cleared.exit_code == 0 and not (folder / CACHE_FILE).exists()


def test_a_cache_written_under_requests_caches_own_key_is_still_read(server, tmp_path):
    # answers are stored under a key of their own (method and URL hashed, no URL
    # normalisation); a cache written before, under requests-cache's key, must not be lost:
    # offline it is all a user has
    folder = tmp_path / "cache"
    folder.mkdir()
    older = requests_cache.CachedSession(str(folder / CACHE_FILE), backend="sqlite",
                                         serializer="json", allowable_codes=(200,))
    assert older.get(f"{server.acl_url}/N19-1421.bib").status_code == 200
    older.close()
    server.reset_log()
    sources = connect(server, folder, offline=True)
    assert sources.acl.fetch_bib("N19-1421").year == 2019 and server.requests == []
    # and what is stored from now on is found under the new key, not by the fallback
    assert make_session(folder).cache.create_key(
        requests.Request("GET", f"{server.acl_url}/N19-1421.bib").prepare()) != \
        requests_cache.create_key(requests.Request("GET", f"{server.acl_url}/N19-1421.bib")
                                  .prepare(), serializer=older.cache.responses.serializer)


@pytest.fixture
def full_disk(tmp_path):
    """A 64 KB filesystem, nearly full: where a cache cannot even be started."""
    import subprocess

    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.decode().strip()[:80]})")
    try:
        (mount / "filler").write_bytes(b"\0" * 48_000)
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def test_no_room_for_a_fresh_cache_means_no_cache_not_a_traceback(server, full_disk):
    folder = full_disk / "cache"
    with pytest.warns(CacheWarning, match="no cache could be started"):
        sources = connect(server, folder)
    assert sources.acl.fetch_bib("N19-1421").year == 2019  # asked, used, not kept
    assert not (folder / (CACHE_FILE + ".damaged")).exists()  # nothing called damaged
    assert not (folder / CACHE_FILE).exists()  # the half-made file is gone


def test_the_cli_on_a_full_disk_warns_and_goes_on(server, full_disk, cli_env, monkeypatch):
    monkeypatch.setenv("LLM4ANNO_BIB_DELAY", "0")  # the local server needs no politeness
    result = runner.invoke(app, ["verify", str(ROOT / "tests" / "data" / "planted_lookup.bib"),
                                 "--lookup", "--cache-dir", str(full_disk / "cache")])
    assert result.exit_code in (0, 1), result.output
    assert "no cache could be started" in result.stderr and "Traceback" not in result.output


def test_the_cache_keeps_the_last_anthology_indexes_and_libraries_not_every_one(tmp_path):
    """The Anthology's export changes every week and a library's every edit makes a new
    digest: what keeps them prunes (``sources.acl`` and ``_libcache`` give ``keep_file`` their
    pruning), so the folder does not grow without end."""
    import os

    from llm4anno_bib import caches

    for week in range(5):
        kept = caches.acl_index_file(tmp_path, f"{week:032x}")
        assert caches.keep_file(kept, ["{}"], prune=lambda: caches.prune_acl_indexes(tmp_path))
        os.utime(kept, (1_000_000 + week, 1_000_000 + week))  # each week newer
    left = sorted(p.name for p in tmp_path.glob(caches.ACL_INDEX_GLOB))
    assert left == [caches.acl_index_file(tmp_path, f"{w:032x}").name for w in (3, 4)]
    assert caches.cache_info(tmp_path).index_files == tuple(left)
    assert caches.clear_cache(tmp_path).index_files == tuple(left)
    assert list(tmp_path.glob(caches.ACL_INDEX_GLOB)) == []


def test_answers_are_stored_as_compact_json_that_requests_caches_own_json_reads(server,
                                                                                 tmp_path):
    # written without indentation (json's C encoder: cheaper to store), in requests-cache's
    # own JSON format: its stock serializer reads every stored row back whole
    from requests_cache.serializers.preconf import json_serializer

    folder = tmp_path / "cache"
    assert connect(server, folder).acl.fetch_bib("N19-1421").year == 2019
    with sqlite3.connect(folder / CACHE_FILE) as db:
        rows = [value for (value,) in db.execute("SELECT value FROM responses")]
    assert rows
    for row in rows:
        text = row.decode() if isinstance(row, bytes) else row
        assert "\n" not in text and ", " not in text[:200]
        stored = json_serializer.loads(row)
        assert stored.status_code == 200 and stored.url.startswith(server.acl_url)
        assert b"N19-1421" in stored.content


@pytest.mark.slow
def test_a_cache_another_program_holds_locked_is_not_taken_for_damaged(tmp_path):
    """A healthy cache another program held locked past SQLite's five seconds (a database
    browser, a backup) was "damaged": moved aside, every stored answer with it, and a new
    one started under the holder. It is now used no further this run, said, and kept."""
    import subprocess
    import sys

    folder = tmp_path / "c"
    make_session(folder).close()
    path = folder / CACHE_FILE
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sqlite3, sys, time\n"
         f"db = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
         "db.execute('BEGIN EXCLUSIVE'); print('held', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        before = path.read_bytes()
        with pytest.warns(CacheWarning, match="another program holds it"):
            session = make_session(folder)
        assert not isinstance(session, requests_cache.CachedSession)
        assert sorted(p.name for p in folder.iterdir()) == [CACHE_FILE]
        assert path.read_bytes() == before
    finally:
        holder.kill()
        holder.wait()
