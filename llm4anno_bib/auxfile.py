"""The keys a LaTeX paper cites, read from its ``.aux`` file, and the entries they name.

Read: BibTeX's ``\\citation{a,b}`` (natbib too), biblatex's ``\\abx@aux@cite{0}{key}`` (and the
older one-argument form), and nested ``\\@input{chapter.aux}`` files, relative to the main
``.aux`` file's folder, each once. ``\\citation{*}`` (``\\nocite{*}``) cites the whole library.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from pathlib import Path

from llm4anno_bib._paths import refuse_nul
from llm4anno_bib.errors import Llm4AnnoBibError, ReadError, closest
from llm4anno_bib.inputs import read_regular
from llm4anno_bib.model import Entry, Library

if TYPE_CHECKING:
    import pandas

__all__ = ["AuxCitations", "CiteResult", "cite_entries", "read_aux"]

_CITATION = re.compile(r"\\citation\{([^}]*)\}")
_BIBLATEX_CITE = re.compile(r"\\abx@aux@cite\{([^}]*)\}(?:\{([^}]*)\})?")
_INPUT = re.compile(r"\\@input\{([^}]*)\}")


@dataclass(frozen=True)
class AuxCitations:
    """The cited keys in first-citation order (each once), the files read, whether
    everything is cited (``\\nocite{*}``), and the inputs that were not read, with why."""

    keys: tuple[str, ...]
    files: tuple[str, ...]
    everything: bool = False
    skipped: tuple[tuple[str, str], ...] = ()


# An .aux file is a few kilobytes to a few megabytes; a chain of inputs a few dozen files.
MAX_AUX_BYTES = 50_000_000
MAX_AUX_FILES = 1000


@dataclass(frozen=True)
class CiteResult:
    """``library`` holds the cited entries, each under the key the paper cites (an alias
    becomes the entry's key, so BibTeX finds it); ``missing`` maps each key the library does
    not have to its closest keys; ``skipped_inputs`` names the ``\\@input`` files not read."""

    library: Library
    missing: dict[str, tuple[str, ...]]
    skipped_inputs: tuple[tuple[str, str], ...] = ()  # inputs of the .aux not read, and why
    case_only: dict[str, str] = field(default_factory=dict)  # cited key -> the entry's key

    def __repr__(self) -> str:
        return f"<CiteResult: {len(self.library)} entries, {len(self.missing)} missing>"

    def _repr_html_(self) -> str:
        from llm4anno_bib.notebook import cite_html

        return cite_html(self)

    def to_dataframe(self) -> pandas.DataFrame:
        """The cited entries (``Library.to_dataframe``); needs pandas."""
        return self.library.to_dataframe()


def read_aux(path: str | os.PathLike[str]) -> AuxCitations:
    """Every key ``path`` (and the ``.aux`` files it inputs) cites.

    Only regular files are read, at most ``MAX_AUX_BYTES`` each: a FIFO, a device or
    ``/dev/stdin`` would hang or never end. An input outside the main file's folder, one that
    is not a regular file, and one that does not exist (LaTeX writes the input before the
    file) are skipped and listed in ``skipped``. Raises ``Llm4AnnoBibError`` (exit 2) when
    the main file cannot be read.
    """
    refuse_nul(path, ReadError, "nothing was read")
    main = Path(path)
    folder = main.parent.resolve()
    keys: dict[str, None] = {}
    files: list[str] = []
    skipped: list[tuple[str, str]] = []
    everything = False
    pending = [main]
    while pending:
        current = pending.pop(0)
        if str(current) in files or any(name == str(current) for name, _ in skipped):
            continue
        try:
            refuse_nul(current, ReadError, "it was not read")  # (before resolve() meets it)
            if current != main and not current.resolve().is_relative_to(folder):
                raise _NotRead("outside the paper's folder")
            if len(files) >= MAX_AUX_FILES:
                raise _NotRead(f"more than {MAX_AUX_FILES} inputs")
            text = read_regular(current, MAX_AUX_BYTES).decode("utf-8", errors="replace")
        except (ReadError, _NotRead) as exc:
            reason = (exc.message if isinstance(exc, ReadError) else str(exc)).rstrip(".")
            if current == main:
                raise Llm4AnnoBibError(f"cannot read the .aux file: {reason}.",
                                       path=str(current)) from exc
            skipped.append((str(current), reason))
            continue
        files.append(str(current))
        for line in text.splitlines():
            everything = _cited_in(line, keys) or everything
            pending += [main.parent / match.group(1).strip() for match in _INPUT.finditer(line)]
    return AuxCitations(tuple(keys), tuple(files), everything, tuple(skipped))


def _cited_in(line: str, keys: dict[str, None]) -> bool:
    """Add the keys one line of an .aux file cites (BibTeX's ``\\citation``, biblatex's
    ``\\abx@aux@cite``) to ``keys``; whether it cites everything (``\\nocite{*}``)."""
    cited = [key for match in _CITATION.finditer(line) for key in match.group(1).split(",")]
    cited += [match.group(2) if match.group(2) is not None else match.group(1)
              for match in _BIBLATEX_CITE.finditer(line)]
    everything = False
    for key in (key.strip() for key in cited):
        if key == "*":
            everything = True
        elif key:
            keys.setdefault(key)
    return everything


class _NotRead(Exception):
    """An input that is not read, and why."""


def cite_entries(library: Library, citations: AuxCitations, *,
                 candidates: Sequence[str] | None = None) -> CiteResult:
    """The library's entries for ``citations``; the rest, with the closest of
    ``candidates`` (default: the library's keys and aliases), as missing.

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
    case_only: dict[str, str] = {}
    if candidates is None:
        candidates = [*(e.key for e in library), *(a for e in library for a in e.aliases)]
    written = {key.lower() for key in cited}  # BibTeX matches keys without case: one
    # entry per key however the paper cases it, under the first casing it cites
    for key in citations.keys:
        entry = library.get(key)
        if entry is None:
            missing[key] = tuple(closest(key, candidates))
            continue
        if library.key_case(key) is not None:
            case_only[key] = entry.key
        if key.lower() not in written:
            chosen.append(entry if entry.key == key else
                          Entry.from_fields(key, entry.entry_type, entry.fields))
            cited.append(key)
            written.add(key.lower())
    # the parents a cited entry cross-references, after it, or BibTeX loses the proceedings
    return CiteResult(library.with_parents(library.with_entries(chosen)), missing,
                      citations.skipped, case_only)
