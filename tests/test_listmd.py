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
])
def test_reading_a_list_is_linear_on_100_kb_of_its_worst_input(text):
    """A README is anyone's text; a hang guard, not a speed target."""
    import time

    started = time.perf_counter()
    parse_list(text)
    assert time.perf_counter() - started < 10


def test_trailing_links_are_read_from_the_end():
    document = parse_list("## S\n- [ACL 2023] A [[b]] title. [[pdf]](https://x.org/a) "
                          "[[code]](https://github.com/a/b)\n")
    item = document.items[0]
    assert item.title == "A [[b]] title" and item.label == "ACL 2023"
    assert item.links == (("pdf", "https://x.org/a"), ("code", "https://github.com/a/b"))
