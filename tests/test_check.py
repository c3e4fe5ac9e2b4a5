"""check: a catalogue of problems, each with its code and line; the shipped library is clean;
real files from ../shared/corpus; the CLI's text and JSON output and exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.checking import check, check_bytes
from llm4anno_bib.cli import app
from llm4anno_bib.errors import BibSyntaxError

from conftest import ROOT, SHARED, bibtex_bbl

GOOD = "@article{a,\n  title = {T},\n  author = {A. B},\n  journal = {J},\n  year = {2020},\n}\n"

CATALOGUE = [
    pytest.param(b"@article{a,\n  title = {Foo {bar},\n  year = 2020\n}\n" + GOOD.encode()
                 .replace(b"{a,", b"{b,"), "syntax", 1, id="unbalanced-braces-break-the-block"),
    pytest.param(b"@misc{a,\n  title = {X}\n  author = {Y},\n  year = {2020}\n}\n",
                 "missing-comma", 2, id="missing-comma-folds-a-field"),
    pytest.param((GOOD + GOOD).encode(), "duplicate-key", 7, id="duplicate-key"),
    pytest.param(b"@misc{a,\n  title = {X},\n  title = {Y},\n}\n", "duplicate-field", 1,
                 id="duplicate-field"),
    pytest.param((GOOD + GOOD.replace("{a,", "{b,")).encode(), "same-work", 7,
                 id="same-title-twice"),
    pytest.param(b"@misc{a,\n  title = {One},\n  eprint = {2201.11903},\n  archiveprefix = "
                 b"{arXiv},\n}\n@misc{b,\n  title = {Two},\n  eprint = {2201.11903},\n"
                 b"  archiveprefix = {arXiv},\n}\n", "same-work", 6, id="same-arxiv-id-twice"),
    pytest.param(b"@misc{a,\n  title = {One},\n  doi = {10.1/X},\n}\n@misc{b,\n  title = {Two},"
                 b"\n  doi = {10.1/x},\n}\n", "same-work", 5, id="same-doi-any-case"),
    pytest.param(b"@inproceedings{a,\n  title = {T},\n  author = {A},\n  year = {2020},\n}\n",
                 "missing-field", 1, id="inproceedings-without-booktitle"),
    pytest.param(GOOD.replace("  year = {2020},\n", "").encode(), "missing-field", 1,
                 id="article-without-year"),
    pytest.param(b"@misc{a,\n  title = {T},\n  doi = {https://doi.org/10.1/x},\n}\n", "bad-doi", 3,
                 id="doi-as-url"),
    pytest.param(b"@misc{a,\n  title = {T},\n  eprint = {2201.119},\n  archiveprefix = {arXiv},\n}"
                 b"\n", "bad-arxiv-id", 3, id="short-arxiv-id"),
    pytest.param(b"@misc{a,\n  title = {T},\n  url = {www.example.org/paper},\n}\n", "bad-url", 3,
                 id="url-without-scheme"),
    pytest.param(b"@misc{a,\n  title = {T},\n  code = {https://github.com/a/b https://},\n}\n",
                 "bad-url", 3, id="second-code-link-broken"),
    # EndNote's link to Web of Science: one value, said once (it was three "URLs")
    pytest.param(b"@misc{a,\n  title = {T},\n  url = {<Go to ISI>://WOS:001062563300003},\n}\n",
                 "bad-url", 3, id="endnote-web-of-science-link"),
    pytest.param(b"@misc{a,\n  title = {Q&A for everyone},\n}\n", "latex-special", 2,
                 id="unescaped-ampersand"),
    pytest.param(b"@misc{a,\n  title = {50% faster},\n}\n", "latex-special", 2,
                 id="unescaped-percent"),
    pytest.param(b"@misc{a,\n  title = {snake_case names},\n}\n", "latex-special", 2,
                 id="unescaped-underscore"),
    pytest.param(b"@misc{a,\n  title = {T},\n  crossref = {nowhere},\n}\n", "missing-crossref",
                 3, id="crossref-to-nothing"),
    pytest.param(b"@misc{a,\n  title = {Sch\x9ftze},\n}\n", "encoding", 2, id="macroman-byte"),
    pytest.param((GOOD + GOOD.replace("{a,", "{A,").replace("{T}", "{U}")).encode(),
                 "case-only-keys", 7, id="keys-differing-only-in-case"),
    pytest.param(GOOD.encode() + b"@misc{b,\n  title = {X\x00},\n}\n", "nul-byte", 8,
                 id="nul-byte"),
    pytest.param(GOOD.encode("utf-16-be"), "nul-byte", 1, id="utf16-be-without-bom"),
    pytest.param(b'@misc{a,\n  title = "A \\" B",\n}\n', "escaped-quote", 1,
                 id="backslash-quote-in-a-quoted-value"),
    pytest.param(b"@misc{a b,\n  title = {T},\n}\n", "bad-key", 1, id="key-with-a-space"),
    pytest.param(b'@misc{V\\"or\\"os2023,\n  title = {T},\n}\n', "bad-key", 1,
                 id="key-with-an-accent-macro"),
    pytest.param(b"@misc{a,\n  title = ,\n  year = 2020,\n}\n", "empty-value", 2,
                 id="field-without-a-value"),
    # values side by side with no '#': BibTeX skips the rest of the entry; bibtexparser read
    # them as one value ('V" "W') without a word
    pytest.param(b'@misc{a,\n  title = "V" "W",\n  year = 2020,\n}\n', "unjoined-values", 2,
                 id="two-quoted-values"),
    pytest.param(b"@misc{a,\n  title = {T},\n  year = 20 20,\n}\n", "unjoined-values", 3,
                 id="a-number-with-a-space"),
    pytest.param(b"@misc{a,\n  title = {T}\n  year 2020\n}\n", "unjoined-values", 2,
                 id="no-comma-and-no-equals"),
    # BibTeX has no comments inside an entry: "You're missing a field name", the rest skipped
    pytest.param(b"@article{a,\n  title = {T},\n  % year = {2020},\n  author = {A},\n}\n",
                 "bad-field-name", 3, id="a-field-commented-out-with-percent"),
]


@pytest.mark.parametrize(("text", "line", "said"), [
    (b"@misc{a,\n  title = {T},,\n  year = 2020\n}\n", 2, "two commas in a row"),
    (b"@misc{a\n  title = {T},\n}\n", 2, "a comma is missing after the entry's key"),
    # a key written in LaTeX (BibTeX reads it; it was "a comma is missing after the key")
    (b'@article{v{\\"o}r{\\"o}s2023web,\n  title = {T},\n}\n', 1,
     "the entry's key holds a brace or a backslash"),
    (b"@misc{a,\n  title = {T{},\n  year = 2020\n}\n@misc{b,\n  title = {X},\n}\n", 1,
     "unbalanced braces: the entry runs on into the next block"),
    (b'@misc{a,\n  title = "T,\n  year = 2020\n}\n', 1,
     "unbalanced braces or quotes: the entry runs on into the end of the file"),
])
def test_a_block_that_cannot_be_read_says_where_and_why(tmp_path, text, line, said):
    """A doubled comma was reported as "unbalanced braces" at the entry's first line: the
    reason bibtexparser gives, at the line where it stopped, in check and in every reader."""
    (problem,) = [p for p in check_bytes(text, "refs.bib") if p.code == "syntax"]
    assert problem.line == line and said in problem.message
    path = tmp_path / "refs.bib"
    path.write_bytes(text)
    with pytest.raises(BibSyntaxError) as raised:
        llm4anno_bib.load(path)
    assert raised.value.line == line and said in str(raised.value)


@pytest.mark.parametrize(("text", "code", "line"), CATALOGUE)
def test_each_problem_is_found_with_its_line(text, code, line):
    problems = check_bytes(text, "refs.bib")
    assert [(p.code, p.line) for p in problems if p.code == code] == [(code, line)], problems
    found = next(p for p in problems if p.code == code)
    assert str(found).startswith(f"refs.bib:{line}:")


@pytest.mark.parametrize(("entry", "said"), [
    ("@inproceedings{a,\n  title = {T},\n  author = {A},\n  journal = {arXiv preprint "
     "arXiv:2306.09166},\n  year = {2023},\n}\n",
     "@inproceedings needs 'booktitle'; it has 'journal', which @inproceedings does not print "
     "(@article does)"),
    ("@article{a,\n  title = {T},\n  author = {A},\n  booktitle = {Proc. of ACL},\n"
     "  year = {2023},\n}\n",
     "@article needs 'journal' or 'journaltitle'; it has 'booktitle', which @article does not "
     "print (@inproceedings does)"),
    ("@inproceedings{a,\n  title = {T},\n  author = {A},\n  year = {2023},\n}\n",
     "@inproceedings needs 'booktitle'"),
])
def test_a_venue_in_the_field_of_another_type_is_named(entry, said):
    """Google Scholar exports some papers as @inproceedings with a 'journal' (and the other
    way round): the venue is there, but the style does not print it; the message says where
    it is and which type prints it."""
    [problem] = check_bytes(entry.encode(), "refs.bib")
    assert problem.code == "missing-field" and problem.message == said


def test_a_key_holding_quotes_is_a_bad_key_and_no_quoted_value():
    """Google Scholar's keys keep an author's accents (``v{\\"o}r{\\"o}s2023``, braces
    stripped to ``V\\"or\\"os2023``): the key's quotes were read as a value's and the line
    said to hold a quoted value ending early, beside the right error."""
    problems = check_bytes(b'@misc{V\\"or\\"os2023,\n  title = {T},\n}\n', "refs.bib")
    assert [p.code for p in problems] == ["bad-key"]


ACCEPTED = [
    pytest.param(GOOD.encode(), id="plain-article"),
    pytest.param(b"@misc{a,\n  title = {Q\\&A on $x_1$ and \\(y_2\\) at 50\\%},\n"
                 b"  url = {https://example.org/a_b%20c#x},\n}\n", id="escaped-specials-math-urls"),
    pytest.param(b"@string{dtv = {dtv}}\n@book{a,\n  title = {T},\n  author = {A},\n"
                 b"  publisher = dtv # { and } # dtv,\n  year = {2020},\n}\n",
                 id="concatenated-macros"),
    pytest.param(b"@proceedings{p,\n  title = {Proc},\n  year = {2020},\n}\n@inproceedings{a,\n"
                 b"  title = {T},\n  author = {A},\n  crossref = {p},\n}\n",
                 id="booktitle-and-year-by-crossref"),
    pytest.param(b"@book{a,\n  title = {Works},\n  author = {A},\n  publisher = {P},\n"
                 b"  year = {1990},\n  volume = {1},\n}\n@book{b,\n  title = {Works},\n"
                 b"  author = {A},\n  publisher = {P},\n  year = {1991},\n  volume = {2},\n}\n",
                 id="volumes-of-one-title"),
    pytest.param(b"\xef\xbb\xbf" + GOOD.encode(), id="utf8-bom"),
    pytest.param(GOOD.replace("\n", "\r\n").encode(), id="crlf"),
    pytest.param(GOOD.replace("\n", "\r").encode(), id="lone-cr"),
    pytest.param(b'@misc{a,\n  title = "Quote {"} and {\\"u}",\n  note = {},\n}\n',
                 id="braced-quote-and-empty-braces"),
    pytest.param(b'@misc{a,\n  title = {The "Best" Paper},\n  note = "A" # { and } # "B",\n'
                 b'  year = 2020,\n}\n', id="quotes-in-braces-and-a-concatenation"),
    # IEEE Xplore exports every field it has no value for empty: BibTeX prints nothing
    pytest.param(b"@INPROCEEDINGS{a,\n  author={A. B},\n  booktitle={Proc},\n  title={T},\n"
                 b"  year={2022},\n  volume={},\n  number={},\n  pages={},\n  doi={},\n"
                 b"  eprint={},\n  archiveprefix={arXiv},\n  url={ }}\n", id="ieee-empty-fields"),
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_valid_input_has_no_problem(text):
    assert check_bytes(text, "refs.bib") == []


def test_every_problem_of_a_file_is_reported_at_once():
    text = b"".join(p.values[0] for p in CATALOGUE[1:4])
    codes = [p.code for p in check_bytes(text, "refs.bib")]
    assert {"missing-comma", "duplicate-key", "duplicate-field"} <= set(codes)


def test_the_shipped_library_is_clean():
    report = llm4anno_bib.check()
    assert report.problems == () and report.exit_code == 0


def _library_with(tmp_path, old: str, new: str):
    text = (ROOT / "library.bib").read_text(encoding="utf-8")
    assert re.search(old, text)
    path = tmp_path / "library.bib"
    path.write_text(re.sub(old, new, text, count=0 if old.startswith("\\b") else 1),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "code"), [
    pytest.param(r"\bdong2023raft\b", "raft", "key-rule", id="key-off-the-rule"),
    pytest.param(r"(dong2023raft,\n(?:.*\n)*?  keywords = )\{manually-engineered-prompt\}",
                 r"\1{manual-prompts}", "unknown-category", id="unknown-category"),
    pytest.param(r"(dong2023raft,\n(?:.*\n)*?  keywords = )\{manually-engineered-prompt\}",
                 r"\1{manually-engineered-prompt, surveys}", "not-in-tree",
                 id="keyword-not-in-the-tree"),
])
def test_library_rules(tmp_path, old, new, code):
    path = _library_with(tmp_path, old, new)
    report = check([path])
    assert [p.code for p in report.problems] == [code]
    assert report.exit_code == 1


def test_a_key_chosen_by_hand_can_be_marked(tmp_path):
    path = _library_with(tmp_path, r"\bdong2023raft\b", "raft")
    path.write_text(path.read_text(encoding="utf-8").replace(
        "@misc{raft,\n", "@misc{raft,\n  curated = {key},\n", 1), encoding="utf-8")
    assert check([path]).problems == ()


def test_a_renamed_key_left_in_the_tree_is_reported(tmp_path):
    path = _library_with(tmp_path, r"@misc\{dong2023raft,", "@misc{dong2023raft2,")
    codes = sorted(p.code for p in check([path]).problems)
    assert codes == ["key-rule", "not-in-tree", "unknown-key"]


def test_an_upgraded_preprint_keeps_its_key():
    # gu2024minillm: ICLR 2024, arXiv 2306: 'gu2023minillm' would still follow the rule
    library = llm4anno_bib.load()
    text = library["gu2024minillm"].bibtex.replace("gu2024minillm", "gu2023minillm")
    assert check_bytes(text.encode(), "x.bib") == []


CORPUS = SHARED / "corpus" / "bib"


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the real-file corpus is not at {CORPUS}")
def test_real_files_are_checked_without_crashing_and_known_faults_are_found():
    thesis = check([CORPUS / "thammegowda_dissertation_anthology.bib"])
    duplicates = [p for p in thesis.problems if p.code == "duplicate-key"]
    assert {p.key for p in duplicates} >= {"cho2014GRU", "isozaki-etal-2010-autoeval"}
    assert len(duplicates) == 5
    nltk = check([CORPUS / "nltk_book_refs_macroman_byte.bib"])
    encoding = [p for p in nltk.problems if p.code == "encoding"]
    assert len(encoding) == 1 and encoding[0].line == (CORPUS / "nltk_book_refs_macroman_byte.bib"
                                                       ).read_bytes()[:22503].count(b"\n") + 1
    for path in sorted(CORPUS.glob("*.bib")):
        report = check([path])
        assert all(p.line is None or p.line >= 1 for p in report.problems)


def test_a_file_in_another_encoding_is_checked_and_fixed_in_it(tmp_path):
    """check takes --encoding as every other reading command does: a Latin-1 file is no
    encoding problem in its own encoding, and --fix writes it back in it."""
    path = tmp_path / "latin.bib"
    path.write_bytes("@misc{a,\n  author = {Sch\u00fctze, Hinrich},\n  title = {On BERT},\n"
                     "  year = 2020,\n}\n".encode("latin-1"))
    assert [p.code for p in check([path]).problems if p.code == "encoding"] == ["encoding"]
    assert "is not UTF-8" in check([path]).problems[0].message
    in_its_own = check([path], encoding="latin-1")
    assert [p.code for p in in_its_own.problems] == ["title-case"]
    fixed = check([path], encoding="latin-1", fix=True)
    assert fixed.fixed == 1 and fixed.problems == ()
    assert path.read_bytes().decode("latin-1") == (
        "@misc{a,\n  author = {Sch\u00fctze, Hinrich},\n  title = {On {BERT}},\n"
        "  year = 2020,\n}\n")
    result = runner.invoke(app, ["check", str(path), "--encoding", "rot13"])
    assert result.exit_code == 2 and "'rot13' is no text encoding" in result.stderr
    result = runner.invoke(app, ["check", str(path), "--encoding", "latin-1"])
    assert result.exit_code == 0 and "0 errors, 0 warnings" in result.stderr


@pytest.mark.parametrize("codec, named", [("utf-16", "UTF-16"), ("utf-16-be", "UTF-16"),
                                           ("utf-32", "UTF-32")])
def test_a_file_saved_as_utf16_is_said_to_be_so(tmp_path, codec, named):
    """Windows programs save "Unicode" text as UTF-16 with a byte order mark, which BibTeX
    cannot read: check said "byte 0 (0xff) is not UTF-8" and "UTF-16 without a byte order
    mark", and reading commands the first. Now the mark is read: one problem naming the
    encoding and the way out, the rest checked with its lines; --encoding reads it."""
    text = GOOD + "@inproceedings{b,\n  title = {U},\n  author = {A. B},\n  year = {2020},\n}\n"
    raw = text.encode(codec)
    if codec == "utf-16-be":
        raw = b"\xfe\xff" + raw
    path = tmp_path / "refs.bib"
    path.write_bytes(raw)
    problems = check([path]).problems
    assert [(p.code, p.line) for p in problems] == [("encoding", 1), ("missing-field", 7)]
    assert problems[0].message.startswith(f"the file is {named} (its byte order mark says so)")
    assert f"--encoding {named.lower()} (check, verify" in problems[0].message
    with pytest.raises(llm4anno_bib.Llm4AnnoBibError, match=f"the file is {named}"):
        llm4anno_bib.load(path)
    assert llm4anno_bib.load(path, encoding=named.lower()).keys() == ["a", "b"]
    result = runner.invoke(app, ["verify", str(path)])
    assert result.exit_code == 2 and f"pass --encoding {named.lower()}" in result.stderr


DBLP = SHARED / "recordings" / "dblp"


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the real-file corpus is not at {CORPUS}")
def test_the_fast_splitter_gives_check_the_same_problems_as_bibtexparsers(monkeypatch):
    """``check`` checks plain files straight from ``_fastsplit``'s cut; every real file (the
    corpus, the DBLP exports where they are, the shipped library, and a plain file with a
    key used twice and values braced, quoted, bare and concatenated) gets the same problems
    as through bibtexparser's blocks."""
    from llm4anno_bib import checking

    files = sorted(CORPUS.glob("*.bib")) + sorted(DBLP.glob("*.bib"))[:3] + \
        [ROOT / "library.bib"]
    texts = {path.name: path.read_bytes() for path in files}
    texts["plain.bib"] = (
        b'@article{a,\n  title = "A {Quoted} Title",\n  year = 2020,\n  journal = jmlr,\n}\n'
        b'@misc{b, title = {T} # " and " # {U}, note = {\\"a}, doi = {10.1/x y}}\n'
        b'@misc{a,\n  title = {Again},\n}\n@misc{A,\n  title = {A}\n}\n'
        b'@book{c, title = {}, url = {https://x.org/a\\_b}, author = "{\\"O}zil, M."}\n')
    fast = {name: checking.check_bytes(raw, name) for name, raw in texts.items()}
    assert checking._scanned(texts["plain.bib"].decode()) is not None  # the fast path is taken
    for name, raw in texts.items():
        assert checking.check_bytes(raw, name, fast=False) == fast[name], name
    assert sum(1 for found in fast.values() if found) > 5  # problems to compare
    assert {"duplicate-key", "case-only-keys", "bad-url", "bad-doi"} <= \
        {p.code for p in fast["plain.bib"]}


# -- CLI ----------------------------------------------------------------------------------
runner = CliRunner()


def test_cli_check_text_json_and_exit_codes(tmp_path):
    clean = runner.invoke(app, ["check", str(ROOT / "library.bib")])
    assert clean.exit_code == 0 and clean.stdout == ""
    bad = tmp_path / "refs.bib"
    bad.write_bytes(CATALOGUE[1].values[0] + CATALOGUE[2].values[0].replace(b"{a,", b"{c,"))
    text = runner.invoke(app, ["check", str(bad)])
    assert text.exit_code == 1 and f"{bad}:2: a: 'title' holds" in text.stdout
    as_json = runner.invoke(app, ["check", str(bad), "--format", "json"])
    data = json.loads(as_json.stdout)
    assert as_json.exit_code == 1 and data["errors"] == len(data["problems"]) >= 2
    assert {p["code"] for p in data["problems"]} >= {"missing-comma", "duplicate-key"}
    missing = runner.invoke(app, ["check", str(tmp_path / "nope.bib")])
    assert missing.exit_code == 2 and "nope.bib" in missing.stderr
    folder = runner.invoke(app, ["check", str(tmp_path)])
    assert folder.exit_code == 2
    warning_only = tmp_path / "case.bib"
    warning_only.write_bytes(next(c.values[0] for c in CATALOGUE
                                  if c.id == "keys-differing-only-in-case"))
    assert runner.invoke(app, ["check", str(warning_only)]).exit_code == 0


def test_a_file_that_cannot_be_read_is_that_files_problem_with_keep_going(tmp_path):
    bad = tmp_path / "refs.bib"
    bad.write_bytes(CATALOGUE[1].values[0])
    good = tmp_path / "good.bib"
    good.write_text(GOOD, encoding="utf-8")
    missing, folder = tmp_path / "nope.bib", tmp_path / "sub"
    folder.mkdir()
    with pytest.raises(llm4anno_bib.Llm4AnnoBibError):  # as documented, without keep_going
        llm4anno_bib.check(good, missing, bad)
    report = llm4anno_bib.check(good, missing, folder, bad, keep_going=True)
    assert [e.path for e in report.unreadable] == [str(missing), str(folder)]
    assert {p.path for p in report.problems} == {str(bad)}  # the file after them checked
    assert report.exit_code == 1  # its errors say the most
    only_unreadable = llm4anno_bib.check(good, missing, keep_going=True)
    assert only_unreadable.problems == () and only_unreadable.exit_code == 2
    data = json.loads(only_unreadable.to_json())
    assert data["unreadable"] == [{"path": str(missing),
                                   "message": only_unreadable.unreadable[0].message}]
    from llm4anno_bib.annotations import check_annotations

    assert check_annotations(only_unreadable) == [
        f"::error file={missing},title=llm4anno-bib check (unreadable)::"
        f"{only_unreadable.unreadable[0].message}"]


def test_cli_check_goes_on_past_a_file_it_cannot_read(tmp_path):
    bad = tmp_path / "refs.bib"
    bad.write_bytes(CATALOGUE[1].values[0])
    missing = tmp_path / "nope.bib"
    result = runner.invoke(app, ["check", str(missing), str(bad)])
    assert result.exit_code == 1 and f"{bad}:2: a: 'title' holds" in result.stdout
    assert f"llm4anno-bib: {missing}: cannot read" in result.stderr
    assert "checked 2 files: " in result.stderr and "1 file could not be read" in result.stderr
    clean_and_missing = runner.invoke(app, ["check", str(ROOT / "library.bib"), str(missing),
                                            "--format", "json"])
    assert clean_and_missing.exit_code == 2
    assert [e["path"] for e in json.loads(clean_and_missing.stdout)["unreadable"]] == [
        str(missing)]


@pytest.mark.slow
def test_check_as_a_real_process_in_a_library_folder(tmp_path, shipped_copy):
    done = subprocess.run([sys.executable, "-m", "llm4anno_bib", "check"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "0 errors" in done.stderr


UNDEFINED = """@string{acl = "Annual Meeting of the ACL"}

@inproceedings{a,
  title = {A},
  author = {Doe, Jane},
  booktitle = iclr,
  year = 2023,
  month = may
}

@inproceedings{b,
  title = {B},
  author = {Doe, Jane},
  booktitle = "Proc. of " # acl # " and " # naacl,
  year = {2023}
}
"""


def test_a_macro_no_string_defines_is_said_as_bibtex_warns_it(tmp_path):
    """``booktitle = iclr`` with no ``@string{iclr = ...}``: BibTeX warns and prints the
    field empty; check said nothing. A macro of the file itself, a month, or one a file
    checked before it defines (``check IEEEabrv.bib refs.bib``, the order BibTeX reads
    them in) is no problem; the fast and the full reading say the same."""
    from llm4anno_bib.checking import check_text

    refs, abbrev = tmp_path / "refs.bib", tmp_path / "abbrev.bib"
    refs.write_text(UNDEFINED, encoding="utf-8")
    abbrev.write_text('@string{iclr = "ICLR"}\n@string{naacl = "NAACL"}\n', encoding="utf-8")
    alone = check([refs])
    assert [(p.line, p.key, p.code, p.severity) for p in alone.problems] == [
        (6, "a", "undefined-macro", "warning"), (14, "b", "undefined-macro", "warning")]
    assert "'iclr'" in alone.problems[0].message and "'naacl'" in alone.problems[1].message
    assert alone.exit_code == 0  # a warning, as BibTeX's is
    assert check([abbrev, refs]).problems == ()
    assert check([refs, abbrev]).problems == alone.problems  # read after: not yet defined
    plain = UNDEFINED.split("\n\n", 1)[1].replace(' # acl # " and " # naacl', "")
    assert [p.code for p in check_text(plain, fast=True)] == \
        [p.code for p in check_text(plain, fast=False)] == ["undefined-macro"]
    result = CliRunner().invoke(app, ["check", str(abbrev), str(refs)])
    assert result.exit_code == 0 and "undefined-macro" not in result.output
    # a field joining thousands of them is one problem (each said apart, and its line
    # sought for each, grew with their number squared: 20,000 took 25 s)
    joined = " # ".join(f"m{n}" for n in range(20_000))
    (many,) = check_text(f"@misc{{k, title = {{T}}, note = {joined}}}\n")
    assert many.code == "undefined-macro" and "'m0', 'm1', 'm2' and 19997 more" in many.message


_FIELD_NAMES = st.sampled_from(["title", "journal", "url", "bdsk-url-1", "x:y", "note", "a.b",
                                "month", "booktitle"])
_VALUES = st.one_of(
    st.sampled_from(["{https://openreview.net/forum?id=abc}", "{a=b}", '"E=mc"', "2020",
                     "jan", "iclr", "{T} # iclr", "iclr # {, 2020}", '"x" #acl',
                     "{https://x.org/a,b=c&d=e#frag}", "{\\url{a?b=c}}", "{E = mc}"]),
    st.text(alphabet="ab=#{} ,\"?&/\n\t", max_size=12).map(lambda t: "{" + t.replace(
        "{", "").replace("}", "") + "}"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_FIELD_NAMES, _VALUES, st.sampled_from([" = ", "=", " =\n  "])),
                min_size=1, max_size=5, unique_by=lambda f: f[0]))
def test_the_macro_gate_lets_every_entry_with_a_bare_value_through(fields):
    """``_may_use_a_macro`` only spares entries their layout (a URL's ``?id=`` is no field's
    '='): whatever the fields, the problems are those of a check that lays out every
    entry."""
    from llm4anno_bib import checking
    from llm4anno_bib.checking import check_text

    text = "@misc{k,\n" + "".join(f"  {name}{eq}{value},\n"
                                  for name, value, eq in fields) + "}\n"
    gated = [(p.line, p.code, p.message) for p in check_text(text)]
    real = checking._may_use_a_macro
    checking._may_use_a_macro = lambda raw: True
    try:
        every = [(p.line, p.code, p.message) for p in check_text(text)]
    finally:
        checking._may_use_a_macro = real
    assert gated == every


def _quote_ends_early_by_definition(raw: str) -> bool:
    """One character at a time: a '"' at the entry's own depth after its key, escaped by
    the character before it while a quoted value is open."""
    depth, quoted, previous, keyed = 0, False, "", False
    for char in raw:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "," and depth == 1:
            keyed = True
        elif char == '"' and depth == 1 and keyed:
            if quoted and previous == "\\":
                return True
            quoted = not quoted
        previous = char
    return False


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet='{},"\\a =', max_size=30))
def test_an_escaped_quote_is_found_as_a_walk_of_every_character_finds_it(body):
    """The escaped-quote rule looks only at braces, commas and quotes: the same answer as
    a walk of every character."""
    from llm4anno_bib.checking import _quote_ends_early

    raw = "@misc{" + body + "}"
    assert _quote_ends_early(raw) == _quote_ends_early_by_definition(raw)


COMMENTED_OUT = ("% My references\n%@article{old2020,\n%  title = {Old Paper},\n%  author = {Doe, "
                 "Jane},\n%  year = {2020}\n%}\n@article{new2021,\n  title = {New Paper},\n  "
                 "author = {Doe, Jane},\n  journal = {J},\n  year = {2021}\n}\n")


def test_an_entry_commented_out_with_percent_signs_is_one_problem(tmp_path):
    """BibTeX has no '%' comments in a .bib file: it reads a "commented-out" entry, its
    fields broken. It was nine problems, one a line; it is one, naming what to do."""
    problems = check_bytes(COMMENTED_OUT.encode(), "refs.bib")
    assert [(p.line, p.key, p.code, p.severity) for p in problems] == [
        (2, "old2020", "commented-out", "error")]
    assert "@comment" in problems[0].message
    path = tmp_path / "refs.bib"
    path.write_text(COMMENTED_OUT, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 1 and "[commented-out]" in result.stdout


def test_bibtex_does_read_an_entry_commented_out_with_percent_signs(tmp_path):
    """The claim the rule makes, held to BibTeX itself."""
    assert "\\bibitem{old2020}" in bibtex_bbl(tmp_path, COMMENTED_OUT)


MENDELEY_URLS = (
    "@inproceedings{Dinh2008,\nauthor = {Dinh, H. Quynh and Xu, Liefei},\nbooktitle = {Proc},\n"
    "file = {:home/u/Mendeley Desktop/Dinh-Xu2008{\\_}Chapter.pdf:pdf},\n"
    "title = {{Measuring the Similarity of Vector Fields}},\n"
    "url = {http://link.springer.com/10.1007/978-3-540-89689-0{\\_}23},\nyear = {2008}\n}\n"
    "@misc{b,\ntitle = {B},\nurl = {https://example.org/a\\%20b https://example.org/c},\n"
    "year = {2020}\n}\n@misc{c,\ntitle = {C},\nurl = {https://example.org/\\textit{x}},\n"
    "year = {2020}\n}\n")


def test_check_fix_undoes_the_latex_escapes_a_reference_manager_writes_in_urls(tmp_path):
    """Mendeley writes a URL's underscore as {\\_}: the URL printed is not the page's.
    check --fix undoes such escapes in URL fields (each URL then one, else left for the
    user), and leaves every other field (Mendeley's own file field) as it is."""
    path = tmp_path / "refs.bib"
    path.write_text(MENDELEY_URLS, encoding="utf-8")
    said = [(p.key, p.code, p.message.endswith("as check --fix does"))
            for p in check([path]).problems]
    assert said == [("Dinh2008", "bad-url", True), ("b", "bad-url", True),
                    ("c", "bad-url", False)]
    result = CliRunner().invoke(app, ["check", "--fix", str(path)])
    assert result.exit_code == 1 and "fixed 2 entries" in result.output
    assert path.read_text(encoding="utf-8") == MENDELEY_URLS.replace(
        "89689-0{\\_}23", "89689-0_23").replace("a\\%20b", "a%20b")
    assert [p.key for p in check([path]).problems] == ["c"]


MONTHS = ("@article{a,\n month={oct},\n author={Doe, Jane},\n title={A},\n journal={J},\n"
          " year={2020}}\n@article{b,\n  author = {Doe, Jane},\n  title = {B},\n  journal = {J},\n"
          "  month = \"Aug.\",\n  year = {2021},\n}\n@article{c,\n  author = {Doe, Jane},\n"
          "  title = {C},\n  journal = {J},\n  month = sep,\n  year = {2022},\n}\n")


def test_a_month_written_as_text_is_said_and_written_as_its_macro(tmp_path):
    """Mendeley writes month = {oct}: BibTeX prints "oct" where the macro prints the
    month's name. A warning, and check --fix writes the macro in the entry's own layout."""
    path = tmp_path / "refs.bib"
    path.write_text(MONTHS, encoding="utf-8")
    problems = check([path]).problems
    assert [(p.key, p.line, p.code, p.severity) for p in problems] == [
        ("a", 2, "month-as-text", "warning"), ("b", 11, "month-as-text", "warning")]
    result = CliRunner().invoke(app, ["check", "--fix", str(path)])
    assert result.exit_code == 0 and "fixed 2 entries" in result.output
    assert path.read_text(encoding="utf-8") == MONTHS.replace(" month={oct},", " month=oct,"
                                                              ).replace('"Aug."', "aug")
    assert not check([path]).problems


def test_bibtex_prints_a_month_written_as_text_as_written(tmp_path):
    bbl = bibtex_bbl(tmp_path, MONTHS)
    assert "oct 2020" in bbl and "Aug. 2021" in bbl and "September 2022" in bbl
