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
  ``listmd.render_list``), with ``%``, ``@`` and braces written ``%25``, ``%40``, ``%7B``,
  ``%7D`` (BibTeX would read an ``@`` as a new entry and count the braces); headings and
  correction texts also write ``|`` and line breaks as ``%7C``, ``%0A``, ``%0D``.
"""

from __future__ import annotations

import logging
import os
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

import bibtexparser
from bibtexparser import model as btp

from llm4anno_bib._fastsplit import BRACED_VALUE
from llm4anno_bib._text import collapse_spaces, shortened
from llm4anno_bib.errors import (
    BibSyntaxError, BibWarning, LibraryFormatError, Llm4AnnoBibError, WriteError,
)
from llm4anno_bib.files import write_file
from llm4anno_bib.ids import MONTH_MACROS
from llm4anno_bib.inputs import read_regular
from llm4anno_bib.filetext import (
    BLOCK_CORRECTIONS as _BLOCK_CORRECTIONS, BLOCK_INTRO as _BLOCK_INTRO,
    BLOCK_META as _BLOCK_META, BLOCK_TREE as _BLOCK_TREE, LIBRARY_BLOCKS, SourceText,
    block_values,
)
from llm4anno_bib.model import Category, Correction, Entry, Library
from llm4anno_bib.names import (
    comma_listed, et_al_written, family_first, in_order_of, others_misspelt, split_names,
    stray_and,
)

__all__ = ["FIELD_ORDER", "FOLDED_FIELD", "LIBRARY_BLOCKS", "MAX_VALUE_CHARS", "BlockLines",
           "comma_listed_names", "concatenated_parts", "decode_bib", "edited_entry",
           "unenclosed", "expanded_strings", "format_entries", "format_entry", "format_records",
           "line_ending", "parse_bibtex", "parse_entries", "parse_library_blocks",
           "read_bib_bytes", "read_cited", "read_library", "reading_text", "text_encoding",
           "write_library"]

FIELD_ORDER = (
    "title", "author", "editor", "booktitle", "series", "journal", "volume", "number", "pages",
    "year", "month", "address", "publisher", "howpublished", "doi", "url",
    "eprint", "archiveprefix", "primaryclass", "anthology", "dblp", "ids", "keywords",
    "pdf", "code", "data", "webpage", "curated",
)
_SEP = " | "
# bibtexparser logs what it could not parse before we raise it as one error with its line;
# without a handler, Python would print those records on stderr
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())
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
    _raise_failed(library, path, BlockLines(text, library.blocks))
    return library


_MONTH_MACROS = frozenset(MONTH_MACROS)
# a value's end, then a line break, then "name =": a field folded into the one before it. The
# blanks before the first line break are not "\s*" (it would try every split of a long run).
FOLDED_FIELD = re.compile(r"[}\"][^\S\n]*+\n\s*+([A-Za-z][\w-]*+)\s*+=\s*+[{\"0-9]")


def read_bib_bytes(path: str | os.PathLike[str], encoding: str | None = None) -> str:
    """The text of a .bib file, exactly (no newline translation). Raises ``BibSyntaxError``
    for bytes that are not in ``encoding`` (UTF-8 by default) or NUL bytes, ``ReadError``
    for a path that cannot be read or is no regular file (``inputs.read_regular``)."""
    return decode_bib(read_regular(path), str(path), encoding)


def read_list_text(path: str | os.PathLike[str]) -> str:
    """The text of a list README (no newline translation): UTF-8, or UTF-16 or UTF-32 where
    a byte order mark says so (a list is no BibTeX file; Windows programs save "Unicode"
    text so), without the mark. Errors as ``read_bib_bytes``."""
    raw = read_regular(path)
    marked = marked_encoding(raw)
    return decode_bib(raw, str(path), marked.lower() if marked else None).removeprefix("\ufeff")


def text_encoding(name: str, path: str) -> str:
    """``name`` when it is a text encoding Python knows, else ``BibSyntaxError``: base64,
    rot13 and zlib are codecs too, of bytes to bytes (``str.encode`` refuses them), and a
    mistyped name is no codec at all.

    >>> text_encoding("latin-1", "refs.bib")
    'latin-1'
    """
    import codecs

    try:
        codecs.lookup(name)
    except LookupError as exc:
        raise BibSyntaxError(f"unknown encoding '{name}'; nothing was read or written.",
                             path=path) from exc
    try:
        " ".encode(name)  # empty text would not ask the codec
    except LookupError as exc:
        raise BibSyntaxError(f"'{name}' is no text encoding (utf-8, latin-1, mac-roman, "
                             "utf-16...); nothing was read or written.", path=path) from exc
    except UnicodeError:  # a text encoding without a space: still one
        pass
    return name


def marked_encoding(raw: bytes) -> str | None:
    """The encoding a file's byte order mark names, where it is one BibTeX cannot read
    (UTF-16 or UTF-32, as Windows programs save "Unicode" text), else ``None``.

    >>> marked_encoding("@misc{a}".encode("utf-16")), marked_encoding(b"@misc{a}")
    ('UTF-16', None)
    """
    import codecs

    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "UTF-32"
    return "UTF-16" if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else None


def marked_encoding_said(marked: str) -> str:
    """What to say of a file in ``marked`` (``marked_encoding``)."""
    return (f"the file is {marked} (its byte order mark says so), which BibTeX cannot read; "
            f"save it as UTF-8, or pass --encoding {marked.lower()} (check, verify, upgrade "
            "and export --into take it)")


def decode_bib(raw: bytes, path: str, encoding: str | None = None) -> str:
    """``raw`` decoded (UTF-8 unless ``encoding`` says otherwise); ``BibSyntaxError`` with
    the line for a byte that is not in the encoding or a NUL byte."""
    name = text_encoding(encoding or "utf-8", path)
    try:
        text = raw.decode(name)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        marked = marked_encoding(raw) if encoding is None else None
        if marked is not None:
            raise BibSyntaxError(f"{marked_encoding_said(marked)}; nothing was changed.",
                                 path=path, line=1) from exc
        raise BibSyntaxError(
            f"byte {exc.start} (0x{raw[exc.start]:02x}) is not {encoding or 'UTF-8'}; nothing "
            "was changed. "
            "Save the file as UTF-8, or pass --encoding with its encoding (e.g. mac-roman; "
            "check, verify, upgrade and export --into take it).",
            path=path, line=line) from exc
    if "\x00" in text:
        raise BibSyntaxError("the file holds a NUL byte (a binary or damaged file); nothing was "
                             "changed.", path=path, line=text[: text.index("\x00")].count("\n") + 1)
    return text


# The longest value a field or an ``@string`` may expand to through ``@string`` macros (a
# value written out is bounded by the file's size). BibTeX's own buffer was 20,000
# characters (its "buffer size exceeded"); the longest value of every real file we hold is
# under 10,000. ``@string{s1 = s0 # s0}`` forty times over would otherwise make 2**40 copies.
MAX_VALUE_CHARS = 100_000


class _TooLong(Exception):
    """A value past ``MAX_VALUE_CHARS``: its callers name the file, line and key."""


def _too_long(what: str, path: str, line: int | None, key: str | None = None) -> BibSyntaxError:
    return BibSyntaxError(f"{what} expands to more than {MAX_VALUE_CHARS:,} characters (an "
                          "@string that doubles itself over and over?); nothing was read or "
                          "changed. Shorten it.", path=path, line=line, key=key)


def expanded_strings(blocks: Iterable[btp.String], path: str, lines: Callable[[Any], int],
                     known: Mapping[str, str] | None = None) -> dict[str, str]:
    """The value of each ``@string`` (names lowercase), in file order, each built from
    those before it (and the ``known`` ones, of files read before). Raises
    ``BibSyntaxError`` with the line for one past ``MAX_VALUE_CHARS``."""
    strings: dict[str, str] = dict(known or {})
    for block in blocks:
        try:
            strings[block.key.lower()] = _resolve(str(block.value), strings, [])
        except _TooLong:
            raise _too_long(f"the @string '{block.key}'", path, lines(block)) from None
    return strings


def _resolve(raw: str, strings: Mapping[str, str], unknown: list[str]) -> str:
    """A field's value from its raw text: braces or quotes removed, ``#`` parts joined,
    ``@string`` macros replaced; month macros and unknown macros stay as their names.
    Raises ``_TooLong`` when macros make it longer than ``MAX_VALUE_CHARS``, before the
    value is built."""
    if "#" not in raw:  # one part: most values; no need to walk the characters
        part = raw.strip()
        if len(part) >= 2 and (part[0], part[-1]) in (("{", "}"), ('"', '"')):
            return part[1:-1]
        if part.isdigit():
            return part
        raw = part
    values = []
    size = 0
    for part in (p.strip() for p in concatenated_parts(raw)):
        size += len(strings.get(part.lower(), part))
        if size > MAX_VALUE_CHARS and size > len(raw):  # grown by macros, not as written
            raise _TooLong
        values.append(_part_value(part, strings, unknown))
    return "".join(values)


def concatenated_parts(raw: str) -> list[str]:
    """A raw value split at BibTeX's ``#`` (outside braces and quotes), as BibTeX splits
    it: a brace counts whatever stands before it (BibTeX knows no escapes).

    >>> concatenated_parts('dtv # { and } # "C#"')
    ['dtv ', ' { and } ', ' "C#"']
    """
    if "#" not in raw:
        return [raw]
    parts, depth, start, quoted = [], 0, 0, False
    for index, char in enumerate(raw):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(raw[start:index])
            start = index + 1
    parts.append(raw[start:])
    return parts


def unenclosed(value: str) -> str:
    """A raw value without the braces or quotes that enclose the whole of it, by
    bibtexparser's rule (its ``RemoveEnclosingMiddleware``, whose method is private): a
    brace or quote after a backslash is no delimiter, and ``{a} # {b}`` is not enclosed.

    >>> unenclosed(" {On {BERT}} "), unenclosed('"x"'), unenclosed("{a} # {b}")
    ('On {BERT}', 'x', '{a} # {b}')
    """
    value = value.strip()
    if len(value) >= 2:
        if value[0] == "{" and value[-1] == "}" and _braces_enclose(value):
            return value[1:-1]
        if value[0] == '"' and value[-1] == '"' and _quotes_enclose(value):
            return value[1:-1]
    return value


_UNESCAPED_BRACE = re.compile(r"(?<!\\)[{}]")
_ONE_GROUP = re.compile(BRACED_VALUE)
_UNESCAPED_BRACE_OR_QUOTE = re.compile(r'(?<!\\)[{}"]')


def _braces_enclose(value: str) -> bool:
    """Whether the brace opening ``value`` is the one closing it."""
    inner = value[1:-1]
    if "{" not in inner and "}" not in inner:
        return not inner.endswith("\\")
    if _ONE_GROUP.fullmatch(value):  # the same rule, at C speed, for braces up to 7 deep
        return True
    depth = 0
    for found in _UNESCAPED_BRACE.finditer(value):
        depth += 1 if found.group() == "{" else -1
        if depth < 0 or depth == 0 and found.start() != len(value) - 1:
            return False
    return depth == 0


def _quotes_enclose(value: str) -> bool:
    """Whether the quote opening ``value`` is the one closing it (quotes in braces aside)."""
    last = len(value) - 1
    if value.find('"', 1, last) < 0:
        return True
    depth = 0
    for found in _UNESCAPED_BRACE_OR_QUOTE.finditer(value, 1, last):
        char = found.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            return False
    return True


def comma_listed_names(fields: Mapping[str, str]) -> list[tuple[str, str]]:
    """What to say of each ``author``/``editor`` value that BibTeX reads as other people
    than it lists, as ``(code, message)``: a name of more than two commas (names listed
    with commas, not ``and``; read as BibTeX reads it), an "and" with no name beside it,
    "et al." written into a name."""
    said = []
    for role in ("author", "editor"):
        value = fields.get(role)
        if not value:
            continue
        for found_in, code, message in _NAME_LIST_PROBLEMS:
            found = found_in(value)
            if found is not None:
                said.append((code, message.format(role=role, name=shortened(found, 80))))
    return said


# each: what finds the name BibTeX reads otherwise, the problem's code, what to say of it
_NAME_LIST_PROBLEMS: tuple[tuple[Callable[[str], str | None], str, str], ...] = (
    (comma_listed, "comma-names", "the {role} '{name}' has more than two commas, so BibTeX "
     "reads it as one person (names are separated by 'and'); it is read so."),
    (stray_and, "empty-name", "the {role} list has an 'and' with no name beside it, so BibTeX "
     "reads '{name}' as a name (or prints an empty one); take the 'and' out, as check --fix "
     "does."),
    (others_misspelt, "others-case", "the {role} list ends in '{name}', which BibTeX prints as "
     "a person's name: write 'others' (in lowercase) for \"et al.\", as check --fix does."),
    (et_al_written, "et-al-name", "the {role}'s last name '{name}' holds 'et al.': BibTeX reads "
     "it as a person's name (family name 'al.'); write '... and others'."),
)


def _part_value(part: str, strings: Mapping[str, str], unknown: list[str]) -> str:
    """One stripped part's value: a braced or quoted text, a number, a macro's value, else
    the macro's name (added to ``unknown`` unless it is a month's)."""
    if len(part) >= 2 and (part[0], part[-1]) in (("{", "}"), ('"', '"')):
        return part[1:-1]
    if part.isdigit():
        return part
    if part.lower() in strings:
        return strings[part.lower()]
    if part.lower() not in _MONTH_MACROS:
        unknown.append(part)
    return part


class Comment(NamedTuple):
    """An ``@comment`` block: its text and the line it starts on (counted from 0)."""

    comment: str
    start_line: int


@dataclass(frozen=True, slots=True)
class ParsedBib:
    """A .bib file read strictly: its entries (file order), the line of each (from 1), its
    ``@comment`` blocks, and where each entry and library block is in the text
    (``(start, end, entry key, block name)``, ascending)."""

    entries: list[Entry]
    lines: list[int]
    comments: list[Comment]
    spans: list[tuple[int, int, str | None, str | None]]
    repeated: list[tuple[str, int, int]] = field(default_factory=list)  # key, first, again


def parse_entries(text: str, path: str = "<string>", *, duplicates: str = "refuse",
                  unreadable: list[BibSyntaxError] | None = None,
                  strings: Mapping[str, str] | None = None) -> ParsedBib:
    """Parse BibTeX text strictly: what would lose or change data raises ``BibSyntaxError``
    with the line (see ``read_library``); valid but unusual input warns (``BibWarning``).
    ``duplicates`` says what a key used twice does: ``"refuse"`` (a file that will be
    written: ``BibSyntaxError`` naming both lines), ``"first"`` (a file that is only read:
    the first is used and the others left out, with a warning naming both lines, as BibTeX
    and Biber do; ``repeated`` lists them), ``"all"`` (every entry, in file order).
    Given an ``unreadable`` list (a file that is only read and reported on), a block that
    cannot be read is left out and its error added there, as BibTeX goes on past it.
    ``strings``: the macros of files read before this one (``macros_of``).

    Plain files are cut by ``_fastsplit`` and converted block by block (a large file is
    never held twice as objects); anything else, and any error, is read by bibtexparser's
    splitter, so that its reading, and which error is named first, stay the reference.
    """
    from llm4anno_bib import _fastsplit

    given: list[BibWarning] = []
    original, text = text, reading_text(text)
    try:
        parsed = _convert(_fastsplit.scan(text), strings or {}, path, duplicates, given, text)
    except (_fastsplit.OutsidePlain, BibSyntaxError):
        given.clear()
        library = bibtexparser.parse_string(text, parse_stack=[])
        lines = BlockLines(text, library.blocks)
        _raise_failed(library, path, lines, duplicates != "refuse", unreadable)
        parsed = _convert(_blocks_of(text, library, lines),
                          expanded_strings(library.strings, path, lines, strings), path,
                          duplicates, given, text)
    for warning in file_warnings(original, path) + given:
        warnings.warn(warning, stacklevel=3)
    return parsed


class Macros(NamedTuple):
    """The ``@string`` macros of .bib files read before another: each one's value, and its
    block as written (what an entry using it is checked with when it is edited)."""

    values: dict[str, str]
    blocks: dict[str, str]


def macros_of(paths: Iterable[str | os.PathLike[str]], encoding: str | None = None) -> Macros:
    """The ``@string`` macros the .bib files ``paths`` define, read in order as BibTeX reads
    ``\\bibliography{IEEEabrv,refs}`` (each file's may use those before it): what a file
    read after them means by its macros. A block that cannot be read is left out, as BibTeX
    goes on past it (the file's own check names it); a file that cannot be read at all, or a
    macro past ``MAX_VALUE_CHARS``, raises the error its reading does."""
    values: dict[str, str] = {}
    blocks: dict[str, str] = {}
    for path in paths:
        text = reading_text(read_bib_bytes(path, encoding).removeprefix("\ufeff"))
        if not _STRING_BLOCK.search(text):  # (most of a paper's files: no parse for none)
            continue
        defined, lines = _string_blocks_read(text)
        values = expanded_strings(defined, str(path), lines, values)
        blocks.update((block.key.lower(), block.raw) for block in defined
                      if block.raw is not None)
    return Macros(values, blocks)


def strings_in(text: str, path: str, known: Mapping[str, str] | None = None
               ) -> dict[str, str]:
    """The ``@string`` macros of a file's ``text`` with the ``known`` ones (of the files
    read before it), each built from those before it. Raises ``BibSyntaxError`` for one
    past ``MAX_VALUE_CHARS``."""
    if not _STRING_BLOCK.search(text):
        return dict(known or {})
    defined, lines = _string_blocks_read(text)
    return expanded_strings(defined, path, lines, known)


def _string_blocks_read(text: str) -> tuple[list[btp.String], BlockLines]:
    parsed = bibtexparser.parse_string(text, parse_stack=[])
    return list(parsed.strings), BlockLines(text, parsed.blocks)


_STRING_BLOCK = re.compile(r"@[ \t]*+string[ \t]*+[{(]", re.I)


def undefined_macros(raw: str, strings: Mapping[str, str]) -> list[str]:
    """The macros a field's raw value (as written: ``iclr``, ``"Proc. of " # acl``) uses that
    neither ``strings`` nor BibTeX's month macros define: BibTeX prints the field empty."""
    unknown: list[str] = []
    try:
        _resolve(raw, strings, unknown)
    except _TooLong:  # (a problem of its own, said where the value is read)
        pass
    return unknown


def file_warnings(text: str, path: str) -> list[BibWarning]:
    """What is unusual about a file as a whole (a byte order mark, mixed line endings), as
    ``parse_entries`` warns it; the other warnings are about its entries."""
    about_the_file = []
    if text.startswith("\ufeff"):
        about_the_file.append(BibWarning("the file starts with a UTF-8 byte order mark (kept).",
                                         path, 1))
    crlf = text.count("\r\n") if "\r" in text else 0  # (one character is found fastest)
    if crlf and crlf != text.count("\n"):
        about_the_file.append(BibWarning(f"mixed line endings ({crlf} CRLF, "
                                         f"{text.count(chr(10)) - crlf} LF); kept as they are.",
                                         path))
    return about_the_file


def reading_text(text: str) -> str:
    """``text`` as the parsers read it: a file whose lines end in a lone CR (classic Mac OS)
    is read as LF lines, character for character, so that offsets and line numbers stay
    those of the file (bibtexparser sees one long line, and the library's blocks none)."""
    return text.replace("\r", "\n") if "\r" in text and "\n" not in text else text


def line_ending(text: str) -> str:
    """The line ending a file uses: CRLF, a lone CR (classic Mac OS), or LF."""
    if "\r" not in text:  # most files: one character is found fastest
        return "\n"
    if "\r\n" in text:
        return "\r\n"
    if "\r" in text and "\n" not in text:
        return "\r"
    return "\n"


class BlockLines:
    """The true line (from 1) of each of bibtexparser's blocks of ``text``: its own count
    skips a line after every backslash that ends one (a Zotero abstract's ``\\\\``), so a
    problem further down would be reported lines too early."""

    def __init__(self, text: str, blocks: Iterable[btp.Block]) -> None:
        self._lines: dict[int, int] = {}
        cursor = newlines = 0
        for block in blocks:
            raw = getattr(block, "raw", None)
            start = text.find(raw, cursor) if raw else -1
            if raw is None or start < 0:
                continue
            newlines += text.count("\n", cursor, start)
            self._lines[id(block)] = newlines + 1
            newlines += raw.count("\n")
            cursor = start + len(raw)

    def __call__(self, block: btp.Block) -> int:
        return self._lines.get(id(block), (block.start_line or 0) + 1)


def _blocks_of(text: str, library: bibtexparser.Library,
               lines: BlockLines) -> Iterator[tuple[Any, ...]]:
    """bibtexparser's blocks as ``_fastsplit.scan`` gives them (with their offsets); the
    blocks it could not read are left out (a reader that goes on past them was told)."""
    cursor = 0
    for block in library.blocks:
        if isinstance(block, btp.ParsingFailedBlock) and \
                not isinstance(block, btp.DuplicateBlockKeyBlock):
            continue  # (its text may run into the next block's)
        start = text.find(block.raw, cursor) if block.raw is not None else -1
        if block.raw is None or start < 0:
            raise AssertionError("a block's text was not found in the file")
        cursor = end = start + len(block.raw)
        entry = getattr(block, "ignore_error_block", block)  # a duplicate key's entry
        if isinstance(entry, btp.Entry):
            yield ("entry", start, end, lines(block) - 1, entry.entry_type, entry.key,
                   [(f.key, str(f.value), None) for f in entry.fields])
        elif isinstance(block, btp.ExplicitComment):
            yield ("comment", start, end, lines(block) - 1, block.comment)


def side_by_side(raw: str) -> tuple[str, str] | None:
    """The first two values of a raw field value (delimiters kept: braced, quoted or bare)
    that stand side by side without '#' (``"A" "B"``, ``20 20``, ``{T}\\n  year 2020``),
    where BibTeX stops reading the entry; ``None`` for one value or a concatenation, and
    for a quoted value holding ``\\"`` (where BibTeX ends it: ``check``'s escaped-quote).

    >>> side_by_side('"A" "B"'), side_by_side('"A" # {B}'), side_by_side("{One {Two}}")
    (('"A"', '"B"'), None, None)
    """
    if _one_value(raw) or '\\"' in raw:
        return None
    previous, joined, at = None, False, 0
    while at < len(raw):
        if raw[at].isspace() or raw[at] == "#":
            joined, at = joined or raw[at] == "#", at + 1
            continue
        start, at = at, _value_end(raw, at)
        if previous is not None and not joined:
            return previous, raw[start:at]
        previous, joined = raw[start:at], False
    return None


def _one_value(raw: str) -> bool:
    """Whether a raw value is plainly one value (the quick answer for nearly all): one
    braced group, one quoted string without a quote inside, or a bare word with no space."""
    first = raw[:1]
    if first == "{":  # (most have no brace inside: no need of the pattern)
        return raw[-1] == "}" and (raw.count("{") == 1 or bool(_ONE_GROUP.fullmatch(raw)))
    if first == '"':
        return raw.count('"') == 2 and raw[-1] == '"'
    return _SPACE.search(raw) is None


_SPACE = re.compile(r"\s")


def _value_end(raw: str, at: int) -> int:
    """Where the braced, quoted or bare value starting at ``at`` ends."""
    if raw[at] not in '{"':
        while at < len(raw) and not raw[at].isspace() and raw[at] != "#":
            at += 1
        return at
    depth, closing = 0, "}" if raw[at] == "{" else '"'
    for position in range(at, len(raw)):
        char = raw[position]
        depth += (char == "{") - (char == "}")
        if position > at and (char == closing and depth == 0 if closing == '"' else depth == 0):
            return position + 1
    return len(raw)


def field_name_problem(name: str) -> str | None:
    """What is wrong with ``name`` as a field's name BibTeX reads (a space, '%' or markup in
    it: "% year" is a line "commented out" inside an entry, where BibTeX has no comments),
    or ``None``."""
    if name.isidentifier() or _NAME_BREAKERS.search(name) is None:
        return None
    why = ("a '%' does not comment out a line inside an entry" if "%" in name else
           "it holds a space or one of \" # % ' ( ) , = { }")
    return f"'{shortened(name, 40)}' is no field name BibTeX reads ({why})"


def unjoined_values(name: str, raw: str) -> str | None:
    """What two values side by side in the field ``name`` (``side_by_side``) are, said on
    one line, or ``None``."""
    pair = side_by_side(raw)
    if pair is None:
        return None
    first, then = (collapse_spaces(shortened(value, 40)) for value in pair)
    return f"'{name}' holds {first} and then {then} with nothing between them"


_NAME_BREAKERS = re.compile(r"""[\s"#%'(),={}]""")


_Place = tuple[int, str, int]  # an entry's line, the file's text and the entry's offset


def _line_of(place: _Place, found: str, name: bool = False) -> int:
    """The line of ``found`` (a field's value, or its ``name``: where a line starts with it)
    in the entry at ``place``; asked only for what is reported: finding it costs a search
    of the entry."""
    line, text, start = place
    if name:
        named = re.compile(rf"(?:^|[,\s]){re.escape(found)}", re.M).search(text, start)
        at = named.end() - len(found) if named else -1
    else:
        at = text.find(found, start)
    return line + text.count("\n", start, at) if at >= 0 else line


def _refuse_folded(name: str, raw: str, key: str, path: str, place: _Place) -> None:
    """Raise for a value that runs into the next field (a comma missing)."""
    folded = FOLDED_FIELD.search(raw) if "=" in raw and "\n" in raw else None
    if folded:
        raise BibSyntaxError(
            f"entry '{key}': '{name}' runs into the field '{folded.group(1)}': a comma is "
            "missing; nothing was changed.", path=path,
            line=_line_of(place, raw) + raw[: folded.start()].count("\n") + 1, key=key)


def _field_troubles(name: str, raw: str, key: str, path: str,
                    place: _Place) -> list[BibWarning]:
    """The warning of a field where BibTeX stops reading the entry, or none."""
    unjoined = unjoined_values(name, raw)
    said = field_name_problem(name) or (unjoined and f"{unjoined} (a ',' or a '#' is missing)")
    return [] if not said else [BibWarning(
        f"entry '{key}': {said}: BibTeX skips the rest of the entry there, and what it prints "
        "loses those fields ('llm4anno-bib check' says more).", path,
        _line_of(place, name, name=True))]


def _convert(blocks: Iterable[tuple[Any, ...]], strings: Mapping[str, str], path: str, duplicates: str,
             given: list[BibWarning], text: str) -> ParsedBib:
    entries: list[Entry] = []
    lines: list[int] = []
    comments: list[Comment] = []
    spans: list[tuple[int, int, str | None, str | None]] = []
    seen: dict[str, tuple[str, int]] = {}
    exact: dict[str, int] = {}
    repeated: list[tuple[str, int, int]] = []
    for block in blocks:
        if block[0] == "comment":
            _kind, start, end, line, comment = block
            comments.append(Comment(comment, line))
            head = comment.partition("\n")[0].strip()
            spans.append((start, end, None, head if head in LIBRARY_BLOCKS else None))
            continue
        if block[0] != "entry":
            continue
        _kind, start, end, line, entry_type, key, raw_fields = block
        line += 1
        if key in exact and duplicates != "all":
            if duplicates == "refuse":
                raise BibSyntaxError(f"the key '{key}' is used twice (lines {exact[key]} and "
                                     f"{line}); nothing was changed. Rename one of them.",
                                     path=path, line=line, key=key)
            given.append(BibWarning(f"the key '{key}' is used again (first on line "
                                    f"{exact[key]}); as BibTeX and Biber do, the first is used "
                                    "and this one left out.", path, line))
            repeated.append((key, exact[key], line))
            spans.append((start, end, None, None))  # kept as text: written back as it is
            continue
        exact.setdefault(key, line)
        fields: dict[str, str] = {}
        unknown: list[str] = []
        for name, raw, _line in raw_fields:
            lower = name.lower()
            _refuse_folded(name, raw, key, path, (line, text, start))
            troubles = _field_troubles(name, raw, key, path, (line, text, start))
            given += troubles
            if lower in fields:
                raise BibSyntaxError(f"entry '{key}' has the field '{lower}' twice (in "
                                     "different case); keep one.", path=path, line=line, key=key)
            try:  # (a value misread as a macro is said once, as the trouble it is)
                fields[lower] = _resolve(raw, strings, [] if troubles else unknown)
            except _TooLong:
                raise _too_long(f"entry '{key}': '{name}'", path, line, key) from None
        if not key.strip():
            raise BibSyntaxError("an entry has no key; nothing was changed. Give it one.",
                                 path=path, line=line)
        for macro in unknown:
            given.append(BibWarning(f"entry '{key}' uses the macro '{macro}', defined "
                                    "nowhere in this file (kept as its name).", path, line))
        given += [BibWarning(f"entry '{key}': {said}", path, line)
                  for _code, said in comma_listed_names(fields)]
        earlier = seen.get(key.lower())
        if earlier is not None and earlier[0] != key:
            given.append(BibWarning(f"the keys '{earlier[0]}' (line {earlier[1]}) and "
                                    f"'{key}' differ only in case: BibTeX treats them as "
                                    "one key. Both are kept.", path, line))
        seen.setdefault(key.lower(), (key, line))
        entries.append(Entry.from_fields(key, entry_type, fields))
        lines.append(line)
        spans.append((start, end, key, None))
    return ParsedBib(entries, lines, comments, spans, repeated)


def read_library(path: str | os.PathLike[str], *, duplicates: str = "first",
                 encoding: str | None = None) -> Library:
    """Read a library file (or any .bib: it simply has no tree or corrections), keeping its
    exact text so that ``save`` writes unchanged entries back byte for byte.

    Raises ``BibSyntaxError`` for what would lose or change data (a block that cannot be
    parsed, a duplicate field, a missing comma that folds a field into another, bytes that
    are not UTF-8) and ``LibraryFormatError`` for a broken library block, each naming the
    file and line. A key used twice: see ``parse_entries`` (the library then refuses to be
    saved: ``ensure_writable``). Warns (``BibWarning``) for valid but unusual input.
    ``encoding`` reads a file that is not UTF-8 (``mac-roman``); it is written back in it.
    """
    from llm4anno_bib import _libcache

    path_str = str(path)
    raw = read_regular(path)
    import codecs

    used = codecs.lookup(text_encoding(encoding, path_str)).name if encoding else "utf-8"
    text, digest = decode_bib(raw, path_str, encoding), _libcache.content_digest(raw)
    del raw  # a large file is not held as bytes and text at once
    if used != "utf-8":  # kept apart from what a UTF-8 read of the same bytes would be
        digest = f"{digest}-{used}"
    return library_of_text(text, digest, path_str, duplicates=duplicates, encoding=used)


def read_cited(path: str | os.PathLike[str], wanted: Iterable[str]
               ) -> tuple[Library, tuple[str, ...]] | None:
    """The entries of the .bib at ``path`` whose key or alias (``ids``) is one of ``wanted``
    (without case, as BibTeX matches keys), and every key and alias of the file: what
    ``cite`` needs of a file read for the first time, without building every entry or
    keeping the file (a paper's cited 500 of a 20,000-entry file: the cost of reading it).

    The cited blocks are found by their heads (``@type{key,`` at the start of a line) and
    parsed strictly with the ``@string``s, everything else blanked to its line breaks, so
    lines, warnings and errors are the file's own. ``None`` where that shortcut could read
    otherwise than a full parse (an ``@comment`` block, a block head inside a line, a
    ``crossref``, a cited block that does not parse): the caller reads the whole file."""
    raw = read_regular(path)
    text = reading_text(decode_bib(raw, str(path)).removeprefix("\ufeff"))
    del raw
    if _COMMENT_BLOCK.search(text):
        return None
    heads = list(_BLOCK_HEAD.finditer(text))
    for head in heads:  # each at a line's start, or the cut could differ from a parse
        line_start = text.rfind("\n", 0, head.start()) + 1
        if text[line_start:head.start()].strip(" \t"):
            return None
    lowered = {name.lower() for name in wanted}
    starts = [head.start() for head in heads] + [len(text)]
    keys = [head.group(2) for head in heads]
    # aliases are read only when a cited key is no entry's own (they are rare in a file)
    owned = {key.lower() for key in keys}
    aliases = _aliases_by_block(text, starts) if not lowered <= owned else {}
    names: list[str] = []
    kept: list[str] = []
    cursor = 0
    for number, head in enumerate(heads):
        key, own = keys[number], aliases.get(number, [])
        entry = head.group(1).lower() not in ("string", "preamble")
        names += [key, *own] if entry else []
        if not entry or key.lower() in lowered or any(a.lower() in lowered for a in own):
            block = text[starts[number]:starts[number + 1]]
            if entry and _CROSSREF_FIELD.search(block):
                return None  # BibTeX would add the parent: the whole file decides
            kept += ["\n" * text.count("\n", cursor, starts[number]), block]
            cursor = starts[number + 1]
    try:
        parsed = parse_entries("".join(kept), str(path), duplicates="first")
    except BibSyntaxError:
        return None  # the full parse names the error with its line, as every reader does
    return Library(parsed.entries, path=str(path)), tuple(names)


def _aliases_by_block(text: str, starts: list[int]) -> dict[int, list[str]]:
    """The ``ids`` of each block (by its number), from a scan of the whole text."""
    import bisect

    found: dict[int, list[str]] = {}
    for match in _IDS_FIELD.finditer(text):
        number = bisect.bisect_right(starts, match.start()) - 1
        if number >= 0:
            found.setdefault(number, []).extend(
                a for a in re.split(r"[\s,]+", match.group(1)) if a)
    return found


# an entry's head (cut at, when every head of a file is at a line's start)
_BLOCK_HEAD = re.compile(r"@[ \t]*+(\w++)[ \t]*+[{(][ \t]*+([^\s,{}()\"#%'=\\~]*+)")
_COMMENT_BLOCK = re.compile(r"@[ \t]*+[cC][oO][mM][mM][eE][nN][tT]")
_IDS_FIELD = re.compile(r"(?<![\w-])ids[ \t]*+=[ \t]*+[{\"]([^{}\"]*+)[}\"]", re.I)
_CROSSREF_FIELD = re.compile(r"[,\s](?:crossref|xref)[ \t]*+=", re.I)  # BibTeX's, biblatex's


def library_of_text(text: str, digest: str, path: str, *, duplicates: str = "first",
                    encoding: str = "utf-8") -> Library:
    """``read_library`` of a file's text already read (``digest``: ``content_digest`` of
    its bytes), which it keeps in the parsed-library cache."""
    from llm4anno_bib import _libcache

    path_str = path
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", BibWarning)
        parsed = parse_entries(text, path_str, duplicates=duplicates)
    given = [w.message for w in caught if isinstance(w.message, BibWarning)]
    for warning in caught:
        warnings.warn_explicit(warning.message, warning.category, warning.filename,
                               warning.lineno)
    tree, corrections, meta = parse_library_blocks(parsed.comments, path_str)
    intro = _unescaped_block_text(next(
        (c.comment.partition("\n")[2] for c in parsed.comments
         if c.comment.partition("\n")[0].strip() == _BLOCK_INTRO), "").strip("\n"))
    as_read = Library(parsed.entries, tree, corrections, meta.get("survey"), path_str, intro)
    source = _source_of(text, parsed.spans, as_read, digest, tuple(parsed.repeated), encoding)
    library = Library(parsed.entries, tree, corrections, meta.get("survey"), path_str, intro,
                      source=source, file_digest=digest)
    del parsed
    _libcache.store(digest, library, given)
    return library


def _raise_failed(parsed: bibtexparser.Library, path: str, lines: BlockLines,
                  duplicates_ok: bool = False,
                  collected: list[BibSyntaxError] | None = None) -> None:
    """Raise the error of the first block bibtexparser could not read, or, given
    ``collected``, add each block's error there."""
    for block in parsed.failed_blocks:
        if isinstance(block, btp.DuplicateBlockKeyBlock) and duplicates_ok:
            continue
        error = _failure_of(block, lines(block), path)
        if collected is None:
            raise error
        collected.append(error)


def _failure_of(block: btp.Block, line: int, path: str) -> BibSyntaxError:
    if isinstance(block, btp.DuplicateBlockKeyBlock):
        return BibSyntaxError(
            f"the key '{block.key}' is used twice; nothing was changed. Rename one of them.",
            path=path, line=line, key=block.key)
    if isinstance(block, btp.DuplicateFieldKeyBlock):
        return BibSyntaxError(f"{block.error}; nothing was changed. Keep one of them.",
                              path=path, line=line)
    line, reason = syntax_failure(block, line)
    return BibSyntaxError(
        f"this block cannot be parsed ({reason}); nothing was changed. "
        "Fix the entry and run 'llm4anno-bib check'.", path=path, line=line)


def syntax_failure(block: btp.Block, line: int) -> tuple[int, str]:
    """Where a block bibtexparser could not read (its first ``line``) goes wrong, and why:
    a value never closed (the block's line: it ran on into the next block or the file's
    end), else the line the parse stopped at with the reason it gives, in words ("two commas
    in a row" for what it calls a field name missing its '=')."""
    raw = str(getattr(block, "raw", "") or "")
    error = getattr(block, "error", None)
    reason = str(getattr(error, "abort_reason", "") or "").strip()
    stop = getattr(error, "end_index", None)
    at = line + raw[:stop].count("\n") if isinstance(stop, int) else line
    if "after entry key, but found `,`" in reason:  # (bibtexparser's "entry key": a field's)
        return at, "two commas in a row: a field is missing between them, or a comma too many"
    if reason.startswith("Expected comma after entry key"):  # (here: the citation key)
        key = _KEY_WRITTEN.match(raw)
        if key is not None and ("{" in key.group(1) or "\\" in key.group(1)):
            return line, ("the entry's key holds a brace or a backslash (LaTeX): write it in "
                          "plain letters, as it is cited")
        return at, "a comma is missing after the entry's key"
    if not reason or "block start" in reason or "end of file" in reason:
        unclosed = "braces" if raw.count("{") != raw.count("}") else "braces or quotes"
        where = "the next block" if "block start" in reason else "the end of the file"
        return line, f"unbalanced {unclosed}: the entry runs on into {where}"
    return at, reason.replace("`", "'")


_KEY_WRITTEN = re.compile(r"@\w+\s*[{(]\s*([^\s,]{1,200})")


def _source_of(text: str, spans: list[tuple[int, int, str | None, str | None]],
               library: Library, digest: str | None = None,
               repeated: tuple[tuple[str, int, int], ...] = (),
               encoding: str = "utf-8") -> SourceText:
    segments: list[tuple[str, str | None, str | None]] = []
    cursor = 0
    for start, end, key, name in spans:
        if start > cursor:
            segments.append((text[cursor:start], None, None))
        segments.append((text[start:end], key, name))
        cursor = end
    if cursor < len(text):
        segments.append((text[cursor:], None, None))
    return SourceText(tuple(segments), {e.key: e for e in library}, block_values(library),
                      line_ending(text), digest, repeated, encoding)


def ensure_writable(library: Library) -> None:
    """Raise ``BibSyntaxError`` when the file ``library`` was read from uses a key twice: it
    was read keeping the first, and writing it would drop or keep the others blindly."""
    source = library.source
    if source is not None and source.repeated:
        key, first, again = source.repeated[0]
        raise BibSyntaxError(f"the key '{key}' is used twice (lines {first} and {again}); "
                             "nothing was changed. Rename one of them.",
                             path=library.path, line=again, key=key)


class _CommentBlock(Protocol):
    """An ``@comment`` block as bibtexparser and ``_fastsplit`` both give it."""

    @property
    def comment(self) -> str: ...

    @property
    def start_line(self) -> int | None: ...


def parse_library_blocks(comments: Iterable[_CommentBlock], path: str
                         ) -> tuple[list[Category], list[Correction], dict[str, str]]:
    """The category tree, corrections and meta values of a parsed library file (empty for
    any other .bib). Raises ``LibraryFormatError`` with the line of a broken block."""
    meta: dict[str, str] = {}
    tree: list[Category] = []
    corrections: list[Correction] = []
    for comment in comments:  # bibtexparser's ExplicitComment blocks or ``Comment``s
        name, _, body = comment.comment.partition("\n")
        line = (comment.start_line or 0) + 1
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
        tree.append(Category(slug, _unescaped_block_text(heading), depth,
                             parents[-1] if parents else None,
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
        key, kind, *texts = (p.strip() for p in parts)
        corrections.append(Correction(key, kind, *(_unescaped_block_text(t) for t in texts)))
    return corrections


# -- writing ------------------------------------------------------------------------------
def _field_rank(name: str) -> tuple[int, str]:
    return (FIELD_ORDER.index(name), "") if name in FIELD_ORDER else (len(FIELD_ORDER), name)


def enclose(name: str, value: str) -> str:
    """A field's value as a ``.bib`` writes it: braced, but a month as its macro
    (``month = jul``: braced, BibTeX would print "jul")."""
    if name == "month" and value.lower() in _MONTH_MACROS:
        return value.lower()
    return "{" + value + "}"


def _to_block(entry: Entry, as_written: Mapping[str, str] | None = None) -> btp.Entry:
    names = sorted(entry.fields, key=_field_rank)
    kept = as_written or {}
    return btp.Entry(entry.entry_type, entry.key,
                     [btp.Field(n, kept.get(n) or enclose(n, entry.fields[n])) for n in names])


def _format() -> bibtexparser.BibtexFormat:
    fmt = bibtexparser.BibtexFormat()  # type: ignore[no-untyped-call]
    fmt.indent = "  "
    fmt.block_separator = "\n"
    fmt.trailing_comma = True
    return fmt


def _write_blocks(blocks: Iterable[btp.Block]) -> str:
    library = bibtexparser.Library(list(blocks))
    return bibtexparser.write_string(library, unparse_stack=[], bibtex_format=_format())


def format_entry(entry: Entry, as_written: Mapping[str, str] | None = None) -> str:
    """One entry as BibTeX, as ``library.bib`` has it; ``as_written`` gives the raw text to
    write for some fields (a concatenation, a macro) instead of their braced value."""
    return _write_blocks([_to_block(entry, as_written)])


def _unchanged_expressions(text: str, before: Entry | None, after: Entry) -> dict[str, str]:
    """The fields of an entry's old ``text`` that were written as an expression
    (``"10~" # jan``, an ``@string`` macro) and still hold the same value: a changed entry
    writes them as they were, so that BibTeX reads them as it did (a braced ``{10~jan}``
    would print the macro's name)."""
    if before is None:
        return {}
    try:
        parsed = bibtexparser.parse_string(text, parse_stack=[])
    except Exception:  # noqa: BLE001 (the old text was read before; keep the safe default)
        return {}
    kept = {}
    for block in parsed.entries[:1]:
        for written in block.fields:
            name, raw = written.key.lower(), str(written.value).strip()
            plain = (raw[:1], raw[-1:]) in (("{", "}"), ('"', '"')) and "#" not in raw
            if not plain and not raw.isdigit() and before.fields.get(name) is not None \
                    and before.fields.get(name) == after.fields.get(name):
                kept[name] = raw
    return kept


def format_entries(entries: Iterable[Entry]) -> str:
    """Entries as BibTeX, in the order given."""
    return _write_blocks(_to_block(e) for e in entries)


def format_records(records: Iterable[tuple[str, str, Iterable[tuple[str, str]]]]) -> str:
    """Entries given as ``(type, key, [(field, value), ...])``, fields in the order given,
    values braced: the writer of the other BibTeX dialects (biblatex)."""
    return _write_blocks(btp.Entry(entry_type, key, [btp.Field(n, "{" + v + "}") for n, v in fields])
                         for entry_type, key, fields in records)


def _library_blocks(library: Library) -> dict[str, str]:
    """The text of each library block the library needs, as the canonical writer has it."""
    meta = [f"survey = {library.survey_key}"] if library.survey_key else []
    tree_lines = []
    for c in library.tree:
        tree_lines.append("  " * c.depth + _SEP.join(
            [c.slug, _escaped_block_text(c.heading, one_line=True), " ".join(c.keys)]))
    correction_lines = [
        _SEP.join([c.key, c.kind, *(_escaped_block_text(v, one_line=True)
                                    for v in (c.said, c.truth, c.source))])
        for c in library.corrections()
    ]
    blocks = {}
    for name, lines in ((_BLOCK_META, meta), (_BLOCK_TREE, tree_lines),
                        (_BLOCK_CORRECTIONS, correction_lines)):
        if lines:
            blocks[name] = name + "\n" + "\n".join(lines) + "\n"
    if library.intro:
        blocks[_BLOCK_INTRO] = _BLOCK_INTRO + "\n" + _escaped_block_text(library.intro) + "\n"
    return blocks


_BLOCK_ESCAPES = {"%": "%25", "@": "%40", "{": "%7B", "}": "%7D"}
_LINE_ESCAPES = _BLOCK_ESCAPES | {"|": "%7C", "\n": "%0A", "\r": "%0D"}
_BLOCK_UNESCAPE = re.compile("|".join(_LINE_ESCAPES.values()))


def _escaped_block_text(text: str, one_line: bool = False) -> str:
    """Free text as a comment block can hold it (see the module doc); ``one_line``: a value
    of a ``|``-separated line (a heading, a correction's text), so ``|`` and line breaks too.

    >>> _escaped_block_text("mail me@x.org {now}: 100%")
    'mail me%40x.org %7Bnow%7D: 100%25'
    >>> _escaped_block_text("A | B", one_line=True)
    'A %7C B'
    """
    table = _LINE_ESCAPES if one_line else _BLOCK_ESCAPES
    return "".join(table.get(char, char) for char in text)


def _unescaped_block_text(text: str) -> str:
    """``_escaped_block_text`` undone."""
    back = {code: char for char, code in _LINE_ESCAPES.items()}
    return _BLOCK_UNESCAPE.sub(lambda m: back[m.group(0)], text)


def render_library(library: Library) -> str:
    """The full text of a library file. A library read from a file is written over that
    file's text (``SourceText``): unchanged entries, comments, ``@string``s and the text
    between blocks byte for byte, changed entries and blocks re-written in place, new ones at
    the end. A library made in memory gets the canonical layout: header, meta, tree,
    corrections, intro, entries."""
    source = library.source
    blocks = _library_blocks(library)
    if source is not None:
        return _render_over(library, source, blocks)
    # a list's title is anyone's text: its braces or "@" would end the block or start another
    header = _escaped_block_text(library.header) if library.header else HEADER
    parts: list[btp.Block] = [btp.ExplicitComment(header)]
    parts += [btp.ExplicitComment(text) for text in blocks.values()]
    parts.extend(_to_block(e) for e in library)
    return _write_blocks(parts)


def _render_over(library: Library, source: SourceText, blocks: Mapping[str, str]) -> str:
    newline = source.newline
    current = {e.key: e for e in library}
    now = block_values(library)
    out: list[str] = []
    placed: set[str] = set()
    strings = _string_blocks(source)
    spacing = _Spacing(out)
    for text, key, name in source.segments:
        if key is not None:
            entry = current.get(key)
            if entry is None or key in placed:
                spacing.removed()
                continue
            placed.add(key)
            before = source.entries.get(key)
            out.append(text if before == entry else
                       _changed_text(text, before, entry,
                                     library_file=any(source.blocks.values()),
                                     newline=newline, strings=strings))
        elif name is not None:
            placed.add("@" + name)
            if name not in blocks:
                spacing.removed()
                continue
            same = source.blocks.get(name) == now.get(name)
            out.append(text if same else _write_blocks([btp.ExplicitComment(blocks[name])])
                       .rstrip("\n").replace("\n", newline))
        else:
            spacing.between(text)
    extra = [_write_blocks([btp.ExplicitComment(t)]) for n, t in blocks.items()
             if "@" + n not in placed]
    extra += [format_entry(e) for e in library if e.key not in placed]
    text = "".join(out)
    if spacing.any_removed and source.segments:
        text = spacing.ended_as(text, source.segments[-1][0])
    return _appended(text, extra, newline)


def _appended(text: str, extra: Sequence[str], newline: str) -> str:
    """A file's ``text`` with the blocks ``extra`` after it, a blank line before each."""
    if extra:
        if text and not text.endswith(("\n", "\r")):
            text += newline
        text += (newline if text.strip() else "") + newline.join(
            t.rstrip("\n").replace("\n", newline) + newline for t in extra)
    return text


class _Spacing:
    """The text between blocks, as a block is removed: the blank lines that set it apart go
    with it (the ones before it, or after it where it opened the file), so that removing
    entries leaves the file spaced as it was, not a run of blank lines; comments stay."""

    def __init__(self, out: list[str]) -> None:
        self._out = out  # (a blank piece of it can only be text between blocks)
        self._drop_next = False
        self.any_removed = False

    def removed(self) -> None:
        if self._out and not self._out[-1].strip():
            self._out.pop()
        self._drop_next = not self._out
        self.any_removed = True

    def between(self, text: str) -> None:
        if self._drop_next:
            text = text.lstrip("\r\n")
        if text:
            self._out.append(text)
        self._drop_next = False

    @staticmethod
    def ended_as(text: str, source_text: str) -> str:
        """``text`` ending in as many line breaks as the file did (a removed last entry
        leaves the comment above it followed by its own and the file's)."""
        kept = len(source_text) - len(source_text.rstrip("\r\n"))
        body = text.rstrip("\r\n")
        return body + text[len(body):][:kept] if body else text


def _string_blocks(source: SourceText) -> dict[str, str]:
    """The file's ``@string`` blocks by the macro each defines (lowercase): what its
    entries' macros mean."""
    return {head.group(2).lower(): text for text, key, _name in source.segments
            if key is None and (head := _BLOCK_HEAD.match(text.lstrip())) is not None
            and head.group(1).lower() == "string"}


def strings_used_by(text: str, strings: Mapping[str, str]) -> str:
    """The ``@string`` blocks an entry's text may use (a file may define thousands: each
    changed entry is checked with its own few)."""
    if not strings:
        return ""
    wanted: dict[str, str] = {}
    words = set(_WORD.findall(text.lower()))
    while news := {n: b for n, b in strings.items() if n in words and n not in wanted}:
        wanted |= news  # and the macros their definitions use
        words = set().union(*(_WORD.findall(b.lower()) for b in news.values()))
    return "".join(block for name, block in strings.items() if name in wanted)


_WORD = re.compile(r"[^\s={}(),\"#%']+")


def _changed_text(text: str, before: Entry | None, entry: Entry, *, library_file: bool,
                  newline: str, strings: Mapping[str, str] | None = None) -> str:
    """A changed entry's new text: a user's file edited where it changed (``edited_entry``,
    its macros read by the file's ``strings``), a library file (or what cannot be edited
    safely) written canonically."""
    edited = None if library_file else edited_entry(text, before, entry,
                                                    strings_used_by(text, strings or {}))
    if edited is not None:
        return edited
    return format_entry(entry, _unchanged_expressions(text, before, entry)).rstrip(
        "\n").replace("\n", newline)


def rewritten_entries(text: str, rewrite: Callable[[btp.Entry, str, int], str | None],
                      strings: dict[str, str] | None = None
                      ) -> tuple[str, list[str], list[str]]:
    """``text`` with each entry ``rewrite(block, its text, its line)`` gives new text for
    replaced (``None``: left as it is), every other byte as it was; with the originals and
    the rewritten texts (line feeds only), for the caller's last check of what it writes.
    ``strings``, when given, is filled with the file's ``@string`` blocks by macro
    (lowercase) before the first ``rewrite``: what its entries' macros mean."""
    body = text.removeprefix("\ufeff")
    read = reading_text(body)  # offsets are the file's: only lone CRs read as LFs
    parsed = bibtexparser.parse_string(read, parse_stack=[])  # raw values: macros stay macros
    if strings is not None:
        strings.update((block.key.lower(), block.raw) for block in parsed.strings
                       if block.raw is not None)
    line_of = BlockLines(read, parsed.blocks)
    out, cursor = [text[: len(text) - len(body)]], 0
    originals: list[str] = []
    rewritten: list[str] = []
    for block in parsed.entries:
        start = read.find(block.raw, cursor) if block.raw is not None else -1
        if block.raw is None or start < 0:
            continue
        new = rewrite(block, body[start:start + len(block.raw)], line_of(block))
        if new is None:
            continue
        out += [body[cursor:start], new]
        originals.append(block.raw)
        rewritten.append(new.replace("\r\n", "\n"))
        cursor = start + len(block.raw)
    out.append(body[cursor:])
    return "".join(out), originals, rewritten


def edited_entry(text: str, before: Entry | None, entry: Entry,
                 strings: str = "") -> str | None:
    """``text`` (an entry as its file has it, which reads as ``before``) edited to say
    ``entry``, as a careful colleague edits it: only the fields that changed are rewritten,
    each in its own delimiters; a removed field's line goes; a venue that moves takes the old
    venue's line; other new fields are added at the end with the entry's indentation and
    alignment; its order, quoting, bare numbers, names one a line and layout stay. ``None``
    where that cannot be done safely (the caller writes the entry whole). ``strings``: the
    file's ``@string`` blocks, by which its macros are read when the edit is checked.

    >>> before = Entry.from_fields("k", "misc", {"title": "T", "year": "2020"})
    >>> print(edited_entry('@misc{k,\\n  title = "T",\\n  year  = 2020,\\n}', before,
    ...                    before.replace(year="2021", pages="1--9")))
    @misc{k,
      title = "T",
      year  = 2021,
      pages = "1--9",
    }
    """
    from llm4anno_bib._fastsplit import entry_layout

    layout = entry_layout(text)
    if layout is None or before is None or before.key != entry.key or \
            _comma_first(text, layout[2]):
        return None
    type_end, close, spans = layout
    new = dict(entry.fields)
    for name in _NAME_FIELDS & new.keys() & before.fields.keys():  # in the field's own order
        if new[name] != before.fields[name]:                      # of family and given names
            new[name] = in_order_of(before.fields[name], new[name])
    edits: list[tuple[int, int, str]] = []
    if entry.entry_type != before.entry_type:
        edits.append((1, type_end, _type_cased(entry.entry_type, text[1:type_end])))
    ordered = _in_name_order(spans, new)  # BibDesk's order: each new field in its place
    field_edits, spanned, removed = _field_edits(text, spans, before, new,
                                                 move_venues=not ordered)
    edits += field_edits
    added = [(name, new[name]) for name in new if name not in spanned]
    if added and ordered:
        placed, added = _fields_placed(text, spans, added)
        edits += placed
    edits += _ending_edits(text, close, spans, removed, added, edits)
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text if _reads_as(text, entry.entry_type, new, strings) else None


def _ending_edits(text: str, close: int, spans: list[tuple[str, int, int, int]],
                  removed: set[str], added: list[tuple[str, str]],
                  edits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The ``added`` fields, after the last field that stays (a removed last field's line
    goes whole), and the entry's end as it was: no comma after its last field where it had
    none (``edits`` are those made so far)."""
    kept = [span for span in spans if span[0].lower() not in removed]
    ends_bare = bool(spans) and not _comma_after(text, spans[-1][3])
    if added:
        return [_fields_added(text, close, kept, added, trailing_comma=not ends_bare)]
    if not kept or kept[-1] is spans[-1] or not ends_bare or not _comma_after(text, kept[-1][3]):
        return []
    comma = text.index(",", kept[-1][3])  # the entry's last field again without one
    return [] if any(start <= comma < end for start, end, _text in edits) else \
        [(comma, comma + 1, "")]  # (unless it went with the field removed after it)


def _field_edits(text: str, spans: list[tuple[str, int, int, int]], before: Entry,
                 new: Mapping[str, str], move_venues: bool = True,
                 ) -> tuple[list[tuple[int, int, str]], set[str], set[str]]:
    """The edits of the fields ``text`` has, the names (lowercase) written by them, and
    the names of the fields they remove."""
    edits = []
    removed = set()
    spanned = {n.lower() for n, *_rest in spans}
    # a venue that moves (a preprint's journal, a wrong journal for proceedings) is
    # rewritten where the old one stood, not removed there and added at the end (in an
    # entry in alphabetical order, it takes its own place)
    venues_added = [name for name in new if name in VENUE_FIELDS and name not in spanned
                    and move_venues]
    for name, start, value_start, value_end in spans:
        lower = name.lower()
        written = text[value_start:value_end]
        if lower not in new and lower in _NAMING_A_VENUE and venues_added:
            moved = venues_added.pop(0)
            spanned.add(moved)
            renamed = _renamed(text, spans, name, start, value_start, moved)
            start, renamed = _right_aligned(text, spans, start, renamed)
            edits.append((start, value_end, renamed + _delimited(written, moved, new[moved])))
        elif lower not in new:
            edits.append(_field_removal(text, start, value_end))
            removed.add(lower)
        elif new[lower] != before.fields.get(lower):
            laid_out = _names_laid_out(written, lower, new[lower])
            edits.append((value_start, value_end, _delimited(written, lower, laid_out)))
    return edits, spanned, removed


def _reads_as(text: str, entry_type: str, fields: Mapping[str, str], strings: str = "") -> bool:
    """Whether the edited entry reads back as the one meant (names' spaces aside), its
    macros by ``strings``."""
    read = entry_read_with(text, strings)
    return read is not None and \
        (read.entry_type, _names_spaced(read.fields)) == (entry_type, _names_spaced(fields))


def entry_read_with(text: str, strings: str = "") -> Entry | None:
    """The one entry ``text`` holds, its macros read by ``strings`` (``@string`` blocks),
    or ``None`` where it holds another number or cannot be read so."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            entries = parse_entries(strings + "\n" + text if strings else text,
                                    duplicates="all").entries
    except (Llm4AnnoBibError, ValueError):
        return None
    return entries[0] if len(entries) == 1 else None


_NAME_FIELDS = frozenset({"author", "editor"})


def _names_spaced(fields: Mapping[str, str]) -> dict[str, str]:
    """Fields with the spaces of names collapsed, as BibTeX reads them (a line a name)."""
    return {name: collapse_spaces(value) if name in _NAME_FIELDS else value
            for name, value in fields.items()}


_NAME_PER_LINE = re.compile(r"[ \t]+and(\r?\n[ \t]+)")  # DBLP's "Jason Wei and\n    Xuezhi Wang"


def _names_laid_out(written: str, name: str, value: str) -> str:
    """A new list of names laid out as the old one was: one name a line where it was so."""
    layout = _NAME_PER_LINE.search(written) if name in _NAME_FIELDS else None
    if layout is None:
        return value
    return f" and{layout.group(1)}".join(split_names(value))


VENUE_FIELDS = frozenset({"booktitle", "journal", "journaltitle"})  # where a work appeared
_NAMING_A_VENUE = VENUE_FIELDS | {"crossref"}  # a crossref's parent: the proceedings


def _aligned_column(text: str, spans: list[tuple[str, int, int, int]]) -> int | None:
    """The column of '=' where the entry pads names of several lengths to one (DBLP's
    layout), else ``None`` (each field spaced as it is: "title = " or "title=")."""
    columns = [text.index("=", s + len(n)) - s for n, s, _v, _e in spans]
    column = max(set(columns), key=columns.count)  # (DBLP's own is one off for eprinttype)
    aligned = columns.count(column) * 3 >= len(columns) * 2 and \
        len({len(n) for n, *_rest in spans}) > 1
    return column if aligned else None


def _right_aligned_column(text: str, spans: list[tuple[str, int, int, int]]) -> int | None:
    """The column of '=' on its line where the entry right-aligns its names (NASA ADS's
    layout: "       author = ", "archivePrefix = "), else ``None``."""
    starts = [text.rfind("\n", 0, s) + 1 for _n, s, _v, _e in spans]
    if len(spans) < 3 or any(text[line:s].strip() for line, (_n, s, _v, _e)
                             in zip(starts, spans)):
        return None  # fields side by side on a line, or too few to tell
    columns = [text.index("=", s + len(n)) - line for line, (n, s, _v, _e) in zip(starts, spans)]
    column = max(set(columns), key=columns.count)
    indents = {s - line for line, (_n, s, _v, _e) in zip(starts, spans)}
    return column if columns.count(column) * 3 >= len(columns) * 2 and len(indents) > 1 \
        else None


def _fields_inline(text: str, spans: list[tuple[str, int, int, int]],
                   fields: list[tuple[str, str]]) -> tuple[int, int, str]:
    """New fields after the last one of an entry on one line, separated as its fields are."""
    name, start, value_start, value_end = spans[-1]
    like, bare = _delimiters_of([text[v:e] for _n, _s, v, e in spans])
    gap = text[start + len(name):value_start]
    between = text[spans[-2][3]:start] if len(spans) > 1 else ", "  # ", " or ","
    return value_end, value_end, "".join(
        f"{between}{_name_cased(n, spans)}{gap}"
        f"{_delimited('0' if bare and v.isdigit() else like, n, v)}" for n, v in fields)


def _delimiters_of(written: list[str]) -> tuple[str, bool]:
    """The entry's delimiters for new values: ``"`` where every delimited value has quotes
    (else ``{``), and whether numbers go bare (one of its values is a bare number)."""
    delimited = [w for w in written if w[:1] in '{"']
    quoted = bool(delimited) and all(w.startswith('"') for w in delimited)
    return ('"' if quoted else "{"), any(w.isdigit() for w in written)


# BibTeX's types of two words as JabRef writes them, in a file that capitalises its types
_CAMEL_TYPES = {name.lower(): name for name in ("InProceedings", "InCollection", "InBook",
                                                "TechReport", "PhdThesis", "MastersThesis")}


def _type_cased(entry_type: str, written_type: str) -> str:
    """``entry_type`` in the case of a type the file wrote (``written_type``).

    >>> _type_cased("inproceedings", "ARTICLE"), _type_cased("inproceedings", "Article")
    ('INPROCEEDINGS', 'InProceedings')
    >>> _type_cased("misc", "Article"), _type_cased("misc", "article")
    ('Misc', 'misc')
    """
    if written_type.isupper():
        return entry_type.upper()
    if written_type[:1].isupper():
        return _CAMEL_TYPES.get(entry_type, entry_type.capitalize())
    return entry_type


# arXiv's fields as Mendeley and arXiv's own BibTeX write them, in camel case
_CAMEL_FIELDS = {name.lower(): name for name in ("archivePrefix", "primaryClass", "arxivId")}


def _name_cased(name: str, spans: list[tuple[str, int, int, int]]) -> str:
    """A new field's name in the entry's case: BibDesk's "TITLE", JabRef's "Title", an
    arXiv field in camel case beside another written so (Mendeley's "archivePrefix"), else
    lowercase."""
    names = [n for n, *_rest in spans]
    if all(n.isupper() for n in names if len(n) > 1) and any(len(n) > 1 for n in names):
        return name.upper()
    if all(n[:1].isupper() for n in names):
        return name.capitalize()
    camel = any(_CAMEL_FIELDS.get(n.lower()) == n for n in names)
    return _CAMEL_FIELDS.get(name, name) if camel else name


def _renamed(text: str, spans: list[tuple[str, int, int, int]], name: str, start: int,
             value_start: int, new_name: str) -> str:
    """The text from a field's name to its value, for ``new_name``: the name in the file's
    case, the '=' in the entry's column where it pads names to one."""
    gap, rest = text[start + len(name):value_start].split("=", 1)
    column = _aligned_column(text, spans)
    if column is not None and not gap.strip():
        gap = " " * max(column - len(new_name), 1)
    return f"{_name_cased(new_name, spans)}{gap}={rest}"


def _right_aligned(text: str, spans: list[tuple[str, int, int, int]], start: int,
                   renamed: str) -> tuple[int, str]:
    """Where a renamed field's text starts, and that text: from its line's start, padded to
    the '=' column, in an entry that right-aligns its names; else as it was."""
    column = _right_aligned_column(text, spans)
    if column is None:
        return start, renamed
    name_and_gap, equals, rest = renamed.partition("=")
    return text.rfind("\n", 0, start) + 1, name_and_gap.rjust(column) + equals + rest


def _delimited(written: str, name: str, value: str) -> str:
    """``value`` in the delimiters ``written`` used: quotes, braces, or bare for a number."""
    if written.startswith('"') and '"' not in value:
        return f'"{value}"'
    if not written.startswith(("{", '"')) and (value.isdigit() or enclose(name, value) == value):
        return value
    return enclose(name, value)


def _field_removal(text: str, start: int, value_end: int) -> tuple[int, int, str]:
    """The span of a field to remove: its whole line where it has one, with its comma."""
    end = value_end
    while end < len(text) and text[end] in " \t":
        end += 1
    comma = end < len(text) and text[end] == ","
    end += comma
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():  # fields side by side on one line: only this one,
        before = len(text[line_start:start].rstrip(" \t"))  # the last with the comma before it
        if not comma and text[line_start + before - 1:line_start + before] == ",":
            return line_start + before - 1, value_end, ""
        return start, end, ""
    while end < len(text) and text[end] in " \t":
        end += 1
    if text.startswith("\r\n", end):
        end += 2
    elif text.startswith("\n", end):
        end += 1
    return line_start, end, ""


def _comma_first(text: str, spans: list[tuple[str, int, int, int]]) -> bool:
    """Whether an entry is written with each comma before its field (``  , year = 2022``):
    a layout left to the canonical writer."""
    return any(text[text.rfind("\n", 0, start) + 1:start].strip() == ","
               for _name, start, _v, _e in spans[1:])


def _comma_after(text: str, value_end: int) -> bool:
    """Whether a comma follows a field's value (spaces aside)."""
    after = value_end
    while after < len(text) and text[after] in " \t":
        after += 1
    return after < len(text) and text[after] == ","


def _fields_added(text: str, close: int, spans: list[tuple[str, int, int, int]],
                  fields: list[tuple[str, str]], trailing_comma: bool | None = None
                  ) -> tuple[int, int, str]:
    """New fields after the last of ``spans``, on lines like it (its indentation, the column
    of its '=', its spacing and, unless ``trailing_comma`` says how the entry ends, its
    trailing comma)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    if not spans:
        alone = "".join(f"{newline}  {name} = {enclose(name, value)}," for name, value in fields)
        return close, close, alone + newline
    name, start, value_start, value_end = spans[-1]
    if "\n" not in text[:close]:  # an entry on one line stays on one line
        return _fields_inline(text, spans, fields)
    lines = _lines_like(text, spans, fields)
    comma = _comma_after(text, value_end)
    ending = "," if (comma if trailing_comma is None else trailing_comma) else ""
    written = "".join(newline + line + "," for line in lines[:-1]) + newline + lines[-1] + ending
    if comma:
        after = text.index(",", value_end) + 1
        return after, after, written
    return value_end, value_end, "," + written


def _in_name_order(spans: list[tuple[str, int, int, int]], kept: Mapping[str, str]) -> bool:
    """Whether the entry's fields (five or more that stay: "author, title, year" is only
    the usual order) are in alphabetical order, as BibDesk keeps them (its own file and
    link fields after them: ``_sorted_part``)."""
    names = [n.lower() for n, *_rest in _sorted_part(spans) if n.lower() in kept]
    return len(names) >= 5 and names == sorted(names)


def _sorted_part(spans: list[tuple[str, int, int, int]]) -> list[tuple[str, int, int, int]]:
    """The fields before BibDesk's own (``bdsk-file-1``, ``bdsk-url-1``), which it writes
    after every other field whatever their names."""
    tail = len(spans)
    while tail and spans[tail - 1][0].lower().startswith("bdsk-"):
        tail -= 1
    return spans[:tail]


def _fields_placed(text: str, spans: list[tuple[str, int, int, int]],
                   fields: list[tuple[str, str]]
                   ) -> tuple[list[tuple[int, int, str]], list[tuple[str, str]]]:
    """The insertions of ``fields`` on lines of their own before the first field whose name
    sorts after theirs, and the fields that sort after every one (added at the end)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    placed, last = [], []
    ordered = _sorted_part(spans)
    own = spans[len(ordered)][1] if len(ordered) < len(spans) else None  # BibDesk's first
    for name, value in sorted(fields):
        after = next((s for n, s, _v, _e in ordered if n.lower() > name), own)
        line_start = text.rfind("\n", 0, after) + 1 if after is not None else 0
        if after is None or text[line_start:after].strip():
            last.append((name, value))  # (no field after it, or one not on its own line)
            continue
        (line,) = _lines_like(text, spans, [(name, value)])
        placed.append((line_start, line_start, line + "," + newline))
    return placed, last


def _lines_like(text: str, spans: list[tuple[str, int, int, int]],
                fields: list[tuple[str, str]]) -> list[str]:
    """``fields`` written on lines like the last field of the entry ``text`` (its
    indentation, the column of its '=' or its right-aligned names, its spacing, its names'
    case and its delimiters), without commas."""
    name, start, value_start, _value_end = spans[-1]
    line_start = text.rfind("\n", 0, start) + 1
    indent = text[line_start:start] if not text[line_start:start].strip() else " "
    equals = text.index("=", start + len(name))
    spaced = " " if text[equals + 1:value_start].startswith((" ", "\t")) else ""
    column = _aligned_column(text, spans)
    gap = text[start + len(name):equals]
    like, bare = _delimiters_of([text[v:e] for _n, _s, v, e in spans])
    right = _right_aligned_column(text, spans)
    return [(f"{_name_cased(n, spans)}{gap}".rjust(right) if right else
             f"{indent}{_name_cased(n, spans)}"
             f"{' ' * max(column - len(n), 1) if column else gap}") +
            f"={spaced}{_delimited('0' if bare and v.isdigit() else like, n, v)}"
            for n, v in fields]


def entry_written_like(entry: Entry, model: str) -> str | None:
    """``entry`` as BibTeX laid out like the entry ``model`` (a user's own, over lines):
    its type's case, its fields' lines (``_lines_like``), a comma after the last field where
    it has one, its line endings, and its authors ``Family, Given`` where it writes every
    one so. ``None`` where ``model`` is no plain entry over lines of two fields or more, or
    the result would not read back as ``entry``.

    >>> model = '@ARTICLE{m,\\n  TITLE = "T",\\n  AUTHOR = "Doe, Jane"\\n}'
    >>> print(entry_written_like(Entry.from_fields("k", "misc", {"author": "Ada Lovelace",
    ...                                                          "year": "1843"}), model))
    @MISC{k,
      AUTHOR = "Lovelace, Ada",
      YEAR = "1843"
    }
    """
    from llm4anno_bib._fastsplit import entry_layout

    layout = entry_layout(model)
    if layout is None or len(layout[2]) < 2 or "\n" not in model[:layout[1]]:
        return None
    type_end, close, spans = layout
    newline = "\r\n" if "\r\n" in model else "\n"
    kind = _type_cased(entry.entry_type, model[1:type_end])
    fields = dict(entry.fields)
    if _family_first(model, spans):
        for name in _NAME_FIELDS & fields.keys():
            fields[name] = " and ".join(family_first(person)
                                        for person in split_names(fields[name]))
    tail = model[spans[-1][3]:close + 1]  # ",\n}" or "\n}": the last field's comma, or none
    text = f"@{kind}{{{entry.key},{newline}" + f",{newline}".join(
        _lines_like(model, spans, list(fields.items()))) + tail
    return text if _reads_as(text, entry.entry_type, fields) else None


def _family_first(model: str, spans: list[tuple[str, int, int, int]]) -> bool:
    """Whether the entry ``model`` writes every author ``Family, Given``."""
    for name, _start, value_start, value_end in spans:
        if name.lower() == "author":
            names = split_names(model[value_start + 1:value_end - 1])
            return len(names) > 0 and all(family_first(n) == n for n in names)
    return False


def write_library(library: Library, path: str | os.PathLike[str]) -> bool:
    """Write the library atomically, under its lock and through links (``files``); the
    text is rendered before the file is touched, and a file that holds it already is left
    alone. Whether it was written. Raises ``BibSyntaxError`` for a library read from a file
    that uses a key twice (``ensure_writable``)."""
    ensure_writable(library)
    encoding = library.source.encoding if library.source is not None else "utf-8"
    try:
        content = render_library(library).encode(encoding)
    except UnicodeEncodeError as exc:
        raise WriteError(f"the new text cannot be written in {encoding} ({exc.reason}: "
                         f"{exc.object[exc.start:exc.end]!r}); nothing was written.",
                         path=str(path)) from exc
    return write_file(path, content)

