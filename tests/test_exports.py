"""Export formats: BibTeX round trip, BibLaTeX through Biber, CSL-JSON through pandoc's
citeproc, pybtex's formatted references, Markdown; name splitting."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.bibfile import parse_bibtex, read_library, render_library
from llm4anno_bib.cli import app
from llm4anno_bib.errors import UnknownFormat, UnknownStyle
from llm4anno_bib.listmd import item_line
from llm4anno_bib.names import split_name

from conftest import ROOT

runner = CliRunner()


def _tool(*names: str) -> None:
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (Debian packages; .ci/run installs them)")


def _run(tmp_path: Path, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=180)


# -- BibTeX -----------------------------------------------------------------------------
def test_bibtex_round_trip_is_byte_identical(tmp_path, library):
    path = tmp_path / "library.bib"
    library.save(path)
    assert path.read_bytes() == (ROOT / "library.bib").read_bytes()
    again = read_library(path)
    assert render_library(again) == path.read_text(encoding="utf-8")
    assert again.to_bibtex() == library.to_bibtex() == library.export("bibtex")


# -- names ------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "family", "given", "particle"), [
    ("Le Scao, Teven", "Le Scao", "Teven", ""),       # the Anthology's split is kept
    ("Teven Le Scao", "Le Scao", "Teven", ""),        # the particle rule
    ("Ludwig van Beethoven", "Beethoven", "Ludwig", "van"),
    ("Quoc V. Le", "Le", "Quoc V.", ""),              # a particle-like last word is the family
    ("Anh Le", "Le", "Anh", ""),
    ("Rockt{\\\"a}schel, Tim", "Rockt{\\\"a}schel", "Tim", ""),
])
def test_name_splits(name, family, given, particle):
    split = split_name(name)
    assert (split.family, split.given, split.particle) == (family, given, particle)


def test_a_split_the_library_has_for_a_person_wins(library):
    known = library.name_splits()
    # Muennighoff et al. (ACL Anthology) write "Le Scao, Teven"; T0 (DBLP) "Teven Le Scao"
    assert split_name("Teven Le Scao", known).family == "Le Scao"
    t0 = json.loads(library.filter(keys=["sanh2022multitask"]).export("csl-json"))[0]
    assert {"family": "Le Scao", "given": "Teven"} in t0["author"]
    assert {"family": "Févry", "given": "Thibault"} in t0["author"]
    openai = json.loads(library.filter(keys=["openai2023gpt"]).export("csl-json"))[0]
    assert openai["author"][0] == {"literal": "OpenAI"}
    assert openai["author"][1] == {"family": "Achiam", "given": "Josh"}


# -- BibLaTeX ---------------------------------------------------------------------------
def test_biblatex_maps_types_and_fields(library):
    text = library.export("biblatex")
    entries = {e.key: e for e in parse_bibtex(text).entries}
    assert len(entries) == len(library)
    raft = entries["dong2023raft"]
    assert raft.entry_type == "online"
    fields = {f.key: f.value for f in raft.fields}
    assert fields["eprinttype"] == "arxiv" and fields["eprint"] == "2304.06767"
    assert fields["eprintclass"] == "cs.LG" and fields["date"] == "2023-04"
    lou = {f.key: f.value for f in entries["lou2024large"].fields}
    assert "journaltitle" in lou and "journal" not in lou
    for entry in entries.values():
        names = {f.key for f in entry.fields}
        assert not names & {"pdf", "code", "data", "webpage", "anthology", "dblp", "curated",
                            "archiveprefix", "primaryclass", "month", "year", "address"}


@pytest.mark.slow
def test_biblatex_export_passes_biber_datamodel_validation(tmp_path, library):
    _tool("biber")
    (tmp_path / "refs.bib").write_text(library.export("biblatex"), encoding="utf-8")
    done = _run(tmp_path, "biber", "--tool", "--validate-datamodel", "refs.bib")
    assert done.returncode == 0, done.stdout + done.stderr
    problems = [line for line in done.stdout.splitlines() if "WARN" in line or "ERROR" in line]
    assert problems == []


@pytest.mark.slow
def test_biblatex_document_compiles_with_biber_without_warnings(tmp_path, library):
    _tool("biber", "pdflatex")
    (tmp_path / "refs.bib").write_text(library.export("biblatex"), encoding="utf-8")
    (tmp_path / "paper.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{lmodern}\n"
        "\\usepackage[backend=biber,style=numeric]{biblatex}\n\\addbibresource{refs.bib}\n"
        "\\begin{document}\n\\cite{" + ",".join(e.key for e in library) + "}\n"
        "\\printbibliography\n\\end{document}\n", encoding="utf-8")
    first = _run(tmp_path, "pdflatex", "-interaction=nonstopmode", "paper.tex")
    assert first.returncode == 0, first.stdout[-2000:]
    biber = _run(tmp_path, "biber", "paper")
    assert biber.returncode == 0, biber.stdout[-3000:]
    assert [l for l in biber.stdout.splitlines() if "WARN" in l or "ERROR" in l] == []
    for _ in range(2):
        latex = _run(tmp_path, "pdflatex", "-interaction=nonstopmode", "paper.tex")
        assert latex.returncode == 0
    log = (tmp_path / "paper.log").read_text(encoding="latin-1")
    assert "undefined" not in log and "rerun" not in log.lower()
    bbl = (tmp_path / "paper.bbl").read_text(encoding="utf-8")
    assert bbl.count("\\entry{") == len(library)
    assert "family={Le\\bibnamedelima Scao}" in bbl  # family name as split, not "Scao"


# -- CSL-JSON ---------------------------------------------------------------------------
def test_csl_json_items(library):
    items = json.loads(library.export("csl-json"))
    assert [i["id"] for i in items] == [e.key for e in library]
    by_id = {i["id"]: i for i in items}
    wei = by_id["wei2022chain"]
    assert wei["type"] == "paper-conference" and wei["issued"] == {"date-parts": [[2022]]}
    assert wei["container-title"].startswith("Advances in Neural Information Processing")
    survey = by_id[library.survey_key]
    assert survey["DOI"] == "10.18653/v1/2024.emnlp-main.54" and survey["page"] == "930-957"
    assert survey["author"][0] == {"family": "Tan", "given": "Zhen"}
    raft = by_id["dong2023raft"]
    assert raft["type"] == "article" and raft["number"] == "arXiv:2304.06767"
    assert all("\\" not in json.dumps(i["title"]) for i in items)  # plain text, no LaTeX


def test_an_articles_venue_is_its_journal_as_bibtex_prints_it(tmp_path):
    """Semantic Scholar exports ``@Article`` with a ``booktitle`` beside ``journal =
    {ArXiv}``: BibTeX prints the journal, and so must every reading of the venue (the
    library's list, its cache, CSL-JSON)."""
    path = tmp_path / "s2.bib"
    path.write_text("@Article{Wei2022ChainOT,\n author = {Jason Wei and Denny Zhou},\n "
                    "booktitle = {Neural Information Processing Systems},\n journal = {ArXiv},"
                    "\n title = {Chain of Thought Prompting},\n volume = {abs/2201.11903},\n"
                    " year = {2022}\n}\n\n@inproceedings{both,\n title = {T},\n booktitle = "
                    "{Proc. of {ICML}},\n journal = {J},\n year = {2022}\n}\n", encoding="utf-8")
    for read in (llm4anno_bib.load(path), llm4anno_bib.load(path)):  # parsed, then cached
        assert [e.venue for e in read] == ["ArXiv", "Proc. of ICML"]
        items = json.loads(read.export("csl-json"))
        assert [i.get("container-title") for i in items] == ["ArXiv", "Proc. of ICML"]


def test_pandoc_citeproc_renders_every_entry_without_warning(tmp_path, library):
    _tool("pandoc")
    (tmp_path / "refs.json").write_text(library.export("csl-json"), encoding="utf-8")
    (tmp_path / "paper.md").write_text("---\nnocite: '@*'\n---\n\n# References\n",
                                       encoding="utf-8")
    done = _run(tmp_path, "pandoc", "--citeproc", "--bibliography", "refs.json", "-t", "plain",
                "--wrap=none", "paper.md")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    for entry in library:
        assert entry.title.split(":")[0].lower()[:25] in done.stdout.lower(), entry.key


# -- formatted references ----------------------------------------------------------------
@pytest.mark.parametrize("style", ["plain", "unsrt", "alpha", "unsrtalpha"])
@pytest.mark.parametrize("backend", ["text", "markdown", "html", "latex"])
def test_references_in_every_style_and_backend(library, style, backend):
    chosen = library.filter(category="chain-of-thought-prompting-cot")
    text = chosen.export("refs", style=style, backend=backend)
    marker = {"text": "[", "markdown": "[", "html": "<dt", "latex": "\\bibitem"}[backend]
    assert text.count(marker) >= len(chosen)
    if backend == "latex":
        assert "\\begin{thebibliography}" in text
    if style.endswith("alpha"):
        assert "Wei+22" in text or "WWS+22" in text


@pytest.mark.parametrize("style", ["plain", "unsrt", "alpha", "unsrtalpha"])
def test_references_of_entries_pybtex_would_stop_at(tmp_path, style):
    """One odd entry never stops the bibliography: ``editor = { }`` read from a file (no
    one: the alpha label indexed an empty list), braces that do not balance in an entry made
    in Python (pybtex's markup refused the whole bibliography)."""
    import warnings

    from llm4anno_bib.model import Entry, Library

    path = tmp_path / "odd.bib"
    path.write_text("@book{blank,\n  title = {A Book},\n  editor = { },\n  author = {  },\n"
                    "  publisher = {P},\n  year = {2020},\n}\n", encoding="utf-8")
    made = Entry.from_fields("made", "misc", {"title": "Half {open", "author": "Doe, {Jane",
                                              "year": "2021"})
    library = Library([*read_library(path), made], [], [])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (the book lacks its editor: formatted as @misc)
        text = library.export("refs", style=style)
    assert "a book" in text.lower() and "half open" in text.lower() and text.count("[") == 2


def test_unsrt_keeps_library_order_and_cite_formats_one_entry(library):
    chosen = library.filter(category="chain-of-thought-prompting-cot")
    lines = [l for l in chosen.export("refs", style="unsrt").splitlines() if l.startswith("[")]
    assert [l.split("]")[0] for l in lines] == [f"[{i}" for i in range(1, len(chosen) + 1)]
    wei = library["wei2022chain"].cite()
    assert wei.startswith("Jason Wei, Xuezhi Wang") and "2022" in wei
    assert "\\" not in library["anand2023gpt4all"].cite()  # \url{...} is the bare URL


def test_unknown_format_or_style_is_an_error(library):
    with pytest.raises(UnknownFormat):
        library.export("ris")
    with pytest.raises(UnknownStyle):
        library.export("refs", style="apa")
    with pytest.raises(UnknownStyle):
        library.export("refs", backend="docx")
    with pytest.raises(UnknownStyle, match="for references"):
        library.export("bibtex", style="alpha")  # it would be ignored
    small = library.filter(keys="wei2022chain")
    assert small.export("BibTeX") == small.export("bibtex")
    assert small.export(" REFS ", style="Alpha") == small.export("refs", style="alpha")
    # a path where the library goes is said to be one (it was "'str' object has no
    # attribute 'export'")
    with pytest.raises(TypeError, match=r"export takes a Library \(llm4anno_bib.load"):
        llm4anno_bib.export("refs.bib", "bibtex")  # type: ignore[arg-type]


def test_markdown_is_the_lists_line_per_work(library):
    chosen = library.filter(category="surveys")
    assert chosen.export("markdown") == "".join(item_line(e) + "\n" for e in chosen)
    assert chosen.export("markdown").startswith("- [")


# -- CLI --------------------------------------------------------------------------------
def test_cli_export_formats(tmp_path, library):
    out = tmp_path / "refs.json"
    result = runner.invoke(app, ["export", "-f", "csl-json", "-c", "Surveys", "-o", str(out)])
    assert result.exit_code == 0
    assert [i["id"] for i in json.loads(out.read_text(encoding="utf-8"))] == \
        [e.key for e in library.filter(category="surveys")]
    html = runner.invoke(app, ["export", "-f", "refs", "--style", "alpha", "--backend", "html",
                               "--key", "wei2022chain"])
    assert html.exit_code == 0 and "<dt>" in html.stdout
    bad = runner.invoke(app, ["export", "-f", "refs", "--style", "apa"])
    assert bad.exit_code == 2 and "unknown style 'apa'" in bad.stderr


def test_an_export_no_work_matches_says_so(library):
    """``export --year 1900`` printed nothing at all and exited 0, as a typo in a filter
    would: the (valid, empty) export is now said to be empty; a match says nothing more."""
    empty = runner.invoke(app, ["export", "--year", "1900"])
    assert empty.exit_code == 0 and empty.stdout == ""
    assert "no work matches the filters; the export is empty" in empty.stderr
    found = runner.invoke(app, ["export", "--year", "2022"])
    assert found.exit_code == 0 and found.stdout.startswith("@") and found.stderr == ""


def test_alpha_labels_are_made_from_the_names_not_their_latex(library):
    """BibTeX's alpha.bst gives [PRR+19] for Petroni, Rocktäschel, Riedel et al.; a label
    made from the LaTeX source read [PRocktaschelR+19]."""
    petroni = library.filter(keys=["petroni2019language"])
    assert petroni.export("refs", style="alpha").startswith("[PRR+19] ")
    latex = petroni.export("refs", style="alpha", backend="latex")
    assert "\\bibitem[PRR+19]{petroni2019language}" in latex and "Rockt\\\"aschel" in latex


BIBLATEX_LIBRARY = """@inproceedings{wei,
  author = {Wei, Jason and Wang, Xuezhi},
  title = {Chain-of-Thought Prompting Elicits Reasoning in Large Language Models},
  booktitle = {Advances in Neural Information Processing Systems},
  location = {New Orleans},
  date = {2022-12},
  eprinttype = {arxiv},
  eprint = {2201.11903},
}

@online{clip,
  author = {Radford, Alec and Kim, Jong Wook},
  title = {Learning Transferable Visual Models From Natural Language Supervision},
  date = {2021-02-26},
  eprinttype = {arXiv},
  eprint = {2103.00020},
  eprintclass = {cs.CV},
  pubstate = {preprint},
}

@article{clip2,
  author = {Radford, Alec and Kim, Jong Wook},
  title = {Learning Transferable Visual Models From Natural Language Supervision},
  journaltitle = {Transactions on Machine Learning Research},
  date = {2023},
}
"""


def _biblatex_library(tmp_path: Path):
    import llm4anno_bib

    (tmp_path / "lib.bib").write_text(BIBLATEX_LIBRARY, encoding="utf-8")
    return llm4anno_bib.load(tmp_path / "lib.bib")


def _exported(tmp_path: Path, text: str):
    import llm4anno_bib

    (tmp_path / "out.bib").write_text(text, encoding="utf-8")
    return llm4anno_bib.load(tmp_path / "out.bib")


def test_a_biblatex_library_exports_without_losing_its_own_fields(tmp_path):
    """A biblatex file as the library: its journaltitle, location, eprintclass, pubstate
    and full dates were dropped from the biblatex export (an article lost its journal), and
    CSL-JSON had no container for a journaltitle."""
    library = _biblatex_library(tmp_path)
    assert library["wei"].month == 12
    exported = _exported(tmp_path, library.export("biblatex"))
    assert exported["wei"].fields["date"] == "2022-12"
    assert exported["wei"].fields["location"] == "New Orleans"
    assert exported["clip"].fields["date"] == "2021-02-26"
    assert (exported["clip"].fields["eprintclass"], exported["clip"].fields["pubstate"]) == (
        "cs.CV", "preprint")
    assert exported["clip2"].fields["journaltitle"] == "Transactions on Machine Learning " \
                                                       "Research"
    assert _exported(tmp_path, library.export("biblatex", venues="short"))["clip2"].fields[
        "journaltitle"] == "TMLR"
    items = {item["id"]: item for item in json.loads(library.export("csl-json"))}
    assert items["clip2"]["container-title"] == "Transactions on Machine Learning Research"
    assert items["wei"]["issued"] == {"date-parts": [[2022, 12]]}
    assert items["wei"]["publisher-place"] == "New Orleans"


@pytest.mark.slow
def test_a_biblatex_librarys_export_passes_biber_datamodel_validation(tmp_path):
    _tool("biber")
    (tmp_path / "refs.bib").write_text(_biblatex_library(tmp_path).export("biblatex"),
                                       encoding="utf-8")
    done = _run(tmp_path, "biber", "--tool", "--validate-datamodel", "refs.bib")
    assert done.returncode == 0, done.stdout + done.stderr
    assert [line for line in done.stdout.splitlines() if "WARN" in line or "ERROR" in line] \
        == []


DBLP_CROSSREF = """@inproceedings{DBLP:conf/nips/Wei0SBIXCLZ22,
  author    = {Jason Wei and Xuezhi Wang},
  title     = {Chain-of-Thought Prompting Elicits Reasoning in Large Language Models},
  pages     = {24824--24837},
  crossref  = {DBLP:conf/nips/2022},
}

@proceedings{DBLP:conf/nips/2022,
  editor    = {Sanmi Koyejo and S. Mohamed},
  title     = {Advances in Neural Information Processing Systems 35},
  booktitle = {Advances in Neural Information Processing Systems 35},
  publisher = {Curran Associates},
  year      = {2022},
}
"""


def test_a_paper_takes_its_crossref_parents_venue_and_year_in_formats_without_crossref(
        tmp_path):
    """DBLP's exports give a paper its venue and year through ``crossref``: BibTeX and
    Biber copy them, but CSL-JSON has no crossref and pybtex's styles read none, so the
    paper was exported with neither (and formatted as @misc, with a warning)."""
    (tmp_path / "dblp.bib").write_text(DBLP_CROSSREF, encoding="utf-8")
    library = llm4anno_bib.load(tmp_path / "dblp.bib")
    paper = "DBLP:conf/nips/Wei0SBIXCLZ22"
    item = next(i for i in json.loads(llm4anno_bib.export(library, "csl-json"))
                if i["id"] == paper)
    assert item["container-title"] == "Advances in Neural Information Processing Systems 35"
    assert item["issued"] == {"date-parts": [[2022]]}
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "lacks a field", no @misc
        refs = llm4anno_bib.export(library, "refs")
    assert "models. In Advances in Neural Information Processing Systems 35, 24824–24837. " \
           "Curran Associates, 2022." in refs
    assert "[NeurIPS 2022] Chain-of-Thought" in llm4anno_bib.export(library, "markdown")
    written = llm4anno_bib.export(library, "bibtex")  # the .bib keeps the crossref for BibTeX
    assert "crossref = {DBLP:conf/nips/2022}" in written and written.count("year =") == 1


# -- math in titles, for readers -----------------------------------------------------------
MATH_LIBRARY = """@inproceedings{xiang2023ddm,
  title = {DDM\\({}^{\\mbox{2}}\\): Self-Supervised Diffusion {MRI} Denoising},
  author = {Xiang, Tiange},
  booktitle = {ICLR},
  year = {2023},
}
@inproceedings{chen2024pixart,
  title = {PixArt-{\\(\\alpha\\)}: Fast Training of Diffusion Transformer},
  author = {Chen, Junsong},
  booktitle = {ICLR},
  year = {2024},
}
@misc{fac2024,
  title = {{FAC$^2$E}: Better Understanding of {LLM} Capabilities},
  author = {Wang, Xiaoqiang},
  year = {2024},
}
@misc{hostile2024,
  title = {{\\$}\\textbackslash{}input\\textbraceleft{}x\\textbraceright{}{\\$} Annotation},
  author = {Doe, Jane},
  year = {2024},
}
"""
READABLE = {"xiang2023ddm": "DDM²: Self-Supervised Diffusion MRI Denoising",
            "chen2024pixart": "PixArt-α: Fast Training of Diffusion Transformer",
            "fac2024": "FAC²E: Better Understanding of LLM Capabilities",
            "hostile2024": "$\\input{x}$ Annotation"}  # no formula: shown as it is


def _math_library(tmp_path: Path):
    path = tmp_path / "math.bib"
    path.write_text(MATH_LIBRARY, encoding="utf-8")
    return read_library(path)


def test_titles_for_readers_show_math_as_it_prints(tmp_path):
    """CSL-JSON, the HTML page and `list` are read by people and by citeproc, not by TeX:
    DBLP's \\({}^{\\mbox{2}}\\) and arXiv's $^2$ were shown as written."""
    library = _math_library(tmp_path)
    items = {item["id"]: item["title"] for item in json.loads(library.export("csl-json"))}
    assert items == READABLE
    shown_titles = re.findall(r'<div class="title">([^<]*)</div>', library.export("html"))
    assert set(shown_titles) == {html.escape(title) for title in READABLE.values()}
    shown = runner.invoke(app, ["list", "--library", str(tmp_path / "math.bib")])
    assert shown.exit_code == 0 and all(title in shown.stdout for title in READABLE.values())
    # what TeX reads keeps the formulas as written
    assert "DDM\\({}^{\\mbox{2}}\\)" in library.export("bibtex")


def test_pandoc_prints_math_in_titles_as_it_reads(tmp_path):
    _tool("pandoc")
    (tmp_path / "refs.json").write_text(_math_library(tmp_path).export("csl-json"),
                                        encoding="utf-8")
    (tmp_path / "paper.md").write_text("---\nnocite: '@*'\n---\n\n# References\n",
                                       encoding="utf-8")
    done = _run(tmp_path, "pandoc", "--citeproc", "--bibliography", "refs.json", "-t", "plain",
                "--wrap=none", "paper.md")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert "DDM²" in done.stdout and "PixArt-α" in done.stdout and "FAC²E" in done.stdout


def test_the_markdown_line_writes_math_as_github_renders_it_and_reads_it_back(tmp_path):
    """DBLP's \\(...\\) is no math to GitHub, and read back from a list it was escaped
    (``\\textbackslash{}(``): the list's line writes $...$, which both read as math."""
    library = _math_library(tmp_path)
    lines = library.export("markdown").splitlines()
    assert "- [ICLR 2023] DDM${}^{\\mbox{2}}$: Self-Supervised Diffusion MRI Denoising." in lines
    assert "- [ICLR 2024] PixArt-$\\alpha$: Fast Training of Diffusion Transformer." in lines
    listed = tmp_path / "list.md"
    listed.write_text("## Papers\n" + "".join(
        f"{line[:-1]} [[pdf]](https://arxiv.org/abs/2401.0000{n}).\n"
        for n, line in enumerate(lines[:3])), encoding="utf-8")
    imported = llm4anno_bib.import_list(listed, tmp_path / "again.bib", offline=True,
                                        cache_dir=tmp_path / "cache").library
    assert [e.fields["title"] for e in imported] == [
        "{DDM${}^{\\mbox{2}}$}: Self-Supervised Diffusion {MRI} Denoising",
        "{PixArt-$\\alpha$}: Fast Training of Diffusion Transformer",
        "{FAC$^2$E}: Better Understanding of {LLM} Capabilities"]
