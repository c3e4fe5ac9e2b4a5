"""add: by arXiv id or URL, Anthology id, DOI; duplicates become new categories; errors."""

from __future__ import annotations

import copy
import subprocess
import sys
from dataclasses import replace

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.adding import InvalidIdentifier, add_work, parse_identifier
from llm4anno_bib.bibfile import read_library
from llm4anno_bib.cli import app
from llm4anno_bib.errors import NotFound, UnknownCategory
from llm4anno_bib.model import Library

from conftest import connect, server_env

LINKS = ("pdf", "code", "data", "webpage", "keywords")


def without(library: Library, *keys: str) -> Library:
    tree = [replace(c, keys=tuple(k for k in c.keys if k not in keys)) for c in library.tree]
    return library.with_entries([e for e in library if e.key not in keys], tree)


def source_fields(entry) -> dict[str, str]:
    return {n: v for n, v in entry.fields.items() if n not in LINKS}


@pytest.mark.parametrize(("identifier", "key"), [
    pytest.param("2201.11903", "wei2022chain", id="arxiv-id-published-on-dblp"),
    pytest.param("https://arxiv.org/pdf/2304.06767v4.pdf", "dong2023raft", id="arxiv-url-preprint"),
    pytest.param("2023.acl-long.304", "wang2023scott", id="anthology-id-preprint-by-title"),
    pytest.param("https://doi.org/10.18653/v1/2022.emnlp-main.801", "ye2022zerogen",
                 id="anthology-doi"),
    pytest.param("doi:10.1162/coli_a_00523", "lou2024large", id="journal-doi-in-the-anthology"),
    pytest.param("https://dblp.org/rec/conf/iclr/SnellKSYL23.html", "snell2023offline",
                 id="dblp-record-page"),
])
@pytest.mark.slow
def test_add_gives_the_entry_the_build_gives(server, tmp_path, library, needs_dblp,
                                            identifier, key):
    shipped = library[key]
    smaller = without(library, key)
    result = add_work(smaller, identifier, ["Chain-of-Thought Prompting (CoT)"],
                      connect(server, tmp_path / "c"))
    assert result.added and result.entry.key == key
    assert result.entry.entry_type == shipped.entry_type
    assert source_fields(result.entry) == source_fields(shipped)
    assert result.entry.categories == ("chain-of-thought-prompting-cot",)
    cot = next(c for c in result.library.tree if c.slug == "chain-of-thought-prompting-cot")
    assert cot.keys[-1] == key and len(result.library) == len(library)
    assert smaller.get(key) is None  # the library given is not changed


def test_adding_a_work_already_there_adds_the_category_and_asks_no_one(server, tmp_path,
                                                                        library):
    result = add_work(library, "https://arxiv.org/abs/2201.11903v6", ["Instruction Tuning (IT)"],
                      connect(server, tmp_path / "c"))
    assert not result.added and result.entry.key == "wei2022chain"
    assert result.new_categories == ("instruction-tuning-it",)
    assert result.matched_by == "arxiv:2201.11903" and server.requests == []
    assert result.library["wei2022chain"].categories == ("chain-of-thought-prompting-cot",
                                                         "instruction-tuning-it")
    assert len(result.library) == len(library)
    again = add_work(result.library, "2201.11903", ["instruction-tuning-it"],
                     connect(server, tmp_path / "c"))
    assert not again.added and again.new_categories == () and again.library is result.library


def test_a_work_found_under_another_id_is_not_added_twice(server, tmp_path, library):
    # the library has the paper by its Anthology id only; adding its arXiv id finds it
    stripped = library["wang2023scott"]
    fields = {n: v for n, v in stripped.fields.items()
              if n not in ("eprint", "archiveprefix", "primaryclass")}
    lib = library.with_entries([stripped.from_fields(stripped.key, stripped.entry_type, fields)
                                if e.key == "wang2023scott" else e for e in library])
    result = add_work(lib, "2305.01879", ["In-Context Learning (ICL)"],
                      connect(server, tmp_path / "c"))
    assert not result.added and result.entry.key == "wang2023scott"
    assert result.matched_by in ("acl:2023.acl-long.304", "doi:10.18653/v1/2023.acl-long.304")


@pytest.mark.slow
def test_a_doi_dblp_knows_is_resolved_through_dblp(server, tmp_path, library, needs_dblp):
    # The DBLP recordings carry no DOI: give one hit a test DOI (never written anywhere).
    info = next(i for _w, i in server.recordings.dblp_hits if i["key"] == "conf/iclr/SnellKSYL23")
    server.recordings.dblp_hits.append((set(), copy.deepcopy(info) | {"doi": "10.5555/TEST.1"}))
    try:
        result = add_work(without(library, "snell2023offline"), "10.5555/test.1",
                          ["Alignment Tuning (AT)"], connect(server, tmp_path / "c"))
    finally:
        server.recordings.dblp_hits.pop()
    assert result.added and result.entry.fields["dblp"] == "conf/iclr/SnellKSYL23"
    assert result.entry.arxiv_id == "2206.11871"


@pytest.mark.parametrize(("identifier", "error", "message"), [
    pytest.param("10.1145/3560816", NotFound, "no source knows the DOI 10.1145/3560816",
                 id="doi-no-source-knows"),
    pytest.param("2312.99999", NotFound, "arXiv has no paper 2312.99999", id="arxiv-id-unknown"),
    pytest.param("2099.acl-long.1", NotFound, "has no paper '2099.acl-long.1'",
                 id="anthology-id-unknown"),
    pytest.param("chain of thought", InvalidIdentifier, "is not an arXiv id", id="not-an-id"),
    pytest.param("DBLP:conf/iclr/Nobody99", NotFound, "DBLP has no record", id="dblp-key-unknown"),
])
def test_what_cannot_be_added_is_a_clear_error(server, tmp_path, library, identifier, error,
                                               message):
    with pytest.raises(error, match=message):
        add_work(library, identifier, ["Surveys"], connect(server, tmp_path / "c"))


def test_a_source_outage_adds_nothing(server, tmp_path, small_file):
    from llm4anno_bib.errors import SourceError
    from source_server import Fault

    before = small_file.read_bytes()
    server.fail_next("/arxiv", Fault(status=503), times=3)
    with pytest.raises(SourceError, match="HTTP 503 after 3 tries"):
        llm4anno_bib.add("2201.11903", "Surveys", library=small_file,
                         sources=connect(server, tmp_path / "c"))
    assert small_file.read_bytes() == before


def test_unknown_category_is_refused_before_any_request(server, tmp_path, library):
    with pytest.raises(UnknownCategory, match="Closest: Chain-of-Thought Prompting"):
        add_work(library, "2201.11903", ["Chain-of-Thougt Prompting"],
                 connect(server, tmp_path / "c"))
    assert server.requests == []


def test_parse_identifier_reads_the_forms_people_paste():
    assert parse_identifier("arXiv:2201.11903v2") == ("arxiv", "2201.11903")
    assert parse_identifier("https://doi.org/10.48550/arXiv.2201.11903") == ("arxiv", "2201.11903")
    assert parse_identifier("https://aclanthology.org/2023.acl-long.304.pdf") == \
        ("acl", "2023.acl-long.304")
    assert parse_identifier("N19-1421") == ("acl", "N19-1421")
    assert parse_identifier(" 10.1162/coli_a_00523 ") == ("doi", "10.1162/coli_a_00523")
    for written in ("https://dblp.org/rec/conf/nips/RafailovSMMEF23", "DBLP:conf/nips/"
                    "RafailovSMMEF23", "conf/nips/RafailovSMMEF23.bib",
                    "https://dblp.uni-trier.de/rec/bibtex/conf/nips/RafailovSMMEF23"):
        assert parse_identifier(written) == ("dblp", "conf/nips/RafailovSMMEF23"), written
    for not_an_id in ("https://example.org/paper.pdf", "homepages/w/JasonWei",
                      "conf/nips/{x}", "https://dblp.org/pid/12/345.html"):
        with pytest.raises(InvalidIdentifier):
            parse_identifier(not_an_id)


# -- writing through the API and the CLI --------------------------------------------------
@pytest.fixture
def small_file(tmp_path, library):
    path = tmp_path / "library.bib"
    without(library, "wei2022chain").save(path)
    return path


@pytest.mark.slow
def test_api_add_writes_the_file_and_a_repeat_changes_nothing(server, tmp_path, small_file,
                                                             needs_dblp):
    llm4anno_bib.add("2201.11903", "Chain-of-Thought Prompting (CoT)", library=small_file,
                     sources=connect(server, tmp_path / "c"))
    assert read_library(small_file)["wei2022chain"].fields["dblp"] == "conf/nips/Wei0SBIXCLZ22"
    before, mtime = small_file.read_bytes(), small_file.stat().st_mtime_ns
    result = llm4anno_bib.add("2201.11903", "Chain-of-Thought Prompting (CoT)", library=small_file,
                              sources=connect(server, tmp_path / "c"))
    assert not result.added
    assert small_file.read_bytes() == before and small_file.stat().st_mtime_ns == mtime


def test_a_work_added_to_a_bib_of_your_own_takes_the_files_style(server, tmp_path):
    """A JabRef file (CRLF, capitalised names aligned) has no categories: ``add`` needed
    one it could not name ("no category is called ..."), and the API wrote the entry in the
    library's own style. It is now appended as ``export --into`` appends, in the file's
    style, every byte before it kept; a library of a list still needs a category."""
    plain = tmp_path / "refs.bib"
    plain.write_bytes(b"% This file was created with JabRef 2.10.\r\n\r\n@InProceedings{a,\r\n"
                      b"  Title                    = {A Paper},\r\n  Author                   "
                      b"= {Doe, Jane},\r\n  Year                     = {2020}\r\n}\r\n")
    before = plain.read_bytes()
    result = llm4anno_bib.add("10.1145/3581641.3584059", library=plain,
                              sources=connect(server, tmp_path / "c"))
    after = plain.read_bytes()
    assert result.added and after.startswith(before)
    added = after[len(before):].decode("utf-8")
    assert added.startswith(f"\r\n@InProceedings{{{result.entry.key},\r\n  Title"
                            "                    = {")
    assert "\n" not in added.replace("\r\n", "")
    runner_result = CliRunner().invoke(app, ["add", "10.1145/3581641.3584059", "--library",
                                             str(plain), "--offline", "--cache-dir",
                                             str(tmp_path / "c")])
    assert runner_result.exit_code == 0 and runner_result.stderr.startswith(
        f"already there as {result.entry.key} (same doi:10.1145/3581641.3584059); nothing "
        "changed")
    assert plain.read_bytes() == after


runner = CliRunner()


@pytest.mark.slow
def test_cli_add_and_its_errors(server, tmp_path, small_file, cli_env, needs_dblp):
    added = runner.invoke(app, ["add", "2201.11903", "-c", "chain-of-thought-prompting-cot",
                                "--library", str(small_file)])
    assert added.exit_code == 0 and added.stdout == "wei2022chain\n"
    # where and when, shortly: not the proceedings' long name with its year twice
    assert "added wei2022chain: Chain-of-Thought Prompting Elicits Reasoning in Large Language " \
        "Models (NeurIPS 2022)\n" in added.stderr
    again = runner.invoke(app, ["add", "2201.11903", "-c", "Surveys", "--library",
                                str(small_file)])
    assert again.exit_code == 0 and "already there as wei2022chain" in again.stderr
    assert "surveys" in again.stderr
    before = small_file.read_bytes()
    for args, code, text in (
        (["add", "10.1145/3560816", "-c", "Surveys"], 1, "no source knows the DOI"),
        (["add", "not an id", "-c", "Surveys"], 2, "is not an arXiv id"),
        (["add", "2201.11903", "-c", "Toolkit reviews"], 1,
         "no category is called 'Toolkit reviews'"),
        (["add", "2201.11903"], 1, "every work under a category: name one (-c NAME)"),
    ):
        result = runner.invoke(app, args + ["--library", str(small_file)])
        assert result.exit_code == code and text in result.stderr, (args, result.stderr)
    assert small_file.read_bytes() == before


@pytest.mark.slow
def test_add_as_a_real_process(server, tmp_path, small_file, needs_dblp):
    env = server_env(server, tmp_path / "proc-cache")
    done = subprocess.run([sys.executable, "-m", "llm4anno_bib", "add",
                           "https://arxiv.org/abs/2201.11903", "--category",
                           "Chain-of-Thought Prompting (CoT)"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "wei2022chain"
    assert "wei2022chain" in read_library(small_file)


def test_cli_add_says_the_title_it_added_as_it_prints(server, tmp_path, cli_env, needs_dblp):
    """DBLP writes a title's math as TeX (DDM\\({}^{\\mbox{2}}\\)): the file keeps it for
    TeX, the message says what it prints."""
    mine = tmp_path / "refs.bib"
    mine.write_text("@misc{x,\n  title = {X},\n  year = {2020},\n}\n", encoding="utf-8")
    added = runner.invoke(app, ["add", "https://dblp.org/rec/conf/iclr/XiangYSSC23.html",
                                "--library", str(mine)])
    assert added.exit_code == 0, added.stderr
    assert "added xiang2023ddm2: DDM²: Self-Supervised Diffusion MRI Denoising" in added.stderr
    assert "DDM\\({}^{\\mbox{2}}\\)" in mine.read_text(encoding="utf-8")
