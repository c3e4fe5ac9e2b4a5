"""Checks where authors work (issue 29): GitHub annotations from check and verify, the
pre-commit hooks run by pre-commit itself in a temporary git repository, and the composite
action's script run against a temporary checkout."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.annotations import annotation, check_annotations, verify_annotations
from llm4anno_bib.cli import app

from conftest import ROOT, connect, server_env

GOOD = """@inproceedings{khaled2023faster,
  author    = {Ahmed Khaled and Chi Jin},
  title     = {Faster Federated Optimization under Second-Order Similarity},
  booktitle = {The Eleventh International Conference on Learning Representations},
  year      = {2023},
}
"""
BAD_YEAR = GOOD.replace("2023}", "2021}").replace("khaled2023faster", "khaled2021faster")
BAD_SYNTAX = "@misc{broken,\n  title = {Unclosed,\n  year = {2020},\n"
_ANNOTATION = re.compile(r"::(error|warning|notice) file=(?P<file>[^,:]+),line=(?P<line>\d+),"
                         r"title=[^:]+::.+")


def test_a_check_problem_is_an_annotation_on_its_file_and_line(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(GOOD + "\n" + GOOD, encoding="utf-8")  # a repeated key, on line 8
    report = llm4anno_bib.check(path)
    lines = check_annotations(report)
    assert len(lines) == len(report.problems) >= 1
    found = [_ANNOTATION.fullmatch(line) for line in lines]
    assert all(found) and {(m.group("file"), m.group("line")) for m in found} == {
        (str(path), str(p.line)) for p in report.problems}


def test_an_annotation_cannot_be_ended_early_by_what_a_file_holds():
    line = annotation("error", "a.bib", 3, "t", "title: Evil\n::error file=x::injected")
    # one line: a command starts only at a line's start, so the rest is message text
    assert "\n" not in line and "\r" not in line
    assert line == "::error file=a.bib,line=3,title=t::title: Evil%0A::error file=x::injected"


def test_verify_findings_are_annotations_on_the_entries_lines(server, tmp_path, needs_dblp):
    path = tmp_path / "refs.bib"
    path.write_text(GOOD + "\n" + BAD_YEAR, encoding="utf-8")
    report = llm4anno_bib.verify(path, llm4anno_bib.Library([]), lookup=True,
                                 sources=connect(server, tmp_path / "c"))
    lines = verify_annotations(report)
    assert len(lines) == 1 and "line=8," in lines[0] and "(year-differs)" in lines[0]


def test_the_cli_prints_github_annotations_and_keeps_its_exit_codes(tmp_path):
    bad = tmp_path / "bad.bib"
    bad.write_text(GOOD + BAD_SYNTAX, encoding="utf-8")
    done = CliRunner().invoke(app, ["check", "--format", "github", str(bad)])
    assert done.exit_code == 1
    assert all(_ANNOTATION.fullmatch(line) for line in done.stdout.splitlines())
    assert f"file={bad},line=7," in done.stdout
    good = tmp_path / "good.bib"
    good.write_text(GOOD, encoding="utf-8")
    assert CliRunner().invoke(app, ["check", "-f", "github", str(good)]).stdout == ""


@pytest.mark.slow
def test_verify_takes_several_files_and_exits_with_the_worst(server, tmp_path, needs_dblp):
    good, bad = tmp_path / "good.bib", tmp_path / "bad.bib"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(BAD_YEAR, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "llm4anno_bib", "verify", "--lookup",
                           "--format", "github", str(good), str(bad)],
                          env=server_env(server, tmp_path), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith(f"::error file={bad},line=1,")
    assert f"{good}: 1 entry: 0 disagree, 1 agree" in done.stderr


def _hooks() -> list[dict]:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True,
                   env=os.environ | {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x",
                                     "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x"})


@pytest.mark.slow
def test_the_pre_commit_hooks_pass_a_good_file_and_fail_a_bad_one_with_its_line(
        server, tmp_path, needs_dblp):
    """pre-commit from PyPI runs each hook as .pre-commit-hooks.yaml declares it (its entry,
    files and options), the entry's command taken from this environment (a ``system`` hook:
    pre-commit would otherwise build an environment from PyPI)."""
    pre_commit = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))
    if not Path(pre_commit).exists():
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    repository = tmp_path / "paper"
    repository.mkdir()
    _git(repository, "init", "-q")
    command = str(Path(sys.executable).with_name("llm4anno-bib"))
    hooks = []
    for hook in _hooks():
        local = {k: v for k, v in hook.items() if k not in ("language", "description")}
        local["entry"] = hook["entry"].replace("llm4anno-bib", command, 1)
        hooks.append(local | {"language": "system"})
    import yaml

    (repository / ".pre-commit-config.yaml").write_text(yaml.safe_dump(
        {"repos": [{"repo": "local", "hooks": hooks}]}), encoding="utf-8")
    env = server_env(server, tmp_path) | {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit")}
    (repository / "refs.bib").write_text(GOOD, encoding="utf-8")
    _git(repository, "add", ".")
    passed = subprocess.run([pre_commit, "run", "--all-files"], cwd=repository, env=env,
                            capture_output=True, text=True, timeout=300)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    (repository / "refs.bib").write_text(GOOD + "\n" + BAD_YEAR + BAD_SYNTAX, encoding="utf-8")
    _git(repository, "add", ".")
    failed = subprocess.run([pre_commit, "run", "--all-files"], cwd=repository, env=env,
                            capture_output=True, text=True, timeout=300)
    assert failed.returncode == 1
    assert re.search(r"llm4anno-bib check\.+Failed", failed.stdout)
    assert "refs.bib:14:" in failed.stdout  # check: the unclosed entry's line


def _action_script() -> str:
    yaml = pytest.importorskip("yaml")
    steps = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))["runs"]["steps"]
    return next(step["run"] for step in steps if step.get("name") == "Run llm4anno-bib")


def _run_action(folder: Path, command: str, files: str) -> subprocess.CompletedProcess[str]:
    bin_folder = str(Path(sys.executable).parent)
    return subprocess.run(["bash", "-c", _action_script()], cwd=folder, text=True,
                          capture_output=True, timeout=120,
                          env=os.environ | {"COMMAND": command, "FILES": files, "ARGS": "",
                                            "PATH": bin_folder + os.pathsep + os.environ["PATH"]})


@pytest.mark.slow
def test_the_actions_step_annotates_a_checkout_and_fails_on_a_problem(tmp_path):
    checkout = tmp_path / "checkout"
    (checkout / "paper").mkdir(parents=True)
    (checkout / "paper" / "refs.bib").write_text(GOOD, encoding="utf-8")
    assert _run_action(checkout, "check", "**/*.bib").returncode == 0
    (checkout / "paper" / "more.bib").write_text(BAD_SYNTAX, encoding="utf-8")
    failed = _run_action(checkout, "check", "**/*.bib")
    assert failed.returncode == 1 and "::error file=paper/more.bib,line=" in failed.stdout
    # an input is data: a command in it is never run
    hostile = _run_action(checkout, "check; touch pwned", "$(touch pwned2)")
    assert hostile.returncode == 2 and not list(checkout.glob("pwned*"))
