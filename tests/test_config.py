"""A paper repository's settings (issue 29): llm4anno-bib.toml or [tool.llm4anno-bib], found
upward; options win over the file, the file over the environment; bad files are clear
errors naming the file and the key."""

from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.cli import app
from llm4anno_bib.config import load_config

from conftest import ROOT


@pytest.fixture
def paper(tmp_path, monkeypatch):
    """A paper repository with a settings table, run from a folder inside it."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "paper"\n\n[tool.llm4anno-bib]\nlibrary = "refs/lib.bib"\n'
        'mailto = "me@example.org"\ncache-dir = "cache"\nvenues = "short"\n', encoding="utf-8")
    (tmp_path / "refs").mkdir()
    shipped = llm4anno_bib.load(ROOT / "library.bib")
    shipped.filter(keys=["wei2022chain", "kojima2022large"]).save(tmp_path / "refs" / "lib.bib")
    inside = tmp_path / "section" / "figures"
    inside.mkdir(parents=True)
    monkeypatch.chdir(inside)
    monkeypatch.delenv("LLM4ANNO_BIB_CACHE_DIR", raising=False)
    return tmp_path


def test_the_settings_are_found_upward_with_their_origins(paper, monkeypatch):
    monkeypatch.setenv("LLM4ANNO_BIB_MAILTO", "env@example.org")
    monkeypatch.setenv("LLM4ANNO_BIB_DELAY", "0.5")
    config = load_config()
    assert config.path == paper / "pyproject.toml"
    settings = config.settings
    assert settings["library"].value == str(paper / "refs" / "lib.bib")  # the file's folder's
    assert (settings["mailto"].value, settings["mailto"].origin) == (
        "me@example.org", str(paper / "pyproject.toml"))  # the file over the environment
    assert (settings["delay"].value, settings["delay"].origin) == (
        "0.5", "environment (LLM4ANNO_BIB_DELAY)")
    assert (settings["offline"].value, settings["offline"].origin) == (None, "default")


def test_the_nearest_file_wins_and_a_pyproject_without_the_table_is_none(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "llm4anno-bib-fan"\n',
                                             encoding="utf-8")
    assert load_config(tmp_path).path is None
    (tmp_path / "llm4anno-bib.toml").write_text("offline = true\n", encoding="utf-8")
    nested = tmp_path / "a"
    nested.mkdir()
    assert load_config(nested).settings["offline"].value is True


@pytest.mark.parametrize(("text", "said"), [
    ("colour = 'blue'\n", "unknown setting 'colour'"),
    ("venues = 'tiny'\n", "the setting 'venues' is 'tiny', not short or full or iso4"),
    ("offline = 'yes'\n", "the setting 'offline' is 'yes', not true or false"),
    ("delay = -1\n", "the setting 'delay' is -1, not a number of seconds, 0 or more"),
    ("delay = [\n", "is not valid TOML"),
    ("delay = nan\n", "the setting 'delay' is nan, not a number of seconds, 0 or more"),
    ("source-wait = inf\n", "the setting 'source-wait' is inf, not a number of seconds"),
    ('library = "refs/a\\u0000b.bib"\n', "the setting 'library' holds a control character"),
    ('cache-dir = "a\\u0000b"\n', "the setting 'cache-dir' holds a control character"),
    ('mailto = "me@example.org\\r\\nX-Injected: 1"\n', "the setting 'mailto' holds a control"),
    ('arxiv-url = "https://x.org/\\u202e"\n', "the setting 'arxiv-url' holds a control"),
])
def test_a_bad_file_is_an_error_naming_the_file_and_the_key(tmp_path, monkeypatch, text, said):
    (tmp_path / "llm4anno-bib.toml").write_text(text, encoding="utf-8")
    with pytest.raises(llm4anno_bib.ConfigError, match=said) as raised:
        load_config(tmp_path)
    assert raised.value.path == str(tmp_path / "llm4anno-bib.toml")
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(app, ["list"])
    assert done.exit_code == 2 and said in done.stderr and "Traceback" not in done.output


def test_options_win_over_the_file_and_the_file_over_the_environment(paper, monkeypatch):
    runner = CliRunner()
    listed = runner.invoke(app, ["list"])
    assert listed.exit_code == 0 and "2 works" in listed.stderr  # the file's library
    given = runner.invoke(app, ["list", "--library", str(ROOT / "library.bib")])
    assert f"{len(llm4anno_bib.load(ROOT / 'library.bib'))} works" in given.stderr
    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(paper / "elsewhere"))
    assert f"folder: {paper / 'cache'}" in runner.invoke(app, ["cache", "info"]).stdout
    assert f"folder: {paper / 'opt'}" in runner.invoke(
        app, ["cache", "info", "--cache-dir", str(paper / "opt")]).stdout
    assert os.environ["LLM4ANNO_BIB_CACHE_DIR"] == str(paper / "elsewhere")  # restored
    exported = runner.invoke(app, ["export", "--key", "wei2022chain"])
    assert "booktitle = {NeurIPS}" in exported.stdout  # venues = "short" from the file
    assert "booktitle = {Conference on Neural" in runner.invoke(
        app, ["export", "--key", "wei2022chain", "--venues", "full"]).stdout


def test_the_config_command_shows_each_value_and_its_origin(paper):
    shown = CliRunner().invoke(app, ["config"]).stdout
    assert f"file: {paper / 'pyproject.toml'}" in shown
    assert f"mailto        'me@example.org'  [{paper / 'pyproject.toml'}]" in shown
    assert "offline       (not set)  [default]" in shown


def test_a_device_in_the_files_place_is_never_read(tmp_path):
    (tmp_path / "llm4anno-bib.toml").symlink_to("/dev/zero")  # would read forever
    assert load_config(tmp_path).path is None
