"""Titles print right under styles that sentence-case them (issue 29): what the library
writes braces the words whose case carries meaning, a user's own braces are never touched,
check warns (title-case) and --fix protects, and BibTeX's own output is the judge."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib._text import latex_to_text, protect_case
from llm4anno_bib.checking import fix_title_case
from llm4anno_bib.cli import app
from llm4anno_bib.enrich import arxiv_fields, published_fields
from llm4anno_bib.sources.records import ArxivRecord, BibRecord

from conftest import ROOT, SHARED_DBLP
from test_hostile_flows import SECRET, _compile, _needs, _nothing_ran, secret  # noqa: F401

# Read by hand in the shipped library's titles: the words whose case carries meaning
# (names a sentence-casing style would lowercase), besides every word with a capital inside
NAMES_IN_THE_LIBRARY = {"English", "Bayesian", "Alpaca"}


def _case_words(title: str) -> set[str]:
    """The words of a plain title whose case must survive: a capital inside a part
    (GPT, LLaMA, GPT4All), or a name read by hand."""
    words = re.findall(r"[A-Za-z][A-Za-z0-9]*(?:(?:[-']|\.(?=\d))[A-Za-z0-9]+)*", title)
    return {w for w in words if w in NAMES_IN_THE_LIBRARY or any(
        len(part) > 1 and any(c.isupper() for c in part[1:]) for part in re.split(r"[-'.]", w))}


def test_a_users_protection_is_kept_and_protecting_twice_changes_nothing():
    kept = "{{TrustLLM}}: A {No} {Deal} for {B}ayesian {\\LaTeX} Users"
    assert protect_case(kept) == kept.replace("Users", "Users")  # nothing inside braces
    assert protect_case("{TrustLLM}: Trust in LLMs") == "{TrustLLM}: Trust in {LLMs}"
    for entry in llm4anno_bib.load():
        title = entry.fields["title"]
        assert protect_case(title) == title  # the shipped library is protected already


@pytest.mark.slow
def test_protection_only_adds_braces_balanced_and_is_idempotent_on_22000_titles(needs_dblp):
    titles = [" ".join(t.split()) for path in sorted(SHARED_DBLP.glob("*.bib"))
              for t in re.findall(r"^\s*title\s*=\s*\{(.*?)\},\s*$",
                                  path.read_text(encoding="utf-8"), re.M | re.S)]
    assert len(titles) > 20_000
    for title in titles:
        protected = protect_case(title)
        assert protected.replace("{", "").replace("}", "") == \
            title.replace("{", "").replace("}", "")
        assert protected.count("{") == protected.count("}")
        assert protect_case(protected) == protected


def test_every_writer_protects_the_titles_it_writes():
    from datetime import date

    record = ArxivRecord("2401.00001", 1, "Fine-Tuning LLaMA for English with GPT-4",
                         ("Ann Lee",), date(2024, 1, 1), date(2024, 1, 1), "cs.CL")
    assert arxiv_fields(record)["title"] == "Fine-Tuning {LLaMA} for {English} with {GPT-4}"
    published = BibRecord("dblp", "conf/x/Y24", "DBLP:conf/x/Y24", "inproceedings",
                          "Bayesian Views of LLMs", ("Ann Lee",), 2024,
                          {"title": "{Bayesian} Views of LLMs", "author": "Ann Lee",
                           "booktitle": "ICLR", "year": "2024"})
    assert published_fields(published)["title"] == "{Bayesian} Views of {LLMs}"


# titles with math as arXiv sends them: the LLM field names its works so (FAC²E, ∞Bench)
MATH_TITLES = {"FAC$^2$E: Better Understanding of LLM Capabilities":
               "{FAC$^2$E}: Better Understanding of {LLM} Capabilities",
               "$\\infty$Bench: Extending Long Context Evaluation":
               "{$\\infty$Bench}: Extending Long Context Evaluation",
               "Annotation with $k$NN-Prompt for under $100":
               "Annotation with {$k$NN-Prompt} for under {\\$}100"}


def _math_entries(secret: Path) -> list:
    from datetime import date

    from llm4anno_bib.model import Entry

    hostile = f"$\\input{{{secret}}}$ and $\\immediate\\write18{{touch PWNED-math}}$ Annotation"
    entries = []
    for number, title in enumerate([*MATH_TITLES, hostile]):
        record = ArxivRecord(f"2401.0000{number}", 1, title, ("Ann Lee",), date(2024, 1, 1),
                             date(2024, 1, 1), "cs.CL")
        entries.append(Entry.from_fields(f"lee2024math{number}", "misc", arxiv_fields(record)))
    return entries


def test_math_in_an_arxiv_title_is_kept_as_math_and_math_off_the_allowlist_is_text(secret):
    """arXiv's titles write math as TeX ("FAC$^2$E"): it was escaped and printed with its
    dollars and backslashes. A formula on the allowlist is kept, braced with the word it is
    glued to; one off it (a hostile title) is text, dollars and all."""
    *kept, hostile = _math_entries(secret)
    assert [e.fields["title"] for e in kept] == list(MATH_TITLES.values())
    assert "\\input{" not in hostile.fields["title"] and \
        "\\write18" not in hostile.fields["title"].replace("\\textbackslash{}write18", "")


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["bibtex", "biber"])
def test_titles_with_math_typeset_as_math_with_shell_escape_and_nothing_runs(tmp_path, secret,
                                                                             backend):
    _needs("pdflatex", backend, "pdftotext")
    from llm4anno_bib.model import Library

    text = _compile(tmp_path, Library(_math_entries(secret)).to_bibtex(), backend)
    flat = " ".join(text.split())
    assert "\u221eBench" in flat and "FAC2 E" in flat and "k NN-Prompt" in flat
    assert "$\\infty" not in flat and "$^2$" not in flat  # typeset, not printed as written
    _nothing_ran(tmp_path, text)


UNPROTECTED = ("@misc{a,\n\ttitle = \"Aligning LLaMA with English Speakers\",\n"
               "\tauthor = \"Lee, Ann\",\n\tyear = 2024,\n}\n\n@misc{b,\n  title = {{TrustLLM}: "
               "a {No} {Deal}},\n  year = {2024},\n}\n")


def test_check_warns_and_fix_protects_editing_only_the_title(tmp_path):
    path, original = tmp_path / "refs.bib", UNPROTECTED
    path.write_text(original, encoding="utf-8")
    report = llm4anno_bib.check(path)
    assert [(p.key, p.line, p.code, p.severity) for p in report.problems] == [
        ("a", 2, "title-case", "warning")]
    assert "LLaMA, English" in report.problems[0].message and report.exit_code == 0
    fixed = llm4anno_bib.check(path, fix=True)
    assert fixed.fixed == 1 and fixed.problems == ()
    assert path.read_text(encoding="utf-8") == original.replace(
        "Aligning LLaMA with English Speakers", "Aligning {LLaMA} with {English} Speakers")
    again = CliRunner().invoke(app, ["check", "--fix", str(path)])
    assert again.exit_code == 0 and "fixed 0 entries" in again.stderr


def test_a_title_given_by_a_macro_is_left_for_the_user():
    text = "@string{t = {About GPT}}\n@misc{a,\n  title = t,\n}\n"
    assert fix_title_case(text) == (text, 0)


def _bbl(folder: Path, bib: str, style: str) -> str:
    if shutil.which("bibtex") is None or shutil.which("pdflatex") is None or \
            not subprocess.run(["kpsewhich", f"{style}.bst"], capture_output=True,
                               text=True).stdout.strip():
        pytest.skip(f"bibtex, pdflatex or {style}.bst not installed (Debian texlive packages)")
    (folder / "refs.bib").write_text(bib, encoding="utf-8")
    (folder / "paper.tex").write_text(
        "\\documentclass{article}\n\\usepackage[numbers]{natbib}\n\\begin{document}\n"
        "\\nocite{*}\n\\bibliographystyle{" + style + "}\n\\bibliography{refs}\n"
        "\\end{document}\n", encoding="utf-8")
    for command in (["pdflatex", "-interaction=nonstopmode", "-shell-escape", "paper.tex"],
                    ["bibtex", "paper"]):
        subprocess.run(command, cwd=folder, capture_output=True, timeout=120)
    return (folder / "paper.bbl").read_text(encoding="utf-8")


def _lost_words(library: llm4anno_bib.Library, bbl: str) -> dict[str, set[str]]:
    lost = {}
    for item in re.split(r"\\bibitem", bbl)[1:]:
        key = re.search(r"\]\{([^}]+)\}", item).group(1)
        printed = latex_to_text(" ".join(item.split()))
        wanted = _case_words(latex_to_text(library[key].fields["title"]))
        missing = {w for w in wanted
                   if not re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", printed)}
        if missing:
            lost[key] = missing
    return lost


@pytest.mark.slow
@pytest.mark.parametrize("style", ["plainnat", "abbrvnat"])
def test_the_shipped_library_keeps_every_meaningful_capital_under_bibtex(tmp_path, style):
    library = llm4anno_bib.load()
    bbl = _bbl(tmp_path, library.export("bibtex"), style)
    assert bbl.count("\\bibitem") == len(library)
    assert _lost_words(library, bbl) == {}


@pytest.mark.slow
def test_an_imported_list_keeps_its_capitals_under_bibtex(tmp_path):
    listed = tmp_path / "list.md"
    listed.write_text(
        "## P\n- [**Fine-Tuning LLaMA for English Annotation with GPT-3.5-Turbo.**](https://"
        "arxiv.org/abs/2401.00001) *Ann Lee.* Arxiv 2024.\n- [**Bayesian MiniLLM Views.**]("
        "https://arxiv.org/abs/2401.00002) *Bo Li.* Arxiv 2024.\n", encoding="utf-8")
    result = llm4anno_bib.import_list(listed, tmp_path / "lib.bib", offline=True,
                                      cache_dir=tmp_path / "c")
    bbl = _bbl(tmp_path, result.library.export("bibtex"), "plainnat")
    assert _lost_words(result.library, bbl) == {}
    assert "GPT-3.5-Turbo" in bbl and "Bayesian" in bbl and "English" in bbl


@pytest.mark.slow
def test_the_shipped_lexicon_is_what_the_recordings_give(needs_dblp):
    """scripts/build_lexicon.py rebuilds data/case_lexicon.txt from the recordings: the
    shipped file is exactly that (no word added by hand outside its commented list)."""
    import sys

    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_lexicon.py"),
                           "--check"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
