"""The package version, in a module of its own: the cache keys need it without importing
the package's front door (``llm4anno_bib/__init__``), which sits above them."""

__version__ = "0.1.0"
