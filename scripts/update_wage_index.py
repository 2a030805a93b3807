"""Merge newer Rosstat wage figures into data/reference/wage_index.csv (the wage index's own table).

Why a script: Rosstat publishes a new national month every month and regional tables a few times a
year; the index (``analytics.wage_index``) ages pay with whatever the reference table holds, and
beyond its last national month it only extrapolates. Put the new figures in a CSV of the same shape

    region_iso,period,kind,wage_rub,source
    RU,2025-12,monthly,139000,Rosstat monthly release 2026-02
    RU,2025,annual,100000,Rosstat annual average
    RU-MOW,2024-03,monthly,150000,Rosstat tab2-zpl 2024

(``region_iso``: ISO code from regions.csv or ``RU``; ``period``: ``YYYY`` for ``annual``,
``YYYY-MM`` for ``monthly``; ``wage_rub``: gross roubles a month, '.' for decimals) and run

    .venv/bin/python scripts/update_wage_index.py NEW.csv [--into PATH]

Every row is checked first; on any problem the script lists the bad lines and writes nothing. A row
with the same (region_iso, period, kind) as an existing one replaces it (revisions). December
figures are welcome: the index never uses a December on its own, only inside 12-month means.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analytics.wage_index import INDEX_FILE, index_info, merge_rows  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", type=Path, help="CSV with region_iso,period,kind,wage_rub,source")
    p.add_argument("--into", type=Path, default=INDEX_FILE, help=f"table to update (default {INDEX_FILE})")
    args = p.parse_args(argv)
    if not args.file.exists():
        print(f"error: {args.file}: no such file", file=sys.stderr)
        return 1
    try:
        result = merge_rows(args.file, args.into)
    except ValueError as exc:
        print(f"error: {exc}\nnothing written", file=sys.stderr)
        return 1
    print(f"{result.path}: {result.added} added, {result.replaced} replaced, {result.unchanged} unchanged")
    if args.into.resolve() == INDEX_FILE.resolve():
        info = index_info()
        print(f"wage index: national figures to {info['national_last_month']}, regional to "
              f"{info['regional_last_month']}; later months grow at {info['extrapolation_rate']:+.1%} a year")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
