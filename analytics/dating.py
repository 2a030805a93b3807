"""Words for when a cell's vacancies were published, which window of them it used, and the roubles
it speaks in — one wording for every page, so "вакансии 01.2022–12.2022" reads the same everywhere."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd

from analytics import fmt, labels, recency
from analytics.i18n import t


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return pd.Timestamp(value).date()


def period(first: Any, last: Any, n_undated: int = 0, lang: str = "ru") -> str:
    """'вакансии 01.2022–12.2022' (months: what matters for pay), '+ 14 без даты' when some are undated."""
    a, b = _date(first), _date(last)
    if a is None or b is None:
        text = t("dates_none", lang)
    elif (a.year, a.month) == (b.year, b.month):
        text = t("dates_one", lang, month=fmt.month(a, lang))
    else:
        text = t("dates_range", lang, start=fmt.month(a, lang), end=fmt.month(b, lang))
    if n_undated and a is not None:
        text += " " + t("dates_undated", lang, n=fmt.number(n_undated, lang))
    return text


def window(months: Any, lang: str = "ru") -> str:
    """'последние 12 мес.' / 'все даты'."""
    if months is None or (isinstance(months, float) and pd.isna(months)):
        return ""
    return t("window_all", lang) if int(months) == 0 else t("window_months", lang, n=int(months))


def aged(aged_to: str, lang: str = "ru") -> str:
    """'в ценах 12.2026 (индекс зарплат Росстата)' or 'как в объявлениях'."""
    if not aged_to:
        return t("aged_none", lang)
    month = recency.parse_month(aged_to)
    return t("aged_to", lang, month=fmt.month(dt.date(month // 12, month % 12 + 1, 1), lang))


def months_old(last: Any, today: dt.date | None = None) -> int | None:
    """Whole months between the newest posting and today (None when undated)."""
    d = _date(last)
    if d is None:
        return None
    today = today or dt.date.today()
    return (today.year - d.year) * 12 + today.month - d.month


def place(kind: str, value: tuple[str, ...], lang: str = "ru") -> str:
    """A place of a widening trail (``analytics.bands``) in the UI language."""
    if kind == "region":
        return ", ".join(labels.region(v, lang) for v in value)
    if kind == "federal_district":
        return ", ".join(t("offer_district", lang, name=labels.district(v, lang))
                         for v in value)
    if kind == "city":
        return ", ".join(value)
    return t("offer_scope_russia", lang)


def time_widened(windows: Iterable[int | None]) -> bool:
    """Whether a trail's windows say anything: only when some step used a window of recent months
    (data without dates have just "all dates", which need not be repeated at every step)."""
    return any(w not in (None, 0) for w in windows)


def trail_note(trail: tuple, lang: str = "ru") -> str:
    """'Республика Татарстан · последние 12 мес. (n = 3) → Россия · последние 12 мес. (n = 41)';
    "" when the first step sufficed."""
    if len(trail) < 2:
        return ""
    timed = time_widened(w for _, _, w, _ in trail)
    return " → ".join(f"{place(kind, value, lang)}{' · ' + window(w, lang) if timed and w is not None else ''} "
                      f"(n = {fmt.number(n, lang)})" for kind, value, w, n in trail)
