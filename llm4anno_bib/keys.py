"""The citation key rule.

``<surname><year><word>``: the first author's family name, the year of the cited version,
and the first word of the title that is not in ``STOPWORDS``; all ASCII, lowercase, letters
and digits only (``wei2022chain``). An organisation as author gives its name (``openai``);
no author at all gives the first title word twice over (``gpt4all2023gpt4all``). On a
collision, in library order, the first keeps the bare key and the next get ``a``, ``b``, ...
Once written to ``library.bib`` a key never changes.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator

from llm4anno_bib.names import pybtex_person

from llm4anno_bib._text import ascii_fold, latex_to_text

STOPWORDS = frozenset(
    "a an the of on in for to and or with via from by at is are can do does how what why when "
    "towards toward as be we your our its".split()
)


def _clean(text: str) -> str:
    return "".join(re.findall(r"[a-z0-9]+", ascii_fold(latex_to_text(text)).lower()))


def family_name(author: str) -> str:
    """The family name of one author as written in an entry (``Family, Given`` or
    ``Given Family``; pybtex splits the latter).

    >>> family_name("Le Scao, Teven"), family_name("Jason Wei"), family_name("OpenAI")
    ('Le Scao', 'Wei', 'OpenAI')
    """
    person = pybtex_person(author)
    return " ".join(person.prelast_names + person.last_names) or author


def first_title_word(title: str) -> str:
    """The first title word not in ``STOPWORDS``, folded to ASCII lowercase."""
    words = re.findall(r"[a-z0-9]+", ascii_fold(latex_to_text(title)).lower())
    return next((w for w in words if w not in STOPWORDS), words[0] if words else "untitled")


def base_key(authors: Iterable[str], year: int | None, title: str) -> str:
    """The key before collision suffixes.

    >>> base_key(["Jason Wei", "Xuezhi Wang"], 2022, "Chain-of-Thought Prompting Elicits ...")
    'wei2022chain'
    """
    first = next(iter(authors), None)
    word = first_title_word(title)
    stem = _clean(family_name(first)) if first else word
    return f"{stem}{year or ''}{word}"


def unique_key(base: str, taken: set[str]) -> str:
    """``base`` or, when taken, ``base`` + ``a``, ``b``, ... ``z``, ``aa`` ... ``zz``,
    ``aaa`` ...: there is always a next one, however many works share a stem.

    >>> unique_key("wei2022chain", {"wei2022chain", "wei2022chaina"})
    'wei2022chainb'
    """
    if base not in taken:
        return base
    return next(base + suffix for suffix in _suffixes() if base + suffix not in taken)


def _suffixes() -> Iterator[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    for length in itertools.count(1):
        for letters_of in itertools.product(letters, repeat=length):
            yield "".join(letters_of)
