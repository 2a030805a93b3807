"""Chart titles fit a phone: wrapped at spaces, never inside a tag."""

from __future__ import annotations

import plotly.graph_objects as go

from ui import charts


def test_wrap_breaks_long_titles_at_spaces():
    title = "Предлагаемая зарплата, на руки (net), ₽/мес.: P10–P90, P25–P75 и медиана (n = 14)"
    lines = charts.wrap(title).split("<br>")
    assert len(lines) > 1 and all(len(line) <= charts.TITLE_CHARS for line in lines)
    assert " ".join(lines) == title


def test_wrap_keeps_markup_whole_and_existing_breaks():
    title = ("Аккаунт-менеджмент: предлагаемая зарплата по ступеням, на руки (net), ₽/мес.<br>"
             "<span style='font-size:12px'>P10–P90, P25–P75, медиана с 95% ДИ; n: Москва 22</span>")
    wrapped = charts.wrap(title)
    assert "<span style='font-size:12px'>" in wrapped and wrapped.count("<span") == 1
    assert wrapped.replace("<br>", " ").replace("  ", " ") != "" and "</span>" in wrapped


def test_fit_makes_room_for_the_lines():
    fig = charts.fit(go.Figure(layout={"title": {"text": "слово " * 30}}))
    lines = fig.layout.title.text.count("<br>") + 1
    assert lines >= 4 and fig.layout.margin.t >= 28 + 20 * lines
    sized = charts.fit(go.Figure(layout={"title": {"text": "слово " * 30}, "height": 300, "margin": {"t": 80}}))
    assert sized.layout.height == 300 + sized.layout.margin.t - 80  # the plot keeps its own height


def test_the_bands_legend_names_the_median_whiskers_when_they_are_drawn():
    import pandas as pd

    from analytics import figures

    cells = pd.DataFrame({"label": ["Москва", "Казань"], "n": [40, 3],
                          "p10": [50e3, None], "p25": [60e3, None], "p50": [70e3, None], "p75": [80e3, None],
                          "p90": [90e3, None], "p50_ci_low": [65e3, None], "p50_ci_high": [75e3, None]})
    names = [tr.name for tr in figures.bands_figure(cells, "label", "net", "ru").data if tr.showlegend is not False]
    assert names == ["P10–P90", "P25–P75", "медиана", "95% ДИ медианы (усы у метки)"]
    en = [tr.name for tr in figures.bands_figure(cells, "label", "net", "en").data]
    assert "95% CI of the median (whiskers)" in en
    no_ci = cells.assign(p50_ci_low=None, p50_ci_high=None)
    assert len([tr for tr in figures.bands_figure(no_ci, "label", "net", "ru").data if tr.name]) == 3


def test_wrap_never_separates_n_from_its_count():
    text = charts.wrap("Медиана дней до закрытия по профессиям, дней (P25–P75 — отрезок; n = 60 закрытых вакансий)")
    assert "n = 60" in text.replace("<br>", "\n") and all(len(line) <= 38 for line in text.split("<br>"))
