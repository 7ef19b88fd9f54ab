"""The layout is the architecture: no import cycles, and each package imports
only the layers below it (README, "Layout"). Imports inside functions count."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# What each part of the code may import from the project (besides itself).
ALLOWED = {
    "pipelines.records": set(),
    "pipelines.lang": set(),
    "pipelines.ingest": {"pipelines.records", "pipelines.lang"},
    "pipelines.extract": {"pipelines.records", "pipelines.lang"},
    "pipelines.store": {"pipelines.records"},
    "pipelines.nlp": {"pipelines.lang", "pipelines.extract"},
    "pipelines.analyse": {"pipelines.records", "pipelines.lang", "pipelines.extract", "pipelines.store"},
    "pipelines.build": {"pipelines.records", "pipelines.lang", "pipelines.ingest", "pipelines.extract", "pipelines.store",
                        "pipelines.nlp", "pipelines.analyse"},
    "pipelines.qa": {"pipelines.records", "pipelines.lang", "pipelines.ingest", "pipelines.extract", "pipelines.store",
                     "pipelines.nlp", "pipelines.compare"},
    "pipelines.compare": {"pipelines.records", "pipelines.lang", "pipelines.ingest", "pipelines.extract", "pipelines.store",
                          "pipelines.nlp"},
    "flows": {"pipelines.build", "pipelines.store", "pipelines.compare"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    files = [p for top in ("pipelines", "flows") for p in (ROOT / top).rglob("*.py") if "__pycache__" not in p.parts]
    return {module_name(p): p for p in files}


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules that `path` imports, anywhere in it, with the packages
    whose `__init__` Python runs on the way (not the module's own ancestors)."""
    me = module_name(path)
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    found = set()
    for name in names:
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            prefix = ".".join(parts[:i])
            if prefix in modules and prefix != me and not me.startswith(prefix + "."):
                found.add(prefix)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {m: imports_of(p, modules) for m, p in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def layer_of(module: str) -> str:
    return next(layer for layer in sorted(ALLOWED, key=len, reverse=True) if module == layer or module.startswith(layer + "."))


def test_the_import_graph_has_no_cycle():
    graph = import_graph()
    assert len(graph) > 40 and graph["pipelines.nlp"] >= {"pipelines.extract.entities", "pipelines.lang.zh.segment"}
    assert cycles(graph) == []


def test_a_cycle_is_found_when_there_is_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_each_package_imports_only_the_layers_below_it():
    bad = []
    for module, deps in import_graph().items():
        if module in ("pipelines",):
            continue
        layer = layer_of(module)
        for dep in deps - {"pipelines"}:  # the top package holds only the version
            target = layer_of(dep)
            if target != layer and target not in ALLOWED[layer]:
                bad.append(f"{module} imports {dep}")
    assert bad == []


def test_pipelines_never_import_prefect_or_flows():
    for path in (ROOT / "pipelines").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                assert not any(n.split(".")[0] in ("prefect", "flows") for n in names), path
