"""The CLI through typer's CliRunner, and once as a real subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
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


@pytest.mark.slow
def test_real_subprocess(tmp_path: Path, library):
    result = subprocess.run([sys.executable, "-m", "llm4anno_bib", "export", "--category",
                             "in-context-learning-icl"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0
    assert result.stdout == library.filter(category="in-context-learning-icl").to_bibtex()
    missing = subprocess.run([sys.executable, "-m", "llm4anno_bib", "show", "nope"],
                             capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and missing.stderr.startswith("llm4anno-bib: ")


COMMANDS = ["categories", "list", "show", "export", "cite", "stats", "survey", "corrections",
            "add", "update", "render-list", "check", "verify", "cache", "cache info",
            "cache clear"]


def test_help_reads_as_a_user_expects():
    top = invoke("--help")
    assert "--version" in top.stdout and "--install-completion" in top.stdout
    commands = top.stdout.split("Commands:")[1]
    assert "..." not in commands  # every command's first sentence fits whole
    for name in COMMANDS:
        helped = invoke(*name.split(), "--help")
        assert helped.exit_code == 0, name
        assert not any(token in helped.stdout for token in ("<bool>", "<str>", "<int>",
                                                             "<list", "<float>", "{")), name
    assert "Usage: llm4anno-bib cite [OPTIONS] AUX" in invoke("cite", "--help").stdout
    assert "KEY" in invoke("show", "--help").stdout.split("Arguments:")[1]
    assert invoke("--version").stdout == f"llm4anno-bib {llm4anno_bib.__version__}\n"


def test_one_is_singular(library):
    one = library.filter(category="Data Selection via Active Learning", year=2021)
    assert len(one) == 1
    listed = invoke("list", "--category", "Data Selection via Active Learning", "--year", "2021")
    assert listed.stderr == "1 work\n"
    corrected = invoke("corrections", one[0].key)
    assert corrected.stderr.strip().endswith(" correction") or "corrections" in corrected.stderr


def test_show_and_export_find_a_key_in_another_case_and_say_so(library):
    shown = invoke("show", "Wei2022Chain")
    assert shown.exit_code == 0 and shown.stdout == library["wei2022chain"].bibtex
    assert "'Wei2022Chain' is the key 'wei2022chain' in another case" in shown.stderr


def test_cite_of_a_tex_file_or_an_aux_without_citations_is_an_error(tmp_path):
    tex = tmp_path / "main.tex"
    tex.write_text("\\documentclass{article}\\begin{document}\\cite{wei2022chain}"
                   "\\end{document}\n", encoding="utf-8")
    empty = tmp_path / "main.aux"
    empty.write_text("\\relax\n\\bibstyle{plain}\n", encoding="utf-8")
    out = tmp_path / "refs.bib"
    for aux, words in ((tex, "It is a LaTeX source: give the .aux file"),
                       (empty, "holds no citation")):
        result = invoke("cite", str(aux), "-o", str(out))
        assert result.exit_code == 1 and words in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1 and not out.exists()
    with __import__("pytest").raises(llm4anno_bib.NotFound, match="holds no citation"):
        llm4anno_bib.cite(empty)


def test_verify_output_without_fix_is_a_usage_error(tmp_path, library):
    refs = tmp_path / "refs.bib"
    refs.write_text(library["wei2022chain"].bibtex, encoding="utf-8")
    result = invoke("verify", str(refs), "-o", str(tmp_path / "out.bib"))
    assert result.exit_code == 2 and "add --fix" in result.stderr
    assert not (tmp_path / "out.bib").exists()


def test_a_library_bib_of_ones_own_is_not_taken_for_the_library(tmp_path, monkeypatch):
    own = tmp_path / "library.bib"
    own.write_text("@misc{mine,\n  title = {Mine},\n  year = {2020},\n}\n", encoding="utf-8")
    before = own.read_bytes()
    monkeypatch.chdir(tmp_path)
    assert not llm4anno_bib.is_library_file(own)
    assert llm4anno_bib.default_library_path() == llm4anno_bib.shipped_library_path()
    checked = invoke("check")
    assert checked.exit_code == 0 and str(llm4anno_bib.shipped_library_path()) in checked.stderr
    rendered = invoke("render-list")
    assert rendered.exit_code == 0 and rendered.stdout.count("\n- [") > 70
    updated = invoke("update", "--offline", "--dry-run")
    assert updated.exit_code == 2 and "is not an llm4anno-bib library" in updated.stderr
    assert own.read_bytes() == before


def test_errors_of_a_source_name_it_and_its_address(tmp_path):
    from llm4anno_bib.errors import SourceError
    from llm4anno_bib.sources import Politeness, make_session
    from llm4anno_bib.sources.dblp import DblpClient

    client = DblpClient(make_session(tmp_path / "c"), "http://127.0.0.1:9",
                        politeness=Politeness(delay=0, retries=0, timeout=2))
    with __import__("pytest").raises(SourceError) as raised:
        client.search("anything")
    message = str(raised.value)
    assert message.startswith("DBLP: cannot connect") and "http://127.0.0.1:9/search" in message


def test_the_one_command_app_main_runs_is_the_whole_apps_command():
    """``main`` builds only the command asked for: every command's help, and a command
    after a top-level option, read the same as through the whole app."""
    from llm4anno_bib.cli import _command_name, app_for

    names = [_command_name(info) for info in app.registered_commands]
    assert len(names) == len(set(names)) >= 15
    for name in names:
        single = app_for(["--debug", name, "--help"])
        assert single is not app and [_command_name(i) for i in single.registered_commands] \
            == [name]
        alone = runner.invoke(single, [name, "--help"], terminal_width=100)
        whole = runner.invoke(app, [name, "--help"], terminal_width=100)
        assert alone.exit_code == whole.exit_code == 0 and alone.output == whole.output, name
    assert app_for(["--help"]) is app and app_for(["no-such-command"]) is app
    assert app_for([]) is app
    listed = runner.invoke(app_for(["list", "--category", "Surveys"]),
                           ["--debug", "list", "--category", "Surveys"])
    assert listed.exit_code == 0 and listed.stdout == runner.invoke(
        app, ["list", "--category", "Surveys"]).stdout
