"""cite (entries from a paper's .aux) and export --into (append to a user's .bib, bytes kept)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.auxfile import read_aux
from llm4anno_bib.bibfile import parse_bibtex
from llm4anno_bib.cli import app
from llm4anno_bib.names import split_name
from llm4anno_bib.errors import BibSyntaxError, BibWarning
from llm4anno_bib.merge import merge_into

from conftest import SHARED

runner = CliRunner()
AUX = SHARED / "corpus" / "aux" / "bachstelze_rephrase"
CORPUS = SHARED / "corpus" / "bib"
needs_corpus = pytest.mark.skipif(not (SHARED / "corpus").is_dir(),
                                  reason=f"the real-file corpus is not at {SHARED / 'corpus'}")


# -- cite -------------------------------------------------------------------------------
@needs_corpus
def test_cite_reads_the_thesis_aux_with_its_nested_input():
    citations = read_aux(AUX / "thesis.aux")
    assert [Path(f).name for f in citations.files] == ["thesis.aux", "appendix1.aux"]
    raw = (AUX / "thesis.aux").read_text(encoding="utf-8")
    assert len(citations.keys) == 20 and raw.count("\\citation{") >= 20
    with pytest.warns(BibWarning, match="ends in 'Others'"):  # as Mendeley writes "et al."
        result = llm4anno_bib.cite(AUX / "thesis.aux", library=AUX / "library.bib")
    assert result.missing == {} and [e.key for e in result.library] == list(citations.keys)


@needs_corpus
def test_a_stale_aux_lists_the_keys_that_exist_nowhere(tmp_path):
    out = tmp_path / "refs.bib"
    result = runner.invoke(app, ["cite", str(AUX / "chap2.aux"), "--library",
                                 str(AUX / "library.bib"), "-o", str(out)])
    assert result.exit_code == 1
    assert "'Koehn and Haddow 2009' is cited but not in the library; closest: KoehnHaddow2009" \
        in result.stderr
    assert "'Macklovitch 2008'" in result.stderr
    assert [e.key for e in parse_bibtex(out.read_text(encoding="utf-8")).entries] == \
        ["Koehn2010", "Callison-Burch2007"]  # what it found is written before exit 1


def test_biblatex_aux_nested_inputs_and_nocite_all(tmp_path, library):
    (tmp_path / "chapter.aux").write_text("\\abx@aux@cite{0}{dong2023raft}\n", encoding="utf-8")
    (tmp_path / "paper.aux").write_text(
        "\\relax\n\\abx@aux@refcontext{none/global//global/global}\n"
        "\\abx@aux@cite{0}{wei2022chain}\n\\abx@aux@segm{0}{0}{wei2022chain}\n"
        "\\abx@aux@cite{kojima2022large}\n\\@input{chapter.aux}\n\\@input{missing.aux}\n"
        "\\citation{wei2022chain,sanh2022multitask}\n", encoding="utf-8")
    result = llm4anno_bib.cite(tmp_path / "paper.aux")
    assert [e.key for e in result.library] == ["wei2022chain", "kojima2022large",
                                               "sanh2022multitask", "dong2023raft"]
    (tmp_path / "all.aux").write_text("\\citation{*}\n", encoding="utf-8")
    assert len(llm4anno_bib.cite(tmp_path / "all.aux").library) == len(library)


def test_an_alias_is_written_under_the_key_the_paper_cites(tmp_path, library):
    entry = library["wei2022chain"]
    fields = dict(entry.fields) | {"ids": "wei2022chainofthought"}
    path = tmp_path / "library.bib"
    library.with_entries([entry.from_fields(entry.key, entry.entry_type, fields)]).save(path)
    (tmp_path / "paper.aux").write_text("\\citation{wei2022chainofthought}\n", encoding="utf-8")
    result = llm4anno_bib.cite(tmp_path / "paper.aux", library=path)
    assert [e.key for e in result.library] == ["wei2022chainofthought"]


def test_a_cached_library_is_cited_building_only_the_cited_entries(tmp_path, library,
                                                                    monkeypatch):
    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(tmp_path / "cache"))  # nothing cached
    from llm4anno_bib import _libcache

    entry = library["wei2022chain"]
    aliased = entry.from_fields(entry.key, entry.entry_type,
                                dict(entry.fields) | {"ids": "wei2022chainofthought"})
    path = tmp_path / "library.bib"
    library.with_entries([aliased if e.key == entry.key else e for e in library]).save(path)
    (tmp_path / "paper.aux").write_text(
        "\\citation{wei2022chainofthought,KOJIMA2022LARGE}\n\\citation{sanh2022multitsak}\n",
        encoding="utf-8")
    first = llm4anno_bib.cite(tmp_path / "paper.aux", library=path)  # parses, and caches
    built = []
    real_entry = _libcache._entry
    monkeypatch.setattr(_libcache, "_entry", lambda row: built.append(row[0]) or real_entry(row))
    second = llm4anno_bib.cite(tmp_path / "paper.aux", library=path)
    assert sorted(built) == ["kojima2022large", "wei2022chain"]  # not the other 74
    assert [(e.key, e.fields) for e in second.library] == \
        [(e.key, e.fields) for e in first.library] == [
            ("wei2022chainofthought", aliased.fields),
            ("KOJIMA2022LARGE", library["kojima2022large"].fields)]
    assert second.missing == first.missing == {"sanh2022multitsak": ("sanh2022multitask",)}
    assert second.case_only == first.case_only == {"KOJIMA2022LARGE": "kojima2022large"}
    assert llm4anno_bib.export(second.library) == llm4anno_bib.export(first.library)


@pytest.mark.slow
def test_cite_as_a_real_process(tmp_path, library):
    (tmp_path / "paper.aux").write_text("\\citation{wei2022chain}\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "llm4anno_bib", "cite", "paper.aux", "-f",
                           "biblatex"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("@inproceedings{wei2022chain,")
    assert "date = {2022}" in done.stdout


# -- export --into -----------------------------------------------------------------------
def _corpus_files() -> list[Path]:
    files = sorted(CORPUS.glob("*.bib")) if CORPUS.is_dir() else []
    return files + ([AUX / "library.bib"] if AUX.is_dir() else [])


@needs_corpus
@pytest.mark.parametrize("source", _corpus_files(), ids=lambda p: p.name)
@pytest.mark.filterwarnings("ignore:.*ends in 'Others'")  # the Mendeley file's: said elsewhere
def test_into_every_real_file_appends_and_keeps_every_byte(tmp_path, library, source):
    target = tmp_path / source.name
    original = source.read_bytes()
    target.write_bytes(original)
    encoding = "mac-roman" if "macroman" in source.name else None
    chosen = library.filter(category="chain-of-thought-prompting-cot")
    if encoding:  # without the encoding: a clear error and no change
        with pytest.raises(BibSyntaxError, match="is not UTF-8"):
            llm4anno_bib.export_into(target, chosen)
        assert target.read_bytes() == original
    result = llm4anno_bib.export_into(target, chosen, encoding=encoding)
    content = target.read_bytes()
    assert content.startswith(original)  # not a byte of theirs changed
    assert set(result.added) | {s.key for s in result.skipped} == {e.key for e in chosen}
    appended = content[len(original):].decode(encoding or "utf-8")
    if b"\r\n" in original:
        assert "\n" not in appended.replace("\r\n", "")
    assert [e.key for e in parse_bibtex(appended.replace("\r\n", "\n")).entries] == \
        list(result.added)
    again = llm4anno_bib.export_into(target, chosen, encoding=encoding)
    assert again.added == () and target.read_bytes() == content  # nothing twice


def test_into_skips_works_the_file_has_under_other_keys(tmp_path, library):
    target = tmp_path / "refs.bib"
    target.write_text(
        "% my refs\n@string{nips = {NeurIPS}}\n"
        "@inproceedings{Wei2022CoT,\n  title = {Chain-of-Thought Prompting Elicits Reasoning in "
        "Large Language Models},\n  booktitle = nips,\n  year = 2022\n}\n"
        "@article{kojima,\n  title = {Zero-shot reasoners},\n  journal = {arXiv preprint "
        "arXiv:2205.11916},\n  year = {2022}\n}\n"
        "@misc{x,\n  title = {Whatever},\n  url = {https://doi.org/10.18653/V1/2022.NAACL-MAIN.260}"
        "\n}\n@misc{zhang2023automatic,\n  title = {Another paper}\n}", encoding="utf-8")
    before = target.read_bytes()
    chosen = library.filter(keys=["wei2022chain", "kojima2022large", "chen2022improving",
                                  "zhang2023automatic", "fu2023specializing"])
    result = merge_into(chosen, target)
    skipped = {s.key: (s.theirs, s.reason) for s in result.skipped}
    assert skipped["wei2022chain"] == ("Wei2022CoT",
                                       "already there as 'Wei2022CoT' (line 3, same title)")
    theirs, reason = skipped["kojima2022large"]
    assert theirs == "kojima" and reason.startswith(
        "already there as 'kojima' (line 8, same arXiv id), but it differs (a preprint, the "
        "library cites Advances in Neural Information Processing Systems")
    assert reason.endswith(f"run 'llm4anno-bib verify {target}' to see and fix it")
    assert skipped["chen2022improving"] == ("x", "already there as 'x' (line 13, same DOI)")
    assert skipped["zhang2023automatic"][1] == (
        "the key is taken in the file by another work, 'Another paper' (line 17); rename that "
        "entry, or export this one with another key")
    assert result.added == ("fu2023specializing",)
    assert result.content.startswith(before) and target.read_bytes() == before  # not written yet
    assert result.content[len(before):].startswith(b"\n\n@inproceedings{fu2023specializing,")


GOOGLE_SCHOLAR = ("@article{tan2024large,\n  title={Large Language Models for Data Annotation},"
                  "\n  author={Tan, Zhen and Li, Dawei},\n  journal={arXiv preprint "
                  "arXiv:2402.13446},\n  year={2024}\n}\n")
DBLP_ALIGNED = ("@inproceedings{DBLP:conf/x/A22,\n  author    = {Jane Doe and\n               "
                "Rui Zhang},\n  title     = {Sparse Annotators},\n  booktitle = {Proc},\n"
                "  year      = {2022}\n}\n")
JABREF_CRLF = ("@Article{a,\r\n  Title                    = {T},\r\n  Author                   = "
               "{Doe, Jane},\r\n  Year                     = {2020},\r\n}\r\n")


@pytest.mark.parametrize("file, starts, family_first", [
    (GOOGLE_SCHOLAR, "@inproceedings{kojima2022large,\n  title={Large Language Models are Zero"
                     "-Shot Reasoners},\n  author={Kojima, Takeshi and Gu, Shixiang Shane", True),
    (DBLP_ALIGNED, "@inproceedings{kojima2022large,\n  title     = {Large Language Models are "
                   "Zero-Shot Reasoners},\n  author    = {Takeshi Kojima and", False),
    (JABREF_CRLF, "@InProceedings{kojima2022large,\r\n  Title                    = {Large "
                  "Language Models are Zero-Shot Reasoners},\r\n  Author                   = "
                  "{Kojima, Takeshi and", True),
    ("@misc{a, title = {One line}, year = 2020}\n", "@inproceedings{kojima2022large,\n  title = "
     "{Large Language Models", False),  # no entry over lines to copy: as exported
], ids=["google-scholar", "dblp-aligned", "jabref-crlf", "one-line-entries"])
def test_into_writes_new_entries_in_the_files_own_style(tmp_path, library, file, starts,
                                                        family_first):
    """A colleague adding to a file copies its neighbours: the appended entries take the
    layout of the file's last entry (indentation, '=' column, spacing, delimiters, the
    case of names and types, a comma after the last field or none, line endings) and its
    name order; every field reads back as the library's."""
    target = tmp_path / "refs.bib"
    target.write_bytes(file.encode("utf-8"))
    chosen = library.filter(keys=["kojima2022large", "wei2022chain"])
    result = llm4anno_bib.export_into(target, chosen)
    appended = target.read_bytes()[len(file.encode()):].decode("utf-8")
    assert result.added == ("kojima2022large", "wei2022chain")
    assert appended.lstrip("\r\n").startswith(starts), appended[:300]
    assert ("\r\n" in file) == ("\r\n" in appended) and "\r\r" not in appended
    read = {e.key: e for e in llm4anno_bib.load(target)}
    for key in result.added:
        theirs, ours = read[key], library[key]
        assert {n: v for n, v in theirs.fields.items() if n != "author"} == \
            {n: v for n, v in ours.fields.items() if n != "author"}
        assert [split_name(a).family for a in theirs.bib_authors] == \
            [split_name(a).family for a in ours.bib_authors]
        assert all(("," in a) == family_first for a in theirs.bib_authors)


ZOTERO_BIBLATEX = ("@article{tan2024large,\n\ttitle = {Large Language Models for Data "
                   "Annotation},\n\tauthor = {Tan, Zhen and Li, Dawei},\n\tdate = {2024},\n"
                   "\tjournaltitle = {arXiv},\n\teprinttype = {arxiv},\n\teprint = "
                   "{2402.13446},\n}\n")


def test_into_a_biblatex_file_writes_biblatex_in_its_style(tmp_path, library):
    """A biblatex file (Zotero's export: date, journaltitle, eprinttype) took the works in
    BibTeX's fields (year, archiveprefix) unless told --format biblatex: a colleague adding
    to it writes its dialect. A BibTeX file still gets BibTeX; a format given still wins."""
    target = tmp_path / "refs.bib"
    target.write_text(ZOTERO_BIBLATEX, encoding="utf-8")
    chosen = library.filter(keys=["wei2022chain"])
    llm4anno_bib.export_into(target, chosen)
    appended = target.read_text(encoding="utf-8")[len(ZOTERO_BIBLATEX):]
    assert "\tdate = {2022}," in appended and "\teprinttype = {arxiv}," in appended
    assert "year = " not in appended and "archiveprefix" not in appended
    told = tmp_path / "told.bib"
    told.write_text(ZOTERO_BIBLATEX, encoding="utf-8")
    llm4anno_bib.export_into(told, chosen, format="bibtex")
    assert "\tyear = {2022}," in told.read_text(encoding="utf-8")[len(ZOTERO_BIBLATEX):]
    plain = tmp_path / "plain.bib"
    plain.write_text(GOOGLE_SCHOLAR, encoding="utf-8")
    llm4anno_bib.export_into(plain, chosen)
    assert "year={2022}" in plain.read_text(encoding="utf-8")[len(GOOGLE_SCHOLAR):]


def test_into_refuses_a_file_it_cannot_read_fully(tmp_path, library):
    target = tmp_path / "refs.bib"
    target.write_text("@article{a,\n  title = {Foo {bar},\n  year = 2020\n}\n"
                      "@article{b, title = {X}}\n", encoding="utf-8")
    before = target.read_bytes()
    result = runner.invoke(app, ["export", "--key", "wei2022chain", "--into", str(target)])
    assert result.exit_code == 2 and f"{target}:1:" in result.stderr
    assert target.read_bytes() == before
    bad = runner.invoke(app, ["export", "--key", "wei2022chain", "--into", str(target),
                              "--encoding", "klingon"])
    assert bad.exit_code == 2 and "unknown encoding" in bad.stderr


def test_cli_into_reports_added_and_skipped(tmp_path):
    target = tmp_path / "refs.bib"
    target.write_bytes(b"@misc{mine,\r\n  title = {Chain-of-Thought Prompting Elicits Reasoning "
                       b"in Large Language Models},\r\n}\r\n")
    result = runner.invoke(app, ["export", "--key", "wei2022chain", "--key", "kojima2022large",
                                 "--into", str(target)])
    assert result.exit_code == 0
    assert "skipped wei2022chain: already there as 'mine' (line 1, same title)" in result.stderr
    assert "added 1 entry to" in result.stderr and "kojima2022large" in result.stderr
    assert b"\r\n@inproceedings{kojima2022large,\r\n" in target.read_bytes()
    missing = tmp_path / "new.bib"
    created = runner.invoke(app, ["export", "--key", "wei2022chain", "--into", str(missing)])
    assert created.exit_code == 0 and missing.read_text(encoding="utf-8").startswith("@")


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/stdin", "../outside.aux", "fifo.aux",
                                    "link-to-zero.aux", "folder.aux", "a\x00b.aux"])
def test_cite_reads_only_regular_files_next_to_the_paper(tmp_path, target):
    """A device, a FIFO or a file outside the paper's folder would hang the run or read
    what the paper does not own: each is skipped, said, and the rest is cited."""
    import os

    paper = tmp_path / "paper"
    paper.mkdir()
    (tmp_path / "outside.aux").write_text("\\citation{kojima2022large}\n", encoding="utf-8")
    os.mkfifo(paper / "fifo.aux")
    (paper / "link-to-zero.aux").symlink_to("/dev/zero")
    (paper / "folder.aux").mkdir()
    (paper / "main.aux").write_text(f"\\citation{{wei2022chain}}\n\\@input{{{target}}}\n",
                                    encoding="utf-8")
    result = llm4anno_bib.cite(paper / "main.aux")
    assert [e.key for e in result.library] == ["wei2022chain"]
    assert [name for name, _reason in result.skipped_inputs] == [str(paper / target)]
    cli = runner.invoke(app, ["cite", str(paper / "main.aux")])
    assert cli.exit_code == 0 and "not read" in cli.stderr and "{wei2022chain," in cli.stdout


@pytest.mark.parametrize("kind", ["fifo", "device", "too-large"])
@pytest.mark.slow
def test_a_main_aux_that_is_no_regular_file_is_an_error_not_a_hang(tmp_path, kind):
    import os

    from llm4anno_bib import auxfile

    main = tmp_path / "main.aux"
    if kind == "fifo":
        os.mkfifo(main)
    elif kind == "device":
        main.symlink_to("/dev/zero")
    else:
        main.write_bytes(b"%" * (auxfile.MAX_AUX_BYTES + 2))
    done = subprocess.run([sys.executable, "-m", "llm4anno_bib", "cite", str(main)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert f"{main}: cannot read the .aux file" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_into_an_unchanged_file_again_needs_no_parse(tmp_path, library, monkeypatch):
    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(tmp_path / "cache"))
    from llm4anno_bib import merge

    target = tmp_path / "refs.bib"
    target.write_text("@misc{wei2022chain,\n  title = {Another Work Under This Key},\n}\r\n"
                      "@inproceedings{Wei2022CoT,\n  title = {Chain-of-Thought Prompting "
                      "Elicits Reasoning in Large Language Models},\n  year = 2021\n}\r\n",
                      encoding="utf-8")
    chosen = library.filter(category="chain-of-thought-prompting-cot")
    with pytest.warns(BibWarning, match="mixed line endings"):  # CRLF and LF, on purpose
        first = llm4anno_bib.export_into(target, chosen)  # parses the file, and the result
    assert first.added and first.skipped

    def no_parse(*args, **kwargs):
        raise AssertionError("the file was parsed again")

    monkeypatch.setattr(merge, "parse_entries", no_parse)
    with pytest.warns(BibWarning, match="mixed line endings"):  # said again, of the whole file
        again = llm4anno_bib.export_into(target, chosen)  # what it holds now: kept, not parsed
    assert again.added == ()
    # the same reasons, with the lines a parse of the grown file gives
    monkeypatch.undo()
    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(tmp_path / "fresh-cache"))
    with pytest.warns(BibWarning, match="mixed line endings"):
        parsed = llm4anno_bib.export_into(target, chosen)
    assert [(s.key, s.reason) for s in again.skipped] == \
        [(s.key, s.reason) for s in parsed.skipped]
    assert any("line 4, same title" in s.reason and "year 2021" in s.reason
               for s in again.skipped)


@pytest.mark.parametrize("damage", ["rows", "index"])
def test_a_damaged_cache_is_parsed_around_never_trusted(tmp_path, library, monkeypatch, damage):
    """What the cache keeps is read as strictly as any file: a damaged works file or key
    index costs a parse, never a wrong answer or a crash."""
    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "cache" / "libraries"
    target = tmp_path / "refs.bib"
    target.write_text(library["wei2022chain"].bibtex, encoding="utf-8")
    chosen = library.filter(category="chain-of-thought-prompting-cot")
    path = tmp_path / "library.bib"
    library.save(path)
    (tmp_path / "paper.aux").write_text("\\citation{kojima2022large}\n", encoding="utf-8")
    llm4anno_bib.cite(tmp_path / "paper.aux", library=path)  # cached now
    if damage == "rows":
        llm4anno_bib.export_into(target, chosen, format="bibtex")
        for kept in folder.glob("*.works.json"):
            kept.write_text('[["k", "not a line", "t", 2020, false, [], []]]', encoding="utf-8")
        again = llm4anno_bib.export_into(target, chosen)
        assert again.added == ()  # every work found again by a parse
    else:
        for kept in folder.glob("*.json"):
            if not kept.name.endswith((".works.json", ".bibtex.json")):
                lines = kept.read_bytes().splitlines(keepends=True)
                kept.write_bytes(b"".join(lines[:-1]) + b'[[1, 2, 3]]\n')
        cited = llm4anno_bib.cite(tmp_path / "paper.aux", library=path)
        assert [e.key for e in cited.library] == ["kojima2022large"] and not cited.missing


def test_into_says_the_same_warnings_whether_it_parses_or_not(tmp_path, library, monkeypatch):
    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(tmp_path / "cache"))
    target = tmp_path / "refs.bib"
    target.write_text("@misc{Smith2020,\n  title = {One},\n}\n@misc{smith2020,\n  title = {Two},"
                      "\n}\n", encoding="utf-8")
    chosen = library.filter(category="chain-of-thought-prompting-cot")
    said = []
    for _ in range(3):  # parsed; then (after the append) kept; then kept again
        with pytest.warns(BibWarning) as caught:
            llm4anno_bib.export_into(target, chosen)
        said.append(sorted(str(w.message) for w in caught if "differ only in case" in
                           str(w.message)))
    assert said[0] and said[0] == said[1] == said[2]


def test_writing_what_a_file_holds_already_leaves_it_alone(tmp_path, library):
    """``cite main.aux -o refs.bib`` at every build of a paper: when the cited entries are
    those of the last build, refs.bib is not written, so latexmk sees no change and does
    not run BibTeX again; export -o and render-list -o alike."""
    import os

    (tmp_path / "main.aux").write_text("\\citation{wei2022chain}\n", encoding="utf-8")
    refs, page = tmp_path / "refs.bib", tmp_path / "LIST.md"
    commands = [["cite", str(tmp_path / "main.aux"), "-o", str(refs)],
                ["export", "--key", "wei2022chain", "-o", str(refs)],
                ["render-list", "-o", str(page)]]
    for args in commands:
        target = refs if str(refs) in args else page
        target.unlink(missing_ok=True)
        first = runner.invoke(app, args)
        assert first.exit_code == 0 and "wrote" in first.stderr, first.stderr
        os.utime(target, ns=(1_000_000_000, 1_000_000_000))
        again = runner.invoke(app, args)
        assert again.exit_code == 0 and f"{target} left unchanged" in again.stderr
        assert target.stat().st_mtime_ns == 1_000_000_000
    refs.write_text("% the user's own file\n", encoding="utf-8")  # other content: written
    assert runner.invoke(app, commands[0]).exit_code == 0
    assert refs.read_text(encoding="utf-8").startswith("@inproceedings{wei2022chain,")


CROSSREF_LIBRARY = """@inproceedings{Wei22,
  author    = {Jason Wei and Xuezhi Wang},
  title     = {Chain-of-Thought Prompting Elicits Reasoning in Large Language Models},
  crossref  = {nips22},
  pages     = {24824--24837},
}

@inproceedings{Other,
  author    = {Jane Doe},
  title     = {Not Cited},
  crossref  = {nips22},
}

@proceedings{nips22,
  editor    = {Sanmi Koyejo},
  title     = {Advances in Neural Information Processing Systems 35},
  booktitle = {Advances in Neural Information Processing Systems 35},
  publisher = {Curran Associates},
  year      = {2022},
}
"""


@pytest.mark.parametrize("cached", [False, True], ids=["first-read", "read-before"])
def test_cite_brings_the_parent_a_cited_entry_cross_references(tmp_path, cached):
    """A cited paper of a DBLP export "with crossref" was written without its proceedings:
    BibTeX reports a bad cross reference and prints the paper without its venue."""
    library = tmp_path / "refs.bib"
    library.write_text(CROSSREF_LIBRARY, encoding="utf-8")
    aux = tmp_path / "paper.aux"
    aux.write_text("\\relax\n\\citation{Wei22}\n\\bibdata{out}\n", encoding="utf-8")
    if cached:
        llm4anno_bib.load(library)  # the parsed-library cache, read by the quick subset
    result = llm4anno_bib.cite(aux, library=library)
    assert [e.key for e in result.library] == ["Wei22", "nips22"]  # the parent after


@pytest.mark.slow
def test_what_cite_writes_for_a_cross_referenced_paper_compiles_without_warning(tmp_path):
    import shutil

    if shutil.which("bibtex") is None:
        pytest.skip("bibtex not installed (Debian texlive packages; .ci/run installs them)")
    (tmp_path / "refs.bib").write_text(CROSSREF_LIBRARY, encoding="utf-8")
    (tmp_path / "paper.aux").write_text("\\relax\n\\citation{Wei22}\n\\bibstyle{plain}\n"
                                        "\\bibdata{out}\n", encoding="utf-8")
    result = runner.invoke(app, ["cite", str(tmp_path / "paper.aux"), "--library",
                                 str(tmp_path / "refs.bib"), "-o", str(tmp_path / "out.bib")])
    assert result.exit_code == 0, result.output
    done = subprocess.run(["bibtex", "paper"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and "Warning" not in done.stdout, done.stdout
    assert "Advances in Neural Information Processing Systems 35" in " ".join(
        (tmp_path / "paper.bbl").read_text(encoding="utf-8").split())


def test_export_of_a_cross_referenced_paper_brings_its_parent(tmp_path):
    library = tmp_path / "refs.bib"
    library.write_text(CROSSREF_LIBRARY, encoding="utf-8")
    shown = runner.invoke(app, ["export", "--library", str(library), "--key", "Wei22"])
    assert shown.exit_code == 0, shown.output
    assert [line for line in shown.stdout.splitlines() if line.startswith("@")] == [
        "@inproceedings{Wei22,", "@proceedings{nips22,"]
    mine = tmp_path / "mine.bib"
    mine.write_text("", encoding="utf-8")
    into = runner.invoke(app, ["export", "--library", str(library), "--key", "Wei22", "--into",
                               str(mine)])
    assert into.exit_code == 0 and "Wei22 nips22" in into.output
