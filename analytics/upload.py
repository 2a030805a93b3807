"""A salary table uploaded as CSV: read it, check it, say exactly what is wrong; and export results safely.

What people really upload: Excel's "CSV" in Windows-1251 with ";" separators, Russian headers, amounts
written "150 000", "150 000,50 ₽" or "сто тысяч", bases written "на руки"/"gross". Everything that can be
read is read (the encoding and the separator are detected, headers matched in Russian or English); a
row that cannot be used is skipped and named ("row 4: amount 'сто тысяч' is not a number") — a file that
cannot be used at all raises :class:`BadUpload` naming the problem. Row numbers are spreadsheet rows:
the header is row 1.

The data stays in memory: nothing here (or in the page) writes it anywhere; the benchmark only reads
the warehouse. Units: amounts in roubles, per month unless the optional period column says year.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from dataclasses import dataclass, field

import pandas as pd

from analytics.i18n import t
from pipelines import reference as _reference

__all__ = ["BadUpload", "Problem", "MAX_BYTES", "MAX_ROWS", "parse_salary_table", "resolve_regions"]

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 10_000
SEPARATORS = (",", ";", "\t", "|")
COLUMNS = ("title", "region", "amount", "basis")  # required, in this order
HEADERS: dict[str, tuple[str, ...]] = {  # normalised header → column; Russian and English
    "title": ("title", "должность", "job title", "position", "вакансия", "позиция", "название должности"),
    "region": ("region", "регион", "субъект", "субъект рф", "город", "city"),
    "amount": ("amount", "сумма", "зарплата", "заработная плата", "salary", "оклад", "pay", "зп"),
    "basis": ("basis", "база", "net/gross", "gross/net", "налог", "тип суммы"),
    "period": ("period", "период"),
}
_HEADER_TO_COLUMN = {h: col for col, names in HEADERS.items() for h in names}
_GROSS = ("gross", "гросс", "брутто", "до вычета", "до ндфл", "до налог", "before tax")
_NET = ("net", "нетто", "на руки", "после вычета", "после ндфл", "после налог", "чистыми", "after tax")
_PERIOD = {"month": ("month", "monthly", "мес", "месяц", "в месяц"), "year": ("year", "annual", "yearly",
                                                                          "год", "в год", "годовая")}


class BadUpload(ValueError):
    """The file cannot be used at all; ``message(lang)`` says why in the UI language."""

    def __init__(self, key: str, **kw: object) -> None:
        self.key, self.kw = key, kw
        super().__init__(self.message("en"))

    def message(self, lang: str = "ru") -> str:
        return t(f"offer_err_{self.key}", lang, **self.kw)


@dataclass(frozen=True)
class Problem:
    """One row that was skipped, and why (``key`` of the UI text ``offer_p_<key>``)."""

    row: int
    key: str
    kw: dict = field(default_factory=dict)

    def message(self, lang: str = "ru") -> str:
        return t(f"offer_p_{self.key}", lang, row=self.row, **self.kw)


# ------------------------------------------------------------------------------------------ reading


def _decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1251."""
    if data.startswith(b"PK\x03\x04"):
        raise BadUpload("excel")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise BadUpload("encoding") from None
    try:
        text, name = data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        text, name = "", "Windows-1251"
    if name != "UTF-8":
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError:  # 0x98 is the one byte cp1251 leaves undefined
            raise BadUpload("encoding") from None
        if not _looks_russian(text):
            raise BadUpload("encoding")
    if "\x00" in text:
        raise BadUpload("encoding")
    return text, name


_MIXED = re.compile(r"[a-z][\u0400-\u04ff]|[\u0400-\u04ff][a-z]", re.IGNORECASE)


def _looks_russian(text: str) -> bool:
    """cp1251 decodes nearly any bytes. Accept the result only if its non-ASCII characters are Cyrillic
    and words do not mix scripts — Latin-1 "Café" read as cp1251 is "Cafй", Russian text never is."""
    extra = [c for c in text if ord(c) > 127]
    if sum("\u0400" <= c <= "\u04ff" or c in "№«»—–" for c in extra) < 0.9 * len(extra):
        return False
    words = [w for w in re.findall(r"\w+", text) if not w.isascii()]
    return sum(bool(_MIXED.search(w)) for w in words) <= 0.2 * len(words)


def _separator(header_line: str) -> str:
    """The candidate that splits the header most often (a header has no amounts with decimal commas)."""
    counts = {s: header_line.count(s) for s in SEPARATORS}
    best = max(SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] else ","


def _norm(text: str) -> str:
    text = text.replace("\ufeff", "").strip().strip('"').lower().replace("ё", "е")
    return re.sub(r"\s+", " ", text)


def _header_column(name: str) -> str | None:
    n = _norm(name)
    if n in _HEADER_TO_COLUMN:
        return _HEADER_TO_COLUMN[n]
    head = re.split(r"[,(\[]", n, maxsplit=1)[0].strip()  # "Зарплата, руб." / "amount (RUB)"
    return _HEADER_TO_COLUMN.get(head)


_AMOUNT_JUNK = re.compile(r"(₽|руб\.?(лей|ля|ль)?|р\.|rub|rur|\s|\u00a0|\u202f|')", re.IGNORECASE)
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_amount(text: str) -> float | None:
    """'150 000' / '150 000,50 ₽' / '150,000' / '150к' / '1.5e5' → roubles; None when not a number."""
    s = _AMOUNT_JUNK.sub("", text.lower())
    mult = 1.0
    m = re.fullmatch(r"(.+?)(к|k|тыс\.?)", s)
    if m:
        s, mult = m.group(1), 1000.0
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    elif "," in s and "." in s:
        s = s.replace(".", "").replace(",", ".") if s.rfind(",") > s.rfind(".") else s.replace(",", "")
    else:
        s = s.replace(",", ".")
    try:
        value = float(s) * mult
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _basis(text: str) -> str | None:
    n = _norm(text)
    if any(w in n for w in _GROSS):
        return "gross"
    if any(w in n for w in _NET):
        return "net"
    return None


def _period(text: str) -> str | None:
    n = _norm(text).strip(".")
    if not n:
        return "month"
    return next((p for p, words in _PERIOD.items() if n in words), None)


def resolve_regions(names: pd.Series) -> pd.Series:
    """ISO 3166-2 codes for region names in any spelling, or for city names ("Казань" → RU-TA); NA if unknown."""
    iso = _reference.region_for_name(names)
    missing = iso.isna() & names.notna()
    if missing.any():
        area = _reference.resolve_area_names(names[missing])
        lookup = _reference.area_lookup().set_index("area_id")["region_iso"]
        iso[missing] = area.map(lookup).astype("string")
    return iso


def _records(text: str, sep: str) -> list[tuple[int, list[str]]]:
    """(spreadsheet row, fields) of the rows that hold any text. The csv module refuses a field over
    its limit (131 072 characters; usually an unclosed quote gluing the rest of the file into one
    cell): that is the file's problem, said with the row, not a crash. The limit is process-wide, so
    it is not raised here."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    out = []
    try:
        for i, r in enumerate(reader):
            if any(c.strip() for c in r):
                out.append((i + 1, r))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise BadUpload("cell_too_long", row=reader.line_num, limit=csv.field_size_limit()) from None
        raise BadUpload("csv", row=reader.line_num) from None
    return out


def parse_salary_table(data: bytes) -> tuple[pd.DataFrame, list[Problem]]:
    """CSV bytes → (usable rows, problems of the skipped rows); raises :class:`BadUpload` for a bad file.

    Columns out: ``row`` (spreadsheet row, header = 1), ``title``, ``region`` (as written),
    ``region_iso``, ``amount`` (roubles), ``basis`` (net/gross), ``period`` (month/year). ``attrs`` holds
    ``encoding`` and ``separator``. The size is checked before anything is decoded.
    """
    if len(data) > MAX_BYTES:
        raise BadUpload("too_big", size=f"{len(data) / 1024 / 1024:.1f}", limit=MAX_BYTES // (1024 * 1024))
    if not data.strip():
        raise BadUpload("empty")
    text, encoding = _decode(data)
    if not text.strip():
        raise BadUpload("empty")
    first = next(line for line in text.splitlines() if line.strip())
    sep = _separator(first)
    records = _records(text, sep)
    if not records:
        raise BadUpload("no_text")
    header_row, header = records[0]
    where = {}
    for pos, name in enumerate(header):
        col = _header_column(name)
        if col and col not in where:
            where[col] = pos
    missing = [c for c in COLUMNS if c not in where]
    if missing:
        ru = {c: HEADERS[c][1] for c in COLUMNS}
        raise BadUpload("missing", columns=", ".join(f"{c} ({ru[c]})" for c in missing))
    body = records[1:]
    if not body:
        raise BadUpload("no_rows")
    if len(body) > MAX_ROWS:
        raise BadUpload("too_many_rows", n=len(body), limit=MAX_ROWS)
    problems: list[Problem] = []
    # a row with more or fewer fields than the header would put text into the wrong columns: skip it
    ragged = {r: len(f) for r, f in body if len(f) < len(header) or any(c.strip() for c in f[len(header):])}
    problems += [Problem(r, "fields", {"got": got, "want": len(header)}) for r, got in ragged.items()]
    body = [(r, f) for r, f in body if r not in ragged]

    def col(name: str) -> list[str]:
        return [f[where[name]].strip() if name in where and where[name] < len(f) else "" for _, f in body]

    df = pd.DataFrame({"row": [r for r, _ in body], "title": col("title"), "region": col("region"),
                       "amount_text": col("amount"), "basis_text": col("basis"), "period_text": col("period")})
    df["amount"] = [parse_amount(v) for v in df["amount_text"]]
    df["basis"] = [_basis(v) for v in df["basis_text"]]
    df["period"] = [_period(v) for v in df["period_text"]]
    df["region_iso"] = resolve_regions(df["region"].where(df["region"] != ""))
    bad = pd.Series(False, index=df.index)
    checks = (
        ("title", df["title"] == "", "title"),
        ("amount_text", df["amount"].isna(), "amount_text"),
        ("amount_range", df["amount"].notna() & ~df["amount"].between(0, 1e9, inclusive="neither"), "amount_text"),
        ("region", df["region_iso"].isna(), "region"),
        ("basis", df["basis"].isna(), "basis_text"),
        ("period", df["period"].isna(), "period_text"),
    )
    for key, mask, value_col in checks:
        for i in df.index[mask]:
            problems.append(Problem(int(df.at[i, "row"]), key, {"value": df.at[i, value_col]}))
        bad |= mask
    problems.sort(key=lambda p: p.row)
    out = df.loc[~bad, ["row", "title", "region", "region_iso", "amount", "basis", "period"]].reset_index(drop=True)
    out["amount"] = out["amount"].astype(float)
    out["region_iso"] = out["region_iso"].astype(str)
    out.attrs.update(encoding=encoding, separator=sep)
    return out, problems
