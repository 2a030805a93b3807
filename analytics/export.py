"""Exports of vacancy rows as CSV, Excel workbooks (.xlsx) and Parquet, safe to open in a spreadsheet.

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

An .xlsx cell has a type of its own, so there is nothing to guess and no apostrophe to add: text is
written as a text cell (openpyxl would store a ``str`` starting with ``=`` as a formula, so its type is
set back to text), numbers as numbers, dates as dates. A workbook written here holds no formula.

Parquet is typed data, not read as formulas, so it keeps the values as they are.

Pay columns are monthly roubles: ``pay_*_net_rub`` on hand, ``pay_*_gross_rub`` before NDFL.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterator

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "
# Where a cell can start (the field's start, or after a separator of any reading or a line break),
# followed — past spaces, which some spreadsheets trim, and quotes — by a formula character.
_CELL_START = re.compile(r'(^|[,;\t\r\n])(?=[ "]*[=+\-@\t\r])')
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_TEXT = 32_767  # characters Excel holds in one cell; a longer one makes it "repair" the file
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")  # characters Excel forbids in a sheet name


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


def _xlsx_text(text: str) -> str:
    """Text a workbook can hold: XML-illegal control characters (openpyxl refuses them, Excel cannot
    store them) become U+FFFD so the reader sees something was there; over Excel's cell limit, cut."""
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    return text if len(text) <= XLSX_MAX_TEXT else text[: XLSX_MAX_TEXT - 1] + "…"


def xlsx_value(value: object) -> object:
    """A cell value as openpyxl writes it, typed: numbers stay numbers; NaN, NA and NaT are empty (a
    "nan" in a cell is a broken file); dates lose their zone (Excel has none: times are UTC, as the
    CSV's ``+00:00`` says); lists become one text cell as in the CSV; anything else is text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, pd.Timestamp | dt.datetime):
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC").tz_localize(None)
        return stamp.to_pydatetime()
    if isinstance(value, dt.date | dt.time):
        return value
    if isinstance(value, str):
        return _xlsx_text(value)
    flat = _flat(value)
    return _xlsx_text(flat if isinstance(flat, str) else str(flat))


def _xlsx_cell(ws: object, value: object, font: Font | None = None) -> object:
    """``value`` ready for a streamed row. openpyxl types a ``str`` by its start: ``=…`` becomes a
    formula and ``#N/A``-like text an error cell, so such text goes in as a cell typed text; any
    other value (the common case) goes in as it is, which keeps large exports fast."""
    value = xlsx_value(value)
    if font is None and not (isinstance(value, str) and value[:1] in ("=", "#")):
        return value
    cell = WriteOnlyCell(ws, value)
    if isinstance(value, str):
        cell.data_type = "s"  # a title like "=cmd|' /C calc'!A0" stays the text it is
    if font is not None:
        cell.font = font
    return cell


def sheet_title(name: str) -> str:
    """A sheet name Excel accepts: no ``[]:*?/\\``, at most 31 characters, not empty."""
    clean = _SHEET_BAD.sub(" ", ILLEGAL_CHARACTERS_RE.sub("", name)).strip().strip("'")[:31].strip()
    return clean or "data"


def _widths(frame: pd.DataFrame, sample: int = 200) -> Iterator[int]:
    """Column widths from the header and the first rows: readable without dragging every column."""
    for i, col in enumerate(frame.columns):
        texts = [str(col), *(str(v) for v in frame.iloc[:sample, i])]
        yield min(max(len(t) for t in texts) + 2, 60)


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    """One-sheet .xlsx of ``frame``: a bold, frozen header row, then the rows with their types.

    Written in openpyxl's streaming mode, so a large export does not hold a cell object per value.
    The input is untouched; the column names are the header as they are (pass them in the UI's
    language)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(sheet))
    for i, width in enumerate(_widths(frame), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    ws.append([_xlsx_cell(ws, str(c), bold) for c in frame.columns])
    columns = [frame.iloc[:, i].astype(object).tolist() for i in range(frame.shape[1])]
    for row in zip(*columns, strict=True):
        ws.append([_xlsx_cell(ws, v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
