"""Splitting author names into family and given parts, the way citation processors need them.

BibTeX names come in two forms. ``Family, Given`` (the ACL Anthology's) says where the family
name starts, and that split is kept. ``Given Family`` (arXiv's, DBLP's) leaves it to a rule:
pybtex takes the last word as the family name unless a lowercase particle (``van``, ``de``)
comes before it, so ``Teven Le Scao`` becomes family ``Scao``. Here, in order:

1. a split the library has for the same person in ``Family, Given`` form wins
   (``known_splits``): ``Le Scao, Teven`` in one entry fixes ``Teven Le Scao`` everywhere;
2. a lowercase particle is pybtex's "von" part (``Ludwig van Beethoven``: particle ``van``,
   family ``Beethoven``), kept apart as CSL's non-dropping particle;
3. the particle rule: capitalised particles (``PARTICLES``: Le, De, Van, Von, Da, Di, Du, La,
   Del, Della, Der, Den, Ter, Ten, Dos, Das) right before the last word belong to the family
   name when at least one given name stays before them (``Teven Le Scao`` -> ``Le Scao``,
   ``Anh Le`` -> family ``Le``). A middle name spelled like a particle (Vietnamese ``Van``) is
   the rule's known limit; rule 1 fixes it when any record spells the name with a comma;
4. a single word or a braced name is an organisation: the whole name, no given part.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple
from dataclasses import dataclass

from llm4anno_bib._text import collapse_spaces, folded_words, latex_to_text

__all__ = ["Name", "PARTICLES", "Person", "comma_listed", "given_first", "in_order_of",
           "known_splits", "listed_names", "name_parts", "pybtex_person", "split_name",
           "split_names", "with_known_splits"]

PARTICLES = frozenset(
    "le la de da di du del della der den van von ter ten dos das".split())


@dataclass(frozen=True, slots=True)
class Person:
    """One author's name in plain text: ``given``, ``von`` (a particle that stays with the
    family name), ``family``, ``jr``; an organisation has only ``family`` (``literal``).
    ``str()`` gives it as readers write it, given names first.

    >>> str(split_name("King, Jr., Martin Luther").person())
    'Martin Luther King Jr.'
    """

    family: str
    given: str = ""
    von: str = ""
    jr: str = ""
    literal: bool = False

    def __str__(self) -> str:
        return " ".join(part for part in (self.given, self.von, self.family, self.jr) if part)


@dataclass(frozen=True, slots=True)
class Name:
    """One author's name parts, as LaTeX (``text()`` and ``person()`` give plain text)."""

    family: str
    given: str = ""
    particle: str = ""  # a lowercase "von" part that stays with the family name
    literal: bool = False  # an organisation: ``family`` is the whole name
    jr: str = ""

    def bibtex(self) -> str:
        """The name as ``particle Family, Jr, Given``, a form every BibTeX reader splits
        alike.

        >>> split_name("Teven Le Scao").bibtex()
        'Le Scao, Teven'
        """
        if self.literal:
            return "{" + self.family.strip("{}") + "}"
        family = f"{self.particle} {self.family}".strip()
        parts = [family, self.jr, self.given] if self.jr else [family, self.given]
        return ", ".join(p for p in parts if p)

    def text(self) -> dict[str, str]:
        """Plain-text parts for CSL-JSON: ``family``/``given``/``non-dropping-particle``/
        ``suffix``, or ``literal`` for an organisation."""
        person = self.person()
        if person.literal:
            return {"literal": person.family}
        parts = {"family": person.family}
        for key, value in (("given", person.given), ("non-dropping-particle", person.von),
                           ("suffix", person.jr)):
            if value:
                parts[key] = value
        return parts

    def person(self) -> Person:
        """These parts as plain text."""
        if self.literal:
            return Person(latex_to_text(self.family), literal=True)
        return Person(latex_to_text(self.family), latex_to_text(self.given),
                      latex_to_text(self.particle), latex_to_text(self.jr))


def _person_key(text: str) -> str:
    return " ".join(folded_words(latex_to_text(text)))


def _has_top_level_comma(name: str) -> bool:
    if "," not in name:
        return False
    depth = 0
    for char in name:
        depth += char == "{"
        depth -= char == "}"
        if char == "," and depth == 0:
            return True
    return False


def split_names(value: str) -> tuple[str, ...]:
    """The names of an ``author`` or ``editor`` value, as BibTeX splits them (at ``and``
    outside braces), each with its spaces collapsed: pybtex splits only at `` and `` between
    single spaces, so a line break before ``and`` would keep two names as one.

    >>> split_names("Le Scao, Teven  and {OpenAI} and Jason  Wei")
    ('Le Scao, Teven', '{OpenAI}', 'Jason Wei')
    """
    if not value.strip():
        return ()
    collapsed = collapse_spaces(value)
    if "{" not in collapsed:  # pybtex's split without braces to skip: its own separator
        return tuple(name.strip() for name in _NAME_SEPARATOR.split(collapsed))
    return tuple(split_tex(collapsed, _NAME_SEPARATOR))


_NAME_SEPARATOR = re.compile(" [Aa][Nn][Dd] ")  # pybtex's split_name_list
_BRACE_MARK = re.compile("[{}]")


def split_tex(text: str, separator: re.Pattern[str]) -> list[str]:
    """``text`` split at ``separator`` outside braces, each part stripped: pybtex's
    ``split_tex_string`` (as ``split_name_list`` and ``Person`` call it), unbalanced braces
    read as it reads them, in one pass. pybtex cuts the rest of the text off at every brace
    it passes, which makes a long value with many braces cost its length squared (a 1 MB
    author list, a minute).

    >>> split_tex("Doe, {Jane, Jr} and {Smith and Sons}", re.compile(" [Aa][Nn][Dd] "))
    ['Doe, {Jane, Jr}', '{Smith and Sons}']
    """
    parts: list[str] = []
    word: list[str] = []
    at, end = 0, len(text)
    while True:
        brace = text.find("{", at)
        head = text[at:] if brace < 0 else text[at:brace]
        if head:
            pieces = separator.split(head)
            for piece in pieces[:-1]:
                parts.append("".join([*word, piece]))
                word = []
            word.append(pieces[-1])
        if brace < 0:
            break
        # to the brace that closes this one; unclosed, to the last brace seen (pybtex's
        # _find_closing_brace), the text after it read outside braces again
        level, cursor = 1, brace + 1
        while level >= 1:
            mark = _BRACE_MARK.search(text, cursor)
            if mark is None:
                break
            cursor = mark.end()
            level += 1 if mark.group() == "{" else -1
        closed_at = cursor if cursor > brace + 1 else end
        word.append(text[brace:closed_at])
        at = closed_at
        if at >= end:
            break
    if word:
        parts.append("".join(word))
    return [part.strip() for part in parts]


_COMMA = re.compile(",")
# The longest name read as a name: past it, pybtex's Person (which cuts the name at every
# brace) would cost the name's length squared, and no person's name comes near.
MAX_NAME_CHARS = 2000


def pybtex_person(name: str) -> Any:
    """pybtex's ``Person`` of one name, as BibTeX reads it whatever it holds: a name with
    more than two commas (a list written with commas instead of ``and``) is the first two
    parts and the rest joined, where pybtex would raise ``InvalidNameString``.

    >>> pybtex_person("Ben Hamner, Jaison Morgan, lynnvandev, Mark Shermis").last_names
    ['Ben', 'Hamner']
    """
    from pybtex.database import Person as PybtexPerson  # pybtex loads when names are split
    from pybtex.exceptions import PybtexError

    if len(name) > MAX_NAME_CHARS:
        return _one_word(name)
    try:
        parts = split_tex(name, _COMMA)
        if len(parts) > 3:
            name = ", ".join([*parts[:2], " ".join(parts[2:])])
        return PybtexPerson(name)
    except PybtexError:  # braces nested past pybtex's 100 levels
        return _one_word(name)


def _one_word(name: str) -> Any:
    """A name read as one word, as BibTeX reads a braced group."""
    from pybtex.database import Person as PybtexPerson

    person = PybtexPerson()
    person.last_names = [name]
    return person


class NameParts(NamedTuple):
    """A name's words as pybtex's ``Person`` sorts them."""

    first: list[str]
    middle: list[str]
    prelast: list[str]
    last: list[str]
    lineage: list[str]


def name_parts(name: str) -> NameParts:
    """The words of one name as ``pybtex_person`` sorts them. A name without braces or
    backslashes (nearly all) is sorted here by pybtex's own rules: a library's cold read
    splits every author, and pybtex's ``Person`` costs ten times as much.

    >>> name_parts("Ludwig van Beethoven").prelast, name_parts("Le Scao, Teven").last
    (['van'], ['Le', 'Scao'])
    """
    if "{" in name or "}" in name or "\\" in name:
        person = pybtex_person(name)
        return NameParts(person.first_names, person.middle_names, person.prelast_names,
                         person.last_names, person.lineage_names)
    parts = NameParts([], [], [], [], [])
    commas = [part.strip() for part in name.strip().split(",")] if name.strip() else []
    if len(commas) > 3:  # a list written with commas: the first two parts and the rest
        commas = [*commas[:2], " ".join(commas[2:])]
    if len(commas) == 1:  # First von Last
        words = _words(commas[0])
        at = next((n for n, word in enumerate(words) if _is_von(word)), len(words))
        first_middle, von_last = words[:at], words[at:]
        if not von_last and first_middle:
            von_last.append(first_middle.pop())
        _first_middle(parts, first_middle)
        _von_last(parts, von_last)
    elif commas:  # von Last, First / von Last, Jr, First
        _von_last(parts, _words(commas[0]))
        if len(commas) == 3:
            parts.lineage.extend(_words(commas[1]))
        _first_middle(parts, _words(commas[-1]))
    return parts


_SPACES = re.compile(r"(?:\s|~)+")  # pybtex's BIBTEX_SPACE_RE without a backslash


def _words(text: str) -> list[str]:
    return [word for word in _SPACES.split(text) if word]


def _is_von(word: str) -> bool:
    """pybtex's ``is_von_name`` of a word without braces: it starts lowercase (or its first
    letter is)."""
    if word[0].isupper():
        return False
    return word[0].islower() or next((char.islower() for char in word if char.isalpha()),
                                     False)


def person_parts(name: str) -> NameParts:
    """``name_parts``, with a generational suffix written last read apart from the family
    name, as a person reads the name (BibTeX takes "III" for the family name of "Hal
    Daum{\\'e} III", as DBLP writes it, and "Daum{\\'e} III" for that of "Daum{\\'e} III,
    Hal", as Google Scholar does).

    >>> person_parts("Marcelo H. Ang Jr.").last, person_parts("Ang Jr., Marcelo H.").lineage
    (['Ang'], ['Jr.'])
    """
    parts = name_parts(name)
    if parts.lineage or not parts.last or parts.last[-1] not in _LINEAGE:
        return parts
    if len(parts.last) > 1:  # "Daum{\'e} III, Hal", "Ludwig van Beethoven III"
        return parts._replace(last=parts.last[:-1], lineage=parts.last[-1:])
    given = parts.first + parts.middle
    if len(given) > 1 and not parts.prelast:  # "Hal Daum{\'e} III"
        return NameParts(given[:1], given[1:-1], [], given[-1:], parts.last)
    return parts


_LINEAGE = frozenset({"Jr", "Jr.", "JR", "JR.", "Sr", "Sr.", "II", "III", "IV"})


def _first_middle(parts: NameParts, words: list[str]) -> None:
    parts.first.extend(words[:1])
    parts.middle.extend(words[1:])


def _von_last(parts: NameParts, words: list[str]) -> None:
    # the last word is never von; of the others, von runs to the last lowercase one
    von_last = words[:-1]
    if von_last:
        cut = next((len(von_last) - n for n, word in enumerate(reversed(von_last))
                    if _is_von(word)), 0)
        parts.prelast.extend(von_last[:cut])
        parts.last.extend(von_last[cut:])
    parts.last.extend(words[-1:])


def comma_listed(value: str) -> str | None:
    """The first name of an ``author``/``editor`` value that holds more than two commas
    (names listed with commas, not ``and``: BibTeX reads them as one person), or ``None``.

    >>> comma_listed("Ben Hamner, Jaison Morgan, lynnvandev, Mark Shermis")
    'Ben Hamner, Jaison Morgan, lynnvandev, Mark Shermis'
    >>> comma_listed("Le Scao, Teven and Wolf, Jr., Thomas") is None  # Family, Jr, Given
    True
    """
    if value.count(",") < 3 or not any(part.count(",") > 2 for part in value.split(" and ")):
        return None  # nearly every value: no name could have three commas
    return next((name for name in split_names(value) if len(split_tex(name, _COMMA)) > 3),
                None)


def et_al_written(value: str) -> str | None:
    """The last name of an ``author``/``editor`` value when "et al." is written into it
    (``Jason Wei et al.``: BibTeX reads one person, family name "al."), else ``None``.

    >>> et_al_written("Jason Wei et al."), et_al_written("Wei, Jason and others") is None
    ('Jason Wei et al.', True)
    """
    if not _may_end_in_et_al(value) or _ET_AL_NAME.search(value.rstrip()) is None:
        return None
    names = split_names(value)
    return names[-1] if names and _ET_AL_NAME.search(names[-1]) else None


def with_et_al_read(authors: Sequence[str]) -> list[str]:
    """``authors`` with "et al." written into the last name read as BibTeX's ``others``:
    the people named are the ones cited, the list cut short (``check`` says how to write
    it).

    >>> with_et_al_read(["Jason Wei et al."]), with_et_al_read(["Wei, Jason", "et al."])
    (['Jason Wei', 'others'], ['Wei, Jason', 'others'])
    """
    found = _ET_AL_NAME.search(authors[-1]) \
        if authors and _may_end_in_et_al(authors[-1]) else None
    if found is None:
        return list(authors)
    rest = authors[-1][:found.start()].strip(" ,~")
    return [*authors[:-1], *([rest] if rest else []), "others"]


def others_misspelt(value: str) -> str | None:
    """The last name of an ``author``/``editor`` value when it is BibTeX's "others" in
    another case (``Others``: BibTeX prints a person named Others, not "et al."), else
    ``None``.

    >>> others_misspelt("Wei, Jason and Others"), others_misspelt("Wei, Jason and others")
    ('Others', None)
    """
    if "thers" not in value[-8:].lower():
        return None  # nearly every value: it does not end so
    names = split_names(value)
    last = names[-1].strip() if len(names) > 1 else ""
    return last if last.lower() == "others" and last != "others" else None


def others_written_right(authors: Sequence[str]) -> list[str]:
    """``authors`` with a last name of ``others_misspelt`` written as BibTeX's ``others``."""
    return [*authors[:-1], "others"]


def stray_and(value: str) -> str | None:
    """The name of an ``author``/``editor`` value that holds an "and" with no name on one
    side (``Doe, Jane and`` at the list's end, ``and Doe, Jane`` after ``and and`` or at
    its start): BibTeX reads the word as part of that name ("Jane and Doe") or prints an
    empty name; else ``None``.

    >>> stray_and("Smith, John and Doe, Jane and"), stray_and("Smith, John and Doe, Jane")
    ('Doe, Jane and', None)
    """
    if not _may_have_stray_and(value):
        return None  # nearly every value: no "and" at an end or twice in a row
    return next((name for name in split_names(value) if _STRAY_AND.search(name)), None)


def _may_have_stray_and(value: str) -> bool:
    """Whether ``value`` may hold a stray "and" (over, never under), in string operations
    and a search for a literal: ``check`` asks it of every list of a 22,000-entry file."""
    lowered = value.lower()
    ends = lowered.strip()
    if (ends.startswith("and") and (len(ends) == 3 or ends[3].isspace())) or \
            (ends.endswith("and") and (len(ends) == 3 or ends[-4].isspace())):
        return True
    found = _AND_AND.search(lowered)
    while found is not None and found.start() and lowered[found.start() - 1].isalpha():
        found = _AND_AND.search(lowered, found.start() + 1)  # "Roland and": a name's end
    return found is not None


def without_stray_and(authors: Sequence[str]) -> list[str]:
    """``authors`` with the stray "and" of ``stray_and`` taken out of each name, and a
    name left empty dropped.

    >>> without_stray_and(["Smith, John", "and Doe, Jane and"])
    ['Smith, John', 'Doe, Jane']
    """
    names = (_STRAY_AND.sub("", name).strip() for name in authors)
    return [name for name in names if name]


_STRAY_AND = re.compile(r"^and(?:\s+|$)|\s+and$", re.I)
_AND_AND = re.compile(r"and\s+and\s")  # (a literal first: the engine skips to it)


def _may_end_in_et_al(text: str) -> bool:
    return "al" in text[-12:].rstrip()[-6:].lower()  # (nearly every list: it does not)


_ET_AL_NAME = re.compile(r"(?:^|[\s,~])et\.?[\s~]*al(?:\.|ii|ia)?$", re.I)


def listed_names(text: str) -> tuple[tuple[str, ...], bool]:
    """The people a paper list names, as BibTeX names, and whether it cut them short
    (``et al.``), however the list writes them; ``((), False)`` for text that is no list
    of names (a sentence, a venue, a link).

    >>> listed_names("*Ruibo Liu, Jerry Wei, Fangyu Liu.*")
    (('Ruibo Liu', 'Jerry Wei', 'Fangyu Liu'), False)
    >>> listed_names("Meng, Yu, Huang, Jiaxin, Zhang, Yu, and Han, Jiawei.")
    (('Meng, Yu', 'Huang, Jiaxin', 'Zhang, Yu', 'Han, Jiawei'), False)
    >>> listed_names("Gilardi, Fabrizio, Meysam Alizadeh, and Maël Kubli.")  # MLA's
    (('Gilardi, Fabrizio', 'Meysam Alizadeh', 'Maël Kubli'), False)
    >>> listed_names("_Lin Long, Rui Wang et al._"), listed_names("Doe, Jane and Roe, Richard")
    ((('Lin Long', 'Rui Wang'), True), (('Doe, Jane', 'Roe, Richard'), False))
    >>> listed_names("Accepted at ICLR 2024: see https://example.org")
    ((), False)
    """
    names = collapse_spaces(re.sub(r"[*_]", " ", text)).strip(" .,;:")
    cut = _ET_AL.search(names)
    if cut:
        names = names[:cut.start()].strip(" .,;:")
    if not names or len(names) > 5000:
        return (), False
    people = _people_listed(names)
    if not people or len(people) > 1000 or not all(
            _NAME.fullmatch(p) and len(p.split()) <= 6 for p in people):
        return (), False
    return tuple(people), cut is not None


def _people_listed(names: str) -> list[str]:
    """The names of a list of people: BibTeX's ``Family, Given and ...``, family-given pairs
    listed with commas (``Meng, Yu, Huang, Jiaxin``), MLA's first one so and then ``Given
    Family`` ones, or ``Given Family`` names."""
    by_and = [part.strip(" ,") for part in re.split(r",?\s+(?:and|&)\s+", names)]
    if len(by_and) > 1 and all(part.count(",") == 1 for part in by_and):
        return by_and
    parts = [part.strip() for piece in by_and for part in piece.split(",") if part.strip()]
    if len(parts) >= 3 and all(len(p.split()) == 1 for p in parts[:2]) and \
            all(len(p.split()) >= 2 for p in parts[2:]):  # MLA: only the first is inverted
        return [f"{parts[0]}, {parts[1]}", *parts[2:]]
    paired = len(parts) >= 2 and len(parts) % 2 == 0 and \
        all(len(p.split()) == 1 for p in parts[:2]) and all(len(p.split()) <= 3 for p in parts)
    return [f"{parts[i]}, {parts[i + 1]}" for i in range(0, len(parts), 2)] if paired else parts


_ET_AL = re.compile(r",?\s*(?:et\.?\s+al\.?|and\s+others|etc\.?)\s*$", re.I)
# One person as lists write them: letters, initials, hyphens, apostrophes, at most six
# words and one comma (a venue, a sentence or a link is no name)
_NAME = re.compile(r"(?=[^,]*\w)[^\W\d_][\w.'’\- ]{0,60}(?:, [^\W\d_][\w.'’\- ]{0,60})?")


def split_name(name: str, known: Mapping[str, Name] | None = None) -> Name:
    """Split one BibTeX author name (see the module's rules).

    >>> split_name("Le Scao, Teven")
    Name(family='Le Scao', given='Teven', particle='', literal=False, jr='')
    >>> split_name("Ludwig van Beethoven").particle
    'van'
    >>> split_name("OpenAI").literal
    True
    """
    name = " ".join(name.split())
    person = person_parts(name)
    given = " ".join(person.first + person.middle)
    jr = " ".join(person.lineage)
    if _has_top_level_comma(name):
        return Name(" ".join(person.last), given, " ".join(person.prelast), jr=jr)
    if known is not None:
        found = known.get(_person_key(name))
        if found is not None:
            return found
    if not given or (name.startswith("{") and name.endswith("}")):
        return Name(name, literal=True)
    if person.prelast:
        return Name(" ".join(person.last), given, " ".join(person.prelast), jr=jr)
    given_words = given.split()
    family_words = list(person.last)
    while len(given_words) > 1 and given_words[-1].lower() in PARTICLES:
        family_words.insert(0, given_words.pop())
    return Name(" ".join(family_words), " ".join(given_words), jr=jr)


def known_splits(author_lists: Iterable[Iterable[str]]) -> dict[str, Name]:
    """The splits that ``Family, Given`` names give, keyed by the person's name in
    ``Given Family`` order (folded), to settle the same person written without a comma.

    >>> known = known_splits([["Le Scao, Teven"]])
    >>> split_name("Teven Le Scao", known).family
    'Le Scao'
    """
    found: dict[str, Name] = {}
    for authors in author_lists:
        for author in authors:
            if _has_top_level_comma(author):
                name = split_name(author)
                if name.given:
                    full = f"{name.given} {name.particle} {name.family}"
                    found.setdefault(_person_key(full), name)
    return found


def signs_as_team(cited: Sequence[str], recorded: Sequence[str]) -> bool:
    """Whether ``cited`` is one organisation's name (braced whole, ``{OpenAI}``, or a single
    word, ``OpenAI``) standing for a record's long list of people: the team, as it signs a
    report of hundreds of authors, is no disagreement.

    >>> signs_as_team(["{OpenAI}"], ["OpenAI", "Josh Achiam", "Steven Adler", "Sam Altman"])
    True
    >>> signs_as_team(["Jason Wei"], ["Jason Wei", "Xuezhi Wang", "Dale Schuurmans", "Ed Chi"])
    False
    """
    if len(cited) != 1 or len(recorded) <= 3:
        return False
    name = cited[0].strip()
    return name.startswith("{") and name.endswith("}") or len(name.split()) == 1


def family_first(name: str) -> str:
    """One name of a BibTeX list written ``Family, Given`` as BibTeX splits it; a name
    written so already, one braced whole and ``others`` as they are.

    >>> family_first("Ludwig van Beethoven"), family_first("{OpenAI}"), family_first("others")
    ('van Beethoven, Ludwig', '{OpenAI}', 'others')
    """
    if _has_top_level_comma(name) or name.lower() == "others":
        return name
    return split_name(name).bibtex()


def given_first(name: str) -> str:
    """One name of a BibTeX list written ``Given Family`` where BibTeX reads that as the
    same parts; else (a family name of several capitalised words, a ``Jr`` part) as it is.

    >>> given_first("Manning, Christopher D."), given_first("Le Scao, Teven")
    ('Christopher D. Manning', 'Le Scao, Teven')
    """
    if not _has_top_level_comma(name):
        return name
    parts = name_parts(name)
    if parts.lineage or not parts.first:
        return name
    written = " ".join(parts.first + parts.middle + parts.prelast + parts.last)
    return written if name_parts(written) == parts else name


def in_order_of(model: str, names: str) -> str:
    """The name list ``names`` written in the name order ``model`` uses throughout: each
    ``Family, Given`` where ``model`` writes every name so, ``Given Family`` where it writes
    none so (a name that would then read otherwise stays ``Family, Given``); as it is where
    ``model`` mixes them.

    >>> in_order_of("Wei, Jason and Wang, Xuezhi", "Jason Wei and Ludwig van Beethoven")
    'Wei, Jason and van Beethoven, Ludwig'
    >>> in_order_of("Jason Wei and others", "Wei, Jason and Le Scao, Teven")
    'Jason Wei and Le Scao, Teven'
    """
    people = [name for name in split_names(model) if name.lower() != "others" and
              not (name.startswith("{") and name.endswith("}"))]
    by_family = [_has_top_level_comma(name) for name in people]
    if not people or any(by_family) and not all(by_family):
        return names
    order = family_first if all(by_family) else given_first
    written = [order(name) for name in split_names(names)]
    return " and ".join(written)


def with_known_splits(names: str, known: Mapping[str, Name]) -> str:
    """A BibTeX name list with every ``Given Family`` name that a source gives elsewhere as
    ``Family, Given`` with a different split written that way, so that BibTeX and Biber see
    the family name a source stated (``Teven Le Scao`` -> ``Le Scao, Teven``; BibTeX alone
    would take ``Scao``). Other names, and the list when none changes, stay as they are.

    >>> with_known_splits("Victor Sanh and Teven Le Scao", known_splits([["Le Scao, Teven"]]))
    'Victor Sanh and Le Scao, Teven'
    """
    written = list(split_names(names))
    changed = False
    for index, name in enumerate(written):
        if _has_top_level_comma(name):
            continue
        found = known.get(_person_key(name))
        if found is None or not found.given:
            continue
        person = name_parts(name)
        stated = f"{found.particle} {found.family}".strip()
        if _person_key(" ".join(person.prelast + person.last)) != _person_key(stated):
            written[index] = _split_as(name, stated) or found.bibtex()
            changed = True
    return " and ".join(written) if changed else names


def _split_as(name: str, family: str) -> str | None:
    """``name`` (``Given Family``) written ``Family, Given`` with its last words as the
    stated ``family``, in its own letters (another file's casing is no source's), or
    ``None`` when its last words are not that family name.

    >>> _split_as("Teven Le Scao", "le scao")
    'Le Scao, Teven'
    """
    words, size = name.split(), len(family.split())
    if 0 < size < len(words) and _person_key(" ".join(words[-size:])) == _person_key(family):
        return f"{' '.join(words[-size:])}, {' '.join(words[:-size])}"
    return None
