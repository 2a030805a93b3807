"""Vacancy title → profession and level, driven by editable rules in data/reference.

Why rules-as-data: the people who know that "KAM" means key account manager or that "главный
бухгалтер" is a lead-level accountant are analysts, not programmers. They edit
``professions.yaml`` / ``levels.yaml``; this module only compiles and applies them.

Why this shape: a warehouse rebuild classifies millions of rows, but vacancy titles repeat a
lot (a few per cent are unique). So titles are factorised, the unique ones are normalised once
with pandas ``.str`` ops and matched with one precompiled alternation per profession / level
rule, and the answers are mapped back with integer codes. Nothing loops over rows in Python;
the loops are over rules (dozens), each of them vectorised over the unique titles.

Matching conventions (also documented at the top of the YAML files):

* titles are lower-cased, ``ё`` → ``е``, hyphens/dashes, slashes and most punctuation become a
  single space; ``+ # .`` are kept (C++, C#, .NET, "Sr.");
* a word that mixes Latin and Cyrillic letters is written in one alphabet using the look-alike
  table in ``lookalikes.yaml`` ("Aккаунт" with a Latin A → "аккаунт", "Sеnior" with a Cyrillic е →
  "senior"); only titles with such a word pay for this step (see :func:`fold_lookalikes`);
* patterns get the same treatment (``ё`` → ``е``; a hyphen or slash between letters → space),
  are case-insensitive, and must start at the beginning of a word (an implicit ``(?<!\\w)``),
  so ``бухгалтер`` matches "Главный бухгалтер-кассир" and "бухгалтерия"; end a pattern with
  ``\\b`` to demand a whole word (``kam\\b`` matches "KAM" but not "Kamaz").
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import sys
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd
import yaml

from pipelines.config import REFERENCE

OTHER = "other"
NONE_RULE = "none"
LEVELS: tuple[str, ...] = ("intern", "junior", "middle", "senior", "lead", "head", "director")
EXPERIENCE_IDS: tuple[str, ...] = ("noExperience", "between1And3", "between3And6", "moreThan6")
OUTPUT_COLUMNS: tuple[str, ...] = ("profession", "level", "level_rule", "profession_rule")

# Title normalisation. Dashes of every kind and separators become spaces; + # . & stay.
_SEPARATORS = r"[\u2010-\u2015\u2212\-_/\\|,;:()\[\]{}\"'«»“”„!?*•·<>=~`]+"
_WORD_START = r"(?<!\w)"


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class Pattern:
    """One pattern of a rule: ``rule_id`` is what ``profession_rule`` reports."""

    rule_id: str
    source: str  # as written in the YAML, for messages
    regex: re.Pattern[str]  # normalised, with the word-start guard


@dataclass(frozen=True)
class Rule:
    """A profession or a level rule: any pattern matches and no exclude matches."""

    name: str  # profession id or level name
    patterns: tuple[Pattern, ...]
    combined: re.Pattern[str]
    exclude: re.Pattern[str] | None


@dataclass(frozen=True)
class Profession:
    id: str
    ru: str
    en: str
    priority: int
    rule: Rule
    hh_roles: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    professions: tuple[Profession, ...]  # sorted by priority: first match wins
    level_rules: tuple[Rule, ...]  # in file order: first match wins
    experience: Mapping[str, str]  # hh experience id → level
    role_to_profession: Mapping[str, str]  # hh role id → profession (best priority)
    lookalikes: Mapping[str, str] = dataclasses.field(default_factory=dict)  # latin → cyrillic


def _normalise_pattern(text: str) -> str:
    """Apply the title normalisation to a pattern without breaking regex syntax.

    ``ё`` → ``е`` everywhere; outside ``[...]`` a hyphen or slash between two letters and runs
    of spaces become one space, so an editor can write ``аккаунт-менеджер`` or ``ui/ux``.
    """
    text = text.replace("ё", "е").replace("Ё", "Е").strip()
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(text[i : i + 2])
            i += 2
            continue
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif not in_class and ch in "-/" and 0 < i < len(text) - 1:
            if text[i - 1].isalnum() and text[i + 1].isalnum():
                ch = " "
        if ch == " " and out and out[-1] == " ":
            i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _body(raw: str) -> str:
    """A pattern as a self-contained group, ready to be joined into an alternation."""
    return "(?:" + _normalise_pattern(raw) + ")"


def _compile(regex: str, what: str) -> re.Pattern[str]:
    try:
        return re.compile(regex, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"{what}: bad regex {regex!r}: {exc}") from exc


def _as_str_list(value: Any, what: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise ValueError(f"{what}: expected a list of strings, got {value!r}")
    return [str(v) for v in value]


def _build_rule(name: str, patterns: Sequence[str], exclude: Sequence[str], what: str) -> Rule:
    if not patterns:
        raise ValueError(f"{what}: no patterns")
    compiled: list[Pattern] = []
    for raw in patterns:
        if not raw.strip():
            raise ValueError(f"{what}: empty pattern")
        regex = _WORD_START + _body(raw)
        compiled.append(Pattern(f"{name}:{raw}", raw, _compile(regex, f"{what} pattern {raw!r}")))
    # One shared word-start guard in front of the alternation: ~8x faster than a guard per
    # branch, because re then tests the lookbehind once per position, not once per branch.
    combined = _compile(_WORD_START + "(?:" + "|".join(_body(p.source) for p in compiled) + ")", what)
    excl = None
    if exclude:
        for raw in exclude:
            _compile(_WORD_START + _body(raw), f"{what} exclude {raw!r}")
        excl = _compile(
            _WORD_START + "(?:" + "|".join(_body(raw) for raw in exclude) + ")", f"{what} exclude"
        )
    return Rule(name=name, patterns=tuple(compiled), combined=combined, exclude=excl)


def _known_roles(reference: Path) -> set[str] | None:
    path = reference / "hh_professional_roles.json"
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(r["id"]) for c in data.get("categories", []) for r in c.get("roles", [])}


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path.name}: not valid YAML: {exc}") from exc


_PROFESSION_KEYS = {"ru", "en", "priority", "patterns", "exclude", "hh_roles", "note"}


def _parse_professions(doc: Any, known_roles: set[str] | None) -> tuple[Profession, ...]:
    if not isinstance(doc, dict) or not isinstance(doc.get("professions"), dict):
        raise ValueError("professions.yaml: expected a top-level mapping 'professions: {id: {...}}'")
    out: list[Profession] = []
    for pid, spec in doc["professions"].items():
        what = f"professions.yaml: profession {pid!r}"
        if not isinstance(pid, str) or not re.fullmatch(r"[a-z0-9_]+", pid):
            raise ValueError(f"{what}: id must be lower-case latin letters, digits and _")
        if pid == OTHER:
            raise ValueError(f"{what}: '{OTHER}' is the built-in fallback; do not define it")
        if not isinstance(spec, dict):
            raise ValueError(f"{what}: expected a mapping")
        unknown = set(spec) - _PROFESSION_KEYS
        if unknown:
            raise ValueError(f"{what}: unknown keys {sorted(unknown)}")
        for key in ("ru", "en"):
            if not isinstance(spec.get(key), str) or not spec[key].strip():
                raise ValueError(f"{what}: missing display name '{key}'")
        priority = spec.get("priority")
        if not isinstance(priority, int) or isinstance(priority, bool):
            raise ValueError(f"{what}: 'priority' must be an integer")
        roles = _as_str_list(spec.get("hh_roles"), f"{what} hh_roles")
        if known_roles is not None:
            bad = [r for r in roles if r not in known_roles]
            if bad:
                raise ValueError(f"{what}: unknown hh professional_role ids {bad}")
        rule = _build_rule(
            pid,
            _as_str_list(spec.get("patterns"), f"{what} patterns"),
            _as_str_list(spec.get("exclude"), f"{what} exclude"),
            what,
        )
        out.append(Profession(pid, spec["ru"], spec["en"], priority, rule, tuple(roles)))
    out.sort(key=lambda p: p.priority)  # stable: equal priorities keep file order
    return tuple(out)


def _parse_levels(doc: Any) -> tuple[tuple[Rule, ...], dict[str, str]]:
    if not isinstance(doc, dict):
        raise ValueError("levels.yaml: expected a mapping with 'title_rules' and 'experience'")
    rules: list[Rule] = []
    for n, spec in enumerate(doc.get("title_rules") or [], start=1):
        what = f"levels.yaml: title_rules #{n}"
        if not isinstance(spec, dict):
            raise ValueError(f"{what}: expected a mapping with 'level' and 'patterns'")
        level = spec.get("level")
        what = f"{what} (level {level!r})"
        if level not in LEVELS:
            raise ValueError(f"{what}: unknown level name; use one of {', '.join(LEVELS)}")
        unknown = set(spec) - {"level", "patterns", "exclude", "note"}
        if unknown:
            raise ValueError(f"{what}: unknown keys {sorted(unknown)}")
        rules.append(
            _build_rule(
                level,
                _as_str_list(spec.get("patterns"), f"{what} patterns"),
                _as_str_list(spec.get("exclude"), f"{what} exclude"),
                what,
            )
        )
    if not rules:
        raise ValueError("levels.yaml: no title_rules")
    experience = doc.get("experience") or {}
    if not isinstance(experience, dict):
        raise ValueError("levels.yaml: 'experience' must map hh experience ids to levels")
    for exp, level in experience.items():
        if exp not in EXPERIENCE_IDS:
            raise ValueError(
                f"levels.yaml: experience {exp!r}: unknown hh experience id; use {EXPERIENCE_IDS}"
            )
        if level not in LEVELS:
            raise ValueError(f"levels.yaml: experience {exp!r}: unknown level name {level!r}; use {LEVELS}")
    return tuple(rules), dict(experience)


_LATIN = "abcdefghijklmnopqrstuvwxyz"
_CYRILLIC = "абвгдежзийклмнопрстуфхцчшщъыьэюя"  # after lower-casing and ё → е


def _parse_lookalikes(doc: Any) -> dict[str, str]:
    """``latin_to_cyrillic: {a: а, ...}`` → a one-to-one dict of single lower-case letters."""
    what = "lookalikes.yaml"
    if not isinstance(doc, dict) or not isinstance(doc.get("latin_to_cyrillic"), dict):
        raise ValueError(f"{what}: expected a mapping 'latin_to_cyrillic: {{latin: cyrillic}}'")
    pairs = doc["latin_to_cyrillic"]
    for lat, cyr in pairs.items():
        if not (isinstance(lat, str) and len(lat) == 1 and lat in _LATIN):
            raise ValueError(f"{what}: {lat!r} is not one lower-case Latin letter")
        if not (isinstance(cyr, str) and len(cyr) == 1 and cyr in _CYRILLIC):
            raise ValueError(f"{what}: {lat!r}: {cyr!r} is not one lower-case Cyrillic letter")
    if len(set(pairs.values())) != len(pairs):
        raise ValueError(f"{what}: a Cyrillic letter is the look-alike of two Latin letters")
    return dict(pairs)


@functools.cache
def load_rules(reference: Path = REFERENCE) -> Rules:
    """Read and validate the YAML files once per process (cached).

    Raises ValueError naming the offending rule, so a typo in the YAML fails loudly at start-up
    rather than silently sending every title to ``other``.
    """
    reference = Path(reference)
    professions = _parse_professions(_load_yaml(reference / "professions.yaml"), _known_roles(reference))
    level_rules, experience = _parse_levels(_load_yaml(reference / "levels.yaml"))
    role_to_profession: dict[str, str] = {}
    for prof in professions:  # priority order: the first claim on a role wins
        for role in prof.hh_roles:
            role_to_profession.setdefault(role, prof.id)
    lookalikes_path = reference / "lookalikes.yaml"
    lookalikes = _parse_lookalikes(_load_yaml(lookalikes_path)) if lookalikes_path.exists() else {}
    return Rules(professions, level_rules, experience, role_to_profession, lookalikes)


# --------------------------------------------------------------------------- matching


# A word mixing the alphabets always has a Latin letter next to a Cyrillic one (or vice versa).
_MIXED_WORD = re.compile(f"[{_LATIN}][{_CYRILLIC}]|[{_CYRILLIC}][{_LATIN}]")
_LETTER_RUN = re.compile(f"[{_LATIN}{_CYRILLIC}]+")


def _fold_word(word: str, to_cyr: dict[int, str], to_lat: dict[int, str]) -> str:
    """One word in one alphabet, by the rules at the top of lookalikes.yaml."""
    n_lat = sum(ch in _LATIN for ch in word)
    n_cyr = len(word) - n_lat
    if not n_lat or not n_cyr:
        return word
    as_cyr, as_lat = word.translate(to_cyr), word.translate(to_lat)
    cyr_ok = not any(ch in _LATIN for ch in as_cyr)  # every Latin letter had a look-alike
    lat_ok = not any(ch in _CYRILLIC for ch in as_lat)
    if cyr_ok and (n_cyr > n_lat or not lat_ok):
        return as_cyr
    if lat_ok and (n_lat > n_cyr or not cyr_ok):
        return as_lat
    return word


def fold_lookalikes(text: pd.Series, lookalikes: Mapping[str, str]) -> pd.Series:
    """Write every word that mixes Latin and Cyrillic letters in one alphabet.

    ``text`` is already lower-cased with ё → е. Vectorised: one regex test over all titles finds
    the (rare) ones with a mixed word; only those are rewritten, word by word.
    """
    if not lookalikes or text.empty:
        return text
    mixed = _contains(text, _MIXED_WORD)
    if not mixed.any():
        return text
    to_cyr = str.maketrans(dict(lookalikes))
    to_lat = str.maketrans({c: lat for lat, c in lookalikes.items()})
    out = text.copy()
    out[mixed] = text[mixed].str.replace(
        _LETTER_RUN, lambda m: _fold_word(m.group(0), to_cyr, to_lat), regex=True
    )
    return out


def normalise_titles(titles: pd.Series, lookalikes: Mapping[str, str] | None = None) -> pd.Series:
    """Lower-case, ё→е, separators → single spaces, look-alike letters folded (vectorised).

    ``lookalikes`` (Latin → Cyrillic letter): the shipped table of lookalikes.yaml when None.
    """
    if lookalikes is None:
        lookalikes = load_rules().lookalikes
    s = titles.fillna("").astype(str).str.lower().str.replace("ё", "е", regex=False)
    s = s.str.replace(_SEPARATORS, " ", regex=True)
    s = s.str.replace(r"\s+", " ", regex=True).str.strip()
    return fold_lookalikes(s, lookalikes)


def _contains(text: pd.Series, regex: re.Pattern[str]) -> np.ndarray:
    """Vectorised ``regex.search`` over ``text`` as a bool array.

    pandas warns when a pattern has capture groups (it suggests ``str.extract``); rule authors
    write ``(a|b)`` all the time and we only need a yes/no, so the warning is noise here.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "This pattern is interpreted as a regular expression", UserWarning)
        return text.str.contains(regex, regex=True).to_numpy(dtype=bool)


def _first_match(text: pd.Series, rules: Sequence[Rule]) -> tuple[np.ndarray, np.ndarray]:
    """For each text, the first rule (in order) that matches: its name and matching pattern id.

    Each rule is tried only on the texts still undecided, so the cost falls as rules claim texts.
    """
    names = np.full(len(text), None, dtype=object)
    rule_ids = np.full(len(text), NONE_RULE, dtype=object)
    open_ = np.ones(len(text), dtype=bool)
    for rule in rules:
        idx = np.flatnonzero(open_)
        if idx.size == 0:
            break
        sub = text.iloc[idx]
        hit = _contains(sub, rule.combined)
        if rule.exclude is not None and hit.any():
            hit[hit] = ~_contains(sub[hit], rule.exclude)
        if not hit.any():
            continue
        hit_idx = idx[hit]
        names[hit_idx] = rule.name
        open_[hit_idx] = False
        # Which pattern fired: only on the (few) hits, one pattern at a time, first wins.
        left = hit_idx
        for pat in rule.patterns:
            if left.size == 0:
                break
            m = _contains(text.iloc[left], pat.regex)
            rule_ids[left[m]] = pat.rule_id
            left = left[~m]
    return names, rule_ids


def _roles_fallback(
    roles: pd.Series, todo: np.ndarray, rules: Rules
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Profession from hh professional_roles for rows whose title decided nothing.

    Rows are exploded (vectorised), each role mapped to its profession, and the best-priority
    profession per row kept. Returns (row positions, profession ids, rule ids).
    """
    empty = (np.array([], dtype=np.int64), np.array([], dtype=object), np.array([], dtype=object))
    if not todo.any() or not rules.role_to_profession:
        return empty
    sub = pd.Series(roles.to_numpy()[todo], index=np.flatnonzero(todo), dtype=object)
    ex = sub.explode().dropna().astype(str)
    prof = ex.map(rules.role_to_profession)
    keep = prof.notna().to_numpy()
    if not keep.any():
        return empty
    order = {p.id: p.priority for p in rules.professions}
    frame = pd.DataFrame({"pos": ex.index[keep], "role": ex.to_numpy()[keep], "prof": prof.to_numpy()[keep]})
    frame["prio"] = frame["prof"].map(order)
    best = frame.sort_values(["pos", "prio"], kind="stable").drop_duplicates("pos")
    return (
        best["pos"].to_numpy(dtype=np.int64),
        best["prof"].to_numpy(dtype=object),
        ("hh_role:" + best["role"]).to_numpy(dtype=object),
    )


def classify(
    titles: pd.Series,
    experience: pd.Series | None = None,
    roles: pd.Series | None = None,
    *,
    reference: Path | None = None,
) -> pd.DataFrame:
    """Profession and level for every title; same index as ``titles``.

    Columns: ``profession`` (id from professions.yaml, or ``other``), ``level`` (ladder name or
    None), ``level_rule`` (``title:<level>``, ``experience:<hh id>`` or ``none``) and
    ``profession_rule`` (``<profession>:<pattern>``, ``hh_role:<id>`` or ``none``).

    The title decides first; ``roles`` (lists of hh professional_role ids) only rescue titles
    no pattern recognises, and ``experience`` (hh ids) only sets the level when the title names
    none. ``experience`` and ``roles`` must be aligned with ``titles`` by position.
    """
    rules = load_rules(REFERENCE if reference is None else Path(reference))
    codes, uniques = pd.factorize(titles, use_na_sentinel=True)
    text = normalise_titles(pd.Series(uniques, dtype=object), rules.lookalikes)

    prof_u, prof_rule_u = _first_match(text, [p.rule for p in rules.professions])
    level_u, level_rule_u = _first_match(text, rules.level_rules)
    level_rule_u = np.where(level_u == None, NONE_RULE, "title:" + level_u.astype(str))  # noqa: E711

    # Map back to rows; code -1 (missing title) → appended "nothing" slot.
    def back(values: np.ndarray, missing: object) -> np.ndarray:
        return np.append(values, np.array([missing], dtype=object))[codes]

    profession = back(prof_u, OTHER)
    profession = np.where(profession == None, OTHER, profession)  # noqa: E711
    profession_rule = back(prof_rule_u, NONE_RULE)
    level = back(level_u, None)
    level_rule = back(level_rule_u, NONE_RULE)

    if roles is not None:
        if len(roles) != len(titles):
            raise ValueError("roles must be aligned with titles (same length)")
        pos, found, found_rule = _roles_fallback(roles, profession == OTHER, rules)
        profession[pos] = found
        profession_rule[pos] = found_rule

    if experience is not None:
        if len(experience) != len(titles):
            raise ValueError("experience must be aligned with titles (same length)")
        exp = pd.Series(experience.to_numpy(), dtype=object)
        exp_level = exp.map(rules.experience).to_numpy(dtype=object)
        use = (level == None) & pd.notna(exp_level)  # noqa: E711
        level = np.where(use, exp_level, level)
        level_rule = np.where(use, "experience:" + exp.astype(str).to_numpy(), level_rule)

    level = np.where(pd.isna(level), None, level)
    return pd.DataFrame(
        {
            "profession": profession,
            "level": level,
            "level_rule": level_rule,
            "profession_rule": profession_rule,
        },
        index=titles.index,
        columns=list(OUTPUT_COLUMNS),
    )


def profession_names(reference: Path | None = None) -> dict[str, dict[str, str]]:
    """Display names per profession id (incl. ``other``), for charts and filters."""
    rules = load_rules(REFERENCE if reference is None else Path(reference))
    names = {p.id: {"ru": p.ru, "en": p.en} for p in rules.professions}
    names[OTHER] = {"ru": "Другое", "en": "Other"}
    return names


# --------------------------------------------------------------------------- CLI


def classify_cli(lines: Iterable[str], out: TextIO = sys.stdout, as_json: bool = False) -> int:
    """Classify titles given one per line (blank lines skipped); return an exit code.

    Text output: ``title<TAB>profession<TAB>level<TAB>profession_rule;level_rule`` (level ``-``
    when unknown). ``as_json``: one JSON object per line with the same fields.
    """
    titles = [line.rstrip("\r\n") for line in lines]
    titles = [t for t in titles if t.strip()]
    if not titles:
        return 0
    try:
        result = classify(pd.Series(titles, dtype=object))
    except ValueError as exc:
        print(f"classify: {exc}", file=sys.stderr)
        return 2
    for title, row in zip(titles, result.itertuples(index=False), strict=True):
        if as_json:
            record = {"title": title, **row._asdict()}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            level = row.level or "-"
            out.write(f"{title}\t{row.profession}\t{level}\t{row.profession_rule};{row.level_rule}\n")
    return 0
