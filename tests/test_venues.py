"""Venues as knowledge: every spelling of a venue real files use is that venue, and the
table is what the script makes of the real data (never hand-typed)."""

from __future__ import annotations

import importlib.util
import json

import pytest

from conftest import ROOT, SHARED
from llm4anno_bib.venues import names_preprint, venue_of

ICML = [
    "ICML", "ICML 2022", "Proc. of {ICML}", "In ICML", "Proceedings of the 39th International "
    "Conference on Machine Learning", "International Conference on Machine Learning, {ICML} "
    "2022, 17-23 July 2022, Baltimore, Maryland, {USA}", "Forty-first International Conference "
    "on Machine Learning, {ICML} 2024", "International conference on machine learning",
    "Proceedings of the 37th International Conference on Machine Learning, {ICML} 2020, "
    "13-18 July 2020, Virtual Event",
]
NEURIPS = ["NeurIPS", "NIPS", "Advances in Neural Information Processing Systems",
           "Advances in Neural Information Processing Systems 35: Annual Conference on Neural "
           "Information Processing Systems 2022, NeurIPS 2022", "Proc. of NeurIPS 2023"]
ICLR = ["ICLR", "The Twelfth International Conference on Learning Representations, {ICLR} "
        "2024", "9th International Conference on Learning Representations, {ICLR} 2021",
        "International Conference on Learning Representations"]
EMNLP = ["EMNLP", "Proceedings of the 2022 Conference on Empirical Methods in Natural Language "
         "Processing", "Proceedings of the 2019 Conference on Empirical Methods in Natural "
         "Language Processing and the 9th International Joint Conference on Natural Language "
         "Processing (EMNLP-IJCNLP)"]


@pytest.mark.parametrize("group, acronym", [(ICML, "ICML"), (NEURIPS, "NeurIPS"),
                                            (ICLR, "ICLR"), (EMNLP, "EMNLP")])
def test_every_spelling_of_a_conference_is_that_conference(group, acronym):
    found = {text: venue_of(text) for text in group}
    assert {text: v.acronym if v else None for text, v in found.items()} == \
        dict.fromkeys(group, acronym)
    first = found[group[0]]
    assert first is not None and all(first.same_as(v) for v in found.values() if v)


def test_findings_workshops_journals_and_the_preprint_server_are_what_they_are():
    findings = venue_of("Findings of the Association for Computational Linguistics: EMNLP 2023")
    emnlp = venue_of("EMNLP 2023")
    assert findings is not None and findings.kind == "findings" and emnlp is not None
    assert not findings.same_as(emnlp)
    workshop = venue_of("ICLR 2023 Workshop on Trustworthy and Reliable Large-Scale ML Models")
    assert workshop is not None and workshop.kind == "workshop"
    assert not workshop.same_as(venue_of("ICLR 2023"))  # type: ignore[arg-type]
    jmlr = venue_of("J. Mach. Learn. Res.")
    assert jmlr is not None and jmlr.acronym == "JMLR"
    assert jmlr.same_as(venue_of("Journal of Machine Learning Research"))  # type: ignore[arg-type]
    assert venue_of("Journal of Machine Learning Research 21(140):1-67") == jmlr
    for preprint in ("arXiv preprint arXiv:1308.3432", "CoRR", "ArXiv"):
        assert venue_of(preprint).kind == "preprint", preprint  # type: ignore[union-attr]
        assert names_preprint(preprint)
    for other in ("UAI", "AISTATS", "COLT", "CVPR", "KDD", "TMLR"):
        assert venue_of(other) is not None, other
    assert len({venue_of(v) for v in ("UAI", "AISTATS", "COLT", "CVPR", "KDD", "ICML")}) == 6


def test_invented_venues_are_no_venue():
    for invented in ("Journal of Fictional Machine Learning", "Imaginary Clustering Letters",
                     "Proceedings of the Conference on Things Nobody Holds"):
        assert venue_of(invented) is None, invented
    workshop = venue_of("International Workshop on Imaginary Clustering")
    assert workshop is not None and workshop.kind == "workshop" and workshop.dblp is None


@pytest.mark.skipif(not (SHARED / "venues").is_dir(), reason=f"no venue data at {SHARED}")
def test_the_table_is_what_the_script_makes_of_the_real_data(tmp_path, monkeypatch):
    pytest.importorskip("yaml", reason="PyYAML reads ccf-deadlines (the test extra has it)")
    spec = importlib.util.spec_from_file_location("build_venues",
                                                  ROOT / "scripts" / "build_venues.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    shipped = (ROOT / "llm4anno_bib" / "data" / "venues.json").read_bytes()
    monkeypatch.setattr(script, "TARGET", tmp_path / "venues.json")
    assert script.main(["--shared", str(SHARED)]) == 0
    assert (tmp_path / "venues.json").read_bytes() == shipped
    table = json.loads(shipped)
    assert "MIT" in table["attribution"] and "CC0" in table["attribution"]
    assert len(table["conferences"]) > 300 and len(table["journals"]) > 10_000
    for licence in ("LICENSE-ccf-deadlines", "LICENSE-jabref.md"):
        assert (ROOT / "llm4anno_bib" / "data" / licence).read_bytes() == \
            (tmp_path / licence).read_bytes()
