"""The one resolution rule, asked directly: what build, add and update each rely on."""

from __future__ import annotations

from llm4anno_bib.resolution import Known, Resolution, resolve, source_label

from conftest import connect


def test_a_preprint_is_upgraded_to_its_published_version(server, tmp_path, needs_dblp):
    sources = connect(server, tmp_path / "c")
    preprint = sources.arxiv.fetch_ids(["2305.18290"])["2305.18290"]  # DPO
    resolution = resolve(Known(preprint=preprint), sources)
    assert resolution.upgraded and resolution.published is not None
    assert resolution.published.source == "dblp" and resolution.published.year == 2023
    assert resolution.labels == (source_label(resolution.published), "arXiv 2305.18290")
    fields = resolution.labelled_fields()
    assert fields["booktitle"][1].startswith("DBLP ") and fields["eprint"] == \
        ("2305.18290", "arXiv 2305.18290")
    assert resolution.entry_type == "inproceedings" and "howpublished" not in fields


def test_a_published_record_finds_its_preprint(server, tmp_path):
    sources = connect(server, tmp_path / "c")
    published = sources.acl.fetch_bib("2022.emnlp-main.801")
    resolution = resolve(Known(subject="the test", published=published), sources)
    assert resolution.preprint is not None and resolution.preprint.arxiv_id == "2202.07922"
    assert not resolution.upgraded  # nothing was searched from the preprint
    assert resolution.fields()["anthology"] == "2022.emnlp-main.801"


def test_records_of_two_works_are_not_both_used(server, tmp_path):
    sources = connect(server, tmp_path / "c")
    preprint = sources.arxiv.fetch_ids(["2201.11903"])["2201.11903"]
    published = sources.acl.fetch_bib("D19-1250")
    resolution = resolve(Known(preprint=preprint, published=published), sources)
    assert resolution.preprint is None and resolution.published is published
    assert "not the same work" in resolution.conflicts[0]
    assert "eprint" not in resolution.fields()


def test_only_what_is_asked_for_is_searched(server, tmp_path):
    sources = connect(server, tmp_path / "c")
    preprint = sources.arxiv.fetch_ids(["2202.07922"])["2202.07922"]
    before = dict(sources.real_requests)
    resolution = resolve(Known(preprint=preprint), sources, look_for=("preprint",))
    assert resolution.published is None and dict(sources.real_requests) == before
    assert resolution.entry_type == "misc"
    assert resolution.fields()["howpublished"] == "arXiv preprint arXiv:2202.07922"
    # a published entry whose record is missing keeps its own fields: eprint ones only
    assert set(resolution.labelled_fields(as_preprint=False)) == {"eprint", "archiveprefix",
                                                                   "primaryclass"}


def test_nothing_known_is_nothing_found_without_asking(server, tmp_path):
    sources = connect(server, tmp_path / "c")
    resolution = resolve(Known(), sources)
    assert resolution == Resolution(None, None) and not resolution.found
    assert sum(sources.real_requests.values()) == 0
