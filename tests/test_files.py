"""Writing a user's files: through symbolic links, to devices and FIFOs as streams, never over
the file a command reads, under one lock for every writer, with leftovers of killed writers
cleaned, lock files kept out of the user's folder, and one line for every failure."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import threading
import time

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.cli import app
from llm4anno_bib.errors import WriteError
from llm4anno_bib.files import write_file
from llm4anno_bib.locking import LibraryLocked, library_lock, lock_path

from conftest import ROOT, server_env

runner = CliRunner()
USER_BIB = "@misc{mine,\n  title = {Mine},\n  year = {2020},\n}\n"


@pytest.fixture
def linked(tmp_path):
    """``link/library.bib`` -> ``real/library.bib`` (a synced folder's file, say)."""
    (tmp_path / "real").mkdir()
    (tmp_path / "link").mkdir()
    real = tmp_path / "real" / "library.bib"
    real.write_bytes((ROOT / "library.bib").read_bytes())
    link = tmp_path / "link" / "library.bib"
    link.symlink_to(real)
    return link, real


def test_add_writes_through_a_symbolic_link(linked):
    link, real = linked
    result = llm4anno_bib.add("2201.11903", "surveys", library=link, offline=True)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "surveys" in llm4anno_bib.load(real)["wei2022chain"].categories
    assert result.library["wei2022chain"].categories[-1] == "surveys"


@pytest.mark.parametrize("how", ["output", "into"])
def test_export_writes_through_a_symbolic_link(tmp_path, how):
    real = tmp_path / "refs-real.bib"
    real.write_text(USER_BIB, encoding="utf-8")
    link = tmp_path / "refs.bib"
    link.symlink_to(real)
    option = ["-o", str(link)] if how == "output" else ["--into", str(link)]
    result = runner.invoke(app, ["export", "--key", "wei2022chain", *option])
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and "{wei2022chain," in real.read_text(encoding="utf-8")
    assert real.read_text(encoding="utf-8").startswith(USER_BIB if how == "into" else "@")


def test_a_fifo_is_written_as_a_stream(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = runner.invoke(app, ["export", "--key", "wei2022chain", "-o", str(fifo)])
    reader.join(timeout=30)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode) and b"{wei2022chain," in received[0]


@pytest.mark.skipif(not hasattr(os, "mknod") or os.geteuid() != 0,
                    reason="making a device node needs root")
def test_a_character_device_is_written_as_a_stream_and_stays_one(tmp_path):
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is
    link = tmp_path / "null-link"
    link.symlink_to(device)
    for target in (device, link):
        result = runner.invoke(app, ["export", "-o", str(target)])
        assert result.exit_code == 0, result.stderr
        assert stat.S_ISCHR(device.stat().st_mode)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_other_special_files_are_refused(tmp_path):
    sock_path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    folder = tmp_path / "folder"
    folder.mkdir()
    try:
        for target in (sock_path, folder):
            with pytest.raises(WriteError, match="not a regular file"):
                write_file(target, b"x")
            result = runner.invoke(app, ["export", "-o", str(target)])
            assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
            assert "nothing was written" in result.stderr
        assert stat.S_ISSOCK(sock_path.stat().st_mode) and folder.is_dir()
    finally:
        server.close()


@pytest.mark.parametrize("command", [
    pytest.param(lambda lib, aux: ["export", "--library", str(lib), "-o", str(lib)],
                 id="export-onto-its-library"),
    pytest.param(lambda lib, aux: ["export", "--library", str(lib), "-o",
                                   str(lib.parent / "same.bib")], id="export-onto-a-hard-link"),
    pytest.param(lambda lib, aux: ["cite", str(aux), "-o", str(aux)], id="cite-onto-its-aux"),
    pytest.param(lambda lib, aux: ["render-list", "--library", str(lib), "-o", str(lib)],
                 id="render-list-onto-its-library"),
    pytest.param(lambda lib, aux: ["verify", str(lib), "--fix", "-o",
                                   str(lib.parent / "same.bib")], id="verify-fix-onto-a-hard-link"),
])
def test_an_output_that_is_an_input_is_refused(tmp_path, command, shipped_copy):
    lib = shipped_copy
    os.link(lib, tmp_path / "same.bib")
    aux = tmp_path / "main.aux"
    aux.write_text("\\citation{wei2022chain}\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in (lib, aux)}
    result = runner.invoke(app, command(lib, aux))
    assert result.exit_code == 2, result.stderr
    assert "is the file this command reads" in result.stderr or "another file" in result.stderr
    assert all(p.read_bytes() == content for p, content in before.items())


@pytest.mark.slow
def test_a_path_through_a_file_is_one_line_and_exit_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    for args in (["export", "-o", str(blocker / "out.bib")],
                 ["export", "--into", str(blocker / "out.bib")],
                 ["stats", "--plot", str(blocker / "plot.svg")]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.stderr)
        assert result.stderr.count("\n") == 1 and "a part of its path is a file" in result.stderr


@pytest.mark.slow
def test_a_cache_path_that_is_a_file_is_one_line_and_nothing_changes(tmp_path, shipped_copy):
    lib = shipped_copy
    cache = tmp_path / "cache"
    cache.write_text("not a folder", encoding="utf-8")
    for args in (["add", "2201.11903", "-c", "surveys", "--offline", "--library", str(lib)],
                 ["update", "--offline", "--dry-run", "--library", str(lib)]):
        done = subprocess.run([sys.executable, "-m", "llm4anno_bib", *args], capture_output=True,
                              text=True, timeout=120,
                              env=os.environ | {"LLM4ANNO_BIB_CACHE_DIR": str(cache)})
        assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
        assert "the cache folder cannot be used" in done.stderr
    assert lib.read_bytes() == (ROOT / "library.bib").read_bytes()


def test_leftovers_of_a_killed_writer_go_and_no_lock_file_lands_in_the_folder(tmp_path,
                                                                            shipped_copy):
    lib = shipped_copy
    leftover = tmp_path / ".library.bib.x8k2j9qa.tmp"
    leftover.write_bytes(lib.read_bytes())  # a full-size copy, as a SIGKILL leaves it
    other = tmp_path / ".other.bib.abcdefgh.tmp"
    other.write_text("not ours to remove", encoding="utf-8")
    llm4anno_bib.add("2201.11903", "surveys", library=lib, offline=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.bib.abcdefgh.tmp",
                                                          "library.bib"]
    assert lock_path(lib).parent != tmp_path and lock_path(lib).exists()


def test_the_lock_of_a_link_is_the_lock_of_its_target(linked):
    link, real = linked
    assert lock_path(link) == lock_path(real)


@pytest.mark.slow
def test_the_lock_is_reentrant_in_a_process_and_exclusive_between_processes(tmp_path, shipped_copy):
    lib = shipped_copy
    with library_lock(lib, timeout=1):
        with library_lock(lib, timeout=1):  # add holds it while save takes it again
            pass
        holder = subprocess.run(
            [sys.executable, "-c", "import sys; from llm4anno_bib.locking import library_lock\n"
             "try:\n    with library_lock(sys.argv[1], timeout=0.3): print('got it')\n"
             "except Exception as e: print(type(e).__name__)", str(lib)],
            capture_output=True, text=True, timeout=60)
        assert holder.stdout.strip() == LibraryLocked.__name__


@pytest.mark.slow
def test_export_into_waits_for_an_add_on_the_same_file_and_both_changes_stay(server, tmp_path,
                                                                          needs_dblp):
    """The lost update: ``add`` read the file, ``--into`` appended, ``add`` saved over it.
    With one lock for every writer, ``--into`` waits and its entries stay."""
    library = llm4anno_bib.load()
    lib = tmp_path / "library.bib"
    library.with_entries([e for e in library if e.key != "dong2023raft"],
                         [c.__class__(c.slug, c.heading, c.depth, c.parent,
                                      tuple(k for k in c.keys if k != "dong2023raft"))
                          for c in library.tree]).save(lib)
    other = tmp_path / "other.bib"
    other.write_text(USER_BIB.replace("mine", "theirs2020x").replace("Mine", "Theirs Work"),
                     encoding="utf-8")
    server.slow_down("/dblp/", 3.0)  # the add waits on DBLP while --into comes
    env = server_env(server, tmp_path / "cache")
    adding = subprocess.Popen([sys.executable, "-m", "llm4anno_bib", "add", "2304.06767",
                               "-c", "surveys", "--library", str(lib)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while server.count("/dblp/") < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    into = subprocess.run([sys.executable, "-m", "llm4anno_bib", "export", "--library",
                           str(other), "--into", str(lib)], env=env, capture_output=True,
                          text=True, timeout=120)
    _out, err = adding.communicate(timeout=120)
    assert adding.returncode == 0, err
    assert into.returncode == 0 and "waiting" in into.stderr, into.stderr
    final = llm4anno_bib.load(lib)
    assert "dong2023raft" in final and "theirs2020x" in final


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig", "utf-32"])
def test_into_a_file_with_a_byte_order_mark_adds_no_second_one(tmp_path, encoding):
    import codecs

    target = tmp_path / "refs.bib"
    target.write_bytes(USER_BIB.encode(encoding))
    result = runner.invoke(app, ["export", "--key", "wei2022chain", "--into", str(target),
                                 "--encoding", encoding])
    assert result.exit_code == 0, result.stderr
    raw = target.read_bytes()
    text = raw.decode(encoding)
    assert text.startswith(USER_BIB.removeprefix("\ufeff")) and "{wei2022chain," in text
    assert "\ufeff" not in text  # the only mark is the one the decoder took off the start
    boms = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE)
    assert sum(raw.count(b) for b in boms if len(b) == len(boms[1])) <= 1


def test_into_a_cr_only_file_appends_cr_lines(tmp_path):
    target = tmp_path / "classic-mac.bib"
    target.write_bytes(USER_BIB.replace("\n", "\r").encode())
    result = runner.invoke(app, ["export", "--key", "wei2022chain", "--into", str(target)])
    assert result.exit_code == 0, result.stderr
    assert b"\n" not in target.read_bytes() and b"{wei2022chain,\r" in target.read_bytes()
