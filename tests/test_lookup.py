"""verify --lookup: any entry checked against arXiv, the ACL Anthology, DBLP and Crossref.

``tests/data/planted_lookup.bib`` holds entries built from the recordings, each with the
status (and finding kinds) it must get written above it: valid entries, planted errors of
every kind, fabricated titles and a book. The library given is empty, so every entry is
looked up."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.cli import app
from llm4anno_bib.lookup import FINDING_KINDS
from llm4anno_bib.verifying import STATUSES

from conftest import ROOT, connect, server_env
from source_server import Fault

PLANTED = ROOT / "tests" / "data" / "planted_lookup.bib"
# every shape a publisher or service exports a citation in, for papers the recordings hold
PUBLISHER_EXPORTS = ROOT / "tests" / "data" / "publisher_exports.bib"
EMPTY = llm4anno_bib.Library([])


def _expected(path=PLANTED) -> dict[str, tuple[str, set[str]]]:
    """key -> (status, finding kinds), from the "% expect:" line above each entry."""
    text = path.read_text(encoding="utf-8")
    found = {}
    for match in re.finditer(r"^% expect: ([a-z-]+)([^\n]*)\n@\w+\{\s*([^,\s]+),", text, re.M):
        status, rest, key = match.groups()
        kinds = set(rest.split("(")[0].split()) & set(FINDING_KINDS)
        found[key] = (status, kinds if status == "disagrees" else set())
    return found


def _verify(server, tmp_path, path=PLANTED, **options):
    return llm4anno_bib.verify(path, EMPTY, lookup=True,
                               sources=connect(server, tmp_path / "c"), **options)


def test_the_planted_file_names_every_kind_and_status():
    expected = _expected()
    kinds = set().union(*(k for _s, k in expected.values()))
    assert {s for s, _k in expected.values()} == set(STATUSES)
    # doi-differs is the library's (a DOI other than the one the library cites)
    assert kinds | {"arxiv-id-unknown"} >= set(FINDING_KINDS) - {"doi-differs"}


@pytest.mark.parametrize("path", [PLANTED, PUBLISHER_EXPORTS], ids=lambda p: p.name)
def test_every_planted_entry_gets_its_status_and_only_its_findings(server, tmp_path,
                                                                   needs_dblp, path):
    report = _verify(server, tmp_path, path)
    got = {e.key: (e.status, {f.kind for f in e.findings}) for e in report.entries}
    expected = _expected(path)
    assert len(expected) == len(report.entries)
    for key, (status, kinds) in expected.items():
        assert got[key][0] == status, (key, got[key])
        if status == "disagrees":
            assert got[key][1] == kinds, (key, got[key])
    agreeing = [k for k, (s, _kinds) in expected.items() if s == "agrees"]
    assert all(not next(e for e in report.entries if e.key == k).findings for k in agreeing)
    assert report.exit_code == 1
    assert report.summary == {s: sum(1 for v in expected.values() if v[0] == s)
                              for s in STATUSES}


_VALID = """@inproceedings{{k,
  author    = {{{authors}}},
  title     = {{{title}}},
  booktitle = {{{venue}}},
  year      = {{2023}},{pages}
}}
"""


@pytest.mark.parametrize(("authors", "title", "venue"), [
    ("Ahmed Khaled and Chi Jin", "Faster federated optimization under second-order similarity",
     "ICLR"),
    ("Khaled, Ahmed and Jin, Chi", "FASTER FEDERATED OPTIMIZATION UNDER SECOND-ORDER SIMILARITY",
     "International Conference on Learning Representations"),
    ("A. Khaled and C. Jin", "{Faster} {Federated} {Optimization} under {Second-Order} "
     "{Similarity}", "Proc. of the 11th Int. Conf. on Learning Representations ({ICLR})"),
    ("Khaled, A. and Jin, C.", "Faster federated optimization under {S}econd-order "
     "similarity.", "ICLR 2023"),
    ("Ahmed Khaled and others", "Faster Federated Optimization under Second--Order Similarity",
     "The Eleventh International Conference on Learning Representations"),
    ("Ahmed Khaled and Chi Jin", "Faster Federated Optimization under Second&#45;Order "
     "Similarity", "Eleventh International Conference on Learning Representations, {ICLR} 2023,"
     " Kigali, Rwanda, May 1-5, 2023"),
    ("Ahmed Khaled and Chi Jin", "Faster Federated Optimization under Second-Order "
     "Similarity", "Proceedings of the Eleventh International Conference on Learning "
     "Representations"),
])
def test_formatting_is_never_a_disagreement(server, tmp_path, needs_dblp, authors, title,
                                            venue):
    path = tmp_path / "one.bib"
    path.write_text(_VALID.format(authors=authors, title=title, venue=venue, pages=""),
                    encoding="utf-8")
    entry = _verify(server, tmp_path, path).entries[0]
    assert (entry.status, entry.findings) == ("agrees", ()), entry.findings
    assert entry.matched == "DBLP conf/iclr/0001023"


@pytest.mark.parametrize(("pages", "kinds"), [
    ("12685--12695", []), ("12685\u201312695", []), ("12685", []),  # its first page: agrees
    ("12686--12695", ["pages-differ"]), ("23", ["pages-differ"])])  # a Zotero page count
def test_pages_agree_as_a_range_or_its_first_page(server, tmp_path, needs_dblp, pages, kinds):
    path = tmp_path / "one.bib"
    path.write_text("@inproceedings{k,\n  author = {Yanxi Li and Xinghao Chen and Minjing Dong"
                    " and Yehui Tang and Yunhe Wang and Chang Xu},\n  title = {Spatial-Channel "
                    "Token Distillation for Vision MLPs},\n  booktitle = {ICML},\n  year = "
                    f"{{2022}},\n  pages = {{{pages}}},\n}}\n", encoding="utf-8")
    entry = _verify(server, tmp_path, path).entries[0]
    assert [f.kind for f in entry.findings] == kinds, entry.findings


_SPATIAL_CHANNEL = ("@inproceedings{k,\n  author = {Yanxi Li and Xinghao Chen and Minjing Dong"
                    " and Yehui Tang and Yunhe Wang and Chang Xu},\n  title = {Spatial-Channel "
                    "Token Distillation for Vision MLPs},\n  booktitle = {ICML},\n  year = "
                    "{2022},\n  pages = {PAGES},\n}\n")


@pytest.mark.parametrize(("pages", "fetched"), [("12685--12695", 0), ("12686--12695", 1)])
def test_pages_a_search_hit_states_are_compared_without_fetching_the_record(
        server, tmp_path, needs_dblp, pages, fetched):
    # DBLP's search states the pages of most hits: a record is fetched only for a fix
    path = tmp_path / "one.bib"
    path.write_text(_SPATIAL_CHANNEL.replace("PAGES", pages), encoding="utf-8")
    entry = _verify(server, tmp_path, path).entries[0]
    assert server.count("/dblp/rec") == fetched
    assert server.count("/dblp/search") >= 1
    if fetched:  # the fix cites the whole record
        assert [f.kind for f in entry.findings] == ["pages-differ"]
        assert entry.cited.fields["pages"] == "12685--12695"
        assert entry.cited.fields["booktitle"].startswith("International Conference on Machine")


def test_a_fix_of_pages_a_hit_disagrees_with_writes_the_record_s_pages(server, tmp_path,
                                                                    cli_env, needs_dblp,
                                                                    monkeypatch):
    # the hit said the pages differ; the fix is made from the record it then fetched
    monkeypatch.setenv("LLM4ANNO_BIB_DELAY", "0")
    path, fixed = tmp_path / "one.bib", tmp_path / "fixed.bib"
    path.write_text(_SPATIAL_CHANNEL.replace("PAGES", "12686--12695"), encoding="utf-8")
    result = CliRunner().invoke(app, ["verify", str(path), "--lookup", "--fix", "-o",
                                      str(fixed), "--library", str(_empty_library(tmp_path))])
    assert result.exit_code == 1, result.output
    assert "pages" in result.output and server.count("/dblp/rec") == 1
    assert fixed.read_text(encoding="utf-8") == _SPATIAL_CHANNEL.replace("PAGES",
                                                                         "12685--12695")


def test_a_hit_without_pages_is_fetched_for_an_entry_that_states_them(server, tmp_path,
                                                                       needs_dblp):
    hit = {"info": {"authors": {"author": [{"text": n} for n in (
        "Yanxi Li", "Xinghao Chen", "Minjing Dong", "Yehui Tang", "Yunhe Wang", "Chang Xu")]},
        "title": "Spatial-Channel Token Distillation for Vision MLPs.", "venue": "ICML",
        "year": "2022", "type": "Conference and Workshop Papers", "key": "conf/icml/00010DT0022",
        "url": "https://dblp.org/rec/conf/icml/00010DT0022"}}
    body = json.dumps({"result": {"hits": {"@total": "1", "hit": [hit]}}}).encode()
    server.fail_next("/dblp/search", Fault(status=200, body=body,
                                           content_type="application/json"))
    path = tmp_path / "one.bib"
    path.write_text(_SPATIAL_CHANNEL.replace("PAGES", "12686--12695"), encoding="utf-8")
    entry = _verify(server, tmp_path, path).entries[0]
    assert server.count("/dblp/rec") == 1
    assert [f.kind for f in entry.findings] == ["pages-differ"]


_ALIZADEH = """@article{a,
  title = {Open-source {LLMs} for text annotation: a practical guide for model setting and
           fine-tuning},
  author = {Meysam Alizadeh and SPELLING and others},
  journal = {Journal of Computational Social Science},
  year = {2025},
  doi = {10.1007/s42001-024-00345-9},
}
"""


def test_a_proceedings_volume_no_source_finds_is_not_checked_a_paper_not_found(server,
                                                                               tmp_path):
    """DBLP's exports carry the @proceedings their papers cross-reference; a volume's title
    is worded by each source its own way, and "not found" made a clean file fail CI."""
    title = ("Proceedings of the 61st Annual Meeting of the Association for Computational "
             "Linguistics (Volume 1: Long Papers)")
    path = tmp_path / "refs.bib"
    path.write_text(f"@proceedings{{acl2023,\n  title = {{{title}}},\n  booktitle = {{{title}}},"
                    f"\n  year = {{2023}},\n}}\n\n@inproceedings{{made-up,\n  title = {{An "
                    f"Unrecorded Paper on Imaginary Annotation}},\n  author = {{Doe, Jane}},\n"
                    f"  booktitle = {{{title}}},\n  year = {{2023}},\n}}\n", encoding="utf-8")
    report = _verify(server, tmp_path, path)
    volume, paper = report.entries
    assert (volume.status, paper.status) == ("not-checked", "not-found")
    assert "proceedings volume" in volume.reason and not volume.source_failed


@pytest.mark.parametrize("booktitle", [
    "Proceedings of the 21th Annual Meeting of the Special Interest Group on Discourse and "
    "Dialogue (SIGDIAL)",
    "Proceedings of the 16th International Natural Language Generation Conference",
])
def test_a_paper_of_an_anthology_sig_conference_no_source_holds_is_not_found(server, tmp_path,
                                                                            booktitle):
    """SIGDIAL and INLG, in neither venue data set, left a made-up paper "not checked" (no
    source known to cover them), where DBLP and the Anthology index every paper of both."""
    path = tmp_path / "refs.bib"
    path.write_text(f"@inproceedings{{made-up,\n  title = {{An Unrecorded Paper on Imaginary "
                    f"Dialogue}},\n  author = {{Doe, Jane}},\n  booktitle = {{{booktitle}}},\n"
                    f"  year = {{2020}},\n}}\n", encoding="utf-8")
    [paper] = _verify(server, tmp_path, path).entries
    assert paper.status == "not-found"
    assert "DBLP" in paper.reason and "the ACL Anthology" in paper.reason


_MADE_UP_ANTHOLOGY_ID = (
    "@inproceedings{taln,\n  title = {Un mod{\\`e}le imaginaire},\n  author = {Doe, Jane},\n"
    "  booktitle = {Actes de la 28e Conf{\\'e}rence sur le Traitement Automatique des Langues "
    "Naturelles},\n  year = {2021},\n  url = {https://aclanthology.org/2021.jeptalnrecital-"
    "taln.999},\n}\n")


def test_an_anthology_id_nobody_has_is_not_found_whatever_the_venue(server, tmp_path,
                                                                    cli_env, monkeypatch):
    """The Anthology is the registry of its ids: an id it does not know was said, but the
    entry (at a venue the table does not know) was "not checked", and the text report
    printed the finding under no entry's line, as though it were the entry above's."""
    path = tmp_path / "refs.bib"
    book = ("@book{b,\n  title = {A Book},\n  author = {Doe, J.},\n  publisher = {P},\n"
            "  year = {2000},\n}\n\n")
    path.write_text(book + _MADE_UP_ANTHOLOGY_ID, encoding="utf-8")
    _book, entry = _verify(server, tmp_path, path).entries
    assert entry.status == "not-found" and "the ACL Anthology" in entry.reason
    assert [f.kind for f in entry.findings] == ["anthology-id-unknown"]
    monkeypatch.setenv("LLM4ANNO_BIB_DELAY", "0")
    result = CliRunner().invoke(app, ["verify", str(path), "--lookup", "--library",
                                      str(_empty_library(tmp_path))])
    lines = result.stdout.splitlines()
    at = next(n for n, line in enumerate(lines) if "anthology-id-unknown" in line)
    assert lines[at - 1].startswith(f"{path}:8: taln: not found"), result.stdout


def test_a_finding_of_an_entry_left_unchecked_is_printed_under_that_entry(server, tmp_path,
                                                                          cli_env,
                                                                          monkeypatch):
    """A proceedings volume no source finds is not checked, yet the Anthology id it states
    is unknown: the finding was printed under no entry's line, as though of the entry
    above."""
    path = tmp_path / "refs.bib"
    path.write_text("@book{b,\n  title = {A Book},\n  author = {Doe, J.},\n  publisher = {P},"
                    "\n  year = {2000},\n}\n\n@proceedings{volume,\n  title = {Proceedings of "
                    "an Imaginary Workshop},\n  year = {2022},\n  url = {https://aclanthology."
                    "org/2022.imaginary-1.999},\n}\n", encoding="utf-8")
    monkeypatch.setenv("LLM4ANNO_BIB_DELAY", "0")
    result = CliRunner().invoke(app, ["verify", str(path), "--lookup", "--library",
                                      str(_empty_library(tmp_path))])
    lines = result.stdout.splitlines()
    at = next(n for n, line in enumerate(lines) if "anthology-id-unknown" in line)
    assert lines[at - 1].startswith(f"{path}:8: volume: not checked (a proceedings volume"), \
        result.stdout


@pytest.mark.parametrize("journal", ["Trans. Assoc. Comput. Linguistics",
                                     "Transactions on Machine Learning Research"])
def test_a_made_up_paper_of_a_journal_by_its_long_or_iso_name_is_not_found(server, tmp_path,
                                                                           journal):
    """"TACL" and "TMLR" were venues DBLP indexes in full, but DBLP's own spelling of TACL
    and TMLR's full name were not: a made-up paper there was "not checked"."""
    path = tmp_path / "refs.bib"
    path.write_text(f"@article{{made-up,\n  title = {{An Unrecorded Paper on Imaginary "
                    f"Annotation}},\n  author = {{Doe, Jane}},\n  journal = {{{journal}}},\n"
                    f"  year = {{2023}},\n}}\n", encoding="utf-8")
    [paper] = _verify(server, tmp_path, path).entries
    assert paper.status == "not-found" and "DBLP" in paper.reason


def test_a_fix_counts_the_entries_it_changed_not_every_disagreement(server, tmp_path,
                                                                    needs_dblp):
    """An ICLR paper cited rightly but for an arXiv id arXiv does not have (the stand-in
    holds no record of it): it disagrees, and a fix has nothing to correct in it. The copy
    is the file byte for byte, and it was said to have corrected one entry."""
    path, fixed = tmp_path / "refs.bib", tmp_path / "fixed.bib"
    path.write_text("@inproceedings{selfrag,\n  author = {Asai, Akari and Wu, Zeqiu and Wang, "
                    "Yizhong and Sil, Avirup and Hajishirzi, Hannaneh},\n  title = {{Self-RAG: "
                    "Learning to Retrieve, Generate, and Critique through Self-Reflection}},\n"
                    "  booktitle = {The Twelfth International Conference on Learning "
                    "Representations},\n  year = {2024},\n  eprint = {2310.11511},\n"
                    "  archiveprefix = {arXiv},\n}\n", encoding="utf-8")
    report = _verify(server, tmp_path, path, fix_to=fixed)
    assert [e.key for e in report.disagreeing] == ["selfrag"]
    assert report.corrected == () and fixed.read_bytes() == path.read_bytes()


def test_accents_written_as_latex_or_unicode_agree(server, tmp_path):
    """An Anthology paper whose author has an accent (Maël Kubli in the Crossref record)."""
    for spelling in ("Ma{\\\"e}l Kubli", "Maël Kubli", "Kubli, Ma\\\"{e}l"):
        path = tmp_path / "one.bib"
        path.write_text(_ALIZADEH.replace("SPELLING", spelling), encoding="utf-8")
        entry = _verify(server, tmp_path, path).entries[0]
        assert (entry.status, entry.findings) == ("agrees", ()), (spelling, entry.findings)


def test_json_for_ci_has_the_documented_shape(server, tmp_path, cli_env, needs_dblp,
                                              monkeypatch):
    monkeypatch.setenv("LLM4ANNO_BIB_DELAY", "0")  # the local server needs no politeness
    result = CliRunner().invoke(app, ["verify", str(PLANTED), "--lookup", "--format", "json",
                                      "--library", str(_empty_library(tmp_path))])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) == {"path", "entries", "summary", "unreadable", "corrected",
                         "unchecked_by_source_failure", "exit_code"} and \
        data["path"] == str(PLANTED) and data["unreadable"] == [] and data["corrected"] == []
    assert data["exit_code"] == 1 and data["unchecked_by_source_failure"] == 0
    assert set(data["summary"]) == set(STATUSES)
    entry = next(e for e in data["entries"] if e["key"] == "khan2022contrastive")
    assert entry["status"] == "disagrees" and entry["line"] > 1
    assert entry["matched"]["source"] == "DBLP" and entry["matched"]["id"] == \
        "conf/iclr/0001023a" and entry["matched"]["url"].startswith("https://")
    finding = entry["findings"][0]
    assert set(finding) == {"field", "kind", "theirs", "found", "source", "message"}
    assert (finding["kind"], finding["theirs"], finding["found"]) == ("year-differs", "2022",
                                                                      "2023")


def _empty_library(tmp_path):
    path = tmp_path / "empty-library.bib"
    EMPTY.save(path)
    return path


def test_fix_rewrites_disagreeing_entries_from_the_record_and_never_a_not_found_one(
        server, tmp_path, needs_dblp):
    fixed = tmp_path / "fixed.bib"
    report = _verify(server, tmp_path, fix_to=fixed)
    text = fixed.read_text(encoding="utf-8")
    khan = re.search(r"@inproceedings\{khan2022contrastive,.*?\n\}", text, re.S).group(0)
    # edited in its own layout (the '=' column kept), theirs kept elsewhere
    assert "\n  year      = {2023},\n" in khan and "\n  booktitle = {ICLR},\n" in khan
    original = PLANTED.read_text(encoding="utf-8")
    for entry in report.entries:
        if entry.status != "disagrees":  # agreeing, unfound and unchecked: byte for byte
            block = re.search(r"@\w+\{" + re.escape(entry.key) + r",.*?\n\}", original, re.S)
            assert block.group(0) in text, entry.key
    again = _verify(server, tmp_path, fixed)
    fixed_kinds = {f.kind for e in again.entries for f in e.findings}
    assert not fixed_kinds & {"year-differs", "author-order", "authors-differ",
                              "preprint-of-published", "venue-differs"}


def test_offline_with_a_cold_cache_checks_nothing_and_says_why(server, tmp_path):
    report = llm4anno_bib.verify(PLANTED, EMPTY, lookup=True,
                                 sources=connect(server, tmp_path / "cold", offline=True))
    assert {e.status for e in report.entries} == {"not-checked"}
    assert all("offline" in e.reason for e in report.entries)
    # nothing was checked, and CI can tell that from "all agree" (issue 25: exit 3)
    assert report.exit_code == 3 and server.requests == []


def test_a_source_down_leaves_its_entries_unchecked_and_the_rest_checked(server, tmp_path,
                                                                        needs_dblp):
    server.fail_next("/dblp/", Fault(status=503), times=1000)
    report = _verify(server, tmp_path)
    statuses = {e.key: (e.status, e.reason) for e in report.entries}
    assert statuses["khan2022contrastive"][0] == "not-checked"
    assert "DBLP" in statuses["khan2022contrastive"][1]
    assert statuses["honovich2023unnatural"][0] == "agrees"  # the Anthology answered
    assert statuses["liu2023pretrain"][0] == "agrees"  # Crossref answered


def test_a_warm_cache_asks_nothing_and_the_budget_is_kept(server, tmp_path, needs_dblp):
    entries = len(_expected())
    first = _verify(server, tmp_path)
    id_requests = [r for r in server.requests if "id_list" in r.query]
    assert len(id_requests) == 1  # every arXiv id of the file in one request
    for prefix in ("/dblp/search", "/dblp/rec", "/crossref/works"):
        assert server.count(prefix) <= entries, prefix
    server.reset_log()
    second = _verify(server, tmp_path)
    assert second == first
    # only what was not there is asked again: a 404 is never kept
    assert sorted(r.path for r in server.requests) == [
        "/acl/2023.acl-long.9999.bib", "/crossref/works/10.1145/3560816"]


@pytest.mark.slow
def test_verify_lookup_as_a_real_process(server, tmp_path, needs_dblp):
    done = subprocess.run(
        [sys.executable, "-m", "llm4anno_bib", "verify", str(PLANTED), "--lookup",
         "--library", str(_empty_library(tmp_path))],
        cwd=tmp_path, env=server_env(server, tmp_path / "c") | {"LLM4ANNO_BIB_DELAY": "0"},
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "khan2022contrastive = DBLP conf/iclr/0001023a (matched by lookup)" in done.stdout
    assert "[year-differs]" in done.stdout
    assert "khaled2023fabricated: not found (no work with this title in DBLP)" in done.stdout
    assert "not checked (1, no source covers a book" in done.stdout
    assert f"{sum(1 for s, _k in _expected().values() if s == 'not-found')} not found" in \
        done.stderr


CORPUS = ROOT.parent / "shared" / "corpus" / "bib" / "brendon-boldt_phd-thesis_zotero_first200k.bib"


@pytest.mark.slow
def test_a_real_zotero_file_is_looked_up_and_its_true_flags_found(server, tmp_path,
                                                                  needs_dblp):
    """Read by hand: these entries cite arXiv preprints (Zotero's "arXiv:1705.11192 [cs]"
    journal) of papers published at NeurIPS, ICML and ICLR; the recordings hold both."""
    if not CORPUS.is_file():
        pytest.skip(f"the real-file corpus is not at {CORPUS.parent}")
    report = llm4anno_bib.verify(CORPUS, lookup=True, sources=connect(server, tmp_path / "c"))
    assert {e.status for e in report.entries} <= set(STATUSES)
    kinds = {e.key: {f.kind for f in e.findings} for e in report.entries}
    for key in ("havrylov_emergence_2017", "kharitonov_entropy_2020", "lowe_interaction_2020",
                "mu_emergent_2021", "vani_iterated_2021"):
        assert "preprint-of-published" in kinds[key], key
    assert not any(f.kind in ("merged", "author-order") for e in report.entries
                   for f in e.findings)
    # read by hand: the entry has the preprint's title ("Emergent Language"), the ICLR 2022
    # paper says "Emergent Languages"
    assert [e.key for e in report.entries if "title-differs" in kinds[e.key]] == \
        ["guo_expressivity_2021"]


SEMANTIC_SCHOLAR = """@{kind}{{Ye2022ZeroGenEZ,
 author = {{Jiacheng Ye and Jiahui Gao and Qintong Li and Hang Xu and Jiangtao Feng and Zhiyong Wu and Tao Yu and Lingpeng Kong}},
 booktitle = {{Conference on Empirical Methods in Natural Language Processing}},
 journal = {{ArXiv}},
 volume = {{abs/2202.07922}},
 title = {{ZeroGen: Efficient Zero-shot Learning via Dataset Generation}},
 year = {{2022}}
}}
"""


@pytest.mark.parametrize("kind, flagged", [("InProceedings", False), ("Article", True)])
def test_a_semantic_scholar_export_is_judged_by_the_venue_bibtex_prints(server, tmp_path,
                                                                       kind, flagged):
    """Semantic Scholar writes ``journal = {ArXiv}`` beside the paper's booktitle: a paper
    (``@inproceedings``) prints its booktitle, the published venue, and cites it; an
    ``@article`` prints the journal, "ArXiv", and cites the preprint."""
    path = tmp_path / "s2.bib"
    path.write_text(SEMANTIC_SCHOLAR.format(kind=kind), encoding="utf-8")
    report = llm4anno_bib.verify(path, EMPTY, lookup=True, sources=connect(server, tmp_path))
    entry = report.entries[0]
    assert entry.matched == "ACL Anthology 2022.emnlp-main.801"
    assert [f.kind for f in entry.findings] == (["preprint-of-published"] if flagged else [])
    if flagged:  # and says why an entry naming the conference cites the preprint
        assert "its booktitle 'Conference on Empirical Methods in Natural Language " \
               "Processing' is not printed: an @article prints its journal, 'ArXiv'" in \
               entry.findings[0].message


def test_a_title_no_title_could_be_is_not_checked_and_asks_nothing(server, tmp_path):
    """A hostile file's 200 KB "title" (one token: the formula scan and the pairwise title
    comparison would take quadratic time) is refused before any work."""
    path = tmp_path / "huge.bib"
    path.write_text("@article{a,\n  title = {" + "x$" * 100_000 + "},\n  year = {2023},\n}\n",
                    encoding="utf-8")
    (entry,) = _verify(server, tmp_path, path).entries
    assert entry.status == "not-checked" and "200,000 characters is no title" in entry.reason
    assert server.requests == []


def test_identifiers_in_the_forms_real_files_use_are_read(server, tmp_path):
    """An old aclweb.org/anthology URL (a thesis file had 34 such entries "not-checked"), an
    arXiv id in a booktitle, DBLP's CoRR volume: each names its record, which is asked."""
    path = tmp_path / "refs.bib"
    path.write_text(
        "@inproceedings{aclweb,\n  title = {Language Models as Knowledge Bases?},\n"
        "  author = {Petroni, Fabio and Rockt{\\\"a}schel, Tim},\n  booktitle = {EMNLP},\n"
        "  year = {2019},\n  url = {https://www.aclweb.org/anthology/D19-1250.pdf},\n}\n"
        "@inproceedings{booktitled,\n  title = {Language Models as Knowledge Bases?},\n"
        "  author = {Fabio Petroni},\n  booktitle = {arXiv preprint arXiv:1909.01066},\n"
        "  year = {2019},\n}\n"
        "@article{corr,\n  title = {Language Models as Knowledge Bases?},\n"
        "  author = {Fabio Petroni},\n  journal = {CoRR},\n  volume = {abs/1909.01066},\n"
        "  year = {2019},\n}\n", encoding="utf-8")
    report = _verify(server, tmp_path, path)
    assert server.count("/acl/D19-1250") >= 1, [r.path for r in server.requests]
    id_requests = [r for r in server.requests if "id_list" in r.query]
    assert id_requests and "1909.01066" in id_requests[0].query["id_list"][0]
    assert [e.status for e in report.entries if e.status == "not-checked"] == []


def test_a_short_title_many_records_share_words_with_is_found(server, tmp_path, needs_dblp):
    """"Consistency Models": DBLP matches every title holding both words (about 20 in the
    recordings); asked for 10 hits, the exact title ranked 11th and the work was
    "not-found" (issue 27). A short query asks for enough hits."""
    path = tmp_path / "refs.bib"
    path.write_text("@inproceedings{song2023consistency,\n  title = {Consistency Models},\n"
                    "  author = {Song, Yang and Dhariwal, Prafulla and Chen, Mark and Sutskever,"
                    " Ilya},\n  booktitle = {ICML},\n  year = {2023},\n}\n", encoding="utf-8")
    (entry,) = _verify(server, tmp_path, path).entries
    assert entry.status == "agrees", entry
    assert server.count("/dblp/search") == 1  # still one search



def test_a_longer_title_ranked_after_a_page_of_namesakes_is_asked_for_again(tmp_path):
    """"Attention Is All You Need": four query words, so ten hits, and DBLP holds scores of
    titles with them ("... is all you need"). Where the page is full without the title
    itself, DBLP is asked once more for more hits: the paper, twelfth, was not found (its
    preprint cited, no published version); upgrade asks DBLP the same way. A title on the
    first page asks once."""
    from source_server import Recordings, SourceServer

    streams = tmp_path / "dblp"
    streams.mkdir()
    names = "Alder Birch Cedar Dogwood Elm Fir Ginkgo Hazel Ivy Juniper Kapok".split()
    decoys = "".join(
        f"@inproceedings{{DBLP:conf/nips/{name}17,\n  author = {{Jane {name} and Rui Roe}},\n"
        f"  title = {{{name} Attention Is All You Need}},\n  booktitle = {{NeurIPS}},"
        f"\n  year = {{2017}}\n}}\n\n" for name in names)
    (streams / "nips2017.bib").write_text(
        decoys + "@inproceedings{DBLP:conf/nips/VaswaniSPUJGKP17,\n  author = {Ashish Vaswani "
        "and Noam Shazeer},\n  title = {Attention is All you Need},\n  booktitle = {Advances "
        "in Neural Information Processing Systems 30: Annual Conference on Neural Information "
        "Processing Systems 2017},\n  pages = {5998--6008},\n  year = {2017}\n}\n",
        encoding="utf-8")
    cited = tmp_path / "refs.bib"
    cited.write_text("@misc{vaswani2017attention,\n  title = {Attention is all you need},\n"
                     "  author = {Vaswani, Ashish and Shazeer, Noam},\n  howpublished = {arXiv "
                     "preprint},\n  year = {2017}\n}\n\n@inproceedings{cedar2017attention,\n"
                     "  title = {Cedar Attention Is All You Need},\n  author = {Cedar, Jane and "
                     "Roe, Rui},\n  booktitle = {NeurIPS},\n  year = {2017}\n}\n",
                     encoding="utf-8")
    with SourceServer(Recordings(dblp_dir=streams)) as own:
        report = llm4anno_bib.verify(cited, llm4anno_bib.Library([]), lookup=True,
                                     sources=connect(own, tmp_path / "cache"))
        searches = own.count("/dblp/search")
        upgraded = llm4anno_bib.upgrade(cited, tmp_path / "out.bib",
                                        sources=connect(own, tmp_path / "cache-up"))
    paper, decoy = report.entries
    assert paper.matched == "DBLP conf/nips/VaswaniSPUJGKP17"
    assert [f.kind for f in paper.findings] == ["preprint-of-published"]
    assert (decoy.matched, decoy.status) == ("DBLP conf/nips/Cedar17", "agrees")
    assert searches == 3  # the paper's twice, the decoy's (on the first page) once
    assert [r.key for r in upgraded.changed] == ["vaswani2017attention"]
    assert "5998--6008" in (tmp_path / "out.bib").read_text(encoding="utf-8")


@pytest.mark.parametrize("spelled", ["Nyström", "Nystr{\\\"o}m", "Nystr{\\\"{o}}m", "Nystrom"])
def test_a_title_with_a_non_ascii_letter_is_found_however_it_is_spelled(server, tmp_path,
                                                                       needs_dblp, spelled):
    path = tmp_path / "refs.bib"
    path.write_text("@inproceedings{hayakawa2023sampling,\n  title = {Sampling-based "
                    f"{spelled} Approximation and Kernel Quadrature}},\n  author = {{Hayakawa, "
                    "Satoshi and Oberhauser, Harald and Lyons, Terry}},\n  booktitle = {ICML},\n"
                    "  year = {2023},\n}\n", encoding="utf-8")
    (entry,) = _verify(server, tmp_path, path).entries
    assert entry.status in ("agrees", "disagrees") and entry.matched, entry
    assert {f.kind for f in entry.findings} <= {"title-differs"}  # "Nystrom": the accent


def test_fix_of_a_year_writes_the_date_a_biblatex_entry_dates_itself_by(server, tmp_path,
                                                                       needs_dblp):
    """A biblatex entry has ``date``, no ``year``: the right year replaces its date, where
    Biber reads it, rather than a ``year`` added beside it that Biber overwrites."""
    path = tmp_path / "refs.bib"
    path.write_text("@inproceedings{wei2022chain,\n  title = {Chain-of-Thought Prompting "
                    "Elicits Reasoning in Large Language Models},\n  author = {Wei, Jason and "
                    "Wang, Xuezhi and Schuurmans, Dale and Bosma, Maarten and Ichter, Brian and"
                    " Xia, Fei and Chi, Ed and Le, Quoc and Zhou, Denny},\n  booktitle = {Advances"
                    " in Neural Information Processing Systems},\n  date = {2021},\n}\n",
                    encoding="utf-8")
    fixed = tmp_path / "fixed.bib"
    report = _verify(server, tmp_path, path, fix_to=fixed)
    assert [f.kind for f in report.entries[0].findings] == ["year-differs"]
    assert fixed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8").replace(
        "date = {2021}", "date = {2022}")


def test_fix_edits_an_entry_with_a_macro_in_place_keeping_the_macro(server, tmp_path,
                                                                   needs_dblp):
    """An entry naming its venue by an @string macro was written whole in the canonical
    layout to fix its year (``year = 2021`` became ``year = {2022},``): now only the year
    changes, bare as it was, and the macro stays."""
    text = ("@string{nips = \"Advances in Neural Information Processing Systems\"}\n\n"
            "@inproceedings{wei2022,\n  title = {Chain-of-Thought Prompting Elicits Reasoning "
            "in Large Language Models},\n  author = {Wei, Jason and Wang, Xuezhi and Schuurmans,"
            " Dale and Bosma, Maarten and Ichter, Brian and Xia, Fei and Chi, Ed and Le, Quoc "
            "and Zhou, Denny},\n  booktitle = nips,\n  year = 2021\n}\n")
    path, fixed = tmp_path / "refs.bib", tmp_path / "fixed.bib"
    path.write_text(text, encoding="utf-8")
    report = _verify(server, tmp_path, path, fix_to=fixed)
    assert [f.kind for f in report.entries[0].findings] == ["year-differs"]
    assert fixed.read_text(encoding="utf-8") == text.replace("year = 2021", "year = 2022")


def test_a_venue_dblp_or_the_anthology_index_makes_an_unfound_work_not_found(server,
                                                                           tmp_path):
    """A paper at a venue the sources index in full (WMT and LREC are in the Anthology and
    DBLP, CVPR in DBLP) that no source holds is "not found" there, a sign of a wrong
    citation; it was "not checked" (no source covers it) where the cited venue was none of
    a short table's acronyms. A journal no such source indexes in full stays unchecked."""
    path = tmp_path / "refs.bib"
    path.write_text(
        "@inproceedings{wmt,\n  title = {An Unrecorded Shared Task Paper on Translation},\n"
        "  author = {Ada Lovelace and Alan Turing},\n  booktitle = {Proceedings of the Fifth "
        "Conference on Machine Translation},\n  year = {2020}\n}\n"
        "@inproceedings{lrec,\n  title = {An Unrecorded Corpus of Annotated Dialogues},\n"
        "  author = {Ada Lovelace and Alan Turing},\n  booktitle = {Proceedings of the Tenth "
        "International Conference on Language Resources and Evaluation ({LREC}'16)},\n"
        "  year = {2016}\n}\n"
        "@inproceedings{cvpr,\n  title = {An Unrecorded Detector of Objects in Images},\n"
        "  author = {Ada Lovelace and Alan Turing},\n  booktitle = {Proceedings of the IEEE/CVF "
        "Conference on Computer Vision and Pattern Recognition},\n  year = {2019}\n}\n"
        "@article{pnas,\n  title = {An Unrecorded Study of Annotators at Scale},\n"
        "  author = {Ada Lovelace and Alan Turing},\n  journal = {Proceedings of the National "
        "Academy of Sciences},\n  year = {2023}\n}\n", encoding="utf-8")
    report = _verify(server, tmp_path, path)
    got = {e.key: (e.status, e.reason) for e in report.entries}
    assert got["wmt"] == ("not-found", "no work with this title in DBLP, the ACL Anthology")
    assert got["lrec"] == ("not-found", "no work with this title in DBLP, the ACL Anthology")
    assert got["cvpr"] == ("not-found", "no work with this title in DBLP")
    # (it names the journal it knows, not "no known venue")
    assert got["pnas"][0] == "not-checked" and got["pnas"][1].startswith(
        "no source is known to hold every paper of Proceedings of the National Academy")


RENAMED = """@article{{tan2024large,
  title={{Large language models for data annotation: A survey}},
  author={{{authors}}},
  journal={{arXiv preprint arXiv:2402.13446}},
  year={{2024}}
}}
"""


@pytest.mark.parametrize("authors, kinds", [
    # the survey's first version, as Google Scholar cites it: renamed since ("... and
    # Synthesis: A Survey") and its authors changed; its own arXiv id was "of another work"
    ("Tan, Zhen and Beigi, Alimohammad and Wang, Song and Guo, Ruocheng and Bhattacharjee, "
     "Amrita and Jiang, Bohan and Karami, Mansooreh and Li, Jundong and Cheng, Lu and Liu, Huan",
     {"title-differs", "authors-differ", "preprint-of-published"}),
    # the same title and id by other people: the id is still another work's
    ("Smith, John and Doe, Jane", {"arxiv-id-of-another-work"}),
])
def test_a_work_renamed_on_arxiv_since_the_version_cited_is_its_own_id(server, tmp_path,
                                                                       authors, kinds):
    path = tmp_path / "refs.bib"
    path.write_text(RENAMED.format(authors=authors), encoding="utf-8")
    (entry,) = _verify(server, tmp_path, path).entries
    assert {f.kind for f in entry.findings} >= kinds
    assert ("arxiv-id-of-another-work" in {f.kind for f in entry.findings}) == \
        ("arxiv-id-of-another-work" in kinds)


@pytest.mark.parametrize("written, agrees", [
    ("Mueller, Mathias", True),  # German without umlauts (DBLP: M{\"{u}}ller)
    ("M{\\\"u}ller, Mathias", True), ("Muller, Mathias", True), ("Miller, Mathias", False)])
def test_an_umlaut_written_the_german_way_is_the_same_name(server, tmp_path, needs_dblp,
                                                           written, agrees):
    """"Mueller" is how German writes "Müller" without the umlaut: the same author (it was
    "authors-differ"); another name still differs."""
    path = tmp_path / "refs.bib"
    path.write_text("@inproceedings{zhang2023sltunet,\n  title = {{SLTUNET}: A Simple Unified "
                    "Model for Sign Language Translation},\n  author = {Zhang, Biao and "
                    f"{written} and Sennrich, Rico}},\n  booktitle = {{ICLR}},\n  year = {{2023}},"
                    "\n}\n", encoding="utf-8")
    entry, = _verify(server, tmp_path, path).entries
    assert entry.status == ("agrees" if agrees else "disagrees"), entry.findings


@pytest.mark.parametrize("written, agrees", [
    ("Daum{\\'e}, III, Hal", True),  # BibTeX's own form of a generational suffix
    ("Hal Daum{\\'e} III", True), ("Daum{\\'e} III, Hal", True),  # DBLP's, Google Scholar's
    ("Hal Daum{\\'e}", True), ("Hal Daumer", False)])
def test_a_generational_suffix_is_no_family_name(server, tmp_path, needs_dblp, written,
                                                 agrees):
    """DBLP writes "Hal Daum{\\'{e}} III", which BibTeX splits as the family name "III":
    cited as BibTeX's "Daum{\\'e}, III, Hal" it was "authors-differ (missing Hal Daumé III;
    not authors: Hal Daumé III)"."""
    path = tmp_path / "refs.bib"
    path.write_text("@inproceedings{nguyen2022framework,\n  title={A framework for learning to "
                    "request rich and contextually useful information from humans},\n  author="
                    f"{{Nguyen, Khanh X and Bisk, Yonatan and {written}}},\n  booktitle="
                    "{International Conference on Machine Learning},\n  pages={16553--16568},\n"
                    "  year={2022},\n}\n", encoding="utf-8")
    entry, = _verify(server, tmp_path, path).entries
    assert entry.status == ("agrees" if agrees else "disagrees"), entry.findings


def test_names_written_family_first_without_commas_are_no_other_authors(server, tmp_path,
                                                                         needs_dblp):
    """Every name written "Family Given" without a comma shares no family name with the
    record as BibTeX reads it: that was "merged" (none of these authors wrote it), a claim
    of another work's authors; it is the same people, each name said with its fix."""
    path = tmp_path / "refs.bib"
    path.write_text("@inproceedings{zhang2023sltunet,\n  title = {{SLTUNET}: A Simple Unified "
                    "Model for Sign Language Translation},\n  author = {Zhang Biao and "
                    "Sennrich Rico},\n  booktitle = {ICLR},\n  year = {2023},\n}\n",
                    encoding="utf-8")
    finding, = _verify(server, tmp_path, path).entries[0].findings
    assert finding.kind == "authors-differ"
    assert "'Zhang Biao' reads as family name 'Biao': family first needs a comma, 'Zhang, " \
           "Biao'" in finding.message and "missing Mathias" in finding.message


@pytest.mark.parametrize("title, kinds", [
    ("Learning to summarize from human feedback", ["preprint-of-published"]),  # arXiv's
    ("Learning to summarize with human feedback", ["preprint-of-published"]),  # NeurIPS's
    ("Learning to summarise from human preferences", ["title-differs"]),
])
def test_a_preprint_cited_is_compared_with_its_own_version(server, tmp_path, needs_dblp,
                                                           title, kinds):
    """arXiv's export of a preprint (its title "from", the NeurIPS paper's "with") was
    "title-differs" against the published record: the version cited agrees; a title of
    neither version still differs."""
    path = tmp_path / "refs.bib"
    path.write_text("@misc{stiennon2022learning,\n      title={" + title + "},\n      author="
                    "{Nisan Stiennon and Long Ouyang and Jeff Wu and Daniel M. Ziegler and Ryan "
                    "Lowe and Chelsea Voss and Alec Radford and Dario Amodei and Paul "
                    "Christiano},\n      year={2022},\n      eprint={2009.01325},\n      "
                    "archivePrefix={arXiv},\n      primaryClass={cs.CL},\n}\n", encoding="utf-8")
    entry, = _verify(server, tmp_path, path).entries
    assert sorted(f.kind for f in entry.findings) == sorted(kinds)


@pytest.mark.parametrize(("title", "authors", "year", "matched"), [
    ("DDM$^2$: Self-Supervised Diffusion MRI Denoising with Generative Diffusion Models",
     "Tiange Xiang and Mahmut Yurt and Ali B. Syed and Kawin Setsompop and Akshay Chaudhari",
     2023, "conf/iclr/XiangYSSC23"),
    ("PixArt-$\\alpha$: Fast Training of Diffusion Transformer for Photorealistic "
     "Text-to-Image Synthesis", "Junsong Chen and Jincheng Yu and Chongjian Ge and Lewei Yao "
     "and Enze Xie and Zhongdao Wang and James T. Kwok and Ping Luo and Huchuan Lu and "
     "Zhenguo Li", 2024, "conf/iclr/ChenYGYXWK0LL24"),
    ("Temporally-Extended {$\\epsilon$}-Greedy Exploration",
     "Will Dabney and Georg Ostrovski and Andr{\\'{e}} Barreto", 2021, "conf/iclr/DabneyOB21"),
])
def test_math_written_with_dollars_agrees_with_dblps_tex(server, tmp_path, needs_dblp, title,
                                                         authors, year, matched):
    """A title's math as arXiv and users write it ("PixArt-$\\alpha$") against DBLP's
    ("PixArt-{\\(\\alpha\\)}"): each of these valid entries was "the title differs"."""
    path = tmp_path / "one.bib"
    path.write_text(f"@inproceedings{{k,\n  title = {{{title}}},\n  author = {{{authors}}},\n"
                    f"  booktitle = {{ICLR}},\n  year = {{{year}}},\n}}\n", encoding="utf-8")
    entry = _verify(server, tmp_path, path).entries[0]
    assert (entry.status, entry.findings) == ("agrees", ()), entry.findings
    assert entry.matched == f"DBLP {matched}"
