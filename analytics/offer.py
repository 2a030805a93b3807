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

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics import fmt, labels, ranges, tax
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
    year_s = pick("year", lambda v: v.isdigit() and 2000 <= int(v) <= 2100, str(year))
    return OfferInput(profession, level, region, amount, period, basis, int(year_s)), title, bad


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
    trail: tuple[tuple[str, tuple[str, ...] | None, int], ...]  # every step tried: (scope, levels, n)
    n: int = 0
    stats: Mapping[str, float] = field(default_factory=dict)  # p10…p90, p50_ci_low/high
    percentile: float = math.nan
    verdict: str = ""

    @property
    def found(self) -> bool:
        return bool(self.scope)

    @property
    def widened(self) -> bool:
        return len(self.trail) > 1


def neighbours(level: str) -> tuple[str, ...]:
    """The levels next to ``level`` on the ladder (intern … director)."""
    if level not in LEVELS:
        return ()
    i = LEVELS.index(level)
    return tuple(LEVELS[j] for j in (i - 1, i + 1) if 0 <= j < len(LEVELS))


def _with_neighbours(level: str) -> tuple[str, ...]:
    return tuple(lv for lv in LEVELS if lv == level or lv in neighbours(level))


def _chain(role: str, level: str, region: str, district: str | None) -> list[Step]:
    one = (level,) if level else None
    wide = [(None if not level else _with_neighbours(level)), None]
    if role == "cell":
        steps = [("region", one), ("district", one), ("russia", one), *(("russia", lv) for lv in wide)]
    elif role in ("level_below", "level_above"):
        steps = [("region", one), ("district", one), ("russia", one)]
    else:  # capital comparisons widen by level only
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


def _best_cell(rows: pd.DataFrame, role: str, level: str, region: str, min_n: int
               ) -> tuple[CellResult, np.ndarray]:
    district = district_of(region)
    steps = _chain(role, level, region, district)
    tried: dict[str, tuple[pd.Series, np.ndarray]] = {}

    def fetch(key: str) -> pd.Series:
        scope, levels = steps[int(key)]
        sub = rows.loc[_mask(rows, scope, levels, region, district), ["lo", "hi"]]
        est = ranges.estimate_cells(sub, by=[], lo="lo", hi="hi").iloc[0]
        tried[key] = (est, impute_points(sub["lo"], sub["hi"]))
        return est

    row, _ = ranges.widen_chain(fetch, [(str(i), str(i)) for i in range(len(steps))], min_n=min_n)
    trail = tuple((*steps[int(k)], int(est["n"])) for k, (est, _) in tried.items())
    if row is None:
        return CellResult(role, "", None, region, trail, max(n for *_, n in trail)), np.array([])
    key = list(tried)[-1]
    scope, levels = steps[int(key)]
    stats = {k: float(row[k]) for k in ("p10", "p25", "p50", "p75", "p90", "p50_ci_low", "p50_ci_high")}
    return CellResult(role, scope, levels, region, trail, int(row["n"]), stats), tried[key][1]


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

    @property
    def amount(self) -> float:
        """The offer in monthly roubles on its own basis: what the market cell is compared with."""
        return self.amounts.month(self.input.basis)


def evaluate(rows: pd.DataFrame, inp: OfferInput, min_n: int = MIN_N_OFFER) -> OfferResult:
    """Place the offer in its cell and in the comparison cells.

    ``rows``: the profession's usable vacancies in the offer's basis, columns ``region_iso``,
    ``federal_district``, ``level`` (None where unknown), ``lo``, ``hi`` (monthly roubles).
    Comparisons: the neighbouring levels in the same region (if a level is given), and the capital —
    Moscow, or for a Moscow offer Russia without Moscow and St Petersburg.
    """
    amounts = offer_amounts(inp.amount, inp.period, inp.basis, inp.year)
    x = amounts.month(inp.basis)
    main = _place(*_best_cell(rows, "cell", inp.level, inp.region, min_n), x)
    roles: list[tuple[str, str]] = []
    if inp.level:
        i = LEVELS.index(inp.level)
        roles += [("level_below", LEVELS[i - 1])] if i > 0 else []
        roles += [("level_above", LEVELS[i + 1])] if i < len(LEVELS) - 1 else []
    caps = ("russia_ex_moscow", "spb") if inp.region == CAPITAL else ("capital",)
    roles += [(r, inp.level) for r in caps]
    comps = tuple(_place(*_best_cell(rows, role, lv, inp.region, min_n), x) for role, lv in roles)
    return OfferResult(inp, amounts, main, comps)


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


def widen_text(cell: CellResult, lang: str) -> str:
    """"" when the first cell sufficed; else every step tried with its n, ending with the one used."""
    if not cell.widened and cell.found:
        return ""
    steps = " → ".join(f"{cell_label(s, lv, cell.region, lang)} (n = {n})" for s, lv, n in cell.trail)
    key = "offer_widened" if cell.found else "offer_too_few"
    return t(key, lang, steps=steps, min_n=MIN_N_OFFER)


def percentile_text(p: float, lang: str) -> str:
    return "—" if not np.isfinite(p) else f"P{round(100 * p)}"


def verdict_text(result: OfferResult, lang: str) -> str:
    """The verdict in words, with the thresholds in roubles and the cell it rests on."""
    c = result.cell
    if not c.found:
        return widen_text(c, lang)
    return t(f"offer_verdict_{c.verdict}", lang, amount=fmt.money(result.amount, lang),
             p25=fmt.money(c.stats["p25"], lang), p75=fmt.money(c.stats["p75"], lang),
             pct=percentile_text(c.percentile, lang), cell=cell_label(c.scope, c.levels, c.region, lang),
             n=fmt.number(c.n, lang), basis=t(f"basis_{result.input.basis}", lang))


def comparison_table(result: OfferResult, lang: str) -> pd.DataFrame:
    """One row per cell (the offer's own first): label, n, P25/P50/P75, the offer's percentile, verdict."""
    rows = []
    for c in (result.cell, *result.comparisons):
        label = (cell_label(c.scope, c.levels, c.region, lang) if c.found
                 else t("offer_not_enough", lang, n=c.n))
        rows.append({t("offer_col_role", lang): t(f"offer_role_{c.role}", lang), t("offer_col_cell", lang): label,
                     "n": c.n, **{f"P{p}": fmt.money(c.stats.get(f"p{p}"), lang) for p in (25, 50, 75)},
                     t("offer_col_pct", lang): percentile_text(c.percentile, lang),
                     t("offer_col_verdict", lang): t(f"offer_short_{c.verdict or 'none'}", lang)})
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
    fig.add_vline(x=result.amount, line={"color": "#d62728", "width": 2, "dash": "dash"},
                  annotation={"text": t("offer_fig_offer", lang, amount=fmt.money(result.amount, lang)),
                              "font": {"color": "#d62728"}}, annotation_position="top")
    # the shared builder puts the legend where the x-axis title is; below it here
    fig.update_layout(legend={"orientation": "h", "y": -0.3}, margin={"b": 90})
    return fig


# ------------------------------------------------------------------------------------------ tables


def benchmark(table: pd.DataFrame, rows_for: Callable[[str, str], pd.DataFrame],
              min_n: int = MIN_N_OFFER) -> pd.DataFrame:
    """Every row of an uploaded salary table placed in its cell.

    ``table``: ``analytics.upload.parse_salary_table`` output (row, title, region, region_iso, amount,
    basis, period). ``rows_for(profession, basis)`` gives that profession's market rows (as for
    :func:`evaluate`). Each distinct cell is estimated once; the percentiles of its rows are one
    ``searchsorted``. Adds profession, level, monthly (roubles/month on the row's basis), scope, levels,
    n, p25, p50, p75, percentile (0…1), verdict.
    """
    out = table.reset_index(drop=True).copy()
    out[["profession", "level"]] = classify_titles(out["title"]).to_numpy()
    monthly = np.where(out["period"] == "year", out["amount"] / 12.0, out["amount"]).astype(float)
    out["monthly"] = monthly
    cols = {k: [None] * len(out) for k in ("scope", "levels")}
    num = {k: np.full(len(out), np.nan) for k in ("n", "p25", "p50", "p75", "percentile")}
    verdicts = [""] * len(out)
    for (prof, level, region, basis), idx in out.groupby(["profession", "level", "region_iso", "basis"]).indices.items():
        cell, points = _best_cell(rows_for(prof, basis), "cell", level, region, min_n)
        num["n"][idx] = cell.n
        if not cell.found:
            continue
        for p in ("p25", "p50", "p75"):
            num[p][idx] = cell.stats[p]
        num["percentile"][idx] = percentile_of(points, monthly[idx])
        for i in idx:
            cols["scope"][i], cols["levels"][i] = cell.scope, cell.levels
            verdicts[i] = verdict(monthly[i], cell.stats["p25"], cell.stats["p75"])
    return out.assign(**cols, **num, verdict=verdicts)


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

    return pd.DataFrame({
        t("offer_b_row", lang): bench["row"],
        t("offer_b_title", lang): bench["title"],
        t("offer_b_region", lang): bench["region_iso"].map(lambda v: labels.region(v, lang)),
        t("profession", lang): bench["profession"].map(lambda v: labels.profession(v, lang)),
        t("level", lang): bench["level"].map(lambda v: level_name(v or None, lang)),
        t("offer_b_monthly", lang): bench["monthly"].map(money),
        t("basis", lang): bench["basis"].map(lambda v: t(f"basis_{v}", lang)),
        t("offer_col_cell", lang): bench.apply(cell, axis=1) if len(bench) else [],
        "n": bench["n"].fillna(0).astype(int),
        **{f"P{p}": bench[f"p{p}"].map(money) for p in (25, 50, 75)},
        t("offer_col_pct", lang): bench["percentile"].map(pct),
        t("offer_col_verdict", lang): bench["verdict"].map(lambda v: t(f"offer_short_{v or 'none'}", lang)),
    })
