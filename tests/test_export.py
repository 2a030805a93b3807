"""CSV/Parquet exports: formula-injection neutralising, lists as text, nothing else changed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import numpy as np
import pandas as pd
import pytest

from analytics import export


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\",\"click\")", "'=HYPERLINK(\"http://x\",\"click\")"),
    ("+7 999 123-45-67", "'+7 999 123-45-67"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1+1", "'\t'=1+1"),  # and the tab itself separates cells in a TSV reading
    ("\r=1+1", "'\r'=1+1"),
    ("  =cmd|' /C calc'!A0", "'  =cmd|' /C calc'!A0"),
    ("Менеджер по продажам", "Менеджер по продажам"),
    ("C++ разработчик", "C++ разработчик"),  # a + inside is harmless
    ("", ""),
    (None, None),
    (-5.0, -5.0),  # a number stays a number
    # a cell can start after a separator inside the text: Russian Excel splits a comma CSV on ";"
    ("Аккаунт-менеджер;=cmd|' /C calc'!A0;", "Аккаунт-менеджер;'=cmd|' /C calc'!A0;"),
    ("a,=1+1", "a,'=1+1"),
    ("Excel; @SUM(A1)", "Excel;' @SUM(A1)"),
    ('x;"=1', 'x;\'"=1'),  # a quote does not hide it
    ("a\n-1+2", "a\n'-1+2"),
    ("C++, C#; Java", "C++, C#; Java"),
])
def test_neutralise_cell(value, expected):
    assert export.neutralise_cell(value) == expected


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "title": ["=1+1", "Аккаунт-менеджер", "-Sales-"],
        "employer": ["@evil", "ООО «Ромашка»", None],
        "salary_from": [-1.0, 80000.0, np.nan],
        "skills": [np.array(["=SUM(1)", "Excel"], dtype=object), np.array([], dtype=object), ["B2B"]],
        "published_at": pd.to_datetime(["2023-09-04 17:13:13+00:00"] * 3),
    })


def test_csv_safe_neutralises_text_joins_lists_and_leaves_the_input_alone():
    frame = _frame()
    before = frame.copy(deep=True)
    out = export.csv_safe(frame)
    assert out["title"].tolist() == ["'=1+1", "Аккаунт-менеджер", "'-Sales-"]
    assert out["employer"].tolist()[:2] == ["'@evil", "ООО «Ромашка»"] and out["employer"].isna().iloc[2]
    assert out["skills"].tolist() == ["'=SUM(1); Excel", "", "B2B"]  # joined first, then checked
    assert out["salary_from"].iloc[0] == -1.0  # numbers are not text
    pd.testing.assert_frame_equal(frame.drop(columns="skills"), before.drop(columns="skills"))
    assert frame["title"].iloc[0] == "=1+1"


def test_csv_bytes_read_back_have_no_cell_a_spreadsheet_would_run():
    data = export.to_csv_bytes(_frame())
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Cyrillic right
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["title", "employer", "salary_from", "skills", "published_at"]
    text_cells = [cell for row in rows[1:] for cell in (row[0], row[1], row[3])]
    assert not [c for c in text_cells if c[:1] in export.FORMULA_START]
    assert rows[2][1] == "ООО «Ромашка»" and rows[1][2] == "-1.0"


def test_parquet_round_trip_keeps_values_and_lists():
    frame = _frame()
    back = pd.read_parquet(io.BytesIO(export.to_parquet_bytes(frame)))
    assert back["title"].tolist() == frame["title"].tolist()  # typed data: not neutralised
    assert list(back["skills"].iloc[0]) == ["=SUM(1)", "Excel"]
    assert str(back["published_at"].dt.tz) == "UTC"


def test_export_of_real_rows(snapshot_warehouse):
    from analytics import queries_data as qd
    from analytics.filters import Filters
    from pipelines.schema import COLUMNS

    wh = (str(snapshot_warehouse), snapshot_warehouse.stat().st_mtime)
    rows = qd.export_rows(wh, Filters(professions=("devops_engineer",)), include_flagged=True, limit=500)
    assert len(rows) == 500 and list(rows.columns) == list(COLUMNS)
    assert rows["published_at"].is_monotonic_decreasing or rows["published_at"].isna().any()
    back = list(csv.DictReader(io.StringIO(export.to_csv_bytes(rows).decode("utf-8-sig"))))
    assert len(back) == 500
    with_skills = [r for r in back if r["skills"]]
    assert with_skills and "; " in with_skills[0]["skills"]


# Text a spreadsheet would run if a cell started with it, in every position a cell can start.
HOSTILE = ["Аккаунт-менеджер;=cmd|' /C calc'!A0;", "a,=1+1", "x; +7 999 123-45-67", "ok;@SUM(A1)", "a;\t=1",
           "a,\r=1", 'q";=1', 'q"",=1', "a; -2+3", "a;  =1", "=1;=2,=3", "\t\t=x", "Продажи, B2B;-",
           "line\n=1", '"=1"', "a;\"\"=2"]
# A negative number is a value, not a formula. Read with the other separator, a number field can
# also lead a cell that glues the rest of its line on ('-1,"","x"'): still a number, then text that
# is neutralised itself — no function call can start there.
_NUMBER = re.compile(r'-?\d+(?:[.,]\d+)?(?:e[+-]?\d+)?(?:$|[",;])')


def _hostile_frame() -> pd.DataFrame:
    n = len(HOSTILE)
    return pd.DataFrame({"title": HOSTILE, "employer": list(reversed(HOSTILE)),
                         "skills": [[h, "=SUM(1)"] for h in HOSTILE], "pay": [-1.5 * i for i in range(n)],
                         "n": list(range(-n // 2, n - n // 2)), "=header;=x": ["ok"] * n})


def formula_cells(text: str) -> list[str]:
    """Cells that would start a formula when ``text`` is read with "," or ";", honouring quotes or
    splitting naively (the way a spreadsheet set to the other separator sees the file)."""
    found = []
    for sep in (",", ";"):
        for quoting in (csv.QUOTE_MINIMAL, csv.QUOTE_NONE):
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=sep, quoting=quoting):
                for cell in row:
                    bare = cell.lstrip(' "')
                    if bare[:1] in export.FORMULA_START and not _NUMBER.match(bare):
                        found.append((sep, quoting, cell))
    return found


def test_a_naive_export_would_have_run_formulas():
    """The check below is not vacuous: the same frame written plainly has formula cells."""
    buf = io.StringIO()
    _hostile_frame().to_csv(buf, index=False)
    assert formula_cells(buf.getvalue())


@pytest.mark.parametrize("excel_ru", [False, True])
def test_no_cell_starts_a_formula_under_either_separator(excel_ru):
    data = export.to_csv_bytes(_hostile_frame(), excel_ru=excel_ru)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert formula_cells(text) == []
    sep = ";" if excel_ru else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    assert len(rows) == len(HOSTILE) + 1 and all(len(r) == 6 for r in rows)
    assert rows[1][0] == "Аккаунт-менеджер;'=cmd|' /C calc'!A0;"  # the text, readable, not run


def test_numbers_stay_numbers_negative_ones_too():
    data = export.to_csv_bytes(_hostile_frame())
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back["pay"].dtype == float and back["pay"].tolist() == [-1.5 * i for i in range(len(HOSTILE))]
    assert back["n"].dtype == "int64" and back["n"].min() < 0
    ru = pd.read_csv(io.BytesIO(export.to_csv_bytes(_hostile_frame(), excel_ru=True)), encoding="utf-8-sig",
                     sep=";", decimal=",")
    assert ru["pay"].tolist() == back["pay"].tolist()  # decimal comma: Russian Excel reads numbers


def test_default_csv_keeps_the_comma_and_the_bom_every_field_quoted():
    data = export.to_csv_bytes(pd.DataFrame({"a": ["x"], "b": [1.5]}))
    assert data == '\ufeff"a","b"\n"x","1.5"\n'.encode()


# ------------------------------------------------------------------------------------------ Excel


def _read_xlsx(data: bytes):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))  # not data_only: a formula would show as its "=…" source
    assert len(wb.worksheets) == 1
    return wb.worksheets[0]


def test_xlsx_keeps_hostile_text_as_text_and_numbers_as_numbers():
    frame = _hostile_frame().assign(when=pd.to_datetime(["2023-09-04 17:13:13+00:00"] * len(HOSTILE)),
                                    ok=[True, False] * (len(HOSTILE) // 2))
    ws = _read_xlsx(export.to_xlsx_bytes(frame, sheet="Вакансии"))
    assert ws.title == "Вакансии"
    rows = list(ws.iter_rows())
    assert [c.value for c in rows[0]] == [*frame.columns]  # the header as given, "=header;=x" too
    assert all(c.data_type == "s" for c in rows[0]) and rows[0][0].font.b
    for row, title in zip(rows[1:], HOSTILE, strict=True):
        # as typed: no apostrophe, no formula (XML reads a carriage return as a line feed)
        assert (row[0].value, row[0].data_type) == (title.replace("\r", "\n"), "s")
    assert not [c for row in rows for c in row if c.data_type == "f"]
    assert rows[1][2].value == f"{HOSTILE[0]}; =SUM(1)" and rows[1][2].data_type == "s"  # a list is one text cell, as in the CSV
    pay = [r[3] for r in rows[1:]]
    assert [c.value for c in pay] == frame["pay"].tolist() and {c.data_type for c in pay} == {"n"}
    assert [r[4].value for r in rows[1:]] == frame["n"].tolist()  # negative integers stay numbers
    assert rows[1][6].value == dt.datetime(2023, 9, 4, 17, 13, 13)  # UTC: Excel has no time zones
    assert rows[1][6].is_date and (rows[1][7].value, rows[2][7].value) == (True, False)


def test_xlsx_a_formula_looking_title_is_a_string():
    ws = _read_xlsx(export.to_xlsx_bytes(pd.DataFrame({"Должность": ["=cmd|' /C calc'!A0", "#N/A", "=1+1"]})))
    cells = [c for (c,) in ws.iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in cells] == [
        ("=cmd|' /C calc'!A0", "s"), ("#N/A", "s"), ("=1+1", "s")]  # not a formula, not an error cell


def test_xlsx_missing_values_are_empty_cells_and_control_characters_do_not_break_the_file():
    frame = pd.DataFrame({"a": [np.nan, np.inf, 1.5], "b": [None, pd.NA, "x\x00\x07y"],
                          "c": pd.to_datetime([None, "2024-01-31", None]),
                          "d": pd.array([1, None, 3], dtype="Int64"), "e": ["z" * 40_000, "", "ok"]})
    ws = _read_xlsx(export.to_xlsx_bytes(frame))
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert rows[0][:4] == [None, None, None, 1] and rows[1][0] is None  # NaN/inf/NA/NaT: empty, not "nan"
    assert rows[2][1] == "x\ufffd\ufffdy" and rows[1][2] == dt.datetime(2024, 1, 31)
    assert len(rows[0][4]) == export.XLSX_MAX_TEXT and rows[0][4].endswith("…")


def test_xlsx_of_nothing_and_sheet_names():
    ws = _read_xlsx(export.to_xlsx_bytes(pd.DataFrame({"a": pd.Series([], dtype=float)}), sheet=""))
    assert ws.title == "data" and [[c.value for c in r] for r in ws.iter_rows()] == [["a"]]
    assert export.sheet_title("Зарплаты: Москва/СПб [2025]?") == "Зарплаты  Москва СПб  2025"
    assert len(export.sheet_title("x" * 50)) == 31


def test_xlsx_leaves_the_input_alone():
    frame = _frame()
    before = frame.drop(columns="skills").copy(deep=True)
    export.to_xlsx_bytes(frame)
    pd.testing.assert_frame_equal(frame.drop(columns="skills"), before)


def test_excel_csv_is_semicolons_bom_and_decimal_comma():
    """The "CSV для Excel": what Russian-locale Excel opens into columns and numbers by a double click."""
    frame = pd.DataFrame({"Должность": ["=1+1", "Бухгалтер"], "Сумма": [95_000.5, -1.25],
                          "n": [3, 4], "ok": pd.array([1.5, None], dtype="Float64")})
    data = export.to_csv_bytes(frame, excel_ru=True)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == [
        '"Должность";"Сумма";"n";"ok"', "\"'=1+1\";\"95000,5\";\"3\";\"1,5\"", '"Бухгалтер";"-1,25";"4";""']
