"""The catalogue of bad input: every command that reads a file, every way a real file goes
wrong. Each case asserts the error or warning, its file and line, the exit code, and that no
file changed (bytes and mtime)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.bibfile import BibWarning, read_library
from llm4anno_bib.cli import app
from llm4anno_bib.errors import BibSyntaxError, LibraryFormatError

from conftest import ROOT

runner = CliRunner()
GOOD = "@misc{good,\n  title = {A Good Entry},\n  year = {2020},\n}\n"

# (bytes, error class, line, words in the message)
BROKEN = {
    "missing-comma": (b"@misc{a,\n  title = {X}\n  author = {Y},\n  year = {2020},\n}\n",
                      BibSyntaxError, 3, "a comma is missing"),
    "unbalanced-brace": (b"@misc{a,\n  title = {Foo {bar},\n  year = 2020\n}\n" + GOOD.encode(),
                         BibSyntaxError, 1, "cannot be parsed"),
    "unbalanced-quote": (b'@misc{a,\n  title = "Foo,\n}\n' + GOOD.encode(), BibSyntaxError, 1,
                         "cannot be parsed"),
    "duplicate-field": (b"@misc{a,\n  title = {X},\n  title = {Y},\n}\n", BibSyntaxError, 1,
                        "title"),
    "duplicate-field-other-case": (b"@misc{a,\n  title = {X},\n  Title = {Y},\n}\n",
                                   BibSyntaxError, 1, "twice"),
    "entry-without-key": (b"@misc{,\n  title = {X},\n}\n", BibSyntaxError, 1, "no key"),
    "key-then-equals": (b"@misc{title = {X}, year = 2020}\n", BibSyntaxError, 1,
                        "cannot be parsed"),
    "not-utf8": (GOOD.encode() + b"@misc{b,\n  title = {Sch\x9ftze},\n}\n", BibSyntaxError, 6,
                 "not UTF-8"),
    "nul-byte": (GOOD.encode() + b"@misc{b,\n  title = {X\x00},\n}\n", BibSyntaxError, 6,
                 "NUL byte"),
    "truncated": (GOOD.encode() + b"@misc{b,\n  title = {Cut off in the mid", BibSyntaxError, 5,
                  "cannot be parsed"),
    "broken-category-block": (b"@comment{llm4anno-bib:categories\nslug-only\n}\n" +
                              GOOD.encode(), LibraryFormatError, 2, "category line"),
    "broken-corrections-block": (b"@comment{llm4anno-bib:corrections\ngood | venue | x\n}\n" +
                                 GOOD.encode(), LibraryFormatError, 2, "correction line"),
}

# commands that read a library file: (arguments before the file, arguments after)
READERS = {
    "list": (["list", "--library"], []),
    "render-list": (["render-list", "--library"], []),
    "update": (["update", "--dry-run", "--offline", "--library"], []),
    "add": (["add", "2201.11903", "-c", "surveys", "--offline", "--library"], []),
    "verify-with": (["verify", str(ROOT / "library.bib"), "--library"], []),
}


def _snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


@pytest.mark.parametrize("command", READERS)
@pytest.mark.parametrize("case", BROKEN)
def test_broken_library_files(tmp_path, monkeypatch, case, command):
    content, error, line, words = BROKEN[case]
    path = tmp_path / "library.bib"
    path.write_bytes(content)
    before = _snapshot(path)
    with pytest.raises(error) as raised:
        read_library(path)
    assert raised.value.path == str(path) and raised.value.line == line
    assert words in raised.value.message
    head, tail = READERS[command]
    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(tmp_path / "cache"))
    result = runner.invoke(app, [*head, str(path), *tail])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"llm4anno-bib: {path}:{line}: ")
    assert _snapshot(path) == before


@pytest.mark.parametrize("case", [c for c in BROKEN if c not in
                                  ("broken-category-block", "broken-corrections-block")])
def test_broken_files_given_to_verify_and_into(tmp_path, case):
    content, _error, line, _words = BROKEN[case]
    path = tmp_path / "refs.bib"
    path.write_bytes(content)
    before = _snapshot(path)
    checked = runner.invoke(app, ["verify", str(path)])
    into = runner.invoke(app, ["export", "--key", "wei2022chain", "--into", str(path)])
    for result in (checked, into):
        assert result.exit_code == 2 and f"{path}:{line}:" in result.stderr, result.stderr
    assert _snapshot(path) == before


def test_a_repeated_key_is_read_as_bibtex_reads_it_and_refused_by_writers(tmp_path,
                                                                           monkeypatch):
    """BibTeX and Biber warn and use the first entry of a key used twice: so do the commands
    that only read; the commands that write the file refuse, naming both lines."""
    path = tmp_path / "library.bib"
    path.write_bytes((GOOD + GOOD.replace("A Good Entry", "The Second")).encode())
    before = _snapshot(path)
    with pytest.warns(BibWarning, match=r"library.bib:5: the key 'good' is used again "
                                        r"\(first on line 1\)"):
        library = read_library(path)
    assert [e.title for e in library] == ["A Good Entry"]
    with pytest.raises(BibSyntaxError, match=r"is used twice \(lines 1 and 5\)"):
        library.save(path)
    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(tmp_path / "cache"))
    aux = tmp_path / "main.aux"
    aux.write_text("\\citation{good}\n", encoding="utf-8")
    for args in (["list", "--library", str(path)], ["show", "good", "--library", str(path)],
                 ["export", "--library", str(path)], ["cite", str(aux), "--library", str(path)],
                 ["verify", str(ROOT / "library.bib"), "--library", str(path)]):
        result = runner.invoke(app, args)
        assert result.exit_code in (0, 1), (args, result.stderr)
        assert f"{path}:5: the key 'good' is used again" in result.stderr, args
    for head in (READERS["add"][0], READERS["update"][0]):
        result = runner.invoke(app, [*head, str(path)])
        assert result.exit_code == 2
        assert result.stderr.startswith(f"llm4anno-bib: {path}:5: the key 'good' is used "
                                        "twice (lines 1 and 5)")
    # a user's file given to verify or --into is read whole: its own keys are its business
    assert runner.invoke(app, ["verify", str(path)]).exit_code == 0
    assert _snapshot(path) == before


# valid but unusual: read without loss, with a warning where it is unusual
UNUSUAL = {
    "utf8-bom": (b"\xef\xbb\xbf" + GOOD.encode(), "byte order mark"),
    "crlf": (GOOD.replace("\n", "\r\n").encode(), None),
    "mixed-endings": (GOOD.encode() + GOOD.replace("good", "other").replace("\n", "\r\n")
                      .encode(), "mixed line endings"),
    "case-only-keys": ((GOOD + GOOD.replace("{good,", "{Good,").replace("A Good", "Another"))
                       .encode(), "differ only in case"),
    "unknown-macro": (b"@article{a,\n  title = {X},\n  journal = jacm,\n  month = jan,\n}\n",
                      "macro 'jacm'"),
    "string-macros-and-concatenation": (b"@string{acl = {ACL}}\n@inproceedings{a,\n  title = "
                                        b"{X},\n  booktitle = acl # { 2020},\n}\n", None),
    "empty-file": (b"", None),
    "comments-only": (b"% nothing here\n@comment{just a comment}\n", None),
    "preamble": (b"@preamble{\"\\newcommand{\\noop}[1]{}\"}\n" + GOOD.encode(), None),
}


@pytest.mark.parametrize("case", UNUSUAL)
def test_unusual_input_is_read_losslessly(tmp_path, recwarn, case):
    content, warning = UNUSUAL[case]
    path = tmp_path / "library.bib"
    path.write_bytes(content)
    library = read_library(path)
    messages = [str(w.message) for w in recwarn.list if issubclass(w.category, BibWarning)]
    if warning is None:
        assert messages == []
    else:
        assert any(warning in m and m.startswith(f"{path}:") for m in messages), messages
    copy = tmp_path / "copy.bib"
    library.save(copy)
    assert copy.read_bytes() == content  # nothing lost, nothing changed
    if case == "string-macros-and-concatenation":
        assert library["a"].venue == "ACL 2020"
    result = runner.invoke(app, ["list", "--library", str(path)])
    assert result.exit_code == 0
    assert (warning is None) == ("warning:" not in result.stderr)


def test_paths_that_are_not_files(tmp_path):
    folder = tmp_path / "folder.bib"
    folder.mkdir()
    for args in (["list", "--library", str(folder)], ["check", str(folder)],
                 ["verify", str(folder)], ["cite", str(folder)],
                 ["list", "--library", str(tmp_path / "missing.bib")],
                 ["cite", str(tmp_path / "missing.aux")]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2 and str(tmp_path) in result.stderr, (args, result.stderr)


def test_a_path_with_a_nul_character_is_an_error_of_ours_everywhere(tmp_path, monkeypatch):
    """No file is named with a NUL (the system refuses it: Python raises ValueError); every
    API call given one as a path raises the package's error naming it, and writes nothing."""
    monkeypatch.chdir(tmp_path)
    library = llm4anno_bib.load()
    good = tmp_path / "refs.bib"
    good.write_text(GOOD, encoding="utf-8")
    bad = str(tmp_path / "a\x00b.bib")
    seed = ROOT / "library.bib"
    calls = {
        "load": lambda: llm4anno_bib.load(bad),
        "check": lambda: llm4anno_bib.check(bad, fix=True),
        "verify": lambda: llm4anno_bib.verify(bad),
        "verify library": lambda: llm4anno_bib.verify(good, bad),
        "verify fix_to": lambda: llm4anno_bib.verify(good, fix_to=bad),
        "verify cache_dir": lambda: llm4anno_bib.verify(good, lookup=True, offline=True,
                                                        cache_dir=bad),
        "cite": lambda: llm4anno_bib.cite(bad),
        "export_into": lambda: llm4anno_bib.export_into(bad, library),
        "import_list": lambda: llm4anno_bib.import_list(bad, good, offline=True),
        "import_list to": lambda: llm4anno_bib.import_list(seed, bad, offline=True),
        "upgrade": lambda: llm4anno_bib.upgrade(bad, offline=True),
        "upgrade to": lambda: llm4anno_bib.upgrade(good, to=bad, offline=True),
        "render_list": lambda: llm4anno_bib.render_list(bad),
        "save": lambda: library.save(bad),
        "survey": lambda: llm4anno_bib.survey(bad),
        "cache_info": lambda: llm4anno_bib.cache_info(bad),
        "clear_cache": lambda: llm4anno_bib.clear_cache(bad),
    }
    for name, call in calls.items():
        with pytest.raises(llm4anno_bib.Llm4AnnoBibError, match="NUL character") as raised:
            call()
        assert "\x00" not in str(raised.value), name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.bib"]
    assert good.read_text(encoding="utf-8") == GOOD


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file(tmp_path):
    path = tmp_path / "library.bib"
    path.write_text(GOOD, encoding="utf-8")
    path.chmod(0)
    result = runner.invoke(app, ["list", "--library", str(path)])
    assert result.exit_code == 2 and "Permission denied" in result.stderr


@pytest.mark.parametrize(("identifier", "code", "words"), [
    ("not-an-id", 2, "is not an arXiv id"),
    ("2201.1190", 2, "is not an arXiv id"),
    ("arXiv:22011.903", 2, "is not an arXiv id"),
    ("10.1145", 2, "is not an arXiv id"),
    ("https://example.org/10.1145/x", 2, "is not an arXiv id"),
])
def test_invalid_ids_are_refused_before_anything_is_read_or_asked(tmp_path, monkeypatch,
                                                                  identifier, code, words,
                                                                  shipped_copy):
    path = shipped_copy
    before = _snapshot(path)
    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(tmp_path / "cache"))
    result = runner.invoke(app, ["add", identifier, "-c", "surveys", "--offline",
                                 "--library", str(path)])
    assert result.exit_code == code and words in result.stderr
    assert _snapshot(path) == before


def test_a_stale_aux_key_is_reported_and_what_exists_is_written(tmp_path):
    (tmp_path / "paper.aux").write_text("\\citation{wei2022chain,Koehn and Haddow 2009}\n",
                                        encoding="utf-8")
    out = tmp_path / "refs.bib"
    result = runner.invoke(app, ["cite", str(tmp_path / "paper.aux"), "-o", str(out)])
    assert result.exit_code == 1 and "'Koehn and Haddow 2009' is cited" in result.stderr
    assert out.read_text(encoding="utf-8").startswith("@inproceedings{wei2022chain,")


def test_the_catalogue_has_at_least_40_cases():
    cases = len(BROKEN) * len(READERS) + (len(BROKEN) - 2) + len(UNUSUAL) + 5 + 2
    assert cases >= 40


def test_api_errors_carry_their_place(tmp_path):
    path = tmp_path / "library.bib"
    path.write_bytes(BROKEN["missing-comma"][0])
    with pytest.raises(BibSyntaxError) as raised:
        llm4anno_bib.load(path)
    assert (raised.value.path, raised.value.line, raised.value.exit_code) == (str(path), 3, 2)
    assert str(raised.value).startswith(f"{path}:3: ")
