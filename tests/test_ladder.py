"""Career ladders: the YAML reference, step/overlap arithmetic, widening, and the query on real data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analytics import ladder
from analytics.filters import Filters

PROFS = {"account_manager", "sales_manager", "software_developer"}


def _doc(**rung_overrides) -> dict:
    rung = {"ru": "Старший", "en": "Senior", "professions": ["account_manager"], "levels": ["senior"]}
    rung.update(rung_overrides)
    return {"ladders": {"am": {"ru": "АМ", "en": "AM", "rungs": [
        {"ru": "Аккаунт", "en": "AM", "professions": ["account_manager"], "levels": ["middle"]}, rung]}}}


# ------------------------------------------------------------------------------------------ YAML


def test_shipped_ladders_load_and_cover_the_required_careers():
    lads = ladder.load_ladders()
    assert {"account_management", "sales", "marketing", "software_development", "analytics",
            "project_management"} <= set(lads)
    am = lads["account_management"]
    # "ведущий" titles are `lead`; on this ladder they belong with the seniors (rung 3), and the
    # account-director rung excludes them (test_classify.py::test_account_ladder_rungs)
    assert [r.levels for r in am.rungs] == [("intern", "junior"), ("middle",), ("senior", "lead"),
                                            ("lead", "director"), ("head", "director")]
    assert "ведущ" in am.rungs[3].exclude_titles
    assert am.rungs[1].unlevelled  # plain "Аккаунт-менеджер" without experience is the middle rung
    assert "head of" in am.rungs[-1].titles and "studio" in am.rungs[-1].titles
    sd = lads["software_development"]
    assert [r.levels for r in sd.rungs] == [("intern", "junior"), ("middle",), ("senior",), ("lead",),
                                            ("head", "director")]
    assert set(lads["analytics"].professions) == {"data_analyst", "business_analyst", "system_analyst", "analyst"}


def test_a_good_document_parses():
    lads = ladder.parse_ladders(_doc(titles=["Старший", "Ёлка"]), PROFS)
    rung = lads["am"].rungs[1]
    assert rung.professions == ("account_manager",) and rung.levels == ("senior",)
    assert rung.titles == ("старший", "елка")  # compared lower-case with ё = е, like the SQL side
    assert lads["am"].name("en") == "AM" and rung.name("ru") == "Старший"


@pytest.mark.parametrize("override, message", [
    ({"professions": ["acount_manager"]}, "unknown profession 'acount_manager'"),
    ({"levels": ["senor"]}, "unknown level 'senor'"),
    ({"levels": []}, "levels: must be a non-empty list"),
    ({"en": ""}, "missing display name 'en'"),
    ({"unlevelled": "yes"}, "unlevelled must be true or false"),
    ({"colour": "red"}, "unknown keys ['colour']"),
    ({"titles": [""]}, "titles: must be a non-empty list"),
])
def test_a_bad_rung_is_named_in_the_error(override, message):
    with pytest.raises(ValueError) as err:
        ladder.parse_ladders(_doc(**override), PROFS)
    assert message in str(err.value)
    assert "ladder 'am', rung 2 ('Старший')" in str(err.value)


def test_a_ladder_needs_two_rungs_and_a_file_must_be_yaml(tmp_path):
    with pytest.raises(ValueError, match="at least two rungs"):
        ladder.parse_ladders({"ladders": {"x": {"ru": "x", "en": "x", "rungs": []}}}, PROFS)
    with pytest.raises(ValueError, match="top-level 'ladders:'"):
        ladder.parse_ladders({"rungs": []}, PROFS)
    bad = tmp_path / "ladders.yaml"
    bad.write_text("ladders: [unclosed", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid YAML"):
        ladder.load_ladders(bad, PROFS)


def test_a_typo_in_a_file_stops_loading_with_the_rung_named(tmp_path):
    path = tmp_path / "ladders.yaml"
    path.write_text(
        "ladders:\n  am:\n    ru: АМ\n    en: AM\n    rungs:\n"
        "      - {ru: Младший, en: Junior, professions: [account_manager], levels: [junior]}\n"
        "      - {ru: Старший, en: Senior, professions: [account_manager], levels: [seniour]}\n",
        encoding="utf-8")
    with pytest.raises(ValueError, match=r"rung 2 \('Старший'\): unknown level 'seniour'"):
        ladder.load_ladders(path)  # checked against the real professions.yaml


# ------------------------------------------------------------------------------- steps, overlap


@pytest.mark.parametrize("a, b, expected", [
    ((100, 200), (150, 300), 0.5),   # half of the lower band lies inside the upper one
    ((100, 200), (200, 300), 0.0),   # touching bands
    ((100, 200), (250, 300), 0.0),   # apart
    ((100, 200), (50, 400), 1.0),    # the lower band inside the upper: the step guarantees nothing
    ((100, 200), (120, 160), 0.4),   # upper band narrower, inside
    ((150, 150), (100, 200), 1.0),   # zero-width band inside
    ((150, 150), (160, 200), 0.0),
])
def test_band_overlap_is_a_share_of_the_lower_band(a, b, expected):
    assert ladder.band_overlap(a[0], a[1], b[0], b[1]) == pytest.approx(expected)


def test_band_overlap_is_nan_when_a_band_is_missing():
    assert np.isnan(ladder.band_overlap(100, np.nan, 150, 300))


def _cells(p50s, bands, geo=None, scope="russia", n=None):
    geo = geo or [("russia", None)] * len(p50s)
    return pd.DataFrame({
        "scope": scope, "rung": range(len(p50s)), "p50": p50s,
        "p25": [b[0] for b in bands], "p75": [b[1] for b in bands],
        "geo_kind": [g[0] for g in geo], "geo_value": [g[1] for g in geo],
        "geo_step": [0 if g[0] == geo[0][0] else (1 if g[0] else -1) for g in geo],
        "n": n or [20] * len(p50s),
    })


def test_steps_give_uplift_in_roubles_and_percent_and_the_overlap():
    cells = _cells([100_000, 125_000, 150_000], [(80_000, 120_000), (100_000, 150_000), (160_000, 200_000)])
    s = ladder.steps(cells)
    assert s["rung"].tolist() == [0, 1]
    assert s["uplift_rub"].tolist() == [25_000, 25_000]
    assert s["uplift_pct"].tolist() == pytest.approx([0.25, 0.2])
    assert s["overlap"].tolist() == pytest.approx([0.5, 0.0])  # 100–120 of 80–120; 100–150 vs 160–200
    assert s["same_geo"].all() and s["shown"].all()


def test_a_hidden_rung_leaves_its_steps_empty_and_borrowed_places_give_no_step():
    cells = _cells([100_000, math.nan, 150_000], [(80_000, 120_000), (math.nan, math.nan), (140_000, 160_000)],
                   geo=[("region", "RU-TA"), (None, None), ("russia", None)], scope="RU-TA")
    s = ladder.steps(cells)
    assert s["uplift_pct"].isna().all() and s["overlap"].isna().all() and not s["shown"].any()
    # "Республика Татарстан +56 %" from rungs widened to Russia: no step, "too few data"
    two = _cells([100_000, 156_000], [(90_000, 110_000), (100_000, 140_000)],
                 geo=[("region", "RU-TA"), ("russia", None)], scope="RU-TA")
    s = ladder.steps(two)
    assert not s["same_geo"].iloc[0] and not s["shown"].iloc[0] and np.isnan(s["uplift_pct"].iloc[0])
    lad = ladder.ladders()["account_management"]
    assert ladder.steps_table(s, lad, "ru").iloc[0].tolist()[-1].startswith("мало данных")
    # both in the place itself but one rung under 10 vacancies: no step either
    few = _cells([100_000, 156_000], [(90_000, 110_000), (100_000, 140_000)], scope="RU-TA", n=[40, 9],
                 geo=[("region", "RU-TA"), ("region", "RU-TA")])
    assert not ladder.steps(few)["shown"].iloc[0]
    assert ladder.steps(few.assign(n=[40, 10]))["uplift_pct"].iloc[0] == pytest.approx(0.56)


def test_steps_table_formats_money_with_fmt():
    lad = ladder.ladders()["account_management"]
    cells = _cells([100_000, 125_000] + [math.nan] * 3, [(80_000, 120_000), (100_000, 150_000)]
                   + [(math.nan, math.nan)] * 3)
    table = ladder.steps_table(ladder.steps(cells), lad, "ru")
    first = table.iloc[0].tolist()
    assert "Ассистент / младший аккаунт-менеджер → Аккаунт-менеджер" in first
    assert "+25\u00a0000\u00a0₽" in first and "+25\u00a0%" in first and "50\u00a0%" in first
    assert table.iloc[-1].tolist()[4] == "—"  # no uplift between two hidden rungs


# ------------------------------------------------------------------------------------ widening


def _rows(spec):
    """spec: (rung, region_iso, federal_district, n, pay) → rows with two-sided ranges around pay."""
    out = []
    for rung, iso, fd, n, pay in spec:
        for i in range(n):
            p = pay * (1 + 0.01 * i)
            out.append({"rung": rung, "region_iso": iso, "federal_district": fd,
                        "experience": "between1And3" if i % 2 else None, "lo": p / 1.15, "hi": p * 1.15,
                        "published": pd.Timestamp("2022-03-01") + pd.Timedelta(days=i), "month": -1})
    return pd.DataFrame(out, columns=list(ladder.ROW_COLUMNS))


def test_a_sparse_region_widens_to_its_district_then_russia():
    rows = _rows([
        (0, "RU-TA", "Приволжский", 20, 60_000),   # enough in Tatarstan itself
        (1, "RU-TA", "Приволжский", 2, 90_000),    # 2 in Tatarstan + 4 in Bashkortostan = 6 in the district
        (1, "RU-BA", "Приволжский", 4, 80_000),
        (2, "RU-TA", "Приволжский", 1, 150_000),   # 1 + 2 in the district, 3 + 30 in Russia
        (2, "RU-MOW", "Центральный", 30, 200_000),
        (3, "RU-TA", "Приволжский", 1, 300_000),   # 1 in all Russia: not enough anywhere
    ])
    cells = ladder.rung_cells(rows, 4, ["RU-TA"]).set_index("rung")
    assert cells.loc[0, "geo_kind"] == "region" and not cells.loc[0, "widened"] and cells.loc[0, "n"] == 20
    assert cells.loc[1, "geo_kind"] == "federal_district" and cells.loc[1, "n"] == 6
    assert cells.loc[1, "n_asked"] == 2 and cells.loc[1, "widened"]
    assert cells.loc[2, "geo_kind"] == "russia" and cells.loc[2, "n"] == 31
    assert [n for *_, n in cells.loc[2, "trail"]] == [1, 1, 31]
    assert np.isnan(cells.loc[3, "p50"]) and cells.loc[3, "geo_kind"] is None and cells.loc[3, "n"] == 1
    # the experience shares describe the rows the estimate rests on, and sum to 1
    shares = cells.loc[0, [f"exp_{e}" for e in ladder.EXPERIENCE]]
    assert shares.sum() == pytest.approx(1.0) and cells.loc[0, "exp_between1And3"] == pytest.approx(0.5)
    assert cells.loc[0, "first"] == pd.Timestamp("2022-03-01")


def test_counted_rows_give_the_cells_of_the_rows_one_by_one():
    rows = _rows([(0, "RU-TA", "Приволжский", 20, 60_000), (0, "RU-TA", "Приволжский", 20, 60_000),
                  (1, "RU-TA", "Приволжский", 3, 90_000), (1, "RU-BA", "Приволжский", 4, 80_000),
                  (2, "RU-MOW", "Центральный", 12, 200_000), (2, "RU-MOW", "Центральный", 12, 200_000)])
    keys = ["rung", "region_iso", "federal_district", "experience", "lo", "hi", "month"]
    counted = (rows.groupby(keys, dropna=False)["published"].agg(n="size", first="min", last="max")
               .reset_index()[list(ladder.COUNTED_COLUMNS)])
    assert len(counted) < len(rows)  # identical vacancies were counted
    scopes = ["RU-TA", "RU-MOW", ladder.RUSSIA_EX_MOW, ladder.RUSSIA]
    pd.testing.assert_frame_equal(ladder.rung_cells(counted, 3, scopes), ladder.rung_cells(rows, 3, scopes))


def test_the_chart_says_what_was_widened_and_what_is_missing():
    rows = _rows([(0, "RU-TA", "Приволжский", 2, 90_000), (0, "RU-BA", "Приволжский", 4, 80_000),
                  (1, "RU-TA", "Приволжский", 3, 150_000)])
    cells = ladder.rung_cells(rows, 2, ["RU-TA"]).set_index("rung")
    assert ladder.cell_note(cells.loc[0], "ru") == "расширено: Республика Татарстан → Приволжский ФО (n = 6)"
    assert "Republic of Tatarstan" in ladder.cell_note(cells.loc[0], "en")
    short = ladder.cell_note(cells.loc[0], "en", short=True)
    assert short.startswith("widened:") and "Volga FD (n = 6)" in short
    assert ladder.cell_note(cells.loc[1], "en").startswith("not enough vacancies (n = 3)")


def test_moscow_against_the_rest_of_russia():
    rows = _rows([(0, "RU-MOW", "Центральный", 10, 200_000), (0, "RU-TA", "Приволжский", 10, 80_000),
                  (1, "RU-MOW", "Центральный", 10, 300_000), (1, "RU-SPE", "Северо-Западный", 10, 120_000)])
    cells = ladder.rung_cells(rows, 2, ["RU-MOW", ladder.RUSSIA_EX_MOW, ladder.RUSSIA])
    p50 = cells.set_index(["scope", "rung"])["p50"]
    assert p50["RU-MOW", 0] > 180_000 and p50[ladder.RUSSIA_EX_MOW, 0] < 100_000
    assert p50[ladder.RUSSIA_EX_MOW, 1] < 150_000 < p50["RU-MOW", 1]
    assert cells.set_index(["scope", "rung"]).loc[(ladder.RUSSIA, 0), "n"] == 20
    with pytest.raises(ValueError, match="unknown comparison scope"):
        ladder.geo_chain("RU-XXX")


def test_the_figure_titles_basis_unit_and_n_and_marks_hidden_rungs():
    rows = _rows([(0, "RU-MOW", "Центральный", 12, 100_000), (1, "RU-MOW", "Центральный", 2, 150_000)])
    lad = ladder.Ladder("x", "Тест", "Test", (ladder.Rung("Младший", "Junior", ("sales_manager",), ("junior",)),
                                              ladder.Rung("Старший", "Senior", ("sales_manager",), ("senior",))))
    fig = ladder.ladder_figure(ladder.rung_cells(rows, 2, ["RU-MOW"]), lad, "gross", "en")
    title = fig.layout.title.text
    assert "Test" in title and "before tax (gross)" in title and "₽/month" in title and "Moscow 14" in title
    texts = [x for tr in fig.data if getattr(tr, "mode", None) == "text" for x in tr.text]
    assert any(x.startswith("not enough vacancies (n = 2)") for x in texts)
    assert any("n = 12" in x for x in texts)


# ------------------------------------------------------------------------------- real snapshot


@pytest.fixture()
def wh(snapshot_warehouse):
    return str(snapshot_warehouse), snapshot_warehouse.stat().st_mtime


def test_software_ladder_on_the_snapshot_climbs_with_the_rungs(wh):
    from analytics import queries_ladder

    rows = queries_ladder.rung_rows(wh, Filters(), "software_development")
    assert list(rows.columns) == list(ladder.ROW_COLUMNS)
    assert rows["rung"].between(0, 4).all() and len(rows) > 1000
    cells = queries_ladder.ladder_cells(wh, Filters(), "software_development", ("RU-MOW",)).set_index("rung")
    assert (cells.loc[[0, 1, 2], "geo_kind"] == "region").all()  # Moscow has its own data for these rungs
    p50 = cells["p50"]
    assert p50[0] < p50[1] < p50[2]  # junior < middle < senior in Moscow
    assert 40_000 < p50[0] < 150_000 and 150_000 < p50[2] < 400_000  # monthly roubles on hand
    assert (cells.loc[[0, 1, 2], "p50_ci_low"] <= p50[[0, 1, 2]]).all()
    gross = queries_ladder.ladder_cells(wh, Filters(basis="gross"), "software_development", ("RU-MOW",))
    assert (gross["p50"].to_numpy()[:3] > p50.to_numpy()[:3]).all()  # gross > net


def test_the_ladder_overrides_sidebar_profession_level_and_region(wh):
    from analytics import queries_ladder

    plain = queries_ladder.ladder_cells(wh, Filters(), "software_development", ("RU-MOW",))
    other = Filters(professions=("driver",), levels=("director",), regions=("RU-SPE",))
    assert plain["n"].tolist() == queries_ladder.ladder_cells(wh, other, "software_development", ("RU-MOW",))["n"].tolist()
    exp = queries_ladder.ladder_cells(wh, Filters(experience=("noExperience",)), "software_development", ("RU-MOW",))
    assert exp["n_asked"].sum() < plain["n_asked"].sum()  # other shared filters still apply


@pytest.mark.parametrize("filters", [Filters(), Filters(basis="gross", experience=("between1And3",))])
def test_the_page_cells_from_counted_rows_equal_those_from_every_row(wh, filters):
    from analytics import queries_ladder

    scopes = ("RU-MOW", "RU-SPE", "RU-SVE", ladder.RUSSIA_EX_MOW, ladder.RUSSIA)
    for lid, lad in ladder.ladders().items():
        counted = queries_ladder.rung_counted_rows(wh, filters, lid)
        assert list(counted.columns) == list(ladder.COUNTED_COLUMNS)
        rows = queries_ladder.rung_rows(wh, filters, lid)
        assert counted["n"].sum() == len(rows) and len(counted) <= len(rows)
        if len(rows) > 1000:
            assert len(counted) < len(rows)  # ads repeat round numbers: identical rows counted once
        per_row = ladder.rung_cells(rows, len(lad.rungs), scopes)
        pd.testing.assert_frame_equal(queries_ladder.ladder_cells(wh, filters, lid, scopes), per_row)


def test_account_management_is_thin_but_works(wh):
    from analytics import queries_ladder

    rows = queries_ladder.rung_rows(wh, Filters(), "account_management")
    assert 85 <= len(rows) <= 120  # ≈ 102 usable account-manager vacancies in the snapshot
    assert (rows["rung"] == 1).sum() > (rows["rung"] == 2).sum()  # most have no level word → middle
    cells = queries_ladder.ladder_cells(wh, Filters(), "account_management", (ladder.RUSSIA,))
    assert cells.loc[1, "p50"] > 0 and cells["p50"].isna().any()  # top rungs: not enough vacancies


def test_a_rung_uses_the_latest_12_months_of_its_place_then_older_data_before_another_place():
    recent = _rows([(0, "RU-TA", "Приволжский", 6, 120_000)]).assign(month=2025 * 12 + 3)
    old = _rows([(0, "RU-TA", "Приволжский", 10, 60_000)]).assign(month=2022 * 12 + 3)
    cells = ladder.rung_cells(pd.concat([recent, old], ignore_index=True), 1, ["RU-TA"]).set_index("rung")
    assert cells.loc[0, "window"] == 12 and cells.loc[0, "n"] == 6 and cells.loc[0, "geo_kind"] == "region"
    assert cells.loc[0, "p50"] > 115_000  # the 2022 postings are not mixed in
    sparse = pd.concat([recent.iloc[:3], old], ignore_index=True)
    cells = ladder.rung_cells(sparse, 1, ["RU-TA"]).set_index("rung")
    assert cells.loc[0, "window"] == 0 and cells.loc[0, "n"] == 13 and not cells.loc[0, "widened"]
    assert [(w, n) for _, _, w, n in cells.loc[0, "trail"]] == [(12, 3), (24, 3), (0, 13)]
    note = ladder.widen_note(cells.loc[0, "trail"], "ru")
    assert "последние 12 мес. данных" in note and "все даты (n = 13)" in note


def test_rung_title_words_see_titles_typed_with_look_alike_latin_letters(snapshot_warehouse, tmp_path):
    """Every Cyrillic "о" and "а" of the account managers' titles typed as Latin look-alikes
    ("Рукoвoдитель", "Aккаунт") must leave each vacancy on the same rung: the rung words are
    compared with look-alike letters folded, as the classifier compares its rules."""
    import shutil

    import duckdb

    from analytics import queries_ladder

    copy = tmp_path / "lookalike.duckdb"
    shutil.copy(snapshot_warehouse, copy)
    con = duckdb.connect(str(copy))
    changed = con.execute("""UPDATE vacancies SET title = replace(replace(title, 'о', 'o'), 'а', 'a')
                             WHERE profession = 'account_manager' AND regexp_matches(title, '[оа]')""").fetchone()[0]
    con.close()
    assert changed > 50
    before = queries_ladder.rung_rows((str(snapshot_warehouse), snapshot_warehouse.stat().st_mtime),
                                      Filters(), "account_management")
    after = queries_ladder.rung_rows((str(copy), copy.stat().st_mtime), Filters(), "account_management")
    assert before["rung"].value_counts().to_dict() == after["rung"].value_counts().to_dict()
    assert before["rung"].nunique() >= 4  # the top rung, which needs title words, is reached
