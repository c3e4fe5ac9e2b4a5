"""The syntax of the identifiers a citation carries: arXiv ids and categories, DOIs, ACL
Anthology ids, DBLP keys, BibTeX keys, URLs, pages, years and months.

Each grammar lives here once; the source clients, the matcher, ``check`` and the inert
rebuild of source records (``inert``) all ask this module. A value that does not follow
its grammar is not an identifier of that kind, whatever else it holds: this is how a
``doi`` that smuggles ``},note={\\immediate\\write18{...}`` is refused rather than kept.

Every pattern here runs in linear time: no quantifier is nested in another or next to one
over the same characters.
"""

from __future__ import annotations

import re

__all__ = ["ARXIV_ID", "MONTH_MACROS", "PAGE_DASH", "bare_doi", "is_anthology_id", "is_arxiv_category",
           "is_arxiv_id", "is_bibtex_key", "is_dblp_key", "is_doi", "is_url", "month_macro",
           "normal_pages", "parse_anthology_id", "parse_arxiv_id", "unescape_verbatim",
           "web_url"]

MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                "dec")

# arXiv: yymm.nnnn(n) since 2007, archive(.SC)/yymmnnn before; an optional version. The
# archive's length is bounded: "[a-z]+" searched through 40,000 letters was quadratic.
ARXIV_ID = r"(?:\d{4}\.\d{4,5}|(?<![A-Za-z])[a-z]{1,12}(?:-[a-z]{1,12})?(?:\.[A-Z]{2})?/\d{7})"
_ARXIV_EXACT = re.compile(ARXIV_ID + r"(?:v\d{1,3})?")
_ARXIV_IN_TEXT = re.compile(r"(?:arxiv\.org/(?:abs|pdf)/|arxiv:)?(" + ARXIV_ID + r")(v\d+)?"
                            r"(?:\.pdf)?", re.I)
_ARXIV_CATEGORY = re.compile(r"[a-z]{2,8}(?:-[a-z]{2,8})?(?:\.[A-Za-z]{2,8}(?:-[a-z]{2,8})?)?")

# DOI: the handbook allows nearly any printable suffix; this is the part real DOIs use
# (SICI DOIs included), without what TeX or BibTeX read as markup.
_DOI = re.compile(r"10\.\d{4,9}/[A-Za-z0-9\-._;()/:<>\[\]+*']{1,300}")
_DOI_URL = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s?)", re.I)

_ANTHOLOGY_ID = re.compile(r"\d{4}\.[a-z0-9]+(?:-[a-z0-9]+)*\.\d{1,4}|[A-Z]\d{2}-\d{4}")
_DBLP_KEY = re.compile(r"[a-z]{2,12}(?:/[A-Za-z0-9][A-Za-z0-9_\-]{0,80}){1,4}")
# BibTeX ends a key at white space, a comma or a brace; these are the characters keys of
# real files use (colons, slashes, dots, plus, hyphens), none of which TeX reads as markup.
_BIBTEX_KEY = re.compile(r"[A-Za-z0-9_:\-./+]{1,200}")

# RFC 3986: an http(s) URL of unreserved, reserved and percent-encoded characters only.
_URL = re.compile(r"(?i:https?)://[A-Za-z0-9\-.]{1,253}(?::\d{1,5})?"
                  r"(?:[/?#][A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]{0,2000})?")
_LATEX_ESCAPED = re.compile(r"\\([_%&#$~])")

_PAGE = r"[A-Za-z0-9][A-Za-z0-9:.]{0,19}\+?"
_PAGE_RANGE = _PAGE + r"(?:\s?(?:-{1,3}|\u2013|\u2014)\s?" + _PAGE + r")?"
_PAGES = re.compile(_PAGE_RANGE + r"(?:,\s?" + _PAGE_RANGE + r"){0,50}")
# A dash between pages with the blanks around it. A match may start only where a blank run
# starts: from inside a long run of blanks "\s*" would scan the rest of it, at every place.
PAGE_DASH = re.compile(r"(?<!\s)\s*+(?:-+|\u2013|\u2014)\s*+")
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")


def parse_arxiv_id(text: str) -> str | None:
    """The arXiv id (without version) in an id, ``arXiv:`` id or arxiv.org URL, or ``None``.

    >>> parse_arxiv_id("https://arxiv.org/pdf/2304.06767v2.pdf")
    '2304.06767'
    >>> parse_arxiv_id("2213.00001") is None   # there is no 13th month
    True
    """
    stripped = text.strip()
    match = _ARXIV_IN_TEXT.search(stripped)
    if match is None or ("arxiv" not in stripped.lower() and match.group(0) != stripped):
        return None
    found = match.group(1)
    if re.match(r"\d{4}\.", found):  # yymm.nnnn until 2014, yymm.nnnnn since 2015
        month, number = int(found[2:4]), found.split(".")[1]
        if not 1 <= month <= 12 or len(number) != (5 if found[:4] >= "1501" else 4):
            return None
    return found


def is_arxiv_id(value: str) -> bool:
    """An arXiv id exactly (a version allowed), as ``eprint`` holds it.

    >>> is_arxiv_id("2201.11903v6"), is_arxiv_id("hep-th/9901001"), is_arxiv_id("2201.11903}")
    (True, True, False)
    """
    return _ARXIV_EXACT.fullmatch(value) is not None and \
        parse_arxiv_id(value.rsplit("v", 1)[0] if re.search(r"v\d+$", value) else value) is not None


def is_arxiv_category(value: str) -> bool:
    """An arXiv subject class (``cs.CL``, ``stat.ML``, ``hep-th``, ``physics.comp-ph``)."""
    return _ARXIV_CATEGORY.fullmatch(value) is not None


def is_doi(value: str) -> bool:
    """A bare DOI (``10.prefix/suffix``) of the characters real DOIs use.

    >>> is_doi("10.18653/v1/N19-1421"), is_doi("10.18653/v1/x},note={x")
    (True, False)
    """
    return _DOI.fullmatch(value) is not None


def bare_doi(value: str) -> str:
    """A DOI as a lowercase bare ``10.x/y``, from a DOI or a doi.org URL (``''`` if neither).

    >>> bare_doi("https://doi.org/10.18653/V1/N19-1421")
    '10.18653/v1/n19-1421'
    """
    bare = _DOI_URL.sub("", value.strip()).lower()
    return bare if bare.startswith("10.") else ""


def parse_anthology_id(text: str) -> str | None:
    """The Anthology id in an id or an aclanthology.org URL (``.pdf``, ``v2`` dropped).

    >>> parse_anthology_id("https://aclanthology.org/2023.acl-long.304v2.pdf")
    '2023.acl-long.304'
    >>> parse_anthology_id("https://aclanthology.org/2021.eacl-main.145.pdff")
    '2021.eacl-main.145'
    """
    candidate = text.strip()
    if "aclanthology.org/" in candidate:
        candidate = candidate.split("aclanthology.org/", 1)[1].strip("/")
    candidate = re.sub(r"\.(pdf\w*|bib)$", "", candidate)
    candidate = re.sub(r"v\d+$", "", candidate)
    # the Anthology writes old ids in capitals and new ones in lowercase; users may not
    candidate = candidate.upper() if re.fullmatch(r"[A-Za-z]\d{2}-\d{4}", candidate) \
        else candidate.lower()
    return candidate if is_anthology_id(candidate) else None


def is_anthology_id(value: str) -> bool:
    """An ACL Anthology id (``2023.acl-long.304``, ``N19-1421``)."""
    return _ANTHOLOGY_ID.fullmatch(value) is not None


def is_dblp_key(value: str) -> bool:
    """A DBLP record key (``conf/nips/RafailovSMMEF23``, ``journals/corr/abs-2305-18290``).

    >>> is_dblp_key("conf/iclr/Smith23"), is_dblp_key("../../etc/passwd")
    (True, False)
    """
    return _DBLP_KEY.fullmatch(value) is not None


def is_bibtex_key(value: str) -> bool:
    """A citation key BibTeX, Biber and LaTeX's ``\\cite`` all read as one plain word."""
    return _BIBTEX_KEY.fullmatch(value) is not None


def is_url(value: str) -> bool:
    """An http(s) URL made only of the characters RFC 3986 allows (no spaces, braces,
    backslashes or quotes: nothing TeX or BibTeX would read as markup).

    >>> is_url("https://aclanthology.org/N19-1421/"), is_url("https://x.org/a},note={b")
    (True, False)
    """
    return _URL.fullmatch(value) is not None


def web_url(value: str | None) -> str | None:
    """``value`` (stripped) when it is an http(s) URL that may become a link, else ``None``:
    a ``javascript:`` or ``data:`` address, or one with quotes or spaces, never becomes one.

    >>> web_url(" https://arxiv.org/abs/2201.11903 "), web_url("JaVaScRiPt:alert(1)")
    ('https://arxiv.org/abs/2201.11903', None)
    """
    stripped = (value or "").strip()
    return stripped if is_url(stripped) else None


def unescape_verbatim(value: str) -> str:
    """A URL or DOI as it is: DBLP and Mendeley escape them for LaTeX (``paper\\_files``),
    which ``\\url`` and Biber would print, backslash and all.

    >>> print(unescape_verbatim(r"http://papers.nips.cc/paper\\_files/a\\%20b"))
    http://papers.nips.cc/paper_files/a%20b
    """
    return _LATEX_ESCAPED.sub(r"\1", value)


def normal_pages(value: str) -> str | None:
    """``value`` as a page range with BibTeX's ``--`` (``123--130``, ``e1234``, ``1:1--1:20``,
    several ranges separated by commas), or ``None`` when it is not one.

    >>> normal_pages("4299 - 4307"), normal_pages("12\u201315, 20"), normal_pages("1}x")
    ('4299--4307', '12--15, 20', None)
    """
    stripped = value.strip()
    if _PAGES.fullmatch(stripped) is None:
        return None
    return PAGE_DASH.sub("--", stripped)


def month_macro(value: str) -> str | None:
    """The BibTeX month macro of ``value`` (``jan``..``dec``) from a macro, a name, an
    abbreviation or a number 1-12, or ``None``.

    >>> month_macro("November"), month_macro("3"), month_macro("10~")
    ('nov', 'mar', None)
    """
    word = value.strip().lower().rstrip(".")
    if word.isdigit() and 1 <= int(word) <= 12:
        return MONTH_MACROS[int(word) - 1]
    if word in MONTH_MACROS or word in _MONTH_NAMES or (word == "sept"):
        return word[:3]
    return None
