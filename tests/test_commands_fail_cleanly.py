"""Writes only where the user said, failure never success, and no traceback: ``--cache-dir``
governs every cache a command writes (parsed libraries too) and ``cache clear`` empties it;
an input is never an output; ``import-list --into`` keeps the file's comments and
``@string``s; a thousand items of one key stem, a codec of bytes, a lock timeout of nan, and
a standard output that is full or closed each end in a documented error or a clean exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.cli import app
from llm4anno_bib.errors import BibSyntaxError, Llm4AnnoBibError, WriteError
from llm4anno_bib.keys import unique_key

from conftest import ROOT

runner = CliRunner()
LIST = ("# L\n\n## Methods\n- [ACL 2023] Paper A. [[pdf]](https://arxiv.org/abs/2201.11903)\n"
        "- [ACL 2023] Paper B. [[pdf]](https://arxiv.org/abs/2203.02155)\n")


def _files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) \
        if folder.exists() else []


@pytest.mark.parametrize("args", [
    pytest.param(["verify", "refs.bib", "--offline"], id="verify"),
    pytest.param(["verify", "refs.bib", "--lookup", "--offline"], id="verify-lookup"),
    pytest.param(["import-list", "list.md", "--into", "library.bib", "--offline"],
                 id="import-list"),
    pytest.param(["upgrade", "refs.bib", "--dry-run", "--offline"], id="upgrade"),
    pytest.param(["update", "--dry-run", "--offline", "--library", "library.bib"], id="update"),
    pytest.param(["add", "2201.11903", "-c", "surveys", "--offline", "--library",
                  "library.bib"], id="add"),
])
def test_cache_dir_governs_every_cache_a_command_writes(tmp_path, monkeypatch, args,
                                                        shipped_copy):
    home = tmp_path / "home-cache"
    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(home))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "refs.bib").write_text("@misc{a,\n  title = {A Paper},\n  year = {2020},\n}\n",
                                       encoding="utf-8")
    (tmp_path / "list.md").write_text(LIST, encoding="utf-8")
    chosen = tmp_path / "chosen"
    result = runner.invoke(app, [*args, "--cache-dir", str(chosen)])
    assert result.exit_code in (0, 1, 3), result.output
    assert _files_under(home) == [], "a cache was written outside --cache-dir"
    assert any("libraries" in name or name.endswith(".json") for name in _files_under(chosen))
    cleared = runner.invoke(app, ["cache", "clear", "--cache-dir", str(chosen)])
    assert cleared.exit_code == 0
    assert [n for n in _files_under(chosen) if not n.endswith(".lock")] == []


def test_the_api_cache_dir_governs_the_parsed_library_cache_too(tmp_path, monkeypatch):
    home = tmp_path / "home-cache"
    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(home))
    refs = tmp_path / "refs.bib"
    refs.write_text("@misc{a,\n  title = {A Paper},\n  year = {2020},\n}\n", encoding="utf-8")
    llm4anno_bib.verify(refs, lookup=True, offline=True, cache_dir=tmp_path / "chosen")
    assert _files_under(home) == []
    assert _files_under(tmp_path / "chosen")


def test_cache_clear_of_a_file_is_an_error_and_removes_nothing(tmp_path):
    refs = tmp_path / "refs.bib"
    refs.write_text("@misc{a, title = {T}}\n", encoding="utf-8")
    for command in (["cache", "clear"], ["cache", "info"]):
        result = runner.invoke(app, [*command, "--cache-dir", str(refs)])
        assert result.exit_code == 2 and "is not a folder" in result.stderr, result.output
    assert refs.read_text(encoding="utf-8") == "@misc{a, title = {T}}\n"


def test_import_list_never_writes_over_the_list(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    readme = tmp_path / "list.md"
    readme.write_text(LIST, encoding="utf-8")
    with pytest.raises(WriteError, match="is the file this command reads"):
        llm4anno_bib.import_list(readme, readme, offline=True, cache_dir=tmp_path / "c")
    for flag in ("-o", "--into"):
        result = runner.invoke(app, ["import-list", "list.md", flag, "list.md", "--offline",
                                     "--cache-dir", "c"])
        assert result.exit_code == 2 and "is the file this command reads" in result.stderr
    assert readme.read_text(encoding="utf-8") == LIST


def test_import_list_into_keeps_the_files_comments_strings_and_layout(tmp_path):
    mine = tmp_path / "mine.bib"
    original = ("% my notes, kept\n@string{acl = \"Proceedings of ACL\"}\n\n"
                "@inproceedings{mine2020,\n\ttitle = {My Own Work},\n\tauthor = {Doe, Jane},\n"
                "\tbooktitle = acl,\n\tyear = 2020,\n}\n")
    mine.write_text(original, encoding="utf-8")
    readme = tmp_path / "list.md"
    readme.write_text(LIST, encoding="utf-8")
    result = llm4anno_bib.import_list(readme, into=mine, offline=True, cache_dir=tmp_path / "c")
    written = mine.read_text(encoding="utf-8")
    assert written.startswith(original)  # every byte of the file as it was, first
    assert result.no_longer_listed == ("mine2020",) and len(result.library) == 3
    assert llm4anno_bib.load(mine)["mine2020"].fields["booktitle"] == "Proceedings of ACL"


@pytest.mark.slow
def test_a_thousand_works_of_one_key_stem_each_get_a_key(tmp_path):
    taken: set[str] = set()
    for _ in range(1000):
        taken.add(unique_key("paper2023paper", taken))
    assert len(taken) == 1000 and "paper2023paperzz" in taken and "paper2023paperaaa" in taken
    readme = tmp_path / "list.md"
    readme.write_text("# L\n\n## A\n" + "".join(
        f"- [ACL 2023] Paper {n}. [[pdf]](https://example.org/p{n}.pdf)\n" for n in range(1000)),
        encoding="utf-8")
    result = llm4anno_bib.import_list(readme, tmp_path / "out.bib", offline=True,
                                      cache_dir=tmp_path / "c")
    assert len({e.key for e in result.library}) == 1000


def test_many_keys_of_one_stem_are_made_in_linear_time_and_as_one_at_a_time_would():
    """Each work of one stem looked for its suffix from "a" upward: 10,000 took 10 s,
    100,000 would take twenty minutes. The maker gives the same keys as ``unique_key``
    (whatever was taken before: an existing library's keys) and 100,000 stay quick."""
    import time

    from llm4anno_bib.keys import KeyMaker

    before = {"paper2023", "paper2023a", "paper2023c", "paper2023aa", "other2020x"}
    maker, taken = KeyMaker(before), set(before)
    for base in ["paper2023"] * 40 + ["other2020x", "new2024"] * 3:
        expected = unique_key(base, taken)
        taken.add(expected)
        assert maker.unique(base) == expected
    assert maker.taken == taken
    started = time.perf_counter()
    many = KeyMaker()
    keys = [many.unique("generated2024") for _ in range(100_000)]
    assert len(set(keys)) == 100_000 and time.perf_counter() - started < 10  # a hang guard


@pytest.mark.parametrize("codec,words", [("base64", "is no text encoding"),
                                         ("rot13", "is no text encoding"),
                                         ("zlib", "is no text encoding"),
                                         ("klingon", "unknown encoding")])
def test_an_encoding_that_is_no_text_encoding_is_refused(tmp_path, codec, words):
    refs = tmp_path / "refs.bib"
    refs.write_text("@misc{a, title = {T}, year = 2020}\n", encoding="utf-8")
    before = refs.read_bytes()
    with pytest.raises(BibSyntaxError, match=words):
        llm4anno_bib.verify(refs, encoding=codec)
    for args in (["verify", str(refs)], ["export", "--key", "wei2022chain", "--into",
                                         str(refs)]):
        result = runner.invoke(app, [*args, "--encoding", codec])
        assert result.exit_code == 2 and words in result.stderr, result.output
    assert refs.read_bytes() == before


@pytest.mark.parametrize("value", ["nan", "-1"])
def test_a_lock_timeout_that_is_no_duration_is_refused(shipped_copy, value):
    before = shipped_copy.read_bytes()
    with pytest.raises(Llm4AnnoBibError, match="lock timeout"):
        llm4anno_bib.add("2201.11903", "surveys", library=shipped_copy, offline=True,
                         lock_timeout=float(value))
    result = runner.invoke(app, ["update", "--dry-run", "--offline", "--library",
                                 str(shipped_copy), "--lock-timeout", value])
    assert result.exit_code == 2 and "lock timeout" in result.stderr
    assert shipped_copy.read_bytes() == before


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "llm4anno_bib", *args], capture_output=True,
                          timeout=120, cwd=ROOT, **kwargs)


@pytest.mark.slow
def test_standard_output_on_a_full_disk_is_one_line_and_exit_2():
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-m", "llm4anno_bib", "export", "--format",
                               "bibtex"], stdout=full, stderr=subprocess.PIPE, timeout=120,
                              cwd=ROOT)
    assert done.returncode == 2
    assert done.stderr.decode().strip().splitlines() == [
        "llm4anno-bib: cannot write to standard output: No space left on device; what was "
        "printed is incomplete."]


@pytest.mark.slow
@pytest.mark.parametrize("args", [["list"], ["export", "--format", "bibtex"]])
def test_a_reader_that_stops_early_is_no_error(args):
    """``llm4anno-bib list | head -1``: the command ends quietly with exit 0."""
    process = subprocess.Popen([sys.executable, "-m", "llm4anno_bib", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert process.stdout is not None and process.stdout.readline()
    process.stdout.close()  # the reader has what it wanted
    assert process.wait(timeout=120) == 0
    assert b"Traceback" not in process.stderr.read() if process.stderr else True


@pytest.mark.slow
@pytest.mark.parametrize(("args", "closed", "said", "code"), [
    (["export"], 1, "cannot write to standard output: it is closed", 2),
    (["list"], 1, "cannot write to standard output: it is closed", 2),
    (["check", "-"], 0, "-: standard input is closed; nothing was read.", 2),
    (["export", "-o", "{tmp}/out.bib"], 1, "wrote 76 entries", 0),
])
def test_a_standard_stream_closed_from_the_start_is_said_never_a_traceback(tmp_path, args,
                                                                           closed, said, code):
    """``llm4anno-bib export >&-`` or ``check - <&-``: Python starts with that stream as
    ``None``; a command that needs it says so (exit 2), one that does not runs as ever."""
    done = subprocess.run([sys.executable, "-m", "llm4anno_bib",
                           *(a.replace("{tmp}", str(tmp_path)) for a in args)],
                          stdin=subprocess.DEVNULL if closed else None,
                          stdout=None if closed else subprocess.DEVNULL, stderr=subprocess.PIPE,
                          timeout=120, cwd=ROOT, preexec_fn=lambda: os.close(closed))
    stderr = done.stderr.decode()
    assert done.returncode == code and said in stderr and "Traceback" not in stderr, stderr


def test_a_bug_of_ours_is_one_line_and_exit_70_and_debug_shows_the_traceback(
        tmp_path, monkeypatch, capsys):
    """Whatever the library raises that is no ``Llm4AnnoBibError`` is a bug: one line
    saying so and how to report it, exit 70 (sysexits' EX_SOFTWARE), never a traceback
    unless asked for."""
    import llm4anno_bib
    from llm4anno_bib import cli

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("a bug planted by the test")

    monkeypatch.setattr(llm4anno_bib, "check", broken)
    path = tmp_path / "refs.bib"
    path.write_text("@misc{a,\n  title = {T},\n}\n", encoding="utf-8")
    for debug in ([], ["--debug"]):
        monkeypatch.setattr(sys, "argv", ["llm4anno-bib", *debug, "check", str(path)])
        monkeypatch.setattr(cli, "_DEBUG", False)
        if debug:
            with pytest.raises(ZeroDivisionError):
                cli.main()
            continue
        with pytest.raises(SystemExit) as exited:
            cli.main()
        assert exited.value.code == cli.INTERNAL_ERROR == 70
        said = capsys.readouterr().err
        assert said.splitlines() == [
            "llm4anno-bib: internal error (ZeroDivisionError: a bug planted by the test); this "
            "is a bug. Run the command again with --debug and report what it prints."]
