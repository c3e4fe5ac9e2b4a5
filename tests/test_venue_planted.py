"""A planted-error bibliography built from the DBLP recordings, one group per venue kind
(issue 27): each work's venue swapped for another real venue (conference <-> conference,
conference <-> journal), replaced by an invented name, and the same works citing their own
venue in every spelling real files use. Each kind is found in at least 95% of its cases; no
valid entry is flagged."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

import llm4anno_bib
from conftest import SHARED_DBLP, connect

_STREAMS = {"icml2022.bib": ("ICML", 2022, 39), "neurips2022.bib": ("NeurIPS", 2022, 36),
            "iclr2023.bib": ("ICLR", 2023, 11)}
_FULL = {"ICML": "International Conference on Machine Learning",
         "NeurIPS": "Advances in Neural Information Processing Systems",
         "ICLR": "International Conference on Learning Representations"}
_OTHERS = ["Proceedings of the Thirty-Eighth Conference on Uncertainty in Artificial "
           "Intelligence", "AISTATS 2022", "Proc. of the 28th ACM SIGKDD Conference on "
           "Knowledge Discovery and Data Mining", "CVPR", "Journal of Machine Learning Research",
           "ICML 2022", "Advances in Neural Information Processing Systems 35",
           "The Eleventh International Conference on Learning Representations"]
_INVENTED = ["International Workshop on Imaginary Clustering",
             "Proceedings of the Symposium on Fictional Learning Systems",
             "Journal of Fictional Machine Learning", "Transactions on Made-Up Intelligence"]
_PER_STREAM = 12


def _works() -> list[tuple[str, str, int, int, str]]:
    rng = random.Random(27)
    works = []
    for name, (acronym, year, edition) in _STREAMS.items():
        text = (SHARED_DBLP / name).read_text(encoding="utf-8")
        records = re.findall(r"@inproceedings\{DBLP:conf/\w+/\w+,\n  author\s+= \{(.*?)\},\n"
                             r"  title\s+= \{(.*?)\},\n", text, re.S)
        for authors, title in rng.sample(records, _PER_STREAM):
            works.append((" ".join(authors.split()), " ".join(title.split()), year, edition,
                          acronym))
    return works


def _spellings(acronym: str, year: int, edition: int) -> list[str]:
    return [f"{acronym} {year}", f"Proc. of {{{acronym}}}", _FULL[acronym],
            f"Proceedings of the {edition}th {_FULL[acronym]}" if acronym != "NeurIPS" else
            f"{_FULL[acronym]} {edition - 1}", f"{_FULL[acronym]}, {{{acronym}}} {year}"]


@pytest.mark.slow
def test_every_planted_venue_kind_is_found_and_no_valid_entry_flagged(server, tmp_path,
                                                                      needs_dblp):
    entries, expected = [], {}
    for number, (authors, title, year, edition, acronym) in enumerate(_works()):
        other = next(v for v in _OTHERS[number % len(_OTHERS):] + _OTHERS
                     if acronym.lower() not in v.lower() and _FULL[acronym] not in v)
        planted = {"differs": other, "unknown": _INVENTED[number % len(_INVENTED)],
                   "valid": _spellings(acronym, year, edition)[number % 5]}
        for kind, venue in planted.items():
            key = f"{kind}{number}"
            entries.append(f"@inproceedings{{{key},\n  author = {{{authors}}},\n  title = "
                           f"{{{title}}},\n  booktitle = {{{venue}}},\n  year = {{{year}}},\n}}\n")
            expected[key] = kind
    path = tmp_path / "planted.bib"
    path.write_text("\n".join(entries), encoding="utf-8")
    report = llm4anno_bib.verify(path, llm4anno_bib.Library([]), lookup=True,
                                 sources=connect(server, tmp_path / "c"))
    found: Counter[str] = Counter()
    flagged = []
    for entry in report.entries:
        kinds = {f.kind for f in entry.findings}
        kind = expected[entry.key]
        if kind == "valid" and kinds:
            flagged.append((entry.key, [f.message for f in entry.findings]))
        found[kind] += {"differs": "venue-differs" in kinds,
                        "unknown": "venue-unknown" in kinds, "valid": not kinds}[kind]
    cases = Counter(expected.values())
    assert flagged == []
    for kind in ("differs", "unknown"):
        assert found[kind] >= 0.95 * cases[kind], (kind, found[kind], cases[kind])


HOWPUBLISHED = "\n".join(
    f"@misc{{{key},\n  title = {{Chain-of-Thought Prompting Elicits Reasoning in Large Language "
    f"Models}},\n  author = {{Jason Wei and Xuezhi Wang and Dale Schuurmans and others}},\n"
    f"  howpublished = {{{said}}},\n  eprint = {{2201.11903}},\n  year = {{2022}}\n}}\n"
    for key, said in (("cited_at_neurips", "NeurIPS 2022"), ("cited_at_icml", "ICML 2022"),
                      ("a_preprint", "Preprint")))


def test_a_misc_entry_citing_a_venue_in_howpublished_cites_that_venue(server, tmp_path,
                                                                      needs_dblp):
    """BibTeX prints a @misc's howpublished: "NeurIPS 2022" beside an arXiv id was read as
    a preprint ("cites the preprint", a false alarm), and a wrong venue written so as no
    claim at all."""
    path = tmp_path / "refs.bib"
    path.write_text(HOWPUBLISHED, encoding="utf-8")
    report = llm4anno_bib.verify(path, llm4anno_bib.Library([]), lookup=True,
                                 sources=connect(server, tmp_path / "c"))
    kinds = {e.key: sorted(f.kind for f in e.findings) for e in report.entries}
    assert kinds == {"cited_at_neurips": [], "cited_at_icml": ["venue-differs"],
                     "a_preprint": ["preprint-of-published"]}
    library = llm4anno_bib.load(path)
    assert [e.venue for e in library] == ["NeurIPS 2022", "ICML 2022", "Preprint"]


def test_a_preprint_cited_at_a_workshop_is_no_claim_of_a_publication(server, tmp_path):
    """Most workshops publish no proceedings (DBLP lists few of their papers): a work whose
    only record is its preprint, cited at "ICLR 2023 Workshop on ..." or "TRL@ICLR 2023",
    was "not-published"; cited at ICLR itself it still is."""
    path = tmp_path / "refs.bib"
    path.write_text("\n".join(
        f"@inproceedings{{{key},\n  title = {{{{RAFT}}: Reward rAnked FineTuning for Generative "
        f"Foundation Model Alignment}},\n  author = {{Hanze Dong and Wei Xiong and Deepanshu "
        f"Goyal and others}},\n  booktitle = {{{venue}}},\n  year = {{2023}}\n}}\n"
        for key, venue in (("at_a_workshop", "ICLR 2023 Workshop on Trustworthy and Reliable "
                            "Large-Scale Machine Learning Models"),
                           ("held_at", "TRL@ICLR 2023"), ("at_iclr", "ICLR 2023"))),
        encoding="utf-8")
    report = llm4anno_bib.verify(path, llm4anno_bib.Library([]), lookup=True,
                                 sources=connect(server, tmp_path / "c"))
    kinds = {e.key: [f.kind for f in e.findings] for e in report.entries}
    assert kinds == {"at_a_workshop": [], "held_at": [], "at_iclr": ["not-published"]}
