"""Exports of vacancy rows as CSV and Parquet, safe to open in a spreadsheet.

A CSV cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is run as a
formula by Excel, LibreOffice and Google Sheets; vacancy titles and employer names come from the
public, so such a cell could be an attack (``=HYPERLINK(...)``, ``=cmd|...``). Text cells like that
get a leading apostrophe, the OWASP advice: the spreadsheet then shows the text as typed. Numbers stay
numbers. Parquet is typed data, not read as formulas, so it keeps the values as they are.

Pay columns are monthly roubles: ``pay_*_net_rub`` on hand, ``pay_*_gross_rub`` before NDFL.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def neutralise_cell(value: object) -> object:
    """``'`` + the text when a spreadsheet would read it as a formula; anything else unchanged.

    Leading spaces are looked through too: some spreadsheets trim them before parsing.
    """
    if isinstance(value, str) and value and (value[0] in FORMULA_START or value.lstrip(" ")[:1] in FORMULA_START):
        return "'" + value
    return value


def _flat(value: object) -> object:
    """Lists (skills, flags, roles) as one text cell; everything else unchanged."""
    if isinstance(value, list | tuple | np.ndarray):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for CSV: list cells joined with ``; ``, text cells neutralised; the input is untouched."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: neutralise_cell(_flat(v)))
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads Cyrillic right), formula cells neutralised."""
    buf = io.StringIO()
    csv_safe(frame).to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8-sig")


def to_parquet_bytes(frame: pd.DataFrame) -> bytes:
    """Parquet (pyarrow) with list columns kept as lists and timestamps with their zone."""
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False, engine="pyarrow")
    return buf.getvalue()
