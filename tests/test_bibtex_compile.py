"""A real BibTeX run over a document citing every key of the BibTeX export: no error, no
warning. (The BibLaTeX export's Biber run is in test_exports.)"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # compiles documents


@pytest.mark.parametrize("style", ["plain", "plainnat"])
def test_bibtex_runs_clean(tmp_path: Path, library, style):
    if shutil.which("bibtex") is None or shutil.which("pdflatex") is None or \
            shutil.which("kpsewhich") is None or not subprocess.run(
                ["kpsewhich", "lmodern.sty"], capture_output=True, text=True).stdout.strip():
        pytest.skip("bibtex, pdflatex or lmodern not installed (Debian texlive packages; .ci/run installs them)")
    (tmp_path / "library.bib").write_text(library.export("bibtex"), encoding="utf-8")
    keys = ",".join(e.key for e in library)
    natbib = "\\usepackage[numbers]{natbib}\n" if style == "plainnat" else ""
    (tmp_path / "paper.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{lmodern}\n\\usepackage{url}\n" + natbib +
        "\\begin{document}\n\\cite{" + keys + "}\n\\bibliographystyle{" + style + "}\n"
        "\\bibliography{library}\n\\end{document}\n", encoding="utf-8")
    run = lambda *cmd: subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120)  # noqa: E731
    first = run("pdflatex", "-interaction=nonstopmode", "paper.tex")
    assert first.returncode == 0, first.stdout[-2000:]
    bibtex = run("bibtex", "paper")
    assert bibtex.returncode == 0, bibtex.stdout
    assert "Warning" not in bibtex.stdout and "error" not in bibtex.stdout.lower(), bibtex.stdout
    assert (tmp_path / "paper.bbl").read_text(encoding="utf-8").count("\\bibitem") == len(library)
    for _ in range(2):
        latex = run("pdflatex", "-interaction=nonstopmode", "paper.tex")
        assert latex.returncode == 0, latex.stdout[-3000:]
    log = (tmp_path / "paper.log").read_text(encoding="latin-1")
    assert "Citation" not in log or "undefined" not in log
