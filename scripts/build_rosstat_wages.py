"""Build data/reference/rosstat_wages.csv — Rosstat average monthly nominal wages, long format.

Why a builder: the Rosstat copies we have come in three shapes (a cp1251 wide monthly table with
one column per region in Rosstat spelling, a headerless annual table with short names, a
Russia-wide table with month names as columns). This script turns them into one validated long
table (region_iso, period, kind, wage_rub, source), stops listing the names it cannot place, and
writes a CSV that is committed, so the product never reads ../shared at run time.

Usage:  .venv/bin/python scripts/build_rosstat_wages.py [SHARED_DATA_DIR] [--out PATH]
        SHARED_DATA_DIR defaults to /work/shared/data (files under its rosstat/).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pipelines.sources.rosstat import WAGES_FILE, UnresolvedRegions, build_wages  # noqa: E402

DEFAULT_SHARED = Path("/work/shared/data")
MONTHLY = "rosstat/region_avg_salary_monthly_2022-2023.cp1251.csv"
ANNUAL = "rosstat/region_avg_salary_annual_2005-2019.csv"
RUSSIA = "rosstat/russia_avg_salary_monthly_2012-2022.csv"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("shared", nargs="?", type=Path, default=DEFAULT_SHARED)
    p.add_argument("--out", type=Path, default=WAGES_FILE)
    args = p.parse_args(argv)
    try:
        df = build_wages(args.shared / MONTHLY, args.shared / ANNUAL, args.shared / RUSSIA)
    except UnresolvedRegions as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(args.out, index=False, encoding="utf-8", lineterminator="\n")
    counts = df.groupby("kind").agg(rows=("wage_rub", "size"), regions=("region_iso", "nunique"),
                                    first=("period", "min"), last=("period", "max"))
    print(f"wrote {args.out}: {len(df)} rows")
    print(counts.to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
