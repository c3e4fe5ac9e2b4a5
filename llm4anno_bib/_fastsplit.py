"""A fast path for bibtexparser's splitter, for the plain BibTeX that nearly every file holds.

bibtexparser v2 splits a file by walking every brace, quote, comma and newline in Python
(about 65 % of a large library's load). Plain entries (``@type{key, name = value, ...}``
with braced, quoted or bare values) can be cut by compiled regular expressions instead, in
a third of the time. This module does only that: ``scan`` gives each block with the keys,
values, raw text and line numbers bibtexparser's splitter gives, and raises
``OutsidePlain`` at the first thing outside that plain subset (an ``@string`` or
``@preamble``, a ``(``-delimited block, an escaped brace, braces nested deeper than six
levels, a duplicate field, a block that does not parse...); the caller then uses
bibtexparser's splitter for the whole file, so its behaviour, errors included, stays the
reference. ``tests/test_fastsplit.py`` builds bibtexparser's blocks from what ``scan``
gives and compares them block for block with bibtexparser's on every real file we have.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

__all__ = ["OutsidePlain", "entry_layout", "scan"]


# bibtexparser takes a brace or quote right after a backslash as text: so does this
_TEXT_IN_BRACES = r"[^{}\\]++|\\++[{}]?"


def _braced(depth: int) -> str:
    inner = r"\{(?:" + _TEXT_IN_BRACES + r")*+\}"
    for _ in range(depth):
        inner = r"\{(?:" + _TEXT_IN_BRACES + "|" + inner + r")*+\}"
    return inner


_BRACED = _braced(6)
BRACED_VALUE = _BRACED  # one braced group, as bibtexparser delimits it (bibfile.unenclosed)
# A value up to the comma or brace that ends it: text outside braces may not hold what
# bibtexparser treats specially there (quotes, '=', '@', escapes), except a plain "..." string.
_QUOTED = r'"(?:[^"\\]++|\\++"?)*+"'  # braces do not count inside quotes
_VALUE = r'(?:[^,{}"\\=@]++|' + _BRACED + "|" + _QUOTED + r")*+"
_FIELD = re.compile(r'\s*+([^\s{}",=@\\]++)\s*+=(' + _VALUE + r")([,}])")
_END = re.compile(r"\s*+\}")
_HEAD = re.compile(r'([^{}",=@\\]*+),')
_BLOCK_START = re.compile(r"@(\w*)[ \t]*(?=[{(])")
# (not "\n\s*@": from every newline of a long blank run "\s*" would scan the whole run)
_LINE_START_AT = re.compile(r"\n[^\S\n]*@")
_COMMENT_BODY = re.compile(_BRACED)
# what bibtexparser reads in ways the patterns above do not follow: an escaped newline
# (its line count skips it) and '{"}' (a quote inside a quoted value)
_UNSAFE = re.compile(r'\\\n|\{"\}')


class _Line:
    """Line numbers (from 0, as bibtexparser counts) of ascending offsets."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line = text, 0, 0

    def at(self, offset: int) -> int:
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


class OutsidePlain(Exception):
    """The text holds something the fast path leaves to bibtexparser's splitter."""


# What ``scan`` yields, with offsets into the text and lines counted from 0 as bibtexparser
# counts them: ("entry", start, end, line, type, key, [(name, raw value, offset of its
# '='), ...]) (the reader needs no field lines: ``split`` counts them from the offsets),
# ("comment", start, end, line, text) for @comment blocks, ("implicit", line, text) between.
Block = tuple[Any, ...]


def scan(text: str) -> Iterator[Block]:
    """The blocks of ``text`` one at a time (a large file is never held twice as objects);
    raises ``OutsidePlain`` where the text leaves the plain subset, possibly after some
    blocks were given."""
    if _UNSAFE.search(text):
        raise OutsidePlain
    lines = _Line(text)
    comment_start, comment_line = 0, -1  # bibtexparser reads the file after a '\n' it adds
    position = 0
    while True:
        start = _BLOCK_START.search(text, position)
        comment = _implicit_comment(text, comment_start, start.start() if start else len(text),
                                    comment_line)
        if comment is not None:
            yield comment
        if start is None:
            return
        if text[start.end()] != "{":
            raise OutsidePlain
        block_type = start.group(1).lower()
        line = lines.at(start.start())
        if block_type.startswith("comment"):
            body = _COMMENT_BODY.match(text, start.end())
            if body is None or _LINE_START_AT.search(body.group()):
                raise OutsidePlain
            close = body.end() - 1
            yield ("comment", start.start(), close + 1, line,
                   text[start.end() + 1:close].strip())
        elif block_type.startswith(("preamble", "string")) or not block_type:
            raise OutsidePlain
        else:
            entry = _entry(text, start, block_type, line)
            close = entry[2] - 1
            yield entry
        position = close + 1
        comment_start, comment_line = position, lines.at(close)


def _entry(text: str, start: re.Match[str], block_type: str, line: int) -> Block:
    head = _HEAD.match(text, start.end() + 1)
    if head is None:
        raise OutsidePlain
    fields: list[tuple[str, str, int]] = []
    names: set[str] = set()
    position = head.end()
    while True:
        end = _END.match(text, position)
        if end is not None:
            close = end.end() - 1
            break
        field = _FIELD.match(text, position)
        if field is None:
            raise OutsidePlain
        name = field.group(1)
        if name in names:
            raise OutsidePlain
        names.add(name)
        fields.append((name, field.group(2).strip(), field.start(2) - 1))
        if field.group(3) == "}":
            close = field.end() - 1
            break
        position = field.end()
    if _LINE_START_AT.search(text, start.start(), close):  # bibtexparser would abort there
        raise OutsidePlain
    return ("entry", start.start(), close + 1, line, block_type, head.group(1).strip(), fields)


def entry_layout(text: str) -> tuple[int, int, list[tuple[str, int, int, int]]] | None:
    """Where the parts of one plain entry's text (its '@' to its closing brace) are: the end
    of its type, its closing brace, and each field's name with where the field starts and
    where its value starts and ends (delimiters included); ``None`` outside the plain subset.

    >>> entry_layout("@misc{k,\\n  title = {T},\\n  year = 2020\\n}")
    (5, 38, [('title', 11, 19, 22), ('year', 26, 33, 37)])
    """
    start = _BLOCK_START.match(text)
    if start is None or not text.startswith("{", start.end()):
        return None
    head = _HEAD.match(text, start.end() + 1)
    if head is None:
        return None
    fields: list[tuple[str, int, int, int]] = []
    position = head.end()
    while True:
        end = _END.match(text, position)
        if end is not None:
            return start.end(1), end.end() - 1, fields
        field = _FIELD.match(text, position)
        if field is None:
            return None
        value = field.group(2)
        fields.append((field.group(1), field.start(1), field.start(2) + len(value) -
                       len(value.lstrip()), field.end(2) - len(value) + len(value.rstrip())))
        if field.group(3) == "}":
            return start.end(1), field.end() - 1, fields
        position = field.end()


def _implicit_comment(text: str, start: int, end: int, line: int) -> Block | None:
    """bibtexparser's implicit comment: the text between blocks without its leading empty
    lines and trailing space, starting on the line of its first character."""
    chunk = text[start:end]
    stripped = chunk.lstrip()
    if not stripped:
        return None
    lead = chunk[:len(chunk) - len(stripped)]
    newlines = lead.count("\n") + (1 if start == 0 else 0)
    return ("implicit", line + newlines, stripped.rstrip())
