TEXT = {
    "page_regions": {"ru": "Регионы", "en": "Regions"},
    "reg_map_title": {
        "ru": "Медиана предлагаемой зарплаты по регионам, {basis}, ₽/мес. (n = {n}); серые — мало данных",
        "en": "Median offered pay by region, {basis}, ₽/month (n = {n}); grey = too little data",
    },
    "reg_map_credit": {
        "ru": "Карта: © участники OpenStreetMap (GIS-Lab, click_that_hood). Крым, Севастополь и новые "
              "регионы на карте отсутствуют — они есть в таблице.",
        "en": "Map: © OpenStreetMap contributors (GIS-Lab, click_that_hood). Crimea, Sevastopol and the "
              "new regions are missing from the map; they are in the table.",
    },
    "reg_filter_note": {
        "ru": "Страница сравнивает все регионы: фильтр «Регион» боковой панели здесь не применяется "
              "(выбранные регионы — в сравнении внизу страницы).",
        "en": "This page compares all regions: the sidebar's region filter does not apply here "
              "(the selected regions are in the comparison at the bottom).",
    },
    "reg_ranking": {"ru": "Рейтинг регионов", "en": "Region ranking"},
    "reg_to_moscow_title": {
        "ru": "Медиана региона к медиане Москвы, {basis} (1 = как в Москве)",
        "en": "Regional median relative to Moscow's, {basis} (1 = same as Moscow)",
    },
    "reg_to_official_title": {
        "ru": "Медиана вакансий к средней зарплате региона по Росстату, {basis} (1 = как в среднем по региону)",
        "en": "Offered median relative to the region's Rosstat average wage, {basis} (1 = the regional average)",
    },
    "reg_official_note": {
        "ru": "Средняя начисленная зарплата Росстата (по всем работникам, gross; для net пересчитана по НДФЛ) "
              "за 12 месяцев по {period}, {aged}. Она выше медианы: среднее тянут вверх высокие зарплаты.",
        "en": "Rosstat's average accrued wage (all employees, gross; converted by NDFL for net), 12 months to {period}, "
              "{aged}. It exceeds the median: high earners pull the mean up.",
    },
    "reg_no_official": {"ru": "Официальные данные о зарплатах недоступны.", "en": "Official wage data unavailable."},
    "reg_capital": {"ru": "Москва и остальные регионы", "en": "Moscow and the other regions"},
    "reg_capital_caption": {
        "ru": "Профессия: {profession}. Москва против всех остальных регионов России.",
        "en": "Profession: {profession}. Moscow against all other Russian regions.",
    },
    "reg_rest": {"ru": "остальные регионы", "en": "other regions"},
    "reg_districts": {"ru": "Федеральные округа", "en": "Federal districts"},
    "reg_compare": {"ru": "Сравнить регионы (до 4)", "en": "Compare regions (up to 4)"},
    "reg_col_region": {"ru": "Регион", "en": "Region"},
    "reg_col_fd": {"ru": "Фед. округ", "en": "Federal district"},
    "reg_col_median": {"ru": "Медиана, ₽", "en": "Median, ₽"},
    "reg_col_to_moscow": {"ru": "к Москве", "en": "to Moscow"},
    "reg_col_to_russia": {"ru": "к России", "en": "to Russia"},
    "reg_col_official": {"ru": "Росстат, ₽", "en": "Rosstat, ₽"},
    "reg_col_to_official": {"ru": "к Росстату", "en": "to Rosstat"},
    "reg_dates": {
        "ru": "Данные: {dates}; суммы {aged}. Каждый регион — последние 12 мес. своих данных (если вакансий "
              "меньше 5 — 24 мес., затем все даты).",
        "en": "Data: {dates}; amounts are {aged}. Each region uses the latest 12 months of its data (24 months, "
              "then all dates when under 5 vacancies).",
    },
    "reg_col_dates": {"ru": "Данные", "en": "Data"},
    "reg_rank_enough": {"ru": "n ≥ {n}", "en": "n ≥ {n}"},
    "reg_rank_few": {"ru": "n < {n}: место в рейтинге неустойчиво", "en": "n < {n}: the rank is unstable"},
}
