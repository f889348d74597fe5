#!/usr/bin/env python3
"""Import graph of a package: cycles between its modules, and imports made inside functions.

Usage: ``python scripts/import_graph.py [PACKAGE_DIR] [--json] [--strict]`` (default: ``ent_lite``
next to this script's folder). Exit code 1 when a cycle exists; with ``--strict``, also when a
function-level import is not marked as deliberately lazy.

What it keeps true: every import counts, wherever it sits (module top, class body, function,
method), because an import hidden in a function still makes the two modules depend on each other;
hiding it only moves the failure from import time to the first call. A package's ``__init__``
importing its own submodules is an edge like any other. ``from pkg import name`` points at
``pkg.name`` when that is a module (as ``import pkg.name`` does), otherwise at ``pkg``, whose
``__init__`` defines it.
``import a.b.c`` and ``from a.b.c import x`` point at ``a.b.c`` only: Python also runs the parents'
``__init__`` first, but counting that would make every package that exposes its submodules a
cycle. Imports under ``if TYPE_CHECKING:`` never run and are left out.

A function-level import that is lazy for a reason other than a cycle (an optional heavy library
needed by one command) says so with a ``# lazy import: <why>`` comment on its line or the line
just above; it is listed apart and ``--strict`` accepts it.
"""
from __future__ import annotations

import argparse
import ast
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

LAZY_MARK = "# lazy import:"


@dataclass(frozen=True)
class Import:
    source: str          # importing module, dotted
    target: str          # imported module, absolute dotted name
    path: str            # file of the importing module, relative to the package's parent
    line: int
    in_function: bool
    lazy_reason: str     # text after LAZY_MARK, "" when unmarked


def module_names(package_dir: Path) -> dict[str, Path]:
    """Dotted name -> file for every module of the package (``__init__`` names the package)."""
    root = package_dir.parent
    names = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


class _Collector(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool, path: str, lines: list[str]):
        self.module, self.is_package, self.path, self.lines = module, is_package, path, lines
        self.depth = 0
        self.found: list[Import] = []

    def _scope(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _scope

    def visit_If(self, node: ast.If):
        test = node.test
        name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", None)
        if name == "TYPE_CHECKING":
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import):
        for alias in node.names:
            self._add(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom):
        base = node.module or ""
        if node.level:
            package = self.module.split(".")
            if not self.is_package:
                package.pop()
            package = package[: len(package) - (node.level - 1)]
            base = ".".join(package + ([base] if base else []))
        for alias in node.names:
            # Kept as "base:name": whether name is a submodule is decided once every module is known.
            self._add(node, f"{base}:{alias.name}")

    def _add(self, node, target: str):
        self.found.append(Import(self.module, target, self.path, node.lineno, self.depth > 0,
                                 self._lazy_reason(node.lineno)))

    def _lazy_reason(self, line: int) -> str:
        for text in self.lines[line - 1: line] + self.lines[max(line - 2, 0): line - 1]:
            if LAZY_MARK in text:
                return text.split(LAZY_MARK, 1)[1].strip()
        return ""


def collect_imports(package_dir: Path) -> tuple[dict[str, Path], list[Import]]:
    """Every import statement of the package, its targets resolved to dotted names."""
    modules = module_names(package_dir)
    root = package_dir.parent
    imports = []
    for module, path in modules.items():
        source = path.read_text(encoding="utf-8")
        collector = _Collector(module, path.name == "__init__.py", str(path.relative_to(root)),
                               source.splitlines())
        collector.visit(ast.parse(source, filename=str(path)))
        imports.extend(collector.found)
    resolved = {edge: None for found in imports for edge in _resolve(found, modules)}
    return modules, list(resolved)


def _resolve(found: Import, modules: dict[str, Path]) -> list[Import]:
    if ":" in found.target:
        base, name = found.target.split(":", 1)
        targets = [f"{base}.{name}" if f"{base}.{name}" in modules else base]
    else:
        # ``import a.b.c`` binds ``a`` but runs ``a.b.c``: the deepest known module is the edge.
        target = found.target
        while target not in modules and "." in target:
            target = target.rsplit(".", 1)[0]
        targets = [target]
    return [Import(found.source, target, found.path, found.line, found.in_function, found.lazy_reason)
            for target in targets]


def internal_edges(modules: dict[str, Path], imports: list[Import]) -> dict[str, list[Import]]:
    """Importing module -> its imports of other modules of the package."""
    graph: dict[str, list[Import]] = {name: [] for name in modules}
    for found in imports:
        if found.target in modules and found.target != found.source:
            graph[found.source].append(found)
    return graph


def strongly_connected(graph: dict[str, list[Import]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (the recursion would follow import chains of any depth)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted({e.target for e in graph[start]})))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted({e.target for e in graph[target]}))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(sorted(component))
    return components


def analyse(package_dir: Path) -> dict:
    """Cycles (each with the imports that close it) and function-level imports of the package."""
    modules, imports = collect_imports(package_dir)
    graph = internal_edges(modules, imports)
    cycles = []
    for component in strongly_connected(graph):
        if len(component) < 2:
            continue
        members = set(component)
        edges = [e for name in component for e in graph[name] if e.target in members]
        cycles.append({"modules": component, "edges": [asdict(e) for e in edges]})
    cycles.sort(key=lambda cycle: cycle["modules"])
    statements: dict[tuple[str, int], dict] = {}
    for found in imports:
        if found.in_function:
            statement = statements.setdefault((found.path, found.line), {
                "path": found.path, "line": found.line, "source": found.source, "targets": [],
                "lazy_reason": found.lazy_reason})
            statement["targets"].append(found.target)
    return {
        "modules": len(modules),
        "cycles": cycles,
        "function_imports": [s for s in statements.values() if not s["lazy_reason"]],
        "lazy_imports": [s for s in statements.values() if s["lazy_reason"]],
    }


def _print_report(report: dict) -> None:
    print(f"{report['modules']} modules, {len(report['cycles'])} cycles, "
          f"{len(report['function_imports'])} function-level imports, "
          f"{len(report['lazy_imports'])} marked lazy")
    for number, cycle in enumerate(report["cycles"], 1):
        print(f"\ncycle {number}: {' '.join(cycle['modules'])}")
        for edge in cycle["edges"]:
            where = "function" if edge["in_function"] else "top"
            print(f"  {edge['path']}:{edge['line']}  {edge['source']} -> {edge['target']}  ({where})")
    if report["function_imports"]:
        print("\nfunction-level imports:")
        for found in report["function_imports"]:
            print(f"  {found['path']}:{found['line']}  {', '.join(found['targets'])}")
    if report["lazy_imports"]:
        print("\nfunction-level imports marked lazy:")
        for found in report["lazy_imports"]:
            print(f"  {found['path']}:{found['line']}  {', '.join(found['targets'])}  ({found['lazy_reason']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", nargs="?", type=Path,
                        default=Path(__file__).resolve().parent.parent / "ent_lite")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--strict", action="store_true",
                        help="also fail on function-level imports not marked lazy")
    args = parser.parse_args(argv)
    report = analyse(args.package.resolve())
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print_report(report)
    failed = bool(report["cycles"]) or (args.strict and bool(report["function_imports"]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
