"""Venues as knowledge: every spelling of a venue real files use is that venue, and the
table is what the script makes of the real data (never hand-typed)."""

from __future__ import annotations

import importlib.util
import json

import pytest

import llm4anno_bib
from conftest import ROOT, SHARED, connect
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


def test_an_organiser_named_before_conference_is_not_the_venue():
    """"International AAAI Conference on Web and Social Media" is ICWSM, organised by AAAI,
    and DBLP writes it with its own acronym after the name; ACM's SIGs name their conferences
    the same way ("ACM SIGKDD Conference on ..."), and stay those conferences."""
    for text in ("International AAAI Conference on Web and Social Media",
                 "Proceedings of the International AAAI Conference on Web and Social Media",
                 "Proceedings of the Seventeenth International AAAI Conference on Web and "
                 "Social Media, {ICWSM} 2023, Limassol, Cyprus"):
        assert getattr(venue_of(text), "acronym", None) == "ICWSM", text
    assert venue_of("AAAI Conference on Artificial Intelligence").acronym == "AAAI"  # type: ignore[union-attr]
    assert venue_of("Proceedings of the 29th ACM SIGKDD Conference on Knowledge Discovery and "
                    "Data Mining").acronym == "SIGKDD"  # type: ignore[union-attr]


@pytest.mark.parametrize("acronym, spellings", [
    ("WWW", ["WWW", "The Web Conference", "Proceedings of the ACM Web Conference 2023",
             "WWW '23: Proceedings of the ACM Web Conference 2023",
             "International World Wide Web Conferences", "Proceedings of the Web Conference "
             "2021"]),
    ("HCOMP", ["HCOMP", "Proceedings of the AAAI Conference on Human Computation and "
                        "Crowdsourcing"]),
    ("FAccT", ["FAccT '23", "Proceedings of the 2021 ACM Conference on Fairness, "
                            "Accountability, and Transparency"]),
])
def test_venues_of_annotation_work_the_data_sets_lack_or_name_the_old_way(acronym, spellings):
    """Crowdsourcing and fairness venues, and WWW under its name since 2018: one venue,
    written one way (its newer name) by ``export --venues full``."""
    found = [venue_of(text) for text in spellings]
    assert [getattr(v, "acronym", None) for v in found] == [acronym] * len(spellings)
    assert len({v.written("full") for v in found if v}) == 1
    assert venue_of("International Semantic Web Conference").acronym == "ISWC"  # type: ignore[union-attr]


@pytest.mark.parametrize("acronym, kind, spellings", [
    # DBLP writes PNAS "Proc. Natl. Acad. Sci. {USA}" (JabRef's second row for it, once
    # dropped), Crossref "Proceedings of the National Academy of Sciences"
    ("PNAS", "journal", ["PNAS", "Proc. Natl. Acad. Sci. {USA}", "Proc. Nat. Acad. Sci. U.S.A.",
                         "Proceedings of the National Academy of Sciences",
                         "Proceedings of the National Academy of Sciences of the United States "
                         "of America"]),
    ("TACL", "journal", ["TACL", "Trans. Assoc. Comput. Linguistics",
                         "Transactions of the Association for Computational Linguistics"]),
    ("TMLR", "journal", ["TMLR", "Trans. Mach. Learn. Res.",
                         "Transactions on Machine Learning Research"]),
    ("JMLR", "journal", ["JMLR", "JMLR 2023", "J. Mach. Learn. Res."]),
    ("Nature", "journal", ["Nature"]),
    ("LREC", "conference", ["LREC", "Proceedings of LREC", "Proceedings of the Tenth "
                            "International Conference on Language Resources and Evaluation "
                            "({LREC}'16)", "Lrec"]),
    ("WMT", "conference", ["Proceedings of the Fifth Conference on Machine Translation",
                           "Proceedings of the Fourth Conference on Machine Translation "
                           "(Volume 2: Shared Task Papers, Day 1)"]),
    ("SemEval", "workshop", ["Proceedings of SemEval"]),
    ("SIGDIAL", "conference", ["SIGDIAL", "SIGdial 2023", "Proceedings of the 21th Annual "
                               "Meeting of the Special Interest Group on Discourse and "
                               "Dialogue (SIGDIAL)", "Proceedings of the 24th Annual Meeting "
                               "of the Special Interest Group on Discourse and Dialogue"]),
    ("INLG", "conference", ["INLG", "Proceedings of the 16th International Natural Language "
                            "Generation Conference"]),
    ("AIES", "conference", ["AIES", "Proceedings of the 2023 AAAI/ACM Conference on AI, "
                            "Ethics, and Society"]),
])
def test_venues_nlp_bibliographies_cite_that_the_data_sets_lack_are_known(acronym, kind,
                                                                          spellings):
    """Each spelling real files use (the corpus's TACL, PNAS, LREC and WMT entries were
    unknown: no venue compared, none written one way) is that venue, with its DBLP
    stream, written one way by every ``export --venues`` style."""
    found = [venue_of(text) for text in spellings]
    assert [(v.acronym, v.kind) if v else None for v in found] == \
        [(acronym, kind)] * len(spellings)
    assert all(found[0].same_as(v) for v in found if v)  # type: ignore[union-attr]
    for style in ("short", "full", "iso4"):
        assert len({v.written(style) for v in found if v}) == 1, style
    if acronym in ("PNAS", "TACL", "TMLR"):
        assert found[0].dblp == f"journals/{acronym.lower()}"  # type: ignore[union-attr]


@pytest.mark.parametrize("text, acronym", [
    ("Acl", "ACL"), ("in Acl", "ACL"), ("Emnlp", "EMNLP"), ("Coling", "COLING"),
    ("Acl2016", "ACL"), ("Naacl2016", "NAACL"), ("ICML2020", "ICML"),
    ("Methods on Natural Language Processing (EMNLP2014)", "EMNLP"),
    # a capitalised word among others is a word; words that are no acronym stay unknown
    ("Proceedings of the Date conference", None), ("Language", None), ("Cognition", None),
    ("Moscow", None),  # JabRef's "(Moscow)" after a journal's name is no acronym
])
def test_an_acronym_in_a_reference_managers_case_or_glued_to_its_year_is_that_venue(text,
                                                                                    acronym):
    """Mendeley writes "Acl", "Emnlp", "Naacl2016" (the corpus's SENTiVENT file)."""
    assert getattr(venue_of(text), "acronym", None) == acronym


@pytest.mark.parametrize("text, acronym", [
    ("Adv. Neural Inf. Process. Syst.", "NeurIPS"), ("Int. Conf. Mach. Learn.", "ICML"),
    ("Proc. Int. Conf. Mach. Learn.", "ICML"), ("11th Int. Conf. Learn. Represent.", "ICLR"),
    ("Proc. Annu. Meet. Assoc. Comput. Linguist.", "ACL"),
    ("Proc. Conf. Empir. Methods Nat. Lang. Process.", "EMNLP"),
    ("Proc. IEEE/CVF Conf. Comput. Vis. Pattern Recognit.", "CVPR"),
    ("Proc. Int. Jt. Conf. Artif. Intell.", "IJCAI"),
    ("Proc. Conf. Uncertain. Artif. Intell.", "UAI"),
    ("Imaginary Conf. Fict. Stud.", None), ("A. B.", None),
])
def test_a_conference_name_abbreviated_as_iso_4_writes_it_is_that_conference(text, acronym):
    """ISO 4 abbreviations of proceedings' names (what abbreviating styles and managers
    write): each was unknown, so a NeurIPS paper cited at ICML that way agreed."""
    assert getattr(venue_of(text), "acronym", None) == acronym


def test_pmlr_in_any_spelling_is_a_series_and_claims_no_venue():
    """JabRef lists PMLR as a journal: an ICML paper cited with ``journal = {Proceedings of
    Machine Learning Research}`` (or its ISO 4 abbreviation) was "not ICML"."""
    from llm4anno_bib.lookup import venue_claims

    icml = ("International Conference on Machine Learning, {ICML} 2022, 17-23 July 2022, "
            "Baltimore, Maryland, {USA}",)
    for text in ("PMLR", "Proceedings of Machine Learning Research", "Proc. Mach. Learn. Res."):
        found = venue_of(text)
        assert (found.acronym, found.kind) == ("PMLR", "series"), text  # type: ignore[union-attr]
        assert venue_claims(text, icml, 2022, "dblp") == [], text
    (differs,) = venue_claims("Adv. Neural Inf. Process. Syst.", icml, 2022, "dblp")
    assert (differs.kind, differs.found) == ("venue-differs", "ICML 2022")


def test_a_joint_conference_is_either_of_its_venues_and_no_other():
    """LREC-COLING 2024, EMNLP-IJCNLP 2019: citing either name agrees with the record,
    another venue differs and is told by the joint name."""
    from llm4anno_bib.lookup import venue_claims
    from llm4anno_bib.venues import joint_venues

    assert [v.acronym for v in joint_venues("Proceedings of {LREC/COLING} 2024")] == \
        ["LREC", "COLING"]
    assert joint_venues("Data-to-Text Generation") == ()
    lrec_coling = ("Proceedings of the 2024 Joint International Conference on Computational "
                   "Linguistics, Language Resources and Evaluation (LREC-COLING 2024)",)
    emnlp_ijcnlp = ("Proceedings of the 2019 Conference on Empirical Methods in Natural "
                    "Language Processing and the 9th International Joint Conference on "
                    "Natural Language Processing (EMNLP-IJCNLP)",)
    for said in ("COLING 2024", "LREC 2024", "LREC-COLING 2024"):
        assert venue_claims(said, lrec_coling, 2024, "acl") == [], said
    for said in ("EMNLP 2019", "IJCNLP 2019"):
        assert venue_claims(said, emnlp_ijcnlp, 2019, "acl") == [], said
    assert venue_claims("COLING 2024", ("DBLP: {LREC/COLING} 2024",), 2024, "dblp") == []
    assert venue_claims("LREC-COLING 2024", ("COLING 2024",), 2024, "dblp") == []
    (differs,) = venue_claims("ACL 2024", lrec_coling, 2024, "acl")
    assert differs.kind == "venue-differs" and differs.found == "LREC-COLING 2024"


def test_a_conference_named_without_its_organiser_or_international_is_that_conference():
    """ACM's own name of a proceedings ("Proceedings of the 28th International Conference on
    Intelligent User Interfaces") against the table's "ACM Conference on Intelligent User
    Interfaces": the words that name who organises it, or how widely, do not make another
    venue; a name only ending like a known one stays unknown."""
    iui = venue_of("ACM Conference on Intelligent User Interfaces")
    assert iui is not None and iui.acronym == "IUI"
    for text in ("Proceedings of the 28th International Conference on Intelligent User "
                 "Interfaces", "International Conference on Intelligent User Interfaces",
                 "IEEE International Conference on Intelligent User Interfaces"):
        assert venue_of(text) == iui, text
    for text in ("Brazilian Conference on Intelligent User Interfaces",
                 "International Conference on Intelligent User Interfaces and Robots"):
        assert venue_of(text) is None, text


@pytest.mark.parametrize("text, acronym", [
    # Semantic Scholar's names: a conference's name without the words saying it is one
    ("Neural Information Processing Systems", "NeurIPS"),
    ("North American Chapter of the Association for Computational Linguistics", "NAACL"),
    ("Computer Vision and Pattern Recognition", "CVPR"),
    ("Web Search and Data Mining", "WSDM"),
    ("Proceedings of Neural Information Processing Systems", "NeurIPS"),
    ("Proceedings of the 12th Language Resources and Evaluation Conference", "LREC"),
    # COLING by its name (ccf-deadlines misspells it)
    ("International Conference on Computational Linguistics", "COLING"),
    ("Proceedings of the 29th International Conference on Computational Linguistics",
     "COLING"),
])
def test_a_conference_by_its_name_without_conference_is_that_conference(text, acronym):
    venue = venue_of(text)
    assert venue is not None and (venue.acronym, venue.kind) == (acronym, "conference")


@pytest.mark.parametrize("text", [
    "Computer Vision", "Data Mining", "Neural Information Processing",
    "Neural Information Processing Systems and Robots", "Imaginary Clustering Systems"])
def test_a_fields_name_or_a_name_with_more_is_no_conference(text):
    """A core of two words names a field, not a venue; words beyond a core are another."""
    venue = venue_of(text)
    assert venue is None or venue.acronym not in ("ICCV", "ICDM", "NeurIPS"), (text, venue)


def test_every_conference_of_the_table_is_read_as_itself_never_as_another():
    """Each conference's full name, alone and as its proceedings write it, names that
    conference or none; never another one (a false "venue-differs"). Words of a name were
    read as another venue's acronym ("High Performance" as IFIP Performance, "Cloud" and
    "Networking" as theirs, "USENIX" as USENIX ATC), and a name was read by a shorter one it
    starts with ("International Conference on Neural Information Processing Systems", how
    the ACM Digital Library names NeurIPS, as ICONIP): 48 of 718 names."""
    rows = json.loads((ROOT / "llm4anno_bib" / "data" / "venues.json").read_text("utf-8"))
    wrong = []
    for acronym, name, kind, stream, _key in rows["exceptions"] + rows["conferences"]:
        for text in (name, f"Proceedings of the 12th {name}"):
            found = venue_of(text)
            if found is not None and found.acronym != acronym and (
                    not stream or found.dblp != stream):
                wrong.append((text, acronym, found.acronym))
    assert wrong == []


@pytest.mark.parametrize("text, acronym", [
    ("Proceedings of the 36th International Conference on Neural Information Processing "
     "Systems", "NeurIPS"),
    ("International Conference on Neural Information Processing", "ICONIP"),
    ("Proceedings of the ACM Symposium on Cloud Computing", "SoCC"),
    ("USENIX Security 2020", "USENIX Security"),
    ("29th USENIX Security Symposium (USENIX Security 20)", "USENIX Security"),
    ("ACM SIGGRAPH/Eurographics Symposium on Computer Animation", "SCA"),
    ("SIGGRAPH 2020", "ACM SIGGRAPH"), ("KDD 2020", "SIGKDD"), ("NIPS 2017", "NeurIPS"),
    ("IEEE CLOUD 2021", None),  # DBLP's stream conf/cloud is SoCC: no acronym of IEEE CLOUD
    ("2020 USENIX Annual Technical Conference", None),  # USENIX organises, names no venue
])
def test_a_word_of_a_name_or_a_stream_key_is_no_other_venues_acronym(text, acronym):
    assert getattr(venue_of(text), "acronym", None) == acronym


def test_the_acm_digital_librarys_name_of_neurips_agrees_with_its_record():
    """A NeurIPS 2022 paper as the ACM Digital Library exports it (ACM hosts the
    proceedings): no disagreement with the NeurIPS record of the shipped library."""
    text = ("@inproceedings{10.5555/3600270.3602070,\nauthor = {Wei, Jason and Wang, Xuezhi "
            "and Schuurmans, Dale and Bosma, Maarten and Ichter, Brian and Xia, Fei and Chi, Ed"
            " H. and Le, Quoc V. and Zhou, Denny},\ntitle = {Chain-of-thought prompting "
            "elicits reasoning in large language models},\nyear = {2022},\nbooktitle = {"
            "Proceedings of the 36th International Conference on Neural Information Processing"
            " Systems},\narticleno = {1800},\nnumpages = {14},\nlocation = {New Orleans, LA, "
            "USA},\nseries = {NIPS '22}\n}\n")
    from llm4anno_bib.verifying import verify_text

    [entry] = verify_text(text, llm4anno_bib.load()).entries
    assert entry.matched == "wei2022chain" and entry.findings == ()


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


def test_every_name_of_the_table_carries_the_key_it_is_looked_up_by():
    """The shipped table holds each name's lookup key (made once by the script, so that a
    start does not squeeze 40,000 names): each one is what ``squeezed`` makes of its name
    today, so an edit of the rule without a new table fails here."""
    from llm4anno_bib.venues import journal_name, squeezed

    table = json.loads((ROOT / "llm4anno_bib" / "data" / "venues.json").read_bytes())
    rows = [(row[-1], row[1]) for row in table["conferences"] + table["exceptions"]
            + table["proceedings"]]
    rows += [(key, name) for written, abbreviation, *keys in table["journals"]
             for key, name in zip(keys, (journal_name(written)[1], abbreviation))]
    assert len(rows) > 19_000
    assert [(key, name) for key, name in rows if squeezed(name) != key] == []


VENUED = """@inproceedings{a,
  title = {A},
  booktitle = {Proceedings of the 39th International Conference on Machine Learning},
  year = {2022},
}
@article{b,
  title = {B},
  journal = {Journal of Machine Learning Research},
  year = {2020},
}
@inproceedings{c,
  title = {C},
  booktitle = {Findings of the Association for Computational Linguistics: EMNLP 2023},
  year = {2023},
}
@inproceedings{d,
  title = {D},
  booktitle = {Proceedings of the Imaginary Workshop on Nothing},
  year = {2023},
}
@misc{e,
  title = {E},
  howpublished = {arXiv preprint arXiv:2201.11903},
  year = {2022},
}
"""


@pytest.mark.parametrize("style, icml, jmlr", [
    ("short", "ICML", "JMLR"),
    ("full", "International Conference on Machine Learning",
     "Journal of Machine Learning Research"),
    ("iso4", "International Conference on Machine Learning", "J. Mach. Learn. Res."),
])
def test_export_writes_every_known_venue_one_way(tmp_path, style, icml, jmlr):
    import llm4anno_bib
    from typer.testing import CliRunner

    from llm4anno_bib.cli import app

    path = tmp_path / "refs.bib"
    path.write_text(VENUED, encoding="utf-8")
    library = llm4anno_bib.load(path)
    library.export()  # keeps the entries' texts in the cache: a rewritten entry must not use them
    written = llm4anno_bib.export(library, venues=style)
    assert written == llm4anno_bib.load(path).export(venues=style.upper())
    fields = {e.key: e.fields for e in _read(tmp_path, written)}
    assert fields["a"]["booktitle"] == icml and fields["b"]["journal"] == jmlr
    for key, name in (("c", "booktitle"), ("d", "booktitle"), ("e", "howpublished")):
        assert fields[key][name] == library[key].fields[name]  # as they were
    result = CliRunner().invoke(app, ["export", "--library", str(path), "--venues", style])
    assert result.exit_code == 0 and result.stdout == written + "\n" * (
        not written.endswith("\n"))
    into = tmp_path / "mine.bib"
    assert CliRunner().invoke(app, ["export", "--library", str(path), "--venues", style,
                                    "--into", str(into)]).exit_code == 0
    assert {e.key: e.fields.get("booktitle") for e in _read(tmp_path, into.read_text())}["a"] \
        == icml


def _read(folder, text):
    import llm4anno_bib

    copy = folder / "read.bib"
    copy.write_text(text, encoding="utf-8")
    return list(llm4anno_bib.load(copy))


def test_an_unknown_venue_style_is_a_clear_error(tmp_path):
    import llm4anno_bib
    from llm4anno_bib.errors import UnknownStyle

    with pytest.raises(UnknownStyle, match="choose one of: short, full, iso4"):
        llm4anno_bib.load().filter(keys="wei2022chain").export(venues="abbreviated")


_CONFERENCE_VERSION = """@inproceedings{DBLP:conf/icml/Doe21,
  author       = {Jane Doe and
                  Rui Zhang},
  title        = {Sparse Annotators Agree on Dense Labels},
  booktitle    = {Proceedings of the 38th International Conference on Machine Learning,
                  {ICML} 2021},
  year         = {2021},
  url          = {http://proceedings.mlr.press/v139/doe21a.html}
}
"""
# the same work, extended in a journal two years later: DBLP's second record of it
_JOURNAL_VERSION = """@article{DBLP:journals/jmlr/DoeZ23,
  author       = {Jane Doe and
                  Rui Zhang},
  title        = {Sparse Annotators Agree on Dense Labels},
  journal      = {J. Mach. Learn. Res.},
  volume       = {24},
  year         = {2023},
  url          = {http://jmlr.org/papers/v24/21-0001.html}
}
"""


def test_a_work_with_two_records_agrees_with_either_and_differs_from_neither(tmp_path):
    """A conference paper and its journal version: citing either (its venue, its year)
    agrees; a third venue differs from both, and its message names the first."""
    from source_server import Recordings, SourceServer

    streams = tmp_path / "dblp"
    streams.mkdir()
    (streams / "two.bib").write_text(_CONFERENCE_VERSION + "\n" + _JOURNAL_VERSION,
                                     encoding="utf-8")
    cited = tmp_path / "cited.bib"
    cited.write_text("\n".join(
        f"@{kind}{{{key},\n  author = {{Doe, Jane and Zhang, Rui}},\n  title = {{Sparse "
        f"Annotators Agree on Dense Labels}},\n  {field} = {{{venue}}},\n  year = {{{year}}}\n}}"
        for key, kind, field, venue, year in [
            ("conference", "inproceedings", "booktitle", "ICML", 2021),
            ("journal", "article", "journal", "Journal of Machine Learning Research", 2023),
            ("elsewhere", "inproceedings", "booktitle", "AISTATS", 2021)]), encoding="utf-8")
    with SourceServer(Recordings(dblp_dir=streams)) as server:
        report = llm4anno_bib.verify(cited, llm4anno_bib.Library([]), lookup=True,
                                     sources=connect(server, tmp_path / "cache"))
    status = {e.key: e for e in report.entries}
    assert status["conference"].status == "agrees", status["conference"].findings
    assert status["journal"].status == "agrees", status["journal"].findings
    assert [f.kind for f in status["elsewhere"].findings] == ["venue-differs"]



_FINDINGS_PAPER = """@inproceedings{DBLP:conf/acl/DoeZ23,
  author       = {Jane Doe and
                  Rui Zhang},
  title        = {Dense Annotators Disagree on Sparse Labels},
  booktitle    = {Findings of the Association for Computational Linguistics: {ACL} 2023},
  pages        = {1--12},
  year         = {2023}
}
"""


def test_a_findings_paper_cited_at_its_main_conference_differs(tmp_path):
    """Findings of ACL is no volume of ACL (issue 27). A paper of it cited at ACL's main
    volume agreed when the lookup found its record (the Anthology's, or DBLP's "ACL
    (Findings)"): the record's venue was shortened to its conference's name."""
    from source_server import Recordings, SourceServer

    streams = tmp_path / "dblp"
    streams.mkdir()
    (streams / "acl.bib").write_text(_FINDINGS_PAPER, encoding="utf-8")
    main = ("Proceedings of the 61st Annual Meeting of the Association for Computational "
            "Linguistics (Volume 1: Long Papers)")
    cited = tmp_path / "cited.bib"
    cited.write_text("\n".join(
        f"@inproceedings{{{key},\n  author = {{{authors}}},\n  title = {{{title}}},\n"
        f"  booktitle = {{{venue}}},\n  year = {{2023}}\n}}" for key, authors, title, venue in [
            ("dblp_main", "Doe, Jane and Zhang, Rui", "Dense Annotators Disagree on Sparse "
             "Labels", "ACL 2023"),
            ("dblp_findings", "Doe, Jane and Zhang, Rui", "Dense Annotators Disagree on Sparse "
             "Labels", "Findings of ACL 2023"),
            ("anthology_main", "Dai, Damai and Sun, Yutao and Dong, Li and Hao, Yaru and Ma, "
             "Shuming and Sui, Zhifang and Wei, Furu", "Why Can {GPT} Learn In-Context? "
             "Language Models Secretly Perform Gradient Descent as Meta-Optimizers", main)]),
        encoding="utf-8")
    with SourceServer(Recordings(dblp_dir=streams)) as own:
        report = llm4anno_bib.verify(cited, llm4anno_bib.Library([]), lookup=True,
                                     sources=connect(own, tmp_path / "cache"))
    status = {e.key: e for e in report.entries}
    assert status["dblp_findings"].status == "agrees", status["dblp_findings"].findings
    for key in ("dblp_main", "anthology_main"):
        (finding,) = status[key].findings
        assert (finding.kind, finding.found) == ("venue-differs", "Findings of ACL 2023"), key


def test_reading_a_venue_grows_linearly_and_a_text_past_any_name_is_none():
    """A growth test, not a speed target: the edition words were found by a pattern that
    tried every split of a long word (its length squared: a 20 KB journal took 8 s to
    export with --venues, 200 KB thirteen minutes), and every full name of the table was
    looked for in the whole text. A text longer than any venue's name is no venue."""
    import time

    from llm4anno_bib.venues import MAX_VENUE_CHARS, _without_numbers, venue_of

    def seconds(text: str) -> float:
        started = time.perf_counter()
        _without_numbers(text)
        return time.perf_counter() - started

    for make in (lambda n: "a" * n, lambda n: "a-" * (n // 2), lambda n: "twenty" * (n // 6)):
        base = max(seconds(make(10_000)), 0.002)
        assert seconds(make(100_000)) / base < 30
    assert venue_of("{a}" * MAX_VENUE_CHARS) is None
    assert venue_of("Proceedings of the Thirty-Seventh AAAI Conference on Artificial "
                    "Intelligence, " + "Washington, DC, USA, " * 20).acronym == "AAAI"


def test_a_venue_in_the_records_own_words_is_no_claim_whatever_the_table_makes_of_it():
    """A record may name its venue twice (Crossref's acronym and its full title): an entry
    citing the record's own full words agrees even where the table knows only the acronym."""
    from llm4anno_bib.lookup import venue_claims

    recorded = ("IUI", "Proceedings of the Imaginary Conference on Interfaces")
    assert venue_claims("Proceedings of the {Imaginary} Conference on Interfaces", recorded,
                        2023, "Crossref") == []
    unknown = venue_claims("Proceedings of the Invented Conference on Interfaces", recorded,
                           2023, "Crossref")
    assert [f.kind for f in unknown] == ["venue-unknown"]


@pytest.mark.parametrize("text", ["DPFM@ICLR 2024", "DPFM@ICLR", "NewSum @ EMNLP 2023",
                                  "BlackboxNLP@EMNLP", "*SEM@NAACL"])
def test_an_event_held_at_a_conference_is_a_workshop_there_not_the_conference(text):
    """DBLP and the lists name a workshop by where it was held ("BlackboxNLP@EMNLP",
    "DPFM@ICLR 2024"): the conference after the "@" is its host, never the venue."""
    host = venue_of(text.rpartition("@")[2].strip())
    venue = venue_of(text)
    assert host is not None and host.kind == "conference"
    assert venue is not None and venue.kind == "workshop" and not venue.same_as(host)
    assert venue.acronym == f"{host.acronym} Workshop"


def test_a_conference_held_at_another_is_itself_and_an_address_is_no_venue():
    conll = venue_of("CoNLL")
    assert conll is not None and venue_of("CoNLL@ACL 2019") == conll
    assert venue_of("someone@example.org") is None


def test_a_workshop_named_in_its_own_words_agrees_with_its_record_held_at_a_conference():
    """A workshop paper cited by its workshop's full name against a DBLP record naming it
    "BlackboxNLP@EMNLP": no claim to dispute; cited at the host conference, it differs."""
    from llm4anno_bib.lookup import venue_claims

    recorded = ("BlackboxNLP@EMNLP", "")
    assert venue_claims("Proceedings of the Fourth BlackboxNLP Workshop on Analyzing and "
                        "Interpreting Neural Networks for NLP", recorded, 2021, "DBLP") == []
    assert venue_claims("EMNLP Workshop on Analyzing Neural Networks", recorded, 2021,
                        "DBLP") == []
    differs = venue_claims("Proceedings of EMNLP 2021", recorded, 2021, "DBLP")
    assert [f.kind for f in differs] == ["venue-differs"]
