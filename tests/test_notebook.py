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
    assert html.startswith("<table>") and html.count("<tr>") == 1 + 5
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
