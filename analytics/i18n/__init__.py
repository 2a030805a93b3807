"""UI text in Russian (default) and English. Keys are stable; pages never hard-code a sentence.

Shared text lives here; each page keeps its own in a module of this package (``TEXT = {key:
{"ru": ..., "en": ...}}``), found automatically, so pages can grow without editing one big file.
A key defined twice is an error, found at first use.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

LANGS = ("ru", "en")

_TEXT: dict[str, dict[str, str]] = {
    "app_title": {"ru": "Вилка — зарплаты и рынок вакансий", "en": "Vilka — salaries and the job market"},
    "language": {"ru": "Язык", "en": "Language"},
    "filters": {"ru": "Фильтры", "en": "Filters"},
    "profession": {"ru": "Профессия", "en": "Profession"},
    "level": {"ru": "Уровень", "en": "Level"},
    "region": {"ru": "Регион", "en": "Region"},
    "region_help": {
        "ru": "Ищите по региону или городу: «Казань», «Питер», «Екб». Крупный город — отдельная ячейка "
              "(«Казань → Республика Татарстан»). Если список пишет «No results», такого места нет в данных.",
        "en": "Search by region or city: “Kazan” is found as «Казань», aliases like «Питер» work too. A large "
              "city is a cell of its own. “No results” means the place is not in the data.",
    },
    "experience": {"ru": "Требуемый опыт", "en": "Experience asked"},
    "source": {"ru": "Источник", "en": "Source"},
    "source_hh": {"ru": "hh.ru", "en": "hh.ru"},
    "source_hh_flat": {"ru": "hh.ru (выгрузки 2022)", "en": "hh.ru (2022 extracts)"},
    "source_trudvsem": {"ru": "Работа России", "en": "Rabota Rossii"},
    "title_contains": {"ru": "Название вакансии содержит", "en": "Title contains"},
    "basis": {"ru": "Зарплата", "en": "Pay"},
    "basis_net": {"ru": "на руки (net)", "en": "on hand (net)"},
    "basis_gross": {"ru": "до вычета НДФЛ (gross)", "en": "before tax (gross)"},
    "all": {"ru": "все", "en": "all"},
    "page_pay_ranges": {"ru": "Вилки зарплат", "en": "Pay ranges"},
    "group_by": {"ru": "Группировать по", "en": "Group by"},
    "by_region": {"ru": "региону", "en": "region"},
    "by_level": {"ru": "уровню", "en": "level"},
    "by_experience": {"ru": "опыту", "en": "experience"},
    "by_profession": {"ru": "профессии", "en": "profession"},
    "by_federal_district": {"ru": "федеральному округу", "en": "federal district"},
    "bands_title": {
        "ru": "Предлагаемая зарплата, {basis}, ₽/мес.: P10–P90, P25–P75 и медиана (n = {n})",
        "en": "Offered pay, {basis}, ₽/month: P10–P90, P25–P75 and median (n = {n})",
    },
    "unit_axis": {"ru": "₽ в месяц, {basis}", "en": "₽ per month, {basis}"},
    "median": {"ru": "медиана", "en": "median"},
    "vacancies_n": {"ru": "вакансий", "en": "vacancies"},
    "data_dates": {
        "ru": "Данные: вакансии, опубликованные {start} … {end}; {n} вакансий с зарплатой в выборке.",
        "en": "Data: vacancies published {start} … {end}; {n} vacancies with pay in the selection.",
    },
    "no_data": {
        "ru": "Нет вакансий с зарплатой для этих фильтров. Ослабьте фильтры в боковой панели.",
        "en": "No vacancies with pay match these filters. Loosen the filters in the sidebar.",
    },
    "no_warehouse": {
        "ru": "Хранилище данных не найдено. Запустите `make run` или `python -m pipelines load-snapshot`.",
        "en": "No data warehouse found. Run `make run` or `python -m pipelines load-snapshot`.",
    },
    "method_note": {
        "ru": "Как считаем: вилка вакансии — интервал, а не точка. {method}",
        "en": "How this is computed: a vacancy gives an interval, not a point. {method}",
    },
    "hidden_note": {
        "ru": "P10/P90 скрыты при n < 10, всё скрыто при n < 5.",
        "en": "P10/P90 are hidden under n = 10, everything under n = 5.",
    },
    "dates_range": {"ru": "вакансии {start}–{end}", "en": "vacancies {start}–{end}"},
    "dates_one": {"ru": "вакансии {month}", "en": "vacancies {month}"},
    "dates_none": {"ru": "вакансии без даты публикации", "en": "vacancies without a publication date"},
    "dates_undated": {"ru": "(+ {n} без даты)", "en": "(+ {n} undated)"},
    "window_months": {"ru": "последние {n} мес. данных", "en": "latest {n} months of data"},
    "window_all": {"ru": "все даты", "en": "all dates"},
    "aged_to": {"ru": "в ценах {month} (по индексу зарплат Росстата)",
                "en": "in roubles of {month} (Rosstat wage index)"},
    "aged_none": {"ru": "как в объявлениях (без индексации)", "en": "as published (not indexed)"},
    "aged_switch": {"ru": "Зарплаты в ценах {month}", "en": "Pay in roubles of {month}"},
    "aged_switch_help": {
        "ru": "Включено: оплата старых вакансий приведена к ценам текущего месяца по средней зарплате "
              "Росстата (региональной, где есть; дальше — по России; после последнего опубликованного месяца — "
              "по росту за последние 12 месяцев). Выключено: суммы как в объявлениях.",
        "en": "On: pay of older vacancies is brought to this month's roubles by Rosstat's average wage "
              "(regional where published, national beyond, extrapolated by the last 12 months' growth after "
              "the last published month). Off: amounts as published.",
    },
    "table": {"ru": "Таблица", "en": "Table"},
    "download_csv": {"ru": "Скачать CSV", "en": "Download CSV"},
    # the two files for Excel, beside every CSV download: for people, so headers in the UI language
    "download_csv_excel": {"ru": "Скачать CSV для Excel", "en": "Download CSV for Excel"},
    "download_csv_excel_help": {
        "ru": "Для Excel с русскими настройками: разделитель «;», десятичная запятая, UTF-8 с BOM — открывается "
              "двойным щелчком сразу по столбцам. Заголовки — на языке интерфейса.",
        "en": "For Excel with Russian regional settings: “;” separator, decimal comma, UTF-8 with BOM — opens "
              "into columns with a double click. Headers in the interface language.",
    },
    "download_xlsx": {"ru": "Скачать Excel (.xlsx)", "en": "Download Excel (.xlsx)"},
    "download_xlsx_help": {
        "ru": "Книга Excel: числа — числами, текст — текстом (никакая ячейка не станет формулой). Заголовки — "
              "на языке интерфейса.",
        "en": "An Excel workbook: numbers as numbers, text as text (no cell becomes a formula). Headers in the "
              "interface language.",
    },
    "col_unit": {"ru": "Единица", "en": "Unit"},
    "unit_rub_month": {"ru": "₽ в месяц", "en": "₽ per month"},
    "col_prices": {"ru": "Цены", "en": "Prices"},
    "col_region_code": {"ru": "Код региона (ISO 3166-2)", "en": "Region code (ISO 3166-2)"},
    "n": {"ru": "n", "en": "n"},
    "ci50": {"ru": "95% ДИ медианы", "en": "95% CI of median"},
    "not_enough": {"ru": "мало вакансий (n = {n})", "en": "not enough vacancies (n = {n})"},
    "unknown": {"ru": "не указано", "en": "not stated"},
    "sources_caption": {
        "ru": "Источник: hh.ru API (вакансии работодателей). Встроенный набор — реальные выгрузки 2021–2025 гг.",
        "en": "Source: hh.ru API (employers' vacancies). The embedded set holds real 2021–2025 extracts.",
    },
}

LEVEL_NAMES = {
    "intern": {"ru": "стажёр", "en": "intern"},
    "junior": {"ru": "младший", "en": "junior"},
    "middle": {"ru": "специалист", "en": "middle"},
    "senior": {"ru": "старший", "en": "senior"},
    "lead": {"ru": "ведущий / тимлид", "en": "lead"},
    "head": {"ru": "руководитель", "en": "head"},
    "director": {"ru": "директор", "en": "director"},
}

EXPERIENCE_NAMES = {
    "noExperience": {"ru": "без опыта", "en": "no experience"},
    "between1And3": {"ru": "1–3 года", "en": "1–3 years"},
    "between3And6": {"ru": "3–6 лет", "en": "3–6 years"},
    "moreThan6": {"ru": "более 6 лет", "en": "over 6 years"},
}


@cache
def _all_text() -> dict[str, dict[str, str]]:
    merged = dict(_TEXT)
    for mod in pkgutil.iter_modules(__path__):
        extra = importlib.import_module(f"{__name__}.{mod.name}").TEXT
        clash = merged.keys() & extra.keys()
        if clash:
            raise KeyError(f"UI text keys defined twice ({mod.name}): {sorted(clash)}")
        merged.update(extra)
    return merged


def t(key: str, lang: str = "ru", **kw: object) -> str:
    """The text of ``key`` in ``lang`` (Russian when the language is unknown), formatted with ``kw``."""
    entry = _all_text()[key]
    text = entry.get(lang, entry["ru"])
    return text.format(**kw) if kw else text


def level_name(level: str | None, lang: str = "ru") -> str:
    if not level:
        return t("unknown", lang)
    return LEVEL_NAMES.get(level, {}).get(lang, level)


def experience_name(exp: str | None, lang: str = "ru") -> str:
    if not exp:
        return t("unknown", lang)
    return EXPERIENCE_NAMES.get(exp, {}).get(lang, exp)
