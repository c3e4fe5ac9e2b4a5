"""Text helpers shared by the model, the sources and the matcher.

LaTeX <-> Unicode conversion is pylatexenc's (it knows the accent macros and the
special characters BibTeX needs escaped); ASCII folding is anyascii's (it folds
letters like the dotless i that Unicode decomposition leaves alone).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache



@lru_cache(maxsize=None)
def _converter(kind: str):
    """pylatexenc's converters, built on first use (they take a while to set up)."""
    from pylatexenc.latex2text import LatexNodes2Text
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    if kind == "to-text":
        return LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)
    return UnicodeToLatexEncoder(non_ascii_only=kind == "non-ascii",
                                 replacement_latex_protection="braces-all",
                                 unknown_char_policy="keep")

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


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
_QUICK_TOKEN = re.compile(
    r"\\([\"'`^~=.])\s*(?:\{\s*(\\[ij]|[A-Za-z])\s*\}|(\\[ij]|[A-Za-z]))"   # \"{a} \'e
    r"|\\([uvHckr])\s*(?:\{\s*(\\[ij]|[A-Za-z])\s*\}|\s(\\[ij]|[A-Za-z]))"   # \v{c} \c c
    r"|\\(ss|aa|AA|ae|AE|oe|OE|[ijoOlL])(?![A-Za-z])\s*(?:\{\})?"
    r"|\\([&%$#_{}])"
    r"|([{}])"
    r"|\\(textquoteright|textquoteleft|textendash|textemdash)(?![A-Za-z])\s*(?:\{\})?")
_TEXT_MACROS = {"textquoteright": "\u2019", "textquoteleft": "\u2018", "textendash": "\u2013",
                "textemdash": "\u2014"}


def _quick_token(match: re.Match[str]) -> str:
    accent, letter = match.group(1) or match.group(4), next(
        (g for g in (match.group(2), match.group(3), match.group(5), match.group(6)) if g), None)
    if accent:
        base = letter.lstrip("\\")  # an accent on a dotless i is an accented i
        return unicodedata.normalize("NFC", base + _ACCENTS[accent])
    if match.group(7):
        return _LETTERS[match.group(7)]
    if match.group(8):
        return match.group(8)
    if match.group(10):
        return _TEXT_MACROS[match.group(10)]
    return ""


def _quick_latex_to_text(value: str) -> str | None:
    """``value`` as text when it holds only braces, accents and escaped specials, else
    ``None``."""
    converted = _QUICK_TOKEN.sub(_quick_token, value)
    if "\\" in converted or "$" in converted or "~" in converted or "{" in converted \
            or "}" in converted or "--" in converted or "``" in converted or "''" in converted:
        return None
    return collapse_spaces(converted)


@lru_cache(maxsize=65536)
def latex_to_text(value: str) -> str:
    """Turn a BibTeX field value into plain Unicode text.

    >>> latex_to_text(r"Sch{\\"u}tze and {RLAIF} \\& co")
    'Schütze and RLAIF & co'
    """
    if "\\" not in value and "{" not in value and "$" not in value and "~" not in value:
        return collapse_spaces(value)
    quick = _quick_latex_to_text(value)
    if quick is not None:
        return quick
    try:
        return collapse_spaces(_converter("to-text").latex_to_text(value))
    except Exception:  # pylatexenc gives up on some broken LaTeX; braces are then dropped by hand
        return collapse_spaces(value.replace("{", "").replace("}", ""))


def text_to_latex(text: str) -> str:
    """Escape plain Unicode text (as arXiv sends it) for a BibTeX value that compiles.

    >>> text_to_latex("Tamás & co")
    "Tam{\\\\'a}s {\\\\&} co"
    """
    clean = _CONTROL.sub(" ", unicodedata.normalize("NFC", text))
    # BibTeX counts braces even after a backslash: literal ones must not be braces at all
    return _converter("all").unicode_to_latex(collapse_spaces(clean)).replace(
        "{\\{}", "{\\textbraceleft}").replace("{\\}}", "{\\textbraceright}")


def escape_non_ascii(value: str) -> str:
    """Write the non-ASCII letters of a BibTeX value (already LaTeX) as LaTeX accents, so
    that every entry spells accents the same way.

    >>> print(escape_non_ascii("Rocktäschel, Tim and {GPT}"))
    Rockt{\\"a}schel, Tim and {GPT}
    """
    if value.isascii():
        return value
    return _converter("non-ascii").unicode_to_latex(unicodedata.normalize("NFC", value))


# TeX primitives and macros that read or write files, run programs, or change how TeX reads
# what follows: nothing a title or an author name needs. Their backslash becomes text.
_DANGEROUS = re.compile(
    r"\\(input|include|InputIfFileExists|write|immediate|openin|openout|read|readline|closein|"
    r"closeout|newwrite|newread|catcode|lccode|uccode|def|edef|gdef|xdef|let|futurelet|"
    r"newcommand|renewcommand|providecommand|DeclareRobustCommand|csname|endcsname|"
    r"expandafter|noexpand|makeatletter|makeatother|usepackage|RequirePackage|documentclass|"
    r"special|directlua|latelua|luaexec|ShellEscape|jobname|loop|repeat|shipout|output|"
    r"everypar|everyjob|everymath|scantokens|pdfprimitive|primitive)(?![A-Za-z])")
# Outside math, the macros a title or a name may use: accents, special letters, text styles,
# dashes and quotes, logos. Any other macro is written as text (it could be undefined, or
# defined by the document to do anything).
SAFE_MACROS = frozenset("""
    u v H c d b r t k i j o O l L ss SS aa AA ae AE oe OE dh DH th TH ng NG
    textit textbf textsc texttt textrm textsf textsl textup textmd emph em it bf sc tt rm sf
    mbox url href textsuperscript textsubscript textendash textemdash textquoteleft
    textquoteright textquotedblleft textquotedblright textbackslash textbraceleft
    textbraceright textasciitilde textasciicircum textunderscore textdollar textbar ldots
    dots LaTeX TeX BibTeX relax ensuremath noopsort nocase
""".split())
_MACRO = re.compile(r"\\([A-Za-z]+)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UNESCAPED = re.compile(r"(?<!\\)([%#&_])")
_VERBATIM_PARTS = re.compile(r"((?<!\\)\$.*?(?<!\\)\$|\\\(.*?\\\)|\\url\{[^{}]*\})")


def braces_balance(value: str, as_bibtex: bool = True) -> bool:
    """Balanced as TeX reads them (``\\{`` is a character) and, with ``as_bibtex``, also as
    BibTeX counts them (every brace counts)."""
    for pattern in (r"\\.|[{}]", r"[{}]")[: 2 if as_bibtex else 1]:
        depth = 0
        for match in re.finditer(pattern, value):
            depth += {"{": 1, "}": -1}.get(match.group(0), 0)
            if depth < 0:
                return False
        if depth:
            return False
    return True


def safe_latex(value: str) -> str:
    """A LaTeX field value from a source, made harmless: macros that touch files, run
    programs or change TeX's reading (``\\input``, ``\\write18``, ``\\catcode``...) are
    written as text, ``^^`` character codes and control characters are removed, unescaped
    ``% # & _`` escaped, unbalanced braces and an odd ``$`` escaped, macros not in
    ``SAFE_MACROS`` written as text. Accents, ``\\emph``, ``\\url`` and math pass.

    >>> print(safe_latex(r"Fast {GPT} \\input{/etc/passwd} 100% \\'e"))
    Fast {GPT} \\textbackslash{}input{/etc/passwd} 100\\% \\'e
    """
    value = _CONTROL.sub(" ", value).replace("^^", "")
    value = _DANGEROUS.sub(r"\\textbackslash{}\1", value)
    if not braces_balance(value):  # BibTeX counts \{ too: literal braces become macros
        value = re.sub(r"\\?[{}]", lambda m: "\\textbraceleft " if m.group(0)[-1] == "{"
                       else "\\textbraceright ", value)
    if len(re.findall(r"(?<!\\)\$", value)) % 2:
        value = re.sub(r"(?<!\\)\$", r"\\$", value)
    # math and \url{...} are kept as written; elsewhere % # & _ are text, unknown macros too
    parts = _VERBATIM_PARTS.split(value)
    return "".join(part if index % 2 else _MACRO.sub(_known_macro, _UNESCAPED.sub(r"\\\1", part))
                   for index, part in enumerate(parts))


def _known_macro(match: re.Match[str]) -> str:
    name = match.group(1)
    return match.group(0) if name in SAFE_MACROS else "\\textbackslash{}" + name


def ascii_fold(text: str) -> str:
    """Fold Unicode to its closest ASCII spelling: ``'Kıcıman' -> 'Kiciman'``."""
    from anyascii import anyascii

    return anyascii(text)


@lru_cache(maxsize=65536)
def normalise_title(title: str) -> str:
    """Normalise a title for comparison: LaTeX, accents, case and punctuation removed.

    >>> normalise_title(r"{RLAIF} vs. {RLHF:} Scaling -- Learning")
    'rlaif vs rlhf scaling learning'
    """
    if title.isascii() and not _LATEX_MARKS.search(title):  # most titles: nothing to convert
        return collapse_spaces(_NOT_WORD.sub(" ", title.lower()))
    plain = ascii_fold(latex_to_text(title)).lower()
    return collapse_spaces(_NOT_WORD.sub(" ", plain))


_LATEX_MARKS = re.compile(r"[\\{$~]")


def protect_capitals(title: str) -> str:
    """Brace words with capitals after their first letter, so BibTeX styles keep their case.

    Titles that already carry braces (DBLP's) are left as they are.

    >>> protect_capitals("ZeroGen: Chain-of-Thought with GPT-4 and Q Learning")
    '{ZeroGen}: Chain-of-Thought with {GPT-4} and {Q} Learning'
    """
    if "{" in title:
        return title

    def needs_braces(part: str) -> bool:
        if len(part) == 1:
            return part.isupper() and part not in ("A", "I")
        return any(c.isupper() for c in part[1:])

    def brace(match: re.Match[str]) -> str:
        word = match.group(0)
        return "{" + word + "}" if any(needs_braces(p) for p in word.split("-")) else word

    return re.sub(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*", brace, title)
