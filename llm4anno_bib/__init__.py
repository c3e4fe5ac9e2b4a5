"""llm4anno-bib: correct citations for the LLMs-for-data-annotation paper list.

>>> import llm4anno_bib
>>> library = llm4anno_bib.load()
>>> cot = library.filter(category="chain-of-thought-prompting-cot")
>>> "wei2022chain" in cot
True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from llm4anno_bib.errors import (
    BibSyntaxError, BibWarning, CacheWarning, InvalidIdentifier, LibraryFormatError,
    LibraryLocked, Llm4AnnoBibError, Llm4AnnoBibWarning, NotFound, SourceError, SourceWarning,
    UnknownCategory, UnknownKey, WriteError,
)
from llm4anno_bib.model import Category, Correction, Entry, Library

if TYPE_CHECKING:  # the maintenance modules import the source clients: loaded when used
    from llm4anno_bib.adding import AddResult
    from llm4anno_bib.auxfile import CiteResult
    from llm4anno_bib.checking import CheckReport
    from llm4anno_bib.merge import MergeResult
    from llm4anno_bib.verifying import VerifyReport
    from llm4anno_bib.sources import Sources
    from llm4anno_bib.updating import UpdateProgress, UpdateResult

__all__ = [
    "BibSyntaxError", "BibWarning", "CacheWarning", "Category", "Correction", "Entry",
    "InvalidIdentifier", "Library", "LibraryFormatError", "LibraryLocked", "Llm4AnnoBibError",
    "Llm4AnnoBibWarning", "NotFound", "SourceError", "SourceWarning", "UnknownCategory",
    "UnknownKey", "WriteError",
    "add", "check", "cite", "export_into", "load", "render_list", "shipped_library_path",
    "survey", "update", "verify", "working_library_path",
]
__version__ = "0.1.0"


def shipped_library_path() -> Path:
    """Where the library shipped with the package is (``library.bib``).

    An installed wheel carries it inside the package; a source checkout (an editable
    install) has it at the repository root.
    """
    packaged = Path(str(resources.files("llm4anno_bib") / "library.bib"))
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parent.parent / "library.bib"


def load(path: str | os.PathLike[str] | None = None) -> Library:
    """The shipped library, or the library file at ``path``.

    Raises ``BibSyntaxError`` or ``LibraryFormatError`` (with file and line) for a file that
    cannot be read without losing data. A key used twice is read as BibTeX reads it: the
    first entry, with a warning naming both lines (such a library is not saved). A file read
    before is loaded from a cache keyed by its content's hash (in the cache folder), without
    parsing it again.
    """
    from llm4anno_bib import _libcache

    target = path if path is not None else shipped_library_path()
    cached = _libcache.load_cached(target)
    if cached is not None:
        return cached
    from llm4anno_bib.bibfile import read_library

    return read_library(target)


def _load_for_writing(path: str | os.PathLike[str]) -> Library:
    """The library a command will change: a file that uses a key twice is refused here,
    before any source is asked (read-only commands use the first, with a warning)."""
    import warnings

    from llm4anno_bib.bibfile import ensure_writable

    with warnings.catch_warnings(record=True) as given:
        warnings.simplefilter("always")
        library = load(path)
    ensure_writable(library)  # its error says all; the "first is used" warning would mislead
    for warning in given:
        warnings.warn_explicit(warning.message, warning.category, warning.filename,
                               warning.lineno)
    return library


def survey(path: str | os.PathLike[str] | None = None) -> str:
    """The survey's own citation: one BibTeX entry, the version of record with its eprint."""
    return load(path).survey().bibtex


def working_library_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The library file a maintenance command changes: ``path``, or ``library.bib`` in the
    current folder (the shipped copy inside an installed package is never written).

    Raises ``Llm4AnnoBibError`` when the file does not exist.
    """
    target = Path(path) if path is not None else Path("library.bib")
    if not target.is_file():
        raise Llm4AnnoBibError(
            "no library file here; run in the folder of library.bib or pass --library FILE.",
            path=str(target))
    return target


def _sources(sources: Sources | None, offline: bool) -> Sources:
    if sources is not None:
        return sources
    from llm4anno_bib.sources import Sources

    return Sources.connect(offline=offline)


def add(identifier: str, category: str | Sequence[str] = (), *,
        path: str | os.PathLike[str] | None = None, sources: Sources | None = None,
        offline: bool = False, lock_timeout: float = 300.0,
        on_wait: Callable[[str], None] | None = None) -> AddResult:
    """Add a work (arXiv id or URL, ACL Anthology id, DOI) to the library file in
    ``category`` and write it atomically; a work already there gains the category instead.

    ``path`` defaults to ``./library.bib``; ``sources`` to the real services through the
    user cache (``Sources.connect``). Raises ``InvalidIdentifier`` (exit 2), ``NotFound``
    (exit 1), ``UnknownCategory``, ``SourceError``, ``LibraryLocked`` (another process kept
    the file locked past ``lock_timeout``; ``on_wait`` is told when it has to wait).
    """
    from llm4anno_bib.adding import add_work
    from llm4anno_bib.locking import library_lock

    target = working_library_path(path)
    categories = [category] if isinstance(category, str) else list(category)
    with library_lock(target, lock_timeout, on_wait):
        result = add_work(_load_for_writing(target), identifier, categories,
                          _sources(sources, offline))
        if result.added or result.new_categories:
            result.library.save(target)
    return result


def update(path: str | os.PathLike[str] | None = None, *, keys: Sequence[str] | None = None,
           category: str | Sequence[str] | None = None, dry_run: bool = False,
           sources: Sources | None = None, offline: bool = False,
           progress: Callable[[UpdateProgress], None] | None = None,
           lock_timeout: float = 300.0,
           on_wait: Callable[[str], None] | None = None) -> UpdateResult:
    """Re-check entries against the sources and, unless ``dry_run``, write the changes.

    Returns the ``UpdateResult`` (per-entry diffs, failures, ``exit_code``); see
    ``llm4anno_bib.updating`` for the rules. The file is written once, at the end, and
    only when something changed: an interrupted run leaves it as it was. The file is locked
    for the whole run (see ``add``).
    """
    from llm4anno_bib.locking import library_lock
    from llm4anno_bib.updating import update_library

    target = working_library_path(path)
    with library_lock(target, lock_timeout, on_wait):
        result = update_library(_load_for_writing(target), _sources(sources, offline),
                                keys=keys, category=category, progress=progress)
        if result.changed and not dry_run:
            result.library.save(target)
    return result


def check(*paths: str | os.PathLike[str]) -> CheckReport:
    """Lint .bib files (default: the shipped library): every problem at once, with file and
    line. ``report.exit_code`` is 0 clean, 1 errors; an unreadable file raises
    ``Llm4AnnoBibError``.

    >>> import llm4anno_bib
    >>> llm4anno_bib.check().exit_code
    0
    """
    from llm4anno_bib.checking import check as check_files

    return check_files(list(paths) or [shipped_library_path()])


def render_list(path: str | os.PathLike[str] | None = None) -> str:
    """The list README rendered from a library file (default: the shipped library): the
    intro with the survey's link and citation, then each section with one line per work.
    Importing the text with the build script onto the same library changes nothing.
    """
    from llm4anno_bib.listmd import render_list as render

    return render(load(path))


def cite(aux: str | os.PathLike[str], path: str | os.PathLike[str] | None = None) -> CiteResult:
    """The entries a paper cites, read from its ``.aux`` file (nested ``\\@input`` files,
    BibTeX and biblatex citations, aliases resolved to the cited key), from the library at
    ``path`` (default: the shipped one); ``result.missing`` lists the keys it does not have.
    """
    from llm4anno_bib.auxfile import cite_entries, read_aux

    return cite_entries(load(path), read_aux(aux))


def export_into(target: str | os.PathLike[str], library: Library | None = None, *,
                encoding: str | None = None, format: str = "bibtex",
                lock_timeout: float = 300.0,
                on_wait: Callable[[str], None] | None = None) -> MergeResult:
    """Append to the .bib file ``target`` the works of ``library`` (default: the shipped one)
    it does not have yet (by key, alias, DOI, arXiv id, Anthology id or normalised title),
    leaving every existing byte as it was; atomically, under the file's lock (an ``add``
    on the same file waits, and so does this), through a symbolic link to its target.
    ``result.skipped`` says which works were already there and under which key. Raises
    ``BibSyntaxError`` for a file that is not in ``encoding`` (default UTF-8) or has a block
    that cannot be parsed, ``WriteError`` for one that cannot be written: nothing is written.
    """
    from llm4anno_bib.locking import library_lock
    from llm4anno_bib.merge import merge_into, write_merge

    chosen = library if library is not None else load()
    with library_lock(target, lock_timeout, on_wait):
        result = merge_into(chosen, target, encoding=encoding, format=format)
        write_merge(result)
    return result


def verify(path: str | os.PathLike[str], library: Library | None = None, *,
           encoding: str | None = None) -> VerifyReport:
    """Check every entry of the .bib at ``path`` against ``library`` (default: the shipped
    one): disagreeing fields, preprints of published works, arXiv ids of other papers; entries
    the library does not have are "not checked". ``report.exit_code``: 0 all agree, 1 any
    disagrees. Raises ``BibSyntaxError``/``Llm4AnnoBibError`` for a file that cannot be read.
    """
    from llm4anno_bib.bibfile import read_bib_bytes
    from llm4anno_bib.verifying import verify_text

    text = read_bib_bytes(path, encoding)
    return verify_text(text, library if library is not None else load(), str(path))
