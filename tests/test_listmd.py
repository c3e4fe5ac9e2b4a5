"""The list README rendered from library.bib: every item of the original list, LIST.md kept
current, and the round trip build -> render -> import onto the library -> no change."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.bibfile import read_library, render_library
from llm4anno_bib.build import build_library, load_curated
from llm4anno_bib.cli import app
from llm4anno_bib.listmd import SURVEY_CITATION, SURVEY_LINK, parse_list, render_list

from conftest import CURATED, LIST_README, ROOT, connect

runner = CliRunner()


@pytest.fixture(scope="module")
def rendered(library) -> str:
    return render_list(library)


def test_list_md_in_the_repository_is_the_rendering_of_library_bib(rendered):
    assert (ROOT / "LIST.md").read_text(encoding="utf-8") == rendered


def test_every_item_of_the_original_list_is_rendered_once_per_section(rendered, library):
    original = parse_list(LIST_README.read_text(encoding="utf-8"))
    again = parse_list(rendered)
    assert [(s.slug, s.heading, s.depth) for s in again.sections] == \
        [(s.slug, s.heading, s.depth) for s in original.sections]
    per_section_before = Counter(i.section for i in original.items)
    per_section_after = Counter(i.section for i in again.items)
    repeats = Counter(c.said.split("listed again in '")[1].split("'")[0]
                      for c in library.corrections() if c.kind == "duplicate")
    headings = {s.slug: s.heading for s in original.sections}
    for slug, count in per_section_before.items():
        assert per_section_after[slug] == count - repeats[headings[slug]], slug
    # each rendered line is its entry: corrected title, label from the cited version
    for category in library.tree:
        titles = [i.title for i in again.items if i.section == category.slug]
        assert titles == [library[k].title.rstrip(".") for k in category.keys]
    by_link = {i.paper_link: i for i in again.items}
    for fix in library.corrections():
        if fix.kind == "wrong-title":  # the link stays, under its paper's real title
            link = fix.said.rsplit("(", 1)[1].rstrip(")")
            assert by_link[link].title == fix.truth
        if fix.kind == "wrong-link":  # the title stays, without the other paper's link
            item = next(i for i in again.items if i.title == library[fix.key].title)
            assert item.paper_link != fix.said.rsplit(" links ", 1)[1]
            assert item.paper_link == library[fix.key].url
    assert "https://)" not in rendered and "author={}" not in rendered


def test_the_survey_link_and_citation_come_from_its_entry(rendered, library):
    survey = library.survey()
    assert f"[[{survey.title}]]({survey.url})" in rendered
    assert "```\n" + survey.bibtex + "```" in rendered
    assert SURVEY_LINK in library.intro and SURVEY_CITATION in library.intro
    assert SURVEY_LINK not in rendered and SURVEY_CITATION not in rendered


@pytest.mark.slow
def test_importing_the_rendered_list_onto_the_library_changes_nothing(server, tmp_path, rendered,
                                                                      needs_dblp):
    shipped = read_library(ROOT / "library.bib")
    rebuilt, report = build_library(rendered, connect(server, tmp_path / "c"),
                                    load_curated(CURATED), shipped)
    assert render_library(rebuilt) == (ROOT / "library.bib").read_text(encoding="utf-8")
    assert report.unresolved == []


def test_render_list_check_through_the_api(tmp_path, rendered):
    """``render_list(check=...)``: the diff of the file against the rendering, empty when
    it is up to date; a file that cannot be read is a ``ReadError``."""
    current = tmp_path / "LIST.md"
    current.write_text(rendered, encoding="utf-8")
    assert llm4anno_bib.render_list(check=current) == ""
    current.write_text(rendered.replace("[arXiv 2023] RAFT", "[arXiv 2024] RAFT"), encoding="utf-8")
    diff = llm4anno_bib.render_list(check=current).splitlines()
    assert diff[0] == f"--- {current}"
    assert [line[:18] for line in diff[2:] if line[:2] in ("--", "+-")] == [
        "-- [arXiv 2024] RA", "+- [arXiv 2023] RA"]
    current.write_bytes(b"\xff\xfe")
    with pytest.raises(llm4anno_bib.ReadError, match="not UTF-8"):
        llm4anno_bib.render_list(check=current)
    with pytest.raises(llm4anno_bib.ReadError):
        llm4anno_bib.render_list(check=tmp_path / "none.md")


def test_render_list_check_for_ci(tmp_path, rendered):
    current = tmp_path / "LIST.md"
    current.write_text(rendered, encoding="utf-8")
    ok = runner.invoke(app, ["render-list", "--check", str(current),
                             "--library", str(ROOT / "library.bib")])
    assert ok.exit_code == 0 and "up to date" in ok.stderr
    current.write_text(rendered.replace("[arXiv 2023] RAFT", "[arXiv 2024] RAFT"), encoding="utf-8")
    stale = runner.invoke(app, ["render-list", "--check", str(current),
                                "--library", str(ROOT / "library.bib")])
    assert stale.exit_code == 1 and "out of date" in stale.stderr
    assert "-- [arXiv 2024] RAFT" in stale.stdout and "+- [arXiv 2023] RAFT" in stale.stdout
    missing = runner.invoke(app, ["render-list", "--check", str(tmp_path / "none.md")])
    assert missing.exit_code == 2


@pytest.mark.slow
def test_render_list_writes_a_file_as_a_real_process(tmp_path, rendered, shipped_copy):
    done = subprocess.run([sys.executable, "-m", "llm4anno_bib", "render-list", "-o", "LIST.md"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "LIST.md").read_text(encoding="utf-8") == rendered


def test_api_twin_renders_the_same(rendered):
    assert llm4anno_bib.render_list() == rendered


@pytest.mark.parametrize("text", [
    pytest.param("## S\n- " + " " * 100_000 + "x\n", id="blanks-in-an-item"),
    pytest.param("## S\n- T " + "[[" * 50_000 + "\n", id="link-openings"),
    pytest.param("## S\n- T" + " [[pdf]](http://x)" * 5_000 + "\n", id="many-links"),
    pytest.param("<!--" * 30_000 + "\n## S\n", id="unclosed-comments"),
    pytest.param("```\n" * 30_000, id="fences"),
    pytest.param("```" + " " * 100_000 + "\n@misc{a,\n}\n```\n## S\n", id="blanks-after-a-fence"),
    pytest.param("## " + " " * 100_000 + "\n", id="blank-heading"),
    pytest.param("## S\n- [" + " " * 100_000 + "x] T\n", id="blank-label"),
    pytest.param("<h2>" + "<h2 " * 30_000 + "\n", id="html-heading-openings"),
    pytest.param("## S\n- **" + "*a" * 50_000 + "\n", id="bold-stars"),
    pytest.param("## S\n- **T** " + "*x " * 30_000 + "(2020) [[pdf]](a.pdf)\n",
                 id="emphasis-marks"),
    pytest.param("## S\n|" + " [a](b) |" * 20_000 + "\n", id="table-cells"),
    pytest.param("## S\n- " + "[a](https://arxiv.org/abs/1) " * 5_000 + "\n",
                 id="many-arxiv-links"),
    pytest.param("## S\n- x " + "(" * 50_000 + "\n", id="tag-openings"),
    pytest.param("## S\n- T " + "[a](" * 30_000 + "\n", id="unclosed-link-urls"),
    pytest.param("## S\n- " + "![" * 50_000 + "\n", id="image-openings"),
    pytest.param("## " + "[a](" * 30_000 + "\n", id="links-in-a-heading"),
    pytest.param("## S\n- " + "Ab 2020 " * 20_000 + "[p](https://arxiv.org/abs/1)\n",
                 id="venue-years"),
    pytest.param("## S\n- " + "Word, " * 20_000 + "Jason Wei, Xuezhi Wang [[pdf]](https://"
                 "arxiv.org/abs/1)\n", id="commas-before-names"),
    pytest.param("## S\n- " + "Ab. " * 30_000 + "[[pdf]](https://arxiv.org/abs/1)\n",
                 id="sentence-ends"),
    pytest.param("## S\n- T [[pdf]](https://arxiv.org/abs/1)" + " <br> Jason Wei" * 10_000
                 + "\n", id="line-breaks"),
    pytest.param("## S\n- " + "a | " * 30_000 + "[paper](https://arxiv.org/abs/1)\n",
                 id="pipes-in-a-bullet"),
    pytest.param("## S\n- A title of words\n" + "  - **Venue:** x\n" * 10_000,
                 id="field-bullets"),
    pytest.param("## S\n- *" + "ab " * 30_000 + "* r [x](https://arxiv.org/abs/1)\n",
                 id="emphasised-title"),
    pytest.param("## S\n- `" + "a" * 100_000 + " [x](https://arxiv.org/abs/1)\n",
                 id="code-span-opening"),
    pytest.param("## S\n- a" + " " * 100_000 + "b: **c** [x](https://arxiv.org/abs/1)\n",
                 id="blanks-before-a-field-name"),
    pytest.param("## S\n- " + "**Title**: x " * 8_000 + "[x](https://arxiv.org/abs/1)\n",
                 id="inline-fields"),
    pytest.param("## S\n- **" + "ACL 2023 " * 11_000 + "** rest [x](https://arxiv.org/abs/1)\n",
                 id="bold-label"),
    pytest.param("## S\n" + "### A Paper Title Here\n*A B, C D*\n" * 5_000, id="title-headings"),
    pytest.param("## S\n### A Paper Title Here\n" + "[[Paper]](https://arxiv.org/abs/1) " * 5_000
                 + "\n", id="heading-over-links"),
    pytest.param("## S\n" + "<details><summary>" + "a " * 50_000 + "\n", id="summary-opening"),
    pytest.param("## S\n" + "<summary>A Paper Title Here</summary>\n" * 3_000,
                 id="summaries"),
    pytest.param("## S\n- T [x](https://arxiv.org/abs/1)" + ") ab" + " " * 100_000 + "x.\n",
                 id="words-after-the-last-link"),
    pytest.param("## S\n- T " + ") ab  " * 20_000 + "ICLR 2023\n", id="closings-before-a-label"),
    pytest.param("## S\n" + "### [A Paper Title Here](https://arxiv.org/abs/1)\n- Venue: x\n"
                 * 5_000, id="linked-headings-over-fields"),
    pytest.param("## S\n- " + "A@" * 30_000 + "ICLR 2023 [x](https://arxiv.org/abs/1)\n",
                 id="held-at-marks"),
    pytest.param("## S\n- " + "Ab Cd, " * 15_000 + '"A Title Of Words" [x](https://arxiv.org/'
                 'abs/1)\n', id="names-before-a-quoted-title"),
    pytest.param("## S\n- " + '"ab ' * 30_000 + "[x](https://arxiv.org/abs/1)\n",
                 id="quote-openings"),
    pytest.param("## S\n- " + "Why? " * 20_000 + "ACL 2023 [x](https://arxiv.org/abs/1)\n",
                 id="questions"),
    pytest.param("## S\n- T [" + "Ab et al " * 10_000 + "2023](https://arxiv.org/abs/1)\n",
                 id="a-long-citation-link"),
    pytest.param("* a" + " " * 100_000 + "b\n- [[https://arxiv.org/abs/1][T]]\n",
                 id="org-heading-blanks"),
    pytest.param("* " + " :a" * 30_000 + "b\n" + "[[https://x.org/a][" * 5_000 + "\n",
                 id="org-tags-and-link-openings"),
    pytest.param("## S\n### A Paper Title Here\n" + "**Venue:** x  \n" * 10_000,
                 id="bold-field-lines"),
    pytest.param("## S\n" + "### A Paper Title Here (ICLR 2023)\n\n- Code: x\n" * 5_000,
                 id="headings-over-fields-after-blanks"),
    pytest.param("## S\n- T [x](https://arxiv.org/abs/1) " + "*Findings of the " * 10_000 +
                 "ACL* (2023)\n", id="findings-openings"),
    pytest.param("## S\n- T [x](https://arxiv.org/abs/1) " + "Ab* (" * 20_000 + "2023\n",
                 id="emphasis-closings-before-a-year"),
    pytest.param("## S\n| T | " + "Ab | " * 20_000 + "2023 | [x](https://arxiv.org/abs/1) "
                 "| <a href=\"" + "a" * 50_000 + "\n", id="venue-cells-and-an-open-anchor"),
    pytest.param("## S\n- [x" + "[a]" * 30_000 + "\n" + "[a]: https://arxiv.org/abs/1\n" * 3_000,
                 id="reference-links-unclosed"),
    pytest.param("# S\n" + "- " + "[a" * 20_000 + "](https://arxiv.org/abs/1)\n" +
                 "**Group of papers**\n- [T](https://arxiv.org/abs/1)\n" * 2_000,
                 id="level-one-sections-and-bold-groups"),
    pytest.param("## S\n**" + "_" * 50_000 + "\n<summary>" + "<b>" * 20_000 + "\n- x\n",
                 id="unclosed-bold-and-summary"),
    pytest.param("## S\n- [T](https://arxiv.org/abs/1) " + "".join(
        f"W{n:05d}x, 2022 " for n in range(10_000)) + "\n", id="many-words-a-comma-and-a-year"),
    pytest.param("## S\n- [N](https://x.org/a): " + "ab " * 30_000 + "[[pdf]](https://arxiv.org/"
                 "abs/1)\n- **N** - " + "[ab " * 20_000 + "\n- T" + " - Ab Cd" * 10_000 +
                 " [x](https://arxiv.org/abs/1)\n", id="named-projects-and-dashes"),
    pytest.param("## S\n- <u>" + "Ab " * 30_000 + ": **T** [x](https://arxiv.org/abs/1)\n"
                 "- " + "📄 " * 30_000 + "x [x](https://arxiv.org/abs/1)\n- **\"" + "ab\" " *
                 20_000 + "** *" + "A et al " * 5_000 + "* [x](https://arxiv.org/abs/1)\n",
                 id="model-names-pictographs-quotes-and-et-al"),
    pytest.param("S\n-\n\n- " + "`ab <" * 20_000 + "https://x.org/a>`_\n- " + "`a`" * 20_000 +
                 "_\n" + ".. _a: b\n" * 5_000, id="restructuredtext-links-and-targets"),
    pytest.param("T\n" + "~~~\nT\n" * 20_000 + "- `a <https://x.org/a>`_\n",
                 id="restructuredtext-underlines"),
    pytest.param("## S\n- **" + "[a]" * 20_000 + " T [[pdf]](https://arxiv.org/abs/1)*\n- " +
                 "[a][b] " * 10_000 + "T\n- [a](" + " " * 50_000 + "x\n- T " + "*." * 20_000 +
                 "\n", id="wrapping-stars-marks-and-spaced-destinations"),
    pytest.param("1. Title\n" + "  - https://" + "a" * 50_000 + "\n" + "2. T\n   x\n" * 5_000,
                 id="a-list-without-headings"),
    pytest.param("## S\n- **A Paper Title** — Ab Cd " + "(2020 (a) " * 10_000 +
                 "[x](https://arxiv.org/abs/1)\n- **T** — "
                 + "(" * 30_000 + "2020" + ")" * 30_000 + " [x](https://arxiv.org/abs/1)\n",
                 id="dated-brackets-unclosed-and-nested"),
    pytest.param("## S\n1. " + "Ab C, " * 15_000 + "x. A Title Of Words. [x](https://arxiv.org/"
                 "abs/1)\n2. " + "Ab Cd Ef GH, " * 8_000 + "\n", id="vancouver-names"),
])
def test_reading_a_list_is_linear_on_100_kb_of_its_worst_input(text):
    """A README is anyone's text; a hang guard, not a speed target."""
    import time

    started = time.perf_counter()
    parse_list(text)
    assert time.perf_counter() - started < 10


@pytest.mark.slow
def test_a_heading_repeated_thousands_of_times_grows_linearly():
    """A growth test, not a speed target: each repeat of a heading looked for its number
    from 2 upward, so 10,000 repeats took 12 s (100,000: twenty minutes)."""
    import time

    def seconds(count: int) -> float:
        text = "## S\n" + "### A Paper Title Here\n- [T](https://arxiv.org/abs/2201.11903)\n" * count
        started = time.perf_counter()
        sections = parse_list(text).sections
        assert len({c.slug for c in sections}) == count + 1
        return time.perf_counter() - started

    assert seconds(20_000) / max(seconds(2_000), 0.002) < 30


def test_trailing_links_are_read_from_the_end():
    document = parse_list("## S\n- [ACL 2023] A [[b]] title. [[pdf]](https://x.org/a) "
                          "[[code]](https://github.com/a/b)\n")
    item = document.items[0]
    assert item.title == "A [[b]] title" and item.label == "ACL 2023"
    assert item.links == (("pdf", "https://x.org/a"), ("code", "https://github.com/a/b"))


# -- the shapes of other lists ----------------------------------------------------------------
def _items(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(i.title, i.label, i.paper_link) for i in parse_list(text).items]


@pytest.mark.parametrize("line, expected", [
    pytest.param("- **Chain-of-Thought Prompting Elicits Reasoning**. *NeurIPS* (2022) "
                 "[[Paper]](https://arxiv.org/abs/2201.11903)",
                 ("Chain-of-Thought Prompting Elicits Reasoning", "NeurIPS 2022",
                  "https://arxiv.org/abs/2201.11903"), id="bold-title"),
    pytest.param("- **Self-Instruct: Aligning Language Models**. Wang, Yizhong, Kordi, Yeganeh, "
                 "Mishra, Swaroop. *ACL* (2023) [[Paper]](https://aclanthology.org/2023.acl-"
                 "long.754/) [[Code]](https://github.com/yizhongw/self-instruct)",
                 ("Self-Instruct: Aligning Language Models", "ACL 2023",
                  "https://aclanthology.org/2023.acl-long.754/"), id="bold-title-inline-authors"),
    pytest.param("- [ACL 2023] (black-box) Some Tagged Title. [[pdf]](https://aclanthology.org/"
                 "2023.acl-long.1.pdf)", ("Some Tagged Title", "ACL 2023",
                                         "https://aclanthology.org/2023.acl-long.1.pdf"),
                 id="tag-before-title"),
    pytest.param("* [Language Models are Few-Shot Learners](https://arxiv.org/abs/2005.14165v4"
                 "?utm_source=feed), Brown et al., NeurIPS 2020",
                 ("Language Models are Few-Shot Learners", "NeurIPS 2020",
                  "https://arxiv.org/abs/2005.14165v4?utm_source=feed"), id="link-text-title"),
    pytest.param("1. Training language models to follow instructions "
                 "[paper](https://arxiv.org/pdf/2203.02155v1.pdf)",
                 ("Training language models to follow instructions", None,
                  "https://arxiv.org/pdf/2203.02155v1.pdf"), id="generic-link-text"),
    pytest.param("| [Direct Preference Optimization](https://arxiv.org/abs/2305.18290) | 05-2023 |",
                 ("Direct Preference Optimization", "2023", "https://arxiv.org/abs/2305.18290"),
                 id="table-row"),
    pytest.param("| Direct Preference Optimization | NeurIPS | [pdf](https://arxiv.org/abs/"
                 "2305.18290) |", ("Direct Preference Optimization", None,
                                   "https://arxiv.org/abs/2305.18290"), id="table-row-pdf-cell"),
])
def test_each_common_shape_of_an_item_is_read(line, expected):
    assert _items(f"## Papers\n{line}\n") == [expected]


def test_what_is_no_paper_is_left_out_and_said():
    document = parse_list(
        "# L\n\n[![Awesome](https://awesome.re/badge.svg)](https://awesome.re)\n\n"
        "## Contents\n- [News](#news)\n- [Papers](#papers)\n"
        "## 🔥 News\n- [2024/05] We released version 2! See [our repo](https://github.com/a/b).\n"
        "- 2024-04: [Our survey](https://arxiv.org/abs/2402.13446v3) was accepted.\n"
        "## Papers\n- [![badge](https://img.shields.io/x.svg)](https://github.com/c/d)\n"
        "- [ACL 2023] A Paper. [[pdf]](https://aclanthology.org/2023.acl-long.1.pdf)\n"
        "| Name | Link |\n|---|---|\n| A Tool | [repo](https://github.com/t/t) |\n"
        "## Tools\n- [LangChain](https://github.com/langchain-ai/langchain) - a framework.\n"
        "- [A blog post](https://lilianweng.github.io/posts/2023-01-10/)\n"
        "## Contributing\nPlease open a pull request.\n- Be kind.\n")
    assert [(i.line, i.title) for i in document.items] == [(10, "Our survey"), (13, "A Paper")]
    assert [(line, link) for line, _text, link in document.left_out] == [
        (9, "https://github.com/a/b"), (12, "https://github.com/c/d"),
        (16, "https://github.com/t/t"),
        (18, "https://github.com/langchain-ai/langchain"),
        (19, "https://lilianweng.github.io/posts/2023-01-10/")]
    assert document.left_out[0][1].startswith("[2024/05] We released version 2!")
    assert document.left_out[1][1] == "(an image or badge)"
    # a heading under which no paper is listed is no category; a news bullet that links a
    # paper is a paper, wherever it stands
    assert [s.slug for s in document.sections] == ["news", "papers"]


def test_html_headings_nest_and_repeated_names_get_their_own_slugs():
    document = parse_list(
        "# A list\n\nIntro words.\n\n"
        '<h2 id="p">📄 <a href="#p">Papers of 2024</a></h2>\n<h3>January</h3>\n'
        "- [arXiv 2024] A. [[pdf]](https://arxiv.org/abs/2401.00001)\n"
        "## Papers of 2025\n### January\n"
        "- [arXiv 2025] B. [[pdf]](https://arxiv.org/abs/2501.00001)\n")
    assert [(s.slug, s.heading, s.depth, s.parent) for s in document.sections] == [
        ("papers-of-2024", "Papers of 2024", 0, None),
        ("january", "January", 1, "papers-of-2024"),
        ("papers-of-2025", "Papers of 2025", 0, None),
        ("papers-of-2025-january", "January", 1, "papers-of-2025")]
    assert [i.section for i in document.items] == ["january", "papers-of-2025-january"]
    assert document.intro == "# A list\n\nIntro words."  # up to the first heading


def test_a_section_nested_under_a_contents_block_moves_up():
    document = parse_list("## Contents\n- [Surveys](#surveys)\n### Surveys\n"
                          "- [arXiv 2024] A. [[pdf]](https://arxiv.org/abs/2401.00001)\n")
    assert [(s.slug, s.depth, s.parent) for s in document.sections] == [("surveys", 0, None)]


def test_an_item_no_source_holds_is_rendered_with_the_venue_its_list_gave_it(tmp_path):
    """An item cited from the list alone keeps the list's venue (``howpublished = {WWW}``):
    render-list showed it as "arXiv 2023" because its link is an arXiv one."""
    import llm4anno_bib
    from llm4anno_bib.listmd import item_line

    path = tmp_path / "README.md"
    path.write_text("## Data\n* [Is ChatGPT better than Human Annotators?](https://arxiv.org/abs/"
                    "2302.07736), WWW 2023\n", encoding="utf-8")
    (entry,) = llm4anno_bib.import_list(path, tmp_path / "out.bib", offline=True,
                                        cache_dir=tmp_path / "c").library
    assert entry.fields["howpublished"] == "WWW"
    assert item_line(entry).startswith("- [WWW 2023] Is ChatGPT better")


def test_a_list_rendered_from_its_library_reads_back_to_the_same_entries(tmp_path):
    """Import a list, render it, import the rendering: the same entries, years and links.
    An item at a venue no acronym names and no arXiv id (``(AAAI 2025)`` over an AAAI page)
    lost its label, and with it its year; one without a venue, its year; a paper whose
    entry has a project page lost its own link."""
    import llm4anno_bib

    path = tmp_path / "README.md"
    path.write_text(
        "## Retrieval\n"
        "- (AAAI 2025) **MaFeRw: Query Rewriting with Multi-Aspect Feedbacks** [[Paper]](https:"
        "//ojs.aaai.org/index.php/AAAI/article/view/34732) [[Code]](https://github.com/a/b)\n"
        "- (2024) **Credible Plan-Driven RAG for Multi-Hop Questions** [[Paper]](https://example"
        ".org/papers/credible)\n"
        "- (arXiv 2026) **Zero-WAM: In-Context World-Action Modeling** [[paper]](https://arxiv"
        ".org/abs/2608.26103) [[Project]](https://zero-wam.github.io/)\n", encoding="utf-8")
    first = llm4anno_bib.import_list(path, tmp_path / "first.bib", offline=True,
                                     cache_dir=tmp_path / "c").library
    rendered = tmp_path / "RENDERED.md"
    rendered.write_text(llm4anno_bib.render_list(library=tmp_path / "first.bib"),
                        encoding="utf-8")
    again = llm4anno_bib.import_list(rendered, tmp_path / "again.bib", offline=True,
                                     cache_dir=tmp_path / "c").library

    def facts(library):
        return [(e.title, e.year, e.fields.get("howpublished"), e.url, e.fields.get("code"),
                 e.fields.get("webpage"), e.categories) for e in library]

    assert facts(again) == facts(first)
    assert [e.year for e in first] == [2025, 2024, 2026]


def test_a_heading_in_the_intros_code_block_does_not_end_the_intro():
    """awesome-instruction-dataset shows its item template in a code block before its
    sections: the intro was cut at the template's heading, its block left open, and the
    list rendered after it read as code (every category became "papers")."""
    text = ("# Awesome Instruction Dataset\n\n# The template\n\n```markdown\n## [(owner/name)|"
            "Tags](https://github.com/link/to/project)\n- paper:\n```\n\n## Datasets\n\n"
            "- [arXiv 2023] How Close is ChatGPT to Human Experts. [[paper]](https://arxiv.org/"
            "abs/2301.07597)\n")
    document = parse_list(text)
    assert document.intro.count("```") == 2 and document.intro.endswith("```")
    assert [s.slug for s in document.sections] == ["datasets"]


def test_a_list_of_level_one_sections_has_an_intro_of_its_title_alone():
    """Where ``#`` headings are the sections, the intro (everything before the first
    ``##``) held every section and paper, which render-list then wrote twice."""
    grouped = parse_list(
        "# Awesome Annotation\n\nA list.\n\n# Papers\n- [Paper A Title](https://arxiv.org/abs/"
        "2201.11903)\n# Datasets\n- [Paper B Title](https://arxiv.org/abs/2212.10450)\n")
    assert grouped.intro == "# Awesome Annotation\n\nA list."
    # open-llms: one table right under the list's title, which is its one section
    table = parse_list(
        "# Open LLMs\n\nThese are open.\n\n| Model | Paper |\n| --- | --- |\n| T5 | [Exploring "
        "the Limits of Transfer Learning](https://arxiv.org/abs/1910.10683) |\n")
    assert table.intro == "" and [s.slug for s in table.sections] == ["open-llms"]


def test_a_title_opening_with_a_quoted_phrase_is_read_whole_and_tex_quotes_print():
    """'“Well, Keep Thinking”: Enhancing ...' read as the title "Well, Keep Thinking" (a
    reference's quoted title); TeX's ``quotes'' in a title were written to the README as
    they are, which GitHub shows as code and reading back lost."""
    from llm4anno_bib._text import latex_to_text

    (item,) = parse_list("## A\n- [arXiv 2025] “Well, Keep Thinking”: Enhancing LLM Reasoning. "
                         "[[paper]](https://arxiv.org/abs/2503.10167)\n").items
    assert item.title == "“Well, Keep Thinking”: Enhancing LLM Reasoning"
    (cited,) = parse_list('## A\n- "Learning Models From Supervision". A. Radford et al. ICML '
                          '2021. [[pdf]](https://arxiv.org/abs/2103.00020)\n').items
    assert (cited.title, cited.authors) == ("Learning Models From Supervision", ("A. Radford",))
    assert latex_to_text("Need a ``Passage'' of $f''$") == "Need a “Passage” of $f''$"
