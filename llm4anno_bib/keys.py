"""The citation key rule.

``<surname><year><word>``: the first author's family name, the year of the cited version,
and the first word of the title that is not in ``STOPWORDS``; all ASCII, lowercase, letters
and digits only (``wei2022chain``). An organisation as author gives its name (``openai``);
no author at all gives the title word and the year (``gpt4all2023``). On a
collision, in library order, the first keeps the bare key and the next get ``a``, ``b``, ...
Once written to ``library.bib`` a key never changes.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from llm4anno_bib.names import person_parts

from llm4anno_bib._text import ascii_fold, folded_words, latex_to_text, readable_math

STOPWORDS = frozenset(
    "a an the of on in for to and or with via from by at is are can do does how what why when "
    "towards toward as be we your our its".split()
)


def _clean(text: str) -> str:
    return "".join(folded_words(latex_to_text(text)))


def family_name(author: str) -> str:
    """The family name of one author as written in an entry (``Family, Given`` or
    ``Given Family``; pybtex splits the latter).

    >>> family_name("Le Scao, Teven"), family_name("Jason Wei"), family_name("OpenAI")
    ('Le Scao', 'Wei', 'OpenAI')
    """
    person = person_parts(author)  # (of "Hal Daum{\'e} III", Daumé)
    return " ".join(person.prelast + person.last) or author


def first_title_word(title: str) -> str:
    """The first title word not in ``STOPWORDS``, folded to ASCII lowercase; a Greek letter
    is its name, and a first word of one or two letters joined to what its hyphens join it
    to (``δ-mem`` -> ``deltamem``, ``I-Con`` -> ``icon``).

    >>> first_title_word("The Chain-of-Thought Trick"), first_title_word("δ-mem: Memory")
    ('chain', 'deltamem')
    """
    plain = _GREEK.sub(_greek_name, readable_math(latex_to_text(title)))  # FAC$^2$E: fac2e
    words = re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", ascii_fold(plain).lower())
    word = next((w for w in words if w.split("-")[0] not in STOPWORDS),
                words[0] if words else "untitled")
    parts = word.split("-")
    short = len(parts[0]) <= 2 or parts[0] in _GREEK_NAMES
    return "".join(parts) if short and len(parts) > 1 else parts[0]


_GREEK = re.compile(r"[\u0391-\u03a9\u03b1-\u03c9]")
_GREEK_NAMES = frozenset("alpha beta gamma delta epsilon zeta eta theta iota kappa lamda lambda "
                         "mu nu xi omicron pi rho sigma tau upsilon phi chi psi omega".split())


def _greek_name(letter: re.Match[str]) -> str:
    import unicodedata

    return unicodedata.name(letter.group(), "").rpartition(" ")[2].lower()


def base_key(authors: Iterable[str], year: int | None, title: str) -> str:
    """The key before collision suffixes: the first author's family name, the year and the
    first title word; with no author, the title word and the year (never a word twice).

    >>> base_key(["Jason Wei", "Xuezhi Wang"], 2022, "Chain-of-Thought Prompting Elicits ...")
    'wei2022chain'
    >>> base_key([], 2026, "δ-mem: Efficient Memory")
    'deltamem2026'
    """
    first = next(iter(authors), None)
    word = first_title_word(title)
    stem = _clean(family_name(first)) if first else ""
    if not stem or stem == word:
        return f"{word}{year or ''}"
    return f"{stem}{year or ''}{word}"


def unique_key(base: str, taken: set[str]) -> str:
    """``base`` or, when taken, ``base`` + ``a``, ``b``, ... ``z``, ``aa`` ... ``zz``,
    ``aaa`` ...: there is always a next one, however many works share a stem.

    >>> unique_key("wei2022chain", {"wei2022chain", "wei2022chaina"})
    'wei2022chainb'
    """
    if base not in taken:
        return base
    return next(key for number in itertools.count() if (key := base + _suffix(number))
                not in taken)


class KeyMaker:
    """``unique_key`` for many keys in a row: it remembers, for each base, the suffix after
    the last it gave, so a thousand works of one stem cost a thousand steps, not half a
    million (a list of many untitled or same-word items).

    >>> maker = KeyMaker({"wei2022chain"})
    >>> [maker.unique("wei2022chain") for _ in range(3)], maker.unique("ye2022zerogen")
    (['wei2022chaina', 'wei2022chainb', 'wei2022chainc'], 'ye2022zerogen')
    """

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.taken = set(taken)
        self._next: dict[str, int] = {}

    def unique(self, base: str) -> str:
        """``unique_key(base, taken)``, and the key is taken."""
        key = base
        if key in self.taken:
            number = self._next.get(base, 0)
            while (key := base + _suffix(number)) in self.taken:
                number += 1
            self._next[base] = number + 1
        self.taken.add(key)
        return key


def _suffix(number: int) -> str:
    """The ``number``-th suffix a taken key gets (0: ``a``, 25: ``z``, 26: ``aa``, 701:
    ``zz``, 702: ``aaa``): bijective base 26."""
    letters = ""
    number += 1
    while number:
        number, digit = divmod(number - 1, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
    return letters
