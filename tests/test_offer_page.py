"""The Offer check page driven through AppTest on the embedded snapshot: inputs, the URL (good and bad
parameters), the basis switch, and a salary table uploaded through the page's file_uploader."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import offer, recency
from analytics.queries import warehouse_key
from analytics.queries_offer import profession_rows

ROOT = Path(__file__).resolve().parents[1]
PAGE = "pages/offer_check.py"
UPLOADS = Path(__file__).parent / "fixtures" / "uploads"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture()
def open_page(snapshot_warehouse, monkeypatch):
    monkeypatch.setenv("VILKA_WAREHOUSE", str(snapshot_warehouse))

    def make(**params: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for k, v in params.items():
            at.query_params[k] = v
        at.run()  # the default page; query parameters survive into the switch below
        at.switch_page(PAGE)
        return at.run()
    return make


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _stale_only(at: AppTest) -> None:
    """The snapshot's newest vacancies are years old: the one warning is the cell's age."""
    assert [w.value.startswith("Самой новой вакансии этой ячейки") for w in at.warning] in ([], [True])


def test_defaults_show_a_verdict_a_chart_and_the_tax(open_page):
    at = open_page()
    _ok(at)
    assert at.title[0].value == "Проверка оффера"
    _stale_only(at)
    assert "в ценах" in at.warning[0].value  # the market's pay is aged by default (sidebar switch)
    assert any(c.value.startswith("Ячейка: вакансии ") for c in at.caption)  # every answer is dated
    assert _metric(at, "Перцентиль оффера").startswith("P")
    assert _metric(at, "На руки, в месяц (в среднем)") == "120\u00a0000\u00a0₽"
    assert at.get("plotly_chart")
    assert any("**В рынке.**" in m.value or "рынка.**" in m.value for m in at.markdown)
    assert at.query_params["amount"] == "120000" and at.query_params["basis"] == "net"


def test_a_sparse_level_gets_a_reference_not_a_verdict(open_page):
    """Senior account managers are few everywhere: no big percentile, a muted reference naming its cell."""
    at = open_page()
    at.text_input(key="offer_title").input("Senior Account Manager").run()
    _ok(at)
    assert at.selectbox(key="offer_profession").value == "account_manager"
    assert at.selectbox(key="offer_level").value == "senior"
    at.selectbox(key="offer_region").set_value("RU-SPE")
    at.number_input(key="offer_amount").set_value(150_000).run()
    _ok(at)
    assert at.query_params == {"title": "Senior Account Manager", "profession": "account_manager",
                               "level": "senior", "region": "RU-SPE", "amount": "150000", "period": "month",
                               "basis": "net", "year": at.query_params["year"]}
    assert not [m for m in at.metric if m.label == "Перцентиль оффера"]
    reference = next(c.value for c in at.caption if c.value.startswith("**Ориентир, не вердикт:**"))
    assert "· старший" in reference and "n = " in reference


def test_a_title_region_and_amount_then_a_basis_switch(open_page):
    at = open_page()
    at.text_input(key="offer_title").input("Senior Python Developer").run()
    _ok(at)
    assert at.selectbox(key="offer_profession").value == "software_developer"
    assert at.selectbox(key="offer_level").value == "senior"
    at.selectbox(key="offer_region").set_value("RU-SPE")
    at.number_input(key="offer_amount").set_value(150_000).run()
    _ok(at)
    net_pct = _metric(at, "Перцентиль оффера")
    at.radio(key="offer_basis").set_value("gross").run()
    _ok(at)
    assert at.query_params["basis"] == "gross"
    assert _metric(at, "До вычета, в месяц") == "150\u00a0000\u00a0₽"
    assert _metric(at, "На руки, в месяц (в среднем)") == "130\u00a0500\u00a0₽"  # 13 % all year
    gross_pct = _metric(at, "Перцентиль оффера")
    assert int(gross_pct[1:]) <= int(net_pct[1:])  # 150 000 gross is less pay than 150 000 on hand


def test_a_link_reproduces_the_result(open_page, snapshot_warehouse):
    params = {"profession": "software_developer", "level": "senior", "region": "RU-SPE", "amount": "250000",
              "period": "month", "basis": "gross", "year": "2025"}
    at = open_page(**params)
    _ok(at)
    _stale_only(at)
    assert at.selectbox(key="offer_region").value == "RU-SPE"
    assert at.radio(key="offer_basis").value == "gross"
    inp = offer.OfferInput("software_developer", "senior", "RU-SPE", 250_000.0, "month", "gross", 2025)
    expected = offer.evaluate(profession_rows(warehouse_key(snapshot_warehouse), "software_developer", "gross"), inp,
                              aged_to=recency.current_month())
    assert _metric(at, "Перцентиль оффера") == offer.percentile_text(expected.cell.percentile, "ru")
    assert _metric(at, "Вакансий в ячейке") == str(expected.cell.n)
    assert {k: at.query_params[k] for k in params} == params


def test_bad_url_values_warn_by_name_and_fall_back(open_page):
    at = open_page(amount="abc", region="RU-XX", profession="astronaut", basis="both", level="boss")
    _ok(at)
    warned = " ".join(w.value for w in at.warning)
    for name in ("amount", "region", "profession", "basis", "level"):
        assert f"«{name}»" in warned
    assert at.number_input(key="offer_amount").value == 120_000
    assert at.radio(key="offer_basis").value == "net"
    assert at.query_params["amount"] == "120000"  # the URL is rewritten with the values in use
    assert at.get("plotly_chart")
    at.number_input(key="offer_amount").set_value(90_000).run()
    _stale_only(at)  # said once, on arrival


def test_negative_amount_in_the_url_and_english(open_page):
    at = open_page(amount="-100")
    at.sidebar.radio(key="lang").set_value("en").run()
    _ok(at)
    assert at.title[0].value == "Offer check"
    at = open_page(amount="-100")
    assert "«amount» = «\\-100»" in at.warning[0].value


def test_a_salary_table_uploaded_through_the_page(open_page, snapshot_warehouse):
    before = hashlib.sha256(snapshot_warehouse.read_bytes()).hexdigest()
    at = open_page()
    at.file_uploader(key="offer_upload").set_value(
        ("table.csv", (UPLOADS / "ru_cp1251_semicolon.csv").read_bytes(), "text/csv")).run()
    _ok(at)
    problems = next(w.value for w in at.warning if "строка" in w.value)
    assert "строка 4: сумма «сто тысяч» — не число" in problems
    assert "строка 5: регион «Мордор» не найден среди регионов России" in problems
    assert "кодировка Windows-1251, разделитель «;»" in " ".join(c.value for c in at.caption)
    table = at.dataframe[-1].value
    assert list(table["Строка"]) == [2, 3]
    assert set(table["Вердикт"]) <= {"ниже рынка", "в рынке", "выше рынка", "ориентир", "нет данных по уровню"}
    assert at.get("download_button")
    assert hashlib.sha256(snapshot_warehouse.read_bytes()).hexdigest() == before  # nothing written

    at.file_uploader(key="offer_upload").set_value(("bad.csv", (UPLOADS / "missing_columns.csv").read_bytes(),
                                                   "text/csv")).run()
    _ok(at)
    assert at.error[0].value.startswith("Нет столбцов: region (регион).")


def _workbook(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "ЗП_2025 <b>"
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_a_workbook_without_a_basis_column_is_net_with_a_note_and_a_switch(open_page):
    at = open_page()
    data = _workbook([["Должность", "Регион", "Зарплата"], ["Бухгалтер", "Москва", 90000],
                      ["Python-разработчик", "Санкт-Петербург", 250000]])
    at.file_uploader(key="offer_upload").set_value(("table.xlsx", data, XLSX)).run()
    _ok(at)
    assert "Прочитано строк: 2; файл Excel, лист «ЗП\\_2025 \\<b\\>»." in [c.value for c in at.caption]  # escaped
    note = next(i.value for i in at.info if "нет столбца «база»" in i.value)
    assert "**на руки**" in note
    switch = at.radio(key="offer_upload_basis")
    assert switch.value == "net" and list(switch.options) == ["на руки (net)", "до вычета НДФЛ (gross)"]
    net = at.dataframe[-1].value
    assert set(net["Зарплата"]) == {"на руки (net)"}
    switch.set_value("gross").run()
    _ok(at)
    gross = at.dataframe[-1].value
    assert set(gross["Зарплата"]) == {"до вычета НДФЛ (gross)"}  # compared with the market's gross pay
    assert list(gross["В месяц"]) == list(net["В месяц"])  # the same amounts, read on the other basis
    assert [b.key for b in at.get("download_button")] == [
        "offer_download", "offer_download_csv_excel", "offer_download_xlsx"]
    other = _workbook([["Должность", "Регион", "Зарплата"], ["Юрист", "Москва", 100000]])
    at.file_uploader(key="offer_upload").set_value(("other.xlsx", other, XLSX)).run()
    _ok(at)
    assert at.radio(key="offer_upload_basis").value == "net"  # a new file starts as the note says
    assert set(at.dataframe[-1].value["Зарплата"]) == {"на руки (net)"}


def test_a_workbook_with_a_basis_column_has_no_switch_and_a_broken_one_a_message(open_page):
    at = open_page()
    at.file_uploader(key="offer_upload").set_value(("t.xlsx", _workbook([
        ["title", "region", "amount", "basis"], ["Бухгалтер", "Москва", 90000, "gross"]]), XLSX)).run()
    _ok(at)
    assert not [r for r in at.radio if r.key == "offer_upload_basis"]
    assert not [i for i in at.info if "нет столбца «база»" in i.value]
    at.file_uploader(key="offer_upload").set_value(("t.xlsx", b"PK\x03\x04broken", XLSX)).run()
    _ok(at)
    assert at.error[0].value.startswith("Файл Excel повреждён или это не .xlsx")
