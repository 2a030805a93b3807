"""CSV/Parquet exports: formula-injection neutralising, lists as text, nothing else changed."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from analytics import export


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\",\"click\")", "'=HYPERLINK(\"http://x\",\"click\")"),
    ("+7 999 123-45-67", "'+7 999 123-45-67"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("  =cmd|' /C calc'!A0", "'  =cmd|' /C calc'!A0"),
    ("Менеджер по продажам", "Менеджер по продажам"),
    ("C++ разработчик", "C++ разработчик"),  # a + inside is harmless
    ("", ""),
    (None, None),
    (-5.0, -5.0),  # a number stays a number
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
