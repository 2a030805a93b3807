"""UI text of the Data page (keys prefixed ``data_``; the page title is ``page_data``)."""

TEXT = {
    "page_data": {"ru": "Данные", "en": "Data"},
    "data_sources_header": {"ru": "Источники", "en": "Sources"},
    "data_sources_caption": {
        "ru": "Всего в хранилище {rows} вакансий, из них {usable} пригодны для статистики зарплат.",
        "en": "The warehouse holds {rows} vacancies, {usable} of them fit for pay statistics.",
    },
    "data_col_source": {"ru": "Источник", "en": "Source"},
    "data_col_rows": {"ru": "Строк", "en": "Rows"},
    "data_col_usable": {"ru": "Для статистики", "en": "Used for pay"},
    "data_col_first": {"ru": "Первая публикация", "en": "First published"},
    "data_col_last": {"ru": "Последняя публикация", "en": "Last published"},
    "data_col_undated": {"ru": "Без даты", "en": "Undated"},
    "data_source_hh": {"ru": "hh.ru API", "en": "hh.ru API"},
    "data_source_hh_flat": {"ru": "hh.ru, плоские выгрузки 2022", "en": "hh.ru, flat 2022 extracts"},
    "data_source_trudvsem": {"ru": "Работа России", "en": "Работа России (trudvsem)"},
    "data_source_snapshot": {"ru": "встроенный набор (hh.ru)", "en": "embedded set (hh.ru)"},
    "data_source_upload": {"ru": "загрузка CSV", "en": "CSV upload"},
    "data_loads_header": {"ru": "Загрузки", "en": "Loads"},
    "data_last_refresh": {
        "ru": "Последний сбор данных: {when} ({source}, {rows} строк, новых {new}, обновлено {replaced}).",
        "en": "Last harvest: {when} ({source}, {rows} rows, {new} new, {replaced} updated).",
    },
    "data_no_harvest": {
        "ru": "С источников данные ещё не собирались: работает встроенный набор.",
        "en": "Nothing has been harvested from the sources yet: the embedded set is in use.",
    },
    "data_newest_published": {"ru": "Самая новая вакансия опубликована {date}.",
                              "en": "The newest vacancy was published on {date}."},
    "data_no_dates": {"ru": "Дат публикации в данных нет.", "en": "The data have no publication dates."},
    "data_no_loads": {"ru": "Загрузок ещё не было.", "en": "No loads yet."},
    "data_col_load": {"ru": "№", "en": "#"},
    "data_col_note": {"ru": "Что загружено", "en": "What"},
    "data_col_finished": {"ru": "Когда", "en": "When"},
    "data_col_rows_in": {"ru": "Строк пришло", "en": "Rows in"},
    "data_col_rows_new": {"ru": "Новых", "en": "New"},
    "data_col_rows_replaced": {"ru": "Обновлено", "en": "Updated"},
    "data_col_duplicates": {"ru": "Дубликатов схлопнуто", "en": "Duplicates collapsed"},
    "data_duplicates_note": {
        "ru": "Дубликаты: одна и та же вакансия в одной загрузке (страницы сдвигаются во время выгрузки) "
              "хранится один раз — самая свежая версия.",
        "en": "Duplicates: the same vacancy twice in one load (pages shift while paging) is kept once — "
              "its newest version.",
    },
    "data_flags_header": {"ru": "Исключённые из статистики строки", "en": "Rows set aside from pay statistics"},
    "data_flags_caption": {
        "ru": "Строки не удаляются, а помечаются; у строки может быть несколько причин. "
              "Без зарплаты вакансии учитываются в счёте вакансий на странице «Рынок».",
        "en": "Rows are kept and flagged, not dropped; a row can have several reasons. "
              "Vacancies without pay still count on the Market page.",
    },
    "data_col_reason": {"ru": "Причина", "en": "Reason"},
    "data_col_n_warehouse": {"ru": "Во всём хранилище", "en": "In the warehouse"},
    "data_col_n_selection": {"ru": "В выборке", "en": "In the selection"},
    # Russian names of pipelines.schema.FLAGS; English comes from FLAGS itself (queries_data.flag_label).
    "data_flag_no_salary": {"ru": "зарплата не указана"},
    "data_flag_not_monthly": {"ru": "оплата почасовая, посменная или за вахту, а не в месяц"},
    "data_flag_unknown_currency": {"ru": "валюта без известного курса"},
    "data_flag_below_mrot": {"ru": "полная ставка ниже федерального МРОТ своего года"},
    "data_flag_absurd": {"ru": "зарплата вне правдоподобного месячного диапазона или «от» больше «до»"},
    "data_flag_no_region": {"ru": "место не относится к субъекту РФ"},
    "data_flag_bad_salary": {"ru": "зарплата указана, но не числом (например, словами)"},
    "data_flag_bad_date": {"ru": "дата публикации указана, но не читается как дата"},
    "data_download_header": {"ru": "Скачать выборку", "en": "Download the selection"},
    "data_include_flagged": {
        "ru": "Включить строки, исключённые из статистики (с колонкой flags)",
        "en": "Include rows set aside from statistics (with their flags column)",
    },
    "data_download_rows": {
        "ru": "Строк в файле: {n} (по фильтрам боковой панели). Зарплаты — ₽ в месяц: `pay_*_net_rub` на руки, "
              "`pay_*_gross_rub` до НДФЛ. Ячейки, похожие на формулы, начинаются с апострофа.",
        "en": "The file holds {n} rows matching the sidebar filters. Pay is ₽ per month: `pay_*_net_rub` on hand, "
              "`pay_*_gross_rub` before tax. Cells that look like formulas start with an apostrophe.",
    },
    "data_download_cut": {
        "ru": "Выборка больше лимита: {total} строк, в файл попадут первые {limit} (самые свежие). "
              "Сузьте фильтры или используйте `python -m pipelines` для полной выгрузки.",
        "en": "The selection exceeds the limit: {total} rows, the file holds the newest {limit}. "
              "Narrow the filters or use `python -m pipelines` for a full export.",
    },
    "data_download_csv": {"ru": "Скачать CSV", "en": "Download CSV"},
    "data_download_parquet": {"ru": "Скачать Parquet", "en": "Download Parquet"},
    # headers of the selection's files for Excel (CSV для Excel, .xlsx), one per pipelines.schema.COLUMNS;
    # the plain CSV and Parquet keep the schema's names, which scripts read
    "data_x_source": {"ru": "Источник", "en": "Source"},
    "data_x_source_id": {"ru": "ID в источнике", "en": "ID at the source"},
    "data_x_title": {"ru": "Название вакансии", "en": "Vacancy title"},
    "data_x_employer": {"ru": "Работодатель", "en": "Employer"},
    "data_x_employer_id": {"ru": "ID работодателя", "en": "Employer ID"},
    "data_x_profession": {"ru": "Профессия (код)", "en": "Profession (id)"},
    "data_x_level": {"ru": "Уровень (код)", "en": "Level (id)"},
    "data_x_level_rule": {"ru": "Как определён уровень", "en": "How the level was set"},
    "data_x_professional_roles": {"ru": "Проф. роли hh.ru", "en": "hh.ru professional roles"},
    "data_x_experience": {"ru": "Требуемый опыт (код hh.ru)", "en": "Experience asked (hh.ru id)"},
    "data_x_area_id": {"ru": "ID места hh.ru", "en": "hh.ru area ID"},
    "data_x_city": {"ru": "Место (как в вакансии)", "en": "Place (as published)"},
    "data_x_country": {"ru": "Страна", "en": "Country"},
    "data_x_region_iso": {"ru": "Код региона (ISO 3166-2)", "en": "Region code (ISO 3166-2)"},
    "data_x_region": {"ru": "Регион", "en": "Region"},
    "data_x_federal_district": {"ru": "Федеральный округ", "en": "Federal district"},
    "data_x_salary_from": {"ru": "Зарплата от (как в вакансии)", "en": "Pay from (as published)"},
    "data_x_salary_to": {"ru": "Зарплата до (как в вакансии)", "en": "Pay to (as published)"},
    "data_x_currency": {"ru": "Валюта", "en": "Currency"},
    "data_x_gross": {"ru": "До вычета НДФЛ (gross)", "en": "Before tax (gross)"},
    "data_x_salary_mode": {"ru": "Период оплаты", "en": "Pay period"},
    "data_x_pay_from_net_rub": {"ru": "От, на руки, ₽/мес.", "en": "From, net, ₽/month"},
    "data_x_pay_to_net_rub": {"ru": "До, на руки, ₽/мес.", "en": "To, net, ₽/month"},
    "data_x_pay_from_gross_rub": {"ru": "От, до НДФЛ, ₽/мес.", "en": "From, gross, ₽/month"},
    "data_x_pay_to_gross_rub": {"ru": "До, до НДФЛ, ₽/мес.", "en": "To, gross, ₽/month"},
    "data_x_work_format": {"ru": "Формат работы", "en": "Work format"},
    "data_x_employment": {"ru": "Занятость", "en": "Employment"},
    "data_x_schedule": {"ru": "График", "en": "Schedule"},
    "data_x_published_at": {"ru": "Опубликована (UTC)", "en": "Published (UTC)"},
    "data_x_loaded_at": {"ru": "Загружена (UTC)", "en": "Loaded (UTC)"},
    "data_x_skills": {"ru": "Навыки", "en": "Skills"},
    "data_x_title_tags": {"ru": "Структура оплаты в названии", "en": "Pay structure in the title"},
    "data_x_flags": {"ru": "Почему исключена из статистики", "en": "Why set aside from statistics"},
    "data_download_sheet": {"ru": "Вакансии", "en": "Vacancies"},
    "data_nothing_to_download": {"ru": "Нет строк для этих фильтров.", "en": "No rows match these filters."},
    "data_refresh_header": {"ru": "Обновить с hh.ru", "en": "Refresh from hh.ru"},
    "data_refresh_plan": {
        "ru": "Будет выгружен поиск hh.ru за последние 30 дней: «{text}», регионы: {areas}.",
        "en": "This harvests the hh.ru search of the last 30 days: “{text}”, regions: {areas}.",
    },
    "data_refresh_all_regions": {"ru": "вся Россия", "en": "all of Russia"},
    "data_refresh_button": {"ru": "Обновить", "en": "Refresh"},
    "data_refresh_running": {
        "ru": "Выгрузка с hh.ru: страниц {done} из {total} (всего станет известно по ходу), получено вакансий: {vacancies}",
        "en": "Fetching from hh.ru: {done} of {total} pages (the total grows as slices are probed), "
              "{vacancies} vacancies received",
    },
    "data_refresh_starting": {"ru": "Подключение к hh.ru…", "en": "Connecting to hh.ru…"},
    "data_refresh_done": {
        "ru": "Готово: пришло {rows} вакансий, новых {new}, обновлено {replaced}. {detail}",
        "en": "Done: {rows} vacancies in, {new} new, {replaced} updated. {detail}",
    },
    "data_refresh_nothing_to_search": {
        "ru": "Нечего искать: выберите профессию или введите текст в поле «Название вакансии содержит».",
        "en": "Nothing to search for: pick a profession or type into “Title contains”.",
    },
    "data_refresh_captcha": {
        "ru": "hh.ru требует капчу для анонимного поиска. Задайте переменную окружения VILKA_HH_TOKEN "
              "(токен приложения с dev.hh.ru) и перезапустите приложение.",
        "en": "hh.ru asks for a captcha on anonymous search. Set the environment variable VILKA_HH_TOKEN "
              "(an application token from dev.hh.ru) and restart the app.",
    },
    "data_refresh_user_agent": {
        "ru": "hh.ru отклонил User-Agent. Задайте VILKA_HH_USER_AGENT вида «app/1.0 (you@example.org)» "
              "и перезапустите приложение.",
        "en": "hh.ru rejected the User-Agent. Set VILKA_HH_USER_AGENT like “app/1.0 (you@example.org)” "
              "and restart the app.",
    },
    "data_refresh_network": {
        "ru": "Нет сети: hh.ru недоступен. Данные не изменились; повторите, когда сеть появится. ({detail})",
        "en": "No network: hh.ru is unreachable. The data is unchanged; try again when you are online. ({detail})",
    },
    "data_refresh_rate_limited": {
        "ru": "hh.ru просит снизить частоту запросов (429). Попробуйте позже или уменьшите VILKA_HH_RATE.",
        "en": "hh.ru asks to slow down (429). Try later or lower VILKA_HH_RATE.",
    },
    "data_refresh_refused": {
        "ru": "hh.ru отказал в запросе; данные не изменились. Причина: {detail}",
        "en": "hh.ru refused the request; the data is unchanged. Reason: {detail}",
    },
    "data_refresh_failed": {
        "ru": "Обновление не удалось; данные не изменились. Причина: {detail}",
        "en": "The refresh failed; the data is unchanged. Reason: {detail}",
    },
}
