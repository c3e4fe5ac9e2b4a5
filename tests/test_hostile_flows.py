"""A hostile source, end to end: the ACL Anthology and arXiv answer with every payload of the
hostile-source report (and variants) for one paper; ``add``, ``update --yes`` (a real
process), ``export --into`` and every export format take it in; the results are compiled with
``-shell-escape`` under BibTeX and Biber. Nothing runs (no file appears), no local file's
content reaches a PDF, no control character reaches the terminal, and ``check`` calls the
result clean while it calls the raw payloads unsafe. A control run compiles the raw payloads
to show the test can fail."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.checking import check_bytes
from llm4anno_bib.cli import app
from llm4anno_bib.errors import SourceWarning

from conftest import FAST, ROOT
from source_server import FIXTURES, SHARED_DBLP, Recordings, SourceServer

SECRET = "SECRET-7f3a9c-CONTENT"
KEY = "talmor2019commonsenseqa"  # published in the Anthology: its record is hostile
UPDATED = "petroni2019language"  # its Anthology record keeps the title, the rest is hostile
ARXIV_ONLY = ("dong2023raft", "2304.06767")  # a preprint: its arXiv feed is hostile


def _payload_record(secret: Path) -> str:
    """The Anthology's N19-1421 record with a payload in every field (quoted values, as
    the Anthology writes them)."""
    return (
        "@inproceedings{talmor-etal-2019-commonsenseqa,\n"
        f'    title = "CommonsenseQA $\\UseName{{immediate}}\\UseName{{write}}18{{touch PWNED-title}}$ '
        f'and $\\pdffiledump offset 0 length 21 {{{secret}}}$ \\input{{{secret}}} '
        '\x1b]0;pwned\x07",\n'
        '    author = "Talmor, Alon  and Herzig, Jonathan '
        '$\\UseName{immediate}\\UseName{write}18{touch PWNED-author}$",\n'
        '    booktitle = "Proceedings $\\ExplSyntaxOn\\sys_shell_now:n{touch PWNED-booktitle}$ '
        '^^5cimmediate^^5cwrite18{touch PWNED-caret}",\n'
        "    month = jun,\n"
        '    year = "2019",\n'
        '    address = "Minneapolis \\immediate\\write18{touch PWNED-address} '
        '<img src=x onerror=alert(1)>",\n'
        '    publisher = "Association for \\csname immediate\\endcsname\\csname write'
        '\\endcsname18{touch PWNED-csname}",\n'
        '    url = "https://aclanthology.org/N19-1421/\\},note={\\immediate\\write18{touch '
        'PWNED-url}},junk={\\{}",\n'
        '    doi = "10.18653/v1/N19-1421\\},note={\\immediate\\write18{touch PWNED-doi}},'
        'junk={\\{}",\n'
        '    pages = "4149--4158$\\UseName{immediate}\\UseName{write}18{touch PWNED-pages}$",\n'
        "}\n")


def _payload_record_same_title(secret: Path) -> str:
    """D19-1250 as the Anthology has it, its title intact (so that update accepts the record
    as this work), a payload in every other field."""
    return (
        "@inproceedings{petroni-etal-2019-language,\n"
        '    title = "Language Models as Knowledge Bases?",\n'
        '    author = "Petroni, Fabio  and Rockt\u00e4schel, Tim  and Riedel, Sebastian '
        '$\\UseName{immediate}\\UseName{write}18{touch PWNED-u-author}$",\n'
        '    booktitle = "Proceedings of EMNLP $\\ExplSyntaxOn\\sys_shell_now:n{touch '
        'PWNED-u-booktitle}$ $\\pdffiledump offset 0 length 21 {' + str(secret) + '}$",\n'
        "    month = nov,\n"
        '    year = "2019",\n'
        '    address = "Hong Kong \\immediate\\write18{touch PWNED-u-address} '
        '\x1b]0;pwned\x07",\n'
        '    publisher = "ACL ^^5cimmediate^^5cwrite18{touch PWNED-u-caret}",\n'
        '    url = "https://aclanthology.org/D19-1250/\x1b]0;pwned\x07",\n'
        '    doi = "10.18653/v1/D19-1250\\},note={\\immediate\\write18{touch PWNED-u-doi}},'
        'junk={\\{}",\n'
        '    pages = "2463--2473\\},note={\\immediate\\write18{touch PWNED-u-pages}},junk={\\{}",\n'
        "}\n")


def _payload_feed(original: str, secret: Path) -> str:
    """The arXiv feed of 2304.06767 (a preprint no source has published) with a payload in
    its title and an author, and a primary category that breaks out of its field."""
    title = (f" $\\pdffiledump offset 0 length 21 {{{secret}}}$ "
             "$\\UseName{immediate}\\UseName{write}18{touch PWNED-arxiv-title}$")
    author = " $\\ExplSyntaxOn\\sys_shell_now:n{touch PWNED-arxiv-author}$"
    category = "cs.CL},note={\\immediate\\write18{touch PWNED-class}},junk={"
    feed = re.sub(r"<title>(.*?)</title>", lambda m: f"<title>{m.group(1)}{title}</title>",
                  original, count=1)
    feed = re.sub(r"</name>", lambda m: author + "</name>", feed, count=1)
    return re.sub(r'(<arxiv:primary_category [^>]*term=")[^"]*"',
                  lambda m: m.group(1) + category + '"', feed)


@pytest.fixture
def secret(tmp_path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET + "\n", encoding="utf-8")
    return path


@pytest.fixture
def hostile(tmp_path, secret):
    """A local server whose N19-1421 record and arXiv 1811.00937 carry the payloads."""
    fixtures = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, fixtures)
    record = _payload_record(secret)
    (fixtures / "acl" / "N19-1421.bib").write_text(record, encoding="utf-8")
    (fixtures / "acl" / "D19-1250.bib").write_text(_payload_record_same_title(secret),
                                                   encoding="utf-8")
    feed_path = fixtures / "arxiv" / f"{ARXIV_ONLY[1]}.xml"
    feed_path.write_text(_payload_feed(feed_path.read_text(encoding="utf-8"), secret),
                         encoding="utf-8")
    with SourceServer(Recordings(fixtures, dblp_dir=SHARED_DBLP)) as running:
        yield running


def _sources(server, cache):
    from llm4anno_bib.sources import Sources

    return Sources.connect(cache, arxiv_url=server.arxiv_url, acl_url=server.acl_url,
                           dblp_url=server.dblp_url, crossref_url=server.crossref_url,
                           arxiv_politeness=FAST, politeness=FAST)


def _env(server, cache) -> dict[str, str]:
    import os

    return os.environ | {"LLM4ANNO_BIB_ARXIV_URL": server.arxiv_url,
                         "LLM4ANNO_BIB_ACL_URL": server.acl_url,
                         "LLM4ANNO_BIB_DBLP_URL": server.dblp_url,
                         "LLM4ANNO_BIB_CACHE_DIR": str(cache)}


def _needs(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (.ci/run installs TeX Live, biber "
                    "and poppler-utils)")


def _compile(folder: Path, bib: str, backend: str) -> str:
    """Compile a document citing everything in ``bib`` with shell escape on; return the
    PDF's text."""
    (folder / "refs.bib").write_text(bib, encoding="utf-8")
    preamble = ("\\usepackage[backend=biber]{biblatex}\n\\addbibresource{refs.bib}\n"
                if backend == "biber" else "\\usepackage[numbers]{natbib}\n")
    body = ("\\printbibliography\n" if backend == "biber"
            else "\\bibliographystyle{plainnat}\n\\bibliography{refs}\n")
    (folder / "paper.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{url}\n" + preamble +
        "\\begin{document}\n\\nocite{*}\n" + body + "\\end{document}\n", encoding="utf-8")
    latex = ["pdflatex", "-interaction=nonstopmode", "-shell-escape", "paper.tex"]
    for command in (latex, ["biber" if backend == "biber" else "bibtex", "paper"], latex, latex):
        subprocess.run(command, cwd=folder, capture_output=True, timeout=180)
    if not (folder / "paper.pdf").exists():
        return ""
    return subprocess.run(["pdftotext", "paper.pdf", "-"], cwd=folder, capture_output=True,
                          text=True, timeout=60).stdout


def _nothing_ran(folder: Path, pdf_text: str) -> None:
    assert sorted(p.name for p in folder.rglob("PWNED*")) == []
    flat = pdf_text.replace("\n", "").replace(" ", "")
    assert SECRET not in flat and SECRET.encode().hex().upper() not in flat.upper()


def _without(key: str, folder: Path) -> Path:
    library = llm4anno_bib.load()
    tree = [replace(c, keys=tuple(k for k in c.keys if k != key)) for c in library.tree]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "library.bib"
    library.with_entries([e for e in library if e.key != key], tree).save(path)
    return path


def test_the_raw_payloads_do_run_and_read_when_nothing_stands_in_the_way(tmp_path, secret):
    """The control: compiled as a careless tool would keep them, the payloads run a command
    and print the secret, so the tests below could fail."""
    _needs("pdflatex", "bibtex", "pdftotext")
    folder = tmp_path / "raw"
    folder.mkdir()
    text = _compile(folder, _payload_record(secret).replace("\x1b]0;pwned\x07", ""), "bibtex")
    assert list(folder.glob("PWNED*")) and SECRET.encode().hex().upper() in \
        text.replace("\n", "").replace(" ", "").upper()
    problems = check_bytes(_payload_record(secret).encode(), "raw.bib")
    assert {"unsafe-latex", "bibtex-braces"} <= {p.code for p in problems}


@pytest.mark.slow
def test_add_update_into_and_every_export_stay_inert(hostile, tmp_path, secret, needs_dblp):
    _needs("pdflatex", "bibtex", "biber", "pdftotext")
    # add, through the API: by the Anthology id (its record is hostile) and by the arXiv id
    # (its feed is hostile; the published record found for it is the Anthology's real one)
    added = {}
    for key, identifier, refused_fields in ((KEY, "N19-1421", ("doi", "url", "pages")),
                                            (*ARXIV_ONLY, ("primary category",))):
        library_file = _without(key, tmp_path / identifier)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = llm4anno_bib.add(identifier, "In-Context Learning (ICL)",
                                      path=library_file,
                                      sources=_sources(hostile, tmp_path / identifier / "c"))
        refused = " ".join(str(w.message) for w in caught
                           if issubclass(w.category, SourceWarning))
        assert all(field in refused for field in refused_fields), refused
        assert "\x1b" not in refused and result.added
        added[identifier] = (library_file, result.entry.key)
    entry = llm4anno_bib.load(added["N19-1421"][0])[KEY]
    assert {"doi", "pages"}.isdisjoint(entry.fields)
    assert "\\textbackslash{}UseName" in entry.fields["title"]
    entry = llm4anno_bib.load(added[ARXIV_ONLY[1]][0])[added[ARXIV_ONLY[1]][1]]
    assert entry.entry_type == "misc" and "primaryclass" not in entry.fields
    assert "ExplSyntaxOn" in entry.fields["author"] and "pdffiledump" in entry.fields["title"]

    # update --yes, as a real process, on a library that still has the real records: the
    # record with the same title is applied (inert), the one whose title changed is a
    # conflict, and the published entry is not rewritten from its preprint
    updated_file = tmp_path / "updated.bib"
    updated_file.write_bytes((ROOT / "library.bib").read_bytes())
    before = llm4anno_bib.load(updated_file)
    done = subprocess.run([sys.executable, "-m", "llm4anno_bib", "update", "--yes",
                           "--library", str(updated_file), KEY, UPDATED],
                          capture_output=True, text=True, env=_env(hostile, tmp_path / "p"),
                          timeout=300)
    assert done.returncode in (0, 1), done.stderr
    assert "wrote 1 changed entry" in done.stderr, done.stdout + done.stderr
    for stream in (done.stdout, done.stderr):
        assert "\x1b" not in stream and "\x07" not in stream
    assert "conflict (not applied): ACL Anthology N19-1421" in done.stdout
    updated = llm4anno_bib.load(updated_file)
    assert updated[KEY] == before[KEY]  # not downgraded to the arXiv preprint's fields
    changed = updated[UPDATED].fields
    assert "\\textbackslash{}" in changed["booktitle"] and "ExplSyntaxOn" in changed["booktitle"]
    assert changed["doi"] == "10.18653/v1/D19-1250" and changed["pages"] == "2463--2473"
    assert changed["url"] == "https://aclanthology.org/D19-1250/"  # refused: the old one stays

    # check calls both libraries clean
    for path in (*(file for file, _key in added.values()), updated_file):
        codes = {p.code for p in llm4anno_bib.check(path).problems}
        assert not codes & {"unsafe-latex", "bibtex-braces", "bad-url", "bad-doi"}, codes

    # --into a user's file
    user = tmp_path / "user.bib"
    user.write_text("@misc{mine,\n  title = {Mine},\n  year = {2020},\n}\n", encoding="utf-8")
    into = CliRunner().invoke(app, ["export", "--library", str(updated_file), "--key", KEY,
                                    "--key", UPDATED, "--into", str(user)])
    assert into.exit_code == 0, into.stderr

    # every export format of the hostile entry
    chosen = updated.filter(keys=[KEY, UPDATED])
    exports = {fmt: chosen.export(fmt) for fmt in ("bibtex", "biblatex", "csl-json",
                                                   "markdown", "html")}
    exports |= {f"refs-{backend}": chosen.export("refs", backend=backend)
                for backend in ("text", "latex", "markdown", "html")}
    for name, text in exports.items():
        assert "\\write18{" not in text.replace("\\textbackslash{}write18{", ""), name
        assert "\x1b" not in text, name
    assert "<img" not in exports["html"] and "<img" not in exports["refs-html"]
    assert [item["title"] for item in json.loads(exports["csl-json"])] == [
        "Language Models as Knowledge Bases?",
        "CommonsenseQA: A Question Answering Challenge Targeting Commonsense Knowledge"]

    # compiled with shell escape, under BibTeX and Biber: nothing runs, nothing is read
    runs = {"bibtex": (exports["bibtex"], "bibtex"), "biblatex": (exports["biblatex"], "biber"),
            "into": (user.read_text(encoding="utf-8"), "bibtex"),
            **{f"added-{name}-{fmt}": (llm4anno_bib.load(file).filter(keys=[key]).export(fmt),
                                       "biber" if fmt == "biblatex" else "bibtex")
               for name, (file, key) in added.items() for fmt in ("bibtex", "biblatex")}}
    for name, (bib, backend) in runs.items():
        folder = tmp_path / f"compile-{name}"
        folder.mkdir()
        text = _compile(folder, bib, backend)
        assert any(t in text.lower() for t in ("knowledge bases", "commonsenseqa", "raft")), name
        _nothing_ran(folder, text)
    folder = tmp_path / "compile-refs"
    folder.mkdir()
    (folder / "paper.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{url}\n"
        "\\begin{document}\n\\begin{thebibliography}{9}\n" + exports["refs-latex"] +
        "\\end{thebibliography}\n\\end{document}\n", encoding="utf-8")
    subprocess.run(["pdflatex", "-interaction=nonstopmode", "-shell-escape", "paper.tex"],
                   cwd=folder, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", "paper.pdf", "-"], cwd=folder, capture_output=True,
                          text=True, timeout=60).stdout
    assert "commonsenseqa" in text.lower()
    _nothing_ran(folder, text)
