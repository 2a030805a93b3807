"""Plain-text tables and number formats for the benchmark printout."""

from __future__ import annotations

import os
import platform
from collections.abc import Sequence


def table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]], note: str = "") -> str:
    """A fixed-width table: first column left-aligned, the others right-aligned."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(r: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))

    rule = "-" * len(line(cells[0]))
    out = [f"\n{title}", rule, line(cells[0]), rule, *(line(r) for r in cells[1:]), rule]
    if note:
        out.append(note)
    return "\n".join(out)


def num(x: float | int | None, digits: int = 0) -> str:
    """12 345 678 with thin spacing as in the app; None → '—'."""
    if x is None:
        return "—"
    return f"{x:,.{digits}f}".replace(",", " ")


def ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:,.1f}".replace(",", " ")


def mb(n_bytes: float | None) -> str:
    return "—" if n_bytes is None else f"{n_bytes / 2**20:,.1f}".replace(",", " ")


def ratio(slow: float | None, fast: float | None) -> str:
    if not slow or not fast:
        return "—"
    return f"×{slow / fast:,.1f}".replace(",", " ")


def machine() -> str:
    """Cores, RAM and versions, so figures from different machines are not compared blindly."""
    import duckdb
    import pandas as pd

    mem = 0
    try:
        for line in open("/proc/meminfo", encoding="ascii"):
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())  # other work on the box skews every timing
    return (f"machine: {usable} cores usable ({os.cpu_count()} online), {mem / 2**30:.1f} GiB RAM, {cpu}\n"
            f"load average at start: {load}\n"
            f"python {platform.python_version()}, pandas {pd.__version__}, duckdb {duckdb.__version__}, "
            f"{platform.system()} {platform.release()}")
