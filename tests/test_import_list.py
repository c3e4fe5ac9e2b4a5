"""import-list: a paper list README into a library, never aborted by a source."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.cli import app
from llm4anno_bib.errors import InvalidIdentifier, NotFound

from conftest import CURATED, LIST_README, ROOT, connect, run_cli
from source_server import Fault

SMALL_LIST = """# Papers on things

A list kept by someone (write to list-keeper@example.org).

```
@article{survey2024,
  title={A Survey of Large Language Models},
  eprint={2303.18223},
}
```

## Prompting

### Chains
- [NeurIPS 2022] Chain-of-Thought Prompting Elicits Reasoning in Large Language Models. [[pdf]](https://arxiv.org/pdf/2201.11903.pdf)
- [ACL 2099] A Paper the Anthology Never Had. [[pdf]](https://aclanthology.org/2099.acl-long.1.pdf)

## Elsewhere
- [Blog 2023] Notes From a Workshop Nobody Recorded. [[pdf]](https://example.org/notes.pdf)
"""


@pytest.fixture
def small_list(tmp_path):
    path = tmp_path / "README.md"
    path.write_text(SMALL_LIST, encoding="utf-8")
    return path


@pytest.mark.slow
def test_items_no_source_holds_are_cited_from_the_list_and_marked(server, tmp_path,
                                                                  small_list, needs_dblp):
    out = tmp_path / "library.bib"
    result = llm4anno_bib.import_list(small_list, out, sources=connect(server, tmp_path / "c"))
    library = llm4anno_bib.load(out)
    assert result.written and len(library) == 4 and result.unverified == 2
    assert library.survey_key is not None
    assert library[library.survey_key].arxiv_id == "2303.18223"  # from the citation block
    cot = next(e for e in library if e.arxiv_id == "2201.11903")
    assert cot.fields.get("dblp") == "conf/nips/Wei0SBIXCLZ22"  # enriched as the build does
    unverified = {c.key: c for c in library.corrections() if c.kind == "unverified"}
    titles = {library[key].title for key in unverified}
    assert titles == {"A Paper the Anthology Never Had",
                      "Notes From a Workshop Nobody Recorded"}
    notes = next(e for e in library if e.title.startswith("Notes"))
    assert notes.year == 2023 and notes.url == "https://example.org/notes.pdf"
    assert any("2099.acl-long.1" in line for line in result.unresolved)
    assert [c.slug for c in library.tree] == ["prompting", "chains", "elsewhere"]
    assert "list-keeper@example.org" in library.intro  # any text is storable


def test_a_source_down_for_the_whole_import_never_aborts_it(server, tmp_path, small_list):
    server.fail_next("/arxiv", Fault(status=503), times=1000)
    server.fail_next("/dblp", Fault(status=503), times=1000)
    out = tmp_path / "library.bib"
    result = llm4anno_bib.import_list(small_list, out, sources=connect(server, tmp_path / "c"))
    library = llm4anno_bib.load(out)
    assert result.written and result.unverified == 3 and len(library) == 4
    # no source answered: the survey is the list's own citation block, as the list gives it
    survey = library[library.survey_key]
    assert (survey.title, survey.fields["eprint"]) == ("A Survey of Large Language Models",
                                                       "2303.18223")
    assert any("HTTP 503" in line for line in result.unresolved)


def test_what_is_no_list_or_no_survey_id_is_a_clear_error(server, tmp_path):
    prose = tmp_path / "NOTES.md"
    prose.write_text("# Notes\n\nNothing but prose here.\n", encoding="utf-8")
    with pytest.raises(NotFound, match="reads as a list"):
        llm4anno_bib.import_list(prose, tmp_path / "x.bib",
                                 sources=connect(server, tmp_path / "c"))
    listed = tmp_path / "L.md"
    listed.write_text(SMALL_LIST, encoding="utf-8")
    with pytest.raises(InvalidIdentifier, match="not an arXiv id"):
        llm4anno_bib.import_list(listed, tmp_path / "x.bib", survey="not-an-id",
                                 sources=connect(server, tmp_path / "c"))
    assert not (tmp_path / "x.bib").exists()


def test_the_cli_imports_and_keeps_a_library_in_step(server, tmp_path, small_list, cli_env,
                                                     monkeypatch, needs_dblp):
    monkeypatch.setenv("LLM4ANNO_BIB_DELAY", "0")
    runner = CliRunner()
    out = tmp_path / "lib.bib"
    done = runner.invoke(app, ["import-list", str(small_list), "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "wrote 4 entries" in done.stderr and "2 cited from the list alone" in done.stderr
    first = llm4anno_bib.load(out)
    # the list gains an item: imported onto the library, the old keys stay
    small_list.write_text(SMALL_LIST + "- [arXiv 2023] A Survey of Large Language Models. "
                          "[[pdf]](https://arxiv.org/pdf/2303.18223.pdf)\n", encoding="utf-8")
    again = runner.invoke(app, ["import-list", str(small_list), "--into", str(out)])
    assert again.exit_code == 0, again.output
    second = llm4anno_bib.load(out)
    assert [e.key for e in first] == [e.key for e in second][: len(first)]
    assert runner.invoke(app, ["import-list", str(small_list)]).exit_code == 2
    nothing = tmp_path / "prose.md"
    nothing.write_text("just text\n", encoding="utf-8")
    refused = runner.invoke(app, ["import-list", str(nothing), "-o", str(tmp_path / "n.bib")])
    assert refused.exit_code == 1 and "reads as a list" in refused.stderr


@pytest.mark.slow
def test_import_list_as_a_real_process(server, tmp_path, small_list, needs_dblp):
    out = tmp_path / "lib.bib"
    done = run_cli(server, tmp_path, "import-list", str(small_list), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert len(llm4anno_bib.load(out)) == 4


BOLD_LIST = """# Synthetic data papers

## Contents
- [Methods](#methods)
- [Tools](#tools)

## Methods
- [**Chain-of-Thought Prompting Elicits Reasoning in Large Language Models.**](https://arxiv.org/abs/2201.11903) *Jason Wei, Xuezhi Wang, Dale Schuurmans.* NeurIPS 2022.

## Tools
- [**A Toolkit for Making Data**](https://github.com/someone/toolkit) *Someone.*
"""


def test_the_bold_shape_reads_its_papers_and_leaves_out_the_rest(server, tmp_path,
                                                                 needs_dblp):
    path = tmp_path / "README.md"
    path.write_text(BOLD_LIST, encoding="utf-8")
    result = llm4anno_bib.import_list(path, tmp_path / "lib.bib",
                                      sources=connect(server, tmp_path / "c"))
    (entry,) = list(result.library)
    assert entry.arxiv_id == "2201.11903" and entry.fields["dblp"] == "conf/nips/Wei0SBIXCLZ22"
    assert result.left_out == ("line 11: A Toolkit for Making Data "
                               "(https://github.com/someone/toolkit): not a paper",)
    # "Contents" (anchors) and "Tools" (a repository) hold no paper: no categories
    assert [c.slug for c in result.library.tree] == ["methods"]
    assert result.library.filter(category="methods").entries == (entry,)


SHARED_LIST = ROOT.parent / "shared" / "lists" / "wasiahmad_awesome-llm-synthetic-data_README.md"


def test_a_real_list_of_the_bold_shape_is_read_whole():
    if not SHARED_LIST.is_file():
        pytest.skip(f"the other real list is not at {SHARED_LIST.parent}")
    from llm4anno_bib.listmd import parse_list

    text = SHARED_LIST.read_text(encoding="utf-8")
    bullets = [n for n, line in enumerate(text.splitlines(), 1)
               if re.match(r"\s*- \[\*\*", line)]
    document = parse_list(text)
    assert sorted([i.line for i in document.items] + [n for n, _t, _u in document.left_out]) \
        == bullets  # every bold bullet is an item or said to be left out, none twice
    assert not [i for i in document.items if i.section == "contents"]
    assert all("arxiv.org" not in url for _n, _t, url in document.left_out)
    star = next(i for i in document.items if i.title.startswith("STaR"))
    assert (star.label, star.paper_link) == ("NeurIPS 2022", "https://arxiv.org/abs/2203.14465")


def test_an_import_into_a_library_never_deletes_what_the_list_dropped(server, tmp_path,
                                                                      small_list):
    out = tmp_path / "lib.bib"
    llm4anno_bib.import_list(small_list, out, sources=connect(server, tmp_path / "c"))
    before = llm4anno_bib.load(out)
    notes = next(e for e in before if e.title.startswith("Notes"))
    small_list.write_text(SMALL_LIST.replace("- [Blog 2023] Notes From", "<!-- gone -->\n"
                                             "- [Blog 2023] Gone: Notes From").split(
                                                 "<!-- gone -->")[0], encoding="utf-8")
    result = llm4anno_bib.import_list(small_list, into=out,
                                      sources=connect(server, tmp_path / "c"))
    after = llm4anno_bib.load(out)
    assert result.no_longer_listed == (notes.key,)
    assert after[notes.key] == notes  # kept as it was
    assert notes.key in after.filter(category="elsewhere")
    assert ("unverified" in {c.kind for c in after.corrections(key=notes.key)})


def test_an_import_that_changes_nothing_leaves_the_file_alone(server, tmp_path, small_list):
    """Importing the list again into the library it made (offline, from the cache) gives
    the same text: the file is not written (its time stamp stays), and the CLI says so."""
    import os

    from typer.testing import CliRunner

    from llm4anno_bib.cli import app

    out = tmp_path / "lib.bib"
    first = llm4anno_bib.import_list(small_list, out, sources=connect(server, tmp_path / "c"))
    assert first.written
    os.utime(out, ns=(1_000_000_000, 1_000_000_000))  # a time no write would give
    before = out.read_bytes()
    again = llm4anno_bib.import_list(small_list, into=out,
                                     sources=connect(server, tmp_path / "c", offline=True))
    assert not again.written and out.read_bytes() == before
    assert out.stat().st_mtime_ns == 1_000_000_000
    said = CliRunner().invoke(app, ["import-list", str(small_list), "--into", str(out),
                                    "--offline"], env=server.environment(tmp_path / "c"))
    assert said.exit_code == 0 and f"{out} left unchanged" in said.stderr
    assert out.stat().st_mtime_ns == 1_000_000_000


def test_any_text_of_a_list_is_stored_and_read_back(server, tmp_path):
    """Headings and titles with the characters a library block uses ("@", braces, " | ")
    are stored escaped and read back as they were; nothing is refused."""
    hostile = ("# L\n\n## Tools @ Scale | {v2}\n"
               "- [Blog 2024] Email@Scale: {Braces} | Pipes, 100% Done. "
               "[[pdf]](https://example.org/a.pdf)\n")
    path = tmp_path / "L.md"
    path.write_text(hostile, encoding="utf-8")
    out = tmp_path / "lib.bib"
    result = llm4anno_bib.import_list(path, out, sources=connect(server, tmp_path / "c"))
    again = llm4anno_bib.load(out)
    assert [c.heading for c in again.tree] == ["Tools @ Scale | {v2}"]
    (entry,) = list(again)
    assert entry.title == "Email@Scale: {Braces} | Pipes, 100% Done"
    assert again.corrections() == result.library.corrections()
    assert "Email@Scale: {Braces} | Pipes" in again.corrections()[0].said
    assert llm4anno_bib.check(out).exit_code == 0


MIXED_LIST = """# Mixed shapes

[![Awesome](https://awesome.re/badge.svg)](https://awesome.re)

## Contents
- [Papers](#papers)

<h2 id="papers">📄 Papers</h2>

### Preferences
- **Direct Preference Optimization: Your Language Model is Secretly a Reward Model**. Rafailov, Rafael, Sharma, Archit. *NeurIPS* (2023) [[Paper]](https://arxiv.org/abs/2305.18290v2?utm_source=list)
* [Learning to summarize with human feedback](https://arxiv.org/pdf/2009.01325v3.pdf), Stiennon et al., NeurIPS 2020

### Table
| Paper | Date |
|---|---|
| [Fine-Tuning Language Models from Human Preferences](https://arxiv.org/abs/1909.08593) | 09-2019 |
| (black-box) [Direct Preference Optimization](https://arxiv.org/abs/2305.18290) | 05-2023 |

## Tools
- [A toolkit](https://github.com/someone/toolkit) - not a paper.
"""


def test_a_list_of_mixed_shapes_imports_as_one_entry_per_work(server, tmp_path, needs_dblp):
    path = tmp_path / "README.md"
    path.write_text(MIXED_LIST, encoding="utf-8")
    result = llm4anno_bib.import_list(path, tmp_path / "lib.bib",
                                      sources=connect(server, tmp_path / "c"))
    library = llm4anno_bib.load(tmp_path / "lib.bib")
    # one entry per work: DPO listed twice (two shapes, two links) is one work in two sections
    assert sorted(e.arxiv_id for e in library) == ["1909.08593", "2009.01325", "2305.18290"]
    dpo = next(e for e in library if e.arxiv_id == "2305.18290")
    assert "Neural Information Processing Systems" in dpo.venue and dpo.year == 2023
    assert set(dpo.categories) == {"preferences", "table"}
    assert [(c.slug, c.depth, c.parent) for c in library.tree] == [
        ("papers", 0, None), ("preferences", 1, "papers"), ("table", 1, "papers")]
    # the short name (the title's words before its colon) is the work's, not another's
    assert result.unresolved == () and result.unverified == 0 and result.left_out == (
        "line 21: A toolkit - not a paper (https://github.com/someone/toolkit): not a paper",)


@pytest.mark.slow
def test_an_interrupted_import_resumes_asking_only_what_it_had_not(server, tmp_path,
                                                                   needs_dblp):
    def interrupt(step: llm4anno_bib.Progress) -> None:
        if step.about.startswith("looking for published") and step.done == step.total // 2:
            raise KeyboardInterrupt  # Ctrl-C halfway through the longest stage

    stages: list[llm4anno_bib.Progress] = []
    out = tmp_path / "lib.bib"
    with pytest.raises(KeyboardInterrupt):
        llm4anno_bib.import_list(LIST_README, out, sources=connect(server, tmp_path / "c"),
                                 curated_dir=CURATED, survey="2402.13446", progress=interrupt)
    assert not out.exists()  # nothing half-written
    asked_first = [(r.path, sorted(r.query.items())) for r in server.requests]
    server.reset_log()
    resumed = llm4anno_bib.import_list(LIST_README, out, sources=connect(server, tmp_path / "c"),
                                       curated_dir=CURATED, survey="2402.13446",
                                       progress=stages.append)
    asked_again = [(r.path, sorted(r.query.items())) for r in server.requests]
    server.reset_log()
    whole = llm4anno_bib.import_list(LIST_README, tmp_path / "whole.bib", curated_dir=CURATED,
                                     survey="2402.13446",
                                     sources=connect(server, tmp_path / "other-cache"))
    assert asked_first and asked_again
    assert not [request for request in asked_again if request in asked_first]
    assert len(asked_first) + len(asked_again) == len(server.requests)
    assert out.read_bytes() == (tmp_path / "whole.bib").read_bytes()
    assert len(resumed.library) == len(whole.library) == 76
    # each stage is followed from 0 to its total
    published = [(s.done, s.total) for s in stages if s.about.startswith("looking for published")]
    total = published[0][1]
    assert total >= 76 and published == [(done, total) for done in range(total + 1)]


def test_one_work_linked_by_arxiv_anthology_and_doi_is_one_entry(server, tmp_path):
    path = tmp_path / "README.md"
    title = "ZeroGen: Efficient Zero-shot Learning via Dataset Generation"
    path.write_text(
        f"# L\n## A\n- [EMNLP 2022] {title}. [[pdf]](https://arxiv.org/pdf/2202.07922.pdf)\n"
        f"## B\n- [**{title}**](https://aclanthology.org/2022.emnlp-main.801.pdf) *Ye et al.* "
        f"EMNLP 2022.\n## C\n- **{title}**. *EMNLP* (2022) "
        "[[Paper]](https://doi.org/10.18653/v1/2022.emnlp-main.801)\n", encoding="utf-8")
    result = llm4anno_bib.import_list(path, sources=connect(server, tmp_path / "c"))
    (entry,) = list(result.library)
    assert entry.categories == ("a", "b", "c") and entry.arxiv_id == "2202.07922"
    assert entry.fields["doi"] == "10.18653/v1/2022.emnlp-main.801"


def test_an_item_linking_a_proceedings_page_is_found_by_its_title(server, tmp_path,
                                                                  needs_dblp):
    """No arXiv link and no preprint: the published version is searched by title, under
    the same rule (title, year; first author where the list names one)."""
    path = tmp_path / "README.md"
    path.write_text(
        "# L\n## ICLR\n- **Neural Machine Translation with Universal Visual Representation**."
        " *ICLR* (2020) [[Paper]](https://openreview.net/forum?id=Byl8hhNYPS)\n"
        "- **Sample Efficient Policy Gradient Methods with Recursive Variance Reduction**. "
        "*ICLR* (2011) [[Paper]](https://openreview.net/forum?id=another)\n"
        "- **Estimating Gradients for Discrete Random Variables by Sampling without "
        "Replacement**. Doe, Jane, Roe, Richard. *ICLR* (2020) "
        "[[Paper]](https://openreview.net/forum?id=third)\n", encoding="utf-8")
    result = llm4anno_bib.import_list(path, sources=connect(server, tmp_path / "c"))
    by_title = {e.title.split()[0]: e for e in result.library}
    found, too_early, other_authors = by_title["Neural"], by_title["Sample"], \
        by_title["Estimating"]
    assert found.fields["dblp"] == "conf/iclr/0001C0USLZ20" and found.year == 2020
    assert found.authors[0] == "Zhuosheng Zhang"
    # a recorded title nine years before its record is another work: cited from the list
    assert "dblp" not in too_early.fields and too_early.year == 2011
    assert [c.kind for c in result.library.corrections(key=too_early.key)] == ["unverified"]
    assert any("year 2020 is outside" in miss for miss in result.near_misses)
    # the list's own first author ("Doe, Jane": family, given without "and") is checked too
    assert "dblp" not in other_authors.fields
    assert any("first author 'Wouter Kool' is not 'Doe, Jane'" in miss
               for miss in result.near_misses)



def test_a_short_title_many_dblp_titles_hold_is_found_as_verify_finds_it(server, tmp_path,
                                                                        needs_dblp):
    """"Consistency Models": twenty DBLP titles hold both words and the paper ranks
    eleventh. verify --lookup asked DBLP for more hits than ten and found it; the import
    asked for ten and cited the item from the list alone (one way of asking DBLP for a
    title, whoever asks). The item's arXiv id is one the stand-in arXiv lacks."""
    path = tmp_path / "README.md"
    path.write_text("# L\n## Training\n- [Consistency Models](https://arxiv.org/abs/"
                    "2303.01469) - Song et al., ICML 2023\n", encoding="utf-8")
    result = llm4anno_bib.import_list(path, sources=connect(server, tmp_path / "c"))
    (entry,) = list(result.library)
    assert entry.fields.get("dblp") == "conf/icml/SongD0S23"
    assert entry.authors[:2] == ("Yang Song", "Prafulla Dhariwal")
    assert entry.fields["pages"] == "32211--32252"
    assert not result.library.corrections(key=entry.key)



def test_a_label_naming_the_venue_without_a_year_is_no_mistake_of_the_list(server, tmp_path):
    """Under a heading of the year, ``**ACL** Title``: the label names the venue the work
    appeared at and no year; the import noted "[ACL]" as a venue the list got wrong."""
    path = tmp_path / "README.md"
    path.write_text("# L\n## 2023\n- **ACL** Unnatural Instructions: Tuning Language Models "
                    "with (Almost) No Human Labor [paper](https://aclanthology.org/"
                    "2023.acl-long.806)\n- **EMNLP** SCOTT: Self-Consistent Chain-of-Thought "
                    "Distillation [paper](https://aclanthology.org/2023.acl-long.304)\n",
                    encoding="utf-8")
    result = llm4anno_bib.import_list(path, sources=connect(server, tmp_path / "c"))
    right, wrong = list(result.library)
    assert right.fields["anthology"] == "2023.acl-long.806"
    assert not result.library.corrections(key=right.key)
    # another venue is still the list's mistake
    assert [(c.kind, c.said) for c in result.library.corrections(key=wrong.key)] == [
        ("venue", "line 4: [EMNLP]")]


@pytest.mark.slow
def test_a_source_going_down_mid_import_loses_nothing_and_a_rerun_completes(
        server, tmp_path, needs_dblp):
    def outage(step: llm4anno_bib.Progress) -> None:
        if step.about.startswith("looking for published") and step.done == step.total // 3:
            server.fail_next("/dblp", Fault(status=503), times=10_000)  # DBLP goes down

    out = tmp_path / "lib.bib"
    first = llm4anno_bib.import_list(LIST_README, out, sources=connect(server, tmp_path / "c"),
                                     curated_dir=CURATED, survey="2402.13446", progress=outage)
    assert first.written and len(first.library) == 76  # every work is there, none lost
    assert any("DBLP" in line and "HTTP 503" in line for line in first.unresolved)
    with server._lock:
        server._faults.clear()  # DBLP is back
    again = llm4anno_bib.import_list(LIST_README, sources=connect(server, tmp_path / "c"),
                                     curated_dir=CURATED, survey="2402.13446",
                                     into=out)
    assert again.unresolved == ()
    # the same citations as an import that never met the outage (keys made during it stay:
    # a key may be cited already)
    shipped = llm4anno_bib.load(ROOT / "library.bib")
    assert sorted((e.entry_type, sorted(e.fields.items())) for e in llm4anno_bib.load(out)) \
        == sorted((e.entry_type, sorted(e.fields.items())) for e in shipped)


@pytest.mark.parametrize("how", ["bibtex-fence", "cite-line"])
def test_the_survey_is_the_lists_own_citation_however_written(how):
    from llm4anno_bib.importing import survey_of
    from llm4anno_bib.listmd import parse_list

    head = ("```bibtex\n@article{ours,\n  title={Ours},\n  eprint={2303.18223},\n}\n```\n"
            if how == "bibtex-fence" else
            "If the list helps, please cite [our survey](https://arxiv.org/abs/2303.18223v3).\n")
    text = (f"# A list\n\n{head}\n## Papers\n"
            "- [ACL 2023] CITE: A Paper Named Cite. [[pdf]](https://arxiv.org/abs/2201.11903)\n")
    document = parse_list(text)
    assert survey_of(document.citation_block, text) == "2303.18223"
    # an item whose title says "cite" is no request to cite
    assert survey_of(None, text.replace(head, "")) is None


def test_a_list_edited_and_imported_again_keeps_one_note_per_mistake(server, tmp_path,
                                                                      needs_dblp):
    """Keeping a library in step with its list: each import onto it added its corrections
    again under the items' new line numbers (a list edited above an item gave every item
    a second "unverified" note, then a third), and an item a source now holds kept the
    "unverified" note of the offline import before. Importing the unchanged list again is
    a fixed point."""
    path = tmp_path / "README.md"
    first = ("# L\n\n## A\n- [ACL 2023] Chain-of-Thought Prompting Elicits Reasoning in Large "
             "Language Models. [[pdf]](https://arxiv.org/abs/2201.11903)\n- [Blog 2023] Notes "
             "From Nowhere About Models. [[pdf]](https://example.org/notes.pdf)\n")
    path.write_text(first, encoding="utf-8")
    out = tmp_path / "lib.bib"
    llm4anno_bib.import_list(path, out, sources=connect(server, tmp_path / "c", offline=True))
    offline = llm4anno_bib.load(out)
    assert sorted(c.kind for c in offline.corrections()) == ["unverified", "unverified"]
    # a section above: every item moves down three lines; the first is now found online
    path.write_text(first.replace("## A\n", "## New\n- [Blog 2023] A New Post on Some "
                                  "Other Things. [[pdf]](https://example.org/new.pdf)\n\n## A\n"),
                    encoding="utf-8")
    llm4anno_bib.import_list(path, into=out, sources=connect(server, tmp_path / "c"))
    online = llm4anno_bib.load(out)
    notes = [(c.key, c.kind, c.said.partition(":")[0]) for c in online.corrections()]
    cot = next(e.key for e in online if e.arxiv_id == "2201.11903")
    assert sorted(notes) == sorted([
        (cot, "venue", "line 7"),  # labelled ACL, published at NeurIPS
        (next(e.key for e in online if "Notes" in e.title), "unverified", "line 8"),
        (next(e.key for e in online if "New Post" in e.title), "unverified", "line 4")])
    before = out.read_bytes()
    again = llm4anno_bib.import_list(path, into=out, sources=connect(server, tmp_path / "c"))
    assert not again.written and out.read_bytes() == before


def test_the_header_names_the_lists_repository_from_its_badges_not_an_items():
    """A paper's starred-code badge inside a section was taken for the list's own
    repository (the last of equally frequent ones); the list's badges are in its head."""
    from llm4anno_bib.importing import list_header

    items = "".join(f"- [T {n}](https://arxiv.org/abs/2201.1190{n}) [![s](https://img.shields."
                    f"io/github/stars/lab{n}/code{n})](https://github.com/lab{n}/code{n})\n"
                    for n in range(3))
    assert "(https://github.com/" not in list_header(f"# Awesome\n\n## A\n{items}")
    own = "[![f](https://img.shields.io/github/forks/me/awesome)](https://github.com/me/awesome)\n"
    assert "(https://github.com/me/awesome)," in list_header(f"# Awesome\n{own}\n## A\n{items}")


_THREE = ("# L\n\n## A\n- [Blog 2023] Notes From Nowhere About Models. [[pdf]]"
          "(https://example.org/notes.pdf)\n- [Blog 2023] A Post on Other Things Entirely. "
          "[[pdf]](https://example.org/post.pdf)\n\n## B\n- [Blog 2024] Thoughts Nobody "
          "Recorded Anywhere. [[pdf]](https://example.org/thoughts.pdf)\n")


def test_a_mistake_naming_other_lines_is_one_note_where_the_list_moved_it(server, tmp_path):
    """A note naming other lines of the list ("listed again ... (first on line 5)") was kept
    from the last import beside the same note under the new lines: each edit above it added
    one more."""
    path = tmp_path / "README.md"
    cot = "Chain-of-Thought Prompting Elicits Reasoning in Large Language Models"
    path.write_text(_THREE + f"- [arXiv 2022] {cot}. [[pdf]](https://arxiv.org/pdf/2201.11903)\n"
                    f"- [NeurIPS 2022] {cot}. [[pdf]](https://arxiv.org/abs/2201.11903)\n",
                    encoding="utf-8")
    out = tmp_path / "lib.bib"
    offline = connect(server, tmp_path / "c", offline=True)
    llm4anno_bib.import_list(path, out, sources=offline)
    path.write_text("# L\n\n## New\n- [Blog 2025] Something Added Above Them All. [[pdf]]"
                    "(https://example.org/new.pdf)\n" + path.read_text(encoding="utf-8")[5:],
                    encoding="utf-8")
    llm4anno_bib.import_list(path, into=out, sources=offline)
    duplicates = [c for c in llm4anno_bib.load(out).corrections() if c.kind == "duplicate"]
    assert [c.said for c in duplicates] == ["line 12: listed again in 'B' (first on line 11)"]


def test_prune_keeps_a_library_in_step_with_its_list(server, tmp_path):
    """``prune``: the works the list dropped leave the library (kept otherwise), spaced as
    the rest (a removed entry left its blank lines), the same file a new import of the list
    writes; the summary says what went either way."""
    path, out, fresh = tmp_path / "README.md", tmp_path / "lib.bib", tmp_path / "fresh.bib"
    path.write_text(_THREE, encoding="utf-8")
    offline = connect(server, tmp_path / "c", offline=True)
    before = llm4anno_bib.import_list(path, out, sources=offline).library
    gone = [e.key for e in before if e.title.startswith(("Notes", "A Post"))]
    path.write_text(_THREE.split("- [Blog 2023] Notes")[0] + "## B" + _THREE.split("## B")[1],
                    encoding="utf-8")
    result = llm4anno_bib.import_list(path, into=out, sources=offline, prune=True)
    assert result.no_longer_listed == tuple(gone) and result.pruned
    assert "no longer in the list: 2 removed" in result.summary()
    llm4anno_bib.import_list(path, fresh, sources=offline)
    assert out.read_bytes() == fresh.read_bytes()
    assert "\n\n\n" not in out.read_text(encoding="utf-8")
    with pytest.raises(llm4anno_bib.Llm4AnnoBibError, match="into"):
        llm4anno_bib.import_list(path, tmp_path / "x.bib", sources=offline, prune=True)


def test_prune_through_the_cli_and_a_real_process(server, tmp_path):
    path, out = tmp_path / "README.md", tmp_path / "lib.bib"
    path.write_text(_THREE, encoding="utf-8")
    env = server.environment(tmp_path / "c")
    runner = CliRunner()
    assert runner.invoke(app, ["import-list", str(path), "-o", str(out), "--offline"],
                         env=env).exit_code == 0
    path.write_text(_THREE.split("\n\n## B")[0] + "\n", encoding="utf-8")
    kept = runner.invoke(app, ["import-list", str(path), "--into", str(out), "--offline"],
                         env=env)
    assert kept.exit_code == 0 and "no longer in the list: 1 kept" in kept.stderr
    assert len(llm4anno_bib.load(out)) == 3
    usage = runner.invoke(app, ["import-list", str(path), "-o", str(tmp_path / "n.bib"),
                                "--prune"], env=env)
    assert usage.exit_code == 2 and "--into" in usage.stderr
    assert not (tmp_path / "n.bib").exists()
    done = run_cli(server, tmp_path, "import-list", str(path), "--into", str(out), "--prune",
                   "--offline", "--cache-dir", str(tmp_path / "c"))
    assert done.returncode == 0 and "no longer in the list: 1 removed" in done.stderr
    assert [e.title for e in llm4anno_bib.load(out) if "Thoughts" in e.title] == []
    assert len(llm4anno_bib.load(out)) == 2
