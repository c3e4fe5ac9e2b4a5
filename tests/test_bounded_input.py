"""Bounded work on any input: an ``@string`` that doubles itself is refused at a fixed size
with its line (under a memory limit, as a real process), a value past that size is refused,
and only regular files are read (``/dev/zero``, a FIFO, a folder: refused at once; ``-``
reads a stream the user pipes in), each at most ``inputs.MAX_INPUT_BYTES``."""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib._text import (
    _CONTROLS, _converter, collapse_spaces, finished_latex, text_to_latex,
)
from llm4anno_bib.bibfile import MAX_VALUE_CHARS, parse_entries, read_library
from llm4anno_bib.checking import check_bytes
from llm4anno_bib.cli import app
from llm4anno_bib.errors import BibSyntaxError, ReadError
from llm4anno_bib.inputs import read_regular

runner = CliRunner()
SEED = "abcdefghij"


def _doubling(levels: int) -> str:
    """``@string{s1 = s0 # s0}`` ... ``s<levels-1>``: 1.5 KB that expands to 10 * 2**39
    characters at 40 levels."""
    lines = [f'@string{{s0 = "{SEED}"}}']
    lines += [f"@string{{s{i} = s{i - 1} # s{i - 1}}}" for i in range(1, levels)]
    return "\n".join(lines) + f"\n@misc{{k, title = s{levels - 1}, year = 2020}}\n"


def _first_line_past_the_bound() -> int:
    level = next(n for n in range(64) if len(SEED) * 2 ** n > MAX_VALUE_CHARS)
    return level + 1  # s<level> is defined on line level + 1


def test_a_doubling_string_is_refused_at_the_bound_with_its_line():
    with pytest.raises(BibSyntaxError) as raised:
        parse_entries(_doubling(40), "bomb.bib")
    assert raised.value.line == _first_line_past_the_bound()
    assert f"more than {MAX_VALUE_CHARS:,} characters" in raised.value.message


def test_a_string_just_under_the_bound_is_read():
    levels = _first_line_past_the_bound() - 1
    entry = parse_entries(_doubling(levels), "ok.bib").entries[0]
    assert entry.fields["title"] == SEED * 2 ** (levels - 1)


def test_a_value_that_macros_grow_past_the_bound_is_refused_with_its_entry():
    half = MAX_VALUE_CHARS // 2 + 1
    text = f'@string{{half = "{"x" * half}"}}\n@misc{{long, title = half # half, year = 2020}}\n'
    with pytest.raises(BibSyntaxError, match="entry 'long': 'title'") as raised:
        parse_entries(text, "long.bib")
    assert raised.value.line == 2


def test_a_long_value_written_out_is_read_as_it_is():
    """A value as long as the file holds is bounded by the file's size, and its entry is
    the only one it concerns (verify says it is not checked)."""
    text = "@misc{long, title = {" + "x" * (MAX_VALUE_CHARS + 1) + "}, year = 2020}\n"
    assert len(parse_entries(text, "long.bib").entries[0].fields["title"]) == MAX_VALUE_CHARS + 1


def test_check_reports_the_doubling_string_that_every_reader_refuses():
    problems = check_bytes(_doubling(40).encode(), "bomb.bib")
    assert [(p.code, p.line) for p in problems] == [("too-long", _first_line_past_the_bound())]


def _limited(gigabytes: float):
    def limit() -> None:
        size = int(gigabytes * 2 ** 30)
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
    return limit


@pytest.mark.slow
@pytest.mark.parametrize("args", [
    pytest.param(["verify", "bomb.bib"], id="verify"),
    pytest.param(["upgrade", "bomb.bib", "--dry-run", "--offline"], id="upgrade"),
    pytest.param(["export", "--key", "wei2022chain", "--into", "bomb.bib"], id="export-into"),
])
def test_the_doubling_string_under_a_memory_limit_is_an_error_not_a_kill(tmp_path, args):
    bomb = tmp_path / "bomb.bib"
    bomb.write_text(_doubling(40), encoding="utf-8")
    before = bomb.read_bytes()
    done = subprocess.run([sys.executable, "-m", "llm4anno_bib", *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120,
                          preexec_fn=_limited(1.5),
                          env=os.environ | {"LLM4ANNO_BIB_CACHE_DIR": str(tmp_path / "c")})
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"llm4anno-bib: bomb.bib:{_first_line_past_the_bound()}: ")
    assert "Traceback" not in done.stderr and bomb.read_bytes() == before


@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "pipe.bib"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("args", [
    pytest.param(["verify", "{}"], id="verify"),
    pytest.param(["check", "{}"], id="check"),
    pytest.param(["import-list", "{}", "-o", "out.bib", "--offline"], id="import-list"),
    pytest.param(["export", "--key", "wei2022chain", "--into", "{}"], id="export-into"),
    pytest.param(["list", "--library", "{}"], id="list"),
    pytest.param(["upgrade", "{}", "--dry-run", "--offline"], id="upgrade"),
    pytest.param(["cite", "{}"], id="cite"),
])
@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_a_device_or_fifo_is_refused_at_once(tmp_path, monkeypatch, fifo, args, special):
    """Neither read until the memory is gone (``/dev/zero``) nor waited on for a writer (a
    FIFO): the test would hang or be killed if either were read."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(tmp_path / "cache"))
    path = "/dev/zero" if special == "/dev/zero" else str(fifo)
    result = runner.invoke(app, [a.replace("{}", path) for a in args])
    assert result.exit_code == 2, result.output
    assert path in result.stderr and "not a regular file" in result.stderr
    assert not (tmp_path / "out.bib").exists()


def test_the_api_refuses_a_device_with_read_error():
    for call in (lambda: llm4anno_bib.verify("/dev/zero"), lambda: read_library("/dev/zero"),
                 lambda: llm4anno_bib.check("/dev/zero"),
                 lambda: llm4anno_bib.import_list("/dev/zero", offline=True)):
        with pytest.raises(ReadError, match="not a regular file") as raised:
            call()
        assert raised.value.path == "/dev/zero"


def test_a_file_past_the_size_bound_is_refused_before_it_is_held(tmp_path):
    path = tmp_path / "big.bib"
    path.write_bytes(b"%" * 1001)
    assert read_regular(path, limit=1001) == b"%" * 1001
    with pytest.raises(ReadError, match="larger than"):
        read_regular(path, limit=1000)


def test_a_stream_is_read_when_the_user_asks_with_a_dash():
    result = runner.invoke(app, ["check", "-"],
                           input="@misc{a,\n  title = {T},\n  year = {2020\n}\n")
    assert result.exit_code == 1 and "-:1: this block cannot be read" in result.output  # read, and its problem found


@pytest.mark.slow
def test_a_stream_through_a_real_pipe(tmp_path):
    done = subprocess.run([sys.executable, "-m", "llm4anno_bib", "check", "-"],
                          input="@misc{a, title = {T}, year = {2020}}\n", text=True,
                          capture_output=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0 and "0 errors" in done.stderr


def test_a_missing_curated_folder_is_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "list.md").write_text("# L\n\n## A\n- [ACL 2023] T. [[pdf]]"
                                      "(https://arxiv.org/abs/2201.11903)\n", encoding="utf-8")
    with pytest.raises(ReadError, match="not a folder"):
        llm4anno_bib.import_list(tmp_path / "list.md", curated_dir=tmp_path / "nope",
                                 offline=True)
    result = runner.invoke(app, ["import-list", "list.md", "-o", "out.bib", "--offline",
                                 "--curated", "nope", "--cache-dir", "cache"])
    assert result.exit_code == 2 and "nope" in result.stderr
    assert not (tmp_path / "out.bib").exists()


# Every construct the hostile-input report timed, at 10,000 and 100,000 characters
CONSTRUCTS = {
    "plain": lambda n: "word " * (n // 5),
    "backslashes": lambda n: "\\\\" * (n // 2),
    "dollar-paren": lambda n: "$\\(" * (n // 3),
    "html-tags": lambda n: "<a>x</a>" * (n // 8),
    "less-than": lambda n: "<" * n,
    "accents": lambda n: "\\'e" * (n // 3),
    "braces": lambda n: "{a}" * (n // 3),
    "math": lambda n: "$x$ " * (n // 4),
    "math-unclosed": lambda n: "$\\alpha" * (n // 7),
    "a-word-before-math": lambda n: "a" * n + " $x$",
    "hyphened-word-before-math": lambda n: "a-" * (n // 2) + " $x$",
    "math-glued-to-words": lambda n: "ab$x$cd-" * (n // 8),
    "math-groups-unclosed": lambda n: "$" + "{x" * (n // 2),
    "dblp-math": lambda n: "{\\(\\epsilon\\)}-" * (n // 15),
    "dblp-dollars": lambda n: "{\\textdollar}{\\textbackslash}ell{\\_}1{\\textdollar} " * (n // 50),
    "dashes-and-quotes": lambda n: "--~``'' " * (n // 8),
    "macros": lambda n: "\\foo " * (n // 5),
    "non-ascii": lambda n: "Schütze Ωμέγα " * (n // 14),
}


def _conversions():
    from llm4anno_bib._text import escape_non_ascii, latex_to_text, normalise_title, text_to_latex
    from llm4anno_bib.inert import inert_latex, latex_hazards, text_with_math_to_latex

    return {"latex_to_text": latex_to_text.__wrapped__, "text_to_latex": text_to_latex,
            "normalise_title": normalise_title.__wrapped__, "escape_non_ascii": escape_non_ascii,
            "inert_latex": inert_latex, "latex_hazards": latex_hazards,
            "text_with_math_to_latex": text_with_math_to_latex}


def _seconds(call, value: str) -> float:
    import time

    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        call(value)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.slow
@pytest.mark.parametrize("construct", CONSTRUCTS)
def test_text_conversion_grows_linearly_10k_to_100k(construct):
    """A growth test, not a speed target: ten times the text may cost ten times the time
    (30 allows for noise); the quadratic encoder cost 60 to 720 times."""
    make = CONSTRUCTS[construct]
    small, large = make(10_000), make(100_000)
    for name, call in _conversions().items():
        base = max(_seconds(call, small), 0.002)  # below the clock's noise, count as 2 ms
        assert _seconds(call, large) / base < 30, name


_PAPER = " [[pdf]](https://arxiv.org/abs/2201.11903)\n"
LIST_BLANKS = {  # a list's line with a run of n blanks where lists have one
    "in-a-title": lambda n: "## S\n- A title here" + " " * n + "x." + _PAPER,
    "no-break-spaces": lambda n: "## S\n- A title here" + "\u00a0" * n + "x." + _PAPER,
    "tabs": lambda n: "## S\n- A title here" + "\t" * n + "x." + _PAPER,
    "indentation": lambda n: "## S\n" + " " * n + "- A Title Of Paper." + _PAPER,
    "in-a-table-cell": lambda n: "## S\n| Title | Link |\n|---|---|\n| A Title" + " " * n
                                 + "Here | [pdf](https://arxiv.org/abs/2201.11903) |\n",
    "in-a-heading": lambda n: "## A" + " " * n + "B\n- A Title Of Paper." + _PAPER,
}


@pytest.mark.slow
@pytest.mark.parametrize("shape", LIST_BLANKS)
def test_a_list_line_of_blanks_is_read_in_linear_time(shape):
    """A bullet with 10,000 spaces in its title took 1.7 s, with 100,000 152 s (patterns
    that read a line tried each start in the run): runs of blanks are read as Markdown
    renders them, one space."""
    from llm4anno_bib.listmd import parse_list

    make = LIST_BLANKS[shape]
    small = max(_seconds(parse_list, make(10_000)), 0.002)
    assert _seconds(parse_list, make(100_000)) / small < 30
    [item] = parse_list(make(100_000)).items  # the item read, its title as it renders
    assert 3 <= len(item.title.split()) <= 4 and item.title == " ".join(item.title.split())


_FIELDS_PAPER = ("## 1. A Title Of A Paper\n- **作者**：Ann Lee, Bo Li\n- **可靠入口**：[论文]"
                 "(https://arxiv.org/abs/2201.11903)\n### Notes\n")
LIST_SHAPES = {  # the shapes the twenty-first session's readers took, repeated n/k times
    "labels-in-links": lambda n: "## S\n- " + "[[2018 ICLR] Mixup Title" * (n // 24) + _PAPER,
    "empty-links": lambda n: "## S\n- A Title Of Paper" + " [[code]()]" * (n // 11) + _PAPER,
    "year-first-labels": lambda n: "## S\n- " + "[2018 ICLR] " * (n // 12) + "T." + _PAPER,
    "emphasis-after-a-title": lambda n: "## S\n- A Title Of Paper *" + "Ann Lee, " * (n // 9)
                                         + "et al. arXiv.*" + _PAPER,
    "affiliations": lambda n: "## S\n- A Title Of Paper *Ann Lee" + " (CMU)" * (n // 6)
                              + " et al. arXiv.*" + _PAPER,
    "an-unclosed-bold": lambda n: "## S\n- **A Title" + " of" * (n // 3) + "\nmore.**" + _PAPER,
    "back-to-top-in-a-heading": lambda n: "## A" + " ([To Top](#x))" * (n // 15) + "\n- T."
                                          + _PAPER,
    "skipped-heading-levels": lambda n: "## A\n" + "#### B\n- A Title Of Paper." * (n // 40)
                                        + _PAPER,
    "paper-headings-over-fields": lambda n: _FIELDS_PAPER * (n // len(_FIELDS_PAPER)),
    "a-venue-column": lambda n: "## S\n| Title | Venue |\n|---|---|\n" + (
        "| [A Title Of Paper](https://arxiv.org/abs/2201.11903) | [EMNLP’24](https://github.com"
        "/a/b) [![s](https://img.shields.io/x)](https://github.com/a/b) |\n") * (n // 150),
}


@pytest.mark.slow
@pytest.mark.parametrize("shape", LIST_SHAPES)
def test_the_list_shapes_read_in_linear_time(shape):
    """Each shape the readers of labels in links, empty links, emphasised authors with
    affiliations, lazy continuation, headings (back-to-top links, skipped levels, papers
    over fields) and venue columns take, 10k against 100k characters."""
    from llm4anno_bib.listmd import parse_list

    make = LIST_SHAPES[shape]
    small = max(_seconds(parse_list, make(10_000)), 0.002)
    assert _seconds(parse_list, make(100_000)) / small < 30, shape


def test_text_to_latex_in_pieces_is_pylatexenc_whole():
    """The encoding goes a piece at a time (pylatexenc's is quadratic): each rule replaces
    one character, so the pieces give exactly what the whole gives."""
    alphabet = "ab c\\{}$&%#_^~<>\"'`éüßΩ→∑\u0301\u0308漢 "
    rng = random.Random(7)
    for length in (10, 511, 512, 513, 1500, 3000):
        text = "".join(rng.choice(alphabet) for _ in range(length))
        clean = collapse_spaces(_CONTROLS.sub(" ", unicodedata.normalize("NFC", text)))
        whole = str(_converter("all").unicode_to_latex(clean))
        assert text_to_latex(text) == finished_latex(whole), length


def test_reading_holds_the_file_once_not_the_bound(tmp_path):
    """The bound is checked against the file's size: reading a 2 MB file reserves about
    2 MB, not the 500 MB the bound allows (``read(limit)`` would)."""
    import tracemalloc

    path = tmp_path / "two-mb.bib"
    path.write_bytes(b"%" * 2_000_000)
    tracemalloc.start()
    try:
        data = read_regular(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(data) == 2_000_000 and peak < 3_000_000


def test_a_value_past_the_conversion_bound_only_loses_its_braces():
    """pylatexenc reads about ten thousand macros a second: past ``MAX_CONVERTED`` a value
    (no field a reader reads is that long) is not handed to it, so a hostile 200 KB "title"
    costs milliseconds, not ten seconds."""
    from llm4anno_bib._text import MAX_CONVERTED, latex_to_text

    short = r"\emph{Sch{\"u}tze} "
    assert latex_to_text(short) == "Schütze"
    long = short * (MAX_CONVERTED // len(short) + 1)
    assert latex_to_text(long).startswith(r'\emphSch\"utze \emphSch')


@pytest.mark.parametrize("depth", [40, 1000, 50_000])
def test_braces_nested_past_any_parsers_recursion_are_read_and_written(tmp_path, depth):
    """Braces nested thousands deep in a title and in names (BibTeX reads them; pybtex
    stops at 100 levels, and its markup at Python's recursion limit): every reading and
    every format goes on, the names read as one word each (as a braced group is)."""
    deep = "{" * depth + "x" + "}" * depth
    path = tmp_path / "deep.bib"
    path.write_text(f"@misc{{k,\n  title = {{{deep}}},\n  author = {{{deep} and "
                    f"Doe, {deep}}},\n  note = {{\\url{{http://x.org/{deep}}}}},\n"
                    "  year = {2020},\n}\n", encoding="utf-8")
    library = llm4anno_bib.load(path)
    for format in ("bibtex", "biblatex", "csl-json", "markdown", "html"):
        assert library.export(format)
    for style in ("plain", "alpha"):
        for backend in ("text", "latex", "html", "markdown"):
            assert library.export("refs", style=style, backend=backend)
    assert "x" in library.export("refs")
    assert llm4anno_bib.verify(path, llm4anno_bib.Library([])).summary["not-checked"] == 1
    done = runner.invoke(app, ["export", "--library", str(path), "-f", "refs"])
    assert done.exit_code == 0 and "[1]" in done.stdout


def test_a_value_nested_deeper_than_a_parser_recurses_keeps_its_outermost_group():
    from llm4anno_bib._text import shallow_braces
    from llm4anno_bib.names import pybtex_person

    assert shallow_braces("A {" + "{" * 40 + "B" + "}" * 41 + " c") == "A {B} c"
    plain = "A {Nested {Case}} \\{kept\\} " + "{" * 20 + "x" + "}" * 20
    assert shallow_braces(plain) == plain  # what real values hold is never touched
    assert shallow_braces("\\{" * 50 + "x") == "\\{" * 50 + "x"  # escaped: no groups
    deep = "{" * 200 + "Org" + "}" * 200
    assert pybtex_person(deep).last_names == [deep]  # past pybtex's 100 levels: one word


NAME_LISTS = {
    "braced words": lambda n: "{a}" * (n // 3),
    "nested": lambda n: "{" * (n // 2) + "}" * (n // 2),
    "braced names": lambda n: " and ".join(["{Org} B, C"] * (n // 15)),
    "unclosed": lambda n: "{a" * (n // 2),
}


@pytest.mark.slow
@pytest.mark.parametrize("construct", NAME_LISTS)
def test_name_lists_with_braces_grow_linearly_10k_to_100k(construct):
    """A growth test, not a speed target: an author value ten times as long may cost ten
    times as much to split and read into names (30 allows for noise); pybtex's own split
    cut the rest of the value at every brace: 1 MB took a minute."""
    from llm4anno_bib.names import split_name, split_names

    def read(value: str) -> None:
        for name in split_names(value)[:1000]:
            split_name(name)

    small, large = NAME_LISTS[construct](10_000), NAME_LISTS[construct](100_000)
    base = max(_seconds(read, small), 0.002)
    assert _seconds(read, large) / base < 30
