"""Pay bands as page and CLI show them: widening of sparse cells, ordering, and the CLI output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analytics import bands, dating, queries
from analytics.filters import Filters
from analytics.ranges import MIN_N_ALL

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wh(snapshot_warehouse):
    return queries.warehouse_key(snapshot_warehouse)


def test_cells_without_region_filter_are_not_widened_in_space(wh):
    cells = bands.widened_bands(wh, Filters(professions=("software_developer",)), ("level",), cached=False)
    assert {kind for trail in cells["trail"] for kind, *_ in trail} == {"russia"}
    assert list(cells["level"])[:3] == ["intern", "junior", "middle"]  # natural level order


def test_sparse_region_cells_widen_to_district_then_russia(wh):
    f = Filters(professions=("account_manager",), regions=("RU-TA",))
    assert queries.compute_pay_bands(wh, f, ("level",)).empty  # no account managers in Tatarstan
    cells = bands.widened_bands(wh, f, ("level",), cached=False).set_index("level")
    russia = queries.compute_pay_bands(wh, Filters(professions=("account_manager",)), ("level",)).set_index("level")
    middle = cells.loc["middle"]
    assert middle["widening"].startswith("widened: Республика Татарстан (n=0)")
    assert middle["widening"].endswith(f"(n={russia.at['middle', 'n']})") and "Россия" in middle["widening"]
    assert [kind for kind, *_ in middle["trail"]][:2] == ["region", "federal_district"]
    assert middle["p50"] == russia.at["middle", "p50"]
    sparse = cells[cells["widening"].str.startswith("too few")]
    assert (sparse["n"] < MIN_N_ALL).all() and sparse["p50"].isna().all()
    assert dating.trail_note(middle["trail"], "ru").startswith("Республика Татарстан (n = 0) → Приволжский ФО")


def test_grouping_by_region_is_never_widened_in_space_and_keeps_empty_regions(wh):
    f = Filters(professions=("account_manager",), regions=("RU-MOW", "RU-TA", "RU-KAM"))
    cells = bands.widened_bands(wh, f, ("region",), cached=False).set_index("region")
    assert set(cells.index) == {"RU-MOW", "RU-TA", "RU-KAM"}  # ISO codes; labels.region names them
    for iso, trail in cells["trail"].items():
        assert {(kind, place) for kind, place, *_ in trail} == {("region", (iso,))}
    assert cells.at["RU-TA", "n"] == 0 and pd.isna(cells.at["RU-TA", "p50"])  # listed, never dropped
    assert cells.at["RU-MOW", "n"] > 0


def test_every_cell_says_its_publication_window(wh):
    cells = bands.widened_bands(wh, Filters(professions=("software_developer",)), ("level",), cached=False)
    dated = cells[cells["published_from"].notna()]
    assert len(dated) >= 5
    assert (dated["published_from"] <= dated["published_to"]).all()
    recent = dated[dated["window"] == 12]
    assert len(recent) and ((recent["published_to"] - recent["published_from"]).dt.days <= 366).all()
    assert set(cells["window"]) <= {12, 24, 0}


def test_aging_multiplies_pay_by_the_wage_index(wh):
    f = Filters(professions=("software_developer",), regions=("RU-MOW",))
    plain = bands.widened_bands(wh, f, ("level",), cached=False).set_index("level")
    aged = bands.widened_bands(wh, f.with_(aged_to="2029-11"), ("level",), cached=False).set_index("level")
    assert "index_factor" not in plain and (aged["aged_to"] == "2029-11").all()
    middle = aged.loc["middle"]
    assert 1.6 < middle["index_factor"] < 3.5  # every posting is 4+ years older than 2029-11
    assert middle["n"] == plain.at["middle", "n"]
    assert middle["p50"] == pytest.approx(plain.at["middle", "p50"] * middle["index_factor"], rel=0.05)


def test_chart_cells_draws_at_most_k_by_n_and_sets_aside_hidden():
    cells = pd.DataFrame({"g": list("abcd"), "n": [100, 50, 3, 20], "p50": [1.0, 3.0, float("nan"), 2.0]})
    drawn, sparse = bands.chart_cells(cells, max_rows=2)
    assert list(drawn["g"]) == ["b", "a"] and list(sparse["g"]) == ["c"]


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "analytics", *args], cwd=ROOT, capture_output=True,
                          text=True, env=dict(os.environ), timeout=120)


def test_cli_json_matches_the_page_function(wh):
    r = _cli("bands", "--profession", "software_developer", "--region", "RU-MOW", "--group-by", "level",
             "--json", "--warehouse", wh[0])
    assert r.returncode == 0, r.stderr
    rows = {d["level"]: d for d in map(json.loads, r.stdout.splitlines())}
    page = bands.widened_bands(wh, Filters(professions=("software_developer",), regions=("RU-MOW",)),
                               ("level",), cached=False).set_index("level")
    for level in ("junior", "middle", "senior"):
        assert rows[level]["n"] == page.at[level, "n"]
        assert rows[level]["p50"] == pytest.approx(page.at[level, "p50"])
        assert rows[level]["method"] == "calibrated"
        assert rows[level]["published_from"] == str(page.at[level, "published_from"].date())
        assert rows[level]["published_to"] == str(page.at[level, "published_to"].date())
        assert rows[level]["window_months"] == page.at[level, "window"]
        assert "aged_to" not in rows[level] and "index_factor" not in rows[level]
    assert "No runtime found" not in r.stderr


def test_cli_aged_to_echoes_the_month_and_the_factor_per_cell(wh):
    r = _cli("bands", "--profession", "software_developer", "--region", "RU-MOW", "--group-by", "level",
             "--aged-to", "2025-11", "--json", "--warehouse", wh[0])
    assert r.returncode == 0, r.stderr
    rows = {d["level"]: d for d in map(json.loads, r.stdout.splitlines())}
    page = bands.widened_bands(wh, Filters(professions=("software_developer",), regions=("RU-MOW",),
                                           aged_to="2025-11"), ("level",), cached=False).set_index("level")
    for level in ("junior", "middle", "senior"):
        assert rows[level]["aged_to"] == "2025-11"
        assert rows[level]["index_factor"] == pytest.approx(page.at[level, "index_factor"])
        assert rows[level]["p50"] == pytest.approx(page.at[level, "p50"])
    bad = _cli("bands", "--profession", "software_developer", "--aged-to", "11.2025", "--warehouse", wh[0])
    assert bad.returncode == 2 and "expected YYYY-MM" in bad.stderr


def test_cli_gross_is_higher_than_net(wh):
    def median(basis):
        r = _cli("bands", "--profession", "software_developer", "--group-by", "experience", "--basis", basis,
                 "--json", "--warehouse", wh[0])
        return {d["experience"]: d["p50"] for d in map(json.loads, r.stdout.splitlines())}
    net, gross = median("net"), median("gross")
    assert gross["between3And6"] > net["between3And6"] * 1.1


def test_cli_unknown_profession_says_so(wh):
    r = _cli("bands", "--profession", "astronaut", "--warehouse", wh[0])
    assert r.returncode == 1 and "no vacancies" in r.stderr
