"""UI text of the Career ladder page (keys prefixed ``ladder_``, plus the page title)."""

TEXT: dict[str, dict[str, str]] = {
    "page_career_ladder": {"ru": "Карьерная лестница", "en": "Career ladder"},
    "ladder_intro": {
        "ru": "Сколько платят на каждой ступени карьеры и что даёт следующий шаг.",
        "en": "What each rung of a career pays, and what the next step adds.",
    },
    "ladder_dates": {
        "ru": "Данные: вакансии с зарплатой, опубликованные {start} … {end} (на графике — n каждой территории); "
              "суммы {aged}.",
        "en": "Data: vacancies with pay published {start} … {end} (the chart gives each place's n); "
              "amounts are {aged}.",
    },
    "ladder_pick": {"ru": "Лестница", "en": "Ladder"},
    "ladder_scopes": {"ru": "Сравнить территории (до 4)", "en": "Compare places (up to 4)"},
    "ladder_scope_russia": {"ru": "вся Россия", "en": "all Russia"},
    "ladder_scope_russia_ex_mow": {"ru": "Россия без Москвы", "en": "Russia without Moscow"},
    "ladder_scope_russia_ex_mow_spe": {
        "ru": "Россия без Москвы и Санкт-Петербурга", "en": "Russia without Moscow and St Petersburg"},
    "ladder_fd": {"ru": "{name} ФО", "en": "{name} FD"},
    "ladder_widened": {"ru": "расширено: {path} (n = {n})", "en": "widened: {path} (n = {n})"},
    "ladder_widened_short": {"ru": "расширено: {start} →<br>{end} (n = {n})",
                             "en": "widened: {start} →<br>{end} (n = {n})"},
    "ladder_exp_title": {"ru": "Требуемый опыт, доля", "en": "Experience asked, share"},
    "ladder_legend_scope": {"ru": "P25–P75:", "en": "P25–P75:"},
    "ladder_chart_title": {
        "ru": "{ladder}: предлагаемая зарплата по ступеням, {basis}, ₽/мес.<br>"
              "<span style='font-size:12px'>P10–P90, P25–P75, медиана с 95% ДИ; n: {n}</span>",
        "en": "{ladder}: offered pay by rung, {basis}, ₽/month<br>"
              "<span style='font-size:12px'>P10–P90, P25–P75, median with 95% CI; n: {n}</span>",
    },
    "ladder_step_short": {
        "ru": "{pct} ({rub}), перекрытие вилок {overlap}",
        "en": "{pct} ({rub}), bands overlap {overlap}",
    },
    "ladder_steps_header": {"ru": "Шаги между ступенями", "en": "Steps between rungs"},
    "ladder_col_step": {"ru": "Шаг", "en": "Step"},
    "ladder_col_scope": {"ru": "Территория", "en": "Place"},
    "ladder_col_geo": {"ru": "Данные по", "en": "Data from"},
    "ladder_col_rung": {"ru": "Ступень", "en": "Rung"},
    "ladder_col_dates": {"ru": "Данные", "en": "Data"},
    "ladder_col_window": {"ru": "Период", "en": "Window"},
    "ladder_col_from": {"ru": "Медиана ступени", "en": "Median of the rung"},
    "ladder_col_to": {"ru": "Медиана следующей", "en": "Median of the next"},
    "ladder_col_uplift": {"ru": "Прибавка, ₽/мес.", "en": "Uplift, ₽/month"},
    "ladder_col_uplift_pct": {"ru": "Прибавка, %", "en": "Uplift, %"},
    "ladder_col_overlap": {"ru": "Перекрытие вилок P25–P75", "en": "P25–P75 overlap"},
    "ladder_col_note": {"ru": "Примечание", "en": "Note"},
    "ladder_step_few": {
        "ru": "мало данных: у одной из ступеней меньше {min_n} вакансий в этой территории",
        "en": "too few data: a rung has fewer than {min_n} vacancies in this place",
    },
    "ladder_step_few_short": {"ru": "мало данных", "en": "too few data"},
    "ladder_steps_note": {
        "ru": "Прибавка — разница медиан соседних ступеней; она показана, только если у обеих ступеней не меньше "
              "10 вакансий в самой территории (без расширения на округ или Россию). Перекрытие — какая доля "
              "вилки P25–P75 нижней ступени лежит внутри вилки следующей: 100 % — шаг вверх не гарантирует "
              "прибавки, 0 % — вилки не пересекаются.",
        "en": "Uplift is the difference of neighbouring rungs' medians; it is shown only when both rungs have "
              "at least 10 vacancies in the place itself (not widened to the district or Russia). Overlap is "
              "the share of the lower rung's P25–P75 band inside the next rung's band: 100 % means the step up "
              "guarantees nothing, 0 % that the bands are apart.",
    },
    "ladder_override_note": {
        "ru": "Ступени лестницы заменяют фильтры профессии, уровня и региона из боковой панели; "
              "остальные фильтры (зарплата net/gross, опыт, название) действуют. Редкие ступени "
              "сначала берут последние 12 мес. своих данных, затем 24 мес., затем все даты; потом расширяются: регион → "
              "федеральный округ → Россия.",
        "en": "The ladder's rungs replace the sidebar's profession, level and region filters; the "
              "other filters (net/gross, experience, title) apply. Sparse rungs widen: region → "
              "first use the latest 12 months of their data, then 24 months, then all dates; then widen: region → "
              "federal district → Russia.",
    },
    "ladder_method": {
        "ru": "Вилка вакансии — интервал: процентили оценены калиброванной импутацией (analytics.ranges), "
              "ДИ медианы — порядковые статистики, 95 %.",
        "en": "A vacancy's pay is an interval: percentiles by calibrated imputation (analytics.ranges); "
              "the median's CI from order statistics, 95 %.",
    },
    "ladder_rungs_def": {"ru": "Как составлены ступени", "en": "How the rungs are defined"},
}
