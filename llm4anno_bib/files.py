"""Writing a user's file: the one way every command does it (reading: ``inputs``).

- Under the file's lock (``locking``), so that ``export --into`` or ``-o`` and an ``add`` on
  the same file never interleave.
- Through symbolic links: the real file is replaced atomically in its own folder (a
  Dropbox- or Overleaf-synced ``refs.bib`` that is a link stays a link, and its target
  changes).
- A character device or a FIFO (``-o /dev/stdout``, a pipe) is written as a stream; any other
  special file (a folder, a socket, a block device) is refused.
- Never over a file the command reads (``export --library x.bib -o x.bib``).
- Temporary files a killed writer left beside the file are removed (the lock says no other
  writer is at work).
- Every failure is a ``WriteError`` naming the file, with nothing written.
"""

from __future__ import annotations

import glob
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from llm4anno_bib._paths import refuse_nul
from llm4anno_bib.errors import ReadError, WriteError
from llm4anno_bib.inputs import read_regular
from llm4anno_bib.locking import DEFAULT_TIMEOUT, library_lock

__all__ = ["os_reason", "refuse_same", "write_bytes_atomic", "write_file", "write_text_atomic"]


def write_file(path: str | os.PathLike[str], content: bytes, *,
               inputs: Iterable[str | os.PathLike[str]] = (), make_folder: bool = False,
               lock_timeout: float = DEFAULT_TIMEOUT,
               on_wait: Callable[[str], None] | None = None) -> bool:
    """Write ``content`` to ``path`` (see the module's rules); ``inputs`` are the files the
    command read, which ``path`` must not be; ``make_folder`` makes a missing folder. A
    file that holds ``content`` already is left alone (``_holds``); whether it was written.

    Raises ``WriteError`` (exit 2) when the file cannot be written, nothing written;
    ``LibraryLocked`` when another process holds it past ``lock_timeout``.
    """
    refuse_same(path, inputs)
    target = Path(os.path.realpath(path))
    try:
        mode = target.stat().st_mode if target.exists() else None
        if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
            with open(target, "wb") as stream:  # a device or pipe: no rename, no lock
                stream.write(content)
            return True
        if mode is not None and not stat.S_ISREG(mode):
            raise WriteError("is not a regular file (a folder, socket or block device); "
                             "nothing was written.", path=str(path))
        if make_folder:
            target.parent.mkdir(parents=True, exist_ok=True)
        with library_lock(target, lock_timeout, on_wait):
            if mode is not None and _holds(target, content):
                return False
            _remove_leftovers(target)
            write_bytes_atomic(target, content)
            return True
    except OSError as exc:
        raise WriteError(f"cannot write: {os_reason(exc)}; nothing was written.",
                         path=str(path)) from exc


def _holds(path: str | os.PathLike[str], content: bytes) -> bool:
    """Whether the regular file at ``path`` holds exactly ``content`` already: a writer then
    leaves it alone, so its time stamp stays (an editor, a sync client or ``latexmk`` sees
    no change where there is none)."""
    try:
        facts = os.stat(path)
        if not stat.S_ISREG(facts.st_mode) or facts.st_size != len(content):
            return False
        return read_regular(path) == content
    except (OSError, ValueError, ReadError):
        return False


def os_reason(exc: OSError) -> str:
    """What went wrong, as a user reads it (``mkdir`` says "File exists" for a path that
    runs through a file)."""
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        return "a part of its path is a file, not a folder"
    return exc.strerror or str(exc)


def refuse_same(path: str | os.PathLike[str],
                inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Raise ``WriteError`` when ``path`` is one of the files in ``inputs`` (through links
    and other names of the same file too)."""
    refuse_nul(path, WriteError, "nothing was written")
    for source in inputs:
        if "\x00" in str(source):  # (read by nothing: no file is named so)
            continue
        try:
            same = os.path.samefile(path, source)
        except OSError:  # one of them does not exist: they cannot be one file
            continue
        if same:
            raise WriteError(f"is the file this command reads ({source}); writing it would "
                             "replace what was read. Give another output file.", path=str(path))


def _remove_leftovers(target: Path) -> None:
    """Temporary files of this target that a killed writer left (``.name.XXXX.tmp``)."""
    for leftover in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        try:
            leftover.unlink()
        except OSError:
            pass


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` atomically: see
    ``write_bytes_atomic``."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | os.PathLike[str], content: bytes | Iterable[bytes], *,
                       durable: bool = True) -> None:
    """Write ``content`` (bytes, or chunks of them) to ``path`` so that it is always either
    the old or the new file: a temporary file in the same folder, fsynced, then renamed over
    the old one (whose permissions it keeps). A symbolic link is written through: its target
    is replaced, the link stays. (A user's file is written by ``files.write_file``, which
    also locks it.) ``durable=False`` leaves out the fsync, for a cache: its reader checks
    what it reads, and a crash costs a parse, not a file."""
    target = Path(os.path.realpath(path))
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                         dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.writelines([content] if isinstance(content, bytes) else content)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        if target.exists():
            os.chmod(temp_name, target.stat().st_mode & 0o7777)
        else:  # a new file gets what the umask gives any new file (mkstemp's is 0600)
            os.chmod(temp_name, 0o666 & ~_umask())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it; it is put back at once
    os.umask(mask)
    return mask
