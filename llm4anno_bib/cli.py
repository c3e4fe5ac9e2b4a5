"""The ``llm4anno-bib`` command: a thin typer layer over the library API.

Exit codes: 0 done, 1 not found (unknown key or category), 2 usage error or unreadable input.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

import llm4anno_bib
from llm4anno_bib.bibfile import write_text_atomic
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


@contextmanager
def _reported() -> Iterator[None]:
    """Turn a library error into one line on stderr and its exit code."""
    try:
        yield
    except Llm4AnnoBibError as error:
        typer.echo(f"llm4anno-bib: {error}", err=True)
        raise typer.Exit(error.exit_code) from error


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
        typer.echo(f"{'  ' * category.depth}{category.heading} ({category.count})  "
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
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[3])
    typer.echo(f"{len(rows)} works", err=True)


@app.command()
def show(key: str, library: LibraryOption = None) -> None:
    """Print one entry's BibTeX (aliases resolve to the entry)."""
    with _reported():
        typer.echo(_load(library)[key].bibtex, nl=False)


@app.command()
def export(category: CategoryOption = None, year: YearOption = None,
           venue: VenueOption = None, author: AuthorOption = None, search: SearchOption = None,
           key: Annotated[Optional[list[str]], typer.Option("--key", help="Keys to export.")] = None,
           format: Annotated[str, typer.Option("--format", "-f", help="Export format.")] = "bibtex",
           output: Annotated[Optional[Path], typer.Option("--output", "-o",
                                                          help="Write here (atomically).")] = None,
           library: LibraryOption = None) -> None:
    """Export works as BibTeX to stdout or to a file."""
    chosen = _filtered(_load(library), category, year, venue, author, search, key)
    with _reported():
        text = chosen.export(format=format)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        write_text_atomic(output, text)
    except OSError as error:
        typer.echo(f"llm4anno-bib: {output}: cannot write: {error.strerror}; nothing was "
                   "written.", err=True)
        raise typer.Exit(2) from error
    typer.echo(f"wrote {len(chosen)} entries to {output}", err=True)


@app.command()
def survey(library: LibraryOption = None) -> None:
    """Print the survey's own citation (version of record, with its arXiv id)."""
    with _reported():
        typer.echo(_load(library).survey().bibtex, nl=False)


@app.command()
def corrections(key: Annotated[Optional[str], typer.Argument(help="Only this entry's.")] = None,
                library: LibraryOption = None) -> None:
    """List the list's mistakes and how the library corrects them, with their sources."""
    with _reported():
        found = _load(library).corrections(key)
    for c in found:
        typer.echo(f"{c.key} [{c.kind}]\n  list:   {c.said}\n  cited:  {c.truth}\n"
                   f"  source: {c.source}")
    typer.echo(f"{len(found)} corrections", err=True)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
