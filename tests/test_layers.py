"""Imports only go down the layers, and no module imports itself back through others.

Every import in ``bot/`` counts (module level, inside functions, under ``TYPE_CHECKING``): a lazy import
of a module above is still a dependency running back up. A new folder or top-level module must be given
its place in ``LAYERS`` before this passes.
"""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[1] / "bot"

# Lowest first. A module belongs to the longest prefix listed; modules may import their own layer and
# the ones below it.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("foundation", ("bot", "bot.models", "bot.text", "bot.config", "bot.logs", "bot.metrics", "bot.store")),
    ("analyzers", ("bot.analyzers",)),
    ("llm", ("bot.llm",)),
    ("engine", ("bot.engine", "bot.cache", "bot.grounding", "bot.render", "bot.limits")),
    ("factory", ("bot.factory",)),
    ("services", ("bot.inputs", "bot.claimreview")),
    ("jobs", ("bot.jobs", "bot.worker")),  # bot.worker: the old name of queued jobs' function
    ("faces", ("bot.slack", "bot.cli", "bot.doctor", "bot.__main__")),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(BOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(BOT.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The ``bot`` modules that ``name`` imports (``from bot import metrics`` names the module bot.metrics)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, one level up per extra dot
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.add(child if child in known else base)
    return {m for m in found if m in known and m != name}


def layer_of(name: str) -> int:
    best: tuple[int, int] | None = None  # (prefix length, layer index)
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            covers = name == prefix or (prefix != "bot" and name.startswith(prefix + "."))  # "bot": the package only
            if covers and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index)
    assert best is not None, f"{name} has no layer: add it (or its folder) to LAYERS in tests/test_layers.py"
    return best[1]


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports_of(name, path, set(found)) for name, path in found.items()}


def upward_imports(edges: dict[str, set[str]]) -> list[str]:
    wrong = []
    for name, targets in edges.items():
        for target in sorted(targets):
            if layer_of(target) > layer_of(name):
                wrong.append(f"{name} ({LAYERS[layer_of(name)][0]}) imports {target} ({LAYERS[layer_of(target)][0]})")
    return wrong


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_the_graph_is_read_from_the_sources() -> None:
    edges = graph()
    assert "bot.jobs.model" in edges["bot.jobs.queue"]
    assert "bot.metrics" in edges["bot.jobs.queue"]  # ``from bot import metrics`` names the module


def test_every_module_has_a_layer() -> None:
    for name in modules():
        layer_of(name)


def test_no_import_runs_up_a_layer() -> None:
    assert upward_imports(graph()) == []


def test_engine_and_analyzers_import_nothing_from_the_faces() -> None:
    edges = graph()
    for name, targets in edges.items():
        if name.startswith(("bot.engine", "bot.analyzers", "bot.jobs")):
            assert not {t for t in targets if t.startswith(("bot.slack", "bot.cli"))}, name


def test_no_import_cycles() -> None:
    assert cycles(graph()) == []


def test_the_checks_can_fail() -> None:
    """The rules catch what they are for: an upward import and a cycle, on a made-up graph."""
    edges = {"bot.engine": {"bot.slack.outbox"}, "bot.slack.outbox": {"bot.engine"}}
    assert upward_imports(edges) == ["bot.engine (engine) imports bot.slack.outbox (faces)"]
    assert cycles(edges) == [["bot.engine", "bot.slack.outbox"]]
