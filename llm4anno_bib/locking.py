"""One writer at a time: a lock next to the library file for every read-modify-write.

The lock is filelock's (an OS lock on ``.<name>.lock`` beside the file): the OS releases it
when its process ends, however it ends, so a lock left by a killed process is recovered at
once; the lock file itself may stay and means nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from llm4anno_bib.errors import Llm4AnnoBibError

__all__ = ["LibraryLocked", "library_lock"]

DEFAULT_TIMEOUT = 300.0


class LibraryLocked(Llm4AnnoBibError):
    """Another process kept the library locked for longer than the wait allowed."""


def lock_path(path: str | os.PathLike[str]) -> Path:
    target = Path(path)
    return target.with_name(f".{target.name}.lock")


@contextmanager
def library_lock(path: str | os.PathLike[str], timeout: float = DEFAULT_TIMEOUT,
                 on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the library's lock for the ``with`` block. When another process holds it,
    ``on_wait`` is told so, and the call waits up to ``timeout`` seconds before raising
    ``LibraryLocked``."""
    lock = FileLock(str(lock_path(path)))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait is not None:
            on_wait(f"another llm4anno-bib process is changing {path}; waiting up to "
                    f"{timeout:g} s for it to finish")
        try:
            lock.acquire(timeout=timeout)
        except Timeout as exc:
            raise LibraryLocked(
                f"another llm4anno-bib process has been changing this file for more than "
                f"{timeout:g} s; nothing was written. Try again when it has finished.",
                path=str(path)) from exc
    try:
        yield
    finally:
        lock.release()
