"""Salary-table uploads: what real files look like (cp1251, ";", Russian headers, "150 000,50") is read;
every bad file gets a message naming the problem and the row; exports are safe against formula injection."""

from __future__ import annotations

import datetime as dt
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
    assert table.attrs == {"encoding": "UTF-8", "separator": ",", "basis_from": "column"}
    assert list(table["row"]) == [2, 3, 4, 5]
    assert list(table["region_iso"]) == ["RU-MOW", "RU-SPE", "RU-SVE", "RU-TA"]  # "Казань" is a city
    assert list(table["amount"]) == [150_000, 120_000, 200_000, 90_000]
    assert list(table["basis"]) == ["net", "gross", "net", "gross"]
    assert list(table["period"]) == ["month"] * 4
    assert table.loc[3, "title"].startswith("=HYPERLINK(")  # kept as text: neutralised on export only


def test_cp1251_with_semicolons_and_russian_headers_is_read_and_bad_rows_are_named():
    table, problems = parse_salary_table(_read("ru_cp1251_semicolon.csv"))
    assert table.attrs == {"encoding": "Windows-1251", "separator": ";", "basis_from": "column"}
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
    err = _bad(_read("missing_columns.csv"))  # Должность, Зарплата: the basis is optional, the region not
    assert err.message("en") == ("Missing columns: region (регион). Expected headers: title, region, amount "
                                 "(or salary); optional basis and period.")
    assert err.message("ru").startswith("Нет столбцов: region (регион).")
    assert _bad(b"title,basis\nx,net\n").message("en").startswith("Missing columns: region (регион), amount (сумма).")


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


def test_a_damaged_workbook_says_so():
    """workbook.csv is the start of a zip and nothing more: read as a workbook (whatever its name), it is
    a damaged one — a message, not a traceback."""
    err = _bad(_read("workbook.csv"))
    assert err.key == "xlsx_broken"
    assert err.message("en") == ("The Excel file is damaged or not an .xlsx: it cannot be opened. Open it in "
                                 "Excel and save it again as .xlsx or “CSV UTF-8”.")
    assert err.message("ru").startswith("Файл Excel повреждён")


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
    assert problems == [] and table.attrs == {"encoding": "UTF-16", "separator": "\t", "basis_from": "column"}


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


# ------------------------------------------------------------------------------------------ a file without basis


def test_a_csv_without_a_basis_column_is_read_as_net_and_says_so():
    data = "Должность;Регион;Зарплата\nБухгалтер;Москва;100 000\nЮрист;Казань;90000\n".encode("cp1251")
    table, problems = parse_salary_table(data)
    assert problems == [] and list(table["basis"]) == ["net", "net"]
    assert table.attrs == {"encoding": "Windows-1251", "separator": ";", "basis_from": "default", "basis": "net"}
    gross = upload.with_basis(table, "gross")  # the person's answer to "net or gross?"
    assert list(gross["basis"]) == ["gross", "gross"] and gross.attrs["basis"] == "gross"
    assert gross.attrs["basis_from"] == "default" and list(table["basis"]) == ["net", "net"]  # input untouched
    assert gross.drop(columns="basis").equals(table.drop(columns="basis"))


@pytest.mark.parametrize(("header", "basis"), [("Зарплата, gross", "gross"), ("Оклад (на руки)", "net"),
                                               ("amount (before tax)", "gross")])
def test_an_amount_header_that_names_the_basis_is_used(header, basis):
    table, problems = parse_salary_table(f'title,region,"{header}"\nБухгалтер,Москва,100000\n'.encode())
    assert problems == [] and list(table["basis"]) == [basis]
    assert table.attrs["basis_from"] == "header" and table.attrs["basis"] == basis


def test_a_basis_column_wins_and_its_empty_cells_are_still_named():
    table, problems = parse_salary_table("title,region,Зарплата (gross),база\nA,Москва,1000,net\nB,Москва,1000,\n"
                                         .encode())
    assert list(table["basis"]) == ["net"] and table.attrs["basis_from"] == "column"
    assert [p.key for p in problems] == ["basis"]


# ------------------------------------------------------------------------------------------ Excel workbooks


def _xlsx(rows: list[list[object]], *, sheets: int = 1, first_empty: bool = False, title: str = "Зарплаты") -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    if first_empty:
        ws = wb.create_sheet("Данные")
    for row in rows:
        ws.append(row)
    for i in range(sheets - 1):
        wb.create_sheet(f"more{i}").append(["ignored"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


HOSTILE_TITLE = "=cmd|' /C calc'!A0"


def _hostile_string_row(data: bytes) -> bytes:
    """openpyxl writes a str starting with "=" as a formula: rewrite the workbook with that cell typed text,
    as Excel stores a title someone typed with a leading apostrophe."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == HOSTILE_TITLE:
                cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_workbook_is_read_like_a_csv_numbers_dates_and_row_numbers_included():
    data = _xlsx([
        ["Должность", "Регион", "Сумма", "База", "Период"],
        ["Старший бухгалтер", "Казань", 95000.5, "на руки", "месяц"],
        [None, None, None, None, None],  # an empty row: skipped, but the row numbers stay the sheet's
        ["Менеджер по продажам", "г. Москва", 1_440_000, "gross", "год"],
        ["Юрист", "Мордор", 100000, "net", None],
        ["Аналитик", "RU-SPE", "150 000 ₽", "до вычета", ""],
        ["Кассир", "Москва", "сто тысяч", "net", ""],
        ["Водитель", "Москва", dt.datetime(2024, 1, 2), "net", ""],
        [HOSTILE_TITLE, "Москва", 60000, "net", ""],
    ], sheets=2)
    table, problems = parse_salary_table(_hostile_string_row(data))
    assert table.attrs == {"sheet": "Зарплаты", "basis_from": "column"}
    assert list(table["row"]) == [2, 4, 6, 9]
    assert list(table["title"]) == ["Старший бухгалтер", "Менеджер по продажам", "Аналитик", HOSTILE_TITLE]
    assert list(table["amount"]) == [95_000.5, 1_440_000.0, 150_000.0, 60_000.0]
    assert list(table["basis"]) == ["net", "gross", "gross", "net"]
    assert list(table["period"]) == ["month", "year", "month", "month"]
    assert list(table["region_iso"]) == ["RU-TA", "RU-MOW", "RU-SPE", "RU-MOW"]
    assert [p.message("en") for p in problems] == [
        "row 5: region 'Мордор' is not a Russian region",
        "row 7: amount 'сто тысяч' is not a number",
        "row 8: amount '2024-01-02 00:00:00' is not a number",
    ]


def test_a_workbook_without_a_basis_column_is_net_with_a_flag():
    table, problems = parse_salary_table(_xlsx([["Должность", "Регион", "Зарплата"], ["Бухгалтер", "Москва", 100000]]))
    assert problems == [] and list(table["basis"]) == ["net"]
    assert table.attrs == {"sheet": "Зарплаты", "basis_from": "default", "basis": "net"}


def test_a_formula_without_a_stored_value_is_an_empty_amount_not_its_source():
    """A program that writes formulas (openpyxl) stores no computed value: the cell reads empty. Excel's
    own files carry the value, which is what is read."""
    table, problems = parse_salary_table(_xlsx([["title", "region", "amount"], ["Бухгалтер", "Москва", "=50000*2"],
                                                ["Юрист", "Москва", 90000]]))
    assert list(table["title"]) == ["Юрист"]
    assert [p.message("en") for p in problems] == ["row 2: amount '' is not a number"]


def test_cells_right_of_the_header_are_notes_not_shifted_fields():
    table, problems = parse_salary_table(_xlsx([
        ["title", "region", "amount", "basis"],
        ["Бухгалтер", "Москва", 60000, "net", None, "уточнить у HR"],  # a note beside the table: ignored
        ["Юрист", "Москва", 90000],  # a short row is its empty cells, not "3 fields, but the header has 4"
    ]))
    assert list(table["title"]) == ["Бухгалтер"]
    assert [p.message("en") for p in problems] == ["row 3: basis '' is neither net nor gross"]


def test_a_far_away_cell_does_not_make_rows_wide():
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["title", "region", "amount", "basis"])
    ws.append(["Бухгалтер", "Москва", 60000, "net"])
    ws.cell(row=2, column=16_000, value="far away")
    ws.cell(row=900_000, column=1, value="Юрист")  # a stray cell far down: one row more, with problems
    buf = io.BytesIO()
    wb.save(buf)
    table, problems = parse_salary_table(buf.getvalue())
    assert list(table["title"]) == ["Бухгалтер"]
    assert [p.row for p in problems] == [900_000, 900_000, 900_000]


def test_the_first_sheet_is_read_and_an_empty_one_says_so():
    data = _xlsx([["title", "region", "amount"], ["Бухгалтер", "Москва", 1]], first_empty=True)
    err = _bad(data)
    assert err.key == "xlsx_empty"
    assert err.message("ru") == "Первый лист книги Excel пустой. Таблица зарплат должна быть на первом листе."
    assert _bad(_xlsx([])).key == "xlsx_empty"
    assert _bad(_xlsx([["title", "region", "amount"]])).key == "no_rows"
    assert _bad(_xlsx([["Имя", "Отдел"], ["x", "y"]])).key == "missing"


def _zip(members: dict[str, bytes], method: int | None = None) -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED if method is None else method) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return buf.getvalue()


@pytest.mark.parametrize("data", [
    b"PK\x03\x04" + b"\x00" * 100,  # a zip's start, nothing more
    _zip({"hello.txt": b"not a workbook"}),  # a zip, but no workbook inside
    _zip({"[Content_Types].xml": b"<Types", "xl/workbook.xml": b"<<<"}),  # XML that does not parse
])
def test_a_broken_workbook_is_a_message(data):
    err = _bad(data)
    assert err.key == "xlsx_broken" and err.message("ru") and err.message("en")


def test_a_truncated_real_workbook_is_a_message():
    data = _xlsx([["title", "region", "amount"], ["Бухгалтер", "Москва", 1]])
    for cut in (len(data) // 3, len(data) // 2, len(data) - 30):
        assert _bad(data[:cut]).key == "xlsx_broken"


def test_password_protected_and_old_excel_files_are_named():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500
    err = _bad(ole + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 100)
    assert err.key == "xlsx_encrypted"
    assert err.message("en").startswith("The Excel file is password-protected and cannot be read.")
    assert err.message("ru").startswith("Файл Excel защищён паролем")
    assert _bad(ole).message("en") == ("This is an old-format Excel file (.xls) or another Office document. Save "
                                       "it as .xlsx or “CSV UTF-8”.")


def test_workbook_size_guards(monkeypatch):
    assert _bad(b"PK\x03\x04" + b"x" * upload.MAX_BYTES).key == "too_big"  # before unzipping
    data = _xlsx([["title", "region", "amount"], ["Бухгалтер", "Москва", 1]])
    monkeypatch.setattr(upload, "MAX_UNPACKED", 1000)  # what a zip bomb's declared sizes run into
    err = _bad(data)
    assert err.key == "xlsx_unpacked" and err.message("en").startswith("The Excel file unpacks to more than")


def test_a_workbook_over_the_row_limit(monkeypatch):
    monkeypatch.setattr(upload, "MAX_ROWS", 5)
    rows = [["title", "region", "amount"]] + [["Бухгалтер", "Москва", 1]] * 5
    assert len(parse_salary_table(_xlsx(rows))[0]) == 5
    err = _bad(_xlsx(rows + [["Юрист", "Москва", 2]]))
    assert err.key == "xlsx_too_many_rows"
    assert err.message("en") == "The first sheet has more than 5 data rows; the limit is 5."


def test_a_damaged_real_workbook_is_a_table_or_a_message_never_a_traceback():
    """Bytes flipped at random in a real workbook, stored and deflated (a damaged download, a bad disk):
    zipfile and openpyxl fail in many ways (BadZipFile, NotImplementedError, KeyError, XML errors…);
    every one must come out as a BadUpload."""
    import random
    import zipfile

    deflated = _xlsx([["Должность", "Регион", "Сумма", "База"]] + [["Бухгалтер", "Москва", 1000 + i, "net"]
                                                                     for i in range(20)])
    with zipfile.ZipFile(io.BytesIO(deflated)) as z:
        stored = _zip({i.filename: z.read(i.filename) for i in z.infolist()}, zipfile.ZIP_STORED)
    rng = random.Random(14)
    seen = set()
    for n in range(200):
        data = bytearray(stored if n % 2 else deflated)
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            parse_salary_table(bytes(data))
            seen.add("table")
        except BadUpload as err:
            assert err.message("ru") and err.message("en")
            seen.add(err.key)
    assert "xlsx_broken" in seen
