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


@pytest.fixture(scope="session")
def recordings() -> Recordings:
    return Recordings(dblp_dir=SHARED_DBLP)


@pytest.fixture
def server(recordings: Recordings):
    with SourceServer(recordings) as running:
        yield running


@pytest.fixture
def needs_dblp(recordings: Recordings) -> None:
    if not recordings.dblp:
        pytest.skip(f"DBLP recordings not found at {SHARED_DBLP} (they live in ../shared)")


@pytest.fixture(scope="session")
def library():
    import llm4anno_bib

    return llm4anno_bib.load()
