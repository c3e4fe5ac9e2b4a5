"""One writer at a time: a lock for every write of a user's file.

The lock is filelock's (an OS lock on a file): the OS releases it when its process ends,
however it ends, so a lock left by a killed process is recovered at once. The lock files
live in a folder of their own (``lock_folder``: ``$LLM4ANNO_BIB_LOCK_DIR``, else the user's
runtime folder), named after the real path of the file they guard, so that nothing appears
beside the user's files (no ``git status`` noise) and a file reached through a symbolic link
is guarded by the same lock as its target. A lock file is never deleted: deleting it while
another process waits on it would let two writers in.

Within one process the lock is re-entrant: ``add`` holds it while ``Library.save`` takes it
again, and threads of one process take turns.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from typing import Any, TYPE_CHECKING

from llm4anno_bib._paths import own_private_folder, refuse_nul
from llm4anno_bib.errors import LibraryLocked, Llm4AnnoBibError

if TYPE_CHECKING:  # filelock loads when a lock is taken: a query command never needs it
    from filelock import FileLock

__all__ = ["LOCK_DIR_ENV", "LibraryLocked", "library_lock", "lock_folder", "lock_path"]

DEFAULT_TIMEOUT = 300.0
LOCK_DIR_ENV = "LLM4ANNO_BIB_LOCK_DIR"


def lock_folder() -> Path:
    """Where the lock files are: ``$LLM4ANNO_BIB_LOCK_DIR``, else the user's runtime folder
    (``/run/user/<uid>/llm4anno-bib`` on Linux), else a folder of the user's in the system's
    temporary folder."""
    return _lock_folder(os.environ.get(LOCK_DIR_ENV) or None)


@functools.lru_cache(maxsize=8)
def _lock_folder(configured: str | None) -> Path:
    if configured:
        return Path(configured)
    import warnings

    import platformdirs

    with warnings.catch_warnings():  # no XDG_RUNTIME_DIR: platformdirs picks one and says so
        warnings.simplefilter("ignore")
        runtime = Path(platformdirs.user_runtime_dir("llm4anno-bib"))
    for candidate in (runtime, Path(tempfile.gettempdir()) / f"llm4anno-bib-{_user()}-locks"):
        if own_private_folder(candidate):
            return candidate
    return Path(tempfile.gettempdir())


def _user() -> str:
    return str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")


def lock_path(path: str | os.PathLike[str]) -> Path:
    """The lock file that guards ``path`` (its real path, symbolic links followed)."""
    real = os.path.realpath(path)
    return lock_folder() / f"{hashlib.sha256(real.encode('utf-8', 'surrogateescape')).hexdigest()[:32]}.lock"


_HELD: dict[str, tuple[threading.RLock, list[Any]]] = {}
_HELD_GUARD = threading.Lock()


@contextmanager
def library_lock(path: str | os.PathLike[str], timeout: float = DEFAULT_TIMEOUT,
                 on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the lock of ``path`` for the ``with`` block. When another process holds it,
    ``on_wait`` is told so, and the call waits up to ``timeout`` seconds before raising
    ``LibraryLocked``. Raises ``Llm4AnnoBibError`` when no lock file can be made."""
    if math.isnan(timeout) or timeout < 0:
        raise Llm4AnnoBibError(f"the lock timeout must be a number of seconds, 0 or more "
                               f"(inf: wait as long as it takes), not {timeout}.")
    timeout = -1 if math.isinf(timeout) else timeout  # how the locks say "no limit"
    refuse_nul(path, Llm4AnnoBibError, "nothing was changed")
    real = os.path.realpath(path)
    with _HELD_GUARD:
        thread_lock, state = _HELD.setdefault(real, (threading.RLock(), [0, None]))
    if not thread_lock.acquire(timeout=timeout):
        raise _locked(path, timeout)
    try:
        if state[0] == 0:
            state[1] = _acquire(path, timeout, on_wait)
        state[0] += 1
        try:
            yield
        finally:
            state[0] -= 1
            if state[0] == 0:
                state[1].release()
                state[1] = None
    finally:
        thread_lock.release()


def _acquire(path: str | os.PathLike[str], timeout: float,
             on_wait: Callable[[str], None] | None) -> FileLock:
    from filelock import FileLock, Timeout

    try:
        lock_file = lock_path(path)
        lock_file.parent.mkdir(parents=True, exist_ok=True)  # a runtime folder may be cleared
        # made here first: filelock takes a lock file it cannot make (a folder like /proc)
        # for one another process holds, and would wait out the whole timeout
        # (a link planted in its place is refused, not followed)
        os.close(os.open(lock_file, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0),
                         0o644))
        file_lock = FileLock(str(lock_file))
        try:
            file_lock.acquire(timeout=0)
        except Timeout:
            if on_wait is not None:
                on_wait(f"another llm4anno-bib process is changing {path}; waiting "
                        + (f"up to {timeout:g} s " if timeout >= 0 else "")
                        + "for it to finish")
            try:
                file_lock.acquire(timeout=timeout)
            except Timeout as exc:
                raise _locked(path, timeout) from exc
    except OSError as exc:
        raise Llm4AnnoBibError(f"cannot make the lock file in {lock_folder()}: "
                               f"{exc.strerror or exc}; nothing was written. Set "
                               f"{LOCK_DIR_ENV} to a writable folder.", path=str(path)) from exc
    return file_lock


def _locked(path: str | os.PathLike[str], timeout: float) -> LibraryLocked:
    return LibraryLocked(
        f"another llm4anno-bib process has been changing this file for more than "
        f"{timeout:g} s; nothing was written. Try again when it has finished.", path=str(path))
