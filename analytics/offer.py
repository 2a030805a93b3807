"""Offer check: where does one salary offer sit in the market for its cell?

Units: monthly roubles unless a name says ``year``. "Net" is on hand (после НДФЛ), "gross" before
NDFL. The market side is the warehouse's bound columns of the same basis as the offer, so a net offer is
compared with net pay and a gross offer with gross pay; the offer's other basis is derived with
:mod:`analytics.tax` (progressive NDFL over the calendar year, not a flat 0.87).

How the percentile is computed: every vacancy of the cell becomes one point with the calibrated
imputation of :mod:`analytics.ranges` (the same points behind the cell's P10…P90), and the offer's
percentile is the share of those points at or below the offer, over n. The verdict compares the offer
with the cell's estimated P25 and P75: below market (< P25), market (P25–P75), above market (> P75).

Cells: profession × level × region. A cell with fewer than ``MIN_N_OFFER`` vacancies widens, in this
order, region → federal district → Russia, then the level → the level with its neighbours → all levels;
every step tried is kept with its n so the page can say what was widened. ``MIN_N_OFFER`` is
``ranges.MIN_N_TAILS`` (10), not ``MIN_N_ALL`` (5): the chart draws the P10–P90 band, and a percentile
from fewer than 10 vacancies moves in steps of 20 points and more.

Everything here is pure (frames in, frames/figures out); the SQL lives in ``analytics.queries_offer``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics import dating, fmt, labels, ranges, recency, tax
from analytics.figures import bands_figure
from analytics.i18n import level_name, t
from pipelines import classify as _classify
from pipelines import reference as _reference
from pipelines.schema import LEVELS

__all__ = [
    "Amounts", "CellResult", "OfferInput", "OfferResult", "benchmark", "benchmark_display", "classify_title",
    "classify_titles", "tax_view", "verdict_text", "widen_text",
    "comparison_table", "evaluate", "neighbours", "offer_amounts", "offer_figure", "parse_params",
    "percentile_of", "plain", "schedule", "to_params", "verdict",
]

PERIODS = ("month", "year")
URL_PARAMS = ("title", "profession", "level", "region", "amount", "period", "basis", "year", "neighbours")
BASES = ("net", "gross")
CAPITAL, SPB = "RU-MOW", "RU-SPE"
MIN_N_OFFER = ranges.MIN_N_TAILS
LOW, HIGH = 25, 75  # verdict thresholds: percentiles of the cell
MAX_AMOUNT = 1e9  # roubles; anything above is a typo, not an offer
DEFAULTS = {"profession": "account_manager", "level": "", "region": CAPITAL, "amount": 120_000.0,
            "period": "month", "basis": "net"}

Step = tuple[str, tuple[str, ...] | None]  # (geographic scope, levels or None = all levels)


# ------------------------------------------------------------------------------------------ inputs


@dataclass(frozen=True)
class OfferInput:
    """One offer and its cell. ``level`` "" = not stated (all levels); ``amount`` per ``period``."""

    profession: str
    level: str
    region: str  # ISO 3166-2
    amount: float
    period: str = "month"
    basis: str = "net"
    year: int = 2025
    neighbours: bool = False  # may the cell borrow neighbouring levels when its own level is sparse?


def _one(value: object) -> str:
    """A query parameter's value: the last one when repeated."""
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return str(value).strip()


def parse_params(params: Mapping[str, object], professions: Sequence[str], regions: Sequence[str],
                 year: int) -> tuple[OfferInput, str, list[str]]:
    """URL query parameters → (input, title, names of the bad parameters). Never raises.

    A bad or unknown value falls back to its default and its parameter name is reported. Without a
    ``profession`` parameter a ``title`` is classified; ``profession``/``level`` win over the title.
    """
    bad: list[str] = []
    got = {k: _one(v) for k, v in params.items()}
    title = got.get("title", "")[:200]
    guess = classify_titles(pd.Series([title])).iloc[0] if title else None
    default_prof = DEFAULTS["profession"] if DEFAULTS["profession"] in professions else (
        professions[0] if professions else "other")

    def pick(name: str, ok: Callable[[str], bool], default: str) -> str:
        if name not in got:
            return default
        if ok(got[name]):
            return got[name]
        bad.append(name)
        return default

    profession = pick("profession", lambda v: v in professions,
                      guess["profession"] if guess is not None and guess["profession"] in professions
                      else default_prof)
    level = pick("level", lambda v: v in LEVELS or v == "",
                 (guess["level"] or "") if guess is not None and "profession" not in got else DEFAULTS["level"])
    region = pick("region", lambda v: v in regions, DEFAULTS["region"] if DEFAULTS["region"] in regions
                  else (regions[0] if regions else CAPITAL))
    amount = float(pick("amount", _positive_number, str(DEFAULTS["amount"])).replace(",", "."))
    period = pick("period", lambda v: v in PERIODS, DEFAULTS["period"])
    basis = pick("basis", lambda v: v in BASES, DEFAULTS["basis"])
    year_s = pick("year", lambda v: v.isascii() and v.isdigit() and 2000 <= int(v) <= 2100, str(year))
    near = pick("neighbours", lambda v: v in ("0", "1"), "0")
    return OfferInput(profession, level, region, amount, period, basis, int(year_s), near == "1"), title, bad


def _positive_number(text: str) -> bool:
    try:
        v = float(text.replace(",", "."))
    except ValueError:
        return False
    return math.isfinite(v) and 0 < v <= MAX_AMOUNT


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$])")


def plain(value: object, limit: int = 60) -> str:
    """User text (from a link or a file) made safe to show inside Streamlit markdown: cut to ``limit``
    characters, markdown escaped, so a crafted link cannot render links, images or formatting."""
    text = _one(value).replace("\n", " ")
    text = text[:limit] + ("…" if len(text) > limit else "")
    return _MARKDOWN.sub(r"\\\1", text)


def to_params(inp: OfferInput, title: str = "") -> dict[str, str]:
    """The URL query parameters that reproduce ``inp`` (what :func:`parse_params` reads back)."""
    out = {"title": title} if title else {}
    amount = int(inp.amount) if float(inp.amount).is_integer() else inp.amount
    out.update(profession=inp.profession, level=inp.level, region=inp.region, amount=str(amount),
               period=inp.period, basis=inp.basis, year=str(inp.year))
    if inp.neighbours:
        out["neighbours"] = "1"
    return out


def classify_title(title: str) -> tuple[str, str]:
    """(profession id, level or "") of one job title, e.g. "Senior Account Manager" → account_manager, senior."""
    row = classify_titles(pd.Series([title])).iloc[0]
    return str(row["profession"]), str(row["level"])


def classify_titles(titles: pd.Series) -> pd.DataFrame:
    """Profession id and level ("" when the title names none) per title, by the warehouse's rules."""
    out = _classify.classify(titles.fillna("").astype(str))[["profession", "level"]]
    return out.assign(level=out["level"].fillna("").astype(str))


# ------------------------------------------------------------------------------------------ money


@dataclass(frozen=True)
class Amounts:
    """The offer in both bases: average monthly and annual roubles for the tax year."""

    net_month: float
    gross_month: float
    net_year: float
    gross_year: float

    def month(self, basis: str) -> float:
        return self.gross_month if basis == "gross" else self.net_month


def offer_amounts(amount: float, period: str, basis: str, year: int) -> Amounts:
    """Offer per month or year, net or gross → both bases, monthly and annual (progressive NDFL)."""
    monthly = amount / 12.0 if period == "year" else float(amount)
    if basis == "gross":
        gross, net = monthly, float(tax.gross_to_net_monthly(monthly, year))
    else:
        net, gross = monthly, float(tax.net_to_gross_monthly(monthly, year))
    return Amounts(net, gross, 12.0 * net, 12.0 * gross)


def schedule(amounts: Amounts, year: int) -> tuple[pd.DataFrame, tuple[int, float] | None]:
    """Month-by-month withholding of the offer and (month, rate) where a higher band starts, if any."""
    s = tax.monthly_schedule(amounts.gross_month, year)
    cross = s[s["crosses_band"]]
    first = None if cross.empty else (int(cross["month"].iloc[0]), float(cross["rate"].iloc[0]))
    return s, first


def tax_view(result: OfferResult, lang: str) -> tuple[list[tuple[str, str]], str, pd.DataFrame]:
    """What the page shows about tax: (label, money) metrics, the band sentence, the monthly table."""
    a, year = result.amounts, result.input.year
    metrics = [(t(f"offer_{k}", lang), fmt.money(getattr(a, k), lang))
               for k in ("net_month", "gross_month", "net_year", "gross_year")]
    s, first = schedule(a, year)
    band = (t("offer_band_starts", lang, month=first[0], rate=fmt.percent(first[1], lang)) if first
            else t("offer_band_none", lang, rate=fmt.percent(float(s["rate"].iloc[0]), lang)))
    table = pd.DataFrame({t("offer_s_month", lang): s["month"],
                          **{t(f"offer_s_{c}", lang): s[c].map(lambda v: fmt.money(v, lang))
                             for c in ("gross", "tax", "net")},
                          t("offer_s_rate", lang): s["rate"].map(lambda v: fmt.percent(v, lang))})
    return metrics, band, table


# ------------------------------------------------------------------------------------------ cells


def impute_points(lo: pd.Series | np.ndarray, hi: pd.Series | np.ndarray) -> np.ndarray:
    """One pay point per vacancy of one cell, by ``ranges``' calibrated imputation; sorted, NaN dropped.

    These are exactly the points ``ranges.estimate_cells`` takes percentiles of, so an amount at the
    cell's P50 has a percentile of about 50.
    """
    frame = pd.DataFrame({"lo": np.asarray(lo, float), "hi": np.asarray(hi, float)})
    point = ranges.impute_points(frame, [], "lo", "hi")
    return np.sort(point[np.isfinite(point)])


def percentile_of(points: np.ndarray, amount: float | np.ndarray) -> float | np.ndarray:
    """Share (0…1) of the sorted ``points`` at or below ``amount``; NaN for an empty cell."""
    if len(points) == 0:
        return np.full(np.shape(amount), np.nan) if np.ndim(amount) else math.nan
    share = np.searchsorted(points, amount, side="right") / len(points)
    return share if np.ndim(amount) else float(share)


def verdict(amount: float, p25: float, p75: float) -> str:
    """"below" (< P25), "market" (P25–P75, both ends included), "above" (> P75); "" without a band."""
    if not (np.isfinite(p25) and np.isfinite(p75)):
        return ""
    return "below" if amount < p25 else "above" if amount > p75 else "market"


@dataclass(frozen=True)
class CellResult:
    """The market cell an offer was compared with, after widening, and where the offer sits in it."""

    role: str  # cell, level_below, level_above, capital, russia_ex_moscow, spb
    scope: str  # region, district, russia, moscow, spb, russia_ex_moscow ("" when too sparse)
    levels: tuple[str, ...] | None
    region: str
    trail: tuple[tuple[str, tuple[str, ...] | None, int, int], ...]  # every step tried: (scope, levels, window, n)
    n: int = 0
    stats: Mapping[str, float] = field(default_factory=dict)  # p10…p90, p50_ci_low/high
    percentile: float = math.nan
    verdict: str = ""
    window: int = 0  # months of data used (0 = all, undated included): analytics.recency.WINDOWS
    published_from: dt.date | None = None
    published_to: dt.date | None = None
    n_undated: int = 0
    index_factor: float = 1.0  # mean wage-index factor the cell's pay was aged by (1 = as published)
    asked_levels: tuple[str, ...] | None = None  # the levels the person asked for (None = any)
    step: int = -1  # index in ``trail`` of the step used

    @property
    def found(self) -> bool:
        """Percentiles exist: the cell has at least ``ranges.MIN_N_ALL`` vacancies."""
        return bool(self.scope)

    @property
    def widened(self) -> bool:
        return self.step > 0

    @property
    def own(self) -> bool:
        """A verdict of its own: the asked level, the asked region or one step out (its federal
        district), and at least ``MIN_N_OFFER`` vacancies. Anything else is only a reference."""
        return (self.found and self.n >= MIN_N_OFFER and self.levels == self.asked_levels
                and self.scope in ("region", "district", "moscow", "spb", "russia_ex_moscow"))

    @property
    def borrowed_levels(self) -> bool:
        return self.found and self.levels != self.asked_levels


def neighbours(level: str) -> tuple[str, ...]:
    """The levels next to ``level`` on the ladder (intern … director)."""
    if level not in LEVELS:
        return ()
    i = LEVELS.index(level)
    return tuple(LEVELS[j] for j in (i - 1, i + 1) if 0 <= j < len(LEVELS))


def _with_neighbours(level: str) -> tuple[str, ...]:
    return tuple(lv for lv in LEVELS if lv == level or lv in neighbours(level))


def _chain(role: str, level: str, region: str, district: str | None, cross_levels: bool = False) -> list[Step]:
    """Places (and, only when the person asks, levels) a cell widens through, narrowest first."""
    one = (level,) if level else None
    wide = [(None if not level else _with_neighbours(level)), None] if cross_levels else []
    if role == "cell":
        steps = [("region", one), ("district", one), ("russia", one), *(("russia", lv) for lv in wide)]
    elif role in ("level_below", "level_above"):
        steps = [("region", one), ("district", one), ("russia", one)]
    else:  # capital comparisons: the same level there (and its neighbours when asked)
        steps = [(role if role != "capital" else "moscow", lv) for lv in (one, *wide)]
    if not district:
        steps = [s for s in steps if s[0] != "district"]
    return list(dict.fromkeys(steps))  # drop repeats (no level → the level steps coincide)


def _mask(rows: pd.DataFrame, scope: str, levels: tuple[str, ...] | None, region: str,
          district: str | None) -> np.ndarray:
    reg = rows["region_iso"]
    m = {"region": reg == region, "district": rows["federal_district"] == district, "moscow": reg == CAPITAL,
         "spb": reg == SPB, "russia_ex_moscow": reg != CAPITAL}.get(scope)
    m = np.ones(len(rows), bool) if m is None else np.asarray(m, bool)
    if levels is not None:
        m &= np.asarray(rows["level"].isin(levels), bool)
    return m


def _dated(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows without publication dates (``month``/``day``) count as undated: all-dates window only."""
    missing = {c: -1 for c in ("month", "day") if c not in rows}
    return rows.assign(**missing) if missing else rows


def _windows(rows: pd.DataFrame, mask: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """(window, mask) for each window of ``recency.WINDOWS`` that makes sense for these rows: the
    latest 12 and 24 months counted back from their newest posting (none when all are undated),
    then all of them."""
    month = rows["month"].to_numpy()
    cls = np.full(len(rows), 2)
    cls[mask] = recency.window_class(month[mask])
    dated = mask & (month >= 0)
    out = [(w, mask & (cls <= recency.WINDOW_LIMIT[w])) for w in recency.WINDOWS if w] if dated.any() else []
    return [*out, (0, mask)]


def _best_cell(rows: pd.DataFrame, role: str, level: str, region: str, min_n: int,
               cross_levels: bool = False) -> tuple[CellResult, np.ndarray]:
    """The first (place, levels, window) step with ``min_n`` vacancies; with none, the step with the
    most vacancies if it reaches ``ranges.MIN_N_ALL`` (a reference, never a verdict), else nothing."""
    district = district_of(region)
    asked = (level,) if level else None
    trail: list[tuple[str, tuple[str, ...] | None, int, int]] = []
    best: tuple[int, np.ndarray, int] | None = None  # (n, mask, index in trail)
    chosen = None
    for scope, levels in _chain(role, level, region, district, cross_levels):
        for window, m in _windows(rows, _mask(rows, scope, levels, region, district)):
            n = int(m.sum())
            trail.append((scope, levels, window, n))
            if best is None or n > best[0]:
                best = (n, m, len(trail) - 1)
            if n >= min_n:
                chosen = (n, m, len(trail) - 1)
                break
        if chosen:
            break
    if chosen is None and best is not None and best[0] >= ranges.MIN_N_ALL:
        chosen = best
    if chosen is None:
        return CellResult(role, "", None, region, tuple(trail), max((s[-1] for s in trail), default=0),
                          asked_levels=asked), np.array([])
    n, m, i = chosen
    scope, levels, window, _ = trail[i]
    sub = rows.loc[m]
    est = ranges.estimate_cells(sub[["lo", "hi"]], by=[], lo="lo", hi="hi").iloc[0]
    stats = {k: float(est[k]) for k in ("p10", "p25", "p50", "p75", "p90", "p50_ci_low", "p50_ci_high")}
    day = sub["day"].to_numpy()
    dated = day[day >= 0]
    epoch = dt.date(1970, 1, 1)
    first = epoch + dt.timedelta(days=int(dated.min())) if len(dated) else None
    last = epoch + dt.timedelta(days=int(dated.max())) if len(dated) else None
    factor = float(sub["factor"].mean()) if "factor" in sub and len(sub) else 1.0
    cell = CellResult(role, scope, levels, region, tuple(trail), n, stats, window=window, published_from=first,
                      published_to=last, n_undated=int(len(day) - len(dated)), index_factor=factor,
                      asked_levels=asked, step=i)
    return cell, impute_points(sub["lo"], sub["hi"])


def _place(cell: CellResult, points: np.ndarray, amount: float) -> CellResult:
    if not cell.found:
        return cell
    return replace(cell, percentile=percentile_of(points, amount),
                   verdict=verdict(amount, cell.stats["p25"], cell.stats["p75"]))


@dataclass(frozen=True)
class OfferResult:
    input: OfferInput
    amounts: Amounts
    cell: CellResult
    comparisons: tuple[CellResult, ...]
    aged_to: str = ""  # "YYYY-MM" when the market's pay was brought to that month's roubles

    @property
    def amount(self) -> float:
        """The offer in monthly roubles on its own basis: what the market cell is compared with."""
        return self.amounts.month(self.input.basis)


def evaluate(rows: pd.DataFrame, inp: OfferInput, min_n: int = MIN_N_OFFER, aged_to: str = "") -> OfferResult:
    """Place the offer in its cell and in the comparison cells.

    ``rows``: the profession's usable vacancies in the offer's basis, columns ``region_iso``,
    ``federal_district``, ``level`` (None where unknown), ``lo``, ``hi`` (monthly roubles), ``month``
    (publication month number, -1 undated) and ``day`` (days since 1970-01-01, -1 undated).
    ``aged_to``: bring the market's pay to that month's roubles first (``analytics.recency.age``).
    Comparisons: the neighbouring levels in the same region (if a level is given), and the capital —
    Moscow, or for a Moscow offer Russia without Moscow and St Petersburg.
    """
    rows = recency.age(_dated(rows), aged_to)
    amounts = offer_amounts(inp.amount, inp.period, inp.basis, inp.year)
    x = amounts.month(inp.basis)
    main = _place(*_best_cell(rows, "cell", inp.level, inp.region, min_n, inp.neighbours), x)
    roles: list[tuple[str, str]] = []
    if inp.level:
        i = LEVELS.index(inp.level)
        roles += [("level_below", LEVELS[i - 1])] if i > 0 else []
        roles += [("level_above", LEVELS[i + 1])] if i < len(LEVELS) - 1 else []
    caps = ("russia_ex_moscow", "spb") if inp.region == CAPITAL else ("capital",)
    roles += [(r, inp.level) for r in caps]
    comps = tuple(_place(*_best_cell(rows, role, lv, inp.region, min_n, inp.neighbours), x) for role, lv in roles)
    return OfferResult(inp, amounts, main, comps, aged_to)


# ------------------------------------------------------------------------------------------ words


@cache
def _districts() -> tuple[dict[str, str], dict[str, str]]:
    r = _reference.regions()
    return dict(zip(r["iso"], r["federal_district"], strict=True)), dict(
        zip(r["federal_district"], r["federal_district_en"], strict=True))


def district_of(region: str) -> str | None:
    """The federal district (Russian name, as in the warehouse) of an ISO region, None if unknown."""
    return _districts()[0].get(region) or None


def _levels_label(levels: tuple[str, ...] | None, lang: str) -> str:
    if levels is None:
        return t("offer_all_levels", lang)
    first, last = level_name(levels[0], lang), level_name(levels[-1], lang)
    return first if len(levels) == 1 else f"{first}–{last}"


def scope_label(scope: str, region: str, lang: str) -> str:
    if scope == "region":
        return labels.region(region, lang)
    if scope == "district":
        d = district_of(region) or ""
        return t("offer_district", lang, name=_districts()[1].get(d, d) if lang == "en" else d)
    return t(f"offer_scope_{scope}", lang)


def cell_label(scope: str, levels: tuple[str, ...] | None, region: str, lang: str) -> str:
    return f"{scope_label(scope, region, lang)} · {_levels_label(levels, lang)}"


def _step_label(scope: str, levels: tuple[str, ...] | None, window: int | None, region: str, lang: str) -> str:
    label = cell_label(scope, levels, region, lang)
    return label if window is None else f"{label} · {dating.window(window, lang)}"


def widen_text(cell: CellResult, lang: str) -> str:
    """"" when the first cell sufficed; else every step tried with its n (the one used marked ✓)."""
    if not cell.widened and cell.found:
        return ""
    timed = dating.time_widened(w for *_, w, _ in cell.trail)
    steps = " → ".join(f"{_step_label(s, lv, w if timed else None, cell.region, lang)} (n = {n})"
                       f"{' ✓' if i == cell.step else ''}" for i, (s, lv, w, n) in enumerate(cell.trail))
    key = "offer_widened" if cell.found else "offer_too_few"
    return t(key, lang, steps=steps, min_n=MIN_N_OFFER)


def percentile_text(p: float, lang: str) -> str:
    return "—" if not np.isfinite(p) else f"P{round(100 * p)}"


def dates_text(cell: CellResult, aged_to: str, lang: str) -> str:
    """'вакансии 01.2022–12.2022, в ценах 12.2026 (…)': what the cell's numbers stand on."""
    return (f"{dating.period(cell.published_from, cell.published_to, cell.n_undated, lang)}, "
            f"{dating.aged(aged_to, lang)}")


def reference_reason(cell: CellResult, lang: str) -> str:
    """Why a cell gives only a reference: too few vacancies, another place or other levels."""
    if cell.borrowed_levels:
        return t("offer_ref_levels", lang, levels=_levels_label(cell.asked_levels, lang))
    if cell.n < MIN_N_OFFER:
        return t("offer_ref_few", lang, n=cell.n, min_n=MIN_N_OFFER)
    return t("offer_ref_place", lang, place=scope_label("region", cell.region, lang))


def verdict_text(result: OfferResult, lang: str) -> str:
    """The verdict in words, with the thresholds in roubles, the cell it rests on and its dates;
    for a cell that is not the asked level and place, a reference with the reason instead."""
    c = result.cell
    if not c.found:
        return widen_text(c, lang)
    common = dict(amount=fmt.money(result.amount, lang), p25=fmt.money(c.stats["p25"], lang),
                  p75=fmt.money(c.stats["p75"], lang), pct=percentile_text(c.percentile, lang),
                  cell=cell_label(c.scope, c.levels, c.region, lang), n=fmt.number(c.n, lang),
                  basis=t(f"basis_{result.input.basis}", lang), dates=dates_text(c, result.aged_to, lang))
    if not c.own:
        return t("offer_reference", lang, reason=reference_reason(c, lang), **common)
    return t(f"offer_verdict_{c.verdict}", lang, **common)


def staleness(cell: CellResult, today: dt.date | None = None) -> int | None:
    """Months since the cell's newest vacancy when that is more than 12 (the page warns), else None."""
    age = dating.months_old(cell.published_to, today)
    return age if age is not None and age > 12 else None


def comparison_table(result: OfferResult, lang: str) -> pd.DataFrame:
    """One row per cell (the offer's own first): label, n, P25/P50/P75, the offer's percentile,
    verdict (or "ориентир" for a cell that is not of the asked level and place), dates."""
    rows = []
    for c in (result.cell, *result.comparisons):
        label = (cell_label(c.scope, c.levels, c.region, lang) if c.found
                 else t("offer_not_enough", lang, n=c.n))
        short = (t(f"offer_short_{c.verdict or 'none'}", lang) if c.own or not c.found
                 else t("offer_short_reference", lang))
        rows.append({t("offer_col_role", lang): t(f"offer_role_{c.role}", lang), t("offer_col_cell", lang): label,
                     "n": c.n, **{f"P{p}": fmt.money(c.stats.get(f"p{p}"), lang) for p in (25, 50, 75)},
                     t("offer_col_pct", lang): percentile_text(c.percentile, lang),
                     t("offer_col_verdict", lang): short,
                     t("offer_col_dates", lang): (dating.period(c.published_from, c.published_to, c.n_undated, lang)
                                                  if c.found else "")})
    return pd.DataFrame(rows)


def offer_figure(result: OfferResult, lang: str = "ru") -> go.Figure:
    """The cells' P10–P90 / P25–P75 bands with medians and a vertical line at the offer (₽/month)."""
    cells = [c for c in (result.cell, *result.comparisons) if c.found]
    basis = result.input.basis
    frame = pd.DataFrame([{"label": f"{t(f'offer_role_{c.role}', lang)}: "
                                    f"{cell_label(c.scope, c.levels, c.region, lang)}", "n": c.n, **c.stats}
                          for c in cells],
                         columns=["label", "n", "p10", "p25", "p50", "p75", "p90", "p50_ci_low", "p50_ci_high"])
    title = t("offer_fig_title", lang, basis=t(f"basis_{basis}", lang), n=fmt.number(result.cell.n, lang))
    fig = bands_figure(frame, "label", basis, lang, title=title)
    line = {"color": "#d62728", "width": 2, "dash": "dash"}
    fig.add_vline(x=result.amount, line=line)
    # named in the legend, not by a text over the plot (on a phone that text ran into the title)
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=line, hoverinfo="skip",
                             name=t("offer_fig_offer", lang, amount=fmt.money(result.amount, lang))))
    return fig


# ------------------------------------------------------------------------------------------ tables


def benchmark(table: pd.DataFrame, rows_for: Callable[[str, str], pd.DataFrame],
              min_n: int = MIN_N_OFFER, aged_to: str = "") -> pd.DataFrame:
    """Every row of an uploaded salary table placed in its cell.

    ``table``: ``analytics.upload.parse_salary_table`` output (row, title, region, region_iso, amount,
    basis, period). ``rows_for(profession, basis)`` gives that profession's market rows (as for
    :func:`evaluate`), aged to ``aged_to`` when given. Each distinct cell is estimated once; the
    percentiles of its rows are one ``searchsorted``. Adds profession, level, monthly (roubles/month
    on the row's basis), scope, levels, n, p25, p50, p75, percentile (0…1), published_from,
    published_to, and verdict: below / market / above for a cell of the row's own level and place;
    "reference" (percentile kept, no verdict) for a same-level cell farther away or too small;
    "no_level" when the row's level has too few vacancies (nothing compared); "few" otherwise.
    """
    out = table.reset_index(drop=True).copy()
    out[["profession", "level"]] = classify_titles(out["title"]).to_numpy()
    monthly = np.where(out["period"] == "year", out["amount"] / 12.0, out["amount"]).astype(float)
    out["monthly"] = monthly
    cols: dict[str, list] = {k: [None] * len(out) for k in ("scope", "levels", "published_from", "published_to")}
    num = {k: np.full(len(out), np.nan) for k in ("n", "p25", "p50", "p75", "percentile")}
    verdicts = [""] * len(out)
    for (prof, level, region, basis), idx in out.groupby(["profession", "level", "region_iso", "basis"]).indices.items():
        cell, points = _best_cell(recency.age(_dated(rows_for(prof, basis)), aged_to), "cell", level, region, min_n)
        num["n"][idx] = cell.n
        if not cell.found or (level and not cell.own and (cell.n < min_n or cell.borrowed_levels)):
            for i in idx:
                verdicts[i] = "no_level" if level else "few"
            continue
        for p in ("p25", "p50", "p75"):
            num[p][idx] = cell.stats[p]
        num["percentile"][idx] = percentile_of(points, monthly[idx])
        for i in idx:
            cols["scope"][i], cols["levels"][i] = cell.scope, cell.levels
            cols["published_from"][i], cols["published_to"][i] = cell.published_from, cell.published_to
            verdicts[i] = verdict(monthly[i], cell.stats["p25"], cell.stats["p75"]) if cell.own else "reference"
    return out.assign(**cols, **num, verdict=verdicts)


def _short_verdict(code: str, lang: str) -> str:
    key = {"no_level": "offer_b_no_level", "few": "offer_b_few", "reference": "offer_short_reference"}.get(
        code, f"offer_short_{code or 'none'}")
    return t(key, lang)


def benchmark_display(bench: pd.DataFrame, lang: str, for_csv: bool = False) -> pd.DataFrame:
    """The benchmark in words: localised headers and labels; money as '150 000 ₽' on screen, and as whole
    roubles (percentile as 0…100) with ``for_csv`` so a spreadsheet can compute with them."""
    def money(v: float) -> object:
        return (pd.NA if pd.isna(v) else round(v)) if for_csv else fmt.money(v, lang)

    def pct(v: float) -> object:
        return (pd.NA if pd.isna(v) else round(100 * v)) if for_csv else percentile_text(v, lang)

    def cell(r: pd.Series) -> str:
        return cell_label(r["scope"], r["levels"], r["region_iso"], lang) if r["scope"] else t(
            "offer_not_enough", lang, n=int(r["n"]))

    # what HR reads first — where the salary sits and the verdict — then the row and its cell
    return pd.DataFrame({
        t("offer_b_row", lang): bench["row"],
        t("offer_b_title", lang): bench["title"],
        t("offer_col_pct", lang): bench["percentile"].map(pct),
        t("offer_col_verdict", lang): bench["verdict"].map(lambda v: _short_verdict(v, lang)),
        t("offer_b_monthly", lang): bench["monthly"].map(money),
        **{f"P{p}": bench[f"p{p}"].map(money) for p in (25, 50, 75)},
        "n": bench["n"].fillna(0).astype(int),
        t("offer_b_region", lang): bench["region_iso"].map(lambda v: labels.region(v, lang)),
        t("profession", lang): bench["profession"].map(lambda v: labels.profession(v, lang)),
        t("level", lang): bench["level"].map(lambda v: level_name(v or None, lang)),
        t("basis", lang): bench["basis"].map(lambda v: t(f"basis_{v}", lang)),
        t("offer_col_cell", lang): bench.apply(cell, axis=1) if len(bench) else [],
        t("offer_col_dates", lang): [dating.period(a, b, 0, lang) if s else ""
                                     for a, b, s in zip(bench["published_from"], bench["published_to"],
                                                        bench["scope"], strict=True)],
    })
