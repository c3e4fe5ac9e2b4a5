"""The one rule for "the same work": titles (near-equal containment), authors (first author
with initial, and overlap), years. A table of real and near-real pairs, then ``add`` against a
local server that holds a look-alike: the near miss is reported, never merged."""

from __future__ import annotations

import shutil

import pytest

from llm4anno_bib.adding import add_work
from llm4anno_bib.enrich import judge

from source_server import FIXTURES, Recordings, SourceServer

CASES = [
    pytest.param(["Knowledge Distillation of Large Language Models"], ["Yuxian Gu", "Li Dong"],
                 2023, ["MiniLLM: Knowledge Distillation of Large Language Models"],
                 ["Gu, Yuxian", "Dong, Li", "Wei, Furu"], 2024, True,
                 id="published-title-adds-a-name"),
    pytest.param(["Deep reinforcement learning from human preferences"],
                 ["Paul Christiano", "Jan Leike"], 2017,
                 ["Deep Reinforcement Learning from Human Preferences"],
                 ["Paul F. Christiano", "Jan Leike", "Tom B. Brown"], 2017, True,
                 id="middle-initial-added"),
    pytest.param(["Retrieval Augmented Annotation with Large Language Models"],
                 ["Wei Zhang", "Ann Lee"], 2024,
                 ["Retrieval Augmented Annotation with Large Language Models for Radiology "
                  "Reports: A Negative Result"], ["Min Zhang"], 2024, False,
                 id="contained-in-a-much-longer-title-namesake-author"),
    pytest.param(["Large Language Models for Data Annotation"], ["Zhen Tan", "Dawei Li"], 2024,
                 ["Large Language Models for Data Annotation"],
                 ["Zhen Tan", "Alimohammad Beigi", "Song Wang"], 2024, True,
                 id="same-title-first-author-more-authors"),
    pytest.param(["Large Language Models for Data Annotation"],
                 ["Zhen Tan", "Dawei Li", "Song Wang", "Alimohammad Beigi"], 2024,
                 ["Large Language Models for Data Annotation"],
                 ["Zhen Tan", "Bohan Jiang", "Raha Moraffah", "Huan Liu"], 2024, False,
                 id="same-title-same-first-author-other-team"),
    pytest.param(["Chain-of-Thought Prompting Elicits Reasoning"], ["Jason Wei"], 2022,
                 ["Chain-of-Thought Prompting Elicits Reasoning"], ["Xuezhi Wang"], 2022, False,
                 id="other-first-author"),
    pytest.param(["A Survey of Large Language Models"], ["Wayne Xin Zhao"], 2023,
                 ["A Survey of Large Language Models"], ["Wayne Xin Zhao"], 2030, False,
                 id="year-far-off"),
]


@pytest.mark.parametrize(("titles", "authors", "year", "their_titles", "their_authors",
                          "their_year", "same"), CASES)
def test_the_same_work_rule(titles, authors, year, their_titles, their_authors, their_year,
                            same):
    verdict = judge(titles, authors, year, their_titles, their_authors, their_year)
    assert verdict.accepted is same, verdict.reason


def test_a_contained_title_of_another_paper_is_a_near_miss_with_its_reason():
    verdict = judge(["Retrieval Augmented Annotation with Large Language Models"],
                    ["Wei Zhang", "Ann Lee"], 2024,
                    ["Retrieval Augmented Annotation with Large Language Models for Radiology "
                     "Reports: A Negative Result"], ["Min Zhang"], 2024)
    assert verdict.near_miss and "within a longer one" in verdict.reason


LOOKALIKE_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <entry>
    <id>http://arxiv.org/abs/2401.00001v1</id>
    <updated>2024-01-01T00:00:00Z</updated>
    <published>2024-01-01T00:00:00Z</published>
    <title>Retrieval Augmented Annotation with Large Language Models</title>
    <summary>Abstract not recorded.</summary>
    <author><name>Wei Zhang</name></author>
    <author><name>Ann Lee</name></author>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
</feed>
"""
LOOKALIKE_DBLP = """@article{DBLP:journals/corr/Zhang24x,
  author       = {Min Zhang},
  title        = {Retrieval Augmented Annotation with Large Language Models for Radiology
                  Reports: {A} Negative Result},
  journal      = {Journal of Imaginary Results},
  volume       = {1},
  year         = {2024},
  doi          = {10.9999/jir.2024.1},
  url          = {https://example.org/jir/2024/1},
}
"""


def test_add_keeps_a_preprint_apart_from_a_longer_titled_namesake(tmp_path, library):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, fixtures)
    (fixtures / "arxiv" / "2401.00001.xml").write_text(LOOKALIKE_FEED, encoding="utf-8")
    dblp = tmp_path / "dblp"
    dblp.mkdir()
    (dblp / "lookalike.bib").write_text(LOOKALIKE_DBLP, encoding="utf-8")
    with SourceServer(Recordings(fixtures, dblp_dir=dblp)) as server:
        from conftest import connect

        result = add_work(library, "2401.00001", ["Surveys"], connect(server, tmp_path / "c"))
        assert server.count("/dblp/search") >= 1  # the look-alike was found and judged
    entry = result.entry
    assert result.added and entry.entry_type == "misc" and entry.doi is None
    assert entry.title == "Retrieval Augmented Annotation with Large Language Models"
    assert entry.authors == ("Wei Zhang", "Ann Lee")
    assert any("conf" not in line and "within a longer one" in line
               for line in result.near_misses), result.near_misses


@pytest.mark.parametrize(("written", "same"), [
    ("Don&apos;t Stop Pretraining: Adapt Language Models", "Don't Stop Pretraining: Adapt "
     "Language Models"),
    (r"DDM\({}^{\mbox{2}}\): Self-Supervised Diffusion MRI Denoising",
     "DDM2: Self-Supervised Diffusion MRI Denoising"),
    (r"Sparse L\({}_{\mbox{1}}\) Regression", "Sparse L1 Regression"),
    (r"{\unicode{119977}}-Learning and \unicode119977-Search", "N-Learning and N-Search"),
    ("𝒩-Learning", "N-Learning"),
    (r"Nystr{\"o}m Approximation", "Nyström Approximation"),
    ("Demoir\\'eing Images", "Demoiréing Images"),
    # math as arXiv and users write it against DBLP's TeX and Unicode (a false alarm on
    # every such valid entry)
    (r"DDM$^2$: Self-Supervised Diffusion MRI Denoising",
     r"DDM\({}^{\mbox{2}}\): Self-Supervised Diffusion MRI Denoising"),
    (r"PixArt-$\alpha$: Fast Training", r"PixArt-{\(\alpha\)}: Fast Training"),
    (r"Temporally-Extended $\epsilon$-Greedy", r"Temporally-Extended {\(\epsilon\)}-Greedy"),
    (r"$\infty$-Diff: Infinite Resolution", r"{\(\infty\)}-Diff: Infinite Resolution"),
    (r"{$\infty$Bench}: Extending", "\u221eBench: Extending"),
    (r"Sparse L$_1$ Regression", r"Sparse L\({}_{\mbox{1}}\) Regression"),
    (r"PixArt-$\alpha$: Fast Training", "PixArt-\u03b1: Fast Training"),
])
def test_formatting_is_never_a_different_title(written, same):
    """HTML entities, DBLP's TeX math and \\unicode, Unicode math letters, accents in LaTeX
    or Unicode: one title (issue 27's false alarms)."""
    from llm4anno_bib._text import normalise_title

    assert normalise_title(written) == normalise_title(same)


def test_a_first_author_written_the_german_way_is_the_same_person():
    """A preprint by "Mathias Mueller" is the published paper of "Mathias Müller" (the
    matching rule's first author); "Xue" is still not "Xu"."""
    from llm4anno_bib.enrich import same_people

    assert same_people(["Mathias Mueller", "Rico Sennrich"], ["Mathias Müller", "Rico Sennrich"])
    assert same_people(["Mathias M{\\\"u}ller"], ["Mathias Mueller"])
    assert not same_people(["Wei Xue", "Rico Sennrich"], ["Wei Xu", "Rico Sennrich"])
