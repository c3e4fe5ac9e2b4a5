"""upgrade: any .bib's preprints to their published versions, guarded by the build's rule."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.cli import app

from conftest import connect, run_cli, upgraded

USER_BIB = """% my paper's references
@article{wei2022chain,
  title={Chain-of-thought prompting elicits reasoning in large language models},
  author={Wei, Jason and Wang, Xuezhi and Schuurmans, Dale and Bosma, Maarten and Ichter, Brian and Xia, Fei and Chi, Ed and Le, Quoc and Zhou, Denny},
  journal={arXiv preprint arXiv:2201.11903},
  year={2022},
  month={jan},
  file={wei.pdf}
}

@misc{zhao2023survey,
      title={A Survey of Large Language Models},
      author={Wayne Xin Zhao and Kun Zhou},
      year={2023},
      eprint={2303.18223},
      archivePrefix={arXiv},
}

@inproceedings{khaled2023faster,
  author    = {Ahmed Khaled and Chi Jin},
  title     = {Faster federated optimization under second-order similarity},
  booktitle = {ICLR},
  year      = {2023},
}

@misc{christiano2017deep,
  title = {Deep reinforcement learning from human preferences},
  author = {Christiano, Paul and Leike, Jan and Brown, Tom B and Martic, Miljan and Legg, Shane and Amodei, Dario},
  howpublished = {arXiv:1706.03741},
  number = {arXiv:1706.03741},
  doi = {10.48550/arXiv.1706.03741},
  year = {2017},
  curated = {title},
}

@article{brown2020language,
  title = {Language Models are Few-Shot Learners},
  author = {Tom B. Brown and Benjamin Mann and Nick Ryder and others},
  journal = {CoRR},
  volume = {abs/2005.14165},
  year = {2020},
}
"""
UNTOUCHED = ("% my paper's references", "zhao2023survey", "khaled2023faster")


def _block(text: str, key: str) -> str:
    return re.search(r"@\w+\{" + key + r",.*?\n\}", text, re.S).group(0)


@pytest.fixture
def user_bib(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(USER_BIB, encoding="utf-8")
    return path


def test_preprints_become_their_published_versions_and_nothing_else_moves(
        server, tmp_path, user_bib, needs_dblp):
    out = tmp_path / "upgraded.bib"
    result = llm4anno_bib.upgrade(user_bib, out, sources=connect(server, tmp_path / "c"))
    assert result.written and user_bib.read_text(encoding="utf-8") == USER_BIB
    assert {r.key for r in result.changed} == {"wei2022chain", "christiano2017deep",
                                               "brown2020language"}
    upgraded = llm4anno_bib.load(out)
    wei = upgraded["wei2022chain"]
    assert wei.entry_type == "inproceedings" and "Neural Information" in wei.fields["booktitle"]
    assert wei.arxiv_id == "2201.11903" and wei.fields["file"] == "wei.pdf"
    assert "journal" not in wei.fields and "month" not in wei.fields  # the preprint's
    # the user's title and authors, written their way (lowercase, Family, Given): the same
    # title and people as the record's, so kept as written (issue 27)
    assert wei.fields["title"] == "Chain-of-thought prompting elicits reasoning in large " \
        "language models"
    assert wei.fields["author"].startswith("Wei, Jason and Wang, Xuezhi and Schuurmans, Dale")
    christiano = upgraded["christiano2017deep"]
    assert christiano.fields["title"] == "Deep reinforcement learning from human preferences"
    assert "howpublished" not in christiano.fields and christiano.fields["pages"]
    # the preprint's ids are never the published work's: its eprint says them (issue 27)
    assert "number" not in christiano.fields and christiano.arxiv_id == "1706.03741"
    assert not christiano.fields.get("doi", "").lower().startswith("10.48550/")
    brown = upgraded["brown2020language"]
    assert brown.fields["dblp"] == "conf/nips/BrownMRSKDNSSAA20"
    assert "journal" not in brown.fields and "volume" not in brown.fields
    text = out.read_text(encoding="utf-8")
    assert text.startswith(UNTOUCHED[0])
    for key in UNTOUCHED[1:]:
        assert _block(text, key) == _block(USER_BIB, key)  # byte for byte
    near = [m for r in result.entries for m in r.near_misses]
    assert any("conf/iclr/PatelLRCRC23" in m for m in near)  # reported, never applied
    # upgraded again, nothing changes; the copy asked for is still written, byte for byte
    # (as verify --fix writes its copy): a stale one from an earlier run is never left
    twice = tmp_path / "twice.bib"
    twice.write_text("@misc{stale,\n  title = {An Earlier Run's Output},\n}\n",
                     encoding="utf-8")
    again = llm4anno_bib.upgrade(out, twice, sources=connect(server, tmp_path / "c"))
    assert again.changed == () and again.written and twice.read_bytes() == out.read_bytes()


def test_the_cli_shows_the_diff_and_writes_only_when_told(server, tmp_path, user_bib,
                                                          cli_env, monkeypatch, needs_dblp):
    monkeypatch.setenv("LLM4ANNO_BIB_DELAY", "0")
    runner = CliRunner()
    shown = runner.invoke(app, ["upgrade", str(user_bib), "--dry-run"])
    assert shown.exit_code == 0, shown.output
    assert "wei2022chain:" in shown.stdout and "DBLP conf/nips/Wei0SBIXCLZ22" in shown.stdout
    assert user_bib.read_text(encoding="utf-8") == USER_BIB
    for options in ([], ["--dry-run", "--in-place"], ["-o", str(tmp_path / "x.bib"),
                                                      "--in-place"]):
        refused = runner.invoke(app, ["upgrade", str(user_bib), *options])
        assert refused.exit_code == 2 and "--dry-run" in refused.output
    assert runner.invoke(app, ["upgrade", str(user_bib), "-o", str(user_bib)]).exit_code == 2
    assert user_bib.read_text(encoding="utf-8") == USER_BIB
    done = runner.invoke(app, ["upgrade", str(user_bib), "--in-place"])
    assert done.exit_code == 0 and "wrote 3 upgraded entries" in done.stderr
    assert llm4anno_bib.load(user_bib)["wei2022chain"].entry_type == "inproceedings"
    # nothing left to upgrade: the file stays, and the copy asked for is written unchanged
    upgraded, copy = user_bib.read_bytes(), tmp_path / "copy.bib"
    again = runner.invoke(app, ["upgrade", str(user_bib), "-o", str(copy)])
    assert again.exit_code == 0 and "(an unchanged copy)" in again.stderr
    assert copy.read_bytes() == upgraded == user_bib.read_bytes()


@pytest.mark.slow
def test_upgrade_as_a_real_process(server, tmp_path, user_bib, needs_dblp):
    out = tmp_path / "up.bib"
    done = run_cli(server, tmp_path, "upgrade", str(user_bib), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert llm4anno_bib.load(out)["christiano2017deep"].entry_type == "inproceedings"


def test_a_dry_run_reads_a_repeated_key_as_bibtex_does_and_a_write_refuses_it(tmp_path):
    """``--dry-run`` writes nothing, so it refuses nothing it would not write: the first of
    a repeated key is read, with a warning; writing a copy still refuses the file."""
    import warnings

    from llm4anno_bib.errors import BibSyntaxError, BibWarning

    path = tmp_path / "dup.bib"
    path.write_text("@article{a,\n  title = {X},\n  journal = {arXiv preprint "
                    "arXiv:2201.11903},\n  year = {2022},\n}\n@article{a,\n  title = {Y},\n"
                    "  year = {2022},\n}\n", encoding="utf-8")
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        proposal = llm4anno_bib.upgrade(path, offline=True, cache_dir=tmp_path / "c")
    assert [r.key for r in proposal.entries] == ["a"] and not proposal.written
    assert any(isinstance(w.message, BibWarning) and "used again" in str(w.message)
               for w in said)
    with pytest.raises(BibSyntaxError, match="used twice"):
        llm4anno_bib.upgrade(path, tmp_path / "out.bib", offline=True, cache_dir=tmp_path / "c")
    assert not (tmp_path / "out.bib").exists()


def test_a_preprint_without_an_arxiv_id_is_upgraded_as_verify_finds_it(server, tmp_path,
                                                                      needs_dblp):
    """No arXiv record to start from ("arXiv preprint", no id): the published version is
    found from the entry's title, authors and year by the same rule, as verify's lookup
    finds it (issue 27: upgrade changed nothing where verify --lookup --fix upgraded)."""
    result, out = upgraded(
        server, tmp_path, "@article{zhang2023multimodal,\n  title = {Multimodal Analogical "
        "Reasoning over Knowledge Graphs},\n  author = {Zhang, Ningyu and Li, Lei and Chen, "
        "Xiang and Liang, Xiaozhuan and Deng, Shumin and Chen, Huajun},\n"
        "  journal = {arXiv preprint},\n  year = {2022},\n}\n")
    assert [r.key for r in result.changed] == ["zhang2023multimodal"]
    published = llm4anno_bib.load(out)["zhang2023multimodal"]
    assert published.entry_type == "inproceedings" and "journal" not in published.fields
    assert "Learning Representations" in published.fields["booktitle"]
    assert published.fields["dblp"].startswith("conf/iclr/")



def test_a_short_title_many_dblp_titles_hold_is_upgraded_as_verify_finds_it(server, tmp_path,
                                                                           needs_dblp):
    """"Consistency Models": twenty DBLP titles hold both words, the paper eleventh; verify
    --lookup finds it (more hits asked for a short title), and so does upgrade now (it
    asked for ten and left the entry a preprint)."""
    text = ("@article{song2023consistency,\n  title = {Consistency Models},\n  author = "
            "{Song, Yang and Dhariwal, Prafulla and Chen, Mark and Sutskever, Ilya},\n"
            "  journal = {arXiv preprint},\n  year = {2023},\n}\n")
    result, out = upgraded(server, tmp_path, text)
    assert [r.key for r in result.changed] == ["song2023consistency"]
    published = llm4anno_bib.load(out)["song2023consistency"]
    assert published.fields["dblp"] == "conf/icml/SongD0S23"
    assert published.entry_type == "inproceedings" and "ICML" in published.fields["booktitle"]
    checked = llm4anno_bib.verify(tmp_path / "refs.bib", llm4anno_bib.Library([]),
                                  lookup=True, sources=connect(server, tmp_path / "v"))
    assert [e.matched for e in checked.entries] == ["DBLP conf/icml/SongD0S23"]


TYPO_AND_UNKNOWN = """@misc{wei2022chain,
  title={Chain-of-thought prompting elicits reasoning in large language models},
  author={Wei, Jason and Wang, Xuezhi and Schuurmans, Dale and Bosma, Maarten and Ichter, Brian and Xia, Fei and Chi, Ed and Le, Quoc and Zhou, Denny},
  eprint={2201.11930},
  archivePrefix={arXiv},
  year={2022}
}

@misc{nobody2022paper,
  title={A Paper No Source Holds About Annotation},
  author={Nobody, Some},
  eprint={2201.99999},
  archivePrefix={arXiv},
  year={2022}
}

@inproceedings{nobody2016acl,
  title={Another Paper No Source Holds},
  author={Nobody, Some},
  eprint={1606.99999},
  archivePrefix={arXiv},
  url={https://aclanthology.org/P16-9999},
  year={2016}
}
"""


def test_an_eprint_arxiv_does_not_know_is_upgraded_as_verify_finds_it(server, tmp_path,
                                                                       needs_dblp):
    """A mistyped eprint (2201.11930 for 2201.11903): verify's lookup finds the work by its
    title and says the id is wrong; upgrade finds it the same way (issue 27: one engine,
    no arXiv record needed first), writes the published entry with the right id and says
    why. An unknown id whose title no source holds still fails, as before."""
    result, out = upgraded(server, tmp_path, TYPO_AND_UNKNOWN)
    assert [(r.key, r.status) for r in result.entries] == [
        ("wei2022chain", "changed"), ("nobody2022paper", "failed"), ("nobody2016acl", "failed")]
    fixed = llm4anno_bib.load(out)["wei2022chain"]
    assert fixed.entry_type == "inproceedings" and fixed.fields["eprint"] == "2201.11903"
    assert "NeurIPS 2022" in fixed.fields["booktitle"]
    assert any("arXiv has no paper 2201.11930" in said for said in result.entries[0].conflicts)
    assert "arXiv has no paper 2201.99999" in result.entries[1].problem
    # what else the search met (an Anthology id the Anthology lacks) is not the news
    assert "arXiv has no paper 1606.99999" in result.entries[2].problem
    assert result.exit_code == 1
    assert _block(out.read_text(encoding="utf-8"), "nobody2022paper") == \
        _block(TYPO_AND_UNKNOWN, "nobody2022paper")


def test_a_file_in_another_encoding_is_upgraded_and_written_in_it(server, tmp_path,
                                                                  needs_dblp):
    """``--encoding`` as every reading command has it: the file is read in it, and the
    upgraded file written in it; a character it cannot hold is a clear error, nothing
    written."""
    path = tmp_path / "refs.bib"
    original = ("% R\xe9f\xe9rences\n@misc{christiano2017deep,\n  title = {Deep reinforcement "
                "learning from human preferences},\n  author = {Christiano, Paul and Leike, Jan"
                " and Brown, Tom B and Martic, Miljan and Legg, Shane and Amodei, Dario},\n"
                "  howpublished = {arXiv:1706.03741},\n  year = {2017},\n}\n")
    path.write_bytes(original.encode("latin-1"))
    with pytest.raises(llm4anno_bib.BibSyntaxError, match="not UTF-8"):
        llm4anno_bib.upgrade(path, offline=True, cache_dir=tmp_path / "c")
    out = tmp_path / "out.bib"
    result = llm4anno_bib.upgrade(path, out, encoding="latin-1",
                                  sources=connect(server, tmp_path / "c"))
    assert result.written and out.read_bytes().startswith(b"% R\xe9f\xe9rences\n@inproceedings{")
    assert "booktitle" in out.read_bytes().decode("latin-1")
    done = CliRunner().invoke(app, ["upgrade", str(path), "--dry-run", "--offline",
                                    "--encoding", "latin-1", "--cache-dir", str(tmp_path / "c")])
    assert done.exit_code in (0, 1) and "not UTF-8" not in done.output


def test_a_character_the_files_encoding_cannot_hold_is_a_clear_error(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_bytes("@misc{a,\n  title = {Caf\xe9},\n  year = {2020},\n}\n".encode("latin-1"))
    library = llm4anno_bib.load(path, encoding="latin-1")
    assert library["a"].title == "Café"
    changed = library.with_entries([library["a"].replace(note="中文")])
    with pytest.raises(llm4anno_bib.WriteError, match="cannot be written in iso8859-1"):
        changed.save(tmp_path / "out.bib")
    assert not (tmp_path / "out.bib").exists()
    library.with_entries([library["a"].replace(note="caf\xe9")]).save(tmp_path / "ok.bib")
    assert b"note = {caf\xe9}" in (tmp_path / "ok.bib").read_bytes()


def test_upgrade_of_a_file_citing_no_preprint_says_so(tmp_path):
    from typer.testing import CliRunner

    from llm4anno_bib.cli import app

    path = tmp_path / "refs.bib"
    path.write_text("@inproceedings{k,\n  title = {T},\n  author = {A, B},\n  booktitle = "
                    "{Proc. of ACL},\n  year = {2023},\n}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["upgrade", "--dry-run", "--offline", str(path)])
    assert result.exit_code == 0
    assert f"no entry of {path} cites a preprint: nothing to do" in result.output
    assert "0 entries" not in result.output


def test_a_name_another_entry_miscases_is_written_as_the_record_spells_it(server, tmp_path,
                                                                         needs_dblp):
    """The NeurIPS proceedings' own export writes "ichter, brian"; upgrading a Semantic
    Scholar entry of the same paper in that file took that spelling into a ``Given Family``
    list (BibTeX's family name is "Ichter" either way: nothing to settle), printing "b.
    ichter" in a field written the other way round."""
    result, out = upgraded(
        server, tmp_path,
        "@inproceedings{neurips,\n author = {Wei, Jason and Wang, Xuezhi and ichter, brian},\n"
        " title = {Chain-of-Thought Prompting Elicits Reasoning in Large Language Models},\n"
        " booktitle = {Advances in Neural Information Processing Systems},\n"
        " year = {2022}\n}\n\n"
        "@Article{Wei2022ChainOT,\n author = {Jason Wei and Xuezhi Wang and Dale Schuurmans "
        "and Maarten Bosma and E. Chi and F. Xia and Quoc Le and Denny Zhou},\n"
        " journal = {ArXiv},\n title = {Chain of Thought Prompting Elicits Reasoning in Large "
        "Language Models},\n volume = {abs/2201.11903},\n year = {2022}\n}\n")
    assert [r.key for r in result.changed] == ["Wei2022ChainOT"]
    authors = llm4anno_bib.load(out)["Wei2022ChainOT"].fields["author"]
    assert "Brian Ichter" in authors and "ichter" not in authors and "," not in authors


def test_the_preprints_own_pages_and_eid_leave_the_published_entry(server, tmp_path,
                                                                  needs_dblp):
    """NASA ADS writes a preprint's id as its eid and pages: left on the NeurIPS entry they
    printed as the paper's pages ("pp. arXiv:2201.11903"). The user's own fields stay."""
    result, out = upgraded(
        server, tmp_path, "@ARTICLE{2022arXiv220111903W,\n       author = {{Wei}, Jason and "
        "{Wang}, Xuezhi and {Schuurmans}, Dale and {Bosma}, Maarten and {Ichter}, Brian and "
        "{Xia}, Fei and {Chi}, Ed and {Le}, Quoc and {Zhou}, Denny},\n        title = \"{Chain-"
        "of-Thought Prompting Elicits Reasoning in Large Language Models}\",\n      journal = "
        "{arXiv e-prints},\n         year = 2022,\n          eid = {arXiv:2201.11903},\n"
        "        pages = {arXiv:2201.11903},\n          doi = {10.48550/arXiv.2201.11903},\n"
        "archivePrefix = {arXiv},\n       eprint = {2201.11903},\n      adsnote = {Provided by "
        "the SAO/NASA Astrophysics Data System}\n}\n")
    assert [r.key for r in result.changed] == ["2022arXiv220111903W"]
    fields = llm4anno_bib.load(out)["2022arXiv220111903W"].fields
    assert "Neural Information Processing Systems" in fields["booktitle"]
    assert not {"eid", "pages", "doi", "journal"} & set(fields)
    assert fields["eprint"] == "2201.11903" and fields["adsnote"].startswith("Provided")
    text = out.read_text(encoding="utf-8")  # its names right-aligned, as ADS writes them
    assert "\n    booktitle = {Advances in Neural" in text
    assert "\n         dblp = {conf/nips/" in text and "\n          url = {http" in text


ZOTERO_BIBLATEX = """@online{wei2022chain,
  title = {Chain-of-{{Thought Prompting Elicits Reasoning}} in {{Large Language Models}}},
  author = {Wei, Jason and Wang, Xuezhi and Schuurmans, Dale and Bosma, Maarten and Ichter, Brian and Xia, Fei and Chi, Ed and Le, Quoc and Zhou, Denny},
  date = {2022-01-28},
  eprint = {2201.11903},
  eprinttype = {arxiv},
  eprintclass = {cs},
  pubstate = {preprint},
  langid = {english}
}

@article{kojima2022zeroshot,
  title = {Large {{Language Models}} Are {{Zero-Shot Reasoners}}},
  author = {Kojima, Takeshi and Gu, Shixiang Shane and Reid, Machel and Matsuo, Yutaka and Iwasawa, Yusuke},
  date = {2022-05-24},
  journaltitle = {arXiv preprint arXiv:2205.11916},
  eprint = {2205.11916},
  eprinttype = {arxiv}
}
"""


def test_a_biblatex_entry_is_upgraded_in_biblatex_words(server, tmp_path, needs_dblp):
    """Better BibTeX's biblatex export: the published year goes in ``date`` (a ``year``
    beside it is overwritten by Biber; the preprint's day is no date of the paper), the
    preprint's ``pubstate`` and ``journaltitle`` go, and the arXiv class is an
    ``eprintclass``, never ``archiveprefix``/``primaryclass`` beside ``eprinttype``. An
    article whose venue was a journaltitle was reported "up to date" with nothing done."""
    result, out = upgraded(server, tmp_path, ZOTERO_BIBLATEX)
    assert sorted(r.key for r in result.changed) == ["kojima2022zeroshot", "wei2022chain"]
    read = llm4anno_bib.load(out)
    for key in ("wei2022chain", "kojima2022zeroshot"):
        fields = read[key].fields
        assert read[key].entry_type == "inproceedings" and fields["date"] == "2022"
        assert "Neural Information Processing Systems" in fields["booktitle"]
        assert not {"year", "pubstate", "journaltitle", "archiveprefix", "primaryclass"} & \
            set(fields), (key, fields)
    assert read["wei2022chain"].fields["eprintclass"] == "cs"  # the user's, kept
    assert read["kojima2022zeroshot"].fields["eprintclass"] == "cs.CL"
    fixed = tmp_path / "fixed.bib"
    llm4anno_bib.verify(tmp_path / "refs.bib", llm4anno_bib.Library([]), lookup=True,
                        sources=connect(server, tmp_path / "c"), fix_to=fixed)
    assert fixed.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")  # one engine


def test_an_entry_using_the_files_macros_is_upgraded_in_place(server, tmp_path, needs_dblp):
    """A field that stays and names an @string macro (``note = mine``) made the whole entry
    be written anew (``year = 2022`` became ``year = {2022}``, fields reordered): the edit is
    now checked with the file's @string blocks, and only what changes is written."""
    text = ("@string{mine = \"Read this first\"}\n\n@article{kojima2022,\n  title = {Large "
            "Language Models are Zero-Shot Reasoners},\n  author = {Kojima, Takeshi and Gu, "
            "Shixiang Shane and Reid, Machel and Matsuo, Yutaka and Iwasawa, Yusuke},\n"
            "  journal = {arXiv preprint arXiv:2205.11916},\n  note = mine,\n  year = 2022\n}\n")
    result, out = upgraded(server, tmp_path, text)
    assert [r.key for r in result.changed] == ["kojima2022"]
    written = out.read_text(encoding="utf-8")
    assert "  note = mine,\n  year = 2022,\n" in written and written.startswith(
        "@string{mine = \"Read this first\"}\n\n@inproceedings{kojima2022,\n  title = {Large")
    assert "  booktitle = {Advances in Neural Information Processing Systems 35" in written
    assert llm4anno_bib.load(out)["kojima2022"].fields["note"] == "Read this first"
