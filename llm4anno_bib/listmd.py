"""Reading the list README: its section tree and its items (label, title, links)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from llm4anno_bib.model import Category, slugify

_HEADING = re.compile(r"^(#{2,4})\s+(.*\S)\s*$")
_ITEM = re.compile(r"^-\s+(?:\[(?P<label>[^\]]+)\]\s*)?(?P<title>.*?)\s*(?P<links>(?:\[\[[^\]]+\]\]\([^)]*\)\s*)*)$")
_LINK = re.compile(r"\[\[([^\]]+)\]\]\(([^)]*)\)")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CITATION_BLOCK = re.compile(r"```\s*\n(@\w+\{.*?\n\})\s*\n```", re.S)


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
        return self.link("pdf") or self.link("html")


@dataclass(frozen=True, slots=True)
class ListDocument:
    sections: tuple[Category, ...]
    items: tuple[ListItem, ...]
    citation_block: str | None
    survey_link: tuple[str, str] | None


def parse_list(text: str) -> ListDocument:
    """Parse the list README: level-2 to level-4 headings are the 3-level category tree
    (empty sections kept), ``- [Venue Year] Title. [[pdf]](url) ...`` bullets its items.
    HTML comments are ignored (their line numbers kept)."""
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    sections: list[Category] = []
    items: list[ListItem] = []
    parents: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        heading = _HEADING.match(line)
        if heading:
            depth = len(heading.group(1)) - 2
            del parents[depth:]
            slug = slugify(heading.group(2))
            sections.append(Category(slug, heading.group(2), depth,
                                     parents[-1] if parents else None, ()))
            parents.append(slug)
            continue
        item = _ITEM.match(line)
        if not item or not sections or not item.group("title").strip():
            continue
        links = tuple((kind.strip().lower(), url.strip())
                      for kind, url in _LINK.findall(item.group("links")))
        title = item.group("title").strip()
        title = title[:-1] if title.endswith(".") else title
        items.append(ListItem(number, sections[-1].slug, item.group("label"), title, links))
    block = _CITATION_BLOCK.search(text)
    survey = re.search(r"^\[\[([^\]]+)\]\]\(([^)]*)\)", text, re.M)
    return ListDocument(tuple(sections), tuple(items), block.group(1) if block else None,
                        (survey.group(1), survey.group(2)) if survey else None)


def parse_label(label: str | None) -> tuple[str | None, int | None]:
    """Split a list label into venue and year: ``'NAACL-HLT 2022' -> ('NAACL', 2022)``."""
    if not label:
        return None, None
    match = re.match(r"\s*(.*?)\s*(\d{4})?\s*$", label)
    venue = match.group(1) or None
    if venue:
        venue = venue.split("-")[0]
    return venue, int(match.group(2)) if match.group(2) else None
