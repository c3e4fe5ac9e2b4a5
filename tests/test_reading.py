"""Reading files as they are: every pattern in linear time on 100 KB of its worst input, the
true line of every problem (after lines ending in a backslash, with CRLF and with lone CRs),
CR-only libraries with their tree, one-line syntax errors, and concatenations kept when their
entry changes."""

from __future__ import annotations

import subprocess
import sys
import time
import warnings

import pytest

import llm4anno_bib
from llm4anno_bib.bibfile import parse_entries, read_library, render_library
from llm4anno_bib.checking import check_bytes
from llm4anno_bib.errors import BibSyntaxError
from llm4anno_bib.merge import merge_into
from llm4anno_bib.model import Entry
from llm4anno_bib.verifying import verify_text

from conftest import ROOT

WORST = {
    "blank-lines-after-a-brace": "@misc{a,\n  title = {a = b {}" + "\n" * 100_000 + "},\n}\n",
    "blank-run-after-a-brace": "@misc{a,\n  title = {a = b {}" + " \n" * 50_000 + "},\n}\n",
    "unclosed-paren-math": "@misc{a,\n  title = {" + "\\(" * 50_000 + "},\n}\n",
    "arxiv-and-letters": "@misc{a,\n  title = {T},\n  journal = {arXiv " + "a" * 100_000
                         + "},\n}\n",
    "pages-of-blanks": "@misc{a,\n  title = {T},\n  pages = {1" + " " * 100_000 + "x},\n}\n",
    "many-lines-then-at": "@misc{a,\n  title = {T" + "\n " * 50_000 + "},\n}\n",
}


@pytest.mark.parametrize("case", WORST)
@pytest.mark.slow
def test_every_reader_is_linear_on_100_kb_of_its_worst_input(tmp_path, library, case):
    """A hang guard, not a speed target: the quadratic patterns took 44-55 s on 40 KB."""
    text = WORST[case]
    path = tmp_path / "worst.bib"
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        read_library(path)
        check_bytes(text.encode(), "worst.bib")
        verify_text(text, library, "worst.bib")
        merge_into(library.filter(keys=["wei2022chain"]), path)
    assert time.perf_counter() - started < 20


BACKSLASH_LINES = ("@misc{a,\n  abstract = {one \\\\\n two \\\\\n three \\\\\n four},\n"
                   "  title = {A},\n}\n\n@misc{b,\n  title = {B},\n}\n\n@misc{b,\n"
                   "  title = {C},\n}\n\n@misc{c,\n  title = {Q&A},\n}\n")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_every_problem_is_reported_on_its_true_line(tmp_path, newline):
    text = BACKSLASH_LINES.replace("\n", newline)
    problems = {p.code: p.line for p in check_bytes(text.encode(), "refs.bib")}
    assert problems["duplicate-key"] == 13 and problems["latex-special"] == 18, problems
    with pytest.raises(BibSyntaxError) as raised:
        parse_entries(text, "refs.bib")
    assert raised.value.line == 13
    parsed = parse_entries(text, "refs.bib", duplicates="all")
    assert parsed.lines == [1, 9, 13, 17]


def test_a_library_with_lone_cr_line_endings_keeps_its_tree_and_its_bytes(tmp_path):
    path = tmp_path / "library.bib"
    cr = (ROOT / "library.bib").read_bytes().replace(b"\n", b"\r")
    path.write_bytes(cr)
    library = llm4anno_bib.load(path)
    shipped = llm4anno_bib.load()
    assert [c.slug for c in library.tree] == [c.slug for c in shipped.tree]
    assert library.survey_key == shipped.survey_key and len(library) == len(shipped)
    assert render_library(library).encode() == cr  # unchanged: the same bytes
    changed = library.with_entries([Entry.from_fields(e.key, e.entry_type,
                                                      {**e.fields, "note": "n"})
                                    if e.key == "wei2022chain" else e for e in library])
    written = render_library(changed)
    assert "\n" not in written and "  note = {n},\r" in written
    assert llm4anno_bib.check(path).problems == ()


@pytest.mark.parametrize("text", [
    pytest.param(b"@misc{a,\n  title = {Foo {bar},\n  year = 2020\n}\n", id="unbalanced"),
    pytest.param(b"@a{" * 50_000, id="fifty-thousand-openings"),
])
@pytest.mark.slow
def test_a_syntax_error_is_one_line(tmp_path, text):
    """One line an error, never a dump: a library that cannot be read is one error; verify
    names each block it cannot read (at most ten, then how many more) and its summary."""
    path = tmp_path / "broken.bib"
    path.write_bytes(text)
    for args in (["list", "--library", str(path)], ["verify", str(path)]):
        done = subprocess.run([sys.executable, "-m", "llm4anno_bib", *args], capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 2 and done.stderr.startswith(f"llm4anno-bib: {path}:1: ")
        said = done.stderr.splitlines()
        if args[0] == "list":
            assert len(said) == 1, done.stderr[:500]
            continue
        errors = [line for line in said if line.startswith(f"llm4anno-bib: {path}:")]
        assert len(errors) == min(10, text.count(b"@")), done.stderr[:500]
        assert len(said) == len(errors) + (2 if text.count(b"@") > 10 else 1)
        assert said[-1].endswith("could not be read") and "Traceback" not in done.stderr


def test_a_concatenation_stays_one_when_its_entry_changes(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text("@string{pub = {Big Publisher}}\n\n@misc{a,\n  title = {T},\n"
                    "  month = \"10~\" # jan,\n  publisher = pub,\n  year = 2020,\n}\n",
                    encoding="utf-8")
    library = read_library(path)
    entry = library["a"]
    assert entry.fields["month"] == "10~jan"  # what BibTeX reads: "10~" then January
    changed = library.with_entries([Entry.from_fields("a", "misc",
                                                      {**entry.fields, "title": "New"})])
    written = render_library(changed)
    assert 'month = "10~" # jan,' in written and "publisher = pub," in written
    assert "title = {New}" in written


@pytest.mark.parametrize("text, line, said", [
    ('@misc{a,\n  title = "V" "W",\n  year = 2020,\n}\n', 2,
     "'title' holds \"V\" and then \"W\" with nothing between them"),
    ('@misc{title_year,\n  title = "V" "W",\n  year = 2020,\n}\n', 2,  # (not the key's line)
     "'title' holds \"V\" and then \"W\""),
    ("@misc{a,\n  title = {T},\n  year = 20 20,\n}\n", 3, "'year' holds 20 and then 20"),
    ("@article{a,\n  title = {T},\n  % year = {2020},\n  author = {A},\n}\n", 3,
     "'% year' is no field name BibTeX reads (a '%' does not comment out a line"),
])
def test_every_reader_warns_where_bibtex_stops_reading_an_entry(tmp_path, text, line, said):
    """Where BibTeX stops reading an entry (and prints it without the rest), every reader
    (verify, upgrade, export --into) warns with the line, once: bibtexparser read on without
    a word (the title 'V" "W', a field named '% year'), and a value misread as a macro was
    also a second warning over two lines."""
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        llm4anno_bib.load(path)
    (warning,) = [w.message for w in caught]
    assert warning.line == line and said in str(warning) and "\n" not in str(warning)
    assert [p.line for p in check_bytes(text.encode(), "refs.bib")
            if p.code in ("unjoined-values", "bad-field-name")] == [line]
