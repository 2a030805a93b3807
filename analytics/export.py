"""Exports of vacancy rows as CSV and Parquet, safe to open in a spreadsheet.

A CSV cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is run as a
formula by Excel, LibreOffice and Google Sheets; vacancy titles and employer names come from the
public, so such a cell could be an attack (``=HYPERLINK(...)``, ``=cmd|...``). Text like that gets an
apostrophe, the OWASP advice: the spreadsheet then shows the text as typed.

A cell does not only start at the start of a field. Russian-locale Excel splits a comma CSV on ";"
(its list separator), a ";" file opened elsewhere splits on ",", and a TSV reading splits on tabs: a
title ``Аккаунт-менеджер;=cmd|' /C calc'!A0;`` becomes a live formula in the second cell. So the
apostrophe goes wherever a cell could start under any of these readings — at the start and after
every ``,`` ``;`` tab or line break — looking through spaces and quotes, and every field is quoted.
The text stays readable (``Аккаунт-менеджер;'=cmd…``); nothing is dropped.

Numbers stay numbers, negative ones included: a numeric column's text is made by the number
formatting itself (digits, sign, point, exponent), which a spreadsheet reads as a value and never as
a function call, while an apostrophe would turn ``-1`` into text and break sums. Only text columns
are neutralised (a "-5" typed into a text column is text, and treated like any other text).

Parquet is typed data, not read as formulas, so it keeps the values as they are.

Pay columns are monthly roubles: ``pay_*_net_rub`` on hand, ``pay_*_gross_rub`` before NDFL.
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "
# Where a cell can start (the field's start, or after a separator of any reading or a line break),
# followed — past spaces, which some spreadsheets trim, and quotes — by a formula character.
_CELL_START = re.compile(r'(^|[,;\t\r\n])(?=[ "]*[=+\-@\t\r])')


def neutralise_cell(value: object) -> object:
    """Text with ``'`` put wherever a spreadsheet could start a formula cell; anything else unchanged."""
    if isinstance(value, str) and value:
        return _CELL_START.sub(r"\1'", value)
    return value


def _flat(value: object) -> object:
    """Lists (skills, flags, roles) as one text cell; everything else unchanged."""
    if isinstance(value, list | tuple | np.ndarray):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for CSV: list cells joined with ``; ``, text cells and headers neutralised; the input is
    untouched. Numeric, boolean and date columns are left as they are (see the module docstring)."""
    out = frame.copy()
    for col in out.columns:
        kind = out[col].dtype
        if not (pd.api.types.is_numeric_dtype(kind) or pd.api.types.is_bool_dtype(kind)
                or pd.api.types.is_datetime64_any_dtype(kind)):
            out[col] = out[col].astype(object).map(lambda v: neutralise_cell(_flat(v)))
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame, excel_ru: bool = False) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads Cyrillic right), every field quoted, formula
    cells neutralised. ``excel_ru``: ";" between fields and a decimal comma, what Excel in a Russian
    locale opens into columns with numbers; the default stays "," and a decimal point."""
    buf = io.StringIO()
    csv_safe(frame).to_csv(buf, index=False, quoting=csv.QUOTE_ALL, lineterminator="\n",
                           sep=";" if excel_ru else ",", decimal="," if excel_ru else ".")
    return buf.getvalue().encode("utf-8-sig")


def to_parquet_bytes(frame: pd.DataFrame) -> bytes:
    """Parquet (pyarrow) with list columns kept as lists and timestamps with their zone."""
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False, engine="pyarrow")
    return buf.getvalue()
