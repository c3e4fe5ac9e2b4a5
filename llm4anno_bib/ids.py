"""The syntax of the identifiers a citation carries: arXiv ids and categories, DOIs, ACL
Anthology ids, DBLP keys, BibTeX keys, URLs, pages, years and months.

Each grammar lives here once; the source clients, the matcher, ``check`` and the inert
rebuild of source records (``inert``) all ask this module. So does every question of
identity: which arXiv id, DOI or Anthology id an entry's fields carry (in whichever field and
URL form a hand-typed entry puts them), and the identity keys (``arxiv:2201.11903``,
``doi:10.18653/v1/n19-1421``, ``acl:N19-1421``, ``title:...``) two entries of one work share. A value that does not follow
its grammar is not an identifier of that kind, whatever else it holds: this is how a
``doi`` that smuggles ``},note={\\immediate\\write18{...}`` is refused rather than kept.

Every pattern here runs in linear time: no quantifier is nested in another or next to one
over the same characters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from llm4anno_bib._text import normalise_title
from llm4anno_bib.errors import InvalidIdentifier

__all__ = ["ARXIV_DOI_PREFIX", "ARXIV_ID", "IDENTITY_LABELS", "MONTH_MACROS", "PAGE_DASH",
           "anthology_id_in", "arxiv_id_in", "arxiv_year", "bare_doi", "doi_in", "identities",
           "identity", "identity_label", "is_anthology_id", "is_arxiv_category",
           "is_arxiv_doi", "is_arxiv_id", "is_bibtex_key", "is_dblp_key", "is_doi", "is_url",
           "month_name",
           "month_macro", "month_number", "normal_pages", "parse_anthology_id",
           "parse_arxiv_id", "parse_dblp_key", "parse_doi", "parse_identifier", "project_url",
           "split_arxiv_version", "unescape_verbatim", "web_url"]

# The kinds of identity two entries of one work can share, with what a message calls them.
IDENTITY_LABELS = {"arxiv": "arXiv id", "doi": "DOI", "acl": "Anthology id", "title": "title"}

MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                "dec")

# arXiv: yymm.nnnn(n) since 2007, archive(.SC)/yymmnnn before; an optional version. The
# archive's length is bounded: "[a-z]+" searched through 40,000 letters was quadratic.
ARXIV_ID = r"(?:\d{4}\.\d{4,5}|(?<![A-Za-z])[a-z]{1,12}(?:-[a-z]{1,12})?(?:\.[A-Z]{2})?/\d{7})"
_ARXIV_EXACT = re.compile(ARXIV_ID + r"(?:v\d{1,3})?")
_ARXIV_IN_TEXT = re.compile(r"(?:arxiv\.org/(?:abs|pdf)/|arxiv:)?(" + ARXIV_ID + r")(v\d+)?"
                            r"(?:\.pdf)?", re.I)
_VERSION = re.compile(r"v(\d{1,3})$")
_ARXIV_CATEGORY = re.compile(r"[a-z]{2,8}(?:-[a-z]{2,8})?(?:\.[A-Za-z]{2,8}(?:-[a-z]{2,8})?)?")

# DOI: the handbook allows nearly any printable suffix; this is the part real DOIs use
# (SICI DOIs included), without what TeX or BibTeX read as markup.
_DOI = re.compile(r"10\.\d{4,9}/[A-Za-z0-9\-._;()/:<>\[\]+*']{1,300}")
_DOI_URL = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s?)", re.I)
# DOIs other registries give a preprint or an Anthology paper: the id is in the suffix.
ARXIV_DOI_PREFIX = "10.48550/"  # DataCite's, for arXiv: 10.48550/arXiv.2201.11903
_ARXIV_DOI = re.compile(re.escape(ARXIV_DOI_PREFIX) + r"arxiv\.(.+)", re.I)
_ANTHOLOGY_DOI = re.compile(r"10\.18653/v1/(.+)", re.I)

_ANTHOLOGY_ID = re.compile(r"\d{4}\.[a-z0-9]+(?:-[a-z0-9]+)*\.\d{1,4}|[A-Z]\d{2}-\d{4}")
_DBLP_KEY = re.compile(r"[a-z]{2,12}(?:/[A-Za-z0-9][A-Za-z0-9_\-]{0,80}){1,4}")
# BibTeX ends a key at white space, a comma or a brace; these are the characters keys of
# real files use (colons, slashes, dots, plus, hyphens), none of which TeX reads as markup.
_BIBTEX_KEY = re.compile(r"[A-Za-z0-9_:\-./+]{1,200}")

# RFC 3986: an http(s) URL of unreserved, reserved and percent-encoded characters only.
_URL = re.compile(r"(?i:https?)://[A-Za-z0-9\-.]{1,253}(?::\d{1,5})?"
                  r"(?:[/?#][A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]{0,2000})?")
_URL_MACRO = re.compile(r"\\url\{([^{}]*)\}")
_LATEX_ESCAPED = re.compile(r"\\([_%&#$~])")

_PAGE = r"[A-Za-z0-9][A-Za-z0-9:.]{0,19}\+?"
_PAGE_RANGE = _PAGE + r"(?:\s?(?:-{1,3}|\u2013|\u2014)\s?" + _PAGE + r")?"
_PAGES = re.compile(_PAGE_RANGE + r"(?:,\s?" + _PAGE_RANGE + r"){0,50}")
# A dash between pages with the blanks around it. A match may start only where a blank run
# starts: from inside a long run of blanks "\s*" would scan the rest of it, at every place.
PAGE_DASH = re.compile(r"(?<!\s)\s*+(?:-+|\u2013|\u2014)\s*+")
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")


# the pages of an arXiv paper by its id on sites that mirror or discuss arXiv
_PAPER_PAGE = re.compile(r"https?://(?:www\.)?(?:huggingface\.co/papers|alphaxiv\.org/(?:abs|overview)"
                         r"|ar5iv\.org/(?:abs|html))/\d{4}\.\d{4,5}(?:v\d+)?/?$", re.I)


def parse_arxiv_id(text: str) -> str | None:
    """The arXiv id (without version) in an id, ``arXiv:`` id or arxiv.org URL, or ``None``.

    >>> parse_arxiv_id("https://arxiv.org/pdf/2304.06767v2.pdf")
    '2304.06767'
    >>> parse_arxiv_id("2213.00001") is None   # there is no 13th month
    True
    >>> parse_arxiv_id("https://huggingface.co/papers/2401.01335")  # its arXiv paper's page
    '2401.01335'
    >>> parse_arxiv_id("https://www.alphaxiv.org/abs/2401.01335v2")
    '2401.01335'
    """
    stripped = text.strip()
    match = _ARXIV_IN_TEXT.search(stripped)
    named = "arxiv" in stripped.lower() or _PAPER_PAGE.match(stripped) is not None
    if match is None or (not named and match.group(0) != stripped):
        return None
    found = match.group(1)
    if re.match(r"\d{4}\.", found):  # yymm.nnnn until 2014, yymm.nnnnn since 2015
        month, number = int(found[2:4]), found.split(".")[1]
        if not 1 <= month <= 12 or len(number) != (5 if found[:4] >= "1501" else 4):
            return None
    return found


def split_arxiv_version(value: str) -> tuple[str, int | None]:
    """An arXiv id and its version (``None`` when none is written).

    >>> split_arxiv_version("2201.11903v6"), split_arxiv_version("solv-int/9901001")
    (('2201.11903', 6), ('solv-int/9901001', None))
    """
    match = _VERSION.search(value)
    return (value[:match.start()], int(match.group(1))) if match else (value, None)


def arxiv_year(arxiv_id: str) -> int | None:
    """The year an arXiv id was given (from its ``yymm``), or ``None`` when it is not one.

    >>> arxiv_year("2201.11903"), arxiv_year("hep-th/9901001"), arxiv_year("x")
    (2022, 1999, None)
    """
    digits = arxiv_id.rpartition("/")[2] if "/" in arxiv_id else arxiv_id
    if not re.match(r"\d{4}", digits) or parse_arxiv_id(arxiv_id) is None:
        return None
    yy = int(digits[:2])
    return 1900 + yy if yy >= 91 else 2000 + yy


def is_arxiv_id(value: str) -> bool:
    """An arXiv id exactly (a version allowed), as ``eprint`` holds it.

    >>> is_arxiv_id("2201.11903v6"), is_arxiv_id("hep-th/9901001"), is_arxiv_id("2201.11903}")
    (True, True, False)
    """
    return _ARXIV_EXACT.fullmatch(value) is not None and \
        parse_arxiv_id(split_arxiv_version(value)[0]) is not None


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


def parse_doi(text: str) -> str | None:
    """The DOI (as written, a final full stop dropped) in a bare DOI, a ``doi:`` DOI or a
    doi.org URL, or ``None``.

    >>> parse_doi("https://dx.doi.org/10.18653/v1/N19-1421."), parse_doi("10.1/x y")
    ('10.18653/v1/N19-1421', None)
    """
    found = _DOI_URL.sub("", text.strip()).rstrip(".")
    return found if is_doi(found) else None


# Publishers' pages that carry the DOI in their path: those under a "/doi/" folder (ACM's
# Digital Library, Wiley, Taylor & Francis, SAGE, Science, PNAS, ACS), Springer Link's and
# Frontiers' articles; a page's own last folder (/full, /abstract) is no part of the DOI
_DOI_PAGE = re.compile(
    r"https?://(?:[\w-]{1,63}\.){1,4}[a-z]{2,6}/(?:[\w-]{1,40}/){0,2}?"
    r"(?:doi/(?:abs/|pdf/|full/|epdf/|fullHtml/|reader/)?"
    r"|(?:article|chapter|content/pdf|articles)/(?=10\.))"
    r"(10\.\d{4,9}/[^?#\s]+?)(?:\.pdf)?(?:/(?:full|abstract|pdf|epdf|html|meta))?/?"
    r"(?:[?#].*)?", re.I)


def doi_of_link(url: str) -> str | None:
    """The DOI a link names: a doi.org URL, or a publisher page whose path holds it (a
    "/doi/" folder, Springer's and Frontiers' articles); ``None`` for any other link.

    >>> doi_of_link("https://dl.acm.org/doi/pdf/10.1145/3560815")
    '10.1145/3560815'
    >>> doi_of_link("https://link.springer.com/chapter/10.1007/978-3-031-56060-6_24")
    '10.1007/978-3-031-56060-6_24'
    >>> doi_of_link("https://onlinelibrary.wiley.com/doi/full/10.1002/asi.24750")
    '10.1002/asi.24750'
    >>> doi_of_link("https://www.frontiersin.org/articles/10.3389/frai.2023.01234/full")
    '10.3389/frai.2023.01234'
    >>> doi_of_link("https://www.nature.com/articles/s41586-023-06291-2")
    '10.1038/s41586-023-06291-2'
    >>> doi_of_link("https://arxiv.org/pdf/2305.08845.pdf") is None
    True
    """
    page = _DOI_PAGE.fullmatch(url.strip())
    found = page.group(1) if page else parse_doi(url) if _DOI_URL.match(url.strip()) else None
    if page is None and found is None:
        found = _doi_of_article_page(url.strip())
    return found if found is not None and is_doi(found) else None


def _doi_of_article_page(url: str) -> str | None:
    """The DOI of a page that names its article without a DOI's folder: Nature Portfolio's
    article ids are the DOI's suffix under 10.1038 (``nature.com/articles/s41586-023-06291-2``
    is ``10.1038/s41586-023-06291-2``); bioRxiv's and medRxiv's pages add the version
    (``.../10.1101/2023.01.01.123456v1.full.pdf``) to a DOI that has none."""
    nature = _NATURE_ARTICLE.fullmatch(url)
    if nature is not None:
        return f"10.1038/{nature.group(1)}"
    preprint = _RXIV_PAGE.fullmatch(url)
    return preprint.group(1) if preprint is not None else None


_NATURE_ARTICLE = re.compile(r"https?://(?:www\.)?nature\.com/articles/([a-z][a-z0-9-]{4,60}+)"
                             r"(?:\.pdf)?/?(?:[?#].*)?", re.I)
_RXIV_PAGE = re.compile(r"https?://(?:www\.)?(?:bio|med)rxiv\.org/content/(?:early/[\d/]{10}/)?"
                        r"(10\.1101/\d{4}\.\d\d\.\d\d\.\d{5,8}+)(?:v\d{1,3}+)?"
                        r"(?:\.full|\.abstract|\.full\.pdf|\.full-text)?/?(?:[?#].*)?", re.I)


def parse_anthology_id(text: str) -> str | None:
    """The Anthology id in an id, an aclanthology.org URL or an old aclweb.org/anthology
    one, whose nested folders real files still cite (``.pdf``, ``v2`` dropped).

    >>> parse_anthology_id("https://aclanthology.org/2023.acl-long.304v2.pdf")
    '2023.acl-long.304'
    >>> parse_anthology_id("https://aclanthology.org/2021.eacl-main.145.pdff")
    '2021.eacl-main.145'
    >>> parse_anthology_id("https://www.aclweb.org/anthology/W18-6319")
    'W18-6319'
    >>> parse_anthology_id("http://aclweb.org/anthology/D/D16/D16-1264.pdf")
    'D16-1264'
    """
    candidate = text.strip()
    site = _ANTHOLOGY_SITE.search(candidate)
    if site:
        candidate = candidate[site.end():].strip("/").rpartition("/")[2]
    candidate = re.sub(r"\.(pdf\w*|bib)$", "", candidate)
    candidate = re.sub(r"v\d+$", "", candidate)
    # the Anthology writes old ids in capitals and new ones in lowercase; users may not
    candidate = candidate.upper() if re.fullmatch(r"[A-Za-z]\d{2}-\d{4}", candidate) \
        else candidate.lower()
    return candidate if is_anthology_id(candidate) else None


_ANTHOLOGY_SITE = re.compile(r"aclanthology\.org/|aclweb\.org/anthology/", re.I)


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


# hosts whose repository pages carry only the browser's view in their query and fragment
# (``?tab=readme-ov-file``, ``#readme``) and read owner and name in any case
_CODE_HOSTS = frozenset({"github.com", "gitlab.com", "huggingface.co", "bitbucket.org"})


def same_page(first: str, second: str) -> bool:
    """Whether two links open the same page: the scheme, a ``www.``, a trailing slash and a
    fragment aside, and on a code host (GitHub, GitLab, Hugging Face) the view's query and
    ``.git`` too, which a list copies from the browser's address bar.

    >>> same_page("https://github.com/X/y", "http://www.github.com/x/y/?tab=readme-ov-file")
    True
    >>> same_page("https://x.org/a?id=1", "https://x.org/a?id=2")
    False
    """
    return _page_of(first) == _page_of(second)


def _page_of(url: str) -> tuple[str, str, str]:
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # an unbalanced "[" of an IPv6 host: compared as written
        return url, "", ""
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path.rstrip("/")
    if host in _CODE_HOSTS:
        return host, path.removesuffix(".git").lower(), ""
    return host, path, parts.query


def project_url(fields: Mapping[str, str]) -> str | None:
    r"""The URL of ``howpublished = {\url{...}}``: how a project's own citation (a GitHub
    repository) says where it is; ``None`` for any other entry.

    >>> project_url({"howpublished": "\\url{https://github.com/x/y}"})
    'https://github.com/x/y'
    """
    match = _URL_MACRO.fullmatch(fields.get("howpublished", ""))
    return match.group(1) if match else None


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


def month_number(value: str) -> int | None:
    """The month 1-12 that ``value`` names (as ``month_macro`` reads it), or ``None``.

    >>> month_number("nov"), month_number("March"), month_number("13")
    (11, 3, None)
    """
    macro = month_macro(value)
    return MONTH_MACROS.index(macro) + 1 if macro is not None else None


def month_name(value: str) -> str | None:
    """The English name of the month ``value`` names, as BibTeX's styles print the month
    macros (``jul`` -> ``July``), or ``None``.

    >>> month_name("jul"), month_name("9"), month_name("spring")
    ('July', 'September', None)
    """
    number = month_number(value)
    return _MONTH_NAMES[number - 1].capitalize() if number is not None else None


def parse_identifier(text: str) -> tuple[str, str]:
    """What ``text`` names: ``("arxiv", id)``, ``("acl", id)``, ``("doi", doi)`` or
    ``("dblp", key)``; a DOI of an arXiv preprint or an Anthology paper names that.

    >>> parse_identifier("https://arxiv.org/abs/2201.11903v6")
    ('arxiv', '2201.11903')
    >>> parse_identifier("https://doi.org/10.18653/v1/2023.acl-long.304")
    ('acl', '2023.acl-long.304')
    >>> parse_identifier("2022.emnlp-main.801")
    ('acl', '2022.emnlp-main.801')
    >>> parse_identifier("https://dl.acm.org/doi/abs/10.1145/3560815")
    ('doi', '10.1145/3560815')

    Raises ``InvalidIdentifier`` for anything else.
    """
    value = text.strip()
    doi = parse_doi(value) or doi_of_link(value)  # a publisher's page holds it too
    if doi is not None:
        return _named_by_doi(doi) or ("doi", doi)
    arxiv_id = parse_arxiv_id(value)
    if arxiv_id:
        return "arxiv", arxiv_id
    anthology_id = parse_anthology_id(value)
    if anthology_id:
        return "acl", anthology_id
    dblp_key = parse_dblp_key(value)
    if dblp_key:
        return "dblp", dblp_key
    raise InvalidIdentifier(
        f"'{text}' is not an arXiv id or URL (2201.11903), an ACL Anthology id or URL "
        "(2023.acl-long.304), a DOI (10.18653/v1/2023.acl-long.304), a publisher's page "
        "holding one (https://dl.acm.org/doi/10.1145/3560815) or a DBLP record "
        "(https://dblp.org/rec/conf/nips/RafailovSMMEF23).")


def parse_dblp_key(text: str) -> str | None:
    """The DBLP key a record's page or BibTeX key names, or ``None``.

    >>> parse_dblp_key("https://dblp.org/rec/conf/nips/RafailovSMMEF23.html")
    'conf/nips/RafailovSMMEF23'
    >>> parse_dblp_key("DBLP:journals/corr/abs-2305-18290"), parse_dblp_key("a/b")
    ('journals/corr/abs-2305-18290', None)
    """
    found = _DBLP_PAGE.fullmatch(text.strip())
    key = found.group("key") if found else None
    return key if key is not None and is_dblp_key(key) else None


# a record's page on DBLP or a mirror (".html", ".bib", ".xml", the old "/rec/bibtex/"), a
# BibTeX key "DBLP:...", or a bare key of a publication's kind
_DBLP_PAGE = re.compile(r"(?:https?://(?:www\.)?dblp(?:\.org|\.uni-trier\.de|\.dagstuhl\.de)"
                        r"/rec/(?:bibtex/|bib[12]?/)?|DBLP:)?(?P<key>(?:conf|journals|books|series"
                        r"|phd|reference|tr|ms)/[^\s?#]{1,200}?)(?:\.(?:html|bib|xml))?")


def names_version_of_record(doi: str) -> bool:
    """Whether a DOI is a publisher's (Crossref's to tell), not one of an arXiv preprint
    or an Anthology paper (their own sources tell those).

    >>> names_version_of_record("10.1145/3560815")
    True
    >>> names_version_of_record("10.48550/arXiv.2201.11903")
    False
    """
    return is_doi(doi) and _named_by_doi(doi) is None


def is_arxiv_doi(doi: str) -> bool:
    """Whether ``doi`` is one arXiv gives a preprint (``10.48550/arXiv.<id>``).

    >>> is_arxiv_doi("10.48550/ARXIV.2201.11903"), is_arxiv_doi("10.1145/3560815")
    (True, False)
    """
    return _ARXIV_DOI.match(doi) is not None


def _named_by_doi(doi: str) -> tuple[str, str] | None:
    arxiv = _ARXIV_DOI.fullmatch(doi)
    arxiv_id = parse_arxiv_id("arXiv:" + arxiv.group(1)) if arxiv else None
    if arxiv_id:
        return "arxiv", arxiv_id
    anthology = _ANTHOLOGY_DOI.fullmatch(doi)
    anthology_id = parse_anthology_id(anthology.group(1)) if anthology else None
    return ("acl", anthology_id) if anthology_id else None


# Where a hand-typed entry puts an arXiv id: ``journal = {arXiv preprint arXiv:2201.11903}``.
# (NASA ADS writes the id as the eid and pages of its "arXiv e-prints" journal; some exports
# as a number)
_ARXIV_ID_FIELDS = ("url", "pdf", "journal", "journaltitle", "booktitle", "howpublished",
                    "note", "eid", "pages", "number")


def arxiv_id_in(fields: Mapping[str, str]) -> str | None:
    """The arXiv id an entry's fields carry: its eprint, an arXiv DOI, or an arXiv id in a
    URL or venue field.

    >>> arxiv_id_in({"journal": "arXiv preprint arXiv:2201.11903"})
    '2201.11903'
    >>> arxiv_id_in({"eprint": "2201.11903v6", "archiveprefix": "arXiv"})
    '2201.11903'
    >>> arxiv_id_in({"booktitle": "arXiv preprint arXiv:1308.3432"})
    '1308.3432'
    >>> arxiv_id_in({"journal": "CoRR", "volume": "abs/1308.3432"})
    '1308.3432'
    >>> arxiv_id_in({"url": "https://huggingface.co/papers/2305.14387"})
    '2305.14387'
    """
    eprint = fields.get("eprint", "").strip()
    if eprint:
        prefix = fields.get("archiveprefix", fields.get("eprinttype", "")).lower()
        found = parse_arxiv_id("arXiv:" + eprint)
        if found or prefix == "arxiv":
            return found or eprint
    doi = parse_doi(fields.get("doi", ""))
    named = _named_by_doi(doi) if doi else None
    if named is not None and named[0] == "arxiv":
        return named[1]
    for name in _ARXIV_ID_FIELDS:
        value = fields.get(name, "")
        found = parse_arxiv_id(value) if value and ("arxiv" in value.lower() or (
            "://" in value and _PAPER_PAGE.match(value.strip()))) else None
        if found:
            return found
    volume = fields.get("volume", "").strip()
    if volume.lower().startswith("abs/") and \
            fields.get("journal", "").strip().lower() in ("corr", "arxiv"):
        # DBLP's CoRR, and Semantic Scholar's "ArXiv" after it: volume = {abs/<id>}
        return parse_arxiv_id("arXiv:" + volume[4:])
    if fields.get("arxivid"):  # Mendeley's own field, the bare id
        return parse_arxiv_id("arXiv:" + fields["arxivid"].strip())
    return None


def doi_in(fields: Mapping[str, str]) -> str | None:
    """The DOI an entry's fields carry (lowercase, bare): its ``doi``, or a doi.org ``url``.

    >>> doi_in({"doi": "https://doi.org/10.1000/ABC"}), doi_in({"url": "https://doi.org/10.1/x"})
    ('10.1000/abc', '10.1/x')
    """
    for name in ("doi", "url"):
        value = fields.get(name, "")
        if name == "url" and not _DOI_URL.match(value.strip()):
            continue
        bare = bare_doi(value)
        if bare:
            return bare
    return None


def anthology_id_in(fields: Mapping[str, str]) -> str | None:
    """The ACL Anthology id an entry's fields carry: its ``anthology`` field, or the id in
    an Anthology URL or an Anthology DOI (``10.18653/v1/<id>``).

    >>> anthology_id_in({"doi": "10.18653/v1/2023.acl-long.304"})
    '2023.acl-long.304'
    """
    stated = fields.get("anthology", "").strip()
    if stated:
        return parse_anthology_id(stated) or stated
    url = fields.get("url", "")
    if _ANTHOLOGY_SITE.search(url):
        return parse_anthology_id(url)
    doi = doi_in(fields)
    named = _named_by_doi(doi) if doi else None
    return named[1] if named is not None and named[0] == "acl" else None


def identity(kind: str, value: str) -> str:
    """The identity key of one identifier: ``identity("doi", "10.1/X") == "doi:10.1/x"``."""
    if kind == "doi":
        value = bare_doi(value) or value.strip().lower()
    elif kind == "title":
        value = normalise_title(value)
    return f"{kind}:{value}"


def identities(fields: Mapping[str, str], title: str = "") -> tuple[str, ...]:
    """The identity keys of an entry (``title`` is its title as plain text): two entries
    sharing one are the same work.

    >>> identities({"url": "https://doi.org/10.18653/v1/N19-1421"}, "On {BERT}")
    ('doi:10.18653/v1/n19-1421', 'acl:N19-1421', 'title:on bert')
    """
    found = []
    for kind, value in (("arxiv", arxiv_id_in(fields)), ("doi", doi_in(fields)),
                        ("acl", anthology_id_in(fields)), ("title", normalise_title(title))):
        if value:
            found.append(f"{kind}:{value}")
    return tuple(found)


def identity_label(key: str) -> str:
    """What a message calls the kind of an identity key: ``'DOI'`` for ``doi:10.1/x``."""
    return IDENTITY_LABELS[key.partition(":")[0]]
