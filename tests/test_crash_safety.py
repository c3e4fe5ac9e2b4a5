"""Crash safety and concurrent use: a writer killed at many points leaves the old or the new
file, never a mix; two writers are serialised by the lock; a killed lock holder's lock is
recovered."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.cli import app
from llm4anno_bib.locking import LibraryLocked, library_lock, lock_path

from conftest import ROOT

runner = CliRunner()

# A child that saves the library over and over, alternating two versions of it.
WRITER = textwrap.dedent("""
    import sys
    from llm4anno_bib.bibfile import read_library
    from llm4anno_bib.files import write_bytes_atomic
    path, old, new = sys.argv[1], open(sys.argv[2], "rb").read(), open(sys.argv[3], "rb").read()
    print("ready", flush=True)
    while True:
        write_bytes_atomic(path, new)
        write_bytes_atomic(path, old)
""")


@pytest.mark.slow
def test_a_writer_killed_at_60_points_leaves_the_old_or_the_new_file(tmp_path):
    old = (ROOT / "library.bib").read_bytes()
    library = llm4anno_bib.load()
    new_path = tmp_path / "new.bib"
    library.with_entries(library.entries[:40]).save(new_path)  # a different, shorter file
    new = new_path.read_bytes()
    (tmp_path / "old.bib").write_bytes(old)
    target = tmp_path / "library.bib"
    target.write_bytes(old)
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    rng = random.Random(20261125)
    seen = {"old": 0, "new": 0}
    for _ in range(60):
        child = subprocess.Popen([sys.executable, str(script), str(target),
                                  str(tmp_path / "old.bib"), str(new_path)],
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.05))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        content = target.read_bytes()
        assert content in (old, new), "a killed write left a mixed or partial file"
        seen["old" if content == old else "new"] += 1
    assert seen["old"] + seen["new"] == 60 and seen["old"] and seen["new"]
    # whatever a kill leaves behind is a temporary file beside it, never the library itself
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".library.bib.")]
    assert all(name.endswith(".tmp") for name in leftovers)
    llm4anno_bib.load(target)  # and the file reads


HOLDER = textwrap.dedent("""
    import sys, time
    from llm4anno_bib.locking import library_lock
    with library_lock(sys.argv[1]):
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
""")


def _hold(tmp_path, target, seconds: float) -> subprocess.Popen:
    script = tmp_path / "holder.py"
    script.write_text(HOLDER, encoding="utf-8")
    child = subprocess.Popen([sys.executable, str(script), str(target), str(seconds)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "locked"
    return child


@pytest.fixture
def target(tmp_path, shipped_copy):
    path = shipped_copy
    return path


@pytest.mark.slow
def test_a_second_writer_waits_and_says_so(tmp_path, target):
    holder = _hold(tmp_path, target, 1.0)
    told = []
    started = time.monotonic()
    result = llm4anno_bib.add("2201.11903", "surveys", library=target, offline=True,
                              on_wait=told.append)
    assert time.monotonic() - started >= 0.5  # it waited for the holder
    assert told and "another llm4anno-bib process is changing" in told[0]
    assert "surveys" in result.library["wei2022chain"].categories
    holder.wait(timeout=10)


@pytest.mark.slow
def test_a_second_writer_refuses_after_its_timeout_and_writes_nothing(tmp_path, target):
    holder = _hold(tmp_path, target, 3.0)
    before = target.read_bytes()
    with pytest.raises(LibraryLocked, match="nothing was written"):
        llm4anno_bib.add("2201.11903", "surveys", library=target, offline=True, lock_timeout=0.3)
    result = runner.invoke(app, ["add", "2201.11903", "-c", "surveys", "--offline",
                                 "--library", str(target), "--lock-timeout", "0.3"])
    assert result.exit_code == 2
    assert "is changing" in result.stderr and "nothing was written" in result.stderr
    assert target.read_bytes() == before
    holder.kill()
    holder.wait(timeout=10)


def test_the_lock_of_a_killed_process_is_recovered(tmp_path, target):
    holder = _hold(tmp_path, target, 60.0)
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    assert lock_path(target).exists()  # the file stays; the OS lock went with the process
    started = time.monotonic()
    with library_lock(target, timeout=1.0):
        assert time.monotonic() - started < 0.5


@pytest.mark.parametrize("place", ["/proc", "/sys/kernel", "link"])
def test_a_lock_folder_where_no_lock_file_can_be_made_is_said_at_once(tmp_path, target,
                                                                      monkeypatch, place):
    """A lock folder that takes no file (/proc, a read-only one) was taken for a lock held
    by another process: the command waited out its whole timeout, then blamed that process.
    A lock file made a link to elsewhere is refused, not followed."""
    import os
    import time

    from llm4anno_bib.errors import Llm4AnnoBibError

    if place == "link":
        folder = tmp_path / "locks"
        folder.mkdir()
        monkeypatch.setenv("LLM4ANNO_BIB_LOCK_DIR", str(folder))
        os.symlink(tmp_path / "elsewhere", lock_path(target))  # (in that folder now)
    else:
        if not os.path.isdir(place):
            pytest.skip(f"no {place} here")
        monkeypatch.setenv("LLM4ANNO_BIB_LOCK_DIR", place)
    before = target.read_bytes()
    started = time.monotonic()
    with pytest.raises(Llm4AnnoBibError, match="cannot make the lock file"):
        llm4anno_bib.add("2201.11903", "surveys", library=target, offline=True,
                         lock_timeout=30)
    assert time.monotonic() - started < 10 and target.read_bytes() == before
    assert not (tmp_path / "elsewhere").exists()


@pytest.mark.parametrize("planted", ["open to all", "another user's", "a link", "a file"])
def test_a_lock_folder_planted_in_the_temporary_folder_is_not_used(tmp_path, monkeypatch,
                                                                   planted):
    """Without a runtime folder the locks go to a folder named for the user in the system's
    temporary folder, where anyone may make that name first: a lock file made in someone
    else's folder can be swapped for a link to one of our files, which opening the lock
    empties. Such a folder is passed over; one the user owns alone is used."""
    import os
    import tempfile

    import platformdirs

    from llm4anno_bib import locking

    monkeypatch.delenv("LLM4ANNO_BIB_LOCK_DIR", raising=False)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")  # the runtime folder cannot be made under a file
    monkeypatch.setattr(platformdirs, "user_runtime_dir", lambda *_a, **_k: str(blocked / "x"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    shared = tmp_path / f"llm4anno-bib-{os.getuid()}-locks"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    if planted == "open to all":
        shared.mkdir()
        shared.chmod(0o777)
    elif planted == "another user's":
        if os.getuid() != 0:
            pytest.skip("only root can give a folder to another user")
        shared.mkdir(mode=0o700)
        os.chown(shared, 65534, 65534)
    elif planted == "a link":
        shared.symlink_to(elsewhere)
    else:
        shared.write_text("")
    locking._lock_folder.cache_clear()
    try:
        assert locking.lock_folder() not in (shared, elsewhere)
        if planted == "open to all":  # made private by its owner, it is used again
            shared.chmod(0o700)
            locking._lock_folder.cache_clear()
            assert locking.lock_folder() == shared
    finally:
        locking._lock_folder.cache_clear()
