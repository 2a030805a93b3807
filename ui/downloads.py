"""The two downloads for people beside a page's CSV: "CSV для Excel" (``;``, BOM, decimal comma) and
``.xlsx``, both of a table whose headers are in the UI language (the plain CSV keeps machine names).

Both files are built only when their button is pressed (``data`` is a callable): a workbook of the
Data page's export takes seconds, and the page reruns on every input."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from streamlit.delta_generator import DeltaGenerator

from analytics import export
from analytics.i18n import t


def excel_buttons(excel_col: DeltaGenerator, xlsx_col: DeltaGenerator, table: Callable[[], pd.DataFrame],
                  *, stem: str, key: str, sheet: str, lang: str) -> None:
    """Buttons ``{key}_csv_excel`` and ``{key}_xlsx`` giving ``{stem}_excel.csv`` and ``{stem}.xlsx``
    of ``table()``, the workbook's sheet named ``sheet``."""
    excel_col.download_button(t("download_csv_excel", lang), key=f"{key}_csv_excel",
                              data=lambda: export.to_csv_bytes(table(), excel_ru=True),
                              file_name=f"{stem}_excel.csv", mime="text/csv", on_click="ignore",
                              help=t("download_csv_excel_help", lang))
    xlsx_col.download_button(t("download_xlsx", lang), key=f"{key}_xlsx",
                             data=lambda: export.to_xlsx_bytes(table(), sheet),
                             file_name=f"{stem}.xlsx", mime=export.XLSX_MIME, on_click="ignore",
                             help=t("download_xlsx_help", lang))
