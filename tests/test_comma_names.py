"""An author list written with commas instead of ``and`` (a real paper's custom.bib:
``Ben Hamner, Jaison Morgan, lynnvandev, ...``) is one entry's problem, read as BibTeX reads
it (one person, the first two parts and the rest), with a warning: never pybtex's
``InvalidNameString`` traceback, in any command that reads names."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.cli import app
from llm4anno_bib.errors import BibWarning
from llm4anno_bib.names import comma_listed, pybtex_person, split_name

from conftest import bibtex_bbl

COMMAS = "Ben Hamner, Jaison Morgan, lynnvandev, Mark Shermis, Tom Vander Ark"


@pytest.fixture
def commas(tmp_path):
    path = tmp_path / "custom.bib"
    path.write_text("@misc{kaggle,\n  title = {The Hewlett Foundation: Automated Essay Scoring},"
                    f"\n  author = {{{COMMAS}}},\n  year = {{2012}},\n}}\n"
                    "@article{two,\n  title = {Chain-of-Thought Prompting Elicits Reasoning in "
                    "Large Language Models},\n  author = {Wei, Jason and Wang, Xuezhi},\n"
                    "  journal = {J},\n  year = {2022},\n}\n", encoding="utf-8")
    return path


def test_a_name_of_many_commas_is_read_as_bibtex_reads_it():
    person = pybtex_person(COMMAS)  # BibTeX: last "Ben Hamner", jr "Jaison Morgan", first rest
    assert person.last_names == ["Ben", "Hamner"] and person.lineage_names == ["Jaison", "Morgan"]
    assert person.first_names[0] == "lynnvandev"
    assert split_name(COMMAS).family == "Ben Hamner"
    assert comma_listed(f"{COMMAS} and Doe, Jane") == COMMAS
    assert comma_listed("Doe, Jane and {Smith, Jones, and Co., Ltd}") is None  # braced: one


def test_every_reading_command_reads_it_with_a_warning(commas, tmp_path):
    with pytest.warns(BibWarning, match="more than two commas"):
        report = llm4anno_bib.verify(commas)
    assert [e.status for e in report.entries] == ["not-checked", "disagrees"]
    with pytest.warns(BibWarning, match="more than two commas"):
        assert llm4anno_bib.verify(commas, lookup=True, offline=True,
                                   cache_dir=tmp_path / "c").entries[0].key == "kaggle"
    with pytest.warns(BibWarning, match="more than two commas"):
        upgraded = llm4anno_bib.upgrade(commas, offline=True, cache_dir=tmp_path / "c")
    assert upgraded.changed == ()
    with pytest.warns(BibWarning, match="more than two commas"):
        library = llm4anno_bib.load(commas)
    for format in ("csl-json", "biblatex", "refs", "html"):  # (markdown shows no authors)
        assert "Hamner" in library.export(format), format
    problems = llm4anno_bib.check(commas).problems
    assert [(p.key, p.code, p.severity) for p in problems] == [
        ("kaggle", "comma-names", "warning")]


def test_the_cli_says_it_once_and_goes_on(commas):
    for args in (["verify", str(commas)], ["export", "--format", "refs", "--library", str(commas)],
                 ["check", str(commas)]):
        result = CliRunner().invoke(app, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        assert "more than two commas" in result.output, args
        assert "Traceback" not in result.output


@pytest.mark.slow
def test_verify_of_it_as_a_real_process(commas):
    done = subprocess.run([sys.executable, "-m", "llm4anno_bib", "verify", str(commas)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr  # 1: 'two' disagrees
    assert "warning:" in done.stderr and "more than two commas" in done.stderr


@pytest.mark.parametrize("name, family, written, key", [
    ("Hal Daum{\\'e} III", "Daum{\\'e}", "Daum{\\'e}, III, Hal", "daume"),  # as DBLP writes it
    ("Marcelo H. Ang Jr.", "Ang", "Ang, Jr., Marcelo H.", "ang"),
    ("Daum{\\'e} III, Hal", "Daum{\\'e}", "Daum{\\'e}, III, Hal", "daume"),  # Google Scholar's
    ("Ludwig van Beethoven III", "Beethoven", "van Beethoven, III, Ludwig", "vanbeethoven"),
    ("Hal III", "III", "III, Hal", "iii"),  # a single given name: nothing to read otherwise
])
def test_a_generational_suffix_is_read_apart_from_the_family_name(name, family, written, key):
    """BibTeX takes "III" for the family name of "Hal Daum{\\'e} III": a key made of it was
    "iii2022framework", and the name written family first "III, Hal Daum{\\'e}"."""
    from llm4anno_bib.keys import base_key

    assert split_name(name).family == family
    assert split_name(name).bibtex() == written
    assert base_key([name], 2022, "A Framework for Learning") == f"{key}2022framework"


@pytest.mark.parametrize("written, agrees", [
    ("Jason Wei et al.", True), ("Wei, Jason et al.", True), ("Wei, Jason and et al.", True),
    ("Wei, Jason and Wang, Xuezhi et al", True),
    ("Wang, Xuezhi et al.", False)])  # the first author left out: still said
def test_et_al_written_into_a_name_is_read_as_others_and_checked(tmp_path, written, agrees):
    """"Jason Wei et al." (BibTeX: one person, family name "al.") was "the authors differ
    (missing Jason Wei, ...; not authors: Jason Wei et al.)": verify reads the people it
    names, cut short; check warns how to write it, with the line."""
    library = llm4anno_bib.load()
    cot = library["wei2022chain"]
    path = tmp_path / "refs.bib"
    path.write_text(f"@inproceedings{{cot,\n  title = {{{cot.title}}},\n  author = "
                    f"{{{written}}},\n  booktitle = {{{cot.venue}}},\n  year = {{{cot.year}}},"
                    "\n}\n", encoding="utf-8")
    with pytest.warns(BibWarning, match="et al"):
        entry, = llm4anno_bib.verify(path, library).entries
    assert entry.status == ("agrees" if agrees else "disagrees"), entry.findings
    problem, = llm4anno_bib.check(path).problems
    assert (problem.code, problem.severity, problem.line) == ("et-al-name", "warning", 3)
    assert "and others" in problem.message
    said = CliRunner().invoke(app, ["check", str(path)])
    assert said.exit_code == 0 and "[et-al-name]" in said.output


def test_et_al_is_no_name_only_at_the_end_of_a_real_name():
    from llm4anno_bib.names import et_al_written

    assert et_al_written("Wei, Jason and Metal, Anna") is None
    assert et_al_written("Wei, Jason and Petal") is None
    assert et_al_written("Wei, Jason and Jet Al") is None  # a name ending in "et Al"
    assert et_al_written("Wei, Jason and Wang, Xuezhi, et al") == "Wang, Xuezhi, et al"
    assert et_al_written("Wei, Jason etc.") is None  # (the list reader's "etc." is no name)


def test_check_fix_writes_et_al_as_others_in_the_entrys_own_layout(tmp_path):
    """``check --fix``: "et al." in a name becomes BibTeX's "and others", each list in its
    own layout (a name a line stays so); a list given by a macro is left for the user."""
    path = tmp_path / "refs.bib"
    path.write_text('@misc{a,\n  author = {Jason Wei et al.},\n  title = {A},\n}\n\n'
                    '@misc{b,\n  author = "Wang, Xuezhi and\n            Wei, Jason and et al.",\n'
                    '  title = "B",\n}\n\n@string{etal = "Jason Wei et al."}\n'
                    '@misc{c, author = etal, title = {C}}\n', encoding="utf-8")
    said = CliRunner().invoke(app, ["check", "--fix", str(path)])
    assert said.exit_code == 0 and "fixed 2 entries" in said.output
    assert path.read_text(encoding="utf-8") == (
        '@misc{a,\n  author = {Jason Wei and others},\n  title = {A},\n}\n\n'
        '@misc{b,\n  author = "Wang, Xuezhi and\n            Wei, Jason and\n            others",\n'
        '  title = "B",\n}\n\n@string{etal = "Jason Wei et al."}\n'
        '@misc{c, author = etal, title = {C}}\n')
    left, = llm4anno_bib.check(path).problems
    assert (left.key, left.code) == ("c", "et-al-name")


STRAY_AND = ("@article{a,\n  author = {Smith, John and Doe, Jane and},\n  title = {A},\n"
             "  journal = {J},\n  year = {2020},\n  doi = {https://doi.org/10.1145/3560815},\n}\n"
             "@article{b,\n  author = \"Smith, John and\n             and Doe, Jane\",\n"
             "  title = {B},\n  journal = {J},\n  year = {2021},\n  doi = {doi:10.1145/1.2},\n}\n"
             "@article{c,\n  author = {{Barnes and Noble} and Doe, Jane},\n  title = {C},\n"
             "  journal = {J},\n  year = {2021},\n}\n")


def test_an_and_with_no_name_beside_it_is_said_and_fixed(tmp_path):
    """A list ending in "and" (BibTeX: "Jane and Doe") or with "and and" (an empty name,
    printed ", ,") was said nowhere; check warns with the line, check --fix takes the "and"
    out and bares a DOI written as its address, each entry's layout kept."""
    path = tmp_path / "refs.bib"
    path.write_text(STRAY_AND, encoding="utf-8")
    problems = llm4anno_bib.check(path).problems
    assert [(p.key, p.line, p.code, p.severity) for p in problems] == [
        ("a", 2, "empty-name", "warning"), ("a", 6, "bad-doi", "error"),
        ("b", 9, "empty-name", "warning"), ("b", 14, "bad-doi", "error")]
    assert "check --fix bares it" in problems[1].message
    said = CliRunner().invoke(app, ["check", "--fix", str(path)])
    assert said.exit_code == 0 and "fixed 2 entries" in said.output
    assert path.read_text(encoding="utf-8") == STRAY_AND.replace(
        "Doe, Jane and}", "Doe, Jane}").replace(
        "Smith, John and\n             and Doe, Jane", "Smith, John and\n             Doe, Jane"
        ).replace("https://doi.org/10.1145/3560815", "10.1145/3560815").replace(
        "doi:10.1145/1.2", "10.1145/1.2")
    assert not llm4anno_bib.check(path).problems
    again = tmp_path / "again.bib"
    again.write_text(STRAY_AND, encoding="utf-8")
    with pytest.warns(BibWarning, match="'and' with no name"):  # reading it says so too
        llm4anno_bib.verify(again)


def test_bibtex_reads_a_stray_and_as_the_check_says(tmp_path):
    """The claim, held to BibTeX: the trailing "and" joins the last name."""
    assert "Jane~and Doe" in bibtex_bbl(tmp_path, STRAY_AND, "a")


OTHERS = ("@article{a,\n  author = {Smith, John and Doe, Jane and Others},\n  title = {A},\n"
          "  journal = {J},\n  year = {2020},\n}\n@article{b,\n  author = {Smith, John and "
          "OTHERS},\n  title = {B},\n  journal = {J},\n  year = {2020},\n}\n")


def test_others_in_another_case_is_said_and_written_in_lowercase(tmp_path):
    """BibTeX's "et al." is "others" in lowercase: "Others" is a person it prints by name,
    while every reader of ours took it for "et al."."""
    path = tmp_path / "refs.bib"
    path.write_text(OTHERS, encoding="utf-8")
    problems = llm4anno_bib.check(path).problems
    assert [(p.key, p.line, p.code, p.severity) for p in problems] == [
        ("a", 2, "others-case", "warning"), ("b", 8, "others-case", "warning")]
    said = CliRunner().invoke(app, ["check", "--fix", str(path)])
    assert said.exit_code == 0 and "fixed 2 entries" in said.output
    assert path.read_text(encoding="utf-8") == OTHERS.replace("Others}", "others}").replace(
        "OTHERS}", "others}")
    assert not llm4anno_bib.check(path).problems


def test_bibtex_prints_others_in_another_case_as_a_name(tmp_path):
    bbl = bibtex_bbl(tmp_path, OTHERS)
    assert "Jane Doe, and Others." in bbl and "John Smith and OTHERS." in bbl
