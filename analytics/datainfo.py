"""The Data page's tables as pure functions of what ``analytics.queries_data`` returns.

Labels in the UI language; dates as the reader expects them; counts stay integers so the tables
sort correctly.
"""

from __future__ import annotations

import pandas as pd

from analytics import fmt
from analytics.i18n import t
from pipelines.schema import FLAGS


def _text(key: str, lang: str, fallback: str) -> str:
    try:
        return t(key, lang)
    except KeyError:
        return fallback


def flag_label(flag: str, lang: str = "ru") -> str:
    """What a flag means: English from ``pipelines.schema.FLAGS``, Russian from the page's text."""
    english = FLAGS.get(flag, flag)
    return english if lang == "en" else _text(f"data_flag_{flag}", lang, english)


def source_label(source: str, lang: str = "ru") -> str:
    return _text(f"data_source_{source}", lang, source)


def sources_table(sources: pd.DataFrame, lang: str = "ru") -> pd.DataFrame:
    return pd.DataFrame({
        t("data_col_source", lang): [source_label(s, lang) for s in sources["source"]],
        t("data_col_rows", lang): sources["rows"].astype(int),
        t("data_col_usable", lang): sources["usable"].astype(int),
        t("data_col_first", lang): [fmt.day(_ts(v), lang) for v in sources["first"]],
        t("data_col_last", lang): [fmt.day(_ts(v), lang) for v in sources["last"]],
        t("data_col_undated", lang): sources["undated"].astype(int),
    })


def loads_table(loads: pd.DataFrame, lang: str = "ru") -> pd.DataFrame:
    return pd.DataFrame({
        t("data_col_load", lang): loads["load_id"].astype(int),
        t("data_col_source", lang): [source_label(s, lang) for s in loads["source"]],
        t("data_col_note", lang): loads["note"].fillna(""),
        t("data_col_finished", lang): [_when(v, lang) for v in loads["finished_at"]],
        t("data_col_rows_in", lang): loads["rows_in"].astype(int),
        t("data_col_rows_new", lang): loads["rows_new"].astype(int),
        t("data_col_rows_replaced", lang): loads["rows_replaced"].astype(int),
        t("data_col_duplicates", lang): loads["duplicates_in_batch"].astype(int),
    })


def flags_table(flags: pd.DataFrame, lang: str = "ru") -> pd.DataFrame:
    return pd.DataFrame({
        t("data_col_reason", lang): [flag_label(f, lang) for f in flags["flag"]],
        t("data_col_n_warehouse", lang): flags["n_warehouse"].astype(int),
        t("data_col_n_selection", lang): flags["n_selection"].astype(int),
    })


def last_refresh(loads: pd.DataFrame, sources: pd.DataFrame | None = None, lang: str = "ru") -> str:
    """How fresh the data are: the newest harvest from a source (loading the embedded snapshot is
    not one) and the newest publication date in the warehouse — not the time of the last load."""
    newest = None
    if sources is not None and len(sources):
        last = pd.to_datetime(sources["last"], utc=True).dropna()
        newest = last.max() if len(last) else None
    published = (t("data_newest_published", lang, date=fmt.day(newest.to_pydatetime(), lang)) if newest is not None
                 else t("data_no_dates", lang))
    harvests = loads[loads["source"] != "snapshot"] if len(loads) else loads
    if harvests.empty:
        return t("data_no_harvest", lang) + " " + published
    row = harvests.iloc[0]
    return t("data_last_refresh", lang, when=_when(row["finished_at"], lang), source=source_label(row["source"], lang),
             rows=fmt.number(row["rows_in"], lang), new=fmt.number(row["rows_new"], lang),
             replaced=fmt.number(row["rows_replaced"], lang)) + " " + published


def _ts(value: object):
    return None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime()


def _when(value: object, lang: str) -> str:
    """A load's time in UTC (the server's zone is nobody's business)."""
    if value is None or pd.isna(value):
        return "—"
    ts = pd.Timestamp(value)
    ts = ts.tz_convert("UTC") if ts.tzinfo else ts.tz_localize("UTC")
    return ts.strftime("%d.%m.%Y %H:%M UTC" if lang == "ru" else "%Y-%m-%d %H:%M UTC")
