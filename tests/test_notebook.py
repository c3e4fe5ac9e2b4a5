"""Notebook helpers: to_dataframe (pandas, optional), _repr_html_, Entry.bibtex and cite."""

from __future__ import annotations

import sys

import pytest

from llm4anno_bib.errors import Llm4AnnoBibError
from llm4anno_bib.model import Entry


def test_to_dataframe_has_a_row_per_entry(library):
    pandas = pytest.importorskip("pandas", reason="pandas is the optional 'notebook' extra")
    frame = library.to_dataframe()
    assert isinstance(frame, pandas.DataFrame) and len(frame) == len(library)
    assert list(frame["key"]) == [e.key for e in library]
    wei = frame.loc["wei2022chain"]
    assert wei["year"] == 2022 and wei["venue_acronym"] == "NeurIPS"
    assert wei["authors"][0] == "Jason Wei" and wei["arxiv_id"] == "2201.11903"
    cot = library.filter(category="chain-of-thought-prompting-cot").to_dataframe()
    assert set(cot["key"]) < set(frame["key"])
    assert frame["categories"].map(len).min() >= 0


def test_to_dataframe_without_pandas_says_how_to_get_it(library, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # what an environment without it sees
    with pytest.raises(Llm4AnnoBibError, match=r"llm4anno-bib\[notebook\]"):
        library.to_dataframe()


def test_html_repr_is_a_table_with_links_and_escaped_text(library):
    html = library.filter(category="surveys")._repr_html_()
    assert html.startswith("<p>selection of 5 of 76 entries") and html.count("<tr>") == 1 + 5
    assert library._repr_html_().startswith("<table>")
    assert '<a href="https://arxiv.org/pdf/2303.18223.pdf">pdf</a>' in html
    hostile = Entry.from_fields("x", "misc", {"title": "<script>alert(1)</script>",
                                              "url": 'https://e.org/"onmouseover="x'})
    row = hostile._repr_html_()
    assert "<script>" not in row and "&lt;script&gt;" in row
    assert '"onmouseover' not in row


def test_entry_bibtex_and_cite(library):
    entry = library["wei2022chain"]
    assert entry.bibtex.startswith("@inproceedings{wei2022chain,\n")
    assert entry.cite(style="plain").startswith("Jason Wei, Xuezhi Wang, Dale Schuurmans")
    assert entry.cite(backend="html").count("<") > 0


def test_a_frame_resets_its_index_and_a_notebook_completes_keys(library):
    pytest.importorskip("pandas", reason="pandas is the optional 'notebook' extra")
    frame = library.to_dataframe()
    assert list(frame.reset_index()["key"]) == [e.key for e in library]
    assert "wei2022chain" in library._ipython_key_completions_()


def test_an_entry_shows_its_authors_categories_and_bibtex(library):
    html = library["tan2024large"]._repr_html_()
    assert "Zhen Tan, Dawei Li" in html and "et al." in html
    assert "surveys" not in html or "<td>" in html
    assert "<details><summary>BibTeX</summary><pre>@article{tan2024large," in html \
        or "<pre>@inproceedings{tan2024large," in html
    assert library.filter(year=1900)._repr_html_().endswith("<p>No entries.</p>")


def test_stats_verify_and_cite_results_display_and_convert(library, tmp_path):
    import llm4anno_bib

    stats = library.stats()
    assert "<table>" in stats._repr_html_() and "76 works" in stats._repr_html_()
    refs = tmp_path / "refs.bib"
    wrong_year = library["wei2022chain"].replace(year="2021").bibtex
    refs.write_text(wrong_year, encoding="utf-8")
    report = llm4anno_bib.verify(refs)
    assert "disagrees" in report._repr_html_() and "year" in report._repr_html_()
    import json

    assert json.loads(report.to_json())["summary"]["disagrees"] == 1 == \
        report.to_dict()["summary"]["disagrees"]
    aux = tmp_path / "p.aux"
    aux.write_text("\\citation{Wei2022Chain,nobody2020x}\n", encoding="utf-8")
    cited = llm4anno_bib.cite(aux)
    assert cited.case_only == {"Wei2022Chain": "wei2022chain"}
    assert "nobody2020x" in cited._repr_html_() and "1 cited" in cited._repr_html_()
    pandas = pytest.importorskip("pandas", reason="pandas is the optional 'notebook' extra")
    counts = stats.to_dataframe()
    assert set(counts["dimension"]) == {"category", "year", "venue"}
    assert counts[counts["dimension"] == "year"]["works"].sum() == len(library)
    findings = report.to_dataframe()
    assert list(findings["field"]) == ["year"] and isinstance(findings, pandas.DataFrame)
    assert list(cited.to_dataframe()["key"]) == ["Wei2022Chain"]


@pytest.mark.slow
def test_a_library_formats_all_its_references_at_once(library):
    refs = library.cite(style="alpha")
    assert list(refs) == [e.key for e in library]
    assert refs["wei2022chain"] == library["wei2022chain"].cite(style="alpha")
