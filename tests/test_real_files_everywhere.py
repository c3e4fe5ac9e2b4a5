"""Every real file of the corpus through every reading command, as the API runs them: a file
is read, checked, verified, upgraded (a proposal) and exported in every format and style
without an error that is not ours (a user never sees a traceback). Found by running each
file through the CLI: biblatex's @set and a crossref formatted alone, and a character
latexcodec has no macro for, each raised pybtex's or the codec's own error."""

from __future__ import annotations

import warnings

import pytest

import llm4anno_bib
from conftest import SHARED

CORPUS = sorted((SHARED / "corpus" / "bib").glob("*.bib"))
ENCODINGS = {"macroman": "mac-roman", "gbk": "gbk"}


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS, reason=f"no corpus at {SHARED}/corpus (it lives in ../shared)")
@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_a_real_file_goes_through_every_command(path, tmp_path):
    encoding = next((codec for mark, codec in ENCODINGS.items() if mark in path.name), None)
    warnings.simplefilter("ignore")
    report = llm4anno_bib.verify(path, encoding=encoding)
    assert len(report.entries) > 0
    if encoding is None:
        llm4anno_bib.check(path)  # (check reads UTF-8: it reports the others' bytes)
    llm4anno_bib.upgrade(path, offline=True, cache_dir=tmp_path / "c", encoding=encoding)
    library = llm4anno_bib.load(path, encoding=encoding)
    for format in ("bibtex", "biblatex", "csl-json", "markdown", "html"):
        assert library.export(format)
    for style in ("plain", "alpha", "unsrt"):
        for backend in ("text", "latex", "html", "markdown"):
            assert library.export("refs", style=style, backend=backend)
    for venues in ("short", "full", "iso4"):
        assert library.export(venues=venues)
