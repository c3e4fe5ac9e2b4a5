"""Read and write ``library.bib``: entries plus the library's own ``@comment`` blocks.

Parsing is bibtexparser v2's; what it cannot read is raised as ``BibSyntaxError`` with the
file and line, never skipped. Writing is deterministic: fields in ``FIELD_ORDER`` (others
after it, alphabetically), entries in library order, ``month`` as a macro, one field a line.

The library's blocks, each an ``@comment`` whose first line names it:

- ``llm4anno-bib:meta``: ``name = value`` lines (``survey = <key>``);
- ``llm4anno-bib:categories``: the list's section tree, one section a line, indented two
  spaces a level: ``slug | Heading | key key ...`` (its own works in list order);
- ``llm4anno-bib:corrections``: ``key | kind | what the list said | what is cited | source``;
- ``llm4anno-bib:list-intro``: the list README's introduction as Markdown lines (see
  ``listmd.render_list``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import bibtexparser
from bibtexparser import model as btp

from llm4anno_bib.errors import BibSyntaxError, LibraryFormatError
from llm4anno_bib.model import Category, Correction, Entry, Library

__all__ = ["FIELD_ORDER", "LIBRARY_BLOCKS", "format_entries", "format_entry", "format_records",
           "parse_bibtex", "parse_library_blocks", "read_library", "write_bytes_atomic",
           "write_library", "write_text_atomic"]

FIELD_ORDER = (
    "title", "author", "editor", "booktitle", "series", "journal", "volume", "number", "pages",
    "year", "month", "address", "publisher", "howpublished", "doi", "url",
    "eprint", "archiveprefix", "primaryclass", "anthology", "dblp", "ids", "keywords",
    "pdf", "code", "data", "webpage", "curated",
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_SEP = " | "
_BLOCK_META = "llm4anno-bib:meta"
_BLOCK_TREE = "llm4anno-bib:categories"
_BLOCK_CORRECTIONS = "llm4anno-bib:corrections"
_BLOCK_INTRO = "llm4anno-bib:list-intro"
LIBRARY_BLOCKS = (_BLOCK_META, _BLOCK_TREE, _BLOCK_CORRECTIONS, _BLOCK_INTRO)
HEADER = (
    "llm4anno-bib library: every work of the LLM4Annotation list, with the list's categories "
    "and corrections. Built by scripts/build_library.py from the list and the recorded source "
    "responses; field and entry order are fixed, see README."
)


def parse_bibtex(text: str, path: str = "<string>") -> bibtexparser.Library:
    """Parse BibTeX text, raising ``BibSyntaxError`` at the first block that failed.

    Duplicate keys are failures too: BibTeX would silently use one of the two.
    """
    library = bibtexparser.parse_string(text)
    for block in library.failed_blocks:
        line = block.start_line + 1
        if isinstance(block, btp.DuplicateBlockKeyBlock):
            raise BibSyntaxError(
                f"the key '{block.key}' is used twice; nothing was changed. Rename one of them.",
                path=path, line=line, key=block.key,
            )
        reason = getattr(block, "error", None)
        raise BibSyntaxError(
            f"this block cannot be parsed ({reason or 'syntax error'}); nothing was changed. "
            "Fix the entry and run 'llm4anno-bib check'.",
            path=path, line=line,
        )
    return library


def read_library(path: str | os.PathLike[str]) -> Library:
    """Read a library file (or any .bib: it simply has no tree or corrections).

    Raises ``BibSyntaxError`` for unreadable text and ``LibraryFormatError`` for a broken
    library block, both naming the file and line.
    """
    path_str = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = Path(path).read_bytes()[: exc.start].count(b"\n") + 1
        raise BibSyntaxError(f"the file is not UTF-8 (byte {exc.start}).", path=path_str,
                             line=line) from exc
    except OSError as exc:
        raise BibSyntaxError(f"cannot read the file: {exc.strerror or exc}.", path=path_str) from exc
    parsed = parse_bibtex(text, path_str)
    tree, corrections, meta = parse_library_blocks(parsed, path_str)
    intro = next((c.comment.partition("\n")[2] for c in parsed.comments
                  if c.comment.partition("\n")[0].strip() == _BLOCK_INTRO), "")
    entries = [
        Entry.from_fields(block.key, block.entry_type,
                          {f.key: str(f.value) for f in block.fields})
        for block in parsed.entries
    ]
    return Library(entries, tree, corrections, meta.get("survey"), path_str, intro.strip("\n"))


def parse_library_blocks(parsed: bibtexparser.Library, path: str
                         ) -> tuple[list[Category], list[Correction], dict[str, str]]:
    """The category tree, corrections and meta values of a parsed library file (empty for
    any other .bib). Raises ``LibraryFormatError`` with the line of a broken block."""
    meta: dict[str, str] = {}
    tree: list[Category] = []
    corrections: list[Correction] = []
    for comment in parsed.comments:
        name, _, body = comment.comment.partition("\n")
        line = comment.start_line + 1
        if name.strip() == _BLOCK_META:
            meta.update(_parse_meta(body))
        elif name.strip() == _BLOCK_TREE:
            tree = _parse_tree(body, path, line)
        elif name.strip() == _BLOCK_CORRECTIONS:
            corrections = _parse_corrections(body, path, line)
    return tree, corrections, meta


def _parse_meta(body: str) -> dict[str, str]:
    pairs = (line.partition("=") for line in body.splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, _, value in pairs}


def _parse_tree(body: str, path: str, first_line: int) -> list[Category]:
    tree: list[Category] = []
    parents: list[str] = []
    for offset, raw in enumerate(body.splitlines(), start=1):
        if not raw.strip():
            continue
        depth = (len(raw) - len(raw.lstrip(" "))) // 2
        parts = raw.strip().split(_SEP.strip())
        if len(parts) != 3 or depth > len(parents):
            raise LibraryFormatError(
                "a category line must read 'slug | Heading | keys', indented two spaces "
                "under its parent.", path=path, line=first_line + offset)
        slug, heading, keys = (p.strip() for p in parts)
        del parents[depth:]
        tree.append(Category(slug, heading, depth, parents[-1] if parents else None,
                             tuple(keys.split())))
        parents.append(slug)
    return tree


def _parse_corrections(body: str, path: str, first_line: int) -> list[Correction]:
    corrections = []
    for offset, raw in enumerate(body.splitlines(), start=1):
        if not raw.strip():
            continue
        parts = raw.strip().split(_SEP)
        if len(parts) != 5:
            raise LibraryFormatError(
                "a correction line must read 'key | kind | said | truth | source'.",
                path=path, line=first_line + offset)
        corrections.append(Correction(*(p.strip() for p in parts)))
    return corrections


# -- writing ------------------------------------------------------------------------------
def _field_rank(name: str) -> tuple[int, str]:
    return (FIELD_ORDER.index(name), "") if name in FIELD_ORDER else (len(FIELD_ORDER), name)


def _enclose(name: str, value: str) -> str:
    if name == "month" and value.lower() in _MONTHS:
        return value.lower()
    return "{" + value + "}"


def _to_block(entry: Entry) -> btp.Entry:
    names = sorted(entry.fields, key=_field_rank)
    return btp.Entry(entry.entry_type, entry.key,
                     [btp.Field(n, _enclose(n, entry.fields[n])) for n in names])


def _format() -> bibtexparser.BibtexFormat:
    fmt = bibtexparser.BibtexFormat()
    fmt.indent = "  "
    fmt.block_separator = "\n"
    fmt.trailing_comma = True
    return fmt


def _write_blocks(blocks: Iterable[btp.Block]) -> str:
    library = bibtexparser.Library(list(blocks))
    return bibtexparser.write_string(library, unparse_stack=[], bibtex_format=_format())


def format_entry(entry: Entry) -> str:
    """One entry as BibTeX, as ``library.bib`` has it."""
    return _write_blocks([_to_block(entry)])


def format_entries(entries: Iterable[Entry]) -> str:
    """Entries as BibTeX, in the order given."""
    return _write_blocks(_to_block(e) for e in entries)


def format_records(records: Iterable[tuple[str, str, Iterable[tuple[str, str]]]]) -> str:
    """Entries given as ``(type, key, [(field, value), ...])``, fields in the order given,
    values braced: the writer of the other BibTeX dialects (biblatex)."""
    return _write_blocks(btp.Entry(entry_type, key, [btp.Field(n, "{" + v + "}") for n, v in fields])
                         for entry_type, key, fields in records)


def _check_line_value(value: str, what: str) -> str:
    # BibTeX reads an "@" inside a comment block as the start of an entry.
    if "\n" in value or _SEP in value or "@" in value or "{" in value or "}" in value:
        raise LibraryFormatError(f"{what} '{value}' cannot be stored in a library block.")
    return value


def render_library(library: Library) -> str:
    """The full text of a library file: header, meta, tree, corrections, entries."""
    meta = [f"survey = {library.survey_key}"] if library.survey_key else []
    tree_lines = []
    for c in library.tree:
        _check_line_value(c.heading, "the heading")
        tree_lines.append("  " * c.depth + _SEP.join([c.slug, c.heading, " ".join(c.keys)]))
    correction_lines = [
        _SEP.join(_check_line_value(v, "the correction text")
                  for v in (c.key, c.kind, c.said, c.truth, c.source))
        for c in library.corrections()
    ]
    blocks: list[btp.Block] = [btp.ExplicitComment(HEADER)]
    for name, lines in ((_BLOCK_META, meta), (_BLOCK_TREE, tree_lines),
                        (_BLOCK_CORRECTIONS, correction_lines)):
        if lines:
            blocks.append(btp.ExplicitComment(name + "\n" + "\n".join(lines) + "\n"))
    if library.intro:
        for line in library.intro.splitlines():
            if "@" in line or "{" in line or "}" in line:
                raise LibraryFormatError(f"the list intro line '{line}' cannot be stored in a "
                                         "library block (no '@' or braces).")
        blocks.append(btp.ExplicitComment(_BLOCK_INTRO + "\n" + library.intro + "\n"))
    blocks.extend(_to_block(e) for e in library)
    return _write_blocks(blocks)


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` atomically: see
    ``write_bytes_atomic``."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | os.PathLike[str], content: bytes) -> None:
    """Write ``content`` to ``path`` so that it is always either the old or the new file:
    a temporary file in the same folder, fsynced, then renamed over the old one (whose
    permissions it keeps)."""
    target = Path(path)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                         dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        if target.exists():
            os.chmod(temp_name, target.stat().st_mode & 0o7777)
        else:
            os.chmod(temp_name, 0o644)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def write_library(library: Library, path: str | os.PathLike[str]) -> None:
    """Write the library atomically; the text is rendered before the file is touched."""
    write_text_atomic(path, render_library(library))

