"""The pages of the app, in menu order: (file stem in pages/, Material icon: Streamlit ships the font, so it renders offline). A page's title is the UI text
``page_<stem>``. Files not (yet) present are left out, so a page lands with its own file."""

from __future__ import annotations

from pathlib import Path

PAGES: tuple[tuple[str, str], ...] = (
    ("pay_ranges", ":material/bar_chart:"),
    ("career_ladder", ":material/stairs:"),
    ("regions", ":material/map:"),
    ("offer_check", ":material/fact_check:"),
    ("market", ":material/trending_up:"),
    ("data", ":material/database:"),
)


def available(pages_dir: Path) -> list[tuple[Path, str, str]]:
    """(path, stem, icon) of the pages whose files exist."""
    return [(pages_dir / f"{stem}.py", stem, icon) for stem, icon in PAGES if (pages_dir / f"{stem}.py").exists()]
