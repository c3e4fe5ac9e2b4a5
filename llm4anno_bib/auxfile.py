"""The keys a LaTeX paper cites, read from its ``.aux`` file, and the entries they name.

Read: BibTeX's ``\\citation{a,b}`` (natbib too), biblatex's ``\\abx@aux@cite{0}{key}`` (and the
older one-argument form), and nested ``\\@input{chapter.aux}`` files, relative to the main
``.aux`` file's folder, each once. ``\\citation{*}`` (``\\nocite{*}``) cites the whole library.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from llm4anno_bib.errors import Llm4AnnoBibError, closest
from llm4anno_bib.model import Entry, Library

__all__ = ["AuxCitations", "CiteResult", "cite_entries", "read_aux"]

_CITATION = re.compile(r"\\citation\{([^}]*)\}")
_BIBLATEX_CITE = re.compile(r"\\abx@aux@cite\{([^}]*)\}(?:\{([^}]*)\})?")
_INPUT = re.compile(r"\\@input\{([^}]*)\}")


@dataclass(frozen=True)
class AuxCitations:
    """The cited keys in first-citation order (each once), the files read, and whether
    everything is cited (``\\nocite{*}``)."""

    keys: tuple[str, ...]
    files: tuple[str, ...]
    everything: bool = False


@dataclass(frozen=True)
class CiteResult:
    """``library`` holds the cited entries, each under the key the paper cites (an alias
    becomes the entry's key, so BibTeX finds it); ``missing`` maps each key the library does
    not have to its closest keys."""

    library: Library
    missing: dict[str, tuple[str, ...]]


def read_aux(path: str | os.PathLike[str]) -> AuxCitations:
    """Every key ``path`` (and the ``.aux`` files it inputs) cites.

    Raises ``Llm4AnnoBibError`` (exit 2) when the main file cannot be read; an inputted file
    that does not exist is skipped (LaTeX writes the input before the file).
    """
    main = Path(path)
    keys: dict[str, None] = {}
    files: list[str] = []
    everything = False
    pending = [main]
    while pending:
        current = pending.pop(0)
        if str(current) in files:
            continue
        try:
            text = current.read_bytes().decode("utf-8", errors="replace")
        except OSError as exc:
            if current == main:
                raise Llm4AnnoBibError(f"cannot read the .aux file: {exc.strerror or exc}.",
                                       path=str(current)) from exc
            continue
        files.append(str(current))
        for line in text.splitlines():
            for match in _CITATION.finditer(line):
                for key in match.group(1).split(","):
                    key = key.strip()
                    if key == "*":
                        everything = True
                    elif key:
                        keys.setdefault(key)
            for match in _BIBLATEX_CITE.finditer(line):
                key = (match.group(2) if match.group(2) is not None else match.group(1)).strip()
                if key == "*":
                    everything = True
                elif key:
                    keys.setdefault(key)
            for match in _INPUT.finditer(line):
                pending.append(main.parent / match.group(1).strip())
    return AuxCitations(tuple(keys), tuple(files), everything)


def cite_entries(library: Library, citations: AuxCitations) -> CiteResult:
    """The library's entries for ``citations``; the rest, with the closest keys, as missing.

    >>> import llm4anno_bib
    >>> result = cite_entries(llm4anno_bib.load(), AuxCitations(("wei2022chian",), ()))
    >>> result.missing["wei2022chian"][0]
    'wei2022chain'
    """
    if citations.everything:
        chosen = list(library)
        cited = [e.key for e in library]
    else:
        chosen, cited = [], []
    missing: dict[str, tuple[str, ...]] = {}
    candidates = [*(e.key for e in library), *(a for e in library for a in e.aliases)]
    for key in citations.keys:
        entry = library.get(key)
        if entry is None:
            missing[key] = tuple(closest(key, candidates))
        elif key not in cited:
            chosen.append(entry if entry.key == key else
                          Entry.from_fields(key, entry.entry_type, entry.fields))
            cited.append(key)
    return CiteResult(library.with_entries(chosen), missing)
