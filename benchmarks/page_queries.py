"""What each app page asks the warehouse for with default filters: one entry per page.

The registry is the benchmark's view of the app: an entry calls the cached query functions
(``analytics/queries*.py``) a page calls on a first visit, so figure 4 measures exactly what a
user waits for. Add a page by adding an entry; imports are inside the entries so a page whose
query module is not there yet shows up as "unavailable" instead of breaking the run.
"""

from __future__ import annotations

from collections.abc import Callable

WH = tuple[str, float]


def _filters(**kw):
    """The pages' default filters: pay in roubles of the current month (the sidebar's switch is on)."""
    from analytics import recency
    from analytics.filters import Filters

    return Filters(aged_to=recency.current_month(), **kw)


def _sidebar(wh: WH) -> object:
    from analytics import queries

    return queries.options(wh)


def _pay_ranges(wh: WH) -> object:
    from analytics import queries

    return queries.pay_bands(wh, _filters(), ("region",)), queries.selection_dates(wh, _filters())


def _pay_ranges_filtered(wh: WH) -> object:
    """A filter change: Moscow only, grouped by level (a different cache key, a selective WHERE)."""
    from analytics import queries

    f = _filters(regions=("RU-MOW",))
    return queries.pay_bands(wh, f, ("level",)), queries.selection_dates(wh, f)


def _career_ladder(wh: WH) -> object:
    from analytics import ladder, queries_ladder

    first = next(iter(ladder.ladders()))
    return queries_ladder.ladder_cells(wh, _filters(), first, ladder.PRESET_SCOPES)


def _market(wh: WH) -> object:
    from analytics import queries_market as qm
    from analytics.filters import Filters

    f = Filters()
    return (qm.summary(wh, f), qm.volume(wh, f, "month"), qm.counts(wh, f, "work_format"),
            qm.top_employers(wh, f), qm.top_skills(wh, f), qm.skill_premium(wh, f),
            qm.bonus_mentions(wh, f), qm.segments(wh, f))


def _regions(wh: WH) -> object:
    from analytics import queries

    f = _filters()
    four = ("RU-MOW", "RU-SPE", "RU-SVE", "RU-TA")
    # one scan → region, district and Russia cells
    return (queries.region_cells(wh, f, "region"), queries.region_cells(wh, f, None),
            queries.region_cells(wh, f, "federal_district"),
            queries.latest_official_wages(wh),
            queries.pay_bands(wh, f.with_(professions=("account_manager",)), ("capital",)),
            queries.pay_bands(wh, f.with_(regions=four), ("region", "level")))


def _offer_check(wh: WH) -> object:
    from analytics import offer, queries_offer, recency

    inp = offer.OfferInput(profession="software_developer", level="senior", region="RU-TA",
                           amount=250_000.0, period="month", basis="net", year=2025)
    return queries_offer.choices(wh), queries_offer.check_offer(wh, inp, recency.current_month())


def _data(wh: WH) -> object:
    from analytics import queries, queries_data
    from analytics.filters import Filters

    return (queries.overview(wh), queries_data.sources(wh), queries_data.loads(wh),
            queries_data.flag_counts(wh, Filters()), queries_data.selection_size(wh, Filters(), False))


PAGE_QUERIES: dict[str, Callable[[WH], object]] = {
    "sidebar (every page)": _sidebar,
    "pay_ranges": _pay_ranges,
    "pay_ranges, Moscow by level": _pay_ranges_filtered,
    "career_ladder": _career_ladder,
    "regions": _regions,
    "offer_check": _offer_check,
    "market": _market,
    "data": _data,
}
