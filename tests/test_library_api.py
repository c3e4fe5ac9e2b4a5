"""The shipped library through the Python API: content, categories, lookup, round trip."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rapidfuzz import fuzz
from pybtex.database import parse_file as pybtex_parse_file

import llm4anno_bib
from llm4anno_bib import BibSyntaxError, Entry, Library, UnknownCategory, UnknownKey
from llm4anno_bib._text import normalise_title
from llm4anno_bib.listmd import parse_list
from llm4anno_bib.ids import parse_arxiv_id
from llm4anno_bib.model import venue_acronym

from conftest import LIST_README, ROOT


def _entries_for_item(library, item):
    """Entries of the item's section that the item can only mean: its arXiv link, its
    title, or a correction that names its line."""
    section = next(c for c in library.tree if c.slug == item.section)
    named = {c.key for c in library.corrections() if re.search(rf"\bline {item.line}\b", c.said)}
    if named & set(section.keys) and any(
            c.kind in ("wrong-title", "wrong-link") and c.key in named for c in library.corrections()):
        return named & set(section.keys)
    link_id = parse_arxiv_id(item.paper_link or "")
    found = set()
    for key in section.keys:
        entry = library[key]
        wrong_link = any(c.kind == "wrong-link" and str(item.line) in c.said
                         for c in library.corrections())
        if key in named or fuzz.ratio(normalise_title(item.title), normalise_title(entry.title)) >= 90 or (
                link_id and entry.arxiv_id == link_id and not wrong_link):
            found.add(key)
    return found


def test_every_list_item_maps_to_exactly_one_entry(library):
    document = parse_list(LIST_README.read_text(encoding="utf-8"))
    assert len(document.items) == 84
    mapped = {}
    for item in document.items:
        keys = _entries_for_item(library, item)
        assert len(keys) == 1, (item.line, item.title, keys)
        mapped[item.line] = keys.pop()
    # every entry but the survey comes from the list
    assert set(mapped.values()) == {e.key for e in library} - {library.survey_key}
    assert len(library) == len(set(mapped.values())) + 1


def test_the_issue_named_corrections_are_recorded(library):
    by_key = {(c.key, c.kind): c for c in library.corrections()}
    t0 = library["sanh2022multitask"]
    assert t0.arxiv_id == "2110.08207" and "ICLR" in t0.venue and t0.year == 2022
    assert ("sanh2022multitask", "wrong-title") in by_key
    selective = library["su2023selective"]
    assert selective.arxiv_id == "2209.01975" and selective.year == 2023
    assert ("su2023selective", "wrong-title") in by_key and ("su2023selective", "venue") in by_key
    rationale = library["wang2022rationale"]
    assert rationale.arxiv_id == "2207.00747"
    assert "2210.03493" in by_key[("wang2022rationale", "wrong-link")].said
    assert ("shelmanov2021active", "broken-link") in by_key
    assert ("alizadeh2023open", "duplicate") in by_key
    for correction in library.corrections():
        assert correction.source and correction.said and correction.truth


def test_published_versions_keep_their_arxiv_id(library):
    minillm = library["gu2024minillm"]
    assert minillm.arxiv_id == "2306.08543" and "ICLR" in minillm.venue
    assert library["stiennon2020learning"].fields["dblp"].startswith("conf/nips/")
    asdiv = library["miao2020diverse"]
    assert asdiv.year == 2020 and asdiv.arxiv_id == "2106.15772" and asdiv.doi


def test_survey_block_is_the_version_of_record_with_eprint():
    survey = llm4anno_bib.survey()
    assert survey == llm4anno_bib.load().survey()  # one name, one kind of result
    text = survey.bibtex
    assert text.count("@") == 1
    for field in ("author = {Tan, Zhen and", "booktitle = {Proceedings of the 2024 Conference on "
                  "Empirical Methods", "eprint = {2402.13446}", "doi = {10.18653/v1/2024.emnlp-main.54}",
                  "pages = {930--957}"):
        assert field in text


def test_categories_tree_and_counts(library):
    tree = library.categories()
    assert [c.depth for c in tree][:3] == [0, 1, 1]
    # the list's "Toolkits" heading holds no paper (an empty bullet): no category
    assert "toolkits" not in {c.slug for c in tree} and all(c.count > 0 for c in tree)
    by_slug = {c.slug: c for c in tree}
    harness = "harnessing-llm-annotations-for-fine-tuning-and-prompting"
    children = [c.slug for c in tree if c.parent == harness]
    union = set(library.filter(category=harness).entries)
    assert len(union) == by_slug[harness].count
    expected = {e.key for e in library if {harness, *children} & set(e.categories)}
    assert {e.key for e in union} == expected
    assert by_slug[harness].count < sum(by_slug[c].count for c in children) + len(
        by_slug[harness].keys)  # works in several sub-sections count once


@pytest.mark.parametrize("name", ["Chain-of-Thought Prompting (CoT)", "chain-of-thought-prompting-cot",
                                  "CHAIN-OF-THOUGHT PROMPTING (COT)"])
def test_category_by_heading_slug_any_case(library, name):
    keys = {e.key for e in library.filter(category=name)}
    assert "wei2022chain" in keys and "brown2020language" not in keys


def test_unknown_category_and_key_name_the_closest(library):
    with pytest.raises(UnknownCategory) as error:
        library.filter(category="chain of thougth")
    assert "Chain-of-Thought Prompting (CoT)" in error.value.suggestions
    with pytest.raises(UnknownKey) as error:
        library["wei2022chian"]
    assert "wei2022chain" in error.value.suggestions
    # a library with no categories at all (a .bib of your own) says so, not "no category
    # is called 'Surveys'." with nothing closest
    plain = Library([library["wei2022chain"]])
    with pytest.raises(UnknownCategory, match="this library has no categories"):
        plain.filter(category="Surveys")


def test_filters_combine(library):
    found = library.filter(year=2023, venue="ICML")
    assert len(found) >= 3 and all(e.year == 2023 and "ICML" in e.venue for e in found)
    assert {e.key for e in library.filter(author="Jason Wei")} >= {"wei2022chain", "wei2022finetuned"}
    assert [e.key for e in library.filter(search="zero-shot rankers")] == ["hou2023large"]


def test_keys_follow_the_rule(library):
    """Family name, year, first title word; the year is the cited version's, or the
    preprint's for an entry upgraded after it got its key (a key never changes)."""
    from llm4anno_bib.ids import arxiv_year
    from llm4anno_bib.keys import base_key

    upgraded = 0
    for entry in library:
        assert re.fullmatch(r"[a-z0-9]+", entry.key)
        if not entry.key.startswith(base_key(entry.authors, entry.year, entry.title)):
            preprint_year = arxiv_year(entry.arxiv_id or "")
            assert preprint_year and preprint_year < (entry.year or 0), entry.key
            assert entry.key.startswith(base_key(entry.authors, preprint_year, entry.title))
            upgraded += 1
    assert upgraded <= 3  # liu2021pre (CSUR 2023), alizadeh2023open (JCSS 2025), hou2023large


def test_round_trip_is_byte_identical(tmp_path: Path):
    original = (ROOT / "library.bib").read_bytes()
    target = tmp_path / "copy.bib"
    llm4anno_bib.load().save(target)
    assert target.read_bytes() == original
    again = llm4anno_bib.load(target)
    assert [e.fields for e in again] == [e.fields for e in llm4anno_bib.load()]


def test_aliases_resolve(tmp_path: Path):
    text = (ROOT / "library.bib").read_text(encoding="utf-8").replace(
        "@inproceedings{wei2022chain,\n", "@inproceedings{wei2022chain,\n  ids = {wei2022cot},\n")
    path = tmp_path / "aliased.bib"
    path.write_text(text, encoding="utf-8")
    aliased = llm4anno_bib.load(path)
    assert aliased["wei2022cot"].key == "wei2022chain"
    assert [e.key for e in aliased.filter(keys=["wei2022cot"])] == ["wei2022chain"]


def test_library_parses_with_pybtex_and_has_no_abstracts():
    data = pybtex_parse_file(str(ROOT / "library.bib"))
    assert len(data.entries) == len(llm4anno_bib.load())
    assert all("abstract" not in e.fields for e in llm4anno_bib.load())


def test_no_field_of_an_entry_lacks_its_source(library):
    for entry in library:
        f = entry.fields
        assert "author" in f and "title" in f and "year" in f, entry.key
        assert f.get("anthology") or f.get("dblp") or f.get("eprint") or \
            entry.key in ("anand2023gpt4all", "taori2023stanford"), entry.key


def test_broken_file_is_an_error_with_line_and_nothing_changes(tmp_path: Path):
    path = tmp_path / "broken.bib"
    path.write_text("@misc{a,\n  title = {A},\n}\n\n@misc{b,\n  title = {B\n", encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(BibSyntaxError) as error:
        llm4anno_bib.load(path)
    assert error.value.path == str(path) and error.value.line == 5
    assert path.read_bytes() == before


def test_a_repeated_key_reads_the_first_and_refuses_to_save(tmp_path: Path):
    path = tmp_path / "dup.bib"
    path.write_text("@misc{a, title={A}}\n@misc{a, title={B}}\n", encoding="utf-8")
    with pytest.warns(UserWarning, match="used again"):
        library = llm4anno_bib.load(path)
    assert library["a"].title == "A"
    with pytest.raises(BibSyntaxError, match=r"used twice \(lines 1 and 2\)"):
        library.save(tmp_path / "out.bib")
    assert not (tmp_path / "out.bib").exists()


def test_normalise_title_ignores_latex_case_and_accents():
    assert normalise_title(r"{RLAIF} vs. R{\'e}sum{\'e}") == normalise_title("rlaif VS resume")


def test_every_public_name_is_importable_and_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in llm4anno_bib.__all__:
        assert getattr(llm4anno_bib, name) is not None
        assert f"`{name}`" in readme, name


def test_a_line_broken_author_list_is_split_into_its_authors():
    # DBLP and the Anthology break author lists over lines; pybtex splits only at " and "
    # between single spaces
    entry = Entry.from_fields("k", "misc", {"title": "T", "author": "Zhuosheng Zhang and\n"
                                            "                  Kehai Chen and\tRui Wang"})
    assert entry.authors == ("Zhuosheng Zhang", "Kehai Chen", "Rui Wang")


def test_authors_are_one_form_with_their_parts(library):
    survey = library["tan2024large"]
    assert survey.authors[:2] == ("Zhen Tan", "Dawei Li")  # the .bib has "Tan, Zhen"
    assert survey.bib_authors[0] == "Tan, Zhen"
    assert survey.names[0].family == "Tan" and survey.names[0].given == "Zhen"
    assert all("{" not in a and "\\" not in a for e in library for a in e.authors)
    assert "Tamás Vörös" in library["voros2023web"].authors
    assert all("," not in a for e in library for a in e.authors if not a.startswith("{"))


@pytest.mark.parametrize(("author", "expected"), [
    ("Zhen Tan", {"tan2024large"}), ("Tan, Zhen", {"tan2024large"}),
    ("zhen tan", {"tan2024large"}),
    ("Teven Le Scao", {"sanh2022multitask", "muennighoff2023crosslingual"}),
    ("Le Scao, Teven", {"sanh2022multitask", "muennighoff2023crosslingual"}),
])
def test_filter_by_author_matches_a_name_in_either_order(library, author, expected):
    assert {e.key for e in library.filter(author=author)} == expected


def test_filter_matches_name_parts_and_venues_as_words(library):
    by_le = library.filter(author="Le")
    assert by_le and all(any("le" in n.lower().split() for n in e.authors) for e in by_le)
    assert not any("Lewis" in " ".join(e.authors) and "le" not in
                   " ".join(e.authors).lower().split() for e in by_le)
    acl = library.filter(venue="ACL")
    assert acl and {venue_acronym(e) for e in acl} == {"ACL"}
    assert {e.key for e in library.filter(venue="NAACL")}.isdisjoint(e.key for e in acl)


def test_entries_and_libraries_pickle_copy_and_convert(library):
    import copy
    import dataclasses
    import pickle

    entry = library["wei2022chain"]
    for twin in (pickle.loads(pickle.dumps(entry)), copy.deepcopy(entry), copy.copy(entry)):
        assert twin == entry and twin.title == entry.title and twin.bibtex == entry.bibtex
    as_dict = dataclasses.asdict(entry)
    assert as_dict["key"] == "wei2022chain" and as_dict["fields"]["year"] == "2022"
    assert set(as_dict) == {"key", "entry_type", "fields"}
    again = pickle.loads(pickle.dumps(library))
    assert [e.key for e in again] == [e.key for e in library]


def test_derived_values_follow_the_fields(library):
    import dataclasses

    entry = library["wei2022chain"]
    changed = entry.replace(year="2023", note="x")
    assert changed.year == 2023 and "year = {2023}" in changed.bibtex
    assert dataclasses.replace(entry, fields={**entry.fields, "year": "2021"}).year == 2021
    with pytest.raises(TypeError, match="read-only"):
        entry.fields["year"] = "2024"
    with pytest.raises(TypeError):
        dataclasses.replace(entry, year=2023)  # a derived value is no field
    assert entry.year == 2022


@pytest.mark.parametrize(("name", "slug"), [
    ("CoT", "chain-of-thought-prompting-cot"), ("ICL", "in-context-learning-icl"),
    ("IT", "instruction-tuning-it"), ("AT", "alignment-tuning-at"),
    ("Chain of Thought", "chain-of-thought-prompting-cot"),
    ("instruction tuning", "instruction-tuning-it"), ("surveys", "surveys"),
    ("Survey", "surveys"), ("Surveys", "surveys"), ("chain-of-thought-prompting-cot",
                                                    "chain-of-thought-prompting-cot"),
])
def test_a_category_is_named_by_acronym_words_or_a_unique_prefix(library, name, slug):
    assert library.resolve_category(name) == slug
    assert library.resolve_category(library.tree[[c.slug for c in library.tree]
                                                 .index(slug)]) == slug


def test_an_unknown_or_ambiguous_category_says_which_ones_come_close(library):
    with pytest.raises(UnknownCategory) as raised:
        library.resolve_category("CoTT")
    assert raised.value.category == "CoTT" and isinstance(raised.value, ValueError)
    assert raised.value.suggestions[0] == "Chain-of-Thought Prompting (CoT)"
    assert len(set(raised.value.suggestions)) == len(raised.value.suggestions)
    with pytest.raises(UnknownCategory, match="names 2 categories") as ambiguous:
        library.resolve_category("alignment")
    assert set(ambiguous.value.suggestions) == {"Alignment via Pairwise Feedback",
                                                "Alignment Tuning (AT)"}


def test_filter_takes_the_natural_forms_and_refuses_others_clearly(library):
    y2022 = [e.key for e in library.filter(year=2022)]
    assert [e.key for e in library.filter(year="2022")] == y2022 and y2022
    both = {e.key for e in library.filter(year=[2022, 2023])}
    assert both == {e.key for e in library.filter(year=range(2022, 2024))} > set(y2022)
    assert [e.key for e in library.filter(keys="wei2022chain")] == ["wei2022chain"]
    cot = library.categories()[[c.slug for c in library.categories()]
                               .index("chain-of-thought-prompting-cot")]
    assert len(library.filter(category=cot)) == len(library.filter(category="CoT"))
    assert len(library.filter(venue=["ACL", "EMNLP"])) == \
        len(library.filter(venue="ACL")) + len(library.filter(venue="EMNLP"))
    for bad in ({"year": 2022.5}, {"year": "twenty"}, {"keys": 7}, {"category": 3},
                {"venue": b"ACL"}, {"search": ["a"]}):
        with pytest.raises(TypeError):
            library.filter(**bad)


def test_a_library_indexes_compares_and_knows_its_entries(library):
    assert library[0].key == library.entries[0].key and library[-1] is library.entries[-1]
    first = library[:3]
    assert len(first) == 3 and first.is_selection and "selection of 3 of 76" in repr(first)
    assert library == llm4anno_bib.load() and library != first
    assert library["wei2022chain"] in library and library["wei2022chain"] not in first
    assert library["Wei2022Chain"].key == "wei2022chain"
    assert library.key_case("Wei2022Chain") == "wei2022chain"
    assert library.key_case("wei2022chain") is None
    with pytest.raises(KeyError):
        library["nobody2020x"]
    with pytest.raises(TypeError):
        library[2.5]


def test_corrections_follow_a_selection(library):
    surveys = library.filter(category="Surveys")
    assert surveys.corrections() and all(c.key in surveys for c in surveys.corrections())
    assert len(surveys.corrections()) < len(library.corrections())


def test_every_correction_kind_is_documented(library):
    from llm4anno_bib.model import CORRECTION_KINDS, Correction

    assert {c.kind for c in library.corrections()} <= set(CORRECTION_KINDS)
    assert all(f"``{kind}``" in Correction.__doc__ for kind in CORRECTION_KINDS)


def test_every_long_operation_reports_one_progress_shape_and_the_old_one_is_deprecated(tmp_path):
    """``progress(Progress(done, total, about))`` everywhere; import_list's and verify's old
    ``progress(done, total, stage)`` is still called so, with a DeprecationWarning."""
    import warnings

    from llm4anno_bib.progress import reporter

    steps: list = []
    reporter(steps.append)(2, 5, "wei2022chain")
    assert steps == [llm4anno_bib.Progress(2, 5, "wei2022chain")] and steps[0].key == "wei2022chain"
    old: list = []
    with pytest.warns(DeprecationWarning, match="take one llm4anno_bib.Progress"):
        say = reporter(lambda done, total, stage: old.append((done, total, stage)))
    say(1, 2, "stage")
    assert old == [(1, 2, "stage")]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the new shape warns of nothing
        reporter(lambda step, *rest: None)
    refs = tmp_path / "refs.bib"
    refs.write_text("@misc{x,\n  title = {A Title No Library Holds At All},\n  year = 2020,\n}\n",
                    encoding="utf-8")
    seen: list = []
    llm4anno_bib.verify(refs, lookup=True, offline=True, cache_dir=tmp_path / "cache",
                        progress=seen.append)
    assert seen and all(isinstance(s, llm4anno_bib.Progress) for s in seen)
    assert seen[-1].done == seen[-1].total == 1


def test_the_old_parameter_name_path_still_works_for_one_release(tmp_path):
    """``path`` was the library in add/cite and the user's file in verify/upgrade: now
    ``library=`` and ``file=``; ``path=`` is accepted with a DeprecationWarning."""
    aux = tmp_path / "paper.aux"
    aux.write_text("\\citation{wei2022chain}\n", encoding="utf-8")
    shipped = llm4anno_bib.shipped_library_path()
    with pytest.warns(DeprecationWarning, match=r"cite\(library=\.\.\.\)"):
        old = llm4anno_bib.cite(aux, path=shipped)
    assert [e.key for e in old.library] == [e.key for e in llm4anno_bib.cite(
        aux, library=shipped).library] == ["wei2022chain"]
    refs = tmp_path / "refs.bib"
    refs.write_text(llm4anno_bib.load()["wei2022chain"].bibtex, encoding="utf-8")
    with pytest.warns(DeprecationWarning, match=r"verify\(file=\.\.\.\)"):
        assert llm4anno_bib.verify(path=refs).entries[0].status == "agrees"
    assert llm4anno_bib.verify(file=refs, library=shipped).entries[0].status == "agrees"
    with pytest.raises(TypeError, match="not both"):
        llm4anno_bib.verify(refs, path=refs)
    with pytest.raises(TypeError, match="needs file"):
        llm4anno_bib.upgrade()


WITH_CROSSREF = """@inproceedings{DBLP:conf/nips/Wei0SBIXCLZ22,
  author    = {Jason Wei and Xuezhi Wang},
  title     = {Chain-of-Thought Prompting Elicits Reasoning in Large Language Models},
  crossref  = {DBLP:conf/nips/2022},
  pages     = {1--10}
}

@inproceedings{other2023,
  author    = {Ann Other},
  title     = {Another Paper on Things},
  booktitle = {ICLR},
  year      = {2023}
}

@proceedings{DBLP:conf/nips/2022,
  editor    = {Sanmi Koyejo},
  title     = {Advances in Neural Information Processing Systems 35: Annual Conference on
               Neural Information Processing Systems 2022, NeurIPS 2022},
  year      = {2022},
  publisher = {Curran Associates}
}
"""


def test_a_paper_citing_its_proceedings_by_crossref_is_queried_as_bibtex_reads_it(tmp_path):
    """DBLP's "with crossref" exports give a paper's year and venue in its proceedings
    alone: ``filter(year=2022)`` missed the paper, ``list`` showed it with no year or venue,
    ``stats`` counted it under no year."""
    from typer.testing import CliRunner

    from llm4anno_bib.cli import app

    path = tmp_path / "dblp.bib"
    path.write_text(WITH_CROSSREF, encoding="utf-8")
    library = llm4anno_bib.load(path)
    paper = "DBLP:conf/nips/Wei0SBIXCLZ22"
    assert [e.key for e in library.filter(year=2022)] == [paper, "DBLP:conf/nips/2022"]
    assert [e.key for e in library.filter(venue="NeurIPS")][:1] == [paper]
    assert library[paper].year is None  # the entry itself as written: saving keeps it so
    read = library.filter(keys=paper).as_read()[paper]
    assert (read.year, read.fields["publisher"], read.fields["pages"]) == (
        2022, "Curran Associates", "1--10")
    assert dict(library.stats().by_year) == {2022: 2, 2023: 1}
    plain = llm4anno_bib.load(path).filter(keys="other2023")
    assert plain.as_read() is plain  # nothing to inherit: the same library
    listed = CliRunner().invoke(app, ["list", "--library", str(path), "--year", "2022"])
    assert listed.exit_code == 0
    [row] = [line for line in listed.stdout.splitlines() if line.startswith(paper)]
    assert row.split()[1:3] == ["2022", "NeurIPS"]
