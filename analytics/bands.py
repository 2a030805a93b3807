"""Pay bands as the Pay ranges page and ``python -m analytics bands`` show them: the same numbers
in both places, with sparse cells widened transparently (region → federal district → Russia).
"""

from __future__ import annotations

import pandas as pd

from analytics import queries, ranges
from analytics.filters import Filters
from pipelines import reference
from pipelines.schema import LEVELS

EXPERIENCE = ("noExperience", "between1And3", "between3And6", "moreThan6")

GEO_KEYS = {"region", "federal_district", "city"}


def _districts(regions: tuple[str, ...]) -> tuple[str, ...]:
    regs = reference.regions().set_index("iso")
    return tuple(sorted({regs.at[r, "federal_district"] for r in regions if r in regs.index}))


def _order(cells: pd.DataFrame, by: tuple[str, ...]) -> pd.DataFrame:
    """Levels and experience read best in their natural order; everything else by median."""
    if by == ("level",) or by == ("experience",):
        order = {v: i for i, v in enumerate(LEVELS if by == ("level",) else EXPERIENCE)}
        return cells.sort_values(by[0], key=lambda s: s.map(order).fillna(len(order))).reset_index(drop=True)
    return cells.sort_values(["p50", "n"], ascending=False, na_position="last").reset_index(drop=True)


def widened_bands(wh: queries.WH, filters: Filters, by: tuple[str, ...], *, cached: bool = True,
                  method: str = "calibrated") -> pd.DataFrame:
    """Bands per cell; where a cell of a region-filtered selection has fewer than
    ``ranges.MIN_N_ALL`` vacancies (or none), its figures come from the selection's federal
    district(s), then from all of Russia, and the ``widening`` column says so ("" where nothing
    was widened). Grouping by a geographic key is never widened (the cell *is* the place).
    """
    bands = queries.pay_bands if cached else queries.compute_pay_bands
    cells = bands(wh, filters, by, method)
    if not filters.regions or GEO_KEYS & set(by):
        return _order(cells.assign(widening=""), by) if not cells.empty else cells
    regs = reference.regions().set_index("iso")
    here = ", ".join(regs.at[r, "name_ru"] if r in regs.index else r for r in filters.regions)
    districts = _districts(filters.regions)
    levels = [(here, cells),
              (f"{', '.join(districts)} ФО", bands(wh, filters.with_(regions=(), federal_districts=districts),
                                                   by, method)),
              ("Россия", bands(wh, filters.with_(regions=(), federal_districts=()), by, method))]
    key = list(by) if by else ["_all"]
    frames = {label: (f.set_index(key) if not f.empty else None) for label, f in levels}
    all_keys = pd.concat([f.index.to_frame(index=False) for f in frames.values() if f is not None]
                         ).drop_duplicates() if any(f is not None for f in frames.values()) else None
    if all_keys is None:
        return cells
    out = []
    for k in all_keys.itertuples(index=False):  # one per cell: a handful per page, not per vacancy
        k = tuple(k) if len(key) > 1 else k[0]

        def fetch(label: str, k=k):
            f = frames[label]
            return None if f is None or k not in f.index else f.loc[k]

        row, note = ranges.widen_chain(fetch, [(label, label) for label, _ in levels])
        if row is None:  # too sparse everywhere: keep the narrowest cell, percentiles stay hidden
            row = next(fetch(label) for label, _ in levels if fetch(label) is not None)
        row = row.copy()
        row["widening"] = note
        for name, v in zip(key, k if len(key) > 1 else (k,), strict=True):
            row[name] = v
        out.append(row)
    return _order(pd.DataFrame(out).reset_index(drop=True), by)


def chart_cells(cells: pd.DataFrame, max_rows: int = 30) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(cells to draw, cells too sparse to draw): at most ``max_rows`` drawn, the ones with the
    most vacancies, ordered by median; the rest stay in the table."""
    enough = cells[cells["p50"].notna()]
    sparse = cells[cells["p50"].isna()]
    drawn = enough.nlargest(max_rows, "n").sort_values("p50", ascending=False)
    return drawn, sparse
