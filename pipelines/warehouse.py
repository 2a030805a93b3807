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

from pipelines.schema import COLUMNS, FLAGS, LIFECYCLE, STORED, STORED_COLUMNS, VACANCY

_LIST_FROM_TEXT = {"flags", "title_tags"}  # carried as comma-joined text through pandas, stored as lists


def _ddl() -> list[str]:
    cols = ",\n  ".join(f"{c.name} {c.sql}" for c in STORED)
    return [
        f"CREATE TABLE IF NOT EXISTS vacancies (\n  {cols}\n)",
        """CREATE TABLE IF NOT EXISTS official_wages (
             region_iso VARCHAR NOT NULL, period DATE NOT NULL, kind VARCHAR NOT NULL,
             wage_rub DOUBLE, source VARCHAR)""",
        """CREATE TABLE IF NOT EXISTS loads (
             load_id BIGINT, source VARCHAR, note VARCHAR, started_at TIMESTAMPTZ,
             finished_at TIMESTAMPTZ, rows_in BIGINT, rows_new BIGINT, rows_replaced BIGINT,
             duplicates_in_batch BIGINT)""",
        # one row per finished `python -m pipelines refresh` (a failed run writes nothing): what it
        # covered, whether it closed what it no longer saw, and its counts; --new-only starts from
        # the latest one that covers its scope
        """CREATE TABLE IF NOT EXISTS refreshes (
             run_id VARCHAR, mode VARCHAR, started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ,
             date_from TIMESTAMPTZ, regions VARCHAR[], roles VARCHAR[], sources VARCHAR[],
             closes BOOLEAN, slices_incomplete BIGINT, rows_in BIGINT, rows_new BIGINT,
             rows_updated BIGINT, rows_reopened BIGINT, rows_closed BIGINT, requests BIGINT,
             seconds DOUBLE)""",
    ]


def _add_missing_columns(con: duckdb.DuckDBPyConnection) -> None:
    """A warehouse made by an older vilka gains the columns added to the schema since (empty until
    the rows are loaded again: `python -m pipelines rebuild`). Rows that predate the lifecycle
    columns were never tracked: they get first_seen_at = their publication (else load) time and no
    last_seen_at, like the embedded snapshot — so no refresh closes them on a guess."""
    have = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() "
                                      "WHERE table_name = 'vacancies'").fetchall()}
    for c in STORED:
        if c.name not in have:
            con.execute(f"ALTER TABLE vacancies ADD COLUMN {c.name} {c.sql.replace(' NOT NULL', '')}")
    if "first_seen_at" not in have:
        con.execute("UPDATE vacancies SET first_seen_at = coalesce(published_at, loaded_at)")


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
        _add_missing_columns(con)
    return con


DatabaseError = duckdb.Error  # what DuckDB raises, for callers that must not import duckdb


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Undo an open transaction; when it is already gone (a COMMIT that failed, e.g. on a full
    disk, ends it) say nothing, so the error that matters is the one the person sees."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass


def describe_error(path: Path | str, exc: BaseException) -> str:
    """One line for a person: what is wrong with the warehouse at ``path``, not DuckDB's traceback."""
    text = str(exc)
    if isinstance(exc, OSError) and exc.errno == 28 or "No space left" in text:
        return f"{path}: disk full — free some space and run the command again (nothing was changed)"
    if Path(path).is_dir():
        return f"{path}: is a directory, not a vilka warehouse"
    if "lock" in text.lower():
        return f"{path}: another vilka process is writing this warehouse; try again in a minute"
    if isinstance(exc, duckdb.Error) and any(w in text for w in ("not a valid DuckDB", "database file", "Catalog Error",
                                                                  "does not exist", "Serialization", "IO Error")):
        return f"{path}: not a vilka warehouse ({text.splitlines()[0][:160]})"
    return f"{path}: {type(exc).__name__}: {text.splitlines()[0][:200] if text else ''}"


def current(target: Path | str) -> Path:
    """The version file the warehouse path points at now (the path itself for a plain file)."""
    target = Path(target)
    return target.resolve() if target.is_symlink() else target


def _versions(target: Path) -> list[Path]:
    return sorted(target.parent.glob(f"{target.stem}.v*{target.suffix}"))


KEEP_SECONDS = 600  # how long a replaced version stays readable for page runs that started on it


def _complete(path: Path) -> bool:
    """A finished version (not the leftovers of a killed writer): no log beside it."""
    return not Path(f"{path}.wal").exists()


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
        # keep the one replaced and any made in the last KEEP_SECONDS: a page run that resolved an older
        # version still opens it for its later queries (files of killed writers go too)
        keep = {new.resolve(), base.resolve() if base is not None else None}
        recent = datetime.now(UTC).timestamp() - KEEP_SECONDS
        for old in _versions(target):
            if old.resolve() not in keep and (old.stat().st_mtime < recent or not _complete(old)):
                _remove(old)


@dataclass(frozen=True)
class LoadResult:
    source: str
    rows_in: int
    rows_new: int
    rows_replaced: int
    duplicates_in_batch: int
    total_rows: int
    rows_reopened: int = 0  # of the replaced rows: closed before, seen open again by this load


def _select_list() -> str:
    parts = []
    for c in VACANCY:
        if c.name in _LIST_FROM_TEXT:
            parts.append(f"CASE WHEN coalesce({c.name}, '') = '' THEN []::VARCHAR[] "
                         f"ELSE string_split({c.name}, ',') END AS {c.name}")
        else:
            parts.append(f"CAST({c.name} AS {c.sql.replace(' NOT NULL', '')}) AS {c.name}")
    return ", ".join(parts)


# The lifecycle of an incoming row from its prior version ``p`` (NULLs when new) and the load's
# ``$seen`` (the harvest time; NULL for data vilka did not see live: snapshot, imports, uploads).
_LIFECYCLE_SQL = {
    # kept on updates; new: the harvest time, or for a dataset the publication (else load) time
    "first_seen_at": "coalesce(p.first_seen_at, $seen, i.published_at, i.loaded_at)",
    # the latest live sighting; a dataset's copy of a vacancy is not a sighting
    "last_seen_at": "greatest(p.last_seen_at, $seen)",
    # seen open at or after it was declared closed: reopened
    "closed_at": "CASE WHEN $seen IS NOT NULL AND p.closed_at <= $seen THEN NULL ELSE p.closed_at END",
}
assert tuple(_LIFECYCLE_SQL) == tuple(c.name for c in LIFECYCLE)


def load(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, source: str, note: str = "",
         seen_at: datetime | None = None) -> LoadResult:
    """Upsert canonical rows in one transaction; on any error the warehouse is left as it was.

    ``seen_at`` is the time of the harvest that returned these rows open (a live sighting): new rows
    get it as first_seen_at, every row as last_seen_at, and a closed row is reopened. Leave it None
    for data vilka did not see live (the snapshot, imported dumps): their lifecycle is kept as it
    was, and new ones get first_seen_at = published_at and no last_seen_at (see pipelines.schema).
    """
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
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE prior AS
            SELECT v.source, v.source_id, {', '.join(f'v.{c.name}' for c in LIFECYCLE)}
            FROM vacancies v SEMI JOIN incoming i ON v.source = i.source AND v.source_id = i.source_id""")
        replaced, reopened = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE CAST($seen AS TIMESTAMPTZ) >= closed_at) FROM prior",
            {"seen": seen_at}).fetchone()
        con.execute("""DELETE FROM vacancies USING incoming i
                       WHERE vacancies.source = i.source AND vacancies.source_id = i.source_id""")
        life = ", ".join(f"{sql.replace('$seen', 'CAST($seen AS TIMESTAMPTZ)')} AS {name}"
                         for name, sql in _LIFECYCLE_SQL.items())
        con.execute(f"""
            INSERT INTO vacancies ({', '.join(STORED_COLUMNS)})
            SELECT {', '.join(f'i.{c}' for c in COLUMNS)}, {life}
            FROM incoming i LEFT JOIN prior p ON p.source = i.source AND p.source_id = i.source_id""",
                    {"seen": seen_at})
        load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone()[0]
        con.execute("INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [load_id, source, note, started, datetime.now(UTC), rows_in,
                     unique_in - replaced, replaced, rows_in - unique_in])
        con.execute("DROP TABLE incoming")
        con.execute("DROP TABLE prior")
        con.execute("COMMIT")
    except BaseException:
        _rollback(con)
        raise
    finally:
        con.unregister("incoming_raw")
    total = con.execute("SELECT count(*) FROM vacancies").fetchone()[0]
    return LoadResult(source, rows_in, unique_in - replaced, replaced, rows_in - unique_in, total, reopened)


def close_unseen(con: duckdb.DuckDBPyConnection, seen_at: datetime, coverage: pd.DataFrame,
                 source: str = "hh") -> int:
    """Close the ``source`` vacancies that a COMPLETE sweep at ``seen_at`` covered but did not return.

    ``coverage`` has one row per (hh area id, list of hh role ids) the sweep fully harvested: hh's
    search by area returns the area's whole subtree, so the caller lists every area id inside each
    swept region. A vacancy is covered when its area is listed and it has one of the roles; it is
    closed when it was seen live before (last_seen_at set) but not at ``seen_at``. Rows never seen
    live (snapshot, imports) stay as they are: nobody knows when they closed. One transaction;
    returns how many were closed."""
    if coverage.empty:
        return 0
    cov = pa.Table.from_pandas(coverage[["area_id", "roles"]].astype({"area_id": str}), preserve_index=False)
    con.register("coverage_in", cov)
    try:
        con.execute("BEGIN TRANSACTION")
        n = con.execute("""
            UPDATE vacancies SET closed_at = $seen
            FROM (SELECT DISTINCT v.source_id FROM vacancies v JOIN coverage_in c ON v.area_id = c.area_id
                  WHERE v.source = $source AND v.closed_at IS NULL AND v.last_seen_at < $seen
                    AND list_has_any(v.professional_roles, CAST(c.roles AS VARCHAR[]))) gone
            WHERE vacancies.source = $source AND vacancies.source_id = gone.source_id""",
                        {"seen": seen_at, "source": source}).fetchone()[0]
        con.execute("COMMIT")
    except BaseException:
        _rollback(con)
        raise
    finally:
        con.unregister("coverage_in")
    return int(n)


REFRESH_FIELDS = ("run_id", "mode", "started_at", "finished_at", "date_from", "regions", "roles", "sources",
                  "closes", "slices_incomplete", "rows_in", "rows_new", "rows_updated", "rows_reopened",
                  "rows_closed", "requests", "seconds")


def record_refresh(con: duckdb.DuckDBPyConnection, row: dict) -> None:
    """One finished refresh (``REFRESH_FIELDS``), written in the same version as its loads."""
    con.execute(f"INSERT INTO refreshes ({', '.join(REFRESH_FIELDS)}) VALUES ({', '.join('?' * len(REFRESH_FIELDS))})",
                [row[k] for k in REFRESH_FIELDS])


def refreshes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every finished refresh, newest first (an older warehouse without the table: none)."""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'refreshes'").fetchone()[0]
    if not exists:
        return pd.DataFrame(columns=list(REFRESH_FIELDS))
    return con.execute("SELECT * FROM refreshes ORDER BY started_at DESC").df()


def lifecycle_counts(con: duckdb.DuckDBPyConnection, seen_at: datetime | None = None) -> dict:
    """How many vacancies vilka tracks live, and of those how many are open and closed; with
    ``seen_at``: how many a harvest at that time added (first seen) and saw again (updated)."""
    have = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() "
                                      "WHERE table_name = 'vacancies'").fetchall()}
    if "last_seen_at" not in have:  # an older warehouse opened read-only: nothing tracked yet
        return dict.fromkeys(("tracked", "open", "closed", "new", "updated"), 0)
    row = con.execute("""
        SELECT count(last_seen_at), count(last_seen_at) FILTER (WHERE closed_at IS NULL),
               count(closed_at),
               count(*) FILTER (WHERE first_seen_at = $seen AND last_seen_at = $seen),
               count(*) FILTER (WHERE first_seen_at < $seen AND last_seen_at = $seen)
        FROM vacancies""", {"seen": seen_at}).fetchone()
    return {"tracked": row[0], "open": row[1], "closed": row[2], "new": row[3], "updated": row[4]}


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
        _rollback(con)
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
    life = lifecycle_counts(con)
    runs = refreshes(con)
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
        "lifecycle": {k: int(life[k]) for k in ("tracked", "open", "closed")},
        "last_refresh": None if runs.empty else {
            "run_id": runs.iloc[0]["run_id"], "mode": runs.iloc[0]["mode"],
            "finished_at": iso(runs.iloc[0]["finished_at"]), "closes": bool(runs.iloc[0]["closes"]),
            "rows_new": int(runs.iloc[0]["rows_new"]), "rows_updated": int(runs.iloc[0]["rows_updated"]),
            "rows_closed": int(runs.iloc[0]["rows_closed"])},
    }


def status_json(con: duckdb.DuckDBPyConnection) -> str:
    return json.dumps(status(con), ensure_ascii=False, indent=2)


__all__ = ["LoadResult", "asdict", "close_unseen", "connect", "current", "lifecycle_counts", "load",
           "record_refresh", "refreshes", "status", "status_json", "writing"]
