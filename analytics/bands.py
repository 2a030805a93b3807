"""Pay bands as the Pay ranges page and ``python -m analytics bands`` show them: the same numbers
in both places, with sparse cells widened transparently (region → federal district → Russia).
"""

from __future__ import annotations

import pandas as pd

from analytics import places, queries, ranges
from analytics.filters import Filters
from pipelines import reference
from pipelines.schema import LEVELS

EXPERIENCE = ("noExperience", "between1And3", "between3And6", "moreThan6")

GEO_KEYS = {"region", "federal_district", "city"}


def _city_regions(wh: queries.WH, cities: tuple[str, ...]) -> tuple[str, ...]:
    """The regions the chosen cities lie in (from the warehouse's own rows)."""
    if not cities:
        return ()
    table = queries.options(wh)["city"]
    return tuple(dict.fromkeys(table.loc[table["value"].isin(cities), "region_iso"]))


def _districts(regions: tuple[str, ...]) -> tuple[str, ...]:
    regs = reference.regions().set_index("iso")
    return tuple(sorted({regs.at[r, "federal_district"] for r in regions if r in regs.index}))


def _order(cells: pd.DataFrame, by: tuple[str, ...]) -> pd.DataFrame:
    """Levels and experience read best in their natural order; everything else by median."""
    if by == ("level",) or by == ("experience",):
        order = {v: i for i, v in enumerate(LEVELS if by == ("level",) else EXPERIENCE)}
        return cells.sort_values(by[0], key=lambda s: s.map(order).fillna(len(order))).reset_index(drop=True)
    return cells.sort_values(["p50", "n"], ascending=False, na_position="last").reset_index(drop=True)


def _place_names(kind: str, value: tuple[str, ...]) -> str:
    """A place in the CLI's ``widening`` text (Russian names, as the warehouse holds them)."""
    if kind == "region":
        regs = reference.regions().set_index("iso")
        return ", ".join(v[len(places.CITY):] if places.is_city(v) else regs.at[v, "name_ru"] if v in regs.index
                         else v for v in value)
    if kind == "federal_district":
        return f"{', '.join(value)} ФО"
    if kind == "city":
        return ", ".join(value)
    return "Россия"


def trail_text(trail: tuple[tuple[str, tuple[str, ...], int | None, int], ...], found: bool) -> str:
    """The ``widening`` column: "" when the first step sufficed; else every (place, window) tried
    with its n, e.g. "widened: Республика Татарстан, 12 months (n=3) → Россия, 12 months (n=41)"."""
    if len(trail) < 2 and found:
        return ""

    def step(kind: str, value: tuple[str, ...], window: int | None, n: int) -> str:
        when = "" if window is None else (", all dates" if window == 0 else f", {window} months")
        return f"{_place_names(kind, value)}{when} (n={n})"

    steps = " → ".join(step(*s) for s in trail)
    return ("widened: " if found else "too few vacancies: ") + steps


def _with_empty_regions(cells: pd.DataFrame, filters: Filters, by: tuple[str, ...]) -> pd.DataFrame:
    """A selected region with no vacancies stays in a by-region table as n = 0, never dropped."""
    if by != ("region",) or not filters.regions:
        return cells
    have = set(cells["region"]) if not cells.empty else set()
    missing = [r for r in filters.regions if r not in have]
    if not missing:
        return cells
    empty = pd.DataFrame({"region": missing, "n": 0, "hidden": ranges.HIDDEN_ALL,
                          "time_trail": [()] * len(missing)})
    return pd.concat([cells, empty], ignore_index=True) if not cells.empty else empty


def widened_bands(wh: queries.WH, filters: Filters, by: tuple[str, ...], *, cached: bool = True,
                  method: str = "calibrated") -> pd.DataFrame:
    """Bands per cell, each on the latest window with enough vacancies (``analytics.recency``);
    where a cell of a region-filtered selection has fewer than ``ranges.MIN_N_ALL`` vacancies even
    over all its dates (or none), its figures come from the selection's federal district(s), then
    from all of Russia. ``trail`` lists every (place kind, place, window, n) tried, ``widening``
    says it in words ("" where nothing was widened). Grouping by a geographic key is never widened
    in space (the cell *is* the place); a selected region without vacancies is kept as n = 0.
    """
    bands = queries.pay_bands if cached else queries.compute_pay_bands
    key = list(by) if by else ["_all"]
    geo = next((b for b in by if b in GEO_KEYS), None)
    chosen = (*filters.regions, *(places.CITY + c for c in filters.cities))
    if by == ("region",) and filters.cities:  # a city is a cell of its own, beside the regions chosen
        parts = [bands(wh, filters.with_(cities=()), by, method)] if filters.regions else []
        by_city = bands(wh, filters.with_(regions=()), ("city",), method)
        if not by_city.empty:
            parts.append(by_city.assign(region=places.CITY + by_city["city"].astype(str)).drop(columns="city"))
        cells = pd.concat([p for p in parts if not p.empty], ignore_index=True) if any(
            not p.empty for p in parts) else pd.DataFrame()
    else:
        cells = bands(wh, filters, by, method)
    if chosen and not GEO_KEYS & set(by):
        regions = tuple(dict.fromkeys((*filters.regions, *_city_regions(wh, filters.cities))))
        districts = _districts(regions)
        chain = [("region", chosen, cells)]
        if filters.cities:  # a city widens to its region first
            chain.append(("region", regions, bands(wh, filters.with_(regions=regions, cities=()), by, method)))
        chain += [("federal_district", districts,
                   bands(wh, filters.with_(regions=(), cities=(), federal_districts=districts), by, method)),
                  ("russia", (), bands(wh, filters.with_(regions=(), cities=(), federal_districts=()), by, method))]
    else:
        cells = _with_empty_regions(cells, filters.with_(regions=chosen), by)
        chain = [("region", chosen, cells) if chosen else ("russia", (), cells)]
    frames = {i: (f.set_index(key) if not f.empty else None) for i, (_, _, f) in enumerate(chain)}
    present = [f.index.to_frame(index=False) for f in frames.values() if f is not None]
    if not present:
        return cells
    out = []
    for k in pd.concat(present).drop_duplicates().itertuples(index=False):  # a handful of cells
        k = tuple(k) if len(key) > 1 else k[0]
        trail: list[tuple] = []
        chosen = None
        for i, (kind, value, _) in enumerate(chain):
            f = frames[i]
            row = None if f is None or k not in f.index else f.loc[k]
            here = (kind, tuple(value)) if geo is None else (geo, (str(k[key.index(geo)] if len(key) > 1 else k),))
            if row is None or int(row["n"]) == 0:
                trail.append((*here, None, 0))
                continue
            trail += [(*here, w, n) for w, n in row["time_trail"]]
            if chosen is None or int(row["n"]) >= ranges.MIN_N_ALL:
                chosen = row  # the narrowest place stands when no place has enough
            if int(row["n"]) >= ranges.MIN_N_ALL:
                break
        if chosen is None:
            chosen = frames[0].loc[k] if frames[0] is not None and k in frames[0].index else pd.Series(
                {"n": 0, "hidden": ranges.HIDDEN_ALL})
        row = chosen.copy()
        found = int(row.get("n", 0)) >= ranges.MIN_N_ALL
        row["trail"] = tuple(trail)
        row["widening"] = trail_text(tuple(trail), found)
        for name, v in zip(key, k if len(key) > 1 else (k,), strict=True):
            row[name] = v
        out.append(row)
    result = pd.DataFrame(out).reset_index(drop=True)
    result["n"] = result["n"].fillna(0).astype(int)
    return _order(result, by)


def chart_cells(cells: pd.DataFrame, max_rows: int = 30) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(cells to draw, cells too sparse to draw): at most ``max_rows`` drawn, the ones with the
    most vacancies, ordered by median; the rest stay in the table."""
    enough = cells[cells["p50"].notna()]
    sparse = cells[cells["p50"].isna()]
    drawn = enough.nlargest(max_rows, "n").sort_values("p50", ascending=False)
    return drawn, sparse
