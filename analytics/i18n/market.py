"""UI text of the Market page (keys prefixed ``market_``; the page title is ``page_market``)."""

TEXT = {
    "page_market": {"ru": "Рынок", "en": "Market"},
    "market_no_vacancies": {
        "ru": "Нет вакансий для этих фильтров. Ослабьте фильтры в боковой панели.",
        "en": "No vacancies match these filters. Loosen the filters in the sidebar.",
    },
    "market_caption": {
        "ru": "Выборка: {n} вакансий (с зарплатой и без), опубликованы {start} … {end}. "
              "Счёт вакансий — по всем строкам; зарплаты — только по пригодным для статистики ({usable}).",
        "en": "Selection: {n} vacancies (with and without pay), published {start} … {end}. "
              "Counts use every row; pay uses only rows fit for statistics ({usable}).",
    },
    "market_tab_demand": {"ru": "Спрос", "en": "Demand"},
    "market_tab_employers": {"ru": "Работодатели и навыки", "en": "Employers and skills"},
    "market_tab_structure": {"ru": "Структура оплаты", "en": "Pay structure"},
    "market_tab_compare": {"ru": "Сравнение профессий", "en": "Compare professions"},
    "market_metric_vacancies": {"ru": "Вакансий", "en": "Vacancies"},
    "market_metric_salary_share": {"ru": "Указывают зарплату", "en": "Publish pay"},
    "market_salary_share_help": {
        "ru": "Доля всех вакансий выборки, где опубликована зарплата: {k} из {n}.",
        "en": "Share of all vacancies in the selection that publish pay: {k} of {n}.",
    },
    "market_metric_remote": {"ru": "Удалённо или гибрид", "en": "Remote or hybrid"},
    "market_no_data": {"ru": "нет данных", "en": "no data"},
    "market_remote_help": {
        "ru": "Доля вакансий с форматом «удалённо» или «гибрид» среди тех, где формат указан: {k} из {n}. "
              "Формат работы hh.ru указывает не у всех вакансий (не указан у {unknown}: они не учтены; "
              "если не указан ни у одной — «нет данных»).",
        "en": "Share of vacancies marked remote or hybrid among those stating a work format: {k} of {n}. "
              "hh.ru does not give a work format for every vacancy (missing for {unknown}: left out; "
              "when none states it — “no data”).",
    },
    "market_freq": {"ru": "Период", "en": "Period"},
    "market_freq_week": {"ru": "по неделям", "en": "weekly"},
    "market_freq_month": {"ru": "по месяцам", "en": "monthly"},
    "market_trend_title_week": {
        "ru": "Вакансии, опубликованные за неделю (n = {n})",
        "en": "Vacancies published per week (n = {n})",
    },
    "market_trend_title_month": {
        "ru": "Вакансии, опубликованные за месяц (n = {n})",
        "en": "Vacancies published per month (n = {n})",
    },
    "market_all_vacancies": {"ru": "все вакансии", "en": "all vacancies"},
    "market_with_salary": {"ru": "с зарплатой", "en": "with pay"},
    "market_vacancies_axis": {"ru": "вакансий", "en": "vacancies"},
    "market_trend_note": {
        "ru": "Число вакансий в хранилище зависит от того, что и когда выгружалось: встроенный набор — "
              "отдельные выгрузки, а не непрерывный поток, поэтому провалы между ними — не спад спроса. "
              "Без даты публикации: {undated}.",
        "en": "How many vacancies the warehouse holds depends on what was harvested and when: the embedded "
              "set is a series of extracts, not a continuous feed, so gaps between them are not a fall in "
              "demand. Without a publication date: {undated}.",
    },
    "market_format_title": {"ru": "Формат работы (n = {n})", "en": "Work format (n = {n})"},
    "market_experience_title": {"ru": "Требуемый опыт (n = {n})", "en": "Experience asked (n = {n})"},
    "market_wf_remote": {"ru": "удалённо", "en": "remote"},
    "market_wf_hybrid": {"ru": "гибрид", "en": "hybrid"},
    "market_wf_on_site": {"ru": "в офисе", "en": "on site"},
    "market_wf_field": {"ru": "разъездной", "en": "field"},
    "market_employers_title": {
        "ru": "Топ-{k} работодателей по числу вакансий; в подписи — медиана предлагаемой зарплаты, "
              "{basis}, ₽/мес. (n = {n})",
        "en": "Top {k} employers by vacancies; labels show the median offered pay, {basis}, ₽/month (n = {n})",
    },
    "market_employers_note": {
        "ru": "Медиана «—»: меньше 5 вакансий этого работодателя с зарплатой.",
        "en": "Median “—”: fewer than 5 of this employer's vacancies publish pay.",
    },
    "market_no_employers": {"ru": "Работодатели не указаны.", "en": "No employers given."},
    "market_skills_header": {"ru": "Ключевые навыки", "en": "Key skills"},
    "market_no_skills": {
        "ru": "Ключевые навыки есть только у вакансий, для которых загружены подробности "
              "(hh.ru /vacancies/{id}); в этой выборке таких нет.",
        "en": "Key skills exist only for vacancies whose details were fetched (hh.ru /vacancies/{id}); "
              "this selection has none.",
    },
    "market_skills_title": {
        "ru": "Самые частые ключевые навыки: число и доля вакансий с загруженными навыками (n = {n})",
        "en": "Most frequent key skills: vacancies and share of those with skills fetched (n = {n})",
    },
    "market_premium_header": {
        "ru": "Надбавка за навык: медиана зарплаты с навыком и без, {basis}, ₽/мес.",
        "en": "Skill premium: median pay with and without the skill, {basis}, ₽/month",
    },
    "market_premium_note": {
        "ru": "Сравниваются только вакансии с загруженными навыками; «без» — работодатель указал навыки, "
              "но не этот. Надбавка показывается при n ≥ {n} с каждой стороны. Это сравнение, а не причина: "
              "навык часто говорит о другой профессии или уровне.",
        "en": "Only vacancies with skills fetched are compared; “without” means the employer listed skills, "
              "just not this one. The premium is shown when n ≥ {n} on both sides. This is a comparison, not "
              "a cause: a skill often signals another profession or level.",
    },
    "market_n_too_small": {"ru": "мало данных (n < {n})", "en": "n too small (< {n})"},
    "market_col_skill": {"ru": "Навык", "en": "Skill"},
    "market_col_n_with": {"ru": "n с навыком", "en": "n with"},
    "market_col_p50_with": {"ru": "Медиана с навыком", "en": "Median with"},
    "market_col_n_without": {"ru": "n без", "en": "n without"},
    "market_col_p50_without": {"ru": "Медиана без", "en": "Median without"},
    "market_col_premium": {"ru": "Надбавка", "en": "Premium"},
    "market_title_only_note": {
        "ru": "Ограничение: в хранилище есть только название вакансии, без текста описания, поэтому "
              "упоминания бонусов, % от продаж и B2B/B2C ищутся только в названии. Обычно их пишут в "
              "описании, так что доли здесь сильно занижены. Правила — data/reference/pay_structure.yaml.",
        "en": "Limitation: the warehouse keeps only the vacancy title, not its description, so bonuses, "
              "% of sales and B2B/B2C are looked for in the title only. Employers usually write them in the "
              "description, so the shares here are far too low. Rules: data/reference/pay_structure.yaml.",
    },
    "market_metric_bonus": {"ru": "Упоминают бонус / % / KPI", "en": "Mention bonus / % / KPI"},
    "market_bonus_help": {
        "ru": "{k} из {n} вакансий выборки упоминают в названии: {rule}.",
        "en": "{k} of {n} vacancies in the selection mention in the title: {rule}.",
    },
    "market_bonus_yes": {"ru": "с бонусом / % в названии", "en": "bonus / % in title"},
    "market_bonus_no": {"ru": "без упоминания", "en": "no mention"},
    "market_bonus_title": {
        "ru": "Зарплата вакансий с упоминанием бонуса / % и без, {basis}, ₽/мес. (n = {n})",
        "en": "Pay of vacancies mentioning a bonus / % and of the rest, {basis}, ₽/month (n = {n})",
    },
    "market_segment_header": {"ru": "B2B и B2C в продажах и работе с клиентами",
                              "en": "B2B and B2C in sales and account roles"},
    "market_segment_none_here": {
        "ru": "В выборке нет вакансий профессий {professions}: сравнение B2B/B2C делается только для них.",
        "en": "The selection has no vacancies of {professions}: the B2B/B2C comparison covers only these.",
    },
    "market_seg_b2b": {"ru": "B2B", "en": "B2B"},
    "market_seg_b2c": {"ru": "B2C", "en": "B2C"},
    "market_seg_both": {"ru": "B2B и B2C", "en": "B2B and B2C"},
    "market_seg_none": {"ru": "не указано", "en": "not stated"},
    "market_segment_title": {
        "ru": "Зарплата по сегменту в названии ({professions}), {basis}, ₽/мес. (n = {n})",
        "en": "Pay by segment named in the title ({professions}), {basis}, ₽/month (n = {n})",
    },
    "market_compare_header": {"ru": "Профессии рядом", "en": "Professions side by side"},
    "market_compare_pick": {"ru": "Профессии для сравнения", "en": "Professions to compare"},
    "market_compare_note": {
        "ru": "Сравнение игнорирует фильтр профессии в боковой панели; остальные фильтры действуют.",
        "en": "The comparison ignores the sidebar's profession filter; the other filters apply.",
    },
    "market_compare_title": {
        "ru": "Предлагаемая зарплата по профессиям, {basis}, ₽/мес.: P10–P90, P25–P75 и медиана (n = {n})",
        "en": "Offered pay by profession, {basis}, ₽/month: P10–P90, P25–P75 and median (n = {n})",
    },
    "market_compare_empty": {"ru": "Выберите хотя бы одну профессию.", "en": "Pick at least one profession."},
    "market_no_pay": {
        "ru": "Нет вакансий с зарплатой для этого сравнения.",
        "en": "No vacancies with pay for this comparison.",
    },
    "market_open_header": {"ru": "Открытые вакансии по неделям", "en": "Open vacancies per week"},
    "market_open_series": {"ru": "открыты в течение недели", "en": "open during the week"},
    "market_closed_series": {"ru": "закрылись за неделю", "en": "closed that week"},
    "market_open_title": {
        "ru": "Вакансии, открытые в течение недели (пн–вс, UTC), вакансий; недель: {weeks}, максимум {peak} "
              "(n = {n} отслеживаемых вакансий)",
        "en": "Vacancies open during each week (Mon–Sun, UTC), vacancies; {weeks} weeks, peak {peak} "
              "(n = {n} tracked vacancies)",
    },
    "market_open_none": {
        "ru": "Жизненного цикла вакансий пока нет: он появляется после полного обновления рынка "
              "(`python -m pipelines refresh`). Встроенный набор — архивные выгрузки: когда его вакансии "
              "закрылись, неизвестно, поэтому выше они считаются только по дате публикации.",
        "en": "No vacancy lifecycle yet: it appears after a full market refresh (`python -m pipelines refresh`). "
              "The embedded set is archived extracts: nobody knows when its vacancies closed, so above they "
              "count by publication date only.",
    },
    "market_open_note": {
        "ru": "Считаются только вакансии, которые vilka видела открытыми сама ({tracked} в выборке, из них "
              "закрыто {closed}), с первой полной выгрузки (неделя {start}). Вакансия открыта с публикации "
              "(или с первого появления, если раньше) до последнего появления в выгрузке — это нижняя оценка. "
              "Закрытой вакансия считается, когда полная выгрузка её региона и роли hh.ru перестала её "
              "находить. Встроенный набор здесь не участвует: у него нет жизненного цикла.",
        "en": "Only vacancies vilka itself saw open count ({tracked} in the selection, {closed} of them closed), "
              "from the first full sweep (week of {start}). A vacancy is open from its publication (or first "
              "sighting, if earlier) to its last sighting — a lower bound. It counts as closed when a complete "
              "sweep of its region and hh role no longer finds it. The embedded set is not included: it has no "
              "lifecycle.",
    },
    "market_close_header": {"ru": "Сколько дней вакансия открыта до закрытия",
                            "en": "Days a vacancy stays open before it closes"},
    "market_close_by": {"ru": "Разрез", "en": "By"},
    "market_close_by_profession": {"ru": "по профессиям", "en": "by profession"},
    "market_close_by_region": {"ru": "по регионам", "en": "by region"},
    "market_close_title_profession": {
        "ru": "Медиана дней до закрытия по профессиям, дней (P25–P75 — отрезок; n = {n} закрытых вакансий)",
        "en": "Median days to close by profession, days (P25–P75 as the whisker; n = {n} closed vacancies)",
    },
    "market_close_title_region": {
        "ru": "Медиана дней до закрытия по регионам, дней (P25–P75 — отрезок; n = {n} закрытых вакансий)",
        "en": "Median days to close by region, days (P25–P75 as the whisker; n = {n} closed vacancies)",
    },
    "market_close_none": {
        "ru": "Закрытых вакансий в выборке пока нет: закрытия видны со второй полной выгрузки рынка.",
        "en": "No closed vacancies in the selection yet: closures show from the second full market sweep.",
    },
    "market_close_note": {
        "ru": "Дни — от публикации (или первого появления, если раньше) до полной выгрузки, которая вакансию "
              "уже не нашла, поэтому срок завышен не более чем на интервал между выгрузками. Считаются только "
              "закрытые: ещё открытые ({open}) не учтены, и для долгих вакансий медиана занижена. Медиана "
              "скрыта при n < {min}.",
        "en": "Days run from publication (or first sighting, if earlier) to the sweep that no longer found the "
              "vacancy, so they overstate by at most the interval between sweeps. Only closed vacancies count: "
              "those still open ({open}) are left out, which understates long-lived ones. The median is hidden "
              "under n = {min}.",
    },
    "market_close_too_few": {"ru": "мало закрытий (n = {n} < {min})", "en": "too few closures (n = {n} < {min})"},
    "market_days": {"ru": "дн.", "en": "days"},
    "market_days_axis": {"ru": "дней до закрытия (медиана)", "en": "days to close (median)"},
}
