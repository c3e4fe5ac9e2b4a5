"""Lossless round trips: every real file reads and writes back byte for byte (or the error
names the place); a changed entry changes only its own text; property tests on generated
entries with LaTeX, Unicode and nested braces."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llm4anno_bib.bibfile import BibWarning, parse_entries, read_library, render_library
from llm4anno_bib.errors import BibSyntaxError
from llm4anno_bib.model import Entry

from conftest import ROOT, SHARED

REAL = sorted((SHARED / "corpus").rglob("*.bib")) + sorted(
    (SHARED / "recordings" / "dblp").glob("*.bib"))


@pytest.mark.skipif(not REAL, reason=f"no real files at {SHARED} (the corpus and DBLP exports)")
@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_every_real_file_round_trips_byte_for_byte_or_names_the_place(tmp_path, path: Path):
    original = path.read_bytes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BibWarning)
        copy = tmp_path / path.name
        try:
            library = read_library(path)
            library.save(copy)  # a file that repeats a key is read, and refused here
        except BibSyntaxError as error:
            # broken files: a duplicate key, bytes that are not UTF-8; the place is named
            assert error.path == str(path) and error.line is not None and error.line >= 1
            assert original.count(b"\n") + 1 >= error.line
            assert not copy.exists()
            return
    assert copy.read_bytes() == original
    assert len(library) > 0


# What each real file of the corpus is (counted and found by hand, see its SOURCES.md): read
# with this many entries, or refused at the line that breaks it, with what the message says.
PINNED = {
    "bib/brendon-boldt_phd-thesis_zotero_first200k.bib": ("read", 121),
    "bib/papers4cnn_jabref_gbk_crlf.bib": ("read", 13),
    "bib/plk_biblatex_biblatex-examples.bib": ("read", 92),
    "bib/sentivent_mendeley_library_deprecated.bib": ("read", 180),
    "aux/bachstelze_rephrase/library.bib": ("read", 80),
    "bib/nltk_book_refs_macroman_byte.bib": ("refused", 759, "byte 22503 (0x9f) is not UTF-8"),
    # 233 entries, 5 keys used twice: read as BibTeX reads it (the first of each), not saved
    "bib/thammegowda_dissertation_anthology.bib":
        ("refused", 1350, "'isozaki-etal-2010-autoeval' is used twice (lines 1133 and 1350)"),
}
# the lines each is warned of: keys used twice; "and Others", which BibTeX prints as a person
# (as Mendeley writes "et al.")
WARNED_LINES = {"thammegowda_dissertation_anthology.bib": [1350, 1367, 1436, 1763, 2702],
                "library.bib": [236, 260]}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_each_real_file_has_its_pinned_outcome(tmp_path, name: str):
    path = SHARED / "corpus" / name
    if not path.is_file():
        pytest.skip(f"the real-file corpus is not at {SHARED / 'corpus'}")
    outcome, number, *said = PINNED[name]
    copy = tmp_path / path.name
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            library = read_library(path)
            library.save(copy)
        except BibSyntaxError as error:
            assert (outcome, error.line, error.path) == ("refused", number, str(path))
            assert said[0] in str(error) and "nothing was changed" in str(error)
            assert not copy.exists()
        else:
            assert outcome == "read", f"{name} was read; pinned: refused at line {number}"
            assert len(library) == number and copy.read_bytes() == path.read_bytes()
    warned = [w.message.line for w in caught if isinstance(w.message, BibWarning)]
    assert warned == WARNED_LINES.get(path.name, [])


def test_every_file_of_the_corpus_is_pinned():
    found = sorted(str(p.relative_to(SHARED / "corpus"))
                   for p in (SHARED / "corpus").rglob("*.bib"))
    if not found:
        pytest.skip(f"the real-file corpus is not at {SHARED / 'corpus'}")
    assert found == sorted(PINNED), "a new real file: pin what it reads as"


@pytest.mark.skipif(not REAL, reason=f"no real files at {SHARED}")
def test_changing_one_entry_of_a_real_file_changes_only_that_entry(tmp_path):
    path = next(p for p in REAL if "crlf" in p.name)  # CRLF endings, JabRef's layout
    library = read_library(path)
    first = library.entries[0]
    changed = Entry.from_fields(first.key, first.entry_type,
                                dict(first.fields) | {"note": "checked"})
    library.with_entries([changed, *library.entries[1:]]).save(tmp_path / "out.bib")
    before = path.read_bytes().decode("utf-8")
    after = (tmp_path / "out.bib").read_bytes().decode("utf-8")
    start = before.index("@")
    end = before.index("\r\n}", start) + 3
    assert after.startswith(before[:start]) and after.endswith(before[end:])
    rewritten = after[start: len(after) - len(before[end:])]
    # edited as a colleague would: the entry as it was, and one line more in its layout
    # (JabRef's: capitalised names, '=' in one column, CRLF)
    original = before[start:end]
    column = original.index("=") - original.index("Title")
    assert rewritten == original[:-3] + ",\r\n  Note" + " " * (column - 4) + "= {checked}\r\n}"


def test_the_shipped_library_round_trips(tmp_path):
    library = read_library(ROOT / "library.bib")
    library.save(tmp_path / "library.bib")
    assert (tmp_path / "library.bib").read_bytes() == (ROOT / "library.bib").read_bytes()
    assert render_library(library.with_entries(list(library))) == \
        (ROOT / "library.bib").read_text(encoding="utf-8")


# -- property tests ----------------------------------------------------------------------
_PLAIN = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"),
                                        blacklist_characters="{}\\%@#&$_~^\"\x00"),
                 min_size=1, max_size=12)
_LATEX = st.sampled_from(["\\\"{a}", "{\\'e}", "\\&", "\\%", "$x_1$", "{GPT}", "{\\ss}",
                          "\\textit{word}", "{{Nested} {Braces}}", "--", "ü", "ł", "中文", "é"])


@st.composite
def _values(draw) -> str:
    parts = draw(st.lists(st.one_of(_PLAIN, _LATEX), min_size=1, max_size=6))
    return " ".join(parts).strip() or "x"


@st.composite
def _entries(draw) -> Entry:
    key = draw(st.from_regex(r"[a-z][a-z0-9:_-]{0,15}", fullmatch=True))
    fields = {"title": draw(_values()), "author": " and ".join(draw(st.lists(
        _values(), min_size=1, max_size=3)))}
    if draw(st.booleans()):
        fields["year"] = str(draw(st.integers(1900, 2030)))
    if draw(st.booleans()):
        fields["note"] = draw(_values())
    return Entry.from_fields(key, draw(st.sampled_from(["article", "misc", "inproceedings"])),
                             fields)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_entries(), min_size=1, max_size=4, unique_by=lambda e: e.key.lower()))
@pytest.mark.slow
# (a drawn name may end in "et al.", which the reading warns of, as BibTeX does: a stray
# warning in the suite's summary whenever hypothesis draws one; the round trip is the point)
@pytest.mark.filterwarnings("ignore::llm4anno_bib.errors.BibWarning")
def test_parse_write_parse_is_stable(entries):
    from llm4anno_bib.bibfile import format_entries

    text = format_entries(entries)
    again = parse_entries(text).entries
    assert [(e.key, e.entry_type, dict(e.fields)) for e in again] == \
        [(e.key, e.entry_type, dict(e.fields)) for e in entries]
    assert format_entries(again) == text
