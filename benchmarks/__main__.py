"""`python -m benchmarks [--sizes 100000,1000000] [--quick]`: generate, run, print the figures.

Timings are printed, never asserted. The generated pages and warehouses live in one temporary
directory for the run (each size generated once and reused by every figure) and are removed at
the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import bench_spark, report
from benchmarks.bench_harvest import bench_harvest
from benchmarks.bench_memory import bench_app_memory
from benchmarks.bench_pipeline import run_flatten, run_load, run_naive_normalise, run_normalise
from benchmarks.bench_queries import bench_page_queries, naive_pay_bands
from benchmarks.generator import calibrate, generate_items, shape_shares, write_pages
from benchmarks.report import mb, ms, num, ratio, table

TARGET_NORMALISE = 200_000  # vacancies/s (DESIGN section 8)
TARGET_WARM_S = 0.150  # per page at 1 M
TARGET_RSS = 500 * 2**20


def _log(msg: str) -> None:
    print(f"  … {msg}", file=sys.stderr, flush=True)


def _args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    ap.add_argument("--sizes", default="100000,1000000", help="vacancy counts, comma-separated")
    ap.add_argument("--quick", action="store_true", help="100 000 only")
    ap.add_argument("--harvest-items", type=int, default=50_000, help="items the fake hh.ru holds")
    ap.add_argument("--naive-rows", type=int, default=20_000, help="rows the per-row baseline runs")
    ap.add_argument("--naive-inserts", type=int, default=2_000, help="rows the INSERT baseline runs")
    ap.add_argument("--no-browser", action="store_true", help="skip figure 5 (app memory)")
    ap.add_argument("--spark-items", type=int, default=None,
                    help="vacancies for figures 6-7 (Spark rebuild, lake queries); default: the largest size")
    ap.add_argument("--no-spark", action="store_true", help="skip figures 6-7 (Spark rebuild, lake queries)")
    ap.add_argument("--keep", action="store_true", help="keep the generated data and warehouses")
    ap.add_argument("--work-dir", type=Path, default=None, help="where to generate (default: a temp dir)")
    args = ap.parse_args(argv)
    args.sizes = [100_000] if args.quick else [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    return args


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    print(report.machine())
    work = Path(args.work_dir or tempfile.mkdtemp(prefix="vilka-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"work dir: {work}  (synthetic hh pages: ids ≥ 9 000 000 000, employers 'BENCH …')")
    calib = calibrate()
    gen_rows, f1, f2, f4, f4_naive, f5 = [], [], [], {}, {}, {}
    try:
        for n in args.sizes:
            d = work / str(n)
            _log(f"{num(n)}: generating")
            t0 = time.perf_counter()
            items = generate_items(n, seed=n % 9973, calib=calib)
            shares = shape_shares(items["salary_from"], items["salary_to"])
            paths = write_pages(items, d / "pages")
            gen_s = time.perf_counter() - t0
            del items
            gen_rows.append([num(n), num(len(paths)), f"{gen_s:.1f}", num(n / gen_s),
                             f"{shares['both']:.2f} / {shares['from']:.2f} / {shares['to']:.2f}",
                             f"{shares['ratio']:.2f}"])

            _log(f"{num(n)}: flatten + normalise")
            raw, tf = run_flatten(paths)
            frame, tn = run_normalise(raw)
            del raw
            gc.collect()
            naive = run_naive_normalise(paths, args.naive_rows, n)
            both = tf.seconds + tn.seconds
            f1 += [
                [num(n), "flatten (DuckDB JSON → raw frame)", f"{tf.seconds:.2f}", num(tf.per_s), ""],
                [num(n), "normalise + classify", f"{tn.seconds:.2f}", num(tn.per_s),
                 "ok" if tn.per_s >= TARGET_NORMALISE else f"MISSED (target ≥ {num(TARGET_NORMALISE)}/s)"],
                [num(n), "flatten + normalise", f"{both:.2f}", num(n / both), ""],
                [num(n), f"naive per-row loop (extrapolated from {num(naive.extrapolated_from)})",
                 f"{naive.seconds:.2f}", num(naive.per_s), f"real path {ratio(naive.seconds, both)} faster"],
            ]

            _log(f"{num(n)}: warehouse load")
            wh, lf = run_load(frame, d, naive_rows=args.naive_inserts)
            del frame
            gc.collect()
            f2.append([num(n), f"{lf.seconds:.2f}", num(n / lf.seconds), mb(lf.bytes_on_disk),
                       num(lf.bytes_on_disk / n), f"{lf.naive.seconds:.1f}", ratio(lf.naive.seconds, lf.seconds)])

            _log(f"{num(n)}: page queries")
            f4[n] = bench_page_queries(wh)
            f4_naive[n] = naive_pay_bands(wh)
            gc.collect()

            if not args.no_browser:
                _log(f"{num(n)}: app memory (streamlit + chromium)")
                f5[n] = bench_app_memory(wh)

        _log(f"harvest of {num(args.harvest_items)} served items")
        hv = bench_harvest(args.harvest_items, work / "harvest", calib=calib)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print(table("0. synthetic data (generate + write hh pages)",
                ["vacancies", "pages", "s", "vacancies/s", "both / from / to", "median to/from"], gen_rows,
                "calibrated on data/snapshot (titles, areas, roles, experience, pay); shapes per DESIGN §7"))
    print(table("1. normalise throughput", ["vacancies", "step", "s", "vacancies/s", "note"], f1,
                "naive = json.loads per page + per-item Python with scalar analytics.tax calls, "
                "no classification (less work than the real path), timed on a subset and extrapolated"))
    print(table("2. warehouse load (warehouse.load, one transaction)",
                ["vacancies", "load s", "rows/s", "MB on disk", "bytes/row", "row-by-row INSERT s", "ratio"], f2,
                f"row-by-row INSERT: one parameterised INSERT per row, {num(args.naive_inserts)} rows timed, "
                "extrapolated"))
    print(table("3. harvest against a local hh.ru stand-in (HHClient rate_limit=0)",
                ["items served", "harvested", "pages", "slices", "s", "pages/s", "items/s"],
                [[num(hv.items_served), num(hv.unique_ids), num(hv.pages), num(hv.slices), f"{hv.seconds:.1f}",
                  num(hv.pages_per_s, 1), num(hv.items_per_s)]],
                f"query: areas 1, 2, 3 over 30 days → sliced by area and date window; {num(hv.requests)} requests"))
    _print_queries(f4, f4_naive, args.sizes)
    if f5:
        _print_memory(f5)
    elif args.no_browser:
        print("\n5. app memory: skipped (--no-browser)")
    if args.no_spark:
        print("\n6-7. Spark rebuild and lake queries: skipped (--no-spark)")
    else:
        _log(f"Spark rebuild of {num(args.spark_items or max(args.sizes))} vacancies")
        bench_spark.main(["--items", str(args.spark_items or max(args.sizes))])
    print("\nload average at end: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    return 0


def _print_queries(f4: dict, naive: dict, sizes: list[int]) -> None:
    headers = ["page"] + [f"{num(n)} {k}" for n in sizes for k in ("cold ms", "cached ms", "warm ms")]
    big = max(sizes)
    rows, errors = [], []
    for i, q in enumerate(f4[sizes[0]]):
        row = [q.page]
        for n in sizes:
            r = f4[n][i]
            row += [ms(r.cold_s), ms(r.cached_s), ms(r.warm_s)]
            if r.error and r.error not in errors:
                errors.append(f"{r.page}: unavailable ({r.error})")
        rows.append(row)
    base = ["baseline: pandas SELECT * + groupby quantile (pay_ranges question)"]
    for n in sizes:
        base += [ms(naive[n][0]), "", ""]
    rows.append(base)
    slow = [q.page for q in f4[big] if q.warm_s is not None and q.warm_s > TARGET_WARM_S]
    note = [f"target: warm ≤ {ms(TARGET_WARM_S)} ms per page at {num(big)}: "
            + ("met" if not slow else "MISSED by " + ", ".join(slow))]
    note += [f"baseline frame in memory at {num(n)}: {mb(naive[n][1])} MB" for n in sizes]
    note += errors
    print(table("4. page queries (analytics/queries*.py, default filters)", headers, rows, "\n".join(note)))


def _print_memory(f5: dict) -> None:
    rows, notes = [], []
    for n, m in f5.items():
        if m.skipped:
            rows.append([num(n), f"skipped: {m.skipped}", "", "", ""])
            continue
        visited = ", ".join(f"{p} {s:.1f}s" for p, s in m.pages.items())
        rows.append([num(n), mb(m.peak_rss_bytes), mb(m.rss_bytes),
                     "ok" if m.peak_rss_bytes <= TARGET_RSS else "MISSED (target ≤ 500 MB)", visited])
        notes += [f"{num(n)}: {p} failed: {e}" for p, e in m.errors.items()]
        if m.missing:
            notes.append(f"{num(n)}: no page file yet for {', '.join(m.missing)}")
    print(table("5. app memory after visiting every page (streamlit run + headless chromium)",
                ["vacancies", "peak RSS MB", "RSS at end MB", "target", "pages (time to settle)"], rows,
                "\n".join(dict.fromkeys(notes))))


if __name__ == "__main__":
    raise SystemExit(main())
