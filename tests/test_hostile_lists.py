"""A hostile list README: every link of an item is an identifier. A link that is no web
address (a brace, a backslash, a ``file:`` or ``javascript:`` scheme) is refused and
reported, never written, in every shape a list item takes; the imported library compiles
with ``-shell-escape`` under BibTeX and Biber with nothing run and nothing read. Behind that,
every writer refuses to write a value that would act as markup (``checking.ensure_inert``),
and leaves the user's own values alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.checking import check_bytes, ensure_inert, ensure_inert_text
from llm4anno_bib.cli import app
from llm4anno_bib.errors import UnsafeOutput
from llm4anno_bib.listmd import parse_list
from llm4anno_bib.model import Entry, Library

from test_hostile_flows import SECRET, _compile, _needs, _nothing_ran, secret  # noqa: F401

INPUT = "\\input{SECRETFILE}"
RUN = "\\immediate\\write18{touch PWNED-%s}"
# (a list line holding a hostile link, the kind of the item it is: refused whole when its
# paper link is the hostile one, kept without the link otherwise)
SHAPES = [
    pytest.param("- [ACL 2023] Paper A. [[pdf]](https://x.org/a},note={%s},x={.pdf)" % INPUT,
                 "refused", id="seed-pdf"),
    pytest.param("- [ACL 2023] Paper B. [[pdf]](https://arxiv.org/abs/2201.11903) "
                 "[[code]](https://x.org/},note={%s},y={)" % (RUN % "code"), "kept", id="seed-code"),
    pytest.param("- [ACL 2023] Paper C. [[pdf]](https://arxiv.org/abs/2210.11416) "
                 "[[data]](https://x.org/},note={%s},y={)" % (RUN % "data"), "kept", id="seed-data"),
    pytest.param("- [ACL 2023] Paper D. [[pdf]](https://arxiv.org/abs/2211.01786) "
                 "[[html]](https://x.org/},note={%s},y={)" % INPUT, "kept", id="seed-html"),
    pytest.param("- [ACL 2023] Paper E. [[pdf]](file:///etc/passwd)", "refused", id="file-scheme"),
    pytest.param("- [**Bold Paper F.**](https://arxiv.org/abs/2201.1190},note={%s}) *A. Author.* "
                 "ICML 2023." % INPUT, "refused", id="bold-link"),
    pytest.param("- **Bold Paper G**. *ICML* (2023) [[Paper]](https://arxiv.org/abs/2204.07705) "
                 "[[Code]](https://github.com/x/y},note={%s},z={)" % INPUT, "kept",
                 id="bold-title-code"),
    pytest.param("| [Table Paper H](https://arxiv.org/abs/2203.02155},x={%s}) | 2023 |" % INPUT,
                 "refused", id="table-row"),
    pytest.param("- Paper I: [arXiv](https://arxiv.org/abs/2203.02155) "
                 "[code](https://github.com/a\\b)", "kept", id="linked-backslash"),
    pytest.param("- Paper J [[arXiv](https://arxiv.org/abs/2205.11916)] <br> Jason Wei, Xuezhi "
                 "Wang <br> [[code](https://x.org/},note={%s},y={)]" % (RUN % "br"), "kept",
                 id="line-breaks"),
    pytest.param("- 2023.01 | Paper K Title Words | [paper](https://arxiv.org/abs/2201.1190},"
                 "note={%s})" % INPUT, "refused", id="bullet-row"),
    pytest.param("- `ICLR'23` Paper L Title [[pdf]](https://x.org/a},note={%s},x={.pdf)" % INPUT,
                 "refused", id="code-span-label"),
    pytest.param("- **Title:** Paper M With Its Fields\n  - **Authors:** Jason Wei, Xuezhi Wang"
                 "\n  - **Link:** https://arxiv.org/abs/2201.11903},note={%s}" % INPUT,
                 "refused", id="field-bullets"),
    pytest.param("<tr>\n<td>Paper N Title Words Here</td>\n<td>ACL 2023</td>\n"
                 "<td><a href=\"https://arxiv.org/abs/2201.1190},note={%s}\">paper</a></td>\n"
                 "</tr>" % INPUT, "refused", id="html-row-over-lines"),
    pytest.param("<tr><td><a href=\"https://arxiv.org/abs/2212.10560\">Paper O Title</a></td>"
                 "<td>ACL 2023</td><td><a href=\"https://x.org/},note={%s},y={\">code</a></td>"
                 "</tr>" % INPUT, "kept", id="html-row"),
    pytest.param("- [Paper P Title Words][p]\n\n[p]: https://arxiv.org/abs/2201.1190},note={%s}\n"
                 % INPUT, "refused", id="reference-link"),
    pytest.param("- [Proj Q](https://x.org/},note={%s},y={): Paper Q Title Words "
                 "[[paper]](https://arxiv.org/abs/2302.00001)" % INPUT, "kept",
                 id="named-project"),
]


def _one_line_list(line: str) -> str:
    return f"# A list\n\n## Methods\n{line}\n"


@pytest.mark.parametrize("line,fate", SHAPES)
def test_a_link_that_is_no_web_address_is_refused_with_its_line(line, fate):
    document = parse_list(_one_line_list(line))
    assert len(document.refused) == 1
    number, link, why = document.refused[0]
    assert number == 4 and link in line
    assert ("the item is left out" in why) == (fate == "refused")
    if fate == "refused":
        assert document.items == ()
    else:
        (item,) = document.items
        assert all(url != link for _kind, url in item.links)
        assert item.paper_link is not None and "{" not in item.paper_link


def test_a_list_of_only_web_links_refuses_nothing():
    document = parse_list(_one_line_list(
        "- [ACL 2023] Paper. [[pdf]](https://arxiv.org/abs/2201.11903) "
        "[[code]](https://github.com/x/y) [[data]](https://huggingface.co/datasets/x/y)"))
    assert document.refused == ()
    assert [kind for kind, _ in document.items[0].links] == ["pdf", "code", "data"]


def _hostile_list(secret: Path) -> str:
    lines = [str(p.values[0]).replace("SECRETFILE", str(secret)) for p in SHAPES]
    return _one_line_list("\n".join(lines))


def test_import_list_writes_no_hostile_link_and_says_each(tmp_path, secret):
    readme = tmp_path / "list.md"
    readme.write_text(_hostile_list(secret), encoding="utf-8")
    out = tmp_path / "out.bib"
    result = llm4anno_bib.import_list(readme, out, offline=True, cache_dir=tmp_path / "cache")
    written = out.read_text(encoding="utf-8")
    assert "\\input" not in written and "write18" not in written and "file://" not in written
    assert [p for p in check_bytes(out.read_bytes(), str(out)) if p.severity == "error"] == []
    assert len(result.refused) == len(SHAPES)
    assert all(line.startswith("line ") for line in result.refused)
    # the items whose other links were hostile are imported with their paper
    assert len(result.library) == sum(p.values[1] == "kept" for p in SHAPES)


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["bibtex", "biber"])
def test_an_imported_hostile_list_compiles_with_shell_escape_and_nothing_runs(
        tmp_path, secret, backend):
    _needs("pdflatex", backend, "pdftotext")
    readme = tmp_path / "list.md"
    readme.write_text(_hostile_list(secret), encoding="utf-8")
    out = tmp_path / "out.bib"
    llm4anno_bib.import_list(readme, out, offline=True, cache_dir=tmp_path / "cache")
    folder = tmp_path / "doc"
    folder.mkdir()
    text = _compile(folder, out.read_text(encoding="utf-8"), backend)
    assert "paper b" in text.lower()  # the document was typeset, with the imported items
    _nothing_ran(folder, text)


@pytest.mark.slow
def test_the_control_a_link_written_as_it_came_runs_under_shell_escape(tmp_path, secret):
    """What the links above would do written unchecked, as an earlier version wrote them."""
    _needs("pdflatex", "bibtex", "pdftotext")
    folder = tmp_path / "raw"
    folder.mkdir()
    bib = ("@misc{a,\n  title = {Paper},\n  year = {2023},\n"
           "  code = {https://x.org/},note={%s %s},y={},\n}\n"
           % (RUN % "control", INPUT.replace("SECRETFILE", str(secret))))
    text = _compile(folder, bib, "bibtex")
    assert list(folder.glob("PWNED*")) and SECRET in text.replace("\n", "")


def _entry(**fields: str) -> Entry:
    return Entry.from_fields("doe2023paper", "misc", {"title": "Paper", "year": "2023", **fields})


@pytest.mark.parametrize("fields,code", [
    pytest.param({"url": "https://x.org/a},note={b"}, "breaks-out", id="url-breaks-out"),
    pytest.param({"code": "file:///etc/passwd"}, "bad-url", id="file-url"),
    pytest.param({"note": "\\immediate\\write18{touch x}"}, "unsafe-latex", id="write18"),
    pytest.param({"title": "A \\} b"}, "bibtex-braces", id="escaped-brace"),
    pytest.param({"title": "A {b"}, "breaks-out", id="open-brace"),
])
def test_every_library_writer_refuses_a_value_that_acts_as_markup(tmp_path, fields, code):
    target = tmp_path / "library.bib"
    library = Library([_entry(**fields)], [], [])
    with pytest.raises(UnsafeOutput, match=rf"doe2023paper.*\[{code}\].*nothing was written"):
        library.save(target)
    assert not target.exists()


def test_what_the_users_file_already_held_is_not_judged(tmp_path):
    """A user's own value (here a \\write18 in a note) is theirs: an update of another field
    writes the file, and the guard refuses only what is new."""
    target = tmp_path / "mine.bib"
    target.write_text("@misc{doe2023paper,\n  title = {Paper},\n  year = {2023},\n"
                      "  note = {\\immediate\\write18{touch x}},\n}\n", encoding="utf-8")
    library = llm4anno_bib.load(target)
    entry = library["doe2023paper"]
    library.with_entries([entry.replace(year="2024")]).save(target)
    assert "year = {2024}" in target.read_text(encoding="utf-8")
    with pytest.raises(UnsafeOutput):
        ensure_inert([(entry.replace(note="\\input{/etc/passwd}"), entry)], str(target))


def test_the_text_guard_judges_only_what_is_new():
    before = "@misc{k,\n  note = {\\input{x}},\n}\n"
    ensure_inert_text(before, "f.bib", before)  # unchanged: the user's
    with pytest.raises(UnsafeOutput, match="'note'"):
        ensure_inert_text(before, "f.bib")


def test_the_cli_says_the_refused_links_and_a_refused_write_exits_2(tmp_path, secret,
                                                                    monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "list.md").write_text(_hostile_list(secret), encoding="utf-8")
    done = CliRunner().invoke(app, ["import-list", "list.md", "-o", "out.bib", "--offline",
                                    "--cache-dir", "cache"])
    assert done.exit_code == 0, done.output
    assert sum(line.startswith("refused: line") for line in done.output.splitlines()) == \
        len(SHAPES)


@pytest.mark.slow
def test_import_list_as_a_process_refuses_the_links(tmp_path, secret):
    (tmp_path / "list.md").write_text(_hostile_list(secret), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "llm4anno_bib", "import-list", "list.md",
                           "-o", "out.bib", "--offline", "--cache-dir", "cache"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("refused: line") == len(SHAPES)
    assert "write18" not in (tmp_path / "out.bib").read_text(encoding="utf-8")


def test_markdown_escapes_in_a_link_are_read_as_commonmark_reads_them():
    """``\\_`` in a link destination is an underscore (DBLP's URLs pasted into a list carry
    them); an escaped brace is a brace, and refused as one."""
    document = parse_list(_one_line_list(
        "- [ICLR 2020] Paper. [[pdf]](https://openreview.net/forum?id=HJe\\_Z04Yvr)\n"
        "- [ICLR 2020] Other. [[pdf]](https://x.org/a\\},note={b)"))
    (item,) = document.items
    assert item.paper_link == "https://openreview.net/forum?id=HJe_Z04Yvr"
    assert [line for line, _url, _why in document.refused] == [5]


@pytest.mark.parametrize("fields", [
    pytest.param({"month": "Jul"}, id="month-capitalised"),
    pytest.param({"month": "JUL"}, id="month-upper"),
    pytest.param({"month": "July"}, id="month-word"),
    pytest.param({"title": 'A "quoted" title'}, id="quotes"),
    pytest.param({"title": "C\\# and 50\\% of {GPT}-{4}"}, id="escapes-and-braces"),
    pytest.param({"author": "{\\'E}mile Zola and \\textbackslash{}x, Jane"}, id="names"),
    pytest.param({"url": "https://aclanthology.org/2023.acl-long.1/"}, id="url"),
])
def test_the_guard_refuses_nothing_a_library_rightly_holds(tmp_path, fields):
    target = tmp_path / "library.bib"
    Library([_entry(**fields)], [], []).save(target)  # no UnsafeOutput
    read = llm4anno_bib.load(target)["doe2023paper"].fields
    # (a month is written as its macro, in lowercase, as the writer always has)
    assert {n: read[n] for n in fields} == {n: v.lower() if n == "month" and len(v) == 3
                                            else v for n, v in fields.items()}
