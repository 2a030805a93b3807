"""The DuckDB warehouse: schema, transactional idempotent loads, its status, and how a write
reaches readers without ever blocking them.

Readers never wait for a writer: a write (:func:`writing`) copies the current version of the
warehouse to a new file, loads into that, and when it has fully succeeded points the warehouse path
— a symbolic link, ``warehouse.duckdb → warehouse.v<time>.duckdb`` — at the new file with one
atomic rename. A reader resolves the link when it opens a connection, so it sees one whole version,
old or new, and never a lock held by the writer; a failed or killed write leaves the link where it
was. Writers take turns on a lock file beside the warehouse. A plain warehouse file from an older
vilka becomes the first version on the first write.

DuckDB cannot delete and re-insert a key under a PRIMARY KEY inside one transaction (its index
checks eagerly), and it cannot update LIST columns in place. So the key (source, source_id) is kept
unique by the load itself: inside one transaction it deletes the incoming keys and inserts the new
rows. Either the whole load lands or nothing does; a re-run replaces rows instead of adding them.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from pipelines.schema import COLUMNS, FLAGS, VACANCY

_LIST_FROM_TEXT = {"flags", "title_tags"}  # carried as comma-joined text through pandas, stored as lists


def _ddl() -> list[str]:
    cols = ",\n  ".join(f"{c.name} {c.sql}" for c in VACANCY)
    return [
        f"CREATE TABLE IF NOT EXISTS vacancies (\n  {cols}\n)",
        """CREATE TABLE IF NOT EXISTS official_wages (
             region_iso VARCHAR NOT NULL, period DATE NOT NULL, kind VARCHAR NOT NULL,
             wage_rub DOUBLE, source VARCHAR)""",
        """CREATE TABLE IF NOT EXISTS loads (
             load_id BIGINT, source VARCHAR, note VARCHAR, started_at TIMESTAMPTZ,
             finished_at TIMESTAMPTZ, rows_in BIGINT, rows_new BIGINT, rows_replaced BIGINT,
             duplicates_in_batch BIGINT)""",
    ]


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (creating the schema when writable); memory is capped so a big
    warehouse does not grow the process that reads it."""
    path = Path(path)
    if read_only and not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `python -m pipelines load-snapshot`")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute("SET memory_limit = '1GB'")
    con.execute("SET threads = 2")
    if not read_only:
        for stmt in _ddl():
            con.execute(stmt)
        # a warehouse made by an older vilka gains the columns added to the schema since (empty
        # until the rows are loaded again: `python -m pipelines rebuild`)
        for c in VACANCY:
            con.execute(f"ALTER TABLE vacancies ADD COLUMN IF NOT EXISTS {c.name} {c.sql.replace(' NOT NULL', '')}")
    return con


def current(target: Path | str) -> Path:
    """The version file the warehouse path points at now (the path itself for a plain file)."""
    target = Path(target)
    return target.resolve() if target.is_symlink() else target


def _versions(target: Path) -> list[Path]:
    return sorted(target.parent.glob(f"{target.stem}.v*{target.suffix}"))


def _remove(path: Path) -> None:
    for p in (path, Path(f"{path}.wal")):
        p.unlink(missing_ok=True)


@contextmanager
def writing(target: Path | str, fresh: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable connection to a new version of the warehouse at ``target``: a copy of the current
    one (``fresh``: an empty one), made current only if the block completes. One writer at a time;
    readers keep reading the version they opened. Versions older than the one replaced (and files
    left by killed writers) are removed."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another writer: wait for it
        base = current(target) if target.exists() else None
        new = target.parent / f"{target.stem}.v{datetime.now(UTC):%Y%m%dT%H%M%S%f}{target.suffix}"
        try:
            if base is not None and not fresh:
                if Path(f"{base}.wal").exists():  # a plain file left mid-write by an older vilka
                    duckdb.connect(str(base)).close()  # replays and checkpoints its log
                shutil.copyfile(base, new)
            con = connect(new)
            try:
                yield con
                con.execute("CHECKPOINT")
            finally:
                con.close()
            link = target.parent / f".{target.name}.link-{os.getpid()}"
            link.unlink(missing_ok=True)
            link.symlink_to(new.name)
            os.replace(link, target)  # the switch readers see: atomic
        except BaseException:
            _remove(new)
            raise
        keep = {new.resolve(), base.resolve() if base is not None else None}  # the one replaced: readers in flight
        for old in _versions(target):
            if old.resolve() not in keep:
                _remove(old)


@dataclass(frozen=True)
class LoadResult:
    source: str
    rows_in: int
    rows_new: int
    rows_replaced: int
    duplicates_in_batch: int
    total_rows: int


def _select_list() -> str:
    parts = []
    for c in VACANCY:
        if c.name in _LIST_FROM_TEXT:
            parts.append(f"CASE WHEN coalesce({c.name}, '') = '' THEN []::VARCHAR[] "
                         f"ELSE string_split({c.name}, ',') END AS {c.name}")
        else:
            parts.append(f"CAST({c.name} AS {c.sql.replace(' NOT NULL', '')}) AS {c.name}")
    return ", ".join(parts)


def load(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, source: str, note: str = "") -> LoadResult:
    """Upsert canonical rows in one transaction; on any error the warehouse is left as it was."""
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks canonical columns: {missing}")
    started = datetime.now(UTC)
    batch = pa.Table.from_pandas(frame[list(COLUMNS)], preserve_index=False)
    con.register("incoming_raw", batch)
    try:
        con.execute("BEGIN TRANSACTION")
        # Within a batch the same vacancy may appear twice (pages shift while paging): keep the newest.
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE incoming AS
            SELECT {_select_list()} FROM incoming_raw
            QUALIFY row_number() OVER (PARTITION BY source, source_id
                                       ORDER BY published_at DESC NULLS LAST) = 1""")
        rows_in = len(frame)
        unique_in = con.execute("SELECT count(*) FROM incoming").fetchone()[0]
        replaced = con.execute("""
            SELECT count(*) FROM vacancies v JOIN incoming i
            ON v.source = i.source AND v.source_id = i.source_id""").fetchone()[0]
        con.execute("""DELETE FROM vacancies USING incoming i
                       WHERE vacancies.source = i.source AND vacancies.source_id = i.source_id""")
        con.execute(f"INSERT INTO vacancies ({', '.join(COLUMNS)}) SELECT {', '.join(COLUMNS)} FROM incoming")
        load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone()[0]
        con.execute("INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [load_id, source, note, started, datetime.now(UTC), rows_in,
                     unique_in - replaced, replaced, rows_in - unique_in])
        con.execute("DROP TABLE incoming")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("incoming_raw")
    total = con.execute("SELECT count(*) FROM vacancies").fetchone()[0]
    return LoadResult(source, rows_in, unique_in - replaced, replaced, rows_in - unique_in, total)


def load_official_wages(con: duckdb.DuckDBPyConnection, wages: pd.DataFrame) -> int:
    """Replace the official wage table (Rosstat, gross monthly roubles) in one transaction: it is
    reference data published as a whole, so a reload swaps it rather than merging."""
    cols = ["region_iso", "period", "kind", "wage_rub", "source"]
    batch = pa.Table.from_pandas(wages[cols], preserve_index=False)
    con.register("wages_in", batch)
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM official_wages")
        con.execute("""INSERT INTO official_wages SELECT region_iso, CAST(period AS DATE), kind,
                       CAST(wage_rub AS DOUBLE), source FROM wages_in""")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("wages_in")
    return len(wages)


def status(con: duckdb.DuckDBPyConnection) -> dict:
    """What the warehouse holds: rows per source, flagged rows per reason, freshness, last load."""
    per_source = con.execute("""
        SELECT source, count(*) AS rows, min(published_at) AS oldest, max(published_at) AS newest,
               count(*) FILTER (WHERE len(flags) = 0) AS usable
        FROM vacancies GROUP BY source ORDER BY source""").fetchall()
    flags = dict(con.execute("""
        SELECT f, count(*) FROM (SELECT unnest(flags) AS f FROM vacancies) GROUP BY f ORDER BY 2 DESC
    """).fetchall())
    last = con.execute("""SELECT load_id, source, note, finished_at, rows_in, rows_new, rows_replaced,
                                 duplicates_in_batch
                          FROM loads ORDER BY load_id DESC LIMIT 1""").fetchone()
    dupes = con.execute("""SELECT count(*) FROM (SELECT source, source_id FROM vacancies
                           GROUP BY ALL HAVING count(*) > 1)""").fetchone()[0]
    iso = lambda v: v.isoformat() if v is not None else None  # noqa: E731
    return {
        "total_rows": sum(r[1] for r in per_source),
        "sources": [{"source": s, "rows": n, "usable": u, "published_from": iso(a), "published_to": iso(b)}
                    for s, n, a, b, u in per_source],
        "flagged": {k: int(flags.get(k, 0)) for k in FLAGS},
        "newest_published_at": iso(max((r[3] for r in per_source if r[3] is not None), default=None)),
        "last_load": None if last is None else {
            "load_id": last[0], "source": last[1], "note": last[2], "finished_at": iso(last[3]),
            "rows_in": last[4], "rows_new": last[5], "rows_replaced": last[6],
            "duplicates_in_batch": last[7]},
        "duplicate_keys": int(dupes),
    }


def status_json(con: duckdb.DuckDBPyConnection) -> str:
    return json.dumps(status(con), ensure_ascii=False, indent=2)


__all__ = ["LoadResult", "asdict", "connect", "current", "load", "status", "status_json", "writing"]
