"""llm4anno-bib: correct citations for the LLMs-for-data-annotation paper list.

>>> import llm4anno_bib
>>> library = llm4anno_bib.load()
>>> cot = library.filter(category="chain-of-thought-prompting-cot")
>>> "wei2022chain" in cot
True
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from llm4anno_bib.bibfile import read_library
from llm4anno_bib.errors import (
    BibSyntaxError, LibraryFormatError, Llm4AnnoBibError, NotFound, SourceError, UnknownCategory,
    UnknownKey,
)
from llm4anno_bib.model import Category, Correction, Entry, Library

__all__ = [
    "BibSyntaxError", "Category", "Correction", "Entry", "Library", "LibraryFormatError",
    "Llm4AnnoBibError", "NotFound", "SourceError", "UnknownCategory", "UnknownKey",
    "load", "shipped_library_path", "survey",
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
    cannot be read without losing data.
    """
    return read_library(path if path is not None else shipped_library_path())


def survey(path: str | os.PathLike[str] | None = None) -> str:
    """The survey's own citation: one BibTeX entry, the version of record with its eprint."""
    return load(path).survey().bibtex
