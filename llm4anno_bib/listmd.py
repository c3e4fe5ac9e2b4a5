"""The list README: reading it (section tree, items, intro) and rendering it from a library.

A list is read in any of the common shapes of paper lists (``parse_list``); it is rendered
in the seed's, ``- [Venue Year] Title. [[pdf]](url) [[code]](url)``. The intro is everything
before the first section heading; in the library it is kept with two marker lines where the
survey's link and its citation block go, so that they are always rendered from the survey's
entry (``SURVEY_LINK``, ``SURVEY_CITATION``).
"""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple, TypeGuard, TypeVar

from llm4anno_bib._text import TEX_INLINE_FORMULA, latex_to_text, shortened, strip_controls
from llm4anno_bib.ids import is_url, parse_arxiv_id, same_page, web_url
from llm4anno_bib.model import (
    CURATED_FIELD, Category, Entry, Library, slugify, venue_acronym, venue_label,
)
from llm4anno_bib.names import listed_names
from llm4anno_bib.venues import names_preprint, venue_of

SURVEY_LINK = "<!-- llm4anno-bib: survey link -->"
SURVEY_CITATION = "<!-- llm4anno-bib: survey citation -->"

# On a stripped line. No pattern here has two quantifiers over the same characters side by
# side, and none scans on from every place a search may start: a README is anyone's text
# (a link's text stops at the next "[", its URL at the next "(" or "[").
_HEADING = re.compile(r"#{2,4}+[ \t]++(\S.*+)")
_HTML_HEADING = re.compile(r"<h(?P<level>[2-4])(?:[ \t][^>]*+)?>(?P<text>.*?)</h(?P=level)>",
                           re.I)
# (a task list's box after the marker, "- [x] Title", is no part of the item)
_BULLET = re.compile(r"(?:[-*+]|\d{1,4}[.)])[ \t]++(?:\[[ xX]\][ \t]++)?+(?P<body>.*+)")
_LABEL = re.compile(r"\[(?P<label>[^\[\]]++)\](?!\()[ \t]*+(?P<rest>.*+)")
# The other common shapes: "[**Title.**](url) *Authors.* Venue Year." and
# "**Title**. Doe, Jane, Roe, Richard. *Venue* (Year) [[Paper]](url)"
_BOLD_LINK = re.compile(r"\[\*\*(?P<title>(?:[^\]*\\]|\\.)++)\*\*\]\((?P<url>[^)\s]++)\)(?P<rest>.*+)")
_BOLD_TITLE = re.compile(r"\*\*(?P<title>(?:[^*]|\*(?![*\s]))++)\*\*(?P<rest>.*+)")  # "C*-algebra"
# (a workshop's too: "DPFM@ICLR 2024")
_BOLD_LABEL = re.compile(r"(?P<label>[A-Za-z][\w .&@-]{0,60}?[ \t]\d{4})[ \t.]*")
_EMPHASIS = re.compile(r"(?<![*\w])[*_](?P<text>[^*_\[\]()]{1,80}+)[*_](?![*\w])")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_ANCHOR_ONLY = re.compile(r"(?:[-*+]|\d{1,4}[.)])[ \t]++\[[^\]]++\]\(#[^)\s]*+\)")
_IMAGE = re.compile(r"!\[[^\[\]]*+\]\([^()\[\]\s]*+\)")
_LINK = re.compile(r"\[(?P<text>[^\[\]]*+)\]\((?P<url>[^()\[\]\s]*+)\)")
_SPACED_DESTINATION = re.compile(r"\]\([ \t]++(?P<url>[^()\[\]\s]++)[ \t]*+\)|"
                                 r"\]\((?P<url2>[^()\[\]\s]++)[ \t]++\)")
_DOUBLE_LINK = re.compile(r"\[\[(?P<text>[^\[\]]*+)\]\]\((?P<url>[^()\[\]\s]*+)\)")
# a tag before the title, "(black-box) Title": no part of it
_TAG = re.compile(r"\((?P<tag>(?:[^()]|\([^()]{0,40}+\)){1,60}+)\)[ \t]++(?=\S)")
# link texts that say what a link is rather than what it names
_GENERIC = frozenset({"pdf", "paper", "arxiv", "abs", "link", "here", "html", "doi", "acl",
                      "openreview", "code", "github", "repo", "project", "website", "page",
                      "data", "dataset", "blog", "url", "anthology", "proceedings", "slides",
                      "论文", "原文", "链接", "代码", "数据", "数据集", "主页", "项目"})
# Where papers live: a bullet that links only elsewhere (a repository, a dataset page, a
# blog) is no paper and is left out, said in ``ListDocument.left_out``
_PAPER_HOSTS = re.compile(
    r"https?://(?:[\w-]+\.)*(?:arxiv\.org|aclanthology\.org|doi\.org|openreview\.net|"
    r"dl\.acm\.org|proceedings\.neurips\.cc|papers\.nips\.cc|proceedings\.mlr\.press|"
    r"link\.springer\.com|ieeexplore\.ieee\.org|techrxiv\.org|aaai\.org|ijcai\.org|"
    r"openaccess\.thecvf\.com|jmlr\.org|nature\.com|science\.org|biorxiv\.org|"
    r"huggingface\.co/papers|aclweb\.org|direct\.mit\.edu|transacl\.org|usenix\.org|"
    r"ndss-symposium\.org|isca-speech\.org|jair\.org|computer\.org|wiley\.com|"
    r"tandfonline\.com|sagepub\.com|academic\.oup\.com|cambridge\.org|pnas\.org|"
    r"plos\.org|frontiersin\.org|mdpi\.com|cell\.com|iop\.org|ssrn\.com|medrxiv\.org|"
    r"psyarxiv\.com|osf\.io|ncbi\.nlm\.nih\.gov|europepmc\.org|hal\.science|"
    r"semanticscholar\.org|sciencedirect\.com|neurips\.cc|icml\.cc|iclr\.cc|ecva\.net|"
    r"isca-archive\.org|mlsys\.org|ceur-ws\.org|paperswithcode\.com/paper|"
    r"researchgate\.net/publication|alphaxiv\.org|ar5iv\.org)/"
    r"|\.pdf(?:$|[?#])", re.I)


@dataclass(frozen=True, slots=True)
class ListItem:
    """One bullet of the list, as written."""

    line: int
    section: str
    label: str | None
    title: str
    links: tuple[tuple[str, str], ...]
    authors: tuple[str, ...] = ()  # BibTeX names, where the item names its authors
    et_al: bool = False  # the item names only the first authors ("et al.")
    # named by what a reading guide calls the paper ("[GKD](url) + [MiniLLM](url)"), not its
    # title: its link decides the work, and its words are no title to check or search for
    short_name: bool = False

    @property
    def first_author(self) -> str | None:
        return self.authors[0] if self.authors else None

    def link(self, kind: str) -> str | None:
        """The first link of this kind (``pdf``, ``code``, ``data``, ``repo``, ``html``)."""
        return next((url for k, url in self.links if k == kind), None)

    @property
    def paper_link(self) -> str | None:
        return self.link("pdf") or self.link("paper") or self.link("html")


@dataclass(frozen=True, slots=True)
class ListDocument:
    sections: tuple[Category, ...]
    items: tuple[ListItem, ...]
    citation_block: str | None
    survey_link: tuple[str, str] | None
    intro: str = ""
    left_out: tuple[tuple[int, str, str], ...] = ()  # (line, title, link) of non-papers
    # (line, link, why) of links that are no web address: never written. An item whose
    # paper link is one of them is refused whole
    refused: tuple[tuple[int, str, str], ...] = ()
    # (line, text, link) of lines that link a paper but read as no item in any shape
    unread: tuple[tuple[int, str, str], ...] = ()
    # (line, text) of bullets that name what reads as a paper's title but link nothing
    # (``- A Survey on Data Selection for Language Models``): no item, said
    unlinked: tuple[tuple[int, str], ...] = ()


def parse_list(text: str) -> ListDocument:
    """Parse a paper list README.

    Headings (``##`` to ``####``, or ``<h2>`` to ``<h4>``) are the 3-level category tree; a
    heading under which no paper is listed (a contents block, news, contributing) is no
    category. Items are bullets in any of the common shapes (``- [Venue Year] Title.
    [[pdf]](url)``, ``- [**Title.**](url) *Authors.* Venue Year.``, ``- **Title**. *Venue*
    (Year) [[Paper]](url)``, a table row ``| [Title](url) | 03-2025 |``), and any other
    bullet that links a paper, titled by its link's text. A bullet that links no paper (a
    repository, a blog, a badge) is ``left_out``; contents lines (``- [Name](#anchor)``) are
    skipped. HTML comments are ignored (their line numbers kept).

    >>> document = parse_list("## Methods\\n- **Chain-of-Thought Prompting**. *NeurIPS* "
    ...                       "(2022) [[Paper]](https://arxiv.org/abs/2201.11903)\\n")
    >>> item = document.items[0]
    >>> item.title, item.label, item.paper_link
    ('Chain-of-Thought Prompting', 'NeurIPS 2022', 'https://arxiv.org/abs/2201.11903')
    """
    text = list_as_markdown(text)
    intro = _intro(text)
    text = _links_tidied(_without_comments(text))
    # (every step after keeps the line numbers and leaves code blocks as they are)
    fenced = _fenced_lines(text)
    text = _papers_of_field_lists(_levels_skipped_closed(_sections_from_level_one(
        atx_headings(_blanks_collapsed(_inline_references(text, fenced), fenced)), fenced),
        fenced))
    sections: list[Category] = []
    items: list[ListItem] = []
    left_out: list[tuple[int, str, str]] = []
    refused: list[tuple[int, str, str]] = []
    parents: list[str] = []
    taken: dict[str, int] = {}  # the slugs given, and the next number to try after each
    contents: set[str] = set()  # sections with a contents block of #anchor links
    untitled = _Unlinked()
    unread: list[tuple[int, str, str]] = []
    unlinked: list[tuple[int, str]] = []
    grouping = _group_titles(text, fenced)
    grouped: set[str] = set()  # the sections group titles opened
    opens_at = _headless_start(text, fenced)
    for number, raw in _logical_lines(text):
        line = raw.strip()
        if number in grouping and sections:  # "**Evaluation**" over its papers
            _open_group(grouping[number], sections, parents, taken, grouped)
            continue
        if number in fenced:  # a code block's lines: no heading, no paper (a list's template)
            continue
        if _heading_read(line, number, sections, items, parents, taken, opens_at):
            continue
        if not sections:
            continue
        if _ANCHOR_ONLY.fullmatch(line):
            contents.add(sections[-1].slug)
            continue
        if not _authors_of_last(line, number, items) and \
                not _links_of_last(raw, line, number, items):
            for bullet, read in _read_works(untitled, raw, line, number, sections[-1].slug):
                _take_item(read, items, left_out, refused)
                if read is None:
                    _say_unread(raw, bullet, number, sections[-1].heading, unread, unlinked)
    if not items:  # no shape known: every line that links a paper, under one section
        loose: list[tuple[int, str, str]] = []
        sections, items, left_out = _read_loosely(text, loose)
        refused += [line for line in loose if line not in refused]
    items = _without_the_lists_notes(items)
    block = _citation_block(text)
    survey = re.search(r"^\[\[([^\]]+)\]\]\(([^)]*)\)", text, re.M)
    return ListDocument(_holding_papers(sections, items, contents), tuple(items),
                        block[2] if block else None,
                        (survey.group(1), survey.group(2)) if survey else None, intro,
                        tuple(left_out), tuple(refused), _still_unread(unread, items),
                        _still_unread(unlinked, items))


def _read_works(untitled: _Unlinked, raw: str, line: str, number: int, section: str
                ) -> list[tuple[str, ListItem | tuple[int, str, str] | None]]:
    """Each bullet a line stands for (``_works_apart``) and what it reads as; the items of a
    line naming several papers are named short (``ListItem.short_name``)."""
    bullets = _works_apart(line)
    reads = [untitled.read(raw, bullet, number, section) for bullet in bullets]
    if len(bullets) > 1:
        reads = [replace(read, short_name=True) if isinstance(read, ListItem) else read
                 for read in reads]
    return list(zip(bullets, reads))


def _say_unread(raw: str, bullet: str, number: int, heading: str,
                unread: list[tuple[int, str, str]], unlinked: list[tuple[int, str]]) -> None:
    """A bullet that read as no item, kept to be said: one that links a paper in no shape
    (``unread``), or one naming a title alone outside the sections of how to take part and
    not indented (a note under an item, "  - This paper proposes ...", is none)."""
    if "://" in bullet:
        unread += _paper_unread(bullet, number)
    elif not raw[:1].isspace() and not _BOILERPLATE.search(heading):
        unlinked += _title_alone(bullet, number)


def _title_alone(line: str, number: int) -> list[tuple[int, str]]:
    """``[(number, title)]`` where ``line`` is a bullet that names what reads as a paper's
    title (four words or more, a letter first) and links nothing, else ``[]``; a bullet
    opening with code (`` `data/papers.csv`: the seed list``) names a file or a command."""
    bullet = _BULLET.fullmatch(line)
    if bullet is None or "](" in line or "://" in line or bullet.group("body").startswith("`"):
        return []
    title = _clean_title(bullet.group("body"))
    return [(number, shortened(title))] if title[:1].isalpha() and \
        len(title.split()) >= 4 and not title.endswith((":", "：")) else []


# the sections every list has around its papers, whose bullets say how to take part
# ("- Paper title, arXiv link, and date"), never what a paper is called
_BOILERPLATE = re.compile(r"contribut|citation|\bcit(?:e|ing)\b|licen[cs]e|acknowledg|contact|"
                          r"star[ -]history|\bto[ -]?do\b|\bfaq\b|changelog", re.I)


def _without_the_lists_notes(items: list[ListItem]) -> list[ListItem]:
    """``items`` without the links to a document file in a repository that three items or
    more share: the list's own notes on its tags (every row of Awesome-LLMs-Pruning links
    ``.../blob/main/concepts/types.md`` from a badge), no paper's code. A document one item
    links (a monorepo's project README) stays its code."""
    shared = Counter(url for item in items for url in {url for _kind, url in item.links
                                                       if _REPOSITORY_DOCUMENT.match(url)})
    notes = {url for url, count in shared.items() if count >= 3}
    if not notes:
        return items
    return [replace(item, links=tuple(link for link in item.links if link[1] not in notes))
            if any(url in notes for _kind, url in item.links) else item for item in items]


# a file in a repository that is a document, not the repository (its root README is)
_REPOSITORY_DOCUMENT = re.compile(
    r"https?://(?:www\.)?(?:github\.com|gitlab\.com)/[^/?#]++/[^/?#]++/(?:-/)?(?:blob|raw)/"
    r"[^/?#]++/(?!readme\.\w++(?:[?#]|$))[^?#]*?\.(?:md|markdown|rst|txt|html?|png|jpe?g|gif|svg)"
    r"(?:[?#]|$)", re.I)


def _works_apart(line: str) -> list[str]:
    """A bullet that names several papers by their links after a label or nothing else
    (``**"If you only read 3 papers":** [GKD](url) (Foundation) + [MiniLLM](url)``,
    ``Follow the trajectory: [OPSD](url) → [RLKD](url)``, ``[LLaMA](url), [LLaMA 2](url)``)
    as one bullet per paper, each titled by its link's text; any other line as it is. Read
    whole, the label would be the first paper's title and the other papers' links its own.

    >>> _works_apart("- Related: [Paper One](https://arxiv.org/abs/2306.13649), "
    ...              "[Paper Two](https://arxiv.org/abs/2306.08543)")
    ['- [Paper One](https://arxiv.org/abs/2306.13649)', '- [Paper Two](https://arxiv.org/abs/2306.08543)']
    """
    bullet = _BULLET.fullmatch(line) if line.count("](") >= 2 else None
    if bullet is None:  # (most lines: one link, or none)
        return [line]
    body = bullet.group("body")
    papers = [link for link in _LINK.finditer(body) if _PAPER_HOSTS.search(link.group("url"))]
    if len(papers) < 2:  # (a paper and its code: their words are never read here)
        return [line]
    named = [link for link in papers if _names_a_paper(link, body)]
    if len(named) < 2 or len({_work_named(link) for link in named}) < len(named):
        return [line]
    lead = _LEAD_MARKS.sub("", body[:named[0].start()])
    if lead and not lead.endswith((":", "：")):
        return [line]  # "Title [Name](url) [Other](url)": a title, and links of its own
    if not all(_SEPARATOR.fullmatch(_NOTE.sub("", body[before.end():after.start()]))
               for before, after in zip(named, named[1:])):
        return [line]  # "[Title](url) ([Journal version](url))": one paper's two links
    return [f"- [{link.group('text')}]({link.group('url')})" for link in named]


def _names_a_paper(link: re.Match[str], body: str) -> bool:
    """Whether a link to a paper host is under words that name the paper (not "PDF", a
    venue and year, a citation or an image's text)."""
    text = link.group("text").strip()
    return body[link.start() - 1:link.start()] not in ("!", "[") and \
        not _is_generic(text) and not _is_label(text) and _link_label(text) is None


def _work_named(link: re.Match[str]) -> tuple[str, str]:
    """What tells two links' papers apart: both the words and the paper (an arXiv id, the
    same for its abstract and its PDF, else the address)."""
    url = link.group("url")
    return (_clean_title(link.group("text")).lower(),
            parse_arxiv_id(url) or url.lower().removesuffix("/"))


# a note after a paper's link, "(Foundation)"
_NOTE = re.compile(r"\([^()\[\]]{0,200}+\)")
# what stands between the papers of one bullet: punctuation, arrows, "and", "then"
_SEPS = r"[\s,;+/|&→⇒➜➔⟶>、，；·•–—.-]*+"
_SEPARATOR = re.compile(_SEPS + r"(?:(?:and|or|then|vs\.?)" + _SEPS + r")?", re.I)


def _sections_from_level_one(text: str, fenced: frozenset[int]) -> str:
    """``text`` with each heading a level down where the list's sections are ``#``
    headings (a paper listed under one: ``# Papers``, ``# Datasets``; or two or more over
    ``##`` sections of papers: ``_groups_of_sections``), so that they are
    the top of its tree as ``##`` headings are in most lists; else ``text`` as it is.
    ``fenced``: its lines in code blocks (``_fenced_lines``)."""
    lines = text.split("\n")
    level = 0
    for line, deeper in _lines_with_levels(lines, fenced):
        if deeper:
            if level == 1 and deeper > 1 and _LINKED_HEADING.fullmatch(line.strip()):
                break  # "# Datasets" over "## [(owner/name)|52K](repo)": each heading a work
            level = deeper
        elif level == 1 and _LINKING_LINE.match(line):
            break
    else:
        if not _groups_of_sections(lines, fenced):
            return text
    for index, line in enumerate(lines):
        if index + 1 not in fenced and _ANY_HEADING.match(line):
            lines[index] = _HTML_LEVEL.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + 1}",
                                           line) if line.lstrip().startswith("<") else f"#{line}"
    return "\n".join(lines)


def _levels_skipped_closed(text: str, fenced: frozenset[int]) -> str:
    """``text`` with each ``##``-or-deeper heading one level below the heading it is
    under, where the list skips a level (``## Resources`` over ``#### Models`` and
    ``#### Corpora``, as LLMSurvey writes them): the second ``####`` was read as under the
    first, and a ``#####`` below them as no section at all."""
    lines = text.split("\n")
    open_levels: list[int] = []  # the levels of the headings the current one is under
    for index, line in enumerate(lines):
        level = _atx_level(line)
        if level < 2 or index + 1 in fenced:
            continue
        while open_levels and open_levels[-1] >= level:
            open_levels.pop()
        wanted = 2 + len(open_levels)
        open_levels.append(level)
        if wanted != level:
            lines[index] = "#" * wanted + line[level:]
    return "\n".join(lines)


def _groups_of_sections(lines: list[str], fenced: frozenset[int]) -> bool:
    """Whether ``#`` headings after the list's title group its sections: two or more hold
    papers under their ``##`` headings ("# Attacks" and "# Defenses", each over "##" and
    "###" sections), and a level down the tree still has room for the deepest of them."""
    holding: set[int] = set()  # the level-one headings (by their order) over a paper
    groups, level, deepest = 0, 0, 0
    for line, heading_level in _lines_with_levels(lines, fenced):
        if heading_level:
            level = heading_level
            groups += level == 1
        elif groups > 1 and _LINKING_LINE.match(line):  # (the first "#" is the title)
            holding.add(groups)
            deepest = max(deepest, level)
    return len(holding) >= 2 and deepest <= 3


def _lines_with_levels(lines: list[str], fenced: frozenset[int]) -> Iterator[tuple[str, int]]:
    """Each line outside code blocks with its heading level (``#`` or ``<h1>`` is 1), 0 for
    a line that is no heading."""
    for number, line in enumerate(lines, start=1):
        if number not in fenced:
            heading = _ANY_HEADING.match(line)
            yield line, 0 if heading is None else (
                len(heading.group("marks") or "") or int(heading.group("level")))


# a Markdown or HTML heading at a line's start, with its level
_ANY_HEADING = re.compile(r"(?:(?P<marks>#{1,6}+)[ \t]|[ \t]*+<h(?P<level>[1-6])[\s>])", re.I)
_HTML_LEVEL = re.compile(r"(</?h)([1-5])(?=[\s>])", re.I)
# an item or table row linking something: a paper listed under the heading above it
_LINKING_LINE = re.compile(r"[ \t]*+(?:[-*+|]|\d{1,4}[.)])[^\n]*?\]\(https?://")


def _open_group(name: str, sections: list[Category], parents: list[str],
                taken: dict[str, int], grouped: set[str]) -> None:
    """Open the section a group title (``_group_titles``) stands for: a level below the
    last heading's section, beside the group before it (those ``grouped`` opened), within
    the tree's three levels; a ``<details>`` block repeating its heading's name is that
    section."""
    depth = sections[-1].depth + (sections[-1].slug not in grouped)
    if depth <= 2 and name.casefold() != sections[-1].heading.casefold():
        sections.append(_opened_section(depth, name, parents, taken))
        grouped.add(sections[-1].slug)


def _headless_start(text: str, fenced: frozenset[int]) -> int | None:
    """The line of the first bullet of a list with no section heading at all (a weekly
    digest's "1. Description" over "  - https://arxiv.org/..."), where its one section
    opens: its items are then read in every shape, not only as lines that link a paper
    (``_read_loosely``). ``None`` for a list with headings."""
    lines = text.splitlines()  # (numbered as _logical_lines and _fenced_lines number them)
    if any(_heading(line.strip()) for line in lines):
        return None
    return next((number for number, line in enumerate(lines, 1)
                 if number not in fenced and _BULLET.fullmatch(line.strip())), None)


def _heading_read(line: str, number: int, sections: list[Category], items: list[ListItem],
                  parents: list[str], taken: dict[str, int], opens_at: int | None = None
                  ) -> bool:
    """Whether ``line`` is a heading: a paper's (``### 12. [Title](url)``, added to
    ``items``) or a section's (opened). At ``opens_at`` (``_headless_start``) the one
    section of a list without headings opens, and the line is read as an item."""
    heading = _heading(line)
    if heading is None:
        if number == opens_at:
            sections.append(_opened_section(0, "Papers", parents, taken))
        return False
    markdown = _HEADING.fullmatch(line) if sections else None
    paper = _paper_heading(markdown.group(1), number, sections[-1].slug) if markdown else None
    if paper is not None:
        items.append(paper)
    else:
        sections.append(_opened_section(*heading, parents, taken))
    return True


def _group_titles(text: str, fenced: frozenset[int]) -> dict[int, str]:
    """The lines that title a group of papers without being a heading, by number: bold
    words alone on a line (``**Evaluation**``) or a ``<details>`` block's ``<summary>``,
    with an item or table row next (within a blank line or two)."""
    lines = text.split("\n")
    found: dict[int, str] = {}
    for index, line in enumerate(lines):
        if index + 1 in fenced or line[:1] not in "*_<" or "](" in line:
            continue
        stripped = line.strip()
        title = _BOLD_LINE.fullmatch(stripped) or _SUMMARY_LINE.fullmatch(stripped)
        after = next((later for later in lines[index + 1:index + 4] if later.strip()), "")
        if title is not None and (_BULLET.match(after.strip()) or after.lstrip()[:1] == "|"):
            name = plain_heading(_HTML_TAG.sub(" ", title.group("text")))
            if name:
                found[index + 1] = name
    return found


_SUMMARY_LINE = re.compile(r"(?:<details(?:[ \t][^<>]{0,200}+)?>[ \t]*+)?"
                           r"<summary(?:[ \t][^<>]{0,200}+)?>(?P<text>[^\n]{1,300}?)</summary>",
                           re.I)


def _opened_section(depth: int, heading: str, parents: list[str], taken: dict[str, int]
                    ) -> Category:
    """The section a heading opens at ``depth``, under the open sections ``parents``
    (kept: the new one is the last of them); ``taken`` holds the slugs given so far."""
    del parents[depth:]
    parent = parents[-1] if parents else None
    slug = _unique_slug(heading, parent, taken)
    parents.append(slug)
    return Category(slug, heading, depth, parent, ())


def _papers_of_field_lists(text: str) -> str:
    """``text`` with each paper written as a heading over a list of its fields (``### Title``
    / ``- **Venue**: NeurIPS 2022`` / ``- **Paper**: [arXiv](url)`` / ``- **Code**: [GitHub](url)``),
    as a bullet over such a list (``- **Title:** Title`` / ``  - **Link:** url``) or as a
    heading over a line of its links alone (``_links_under``) written as the one bullet it
    stands for, on the title's line (the lines below left blank, so line numbers stay the
    file's). A heading over fields that link no paper stays a section."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        found = _paper_over_fields(lines, index)
        if found is None:
            continue
        bullet, end, project = found  # (a project's heading is no section, paper or not)
        if project or isinstance(_read_item(bullet, index + 1, ""), ListItem):
            lines[index] = bullet + ("\r" if line.endswith("\r") else "")
            lines[index + 1:end] = ["\r" if old.endswith("\r") else "" for old in
                                    lines[index + 1:end]]
            _own_headings_as_text(lines, end, _atx_level(line))
    return "\n".join(lines)


def _own_headings_as_text(lines: list[str], start: int, level: int) -> None:
    """A paper's heading (``level`` ``#``s) made its bullet: the headings under it, to the
    next of its level or higher, are its write-up's ("### Method", "### Results"), no
    sections of the list; they stay as the text of their names. A paper's heading among
    them (``_paper_over_fields``) is a paper of its own."""
    if level < 1:
        return
    for index in range(start, len(lines)):
        marks = _atx_level(lines[index])
        if marks:
            if marks <= level or _paper_over_fields(lines, index) is not None:
                return
            lines[index] = lines[index][marks:].lstrip()


def _atx_level(line: str) -> int:
    """The number of ``#`` marks a Markdown heading opens ``line`` with (a space after
    them), 0 for a line that is no such heading."""
    marks = len(line) - len(line.lstrip("#"))
    return marks if marks and line[marks:marks + 1] in (" ", "\t") else 0


def _paper_over_fields(lines: list[str], index: int) -> tuple[str, int, bool] | None:
    """The bullet standing for the paper whose title is line ``index`` and whose fields
    follow it (see ``_papers_of_field_lists``), the index of the first line after them and
    whether the line is a project's heading (``_project_over_its_paper``); ``None`` where
    the line is no such title."""
    title, indent, linked = _title_over_fields(lines[index])
    if title is None:
        return None
    title, said = _title_and_venue(title)  # "### Title (ICLR 2023)"
    fields, papers, end = _fields_under(lines, index, indent)
    apart = indent < 0 and bool(fields) and not lines[index + 1].strip()  # after a blank line
    if linked is not None:
        project = _project_over_its_paper(title, linked, fields, papers)
        if project is not None:
            return project, end, True
        if papers or not fields:
            return None  # a section's heading, or a paper's with nothing under it
        fields["paper"] = f"[paper]({linked})"
    elif not fields and len(title.split()) >= 3:
        # "### Title" over "*Authors*" and "[[Paper]](url) [[Code]](url)"; a bullet's title
        # over bullets of its authors, venue and links ("1. **Title**" / "   - A, B" / ...)
        fields, end = _links_under(lines, index, indent)
        papers = int("paper" in fields)
    paper = _LINK.search(fields.get("paper", ""))
    if (indent >= 0 or apart) and (papers != 1 or not _is_generic(paper.group("text") if paper
                                                                  else "")):
        return None  # a date's bullet over papers of their own ("- Paper: [Title](url)")
    if said and "venue" not in fields and "year" not in fields:
        fields["venue"] = said
    bullet = _field_list_bullet(title, fields)
    return None if bullet is None else (bullet, end, False)


def _project_over_its_paper(name: str, linked: str, fields: dict[str, str], papers: int
                            ) -> str | None:
    """The bullet a project's heading stands for where it links a repository or dataset
    over fields that name its paper (``## [(tatsu-lab/Alpaca)|52K|EN](github)`` / ``-
    paper: [Title](url)``, as awesome-instruction-dataset writes each dataset): the paper,
    titled by its link, the heading's link its code or data; where the field names no
    paper by title (``N/A``, ``[alpaca-blog](url)``), the project's own link (an item that
    links no paper: left out and said). ``None`` for any other heading."""
    kind = _kind_of_host(linked)
    if papers != 1 or kind not in ("code", "data"):
        return None
    paper = _LINK.search(fields["paper"])
    if paper is None or _is_generic(paper.group("text")) or \
            len(paper.group("text").split()) < 3:
        return f"- [{name}]({linked})"
    return _field_list_bullet(_clean_title(paper.group("text")),
                              fields | {kind: f"[{kind}]({linked})"})


def _title_over_fields(line: str) -> tuple[str | None, int, str | None]:
    """A paper's title on ``line`` over its fields (``_field_list_title``; a heading
    linking it, ``### [Title](url)``, too), the indent of its bullet (-1 for a heading),
    and the heading's link."""
    title, indent = _field_list_title(line)
    linked = _LINKED_HEADING.fullmatch(line.strip()) if title is None and "](" in line \
        else None
    if linked is None:
        return title, indent, None
    return _clean_title(linked.group("title")), -1, linked.group("url")


def _fields_under(lines: list[str], index: int, indent: int
                  ) -> tuple[dict[str, str], int, int]:
    """The fields listed under line ``index`` (bullets indented past ``indent``) by kind,
    the first of each; how many paper links; the index of the first line after them."""
    fields: dict[str, str] = {}
    papers = 0
    end = index + 1
    if indent < 0:  # a blank line or two between a heading and its field bullets
        first = next((n for n in range(end, min(index + 4, len(lines))) if lines[n].strip()),
                     None)
        if first is not None and _FIELD_BULLET.fullmatch(lines[first].strip()):
            end = first
    while end < len(lines) and (field := _FIELD_BULLET.fullmatch(lines[end].strip()) or (
            _FIELD_LINE.fullmatch(lines[end].strip()) if indent < 0 else None)) \
            and len(lines[end]) - len(lines[end].lstrip()) > indent:
        name = field.group("name").strip().lower()
        kind = _FIELD_KINDS.get(name)
        if name in _LINKS_FIELDS:  # "- **Links**: [arXiv](url) | [Code](url)": each its kind
            for text, url in _written_links(field.group("value")):
                kind = _link_kind(text, url)
                kind = "paper" if kind in ("pdf", "paper") else kind
                papers += kind == "paper" and "paper" not in fields
                fields.setdefault(kind, f"[{text}]({url})")
        elif kind is not None:
            value = field.group("value").strip()
            fields.setdefault(kind, value if "](" in value else _BARE_URL.sub(_as_link, value))
            papers += kind == "paper"
        end += 1
    return fields, papers, end


def _links_under(lines: list[str], index: int, indent: int = -1
                 ) -> tuple[dict[str, str], int]:
    """The fields of a paper written as a heading over a line of its links alone
    (``[[Paper]](url) [[Code]](url)``, bulleted or not), with its authors' and venue's lines
    between, within a few lines and before the next heading, or as a bullet (at ``indent``)
    over bullets of its own, more indented, its authors' and venue's bulleted too; the index
    of the first line after them. ``({}, index + 1)`` where no such line follows."""
    said: list[str] = []
    for end in range(index + 1, min(index + 8, len(lines))):
        line = lines[end].strip()
        if not line:
            continue
        if _heading(line) is not None or _PAPER_TITLE_HEADING.fullmatch(line) or \
                indent >= 0 and len(lines[end]) - len(lines[end].lstrip()) <= indent:
            break
        bullet = _BULLET.fullmatch(line)
        body = _BRACKETED_LINK.sub(r"[[\g<text>]](\g<url>)", bullet.group("body") if bullet
                                   else line)
        written = _written_links(body)
        if not written and (bullet is None or indent >= 0):  # its authors' or venue's line
            said.append(body.lstrip("> \t"))  # (quoted or not)
            continue
        links = [(_link_kind(text, url), url) for text, url in written]
        left = _clean_title(_LINK.sub(" ", _DOUBLE_LINK.sub(" ", body))).strip(" |·,;-–—")
        if left or not links or not all(_is_generic(text) or kind == "code"
                                        for (text, _url), (kind, _) in zip(written, links)):
            break  # a line with words of its own: an item, not this paper's links
        fields = _heading_fields(links, said)
        return (fields, end + 1) if "paper" in fields else ({}, index + 1)
    return {}, index + 1


def _heading_fields(links: list[tuple[str, str]], said: list[str]) -> dict[str, str]:
    """A paper heading's fields: its ``links`` (kind, url) and what the lines between say
    (``said``: its authors, its venue and year)."""
    fields: dict[str, str] = {}
    for kind, url in links:
        fields.setdefault("paper" if kind in ("pdf", "paper") else kind, f"[{kind}]({url})")
    names, et_al = _first_names_in(said)
    label = next(filter(None, map(venue_year, said)), None)
    fields |= {"authors": ", ".join(names) + (" et al." if et_al else "")} if names else {}
    return fields | ({"venue": label} if label else {})


def _field_list_title(line: str) -> tuple[str | None, int]:
    """The title of a paper written over a list of its fields, and the indent of the
    bullet it is on (-1 for a heading): ``### Title``, ``<summary>Title</summary>``,
    ``- **Title:** Title`` or ``- Title`` (a bullet of at least three words that links
    nothing); else ``(None, 0)``."""
    if "](" in line:
        return None, 0
    heading = _PAPER_TITLE_HEADING.fullmatch(line.strip())
    if heading is not None:  # (a report's "## 1. Title" numbers its papers)
        return _NUMBERED.sub("", plain_heading(heading.group(1)), count=1), -1
    summary = _SUMMARY_LINE.fullmatch(line.strip()) if "<" in line else None
    if summary is not None and len(summary.group("text")) >= 8:  # a <details> block titled
        return _clean_title(summary.group("text")), -1  # by the paper, its links inside
    bold = _BOLD_LINE.fullmatch(line.strip()) if line[:1] in "*_" else None
    if bold is not None and len(bold.group("text").split()) >= 3:  # "**Title**" alone
        return _clean_title(bold.group("text")), -1
    bullet = _BULLET.fullmatch(line.strip())
    if bullet is None or "://" in line:
        return None, 0
    title = _clean_title(_TITLE_FIELD.sub("", bullet.group("body")))
    if len(title.split()) < 3 or _FIELD_BULLET.fullmatch(line.strip()) and \
            not _TITLE_FIELD.match(bullet.group("body")):
        return None, 0
    return title, len(line) - len(line.lstrip())


_NUMBERED = re.compile(r"^(?:\d{1,3}[.)]|\[\d{1,3}\])[ \t]++")
# a line that is bold words alone, as lists title a paper or a group of them ("**Title**",
# "__Evaluation__:")
_BOLD_LINE = re.compile(r"(?P<mark>\*\*|__)(?P<text>[^*_\n]{2,300}+)(?P=mark)[ \t]*+:?")
_PAPER_TITLE_HEADING = re.compile(r"#{2,6}+[ \t]++(\S.{7,300}+)")
_LINKED_HEADING = re.compile(r"#{2,6}+[ \t]++\[(?P<title>[^\[\]]{8,300}+)\]"
                             r"\((?P<url>https?://[^()\s]{1,2000}+)\)[ \t]*+")
# "**Title:** ", "Title: " before a paper's title on a bullet over its fields
_TITLE_FIELD = re.compile(r"(?:\*\*|__)?title(?:\*\*|__)?[ \t]*+[:：][ \t]*+(?:\*\*|__)?[ \t]*+",
                          re.I)
# "- **Paper**: [arXiv](url)", "* Venue: NeurIPS 2022", "- __Code__ : [GitHub](url)"
_NAMED_VALUE = (r"(?P<name>[A-Za-z\u3400-\u9fff][A-Za-z\u3400-\u9fff ]{0,20}?)(?:\*\*|__)?"
                r"[ \t]*+[:：][ \t]*+"
                r"(?:\*\*|__)?[ \t]*+(?P<value>.*+)")
_FIELD_BULLET = re.compile(r"[-*+][ \t]++(?:\*\*|__)?" + _NAMED_VALUE)
# the same on a line of its own under a paper's heading, its name in bold ("**Venue:** V")
_FIELD_LINE = re.compile(r"(?:\*\*|__)" + _NAMED_VALUE)


def _field_list_bullet(title: str, fields: Mapping[str, str]) -> str | None:
    """The bullet a paper's field list stands for, in the ``[**Title**](url) *Authors.*
    Venue Year.`` shape, or ``None`` without a paper link."""
    paper = _LINK.search(fields.get("paper", ""))
    if paper is None or "]" in title or "*" in title:
        return None
    venue = " ".join(_clean_title(_LINK.sub(r"\1", fields.get("venue", ""))).split())
    year = _YEAR.search(fields.get("year", ""))
    label = venue_year(venue) or venue_year(f"{venue} {year.group()}" if year else venue) or (
        year.group() if year else "")
    authors = _clean_title(fields.get("authors", "")).replace("*", "")
    links = " ".join(f"[{kind}]({found.group('url')})" for kind in ("code", "data", "html")
                     if (found := _LINK.search(fields.get(kind, ""))))
    said = " ".join(part for part in (f"*{authors}.*" if authors else "",
                                      f"{label}." if label else "", links) if part)
    return f"- [**{title}**]({paper.group('url')}) {said}".rstrip()


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Each line with its number, a bullet joined with the indented lines that continue it
    (Markdown's one item: ``- **Title**`` / ``  *Authors*`` / ``  ACL 2023 [[pdf]](url)``);
    a joined line is given as empty, so numbers stay the file's."""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        raw, joined = lines[index], 1
        if _BULLET.fullmatch(raw.strip()):
            while index + joined < len(lines) and joined <= _CONTINUED_AT_MOST and (
                    _continues(lines[index + joined]) or _runs_on(
                        lines[index:index + joined], lines[index + joined])):
                joined += 1
            joined += _paragraph_after_blank(lines, index + joined, _content_column(raw),
                                             _CONTINUED_AT_MOST + 1 - joined)
        elif _ROW_START.match(raw) and not _ROW_END.search(raw):  # an HTML row over lines
            end = next((k for k in range(1, _ROW_LINES_AT_MOST + 1) if index + k < len(lines)
                        and _ROW_END.search(lines[index + k])), None)
            joined = end + 1 if end is not None else 1
        if joined > 1:  # (a note quoted under the bullet is no part of it)
            raw = " ".join([raw.rstrip(), *(line.strip() for line in
                                            lines[index + 1:index + joined]
                                            if not _INDENTED_QUOTE.match(line))])
        yield index + 1, raw
        yield from ((index + 1 + k, "") for k in range(1, joined))
        index += joined


_CONTINUED_AT_MOST = 4  # lines under a bullet read as its own (an abstract is not)
# an HTML table row written over lines (a cell a line), read as one: at most this many
_ROW_START = re.compile(r"[ \t]*+<tr\b", re.I)
_ROW_END = re.compile(r"</tr\s*+>", re.I)
_ROW_LINES_AT_MOST = 30


def _content_column(bullet: str) -> int:
    """Where a bullet's text starts (``1. **Title**``: 3): a line indented that far
    belongs to the item (CommonMark's rule)."""
    stripped = bullet.lstrip()
    found = _BULLET.match(stripped)
    return len(bullet) - len(stripped) + (found.start("body") if found else 0)


def _paragraph_after_blank(lines: list[str], at: int, column: int, most: int) -> int:
    """The lines (the blank one before them included) of a paragraph that continues a
    bullet after one blank line: indented to the bullet's text and opening as its authors
    or links do (``*Jason Wei, ...* NeurIPS 2022.``, ``[[Paper]](url)``, ``Jason Wei, Xuezhi
    Wang. Preprint 2022.``), at most ``most`` lines; 0 where there is none (a description
    or an abstract is no part of the item)."""
    if at + 1 >= len(lines) or lines[at].strip() or most < 1:
        return 0
    # a quoted note between (``> Named APPS``, as Awesome-Code-LLM writes it) and its blank
    noted = _quoted_note(lines, at + 1, column)
    at += noted
    if at + 1 >= len(lines) or lines[at].strip():
        return 0
    first = lines[at + 1]
    indent = len(first) - len(first.lstrip(" \t"))
    if indent < column or not _continues(first) or not (
            _AUTHORS_OR_LINKS.match(first) or _names_in(first)[0]):
        return 0
    taken = 1
    while taken < most and at + 1 + taken < len(lines) and \
            _continues(lines[at + 1 + taken]):
        taken += 1
    return noted + 1 + taken


def _quoted_note(lines: list[str], at: int, column: int) -> int:
    """The lines of a quote indented under a bullet's text from ``at``, with the blank line
    after it (0 where there is none): a note on the item, read as none of it."""
    taken = 0
    while at + taken < len(lines) and taken < _CONTINUED_AT_MOST and \
            _INDENTED_QUOTE.match(lines[at + taken]) and \
            len(lines[at + taken]) - len(lines[at + taken].lstrip(" \t")) >= column:
        taken += 1
    return taken + 1 if taken and at + taken < len(lines) and \
        not lines[at + taken].strip() else 0


_INDENTED_QUOTE = re.compile(r"[ \t]++>")


# what opens a line of an item's authors or links: emphasis (not a bullet) or a bracket
_AUTHORS_OR_LINKS = re.compile(r"[ \t]*+(?:[*_](?![*_\s])|\[)")


def _runs_on(above: list[str], line: str) -> bool:
    """Whether ``line``, not indented, is the rest of the bullet ``above`` (its lines so
    far): the bullet stops inside its bold or emphasis, or a link's brackets (``- **SYNAPSE:
    Leveraging Few-Shot Exemplars for`` / ``Human-Level Computer Control.** *Authors*``,
    CommonMark's lazy continuation), and the line opens no block of its own."""
    if not line.strip() or line[:1] in (" ", "\t") or _NOT_A_PARAGRAPH.match(line) or \
            _FENCE.match(line):
        return False
    text = " ".join(above)
    return text.count("**") % 2 == 1 or text.replace("**", "").count("*") % 2 == 1 or \
        text.count("[") > text.count("]")


def _continues(line: str) -> bool:
    """Whether a line under a bullet continues it: indented, and no item, heading, table
    row, quote, HTML, code fence or blank of its own."""
    return line[:1] in (" ", "\t") and bool(line.strip()) and \
        not _NOT_A_PARAGRAPH.match(line) and not _FENCE.match(line)


class _Unlinked:
    """Reads items, joining a bullet that names a paper but links nothing (``1. **Title**
    (NeurIPS 2022)``) with the indented line of links under it (``   - [[Paper]](url)``)."""

    def __init__(self) -> None:
        self.last: tuple[int, str] | None = None  # the bullet without a link: line, text
        self.blanks = 0  # blank lines since it (a line joined into it reads as one)
        self.header: tuple[str, ...] = ()  # the column names of the table being read
        self._above = ""  # the line before (a table's header, when a rule row follows)

    def see(self, line: str) -> None:
        """Keep the column names of a Markdown table: the row above its rule row."""
        if line.startswith("|") and _RULE_ROW.fullmatch(line) and self._above.startswith("|"):
            self.header = tuple(_clean_title(cell).lower()
                                for cell in self._above.strip().strip("|").split("|"))
        elif not line.startswith("|"):
            self.header = ()
        self._above = line

    def read(self, raw: str, line: str, number: int, section: str
             ) -> ListItem | tuple[int, str, str] | None:
        if not line:
            self.blanks += 1
            return None
        last, self.last = (self.last if self.blanks <= 4 else None), None
        self.see(line)
        read = _read_item(line, number, section, self.header)
        if read is None and "](" in line and not _BULLET.fullmatch(line):
            # a paragraph or quoted line of its own that links a paper (a list written
            # without bullets): an item, where a bullet's shape reads it as one
            paragraph = _read_item("- " + _QUOTE_MARK.sub("", line), number, section)
            read = paragraph if _links_a_paper(paragraph) else None
        if last is not None and not isinstance(read, ListItem) and raw[:1].isspace() and \
                ("](" in line or "://" in line):  # the next line, indented: links (or a
            # bare address, "  - https://arxiv.org/abs/..." as GitHub links it) with no
            # title of their own
            bullet = _BULLET.fullmatch(line)
            joined = _read_item(f"{last[1]} {bullet.group('body') if bullet else line}",
                                last[0], section)
            if isinstance(joined, ListItem):
                return joined
        if read is None and "](" not in line and _BULLET.fullmatch(line):
            self.last, self.blanks = (number, line), 0
        return read


_QUOTE_MARK = re.compile(r"^(?:>[ \t]?)+")


def _authors_of_last(line: str, number: int, items: list[ListItem]) -> bool:
    """Whether ``line`` names the authors of the item just above it (``**Authors**: ...``
    under a paper heading); they are given to it."""
    said = _AUTHORS_LINE.fullmatch(line)
    if not (said and items and not items[-1].authors and number - items[-1].line <= 4):
        return False
    names, et_al = listed_names(said.group("names"))
    items[-1] = replace(items[-1], authors=names, et_al=et_al)
    return True


def _links_of_last(raw: str, line: str, number: int, items: list[ListItem]) -> bool:
    """Whether ``line`` is a sub-item giving the item above it a code or data link
    (``  - Code: [GitHub](https://github.com/...)`` under ``- Paper: [Title](...)``); the
    links, web addresses only, are given to it."""
    if not raw[:1].isspace() or not items or number - items[-1].line > 3 or \
            not _BULLET.fullmatch(line):
        return False
    links = [(_link_kind(text, url), url) for text, url in _LINK.findall(_IMAGE.sub("", line))]
    if not links or any(kind not in ("code", "data") for kind, _url in links):
        return False
    items[-1] = replace(items[-1], links=items[-1].links + tuple(
        (kind, url) for kind, url in links if is_url(url)))
    return True


def _take_item(read: ListItem | tuple[int, str, str] | None, items: list[ListItem],
               left_out: list[tuple[int, str, str]], refused: list[tuple[int, str, str]]
               ) -> None:
    """A read line kept where it goes: an item with its web links, or a line left out."""
    if isinstance(read, ListItem):
        item = _with_web_links(read, refused)
        if item is not None:
            items.append(item)
    elif read is not None:
        left_out.append(read)


def _read_loosely(text: str, refused: list[tuple[int, str, str]]
                  ) -> tuple[list[Category], list[ListItem], list[tuple[int, str, str]]]:
    """A list in no shape this module knows (no headings, links in paragraphs): each line
    that links a paper is an item titled by its link's text, all in one section."""
    section = Category("papers", "Papers", 0, None, ())
    items: list[ListItem] = []
    left_out: list[tuple[int, str, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if "](" not in line or _heading(line) is not None:
            continue
        read = _read_item(line if _BULLET.fullmatch(line) or line.startswith("|")
                          else "- " + line, number, section.slug)
        if _links_a_paper(read):
            _take_item(read, items, left_out, refused)
        elif isinstance(read, tuple) and _BULLET.fullmatch(line):
            left_out.append(read)
    return ([section] if items else []), items, left_out


def _paper_heading(text: str, number: int, section: str) -> ListItem | None:
    """The paper a heading names, where it is one (``12. [Title](https://arxiv.org/...)``,
    a daily-updates list's shape), else ``None``: the heading is a section's."""
    if "](" not in text:
        return None
    read = _read_item("- " + _NUMBERING.sub("", text, count=1), number, section)
    return read if _links_a_paper(read) else None


def _links_a_paper(read: ListItem | tuple[int, str, str] | None) -> TypeGuard[ListItem]:
    """Whether a read line is an item whose paper link is a paper host's."""
    return isinstance(read, ListItem) and read.paper_link is not None and \
        _PAPER_HOSTS.search(read.paper_link) is not None


_Said = TypeVar("_Said", tuple[int, str], tuple[int, str, str])


def _still_unread(said: list[_Said], items: list[ListItem]) -> tuple[_Said, ...]:
    """The lines said as unread (or as titles alone) that no later line made an item of (a
    title's bullet and the links under it: the item has the title's line)."""
    lines = {item.line for item in items}
    return tuple(line for line in said if line[0] not in lines)


def _paper_unread(line: str, number: int) -> list[tuple[int, str, str]]:
    """A bullet, table row, Markdown link or HTML link with words (not a badge's image)
    that read as nothing, where it links a paper: said, never lost (an address in prose is
    no item a list meant)."""
    if line.startswith("<") and "href" in line:
        line = _LINK.sub(lambda link: link.group() if link.group("text").strip() else " ",
                         _html_as_markdown(line))
    if line.startswith("!["):  # a figure ("![Zero-WAM](arxiv.org/html/.../fig.png)"), no link
        line = _IMAGE.sub(" ", line)
    if not (_BULLET.fullmatch(line) or line.startswith("|") or "](" in line):
        return []
    link = _PAPER_LINK.search(line)
    return [] if link is None else \
        [(number, shortened(_clean_title(_LINK.sub(r"\1", _DOUBLE_LINK.sub(r"\1", line))),
                            120), link.group())]


def _blanks_collapsed(text: str, fenced: frozenset[int] | None = None) -> str:
    r"""``text`` with each run of blanks inside a line as one space, a line's indentation
    past 64 columns as 64 and its trailing blanks past two as two, as Markdown renders
    them (lines in code blocks kept as they are; ``fenced``, where known: ``_fenced_lines``): a
    hostile list's line of 100,000 spaces costs the patterns that read a line their length
    squared.

    >>> _blanks_collapsed("- A   title  here.     \n```\na   b\n```")
    '- A title  here.  \n```\na   b\n```'
    """
    if not _LONG_BLANKS.search(text):
        return text
    fenced = _fenced_lines(text) if fenced is None else fenced
    return "\n".join(line if number in fenced else _LONG_BLANKS.sub(_blanks_kept, line)
                     for number, line in enumerate(text.split("\n"), start=1))


def _blanks_kept(run: re.Match[str]) -> str:
    if run.start() == 0:  # indentation
        return run.group()[:64] if run.end() < len(run.string) else ""
    return "  " if run.end() == len(run.string) else " "


# three blanks or more inside a line or after it, or an indentation past 64 columns
_LONG_BLANKS = re.compile(r"(?<=\S)[^\S\n]{3,}|^[^\S\n]{65,}", re.M)


def _fenced_lines(text: str) -> frozenset[int]:
    """The numbers of the lines inside fenced code blocks (a citation block's ``url = ...``),
    fences included."""
    if "```" not in text and "~~~" not in text:
        return frozenset()
    inside, numbers = False, set()
    for number, line in enumerate(text.splitlines(), start=1):
        fence = _FENCE.match(line) is not None
        if inside or fence:
            numbers.add(number)
        if fence:
            inside = not inside
    return frozenset(numbers)


_NUMBERING = re.compile(r"^\d{1,5}[.)]\s+")
_PAPER_LINK = re.compile(_PAPER_HOSTS.pattern.replace("|\\.pdf(?:$|[?#])", "") +
                         r"[^\s()\[\]<>\"']*+", re.I)
# "**Authors:** A, B" or "Authors: A, B" on a line of its own, under a paper heading
_AUTHORS_LINE = re.compile(r"[*_]{0,2}(?:authors?|by)[*_]{0,2}\s*[:：][*_]{0,2}\s*"
                           r"(?P<names>\S.{0,4999})", re.I)


def survey_of(citation_block: str | None, list_text: str = "") -> str | None:
    """The arXiv id of the list's own paper: from its citation block (``ListDocument.
    citation_block``: an ``eprint`` or an arXiv link in it), else from the arXiv link on a
    line of ``list_text`` that asks to cite ("please cite [our survey](...)"; items and
    headings are no such line), or ``None``.

    >>> survey_of("@article{x,\\n  eprint={2402.13446},\\n}")
    '2402.13446'
    >>> survey_of(None, "If this helps, please cite [our survey](https://arxiv.org/abs/2402.13446v2).")
    '2402.13446'
    """
    block = citation_block or ""
    found = re.search(r"eprint\s*=\s*[{\"]\s*([^}\"\s]+)", block, re.I)
    candidates = [found.group(1)] if found else []
    candidates += _ARXIV_LINK.findall(block) + _ARXIV_NAMED.findall(block)
    candidates += [link for line in list_text.splitlines() if _ASKS_TO_CITE.search(line)
                   and not _ITEM_OR_HEADING.match(line) for link in _ARXIV_LINK.findall(line)]
    return next((i for c in candidates if (i := parse_arxiv_id(c))), None)


_ARXIV_LINK = re.compile(r"arxiv\.org/(?:abs|pdf)/[^\s}\"()\]]++", re.I)
_ASKS_TO_CITE = re.compile(r"\bcit(?:e|ing|ation)\b", re.I)
# a paper named "CITE" in an item is not the list's own
_ITEM_OR_HEADING = re.compile(r"\s*(?:[-*+|#]|\d{1,4}[.)])")
# "journal = {arXiv preprint arXiv:2604.00626}", as Google Scholar writes a preprint
_ARXIV_NAMED = re.compile(r"\barXiv:\s?(\d{4}\.\d{4,5}(?:v\d+)?)", re.I)


def _heading(line: str) -> tuple[int, str] | None:
    """A section heading's depth (0 for ``##``) and plain name, or ``None``."""
    found = _HEADING.fullmatch(line)
    if found:
        return len(line) - len(line.lstrip("#")) - 2, _without_count(plain_heading(found.group(1)))
    html = _HTML_HEADING.fullmatch(line)
    if html:
        return int(html.group("level")) - 2, _without_count(plain_heading(html.group("text")))
    return None


def _without_count(heading: str) -> str:
    """A heading without the count of its papers (``Papers (120)``): a section is the same
    section when its count changes (a year, ``ICLR (2023)``, stays)."""
    return _PAPER_COUNT.sub("", heading) or heading


_PAPER_COUNT = re.compile(r"[ \t]*+[(\[](?!(?:19|20)\d\d[)\]])\d{1,5}+[)\]]$")


def _unique_slug(heading: str, parent: str | None, taken: dict[str, int]) -> str:
    """The heading's slug; where another section has it already (a "January" under each
    year), the parent's slug before it, then a number after it. ``taken`` holds each slug
    given and the next number to try after it (a list repeating one heading thousands of
    times costs no more than one of each)."""
    slug = slugify(heading) or "section"
    if slug in taken and parent is not None:
        slug = f"{parent}-{slug}"
    unique, number = slug, taken.get(slug, 2)
    while unique in taken:
        unique, number = f"{slug}-{number}", number + 1
    taken[slug] = max(number, taken.get(slug, 2))
    taken.setdefault(unique, 2)
    return unique


def _holding_papers(sections: list[Category], items: list[ListItem],
                    contents: set[str]) -> tuple[Category, ...]:
    """The sections under which a paper is listed, themselves or below them. A contents
    section (its own lines #anchor links) is none even with sections under it (a list may
    nest its first section there by mistake): those move up a level."""
    own = {item.section for item in items}
    holding = set(own)
    parent_of = {s.slug: s.parent for s in sections}
    for slug in own:
        parent = parent_of.get(slug)
        while parent is not None and parent not in holding:
            holding.add(parent)
            parent = parent_of.get(parent)
    dropped = contents - own
    depth_of: dict[str, int] = {}
    kept: list[Category] = []
    for section in sections:
        if section.slug not in holding or section.slug in dropped:
            continue
        parent = section.parent
        while parent is not None and parent in dropped:
            parent = parent_of[parent]
        depth_of[section.slug] = 0 if parent is None else depth_of[parent] + 1
        kept.append(replace(section, depth=depth_of[section.slug], parent=parent))
    return tuple(kept)


# CommonMark's backslash escapes, which hold in link destinations too: [x](a\_b) links a_b
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _with_web_links(item: ListItem, refused: list[tuple[int, str, str]]) -> ListItem | None:
    """``item`` with only the links that are web addresses (``ids.is_url``: http or https,
    none of the characters TeX or BibTeX read as markup): a link is written into a field
    verbatim, so ``https://x},note={\\input{...}}`` would become a field of its own. The
    others go to ``refused``; an item whose paper link is refused is refused whole (its
    title alone would be a work cited from nothing). A path in the list's own repository
    (``[Note](content/papers/x/index.md)`` on every row) is the list's page, no paper's:
    dropped, with nothing to refuse, unless it is the paper's link."""
    links = tuple((kind, _MARKDOWN_ESCAPE.sub(r"\1", url)) for kind, url in item.links)
    web = tuple((kind, url) for kind, url in links if is_url(url))
    if web == item.links:
        return item
    paper = item.paper_link if links == item.links else replace(item, links=links).paper_link
    whole = paper is not None and not is_url(paper)
    refused += [(item.line, url, _why_refused(url) + ("; the item is left out"
                                                      if whole and url == paper else ""))
                for _kind, url in links
                if not is_url(url) and (url == paper or not _RELATIVE.match(url))]
    return None if whole else replace(item, links=web)


def _why_refused(url: str) -> str:
    return ("it holds characters a URL cannot have (braces, backslashes, quotes, spaces, "
            "controls)" if url.lower().startswith(("http://", "https://"))
            else "it is no http(s) address")


# a relative reference: no scheme, no host ("docs/x.md", "#anchor", "../a.pdf"); not a web
# address written without its scheme ("www.x.org/a", "arxiv.org/abs/..."), which is said
_RELATIVE = re.compile(r"(?![A-Za-z][A-Za-z0-9+.-]{0,30}+:)(?!//)(?![ \t])(?!www\.)"
                       r"(?![\w-]{1,63}+(?:\.[\w-]{1,63}+)++/)")


def _read_item(line: str, number: int, section: str, header: tuple[str, ...] = ()
               ) -> ListItem | tuple[int, str, str] | None:
    """The paper a line lists, or what it links instead (``(line, text, link)``, left out),
    or ``None`` for a line that is no item (prose, an empty bullet). ``header``: the column
    names of the table a row is in."""
    if line.startswith("|"):  # ("[[pdf]](url)" and "[[pdf](url)]" in a cell: "[pdf](url)")
        cells_marked = _DOUBLE_LINK.sub(r"[\g<text>](\g<url>)",
                                        _BRACKETED_LINK.sub(r"[[\g<text>]](\g<url>)", line))
        if "](" not in cells_marked:  # "| GLM-5 | ... | https://arxiv.org/pdf/2602.15763 |"
            cells_marked = _BARE_URL.sub(_as_link, cells_marked)
        return _badge_labelled(_table_row(cells_marked, number, section, header), line)
    cells = _html_cells(line) if line.startswith("<") else []
    if len(cells) >= 2:  # an HTML table's row: read as the Markdown row it stands for
        return _table_row("| " + " | ".join(cells) + " |", number, section)
    if line.startswith("<") and "href" in line:  # an HTML table's cell or list item
        markdown = _html_as_markdown(line)
        return _read_item("- " + markdown, number, section) if "](" in markdown else None
    bullet = _BULLET.fullmatch(line)
    if not bullet:
        return None
    read = _read_bullet(bullet.group("body"), number, section)
    if isinstance(read, ListItem) and " | " in read.title:  # "- 2022.09 | Title | [paper](url)"
        row = _table_row(f"| {bullet.group('body')} |", number, section)
        read = row if isinstance(row, ListItem) else read
    return _badge_labelled(read, line)


def _badge_labelled(read: ListItem | tuple[int, str, str] | None,
                    line: str) -> ListItem | tuple[int, str, str] | None:
    """An item with no label given the venue and year a badge on its line names."""
    if not isinstance(read, ListItem) or read.label:
        return read
    badge = _VENUE_BADGE.search(line)
    if badge and badge.group("venue").lower() not in _NOT_VENUES:
        year = badge.group("year") or _century(badge.group("short"))
        return replace(read, label=f"{badge.group('venue')} {year}")
    return read


# a shields.io badge naming where a paper appeared: ![](https://img.shields.io/badge/ACL-2023-blue),
# .../badge/Conference-ICML'23-blue (its label a word for what the message is)
_VENUE_BADGE = re.compile(r"img\.shields\.io/badge/(?:(?:Conference|Journal|Venue|Publish(?:ed)?"
                          r"|Accepted)-)?(?P<venue>[A-Za-z][A-Za-z&]{1,20}+)(?:(?:-|%20|_)"
                          r"(?P<year>(?:19|20)\d\d)|(?:'|%27|’)(?P<short>\d\d))-", re.I)
_NOT_VENUES = frozenset({"arxiv", "code", "github", "paper", "stars", "license", "year",
                         "published", "preprint", "updated", "last"})


def _read_bullet(text: str, number: int, section: str
                 ) -> ListItem | tuple[int, str, str] | None:
    """What a bullet's text (its marker taken off) lists: see ``_read_item``."""
    if "\\[" in text:  # "**\\[NeurIPS 2023\\]** Title": a label bracketed, escaped as Markdown
        text = _ESCAPED_BRACKETS.sub(
            lambda m: f"[{m.group('label')}]" if _is_label(m.group("label")) else m.group(0),
            text)
    if "<" in text and _LINE_BREAK.search(text):
        return _read_broken(text, number, section)
    if "<" in text:  # "<b>Title</b>. Authors.": bold as Markdown writes it, the title's mark
        text = _BOLD_TAG.sub("**", text)
    if "href" in text and _HTML_ANCHOR.search(text):  # "- <a href=url>Title</a> (ACL 2023)"
        text = _html_as_markdown(text)
    if "<" in text:  # "Title <sup>[NeurIPS 2022]</sup>": what the tags hold, as if unmarked
        text = _INLINE_TAG.sub("", text)
    body = _BRACKETED_LINK.sub(r"[[\g<text>]](\g<url>)", _IMAGE.sub("", text))
    if "](" not in body:  # a bullet linking by a bare address or arXiv id, as GitHub shows it
        body = _BARE_ARXIV.sub(_arxiv_link, _BARE_URL.sub(_as_link, body))
    body = _PICTOGRAPHS_BEFORE_LINK.sub("", _named_before_title(body))  # "📄 [Paper](url)"
    body = _FOOTNOTE_MARK.sub("", body)  # "Title[^1]": GitHub's footnote, no word of it
    body = _label_among_marks(_label_bracketed(_unwrapped(
        _LEADING_PICTOGRAPHS.sub("", body.strip()))))
    body, said_last = _label_after_links(body)
    read = _read_body(body, number, section)
    if said_last and isinstance(read, ListItem) and not read.label:
        return replace(read, label=said_last)
    return read


_ESCAPED_BRACKETS = re.compile(r"\\\[(?P<label>[^\[\]\\]{1,40}+)\\\]")
# HTML that only styles its words (a model's name underlined before a title is read with
# its tags, "<u>GPT-3</u>: **Title**", and is kept)
_INLINE_TAG = re.compile(r"</?(?:sup|sub|small|big|strong|em|b|i|font|span|mark|kbd)"
                         r"(?:[ \t][^<>]{0,200}+)?>", re.I)
_BOLD_TAG = re.compile(r"</?(?:strong|b)(?:[ \t][^<>]{0,200}+)?>", re.I)


def _unwrapped(body: str) -> str:
    """A bullet set in bold or italics as a whole, up to its last link (``**[arXiv 2024]
    Title. [[pdf]](url)**``, or closed with one star where it opened with two), without the
    marks: they wrap the label and the links with the title, and hide all three.

    >>> _unwrapped("**[arXiv 2024] A Title. [[pdf]](https://arxiv.org/abs/2402.03358)*")
    '[arXiv 2024] A Title. [[pdf]](https://arxiv.org/abs/2402.03358)'
    """
    wrapped = _WRAPPING_STARS.fullmatch(body)
    return wrapped.group("inner") if wrapped else body


# stars before a bracket and after a closing parenthesis, none between (a bold title inside,
# "**[Title](url)** *Authors*", is read as it is)
_WRAPPING_STARS = re.compile(r"\*{1,2}(?=\[)(?P<inner>[^*]*+(?<=\)))[ \t]*+\*{1,2}[ \t]*+")


def _label_among_marks(body: str) -> str:
    """A bullet opening with its label beside marks of the list's own (``[Ours][arXiv 2024]
    Title``, ``[arXiv 2024][New] Title``) with the label alone: a mark is no part of the
    title, nor a label.

    >>> _label_among_marks("[Ours][arXiv 2024] A Survey on Graph Reduction")
    '[arXiv 2024] A Survey on Graph Reduction'
    """
    found = _BRACKETS_FIRST.match(body)
    if found is None:
        return body
    groups = re.findall(r"\[([^\[\]]++)\]", found.group(0))
    labels = [group for group in groups if _is_label(group)]
    if len(labels) != 1:
        return body
    # a year beside a venue's name alone is one label: "[2023] [NeurIPS]"
    venue = next((group for group in groups if _names_venue_alone(group)), None)
    label = f"{venue.strip()} {labels[0].strip()}" if venue and _YEAR_ONLY.fullmatch(
        labels[0].strip()) else labels[0]
    return f"[{label}] {body[found.end():]}"


_YEAR_ONLY = re.compile(r"(?:19|20)\d\d")
# two or three bracketed words before a title, none a link's text ("[A][B](url)" is a link)
_BRACKETS_FIRST = re.compile(r"(?:\[[^\[\]]{1,40}+\](?!\()[ \t]*+){2,3}+(?=[^\s\[(])")


def _named_before_title(text: str) -> str:
    """``[**FlashAttention**] Fast and Memory-Efficient ...``: a paper's short name in
    bracketed bold before the rest of its title, as Awesome-LLM-Inference writes "Name:
    Rest", read as that title (a venue and year so marked stay a label)."""
    found = _BRACKETED_NAME.match(text)
    if found is None or _is_label(found.group("name")) or \
            _names_venue_alone(found.group("name")):
        return text
    return f"{found.group('lead')}{found.group('name').strip()}: {text[found.end():]}"


def _label_after_links(body: str) -> tuple[str, str | None]:
    """A bullet's text without the venue and year it writes after its last link (``Title
    [[paper]](url) - ICLR 2023``, ``... [paper](url) (ICLR 2023)``), and that label."""
    after = _AFTER_LAST_LINK.search(body) if body.endswith((")", "]", ".")) or \
        body[-1:].isdigit() else None
    label = after.group("label").strip(" \t.") if after is not None else ""
    if after is None or not _is_label(label):
        return body, None
    return body[:after.start() + 1], _label_as_written(label)


def _label_as_written(label: str) -> str:
    """A label (``_is_label``) as the library keeps it: its venue and full year
    (``NeurIPS'22`` as ``NeurIPS 2022``), or the date it is (``2023.05``)."""
    return venue_year(label) or _full_year(_SPACED_AT.sub("@", label))


# what follows a link's ")" to the end: a separator and words in brackets or none
_AFTER_LAST_LINK = re.compile(r"\)[ \t]*+[-–—,|·]?[ \t]*+[(\[]?(?P<label>[^()\[\]]{2,40}+)"
                              r"[)\]]?[ \t.]*+$")


def _read_body(body: str, number: int, section: str
               ) -> ListItem | tuple[int, str, str] | None:
    """What a bullet's text lists, its label read (see ``_read_bullet``)."""
    fields = _INLINE_FIELD.split(body) if "**" in body or ":" in body else []
    if len(fields) >= 5:  # "**Title**: T **Venue**: V **Link**: [arXiv](url)"
        bullet = _inline_field_bullet(fields)
        if bullet is not None:
            return _read_bullet(bullet[2:], number, section)
    bold = _BOLD_LINK.fullmatch(body)
    if bold:
        return _bold_link_item(bold, number, section)
    named_bold = _NAME_BEFORE_BOLD.match(body)  # "<u>GPT-3</u>: **Title**": the model's name
    start = named_bold.end() if named_bold else 0
    bold = _BOLD_TITLE.match(body, start)
    if bold and not body.startswith("**[", start):
        return _bold_title_item(bold.group("title"), bold.group("rest"), number, section)
    named = _NAMED_LINK.fullmatch(body)
    if named and not _PAPER_HOSTS.search(named.group("url")) and \
            _named_title(named.group("name"), named.group("rest")):
        # the project's link kept as what its host says it is (GitHub: code)
        return _bold_title_item(named.group("name"), f"{named.group('rest')} [["
                                f"{_kind_of_host(named.group('url'))}]]({named.group('url')})",
                                number, section)
    labelled = _LABEL.fullmatch(body)
    title, found = _trailing_links(labelled.group("rest") if labelled else body)
    if found and not _LINK.search(title) or labelled and not _LINK.search(title):
        return _declared_links_item(title, found, labelled, number, section)
    return _labelled_linked_item(body, labelled, number, section)


# a model's or project's short name (underlined, as RUCAIBox's survey list writes it) and a
# colon or spaced dash before a bold title: "<u>GPT-3</u>: **Title**"
_NAME_WORD = r"[^*\[\]<>:\s–—-][^*\[\]<>:\s]*+"  # (a dash alone is no word of it)
# what ends a name or a label written before a title: a colon, or a dash with a space before
_BEFORE_TITLE = r"(?:[ \t]*+[:：]|[ \t]++[-–—])"
_NAME_BEFORE_BOLD = re.compile(r"(?:<(?P<tag>u|b|i|em|code)>)?(?P<name>" + _NAME_WORD +
                               r"(?:[ \t]" + _NAME_WORD + r"){0,2}+)(?:</(?P=tag)>)?" +
                               _BEFORE_TITLE + r"[ \t]*+(?=\*\*)")
# "<https://...>" (Markdown's autolink) or a bare address (GitHub links it), without the
# punctuation that follows it in a sentence
_BARE_URL = re.compile(r"<(?P<angled>https?://[^\s<>]{1,2000}+)>|(?<![\w/=\"'])(?P<bare>https?://"
                       r"[^\s<>()\[\]\"']{1,2000}+)")
_BARE_ARXIV = re.compile(r"(?<![\w/\[])arXiv:[ \t]?(?P<id>\d{4}\.\d{4,5}(?:v\d+)?)(?![\d\]])", re.I)


def _as_link(found: re.Match[str]) -> str:
    if found.group("angled"):
        return f"[{found.group('angled')}]({found.group('angled')})"
    url = found.group("bare").rstrip(".,;:!?")  # a sentence's mark after it
    return f"[{url}]({url}){found.group('bare')[len(url):]}"


def _arxiv_link(found: re.Match[str]) -> str:
    return f"[arXiv:{found.group('id')}](https://arxiv.org/abs/{found.group('id')})"


def _label_bracketed(body: str) -> str:
    """A bullet's text with the label it opens with written as ``[label]``, however the list
    marks it: full-width brackets (``【NeurIPS 2022】Title``), a code span (`` `ICLR'23`
    Title``), bold words that are a venue and year (``**ACL 2023** - Title``), or plain ones
    before a colon or a spaced dash (``ACL 2023: **Title**``)."""
    body = _WIDE_LABEL.sub(r"[\g<label>] ", body)
    marked = _CODE_LABEL.match(body) or _BOLD_LABEL_FIRST.match(body) or \
        _PLAIN_LABEL_FIRST.match(body)
    if marked and (_is_label(marked.group("label")) or marked.re is not _PLAIN_LABEL_FIRST
                   and _names_venue_alone(marked.group("label"))):
        rest = body[marked.end():].lstrip(" \t-–—:|")
        if len(rest.split()) >= 2:
            return f"[{marked.group('label')}] {rest}"
    return body


def _names_venue_alone(text: str) -> bool:
    """Whether a marked word before a title is a venue's name alone (`` `EMNLP` Title``,
    ``**ACL** Title``, under a heading of the year): one word the venue table knows, not a
    proceedings series."""
    word = text.strip()
    if not word or " " in word:
        return False
    known = venue_of(word)
    return known is not None and known.kind != "series"


def _is_label(text: str) -> bool:
    """Whether ``text`` is a label only: a venue and year (``ACL 2023``, ``NeurIPS'22``) or a
    date (``2023``, ``2023.05``), nothing more."""
    text = text.strip()
    return bool(_DATE_LABEL.fullmatch(text)) or len(text.split()) <= 4 and \
        venue_year(text) is not None and not _clean_title(_VENUE_YEAR.sub("", text)) or \
        _glued_venue_year(text) is not None


# "**ACL 2023**", "**[ACL 2023]**", "**(ACL 2023)**", "[**ACL 2023**]" (not "[**Title**](url)")
_BOLD_LABEL_FIRST = re.compile(r"(?P<open>\[)?(?:\*\*|__)[\[(]?(?P<label>[^*_\[\]()]{2,40}+)"
                               r"[\])]?(?:\*\*|__)(?(open)\](?!\())")
# "ACL 2023: Title", "2023.05 - Title" (whether the words are a label is asked after)
_PLAIN_LABEL_FIRST = re.compile(r"(?P<label>[A-Za-z0-9][\w .'’&@-]{1,38}?)" + _BEFORE_TITLE +
                                r"[ \t]++")
_DATE = r"(?:19|20)\d\d(?:[./-]\d{1,2}){0,2}"  # "2023", "2023/05", "2023.05.12"
_DATE_LABEL = re.compile(_DATE)
# the field names of a bullet that lists its fields inline
_INLINE_FIELD = re.compile(r"(?:^|(?<=[ \t]))(?:\*\*|__)(?P<name>title|authors?|venue|conference|"
                           r"year|link|paper|code|url)(?:\*\*|__)?[ \t]*+[:：][ \t]*+(?:\*\*|__)?",
                           re.I)


def _inline_field_bullet(parts: list[str]) -> str | None:
    """The bullet a paper's inline fields stand for (``_field_list_bullet``): ``parts`` is
    the text split at each field's name (text before, then name and value in turn)."""
    named: dict[str, str] = {}
    for name, value in zip(parts[1::2], parts[2::2]):
        kind = "title" if name.lower() == "title" else _FIELD_KINDS.get(name.lower())
        if kind is not None:
            named.setdefault(kind, value.strip())
    title = _clean_title(named.pop("title", ""))
    return _field_list_bullet(title, named) if title and not parts[0].strip() else None


def _read_broken(text: str, number: int, section: str
                 ) -> ListItem | tuple[int, str, str] | None:
    """A bullet in lines joined by ``<br>`` (``Title [[arXiv](url)] <br> Authors <br>
    NeurIPS 2020``): its first line read as the item (with every line's links), the others
    for the authors and the label it does not give."""
    first, *more = [part.strip() for part in _LINE_BREAK.split(text)]
    links = " ".join(found.group() for part in more for found in _ANY_LINK.finditer(part))
    read = _read_bullet(f"{first} {links}".strip(), number, section)
    if not isinstance(read, ListItem):
        return read
    said = [_clean_title(_ANY_LINK.sub(" ", part)) for part in more]
    if not read.authors:
        people, et_al = _first_names_in(said)
        if people:
            read = replace(read, authors=people, et_al=et_al)
    if not read.label:
        read = replace(read, label=next(filter(None, map(venue_year, said)), None))
    return read


_LINE_BREAK = re.compile(r"<br[ \t]*+/?>", re.I)
# a link in any of the shapes a bullet writes it: [[pdf]](url), [[pdf](url)], [Title](url)
# (an address up to its closing parenthesis, spaces and all: a link that is no web address
# is caught whole, to be refused and said)
_ANY_LINK = re.compile(r"\[\[[^\[\]]*+\]\]\([^()\n]*+\)|\[\[[^\[\]]*+\]\([^()\n]*+\)\]|"
                       r"!?\[[^\[\]]*+\]\([^()\n]*+\)")
# a label in a code span before the title: "`ICLR'23` Title"
_CODE_LABEL = re.compile(r"`(?P<label>[^`\[\]]{2,40}+)`[ \t]*+(?=\S)")
# a label in full-width brackets, as Chinese lists write it: "【ACL 2023】", "［ACL 2023］"
_WIDE_LABEL = re.compile(r"^[【［](?P<label>[^【】［］\[\]]{1,60}+)[】］][ \t]*+")
# "[[pdf](url)]", a link in brackets of its own: the "[[pdf]](url)" it stands for
# (its address up to ")]", spaces and all: one that is no web address is refused and said)
_BRACKETED_LINK = re.compile(r"\[\[(?P<text>[^\[\]]{1,40}+)\]\((?P<url>[^()\[\]\n]++)\)\]")


def _html_cells(line: str) -> list[str]:
    """The cells of an HTML table row (on one line, or over lines ``_logical_lines``
    joined), each as Markdown, its ``<br>`` kept
    (``<tr><td>Title</td><td>NeurIPS 2022</td><td><a href="u">paper</a></td></tr>``); none
    where a cell holds a '|' (a Markdown row would cut it there).

    >>> _html_cells('<tr><td>On Things</td><td>ACL 2023</td><td><a href="u">pdf</a></td></tr>')
    ['On Things', 'ACL 2023', '[pdf](u)']
    """
    cells = ["<br>".join(_html_as_markdown(part) for part in _LINE_BREAK.split(cell))
             for cell in _HTML_CELL_START.split(line)[1:]]  # a cell's lines kept apart
    return [] if any("|" in cell for cell in cells) else cells


_HTML_CELL_START = re.compile(r"<t[dh](?:\s[^<>]{0,300}+)?>", re.I)


def _html_as_markdown(line: str) -> str:
    """An HTML line as the Markdown it stands for: links as ``[text](url)``, tags that only
    style their words gone (``<i>NeurIPS</i>, 2022`` is "NeurIPS, 2022"), line breaks and
    other tags as spaces (``<td><a href="u">Title</a><br><img ...></td>``)."""
    return " ".join(_HTML_TAG.sub(" ", _INLINE_TAG.sub("", _html_links_as_markdown(line))).split())


def _html_links_as_markdown(text: str) -> str:
    """``text`` with its HTML links as Markdown links (``[text](url)``), the rest as it is;
    a label in brackets leading a link's words (``<a href="u">[2018 ICLR] Mixup</a>``)
    before the link it labels (``[2018 ICLR] [Mixup](u)``)."""
    if "<" not in text:
        return text
    return _LABEL_IN_LINK.sub(r"[\g<label>] [\g<title>](\g<url>)", _HTML_ANCHOR.sub(
        lambda m: f"[{_HTML_TAG.sub(' ', m.group('text')).strip()}]({_href(m.group('url'))})",
        text))


# a link with no address: "[[code]()]" and "[[code]]()" gone, "[Title]()" its words
_EMPTY_LINK = re.compile(r"\[\[[^\[\]\n]{0,40}+\]\(\)\]|\[\[[^\[\]\n]{0,40}+\]\]\(\)|"
                         r"(?<!!)\[(?P<text>[^\[\]\n]{0,300}+)\]\(\)")
# "[[2018 ICLR] Mixup: Beyond ...](url)": a label in brackets at the start of a link's words
_LABEL_IN_LINK = re.compile(r"\[\[(?P<label>[^\[\]\n]{2,30}+)\][ \t]*+(?P<title>[^\[\]\n]{8,300}+)"
                            r"\]\((?P<url>[^()\s]{1,2000}+)\)")


def _href(value: str) -> str:
    """An ``href`` as a browser follows it (the WHATWG URL parser): the spaces around it
    dropped, tabs and line breaks in it removed, a space in it as ``%20``; what is left is
    checked as every link is.

    >>> _href(" https://example.org/my paper.pdf ")
    'https://example.org/my%20paper.pdf'
    """
    return _TAB_OR_BREAK.sub("", value.strip(" \t\n\f\r")).replace(" ", "%20")


_TAB_OR_BREAK = re.compile(r"[\t\n\r]")
_HTML_ANCHOR = re.compile(r"<a\s[^<>]{0,300}?href=[\"'](?P<url>[^\"'<>]{1,2000})[\"'][^<>]{0,300}>"
                          r"(?P<text>[^<]{0,500}(?:<(?!/a>)[^<>]{0,200}>[^<]{0,500}){0,5})</a>",
                          re.I)


def _bold_link_item(bold: re.Match[str], number: int, section: str
                    ) -> ListItem | tuple[int, str, str]:
    """``[**Title**](url) *Authors* [Label]``: a paper when the link is a paper host's."""
    (title, in_title), url = _title_and_its_label(_clean_title(bold.group("title"))), \
        bold.group("url")
    rest = bold.group("rest")
    links = _links_of(_IMAGE.sub("", rest))  # a code link, a badge's target
    plain = _BADGE_LINK.sub(" ", _DOUBLE_LINK.sub(" ", _LINK.sub(" ", _IMAGE.sub("", rest))))
    authors = _AUTHORS_EMPHASIS.search(plain)
    after = plain[authors.end():] if authors else plain
    label = _BOLD_LABEL.search(after)
    names, et_al = listed_names(authors.group("names")) if authors else ((), False)
    if not _PAPER_HOSTS.search(url) and not (names and label):
        return (number, title, url)  # a repository, a dataset page: a paper only when the
        # item says who wrote it and where it appeared, as for any paper
    said = _with_track(_SPACED_AT.sub("@", label.group("label").rstrip(" \t.")), after,
                       label.end("label")) if label else in_title
    return ListItem(number, section, said, title,
                    (("pdf", url), *((k, u) for k, u in links if u != url and
                                     k in ("code", "data", "html"))), names, et_al)


# "*Authors.*" or "_Authors._" after a bold title (underscores: lists that emphasise so)
_AUTHORS_EMPHASIS = re.compile(r"(?<![*\w])(?P<mark>[*_])(?P<names>[^*_\[\]()]{1,5000}+)"
                               r"(?P=mark)(?![*\w])")
_BADGE_LINK = re.compile(r"\[\s*\]\([^()\s]*+\)")  # what is left of [![badge](img)](url)


def _declared_links_item(title: str, found: list[tuple[str, str]],
                         labelled: re.Match[str] | None, number: int, section: str
                         ) -> ListItem | tuple[int, str, str] | None:
    """The seed's shape, ``[Label] Title [[pdf]](url) [[code]](url)``: what the list
    declares a paper link ([[pdf]], [[html]]) is one."""
    # a known word is its kind ("GitHub" is code), a pictograph says it by its host
    # ("[[💻]]" on GitHub is code); another word stays as written (never a paper)
    links = tuple((_declared_kind(kind, url), url.strip()) for kind, url in found)
    listed = _listed_title(title)
    if not listed.title:
        return None
    if labelled or any(kind in ("pdf", "paper", "html") for kind, _ in links) or \
            any(_PAPER_HOSTS.search(url) for _, url in links):
        year = _YEAR.search(title.replace(listed.title, " "))  # "(Christiano et al., 2017)"
        said = labelled.group("label") if labelled else None
        # "[2023/05] **Title.** *Bosheng Ding et al. ACL 2023.*": the venue over a date
        label = said if said and not (listed.venue and _DATE_LABEL.fullmatch(said.strip())) \
            else _dated(listed.venue, said) or venue_year(title.replace(listed.title, " ")) \
            or (year.group() if year else None)
        return ListItem(number, section, label, listed.title, links, listed.authors,
                        listed.et_al)
    return (number, listed.title, links[0][1]) if links else None


def _dated(venue: str | None, label: str | None) -> str | None:
    """A venue said with no year ("arXiv", "IEEE(RAL)") with the year of the item's date
    label ("[2023/07]"): the year was lost where the venue took the date's place."""
    if venue and label and parse_label(venue)[1] is None and _DATE_LABEL.fullmatch(
            label.strip()):
        return f"{venue} {label.strip()[:4]}"
    return venue


def _declared_kind(text: str, url: str) -> str:
    words = _EDGE_PICTOGRAPHS.sub("", text).strip(" *_").lower()
    if words in _KIND_WORDS:
        return _KIND_WORDS[words]
    by_host = _kind_of_host(url.strip())
    # a pictograph's kind is its host's; "[[Semantic Scholar]](url)" is a paper's page
    return by_host if not words or by_host == "paper" else words


def _bold_title_item(title: str, rest: str, number: int, section: str
                     ) -> ListItem | tuple[int, str, str] | None:
    """``**Title**. Authors. *Venue* (Year) [[Paper]](url)``: the venue is the first
    emphasised words after the title, the year the first year after it."""
    title = _clean_title(title)
    named = _named_title(title, rest)  # "**AnnoLLM**: Making ... Annotators."
    said = _AFTER_NAME.match(rest) if named else None
    if named and said is not None and _clean_title(said.group("words")) in named:
        rest = rest[said.end():]  # the title's words are no authors' ("**ReAct**: Synergizing
    title = named or title        # Reasoning and Acting ...": two people, they were)
    links = _links_of(rest)
    # a declared pdf or a paper's site before another "paper" link (a project's name:
    # "[Toolformer](toolformer.github.io) [arXiv](url)")
    paper = sorted((url for kind, url in links if kind in ("pdf", "paper") or
                    _PAPER_HOSTS.search(url)),
                   key=lambda url: not (_PAPER_HOSTS.search(url) or ("pdf", url) in links))
    if not title or not paper:
        return (number, title, links[0][1]) if title and links else None
    ordered = [("pdf", paper[0])] + [(k, u) for k, u in links if u != paper[0]]
    label, names, et_al = _label_and_authors(_DOUBLE_LINK.sub("", _LINK.sub("", rest)))
    return ListItem(number, section, label, title, tuple(ordered), names, et_al)


def _named_title(name: str, rest: str) -> str | None:
    """The title a list writes after a project's short name (``AnnoLLM``, ``Self-Instruct``)
    in what follows it: ``: Making ... Annotators.`` (the name, then that), ``- GPT4All:
    Training ...`` (what repeats the name), ``- [Stanford Alpaca: An ... Model](url)`` (a
    link's words); ``None`` where it writes none of these (``- Jason Wei et al.``)."""
    if len(name.split()) > 3 or not name:
        return None
    linked = _LINKED_AFTER_NAME.match(rest)
    if linked is not None and not _is_generic(linked.group("text")) and \
            _link_label(linked.group("text")) is None:
        return _clean_title(linked.group("text"))
    said = _AFTER_NAME.match(rest)
    if said is None:
        return None
    words = _clean_title(said.group("words"))
    if words.lower().startswith(name.lower()):
        return words
    return f"{name}: {words}" if said.group("mark") == ":" and len(words.split()) >= 3 else None


# what follows a project's name: a colon or dash and words up to a full stop or a link
_AFTER_NAME = re.compile(r"[ \t]*+(?P<mark>:|[-–—])[ \t]*+(?P<words>[^\[\]\n]{8,300}?)[ \t]*+"
                         r"(?:\.(?=[ \t]|$)|(?=\[)|$)")
_LINKED_AFTER_NAME = re.compile(r"[ \t]*+[:–—-][ \t]*+\[(?P<text>[^\[\]]{8,300}+)\]\(")
# "[Self-Instruct](repo): Aligning ... [[paper]](url)": a project's link, then its paper's title
_NAMED_LINK = re.compile(r"\[(?P<name>[^\[\]]{1,40}+)\]\((?P<url>[^()\[\]\s]{1,2000}+)\)"
                         r"(?P<rest>[ \t]*+[:–—-].*+)")


def _label_and_authors(plain: str) -> tuple[str | None, tuple[str, ...], bool]:
    """The label and authors of what follows a bold title: ``Authors. *Venue* (Year)``
    (the first emphasis is the venue, the authors stand before it), or ``*Authors*
    Venue Year`` (an emphasis listing people: a venue and year after it, or no year in
    it). What follows a field name in emphasis (``_Why it matters:_``, ``**TL;DR**:``) is a
    note on the paper, no part of either."""
    # (an escaped star marks an equal contribution, "*Yi Sun\\*, Yu Zheng\\*, ...*": no
    # end of the emphasis, no letter of a name)
    plain = _before_note(plain).replace("\\*", "")
    coded = _CODE_LABEL_AFTER.match(plain)  # "**Title.** `TMLR 2022` *Authors.*": the label
    label = venue_year(coded.group("label")) if coded is not None else None
    if coded is not None and label is not None:
        return (label, *_label_and_authors(plain[coded.end():])[1:])
    plain = _EL_AL.sub(" et al", plain)  # "*Trieu H. Trinh el al.*": a typo of LLMSurvey's
    plain = _AFFILIATION.sub("", plain) if "(" in plain else plain  # "*Shuyan Zhou (CMU)*"
    venue = _EMPHASIS.search(plain)
    if venue is None:  # "**Title**  \n Kojima, Gu, Reid  \n NeurIPS 2022": plain names
        year = _YEAR.search(plain)
        return (venue_year(plain) or (year.group() if year else None), *_names_in(plain))
    after = _venue_year_after(plain[venue.end():])
    people = _people_emphasised(plain, venue, after)
    if people is not None:
        return people
    said = venue.group("text").strip(" .,")
    year = None if _YEAR.search(said) or _SHORT_YEAR.search(said) else _YEAR.search(plain)
    label = " ".join(part for part in (said, year.group() if year else "") if part) or None
    return (_full_year(label) if label else None, *listed_names(plain[:venue.start()]))


def _people_emphasised(plain: str, emphasis: re.Match[str], after: str | None
                       ) -> tuple[str | None, tuple[str, ...], bool] | None:
    """``_label_and_authors`` of an ``emphasis`` that lists the authors (``after``: the
    venue and year after it): "*Bosheng Ding et al. ACL 2023.*" and "*Sil Hamilton.
    arXiv.*" (the venue inside), "*Jason Wei, Xuezhi Wang*" (``_emphasised_people``), or of
    one that is no venue with the venue after it ("*OpenAI*. arXiv 2023."); else ``None``."""
    said = emphasis.group("text")
    inside = _people_and_venue(said) if "." in said else None
    if inside is not None and inside[2]:
        return venue_year(inside[2]) or inside[2], inside[0], inside[1]
    people = _emphasised_people(said, after)
    if people is not None:
        return (_label_around_people(plain, emphasis, after), *people)
    return (after, (), False) if after else None


def _emphasised_people(said: str, after: str | None) -> tuple[tuple[str, ...], bool] | None:
    """The authors an emphasis after a bold title lists (``said``; ``after``: the venue and
    year after it, if any): "*Jason Wei, Xuezhi Wang*", "*Tom B. Brown et al.*", one
    person with a venue after ("*Noam Shazeer*. arXiv 2019."); none of an organisation's
    name ("*Huawei Technologies Co., Ltd.*"); ``None`` where it names no authors (a
    venue: "Authors. *Venue* (Year)")."""
    if not ("," in said or _ET_AL_END.search(said) or after and len(said.split()) >= 2 and
            _reads_as_person(said.strip(" .,"))) or not after and _YEAR.search(said):
        return None
    names, et_al = listed_names(said)
    return (names, et_al) if _mostly_people(names) else ((), False)


def _label_around_people(plain: str, people: re.Match[str], after: str | None) -> str | None:
    """The label of a bold title's line whose emphasis lists people: a venue and year
    between the title and them ("**Title.** ICML 2019. *Neil Houlsby, ...* [[pdf](url)],
    2019.6", as PromptPapers writes it: the date after is the preprint's), else the one
    after them (``after``), else the first year after them."""
    year = _YEAR.search(plain[people.end():])
    return venue_year(plain[:people.start()]) or after or (year.group() if year else None)


_ET_AL_END = re.compile(r"[ \t]et[ \t]++al\.?+$")
_EL_AL = re.compile(r"[ \t]el[ \t]++al(?=\.|[ \t]*+[*_])")


def _venue_year_after(text: str) -> str | None:
    """``venue_year`` of what follows a paper's authors, its venue whole where it is a
    name of several capitalised words (``Frontiers of Data and Computing 2019``: the
    venue was the last word alone)."""
    said = venue_year(text)
    phrase = _VENUE_PHRASE_YEAR.match(text) if said else None
    if phrase is None or len(phrase.group("venue").split()) < 2 or \
            said != f"{phrase.group('venue').split()[-1]} {phrase.group('year')}":
        return said
    return f"{phrase.group('venue')} {phrase.group('year')}"


# "Frontiers of Data and Computing 2019": capitalised words (and "of", "and", "the", "for",
# "on", "in", "&" between), then the year
_VENUE_PHRASE_YEAR = re.compile(
    r"[ \t.,:;]*+(?P<venue>[A-Z][\w&-]{0,30}+(?:[ \t]++(?:of|and|the|for|on|in|&|"
    r"[A-Z][\w&-]{0,30}+)){1,8}+)[ \t,]++(?P<year>(?:19|20)\d\d)\b")


def _before_note(plain: str) -> str:
    """What follows a bold title up to a note's field name in emphasis (``_Why it
    matters:_``), which names no venue and no author (``_NeurIPS 2022_: Oral`` is a venue)."""
    note = next((found for found in _COMMENTARY.finditer(plain)
                 if venue_year(found.group("name")) is None), None)
    return plain[:note.start()] if note is not None else plain


# a venue in a code span right after a bold title, as Awesome-LLM-Reasoning writes it
_CODE_LABEL_AFTER = re.compile(r"[ \t.,:;-]*+`(?P<label>[^`\[\]]{2,60}+)`")
# a note's field name in emphasis, its colon inside or after: "_Why it matters:_", "**TL;DR**:"
_COMMENTARY = re.compile(r"(?<![*\w])(?:\*\*|__|\*|_)(?P<name>[A-Za-z][^*_\[\]()\n]{0,40}?)"
                         r"(?::(?:\*\*|__|\*|_)|(?:\*\*|__|\*|_)[ \t]*+:)")


def _labelled_linked_item(body: str, labelled: re.Match[str] | None, number: int,
                          section: str) -> ListItem | tuple[int, str, str] | None:
    """``_linked_item`` of a bullet, the label a bracketed label before it names (``[2023]
    Title [paper](url)``; ``labelled`` is ``_LABEL``'s match of it) its label, its words no
    part of the title."""
    if labelled is not None and (_is_label(labelled.group("label")) or
                                 _names_venue_alone(labelled.group("label"))):
        read = _linked_item(labelled.group("rest"), number, section)
        if isinstance(read, ListItem):
            return replace(read, label=_dated(read.label, labelled.group("label"))) \
                if read.label else replace(read, label=labelled.group("label"))
    return _linked_item(body, number, section)


def _linked_item(body: str, number: int, section: str) -> ListItem | tuple[int, str, str] | None:
    """Any other bullet: a paper when it links one, titled by that link's text (or, where
    the text only says "paper", by the bullet's words outside its links)."""
    links: list[tuple[str, str]] = _LINK.findall(body)
    if not links:
        return None
    paper = next(((text, url) for text, url in links if _PAPER_HOSTS.search(url)), None)
    between = _LINK.sub(" ", _DOUBLE_LINK.sub(" ", body))  # the words outside the links
    if paper is None:
        said = shortened(_clean_title(_LINK.sub(r"\1", body))) or "(an image or badge)"
        return (number, said, links[0][1])
    listed = _Listed(*_title_and_its_label(_clean_title(_name_then_title(paper[0]))))
    # "Title [arXiv 2022](url)", "Title ([Ding et al., 2023](url))": the link says where
    # or who, the title is outside it
    link_says = _link_label(listed.title) or _Listed("", None)
    if link_says.venue or _is_generic(listed.title):
        left = _LEFT_BY_LINKS.sub(" ", _YEAR_LABEL.sub("", between))
        left = _LEFT_BY_LINKS.sub(" ", left)  # ", code:" takes two passes
        listed = _listed_title(_STRAY_PUNCTUATION.sub(r"\1", " ".join(left.split())))
    title = listed.title
    if not title:
        return None
    words = _clean_title(between, drop_tag=False)  # a leading "(NeurIPS 2022)" is no tag here
    rest = words if title not in words else words.replace(title, "")
    year = _YEAR.search(rest)
    label = listed.venue or venue_year(rest) or link_says.venue or (year.group() if year else None)
    named = listed if listed.authors else link_says
    authors, et_al = (named.authors, named.et_al) if named.authors else _names_in(rest)
    # its links in every shape ("[[code](url)]" after the title: read as "[[code]](url)")
    return ListItem(number, section, label, title, _paper_first(paper[1], _written_links(body)),
                    authors, et_al)


def _name_then_title(text: str) -> str:
    """A link's words that give a paper's short name in bold, a dash and its title
    (``**AEL** — Algorithm Evolution Using ...``, as Awesome-LLM4AAD's table writes them):
    the title alone, as the paper has it (a name written with a colon, ``**AnnoLLM**:
    Making ...``, is part of its title and stays)."""
    found = _BOLD_NAME_DASH.fullmatch(text)
    return found.group("rest").strip() if found is not None else text


_BOLD_NAME_DASH = re.compile(r"(?:\*\*|__)(?P<name>[^*_\[\]]{1,40}+)(?:\*\*|__)[ \t]*+[—–-]"
                             r"[ \t]*+(?P<rest>\S.*+)")


def _title_and_its_label(text: str) -> tuple[str, str | None]:
    """A link's words without the venue and year they end with in brackets, and that label:
    ``Title (ACL 2023)``, ``Title (Published in Findings of EMNLP 2024)``; words in brackets
    that are no label stay (``A Report (Extended Version)``, ``Segment Anything (SAM)``).

    >>> _title_and_its_label("Augmenting Models with Textbooks (Published in Findings of EMNLP 2024)")
    ('Augmenting Models with Textbooks', 'Findings of EMNLP 2024')
    """
    found = _TRAILING_LABEL.search(text) if text.endswith(")") else None
    if found is None or not text[:found.start()].strip():
        return text, None
    label = _LABEL_LEAD.sub("", found.group("label")).strip()
    if not _is_label(label):
        return text, None
    return text[:found.start()], _label_as_written(label)


_TRAILING_LABEL = re.compile(r"[ \t]*+\((?P<label>[^()]{2,60}+)\)$")
# what a list writes before the venue in such brackets: "Published in", "Accepted at"
_LABEL_LEAD = re.compile(r"^(?:(?:published|accepted|to[ \t]+appear|appeared|presented)"
                         r"(?:[ \t]+(?:at|by|to|in|as))?|in)[ \t]++", re.I)


def _link_label(text: str) -> _Listed | None:
    """What a link's text says when it is a label (``arXiv 2022``, ``ACL'23``) or a
    citation (``Ding et al., 2023``) rather than a title: a ``_Listed`` with no title."""
    if _is_label(text) and not _DATE_LABEL.fullmatch(text):
        return _Listed("", _full_year(venue_year(text) or text))
    cited = _CITATION_TEXT.fullmatch(text)
    if cited is None:
        return None
    return _Listed("", cited.group("year"), (cited.group("first"),)
                   + ((cited.group("second"),) if cited.group("second") else ()),
                   cited.group("second") is None)


_CITATION_TEXT = re.compile(r"(?P<first>[A-Z][\w'-]{1,30}+)(?:[ \t]+et[ \t]+al\.?|"
                            r"[ \t]+(?:and|&)[ \t]+(?P<second>[A-Z][\w'-]{1,30}+))[ \t]*+,?[ \t]*+"
                            r"\(?(?P<year>(?:19|20)\d\d)[a-z]?\)?")


def _table_row(line: str, number: int, section: str, header: tuple[str, ...] = ()
               ) -> ListItem | tuple[int, str, str] | None:
    """``| [Title](url) | 03-2025 |``: the paper link's text (or the cell of the column
    ``header`` names the title's, or the row's longest plain cell) is the title, the first
    year in another cell the year."""
    # a cell may link in HTML ("<a href="u">Title</a>"), as lists mixing both write it
    cells = [_named_before_title(_html_links_as_markdown(cell).strip())
             for cell in line.strip("|").split("|")]
    linked: list[list[tuple[str, str]]] = [_LINK.findall(_IMAGE.sub("", cell))
                                           for cell in cells]
    links = [link for found in linked for link in found]
    if not links:
        return None
    paper = next(((text, url) for text, url in links if _PAPER_HOSTS.search(url)), None)
    plain = [_cell_title(cell) for cell in cells]
    if paper is None:
        paper = _in_paper_column(header, linked)
        if paper is None:
            said = _clean_title(links[0][0])
            return (number, (_titled_column(header, plain) if _is_generic(said) else None)
                    or said, links[0][1])
    named = (_titled_column(header, plain) or _title_beside(linked, paper)
             if _is_generic(paper[0]) else None)
    title = named or _row_title(_clean_title(_name_then_title(paper[0])), plain, links)
    if not title:
        return None
    others = [text for text in plain if text != title]
    return ListItem(number, section, _row_label(others, header, cells), title,
                    _row_links(paper[1], links), *_row_authors(cells, title, others))


def _row_label(others: list[str], header: tuple[str, ...], cells: list[str]) -> str | None:
    """A table row's label from its cells but the title's (``others``, their links gone):
    a venue and year one cell names, else a venue's cell and a year's; else the column
    its header names the venue's, its links' words read too (``[EMNLP’24](code)``), and a
    venue the table does not know ("ACM AISec", "IEEE S&P") still the list's word for it."""
    venue = _venue_column(header, cells)
    said = _venue_year_after(venue) if venue else None  # ("USENIX Security 2025" whole)
    if said is not None:
        return said
    label = next(filter(None, map(venue_year, others)), None) or _venue_and_year_cells(others)
    if label is None or parse_label(label)[0] is None:
        label = f"{venue} {label}" if venue and label else venue or label
    return label


def _row_links(paper: str, links: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """A row's links as (kind, url), its paper's first (``_paper_first``); a paper column's
    page at no paper host is what its host is, and the row's other links at no paper's site
    (a checkpoint's, a demo's) are then no paper."""
    found = _paper_first(paper, links)
    if _PAPER_HOSTS.search(paper):
        return found
    return ((_kind_of_host(paper), paper),
            *(link for link in found[1:] if link[0] != "paper" or _PAPER_HOSTS.search(link[1])))


def _title_beside(linked: list[list[tuple[str, str]]], paper: tuple[str, str]) -> str | None:
    """The title a cell gives its paper as another link's words, where the paper's own link
    says only "Paper" ("[Cerebras-GPT: A Family of Open, ... Models](blog) ([Paper](arxiv))",
    as open-llms writes it): three words or more. ``linked``: each cell's links."""
    for found in linked:
        if any(url == paper[1] for _text, url in found):
            return next((_clean_title(text) for text, url in found if url != paper[1]
                         and not _is_generic(text) and len(_clean_title(text).split()) >= 3),
                        None)
    return None


def _in_paper_column(header: tuple[str, ...], linked: list[list[tuple[str, str]]]
                     ) -> tuple[str, str] | None:
    """The link a row gives in the column its table's header names "Paper" or "Title",
    where its words read as a title (three words or more): the paper's own page at a site
    that is no paper host ("| [GPT-4 Technical Report](https://openai.com/research/gpt-4)
    |", a project page, its repository), which the header says is the paper. Elsewhere such
    a link is a project's, left out. ``linked``: each cell's links."""
    if len(header) != len(linked):
        return None
    for name, found in zip(header, linked):
        # ("Paper/Blog", "Paper or Blog": a column of papers and the pages standing for one)
        if name in _TITLE_COLUMNS[0] or not _TITLE_COLUMNS[0].isdisjoint(
                re.split(r"[ \t]*+(?:/|&|\bor\b)[ \t]*+", name)):
            if len(found) == 1 and not _is_generic(found[0][0]) and \
                    len(_clean_title(found[0][0]).split()) >= 3:
                text, url = found[0]
                return str(text), str(url)
    return None


def _titled_column(header: tuple[str, ...], plain: list[str]) -> str | None:
    """The row's words in the column its table's header names for a title ("Title",
    "Paper", then "Name", "Model"), where it has one and the row words there."""
    if len(header) != len(plain):
        return None
    return next((plain[index] for names in _TITLE_COLUMNS
                 for index, name in enumerate(header)
                 if name in names and plain[index] and not _is_generic(plain[index])), None)


def _venue_column(header: tuple[str, ...], cells: list[str]) -> str | None:
    """The row's words in the column its table's header names for the venue ("Venue",
    "Conference", "Published in"), a link's as its words, a badge's none, where they name
    one: a few words, a year only as a venue's (``EMNLP’24``)."""
    if len(header) != len(cells):
        return None
    for name, cell in zip(header, cells):
        # ("会议/年份", "Venue & Year": a venue's column with its year)
        if name in _VENUE_COLUMN_NAMES or not _VENUE_COLUMN_NAMES.isdisjoint(
                re.split(r"[ \t]*+(?:/|&|、|\band\b)[ \t]*+", name)):
            text = _clean_title(_LINK.sub(r"\g<text>", _IMAGE.sub("", cell)))
            if 1 < len(text) <= 60 and re.search(r"[^\W\d_]{2}", text) and \
                    not re.search(r"[\[\]()<>]|://", text) and not _is_generic(text) and \
                    (not _YEAR.search(text) or venue_year(text)):
                return text
    return None


# (not "Publisher", "Source" or "Published": an LLM table's maker, GitHub, a date)
_VENUE_COLUMN_NAMES = frozenset({
    "venue", "venues", "conference", "conf", "conf.", "journal", "journal/conference",
    "conference/journal", "publication", "published in", "pub", "pub.", "booktitle",
    "发表", "会议", "期刊", "出处"})
_TITLE_COLUMNS = ({"title", "paper", "paper title", "papers", "论文", "标题", "题目"},
                  {"name", "model", "method", "work", "report", "模型", "方法"})
# a Markdown table's rule row, under its header: "| --- | :---: |"
_RULE_ROW = re.compile(r"\|?(?:[ \t]*+:?-{2,}+:?[ \t]*+\|)++(?:[ \t]*+:?-{2,}+:?[ \t]*+)?")


def _row_title(linked: str, plain: list[str], links: list[tuple[str, str]]) -> str:
    """A table row's title: its paper link's words (``linked``), else, where they are
    generic ("arXiv"), its longest plain cell, else the name it links (``| [AnnoLLM](repo)
    | [arXiv](url) |``)."""
    if not _is_generic(linked):
        return linked
    longest = max((text for text in plain if not _YEAR.search(text) or len(text) > 12),
                  key=len, default="")
    return longest or next((_clean_title(text) for text, _url in links if not _is_generic(
        text) and _link_label(text) is None and _clean_title(text)), "")


def _venue_and_year_cells(cells: list[str]) -> str | None:
    """The label of a row that writes its venue and year in cells of their own (``| ACL |
    2023 |``, ``| 2023.03 | ... | PNAS |``): a cell that is a venue's name alone (one the
    venue table knows) and the first year; the year alone where no cell names a venue."""
    year = next((found.group() for text in cells if (found := _YEAR.search(text))), None)
    # (a table's columns are a few: each cell asked of the venue table is a scan of it)
    venue = next((text for text in cells[:_VENUE_COLUMNS] if 1 < len(text) <= 40
                  and not _YEAR.search(text) and venue_of(text) is not None), None)
    return f"{venue} {year}" if venue and year else year


_VENUE_COLUMNS = 12


def _row_authors(cells: list[str], title: str, others: list[str]
                 ) -> tuple[tuple[str, ...], bool]:
    """The authors a table row names: under the title in its cell (``**Title** <br>
    Authors``), or in a cell of their own."""
    said = [" ".join(_LINE_BREAK.split(cell)[1:]) or _BOLD_WORDS.sub(" ", cell)
            for cell in cells if title in _cell_title(cell) or title in cell] + others
    return _first_names_in(said)


def _cell_title(cell: str) -> str:
    """What a table cell says, without its links: where it emphasises words in bold
    (``**Title** <br> Authors``) those, else its first line."""
    text = _LINK.sub("", cell)
    bold = _BOLD_WORDS.search(text)
    if bold is not None:
        return _clean_title(bold.group("words"))
    first = _LINE_BREAK.split(text)[0]
    return _clean_title(first if first.strip() else text)


_BOLD_WORDS = re.compile(r"(?P<mark>\*\*|__)(?P<words>[^*_]{8,300}+)(?P=mark)")


# a workshop held at a conference as the field writes it, "DPFM@ICLR", "NewSum @ EMNLP":
# before the conference's name, never read as that conference alone
_HELD_AT = r"(?:[A-Za-z][A-Za-z0-9&*-]{1,20}+[ \t]?@[ \t]?)?"
# "ICML 2021", "NeurIPS'22": a venue's name (capitalised) and its year; emphasised, the
# year may follow in parentheses ("*Findings of EMNLP* (2021)", "*ICLR*, 2023"), the
# Findings before it taken with it
_VENUE_YEAR = re.compile(r"(?<![^\W_])(?<!-)"
                         r"(?P<findings>[*_]{0,2}+Findings[ \t]++of[ \t]++(?:the[ \t]++)?)?"
                         r"(?P<venue>" + _HELD_AT + r"[A-Z][A-Za-z&-]{1,20}+|arXiv)"
                         r"(?:(?:[*_]{1,2}+,?[ \t]++\(?|[ \t]++)(?P<year>(?:19|20)\d\d)\)?|"
                         r"['’](?P<short>\d\d))(?![\d'’])")
# the same after a title's last full stop or comma, or in parentheses or emphasis at its end
_TRAILING_VENUE = re.compile(r"(?:[.,;][ \t]+|(?<=[?!])[ \t]+|[ \t]+(?=[(\[*_`]))[(\[]?[*_`]{0,2}"
                             r"(?P<label>" + _HELD_AT + r"(?:[A-Z]|arX)[A-Za-z&-]{1,20}+"
                             r"(?:[ \t]+(?:of|on|in|the|[A-Z][A-Za-z&-]{1,20}+)){0,3}?"
                             r"(?:(?:[*_]{1,2},?)?[ \t]+(?:19|20)\d\d|['’]\d\d))[*_`]{0,2}[)\]]?"
                             r"[.,;]?[ \t]*$")  # ("*arXiv*, 2022": the year after the emphasis;
# "Title [NeurIPS 2022]": in brackets)


def venue_year(text: str) -> str | None:
    """The first venue and year ``text`` names, as a label (``NeurIPS'22`` as
    ``NeurIPS 2022``; a two-digit year up to 50 is of this century), else ``None``.

    >>> venue_year("(NeurIPS'22) and ICML 2023"), venue_year("in 2023")
    ('NeurIPS 2022', None)
    >>> venue_year("[2018 ICLR] Mixup")  # a bracketed label, its year first
    'ICLR 2018'
    """
    found = _VENUE_YEAR.search(text) or _known_venue_comma_year(text)
    if found is None:
        return _glued_venue_year(text) or _year_first_label(text)
    venue = _SPACED_AT.sub("@", found.group("venue"))
    host = _HOST_BEFORE.search(text, 0, found.start()) \
        if venue.lower() in ("findings", "workshop") else None
    if host is not None and venue.lower() == "workshop":  # "NeurIPS Workshop 2023"
        venue = f"{host.group('host')} Workshop"
    elif host is not None:  # "EMNLP Findings 2021"
        venue = f"Findings of {host.group('host')}"
    elif found.group("findings") or _FINDINGS_BEFORE.search(
            text[max(0, found.start() - 20):found.start()]):
        venue = f"Findings of {venue}"  # "Findings of EMNLP 2023": never EMNLP's main track
    return _with_track(f"{venue} {found.group('year') or _century(found.group('short'))}",
                       text, found.end())


def _year_first_label(text: str) -> str | None:
    """The label a bracketed year and venue write (``[2018 ICLR]``, ``(2019 ICCV)``) as
    ``ICLR 2018``, where the words are a venue's; else ``None``."""
    found = _YEAR_FIRST.search(text) if "[" in text or "(" in text else None
    return venue_year(f"{found.group('venue')} {found.group('year')}") if found else None


_YEAR_FIRST = re.compile(r"[\[(](?P<year>(?:19|20)\d\d)[ \t]++(?P<venue>[A-Za-z][\w&@'-]{1,20}+"
                         r"(?:[ \t][A-Za-z][\w&@'-]{1,20}+){0,2}+)[\])]")


def _glued_venue_year(text: str) -> str | None:
    """A label written as a venue's acronym glued to its year and nothing else (`` `ICLR23`
    ``, ``[NeurIPS21]``, ``EMNLP2023``, as Awesome-Code-LLM writes them), where the venue
    table knows the acronym ("GPT35" and "Llama2" name models).

    >>> _glued_venue_year("ICLR23"), _glued_venue_year("GPT35")
    ('ICLR 2023', None)
    """
    glued = _GLUED.fullmatch(text.strip())
    if glued is None:
        return None
    known = venue_of(glued.group("venue"))
    if known is None or known.kind in ("series", "preprint"):
        return None
    return f"{glued.group('venue')} {glued.group('year') or _century(glued.group('short'))}"


_GLUED = re.compile(r"(?P<venue>[A-Za-z]{2,12}+)(?:(?P<year>(?:19|20)\d\d)|(?P<short>\d\d))")


def _known_venue_comma_year(text: str) -> re.Match[str] | None:
    """A venue and its year with a comma between (``Findings of EMNLP, 2021``, a journal's
    ``JMLR 22(75):1-35, 2021``), where the venue is one the venue table knows: "Wei, 2022"
    names an author."""
    # (the first few: each asks the venue table, a scan of it)
    return next((found for found in itertools.islice(_VENUE_COMMA_YEAR.finditer(text), 4)
                 if venue_of(found.group("venue")) is not None), None)


# (a journal's volume, issue and pages may stand before the comma: "JMLR 22(75):1-35, 2021")
_VENUE_COMMA_YEAR = re.compile(r"(?<![^\W_])(?<!-)(?P<findings>)(?P<venue>[A-Z][A-Za-z&-]{1,20}+)"
                               r"(?:[ \t]++\d{1,4}+(?:\(\d{1,4}+\))?+(?::[ \t]*+\d{1,6}+"
                               r"(?:[-–]{1,2}+\d{1,6}+)?+)?+)?+,"
                               r"[ \t]++(?P<year>(?:19|20)\d\d)(?P<short>)(?![\d'’])")


def _with_track(label: str, text: str, end: int) -> str:
    """``label`` (``ICML 2023``), read at ``end`` of ``text``, as the workshop or Findings
    it is where the text goes on to say so (``ICML 2023 Workshop``: ``ICML Workshop 2023``;
    ``EMNLP 2023 (Findings)``: ``Findings of EMNLP 2023``), never the conference's main
    track."""
    track = _TRACK_AFTER.match(text, end) if "@" not in label else None
    if track is None:
        return label
    venue, _space, year = label.rpartition(" ")
    if track.group("track").lower().startswith("workshop"):
        return f"{venue} Workshop {year}"
    return label if venue.lower().startswith("findings") else f"Findings of {venue} {year}"


# the conference a "Findings" is of, written before it ("EMNLP Findings 2021")
_HOST_BEFORE = re.compile(r"(?<![\w-])(?P<host>[A-Z][A-Za-z&-]{1,20}+)[ \t]++$")
_FINDINGS_BEFORE = re.compile(r"\bfindings[ \t]++of[ \t]++(?:the[ \t]++)?$", re.I)
_TRACK_AFTER = re.compile(r"[ \t]*+(?:[-–—:,(][ \t]*+)?(?P<track>workshops?|findings)\b", re.I)


_SPACED_AT = re.compile(r"[ \t]?@[ \t]?")


def _century(short: str) -> str:
    """A two-digit year in full: up to 50 of this century, else of the last."""
    return f"{'20' if int(short) <= 50 else '19'}{short}"


# what a bullet's links leave of its words: "( )", "[ ]", "code:" before a link, a separator
_LEFT_BY_LINKS = re.compile(r"\([\s,;]*\)|\\?\[\s*\\?\]|\b(?:code|paper|pdf|data|project|github|"
                            r"arxiv|link)[ \t]*+:|[,;:][ \t]*+(?=[,;:.]|$)", re.I)


# "NeurIPS 2022. ." once the links between are gone: one mark, where the first was
_STRAY_PUNCTUATION = re.compile(r"[ \t]*+([.,;:])(?:[ \t]++[.,;:])++")


class _Listed(NamedTuple):
    """What a list writes of a paper in words: its title, the venue it names (a label) and
    the people it names as its authors."""

    title: str
    venue: str | None
    authors: tuple[str, ...] = ()
    et_al: bool = False


def _listed_title(text: str) -> _Listed:
    """The title in the words a list writes around it, the venue it names (a label) and
    its authors: a quoted or emphasised title (``"Title". Authors. ICML 2021.``), a
    reference's (``Kojima, T. (2022). Title. NeurIPS.``), a title before who and where
    (``Title (Ouyang et al., NeurIPS 2022)``), or one with its venue and authors after it
    (``_title_and_venue``, ``_title_and_names``).

    >>> _listed_title('"Learning Models From Supervision". A. Radford et al. ICML 2021.')[:3]
    ('Learning Models From Supervision', 'ICML 2021', ('A. Radford',))
    >>> _listed_title("Kojima, T., Gu, S. (2022). Models are Zero-Shot Reasoners. NeurIPS.")[:2]
    ('Models are Zero-Shot Reasoners', 'NeurIPS 2022')
    >>> _listed_title("Training Models with Feedback (Ouyang et al., NeurIPS 2022)")[:2]
    ('Training Models with Feedback', 'NeurIPS 2022')
    >>> _listed_title("Reasoning in Models. Jason Wei, Xuezhi Wang. NeurIPS 2022.")[:3]
    ('Reasoning in Models', 'NeurIPS 2022', ('Jason Wei', 'Xuezhi Wang'))
    >>> _listed_title("A Technical Report (Extended Version)")[:2]
    ('A Technical Report (Extended Version)', None)
    """
    text = text.rstrip(" \t-–—|:")  # a separator before links it lost ("Title - [link]")
    quoted = _QUOTED_TITLE.match(text) or _EMPHASISED_TITLE.match(text)
    if quoted:  # (its authors and venue after it as after any bold title)
        return _Listed(_clean_title(quoted.group("title")),
                       *_label_and_authors(quoted.group("rest")))
    cited = _after_its_authors(text)
    if cited is not None:
        return cited
    reference = _REFERENCE.match(text)
    if reference:
        named = re.match(r"[*_]?([A-Z][A-Za-z&-]{1,20})", reference.group("rest"))
        return _Listed(_clean_title(reference.group("title")), _venue_leading(
            reference.group("rest"), reference.group("year")) or venue_year(
            f"{named.group(1) if named else ''} {reference.group('year')}".strip()),
            *_names_in(reference.group("authors")))
    vancouver = _vancouver_reference(text)
    if vancouver is not None:
        return vancouver
    dashed = _dashed_fields(text)
    if dashed is not None:
        return dashed
    after = _WHO_AND_WHERE.fullmatch(text)
    if after and ("et al" in after.group("inner") or venue_year(after.group("inner"))):
        inner = after.group("inner")
        return _Listed(_clean_title(after.group("title")), venue_year(inner),
                       *_names_in(inner.partition(",")[0] if "et al" in inner else ""))
    emphasised = _title_then_people(text)
    if emphasised is not None:
        return emphasised
    title, venue = _title_and_venue(text)
    title, people, et_al = _title_and_names(title)
    return _Listed(title, venue, people, et_al)


def _title_then_people(text: str) -> _Listed | None:
    """A title in plain words, then its authors in emphasis with their venue inside or
    after it (``Voyager: An Open-Ended Agent *Guanzhi Wang et al. Arxiv.*``, ``*Shuyan Zhou
    (CMU) et al. arXiv.*``, ``*Sil Hamilton (McGill University). arXiv.*``, as
    LLM-Agent-Paper-List writes each paper: an affiliation is no part of a name); else
    ``None``.

    >>> _title_then_people("Code as Policies *Jacky Liang (Google) et al. IEEE(ICRA).*")
    _Listed(title='Code as Policies', venue='IEEE(ICRA)', authors=('Jacky Liang',), et_al=True)
    """
    found = _TITLE_THEN_PEOPLE.fullmatch(text)
    if found is None or len(found.group("title").split()) < 2:
        return None
    said = _people_and_venue(found.group("said"))
    if said is None:
        return None
    people, et_al, inside = said
    venue = venue_year(inside) or venue_year(found.group("rest")) or inside or None
    return _Listed(_clean_title(found.group("title")), venue, people, et_al)


def _people_and_venue(said: str) -> tuple[tuple[str, ...], bool, str] | None:
    """The authors an emphasis names, whether it ends them with "et al.", and the venue
    it gives after them: "Corey Lynch et al. IEEE(RAL)", "Shuyan Zhou (CMU) et al. arXiv."
    (an affiliation is no part of a name), "Sil Hamilton. arXiv."; ``None`` where most of
    the names read as no person's, or one name stands alone."""
    said = _AFFILIATION.sub("", said).strip()
    end = _ET_AL_IN.search(said) or _NAMES_END.search(said)  # (a full stop, no initial's)
    names, inside = (said[:end.start()], said[end.end():]) if end else (said, "")
    people, et_al = listed_names(names)
    et_al = et_al or bool(end and end.group().strip(" ,.").startswith("et"))
    inside = inside.strip(" .,;")
    if not people or not _mostly_people(people) or \
            len(people) == 1 and not (et_al or inside) or len(inside) > 80:
        return None
    return people, et_al, inside


# "Title *Authors ...*" and what follows the emphasis
_TITLE_THEN_PEOPLE = re.compile(r"(?P<title>[^*_]{8,300}?)[ \t.,:;]*+(?P<mark>[*_])"
                                r"(?P<said>[^*_\[\]\n]{2,2000}+)(?P=mark)(?![*\w])(?P<rest>[^*]*+)")
# "Shuyan Zhou (CMU)": an affiliation in brackets after a name ("IEEE(RAL)" stays a venue)
# (not "(2022)", a year's, nor anything holding a digit)
_AFFILIATION = re.compile(r"[ \t]++\((?![^()]{0,120}\d)[^()]{1,120}+\)")
_ET_AL_IN = re.compile(r"[ \t,]++et[ \t]++al\b\.?")
_NAMES_END = re.compile(r"(?<![A-Z])\.(?:[ \t]++|$)")


def _vancouver_reference(text: str) -> _Listed | None:
    """A reference as medicine's journals write one (Vancouver, AMA): ``Singhal K, Azizi S,
    Tu T, et al. Large language models encode clinical knowledge. Nature.
    2023;620(7972):172-180.``, each author a family name and the initials after it; else
    ``None``.

    >>> _vancouver_reference("Ding B, Qin C, et al. Is GPT-3 a good data annotator? ACL 2023.")
    _Listed(title='Is GPT-3 a good data annotator?', venue='ACL 2023', authors=('Ding, B.', 'Qin, C.'), et_al=True)
    """
    found = _VANCOUVER.match(text)
    if found is None:
        return None
    names = [_VANCOUVER_NAME.fullmatch(name.strip()) for name in found.group("names").split(",")]
    authors = tuple(f"{name.group('family')}, {'. '.join(name.group('initials'))}."
                    for name in names if name is not None)
    rest = found.group("rest")
    year = _YEAR.search(rest)
    venue = venue_year(rest) or (_venue_leading(rest, year.group()) if year else None) or (
        year.group() if year else None)
    return _Listed(_clean_title(found.group("title")), venue, authors,
                   found.group("et_al") is not None)


# "Singhal K, Azizi S, Mahdavi SS, et al. Title. Venue. 2023;620:172-180."
_VANCOUVER_NAME = re.compile(r"(?P<family>[A-Z][\w'’]+(?:[ -][A-Z][\w'’]+){0,2}+) (?P<initials>[A-Z]{1,3}+)")
_VANCOUVER = re.compile(
    r"(?P<names>(?:[A-Z][\w'’]+(?:[ -][A-Z][\w'’]+){0,2}+ [A-Z]{1,3}+, ){1,40}+"
    r"(?:[A-Z][\w'’]+(?:[ -][A-Z][\w'’]+){0,2}+ [A-Z]{1,3}+|(?P<et_al>et al)))\.[ \t]++"
    r"(?P<title>[^.?!\n]{8,300}+[.?!])[ \t]*+(?P<rest>.*+)")


def _dashed_fields(text: str) -> _Listed | None:
    """A title with its authors and venue after it, each after a spaced dash (``Title -
    Bosheng Ding et al. - ACL 2023``), else ``None``: every part after the title names
    people or a venue and year (a title may hold a dash of its own)."""
    parts = _SPACED_DASH.split(text) if " " in text else []
    if not 2 <= len(parts) <= 4 or len(parts[0].split()) < 3:
        return None
    venue: str | None = None
    people: tuple[str, ...] = ()
    et_al = False
    for part in parts[1:]:
        said = venue_year(part)
        names, more = listed_names(part) if said is None else ((), False)
        # (people: two at least, or one and "et al.", as ``_names_in`` reads them)
        if said is None and not (names and all(map(_reads_as_person, names)) and
                                 (more or len(names) >= 2)):
            return None
        venue = venue or said
        people, et_al = (people, et_al) if people else (names, more)
    return _Listed(_clean_title(parts[0]), venue, people, et_al)


_SPACED_DASH = re.compile(r"[ \t]++[-–—][ \t]++")


def _after_its_authors(text: str) -> _Listed | None:
    """A title quoted after its authors, as IEEE and MLA references write it (``J. Wei,
    X. Wang, et al., "Chain of Thought Prompting," in NeurIPS, 2022.``), else ``None``."""
    quoted = _QUOTED_TITLE.search(text) if text[:1] not in "\"“”" else None
    if quoted is None:
        return None
    people, et_al = listed_names(text[:quoted.start()].strip(" \t,.:;"))
    if not people or not all(_reads_as_person(person) for person in people):
        return None
    rest = quoted.group("rest")
    year = _YEAR.search(rest)
    return _Listed(_clean_title(quoted.group("title").rstrip(" ,")), venue_year(rest) or (
        _venue_leading(rest, year.group()) if year else None), people, et_al)


def _venue_leading(rest: str, year: str) -> str | None:
    """The label of a reference whose venue, by its full name, leads what follows its title
    (``*Advances in Neural Information Processing Systems*, 35`` or ``in Proceedings of the
    National Academy of Sciences 120.30``) and ``year``: the venue's acronym and the year
    (``NeurIPS 2022``), where the venue table knows the name; else ``None``."""
    leading = _LEADING_VENUE.match(rest)
    name = leading.group("name") or leading.group("name2") if leading else None
    known = venue_of(name.strip(" .,")) if name else None
    if known is None or known.kind not in ("conference", "journal", "workshop"):
        return None
    return f"{known.acronym} {year}"


# what leads the words after a reference's title: its venue, in emphasis or up to a number
_LEADING_VENUE = re.compile(r"[ \t.,]*+(?:in[ \t]++)?(?:(?P<mark>\*\*|__|\*|_)(?P<name>[^*_\n]{4,160}+)"
                            r"(?P=mark)|(?P<name2>[A-Z][^,.(\[\d\n]{3,160}+))", re.I)


def _title_and_names(text: str) -> tuple[str, tuple[str, ...], bool]:
    """A title with the authors a list writes after it (``Title. Jason Wei, Xuezhi Wang``,
    ``Title, Zhuosheng Zhang et al.``) taken off, and those authors: at least two people,
    or one and "et al.", each in capitalised words (a title's words seldom are all that).

    >>> _title_and_names("Chain of Thought. Jason Wei, Xuezhi Wang")
    ('Chain of Thought', ('Jason Wei', 'Xuezhi Wang'), False)
    >>> _title_and_names("Chain of Thought. *Jason Wei, Xuezhi Wang*.")
    ('Chain of Thought', ('Jason Wei', 'Xuezhi Wang'), False)
    >>> _title_and_names("Reading, Writing, and Arithmetic")
    ('Reading, Writing, and Arithmetic', (), False)
    """
    ends = _TITLE_END.finditer(text, max(0, len(text) - 2000))  # names: a few hundred
    for end in itertools.islice(ends, 40):
        people, et_al = listed_names(_EMPHASIS_MARKS.sub("", text[end.end():]))
        # (each a given name and a family name: "Mathematical Embedding, and Genomics" are
        # a title's words)
        if (len(people) >= 2 or et_al) and all(_reads_as_person(p) and len(p.split()) >= 2
                                               for p in people):
            # a question's or exclamation's mark is the title's own
            title = _clean_title(text[:end.start() + (text[end.start()] in "?!")])
            return (title, people, et_al) if len(title.split()) >= 2 else (text, (), False)
    return text, (), False


_AROUND_NAMES = re.compile(r"(?<![^\W\d_])[-–—]|[-–—](?![^\W\d_])|[()\[\]|]")
# where a title may end and its authors begin: a full stop or comma (not an initial's, nor
# an abbreviation's: "Dr.", "Mr.")
_TITLE_END = re.compile(r"(?<![A-Z])(?<!\b[A-Z][a-z])[.,?!][ \t]++(?=(?:\*{1,2}|_{1,2})?[^\W\d_])")
_EMPHASIS_MARKS = re.compile(r"\*{1,2}|(?<!\w)_{1,2}|_{1,2}(?!\w)")  # "*Jason Wei, Xuezhi Wang*."
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "la", "le", "di", "da", "dos", "du",
                        "del", "bin", "al", "el", "ten", "ter", "y"})


# the commonest words of the field's titles that are no one's name ("Large Language Models,
# Neural Networks" is no list of people); words that are also names ("Deep", "Long") are not
_NOT_NAME_WORDS = frozenset("""
    models model learning language languages networks network neural data systems system
    training generation reasoning survey benchmark benchmarks evaluation prompting prompts
    agents agent transformers transformer attention knowledge text vision tasks task
    instructions instruction tuning feedback annotation annotations learners retrieval
    alignment inference optimization detection classification representations understanding
    generative pretrained supervised efficient scaling adaptation dataset datasets graph
    graphs multimodal contrastive questions answering chain thought towards via using
    study studies approach approaches analysis framework method methods comprehensive
    empirical hybrid review overview perspective
    """.split()) | frozenset("""
    university universität université institute institut research lab labs laboratory
    laboratories inc corp corporation company group team academy college school center
    centre department ai google deepmind microsoft openai facebook meta amazon nvidia ibm
    anthropic alibaba tencent baidu huawei bytedance salesforce hugging huggingface mistral
    cohere oral spotlight poster award best paper online virtual event workshop
    """.split())  # an organisation's words and a talk's, as lists write them beside titles


def _reads_as_person(name: str) -> bool:
    """Whether ``name`` is written as a person's: one to five words, each an initial, a
    particle or a capitalised word with at most two capitals (``McCann``, not ``LLMs``)."""
    words = name.replace(",", " ").split()
    return 1 <= len(words) <= 5 and all(_reads_as_name_word(word) for word in words)


def _mostly_people(names: Sequence[str]) -> bool:
    """Whether most of ``names`` read as people's (``_reads_as_person``): a list's typo in
    one ("*ason Wei, Maarten Bosma, ...*") is one name, an organisation's words ("Huawei
    Technologies Co., Ltd.") no people."""
    return sum(map(_reads_as_person, names)) * 2 > len(names)


def _reads_as_name_word(word: str) -> bool:
    """One word of a person's name as lists write it (see ``_reads_as_person``)."""
    if word.lower() in _NOT_NAME_WORDS:
        return False
    if word in _PARTICLES or _INITIALS.fullmatch(word):
        return True
    return word[0].isupper() and sum(c.isupper() for c in word) <= 2 and \
        not any(c.isdigit() for c in word)


_INITIALS = re.compile(r"(?:[^\W\d_]\.-?){1,3}")  # "J.", "J.-P.", "A.B."


def _first_names_in(texts: Iterable[str]) -> tuple[tuple[str, ...], bool]:
    """The authors the first of ``texts`` that names any names (``_names_in``)."""
    return next((named for text in texts if (named := _names_in(text))[0]), ((), False))


def _names_in(text: str) -> tuple[tuple[str, ...], bool]:
    """The authors named in what a list writes beside a title (``*Jason Wei, Xuezhi
    Wang.* NeurIPS 2022.``, ``Zhuosheng Zhang et al. arXiv.``): an emphasis naming people,
    else the longest run of its first sentences that does. Two people at least, or one
    and "et al.": one name alone is too like a lab, an award or a note ("Oral")."""
    emphasis = _AUTHORS_EMPHASIS.search(text)
    alone = _ONE_DATED_NAME.match(text) if emphasis is None else None
    if alone is not None:  # "— Dale Schuurmans (2023)": one author, as references write one
        person, et_al = listed_names(alone.group("name"))
        if len(person) == 1 and not et_al and _reads_as_person(person[0]):
            return person, False
    candidates = [emphasis.group("names")] if emphasis else []
    venue = _known_venue_comma_year(text)  # "Xuezhi Wang, Jason Wei, ICLR, 2023": no person
    if venue is not None:
        text = f"{text[:venue.start()]} {text[venue.end():]}"
    # without the links, venues, a bracketed year and what is left in it ("(2025, ICLR 2025
    # (Oral))", "(2021, JMLR 22(75):1-35, 2021)": no name is in it), years and the brackets
    # and dashes around them
    plain = _VENUE_YEAR.sub(" ", _LINK.sub(" ", text))
    plain = _DATED_BRACKETS.sub(" ", plain) if "(" in plain else plain
    plain = _AROUND_NAMES.sub(" ", _YEAR.sub(" ", plain))
    pieces = re.split(r"(?<=\.)[ \t]++", " ".join(plain.split()))[:12]
    candidates += [" ".join(pieces[:n]) for n in range(len(pieces), 0, -1)]
    for candidate in candidates:
        people, et_al = listed_names(candidate)
        if people and all(_reads_as_person(person) for person in people) and (
                et_al or len(people) >= 2) and not any(
                word.lower() in _GENERIC or word.lower() in _KIND_WORDS
                for person in people for word in person.split()):
            return people, et_al
    return (), False


# a name alone right after a title's dash, then a bracketed year: one author
_ONE_DATED_NAME = re.compile(r"[ \t]*+[-–—][ \t]*+(?P<name>[^\W\d_][^\W\d_ .'-]*+(?:[ \t.'-]{1,2}+"
                             r"[^\W\d_][^\W\d_ .'-]*+){1,3}+)[ \t]*+\((?:19|20)\d\d(?!\d)")
# brackets holding a year, one bracket deep inside them
_DATED_BRACKETS = re.compile(r"\((?:[^()\n]|\([^()\n]{0,40}+\)){0,80}?(?<!\d)(?:19|20)\d\d(?!\d)"
                             r"(?:[^()\n]|\([^()\n]{0,40}+\)){0,80}?\)")
# (a quote a colon follows is the title's first words: "“Well, Keep Thinking”: Enhancing ...")
_QUOTED_TITLE = re.compile(r"[\"“”](?P<title>[^\"“”]{8,300}+)[\"“”](?![:：])[ \t.,]*+"
                           r"(?P<rest>.*+)")
# "*Title*, Menick et al., 2022.": an emphasised title with more words after it
_EMPHASISED_TITLE = re.compile(r"(?P<mark>\*\*|__|\*|_)(?P<title>[^*_]{8,300}+)(?P=mark)(?![*\w])"
                               r"[ \t.,:;-]*+(?P<rest>\S.*+)")
# APA and the like: "Authors (2022). Title. Venue."
_REFERENCE = re.compile(r"(?P<authors>[^()]{2,300}?)[ \t]*+\((?P<year>(?:19|20)\d\d)[a-z]?\)\."
                        r"[ \t]*+(?P<title>[^.]{8,300}?)\.[ \t]*+(?P<rest>.*+)")
_WHO_AND_WHERE = re.compile(r"(?P<title>.{8,}?)[ \t]*+\((?P<inner>[^()]{1,120}+)\)[ \t.]*+")


def _title_and_venue(text: str) -> tuple[str, str | None]:
    """A title with the venue a list writes after it (``Title. *ICLR 2023*.``) taken off,
    and that venue as a label.

    >>> _title_and_venue("Self-Consistency Improves Reasoning. *ICLR 2023*.")
    ('Self-Consistency Improves Reasoning', 'ICLR 2023')
    >>> _title_and_venue("Overview of BioASQ 2023")
    ('Overview of BioASQ 2023', None)
    """
    trailing = _TRAILING_VENUE.search(text)
    if trailing is None or not _clean_title(text[:trailing.start()]):
        return _clean_title(text), None
    # whole ("Findings of EMNLP 2023"), its marks left out
    label = _SPACED_AT.sub("@", " ".join(re.sub(r"[*_,`]", " ", trailing.group("label")).split()))
    return _clean_title(text[:trailing.start()]), _full_year(label)


def _full_year(label: str) -> str:
    """A label with a two-digit year at its end in full: ``ICLR'23`` as ``ICLR 2023``."""
    short = _SHORT_YEAR.search(label)
    return f"{label[:short.start()]} {_century(short.group(1))}" if short else label


_SHORT_YEAR = re.compile(r"['’](\d\d)$")


_YEAR_LABEL = re.compile(r"^\[?[A-Za-z][\w .&-]{0,40}?[ \t']\d{2,4}\]?[ \t:.-]*")


def _paper_first(paper: str, links: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The item's links as (kind, url): its paper first, then the others by their text."""
    return (("pdf", paper), *((_link_kind(text, url), url) for text, url in links
                              if url != paper))


def _links_of(text: str) -> list[tuple[str, str]]:
    """The links of ``text`` (``[[kind]](url)`` and ``[kind](url)``) as (kind, url); a link
    with no text (a badge's) is known by its host."""
    return [(_link_kind(said, url), url) for said, url in _written_links(text)]


def _written_links(text: str) -> list[tuple[str, str]]:
    """The links of ``text`` as written: (their text, url), ``[[kind]](url)`` first."""
    return _DOUBLE_LINK.findall(text) + _LINK.findall(_DOUBLE_LINK.sub(" ", text))


def _link_kind(text: str, url: str) -> str:
    """A link's kind from its text, or, for a link with no words (a badge's, a pictograph's:
    ``[💻](url)``), its host; a name linking a repository (``[AnnoLLM](github)``) is code;
    a page about the work at no paper's site (``[[Checkpoint]](huggingface)``, ``[Video]``)
    is kept as said (as ``_declared_kind`` keeps it): never the paper."""
    words = _EDGE_PICTOGRAPHS.sub("", text).strip()
    if not words or _IDENTIFIER_TEXT.fullmatch(words):
        return _kind_of_host(url)
    if _UNOFFICIAL.search(words):  # someone else's reimplementation: no paper's own code
        return "unofficial"
    said, host = _kind_word(words), _kind_of_host(url)
    if said == "html" and host == "code":  # "[project](github.com/...)": a repository
        return host
    if said or host == "code":
        return said or host
    return words.lower() if words.lower() in _ABOUT_THE_WORK and host == "html" else "paper"


# the words of a link to a reimplementation by others ("[Unofficial](github)"), kept out of
# the paper's code
_UNOFFICIAL = re.compile(r"\bunofficial\b|\bre-?implementation|\bthird[- ]party\b|非官方|复现",
                         re.I)
# what lists link beside a paper that is no paper: its model, a demo, a talk
_ABOUT_THE_WORK = frozenset({"checkpoint", "checkpoints", "model", "models", "weights", "demo",
                             "video", "talk", "slides", "poster", "colab", "leaderboard",
                             "模型", "演示", "视频"})


def _kind_of_host(url: str) -> str:
    if re.match(r"https?://(?:www\.)?(?:github\.com|gitlab\.com)/", url, re.I):
        return "code"
    if re.match(r"https?://(?:www\.)?huggingface\.co/datasets/", url, re.I):
        return "data"
    return "paper" if _PAPER_HOSTS.search(url) else "html"


def _kind_of(text: str) -> str:
    """A link's kind from its text: ``pdf``, ``code``, ``data``, ``html``, else ``paper``.

    >>> _kind_of("GitHub"), _kind_of("[代码]"), _kind_of("Project Page"), _kind_of("Title")
    ('code', 'code', 'html', 'paper')
    """
    return _kind_word(text) or "paper"


def _kind_word(text: str) -> str | None:
    """The kind a link's words name (``GitHub``: code), or ``None`` for other words."""
    return _KIND_WORDS.get(text.strip(" *_[]【】").lower())


# what lists write on their links, in English and Chinese (the field's two languages)
_KIND_WORDS = {
    **dict.fromkeys(("code", "github", "repo", "repository", "gitlab", "代码", "源码",
                     "代码链接", "项目代码"), "code"),
    **dict.fromkeys(("data", "dataset", "datasets", "数据", "数据集"), "data"),
    **dict.fromkeys(("html", "blog", "project", "website", "page", "project page", "homepage",
                     "主页", "项目", "项目主页", "博客"), "html"),
    **dict.fromkeys(("paper", "arxiv", "论文", "原文", "论文链接"), "paper"),
    "pdf": "pdf",
}
# the names of a paper's fields (see _papers_of_field_lists): the link words of _KIND_WORDS,
# a PDF being the paper, and the facts
# (Chinese lists' too: 链接 links, 入口 entry points, 资源 resources; 发表 published, 会议
# conference, 期刊 journal, 出处 source; 年份 year, 时间 and 日期 date; 作者 authors)
_LINKS_FIELDS = frozenset({"links", "resources", "materials", "链接", "相关链接", "入口",
                           "可靠入口", "资源"})
_FIELD_KINDS = {
    **{word: "paper" if kind == "pdf" else kind for word, kind in _KIND_WORDS.items()},
    **dict.fromkeys(("link", "url", "paper link"), "paper"),
    **dict.fromkeys(("venue", "conference", "journal", "published", "published in",
                     "publication", "where", "发表", "发表于", "会议", "期刊", "出处",
                     "年份与发表", "发表信息"), "venue"),
    **dict.fromkeys(("year", "date", "年份", "时间", "日期", "发表时间"), "year"),
    **dict.fromkeys(("authors", "author", "by", "作者"), "authors"),
}


def _is_generic(text: str) -> bool:
    """Whether a link's text says what the link is ("PDF", "Code") or where it goes (an
    arXiv id, a DOI, the URL itself) rather than the paper's title."""
    words = _WORD.findall(text.lower())
    return not text or text.lower().strip(" []") in _GENERIC or \
        _IDENTIFIER_TEXT.fullmatch(text.strip()) is not None or \
        0 < len(words) <= 4 and all(word in _GENERIC for word in words)  # "OpenReview paper"


_WORD = re.compile(r"[^\W_]+")


# a link's text that is an identifier or an address: "arXiv:2201.11903", "10.18653/v1/...",
# "https://arxiv.org/abs/2201.11903"
_IDENTIFIER_TEXT = re.compile(r"(?:arxiv:?[ \t]?)?\d{4}\.\d{4,5}(?:v\d+)?"
                              r"|(?:doi:[ \t]?)?10\.\d{4,9}/\S+|https?://\S+", re.I)


def _clean_title(text: str, drop_tag: bool = True) -> str:
    """A title as a list writes it, without its markup (emphasis, HTML tags, Markdown's
    backslash escapes, code marks), pictographs before or after it, a leading tag (nested
    ones too; kept with ``drop_tag=False``) and the closing full stop.

    >>> _clean_title("🟢 (white-box (defense)) **A\\\\*-Thought:** <br>Fast `Search`.")
    'A*-Thought: Fast Search'
    >>> _clean_title("Don&#39;t Stop Pretraining: Domains &amp; Tasks")  # as GitHub shows it
    "Don't Stop Pretraining: Domains & Tasks"
    """
    text = _HTML_TAG.sub(" ", text).replace("**", "").replace("__", "").replace("`", "")
    if "&" in text:  # HTML's character references, as Markdown renders them
        text = strip_controls(html.unescape(text))
    title = _MARKDOWN_ESCAPE.sub(r"\1", " ".join(text.split())).strip(" *_")
    title = _EDGE_PICTOGRAPHS.sub("", title)
    tag = _TAG.match(title) if drop_tag else None
    if tag:
        title = title[tag.end():]
    title = title.strip(" :-–—")
    title = title[:-1].rstrip() if title.endswith(".") else title
    quoted = _QUOTED_TITLE.fullmatch(title)  # '**"Title"**': the quotes mark it, as bold does
    return quoted.group("title").strip() if quoted and not quoted.group("rest") else title


# a pictograph marking a bullet ("📝 **Title**"): before its shape is read
_PICTOGRAPH = r"\u2600-\u27bf\U0001f000-\U0001faff\ufe0f\u200d"  # (and their modifiers)
_LEADING_PICTOGRAPHS = re.compile(r"^[" + _PICTOGRAPH + r"]++[ \t]*+")
# a paper's short name in bracketed bold before the rest of its title (``_named_before_title``)
_BRACKETED_NAME = re.compile(r"(?P<lead>[" + _PICTOGRAPH + r"\s]*+)\[\*\*(?P<name>[^*\[\]]"
                             r"{1,40}+)\*\*\](?!\()[ \t]*+(?=[A-Za-z])")
_FOOTNOTE_MARK = re.compile(r"\[\^[^\[\]\s]{1,40}+\]")
# pictographs that mark the link after them: "📄 [Paper](url)"
_PICTOGRAPHS_BEFORE_LINK = re.compile(r"[" + _PICTOGRAPH + r"]++[ \t]*+(?=\[)")
# pictographs and their modifiers (🟢, ✨, ⭐️) at either end of a title: markers, not words
_EDGE_PICTOGRAPHS = re.compile(r"^[\s" + _PICTOGRAPH + r"]+|[\s" + _PICTOGRAPH + r"]+$")
# the marks around a label before a bullet's links (``_works_apart``): emphasis, quotes,
# code, pictographs
_LEAD_MARKS = re.compile(r"[\s*_`\"“”‘’'" + _PICTOGRAPH + r"]++")


_MARKDOWN_LINK = re.compile(r"\[([^\[\]]*+)\]\([^()\[\]]*+\)")
_HTML_TAG = re.compile(r"<[^<>]{0,500}+>")


def plain_heading(text: str) -> str:
    """A heading's name without its markdown and emoji: links become their text, emphasis
    and code marks go, and so do pictographs (a "🔥 Datasets" section is "Datasets").

    >>> plain_heading("🔥 **Instruction** [Tuning](#it) `(IT)` ✨")
    'Instruction Tuning (IT)'
    >>> plain_heading("Awesome-LLM [![Awesome](https://awesome.re/badge.svg)](https://awesome.re)")
    'Awesome-LLM'
    >>> plain_heading("Query Rewriting ([To Top](#awesome-rag)) [⬆](#contents)")
    'Query Rewriting'
    """
    # (a badge, an image in a link, is no word of the name; nor is a way back to the top)
    text = _BACK_TO_TOP.sub("", _IMAGE.sub("", _HTML_TAG.sub("", text)))
    text = _MARKDOWN_LINK.sub(r"\1", text)
    text = text.replace("**", "").replace("`", "")
    kept = "".join(c for c in text if unicodedata.category(c) not in ("So", "Sk", "Cf")
                   and not 0xFE00 <= ord(c) <= 0xFE0F)
    return " ".join(kept.split())


# a link within the page back to its top or its contents, as a heading ends ("([To Top](#x))",
# "[⬆ back to top](#contents)", "[🔝](#top)"), in brackets or not
_BACK_TO_TOP = re.compile(
    r"(?:[(\[][ \t]*+)?\[[^\w\]]{0,8}+(?:(?:(?:back|return|go|jump)[ \t]++)?(?:to[ \t]++)?"
    r"(?:the[ \t]++)?(?:top|toc|contents|table[ \t]++of[ \t]++contents)|back|返回顶部|回到顶部|"
    r"返回目录)?[^\w\]]{0,8}+\]\(#[^()\s]{0,200}+\)[ \t]*+[)\]]?", re.I)


def _trailing_links(text: str) -> tuple[str, list[tuple[str, str]]]:
    """``text`` split into what comes before its trailing ``[[kind]](url)`` links and the
    links, read from the end (a pattern would retry from every ``[[``)."""
    links: list[tuple[str, str]] = []
    # (a sentence's period after the last link, or a stray emphasis mark: "... [[pdf]](url)*")
    end = len(text.rstrip(" \t.*_"))
    while end and text[end - 1] == ")":
        middle = text.rfind("]](", 0, end)
        opening = text.rfind("[[", 0, middle) if middle > 0 else -1
        url, kind = text[middle + 3:end - 1], text[opening + 2:middle]
        if opening < 0 or ")" in url or "]" in kind or not kind:
            break
        links.append((kind, url))
        end = opening
        # what lists write between links ("[[arXiv]](u), [[GitHub]](u)", "... | ...")
        while end and (text[end - 1].isspace() or text[end - 1] in _BETWEEN_LINKS):
            end -= 1
    return text[:end], links[::-1]


_BETWEEN_LINKS = frozenset(",;|·•")


def _inline_references(text: str, fenced: frozenset[int]) -> str:
    """``text`` with its reference-style links written inline, as CommonMark reads them:
    ``[Title][ding2023]``, ``[Title][]`` and ``[ding2023]`` with ``[ding2023]: url "T"``
    defined on a line of its own (labels without case or extra spaces; the first
    definition wins) become ``[Title](url)``, each definition's line left blank (line
    numbers kept). A bracket no definition names is left as it is (a ``[ACL 2023]`` label);
    a definition in a code block (``fenced``: its lines, ``_fenced_lines``) is none."""
    if "]:" not in text:
        return text
    lines = text.split("\n")
    defined: dict[str, str] = {}
    for number, line in enumerate(lines):
        found = _REFERENCE_DEFINITION.fullmatch(line) if number + 1 not in fenced else None
        if found is not None:
            defined.setdefault(_reference_label(found.group("label")), found.group("url"))
            lines[number] = ""
    if not defined:
        return text

    def inline(link: re.Match[str]) -> str:
        label = link.group("label")
        url = defined.get(_reference_label(label or link.group("text")))
        if url is None:
            return link.group()
        # (parentheses written as they are escaped: an inline link's address ends at one)
        return f"[{link.group('text')}]({url.replace('(', '%28').replace(')', '%29')})"

    return "\n".join(line if number + 1 in fenced else _REFERENCE_LINK.sub(inline, line)
                     for number, line in enumerate(lines))


def _reference_label(label: str) -> str:
    return " ".join(label.split()).casefold()


_REFERENCE_DEFINITION = re.compile(r" {0,3}\[(?P<label>[^\[\]]{1,200}+)\]:[ \t]*+"
                                   r"<?(?P<url>[^\s<>]{1,2000}+)>?"
                                   r"(?:[ \t]++(?:\"[^\"]*+\"|'[^']*+'|\([^()]*+\)))?[ \t]*+")
# "[text][label]", "[text][]", "[label]" (text holding one level of brackets: "[[paper]][1]");
# never an inline link's text, nor an image's
_REFERENCE_LINK = re.compile(r"(?<![\]\\!])\[(?P<text>(?:[^\[\]\n]|\[[^\[\]\n]*+\])++)\]"
                             r"(?:\[(?P<label>[^\[\]\n]{0,200}+)\])?(?![(:\[])")


def _without_comments(text: str) -> str:
    """``text`` with each HTML comment replaced by its line breaks (line numbers kept)."""
    out: list[str] = []
    position = 0
    while (start := text.find("<!--", position)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:  # never closed: left as it is
            break
        out += [text[position:start], "\n" * text.count("\n", start, end)]
        position = end + 3
    out.append(text[position:])
    return "".join(out)


_CITATION_FENCES = frozenset({"", "bibtex", "bib", "biblatex", "latex", "tex"})


def _citation_block(text: str) -> tuple[int, int, str] | None:
    """The first fenced block (three backticks, then nothing or ``bibtex``) that holds one
    BibTeX entry: its start and end offsets (fences included) and the entry."""
    opening: int | None = None
    plain = False
    position = 0
    for line in text.splitlines(keepends=True):
        if line.startswith("```"):
            if opening is None:
                opening, plain = position, line[3:].strip().lower() in _CITATION_FENCES
            else:
                entry = text[opening:position].partition("\n")[2].strip()
                if plain and re.match(r"@\w+\{", entry) and entry.endswith("\n}"):
                    return opening, position + 3, entry
                opening = None
        position += len(line)
    return None


def list_as_markdown(text: str) -> str:
    """A list's text as Markdown: a README.org or a README.rst (GitHub renders both) as the
    Markdown it stands for, any other as it is."""
    markdown = "](" in text or _DEFINES_A_REFERENCE.search(text)  # "[1]: https://..."
    if markdown:
        return text
    if _ORG_LINK.search(text):
        return org_as_markdown(text)
    return rst_as_markdown(text) if _RST_LINK.search(text) else text


def rst_as_markdown(text: str) -> str:
    """A reStructuredText list's links as the Markdown ones they stand for, line for line:
    ```Title <url>`_`` (or ``__``) as ``[Title](url)``; a named reference (```Title`_``
    over ``.. _Title: url``) as a reference link with its definition. Its underlined
    headings are Markdown's too (``atx_headings``).

    >>> print(rst_as_markdown("- `Some Title <https://x.org/a>`_ (ACL 2023)\\n"
    ...                       "- `Other`_\\n\\n.. _Other: https://x.org/b"))
    - [Some Title](https://x.org/a) (ACL 2023)
    - [Other][]
    <BLANKLINE>
    [Other]: https://x.org/b
    """
    text = _RST_LINK.sub(lambda found: f"[{found.group('text')}]({found.group('url')})", text)
    text = _RST_TARGET.sub(lambda found: f"[{found.group('name')}]: {found.group('url')}", text)
    return _rst_sections(_RST_REFERENCE.sub(lambda found: f"[{found.group('name')}][]", text))


def _rst_sections(text: str) -> str:
    """reStructuredText's section titles as ATX headings, line for line: a title is
    underlined (and maybe overlined) with one punctuation character repeated, and its level
    is the order in which its style first appears (the document's title first, ``#``).
    Markdown would read ``~~~`` as a code fence and leave every section after it unread.

    >>> print(_rst_sections("Papers\\n======\\n\\nPrompting\\n~~~~~~~~~\\n- item"))
    # Papers
    <BLANKLINE>
    <BLANKLINE>
    ## Prompting
    <BLANKLINE>
    - item
    """
    lines = text.split("\n")
    styles: list[tuple[str, bool]] = []
    for index in range(len(lines) - 1):
        title, under = lines[index].rstrip("\r"), _RST_UNDERLINE.fullmatch(lines[index + 1])
        if under is None or not title.strip() or _RST_UNDERLINE.fullmatch(title) or \
                title.startswith((" ", "\t")) or index and lines[index - 1].strip() and \
                not _RST_UNDERLINE.fullmatch(lines[index - 1]):
            continue
        over = index > 0 and lines[index - 1].rstrip("\r") == lines[index + 1].rstrip("\r")
        style = (under.group(1), over)
        if style not in styles:
            styles.append(style)
        ending = "\r" if lines[index].endswith("\r") else ""
        lines[index] = f"{'#' * min(styles.index(style) + 1, 6)} {title.strip()}{ending}"
        lines[index + 1] = ending
        if over:
            lines[index - 1] = ending
    return "\n".join(lines)


# a section title's underline: one of the characters docutils allows, three or more times
_RST_UNDERLINE = re.compile(r"([=\-~^\"'`#*+:._])\1{2,}+[ \t]*+\r?")


# `Title <https://...>`_ (a named link) or `Title <https://...>`__ (an anonymous one)
_RST_LINK = re.compile(r"`(?P<text>[^`<>\n]{1,500}?)[ \t]*+<(?P<url>[A-Za-z][\w+.-]{0,20}+:"
                       r"[^\s<>`]{1,2000}+)>`__?+(?!\w)")
_RST_TARGET = re.compile(r"^\.\.[ \t]++_(?P<name>[^:\n`]{1,200}+|`[^`\n]{1,200}+`):[ \t]++"
                         r"(?P<url>\S{1,2000}+)[ \t]*+$", re.M)
_RST_REFERENCE = re.compile(r"`(?P<name>[^`<>\n]{1,200}+)`_(?!_)(?!\w)")


_DEFINES_A_REFERENCE = re.compile(r"^ {0,3}\[[^\[\]\n]{1,200}+\]:[ \t]*+<?[A-Za-z][\w+.-]{0,20}+:",
                                  re.M)


def org_as_markdown(text: str) -> str:
    """An Org-mode list as the Markdown it stands for, line for line (line numbers kept):
    ``* Heading`` as ``## Heading`` (a level down: Org's title is ``#+TITLE:``, Markdown's
    ``#``), its tags left out; ``[[url][text]]`` as ``[text](url)``; ``#+TITLE: T`` as ``# T``,
    a source block as a fenced one, other ``#+`` settings as blank lines.

    >>> print(org_as_markdown("#+TITLE: Papers\\n* Prompting  :llm:\\n- [[https://x.org/a][A]]"))
    # Papers
    ## Prompting
    - [A](https://x.org/a)
    """
    lines = text.split("\n")
    for index, line in enumerate(lines):
        heading = _ORG_HEADING.fullmatch(line.rstrip("\r"))
        setting = _ORG_SETTING.match(line) if line.startswith("#+") else None
        if heading is not None:
            words = _ORG_TAGS.sub("", heading.group(2)).strip()
            line = f"{'#' * min(len(heading.group(1)) + 1, 6)} {words}"
        elif setting is not None:
            name = setting.group(1).lower()
            line = f"# {line[setting.end():].strip()}" if name == "title" else \
                "```" if name in ("begin_src", "end_src", "begin_example", "end_example") \
                else ""
        lines[index] = _ORG_LINK.sub(_org_link, line)
    return "\n".join(lines)


_ORG_HEADING = re.compile(r"(\*{1,20}+)[ \t]++(.*+)")
_ORG_TAGS = re.compile(r"(?<![ \t])[ \t]++(?::[\w@#%]{1,50}+){1,20}+:[ \t]*+$")  # ":llm:cot:"
_ORG_SETTING = re.compile(r"#\+(\w{1,30}+):?")
_ORG_LINK = re.compile(r"\[\[(?P<url>[^\[\]\s]{1,2000}+)\](?:\[(?P<text>[^\[\]]{0,500}+)\])?\]")


def _org_link(found: re.Match[str]) -> str:
    return f"[{found.group('text') or found.group('url')}]({found.group('url')})"


def atx_headings(text: str) -> str:
    """``text`` with each setext heading (a line underlined with ``===`` or ``---``) written
    as the ATX heading it is (``# ``, ``## ``), its underline left blank: line numbers are
    kept. Code blocks and a front matter's closing ``---`` are no headings.

    >>> atx_headings("Awesome\\n=======\\n\\nPrompting\\n---------\\n- item\\n")
    '# Awesome\\n\\n\\n## Prompting\\n\\n- item\\n'
    """
    if "\n=" not in text and "\n-" not in text and "\n " not in text:
        return text
    lines = text.split("\n")
    fenced = False
    for index, line in enumerate(lines[:-1]):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        rule = _SETEXT_RULE.fullmatch(lines[index + 1])
        if fenced or rule is None or not line.strip() or (index and lines[index - 1].strip()) \
                or _NOT_A_PARAGRAPH.match(line):
            continue
        ending = "\r" if line.endswith("\r") else ""  # spaces and tabs only: a form feed
        # or line separator stays, as the line numbers of splitlines() count it
        lines[index] = ("# " if rule.group(1) == "=" else "## ") + \
            line.rstrip("\r").strip(" \t") + ending
        lines[index + 1] = ending
    return "\n".join(lines)


_SETEXT_RULE = re.compile(r" {0,3}(=|-)\1*[ \t]*\r?")
_FENCE = re.compile(r" {0,3}(?:```|~~~)")
# a line that cannot be a setext heading's text: an item, a heading, a table row, a quote,
# HTML, or a rule itself
_NOT_A_PARAGRAPH = re.compile(r"\s*(?:[-*+](?:[ \t]|$)|[|#>=<]|\d{1,4}[.)])")


def _links_tidied(text: str) -> str:
    """``text`` with its links as the items read them, line for line: spaces around an
    address gone ("[SingleOp]( https://doi.org/...)": CommonMark allows them), a label
    leading a link's words before it (``[[2018 ICLR] Mixup](url)``), a link to nothing
    (``[[code]()]``) none (it made its item none)."""
    text = _SPACED_DESTINATION.sub(
        lambda found: f"]({found.group('url') or found.group('url2')})", text)
    if "[[" in text:
        text = _LABEL_IN_LINK.sub(r"[\g<label>] [\g<title>](\g<url>)", text)
    if "]()" in text:
        text = _EMPTY_LINK.sub(lambda found: found.group("text") or "", text)
    return text


def _intro(text: str) -> str:
    """The text before the first section heading (one in a code block, a template's, is
    none: the intro cut there left its block open over the whole list rendered after it),
    with the survey's link line and citation block replaced by their markers. Where the
    list's sections are ``#`` headings (``_sections_from_level_one``), the first of them
    ends it: its title's heading, unless papers are listed right under it (open-llms' one
    table under "# Open LLMs"); the intro had held every section and paper before a ``##``."""
    offset, head = 0, text
    fenced = _fenced_lines(text)
    lines = text.split("\n")
    level_one = _sections_from_level_one(text, fenced) != text
    headings = 0
    for number, (line, read) in enumerate(zip(lines, atx_headings(text).split("\n")), start=1):
        if number not in fenced and (_heading(read.strip()) is not None or level_one and
                                     _ANY_HEADING.match(read)):
            headings += 1
            if not level_one or headings > 1 or _papers_right_under(lines, number, fenced):
                head = text[:offset]
                break
        offset += len(line) + 1
    block = _citation_block(head)
    if block is not None:
        head = head[:block[0]] + SURVEY_CITATION + head[block[1]:]
    head = re.sub(r"^\[\[[^\]]+\]\]\([^)]*\)[ \t]*$", SURVEY_LINK, head, count=1, flags=re.M)
    return head.strip("\n")


def _papers_right_under(lines: list[str], number: int, fenced: frozenset[int]) -> bool:
    """Whether a paper's line follows heading line ``number`` before the next heading."""
    for line, level in _lines_with_levels(lines[number:], frozenset(
            n - number for n in fenced if n > number)):
        if level:
            return False
        if _LINKING_LINE.match(line):
            return True
    return False


def item_label(entry: Entry) -> str | None:
    """The list label of an entry: ``EMNLP 2023``, ``arXiv 2023``, a venue the acronyms
    lack by its short name or text, the year alone without a venue (so that the list read
    back keeps it); ``None`` for a work that is not a paper (a project's own citation)."""
    if CURATED_FIELD in entry.fields or entry.year is None:
        return None
    acronym = venue_acronym(entry)
    said = entry.fields.get("howpublished", "")
    if acronym in ("arXiv", "") and said and "\\" not in said and not names_preprint(said):
        # an item no source holds keeps the venue its list gave it (howpublished = {WWW})
        acronym = " ".join(latex_to_text(said).split())
    elif not acronym:
        acronym = venue_label(entry)
    return f"{acronym} {entry.year}".lstrip()


def item_line(entry: Entry) -> str:
    """The list's line of one entry: ``- [Venue Year] Title. [[pdf]](url) [[code]](url)``."""
    label = item_label(entry)
    links = []
    if entry.fields.get("pdf"):
        links.append(("pdf", entry.fields["pdf"]))
    elif entry.url and not any(same_page(entry.url, page)
                               for page in entry.fields.get("webpage", "").split()):
        links.append(("paper", entry.url))
    links += [("code", url) for url in entry.fields.get("code", "").split()]
    links += [("data", url) for url in entry.fields.get("data", "").split()]
    links += [("html", url) for url in entry.fields.get("webpage", "").split()]
    # a formula as GitHub renders it and this module reads it back: DBLP's \(...\) as $...$
    title = TEX_INLINE_FORMULA.sub(r"$\1$", entry.title) if "\\(" in entry.title else \
        entry.title
    title = title if title.endswith((".", "?", "!")) else title + "."
    shown = "".join(f" [[{kind}]]({url})" for kind, url in links if web_url(url))
    return f"- {f'[{label}] ' if label else ''}{title}{shown}"


def render_list(library: Library) -> str:
    """The list README of ``library``: its intro (with the survey's link and citation), then
    every section in tree order with its works in list order, one line each.

    >>> import llm4anno_bib
    >>> text = render_list(llm4anno_bib.load())
    >>> line = next(l for l in text.splitlines() if "Chain-of-Thought Prompting Elicits" in l)
    >>> line.startswith("- [NeurIPS 2022] Chain-of-Thought Prompting Elicits Reasoning in Large")
    True
    """
    parts: list[str] = []
    intro = library.intro
    if library.survey_key is not None:
        survey = library.survey()
        intro = intro.replace(SURVEY_LINK, f"[[{survey.title}]]({survey.url or ''})")
        intro = intro.replace(SURVEY_CITATION, "```\n" + survey.bibtex.rstrip("\n") + "\n```")
    if intro:
        parts.append(intro.rstrip("\n"))
    for category in library.tree:
        parts.append("#" * (category.depth + 2) + " " + category.heading)
        parts += [item_line(library[key]) for key in category.keys if key in library]
    return "\n\n".join(parts) + "\n"


def parse_label(label: str | None) -> tuple[str | None, int | None]:
    """Split a list label into venue and year; a date names no venue.

    >>> parse_label("NAACL-HLT 2022"), parse_label("2023/05"), parse_label("arXiv 2023.05")
    (('NAACL', 2022), (None, 2023), ('arXiv', 2023))
    >>> parse_label("NeurIPS 2023 Workshop on Robustness"), parse_label("ICLR'23")
    (('NeurIPS Workshop on Robustness', 2023), ('ICLR', 2023))
    """
    if not label:
        return None, None
    text = _full_year(label.strip())  # "ICLR'23" is ICLR 2023, and so is "ICLR23"
    text = _glued_venue_year(text) or text
    dated = _DATE_AT_END.search(text)
    if dated is None:  # "NeurIPS 2023 Workshop on X": the venue with its year taken out
        inside = _YEAR.search(text)
        if inside is None:
            return text or None, None
        return " ".join((text[:inside.start()] + text[inside.end():]).split()), \
            int(inside.group())
    venue, year = text[:dated.start()].rstrip() or None, int(dated.group()[:4])
    if venue and "@" not in venue:  # "Auto-RL@ICML" is one venue's name
        venue = venue.split("-")[0]
    return venue, year


# the year or date a label ends with ("ACL 2023", "2023/05", "2023.05.12"): the venue before it
_DATE_AT_END = re.compile(r"(?<!\d)" + _DATE + "$")
