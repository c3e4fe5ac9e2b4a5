"""Building the library from the list README through the source clients.

read the list -> identify each item's work (links, arXiv ids, titles) -> fetch arXiv records
in batches -> settle title/link disagreements -> find published versions (ACL Anthology,
DBLP, Crossref) -> merge items of the same work -> assign keys (keeping existing ones) ->
``Library``.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from llm4anno_bib.enrich import known_author_splits, stated_splits, title_score
from llm4anno_bib.bibfile import FIELD_ORDER, read_bib_bytes
from llm4anno_bib.checking import missing_required
from llm4anno_bib.errors import Llm4AnnoBibError, ReadError
from llm4anno_bib.inert import text_with_math_to_latex
from llm4anno_bib.keys import KeyMaker, base_key
from llm4anno_bib.listmd import ListDocument, ListItem, parse_label, parse_list, survey_of
from llm4anno_bib.model import CURATED_FIELD, Category, Correction, Entry, Library, venue_acronym
from llm4anno_bib.resolution import Known, Resolution, resolve, source_label
from llm4anno_bib.sources._bibtex import parse_records
from llm4anno_bib.sources import Sources
from llm4anno_bib._text import (
    TITLE_THRESHOLD, latex_to_text, normalise_title, protect_case, text_to_latex,
)
from llm4anno_bib.ids import (
    anthology_id_in, arxiv_year, doi_of_link, identities, identity, is_doi,
    names_version_of_record, parse_arxiv_id, same_page, web_url,
)
from llm4anno_bib.venues import names_preprint, venue_of
from llm4anno_bib.sources.records import ArxivRecord, BibRecord

log = logging.getLogger(__name__)

# The survey's arXiv id: the list's citation block has neither id nor authors, and its title
# is an earlier one than arXiv's, so a maintainer states it (issue #3).
SURVEY_ARXIV_ID = "2402.13446"


@dataclass
class Work:
    """One distinct work of the list while it is being built."""

    items: list[ListItem] = field(default_factory=list)
    arxiv: ArxivRecord | None = None
    published: BibRecord | None = None
    curated: BibRecord | None = None
    titles: list[str] = field(default_factory=list)
    notes: list[tuple[str, str, str, str]] = field(default_factory=list)
    near_misses: list[str] = field(default_factory=list)
    is_survey: bool = False
    named: str | None = None  # the identity a citation block gives (its arXiv id, DOI, title)

    @property
    def identity(self) -> str:
        if self.named:
            return self.named
        if self.curated:
            return "curated:" + self.curated.key
        if self.arxiv:
            return identity("arxiv", self.arxiv.arxiv_id)
        if self.published:
            return next(iter(identities(self.published.fields)),
                        f"{self.published.source}:{self.published.ident}")
        link = self.items[0].paper_link or ""  # what no source knows: its link's id, if any
        arxiv_id, doi = parse_arxiv_id(link), doi_of_link(link)
        return identity("arxiv", arxiv_id) if arxiv_id else identity("doi", doi) if doi \
            else identity("title", self.items[0].title)

    @property
    def keys(self) -> tuple[str, ...]:
        """Every identity this work is known by: its own, its arXiv record's, and its
        published record's (one paper found by its arXiv link in one item and by its title in
        another is one work)."""
        found = [self.identity]
        if self.arxiv:
            found.append(identity("arxiv", self.arxiv.arxiv_id))
        if self.published:  # its identifiers, its title (check's rule too) and the record
            found += [*identities(self.published.fields, latex_to_text(
                self.published.fields.get("title", ""))),
                f"{self.published.source}:{self.published.ident}"]
        return tuple(dict.fromkeys(found))

    def authors_year(self) -> tuple[tuple[str, ...], int | None]:
        if self.arxiv:
            return self.arxiv.authors, self.arxiv.year
        if self.published:
            return self.published.authors, self.published.year
        return (), None


@dataclass
class BuildReport:
    """What the build decided that a maintainer should see: near misses, what could not
    be resolved (and why), and how many entries are cited from the list's facts alone."""

    near_misses: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    unverified: int = 0


_T = TypeVar("_T")


def _asked(report: BuildReport, what: str, ask: Callable[[], _T]) -> _T | None:
    """``ask()``, or ``None`` when a source fails or does not know it (reported)."""
    try:
        return ask()
    except Llm4AnnoBibError as error:
        report.unresolved.append(f"{what}: {error}")
        return None


def _unresolved(work: Work) -> bool:
    return work.arxiv is None and work.published is None and work.curated is None


def load_curated(folder: Path) -> list[BibRecord]:
    """The curated citations (works that are not papers), one .bib file each. Raises
    ``ReadError`` when ``folder`` is no folder (a mistyped ``--curated``)."""
    if not folder.is_dir():
        raise ReadError("is not a folder of curated .bib files; nothing was read.",
                        path=str(folder))
    records = []
    for path in sorted(folder.glob("*.bib")):
        records += parse_records(read_bib_bytes(path), "curated", lambda key, fields: key,
                                 str(path))
    return records


def build_library(list_text: str, clients: Sources, curated: Sequence[BibRecord],
                  existing: Library | None = None,
                  progress: Callable[[int, int, str], None] | None = None,
                  survey_arxiv_id: str | None = SURVEY_ARXIV_ID,
                  document: ListDocument | None = None) -> tuple[Library, BuildReport]:
    """Build the whole library from the list README text. ``existing`` keeps its keys;
    ``survey_arxiv_id`` is the list's own paper (``None``: the list has none). A source
    that fails or does not know an item never aborts the build: the item is cited from the
    list's own facts with an ``unverified`` correction, and the report says why.
    ``progress(done, total, stage)`` follows each stage's items (``done`` 0 as it begins)."""
    with clients.storing_in_batches():  # a lookup or more for every item, in a row
        return _built(document or parse_list(list_text), clients, curated, existing,
                      progress, survey_arxiv_id)


def _built(document: ListDocument, clients: Sources, curated: Sequence[BibRecord],
           existing: Library | None, progress: Callable[[int, int, str], None] | None,
           survey_arxiv_id: str | None) -> tuple[Library, BuildReport]:
    say = progress or (lambda done, total, stage: None)
    report = BuildReport()
    works = [_identify(item, curated) for item in document.items]
    records = _ask_arxiv_for_links(works, survey_arxiv_id, clients, report, say)
    for stage in _STAGES:
        say(0, len(works), stage.says)
        for done, work in enumerate(works, start=1):
            _item_guarded(stage, work, clients, report)
            say(done, len(works), stage.says)
        then = stage.then
        if then is not None:
            say(0, 1, then.says)
            _asked(report, then.about, lambda: then.run(works, clients, report))
            say(1, 1, then.says)
    survey_record = records.get(survey_arxiv_id) if survey_arxiv_id else None
    survey = Work(arxiv=survey_record, is_survey=True) if survey_record else \
        _survey_of_block(document.citation_block, clients, report)
    merged = _merge(([survey] if survey else []) + works)
    for work in merged:  # the survey, and works two items named
        _published_of_preprint(work, clients, report)
    report.unverified = sum(1 for w in merged if _unresolved(w))
    return _assemble(document, merged, existing), report


def _item_guarded(stage: _Stage, work: Work, clients: Sources, report: BuildReport) -> None:
    """One stage for one work: whatever it fails with is that item's problem, reported with
    its line, never the whole import's (a list is anyone's text; sources' failures are
    already reported by ``_asked``, this catches what no rule foresaw)."""
    try:
        stage.run(work, clients, report)
    except Exception as error:  # noqa: BLE001 (the item is reported; the others go on)
        line = work.items[0].line if work.items else 0
        report.unresolved.append(f"line {line}: {work.items[0].title if work.items else ''!r} "
                                 f"could not be resolved ({type(error).__name__}: "
                                 f"{str(error)[:200]}); cited from the list")
        log.warning("line %s: %s", line, error)


def _survey_of_block(block: str | None, clients: Sources, report: BuildReport) -> Work | None:
    """The list's own paper where no arXiv record of it is at hand (offline, a DOI-only
    survey, one arXiv does not know): Crossref's record of the DOI its citation block names,
    else the block itself (made inert as every record is), cited as the list gives it."""
    if not block:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a field refused is left out, as for any record
            records = parse_records(block, "the list", lambda key, fields: key or "survey",
                                    "the list's citation block")
    except Llm4AnnoBibError:
        return None
    listed = records[0] if records and records[0].title else None
    if listed is None:
        return None
    doi = listed.fields.get("doi")
    doi = doi if doi and is_doi(doi) else None
    published = _asked(report, f"the survey's DOI {doi}", lambda: clients.crossref.work(doi)) \
        if doi else None
    if published is not None:
        return Work(published=published, titles=[listed.title], is_survey=True)
    fields = {name: value for name, value in listed.fields.items() if value.strip()}
    arxiv_id = survey_of(block)
    if arxiv_id and "eprint" not in fields:  # named only in its journal ("arXiv:2604.00626")
        fields |= {"eprint": arxiv_id, "archiveprefix": "arXiv"}
    named = identity("arxiv", arxiv_id) if arxiv_id else identity("doi", doi) if doi \
        else identity("title", listed.title)
    # a block leaving its type's required fields empty ("author={}, journal={}") is cited
    # as what its facts make it, @misc, so that the library passes its own check
    kind = "misc" if missing_required(listed.entry_type, fields) else listed.entry_type
    return Work(curated=replace(listed, fields=fields, entry_type=kind), titles=[listed.title],
                is_survey=True, named=named)


def _ask_arxiv_for_links(works: Sequence[Work], survey_arxiv_id: str | None, clients: Sources,
                         report: BuildReport, say: Callable[[int, int, str], None],
                         ) -> dict[str, ArxivRecord]:
    """One request for every linked arXiv id (and the survey's); each work gets its record."""
    says = "asking arXiv for the linked ids"
    say(0, 1, says)
    linked = {found for w in works if (found := parse_arxiv_id(w.items[0].paper_link or ""))}
    wanted = sorted(linked | ({survey_arxiv_id} if survey_arxiv_id else set()))
    records = _asked(report, "arXiv ids", lambda: clients.arxiv.fetch_ids(wanted)) or {}
    say(1, 1, says)
    for work in works:
        arxiv_id = parse_arxiv_id(work.items[0].paper_link or "")
        if arxiv_id and arxiv_id in records:
            work.arxiv = records[arxiv_id]
    return records


def _anthology_record(work: Work, clients: Sources, report: BuildReport) -> None:
    link = work.items[0].paper_link or ""
    acl_id = anthology_id_in({"url": link})  # an Anthology page's link (aclweb.org too)
    if acl_id:
        work.published = _asked(report, f"line {work.items[0].line}: {link}",
                                lambda: clients.acl.fetch_bib(acl_id))


def _crossref_record(work: Work, clients: Sources, report: BuildReport) -> None:
    doi = doi_of_link(work.items[0].paper_link or "")
    if work.published is None and doi and names_version_of_record(doi):
        work.published = _asked(report, f"line {work.items[0].line}: {doi}",
                                lambda: clients.crossref.work(doi))


def _published_of_preprint(work: Work, clients: Sources, report: BuildReport) -> None:
    if work.published is None and work.arxiv is not None:
        _asked(report, f"line {work.items[0].line if work.items else 0}",
               lambda: _find_published(work, clients, report))


def _preprint_of_other_link(work: Work, clients: Sources, report: BuildReport) -> None:
    if work.arxiv is None and work.curated is None and not work.items[0].short_name:
        _asked(report, f"line {work.items[0].line}",
               lambda: _find_preprint(work, clients, report))


@dataclass(frozen=True)
class _AllAtOnce:
    """A step over all works together, after a stage."""

    says: str
    about: str  # what a failure is reported about
    run: Callable[[list[Work], Sources, BuildReport], None]


@dataclass(frozen=True)
class _Stage:
    """A step over each work, what the progress says of it, and a step after it."""

    says: str
    run: Callable[[Work, Sources, BuildReport], None]
    then: _AllAtOnce | None = None


# The order matters: a published version found from a link is not searched for, titles are
# settled against the arXiv records before preprints are searched for by title.
_STAGES = (
    _Stage("reading the ACL Anthology records of linked papers", _anthology_record),
    _Stage("asking Crossref for papers linked by DOI", _crossref_record),
    _Stage("looking for published versions of the linked preprints", _published_of_preprint,
           then=_AllAtOnce("settling titles that disagree with their links",
                           "title/link disagreements", lambda works, clients, report:
                           _settle_disagreements(works, clients, report))),
    _Stage("searching arXiv for papers linked elsewhere", _preprint_of_other_link),
)


def _identify(item: ListItem, curated: Sequence[BibRecord]) -> Work:
    work = Work(items=[item], titles=[] if item.short_name else [item.title])
    link = item.paper_link or ""
    if not item.short_name and not parse_arxiv_id(link) and \
            not anthology_id_in({"url": link}):
        for record in curated:
            if title_score(item.title, record.title) >= TITLE_THRESHOLD:
                work.curated = record
    return work


def _owner_of_title(title: str, works: Sequence[Work], skip: Work) -> Work | None:
    """Another item whose own title and link agree with ``title``."""
    for other in works:
        if other is skip or other.arxiv is None:
            continue
        if title_score(title, other.items[0].title) >= TITLE_THRESHOLD and \
                _titles_agree(other.items[0].title, other):
            return other
    return None


def _titles_agree(title: str, work: Work) -> bool:
    """The listed title is the work's, in full or as its short name (the words before the
    colon: "Direct Preference Optimization" for "Direct Preference Optimization: Your
    Language Model is Secretly a Reward Model"), which lists often give."""
    recorded = [work.arxiv.title] if work.arxiv else []
    recorded += [work.published.title] if work.published else []
    recorded += [short for t in recorded if (short := t.partition(":")[0]) != t]
    return any(title_score(title, t) >= TITLE_THRESHOLD for t in recorded) or \
        _written_around(title, recorded[:2])


def _written_around(listed: str, recorded: Sequence[str]) -> bool:
    """Whether the listed text holds a recorded title whole, with what a list writes around
    it (``"Title". Authors. Venue``, ``Authors (2022). Title. NeurIPS``, ``Title (Wei et al.,
    NeurIPS 2022)``): the list's title is right, only read with its neighbours."""
    words = f" {normalise_title(listed)} "
    return any(len(whole.split()) >= 4 and f" {whole} " in words
               for whole in map(normalise_title, recorded))


def _settle_disagreements(works: list[Work], clients: Sources, report: BuildReport) -> None:
    for work in works:
        item = work.items[0]
        if work.arxiv is None or item.short_name or _titles_agree(item.title, work):
            continue
        recorded = work.arxiv.title
        link = item.paper_link or ""
        title_owner = _owner_of_title(item.title, works, work)
        link_owner = next((o for o in works if o is not work and o.arxiv is not None
                           and o.arxiv.arxiv_id == work.arxiv.arxiv_id
                           and _titles_agree(o.items[0].title, o)), None)
        if title_owner is not None:
            # The title is another listed paper's: copied by mistake; the link decides.
            work.titles = []
            work.notes.append((
                "wrong-title",
                f"line {item.line}: [{item.label}] {item.title} ({link})",
                recorded,
                f"arXiv {work.arxiv.arxiv_id}: the link and its code point to this paper; "
                f"the title is that of the item on line {title_owner.items[0].line}",
            ))
        elif link_owner is not None:
            # The link is another listed paper's: the title (and its label) decide.
            found = _search_arxiv_for(item.title, parse_label(item.label)[1], clients)
            if found is None:
                report.unresolved.append(f"line {item.line}: {item.title!r} links {link}, "
                                         "which is another item's paper, and no preprint "
                                         "with this title was found")
                continue
            work.arxiv, work.published = found, None
            work.notes.append((
                "wrong-link",
                f"line {item.line}: {item.title} links {link}",
                f"arXiv {found.arxiv_id}: {found.title}",
                f"arXiv {found.arxiv_id} (title search); {link} is the paper of the item "
                f"on line {link_owner.items[0].line}",
            ))
        else:
            # Neither title nor link belongs to another item: the paper was renamed.
            work.notes.append((
                "renamed",
                f"line {item.line}: {item.title}",
                recorded,
                f"arXiv {work.arxiv.arxiv_id}v{work.arxiv.version} (current title)",
            ))


def _search_arxiv_for(title: str, year: int | None, clients: Sources) -> ArxivRecord | None:
    for candidate in clients.arxiv.search_title(title):
        if title_score(title, candidate.title) >= TITLE_THRESHOLD and (
                year is None or abs(candidate.year - year) <= 1):
            return candidate
    return None


def _find_preprint(work: Work, clients: Sources, report: BuildReport) -> None:
    title = work.published.title if work.published else work.items[0].title
    authors, year = work.authors_year()
    authors = authors or work.items[0].authors  # the list's own
    _, label_year = parse_label(work.items[0].label)
    known = Known([title, *work.titles], authors, year or label_year, repr(title),
                  published=work.published)
    resolution = resolve(known, clients, look_for=("preprint", "published-by-title"))
    report.near_misses += resolution.near_misses
    work.arxiv = resolution.preprint
    work.published = work.published or resolution.published


def _find_published(work: Work, clients: Sources, report: BuildReport) -> None:
    resolution = resolve(Known(work.titles, preprint=work.arxiv), clients,
                         look_for=("published",))
    report.near_misses += resolution.near_misses
    work.published = resolution.published


def _merge(works: list[Work]) -> list[Work]:
    """One work per identity: its identifier (a record's, else the link's), then, for works
    no source knows, its title. Where the list gives one paper two titles, or one title two
    links, and no source can say which is right, the work says so (a ``duplicate`` note)."""
    merged: dict[str, Work] = {}
    by_title: dict[str, Work] = {}  # works no source knows, by their listed title
    for work in works:
        unknown = work.arxiv is None and work.published is None and work.curated is None
        if unknown and work.is_survey:
            continue
        keys = work.keys
        target = next((merged[key] for key in keys if key in merged), None)
        titled = identity("title", work.items[0].title) if unknown and work.items and \
            not work.items[0].short_name else \
            identity("title", work.titles[0]) if work.named and work.titles else None
        if target is None and titled is not None and titled in by_title:
            target = by_title[titled]
            again, first = work.items[0], target.items[0]
            target.notes.append((
                "duplicate", f"line {again.line}: listed again, linking {again.paper_link}",
                "one entry", f"the list itself: line {first.line} links {first.paper_link} "
                "under the same title; one of the two links is another paper's"))
        if target is None:
            target = work
        else:
            _absorb(target, work)
        # what the work was known by leads to its work from now on: a later item with one
        # of its identities or its title is the same work (a title that joined by a link, a
        # link that joined by its title), never a second entry of one paper
        for key in keys:
            merged.setdefault(key, target)
        if titled is not None:
            by_title.setdefault(titled, target)
    return list({id(work): work for work in merged.values()}.values())  # each work once


def _absorb(target: Work, work: Work) -> None:
    """``work``'s items, titles and notes added to ``target``, the same work."""
    first = target.items[0] if target.items else None  # (the survey is in no section)
    again = work.items[0] if work.items else None
    if first is not None and again is not None and target.arxiv is None and \
            target.published is None and not first.short_name and not again.short_name and \
            title_score(first.title, again.title) < TITLE_THRESHOLD and \
            not _name_and_title(first.title, again.title):
        # one link under two titles, and no source to say which is the paper's
        target.notes.append((
            "duplicate", f"line {again.line}: listed again as '{again.title}'",
            "one entry", f"the list itself: line {first.line} links the same paper as "
            f"'{first.title}'"))
    target.items += work.items
    target.titles += [t for t in work.titles if t not in target.titles]
    has_rename = any(note[0] == "renamed" for note in target.notes)
    target.notes += [n for n in work.notes if not (n[0] == "renamed" and has_rename)]
    target.published = target.published or work.published


def _name_and_title(one: str, other: str) -> bool:
    """Whether one title is the other's name before its colon: "MiniLLM" and "MiniLLM:
    Knowledge Distillation of Large Language Models" are one paper, written short in a
    list's reading guide and whole in its table."""
    short, full = sorted((one, other), key=len)
    name, colon, _rest = full.partition(":")
    return bool(colon) and normalise_title(name) == normalise_title(short) != ""


def _fullest(items: Sequence[ListItem]) -> ListItem:
    """The item that says most of a work no source knows: of the items that give a title
    (not a reading guide's short name, ``ListItem.short_name``), the first, unless a later
    one gives a longer title of four words or more, as a title has (a list names a paper
    "GKD" in its guide and by its whole title in its table; of two short titles, or two as
    long, the first stays, as the list's ``duplicate`` note says)."""
    titled = [item for item in items if not item.short_name] or list(items)
    longest = max(titled, key=lambda item: len(item.title.split()))  # (the first of equals)
    return longest if len(longest.title.split()) >= 4 else titled[0]


_LINK_FIELDS = {"code": "code", "repo": "code", "data": "data", "html": "webpage"}


def _entry_fields(work: Work) -> dict[str, str]:
    if work.curated is not None:
        # a project's own citation: no source knows it, so updates leave it alone
        fields = dict(work.curated.fields) | {CURATED_FIELD: "*"}
        if fields.get("title"):
            fields["title"] = protect_case(fields["title"])
    elif _unresolved(work):
        fields = _list_facts(_fullest(work.items))
    else:
        fields = Resolution(work.arxiv, work.published).fields()
    wrong_links = {n[1].split(" links ")[-1] for n in work.notes if n[0] == "wrong-link"}
    for item in work.items:
        for kind, url in item.links:
            if kind == "pdf" and url not in wrong_links:
                # (the paper's link, "pdf" in the list's words: an abstract page that is
                # the entry's own url is no PDF of it)
                if _PDF_LINK.search(url) or not same_page(url, fields.get("url", "")):
                    fields.setdefault("pdf", _repair_link(url))
            elif kind in _LINK_FIELDS and url:
                name = _LINK_FIELDS[kind]
                urls = fields.get(name, "").split()
                # (a web page that is the entry's own url is no second link of it)
                held = urls + [fields.get("url", "")] * (name == "webpage")
                if not any(same_page(url, page) for page in held):
                    fields[name] = " ".join(urls + [url])
    return fields


def _list_facts(item: ListItem) -> dict[str, str]:
    """What the list itself says of an item no source knows: its title and authors, the
    year (its label's, else its arXiv id's), its venue label, the arXiv
    id or DOI its link names, and the link (all inert: text rebuilt as LaTeX, identifiers
    read by their grammar, the link checked as a URL)."""
    # LaTeX a list writes in a title outside math ("\\textbf{X}") read as text; math
    # ("FAC$^2$E") kept where it is on the allowlist, as arXiv's titles are
    title = latex_to_text(item.title) if _LATEX_MACRO.search(item.title) else item.title
    fields = {"title": protect_case(text_with_math_to_latex(title))}
    if item.authors:
        fields["author"] = " and ".join([text_to_latex(a) for a in item.authors]
                                        + (["others"] if item.et_al else []))
    venue, labelled = parse_label(item.label)
    link = web_url(_repair_link(item.paper_link or ""))
    arxiv_id = parse_arxiv_id(link or "")
    year = labelled or (arxiv_year(arxiv_id) if arxiv_id else None)
    if year is not None:
        fields["year"] = str(year)
    if venue and not names_preprint(venue):
        fields["howpublished"] = text_to_latex(venue)
    elif arxiv_id:
        fields["howpublished"] = f"arXiv preprint arXiv:{arxiv_id}"
    if arxiv_id:
        fields |= {"eprint": arxiv_id, "archiveprefix": "arXiv"}
    doi = doi_of_link(link or "")
    if doi and not arxiv_id:
        fields["doi"] = doi
    if link:
        fields["url"] = link
    return fields


_LATEX_MACRO = re.compile(r"\\[A-Za-z]{2,30}\{")


# a link to a PDF by its shape: "x.pdf", arXiv's and ACM's "/pdf/", OpenReview's "/pdf?id="
_PDF_LINK = re.compile(r"\.pdff?(?:$|[?#])|/pdf(?:/|\?|$)|[?&]format=pdf\b", re.I)


def _repair_link(url: str) -> str:
    return url[:-1] if url.endswith(".pdff") else url


def _corrections_of(work: Work, entry: Entry, sections: Mapping[str, Category],
                    document: ListDocument) -> list[Correction]:
    key = entry.key
    found = [Correction(key, kind, said, truth, source) for kind, said, truth, source in work.notes]
    seen: dict[str, ListItem] = {}
    # (a line already noted as the paper listed again under another name is one mistake)
    renamed = {said.split(":")[0] for kind, said, _truth, _source in work.notes
               if kind == "duplicate"}
    for item in work.items:
        earlier = seen.get(item.section)
        if earlier is not None and f"line {item.line}" not in renamed:
            found.append(Correction(
                key, "duplicate",
                f"line {item.line}: listed again in '{sections[item.section].heading}' "
                f"(first on line {earlier.line})",
                "one entry", "the list itself"))
        seen.setdefault(item.section, item)
        for kind, url in item.links:
            if url != _repair_link(url):
                found.append(Correction(key, "broken-link", f"line {item.line}: {url}",
                                        _repair_link(url), _source_name(work)))
    if work.is_survey:
        found += _survey_corrections(key, entry, document, work)
    if _unresolved(work) and work.items:
        item = _fullest(work.items)  # (the item whose facts the entry holds)
        found.append(Correction(key, "unverified", f"line {item.line}: {item.title}",
                                "cited from the list's own title, year and link: no source "
                                "holds this item", "the list itself"))
    for item in work.items[:1]:
        found += _venue_corrections(key, item, entry, work)
    return found


def _source_name(work: Work) -> str:
    record = work.published or work.arxiv or work.curated
    return source_label(record) if record is not None else "the list itself"


def _venue_corrections(key: str, item: ListItem, entry: Entry, work: Work) -> list[Correction]:
    label_venue, label_year = parse_label(item.label)
    if label_venue is None or _unresolved(work):  # the "unverified" correction says it all
        return []
    cited = f"{venue_acronym(entry) or entry.venue or entry.entry_type} {entry.year}".strip()
    if work.published is None or work.curated is not None:
        if label_venue.lower() == "arxiv" and label_year == entry.year:
            return []
        if label_venue.lower() == "arxiv" or work.curated is not None:
            return [Correction(key, "venue", f"line {item.line}: [{item.label}]", cited,
                               _source_name(work))]
        return [Correction(
            key, "unverified-venue", f"line {item.line}: [{item.label}]",
            f"cited as arXiv {entry.arxiv_id} ({entry.year}): the {item.label} version is "
            "in none of the recorded sources", _source_name(work))]
    acronym = venue_acronym(entry)
    # a label may name the venue by its acronym (EMNLP) or by its publisher (ACM Computing
    # Surveys as "ACM"): either agrees
    named = label_venue.lower() == acronym.lower() or \
        (entry.venue or "").lower().startswith(label_venue.lower() + " ") or \
        _one_venue(label_venue, entry.venue)  # "Findings of ACL" for ACL's Findings
    if named and label_year in (None, entry.year):  # ("[ACL]" says no year to be wrong)
        return []
    kind = "venue" if label_venue.lower() != "arxiv" else "published"
    return [Correction(key, kind, f"line {item.line}: [{item.label}]",
                       f"{acronym or entry.venue} {entry.year}: {entry.venue}",
                       _source_name(work))]


def _one_venue(said: str, venue: str | None) -> bool:
    """Whether a list's label and a record name one venue by the venue table."""
    label, recorded = venue_of(said), venue_of(venue or "")
    return label is not None and recorded is not None and label.same_as(recorded)


def _a(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def _survey_corrections(key: str, entry: Entry, document: ListDocument,
                        work: Work) -> list[Correction]:
    found = []
    block = document.citation_block
    if block is not None and (re.match(r"@\w+\{\s*,", block)
                              or re.search(r"author\s*=\s*\{\s*\}", block)):
        kind = re.match(r"@(\w+)", block)
        missing = [what for what, empty in (
            ("key", re.match(r"@\w+\{\s*,", block)),
            ("authors", re.search(r"author\s*=\s*\{\s*\}", block)),
            ("journal", re.search(r"journal\s*=\s*\{\s*\}", block))) if empty]
        titled = re.search(r"title\s*=\s*\{([^{}]*)\}", block)
        found.append(Correction(
            key, "incomplete-citation",
            f"the README's citation block: {_a(kind.group(1) if kind else 'unnamed')} entry "
            f"with no {', no '.join(missing)}"
            + (f", titled '{titled.group(1)}'" if titled else ""),
            _citation_said(key, entry),
            _source_name(work) + (f"; arXiv {entry.arxiv_id}" if entry.arxiv_id else "")))
    if document.survey_link is not None and document.survey_link[1] in ("https://", "http://", ""):
        found.append(Correction(key, "broken-link",
                                f"the README's survey link '{document.survey_link[1]}'",
                                entry.url or "", _source_name(work)))
    return found


def _citation_said(key: str, entry: Entry) -> str:
    """What the library cites the survey as, naming only what it has (a list whose survey
    no source holds gave "0 authors, 2024 (None), and eprint None").

    >>> _citation_said("k", Entry.from_fields("k", "misc", {"title": "T", "year": "2024"}))
    'misc entry k with no authors, 2024'
    """
    count = len(entry.authors)
    said = [f"{entry.entry_type} entry {key} with "
            f"{'no' if not count else count} author{'' if count == 1 else 's'}"]
    where = " ".join(str(part) for part in (venue_acronym(entry), entry.year) if part)
    if entry.venue:
        said.append(f"{where} ({entry.venue})".lstrip())
    elif where:
        said.append(where)
    if entry.arxiv_id:
        said.append(f"eprint {entry.arxiv_id}")
    return ", ".join(said[:-1]) + (", and " if len(said) > 2 else ", ") + said[-1] \
        if len(said) > 1 else said[0]


def _assemble(document: ListDocument, works: list[Work], existing: Library | None) -> Library:
    old_keys = _existing_keys(existing)
    keys = KeyMaker(old_keys.values())
    entries: list[Entry] = []
    corrections: list[Correction] = []
    members: dict[str, dict[str, None]] = {s.slug: {} for s in document.sections}
    sections = {s.slug: s for s in document.sections}
    survey_key = None
    all_fields = [_entry_fields(work) for work in works]
    known = known_author_splits(all_fields)
    held = {entry.key: entry for entry in existing} if existing is not None else {}
    for work, fields in zip(works, all_fields):
        stated_splits(fields, known)
        slugs = list(dict.fromkeys(item.section for item in work.items))
        if slugs:
            fields["keywords"] = ", ".join(slugs)
        record = work.curated or work.published
        entry_type = record.entry_type if record else "misc"
        draft = Entry.from_fields("draft", entry_type, fields)
        key = _old_key(draft, old_keys) or keys.unique(
            base_key(draft.bib_authors, draft.year, draft.title))
        keys.taken.add(key)
        entry = Entry.from_fields(key, entry_type, _with_users_fields(fields, held.get(key)))
        entries.append(entry)
        for item in work.items:
            members[item.section][key] = None  # (a dict: in order, each key once)
        corrections += _corrections_of(work, entry, sections, document)
        if work.is_survey:
            survey_key = key
    tree = [Category(s.slug, s.heading, s.depth, s.parent, tuple(members[s.slug]))
            for s in document.sections]
    published = {entry.key for entry, work in zip(entries, works) if work.published is not None}
    return Library(entries, tree, _kept_corrections(existing, entries, corrections, published),
                   survey_key, intro=document.intro)


def _with_users_fields(fields: dict[str, str], held: Entry | None) -> dict[str, str]:
    """``fields`` with the fields of the library's entry ``held`` that the library does not
    make (a note, a file: the user's own, to keep); what it makes is the list's and the
    sources' to update."""
    if held is None:
        return fields
    return fields | {name: value for name, value in held.fields.items()
                     if name not in FIELD_ORDER and name not in fields}


def _kept_corrections(existing: Library | None, entries: Sequence[Entry],
                      found: Sequence[Correction], published: set[str]) -> list[Correction]:
    """The existing library's corrections of works still there, then the new ones, in entry
    order: a correction records a mistake the list once made, so a list that has since been
    fixed (or rendered from the library) does not erase it; one the import makes again is
    kept once, naming the line the list has it on now. An ``unverified`` note is about the
    sources, not the list: it is this import's alone (gone once a source holds the work),
    as an ``unverified-venue`` note goes once a source holds the published version."""
    position = {e.key: n for n, e in enumerate(entries)}
    restated = {_unlined(c) for c in found}
    kept = [c for c in (existing.corrections() if existing else ())
            if c.key in position and c.kind != "unverified" and _unlined(c) not in restated
            and not (c.kind == "unverified-venue" and c.key in published)]
    merged = kept + [c for c in found if c not in kept]
    return sorted(merged, key=lambda c: position[c.key])


def _unlined(correction: Correction) -> Correction:
    """A correction without the list lines it names (``line 12: ...``, "first on line 10",
    "the item on line 9"): the same mistake where an edit of the list moved it."""
    return replace(correction, said=_unlined_text(_LINE_PREFIX.sub("", correction.said, count=1)),
                   truth=_unlined_text(correction.truth), source=_unlined_text(correction.source))


def _unlined_text(text: str) -> str:
    return _LINE_NUMBER.sub("line", text) if "line " in text else text


_LINE_PREFIX = re.compile(r"^line \d+: ")
_LINE_NUMBER = re.compile(r"\bline \d+\b")


def _existing_keys(existing: Library | None) -> dict[str, str]:
    if existing is None:
        return {}
    return {ident: entry.key for entry in existing for ident in entry.identifiers()}


def _old_key(draft: Entry, old_keys: Mapping[str, str]) -> str | None:
    return next((old_keys[i] for i in draft.identifiers() if i in old_keys), None)
