"""The house keeps its shape: imports run down the floors of DESIGN.md, no module imports
itself in a circle, and no module grows past 400 lines (then it becomes a package)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# A module imports only from its own app or from an app on a lower floor.
FLOORS = {
    "activity": 1,
    "agencies": 2,
    "cases": 3,
    "meetings": 4,
    "tips": 4,
    "reports": 5,
    "frontend": 6,
    "portal": 7,
    "bench": 8,
}
MAX_LINES = 400


def modules() -> dict[str, Path]:
    found = {}
    for app in FLOORS:
        for path in sorted((ROOT / app).rglob("*.py")) if (ROOT / app).is_dir() else []:
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Every project module ``path`` imports, at the top or inside a function."""
    targets = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            named = {f"{node.module}.{alias.name}" for alias in node.names} & known
            targets |= named or {node.module}
    return {target for target in targets if target.split(".")[0] in FLOORS}


MODULES = modules()
GRAPH = {name: imports_of(path, set(MODULES)) for name, path in MODULES.items()}


def test_imports_run_down_the_floors():
    upward = [
        f"{name} -> {target}"
        for name, targets in GRAPH.items()
        for target in targets
        if (app := name.split(".")[0]) != (other := target.split(".")[0])
        and FLOORS[other] >= FLOORS[app]
    ]
    assert upward == []


def test_no_module_imports_itself_in_a_circle():
    edges = {
        name: {t for t in targets if t in GRAPH and t != name} for name, targets in GRAPH.items()
    }
    cycles, state = [], {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(edges[node]):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_past_400_lines(name):
    lines = len(MODULES[name].read_text().splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines: make it a package"


def test_the_check_sees_an_upward_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from frontend import views\n\ndef f():\n    from meetings import access\n")
    assert imports_of(bad, set(MODULES)) >= {"frontend.views", "meetings.access"}
