"""CSL-JSON export, as pandoc (``--citeproc``) and Zotero read it.

``id`` is the citation key; names are split by ``llm4anno_bib.names`` (``family``/``given``,
a lowercase particle as ``non-dropping-particle``, organisations as ``literal``); ``issued``
has ``date-parts``; text is plain Unicode (LaTeX converted). Preprints are CSL's ``article``
with ``publisher`` arXiv and ``number`` ``arXiv:<id>``, as Zotero writes them.
"""

from __future__ import annotations

import json
from typing import Any

from llm4anno_bib._text import latex_to_text, readable_math
from llm4anno_bib.ids import PAGE_DASH, project_url
from llm4anno_bib.model import Entry, Library, venue_text
from llm4anno_bib.names import Name, split_name, split_names

_TYPES = {"article": "article-journal", "inproceedings": "paper-conference",
          "conference": "paper-conference", "book": "book", "incollection": "chapter",
          "inbook": "chapter", "phdthesis": "thesis", "mastersthesis": "thesis",
          "techreport": "report", "proceedings": "book", "unpublished": "manuscript"}


def csl_type(entry: Entry) -> str:
    if entry.entry_type == "misc":
        return "article" if entry.arxiv_id else "document"
    return _TYPES.get(entry.entry_type, "document")


def csl_item(entry: Entry, known: dict[str, Name]) -> dict[str, Any]:
    """One entry as a CSL-JSON item."""
    values = entry.fields
    item: dict[str, Any] = {"id": entry.key, "type": csl_type(entry),
                            "title": readable_math(entry.title)}
    for role in ("author", "editor"):
        if values.get(role):
            item[role] = [split_name(n, known).text() for n in split_names(values[role])]
    if entry.year is not None:
        parts = [entry.year] + ([entry.month] if entry.month else [])
        item["issued"] = {"date-parts": [parts]}
    container = venue_text(values, entry.entry_type)
    project = project_url(values)
    if container and not project:
        item["container-title"] = readable_math(latex_to_text(container))
    plain = {"volume": "volume", "number": "issue", "pages": "page", "publisher": "publisher",
             "address": "publisher-place", "location": "publisher-place",
             "series": "collection-title"}
    for source, target in plain.items():
        if values.get(source):
            item[target] = latex_to_text(values[source])
    if "page" in item:  # CSL ranges use one hyphen; the style picks the dash
        item["page"] = PAGE_DASH.sub("-", item["page"])
    if entry.arxiv_id and entry.entry_type == "misc":
        item["publisher"] = "arXiv"
        item["number"] = f"arXiv:{entry.arxiv_id}"
    if project:
        item["URL"] = project
    if entry.doi:
        item["DOI"] = entry.doi
    if entry.url:
        item["URL"] = entry.url
    return item


def render_csljson(library: Library) -> str:
    """The library's entries as a CSL-JSON array (UTF-8, two-space indent, stable order)."""
    known = library.name_splits()
    return json.dumps([csl_item(e, known) for e in library], ensure_ascii=False, indent=2) + "\n"
