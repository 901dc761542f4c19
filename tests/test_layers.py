"""The layering contract (docs/design-layers.md), read from the source with `ast`: every import of every module outside
.venv, node_modules, tests and migrations, top-level and inside functions alike.

- `access` (roles and scopes) imports no package of the project;
- `config` (the shared base) imports no domain app, except its URL maps, which put the apps' views together;
- a domain app imports only `access`, `config` and the domain apps below it: parks < enterprises < registry;
- no import cycle between the project's top-level packages.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".venv", "node_modules", "tests", "migrations", ".git"}
DOMAIN = ("parks", "enterprises", "registry")  # lowest first
BASE = ("access", "config")
URL_MAPS = {"config/urls.py", "config/api/urls.py"}
# Imports allowed against the layers, each with its reason: none.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def sources() -> list[Path]:
    """Every project .py file the contract covers."""
    return sorted(path for path in ROOT.rglob("*.py")
                  if not SKIPPED.intersection(path.relative_to(ROOT).parts[:-1]))


def package_of(path: Path) -> list[str]:
    """The dotted package a file's relative imports start from."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return parts if parts[-1] == "__init__" and parts.pop() is not None else parts[:-1]


def imported(path: Path) -> set[str]:
    """The absolute names of the modules a file imports (relative imports resolved)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = package_of(path)
                package = package[:len(package) - node.level + 1]
                base = ".".join([*package, *([base] if base else [])])
            names.add(base)
    return names


def project_imports() -> list[tuple[str, str, str]]:
    """(file, its top-level package, imported module) for every import of a project package."""
    own = {path.relative_to(ROOT).parts[0].removesuffix(".py") for path in sources()}
    found = []
    for path in sources():
        rel = path.relative_to(ROOT).as_posix()
        top = rel.split("/")[0].removesuffix(".py")
        for name in imported(path):
            if name.split(".")[0] in own:
                found.append((rel, top, name))
    return found


def allowed(rel: str, top: str, target: str) -> bool:
    """Whether a file of package `top` may import top-level package `target`."""
    if target == top or (rel, target) in EXCEPTIONS:
        return True
    if top == "access":
        return False
    if top == "config":
        return target == "access" or (target in DOMAIN and rel in URL_MAPS)
    if top in DOMAIN:
        return target in BASE or (target in DOMAIN and DOMAIN.index(target) < DOMAIN.index(top))
    return True  # tools above every layer (bench, scripts, manage.py) may import any of it


def test_imports_follow_the_layers():
    """No module imports a package its layer may not."""
    wrong = sorted(f"{rel} imports {name}" for rel, top, name in project_imports()
                   if not allowed(rel, top, name.split(".")[0]))
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_no_cycle_between_top_level_packages():
    """The graph of imports between top-level packages has no cycle. The URL maps are a node of their own, the top
    of the graph: they put every app's views together, and nothing imports them."""
    graph: dict[str, set[str]] = {}
    for rel, top, name in project_imports():
        source = "config.urls" if rel in URL_MAPS else top
        target = "config.urls" if name in {"config.urls", "config.api.urls"} else name.split(".")[0]
        if target != source:
            graph.setdefault(source, set()).add(target)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or (nxt not in seen and not seen.add(nxt) and reaches(nxt, goal, seen))
                   for nxt in graph.get(start, ()))

    cycles = sorted(top for top in graph if reaches(top, top, set()))
    assert not cycles, f"packages on an import cycle: {cycles}, graph: {graph}"


def test_the_contract_reads_the_whole_tree():
    """The contract covers every layer and reads imports of every kind, so it cannot pass by reading nothing."""
    files = {path.relative_to(ROOT).as_posix() for path in sources()}
    for package in (*BASE, *DOMAIN):
        assert f"{package}/__init__.py" in files
    assert not any(part in SKIPPED for rel in files for part in rel.split("/")[:-1])
    found = project_imports()
    assert any(rel in URL_MAPS and name.split(".")[0] in DOMAIN for rel, _top, name in found)  # absolute imports
    assert ("enterprises/scopes.py", "enterprises", "enterprises.models") in found  # a relative one, resolved
    assert ("enterprises/apps.py", "enterprises", "config.usernames") in found  # one inside a function
