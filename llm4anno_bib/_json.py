"""JSON from outside (a source's answer, a cache file) read as data: nesting deeper than
Python's recursion allows is malformed JSON like any other (``ValueError``), never a
``RecursionError`` that escapes every handler written for bad input."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["loads", "sealed", "unsealed"]


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
    return f"{_digest(body)}\n{body}"


def unsealed(text: str) -> Any:
    """The value ``sealed`` wrote; ``ValueError`` when the text is not what its digest says.

    >>> unsealed(sealed([1, 2]).replace("1", "7"))
    Traceback (most recent call last):
    ...
    ValueError: the content does not match its digest (damaged or edited)
    """
    head, _, body = text.partition("\n")
    if head != _digest(body):
        raise ValueError("the content does not match its digest (damaged or edited)")
    return loads(body)


def _digest(text: str) -> str:
    import hashlib

    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
