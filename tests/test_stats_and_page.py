"""Stats, the overview chart (SVG on the page, matplotlib with --plot) and the HTML page as
text: self-contained, escaped, deterministic. The page in a real browser is in
``test_page_in_browser.py``."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
from collections import Counter

import pytest
from typer.testing import CliRunner

import llm4anno_bib
from llm4anno_bib.cli import app
from llm4anno_bib.model import Entry, Library

from conftest import ROOT

runner = CliRunner()


def hostile_library() -> Library:
    """A library whose every text tries to break out of the page."""
    base = llm4anno_bib.load()
    evil = Entry.from_fields("evil2024", "misc", {
        "title": "<script>window.hacked = 1</script> & \"quotes\" 'too'",
        "author": "Mallory <img src=x onerror=\"window.hacked=2\"> and Eve </pre><b>bold</b>",
        "year": "2024", "howpublished": "<iframe src=\"https://example.org\">",
        "url": "javascript:window.hacked=3", "code": "javascript:alert(1) https://ok.example/x",
        "keywords": "surveys"})
    tree = [c if c.slug != "surveys" else type(c)(c.slug, c.heading, c.depth, c.parent,
                                                  c.keys + ("evil2024",)) for c in base.tree]
    return base.with_entries([*base.entries, evil], tree)


# -- stats ---------------------------------------------------------------------------------
def test_stats_count_every_work_once_per_year_and_venue():
    library = llm4anno_bib.load()
    stats = library.stats()
    assert stats.works == len(library) == sum(n for _y, n in stats.by_year)
    assert dict(stats.by_year) == dict(Counter(e.year for e in library))
    assert sum(n for _v, n in stats.by_venue) == len(library)
    # each year's stacked parts add up to its works: a work in two top sections counts once
    for (year, parts), (same_year, total) in zip(stats.by_year_and_top, stats.by_year):
        assert year == same_year and sum(n for _s, n in parts) == total
    assert [c.count for c in stats.by_category] == [c.count for c in library.categories()]
    assert [t.slug for t in stats.tops] == [c.slug for c in library.tree if c.depth == 0]


def test_a_users_file_is_counted_by_venue_as_the_venue_table_names_them(tmp_path):
    """A user's file writes one venue many ways: arXiv as "arXiv e-prints" (NASA ADS), "arXiv
    preprint arXiv:..." or an eprint alone; a conference by its proceedings' name. ``stats``
    and ``list`` count and show them by the venue table's short name, not by each text."""
    path = tmp_path / "refs.bib"
    path.write_text(
        "@article{a,\n  title = {A},\n  journal = {arXiv e-prints},\n  year = {2022}\n}\n"
        "@article{b,\n  title = {B},\n  journal = {arXiv preprint arXiv:2205.11916},\n"
        "  year = {2022}\n}\n@misc{c,\n  title = {C},\n  eprint = {2201.11903},\n"
        "  archiveprefix = {arXiv},\n  year = {2022}\n}\n@inproceedings{d,\n  title = {D},\n"
        "  booktitle = {Proceedings of the 28th International Conference on Intelligent User "
        "Interfaces},\n  year = {2023}\n}\n@misc{e,\n  title = {E},\n  howpublished = "
        "{GitHub repository},\n  year = {2023}\n}\n@misc{f,\n  title = {F},\n  howpublished "
        "= {\\url{https://example.org/f}},\n  year = {2023}\n}\n", encoding="utf-8")
    library = llm4anno_bib.load(path)
    # a @misc's howpublished is its venue, as BibTeX prints it; a link alone is none
    assert dict(library.stats().by_venue) == {"arXiv": 3, "IUI": 1, "GitHub repository": 1,
                                              "(no venue)": 1}
    shown = CliRunner().invoke(app, ["list", "--library", str(path)]).stdout
    assert [line.split()[2] for line in shown.splitlines()[:4]] == ["arXiv"] * 3 + ["IUI"]
    assert library.filter(venue="IUI").keys() == ["d"]
    assert library.filter(venue="arXiv").keys() == ["a", "b", "c"]


def test_a_venue_abbreviated_word_by_word_is_counted_and_found_as_its_venue(tmp_path):
    """``booktitle = {Adv. Neural Inf. Process. Syst.}`` (ISO 4, as abbreviating styles
    write it) was shown, counted and searched as its text: ``--venue NeurIPS`` missed it."""
    path = tmp_path / "refs.bib"
    path.write_text(
        "@inproceedings{a,\n  title = {A},\n  booktitle = {Adv. Neural Inf. Process. Syst.},\n"
        "  year = {2022}\n}\n@inproceedings{b,\n  title = {B},\n  booktitle = {Advances in "
        "Neural Information Processing Systems},\n  year = {2022}\n}\n@inproceedings{c,\n"
        "  title = {C},\n  booktitle = {Proc. Int. Conf. Mach. Learn.},\n  year = {2022}\n}\n",
        encoding="utf-8")
    library = llm4anno_bib.load(path)
    assert dict(library.stats().by_venue) == {"NeurIPS": 2, "ICML": 1}
    assert library.filter(venue="NeurIPS").keys() == ["a", "b"]
    shown = CliRunner().invoke(app, ["list", "--library", str(path), "--venue", "ICML"]).stdout
    assert [line.split()[:3] for line in shown.splitlines()] == [["c", "2022", "ICML"]]


@pytest.mark.parametrize(("written", "year"), [
    ("2020", 2020), ("{2020}", 2020), ("2020--2021", 2020), ("May 2020", 2020),
    ("2020a", 2020), ("99999", None), ("1", None), ("20x0", None), ("202", None)])
def test_a_year_is_four_digits_standing_alone(written, year):
    """A year is four digits that are no part of a longer number: "99999" is no year
    (it was read as 9999), "2020--2021" is 2020."""
    from llm4anno_bib.model import Entry

    assert Entry.from_fields("k", "misc", {"title": "T", "year": written}).year == year


def test_a_work_in_two_top_sections_is_stacked_under_the_first():
    library = llm4anno_bib.load()
    tops = [c.slug for c in library.tree if c.depth == 0]
    under: dict[str, list[str]] = {}
    for category in library.categories():
        top = category.slug if category.depth == 0 else None
        parent = category.parent
        while top is None:
            owner = next(c for c in library.tree if c.slug == parent)
            top, parent = (owner.slug, None) if owner.depth == 0 else (None, owner.parent)
        for key in category.keys:
            under.setdefault(key, []).append(top)
    shared = [k for k, t in under.items() if len(set(t)) > 1]
    expected = Counter()
    for entry in library:
        first = sorted(set(under.get(entry.key, [""])), key=lambda s: (tops + [""]).index(s))[0]
        expected[(entry.year, first)] += 1
    found = Counter({(y, s): n for y, parts in library.stats().by_year_and_top for s, n in parts})
    assert found == expected
    assert shared, "the shipped library has works in two top-level sections"


def test_the_stats_table_names_every_category_year_and_venue():
    library = llm4anno_bib.load()
    table = library.stats().table()
    for category in library.categories():
        assert re.search(rf"^ +{re.escape(category.heading)} +{category.count}$", table, re.M)
    for year, count in library.stats().by_year:
        assert re.search(rf"^  {year} +{count}$", table, re.M)
    assert re.search(r"^  arXiv +\d+$", table, re.M)


def test_the_stats_of_a_bib_of_your_own_have_no_empty_category_table(tmp_path):
    """A .bib with no categories printed the heading of a category table with nothing
    under it; its stats are its works, years and venues."""
    path = tmp_path / "refs.bib"
    path.write_text("@article{a,\n  title = {T},\n  author = {Doe, Jane},\n  journal = {J},"
                    "\n  year = {2020},\n}\n", encoding="utf-8")
    table = llm4anno_bib.load(path).stats().table()
    assert "By category" not in table
    assert table.startswith("Works: 1\n\nBy year:\n  2020     1\n")


@pytest.mark.slow
def test_stats_command_with_filters_and_plot(tmp_path):
    done = runner.invoke(app, ["stats", "--category", "Surveys"])
    assert done.exit_code == 0 and "Works: 5" in done.stdout
    png, svg = tmp_path / "overview.png", tmp_path / "overview.svg"
    assert runner.invoke(app, ["stats", "--plot", str(png)]).exit_code == 0
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert runner.invoke(app, ["stats", "--plot", str(svg)]).exit_code == 0
    first = svg.read_bytes()
    assert b"<svg" in first and b"2023" in first and b"Surveys" in first
    assert runner.invoke(app, ["stats", "--plot", str(svg)]).exit_code == 0
    assert svg.read_bytes() == first  # deterministic: no date, fixed ids
    bad = runner.invoke(app, ["stats", "--plot", str(tmp_path / "overview.pdf")])
    assert bad.exit_code == 2 and ".png or .svg" in bad.stderr
    assert not (tmp_path / "overview.pdf").exists()
    assert runner.invoke(app, ["stats", "--plot", str(tmp_path / "new" / "o.png")]).exit_code == 0
    assert (tmp_path / "new" / "o.png").is_file()  # a missing folder is made
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    under_a_file = runner.invoke(app, ["stats", "--plot", str(tmp_path / "a-file" / "o.png")])
    assert under_a_file.exit_code == 2 and "nothing was written" in under_a_file.stderr


@pytest.mark.slow
def test_plot_without_matplotlib_says_how_to_install_it(tmp_path):
    code = ("import sys; sys.modules['matplotlib'] = None\n"
            "import llm4anno_bib\nfrom llm4anno_bib.plotting import plot_overview\n"
            "try:\n    plot_overview(llm4anno_bib.load().stats(), sys.argv[1])\n"
            "except llm4anno_bib.Llm4AnnoBibError as e:\n    print('ERROR', e)\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "o.png")],
                          capture_output=True, text=True, timeout=60)
    assert "ERROR" in done.stdout and "llm4anno-bib[plot]" in done.stdout
    assert not (tmp_path / "o.png").exists()


# -- the chart -----------------------------------------------------------------------------
def test_chart_bars_are_as_tall_as_their_counts():
    from llm4anno_bib.exports.html_page import overview_chart

    stats = llm4anno_bib.load().stats()
    chart = overview_chart(stats)
    plot_height = chart["bottom"] - chart["top"]
    top_tick = max(t["value"] for t in chart["ticks"])
    assert top_tick >= max(n for _y, n in stats.by_year)
    for bar, (year, total) in zip(chart["bars"], stats.by_year):
        assert bar["year"] == year and bar["total"] == total
        height = sum(p["height"] for p in bar["parts"])
        assert height == pytest.approx(plot_height * total / top_tick, abs=0.5)
        # parts are stacked without gaps from the baseline up
        assert bar["parts"][0]["y"] + bar["parts"][0]["height"] == pytest.approx(chart["bottom"],
                                                                                 abs=0.2)


# -- the page as text ----------------------------------------------------------------------
def _inline(page: str, tag: str) -> str:
    return re.search(rf"<{tag}>(.*?)</{tag}>", page, re.S).group(1)


def test_the_page_loads_nothing_and_allows_only_its_own_blocks():
    page = llm4anno_bib.load().to_html()
    assert not re.search(r"<(script|img|iframe|link|object|embed)\b[^>]*\b(src|href)=", page)
    assert "@import" not in page and "url(" not in _inline(page, "style")
    assert page.count("<script") == 1 and page.count("<style") == 1
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    for tag, directive in (("style", "style-src"), ("script", "script-src")):
        digest = base64.b64encode(hashlib.sha256(_inline(page, tag).encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy


def test_every_text_on_the_page_is_escaped_and_only_web_links_are_links():
    page = hostile_library().to_html()
    assert page.count("<script") == 1  # only the page's own
    assert "&lt;script&gt;window.hacked = 1&lt;/script&gt;" in page
    assert "<img src=x" not in page and "<iframe" not in page and "</pre><b>" not in page
    assert 'href="javascript:' not in page.lower()
    assert 'href="https://ok.example/x"' in page


def test_the_page_has_every_section_and_every_work_with_its_exact_bibtex():
    library = llm4anno_bib.load()
    page = library.to_html()
    text = (ROOT / "library.bib").read_text(encoding="utf-8")
    from html import unescape

    blocks = [unescape(b) for b in re.findall(r'<pre class="bibtex">(.*?)</pre>', page, re.S)]
    for entry in library:
        exact = re.search(rf"^@\w+\{{{re.escape(entry.key)},\n.*?^\}}$", text, re.S | re.M)
        assert exact.group(0) in blocks, entry.key
    for category in library.categories():
        assert f'id="c-{category.slug}"' in page
        assert f'<a href="#c-{category.slug}"><span>{category.heading}</span> ' \
               f'<span class="count" data-count="{category.count}">' in page


@pytest.mark.slow
def test_the_page_is_the_same_bytes_every_time_and_through_the_cli(tmp_path):
    library = llm4anno_bib.load()
    assert library.to_html() == library.to_html()
    out = tmp_path / "site" / "index.html"  # the folder does not exist yet: it is made
    done = runner.invoke(app, ["export", "--format", "html", "-o", str(out)])
    assert done.exit_code == 0 and out.read_text(encoding="utf-8") == library.to_html()
    real = subprocess.run([sys.executable, "-m", "llm4anno_bib", "export", "-f", "html",
                           "--category", "Surveys"], capture_output=True, text=True, timeout=60)
    assert real.returncode == 0 and real.stdout == library.filter(category="Surveys").to_html()
    assert real.stdout.count('<li class="work"') == 5
    # a page of some works shows only the sections that hold them; the whole shows every one
    assert 'id="c-surveys"' in real.stdout and 'id="c-instruction-tuning-it"' not in real.stdout
    assert 'id="c-instruction-tuning-it"' in library.to_html()


def test_a_plain_bib_without_sections_lists_every_work(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text("".join(f"@misc{{k{n},\n  title = {{Work {n}}},\n  year = {{202{n}}},\n}}\n"
                            for n in range(3)), encoding="utf-8")
    library = llm4anno_bib.load(path)
    page = library.to_html()
    assert page.count('<li class="work"') == 3 and 'href="#c-all-works"' in page
    assert library.stats().works == 3 and "Works: 3" in library.stats().table()


def test_the_page_counts_works_as_the_cli_and_stats_do(library):
    page = library.to_html()
    assert f"<p>{len(library)} works in " in page
    assert library.stats().works == len(library)


@pytest.mark.slow
def test_a_written_file_follows_the_umask(tmp_path, library):
    import os
    import stat as stat_module

    pytest.importorskip("matplotlib", reason="matplotlib is the optional 'plot' extra")
    old = os.umask(0o027)
    try:
        plot = tmp_path / "overview.svg"
        from llm4anno_bib.plotting import plot_overview

        plot_overview(library.stats(), plot)
        page = tmp_path / "page.html"
        from llm4anno_bib.files import write_file

        write_file(page, b"<p>x</p>")
    finally:
        os.umask(old)
    for path in (plot, page):
        assert stat_module.S_IMODE(path.stat().st_mode) == 0o640, path


def test_plotting_leaves_matplotlibs_backend_as_it_was(tmp_path, library):
    """A notebook's inline plots keep working after stats --plot's twin has drawn."""
    matplotlib = pytest.importorskip("matplotlib", reason="matplotlib is the 'plot' extra")
    from llm4anno_bib.plotting import plot_overview

    before = matplotlib.get_backend()
    matplotlib.use("svg")  # not Agg, which the old code switched to for good
    try:
        plot_overview(library.stats(), tmp_path / "overview.png")
        assert matplotlib.get_backend() == "svg"
    finally:
        matplotlib.use(before)
