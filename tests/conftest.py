"""Shared fixtures: the local source server, the shipped library, the paths of ../shared."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))

from source_server import SHARED_DBLP, Recordings, SourceServer  # noqa: E402

SHARED = ROOT.parent / "shared"
LIST_README = ROOT / "scripts" / "data" / "list-README.md"
CURATED = ROOT / "scripts" / "data" / "curated"


_MADE_CACHE_DIRS: list[str] = []


def pytest_configure(config) -> None:
    """Keep every cache the tests make (parsed libraries, answers) out of the user's cache
    folder, in a folder of the run's own that subprocesses and pytest-xdist's workers
    inherit, removed at the end. Build each typer app's click command once."""
    import os
    import tempfile

    if not os.environ.get("LLM4ANNO_BIB_CACHE_DIR"):
        os.environ["LLM4ANNO_BIB_CACHE_DIR"] = tempfile.mkdtemp(prefix="llm4anno-bib-tests-")
        _MADE_CACHE_DIRS.append(os.environ["LLM4ANNO_BIB_CACHE_DIR"])
    _build_each_command_once()


def pytest_unconfigure(config) -> None:
    """Remove the cache folder this process made (each run made one, and they were left in
    the temporary folder: hundreds over a few days of work, 664 MB here)."""
    import shutil

    for folder in _MADE_CACHE_DIRS:
        shutil.rmtree(folder, ignore_errors=True)
    _MADE_CACHE_DIRS.clear()


def _build_each_command_once() -> None:
    """typer's CliRunner builds the app's click command at every invoke: 30-40 ms of reading
    signatures, a third of the quick loop's CLI tests. A command is built the same way each
    time and keeps no state between runs (``main`` makes a fresh context), so one per app
    serves every invoke. Where typer names its builder otherwise, nothing changes."""
    import typer.testing

    build = getattr(typer.testing, "_get_command", None)
    if build is None:
        return
    built: dict[int, tuple[object, object]] = {}

    def once(app):
        if id(app) not in built:
            built[id(app)] = (app, build(app))  # the app is kept: its id is not reused
        return built[id(app)][1]

    typer.testing._get_command = once


@pytest.fixture(scope="session")
def recordings() -> Recordings:
    """The recorded answers; DBLP's only once a test asks for them (``needs_dblp``): the
    quick loop's tests pass with them and without."""
    return Recordings(dblp_dir=SHARED_DBLP, dblp_later=True)


@pytest.fixture
def server(recordings: Recordings):
    with SourceServer(recordings) as running:
        yield running


@pytest.fixture
def needs_dblp(recordings: Recordings) -> None:
    if not recordings.load_dblp():
        pytest.skip(f"DBLP recordings not found at {SHARED_DBLP} (they live in ../shared)")


def _fast():
    from llm4anno_bib.sources import Politeness

    return Politeness(delay=0.0, retries=2, backoff=0.02, timeout=1.0)


FAST = _fast()  # the politeness for the local server: no gaps, short waits, few retries


def connect(server, cache, offline: bool = False):
    """Source clients on ``cache`` that ask the local ``server``, without the real delays."""
    from llm4anno_bib.sources import Sources

    fast = FAST
    return Sources.connect(cache, offline=offline, arxiv_url=server.arxiv_url,
                           acl_url=server.acl_url, dblp_url=server.dblp_url,
                           crossref_url=server.crossref_url,
                           arxiv_politeness=fast, politeness=fast)


def upgraded(server, tmp_path, text: str):
    """``upgrade`` of a file holding ``text`` against the local ``server``: the result and
    the path of the upgraded copy."""
    import llm4anno_bib

    path, out = tmp_path / "refs.bib", tmp_path / "out.bib"
    path.write_text(text, encoding="utf-8")
    return llm4anno_bib.upgrade(path, out, sources=connect(server, tmp_path / "c")), out


@pytest.fixture
def cli_env(server, tmp_path, monkeypatch):
    """The environment that points the CLI at the local server and a fresh cache."""
    for name, value in server.environment(tmp_path / "cli-cache").items():
        monkeypatch.setenv(name, value)
    return tmp_path / "cli-cache"


def run_cli(server, cwd, *args: str):
    """``python -m llm4anno_bib ARGS`` as a real process asking the local ``server`` without
    politeness gaps (``LLM4ANNO_BIB_DELAY=0``), on a cache in ``cwd``."""
    import subprocess

    return subprocess.run([sys.executable, "-m", "llm4anno_bib", *args], cwd=cwd,
                          env=server_env(server, cwd / "cli-cache") | {"LLM4ANNO_BIB_DELAY": "0"},
                          capture_output=True, text=True, timeout=120)


def server_env(server, cache) -> dict[str, str]:
    """``os.environ`` plus the variables that point a subprocess at the local server."""
    import os

    return os.environ | server.environment(cache)


@pytest.fixture
def shipped_copy(tmp_path) -> Path:
    """A copy of the shipped ``library.bib`` at ``tmp_path / "library.bib"``: the one a test
    may change (and the one a command run in ``tmp_path`` finds)."""
    copy = tmp_path / "library.bib"
    copy.write_bytes((ROOT / "library.bib").read_bytes())
    return copy


@pytest.fixture(scope="session")
def library():
    import llm4anno_bib

    return llm4anno_bib.load()


def bibtex_bbl(folder: Path, bib: str, cited: str = "*") -> str:
    """What BibTeX (style plain) writes of ``bib`` citing ``cited``: the oracle a check's
    claim about BibTeX is held to; skips where BibTeX is not installed."""
    import shutil
    import subprocess

    import pytest

    if shutil.which("bibtex") is None:
        pytest.skip("bibtex not installed (.ci/run installs TeX Live)")
    (folder / "refs.bib").write_text(bib, encoding="utf-8")
    (folder / "paper.aux").write_text(f"\\citation{{{cited}}}\n\\bibstyle{{plain}}\n"
                                      "\\bibdata{refs}\n", encoding="utf-8")
    subprocess.run(["bibtex", "paper"], cwd=folder, capture_output=True, timeout=60)
    return (folder / "paper.bbl").read_text(encoding="utf-8")
