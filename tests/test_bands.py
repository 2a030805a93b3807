"""Pay bands as page and CLI show them: widening of sparse cells, ordering, and the CLI output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analytics import bands, queries
from analytics.filters import Filters
from analytics.ranges import MIN_N_ALL

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wh(snapshot_warehouse):
    return queries.warehouse_key(snapshot_warehouse)


def test_cells_without_region_filter_are_not_widened(wh):
    cells = bands.widened_bands(wh, Filters(professions=("software_developer",)), ("level",), cached=False)
    assert (cells["widening"] == "").all()
    assert list(cells["level"])[:3] == ["intern", "junior", "middle"]  # natural level order


def test_sparse_region_cells_widen_to_district_then_russia(wh):
    f = Filters(professions=("account_manager",), regions=("RU-TA",))
    assert queries.compute_pay_bands(wh, f, ("level",)).empty  # no account managers in Tatarstan
    cells = bands.widened_bands(wh, f, ("level",), cached=False).set_index("level")
    russia = queries.compute_pay_bands(wh, Filters(professions=("account_manager",)), ("level",)).set_index("level")
    middle = cells.loc["middle"]
    assert middle["widening"].startswith("widened: Республика Татарстан (n=0)")
    assert middle["widening"].endswith(f"Россия (n={russia.at['middle', 'n']})")
    assert middle["p50"] == russia.at["middle", "p50"]
    sparse = cells[cells["widening"].str.startswith("too few")]
    assert (sparse["n"] < MIN_N_ALL).all() and sparse["p50"].isna().all()


def test_grouping_by_region_is_never_widened(wh):
    cells = bands.widened_bands(wh, Filters(regions=("RU-MOW", "RU-KAM")), ("region",), cached=False)
    assert set(cells["region"]) == {"RU-MOW", "RU-KAM"}  # ISO codes; labels.region names them
    assert (cells["widening"] == "").all()


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
    assert "No runtime found" not in r.stderr


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
