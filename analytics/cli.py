"""``python -m analytics bands``: the Pay ranges numbers for scripts (HR benchmarks).

The same functions as the page (analytics.bands), so the page and the CLI never disagree.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence

import pandas as pd
import streamlit  # noqa: F401  (configures its loggers; quieted below before the cached queries load)

logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)

from analytics import bands, queries, recency  # noqa: E402
from analytics.filters import BASES, Filters  # noqa: E402
from pipelines.schema import LEVELS  # noqa: E402

GROUP_BY = ("region", "level", "experience", "month", "profession", "federal_district")
COLUMNS = ["n", "n_both", "n_from", "n_to", "p10", "p25", "p50", "p75", "p90",
           "p50_ci_low", "p50_ci_high", "method", "hidden", "widening",
           "published_from", "published_to", "window_months", "n_undated", "aged_to", "index_factor", "trail"]


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--warehouse", default=None,
                        help="DuckDB file (env VILKA_WAREHOUSE); a warehouse another process is writing is "
                             "retried for VILKA_WAREHOUSE_WAIT seconds (default 3)")
    p = argparse.ArgumentParser(prog="python -m analytics", description=__doc__, parents=[common])
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("bands", parents=[common], help="pay percentiles per cell (monthly roubles)")
    b.add_argument("--profession", required=True, help="profession id, e.g. account_manager")
    b.add_argument("--level", action="append", choices=LEVELS, help="level (repeatable)")
    b.add_argument("--region", action="append", help="ISO 3166-2 code, e.g. RU-MOW (repeatable)")
    b.add_argument("--basis", choices=BASES, default="net", help="net = on hand (default), gross = before NDFL")
    b.add_argument("--group-by", choices=GROUP_BY, default="region")
    b.add_argument("--aged-to", metavar="YYYY-MM", default="",
                   help="pay in roubles of this month (Rosstat wage index); default: as published")
    b.add_argument("--json", action="store_true", help="JSON lines, one cell per line")
    return p


def _clean(v):
    if isinstance(v, list | tuple | dict):
        return v
    if v is None or pd.isna(v):
        return None
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if hasattr(v, "item"):
        return v.item()
    return v


def bands_table(args: argparse.Namespace) -> pd.DataFrame:
    wh = queries.warehouse_key(args.warehouse)
    if wh is None:
        raise FileNotFoundError("no warehouse: run `python -m pipelines load-snapshot`")
    if args.aged_to:
        recency.parse_month(args.aged_to)  # ValueError names the expected form
    f = Filters(professions=(args.profession,), levels=tuple(args.level or ()),
                regions=tuple(args.region or ()), basis=args.basis, aged_to=args.aged_to)
    cells = bands.widened_bands(wh, f, (args.group_by,), cached=False)
    if cells.empty:
        return cells
    cells = cells.rename(columns={"window": "window_months"})
    for c in ("window_months", "n_undated"):
        if c in cells:
            cells[c] = cells[c].astype("Int64")
    for c in ("published_from", "published_to"):
        if c in cells:
            cells[c] = pd.to_datetime(cells[c]).dt.date
    if "trail" in cells:
        cells["trail"] = [[{"place_kind": kind, "place": list(place), "window_months": w, "n": n}
                           for kind, place, w, n in trail] for trail in cells["trail"]]
    return cells[[args.group_by, *[c for c in COLUMNS if c in cells.columns]]]


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        table = bands_table(args)
    except queries.WarehouseUnavailable as exc:
        # one line naming the file and the cause; busy (a writer's lock, waited for) exits 3: retry later
        print(f"error: {exc}", file=sys.stderr)
        return 3 if exc.reason == "busy" else 2
    except (FileNotFoundError, ValueError) as exc:  # ValueError includes config.ConfigError (VILKA_*)
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if table.empty:
        print("error: no vacancies with pay match these filters", file=sys.stderr)
        return 1
    if args.json:
        for rec in table.to_dict(orient="records"):
            print(json.dumps({k: _clean(v) for k, v in rec.items()}, ensure_ascii=False))
        return 0
    show = table.drop(columns=["trail"], errors="ignore")
    for c in ("p10", "p25", "p50", "p75", "p90", "p50_ci_low", "p50_ci_high"):
        show[c] = show[c].map(lambda v: "" if pd.isna(v) else f"{v:,.0f}".replace(",", " "))
    aged = f", in roubles of {args.aged_to} (wage index)" if args.aged_to else ", as published"
    print(f"# monthly roubles, {'before NDFL (gross)' if args.basis == 'gross' else 'on hand (net)'}{aged}")
    print(show.to_string(index=False))
    return 0
