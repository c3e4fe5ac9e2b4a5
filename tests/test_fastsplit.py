"""The fast splitter gives bibtexparser's blocks exactly, or steps aside (``None``).

Compared block for block (type, line, raw text, key, type, comment, value, every field with
its line) with ``bibtexparser.parse_string(text, parse_stack=[])`` on every real file, the
broken-input catalogue, and generated text dense in what BibTeX treats specially.
"""

from __future__ import annotations

import logging

import bibtexparser
import pytest
from bibtexparser.model import Entry, ExplicitComment, Field, ImplicitComment
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from llm4anno_bib import _fastsplit

from conftest import ROOT, SHARED
from test_bad_input import BROKEN, UNUSUAL

REAL = sorted((SHARED / "corpus").rglob("*.bib")) + sorted(
    (SHARED / "recordings" / "dblp").glob("*.bib"))


def _split(text: str) -> bibtexparser.Library | None:
    """What ``_fastsplit.scan`` gives, as bibtexparser's blocks (what
    ``bibtexparser.parse_string(text, parse_stack=[])`` should give); ``None`` where it
    steps aside."""
    library = bibtexparser.Library()
    try:
        for block in _fastsplit.scan(text):
            if block[0] == "entry":
                _kind, start, end, line, entry_type, key, fields = block
                library.add(Entry(start_line=line, entry_type=entry_type, key=key,
                                  raw=text[start:end],
                                  fields=[Field(start_line=line + text.count("\n", start, at),
                                                key=name, value=value)
                                          for name, value, at in fields]),
                            fail_on_duplicate_key=False)
            elif block[0] == "comment":
                _kind, start, end, line, comment = block
                library.add(ExplicitComment(start_line=line, raw=text[start:end],
                                            comment=comment))
            else:
                library.add(ImplicitComment(start_line=block[1], raw=block[2],
                                            comment=block[2]))
    except _fastsplit.OutsidePlain:
        return None
    return library


def _blocks(library: bibtexparser.Library) -> list[tuple]:
    described = []
    for block in library.blocks:
        fields = [(f.key, f.value, f.start_line) for f in getattr(block, "fields", [])]
        described.append((type(block).__name__, block.start_line, block.raw,
                          *(str(getattr(block, name, None)) for name in
                            ("key", "entry_type", "comment", "value")), fields))
    return described


def _same_as_bibtexparser(text: str) -> bool:
    """True where the fast path was taken (and agreed), False where it stepped aside."""
    fast = _split(text)
    if fast is None:
        return False
    logging.disable(logging.WARNING)  # bibtexparser logs each block it cannot parse
    try:
        reference = bibtexparser.parse_string(text, parse_stack=[])
    finally:
        logging.disable(logging.NOTSET)
    assert _blocks(fast) == _blocks(reference)
    assert [type(b).__name__ for b in fast.failed_blocks] == \
        [type(b).__name__ for b in reference.failed_blocks]
    return True


@pytest.mark.skipif(not REAL, reason=f"no real files at {SHARED} (the corpus and DBLP exports)")
@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
@pytest.mark.slow
def test_real_files_split_exactly_as_bibtexparser_splits_them(path):
    text = path.read_bytes().decode("mac-roman" if "macroman" in path.name else "utf-8")
    taken = _same_as_bibtexparser(text)
    # only the biblatex examples (with @string and @preamble) are outside the plain subset
    assert taken == ("biblatex-examples" not in path.name)


def test_the_shipped_library_takes_the_fast_path():
    assert _same_as_bibtexparser((ROOT / "library.bib").read_text(encoding="utf-8"))


def test_the_catalogue_of_broken_and_unusual_input():
    taken = {case for case in sorted(BROKEN) + sorted(UNUSUAL) if _same_as_bibtexparser(
        (BROKEN | UNUSUAL)[case][0].decode("utf-8", "replace"))}
    assert len(taken) >= 10, f"the fast path was taken only by {sorted(taken)}"


def test_what_the_fast_path_leaves_to_bibtexparser():
    plain = "@misc{a,\n  title = {T},\n}\n"
    assert _split(plain) is not None
    for text in ("@string{x = {y}}\n" + plain, "@misc(a, title = {T})\n",
                 "@misc{a,\n  title = {T},\n  title = {U},\n}\n",   # a duplicate field
                 "@misc{a,\n  title = {T}\n  year = 2020,\n}\n",    # a missing comma
                 "@misc{a,\n  title = {T},\n", "@misc{a,\n  title = {" + "{" * 8 + "}" * 8 + "}}"):
        assert _split(text) is None, text


SPECIAL = st.sampled_from(list('{}",=@#\\\n ()') + ["@misc{", "@comment{", " = ", "},\n",
                                                    "\n@", "\r\n", "é", "title"])
WORDS = st.text(alphabet="abcXY09 -.", min_size=0, max_size=5)


@pytest.mark.slow
def test_generated_text_splits_as_bibtexparser_splits_it():
    """Where the fast path is taken it agrees; and it is taken, not stepped aside from every
    time (which would agree vacuously)."""
    taken: list[bool] = []

    @settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow],
              database=None)
    @given(st.lists(st.one_of(SPECIAL, WORDS), max_size=40))
    @example(["@misc{", "k", ",", "title", " = ", "{", "\\", "}", "}", "}"])
    @example(["@misc{", "k", ",", "t", " = ", '"', "{", '"', "}", "}"])
    def splits_alike(parts):
        taken.append(_same_as_bibtexparser("".join(parts)))

    splits_alike()
    assert sum(taken) >= 50, f"the fast path was taken {sum(taken)} times of {len(taken)}"


ENTRY_TEXT = st.text(alphabet=st.sampled_from(list('ab {}\\"@,=#\n')), max_size=30)


@pytest.mark.slow
def test_generated_field_values_split_as_bibtexparser_splits_them():
    taken: list[bool] = []

    @settings(max_examples=600, deadline=None, database=None)
    @given(ENTRY_TEXT, ENTRY_TEXT, st.sampled_from(["{", '"', ""]))
    def splits_alike(first, second, opener):
        closer = {"{": "}", '"': '"', "": ""}[opener]
        text = (f"@article{{key,\n  title = {opener}{first}{closer},\n  note = {{{second}}},\n}}"
                f"\nafter\n@misc{{other, year = 2020}}\n")
        taken.append(_same_as_bibtexparser(text))

    splits_alike()
    assert sum(taken) >= 50, f"the fast path was taken {sum(taken)} times of {len(taken)}"


@settings(max_examples=1500, deadline=None, database=None)
@given(st.text(alphabet=st.sampled_from(list('ab {}\\"#, ')), max_size=12))
def test_unenclosed_is_bibtexparsers_rule(value):
    """``bibfile.unenclosed`` (bibtexparser's rule, written here: its own is private) gives
    what bibtexparser's public middleware gives."""
    from bibtexparser.middlewares import RemoveEnclosingMiddleware

    from llm4anno_bib.bibfile import unenclosed

    entry = RemoveEnclosingMiddleware().transform_entry(
        Entry(entry_type="misc", key="k", fields=[Field(key="title", value=value)]),
        bibtexparser.Library())
    assert unenclosed(value) == entry.fields[0].value
