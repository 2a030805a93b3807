"""Figures 1 and 2: flatten + normalise throughput, and warehouse load time and size.

Each real path is timed on the whole generated set; its naive baseline (a per-row Python loop,
a row-by-row INSERT) runs in the same process on a subset and is extrapolated linearly, which
flatters the baseline if anything (no cache pressure at small sizes).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from analytics import tax
from pipelines import reference, warehouse
from pipelines.config import REFERENCE
from pipelines.flatten import search_pages_frame
from pipelines.normalise import ABSURD_HIGH_RUB, ABSURD_LOW_RUB, dictionary_rates, normalise
from pipelines.schema import COLUMNS


@dataclass(frozen=True)
class Timed:
    rows: int
    seconds: float
    extrapolated_from: int | None = None  # rows actually run, when extrapolated

    @property
    def per_s(self) -> float:
        return self.rows / self.seconds if self.seconds else float("inf")


def _clock(fn, *args, **kw):
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t0


def run_flatten(paths: Sequence[Path]) -> tuple[pd.DataFrame, Timed]:
    raw, s = _clock(search_pages_frame, list(paths))
    return raw, Timed(len(raw), s)


def run_normalise(raw: pd.DataFrame) -> tuple[pd.DataFrame, Timed]:
    frame, s = _clock(normalise, raw)
    return frame, Timed(len(frame), s)


# --------------------------------------------------------------------------- naive normalise

_NOT_FULL_TIME = {"part", "project", "volunteer", "probation"}


def naive_normalise_item(item: dict, rates: dict[str, float], areas: dict[str, str]) -> dict:
    """One hh search item → the money, region and flags of the canonical row, the per-row way.

    Same rules as ``pipelines.normalise`` (rates, monthly only, the year's NDFL on both bases,
    MROT, absurd bounds), with ``analytics.tax`` called on scalars. No classification, so this
    baseline does less work than the real path.
    """
    sal = item.get("salary_range") or item.get("salary") or {}
    mode = ((item.get("salary_range") or {}).get("mode") or {}).get("id")
    lo, hi = sal.get("from"), sal.get("to")
    currency = sal.get("currency") or "RUR"
    rate = rates.get(currency)
    published = datetime.strptime(item["published_at"], "%Y-%m-%dT%H:%M:%S%z")
    year = published.year
    has_pay = bool(lo and lo > 0) or bool(hi and hi > 0)
    monthly = mode in (None, "MONTH")
    usable = has_pay and monthly and rate is not None
    row = {"source_id": str(item["id"]), "region_iso": areas.get(str(item["area"]["id"]))}
    flags = []
    if not has_pay:
        flags.append("no_salary")
    elif not monthly:
        flags.append("not_monthly")
    elif rate is None:
        flags.append("unknown_currency")
    net, gross = [None, None], [None, None]
    if usable:
        for i, v in enumerate((lo, hi)):
            if v and v > 0:
                rub = v / rate
                if sal.get("gross"):
                    gross[i], net[i] = rub, tax.gross_to_net_monthly(rub, year)
                else:
                    net[i], gross[i] = rub, tax.net_to_gross_monthly(rub, year)
        top = gross[1] if gross[1] is not None else gross[0]
        low = gross[0] if gross[0] is not None else top
        if low < ABSURD_LOW_RUB or top > ABSURD_HIGH_RUB or (lo and hi and lo > hi):
            flags.append("absurd")
        full_time = (item.get("employment") or {}).get("id") not in _NOT_FULL_TIME
        if full_time and ABSURD_LOW_RUB <= top < tax.mrot(published.replace(tzinfo=None)):
            flags.append("below_mrot")
    if row["region_iso"] is None:
        flags.append("no_region")
    row.update(pay_from_net_rub=net[0], pay_to_net_rub=net[1], pay_from_gross_rub=gross[0],
               pay_to_gross_rub=gross[1], flags=",".join(flags))
    return row


def area_regions() -> dict[str, str]:
    """hh area id → ISO code of its federal subject (areas outside Russia are absent)."""
    look = reference.area_lookup().dropna(subset=["region_iso"])
    return dict(zip(look["area_id"].astype(str), look["region_iso"].astype(str), strict=True))


def run_naive_normalise(paths: Sequence[Path], max_rows: int, total_rows: int) -> Timed:
    """Read pages with ``json`` and normalise item by item; time for ``max_rows``, extrapolated."""
    rates = dictionary_rates(REFERENCE / "hh_dictionaries.json")
    areas = area_regions()
    t0 = time.perf_counter()
    done = 0
    for path in paths:
        for item in json.loads(Path(path).read_bytes())["items"]:
            naive_normalise_item(item, rates, areas)
            done += 1
        if done >= max_rows:
            break
    s = time.perf_counter() - t0
    return Timed(total_rows, s * total_rows / done, extrapolated_from=done)


# --------------------------------------------------------------------------- load


@dataclass(frozen=True)
class LoadFigures:
    rows: int
    seconds: float
    bytes_on_disk: int
    naive: Timed


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + ".wal")) if p.exists())


def naive_insert(frame: pd.DataFrame, path: Path) -> float:
    """Row-by-row parameterised INSERT into a fresh warehouse; seconds for all of ``frame``."""
    con = warehouse.connect(path)
    placeholders = ", ".join("?" for _ in COLUMNS)
    sql = f"INSERT INTO vacancies ({', '.join(COLUMNS)}) VALUES ({placeholders})"
    rows = frame[list(COLUMNS)].astype(object).where(frame[list(COLUMNS)].notna(), None)
    for col in ("flags", "title_tags"):  # comma text in the frame, lists in the table
        rows[col] = rows[col].map(lambda f: f.split(",") if f else [])
    records = rows.to_numpy().tolist()
    try:
        t0 = time.perf_counter()
        con.execute("BEGIN TRANSACTION")
        for rec in records:
            con.execute(sql, rec)
        con.execute("COMMIT")
        return time.perf_counter() - t0
    finally:
        con.close()


def run_load(frame: pd.DataFrame, work_dir: Path, naive_rows: int = 2000) -> tuple[Path, LoadFigures]:
    """Load ``frame`` with ``warehouse.load`` into ``work_dir/warehouse.duckdb`` (kept for figure 4)."""
    path = Path(work_dir) / "warehouse.duckdb"
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    con = warehouse.connect(path)
    try:
        t0 = time.perf_counter()
        warehouse.load(con, frame, source="bench", note=f"benchmarks {datetime.now(UTC):%Y-%m-%d}")
        seconds = time.perf_counter() - t0
        con.execute("CHECKPOINT")
    finally:
        con.close()
    subset = frame.head(naive_rows)
    naive_path = Path(work_dir) / "naive.duckdb"
    naive_path.unlink(missing_ok=True)
    naive_s = naive_insert(subset, naive_path)
    naive_path.unlink(missing_ok=True)
    naive = Timed(len(frame), naive_s * len(frame) / max(1, len(subset)), extrapolated_from=len(subset))
    return path, LoadFigures(len(frame), seconds, _size(path), naive)
