"""JSON from outside (a source's answer, a cache file) read as data: nesting deeper than
Python's recursion allows is malformed JSON like any other (``ValueError``), never a
``RecursionError`` that escapes every handler written for bad input."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

__all__ = ["loads", "sealed", "sealed_body", "sealed_texts", "unsealed"]


def loads(data: str | bytes) -> Any:
    """``json.loads``, raising ``ValueError`` for anything that is not JSON it can hold.

    >>> loads("[" * 100_000 + "]" * 100_000)
    Traceback (most recent call last):
    ...
    ValueError: the JSON is nested too deeply to be data
    """
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply to be data") from None


def sealed(value: Any) -> str:
    """``value`` as JSON text behind a digest of that text (``unsealed`` checks it): a cache
    file that was damaged or edited since it was written is told from one that was not.

    >>> unsealed(sealed({"a": [1, 2]}))
    {'a': [1, 2]}
    """
    body = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return f"{_digest([body.encode('utf-8')])}\n{body}"


def sealed_texts(texts: Mapping[str, str]) -> Iterator[str]:
    """``sealed(dict(texts))`` in pieces, one text at a time: a mapping of large texts (an
    export's entry texts) is never held a second time as one JSON string. Each text is
    written twice over (the digest, which comes first, then the file), never held.

    >>> "".join(sealed_texts({"a": "x", "b": "é"})) == sealed({"a": "x", "b": "é"})
    True
    """
    def pieces() -> Iterator[str]:
        yield "{"
        for number, (key, text) in enumerate(texts.items()):
            yield ("," if number else "") + json.dumps(key, ensure_ascii=False) + ":" + \
                json.dumps(text, ensure_ascii=False)
        yield "}"

    yield _digest(piece.encode("utf-8") for piece in pieces()) + "\n"
    yield from pieces()


def unsealed(text: str | bytes) -> Any:
    """The value ``sealed`` wrote (given as its text, or as the file's bytes: then checked
    and read without a second copy of a large file); ``ValueError`` when it is not what its
    digest says.

    >>> unsealed(sealed([1, 2]).replace("1", "7"))
    Traceback (most recent call last):
    ...
    ValueError: the content does not match its digest (damaged or edited)
    >>> unsealed(sealed({"é": "x"}).encode("utf-8"))
    {'é': 'x'}
    """
    return loads(sealed_body(text))


def sealed_body(text: str | bytes) -> str:
    """The JSON text behind ``sealed``'s digest, checked against it (``ValueError`` when it
    does not match). Given a file's bytes, the body is checked and decoded in place, and
    the bytes can go before the JSON is read: a large file (20 MB of kept entry texts) is
    then never held three times at once."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    cut = data.find(b"\n")
    head, body = (data[:cut], memoryview(data)[cut + 1:]) if cut >= 0 else (data, memoryview(b""))
    if head.decode("ascii", "replace") != _digest([body]):
        raise ValueError("the content does not match its digest (damaged or edited)")
    return str(body, "utf-8")


def _digest(pieces: Iterable[bytes | memoryview]) -> str:
    """The seal of a body given in pieces (the one digest ``sealed``, ``sealed_texts`` and
    ``unsealed`` use)."""
    import hashlib

    digest = hashlib.blake2b(digest_size=16)
    for piece in pieces:
        digest.update(piece)
    return digest.hexdigest()
