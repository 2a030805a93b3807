"""``python -m pipelines rebuild --engine spark``: the rebuild on Spark, into a Parquet lake
(``pipelines.lake``) that any number of app replicas read.

One implementation of the transforms: Spark only distributes the project's own code. Raw hh search
pages are listed by Spark (a local folder or any path Spark and pyarrow can read: ``file:``,
``hdfs://``, ``s3://`` …); each ``mapInPandas`` task reads its pages, flattens them with
``pipelines.flatten.search_pages_frame`` and runs ``pipelines.normalise.normalise`` (with the
classifier inside it) on the batch. The embedded snapshot goes through the same ``normalise``.
Rows are then de-duplicated on ``(source, source_id)`` as the DuckDB rebuild does: a later load
replaces an earlier one (the snapshot first, then hh pages in harvest order in chunks of 200
pages, like ``jobs.rebuild``), and within one load the newest publication wins.

Not here (left to ``--engine duckdb``): the lifecycle columns — every row gets
``first_seen_at`` = its publication (else load) time and no ``last_seen_at``/``closed_at``, as a
dataset never seen live — and full vacancies (``hh/vacancy``) and Работа России pages, which the
summary counts as skipped. Workers need the vilka checkout (code and ``data/reference``) at the
same path, e.g. the same container image on Kubernetes.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from pipelines import config, lake
from pipelines.schema import COLUMNS, VACANCY

CHUNK_PAGES = 200  # jobs.rebuild loads hh pages in chunks of this many: one "load" each
ROOT = Path(__file__).resolve().parents[1]
_LISTS_FROM_TEXT = ("flags", "title_tags")


def _spark_type(sql: str):
    from pyspark.sql import types as T

    sql = sql.replace(" NOT NULL", "")
    return {"VARCHAR": T.StringType(), "DOUBLE": T.DoubleType(), "BOOLEAN": T.BooleanType(),
            "TIMESTAMPTZ": T.TimestampType(), "VARCHAR[]": T.ArrayType(T.StringType())}[sql]


def canonical_schema():
    """The Spark schema of a normalised batch (``schema.VACANCY``) plus the load priority."""
    from pyspark.sql import types as T

    return T.StructType([T.StructField(c.name, _spark_type(c.sql), True) for c in VACANCY]
                        + [T.StructField("prio", T.LongType(), False)])


def session(master: str = "local[*]", app: str = "vilka-rebuild", **conf: str):
    """A SparkSession set up for the rebuild (UTC, Arrow, Parquet timestamps as micros)."""
    from pyspark.sql import SparkSession

    path = os.environ.get("PYTHONPATH", "")
    if str(ROOT) not in path.split(os.pathsep):  # python workers import pipelines.*
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), path) if p)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    b = (SparkSession.builder.master(master).appName(app)
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.sql.execution.arrow.pyspark.enabled", "true")
         .config("spark.sql.execution.arrow.maxRecordsPerBatch", "10000")
         .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
         .config("spark.sql.sources.partitionOverwriteMode", "static")
         .config("spark.executorEnv.PYTHONPATH", os.environ["PYTHONPATH"])
         .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
         .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC"))
    for k, v in conf.items():
        b = b.config(k.replace("_", "."), v)
    return b.getOrCreate()


def _to_canonical(frame: pd.DataFrame, prio: pd.Series | int) -> pd.DataFrame:
    """A normalised frame as Spark takes it: flags and title tags as lists (as the warehouse stores
    them), lists as Python lists, and the load priority."""
    out = frame[list(COLUMNS)].copy()
    for col in _LISTS_FROM_TEXT:
        out[col] = [[] if not isinstance(v, str) or v == "" else v.split(",") for v in out[col]]
    for col in ("professional_roles", "skills"):
        out[col] = [[] if v is None else [str(x) for x in v] for v in out[col]]
    out["gross"] = out["gross"].astype(object).where(out["gross"].notna(), None)
    out["prio"] = prio
    return out


def _read_bytes(uri: str) -> bytes:
    parsed = urlparse(uri)
    if parsed.scheme in ("", "file"):
        return Path(parsed.path).read_bytes()
    from pyarrow import fs

    filesystem, path = fs.FileSystem.from_uri(uri)
    with filesystem.open_input_stream(path) as f:
        return f.read()


def _local_path(uri: str) -> str:
    parsed = urlparse(uri)
    return parsed.path if parsed.scheme in ("", "file") else uri


def page_rows(prio_of: dict[str, int], rates: dict[str, float] | None, loaded_at: datetime):
    """The ``mapInPandas`` function over batches of page paths: flatten + normalise, the project's own."""

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        from pipelines.flatten import search_pages_frame
        from pipelines.normalise import normalise

        with tempfile.TemporaryDirectory(prefix="vilka-pages-") as tmp:
            for batch in batches:
                paths = sorted(batch["path"], key=lambda u: prio_of.get(_local_path(u), 0))
                for i in range(0, len(paths), CHUNK_PAGES):
                    files, prios = [], {}
                    for j, uri in enumerate(paths[i:i + CHUNK_PAGES]):
                        local = _local_path(uri)
                        if Path(local).is_file():
                            files.append(local)
                        else:  # a remote page: copied to the task's scratch folder first
                            f = Path(tmp) / f"{j}.json"
                            f.write_bytes(_read_bytes(uri))
                            files.append(str(f))
                        prios[files[-1]] = prio_of.get(local, 0)
                    raw = search_pages_frame(files)
                    if not len(raw):
                        continue
                    prio = raw["raw_file"].map(prios).fillna(0).astype("int64")
                    yield _to_canonical(normalise(raw, rates=rates, loaded_at=loaded_at), prio.to_numpy())

    return run


def snapshot_rows(rates: dict[str, float] | None, loaded_at: datetime):
    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        from pipelines.normalise import normalise

        for batch in batches:
            if len(batch):
                yield _to_canonical(normalise(batch.reset_index(drop=True), rates=None, loaded_at=loaded_at), 0)

    return run


def page_plan(raw: str) -> tuple[str | None, dict[str, int], int]:
    """(glob of the hh search pages, load priority per local page path, pages) for ``raw``.

    A local raw folder is replayed as ``jobs.rebuild`` does (``jobs._replay_plan``: harvest order,
    chunks of 200 pages: priority 1, 2, … — later wins); unreadable pages are quarantined first.
    A remote path is taken in path order (one priority: within it the newest publication wins)."""
    from pipelines import jobs

    parsed = urlparse(raw)
    if parsed.scheme not in ("", "file"):
        return raw.rstrip("/") + "/hh/search/*/*/*.json", {}, -1
    root = Path(parsed.path)
    if not (root / "hh" / "search").is_dir():
        return None, {}, 0
    jobs.quarantine_bad_pages(root)
    prio_of, n, seq = {}, 0, 0
    for _seen, pages, _run in jobs._replay_plan(root):
        for i in range(0, len(pages), CHUNK_PAGES):
            seq += 1
            for p in pages[i:i + CHUNK_PAGES]:
                prio_of[str(p.resolve())] = seq
                n += 1
    if not prio_of:
        return None, {}, 0
    return f"file://{root.resolve()}/hh/search/*/*/*.json", prio_of, n


def canonical_frame(spark, raw: str | None, snapshot: bool = True, loaded_at: datetime | None = None):
    """Every canonical row (snapshot + hh search pages) with its load priority, not yet de-duplicated."""
    from pipelines import jobs

    loaded_at = loaded_at or datetime.now(UTC)
    schema = canonical_schema()
    parts = []
    if snapshot:
        snap = spark.read.parquet(f"file://{config.SNAPSHOT_FILE.resolve()}")
        snap = snap.repartition(max(2, spark.sparkContext.defaultParallelism))
        parts.append(snap.mapInPandas(snapshot_rows(None, loaded_at), schema))
    if raw:
        glob, prio_of, _n = page_plan(raw)
        if glob:
            local = urlparse(raw).scheme in ("", "file")
            rates = jobs.rates(Path(urlparse(raw).path)) if local else None
            if local:  # exactly the pages jobs.rebuild replays (not quarantined, not of unfinished runs)
                paths = spark.createDataFrame([(f"file://{p}",) for p in prio_of], "path string")
            else:
                paths = spark.read.format("binaryFile").load(glob).select("path")
            n = max(2, spark.sparkContext.defaultParallelism)
            paths = paths.repartition(n, "path")
            parts.append(paths.mapInPandas(page_rows(prio_of, rates, loaded_at), schema))
    if not parts:
        raise ValueError("nothing to rebuild from: no snapshot and no raw pages")
    out = parts[0]
    for p in parts[1:]:
        out = out.unionByName(p)
    return out


def deduplicated(frame):
    """One row per (source, source_id): the latest load wins, within a load the newest publication."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    w = Window.partitionBy("source", "source_id").orderBy(F.col("prio").desc(),
                                                          F.col("published_at").desc_nulls_last())
    return frame.withColumn("_n", F.row_number().over(w)).where("_n = 1").drop("_n", "prio")


def with_lake_columns(frame):
    """Lifecycle columns as for data never seen live, and the publication-month partition."""
    from pyspark.sql import functions as F

    return (frame.withColumn("first_seen_at", F.coalesce("published_at", "loaded_at"))
            .withColumn("last_seen_at", F.lit(None).cast("timestamp"))
            .withColumn("closed_at", F.lit(None).cast("timestamp"))
            .withColumn("pub_month", F.coalesce(F.date_format("published_at", "yyyy-MM"), F.lit(lake.NO_MONTH))))


def _skipped(raw: str | None) -> str:
    if not raw or urlparse(raw).scheme not in ("", "file"):
        return ""
    root = Path(urlparse(raw).path)
    details = len(list((root / "hh" / "vacancy").glob("*.json")))
    tv = len(list((root / "trudvsem").rglob("*.json"))) if (root / "trudvsem").is_dir() else 0
    if not details and not tv:
        return ""
    return (f"; not in a Spark lake yet (use --engine duckdb): {details} hh details, "
            f"{tv} Работа России pages")


def rebuild(target: str | os.PathLike[str], raw: str | os.PathLike[str] | None = None,
            master: str = "local[*]", spark=None, snapshot: bool = True) -> str:
    """Rebuild the lake at ``target`` from the snapshot and the raw pages under ``raw``
    (default ``VILKA_RAW_DIR``); published with the lake's swap rule, so re-running is idempotent
    and a failure leaves the previous lake readable."""
    from pipelines import jobs

    started = time.monotonic()
    raw = str(raw if raw is not None else config.raw_dir())
    if snapshot and not config.SNAPSHOT_FILE.exists():
        raise jobs.JobFailed(f"embedded snapshot missing: {config.SNAPSHOT_FILE}")
    own = spark is None
    if own:
        spark = session(master)
    try:
        rows = with_lake_columns(deduplicated(canonical_frame(spark, raw, snapshot)))
        from pipelines.schema import STORED_COLUMNS

        rows = rows.select(*STORED_COLUMNS, "pub_month")
        with lake.publishing(target, "spark") as root:
            (rows.repartition("source", "pub_month").write.mode("overwrite")
             .partitionBy(*lake.PARTITIONS).parquet(f"file://{root / 'vacancies'}"))
            written = lake.connect(root)  # rows per the files just written (views over root)
            try:
                n = written.execute("SELECT count(*) FROM vacancies").fetchone()[0]
            finally:
                written.close()
            now = datetime.now(UTC)
            loads = pd.DataFrame([{"load_id": 1, "source": "spark",
                                   "note": f"rebuild --engine spark from {raw} ({master})",
                                   "started_at": now, "finished_at": now, "rows_in": n, "rows_new": n,
                                   "rows_replaced": 0, "duplicates_in_batch": 0}])
            side = lake.side_tables_frame_con(loads)
            try:
                lake.write_side_tables(root, side)
            finally:
                side.close()
    finally:
        if own:
            spark.stop()
    m = lake.manifest(target)
    per = ", ".join(f"{k} {v}" for k, v in m["rows_per_source"].items())
    return (f"rebuilt lake {target} with Spark ({master}): {m['rows']} rows ({per}) in "
            f"{time.monotonic() - started:.1f} s{_skipped(raw)}")
