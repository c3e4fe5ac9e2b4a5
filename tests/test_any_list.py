"""Any list, for real (issue 28): every real list of ../shared/lists and the seed list reads
into entries a person would keep, offline and against the stand-ins, and each shape and
failure mode of real lists has a crafted case here."""

from __future__ import annotations

import re

import pytest

import llm4anno_bib
from llm4anno_bib.build import BuildReport, build_library
from llm4anno_bib.errors import NotFound
from llm4anno_bib.keys import base_key
from llm4anno_bib.listmd import parse_label, parse_list, venue_year
from llm4anno_bib.names import listed_names

from conftest import SHARED, connect

LISTS = SHARED / "lists"
REAL_LISTS = sorted(LISTS.glob("*_README.md")) + [SHARED / "seed" / "README.md"] \
    if LISTS.is_dir() else []
# list decoration a title must not keep: markdown, HTML, badges, escapes, pictographs
_DECORATION = re.compile(r"\*\*|\]\(|<br|<img|!\[|\\\*|\{''\}|^[\U0001f000-\U0001faff\u2600-\u27bf]"
                         r"|https?://")
_ARXIV = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})")


def _imported(path, tmp_path, **options):
    return llm4anno_bib.import_list(path, tmp_path / "out.bib", cache_dir=tmp_path / "c",
                                    **options)


def _the_one_entry(text: str, tmp_path):
    """The one entry ``import-list`` (offline) makes of a README holding ``text``."""
    path = tmp_path / "README.md"
    path.write_text(text, encoding="utf-8")
    (entry,) = _imported(path, tmp_path, offline=True).library
    return entry


def _entries_imported(text: str, name: str, tmp_path) -> int:
    """How many entries ``import-list`` (offline) writes of a list file ``name`` holding
    ``text``."""
    listed = tmp_path / name
    listed.write_text(text, encoding="utf-8")
    return len(_imported(listed, tmp_path, offline=True).library)


def _a_word_twice(key: str) -> bool:
    words = re.findall(r"[a-z]+", key)
    return len(words) != len(set(words))


@pytest.mark.slow
@pytest.mark.parametrize("path", REAL_LISTS, ids=lambda p: p.name)
def test_every_real_list_imports_offline_into_entries_a_person_would_keep(path, tmp_path):
    text = path.read_text(encoding="utf-8")
    result = _imported(path, tmp_path, offline=True)
    entries = list(result.library)
    written = (tmp_path / "out.bib").read_bytes()
    # each linked arXiv paper is one entry
    linked = {m.group(1) for line in text.splitlines() if not line.lstrip().startswith(">")
              for m in _ARXIV.finditer(line)}
    eprints = [e.fields.get("eprint") for e in entries if e.fields.get("eprint")]
    assert len(eprints) == len(set(eprints))  # one entry per id
    assert len(set(eprints)) >= 0.9 * len(linked), (len(set(eprints)), len(linked))
    assert all(e.year for e in entries if e.fields.get("eprint"))  # the id gives the year
    assert [e.title for e in entries if _DECORATION.search(e.title)] == []
    assert [e.key for e in entries if _a_word_twice(e.key)] == []
    assert b"\r\n" not in written  # one line ending
    title = re.search(r"^#\s+(.+)$|<h1[^>]*>([^<]+)", text, re.M)
    heading = re.sub(r"[^\w ]", "", (title.group(1) or title.group(2))).strip()
    assert heading.split()[-1] in written.decode("utf-8").split("\n", 1)[0]  # the list's header
    if "```bibtex" in text or "@article{" in text:
        assert result.library.survey_key is not None
    assert llm4anno_bib.check(tmp_path / "out.bib").errors == ()  # what it wrote passes check


def test_a_citation_block_with_empty_required_fields_is_cited_as_misc(tmp_path):
    """The seed list's block (``author={}``, ``journal={}``), with no arXiv record at hand:
    what the block says is cited as @misc, which those facts make a complete entry, and the
    written library passes its own check."""
    path = tmp_path / "L.md"
    path.write_text("# L\n\n```bibtex\n@article{,\n  title={Large Language Models for Data "
                    "Annotation: A Survey},\n  author={},\n  journal={},\n  year={2024}\n}\n"
                    "```\n\n## P\n- [arXiv 2024] A Paper. [[pdf]](https://arxiv.org/pdf/"
                    "2401.00009.pdf)\n", encoding="utf-8")
    library = _imported(path, tmp_path, offline=True).library
    survey = library[library.survey_key]
    assert survey.entry_type == "misc" and survey.year == 2024
    assert survey.title == "Large Language Models for Data Annotation: A Survey"
    assert llm4anno_bib.check(tmp_path / "out.bib").errors == ()
    complete = path.read_text(encoding="utf-8").replace("author={}", "author={Doe, Jane}") \
        .replace("journal={}", "journal={Journal of Tests}")
    path.write_text(complete, encoding="utf-8")
    again = _imported(path, tmp_path, offline=True).library
    assert again[again.survey_key].entry_type == "article"  # a whole block keeps its type


@pytest.mark.slow
def test_a_list_that_names_its_authors_gives_them_to_every_entry(tmp_path):
    path = LISTS / "xnhyacinth_awesome-llm-long-context-modeling_README.md"
    if not path.is_file():
        pytest.skip(f"the real lists live in ../shared ({path} is absent)")
    entries = list(_imported(path, tmp_path, offline=True).library)
    with_authors = [e for e in entries if e.fields.get("author")]
    assert len(with_authors) >= 0.9 * len(entries)
    # keyed as verified entries are: the first author's family name, the year, a title word
    first = next(e for e in with_authors if e.title.startswith("A Survey on Long Text Modeling"))
    assert (first.key, first.fields["author"].split(" and ")[0]) == ("dong2023survey",
                                                                      "Zican Dong")


def test_the_names_a_list_writes_are_read_however_it_writes_them():
    assert listed_names("Meng, Yu, Huang, Jiaxin, Zhang, Yu, and Han, Jiawei.")[0] == (
        "Meng, Yu", "Huang, Jiaxin", "Zhang, Yu", "Han, Jiawei")
    assert listed_names("_Kun Luo, Zheng Liu & Shitao Xiao._") == (
        ("Kun Luo", "Zheng Liu", "Shitao Xiao"), False)
    assert listed_names("*Zhen Tan, Dawei Li et al.*") == (("Zhen Tan", "Dawei Li"), True)
    assert listed_names("Published at NeurIPS 2023 (oral)") == ((), False)


DAILY = """# Daily papers

## 2025-03-12

### 1. [Alpha Beta: Scaling Annotation with LLMs](https://arxiv.org/pdf/2503.01234)
**Authors**: Jane Doe, Richard Roe, Wei Zhang

### 2. [δ-mem: Efficient Memory](https://arxiv.org/abs/2503.05678v2)

## 2025-03-11

### 1. [Gamma Things](https://arxiv.org/pdf/2503.00001)
"""


def test_numbered_paper_headings_under_date_headings_are_items(tmp_path):
    path = tmp_path / "daily.md"
    path.write_text(DAILY, encoding="utf-8")
    library = _imported(path, tmp_path, offline=True).library
    by_id = {e.fields["eprint"]: e for e in library}
    assert set(by_id) == {"2503.01234", "2503.05678", "2503.00001"}
    assert by_id["2503.01234"].key == "doe2025alpha"
    assert by_id["2503.01234"].fields["author"] == "Jane Doe and Richard Roe and Wei Zhang"
    assert by_id["2503.05678"].key == "deltamem2025"  # no author: a key a person would write
    assert [c.heading for c in library.tree] == ["2025-03-12", "2025-03-11"]


SHAPES = """# Shapes

## Papers
- Paper: [Sub-Item Titles Are Read](https://arxiv.org/abs/2401.00001)
- 🟢 (white-box (defense)) [Nested Tags Go](https://arxiv.org/abs/2401.00002)
- [**A\\*-Search Escapes: "Quoted" Words.**](https://arxiv.org/abs/2401.00003) *Ann Lee.* Arxiv 2024. [![Stars](https://img.shields.io/github/stars/a/b)](https://github.com/a/b)
- [**Renamed Later**](https://arxiv.org/abs/2401.00004) *Ann Lee.* Arxiv 2024.
- [**Renamed Earlier Title**](https://arxiv.org/abs/2401.00004) *Ann Lee.* Arxiv 2024.
- [**Same Title, Two Links**](https://arxiv.org/abs/2401.00005) *Bo Li.* Arxiv 2024.
- [**Same Title, Two Links**](https://arxiv.org/abs/2401.00006) *Bo Li.* Arxiv 2024.
- [**A Journal Paper**](https://doi.org/10.1145/3560815) *Pengfei Liu.* ACM Computing Surveys 2023.

| Paper | Year |
|---|---|
| 🟡 [Table Rows With Badges<br>Are Clean](https://arxiv.org/abs/2401.00007) | 2024 |
"""


def test_each_shape_reads_clean_and_one_work_is_one_entry(tmp_path):
    path = tmp_path / "shapes.md"
    path.write_text(SHAPES.replace("\n", "\r\n"), encoding="utf-8")  # a CRLF README
    result = _imported(path, tmp_path, offline=True)
    library = result.library
    titles = {e.fields.get("eprint") or e.fields.get("doi"): e.title for e in library}
    assert titles == {
        "2401.00001": "Sub-Item Titles Are Read", "2401.00002": "Nested Tags Go",
        "2401.00003": "A*-Search Escapes: “Quoted” Words", "2401.00004": "Renamed Later",
        "2401.00005": "Same Title, Two Links", "10.1145/3560815": "A Journal Paper",
        "2401.00007": "Table Rows With Badges Are Clean"}
    escaped = next(e for e in library if e.fields.get("eprint") == "2401.00003")
    assert escaped.fields["code"] == "https://github.com/a/b"  # the badge's link
    assert escaped.fields["author"] == "Ann Lee" and escaped.year == 2024
    journal = next(e for e in library if e.fields.get("doi"))
    assert journal.fields["howpublished"] == "ACM Computing Surveys"
    said = [c.said for c in library.corrections() if c.kind == "duplicate"]
    assert "line 8: listed again as 'Renamed Earlier Title'" in said  # one id, two titles
    assert "line 10: listed again, linking https://arxiv.org/abs/2401.00006" in said
    # one note a line: not "listed again in 'Section'" as well
    assert [s.split(":")[0] for s in said if s.startswith(("line 8:", "line 10:"))] == [
        "line 8", "line 10"]
    assert b"\r" not in (tmp_path / "out.bib").read_bytes()


def test_the_survey_comes_from_the_citation_block_offline_and_by_its_doi(server, tmp_path):
    block = ("# L\n\n```bibtex\n@article{alizadeh2025open,\n  title={Open-source LLMs for text "
             "annotation},\n  author={Alizadeh, Meysam},\n  doi={10.1007/s42001-024-00345-9},"
             "\n  year={2025}\n}\n```\n\n## P\n- [X 2024] A Paper. [[pdf]](https://arxiv.org/"
             "pdf/2401.00009.pdf)\n")
    path = tmp_path / "L.md"
    path.write_text(block, encoding="utf-8")
    offline = _imported(path, tmp_path, offline=True).library
    survey = offline[offline.survey_key]
    assert (survey.key, survey.fields["author"]) == ("alizadeh2025open", "Alizadeh, Meysam")
    online = llm4anno_bib.import_list(path, tmp_path / "on.bib",
                                      sources=connect(server, tmp_path / "c2")).library
    published = online[online.survey_key]  # Crossref's record of the DOI the block names
    assert published.fields.get("journal") == "Journal of Computational Social Science"


def test_base_keys_never_repeat_a_word():
    assert base_key([], 2024, "Survey of Surveys") == "survey2024"
    assert base_key(["Survey, Ann"], 2024, "Survey of Surveys") == "survey2024"
    assert base_key(["Ann Lee"], None, "I-Con: A Framework") == "leeicon"


class _FailingAnthology:
    def fetch_bib(self, anthology_id: str):
        raise RuntimeError(f"a bug no rule foresaw ({anthology_id})")


def test_an_item_that_fails_in_a_way_no_rule_foresaw_is_that_items_problem(server, tmp_path):
    text = ("# L\n\n## P\n- [ACL 2023] Broken Item. [[pdf]](https://aclanthology.org/"
            "2023.acl-long.1.pdf)\n- [arXiv 2024] Fine Item. [[pdf]](https://arxiv.org/pdf/"
            "2401.00009.pdf)\n")
    sources = connect(server, tmp_path / "c", offline=True)
    sources.acl = _FailingAnthology()  # type: ignore[assignment]
    library, report = build_library(text, sources, [], survey_arxiv_id=None,
                                    document=parse_list(text))
    assert isinstance(report, BuildReport) and len(library) == 2
    assert any(line.startswith("line 4:") and "RuntimeError" in line
               for line in report.unresolved)


@pytest.mark.slow
@pytest.mark.parametrize("path", REAL_LISTS, ids=lambda p: p.name)
def test_a_real_list_imports_online_against_the_stand_ins(path, server, tmp_path, needs_dblp):
    result = llm4anno_bib.import_list(path, tmp_path / "out.bib",
                                      sources=connect(server, tmp_path / "c"))
    entries = list(result.library)
    assert result.written and len(entries) >= 70
    assert [e.key for e in entries if _a_word_twice(e.key)] == []
    assert [e.title for e in entries if _DECORATION.search(e.title)] == []
    assert all(e.year for e in entries if e.fields.get("eprint"))


def test_the_cli_prints_a_summary_and_the_details_on_request(tmp_path):
    from typer.testing import CliRunner

    from llm4anno_bib.cli import app

    path = tmp_path / "shapes.md"
    path.write_text(SHAPES + "- [A Blog Post](https://example.org/blog)\n", encoding="utf-8")
    common = ["import-list", str(path), "--offline", "--cache-dir", str(tmp_path / "c")]
    quiet = CliRunner().invoke(app, [*common, "-o", str(tmp_path / "a.bib")])
    assert quiet.exit_code == 0, quiet.output
    assert "7 entries, 7 cited from the list alone (unverified)" in quiet.stderr
    assert "left out: 1 item that links no paper" in quiet.stderr
    assert "unresolved lookups: " in quiet.stderr and "not in the cache" in quiet.stderr
    assert "unresolved: line" not in quiet.output  # the details wait for --verbose
    assert "(details: --verbose or --report FILE)" in quiet.stderr
    loud = CliRunner().invoke(app, [*common, "-o", str(tmp_path / "b.bib"), "--verbose"])
    assert "left out: line 16: A Blog Post (https://example.org/blog): not a paper" in \
        loud.stdout
    report = tmp_path / "report.txt"
    kept = CliRunner().invoke(app, [*common, "-o", str(tmp_path / "c.bib"), "--report",
                                    str(report)])
    assert kept.exit_code == 0 and report.read_text(encoding="utf-8").splitlines() == \
        [line for line in loud.stdout.splitlines() if line.split(":")[0] in (
            "unresolved", "left out", "near miss (not applied)")]
    refused = CliRunner().invoke(app, [*common, "-o", str(tmp_path / "d.bib"), "--report",
                                       str(path)])
    assert refused.exit_code != 0 and path.read_text(encoding="utf-8").startswith("# Shapes")


def test_a_list_in_no_known_shape_degrades_to_its_paper_links(tmp_path):
    text = ("# My reading\n\nSome papers I like:\n\n[Chain of Thought Prompting](https://arxiv.org"
            "/abs/2201.11903) is great.\n- [Self-Consistency](https://huggingface.co/papers/2203."
            "11171)\n* a repo: [code](https://github.com/x/y)\n")
    document = parse_list(text)
    assert [(i.line, i.title) for i in document.items] == [
        (5, "Chain of Thought Prompting"), (6, "Self-Consistency")]
    assert document.left_out == ((7, "a repo: code", "https://github.com/x/y"),)
    path = tmp_path / "loose.md"
    path.write_text(text, encoding="utf-8")
    library = _imported(path, tmp_path, offline=True).library
    assert sorted(e.fields["eprint"] for e in library) == ["2201.11903", "2203.11171"]


def test_a_dataset_bullet_is_a_work_when_it_says_who_wrote_it_and_where():
    document = parse_list(
        "## Data\n- [**Open Knowledge**](https://huggingface.co/datasets/a/oak) *Vadim Borisov, "
        "Richard Schreiber.* ICML Workshop 2024.\n- [**Just A Dataset**](https://huggingface.co"
        "/datasets/a/b)\n")
    assert [i.title for i in document.items] == ["Open Knowledge"]
    assert [title for _line, title, _url in document.left_out] == ["Just A Dataset"]


def test_sub_items_and_html_tables_are_read():
    document = parse_list(
        "# L\n\n## Models\n- **ModelName**\n  - Paper: [Sub-Item Titles Are Read](https://arxiv"
        ".org/abs/2401.00001)\n  - Code: [GitHub](https://github.com/a/b)\n\n## Table\n<table>"
        "\n<tr>\n<td><a href=\"https://arxiv.org/abs/2401.00002\">An HTML <b>Table</b> Paper</a>"
        "<br><img src=\"https://img.shields.io/x\"></td>\n<td>2024</td>\n</tr>\n</table>\n")
    assert [(i.title, i.links) for i in document.items] == [
        ("Sub-Item Titles Are Read", (("pdf", "https://arxiv.org/abs/2401.00001"),
                                      ("code", "https://github.com/a/b"))),
        ("An HTML Table Paper", (("pdf", "https://arxiv.org/abs/2401.00002"),))]
    assert document.left_out == ()


def test_an_html_row_of_one_line_is_read_cell_by_cell():
    """``<tr><td>Title</td><td>Venue</td><td><a>paper</a></td></tr>``: the title cell's
    text, not the row's words run together ("... feedback NeurIPS 2022"), and the venue
    cell its label; a cell holding '|' keeps the row read as before (no cell is cut)."""
    document = parse_list(
        "# L\n\n## T\n<table>\n<tr><th>Title</th><th>Venue</th><th>Links</th></tr>\n"
        "<tr><td>Training language models to follow instructions with human feedback</td>"
        "<td>NeurIPS 2022</td><td><a href=\"https://arxiv.org/abs/2203.02155\">paper</a></td>"
        "</tr>\n<tr><td><a href=\"https://arxiv.org/abs/2212.10560\">Self-Instruct | Aligning "
        "Language Models</a></td><td>ACL 2023</td></tr>\n</table>\n")
    assert [(i.line, i.title, i.label, i.links) for i in document.items] == [
        (6, "Training language models to follow instructions with human feedback",
         "NeurIPS 2022", (("pdf", "https://arxiv.org/abs/2203.02155"),)),
        (7, "Self-Instruct | Aligning Language Models", "ACL 2023",
         (("pdf", "https://arxiv.org/abs/2212.10560"),))]


def test_an_html_row_over_lines_is_one_row_and_a_lone_html_paper_link_is_said():
    """GitHub READMEs write a table's row a cell a line: read cell by cell, the title cell
    was one line and its "paper" link another, and the paper was lost without a word."""
    document = parse_list(
        "# L\n\n## T\n<table>\n<tr>\n<td>Training language models to follow instructions "
        "with human feedback</td>\n<td>NeurIPS 2022</td>\n<td><a href=\"https://arxiv.org/abs/"
        "2203.02155\">paper</a></td>\n</tr>\n<tr>\n<td><a href=\"https://arxiv.org/abs/2401."
        "00002\">An HTML <b>Table</b> Paper</a><br>Jane Doe, John Roe</td>\n<td>2024</td>\n"
        "</tr>\n</table>\n<td><a href=\"https://arxiv.org/abs/2203.02156\">paper</a></td>\n"
        "<p><a href=\"https://arxiv.org/abs/2203.02157\"><img src=\"https://img.shields.io/"
        "badge/arXiv-b31b1b\"></a></p>\n")
    assert [(i.line, i.title, i.label, i.authors) for i in document.items] == [
        (5, "Training language models to follow instructions with human feedback",
         "NeurIPS 2022", ()),
        (10, "An HTML Table Paper", "2024", ("Jane Doe", "John Roe"))]
    # a paper link that reads as no item is said; a badge's image linking one is not
    assert document.unread == ((15, "paper", "https://arxiv.org/abs/2203.02156"),)


def test_an_html_link_is_followed_as_a_browser_follows_it():
    """An ``href`` with a space around it (``href="url "``, common in hand-written rows) or
    in it read as no link and its paper was lost without a word; a browser strips the one
    and encodes the other. A hostile address stays refused whatever its spaces."""
    document = parse_list(
        "# L\n\n## T\n<table>\n<tr><td><a href=\"https://arxiv.org/abs/2301.00003 \">Spaced "
        "Paper Three</a></td><td>ACL 2023</td></tr>\n<tr><td><a href=\"https://example.org/my "
        "paper.pdf\">Spaced Paper Four</a></td><td>EMNLP 2023</td></tr>\n</table>\n"
        "<p><a href=\"\thttps://arxiv.org/abs/2301.00005\">Spaced Paper Five</a></p>\n"
        "<p><a href=\"https://arxiv.org/abs/2301.00006} note={\\input{/etc/hostname}}\">"
        "Hostile Paper Six</a></p>\n")
    assert [(i.line, i.title, i.links) for i in document.items] == [
        (5, "Spaced Paper Three", (("pdf", "https://arxiv.org/abs/2301.00003"),)),
        (6, "Spaced Paper Four", (("pdf", "https://example.org/my%20paper.pdf"),)),
        (8, "Spaced Paper Five", (("pdf", "https://arxiv.org/abs/2301.00005"),))]
    assert [line for line, *_ in document.refused] == [9]


def test_a_cards_links_bullet_and_emphasised_authors_after_a_plain_title():
    """Two shapes of academic lists: a paper card whose links share one bullet
    (``- **Links**: [arXiv](url) | [Code](url)``) was an item titled "Links"; a plain title
    followed by its authors in emphasis (``Title. *A, B*. NeurIPS 2022.``) kept the authors
    in its title."""
    document = parse_list(
        "# L\n\n## Numbered\n1. Large Language Models are Zero-Shot Reasoners. *Takeshi "
        "Kojima, Shixiang Shane Gu*. NeurIPS 2022. [[pdf](https://arxiv.org/pdf/2205.11916."
        "pdf)]\n\n## Cards\n\n### Rationale-Augmented Ensembles in Language Models\n- "
        "**Authors**: Xuezhi Wang, Jason Wei\n- **Venue**: arXiv 2022\n- **Links**: [arXiv]("
        "https://arxiv.org/abs/2207.00747) | [Code](https://github.com/example/rae)\n")
    assert [(i.line, i.title, i.label, i.authors, i.links) for i in document.items] == [
        (4, "Large Language Models are Zero-Shot Reasoners", "NeurIPS 2022",
         ("Takeshi Kojima", "Shixiang Shane Gu"),
         (("pdf", "https://arxiv.org/pdf/2205.11916.pdf"),)),
        (8, "Rationale-Augmented Ensembles in Language Models", "arXiv 2022",
         ("Xuezhi Wang", "Jason Wei"), (("pdf", "https://arxiv.org/abs/2207.00747"),
                                        ("code", "https://github.com/example/rae")))]


@pytest.mark.parametrize("line", [
    "- **[arXiv 2022]** Rationale-Augmented Ensembles in Language Models. [[paper](URL)]",
    "- [**arXiv 2022**] Rationale-Augmented Ensembles in Language Models. [[paper](URL)]",
    "- Rationale-Augmented Ensembles in Language Models, *arXiv*, 2022 [[paper](URL)]",
])
def test_a_label_in_bold_brackets_or_a_venue_emphasised_before_its_year(line):
    """The bracketed label in bold was the item's title; the emphasised venue with its year
    after the emphasis stayed in the title."""
    document = parse_list("## P\n" + line.replace("URL", "https://arxiv.org/abs/2207.00747")
                          + "\n")
    assert [(i.title, i.label) for i in document.items] == [
        ("Rationale-Augmented Ensembles in Language Models", "arXiv 2022")]


@pytest.mark.parametrize("line", [
    # the seed list's first version: bold opened with two stars, closed with one
    "- **[Ours][arXiv 2024] A Survey on Graph Reduction. [[pdf]](URL)*",
    "- **[arXiv 2024] A Survey on Graph Reduction. [[pdf]](URL)**",
    "- [Ours][arXiv 2024] A Survey on Graph Reduction. [[pdf]](URL)",
    "- [arXiv 2024][New] A Survey on Graph Reduction. [[pdf]](URL)",
    "- [arXiv 2024] A Survey on Graph Reduction. [[pdf]](URL).",
    "- [arXiv 2024] A Survey on Graph Reduction. [[pdf]](URL) *",
])
def test_a_bullet_wrapped_in_emphasis_or_marked_beside_its_label_is_read(line):
    """Three shapes a real list's first version has: a bullet in bold as a whole (its label
    and links hidden: no item), a mark of the list's own beside the label ("[Ours]": the
    label was read as the title's first words), and a stray mark or period after the last
    link (the link was read as part of the title, and lost)."""
    document = parse_list("## P\n" + line.replace("URL", "https://arxiv.org/abs/2402.03358")
                          + "\n")
    assert [(i.title, i.label, i.links) for i in document.items] == [
        ("A Survey on Graph Reduction", "arXiv 2024",
         (("pdf", "https://arxiv.org/abs/2402.03358"),))]


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-32"])
def test_a_list_saved_with_a_byte_order_mark_imports_as_its_utf8_text(tmp_path, codec):
    """A README saved by a Windows editor: UTF-8's mark was kept in the library's copy of
    the list's introduction, and a UTF-16 list was refused as a .bib is ("BibTeX cannot
    read", "pass --encoding", which import-list has not)."""
    text = ("# A List\n\nPapers.\n\n## P\n- [arXiv 2024] A Paper on Imaginary Annotation. "
            "[[pdf]](https://arxiv.org/pdf/2401.00009.pdf)\n")
    plain, marked = tmp_path / "plain.md", tmp_path / "marked.md"
    plain.write_text(text, encoding="utf-8")
    marked.write_text(text, encoding=codec)
    expected = _imported(plain, tmp_path, offline=True).library
    got = _imported(marked, tmp_path, offline=True).library
    assert [(e.key, dict(e.fields)) for e in got] == [(e.key, dict(e.fields)) for e in expected]
    assert got.intro == expected.intro and "\ufeff" not in got.intro


AWESOME_LLM_TABLE = """# Awesome-LLM [![Awesome](https://awesome.re/badge.svg)](https://awesome.re)

## Trending LLM Projects

- [TinyZero](https://github.com/Jiayi-Pan/TinyZero) - Clean, minimal, accessible reproduction
- [OpenAI o3-mini](https://openai.com/index/openai-o3-mini/) - Pushing the frontier of reasoning.

## Milestone Papers

|   Date  |  keywords  |  Institute  |  Paper  |
|:-------:|:----------:|:-----------:|---------|
| 2017-06 | Transformers | Google | [Attention Is All You Need](https://arxiv.org/pdf/1706.03762.pdf) |
| 2021-12 | Retro | DeepMind | [Improving language models by retrieving from trillions of tokens](https://www.deepmind.com/publications/improving-language-models-by-retrieving-from-trillions-of-tokens) |
| 2022-06 | BIG-bench | Google | [Beyond the Imitation Game: Quantifying and extrapolating the capabilities of language models](https://github.com/google/BIG-bench) |
| 2023-03 | GPT 4 | OpenAI | [GPT-4 Technical Report](https://openai.com/research/gpt-4) |
| 2023-10 | Mistral 7B | Mistral | [Mistral 7B](https://arxiv.org/pdf/2310.06825.pdf) |
"""


def test_a_link_in_a_tables_paper_column_is_the_paper_wherever_it_points(tmp_path):
    """Awesome-LLM's milestone papers: four of them link their paper's page at DeepMind or
    OpenAI, or its repository, and were left out as links to no paper, though the column
    is headed "Paper" (GPT-4's report, Retro and PaLM-E are in arXiv and DBLP). A project
    bullet linking the same kinds of site stays out, and the list's title loses its badge."""
    document = parse_list(AWESOME_LLM_TABLE)
    assert [(i.title, i.links[0][0], i.label) for i in document.items] == [
        ("Attention Is All You Need", "pdf", "2017"),
        ("Improving language models by retrieving from trillions of tokens", "html", "2021"),
        ("Beyond the Imitation Game: Quantifying and extrapolating the capabilities of "
         "language models", "code", "2022"),
        ("GPT-4 Technical Report", "html", "2023"),
        ("Mistral 7B", "pdf", "2023")]
    assert [line for line, _title, _url in document.left_out] == [5, 6]
    listed = tmp_path / "README.md"
    listed.write_text(AWESOME_LLM_TABLE, encoding="utf-8")
    _imported(listed, tmp_path, offline=True)
    assert 'the list "Awesome-LLM",' in (tmp_path / "out.bib").read_text(encoding="utf-8")


@pytest.mark.parametrize("line", [
    "- [2023] [NeurIPS] A Title of Some Paper [[pdf]](URL)",
    "- [NeurIPS][2023] A Title of Some Paper [[pdf]](URL)",
    "- [NeurIPS 2023] [Oral] A Title of Some Paper [[pdf]](URL)",
])
def test_a_year_and_a_venue_in_brackets_of_their_own_are_one_label(line):
    document = parse_list("## P\n" + line.replace("URL", "https://arxiv.org/abs/2305.18290")
                          + "\n")
    assert [(i.title, i.label) for i in document.items] == [
        ("A Title of Some Paper", "NeurIPS 2023")]


PROMPT_PAPERS = """## Pilot Work
This section contains the pilot works.
1. **Parameter-Efficient Transfer Learning for NLP.** ICML 2019. ![](https://img.shields.io/badge/Adapter-blue)

   *Neil Houlsby, Andrei Giurgiu, Stanislaw Jastrzebski*.  [[pdf](http://proceedings.mlr.press/v97/houlsby19a/houlsby19a.pdf)], [[project](https://github.com/google-research/adapter-bert)],  2019.6

2. **OpenPrompt: An Open-source Framework for Prompt-learning.** Preprint.

   *Ning Ding, Shengding Hu, Weilin Zhao*  [[pdf](https://arxiv.org/pdf/2111.01998.pdf)] [[project](https://github.com/thunlp/OpenPrompt)], 2021.11

16. **NSP-BERT: A Prompt-based Zero-Shot Learner Through an Original Pre-training Task** ![](https://img.shields.io/badge/NSPBERT-blue)

    *Yi Sun\\*, Yu Zheng\\*, Chao Hao, Hangping Qiu*, [[pdf](https://arxiv.org/abs/2109.03564)], 2021.9
"""


def test_a_venue_between_a_bold_title_and_its_people_is_the_label(tmp_path):
    """thunlp's PromptPapers: "**Title.** ICML 2019." over "*Authors* [[pdf](url)], 2019.6".
    The venue was lost to the preprint's date after the links (ICML 2019 became "2019.6",
    the paper an arXiv preprint), and escaped stars marking an equal contribution ended the
    authors' emphasis: "Yi Sun\\" was read as the venue and nobody as an author."""
    document = parse_list(PROMPT_PAPERS)
    assert [(i.label, i.authors[:2]) for i in document.items] == [
        ("ICML 2019", ("Neil Houlsby", "Andrei Giurgiu")),
        ("2021.11", ("Ning Ding", "Shengding Hu")),
        ("2021.9", ("Yi Sun", "Yu Zheng"))]


WEEKLY_DIGEST = """# ML-Papers-of-the-Week
Highlighting top ML papers of the week.
**Top ML Papers of the Week (Jan 1-8):**
1. GoogleAI introduces Muse, a text-to-image model based on masked generative transformers.
  - Paper: https://arxiv.org/abs/2301.00704
2. Microsoft introduces VALL-E, a text-to-audio model:
  - https://valle-demo.github.io/
3. A new paper shows the potential of enhancing LLMs by retrieving relevant knowledge.
  - https://arxiv.org/abs/2301.00303
4. A Succinct Summary of Reinforcement Learning. A nice little overview of ideas in RL.
  - <https://arxiv.org/abs/2301.01379>
"""


def test_a_list_without_headings_reads_each_description_over_its_bare_link():
    """dair-ai's first weekly digest: no section heading, each paper a description over an
    indented bare address. Only the one written "Paper: url" was read (the list fell back
    to its lines that link a paper); a demo page is still no paper."""
    document = parse_list(WEEKLY_DIGEST)
    assert [c.slug for c in document.sections] == ["papers"]
    assert [(i.line, i.paper_link) for i in document.items] == [
        (4, "https://arxiv.org/abs/2301.00704"), (8, "https://arxiv.org/abs/2301.00303"),
        (10, "https://arxiv.org/abs/2301.01379")]
    assert document.items[1].title.startswith("A new paper shows the potential")
    assert [line for line, _text, _url in document.left_out] == [7]


@pytest.mark.parametrize("link", ["[SingleOp]( https://doi.org/10.1162/tacl_a_00118)",
                                  "[SingleOp](https://doi.org/10.1162/tacl_a_00118 )"])
def test_a_link_with_spaces_around_its_address_is_a_link(link):
    """zjunlp's reasoning list writes "[SingleOp]( https://doi.org/...)", which CommonMark
    (and GitHub) read as a link: the dataset was neither an item nor left out."""
    document = parse_list(f"## Tasks\n- **Arithmetic Reasoning**: [GSM8K](https://arxiv.org/"
                          f"abs/2110.14168), {link}\n")
    assert [(i.title, i.paper_link) for i in document.items] == [
        ("GSM8K", "https://arxiv.org/abs/2110.14168"),
        ("SingleOp", "https://doi.org/10.1162/tacl_a_00118")]


OPEN_LLMS = """# Open LLMs

| Language Model | Release Date | Checkpoints | Paper/Blog | Params (B) |
| --- | --- | --- | --- | --- |
| T5 | 2019/10 | [Flan-T5-xxl (HF)](https://huggingface.co/google/flan-t5-xxl) | [Exploring the Limits of Transfer Learning with a Unified Text-to-Text Transformer](https://github.com/google-research/text-to-text-transfer-transformer#released-model-checkpoints) | 0.06 - 11 |
| Cerebras-GPT | 2023/03 | [Cerebras-GPT](https://huggingface.co/cerebras) | [Cerebras-GPT: A Family of Open, Compute-efficient, Large Language Models](https://www.cerebras.net/blog/cerebras-gpt-a-family-of-open-compute-efficient-large-language-models/) ([Paper](https://arxiv.org/abs/2304.03208)) | 0.111 - 13 |
"""


def test_a_paper_or_blog_column_gives_each_model_its_paper():
    """eugeneyan's open-llms: a "Paper/Blog" column is the paper's column; T5's paper links
    its repository (the row was left out, named after its checkpoint link), and Cerebras-GPT's
    title is the blog link's words beside "[Paper](arxiv)" (the item was titled by the
    model's name). A checkpoint's page is no paper."""
    document = parse_list(OPEN_LLMS)
    assert [(i.title, i.links[0][0], i.paper_link) for i in document.items] == [
        ("Exploring the Limits of Transfer Learning with a Unified Text-to-Text Transformer",
         "code", None),
        ("Cerebras-GPT: A Family of Open, Compute-efficient, Large Language Models", "pdf",
         "https://arxiv.org/abs/2304.03208")]
    assert document.left_out == ()


CODE_LLM = """## Evaluation & Benchmark

1. **Measuring Coding Challenge Competence With APPS** `NeurIPS21`

    > Named APPS
  
    [2021.05][[Paper](https://arxiv.org/abs/2108.07732)][[Repo](https://github.com/hendrycks/apps)] *Dan Hendrycks, Steven Basart, Saurav Kadavath*

2. **CodeGen: An Open Large Language Model for Code with Multi-Turn Program Synthesis** `ICLR23`
  
    [2022.03][[Paper](https://arxiv.org/abs/2203.13474)] *Erik Nijkamp, Bo Pang*
"""


def test_a_quoted_note_under_an_item_and_a_venue_glued_to_its_year(tmp_path):
    """Awesome-Code-LLM: a note quoted between a bold title and its links paragraph ("> Named
    APPS") cut the item in two (its title "a title alone", its links "no title"), and a
    label written `ICLR23` (a venue's acronym glued to a two-digit year) was no label; a
    model's name so written ("GPT35", "Llama2") is still none."""
    document = parse_list(CODE_LLM)
    assert [(i.title, i.label, i.authors[:1], i.paper_link) for i in document.items] == [
        ("Measuring Coding Challenge Competence With APPS", "NeurIPS 2021", ("Dan Hendrycks",),
         "https://arxiv.org/abs/2108.07732"),
        ("CodeGen: An Open Large Language Model for Code with Multi-Turn Program Synthesis",
         "ICLR 2023", ("Erik Nijkamp",), "https://arxiv.org/abs/2203.13474")]
    assert document.unread == () and document.unlinked == ()
    assert parse_label("ICLR23") == ("ICLR", 2023) and parse_label("Llama2") == ("Llama2", None)
    assert venue_year("GPT35") is None and venue_year("EMNLP2023") == "EMNLP 2023"


def test_a_survey_no_source_holds_is_described_without_a_missing_value(tmp_path):
    """The correction of an incomplete citation block named what the library cites as
    "0 authors,  2024 (None), and eprint None" and its source "arXiv None"."""
    path = tmp_path / "L.md"
    path.write_text("# L\n\n```\n@article{,\n  title={A Survey of Imaginary Annotation},\n"
                    "  author={},\n  journal={},\n  year={2024}\n}\n```\n\n## P\n- [arXiv "
                    "2024] A Paper. [[pdf]](https://arxiv.org/pdf/2401.00009.pdf)\n",
                    encoding="utf-8")
    library = _imported(path, tmp_path, offline=True).library
    [said] = [c for c in library.corrections() if c.kind == "incomplete-citation"]
    assert "None" not in f"{said.truth} {said.source}"
    assert said.truth == f"misc entry {library.survey_key} with no authors, 2024"


def test_a_paper_linked_by_an_arxiv_mirror_is_a_paper_with_its_arxiv_id(tmp_path):
    """alphaXiv and ar5iv pages (``alphaxiv.org/abs/<id>``, ``ar5iv.org/abs/<id>``) were
    left out as links to no paper; Hugging Face's paper pages were read already."""
    listed = tmp_path / "list.md"
    listed.write_text(
        "# L\n\n## P\n- [Self-Instruct: Aligning Language Models with Self-Generated "
        "Instructions](https://www.alphaxiv.org/abs/2212.10560)\n- [Large Language Models are "
        "Zero-Shot Reasoners](https://ar5iv.org/abs/2205.11916)\n- [Chain-of-Thought Prompting"
        " Elicits Reasoning in Large Language Models](https://huggingface.co/papers/2201.11903)"
        "\n", encoding="utf-8")
    assert len(parse_list(listed.read_text(encoding="utf-8")).items) == 3
    llm4anno_bib.import_list(listed, tmp_path / "list.bib", offline=True,
                             cache_dir=tmp_path / "cache")
    library = llm4anno_bib.load(tmp_path / "list.bib")
    assert sorted(entry.arxiv_id for entry in library if entry.arxiv_id) == [
        "2201.11903", "2205.11916", "2212.10560"]


def test_a_title_with_character_references_reads_as_github_shows_it():
    """``Don&#39;t ... &amp; Tasks`` stayed in the title as written (and in a library entry
    cited from the list alone); a reference to a control character is no character."""
    document = parse_list("## P\n- [Don&#39;t Stop Pretraining: Adapt Language Models to "
                          "Domains &amp; Tasks](https://arxiv.org/abs/2004.10964)\n- [A Title "
                          "&#27;With An Escape](https://arxiv.org/abs/2201.11903)\n")
    assert [i.title for i in document.items] == [
        "Don't Stop Pretraining: Adapt Language Models to Domains & Tasks",
        "A Title With An Escape"]


def test_a_template_in_a_code_block_is_no_paper():
    """Lists show how to add a paper in a code block ("Contributing: ```- [Title](url) -
    Venue```"): an example, not a paper of the list, in any shape."""
    document = parse_list(
        "# L\n\n## Papers\n- [A Real Paper Title Here](https://arxiv.org/abs/2401.00001)\n\n"
        "## Contributing\n```markdown\n- [Your Paper Title](https://arxiv.org/abs/2401.00003)"
        " - NeurIPS 2024\n| [Another Title](https://arxiv.org/abs/2401.00004) | 2024 |\n<tr>"
        "<td>HTML Title</td><td><a href=\"https://arxiv.org/abs/2401.00005\">paper</a></td>"
        "</tr>\n```\n")
    assert [i.title for i in document.items] == ["A Real Paper Title Here"]
    assert document.unread == () and document.left_out == ()


def test_a_link_in_brackets_of_its_own_after_a_title_link_is_kept():
    document = parse_list("## P\n- **[ICLR 2023]** [Self-Consistency Improves Chain of Thought "
                          "Reasoning](https://arxiv.org/abs/2203.11171) [[code](https://github."
                          "com/example/sc)]\n")
    assert [(i.label, i.links) for i in document.items] == [
        ("ICLR 2023", (("pdf", "https://arxiv.org/abs/2203.11171"),
                       ("code", "https://github.com/example/sc")))]


def test_math_a_list_writes_in_a_title_is_kept_as_math_and_a_price_is_text(tmp_path):
    path = tmp_path / "math.md"
    path.write_text("## P\n- [arXiv 2024] $\\underline{U}$-Net for under $100. [[pdf]](https://"
                    "arxiv.org/pdf/2401.00011.pdf)\n", encoding="utf-8")
    (entry,) = _imported(path, tmp_path, offline=True).library
    assert entry.fields["title"] == "{$\\underline{U}$-Net} for under {\\$}100"
    assert entry.key == "unet2024"  # the word the title prints, not the macro's name


SETEXT_LIST = """Awesome Reasoning
=================

A list, with [a link](https://example.org) in its intro.

Prompting
---------

1. **Chain-of-Thought Prompting Elicits Reasoning in Large Language Models** (NeurIPS 2022)
   - [[Paper]](https://arxiv.org/abs/2201.11903) [[Code]](https://github.com/example/cot)
2. [![arXiv](https://img.shields.io/badge/arXiv-2205.11916-b31b1b.svg)](https://arxiv.org/abs/2205.11916) Large Language Models are Zero-Shot Reasoners ![](https://img.shields.io/badge/NeurIPS-2022-blue)

```
Not a heading
-------------
```

Consistency
-----------

- Self-Consistency Improves Chain of Thought Reasoning in Language Models. *ICLR 2023*. [[pdf](https://openreview.net/pdf?id=1PL1NIMMrw)]

| Title | Venue | Paper |
|-------|-------|-------|
| Learning Transferable Visual Models From Natural Language Supervision | ICML 2021 | [arXiv](https://arxiv.org/abs/2103.00020) |
| Training language models to follow instructions with human feedback | NeurIPS'22 | [link](https://arxiv.org/abs/2203.02155) |
"""


def test_setext_headings_are_sections_and_each_common_item_shape_is_read():
    """A list written with underlined headings lost every item above its first ``##`` to
    the intro; a title with its links on the line below, a venue after the title's full
    stop, a venue badge and a venue column were read as no item, into the title, or not."""
    document = parse_list(SETEXT_LIST)
    assert [s.heading for s in document.sections] == ["Prompting", "Consistency"]
    assert document.intro.startswith("Awesome Reasoning\n=================\n\nA list")
    assert "Prompting" not in document.intro
    assert [(i.line, i.section, i.title, i.label, i.paper_link) for i in document.items] == [
        (9, "prompting", "Chain-of-Thought Prompting Elicits Reasoning in Large Language Models",
         "NeurIPS 2022", "https://arxiv.org/abs/2201.11903"),
        (11, "prompting", "Large Language Models are Zero-Shot Reasoners", "NeurIPS 2022",
         "https://arxiv.org/abs/2205.11916"),
        (21, "consistency", "Self-Consistency Improves Chain of Thought Reasoning in Language "
         "Models", "ICLR 2023", "https://openreview.net/pdf?id=1PL1NIMMrw"),
        (25, "consistency", "Learning Transferable Visual Models From Natural Language "
         "Supervision", "ICML 2021", "https://arxiv.org/abs/2103.00020"),
        (26, "consistency", "Training language models to follow instructions with human "
         "feedback", "NeurIPS 2022", "https://arxiv.org/abs/2203.02155")]
    assert document.items[0].links[1] == ("code", "https://github.com/example/cot")


def test_a_setext_list_imports_under_its_own_title(tmp_path):
    path = tmp_path / "README.md"
    path.write_text(SETEXT_LIST, encoding="utf-8")
    result = _imported(path, tmp_path, offline=True)
    assert len(result.library) == 5
    assert '"Awesome Reasoning"' in result.library.header


@pytest.mark.parametrize("text, expected", [
    ("Self-Consistency Improves Reasoning. *ICLR 2023*.", ("Self-Consistency Improves "
                                                          "Reasoning", "ICLR 2023")),
    ("A Title, Findings of EMNLP'23", ("A Title", "Findings of EMNLP 2023")),
    ("Overview of BioASQ 2023", ("Overview of BioASQ 2023", None)),  # a title's own words
    ("GPT-4 Technical Report", ("GPT-4 Technical Report", None)),
])
def test_a_venue_written_after_a_title_is_its_label(text, expected):
    from llm4anno_bib.listmd import _title_and_venue

    assert _title_and_venue(text) == expected


def test_a_sub_item_titled_on_its_own_is_not_joined_to_the_bullet_above():
    document = parse_list("## M\n- **ModelName**\n  - Paper: [Its Own Title Here](https://arxiv"
                          ".org/abs/2401.00001)\n")
    assert [i.title for i in document.items] == ["Its Own Title Here"]


def test_a_paper_linked_from_a_paragraph_or_quote_under_a_heading_is_an_item():
    """Lists written without bullets (a paragraph a paper) lost those papers as soon as one
    bullet appeared anywhere, and without any bullet they all fell into one section."""
    document = parse_list(
        "# L\n\nSee [our survey](https://arxiv.org/abs/2402.13446) first.\n\n## Prompting\n\n"
        "**Chain-of-Thought Prompting Elicits Reasoning** [[paper]](https://arxiv.org/abs/2201"
        ".11903) NeurIPS 2022\n\nSee the [guide](https://example.org/guide) too.\n\n## Data\n\n"
        "> [Self-Instruct: Aligning Language Models](https://arxiv.org/abs/2212.10560) (ACL 2023)"
        "\n\n* [Is ChatGPT better than Human Annotators?](https://arxiv.org/abs/2302.07736)\n")
    assert [s.heading for s in document.sections] == ["Prompting", "Data"]
    assert [(i.line, i.section, i.title, i.label) for i in document.items] == [
        (7, "prompting", "Chain-of-Thought Prompting Elicits Reasoning", "NeurIPS 2022"),
        (13, "data", "Self-Instruct: Aligning Language Models", "ACL 2023"),
        (15, "data", "Is ChatGPT better than Human Annotators?", None)]
    assert document.left_out == ()  # the intro's survey and a guide link are no items


@pytest.mark.parametrize("url", [
    "https://www.aclweb.org/anthology/P19-1001/",
    "https://direct.mit.edu/tacl/article/doi/10.1162/tacl_a_00449/109286/Title",
    "https://onlinelibrary.wiley.com/doi/full/10.1002/asi.24750",
    "https://www.tandfonline.com/doi/abs/10.1080/19312458.2023.2285765",
    "https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0289000",
    "https://www.usenix.org/conference/usenixsecurity23/presentation/carlini",
    "https://paperswithcode.com/paper/chain-of-thought-prompting-elicits",
    "https://www.researchgate.net/publication/370000000_A_Paper_Title",
    "https://www.ecva.net/papers/eccv_2022/papers_ECCV/html/1234_ECCV_2022_paper.php",
    "https://www.isca-archive.org/interspeech_2023/doe23_interspeech.html",
    "https://proceedings.mlsys.org/paper_files/paper/2023/hash/abc-Abstract-mlsys2023.html",
    "https://ceur-ws.org/Vol-3456/",
])
def test_a_bullet_linking_a_paper_on_a_publishers_site_is_an_item(url):
    """Older NLP lists link the ACL Anthology at aclweb.org, TACL at MIT Press, and lists of
    other fields their journals, some a paper's page at Papers with Code, ResearchGate,
    ECCV's, Interspeech's, MLSys' or CEUR's workshop proceedings: such a bullet was left out
    as linking no paper (a task or dataset page of Papers with Code still is)."""
    document = parse_list(f"## P\n- [A Paper Title on a Publisher Page]({url})\n")
    assert [(i.title, i.paper_link) for i in document.items] == [
        ("A Paper Title on a Publisher Page", url)]
    task = parse_list("## P\n- [Annotation](https://paperswithcode.com/task/annotation)\n")
    assert task.items == () and len(task.left_out) == 1


def test_the_indented_lines_under_a_bullet_are_the_same_item():
    """A bullet continued on indented lines (its authors, its venue and links, a second
    repository) is one item, as Markdown reads it: the title was left without its links,
    and a second code link under a bullet was dropped."""
    document = parse_list(
        "## P\n- **Chain-of-Thought Prompting Elicits Reasoning in Large Language Models**\n"
        "  *Jason Wei, Xuezhi Wang*\n  NeurIPS 2022 [[paper]](https://arxiv.org/abs/2201.11903)"
        "\n\n1. [**RWKV: Reinventing RNNs.**](https://arxiv.org/abs/2305.13048) Arxiv 2023. "
        "[![s](https://img.shields.io/github/stars/a/b)](https://github.com/a/b)\n"
        "    &nbsp;&nbsp; [![s](https://img.shields.io/github/stars/a/c)](https://github.com/a/c)"
        "\n\n    This paragraph after a blank line is no part of it.\n")
    first, second = document.items
    assert (first.line, first.title, first.label, first.paper_link) == (
        2, "Chain-of-Thought Prompting Elicits Reasoning in Large Language Models",
        "NeurIPS 2022", "https://arxiv.org/abs/2201.11903")
    assert first.authors == ("Jason Wei", "Xuezhi Wang")
    assert (second.line, second.links) == (6, (
        ("pdf", "https://arxiv.org/abs/2305.13048"), ("code", "https://github.com/a/b"),
        ("code", "https://github.com/a/c")))



def test_an_items_authors_after_a_blank_line_under_it_are_its_own():
    """Awesome-LLM-Reasoning's shape: a numbered bold title with its link, a blank line,
    then the authors in italics and the venue, indented to the title (Markdown's same item,
    a loose list): the authors and the venue were lost. A description after a blank line
    stays no part of the item, as does a paragraph not indented to the item's text."""
    document = parse_list(
        "## P\n\n1. **Chain-of-Thought Prompting Elicits Reasoning in Large Language Models.**"
        " [[Paper](https://arxiv.org/abs/2201.11903)]\n\n   *Jason Wei, Xuezhi Wang, Denny "
        "Zhou.* NeurIPS 2022.\n\n2. **Self-Consistency Improves Chain of Thought Reasoning in "
        "Language Models.** [[Paper](https://arxiv.org/abs/2203.11171)] [[Code](https://"
        "github.com/x/y)]\n\n   *Xuezhi Wang, Jason Wei.* ICLR 2023.\n\n"
        "- [Tree of Thoughts: Deliberate Problem Solving](https://arxiv.org/abs/2305.10601)\n\n"
        "  A method reaching ACL 2020 results, by Jane Doe.\n\n"
        "- [Training Language Models to Follow Instructions](https://arxiv.org/abs/2203.02155)"
        "\n\n*Long Ouyang.* EMNLP 2021.\n")
    first, second, described, unindented = document.items
    assert (first.line, first.authors, first.label) == (
        3, ("Jason Wei", "Xuezhi Wang", "Denny Zhou"), "NeurIPS 2022")
    assert (second.line, second.authors, second.label) == (
        7, ("Xuezhi Wang", "Jason Wei"), "ICLR 2023")
    assert second.links[-1] == ("code", "https://github.com/x/y")
    assert (described.authors, described.label) == ((), None)
    assert (unindented.authors, unindented.label) == ((), None)



@pytest.mark.parametrize("line, title, label", [
    # a label in tags that only style it: the tags kept it at the title's end, in the title
    ("Chain-of-Thought Prompting Elicits Reasoning <sup>[NeurIPS 2022]</sup> "
     "[[paper](https://arxiv.org/abs/2201.11903)]", "Chain-of-Thought Prompting Elicits "
     "Reasoning", "NeurIPS 2022"),
    ("<b>Attention Is All You Need</b> [paper](https://arxiv.org/abs/1706.03762) "
     "<i>NeurIPS 2017</i>", "Attention Is All You Need", "NeurIPS 2017"),
    # a venue's name alone, marked before the title (the year in the heading above): the
    # bold name was read as the title, the code span's as its first word
    ("**ACL** Unnatural Instructions: Tuning Language Models with (Almost) No Human Labor "
     "[paper](https://aclanthology.org/2023.acl-long.806)", "Unnatural Instructions: Tuning "
     "Language Models with (Almost) No Human Labor", "ACL"),
    ("`EMNLP` ZeroGen: Efficient Zero-shot Learning via Dataset Generation "
     "[paper](https://arxiv.org/abs/2202.07922)", "ZeroGen: Efficient Zero-shot Learning via "
     "Dataset Generation", "EMNLP"),
    ("**Nature** Highly accurate protein structure prediction with AlphaFold "
     "[paper](https://www.nature.com/articles/s41586-021-03819-2)", "Highly accurate protein "
     "structure prediction with AlphaFold", "Nature"),
    # a model's name, bold or in code, is no venue: it stays the title's
    ("**BERT**: Pre-training of Deep Bidirectional Transformers for Language Understanding "
     "[paper](https://arxiv.org/abs/1810.04805)", "BERT: Pre-training of Deep Bidirectional "
     "Transformers for Language Understanding", None),
])
def test_a_label_in_styling_tags_or_a_marked_venue_name_before_a_title_is_the_label(
        line, title, label):
    (item,) = parse_list(f"## 2023\n- {line}\n").items
    assert (item.title, item.label) == (title, label)



def test_a_papers_short_name_in_bracketed_bold_is_the_start_of_its_title():
    """Awesome-LLM-Inference's tables: ``🔥[**FlashAttention**] Fast and Memory-Efficient
    ...`` in the title cell and ``[[pdf]](url)`` in the next: no row was read (a link in
    double brackets was none in a cell), and in a bullet the name was the label. The name is
    the title's start ("FlashAttention: Fast and ..."); a venue and year so marked stays a
    label."""
    document = parse_list(
        "## Inference\n\n|Date|Title|Paper|Code|Recom|\n|:---:|:---:|:---:|:---:|:---:|\n"
        "|2022.05|🔥[**FlashAttention**] Fast and Memory-Efficient Exact Attention with "
        "IO-Awareness|[[pdf]](https://arxiv.org/pdf/2205.14135.pdf)|[[flash-attention]]"
        "(https://github.com/Dao-AILab/flash-attention) ![](https://img.shields.io/github/"
        "stars/Dao-AILab/flash-attention.svg?style=social)|⭐️⭐️ |\n\n## Bullets\n\n"
        "- [**FlashAttention-2**] Faster Attention with Better Parallelism and Work "
        "Partitioning [[pdf]](https://arxiv.org/pdf/2307.08691.pdf)\n"
        "- [**ACL 2023**] SCOTT: Self-Consistent Chain-of-Thought Distillation "
        "[[pdf]](https://aclanthology.org/2023.acl-long.304.pdf)\n")
    row, bullet, labelled = document.items
    assert (row.title, row.label, row.links) == (
        "FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness", "2022",
        (("pdf", "https://arxiv.org/pdf/2205.14135.pdf"),
         ("code", "https://github.com/Dao-AILab/flash-attention")))
    assert (bullet.title, bullet.label) == (
        "FlashAttention-2: Faster Attention with Better Parallelism and Work Partitioning", None)
    assert (labelled.title, labelled.label) == (
        "SCOTT: Self-Consistent Chain-of-Thought Distillation", "ACL 2023")


def test_plain_authors_after_a_blank_line_under_an_item_are_its_own():
    """Chain-of-ThoughtsPapers' shape: the authors, plain, and the venue in a paragraph
    under the linked title; a paragraph of prose there is still no part of the item."""
    document = parse_list(
        "## CoT\n\n1. [Large Language Models are Zero-Shot Reasoners.](https://arxiv.org/abs/"
        "2205.11916)\n\n   Takeshi Kojima, Shixiang Shane Gu, Machel Reid. NeurIPS 2022.\n\n"
        "2. [Tree of Thoughts: Deliberate Problem Solving](https://arxiv.org/abs/2305.10601)\n\n"
        "   Jane Doe and John Roe propose a search over thoughts. It works, at ACL 2020.\n")
    listed, described = document.items
    assert (listed.authors, listed.label) == (
        ("Takeshi Kojima", "Shixiang Shane Gu", "Machel Reid"), "NeurIPS 2022")
    assert (described.authors, described.label) == ((), None)



@pytest.mark.parametrize("between", [", ", " | ", " · ", "; "])
def test_links_separated_by_commas_or_bars_after_a_title_are_its_links(between):
    """``*Title*, [[arXiv](url)], [[GitHub](url)]``: with commas between the links the
    item was left out as a repository's bullet (its last link), the paper lost."""
    (item,) = parse_list(
        f"## P\n1. *Chain-of-Thought Prompting Elicits Reasoning in Large Language Models*"
        f"{between}[[arXiv](https://arxiv.org/abs/2201.11903)]{between}"
        f"[[GitHub](https://github.com/x/y)]\n").items
    assert item.title == "Chain-of-Thought Prompting Elicits Reasoning in Large Language Models"
    assert [url for _kind, url in item.links] == ["https://arxiv.org/abs/2201.11903",
                                                  "https://github.com/x/y"]



def test_the_words_after_a_bold_name_that_make_the_title_are_no_authors():
    """``**ReAct**: Synergizing Reasoning and Acting in Language Models. [[pdf](url)]
    *ICLR 2023*``: the title was read whole, and its words after the name again as two
    people ("Synergizing Reasoning", "Acting in Language Models"). Authors written after
    such a title are still read."""
    react, annollm = parse_list(
        "## P\n- **ReAct**: Synergizing Reasoning and Acting in Language Models. "
        "[[pdf](https://arxiv.org/pdf/2210.03629)] *ICLR 2023*\n- **AnnoLLM**: Making Large "
        "Language Models to Be Better Crowdsourced Annotators. Xingwei He, Zhenghao Lin. "
        "NAACL 2024. [[paper]](https://arxiv.org/abs/2303.16854)\n").items
    assert (react.title, react.authors, react.label) == (
        "ReAct: Synergizing Reasoning and Acting in Language Models", (), "ICLR 2023")
    assert annollm.authors == ("Xingwei He", "Zhenghao Lin")


def test_a_labels_year_after_an_apostrophe_is_its_year():
    """``[ICLR'23]``: the label was kept, its year not read (a year-less label, so the build
    could not check the year of the work against it)."""
    (item,) = parse_list("## P\n- [ICLR'23] Self-Consistency Improves Chain of Thought "
                         "Reasoning [[paper](https://arxiv.org/abs/2203.11171)]\n").items
    assert parse_label(item.label) == ("ICLR", 2023)
    assert parse_label("EMNLP’22") == ("EMNLP", 2022)


def test_a_list_written_in_chinese_gives_labels_titles_and_link_kinds():
    """Chinese lists write the label in full-width brackets and the links as 论文 (paper) and
    代码 (code): the label stayed in the title, "论文" became a title, the code link was lost."""
    document = parse_list(
        "## 提示方法\n\n- 【NeurIPS 2022】Chain-of-Thought Prompting Elicits Reasoning "
        "[[论文]](https://arxiv.org/abs/2201.11903) [[代码]](https://github.com/a/b)\n"
        "- Large Language Models are Zero-Shot Reasoners. [论文](https://arxiv.org/abs/2205.11916)"
        " [代码](https://github.com/c/d)\n")
    first, second = document.items
    assert (first.label, first.title) == ("NeurIPS 2022", "Chain-of-Thought Prompting "
                                                          "Elicits Reasoning")
    assert first.links == (("paper", "https://arxiv.org/abs/2201.11903"),
                           ("code", "https://github.com/a/b"))
    assert second.title == "Large Language Models are Zero-Shot Reasoners"
    assert second.link("code") == "https://github.com/c/d"


def test_declared_links_are_known_by_their_words():
    """``[[GitHub]]``, ``[[Project Page]]`` and ``[[Dataset]]`` were kept under those words, so
    the entry lost its code, page and data links; a word no kind has is never the paper."""
    (item,) = parse_list(
        "## A\n- [ACL 2023] Some Title Here. [[PDF]](https://arxiv.org/abs/2212.10560) "
        "[[GitHub]](https://github.com/a/b) [[Project Page]](https://a.github.io/p) "
        "[[Dataset]](https://huggingface.co/datasets/x) [[Slides]](https://x.org/s.pptx)\n").items
    assert [kind for kind, _url in item.links] == ["pdf", "code", "html", "data", "slides"]
    assert item.paper_link == "https://arxiv.org/abs/2212.10560"


@pytest.mark.parametrize("label, corrected", [
    ("Findings of ACL 2023", False),  # the record's venue, spelt out: no mistake of the list
    ("ACL Findings 2023", False),
    ("EMNLP 2023", True),             # another venue: the list's mistake, corrected
])
def test_a_label_naming_the_records_venue_in_full_is_no_mistake(server, tmp_path, label,
                                                                  corrected):
    path = tmp_path / "README.md"
    path.write_text("## A\n- Why Can GPT Learn In-Context? Language Models Secretly Perform "
                    f"Gradient Descent as Meta-Optimizers, {label}. [[pdf]](https://aclanthology"
                    ".org/2023.findings-acl.247.pdf)\n", encoding="utf-8")
    library = _imported(path, tmp_path, sources=connect(server, tmp_path / "c")).library
    (entry,) = library
    assert entry.fields["booktitle"].startswith("Findings of the Association")
    venue_fixes = [c for c in library.corrections() if c.kind == "venue"]
    assert bool(venue_fixes) is corrected, venue_fixes


@pytest.mark.parametrize("line, label", [
    ('- "Chain-of-Thought Prompting Elicits Reasoning". Jason Wei et al. NeurIPS 2022. '
     '[[paper](https://arxiv.org/abs/2201.11903)]', "NeurIPS 2022"),
    ("- Chain-of-Thought Prompting Elicits Reasoning (Wei et al., NeurIPS 2022) "
     "[paper](https://arxiv.org/abs/2201.11903)", "NeurIPS 2022"),
    ("1. Wei, J., Wang, X. (2022). Chain-of-Thought Prompting Elicits Reasoning. NeurIPS. "
     "[link](https://arxiv.org/abs/2201.11903)", "NeurIPS 2022"),
    ('- <a href="https://arxiv.org/abs/2201.11903">Chain-of-Thought Prompting Elicits '
     'Reasoning</a> (NeurIPS 2022)', "NeurIPS 2022"),
])
def test_a_title_is_read_out_of_the_words_a_list_writes_around_it(line, label):
    """A quoted title, a reference's title, a title with who and where after it, and a
    bullet linking with HTML: the authors and venue were read into the title (and the HTML
    bullet was dropped without a word)."""
    (item,) = parse_list(f"## A\n{line}\n").items
    assert (item.title, item.label, item.paper_link) == (
        "Chain-of-Thought Prompting Elicits Reasoning", label, "https://arxiv.org/abs/2201.11903")


def test_a_title_read_with_its_neighbours_is_no_renamed_paper(server, tmp_path, needs_dblp):
    """Where the list writes authors and venue beside the title in a shape no rule splits,
    the record's title inside it is the list's: no "renamed" correction says otherwise."""
    path = tmp_path / "README.md"
    path.write_text("## A\n- Chain-of-Thought Prompting Elicits Reasoning in Large Language "
                    "Models, Jason Wei, Xuezhi Wang, arXiv 2022 [[PDF]](https://arxiv.org/pdf/"
                    "2201.11903)\n", encoding="utf-8")
    library = _imported(path, tmp_path, sources=connect(server, tmp_path / "c")).library
    assert [e.key for e in library] == ["wei2022chain"]
    # its "arXiv 2022" label is the list's mistake: DBLP holds the NeurIPS paper
    assert [c.kind for c in library.corrections()] == ["published"]


FIELD_LIST = """## Prompting

### Chain-of-Thought Prompting Elicits Reasoning in Large Language Models
- **Venue**: NeurIPS 2022
- **Authors**: Jason Wei, Xuezhi Wang
- **Paper**: [arXiv](https://arxiv.org/abs/2201.11903)
- **Code**: [GitHub](https://github.com/a/b)

### Large Language Models are Zero-Shot Reasoners
- Conference: NeurIPS
- Year: 2022
- Paper: [arXiv](https://arxiv.org/abs/2205.11916)

### Related Lists
- Tools: [awesome-tools](https://github.com/x/y)
"""


def test_a_paper_written_as_a_heading_over_its_fields_is_one_item():
    """``### Title`` over ``- **Paper**: [arXiv](url)`` and its venue, authors and code: each
    paper became a category of one item titled "Paper", its code link left out and its
    venue lost."""
    document = parse_list(FIELD_LIST)
    assert [s.heading for s in document.sections] == ["Prompting"]
    assert [(i.line, i.section, i.title, i.label, i.links, i.authors)
            for i in document.items] == [
        (3, "prompting", "Chain-of-Thought Prompting Elicits Reasoning in Large Language Models",
         "NeurIPS 2022", (("pdf", "https://arxiv.org/abs/2201.11903"),
                          ("code", "https://github.com/a/b")), ("Jason Wei", "Xuezhi Wang")),
        (9, "prompting", "Large Language Models are Zero-Shot Reasoners", "NeurIPS 2022",
         (("pdf", "https://arxiv.org/abs/2205.11916"),), ())]
    # a heading over fields that link no paper stays what it was
    assert document.left_out == ((15, "Tools: awesome-tools", "https://github.com/x/y"),)


@pytest.mark.parametrize("line, label, code", [
    ("- Chain-of-Thought Prompting Elicits Reasoning [📄 Paper](https://arxiv.org/abs/2201.11903)"
     " [💻](https://github.com/a/b)", None, "https://github.com/a/b"),
    ("- **Chain-of-Thought Prompting Elicits Reasoning** [[📄]](https://arxiv.org/abs/2201.11903)"
     " [[💻]](https://github.com/a/b)", None, "https://github.com/a/b"),
    ("- Chain-of-Thought Prompting Elicits Reasoning. [arXiv:2201.11903](https://arxiv.org/abs/"
     "2201.11903)", None, None),
    ("- Chain-of-Thought Prompting Elicits Reasoning. arXiv:2201.11903", None, None),
    ("- Chain-of-Thought Prompting Elicits Reasoning (https://arxiv.org/abs/2201.11903)", None,
     None),
    ("- Chain-of-Thought Prompting Elicits Reasoning, <https://arxiv.org/abs/2201.11903>.", None,
     None),
    ("- Chain-of-Thought Prompting Elicits Reasoning. NeurIPS 2022. https://arxiv.org/abs/2201"
     ".11903, code: https://github.com/a/b.", "NeurIPS 2022", "https://github.com/a/b"),
])
def test_links_by_pictograph_bare_address_or_arxiv_id_are_read(line, label, code):
    """A link whose text is a pictograph or an identifier says its kind by its host and is
    no title; a bare address, an autolink or an arXiv id links the paper as GitHub shows it
    (such bullets were left out, titled "arXiv:2201.11903", or their code called a paper)."""
    (item,) = parse_list(f"## A\n{line}\n").items
    assert (item.title, item.label) == ("Chain-of-Thought Prompting Elicits Reasoning", label)
    assert item.paper_link == "https://arxiv.org/abs/2201.11903"
    assert item.link("code") == code


def test_a_bare_address_holding_bibtex_is_refused_like_any_link():
    document = parse_list("## A\n- Some Paper Title Here https://arxiv.org/abs/2201.11903},"
                          "note={\\input{/etc/hostname}}\n")
    assert document.items == ()
    assert [(line, link) for line, link, _why in document.refused] == [
        (2, "https://arxiv.org/abs/2201.11903},note={\\input{/etc/hostname}}")]


@pytest.mark.parametrize("line, label", [
    ("- [Chain-of-Thought Prompting Elicits Reasoning](https://arxiv.org/abs/2201.11903) - Wei "
     "et al., NeurIPS 2022.", "NeurIPS 2022"),
    ("- [Chain-of-Thought Prompting Elicits Reasoning](https://arxiv.org/abs/2201.11903) "
     "(NeurIPS 2022) - prompting with rationales.", "NeurIPS 2022"),
])
def test_the_awesome_lists_own_shape_gives_the_venue_after_the_link(line, label):
    """``- [Name](link) - Description.``, awesome lists' own shape: a venue in parentheses
    right after the link was taken for a tag and lost."""
    (item,) = parse_list(f"## A\n{line}\n").items
    assert (item.title, item.label) == ("Chain-of-Thought Prompting Elicits Reasoning", label)


def test_a_link_that_joined_by_its_title_brings_later_items_of_that_link(tmp_path):
    """One paper listed three times (a mistyped link, then the right one under the same
    title, then the right one under another name): the third became a second entry of the
    paper, because the right link, joined by its title, was not known as the work's."""
    path = tmp_path / "README.md"
    path.write_text("## A\n- [ACL 2023] Some Paper About Things. [[pdf]](https://arxiv.org/abs/"
                    "2301.00001)\n## B\n- [ACL 2023] Some Paper About Things. [[pdf]](https://"
                    "arxiv.org/abs/2301.00002)\n- [ACL 2023] Another Name For It. [[pdf]](https://"
                    "arxiv.org/abs/2301.00002)\n", encoding="utf-8")
    result = _imported(path, tmp_path, offline=True)
    (entry,) = result.library
    assert entry.categories == ("a", "b")
    assert llm4anno_bib.check(tmp_path / "out.bib").errors == ()
    assert any(c.kind == "duplicate" for c in result.library.corrections())


def test_one_repository_linked_twice_as_the_browser_shows_it_is_one_code_link(tmp_path):
    """One paper in two sections, its code linked once plainly and once as copied from the
    address bar (``?tab=readme-ov-file``, a slash, the name's case): one code link, the
    first; another repository of the paper is kept beside it."""
    entry = _the_one_entry(
        "## A\n- (EMNLP 2024) **Open-RAG: Enhanced Retrieval** [[Paper]](https://aclanthology"
        ".org/2024.findings-emnlp.831/) [[Code]](https://github.com/ShayekhBinIslam/openrag)\n"
        "## B\n- (EMNLP 2024) **Open-RAG: Enhanced Retrieval** [[Paper]](https://aclanthology"
        ".org/2024.findings-emnlp.831.pdf) [[Code]](https://github.com/shayekhbinislam/openrag"
        "/?tab=readme-ov-file) [[Code]](https://github.com/other/openrag-eval)\n", tmp_path)
    assert entry.categories == ("a", "b")
    assert entry.fields["code"] == ("https://github.com/ShayekhBinIslam/openrag "
                                    "https://github.com/other/openrag-eval")


@pytest.mark.parametrize("venue, written", [
    ("ACM AISec", "ACM AISec"), ("IEEE S&P", r"IEEE S{\&}P"),
    ("CS and IT Conference Proceedings", "CS and IT Conference Proceedings")])
def test_a_venue_column_names_the_venue_even_one_the_venue_table_lacks(venue, written,
                                                                        tmp_path):
    """A table whose header names a "Venue" column gives each row's venue there, known to
    the venue table or not; a "Publisher" column (an LLM table's maker) names none."""
    path = tmp_path / "README.md"
    path.write_text(
        "## Attacks\n\n| Year | Title | Type | Venue | Paper |\n| -- | -- | -- | -- | -- |\n"
        "| 2023 | [Not What You Signed Up For: Indirect Prompt Injection](https://arxiv.org/pdf/"
        f"2302.12173) | Injection | {venue} | [Link](https://arxiv.org/pdf/2302.12173) |\n\n"
        "## Models\n\n| Title | Publisher | Date |\n| -- | -- | -- |\n"
        "| [QVQ: To See the World with Wisdom](https://arxiv.org/abs/2412.00001) | Qwen | "
        "2024-12-25 |\n", encoding="utf-8")
    attack, model = _imported(path, tmp_path, offline=True).library
    assert (attack.fields["howpublished"], attack.year) == (written, 2023)
    assert "howpublished" not in model.fields or "Qwen" not in model.fields["howpublished"]


def test_a_venue_and_year_column_gives_a_venue_of_several_words_whole():
    """llm-safety-papers' ``会议/年份`` column (a venue's and its year's): "USENIX Security
    2025" was "Security 2025", "IEEE S&P 2024" "S&P 2024" (the word before the year)."""
    document = parse_list(
        "## S\n\n| # | 论文 | 会议/年份 | 核心思想 |\n|---|---|---|---|\n| 1 | [Crescendo: A "
        "Multi-Turn Jailbreak Attack](https://arxiv.org/abs/2404.01833) | USENIX Security 2025 | "
        "x |\n| 2 | [SafeGen: Mitigating Sexually Explicit Content](https://arxiv.org/abs/2404."
        "06666) | IEEE S&P 2024 | y |\n| 3 | [AutoDAN: Generating Stealthy Jailbreak Prompts]("
        "https://arxiv.org/abs/2310.04451) | NeurIPS 2024 | z |\n")
    assert [i.label for i in document.items] == [
        "USENIX Security 2025", "IEEE S&P 2024", "NeurIPS 2024"]


def test_a_venue_column_linking_its_code_gives_the_venue_and_year_of_its_words():
    """Awesome-RAG-Reasoning's benchmark table links each venue to the code (``[EMNLP’24](
    github) [![stars](badge)](github)``): the label was what the links left ("[!](url)")."""
    (item,) = parse_list(
        "## Benchmarks\n\n| Task | Benchmark | Venue | Size |\n| --- | --- | --- | --- |\n"
        "| QA | [ADQA](https://aclanthology.org/2024.findings-emnlp.119.pdf) | [EMNLP’24]("
        "https://github.com/David-Li0406/DALK) [![GitHub stars](https://img.shields.io/github/"
        "stars/David-Li0406/DALK?style=social)](https://github.com/David-Li0406/DALK) | 446 |"
        "\n").items
    assert (item.title, item.label) == ("ADQA", "EMNLP 2024")
    assert ("code", "https://github.com/David-Li0406/DALK") in item.links


def test_a_web_page_that_is_the_entrys_own_url_is_not_written_twice(tmp_path):
    """A row linking its paper's page from the title and again as "[Link]" (a page at no
    paper host): one ``url``, no ``webpage`` repeating it; another page of the work is kept."""
    entry = _the_one_entry(
        "## Provenance\n\n| Year | Title | Venue | Paper | Blog |\n| -- | -- | -- | -- | -- |\n"
        "| 2025 | [D-RAG: A Privacy-Preserving Framework for Decentralized RAG](https://par.nsf"
        ".gov/servlets/purl/10578004) | CS and IT Conference Proceedings | [Link](https://par"
        ".nsf.gov/servlets/purl/10578004/) | [Blog](https://example.org/d-rag) |\n", tmp_path)
    assert entry.fields["url"] == "https://par.nsf.gov/servlets/purl/10578004"
    assert entry.fields.get("webpage") == "https://example.org/d-rag"


def test_a_paper_link_that_is_no_pdf_and_the_entrys_url_is_no_pdf_field(tmp_path):
    """A list's paper link is its ``pdf`` where it is a PDF (arXiv's ``/pdf/``, OpenReview's
    ``/pdf?id=``, a ``.pdf``); an abstract page that is already the entry's ``url`` was
    written again as its "pdf" (1,920 of 2,094 pdf fields of 30 real lists)."""
    path = tmp_path / "README.md"
    path.write_text(
        "## A\n- [ACL 2023] First Paper About Annotation. [[pdf]](https://arxiv.org/abs/"
        "2301.00001)\n- [ICLR 2024] Second Paper About Annotation. [[pdf]](https://arxiv.org"
        "/pdf/2301.00002)\n- [ICLR 2024] Third Paper About Annotation. [[pdf]](https://"
        "openreview.net/pdf?id=AbCdEf123)\n", encoding="utf-8")
    first, second, third = _imported(path, tmp_path, offline=True).library
    assert first.url == "https://arxiv.org/abs/2301.00001" and "pdf" not in first.fields
    assert second.fields["pdf"] == "https://arxiv.org/pdf/2301.00002"
    assert third.fields["pdf"] == "https://openreview.net/pdf?id=AbCdEf123"


def test_an_import_into_a_library_keeps_the_users_own_fields_of_its_entries(tmp_path):
    """A field the user added to an entry of an imported library (a note, a file) was
    dropped by the next import into it; the list's own facts are the list's to update."""
    path = tmp_path / "README.md"
    path.write_text("## A\n- [ICLR 2025] KBLaM: Knowledge Base augmented Language Model. "
                    "[[paper]](https://arxiv.org/abs/2410.10450)\n", encoding="utf-8")
    library = tmp_path / "out.bib"
    _imported(path, tmp_path, offline=True)
    text = library.read_text(encoding="utf-8")
    key = re.search(r"@misc\{(\w+),", text).group(1)
    library.write_text(text.replace(f"@misc{{{key},\n", f"@misc{{{key},\n  note = {{Read "
                                    f"this first}},\n  file = {{kblam.pdf}},\n"),
                       encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace("ICLR 2025", "ICML 2025"),
                    encoding="utf-8")
    (entry,) = llm4anno_bib.import_list(path, into=library, offline=True,
                                        cache_dir=tmp_path / "c").library
    assert (entry.fields["note"], entry.fields["file"]) == ("Read this first", "kblam.pdf")
    assert entry.fields["howpublished"] == "ICML"  # the list's own fact, updated


def test_a_list_of_its_own_pages_is_refused_naming_the_file_and_its_links(tmp_path):
    """Awesome-RAG-Datasets links each dataset to a card of its own repository: "nothing in
    it reads as a list of papers" named no file, nor why a list full of links held none."""
    path = tmp_path / "README.md"
    path.write_text("# Awesome RAG Datasets\n\n## Text RAG (27)\n\n| Dataset | Role |\n|---|---|"
                    "\n| [ASQA](dataset-cards/text-rag/asqa.md) | `rag_convertible` |\n| [HotpotQA]("
                    "dataset-cards/text-rag/hotpotqa.md) | `rag_native` |\n", encoding="utf-8")
    with pytest.raises(NotFound) as raised:
        _imported(path, tmp_path, offline=True)
    assert str(raised.value).startswith(f"{path}: nothing in it reads as a list of papers")
    assert "Its 2 links to pages of its own repository (such as 'dataset-cards/text-rag/" \
           "asqa.md') link no paper." in str(raised.value)
    assert not (tmp_path / "out.bib").exists()


def test_two_items_whose_works_share_a_published_record_are_one_entry():
    """One item found by its arXiv link (arXiv record and published record), another by its
    title (the published record only, its own link broken): two entries of one paper, the
    same DOI, which check then flagged."""
    from datetime import date

    from llm4anno_bib.build import Work, _merge
    from llm4anno_bib.listmd import ListItem
    from llm4anno_bib.sources.records import ArxivRecord, BibRecord

    record = BibRecord("acl", "2023.acl-long.754", "wang-etal-2023-self", "inproceedings",
                       "Self-Instruct", ("Yizhong Wang",), 2023,
                       {"title": "Self-Instruct", "doi": "10.18653/v1/2023.acl-long.754"})
    arxiv = ArxivRecord("2212.10560", 2, "Self-Instruct", ("Yizhong Wang",), date(2022, 12, 20),
                        date(2023, 5, 25), "cs.CL")
    first = Work([ListItem(2, "a", "ACL 2023", "Self-Instruct",
                           (("pdf", "https://arxiv.org/abs/2212.10560"),))], arxiv, record)
    second = Work([ListItem(4, "b", "ACL 2023", "Self Instruct",
                            (("pdf", "https://arxiv.org/abs/212.10560"),))], None, record)
    (merged,) = _merge([first, second])
    assert [item.section for item in merged.items] == ["a", "b"]


def test_a_title_bullet_its_authors_line_and_its_links_below_are_one_item():
    """The authors' line joined into the title bullet left a blank line behind it, which
    cut the title from the links below (the paper was lost); and the emphasised authors
    were taken for its venue."""
    (item,) = parse_list(
        "## A\n1. **Chain-of-Thought Prompting Elicits Reasoning**\n   *Jason Wei, Xuezhi Wang*"
        "\n   - [[Paper]](https://arxiv.org/abs/2201.11903) [[Code]](https://github.com/a/b)\n"
    ).items
    assert (item.line, item.title, item.label, item.authors) == (
        2, "Chain-of-Thought Prompting Elicits Reasoning", None, ("Jason Wei", "Xuezhi Wang"))
    assert item.link("code") == "https://github.com/a/b"


def test_a_list_title_with_braces_or_at_signs_leaves_the_library_readable(tmp_path):
    """The list's title went into the library's first comment as written: "Awesome {" left
    the block open, and the library the import wrote was unreadable (found by fuzzing)."""
    path = tmp_path / "README.md"
    path.write_text("Awesome {Reasoning} @home{\n================\n\n## A\n- [ACL 2023] Some "
                    "Paper About Things. [[pdf]](https://arxiv.org/abs/2301.00001)\n",
                    encoding="utf-8")
    result = _imported(path, tmp_path, offline=True)
    assert "Awesome {Reasoning} @home{" in result.library.header
    assert llm4anno_bib.check(tmp_path / "out.bib").errors == ()
    assert [e.key for e in llm4anno_bib.load(tmp_path / "out.bib")] == [
        e.key for e in result.library]


@pytest.mark.parametrize("line, title, label, authors, et_al", [
    # a plain reference: Title. Authors. Venue Year.
    ("- Chain-of-Thought Prompting Elicits Reasoning. Jason Wei, Xuezhi Wang, Dale Schuurmans. "
     "NeurIPS 2022. [paper](https://arxiv.org/abs/2201.11903) [code](https://github.com/x/y)",
     "Chain-of-Thought Prompting Elicits Reasoning", "NeurIPS 2022",
     ("Jason Wei", "Xuezhi Wang", "Dale Schuurmans"), False),
    # a bold title after a date label, its authors in plain words
    ("- [2022/10] **Automatic Chain of Thought Prompting** Zhuosheng Zhang et al. arXiv. "
     "[[Paper](https://arxiv.org/abs/2210.03493)] [[Code](https://github.com/a/b)]",
     "Automatic Chain of Thought Prompting", "2022/10", ("Zhuosheng Zhang",), True),
    # an emphasised title, the authors after it with a comma
    ("- *Teaching language models to support answers*, Menick et al., 2022. "
     "[arXiv](https://arxiv.org/abs/2203.11147)",
     "Teaching language models to support answers", "2022", ("Menick",), True),
    # a quoted title with emphasised authors
    ('2. "Large Language Models are Zero-Shot Reasoners" *Takeshi Kojima, Machel Reid.* '
     "NeurIPS 2022. [[Paper](https://arxiv.org/abs/2205.11916)]",
     "Large Language Models are Zero-Shot Reasoners", "NeurIPS 2022",
     ("Takeshi Kojima", "Machel Reid"), False),
    # the link is the title; the authors and venue follow in words
    ("- [Learning To Retrieve Prompts](https://arxiv.org/abs/2112.08633) - Ohad Rubin, "
     "Jonathan Berant (NAACL 2022)", "Learning To Retrieve Prompts", "NAACL 2022",
     ("Ohad Rubin", "Jonathan Berant"), False),
    # lines joined by <br>: the first is the item, the others its authors and venue
    ("- Learning to summarize from human feedback [[arXiv](https://arxiv.org/abs/2009.01325)] "
     "[[Code](https://github.com/a/b)] <br> Nisan Stiennon, Long Ouyang <br/> NeurIPS 2020",
     "Learning to summarize from human feedback", "NeurIPS 2020",
     ("Nisan Stiennon", "Long Ouyang"), False),
    # a bullet written as a row, a venue before the address, a label in a code span
    ("- 2022.09 | Selective Annotation Makes Models Better | [paper](https://arxiv.org/abs/"
     "2209.01975)", "Selective Annotation Makes Models Better", "2022", (), False),
    ("+ Finding agreement among humans with diverse preferences, arXiv 2022, "
     "https://arxiv.org/abs/2211.15006", "Finding agreement among humans with diverse "
     "preferences", "arXiv 2022", (), False),
    ("- `ICLR'23` Improving In-Context Few-Shot Learning [[pdf]](https://arxiv.org/pdf/"
     "2205.01703)", "Improving In-Context Few-Shot Learning", "ICLR'23", (), False),
    # a label in bold before the title; the words "Paper:" and a dash before a generic link
    ("- **ACL 2023** - Why Can GPT Learn In-Context? [[pdf](https://arxiv.org/pdf/2212.10559"
     ".pdf)]", "Why Can GPT Learn In-Context?", "ACL 2023", (), False),
    ("- Paper: Selective Annotation Makes Models Better (ICLR 2023) - [link](https://arxiv.org/"
     "abs/2209.01975)", "Selective Annotation Makes Models Better", "ICLR 2023", (), False),
    ("- Learning to summarize from human feedback (Stiennon et al., NeurIPS 2020) [arxiv]"
     "(https://arxiv.org/abs/2009.01325) | [code](https://github.com/a/b)",
     "Learning to summarize from human feedback", "NeurIPS 2020", ("Stiennon",), True),
    # a bold title holding a star of its own
    ("- **C*-algebra Net: Generalizing Neural Network Parameters to C*-algebra**. *ICML* (2022) "
     "[[Paper]](https://arxiv.org/abs/2206.09513)", "C*-algebra Net: Generalizing Neural Network "
     "Parameters to C*-algebra", "ICML 2022", (), False),
    # fields inline, each named in bold
    ("- **Title**: Fine-Tuning Language Models from Human Preferences **Venue**: arXiv 2019 "
     "**Link**: [arXiv](https://arxiv.org/abs/1909.08593)", "Fine-Tuning Language Models from "
     "Human Preferences", "arXiv 2019", (), False),
    # a table row: the bold words of the cell are the title, its second line the authors
    # (the venue and year in cells of their own)
    ("| **Fine-Tuning Language Models from Human Preferences** <br> Daniel M. Ziegler et al. "
     "| arXiv | 2019 | [Paper](https://arxiv.org/abs/1909.08593) |",
     "Fine-Tuning Language Models from Human Preferences", "arXiv 2019", ("Daniel M. Ziegler",),
     True),
    # a venue emphasised with its year: the year once
    ("1. **Self-Consistency Improves Chain of Thought Reasoning**. Xuezhi Wang, Jason Wei. "
     "*ICLR 2023*. [[Paper](https://arxiv.org/abs/2203.11171)]", "Self-Consistency Improves "
     "Chain of Thought Reasoning", "ICLR 2023", ("Xuezhi Wang", "Jason Wei"), False),
    ("- **Self-Consistency Improves Chain of Thought Reasoning**. *ICLR'23*. [[Paper]"
     "(https://arxiv.org/abs/2203.11171)]", "Self-Consistency Improves Chain of Thought "
     "Reasoning", "ICLR 2023", (), False),
    # the venue after the links, after a dash or in parentheses
    ("* Least-to-Most Prompting Enables Complex Reasoning [[paper]](https://arxiv.org/abs/"
     "2205.10625) [[code]](https://github.com/a/b) - ICLR 2023", "Least-to-Most Prompting "
     "Enables Complex Reasoning", "ICLR 2023", (), False),
    ("* Least-to-Most Prompting Enables Complex Reasoning [paper](https://arxiv.org/abs/"
     "2205.10625) (ICLR'23)", "Least-to-Most Prompting Enables Complex Reasoning", "ICLR 2023",
     (), False),
    # a workshop named by where it was held: never that conference's main track
    ("- [**Augmenting Math Word Problems via Iterative Question Composing**](https://arxiv.org/"
     "abs/2401.09003) *Haoxiong Liu, Yifan Zhang.* DPFM@ICLR 2024.", "Augmenting Math Word "
     "Problems via Iterative Question Composing", "DPFM@ICLR 2024", ("Haoxiong Liu",
                                                                    "Yifan Zhang"), False),
    ("- [Is ChatGPT a Good NLG Evaluator? A Preliminary Study](https://arxiv.org/abs/2303.04048)"
     " (NewSum @ EMNLP 2023)", "Is ChatGPT a Good NLG Evaluator? A Preliminary Study",
     "NewSum@EMNLP 2023", (), False),
    # a conference's workshop as the real lists write it ("ICML 2024 Workshop."): never the
    # conference's main track
    ("19. [**Associative Recurrent Memory Transformer.**](https://arxiv.org/abs/2407.04841) "
     "_Ivan Rodkin, Yuri Kuratov._ ICML 2024 Workshop. [![GitHub Repo stars](https://img.shields"
     ".io/github/stars/a/b)](https://github.com/a/b)", "Associative Recurrent Memory Transformer",
     "ICML Workshop 2024", ("Ivan Rodkin", "Yuri Kuratov"), False),
    ("- [Associative Recurrent Memory Transformer](https://arxiv.org/abs/2407.04841) (ICLR 2024 "
     "Workshop)", "Associative Recurrent Memory Transformer", "ICLR Workshop 2024", (), False),
    ("| [Associative Recurrent Memory Transformer](https://arxiv.org/abs/2407.04841) | ICML 2024 "
     "Workshop on Memory |", "Associative Recurrent Memory Transformer", "ICML Workshop 2024", (),
     False),
    # a Findings paper, its volume before or after the conference: never the main track
    ("- [Is GPT-3 a Good Data Annotator?](https://arxiv.org/abs/2212.10450) (EMNLP 2023 "
     "Findings)", "Is GPT-3 a Good Data Annotator?", "Findings of EMNLP 2023", (), False),
    ("| [Is GPT-3 a Good Data Annotator?](https://arxiv.org/abs/2212.10450) | Findings of the "
     "ACL 2023 |", "Is GPT-3 a Good Data Annotator?", "Findings of ACL 2023", (), False),
    # a link whose text is where or who, not the title
    ("- Is GPT-3 a Good Data Annotator? [ACL'23](https://arxiv.org/abs/2212.10450)",
     "Is GPT-3 a Good Data Annotator?", "ACL 2023", (), False),
    ("- Is GPT-3 a Good Data Annotator? ([Ding et al., 2023](https://arxiv.org/abs/2212.10450))",
     "Is GPT-3 a Good Data Annotator?", "2023", ("Ding",), True),
    # a title that asks, its authors or its venue after the question mark
    ("- Is GPT-3 a Good Data Annotator? Bosheng Ding, Chengwei Qin et al. ACL 2023. [arxiv:"
     "2212.10450](https://arxiv.org/abs/2212.10450)", "Is GPT-3 a Good Data Annotator?",
     "ACL 2023", ("Bosheng Ding", "Chengwei Qin"), True),
    ("- 📝 **Is GPT-3 a Good Data Annotator?** `ACL 2023` [Paper](https://arxiv.org/abs/"
     "2212.10450) | [Code](https://github.com/a/b)", "Is GPT-3 a Good Data Annotator?",
     "ACL 2023", (), False),
    ("- Is GPT-3 a Good Data Annotator? \\[[paper](https://arxiv.org/abs/2212.10450)\\]",
     "Is GPT-3 a Good Data Annotator?", None, (), False),
    # a reference in IEEE's style: its authors, then its title in quotes
    ("- B. Ding, C. Qin, L. Liu, \"Is GPT-3 a Good Data Annotator?,\" in Proc. ACL 2023. "
     "[paper](https://arxiv.org/abs/2212.10450)", "Is GPT-3 a Good Data Annotator?", "ACL 2023",
     ("B. Ding", "C. Qin", "L. Liu"), False),
    # a venue emphasised, its year in parentheses or after a comma, after the authors;
    # Findings written after its conference ("Findings 2021" and "2021" before, the
    # authors lost)
    ("- [Want To Reduce Labeling Cost? GPT-3 Can Help](https://arxiv.org/abs/2108.13487) - "
     "Shuohang Wang, Yang Liu, *Findings of EMNLP* (2021)",
     "Want To Reduce Labeling Cost? GPT-3 Can Help", "Findings of EMNLP 2021",
     ("Shuohang Wang", "Yang Liu"), False),
    ("- *Want To Reduce Labeling Cost? GPT-3 Can Help*, EMNLP Findings 2021. "
     "[[PDF](https://arxiv.org/abs/2108.13487)]", "Want To Reduce Labeling Cost? GPT-3 Can Help",
     "Findings of EMNLP 2021", (), False),
    ("- [Self-Instruct: Aligning Language Models with Self-Generated Instructions](https://"
     "arxiv.org/abs/2212.10560) Yizhong Wang, Yeganeh Kordi et al. *ACL*, 2023",
     "Self-Instruct: Aligning Language Models with Self-Generated Instructions", "ACL 2023",
     ("Yizhong Wang", "Yeganeh Kordi"), True),
    # a venue after the link with its emphasis ("*PNAS*, 2023" was the label), a known
    # venue, a comma and its year ("2021" before; "Wei, 2022" is no venue), a label before
    # the title ("2024" before) or in brackets after it (in the title before)
    ("* [ChatGPT Outperforms Crowd-Workers for Text-Annotation Tasks](https://arxiv.org/abs/"
     "2303.15056), *PNAS*, 2023", "ChatGPT Outperforms Crowd-Workers for Text-Annotation Tasks",
     "PNAS 2023", (), False),
    ("+ [Want To Reduce Labeling Cost? GPT-3 Can Help](https://arxiv.org/abs/2108.13487) "
     "(Findings of EMNLP, 2021)", "Want To Reduce Labeling Cost? GPT-3 Can Help",
     "Findings of EMNLP 2021", (), False),
    ("- (NAACL 2024) AnnoLLM: Making Large Language Models to Be Better Crowdsourced "
     "Annotators. [[pdf]](https://arxiv.org/abs/2303.16854)", "AnnoLLM: Making Large Language "
     "Models to Be Better Crowdsourced Annotators", "NAACL 2024", (), False),
    ("- Large Language Models are Zero-Shot Reasoners [NeurIPS 2022] [[paper](https://arxiv.org"
     "/abs/2205.11916)]", "Large Language Models are Zero-Shot Reasoners", "NeurIPS 2022", (),
     False),
    ("- [Chain of Thought Prompting Elicits Reasoning](https://arxiv.org/abs/2201.11903) Jason "
     "Wei, Xuezhi Wang, 2022", "Chain of Thought Prompting Elicits Reasoning", "2022",
     ("Jason Wei", "Xuezhi Wang"), False),
    # a table giving the venue and the year cells of their own ("2023" before), a link in
    # HTML in a Markdown table (the row unread before)
    ("| Is GPT-3 a Good Data Annotator? | ACL | 2023 | [link](https://arxiv.org/abs/"
     "2212.10450) |", "Is GPT-3 a Good Data Annotator?", "ACL 2023", (), False),
    ("| 2023.03 | <a href=\"https://arxiv.org/abs/2303.15056\">ChatGPT Outperforms "
     "Crowd-Workers for Text-Annotation Tasks</a> | PNAS |",
     "ChatGPT Outperforms Crowd-Workers for Text-Annotation Tasks", "PNAS 2023", (), False),
])
def test_the_title_authors_and_venue_are_read_apart_in_every_common_shape(
        line, title, label, authors, et_al):
    """Each shape kept its neighbours in the title ("Title. Jason Wei, Xuezhi Wang",
    "Title Zhuosheng Zhang et al. arXiv", "2022.09 | Title |", "Title, arXiv 2022"), lost
    the authors, or (lines joined by <br>) lost the paper without a word."""
    (item,) = parse_list(f"## A\n{line}\n").items
    assert (item.title, item.label, item.authors, item.et_al) == (title, label, authors, et_al)
    assert re.search(r"arxiv\.org/(?:abs|pdf)/\d{4}\.\d{5}", item.paper_link or "")


@pytest.mark.parametrize("text", [
    "- [Oral Presentation](https://arxiv.org/abs/2201.11903) Google Research\n",
    "- [Chain of Thought Prompting](https://arxiv.org/abs/2201.11903) (Oral Presentation)\n",
    "- Reading, Writing, and Arithmetic With Models [[pdf]](https://arxiv.org/abs/2201.11903)\n",
    "- Big Models. Large Language Models, Deep Neural Networks [[pdf]](https://arxiv.org/abs/"
    "2201.11903)\n",
    # a subtitle after a question (render-list's line of a long-context list's paper)
    "- [arXiv 2024] Retrieval Augmented Generation or Long-Context LLMs? A Comprehensive Study"
    " and Hybrid Approach. [[paper]](https://arxiv.org/abs/2407.16833)\n",
    # a title's list of capitalised phrases, one a single word
    "- [arXiv 2023] Math Agents: Computational Infrastructure, Mathematical Embedding, and "
    "Genomics. [[paper]](https://doi.org/10.48550/arXiv.2307.02502)\n",
])
def test_words_that_merely_look_like_names_are_no_authors(text):
    """A lab, a note, a title's own commas or its capitalised phrases are no list of
    people: an author read from them would be an invented fact of an unverified entry."""
    (item,) = parse_list("## A\n" + text).items
    assert item.authors == ()


def test_a_bullet_over_its_fields_is_one_item_and_a_date_over_papers_is_not():
    """``- **Title:** X`` over ``- **Authors:** ...`` / ``- **Link:** url`` was read as a
    paper titled "Link"; a date's bullet over papers of their own stays as it was."""
    document = parse_list(
        "## A\n- **Title:** Improving In-Context Few-Shot Learning via Self-Supervised "
        "Training\n  - **Authors:** Mingda Chen, Jingfei Du\n  - **Venue:** NAACL 2022\n"
        "  - **Link:** https://arxiv.org/abs/2205.01703\n"
        "- Chain-of-Thought Prompting Elicits Reasoning\n  - Paper: [arXiv](https://arxiv.org/"
        "abs/2201.11903)\n  - Code: [GitHub](https://github.com/a/b)\n"
        "- **[2026.05.27]**\n  - Paper: [Periodic Attention for Long Contexts](https://arxiv.org"
        "/abs/2605.27980)\n  - Paper: [Sparse Memory for Agents](https://arxiv.org/abs/"
        "2605.28069)\n")
    read = [(i.line, i.title, i.label, i.authors, i.paper_link, i.link("code"))
            for i in document.items]
    assert read == [
        (2, "Improving In-Context Few-Shot Learning via Self-Supervised Training", "NAACL 2022",
         ("Mingda Chen", "Jingfei Du"), "https://arxiv.org/abs/2205.01703", None),
        (6, "Chain-of-Thought Prompting Elicits Reasoning", None, (),
         "https://arxiv.org/abs/2201.11903", "https://github.com/a/b"),
        (10, "Periodic Attention for Long Contexts", None, (), "https://arxiv.org/abs/2605.27980",
         None),
        (11, "Sparse Memory for Agents", None, (), "https://arxiv.org/abs/2605.28069", None)]


def test_a_line_linking_a_paper_that_no_shape_reads_is_said_never_lost(tmp_path):
    """A paper in a ``<details>`` block (its title in ``<summary>``, a bare "[paper](url)"
    line under it) read as nothing and was dropped without a word: it is an item now, and a
    line that still reads as no item (a bullet of a link's kind alone) is said."""
    path = tmp_path / "README.md"
    path.write_text("## A\n- [ACL 2023] Some Paper About Things. [[pdf]](https://arxiv.org/abs/"
                    "2301.00001)\n\n<details>\n<summary><b>Improving alignment of dialogue "
                    "agents</b></summary>\n\n[paper](https://arxiv.org/abs/2209.14375)\n"
                    "</details>\n\n- [[paper]](https://arxiv.org/abs/2212.10559)\n"
                    # what links a paper but is no item a list meant: not said
                    "\n## Citation\n```bibtex\n@article{x,\n  url = {https://arxiv.org/abs/"
                    "2402.13446},\n}\n```\nOur survey: https://arxiv.org/abs/2402.13446\n"
                    '<img src="https://arxiv.org/abs/2402.13446.png">\n', encoding="utf-8")
    document = parse_list(path.read_text(encoding="utf-8"))
    assert [(i.line, i.title, i.paper_link) for i in document.items] == [
        (2, "Some Paper About Things", "https://arxiv.org/abs/2301.00001"),
        (5, "Improving alignment of dialogue agents", "https://arxiv.org/abs/2209.14375")]
    assert document.unread == ((10, "paper", "https://arxiv.org/abs/2212.10559"),)
    result = _imported(path, tmp_path, offline=True)
    assert "unread: 1 line that links a paper but reads as no item" in result.summary()
    (said,) = [line for line in result.details() if line.startswith("unread: ")]
    assert said.startswith("unread: line 10: paper (https://arxiv.org/abs/2212.10559)")
    from typer.testing import CliRunner

    from llm4anno_bib.cli import app

    run = CliRunner().invoke(app, ["import-list", str(path), "--offline", "--cache-dir",
                                   str(tmp_path / "c"), "-o", str(tmp_path / "x.bib")])
    assert run.exit_code == 0 and said in run.stderr  # said without --verbose


def test_a_paper_written_as_a_heading_over_a_line_of_its_links_is_one_item():
    """``### Title`` over ``[[Paper]](url) [[Code]](url)`` (its authors' and venue's line
    between, or the links as a bullet) was no item at all: the links' words are no title,
    and the list read as holding no paper. A section's heading over its papers' bullets,
    and a one-word heading over a bullet waiting for its links, stay sections."""
    document = parse_list(
        "## Prompting\n\n### Chain-of-Thought Prompting Elicits Reasoning\n[[Paper]](https://"
        "arxiv.org/abs/2201.11903) [[Code]](https://github.com/a/b)\n\n### Large Language "
        "Models are Zero-Shot Reasoners\n*Takeshi Kojima, Shixiang Shane Gu et al.* - NeurIPS 2022"
        "\n\n"
        "[Paper](https://arxiv.org/abs/2205.11916)\n\n#### Automatic Chain of Thought Prompting"
        "\n- [paper](https://arxiv.org/abs/2210.03493)\n\n### Surveys of Language Models\n- [A "
        "Survey of Large Language Models](https://arxiv.org/abs/2303.18223)\n\nMethods\n-------"
        "\n1. **Rationale-Augmented Ensembles in Language Models** (arXiv 2022)\n   - [[Paper]]"
        "(https://arxiv.org/abs/2207.00747)\n")
    read = [(i.line, i.section, i.title, i.label, i.authors, i.paper_link, i.link("code"))
            for i in document.items]
    assert read == [
        (3, "prompting", "Chain-of-Thought Prompting Elicits Reasoning", None, (),
         "https://arxiv.org/abs/2201.11903", "https://github.com/a/b"),
        (6, "prompting", "Large Language Models are Zero-Shot Reasoners", "NeurIPS 2022",
         ("Takeshi Kojima", "Shixiang Shane Gu"), "https://arxiv.org/abs/2205.11916", None),
        (11, "prompting", "Automatic Chain of Thought Prompting", None, (),
         "https://arxiv.org/abs/2210.03493", None),
        (15, "surveys-of-language-models", "A Survey of Large Language Models", None, (),
         "https://arxiv.org/abs/2303.18223", None),
        (19, "methods", "Rationale-Augmented Ensembles in Language Models", "arXiv 2022", (),
         "https://arxiv.org/abs/2207.00747", None)]
    assert document.unread == () and document.items[1].et_al


def test_a_linked_paper_heading_over_its_fields_is_one_item_with_them():
    """``### [Title](url)`` over ``- Authors: ...`` / ``- Venue: ...``: the fields were read
    as bullets of no paper and lost; a linked heading over papers of its own stays a
    section (one linking a paper is that paper, as ever)."""
    document = parse_list(
        "## Agents\n"
        "### [ReAct: Synergizing Reasoning and Acting in Language Models](https://arxiv.org/abs/"
        "2210.03629)\n- **Authors**: Shunyu Yao, Jeffrey Zhao\n- Venue: ICLR 2023\n"
        "- **Code**: [GitHub](https://github.com/ysymyth/ReAct)\n\n"
        "### [Tools, a Section Linking Its Page](https://example.org/tools)\n"
        "- [Toolformer: Language Models Can Teach Themselves to Use Tools](https://arxiv.org/"
        "abs/2302.04761)\n")
    react, toolformer = document.items
    assert (react.title, react.label, react.authors, react.paper_link, react.link("code")) == (
        "ReAct: Synergizing Reasoning and Acting in Language Models", "ICLR 2023",
        ("Shunyu Yao", "Jeffrey Zhao"), "https://arxiv.org/abs/2210.03629",
        "https://github.com/ysymyth/ReAct")
    assert toolformer.title.startswith("Toolformer") and \
        toolformer.section == "tools-a-section-linking-its-page"


def test_a_workshop_paper_cited_from_the_list_alone_names_its_workshop(tmp_path):
    """"DPFM@ICLR 2024" was read as ICLR 2024: the entry said ``howpublished = {ICLR}``, a
    main-track paper it is not."""
    listed = tmp_path / "list.md"
    listed.write_text("# L\n## Math\n- [**Augmenting Math Word Problems via Iterative "
                      "Question Composing**](https://arxiv.org/abs/2401.09003) *Haoxiong Liu, "
                      "Yifan Zhang.* DPFM@ICLR 2024.\n", encoding="utf-8")
    (entry,) = _imported(listed, tmp_path, offline=True).library
    assert (entry.fields.get("howpublished"), entry.year) == ("DPFM@ICLR", 2024)
    listed.write_text("# L\n## Math\n- [NeurIPS 2023 Workshop on MATH-AI] Augmenting Math Word "
                      "Problems via Iterative Question Composing. [[pdf]](https://arxiv.org/abs/"
                      "2401.09003)\n", encoding="utf-8")
    (entry,) = _imported(listed, tmp_path, offline=True).library
    assert (entry.fields.get("howpublished"), entry.year) == ("NeurIPS Workshop on MATH-AI", 2023)


@pytest.mark.parametrize("label", ["2023/05", "2023.05", "2023-05-12"])
def test_a_date_label_gives_the_year_and_names_no_venue(tmp_path, label):
    """``[2023/05] Title``, a date where other lists write a venue: it was written as the
    work's venue (``howpublished = {2023/05}``), and "2023-05-12" as the venue "2023"."""
    listed = tmp_path / "list.md"
    listed.write_text(f"# L\n## Reasoning\n- [{label}] **Tree of Thoughts: Deliberate Problem "
                      "Solving with Large Language Models** *Shunyu Yao, Dian Yu.* [[paper]]("
                      "https://arxiv.org/abs/2305.10601)\n", encoding="utf-8")
    (entry,) = _imported(listed, tmp_path, offline=True).library
    assert entry.year == 2023 and entry.fields.get("eprint") == "2305.10601"
    assert entry.fields.get("howpublished") == "arXiv preprint arXiv:2305.10601"


def test_a_link_named_by_generic_words_or_a_paper_pages_site_is_the_paper_link():
    """"[OpenReview paper](url)" before the title was taken for the title; the seed's shape
    with "[[Semantic Scholar]](url)" kept the word as the link's kind, so the entry had no
    link and its list line none either."""
    document = parse_list(
        "## S\n- [OpenReview paper](https://openreview.net/forum?id=yzkSU5zdwD) **Scaling "
        "Instruction-Finetuned Language Models**, JMLR 2024\n"
        "- Scaling Instruction-Finetuned Language Models [arXiv PDF](https://arxiv.org/pdf/"
        "2210.11416)\n"
        "- Scaling Laws for Neural Language Models [[Semantic Scholar]](https://www.semantic"
        "scholar.org/paper/e6c561d02500b2596a230b341a8eb8b921ca5bf2)\n"
        "- [ACL 2023] Some Paper Title Here [[Video]](https://www.youtube.com/watch?v=x) "
        "[[pdf]](https://arxiv.org/abs/2210.11416)\n")
    openreview, arxiv, scholar, video = document.items
    assert (openreview.title, openreview.label) == (
        "Scaling Instruction-Finetuned Language Models", "JMLR 2024")
    assert arxiv.title == "Scaling Instruction-Finetuned Language Models"
    assert scholar.paper_link and "semanticscholar.org" in scholar.paper_link
    assert video.links[0][0] == "video" and video.paper_link == "https://arxiv.org/abs/2210.11416"


ORG_LIST = """#+TITLE: Awesome Reasoning
#+OPTIONS: toc:nil
Papers on reasoning.
* Prompting                                                   :llm:
- [[https://arxiv.org/abs/2201.11903][Chain-of-Thought Prompting Elicits Reasoning in Large Language Models]] (NeurIPS 2022)
** Self-Consistency
- [[https://arxiv.org/abs/2203.11171][Self-Consistency Improves Chain of Thought Reasoning]], ICLR 2023
  + [[https://github.com/a/b][code]]
* Alignment
- Direct Preference Optimization [[https://arxiv.org/abs/2305.18290][pdf]]
#+BEGIN_SRC bibtex
- [[https://arxiv.org/abs/2402.13446][A Citation Block, No Item]]
#+END_SRC
"""


def test_an_org_mode_list_is_read_as_the_markdown_it_stands_for(tmp_path):
    """A README.org read as nothing ("nothing in it reads as a list of papers", exit 1):
    its ``*`` headings are the sections (their tags no part of the name), its
    ``[[url][Title]]`` links the items', a source block none."""
    document = parse_list(ORG_LIST)
    assert [(c.slug, c.parent) for c in document.sections] == [
        ("prompting", None), ("self-consistency", "prompting"), ("alignment", None)]
    assert [(i.line, i.section, i.label, i.title, i.paper_link) for i in document.items] == [
        (5, "prompting", "NeurIPS 2022", "Chain-of-Thought Prompting Elicits Reasoning in "
         "Large Language Models", "https://arxiv.org/abs/2201.11903"),
        (7, "self-consistency", "ICLR 2023", "Self-Consistency Improves Chain of Thought "
         "Reasoning", "https://arxiv.org/abs/2203.11171"),
        (10, "alignment", None, "Direct Preference Optimization",
         "https://arxiv.org/abs/2305.18290")]
    assert document.items[1].link("code") == "https://github.com/a/b"
    assert _entries_imported(ORG_LIST, "README.org", tmp_path) == 3


def test_a_paper_heading_over_quoted_or_bold_lines_or_fields_after_a_blank_is_one_item():
    """Three shapes of a paper written as a heading: its authors and venue quoted (``> Jason
    Wei, ...``: the quote's mark kept them from being read), its fields on bold lines of
    their own (``**Venue:** ICLR 2023``: the heading became a section, its paper line an
    item titled "Paper"), its venue after its title (``### Title (ICLR 2023)``); and
    fields after a blank line. A section heading over papers of their own stays one."""
    document = parse_list(
        "## Reasoning\n"
        "### Chain-of-Thought Prompting Elicits Reasoning in Large Language Models\n"
        "> Jason Wei, Xuezhi Wang, Dale Schuurmans\n> NeurIPS 2022\n\n"
        "[[Paper]](https://arxiv.org/abs/2201.11903) [[Code]](https://github.com/a/b)\n\n"
        "### Self-Consistency Improves Chain of Thought Reasoning in Language Models\n"
        "**Authors:** Xuezhi Wang, Jason Wei  \n**Venue:** ICLR 2023  \n"
        "**Paper:** [arXiv](https://arxiv.org/abs/2203.11171)\n\n"
        "#### ReAct: Synergizing Reasoning and Acting in Language Models (ICLR 2023)\n"
        "[paper](https://arxiv.org/abs/2210.03629) | [code](https://github.com/ysymyth/ReAct)\n\n"
        "### Toolformer: Language Models Can Teach Themselves to Use Tools\n\n"
        "- **Authors**: Timo Schick, Jane Dwivedi-Yu\n"
        "- **Paper**: [arXiv](https://arxiv.org/abs/2302.04761)\n\n"
        "### Instruction Tuning Papers\n\n"
        "- Paper: [Finetuned Language Models Are Zero-Shot Learners](https://arxiv.org/abs/"
        "2109.01652)\n")
    assert [(i.section, i.label, i.title, i.authors) for i in document.items] == [
        ("reasoning", "NeurIPS 2022", "Chain-of-Thought Prompting Elicits Reasoning in Large "
         "Language Models", ("Jason Wei", "Xuezhi Wang", "Dale Schuurmans")),
        ("reasoning", "ICLR 2023", "Self-Consistency Improves Chain of Thought Reasoning in "
         "Language Models", ("Xuezhi Wang", "Jason Wei")),
        ("reasoning", "ICLR 2023", "ReAct: Synergizing Reasoning and Acting in Language Models",
         ()),
        ("reasoning", None, "Toolformer: Language Models Can Teach Themselves to Use Tools",
         ("Timo Schick", "Jane Dwivedi-Yu")),
        ("instruction-tuning-papers", None, "Finetuned Language Models Are Zero-Shot Learners",
         ())]


def test_reference_style_links_are_the_links_they_name():
    """``[Title][ding2023]`` with ``[ding2023]: url`` defined below (CommonMark's reference
    links): the title was read as the label and "[ding2023]" as the title, with no link;
    ``[[paper]][si]`` was read as Org-mode and its links refused."""
    document = parse_list(
        "## Papers\n\n"
        "- [Is GPT-3 a Good Data Annotator?][Ding2023] (ACL 2023)\n"
        "- [AnnoLLM: Making Large Language Models to Be Better Crowdsourced Annotators][] - "
        "NAACL 2024\n"
        "- **Self-Instruct: Aligning Language Models with Self-Generated Instructions** "
        "[[paper]][si] [[code]][si code]\n"
        "- [Want To Reduce Labeling Cost? GPT-3 Can Help] [ACL 2023]\n"
        "- [Chain of Thought Prompting][wiki]\n"
        "\n```\n[si]: https://example.org/not-a-definition\n```\n\n"
        "[ding2023]: https://arxiv.org/abs/2212.10450\n"
        "[annollm: making large language models to be better  crowdsourced annotators]: "
        "<https://arxiv.org/abs/2303.16854> \"AnnoLLM\"\n"
        "  [SI]: https://arxiv.org/abs/2212.10560 'Self-Instruct'\n"
        "[si]: https://arxiv.org/abs/9999.99999\n"
        "[si code]: https://github.com/yizhongw/self-instruct\n"
        "[want to reduce labeling cost? gpt-3 can help]: https://arxiv.org/abs/2108.13487\n"
        "[wiki]: https://arxiv.org/abs/2201.11903#a_(b)\n")
    read = {item.title: (item.label, item.links, item.line) for item in document.items}
    assert read == {
        "Is GPT-3 a Good Data Annotator?": (
            "ACL 2023", (("pdf", "https://arxiv.org/abs/2212.10450"),), 3),
        "AnnoLLM: Making Large Language Models to Be Better Crowdsourced Annotators": (
            "NAACL 2024", (("pdf", "https://arxiv.org/abs/2303.16854"),), 4),
        # the first definition of a label wins; labels compare without case
        "Self-Instruct: Aligning Language Models with Self-Generated Instructions": (
            None, (("pdf", "https://arxiv.org/abs/2212.10560"),
                   ("code", "https://github.com/yizhongw/self-instruct")), 5),
        # a shortcut reference, then a bracket no definition names: a label
        "Want To Reduce Labeling Cost? GPT-3 Can Help": (
            "ACL 2023", (("pdf", "https://arxiv.org/abs/2108.13487"),), 6),
        "Chain of Thought Prompting": (
            None, (("pdf", "https://arxiv.org/abs/2201.11903#a_%28b%29"),), 7),
    }
    assert document.refused == ()


def test_a_reference_definition_is_checked_as_every_link_is():
    """A definition's address becomes the item's link only through the same grammar as an
    inline one: braces, a backslash or another scheme refuse it."""
    hostile = "https://arxiv.org/abs/2201.11903},note={\\input{/etc/hostname}}"
    document = parse_list(f"## Papers\n- [On Things That Matter][1] [[code]][2]\n\n"
                          f"[1]: {hostile}\n[2]: file:///etc/passwd\n")
    assert document.items == ()
    assert [(line, url) for line, url, _why in document.refused] == [
        (2, hostile), (2, "file:///etc/passwd")]
    inline = parse_list(f"## Papers\n- [On Things That Matter]({hostile}) "
                        "[[code]](file:///etc/passwd)\n")
    assert document.refused == inline.refused


def test_a_list_whose_sections_are_level_one_headings_keeps_every_paper():
    """``# Papers`` / ``# Datasets`` as a list's sections: the papers under them were left
    out (only a ``##`` opened a section), and with one ``##`` below, all but its own."""
    document = parse_list(
        "# Awesome Annotation\n\nA list.\n\n# Papers\n- [Paper A Title](https://arxiv.org/abs/"
        "2201.11903)\n# Datasets\n- [Paper B Title](https://arxiv.org/abs/2212.10450)\n"
        "## Synthetic\n- [Paper C Title](https://arxiv.org/abs/2212.10560)\n"
        "<h1>Tools</h1>\n\n- [Paper D Title](https://arxiv.org/abs/2303.15056)\n")
    assert [(s.slug, s.depth, s.parent) for s in document.sections] == [
        ("papers", 0, None), ("datasets", 0, None), ("synthetic", 1, "datasets"),
        ("tools", 0, None)]
    assert [(i.title, i.section) for i in document.items] == [
        ("Paper A Title", "papers"), ("Paper B Title", "datasets"),
        ("Paper C Title", "synthetic"), ("Paper D Title", "tools")]
    # a title over "##" sections is no section of its own, as before
    usual = parse_list("# Awesome\n\n## Papers\n- [Paper A Title](https://arxiv.org/abs/"
                       "2201.11903)\n")
    assert [s.slug for s in usual.sections] == ["papers"]


def test_level_one_headings_grouping_sections_are_the_top_of_the_tree():
    """``# Attacks`` and ``# Defenses``, each over ``##`` and ``###`` sections of papers,
    after the list's ``#`` title and a ``#`` of prose: the groups were lost (a ``##`` was
    the top); a heading's way back to the top ("([To Top](#x))") is no part of its name."""
    document = parse_list(
        "# Awesome RAG Security\n\nA list.\n\n# Interactive Taxonomy\n\nDiagrams.\n\n"
        "# Attacks\n\n## Poisoning (S1)\n\n### Corpus Poisoning ([To Top](#awesome-rag))\n\n"
        "- [Paper A Title Here](https://arxiv.org/abs/2201.11903)\n\n"
        "# Defenses\n\n## Integrity (L1) [⬆ back to top](#contents)\n\n"
        "- [Paper B Title Here](https://arxiv.org/abs/2212.10450)\n")
    assert [(s.slug, s.heading, s.depth, s.parent) for s in document.sections] == [
        ("attacks", "Attacks", 0, None), ("poisoning-s1", "Poisoning (S1)", 1, "attacks"),
        ("corpus-poisoning", "Corpus Poisoning", 2, "poisoning-s1"),
        ("defenses", "Defenses", 0, None), ("integrity-l1", "Integrity (L1)", 1, "defenses")]
    assert [i.section for i in document.items] == ["corpus-poisoning", "integrity-l1"]
    # one "#" over papers, or groups whose sections go four deep, leave "##" the top
    one = parse_list("# Awesome\n\n# Papers\n\n## Methods\n\n- [Paper A Title Here]("
                     "https://arxiv.org/abs/2201.11903)\n")
    assert [s.slug for s in one.sections] == ["methods"]
    deep = parse_list("# T\n# A\n## B\n### C\n#### D\n- [Paper A Title Here](https://"
                      "arxiv.org/abs/2201.11903)\n# E\n## F\n- [Paper B Title Here](https://"
                      "arxiv.org/abs/2212.10450)\n")
    assert [s.slug for s in deep.sections if s.depth == 0] == ["b", "f"]


def test_a_reports_numbered_paper_headings_over_chinese_fields_are_its_papers():
    """A report in Chinese writes each paper as ``## 1. Title`` over bullets of its fields
    (作者 authors, 年份与发表 year and venue, 可靠入口 its links), then a write-up under
    ``###`` headings and a figure: the two papers were one entry titled "可靠入口" (the
    links' field name), and the figure a line "unread"."""
    document = parse_list(
        "# 具身 In-Context Learning 专题\n\n## 论文\n\n"
        "## 1. Zero-WAM: In-Context World-Action Modeling from Human Videos\n\n"
        "- **作者**：Jiaming Zhou, Qihang Zhang, Yinghao Xu\n"
        "- **年份与发表**：2026，arXiv 预印本（v1：2026-08-26）\n- **arXiv ID**：2608.26103\n"
        "- **可靠入口**：[论文](https://arxiv.org/abs/2608.26103) · [项目](https://zero-wam."
        "github.io/)\n\n![Zero-WAM 代表图](https://arxiv.org/html/2608.26103v2/fig.png)\n\n"
        "### 核心内容与 Insight\n\nZero-WAM 将具身 ICL 明确定义为……\n\n"
        "## 2. RA-VLA: Retrieval-Augmented VLA for Test-Time Adaptation\n\n"
        "- **作者**：Sanghwan Jang, Hwanjo Yu\n- **年份与发表**：2026，ICML 2026；arXiv v1\n"
        "- **可靠入口**：[论文](https://arxiv.org/abs/2608.25585)\n\n### Pipeline\n\n"
        "- **输入**：当前双视角 RGB、语言指令。\n")
    assert [(i.title, i.authors, i.links[0]) for i in document.items] == [
        ("Zero-WAM: In-Context World-Action Modeling from Human Videos",
         ("Jiaming Zhou", "Qihang Zhang", "Yinghao Xu"),
         ("pdf", "https://arxiv.org/abs/2608.26103")),
        ("RA-VLA: Retrieval-Augmented VLA for Test-Time Adaptation",
         ("Sanghwan Jang", "Hwanjo Yu"), ("pdf", "https://arxiv.org/abs/2608.25585"))]
    assert ("html", "https://zero-wam.github.io/") in document.items[0].links
    assert document.items[1].label == "ICML 2026"
    # a paper's own write-up is no section of the list, and a figure no unread paper
    assert [s.heading for s in document.sections] == ["论文"]
    assert document.unread == ()


def test_a_label_in_brackets_leading_a_links_words_labels_its_paper():
    """FedNoisy's HTML table (a cell a line, rowspans) links each paper as ``<a>[2018 ICLR]
    Mixup: ...</a>``: no paper was read ("nothing in it reads as a list of papers"); the
    Markdown ``[[2018 ICLR] Title](url)`` was unread, and ``[2018 ICLR]`` a year alone."""
    document = parse_list(
        "## Algorithms\n\n<table>\n<tbody>\n<tr>\n<td rowspan=\"2\"><strong>Federated "
        "Algorithm</strong></td>\n<td rowspan=\"2\"><strong>Paper</strong></td>\n</tr>\n"
        "<tr>\n<td rowspan=\"8\">FedAvg</td>\n<td>Mixup</td>\n<td><a href=\"https://arxiv.org/"
        "abs/1710.09412\" target=\"_blank\">[2018 ICLR] Mixup: Beyond empirical risk "
        "minimization</a></td>\n</tr>\n</tbody>\n</table>\n\n"
        "- [[2019 ICCV] Symmetric Cross Entropy for Robust Learning](https://openaccess.thecvf"
        ".com/content_ICCV_2019/papers/Wang_Symmetric.pdf)\n"
        "- [2018 NeurIPS] [Co-teaching: Robust Training of Deep Networks](https://arxiv.org/abs/"
        "1804.06872)\n")
    assert [(i.title, i.label) for i in document.items] == [
        ("Mixup: Beyond empirical risk minimization", "ICLR 2018"),
        ("Symmetric Cross Entropy for Robust Learning", "ICCV 2019"),
        ("Co-teaching: Robust Training of Deep Networks", "NeurIPS 2018")]
    assert document.unread == ()


def test_headings_that_skip_a_level_are_siblings_and_the_deepest_a_section():
    """LLMSurvey writes ``## Resources`` over ``#### Models`` and ``#### Corpora``, and
    ``#####`` under ``####``: the second ``####`` was read as under the first, and each
    ``#####`` as no section; a list of ``### 2024`` and ``### 2023`` alone nested 2023
    under 2024."""
    document = parse_list(
        "# LLMSurvey\n\n## Resources\n\n#### Models\n\n1. **\"Paper One Title\"**. "
        "[[Paper](https://arxiv.org/abs/2201.11903)]\n\n#### Corpora\n\n1. **\"Paper Two "
        "Title\"**. [[Paper](https://arxiv.org/abs/2201.11904)]\n\n```\n## not a heading\n```\n"
        "\n## Pre-training\n\n#### Architecture\n\n##### Analysis\n\n1. **\"Paper Three "
        "Title\"**. [[Paper](https://arxiv.org/abs/2201.11905)]\n")
    assert [(s.slug, s.depth, s.parent) for s in document.sections] == [
        ("resources", 0, None), ("models", 1, "resources"), ("corpora", 1, "resources"),
        ("pre-training", 0, None), ("architecture", 1, "pre-training"),
        ("analysis", 2, "architecture")]
    assert [i.section for i in document.items] == ["models", "corpora", "analysis"]
    years = parse_list("# L\n### 2024\n- [Paper One Title](https://arxiv.org/abs/2401.00001)\n"
                       "### 2023\n- [Paper Two Title](https://arxiv.org/abs/2301.00001)\n")
    assert [(s.slug, s.parent) for s in years.sections] == [("2024", None), ("2023", None)]


@pytest.mark.parametrize("after, authors, et_al, label", [
    # one author, a venue and year after: the author was read as the venue ("Noam Shazeer")
    ("*Noam Shazeer*. arXiv 2019.", ("Noam Shazeer",), False, "arXiv 2019"),
    # an organisation, then the venue: no author, the venue after
    ("*OpenAI*. arXiv 2023.", (), False, "arXiv 2023"),
    ("*Huawei Technologies Co., Ltd.* Artificial Intelligence Technology 2022.", (), False,
     "Artificial Intelligence Technology 2022"),
    # "el al." for "et al.", a venue of several words (it was its last word)
    ("*Trieu H. Trinh el al.* arXiv 2018.", ("Trieu H. Trinh",), True, "arXiv 2018"),
    ("*Yanjun Ma et al.* Frontiers of Data and Computing 2019.", ("Yanjun Ma",), True,
     "Frontiers of Data and Computing 2019"),
    # a list's typo in one name keeps the others
    ("*ason Wei, Maarten Bosma, Vincent Y. Zhao.* ICLR 2022.",
     ("ason Wei", "Maarten Bosma", "Vincent Y. Zhao"), False, "ICLR 2022"),
])
def test_the_authors_emphasised_after_a_bold_title_and_the_venue_after_them(after, authors,
                                                                              et_al, label):
    """LLMSurvey's ``N. <u>Name</u>: **"Title"**. *Authors* Venue Year. [[Paper](url)]``."""
    (item,) = parse_list(f'## Models\n1. <u>GLaM</u>: **"Efficient Scaling of Language '
                         f'Models"**. {after} [[Paper](https://arxiv.org/abs/2112.06905)]\n').items
    assert (item.title, item.authors, item.et_al, item.label) == (
        "Efficient Scaling of Language Models", authors, et_al, label)


AGENTS_LIST = """## Agents

#### Embodied Action
- [2023/07] Interactive language: Talking to robots in real time *Corey Lynch et al. IEEE(RAL)* [[paper](https://arxiv.org/pdf/2210.06407.pdf)]
- [2022/07] LM-Nav: Robotic Navigation with Large Pre-Trained Models *Dhruv Shah, Blazej Osinski. CoRL* [[paper](https://proceedings.mlr.press/v205/shah23b/shah23b.pdf)]

#### Task-oriented Deployment
- [2023/07] **WebArena: A Realistic Web Environment for Building Autonomous Agents.** *Shuyan Zhou (CMU) et al. arXiv.* [[paper](https://arxiv.org/abs/2307.13854)] [[code](https://webarena.dev/)]
- [2023/06] **SYNAPSE: Leveraging Few-Shot Exemplars for
Human-Level Computer Control.** *Longtao Zheng (Nanyang Technological University) et al. arXiv.* [[paper](https://arxiv.org/abs/2306.07863)]
- [2023/01] **Blind Judgement: Agent-Based Supreme Court Modelling With GPT.** *Sil Hamilton (McGill University). arXiv.* [[paper](https://arxiv.org/abs/2301.05327)]
- [2023/05] **Examining the Inter-Consistency of Large Language Models.** *Kai Xiong (Harbin Institute of Technology) et al. arXiv.* [[paper](https://arxiv.org/abs/2305.11595)] [[code]()]
"""


def test_llm_agent_paper_lists_shapes_read_their_authors_venue_and_year():
    """LLM-Agent-Paper-List: ``[date] Title *Authors et al. Venue*`` (the title held the
    authors and venue), the bold title's authors with an affiliation in brackets (none
    read), a bold title broken over two lines (two items, neither the paper), a venue with
    no year under a date (the year was lost), and an empty ``[[code]()]`` (the paper left
    out as linking nothing)."""
    document = parse_list(AGENTS_LIST)
    assert [(i.title, i.authors, i.et_al, i.label) for i in document.items] == [
        ("Interactive language: Talking to robots in real time", ("Corey Lynch",), True,
         "IEEE(RAL) 2023"),
        ("LM-Nav: Robotic Navigation with Large Pre-Trained Models",
         ("Dhruv Shah", "Blazej Osinski"), False, "CoRL 2022"),
        ("WebArena: A Realistic Web Environment for Building Autonomous Agents",
         ("Shuyan Zhou",), True, "arXiv 2023"),
        ("SYNAPSE: Leveraging Few-Shot Exemplars for Human-Level Computer Control",
         ("Longtao Zheng",), True, "arXiv 2023"),
        ("Blind Judgement: Agent-Based Supreme Court Modelling With GPT", ("Sil Hamilton",),
         False, "arXiv 2023"),
        ("Examining the Inter-Consistency of Large Language Models", ("Kai Xiong",), True,
         "arXiv 2023")]
    assert document.left_out == () and document.unread == ()


def test_bold_lines_and_details_summaries_over_papers_are_their_groups():
    """``**Annotation with LLMs**`` or ``<details><summary>Evaluation</summary>`` over a
    group of papers: its papers were filed under the heading above, the groups lost."""
    document = parse_list(
        "## Papers\n\n**Annotation with LLMs**\n\n"
        "- [Is GPT-3 a Good Data Annotator?](https://arxiv.org/abs/2212.10450) ACL 2023\n\n"
        "__Synthetic data:__\n"
        "- [Self-Instruct: Aligning Language Models](https://arxiv.org/abs/2212.10560)\n\n"
        "<details><summary><b>Evaluation</b></summary>\n\n"
        "- [ChatGPT Outperforms Crowd-Workers](https://arxiv.org/abs/2303.15056) PNAS 2023\n"
        "\n</details>\n\n## Surveys\n\n<details><summary>Surveys</summary>\n\n"
        "- [A Survey of Annotation](https://arxiv.org/abs/2402.13446)\n</details>\n")
    assert [(s.slug, s.depth, s.parent) for s in document.sections] == [
        ("papers", 0, None), ("annotation-with-llms", 1, "papers"),
        ("synthetic-data", 1, "papers"), ("evaluation", 1, "papers"), ("surveys", 0, None)]
    assert [i.section for i in document.items] == [
        "annotation-with-llms", "synthetic-data", "evaluation", "surveys"]


def test_a_bold_line_over_its_links_is_one_paper():
    """``**Title**`` alone on a line over ``- Paper: url`` / ``- Code: url`` or a line of
    its links: one paper (nothing was read)."""
    document = parse_list(
        "## Papers\n\n**Self-Instruct: Aligning Language Models with Self-Generated "
        "Instructions**\n- Paper: https://arxiv.org/abs/2212.10560\n"
        "- Code: https://github.com/yizhongw/self-instruct\n\n"
        "**AnnoLLM: Making LLMs Better Annotators**\n\n- [Paper](https://arxiv.org/abs/"
        "2303.16854)\n")
    assert [(i.title, i.links, i.section) for i in document.items] == [
        ("Self-Instruct: Aligning Language Models with Self-Generated Instructions",
         (("pdf", "https://arxiv.org/abs/2212.10560"),
          ("code", "https://github.com/yizhongw/self-instruct")), "papers"),
        ("AnnoLLM: Making LLMs Better Annotators",
         (("pdf", "https://arxiv.org/abs/2303.16854"),), "papers")]
    assert [s.slug for s in document.sections] == ["papers"]


@pytest.mark.parametrize("line, title, label, links", [
    # a project's link, then its paper's title after a colon (the item was left out)
    ("- [Self-Instruct](https://github.com/yizhongw/self-instruct): Aligning Language Models "
     "with Self-Generated Instructions [[paper]](https://arxiv.org/abs/2212.10560)",
     "Self-Instruct: Aligning Language Models with Self-Generated Instructions", None,
     (("pdf", "https://arxiv.org/abs/2212.10560"),
      ("code", "https://github.com/yizhongw/self-instruct"))),
    # a project's link, then a title that repeats its name (left out)
    ("- [GPT4All](https://github.com/nomic-ai/gpt4all) - GPT4All: Training an Assistant-style "
     "Chatbot with Large Scale Data Distillation from GPT-3.5-Turbo. [[report]](https://arxiv."
     "org/abs/2304.00001)", "GPT4All: Training an Assistant-style Chatbot with Large Scale "
     "Data Distillation from GPT-3.5-Turbo", None,
     (("pdf", "https://arxiv.org/abs/2304.00001"),
      ("code", "https://github.com/nomic-ai/gpt4all"))),
    # a bold name, then its title after a colon (titled "AnnoLLM")
    ("- **AnnoLLM**: Making Large Language Models to Be Better Crowdsourced Annotators. "
     "NAACL 2024 [[arXiv]](https://arxiv.org/abs/2303.16854)",
     "AnnoLLM: Making Large Language Models to Be Better Crowdsourced Annotators",
     "NAACL 2024", (("pdf", "https://arxiv.org/abs/2303.16854"),)),
    # a bold name, then a link whose words are the title (titled "Alpaca")
    ("- **Alpaca** - [Stanford Alpaca: An Instruction-following LLaMA Model](https://arxiv.org/"
     "abs/2303.00001) [[code]](https://github.com/tatsu-lab/stanford_alpaca)",
     "Stanford Alpaca: An Instruction-following LLaMA Model", None,
     (("pdf", "https://arxiv.org/abs/2303.00001"),
      ("code", "https://github.com/tatsu-lab/stanford_alpaca"))),
    # a bold title, then its authors after a dash: no title of the authors
    ("- **Chain of Thought Prompting Elicits Reasoning** - Jason Wei, Xuezhi Wang et al. "
     "NeurIPS 2022 [[paper]](https://arxiv.org/abs/2201.11903)",
     "Chain of Thought Prompting Elicits Reasoning", "NeurIPS 2022",
     (("pdf", "https://arxiv.org/abs/2201.11903"),)),
])
def test_a_projects_name_before_its_papers_title_is_part_of_it_or_none(line, title, label,
                                                                      links):
    (item,) = parse_list(f"## A\n{line}\n").items
    assert (item.title, item.label, item.links) == (title, label, links)


@pytest.mark.parametrize("text, title, label, authors", [
    ("Is GPT-3 a Good Data Annotator? - Bosheng Ding, Chengwei Qin - ACL 2023",
     "Is GPT-3 a Good Data Annotator?", "ACL 2023", ("Bosheng Ding", "Chengwei Qin")),
    ("Visual Instruction Tuning - Haotian Liu et al.", "Visual Instruction Tuning", None,
     ("Haotian Liu",)),
    # a dash of the title's own: one name alone, or words that name no one, stay in it
    ("Textbooks Are All You Need - Phi One", "Textbooks Are All You Need - Phi One", None, ()),
    ("Toolformer - Language Models Can Teach Themselves to Use Tools",
     "Toolformer - Language Models Can Teach Themselves to Use Tools", None, ()),
])
def test_fields_after_spaced_dashes_are_the_titles_authors_and_venue(text, title, label,
                                                                    authors):
    """``Title - Authors et al. - ACL 2023 - [📄](url)``: the title held them all."""
    (item,) = parse_list(f"## A\n- {text} - [📄](https://arxiv.org/abs/2212.10450)\n").items
    assert (item.title, item.label, item.authors) == (title, label, authors)


def test_a_sections_paper_count_is_no_part_of_its_name():
    """``## 📚 Papers (120)``: the section was "papers-120", another section once the count
    changes (a list kept in step would move every paper); a year stays."""
    document = parse_list("## 📚 Papers (120)\n- [Paper A Title](https://arxiv.org/abs/"
                          "2201.11903)\n## ICLR (2023)\n- [Paper B Title](https://arxiv.org/"
                          "abs/2212.10450)\n## Notes [3]\n- [Paper C Title](https://arxiv.org/"
                          "abs/2212.10560)\n")
    assert [(s.slug, s.heading) for s in document.sections] == [
        ("papers", "Papers"), ("iclr-2023", "ICLR (2023)"), ("notes", "Notes")]


def test_a_table_row_titled_by_a_projects_name_and_its_repository_as_code():
    """``| [AnnoLLM](repo) | [arXiv](url) | - | NAACL 2024 |``: the row was read as an item
    titled "| | |", its repository a paper link."""
    (item,) = parse_list("## A\n| Name | Paper | Code | Venue |\n|---|---|---|---|\n"
                         "| [AnnoLLM](https://github.com/x/annollm) | [arXiv](https://arxiv.org/"
                         "abs/2303.16854) | - | NAACL 2024 |\n").items
    assert (item.title, item.label, item.links) == (
        "AnnoLLM", "NAACL 2024", (("pdf", "https://arxiv.org/abs/2303.16854"),
                                  ("code", "https://github.com/x/annollm")))


def test_a_numbered_title_over_bullets_of_its_authors_venue_and_link_is_one_paper():
    """``1. **Title**`` over ``- Authors`` / ``- Venue Year`` / ``- [paper](url)``: the paper
    was unread."""
    (item,) = parse_list("## 2023\n1. **Want To Reduce Labeling Cost? GPT-3 Can Help**\n"
                         "   - Shuohang Wang, Yang Liu\n   - Findings of EMNLP 2021\n"
                         "   - [paper](https://arxiv.org/abs/2108.13487)\n"
                         "2. **Papers of another kind here**\n"
                         "   - [Is GPT-3 a Good Data Annotator?](https://arxiv.org/abs/"
                         "2212.10450)\n").items[:1]
    assert (item.title, item.label, item.authors, item.links) == (
        "Want To Reduce Labeling Cost? GPT-3 Can Help", "Findings of EMNLP 2021",
        ("Shuohang Wang", "Yang Liu"), (("pdf", "https://arxiv.org/abs/2108.13487"),))


@pytest.mark.parametrize("line, title, label, authors, links", [
    # RUCAIBox's LLMSurvey: a model's underlined name, the title bold in quotes, one author
    # and "et al." in italics (read as the venue, the name and quotes kept in the title)
    ('1. <u>GPT-3</u>: **"Language Models are Few-Shot Learners"**. *Tom B. Brown et al.* '
     "NeurIPS 2020. [[Paper](https://arxiv.org/abs/2005.14165)]",
     "Language Models are Few-Shot Learners", "NeurIPS 2020", ("Tom B. Brown",),
     (("pdf", "https://arxiv.org/abs/2005.14165"),)),
    ('2. **"Scaling Instruction-Finetuned Language Models"**. *Hyung Won Chung et al.* arXiv '
     "2022. [[Paper](https://arxiv.org/abs/2210.11416)] [[Checkpoint](https://huggingface.co/"
     "google/flan-t5-xxl)]", "Scaling Instruction-Finetuned Language Models", "arXiv 2022",
     ("Hyung Won Chung",), (("pdf", "https://arxiv.org/abs/2210.11416"),
                            # (a word no kind has: kept as said, never the paper)
                            ("checkpoint", "https://huggingface.co/google/flan-t5-xxl"))),
    ("- T0 - **“Multitask Prompted Training Enables Zero-Shot Task Generalization”** "
     "*Victor Sanh, Albert Webson* ICLR 2022 [[Paper](https://arxiv.org/abs/2110.08207)]",
     "Multitask Prompted Training Enables Zero-Shot Task Generalization", "ICLR 2022",
     ("Victor Sanh", "Albert Webson"), (("pdf", "https://arxiv.org/abs/2110.08207"),)),
    # a name before a bold linked title: read as the bold link it is
    ("1. GPT-3: **[Language Models are Few-Shot Learners](https://arxiv.org/abs/2005.14165)**. "
     "*Tom B. Brown et al.* NeurIPS 2020.", "Language Models are Few-Shot Learners",
     "NeurIPS 2020", ("Tom B. Brown",), (("pdf", "https://arxiv.org/abs/2005.14165"),)),
    # a checkpoint's page before the paper's: the paper's is the paper link
    ('- <u>Flan-T5</u>: **"Scaling Instruction-Finetuned Language Models"**. *Hyung Won Chung '
     "et al.* arXiv 2022. [[Checkpoint](https://huggingface.co/google/flan-t5-xxl)] [[Paper]("
     "https://arxiv.org/abs/2210.11416)]", "Scaling Instruction-Finetuned Language Models",
     "arXiv 2022", ("Hyung Won Chung",), (("pdf", "https://arxiv.org/abs/2210.11416"),
                                          ("checkpoint", "https://huggingface.co/google/"
                                           "flan-t5-xxl"))),
    # a talk's video and a project's page before the paper: the paper's is the paper link
    ("- **Toolformer: Language Models Can Teach Themselves to Use Tools** [Video](https://"
     "youtube.com/watch?v=1) [Toolformer](https://toolformer.github.io) [arXiv](https://"
     "arxiv.org/abs/2302.04761) *Timo Schick et al.* NeurIPS 2023", "Toolformer: Language "
     "Models Can Teach Themselves to Use Tools", "NeurIPS 2023", ("Timo Schick",),
     (("pdf", "https://arxiv.org/abs/2302.04761"), ("video", "https://youtube.com/watch?v=1"),
      ("paper", "https://toolformer.github.io"))),
    # pictographs marking each link, a bar between them: they were read into the title
    # and the label before them lost
    ("- Self-Instruct: Aligning Language Models with Self-Generated Instructions (ACL 2023) "
     "📄 [Paper](https://arxiv.org/abs/2212.10560) | 💻 [Code](https://github.com/yizhongw/"
     "self-instruct)", "Self-Instruct: Aligning Language Models with Self-Generated "
     "Instructions", "ACL 2023", (), (("pdf", "https://arxiv.org/abs/2212.10560"),
                                      ("code", "https://github.com/yizhongw/self-instruct"))),
])
def test_a_models_name_quoted_bold_titles_et_al_and_marked_links_are_read(line, title, label,
                                                                          authors, links):
    (item,) = parse_list(f"## Papers\n\n{line}\n").items
    assert (item.title, item.label, item.authors, item.links) == (title, label, authors, links)
    assert item.et_al == (len(authors) == 1)


@pytest.mark.parametrize("line, title", [
    # quotes that are the title's own stay: they open or close only a part of it
    ('- **"Why Should I Trust You?": Explaining the Predictions of Any Classifier** '
     "[[paper]](https://arxiv.org/abs/1602.04938)",
     '"Why Should I Trust You?": Explaining the Predictions of Any Classifier'),
    # a long name before the bold words is no model's name: the line is read as before
    ("- A Survey Written By Many People: **Bold Words Here** [[paper]](https://arxiv.org/abs/"
     "2402.13446)", None),
])
def test_quotes_and_names_that_are_the_titles_own_stay(line, title):
    (item,) = parse_list(f"## Papers\n\n{line}\n").items
    if title is not None:
        assert item.title == title
    else:
        assert "A Survey Written By Many People" in item.title


@pytest.mark.parametrize("line, label", [
    # WooooDyy's agent list: a date first, the venue in the italics after the authors
    ("- [2023/05] **Is GPT-3 a Good Data Annotator?** *Bosheng Ding et al. ACL 2023.* "
     "[[paper](https://aclanthology.org/2023.acl-long.626/)]", "ACL 2023"),
    # a venue said without a year: dated by the date ("arXiv" alone lost the year)
    ("- [2023/03] **ChatGPT Outperforms Crowd-Workers for Text-Annotation Tasks.** *Fabrizio "
     "Gilardi et al. arXiv.* [[paper](https://arxiv.org/abs/2303.15056)]", "arXiv 2023"),
    # no venue said: the date stays the label (its year)
    ("- [2023/03] **ChatGPT Outperforms Crowd-Workers for Text-Annotation Tasks.** *Fabrizio "
     "Gilardi et al.* [[paper](https://arxiv.org/abs/2303.15056)]", "2023/03"),
    # a venue as the label is the label whatever follows
    ("- [EMNLP 2023] **Is GPT-3 a Good Data Annotator?** *Bosheng Ding et al. ACL 2023.* "
     "[[paper](https://aclanthology.org/2023.acl-long.626/)]", "EMNLP 2023"),
])
def test_a_venue_after_the_authors_is_the_label_over_a_leading_date(line, label):
    (item,) = parse_list(f"## Papers\n\n{line}\n").items
    assert item.label == label and item.et_al and len(item.authors) == 1


@pytest.mark.parametrize("text, authors", [
    # a bold title over lines of its authors and venue (Markdown's two-space line breaks)
    ("- **Large Language Models are Zero-Shot Reasoners**  \n  Takeshi Kojima, Shixiang "
     "Shane Gu, Machel Reid  \n  NeurIPS 2022 [[Paper](https://arxiv.org/abs/2205.11916)]",
     ("Takeshi Kojima", "Shixiang Shane Gu", "Machel Reid")),
    # the authors, then the venue and year with a comma between: the venue is no author
    ("1. [Self-Consistency Improves Chain of Thought Reasoning in Language Models](https://"
     "arxiv.org/abs/2203.11171), Xuezhi Wang, Jason Wei, Dale Schuurmans, ICLR, 2023.",
     ("Xuezhi Wang", "Jason Wei", "Dale Schuurmans")),
])
def test_plain_authors_beside_a_venue_are_read(text, authors):
    (item,) = parse_list(f"## Papers\n\n{text}\n").items
    assert (item.authors, item.et_al) == (authors, False)
    assert item.label in ("NeurIPS 2022", "ICLR 2023")


def test_plain_words_after_a_bold_title_are_no_authors():
    """Two capitalised phrases are not two people: the names rule holds (each reads as a
    person, no kind or site words)."""
    (item,) = parse_list("## Papers\n\n- **A Paper Title Of Words**. Code Release, Project "
                         "Page. ICLR 2023 [[Paper](https://arxiv.org/abs/2205.11916)]\n").items
    assert item.authors == () and item.label == "ICLR 2023"


RST_LIST = """Awesome RST List
================

Annotation
----------

- `ChatGPT Outperforms Crowd-Workers for Text-Annotation Tasks <https://arxiv.org/abs/2303.15056>`_ (PNAS 2023)
- `Is GPT-3 a Good Data Annotator? <https://aclanthology.org/2023.acl-long.626/>`__ - ACL 2023

Synthesis
---------

* Self-Instruct: Aligning Language Models with Self-Generated Instructions. ACL 2023. `[paper] <https://arxiv.org/abs/2212.10560>`_ `[code] <https://github.com/yizhongw/self-instruct>`_
* `Direct Preference Optimization`_ (NeurIPS 2023)

.. _Direct Preference Optimization: https://arxiv.org/abs/2305.18290
"""


def test_a_restructuredtext_list_is_read_as_the_markdown_it_stands_for(tmp_path):
    """A README.rst: its ```Title <url>`_`` links were read as bare addresses ("[paper]" and
    the venue left in the title), its named references not at all."""
    document = parse_list(RST_LIST)
    assert [c.slug for c in document.sections] == ["annotation", "synthesis"]
    assert [(i.line, i.section, i.label, i.title, i.paper_link) for i in document.items] == [
        (7, "annotation", "PNAS 2023", "ChatGPT Outperforms Crowd-Workers for "
         "Text-Annotation Tasks", "https://arxiv.org/abs/2303.15056"),
        (8, "annotation", "ACL 2023", "Is GPT-3 a Good Data Annotator?",
         "https://aclanthology.org/2023.acl-long.626/"),
        (13, "synthesis", "ACL 2023", "Self-Instruct: Aligning Language Models with "
         "Self-Generated Instructions", "https://arxiv.org/abs/2212.10560"),
        (14, "synthesis", "NeurIPS 2023", "Direct Preference Optimization",
         "https://arxiv.org/abs/2305.18290")]
    assert document.items[2].link("code") == "https://github.com/yizhongw/self-instruct"
    assert _entries_imported(RST_LIST, "README.rst", tmp_path) == 4


def test_restructuredtext_sections_take_their_levels_in_the_order_their_styles_appear(
        tmp_path):
    """RST marks a section with any punctuation underline, its level the order its style
    first appears: ``~~~`` (Markdown's code fence) left every section after it unread, and
    the list fell back to one section of its links."""
    text = ("=========================\nAwesome Annotation Papers\n=========================\n"
            "\nPapers on annotating data.\n\nMethods\n-------\n\nPrompting\n~~~~~~~~~\n\n"
            "- `Chain-of-Thought Prompting Elicits Reasoning in Large Language Models "
            "<https://arxiv.org/abs/2201.11903>`_ (NeurIPS 2022)\n\nSurveys\n-------\n\n"
            "* `A Survey of Large Language Models <https://arxiv.org/abs/2303.18223>`_\n")
    document = parse_list(text)
    assert [(c.slug, c.parent) for c in document.sections] == [
        ("methods", None), ("prompting", "methods"), ("surveys", None)]
    assert [(i.line, i.section) for i in document.items] == [(13, "prompting"), (18, "surveys")]
    listed = tmp_path / "README.rst"
    listed.write_text(text, encoding="utf-8")
    _imported(listed, tmp_path, offline=True)
    assert '"Awesome Annotation Papers"' in (tmp_path / "out.bib").read_text(encoding="utf-8")


def test_an_org_lists_title_names_the_library(tmp_path):
    """The library's opening comment named an Org list "a paper list": its ``#+TITLE`` is
    its title, as the Markdown it stands for says."""
    listed = tmp_path / "README.org"
    listed.write_text(ORG_LIST, encoding="utf-8")
    _imported(listed, tmp_path, offline=True)
    title = next(line for line in ORG_LIST.splitlines() if line.startswith("#+TITLE:"))
    assert f'"{title.split(":", 1)[1].strip()}"' in (tmp_path / "out.bib").read_text(
        encoding="utf-8").splitlines()[0]


def test_a_restructuredtext_link_is_checked_as_every_link_is():
    hostile = "https://arxiv.org/abs/2201.11903},note={\\input{/etc/hostname}}"
    document = parse_list(f"Papers\n------\n\n- `On Things That Matter <{hostile}>`_ "
                          "`[code] <file:///etc/passwd>`_\n")
    assert document.items == ()
    assert [url for _line, url, _why in document.refused] == [hostile, "file:///etc/passwd"]


@pytest.mark.parametrize("line, title, label", [
    # a task list's box ("- [x] ...", GitHub renders it a checkbox) was read as the label "x"
    ("- [x] Chain-of-Thought Prompting Elicits Reasoning in Large Language Models "
     "[[paper]](https://arxiv.org/abs/2201.11903)", "Chain-of-Thought Prompting Elicits "
     "Reasoning in Large Language Models", None),
    ("- [ ] Is GPT-3 a Good Data Annotator? (ACL 2023) [paper](https://aclanthology.org/"
     "2023.acl-long.626/)", "Is GPT-3 a Good Data Annotator?", "ACL 2023"),
    # a footnote's mark ("Title[^1]", a superscript on GitHub) was kept in the title
    ("2. Large Language Models are Zero-Shot Reasoners[^1]. [[paper]](https://arxiv.org/abs/"
     "2205.11916)", "Large Language Models are Zero-Shot Reasoners", None),
])
def test_a_task_box_and_a_footnote_mark_are_no_part_of_the_item(line, title, label):
    (item,) = parse_list(f"## Papers\n\n{line}\n\n[^1]: Kojima et al., NeurIPS 2022.\n").items
    assert (item.title, item.label) == (title, label)


@pytest.mark.parametrize("line", [
    "- [A Title of Some Paper Here](https://arxiv.org/abs/2205.11916) Google Research, "
    "DeepMind. ICLR 2023",
    "- [A Title of Some Paper Here](https://arxiv.org/abs/2205.11916), Stanford University, "
    "Microsoft Research, ICLR, 2023",
    "- **A Title of Some Paper Here** Spotlight. Virtual Event, Online. ICLR 2023 [[paper]]("
    "https://arxiv.org/abs/2205.11916)",
    "- **A Title of Some Paper Here** Oral Presentation, Best Paper Award. ICLR 2023 [[paper]]("
    "https://arxiv.org/abs/2205.11916)",
])
def test_organisations_and_a_talks_words_beside_a_title_are_no_authors(line):
    """Affiliations ("Google Research, DeepMind") were read as two authors."""
    (item,) = parse_list(f"## Papers\n\n{line}\n").items
    assert (item.title, item.label, item.authors) == ("A Title of Some Paper Here", "ICLR 2023",
                                                      ())


@pytest.mark.parametrize("line, title, label", [
    # a label before a colon or a spaced dash: the label (the model-name rule had lost it,
    # and before that it was part of the title)
    ("- ACL 2023: **Is GPT-3 a Good Data Annotator?** [[paper]](https://aclanthology.org/"
     "2023.acl-long.626/)", "Is GPT-3 a Good Data Annotator?", "ACL 2023"),
    ("- NeurIPS 2022 - **Chain-of-Thought Prompting Elicits Reasoning in Large Language "
     "Models** [[paper]](https://arxiv.org/abs/2201.11903)", "Chain-of-Thought Prompting "
     "Elicits Reasoning in Large Language Models", "NeurIPS 2022"),
    ("- 2023.05: **Some Title Of A Paper Here** [[paper]](https://arxiv.org/abs/2303.15056)",
     "Some Title Of A Paper Here", "2023.05"),
    ("- ACL 2023: Is GPT-3 a Good Data Annotator? [[paper]](https://aclanthology.org/"
     "2023.acl-long.626/)", "Is GPT-3 a Good Data Annotator?", "ACL 2023"),
    # a bold label in parentheses was the title ("(ACL 2023)")
    ("1. **(ACL 2023)** Is GPT-3 a Good Data Annotator? [[paper]](https://aclanthology.org/"
     "2023.acl-long.626/)", "Is GPT-3 a Good Data Annotator?", "ACL 2023"),
    # a year label before a title linked by a plain [paper](url): kept in the title
    ("- [2023] Is GPT-3 a Good Data Annotator? [paper](https://aclanthology.org/"
     "2023.acl-long.626/)", "Is GPT-3 a Good Data Annotator?", "2023"),
    ("- `2023` Is GPT-3 a Good Data Annotator? [paper](https://aclanthology.org/"
     "2023.acl-long.626/)", "Is GPT-3 a Good Data Annotator?", "2023"),
    # words before a colon that are no label stay the title's
    ("- BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding "
     "[[paper]](https://arxiv.org/abs/1810.04805)", "BERT: Pre-training of Deep Bidirectional "
     "Transformers for Language Understanding", None),
])
def test_a_plain_label_before_the_title_is_the_label(line, title, label):
    (item,) = parse_list(f"## Papers\n\n{line}\n").items
    assert (item.title, item.label) == (title, label)
    assert item.paper_link is not None and "](" not in item.title


def test_a_one_word_link_to_a_page_of_no_paper_site_is_still_the_paper_link():
    """"[Download](a university's page)", "[Preprint](...)": the paper's own link where no
    other is (read as no paper at all, the item left out, when every unknown word was kept)."""
    document = parse_list("## Papers\n\n- **A Title of Some Paper Here** *Jane Doe, John Roe* "
                          "ICLR 2023 [Download](https://people.cs.example.edu/~jd/paper.html)\n"
                          "- **Another Title of Some Paper** *Jane Doe, John Roe* ICLR 2023 "
                          "[Preprint](https://people.cs.example.edu/~jd/p2) [Video](https://"
                          "youtube.com/watch?v=1)\n")
    assert [item.paper_link for item in document.items] == [
        "https://people.cs.example.edu/~jd/paper.html", "https://people.cs.example.edu/~jd/p2"]
    assert document.left_out == ()



@pytest.mark.parametrize("line", [
    # lists written in HTML: italic venues and bold titles, as a list generator writes them
    '1. <a href="https://arxiv.org/abs/2205.11916">Large Language Models are Zero-Shot '
    'Reasoners</a>. Takeshi Kojima, Shixiang Shane Gu. <i>NeurIPS</i>, 2022.',
    '- <b>Large Language Models are Zero-Shot Reasoners</b>. Takeshi Kojima, Shixiang Shane '
    'Gu. <i>NeurIPS 2022</i>. <a href="https://arxiv.org/abs/2205.11916">[pdf]</a>',
    '<li><strong>Large Language Models are Zero-Shot Reasoners</strong>. Takeshi Kojima, '
    'Shixiang Shane Gu. <em>NeurIPS 2022</em>. [<a href="https://arxiv.org/abs/2205.11916">'
    'paper</a>]</li>',
])
def test_styling_tags_read_as_the_markdown_they_stand_for(line):
    """``<i>NeurIPS</i>, 2022`` is "NeurIPS, 2022" (the tag was a space: "NeurIPS , 2022",
    and the venue was lost) and ``<b>Title</b>`` is a bold title (the title ran on through
    the authors and venue)."""
    item, = parse_list(f"# L\n\n## Papers\n\n{line}\n").items
    assert item.title == "Large Language Models are Zero-Shot Reasoners"
    assert item.label == "NeurIPS 2022"
    assert item.authors == ("Takeshi Kojima", "Shixiang Shane Gu")
    assert dict(item.links).popitem()[1] == "https://arxiv.org/abs/2205.11916"


@pytest.mark.parametrize("text, url, kind", [
    ("project", "https://github.com/kojima-takeshi188/zero_shot_cot", "code"),
    ("Website", "https://gitlab.com/someone/tool", "code"),
    ("project", "https://kojima-takeshi188.github.io/zero_shot_cot/", "html"),
    ("code", "https://github.com/kojima-takeshi188/zero_shot_cot", "code"),
])
def test_a_repository_is_code_whatever_its_link_calls_it(text, url, kind):
    """``[[project](github.com/...)]`` links the paper's repository: its code (it was kept
    as a web page); a project page at github.io stays a page."""
    item, = parse_list("# L\n\n## P\n\n1. **Large Language Models are Zero-Shot Reasoners**. "
                       "NeurIPS 2022. [[pdf](https://arxiv.org/abs/2205.11916)] "
                       f"[[{text}]({url})]\n").items
    assert dict(item.links).get(kind) == url


@pytest.mark.parametrize("line, title, label", [
    # a label's brackets escaped as Markdown escapes them (the title was "[NeurIPS 2023]")
    ("- **\\[NeurIPS 2023\\]** Shifting Attention to Relevance. [[paper]]"
     "(https://arxiv.org/abs/2307.01379)", "Shifting Attention to Relevance", "NeurIPS 2023"),
    ("- \\[ACL 2023\\] Shifting Attention to Relevance. [[paper]]"
     "(https://arxiv.org/abs/2307.01379)", "Shifting Attention to Relevance", "ACL 2023"),
    # a venue badge whose label names its kind, the year as Awesome-Efficient-LLM writes it
    ("|[![Publish](https://img.shields.io/badge/Conference-ICML'23-blue)]()<br>[SparseGPT: "
     "Massive Language Models Can Be Accurately Pruned in One-Shot](https://arxiv.org/abs/"
     "2301.00774) <br> Elias Frantar, Dan Alistarh| <img src=\"f.png\"> |[Paper](https://"
     "arxiv.org/abs/2301.00774)|",
     "SparseGPT: Massive Language Models Can Be Accurately Pruned in One-Shot", "ICML 2023"),
])
def test_escaped_label_brackets_and_a_badge_naming_its_kind_give_the_label(line, title, label):
    head = "| Title & Authors | Introduction | Links |\n|:--|:--:|:--:|\n" \
        if line.startswith("|") else ""
    item, = parse_list(f"# L\n\n## P\n\n{head}{line}\n").items
    assert (item.title, item.label) == (title, label)


_GKD, _MINILLM, _OPD = ("https://arxiv.org/abs/2306.13649", "https://arxiv.org/abs/2306.08543",
                        "https://arxiv.org/abs/2604.13016")


@pytest.mark.parametrize("line", [
    # a reading guide (Awesome-LLM-On-Policy-Distillation's quick start)
    f'- **"If you only read 3 papers":** [GKD]({_GKD}) (Foundation) + [MiniLLM]({_MINILLM}) '
    f"(Reverse-KL default) + [Rethinking OPD]({_OPD}) (Field guide / failure modes).",
    f'- **"If you work on math reasoning":** Follow the trajectory: [GKD]({_GKD}) → '
    f"[MiniLLM]({_MINILLM}) → [Rethinking OPD]({_OPD}).",
    f"- Related: [GKD]({_GKD}), [MiniLLM]({_MINILLM}) and [Rethinking OPD]({_OPD})",
    f"- [GKD]({_GKD}) / [MiniLLM]({_MINILLM}) / [Rethinking OPD](https://arxiv.org/pdf/2604.13016v2.pdf)",
])
def test_a_bullet_naming_several_papers_by_their_links_lists_each(line):
    """Read whole, such a bullet was one item titled by its label ("If you only read 3
    papers") with the other papers' links as its own."""
    items = parse_list(f"## Guide\n{line}\n").items
    assert [item.title for item in items] == ["GKD", "MiniLLM", "Rethinking OPD"]
    assert [[url for _kind, url in item.links] for item in items] == \
        [[item.paper_link] for item in items]
    assert [_ARXIV.search(item.paper_link).group(1) for item in items] == \
        ["2306.13649", "2306.08543", "2604.13016"]
    assert all(item.short_name for item in items)  # names, not titles: the links decide


@pytest.mark.parametrize("line, title, links", [
    (f"- [A Paper Title Here]({_GKD}) ([Journal version](https://doi.org/10.1145/3560815))",
     "A Paper Title Here", [_GKD, "https://doi.org/10.1145/3560815"]),
    (f"- [A Paper Title Here]({_GKD}) [A Paper Title Here](https://arxiv.org/pdf/2306.13649v2)",
     "A Paper Title Here", [_GKD, "https://arxiv.org/pdf/2306.13649v2"]),
    (f"- **A Paper Title Here**: [[pdf]]({_GKD}) [code](https://github.com/x/y)",
     "A Paper Title Here", [_GKD, "https://github.com/x/y"]),
    (f"- A Paper Title Here [NeurIPS 2022](https://proceedings.neurips.cc/paper/1) [arXiv]({_GKD})",
     "A Paper Title Here", ["https://proceedings.neurips.cc/paper/1", _GKD]),
    (f"- **AnnoLLM**: [Making Large Language Models to Be Better Annotators]({_GKD})",
     "Making Large Language Models to Be Better Annotators", [_GKD]),
])
def test_the_links_of_one_paper_stay_one_item(line, title, links):
    (item,) = parse_list(f"## Papers\n{line}\n").items
    assert item.title == title and [url for _kind, url in item.links] == links
    assert not item.short_name


def test_a_paper_named_short_in_a_guide_is_cited_by_its_whole_title_offline(tmp_path):
    """The guide comes first: its short names must neither title the entries nor read as the
    list giving one paper two titles."""
    path = tmp_path / "README.md"
    path.write_text(
        "# A List\n\n## Quick Start\n\n"
        f'- **"If you only read 2 papers":** [GKD]({_GKD}) (Foundation) + [MiniLLM]({_MINILLM})\n'
        "\n## Methods\n\n| Paper | Date |\n|---|---|\n"
        f"| [On-Policy Distillation of Language Models: Learning from Self-Generated "
        f"Mistakes]({_GKD}) | 2023 |\n"
        f"| [MiniLLM: Knowledge Distillation of Large Language Models]({_MINILLM}) | 2023 |\n",
        encoding="utf-8")
    library = _imported(path, tmp_path, offline=True).library
    titles = {e.fields["eprint"]: e.title for e in library}
    assert titles == {
        "2306.13649": "On-Policy Distillation of Language Models: Learning from "
                      "Self-Generated Mistakes",
        "2306.08543": "MiniLLM: Knowledge Distillation of Large Language Models"}
    for entry in library:
        assert entry.categories == ("quick-start", "methods")
        assert entry.url == f"https://arxiv.org/abs/{entry.fields['eprint']}"
    # a guide's short name is no second title of the paper, whether the title holds it
    # ("MiniLLM") or not ("GKD"): no list mistake to correct
    assert [c.kind for c in library.corrections()] == ["unverified", "unverified"]
    unverified = sorted(c.said for c in library.corrections() if c.kind == "unverified")
    assert unverified == ["line 11: On-Policy Distillation of Language Models: Learning from "
                          "Self-Generated Mistakes",
                          "line 12: MiniLLM: Knowledge Distillation of Large Language Models"]


TITLES_ALONE = """# A List

## Surveys

- A Survey on Data Selection for Language Models
- [**Large Language Models for Data Annotation: A Survey**](https://arxiv.org/abs/2402.13446) *Zhen Tan.* Arxiv 2024.
  - This survey reviews how models annotate data
- surface-level heuristics
- MT
- Training compute-optimal large language models
1. **Chain-of-Thought Prompting Elicits Reasoning in Large Language Models** (NeurIPS 2022)
   - [[Paper]](https://arxiv.org/abs/2201.11903)

## Data

- `data/raw/core_seed_papers.csv`: the seed list, restricted to the five focus areas.

## Contributing

- Paper title, arXiv link, and date
"""


def test_a_bullet_naming_a_title_alone_is_said_not_dropped_in_silence(tmp_path):
    """A work in progress lists some papers by their titles alone: no entry can be made of
    them offline, and the user is told which, instead of finding them missing."""
    document = parse_list(TITLES_ALONE)
    assert [item.title for item in document.items] == [
        "Large Language Models for Data Annotation: A Survey",
        "Chain-of-Thought Prompting Elicits Reasoning in Large Language Models"]
    # notes of two words, a note indented under an item, a title joined with the link under
    # it, a file's note and the contributing section's template are no title alone
    assert document.unlinked == ((5, "A Survey on Data Selection for Language Models"),
                                 (10, "Training compute-optimal large language models"))
    path = tmp_path / "README.md"
    path.write_text(TITLES_ALONE, encoding="utf-8")
    result = _imported(path, tmp_path, offline=True)
    assert len(result.library) == 2
    assert "unlinked: 2 bullets that name a title but link nothing (no entry)" in \
        result.summary()
    assert [line for line in result.details() if line.startswith("unlinked:")] == [
        "unlinked: line 5: A Survey on Data Selection for Language Models: a title alone; link "
        "the paper ('- [Title](link)') for it to be an entry",
        "unlinked: line 10: Training compute-optimal large language models: a title alone; "
        "link the paper ('- [Title](link)') for it to be an entry"]


def test_the_cli_says_the_titles_alone_and_lists_them_on_request(tmp_path):
    from typer.testing import CliRunner

    from llm4anno_bib.cli import app

    path = tmp_path / "README.md"
    path.write_text(TITLES_ALONE, encoding="utf-8")
    common = ["import-list", str(path), "--offline", "--cache-dir", str(tmp_path / "c")]
    quiet = CliRunner().invoke(app, [*common, "-o", str(tmp_path / "a.bib")])
    assert quiet.exit_code == 0, quiet.output
    assert "unlinked: 2 bullets that name a title but link nothing (no entry)" in quiet.stderr
    assert "unlinked: line" not in quiet.output
    loud = CliRunner().invoke(app, [*common, "-o", str(tmp_path / "b.bib"), "--verbose"])
    assert "unlinked: line 5: A Survey on Data Selection for Language Models: a title " \
        "alone" in loud.stdout


@pytest.mark.parametrize("line, title, label", [
    ("- [Augmenting Black-box LLMs with Medical Textbooks (Published in Findings of EMNLP "
     "2024)](https://arxiv.org/pdf/2309.02233)", "Augmenting Black-box LLMs with Medical "
     "Textbooks", "Findings of EMNLP 2024"),
    ("- [Chain-of-Thought Prompting Elicits Reasoning (NeurIPS 2022)](https://arxiv.org/abs/"
     "2201.11903)", "Chain-of-Thought Prompting Elicits Reasoning", "NeurIPS 2022"),
    ("- [Self-Consistency Improves Chain of Thought (Accepted at ICLR 2023)](https://arxiv.org/"
     "abs/2203.11171)", "Self-Consistency Improves Chain of Thought", "ICLR 2023"),
    ("- [GPT-4 Technical Report (2023)](https://arxiv.org/abs/2303.08774)",
     "GPT-4 Technical Report", "2023"),
    ("- [**Training Verifiers to Solve Math Word Problems (ICLR 2024)**](https://arxiv.org/abs/"
     "2110.14168) *Karl Cobbe.*", "Training Verifiers to Solve Math Word Problems", "ICLR 2024"),
    # (Awesome-LLM-Model-Editing's daily updates: a numbered heading per paper)
    ("### 20. [Augmenting Black-box LLMs with Medical Textbooks (Published in Findings of "
     "EMNLP 2024)](https://arxiv.org/pdf/2309.02233)", "Augmenting Black-box LLMs with "
     "Medical Textbooks", "Findings of EMNLP 2024"),
    # words in brackets that are no venue are the title's
    ("- [A Technical Report (Extended Version)](https://arxiv.org/abs/2303.08774)",
     "A Technical Report (Extended Version)", None),
    ("- [Segment Anything (SAM)](https://arxiv.org/abs/2304.02643)", "Segment Anything (SAM)",
     None),
])
def test_a_venue_in_brackets_at_the_end_of_a_links_words_is_its_label(line, title, label):
    (item,) = parse_list(f"## Papers\n\n### 2024-10-09\n\n{line}\n").items
    assert (item.title, item.label) == (title, label)


_NOTES = "https://github.com/lists-owner/Pruning-List/blob/main/concepts"


def _pruning_row(star: str, venue: str, title: str, arxiv_id: str) -> str:
    """A row as Awesome-LLMs-Pruning writes it: badges, the title, a take-away that links
    other papers, tag badges linking the list's notes, notes, the code."""
    return (f"| [![Star](https://img.shields.io/github/stars/{star}.svg?style=social&label=Star)]"
            f"(https://github.com/{star}) [![Publish](https://img.shields.io/badge/Conference-"
            f"{venue}-blue)]() <br> [{title}](https://arxiv.org/abs/{arxiv_id}) <br> A take-away "
            "drawn from [Sparse Transformer](https://arxiv.org/abs/1904.10509). | "
            f"[![Type](https://img.shields.io/badge/Type-Other-blue)]({_NOTES}/types.md) <br> "
            f"[![Type](https://img.shields.io/badge/Weight-Frozen-orange)]({_NOTES}/weight.md) | "
            f"[Blog](https://medium.com/@someone/{arxiv_id}) | [PyTorch](https://github.com/{star}) |")


def test_the_lists_notes_every_row_links_are_no_papers_code(tmp_path):
    rows = [_pruning_row("d-matrix-ai/keyformer-llm", "MLSys'24", "Keyformer: KV Cache Reduction "
                         "through Attention Sparsification", "2403.09054"),
            _pruning_row("locuslab/wanda", "ICLR'24", "A Simple and Effective Pruning Approach "
                         "for Large Language Models", "2306.11695"),
            _pruning_row("IST-DASLab/sparsegpt", "ICML'23", "SparseGPT: Massive Language Models "
                         "Can Be Accurately Pruned in One-Shot", "2301.00774")]
    path = tmp_path / "README.md"
    path.write_text("# Pruning\n\n## 2024\n\n| Title & Take-away | Tags | Note | Code |\n"
                    "|:---|:---:|:---:|:---:|\n" + "\n".join(rows) + "\n\n## Code in a monorepo"
                    "\n\n- [**LongVILA: Scaling Long-Context Visual Language Models for Long "
                    "Videos.**](https://arxiv.org/abs/2408.10188) _Fuzhao Xue._ Arxiv 2024. "
                    "[![GitHub Repo stars](https://img.shields.io/github/stars/NVlabs/VILA)]"
                    "(https://github.com/NVlabs/VILA/blob/main/LongVILA.md)\n", encoding="utf-8")
    library = _imported(path, tmp_path, offline=True).library
    code = {entry.fields["eprint"]: entry.fields.get("code") for entry in library}
    assert code == {"2403.09054": "https://github.com/d-matrix-ai/keyformer-llm",
                    "2306.11695": "https://github.com/locuslab/wanda",
                    "2301.00774": "https://github.com/IST-DASLab/sparsegpt",
                    # a document one item links is its code (a project in a monorepo)
                    "2408.10188": "https://github.com/NVlabs/VILA/blob/main/LongVILA.md"}
    assert {entry.fields["eprint"]: entry.fields.get("howpublished") for entry in library
            if entry.fields["eprint"] != "2408.10188"} == {
        "2403.09054": "MLSys", "2306.11695": "ICLR", "2301.00774": "ICML"}


@pytest.mark.parametrize("line, label, authors, et_al", [
    # awesome-llm-reasoning-foundations: authors and (year, venue) after a dash, a note after
    ("- **A Little Depth Goes a Long Way: The Expressive Power of Log-Depth Transformers** — "
     "William Merrill, Ashish Sabharwal (2025, NeurIPS 2025). [paper](https://arxiv.org/abs/"
     "2503.03961). _Why it matters:_ Proves that *uniform* depth suffices, as *ICML 2020* "
     "could not.", "NeurIPS 2025", ("William Merrill", "Ashish Sabharwal"), False),
    ("- **Tracr: Compiled Transformers as a Laboratory for Interpretability** — David Lindner "
     "et al. (2023, NeurIPS 2023 (Spotlight)). [paper](https://arxiv.org/abs/2301.05062). "
     "_Why it matters:_ Implements a compiler.", "NeurIPS 2023", ("David Lindner",), True),
    ("- **Chain-of-Thought Prompting Elicits Reasoning** Jason Wei, Xuezhi Wang. *NeurIPS* "
     "(2022) [[Paper]](https://arxiv.org/abs/2201.11903) **TL;DR**: a *prompt* helps.",
     "NeurIPS 2022", ("Jason Wei", "Xuezhi Wang"), False),
    # a venue in emphasis before a colon stays the venue
    ("- **Chain-of-Thought Prompting Elicits Reasoning**. Jason Wei, Xuezhi Wang. _NeurIPS "
     "2022_: Oral. [[Paper]](https://arxiv.org/abs/2201.11903)", "NeurIPS 2022",
     ("Jason Wei", "Xuezhi Wang"), False),
])
def test_a_note_after_a_bold_title_names_no_venue_and_no_author(line, label, authors, et_al):
    """``_Why it matters:_ ...`` after the links was read as the venue ("Why it matters:
    2025"), and the authors before it were lost."""
    (item,) = parse_list(f"## Papers\n{line}\n").items
    assert (item.label, item.authors, item.et_al) == (label, authors, et_al)


AAD_ROWS = """# Awesome LLM4AAD

## Papers

| Month | Paper | Venue | Problems | Focus | Resources |
|:---:|---|:---:|---|:---:|:---:|
| 2023.11 | [**AEL** — Algorithm Evolution Using Large Language Model](https://arxiv.org/pdf/2311.15249) | arXiv 2023 | `TSP` | Design object | [Note](content/papers/ael/index.md) |
| 2024.02 | [**ReEvo** — ReEvo: Large Language Models as Hyper-Heuristics with Reflective Evolution](https://arxiv.org/pdf/2402.01145) | NeurIPS 2024 | `TSP`, +2 | Feedback | [Note](content/papers/reevo/index.md) · [Code](https://github.com/ai4co/reevo) |
| 2025.09 | [**PartEvo** — Partition to Evolve: Niching-enhanced Evolution with LLMs for Automated Algorithm Discovery](https://openreview.net/pdf?id=OEawM2coNT) | NeurIPS 2025 | `CO` | Search | [Note](../content/papers/partevo/index.md) |

## Elsewhere

- [**AnnoLLM**: Making Large Language Models to Be Better Crowdsourced Annotators](https://arxiv.org/abs/2303.16854)
- [**A Paper Kept in the List's Folder**](papers/kept.pdf) *Ann Lee, Bo Li.* NeurIPS 2022.
"""


def test_a_bold_name_and_a_dash_before_a_title_and_the_lists_own_pages():
    """Awesome-LLM4AAD: "[**AEL** — Title](url)" was titled "AEL — Title", and every row's
    "[Note](content/papers/...)" was refused as a link that is no web address."""
    document = parse_list(AAD_ROWS)
    assert [(item.title, item.label) for item in document.items] == [
        ("Algorithm Evolution Using Large Language Model", "arXiv 2023"),
        ("ReEvo: Large Language Models as Hyper-Heuristics with Reflective Evolution",
         "NeurIPS 2024"),
        ("Partition to Evolve: Niching-enhanced Evolution with LLMs for Automated Algorithm "
         "Discovery", "NeurIPS 2025"),
        ("AnnoLLM: Making Large Language Models to Be Better Crowdsourced Annotators", None)]
    assert [[url for _kind, url in item.links] for item in document.items] == [
        ["https://arxiv.org/pdf/2311.15249"],
        ["https://arxiv.org/pdf/2402.01145", "https://github.com/ai4co/reevo"],
        ["https://openreview.net/pdf?id=OEawM2coNT"], ["https://arxiv.org/abs/2303.16854"]]
    # a paper linked by a path of the list's own folder is still refused, and said
    assert document.refused == ((14, "papers/kept.pdf",
                                 "it is no http(s) address; the item is left out"),)


def test_a_tables_bare_links_and_its_header_naming_the_title_column():
    """awesome-llm-tech-reports: each row names its model in a "Model" column and links
    its report by a bare address; the rows were no items at all (one said as unread)."""
    document = parse_list(
        "# Reports\n\n## 2026\n\n"
        "| Release Date | Organization | Model | Core Highlights (from PDF) | Official Link | "
        "Local File |\n| --- | --- | --- | --- | --- | --- |\n"
        "| 2026-02 | Zhipu AI | GLM-5 | Next-generation foundation model designed for agentic "
        "engineering; adopts DSA on top of MoE 744B/40B. | https://arxiv.org/pdf/2602.15763 | "
        "2026/zhipu/2026-02_glm-5.pdf |\n"
        "| 2026-02 | Alibaba | Qwen 3.5 | Native vision-language model (397B-A17B) for "
        "multi-agent workflows. | https://qwen.ai/blog?id=qwen3.5 | 2026/qwen-3.5.pdf |\n\n"
        "## Classics\n\n| Paper | Title | Venue |\n|:---:|---|:---:|\n"
        "| [arXiv](https://arxiv.org/abs/2201.11903) | Chain-of-Thought Prompting Elicits "
        "Reasoning in Large Language Models | NeurIPS 2022 |\n"
        "| [Self-Consistency Improves Chain of Thought Reasoning](https://arxiv.org/abs/"
        "2203.11171) | | ICLR 2023 |\n")
    assert [(item.title, item.label, item.paper_link) for item in document.items] == [
        ("GLM-5", "2026", "https://arxiv.org/pdf/2602.15763"),
        ("Chain-of-Thought Prompting Elicits Reasoning in Large Language Models",
         "NeurIPS 2022", "https://arxiv.org/abs/2201.11903"),
        ("Self-Consistency Improves Chain of Thought Reasoning", "ICLR 2023",
         "https://arxiv.org/abs/2203.11171")]
    assert document.left_out == ((8, "Qwen 3.5", "https://qwen.ai/blog?id=qwen3.5"),)
    assert document.unread == ()


def test_a_guides_short_names_are_no_renamed_or_misplaced_papers_online(server, tmp_path):
    """Online, the short name "Learning To Retrieve" was said to be a renamed paper, and a
    name that another item titles in full would send the title to arXiv's search."""
    path = tmp_path / "README.md"
    path.write_text(
        "# A Guide\n\n## Quick Start\n\n"
        '- **"If you only read 3 papers":** [RAFT](https://arxiv.org/abs/2304.06767) '
        "(Foundation) + [ZeroGen](https://arxiv.org/abs/2202.07922) + [Learning To Retrieve]"
        "(https://arxiv.org/abs/2112.08633) (retrieval).\n\n## Methods\n\n| Paper | Date |\n"
        "|---|---|\n| [**RAFT** — Reward rAnked FineTuning for Generative Foundation Model "
        "Alignment](https://arxiv.org/abs/2304.06767) | 2023 |\n", encoding="utf-8")
    result = llm4anno_bib.import_list(path, tmp_path / "out.bib",
                                      sources=connect(server, tmp_path / "c"))
    library = result.library
    assert sorted(entry.title for entry in library) == [
        "Learning To Retrieve Prompts for In-Context Learning",
        "RAFT: Reward rAnked FineTuning for Generative Foundation Model Alignment",
        "ZeroGen: Efficient Zero-shot Learning via Dataset Generation"]
    assert library.corrections() == () and result.unresolved == ()
    assert {entry.title.partition(":")[0]: entry.categories for entry in library} == {
        "RAFT": ("quick-start", "methods"), "ZeroGen": ("quick-start",),
        "Learning To Retrieve Prompts for In-Context Learning": ("quick-start",)}


def test_a_web_address_without_its_scheme_is_still_refused_and_said():
    """A row's relative link is the list's own page, dropped quietly; an address written
    without its scheme is no such page: refused, and said."""
    document = parse_list("## P\n- [A Paper Title in Words](https://arxiv.org/abs/2201.11903) "
                          "[code](www.github.com/x/y) [notes](docs/notes.md) "
                          "[mirror](arxiv.org/abs/2201.11903)\n")
    assert [url for _kind, url in document.items[0].links] == [
        "https://arxiv.org/abs/2201.11903"]
    assert document.refused == ((2, "www.github.com/x/y", "it is no http(s) address"),
                                (2, "arxiv.org/abs/2201.11903", "it is no http(s) address"))


def test_a_reimplementation_by_others_is_no_papers_code(tmp_path):
    """awesome-llm-reasoning-roadmap links its author's "Unofficial" reimplementations beside
    the official code: they were written into each paper's code field."""
    path = tmp_path / "README.md"
    path.write_text(
        "# Roadmap\n\n## Reasoning RL\n\n| Year | Paper | Track | Code |\n|---:|---|---|---|\n"
        "| 2025 | [DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement "
        "Learning](https://arxiv.org/abs/2501.12948) | RL | [Official](https://github.com/"
        "deepseek-ai/DeepSeek-R1) / [Unofficial](https://github.com/someone/R1-Unofficial) |\n"
        "| 2025 | [Kimi k1.5: Scaling Reinforcement Learning with LLMs](https://arxiv.org/abs/"
        "2501.12599) | RL | [Unofficial](https://github.com/someone/Kimi-Unofficial) |\n\n"
        "## Bullets\n\n- [Self-Refine: Iterative Refinement with Self-Feedback](https://arxiv.org/"
        "abs/2303.17651) [[Code]](https://github.com/madaan/self-refine) [[Third-party "
        "reimplementation]](https://github.com/someone/self-refine-pytorch)\n",
        encoding="utf-8")
    library = _imported(path, tmp_path, offline=True).library
    assert {entry.fields["eprint"]: entry.fields.get("code") for entry in library} == {
        "2501.12948": "https://github.com/deepseek-ai/DeepSeek-R1", "2501.12599": None,
        "2303.17651": "https://github.com/madaan/self-refine"}


@pytest.mark.parametrize("venue, label", [
    ("TMLR 2022", "TMLR 2022"), ("ACL 2023 Findings", "Findings of ACL 2023"),
    ("ICBINB NeurIPS Workshop 2023", "NeurIPS Workshop 2023"), ("Preprint", "2023.7")])
def test_a_venue_in_code_after_a_bold_title_is_its_label_over_the_date_after_its_links(
        venue, label):
    """Awesome-LLM-Reasoning: "1. **Title.** `TMLR 2022`", its authors and links indented
    under it, then the arXiv month ("], 2022.6"): that month was the label (the first item
    alone had its venue); a code span that names no venue ("`Preprint`") leaves it."""
    (item,) = parse_list(
        f"## Analysis\n\n1. **Emergent Abilities of Large Language Models.** `{venue}`\n\n"
        "    *Jason Wei, Yi Tay, Rishi Bommasani.* [[Paper](https://arxiv.org/abs/2206.07682)] "
        "[[Blog](https://ai.googleblog.com/2022/11/emergent.html)], 2023.7\n").items
    assert (item.label, item.authors) == (label, ("Jason Wei", "Yi Tay", "Rishi Bommasani"))


def test_people_before_a_bracketed_year_holding_more_brackets_are_read():
    """awesome-llm-reasoning-foundations writes ``— People (2025, ICLR 2025 (Oral))`` and
    ``(2021, JMLR 22(75):1-35, 2021)``: the brackets inside the year's were read as part of
    the names, and the people were lost; a journal's volume, issue and pages between its
    name and year hid the venue."""
    document = parse_list(
        "## Theory\n- **Transformers Provably Solve Parity Efficiently with Chain of Thought** —"
        " Juno Kim, Taiji Suzuki (2025, ICLR 2025 (Oral)). [paper](https://arxiv.org/abs/2410."
        "08633). _Why it matters:_ Constructs a small transformer (RNN, LSTM).\n"
        "- **Attention is Turing-Complete** — Jorge Pérez, Pablo Barceló, Javier Marinkovic "
        "(2021, JMLR 22(75):1-35, 2021). [paper](https://jmlr.org/papers/v22/20-302.html).\n"
        "- **Memorization Capacity of Multi-Head Attention in Transformers** — Sadegh Mahdavi, "
        "Renjie Liao, Christos Thrampoulidis (2023, ICLR 2024). [paper](https://arxiv.org/abs/"
        "2306.02010).\n- **Memory Augmented Large Language Models are Computationally Universal**"
        " — Dale Schuurmans (2023). [paper](https://arxiv.org/abs/2301.04589).\n"
        "- **Gemini: A Family of Highly Capable Multimodal Models** — Google DeepMind (2023). "
        "[paper](https://arxiv.org/abs/2312.11805).\n- **Zephyr: Direct Distillation of LM "
        "Alignment** — Hugging Face (2023). [paper](https://arxiv.org/abs/2310.16944).\n")
    assert [(i.label, i.authors) for i in document.items] == [
        ("ICLR 2025", ("Juno Kim", "Taiji Suzuki")),
        ("JMLR 2021", ("Jorge Pérez", "Pablo Barceló", "Javier Marinkovic")),
        ("ICLR 2024", ("Sadegh Mahdavi", "Renjie Liao", "Christos Thrampoulidis")),
        ("2023", ("Dale Schuurmans",)),  # one author alone before the year, as references do
        ("2023", ()), ("2023", ())]  # a lab is no person


INSTRUCTION_DATASETS = """# Awesome Instruction Dataset

# The template

```markdown
## [({owner}/{project-name)|Tags}]{https://github.com/link/to/project}

- paper:
```

# The Instruction-following Dataset

## [(gururise/Cleaned Alpaca)|52K|EN|MT|SI](https://github.com/gururise/AlpacaDataCleaned)

 - Summary: A project that manually cleaned the Alpaca 52K Dataset
 - paper: N/A

 ## [(Hello-SimpleAI/HC3)|24K|EN|MT|MIX](https://huggingface.co/datasets/Hello-SimpleAI/HC3)

 - Summary:The first human-ChatGPT comparison corpus
 - paper: [How Close is ChatGPT to Human Experts? Comparison Corpus, Evaluation, and Detection](https://arxiv.org/abs/2301.07597)

 ## [(allenai/natural-instructions)|1.6K|ML|MT|HG](https://github.com/allenai/natural-instructions)

 - paper: [Super-NaturalInstructions: Generalization via Declarative Instructions on 1600+ NLP Tasks](https://arxiv.org/abs/2204.07705)
"""


def test_a_projects_heading_over_its_paper_field_is_that_paper_with_its_repository():
    """awesome-instruction-dataset: each dataset a heading linking its repository or
    dataset page over fields, ``paper:`` one of them. Each heading was a category of one
    paper and the repository was lost; the list's ``#`` section is the category, the
    heading's link the paper's code or data, a project naming no paper left out and said,
    and the template's heading in its code block no category at all."""
    document = parse_list(INSTRUCTION_DATASETS)
    assert [s.slug for s in document.sections] == ["the-instruction-following-dataset"]
    assert [(i.title[:26], i.section, i.links[1:]) for i in document.items] == [
        ("How Close is ChatGPT to Hu", "the-instruction-following-dataset",
         (("data", "https://huggingface.co/datasets/Hello-SimpleAI/HC3"),)),
        ("Super-NaturalInstructions:", "the-instruction-following-dataset",
         (("code", "https://github.com/allenai/natural-instructions"),))]
    assert [line for line, _said, _url in document.left_out] == [13]


def test_a_heading_in_a_code_block_is_no_heading():
    document = parse_list("# L\n\n## Papers\n- [A Real Paper Title Here](https://arxiv.org/abs/"
                          "2401.00001)\n\n## Contributing\n```markdown\n## Your Section\n- [Your "
                          "Paper Title](https://arxiv.org/abs/2401.00003)\n```\n- [Another Real "
                          "Paper Title](https://arxiv.org/abs/2401.00004)\n")
    assert [(i.line, i.section) for i in document.items] == [(4, "papers"), (11, "contributing")]


def test_a_reference_names_its_venue_in_full_and_mla_its_first_author_inverted():
    """A reading list of references: APA's venue in full after the title (``*Advances in
    Neural Information Processing Systems*, 35``: the label was "Advances 2022"), MLA's
    (``*Proceedings of the National Academy of Sciences* 120.30 (2023)``: it was "2023")
    and MLA's authors, the first one inverted (``Gilardi, Fabrizio, Meysam Alizadeh, and
    Maël Kubli``: two people were read, "Meysam Alizadeh, Maël Kubli" one of them)."""
    document = parse_list(
        "## Papers\n1. Wei, J., Wang, X., Schuurmans, D., & Zhou, D. (2022). Chain-of-thought "
        "prompting elicits reasoning in large language models. *Advances in Neural Information "
        "Processing Systems*, 35, 24824–24837. [Paper](https://arxiv.org/abs/2201.11903)\n"
        "2. Gilardi, Fabrizio, Meysam Alizadeh, and Maël Kubli. \"ChatGPT outperforms crowd "
        "workers for text-annotation tasks.\" *Proceedings of the National Academy of Sciences* "
        "120.30 (2023). https://arxiv.org/abs/2303.15056\n")
    assert [(i.label, i.authors) for i in document.items] == [
        ("NeurIPS 2022", ("Wei, J.", "Wang, X.", "Schuurmans, D.", "Zhou, D")),
        ("PNAS 2023", ("Gilardi, Fabrizio", "Meysam Alizadeh", "Maël Kubli"))]


def test_a_reference_in_medicines_style_is_read_apart():
    """Vancouver and AMA, as lists of LLMs in medicine cite: the authors (family name, then
    initials) were read as the title's start."""
    document = parse_list(
        "## Clinical\n1. Singhal K, Azizi S, Tu T, et al. Large language models encode clinical "
        "knowledge. Nature. 2023;620(7972):172-180. https://arxiv.org/abs/2212.13138\n"
        "2. Ding B, Qin C, Liu L. Is GPT-3 a good data annotator? ACL 2023. "
        "https://aclanthology.org/2023.acl-long.626/\n")
    assert [(i.title, i.label, i.authors, i.et_al) for i in document.items] == [
        ("Large language models encode clinical knowledge", "Nature 2023",
         ("Singhal, K.", "Azizi, S.", "Tu, T."), True),
        ("Is GPT-3 a good data annotator?", "ACL 2023", ("Ding, B.", "Qin, C.", "Liu, L."),
         False)]
