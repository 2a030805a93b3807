"""People's own hh.ru dumps → the raw rows the normaliser reads, and their import into the
warehouse (``python -m pipelines import FILE...``).

Shapes read, gzip-compressed or not (``auto`` sniffs the content, never the file name):

* ``hh-json`` — raw API items: a search page ``{"items": [...]}``, a list of items or of pages, one
  full vacancy, or JSON Lines of these. They are flattened by the harvest's own DuckDB reader
  (``flatten.search_pages_frame``). A JSON list of flat records (pandas ``to_json``) is read as a table.
* ``hh-csv`` — a table with a header (``,`` ``;`` tab or ``|``): the API items flattened
  (``salary_range.from``, ``area.id``, … and dict cells as pandas prints them), the six-column
  course format (name, salary_from, salary_to, salary_currency, area_name, published_at — a header
  shifted by one column is recognised from the content) and similar exports (``Salary From``,
  ``City``, ``URL``, Russian headers: see ``_ALIASES``).
* ``hh-sqlite`` — an SQLite database holding a vacancy table (its area and employer tables are
  joined by id).

Every shape becomes ``flatten.RAW_COLUMNS`` plus ``dataset`` and goes through the same
``normalise`` as a harvest. A real hh vacancy id (an id column or a ``/vacancy/123`` link) makes a
row ``source = hh``, so it merges with the same vacancy from a harvest; a row without one is
``source = hh_flat`` keyed by a hash of its content (title, employer, place, pay, date), so a
re-import — or another dump holding the same row — updates the row instead of adding it.

A file that cannot be read fails with one line naming it and the cause (``DumpError``), and
nothing is written unless every file given reads: all are parsed first, then loaded into one new
version of the warehouse (``warehouse.writing``).
"""

from __future__ import annotations

import ast
import csv
import gzip
import hashlib
import io
import json
import re
import sqlite3
import tempfile
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines import reference
from pipelines.flatten import RAW_COLUMNS, search_pages_frame
from pipelines.jobs import JobFailed

FORMATS: tuple[str, ...] = ("auto", "hh-json", "hh-csv", "hh-sqlite")

SQLITE_MAGIC = b"SQLite format 3\x00"
_BINARY_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (an .xlsx workbook? save it as CSV)",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x7fELF": "an executable",
    b"BZh": "a bzip2 archive (only gzip is read)",
    b"\xfd7zXZ": "an xz archive (only gzip is read)",
    b"7z\xbc\xaf": "a 7-Zip archive (only gzip is read)",
}

# Russian experience wording (the site's, as exports copy it) → hh experience ids.
EXPERIENCE_TEXT = {
    "Нет опыта": "noExperience",
    "От 1 года до 3 лет": "between1And3",
    "От 3 до 6 лет": "between3And6",
    "Более 6 лет": "moreThan6",
}
_EXPERIENCE_IDS = {"noExperience", "between1And3", "between3And6", "moreThan6"}
_WORK_FORMAT_ORDER = (("REMOTE", "remote"), ("HYBRID", "hybrid"), ("FIELD_WORK", "field"), ("ON_SITE", "on_site"))
_NA = ["", "None", "none", "null", "NULL", "NaN", "nan", "NaT", "N/A", "n/a", "-"]

# Header spellings per raw column, in priority order (the first present wins; later ones fill its
# gaps, e.g. the 2025 ``salary_range.from`` before the deprecated ``salary.from``). Headers are
# compared after ``_key``: lower case, spaces/underscores/dashes folded to "_".
_ALIASES: dict[str, tuple[str, ...]] = {
    "source_id": ("id", "vacancy_id", "vacancy.id", "vacancyid", "ид", "id_вакансии"),
    "url": ("alternate_url", "url", "link", "vacancy_url", "ссылка", "ссылка_на_вакансию"),
    "title": ("name", "title", "vacancy_name", "vacancy_title", "vacancy", "название", "название_вакансии",
              "вакансия", "должность"),
    "employer": ("employer.name", "employer_name", "employer", "company", "company_name", "компания",
                 "работодатель"),
    "employer_id": ("employer.id", "employer_id", "employerid"),
    "area_id": ("area.id", "area_id", "areaid"),
    "area_name": ("area.name", "area_name", "area", "city", "town", "город", "регион", "region", "location"),
    "salary_from": ("salary_range.from", "salary.from", "salary_from", "salaryfrom", "зарплата_от"),
    "salary_to": ("salary_range.to", "salary.to", "salary_to", "salaryto", "зарплата_до"),
    "currency": ("salary_range.currency", "salary.currency", "salary_currency", "currency", "валюта"),
    "gross": ("salary_range.gross", "salary.gross", "salary_gross", "gross", "до_вычета_налогов"),
    "salary_mode": ("salary_range.mode.id", "salary_mode", "salary_range.mode"),
    "experience": ("experience.id", "experience", "experience_id", "опыт_работы", "опыт"),
    "employment": ("employment.id", "employment", "employment_id"),
    "schedule": ("schedule.id", "schedule", "schedule_id"),
    "work_format": ("work_format", "work_format.id", "work_formats"),
    "professional_roles": ("professional_roles", "professional_roles.id", "professional_role", "role_id"),
    "skills": ("key_skills", "skills", "ключевые_навыки", "навыки"),
    "published_at": ("published_at", "published", "publisheddate", "published_date", "publication_date",
                     "дата_публикации", "created_at", "createddate", "date"),
}
# Cells that pandas printed as dicts (``{'id': '1', 'name': 'Москва'}``) are unpacked into
# ``column.key`` columns when the column is one of these.
_STRUCT_COLUMNS = ("salary", "salary_range", "area", "employer", "experience", "employment", "schedule")
# The course format: the header names these six; two known dumps put the place second instead.
SIX_COLUMNS = ("name", "salary_from", "salary_to", "salary_currency", "area_name", "published_at")
SHIFTED_SIX = ("name", "area_name", "salary_from", "salary_to", "salary_currency", "published_at")

_HH_ID = re.compile(r"^\d{5,12}$")
_URL_ID = re.compile(r"/vacanc(?:y|ies)/(\d{5,12})")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class DumpError(ValueError):
    """A file that is not a readable hh.ru dump; ``str()`` is one line naming the file and the cause."""

    def __init__(self, path: Path | str, cause: str):
        self.path, self.cause = str(path), cause
        super().__init__(f"{path}: {cause}")


@dataclass
class Dump:
    """One file read: its raw rows (``RAW_COLUMNS`` + ``dataset``) and what the reader noticed."""

    path: Path
    format: str
    dataset: str
    raw: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    problems: dict[str, int] = field(default_factory=dict)  # malformed lines, amounts not numbers, …

    @property
    def source(self) -> str:
        kinds = sorted(self.raw["source"].dropna().unique())
        return "+".join(kinds) if kinds else "hh_flat"


# ---------------------------------------------------------------------------------------------
# ids
# ---------------------------------------------------------------------------------------------


def stable_ids(df: pd.DataFrame, cols: list[str], prefix: str) -> pd.Series:
    """Tables without vacancy ids get a content hash, so a rebuild gives the same keys."""
    text = df[cols].astype(str).agg("\x1f".join, axis=1)
    return prefix + text.map(lambda s: hashlib.sha1(s.encode("utf-8")).hexdigest()[:16])


def _number_text(values: pd.Series) -> pd.Series:
    return values.map(lambda v: "" if pd.isna(v) else f"{float(v):.2f}")


def content_ids(raw: pd.DataFrame) -> pd.Series:
    """``flat:`` + a hash of what a published vacancy is: title, employer, place, pay, currency and
    publication time, each in one canonical spelling (amounts as numbers, times in UTC), so the same
    row from two dumps — "60000" in one, "60000.0" in another — gets the same id."""
    when = pd.to_datetime(raw["published_at"], utc=True, errors="coerce", format="ISO8601")
    canon = pd.DataFrame({
        "title": raw["title"].fillna("").astype(str).str.strip(),
        "employer": raw["employer"].fillna("").astype(str).str.strip(),
        "place": raw["area_name"].fillna(raw["area_id"]).fillna("").astype(str).str.strip(),
        "from": _number_text(pd.to_numeric(raw["salary_from"], errors="coerce")),
        "to": _number_text(pd.to_numeric(raw["salary_to"], errors="coerce")),
        "currency": raw["currency"].fillna("").astype(str).str.strip().str.upper(),
        "published": when.dt.strftime("%Y-%m-%dT%H:%M:%SZ").where(
            when.notna(), raw["published_at"].fillna("").astype(str)),
    }, index=raw.index)
    return stable_ids(canon, list(canon.columns), "flat:")


# ---------------------------------------------------------------------------------------------
# bytes → shape
# ---------------------------------------------------------------------------------------------


def _content(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except IsADirectoryError as exc:
        raise DumpError(path, "a directory, not a file") from exc
    except OSError as exc:
        raise DumpError(path, f"cannot open ({exc.strerror or exc})") from exc
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except EOFError as exc:
            raise DumpError(path, "broken gzip: the file ends before the compressed data do (truncated?)") from exc
        except (OSError, zlib.error) as exc:
            raise DumpError(path, f"broken gzip ({exc})") from exc
    return data


def _text(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DumpError(path, "broken UTF-16 text") from exc
    head = data[:4096]
    if b"\x00" in head:
        raise DumpError(path, "binary data, not an hh.ru dump")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1251")  # Excel's "CSV" on a Russian Windows
        except UnicodeDecodeError as exc:
            raise DumpError(path, "binary data, not an hh.ru dump (neither UTF-8 nor Windows-1251 text)") from exc
    sample = text[:4096]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    if control > max(2, len(sample) // 100):
        raise DumpError(path, "binary data, not an hh.ru dump")
    return text


def sniff(path: Path, data: bytes) -> str:
    """The format of a file's (decompressed) content; ``DumpError`` for what is no dump at all."""
    if not data.strip():
        raise DumpError(path, "empty file")
    if data.startswith(SQLITE_MAGIC):
        return "hh-sqlite"
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise DumpError(path, f"{what}, not an hh.ru dump")
    head = data if len(data) <= 65536 else data[:65536].rsplit(b"\n", 1)[0]  # whole characters
    text = _text(path, head)
    return "hh-json" if text.lstrip()[:1] in ("{", "[") else "hh-csv"


def read_dump(path: Path | str, fmt: str = "auto", dataset: str | None = None) -> Dump:
    """One file as raw rows. ``fmt`` ``auto`` sniffs the content; a named format must match it."""
    path = Path(path)
    if fmt not in FORMATS:
        raise DumpError(path, f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    data = _content(path)
    found = sniff(path, data)
    if fmt != "auto" and fmt != found:
        what = {"hh-sqlite": "an SQLite database", "hh-json": "JSON", "hh-csv": "a CSV table"}[found]
        raise DumpError(path, f"--format {fmt} but the file is {what}")
    name = dataset or _dataset_name(path)
    if found == "hh-sqlite":
        frame, dump = _sqlite_frame(path, data), Dump(path, found, name, pd.DataFrame())
        raw = _from_table(frame, dump)
    elif found == "hh-json":
        dump = Dump(path, found, name, pd.DataFrame())
        raw = _from_json(_text(path, data), dump)
    else:
        dump = Dump(path, found, name, pd.DataFrame())
        raw = _from_table(_csv_frame(path, _text(path, data), dump), dump)
    if raw.empty:
        raise DumpError(path, "no vacancies in the file (a header but no rows)")
    raw["dataset"] = name
    dump.raw = tidy(raw)[[*RAW_COLUMNS, "dataset"]]
    return dump


def _dataset_name(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson", ".db", ".sqlite", ".sqlite3"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name or path.name


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------


def _csv_frame(path: Path, text: str, dump: Dump) -> pd.DataFrame:
    lines = text.lstrip("\ufeff").splitlines()
    header = next((ln for ln in lines if ln.strip()), "")
    sep = max((",", ";", "\t", "|"), key=header.count)
    opts = dict(sep=sep, dtype=str, keep_default_na=False, na_values=_NA)
    try:
        return pd.read_csv(io.StringIO(text), **opts)
    except pd.errors.EmptyDataError as exc:
        raise DumpError(path, "empty file (no header)") from exc
    except pd.errors.ParserError:
        pass
    bad: list[list[str]] = []

    def keep(line: list[str]) -> None:
        bad.append(line)
        return None

    try:
        frame = pd.read_csv(io.StringIO(text), engine="python", on_bad_lines=keep, **opts)
    except (pd.errors.ParserError, csv.Error) as exc:
        raise DumpError(path, f"not a readable CSV table ({str(exc).splitlines()[0]})") from exc
    if bad:
        dump.problems["malformed_lines"] = len(bad)
        dump.notes.append(f"{len(bad)} line(s) with more fields than the header could not be read and were left out")
    return frame


def _key(column: object) -> str:
    s = unicodedata.normalize("NFKC", str(column)).replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s_\-]+", "_", s)


def _parse_struct(value: object) -> object:
    """A cell holding JSON or a printed Python dict/list, as Python; anything else as it is."""
    if not isinstance(value, str):
        return value
    s = value.strip()
    if not s or s[0] not in "[{":
        return value
    try:
        return json.loads(s)
    except ValueError:
        pass
    try:
        return ast.literal_eval(s)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return value


def _structured(values: pd.Series) -> bool:
    sample = values.dropna().astype(str).str.lstrip().head(200)
    return len(sample) > 0 and sample.str.startswith(("{", "[")).mean() >= 0.5


def _unpack_structs(t: pd.DataFrame) -> pd.DataFrame:
    """``salary`` / ``area`` / … columns holding dicts become ``salary.from``, ``area.id``, …"""
    keys = {_key(c): c for c in t.columns}
    extra = {}
    for name in _STRUCT_COLUMNS:
        col = keys.get(name)
        if col is None or not _structured(t[col]):
            continue
        parsed = t[col].map(_parse_struct, na_action="ignore")
        dicts = [v if isinstance(v, dict) else {} for v in parsed]
        flat = pd.json_normalize(dicts, sep=".")
        for sub in flat.columns:
            full = f"{name}.{_key(sub)}"
            if full not in keys:
                extra[full] = flat[sub].set_axis(t.index)
    return pd.concat([t, pd.DataFrame(extra, index=t.index)], axis=1) if extra else t


def _numeric_share(values: pd.Series) -> float:
    v = values.dropna()
    return float(_amounts(v).notna().mean()) if len(v) else 1.0


def _amounts(values: pd.Series) -> pd.Series:
    """Amounts as numbers: "60000", "60000.0", "60 000", "60 000,50" all read; the rest NaN."""
    if pd.api.types.is_numeric_dtype(values):
        return values.astype(float)
    text = values.astype("string").str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    text = text.str.replace(r"^(\d+),(\d{1,2})$", r"\1.\2", regex=True)
    return pd.to_numeric(text, errors="coerce").astype(float)


def _fix_shifted_header(t: pd.DataFrame, dump: Dump) -> pd.DataFrame:
    """The course format with its header shifted: the header says name, salary_from, salary_to,
    salary_currency, area_name, published_at while the data are name, area, from, to, currency,
    published_at. Recognised by content — places under salary_from, amounts under salary_to and
    salary_currency, currency codes under area_name — never by the file's name."""
    keys = {_key(c): c for c in t.columns}
    if not set(SIX_COLUMNS) <= set(keys):
        return t
    col = {k: keys[k] for k in SIX_COLUMNS}
    under_from = t[col["salary_from"]].dropna()
    codes = t[col["area_name"]].dropna().astype(str).str.strip()
    shifted = (len(under_from) > 0 and _numeric_share(under_from) < 0.5
               and _numeric_share(t[col["salary_to"]]) >= 0.9
               and _numeric_share(t[col["salary_currency"]]) >= 0.9
               and (codes.str.match(_CURRENCY).mean() >= 0.9 if len(codes) else True))
    if not shifted:
        return t
    dump.notes.append("header shifted by one column (places under 'salary_from', currencies under "
                      "'area_name'): read as name, area, salary_from, salary_to, currency, published_at")
    return t.rename(columns={col[a]: b for a, b in zip(SIX_COLUMNS, SHIFTED_SIX, strict=True)})


def _pick(t: pd.DataFrame, keys: dict[str, str], target: str) -> tuple[pd.Series | None, list[str]]:
    """The column(s) holding ``target``: the first alias present, its gaps filled by later ones."""
    used = [keys[a] for a in _ALIASES[target] if a in keys]
    if not used:
        return None, []
    out = t[used[0]]
    for c in used[1:]:
        out = out.where(out.notna(), t[c])
    return out, used


def _list_of(values: pd.Series, part: str, split: bool) -> pd.Series:
    """List cells (JSON / printed lists of dicts or strings, or comma-separated text) as lists of
    strings: the ``part`` ("id" or "name") of each dict."""
    def one(v: object) -> list[str]:
        v = _parse_struct(v)
        if isinstance(v, dict):
            v = [v]
        if isinstance(v, list | tuple):
            out = [x.get(part) if isinstance(x, dict) else x for x in v]
            return [str(x).strip() for x in out if x is not None and str(x).strip()]
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return []
        s = str(v).strip()
        if not s:
            return []
        return [x.strip() for x in s.split(",") if x.strip()] if split else [s]
    return values.map(one)


def _work_format(values: pd.Series) -> pd.Series:
    def best(ids: list[str]) -> str | None:
        upper = {i.upper() for i in ids}
        for hh_id, name in _WORK_FORMAT_ORDER:
            if hh_id in upper or name.upper() in upper:
                return name
        return None
    return _list_of(values, "id", split=True).map(best)


def _gross(values: pd.Series) -> pd.Series:
    table = {"true": True, "1": True, "1.0": True, "yes": True, "да": True, "t": True,
             "false": False, "0": False, "0.0": False, "no": False, "нет": False, "f": False}
    return values.map(lambda v: table.get(str(v).strip().lower()) if pd.notna(v) else None).astype("boolean")


def _id_text(values: pd.Series) -> pd.Series:
    """Ids as text: 123 and "123.0" (a float column with gaps) both give "123"."""
    s = values.astype("string").str.strip()
    return s.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)


def _from_table(t: pd.DataFrame, dump: Dump) -> pd.DataFrame:
    """A table of any of the known header spellings → raw rows."""
    path = dump.path
    t = t.loc[:, [c for c in t.columns if not _key(c).startswith("unnamed:")]]  # pandas' saved index
    t = t.dropna(how="all")
    if t.empty and len(t.columns):
        raise DumpError(path, "no vacancies in the file (a header but no rows)")
    t = _fix_shifted_header(_unpack_structs(t), dump)
    keys: dict[str, str] = {}
    for c in t.columns:
        keys.setdefault(_key(c), c)
    pick = {target: _pick(t, keys, target) for target in _ALIASES}
    title, frm, to = pick["title"][0], pick["salary_from"][0], pick["salary_to"][0]
    if title is None or (frm is None and to is None):
        shown = ", ".join(str(c) for c in list(t.columns)[:8]) + (", …" if len(t.columns) > 8 else "")
        raise DumpError(path, f"wrong columns for an hh.ru dump: found [{shown}]; expected a vacancy title "
                              "(name) and pay (salary_from / salary_to), e.g. name, salary_from, salary_to, "
                              "salary_currency, area_name, published_at")
    n = len(t)
    out = pd.DataFrame(index=t.index)
    for target, (col, _used) in pick.items():
        if target in ("professional_roles", "skills", "work_format", "salary_from", "salary_to", "gross",
                      "url", "source_id"):
            continue
        out[target] = col.astype("string").str.strip() if col is not None else pd.Series(pd.NA, index=t.index,
                                                                                            dtype="string")
    # pay: numbers, and what did not read as one is said, not hidden
    for target, col in (("salary_from", frm), ("salary_to", to)):
        if col is None:
            out[target] = np.nan
            continue
        amounts = _amounts(col)
        out[target] = amounts
        given = col.notna() & col.astype("string").str.strip().ne("")
        bad = int((given & amounts.isna()).sum())
        if bad:
            if bad > 0.5 * max(int(given.sum()), 1):
                sample = ", ".join(repr(str(v)) for v in col[given & amounts.isna()].unique()[:3])
                raise DumpError(path, f"column {pick[target][1][0]!r} holds text ({sample}, …), not amounts: "
                                      "the columns do not match the header")
            dump.problems[f"{target}_not_a_number"] = bad
            dump.notes.append(f"{bad} {target} value(s) are not numbers; those bounds are left empty")
    out["gross"] = _gross(pick["gross"][0]) if pick["gross"][0] is not None else pd.NA
    out["currency"] = out["currency"].str.upper()
    if pick["currency"][0] is None:
        dump.notes.append("no currency column: amounts are taken as roubles")
    if pick["published_at"][0] is None:
        dump.notes.append("no publication date column: the rows are undated")
    exp = out["experience"]
    out["experience"] = exp.where(exp.isin(_EXPERIENCE_IDS), exp.map(EXPERIENCE_TEXT))
    roles, skills, formats = pick["professional_roles"][0], pick["skills"][0], pick["work_format"][0]
    out["professional_roles"] = (_list_of(roles, "id", split=True) if roles is not None
                                 else pd.Series([[] for _ in range(n)], index=t.index))
    out["skills"] = (_list_of(skills, "name", split=True) if skills is not None
                     else pd.Series([[] for _ in range(n)], index=t.index))
    out["work_format"] = _work_format(formats) if formats is not None else None
    out["employer_id"] = _id_text(out["employer_id"])

    # ids: a real hh id makes the row "hh"; else a content id ("hh_flat")
    hh_id = pd.Series(pd.NA, index=t.index, dtype="string")
    if pick["source_id"][0] is not None:
        ids = _id_text(pick["source_id"][0])
        looks = ids.str.match(_HH_ID).fillna(False)
        if looks.mean() >= 0.9:
            hh_id = ids.where(looks)
        else:
            dump.notes.append(f"column {pick['source_id'][1][0]!r} does not hold hh vacancy ids "
                              f"({', '.join(map(str, ids.dropna().head(3)))}, …): rows keyed by content")
    if pick["url"][0] is not None:
        hh_id = hh_id.fillna(pick["url"][0].astype("string").str.extract(_URL_ID, expand=False))
    _places(out, dump)
    out["source"] = pd.Series(np.where(hh_id.notna(), "hh", "hh_flat"), index=t.index)
    out["source_id"] = hh_id
    flat = hh_id.isna()
    if flat.any():
        out.loc[flat, "source_id"] = content_ids(out.loc[flat])
    return out.reset_index(drop=True)


def _places(out: pd.DataFrame, dump: Dump) -> None:
    """hh area ids: given ones where they are hh's (checked against the names beside them), else
    the place names through the hh areas tree (``reference.resolve_area_names``)."""
    given = _id_text(out["area_id"])
    names = out["area_name"]
    known = given.isin(set(reference.area_lookup()["area_id"]))
    resolved = reference.resolve_area_names(names)
    both = known & names.notna()
    if both.any():
        hh_names = given.map(reference.area_lookup().set_index("area_id")["area_name"])
        agree = (resolved == given) | (hh_names.map(reference.normalise_name) == names.map(reference.normalise_name))
        if agree[both].fillna(False).mean() < 0.5:
            dump.notes.append("the area ids are not hh's (their names disagree): places found by name")
            known = pd.Series(False, index=out.index)
    out["area_id"] = given.where(known, resolved).astype("string")
    if names.isna().all() and given.isna().all():
        dump.notes.append("no place column: every row is flagged no_region")


# ---------------------------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------------------------


def _json_docs(path: Path, text: str) -> object:
    try:
        return json.loads(text)
    except ValueError as first:
        docs = []
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                docs.append(json.loads(line))
            except ValueError:
                raise DumpError(path, f"not valid JSON ({first.msg} at line {first.lineno}, column {first.colno})"
                                ) from first
        return docs


def _items(doc: object) -> list:
    """Vacancy objects of a search page, a list of items or pages, one vacancy, or any top-level
    key holding a list of vacancy-like objects (``{"vacancies": [...]}``)."""
    if isinstance(doc, dict):
        if isinstance(doc.get("items"), list):
            return list(doc["items"])
        if "name" in doc and ("id" in doc or "salary" in doc or "salary_range" in doc):
            return [doc]
        for value in doc.values():
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value) \
                    and any("name" in v for v in value):
                return list(value)
        return []
    if isinstance(doc, list):
        out: list = []
        for el in doc:
            if isinstance(el, dict) and isinstance(el.get("items"), list):
                out.extend(el["items"])
            else:
                out.append(el)
        return out
    return []


def _from_json(text: str, dump: Dump) -> pd.DataFrame:
    path = dump.path
    items = _items(_json_docs(path, text))
    objs = [it for it in items if isinstance(it, dict)]
    if not items:
        raise DumpError(path, "JSON without hh.ru vacancies (no items list, no objects with id and name)")
    if len(objs) < len(items) or not any("name" in it for it in objs):
        raise DumpError(path, "JSON without hh.ru vacancies (the list holds no objects with id and name)")
    api = any(isinstance(it.get(k), dict) for it in objs[:200] for k in ("salary", "salary_range", "area",
                                                                           "employer"))
    if not api:  # flat records, e.g. pandas to_json(orient="records")
        frame = pd.DataFrame.from_records(objs).map(
            lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v)
        return _from_table(frame.astype(object).where(frame.notna(), None), dump)
    with tempfile.TemporaryDirectory(prefix="vilka-import-") as tmp:
        page = Path(tmp) / "page.json"
        page.write_text(json.dumps({"items": objs}, ensure_ascii=False), encoding="utf-8")
        try:
            raw = search_pages_frame([page])
        except ValueError as exc:
            raise DumpError(path, f"hh.ru items that cannot be read ({str(exc).splitlines()[0]})") from exc
    raw = raw.drop(columns="raw_file")
    missing = raw["source_id"].isna() | ~raw["source_id"].astype("string").str.match(_HH_ID).fillna(False)
    raw["source"] = np.where(missing, "hh_flat", "hh")
    if missing.any():
        raw.loc[missing, "source_id"] = content_ids(tidy(raw.loc[missing]))
        dump.notes.append(f"{int(missing.sum())} item(s) without an hh id: keyed by content")
    return raw


# ---------------------------------------------------------------------------------------------
# SQLite
# ---------------------------------------------------------------------------------------------


def _sqlite_frame(path: Path, data: bytes) -> pd.DataFrame:
    con = sqlite3.connect(":memory:")
    try:
        try:
            con.deserialize(data)
            tables = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")]
        except sqlite3.DatabaseError as exc:
            raise DumpError(path, f"damaged SQLite database ({exc})") from exc

        def columns(table: str) -> list[str]:
            return [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]

        def score(table: str) -> tuple[int, int, int]:
            keys = {_key(c) for c in columns(table)}
            has = {t for t, aliases in _ALIASES.items() if keys & set(aliases)}
            usable = int("title" in has and bool(has & {"salary_from", "salary_to"}))
            return usable, int("vacanc" in table.lower()), len(has)

        ranked = sorted(tables, key=score, reverse=True)
        if not ranked or score(ranked[0])[0] == 0:
            raise DumpError(path, "SQLite database without a vacancy table (a name and salary columns); "
                                  f"tables: {', '.join(tables[:10]) or 'none'}")
        table = ranked[0]
        frame = pd.read_sql_query(f'SELECT * FROM "{table}"', con)
        keys = {_key(c): c for c in frame.columns}
        # names of places and employers from their own tables, joined by id
        for target, wanted in (("area", "area_name"), ("employer", "employer")):
            own = next((keys[a] for a in _ALIASES[f"{target}_id"] if a in keys), None)
            if own is None or any(a in keys for a in _ALIASES[wanted] if a != target):
                continue
            other = next((t for t in tables if _key(t) in (target, target + "s")), None)
            if other is None:
                continue
            cols = {_key(c): c for c in columns(other)}
            if "id" not in cols or "name" not in cols:
                continue
            names = pd.read_sql_query(f'SELECT "{cols["id"]}" AS id, "{cols["name"]}" AS name FROM "{other}"', con)
            lookup = dict(zip(_id_text(names["id"]), names["name"], strict=False))
            frame[f"{target}.name"] = _id_text(frame[own]).map(lookup)
        return frame.astype(object).where(frame.notna(), None)
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------
# raw frame types (shared with scripts/build_snapshot.py)
# ---------------------------------------------------------------------------------------------


def tidy(raw: pd.DataFrame) -> pd.DataFrame:
    """One set of dtypes for raw rows of any origin (what the embedded Parquet file stores):
    numbers, a nullable boolean, ISO text times, lists of strings and text."""
    raw = raw.copy()
    for col in RAW_COLUMNS:
        if col not in raw.columns:
            raw[col] = None
    for col in ("salary_from", "salary_to"):
        raw[col] = pd.to_numeric(raw[col], errors="coerce")
    raw["gross"] = raw["gross"].astype("boolean")
    # hh pages arrive parsed (timestamps); the flattened tables as text in the same ISO format
    raw["published_at"] = raw["published_at"].map(
        lambda v: v.isoformat() if hasattr(v, "isoformat") else v, na_action="ignore").astype("string")
    for col in ("professional_roles", "skills"):
        raw[col] = raw[col].map(lambda v: [str(x) for x in v] if isinstance(v, list) or hasattr(v, "tolist") else [])
    for col in ("source", "source_id", "title", "employer", "employer_id", "area_id", "area_name",
                "currency", "salary_mode", "experience", "employment", "schedule", "work_format", "dataset"):
        if col in raw.columns:
            raw[col] = raw[col].astype("string")
    return raw


# ---------------------------------------------------------------------------------------------
# import
# ---------------------------------------------------------------------------------------------


@dataclass
class FileReport:
    file: str
    format: str
    dataset: str
    source: str
    rows_read: int
    rows_with_salary: int
    regions: int
    usable: int
    flagged: dict[str, int]
    problems: dict[str, int]
    notes: list[str]
    rows_new: int = 0
    rows_updated: int = 0
    duplicates_merged: int = 0

    def line(self) -> str:
        flagged = ", ".join(f"{k} {v}" for k, v in self.flagged.items() if v) or "none"
        text = (f"{self.file} ({self.format}, {self.source}, dataset {self.dataset}): {self.rows_read} rows read, "
                f"{self.rows_with_salary} with salary, {self.usable} usable, {self.regions} regions; "
                f"flagged: {flagged}; {self.rows_new} new, {self.rows_updated} updated, "
                f"{self.duplicates_merged} duplicates merged")
        return "\n".join([text, *(f"  note: {n}" for n in self.notes)])


@dataclass
class ImportResult:
    warehouse: str
    files: list[FileReport]
    total_rows: int

    def text(self) -> str:
        lines = [f.line() for f in self.files]
        new = sum(f.rows_new for f in self.files)
        upd = sum(f.rows_updated for f in self.files)
        lines.append(f"imported {len(self.files)} file(s): {sum(f.rows_read for f in self.files)} rows read, "
                     f"{new} new, {upd} updated; warehouse holds {self.total_rows} rows")
        return "\n".join(lines)

    def json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)


def report(dump: Dump, frame: pd.DataFrame) -> FileReport:
    """What a file brought, from its raw rows and their normalised form."""
    from pipelines.schema import FLAGS

    raw = dump.raw
    with_salary = (raw["salary_from"].fillna(0) > 0) | (raw["salary_to"].fillna(0) > 0)
    flags = frame["flags"].fillna("")
    flagged = {f: int(flags.str.split(",").map(lambda fs, f=f: f in fs).sum()) for f in FLAGS}
    problems = dict(dump.problems)
    undated = int((raw["published_at"].notna() & frame["published_at"].isna()).sum())
    notes = list(dump.notes)
    if undated:
        problems["date_not_read"] = undated
        notes.append(f"{undated} publication date(s) could not be read; those rows are undated")
    return FileReport(
        file=str(dump.path), format=dump.format, dataset=dump.dataset, source=dump.source,
        rows_read=len(raw), rows_with_salary=int(with_salary.sum()),
        regions=int(frame["region_iso"].dropna().nunique()), usable=int(flags.eq("").sum()),
        flagged=flagged, problems=problems, notes=notes)


def read_all(paths: Sequence[Path | str], fmt: str = "auto", dataset: str | None = None
             ) -> tuple[list[Dump], list[DumpError]]:
    """Every file read before anything is written: the dumps, and the files that failed."""
    dumps, errors = [], []
    for p in paths:
        try:
            dumps.append(read_dump(p, fmt, dataset))
        except DumpError as exc:
            errors.append(exc)
    return dumps, errors


def import_dumps(paths: Sequence[Path | str], wh: Path | str, fmt: str = "auto", dataset: str | None = None,
                 rates: dict[str, float] | None = None) -> ImportResult:
    """Read every file, then normalise them and load them into one new warehouse version. Raises
    ``ImportFailed`` (nothing written) when any file cannot be read."""
    from pipelines import warehouse
    from pipelines.normalise import normalise

    if not paths:
        raise JobFailed("no files given")
    dumps, errors = read_all(paths, fmt, dataset)
    if errors:
        raise ImportFailed(errors, len(paths))
    frames = [normalise(d.raw, rates=rates) for d in dumps]
    reports = [report(d, f) for d, f in zip(dumps, frames, strict=True)]
    with warehouse.writing(wh) as con:
        for d, f, r in zip(dumps, frames, reports, strict=True):
            label = "hh" if (f["source"] == "hh").any() else "hh_flat"
            res = warehouse.load(con, f, source=label, note=f"import {d.path.name} ({d.format}, dataset {d.dataset})")
            r.rows_new, r.rows_updated, r.duplicates_merged = res.rows_new, res.rows_replaced, res.duplicates_in_batch
        total = con.execute("SELECT count(*) FROM vacancies").fetchone()[0]
    return ImportResult(str(wh), reports, int(total))


class ImportFailed(JobFailed):
    """Some files could not be read; nothing was loaded. ``str()``: one line per bad file."""

    def __init__(self, errors: Sequence[DumpError], n_files: int):
        self.errors = list(errors)
        self.n_files = n_files
        # the CLI prints "error: " before the message: every bad file gets its own such line
        super().__init__("\nerror: ".join(f"{e}; nothing loaded" for e in self.errors))
