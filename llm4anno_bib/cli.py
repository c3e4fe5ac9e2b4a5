"""The ``llm4anno-bib`` command: a thin typer layer over the library API.

Each command parses its options, calls the function of the same name in ``llm4anno_bib``
(or a method of ``Library``), and renders the result. Exit codes: 0 done, 1 not found
(unknown key or category, no citation) or not every entry could be checked, 2 usage error or
unreadable input, 130 interrupted.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Optional, TextIO

import typer
import typer.core

import llm4anno_bib
from llm4anno_bib.errors import Llm4AnnoBibError
from llm4anno_bib.model import Library

if TYPE_CHECKING:
    from llm4anno_bib.sources import Sources
    from llm4anno_bib.updating import FieldChange, UpdateProgress, UpdateResult
    from llm4anno_bib.verifying import VerifyReport


class _Command(typer.core.TyperCommand):
    """typer's command, with arguments shown as ``AUX``: not ``{AUX}`` in the usage line,
    nor ``AUX <path>`` in the help (a type reads like a value to type)."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, typer.core.TyperArgument):
                # typer 0.29 shows a type after the argument's name; before, nothing to undo
                setattr(param, "display_type_rich", lambda ctx: None)

    def invoke(self, ctx: Any) -> Any:  # click.Context: typer vendors click, unnamed here
        """Run the command; with ``--cache-dir``, every cache it writes goes there (the
        parsed libraries as well as the answers), and nowhere else."""
        from llm4anno_bib._paths import using_cache_dir

        with using_cache_dir(ctx.params.get("cache_dir")):
            return super().invoke(ctx)

    def collect_usage_pieces(self, ctx):  # type: ignore[no-untyped-def]
        return [piece[1:-1] if piece.startswith("{") and piece.endswith("}") else piece
                for piece in super().collect_usage_pieces(ctx)]


ENVIRONMENT = (  # what --help says of the environment (every variable the package reads)
    ("LLM4ANNO_BIB_CACHE_DIR", "the cache folder (default: the platform's user cache)"),
    ("LLM4ANNO_BIB_MAILTO", "the contact Crossref is given (its polite pool)"),
    ("LLM4ANNO_BIB_DELAY", "seconds between requests to one source (default 1; arXiv 3)"),
    ("LLM4ANNO_BIB_SOURCE_WAIT", "seconds a run may wait on one source in all (180)"),
    ("LLM4ANNO_BIB_ARXIV_URL", "arXiv's API base URL (a mirror, a local stand-in)"),
    ("LLM4ANNO_BIB_ACL_URL", "the ACL Anthology's base URL"),
    ("LLM4ANNO_BIB_DBLP_URL", "DBLP's base URL"),
    ("LLM4ANNO_BIB_CROSSREF_URL", "Crossref's API base URL"),
    ("LLM4ANNO_BIB_LOCK_DIR", "where library locks live (default: the user's runtime folder)"),
)

app = typer.Typer(
    name="llm4anno-bib",
    help="Correct citations for the LLMs-for-data-annotation paper list.",
    epilog="Environment: " + "; ".join(f"{name}: {said}" for name, said in ENVIRONMENT) + ".",
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help: a flag shows no value, an option its placeholder
)
command = app.command  # every command below passes cls=_Command

def _completion_library(ctx: typer.Context) -> Library | None:
    """The library a command being completed reads (its --library, else the default), or
    ``None`` when it cannot be read: completion never fails aloud."""
    chosen = ctx.params.get("library")
    try:
        return llm4anno_bib.load(chosen if chosen else llm4anno_bib.default_library_path())
    except (Llm4AnnoBibError, OSError):
        return None


def _complete_keys(ctx: typer.Context, incomplete: str) -> list[str]:
    """Keys of the library that start with what was typed (any case)."""
    library = _completion_library(ctx)
    typed = incomplete.lower()
    return [e.key for e in library if e.key.lower().startswith(typed)][:200] if library else []


def _complete_categories(ctx: typer.Context, incomplete: str) -> list[str]:
    """Category slugs of the library that start with what was typed."""
    library = _completion_library(ctx)
    typed = incomplete.lower()
    return [c.slug for c in library.categories() if c.slug.startswith(typed)] if library else []


LibraryOption = Annotated[
    Optional[Path],
    typer.Option("--library", metavar="FILE",
                 help="A library file instead of the shipped library.bib."),
]
CategoryOption = Annotated[
    Optional[list[str]],
    typer.Option("--category", "-c", metavar="NAME", autocompletion=_complete_categories,
                 help="Heading, slug, acronym (CoT) or words of a category; repeatable."),
]
YearOption = Annotated[Optional[int], typer.Option("--year", metavar="YEAR",
                                                   help="Publication year.")]
VenueOption = Annotated[Optional[str], typer.Option("--venue", metavar="VENUE",
                                                    help="Venue acronym (ACL) or words.")]
AuthorOption = Annotated[Optional[str], typer.Option(
    "--author", metavar="NAME", help="An author's name or family name (Tan, Zhen Tan).")]
SearchOption = Annotated[Optional[str], typer.Option(
    "--search", metavar="WORDS", help="Words in title, authors, venue or key.")]
OutputOption = Annotated[Optional[Path], typer.Option(
    "--output", "-o", metavar="FILE", help="Write here (atomically) instead of stdout.")]
TextOrJson = Annotated[str, typer.Option("--format", "-f", metavar="FORMAT",
                                         help="text or json.")]
ReportFormat = Annotated[str, typer.Option(
    "--format", "-f", metavar="FORMAT",
    help="text, json, or github (GitHub Actions annotations on the offending lines).")]


def _echo(text: str = "", err: bool = False, nl: bool = True) -> None:
    """Print to the terminal without its control characters: a title or URL from a file or
    a source must not move the cursor, retitle the window or reverse the text."""
    from llm4anno_bib._text import strip_controls

    if sys.stdout is None and not err:  # started with standard output closed (">&-")
        import errno

        raise _StdoutFailed(OSError(errno.EBADF, "it is closed"))
    try:
        typer.echo(strip_controls(text, keep_returns=True), err=err, nl=nl)
    except OSError as error:
        if err:
            raise
        raise _StdoutFailed(error) from error


def _count(number: int, noun: str, plural: str | None = None) -> str:
    """``1 work``, ``2 works``."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


_DEBUG = False


def _version(shown: bool) -> None:
    if shown:
        _echo(f"llm4anno-bib {llm4anno_bib.__version__}")
        raise typer.Exit(0)


@app.callback()
def _options(
        ctx: typer.Context,
        debug: Annotated[bool, typer.Option(
            "--debug", help="Show the traceback of an error, not just its message.")] = False,
        version: Annotated[bool, typer.Option(
            "--version", callback=_version, is_eager=True,
            help="Show the version and exit.")] = False) -> None:
    """Correct citations for the LLMs-for-data-annotation paper list."""
    global _DEBUG
    _DEBUG = debug
    import warnings

    from llm4anno_bib.errors import Llm4AnnoBibWarning

    warnings.simplefilter("always", Llm4AnnoBibWarning)
    default = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], filename: str, lineno: int,
             file: TextIO | None = None, line: str | None = None) -> None:
        if issubclass(category, Llm4AnnoBibWarning):
            _echo(f"llm4anno-bib: warning: {message}", err=True)
        else:
            default(message, category, filename, lineno, file, line)

    warnings.showwarning = show
    _configured(ctx)


def _configured(ctx: Any) -> None:
    """The configuration file's settings in force for the command about to run: its
    options' defaults (an option given wins), and its environment (see ``config``)."""
    from llm4anno_bib.config import load_config

    with _reported():
        config = load_config()
    ctx.meta["llm4anno-bib config"] = config
    # the file's values in the environment until the command ends: before the command's
    # options are read, so that the file wins over the variables they fall back on
    ctx.with_resource(config.environment())
    defaults = config.option_defaults()
    if defaults:
        names = [_command_name(info) for info in app.registered_commands]
        ctx.default_map = {name: dict(defaults) for name in names} | {
            "cache": {"info": dict(defaults), "clear": dict(defaults)}}


@contextmanager
def _reported() -> Iterator[None]:
    """Turn a library error into one line on stderr and its exit code (with ``--debug``,
    the traceback too)."""
    try:
        yield
    except Llm4AnnoBibError as error:
        if _DEBUG:
            import traceback

            traceback.print_exc(file=sys.stderr)
        _echo(f"llm4anno-bib: {error}", err=True)
        raise typer.Exit(error.exit_code) from error


def _usage(message: str) -> typer.Exit:
    _echo(f"llm4anno-bib: {message}", err=True)
    return typer.Exit(2)


def _emit(text: str, output: Optional[Path], what: str,
          inputs: tuple[Optional[str | Path], ...] = ()) -> None:
    """Print ``text``, or write it to ``output`` as every file is written (``files``:
    locked, atomic, through links, never over one of ``inputs``), making its folder if
    needed (``-o site/index.html`` in a fresh clone); exit 2 when that fails."""
    if output is None:
        _echo(text, nl=False)
        return
    from llm4anno_bib.files import write_file

    with _reported():
        written = write_file(output, text.encode("utf-8"), inputs=[i for i in inputs if i],
                             make_folder=True, on_wait=_say_waiting)
    _echo(f"wrote {what} to {output}" if written else
          f"{output} left unchanged: it holds {what} already", err=True)


def _load(path: Optional[Path]) -> Library:
    with _reported():
        return llm4anno_bib.load(path)


def _filtered(library: Library, category: Optional[list[str]], year: Optional[int],
              venue: Optional[str], author: Optional[str], search: Optional[str],
              keys: Optional[list[str]] = None) -> Library:
    with _reported():
        return library.filter(category=category or None, year=year, venue=venue, author=author,
                              search=search, keys=keys or None)


def _say_waiting(message: str) -> None:
    _echo(f"llm4anno-bib: {message}", err=True)


def _case_only(library: Library, keys: list[str]) -> None:
    for key in keys:
        actual = library.key_case(key)
        if actual is not None:
            _echo(f"llm4anno-bib: warning: '{key}' is the key '{actual}' in another case "
                  "(BibTeX matches keys without case)", err=True)


# -- reading the library -----------------------------------------------------------------
@command(cls=_Command)
def categories(library: LibraryOption = None) -> None:
    """Show the category tree with the number of works in each."""
    for category in _load(library).categories():
        _echo(f"{'  ' * category.depth}{category.heading} ({category.count})  "
              f"[{category.slug}]")


@command("list", cls=_Command)
def list_entries(category: CategoryOption = None, year: YearOption = None,
                 venue: VenueOption = None, author: AuthorOption = None,
                 search: SearchOption = None, library: LibraryOption = None) -> None:
    """List works as a table: key, year, venue, title."""
    chosen = _filtered(_load(library), category, year, venue, author, search)
    from llm4anno_bib._text import readable_math
    from llm4anno_bib.model import venue_label

    rows = [(e.key, str(e.year or ""), venue_label(e)[:20], readable_math(e.title))
            for e in chosen.as_read()]  # a paper's year and venue: its proceedings' too
    widths = [max((len(r[i]) for r in rows), default=0) for i in range(3)]
    for row in rows:
        _echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[3])
    _echo(_count(len(rows), "work"), err=True)


@command(cls=_Command)
def show(key: Annotated[str, typer.Argument(
             metavar="KEY", autocompletion=_complete_keys,
             help="A citation key or alias (any case, as BibTeX matches).")],
         library: LibraryOption = None) -> None:
    """Print one entry's BibTeX."""
    current = _load(library)
    with _reported():
        entry = current[key]
    _case_only(current, [key])
    _echo(entry.bibtex, nl=False)


@command(cls=_Command)
def export(category: CategoryOption = None, year: YearOption = None,
           venue: VenueOption = None, author: AuthorOption = None, search: SearchOption = None,
           key: Annotated[Optional[list[str]], typer.Option(
               "--key", metavar="KEY", autocompletion=_complete_keys,
               help="A key to export (repeatable).")] = None,
           format: Annotated[Optional[str], typer.Option(
               "--format", "-f", metavar="FORMAT",
               help="bibtex (default), biblatex, csl-json, markdown, refs or html (one page); "
                    "--into: the file's own, bibtex or biblatex.")] = None,
           style: Annotated[Optional[str], typer.Option(
               "--style", metavar="STYLE",
               help="refs only: plain (default), unsrt, alpha or unsrtalpha.")] = None,
           backend: Annotated[Optional[str], typer.Option(
               "--backend", metavar="BACKEND",
               help="refs only: text (default), markdown, html or latex.")] = None,
           output: OutputOption = None,
           into: Annotated[Optional[Path], typer.Option(
               "--into", metavar="FILE",
               help="Append only the works this .bib lacks; its bytes stay.")] = None,
           encoding: Annotated[Optional[str], typer.Option(
               "--encoding", metavar="CODEC",
               help="--into: the file's encoding (default UTF-8).")] = None,
           venues: Annotated[Optional[str], typer.Option(
               "--venues", metavar="STYLE",
               help="Write every known venue one way: short (ICML), full or iso4.")] = None,
           library: LibraryOption = None) -> None:
    """Export works as BibTeX, CSL-JSON, HTML and more.

    Formats: bibtex, biblatex, csl-json, markdown (the list's line a work), refs (formatted
    references in a pybtex style) or html (one page); --into appends to your own .bib.
    """
    whole = _load(library)
    chosen = whole.with_parents(_filtered(whole, category, year, venue, author, search, key))
    _case_only(chosen, key or [])
    if into is not None:
        if output is not None or (format or "bibtex").strip().lower() not in ("bibtex",
                                                                              "biblatex"):
            raise _usage("--into appends BibTeX or BibLaTeX to a .bib file; it takes neither "
                         "--output nor another format.")
        with _reported():
            result = llm4anno_bib.export_into(into, chosen, encoding=encoding, format=format,
                                              on_wait=_say_waiting, venues=venues)
        for skipped in result.skipped:
            _echo(f"skipped {skipped.key}: {skipped.reason}", err=True)
        _echo(f"added {_count(len(result.added), 'entry', 'entries')} to {into}"
              + (f": {' '.join(result.added)}" if result.added else ""), err=True)
        return
    with _reported():
        text = llm4anno_bib.export(chosen, format or "bibtex", style=style, backend=backend,
                                   venues=venues)
    if not len(chosen):  # (an empty export is valid output, but said: a typo is likelier)
        _echo("llm4anno-bib: no work matches the filters; the export is empty", err=True)
    _emit(text, output, _count(len(chosen), "entry", "entries"), (chosen.path,))


@command(cls=_Command)
def cite(aux: Annotated[Path, typer.Argument(
             metavar="AUX", help="The paper's .aux file (LaTeX writes it beside the .tex).")],
         output: OutputOption = None,
         format: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT",
                                             help="bibtex or biblatex.")] = "bibtex",
         library: LibraryOption = None) -> None:
    """Export exactly the entries a paper cites.

    Reads the .aux LaTeX writes (and the .aux files it inputs); exits 1 when a cited key is
    not in the library, after writing what was found.
    """
    from llm4anno_bib.errors import choose

    with _reported():
        format = choose(format, ("bibtex", "biblatex"), "format for cite")
        result = llm4anno_bib.cite(aux, library=library)
        text = llm4anno_bib.export(result.library, format)
    for name, reason in result.skipped_inputs:
        _echo(f"llm4anno-bib: warning: {name}: not read ({reason})", err=True)
    for cited, actual in result.case_only.items():
        _echo(f"llm4anno-bib: warning: '{cited}' is the key '{actual}' in another case "
              "(BibTeX matches keys without case); written as cited", err=True)
    _emit(text, output, _count(len(result.library), "cited entry", "cited entries"),
          (aux, result.library.path))
    for key, suggestions in result.missing.items():
        hint = f"; closest: {', '.join(suggestions)}" if suggestions else ""
        _echo(f"llm4anno-bib: '{key}' is cited but not in the library{hint}", err=True)
    if result.missing:
        raise typer.Exit(1)


@command(cls=_Command)
def stats(category: CategoryOption = None, year: YearOption = None, venue: VenueOption = None,
          author: AuthorOption = None, search: SearchOption = None,
          plot: Annotated[Optional[Path], typer.Option(
              "--plot", metavar="FILE",
              help="Also draw works per year by top-level category: a .png or .svg file "
                   "(needs matplotlib: the 'plot' extra).")] = None,
          library: LibraryOption = None) -> None:
    """Count works by category, year and venue.

    --plot also draws works per year by top-level category.
    """
    chosen = _filtered(_load(library), category, year, venue, author, search)
    counts = chosen.stats()
    _echo(counts.table(), nl=False)
    if plot is not None:
        from llm4anno_bib.plotting import plot_overview

        with _reported():
            plot_overview(counts, plot, inputs=[p for p in (chosen.path,) if p])
        _echo(f"wrote the chart to {plot}", err=True)


@command(cls=_Command)
def survey(library: LibraryOption = None) -> None:
    """Print the survey's own citation.

    The version of record, with its arXiv id.
    """
    with _reported():
        _echo(llm4anno_bib.survey(library).bibtex, nl=False)


@command(cls=_Command)
def corrections(key: Annotated[Optional[str], typer.Argument(
                    metavar="KEY", help="Only this entry's corrections.")] = None,
                library: LibraryOption = None) -> None:
    """List the list's mistakes and how the library corrects them."""
    with _reported():
        found = _load(library).corrections(key)
    for c in found:
        _echo(f"{c.key} [{c.kind}]\n  list:   {c.said}\n  cited:  {c.truth}\n"
              f"  source: {c.source}")
    _echo(_count(len(found), "correction"), err=True)


# -- maintenance: add, update, cache ----------------------------------------------------
WorkingLibraryOption = Annotated[
    Optional[Path],
    typer.Option("--library", metavar="FILE",
                 help="The library file to change (default: ./library.bib, when it is one)."),
]
OfflineOption = Annotated[bool, typer.Option("--offline", help="Use only cached answers.")]
LockTimeoutOption = Annotated[float, typer.Option(
    "--lock-timeout", metavar="SECONDS",
    help="How long to wait for another process changing the file.")]
CacheDirOption = Annotated[
    Optional[Path],
    typer.Option("--cache-dir", envvar="LLM4ANNO_BIB_CACHE_DIR", metavar="FOLDER",
                 help="Cache folder (default: the user cache folder)."),
]


def _connect(cache_dir: Optional[Path], offline: bool) -> Sources:
    from llm4anno_bib.sources import Sources

    return Sources.connect(cache_dir, offline=offline)


@command(cls=_Command)
def add(identifier: Annotated[str, typer.Argument(
            metavar="ID", help="arXiv id or URL, ACL Anthology id, DOI, or DBLP record.")],
        category: Annotated[Optional[list[str]], typer.Option(
            "--category", "-c", metavar="NAME",
            help="Category of the work (repeatable); needed in a library of a list.")] = None,
        library: WorkingLibraryOption = None, offline: OfflineOption = False,
        cache_dir: CacheDirOption = None, lock_timeout: LockTimeoutOption = 300.0) -> None:
    """Add a paper to the library, in categories.

    A paper already in the library gains the categories instead. A .bib of your own (no
    categories) takes it appended in the file's own style, as export --into appends.
    """
    with _reported():
        result = llm4anno_bib.add(identifier, category or [], library=library,
                                  sources=_connect(cache_dir, offline),
                                  lock_timeout=lock_timeout, on_wait=_say_waiting)
    for line in result.near_misses:
        _echo(f"near miss (not applied): {line}", err=True)
    entry = result.entry
    if result.added:
        from llm4anno_bib._text import readable_math
        from llm4anno_bib.model import venue_label

        where = " ".join(str(part) for part in (venue_label(entry) or entry.entry_type,
                                                entry.year) if part)
        _echo(f"added {entry.key}: {readable_math(entry.title)} ({where})", err=True)
    elif result.new_categories:
        _echo(f"already there as {entry.key} (same {result.matched_by}); added to "
              f"{', '.join(result.new_categories)}", err=True)
    else:
        _echo(f"already there as {entry.key} (same {result.matched_by})"
              + (", in every category asked" if category else "") + "; nothing changed",
              err=True)
    _echo(entry.key)


def _show_change(change: FieldChange) -> str:
    if change.old is None:
        return f"  + {change.name}: {change.new}   [{change.source}]"
    if change.new is None:
        return f"  - {change.name}: {change.old}   [{change.source}]"
    return f"  ~ {change.name}: {change.old}\n      -> {change.new}   [{change.source}]"


def _render_update(result: UpdateResult, noun: tuple[str, str] = ("entry", "entries")) -> None:
    for report in result.entries:
        lines = [_show_change(c) for c in report.changes]
        lines += [f"  kept (curated) {c.name}: {c.old!r}; {c.source} says {c.new!r}"
                  for c in report.kept]
        lines += [f"  conflict (not applied): {c}" for c in report.conflicts]
        lines += [f"  near miss (not applied): {n}" for n in report.near_misses]
        if lines:
            _echo(f"{report.key}:\n" + "\n".join(lines))
    failures: dict[str, list[str]] = {}
    for report in result.failed:  # one line per cause: a network outage is one problem
        failures.setdefault(report.problem or "", []).append(report.key)
    for problem, keys in failures.items():
        _echo(f"could not be checked ({len(keys)}): {problem}\n  {' '.join(keys)}")
    counts = {s: sum(1 for e in result.entries if e.status == s)
              for s in ("changed", "unchanged", "failed", "skipped")}
    summary = (f"{_count(len(result.entries), *noun)}: {counts['changed']} to "
               f"change, {counts['unchanged']} up to date, {counts['failed']} not checked, "
               f"{counts['skipped']} curated")
    _echo(summary if result.changed else summary + "; nothing to do", err=True)


@command(cls=_Command)
def update(keys: Annotated[Optional[list[str]], typer.Argument(
               metavar="KEY...", help="Only these keys.")] = None,
           category: CategoryOption = None,
           dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the diff, write "
                                                 "nothing.")] = False,
           yes: Annotated[bool, typer.Option("--yes", "-y", help="Write without asking.")] = False,
           library: WorkingLibraryOption = None, offline: OfflineOption = False,
           cache_dir: CacheDirOption = None, lock_timeout: LockTimeoutOption = 300.0) -> None:
    """Re-check entries against the sources.

    Shows the diff and writes after you agree (--yes: without asking, --dry-run: never).
    """
    state = _Screen()

    def progress(step: UpdateProgress) -> None:
        state.advance(step.total, "checking")

    def confirm(result: UpdateResult) -> bool:
        state.finish()
        _render_update(result)
        state.shown = True
        if yes:
            return True
        if sys.stdin is None or not sys.stdin.isatty():  # (closed: "<&-")
            _echo(f"llm4anno-bib: not written: no terminal to ask; pass --yes to write "
                  f"{path}, or --dry-run to only show the diff.", err=True)
            state.refused = True
            return False
        if not typer.confirm(f"Write {_count(len(result.changed), 'changed entry', 'changed entries')} "
                             f"to {path}?"):
            _echo("nothing was written.", err=True)
            return False
        return True

    with _reported():
        path = llm4anno_bib.working_library_path(library)
        sources = _connect(cache_dir, offline)
    try:
        with _reported():
            result = llm4anno_bib.update(path, keys=keys or None, category=category or None,
                                         dry_run=dry_run, sources=sources, progress=progress,
                                         confirm=confirm, lock_timeout=lock_timeout,
                                         on_wait=_say_waiting)
    except KeyboardInterrupt:
        state.finish()
        _echo(f"\nllm4anno-bib: interrupted; {path} was not changed. What was fetched "
              "is cached: a re-run resumes from there.", err=True)
        raise typer.Exit(130) from None
    state.finish()
    if not state.shown:
        _render_update(result)
    if result.written:
        _echo(f"wrote {_count(len(result.changed), 'changed entry', 'changed entries')} "
              f"to {path}", err=True)
    raise typer.Exit(2 if state.refused else result.exit_code)


@dataclass
class _Screen:
    """What a long command (update, upgrade, verify --lookup) showed so far: its progress
    bar, the diff, a refusal to write."""

    bar: Any = None  # click's ProgressBar, open while entries are checked
    stage: str | None = None  # what the bar counts, where a command has several stages
    shown: bool = False
    refused: bool = False

    def advance(self, total: int, label: str, *, eta: bool = True) -> None:
        """One step done of ``total``; the bar is opened, with ``label``, at the first."""
        if self.bar is None:
            self.bar = typer.progressbar(length=total, label=label, show_pos=True,
                                         show_eta=eta, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(1)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@command(cls=_Command)
def upgrade(file: Annotated[Path, typer.Argument(
                metavar="FILE", help="Any .bib whose preprints to upgrade.")],
            dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the diff, write "
                                                  "nothing.")] = False,
            output: Annotated[Optional[Path], typer.Option(
                "--output", "-o", metavar="OUT", help="Write the upgraded file here.")] = None,
            in_place: Annotated[bool, typer.Option("--in-place", help="Rewrite FILE "
                                                   "itself.")] = False,
            offline: OfflineOption = False, cache_dir: CacheDirOption = None,
            lock_timeout: LockTimeoutOption = 300.0,
            encoding: Annotated[Optional[str], typer.Option(
                "--encoding", metavar="CODEC",
                help="The file's encoding (default UTF-8); it is written in it.")] = None
            ) -> None:
    """Upgrade a .bib's preprints to their published versions.

    Keys, curated fields and every other entry stay as they are; near misses are shown,
    never applied. Give --dry-run, -o OUT or --in-place.
    """
    if sum((dry_run, output is not None, in_place)) != 1:
        raise _usage("give one of --dry-run (show the diff), -o OUT (write a copy) or "
                     "--in-place (rewrite FILE).")
    state = _Screen()

    def progress(step: UpdateProgress) -> None:
        if sys.stderr.isatty():
            state.advance(step.total, "upgrading", eta=False)

    try:
        with _reported():
            result = llm4anno_bib.upgrade(file, output, in_place=in_place, offline=offline,
                                          cache_dir=cache_dir, progress=progress,
                                          lock_timeout=lock_timeout, on_wait=_say_waiting,
                                          encoding=encoding)
    finally:
        state.finish()
    if result.entries:
        _render_update(result, ("preprint", "preprints"))
    else:
        _echo(f"no entry of {file} cites a preprint: nothing to do", err=True)
    if result.written:
        _echo(f"wrote {_count(len(result.changed), 'upgraded entry', 'upgraded entries')} "
              f"to {output or file}" + ("" if result.changed else " (an unchanged copy)"),
              err=True)
    raise typer.Exit(result.exit_code)


@command("import-list", cls=_Command)
def import_list(file: Annotated[Path, typer.Argument(
                    metavar="LIST",
                    help="A paper list README (Markdown, Org-mode or reStructuredText).")],
                output: Annotated[Optional[Path], typer.Option(
                    "--output", "-o", metavar="OUT", help="Write the library here.")] = None,
                into: Annotated[Optional[Path], typer.Option(
                    "--into", metavar="LIBRARY",
                    help="Import onto this library: its keys and curated entries kept.")
                ] = None,
                prune: Annotated[bool, typer.Option(
                    "--prune", help="With --into: remove the works the list no longer holds "
                                    "(kept otherwise).")] = False,
                survey: Annotated[Optional[str], typer.Option(
                    "--survey", metavar="ID",
                    help="The arXiv id of the list's own paper (default: from its "
                         "citation block).")] = None,
                curated: Annotated[Optional[Path], typer.Option(
                    "--curated", metavar="DIR",
                    help="A folder of .bib citations of works that are not papers.")] = None,
                verbose: Annotated[bool, typer.Option(
                    "--verbose", "-v", help="Print every unresolved lookup, near miss and "
                                            "item left out, not only the summary.")] = False,
                report: Annotated[Optional[Path], typer.Option(
                    "--report", metavar="FILE",
                    help="Write every unresolved lookup, near miss and item left out to "
                         "FILE.")] = None,
                offline: OfflineOption = False, cache_dir: CacheDirOption = None,
                lock_timeout: LockTimeoutOption = 300.0) -> None:
    """Turn a paper list README into a library.

    Every item is looked up in the sources; one no source holds is cited from what the
    list says of it (title, authors, year, venue, arXiv id), marked unverified. Give -o OUT
    or --into LIBRARY. A summary is printed; --verbose or --report FILE give the details.
    """
    if (output is None) == (into is None):
        raise _usage("give -o OUT (a new library) or --into LIBRARY (import onto it).")
    if prune and into is None:
        raise _usage("--prune removes from a library imported into: give --into LIBRARY.")
    screen = _Screen()

    def progress(step: llm4anno_bib.Progress) -> None:
        if step.about != screen.stage:  # one bar per stage of the build
            screen.finish()
            screen.stage = step.about
        if step.done:
            screen.advance(step.total, step.about, eta=False)

    try:
        with _reported():
            result = llm4anno_bib.import_list(
                file, output, into=into, survey=survey, curated_dir=curated, offline=offline,
                cache_dir=cache_dir, lock_timeout=lock_timeout, on_wait=_say_waiting,
                progress=progress if sys.stderr.isatty() else None, prune=prune)
    except KeyboardInterrupt:
        screen.finish()
        _echo(f"\nllm4anno-bib: interrupted; {output or into} was not written. What was "
              "fetched is cached: a re-run resumes from there.", err=True)
        raise typer.Exit(130) from None
    finally:
        screen.finish()
    details = result.details()
    _import_details(details, verbose, report,
                    inputs=[file, *(p for p in (output, into) if p is not None)])
    for line in result.summary():
        _echo(line, err=True)
    hint = "" if verbose or not details else \
        f" (details: {report})" if report is not None else " (details: --verbose or --report FILE)"
    entries = _count(len(result.library), "entry", "entries")
    _echo((f"wrote {entries} to {output or into}" if result.written else
           f"{output or into} left unchanged: it holds these {entries} already")
          + (f"; {result.unverified} cited from the list alone (unverified)"
             if result.unverified else "") + hint, err=True)


def _import_details(details: list[str], verbose: bool, report: Path | None,
                    inputs: list[Path]) -> None:
    """The lines behind an import's summary: printed with --verbose (a link refused or a
    paper not read always, on stderr), written to --report FILE."""
    for line in details:
        if line.startswith(("refused: ", "unread: ")):
            _echo(line, err=True)
        elif verbose:
            _echo(line)
    if report is not None:
        from llm4anno_bib.files import write_file

        with _reported():  # as every file is written: never an input, locked, atomic
            write_file(report, "".join(f"{line}\n" for line in details).encode("utf-8"),
                       inputs=inputs)


@command("render-list", cls=_Command)
def render_list(output: OutputOption = None,
                check: Annotated[Optional[Path], typer.Option(
                    "--check", metavar="FILE",
                    help="Exit 1 when this file is not what would be rendered.")] = None,
                library: Annotated[Optional[Path], typer.Option(
                    "--library", metavar="FILE",
                    help="Default: ./library.bib when it is a library, else the shipped one.")
                ] = None) -> None:
    """Render the list README from the library."""
    source = library or llm4anno_bib.default_library_path()
    if check is not None:
        with _reported():
            diff = llm4anno_bib.render_list(source, check=check).splitlines()
        if not diff:
            _echo(f"{check} is up to date with {source}", err=True)
            return
        _echo("\n".join(diff[:60]) + ("\n..." if len(diff) > 60 else ""))
        _echo(f"llm4anno-bib: {check} is out of date with {source}; run 'llm4anno-bib "
              f"render-list -o {check}'.", err=True)
        raise typer.Exit(1)
    with _reported():
        text = llm4anno_bib.render_list(source)
    _emit(text, output, f"the list of {source}", (source,))


@command(cls=_Command)
def check(files: Annotated[Optional[list[Path]], typer.Argument(
              metavar="FILE...",
              help="The .bib files (default: ./library.bib when it is a library, else the "
                   "shipped one).")] = None,
          format: ReportFormat = "text",
          fix: Annotated[bool, typer.Option(
              "--fix", help="Fix in the files what can be fixed (titles a style would "
                            "lowercase, 'et al.' in a name list), each entry edited in "
                            "place.")] = False,
          encoding: Annotated[Optional[str], typer.Option(
              "--encoding", metavar="CODEC", help="The files' encoding (default UTF-8); "
                                                  "--fix writes in it.")] = None) -> None:
    """Lint .bib files: every problem, with its line.

    Exit 0 clean (warnings allowed), 1 problems, 2 a file that cannot be read (the other
    files are checked). The files are read in order, as BibTeX reads a paper's: the
    @string macros of one (IEEEabrv.bib's) are known in those after it.
    """
    from llm4anno_bib.errors import choose

    with _reported():
        format = choose(format, ("text", "json", "github"), "format for check")
        # a file that cannot be read is that file's problem: said, and on to the next
        report = llm4anno_bib.check(*(files or [llm4anno_bib.default_library_path()]),
                                    fix=fix, encoding=encoding, keep_going=True)
    for error in report.unreadable:
        _echo(f"llm4anno-bib: {error}", err=True)
    if fix:
        _echo(f"fixed {_count(report.fixed, 'entry', 'entries')}", err=True)
    if format == "json":
        _echo(report.to_json())
    elif format == "github":
        from llm4anno_bib.annotations import check_annotations

        for line in check_annotations(report):
            _echo(line)
    else:
        for problem in report.problems:
            _echo(str(problem))
        checked = report.files[0] if len(report.files) == 1 else _count(len(report.files),
                                                                          "file")
        _echo(f"checked {checked}: {_count(len(report.errors), 'error')}, "
              f"{_count(len(report.warnings), 'warning')}"
              + (f"; {_count(len(report.unreadable), 'file')} could not be read"
                 if report.unreadable else ""), err=True)
    raise typer.Exit(report.exit_code)


def _lookup_progress(screen: _Screen) -> Callable[[llm4anno_bib.Progress], None]:
    return lambda step: screen.advance(step.total, "looking up")


def _render_verify(report: VerifyReport, file: Path) -> None:
    for entry in report.entries:
        if entry.status in ("disagrees", "not-found") or entry.findings:
            # (an entry left unchecked can still have a finding of its own: an identifier
            # nobody has, said under it, not as though of the entry above)
            where = (f" = {entry.matched} (matched by {entry.matched_by})" if entry.matched
                     else f": not found ({entry.reason})" if entry.status == "not-found"
                     else f": not checked ({entry.reason})")
            _echo(f"{file}:{entry.line}: {entry.key}{where}")
        for finding in entry.findings:
            theirs, found = finding.shown()
            _echo(f"  {finding.field} [{finding.kind}]: {finding.message}\n"
                  f"    yours: {theirs}\n    {finding.source}: {found}")
    unchecked = report.not_checked
    if unchecked:
        reasons: dict[str, list[str]] = {}
        for entry in unchecked:
            reasons.setdefault(entry.reason, []).append(entry.key)
        for reason, keys in reasons.items():
            _echo(f"not checked ({len(keys)}, {reason}): {' '.join(keys)}")
    for error in report.unreadable[:_UNREADABLE_SHOWN]:  # errors of the input, said there
        _echo(f"llm4anno-bib: {error}", err=True)
    if len(report.unreadable) > _UNREADABLE_SHOWN:
        _echo(f"llm4anno-bib: ... and {len(report.unreadable) - _UNREADABLE_SHOWN:,} more "
              "blocks that could not be read (--format json lists them all)", err=True)


_UNREADABLE_SHOWN = 10  # a damaged file can fail at every '@': the first say enough


@command(cls=_Command)
def verify(files: Annotated[list[Path], typer.Argument(
               metavar="FILE...", help="The .bib files to check (never modified).")],
           format: ReportFormat = "text",
           fix: Annotated[bool, typer.Option("--fix", help="Write a corrected copy to -o.")] = False,
           output: Annotated[Optional[Path], typer.Option(
               "--output", "-o", metavar="FILE", help="Where --fix writes.")] = None,
           encoding: Annotated[Optional[str], typer.Option(
               "--encoding", metavar="CODEC", help="The file's encoding (default UTF-8).")
           ] = None,
           library: LibraryOption = None,
           lookup: Annotated[bool, typer.Option(
               "--lookup", help="Look the entries the library lacks up in arXiv, the ACL "
                                "Anthology, DBLP and Crossref.")] = False,
           offline: OfflineOption = False, cache_dir: CacheDirOption = None) -> None:
    """Check a paper's .bib files against the library or the sources.

    Exit 0 when every entry agrees (or is no work a source covers), 1 when any disagrees
    or is not found, else 2 when a file or a block could not be read (the block left out,
    the rest checked), 3 when a source could not be asked and entries were left unchecked;
    --fix -o FILE writes a corrected copy of one file. The files are read in order, as
    BibTeX reads a paper's: the @string macros of one (IEEEabrv.bib's) are known in those
    after it.
    """
    from llm4anno_bib.errors import choose

    if fix and (output is None or len(files) != 1):
        raise _usage("--fix writes a corrected copy of one file: give one FILE and -o OUT, "
                     "another file than the one checked.")
    if output is not None and not fix:
        raise _usage("-o is where --fix writes the corrected copy; add --fix, or leave -o "
                     "out to only check.")
    with _reported():
        format = choose(format, ("text", "json", "github"), "format for verify")
    against = _load(library)  # once, whatever the number of files
    codes = []
    reports: list[dict[str, object]] = []  # several files' JSON: one document, a list
    # as BibTeX reads \bibliography{IEEEabrv,refs}: the macros of the files read so far are
    # known in the next; one that cannot be read is its own problem, the others go on
    read: list[Path] = []
    for file in files:
        try:
            codes.append(_verify_one(file, format, fix_to=output if fix else None,
                                     encoding=encoding, library=against, lookup=lookup,
                                     offline=offline, cache_dir=cache_dir,
                                     several=reports if len(files) > 1 else None,
                                     strings_from=list(read)))
            read.append(file)
        except typer.Exit as stopped:
            codes.append(stopped.exit_code)
    if format == "json" and len(files) > 1:
        import json

        _echo(json.dumps(reports, indent=2, ensure_ascii=False))
    # a disagreement (1) says the most; then a file or block that could not be read (2),
    # then entries left unchecked by a source (3)
    raise typer.Exit(1 if 1 in codes else 2 if 2 in codes else max(codes))


def _verify_one(file: Path, format: str, *, fix_to: Path | None, encoding: str | None,
                library: Library, lookup: bool, offline: bool, cache_dir: Path | None,
                several: list[dict[str, object]] | None, strings_from: list[Path]) -> int:
    """Verify one file and print its report (one of ``several`` files: its JSON is added
    there, to be printed with theirs); its exit code."""
    with _reported():
        screen = _Screen()
        try:
            report = llm4anno_bib.verify(
                file, library, encoding=encoding, fix_to=fix_to,
                on_wait=_say_waiting, lookup=lookup, offline=offline, cache_dir=cache_dir,
                progress=_lookup_progress(screen) if sys.stderr.isatty() else None,
                strings_from=strings_from)
        finally:
            screen.finish()
    if format == "json" and several is not None:
        several.append(report.to_dict())
    elif format == "json":
        _echo(report.to_json())
    elif format == "github":
        from llm4anno_bib.annotations import verify_annotations

        for line in verify_annotations(report):
            _echo(line)
    else:
        _render_verify(report, file)
    summary = report.summary
    _echo((f"{file}: " if several is not None else "")
          + f"{_count(len(report.entries), 'entry', 'entries')}: {summary['disagrees']} "
          f"disagree, {summary['agrees']} agree, "
          + (f"{summary['not-found']} not found, " if lookup else "")
          + f"{summary['not-checked']} not checked"
          + (f" ({len(report.unchecked_by_failure)} because a source could not be asked)"
             if report.unchecked_by_failure else "")
          + (f"; {_count(len(report.unreadable), 'block', 'blocks')} could not be read"
             if report.unreadable else ""), err=True)
    if fix_to is not None:
        _echo(f"wrote the corrected copy to {fix_to} "
              f"({_count(len(report.corrected), 'entry', 'entries')} corrected)", err=True)
    return report.exit_code


@command(cls=_Command)
def config(ctx: typer.Context) -> None:
    """Show the settings in force and where each came from.

    A llm4anno-bib.toml, or [tool.llm4anno-bib] in pyproject.toml, found from here upward;
    command-line options win over it, it over the environment variables.
    """
    found = ctx.find_root().meta["llm4anno-bib config"]  # read as every command starts
    _echo(f"file: {found.path or 'none (llm4anno-bib.toml or [tool.llm4anno-bib] in pyproject.toml, from here upward)'}")
    width = max(len(name) for name in found.settings)
    for name, setting in found.settings.items():
        shown = "(not set)" if setting.value is None else repr(setting.value)
        _echo(f"  {name.ljust(width)}  {shown}  [{setting.origin}]")


cache_app = typer.Typer(help="The cache of source answers: where it is, what it holds.",
                        no_args_is_help=True, rich_markup_mode=None)
app.add_typer(cache_app, name="cache")


@cache_app.command("info", cls=_Command)
def cache_info(cache_dir: CacheDirOption = None) -> None:
    """Show the cache folder, its answers per host and its size."""
    from llm4anno_bib.caches import cache_info as describe

    with _reported():
        info = describe(cache_dir)
    _echo(f"folder: {info.folder}")
    for host, count in info.responses.items():
        _echo(f"  {host}: {_count(count, 'answer')}")
    for name in info.index_files:
        _echo(f"  index: {name}")
    _echo(f"{_count(info.total_responses, 'answer')}, "
          f"{_count(info.parsed_libraries, 'parsed library', 'parsed libraries')}, "
          f"{info.size_bytes / 1e6:.1f} MB")


@cache_app.command("clear", cls=_Command)
def cache_clear(cache_dir: CacheDirOption = None) -> None:
    """Delete every cached answer, index and parsed library.

    The next run asks the sources again and parses the library again.
    """
    from llm4anno_bib.caches import clear_cache

    with _reported():
        removed = clear_cache(cache_dir)
    _echo(f"removed {_count(removed.total_responses, 'answer')}, "
          f"{_count(len(removed.index_files), 'index file')} and "
          f"{_count(removed.parsed_libraries, 'parsed library', 'parsed libraries')} "
          f"({removed.size_bytes / 1e6:.1f} MB) from {removed.folder}")


def main() -> None:
    """The ``llm4anno-bib`` command. Standard output that closes early (``| head -1``) ends
    the command quietly with what it had done (exit 0); one that cannot be written (a full
    disk) is one line on stderr and exit 2, never a traceback."""
    try:
        try:
            app_for(sys.argv[1:])()
        except SystemExit:
            if sys.stdout is not None:
                try:
                    sys.stdout.flush()  # here, where its failure can still be said
                except OSError as error:  # (standard output's alone: nothing else runs)
                    raise _StdoutFailed(error) from error
            raise
    except _StdoutFailed as failed:
        _stdout_failed(failed.error)
    except Exception as error:  # noqa: BLE001 (a bug of ours: said in one line, not a traceback)
        if _DEBUG:
            raise
        sys.stderr.write(f"llm4anno-bib: internal error ({type(error).__name__}: "
                         f"{str(error)[:300]}); this is a bug. Run the command again with "
                         "--debug and report what it prints.\n")
        sys.exit(INTERNAL_ERROR)


INTERNAL_ERROR = 70  # (sysexits' EX_SOFTWARE)


class _StdoutFailed(Exception):
    """Standard output could not be written (click would take an OSError for its own)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


def _stdout_failed(error: OSError) -> None:
    _leave_stdout()
    if isinstance(error, BrokenPipeError):  # the reader has what it wanted
        sys.exit(0)
    sys.stderr.write(f"llm4anno-bib: cannot write to standard output: "
                     f"{error.strerror or error}; what was printed is incomplete.\n")
    sys.exit(2)


def _leave_stdout() -> None:
    """Point standard output at /dev/null, so that the interpreter's last flush of what is
    still buffered fails no more (it would print "Exception ignored" and exit 120)."""
    if sys.stdout is None:  # closed from the start: nothing is buffered
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def app_for(args: list[str]) -> typer.Typer:
    """The app that runs ``args``: where they name a command, an app of that command alone.

    typer builds every command's parameters from its signature before it runs one (a
    third of a warm query's run for seventeen commands); click's own answer is a lazily
    loaded group, which typer does not offer. The one-command app has the same options,
    help and behaviour (a test runs every command's help both ways); anything else (help of
    the whole, an unknown command, completion) gets the whole app.
    """
    wanted = next((arg for arg in args if not arg.startswith("-")), None)
    chosen = [info for info in app.registered_commands
              if wanted is not None and wanted == _command_name(info)]
    if len(chosen) != 1:
        return app
    single = typer.Typer(name=app.info.name, help=app.info.help, no_args_is_help=True,
                         rich_markup_mode=None)
    single.registered_callback = app.registered_callback
    single.registered_commands = chosen
    return single


def _command_name(info: typer.models.CommandInfo) -> str:
    callback_name = getattr(info.callback, "__name__", "")
    return info.name or callback_name.lower().replace("_", "-")


if __name__ == "__main__":
    main()
