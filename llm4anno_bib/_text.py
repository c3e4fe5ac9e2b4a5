"""Text helpers shared by the model, the sources and the matcher.

LaTeX <-> Unicode conversion is pylatexenc's (it knows the accent macros and the
special characters BibTeX needs escaped); ASCII folding is anyascii's (it folds
letters like the dotless i that Unicode decomposition leaves alone).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any



@lru_cache(maxsize=None)
def _converter(kind: str) -> Any:
    """pylatexenc's converters, built on first use (they take a while to set up)."""
    import logging

    # pylatexenc logs each character it has no macro for; the library does not print
    logging.getLogger("pylatexenc").addHandler(logging.NullHandler())
    from pylatexenc.latex2text import (
        LatexNodes2Text, MacroTextSpec, get_default_latex_context_db,
    )
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    if kind == "to-text":
        # the macros text_to_latex writes for literal braces read back as braces
        macros = get_default_latex_context_db().filter_context()
        macros.add_context_category("literal-braces", prepend=True, macros=[
            MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}")])
        return LatexNodes2Text(latex_context=macros, math_mode="verbatim",
                               strict_latex_spaces=True)
    return UnicodeToLatexEncoder(non_ascii_only=kind == "non-ascii",
                                 replacement_latex_protection="braces-all",
                                 unknown_char_policy="keep")

_SPACES = re.compile(r"\s+")
# What must not reach a terminal or a file: C0 and C1 controls (a terminal's escapes) and the
# marks that reverse or isolate the direction of text (a title that reads other than it is).
CONTROL_CHARS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROLS = re.compile(f"[{CONTROL_CHARS}\\r]")
_CONTROLS_BUT_CR = re.compile(f"[{CONTROL_CHARS}]")
ANY_CONTROL = re.compile(f"[{CONTROL_CHARS}\\t\\n\\r]")  # line breaks and tabs too
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def strip_controls(text: str, keep_returns: bool = False) -> str:
    """``text`` without control characters (terminal escapes, bidirectional overrides);
    newlines and tabs stay, carriage returns too with ``keep_returns`` (a CRLF file's text).
    For anything shown on a terminal or written to a file.

    >>> strip_controls("https://x.org/\\x1b]0;pwned\\x07a")
    'https://x.org/]0;pwneda'
    """
    return (_CONTROLS_BUT_CR if keep_returns else _CONTROLS).sub("", text)


def shortened(text: str, limit: int = 80) -> str:
    """``text``, cut to at most ``limit`` characters with an ellipsis where it is longer.

    >>> shortened("a long title indeed", 10)
    'a long ti…'
    """
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"


def collapse_spaces(text: str) -> str:
    """Collapse runs of whitespace (line breaks included) into single spaces and strip."""
    return _SPACES.sub(" ", text).strip()


# The LaTeX most titles and names hold: braces, accent macros, escaped specials. Values made
# only of these are converted here (pylatexenc's parser costs about 1 ms a value, which is
# most of the load time of a 20,000-entry file); anything else goes to pylatexenc.
_ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
            "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
            "c": "\u0327", "k": "\u0328", "r": "\u030a"}
_LETTERS = {"i": "ı", "j": "ȷ", "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "ss": "ß", "aa": "å",
            "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ"}
# Math is kept as written, as pylatexenc's math_mode="verbatim" keeps it, wherever its end
# is beyond doubt: no "$", comment or "\\(" inside, groups two deep, and only macros whose
# arguments are known (a macro that takes one, written without it, takes the closing "$").
# tests/test_quick_paths.py holds these names to pylatexenc's own table of macros.
MATH_SYMBOLS = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu "
    "nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma "
    "Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega ell infty partial nabla cdot cdots "
    "ldots times pm mp leq geq le ge neq approx sim in vert ast star circ surd to rightarrow "
    "leftarrow mid top bot prime emptyset forall exists log exp min max sum prod int".split())
MATH_STYLES = frozenset(  # each takes one braced argument
    "mathrm mathbf mathcal mathscr mathbb mathit mathsf mathtt mathfrak mbox text "
    "hat bar tilde vec dot widehat widetilde overline underline".split())
_MATH_ATOM = (r"[^$\\{}%]|\\[,;:!|$%&#_{}]"
              rf"|\\(?:{'|'.join(sorted(MATH_SYMBOLS))})(?![A-Za-z])")
_MATH_GROUP_1 = rf"\{{(?>{_MATH_ATOM})*+\}}"
_MATH_STYLE = rf"\\(?:{'|'.join(sorted(MATH_STYLES))})"
_MATH_GROUP_2 = rf"\{{(?>{_MATH_ATOM}|{_MATH_STYLE}{_MATH_GROUP_1}|{_MATH_GROUP_1})*+\}}"
_MATH_PART = rf"(?>{_MATH_ATOM}|{_MATH_STYLE}{_MATH_GROUP_2}|{_MATH_GROUP_2})"
# spaces with at most one line break (a blank line is a paragraph: pylatexenc keeps it);
# a dotless letter's macro eats the spaces after it as any macro does
_SPACE = r"[ \t]*(?:\n[ \t]*)?"
_ACCENTED = rf"(\\[ij](?![A-Za-z]){_SPACE}|[A-Za-z])"
_QUICK_TOKEN = re.compile(
    rf"\\([\"'`^~=.]){_SPACE}(?:\{{{_SPACE}{_ACCENTED}{_SPACE}\}}|{_ACCENTED})"  # \"{a} \'e
    rf"|\\([uvHckr]){_SPACE}(?:\{{{_SPACE}{_ACCENTED}{_SPACE}\}}|(?<=\s){_ACCENTED})"  # \v{c}
    rf"|\\(ss|aa|AA|ae|AE|oe|OE|[ijoOlL])(?![A-Za-z]){_SPACE}(?:\{{\}})?"
    r"|\\([&%$#_{}])"
    r"|([{}])"
    r"|\\(textquoteright|textquoteleft|textendash|textemdash|textbraceleft|textbraceright"
    rf"|textdollar|textbackslash|textdegree)(?![A-Za-z]){_SPACE}(?:\{{\}})?")
# the same with math and typography: twice the time a value, so only for values that hold them
_QUICK_TOKEN_ALL = re.compile(
    rf"{_QUICK_TOKEN.pattern}"
    rf"|(\$(?<!\$\$)(?!\$){_MATH_PART}++\$(?!\$)|\\\({_MATH_PART}*+\\\))"
    r"|(---?|~|``|'')")
_NEEDS_ALL = re.compile(r"[$~]|\\\(|--|``|''")
_TEXT_MACROS = {"textquoteright": "\u2019", "textquoteleft": "\u2018", "textendash": "\u2013",
                "textemdash": "\u2014", "textdegree": "\u00b0", "textbraceleft": "{",
                "textbraceright": "}", "textdollar": "$", "textbackslash": "\\"}
_TYPOGRAPHY = {"--": "\u2013", "---": "\u2014", "~": "\u00a0", "``": "\u201c", "''": "\u201d"}
# What a literal character, or math as written, holds of LaTeX's own marks stands in
# private-use characters until the check for unread LaTeX is done (the value has none).
_LATEX_MARKS_HELD = "\\$~{}-'`"
_HOLD = str.maketrans({c: chr(0xF0000 + ord(c)) for c in _LATEX_MARKS_HELD})
_RELEASE = str.maketrans({chr(0xF0000 + ord(c)): c for c in _LATEX_MARKS_HELD})
_HELD = re.compile("[\U000F0000-\U000F007F]")


def _quick_token(match: re.Match[str]) -> str:
    accent, letter = match.group(1) or match.group(4), next(
        (g for g in (match.group(2), match.group(3), match.group(5), match.group(6)) if g), None)
    if accent:
        base = (letter or "").lstrip("\\").rstrip()  # an accented dotless i is an accented i
        return unicodedata.normalize("NFC", base + _ACCENTS[accent])
    if match.group(7):
        return _LETTERS[match.group(7)]
    if match.group(8):
        return match.group(8).translate(_HOLD)
    if match.group(10):
        return _TEXT_MACROS[match.group(10)].translate(_HOLD)
    if match.lastindex == 11:  # math, kept as written (pylatexenc's math_mode="verbatim")
        return match.group(11).translate(_HOLD)
    if match.lastindex == 12:
        return _TYPOGRAPHY[match.group(12)]
    return ""  # a brace


def _quick_latex_to_text(value: str) -> str | None:
    """``value`` as text when it holds only braces, accents, escaped specials, the text
    macros of literal characters, dashes, quotes and ties, and math with no comment or
    nested group (kept as written), else ``None``."""
    if not value.isascii() and _HELD.search(value):
        return None
    tokens = _QUICK_TOKEN_ALL if _NEEDS_ALL.search(value) else _QUICK_TOKEN
    converted = tokens.sub(_quick_token, value)
    if "\\" in converted or "$" in converted or "~" in converted or "{" in converted \
            or "}" in converted or "--" in converted or "``" in converted or "''" in converted:
        return None
    return collapse_spaces(converted if converted.isascii() else converted.translate(_RELEASE))


def readable_math(text: str) -> str:
    """``text`` (plain text, its formulas kept as written: ``latex_to_text``'s) with each
    formula as the Unicode it prints, for a reader rather than for TeX: a page, CSL-JSON,
    a terminal. A formula this cannot read stays as written.

    >>> readable_math(r"FAC$^2$E and $\\infty$Bench")
    'FAC²E and ∞Bench'
    >>> readable_math(r"DDM\\({}^{\\mbox{2}}\\): Self-Supervised; PixArt-\\(\\alpha\\)")
    'DDM²: Self-Supervised; PixArt-α'
    """
    if "$" not in text and "\\(" not in text:
        return text
    return _FORMULA_IN_TEXT.sub(_formula_as_unicode, text)


# a formula written with dollars, and TeX's inline one (DBLP's \(...\)): each its content
DOLLAR_FORMULA = re.compile(r"(?<!\\)\$([^$]{1,200})(?<!\\)\$")
TEX_INLINE_FORMULA = re.compile(r"\\\(((?:(?!\\\().){1,200}?)\\\)")
_FORMULA_IN_TEXT = re.compile(f"{DOLLAR_FORMULA.pattern}|{TEX_INLINE_FORMULA.pattern}")
_BOXED = re.compile(r"\\(?:mbox|text|textrm|mathrm)\{([^{}]*)\}")
_SCRIPTED = re.compile(r"([\^_])(?:\{([^{}]*)\}|([A-Za-z0-9+\-]))")
_MACRO_NAME = re.compile(r"\\([A-Za-z]+)")
_KNOWN_MATH_MACROS = MATH_SYMBOLS | MATH_STYLES | {"mbox", "text", "textrm"}
_SUPERSCRIPT = dict(zip("0123456789+-=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ"))
_SUBSCRIPT = dict(zip("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎"))


def _formula_as_unicode(match: re.Match[str]) -> str:
    formula = match.group(1) if match.group(1) is not None else match.group(2)
    if not _KNOWN_MATH_MACROS.issuperset(_MACRO_NAME.findall(formula)):
        return match.group(0)  # what this does not know is shown as written, never dropped
    formula = _SCRIPTED.sub(_script, _BOXED.sub(r"\1", formula).replace("{}", ""))
    text = latex_to_text(formula) if "\\" in formula or "{" in formula else formula
    return match.group(0) if "\\" in text or "$" in text else text


def _script(match: re.Match[str]) -> str:
    """A sub- or superscript as Unicode's where it has every character, else as written."""
    body = match.group(2) if match.group(2) is not None else match.group(3)
    table = _SUPERSCRIPT if match.group(1) == "^" else _SUBSCRIPT
    if body and all(c in table for c in body):
        return "".join(table[c] for c in body)
    return match.group(0)


_UNICODE_MACRO = re.compile(r"\\unicode(?:\{(\d{1,7})\}|(\d{1,7}))")  # braced or not


def _code_point(match: re.Match[str]) -> str:
    number = int(match.group(1) or match.group(2))
    return chr(number) if number <= 0x10FFFF and not 0xD800 <= number <= 0xDFFF else ""


# pylatexenc reads about ten thousand macros a second: a hostile file's 200 KB "title" took
# ten seconds. The longest real values (abstracts) are a few thousand characters.
MAX_CONVERTED = 20_000


@lru_cache(maxsize=65536)
def latex_to_text(value: str) -> str:
    """Turn a BibTeX field value into plain Unicode text.

    >>> latex_to_text(r"Sch{\\"u}tze and {RLAIF} \\& co")
    'Schütze and RLAIF & co'
    >>> latex_to_text(r"{\\unicode{127960}} ProcTHOR")  # DBLP writes emoji so
    '\U0001f3d8 ProcTHOR'
    >>> latex_to_text(r"{\\noopsort{a}}Dai, Damai")  # sorted first, printed as written
    'Dai, Damai'
    >>> print(latex_to_text("A ``Working Memory'' Test of $f''$"))  # TeX's quotes, printed
    A “Working Memory” Test of $f''$
    """
    text = _as_text(value)
    return _printed_quotes(text) if "``" in text or "''" in text else text


def _printed_quotes(text: str) -> str:
    """TeX's quote ligatures (two backquotes, two apostrophes) outside math as the
    quotation marks they print: a README shows the backquotes as code."""
    kept, at = [], 0
    for found in _FORMULA_IN_TEXT.finditer(text):
        kept.append(text[at:found.start()].replace("``", "\u201c").replace("''", "\u201d"))
        kept.append(found.group())
        at = found.end()
    kept.append(text[at:].replace("``", "\u201c").replace("''", "\u201d"))
    return "".join(kept)


def _as_text(value: str) -> str:
    if "\\unicode" in value:
        value = _UNICODE_MACRO.sub(_code_point, value)
    if "\\" in value and _SORT_ONLY.search(value):
        value = _SORT_ONLY.sub("", value)
    if "\\" not in value and "{" not in value and "$" not in value and "~" not in value:
        return collapse_spaces(value)
    quick = _quick_latex_to_text(value)
    if quick is not None:
        return quick
    if len(value) > MAX_CONVERTED:  # no field a reader reads: bounded time over converted text
        return _braces_dropped(value)
    try:
        return collapse_spaces(_converter("to-text").latex_to_text(value))
    except Exception:  # pylatexenc gives up on some broken LaTeX; braces are then dropped by hand
        return _braces_dropped(value)


# "{\noopsort{a}}Dai": a key for sorting only, which the file's @preamble defines as
# printing nothing (Oren Patashnik's trick and its common spellings)
_SORT_ONLY = re.compile(r"\\(?:noopsort|noop|sortnoop|SortNoop|NOOP|NoSort|sortkey)"
                        r"[ \t]*\{[^{}]{0,200}\}")


def _braces_dropped(value: str) -> str:
    return collapse_spaces(value.replace("{", "").replace("}", ""))


def text_to_latex(text: str) -> str:
    """Escape plain Unicode text (as arXiv sends it) for a BibTeX value that compiles.

    >>> text_to_latex("Tamás & co")
    "Tam{\\\\'a}s {\\\\&} co"
    >>> text_to_latex('Agents for "Mind" Exploration')
    "Agents for ``Mind'' Exploration"
    """
    clean = _CONTROLS.sub(" ", unicodedata.normalize("NFC", text))
    # BibTeX counts braces even after a backslash: literal ones must not be braces at all
    return finished_latex(_encoded("all", collapse_spaces(clean)))


def finished_latex(latex: str) -> str:
    """pylatexenc's encoding of a text made safe for BibTeX and Biber and typeset right:
    braces as commands, quotation marks as LaTeX writes them (``Mind'', straight ones in
    pairs), specials unbraced (``unbraced_specials``)."""
    latex = latex.replace("{\\{}", "{\\textbraceleft}").replace("{\\}}", "{\\textbraceright}")
    latex = _STRAIGHT_QUOTES.sub(r"``\1''", latex)
    latex = latex.replace("{\\textquotedblleft}", "``").replace("{\\textquotedblright}", "''")
    return unbraced_specials(latex)


_STRAIGHT_QUOTES = re.compile(r"\{''\}([^{}]{1,300}?)\{''\}")


# Biber reads ``{\textbackslash}x`` as the character itself and writes it as a name's
# initial unescaped (``familyi={}\bibinitperiod}``): an unbalanced .bbl. Written
# ``\textbackslash{}x`` the initial is ``x``, under Biber and BibTeX alike (tests/test_inert).
_BIBER_UNSAFE_SPECIALS = re.compile(
    r"\{\\(textbackslash|textbraceleft|textbraceright|textasciitilde|textasciicircum|"
    r"textunderscore)\}")


def unbraced_specials(latex: str) -> str:
    r"""``latex`` with the special characters Biber cannot take as an initial written as
    ``\macro{}`` instead of ``{\macro}``.

    >>> print(unbraced_specials(r"{\textbackslash}abc and {\'E}mile"))
    \textbackslash{}abc and {\'E}mile
    """
    return _BIBER_UNSAFE_SPECIALS.sub(r"\\\1{}", latex) if "{\\text" in latex else latex


def escape_non_ascii(value: str) -> str:
    """Write the non-ASCII letters of a BibTeX value (already LaTeX) as LaTeX accents, so
    that every entry spells accents the same way.

    >>> print(escape_non_ascii("Rocktäschel, Tim and {GPT}"))
    Rockt{\\"a}schel, Tim and {GPT}
    """
    if value.isascii():
        return value
    return _encoded("non-ascii", unicodedata.normalize("NFC", value))


_CHUNK = 512


def _encoded(kind: str, text: str) -> str:
    """pylatexenc's encoding of ``text``, a piece of at most ``_CHUNK`` characters at a
    time: it appends each replacement to an attribute string, which copies the whole result
    every time (100,000 backslashes: 27 s), and its rules replace one character each, so the
    pieces give the same text. A piece ends before a character that is no combining mark."""
    encode = _converter(kind).unicode_to_latex
    if len(text) <= _CHUNK:
        return str(encode(text))
    pieces, start = [], 0
    while start < len(text):
        end = min(start + _CHUNK, len(text))
        while end < len(text) and unicodedata.combining(text[end]):
            end += 1
        pieces.append(str(encode(text[start:end])))
        start = end
    return "".join(pieces)




def braces_balance(value: str, as_bibtex: bool = True) -> bool:
    """Balanced as TeX reads them (``\\{`` is a character) and, with ``as_bibtex``, also as
    BibTeX counts them (every brace counts)."""
    if "{" not in value and "}" not in value:
        return True
    if "\\" not in value:  # nothing escaped: TeX and BibTeX count alike
        return _balanced(_BRACE.findall(value))
    return _balanced(_TEX_BRACE.findall(value)) and (
        not as_bibtex or _balanced(_BRACE.findall(value)))


_BRACE = re.compile(r"[{}]")
_TEX_BRACE = re.compile(r"\\.|[{}]")  # an escaped character is no brace


def shallow_braces(value: str, deepest: int = 32) -> str:
    """``value`` with its braces nested no deeper than ``deepest``: past that, every brace
    inside the outermost group goes (a group within a group protects nothing more), for
    parsers that recurse once per level (pybtex's markup, which the recursion limit stops).
    A value nested less deep (all real ones) is returned as it is.

    >>> shallow_braces("A {{{{x}}}} b", 2), shallow_braces("A {{x}} b", 2)
    ('A {x} b', 'A {{x}} b')
    """
    if value.count("{") <= deepest:
        return value
    kept: list[str] = []
    depth = most = 0
    for piece in _TEX_BRACE_OR_TEXT.findall(value):
        if piece == "{":
            depth += 1
            most = max(most, depth)
            if depth > 1:
                continue
        elif piece == "}":
            depth -= 1
            if depth > 0:
                continue
        kept.append(piece)
    return value if most <= deepest else "".join(kept)


_TEX_BRACE_OR_TEXT = re.compile(r"\\.|[{}]|[^\\{}]+|\\\Z", re.S)


def _balanced(tokens: list[str]) -> bool:
    depth = 0
    for token in tokens:
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def ascii_fold(text: str) -> str:
    """Fold Unicode to its closest ASCII spelling: ``'Kıcıman' -> 'Kiciman'``."""
    from anyascii import anyascii

    return anyascii(text)


def folded_words(text: str) -> list[str]:
    """The words of plain ``text``, folded to ASCII lowercase: ``'Kıcıman, E.' -> ['kiciman',
    'e']`` (what keys, slugs and name comparisons are made of)."""
    return re.findall(r"[a-z0-9]+", ascii_fold(text).lower())


# The title rule's numbers (enrich.title_score applies the rule; every matcher asks it or
# these): two normalised titles are one at a rapidfuzz ratio of TITLE_THRESHOLD; from
# NEAR_MISS a candidate failing the rule is a near miss, reported and never applied.
TITLE_THRESHOLD = 88.0
NEAR_MISS = 75.0


@lru_cache(maxsize=65536)
def normalise_title(title: str) -> str:
    """Normalise a title for comparison: LaTeX, accents, case and punctuation removed.

    Formatting is never a difference: HTML entities (``Don&apos;t``), DBLP's TeX math
    (``DDM\\({}^{\\mbox{2}}\\)`` is ``DDM2``), ``\\unicode`` code points, Unicode math letters.

    >>> normalise_title(r"{RLAIF} vs. {RLHF:} Scaling -- Learning")
    'rlaif vs rlhf scaling learning'
    >>> normalise_title("Don&apos;t Stop"), normalise_title(r"DDM\\({}^{\\mbox{2}}\\): Denoising")
    ('don t stop', 'ddm2 denoising')
    """
    if "&" in title and ";" in title:
        import html

        title = html.unescape(title)
    if title.isascii() and not _LATEX_MARKS.search(title):  # most titles: nothing to convert
        return collapse_spaces(_NOT_WORD.sub(" ", title.lower()))
    if "$" in title:  # a formula as arXiv and users write it, read as DBLP's is below
        title = DOLLAR_FORMULA.sub(_formula_group, title)
    if "\\(" in title or "\\mbox" in title:
        title = _DBLP_MATH.sub("", title)
    plain = ascii_fold(latex_to_text(title)).lower()
    return collapse_spaces(_NOT_WORD.sub(" ", plain))


_LATEX_MARKS = re.compile(r"[\\{$~]")
# DBLP's TeX for a sub- or superscript, \({}^{\mbox{2}}\): its delimiters and markers go,
# its text stays where it was written (DDM2)
_DBLP_MATH = re.compile(r"\\[()]|\{\}[\^_]|\\mbox(?=\{)")
# "$^2$" is DBLP's "\\({}^{\\mbox{2}}\\)", "$\\alpha$" its "{\\(\\alpha\\)}": a formula is a group
# of its content, its sub- and superscript marks gone (DDM$^2$ is DDM2, L$_1$ is L1)
_SCRIPT_MARK = re.compile(r"(?<!\\)[\^_]")


def _formula_group(match: re.Match[str]) -> str:
    return "{" + _SCRIPT_MARK.sub("", match.group(1)) + "}"


def protect_case(title: str) -> str:
    """``title`` (a BibTeX value) with each word whose case must survive a style that
    sentence-cases titles in braces: acronyms and mixed-case names (``GPT``, ``LLaMA``,
    ``GPT4All``, ``GPT-3.5-Turbo``), a single capital letter (``Q`` learning), the names
    of ``case_lexicon`` (``Bayesian``, ``English``) and, where the title is itself written
    in sentence case, every word it capitalises past a segment's first (its names, by its
    own evidence). What is braced already is left as it is: a user's protection is never
    removed or doubled, and nothing is braced inside it.

    >>> protect_case("ZeroGen: Chain-of-Thought with GPT-3.5-Turbo and Q Learning")
    '{ZeroGen}: Chain-of-Thought with {GPT-3.5-Turbo} and {Q} Learning'
    >>> protect_case("Stanford Alpaca: An Instruction-following {LLaMA} model")
    'Stanford {Alpaca}: An {Instruction-following} {LLaMA} model'
    >>> protect_case("A Corpus of English Math Problems with Bayesian Estimates")
    'A Corpus of {English} Math Problems with {Bayesian} Estimates'
    """
    return protection(title)[0]


def protection(title: str) -> tuple[str, list[str]]:
    """``protect_case``'s title, and the words it braced (what ``check`` names).

    >>> protection("Aligning LLaMA with English Speakers")[1]
    ['LLaMA', 'English']
    """
    marked = "{" in title or "}" in title or "\\" in title
    parts = _BRACED_OR_COMMAND.split(title) if marked else [title]
    if marked and any("{" in part or "}" in part for part in parts[::2]):
        return title, []  # braces nested deeper than this reads, or unbalanced: as it is
    plain = " ".join(parts[::2]) if marked else title
    # the title's case read with its braces as letters: what braces add changes nothing
    whole = _COMMAND.sub(" ", title).replace("{", "").replace("}", "") if marked else title
    # Title Case at a glance (twice as many capitalised long words as lowercase ones): its
    # capitals are no evidence of names, and the exact count is not needed
    capitals = len(_CAPITALISED.findall(whole))
    title_case = capitals == 0 or capitals > 2 * len(_LOWERCASE.findall(whole))
    names = frozenset() if title_case else _sentence_case_names(whole)
    # most titles need nothing: no name by their own evidence, no capital inside a word, no
    # lone capital, no lexicon name
    if not names and not _needs_braces_somewhere(plain):
        return title, []
    braced: list[str] = []
    for index in range(0, len(parts), 2):
        before = parts[index - 1][-1:] if index else " "
        after = parts[index + 1][:1] if index + 1 < len(parts) else " "
        parts[index] = _protected_words(parts[index], names, before, after, index == 0,
                                        braced)
    return "".join(parts), braced


# a group of braces (nested up to three deep) or a command: text left as it is
_BRACED_OR_COMMAND = re.compile(
    r"(\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}|\\[A-Za-z]+\*?|\\.)")
_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:(?:['\u2019-]|\.(?=\d))[A-Za-z0-9]+)*")
_SEGMENT_START = re.compile(r"(?:^|[:?!.]\s+)([A-Za-z][A-Za-z0-9]*)")


_CAPITALISED = re.compile(r"(?<=[\s-])[A-Z][a-z]{3,}")  # long words past the first
_LOWERCASE = re.compile(r"(?<=[\s-])[a-z]{4,}")


def _needs_braces_somewhere(plain: str) -> bool:
    """Whether any word of ``plain`` needs braces whatever the title's case: a capital
    inside a word, a lone capital, a lexicon name."""
    return _INNER_CAPITAL.search(plain) is not None or \
        not case_lexicon().isdisjoint(_LETTER_RUN.findall(plain))


_INNER_CAPITAL = re.compile(r"[A-Za-z0-9][A-Z]|(?<![A-Za-z0-9'\u2019])[B-HJ-Z](?![a-z])")
_PART_BREAK = re.compile(r"[-'\u2019.]")
_LETTER_RUN = re.compile(r"[A-Za-z]+")
_COMMAND = re.compile(r"\\[A-Za-z]+\*?|\\.")


def _sentence_case_names(text: str) -> frozenset[str]:
    """The words a title in sentence case capitalises past a segment's first: its names
    (none when it is in Title Case, where capitals say nothing)."""
    firsts = {m.start(1) for m in _SEGMENT_START.finditer(text)}
    later = [m.group(0) for m in _TITLE_WORD.finditer(text) if m.start() not in firsts]
    words = [part for word in later for part in word.split("-") if part]
    # (a mixed-case name, LLaMA, is no evidence of Title Case)
    long_ones = [w for w in words if len(w) >= 4 and not any(c.isupper() for c in w[1:])]
    capitalised = [w for w in long_ones if w[0].isupper()]
    if len(long_ones) < 3 or len(capitalised) > 0.5 * len(long_ones):
        return frozenset()
    return frozenset(w for w in words if w[0].isupper() and w[1:].islower())


def _protected_words(text: str, names: frozenset[str], before: str, after: str,
                     first: bool, braced: list[str]) -> str:
    """``text``, a stretch of a title between braces and commands (``first``: its start is
    the title's), with the words that need braces braced; a word touching a brace group or
    command (``M{\\"u}ller``) is part of a word this cannot see whole, and is left as it
    is; a lone capital where a title or a segment after a colon starts keeps its case in
    every style."""
    lexicon = case_lexicon()

    def needs(word: str) -> bool:
        if _INNER_CAPITAL.search(word) is not None:  # a capital inside a part, a lone one
            return True
        if word in lexicon or word in names:
            return True
        return any(part in lexicon or part in names for part in _PART_BREAK.split(word)) \
            if _PART_BREAK.search(word) else False

    def brace(match: re.Match[str]) -> str:
        word = match.group(0)
        if not needs(word):
            return word
        start, end = match.span()
        if (start == 0 and not before.isspace()) or \
                (end == len(text) and not (after.isspace() or after in ":;,.?!)")):
            return word  # touching a group or command: part of a word not seen whole
        if len(word) == 1:  # a lone capital where the title or a segment starts
            leading = text[:start].rstrip()
            if (first and not leading) or leading.endswith(":"):
                return word
        braced.append(word)
        return "{" + word + "}"

    return _TITLE_WORD.sub(brace, text)


@lru_cache(maxsize=1)
def case_lexicon() -> frozenset[str]:
    """The names titles capitalise (``data/case_lexicon.txt``, built from the recorded
    titles by ``scripts/build_lexicon.py``, and the names of languages)."""
    from pathlib import Path

    text = (Path(__file__).parent / "data" / "case_lexicon.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))
