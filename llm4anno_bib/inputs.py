"""Reading a user's file: the one way every command does it (writing: ``files``).

Only a regular file is read, opened without blocking and checked on the open descriptor (a
FIFO would wait for a writer, ``/dev/zero`` never ends), and at most ``MAX_INPUT_BYTES``,
reserving the file's size and no more; ``-`` reads standard input, as far as the same bound.
Light on purpose: every query reads its library through here.
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

from llm4anno_bib._paths import refuse_nul
from llm4anno_bib.errors import ReadError

__all__ = ["MAX_INPUT_BYTES", "read_regular"]

# The largest file a command reads: the whole ACL Anthology's export and the bench's 200,000
# entries are under 200 MB, a paper's .bib or a list README well under 1 MB. Past it, memory
# and time would be the file's to set.
MAX_INPUT_BYTES = 500_000_000


def read_regular(path: str | os.PathLike[str], limit: int = MAX_INPUT_BYTES, *,
                 head: int | None = None) -> bytes:
    """The bytes of the regular file at ``path`` (``-``: standard input), at most
    ``limit``, or its first ``head`` bytes. Raises ``ReadError`` (exit 2) naming the file
    for a folder, a device, FIFO or socket, a larger file, or one that cannot be read.

    >>> read_regular("/dev/zero")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    llm4anno_bib.errors.ReadError: /dev/zero: is not a regular file (a device, FIFO or socket)...
    """
    import sys

    refuse_nul(path, ReadError, "nothing was read")
    try:
        if str(path) == "-":  # the user asked for a stream: read it, as far as the bound
            if sys.stdin is None:  # started with it closed ("<&-")
                raise ReadError("standard input is closed; nothing was read.", path="-")
            data = _read_upto(sys.stdin.buffer, limit + 1)
        else:
            descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            with os.fdopen(descriptor, "rb") as stream:
                facts = os.fstat(descriptor)
                mode = facts.st_mode
                if stat.S_ISDIR(mode):
                    raise ReadError("is a folder, not a file; nothing was read.", path=str(path))
                if not stat.S_ISREG(mode):
                    raise ReadError("is not a regular file (a device, FIFO or socket); nothing "
                                    "was read. To read a stream, give '-' and pipe it in.",
                                    path=str(path))
                if head is not None:
                    return stream.read(head)
                size = facts.st_size
                if size > limit:
                    raise _too_large(path, limit)
                data = stream.read(size + 1)  # one buffer of the file's size
                if len(data) > size:  # it grew since, or says no size (/proc): bounded
                    data += _read_upto(stream, limit + 1 - len(data))
    except IsADirectoryError as exc:
        raise ReadError("is a folder, not a file; nothing was read.", path=str(path)) from exc
    except OSError as exc:
        raise ReadError(f"cannot read the file: {exc.strerror or exc}.",
                        path=str(path)) from exc
    if len(data) > limit:
        raise _too_large(path, limit)
    return data


def _too_large(path: str | os.PathLike[str], limit: int) -> ReadError:
    return ReadError(f"is larger than {limit // 1_000_000} MB, more than any file this "
                     "command reads; nothing was read.", path=str(path))


def _read_upto(stream: BinaryIO, most: int) -> bytes:
    """At most ``most`` bytes of ``stream``, in chunks: ``read(most)`` would reserve
    ``most`` bytes at once (the whole bound for a 20 MB file)."""
    chunks, size = [], 0
    while size < most:
        chunk = stream.read(min(1 << 22, most - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)
