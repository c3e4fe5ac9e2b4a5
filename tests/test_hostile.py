"""Hostile metadata and responses: LaTeX that would run or read things is made text, the
exported .bib compiles and runs nothing; redirects only to https on known hosts; oversized
answers and feeds with a DTD are refused."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from llm4anno_bib.enrich import arxiv_fields, published_fields
from llm4anno_bib.errors import SourceError
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
