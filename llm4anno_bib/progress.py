"""The one progress protocol of every long operation (``update``, ``upgrade``,
``import_list``, ``verify(lookup=True)``): each calls ``progress(Progress(...))``.

>>> steps = []
>>> say = reporter(steps.append)
>>> say(1, 3, "wei2022chain")
>>> steps
[Progress(done=1, total=3, about='wei2022chain')]
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Progress", "reporter"]


@dataclass(frozen=True, slots=True)
class Progress:
    """``done`` of ``total``, and what is at hand: the entry's key, or the stage's name
    (``import_list``'s "asking arXiv for the linked ids"; ``done`` 0 as a stage begins)."""

    done: int
    total: int
    about: str

    @property
    def key(self) -> str:
        """``about``, under the name ``UpdateProgress`` gave it."""
        return self.about


def reporter(progress: Callable[..., Any] | None) -> Callable[[int, int, str], None]:
    """What the operations call, ``(done, total, about)``, handing a ``Progress`` to the
    user's ``progress``. A callback of the old three-argument shape (``import_list`` and
    ``verify`` took ``progress(done, total, stage)``) is still called so, with a
    ``DeprecationWarning``: it goes in the next release."""
    if progress is None:
        return lambda done, total, about: None
    if _takes_three(progress):
        warnings.warn("a progress callback of (done, total, stage) is deprecated: take one "
                      "llm4anno_bib.Progress (.done, .total, .about)", DeprecationWarning,
                      stacklevel=3)
        return lambda done, total, about: progress(done, total, about)
    return lambda done, total, about: progress(Progress(done, total, about))


def _takes_three(callback: Callable[..., Any]) -> bool:
    try:
        parameters = list(inspect.signature(callback).parameters.values())
    except (TypeError, ValueError):  # a builtin without a signature: one argument, as list.append
        return False
    required = [p for p in parameters if p.default is p.empty
                and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(required) == 3
