"""verify --lookup on every real file of ../shared/corpus against the recordings' stand-in
(issue 27): each finding was read by hand once against the file and the records, and is
pinned here. A finding on an identifier the recordings do not hold ("arXiv has no paper
1706.05125" where arXiv itself has it, "the ACL Anthology has no paper D19-1001") says only
what the stand-in lacks, and is left out;
every other finding is one of the true ones below, and no other appears."""

from __future__ import annotations

import pytest

import llm4anno_bib
from conftest import SHARED, connect

CORPUS = SHARED / "corpus" / "bib"

# Read by hand: each entry is a published work cited as its arXiv preprint (Zotero's arXiv
# import: journal = {arXiv:1705.11192 [cs]}), whose proceedings record DBLP holds; Guo et
# al. was renamed on publication ("Languages"); Tucker et al. has Zotero's page count
# (pages = {23}) where the NeurIPS paper's range is 10574--10586.
_TRUE_FINDINGS = {
    "brendon-boldt_phd-thesis_zotero_first200k.bib": {
        "havrylov_emergence_2017": ["preprint-of-published"],
        "kharitonov_entropy_2020": ["preprint-of-published"],
        "lowe_interaction_2020": ["preprint-of-published"],
        "kang_incorporating_2020": ["preprint-of-published"],
        "mu_emergent_2021": ["preprint-of-published"],
        "tucker_emergent_nodate": ["pages-differ"],
        "guo_expressivity_2021": ["title-differs", "preprint-of-published"],
        "vani_iterated_2021": ["preprint-of-published"],
        "kucinski_catalytic_2021": ["preprint-of-published"],
    },
}
_ENCODINGS = {"nltk_book_refs_macroman_byte.bib": "mac-roman",
              "papers4cnn_jabref_gbk_crlf.bib": "gbk"}


def _beyond_the_recordings(finding, recordings) -> bool:
    if finding.kind == "arxiv-id-unknown":
        return finding.theirs not in recordings.arxiv
    if finding.kind == "doi-unknown":
        return finding.theirs.lower() not in recordings.crossref
    if finding.kind == "anthology-id-unknown":
        return finding.theirs not in recordings.acl
    return False


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.bib"))
                         if CORPUS.is_dir() else [])
def test_every_finding_on_a_real_file_is_a_true_one(name, server, recordings, needs_dblp,
                                                    tmp_path):
    report = llm4anno_bib.verify(CORPUS / name, llm4anno_bib.Library([]), lookup=True,
                                 sources=connect(server, tmp_path / "cache"),
                                 encoding=_ENCODINGS.get(name))
    found = {e.key: [f.kind for f in e.findings if not _beyond_the_recordings(f, recordings)]
             for e in report.entries}
    assert {k: v for k, v in found.items() if v} == _TRUE_FINDINGS.get(name, {})


def test_the_corpus_is_there_or_the_findings_are_skipped_with_a_reason():
    if not CORPUS.is_dir():
        pytest.skip(f"the real-file corpus lives in ../shared ({CORPUS} is absent)")
    assert len(list(CORPUS.glob("*.bib"))) >= len(_TRUE_FINDINGS)
