"""The ``llm4anno-bib`` command: a thin typer layer over the library API.

Exit codes: 0 done, 1 not found (unknown key or category) or not every entry could be
checked, 2 usage error or unreadable input, 130 interrupted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import sys

import typer

import llm4anno_bib
from llm4anno_bib.errors import Llm4AnnoBibError
from llm4anno_bib.model import Library

app = typer.Typer(
    name="llm4anno-bib",
    help="Correct citations for the LLMs-for-data-annotation paper list.",
    no_args_is_help=True,
    add_completion=False,
)

LibraryOption = Annotated[
    Optional[Path],
    typer.Option("--library", help="A library file instead of the shipped library.bib."),
]
CategoryOption = Annotated[
    Optional[list[str]],
    typer.Option("--category", "-c", help="Heading, slug or parent heading (repeatable)."),
]
YearOption = Annotated[Optional[int], typer.Option("--year", help="Publication year.")]
VenueOption = Annotated[Optional[str], typer.Option("--venue", help="Venue text or acronym.")]
AuthorOption = Annotated[Optional[str], typer.Option("--author", help="Part of an author name.")]
SearchOption = Annotated[Optional[str], typer.Option("--search", help="Words in title, "
                                                     "authors, venue or key.")]


_DEBUG = False


def _echo(text: str = "", err: bool = False, nl: bool = True) -> None:
    """Print to the terminal without its control characters: a title or URL from a file or
    a source must not move the cursor, retitle the window or reverse the text."""
    from llm4anno_bib._text import strip_controls

    typer.echo(strip_controls(text, keep_returns=True), err=err, nl=nl)


@app.callback()
def _options(debug: Annotated[bool, typer.Option(
        "--debug", help="Show the traceback of an error, not just its message.")] = False) -> None:
    """Correct citations for the LLMs-for-data-annotation paper list."""
    global _DEBUG
    _DEBUG = debug
    import warnings

    from llm4anno_bib.errors import Llm4AnnoBibWarning

    warnings.simplefilter("always", Llm4AnnoBibWarning)
    default = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):  # noqa: ANN001
        if issubclass(category, Llm4AnnoBibWarning):
            _echo(f"llm4anno-bib: warning: {message}", err=True)
        else:
            default(message, category, filename, lineno, file, line)

    warnings.showwarning = show


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
        write_file(output, text.encode("utf-8"), inputs=[i for i in inputs if i],
                   make_folder=True, on_wait=_say_waiting)
    _echo(f"wrote {what} to {output}", err=True)


def _load(path: Optional[Path]) -> Library:
    with _reported():
        return llm4anno_bib.load(path)


def _filtered(library: Library, category: Optional[list[str]], year: Optional[int],
              venue: Optional[str], author: Optional[str], search: Optional[str],
              keys: Optional[list[str]] = None) -> Library:
    with _reported():
        return library.filter(category=category or None, year=year, venue=venue, author=author,
                              search=search, keys=keys or None)


@app.command()
def categories(library: LibraryOption = None) -> None:
    """Show the category tree with the number of works in each (sub-sections included)."""
    for category in _load(library).categories():
        _echo(f"{'  ' * category.depth}{category.heading} ({category.count})  "
                   f"[{category.slug}]")


@app.command("list")
def list_entries(category: CategoryOption = None, year: YearOption = None,
                 venue: VenueOption = None, author: AuthorOption = None,
                 search: SearchOption = None, library: LibraryOption = None) -> None:
    """List works as a table: key, year, venue, title."""
    chosen = _filtered(_load(library), category, year, venue, author, search)
    from llm4anno_bib.model import venue_acronym

    rows = [(e.key, str(e.year or ""), venue_acronym(e) or (e.venue or "")[:20], e.title)
            for e in chosen]
    widths = [max((len(r[i]) for r in rows), default=0) for i in range(3)]
    for row in rows:
        _echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[3])
    _echo(f"{len(rows)} works", err=True)


@app.command()
def show(key: str, library: LibraryOption = None) -> None:
    """Print one entry's BibTeX (aliases resolve to the entry)."""
    with _reported():
        _echo(_load(library)[key].bibtex, nl=False)


@app.command()
def export(category: CategoryOption = None, year: YearOption = None,
           venue: VenueOption = None, author: AuthorOption = None, search: SearchOption = None,
           key: Annotated[Optional[list[str]], typer.Option("--key", help="Keys to export.")] = None,
           format: Annotated[str, typer.Option(
               "--format", "-f",
               help="bibtex, biblatex, csl-json, markdown, refs or html (one page).")] = "bibtex",
           style: Annotated[str, typer.Option(
               "--style", help="refs: plain, unsrt, alpha or unsrtalpha.")] = "plain",
           backend: Annotated[str, typer.Option(
               "--backend", help="refs: text, markdown, html or latex.")] = "text",
           output: Annotated[Optional[Path], typer.Option("--output", "-o",
                                                          help="Write here (atomically).")] = None,
           into: Annotated[Optional[Path], typer.Option(
               "--into", help="Append only the works this .bib lacks; its bytes stay.")] = None,
           encoding: Annotated[Optional[str], typer.Option(
               "--encoding", help="--into: the file's encoding (default UTF-8).")] = None,
           library: LibraryOption = None) -> None:
    """Export works (BibTeX, BibLaTeX, CSL-JSON, Markdown or formatted references) to stdout or a file."""
    chosen = _filtered(_load(library), category, year, venue, author, search, key)
    if into is not None:
        if output is not None or format not in ("bibtex", "biblatex"):
            _echo("llm4anno-bib: --into appends BibTeX or BibLaTeX to a .bib file; it "
                       "takes neither --output nor another format.", err=True)
            raise typer.Exit(2)
        with _reported():
            result = llm4anno_bib.export_into(into, chosen, encoding=encoding, format=format,
                                              on_wait=_say_waiting)
        for skipped in result.skipped:
            _echo(f"skipped {skipped.key}: {skipped.reason}: '{skipped.theirs}'", err=True)
        _echo(f"added {len(result.added)} entries to {into}"
                   + (f": {' '.join(result.added)}" if result.added else ""), err=True)
        return
    with _reported():
        text = chosen.export(format=format, style=style, backend=backend)
    _emit(text, output, f"{len(chosen)} entries", (chosen.path,))


@app.command()
def cite(aux: Annotated[Path, typer.Argument(help="The paper's .aux file.")],
         output: Annotated[Optional[Path], typer.Option("--output", "-o",
                                                        help="Write here (atomically).")] = None,
         format: Annotated[str, typer.Option("--format", "-f",
                                             help="bibtex or biblatex.")] = "bibtex",
         library: LibraryOption = None) -> None:
    """Export exactly the entries a paper cites (from its .aux); exit 1 if any key is missing."""
    if format not in ("bibtex", "biblatex"):
        _echo(f"llm4anno-bib: --format must be bibtex or biblatex, not '{format}'.", err=True)
        raise typer.Exit(2)
    with _reported():
        result = llm4anno_bib.cite(aux, path=library)
        text = result.library.export(format=format)
    for name, reason in result.skipped_inputs:
        _echo(f"llm4anno-bib: warning: {name}: not read ({reason})", err=True)
    _emit(text, output, f"{len(result.library)} cited entries", (aux, result.library.path))
    for key, suggestions in result.missing.items():
        hint = f"; closest: {', '.join(suggestions)}" if suggestions else ""
        _echo(f"llm4anno-bib: '{key}' is cited but not in the library{hint}", err=True)
    if result.missing:
        raise typer.Exit(1)


@app.command()
def stats(category: CategoryOption = None, year: YearOption = None, venue: VenueOption = None,
          author: AuthorOption = None, search: SearchOption = None,
          plot: Annotated[Optional[Path], typer.Option(
              "--plot", help="Also draw works per year by top-level category: a .png or .svg "
                             "file (needs matplotlib: the 'plot' extra).")] = None,
          library: LibraryOption = None) -> None:
    """Counts of works by category, year and venue; --plot draws the overview chart."""
    chosen = _filtered(_load(library), category, year, venue, author, search)
    counts = chosen.stats()
    _echo(counts.table(), nl=False)
    if plot is not None:
        from llm4anno_bib.plotting import plot_overview

        with _reported():
            plot_overview(counts, plot, inputs=[p for p in (chosen.path,) if p])
        _echo(f"wrote the chart to {plot}", err=True)


@app.command()
def survey(library: LibraryOption = None) -> None:
    """Print the survey's own citation (version of record, with its arXiv id)."""
    with _reported():
        _echo(_load(library).survey().bibtex, nl=False)


@app.command()
def corrections(key: Annotated[Optional[str], typer.Argument(help="Only this entry's.")] = None,
                library: LibraryOption = None) -> None:
    """List the list's mistakes and how the library corrects them, with their sources."""
    with _reported():
        found = _load(library).corrections(key)
    for c in found:
        _echo(f"{c.key} [{c.kind}]\n  list:   {c.said}\n  cited:  {c.truth}\n"
                   f"  source: {c.source}")
    _echo(f"{len(found)} corrections", err=True)


# -- maintenance: add, update, cache ----------------------------------------------------
WorkingLibraryOption = Annotated[
    Optional[Path],
    typer.Option("--library", help="The library file to change (default: ./library.bib)."),
]
OfflineOption = Annotated[bool, typer.Option("--offline", help="Use only cached answers.")]
LockTimeoutOption = Annotated[float, typer.Option(
    "--lock-timeout", help="Seconds to wait for another process changing the library.")]
CacheDirOption = Annotated[
    Optional[Path],
    typer.Option("--cache-dir", envvar="LLM4ANNO_BIB_CACHE_DIR",
                 help="Cache folder (default: the user cache folder)."),
]


def _connect(cache_dir: Optional[Path], offline: bool):
    from llm4anno_bib.sources import Sources

    return Sources.connect(cache_dir, offline=offline)


@app.command()
def add(identifier: Annotated[str, typer.Argument(help="arXiv id or URL, ACL Anthology id, "
                                                       "or DOI.")],
        category: Annotated[list[str], typer.Option("--category", "-c",
                                                    help="Category heading or slug "
                                                         "(repeatable).")],
        library: WorkingLibraryOption = None, offline: OfflineOption = False,
        cache_dir: CacheDirOption = None, lock_timeout: LockTimeoutOption = 300.0) -> None:
    """Add a paper; a paper already in the library gains the category instead."""
    with _reported():
        result = llm4anno_bib.add(identifier, category, path=library,
                                  sources=_connect(cache_dir, offline),
                                  lock_timeout=lock_timeout, on_wait=_say_waiting)
    for line in result.near_misses:
        _echo(f"near miss (not applied): {line}", err=True)
    entry = result.entry
    if result.added:
        _echo(f"added {entry.key}: {entry.title} ({entry.venue or entry.entry_type} "
                   f"{entry.year or ''})".rstrip(), err=True)
    elif result.new_categories:
        _echo(f"already there as {entry.key} (same {result.matched_by}); added to "
                   f"{', '.join(result.new_categories)}", err=True)
    else:
        _echo(f"already there as {entry.key} (same {result.matched_by}), in every "
                   "category asked; nothing changed", err=True)
    _echo(entry.key)


def _say_waiting(message: str) -> None:
    _echo(f"llm4anno-bib: {message}", err=True)


def _show_change(change) -> str:
    if change.old is None:
        return f"  + {change.name}: {change.new}   [{change.source}]"
    if change.new is None:
        return f"  - {change.name}: {change.old}   [{change.source}]"
    return f"  ~ {change.name}: {change.old}\n      -> {change.new}   [{change.source}]"


def _render_update(result) -> None:
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
    summary = (f"{len(result.entries)} entries: {counts['changed']} to change, "
               f"{counts['unchanged']} up to date, {counts['failed']} not checked, "
               f"{counts['skipped']} curated")
    _echo(summary if result.changed else summary + "; nothing to do", err=True)


@app.command()
def update(keys: Annotated[Optional[list[str]], typer.Argument(help="Only these keys.")] = None,
           category: CategoryOption = None,
           dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the diff, write "
                                                 "nothing.")] = False,
           yes: Annotated[bool, typer.Option("--yes", "-y", help="Write without asking.")] = False,
           library: WorkingLibraryOption = None, offline: OfflineOption = False,
           cache_dir: CacheDirOption = None, lock_timeout: LockTimeoutOption = 300.0) -> None:
    """Re-check entries against arXiv, the ACL Anthology and DBLP, show the diff, write after review."""
    from llm4anno_bib.locking import library_lock

    with _reported():
        path = llm4anno_bib.working_library_path(library)
        with library_lock(path, lock_timeout, _say_waiting):
            _update_locked(path, keys, category, dry_run, yes, offline, cache_dir)


def _update_locked(path: Path, keys: Optional[list[str]], category: Optional[list[str]],
                   dry_run: bool, yes: bool, offline: bool, cache_dir: Optional[Path]) -> None:
    from llm4anno_bib.updating import update_library

    with _reported():
        current = llm4anno_bib._load_for_writing(path)
        sources = _connect(cache_dir, offline)
        chosen = current.filter(category=category or None, keys=keys or None)
    try:
        with typer.progressbar(length=len(chosen), label="checking", show_pos=True,
                               show_eta=True, file=sys.stderr) as bar:
            with _reported():
                result = update_library(current, sources, keys=keys or None,
                                        category=category or None,
                                        progress=lambda step: bar.update(1))
    except KeyboardInterrupt:
        _echo(f"\nllm4anno-bib: interrupted; {path} was not changed. What was fetched "
                   "is cached: a re-run resumes from there.", err=True)
        raise typer.Exit(130) from None
    _render_update(result)
    if result.changed and not dry_run:
        if not yes:
            if not sys.stdin.isatty():
                _echo(f"llm4anno-bib: not written: no terminal to ask; pass --yes to "
                           f"write {path}, or --dry-run to only show the diff.", err=True)
                raise typer.Exit(2)
            if not typer.confirm(f"Write {len(result.changed)} changed entries to {path}?"):
                _echo("nothing was written.", err=True)
                raise typer.Exit(result.exit_code)
        with _reported():
            result.library.save(path)
        _echo(f"wrote {len(result.changed)} changed entries to {path}", err=True)
    raise typer.Exit(result.exit_code)


def _local_or_shipped(path: Optional[Path]) -> Path:
    """The library a maintainer's read-only command reads: ``path``, ./library.bib, or the
    shipped library."""
    if path is not None:
        return path
    local = Path("library.bib")
    return local if local.is_file() else llm4anno_bib.shipped_library_path()


@app.command("render-list")
def render_list(output: Annotated[Optional[Path], typer.Option("--output", "-o",
                                                               help="Write here (atomically).")] = None,
                check: Annotated[Optional[Path], typer.Option(
                    "--check", help="Exit 1 when this file is not what would be rendered.")] = None,
                library: Annotated[Optional[Path], typer.Option(
                    "--library", help="Default: ./library.bib, else the shipped library.")] = None
                ) -> None:
    """Render the list README (intro, sections, one line per work, the survey's citation) from the library."""
    import difflib

    with _reported():
        text = llm4anno_bib.render_list(_local_or_shipped(library))
    if check is not None:
        try:
            current = check.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            _echo(f"llm4anno-bib: {check}: cannot read: {error}", err=True)
            raise typer.Exit(2) from error
        if current == text:
            _echo(f"{check} is up to date", err=True)
            return
        diff = list(difflib.unified_diff(current.splitlines(), text.splitlines(), str(check),
                                         "rendered", lineterm="", n=1))
        _echo("\n".join(diff[:60]) + ("\n..." if len(diff) > 60 else ""))
        _echo(f"llm4anno-bib: {check} is out of date; run 'llm4anno-bib render-list -o "
                   f"{check}'.", err=True)
        raise typer.Exit(1)
    _emit(text, output, "the list", (_local_or_shipped(library),))


@app.command()
def check(files: Annotated[Optional[list[Path]], typer.Argument(
              help="The .bib files (default: ./library.bib, else the shipped library).")] = None,
          format: Annotated[str, typer.Option("--format", "-f",
                                              help="text or json.")] = "text") -> None:
    """Lint .bib files for CI: every problem at once with file:line; exit 0 clean, 1 problems, 2 unreadable."""
    import json

    from llm4anno_bib.checking import check as check_files

    if format not in ("text", "json"):
        _echo(f"llm4anno-bib: --format must be text or json, not '{format}'.", err=True)
        raise typer.Exit(2)
    files = files or [_local_or_shipped(None)]
    with _reported():
        report = check_files(files)
    if format == "json":
        _echo(report.to_json())
    else:
        for problem in report.problems:
            _echo(str(problem))
        _echo(f"checked {len(report.files)} file(s): {len(report.errors)} errors, "
                   f"{len(report.warnings)} warnings", err=True)
    raise typer.Exit(report.exit_code)


@app.command()
def verify(file: Annotated[Path, typer.Argument(help="The .bib to check (never modified).")],
           format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
           fix: Annotated[bool, typer.Option("--fix", help="Write a corrected copy to -o.")] = False,
           output: Annotated[Optional[Path], typer.Option("--output", "-o",
                                                          help="Where --fix writes.")] = None,
           encoding: Annotated[Optional[str], typer.Option(
               "--encoding", help="The file's encoding (default UTF-8).")] = None,
           library: LibraryOption = None) -> None:
    """Check a paper's .bib against the library; exit 0 all agree, 1 any disagrees, 2 unreadable."""
    import json

    from llm4anno_bib.bibfile import read_bib_bytes
    from llm4anno_bib.verifying import fix_bibliography, verify_text

    if format not in ("text", "json"):
        _echo(f"llm4anno-bib: --format must be text or json, not '{format}'.", err=True)
        raise typer.Exit(2)
    if fix and (output is None or output.resolve() == file.resolve()):
        _echo("llm4anno-bib: --fix writes a corrected copy: give -o FILE, another file "
                   "than the one checked.", err=True)
        raise typer.Exit(2)
    current = _load(library)
    with _reported():
        text = read_bib_bytes(file, encoding)
        report = verify_text(text, current, str(file))
    if format == "json":
        _echo(report.to_json())
    else:
        for entry in report.disagreeing:
            _echo(f"{file}:{entry.line}: {entry.key} = {entry.matched} "
                       f"(matched by {entry.matched_by})")
            for finding in entry.findings:
                _echo(f"  {finding.field}: {finding.message}\n"
                           f"    yours:   {finding.theirs}\n    library: {finding.ours}")
        if report.not_checked:
            _echo(f"not checked ({len(report.not_checked)}, not in the library): "
                       + " ".join(e.key for e in report.not_checked))
    _echo(f"{len(report.entries)} entries: {len(report.disagreeing)} disagree, "
               f"{len(report.entries) - len(report.disagreeing) - len(report.not_checked)} "
               f"agree, {len(report.not_checked)} not checked", err=True)
    if fix and output is not None:
        fixed = fix_bibliography(text, report, current)
        from llm4anno_bib.files import write_file

        with _reported():
            write_file(output, fixed.encode(encoding or "utf-8"),
                       inputs=[p for p in (file, current.path) if p], on_wait=_say_waiting)
        _echo(f"wrote the corrected copy to {output} ({len(report.disagreeing)} entries "
                   "corrected)", err=True)
    raise typer.Exit(report.exit_code)


cache_app = typer.Typer(help="The cache of source answers: where it is, what it holds.",
                        no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("info")
def cache_info(cache_dir: CacheDirOption = None) -> None:
    """Show the cache folder, its answers per host and its size."""
    from llm4anno_bib.sources import cache_info as describe

    with _reported():
        info = describe(cache_dir)
    _echo(f"folder: {info.folder}")
    for host, count in info.responses.items():
        _echo(f"  {host}: {count} answers")
    for name in info.index_files:
        _echo(f"  index: {name}")
    _echo(f"{info.total_responses} answers, {info.parsed_libraries} parsed libraries, "
               f"{info.size_bytes / 1e6:.1f} MB")


@cache_app.command("clear")
def cache_clear(cache_dir: CacheDirOption = None) -> None:
    """Delete every cached answer, index and parsed library (the next run asks the sources
    again and parses the library again)."""
    from llm4anno_bib.sources import clear_cache

    with _reported():
        removed = clear_cache(cache_dir)
    _echo(f"removed {removed.total_responses} answers, {len(removed.index_files)} "
               f"index files and {removed.parsed_libraries} parsed libraries "
               f"({removed.size_bytes / 1e6:.1f} MB) from {removed.folder}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
