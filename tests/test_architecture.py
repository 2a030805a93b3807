"""House rules checked by parsing imports (DESIGN section 2): only sources talk HTTP, only the
warehouse/query layer talks DuckDB, pages go through analytics."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _py(*dirs: str) -> list[Path]:
    return [p for d in dirs for p in sorted((ROOT / d).rglob("*.py"))]


@pytest.mark.parametrize("path", _py("pages") + [ROOT / "app.py"], ids=lambda p: p.name)
def test_pages_do_not_import_requests_duckdb_or_pipelines(path):
    assert not _imports(path) & {"requests", "duckdb", "pipelines"}


@pytest.mark.parametrize("path", _py("pipelines", "analytics", "ui") + [ROOT / "app.py"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_only_sources_import_requests(path):
    if "sources" in path.parts:
        return
    assert "requests" not in _imports(path)


DUCKDB_ALLOWED = {"warehouse.py", "flatten.py", "lake.py"}  # lake.py: the Parquet lake is storage too


@pytest.mark.parametrize("path", _py("pipelines", "analytics", "ui", "pages"), ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_storage_layer_imports_duckdb(path):
    """The write side's warehouse and flattener, and the read side's query modules (queries*.py)."""
    if path.name in DUCKDB_ALLOWED or (path.parent.name == "analytics" and path.name.startswith("queries")):
        return
    assert "duckdb" not in _imports(path)


@pytest.mark.parametrize("path", _py("pages") + [ROOT / "app.py"], ids=lambda p: p.name)
def test_no_unsafe_html(path):
    assert "unsafe_allow_html" not in path.read_text(encoding="utf-8")
