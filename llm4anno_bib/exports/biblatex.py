"""BibLaTeX export: biblatex's entry types and data model, for Biber.

Preprints are ``@online`` with ``eprint``/``eprinttype``/``eprintclass``; ``journal`` is
``journaltitle``, ``address`` is ``location``, ``year`` and ``month`` are one ``date``. Names are
written ``Family, Given`` with the split of ``llm4anno_bib.names`` (Biber would otherwise read
``Teven Le Scao`` as family ``Scao``). Fields outside biblatex's data model (the list's
``pdf``/``code``/``data``/``webpage`` links, the ``anthology`` and ``dblp`` ids, ``curated``)
are left out, so ``biber --validate-datamodel`` has nothing to report.
"""

from __future__ import annotations

from llm4anno_bib.bibfile import format_records
from llm4anno_bib.ids import project_url
from llm4anno_bib.model import Entry, Library
from llm4anno_bib.names import Name, split_name, split_names

# library field -> biblatex field, in the order they are written
_FIELDS = (
    ("title", "title"), ("author", "author"), ("editor", "editor"), ("booktitle", "booktitle"),
    ("series", "series"), ("journal", "journaltitle"), ("volume", "volume"),
    ("number", "number"), ("pages", "pages"), ("date", "date"), ("address", "location"),
    ("publisher", "publisher"), ("organization", "organization"), ("institution", "institution"),
    ("school", "school"), ("howpublished", "howpublished"), ("note", "note"), ("doi", "doi"),
    ("url", "url"), ("eprint", "eprint"), ("eprinttype", "eprinttype"),
    ("primaryclass", "eprintclass"), ("ids", "ids"), ("keywords", "keywords"),
    # biblatex's own fields, where the library is a biblatex file: written as they are
    *((name, name) for name in ("subtitle", "titleaddon", "eventtitle", "eventdate", "venue",
                                "edition", "chapter", "issue", "version", "type", "isbn",
                                "issn", "urldate", "pubstate", "language", "langid",
                                "addendum")),
)
# biblatex's names of library fields, read where a biblatex file is the library
_NATIVE = (("journaltitle", "journal"), ("location", "address"),
           ("eprintclass", "primaryclass"))


def biblatex_type(entry: Entry) -> str:
    """The biblatex type: ``online`` for an arXiv preprint, the BibTeX type otherwise."""
    if entry.entry_type == "misc" and entry.arxiv_id:
        return "online"
    return entry.entry_type


def _names(value: str, known: dict[str, Name]) -> str:
    return " and ".join(split_name(n, known).bibtex() for n in split_names(value))


def biblatex_fields(entry: Entry, known: dict[str, Name]) -> list[tuple[str, str]]:
    """The entry's biblatex fields, in writing order."""
    values = dict(entry.fields)
    for native, field in _NATIVE:
        if values.get(native) and not values.get(field):
            values[field] = values[native]
    if entry.year is not None and not (values.get("date") and not values.get("year")):
        values["date"] = f"{entry.year}-{entry.month:02d}" if entry.month else str(entry.year)
    if entry.arxiv_id:
        values["eprinttype"] = "arxiv"
        values.pop("howpublished", None)  # "arXiv preprint arXiv:..." is what eprint says
    url = project_url(values)
    if url:  # a project's citation: its URL is the url, its "journal" how published
        values.setdefault("url", url)
        values["howpublished"] = values.pop("journal", "")
    kind = biblatex_type(entry)
    if kind in ("misc", "online") and "publisher" in values:
        values.setdefault("organization", values.pop("publisher"))  # misc has no publisher
    if kind == "article":  # a journal's publisher and place are not article fields
        values.pop("publisher", None)
        values.pop("address", None)
    for name in ("author", "editor"):
        if values.get(name):
            values[name] = _names(values[name], known)
    return [(target, values[source]) for source, target in _FIELDS if values.get(source)]


def render_biblatex(library: Library) -> str:
    """The library's entries as biblatex/Biber input."""
    known = library.name_splits()
    return format_records((biblatex_type(e), e.key, biblatex_fields(e, known)) for e in library)
