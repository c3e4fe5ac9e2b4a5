"""Generate the package's venue table, ``llm4anno_bib/data/venues.json``, from real data.

    python scripts/build_venues.py [--shared ../shared]

Sources (their licences travel with the table, in its ``attribution``):

- ``venues/ccf-deadlines/``: 354 computer-science conferences, acronym, full name, DBLP
  stream (MIT);
- ``venues/jabref/``: journal full names and their ISO 4 abbreviations (CC0);
- ``recordings/dblp/``: the names proceedings carry ("Advances in Neural Information
  Processing Systems 35: ..."), read from each record's booktitle and its DBLP stream key.

Nothing else is typed by hand but ``EXCEPTIONS`` below, each with its reason. The same input
always gives the same bytes (sorted, one entry a line).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "llm4anno_bib" / "data" / "venues.json"

# (acronym, full name, kind, DBLP stream): venues the data sets do not hold, or hold as what
# they are not
EXCEPTIONS = [
    # a journal since 2022, in neither data set
    ("TMLR", "Transactions on Machine Learning Research", "journal", "journals/tmlr"),
    # the preprint server, and DBLP's journal of its copies
    ("arXiv", "arXiv", "preprint", "journals/corr"),
    # a proceedings series (ICML, AISTATS, COLT publish in it): no venue of its own
    ("PMLR", "Proceedings of Machine Learning Research", "series", None),
    # WWW's name since 2018 ("Proceedings of the ACM Web Conference 2023"); ccf-deadlines
    # keeps the older "International World Wide Web Conferences"
    ("WWW", "The Web Conference", "conference", "conf/www"),
    # crowdsourcing and fairness venues of data-annotation work, in neither data set
    ("HCOMP", "AAAI Conference on Human Computation and Crowdsourcing", "conference",
     "conf/hcomp"),
    ("FAccT", "ACM Conference on Fairness, Accountability, and Transparency", "conference",
     "conf/fat"),
    # venues of the ACL Anthology that NLP bibliographies cite, in neither data set
    # (ccf-deadlines names LREC only in LREC-COLING, under COLING)
    ("TACL", "Transactions of the Association for Computational Linguistics", "journal",
     "journals/tacl"),
    ("LREC", "International Conference on Language Resources and Evaluation", "conference",
     "conf/lrec"),
    ("WMT", "Conference on Machine Translation", "conference", "conf/wmt"),
    # ccf-deadlines misspells COLING's name ("INTERNATIONNAL CONFERENCE ON ..."): its name
    ("COLING", "International Conference on Computational Linguistics", "conference",
     "conf/coling"),
    ("SemEval", "International Workshop on Semantic Evaluation", "workshop", "conf/semeval"),
    # the Anthology's SIG conferences (dialogue, generation): their papers were "not
    # checked" for want of a venue a source is known to index
    ("SIGDIAL", "Annual Meeting of the Special Interest Group on Discourse and Dialogue",
     "conference", "conf/sigdial"),
    ("INLG", "International Natural Language Generation Conference", "conference",
     "conf/inlg"),
    ("AIES", "AAAI/ACM Conference on AI, Ethics, and Society", "conference", "conf/aies"),
    # general-science journals the field publishes in: JabRef lists PNAS only under its
    # long name, which Crossref does not write, and Nature only as "Nature, London"
    ("PNAS", "Proceedings of the National Academy of Sciences of the United States of America",
     "journal", "journals/pnas"),
    ("PNAS", "Proceedings of the National Academy of Sciences", "journal", "journals/pnas"),
    ("Nature", "Nature", "journal", "journals/nature"),
]
# (full name, abbreviation): the abbreviations DBLP writes for journals JabRef's lists lack
JOURNAL_SPELLINGS = [
    ("Transactions of the Association for Computational Linguistics",
     "Trans. Assoc. Comput. Linguistics"),
    ("Transactions on Machine Learning Research", "Trans. Mach. Learn. Res."),
]
ATTRIBUTION = (
    "Conferences: ccf-deadlines (https://github.com/ccfddl/ccf-deadlines, commit "
    "5f8dce347bc17783bc6cd50509e07cc0196863b4), MIT licence, Copyright (c) ccfddl. "
    "Journals and their ISO 4 abbreviations: JabRef's abbreviation lists "
    "(https://github.com/JabRef/abbrv.jabref.org, commit "
    "a6879a86014356ced6b1b705f5ee24eb1d173950), CC0 1.0. Proceedings names: DBLP records "
    "(https://dblp.org), CC0 1.0.")
# "Proceedings of the 38th ...", "The Twelfth ...", "Forty-first ...": the edition goes
_ORDINAL = re.compile(r"^(?:Proceedings of )?(?:the )?(?:\d+(?:st|nd|rd|th)|[A-Z][a-z]+-?[a-z]*"
                      r"(?:first|second|third|th))?\s*", re.I)


def conferences(folder: Path) -> list[list[str | None]]:
    import yaml  # PyYAML: only this script reads YAML

    found = []
    for path in sorted(folder.rglob("*.yml")):
        if path.name == "types.yml":
            continue
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            acronym, name = str(item.get("title", "")).strip(), str(item.get("description", ""))
            stream = item.get("dblp")
            if acronym and name:
                kind = "workshop" if re.search(r"\bworkshop\b", name, re.I) else "conference"
                found.append([acronym, name.strip(), kind, f"conf/{stream}" if stream else None])
    return found


def journals(folder: Path) -> list[list[str]]:
    """Each journal's name with each of its abbreviations, in the lists' order: the lists
    give one journal several rows ("Proc. Nat. Acad. Sci. U.S.A.", DBLP's "Proc. Natl.
    Acad. Sci. USA", "PNAS"), each a spelling to know it by; the first is how it is
    written."""
    found: dict[str, list[str]] = {name: [short] for name, short in JOURNAL_SPELLINGS}
    for path in sorted(folder.glob("journal_abbreviations_*.csv")):
        with path.open(encoding="utf-8", newline="") as stream:
            for row in csv.reader(stream):
                if len(row) >= 2 and row[0].strip() and row[1].strip():
                    shorts = found.setdefault(row[0].strip(), [])
                    if row[1].strip() not in shorts:
                        shorts.append(row[1].strip())
    return [[name, short] for name in sorted(found) for short in found[name]]


def proceedings(folder: Path) -> list[list[str]]:
    """Each DBLP stream's proceedings names, as the records' booktitles begin: the words
    before the volume number, the edition or the first comma."""
    names: dict[tuple[str, str], int] = {}
    for path in sorted(folder.glob("*.bib")):
        text = path.read_text(encoding="utf-8")
        for stream, booktitle in re.findall(
                r"@inproceedings\{DBLP:(conf/[a-z0-9]+)/.*?\n\s*booktitle\s*=\s*\{(.*?)\},\n",
                text, re.S):
            plain = _ORDINAL.sub("", re.sub(r"[{}]", "", " ".join(booktitle.split())))
            head = re.split(r"\s+\d|,|:", plain, maxsplit=1)[0].strip()
            if len(head.split()) >= 3:
                names[(stream, head)] = names.get((stream, head), 0) + 1
    return [[stream, head] for (stream, head), count in sorted(names.items()) if count >= 20]


def _add_keys(table: dict) -> None:
    """Each name with the key it is looked up by (``venues.squeezed``), so that the package
    reads the table without squeezing its 40,000 names at every start."""
    sys.path.insert(0, str(ROOT))
    from llm4anno_bib.venues import journal_name, squeezed

    for row in table["exceptions"] + table["conferences"]:
        row.append(squeezed(row[1]))
    for row in table["proceedings"]:
        row.append(squeezed(row[1]))
    for row in table["journals"]:
        row += [squeezed(journal_name(row[0])[1]), squeezed(row[1])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args(argv)
    venues, dblp = args.shared / "venues", args.shared / "recordings" / "dblp"
    if not venues.is_dir():
        print(f"error: {venues} is not there", file=sys.stderr)
        return 1
    table = {
        "attribution": ATTRIBUTION,
        "exceptions": [list(e) for e in EXCEPTIONS],
        "conferences": conferences(venues / "ccf-deadlines"),
        "proceedings": proceedings(dblp) if dblp.is_dir() else [],
        "journals": journals(venues / "jabref"),
    }
    _add_keys(table)
    TARGET.parent.mkdir(exist_ok=True)
    lines = [f'"{key}": [\n' + ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
             + "\n]" if isinstance(rows, list) else f'"{key}": {json.dumps(rows)}'
             for key, rows in table.items()]
    TARGET.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
    for licence, name in ((venues / "ccf-deadlines" / "LICENSE", "LICENSE-ccf-deadlines"),
                          (venues / "jabref" / "LICENSE.md", "LICENSE-jabref.md")):
        (TARGET.parent / name).write_bytes(licence.read_bytes())  # they travel with the data
    print(f"{TARGET}: {len(table['conferences'])} conferences, "
          f"{len(table['proceedings'])} proceedings names, {len(table['journals'])} journals")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
