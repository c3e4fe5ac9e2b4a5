"""Reports as continuous integration reads them: GitHub Actions' workflow commands.

One line per problem, ``::error file=refs.bib,line=12,title=...::message``, as linters such
as ruff print them under ``--output-format github``: the runner turns each into an
annotation on that line of the pull request. Values are escaped as the runner unescapes
them (``%``, carriage returns and line feeds in a message; ``:`` and ``,`` too in a
property), so a title from a file can never end the command early or start another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llm4anno_bib.checking import CheckReport
    from llm4anno_bib.verifying import VerifyReport

__all__ = ["annotation", "check_annotations", "verify_annotations"]

_MESSAGE_ESCAPES = {"%": "%25", "\r": "%0D", "\n": "%0A"}
_PROPERTY_ESCAPES = _MESSAGE_ESCAPES | {":": "%3A", ",": "%2C"}


def _escaped(text: str, table: dict[str, str]) -> str:
    return "".join(table.get(char, char) for char in text)


def annotation(level: str, path: str, line: int | None, title: str, message: str) -> str:
    """One workflow command (``level``: ``error``, ``warning`` or ``notice``).

    >>> annotation("error", "refs.bib", 12, "llm4anno-bib (year-differs)", "the year is 2022")
    '::error file=refs.bib,line=12,title=llm4anno-bib (year-differs)::the year is 2022'
    >>> annotation("warning", "a,b.bib", None, "t", "50% done\\n::error::x")
    '::warning file=a%2Cb.bib,title=t::50%25 done%0A::error::x'
    """
    where = [f"file={_escaped(path, _PROPERTY_ESCAPES)}"]
    if line:
        where.append(f"line={line}")
    where.append(f"title={_escaped(title, _PROPERTY_ESCAPES)}")
    return f"::{level} {','.join(where)}::{_escaped(message, _MESSAGE_ESCAPES)}"


def check_annotations(report: CheckReport) -> list[str]:
    """Every problem ``check`` found, one annotation each (its severity, file and line);
    a file that could not be read is an error on the file."""
    return [annotation(p.severity, p.path, p.line, f"llm4anno-bib check ({p.code})",
                       f"{p.key}: {p.message}" if p.key else p.message)
            for p in report.problems] + [
        annotation("error", error.path or "", error.line, "llm4anno-bib check (unreadable)",
                   error.message) for error in report.unreadable]


def verify_annotations(report: VerifyReport) -> list[str]:
    """Every finding of ``verify`` as an error on its entry's line; an entry not found and a
    block that could not be read are errors too; an entry left unchecked because a source
    could not be asked is a warning."""
    lines = []
    for entry in report.entries:
        for finding in entry.findings:
            theirs, found = finding.shown()
            lines.append(annotation(
                "error", report.path, entry.line, f"llm4anno-bib verify ({finding.kind})",
                f"{entry.key}: {finding.message} (yours: {theirs}; {finding.source}: {found})"))
        if entry.status == "not-found":
            lines.append(annotation("error", report.path, entry.line,
                                    "llm4anno-bib verify (not-found)",
                                    f"{entry.key}: not found ({entry.reason})"))
        elif entry.source_failed:
            lines.append(annotation("warning", report.path, entry.line,
                                    "llm4anno-bib verify (not-checked)",
                                    f"{entry.key}: not checked ({entry.reason})"))
    lines += [annotation("error", report.path, error.line, "llm4anno-bib verify (unreadable)",
                         error.message) for error in report.unreadable]
    return lines
