"""Rosstat wages: the parsers behind data/reference/rosstat_wages.csv, the shipped table, and the
fetcher of current tables (link discovery, download, TLS with a configured CA) on 127.0.0.1."""

from __future__ import annotations

import io
import shutil
import ssl
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Response

from analytics.regions import latest_wages
from pipelines.reference import regions
from pipelines.sources import rosstat as rs

FIX = Path(__file__).parent / "fixtures" / "rosstat"
SHARED = Path("/work/shared/data")
SECTION = "/labor_market_employment_salaries"
ROOT = Path(__file__).resolve().parents[1]


# ---- parsers (tiny extracts of the shared copies; see fixtures/rosstat/README.md) -------------


def test_monthly_wide_file_becomes_long_rows_without_placeholders():
    df = rs.parse_monthly_wide(FIX / "monthly_sample.cp1251.csv")
    got = df.assign(period=df["period"].dt.strftime("%Y-%m-%d"))[["region_iso", "period", "wage_rub"]]
    assert sorted(got.itertuples(index=False, name=None)) == [
        ("RU-BEL", "2023-10-01", 56285), ("RU-BEL", "2023-11-01", 56081),
        ("RU-KHM", "2023-10-01", 99060), ("RU-KHM", "2023-11-01", 97472),  # "Ханты-Мансийский  авт. округ - Югра"
        ("RU-MOW", "2023-10-01", 134023), ("RU-MOW", "2023-11-01", 128849),  # "г.Москва " (trailing space)
        ("RU-YEV", "2023-10-01", 65917), ("RU-YEV", "2023-11-01", 66974),  # "Еврейская авт.область"
    ]
    assert set(df["kind"]) == {"monthly"} and set(df["source"]) == {rs.SRC_MONTHLY}


def test_annual_file_with_short_names():
    df = rs.parse_annual(FIX / "annual_sample.csv")
    got = {(r.region_iso, r.period.year): r.wage_rub for r in df.itertuples()}
    assert got == {("RU-AD", 2017): 23040, ("RU-MOW", 2017): 78111, ("RU-CU", 2017): 24315,
                   ("RU-AD", 2019): 28920, ("RU-MOW", 2019): 96042, ("RU-CU", 2019): 29516}
    assert (df["period"].dt.strftime("%m-%d") == "01-01").all() and set(df["kind"]) == {"annual_avg"}


def test_russia_file_gives_months_and_the_year():
    df = rs.parse_russia(FIX / "russia_sample.csv").set_index(["kind", "period"])["wage_rub"]
    assert len(df) == 2 * 13
    assert df[("annual_avg", pd.Timestamp("2022-01-01"))] == 65338
    assert df[("monthly", pd.Timestamp("2022-01-01"))] == 55717
    assert df[("monthly", pd.Timestamp("2022-12-01"))] == 88468  # December bonuses


def test_unresolved_region_names_fail_loudly_listing_them(tmp_path):
    bad = tmp_path / "m.csv"
    bad.write_bytes("Месяц;г.Москва ;Атлантида;Гиперборея край\r\n01.01.2022;1;2;3\r\n".encode("cp1251"))
    with pytest.raises(rs.UnresolvedRegions, match=r"\['Атлантида', 'Гиперборея край'\]"):
        rs.parse_monthly_wide(bad)
    ann = tmp_path / "a.csv"
    ann.write_text("2019,Москва,1\n2019,Тартария,2\n", encoding="utf-8")
    with pytest.raises(rs.UnresolvedRegions, match="Тартария"):
        rs.parse_annual(ann)


def test_two_columns_for_one_subject_are_refused(tmp_path):
    bad = tmp_path / "m.csv"
    bad.write_bytes("Месяц;г.Москва ;Москва\r\n01.01.2022;1;2\r\n".encode("cp1251"))
    with pytest.raises(ValueError, match="RU-MOW"):
        rs.parse_monthly_wide(bad)


def test_build_validates_and_formats(tmp_path):
    df = rs.build_wages(FIX / "monthly_sample.cp1251.csv", FIX / "annual_sample.csv", FIX / "russia_sample.csv")
    assert tuple(df.columns) == rs.WAGE_COLUMNS and len(df) == 8 + 6 + 26
    assert df["period"].str.fullmatch(r"\d{4}-\d{2}-01").all() and df["wage_rub"].dtype == "int64"
    with pytest.raises(ValueError, match="duplicate"):
        rs.validate_wages(pd.concat([rs.parse_annual(FIX / "annual_sample.csv")] * 2))


# ---- the shipped table -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def wages() -> pd.DataFrame:
    return rs.official_wages()


def test_shipped_table_covers_every_subject_rosstat_reports(wages):
    monthly = wages[wages["kind"] == "monthly"]
    with_rosstat = set(regions().loc[regions()["rosstat_name"] != "", "iso"])
    assert len(with_rosstat) == 85
    assert set(monthly["region_iso"]) == with_rosstat | {"RU"}
    per_region = monthly[monthly["region_iso"] != "RU"].groupby("region_iso")["period"].agg(["min", "max", "size"])
    assert (per_region["min"] == "2022-01-01").all() and (per_region["max"] == "2023-11-01").all()
    assert (per_region["size"] == 23).all()  # 01.2022–11.2023; the empty 12.2023+ rows are not there
    annual = wages[(wages["kind"] == "annual_avg") & (wages["region_iso"] != "RU")]
    assert annual.groupby(annual["period"].dt.year)["region_iso"].nunique().to_dict() == {
        2005: 82, 2007: 82, 2009: 82, 2011: 83, 2013: 83, 2015: 85, 2017: 85, 2019: 85}


def test_shipped_values_match_the_sources(wages):
    w = wages.set_index(["region_iso", "kind", "period"])["wage_rub"]
    assert w[("RU-MOW", "monthly", pd.Timestamp("2022-01-01"))] == 103124
    assert w[("RU-SPE", "monthly", pd.Timestamp("2023-11-01"))] == 93054
    assert w[("RU-MOW", "annual_avg", pd.Timestamp("2019-01-01"))] == 96042
    assert w[("RU", "annual_avg", pd.Timestamp("2022-01-01"))] == 65338
    assert w[("RU", "monthly", pd.Timestamp("2012-01-01"))] == 23746


def test_official_wages_gives_a_copy():
    mine = rs.official_wages()
    mine.loc[:, "wage_rub"] = 0
    assert (rs.official_wages()["wage_rub"] > 0).all()


@pytest.mark.skipif(not (SHARED / "rosstat").is_dir(), reason="shared Rosstat copies not on this machine")
def test_builder_reproduces_the_shipped_file(tmp_path):
    from scripts.build_rosstat_wages import main

    out = tmp_path / "w.csv"
    assert main([str(SHARED), "--out", str(out)]) == 0
    assert out.read_bytes() == rs.WAGES_FILE.read_bytes()


# ---- latest wages ----------------------------------------------------------------------------


def test_latest_wages_twelve_month_average_only_when_complete():
    months = pd.date_range("2022-01-01", "2023-11-01", freq="MS")
    a = pd.DataFrame({"region_iso": "RU-AD", "period": months, "kind": "monthly",
                      "wage_rub": [1000 * i for i in range(1, 24)]})
    b = pd.DataFrame({"region_iso": "RU-AL", "period": months[-5:], "kind": "monthly", "wage_rub": 100})
    yearly = pd.DataFrame({"region_iso": ["RU-AL"], "period": [pd.Timestamp("2024-01-01")],
                           "kind": ["annual_avg"], "wage_rub": [999]})
    out = latest_wages(pd.concat([a, b, yearly], ignore_index=True)).set_index("region_iso")
    assert out.loc["RU-AD", "period"] == pd.Timestamp("2023-11-01") and out.loc["RU-AD", "wage_rub"] == 23000
    assert out.loc["RU-AD", "wage_12m_rub"] == 17500  # Dec 2022 … Nov 2023: 12 000 … 23 000
    assert out.loc["RU-AD", "months"] == 12
    assert out.loc["RU-AL", "wage_rub"] == 100 and pd.isna(out.loc["RU-AL", "wage_12m_rub"])  # 5 months only
    assert out.loc["RU-AL", "months"] == 5


def test_latest_wages_on_the_shipped_table(wages):
    out = latest_wages(rs.official_wages()).set_index("region_iso")
    assert len(out) == 86 and (out["months"] == 12).all()
    mow = wages[(wages["region_iso"] == "RU-MOW") & (wages["kind"] == "monthly")
                & (wages["period"] >= "2022-12-01")]["wage_rub"]
    assert out.loc["RU-MOW", "wage_rub"] == 128849 and out.loc["RU-MOW", "wage_12m_rub"] == round(mow.mean())
    assert out.loc["RU", "period"] == pd.Timestamp("2022-12-01")


# ---- fetching current tables -----------------------------------------------------------------


def fake_xlsx(name: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", f"<workbook><!-- {name} --></workbook>")
    return buf.getvalue()


TAB2, TAB4 = fake_xlsx("tab2"), fake_xlsx("tab4")


def serve_section(server: HTTPServer) -> None:
    server.expect_request(SECTION).respond_with_data((FIX / "section.html").read_bytes(),
                                                     content_type="text/html; charset=utf-8")
    server.expect_request("/storage/mediabank/tab2-zpl_2024.xlsx").respond_with_data(TAB2)
    server.expect_request("/storage/mediabank/tab4-zpl_2023.xlsx").respond_with_data(TAB4)


def test_table_links_are_found_resolved_and_deduplicated():
    html = (FIX / "section.html").read_text(encoding="utf-8")
    assert rs.table_links(html, "https://rosstat.gov.ru/labor_market_employment_salaries") == [
        "https://rosstat.gov.ru/storage/mediabank/tab2-zpl_2024.xlsx",
        "https://rosstat.gov.ru/storage/mediabank/tab4-zpl_2023.xlsx",
    ]
    assert rs.table_links('<a href="https://x.ru/a/TAB2-ZPL_%D0%B3.XLSX">', "https://y.ru/") == [
        "https://x.ru/a/TAB2-ZPL_%D0%B3.XLSX"]
    assert rs.table_links('<a href="/storage/tab2-zpl_2024.xlsx.pdf">x</a><p>tab4-zpl.xlsx</p>', "https://y.ru/") == []


def test_fetch_downloads_both_tables(httpserver, tmp_path):
    serve_section(httpserver)
    with requests.Session() as s:
        paths = rs.fetch_rosstat_tables(s, httpserver.url_for(SECTION), tmp_path / "rosstat")
    assert [p.name for p in paths] == ["tab2-zpl_2024.xlsx", "tab4-zpl_2023.xlsx"]
    assert paths[0].read_bytes() == TAB2 and paths[1].read_bytes() == TAB4
    asked = [req.path for req, _ in httpserver.log]
    assert asked == [SECTION, "/storage/mediabank/tab2-zpl_2024.xlsx", "/storage/mediabank/tab4-zpl_2023.xlsx"]


def test_an_error_page_instead_of_an_xlsx_is_not_stored(httpserver, tmp_path):
    httpserver.expect_request(SECTION).respond_with_data((FIX / "section.html").read_bytes())
    httpserver.expect_request("/storage/mediabank/tab2-zpl_2024.xlsx").respond_with_data(
        "<html>Доступ ограничен</html>", content_type="text/html")
    with requests.Session() as s, pytest.raises(rs.BadResponse, match="not an xlsx"):
        rs.fetch_rosstat_tables(s, httpserver.url_for(SECTION), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_page_without_the_links_says_so(httpserver, tmp_path):
    httpserver.expect_request(SECTION).respond_with_data("<html><a href='/x.pdf'>x</a></html>")
    with requests.Session() as s, pytest.raises(rs.BadResponse, match="page changed"):
        rs.fetch_rosstat_tables(s, httpserver.url_for(SECTION), tmp_path)


def test_503_is_retried_by_the_default_session(httpserver, tmp_path, monkeypatch):
    monkeypatch.delenv("VILKA_RUSSIAN_CA_BUNDLE", raising=False)
    httpserver.expect_ordered_request(SECTION).respond_with_response(
        Response("busy", 503, headers={"Retry-After": "0"}))
    serve_section(httpserver)
    s = rs.rosstat_session(backoff_factor=0)
    paths = rs.fetch_rosstat_tables(s, httpserver.url_for(SECTION), tmp_path)
    assert len(paths) == 2 and [req.path for req, _ in httpserver.log][:2] == [SECTION, SECTION]


def test_http_errors_and_no_network_are_named(httpserver, tmp_path):
    httpserver.expect_request(SECTION).respond_with_data("gone", status=404)
    with requests.Session() as s:
        with pytest.raises(rs.BadResponse, match="404"):
            rs.fetch_rosstat_tables(s, httpserver.url_for(SECTION), tmp_path)
        with pytest.raises(rs.NetworkError, match="unreachable"):
            rs.fetch_rosstat_tables(s, "http://127.0.0.1:9/x", tmp_path)


# ---- TLS: the Russian Trusted Root CA comes from a file, verification is never off -------------


def test_ca_bundle_setting(monkeypatch, tmp_path):
    monkeypatch.delenv("VILKA_RUSSIAN_CA_BUNDLE", raising=False)
    assert rs.ca_bundle() is True and rs.rosstat_session().verify is True
    monkeypatch.setenv("VILKA_RUSSIAN_CA_BUNDLE", str(tmp_path / "missing.pem"))
    with pytest.raises(rs.RosstatError, match="is not a file"):
        rs.rosstat_session()
    pem = tmp_path / "russian_trusted_root_ca.pem"
    pem.write_text("-----BEGIN CERTIFICATE-----\n", encoding="ascii")
    monkeypatch.setenv("VILKA_RUSSIAN_CA_BUNDLE", str(pem))
    assert rs.rosstat_session().verify == str(pem)


def test_verification_is_never_switched_off():
    src = (ROOT / "pipelines" / "sources" / "rosstat.py").read_text(encoding="utf-8")
    assert "verify=False" not in src.replace(" ", "") and "CERT_NONE" not in src


def _make_ca_and_server_cert(d: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA (standing in for the Russian Trusted Root CA) and a cert for 127.0.0.1 it signed."""
    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)

    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=Test Trusted Root CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", *ec, "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=127.0.0.1")
    (d / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                               "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n")
    run("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "srv.pem", "-days", "2", "-extfile", "ext.cnf")
    return d / "ca.pem", d / "srv.pem", d / "srv.key"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_tls_works_with_the_configured_ca_and_fails_clearly_without_it(tmp_path, monkeypatch):
    ca, cert, key = _make_ca_and_server_cert(tmp_path)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server = HTTPServer(host="127.0.0.1", ssl_context=ctx)
    server.start()
    try:
        serve_section(server)
        url = server.url_for(SECTION)
        assert url.startswith("https://127.0.0.1:")
        monkeypatch.delenv("VILKA_RUSSIAN_CA_BUNDLE", raising=False)
        monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
        monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
        with pytest.raises(rs.NetworkError, match="VILKA_RUSSIAN_CA_BUNDLE"):
            rs.fetch_rosstat_tables(None, url, tmp_path / "out")
        assert not (tmp_path / "out").exists()
        monkeypatch.setenv("VILKA_RUSSIAN_CA_BUNDLE", str(ca))
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/bundle.pem")  # must not override ours
        paths = rs.fetch_rosstat_tables(None, url, tmp_path / "out")
        assert [p.read_bytes() for p in paths] == [TAB2, TAB4]
    finally:
        server.clear()
        if server.is_running():
            server.stop()
