"""The README and docs/ say what is true: their Python runs, their commands exist, their
links lead somewhere, and the README stays a page a newcomer reads."""

from __future__ import annotations

import re
import shlex

import pytest
from conftest import ROOT
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.cli import app

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)


def _blocks(language: str) -> list[tuple[str, str]]:
    return [(f"{path.relative_to(ROOT)}:{text[:found.start()].count(chr(10)) + 1}", found[2])
            for path in DOCS for text in [path.read_text(encoding="utf-8")]
            for found in _FENCE.finditer(text) if found[1] == language]


def test_the_readme_is_at_most_250_lines_and_links_every_doc():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count("\n") <= 250
    for doc in DOCS[1:]:
        assert f"(docs/{doc.name})" in readme, doc.name


def test_every_relative_link_of_the_docs_leads_to_a_file():
    for path in DOCS:
        prose = re.sub(r"`[^`]*`", "", _FENCE.sub("", path.read_text("utf-8")))
        for target in re.findall(r"\]\(((?!https?://|#)[^)\s]+)\)", prose):
            assert (path.parent / target.partition("#")[0]).exists(), (path.name, target)


PYTHON_BLOCKS = _blocks("python")


@pytest.mark.parametrize("where, code", PYTHON_BLOCKS, ids=[w for w, _ in PYTHON_BLOCKS])
def test_every_python_block_runs(where, code, tmp_path, monkeypatch):
    """Each block in a fresh namespace, in an empty folder, offline: what a reader pastes."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LLM4ANNO_BIB_OFFLINE", "1")
    exec(compile(code, where, "exec"), {"__name__": "__docs__"})


def test_there_are_python_blocks_in_the_readme_and_the_docs():
    places = {where.partition(":")[0] for where, _code in PYTHON_BLOCKS}
    assert "README.md" in places and any(p.startswith("docs/") for p in places)


def _command_names() -> set[str]:
    import typer.main

    group = typer.main.get_command(app)
    names = set()
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        names.add(name)
        names |= {f"{name} {sub}" for sub in getattr(command, "commands", {})}
    return names


def test_every_command_the_docs_name_exists_and_takes_its_options():
    """``llm4anno-bib <command> --option`` anywhere in the docs: the command is one, and
    each ``--option`` written after it is in its help."""
    names = _command_names()
    runner = CliRunner()
    said = set()
    for path in DOCS:
        for match in re.finditer(r"llm4anno-bib ((?:[a-z][a-z-]*)(?: (?:info|clear))?)"
                                 r"([^`\n|]*)", path.read_text(encoding="utf-8")):
            command, rest = match[1], match[2]
            if command.split()[0] in ("--version", "--install-completion"):
                continue
            assert command in names, (path.name, match[0])
            said |= {(command, option) for option in re.findall(r"(--[a-z][a-z-]*)", rest)}
    for command, option in sorted(said):
        help_text = runner.invoke(app, [*command.split(), "--help"]).stdout
        assert option in help_text, (command, option)


def test_the_main_job_of_the_set_up_command_runs(tmp_path, monkeypatch):
    """The README's first command, after the install: it writes the section's entries."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    set_up = _FENCE.search(readme)
    assert set_up is not None and set_up[1] == "sh"
    job = set_up[2].split("&& .venv/bin/llm4anno-bib ", 1)[1]
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(app, shlex.split(job))
    assert done.exit_code == 0, done.output
    written = (tmp_path / "cot.bib").read_text(encoding="utf-8")
    assert written == llm4anno_bib.load().filter(
        category="Chain-of-Thought Prompting (CoT)").to_bibtex()


def test_every_api_name_the_docs_call_is_public():
    """``llm4anno_bib.name`` in the docs is in ``__all__`` (a twin the README shows is API,
    not a module's insides), or a module of the package named as such."""
    import importlib.util

    for path in DOCS:
        for name in set(re.findall(r"\bllm4anno_bib\.([A-Za-z_]\w*)", path.read_text("utf-8"))):
            is_module = importlib.util.find_spec(f"llm4anno_bib.{name}") is not None
            assert name in llm4anno_bib.__all__ or is_module or name == "__all__", \
                (path.name, name)
