"""The list README: reading it (section tree, items, intro) and rendering it from a library.

An item is ``- [Venue Year] Title. [[pdf]](url) [[code]](url)``. The intro is everything
before the first section heading; in the library it is kept with two marker lines where the
survey's link and its citation block go, so that they are always rendered from the survey's
entry (``SURVEY_LINK``, ``SURVEY_CITATION``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from llm4anno_bib.ids import web_url
from llm4anno_bib.model import Category, Entry, Library, slugify, venue_acronym

SURVEY_LINK = "<!-- llm4anno-bib: survey link -->"
SURVEY_CITATION = "<!-- llm4anno-bib: survey citation -->"

# On a stripped line. No pattern here has two quantifiers over the same characters side by
# side, and none scans on from every place a search may start: a README is anyone's text.
_HEADING = re.compile(r"#{2,4}+[ \t]++(\S.*+)")
_ITEM = re.compile(r"-[ \t]++(?:\[(?P<label>[^\]]++)\][ \t]*+)?(?P<rest>.*+)")
# The other common shape: "- [**Title.**](url) *Authors.* Venue Year."
_BOLD_ITEM = re.compile(r"-[ \t]++\[\*\*(?P<title>[^\]*]++)\*\*\]\((?P<url>[^)\s]++)\)(?P<rest>.*+)")
_BOLD_LABEL = re.compile(r"(?P<label>[A-Za-z][\w .&-]{0,60}?[ \t]\d{4})[ \t.]*")
_ANCHOR_ONLY = re.compile(r"-[ \t]++\[[^\]]++\]\(#[^)\s]*+\)")  # a contents line
# Where papers live: a bullet of the bold shape that links elsewhere (a repository, a
# dataset page, a blog) is no paper and is left out, said in ``ListDocument.left_out``
_PAPER_HOSTS = re.compile(
    r"https?://(?:[\w-]+\.)*(?:arxiv\.org|aclanthology\.org|doi\.org|openreview\.net|"
    r"dl\.acm\.org|proceedings\.neurips\.cc|papers\.nips\.cc|proceedings\.mlr\.press|"
    r"link\.springer\.com|ieeexplore\.ieee\.org|techrxiv\.org|aaai\.org|ijcai\.org|"
    r"openaccess\.thecvf\.com|jmlr\.org|nature\.com|science\.org|biorxiv\.org)/"
    r"|\.pdf(?:$|[?#])", re.I)


@dataclass(frozen=True, slots=True)
class ListItem:
    """One bullet of the list, as written."""

    line: int
    section: str
    label: str | None
    title: str
    links: tuple[tuple[str, str], ...]

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


def parse_list(text: str) -> ListDocument:
    """Parse the list README: level-2 to level-4 headings are the 3-level category tree
    (empty sections kept), ``- [Venue Year] Title. [[pdf]](url) ...`` bullets its items,
    and so are ``- [**Title.**](url) *Authors.* Venue Year.`` bullets that link a paper
    (the others are ``left_out``); contents lines (``- [Name](#anchor)``) are no items.
    HTML comments are ignored (their line numbers kept)."""
    intro = _intro(text)
    text = _without_comments(text)
    sections: list[Category] = []
    items: list[ListItem] = []
    left_out: list[tuple[int, str, str]] = []
    parents: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        heading = _HEADING.fullmatch(line)
        if heading:
            depth = len(line) - len(line.lstrip("#")) - 2
            heading_text = plain_heading(heading.group(1))
            del parents[depth:]
            slug = slugify(heading_text)
            sections.append(Category(slug, heading_text, depth,
                                     parents[-1] if parents else None, ()))
            parents.append(slug)
            continue
        if _ANCHOR_ONLY.fullmatch(line):
            continue
        bold = _BOLD_ITEM.fullmatch(line)
        if bold and sections:
            title, url = bold.group("title").strip().rstrip(".").strip(), bold.group("url")
            if not _PAPER_HOSTS.search(url):
                left_out.append((number, title, url))
                continue
            label = _BOLD_LABEL.fullmatch(bold.group("rest").rpartition("*")[2].strip())
            items.append(ListItem(number, sections[-1].slug,
                                  label.group("label") if label else None, title,
                                  (("pdf", url),)))
            continue
        item = _ITEM.fullmatch(line)
        if not item or not sections:
            continue
        title, found = _trailing_links(item.group("rest"))
        if not title.strip():
            continue
        links = tuple((kind.strip().lower(), url.strip()) for kind, url in found)
        title = title.strip()
        title = title[:-1] if title.endswith(".") else title
        items.append(ListItem(number, sections[-1].slug, item.group("label"), title, links))
    block = _citation_block(text)
    survey = re.search(r"^\[\[([^\]]+)\]\]\(([^)]*)\)", text, re.M)
    return ListDocument(tuple(sections), tuple(items), block[2] if block else None,
                        (survey.group(1), survey.group(2)) if survey else None, intro,
                        tuple(left_out))


_MARKDOWN_LINK = re.compile(r"\[([^\]]*+)\]\([^)]*+\)")


def plain_heading(text: str) -> str:
    """A heading's name without its markdown and emoji: links become their text, emphasis
    and code marks go, and so do pictographs (a "🔥 Datasets" section is "Datasets").

    >>> plain_heading("🔥 **Instruction** [Tuning](#it) `(IT)` ✨")
    'Instruction Tuning (IT)'
    """
    text = _MARKDOWN_LINK.sub(r"\1", text).replace("**", "").replace("`", "")
    kept = "".join(c for c in text if unicodedata.category(c) not in ("So", "Sk", "Cf")
                   and not 0xFE00 <= ord(c) <= 0xFE0F)
    return " ".join(kept.split())


def _trailing_links(text: str) -> tuple[str, list[tuple[str, str]]]:
    """``text`` split into what comes before its trailing ``[[kind]](url)`` links and the
    links, read from the end (a pattern would retry from every ``[[``)."""
    links: list[tuple[str, str]] = []
    end = len(text.rstrip())
    while end and text[end - 1] == ")":
        middle = text.rfind("]](", 0, end)
        opening = text.rfind("[[", 0, middle) if middle > 0 else -1
        url, kind = text[middle + 3:end - 1], text[opening + 2:middle]
        if opening < 0 or ")" in url or "]" in kind or not kind:
            break
        links.append((kind, url))
        end = opening
        while end and text[end - 1].isspace():
            end -= 1
    return text[:end], links[::-1]


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


def _citation_block(text: str) -> tuple[int, int, str] | None:
    """The first plain fenced block (a line of three backticks, nothing after them) that
    holds one BibTeX entry: its start and end offsets (fences included) and the entry."""
    opening: int | None = None
    plain = False
    position = 0
    for line in text.splitlines(keepends=True):
        if line.startswith("```"):
            if opening is None:
                opening, plain = position, not line[3:].strip()
            else:
                entry = text[opening:position].partition("\n")[2].strip()
                if plain and re.match(r"@\w+\{", entry) and entry.endswith("\n}"):
                    return opening, position + 3, entry
                opening = None
        position += len(line)
    return None


def _intro(text: str) -> str:
    """The text before the first section heading, with the survey's link line and citation
    block replaced by their markers."""
    first = re.search(r"^#{2,4}\s", text, re.M)
    head = text[: first.start()] if first else text
    block = _citation_block(head)
    if block is not None:
        head = head[:block[0]] + SURVEY_CITATION + head[block[1]:]
    head = re.sub(r"^\[\[[^\]]+\]\]\([^)]*\)[ \t]*$", SURVEY_LINK, head, count=1, flags=re.M)
    return head.strip("\n")


def item_label(entry: Entry) -> str | None:
    """The list label of an entry: ``EMNLP 2023``, ``arXiv 2023``; ``None`` for a work that
    is not a paper (a project's own citation)."""
    acronym = venue_acronym(entry)
    if not acronym or entry.year is None:
        return None
    return f"{acronym} {entry.year}"


def item_line(entry: Entry) -> str:
    """The list's line of one entry: ``- [Venue Year] Title. [[pdf]](url) [[code]](url)``."""
    label = item_label(entry)
    links = []
    if entry.fields.get("pdf"):
        links.append(("pdf", entry.fields["pdf"]))
    elif entry.url and not entry.fields.get("webpage"):
        links.append(("paper", entry.url))
    links += [("code", url) for url in entry.fields.get("code", "").split()]
    links += [("data", url) for url in entry.fields.get("data", "").split()]
    links += [("html", url) for url in entry.fields.get("webpage", "").split()]
    title = entry.title if entry.title.endswith((".", "?", "!")) else entry.title + "."
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
    """Split a list label into venue and year: ``'NAACL-HLT 2022' -> ('NAACL', 2022)``."""
    if not label:
        return None, None
    text = label.strip()
    year = int(text[-4:]) if text[-4:].isdigit() and text[-4:].isascii() else None
    venue = (text[:-4] if year is not None else text).rstrip() or None
    if venue:
        venue = venue.split("-")[0]
    return venue, year
