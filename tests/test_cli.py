"""The CLI through typer's CliRunner, and once as a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.cli import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_categories_shows_the_tree_with_counts(library):
    result = invoke("categories")
    assert result.exit_code == 0
    for category in library.categories():
        assert f"{'  ' * category.depth}{category.heading} ({category.count})" in result.stdout


def test_list_filters(library):
    result = invoke("list", "--category", "Chain-of-Thought Prompting (CoT)", "--year", "2022")
    assert result.exit_code == 0
    keys = [line.split()[0] for line in result.stdout.splitlines()]
    expected = [e.key for e in library.filter(category="chain-of-thought-prompting-cot", year=2022)]
    assert keys == expected and "wei2022chain" in keys


def test_show_prints_the_entry_and_unknown_key_exits_1(library):
    result = invoke("show", "wei2022chain")
    assert result.exit_code == 0 and result.stdout == library["wei2022chain"].bibtex
    missing = invoke("show", "wei2022chian")
    assert missing.exit_code == 1 and "wei2022chain" in missing.stderr and missing.stdout == ""


def test_unknown_category_exits_1_and_usage_error_exits_2():
    assert invoke("list", "--category", "nonsense-category").exit_code == 1
    assert invoke("list", "--year", "not-a-year").exit_code == 2
    assert invoke("frobnicate").exit_code == 2


def test_export_to_file_is_parseable_and_complete(tmp_path: Path, library):
    target = tmp_path / "refs.bib"
    result = invoke("export", "--category", "Surveys", "-o", str(target))
    assert result.exit_code == 0
    exported = llm4anno_bib.load(target)
    assert [e.key for e in exported] == [e.key for e in library.filter(category="surveys")]
    assert [e.fields for e in exported] == [e.fields for e in library.filter(category="surveys")]


def test_export_failure_writes_nothing(tmp_path: Path):
    target = tmp_path / "refs.bib"
    target.write_text("% mine\n", encoding="utf-8")
    result = invoke("export", "--category", "no-such-thing", "-o", str(target))
    assert result.exit_code == 1 and target.read_text(encoding="utf-8") == "% mine\n"
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    unwritable = invoke("export", "-o", str(tmp_path / "a-file" / "refs.bib"))  # no folder there
    assert unwritable.exit_code == 2 and "nothing was written" in unwritable.stderr
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "x"
    made = invoke("export", "-o", str(tmp_path / "new-dir" / "refs.bib"))  # a folder is made
    assert made.exit_code == 0 and (tmp_path / "new-dir" / "refs.bib").read_text(
        encoding="utf-8").startswith("@")


def test_survey_and_corrections(library):
    survey = invoke("survey")
    assert survey.exit_code == 0 and survey.stdout == library.survey().bibtex
    corrections = invoke("corrections")
    assert corrections.exit_code == 0
    assert corrections.stdout.count("\n  source: ") == len(library.corrections())
    one = invoke("corrections", "wang2022rationale")
    assert "[wrong-link]" in one.stdout and "2207.00747" in one.stdout


def test_bad_library_file_exits_2_with_file_and_line(tmp_path: Path):
    path = tmp_path / "bad.bib"
    path.write_text("@misc{a,\n  title = {A\n", encoding="utf-8")
    result = invoke("list", "--library", str(path))
    assert result.exit_code == 2 and f"{path}:1:" in result.stderr


def _commands() -> list[list[str]]:
    names = [[c.name or c.callback.__name__] for c in app.registered_commands]
    for group in app.registered_groups:
        names += [[group.name, c.name or c.callback.__name__]
                  for c in group.typer_instance.registered_commands]
    return names


def test_every_command_has_help_and_is_in_the_readme():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    commands = _commands()
    assert len(commands) >= 12
    for command in commands:
        result = invoke(*command, "--help")
        assert result.exit_code == 0 and "Usage" in result.stdout, command
        assert f"`llm4anno-bib {' '.join(command)}" in readme, command


def test_real_subprocess(tmp_path: Path, library):
    result = subprocess.run([sys.executable, "-m", "llm4anno_bib", "export", "--category",
                             "in-context-learning-icl"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0
    assert result.stdout == library.filter(category="in-context-learning-icl").to_bibtex()
    missing = subprocess.run([sys.executable, "-m", "llm4anno_bib", "show", "nope"],
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and missing.stderr.startswith("llm4anno-bib: ")
