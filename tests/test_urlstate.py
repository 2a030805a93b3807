"""Every page's choices round-trip through the URL: a link opened in a new session shows the same
page with the same filters (and so the same numbers); bad values in a link are ignored."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def open_app(snapshot_warehouse, monkeypatch):
    monkeypatch.setenv("VILKA_WAREHOUSE", str(snapshot_warehouse))

    def make(page: str | None = None, **params) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for k, v in params.items():
            at.query_params[k] = v
        at.run()
        if page:
            at.switch_page(page)
            at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return make


def _params(at: AppTest) -> dict:
    return {k: (v if len(v) > 1 else v[0]) if isinstance(v, list) else v for k, v in at.query_params.items()}


def test_sidebar_filters_go_into_the_url_and_come_back(open_app):
    at = open_app("pages/pay_ranges.py")
    at.sidebar.multiselect(key="f_regions").set_value(["RU-MOW", "RU-SPE"])
    at.sidebar.multiselect(key="f_professions").set_value(["account_manager"])
    at.sidebar.radio(key="f_basis").set_value("gross")
    at.sidebar.toggle(key="f_aged").set_value(False)
    at.segmented_control(key="pr_by").set_value("level").run()
    link = _params(at)
    assert link["f_region"] == ["RU-MOW", "RU-SPE"] and link["f_prof"] == "account_manager"
    assert link["f_basis"] == "gross" and link["f_aged"] == "0" and link["by"] == "level"
    table = at.dataframe[0].value

    again = open_app("pages/pay_ranges.py", **{k: v for k, v in at.query_params.items()})
    assert again.sidebar.multiselect(key="f_regions").value == ["RU-MOW", "RU-SPE"]
    assert again.sidebar.multiselect(key="f_professions").value == ["account_manager"]
    assert again.sidebar.radio(key="f_basis").value == "gross"
    assert again.sidebar.toggle(key="f_aged").value is False
    assert again.segmented_control(key="pr_by").value == "level"
    assert again.dataframe[0].value.equals(table)  # same numbers


def test_bad_values_in_a_link_are_ignored(open_app):
    at = open_app("pages/pay_ranges.py", f_region=["RU-MOW", "RU-XX", "<script>"], f_basis="both", by="planet",
                  f_aged="maybe", lang="fr")
    assert at.sidebar.multiselect(key="f_regions").value == ["RU-MOW"]
    assert at.sidebar.radio(key="f_basis").value == "net"
    assert at.segmented_control(key="pr_by").value == "region"
    assert at.sidebar.toggle(key="f_aged").value is True
    assert at.sidebar.radio(key="lang").value == "ru"


def test_language_and_page_choices_of_the_ladder_and_regions(open_app):
    at = open_app("pages/career_ladder.py", lang="en", ladder="software_development", scope=["RU-SPE", "russia"])
    assert at.sidebar.radio(key="lang").value == "en"
    assert at.selectbox(key="ladder_id").value == "software_development"
    assert at.multiselect(key="ladder_scopes").value == ["RU-SPE", "russia"]
    at.multiselect(key="ladder_scopes").set_value(["RU-MOW"]).run()
    assert _params(at)["scope"] == "RU-MOW" and _params(at)["lang"] == "en"

    reg = open_app("pages/regions.py", compare=["RU-TA", "RU-NVS"])
    assert reg.multiselect(key="reg_compare").value == ["RU-TA", "RU-NVS"]


def test_the_offer_page_keeps_the_sidebar_in_the_link(open_app):
    at = open_app("pages/offer_check.py", f_aged="0", amount="90000")
    assert at.sidebar.toggle(key="f_aged").value is False
    assert at.number_input(key="offer_amount").value == 90_000
    params = _params(at)
    assert params["f_aged"] == "0" and params["amount"] == "90000"
