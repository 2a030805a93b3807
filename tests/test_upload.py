"""Salary-table uploads: what real files look like (cp1251, ";", Russian headers, "150 000,50") is read;
every bad file gets a message naming the problem and the row; exports are safe against formula injection."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from analytics import export, upload
from analytics.upload import BadUpload, parse_salary_table

UPLOADS = Path(__file__).parent / "fixtures" / "uploads"


def _read(name: str) -> bytes:
    return (UPLOADS / name).read_bytes()


def _bad(data: bytes) -> BadUpload:
    with pytest.raises(BadUpload) as err:
        parse_salary_table(data)
    return err.value


def test_a_clean_english_file_is_read_with_cities_and_bases_resolved():
    table, problems = parse_salary_table(_read("good_en.csv"))
    assert problems == []
    assert table.attrs == {"encoding": "UTF-8", "separator": ","}
    assert list(table["row"]) == [2, 3, 4, 5]
    assert list(table["region_iso"]) == ["RU-MOW", "RU-SPE", "RU-SVE", "RU-TA"]  # "Казань" is a city
    assert list(table["amount"]) == [150_000, 120_000, 200_000, 90_000]
    assert list(table["basis"]) == ["net", "gross", "net", "gross"]
    assert list(table["period"]) == ["month"] * 4
    assert table.loc[3, "title"].startswith("=HYPERLINK(")  # kept as text: neutralised on export only


def test_cp1251_with_semicolons_and_russian_headers_is_read_and_bad_rows_are_named():
    table, problems = parse_salary_table(_read("ru_cp1251_semicolon.csv"))
    assert table.attrs == {"encoding": "Windows-1251", "separator": ";"}
    assert list(table["title"]) == ["Старший бухгалтер", "Менеджер по продажам"]
    assert list(table["amount"]) == [95_000.5, 120_000.0]
    assert list(table["basis"]) == ["net", "gross"]
    assert list(table["region_iso"]) == ["RU-TA", "RU-MOW"]
    assert [p.message("en") for p in problems] == [
        "row 4: amount 'сто тысяч' is not a number",
        "row 5: region 'Мордор' is not a Russian region",
        "row 6: amount '-5000' must be above zero and below a billion",
        "row 7: basis 'как договоримся' is neither net nor gross",
    ]
    assert problems[0].message("ru") == "строка 4: сумма «сто тысяч» — не число"


def test_utf8_bom_and_iso_codes():
    table, problems = parse_salary_table(_read("utf8_bom_semicolon.csv"))
    assert problems == [] and table.attrs["separator"] == ";"
    assert table.iloc[0][["title", "region_iso", "amount", "basis"]].tolist() == [
        "Аналитик данных", "RU-SPE", 180_000.0, "gross"]


def test_missing_columns_are_named():
    err = _bad(_read("missing_columns.csv"))
    assert err.message("en") == ("Missing columns: region (регион), basis (база). Expected headers: title, "
                                 "region, amount (or salary), basis.")
    assert err.message("ru").startswith("Нет столбцов: region (регион), basis (база).")


def test_empty_file():
    assert _bad(_read("empty.csv")).message("en") == "The file is empty."
    assert _bad(b"  \r\n\n").message("ru") == "Файл пустой."


def test_header_without_rows():
    assert _bad(_read("header_only.csv")).message("en") == "The file has a header but no data rows."


def test_undecodable_text_says_so():
    assert _bad(_read("utf16_no_bom.csv")).message("en") == (
        "Cannot read the text: the file is neither UTF-8 nor Windows-1251. Save it as “CSV UTF-8”.")
    assert _bad(b"title,region\n\x98\x98\x98,x\n").key == "encoding"  # 0x98 is undefined in cp1251
    assert _bad("title,region\nCafé ñandú,x\n".encode("latin-1") * 3).key == "encoding"  # not Cyrillic


def test_an_excel_workbook_is_recognised():
    assert _bad(_read("workbook.csv")).message("en") == (
        "This is an Excel workbook (.xlsx), not CSV. Save it as “CSV UTF-8”.")


def test_over_20_mb_is_refused_before_parsing():
    err = _bad(b"x" * (upload.MAX_BYTES + 1))
    assert err.key == "too_big"
    assert err.message("en") == "The file is 20.0 MB; the limit is 20 MB."
    assert _bad(b"x" * (upload.MAX_BYTES + 1) * 2).message("en") == "The file is 40.0 MB; the limit is 20 MB."


def test_too_many_rows():
    data = ("title,region,amount,basis\n" + "Бухгалтер,Москва,60000,net\n" * (upload.MAX_ROWS + 1)).encode()
    assert _bad(data).message("en") == "The file has 10001 rows; the limit is 10000."
    table, _ = parse_salary_table(data.rsplit(b"\n", 2)[0] + b"\n")  # exactly the limit is fine
    assert len(table) == upload.MAX_ROWS


def test_a_row_with_a_shifted_field_is_skipped_and_named():
    table, problems = parse_salary_table(_read("ragged.csv"))
    assert list(table["title"]) == ["Бухгалтер"]
    assert [p.message("en") for p in problems] == [
        "row 2: 5 fields, but the header has 4 — check the separator and the quotes"]


def test_utf16_with_bom_and_tabs_excels_unicode_text():
    data = "\ufeffДолжность\tРегион\tСумма\tБаза\nЮрист\tМосква\t100000\tgross\n".encode("utf-16-le")
    table, problems = parse_salary_table(data)
    assert problems == [] and table.attrs == {"encoding": "UTF-16", "separator": "\t"}


def test_period_column_and_empty_titles():
    data = ("title,region,amount,basis,period\nЮрист,Москва,1 200 000,gross,год\n,Москва,1000,net,\n"
            "Юрист,Москва,100000,net,неделя\n").encode()
    table, problems = parse_salary_table(data)
    assert table[["amount", "period"]].values.tolist() == [[1_200_000.0, "year"]]
    assert [p.message("en") for p in problems] == ["row 3: the title is empty",
                                                   "row 4: period 'неделя' is neither month nor year"]


@pytest.mark.parametrize(("text", "value"), [
    ("150000", 150_000), ("150 000", 150_000), ("150\u00a0000", 150_000), ("150 000,50", 150_000.5),
    ("150000.50", 150_000.5), ("150,000", 150_000), ("1,500,000.5", 1_500_000.5), ("1.500.000,5", 1_500_000.5),
    ("150 000 ₽", 150_000), ("150000 руб.", 150_000), ("150к", 150_000), ("150 тыс.", 150_000),
    ("-5000", -5000), ("сто тысяч", None), ("", None), ("inf", None), ("12-15 тыс", None),
])
def test_parse_amount(text, value):
    assert upload.parse_amount(text) == value


@pytest.mark.parametrize(("text", "basis"), [
    ("net", "net"), ("Gross", "gross"), ("на руки", "net"), ("До вычета НДФЛ", "gross"), ("брутто", "gross"),
    ("нетто", "net"), ("после вычета", "net"), ("gross (до вычета)", "gross"), ("?", None),
])
def test_basis_words(text, basis):
    assert upload._basis(text) == basis


def test_region_names_in_any_spelling_and_cities():
    names = pd.Series(["г. Москва", "Moscow", "Татарстан", "Казань", "Екатеринбург", "RU-SPE", "Мордор", None])
    assert upload.resolve_regions(names).tolist() == [
        "RU-MOW", "RU-MOW", "RU-TA", "RU-TA", "RU-SVE", "RU-SPE", pd.NA, pd.NA]


def test_safe_csv_neutralises_formulas_but_not_numbers():
    df = pd.DataFrame({"title": ["=1+1", "+7 999", "-x", "@SUM(A1)", "\tx", "plain", "a=b"],
                       "n": [-1, 2, 3, 4, 5, 6, 7]})
    text = export.to_csv_bytes(df).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert back["title"].tolist() == ["'=1+1", "'+7 999", "'-x", "'@SUM(A1)", "'\tx", "plain", "a=b"]
    assert back["n"].tolist() == ["-1", "2", "3", "4", "5", "6", "7"]
    assert export.to_csv_bytes(df).startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Cyrillic right


def test_a_field_over_the_csv_limit_is_named_not_a_crash():
    """A 200 KB cell (an unclosed quote makes the rest of the file one cell) used to raise
    ``_csv.Error: field larger than field limit``."""
    data = ("title,region,amount,basis\nБухгалтер,Москва,60000,net\n" + "x" * 200_000 + ",Москва,1,net\n").encode()
    err = _bad(data)
    assert err.key == "cell_too_long"
    assert err.message("en") == ("Row 3 has a cell longer than 131072 characters: check the quotes "
                                 "(an unclosed \" joins the rest of the file into one cell).")
    assert err.message("ru").startswith("В строке 3 ячейка длиннее 131072 символов")
    assert _bad(b'title,region,amount,basis\n"unclosed,' + b"y" * 200_000 + b"\n").key == "cell_too_long"


@pytest.mark.parametrize("data", [b";;;\n;;;\n", b",,,", b"|\t|\n\t", b'"";"";""\n', b"\xef\xbb\xbf;;\r\n;;"])
def test_a_file_of_separators_only_is_empty(data):
    err = _bad(data)
    assert err.key == "no_text"
    assert err.message("en") == "The file holds only separators and no text."
    assert err.message("ru") == "В файле только разделители, текста нет."
