"""Figures 6 and 7: rebuild throughput on Spark (``local[1]``, ``local[2]``) against the single-process
path, and each page's query time on the Parquet lake against the DuckDB file.

``python -m benchmarks.bench_spark [--items 50000]``: generated hh search pages (benchmarks.generator)
in a raw folder, rebuilt (i) single-process: ``flatten.search_pages_frame`` → ``normalise`` →
``warehouse.load`` into a fresh DuckDB file, 200 pages a load as ``jobs.rebuild`` does, and (ii) with
``spark_rebuild.rebuild`` (no snapshot: the same pages only) into a lake. Spark's session start is
timed apart from the rebuild. Skipped with a line when pyspark or java is missing. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.report import ms, num, table


@dataclass(frozen=True)
class RebuildTime:
    engine: str
    cores: int
    rows: int
    seconds: float
    startup_s: float = 0.0

    @property
    def per_s(self) -> float:
        return self.rows / self.seconds

    @property
    def per_core_s(self) -> float:
        return self.per_s / self.cores


def spark_missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark not installed (pip install -r requirements-dev.txt)"
    if shutil.which("java") is None:
        return "no java (apt-get install openjdk-17-jre-headless)"
    return None


def make_raw(n: int, root: Path) -> Path:
    from benchmarks.generator import generate_items, write_pages

    qdir = root / "hh" / "search" / "bench"
    write_pages(generate_items(n, seed=n % 9973), qdir / "pages")
    (qdir / "state.json").write_text(json.dumps({"query": {"date_to": "2025-06-01T00:00:00+00:00"}}), "utf-8")
    return root


def single_process(raw: Path, wh: Path) -> RebuildTime:
    from pipelines import warehouse
    from pipelines.flatten import search_pages_frame
    from pipelines.harvest import iter_raw_search_pages
    from pipelines.normalise import normalise

    pages = list(iter_raw_search_pages(raw))
    t0 = time.perf_counter()
    rows = 0
    with warehouse.writing(wh, fresh=True) as con:
        for i in range(0, len(pages), 200):
            frame = normalise(search_pages_frame(pages[i:i + 200]))
            rows += warehouse.load(con, frame, "hh", "bench").rows_in
    return RebuildTime("single process (DuckDB flatten + pandas normalise + DuckDB load)", 1, rows,
                       time.perf_counter() - t0)


def spark(raw: Path, target: Path, cores: int) -> RebuildTime:
    from pipelines import lake, spark_rebuild

    t0 = time.perf_counter()
    s = spark_rebuild.session(f"local[{cores}]", app="vilka-bench", **{
        "spark_ui_enabled": "false", "spark_sql_shuffle_partitions": str(cores),
        "spark_default_parallelism": str(cores)})
    s.range(1).count()
    startup = time.perf_counter() - t0
    try:
        t0 = time.perf_counter()
        spark_rebuild.rebuild(target, raw=str(raw), master=f"local[{cores}]", spark=s, snapshot=False)
        seconds = time.perf_counter() - t0
    finally:
        s.stop()
    return RebuildTime(f"Spark local[{cores}] → Parquet lake", cores, lake.manifest(target)["rows"], seconds, startup)


def lake_vs_file(wh: Path, target: Path) -> list[list[str]]:
    from benchmarks.bench_queries import bench_page_queries
    from pipelines import lake, warehouse

    on_file = bench_page_queries(warehouse.current(wh))
    on_lake = bench_page_queries(lake.current(target))
    rows = []
    for a, b in zip(on_file, on_lake, strict=True):
        rows.append([a.page, ms(a.cold_s), ms(a.warm_s), ms(b.cold_s), ms(b.warm_s),
                     a.error or b.error or ""])
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_spark", description=__doc__)
    ap.add_argument("--items", type=int, default=50_000, help="generated vacancies (hh search items)")
    ap.add_argument("--cores", default="1,2", help="Spark local[N] to run, comma-separated")
    args = ap.parse_args(argv)
    why = spark_missing()
    if why:
        print(f"\n6. Spark rebuild: skipped ({why})")
        return 0
    work = Path(tempfile.mkdtemp(prefix="vilka-bench-spark-"))
    try:
        print(f"  … {num(args.items)}: generating pages", file=sys.stderr, flush=True)
        raw = make_raw(args.items, work / "raw")
        runs = [single_process(raw, work / "w.duckdb")]
        for c in [int(x) for x in args.cores.split(",") if x]:
            print(f"  … Spark local[{c}]", file=sys.stderr, flush=True)
            runs.append(spark(raw, work / f"lake{c}", c))
        rows = [[r.engine, num(r.rows), f"{r.startup_s:.1f}" if r.startup_s else "", f"{r.seconds:.1f}",
                 num(r.per_s), num(r.per_core_s)] for r in runs]
        print(table(f"6. rebuild throughput, {num(args.items)} generated vacancies (hh search pages)",
                    ["engine", "rows", "session start s", "rebuild s", "rows/s", "rows/s per core"], rows,
                    f"machine: {os.cpu_count()} cores; the single process path uses DuckDB's 2 threads in "
                    "flatten and load; Spark includes de-duplication, Parquet write and manifest"))
        print(table("7. page queries: DuckDB file vs Parquet lake (same rows)",
                    ["page", "file cold ms", "file warm ms", "lake cold ms", "lake warm ms", "error"],
                    lake_vs_file(work / "w.duckdb", work / f"lake{runs[-1].cores}")))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
