"""The canonical vacancy, declared once (DESIGN section 3).

The DuckDB DDL, the pandas dtypes of a normalised frame and every column list in the code derive
from ``VACANCY``. Add a column here and it exists everywhere; nowhere else spells the table out.

``LIFECYCLE`` are the columns the warehouse itself keeps about each vacancy's life (when vilka
first and last saw it open, when a complete sweep of its slice stopped returning it). No source
sends them, so a normalised frame has ``COLUMNS`` only and the load computes these
(``pipelines.warehouse.load``); the table holds ``STORED_COLUMNS`` = both.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    sql: str  # DuckDB type
    doc: str


VACANCY: tuple[Column, ...] = (
    Column("source", "VARCHAR NOT NULL", "where the row came from: hh, trudvsem, hh_flat"),
    Column("source_id", "VARCHAR NOT NULL", "the source's own id; (source, source_id) is unique"),
    Column("title", "VARCHAR", "vacancy title as published"),
    Column("employer", "VARCHAR", "employer name as published"),
    Column("employer_id", "VARCHAR", "source's employer id"),
    Column("profession", "VARCHAR", "profession id from classification (data/reference/professions.yaml)"),
    Column("level", "VARCHAR", "intern, junior, middle, senior, lead, head, director (or null)"),
    Column("level_rule", "VARCHAR", "what decided the level: a title rule, experience, or none"),
    Column("professional_roles", "VARCHAR[]", "hh professional_roles ids"),
    Column("experience", "VARCHAR", "hh experience id: noExperience, between1And3, between3And6, moreThan6"),
    Column("area_id", "VARCHAR", "hh area id of the place as published (usually a city)"),
    Column("city", "VARCHAR", "place name as published"),
    Column("country", "VARCHAR", "country name from the hh areas tree (Россия, Беларусь, ...)"),
    Column("region_iso", "VARCHAR", "ISO 3166-2 code of the federal subject, e.g. RU-MOW"),
    Column("region", "VARCHAR", "federal subject, Russian name"),
    Column("federal_district", "VARCHAR", "federal district, Russian name"),
    Column("salary_from", "DOUBLE", "lower bound as published, in `currency`"),
    Column("salary_to", "DOUBLE", "upper bound as published, in `currency`"),
    Column("currency", "VARCHAR", "hh currency code as published (RUR, USD, EUR, KZT, BYR, ...)"),
    Column("gross", "BOOLEAN", "true: before tax; false: on hand; null: unknown"),
    Column("salary_mode", "VARCHAR", "MONTH, HOUR, SHIFT, FLY_IN_FLY_OUT, ...; null where the source predates it"),
    Column("pay_from_net_rub", "DOUBLE", "lower bound, monthly roubles on hand"),
    Column("pay_to_net_rub", "DOUBLE", "upper bound, monthly roubles on hand"),
    Column("pay_from_gross_rub", "DOUBLE", "lower bound, monthly roubles before NDFL"),
    Column("pay_to_gross_rub", "DOUBLE", "upper bound, monthly roubles before NDFL"),
    Column("work_format", "VARCHAR", "remote, hybrid, on_site, field (or null)"),
    Column("employment", "VARCHAR", "hh employment id: full, part, project, probation, volunteer"),
    Column("schedule", "VARCHAR", "hh schedule id: fullDay, shift, flexible, remote, flyInFlyOut"),
    Column("published_at", "TIMESTAMPTZ", "publication time"),
    Column("loaded_at", "TIMESTAMPTZ", "when this row was last written to the warehouse"),
    Column("skills", "VARCHAR[]", "key skills, where the source gives them"),
    Column("title_tags", "VARCHAR[]",
           "pay structure the title mentions: bonus, b2b, b2c (rules: data/reference/pay_structure.yaml)"),
    Column("flags", "VARCHAR[]", "why the row is excluded from statistics; empty list = used"),
)

LIFECYCLE: tuple[Column, ...] = (
    Column("first_seen_at", "TIMESTAMPTZ",
           "when vilka first saw the vacancy open (a harvest's time); kept on updates. Rows of the "
           "embedded snapshot and other datasets vilka never saw live: their published_at"),
    Column("last_seen_at", "TIMESTAMPTZ",
           "the time of the latest harvest that returned the vacancy; null = never seen live "
           "(snapshot, imports): such rows have no lifecycle and are never closed"),
    Column("closed_at", "TIMESTAMPTZ",
           "time of the first COMPLETE sweep of the vacancy's slice (region x hh role) that no longer "
           "returned it (it closed between last_seen_at and this); null = open or unknown; "
           "cleared when the vacancy is seen again"),
)

COLUMNS: tuple[str, ...] = tuple(c.name for c in VACANCY)
STORED: tuple[Column, ...] = VACANCY + LIFECYCLE
STORED_COLUMNS: tuple[str, ...] = tuple(c.name for c in STORED)
KEY: tuple[str, str] = ("source", "source_id")

# Reasons a row is kept but excluded from pay statistics (see pipelines/normalise.py).
FLAGS: dict[str, str] = {
    "no_salary": "no pay published",
    "not_monthly": "pay is hourly, per shift or per rotation, not per month",
    "unknown_currency": "currency without a known rate",
    "below_mrot": "full-time monthly pay below the year's federal minimum wage (MROT)",
    "absurd": "pay outside any plausible monthly range, or from > to",
    "no_region": "place does not resolve to a Russian federal subject",
    "bad_salary": "a pay bound was published but is not a number (e.g. written in words)",
    "bad_date": "a publication date was given but cannot be read as a date",
}

LEVELS: tuple[str, ...] = ("intern", "junior", "middle", "senior", "lead", "head", "director")
