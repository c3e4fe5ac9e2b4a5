"""Where llm4anno-bib keeps what it can rebuild: the user cache folder (``caches`` names
and keeps every file in it)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from llm4anno_bib.errors import Llm4AnnoBibError

CACHE_DIR_ENV = "LLM4ANNO_BIB_CACHE_DIR"

# The folder a command was given (--cache-dir, an API call's cache_dir): every cache it
# writes, answers and parsed libraries alike, goes there and nowhere else.
_CHOSEN: ContextVar[Path | None] = ContextVar("cache_dir", default=None)


def default_cache_dir() -> Path:
    """The cache folder: the one ``using_cache_dir`` chose, else ``$LLM4ANNO_BIB_CACHE_DIR``,
    else the platform's user cache folder (platformdirs: ``~/.cache/llm4anno-bib`` on
    Linux)."""
    chosen = _CHOSEN.get()
    if chosen is not None:
        return chosen
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("llm4anno-bib"))


@contextmanager
def using_cache_dir(folder: str | os.PathLike[str] | None) -> Iterator[None]:
    """Every cache written in the ``with`` block goes to ``folder`` (``None``: as before).

    >>> with using_cache_dir("/tmp/elsewhere"):
    ...     default_cache_dir()
    PosixPath('/tmp/elsewhere')
    """
    if folder is None:
        yield
        return
    refuse_nul(folder, Llm4AnnoBibError, "the cache folder cannot be used; nothing was changed")
    token = _CHOSEN.set(Path(folder))
    try:
        yield
    finally:
        _CHOSEN.reset(token)


def refuse_nul(path: str | os.PathLike[str], error: type[Llm4AnnoBibError], done: str) -> None:
    """Raise ``error`` naming ``path`` when it holds a NUL character, which no file name
    can (the system refuses it, and Python says so with a ``ValueError``); ``done`` says
    what came of the command ("nothing was read").

    >>> refuse_nul("refs\\x00.bib", Llm4AnnoBibError, "nothing was read")
    Traceback (most recent call last):
    ...
    llm4anno_bib.errors.Llm4AnnoBibError: refs\\0.bib: the path holds a NUL character, ...
    """
    text = os.fsdecode(path)
    if "\x00" in text:
        raise error(f"the path holds a NUL character, which no file name can; {done}.",
                    path=text.replace("\x00", "\\0"))


def own_private_folder(folder: Path) -> bool:
    """Make ``folder`` (for this user alone) unless it is there; whether it is a folder this
    user owns and nobody else may write to. In a shared temporary folder anyone may make a
    name first, and files made in another user's folder can be swapped for links to files of
    ours (which a lock file's opening would then empty).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as parent:
    ...     own_private_folder(Path(parent) / "mine")
    True
    """
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        status = os.lstat(folder)
    except OSError:
        return False
    owner_is_us = status.st_uid == os.getuid() if hasattr(os, "getuid") else True
    return stat.S_ISDIR(status.st_mode) and owner_is_us and not status.st_mode & 0o022
