"""The quick paths that skip a library where its work is plain give exactly what the
library gives, on every real value we have and on the edge cases of its rules."""

from __future__ import annotations

import functools
import warnings

import pytest
from pybtex.bibtex.utils import split_name_list

import llm4anno_bib
from conftest import ROOT, SHARED
from llm4anno_bib._text import collapse_spaces
from llm4anno_bib.names import split_names

REAL_FILES = sorted((SHARED / "corpus" / "bib").glob("*.bib")) + sorted(
    (SHARED / "recordings" / "dblp").glob("*.bib"))


@functools.cache
def _name_values() -> list[str]:
    values = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in REAL_FILES:
            try:
                library = llm4anno_bib.load(path, encoding="latin-1" if "macroman" in path.name
                                            or "gbk" in path.name else None)
            except llm4anno_bib.Llm4AnnoBibError:
                continue
            values += [e.fields[name] for e in library for name in ("author", "editor")
                       if name in e.fields]
    return values


EDGES = ["Johnson AND Peterson", "Armand AnD anderssen", "Doe, Jane and  Smith, J.",
         " and Peterson", "Peterson and ", "a and and b", "Doe\n and\tSmith", "Band and Andersen",
         "What a Strange{ }and Bizzare Name! and Peterson", "{Armand and Anderssen} and X",
         "Doe andSmith", "Doe\u00a0and Smith"]


@pytest.mark.skipif(not REAL_FILES, reason=f"no corpus or DBLP recordings at {SHARED}")
def test_names_are_split_as_pybtex_splits_them_on_every_real_value():
    values = _name_values()
    assert len(values) > 10_000
    differing = [v for v in values if split_names(v) != tuple(split_name_list(collapse_spaces(v)))]
    assert differing == []


@pytest.mark.parametrize("value", EDGES)
def test_names_are_split_as_pybtex_splits_them_at_the_edges(value):
    assert split_names(value) == tuple(split_name_list(collapse_spaces(value)))


def _parts(person) -> tuple[list[str], ...]:
    return (person.first_names, person.middle_names, person.prelast_names, person.last_names,
            person.lineage_names)


PEOPLE = ["Ludwig van Beethoven", "Le Scao, Teven", "abc", "Dixit, Jr, Avinash K. ",
          "Viktorov, Michail~Markovitch", "Jean de la Fontaine", "de la Fontaine, Jean",
          "a b c", "A b C d", ", John", "John,", "  ", "John , , Doe", "Ⓐnna ⓑeta Smith",
          "Ben Hamner, Jaison Morgan, lynnvandev, Mark Shermis", "J. 'o Brien", "Anne-Marie d'Arc",
          "Vander Ark, Tom", "von der Heide, Jr., K.", "Ǆemal Bijedić", "1st Author", "Tom\tJones"]


@pytest.mark.parametrize("name", PEOPLE)
def test_names_are_sorted_as_pybtex_sorts_them_at_the_edges(name):
    from llm4anno_bib.names import name_parts, pybtex_person

    assert tuple(name_parts(name)) == _parts(pybtex_person(name))


@pytest.mark.skipif(not REAL_FILES, reason=f"no corpus or DBLP recordings at {SHARED}")
def test_names_are_sorted_as_pybtex_sorts_them_on_every_real_name():
    from llm4anno_bib.names import name_parts, pybtex_person

    names = {name for value in _name_values() for name in split_names(value)}
    assert len(names) > 10_000
    assert [n for n in names if tuple(name_parts(n)) != _parts(pybtex_person(n))] == []


def _bibtexparser_blocks(text: str) -> list[tuple[str, str, dict[str, str]]]:
    from llm4anno_bib.bibfile import parse_bibtex

    return [(e.key, e.entry_type, {f.key.lower(): str(f.value) for f in e.fields})
            for e in parse_bibtex(text).entries]


DBLP_FILES = sorted((SHARED / "recordings" / "dblp").glob("*.bib"))


@pytest.mark.skipif(not DBLP_FILES, reason=f"no DBLP recordings at {SHARED}")
def test_source_answers_are_read_by_the_fast_reader_as_bibtexparser_reads_them():
    from llm4anno_bib.sources._bibtex import _blocks

    for path in DBLP_FILES:
        records = path.read_text(encoding="utf-8").split("\n\n")[:150]  # DBLP: a blank line
        text = "\n\n".join(records)  # between records
        assert _blocks(text, str(path)) == _bibtexparser_blocks(text), path.name


def test_a_block_the_fast_reader_refuses_is_read_as_bibtexparser_reads_it():
    from llm4anno_bib.sources._bibtex import parse_records

    block = "@article{,\n  title={Large Models: A Survey},\n  author={},\n  year={2024}\n}\n"
    records = parse_records(block, "the list", lambda key, fields: key or "survey", "block")
    assert [(r.ident, r.title, r.year) for r in records] == [("survey", "Large Models: A Survey",
                                                              2024)]


def _balanced_by_definition(value: str, as_bibtex: bool) -> bool:
    """Braces counted one character at a time: TeX skips the character after a backslash,
    BibTeX counts every brace; both never below zero and zero at the end."""
    countings = [True] + ([False] if as_bibtex else [])
    for tex in countings:
        depth, escaped = 0, False
        for char in value:
            if tex and escaped:
                escaped = False
                continue
            if tex and char == "\\":
                escaped = True
            depth += {"{": 1, "}": -1}.get(char, 0)
            if depth < 0:
                return False
        if depth:
            return False
    return True


def test_braces_are_counted_as_tex_and_bibtex_count_them():
    import random

    from llm4anno_bib._text import braces_balance

    rng = random.Random(7)
    values = ["".join(rng.choice("{}\\a \n") for _ in range(rng.randint(0, 12)))
              for _ in range(20_000)] + [r"\{", r"\\{}", r"a\}b{", "{\\\n}", r"{\}}"]
    for value in values:
        for as_bibtex in (True, False):
            assert braces_balance(value, as_bibtex) == _balanced_by_definition(value, as_bibtex), \
                (value, as_bibtex)


def test_a_sealed_body_is_checked_and_decoded_in_place():
    from llm4anno_bib._json import sealed, sealed_body

    value = {"k": "Schütze {BERT}", "n": [1, 2]}
    text = sealed(value)
    assert sealed_body(text.encode("utf-8")) == sealed_body(text) == text.partition("\n")[2]
    for damaged in (text.replace("BERT", "BERt"), "no newline", text.split("\n")[0] + "\n"):
        with pytest.raises(ValueError):
            sealed_body(damaged.encode("utf-8"))
    with pytest.raises(ValueError):  # bytes that are no UTF-8 behind a digest of themselves
        from llm4anno_bib._json import _digest

        sealed_body(_digest([b"\xff\xfe"]).encode() + b"\n\xff\xfe")


def _works_row_ok(row: object) -> bool:  # the rule, a row at a time, as JSON gives types
    if type(row) is not list or len(row) != 7:
        return False
    key, line, title, year, preprint, aliases, identities = row
    return type(key) is str and type(line) is int and type(title) is str and \
        (year is None or type(year) is int) and type(preprint) is bool and \
        all(type(v) is list and all(type(s) is str for s in v) for v in (aliases, identities))


def test_kept_works_rows_are_checked_a_column_at_a_time_as_a_row_at_a_time():
    """``export --into``'s kept rows of a file are checked by columns: every row of a real
    parse passes, and a row with any one cell of another JSON type (or length) fails the
    whole, as the row-at-a-time rule says."""
    import random

    from llm4anno_bib import merge
    from llm4anno_bib._libcache import _are_works_rows
    from llm4anno_bib.bibfile import parse_entries

    library = llm4anno_bib.load()
    text = "".join(entry.bibtex for entry in library)
    rows = merge._works(parse_entries(text, "library.bib", duplicates="all"))
    assert len(rows) == len(library) and _are_works_rows(rows) and _are_works_rows([])
    strangers = [None, True, 1, 1.5, "s", [], ["s"], [1], {}, [[]]]
    rng = random.Random(7)
    for _ in range(2000):
        changed = [list(row) for row in rng.sample(rows, 20)]
        row = rng.choice(changed)
        what = rng.random()
        if what < 0.1:
            changed[changed.index(row)] = row[:rng.randrange(7)] if rng.random() < 0.5 else \
                row + [None]
        elif what < 0.2:
            changed[changed.index(row)] = tuple(row) if rng.random() < 0.5 else {"k": row}
        else:
            row[rng.randrange(7)] = rng.choice(strangers)
        assert _are_works_rows(changed) == all(map(_works_row_ok, changed)), changed


@pytest.mark.parametrize("value", ["Paper", "https://x.org/a},note={b", "A \\} b", "A {b",
                                   "A }b{ c", 'A "b" c', "x\\\nnote = {y}"])
def test_the_writers_read_back_is_bibtexparsers(value):
    """The last guard reads what a writer formatted by the fast splitter where the text is
    plain, by bibtexparser's where not: the same raw values either way, hostile ones too."""
    import bibtexparser

    from llm4anno_bib.bibfile import format_entries
    from llm4anno_bib.checking import _raw_values
    from llm4anno_bib.model import Entry

    entries = list(llm4anno_bib.load())[:50] + [
        Entry.from_fields("doe2023paper", "misc", {"title": value, "year": "2023"})]
    text = format_entries(entries)
    parsed = bibtexparser.parse_string(text, parse_stack=[])
    assert _raw_values(text) == {block.key: {f.key.lower(): str(f.value) for f in block.fields}
                                 for block in parsed.entries}


def test_values_with_braces_are_split_as_pybtex_splits_them_fuzzed():
    """``names.split_tex`` (one pass) gives pybtex's ``split_tex_string`` on text made of
    braces (balanced or not), separators and words, at ``and`` and at commas."""
    import random
    import re

    from pybtex.bibtex.utils import split_tex_string

    from llm4anno_bib.names import split_tex

    pieces = ["{", "}", " and ", " AND ", ",", "a", " ", "  ", "and", "\\", "{}", "Doe",
              " and{", "} and "]
    rng = random.Random(11)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        for separator in (" [Aa][Nn][Dd] ", ","):
            assert split_tex(text, re.compile(separator)) == \
                split_tex_string(text, separator), (text, separator)


def _pylatexenc_text(value: str) -> str:
    from llm4anno_bib._text import _converter

    return collapse_spaces(_converter("to-text").latex_to_text(value))


def _quick_text(value: str) -> str | None:
    from llm4anno_bib._text import _quick_latex_to_text

    return _quick_latex_to_text(value)


@functools.cache
def _latex_values() -> list[str]:
    """Every real title, name and venue that holds LaTeX (the corpus, the DBLP exports, the
    shipped library)."""
    values: set[str] = set()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in REAL_FILES + [ROOT / "library.bib"]:
            try:
                library = llm4anno_bib.load(path, encoding="latin-1" if "macroman" in path.name
                                            or "gbk" in path.name else None)
            except llm4anno_bib.Llm4AnnoBibError:
                continue
            values |= {e.fields[name] for e in library for name in
                       ("title", "author", "editor", "booktitle", "journal", "publisher")
                       if name in e.fields}
    return sorted(v for v in values if any(mark in v for mark in "\\{$~"))


@pytest.mark.skipif(not REAL_FILES, reason=f"no corpus or DBLP recordings at {SHARED}")
def test_latex_is_read_as_pylatexenc_reads_it_on_every_real_value():
    """The quick path reads DBLP's math (``{\\textdollar}{\\textbackslash}ell{\\_}1
    {\\textdollar}``, ``{\\(\\epsilon\\)}``) too, and gives pylatexenc's text for every value
    it takes; it leaves pylatexenc at most one value in a hundred."""
    values = _latex_values()
    taken = {v: _quick_text(v) for v in values}
    assert len(values) > 5_000
    assert [v for v, text in taken.items() if text is not None and text != _pylatexenc_text(v)] \
        == []
    left = [v for v, text in taken.items() if text is None]
    assert len(left) < len(values) / 100, left[:20]
    math = [v for v in values if "{\\textdollar}" in v or "\\(" in v]
    assert len(math) > 50 and sum(taken[v] is None for v in math) < len(math) / 10


_LATEX_PIECES = ["a", "B", " ", "  ", "\n", "\n\n", "$", "\\$", "{", "}", "\\{", "\\}", "\\(",
                 "\\)", "\\alpha", "\\ell", "_", "^", "1", "-", "--", "---", "~", "`", "``",
                 "'", "''", "\\textdollar", "\\textbackslash", "\\textdegree", "{}", "\\_",
                 "\\&", "\\'e", '\\"{o}', "\\mathrm", "\\mbox", "\\mathscr", "\\frac",
                 "\\sqrt", "\\'", "\\\\", "(", ")", "[", "]", "\\,", "\\ ", "\\textbraceleft",
                 "\\i", "\\ss", "\\v c", "#", "\\#", "\\infty", "\\alphaX", "\\vert", "\\|",
                 "\\emph", "\U000f0024"]


def test_latex_is_read_as_pylatexenc_reads_it_fuzzed():
    """Text made of the pieces the quick path reads and of those next to which it must
    give up (a macro that takes an argument, a paragraph break, nested math, a
    private-use character it would take for its own): wherever it answers, it answers as
    pylatexenc does. (An unescaped '%' is left out: the quick path keeps it as text, as
    BibTeX prints it, where pylatexenc reads a comment.)"""
    import random

    rng = random.Random(18)
    answered = 0
    for _ in range(30_000):
        value = "".join(rng.choice(_LATEX_PIECES) for _ in range(rng.randint(1, 12)))
        quick = _quick_text(value)
        if quick is not None:
            answered += 1
            assert quick == _pylatexenc_text(value), value
    assert answered > 3_000


def test_the_math_macros_the_quick_path_reads_take_the_arguments_it_expects():
    """A macro the quick path reads inside math as a symbol takes no argument in
    pylatexenc's table, and a style takes exactly one braced one: else pylatexenc would
    take the closing '$' as the argument, and the math would end elsewhere."""
    from pylatexenc.latexwalker import get_default_latex_context_db

    from llm4anno_bib._text import MATH_STYLES, MATH_SYMBOLS

    table = get_default_latex_context_db()

    def arguments(name: str) -> str:
        spec = table.get_macro_spec(name)
        return "" if spec is None else spec.args_parser.argspec

    assert {name: arguments(name) for name in MATH_SYMBOLS} == dict.fromkeys(MATH_SYMBOLS, "")
    assert {name: arguments(name) for name in MATH_STYLES} == dict.fromkeys(MATH_STYLES, "{")
