"""The pages of the app, in menu order: (file stem in pages/, icon). A page's title is the UI text
``page_<stem>``. Files not (yet) present are left out, so a page lands with its own file."""

from __future__ import annotations

from pathlib import Path

PAGES: tuple[tuple[str, str], ...] = (
    ("pay_ranges", "📊"),
    ("career_ladder", "🪜"),
    ("regions", "🗺️"),
    ("offer_check", "🧾"),
    ("market", "📈"),
    ("data", "🗄️"),
)


def available(pages_dir: Path) -> list[tuple[Path, str, str]]:
    """(path, stem, icon) of the pages whose files exist."""
    return [(pages_dir / f"{stem}.py", stem, icon) for stem, icon in PAGES if (pages_dir / f"{stem}.py").exists()]
