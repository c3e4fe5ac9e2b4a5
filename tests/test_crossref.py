"""Crossref: the client against the recordings (types, fields, unknown DOIs, faults, hostile
answers, the polite-pool contact), LLM4ANNO_BIB_DELAY, and what it gives the library: add,
update and the build cite the works it holds at their version of record."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.adding import add_work
from llm4anno_bib.cli import app
from llm4anno_bib.errors import InvalidIdentifier, Llm4AnnoBibError, SourceError, SourceWarning
from llm4anno_bib.inert import latex_hazards
from llm4anno_bib.resolution import Known, resolve
from llm4anno_bib.sources import Sources
from llm4anno_bib.sources._http import make_session
from llm4anno_bib.sources.crossref import CrossrefClient
from llm4anno_bib.updating import update_library

from conftest import FAST, ROOT, connect, server_env
from source_server import FIXTURES, Fault

RECORDED = {path.name: json.loads(path.read_text(encoding="utf-8"))["message"]
            for path in sorted((FIXTURES / "crossref").glob("*.json"))}
CSUR, IUI = "10.1145/3560815", "10.1145/3581641.3584059"
ECIR, JCSS = "10.1007/978-3-031-56060-6_24", "10.1007/s42001-024-00345-9"


def _recorded(doi: str) -> dict:
    return next(work for work in RECORDED.values() if work["DOI"] == doi)


@pytest.fixture
def client(server, tmp_path):
    return CrossrefClient(make_session(tmp_path / "c"), server.crossref_url, politeness=FAST)


@pytest.mark.parametrize(("doi", "entry_type", "venue_field"), [
    (CSUR, "article", "journal"), (JCSS, "article", "journal"),
    (IUI, "inproceedings", "booktitle"), (ECIR, "inproceedings", "booktitle"),
])
def test_each_recorded_work_becomes_its_bibtex_record(client, doi, entry_type, venue_field):
    work = _recorded(doi)
    record = client.work(doi)
    assert record is not None and (record.source, record.ident) == ("crossref", doi)
    assert record.entry_type == entry_type and record.title == work["title"][0]
    assert record.fields["doi"] == doi and record.fields["url"] == work["URL"]
    assert record.year == work["issued"]["date-parts"][0][0]
    assert record.authors == tuple(f"{a['given']} {a['family']}" for a in work["author"])
    assert record.fields[venue_field] == work["container-title"][-1]
    assert record.fields.get("volume") == work.get("volume")
    assert record.fields.get("number") == work.get("issue")
    assert record.fields.get("pages") == (work["page"].replace("-", "--")
                                          if "page" in work else None)
    assert "abstract" not in record.fields and "month" not in record.fields


def test_a_chapter_in_a_proceedings_series_is_cited_with_series_and_volume(client):
    record = client.work(f"https://doi.org/{ECIR}")  # a doi.org URL is a DOI too
    assert record is not None
    assert record.fields["series"] == "Lecture Notes in Computer Science"
    assert record.fields["volume"] == "14609"
    assert "European Conference on Information Retrieval" in record.fields["booktitle"]


def test_an_unknown_doi_is_none_and_asked_again_next_time(client, server):
    assert client.work("10.1145/3560816") is None
    assert client.work("10.1145/3560816") is None
    assert server.count("/crossref/works/") == 2  # a 404 is never cached


def test_a_known_answer_is_cached(client, server):
    assert client.work(CSUR) == client.work(CSUR)
    assert server.count("/crossref/") == 1


def test_the_title_search_finds_the_work_and_nothing_for_other_titles(client):
    found = client.search("Large Language Models are Zero-Shot Rankers for Recommender Systems")
    assert [r.ident for r in found] == [ECIR]
    assert client.search("Emergent Abilities of Large Language Models") == []


def test_text_that_is_no_doi_is_refused_before_asking(client, server):
    with pytest.raises(InvalidIdentifier, match="is not a DOI"):
        client.work("10.1/x},note={\\write18{id}}")
    assert server.requests == []


def test_an_overloaded_crossref_is_retried_then_an_error(client, server):
    server.fail_next("/crossref/", Fault(status=503), times=FAST.retries + 1)
    with pytest.raises(SourceError, match="HTTP 503") as caught:
        client.work(CSUR)
    assert caught.value.source == "Crossref"
    assert server.count("/crossref/") == FAST.retries + 1


@pytest.mark.parametrize("body", [b"<html>not json</html>", b'{"status": "ok"}',
                                  b'{"message-type": "work-list", "message": {}}'])
def test_an_answer_that_is_not_a_crossref_work_is_an_error_and_not_cached(client, server,
                                                                         body):
    server.fail_next("/crossref/", Fault(status=200, body=body,
                                         content_type="application/json"))
    with pytest.raises(SourceError):
        client.work(CSUR)
    assert client.work(CSUR) is not None  # asked again: the refused answer was not kept
    assert server.count("/crossref/") == 2


def _hostile_work() -> dict:
    work = json.loads(json.dumps(_recorded(CSUR)))
    work["title"] = ["A <i>study</i> of $\\UseName{write}18{id}$ &amp; {braces}}"]
    work["author"][0] = {"given": "Ann", "family": "Smith and Jones"}
    work["author"][1] = {"given": "Bo}, title = {x", "family": "Lee\r\nX-Injected: 1"}
    work["URL"] = "javascript:alert(1)"
    work["page"] = "1}--35"
    work["container-title"] = ["ACM Computing Surveys\\immediate\\write18{touch x}"]
    return work


def test_a_hostile_work_is_made_inert_field_by_field(client, server):
    answer = {"status": "ok", "message-type": "work", "message": _hostile_work()}
    server.fail_next("/crossref/", Fault(status=200, body=json.dumps(answer).encode(),
                                         content_type="application/json"))
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        record = client.work(CSUR)
    assert record is not None
    for name, value in record.fields.items():
        assert latex_hazards(value) == [], (name, value)
    assert "<i>" not in record.fields["title"] and "study" in record.title
    assert "& {braces}}" in record.title  # the entity is read, the braces stay text
    assert "url" not in record.fields and "pages" not in record.fields
    # "and" inside a family name does not split the name: still one author per person
    assert record.fields["author"].startswith("{Smith and Jones}, Ann and ")
    assert len(record.authors) == len(_recorded(CSUR)["author"])
    assert "\n" not in record.fields["author"] and "\r" not in record.fields["author"]


def test_a_work_without_a_valid_doi_or_title_is_left_out_of_a_search(client, server):
    bad = json.loads(json.dumps(_recorded(ECIR)))
    bad["DOI"] = "10.1/x},note={y"
    untitled = json.loads(json.dumps(_recorded(IUI)))
    untitled["title"] = ["<b></b>"]
    preprint = json.loads(json.dumps(_recorded(IUI)))
    preprint["type"] = "posted-content"
    answer = {"status": "ok", "message-type": "work-list",
              "message": {"items": [bad, untitled, preprint, _recorded(CSUR)]}}
    server.fail_next("/crossref/", Fault(status=200, body=json.dumps(answer).encode(),
                                         content_type="application/json"))
    with pytest.warns(SourceWarning, match="without a valid DOI or title"):
        found = client.search("anything at all")
    assert [r.ident for r in found] == [CSUR]


def test_the_contact_goes_in_the_user_agent_and_must_be_an_address(server, tmp_path,
                                                                   monkeypatch):
    session = make_session(tmp_path / "c")
    CrossrefClient(session, server.crossref_url, politeness=FAST,
                   mailto="maintainer@example.org").work(CSUR)
    assert "mailto:maintainer@example.org" in server.requests[-1].user_agent
    assert "llm4anno-bib" in server.requests[-1].user_agent
    monkeypatch.setenv("LLM4ANNO_BIB_MAILTO", "a@example.org\r\nX-Injected: 1")
    with pytest.raises(InvalidIdentifier, match="LLM4ANNO_BIB_MAILTO"):
        CrossrefClient(session, server.crossref_url)


def test_delay_sets_every_sources_gap_and_a_bad_value_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("LLM4ANNO_BIB_DELAY", "0.25")
    sources = Sources.connect(tmp_path / "c", offline=True)
    clients = (sources.arxiv, sources.acl, sources.dblp, sources.crossref)
    assert [c.politeness.delay for c in clients] == [0.25] * 4
    assert [c._gate.delay for c in clients] == [0.25] * 4
    monkeypatch.delenv("LLM4ANNO_BIB_DELAY")
    defaults = Sources.connect(tmp_path / "c", offline=True)
    assert defaults.arxiv.politeness.delay == 3.0 and defaults.crossref.politeness.delay == 1.0
    for value in ("fast", "-1", "nan", "1e9"):
        monkeypatch.setenv("LLM4ANNO_BIB_DELAY", value)
        with pytest.raises(Llm4AnnoBibError, match="LLM4ANNO_BIB_DELAY"):
            Sources.connect(tmp_path / "c", offline=True)


def test_the_cli_names_a_bad_delay_and_changes_nothing(shipped_copy, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LLM4ANNO_BIB_DELAY", "soon")
    before = shipped_copy.read_bytes()
    result = CliRunner().invoke(app, ["update", "--yes", "--offline"])
    assert result.exit_code == 2 and "LLM4ANNO_BIB_DELAY" in result.output
    assert shipped_copy.read_bytes() == before


def test_a_work_renamed_on_arxiv_is_found_by_part_of_its_title(server, tmp_path):
    sources = connect(server, tmp_path / "c")
    published = sources.acl.fetch_bib("2023.findings-acl.247")
    assert "Secretly" in published.title
    resolution = resolve(Known(published=published), sources, look_for=("preprint",))
    assert resolution.preprint is not None and resolution.preprint.arxiv_id == "2212.10559"
    assert "Implicitly" in resolution.preprint.title


def test_add_by_a_publishers_doi_cites_the_crossref_record_with_its_preprint(server, tmp_path):
    shipped = llm4anno_bib.load(ROOT / "library.bib")
    library = shipped.with_entries([e for e in shipped if e.key != "liu2021pre"])
    result = add_work(library, CSUR, ["Surveys"], connect(server, tmp_path / "c"))
    entry = result.entry
    assert result.added and entry.entry_type == "article"
    assert entry.fields["journal"] == "ACM Computing Surveys" and entry.doi == CSUR
    assert entry.arxiv_id == "2107.13586"  # the preprint, found by title on arXiv
    listed = {name: value for name, value in shipped["liu2021pre"].fields.items()
              if name != "pdf"}  # the list's own link is the list's, not a source's
    assert dict(entry.fields) == listed


def _as_preprint(library, key: str, arxiv_id: str):
    """``library`` with ``key`` cited as its arXiv preprint again."""
    entry = library[key]
    fields = {k: v for k, v in entry.fields.items()
              if k in ("title", "author", "year", "eprint", "archiveprefix", "primaryclass",
                       "keywords", "pdf", "code")}
    fields |= {"howpublished": f"arXiv preprint arXiv:{arxiv_id}",
               "url": f"https://arxiv.org/abs/{arxiv_id}", "year": "2023"}
    preprint = llm4anno_bib.Entry.from_fields(key, "misc", fields)
    return library.with_entries([preprint if e.key == key else e for e in library])


def test_update_upgrades_a_preprint_that_crossref_holds(server, tmp_path, library):
    preprinted = _as_preprint(library, "hou2023large", "2305.08845")
    result = update_library(preprinted, connect(server, tmp_path / "c"), keys=["hou2023large"])
    after = result.library["hou2023large"]
    assert after.entry_type == "inproceedings" and after.doi == ECIR
    assert after.fields["series"] == "Lecture Notes in Computer Science"
    sources = {change.source for change in result.entries[0].changes}
    assert f"Crossref {ECIR}" in sources


def test_update_rechecks_a_crossref_entry_by_its_doi(server, tmp_path, library):
    result = update_library(library, connect(server, tmp_path / "c"), keys=["liu2021pre"])
    assert result.entries[0].status == "unchanged"
    assert server.count(f"/crossref/works/{CSUR}") == 1
    assert server.count("/crossref/works", **{"query.bibliographic": "x"}) == 0


@pytest.mark.slow
def test_add_by_doi_as_a_real_process(server, tmp_path, shipped_copy):
    shipped = llm4anno_bib.load(shipped_copy)
    shipped.with_entries([e for e in shipped if e.key != "hou2023large"]).save(shipped_copy)
    done = subprocess.run([sys.executable, "-m", "llm4anno_bib", "add", ECIR, "-c", "Target"],
                          cwd=tmp_path, env=server_env(server, tmp_path / "c"),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    added = llm4anno_bib.load(shipped_copy)[done.stdout.strip()]
    assert added.doi == ECIR and added.arxiv_id == "2305.08845"


@pytest.mark.parametrize(("key", "doi"), [("wu2023scattershot", IUI), ("hou2023large", ECIR),
                                          ("liu2021pre", CSUR), ("alizadeh2023open", JCSS)])
def test_the_shipped_library_cites_crossrefs_works_at_their_version_of_record(library, key,
                                                                              doi):
    entry, work = library[key], _recorded(doi)
    assert entry.doi == doi and entry.year == work["issued"]["date-parts"][0][0]
    assert entry.entry_type != "misc" and "howpublished" not in entry.fields
    assert entry.fields.get("volume") == work.get("volume")
    assert entry.fields.get("pages") == (work["page"].replace("-", "--") if "page" in work
                                         else None)
    assert entry.arxiv_id  # the preprint stays, as eprint
    corrections = {c.kind for c in library.corrections(key=key)}
    assert "unverified-venue" not in corrections


def test_only_works_no_recorded_source_holds_stay_flagged(library):
    flagged = {c.key for c in library.corrections() if c.kind == "unverified-venue"}
    assert flagged == {"wei2022emergent"}  # TMLR: OpenReview is no recorded source
    assert library["dai2023gpt"].arxiv_id == "2212.10559"
    assert library["alizadeh2023open"].fields["journal"] == "Journal of Computational Social Science"
    assert ("alizadeh2023open", "published") in {(c.key, c.kind) for c in library.corrections()}

