"""Metadata made inert: what a source sends is rebuilt from an allowlist before it is kept.

A field of a source record is one of two kinds:

- an identifier (``doi``, ``url``, ``eprint``, ``primaryclass``, ``pages``, ``year``,
  ``month``, the record's key...): kept only when it follows its grammar (``ids``), else
  refused and left out. BibTeX and Biber count a brace even after a backslash, so a
  ``doi`` of ``x\\},note={\\immediate\\write18{...}}`` would become a real ``note`` field:
  no grammar lets a brace or a backslash through.
- free text (title, authors, venue, anything else): rebuilt token by token (``inert_latex``).
  Letters, digits and punctuation stay; accents, special letters, text styles, dashes and
  quotes stay as the known macros ``TEXT_MACROS``; ``% # & _`` are escaped, ``^`` written as
  text; every other macro, however it is spelled, becomes text (``\\textbackslash{}name``).
  Math stays math only when all of it is on ``MATH_MACROS`` and plain symbols; otherwise the
  whole formula becomes text, dollars included. So ``$\\UseName{immediate}...$``,
  ``\\ExplSyntaxOn`` or ``\\pdffiledump`` are printed, never run: an allowlist does not need
  to know the name of what it refuses.

``latex_hazards`` names what the rebuild would change in a value: ``check`` reports the
same constructs in any file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from llm4anno_bib import ids
from llm4anno_bib._text import (
    ANY_CONTROL as _ANY_CONTROL, CONTROL_CHARS, strip_controls, text_to_latex,
    unbraced_specials,
)

__all__ = ["MATH_MACROS", "TEXT_MACROS", "Refused", "inert_fields", "inert_latex",
           "latex_hazards", "text_with_math_to_latex", "strip_controls", "unescaped_specials"]

# Outside math: accents, special letters, text styles and sizes, dashes, quotes, symbols,
# logos. Each only typesets its argument (or nothing).
TEXT_MACROS = frozenset("""
    u v H c d b r t k i j o O l L ss SS aa AA ae AE oe OE dh DH th TH ng NG dj DJ
    textit textbf textsc texttt textrm textsf textsl textup textmd textnormal emph em it bf
    sc tt rm sf sl itshape bfseries scshape upshape mdseries normalfont
    mbox textsuperscript textsubscript textendash textemdash textquoteleft textquoteright
    textquotedblleft textquotedblright textquotesingle guillemotleft guillemotright
    textbackslash textbraceleft textbraceright textasciitilde textasciicircum textunderscore
    textdollar textbar textless textgreater textbullet textperiodcentered textellipsis
    textregistered texttrademark textcopyright copyright textdagger textsection S P dag ddag
    textdegree textmu textsterling texteuro textyen textcent textonehalf textquotedbl
    textexclamdown textquestiondown slash hyphen enquote mkbibquote mkbibemph mkbibacro
    autocap protect ldots dots LaTeX TeX BibTeX relax noopsort nocase
""".split()) | frozenset("""
    C IJ U Upsilon acute ddot fbox flat guilsinglleft guilsinglright ij iota natural
    nobreakdash nolinebreak nument quarternote quotedblbase quotesinglbase sharp small
    textasciiacute textasciidieresis textasciimacron textasteriskcentered textbigcircle
    textbrokenbar textcelsius textcircledP textcolonmonetary textcompwordmark textcurrency
    textdaggerdbl textdiscount textdiv textdong textdownarrow textestimated textflorin
    textfrac textfractionsolidus texthvlig textinterrobang textleftarrow textlira textlnot
    textmho textmusicalnote textnaira textnrleg textnumero textonequarter textonesuperior
    textopenbullet textordfeminine textordmasculine textparagraph textpertenthousand
    textperthousand textpeso textrecipe textreferencemark textrightarrow textservicemark
    textthreequarters textthreesuperior texttimes texttwosuperior textuparrow textwon
""".split())  # the text symbols pylatexenc writes for non-ASCII characters (see text_to_latex)
# The font encodings' glyph names for Cyrillic letters (T2A: \\CYRA, \\cyrya, \\cyrchar...).
_GLYPH_FAMILY = re.compile(r"(?:cyr|CYR)[A-Za-z]+")
# Inside math: letters, operators, relations, arrows, delimiters, fonts and accents.
MATH_MACROS = frozenset("""
    alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu
    xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta
    Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega
    times cdot cdots ldots dots div pm mp ast star circ bullet oplus otimes leq geq le ge neq
    ne approx sim simeq cong equiv propto ll gg infty partial nabla sum prod int oint log ln
    exp min max sup inf lim arg det dim sin cos tan to rightarrow leftarrow Rightarrow
    Leftarrow leftrightarrow Leftrightarrow mapsto uparrow downarrow in notin ni subset
    subseteq supset supseteq cup cap setminus emptyset varnothing forall exists neg lnot land
    lor wedge vee prime ell hbar top bot perp parallel mid vert Vert langle rangle lfloor
    rfloor lceil rceil left right big Big bigg Bigg mathcal mathbb mathbf mathrm mathit
    mathsf mathtt mathfrak mathscr boldsymbol frac sqrt hat bar tilde vec dot ddot breve
    check acute grave overline underline widehat widetilde quad qquad backslash surd mbox
    text textrm textit textbf operatorname
""".split()) | frozenset("""
    Bumpeq Cap Cup DownArrowUpArrow Downarrow Lleftarrow Lsh Rrightarrow Rsh Subset Supset
    Uparrow Updownarrow VDash Vdash Vvdash aleph allequal amalg angle approxeq
    approxnotequal arrowwaveleft arrowwaveright asymp backepsilon backprime backsim
    backsimeq barwedge because beth between bigcap bigcirc bigcup bigtriangledown
    bigtriangleup bigvee bigwedge blacklozenge blacksquare blacktriangle blacktriangledown
    blacktriangleleft blacktriangleright bowtie boxdot boxminus boxplus boxtimes bumpeq
    circeq circlearrowleft circlearrowright circledast circledcirc circleddash clockoint
    clwintegral complement coprod curlyeqprec curlyeqsucc curlyvee curlywedge curvearrowleft
    curvearrowright daleth dashv dblarrowupdown ddots diamond divideontimes doteq doteqdot
    dotplus downdownarrows downharpoonleft downharpoonright eqcirc eqslantgtr eqslantless
    estimates fallingdotseq forcesextra frown geqq geqslant gimel gnapprox gneq gneqq gnsim
    gtrapprox gtrdot gtreqless gtreqqless gtrless gtrsim hermitconjmatrix homothetic
    hookleftarrow hookrightarrow iiint iint image intercal kern lazysinv leftarrowtail
    leftharpoondown leftharpoonup leftleftarrows leftrightarrows leftrightharpoons
    leftrightsquigarrow leftthreetimes leqq leqslant lessapprox lessdot lesseqgtr lesseqqgtr
    lessgtr lesssim llcorner lmoustache lnapprox lneq lneqq lnsim looparrowleft
    looparrowright lozenge lrcorner ltimes mathbin mathchar measuredangle multimap
    nLeftarrow nLeftrightarrow nRightarrow nVDash nVdash nearrow nexists ngeq ngtr
    nleftarrow nleftrightarrow nleq nless nmid not notgreaterless notlessgreater nparallel
    nprec nrightarrow nsubseteq nsucc nsupseteq ntriangleleft ntrianglelefteq ntriangleright
    ntrianglerighteq nvDash nvdash nwarrow odot ominus original oslash pitchfork prec
    precapprox precedesnotsimilar preceq precnapprox precneqq precsim recorder rightangle
    rightanglearc rightarrowtail rightharpoondown rightharpoonup rightleftarrows
    rightleftharpoons rightrightarrows rightsquigarrow rightthreetimes risingdotseq
    rmoustache rtimes searrow smallsetminus smile sphericalangle sqcap sqcup sqrint sqsubset
    sqsubseteq sqsupset sqsupseteq square stackrel starequal subseteqq subsetneq subsetneqq
    succ succapprox succeq succnapprox succneqq succnsim succsim supseteqq supsetneq
    supsetneqq surfintegral swarrow therefore tildetrpl triangledown triangleleft
    trianglelefteq triangleq triangleright trianglerighteq truestate twoheadleftarrow
    twoheadrightarrow udots ulcorner updownarrow upharpoonleft upharpoonright uplus
    upuparrows urcorner varkappa varperspcorrespond vartriangle vartriangleleft
    vartriangleright vdash vdots veebar verymuchgreater verymuchless volintegral wp wr
""".split())  # the math symbols pylatexenc writes for non-ASCII characters
_ACCENT_SYMBOLS = frozenset("'\"`^~=.")
_KEPT_SYMBOLS = frozenset("&%#_$ ,;:!-/@")  # \& \% \# \_ \$, spaces, \- \/ \@
_MATH_SYMBOLS = frozenset(",;:! |{}")  # \{ \} are refused below: BibTeX counts them
_MAX_DEPTH = 16  # TeX allows 255 groups; a title needs few, a hostile value may nest 10,000

# One alternative per kind of token, each starting on its own characters: linear time.
_TOKEN = re.compile(
    r"(?P<word>\\[A-Za-z]+)"
    r"|(?P<symbol>\\[^A-Za-z])"
    r"|(?P<lone>\\)"
    r"|(?P<open>\{)|(?P<close>\})"
    r"|(?P<dollar>\$)"
    r"|(?P<special>[%#&_^])"
    rf"|(?P<control>[{CONTROL_CHARS}\t\n\r])"
    rf"|(?P<plain>[^\\{{}}$%#&_^{CONTROL_CHARS}\t\n\r]+)",
    re.S)
# what a hazard needs (a backslash, math, "^^", a control character), and a special
_MAY_BE_HAZARD = re.compile(rf"[\\$^{CONTROL_CHARS}]")
# A value whose only markup is accents on letters (DBLP's {\"{u}}, Zotero's \'e): all on the
# allowlist, and most of the values that hold a backslash at all (tokenising them was a
# twentieth of check's time on DBLP's records)
_ONLY_ACCENTS = re.compile(rf"(?:[^\\$^{CONTROL_CHARS}]|\\['\"`^~=.](?:[A-Za-z]|\{{[A-Za-z]\}}))*+")
_SPECIALS = re.compile(r"[&%#_]")
_MATH_PLAIN = re.compile(r"[A-Za-z0-9 +\-*/=<>()\[\]|,.;:!?'~\"]*")
_TEXT_FOR = {"%": "\\%", "#": "\\#", "&": "\\&", "_": "\\_", "^": "\\textasciicircum{}",
             "$": "\\$", "{": "\\textbraceleft{}", "}": "\\textbraceright{}",
             "~": "\\textasciitilde{}"}


class _Token(NamedTuple):
    kind: str
    text: str


def _tokens(value: str) -> list[_Token]:
    return [_Token(m.lastgroup or "plain", m.group(0)) for m in _TOKEN.finditer(value)]


def _braces(tokens: list[_Token]) -> tuple[set[int], dict[int, int]]:
    """The indexes of braces without a partner, and of non-empty pairs nested deeper than
    ``_MAX_DEPTH`` (they are written as text); and each kept opening brace's partner."""
    stack: list[int] = []
    unmatched: set[int] = set()
    partner: dict[int, int] = {}
    for index, token in enumerate(tokens):
        if token.kind == "open":
            stack.append(index)
        elif token.kind == "close":
            if stack:
                opened = stack.pop()
                # an empty pair ("\\textbackslash{}") adds one level and holds nothing
                if len(stack) >= _MAX_DEPTH and opened != index - 1:
                    unmatched.update((opened, index))
                else:
                    partner[opened] = index
            else:
                unmatched.add(index)
    unmatched.update(stack)
    return unmatched, partner


def _text_macro(name: str) -> bool:
    return name in TEXT_MACROS or _GLYPH_FAMILY.fullmatch(name) is not None


def _ensuremath(tokens: list[_Token], index: int, partner: dict[int, int]) -> int | None:
    """The closing brace of ``\\ensuremath{...}`` at ``index``: its argument is a formula
    (it is checked as one), or ``None``."""
    if tokens[index].text != "\\ensuremath" or index + 1 >= len(tokens):
        return None
    return partner.get(index + 1)


def _verbatim_url(tokens: list[_Token], index: int, partner: dict[int, int]) -> int | None:
    """The index of the closing brace of ``\\url{...}`` at ``index`` when its argument is
    an http(s) URL (``\\url`` prints it verbatim, underscores and all), else ``None``: any
    other ``\\url`` is text (a ``javascript:`` link in a PDF is no citation's business)."""
    if tokens[index].text != "\\url" or index + 1 >= len(tokens):
        return None
    close = partner.get(index + 1)
    if close is None:
        return None
    # '%' and '#' would break the argument where biblatex passes it on inside a macro
    address = "".join(t.text for t in tokens[index + 2:close])
    return close if ids.is_url(address) and "%" not in address and "#" not in address else None


def _math_spans(tokens: list[_Token]) -> dict[int, int]:
    """``start -> end`` token indexes of ``$...$`` and ``\\(...\\)`` formulas (delimiters
    included). ``$$`` (display math) is no formula: both dollars are text."""
    # the next closer after each token, found in one backward pass (a search forward from
    # every opener would be quadratic in a value of 40,000 unclosed "\(")
    next_closer: dict[str, list[int | None]] = {"$": [None] * len(tokens),
                                                "\\)": [None] * len(tokens)}
    following: dict[str, int | None] = {"$": None, "\\)": None}
    for index in range(len(tokens) - 1, -1, -1):
        for closer in following:
            next_closer[closer][index] = following[closer]
        if tokens[index].text in following:
            following[tokens[index].text] = index
    spans: dict[int, int] = {}
    index = 0
    while index < len(tokens):
        token = tokens[index]
        opener_closes: str | None = ("$" if token.kind == "dollar"
                                     else "\\)" if token.text == "\\(" else None)
        end = next_closer[opener_closes][index] if opener_closes is not None else None
        if end is None or (opener_closes == "$" and end == index + 1):
            index = end + 1 if end is not None else index + 1
            continue
        spans[index] = end
        index = end + 1
    return spans


def _math_is_plain(tokens: list[_Token], unmatched: set[int], start: int, end: int) -> bool:
    """Whether a formula holds only allowed macros, symbols and balanced braces."""
    previous = ""
    for index in range(start + 1, end):
        token = tokens[index]
        if index in unmatched:
            return False
        if token.kind == "word":
            if token.text[1:] not in MATH_MACROS:
                return False
        elif token.kind == "symbol":
            if token.text[1] not in _MATH_SYMBOLS or token.text[1] in "{}":
                return False
        elif token.kind == "special":
            if token.text not in "^_" or previous in ("^", "_"):  # ^^ is a character code
                return False
        elif token.kind == "plain":
            if not _MATH_PLAIN.fullmatch(token.text):
                return False
        elif token.kind not in ("open", "close"):
            return False
        previous = token.text
    # a brace pair must not reach out of the formula
    depth = 0
    for index in range(start + 1, end):
        depth += {"open": 1, "close": -1}.get(tokens[index].kind, 0)
        if depth < 0:
            return False
    return depth == 0


def _text_token(token: _Token, unmatched: bool) -> str:
    kind, text = token.kind, token.text
    if kind == "plain":
        return text
    if kind == "word":
        return text if _text_macro(text[1:]) else "\\textbackslash{}" + text[1:]
    if kind == "symbol":
        char = text[1]
        if char in _ACCENT_SYMBOLS or char in _KEPT_SYMBOLS:
            return text
        if char in "{}":
            return _TEXT_FOR[char]
        if char == "\\" or _ANY_CONTROL.match(char):
            return " "
        return "\\textbackslash{}" + _TEXT_FOR.get(char, char)
    if kind == "lone":
        return "\\textbackslash{}"
    if kind in ("open", "close"):
        return _TEXT_FOR[text] if unmatched else text
    if kind in ("dollar", "special"):
        return _TEXT_FOR[text]
    return " "  # a control character


def _segments(tokens: list[_Token]) -> Iterator[tuple[str, int, int, set[int]]]:
    """``tokens`` cut into what the rebuild treats as one, in order: ``("keep", i, j, ...)``
    a formula on the allowlist or a verbatim URL, ``("math", i, j, ...)`` a formula off it,
    ``("token", i, i, ...)`` anything else; with the indexes of braces written as text."""
    unmatched, partner = _braces(tokens)
    spans = _math_spans(tokens)
    index = 0
    while index < len(tokens):
        end = spans.get(index)
        url_end = _verbatim_url(tokens, index, partner)
        formula_end = _ensuremath(tokens, index, partner)
        if formula_end is not None:  # \ensuremath, then its braced argument as a formula
            end = formula_end
            plain = _math_is_plain(tokens, unmatched, index + 1, end)
            yield ("keep" if plain else "math"), index, end, unmatched
        elif end is not None and _math_is_plain(tokens, unmatched, index, end):
            yield "keep", index, end, unmatched
        elif url_end is not None:
            end = url_end
            yield "keep", index, end, unmatched
        elif end is not None:
            yield "math", index, end, unmatched
        else:
            end = index
            yield "token", index, end, unmatched
        index = end + 1


def inert_latex(value: str) -> str:
    """``value`` (LaTeX from a source) rebuilt from the allowlist: the same text where it is
    harmless, every other construct as printed text. Idempotent.

    >>> print(inert_latex(r"Fast {GPT} \\input{/etc/passwd} 100% \\'e $\\alpha_1$"))
    Fast {GPT} \\textbackslash{}input{/etc/passwd} 100\\% \\'e $\\alpha_1$
    >>> print(inert_latex(r"$\\UseName{immediate}$ a^^5c"))
    \\$\\textbackslash{}UseName{immediate}\\$ a\\textasciicircum{}\\textasciicircum{}5c
    """
    tokens = _tokens(value)
    out: list[str] = []
    for kind, start, end, unmatched in _segments(tokens):
        if kind == "keep":
            out.extend(t.text for t in tokens[start:end + 1])
        else:  # a formula off the allowlist is text, dollars and all
            out.extend(_text_token(tokens[i], i in unmatched) for i in range(start, end + 1))
    # A kept macro is followed by what followed it in the input, which never starts with a
    # letter (a token of letters would have been part of its name): nothing glues on.
    return "".join(out)


# a formula in a title as arXiv and lists write it, with the word glued to it on either side
# (FAC$^2$E, $\infty$-Bench, $k$NN-Prompt): one group, so that no style changes its case.
# No space inside either dollar, as GitHub reads math ("costs $5 and $10" is no formula); a
# glued word starts only where a word starts, so a long run of letters is read once.
_GLUED_FORMULA = re.compile(
    r"(?<![A-Za-z0-9-])[A-Za-z0-9-]*+(?<![\\$])\$(?![$\s])[^$\n]{0,200}?(?<![\\\s])\$(?!\$)"
    r"(?:[A-Za-z0-9]|-(?=[A-Za-z0-9]))*+")
_HELD_FORMULA = "zqmathzq"  # letters: text_to_latex passes them on unchanged
_HELD_PLACE = re.compile(f"{_HELD_FORMULA}(\\d+){_HELD_FORMULA}")


def text_with_math_to_latex(text: str) -> str:
    """Plain text with TeX math between single dollars (titles as arXiv and paper lists
    write them) as a BibTeX value: each formula on the allowlist is kept as math, braced
    with the letters glued to it so that no style changes their case; the rest, formulas
    off the allowlist included, is escaped as text (``text_to_latex``).

    >>> print(text_with_math_to_latex(r"FAC$^2$E: Better $\\infty$-Bench & 50%"))
    {FAC$^2$E}: Better {$\\infty$-Bench} {\\&} 50{\\%}
    >>> print(text_with_math_to_latex(r"$\\input{/etc/passwd}$ Bench"))
    {\\$}\\textbackslash{}input\\textbraceleft{}/etc/passwd\\textbraceright{}{\\$} Bench
    """
    if "$" not in text or _HELD_FORMULA in text.lower():
        return text_to_latex(text)
    kept: list[str] = []

    def hold(match: re.Match[str]) -> str:
        glued = match.group(0)
        if inert_latex(glued) != glued:  # off the allowlist: text, dollars and all
            return glued
        kept.append("{" + glued + "}")
        return f"{_HELD_FORMULA}{len(kept) - 1}{_HELD_FORMULA}"

    latex = text_to_latex(_GLUED_FORMULA.sub(hold, text))
    return _HELD_PLACE.sub(lambda place: kept[int(place.group(1))], latex) if kept else latex


def latex_hazards(value: str) -> list[str]:
    """What ``inert_latex`` would write as text in ``value``: macros off the allowlist,
    formulas with such macros, ``^^`` codes, control characters. Escaping a bare
    ``% # & _`` or a brace without a partner is not a hazard (``check`` reports those on
    their own).

    >>> latex_hazards(r"A $\\UseName{write}18$ and \\emph{b} \\input x")
    ['\\\\UseName in math', '\\\\input']
    """
    if not _MAY_BE_HAZARD.search(value) or _ONLY_ACCENTS.fullmatch(value):
        return []  # most values: no macro, math, ^^ or control; or accents alone
    return tokens_hazards(value)


def tokens_hazards(value: str) -> list[str]:
    """``latex_hazards`` of ``value`` read token by token, however plain it is."""
    tokens = _tokens(value)
    found: list[str] = []
    for kind, start, _end, _unmatched in _segments(tokens):
        if kind == "math":
            found.append(_first_math_hazard(tokens, start, _end))
        elif kind == "token":
            hazard = _token_hazard(tokens, start)
            if hazard:
                found.append(hazard)
    return list(dict.fromkeys(found))


def unescaped_specials(value: str) -> list[str]:
    """The characters LaTeX reads as markup that stand unescaped in ``value``'s text:
    ``& % # _`` outside math and ``\\url{...}`` (``check``'s ``latex-special``).

    >>> unescaped_specials(r"Q&A on $x_1$ at 50\\% \\url{https://x.org/a_b}")
    ['&']
    """
    if not _SPECIALS.search(value):
        return []
    tokens = _tokens(value)
    return [tokens[start].text for kind, start, _end, _unmatched in _segments(tokens)
            if kind == "token" and tokens[start].kind == "special"
            and tokens[start].text in "&%#_"]


def _token_hazard(tokens: list[_Token], index: int) -> str | None:
    token = tokens[index]
    if token.kind == "word" and not _text_macro(token.text[1:]):
        return token.text
    control = token.text[-1] if token.kind in ("control", "symbol") else ""
    if control and _ANY_CONTROL.match(control):
        return None if control in "\t\n\r" else f"control character U+{ord(control):04X}"
    if token.kind == "symbol" and control not in _ACCENT_SYMBOLS | _KEPT_SYMBOLS | set("{}\\"):
        return token.text
    if token.text == "^" and index + 1 < len(tokens) and tokens[index + 1].text == "^":
        return "^^ (a character code)"
    return None


def _first_math_hazard(tokens: list[_Token], start: int, end: int) -> str:
    for token in tokens[start + 1:end]:
        if token.kind == "word" and token.text[1:] not in MATH_MACROS:
            return f"{token.text} in math"
    return "math with " + ("^^ or " if any(t.text == "^" for t in tokens[start:end]) else "") \
        + "characters outside math's allowlist"


# -- source records ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Refused:
    """A field of a source record that did not follow its grammar, and was left out."""

    field: str
    value: str
    reason: str


def _url(value: str) -> str | None:
    plain = ids.unescape_verbatim(value.strip())
    return plain if ids.is_url(plain) else None


def _doi(value: str) -> str | None:
    plain = ids.unescape_verbatim(value.strip())
    return plain if ids.is_doi(plain) else None


def _year(value: str) -> str | None:
    return value.strip() if re.fullmatch(r"\d{4}", value.strip()) else None


def _isbn(value: str) -> str | None:
    return value.strip() if re.fullmatch(r"[0-9Xx][0-9Xx\- ]{7,40}", value.strip()) else None


def _exact(check: Callable[[str], bool]) -> Callable[[str], str | None]:
    return lambda value: value.strip() if check(value.strip()) else None


# Each identifier field, the grammar it must follow, and what it is called in a message.
IDENTIFIER_FIELDS: Mapping[str, tuple[Callable[[str], str | None], str]] = {
    "doi": (_doi, "a DOI"),
    "url": (_url, "an http(s) URL"),
    "ee": (_url, "an http(s) URL"),
    "biburl": (_url, "an http(s) URL"),
    "pdf": (_url, "an http(s) URL"),
    "code": (_url, "an http(s) URL"),
    "data": (_url, "an http(s) URL"),
    "webpage": (_url, "an http(s) URL"),
    "eprint": (_exact(ids.is_arxiv_id), "an arXiv id"),
    "archiveprefix": (_exact(lambda v: v.lower() == "arxiv"), "'arXiv'"),
    "primaryclass": (_exact(ids.is_arxiv_category), "an arXiv subject class"),
    "pages": (ids.normal_pages, "a page range"),
    "year": (_year, "a four-digit year"),
    "month": (ids.month_macro, "a month"),
    "isbn": (_isbn, "an ISBN"),
    "issn": (_isbn, "an ISSN"),
    "anthology": (_exact(ids.is_anthology_id), "an ACL Anthology id"),
    "dblp": (_exact(ids.is_dblp_key), "a DBLP key"),
}


def inert_fields(fields: Mapping[str, str]) -> tuple[dict[str, str], list[Refused]]:
    """A source record's fields made inert: identifiers checked against their grammar
    (normalised: pages with ``--``, months as macros, URLs and DOIs unescaped), every other
    field rebuilt by ``inert_latex``; the identifiers that failed are returned apart.

    >>> kept, refused = inert_fields({"title": r"A \\write18{x}", "doi": "10.1/x},y={z",
    ...                               "pages": "1-2"})
    >>> kept
    {'title': 'A \\\\textbackslash{}write18{x}', 'pages': '1--2'}
    >>> refused[0].field, refused[0].reason
    ('doi', 'not a DOI')
    """
    kept: dict[str, str] = {}
    refused: list[Refused] = []
    for name, value in fields.items():
        grammar = IDENTIFIER_FIELDS.get(name.lower())
        if grammar is None:
            kept[name] = inert_latex(value)
            if name.lower() in ("author", "editor"):  # a name's initial, as Biber takes it
                kept[name] = unbraced_specials(kept[name])
            continue
        checked = grammar[0](value)
        if checked is None:
            refused.append(Refused(name, strip_controls(value)[:200], f"not {grammar[1]}"))
        else:
            kept[name] = checked
    return kept, refused
