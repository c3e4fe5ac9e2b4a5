"""verify: a bibliography written from library entries with planted errors; each is found,
and only those; --fix writes a corrected copy and leaves the input alone."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from llm4anno_bib._json import unsealed
import llm4anno_bib
from llm4anno_bib.cli import app
from llm4anno_bib.errors import BibSyntaxError
from llm4anno_bib.lookup import FINDING_KINDS
from llm4anno_bib.verifying import fix_bibliography, verify_text

from conftest import SHARED

runner = CliRunner()


def _entry_text(text: str, key: str) -> str:
    """The block of ``key`` in ``text``, up to the next entry."""
    start = text.index("{" + key + ",")
    following = text.find("\n@", start)
    return text[start:following if following != -1 else len(text)]


def _planted(library) -> tuple[str, dict[str, set[str]]]:
    """A .bib of library entries under the user's own keys, four with a planted error, and
    the findings each entry must get."""
    wei = library["wei2022chain"].bibtex.replace("{wei2022chain,", "{Wei2022CoT,").replace(
        "{Jason Wei and Xuezhi Wang", "{Xuezhi Wang and Jason Wei")  # author order
    kojima = library["kojima2022large"].bibtex.replace("{kojima2022large,", "{kojima,") \
        .replace("year = {2022}", "year = {2021}")  # wrong year
    t0 = library["sanh2022multitask"]
    preprint = ("@article{sanh2021multitask,\n  title = {" + t0.fields["title"] + "},\n"
                "  author = {" + t0.fields["author"] + "},\n  journal = {arXiv preprint "
                "arXiv:2110.08207},\n  year = {2021},\n  note = {my reading notes},\n"
                "  doi = {10.48550/arXiv.2110.08207},\n}\n")
    rationale = library["wang2022rationale"]
    wrong_id = ("@misc{rationale,\n  title = {" + rationale.fields["title"] + "},\n  author = {"
                + rationale.fields["author"] + "},\n  year = {2022},\n  eprint = {2210.03493},\n"
                "  archiveprefix = {arXiv},\n}\n")  # the arXiv id of Auto-CoT
    untouched = [library[k].bibtex for k in ("dong2023raft", "petroni2019language",
                                             "lou2024large")]
    foreign = ("@book{knuth1968,\n  title = {The Art of Computer Programming},\n"
               "  author = {Knuth, Donald E.},\n  publisher = {Addison-Wesley},\n"
               "  year = {1968},\n}\n")
    text = "% my paper's references\n@string{nips = {NeurIPS}}\n\n" + "\n".join(
        [wei, kojima, preprint, wrong_id, *untouched, foreign])
    expected = {"Wei2022CoT": {"author"}, "kojima": {"year"}, "sanh2021multitask": {"published"},
                "rationale": {"eprint"}, "dong2023raft": set(), "petroni2019language": set(),
                "lou2024large": set()}
    return text, expected


def test_each_planted_error_is_found_and_only_those(library):
    text, expected = _planted(library)
    report = verify_text(text, library, "refs.bib")
    found = {e.key: {f.field for f in e.findings} for e in report.entries if e.status != "not-checked"}
    assert found == expected
    assert [e.key for e in report.not_checked] == ["knuth1968"]
    by_key = {e.key: e for e in report.entries}
    assert by_key["Wei2022CoT"].matched == "wei2022chain"
    assert by_key["Wei2022CoT"].findings[0].message == "the authors' order differs"
    assert by_key["rationale"].findings[0].message == \
        "2210.03493 is the arXiv id of 'Automatic Chain of Thought Prompting in Large Language " \
        "Models' (zhang2023automatic)"
    assert report.exit_code == 1


def test_a_like_title_of_another_work_is_no_match_but_a_typo_is(library):
    """A library that lacks the user's work often holds one with a like title: a near title
    is that work only when the first authors agree (else a valid entry would be flagged)."""
    wei = library["wei2022chain"]
    typo = wei.bibtex.replace("{wei2022chain,", "{mine,").replace(
        "Chain-of-Thought Prompting Elicits", "Chain-of-Thought Prompting Elicit")
    other = ("@inproceedings{zhou2023least,\n  title = {Chain-of-Thought Prompting Elicits "
             "Reasoning in Large Language Models Quickly},\n  author = {Zhou, Denny and Wei, "
             "Jason},\n  year = {2023},\n}\n")
    report = verify_text(typo + "\n" + other, library, "refs.bib")
    by_key = {e.key: e for e in report.entries}
    assert by_key["mine"].matched == "wei2022chain"  # the same first author: a typo, said
    assert [f.kind for f in by_key["mine"].findings] == ["title-differs"]
    assert by_key["zhou2023least"].status == "not-checked"  # another work: no alarm
    assert by_key["zhou2023least"].matched is None


def test_fix_writes_a_corrected_copy_that_verifies_clean(library):
    text, _expected = _planted(library)
    report = verify_text(text, library)
    fixed = fix_bibliography(text, report, library)
    again = verify_text(fixed, library)
    assert again.disagreeing == () and again.exit_code == 0
    assert [e.key for e in again.entries] == [e.key for e in report.entries]  # keys kept
    assert fixed.startswith("% my paper's references\n@string{nips = {NeurIPS}}\n")
    for key in ("dong2023raft", "petroni2019language", "lou2024large", "knuth1968"):
        block = library[key].bibtex if key in library else text[text.index("@book{knuth1968"):]
        assert block in fixed  # untouched entries, byte for byte
    published = fixed[fixed.index("@inproceedings{sanh2021multitask,"):]
    assert "note = {my reading notes}" in published.split("\n}")[0]  # the user's field stays
    assert "arXiv preprint" not in published.split("\n}")[0]
    assert "10.48550" not in published.split("\n}")[0]  # the preprint's DOI is not the work's


def test_an_agreeing_bibliography_exits_0(library):
    text = library.filter(category="surveys").to_bibtex()
    report = verify_text(text, library)
    assert report.exit_code == 0 and len(report.entries) == 5 and not report.not_checked


def test_cli_verify_text_json_fix_and_exit_codes(tmp_path, library):
    text, expected = _planted(library)
    refs = tmp_path / "refs.bib"
    refs.write_text(text, encoding="utf-8")
    before = refs.read_bytes()
    shown = runner.invoke(app, ["verify", str(refs)])
    assert shown.exit_code == 1
    assert f"{refs}:" in shown.stdout and "Wei2022CoT = wei2022chain (matched by title)" in \
        shown.stdout
    assert "not checked (1, not in the library): knuth1968" in shown.stdout
    as_json = json.loads(runner.invoke(app, ["verify", str(refs), "--format", "json"]).stdout)
    statuses = {e["key"]: e["status"] for e in as_json["entries"]}
    assert as_json["summary"] == {"agrees": len(statuses) - 5, "disagrees": 4,
                                  "not-found": 0, "not-checked": 1}
    assert statuses["knuth1968"] == "not-checked"
    first = next(e for e in as_json["entries"] if e["key"] == "Wei2022CoT")
    assert first["matched"] == {"source": "library", "id": "wei2022chain",
                                "url": library["wei2022chain"].url}
    assert {f["kind"] for e in as_json["entries"] for f in e["findings"]} <= \
        set(FINDING_KINDS)
    fixed = tmp_path / "fixed.bib"
    wrote = runner.invoke(app, ["verify", str(refs), "--fix", "-o", str(fixed)])
    assert wrote.exit_code == 1 and refs.read_bytes() == before
    # the keys the fix rewrote are in the JSON report too (a CI job reads them there)
    fixed_json = json.loads(runner.invoke(app, ["verify", str(refs), "--fix", "-o", str(fixed),
                                                "--format", "json"]).stdout)
    rewritten = {key for key in statuses
                 if _entry_text(text, key) != _entry_text(fixed.read_text(encoding="utf-8"), key)}
    assert fixed_json["corrected"] and set(fixed_json["corrected"]) == rewritten
    assert f"({len(rewritten)} entries corrected)" in wrote.stderr
    assert runner.invoke(app, ["verify", str(fixed)]).exit_code == 0
    same = runner.invoke(app, ["verify", str(refs), "--fix", "-o", str(refs)])
    assert same.exit_code == 2 and refs.read_bytes() == before
    assert runner.invoke(app, ["verify", str(tmp_path / "none.bib")]).exit_code == 2


def test_unreadable_input_is_a_clear_error(tmp_path, library):
    """A block that cannot be read is that block's problem, as BibTeX goes on past it: it is
    named with its line and the entries around it are checked; a corrected copy of such a
    file is refused (it would carry the broken block on); a file that cannot be read at all
    is an error."""
    broken = tmp_path / "broken.bib"
    broken.write_text("@misc{before, title = {Chain-of-Thought Prompting Elicits Reasoning in "
                      "Large Language Models}, year = 2022}\n\n@article{a,\n  title = "
                      "{Foo {bar},\n}\n\n@misc{b, title={x}}\n", encoding="utf-8")
    report = llm4anno_bib.verify(broken)
    assert [(e.line, e.path) for e in report.unreadable] == [(3, str(broken))]
    assert "cannot be parsed" in report.unreadable[0].message
    assert [e.key for e in report.entries] == ["before", "b"]
    assert report.entries[0].matched == "wei2022chain" and report.exit_code == 2
    with pytest.raises(BibSyntaxError, match="cannot be parsed") as error:
        llm4anno_bib.verify(broken, fix_to=tmp_path / "fixed.bib")
    assert error.value.line == 3 and not (tmp_path / "fixed.bib").exists()
    latin = tmp_path / "latin.bib"
    latin.write_bytes(b"@misc{a,\n  title = {Sch\xfctze},\n}\n")
    with pytest.raises(BibSyntaxError, match="not UTF-8"):
        llm4anno_bib.verify(latin)
    assert llm4anno_bib.verify(latin, encoding="latin-1").not_checked[0].key == "a"


def test_blocks_that_run_into_each_other_are_each_named_and_nothing_else_breaks(tmp_path):
    """A block bibtexparser cannot read may run into the next one's text ("@a{@a{..."):
    reading on past them must not look for one block's text after the other's."""
    path = tmp_path / "openings.bib"
    path.write_bytes(b"@a{" * 2_000 + b"\n@misc{last, title = {T}}\n")
    report = llm4anno_bib.verify(path)
    assert len(report.unreadable) == 2_000 and report.exit_code == 2
    assert {e.line for e in report.unreadable} == {1, 2}  # (the last stops on line 2)
    assert [e.key for e in report.entries] == ["last"]  # the entry after them is read


def test_the_cli_names_an_unreadable_block_and_goes_on_to_the_next_file(tmp_path):
    broken, binary, good = tmp_path / "broken.bib", tmp_path / "binary.bib", tmp_path / "g.bib"
    broken.write_text("@article{a,\n  title = {Foo {bar},\n}\n\n@misc{b, title={x}}\n",
                      encoding="utf-8")
    binary.write_bytes(b"@misc{a, title = {x\x00}}\n")
    good.write_text("@misc{c, title={y}}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["verify", str(broken), str(binary), str(good)])
    assert result.exit_code == 2, result.output
    assert f"llm4anno-bib: {broken}:1: this block cannot be parsed" in result.stderr
    assert f"{broken}: 1 entry: 0 disagree, 0 agree, 1 not checked; 1 block could not be " \
           "read" in result.stderr
    assert f"llm4anno-bib: {binary}" in result.stderr and "NUL byte" in result.stderr
    assert f"{good}: 1 entry: 0 disagree, 0 agree, 1 not checked" in result.stderr  # reached
    as_json = CliRunner().invoke(app, ["verify", str(broken), str(binary), str(good), "-f",
                                       "json"])
    reports = json.loads(as_json.stdout)  # several files: one document, a list
    assert [r["path"] for r in reports] == [str(broken), str(good)] and as_json.exit_code == 2
    assert reports[0]["unreadable"][0]["line"] == 1 and reports[1]["unreadable"] == []
    github = CliRunner().invoke(app, ["verify", str(broken), "-f", "github"])
    assert github.exit_code == 2 and github.stdout.startswith(
        f"::error file={broken},line=1,title=llm4anno-bib verify (unreadable)::this block "
        "cannot be parsed")


@pytest.mark.skipif(not (SHARED / "corpus" / "bib").is_dir(), reason="no corpus in ../shared")
def test_real_bibliographies_are_verified_without_crashing():
    for path in sorted((SHARED / "corpus" / "bib").glob("*.bib")):
        encoding = "mac-roman" if "macroman" in path.name else None
        try:
            report = llm4anno_bib.verify(path, encoding=encoding)
        except BibSyntaxError as error:  # a file broken beyond reading names the place
            assert error.line is not None
            continue
        assert len(report.entries) > 0


@pytest.mark.slow
def test_verify_as_a_real_process(tmp_path, library):
    (tmp_path / "refs.bib").write_text(library["wei2022chain"].bibtex, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "llm4anno_bib", "verify", "refs.bib"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "1 agree" in done.stderr


def test_fix_writes_months_as_macros(library):
    """A braced {jul} is printed as "jul"; the macro jul as "July"."""
    entry = library["wang2023scott"]
    assert entry.fields["month"] == "jul"
    text = entry.bibtex.replace("year = {2023}", "year = {2022}")  # a disagreement to fix
    fixed = fix_bibliography(text, verify_text(text, library), library)
    assert "month = jul," in fixed and "{jul}" not in fixed
    preprint = ("@article{sanh2021multitask,\n  title = {"
                + library["sanh2022multitask"].fields["title"] + "},\n  author = {"
                + library["sanh2022multitask"].fields["author"] + "},\n  journal = {arXiv "
                "preprint arXiv:2110.08207},\n  year = {2021},\n}\n")
    upgraded = fix_bibliography(preprint, verify_text(preprint, library), library)
    month = library["sanh2022multitask"].fields.get("month")
    assert month is None or f"month = {month}," in upgraded


def test_the_title_index_finds_what_a_scan_of_every_title_finds(library):
    from rapidfuzz import fuzz, process

    from llm4anno_bib._text import normalise_title
    from llm4anno_bib._text import TITLE_THRESHOLD
    from llm4anno_bib.enrich import normalised_title_score
    from llm4anno_bib.verifying import _Matcher

    matcher = _Matcher(library)
    titles = {e.key: normalise_title(e.title) for e in library}

    def scanned(title: str):
        wanted = normalise_title(title)
        exact = next((k for k, t in titles.items() if t == wanted), None)
        if exact is not None:
            return exact
        found = process.extractOne(wanted, titles, scorer=fuzz.ratio,
                                   score_cutoff=TITLE_THRESHOLD)
        if found is not None:
            return found[2]
        return next((k for k, t in titles.items() if normalised_title_score(wanted, t) >= 100),
                    None)

    asked = []
    for entry in library:
        words = entry.title.split()
        asked += [" ".join(words[:-2]), " ".join(words[1:]), entry.title + " and Beyond Them",
                  "A Study of " + entry.title + " Revisited", " ".join(words[:4]),
                  entry.title[:-3] + "xyz", entry.title[2:] + " Extended"]
    for title in asked:
        ours = matcher.by_title(title)
        assert (ours.key if ours else None) == scanned(title), title


def test_near_titles_of_equal_score_go_to_the_first_in_library_order():
    """Two titles in different length windows score alike (ratio 90: 10 characters fewer,
    10 more plus one changed); the library's first is the match, as a scan of all gives."""
    from rapidfuzz import fuzz

    from llm4anno_bib.model import Entry, Library
    from llm4anno_bib.verifying import _Matcher

    asked = "alpha beta gamma delta epsilon zeta eta theta iota"  # 50 characters, then 55
    asked += " kapp"
    shorter = asked[:45]  # 10 deleted
    longer = asked[:-1] + "q" + "lambda muu"  # 1 changed, 10 inserted
    assert fuzz.ratio(asked, shorter) == fuzz.ratio(asked, longer) == 90
    for first, second in ((longer, shorter), (shorter, longer)):
        library = Library([Entry.from_fields("first", "misc", {"title": first}),
                           Entry.from_fields("second", "misc", {"title": second})])
        found = _Matcher(library).by_title(asked)
        assert found is not None and found.key == "first"


def _reference_title_match(matcher, theirs, known):
    """What ``_match`` took by title before the near titles were searched by author:
    ``by_title`` over every title, then accepted when the same title or the first authors
    agree."""
    from llm4anno_bib._text import normalise_title
    from llm4anno_bib.verifying import _families

    def first_authors_agree(ours):
        their_families, our_families = _families(theirs.bib_authors, known, {}), \
            _families(ours.bib_authors, known, {})
        if their_families and our_families:
            return their_families[0] == our_families[0]
        return theirs.year is None or ours.year is None or theirs.year == ours.year

    ours = matcher.by_title(theirs.title)
    if ours is not None and (normalise_title(ours.title) == normalise_title(theirs.title)
                             or first_authors_agree(ours)):
        return ours
    return None


def test_the_title_match_searched_by_author_is_the_match_of_a_search_of_all(library):
    """Near titles are searched among those whose first author agrees, the whole library
    asked only to rule out a better title of another author: the same matches as taking
    the best of all titles and then checking its authors, for near, held and holding titles
    with the same, another or no first author and year."""
    from llm4anno_bib.model import Entry
    from llm4anno_bib.verifying import _Matcher

    matcher = _Matcher(library)
    known = matcher.known
    probes = []
    for entry in list(library)[::3]:
        words = entry.title.split()
        authors = entry.fields.get("author", "")
        for title in (entry.title, entry.title[:-3] + "xyz", " ".join(words[:-2]),
                      "A Study of " + entry.title, entry.title[1:] + " Extended Again"):
            for author in (authors, "Zed Nobody and " + authors, ""):
                for year in (str(entry.year), "1999", ""):
                    fields = {"title": title, "author": author, "year": year}
                    probes.append(Entry.from_fields("probe", "misc",
                                                    {k: v for k, v in fields.items() if v}))
    assert len(probes) > 1000
    for probe in probes:
        ours, reference = matcher.title_match(probe, known), \
            _reference_title_match(matcher, probe, known)
        assert (ours.key if ours else None) == (reference.key if reference else None), \
            (probe.fields, ours, reference)


def test_a_better_title_of_another_author_rules_out_a_near_one_of_the_same_author():
    """The best near title is another author's: no match, though a title of the entry's
    own first author is near too (as taking the best of all, then checking authors, gives);
    and a title held within by one author is no match where another's is near."""
    from llm4anno_bib.model import Entry, Library
    from llm4anno_bib.verifying import _Matcher

    asked = "learning energy based models by diffusion recovery likelihood at scale"
    better = asked.replace("at scale", "at scales")  # another author's, nearer
    worse = asked.replace("at scale", "in practice")  # the same author's, near enough
    others = [Entry.from_fields(f"filler{n}", "misc", {"title": f"Unrelated work number {n}",
                                                       "author": f"Writer, Number{n}"})
              for n in range(10)]  # the same author's titles are then a few of many
    same = Entry.from_fields("same", "misc", {"title": worse, "author": "Smith, Ann"})
    library = Library([Entry.from_fields("other", "misc", {"title": better,
                                                           "author": "Gao, Ruiqi"}),
                       same, *others])
    matcher = _Matcher(library)
    theirs = Entry.from_fields("t", "misc", {"title": asked, "author": "Ann Smith"})
    assert matcher.by_title(asked).key == "other"
    assert matcher._agreeing("smith", None) == [1]  # searched by author, not the whole
    assert matcher.title_match(theirs, matcher.known) is None
    alone = _Matcher(Library([same, *others]))
    assert alone.title_match(theirs, alone.known).key == "same"


def test_a_second_verify_builds_only_the_entries_it_matched(tmp_path, monkeypatch, library):
    """The matcher's tables are kept beside a library exactly as read: verifying against it
    again builds the matched entries only, and gives the same report; damaged tables are
    made again; a selection of it has its own (an entry outside it is not checked)."""
    from llm4anno_bib import _libcache
    from llm4anno_bib.verifying import _tables_kind, verify_text

    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "library.bib"
    library.save(path)
    text = library["wei2022chain"].bibtex + "\n" + library["kojima2022large"].bibtex.replace(
        "year = {2022}", "year = {2021}") + "\n@misc{mine,\n  title = {Nothing Like It},\n}\n"
    first = verify_text(text, llm4anno_bib.load(path))
    assert [e.status for e in first.entries] == ["agrees", "disagrees", "not-checked"]
    built = []
    real_entry = _libcache._entry
    monkeypatch.setattr(_libcache, "_entry", lambda row: built.append(row[0]) or real_entry(row))
    again = verify_text(text, llm4anno_bib.load(path))
    assert again == first and sorted(built) == ["kojima2022large", "wei2022chain"]
    kept = _libcache._cache_file(_libcache.content_digest(path.read_bytes()), _tables_kind())
    kept.write_text('{"titles": ["only one"], "ids": [], "first": [""], "years": [null], '
                    '"splits": []}', encoding="utf-8")
    assert verify_text(text, llm4anno_bib.load(path)) == first
    assert len(unsealed(kept.read_text(encoding="utf-8"))["titles"]) == len(library)
    chosen = llm4anno_bib.load(path).filter(category="chain-of-thought-prompting-cot")
    assert chosen.file_digest is None and "wei2022chain" in chosen
    outside = next(e for e in library if e.key not in chosen)
    assert verify_text(outside.bibtex, chosen).entries[0].status == "not-checked"


def test_fix_keeps_the_users_case_protection_and_layout(tmp_path):
    """A preprint cited for a published work becomes the published entry, but the user's
    title ({{Chain-of-Thought}}: their case protection) and author writing stay, and the
    entry keeps its own layout (issue 27: --fix dropped {{TrustLLM}} to plain case)."""
    refs = tmp_path / "refs.bib"
    refs.write_text("@article{cot,\n\ttitle = {{{Chain-of-Thought}} Prompting Elicits Reasoning "
                    "in Large Language Models},\n\tauthor = {Wei, Jason and Wang, Xuezhi and "
                    "Schuurmans, Dale and Bosma, Maarten and Ichter, Brian and Xia, Fei and Chi,"
                    " Ed and Le, Quoc and Zhou, Denny},\n\tjournal = {arXiv preprint "
                    "arXiv:2201.11903},\n\tyear = {2022},\n}\n", encoding="utf-8")
    fixed = tmp_path / "fixed.bib"
    report = llm4anno_bib.verify(refs, fix_to=fixed)
    assert [f.kind for f in report.entries[0].findings] == ["preprint-of-published"]
    text = fixed.read_text(encoding="utf-8")
    assert text.startswith("@inproceedings{cot,\n\ttitle = {{{Chain-of-Thought}} Prompting "
                           "Elicits Reasoning in Large Language Models},\n\tauthor = {Wei, Jason"
                           " and Wang, Xuezhi")
    assert "journal" not in text and "\n\tbooktitle = {" in text
    assert llm4anno_bib.verify(fixed).entries[0].status == "agrees"


def _crossref_pair(parent_title: str) -> str:
    """A DBLP export "with crossref": the paper names its venue only through its parent."""
    return ("@inproceedings{DBLP:conf/nips/WeiCoT22,\n"
            "  author    = {Jason Wei and Xuezhi Wang and Dale Schuurmans and Maarten Bosma and\n"
            "               Brian Ichter and Fei Xia and Ed H. Chi and Quoc V. Le and Denny Zhou},\n"
            "  title     = {Chain-of-Thought Prompting Elicits Reasoning in Large Language Models},\n"
            "  crossref  = {DBLP:conf/x/2022},\n}\n\n"
            "@proceedings{DBLP:conf/x/2022,\n  editor = {Sanmi Koyejo},\n"
            f"  title = {{{parent_title}}},\n  publisher = {{Curran}},\n  year = {{2022}},\n"
            "  doi = {10.5555/3600270},\n}\n")


def test_a_paper_is_compared_on_the_venue_its_crossref_parent_gives(library):
    wrong = verify_text(_crossref_pair("Proceedings of the 39th International Conference on "
                                       "Machine Learning, {ICML} 2022"), library, "refs.bib")
    paper = wrong.entries[0]
    assert paper.status == "disagrees"
    assert [f.kind for f in paper.findings] == ["venue-differs"]
    right = verify_text(_crossref_pair("Advances in Neural Information Processing Systems 35: "
                                       "Annual Conference on Neural Information Processing "
                                       "Systems 2022, NeurIPS 2022"), library, "refs.bib")
    # the parent's DOI is the proceedings', never compared with the paper's
    assert right.entries[0].status == "agrees" and right.entries[0].findings == ()


def test_a_library_comparison_names_the_missing_and_extra_authors(library):
    wei = library["wei2022chain"].bibtex.replace(
        "Jason Wei and Xuezhi Wang and Dale Schuurmans", "Jason Wei and Jane Q. Doe")
    finding, = verify_text(wei, library, "refs.bib").entries[0].findings
    assert finding.kind == "authors-differ"
    assert "missing Xuezhi Wang, Dale Schuurmans" in finding.message
    assert "not authors: Jane Q. Doe" in finding.message


def test_an_entry_the_library_lacks_says_why_in_every_format(tmp_path, library):
    path = tmp_path / "refs.bib"
    path.write_text("@book{knuth1968,\n  title = {The Art of Computer Programming},\n"
                    "  author = {Knuth,\n     Donald E.},\n  year = {1968},\n}\n" +
                    library["wei2022chain"].bibtex.replace(
                        "Jason Wei and Xuezhi Wang", "Jason Wei and\n    Xuezhi Wang").replace(
                        "and Denny Zhou", ""), encoding="utf-8")
    report = llm4anno_bib.verify(path, library)
    assert report.not_checked[0].reason == "not in the library"
    data = json.loads(runner.invoke(app, ["verify", str(path), "-f", "json"]).stdout)
    assert data["entries"][0]["reason"] == "not in the library"
    text = runner.invoke(app, ["verify", str(path)]).stdout
    assert "not checked (1, not in the library): knuth1968" in text
    # a value written over lines is shown as BibTeX reads it: one line
    assert "    yours: Jason Wei and Xuezhi Wang and Dale Schuurmans" in text
    assert "missing Denny Zhou" in text


@pytest.mark.parametrize("venue, kinds", [
    # the library's venue in other spellings: one venue
    ("booktitle = {Proc. of {NeurIPS}}", []),
    ("booktitle = {NeurIPS 2022}", []),
    ("booktitle = {Advances in Neural Information Processing Systems}", []),
    # another real venue, a journal, an invented one
    ("booktitle = {Proceedings of the 39th International Conference on Machine Learning}",
     ["venue-differs"]),
    ("journaltitle = {Transactions on Machine Learning Research}", ["venue-differs"]),
    ("booktitle = {International Workshop on Imaginary Reasoning Systems}", ["venue-unknown"]),
])
def test_a_library_comparison_reads_venues_as_the_lookup_does(library, venue, kinds):
    """The library's venue is compared by the venue table, as a source's record is: an
    acronym table alone let an ICML or TMLR citation of a NeurIPS paper agree."""
    entry = library["wei2022chain"].bibtex
    start = entry.index("  booktitle = ")
    cited = entry[:start] + "  " + venue + ",\n" + entry[entry.index("\n", start) + 1:]
    found = verify_text(cited, library, "refs.bib").entries[0].findings
    assert [f.kind for f in found] == kinds
    if kinds:
        assert "NeurIPS 2022" in found[0].message


def test_fix_of_a_wrong_venue_cites_the_librarys_kind_of_work_on_the_venues_line(library):
    """An ICML paper cited as a TMLR article: the fix is the proceedings paper, its booktitle
    where the journal stood, never a journal left beside the proceedings."""
    entry = library["wei2022chain"]
    text = ("@article{wei,\n  author = {" + entry.fields["author"] + "},\n  title = {" +
            entry.fields["title"] + "},\n  journaltitle = {Transactions on Machine Learning "
            "Research},\n  year = {2022},\n}\n")
    report = verify_text(text, library, "refs.bib")
    fixed = fix_bibliography(text, report, library)
    assert fixed == text.replace("@article{", "@inproceedings{").replace(
        "journaltitle = {Transactions on Machine Learning Research}",
        "booktitle = {" + entry.fields["booktitle"] + "}")
    assert verify_text(fixed, library, "refs.bib").entries[0].status == "agrees"


def test_fix_of_a_venue_given_by_a_crossref_parent_drops_the_crossref(library):
    text = _crossref_pair("Proceedings of the 39th International Conference on Machine "
                          "Learning, {ICML} 2022")
    fixed = fix_bibliography(text, verify_text(text, library, "refs.bib"), library)
    paper = fixed[:fixed.index("@proceedings")]
    assert "crossref" not in paper  # the booktitle on its line
    assert "Models},\n  booktitle = {Advances in Neural" in paper
    assert fixed[fixed.index("@proceedings"):] == text[text.index("@proceedings"):]
    assert verify_text(fixed, library, "refs.bib").entries[0].status == "agrees"


def test_a_sort_only_macro_in_a_name_is_no_other_author(library):
    """``{\\noopsort{a}}Dai`` (a name sorted first, printed as written) was read as the
    author "aDai", so a right author list differed."""
    entry = library["dai2023gpt"]
    cited = entry.bibtex.replace("{Dai, Damai and", "{{\\noopsort{a}}Dai, Damai and")
    assert "noopsort" in cited
    assert verify_text(cited, library, "refs.bib").entries[0].findings == ()


def test_a_name_with_a_particle_written_family_first_is_the_same_person(library):
    """The library has "Filipe de Avila Belbute Peres" (BibTeX: family "Avila Belbute
    Peres"); Google Scholar writes "Peres, Filipe de Avila Belbute" (family "Peres"). The
    same person, as the lookup compares them: the last word of the family name. It was
    "missing Filipe de Avila Belbute Peres; not authors: Filipe de Avila Belbute Peres"."""
    entry = library["openai2023gpt"]
    cited = entry.bibtex.replace("Filipe de Avila Belbute Peres", "Peres, Filipe de Avila "
                                 "Belbute").replace("Henrique Ponde de Oliveira Pinto",
                                                    "Pinto, Henrique Ponde de Oliveira")
    assert cited != entry.bibtex
    assert verify_text(cited, library, "refs.bib").entries[0].findings == ()
    dropped = cited.replace(" and Peres, Filipe de Avila Belbute", "")
    (finding,) = verify_text(dropped, library, "refs.bib").entries[0].findings
    assert finding.message == "the authors differ (missing Filipe de Avila Belbute Peres)"


def test_the_missing_authors_are_named_given_names_first(library):
    entry = library["dai2023gpt"]
    cited = entry.bibtex.replace(" and Dong, Li and Hao, Yaru", "")
    finding, = verify_text(cited, library, "refs.bib").entries[0].findings
    assert finding.message == "the authors differ (missing Li Dong, Yaru Hao)"


def test_a_value_written_over_lines_is_one_line_in_every_report(tmp_path, library):
    from llm4anno_bib.annotations import verify_annotations

    path = tmp_path / "refs.bib"
    path.write_text(library["wei2022chain"].bibtex.replace(
        "Jason Wei and Xuezhi Wang", "Jason Wei and\n    Xuezhi Wang").replace(
        " and Denny Zhou", ""), encoding="utf-8")
    report = llm4anno_bib.verify(path, library)
    (finding,) = report.entries[0].findings
    assert finding.shown()[0].startswith("Jason Wei and Xuezhi Wang and Dale")
    (line,) = verify_annotations(report)
    assert "%0A" not in line and "(yours: Jason Wei and Xuezhi Wang and Dale" in line


def test_an_et_al_list_missing_a_middle_author_names_only_that_author(library):
    """Google Scholar's "and others": the record's authors past the cited count are no
    missing ones, and a cited author further down the record is no stranger (Denny Zhou was
    called "not an author" of his own paper)."""
    cited = library["wei2022chain"].bibtex.replace(
        "and Brian Ichter and Fei Xia and Ed H. Chi and Quoc V. Le and Denny Zhou",
        "and Fei Xia and Ed H. Chi and Quoc V. Le and Denny Zhou and others")
    finding, = verify_text(cited, library, "refs.bib").entries[0].findings
    assert finding.message == "the authors differ (missing Brian Ichter)"


@pytest.mark.parametrize("team", ["OpenAI", "{OpenAI}", "{OpenAI Team}"])
def test_a_report_cited_by_its_teams_name_agrees_with_the_library(library, team):
    """``author = {OpenAI}`` for the GPT-4 report was "authors-differ (missing Josh Achiam,
    ... and 273 more)" against the library (the lookup already forgave it); a single person
    for a long list still differs."""
    entry = library["openai2023gpt"]
    cited = re.sub(r"author = \{.*?\},\n", f"author = {{{team}}},\n", entry.bibtex,
                   count=1, flags=re.S)
    assert cited != entry.bibtex
    assert verify_text(cited, library, "refs.bib").entries[0].findings == ()
    person = cited.replace(f"author = {{{team}}}", "author = {Sam Altman}")
    (finding,) = verify_text(person, library, "refs.bib").entries[0].findings
    assert finding.kind == "authors-differ"


def test_a_long_author_list_is_shown_by_its_first_names_and_kept_whole_in_json(library,
                                                                              tmp_path):
    """A finding on the GPT-4 report printed the library's 280 names on one line; the
    report shows the first ten and how many more, the JSON every name."""
    entry = library["openai2023gpt"]
    cited = re.sub(r"author = \{.*?\},\n", "author = {Josh Achiam and Steven Adler and Sam "
                   "Altman},\n", entry.bibtex, count=1, flags=re.S)
    refs = tmp_path / "refs.bib"
    refs.write_text(cited, encoding="utf-8")
    shown = runner.invoke(app, ["verify", str(refs)])
    (line,) = [line for line in shown.stdout.splitlines() if line.startswith("    library:")]
    assert line.endswith(f" and {len(entry.authors) - 10} more") and line.count(" and ") == 10
    as_json = json.loads(runner.invoke(app, ["verify", str(refs), "--format", "json"]).stdout)
    (finding,) = as_json["entries"][0]["findings"]
    assert finding["found"] == entry.fields["author"]


MACROS = ('@string{proc_b = "Proceedings of the 61st Annual Meeting of the Association for '
          'Computational Linguistics"}\n')
USING_MACROS = """@inproceedings{wei2022chain,
  title = {Chain-of-Thought Prompting Elicits Reasoning in Large Language Models},
  author = {Wei, Jason and Wang, Xuezhi and Schuurmans, Dale and Bosma, Maarten and Ichter, Brian and Xia, Fei and Chi, Ed H. and Le, Quoc V. and Zhou, Denny},
  booktitle = proc_b,
  year = {2022}
}

@inproceedings{wang2023self,
  title = {Self-Instruct: Aligning Language Models with Self-Generated Instructions},
  author = {Wang, Yizhong and Kordi, Yeganeh and Mishra, Swaroop and Liu, Alisa and Smith, Noah A. and Khashabi, Daniel and Hajishirzi, Hannaneh},
  booktitle = proc_b,
  year = {2023}
}
"""


def test_macros_of_a_file_read_before_are_known_as_bibtex_knows_them(tmp_path, library):
    """``\\bibliography{abbrev,refs}``: IEEE's and many papers' refs.bib use @string macros
    defined in another file. Read alone, each was "defined nowhere" and its name the venue
    (here no venue: an NeurIPS paper cited at ACL went unseen); read after the file that
    defines them (``strings_from``, or the files in order on the command line), the macro
    means its text, and --fix keeps it where the entry agrees."""
    abbrev, refs, fixed = tmp_path / "abbrev.bib", tmp_path / "refs.bib", tmp_path / "fixed.bib"
    abbrev.write_text(MACROS, encoding="utf-8")
    refs.write_text(USING_MACROS, encoding="utf-8")
    with pytest.warns(llm4anno_bib.BibWarning, match="defined nowhere"):
        alone = llm4anno_bib.verify(refs, library)
    assert [e.status for e in alone.entries] == ["agrees", "agrees"]
    report = llm4anno_bib.verify(refs, library, strings_from=[abbrev], fix_to=fixed)
    assert [e.status for e in report.entries] == ["disagrees", "agrees"]
    (finding,) = report.entries[0].findings
    assert finding.kind == "venue-differs" and finding.theirs.startswith("Proceedings of the 61st")
    text = fixed.read_text(encoding="utf-8")
    assert "NeurIPS 2022" in text.split("@inproceedings{wang2023self")[0]
    assert "  booktitle = proc_b,\n  year = {2023}" in text  # the agreeing entry's macro kept
    with pytest.raises(llm4anno_bib.Llm4AnnoBibError):  # a file read is never written
        llm4anno_bib.verify(refs, library, strings_from=[abbrev], fix_to=abbrev)
    assert abbrev.read_text(encoding="utf-8") == MACROS

    result = CliRunner().invoke(app, ["verify", str(abbrev), str(refs)])
    assert result.exit_code == 1, result.output
    assert "defined nowhere" not in result.output
    assert "venue-differs" in result.output


def test_a_preprint_of_a_findings_paper_names_findings_not_the_main_conference(library):
    """Semantic Scholar's export: an @article whose journal is "ArXiv" prints as the preprint;
    the library's version is in Findings of ACL 2024, and the finding says so (it said "ACL
    2024", the main conference, where the paper is not)."""
    ours = next(e for e in library
                if (e.venue or "").startswith("Findings of the Association for Computational "
                                              "Linguistics: ACL"))
    cited = (f"@Article{{s2,\n author = {{{ours.fields['author']}}},\n booktitle = "
             f"{{{ours.venue}}},\n journal = {{ArXiv}},\n title = {{{ours.title}}},\n "
             f"volume = {{abs/{ours.arxiv_id}}},\n year = {{{ours.year}}}\n}}\n")
    finding, = verify_text(cited, library).entries[0].findings
    assert finding.kind == "preprint-of-published"
    assert finding.found == f"Findings of ACL {ours.year}"


@pytest.mark.parametrize("written, agrees", [
    ("Rocktaeschel", True), ("Rocktäschel", True), ("Rocktaschel", True),
    ("Rockteschel", False)])
def test_an_umlaut_written_the_german_way_agrees_with_the_library(library, written, agrees):
    """The library's "Rockt{\\"a}schel" cited as "Rocktaeschel" (German without umlauts) is
    the same author, as "Rocktaschel" was."""
    ours = library["petroni2019language"]
    cited = ours.bibtex.replace('Rockt{\\"a}schel', written)
    assert written in cited
    entry, = verify_text(cited, library).entries
    assert entry.status == ("agrees" if agrees else "disagrees"), entry.findings


def test_a_name_written_family_first_without_a_comma_is_said_so(library):
    """"Wang Xuezhi" (BibTeX: family name "Xuezhi") was "missing Xuezhi Wang; not authors:
    Wang Xuezhi"; the message says how BibTeX reads it and how to write it. Another person
    is still named as one."""
    ours = library["wei2022chain"]
    cited = ours.bibtex.replace(ours.fields["author"],
                                "Jason Wei and Wang Xuezhi and Doe Jane and others")
    finding, = verify_text(cited, library).entries[0].findings
    assert finding.kind == "authors-differ"
    assert finding.message == (
        "the authors differ (missing Dale Schuurmans; not authors: Doe Jane; 'Wang Xuezhi' "
        "reads as family name 'Xuezhi': family first needs a comma, 'Wang, Xuezhi')")


def _arxiv_export(entry, title=None, authors=None, year=None) -> str:
    """A preprint as arXiv's own "Export BibTeX Citation" writes it (its latest version's
    year)."""
    return (f"@misc{{exported,\n      title={{{title or entry.title}}}, \n      author={{"
            f"{authors or entry.fields['author']}}},\n      year={{{year or entry.year}}},\n"
            f"      eprint={{{entry.arxiv_id}}},\n      archivePrefix={{arXiv}},\n"
            "      primaryClass={cs.CL},\n}\n")


@pytest.mark.parametrize("year, agrees", [(2020, True), (2019, True), (2018, False)])
def test_a_preprint_cited_by_a_later_versions_year_agrees(library, year, agrees):
    """arXiv's export gives the latest version's year (2020 for a paper first posted in
    2019): that was "year-differs"; a year before the first version still differs."""
    ours = library["ziegler2019fine"]
    entry, = verify_text(_arxiv_export(ours, year=year), library).entries
    assert entry.status == ("agrees" if agrees else "disagrees"), entry.findings


def test_a_preprint_of_a_published_work_may_have_its_own_title_and_authors(library):
    """Cited as arXiv has it ("Learning to summarize from human feedback", NeurIPS's "with";
    its authors in another order): only "preprint-of-published" (title-differs and
    author-order were said too); other people than the work's are still said."""
    ours = library["stiennon2020learning"]
    people = ours.fields["author"].split(" and ")
    own_version = _arxiv_export(ours, title="Learning to summarize from human feedback",
                                authors=" and ".join([people[0], *reversed(people[1:])]))
    entry, = verify_text(own_version, library).entries
    assert [f.kind for f in entry.findings] == ["preprint-of-published"]
    others = _arxiv_export(ours, authors="Jane Doe and Richard Roe")
    entry, = verify_text(others, library).entries
    assert sorted(f.kind for f in entry.findings) == ["authors-differ", "preprint-of-published"]


AUTHOR_LISTS = ["Jason Wei et al.", "Jason Wei and Denny Zhou et al", "{Wei} et al.",
                "Wei, Jason and others", "{OpenAI}", "Wei, Jason and Zhou, Denny"]


@pytest.mark.parametrize("author", AUTHOR_LISTS)
def test_an_entry_checked_against_its_very_text_agrees_whatever_its_authors_say(author):
    """The library's own author list is no disagreement, however it splits: "Jason Wei et
    al." was read as Jason Wei and others on the user's side and as one person named "Wei
    et al." on the library's, and the two differed."""
    import warnings

    from llm4anno_bib.bibfile import BibWarning, parse_entries
    from llm4anno_bib.model import Library

    text = ("@article{k,\n  title = {Chain of Thought Prompting},\n  author = {" + author
            + "},\n  journal = {Journal of Things},\n  year = {2022},\n}\n")
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        library = Library(parse_entries(text, "library.bib").entries)
        checked = verify_text(text, library).entries[0]
    assert (checked.status, checked.findings) == ("agrees", ())
    # (the reading still says what BibTeX makes of an 'et al.' in a name)
    assert any(issubclass(w.category, BibWarning) and "et al." in str(w.message)
               for w in said) == ("et al" in author)
    # and a list that does differ from it still does
    other = verify_text(text.replace(author, "Roe, Rick and Doe, Jane"), library).entries[0]
    assert other.status == "disagrees" and [f.kind for f in other.findings] == ["authors-differ"]
