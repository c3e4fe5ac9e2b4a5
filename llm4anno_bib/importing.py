"""Turning a paper list README into a library: the build, for any list of the seed's shape.

``import_list`` reads the list, finds every item's work through the sources (the build's
rules: ``llm4anno_bib.build``) and returns the library. Nothing the sources do aborts it: an
item that no source holds, or whose source fails, is cited from the list's own title, year
and link with an ``unverified`` correction, and the result says how many and why.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from llm4anno_bib._text import shortened, strip_controls
from llm4anno_bib.build import build_library
from llm4anno_bib.errors import InvalidIdentifier, NotFound
from llm4anno_bib.ids import parse_arxiv_id
from llm4anno_bib.listmd import (
    atx_headings, list_as_markdown, parse_list, plain_heading, survey_of,
)
from llm4anno_bib.model import CURATED_FIELD, Category, Entry, Library
from llm4anno_bib.sources import Sources
from llm4anno_bib.sources.records import BibRecord

__all__ = ["ImportResult", "import_list_text", "survey_of"]


@dataclass(frozen=True)
class ImportResult:
    """The imported library; the near misses and unresolved items to look at; how many
    entries are cited from the list's facts alone; whether a file was written."""

    library: Library
    near_misses: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = ()
    unverified: int = 0
    written: bool = False
    left_out: tuple[str, ...] = ()  # bullets that link no paper (a repository, a blog)
    no_longer_listed: tuple[str, ...] = ()  # keys of ``existing`` the list no longer has
    pruned: bool = False  # whether those were removed (``prune``), not kept
    refused: tuple[str, ...] = ()  # links that are no web address, never written
    unread: tuple[str, ...] = ()  # lines that link a paper in no shape an item is read in
    unlinked: tuple[str, ...] = ()  # bullets of a title alone, linking nothing: no entry

    def __repr__(self) -> str:
        return (f"<ImportResult: {len(self.library)} entries, {self.unverified} unverified, "
                f"{len(self.unresolved)} unresolved lookups; "
                f"{'written' if self.written else 'not written'}>")

    def __str__(self) -> str:  # the summary the command prints
        return "".join(f"{line}\n" for line in self.summary())

    def summary(self) -> list[str]:
        """What a person reads first: the entries by who vouches for them, what was left
        out or refused, the lookups that failed grouped by reason (the details are in
        ``near_misses``, ``unresolved``, ``left_out``, ``refused``, ``unread`` and
        ``unlinked``).

        >>> ImportResult(Library([]), unresolved=("line 3: x: HTTP 503 (https://a)",)).summary()
        ['0 entries', 'unresolved lookups: 1 (1 x HTTP 503)']
        """
        unverified = {c.key for c in self.library.corrections() if c.kind == "unverified"}
        counts = Counter(_vouched_by(entry, unverified) for entry in self.library)
        verified = sum(n for who, n in counts.items() if who in _SOURCES)
        lines = [", ".join([f"{len(self.library)} entries"] + [part for part in (
            f"{verified} verified ({', '.join(f'{counts[w]} by {w}' for w in _SOURCES if counts[w])})"
            if verified else "",
            f"{counts['curated']} from the list's citation block or curated files"
            if counts["curated"] else "",
            f"{counts['unverified']} cited from the list alone (unverified)"
            if counts["unverified"] else "") if part])]
        lines += self._left_behind()
        if self.no_longer_listed:  # (said, as a maintainer would want to know either way)
            lines.append(f"no longer in the list: {len(self.no_longer_listed)} "
                         f"{'removed' if self.pruned else 'kept'}")
        if self.unresolved:
            reasons = Counter(_reason_of(line) for line in self.unresolved)
            lines.append(f"unresolved lookups: {len(self.unresolved)} (" + "; ".join(
                f"{n} x {reason}" for reason, n in reasons.most_common(4)) +
                ("; ..." if len(reasons) > 4 else "") + ")")
        if self.near_misses:
            lines.append(f"near misses (not applied): {len(self.near_misses)}")
        return lines

    def _left_behind(self) -> list[str]:
        """The summary's lines of items left out, links refused and lines unread."""
        return [f"{said}: {len(found)} {one if len(found) == 1 else many}"
                for said, found, one, many in (
                    ("left out", self.left_out, "item that links no paper",
                     "items that link no paper"),
                    ("refused", self.refused, "link that is no web address",
                     "links that are no web address"),
                    ("unread", self.unread, "line that links a paper but reads as no item",
                     "lines that link a paper but read as no item"),
                    ("unlinked", self.unlinked, "bullet that names a title but links nothing "
                     "(no entry)", "bullets that name a title but link nothing (no entry)"))
                if found]

    def details(self) -> list[str]:
        """Every line behind the summary: near misses, unresolved lookups, items left out,
        refused links, keys no longer listed."""
        return ([f"near miss (not applied): {line}" for line in self.near_misses]
                + [f"unresolved: {line}" for line in self.unresolved]
                + [f"left out: {line}" for line in self.left_out]
                + [f"refused: {line}" for line in self.refused]
                + [f"unread: {line}" for line in self.unread]
                + [f"unlinked: {line}" for line in self.unlinked]
                + ([f"no longer in the list ({'removed' if self.pruned else 'kept'}): "
                    f"{' '.join(self.no_longer_listed)}"] if self.no_longer_listed else []))


_SOURCES = ("the ACL Anthology", "DBLP", "Crossref", "arXiv")


def _vouched_by(entry: Entry, unverified: set[str]) -> str:
    """Who vouches for an imported entry: a source, the list's own citations, or no one."""
    if entry.key in unverified:
        return "unverified"
    if entry.fields.get(CURATED_FIELD):
        return "curated"
    if entry.fields.get("anthology"):
        return "the ACL Anthology"
    if entry.fields.get("dblp"):
        return "DBLP"
    return "Crossref" if entry.fields.get("doi") and entry.entry_type != "misc" else "arXiv"


def _reason_of(line: str) -> str:
    """Why a lookup failed, without the item, its line and the URLs asked."""
    plain = _QUOTED.sub("…", _URL_OR_PARENS.sub("", line)).strip()
    return shortened((plain.rstrip(" .").rsplit(": ", 1)[-1] or plain).strip(), 80)


_QUOTED = re.compile(r"'[^']{0,300}'")  # the item's own id or title: no part of the reason
_URL_OR_PARENS = re.compile(r"\(https?://[^)\s]*\)?|https?://\S+")


def list_header(list_text: str, origin: str | None = None) -> str:
    """The comment an imported library opens with: which list it holds (its title, and its
    repository where its badges name one), and the command that made it from ``origin``.

    >>> list_header("# Awesome Things\\n[![s](https://img.shields.io/github/stars/me/things)]"
    ...             "(https://github.com/me/things)\\n", "README.md")[:94]
    'llm4anno-bib library: every paper of the list "Awesome Things" (https://github.com/me/things),'
    """
    list_text = list_as_markdown(list_text)  # (an Org list's #+TITLE, an RST one's title)
    title = next((plain_heading(m.group(1) or m.group(2))
                  for m in _TITLE.finditer(atx_headings(list_text))), "") or "a paper list"
    # the list's own badges are in its head, before its first section: an item's badge
    # (a paper's code, starred) names that paper's repository
    head = _FIRST_SECTION.split(atx_headings(list_text[:50_000]), maxsplit=1)[0]
    repositories = Counter(m.group(1) for m in _REPOSITORY.finditer(head[:20_000]))
    repository = max(repositories, key=lambda r: (repositories[r], r)) if repositories else None
    named = f'"{shortened(strip_controls(title), 120)}"' + (
        f" (https://github.com/{repository})" if repository else "")
    made = f"llm4anno-bib import-list {Path(origin).name}" if origin else "llm4anno-bib import-list"
    return (f"llm4anno-bib library: every paper of the list {named}, with the list's "
            f"categories and corrections. Made by `{made}`; field and entry order are fixed.")


_TITLE = re.compile(r"^#[ \t]+(\S.{0,300})$|<h1[^>]{0,200}>(?:<[^<>]{0,200}>)*([^<]{1,300})",
                    re.M | re.I)
_FIRST_SECTION = re.compile(r"^#{2,4}[ \t]", re.M)
# the repository a list's badges name (stars, forks, licence): the list's own
_REPOSITORY = re.compile(r"img\.shields\.io/github/[\w-]{1,40}/([A-Za-z0-9-]{1,39}/"
                         r"[A-Za-z0-9._-]{1,100}?)(?:\.svg)?[?)/\"\s]", re.I)


def import_list_text(list_text: str, sources: Sources, *, curated: Sequence[BibRecord] = (),
                     existing: Library | None = None, survey: str | None = None,
                     progress: Callable[[int, int, str], None] | None = None,
                     origin: str | None = None, prune: bool = False) -> ImportResult:
    """The library of the list ``list_text`` (``existing``'s keys and corrections kept, and
    its works the list no longer holds, unless ``prune``; ``survey`` the arXiv id of the
    list's own paper, default: from its citation block; ``progress(done, total, stage)``
    follows each stage of the build; ``origin`` the file it was read from, named in the
    library's header).
    Raises ``NotFound`` when nothing in the text reads as a list item."""
    # one line ending in what is written, whatever the README used (its intro is kept)
    list_text = list_text.replace("\r\n", "\n").replace("\r", "\n")
    document = parse_list(list_text)
    if not document.items:
        relative = _RELATIVE_LINK.findall(list_text)
        raise NotFound(
            f"{origin + ': ' if origin else ''}nothing in it reads as a list of papers "
            "(bullets or table rows that link a paper, under '##' headings)."
            + (f" Its {len(relative)} link{'s' * (len(relative) > 1)} to pages of its own "
               f"repository (such as '{shortened(strip_controls(relative[0]), 60)}') "
               f"link{'s' * (len(relative) == 1)} no paper." if relative else ""))
    chosen = parse_arxiv_id(survey) if survey else survey_of(document.citation_block, list_text)
    if survey and chosen is None:
        raise InvalidIdentifier(f"the survey '{survey}' is not an arXiv id (2402.13446).")
    library, report = build_library(list_text, sources, curated, existing, progress=progress,
                                    survey_arxiv_id=chosen, document=document)
    left_out = tuple(f"line {line}: {title} ({url}): not a paper"
                     for line, title, url in document.left_out)
    refused = tuple(f"line {line}: refused the link '{shortened(strip_controls(url), 120)}': "
                    f"{why}"
                    for line, url, why in document.refused)
    unread = tuple(f"line {line}: {text} ({url}): it links a paper, but no title could be "
                   "read from it; write it as a bullet, '- [Title](link)'"
                   for line, text, url in document.unread)
    unlinked = tuple(f"line {line}: {title}: a title alone; link the paper ('- [Title](link)') "
                     "for it to be an entry" for line, title in document.unlinked)
    library, gone = _keeping(library, existing, prune)
    library.header = list_header(list_text, origin)
    return ImportResult(library, tuple(report.near_misses), tuple(report.unresolved),
                        report.unverified, left_out=left_out, no_longer_listed=gone,
                        pruned=prune and bool(gone), refused=refused, unread=unread,
                        unlinked=unlinked)


# "[ASQA](dataset-cards/text-rag/asqa.md)": a link to the list's own repository
_RELATIVE_LINK = re.compile(r"\]\((?![a-zA-Z][\w+.-]{0,20}:|#|/)([^()\s]{1,300})\)")


def _keeping(library: Library, existing: Library | None,
             prune: bool = False) -> tuple[Library, tuple[str, ...]]:
    """``library`` with the entries of ``existing`` that the list no longer holds kept
    (an import deletes only when asked, ``prune``: a maintainer decides), in their
    categories (a section the list dropped with them is kept too, after the list's own);
    and their keys. It is written over ``existing``'s file (its comments, ``@string``s and
    unchanged entries byte for byte, as ``add`` writes)."""
    if existing is None:
        return library, ()
    held = {entry.key for entry in library}
    gone = [entry for entry in existing if entry.key not in held]
    if not gone or prune:
        return Library(list(library), library.tree, library.corrections(), library.survey_key,
                       existing.path, library.intro, source=existing.source), \
            tuple(entry.key for entry in gone)
    kept_corrections = [c for c in existing.corrections() if c.key in {e.key for e in gone}]
    return (Library([*library, *gone], _tree_keeping(library, existing, gone),
                    [*library.corrections(), *kept_corrections], library.survey_key,
                    existing.path, library.intro, source=existing.source),
            tuple(entry.key for entry in gone))


def _tree_keeping(library: Library, existing: Library, gone: list[Entry]) -> list[Category]:
    """``library``'s sections, then those of ``existing`` (and their parents) that only the
    ``gone`` entries are in, each holding its gone entries too."""
    tree = list(library.tree)
    present = {c.slug for c in tree}
    wanted = {slug for entry in gone for slug in entry.categories}
    parent_of = {c.slug: c.parent for c in existing.tree}
    for slug in list(wanted):
        while (slug := parent_of.get(slug)) is not None:  # type: ignore[assignment]
            wanted.add(slug)
    tree += [replace(c, keys=()) for c in existing.tree
             if c.slug in wanted and c.slug not in present]
    return [replace(c, keys=c.keys + tuple(e.key for e in gone if c.slug in e.categories))
            for c in tree]
