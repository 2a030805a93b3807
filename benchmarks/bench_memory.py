"""Figure 5: peak memory of the running app after a browser has visited every page.

The app is started as users start it (``streamlit run app.py``) on a free loopback port with
``VILKA_WAREHOUSE`` pointing at the bench warehouse; headless Debian chromium, driven by
Playwright, opens each page and waits until the script has finished and no spinner is left.
Peak RSS is ``VmHWM`` from ``/proc/<pid>/status`` of the server and any children it started.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from ui import nav

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
_SETTLED = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app && app.getAttribute('data-test-script-state') === 'notRunning'
      && !document.querySelector('[data-testid="stSpinner"]')
      && !!document.querySelector('[data-testid="stMain"] h1');
}"""


@dataclass
class MemoryFigures:
    skipped: str | None = None
    peak_rss_bytes: int = 0
    rss_bytes: int = 0
    pages: dict[str, float] = field(default_factory=dict)  # url path → seconds until settled
    missing: list[str] = field(default_factory=list)  # pages in ui/nav.py without a file yet
    errors: dict[str, str] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from /proc (children of a child included)."""
    parents: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(d.name)] = int(fields[1])
            except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
                continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += [c for c, pp in parents.items() if pp == p]
    return out


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("streamlit did not become healthy")


def bench_app_memory(wh_path: Path, timeout_ms: int = 120_000) -> MemoryFigures:
    """Start the app on ``wh_path``, visit every page that exists, report peak RSS."""
    if not CHROMIUM.exists():
        return MemoryFigures(skipped=f"no {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return MemoryFigures(skipped="playwright not installed")
    pages = nav.available(ROOT / "pages")
    present = {stem for _, stem, _ in pages}
    figures = MemoryFigures(missing=[stem for stem, _ in nav.PAGES if stem not in present])
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "VILKA_WAREHOUSE": str(wh_path)}
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--browser.gatherUsageStats", "false"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_healthy(url, proc)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                for i, (_, stem, _) in enumerate(pages):
                    path = "" if i == 0 else stem  # the first page is served at "/", the others at their stem
                    t0 = time.perf_counter()
                    try:
                        page.goto(f"{url}/{path}", timeout=timeout_ms)
                        page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
                        page.wait_for_function(_SETTLED, timeout=timeout_ms)
                        if page.get_by_text("Page not found").count():
                            raise RuntimeError(f"no page at /{path}")
                        figures.pages[stem] = time.perf_counter() - t0
                    except Exception as exc:  # a page that never settles is reported, not fatal
                        figures.errors[stem] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:100]}"
            finally:
                browser.close()
        tree = _tree(proc.pid)
        figures.peak_rss_bytes = sum(_kib(pid, "VmHWM") for pid in tree)
        figures.rss_bytes = sum(_kib(pid, "VmRSS") for pid in tree)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return figures
