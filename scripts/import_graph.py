"""Draw the package's import graph, as the README's architecture section shows it.

Every import counts: at the top of a module, inside a function (a lazy import is still a
dependency), and the ``"module:function"`` renderers of the export registry. Imports under
``if TYPE_CHECKING:`` do not run and are left out. A module's layer is one more than the
highest layer it imports, so a graph that runs one way has every import pointing down.

One kind of edge points up, on purpose, and is drawn apart: ``UPWARD`` lists the imports a
floor makes of one above it when a method is called (``model``'s output methods run
``outputs``, which runs the writers and exporters). They are left out of the layers, the
cycles and the closures; an upward import not listed there is a cycle like any other.

    python scripts/import_graph.py            # the layers, as in the README
    python scripts/import_graph.py --edges    # every module with what it imports
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "llm4anno_bib"
# (importing module, imported module): imports at call time from a floor to one above it
UPWARD = frozenset({("model", "outputs")})


def module_name(path: Path, package: Path = PACKAGE) -> str:
    """``llm4anno_bib/sources/acl.py`` -> ``sources.acl``; a package's ``__init__`` is the
    package (the root one is ``__init__``)."""
    parts = list(path.relative_to(package).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def _type_checking_only(tree: ast.Module) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(inner) for statement in node.body for inner in ast.walk(statement))
    return skipped


def _imported(node: ast.AST, here: str, is_package: bool, modules: set[str]) -> set[str]:
    """The package modules one import statement (or registry string) names."""
    choices: list[list[str]] = []  # per name imported: the modules it may be, best first
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = here.split(".") if here != "__init__" else []
            base = base[: len(base) - node.level + (1 if is_package else 0)]
            target = ".".join(base + ([node.module] if node.module else []))
        elif (node.module or "").startswith("llm4anno_bib"):
            target = (node.module or "").removeprefix("llm4anno_bib").lstrip(".")
        else:
            return set()
        # ``from a import b`` imports the module ``a.b`` if there is one, else ``a``
        choices = [[f"{target}.{alias.name}".lstrip("."), target or "__init__"]
                   for alias in node.names]
    elif isinstance(node, ast.Import):
        choices = [[a.name.removeprefix("llm4anno_bib").lstrip(".") or "__init__"]
                   for a in node.names if a.name.startswith("llm4anno_bib")]
    elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
            and node.value.startswith("llm4anno_bib.") and ":" in node.value:
        choices = [[node.value.partition(":")[0].removeprefix("llm4anno_bib.")]]
    return {next(n for n in names if n in modules) for names in choices
            if any(n in modules for n in names)}


def import_graph(package: Path = PACKAGE, upward: bool = False) -> dict[str, set[str]]:
    """Each module of ``package`` -> the package modules it imports (itself left out); the
    ``UPWARD`` edges only with ``upward``."""
    paths = {module_name(p, package): p for p in sorted(package.rglob("*.py"))}
    modules = set(paths)
    graph = {}
    for name, path in paths.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _type_checking_only(tree)
        edges: set[str] = set()
        for node in ast.walk(tree):
            if id(node) not in skipped:
                edges |= _imported(node, name, path.name == "__init__.py", modules)
        graph[name] = edges - {name} - (set() if upward else
                                         {target for source, target in UPWARD if source == name})
    return graph


def upward_edges(package: Path = PACKAGE) -> set[tuple[str, str]]:
    """The ``UPWARD`` edges the package has (one listed but no longer there is stale)."""
    full = import_graph(package, upward=True)
    return {(source, target) for source, target in UPWARD if target in full.get(source, ())}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph)))
    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(found)


def closure(graph: dict[str, set[str]], start: str) -> set[str]:
    """``start`` and every module it imports, directly or not."""
    seen, todo = {start}, [start]
    while todo:
        for target in graph[todo.pop()] - seen:
            seen.add(target)
            todo.append(target)
    return seen


def layers(graph: dict[str, set[str]]) -> list[list[str]]:
    """Modules by layer: 0 imports nothing of the package, n imports layers below n only.
    Raises ``ValueError`` on a cycle (a graph with one has no layers)."""
    if found := cycles(graph):
        raise ValueError(f"import cycles: {found}")
    depth: dict[str, int] = {}

    def layer(module: str) -> int:
        if module not in depth:
            depth[module] = 1 + max((layer(t) for t in graph[module]), default=-1)
        return depth[module]

    for module in graph:
        layer(module)
    return [sorted(m for m in graph if depth[m] == n) for n in range(max(depth.values()) + 1)]


def render_layers(graph: dict[str, set[str]],
                  upward: set[tuple[str, str]] | frozenset[tuple[str, str]] = UPWARD) -> str:
    """The layers as the README shows them, the top first, then the upward edges."""
    rows = layers(graph)
    drawn = "\n".join(f"{n:>2}  {'  '.join(rows[n])}" for n in reversed(range(len(rows))))
    calls = "".join(f"\n    {source} -> {target}  (upward, when a method is called)"
                    for source, target in sorted(upward))
    return drawn + calls + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", action="store_true", help="every module and its imports")
    args = parser.parse_args(argv)
    graph = import_graph()
    if found := cycles(graph):
        print("import cycles:", *found, sep="\n  ", file=sys.stderr)
        return 1
    if args.edges:
        for module in sorted(graph):
            print(f"{module} -> {', '.join(sorted(graph[module])) or '-'}")
    else:
        print(render_layers(graph), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
