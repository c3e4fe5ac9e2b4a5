"""Where llm4anno-bib keeps what it can rebuild: the user cache folder."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_DIR_ENV = "LLM4ANNO_BIB_CACHE_DIR"


def default_cache_dir() -> Path:
    """The cache folder: ``$LLM4ANNO_BIB_CACHE_DIR`` or the platform's user cache folder
    (platformdirs: ``~/.cache/llm4anno-bib`` on Linux)."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("llm4anno-bib"))
