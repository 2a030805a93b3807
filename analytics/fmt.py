"""Numbers and dates the way a Russian (or English) reader expects them."""

from __future__ import annotations

import math
from datetime import date, datetime

NBSP = "\u00a0"


def money(value: float | None, lang: str = "ru", unit: str = "₽") -> str:
    """150000 → '150 000 ₽' (ru, non-breaking spaces) or '150,000 ₽' (en); missing → '—'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{round(value):,}"
    text = text.replace(",", NBSP) if lang == "ru" else text
    return f"{text}{NBSP}{unit}" if unit else text


def number(value: float | int | None, lang: str = "ru") -> str:
    return money(value, lang, unit="")


def percent(value: float | None, lang: str = "ru", digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value * 100:.{digits}f}"
    return (text.replace(".", ",") if lang == "ru" else text) + f"{NBSP}%"


def day(value: date | datetime | None, lang: str = "ru") -> str:
    if value is None:
        return "—"
    return value.strftime("%d.%m.%Y" if lang == "ru" else "%Y-%m-%d")


def month(value: date | datetime | None, lang: str = "ru") -> str:
    if value is None:
        return "—"
    return value.strftime("%m.%Y" if lang == "ru" else "%Y-%m")
