"""One notion of "the same work": ``ids.identities`` and every reader that asks it."""

from __future__ import annotations

import pytest

from llm4anno_bib import load
from llm4anno_bib.checking import check_text
from llm4anno_bib.errors import InvalidIdentifier
from llm4anno_bib.ids import (
    anthology_id_in, arxiv_id_in, doi_in, identities, identity, identity_label, parse_identifier,
)
from llm4anno_bib.merge import merge_into
from llm4anno_bib.model import Entry, Library
from llm4anno_bib.verifying import verify_text

from conftest import ROOT


@pytest.mark.parametrize("fields, expected", [
    ({"eprint": "2201.11903", "archiveprefix": "arXiv"}, "2201.11903"),
    ({"eprint": "2201.11903v6", "eprinttype": "arxiv"}, "2201.11903"),
    ({"eprint": "2201.11903"}, "2201.11903"),  # no prefix, but arXiv's grammar
    ({"eprint": "hep-th/9901001", "archiveprefix": "arXiv"}, "hep-th/9901001"),
    ({"journal": "arXiv preprint arXiv:2201.11903"}, "2201.11903"),
    ({"howpublished": "\\url{https://arxiv.org/abs/2201.11903v2}"}, "2201.11903"),
    ({"url": "https://arxiv.org/pdf/2201.11903.pdf"}, "2201.11903"),
    ({"doi": "10.48550/arXiv.2201.11903"}, "2201.11903"),
    ({"doi": "https://doi.org/10.48550/ARXIV.2201.11903"}, "2201.11903"),
    ({"eprint": "12345678", "eprinttype": "pubmed"}, None),
    ({"journal": "Nature 2201.11903"}, None),  # digits that are not said to be arXiv's
    ({"note": "arXiv:2213.00001"}, None),  # no 13th month
    # Semantic Scholar: its "ArXiv" journal with DBLP's "abs/" volume
    ({"journal": "ArXiv", "volume": "abs/2201.11903"}, "2201.11903"),
    ({"journal": "Nature", "volume": "abs/2201.11903"}, None),
    # NASA ADS: "arXiv e-prints" with the id as its eid and pages
    ({"journal": "arXiv e-prints", "eid": "arXiv:2201.11903", "pages": "arXiv:2201.11903"},
     "2201.11903"),
    ({"arxivid": "2201.11903v2"}, "2201.11903"),  # Mendeley
    ({"journaltitle": "arXiv preprint arXiv:2201.11903"}, "2201.11903"),  # biblatex
    ({"number": "arXiv:2201.11903"}, "2201.11903"),
    ({"pages": "2201--11903"}, None),
])
def test_the_arxiv_id_is_found_wherever_an_entry_carries_it(fields, expected):
    assert arxiv_id_in(fields) == expected


@pytest.mark.parametrize("fields, expected", [
    ({"doi": "10.18653/V1/N19-1421"}, "10.18653/v1/n19-1421"),
    ({"doi": "https://doi.org/10.1000/ABC"}, "10.1000/abc"),
    ({"doi": "http://dx.doi.org/10.1000/abc"}, "10.1000/abc"),
    ({"doi": "doi:10.1000/abc"}, "10.1000/abc"),
    ({"url": "https://doi.org/10.1000/abc"}, "10.1000/abc"),
    ({"url": "https://example.org/10.1000/abc"}, None),  # a URL that only contains one
    ({"doi": "n/a"}, None),
])
def test_a_doi_is_the_same_in_any_form(fields, expected):
    assert doi_in(fields) == expected


@pytest.mark.parametrize("fields, expected", [
    ({"anthology": "2023.acl-long.304"}, "2023.acl-long.304"),
    ({"url": "https://aclanthology.org/N19-1421.pdf"}, "N19-1421"),
    ({"doi": "10.18653/v1/2023.acl-long.304"}, "2023.acl-long.304"),
    ({"url": "https://doi.org/10.18653/v1/n19-1421"}, "N19-1421"),
    ({"doi": "10.1162/coli_a_00001"}, None),
])
def test_the_anthology_id_is_found_in_its_field_url_or_doi(fields, expected):
    assert anthology_id_in(fields) == expected


def test_identity_keys_are_normalised_and_labelled():
    assert identity("doi", "https://doi.org/10.1/X") == "doi:10.1/x"
    assert identity("title", "On {BERT}: a Study") == identities({}, "On BERT -- a study")[0]
    assert [identity_label(k) for k in ("arxiv:1", "doi:1", "acl:1", "title:x")] == \
        ["arXiv id", "DOI", "Anthology id", "title"]


@pytest.mark.parametrize("text, expected", [
    ("https://arxiv.org/abs/2201.11903v6", ("arxiv", "2201.11903")),
    ("10.48550/arXiv.2201.11903", ("arxiv", "2201.11903")),
    ("https://doi.org/10.18653/v1/2023.acl-long.304", ("acl", "2023.acl-long.304")),
    ("doi:10.1145/3442188.3445922.", ("doi", "10.1145/3442188.3445922")),
    ("10.1145/ABC.Def", ("doi", "10.1145/ABC.Def")),  # sources are asked as it is written
    ("N19-1421", ("acl", "N19-1421")),
    # pages naming their article without a "/doi/" folder (each was no identifier)
    ("https://www.nature.com/articles/s41586-023-06291-2", ("doi", "10.1038/s41586-023-06291-2")),
    ("https://www.nature.com/articles/nature14539.pdf", ("doi", "10.1038/nature14539")),
    ("https://www.biorxiv.org/content/10.1101/2023.01.01.123456v1", ("doi",
                                                                    "10.1101/2023.01.01.123456")),
    ("https://www.medrxiv.org/content/10.1101/2020.04.27.20081737v2.full.pdf",
     ("doi", "10.1101/2020.04.27.20081737")),
])
def test_an_identifier_a_user_types_is_read(text, expected):
    assert parse_identifier(text) == expected


@pytest.mark.parametrize("text", ["", "hello", "10.1000/a},note={x", "arXiv:2213.00001",
                                  "https://www.nature.com/subjects/machine-learning",
                                  "https://www.nature.com/articles/s41586},x={"])
def test_what_is_no_identifier_is_refused(text):
    with pytest.raises(InvalidIdentifier):
        parse_identifier(text)


# One work written two ways: a DOI field and a doi.org URL; an eprint and an arXiv note.
_TWO_WAYS = [
    ('@article{a, title={Alpha}, doi={10.1000/ABC}}',
     '@article{b, title={Beta}, url={https://doi.org/10.1000/abc}}', "DOI"),
    ('@article{a, title={Alpha}, doi={https://doi.org/10.1000/abc}}',
     '@article{b, title={Beta}, doi={10.1000/ABC}}', "DOI"),
    ('@misc{a, title={Alpha}, eprint={2201.11903}, archiveprefix={arXiv}}',
     '@article{b, title={Beta}, journal={arXiv preprint arXiv:2201.11903}}', "arXiv id"),
    ('@inproceedings{a, title={Alpha}, url={https://aclanthology.org/N19-1421}}',
     '@inproceedings{b, title={Beta}, doi={10.18653/v1/N19-1421}}', "Anthology id"),
]


@pytest.mark.parametrize("first, second, label", _TWO_WAYS)
def test_check_and_export_into_see_the_same_duplicates(tmp_path, first, second, label):
    problems = [p for p in check_text(first + "\n" + second) if p.code == "same-work"]
    assert len(problems) == 1 and f"same {label}" in problems[0].message

    target = tmp_path / "refs.bib"
    target.write_text(first + "\n", encoding="utf-8")
    ours = Library([Entry.from_fields("b", *_type_and_fields(second))])
    result = merge_into(ours, target)
    assert result.added == () and f"same {label}" in result.skipped[0].reason


@pytest.mark.parametrize("first, second, label", _TWO_WAYS)
def test_verify_matches_by_the_same_identities(first, second, label):
    library = Library([Entry.from_fields("a", *_type_and_fields(first))])
    report = verify_text(second, library)
    assert report.entries[0].matched == "a"


def _type_and_fields(text: str) -> tuple[str, dict[str, str]]:
    from llm4anno_bib.bibfile import parse_entries

    entry = parse_entries(text, "<test>").entries[0]
    return entry.entry_type, dict(entry.fields)


def test_every_entry_of_the_shipped_library_has_its_own_identities():
    library = load(ROOT / "library.bib")
    owner: dict[str, str] = {}
    for entry in library:
        for key in entry.identifiers():
            assert owner.setdefault(key, entry.key) == entry.key, key
        assert any(k.startswith(("arxiv:", "doi:", "acl:")) for k in entry.identifiers()) \
            or "*" in entry.curated, entry.key
