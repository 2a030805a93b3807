"""Career ladders: which vacancies make each rung, what each rung pays, and what the next step adds.

Units: monthly roubles on the basis the caller chose (net = on hand, gross = before NDFL); every
number here comes back in the units of the ``lo``/``hi`` bound columns it was given.

* :func:`load_ladders` reads ``data/reference/ladders.yaml`` (the ladders are data a domain expert
  edits) and validates it against ``professions.yaml`` and the level names.
* :func:`rung_cells` turns the rows of a ladder's rungs (two bound columns and group keys, fetched
  by ``analytics.queries_ladder``) into one percentile cell per (comparison scope, rung), widening a
  sparse rung in time (the latest 12 months of its data, 24, all) and then in space (region →
  federal district → Russia), as every cell does (``analytics.recency``).
* :func:`steps` compares neighbouring rungs: median uplift in roubles and %, and how much the
  P25–P75 bands overlap.
* :func:`ladder_figure` draws it; :func:`steps_table` and :func:`cells_table` format it for display.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import yaml
from plotly.subplots import make_subplots

from analytics import dating, fmt, labels, ranges, recency
from analytics.i18n import EXPERIENCE_NAMES, t
from pipelines import classify, reference
from pipelines.config import REFERENCE

LADDERS_FILE = REFERENCE / "ladders.yaml"
LEVELS: tuple[str, ...] = classify.LEVELS

# --------------------------------------------------------------------------------------------------
# ladders as data
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rung:
    """One step of a ladder: the vacancies of these professions at these levels (and titles)."""

    ru: str
    en: str
    professions: tuple[str, ...]
    levels: tuple[str, ...]
    unlevelled: bool = False
    titles: tuple[str, ...] = ()
    exclude_titles: tuple[str, ...] = ()

    def name(self, lang: str = "ru") -> str:
        return self.en if lang == "en" else self.ru


@dataclass(frozen=True)
class Ladder:
    id: str
    ru: str
    en: str
    rungs: tuple[Rung, ...]  # bottom (first job) to top

    def name(self, lang: str = "ru") -> str:
        return self.en if lang == "en" else self.ru

    @property
    def professions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p for r in self.rungs for p in r.professions))


_LADDER_KEYS = {"ru", "en", "note", "rungs"}
_RUNG_KEYS = {"ru", "en", "professions", "levels", "unlevelled", "titles", "exclude_titles", "note"}


def _str_list(value: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{what}: must be a non-empty list of words")
    return tuple(v.strip() for v in value)


def _parse_rung(raw: Any, where: str, known: set[str]) -> Rung:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: a rung must be a mapping with ru, en, professions, levels")
    label = raw.get("ru") or raw.get("en") or "?"
    where = f"{where} ({label!r})"
    unknown_keys = set(raw) - _RUNG_KEYS
    if unknown_keys:
        raise ValueError(f"{where}: unknown keys {sorted(unknown_keys)}; use {sorted(_RUNG_KEYS)}")
    for key in ("ru", "en"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ValueError(f"{where}: missing display name {key!r}")
    professions = _str_list(raw.get("professions"), f"{where}: professions")
    bad = [p for p in professions if p not in known]
    if bad:
        raise ValueError(f"{where}: unknown profession {bad[0]!r}; the ids are in professions.yaml")
    levels = _str_list(raw.get("levels"), f"{where}: levels")
    bad = [lv for lv in levels if lv not in LEVELS]
    if bad:
        raise ValueError(f"{where}: unknown level {bad[0]!r}; use {', '.join(LEVELS)}")
    unlevelled = raw.get("unlevelled", False)
    if not isinstance(unlevelled, bool):
        raise ValueError(f"{where}: unlevelled must be true or false")
    titles = _str_list(raw["titles"], f"{where}: titles") if "titles" in raw else ()
    exclude = _str_list(raw["exclude_titles"], f"{where}: exclude_titles") if "exclude_titles" in raw else ()
    return Rung(ru=raw["ru"].strip(), en=raw["en"].strip(), professions=professions, levels=levels,
                unlevelled=unlevelled, titles=tuple(normalise_title(x) for x in titles),
                exclude_titles=tuple(normalise_title(x) for x in exclude))


def parse_ladders(doc: Any, professions: Iterable[str]) -> dict[str, Ladder]:
    """Validate a parsed ladders document; any mistake → ValueError naming the ladder and rung."""
    known = set(professions)
    if not isinstance(doc, dict) or not isinstance(doc.get("ladders"), dict) or not doc["ladders"]:
        raise ValueError("ladders.yaml: expected a top-level 'ladders:' mapping with at least one ladder")
    out: dict[str, Ladder] = {}
    for lid, raw in doc["ladders"].items():
        where = f"ladders.yaml: ladder {lid!r}"
        if not isinstance(raw, dict):
            raise ValueError(f"{where}: must be a mapping with ru, en, rungs")
        unknown_keys = set(raw) - _LADDER_KEYS
        if unknown_keys:
            raise ValueError(f"{where}: unknown keys {sorted(unknown_keys)}")
        for key in ("ru", "en"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise ValueError(f"{where}: missing display name {key!r}")
        rungs = raw.get("rungs")
        if not isinstance(rungs, list) or len(rungs) < 2:
            raise ValueError(f"{where}: needs a list of at least two rungs")
        parsed = tuple(_parse_rung(r, f"{where}, rung {i + 1}", known) for i, r in enumerate(rungs))
        out[str(lid)] = Ladder(id=str(lid), ru=raw["ru"].strip(), en=raw["en"].strip(), rungs=parsed)
    return out


def load_ladders(path: Path = LADDERS_FILE, professions: Iterable[str] | None = None) -> dict[str, Ladder]:
    """The ladders of ``path``, checked against the profession ids of professions.yaml."""
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{Path(path).name}: not valid YAML: {exc}") from exc
    return parse_ladders(doc, classify.profession_names().keys() if professions is None else professions)


@cache
def ladders() -> dict[str, Ladder]:
    """The shipped ladders, read and validated once per process."""
    return load_ladders()


def normalise_title(text: str) -> str:
    """Lower case, ё → е: how rung title words and vacancy titles are compared (SQL does the same)."""
    return text.lower().replace("ё", "е")


# --------------------------------------------------------------------------------------------------
# comparison scopes and geographic widening
# --------------------------------------------------------------------------------------------------

RUSSIA = "russia"
RUSSIA_EX_MOW = "russia_ex_mow"
RUSSIA_EX_MOW_SPE = "russia_ex_mow_spe"
PRESET_SCOPES: tuple[str, ...] = ("RU-MOW", "RU-SPE", RUSSIA_EX_MOW, RUSSIA_EX_MOW_SPE, RUSSIA)
_EXCLUDED = {RUSSIA_EX_MOW: ("RU-MOW",), RUSSIA_EX_MOW_SPE: ("RU-MOW", "RU-SPE")}


@cache
def _district_of() -> dict[str, tuple[str, str]]:
    r = reference.regions()
    return dict(zip(r["iso"], zip(r["federal_district"], r["federal_district_en"], strict=True), strict=True))


def is_scope(scope: str) -> bool:
    return scope in _EXCLUDED or scope == RUSSIA or scope in _district_of()


def geo_chain(scope: str) -> list[tuple[str, Any]]:
    """The geographies a scope widens through, narrowest first: (kind, value) pairs.

    A region climbs to its federal district, then Russia; "Russia without Moscow" can only widen to
    Russia; Russia is the widest.
    """
    if scope == RUSSIA:
        return [("russia", None)]
    if scope in _EXCLUDED:
        return [("russia_ex", _EXCLUDED[scope]), ("russia", None)]
    if scope in _district_of():
        return [("region", scope), ("federal_district", _district_of()[scope][0]), ("russia", None)]
    raise ValueError(f"unknown comparison scope {scope!r}")


def scope_name(scope: str, lang: str = "ru") -> str:
    """Display name of a comparison scope (a preset or a region's ISO code)."""
    if scope == RUSSIA or scope in _EXCLUDED:
        return t(f"ladder_scope_{scope}", lang)
    return labels.region(scope, lang)


def geo_name(kind: str, value: Any, lang: str = "ru") -> str:
    if kind == "region":
        return labels.region(value, lang)
    if kind == "federal_district":
        return t("ladder_fd", lang, name=labels.district(value, lang))
    if kind == "russia_ex":
        return t("ladder_scope_russia_ex_mow" if len(value) == 1 else "ladder_scope_russia_ex_mow_spe", lang)
    return t("ladder_scope_russia", lang)


def _geo_mask(rows: pd.DataFrame, kind: str, value: Any) -> np.ndarray:
    if kind == "region":
        return (rows["region_iso"] == value).to_numpy()
    if kind == "federal_district":
        return (rows["federal_district"] == value).to_numpy()
    if kind == "russia_ex":
        return (~rows["region_iso"].isin(value)).to_numpy()
    return np.ones(len(rows), dtype=bool)


# --------------------------------------------------------------------------------------------------
# cells per (scope, rung)
# --------------------------------------------------------------------------------------------------

EXPERIENCE: tuple[str, ...] = (*EXPERIENCE_NAMES, "unknown")
_PCT = ("p10", "p25", "p50", "p75", "p90", "p50_ci_low", "p50_ci_high")
ROW_COLUMNS = ("rung", "region_iso", "federal_district", "experience", "lo", "hi", "published", "month")
COUNTED_COLUMNS = ("rung", "region_iso", "federal_district", "experience", "lo", "hi", "month", "n", "first", "last")


def rung_cells(rows: pd.DataFrame, n_rungs: int, scopes: Sequence[str],
               min_n: int = ranges.MIN_N_ALL) -> pd.DataFrame:
    """One row per (scope, rung): pay percentiles of the rung in the scope, widened where sparse.

    ``rows``: one row per vacancy of the ladder with ``ROW_COLUMNS`` (``rung`` = 0-based index,
    bottom first; ``lo``/``hi`` = the pay bounds, monthly roubles on one basis; ``published`` = date),
    or identical vacancies counted, with ``COUNTED_COLUMNS`` (``n`` vacancies per row, ``first`` /
    ``last`` their publication dates): the result is the same, at the cost of the distinct rows. An
    optional ``month`` column (``analytics.recency`` month number, -1 undated; absent = undated)
    lets each rung use the latest 12 months of its data in a place, then 24, then all of it.
    A rung with fewer than ``min_n`` vacancies even over all its dates in its scope climbs region →
    federal district → Russia; ``trail`` keeps every (geography kind, value, window, n) tried,
    ``geo_kind`` / ``geo_value`` the geography used (``geo_step`` its index in the scope's chain, -1
    for none), ``window`` the months used. With no geography enough, the percentiles are NaN.

    Columns: scope, rung, n_asked (n in the scope itself, all dates), n, p10…p90, p50_ci_low/high,
    hidden, geo_kind, geo_value, geo_step, window, widened (in space), trail, exp_<experience id>
    (shares of the rows used, summing to 1), first, last (publication dates of the rows used),
    n_undated, index_factor (mean wage-index factor of the rows used; 1 when not aged).
    """
    count = "n" if "n" in rows.columns else None
    rows = rows.assign(_w=rows[count] if count else 1, _exp=rows["experience"].fillna("unknown"),
                       **({} if count else {"first": rows["published"], "last": rows["published"]}))
    if "month" not in rows:
        rows = rows.assign(month=-1)
    if "factor" not in rows:
        rows = rows.assign(factor=1.0)
    # every geography the scopes climb through, once (scopes share steps); its rows stacked under a
    # step id and each window of them under a window id, so one estimate serves every cell
    steps_ = list(dict.fromkeys(g for scope in scopes for g in geo_chain(scope)))
    parts = [rows.iloc[:0].assign(_g=0, _win=0)]
    for i, (kind, value) in enumerate(steps_):
        geo = rows[_geo_mask(rows, kind, value)]
        if len(geo):
            parts.append(recency.by_window(geo, ["rung"]).assign(_g=i))
    stacked = pd.concat(parts, ignore_index=True)
    keys = ["_g", "_win", "rung"]
    cells: dict[tuple[int, int, int], pd.Series] = {}
    extra: dict[tuple[int, int, int], dict[str, Any]] = {}
    if len(stacked):
        est = ranges.estimate_cells(stacked, by=keys, lo="lo", hi="hi", count=count)
        cells = {(int(r["_g"]), int(r["_win"]), int(r["rung"])): r for _, r in est.iterrows()}
        exp = stacked.groupby([*keys, "_exp"])["_w"].sum().unstack(fill_value=0)
        exp = exp.div(exp.sum(axis=1), axis=0)
        stacked["_u"] = np.where(stacked["month"] < 0, stacked["_w"], 0)
        stacked["_fw"] = stacked["_w"] * stacked["factor"]
        agg = stacked.groupby(keys).agg(first=("first", "min"), last=("last", "max"), n_undated=("_u", "sum"),
                                        _w=("_w", "sum"), _fw=("_fw", "sum"))
        extra = {(int(g), int(w), int(r)): {
            **{f"exp_{e}": float(exp.at[(g, w, r), e]) if e in exp.columns else 0.0 for e in EXPERIENCE},
            "first": agg.at[(g, w, r), "first"], "last": agg.at[(g, w, r), "last"],
            "n_undated": int(agg.at[(g, w, r), "n_undated"]),
            "index_factor": float(agg.at[(g, w, r), "_fw"] / agg.at[(g, w, r), "_w"]) if agg.at[(g, w, r), "_w"]
            else 1.0}
            for g, w, r in exp.index}
    index = {step: i for i, step in enumerate(steps_)}

    out = []
    for scope in scopes:
        chain = geo_chain(scope)
        for rung in range(n_rungs):
            trail: list[tuple[str, Any, int | None, int]] = []
            used: tuple[int, int] | None = None  # (chain step, window)
            for j, (kind, value) in enumerate(chain):
                g = index[kind, value]
                windows = [w for w in recency.WINDOWS if (g, w, rung) in cells]
                if not windows:
                    trail.append((kind, value, None, 0))
                    continue
                for w in windows:
                    n = int(cells[g, w, rung]["n"])
                    trail.append((kind, value, w, n))
                    if n >= min_n:
                        used = (j, w)
                        break
                if used:
                    break
            g0 = index[chain[0]]
            n_asked = int(cells[g0, 0, rung]["n"]) if (g0, 0, rung) in cells else 0
            rec: dict[str, Any] = {"scope": scope, "rung": rung, "n_asked": n_asked, "trail": tuple(trail),
                                   "widened": bool(used and used[0] > 0)}
            if used is None:
                rec.update({"n": n_asked, "geo_step": -1, "geo_kind": None, "geo_value": None, "window": None,
                            "hidden": ranges.HIDDEN_ALL,
                            **{c: math.nan for c in _PCT}, **{f"exp_{e}": math.nan for e in EXPERIENCE},
                            "first": None, "last": None, "n_undated": 0, "index_factor": math.nan})
            else:
                j, w = used
                g = index[chain[j]]
                row = cells[g, w, rung]
                rec.update({"n": int(row["n"]), "geo_step": j, "geo_kind": chain[j][0], "geo_value": chain[j][1],
                            "window": w, "hidden": row["hidden"], **{c: float(row[c]) for c in _PCT},
                            **extra[g, w, rung]})
            out.append(rec)
    return pd.DataFrame(out)


# --------------------------------------------------------------------------------------------------
# steps between rungs
# --------------------------------------------------------------------------------------------------


def band_overlap(lo_a, hi_a, lo_b, hi_b) -> np.ndarray:
    """Share of band A = [lo_a, hi_a] (the lower rung's P25–P75) that band B covers, in [0, 1].

    1 = the lower rung's whole band is inside the next one's (the step buys nothing sure);
    0 = the bands are apart. A zero-width band A counts as covered (1) when it lies inside B.
    NaN where a bound is missing.
    """
    lo_a, hi_a, lo_b, hi_b = (np.asarray(x, float) for x in (lo_a, hi_a, lo_b, hi_b))
    width = hi_a - lo_a
    inter = np.clip(np.minimum(hi_a, hi_b) - np.maximum(lo_a, lo_b), 0.0, None)
    inside = ((lo_a >= lo_b) & (hi_a <= hi_b)).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(width > 0, inter / np.where(width > 0, width, 1.0), inside)
    return np.where(np.isfinite(lo_a + hi_a + lo_b + hi_b), share, np.nan)


MIN_N_STEP = ranges.MIN_N_TAILS  # a step between two rungs needs this many vacancies in each


def steps(cells: pd.DataFrame, min_n: int = MIN_N_STEP) -> pd.DataFrame:
    """The step from each rung to the next one, per scope (``cells`` from :func:`rung_cells`).

    Columns: scope, rung (the lower one), p50_from, p50_to, uplift_rub, uplift_pct (share, 0.25 =
    +25 %), overlap (share of the lower rung's P25–P75 covered by the upper one's; see
    :func:`band_overlap`), same_geo (False when the two rungs were widened to different
    geographies), shown (both rungs have ``min_n`` vacancies in the scope's own place, not widened
    in space: only then is a step a fact about that place). Uplift and overlap are NaN unless shown.
    """
    parts = []
    for scope, g in cells.sort_values(["scope", "rung"]).groupby("scope", sort=False):
        low, up = g.iloc[:-1].reset_index(drop=True), g.iloc[1:].reset_index(drop=True)
        shown = ((low["geo_step"] == 0) & (up["geo_step"] == 0) & (low["n"] >= min_n)
                 & (up["n"] >= min_n)).to_numpy()
        p50a, p50b = low["p50"].to_numpy(float), up["p50"].to_numpy(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            pct = (p50b - p50a) / p50a
        parts.append(pd.DataFrame({
            "scope": scope, "rung": low["rung"].to_numpy(), "p50_from": p50a, "p50_to": p50b,
            "uplift_rub": np.where(shown, p50b - p50a, np.nan), "uplift_pct": np.where(shown, pct, np.nan),
            "overlap": np.where(shown, band_overlap(low["p25"], low["p75"], up["p25"], up["p75"]), np.nan),
            "same_geo": ((low["geo_kind"] == up["geo_kind"]) & (low["geo_value"].astype(str)
                                                                == up["geo_value"].astype(str))).to_numpy(),
            "shown": shown,
        }))
    cols = ["scope", "rung", "p50_from", "p50_to", "uplift_rub", "uplift_pct", "overlap", "same_geo", "shown"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)


# --------------------------------------------------------------------------------------------------
# text
# --------------------------------------------------------------------------------------------------


def _step_name(kind: str, value: Any, window: int | None, lang: str) -> str:
    return geo_name(kind, value, lang) + (f" · {dating.window(window, lang)}" if window is not None else "")


def widen_note(trail: Sequence[tuple[str, Any, int | None, int]], lang: str = "ru") -> str:
    """'расширено: Татарстан · последние 12 мес. → Приволжский ФО · … (n = 41)' or '' when the
    scope's latest 12 months had enough."""
    if len(trail) < 2:
        return ""
    timed = dating.time_widened(w for _, _, w, _ in trail)
    names = [_step_name(k, v, w if timed else None, lang) for k, v, w, _ in trail]
    return t("ladder_widened", lang, path=" → ".join(names), n=fmt.number(trail[-1][3], lang))


def cell_note(cell: pd.Series | dict, lang: str = "ru", short: bool = False) -> str:
    """What the chart writes next to a rung: n and any widening, or why there is no bar.

    ``short``: widening as "scope → geography used (n)" on two lines, the full trail is in the hover.
    """
    if _missing(cell["p50"]):
        text = t("not_enough", lang, n=fmt.number(cell["n_asked"], lang))
        wider = [(k, v, n) for k, v, w, n in cell["trail"][1:] if w in (None, 0) and k != cell["trail"][0][0]]
        if wider:
            text += " · " + ", ".join(f"{geo_name(k, v, lang)}: n = {fmt.number(n, lang)}" for k, v, n in wider)
        return text
    if not cell["widened"]:
        return f"n = {fmt.number(cell['n'], lang)}"
    trail = cell["trail"]
    if not short:
        return widen_note(trail, lang)
    return t("ladder_widened_short", lang, start=geo_name(*trail[0][:2], lang),
             end=geo_name(cell["geo_kind"], cell["geo_value"], lang), n=fmt.number(cell["n"], lang))


def date_range(cells: pd.DataFrame) -> tuple[Any, Any]:
    """First and last publication date of the vacancies behind the shown cells."""
    first = pd.to_datetime(cells["first"]).dropna()
    last = pd.to_datetime(cells["last"]).dropna()
    return (first.min() if len(first) else None), (last.max() if len(last) else None)


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def steps_table(st_: pd.DataFrame, ladder: Ladder, lang: str = "ru") -> pd.DataFrame:
    """:func:`steps` as display text (money via ``fmt``), one row per (scope, step)."""
    names = [r.name(lang) for r in ladder.rungs]
    rows = []
    for _, s in st_.iterrows():
        sign = "+" if (not _missing(s["uplift_rub"]) and s["uplift_rub"] > 0) else ""
        rows.append({
            t("ladder_col_step", lang): f"{names[int(s['rung'])]} → {names[int(s['rung']) + 1]}",
            t("ladder_col_scope", lang): scope_name(s["scope"], lang),
            t("ladder_col_from", lang): fmt.money(s["p50_from"], lang),
            t("ladder_col_to", lang): fmt.money(s["p50_to"], lang),
            t("ladder_col_uplift", lang): "—" if _missing(s["uplift_rub"]) else sign + fmt.money(s["uplift_rub"], lang),
            t("ladder_col_uplift_pct", lang): "—" if _missing(s["uplift_pct"]) else sign + fmt.percent(s["uplift_pct"], lang),
            t("ladder_col_overlap", lang): fmt.percent(s["overlap"], lang),
            t("ladder_col_note", lang): "" if s["shown"] else t("ladder_step_few", lang, min_n=MIN_N_STEP),
        })
    return pd.DataFrame(rows)


def cells_table(cells: pd.DataFrame, ladder: Ladder, lang: str = "ru") -> pd.DataFrame:
    """The numbers behind the chart, one row per (scope, rung), for the table under it."""
    out = pd.DataFrame({
        t("ladder_col_rung", lang): [ladder.rungs[int(r)].name(lang) for r in cells["rung"]],
        t("ladder_col_scope", lang): [scope_name(s, lang) for s in cells["scope"]],
        t("ladder_col_geo", lang): [geo_name(k, v, lang) if k else "—"
                                    for k, v in zip(cells["geo_kind"], cells["geo_value"], strict=True)],
        "n": cells["n"].astype(int),
        t("ladder_col_dates", lang): [dating.period(a, b, u, lang) if not _missing(p) else "—" for a, b, u, p in
                                      zip(cells["first"], cells["last"], cells["n_undated"], cells["p50"], strict=True)],
        t("ladder_col_window", lang): [dating.window(w, lang) if not _missing(w) else "—" for w in cells["window"]],
    })
    for c in ("p10", "p25", "p50", "p75", "p90"):
        out[c.upper()] = [fmt.money(v, lang) for v in cells[c]]
    out[t("ci50", lang)] = [f"{fmt.money(a, lang)} – {fmt.money(b, lang)}" if not _missing(a) else "—"
                            for a, b in zip(cells["p50_ci_low"], cells["p50_ci_high"], strict=True)]
    for e in EXPERIENCE:
        name = t("unknown", lang) if e == "unknown" else EXPERIENCE_NAMES[e][lang]
        out[name] = [fmt.percent(v, lang) for v in cells[f"exp_{e}"]]
    return out


# --------------------------------------------------------------------------------------------------
# figure
# --------------------------------------------------------------------------------------------------

SCOPE_COLOURS = ("#2a6fdb", "#e07b39", "#2e9e5b", "#8e5bd0")
EXP_COLOURS = {"noExperience": "#d6e4f7", "between1And3": "#94b8ea", "between3And6": "#4f86d6",
               "moreThan6": "#1f4f99", "unknown": "#d9d9d9"}
MUTED = "#8a8a8a"
_HALF = 0.32  # half the height, in rung units, that one rung's bars take; the rest is the gap for steps


def _wrap(text: str, width: int = 26) -> str:
    words, lines, cur = text.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    return "<br>".join([*lines, cur])


def _hover(cell: pd.Series, rung_name: str, lang: str) -> str:
    parts = [f"<b>{rung_name}</b> · {scope_name(cell['scope'], lang)}", f"n = {fmt.number(cell['n'], lang)}"]
    if cell["widened"]:
        parts.append(widen_note(cell["trail"], lang))
    for p in ("p10", "p25", "p50", "p75", "p90"):
        if not _missing(cell[p]):
            parts.append(f"P{p[1:]}: {fmt.money(cell[p], lang)}")
    if not _missing(cell["p50_ci_low"]):
        parts.append(f"{t('ci50', lang)}: {fmt.money(cell['p50_ci_low'], lang)} – "
                     f"{fmt.money(cell['p50_ci_high'], lang)}")
    return "<br>".join(parts)


def _step_text(st_: pd.DataFrame, rung: int, multi: bool, lang: str) -> str:
    """The step written between two rungs: in full for one place, the % only when comparing places."""
    parts = []
    for _, s in st_[st_["rung"] == rung].iterrows():
        if not s["shown"] or _missing(s["uplift_pct"]):
            text = t("ladder_step_few_short", lang)
        else:
            sign = "+" if s["uplift_rub"] > 0 else ""
            pct = sign + fmt.percent(s["uplift_pct"], lang)
            text = pct if multi else t("ladder_step_short", lang, pct=pct, rub=sign + fmt.money(s["uplift_rub"], lang),
                                       overlap=fmt.percent(s["overlap"], lang))
        parts.append(f"{scope_name(s['scope'], lang)} {text}" if multi else text)
    return " · ".join(parts)


def ladder_figure(cells: pd.DataFrame, ladder: Ladder, basis: str, lang: str = "ru") -> go.Figure:
    """Rungs bottom (first job) to top: P10–P90 whisker, P25–P75 box, median with its 95 % CI,
    one colour per comparison scope; the step to the next rung written between rungs; on the
    right, the experience the rung's vacancies ask for. Hidden rungs say why instead of a bar."""
    scopes = list(dict.fromkeys(cells["scope"]))
    m, k = len(scopes), len(ladder.rungs)
    basis_text = t(f"basis_{basis}", lang)
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.8, 0.2], horizontal_spacing=0.015,
                        subplot_titles=("", t("ladder_exp_title", lang)))
    bar_h = min(0.3, 2 * _HALF / m * 0.8)
    # the first scope on top within a rung, like the legend reads
    offsets = {s: ((m - 1) / 2 - j) * (2 * _HALF / m) for j, s in enumerate(scopes)}
    xmax = (float(np.nanmax(cells[["p90", "p75", "p50_ci_high"]].to_numpy(float)))
            if cells["p50"].notna().any() else 100_000.0)
    for j, scope in enumerate(scopes):
        colour = SCOPE_COLOURS[j % len(SCOPE_COLOURS)]
        g = cells[cells["scope"] == scope].sort_values("rung")
        y = g["rung"].to_numpy(float) + offsets[scope]
        shown = g["p50"].notna().to_numpy()
        hover = [_hover(c, ladder.rungs[int(c["rung"])].name(lang), lang) for _, c in g.iterrows()]
        n_scope = int(g["n_asked"].sum())
        name = f"{scope_name(scope, lang)} (n = {fmt.number(n_scope, lang)})"
        gs, ys, hs = g[shown], y[shown], [h for h, s in zip(hover, shown, strict=True) if s]
        fig.add_trace(go.Bar(y=ys, x=gs["p90"] - gs["p10"], base=gs["p10"], orientation="h", width=bar_h * 0.25,
                             marker={"color": colour, "opacity": 0.35}, name="P10–P90", legendgroup=scope,
                             showlegend=False, hoverinfo="skip"), row=1, col=1)
        fig.add_trace(go.Bar(y=ys, x=gs["p75"] - gs["p25"], base=gs["p25"], orientation="h", width=bar_h,
                             marker={"color": colour, "opacity": 0.75}, name=name, legendgroup=scope,
                             hovertext=hs, hoverinfo="text"), row=1, col=1)
        fig.add_trace(go.Scatter(
            y=ys, x=gs["p50"], mode="markers", legendgroup=scope, showlegend=False, hovertext=hs, hoverinfo="text",
            marker={"color": "#111111", "size": 14 if m == 1 else 11, "symbol": "line-ns-open", "line": {"width": 3}},
            error_x={"type": "data", "symmetric": False, "array": gs["p50_ci_high"] - gs["p50"],
                     "arrayminus": gs["p50"] - gs["p50_ci_low"], "color": "#111111", "thickness": 1.2, "width": 5}),
            row=1, col=1)
        right = np.fmax(np.fmax(g["p90"].to_numpy(float), g["p75"].to_numpy(float)), g["p50_ci_high"].to_numpy(float))
        fig.add_trace(go.Scatter(
            y=y, x=np.where(shown, right, 0.0), mode="text", showlegend=False, hoverinfo="skip",
            text=[("  " if s else "") + cell_note(c, lang, short=True) for s, (_, c) in zip(shown, g.iterrows(), strict=True)],
            textposition="middle right", textfont={"color": np.where(shown, "#333333", MUTED).tolist(), "size": 12}),
            row=1, col=1)
        base = np.zeros(len(g))
        for e in EXPERIENCE:
            share = g[f"exp_{e}"].fillna(0.0).to_numpy(float)
            label = t("unknown", lang) if e == "unknown" else EXPERIENCE_NAMES[e][lang]
            fig.add_trace(go.Bar(
                y=y, x=share, base=base, orientation="h", width=bar_h, marker_color=EXP_COLOURS[e],
                name=label, legendgroup=f"exp_{e}", showlegend=(j == 0), legend="legend2",
                hovertext=[f"{label}: {fmt.percent(v, lang)}" for v in share], hoverinfo="text"), row=1, col=2)
            base = base + share
    st_ = steps(cells)
    for rung in range(k - 1):
        text = _step_text(st_, rung, m > 1, lang)
        if text:
            fig.add_annotation(x=0.995, xref="x domain", y=rung + 0.5, yref="y", text="▲ " + text, showarrow=False,
                               xanchor="right", font={"size": 11, "color": "#555555"})
    n_text = ", ".join(f"{scope_name(s, lang)} {fmt.number(int(cells.loc[cells['scope'] == s, 'n_asked'].sum()), lang)}"
                       for s in scopes)
    fig.update_layout(
        title={"text": t("ladder_chart_title", lang, ladder=ladder.name(lang), basis=basis_text, n=n_text),
               "font": {"size": 15}},
        barmode="overlay", height=int(max(380, k * (95 + 25 * (m - 1)) + 170)),
        margin={"l": 10, "r": 10, "t": 70, "b": 40}, separators=", " if lang == "ru" else ".,",
        legend={"orientation": "h", "y": -0.08, "x": 0, "title": {"text": t("ladder_legend_scope", lang)}},
        legend2={"orientation": "h", "y": -0.16, "x": 0, "title": {"text": t("experience", lang)}},
    )
    fig.update_xaxes(title=t("unit_axis", lang, basis=basis_text), tickformat=",.0f", range=[0, xmax * 1.5],
                     row=1, col=1)
    fig.update_xaxes(range=[0, 1], tickformat=".0%", showgrid=False, row=1, col=2)
    fig.update_yaxes(tickvals=list(range(k)), ticktext=[_wrap(r.name(lang)) for r in ladder.rungs],
                     range=[-0.6, k - 0.4], automargin=True, row=1, col=1)
    return fig


def rungs_table(ladder: Ladder, lang: str = "ru") -> pd.DataFrame:
    """How each rung is defined (professions, levels, title words), for the page's explainer."""
    from analytics.i18n import level_name

    return pd.DataFrame({
        t("ladder_col_rung", lang): [r.name(lang) for r in ladder.rungs],
        t("profession", lang): [", ".join(labels.profession(p, lang) for p in r.professions) for r in ladder.rungs],
        t("level", lang): [", ".join(level_name(lv, lang) for lv in r.levels)
                           + (f", {t('unknown', lang)}" if r.unlevelled else "") for r in ladder.rungs],
        t("title_contains", lang): [", ".join(r.titles) + (" − " + ", ".join(r.exclude_titles) if r.exclude_titles else "")
                                    for r in ladder.rungs],
    })
