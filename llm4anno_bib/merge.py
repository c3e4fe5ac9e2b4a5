"""Appending library entries to a user's own ``.bib`` without touching a byte of it.

The user's file is read only to learn what it already has: keys (BibTeX matches them without
case), ``ids`` aliases, DOIs, arXiv ids (``eprint``, arXiv URLs, ``arXiv:`` in ``journal``),
Anthology ids and normalised titles. New works are appended after the last byte, in the
file's own line endings and encoding; everything before stays as it was: comments,
``@string``s, order, CRLF, odd bytes. The result is written atomically.
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llm4anno_bib._libcache import content_digest, keep_works, kept_works
from llm4anno_bib.bibfile import (
    ParsedBib, decode_bib, entry_written_like, file_warnings, line_ending, parse_entries,
    text_encoding,
)
from llm4anno_bib.checking import ensure_inert_text
from llm4anno_bib.errors import BibWarning, Llm4AnnoBibError
from llm4anno_bib.inputs import read_regular
from llm4anno_bib.ids import identity_label
from llm4anno_bib.model import Entry, Library, cites_preprint

__all__ = ["MergeResult", "Skipped", "merge_into", "write_merge"]

@dataclass(frozen=True, slots=True)
class Skipped:
    """A library entry not appended: ``theirs`` is the key the file already has it under."""

    key: str
    theirs: str
    reason: str


@dataclass(frozen=True)
class MergeResult:
    """What appending would do: the keys added, the entries skipped, the new file bytes."""

    path: str
    added: tuple[str, ...]
    skipped: tuple[Skipped, ...]
    content: bytes
    encoding: str
    newline: str


def merge_into(library: Library, target: str | os.PathLike[str], *, encoding: str | None = None,
               format: str | None = None, venues: str | None = None) -> MergeResult:
    """What appending ``library``'s works to the file ``target`` gives (nothing is written:
    ``write_merge`` writes ``result.content``). A missing file is created. ``format`` is
    ``bibtex`` or ``biblatex``; by default the file's own (``file_dialect``).

    Raises ``BibSyntaxError`` (with the line) for bytes that are not in the encoding or a
    block that cannot be parsed (its entries could be duplicated otherwise).
    """
    path = Path(target)
    raw = read_regular(path) if path.exists() else b""
    used = text_encoding(encoding or "utf-8", str(path))
    text = decode_bib(raw, str(path), encoding)
    rows, about_entries = _rows_of(raw, text, used, path)
    for warning in file_warnings(text, str(path)) + about_entries:
        warnings.warn(warning, stacklevel=3)
    added, skipped = _sorted_out(library, rows, path)
    newline = line_ending(text)
    format = format or (file_dialect(text) if added else "bibtex")
    addition = library.with_entries(added).export(format, venues=venues) if added else ""
    if addition and format.strip().lower() in ("bibtex", "biblatex"):
        addition = _in_house_style(addition, text)
    if addition:
        ensure_inert_text(addition, str(path))
        body = text.removeprefix("\ufeff")
        lead = "" if not body or body.endswith(("\n", "\r")) else newline
        lead += newline if body.strip() else ""
        addition = lead + addition.replace("\n", newline)
    try:
        appended = addition.encode(_without_bom(used, raw))
    except UnicodeEncodeError as exc:
        raise Llm4AnnoBibError(f"the new entries cannot be written in {used} ({exc.reason}); "
                               "nothing was written.", path=str(path)) from exc
    if added:  # what the file will hold: kept now, so that the next --into needs no parse
        after, about_added = _parsed_works(
            addition, path, first_line=text.count("\r" if newline == "\r" else "\n") + 1)
        keep_works(content_digest(raw + appended), used, rows + after,
                   about_entries + about_added)
    return MergeResult(str(path), tuple(e.key for e in added), tuple(skipped), raw + appended,
                       used, newline)


def file_dialect(text: str) -> str:
    """``biblatex`` where a file's entries write more of biblatex's own fields (``date``,
    ``journaltitle``, ``eprinttype``) than of BibTeX's (``year``, ``journal``,
    ``archiveprefix``), as Zotero's and JabRef's biblatex exports do; else ``bibtex``: what
    is appended to it is written in its dialect.

    >>> file_dialect("@article{a,\\n  date = {2023},\\n  journaltitle = {J},\\n}\\n")
    'biblatex'
    """
    tail = text[-_DIALECT_SAMPLE:]  # (the entries nearest the appended ones, as the style)
    biblatex = len(_BIBLATEX_FIELD.findall(tail))
    return "biblatex" if biblatex > len(_BIBTEX_FIELD.findall(tail)) else "bibtex"


_DIALECT_SAMPLE = 200_000  # characters: a few hundred entries, 2 ms wherever the file is 20 MB


_BIBLATEX_FIELD = re.compile(r"^[ \t]*+(?:date|journaltitle|eprinttype)[ \t]*+=", re.M | re.I)
_BIBTEX_FIELD = re.compile(r"^[ \t]*+(?:year|journal|archiveprefix)[ \t]*+=", re.M | re.I)


def _in_house_style(addition: str, text: str) -> str:
    """The appended entries laid out like the file's last entry written over lines (its
    indentation, alignment, delimiters, case and name order: a colleague adding to a file
    copies its neighbours); as exported where the file has no such entry, or where one
    would not read back the same."""
    model = _last_entry_over_lines(text.replace("\r\n", "\n").replace("\r", "\n"))
    if model is None:
        return addition
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        entries = parse_entries(addition, duplicates="all").entries
    written = [entry_written_like(entry, model) for entry in entries]
    if not written or any(w is None for w in written):
        return addition
    return "\n\n".join(w for w in written if w is not None) + "\n"


_MODELS_TRIED = 20  # entries from the file's end: a file of @strings or one-line entries


def _last_entry_over_lines(text: str) -> str | None:
    """The text of the last of the file's entries (``@type{key,`` to its closing brace)
    that is plain BibTeX written over lines with two fields or more, among its last few."""
    from llm4anno_bib._fastsplit import entry_layout

    end = len(text)
    for _ in range(_MODELS_TRIED):
        start = text.rfind("\n@", 0, end) + 1
        if start == 0 and not text.startswith("@"):
            return None
        block = text[start:end]
        layout = entry_layout(block)
        if layout is not None and len(layout[2]) >= 2 and "\n" in block[:layout[1]] and \
                block[1:layout[0]].lower() not in ("string", "preamble", "comment"):
            return block[:layout[1] + 1]
        if start == 0:
            return None
        end = start - 1
    return None


def _rows_of(raw: bytes, text: str, used: str, path: Path
             ) -> tuple[list[list[Any]], list[BibWarning]]:
    """The target's works (``_works``' rows) and the warnings about its entries: kept from
    the last time these bytes were read, else parsed (and kept for the next time)."""
    digest = content_digest(raw)
    kept = kept_works(digest, used)
    if kept is None:
        rows, about_entries = _parsed_works(text, path)
        keep_works(digest, used, rows, about_entries)
        return rows, about_entries
    return kept[0], [BibWarning(message, str(path), line) for message, line in kept[1]]


def _sorted_out(library: Library, rows: list[list[Any]], path: Path
                ) -> tuple[list[Entry], list[Skipped]]:
    """The works to append, and those skipped: already in the file (by an identifier), or
    whose key the file gives another work."""
    theirs: dict[str, _Theirs] = {}
    keys: dict[str, _Theirs] = {}
    # only the file's works that could match one of ours are indexed (the file may hold
    # tens of thousands, the export a handful); the first of each key or identity wins
    our_identities = {i for entry in library for i in entry.identifiers()}
    our_keys = {entry.key.lower() for entry in library}
    for key, line, title, year, preprint, aliases, identities in rows:
        if key.lower() not in our_keys and our_identities.isdisjoint(identities) and \
                not any(alias.lower() in our_keys for alias in aliases):
            continue
        held = _Theirs(key, line, title, year, preprint)
        for name in (key, *aliases):
            keys.setdefault(name.lower(), held)
        for identity in identities:
            theirs.setdefault(identity, held)
    added: list[Entry] = []
    skipped: list[Skipped] = []
    for entry in library:
        match = next(((theirs[i], identity_label(i)) for i in entry.identifiers()
                      if i in theirs), None)
        if match is not None:
            their, label = match
            skipped.append(Skipped(entry.key, their.key,
                                   f"already there as '{their.key}' (line {their.line}, same "
                                   f"{label}){_outdated(their, entry, path)}"))
        elif entry.key.lower() in keys:
            their = keys[entry.key.lower()]
            skipped.append(Skipped(entry.key, their.key,
                                   f"the key is taken in the file by another work, "
                                   f"'{their.title}' (line {their.line}); rename that entry, "
                                   f"or export this one with another key"))
        else:
            added.append(entry)
    return added, skipped


@dataclass(frozen=True, slots=True)
class _Theirs:
    """What the target file holds of one work (``_works``' row)."""

    key: str
    line: int
    title: str
    year: int | None
    preprint: bool


def _parsed_works(text: str, path: Path, first_line: int = 1
                  ) -> tuple[list[list[Any]], list[BibWarning]]:
    """The rows of ``text`` (``_works``) and the warnings its parse gives about its entries
    (those about the file as a whole are said by the caller, of the whole file)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", BibWarning)
        rows = _works(parse_entries(text, str(path), duplicates="all"), first_line)
    about_file = {str(w) for w in file_warnings(text, str(path))}
    return rows, [BibWarning(w.message.message, str(path), w.message.line and
                             w.message.line + first_line - 1)
                  for w in caught
                  if isinstance(w.message, BibWarning) and str(w.message) not in about_file]


def _works(parsed: ParsedBib, first_line: int = 1) -> list[list[Any]]:
    """Each entry of a parsed file as the row ``merge_into`` matches against: key, line,
    title (its start), year, whether it cites a preprint, aliases, identities."""
    return [[e.key, line + first_line - 1, e.title[:60], e.year, cites_preprint(e),
             list(e.aliases), sorted(e.identifiers())]
            for e, line in zip(parsed.entries, parsed.lines)]


def _outdated(theirs: _Theirs, ours: Entry, path: Path) -> str:
    """A hint when the file's copy of a work says other than the library does (another
    year, a preprint of the published version)."""
    differences = []
    if theirs.year and ours.year and theirs.year != ours.year:
        differences.append(f"year {theirs.year}, the library {ours.year}")
    if theirs.preprint and not cites_preprint(ours):
        differences.append(f"a preprint, the library cites {ours.venue or 'its published version'}")
    if not differences:
        return ""
    return (f", but it differs ({'; '.join(differences)}): run 'llm4anno-bib verify {path}' "
            "to see and fix it")


def _without_bom(encoding: str, raw: bytes) -> str:
    """The codec that appends to ``raw`` in ``encoding`` without a second byte order mark:
    ``utf-16`` and ``utf-8-sig`` write one at the start of what they encode, which in the
    middle of a file is a stray character. A new file gets its mark."""
    import codecs

    name = codecs.lookup(encoding).name
    if not raw:
        return encoding
    if name == "utf-8-sig":
        return "utf-8"
    if name in ("utf-16", "utf-32"):
        size = 2 if name == "utf-16" else 4
        big = raw[:size] == (codecs.BOM_UTF16_BE if size == 2 else codecs.BOM_UTF32_BE)
        return f"{name}-{'be' if big else 'le'}"
    return encoding


def write_merge(result: MergeResult) -> None:
    """Write a merge's bytes as every file is written (``files.write_file``: locked,
    atomic, through links); nothing when nothing was added."""
    from llm4anno_bib.files import write_file

    if result.added:
        write_file(result.path, result.content)
