"""A lint for ``library.bib`` and any ``.bib``: every problem at once, each with file and line.

Errors (exit 1 in the CLI): syntax errors, duplicate keys and fields, the same work twice,
missing required fields, malformed DOIs, arXiv ids and URLs, unbalanced braces, unescaped
LaTeX specials, a likely missing comma, bytes that are not UTF-8, and, in a library file,
keys that break the key rule and categories the tree does not have. Warnings (reported, exit
0): keys that differ only in case (BibTeX matches keys without case).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import bibtexparser
from bibtexparser import model as btp

from llm4anno_bib import _fastsplit
from llm4anno_bib._text import CONTROL_CHARS, braces_balance, protect_case, protection
from llm4anno_bib.bibfile import (
    FOLDED_FIELD, LIBRARY_BLOCKS, BlockLines, comma_listed_names, concatenated_parts,
    edited_entry, enclose, expanded_strings, field_name_problem, format_entries,
    marked_encoding, marked_encoding_said,
    parse_library_blocks, reading_text, rewritten_entries, strings_in, syntax_failure,
    text_encoding, undefined_macros, unenclosed, unjoined_values,
)
from llm4anno_bib.errors import BibSyntaxError, Llm4AnnoBibError, UnsafeOutput
from llm4anno_bib.inputs import read_regular
from llm4anno_bib.ids import arxiv_year, identity_label, is_arxiv_id, is_doi, is_url, parse_doi
from llm4anno_bib.inert import IDENTIFIER_FIELDS, latex_hazards, unescaped_specials
from llm4anno_bib.keys import base_key
from llm4anno_bib.model import Entry, Fields, work_identifiers
from llm4anno_bib.names import (
    et_al_written, others_misspelt, others_written_right, split_names, stray_and,
    with_et_al_read, without_stray_and,
)

__all__ = ["UNSAFE_CODES", "CheckReport", "Problem", "check", "check_text", "ensure_inert",
           "ensure_inert_text", "missing_required"]

# BibTeX's required fields (``a|b``: either), and biblatex's for the types it adds.
REQUIRED = {
    "article": ("author", "title", "journal|journaltitle", "year|date"),
    "book": ("author|editor", "title", "publisher", "year|date"),
    "booklet": ("title",),
    "inbook": ("author|editor", "title", "chapter|pages", "publisher", "year|date"),
    "incollection": ("author", "title", "booktitle", "publisher", "year|date"),
    "inproceedings": ("author", "title", "booktitle", "year|date"),
    "conference": ("author", "title", "booktitle", "year|date"),
    "manual": ("title",),
    "mastersthesis": ("author", "title", "school|institution", "year|date"),
    "phdthesis": ("author", "title", "school|institution", "year|date"),
    "proceedings": ("title", "year|date"),
    "techreport": ("author", "title", "institution", "year|date"),
    "unpublished": ("author", "title", "note"),
    "online": ("title", "url|doi|eprint", "year|date|urldate"),
}
URL_FIELDS = ("url", "pdf", "code", "data", "webpage")
# Fields whose text LaTeX typesets: an unescaped & % # _ there breaks or changes the output.
TEXT_FIELDS = ("title", "booktitle", "journal", "journaltitle", "series", "publisher",
               "address", "howpublished", "note", "school", "institution", "organization",
               "author", "editor", "chapter", "edition", "type", "subtitle")
# Fields no style typesets (a file path, the library's own lists): LaTeX there runs nowhere.
NOT_TYPESET = frozenset({"file", "ids", "crossref", "xref", "keywords", "curated",
                         "timestamp", "bibsource", "urldate", "date", "mendeley-tags"})
_SUFFIX = re.compile(r"^[a-z]{0,2}$")
# What makes a value act as markup once written (a field of its own, a macro that runs or
# reads a file) or the file unreadable: what no writer of this package writes.
UNSAFE_CODES = frozenset({"syntax", "unbalanced-braces", "bibtex-braces", "missing-comma",
                          "unsafe-latex", "bad-url", "bad-key"})


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem: where (``path``, ``line``, ``key``), what (``code``), and a message
    that says what to do."""

    path: str
    line: int | None
    key: str | None
    code: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        entry = f" {self.key}:" if self.key else ""
        return f"{where}:{entry} {self.message} [{self.code}]"


@dataclass(frozen=True)
class CheckReport:
    """Every problem of every file checked, in file and line order."""

    files: tuple[str, ...]
    problems: tuple[Problem, ...]
    fixed: int = 0  # entries ``check(fix=True)`` fixed in their files
    # files that could not be read at all (``check(keep_going=True)``): not in ``problems``,
    # which are of what a file holds
    unreadable: tuple[Llm4AnnoBibError, ...] = ()

    def __repr__(self) -> str:
        return (f"<CheckReport of {', '.join(self.files)}: {len(self.errors)} errors, "
                f"{len(self.warnings)} warnings>")

    def __str__(self) -> str:  # the problems, one a line, as the CLI prints them
        return "".join(f"{problem}\n" for problem in self.problems)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def exit_code(self) -> int:
        """0 clean (warnings allowed), 1 errors, else 2 a file that could not be read."""
        return 1 if self.errors else 2 if self.unreadable else 0

    def to_json(self, indent: int | None = 2) -> str:
        """The report as JSON text (``to_dict`` as text)."""
        import json

        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data: files, counts, every problem."""
        return {"files": list(self.files), "errors": len(self.errors),
                "warnings": len(self.warnings), "problems": [asdict(p) for p in self.problems],
                "unreadable": [{"path": e.path, "message": e.message} for e in self.unreadable]}


def check(paths: Sequence[str | os.PathLike[str]], *, fix: bool = False,
          encoding: str | None = None, keep_going: bool = False) -> CheckReport:
    """Check each file. Raises ``Llm4AnnoBibError`` (exit 2) for a file that cannot be read
    at all (missing, a folder, no permission) and for an ``encoding`` that is no text
    encoding; bytes that are not in the files' ``encoding`` (default UTF-8) are a problem.
    ``keep_going``: a file that cannot be read (or, with ``fix``, written) is that file's
    problem: left out, its error in ``report.unreadable``, and the next file checked, as
    linters do. ``fix``: what can be fixed is, first, in the file itself
    (``fix_entries``), written atomically in its encoding; the report is of the fixed
    file and says how many entries were fixed.

    >>> import llm4anno_bib
    >>> check([llm4anno_bib.shipped_library_path()]).problems
    ()
    """
    problems: list[Problem] = []
    fixed = 0
    # (the one codec, asked of Python once, before any file is read or fixed)
    codec = text_encoding(encoding, str(paths[0])) if encoding and paths else "utf-8"
    unreadable: list[Llm4AnnoBibError] = []
    known: dict[str, str] = {}  # the macros of the files checked so far, as BibTeX reads
    for number, path in enumerate(paths, start=1):  # \bibliography{IEEEabrv,refs}
        try:
            raw = read_regular(path)
            if fix:
                raw, count = _fixed_file(path, raw, codec)
                fixed += count
        except Llm4AnnoBibError as error:
            if not keep_going:
                raise
            unreadable.append(error)
            continue
        problems += check_bytes(raw, str(path), encoding=codec, strings=known)
        if number < len(paths):  # (known in the next file: none after the last)
            known = _strings_after(raw, str(path), codec, known)
    return CheckReport(tuple(str(p) for p in paths), tuple(problems), fixed, tuple(unreadable))


def _fixed_file(path: str | os.PathLike[str], raw: bytes,
                encoding: str = "utf-8") -> tuple[bytes, int]:
    """The file's bytes after ``fix_entries`` (written, in ``encoding``, when anything
    changed)."""
    from llm4anno_bib.files import write_file

    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        return raw, 0  # reported as it is; nothing is rewritten in a guessed encoding
    fixed, count = fix_entries(text, str(path))
    if count:
        raw = fixed.encode(encoding)
        write_file(path, raw)
    return raw, count


def fix_title_case(text: str, path: str = "<fixed>") -> tuple[str, int]:
    r"""``text`` with every title a style would lowercase protected (``_text.protect_case``)
    where the entry can be edited in place (its layout, quoting and the rest of its fields
    as they were; a title given by a macro or concatenation is left), and how many.

    >>> fix_title_case("@misc{k,\n\ttitle = \"On {BERT} and GPT-4\",\n}\n")
    ('@misc{k,\n\ttitle = "On {BERT} and {GPT-4}",\n}\n', 1)
    """
    return _fixed_fields(text, path, _protected_title)


def fix_entries(text: str, path: str = "<fixed>") -> tuple[str, int]:
    r"""``text`` with what ``check --fix`` fixes fixed in each entry, edited in place: a
    title a style would lowercase (``fix_title_case``), "et al." written into the author
    or editor list (``... and others``, as BibTeX reads a list cut short), an "and" with no
    name beside it (``stray_and``) taken out, ``Others`` written ``others``, a DOI written
    as its doi.org address or with ``doi:`` (styles print ``https://doi.org/`` before it)
    bared, a URL's LaTeX escapes (Mendeley's ``{\_}``) undone, a month written as text
    (``{oct}``) written as its macro; and how many entries changed.

    >>> fix_entries("@misc{k,\n  author = {Jason Wei et al.},\n}\n")
    ('@misc{k,\n  author = {Jason Wei and others},\n}\n', 1)
    """
    return _fixed_fields(text, path, _protected_title, _et_al_as_others, _stray_and_dropped,
                         _others_lowercased, _doi_bared, _urls_unescaped, months=True)


def _protected_title(values: Mapping[str, str]) -> dict[str, str]:
    title = values.get("title")
    protected = protect_case(title) if title is not None else None
    return {"title": protected} if protected is not None and protected != title else {}


def _et_al_as_others(values: Mapping[str, str]) -> dict[str, str]:
    return _names_rewritten(values, et_al_written, with_et_al_read)


def _stray_and_dropped(values: Mapping[str, str]) -> dict[str, str]:
    return _names_rewritten(values, stray_and, without_stray_and)


def _others_lowercased(values: Mapping[str, str]) -> dict[str, str]:
    return _names_rewritten(values, others_misspelt, others_written_right)


def _names_rewritten(values: Mapping[str, str], found: Callable[[str], str | None],
                     rewritten: Callable[[Sequence[str]], list[str]]) -> dict[str, str]:
    """The ``author`` and ``editor`` values in which ``found`` finds a name to fix, their
    names as ``rewritten`` gives them."""
    changes = {}
    for role in ("author", "editor"):
        value = values.get(role)
        if value is not None and found(value) is not None:
            changes[role] = " and ".join(rewritten(split_names(value)))
    return changes


def _urls_unescaped(values: Mapping[str, str]) -> dict[str, str]:
    changes = {}
    for name in URL_FIELDS:
        value = values.get(name)
        if value is None or "\\" not in value:
            continue
        urls = [_url_unescaped(url) if "\\" in url else url for url in value.split()]
        if all(is_url(url) for url in urls):  # each a URL once unescaped: else left as it is
            changes[name] = " ".join(urls)
    return changes


def _url_unescaped(url: str) -> str:
    """``url`` with the LaTeX escapes a reference manager writes in it (Mendeley's
    ``{\\_}``, ``\\%``) as the characters they stand for: a URL is verbatim."""
    return _URL_ESCAPE.sub(lambda found: found.group(1) or found.group(2), url)


_URL_ESCAPE = re.compile(r"\{\\([_%&#$])\}|\\([_%&#$])")


def _doi_bared(values: Mapping[str, str]) -> dict[str, str]:
    doi = values.get("doi", "").strip()
    bared = parse_doi(doi) if doi and not is_doi(doi) else None
    return {"doi": bared} if bared is not None else {}


def _fixed_fields(text: str, path: str,
                  *fixes: Callable[[Mapping[str, str]], dict[str, str]],
                  months: bool = False) -> tuple[str, int]:
    """``text`` with the field values ``fixes`` give each entry (from its braced or quoted
    values: one given by a macro or concatenation is left for the user) written in place;
    with ``months``, a month written as text (``{oct}``) written as its macro (``oct``)."""

    def rewrite(block: btp.Entry, original: str, line: int) -> str | None:
        values = {f.key: str(f.value) for f in block.fields}
        plain = {}
        for name, raw in values.items():
            value = unenclosed(raw)
            if value is not None and value != raw:  # braced or quoted: a macro is left
                plain[name.lower()] = value
        changes = {name: value for fix in fixes for name, value in fix(plain).items()}
        edited = original
        if changes:
            before = Entry.from_fields(block.key, block.entry_type,
                                       {k: unenclosed(v) for k, v in values.items()})
            edited = edited_entry(original, before, before.replace(**changes)) or original
        written = _month_as_text_in(edited) if months else None
        if written is not None:
            found, macro = written
            edited = edited[:found.start(1)] + macro + edited[found.end(1):]
        return edited if edited != original else None

    fixed, originals, rewritten = rewritten_entries(text, rewrite)
    if rewritten:
        ensure_inert_text("\n\n".join(rewritten), path, "\n\n".join(originals))
    return fixed, len(rewritten)


def month_written_as_text(raw: str) -> str | None:
    """The macro of a month a field writes as text in braces or quotes (``{oct}``,
    ``"Oct."``: BibTeX prints "oct"; its macro ``oct`` prints the month's name), else
    ``None``.

    >>> month_written_as_text("{oct}"), month_written_as_text("oct"), month_written_as_text("{10}")
    ('oct', None, None)
    """
    found = _MONTH_AS_TEXT.fullmatch(raw.strip())
    return found.group(1).lower() if found else None


_MONTH_AS_TEXT = re.compile(r"[{\"][ \t]*(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\.?"
                            r"[ \t]*[}\"]", re.I)


def _strings_after(raw: bytes, path: str, encoding: str, known: dict[str, str]
                   ) -> dict[str, str]:
    """The macros known after a file (``known`` and its own): a file whose @strings cannot
    be read adds none (its own problems say why)."""
    try:
        return strings_in(reading_text(raw.decode(encoding, errors="replace")), path, known)
    except BibSyntaxError:
        return known


def check_bytes(raw: bytes, path: str, *, fast: bool = True,
                encoding: str = "utf-8", strings: Mapping[str, str] | None = None
                ) -> list[Problem]:
    """The problems of one file's bytes, read in ``encoding`` (a text encoding: see
    ``bibfile.text_encoding``; ``fast``, ``strings``: see ``check_text``)."""
    problems = []
    marked = marked_encoding(raw) if encoding == "utf-8" else None
    if marked is not None:  # the rest checked as what the mark says: no NUL bytes then
        problems.append(Problem(path, 1, None, "encoding", f"{marked_encoding_said(marked)} "
                                f"(the rest was checked as {marked})"))
        encoding = marked.lower()
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        named = "UTF-8" if encoding == "utf-8" else encoding
        problems.append(Problem(path, line, None, "encoding",
                                f"byte {exc.start} (0x{raw[exc.start]:02x}) is not {named}; save "
                                "the file as UTF-8, or give --encoding its encoding (the rest "
                                "was checked with it replaced)"))
        text = raw.decode(encoding, errors="replace")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        utf16 = raw[:200].count(b"\x00") * 3 > len(raw[:200])
        problems.append(Problem(path, line, None, "nul-byte",
                                "the file holds NUL bytes: " + (
                                    "it looks like UTF-16 without a byte order mark; save it "
                                    "as UTF-8" if utf16 else "a binary or damaged file")
                                + " (BibTeX and every other command refuse it)"))
        text = text.replace("\x00", "")
    return problems + check_text(text.removeprefix("\ufeff"), path, fast=fast,
                                 strings=strings)


def check_text(text: str, path: str = "<string>", *, fast: bool = True,
               strings: Mapping[str, str] | None = None) -> list[Problem]:
    """The problems of BibTeX ``text``; ``path`` names it in the messages. Plain text (what
    ``_fastsplit`` cuts) is checked straight from its cut blocks, other text through
    bibtexparser's; ``fast=False`` takes bibtexparser's for any text (the same problems:
    tests/test_check.py holds every real file to that). ``strings``: the macros of the
    files read before it (IEEEabrv.bib's), which its entries may use."""
    text = reading_text(text)
    problems: list[Problem] = []
    scanned = _scanned(text) if fast else None
    parsed: bibtexparser.Library | None = None
    lines: Callable[[Any], int]
    if scanned is not None:
        entries, repeated = scanned
        problems += [_duplicate_key_problem(path, block.line, block.key) for block in repeated]
        lines = _ScannedBlock.line_of
    else:
        parsed = bibtexparser.parse_string(text)
        lines = BlockLines(text, parsed.blocks)
        for failed in parsed.failed_blocks:
            problems.append(_failed_block_problem(failed, path, lines))
        try:
            expanded_strings(parsed.strings, path, lines)
        except BibSyntaxError as error:  # what every reader of the file refuses
            problems.append(Problem(path, error.line, None, "too-long", error.message))
        entries = [(block, _entry_of(block)) for block in parsed.entries]
    by_key = {entry.key.lower(): entry for _block, entry in entries}
    for block, entry in entries:
        parent = None
        if entry.fields.get("crossref"):
            parent = by_key.get(entry.fields["crossref"].strip().lower())
            if parent is None:
                problems.append(Problem(path, _line_of(lines, block, "crossref"), entry.key,
                                        "missing-crossref",
                                        f"crossref '{entry.fields['crossref']}' names no entry "
                                        "of this file"))
        problems += _entry_problems(block, entry, path, parent, lines)
    problems += _undefined_macro_problems(text, entries, path, lines, strings)
    problems += _duplicates(entries, path, lines)
    if parsed is not None and any(c.comment.partition("\n")[0].strip() in LIBRARY_BLOCKS
                                  for c in parsed.comments):
        problems += _library_problems(parsed, entries, path, lines)
    return sorted(problems, key=lambda p: (p.line or 0, p.code))


def _undefined_macro_problems(text: str, entries: Sequence[tuple[_Cut, Entry]], path: str,
                              lines: Callable[[Any], int],
                              known: Mapping[str, str] | None) -> list[Problem]:
    """A field using a macro no @string defines (this file's, or those of the files
    checked before it), as BibTeX warns it: the field is printed empty."""
    # (most entries use none: every value braced, quoted or a number)
    using = [(block, entry) for block, entry in entries if _may_use_a_macro(block.raw or "")]
    if not using:
        return []
    try:
        strings = strings_in(text, path, known)
    except BibSyntaxError:  # (a macro too long: said as its own problem)
        return []
    problems = []
    for block, entry in using:
        raw = block.raw or ""
        layout = _fastsplit.entry_layout(raw)
        for name, _start, value_start, value_end in layout[2] if layout else ():
            macros = list(dict.fromkeys(undefined_macros(raw[value_start:value_end], strings)))
            if not macros:
                continue
            named = ", ".join(f"'{m}'" for m in macros[:3]) + (
                f" and {len(macros) - 3} more" if len(macros) > 3 else "")
            problems.append(Problem(
                path, _line_of(lines, block, name), entry.key, "undefined-macro",
                f"'{name.lower()}' uses the macro{'s' if len(macros) > 1 else ''} {named}, "
                f"which no @string of this file{' or of those before it' if known else ''} "
                "defines: BibTeX and Biber print the field empty. Define it, or check the "
                "file that does first (check IEEEabrv.bib refs.bib)", "warning"))
    return problems


# a value, or a part of one joined by '#', that starts as a macro's name does (not a brace,
# a quote or a digit)
_BARE_VALUE = re.compile(r"([=#])[ \t\r\n]*+[A-Za-z_]")
# what comes before a field's '=', read backwards from it: its name, and before the name a
# delimiter (or the start of what is read)
_NAME_BACKWARDS = re.compile(r"""[ \t\r\n]*+[^\s=,{}()"#%'/?&]++[ \t\r\n]*+(?:[,{}"]|\Z)""")


def _may_use_a_macro(raw: str) -> bool:
    """Whether an entry's text may give a field by a macro: a '#' or a field's '=' before
    one. An '=' in a URL's query (DBLP's ``openreview.net/forum?id=...``) follows no name,
    and sent a third of a large file's entries through their layout for nothing."""
    for match in _BARE_VALUE.finditer(raw):
        at = match.start()
        # (300 characters back at most: a longer name is taken for one, so none is missed)
        if match.group(1) == "#" or _NAME_BACKWARDS.match(raw[max(at - 300, 0):at][::-1]):
            return True
    return False


def ensure_inert(entries: Iterable[tuple[Entry, Entry | None]], path: str) -> None:
    """The last guard of every library writer: ``entries`` are (entry about to be written,
    the entry as the file had it or ``None``). The fields whose values are new are written
    as the writer writes them, read back and checked: ``UnsafeOutput`` when they do not read
    back as themselves (a value that ends early and makes fields of its own) or have a
    problem of ``UNSAFE_CODES`` (``ensure_inert_text``). A value the file already held is
    the user's and is not judged here.

    >>> ensure_inert([(Entry.from_fields("k", "misc", {"url": "https://x.org/a},note={b"}),
    ...                None)], "out.bib")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    llm4anno_bib.errors.UnsafeOutput: out.bib: the entry 'k' would be written with 'url' ...
    """
    new = [Entry(entry.key, entry.entry_type, {
        name: value for name, value in entry.fields.items()
        if before is None or before.fields.get(name) != value})
        for entry, before in entries if entry != before]
    if not new:
        return
    text = format_entries(new)
    # raw values: each must read back as exactly what the writer enclosed (braces, or a
    # month's macro), or a brace inside it ended it early
    read_back = _raw_values(text)
    for entry in new:
        got = read_back.get(entry.key, {})
        wrong = next((name for name, value in entry.fields.items()
                      if got.get(name) != enclose(name, value)), None)
        if wrong is not None or len(got) != len(entry.fields):
            raise UnsafeOutput(
                f"the entry '{entry.key}' would be written with '{wrong or 'a field'}' "
                "ending early: BibTeX and Biber would read the rest of it as fields of their "
                "own (a brace in a link, an unbalanced brace) [breaks-out]; nothing was "
                "written. Where it came from (a list, a source, an option) is what to fix or "
                "report.", path=path, key=entry.key)
    ensure_inert_text(text, path)


def _raw_values(text: str) -> dict[str, dict[str, str]]:
    """Each entry's raw values (the first entry of a key, as bibtexparser keeps it), as
    bibtexparser's splitter cuts ``text``: by its fast path where the text is plain (the
    same blocks: ``tests/test_fastsplit.py``), else by the splitter itself."""
    try:
        found: dict[str, dict[str, str]] = {}
        for block in _fastsplit.scan(text):
            if block[0] == "entry":
                found.setdefault(block[5], {name.lower(): raw for name, raw, _at in block[6]})
        return found
    except _fastsplit.OutsidePlain:
        parsed = bibtexparser.parse_string(text, parse_stack=[])
        return {block.key: {f.key.lower(): str(f.value) for f in block.fields}
                for block in parsed.entries}


def ensure_inert_text(written: str, path: str, before: str = "") -> None:
    """Raise ``UnsafeOutput`` when the BibTeX text a command is about to write has a problem
    of ``UNSAFE_CODES`` (``check``'s rules) that ``before``, what the file held in its place,
    did not have: what the user's file already held is theirs and is not judged here."""
    had = {_place(p) for p in check_text(before, path) if p.code in UNSAFE_CODES} \
        if before else set()
    for problem in check_text(written, path):
        if problem.code in UNSAFE_CODES and _place(problem) not in had:
            field = _place(problem)[2]
            raise UnsafeOutput(
                f"the entry '{problem.key}' would be written "
                f"{f'with {field!r} ' if field else ''}holding what BibTeX or LaTeX would "
                f"read as markup ({problem.message}) [{problem.code}]; nothing was written. "
                "Where it came from (a list, a source, an option) is what to fix or report.",
                path=path, key=problem.key)


def _place(problem: Problem) -> tuple[str | None, str, str | None]:
    """A problem's entry, code and field, wherever the entry stands in its file."""
    field = _NAMED_FIELD.match(problem.message) if problem.code != "bad-key" else None
    return problem.key, problem.code, field.group(1) if field else None


_NAMED_FIELD = re.compile(r"(?:the braces of )?'([a-z0-9_:-]+)'")


@dataclass(frozen=True, slots=True)
class _ScannedBlock:
    """An entry as ``_fastsplit.scan`` cut it: what the checks read of a block."""

    key: str
    raw: str
    line: int  # from 1
    # its fields' raw values (delimiters kept) that are not one braced group: the few the
    # unjoined rule reads (every value of the DBLP file's entries kept was 38 MB of check's
    # 224 MB peak)
    values: Mapping[str, str] | None = None

    @staticmethod
    def line_of(block: _ScannedBlock) -> int:
        return block.line


class _Cut(Protocol):
    """An entry's block as either splitter cut it (bibtexparser's, or a ``_ScannedBlock``):
    what the checks read of it is its key and its text as written."""

    @property
    def key(self) -> str: ...

    @property
    def raw(self) -> str | None: ...


def _scanned(text: str) -> tuple[list[tuple[_Cut, Entry]], list[_ScannedBlock]] | None:
    """The entries of plain ``text`` straight from ``_fastsplit.scan`` (values without
    their enclosing braces or quotes, by bibtexparser's own rule), and the entries whose
    key an earlier one has (bibtexparser's duplicate blocks); ``None`` for text outside
    the plain subset, or a library file (its blocks are checked from bibtexparser's)."""
    entries: list[tuple[_Cut, Entry]] = []
    repeated: list[_ScannedBlock] = []
    seen: set[str] = set()
    try:
        for block in _fastsplit.scan(text):
            if block[0] == "comment":
                if block[4].partition("\n")[0].strip() in LIBRARY_BLOCKS:
                    return None
                continue
            if block[0] != "entry":
                continue
            _kind, start, end, line, entry_type, key, fields = block
            # scan counts lines as bibtexparser does, which differs from the true line only
            # after an escaped newline: scan takes no text that has one
            scanned = _ScannedBlock(key, text[start:end], line + 1,
                                    {name: value for name, value, _at in fields
                                     if _not_one_group(value)})
            if key in seen:
                repeated.append(scanned)
                continue
            seen.add(key)
            # (Fields of lowercase names: the entry takes them as they are, not a copy)
            entries.append((scanned, Entry(key, entry_type, Fields(
                (name.lower(), unenclosed(value)) for name, value, _at in fields))))
    except _fastsplit.OutsidePlain:
        return None
    return entries, repeated


def _entry_of(block: btp.Entry) -> Entry:
    return Entry.from_fields(block.key, block.entry_type, {f.key: str(f.value) for f in block.fields})


def _line_of(lines: Callable[[Any], int], block: _Cut, name: str | None = None) -> int:
    """The 1-based line of a block, or of one of its fields."""
    first = lines(block)
    if name is None:
        return first
    match = re.search(rf"^[ \t]*{re.escape(name)}\s*=", raw := block.raw or "", re.M | re.I)
    return first + raw[: match.start()].count("\n") if match else first


def _duplicate_key_problem(path: str, line: int, key: str) -> Problem:
    return Problem(path, line, key, "duplicate-key",
                   f"the key '{key}' is used again; BibTeX would cite only one of the two. "
                   "Rename one of them")


def _failed_block_problem(block: btp.Block, path: str, lines: BlockLines) -> Problem:
    line = lines(block)
    if isinstance(block, btp.DuplicateBlockKeyBlock):
        return _duplicate_key_problem(path, line, block.key)
    if isinstance(block, btp.DuplicateFieldKeyBlock):
        entry = block.ignore_error_block
        return Problem(path, line, getattr(entry, "key", None), "duplicate-field",
                       f"{block.error}; keep one of them")
    line, reason = syntax_failure(block, line)
    return Problem(path, line, None, "syntax",
                   f"this block cannot be read ({reason}); fix it before anything else reads "
                   "the file")


def _entry_problems(block: _Cut, entry: Entry, path: str, parent: Entry | None,
                    lines: Callable[[Any], int]) -> list[Problem]:
    """Every rule of ``_ENTRY_RULES`` on one entry, in the table's order; an entry
    "commented out" line by line with '%' is one problem, not one a field."""
    if next(iter(entry.fields), "").startswith("%") and \
            all(name.startswith("%") for name in entry.fields):
        return [Problem(path, _line_of(lines, block), entry.key, "commented-out",
                        f"'@{entry.entry_type}{{{entry.key},' and its lines are \"commented out\" "
                        "with '%', which BibTeX does not read as a comment: it reads the entry, "
                        "its fields broken. Delete it, or write it as @comment{...}")]
    checked = _Checked(entry, block.raw or "", parent, getattr(block, "values", None))
    return [Problem(path, _line_of(lines, block, name), entry.key, code, message,
                    "warning" if code in _WARNING_CODES else "error")
            for rule in _ENTRY_RULES for code, message, name in rule(checked)]


# what BibTeX itself reads, with a warning; a title a style would lowercase
_WARNING_CODES = frozenset({"comma-names", "empty-name", "et-al-name", "month-as-text",
                            "others-case", "title-case"})


@dataclass(frozen=True, slots=True)
class _Checked:
    """What an entry rule reads: the entry, its block's text, its crossref parent."""

    entry: Entry
    raw: str
    parent: Entry | None
    values: Mapping[str, str] | None = None  # the raw values, where the cut kept them


# a rule's finding: its code, its message and the field it is about (None: the entry)
_Finding = tuple[str, str, "str | None"]


def _key_rule(checked: _Checked) -> Iterator[_Finding]:
    key = checked.entry.key
    if _KEY_BREAKERS.search(key):
        yield ("bad-key", f"the key '{key}' holds a space or one of , {{ }} ( ) \" # % ' = "
               "\\ ~, which BibTeX and LaTeX's \\cite read as the key's end or as markup; "
               "rename it", None)


def _value_rules(checked: _Checked) -> Iterator[_Finding]:
    for name, value in checked.entry.fields.items():
        if not value and re.search(rf"(?:^|[,\s]){re.escape(name)}\s*+=\s*+(?=[,}}])",
                                   checked.raw, re.I):
            yield ("empty-value", f"'{name}' has no value, which BibTeX rejects; write "
                   f"'{name} = {{}}' or remove the field", name)
        if _WORTH_A_LOOK.search(value):  # most values: no brace, quote, macro or math
            yield from _brace_findings(name, value)
            if name not in IDENTIFIER_FIELDS and name not in NOT_TYPESET:
                yield from _hazard_findings(name, value)


def _brace_findings(name: str, value: str) -> Iterator[_Finding]:
    folded = FOLDED_FIELD.search(value)
    if folded:
        yield ("missing-comma", f"'{name}' holds what looks like the field "
               f"'{folded.group(1)}': a comma is missing after '{name}'", name)
    elif not braces_balance(value, as_bibtex=False):
        yield ("unbalanced-braces", f"the braces of '{name}' do not balance", name)
    elif not braces_balance(value):
        yield ("bibtex-braces", f"'{name}' has a brace after a backslash that BibTeX and "
               "Biber count (LaTeX does not): they end the value there and read the rest "
               "as fields of their own. Write \\textbraceleft{} or \\textbraceright{}", name)


def _hazard_findings(name: str, value: str) -> Iterator[_Finding]:
    hazards = latex_hazards(value)
    if hazards:
        yield ("unsafe-latex", f"'{name}' holds {', '.join(hazards[:3])}"
               f"{' and more' if len(hazards) > 3 else ''}: not on the allowlist of "
               "LaTeX a bibliography needs, so a document could make it run or read "
               "anything. Write it as text or remove it", name)


def _required_rule(checked: _Checked) -> Iterator[_Finding]:
    entry, parent = checked.entry, checked.parent
    # what crossref gives: the parent's fields, and its title as booktitle (biblatex's rule)
    inherited = {**(parent.fields if parent else {}), **entry.fields}
    if parent is not None and "booktitle" not in inherited and parent.fields.get("title"):
        inherited["booktitle"] = parent.fields["title"]
    for requirement in missing_required(entry.entry_type, inherited):
        options = requirement.split("|")
        yield ("missing-field", f"@{entry.entry_type} needs "
               f"{' or '.join(repr(o) for o in options)}"
               f"{_venue_in_another_field(entry.entry_type, options, inherited)}", None)


# The venue field each kind of entry prints, and the kind that prints the other one: a
# paper in proceedings given a 'journal' (as Google Scholar exports some) loses its venue.
_VENUE_OF_ANOTHER_TYPE = {"booktitle": (("journal", "journaltitle"), "@article"),
                          "journal": (("booktitle",), "@inproceedings")}


def _venue_in_another_field(entry_type: str, options: list[str],
                            fields: Mapping[str, str]) -> str:
    """What to add to a missing venue's message when the entry names its venue in the field
    of another type, which this type does not print."""
    for option in options:
        others, other_type = _VENUE_OF_ANOTHER_TYPE.get(option, ((), ""))
        present = next((other for other in others if fields.get(other, "").strip()), None)
        if present is not None:
            return (f"; it has '{present}', which @{entry_type} does not print "
                    f"({other_type} does)")
    return ""


def missing_required(entry_type: str, fields: Mapping[str, str]) -> list[str]:
    """The required fields of ``entry_type`` (``REQUIRED``; ``a|b``: either) that ``fields``
    leaves out or empty.

    >>> missing_required("article", {"title": "T", "author": "A", "year": "2024"})
    ['journal|journaltitle']
    """
    return [requirement for requirement in REQUIRED.get(entry_type, ())
            if not any(fields.get(option, "").strip() for option in requirement.split("|"))]


def _quote_rule(checked: _Checked) -> Iterator[_Finding]:
    if '\\"' in checked.raw and _quote_ends_early(checked.raw):
        yield ("escaped-quote", "a quoted value holds \\\" : BibTeX ends the value at that "
               "quote (a backslash does not escape it), and reads the rest as junk. Write "
               "{\"} or brace the value", None)


def _identifier_rule(checked: _Checked) -> Iterator[_Finding]:
    values = checked.entry.fields
    # an empty identifier (IEEE Xplore writes every field it lacks as {}) names nothing,
    # and BibTeX prints nothing for it
    doi = values.get("doi", "").strip() or None
    if doi is not None and not is_doi(doi):
        yield ("bad-doi", f"'{doi}' is not a DOI (10.prefix/suffix, without https://doi.org/"
               + ("; check --fix bares it" if parse_doi(doi) else "") + ")",
               "doi")
    prefix = (values.get("archiveprefix") or values.get("eprinttype") or "").lower()
    eprint = values.get("eprint", "").strip() or None
    if prefix == "arxiv" and eprint is not None and not is_arxiv_id(eprint):
        yield ("bad-arxiv-id", f"'{eprint}' is not an arXiv id (2201.11903 or hep-th/9901001)",
               "eprint")


def _url_rule(checked: _Checked) -> Iterator[_Finding]:
    for name in URL_FIELDS:
        value = checked.entry.fields.get(name, "")
        parts = value.split()  # (a field may list several URLs)
        problems = [problem for problem in map(_url_problem, parts) if problem is not None]
        whole = _url_problem(" ".join(parts)) if len(parts) > 1 and \
            len(problems) == len(parts) else None
        if whole is not None:  # no URL in it: one value, said once ("<Go to ISI>://WOS:1")
            problems = [whole]
        for problem in problems:
            yield ("bad-url", f"'{name}' holds {problem}", name)


def _url_problem(url: str) -> str | None:
    if is_url(url):  # nearly every URL: http(s), a host, RFC 3986's characters only
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "ftp") or not parts.netloc:
        return f"'{url}', which is not an http(s) URL"
    if "\\" in url:
        return (f"a LaTeX escape ('{url}'); URLs are verbatim: write '_' and '%' as they are"
                + (", as check --fix does" if is_url(_url_unescaped(url)) else ""))
    if parts.scheme in ("http", "https") and not is_url(url):
        return (f"'{url}', with characters a URL cannot have (braces, quotes, control "
                "characters); percent-encode them")
    return None


def _month_rule(checked: _Checked) -> Iterator[_Finding]:
    """A month written as text (``{oct}``): BibTeX prints "oct", where its macro prints the
    month's name in the style's words."""
    month = checked.entry.fields.get("month", "")
    written = _month_as_text_in(checked.raw) if 2 <= len(month) <= 4 else None
    if written is not None:
        found, macro = written
        yield ("month-as-text", f"month = {found.group(1)} prints '{month}': write the macro "
               f"{macro} (no braces), which styles print as the month's name, as check --fix "
               "does", "month")


def _month_as_text_in(raw: str) -> tuple[re.Match[str], str] | None:
    """The ``month`` field of an entry's text (``raw``) where its value is a month written
    as text, and that month's macro: what the rule says and ``check --fix`` writes."""
    found = _MONTH_FIELD.search(raw)
    macro = month_written_as_text(found.group(1)) if found is not None else None
    return (found, macro) if found is not None and macro is not None else None


_MONTH_FIELD = re.compile(r"(?i)(?<![\w-])month[ \t]*=[ \t]*([{\"][^{}\"\n]{0,12}[}\"])")


def _names_rule(checked: _Checked) -> Iterator[_Finding]:
    for code, said in comma_listed_names(checked.entry.fields):
        yield code, said, "author" if said.startswith("the author") else "editor"


def _special_rule(checked: _Checked) -> Iterator[_Finding]:
    for name in TEXT_FIELDS:
        text = checked.entry.fields.get(name)
        specials = unescaped_specials(_without_concatenation(text)) if text is not None else []
        if specials:
            yield ("latex-special", f"'{name}' has an unescaped '{specials[0]}'; write "
                   f"'\\{specials[0]}' (LaTeX reads it as markup)", name)


def _title_case_rule(checked: _Checked) -> Iterator[_Finding]:
    title = checked.entry.fields.get("title")
    if not title:
        return
    words = list(dict.fromkeys(protection(title)[1]))[:4]
    if words:
        yield ("title-case", f"the title's {', '.join(words)} would be lowercased by styles "
               "that sentence-case titles (plainnat, acl_natbib, IEEEtran): brace them "
               f"({{{words[0]}}}), or run check --fix", "title")


def _field_name_rule(checked: _Checked) -> Iterator[_Finding]:
    """A field name BibTeX cannot read: a line "commented out" with '%' inside an entry
    (BibTeX has no comments there: "You're missing a field name"), a space or markup in it.
    BibTeX skips the rest of the entry; bibtexparser read "% year" as a field."""
    for name in checked.entry.fields:
        said = field_name_problem(name)
        if said is not None:
            yield ("bad-field-name", f"{said}: BibTeX skips the rest of the entry there. Remove "
                   "the line, or name the field plainly", name)


def _unjoined_rule(checked: _Checked) -> Iterator[_Finding]:
    """Two values side by side with no '#' between (``title = "A" "B"``, ``year = 20 20``, a
    value with the next field's name and no '=' after it): BibTeX stops reading the entry
    there, while bibtexparser keeps the text as one value ('A" "B')."""
    if checked.values is not None:  # the fast cut's raw values that may be two
        written_as = list(checked.values.items())
    else:
        suspects = [name for name, value in checked.entry.fields.items() if _may_be_two(value)]
        raw = _raw_values(checked.raw).get(checked.entry.key, {}) if suspects else {}
        written_as = [(name, raw.get(name.lower(), "")) for name in suspects]
    for name, written in written_as:
        said = unjoined_values(name, written)
        if said is not None:
            yield ("unjoined-values", f"{said}: BibTeX expects ',' or '}}' there and skips the "
                   "rest of the entry. Join them with '#', or add the missing ',' (and the "
                   "next field's '=')", name)


def _not_one_group(raw: str) -> bool:
    """Whether a raw value (delimiters kept) is anything but one braced group with no
    brace inside: most values are, and hold no second value."""
    return raw[-1:] != "}" or raw[:1] != "{" or raw.count("{") != 1


def _may_be_two(value: str) -> bool:
    """Whether a value as read (enclosing braces or quotes gone) may hide two (a quote left
    inside, an opening brace whose value does not end with one, digits and spaces)."""
    return '"' in value or value.startswith("{") and not value.endswith("}") or \
        bool(_SPACED_NUMBER.fullmatch(value))


_SPACED_NUMBER = re.compile(r"\d+(?:\s+\d+)+")


_ENTRY_RULES: tuple[Callable[[_Checked], Iterator[_Finding]], ...] = (
    _key_rule, _field_name_rule, _value_rules, _unjoined_rule, _required_rule, _quote_rule,
    _identifier_rule, _url_rule, _names_rule, _special_rule, _title_case_rule, _month_rule)


# what the checks of a value below need to find anything: a brace or quote (a folded field,
# unbalanced braces), a backslash, math, "^" or a control character (LaTeX hazards)
_WORTH_A_LOOK = re.compile(rf'[{{}}"\\$^{CONTROL_CHARS}]')
_KEY_BREAKERS = re.compile(r"""[\s,{}()"#%'=\\~]""")


def _quote_ends_early(raw: str) -> bool:
    r"""Whether a ``"..."`` value of the block holds ``\"`` outside braces: BibTeX ends the
    value there, while bibtexparser reads on. (A key's quotes are no value's: the key is
    read up to the first comma, and a key holding them is ``bad-key``.)

    >>> _quote_ends_early(r'@misc{k, title = "Sch\"on"}')
    True
    >>> _quote_ends_early(r'@misc{Sch\"on2020, title = {Sch\"on}}')
    False
    """
    depth, quoted, keyed = 0, False, False
    for found in _QUOTE_MARKS.finditer(raw):  # (a walk of every character took 80 us a block)
        char = found.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "," and depth == 1:
            keyed = True
        elif char == '"' and depth == 1 and keyed:  # the entry's own braces: a value's quotes
            if quoted and raw[found.start() - 1] == "\\":
                return True
            quoted = not quoted
    return False


_QUOTE_MARKS = re.compile(r'[{},"]')


def _without_concatenation(value: str) -> str:
    """The value without BibTeX's ``#`` concatenation (``dtv # { and } # degruyter``),
    which is syntax, not text."""
    return "".join(concatenated_parts(value))


def _duplicates(entries: Iterable[tuple[_Cut, Entry]], path: str,
                lines: Callable[[Any], int]) -> list[Problem]:
    found = []
    first_of: dict[str, tuple[_Cut, Entry]] = {}
    keys_folded: dict[str, _Cut] = {}
    for block, entry in entries:
        for ident in work_identifiers(entry.fields):
            earlier = first_of.get(ident)
            if earlier is not None and ident.startswith("title:") and \
                    not _same_edition(earlier[1], entry):
                continue
            if earlier is not None and earlier[1].key != entry.key:
                label, value = identity_label(ident), ident.partition(":")[2]
                found.append(Problem(path, _line_of(lines, block), entry.key, "same-work",
                                     f"the same work as '{earlier[1].key}' (line "
                                     f"{_line_of(lines, earlier[0])}): same {label} '{value}'; "
                                     "merge them, keeping one key and the other in 'ids'"))
                break
            first_of.setdefault(ident, (block, entry))
        folded = keys_folded.get(entry.key.lower())
        if folded is not None and folded.key != entry.key:
            found.append(Problem(path, _line_of(lines, block), entry.key, "case-only-keys",
                                 f"differs from '{folded.key}' (line {_line_of(lines, folded)}) only "
                                 "in case; BibTeX treats them as one key", "warning"))
        keys_folded.setdefault(entry.key.lower(), block)
    return found


def _same_edition(a: Entry, b: Entry) -> bool:
    """Whether two entries of one title can be one work: volumes of a multi-volume work and
    editions years apart are not (the preprint-to-publication window is two years)."""
    if a.fields.get("volume") != b.fields.get("volume"):
        return False
    return a.year is None or b.year is None or abs(a.year - b.year) <= 2


def _library_problems(parsed: bibtexparser.Library, entries: list[tuple[_Cut, Entry]],
                      path: str, lines: Callable[[Any], int]) -> list[Problem]:
    found: list[Problem] = []
    try:
        tree, _corrections, _meta = parse_library_blocks(parsed.comments, path)
    except Llm4AnnoBibError as error:
        return [Problem(path, error.line, None, "library-block", error.message)]
    slugs = {c.slug for c in tree}
    in_tree = {(c.slug, key) for c in tree for key in c.keys}
    keys = {entry.key for _block, entry in entries}
    for category in tree:
        for key in category.keys:
            if key not in keys:
                found.append(Problem(path, None, key, "unknown-key",
                                     f"the category '{category.slug}' lists '{key}', which "
                                     "has no entry"))
    for block, entry in entries:
        for slug in entry.categories:
            if slug not in slugs:
                found.append(Problem(path, _line_of(lines, block, "keywords"), entry.key,
                                     "unknown-category",
                                     f"'{slug}' is not a category of the library"))
            elif (slug, entry.key) not in in_tree:
                found.append(Problem(path, _line_of(lines, block, "keywords"), entry.key,
                                     "not-in-tree",
                                     f"keywords name '{slug}' but the category block does not "
                                     f"list '{entry.key}' there; use 'llm4anno-bib add'"))
        if "key" not in entry.curated and not _follows_key_rule(entry):
            expected = base_key(entry.bib_authors, entry.year, entry.title)
            found.append(Problem(path, _line_of(lines, block), entry.key, "key-rule",
                                 f"the key rule gives '{expected}'; rename the entry, or mark "
                                 "a key chosen by hand with 'curated = {key}'"))
    return found


def _follows_key_rule(entry: Entry) -> bool:
    """The key is the rule's, for the cited year or the preprint's (a key never changes, so
    a preprint upgraded to a later published version keeps its preprint year)."""
    years = {entry.year}
    preprint_year = arxiv_year(entry.arxiv_id or "")
    if preprint_year:
        years.add(preprint_year)
    for year in years:
        stem = base_key(entry.bib_authors, year, entry.title)
        if entry.key.startswith(stem) and _SUFFIX.match(entry.key[len(stem):]):
            return True
    return False
