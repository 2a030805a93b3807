"""Select new vacancy titles for tests/fixtures/labelled_titles.csv (issue #10 §4), without the classifier.

Usage::

    .venv/bin/python scripts/sample_labelled_titles.py [SHARED_DATA_DIR] > /tmp/new_titles.csv
    .venv/bin/python scripts/sample_labelled_titles.py --corpus [SHARED_DATA_DIR] > /tmp/tune_corpus.csv

Reads every distinct vacancy title of ``SHARED_DATA_DIR/hh_more`` (default ``/work/shared/data``;
see its PROVENANCE.md §6), drops the titles of the original labelled set (its first
``ORIGINAL_ROWS`` rows), and draws, in this order
(a title is drawn once, by the first stratum that picks it):

1. ``am_all``      every title matching the account / client-service keywords (``AM_KEYWORDS``);
2. ``mixed_all``   every title with a word that mixes Latin and Cyrillic letters;
3. keyword samples for the ladder rungs (``KEYWORD_SAMPLES``: директор, руководитель, head/lead,
   студия/агентство, ведущий, старший/senior, "по работе с клиентами");
4. ``random:<folder>`` a seeded random sample of ``PER_FILE`` distinct titles from each folder.

Each drawn title then gets ``split``: within every stratum the titles are shuffled (same seed) and
the first ``HOLDOUT_SHARE`` of them become ``holdout``, the rest ``tune``. Output: CSV with
``title, stratum, source, split`` (source = the first folder, alphabetically, that has the title),
committed as ``tests/fixtures/labelled_titles_selection.csv``. Deterministic: the same data and
seed give the same rows. The classifier is not imported.

``--corpus`` writes instead every distinct title of the shared data (``hh_more``, ``hh_flat``,
``hh/search_pages``) that is NOT in the holdout split of the labelled set, with the folder it came
from: the corpus a rule writer may search for real titles and false positives without seeing the
holdout titles.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261204
PER_FILE = 24
HOLDOUT_SHARE = 0.6
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
LABELLED = FIXTURES / "labelled_titles.csv"
# The first rows of labelled_titles.csv are the set as it was before this script ran; only those
# count as "already labelled", so a rerun reproduces tests/fixtures/labelled_titles_selection.csv
# (the committed output of this script) byte for byte.
ORIGINAL_ROWS = 589

AM_KEYWORDS = (
    r"аккаунт|account|key acc|\bkam\b|\bкам\b|client (?:service|success|partner)|customer success"
    r"|клиентск\w* (?:сервис|служб|отдел|групп|направлен|департамент)|(?:директор|руководитель|head|начальник)"
    r"[\w\s-]* по работе с клиент"
)
KEYWORD_SAMPLES: tuple[tuple[str, str, int], ...] = (
    ("kw_director", r"директор", 30),
    ("kw_head_ru", r"руководител|начальник", 30),
    ("kw_head_en", r"\bhead\b|director|\blead\b|chief", 20),
    ("kw_studio_agency", r"студи|агентств|studio|agency", 25),
    ("kw_vedushchiy", r"ведущ", 30),
    ("kw_senior", r"старш|senior", 15),
    ("kw_client", r"по работе с клиент", 20),
)
MIXED_WORD = re.compile(r"[a-z][а-яё]|[а-яё][a-z]", re.IGNORECASE)


def _read_csv(path: Path, name_col: str | int) -> list[str]:
    raw = gzip.decompress(path.read_bytes()).decode("utf-8-sig")
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")  # KitnissPrior uses bare CR
    rows = list(csv.reader(raw.splitlines()))
    header, body = rows[0], rows[1:]
    idx = name_col if isinstance(name_col, int) else header.index(name_col)
    return [r[idx] for r in body if len(r) > idx]


def load_titles(shared: Path) -> dict[str, list[str]]:
    """Distinct, stripped titles per hh_more folder (sorted, so sampling is reproducible)."""
    more = shared / "hh_more"
    found: dict[str, list[str]] = {}
    for folder in sorted(p for p in more.iterdir() if p.is_dir()):
        titles: list[str] = []
        for path in sorted(folder.rglob("*.gz")):
            name = path.name
            if name == "hh.db.gz":
                continue  # the same rows as vacancy_flat_DERIVED.csv (a plain export of it)
            if name.endswith(".json.gz"):
                items = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))["items"]
                titles += [str(it.get("name") or "") for it in items]
            elif folder.name == "A1zhas__hh_API_parser":
                titles += _read_csv(path, "Name")
            elif folder.name in ("kseniaga26__Python-3.4", "SfBalaba__elearn_2module"):
                titles += _read_csv(path, 0)  # shifted header; the name is still the first column
            else:
                titles += _read_csv(path, "name")
        clean = sorted({re.sub(r"\s+", " ", t).strip() for t in titles} - {""})
        found[folder.name] = clean
    return found


def _flat_titles(shared: Path) -> dict[str, list[str]]:
    """Distinct titles of hh_flat (four CSVs) and hh/search_pages (JSON pages of API items)."""
    found: dict[str, list[str]] = {}
    columns = {"analysts_ru_2025": "Название", "hh_5cities_experience": "title"}
    for path in sorted((shared / "hh_flat").glob("*.csv.gz")):
        stem = path.name.removesuffix(".csv.gz")
        found[f"hh_flat/{stem}"] = _read_csv(path, columns.get(stem, "name"))
    for folder in sorted(p for p in (shared / "hh" / "search_pages").iterdir() if p.is_dir()):
        titles = []
        for path in sorted(folder.glob("*.json.gz")):
            items = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8")).get("items", [])
            titles += [str(it.get("name") or "") for it in items]
        found[f"hh/search_pages/{folder.name}"] = titles
    return {k: sorted({re.sub(r"\s+", " ", t).strip() for t in v} - {""}) for k, v in found.items()}


def corpus(shared: Path) -> pd.DataFrame:
    """Every distinct title of the shared data except the holdout titles of the labelled set."""
    per_file = {**load_titles(shared), **_flat_titles(shared)}
    labelled = pd.read_csv(LABELLED, dtype=str, keep_default_na=False)
    holdout = (
        set(labelled.loc[labelled["split"] == "holdout", "title"].str.strip())
        if "split" in labelled
        else set()
    )
    rows = [(t, f) for f, ts in per_file.items() for t in ts if t not in holdout]
    return pd.DataFrame(rows, columns=["title", "source"]).drop_duplicates("title")


def select(shared: Path) -> pd.DataFrame:
    per_file = load_titles(shared)
    labelled = pd.read_csv(LABELLED, dtype=str, keep_default_na=False)
    seen = set(labelled["title"].iloc[:ORIGINAL_ROWS].str.strip())
    pool = pd.DataFrame(
        [(t, f) for f, ts in per_file.items() for t in ts], columns=["title", "source"]
    ).drop_duplicates("title")  # first folder (alphabetical) that has the title
    pool = pool[~pool["title"].isin(seen)].reset_index(drop=True)
    rng = np.random.default_rng(SEED)
    taken: dict[str, str] = {}
    low = pool["title"].str.lower()

    def take(mask: pd.Series, stratum: str, n: int | None) -> None:
        cand = pool.loc[mask & ~pool["title"].isin(taken), "title"].tolist()
        if n is not None and len(cand) > n:
            cand = [cand[i] for i in sorted(rng.choice(len(cand), n, replace=False))]
        for t in cand:
            taken[t] = stratum

    take(low.str.contains(AM_KEYWORDS, regex=True), "am_all", None)
    take(pool["title"].map(lambda t: bool(MIXED_WORD.search(t))), "mixed_all", None)
    for stratum, regex, n in KEYWORD_SAMPLES:
        take(low.str.contains(regex, regex=True), stratum, n)
    for folder, titles in per_file.items():
        mask = pool["title"].isin(set(titles))
        take(mask, f"random:{folder}", PER_FILE)

    out = pd.DataFrame({"title": list(taken), "stratum": list(taken.values())})
    out = out.merge(pool, on="title", how="left")
    out["split"] = "tune"
    for _, idx in out.groupby("stratum", sort=True).groups.items():
        order = rng.permutation(np.asarray(idx))
        out.loc[order[: int(round(HOLDOUT_SHARE * len(order)))], "split"] = "holdout"
    return out


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if a != "--corpus"]
    shared = Path(args[0]) if args else Path("/work/shared/data")
    if "--corpus" in argv:
        corpus(shared).to_csv(sys.stdout, index=False)
        return 0
    out = select(shared)
    out.to_csv(sys.stdout, index=False)
    counts = out.groupby(["stratum", "split"]).size().unstack(fill_value=0)
    print(counts.to_string(), file=sys.stderr)
    print(out["split"].value_counts().to_string(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
