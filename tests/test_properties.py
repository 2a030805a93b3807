"""Property-based tests (hypothesis): whatever the outside world sends, the code that reads it answers
with a result or its own clear error, never another exception.

* the normaliser, on any item shape the hh API could send (right types, wrong types, nulls, missing
  fields), keeps every row and flags what does not read;
* the salary-table upload, on any bytes, returns a table or raises ``BadUpload``;
* the Offer check's link parser, on any query parameters, returns a valid input;
* the CSV export, on any text, writes no cell a spreadsheet would run under "," or ";".

Examples are bounded so the file runs in seconds; no example database is written to the repository.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from analytics import export, offer
from analytics.upload import BadUpload, parse_salary_table
from pipelines.flatten import RAW_COLUMNS, search_pages_frame
from pipelines.normalise import dictionary_rates, normalise
from pipelines.schema import COLUMNS, LEVELS
from tests.conftest import FIXTURES
from tests.test_export import formula_cells

RATES = dictionary_rates(FIXTURES.parent.parent / "data" / "reference" / "hh_dictionaries.json")
FAST = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# ------------------------------------------------------------------------------ hh items

json_scalar = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                        st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12))
json_any = st.recursive(json_scalar, lambda kids: st.one_of(st.lists(kids, max_size=3),
                                                            st.dictionaries(st.text(max_size=5), kids, max_size=3)),
                        max_leaves=6)
ids = st.one_of(st.sampled_from(["1", "88", "113", "160", "2", "1001"]), json_any)
amount = st.one_of(st.none(), st.integers(-1000, 10**9), st.floats(allow_nan=False), st.just(float("inf")),
                   st.sampled_from(["80000", " 120000.5 ", "от 50 тысяч", "сто тысяч", "", "  ", "1e400",
                                    "nan", "inf", "50 000", "true"]),
                   json_any)
date = st.one_of(st.none(), st.sampled_from(["2025-03-01T10:00:00+0300", "2021-02-05T09:00:00+0000",
                                            "вчера", "2300-13-45T00:00:00+0300", "", " ", "2025-03-01"]),
                 st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S+0300")), json_any)


def _maybe(inner):
    """A field's value: the right shape, a wrong one, null — or the field is left out (None key)."""
    return st.one_of(inner, json_any, st.just(_MISSING))


_MISSING = object()


def _obj(**fields) -> st.SearchStrategy:
    return st.fixed_dictionaries({k: _maybe(v) for k, v in fields.items()}).map(
        lambda d: {k: v for k, v in d.items() if v is not _MISSING})


id_obj = _obj(id=ids)
hh_item = _obj(
    id=ids, name=st.one_of(st.sampled_from(["Аккаунт-менеджер", "Senior Python developer", "Бухгалтер"]),
                           st.text(max_size=30)),
    employer=_obj(id=ids, name=st.text(max_size=20)), area=_obj(id=ids, name=st.text(max_size=10)),
    salary=_obj(**{"from": amount, "to": amount, "currency": st.sampled_from(["RUR", "USD", "KZT", "XYZ"]),
                   "gross": st.booleans()}),
    salary_range=_obj(**{"from": amount, "to": amount, "currency": st.sampled_from(["RUR", "EUR"]),
                         "gross": st.booleans(), "mode": _obj(id=st.sampled_from(["MONTH", "HOUR", "SHIFT"]))}),
    experience=_obj(id=st.sampled_from(["noExperience", "between1And3", "moreThan6"])),
    employment=_obj(id=st.sampled_from(["full", "part", "project"])),
    schedule=_obj(id=st.sampled_from(["fullDay", "remote", "shift"])),
    work_format=st.lists(_obj(id=st.sampled_from(["REMOTE", "HYBRID", "ON_SITE", "FIELD_WORK"])), max_size=3),
    professional_roles=st.lists(id_obj, max_size=3),
    key_skills=st.lists(_obj(name=st.text(max_size=10)), max_size=3),
    published_at=date,
)


def _get(obj: object, *path: str) -> object:
    for key in path:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


def _text(value: object) -> str | None:
    """A JSON value as a VARCHAR column holds it (what a text-keeping reader hands the normaliser)."""
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _ids(value: object, key: str = "id") -> list[str]:
    return [str(_text(_get(x, key))) for x in value if _get(x, key) is not None] if isinstance(value, list) else []


def raw_row(item: dict) -> dict:
    """The raw row of one item, field by field as ``flatten`` reads them, with the text kept as sent
    (a dump or a text-keeping reader): the salary and date exactly as they were written."""
    def first(*paths):
        for p in paths:
            v = _get(item, *p)
            if v is not None:
                return v
        return None

    gross = first(("salary_range", "gross"), ("salary", "gross"))
    return {
        "source": "hh", "source_id": _text(item.get("id")), "title": _text(item.get("name")),
        "employer": _text(_get(item, "employer", "name")), "employer_id": _text(_get(item, "employer", "id")),
        "area_id": _text(_get(item, "area", "id")), "area_name": _text(_get(item, "area", "name")),
        "salary_from": _text(first(("salary_range", "from"), ("salary", "from"))),
        "salary_to": _text(first(("salary_range", "to"), ("salary", "to"))),
        "currency": _text(first(("salary_range", "currency"), ("salary", "currency"))),
        "gross": gross if isinstance(gross, bool) else None,
        "salary_mode": _text(_get(item, "salary_range", "mode", "id")),
        "experience": _text(_get(item, "experience", "id")), "employment": _text(_get(item, "employment", "id")),
        "schedule": _text(_get(item, "schedule", "id")), "work_format": _ids(item.get("work_format")),
        "professional_roles": _ids(item.get("professional_roles")),
        "skills": _ids(item.get("key_skills"), "name"), "published_at": _text(item.get("published_at")),
    }


def _written(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


@FAST
@given(st.lists(hh_item, min_size=1, max_size=8))
@example([{"id": "1", "name": "Аккаунт-менеджер", "area": {"id": "88"},
           "salary": {"from": "от 50 тысяч", "to": None, "currency": "RUR"}, "published_at": "вчера"}])
def test_normaliser_keeps_every_row_and_flags_what_does_not_read(items):
    raw = pd.DataFrame([raw_row(it) for it in items], columns=list(RAW_COLUMNS))
    out = normalise(raw, rates=RATES)
    assert len(out) == len(raw) and list(out.columns) == list(COLUMNS)
    for (_, r), (_, o) in zip(raw.iterrows(), out.iterrows(), strict=True):
        flags = set(o["flags"].split(",")) - {""}
        for bound in ("salary_from", "salary_to"):
            if _written(r[bound]) and pd.isna(o[bound]):  # written, not read: never a silent NULL
                assert "bad_salary" in flags, (r[bound], flags)
            if pd.notna(o[bound]):
                assert math.isfinite(o[bound])
        if "bad_salary" in flags:
            assert _written(r["salary_from"]) or _written(r["salary_to"])
        if _written(r["published_at"]) and pd.isna(o["published_at"]):
            assert "bad_date" in flags, r["published_at"]
        if "bad_date" in flags:
            assert pd.isna(o["published_at"])
        for col in ("pay_from_net_rub", "pay_to_net_rub", "pay_from_gross_rub", "pay_to_gross_rub"):
            # 1e307 roubles overflows the tax arithmetic, 0.5 rounds to 0: such rows are flagged absurd
            assert pd.isna(o[col]) or o[col] >= 0 and (math.isfinite(o[col]) and o[col] > 0 or "absurd" in flags)


@FAST
@given(items=st.lists(hh_item, min_size=1, max_size=6))
def test_hh_pages_of_any_item_shape_flatten_and_normalise(items, tmp_path_factory):
    """The harvest's own path: stored pages → DuckDB flattening → normaliser, one row per item."""
    page = tmp_path_factory.mktemp("page") / "0.json"
    page.write_text(json.dumps({"items": items, "found": len(items)}, ensure_ascii=False), encoding="utf-8")
    out = normalise(search_pages_frame([page]), rates=RATES)
    assert len(out) == len(items)
    assert out["flags"].map(lambda f: set(f.split(",")) - {""} <= set(_all_flags())).all()


def _all_flags() -> list[str]:
    from pipelines.schema import FLAGS

    return list(FLAGS)


# ------------------------------------------------------------------------------ uploads

_HEADERS = ["title", "region", "amount", "basis", "period", "Должность", "Регион", "Сумма", "База", "зарплата"]
cell = st.one_of(st.sampled_from(["Бухгалтер", "Москва", "Казань", "150 000", "net", "gross", "на руки", "год",
                                  "", "=1+1", '"', '""', "сто тысяч", "-5", "1e400", "x" * 50]),
                 st.text(max_size=15))
table_text = st.tuples(st.sampled_from([",", ";", "\t", "|"]),
                       st.lists(st.sampled_from(_HEADERS), min_size=0, max_size=6),
                       st.lists(st.lists(cell, max_size=7), max_size=8),
                       st.sampled_from(["\n", "\r\n", "\r"])).map(
    lambda t: t[3].join(t[0].join(row) for row in [t[1], *t[2]]))
upload_bytes = st.one_of(
    st.binary(max_size=600),
    st.tuples(table_text, st.sampled_from(["utf-8", "utf-8-sig", "cp1251", "utf-16", "latin-1"])).map(
        lambda t: t[0].encode(t[1], errors="replace")),
)


@FAST
@given(upload_bytes)
@example(b";;;\n;;;\n")
@example(b"title,region,amount,basis\n" + b"x" * 140_000 + b"\n")
@example(b'"' + b"a" * 140_000)
def test_any_upload_is_a_table_or_a_bad_upload(data):
    try:
        table, problems = parse_salary_table(data)
    except BadUpload as err:
        assert err.message("ru") and err.message("en")
        return
    assert set(table.columns) >= {"row", "title", "region_iso", "amount", "basis", "period"}
    assert table["amount"].between(0, 1e9, inclusive="neither").all()
    assert all(p.message("en") and p.message("ru") for p in problems)


# ------------------------------------------------------------------------------ Offer check links

PROFS = ["account_manager", "accountant", "python_developer"]
REGIONS = ["RU-MOW", "RU-SPE", "RU-TA"]
param_value = st.one_of(st.text(max_size=20), st.lists(st.text(max_size=8), max_size=3),
                        st.sampled_from(["1e12", "nan", "-5", "150000", "2025", "١٢٣", "0", "1", "senior",
                                         "RU-TA", "gross", "year", " "]))
params = st.dictionaries(st.one_of(st.sampled_from(offer.URL_PARAMS), st.text(max_size=8)), param_value, max_size=9)


@FAST
@given(params)
def test_any_link_gives_a_valid_offer_input(p):
    inp, title, bad = offer.parse_params(p, PROFS, REGIONS, 2025)
    assert inp.profession in PROFS and inp.region in REGIONS
    assert inp.level in (*LEVELS, "")
    assert math.isfinite(inp.amount) and 0 < inp.amount <= offer.MAX_AMOUNT
    assert inp.period in offer.PERIODS and inp.basis in offer.BASES
    assert 2000 <= inp.year <= 2100 and isinstance(inp.neighbours, bool)
    assert isinstance(title, str) and len(title) <= 200
    assert set(bad) <= set(p)


def test_a_superscript_year_in_a_link_is_a_bad_parameter():
    inp, _, bad = offer.parse_params({"year": "²⁰²⁵"}, PROFS, REGIONS, 2025)
    assert inp.year == 2025 and bad == ["year"]


# ------------------------------------------------------------------------------ CSV export

text_cell = st.one_of(st.none(), st.text(alphabet=st.sampled_from(list("=+-@\t\r\n,;\" 'aб1|!(")), max_size=12),
                      st.text(max_size=12), st.lists(st.text(max_size=5), max_size=3))
frames = st.integers(1, 6).flatmap(lambda n: st.fixed_dictionaries({
    "title": st.lists(text_cell, min_size=n, max_size=n),
    "employer": st.lists(st.text(max_size=12), min_size=n, max_size=n),
    "pay": st.lists(st.floats(allow_nan=True, allow_infinity=False, width=32), min_size=n, max_size=n),
    "n": st.lists(st.integers(-10**6, 10**6), min_size=n, max_size=n),
})).map(pd.DataFrame)


@FAST
@pytest.mark.parametrize("excel_ru", [False, True])
@given(frame=frames)
def test_no_export_cell_starts_a_formula(excel_ru, frame):
    text = export.to_csv_bytes(frame, excel_ru=excel_ru).decode("utf-8-sig")
    assert formula_cells(text) == []
