"""Formatted references through pybtex's styles and backends.

Styles: ``plain``, ``unsrt``, ``alpha``, ``unsrtalpha`` (pybtex's versions of the classic
BibTeX styles); backends: ``text``, ``markdown``, ``html``, ``latex``. The library's own fields
(links, ids) are ignored by the styles; ``\\url{...}`` becomes the bare URL outside LaTeX.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from typing import Any

from llm4anno_bib._text import braces_balance, shallow_braces
from llm4anno_bib.errors import UnknownStyle
from llm4anno_bib.model import Library

STYLES = ("plain", "unsrt", "alpha", "unsrtalpha")
BACKENDS = ("text", "markdown", "html", "latex")
_URL_MACRO = re.compile(r"\\url\{([^}]*)\}")


def _formatted(library: Library, style: str, backend: str) -> Any:
    from pybtex.database import BibliographyData
    from pybtex.database import Entry as PybtexEntry
    from pybtex.style.template import FieldIsMissing

    from llm4anno_bib.errors import choose
    from llm4anno_bib.ids import month_name

    style = choose(style, STYLES, "style", UnknownStyle)
    backend = choose(backend, BACKENDS, "backend", UnknownStyle)
    data = BibliographyData()
    formatter = _style(style)
    keys = {entry.key.lower() for entry in library}
    for entry in library:
        # a crossref to an entry not formatted here is left out (BibTeX warns and goes on;
        # pybtex refuses the whole bibliography)
        fields = {name: _readable(value if backend == "latex" else _URL_MACRO.sub(r"\1", value))
                  for name, value in entry.fields.items() if name not in _PERSON_ROLES
                  and (name != "crossref" or value.strip().lower() in keys)}
        if "month" in fields:  # a macro printed as BibTeX's styles print it: "July"
            fields["month"] = month_name(fields["month"]) or fields["month"]
        persons = {role: people for role in _PERSON_ROLES  # ("editor = { }": no one)
                   if (people := _persons(entry.fields.get(role, "")))}
        # a type the style has no template for (biblatex's @set, @online in an old style):
        # formatted as @misc, as BibTeX does with a type its style does not know
        known = hasattr(formatter, f"get_{entry.entry_type}_template") or \
            hasattr(formatter, f"format_{entry.entry_type}")
        data.add_entry(entry.key, PybtexEntry(entry.entry_type if known else "misc",
                                              fields=fields, persons=persons))
    try:
        formatted = _style(style).format_bibliography(data)
    except FieldIsMissing:
        formatted = _style(style).format_bibliography(_formattable(data, style, library))
    return formatted, _backend(backend)()


def _formattable(data: Any, style: str, library: Library) -> Any:
    """``data`` with each entry that lacks a field its type needs formatted as ``@misc``
    (BibTeX warns and prints what there is; pybtex's styles raise), with a warning."""
    import warnings

    from pybtex.database import BibliographyData
    from pybtex.style.template import FieldIsMissing

    from llm4anno_bib.errors import BibWarning

    fixed = BibliographyData()
    for key, entry in data.entries.items():
        alone = {key: entry}  # with what it cross-references, which it inherits fields from
        target = entry.fields.get("crossref")
        if target is not None and target in data.entries:
            alone[target] = data.entries[target]
        try:
            _style(style).format_bibliography(BibliographyData(alone), citations=[key])
        except FieldIsMissing as missing:
            warnings.warn(BibWarning(f"entry '{key}' lacks a field @{entry.type} needs "
                                     f"({missing}); it is formatted as @misc, as BibTeX "
                                     "prints what there is.", library.path or "the library"),
                          stacklevel=5)
            entry = type(entry)("misc", fields=entry.fields, persons=entry.persons)
        fixed.add_entry(key, entry)
    return fixed


_PERSON_ROLES = ("author", "editor")


def _persons(names: str) -> list[Any]:
    """pybtex's persons of a name list, each name as plain text (``Rockt{\\"a}schel`` as
    ``Rocktäschel``): the alpha style abbreviates the LaTeX source of a name otherwise
    (``[PRocktaschelR+19]`` where BibTeX gives ``[PRR+19]``). A braced name (an
    organisation) stays braced, so it stays one name."""
    from llm4anno_bib._text import latex_to_text
    from llm4anno_bib.names import pybtex_person, split_names

    return [pybtex_person(_readable(
        name if name.startswith("{") and name.endswith("}") else
        latex_to_text(name) if "\\" in name else name)) for name in split_names(names)]


def _readable(value: str) -> str:
    """``value`` as pybtex's markup can read it, which one value could otherwise stop for the
    whole bibliography: braces nested past 32 levels lose the inner groups (it reads them by
    recursion), and braces that do not balance (an entry made in Python, not read from a
    file) are left out."""
    if not braces_balance(value):
        return value.replace("{", "").replace("}", "")
    return shallow_braces(value)


@lru_cache(maxsize=None)
def _style(name: str) -> Any:  # a pybtex Style
    """pybtex's style, made once: finding a plugin scans the installed packages' entry
    points (about 8 ms), which made every ``Entry.cite`` slow."""
    from pybtex.plugin import find_plugin

    return find_plugin("pybtex.style.formatting", name)()


@lru_cache(maxsize=None)
def _backend(name: str) -> type:
    from pybtex.plugin import find_plugin

    return _guarded(find_plugin("pybtex.backends", name), name == "latex")


def _guarded(base: type, latex: bool) -> type:
    """pybtex's ``base`` backend, made to write text as text: pybtex reads LaTeX in a field
    (``\\textbackslash{}write18`` becomes a backslash and ``write18``) and its LaTeX backend
    writes a backslash, a brace or a dollar back as it is, which would make inert text run;
    its backends also write any URL as a link and a key or label as it is."""
    from llm4anno_bib.ids import is_bibtex_key, web_url

    class Guarded(base):  # type: ignore[misc]  # pybtex classes are untyped
        def format_str(self, text: str) -> str:
            return _latex_text(text) if latex else super().format_str(text)

        def format_href(self, url: str, text: str, external: bool = False) -> str:
            if web_url(url) != url:  # javascript:, a quote, a brace: the text, unlinked
                return text
            return str(super().format_href(url, text, external))

        def write_entry(self, key: str, label: str, text: str) -> None:
            super().write_entry(key if is_bibtex_key(key) else self.format_str(key),
                                label if _PLAIN_LABEL.fullmatch(label) else self.format_str(label),
                                text)

    return Guarded


_PLAIN_LABEL = re.compile(r"[A-Za-z0-9+\-.]*")  # what the styles' labels are made of: kept as is
_LATEX_SPECIAL = {"\\": "\\textbackslash{}", "{": "\\textbraceleft{}", "}": "\\textbraceright{}",
                  "$": "\\$", "%": "\\%", "#": "\\#", "&": "\\&", "_": "\\_",
                  "^": "\\textasciicircum{}", "~": "\\textasciitilde{}"}
_LATEX_TEXT = re.compile(r"[\\{}$%#&_^~]|[^\x00-\x7f]+|[\x00-\x08\x0b-\x1f\x7f]")


def _latex_text(text: str) -> str:
    """Plain text as LaTeX that prints it: every special character escaped, non-ASCII letters
    as accent macros (latexcodec), control characters left out."""
    import codecs

    import latexcodec  # noqa: F401 (registers the codec)

    def escape(match: re.Match[str]) -> str:
        char = match.group(0)
        if char in _LATEX_SPECIAL:
            return _LATEX_SPECIAL[char]
        if char.isascii():
            return ""
        try:
            return str(codecs.encode(char, "ulatex"))  # "ulatex" maps text to text
        except UnicodeEncodeError:  # no macro for it ("（"): UTF-8, which LaTeX reads, is inert
            return char

    return _LATEX_TEXT.sub(escape, text)


def render_references(library: Library, style: str = "plain", backend: str = "text") -> str:
    """The whole bibliography in ``style``, written by ``backend`` (a full HTML list, a
    ``thebibliography`` environment, ...)."""
    formatted, writer = _formatted(library, style, backend)
    stream = io.StringIO()
    writer.write_to_stream(formatted, stream)
    return stream.getvalue()


def reference_lines(library: Library, style: str = "plain", backend: str = "text") -> dict[str, str]:
    """Each entry's formatted reference by key, without the bibliography around it."""
    formatted, writer = _formatted(library, style, backend)
    return {entry.key: entry.text.render(writer) for entry in formatted.entries}
