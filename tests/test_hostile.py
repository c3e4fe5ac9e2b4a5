"""Hostile metadata and responses: LaTeX that would run or read things is made text, the
exported .bib compiles and runs nothing; redirects only to https on known hosts; oversized
answers and feeds with a DTD are refused."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from llm4anno_bib.enrich import arxiv_fields, published_fields
from llm4anno_bib.errors import SourceError, SourceWarning
from llm4anno_bib.model import Entry, Library
from llm4anno_bib.sources import Politeness, make_session
from llm4anno_bib.sources.acl import AclClient
from llm4anno_bib.sources.arxiv import ArxivClient

from conftest import FAST
from source_server import Fault

# (braces balanced: a record whose braces do not balance cannot be parsed, and is refused)
HOSTILE_TITLE = ("Pwned \\immediate\\write18{touch PWNED} \\input{/etc/hostname} "
                 "\\catcode`\\^=12 50% #1 & a_b $x ^^5cinput \x07bell")
HOSTILE_BIB = ("@inproceedings{evil,\n  title = {" + HOSTILE_TITLE + "},\n"
               "  author = {Mallory \\def\\x{y} Evil and Eve \\openout1=leak},\n"
               "  booktitle = {Proceedings \\write18{id}},\n  year = {2019},\n"
               "  url = {https://aclanthology.org/N19-1421/},\n}\n")


def _compile(tmp_path, bib_text: str) -> None:
    if shutil.which("pdflatex") is None or shutil.which("bibtex") is None:
        pytest.skip("pdflatex and bibtex are not installed (.ci/run installs TeX Live)")
    (tmp_path / "refs.bib").write_text(bib_text, encoding="utf-8")
    (tmp_path / "paper.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{url}\n"
        "\\begin{document}\n\\nocite{*}\n\\bibliographystyle{plain}\n\\bibliography{refs}\n"
        "\\end{document}\n", encoding="utf-8")
    for command in (["pdflatex", "-interaction=nonstopmode", "-shell-escape", "paper.tex"],
                    ["bibtex", "paper"],
                    ["pdflatex", "-interaction=nonstopmode", "-shell-escape", "paper.tex"]):
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout[-3000:]
    assert not (tmp_path / "PWNED").exists()  # even with shell escape on, nothing ran
    log = (tmp_path / "paper.log").read_text(encoding="latin-1")
    assert "runsystem" not in log and "/etc/hostname" in (tmp_path / "paper.bbl").read_text(
        encoding="utf-8")  # it is printed as text, not read


def test_a_hostile_published_record_is_made_harmless_and_compiles(server, tmp_path):
    server.fail_next("/acl/N19-1421.bib", Fault(status=200, body=HOSTILE_BIB.encode(),
                                                 content_type="text/plain"))
    record = AclClient(make_session(tmp_path / "c"), server.acl_url,
                       politeness=FAST).fetch_bib("N19-1421")
    fields = published_fields(record)
    for value in (fields["title"], fields["author"], fields["booktitle"]):
        for macro in ("\\immediate", "\\write18", "\\input", "\\catcode", "\\def",
                      "\\openout"):
            assert macro not in value.replace("\\textbackslash{}", "")
        assert "\x07" not in value and "^^" not in value
    entry = Entry.from_fields("evil2019pwned", "inproceedings", fields)
    _compile(tmp_path, Library([entry]).to_bibtex())


def test_a_hostile_arxiv_title_is_escaped(server, tmp_path):
    feed = server.answer("/arxiv/api/query", {"id_list": ["2201.11903"], "max_results": ["1"]})[2]
    start = feed.index(b"<title>", feed.index(b"<entry>")) + len(b"<title>")
    end = feed.index(b"</title>", start)
    hostile = HOSTILE_TITLE.replace("&", "&amp;").replace("\x07", "").encode()
    server.fail_next("/arxiv", Fault(status=200, body=feed[:start] + hostile + feed[end:],
                                     content_type="application/atom+xml"))
    record = ArxivClient(make_session(tmp_path / "c"), server.arxiv_url,
                         politeness=FAST).fetch_ids(["2201.11903"])["2201.11903"]
    entry = Entry.from_fields("wei2022pwned", "misc", arxiv_fields(record))
    assert "\\input{" not in entry.fields["title"]
    _compile(tmp_path, Library([entry]).to_bibtex())


def test_redirects_lead_only_to_https_on_known_hosts(server, tmp_path):
    client = AclClient(make_session(tmp_path / "c"), server.acl_url, politeness=FAST)
    server.fail_next("/acl/N19-1421.bib", Fault(status=302, headers={
        "Location": "http://evil.example/N19-1421.bib"}, body=b""))
    with pytest.raises(SourceError, match="redirected to http://evil.example/N19-1421.bib"):
        client.fetch_bib("N19-1421")
    server.fail_next("/acl/N19-1421.bib", Fault(status=301, headers={
        "Location": "https://aclanthology.org.evil.example/x"}, body=b""))
    with pytest.raises(SourceError, match="not an https address of a known host"):
        client.fetch_bib("N19-1421")
    # a redirect within the configured host (a mirror moving a file) is followed
    server.fail_next("/acl/old/N19-1421.bib", Fault(status=301, headers={
        "Location": "/acl/N19-1421.bib"}, body=b""))
    moved = AclClient(make_session(tmp_path / "c2"), server.acl_url + "/old", politeness=FAST)
    assert moved.fetch_bib("N19-1421").year == 2019


def test_an_answer_over_the_size_limit_is_refused_and_not_kept(server, tmp_path):
    small = Politeness(delay=0, retries=0, timeout=5, max_bytes=200)
    session = make_session(tmp_path / "c")
    with pytest.raises(SourceError, match="over the limit"):
        AclClient(session, server.acl_url, politeness=small).fetch_bib("N19-1421")
    server.reset_log()
    assert AclClient(session, server.acl_url, politeness=FAST).fetch_bib("N19-1421").year == 2019
    assert server.count("/acl/N19-1421.bib") == 1  # the refused answer was not cached


def test_a_feed_with_a_dtd_is_refused(server, tmp_path):
    body = (b'<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY x "xxxxxxxxxx">'
            b'<!ENTITY y "&x;&x;&x;&x;&x;&x;&x;&x;&x;&x;">]>\n'
            b'<feed xmlns="http://www.w3.org/2005/Atom"><title>&y;</title></feed>\n')
    server.fail_next("/arxiv", Fault(status=200, body=body, content_type="application/atom+xml"))
    client = ArxivClient(make_session(tmp_path / "c"), server.arxiv_url,
                         politeness=Politeness(delay=0, retries=0, timeout=5))
    with pytest.raises(SourceError, match="DTD"):
        client.fetch_ids(["2201.11903"])


# -- answers that would exhaust the machine ---------------------------------------------------
def _feed(server) -> bytes:
    return server.answer("/arxiv/api/query", {"id_list": ["2201.11903"], "max_results": ["1"]})[2]


def _peak_of(call) -> tuple[Exception | None, int]:
    """What ``call`` raised, and the most memory Python held while it ran."""
    import tracemalloc

    tracemalloc.start()
    try:
        call()
        raised = None
    except Exception as exc:  # noqa: BLE001 (the caller asserts on it)
        raised = exc
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return raised, peak


BOUNDED = Politeness(delay=0, retries=0, timeout=5, max_bytes=1_000_000, deadline=10)


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
@pytest.mark.slow
def test_a_compressed_bomb_is_stopped_at_the_limit_and_not_cached(server, tmp_path, encoding):
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 31 if encoding == "gzip" else 15)
    bomb = packer.compress(b" " * 200_000_000) + packer.flush()  # 200 MB from 200 KB
    server.fail_next("/arxiv", Fault(status=200, body=bomb, content_type="application/atom+xml",
                                     headers={"Content-Encoding": encoding}))
    client = ArxivClient(make_session(tmp_path / "c"), server.arxiv_url, politeness=BOUNDED)
    raised, peak = _peak_of(lambda: client.fetch_ids(["2201.11903"]))
    assert isinstance(raised, SourceError) and "over the limit of 1 MB" in str(raised)
    assert peak < 20_000_000  # inflated a chunk at a time, never all 200 MB
    server.reset_log()
    assert client.fetch_ids(["2201.11903"])["2201.11903"].arxiv_id == "2201.11903"
    assert server.count("/arxiv") == 1  # the refused answer was not kept


def test_an_answer_without_a_length_is_refused_while_it_is_read(server, tmp_path):
    server.fail_next("/arxiv", Fault(status=200, body=b"x" * 30_000_000, declare_length=False,
                                     content_type="application/atom+xml"))
    client = ArxivClient(make_session(tmp_path / "c"), server.arxiv_url, politeness=BOUNDED)
    raised, peak = _peak_of(lambda: client.fetch_ids(["2201.11903"]))
    assert isinstance(raised, SourceError) and "over the limit" in str(raised)
    assert peak < 10_000_000
    cache_file = tmp_path / "c" / "http_cache.sqlite"
    assert cache_file.stat().st_size < 1_000_000  # nothing of it went into the cache


@pytest.mark.parametrize("headers_too", [False, True], ids=["body-drips", "headers-drip"])
@pytest.mark.slow
def test_a_server_that_drips_is_cut_at_the_deadline(server, tmp_path, headers_too):
    import time

    server.fail_next("/arxiv", Fault(status=200, body=_feed(server), drip=0.2,
                                     drip_headers=headers_too,
                                     content_type="application/atom+xml"))
    slow = Politeness(delay=0, retries=0, timeout=5, deadline=1.5)
    client = ArxivClient(make_session(tmp_path / "c"), server.arxiv_url, politeness=slow)
    started = time.monotonic()
    with pytest.raises(SourceError, match="no whole answer within 1.5 s"):
        client.fetch_ids(["2201.11903"])
    assert time.monotonic() - started < 5  # a byte every 0.2 s never trips the 5 s timeout
    server.reset_log()  # (this client now fails fast: the source did not answer in this run)
    fresh = ArxivClient(make_session(tmp_path / "c"), server.arxiv_url, politeness=slow)
    assert fresh.fetch_ids(["2201.11903"])  # nothing half-read was kept
    assert server.count("/arxiv") == 1


@pytest.mark.slow
def test_a_gzip_bomb_as_the_anthology_export_is_refused_and_not_kept(server, tmp_path):
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = packer.compress(b"@" * 300_000_000) + packer.flush()
    server.fail_next("/acl/anthology.bib.gz", Fault(status=200, body=bomb,
                                                     content_type="application/gzip"))
    client = AclClient(make_session(tmp_path / "c"), server.acl_url, politeness=FAST,
                       index_dir=tmp_path / "c", inflated_limit=5_000_000)
    raised, peak = _peak_of(lambda: client.find_by_title("CommonsenseQA"))
    assert isinstance(raised, SourceError) and "inflates to over 5 MB" in str(raised)
    assert peak < 30_000_000
    assert not list((tmp_path / "c").glob("acl-*-index-*.json"))
    server.reset_log()  # the next run asks again and gets the real export
    again = AclClient(make_session(tmp_path / "c"), server.acl_url, politeness=FAST,
                      index_dir=tmp_path / "c", inflated_limit=5_000_000)
    assert again.find_by_title("CommonsenseQA: A Question Answering Challenge Targeting "
                               "Commonsense Knowledge")
    assert server.count("/acl/anthology.bib.gz") == 1


def test_a_users_hostile_links_and_latex_are_never_live_in_any_rendering():
    """A user's own file may hold a javascript: link, a quote that ends an attribute, or
    LaTeX that runs: the notebook table, the page, the list line and pybtex's references
    write them as text."""
    entry = Entry.from_fields("evil2020x", "misc", {
        "title": "X \\immediate\\write18{touch PWNED}", "author": "A B", "year": "2020",
        "url": "JaVaScRiPt:alert(1)", "pdf": 'https://x.org/" onmouseover="alert(1)',
        "code": "javascript:alert(2)"})
    library = Library([entry])
    for html in (library._repr_html_(), entry._repr_html_(), library.to_html()):
        assert 'href="javascript:' not in html.lower() and 'onmouseover="' not in html
    assert "](" not in library.export("markdown")
    assert 'href="javascript:' not in library.export("refs", backend="html").lower()
    assert "](javascript:" not in library.export("refs", backend="markdown").lower()
    latex = library.export("refs", backend="latex")
    assert "\\textbackslash{}write" in latex
    assert re.search(r"\\(immediate|write)", latex.replace("\\textbackslash{}", "")) is None


def test_no_control_character_of_a_file_reaches_the_terminal(tmp_path):
    from typer.testing import CliRunner

    from llm4anno_bib.cli import app

    path = tmp_path / "refs.bib"
    path.write_text("@misc{evil2020x,\n  title = {X \x1b]0;pwned\x07 \u202eY},\n"
                    "  author = {A B},\n  year = {2020},\n}\n", encoding="utf-8")
    runner = CliRunner()
    for args in (["list", "--library", str(path)], ["show", "evil2020x", "--library", str(path)],
                 ["export", "--library", str(path)], ["check", str(path)]):
        result = runner.invoke(app, args)
        shown = result.stdout + result.stderr
        assert "X" in shown and not {"\x1b", "\x07", "\u202e"} & set(shown), args


def test_dblp_hits_of_any_json_shape_are_read_or_left_out(server, tmp_path):
    """Every value of DBLP's search JSON is whatever the wire says: a hit whose authors,
    title, year or venue are of another JSON type is read as far as it goes (a key that is
    a DBLP key makes it a hit), never a TypeError."""
    import json

    from llm4anno_bib.sources.dblp import DblpClient

    strangers = [True, 42, None, "text", [], {}, [True], [{"text": True}], {"author": True},
                 {"author": 7}, {"author": [None, {"text": ["x"]}]}, 1.5]
    hits = [{"info": {"key": "conf/iclr/Doe24", "title": "A Paper", "year": "2024",
                      "authors": stranger, "venue": stranger, "type": stranger}}
            for stranger in strangers]
    hits += [{"info": {"key": "conf/iclr/Doe24", "title": stranger, "year": stranger,
                       "doi": stranger, "ee": stranger, "pages": stranger}}
             for stranger in strangers]
    hits += [{"info": {"key": stranger}} for stranger in strangers] + [{"info": True}, 5]
    body = json.dumps({"result": {"hits": {"hit": hits}}}).encode()
    server.fail_next("/dblp", Fault(status=200, body=body, content_type="application/json"))
    client = DblpClient(make_session(tmp_path / "c"), server.dblp_url, politeness=FAST)
    with pytest.warns(SourceWarning, match="without a valid DBLP key"):
        found = client.search("A Paper")
    assert len(found) == 2 * len(strangers)
    assert all(hit.key == "conf/iclr/Doe24" for hit in found)
    assert all(isinstance(hit.title, str) and all(isinstance(a, str) for a in hit.authors)
               for hit in found)
    assert found[0].authors == () and found[0].venue == ""  # True is no author nor venue
    # a number or a word may be a page ("42", "xii"); lists, objects, booleans are none
    assert all(hit.pages is None or re.fullmatch(r"[A-Za-z0-9:.,\- ]+", hit.pages)
               for hit in found) and found[len(strangers)].pages is None  # True
