"""Build llm4anno_bib/data/case_lexicon.txt: the words titles capitalise as names.

A title written in sentence case ("Training language models to follow instructions with
human feedback") capitalises only its first word and its names; the names it capitalises
mid-sentence are the evidence: "Bayesian", "English", "Wikipedia", "Transformer". This script
reads every title of the recordings (DBLP's 22,000 ICLR, ICML and NeurIPS records, CC0; the
arXiv, Anthology and Crossref recordings of the list's papers), keeps the titles in sentence
case, and lists each word they capitalise at least twice past a segment's first word and
almost never write in lowercase. Writing a title, the library braces these words
(``_text.protect_case``), so that styles that sentence-case titles keep them.

    python scripts/build_lexicon.py            # writes llm4anno_bib/data/case_lexicon.txt
    python scripts/build_lexicon.py --check    # exit 1 when the file is not what it gives
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from llm4anno_bib._text import latex_to_text  # noqa: E402

RECORDINGS = ROOT.parent / "shared" / "recordings"
FIXTURES = ROOT / "tests" / "fixtures"
TARGET = ROOT / "llm4anno_bib" / "data" / "case_lexicon.txt"
_SEGMENT = re.compile(r"[:?!.;]\s+|\s+[-\u2013\u2014]+\s+")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['\u2019][a-z]+)?")


# The exceptions, by hand: languages and the peoples and places named with them are
# always capitalised in English, and ML titles name them (a corpus of English problems,
# Chinese word segmentation) too seldom in sentence case for the evidence to show it.
LANGUAGES = ("Arabic", "Bengali", "Chinese", "Dutch", "English", "French", "German", "Greek",
             "Hebrew", "Hindi", "Indonesian", "Italian", "Japanese", "Korean", "Latin",
             "Persian", "Polish", "Portuguese", "Russian", "Spanish", "Swahili", "Swedish",
             "Thai", "Turkish", "Ukrainian", "Urdu", "Vietnamese")


def titles() -> list[str]:
    """Every recorded title, as plain text."""
    found = []
    for path in sorted((RECORDINGS / "dblp").glob("*.bib")):
        found += re.findall(r"^\s*title\s*=\s*\{(.*?)\},\s*$", path.read_text(encoding="utf-8"),
                            re.M | re.S)
    for path in sorted((FIXTURES / "arxiv").glob("*.xml")):
        found += re.findall(r"<entry>.*?<title>(.*?)</title>", path.read_text(encoding="utf-8"),
                            re.S)
    for path in sorted((FIXTURES / "acl").glob("*.bib")):
        found += re.findall(r'^\s*title\s*=\s*"(.*?)",\s*$', path.read_text(encoding="utf-8"),
                            re.M)
    for path in sorted((FIXTURES / "crossref").glob("*.json")):
        found += json.loads(path.read_text(encoding="utf-8"))["message"].get("title", [])
    return [" ".join(latex_to_text(t).split()) for t in found]


def lexicon(all_titles: list[str]) -> list[str]:
    capitalised: Counter[str] = Counter()
    lowercase: Counter[str] = Counter()
    for title in all_titles:
        later = [w for segment in _SEGMENT.split(title) for w in _WORD.findall(segment)[1:]]
        long_ones = [w for w in later if len(w) >= 4 and not w.isupper()]
        if len(long_ones) < 3 or sum(w[0].isupper() for w in long_ones) > 0.5 * len(long_ones):
            continue  # Title Case: its capitals say nothing
        for word in later:
            if len(word) >= 3 and word[0].isupper() and word[1:].islower():
                capitalised[word] += 1
            elif word.islower():
                lowercase[word.capitalize()] += 1
    found = {w for w, n in capitalised.items() if n >= 2 and 4 * lowercase[w] <= n}
    return sorted(found | set(LANGUAGES))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args()
    if not (RECORDINGS / "dblp").is_dir():
        print(f"no recordings at {RECORDINGS}", file=sys.stderr)
        return 2
    words = lexicon(titles())
    text = ("# Words titles capitalise as names, one a line: built by scripts/build_lexicon.py\n"
            "# from the recorded titles (DBLP records: CC0). Do not edit by hand.\n"
            + "".join(f"{w}\n" for w in words))
    if args.check:
        return 0 if TARGET.read_text(encoding="utf-8") == text else 1
    TARGET.write_text(text, encoding="utf-8")
    print(f"{len(words)} words -> {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
