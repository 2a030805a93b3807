TEXT = {
    "median_ci_legend": {"ru": "95% ДИ медианы (усы у метки)", "en": "95% CI of the median (whiskers)"},
    "pr_view_raw": {
        "ru": "Показать медианы «от» и «до», как в объявлениях (без оценки)",
        "en": "Show the ads' median “from” and “to” (no estimate)",
    },
    "pr_raw_title": {
        "ru": "Медианы опубликованных границ «от» и «до», {basis}, ₽/мес. (n = {n})",
        "en": "Median published “from” and “to”, {basis}, ₽/month (n = {n})",
    },
    "pr_from": {"ru": "«от»", "en": "“from”"},
    "pr_to": {"ru": "«до»", "en": "“to”"},
    "pr_sparse": {
        "ru": "Мало вакансий (n < 5), на графике не показаны: {cells}.",
        "en": "Too few vacancies (n < 5), not drawn: {cells}.",
    },
    "pr_top": {
        "ru": "На графике — {k} групп с наибольшим числом вакансий из {total}; все — в таблице.",
        "en": "The chart shows the {k} groups with the most vacancies out of {total}; all are in the table.",
    },
    "pr_widened_many": {
        "ru": "Расширено из-за малого числа вакансий (групп: {n} — {groups}); как именно — ниже и в таблице.",
        "en": "Widened for lack of vacancies (groups: {n} — {groups}); how, below and in the table.",
    },
    "pr_widened_details": {"ru": "Как расширены группы", "en": "How the groups were widened"},
    "pr_widened": {
        "ru": "Расширено из-за малого числа вакансий: {notes}.",
        "en": "Widened for lack of vacancies: {notes}.",
    },
    "pr_method_title": {"ru": "Как считаются вилки", "en": "How the ranges are computed"},
    "pr_method": {
        "ru": (
            "Каждая вакансия даёт интервал: «от X до Y», только «от X» или только «до Y». Объявление — обещание: "
            "«от X» значит не меньше X, «до Y» — не больше Y, и оценка никогда не выводит вакансию за её "
            "собственные границы. Внутри каждой группы по вакансиям с обеими границами измеряется типичная "
            "ширина вилки R = до/от (при < 5 таких вакансий — 1,33, медиана по России); вакансия с обеими "
            "границами даёт точку √(от·до), только «от X» — X·√R, только «до Y» — Y/√R. Почему так: «от»-вакансии "
            "на реальных данных hh.ru в 1,2 раза выше по нижней границе, чем двусторонние, а «до»-вакансии в 0,86 "
            "раза ниже по верхней — лучше оплачиваемые работы чаще пишут только «от», хуже оплачиваемые — только "
            "«до», с той же формой вилки. По точкам считаются процентили P10–P90; 95%-й доверительный интервал "
            "медианы — по порядковым статистикам. На синтетической проверке в таком мире ошибка P25/P50/P75 — "
            "≈1,4% при n = 1000 и ≈4% при n = 100 (на уровне неустранимой выборочной ошибки), ДИ медианы "
            "накрывает истину в 96,5% случаев. Проверка чувствительности: если бы одна сторона «от»/«до» была "
            "лишь манерой записи (X·√R/1,2 и Y/(0,86·√R)), оценки были бы ≈3% ниже. "
            "Даты: каждая группа берёт последние 12 мес. своих данных; если вакансий меньше 5 — 24 мес., затем "
            "все даты (и вакансии без даты); только потом расширяется по территории. Индексация: с "
            "переключателем «Зарплаты в ценах …» каждая вакансия умножается на рост средней зарплаты Росстата "
            "в её регионе с месяца публикации (дальше региональных данных — по России, после последнего "
            "опубликованного месяца — по росту за последние 12 мес.); вакансии без даты не индексируются. "
            "Вакансии с почасовой оплатой, ниже МРОТ, с абсурдными суммами или без региона исключены (их число — "
            "на странице «Данные»). Пересчёт net ↔ gross — по прогрессивной шкале НДФЛ года публикации, за "
            "календарный год."
        ),
        "en": (
            "Every vacancy gives an interval: “from X to Y”, “from X” only or “up to Y” only. A posting is a "
            "promise: “from X” means at least X, “up to Y” at most Y, and no estimate puts a vacancy outside its "
            "own bounds. Within each group the typical range width R = to/from is measured on two-sided "
            "vacancies (1.33, the national median, under 5 of them); a two-sided vacancy gives the point "
            "√(from·to), “from X” only gives X·√R and “up to Y” only gives Y/√R. Why: on real hh.ru data the "
            "floors of “from”-only postings sit 1.2× above two-sided floors and the ceilings of “to”-only "
            "postings 0.86× below — better-paid jobs tend to post “from” only, worse-paid ones “to” only, with "
            "ranges shaped alike. Percentiles P10–P90 are taken over those points; the median's 95% confidence "
            "interval uses order statistics. On a synthetic check in that world the error of P25/P50/P75 is "
            "≈1.4% at n = 1000 and ≈4% at n = 100 (the sampling error itself), and the median's interval "
            "covers the truth 96.5% of the time. Sensitivity: if the one-sided floors and ceilings were only a "
            "way of writing (X·√R/1.2 and Y/(0.86·√R)), the estimates would be ≈3% lower. "
            "Dates: each group uses the latest 12 months of its data; under 5 vacancies, 24 months, then all "
            "dates (undated vacancies included); only then does it widen in space. Indexing: with the switch "
            "“Pay in roubles of …” every vacancy is multiplied by the growth of Rosstat's average wage in its "
            "region since its publication month (national beyond the regional series, the last 12 months' "
            "growth after the last published month); undated vacancies are not indexed. Hourly pay, pay below "
            "the minimum wage, absurd sums and rows without a region are left out (counted on the Data page). "
            "Net ↔ gross uses the progressive NDFL scale of the publication year, over the calendar year."
        ),
    },
    "pr_col_group": {"ru": "Группа", "en": "Group"},
    "pr_col_dates": {"ru": "Данные", "en": "Data"},
    "pr_col_window": {"ru": "Период", "en": "Window"},
    "pr_col_factor": {"ru": "Индекс", "en": "Index factor"},
    "pr_col_p50_ci_low": {"ru": "Медиана: 95% ДИ от", "en": "Median 95% CI low"},
    "pr_col_p50_ci_high": {"ru": "Медиана: 95% ДИ до", "en": "Median 95% CI high"},
    "pr_no_data": {"ru": "нет данных", "en": "no data"},
    "pr_empty_cell": {"ru": "{label}: нет данных (n = 0)", "en": "{label}: no data (n = 0)"},
    "pr_aged": {"ru": "Суммы {aged}.", "en": "Amounts are {aged}."},
    "pr_cell_dates": {
        "ru": "Каждая группа считается по последним 12 мес. своих данных, при нехватке — 24 мес., затем по "
              "всем датам: {cells}.",
        "en": "Each group uses the latest 12 months of its data, 24 months or all dates when that is too "
              "few: {cells}.",
    },
    "pr_col_widening": {"ru": "Расширение", "en": "Widening"},
}
