"""llm4anno-bib: correct citations for the LLMs-for-data-annotation paper list.

>>> import llm4anno_bib
>>> library = llm4anno_bib.load()
>>> cot = library.filter(category="chain-of-thought-prompting-cot")
>>> "wei2022chain" in cot
True
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from llm4anno_bib._paths import using_cache_dir
from llm4anno_bib._version import __version__ as __version__
from llm4anno_bib.errors import (
    BibSyntaxError, BibWarning, CacheWarning, ConfigError, InvalidIdentifier, LibraryFormatError,
    LibraryLocked, Llm4AnnoBibError, Llm4AnnoBibWarning, NotFound, ReadError, SourceError,
    SourceWarning, UnknownCategory, UnknownFormat, UnknownKey, UnknownStyle, UnsafeOutput,
    WriteError,
)
from llm4anno_bib.model import Category, Correction, Entry, Library
from llm4anno_bib.names import Person
from llm4anno_bib.progress import Progress, reporter

if TYPE_CHECKING:  # the maintenance modules import the source clients: loaded when used
    from llm4anno_bib.adding import AddResult
    from llm4anno_bib.auxfile import CiteResult
    from llm4anno_bib.caches import CacheInfo, cache_info, clear_cache
    from llm4anno_bib.checking import CheckReport
    from llm4anno_bib.config import load_config
    from llm4anno_bib.importing import ImportResult
    from llm4anno_bib.merge import MergeResult
    from llm4anno_bib.plotting import plot_overview
    from llm4anno_bib.verifying import VerifyReport
    from llm4anno_bib.sources import Sources
    from llm4anno_bib.updating import UpdateResult

__all__ = [
    "BibSyntaxError", "BibWarning", "CacheWarning", "Category", "ConfigError", "Correction", "Entry",
    "InvalidIdentifier", "Library", "LibraryFormatError", "LibraryLocked", "Llm4AnnoBibError",
    "Llm4AnnoBibWarning", "NotFound", "Person", "ReadError", "SourceError", "SourceWarning",
    "UnknownCategory", "UnknownFormat", "UnknownKey", "UnknownStyle", "UnsafeOutput",
    "WriteError",
    "AddResult", "CacheInfo", "CheckReport", "CiteResult", "MergeResult", "Stats",
    "Progress", "UpdateResult", "VerifyReport",
    "add", "cache_info", "check", "cite", "clear_cache", "default_library_path", "export",
    "export_into", "is_library_file", "load_config", "plot_overview",
    "import_list", "load", "render_list", "shipped_library_path", "survey", "update",
    "upgrade", "verify",
    "working_library_path",
]

# Result types live with the code that makes them, which loads the source clients or the
# parser: they are imported when first asked for (``llm4anno_bib.VerifyReport``).
_LAZY = {"AddResult": "adding", "CheckReport": "checking", "CiteResult": "auxfile",
         "MergeResult": "merge", "Stats": "stats", "UpdateResult": "updating",
         "VerifyReport": "verifying", "CacheInfo": "caches", "cache_info": "caches",
         "clear_cache": "caches", "plot_overview": "plotting", "load_config": "config"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"llm4anno_bib.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'llm4anno_bib' has no attribute '{name}'")


def shipped_library_path() -> Path:
    """Where the library shipped with the package is (``library.bib``).

    An installed wheel carries it inside the package; a source checkout (an editable
    install) has it at the repository root.
    """
    # the package's own folder (importlib.resources would say the same, for 16 ms of imports
    # at every start)
    packaged = Path(__file__).with_name("library.bib")
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parent.parent / "library.bib"


def load(path: str | os.PathLike[str] | None = None, *, encoding: str | None = None) -> Library:
    """The shipped library, or the library file at ``path``.

    Raises ``BibSyntaxError`` or ``LibraryFormatError`` (with file and line) for a file that
    cannot be read without losing data. A key used twice is read as BibTeX reads it: the
    first entry, with a warning naming both lines (such a library is not saved). A file read
    before is loaded from a cache keyed by its content's hash (in the cache folder), without
    parsing it again. ``encoding`` reads a file that is not UTF-8 (it is saved in it too).
    """
    from llm4anno_bib import _libcache

    target = path if path is not None else shipped_library_path()
    if encoding is not None:  # another reading of the bytes than the cache's (UTF-8)
        from llm4anno_bib.bibfile import read_library

        return read_library(target, encoding=encoding)
    cached = _libcache.load_cached(target, _parse_text)
    if cached is not None:
        return cached
    from llm4anno_bib.bibfile import read_library

    return read_library(target)


def _parse_text(text: str, digest: str, path: str) -> Library:
    from llm4anno_bib.bibfile import library_of_text  # imports bibtexparser: only when needed

    return library_of_text(text, digest, path)


def _load_for_writing(path: str | os.PathLike[str], encoding: str | None = None) -> Library:
    """The library a command will change: a file that uses a key twice is refused here,
    before any source is asked (read-only commands use the first, with a warning)."""
    import warnings

    from llm4anno_bib.bibfile import ensure_writable

    with warnings.catch_warnings(record=True) as given:
        warnings.simplefilter("always")
        library = load(path, encoding=encoding)
    ensure_writable(library)  # its error says all; the "first is used" warning would mislead
    for warning in given:
        warnings.warn_explicit(warning.message, warning.category, warning.filename,
                               warning.lineno)
    return library


def survey(library: str | os.PathLike[str] | None = None, *,
           path: str | os.PathLike[str] | None = None) -> Entry:
    """The survey's own entry (as ``Library.survey()``): the version of record with its
    eprint; ``.bibtex`` gives its citation.

    >>> survey().key
    'tan2024large'
    """
    return load(_renamed("survey", path, library, "library")).survey()


def is_library_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a library file of this kind (it holds the ``llm4anno-bib`` blocks
    near its start), not any ``.bib`` that happens to be called ``library.bib``."""
    from llm4anno_bib.inputs import read_regular

    try:
        head = read_regular(path, head=1 << 17) if str(path) != "-" else b""
    except ReadError:
        return False
    return b"@comment{llm4anno-bib:" in head


def working_library_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The library file a maintenance command changes: ``path``, or ``library.bib`` in the
    current folder when it is a library of this kind (the shipped copy inside an installed
    package is never written).

    Raises ``Llm4AnnoBibError`` when the file does not exist, or when ``./library.bib`` is
    another kind of ``.bib`` (pass it as ``path`` to change it all the same).
    """
    target = Path(path) if path is not None else Path("library.bib")
    if not target.is_file():
        raise Llm4AnnoBibError(
            "no library file here; run in the folder of library.bib or pass --library FILE.",
            path=str(target))
    if path is None and not is_library_file(target):
        raise Llm4AnnoBibError(
            "is not an llm4anno-bib library (it has no llm4anno-bib blocks: a .bib of your "
            "own?); nothing was changed. Pass --library FILE to work on a library.",
            path=str(target))
    return target


def default_library_path() -> Path:
    """The library a read-only maintainer's command reads when given none:
    ``./library.bib`` when it is a library of this kind, else the shipped library."""
    local = Path("library.bib")
    return local if local.is_file() and is_library_file(local) else shipped_library_path()


def _renamed(function: str, old: str | os.PathLike[str] | None,
             new: str | os.PathLike[str] | None, name: str) -> str | os.PathLike[str] | None:
    """A parameter given under its new ``name`` or its old one, ``path`` (deprecated: it was
    the library in ``add`` and ``cite`` but the user's file in ``verify`` and ``upgrade``)."""
    if old is None:
        return new
    if new is not None:
        raise TypeError(f"{function}() takes {name} or path (its old name), not both")
    warnings.warn(f"{function}(path=...) is deprecated: call {function}({name}=...)",
                  DeprecationWarning, stacklevel=3)
    return old


def _required(function: str, old: str | os.PathLike[str] | None,
              new: str | os.PathLike[str] | None, name: str) -> str | os.PathLike[str]:
    given = _renamed(function, old, new, name)
    if given is None:
        raise TypeError(f"{function}() needs {name}")
    return given


def _sources(sources: Sources | None, offline: bool,
             cache_dir: str | os.PathLike[str] | None = None) -> Sources:
    if sources is not None:
        return sources
    from llm4anno_bib.sources import Sources

    return Sources.connect(cache_dir, offline=offline)


def add(identifier: str, category: str | Sequence[str] = (), *,
        library: str | os.PathLike[str] | None = None, sources: Sources | None = None,
        offline: bool = False, lock_timeout: float = 300.0,
        on_wait: Callable[[str], None] | None = None,
        path: str | os.PathLike[str] | None = None) -> AddResult:
    """Add a work (arXiv id or URL, ACL Anthology id, DOI, DBLP record) to the library file in
    ``category`` and write it atomically; a work already there gains the category instead.
    A .bib of no list's (no categories) takes the work with no category, appended in the
    file's own style (as ``export_into`` appends); a library of a list needs a category.

    ``library`` (the file; ``path``, its old name, is deprecated) defaults to ``./library.bib``; ``sources`` to the real services through the
    user cache (``Sources.connect``). Raises ``InvalidIdentifier`` (exit 2), ``NotFound``
    (exit 1), ``UnknownCategory``, ``SourceError``, ``LibraryLocked`` (another process kept
    the file locked past ``lock_timeout``; ``on_wait`` is told when it has to wait).
    """
    from llm4anno_bib.adding import add_work
    from llm4anno_bib.locking import library_lock

    target = working_library_path(_renamed("add", path, library, "library"))
    categories = [category] if isinstance(category, str) else list(category)
    with library_lock(target, lock_timeout, on_wait):
        loaded = _load_for_writing(target)
        result = add_work(loaded, identifier, categories, _sources(sources, offline))
        if result.added and not loaded.tree:
            # a .bib of your own (no list's categories): the work appended in the file's
            # style, as export --into appends (library.bib's own style is the library's)
            from llm4anno_bib.merge import merge_into, write_merge

            merged = merge_into(Library([result.entry]), target)
            if merged.added:
                write_merge(merged)
            else:  # (taken for one of the file's by a rule of --into's: added all the same)
                result.library.save(target)
        elif result.added or result.new_categories:
            result.library.save(target)
    return result


def update(library: str | os.PathLike[str] | None = None, *, keys: Sequence[str] | None = None,
           category: str | Sequence[str] | None = None, dry_run: bool = False,
           sources: Sources | None = None, offline: bool = False,
           progress: Callable[[Progress], None] | None = None,
           confirm: Callable[[UpdateResult], bool] | None = None,
           lock_timeout: float = 300.0,
           on_wait: Callable[[str], None] | None = None,
           path: str | os.PathLike[str] | None = None) -> UpdateResult:
    """Re-check entries against the sources and, unless ``dry_run``, write the changes.

    Returns the ``UpdateResult`` (per-entry diffs, failures, ``exit_code``, ``written``);
    see ``llm4anno_bib.updating`` for the rules. ``confirm`` is asked with the proposal
    before anything is written (the CLI shows the diff and asks there); ``False`` writes
    nothing. The file is written once, at the end, and only when something changed: an
    interrupted run leaves it as it was. The file is locked for the whole run (see ``add``).
    """
    from dataclasses import replace

    from llm4anno_bib.locking import library_lock
    from llm4anno_bib.updating import update_library

    target = working_library_path(_renamed("update", path, library, "library"))
    with library_lock(target, lock_timeout, on_wait):
        result = update_library(_load_for_writing(target), _sources(sources, offline),
                                keys=keys, category=category, progress=progress)
        if result.changed and not dry_run and (confirm is None or confirm(result)):
            result.library.save(target)
            result = replace(result, written=True)
    return result


def upgrade(file: str | os.PathLike[str] | None = None,
            to: str | os.PathLike[str] | None = None, *,
            in_place: bool = False, sources: Sources | None = None, offline: bool = False,
            cache_dir: str | os.PathLike[str] | None = None,
            progress: Callable[[Progress], None] | None = None,
            lock_timeout: float = 300.0,
            on_wait: Callable[[str], None] | None = None,
            path: str | os.PathLike[str] | None = None,
            encoding: str | None = None) -> UpdateResult:
    """Upgrade the arXiv preprints any ``.bib`` cites to their published versions (see
    ``updating.upgrade_library``): keys kept, ``curated`` fields respected, every other
    entry byte for byte (``file``, read in ``encoding``, default UTF-8, and written in it;
    ``path`` is its deprecated old name). Writes the copy ``to`` (byte for byte the file
    where nothing changed, as ``verify --fix`` writes its copy: a build reading it never
    reads a stale one), or ``file`` itself with ``in_place`` (locked for the run, as
    ``update``) only when something changed; neither: a proposal only.

    >>> import llm4anno_bib
    >>> result = llm4anno_bib.upgrade(llm4anno_bib.shipped_library_path(), offline=True)
    >>> result.changed, result.written
    ((), False)
    """
    from contextlib import nullcontext
    from dataclasses import replace

    from llm4anno_bib.files import refuse_same
    from llm4anno_bib.locking import library_lock
    from llm4anno_bib.updating import upgrade_library

    source = _required("upgrade", path, file, "file")
    if to is not None and in_place:
        raise WriteError("give either a file to write (to) or in_place, not both.")
    if to is not None:
        refuse_same(to, [source])
    lock = library_lock(source, lock_timeout, on_wait) if in_place else nullcontext()
    with lock, using_cache_dir(cache_dir):
        # a proposal writes nothing: read as BibTeX reads (a key used twice: the first, with
        # a warning); a write refuses such a file before any source is asked
        library = _load_for_writing(source, encoding) if to is not None or in_place else \
            load(source, encoding=encoding)
        result = upgrade_library(library, _sources(sources, offline, cache_dir),
                                 progress=progress)
        target = source if in_place else to
        if target is not None and (result.changed or not in_place):
            result.library.save(target)
            result = replace(result, written=True)
    return result


def import_list(file: str | os.PathLike[str] | None = None,
                to: str | os.PathLike[str] | None = None, *,
                into: str | os.PathLike[str] | None = None, survey: str | None = None,
                curated_dir: str | os.PathLike[str] | None = None,
                sources: Sources | None = None, offline: bool = False,
                cache_dir: str | os.PathLike[str] | None = None,
                progress: Callable[[Progress], None] | None = None,
                lock_timeout: float = 300.0,
                on_wait: Callable[[str], None] | None = None,
                path: str | os.PathLike[str] | None = None,
                prune: bool = False) -> ImportResult:
    """Turn the paper list README ``file`` (``path`` is its deprecated old name) into a library (``llm4anno_bib.importing``)
    and write it to ``to``, or onto the library ``into`` (its keys, curated entries and
    corrections kept; locked for the run; its works the list no longer holds kept, or with
    ``prune`` removed: the library in step with the list); neither: the result only. ``survey`` is the
    arXiv id of the list's own paper (default: from its citation block); ``curated_dir``
    holds ``.bib`` citations of works that are not papers; ``progress(Progress(done, total,
    stage))`` follows the build's stages. Every answer is cached as it comes: an import that was
    interrupted asks, run again, only what it had not yet. Raises ``NotFound`` when nothing
    reads as a list, ``Llm4AnnoBibError`` for a file that cannot be read.
    """
    from contextlib import nullcontext
    from dataclasses import replace
    from pathlib import Path

    from llm4anno_bib.bibfile import read_list_text
    from llm4anno_bib.build import load_curated
    from llm4anno_bib.files import refuse_same
    from llm4anno_bib.importing import import_list_text
    from llm4anno_bib.locking import library_lock
    from llm4anno_bib.outputs import save as save_library

    source = _required("import_list", path, file, "file")
    if to is not None and into is not None:
        raise WriteError("give either a file to write (to) or a library to import into.")
    if prune and into is None:
        raise WriteError("prune removes from a library imported into: give into.")
    target = into if into is not None else to
    if target is not None:
        refuse_same(target, [source])  # the list itself is never the library written
    text = read_list_text(source)  # UTF-8 checked, the place of a bad byte named
    curated = load_curated(Path(curated_dir)) if curated_dir is not None else []
    with library_lock(into, lock_timeout, on_wait) if into is not None else nullcontext(), \
            using_cache_dir(cache_dir):
        existing = _load_for_writing(into) if into is not None else None
        result = import_list_text(text, _sources(sources, offline, cache_dir),
                                  curated=curated, existing=existing, survey=survey,
                                  progress=reporter(progress), origin=str(source),
                                  prune=prune)
        if target is not None:  # (a file that holds the result already is left alone)
            result = replace(result, written=save_library(result.library, target))
    return result



def check(*paths: str | os.PathLike[str], fix: bool = False,
          encoding: str | None = None, keep_going: bool = False) -> CheckReport:
    """Lint .bib files (default: the shipped library): every problem at once, with file and
    line. ``report.exit_code`` is 0 clean, 1 errors; an unreadable file raises
    ``Llm4AnnoBibError``, or with ``keep_going`` is left out and listed in
    ``report.unreadable`` (exit code 2 unless there are errors) while the other files are
    checked. ``fix`` first fixes in the files what can be fixed (titles a style
    would lowercase: ``title-case``; "et al." in a name list: ``et-al-name``), each entry
    edited in place; ``report.fixed`` counts them.
    ``encoding`` is the files' (default UTF-8): what is not in it is a problem.

    >>> import llm4anno_bib
    >>> llm4anno_bib.check().exit_code
    0
    """
    from llm4anno_bib.checking import check as check_files

    return check_files(list(paths) or [shipped_library_path()], fix=fix, encoding=encoding,
                       keep_going=keep_going)


def render_list(library: str | os.PathLike[str] | None = None, *,
                check: str | os.PathLike[str] | None = None,
                path: str | os.PathLike[str] | None = None) -> str:
    """The list README rendered from a library file (default: the shipped library): the
    intro with the survey's link and citation, then each section with one line per work.
    Importing the text with the build script onto the same library changes nothing.

    With ``check`` (a README file), what it lacks of the rendering instead: a unified diff,
    empty when the file is up to date (``render-list --check``). Raises ``ReadError`` when
    it cannot be read.
    """
    from llm4anno_bib.listmd import render_list as render

    text = render(load(_renamed("render_list", path, library, "library")))
    if check is None:
        return text
    import difflib

    from llm4anno_bib.inputs import read_regular

    try:
        current = read_regular(check).decode("utf-8")
    except UnicodeDecodeError as error:
        raise ReadError(f"cannot read: it is not UTF-8 (byte {error.start}).",
                        path=str(check)) from error
    return "\n".join(difflib.unified_diff(current.splitlines(), text.splitlines(), str(check),
                                          "rendered", lineterm="", n=1))


def cite(aux: str | os.PathLike[str], library: str | os.PathLike[str] | None = None, *,
         path: str | os.PathLike[str] | None = None) -> CiteResult:
    """The entries a paper cites, read from its ``.aux`` file (nested ``\\@input`` files,
    BibTeX and biblatex citations, aliases resolved to the cited key), from the library
    file ``library`` (default: the shipped one; ``path`` is its deprecated old name);
    ``result.missing`` lists the keys it does not have.
    """
    from llm4anno_bib.auxfile import cite_entries, read_aux

    chosen = _renamed("cite", path, library, "library")
    citations = read_aux(aux)
    if not citations.keys and not citations.everything:
        hint = (" It is a LaTeX source: give the .aux file LaTeX writes beside it (run LaTeX "
                "first)." if Path(aux).suffix.lower() in (".tex", ".ltx", ".bib")
                else " Is it the .aux of a paper that cites something (after a LaTeX run)?")
        raise NotFound("holds no citation (no \\citation or \\abx@aux@cite line); "
                       "nothing was written." + hint, path=str(aux))
    if not citations.everything:  # only the cited entries are built
        from llm4anno_bib import _libcache

        target = chosen if chosen is not None else shipped_library_path()
        subset = _libcache.load_subset(target, citations.keys)  # a file read before
        if subset is None:  # read for the first time: the cited blocks alone are parsed
            from llm4anno_bib.bibfile import read_cited

            subset = read_cited(target, citations.keys)
        if subset is not None:
            return cite_entries(subset[0], citations, candidates=subset[1])
    return cite_entries(load(chosen), citations)


def export(library: Library, format: str = "bibtex", *, style: str | None = None,
           backend: str | None = None, venues: str | None = None) -> str:
    """``library.export(format, style, backend)``, as a function (the same path: the
    BibTeX of entries exactly as read from a file is kept in the cache beside the parsed
    file, so that the next export of the unchanged file needs no parser).

    >>> import llm4anno_bib
    >>> lib = llm4anno_bib.load().filter(keys=["wei2022chain"])
    >>> llm4anno_bib.export(lib) == lib.export()
    True
    """
    if not isinstance(library, Library):  # ("export('refs.bib')": a path is no library)
        raise TypeError(f"export takes a Library (llm4anno_bib.load(path) reads one), not "
                        f"{type(library).__name__}")
    return library.export(format, style, backend, venues=venues)


def export_into(target: str | os.PathLike[str], library: Library | None = None, *,
                encoding: str | None = None, format: str | None = None,
                lock_timeout: float = 300.0,
                on_wait: Callable[[str], None] | None = None,
                venues: str | None = None) -> MergeResult:
    """Append to the .bib file ``target`` the works of ``library`` (default: the shipped one)
    it does not have yet (by key, alias, DOI, arXiv id, Anthology id or normalised title),
    leaving every existing byte as it was; atomically, under the file's lock (an ``add``
    on the same file waits, and so does this), through a symbolic link to its target.
    ``result.skipped`` says which works were already there and under which key. Raises
    ``BibSyntaxError`` for a file that is not in ``encoding`` (default UTF-8) or has a block
    that cannot be parsed, ``WriteError`` for one that cannot be written: nothing is written.
    ``venues`` writes the appended works' venues one way (``Library.export``). ``format``
    (``bibtex`` or ``biblatex``) defaults to the file's own dialect (``merge.file_dialect``).
    """
    from llm4anno_bib.locking import library_lock
    from llm4anno_bib.merge import merge_into, write_merge

    chosen = library if library is not None else load()
    with library_lock(target, lock_timeout, on_wait):
        result = merge_into(chosen, target, encoding=encoding, format=format, venues=venues)
        write_merge(result)
    return result


def verify(file: str | os.PathLike[str] | None = None,
           library: Library | str | os.PathLike[str] | None = None, *,
           encoding: str | None = None, fix_to: str | os.PathLike[str] | None = None,
           on_wait: Callable[[str], None] | None = None, lookup: bool = False,
           sources: Sources | None = None, offline: bool = False,
           cache_dir: str | os.PathLike[str] | None = None,
           progress: Callable[[Progress], None] | None = None,
           path: str | os.PathLike[str] | None = None,
           strings_from: Sequence[str | os.PathLike[str]] = ()) -> VerifyReport:
    """Check every entry of the .bib ``file`` (``path`` is its deprecated old name) against
    ``library`` (a ``Library`` or its file; default: the shipped one): disagreeing fields, preprints of published works, arXiv ids of other papers.
    Entries the library does not have are "not checked", or, with ``lookup``, looked up in
    arXiv, the ACL Anthology, DBLP and Crossref (``sources``, default ``Sources.connect(
    cache_dir, offline=offline)``; ``progress(Progress(done, total, key))`` follows them):
    each then ``agrees``, ``disagrees``, is ``not-found`` or ``not-checked`` (see
    ``llm4anno_bib.lookup``). ``report.exit_code``: 0 all agree (or not checked), 1 any
    disagrees or is not found, 2 a block could not be read (``report.unreadable``: each left
    out, with its line, the other entries checked). With ``fix_to``, a corrected copy is
    written there (the disagreeing entries rewritten from the library or the source record,
    every other byte kept; ``file`` itself is never changed). Raises
    ``BibSyntaxError``/``Llm4AnnoBibError`` for a file that cannot be read (with ``fix_to``,
    for any block that cannot), ``WriteError`` when ``fix_to`` is ``file`` or cannot be
    written. ``strings_from``: .bib files read before ``file`` (as
    ``\\bibliography{IEEEabrv,refs}`` reads IEEEabrv.bib first), whose ``@string`` macros
    its entries use.
    """
    from dataclasses import replace

    from llm4anno_bib.bibfile import macros_of, read_bib_bytes
    from llm4anno_bib.verifying import fix_bibliography, verify_text

    source = _required("verify", path, file, "file")
    macros = macros_of(strings_from, encoding)
    text = read_bib_bytes(source, encoding)
    with using_cache_dir(cache_dir):
        chosen = library if isinstance(library, Library) else load(library)
        report = verify_text(text, chosen, str(source),
                             sources=_sources(sources, offline, cache_dir) if lookup else None,
                             progress=reporter(progress), keep_going=fix_to is None,
                             strings=macros.values)
    if fix_to is not None:
        from llm4anno_bib.files import refuse_same, write_file

        refuse_same(fix_to, [source, *strings_from])
        corrected: list[str] = []
        fixed = fix_bibliography(text, report, chosen, str(fix_to), macros.blocks, corrected)
        write_file(fix_to, fixed.encode(encoding or "utf-8"),
                   inputs=[p for p in (source, chosen.path) if p], on_wait=on_wait)
        report = replace(report, corrected=tuple(corrected))
    return report
