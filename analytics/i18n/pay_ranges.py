TEXT = {
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
    "pr_widened": {
        "ru": "Расширено из-за малого числа вакансий: {notes}.",
        "en": "Widened for lack of vacancies: {notes}.",
    },
    "pr_method_title": {"ru": "Как считаются вилки", "en": "How the ranges are computed"},
    "pr_method": {
        "ru": (
            "Каждая вакансия даёт интервал: «от X до Y», только «от X» или только «до Y». "
            "Медиана «от»/«до» или середина вилки систематически искажают уровень оплаты: "
            "вакансии только с «от» обычно называют сумму, близкую к реальной, а не открытый минимум. "
            "Поэтому внутри каждой группы по вакансиям с обеими границами измеряется типичная ширина "
            "вилки R = до/от; вакансии с обеими границами дают точку √(от·до), только «от X» — X·√R/1,2, "
            "только «до Y» — Y/(0,86·√R) (коэффициенты 1,2 и 0,86 измерены на реальных данных hh.ru). "
            "По этим точкам считаются процентили P10–P90; 95%-й доверительный интервал медианы — по "
            "порядковым статистикам. На синтетической проверке с известной истиной метод ошибается "
            "на ≈1% при n = 1000 и ≈5–6% при n = 100, тогда как «только от» занижает на ≈7%. "
            "Вакансии с почасовой оплатой, ниже МРОТ, с абсурдными суммами или без региона "
            "исключены (их число — на странице «Данные»). Пересчёт net ↔ gross — по прогрессивной "
            "шкале НДФЛ года публикации, за календарный год."
        ),
        "en": (
            "Every vacancy gives an interval: “from X to Y”, “from X” only or “up to Y” only. "
            "The median of the bounds or the midpoint of a range bias pay: “from”-only ads usually "
            "name a sum close to the real pay, not an open floor. So within each group the typical "
            "range width R = to/from is measured on two-sided vacancies; a two-sided vacancy gives the "
            "point √(from·to), “from X” only gives X·√R/1.2 and “up to Y” only gives Y/(0.86·√R) "
            "(1.2 and 0.86 measured on real hh.ru data). Percentiles P10–P90 are taken over those "
            "points; the median's 95% confidence interval uses order statistics. On a synthetic check "
            "with known truth the method is off by ≈1% at n = 1000 and ≈5–6% at n = 100, while "
            "“from only” understates by ≈7%. Hourly pay, pay below the minimum wage, absurd sums and "
            "rows without a region are left out (counted on the Data page). Net ↔ gross uses the "
            "progressive NDFL scale of the publication year, over the calendar year."
        ),
    },
    "pr_col_group": {"ru": "Группа", "en": "Group"},
    "pr_col_widening": {"ru": "Расширение", "en": "Widening"},
}
