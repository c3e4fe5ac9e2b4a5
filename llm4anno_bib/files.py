"""Reading and writing a user's file: the one way every command does each.

Reading (``read_regular``): only a regular file, opened without blocking and checked on the
open descriptor (a FIFO would wait for a writer, ``/dev/zero`` never ends), and at most
``MAX_INPUT_BYTES``; ``-`` reads standard input, as far as the same bound. Writing:

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
from typing import BinaryIO
from pathlib import Path

from llm4anno_bib.errors import ReadError, WriteError
from llm4anno_bib.locking import DEFAULT_TIMEOUT, library_lock

__all__ = ["MAX_INPUT_BYTES", "os_reason", "read_regular", "refuse_same", "write_bytes_atomic",
           "write_file", "write_text_atomic"]

# The largest file a command reads: DBLP's largest venue export we hold is 20 MB, a paper's
# .bib or a list README well under 1 MB. Past it, memory and time would be the file's to set.
MAX_INPUT_BYTES = 100_000_000


def read_regular(path: str | os.PathLike[str], limit: int = MAX_INPUT_BYTES, *,
                 head: int | None = None) -> bytes:
    """The bytes of the regular file at ``path`` (``-``: standard input), at most
    ``limit``, or its first ``head`` bytes. Raises ``ReadError`` (exit 2) naming the file
    for a folder, a device, FIFO or socket, a larger file, or one that cannot be read.

    >>> read_regular("/dev/zero")
    Traceback (most recent call last):
    ...
    llm4anno_bib.errors.ReadError: /dev/zero: is not a regular file (a device, FIFO or socket); nothing was read. To read a stream, give '-' and pipe it in.
    """
    import sys

    try:
        if str(path) == "-":  # the user asked for a stream: read it, as far as the bound
            data = _read_upto(sys.stdin.buffer, limit + 1)
        else:
            descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            with os.fdopen(descriptor, "rb") as stream:
                mode = os.fstat(descriptor).st_mode
                if stat.S_ISDIR(mode):
                    raise ReadError("is a folder, not a file; nothing was read.", path=str(path))
                if not stat.S_ISREG(mode):
                    raise ReadError("is not a regular file (a device, FIFO or socket); nothing "
                                    "was read. To read a stream, give '-' and pipe it in.",
                                    path=str(path))
                if head is not None:
                    return stream.read(head)
                size = os.fstat(descriptor).st_size
                if size > limit:
                    raise ReadError(f"is larger than {limit // 1_000_000} MB, more than any "
                                    "file this command reads; nothing was read.",
                                    path=str(path))
                data = stream.read(size + 1)  # one buffer of the file's size
                if len(data) > size:  # it grew since, or says no size (/proc): bounded
                    data += _read_upto(stream, limit + 1 - len(data))
    except IsADirectoryError as exc:
        raise ReadError("is a folder, not a file; nothing was read.", path=str(path)) from exc
    except OSError as exc:
        raise ReadError(f"cannot read the file: {os_reason(exc)}.", path=str(path)) from exc
    if len(data) > limit:
        raise ReadError(f"is larger than {limit // 1_000_000} MB, more than any file this "
                        "command reads; nothing was read.", path=str(path))
    return data


def write_file(path: str | os.PathLike[str], content: bytes, *,
               inputs: Iterable[str | os.PathLike[str]] = (), make_folder: bool = False,
               lock_timeout: float = DEFAULT_TIMEOUT,
               on_wait: Callable[[str], None] | None = None) -> None:
    """Write ``content`` to ``path`` (see the module's rules); ``inputs`` are the files the
    command read, which ``path`` must not be; ``make_folder`` makes a missing folder.

    Raises ``WriteError`` (exit 2) when the file cannot be written, nothing written;
    ``LibraryLocked`` when another process holds it past ``lock_timeout``.
    """
    target = Path(os.path.realpath(path))
    refuse_same(path, inputs)
    try:
        mode = target.stat().st_mode if target.exists() else None
        if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
            with open(target, "wb") as stream:  # a device or pipe: no rename, no lock
                stream.write(content)
            return
        if mode is not None and not stat.S_ISREG(mode):
            raise WriteError("is not a regular file (a folder, socket or block device); "
                             "nothing was written.", path=str(path))
        if make_folder:
            target.parent.mkdir(parents=True, exist_ok=True)
        with library_lock(target, lock_timeout, on_wait):
            _remove_leftovers(target)
            write_bytes_atomic(target, content)
    except OSError as exc:
        raise WriteError(f"cannot write: {os_reason(exc)}; nothing was written.",
                         path=str(path)) from exc


def os_reason(exc: OSError) -> str:
    """What went wrong, as a user reads it (``mkdir`` says "File exists" for a path that
    runs through a file)."""
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        return "a part of its path is a file, not a folder"
    return exc.strerror or str(exc)


def _read_upto(stream: BinaryIO, most: int) -> bytes:
    """At most ``most`` bytes of ``stream``, in chunks: ``read(most)`` would reserve
    ``most`` bytes at once (100 MB for a 20 MB file)."""
    chunks, size = [], 0
    while size < most:
        chunk = stream.read(min(1 << 22, most - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def refuse_same(path: str | os.PathLike[str],
                inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Raise ``WriteError`` when ``path`` is one of the files in ``inputs`` (through links
    and other names of the same file too)."""
    for source in inputs:
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


def write_bytes_atomic(path: str | os.PathLike[str], content: bytes) -> None:
    """Write ``content`` to ``path`` so that it is always either the old or the new file:
    a temporary file in the same folder, fsynced, then renamed over the old one (whose
    permissions it keeps). A symbolic link is written through: its target is replaced, the
    link stays. (A user's file is written by ``files.write_file``, which also locks it.)"""
    target = Path(os.path.realpath(path))
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                         dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
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
