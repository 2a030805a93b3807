"""The Parquet lake: the warehouse as a directory of Parquet files that any number of app replicas
read through DuckDB (read-only, in memory, no file locks), written by the Spark rebuild
(``pipelines.spark_rebuild``) or exported from the DuckDB warehouse (``rebuild --lake``).

Layout (``<lake>`` is the path the user names, e.g. ``data/lake``)::

    <lake>                  → a symbolic link to the current version, e.g. lake.v20260101T120000123456
    <lake>.v<time>/
        manifest.json       schema version, rows per source, time, engine
        vacancies/source=<source>/pub_month=<YYYY-MM | none>/*.parquet   (schema.STORED_COLUMNS)
        official_wages/official_wages.parquet
        loads/loads.parquet
        refreshes/refreshes.parquet

Swap rule (same as ``warehouse.writing``): a build writes into ``<lake>.tmp-<id>/``; only when
every file and the manifest are written is the directory renamed to ``<lake>.v<time>/`` and the
link ``<lake>`` replaced with one atomic ``rename(2)`` of a new link over it. A reader resolves the
link once per connection, so it sees one whole version; a failed or killed build leaves the link
where it was (its ``.tmp-`` directory is removed, or swept by the next build). The version replaced
stays on disk for ``KEEP_SECONDS`` so page runs that started on it can finish; older ones go.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.schema import STORED, STORED_COLUMNS

MANIFEST = "manifest.json"
SCHEMA_VERSION = 1
KEEP_SECONDS = 600
TABLES = ("official_wages", "loads", "refreshes")
PARTITIONS = ("source", "pub_month")
NO_MONTH = "none"  # the pub_month of rows without a publication date


def is_lake(path: str | os.PathLike[str] | None) -> bool:
    """A lake: a directory (or a link to one) holding a ``manifest.json``."""
    if path is None:
        return False
    p = Path(path)
    return p.is_dir() and (p / MANIFEST).is_file()


def current(path: str | os.PathLike[str]) -> Path:
    """The version directory the lake path points at now (the path itself for a plain directory)."""
    return Path(path).resolve()


def manifest(path: str | os.PathLike[str]) -> dict:
    return json.loads((current(path) / MANIFEST).read_text("utf-8"))


def _ddl_types() -> dict[str, str]:
    return {c.name: c.sql.replace(" NOT NULL", "") for c in STORED}


def _empty_table_sql(name: str) -> str:
    """The DuckDB warehouse's DDL for a side table (so an absent file still reads as that table)."""
    from pipelines.warehouse import _ddl

    for stmt in _ddl():
        if f"EXISTS {name} (" in stmt:
            return stmt.replace("CREATE TABLE IF NOT EXISTS", "CREATE TEMP TABLE")
    raise KeyError(name)


def create_views(con: duckdb.DuckDBPyConnection, lake: str | os.PathLike[str]) -> None:
    """Views ``vacancies``, ``official_wages``, ``loads`` and ``refreshes`` over one version of the
    lake (resolved once, here), with the DuckDB warehouse's column names, order and types."""
    root = current(lake)
    types = _ddl_types()
    cols = ", ".join(f"CAST({c} AS {types[c]}) AS {c}" for c in STORED_COLUMNS)
    glob = str(root / "vacancies" / "**" / "*.parquet").replace("'", "''")
    con.execute(f"""CREATE OR REPLACE VIEW vacancies AS SELECT {cols}
                    FROM read_parquet('{glob}', hive_partitioning = true,
                                      hive_types = {{'source': VARCHAR, 'pub_month': VARCHAR}})""")
    for name in TABLES:
        f = root / name / f"{name}.parquet"
        if f.exists():
            con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet('{str(f).replace(chr(39), chr(39) * 2)}')")
        else:
            con.execute(_empty_table_sql(name))


def connect(lake: str | os.PathLike[str], memory_limit: str = "1GB") -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection reading the lake (nothing is locked; any number of readers)."""
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET threads = 2")
    create_views(con, lake)
    return con


def _versions(lake: Path) -> list[Path]:
    return sorted(p for p in lake.parent.glob(f"{lake.name}.v*") if p.is_dir())


@contextmanager
def publishing(lake: str | os.PathLike[str], engine: str) -> Iterator[Path]:
    """A fresh directory to build the next version of the lake in; made current (see the module
    docstring) only when the block completes, with ``manifest.json`` written last."""
    lake = Path(lake)
    lake.parent.mkdir(parents=True, exist_ok=True)
    tmp = lake.parent / f"{lake.name}.tmp-{uuid.uuid4().hex[:12]}"
    tmp.mkdir()
    try:
        yield tmp
        write_manifest(tmp, engine)
        new = lake.parent / f"{lake.name}.v{datetime.now(UTC):%Y%m%dT%H%M%S%f}"
        os.rename(tmp, new)
        if lake.exists() and not lake.is_symlink():  # a plain directory: it becomes a version
            os.rename(lake, lake.parent / f"{lake.name}.v00000000T000000000000-plain")
        link = lake.parent / f".{lake.name}.link-{os.getpid()}"
        link.unlink(missing_ok=True)
        link.symlink_to(new.name)
        base = lake.resolve() if lake.is_symlink() else None
        os.replace(link, lake)  # the switch readers see: atomic
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    keep = {new.resolve(), base}
    recent = datetime.now(UTC).timestamp() - KEEP_SECONDS
    for old in _versions(lake):
        if old.resolve() not in keep and old.stat().st_mtime < recent:
            shutil.rmtree(old, ignore_errors=True)
    for stale in lake.parent.glob(f"{lake.name}.tmp-*"):  # killed builds
        if stale.stat().st_mtime < recent:
            shutil.rmtree(stale, ignore_errors=True)


def write_manifest(root: Path, engine: str) -> dict:
    con = duckdb.connect()
    try:
        create_views(con, root)
        per_source = dict(con.execute("SELECT source, count(*) FROM vacancies GROUP BY 1 ORDER BY 1").fetchall())
    finally:
        con.close()
    m = {"schema_version": SCHEMA_VERSION, "engine": engine, "built_at": datetime.now(UTC).isoformat(),
         "rows": sum(per_source.values()), "rows_per_source": per_source,
         "columns": list(STORED_COLUMNS), "partitioned_by": list(PARTITIONS)}
    (root / MANIFEST).write_text(json.dumps(m, ensure_ascii=False, indent=2), "utf-8")
    return m


def pub_month_sql(col: str = "published_at") -> str:
    return f"coalesce(strftime(timezone('UTC', {col}), '%Y-%m'), '{NO_MONTH}')"


def write_side_tables(root: Path, con: duckdb.DuckDBPyConnection) -> None:
    """``official_wages``, ``loads`` and ``refreshes`` of ``con`` (tables or views) as Parquet."""
    for name in TABLES:
        (root / name).mkdir(parents=True, exist_ok=True)
        out = str(root / name / f"{name}.parquet").replace("'", "''")
        con.execute(f"COPY (SELECT * FROM {name}) TO '{out}' (FORMAT parquet)")


def export_warehouse(warehouse_file: str | os.PathLike[str], lake: str | os.PathLike[str]) -> dict:
    """The same lake from a DuckDB warehouse (``rebuild --engine duckdb --lake PATH``): DuckDB's
    ``COPY … (FORMAT parquet, PARTITION_BY (source, pub_month))``, published with the swap rule."""
    from pipelines import warehouse

    src = warehouse.current(warehouse_file)
    con = duckdb.connect(str(src), read_only=True)
    try:
        con.execute("SET threads = 2")
        with publishing(lake, "duckdb") as root:
            out = str(root / "vacancies").replace("'", "''")
            con.execute(f"""COPY (SELECT {', '.join(STORED_COLUMNS)}, {pub_month_sql()} AS pub_month
                                  FROM vacancies ORDER BY source, source_id)
                            TO '{out}' (FORMAT parquet, PARTITION_BY (source, pub_month))""")
            write_side_tables(root, con)
    finally:
        con.close()
    return manifest(lake)


def side_tables_frame_con(loads: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding the warehouse's side tables for a lake built without one:
    Rosstat's official wages (shipped), the given ``loads`` rows, no refreshes."""
    from pipelines.sources import rosstat
    from pipelines.warehouse import _ddl, load_official_wages

    con = duckdb.connect()
    for stmt in _ddl():
        con.execute(stmt)
    load_official_wages(con, rosstat.official_wages())
    if len(loads):
        con.register("loads_in", loads)
        con.execute("INSERT INTO loads SELECT * FROM loads_in")
        con.unregister("loads_in")
    return con
