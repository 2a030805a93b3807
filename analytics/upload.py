"""A salary table uploaded as CSV or Excel: read it, check it, say exactly what is wrong.

What people really upload: Excel's "CSV" in Windows-1251 with ";" separators, or the .xlsx workbook
itself; Russian headers, amounts written "150 000", "150 000,50 ₽" or "сто тысяч", bases written "на
руки"/"gross". Everything that can be read is read (CSV's encoding and separator are detected; of a
workbook, the first sheet; headers matched in Russian or English); a row that cannot be used is
skipped and named ("row 4: amount 'сто тысяч' is not a number") — a file that cannot be used at all
raises :class:`BadUpload` naming the problem. Row numbers are spreadsheet rows: the header is row 1.

The basis (on hand or before NDFL) decides which market pay a row is compared with. HR tables often
have no such column: then it is taken from the amount's header when that names it ("Зарплата, gross"),
otherwise every row is read as net — the most common way Russian pay is quoted — and
``attrs["basis_from"] == "default"`` tells the page to say so and offer the switch
(:func:`with_basis`). A guessed basis is never silent.

The data stays in memory: nothing here (or in the page) writes it anywhere; the benchmark only reads
the warehouse. Units: amounts in roubles, per month unless the optional period column says year.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import re
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from analytics.i18n import t
from pipelines import reference as _reference

__all__ = ["BadUpload", "Problem", "MAX_BYTES", "MAX_ROWS", "parse_salary_table", "resolve_regions", "with_basis"]

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 10_000
# An .xlsx is a zip: 20 MB of it can unpack to gigabytes. A salary table of MAX_ROWS rows is a few MB of
# XML, so more than this is refused before anything is parsed (zipfile never inflates a member past
# its declared size, so the declared sizes are a real bound).
MAX_UNPACKED = 100 * 1024 * 1024
MAX_COLUMNS = 100  # of a workbook row, read; a salary table has a handful
_EXCEL_LAST_ROW = 1_048_576
SEPARATORS = (",", ";", "\t", "|")
COLUMNS = ("title", "region", "amount")  # required, in this order; "basis" and "period" are optional
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


# ------------------------------------------------------------------------------------------ Excel

ZIP_MAGIC = b"PK\x03\x04"  # .xlsx (and any zip)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and a password-protected .xlsx
# A password-protected .xlsx is not a zip but an OLE container holding the encrypted zip as a stream
# of this name (UTF-16 in the container's directory).
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def _ole_problem(data: bytes) -> BadUpload:
    """What an OLE container is to the person who uploaded it: a locked .xlsx, or an old .xls."""
    return BadUpload("xlsx_encrypted" if _ENCRYPTED in data else "xls")


def _cell_text(value: object) -> str:
    """A workbook value as the text a CSV would hold: 150000.0 → "150000" (so messages quote what
    the person sees), dates in ISO form, empty cells "" ."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return str(value)


def _unpacked_size(data: bytes) -> int:
    """The size the zip declares for its members together; BadUpload when it cannot be opened (zipfile
    raises anything from BadZipFile to NotImplementedError for a damaged directory: all mean "damaged")."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return sum(i.file_size for i in z.infolist())
    except Exception:
        raise BadUpload("xlsx_broken") from None


def _sheet_rows(rows: Iterable[tuple]) -> list[tuple[int, list[str]]]:
    """(spreadsheet row, texts) of the rows that hold any text, each as wide as the header (the first
    such row): a cell right of the header is a note beside the table, not a shifted field — in a
    workbook the columns cannot shift. Stops one row past MAX_ROWS: more is refused anyway."""
    out: list[tuple[int, list[str]]] = []
    width = 0
    for number, values in enumerate(rows, start=1):
        if number > _EXCEL_LAST_ROW:  # only a malformed sheet numbers rows past Excel's last one
            raise BadUpload("xlsx_broken")
        if values.count(None) == len(values):  # fast path: a sheet can be a million empty rows long
            continue
        texts = [_cell_text(v) for v in values]
        if not any(c.strip() for c in texts):
            continue
        if not out:
            while texts and not texts[-1].strip():
                texts.pop()
            width = len(texts)
        out.append((number, (texts + [""] * width)[:width]))
        if len(out) > MAX_ROWS + 1:
            raise BadUpload("xlsx_too_many_rows", limit=MAX_ROWS)
    return out


def _xlsx_records(data: bytes) -> tuple[list[tuple[int, list[str]]], dict[str, str]]:
    """Rows of the workbook's first sheet, as :func:`_records` gives them for a CSV, and its name.

    Read-only and values-only: a formula gives the value Excel last computed (a file written by a
    program that never computed it gives an empty cell), never its source. Any failure inside the
    workbook — a damaged zip, missing parts, XML that does not parse — is one message, "damaged", not a
    traceback: the file comes from outside, and what exactly broke inside it does not help its owner."""
    from openpyxl import load_workbook  # only an uploaded workbook needs it

    if _unpacked_size(data) > MAX_UNPACKED:
        raise BadUpload("xlsx_unpacked", limit=MAX_UNPACKED // (1024 * 1024))
    try:
        with warnings.catch_warnings():  # "no default style", "extension not supported": not the user's concern
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                if not wb.worksheets:
                    raise BadUpload("xlsx_empty")
                ws = wb.worksheets[0]
                ws.reset_dimensions()  # the stored size can lie; read the cells that are there
                records = _sheet_rows(ws.iter_rows(max_col=MAX_COLUMNS, values_only=True))
                name = str(ws.title)
            finally:
                wb.close()
    except BadUpload:
        raise
    except Exception:  # see the docstring: any fault inside the file is "damaged"
        raise BadUpload("xlsx_broken") from None
    if not records:
        raise BadUpload("xlsx_empty")
    return records, {"sheet": name}


# ------------------------------------------------------------------------------------------ parsing


def _csv_records(data: bytes) -> tuple[list[tuple[int, list[str]]], dict[str, str]]:
    """Rows of a CSV (see :func:`_records`) and how it was read: encoding and separator."""
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
    return records, {"encoding": encoding, "separator": sep}


def _read_records(data: bytes) -> tuple[list[tuple[int, list[str]]], dict[str, str]]:
    """Rows of the file by what its bytes are, not by its name: an .xlsx renamed .csv is still read."""
    if data.startswith(ZIP_MAGIC):
        return _xlsx_records(data)
    if data.startswith(OLE_MAGIC):
        raise _ole_problem(data)
    return _csv_records(data)


def with_basis(table: pd.DataFrame, basis: str) -> pd.DataFrame:
    """``table`` with every row on ``basis``: the person's answer to "are these amounts net or gross?"
    for a file that does not say (``attrs["basis_from"] == "default"``). The input is untouched."""
    out = table.copy()
    out["basis"] = basis
    out.attrs = {**table.attrs, "basis": basis}
    return out


def parse_salary_table(data: bytes) -> tuple[pd.DataFrame, list[Problem]]:
    """CSV or .xlsx bytes → (usable rows, problems of the skipped rows); raises :class:`BadUpload` for a
    bad file.

    Columns out: ``row`` (spreadsheet row, header = 1), ``title``, ``region`` (as written),
    ``region_iso``, ``amount`` (roubles), ``basis`` (net/gross), ``period`` (month/year). ``attrs`` holds
    ``encoding`` and ``separator`` of a CSV or ``sheet`` of a workbook, and ``basis_from``: "column",
    "header" (the amount's header names it) or "default" (nothing says: read as net, see the module
    docstring) — with ``basis``, the one basis of every row, unless it is "column". The size is checked
    before anything is decoded or unpacked.
    """
    if len(data) > MAX_BYTES:
        raise BadUpload("too_big", size=f"{len(data) / 1024 / 1024:.1f}", limit=MAX_BYTES // (1024 * 1024))
    records, attrs = _read_records(data)
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

    if "basis" in where:
        basis_from, fixed_basis = "column", None
    else:  # "Зарплата, gross" says it; a bare "Зарплата" does not, and is read as net (module docstring)
        named = _basis(header[where["amount"]])
        basis_from, fixed_basis = ("header", named) if named else ("default", "net")
    df = pd.DataFrame({"row": [r for r, _ in body], "title": col("title"), "region": col("region"),
                       "amount_text": col("amount"), "basis_text": col("basis"), "period_text": col("period")})
    df["amount"] = [parse_amount(v) for v in df["amount_text"]]
    df["basis"] = [_basis(v) for v in df["basis_text"]] if fixed_basis is None else fixed_basis
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
    out.attrs.update(attrs, basis_from=basis_from, **({"basis": fixed_basis} if fixed_basis else {}))
    return out, problems
