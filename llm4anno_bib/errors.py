"""The exception tree: one base class with structured fields, a few subclasses.

The CLI turns each into one line on stderr and an exit code; the library never prints.
"""

from __future__ import annotations

from collections.abc import Iterable



class Llm4AnnoBibError(Exception):
    """Base class of every error this package raises on purpose.

    Carries the place it is about where that is known, so callers can report it
    without parsing the message.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        key: str | None = None,
        url: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.key = key
        self.url = url
        self.status = status

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        return where + self.message


class ConfigError(Llm4AnnoBibError):
    """A configuration file (``llm4anno-bib.toml``, ``[tool.llm4anno-bib]``) that cannot be
    used: unreadable, not TOML, an unknown setting or a value of the wrong kind."""


class BibSyntaxError(Llm4AnnoBibError):
    """A .bib file (or a part of it) cannot be read without losing data."""


class LibraryFormatError(Llm4AnnoBibError):
    """library.bib is valid BibTeX but breaks a rule of the library format."""


class NotFound(Llm4AnnoBibError):
    """A key, category or record that does not exist. ``suggestions`` holds the closest names."""

    exit_code = 1

    def __init__(self, message: str, *, suggestions: Iterable[str] = (), **where: object) -> None:
        self.suggestions = tuple(suggestions)
        if self.suggestions:
            message += " Closest: " + ", ".join(self.suggestions) + "."
        super().__init__(message, **where)  # type: ignore[arg-type]


class UnknownKey(NotFound, KeyError):
    """No entry has this citation key or alias (a ``KeyError`` too: ``except KeyError``
    catches it)."""


class UnknownCategory(NotFound, ValueError):
    """No category has this name (a ``ValueError`` too); ``category`` holds the name."""

    def __init__(self, message: str, *, category: str | None = None, **where: object) -> None:
        super().__init__(message, **where)  # type: ignore[arg-type]
        self.category = category


class ReadError(Llm4AnnoBibError):
    """A file could not be read: missing, no permission, a folder, a device, FIFO or socket,
    or larger than any file the command reads (``inputs.read_regular``)."""


class WriteError(Llm4AnnoBibError):
    """A file could not be written (no permission, a full disk, not a regular file, the
    file the command reads); nothing was written."""


class UnsafeOutput(WriteError):
    """What a command was about to write would act as markup (a field of its own, a macro
    that runs or reads a file) or could not be read back: the last guard before a write,
    after every value was made inert where it came in. Nothing was written."""


class LibraryLocked(Llm4AnnoBibError):
    """Another process kept the file locked for longer than the wait allowed."""


class UnknownFormat(Llm4AnnoBibError):
    """An export format this version does not have."""


class UnknownStyle(UnknownFormat):
    """A reference style or backend pybtex does not have, or one given for a format that
    has none (only ``refs`` has a style and a backend)."""


class InvalidIdentifier(Llm4AnnoBibError):
    """Text that is not the identifier it should be: an arXiv id or URL, an ACL Anthology id
    or URL, a DOI, a DBLP key."""


class SourceError(Llm4AnnoBibError):
    """A source (arXiv, ACL Anthology, DBLP) could not be asked or gave an answer we cannot
    trust. ``source`` names it; the message says which source and which address."""

    exit_code = 1
    source: str | None = None  # set by the source client that asked

    @property
    def summary(self) -> str:
        """The source and what went wrong, without the address (one line for many entries)."""
        return f"{self.source}: {self.message}" if self.source else self.message

    def __str__(self) -> str:
        if self.path is not None:
            return super().__str__()
        return self.summary + (f" ({self.url})" if self.url else "")


def closest(name: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """Return up to ``limit`` names from ``candidates`` that look most like ``name``.

    >>> closest("wei2022chian", ["wei2022chain", "brown2020language"])
    ['wei2022chain']
    """
    from rapidfuzz import fuzz, process  # loaded only when a name was not found

    pool = list(dict.fromkeys(candidates))
    found = process.extract(
        name.lower(), pool, scorer=fuzz.WRatio, processor=str.lower, limit=limit, score_cutoff=60
    )
    return [match for match, _score, _index in found]


class Llm4AnnoBibWarning(UserWarning):
    """Base class of the warnings this package gives: something unusual was handled without
    loss, and the user should know. The CLI prints them as one line on stderr."""


class CacheWarning(Llm4AnnoBibWarning):
    """The cache of source answers could not be used as it was (damaged, another schema, a
    full disk); it was set aside or bypassed, and the command went on."""


class SourceWarning(Llm4AnnoBibWarning):
    """A source sent something that was refused and left out (a field off its grammar, a
    record without a valid id); the rest of its answer was used. ``url`` says which answer."""

    def __init__(self, message: str, url: str | None = None) -> None:
        super().__init__(f"{url}: {message}" if url else message)
        self.url = url
        self.message = message


class BibWarning(Llm4AnnoBibWarning):
    """Valid but unusual input, read without loss (a BOM, mixed line endings, keys that
    differ only in case, a macro defined elsewhere). ``path`` and ``line`` say where."""

    def __init__(self, message: str, path: str, line: int | None = None) -> None:
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")
        self.path = path
        self.line = line
        self.message = message


def choose(value: str, choices: tuple[str, ...], what: str,
           error: type[Llm4AnnoBibError] = UnknownFormat) -> str:
    """``value`` as one of ``choices`` (any case, blanks around it ignored); ``error``
    naming them otherwise. The one check of every ``--format``, ``--style`` and ``--backend``.

    >>> choose(" BibTeX ", ("bibtex", "biblatex"), "export format")
    'bibtex'
    """
    chosen = value.strip().lower() if isinstance(value, str) else value
    if chosen not in choices:
        raise error(f"unknown {what} '{value}'; choose one of: {', '.join(choices)}.")
    return chosen
