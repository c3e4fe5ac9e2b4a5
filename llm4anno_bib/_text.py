"""Text helpers shared by the model, the sources and the matcher.

LaTeX <-> Unicode conversion is pylatexenc's (it knows the accent macros and the
special characters BibTeX needs escaped); ASCII folding is anyascii's (it folds
letters like the dotless i that Unicode decomposition leaves alone).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii
from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexencode import UnicodeToLatexEncoder

_LATEX_TO_TEXT = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)
_TEXT_TO_LATEX = UnicodeToLatexEncoder(
    non_ascii_only=False, replacement_latex_protection="braces-all", unknown_char_policy="keep"
)
_NON_ASCII_TO_LATEX = UnicodeToLatexEncoder(
    non_ascii_only=True, replacement_latex_protection="braces-all", unknown_char_policy="keep"
)
_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def collapse_spaces(text: str) -> str:
    """Collapse runs of whitespace (line breaks included) into single spaces and strip."""
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def latex_to_text(value: str) -> str:
    """Turn a BibTeX field value into plain Unicode text.

    >>> latex_to_text(r"Sch{\\"u}tze and {RLAIF} \\& co")
    'Schütze and RLAIF & co'
    """
    if "\\" not in value and "{" not in value and "$" not in value and "~" not in value:
        return collapse_spaces(value)
    try:
        return collapse_spaces(_LATEX_TO_TEXT.latex_to_text(value))
    except Exception:  # pylatexenc gives up on some broken LaTeX; braces are then dropped by hand
        return collapse_spaces(value.replace("{", "").replace("}", ""))


def text_to_latex(text: str) -> str:
    """Escape plain Unicode text (as arXiv sends it) for a BibTeX value that compiles.

    >>> text_to_latex("Tamás & co")
    "Tam{\\\\'a}s {\\\\&} co"
    """
    return _TEXT_TO_LATEX.unicode_to_latex(collapse_spaces(unicodedata.normalize("NFC", text)))


def escape_non_ascii(value: str) -> str:
    """Write the non-ASCII letters of a BibTeX value (already LaTeX) as LaTeX accents, so
    that every entry spells accents the same way.

    >>> print(escape_non_ascii("Rocktäschel, Tim and {GPT}"))
    Rockt{\\"a}schel, Tim and {GPT}
    """
    if value.isascii():
        return value
    return _NON_ASCII_TO_LATEX.unicode_to_latex(unicodedata.normalize("NFC", value))


def ascii_fold(text: str) -> str:
    """Fold Unicode to its closest ASCII spelling: ``'Kıcıman' -> 'Kiciman'``."""
    return anyascii(text)


@lru_cache(maxsize=65536)
def normalise_title(title: str) -> str:
    """Normalise a title for comparison: LaTeX, accents, case and punctuation removed.

    >>> normalise_title(r"{RLAIF} vs. {RLHF:} Scaling -- Learning")
    'rlaif vs rlhf scaling learning'
    """
    plain = ascii_fold(latex_to_text(title)).lower()
    return collapse_spaces(_NOT_WORD.sub(" ", plain))


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
