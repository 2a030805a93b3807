"""UI text of the Offer check page and of the salary-table upload (keys prefixed ``offer_``)."""

TEXT = {
    "page_offer_check": {"ru": "Проверка оффера", "en": "Offer check"},
    "offer_intro": {
        "ru": "Где ваш оффер на рынке: ниже P25, между P25 и P75 или выше P75 — для профессии, уровня и региона.",
        "en": "Where your offer sits in the market — below P25, between P25 and P75, or above P75 — "
              "for a profession, level and region.",
    },
    "offer_sidebar_note": {
        "ru": "Фильтры боковой панели на этой странице не применяются (кроме переключателя цен): ячейка "
              "задаётся полями ниже.",
        "en": "The sidebar filters do not apply on this page (except the roubles switch): the fields below "
              "define the cell.",
    },
    "offer_title": {"ru": "Должность (определим профессию и уровень)",
                    "en": "Job title (we classify profession and level)"},
    "offer_title_help": {"ru": "Например: Senior Account Manager, старший бухгалтер.",
                         "en": "E.g. Senior Account Manager, старший бухгалтер."},
    "offer_classified": {"ru": "«{title}» → {profession} · {level}", "en": "“{title}” → {profession} · {level}"},
    "offer_profession": {"ru": "Профессия", "en": "Profession"},
    "offer_level": {"ru": "Уровень", "en": "Level"},
    "offer_level_any": {"ru": "любой / не указан", "en": "any / not stated"},
    "offer_region": {"ru": "Регион", "en": "Region"},
    "offer_amount": {"ru": "Сумма оффера, ₽", "en": "Offer, ₽"},
    "offer_period": {"ru": "За", "en": "Per"},
    "offer_period_month": {"ru": "месяц", "en": "month"},
    "offer_period_year": {"ru": "год", "en": "year"},
    "offer_basis": {"ru": "Сумма указана", "en": "The amount is"},
    "offer_year": {"ru": "Налоговый год", "en": "Tax year"},
    "offer_bad_param": {
        "ru": "Параметр ссылки «{name}» = «{value}» не распознан — взято значение по умолчанию.",
        "en": "Link parameter “{name}” = “{value}” is not valid — the default is used instead.",
    },
    "offer_all_levels": {"ru": "все уровни", "en": "all levels"},
    "offer_district": {"ru": "{name} ФО", "en": "{name} Federal District"},
    "offer_scope_russia": {"ru": "Россия", "en": "Russia"},
    "offer_scope_moscow": {"ru": "Москва", "en": "Moscow"},
    "offer_scope_spb": {"ru": "Санкт-Петербург", "en": "St Petersburg"},
    "offer_scope_russia_ex_moscow": {"ru": "Россия без Москвы", "en": "Russia without Moscow"},
    "offer_widened": {
        "ru": "Мало вакансий (нужно не меньше {min_n}), ячейка расширена: {steps}.",
        "en": "Too few vacancies (at least {min_n} needed), the cell was widened: {steps}.",
    },
    "offer_too_few": {
        "ru": "Слишком мало вакансий даже после расширения (нужно не меньше {min_n}): {steps}.",
        "en": "Too few vacancies even after widening (at least {min_n} needed): {steps}.",
    },
    "offer_verdict_below": {
        "ru": "**Ниже рынка.** {amount} {basis} меньше P25 = {p25}: это {pct} ячейки «{cell}» (n = {n}).",
        "en": "**Below market.** {amount} {basis} is under P25 = {p25}: that is {pct} of the cell "
              "“{cell}” (n = {n}).",
    },
    "offer_verdict_market": {
        "ru": "**В рынке.** {amount} {basis} — между P25 = {p25} и P75 = {p75}: это {pct} ячейки «{cell}» "
              "(n = {n}).",
        "en": "**Market rate.** {amount} {basis} is between P25 = {p25} and P75 = {p75}: that is {pct} of "
              "the cell “{cell}” (n = {n}).",
    },
    "offer_verdict_above": {
        "ru": "**Выше рынка.** {amount} {basis} больше P75 = {p75}: это {pct} ячейки «{cell}» (n = {n}).",
        "en": "**Above market.** {amount} {basis} is over P75 = {p75}: that is {pct} of the cell “{cell}” "
              "(n = {n}).",
    },
    "offer_reference": {
        "ru": "**Ориентир, не вердикт:** {reason} Ближайшая ячейка — «{cell}» (n = {n}, {dates}): там {amount} "
              "{basis} — это {pct}, P25 = {p25}, P75 = {p75}.",
        "en": "**A reference, not a verdict:** {reason} The nearest cell is “{cell}” (n = {n}, {dates}): there "
              "{amount} {basis} is {pct}, P25 = {p25}, P75 = {p75}.",
    },
    "offer_ref_levels": {
        "ru": "для уровня «{levels}» мало вакансий, ячейка включает другие уровни.",
        "en": "the level “{levels}” has too few vacancies, the cell includes other levels.",
    },
    "offer_ref_few": {
        "ru": "в ближайшей ячейке {n} вакансий, а для вердикта нужно не меньше {min_n}.",
        "en": "the nearest cell has {n} vacancies; a verdict needs at least {min_n}.",
    },
    "offer_ref_place": {
        "ru": "в регионе «{place}» и его федеральном округе мало вакансий, ячейка — вся Россия.",
        "en": "“{place}” and its federal district have too few vacancies; the cell is all of Russia.",
    },
    "offer_short_reference": {"ru": "ориентир", "en": "reference"},
    "offer_metric_reference": {"ru": "Ориентир", "en": "Reference"},
    "offer_col_dates": {"ru": "Данные", "en": "Data"},
    "offer_dates": {"ru": "Ячейка: {dates}.", "en": "The cell: {dates}."},
    "offer_stale": {
        "ru": "Самой новой вакансии этой ячейки {months} мес.: рынок мог уйти. Суммы {aged}.",
        "en": "The newest vacancy of this cell is {months} months old: the market may have moved. Amounts are {aged}.",
    },
    "offer_neighbours": {"ru": "Разрешить соседние уровни, если по своему мало данных",
                         "en": "Allow neighbouring levels when the level itself is sparse"},
    "offer_b_no_level": {"ru": "нет данных по уровню", "en": "no data for the level"},
    "offer_b_few": {"ru": "мало данных", "en": "too few data"},
    "offer_thresholds": {
        "ru": "Пороги: ниже P25 — ниже рынка; P25–P75 — в рынке; выше P75 — выше рынка. Перцентиль оффера — "
              "доля вакансий ячейки, чья оценка оплаты не выше оффера (вилки вакансий пересчитаны в точки "
              "калиброванным методом, как на странице «Вилки зарплат»). Вердикт даётся только по ячейке "
              "вашего уровня в вашем регионе или его федеральном округе, где не меньше 10 вакансий; иначе — "
              "ориентир с причиной. Ячейка берёт последние 12 мес. своих данных (при нехватке — 24 мес., затем "
              "все даты), потом расширяется по территории; соседние уровни — только если вы это разрешили.",
        "en": "Thresholds: below P25 — below market; P25–P75 — market; above P75 — above market. The offer's "
              "percentile is the share of the cell's vacancies whose estimated pay is at or below the offer "
              "(vacancy ranges turned into points by the calibrated method, as on the Pay ranges page). A verdict "
              "is given only from a cell of your level in your region or its federal district with at least 10 "
              "vacancies; otherwise a reference with its reason. A cell uses the latest 12 months of its data "
              "(24 months, then all dates when too few), then widens in space; neighbouring levels only when you "
              "allow them.",
    },
    "offer_metric_pct": {"ru": "Перцентиль оффера", "en": "Offer percentile"},
    "offer_metric_verdict": {"ru": "Вердикт", "en": "Verdict"},
    "offer_metric_n": {"ru": "Вакансий в ячейке", "en": "Vacancies in the cell"},
    "offer_short_below": {"ru": "ниже рынка", "en": "below market"},
    "offer_short_market": {"ru": "в рынке", "en": "market"},
    "offer_short_above": {"ru": "выше рынка", "en": "above market"},
    "offer_short_none": {"ru": "нет данных", "en": "no data"},
    "offer_role_cell": {"ru": "Ваша ячейка", "en": "Your cell"},
    "offer_role_level_below": {"ru": "Уровень ниже", "en": "Level below"},
    "offer_role_level_above": {"ru": "Уровень выше", "en": "Level above"},
    "offer_role_capital": {"ru": "Столица", "en": "Capital"},
    "offer_role_russia_ex_moscow": {"ru": "Регионы", "en": "Regions"},
    "offer_role_spb": {"ru": "Петербург", "en": "St Petersburg"},
    "offer_col_role": {"ru": "Сравнение", "en": "Comparison"},
    "offer_col_cell": {"ru": "Ячейка", "en": "Cell"},
    "offer_col_pct": {"ru": "Перцентиль оффера", "en": "Offer percentile"},
    "offer_col_verdict": {"ru": "Вердикт", "en": "Verdict"},
    "offer_not_enough": {"ru": "мало вакансий (n = {n})", "en": "not enough vacancies (n = {n})"},
    "offer_compare_header": {"ru": "Тот же оффер в соседних ячейках", "en": "The same offer in other cells"},
    "offer_fig_title": {
        "ru": "Оффер и рынок, {basis}, ₽/мес.: P10–P90, P25–P75, медиана (n = {n} в вашей ячейке)",
        "en": "Offer vs market, {basis}, ₽/month: P10–P90, P25–P75, median (n = {n} in your cell)",
    },
    "offer_fig_offer": {"ru": "оффер {amount}", "en": "offer {amount}"},
    "offer_tax_header": {"ru": "Оффер до и после НДФЛ ({year})", "en": "The offer before and after tax ({year})"},
    "offer_net_month": {"ru": "На руки, в месяц (в среднем)", "en": "Net per month (average)"},
    "offer_gross_month": {"ru": "До вычета, в месяц", "en": "Gross per month"},
    "offer_net_year": {"ru": "На руки за год", "en": "Net per year"},
    "offer_gross_year": {"ru": "До вычета за год", "en": "Gross per year"},
    "offer_band_starts": {
        "ru": "С {month}-го месяца доход с начала года переходит порог: ставка {rate}, на руки становится меньше.",
        "en": "From month {month} the year-to-date income crosses a threshold: rate {rate}, the monthly net drops.",
    },
    "offer_band_none": {
        "ru": "Весь год ставка НДФЛ {rate}: доход не доходит до следующего порога.",
        "en": "The rate is {rate} all year: the income stays below the next threshold.",
    },
    "offer_schedule": {"ru": "По месяцам", "en": "Month by month"},
    "offer_s_month": {"ru": "Месяц", "en": "Month"},
    "offer_s_gross": {"ru": "До вычета", "en": "Gross"},
    "offer_s_tax": {"ru": "НДФЛ", "en": "Tax"},
    "offer_s_net": {"ru": "На руки", "en": "Net"},
    "offer_s_rate": {"ru": "Ставка", "en": "Rate"},
    "offer_tax_note": {
        "ru": "НДФЛ прогрессивный и считается по доходу с начала года; районные коэффициенты, северные "
              "надбавки и вычеты не учтены.",
        "en": "NDFL is progressive on the year-to-date income; regional coefficients, northern allowances and "
              "deductions are not included.",
    },
    "offer_upload_header": {"ru": "Сравнить таблицу зарплат с рынком", "en": "Benchmark a salary table"},
    "offer_upload": {"ru": "Файл CSV или Excel (.xlsx), до 20 МБ; кнопка «Upload» — выбрать файл",
                     "en": "CSV or Excel (.xlsx) file, up to 20 MB"},
    "offer_upload_help": {
        "ru": "Столбцы: должность, регион, сумма; необязательно — база (на руки / до вычета; без неё суммы "
              "считаются на руки) и период (месяц / год). CSV: разделитель «,» или «;», кодировка UTF-8 или "
              "Windows-1251. Excel: читается первый лист. Файл не сохраняется.",
        "en": "Columns: title, region, amount; optional basis (net / gross; without it amounts are read as "
              "net) and period (month / year). CSV: separator “,” or “;”, UTF-8 or Windows-1251. Excel: the "
              "first sheet is read. The file is not stored.",
    },
    "offer_upload_read": {
        "ru": "Прочитано строк: {n}; кодировка {encoding}, разделитель «{sep}».",
        "en": "Rows read: {n}; encoding {encoding}, separator “{sep}”.",
    },
    "offer_upload_read_xlsx": {
        "ru": "Прочитано строк: {n}; файл Excel, лист «{sheet}».",
        "en": "Rows read: {n}; Excel workbook, sheet “{sheet}”.",
    },
    "offer_upload_basis_note": {
        "ru": "В файле нет столбца «база» (на руки / до вычета НДФЛ), поэтому суммы по умолчанию считаются "
              "**на руки** (net). Если в файле суммы до вычета НДФЛ (gross), выберите это ниже — сравнение "
              "с рынком пересчитается.",
        "en": "The file has no basis column (net / gross), so its amounts are read as **on hand** (net) by "
              "default. If they are before tax (gross), choose that below and the comparison is redone.",
    },
    "offer_upload_basis": {"ru": "Суммы в файле", "en": "Amounts in the file"},
    "offer_upload_basis_header": {
        "ru": "Столбца «база» нет; база взята из заголовка суммы: {basis}.",
        "en": "No basis column; the basis comes from the amount's header: {basis}.",
    },
    "offer_upload_skipped": {"ru": "Пропущено строк: {n}.", "en": "Rows skipped: {n}."},
    "offer_upload_more": {"ru": "… и ещё {n}.", "en": "… and {n} more."},
    "offer_download": {"ru": "Скачать результат (CSV)", "en": "Download the result (CSV)"},
    "offer_download_sheet": {"ru": "Сравнение с рынком", "en": "Market benchmark"},
    "offer_b_row": {"ru": "Строка", "en": "Row"},
    "offer_b_title": {"ru": "Должность", "en": "Title"},
    "offer_b_region": {"ru": "Регион", "en": "Region"},
    "offer_b_monthly": {"ru": "В месяц", "en": "Per month"},
    # upload errors: the whole file
    "offer_err_too_big": {
        "ru": "Файл весит {size} МБ, а допустимо не больше {limit} МБ.",
        "en": "The file is {size} MB; the limit is {limit} MB.",
    },
    "offer_err_empty": {"ru": "Файл пустой.", "en": "The file is empty."},
    "offer_err_no_text": {"ru": "В файле только разделители, текста нет.",
                          "en": "The file holds only separators and no text."},
    "offer_err_cell_too_long": {
        "ru": "В строке {row} ячейка длиннее {limit} символов: проверьте кавычки (незакрытая \" склеивает "
              "остаток файла в одну ячейку).",
        "en": "Row {row} has a cell longer than {limit} characters: check the quotes (an unclosed \" joins "
              "the rest of the file into one cell).",
    },
    "offer_err_csv": {"ru": "Строку {row} не удалось прочитать как CSV: проверьте кавычки и разделитель.",
                      "en": "Row {row} cannot be read as CSV: check the quotes and the separator."},
    "offer_err_xlsx_broken": {
        "ru": "Файл Excel повреждён или это не .xlsx: открыть его не удалось. Откройте его в Excel и сохраните "
              "заново как .xlsx или «CSV UTF-8».",
        "en": "The Excel file is damaged or not an .xlsx: it cannot be opened. Open it in Excel and save it "
              "again as .xlsx or “CSV UTF-8”.",
    },
    "offer_err_xlsx_encrypted": {
        "ru": "Файл Excel защищён паролем, прочитать его нельзя. Снимите пароль (Файл → Сведения → Защита "
              "книги → Зашифровать с использованием пароля → очистить поле) и загрузите файл снова.",
        "en": "The Excel file is password-protected and cannot be read. Remove the password (File → Info → "
              "Protect Workbook → Encrypt with Password → clear it) and upload the file again.",
    },
    "offer_err_xls": {
        "ru": "Это файл старого формата Excel (.xls) или другой документ Office. Сохраните его как .xlsx "
              "или «CSV UTF-8».",
        "en": "This is an old-format Excel file (.xls) or another Office document. Save it as .xlsx or "
              "“CSV UTF-8”.",
    },
    "offer_err_xlsx_empty": {
        "ru": "Первый лист книги Excel пустой. Таблица зарплат должна быть на первом листе.",
        "en": "The first sheet of the Excel workbook is empty. The salary table must be on the first sheet.",
    },
    "offer_err_xlsx_unpacked": {
        "ru": "Файл Excel распаковывается больше чем в {limit} МБ — для таблицы зарплат это слишком много "
              "(или файл повреждён).",
        "en": "The Excel file unpacks to more than {limit} MB — too much for a salary table (or it is damaged).",
    },
    "offer_err_xlsx_too_many_rows": {
        "ru": "На первом листе больше {limit} строк с данными; допустимо не больше {limit}.",
        "en": "The first sheet has more than {limit} data rows; the limit is {limit}.",
    },
    "offer_err_encoding": {
        "ru": "Не удалось прочитать текст: файл не в UTF-8 и не в Windows-1251. Сохраните его как «CSV UTF-8».",
        "en": "Cannot read the text: the file is neither UTF-8 nor Windows-1251. Save it as “CSV UTF-8”.",
    },
    "offer_err_no_rows": {"ru": "В файле есть заголовок, но нет строк с данными.",
                          "en": "The file has a header but no data rows."},
    "offer_err_too_many_rows": {
        "ru": "В файле {n} строк, допустимо не больше {limit}.",
        "en": "The file has {n} rows; the limit is {limit}.",
    },
    "offer_err_missing": {
        "ru": "Нет столбцов: {columns}. Ожидаются заголовки: должность, регион, сумма (или зарплата); "
              "по желанию — база и период.",
        "en": "Missing columns: {columns}. Expected headers: title, region, amount (or salary); optional "
              "basis and period.",
    },
    "offer_p_fields": {
        "ru": "строка {row}: {got} полей, а в заголовке {want} — проверьте разделитель и кавычки",
        "en": "row {row}: {got} fields, but the header has {want} — check the separator and the quotes",
    },
    # upload problems: one row
    "offer_p_amount_text": {"ru": "строка {row}: сумма «{value}» — не число",
                            "en": "row {row}: amount '{value}' is not a number"},
    "offer_p_amount_range": {"ru": "строка {row}: сумма «{value}» должна быть больше нуля и меньше миллиарда",
                             "en": "row {row}: amount '{value}' must be above zero and below a billion"},
    "offer_p_region": {"ru": "строка {row}: регион «{value}» не найден среди регионов России",
                       "en": "row {row}: region '{value}' is not a Russian region"},
    "offer_p_basis": {"ru": "строка {row}: база «{value}» — не «на руки» и не «до вычета»",
                      "en": "row {row}: basis '{value}' is neither net nor gross"},
    "offer_p_period": {"ru": "строка {row}: период «{value}» — не «месяц» и не «год»",
                       "en": "row {row}: period '{value}' is neither month nor year"},
    "offer_p_title": {"ru": "строка {row}: пустая должность", "en": "row {row}: the title is empty"},
}
