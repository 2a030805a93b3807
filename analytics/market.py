"""The Market page's knowledge and pure transforms: pay-structure rules, shares, skill premiums, figures.

Everything here is a pure function of small frames that ``analytics.queries_market`` returns (already
aggregated in DuckDB). Pay is monthly roubles on the basis the user chose (net = on hand, gross =
before NDFL); counts are vacancies. The keyword rules live in ``data/reference/pay_structure.yaml``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import yaml

from analytics import fmt, labels
from analytics.figures import plain_label
from analytics.i18n import t
from analytics.ranges import MIN_N_ALL
from pipelines.config import REFERENCE

PAY_STRUCTURE_FILE = REFERENCE / "pay_structure.yaml"
MIN_N_PREMIUM = 20  # vacancies on each side before a skill's premium is shown
DEFAULT_COMPARISON = ("account_manager", "software_developer", "frontend_developer")  # the article's trio
FREQS = ("week", "month")
WORK_FORMATS = ("remote", "hybrid", "on_site", "field")  # pipelines.schema: work_format values
BAR = "#2a6fdb"
LIGHT = "#9bb7e8"


# --------------------------------------------------------------------------- rules (reference data)

@dataclass(frozen=True)
class KeywordRule:
    """ANY pattern and NO exclude: the title mentions the thing (see pay_structure.yaml)."""
    ru: str
    en: str
    patterns: tuple[str, ...]
    exclude: tuple[str, ...] = ()

    @property
    def pattern(self) -> str:
        return "|".join(f"(?:{p})" for p in self.patterns)

    @property
    def exclude_pattern(self) -> str | None:
        return "|".join(f"(?:{p})" for p in self.exclude) or None

    def name(self, lang: str) -> str:
        return self.en if lang == "en" else self.ru


@dataclass(frozen=True)
class PayStructureRules:
    bonus: KeywordRule
    segment_professions: tuple[str, ...]
    b2b: KeywordRule
    b2c: KeywordRule
    skill_placeholders: tuple[str, ...]


def _rule(doc: object, where: str) -> KeywordRule:
    if not isinstance(doc, dict):
        raise ValueError(f"{where}: expected a mapping with ru, en, patterns")
    patterns = doc.get("patterns") or []
    exclude = doc.get("exclude") or []
    if not patterns or not all(isinstance(p, str) and p for p in [*patterns, *exclude]):
        raise ValueError(f"{where}: patterns must be a non-empty list of strings")
    for p in (*patterns, *exclude):
        try:
            re.compile(p)
        except re.error as exc:
            raise ValueError(f"{where}: bad pattern {p!r}: {exc}") from None
        if "\\w" in p or "\\b" in p:
            raise ValueError(f"{where}: {p!r} uses \\w or \\b, which DuckDB's RE2 reads as ASCII only")
    return KeywordRule(str(doc.get("ru", where)), str(doc.get("en", where)), tuple(patterns), tuple(exclude))


def parse_pay_structure(doc: object) -> PayStructureRules:
    """Validate the YAML document; a wrong file fails loudly with where the problem is."""
    if not isinstance(doc, dict) or "bonus" not in doc or "segments" not in doc:
        raise ValueError("pay_structure.yaml: needs 'bonus' and 'segments'")
    seg = doc["segments"]
    if not isinstance(seg, dict) or not seg.get("professions"):
        raise ValueError("pay_structure.yaml: segments.professions must list profession ids")
    placeholders = tuple(str(s).lower().replace("ё", "е") for s in doc.get("skill_placeholders") or ())
    return PayStructureRules(
        bonus=_rule(doc["bonus"], "bonus"),
        segment_professions=tuple(str(p) for p in seg["professions"]),
        b2b=_rule(seg.get("b2b"), "segments.b2b"),
        b2c=_rule(seg.get("b2c"), "segments.b2c"),
        skill_placeholders=placeholders,
    )


@cache
def pay_structure_rules(path: Path = PAY_STRUCTURE_FILE) -> PayStructureRules:
    """The rules from ``data/reference/pay_structure.yaml``, loaded and validated once."""
    with open(path, encoding="utf-8") as fh:
        return parse_pay_structure(yaml.safe_load(fh))


def normalise_title(titles: pd.Series) -> pd.Series:
    """Lower case, ё → е: the form the rules are written for (same as the SQL side)."""
    return titles.fillna("").astype(str).str.lower().str.replace("ё", "е", regex=False)


def mentions(titles: pd.Series, rule: KeywordRule) -> pd.Series:
    """Python twin of the SQL matching, for tests and small frames: does each title match ``rule``?"""
    text = normalise_title(titles)
    found, exclude = re.compile(rule.pattern), re.compile(rule.exclude_pattern or "(?!)")
    return text.map(lambda s: bool(found.search(s)) and not exclude.search(s)).astype(bool)


# --------------------------------------------------------------------------- transforms

def complete_periods(volume: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Weeks/months with no vacancy get a 0 row, so a gap in the trend is visible, not bridged."""
    if volume.empty:
        return volume
    if freq not in FREQS:
        raise ValueError(f"freq must be one of {FREQS}")
    df = volume.assign(period=pd.to_datetime(volume["period"])).set_index("period").sort_index()
    rule = "W-MON" if freq == "week" else "MS"
    full = pd.date_range(df.index.min(), df.index.max(), freq=rule)
    return df.reindex(df.index.union(full), fill_value=0).rename_axis("period").reset_index()


def shares(counts: pd.DataFrame, value_col: str = "value") -> pd.DataFrame:
    """``counts`` [value, n] → adds ``share`` of the total (missing values kept as their own row)."""
    total = counts["n"].sum()
    out = counts.copy()
    out["share"] = out["n"] / total if total else float("nan")
    return out


def employer_table(rows: pd.DataFrame, bands: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The top employers from counted rows [employer, usable, lo, hi, n] (all rows of a selection,
    counted per distinct row): employer, n (vacancies), n_pay (usable ones), p50 (median monthly pay
    from ``bands`` keyed "key"; NaN where the band is hidden or missing). Most vacancies first, ties
    by name; at most ``limit`` rows."""
    if rows.empty:
        return pd.DataFrame({"employer": pd.Series(dtype=object), "n": pd.Series(dtype="int64"),
                             "n_pay": pd.Series(dtype="int64"), "p50": pd.Series(dtype=float)})
    usable_n = rows["n"].where(rows["usable"], 0)
    top = (rows.assign(n_pay=usable_n).groupby("employer", sort=False)[["n", "n_pay"]].sum()
           .reset_index().sort_values(["n", "employer"], ascending=[False, True]).head(limit))
    p50 = bands[["key", "p50"]].rename(columns={"key": "employer"})
    return top.merge(p50, on="employer", how="left").reset_index(drop=True)


def skill_premium(cells: pd.DataFrame, min_n: int = MIN_N_PREMIUM) -> pd.DataFrame:
    """Median pay with a skill vs without it, per skill.

    ``cells``: ``ranges.estimate_cells`` output keyed by ``skill`` and ``has`` (True/False), pay in
    monthly roubles. Returns skill, n_with, p50_with, n_without, p50_without, premium (p50_with /
    p50_without − 1) and ``enough`` — False when either side has fewer than ``min_n`` vacancies, in
    which case the premium is NaN: a premium from a handful of postings is noise.
    """
    cols = ["skill", "n_with", "p50_with", "n_without", "p50_without", "premium", "enough"]
    if cells.empty:
        return pd.DataFrame(columns=cols)
    wide = cells.pivot_table(index="skill", columns="has", values=["n", "p50"], aggfunc="first", dropna=False)
    out = pd.DataFrame({
        "skill": wide.index,
        "n_with": _col(wide, "n", True).fillna(0).astype(int).to_numpy(),
        "p50_with": _col(wide, "p50", True).to_numpy(dtype=float),
        "n_without": _col(wide, "n", False).fillna(0).astype(int).to_numpy(),
        "p50_without": _col(wide, "p50", False).to_numpy(dtype=float),
    })
    out["enough"] = (out["n_with"] >= min_n) & (out["n_without"] >= min_n)
    out["premium"] = (out["p50_with"] / out["p50_without"] - 1).where(out["enough"])
    return out.sort_values(["enough", "n_with"], ascending=[False, False]).reset_index(drop=True)[cols]


def _col(wide: pd.DataFrame, value: str, has: bool) -> pd.Series:
    key = (value, has)
    return wide[key] if key in wide.columns else pd.Series(float("nan"), index=wide.index)


def premium_display(premium: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The premium table as the page shows it: money formatted, 'n too small' where it applies."""
    too_small = t("market_n_too_small", lang, n=MIN_N_PREMIUM)
    return pd.DataFrame({
        t("market_col_skill", lang): premium["skill"],
        t("market_col_n_with", lang): premium["n_with"],
        t("market_col_p50_with", lang): premium["p50_with"].map(lambda v: fmt.money(v, lang)),
        t("market_col_n_without", lang): premium["n_without"],
        t("market_col_p50_without", lang): premium["p50_without"].map(lambda v: fmt.money(v, lang)),
        t("market_col_premium", lang): [
            fmt.percent(p, lang, 0) if ok and not _nan(p) else too_small
            for p, ok in zip(premium["premium"], premium["enough"], strict=True)],
    })


def _nan(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def comparison_defaults(available: Sequence[str]) -> list[str]:
    """The article's comparison (account manager vs software vs frontend developer), where present."""
    present = [p for p in DEFAULT_COMPARISON if p in set(available)]
    return present or list(available[:3])


# --------------------------------------------------------------------------- figures

def _layout(fig: go.Figure, title: str, lang: str, height: int = 360) -> go.Figure:
    fig.update_layout(title=title, height=height, margin={"l": 10, "r": 10, "t": 60, "b": 40},
                      separators=", " if lang == "ru" else ".,", legend={"orientation": "h", "y": -0.18})
    # counts as "10 000", not plotly's SI "10k"; the separators above make the space Russian
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        if axis.type != "date" and axis.type != "category" and not axis.tickformat:
            axis.tickformat = ",d"
    return fig


def trend_figure(volume: pd.DataFrame, freq: str, lang: str = "ru") -> go.Figure:
    """Vacancies published per week or month, with the part that publishes pay; n in the title."""
    n = int(volume["n"].sum())
    fig = go.Figure()
    fig.add_trace(go.Bar(x=volume["period"], y=volume["n"], name=t("market_all_vacancies", lang),
                         marker_color=LIGHT))
    fig.add_trace(go.Bar(x=volume["period"], y=volume["n_salary"], name=t("market_with_salary", lang),
                         marker_color=BAR))
    fig.update_layout(barmode="overlay", yaxis={"title": t("market_vacancies_axis", lang)}, bargap=0.1,
                      xaxis={"type": "date", "tickformat": "%m.%Y" if lang == "ru" else "%b %Y"})
    window = bulk_window(volume)
    if window is not None:  # a stray old posting should not squeeze the rest; zooming out shows all
        fig.update_xaxes(range=window)
    return _layout(fig, t(f"market_trend_title_{freq}", lang, n=fmt.number(n, lang)), lang)


def bulk_window(volume: pd.DataFrame, tail: float = 0.005) -> list | None:
    """The x range holding all but ``tail`` of the vacancies at each end, or
    None when that is the whole range anyway; padded by a bit over half a period."""
    if len(volume) < 3 or volume["n"].sum() == 0:
        return None
    periods = pd.to_datetime(volume["period"]).reset_index(drop=True)
    share = volume["n"].cumsum().reset_index(drop=True) / volume["n"].sum()
    lo = int((share >= tail).idxmax())
    hi = int((share >= 1 - tail).idxmax())
    if lo == 0 and hi == len(periods) - 1:
        return None
    step = periods.diff().median()
    return [periods[lo] - step * 0.6, periods[hi] + step * 0.6]  # bars are centred on their period


def share_figure(counts: pd.DataFrame, label_col: str, title: str, lang: str = "ru") -> go.Figure:
    """Horizontal bars of counts with their share; ``counts`` has n, share and ``label_col``."""
    df = counts.iloc[::-1]
    text = [f"{fmt.number(n, lang)} · {fmt.percent(s, lang)}" for n, s in zip(df["n"], df["share"], strict=True)]
    fig = go.Figure(go.Bar(y=df[label_col].map(plain_label), x=df["n"], orientation="h", marker_color=BAR,
                           text=text, textposition="auto", hoverinfo="text", hovertext=text))
    fig.update_layout(xaxis={"title": t("market_vacancies_axis", lang)}, yaxis={"automargin": True})
    return _layout(fig, title, lang, height=max(260, 30 * len(df) + 120))


def employers_figure(employers: pd.DataFrame, basis: str, lang: str = "ru") -> go.Figure:
    """Top employers by vacancies, with each one's median offered pay (where n allows) in the label."""
    df = employers.iloc[::-1]
    text = [f"n = {fmt.number(n, lang)} · {t('median', lang)} {fmt.money(p, lang)}"
            for n, p in zip(df["n"], df["p50"], strict=True)]
    fig = go.Figure(go.Bar(y=df["employer"].map(plain_label), x=df["n"], orientation="h", marker_color=BAR,
                           text=text, textposition="auto", hoverinfo="text", hovertext=text))
    fig.update_layout(xaxis={"title": t("market_vacancies_axis", lang)}, yaxis={"automargin": True})
    title = t("market_employers_title", lang, k=len(df), basis=t(f"basis_{basis}", lang),
              n=fmt.number(int(employers["n"].sum()), lang))
    return _layout(fig, title, lang, height=max(300, 28 * len(df) + 140))


# --------------------------------------------------------------------------- lifecycle


def open_per_week(weeks: pd.DataFrame, start: pd.Timestamp | None, end: pd.Timestamp | None) -> pd.DataFrame:
    """Vacancies open during each week from ``start`` to ``end`` (Mondays), and those found closed.

    ``weeks`` [week, n_opened, n_last, n_closed]: per week, how many tracked vacancies opened, were
    last seen, were found closed (``queries_market.lifecycle_weeks``). A vacancy counts as open in
    every week from its opening to its last sighting, both included — a lower bound, since it may
    have stayed open until the sweep that missed it. Weeks before ``start`` (the first sweep) are
    left out: vacancies that closed before vilka looked were never seen, so those weeks would be
    too low."""
    cols = ["week", "open", "closed"]
    if weeks.empty or start is None or end is None or pd.isna(end) or end < start:
        return pd.DataFrame(columns=cols)
    w = weeks.assign(week=pd.to_datetime(weeks["week"])).groupby("week")[["n_opened", "n_last", "n_closed"]].sum()
    full = pd.date_range(min(w.index.min(), start), max(w.index.max(), end), freq="W-MON")
    w = w.reindex(full, fill_value=0)
    still_open = w["n_opened"].cumsum() - w["n_last"].cumsum().shift(1, fill_value=0)
    out = pd.DataFrame({"week": full, "open": still_open.to_numpy(), "closed": w["n_closed"].to_numpy()})
    return out[(out["week"] >= start) & (out["week"] <= end)].reset_index(drop=True)


def close_table(rows: pd.DataFrame, group: str, lang: str = "ru", min_n: int = MIN_N_ALL) -> pd.DataFrame:
    """``queries_market.time_to_close`` with labels, and days hidden (NaN) where fewer than ``min_n``
    vacancies closed: a median of three closures is an anecdote."""
    out = rows.copy()
    out["label"] = [labels.label(group, k, lang) for k in out["key"]]
    few = out["n"] < min_n
    out.loc[few, ["p25", "median", "p75"]] = float("nan")
    out["enough"] = ~few
    return out.reset_index(drop=True)


def open_figure(weekly: pd.DataFrame, n: int, lang: str = "ru") -> go.Figure:
    """Bars: vacancies open during each week; line: vacancies found closed that week; ``n`` the
    tracked vacancies behind it."""
    fig = go.Figure()
    fig.add_trace(go.Bar(x=weekly["week"], y=weekly["open"], name=t("market_open_series", lang),
                         marker_color=BAR))
    fig.add_trace(go.Scatter(x=weekly["week"], y=weekly["closed"], name=t("market_closed_series", lang),
                             mode="lines+markers", line={"color": "#d9534f"}))
    fig.update_layout(yaxis={"title": t("market_vacancies_axis", lang)}, bargap=0.15,
                      xaxis={"type": "date", "tickformat": "%d.%m.%Y" if lang == "ru" else "%d %b %Y"})
    peak = int(weekly["open"].max()) if len(weekly) else 0
    title = t("market_open_title", lang, weeks=len(weekly), peak=fmt.number(peak, lang), n=fmt.number(n, lang))
    return _layout(fig, title, lang)


def close_figure(table: pd.DataFrame, group: str, lang: str = "ru", limit: int = 20) -> go.Figure:
    """Median days to close per group (P25–P75 as the error bar), n in each label; groups with too
    few closures are listed with "n too small" and no bar."""
    df = table.sort_values(["enough", "n"], ascending=[False, False]).head(limit).iloc[::-1]
    text = [(f"{fmt.number(m, lang)} {t('market_days', lang)} · n = {fmt.number(n, lang)}" if ok
             else t("market_close_too_few", lang, n=fmt.number(n, lang), min=MIN_N_ALL))
            for m, n, ok in zip(df["median"], df["n"], df["enough"], strict=True)]
    fig = go.Figure(go.Bar(
        y=df["label"].map(plain_label), x=df["median"].fillna(0), orientation="h", marker_color=BAR, text=text,
        textposition="auto", hoverinfo="text", hovertext=text,
        error_x={"type": "data", "symmetric": False, "array": (df["p75"] - df["median"]).fillna(0),
                 "arrayminus": (df["median"] - df["p25"]).fillna(0), "color": "#555"}))
    fig.update_layout(xaxis={"title": t("market_days_axis", lang), "tickformat": ",d"}, yaxis={"automargin": True})
    title = t(f"market_close_title_{group}", lang, n=fmt.number(int(table["n"].sum()), lang))
    return _layout(fig, title, lang, height=max(280, 28 * len(df) + 140))


# --------------------------------------------------------------------------- labels

def value_label(kind: str, value: object, lang: str = "ru") -> str:
    """Display name of a counted value: work formats and segments from the page's text, experience
    and the rest from ``analytics.labels``; a missing value reads "not stated"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("unknown", lang)
    if kind == "work_format":
        return t(f"market_wf_{value}", lang) if value in WORK_FORMATS else str(value)
    if kind == "segment":
        return t(f"market_seg_{value}", lang)
    if kind == "bonus":
        return t("market_bonus_yes" if bool(value) else "market_bonus_no", lang)
    return labels.label(kind, str(value), lang)


def with_labels(df: pd.DataFrame, column: str, kind: str, lang: str = "ru") -> pd.DataFrame:
    """A copy with a ``label`` column for ``column``'s values (see :func:`value_label`)."""
    return df.assign(label=[value_label(kind, v, lang) for v in df[column]])


def remote_share(formats: pd.DataFrame) -> tuple[int, int, int]:
    """(remote + hybrid, all, not stated) vacancies from ``counts(..., "work_format")`` output."""
    n = int(formats["n"].sum())
    k = int(formats.loc[formats["value"].isin(["remote", "hybrid"]), "n"].sum())
    unknown = int(formats.loc[formats["value"].isna(), "n"].sum())
    return k, n, unknown
