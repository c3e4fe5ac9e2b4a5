"""Start-up: the parsed-library cache and lazy imports. (Timings are in scripts/bench.py,
never in tests.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import warnings

import pytest

from llm4anno_bib._json import sealed, unsealed
import llm4anno_bib
from llm4anno_bib import _libcache, caches
from llm4anno_bib.bibfile import BibWarning, read_library

from conftest import ROOT

HEAVY = ("arxiv", "requests_cache", "pandas", "pybtex", "lxml", "jinja2", "matplotlib",
         "filelock", "pydantic", "rich")

PROBE = """
import sys
{body}
print("MODULES:" + " ".join(sorted(m for m in {heavy!r} + ("bibtexparser",)
                                   if m in sys.modules)))
"""


def _imported(body: str, env_cache) -> set[str]:
    import os

    done = subprocess.run([sys.executable, "-c", PROBE.format(body=body, heavy=HEAVY)],
                          capture_output=True, text=True, timeout=60,
                          env=os.environ | {"LLM4ANNO_BIB_CACHE_DIR": str(env_cache)})
    assert done.returncode == 0, done.stderr
    return set(done.stdout.splitlines()[-1].removeprefix("MODULES:").split())


@pytest.mark.slow
def test_import_and_query_commands_load_no_heavy_module(tmp_path):
    cache = tmp_path / "cache"
    assert _imported("import llm4anno_bib", cache) == set()
    _imported("import llm4anno_bib; llm4anno_bib.load()", cache)  # the first load parses
    query = ("from llm4anno_bib.cli import main\nsys.argv = ['llm4anno-bib', 'list', "
             "'--search', 'distillation']\ntry:\n    main()\nexcept SystemExit:\n    pass")
    assert _imported(query, cache) == set()  # a warm query: no parser either
    export = query.replace("'list', '--search', 'distillation'",
                           "'export', '--category', 'Chain-of-Thought Prompting (CoT)'")
    assert _imported(export, cache) & set(HEAVY) == set()  # formats the entries, keeps them
    assert _imported(export, cache) == set()  # an unchanged library: its texts from the cache


@pytest.mark.slow
def test_verify_without_lookup_loads_no_http_stack(tmp_path):
    """Checking a file against the library asks no source: requests and requests-cache
    (a tenth of a warm verify's time) are loaded only by a lookup, through the API and
    the CLI alike."""
    cache = tmp_path / "cache"
    mine = tmp_path / "refs.bib"
    mine.write_text("@article{a,\n  title = {Chain-of-Thought Prompting Elicits Reasoning in "
                    "Large Language Models},\n  author = {Wei, Jason},\n  year = {2022},\n}\n",
                    encoding="utf-8")
    http = {"requests", "requests_cache", "urllib3"}
    probe = PROBE.replace("{heavy!r}", repr(tuple(http)))
    api = f"import llm4anno_bib\nr = llm4anno_bib.verify({str(mine)!r}, llm4anno_bib.load())\n" \
        "assert r.entries[0].status in ('agrees', 'disagrees'), r.entries"
    cli = ("from llm4anno_bib.cli import main\n"
           f"sys.argv = ['llm4anno-bib', 'verify', {str(mine)!r}]\n"
           "try:\n    main()\nexcept SystemExit as done:\n    assert done.code in (0, 1), done")
    lookup = api.replace("llm4anno_bib.load())", "llm4anno_bib.load(), lookup=True, offline=True)")
    for body, loaded in ((api, set()), (cli, set()), (lookup, {"requests", "requests_cache"})):
        done = subprocess.run([sys.executable, "-c", probe.format(body=body)],
                              capture_output=True, text=True, timeout=120,
                              env=os.environ | {"LLM4ANNO_BIB_CACHE_DIR": str(cache)})
        assert done.returncode == 0, done.stderr
        modules = set(done.stdout.splitlines()[-1].removeprefix("MODULES:").split())
        # (the lookup, offline, loads them: proof that the probe sees them at all)
        assert (modules >= loaded) if loaded else (modules & http == set()), body


def test_a_second_load_comes_from_the_cache_and_equals_a_parse(tmp_path, monkeypatch, shipped_copy):
    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(tmp_path / "cache"))  # an empty cache
    path = shipped_copy
    assert _libcache.load_cached(path) is None
    parsed = llm4anno_bib.load(path)  # parses and stores
    cached = _libcache.load_cached(path)
    assert cached is not None and cached.entries == parsed.entries
    assert cached.tree == parsed.tree and cached.corrections() == parsed.corrections()
    assert cached.intro == parsed.intro and cached.survey_key == parsed.survey_key
    cached.save(tmp_path / "again.bib")  # lossless through the cache too
    assert (tmp_path / "again.bib").read_bytes() == path.read_bytes()
    path.write_bytes(path.read_bytes().replace(b"wei2022chain", b"wei2022chainx"))
    assert _libcache.load_cached(path) is None  # another content, another key


def test_a_damaged_cache_entry_means_a_parse(tmp_path, shipped_copy):
    path = shipped_copy
    read_library(path)
    stored = _libcache._cache_file(_libcache.content_digest(path.read_bytes()))
    stored.write_text(json.dumps({"entries": [["broken"]]}), encoding="utf-8")
    assert _libcache.load_cached(path) is None
    assert len(llm4anno_bib.load(path)) == len(llm4anno_bib.load())


def test_a_warm_load_builds_an_entry_only_when_it_is_read(tmp_path, monkeypatch):
    """Loading from the cache reads the two files and builds nothing: a lookup by key, an
    alias or a case-folded key builds the one entry it finds; the whole library, built,
    equals a parse, and saves byte for byte."""
    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "refs.bib"
    path.write_text("% mine\n" + "".join(
        f"@article{{{key},\n  title = {{Paper {n}}},\n  year = {{2020}},{extra}\n}}\n\n"
        for n, (key, extra) in enumerate([("Smith2020", ""), ("doe2021", "\n  ids = {old21}"),
                                          *((f"k{n}", "") for n in range(20))])),
        encoding="utf-8")
    parsed = read_library(path)
    built = []
    real_entry = _libcache._entry
    monkeypatch.setattr(_libcache, "_entry", lambda row: built.append(row[0]) or real_entry(row))
    cached = llm4anno_bib.load(path)
    assert built == [] and len(cached) == len(parsed) == 22
    assert cached["old21"].key == "doe2021" and cached.key_case("smith2020") == "Smith2020"
    assert "k7" in cached and "k99" not in cached
    assert sorted(built) == ["Smith2020", "doe2021", "k7"]
    assert cached.entries == parsed.entries and cached[5] is cached.entries[5]
    assert len(built) == len(parsed)  # each entry built once
    cached.save(tmp_path / "again.bib")
    assert (tmp_path / "again.bib").read_bytes() == path.read_bytes()
    import pickle

    fresh = llm4anno_bib.load(path)  # nothing built yet: a pickle builds what it holds
    twin = pickle.loads(pickle.dumps(fresh))
    assert twin == parsed and twin.source.segments == parsed.source.segments


def test_a_warm_entry_keeps_only_what_took_latex_or_braces_to_read(tmp_path, monkeypatch):
    """An entry built from the cache keeps the plain title, authors and venue only where
    reading them took LaTeX or braces (the rest is read from the fields when asked, so a
    library built whole holds no more than a parsed one); every value equals a parse's."""
    from llm4anno_bib import model

    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "refs.bib"
    path.write_text(
        "@article{plain,\n  title = {Plain Words},\n  author = {Doe, Jane and Roe, Rick},\n"
        "  journal = {Journal of Things},\n  year = {2020},\n}\n\n"
        "@article{latex,\n  title = {On {T}itles Sch{\\\"u}tze},\n  author = {{OpenAI} and "
        "Sch{\\\"u}tze, Hinrich},\n  journal = {J. {AI}},\n  year = {2021},\n}\n",
        encoding="utf-8")
    parsed = read_library(path)
    cached = llm4anno_bib.load(path)
    plain, latex = cached["plain"], cached["latex"]
    assert model._DERIVED.get(plain) is None
    assert set(model._DERIVED[latex]) == {"title", "bib_authors", "venue"}
    for ours, theirs in zip(cached, parsed):
        assert (ours.title, ours.bib_authors, ours.venue, ours.year, ours.authors) == \
            (theirs.title, theirs.bib_authors, theirs.venue, theirs.year, theirs.authors)


def test_building_every_entry_leaves_the_collector_as_it_was():
    """Entries are built a batch at a time with the cyclic collector paused, never while
    the caller's code runs, and it is left as the caller had it."""
    import gc

    from llm4anno_bib.model import Entry, LazyEntries

    states = []

    def build(position: int) -> Entry:
        states.append(gc.isenabled())
        return Entry.from_fields(f"k{position}", "misc", {"title": f"T{position}"})

    entries = LazyEntries(2500, build, lambda: [(f"k{n}", ()) for n in range(2500)])
    seen = []
    for entry in entries:
        seen.append(gc.isenabled())  # the caller's code, between entries
    assert len(states) == 2500 and not any(states) and all(seen) and gc.isenabled()
    assert [e.key for e in entries][::1000] == ["k0", "k1000", "k2000"] and len(states) == 2500
    gc.disable()
    try:
        assert len(list(LazyEntries(3, build, lambda: []))) == 3
        assert not gc.isenabled()  # the caller's choice kept
    finally:
        gc.enable()


def test_entries_are_built_in_doubling_batches_and_the_first_batch_alone_for_the_first():
    """A caller reading every entry meets the collector paused a few times however large
    the library (batches of 1,000, 2,000, 4,000...: the collector's passes between fixed
    batches scanned every entry built so far); one reading only the first entry waits for
    the first batch alone."""
    from llm4anno_bib.model import Entry, LazyEntries

    built: list[int] = []

    def build(position: int) -> Entry:
        built.append(position)
        return Entry.from_fields(f"k{position}", "misc", {"title": f"T{position}"})

    entries = LazyEntries(15_000, build, lambda: [(f"k{n}", ()) for n in range(15_000)])
    first = next(iter(entries))
    assert first.key == "k0" and len(built) == 1_000
    built.clear()
    entries = LazyEntries(15_000, build, lambda: [(f"k{n}", ()) for n in range(15_000)])
    seen_built = sorted({len(built) for _entry in entries})
    assert seen_built == [1_000, 3_000, 7_000, 15_000]


def test_writing_the_cache_keeps_nothing_it_derived(tmp_path, monkeypatch):
    """The cache's rows derive plain titles and split names for every entry; a cold read
    does not keep them (the memory of a large file's parse), and they are there when read."""
    from llm4anno_bib import model

    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "refs.bib"
    mark = tmp_path.name  # entries no other test holds (derived values go with equal ones)
    path.write_text("".join(
        f"@article{{{mark}{n},\n  title = {{On {{T}}itles {mark} {n}}},\n  author = {{Doe, "
        f"Jane and Roe, Rick}},\n  journal = {{J}},\n  year = {{2020}},\n}}\n"
        for n in range(5)), encoding="utf-8")
    library = read_library(path)
    assert _libcache.load_cached(path) is not None  # the rows were written
    derived = {name for e in library for name in model._DERIVED.get(e) or ()}
    assert derived.isdisjoint({"title", "bib_authors", "venue", "year"})
    entry = library[f"{mark}3"]
    assert entry.title == f"On Titles {mark} 3" and "title" in model._DERIVED[entry]


@pytest.mark.parametrize("damage", ["row", "index", "segments"])
def test_damage_found_after_a_warm_load_is_read_from_the_file(tmp_path, monkeypatch,
                                                            shipped_copy, damage):
    """A stored library whose shape is whole but whose row, key index or segments do not
    decode is no wrong answer when it is read: the file is parsed for it, and stored anew."""
    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(tmp_path / "cache"))
    path = shipped_copy
    parsed = read_library(path)
    stored = _libcache._cache_file(_libcache.content_digest(path.read_bytes()))
    lines = stored.read_bytes().split(b"\n")
    # the same length, so that the shape checked at load still holds
    spoilt = {"row": 2 + 3, "index": len(lines) - 2, "segments": 1}[damage]
    lines[spoilt] = b"{" * len(lines[spoilt])
    stored.write_bytes(b"\n".join(lines))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the file's warnings were given at load: none again
        cached = llm4anno_bib.load(path)
        assert cached.entries == parsed.entries
        cached.save(tmp_path / "again.bib")
    assert (tmp_path / "again.bib").read_bytes() == path.read_bytes()
    again = _libcache.load_cached(path)  # stored anew by the parse
    assert again is not None and again.entries == parsed.entries


def test_warnings_are_given_again_from_the_cache(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_bytes(b"\xef\xbb\xbf@misc{a,\n  title = {X},\n}\n")
    with pytest.warns(BibWarning, match="byte order mark"):
        read_library(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert _libcache.load_cached(path) is not None
    assert any("byte order mark" in str(w.message) for w in caught)


def test_an_export_reuses_the_texts_of_entries_as_read_and_formats_changed_ones(
        tmp_path, monkeypatch, shipped_copy):
    from llm4anno_bib.bibfile import format_entries
    from llm4anno_bib.model import Entry

    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(tmp_path / "cache"))
    path = shipped_copy
    library = llm4anno_bib.load(path)
    kept = _libcache._cache_file(library.source.digest, ".bibtex")
    assert not kept.exists()  # a read writes nothing; an export keeps the texts
    assert library.to_bibtex() == format_entries(library.entries)
    texts = unsealed(kept.read_text(encoding="utf-8"))
    assert set(texts) == {e.key for e in library}
    first = library.entries[0]
    texts[first.key] = texts[first.key].replace("title = {", "title = {KEPT ")
    # an edit that does not match the digest it was kept with is not believed
    kept.write_text(json.dumps(texts), encoding="utf-8")
    assert "KEPT " not in llm4anno_bib.load(path).filter(keys=[first.key]).to_bibtex()
    # the kept text is what a later export gives (proof that it is read, not made again)
    kept.write_text(sealed(texts), encoding="utf-8")
    again = llm4anno_bib.load(path)
    assert "KEPT " in again.filter(keys=[first.key]).to_bibtex()
    # an entry changed in memory is formatted anew, whatever is kept under its key
    changed = Entry.from_fields(first.key, first.entry_type,
                                dict(first.fields) | {"title": "Changed Title"})
    edited = again.with_entries([changed, *again.entries[1:]])
    out = edited.filter(keys=[first.key]).to_bibtex()
    assert "Changed Title" in out and "KEPT " not in out


def test_exporting_a_cached_file_unchanged_builds_no_entry(tmp_path, monkeypatch, shipped_copy):
    """The second export of an unchanged file joins the texts kept beside it: no entry is
    built (the whole library, or filtered by nothing, as the CLI's export does), and the
    bytes are the first export's; an edited library still builds and formats its own."""
    from llm4anno_bib.model import Entry

    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(tmp_path / "cache"))
    first = llm4anno_bib.load(shipped_copy).to_bibtex()
    built = []
    real_entry = _libcache._entry
    monkeypatch.setattr(_libcache, "_entry", lambda row: built.append(row[0]) or real_entry(row))
    library = llm4anno_bib.load(shipped_copy)
    assert library.to_bibtex() == first and library.filter().to_bibtex() == first
    assert library.filter().keys() == library.keys() and len(library.keys()) == len(library)
    assert built == []
    one = library.entries[1]
    edited = library.with_entries([library.entries[0], Entry.from_fields(
        one.key, one.entry_type, dict(one.fields) | {"title": "Changed Title"}),
        *library.entries[2:]])
    assert "Changed Title" in edited.to_bibtex() and edited.to_bibtex() != first


def test_the_cache_keeps_the_last_libraries_and_drops_older_formats(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(folder))
    stale = folder / "libraries" / f"v{_libcache.FORMAT - 1}-0.0.1-abc.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}", encoding="utf-8")
    path = tmp_path / "refs.bib"
    for number in range(caches.LIBRARIES_KEPT + 3):
        path.write_text(f"@misc{{k{number},\n  title = {{T{number}}},\n}}\n", encoding="utf-8")
        read_library(path)
        # what is kept beside a library (its entry texts, a matcher's tables) goes with it
        llm4anno_bib.verify(path, llm4anno_bib.load(path))
        llm4anno_bib.export(llm4anno_bib.load(path))
    stored = sorted(p.name for p in (folder / "libraries").glob("*.json"))
    assert not stale.exists() and len(stored) == 3 * caches.LIBRARIES_KEPT
    assert sum(caches.is_library(folder / "libraries" / n) for n in stored) == caches.LIBRARIES_KEPT
    assert {n.rsplit(".", 2)[-2].partition("-")[0] for n in stored} >= {"bibtex", "matcher"}
    assert _libcache.load_cached(path) is not None  # the last one is kept


def test_cache_info_counts_and_clear_removes_parsed_libraries(tmp_path, monkeypatch, shipped_copy):
    from typer.testing import CliRunner

    from llm4anno_bib.cli import app

    folder = tmp_path / "cache"
    monkeypatch.setenv("LLM4ANNO_BIB_CACHE_DIR", str(folder))
    path = shipped_copy
    read_library(path)
    info = CliRunner().invoke(app, ["cache", "info"])
    assert info.exit_code == 0 and "1 parsed library" in info.stdout
    cleared = CliRunner().invoke(app, ["cache", "clear"])
    assert cleared.exit_code == 0 and "1 parsed library" in cleared.stdout
    assert not list((folder / "libraries").glob("*.json"))
    assert _libcache.load_cached(path) is None


@pytest.mark.slow
def test_an_edit_of_the_code_that_derives_entries_means_a_parse(tmp_path):
    """The cache is keyed on the deriving modules' source: a maintainer's edit of
    ``model.py`` is seen by the next load; an edit of the CLI keeps the cache."""
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT / "llm4anno_bib", checkout / "llm4anno_bib",
                    ignore=shutil.ignore_patterns("__pycache__"))
    path = tmp_path / "refs.bib"
    path.write_text("@misc{a,\n  title = {X},\n}\n", encoding="utf-8")
    probe = ("import sys\nfrom llm4anno_bib import _libcache\n"
             "from llm4anno_bib.bibfile import read_library\n"
             "hit = _libcache.load_cached(sys.argv[1]) is not None\n"
             "read_library(sys.argv[1])\nprint(hit)\n")
    env = {**os.environ, "PYTHONPATH": str(checkout),
           "LLM4ANNO_BIB_CACHE_DIR": str(tmp_path / "cache")}

    def cached() -> bool:
        run = subprocess.run([sys.executable, "-c", probe, str(path)], env=env,
                             capture_output=True, text=True, check=True, cwd=tmp_path)
        return run.stdout.strip() == "True"

    assert not cached() and cached()
    with open(checkout / "llm4anno_bib" / "cli.py", "a", encoding="utf-8") as cli:
        cli.write("\n# an edit that derives nothing\n")
    assert cached()
    with open(checkout / "llm4anno_bib" / "model.py", "a", encoding="utf-8") as model:
        model.write("\n# an edit of the model\n")
    assert not cached() and cached()
