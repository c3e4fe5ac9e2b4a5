"""The build script's pipeline against the local server reproduces library.bib."""

from __future__ import annotations

import subprocess
import sys

import pytest

from llm4anno_bib._text import normalise_title
from llm4anno_bib.bibfile import read_library, render_library
from llm4anno_bib.build import build_library, load_curated
from llm4anno_bib.listmd import parse_list
from llm4anno_bib.sources import Politeness, Sources
from llm4anno_bib.ids import arxiv_year, parse_arxiv_id

from conftest import CURATED, LIST_README, ROOT

FAST = Politeness(delay=0.0, retries=1, backoff=0.05, timeout=10.0)


def _clients(server, cache):
    return Sources.connect(cache, arxiv_url=server.arxiv_url, acl_url=server.acl_url,
                           dblp_url=server.dblp_url, crossref_url=server.crossref_url,
                           arxiv_politeness=FAST, politeness=FAST)


@pytest.mark.slow
def test_build_reproduces_library_bib_with_few_requests(server, tmp_path, needs_dblp):
    list_text = LIST_README.read_text(encoding="utf-8")
    shipped = (ROOT / "library.bib").read_text(encoding="utf-8")
    existing = read_library(ROOT / "library.bib")
    library, report = build_library(list_text, _clients(server, tmp_path / "c"),
                                    load_curated(CURATED), existing)
    assert render_library(library) == shipped
    id_requests = [r for r in server.requests if r.path.startswith("/arxiv") and "id_list" in r.query]
    assert len(id_requests) <= 2
    searches = [r for r in server.requests if r.path.startswith("/arxiv") and "search_query" in r.query]
    document = parse_list(list_text)
    curated_titles = {"Stanford alpaca: An instruction-following llama model",
                      "GPT4All: Training an Assistant-style Chatbot with Large Scale Data "
                      "Distillation from GPT-3.5-Turbo"}
    # one work may be listed with two different links (Brown et al. 2020): count works
    elsewhere = {normalise_title(i.title) for i in document.items
                 if not parse_arxiv_id(i.paper_link or "") and i.title not in curated_titles}
    disputed_links = sum(1 for c in library.corrections() if c.kind == "wrong-link")
    # and once more for the one work renamed on arXiv after it was published ("Secretly"
    # became "Implicitly"): the part of its title before the question mark finds it
    renamed = [s for s in searches
               if s.query["search_query"] == ["ti:why AND ti:can AND ti:gpt AND ti:learn AND "
                                              "ti:context"]]
    assert len(searches) == len(elsewhere) + disputed_links + len(renamed) and renamed
    assert library["dai2023gpt"].arxiv_id == "2212.10559"
    # a near miss (same-ish title, other authors and year) is reported, never applied
    assert any("conf/iclr/PatelLRCRC23" in line for line in report.near_misses)
    assert library["brown2020language"].fields["dblp"] == "conf/nips/BrownMRSKDNSSAA20"

    server.reset_log()
    again, _ = build_library(list_text, _clients(server, tmp_path / "c"), load_curated(CURATED),
                             existing)
    assert render_library(again) == shipped
    assert server.requests == []  # everything came from the cache


@pytest.mark.slow
def test_build_without_existing_library_gives_the_same_keys(server, tmp_path, needs_dblp):
    """The same keys, but for the works upgraded after they got theirs: a new build gives
    those the published year, the shipped library keeps the preprint's (a key never
    changes)."""
    library, _ = build_library(LIST_README.read_text(encoding="utf-8"),
                               _clients(server, tmp_path / "c"), load_curated(CURATED), None)
    shipped = read_library(ROOT / "library.bib")
    assert len(library) == len(shipped)
    renamed = {}
    for new, old in zip(library, shipped):
        assert new.fields == old.fields and new.entry_type == old.entry_type
        if new.key != old.key:
            preprint_year = str(arxiv_year(new.arxiv_id or ""))
            assert old.key.replace(preprint_year, str(new.year), 1) == new.key
            renamed[old.key] = new.key
    assert renamed == {"alizadeh2023open": "alizadeh2025open", "hou2023large": "hou2024large",
                       "liu2021pre": "liu2023pre"}


@pytest.mark.slow
def test_build_script_runs_against_the_server(server, tmp_path, needs_dblp, shipped_copy):
    """A maintainer's rebuild onto the library: keys kept, every byte the same."""
    output = shipped_copy
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_library.py"), "-o", str(output),
         "--cache-dir", str(tmp_path / "c"), "--arxiv-delay", "0", "--source-delay", "0",
         "--arxiv-url", server.arxiv_url, "--acl-url", server.acl_url,
         "--dblp-url", server.dblp_url, "--crossref-url", server.crossref_url],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert output.read_bytes() == (ROOT / "library.bib").read_bytes()
    assert "76 entries" in result.stderr and "Crossref " in result.stderr


@pytest.mark.slow
def test_a_stale_unverified_venue_note_goes_once_a_source_holds_the_published_version(
        server, tmp_path, needs_dblp):
    """The shipped library of an older recording set said DPO's NeurIPS version was in no
    source; now that DBLP holds it, rebuilding on that library drops the note and keeps the
    notes of works still unresolved."""
    from llm4anno_bib.model import Correction, Library

    existing = read_library(ROOT / "library.bib")
    stale = Correction("rafailov2023direct", "unverified-venue", "line 53: [NeurIPS 2023]",
                       "cited as arXiv 2305.18290 (2023): not in the sources", "arXiv 2305.18290")
    unresolved = Correction("wei2022emergent", "venue", "line 1: [Nowhere 2099]", "x", "y")
    older = Library(existing.entries, existing.tree, (stale, *existing.corrections(), unresolved),
                    existing.survey_key, intro=existing.intro)
    library, _ = build_library(LIST_README.read_text(encoding="utf-8"),
                               _clients(server, tmp_path / "c"), load_curated(CURATED), older)
    kinds = {(c.key, c.kind) for c in library.corrections()}
    assert ("rafailov2023direct", "unverified-venue") not in kinds
    assert ("rafailov2023direct", "published") in kinds
    assert unresolved in library.corrections()
    order = [e.key for e in library]
    positions = [order.index(c.key) for c in library.corrections()]
    assert positions == sorted(positions)
