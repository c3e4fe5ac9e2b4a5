"""Deciding that two records are the same work, and turning records into library fields.

A preprint and a published record are the same work only when three things agree:

- the titles: normalised (case, accents, LaTeX, punctuation) and compared with rapidfuzz's
  ``ratio`` at ``TITLE_THRESHOLD``, or one containing the other whole when the shorter has
  at least four words and the longer adds at most ``CONTAINED_EXTRA_WORDS`` of its own
  ("Knowledge Distillation of Large Language Models" inside ICLR's "MiniLLM: Knowledge
  Distillation of Large Language Models"; not inside "... for Radiology Reports: A Negative
  Result", which is another paper); any title of the work counts;
- the authors: the first authors' family names (last word, ASCII, lowercase) and, where
  both lists give them, their first initials; and when both lists have several authors, at
  least half of the shorter list's family names in the other;
- the year: published between the arXiv first-version year minus 1 and plus 2.

A candidate whose title scores at least ``NEAR_MISS``, or contains the title within a much
longer one, but fails a rule is a near miss: reported, never applied.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from llm4anno_bib._text import (
    NEAR_MISS, TITLE_THRESHOLD, ascii_fold, escape_non_ascii, folded_words, latex_to_text,
    normalise_title, protect_case, text_to_latex,
)
from llm4anno_bib.ids import MONTH_MACROS, month_macro
from llm4anno_bib.inert import text_with_math_to_latex
from llm4anno_bib.keys import family_name
from llm4anno_bib.sources.records import ArxivRecord, BibRecord

if TYPE_CHECKING:
    from llm4anno_bib.names import Name
    from llm4anno_bib.sources import Sources

CONTAINED_EXTRA_WORDS = 3  # or a quarter of the longer title, if that is more
YEARS_BEFORE, YEARS_AFTER = 1, 2
# Fields of a source record that a citation needs; the rest (DBLP's timestamp, biburl,
# bibsource, editor list) is bookkeeping of the source.
CARRIED_FIELDS = ("title", "author", "booktitle", "series", "journal", "volume", "number",
                  "pages", "year", "month", "address", "publisher", "doi", "url", "howpublished")


def title_score(a: str, b: str) -> float:
    """How alike two titles are, 0-100 (100 when one contains the other: 4+ words, and
    the longer adds at most ``CONTAINED_EXTRA_WORDS``)."""
    return normalised_title_score(normalise_title(a), normalise_title(b))


def normalised_title_score(na: str, nb: str) -> float:
    """``title_score`` of two titles already normalised (``normalise_title``): for a scan
    of many titles, each normalised once."""
    if not na or not nb:
        return 0.0
    if _contained(na, nb) and _near_equal(na, nb):
        return 100.0
    return fuzz.ratio(na, nb)


def _contained(na: str, nb: str) -> bool:
    shorter, longer = sorted((na, nb), key=len)
    return len(shorter.split()) >= 4 and f" {shorter} " in f" {longer} "


def _near_equal(na: str, nb: str) -> bool:
    words = sorted((len(na.split()), len(nb.split())))
    return words[1] - words[0] <= max(CONTAINED_EXTRA_WORDS, words[1] // 4)


def written_alike(name: str, old: str, new: str) -> bool:
    """The same title, or the same people in the same order, written another way (case,
    braces, accents as macros, ``Family, Given``), or their first ones and ``and others``
    (BibTeX's "et al.", a user's choice): a user's writing of them is kept.

    >>> written_alike("title", "{{TrustLLM}}: Trust in LLMs", "TrustLLM: trust in LLMs")
    True
    >>> written_alike("author", "Wei, Jason and Zhou, Denny", "Jason Wei and Denny Zhou")
    True
    >>> written_alike("author", "Wei, Jason and others", "Jason Wei and Denny Zhou")
    True
    """
    if name == "title":
        return normalise_title(old) == normalise_title(new)
    if name in ("author", "editor"):
        from llm4anno_bib.names import split_names

        mine = split_names(old)
        theirs = [surname_token(a) for a in split_names(new)]
        if len(mine) >= 2 and mine[-1].strip().lower() == "others":
            named = [surname_token(a) for a in mine[:-1]]
            return len(theirs) > len(named) and theirs[:len(named)] == named
        return bool(mine) and [surname_token(a) for a in mine] == theirs
    return False


def best_title_score(titles: Iterable[str], candidates: Iterable[str]) -> float:
    return max((title_score(a, b) for a in titles for b in candidates), default=0.0)


@lru_cache(maxsize=65536)  # the same people recur in every bibliography
def surname_token(author: str) -> str:
    """The last word of an author's family name, folded: ``'Le Scao, Teven' -> 'scao'``."""
    return _last_word(latex_to_text(family_name(author)))


def _last_word(text: str) -> str:
    words = folded_words(text)
    return words[-1] if words else ""


def german_spellings(authors: Iterable[str],
                     family_of: Callable[[str], str] = family_name) -> dict[str, str]:
    """The token of each umlauted family name among ``authors`` as German writes it without
    umlauts, to the token of the name (``surname_token``'s): "Schuetze" is "Schütze", as
    "Schutze" is. Asked of one list to read the other's names (never a rule for all
    names: "Xue" and "Xu" are two people).

    >>> german_spellings(["Hinrich Schütze", "Tim Rocktäschel", "Wei Xu"])
    {'schuetze': 'schutze', 'rocktaeschel': 'rocktaschel'}
    """
    spellings = {}
    for author in authors:
        if author.isascii() and '\\"' not in author:  # nearly every name: no umlaut in it
            continue
        family = latex_to_text(family_of(author))
        if _UMLAUT.search(family):
            spellings[_last_word(_UMLAUT.sub(lambda m: _UMLAUTS[m.group()], family))] = \
                _last_word(family)
    return spellings


_UMLAUTS = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
_UMLAUT = re.compile("[äöüÄÖÜ]")


def surname_tokens(authors: Sequence[str], others: Sequence[str]) -> list[str]:
    """``surname_token`` of each of ``authors``, one spelling an umlauted name of
    ``others`` as German writes it without umlauts read as that name."""
    spellings = german_spellings(others)
    tokens = [surname_token(a) for a in authors]
    return [spellings.get(t, t) for t in tokens] if spellings else tokens


def _initial(author: str) -> str:
    """The first letter of an author's given names, folded (``''`` when there are none)."""
    from llm4anno_bib.names import name_parts

    given = " ".join(name_parts(author).first)
    letters = re.findall(r"[a-z]", ascii_fold(latex_to_text(given)).lower())
    return letters[0] if letters else ""


@dataclass(frozen=True, slots=True)
class Verdict:
    accepted: bool
    near_miss: bool
    score: float
    reason: str


def judge(titles: Iterable[str], authors: Sequence[str], preprint_year: int | None,
          candidate_titles: Iterable[str], candidate_authors: Sequence[str],
          candidate_year: int | None) -> Verdict:
    """Whether a candidate record is the same work (see the module's rules).

    >>> judge(["Retrieval Augmented Annotation with Large Language Models"],
    ...       ["Wei Zhang", "Ann Lee"], 2024,
    ...       ["Retrieval Augmented Annotation with Large Language Models for Radiology "
    ...        "Reports: A Negative Result"], ["Min Zhang"], 2024).reason
    "title within a longer one (7 of 13 words); first author 'Min Zhang' is not 'Wei Zhang'"
    """
    titles, candidate_titles = list(titles), list(candidate_titles)
    score = best_title_score(titles, candidate_titles)
    problems = []
    within_longer = score < TITLE_THRESHOLD and next(
        ((na, nb) for a in titles for b in candidate_titles
         if _contained(na := normalise_title(a), nb := normalise_title(b)) if na and nb), None)
    if within_longer:
        counts = sorted(len(t.split()) for t in within_longer)
        problems.append(f"title within a longer one ({counts[0]} of {counts[1]} words)")
    elif score < TITLE_THRESHOLD:
        problems.append(f"title {score:.0f} < {TITLE_THRESHOLD:.0f}")
    problems += _author_problems(authors, candidate_authors)
    if preprint_year and candidate_year and not (
            preprint_year - YEARS_BEFORE <= candidate_year <= preprint_year + YEARS_AFTER):
        problems.append(f"year {candidate_year} is outside {preprint_year - YEARS_BEFORE}"
                        f"-{preprint_year + YEARS_AFTER}")
    accepted = not problems
    return Verdict(accepted, not accepted and (score >= NEAR_MISS or bool(within_longer)),
                   score, "; ".join(problems) or "title, authors and year agree")


def same_people(authors: Sequence[str], candidate_authors: Sequence[str]) -> bool:
    """Whether two author lists are one work's by the matching rule's author part: the same
    first author and at least half the family names shared (either list empty: they may be).

    >>> same_people(["Zhen Tan", "Song Wang", "Huan Liu"], ["Tan, Zhen", "Li, Dawei",
    ...             "Wang, Song", "Liu, Huan"]), same_people(["Zhen Tan"], ["Song Wang"])
    (True, False)
    """
    return not _author_problems(authors, candidate_authors)


def _author_problems(authors: Sequence[str], candidate_authors: Sequence[str]) -> list[str]:
    if not authors or not candidate_authors:
        return []
    first, other = authors[0], candidate_authors[0]
    families = surname_tokens(authors, candidate_authors)
    candidate_families = surname_tokens(candidate_authors, authors)
    # a first author known by another given name ("Tongshuang" / "Sherry" Wu) is the same
    # person when at least three authors' family names agree one by one
    same_list = len(authors) >= 3 and families == candidate_families
    if families[0] != candidate_families[0] or (
            "" != _initial(first) != _initial(other) != "" and not same_list):
        return [f"first author {other!r} is not {first!r}"]
    if min(len(authors), len(candidate_authors)) >= 2:
        ours, theirs = set(families), set(candidate_families)
        shared = len(ours & theirs)
        needed = (min(len(ours), len(theirs)) + 1) // 2
        if shared < needed:
            return [f"only {shared} of the authors' family names are shared (at least "
                    f"{needed} needed)"]
    return []


def find_published(titles: Sequence[str], authors: Sequence[str], year: int | None,
                   sources: Sources, subject: str,
                   doi: str | None = None) -> tuple[BibRecord | None, list[str]]:
    """The published version of a preprint (the ACL Anthology first, then DBLP, then
    Crossref: by ``doi`` when one is known, else by title), or ``None``, with the near
    misses met on the way (``subject`` names the preprint in them).

    DBLP's own copies of arXiv preprints (``DblpHit.preprint``) are not published
    versions, nor are the preprints Crossref registers (the client leaves them out).
    """
    near_misses: list[str] = []

    def accept(record_titles: list[str], record_authors: Sequence[str],
               record_year: int | None, what: str) -> bool:
        verdict = judge(titles, authors, year, record_titles, record_authors, record_year)
        if verdict.near_miss:
            near_misses.append(f"{subject} ~ {what}: {verdict.reason}")
        return verdict.accepted

    for title in titles:
        for record in sources.acl.find_by_title(title):
            if accept([record.title], record.authors, record.year, f"ACL {record.ident}"):
                return record, near_misses
    for title in titles:
        for hit in sources.dblp.search_title(title):
            if hit.preprint:
                continue
            if accept([hit.title], hit.authors, hit.year, f"DBLP {hit.key}"):
                return sources.dblp.fetch_bib(hit.key), near_misses
    candidates: list[BibRecord | None] = [sources.crossref.work(doi)] if doi else []
    for title in titles if not doi else ():
        candidates += sources.crossref.search(title)
    for work in candidates:
        if work is not None and accept([work.title], work.authors, work.year,
                                       f"Crossref {work.ident}"):
            return work, near_misses
    return None, near_misses


def find_preprint(titles: Sequence[str], authors: Sequence[str], year: int | None,
                  sources: Sources, subject: str) -> tuple[ArxivRecord | None, list[str]]:
    """The arXiv preprint of a work known by title, or ``None``, with the near misses met on
    the way. arXiv's title search asks for every word: a work renamed on arXiv ("Secretly"
    became "Implicitly") is found by asking again with the parts of its title (before and
    after a colon or question mark), and the matching rule decides."""
    near_misses: list[str] = []
    seen: set[str] = set()
    for query in [titles[0], *title_parts(titles[0])]:
        for candidate in sources.arxiv.search_title(query):
            if candidate.arxiv_id in seen:
                continue
            seen.add(candidate.arxiv_id)
            verdict = judge(titles, authors, candidate.year, [candidate.title],
                            candidate.authors, year)
            if verdict.accepted:
                return candidate, near_misses
            if verdict.near_miss:
                near_misses.append(f"{subject} ~ arXiv {candidate.arxiv_id} "
                                   f"{candidate.title!r}: {verdict.reason}")
    return None, near_misses


_MIN_PART_WORDS = 3  # fewer words than this find too many papers to be worth a request


def title_parts(title: str) -> list[str]:
    """The parts of a title split at its colons, question marks and dashes, each with at
    least three words; none for a title of one part.

    >>> title_parts("Why Can GPT Learn In-Context? Language Models Secretly Perform "
    ...             "Gradient Descent as Meta-Optimizers")
    ['Why Can GPT Learn In-Context', 'Language Models Secretly Perform Gradient Descent as Meta-Optimizers']
    >>> title_parts("Emergent Abilities of Large Language Models")
    []
    """
    parts = [p.strip() for p in re.split(r"[:?]|\s[-\u2013\u2014]+\s", title) if p.strip()]
    return [p for p in parts if len(p.split()) >= _MIN_PART_WORDS] if len(parts) > 1 else []


def arxiv_fields(record: ArxivRecord) -> dict[str, str]:
    """Library fields of an arXiv preprint cited as such (``@misc``)."""
    return {
        "title": protect_case(text_with_math_to_latex(record.title)),
        "author": " and ".join(text_to_latex(a) for a in record.authors),
        "year": str(record.published.year),
        "month": MONTH_MACROS[record.published.month - 1],
        "howpublished": f"arXiv preprint arXiv:{record.arxiv_id}",
        "url": f"https://arxiv.org/abs/{record.arxiv_id}",
    } | eprint_fields(record)


def eprint_fields(record: ArxivRecord) -> dict[str, str]:
    """The fields that tie an entry to its arXiv preprint."""
    fields = {"eprint": record.arxiv_id, "archiveprefix": "arXiv"}
    if record.primary_category:  # empty when the source's category was refused
        fields["primaryclass"] = record.primary_category
    return fields


def known_author_splits(all_fields: Iterable[Mapping[str, str]]) -> dict[str, Name]:
    """The family names the ``Family, Given`` authors of these fields state (see
    ``names.known_splits``)."""
    from llm4anno_bib.names import known_splits, split_names

    return known_splits(split_names(f["author"]) for f in all_fields if f.get("author"))


def stated_splits(fields: dict[str, str], known: Mapping[str, Name]) -> dict[str, str]:
    """``fields`` with its authors written ``Family, Given`` where a source states a family
    name BibTeX would split otherwise (``names.with_known_splits``); returns ``fields``."""
    from llm4anno_bib.names import with_known_splits

    if fields.get("author"):
        fields["author"] = with_known_splits(fields["author"], known)
    return fields


def published_fields(record: BibRecord) -> dict[str, str]:
    """Library fields of a published record (ACL Anthology, DBLP, curated file)."""
    # the record's fields are inert already (the source module rebuilt them): identifiers
    # follow their grammar, text holds only allowed LaTeX
    fields = {name: record.fields[name] if name in ("url", "doi") else
              escape_non_ascii(record.fields[name])
              for name in CARRIED_FIELDS if record.fields.get(name)}
    if fields.get("title"):  # words whose case must survive a style's sentence-casing
        fields["title"] = protect_case(fields["title"])
    if record.source == "acl":
        fields["anthology"] = record.ident
    elif record.source == "dblp":
        fields["dblp"] = record.ident
    macro = month_macro(fields.get("month", ""))
    if macro is not None:
        fields["month"] = macro
    return fields
