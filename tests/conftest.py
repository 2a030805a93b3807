"""Shared fixtures: a warehouse built once from the embedded snapshot, through the real CLI path."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def snapshot_warehouse(tmp_path_factory) -> Path:
    """The embedded dataset loaded into a fresh warehouse (read-only use: copy it to modify)."""
    from pipelines.jobs import load_snapshot

    path = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    load_snapshot(path)
    return path
