"""``cite`` of a file read for the first time parses only the cited blocks
(``bibfile.read_cited``): the same entries as a full parse of every real file, the file's own
lines in its warnings, aliases resolved, and the full parse wherever the shortcut could read
otherwise (an ``@comment``, a head inside a line, a ``crossref``, a block that does not
parse)."""

from __future__ import annotations

import re
import warnings

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib import bibfile
from llm4anno_bib.bibfile import parse_entries, read_bib_bytes, read_cited
from llm4anno_bib.cli import app
from llm4anno_bib.errors import BibSyntaxError, BibWarning

from conftest import ROOT, SHARED

CORPUS = SHARED / "corpus" / "bib"
DBLP = SHARED / "recordings" / "dblp"


def _real_files() -> list:
    files = sorted(CORPUS.glob("*.bib")) if CORPUS.is_dir() else []
    return files + (sorted(DBLP.glob("*.bib"))[:3] if DBLP.is_dir() else [])


def _full(path, wanted: set[str]) -> list:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = parse_entries(read_bib_bytes(path), str(path), duplicates="first")
    lowered = {w.lower() for w in wanted}
    return [e for e in parsed.entries
            if e.key.lower() in lowered or any(a.lower() in lowered for a in e.aliases)]


@pytest.mark.skipif(not _real_files(), reason=f"no real files at {CORPUS} or {DBLP}")
@pytest.mark.parametrize("path", _real_files(), ids=lambda p: p.name)
def test_the_cited_entries_are_those_of_a_full_parse_of_every_real_file(path):
    try:
        text = read_bib_bytes(path)
    except llm4anno_bib.Llm4AnnoBibError:
        pytest.skip(f"{path.name} is not UTF-8 (the corpus' encoding case)")
    keys = re.findall(r"^\s*@\w+\s*\{\s*([^,\s]+)\s*,", text, re.M)
    wanted = set(keys[::7] + keys[:3])
    try:
        full = _full(path, wanted)
    except BibSyntaxError:
        assert read_cited(path, wanted) is None  # a file the full parse refuses
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = read_cited(path, wanted)
    if got is None:
        return  # the shortcut stood aside: the full parse answers (checked below by the CLI)
    assert list(got[0]) == full
    assert set(keys) <= set(got[1])


def test_it_builds_only_the_cited_entries(tmp_path, monkeypatch):
    path = tmp_path / "refs.bib"
    path.write_text("".join(f"@misc{{k{n},\n  title = {{Title {n}}},\n  year = {{2020}},\n}}\n"
                            for n in range(200)), encoding="utf-8")
    built = []
    real = bibfile.Entry.from_fields
    monkeypatch.setattr(bibfile.Entry, "from_fields",
                        lambda key, *args: built.append(key) or real(key, *args))
    library, names = read_cited(path, ["k3", "K150"])
    assert sorted(built) == ["k150", "k3"] and [e.key for e in library] == ["k3", "k150"]
    assert len(names) == 200


def test_lines_strings_and_repeats_are_the_files_own(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text('@string{acl = "Proceedings of ACL"}\n\n'
                    "@misc{other,\n  title = {Other},\n}\n\n"
                    "@inproceedings{cited,\n  title = {Cited},\n  booktitle = acl,\n"
                    "  year = 2020,\n}\n\n"
                    "@misc{cited,\n  title = {Again},\n}\n", encoding="utf-8")
    with pytest.warns(BibWarning) as given:
        library, _names = read_cited(path, ["cited"])
    (entry,) = library
    assert entry.fields["booktitle"] == "Proceedings of ACL" and entry.title == "Cited"
    with pytest.warns(BibWarning) as whole:
        parse_entries(path.read_text(encoding="utf-8"), str(path), duplicates="first")
    assert [str(w.message) for w in given] == [str(w.message) for w in whole]
    assert given[0].message.line == 13 and "first on line 7" in str(given[0].message)


def test_a_cited_alias_is_found_through_ids(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text("@misc{new2021,\n  title = {T},\n  ids = {old2020, older},\n}\n"
                    "@misc{else,\n  title = {E},\n}\n", encoding="utf-8")
    library, names = read_cited(path, ["old2020"])
    assert [e.key for e in library] == ["new2021"]
    assert set(names) == {"new2021", "old2020", "older", "else"}


@pytest.mark.parametrize("text", [
    pytest.param("@comment{x}\n@misc{a,\n  title = {A},\n}\n", id="comment-block"),
    pytest.param("@misc{b, title = {B}} @misc{a,\n  title = {A},\n}\n", id="head-inside-a-line"),
    pytest.param("@misc{a,\n  title = {A},\n  crossref = {p},\n}\n@proceedings{p,\n"
                 "  title = {P},\n}\n", id="crossref"),
    pytest.param("@misc{a,\n  title = {A {unclosed},\n}\n@misc{z,\n  title = {Z},\n}\n",
                 id="a-block-that-does-not-parse"),
])
def test_the_shortcut_stands_aside_where_a_full_parse_could_read_otherwise(tmp_path, text):
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    assert read_cited(path, ["a"]) is None


def test_cite_gives_the_same_bytes_cold_and_from_a_library_read_before(tmp_path, monkeypatch):
    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(tmp_path / "cache"))
    library = tmp_path / "refs.bib"
    library.write_bytes((ROOT / "tests" / "data" / "planted_lookup.bib").read_bytes())
    keys = re.findall(r"^@\w+\{([^,]+),", library.read_text(encoding="utf-8"), re.M)
    aux = tmp_path / "paper.aux"
    aux.write_text("".join(f"\\citation{{{k}}}\n" for k in keys[::3]), encoding="utf-8")
    runner = CliRunner()
    cold = runner.invoke(app, ["cite", str(aux), "--library", str(library)])
    assert cold.exit_code == 0, cold.output
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").rglob("*.json"))
    llm4anno_bib.load(library)  # now the parsed library is kept
    warm = runner.invoke(app, ["cite", str(aux), "--library", str(library)])
    assert warm.stdout == cold.stdout and warm.stdout.count("@") == len(keys[::3])
