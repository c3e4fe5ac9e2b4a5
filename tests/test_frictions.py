"""The smaller frictions of issue 29: cite's key case, months in references, readable
results, completion, --help's environment, a closed pipe."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.cli import ENVIRONMENT, app

from conftest import ROOT


def test_cite_writes_each_entry_once_whatever_case_the_paper_cites_it_in(tmp_path):
    aux = tmp_path / "paper.aux"
    aux.write_text("\\relax\n\\citation{Wei2022Chain}\n\\citation{wei2022chain}\n"
                   "\\citation{WEI2022CHAIN}\n\\bibdata{refs}\n", encoding="utf-8")
    result = llm4anno_bib.cite(aux)
    assert [e.key for e in result.library] == ["Wei2022Chain"]  # BibTeX: no repeated entry
    assert result.missing == {}


def test_formatted_references_print_months_as_words():
    library = llm4anno_bib.load()
    entry = next(e for e in library if e.fields.get("month") == "nov")
    text = llm4anno_bib.export(library.filter(keys=[entry.key]), "refs")
    assert "November 2024" in text and "nov 2024" not in text


def test_results_read_well_when_printed():
    library = llm4anno_bib.load()
    stats = library.stats()
    assert repr(stats).startswith(f"<Stats: {len(library)} works, ")
    assert str(stats) == stats.table()
    checked = llm4anno_bib.check()
    assert repr(checked) == f"<CheckReport of {checked.files[0]}: 0 errors, 0 warnings>"
    report = llm4anno_bib.verify(ROOT / "library.bib", library)
    assert repr(report) == f"<VerifyReport of {ROOT / 'library.bib'}: {len(library)} entries, " \
        f"{len(library)} agrees>"


def _completions(*words: str) -> list[str]:
    from pathlib import Path

    command = str(Path(sys.executable).with_name("llm4anno-bib"))  # completion knows its name
    done = subprocess.run([command], capture_output=True,
                          text=True, timeout=60,
                          env=os.environ | {"_LLM4ANNO_BIB_COMPLETE": "complete_bash",
                                            "COMP_WORDS": " ".join(["llm4anno-bib", *words]),
                                            "COMP_CWORD": str(len(words))})
    return done.stdout.split()


@pytest.mark.slow
def test_completion_offers_keys_and_category_slugs():
    keys = _completions("show", "wei2022")
    assert keys and all(k.startswith("wei2022") for k in keys) and "wei2022chain" in keys
    slugs = _completions("list", "--category", "llm-based")
    assert slugs == [c.slug for c in llm4anno_bib.load().categories()
                     if c.slug.startswith("llm-based")] and slugs


def test_help_names_every_environment_variable_the_package_reads():
    import re

    read = set()
    for path in (ROOT / "llm4anno_bib").rglob("*.py"):
        read |= set(re.findall(r"LLM4ANNO_BIB_[A-Z_]+", path.read_text(encoding="utf-8")))
    said = CliRunner().invoke(app, ["--help"]).stdout
    assert read == {name for name, _said in ENVIRONMENT}
    assert all(name in said.replace("\n", " ").replace("  ", " ") for name in read)


@pytest.mark.slow
def test_a_closed_pipe_is_no_error(tmp_path):
    piped = subprocess.run(["bash", "-c", f"set -o pipefail; {sys.executable} -m llm4anno_bib "
                            "list | head -1"], capture_output=True, text=True, timeout=60)
    assert piped.stdout.count("\n") == 1 and piped.returncode == 0, piped.stderr
