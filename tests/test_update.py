"""update: the API against the local server (diffs, protection, upgrades, faults, interrupts),
then the CLI through CliRunner and once as a subprocess."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.bibfile import read_library
from llm4anno_bib.cli import app
from llm4anno_bib.enrich import arxiv_fields
from llm4anno_bib.model import Entry
from llm4anno_bib.updating import update_library

from conftest import ROOT, connect, server_env
from source_server import Fault


def edited(library, key, **changes):
    """``library`` with one entry's fields changed (``None`` removes a field)."""
    entry = library[key]
    fields = dict(entry.fields)
    entry_type = changes.pop("entry_type", entry.entry_type)
    for name, value in changes.items():
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value
    new = Entry.from_fields(key, entry_type, fields)
    return library.with_entries([new if e.key == key else e for e in library])


@pytest.fixture
def lib_file(tmp_path, shipped_copy):
    path = shipped_copy
    return path


@pytest.mark.slow
def test_shipped_library_is_up_to_date_and_a_warm_cache_asks_no_one(server, tmp_path,
                                                                     library, needs_dblp):
    cold = update_library(library, connect(server, tmp_path / "c"))
    assert cold.nothing_to_do and cold.exit_code == 0 and not cold.failed
    assert server.count("/arxiv", id_list="") == 1  # 74 eprints, one batch
    assert {e.key for e in cold.entries if e.status == "skipped"} == \
        {"anand2023gpt4all", "taori2023stanford"}  # curated = {*}
    assert cold.library.entries == library.entries
    server.reset_log()
    warm = update_library(library, connect(server, tmp_path / "c"))
    assert warm.nothing_to_do and server.requests == []
    assert sum(warm.requests.values()) == 0


def test_stale_fields_are_restored_with_their_source_and_nothing_is_lost(server, tmp_path,
                                                                         library):
    stale = edited(library, "petroni2019language", pages="1--2", note="read in 2020",
                   title="Language models as knowledge bases")
    result = update_library(stale, connect(server, tmp_path / "c"), keys=["petroni2019language"])
    (report,) = result.entries
    changes = {c.name: c for c in report.changes}
    assert set(changes) == {"pages", "title"}
    assert changes["pages"].old == "1--2" and changes["pages"].new == "2463--2473"
    assert changes["pages"].source == "ACL Anthology D19-1250"
    fixed = result.library["petroni2019language"]
    assert fixed.fields["note"] == "read in 2020"  # a field no source gives is kept
    assert fixed.fields["pages"] == "2463--2473" and fixed.key == "petroni2019language"
    assert len(result.library) == len(library)


def test_curated_fields_are_never_overwritten(server, tmp_path, library):
    stale = edited(library, "petroni2019language", pages="1--2", curated="pages")
    result = update_library(stale, connect(server, tmp_path / "c"), keys=["petroni2019language"])
    (report,) = result.entries
    assert report.status == "unchanged" and [c.name for c in report.kept] == ["pages"]
    assert result.library["petroni2019language"].fields["pages"] == "1--2"


def test_a_preprint_is_upgraded_to_its_published_version(server, tmp_path, library):
    record = connect(server, tmp_path / "c").arxiv.fetch_ids(["2202.07922"])["2202.07922"]
    entry = library["ye2022zerogen"]
    keep = {n: entry.fields[n] for n in ("pdf", "code", "keywords")}
    preprint = Entry.from_fields("ye2022zerogen", "misc", arxiv_fields(record) | keep)
    hand_typed = Entry.from_fields("ye2022zerogen", "misc", arxiv_fields(record) | keep |
                                   {"howpublished": "arXiv, see the EMNLP version"})
    for start, howpublished_kept in ((preprint, False), (hand_typed, True)):
        stale = library.with_entries([start if e.key == start.key else e for e in library])
        result = update_library(stale, connect(server, tmp_path / "c"), keys=["ye2022zerogen"])
        upgraded = result.library["ye2022zerogen"]
        assert upgraded.entry_type == "inproceedings"
        assert upgraded.fields["anthology"] == "2022.emnlp-main.801"
        assert upgraded.fields["eprint"] == "2202.07922" and upgraded.year == 2022
        assert all(upgraded.fields[n] == v for n, v in keep.items())
        assert ("howpublished" in upgraded.fields) is howpublished_kept
        assert upgraded.fields.get("month") == "dec"  # the Anthology's month, not arXiv's (feb)
        removed = [c for c in result.entries[0].changes if c.new is None]
        assert all("replaces the preprint" in c.source for c in removed)


def test_an_eprint_of_another_paper_is_a_conflict_not_an_update(server, tmp_path, library):
    wrong = edited(library, "petroni2019language", eprint="2201.11903", primaryclass="cs.XX")
    result = update_library(wrong, connect(server, tmp_path / "c"), keys=["petroni2019language"])
    (report,) = result.entries
    assert any("arXiv 2201.11903 and ACL Anthology D19-1250 are not the same work" in c
               for c in report.conflicts)
    assert result.library["petroni2019language"].fields["primaryclass"] == "cs.XX"


def test_a_record_of_another_paper_is_reported_not_applied(server, tmp_path, library):
    # a mistyped Anthology id: the record exists but is another paper
    wrong = edited(library, "petroni2019language", anthology="N19-1421")
    result = update_library(wrong, connect(server, tmp_path / "c"), keys=["petroni2019language"])
    (report,) = result.entries
    assert report.conflicts and "CommonsenseQA" in report.conflicts[0]
    assert result.library["petroni2019language"].fields["pages"] == "2463--2473"
    assert result.library["petroni2019language"].title == "Language Models as Knowledge Bases?"


# a known arXiv API fault: a feed that announces results and holds none
EMPTY_PAGE = (b'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
              b'<opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
              b'3</opensearch:totalResults><title>ArXiv Query</title></feed>\n')

FAULTS = [
    pytest.param("/arxiv", Fault(status=429, headers={"Retry-After": "0"}), 1, True,
                 id="arxiv-429-retry-after"),
    pytest.param("/arxiv", Fault(status=503), 1, True, id="arxiv-503-once"),
    pytest.param("/arxiv", Fault(status=503), 3, False, id="arxiv-503-past-retries"),
    pytest.param("/arxiv", Fault(status=200, body=b"<feed><entry>", content_type="text/xml"), 1,
                 False, id="arxiv-malformed"),
    pytest.param("/arxiv", Fault(status=200, delay=1.5), 3, False, id="arxiv-timeout"),
    pytest.param("/arxiv", Fault(status=200, body=EMPTY_PAGE, content_type="application/atom+xml"),
                 1, True, id="arxiv-empty-page-once"),
    pytest.param("/arxiv", Fault(status=200, body=EMPTY_PAGE, content_type="application/atom+xml"),
                 3, False, id="arxiv-empty-page-every-time"),
    pytest.param("/arxiv", Fault(status=200, body=EMPTY_PAGE[:200], content_type="text/xml"), 1,
                 False, id="arxiv-truncated"),
    pytest.param("/dblp/search", Fault(status=502), 3, False, id="dblp-search-502"),
    pytest.param("/acl/N19-1421.bib", Fault(status=200, body=b"@inproceedings{x,\n title = {"),
                 1, False, id="acl-truncated-bibtex"),
    pytest.param("/acl/N19-1421.bib", Fault(status=404, body=b""), 1, False,
                 id="acl-id-gone"),
    pytest.param("/acl/N19-1421.bib", Fault(status=500), 1, True, id="acl-500-once"),
]


@pytest.mark.parametrize(("prefix", "fault", "times", "recovers"), FAULTS)
@pytest.mark.slow
def test_faults_end_in_a_per_entry_report_and_the_others_succeed(server, tmp_path, library,
                                                                 prefix, fault, times, recovers):
    keys = ["talmor2019commonsenseqa", "petroni2019language", "dong2023raft"]
    server.fail_next(prefix, fault, times=times)
    result = update_library(library, connect(server, tmp_path / "c"), keys=keys)
    hit = {"/arxiv": keys, "/acl/N19-1421.bib": ["talmor2019commonsenseqa"],
           "/dblp/search": ["dong2023raft"]}[prefix]  # the preprint's search for a publication
    failed = {r.key for r in result.failed}
    if recovers:
        assert failed == set() and result.exit_code == 0
    else:
        assert failed == set(hit) and result.exit_code == 1
        assert all(r.problem for r in result.failed)
        assert all(r.status == "unchanged" for r in result.entries if r.key not in hit)
    assert result.library.entries == library.entries


def test_an_arxiv_id_that_no_longer_exists_fails_only_its_entry(server, tmp_path, library):
    gone = edited(library, "dong2023raft", eprint="2312.99999")
    result = update_library(gone, connect(server, tmp_path / "c"),
                            keys=["dong2023raft", "ziegler2019fine"])
    assert [(r.key, r.status) for r in result.entries] == [("dong2023raft", "failed"),
                                                           ("ziegler2019fine", "unchanged")]
    assert "arXiv has no paper 2312.99999" in result.entries[0].problem


@pytest.mark.slow
def test_interrupted_update_changes_nothing_and_the_rerun_resumes(server, tmp_path, lib_file,
                                                                   needs_dblp):
    before = lib_file.read_bytes()
    mtime = lib_file.stat().st_mtime_ns

    class Stop(KeyboardInterrupt):
        pass

    def interrupt_at_30(step):
        if step.done == 30:
            raise Stop

    with pytest.raises(Stop):
        llm4anno_bib.update(lib_file, sources=connect(server, tmp_path / "c"),
                            progress=interrupt_at_30)
    assert lib_file.read_bytes() == before and lib_file.stat().st_mtime_ns == mtime
    first = {(r.path, str(sorted(r.query.items()))) for r in server.requests}
    server.reset_log()
    result = llm4anno_bib.update(lib_file, sources=connect(server, tmp_path / "c"))
    second = [(r.path, str(sorted(r.query.items()))) for r in server.requests]
    assert result.nothing_to_do and second and not first.intersection(second)
    server.reset_log()
    update_library(read_library(lib_file), connect(server, tmp_path / "cold"))
    assert len(first) + len(second) == len(server.requests)  # exactly the missing requests


def test_offline_uses_only_the_cache(server, tmp_path, library):
    keys = ["petroni2019language", "dong2023raft"]
    cold = update_library(library, connect(server, tmp_path / "c", offline=True), keys=keys)
    assert {r.status for r in cold.entries} == {"failed"} and server.requests == []
    assert "offline" in cold.entries[0].problem
    update_library(library, connect(server, tmp_path / "c"), keys=keys)
    server.reset_log()
    warm = update_library(library, connect(server, tmp_path / "c", offline=True), keys=keys)
    assert not warm.failed and server.requests == []


def test_dry_run_writes_nothing_and_a_real_run_writes_once(server, tmp_path, lib_file):
    stale = edited(read_library(lib_file), "petroni2019language", pages="1--2")
    stale.save(lib_file)
    before, mtime = lib_file.read_bytes(), lib_file.stat().st_mtime_ns
    result = llm4anno_bib.update(lib_file, keys=["petroni2019language"], dry_run=True,
                                 sources=connect(server, tmp_path / "c"))
    assert len(result.changed) == 1
    assert lib_file.read_bytes() == before and lib_file.stat().st_mtime_ns == mtime
    llm4anno_bib.update(lib_file, keys=["petroni2019language"],
                        sources=connect(server, tmp_path / "c"))
    assert lib_file.read_bytes() == (ROOT / "library.bib").read_bytes()


# -- CLI ----------------------------------------------------------------------------------
runner = CliRunner()


def test_cli_update_shows_the_diff_and_writes_only_when_told(server, tmp_path, lib_file,
                                                            cli_env):
    edited(read_library(lib_file), "petroni2019language", pages="1--2").save(lib_file)
    before = lib_file.read_bytes()
    args = ["update", "petroni2019language", "--library", str(lib_file)]
    shown = runner.invoke(app, args + ["--dry-run"])
    assert shown.exit_code == 0
    assert "~ pages: 1--2" in shown.stdout and "2463--2473   [ACL Anthology D19-1250]" in shown.stdout
    assert lib_file.read_bytes() == before
    refused = runner.invoke(app, args)  # CliRunner's stdin is not a terminal
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert lib_file.read_bytes() == before
    written = runner.invoke(app, args + ["--yes"])
    assert written.exit_code == 0 and "wrote 1 changed entry" in written.stderr
    assert lib_file.read_bytes() == (ROOT / "library.bib").read_bytes()
    again = runner.invoke(app, args + ["--yes"])
    assert again.exit_code == 0 and "nothing to do" in again.stderr


def test_cli_update_exit_1_when_an_entry_cannot_be_checked(server, tmp_path, lib_file, cli_env):
    server.fail_next("/acl/D19-1250.bib", Fault(status=404, body=b""))
    result = runner.invoke(app, ["update", "petroni2019language", "--library", str(lib_file),
                                 "--dry-run"])
    assert result.exit_code == 1
    assert "could not be checked (1): the ACL Anthology has no paper 'D19-1250'" in result.stdout


def test_cli_update_without_a_library_file_is_a_usage_error(tmp_path, cli_env, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["update", "--dry-run"])
    assert result.exit_code == 2 and "library.bib" in result.stderr


def test_cli_cache_info_and_clear(server, tmp_path, lib_file, cli_env):
    runner.invoke(app, ["update", "petroni2019language", "--library", str(lib_file), "--dry-run"])
    info = runner.invoke(app, ["cache", "info"])
    assert info.exit_code == 0 and str(cli_env) in info.stdout
    host = server.url.removeprefix("http://")
    assert f"{host}: {len(server.requests)} answers" in info.stdout  # each answer cached once
    cleared = runner.invoke(app, ["cache", "clear"])
    assert cleared.exit_code == 0 and "removed" in cleared.stdout
    assert not (cli_env / "http_cache.sqlite").exists()
    empty = runner.invoke(app, ["cache", "info"])
    assert "0 answers" in empty.stdout


@pytest.mark.slow
def test_update_as_a_real_process(server, tmp_path, lib_file):
    env = server_env(server, tmp_path / "proc-cache")
    edited(read_library(lib_file), "petroni2019language", pages="1--2").save(lib_file)
    done = subprocess.run([sys.executable, "-m", "llm4anno_bib", "update", "petroni2019language",
                           "--yes"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert lib_file.read_bytes() == (ROOT / "library.bib").read_bytes()


def test_progress_is_reported_after_every_entry(server, tmp_path, library):
    keys = ["petroni2019language", "dong2023raft", "anand2023gpt4all"]
    steps = []
    update_library(library, connect(server, tmp_path / "c"), keys=keys, progress=steps.append)
    assert [(s.done, s.total, s.key) for s in steps] == [(1, 3, "dong2023raft"),
                                                         (2, 3, "petroni2019language"),
                                                         (3, 3, "anand2023gpt4all")]


def test_cli_offline_with_a_cold_cache_reports_every_entry(server, tmp_path, lib_file, cli_env):
    result = runner.invoke(app, ["update", "petroni2019language", "dong2023raft", "--offline",
                                 "--library", str(lib_file), "--dry-run"])
    assert result.exit_code == 1 and "could not be checked (2)" in result.stdout
    assert "--offline" in result.stdout and server.requests == []


@contextmanager
def _sigint_not_ignored() -> Iterator[None]:
    """Let a child started within get Python's Ctrl-C. A suite run as a background job of a
    non-interactive shell (``pytest &``) ignores SIGINT, as POSIX asks; an ignored signal stays
    ignored through ``exec`` and Python then installs no handler, so the child would never see
    the test's Ctrl-C (it hung here for a whole minute). A caught signal is reset at ``exec``."""
    before = signal.getsignal(signal.SIGINT)
    if before == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


@pytest.mark.slow
def test_ctrl_c_leaves_the_library_as_it_was_and_the_rerun_resumes(server, tmp_path, lib_file,
                                                                    needs_dblp):
    before = lib_file.read_bytes()
    server.hold("/acl/", after=1)  # the second Anthology request waits: Ctrl-C comes then
    env = server_env(server, tmp_path / "proc-cache")
    # one category keeps the run short: the CLI waits the real politeness gaps (1 s, 3 s)
    command = [sys.executable, "-m", "llm4anno_bib", "update", "--yes", "--category",
               "Data Selection via Active Learning"]
    with _sigint_not_ignored():
        proc = subprocess.Popen(command, cwd=tmp_path, env=env | {"PYTHONFAULTHANDLER": "1"},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.wait_for_held(), "no second Anthology request within 60 s"
        proc.send_signal(signal.SIGINT)
        try:
            _out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:  # say where it hung: every thread's stack
            proc.send_signal(signal.SIGABRT)
            raise AssertionError("no exit 60 s after Ctrl-C:\n" + proc.communicate()[1]) from None
    finally:
        server.release()
    assert proc.returncode == 130 and "interrupted" in err and "was not changed" in err
    assert lib_file.read_bytes() == before
    first = {(r.path, str(sorted(r.query.items()))) for r in server.requests}
    server.reset_log()
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and "nothing to do" in done.stderr
    second = [(r.path, str(sorted(r.query.items()))) for r in server.requests]
    assert first and second and len(first.intersection(second)) <= 1  # at most one cut off


@pytest.mark.slow
def test_on_a_terminal_update_asks_before_writing(server, tmp_path, lib_file):
    edited(read_library(lib_file), "petroni2019language", pages="1--2").save(lib_file)
    env = server_env(server, tmp_path / "tty-cache")
    for answer, expected in ((b"n\n", b"pages = {1--2}"), (b"y\n", b"pages = {2463--2473}")):
        controller, terminal = pty.openpty()
        proc = subprocess.Popen([sys.executable, "-m", "llm4anno_bib", "update",
                                 "petroni2019language"], cwd=tmp_path, env=env, stdin=terminal,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        os.close(terminal)
        os.write(controller, answer)
        out, err = proc.communicate(timeout=60)
        os.close(controller)
        assert proc.returncode == 0, err
        assert b"Write 1 changed entry" in out
        assert expected in lib_file.read_bytes()


def test_a_published_entry_is_never_rewritten_from_its_preprint(server, tmp_path, library,
                                                                 needs_dblp):
    """TMLR 2022, cited as published (journal, OpenReview URL, August) with its eprint: no
    source here holds the TMLR record, but arXiv's preprint must not replace its URL, month
    or type."""
    published = edited(library, "wei2022emergent", entry_type="article",
                       journal="Transactions on Machine Learning Research", month="aug",
                       url="https://openreview.net/forum?id=yzkSU5zdwD", howpublished=None)
    before = published["wei2022emergent"]
    result = update_library(published, connect(server, tmp_path / "c"),
                            keys=["wei2022emergent"])
    after = result.library["wei2022emergent"]
    assert after.entry_type == "article" and after.fields == before.fields
    assert result.entries[0].status == "unchanged" and result.entries[0].changes == ()
