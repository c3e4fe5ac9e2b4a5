"""Build library.bib from the list README through the source clients: ``import-list`` of
the seed list onto library.bib, with the survey and the curated citations of this list.

    python scripts/build_library.py                     # the real services
    python scripts/build_library.py --arxiv-url http://127.0.0.1:PORT/arxiv/api/query \
        --acl-url http://127.0.0.1:PORT/acl --dblp-url http://127.0.0.1:PORT/dblp

(``python tests/source_server.py`` serves the recordings and prints those URLs.) Existing
keys of the output file are kept; an unchanged input gives the same bytes.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import llm4anno_bib  # noqa: E402
from llm4anno_bib.build import SURVEY_ARXIV_ID  # noqa: E402
from llm4anno_bib.errors import Llm4AnnoBibError  # noqa: E402
from llm4anno_bib.sources import Politeness, Sources  # noqa: E402
from llm4anno_bib.sources.arxiv import POLITENESS as ARXIV_POLITENESS  # noqa: E402

DATA = ROOT / "scripts" / "data"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", default=str(DATA / "list-README.md"), help="the list README")
    parser.add_argument("--curated", default=str(DATA / "curated"), help="curated .bib folder")
    parser.add_argument("-o", "--output", default=str(ROOT / "library.bib"))
    parser.add_argument("--arxiv-url")
    parser.add_argument("--acl-url")
    parser.add_argument("--dblp-url")
    parser.add_argument("--crossref-url")
    parser.add_argument("--mailto", help="the contact Crossref is given (its polite pool)")
    parser.add_argument("--cache-dir", help="default: $LLM4ANNO_BIB_CACHE_DIR or the user cache")
    parser.add_argument("--arxiv-delay", type=float, default=ARXIV_POLITENESS.delay,
                        help="seconds between arXiv requests (arXiv asks for 3)")
    parser.add_argument("--source-delay", type=float, default=1.0,
                        help="seconds between ACL Anthology, DBLP and Crossref requests")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")

    clients = Sources.connect(
        args.cache_dir, arxiv_url=args.arxiv_url, acl_url=args.acl_url, dblp_url=args.dblp_url,
        crossref_url=args.crossref_url, mailto=args.mailto,
        arxiv_politeness=Politeness(delay=args.arxiv_delay, retries=ARXIV_POLITENESS.retries,
                                    backoff=ARXIV_POLITENESS.backoff),
        politeness=Politeness(delay=args.source_delay))
    output = Path(args.output)
    try:
        result = llm4anno_bib.import_list(
            args.list, None if output.exists() else output,
            into=output if output.exists() else None, survey=SURVEY_ARXIV_ID,
            curated_dir=args.curated, sources=clients,
            progress=lambda step: print(f"... {step.about}", file=sys.stderr)
            if step.done == 0 else None)
    except Llm4AnnoBibError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    library = result.library
    for line in result.near_misses:
        print(f"near miss (not applied): {line}", file=sys.stderr)
    for line in result.unresolved:
        print(f"unresolved: {line}", file=sys.stderr)
    print(f"{output}: {len(library)} entries, {len(library.corrections())} corrections; "
          f"real requests: arXiv {clients.arxiv.real_requests}, ACL {clients.acl.real_requests}, "
          f"DBLP {clients.dblp.real_requests}, Crossref {clients.crossref.real_requests}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
