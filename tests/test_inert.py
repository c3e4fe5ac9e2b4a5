"""The allowlist rebuild of source metadata (``inert``) and the identifier grammars (``ids``):
every payload of the hostile-source report, and variants, comes out as printed text; what a
bibliography needs passes unchanged; identifiers off their grammar are refused; every
pattern stays linear on 100 KB of its worst input."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llm4anno_bib import ids
from llm4anno_bib._text import braces_balance
from llm4anno_bib.checking import check_bytes
from llm4anno_bib.inert import (inert_fields, inert_latex, latex_hazards, strip_controls,
                                 tokens_hazards)

# What must never run, read a file or build a name: each as a source could send it.
PAYLOADS = [
    pytest.param(r"$\UseName{immediate}\UseName{write}18{touch PWNED}$", id="usename-in-math"),
    pytest.param(r"$\ExplSyntaxOn\sys_shell_now:n{touch PWNED}$", id="expl3-shell-in-math"),
    pytest.param(r"$\pdffiledump offset 0 length 32 {/etc/hostname}$", id="filedump-in-math"),
    pytest.param(r"\immediate\write18{touch PWNED}", id="write18"),
    pytest.param(r"\input{/etc/hostname}", id="input"),
    pytest.param(r"\csname immediate\endcsname\csname write\endcsname18{x}", id="csname"),
    pytest.param(r"\expandafter\def\csname x\endcsname{y}", id="def-by-csname"),
    pytest.param(r"a ^^5cimmediate^^5cwrite18{touch PWNED}", id="caret-codes"),
    pytest.param(r"$a^^5cwrite18$", id="caret-codes-in-math"),
    pytest.param(r"\(\directlua{os.execute('touch PWNED')}\)", id="lua-in-paren-math"),
    pytest.param(r"x\},note={\immediate\write18{touch PWNED}},junk={\{}", id="escaped-brace-breakout"),
    pytest.param(r"\catcode`\^=12 \lowercase{\input x}", id="catcode"),
    pytest.param(r"\href{run:/bin/sh}{click}", id="href-run-link"),
    pytest.param(r"\url{javascript:alert(1)}", id="url-javascript"),
    pytest.param("\x1b]0;pwned\x07 title \u202e", id="terminal-escape-and-bidi"),
    pytest.param(r"$$\write18{x}$$", id="display-math"),
    pytest.param("{" * 40 + r"\write18{x}" + "}" * 40, id="deep-braces"),
    pytest.param(r"\ensuremath{\UseName{write}18{x}}", id="ensuremath"),
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_is_rebuilt_as_text_and_named_as_a_hazard(payload):
    rebuilt = inert_latex(payload)
    assert latex_hazards(payload), "check must see what the rebuild changes"
    assert latex_hazards(rebuilt) == []
    assert inert_latex(rebuilt) == rebuilt  # idempotent: a second pass changes nothing
    assert braces_balance(rebuilt)  # BibTeX's count and TeX's agree: no break-out
    for dangerous in ("\\immediate", "\\write", "\\input", "\\UseName", "\\ExplSyntaxOn",
                      "\\pdffiledump", "\\csname", "\\def", "\\catcode", "\\directlua",
                      "\\href", "^^", "\x1b", "\x07", "\u202e", "$$"):
        assert dangerous not in rebuilt, (dangerous, rebuilt)


KEPT = [
    pytest.param(r"Sch{\"u}tze and Rockt{\"a}schel", id="accents"),
    pytest.param(r"{GPT-4} \emph{and} \textsc{Flan}: 50\% \& co", id="styles-and-escapes"),
    pytest.param(r"$O(n^2)$ with $\alpha_1 \leq \mathcal{L}$ and \(x_{i}\)", id="plain-math"),
    pytest.param(r"The {\L}ukasiewicz \v{S}tefan \c{c} \'{\i} --- `quoted''", id="letters"),
    pytest.param(r"\url{https://github.com/tatsu-lab/stanford_alpaca}", id="project-url"),
    pytest.param(r"Proceedings of {ACL} 2023, Volume~1", id="tie"),
]


@pytest.mark.parametrize("value", KEPT)
def test_what_a_bibliography_needs_passes_unchanged(value):
    assert inert_latex(value) == value
    assert latex_hazards(value) == []


def test_escaping_alone_is_not_a_hazard():
    assert inert_latex("Q&A 50% a_b #1") == r"Q\&A 50\% a\_b \#1"
    assert latex_hazards("Q&A 50% a_b #1") == []


@given(st.text(alphabet="\\{}$^_%#&~ ab()x\n\x1b\u202e", max_size=80))
@settings(max_examples=400, deadline=None)
def test_any_text_is_rebuilt_inert_balanced_and_stable(text):
    rebuilt = inert_latex(text)
    assert latex_hazards(rebuilt) == []
    assert braces_balance(rebuilt)
    assert inert_latex(rebuilt) == rebuilt
    assert not set(rebuilt) & {"\x1b", "\u202e"}


@given(st.lists(st.sampled_from(["\\'", '\\"', "\\`", "\\^", "\\~", "\\=", "\\.", "\\",
                                 "{", "}", "e", "ab", "\\i", "$", "^", "^^", " ", "\u202e",
                                 "\x1b", "input", "\\\\", "5c"]), max_size=20))
@settings(max_examples=600, deadline=None)
def test_the_accents_fast_path_finds_what_reading_every_token_finds(parts):
    # values of accents alone skip the tokeniser: never a hazard the tokens would show
    value = "".join(parts)
    assert latex_hazards(value) == tokens_hazards(value)


@given(st.lists(st.sampled_from([r"\write", r"\UseName", "{", "}", "$", r"\(", r"\)", "^",
                                 r"\{", r"\}", "immediate", "18", r"\alpha", " "]),
                max_size=30))
@pytest.mark.slow
@settings(max_examples=400, deadline=None)
def test_any_mix_of_payload_parts_is_rebuilt_inert(parts):
    rebuilt = inert_latex("".join(parts))
    assert latex_hazards(rebuilt) == [] and braces_balance(rebuilt)
    assert "\\write" not in rebuilt and "\\UseName" not in rebuilt


# -- identifier grammars -----------------------------------------------------------------
BREAKOUT = "\\},note={\\immediate\\write18{touch PWNED}},junk={\\{}"


@pytest.mark.parametrize(("field", "value"), [
    ("doi", "10.18653/v1/x" + BREAKOUT),
    ("url", "https://aclanthology.org/N19-1421/" + BREAKOUT),
    ("url", "https://x.org/\x1b]0;pwned\x07"),
    ("url", "javascript:alert(1)"),
    ("pdf", "file:///etc/passwd"),
    ("eprint", "2201.11903" + BREAKOUT),
    ("primaryclass", "cs.CL},note={\\immediate\\write18{touch PWNED}},junk={"),
    ("pages", "1--2$\\UseName{write}18{x}$"),
    ("year", "2019},note={x"),
    ("month", "10~"),
    ("dblp", "../../etc/passwd"),
    ("anthology", "N19-1421},x={"),
])
def test_an_identifier_off_its_grammar_is_refused(field, value):
    kept, refused = inert_fields({"title": "T", field: value})
    assert field not in kept and [r.field for r in refused] == [field]
    assert "\x1b" not in refused[0].value  # what is reported is safe to print


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("doi", "10.18653/v1/N19-1421", "10.18653/v1/N19-1421"),
    ("doi", "10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P", None),
    ("url", r"http://papers.nips.cc/paper\_files/paper/2023/a.html",
     "http://papers.nips.cc/paper_files/paper/2023/a.html"),
    ("url", "https://openreview.net/forum?id=a_B-c&x=%20#y", None),
    ("pages", "4299 - 4307", "4299--4307"),
    ("pages", "e1234", None),
    ("month", "November", "nov"),
    ("eprint", "hep-th/9901001v2", None),
    ("primaryclass", "physics.comp-ph", None),
])
def test_an_identifier_on_its_grammar_is_kept_normalised(field, value, expected):
    kept, refused = inert_fields({field: value})
    assert refused == [] and kept[field] == (expected or value)


def test_strip_controls_keeps_lines_and_tabs():
    assert strip_controls("a\tb\nc\x1b[31md\x9b\u2066") == "a\tb\nc[31md"


# -- check sees the same constructs -------------------------------------------------------
@pytest.mark.parametrize(("text", "code"), [
    pytest.param(b"@misc{a,\n  title = {A $\\UseName{immediate}\\UseName{write}18{x}$},\n}\n",
                 "unsafe-latex", id="usename-in-title"),
    pytest.param(b"@misc{a,\n  title = {T},\n  booktitle = {$\\ExplSyntaxOn\\sys_shell_now:n{x}$},"
                 b"\n}\n", "unsafe-latex", id="expl3-in-booktitle"),
    pytest.param(b"@misc{a,\n  title = {T},\n  doi = {10.1/x\\},note={\\immediate\\write18{x}},"
                 b"junk={\\{}},\n}\n", "bibtex-braces", id="escaped-brace-breakout"),
    pytest.param(b"@misc{a,\n  title = {T},\n  author = {A ^^5cwrite18 B},\n}\n", "unsafe-latex",
                 id="caret-codes-in-author"),
    pytest.param(b"@misc{a,\n  title = {T \x1b]0;x\x07},\n}\n", "unsafe-latex",
                 id="terminal-escape"),
])
def test_check_flags_the_constructs_the_rebuild_changes(text, code):
    problems = check_bytes(text, "refs.bib")
    assert code in {p.code for p in problems}, problems
    assert all(p.severity == "error" for p in problems if p.code == code)


# -- linear time ----------------------------------------------------------------------------
WORST = [
    pytest.param("\\(" * 50_000, id="unclosed-paren-math"),
    pytest.param("$" * 100_000, id="dollars"),
    pytest.param("{" * 100_000, id="open-braces"),
    pytest.param("{" * 50_000 + "}" * 50_000, id="deep-braces"),
    pytest.param("^" * 100_000, id="carets"),
    pytest.param("\\x" * 50_000, id="macros"),
    pytest.param("a = b {" + "\n" * 100_000, id="brace-then-newlines"),
    pytest.param("10." + "1" * 100_000, id="long-doi"),
    pytest.param("https://" + "a" * 100_000 + "}", id="long-url"),
    pytest.param("1" * 50_000 + "-" * 50_000, id="long-pages"),
]


@pytest.mark.parametrize("worst", WORST)
@pytest.mark.slow
def test_every_pattern_runs_in_linear_time_on_100_kb(worst):
    """A hang guard, not a speed target (scripts/bench.py measures): the quadratic versions
    took 40-55 s on 40 KB, linear ones well under a second on 100 KB."""
    started = time.perf_counter()
    inert_latex(worst)
    latex_hazards(worst)
    inert_fields({"doi": worst, "url": worst, "pages": worst, "month": worst})
    ids.parse_arxiv_id(worst)
    ids.parse_anthology_id(worst)
    assert time.perf_counter() - started < 10


def test_every_character_written_as_latex_is_on_the_allowlist():
    """arXiv sends plain Unicode; text_to_latex writes accents, Greek letters, arrows and
    operators as pylatexenc's macros (``{\\ensuremath{\\alpha}}``): the rebuild keeps them and
    check does not flag them, or every preprint with a Greek letter would be "unsafe"."""
    from llm4anno_bib._text import text_to_latex

    blocks = [(0xA0, 0x24F), (0x370, 0x3FF), (0x400, 0x52F), (0x1E00, 0x1EFF),
              (0x2000, 0x22FF), (0x2300, 0x23FF), (0x25A0, 0x26FF), (0x2980, 0x2AFF)]
    flagged = {}
    for first, last in blocks:
        for code in range(first, last + 1):
            written = text_to_latex(chr(code))
            if latex_hazards(written) or inert_latex(written) != written:
                flagged[f"U+{code:04X}"] = written
    assert flagged == {}
    title = text_to_latex("β-VAE: ∑ over ℝ → ∞, naïve Œuvre")
    assert "\\ensuremath" in title and [p.code for p in check_bytes(
        f"@misc{{a,\n  title = {{{title}}},\n}}\n".encode(), "t.bib")] == ["title-case"]
    # (its VAE would be lowercased by a sentence-casing style: that, and only that, is said)


# Names that start with a character BibTeX or TeX treats specially, as Crossref may send
# them ("family": "\\abc" or "}x"): Biber takes a name's first character as its initial.
SPECIAL_STARTS = ["\\abc", "}abc", "{abc", "~abc", "^abc", "_abc"]


def _bbl_balanced(text: str) -> bool:
    import re

    depth = 0
    for char in re.sub(r"\\.", "", text):
        depth += (char == "{") - (char == "}")
        if depth < 0:
            return False
    return depth == 0


def _names_bbl(tmp_path, authors: str, backend: str) -> str:
    import subprocess

    folder = tmp_path / backend
    folder.mkdir(exist_ok=True)
    (folder / "refs.bib").write_text("@article{a,\n  title = {T},\n  author = {" + authors +
                                     "},\n  journal = {J},\n  year = {2020},\n}\n",
                                     encoding="utf-8")
    preamble = ("\\usepackage[backend=biber,giveninits=true]{biblatex}\\addbibresource{refs.bib}"
                if backend == "biber" else "")
    body = "\\printbibliography" if backend == "biber" else \
        "\\bibliographystyle{abbrv}\\bibliography{refs}"
    (folder / "p.tex").write_text("\\documentclass{article}\\usepackage[T1]{fontenc}" + preamble
                                  + "\\begin{document}\\nocite{*}" + body + "\\end{document}\n",
                                  encoding="utf-8")
    for command in (["pdflatex", "-interaction=nonstopmode", "p.tex"], [backend, "p"]):
        subprocess.run(command, cwd=folder, capture_output=True, timeout=120)
    return (folder / "p.bbl").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["biber", "bibtex"])
def test_a_name_starting_with_a_special_character_gives_a_balanced_bbl(tmp_path, backend):
    import shutil

    from llm4anno_bib.sources.crossref import _person

    if shutil.which("pdflatex") is None or shutil.which(backend) is None:
        pytest.skip(f"pdflatex or {backend} not installed (.ci/run installs TeX Live)")
    written = []
    for start in SPECIAL_STARTS:
        as_bibtex, _text = _person({"family": start, "given": start})
        written.append(inert_fields({"author": as_bibtex})[0]["author"])
    assert _bbl_balanced(_names_bbl(tmp_path, " and ".join(written), backend))
    if backend == "biber":  # the control: spelled {\macro}, Biber's .bbl is unbalanced
        braced = "{\\textbackslash}abc, Jane and Doe, {\\textbraceright}x"
        assert not _bbl_balanced(_names_bbl(tmp_path, braced, backend))
