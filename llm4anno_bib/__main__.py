"""``python -m llm4anno_bib``: the same command as ``llm4anno-bib``."""

from llm4anno_bib.cli import main

main()
