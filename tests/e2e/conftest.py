"""Browser fixtures: one Streamlit server and one headless Debian Chromium per session, a fresh
browser context (a new Streamlit session) per test.

The browser is Debian's ``/usr/bin/chromium``, never a Playwright download: CI installs it with apt
(``.ci/run``). Its resolver maps every host except 127.0.0.1 to "not found", so a test cannot reach
the network even if the app tried to, and every request the page makes is recorded so a test can
say the app stayed offline.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, WebSocket
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from analytics.i18n import t
from ui import nav

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
MISSING_CHROMIUM = "Debian chromium missing: run `apt-get install -y chromium` (CI's .ci/run does this)"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
VIEWPORT = {"width": 1400, "height": 900}
SERVER_START_TIMEOUT_S = 60
RUN_TIMEOUT_MS = 60_000  # one script run of a page on the ~29 k-vacancy snapshot, generous for a busy CI box
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
NAV_LINKS = '[data-testid="stSidebarNav"] a'

# A script run ends with a ``script_finished`` message on the app's websocket. Counting those (in
# Python, from the frames Playwright sees) lets a test wait for exactly the run its own click
# caused. Watching the DOM's "running" flag is not enough: a fast run can start and end within
# one React render, and the flag never shows it.
_RUN_DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}
_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]'


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _stop(proc: subprocess.Popen) -> None:
    """Terminate the server's whole process group (streamlit may spawn helpers), then reap it."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's chromium. Missing is a failure, not a skip: a green run must mean the pages were seen."""
    if not CHROMIUM.exists():
        raise RuntimeError(MISSING_CHROMIUM)
    return CHROMIUM


@contextmanager
def streamlit_server(warehouse: Path, log_dir: Path) -> Iterator[str]:
    """``streamlit run app.py`` on a free loopback port over ``warehouse``; yields its base URL and
    stops the whole process group afterwards."""
    port = _free_port()
    log_path = log_dir / f"streamlit-{port}.log"
    env = {**os.environ, "VILKA_WAREHOUSE": str(warehouse),
           "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--server.fileWatcherType", "none", "--server.runOnSave", "false",
           "--browser.gatherUsageStats", "false"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not _healthy(f"{base}/_stcore/health"):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not come up on {base} within {SERVER_START_TIMEOUT_S} s "
                                   f"(exit code {proc.poll()}); its log:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.2)
        yield base
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def fresh_server(snapshot_warehouse, tmp_path_factory):
    """A factory of servers nobody has opened yet (for tests about a server's first session)."""
    return lambda: streamlit_server(snapshot_warehouse, tmp_path_factory.mktemp("streamlit"))


@pytest.fixture(scope="session")
def app_url(snapshot_warehouse, tmp_path_factory, browser) -> Iterator[str]:
    """The session's server, already opened once.

    The warm-up matters: a fresh server treats its first browser session in Streamlit's legacy
    ``pages/``-directory mode (see test_widgets.py), which would make whichever test ran first
    behave differently from the rest.
    """
    # opt-in: VILKA_E2E_WAREHOUSE=<a warehouse file or Parquet lake directory> runs the pages on it
    wh = Path(os.environ["VILKA_E2E_WAREHOUSE"]) if os.environ.get("VILKA_E2E_WAREHOUSE") else snapshot_warehouse
    with streamlit_server(wh, tmp_path_factory.mktemp("streamlit")) as base:
        with app_tab(browser, base) as app:
            app.open("")
        yield base


@pytest.fixture(scope="session")
def nav_links(browser, app_url) -> list[tuple[str, str]]:
    """(text, URL path) of each link of the sidebar menu, in order, as a visitor sees them.

    Tests open pages by these paths rather than guessing how app.py names them; the menu is
    absent when the app has a single page."""
    with app_tab(browser, app_url) as app:
        app.open("")
        links = app.page.locator(NAV_LINKS)
        return [(links.nth(i).inner_text(), urlsplit(links.nth(i).get_attribute("href") or "").path.strip("/"))
                for i in range(links.count())]


@pytest.fixture(scope="session")
def browser(chromium_path, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        # launch() gives Chromium a fresh temporary --user-data-dir of its own; HOME points at a temp
        # folder too, so the Debian wrapper's crash-report housekeeping never touches a real home.
        b = pw.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS,
                               env={**os.environ, "HOME": str(profile)})
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def screenshot_dirs(tmp_path_factory) -> list[Path]:
    """Where screenshots go: a pytest temp folder, plus $VILKA_SCREENSHOTS if set (for a human)."""
    dirs = [tmp_path_factory.mktemp("screens")]
    if os.environ.get("VILKA_SCREENSHOTS"):
        extra = Path(os.environ["VILKA_SCREENSHOTS"])
        extra.mkdir(parents=True, exist_ok=True)
        dirs.append(extra)
    return dirs


@dataclass
class AppPage:
    """A browser tab on the app, with the waits every test needs."""

    page: Page
    base: str
    screenshot_dirs: list[Path] = field(default_factory=list)
    runs_done: int = 0
    requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    viewport: dict[str, int] = field(default_factory=lambda: dict(VIEWPORT))

    def watch(self, ws: WebSocket) -> None:
        if ws.url.endswith("/_stcore/stream"):
            ws.on("framereceived", self._frame)

    def _frame(self, payload: bytes | str) -> None:
        if isinstance(payload, str):
            return
        msg = ForwardMsg.FromString(payload)
        kind = msg.WhichOneof("type")
        if kind == "script_finished" and msg.script_finished in _RUN_DONE:
            self.runs_done += 1
        elif kind == "page_not_found":
            self.not_found.append(msg.page_not_found.page_name)

    def wait_idle(self, after: int) -> None:
        """Wait until more than ``after`` runs have finished and the app shows it is idle."""
        deadline = time.monotonic() + RUN_TIMEOUT_MS / 1000
        while self.runs_done <= after:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no script run finished within {RUN_TIMEOUT_MS} ms ({self.page.url})")
            self.page.wait_for_timeout(25)  # lets Playwright deliver websocket frames
        self.page.locator(_IDLE).wait_for(state="attached", timeout=RUN_TIMEOUT_MS)

    def act(self, action: Callable[[], None]) -> None:
        """Do something that reruns the script, and wait for that rerun to finish."""
        before = self.runs_done
        action()
        self.wait_idle(before)

    def open(self, path: str) -> None:
        """Load ``path`` in a new Streamlit session and wait for its first run."""
        self.runs_done = 0
        self.page.goto(f"{self.base}/{path}")
        self.wait_idle(0)

    def pick(self, key: str, text: str) -> None:
        """Choose one option of the multiselect with widget key ``key``: click it, type ``text``,
        click the option whose label is ``text`` (optionally followed by " (n)" and " · aliases"),
        close the list.

        Clicking the option rather than pressing Enter: Streamlit 1.67 highlights a "Select N
        matches" entry first, so Enter would take every match ("Москва" also matches "Московская
        область")."""
        self.page.locator(f".st-key-{key} input").click()
        self.page.keyboard.type(text)
        option = self.page.get_by_role("option", name=re.compile(rf"^{re.escape(text)}(\s\(\d[\d\s]*\))?(\s·\s.*)?$"))
        self.act(option.click)
        self.page.keyboard.press("Escape")

    def choose(self, key: str, label: str) -> None:
        """Click the radio option labelled ``label`` of the radio with widget key ``key``."""
        self.act(self.page.locator(f".st-key-{key}").get_by_text(label, exact=True).click)

    def tags(self, key: str) -> list[str]:
        """The chosen options of a multiselect, as shown."""
        return self.page.locator(f".st-key-{key} [data-tag] span[title]").all_inner_texts()

    def external_requests(self) -> list[str]:
        return [u for u in self.requests
                if urlsplit(u).scheme in ("http", "https", "ws", "wss") and urlsplit(u).hostname not in LOCAL_HOSTS]

    def screenshot(self, name: str) -> list[Path]:
        """The whole page, not just the viewport: Streamlit scrolls inside its main pane, so the
        viewport is stretched to the pane's content height for the shot, then put back."""
        height = self.page.evaluate("""() => Math.max(...[...document.querySelectorAll(
            '[data-testid="stMain"], [data-testid="stSidebarContent"]')].map(e => e.scrollHeight), 0)""")
        self.page.set_viewport_size({"width": self.viewport["width"],
                                     "height": min(max(height, self.viewport["height"]), 8000)})
        try:
            # the resize makes plotly redraw every chart: shoot the redrawn page, not blank frames
            self.page.wait_for_timeout(300)
            self.page.wait_for_function("""() => [...document.querySelectorAll('.js-plotly-plot')]
                .every(p => p.querySelector('.main-svg'))""", timeout=RUN_TIMEOUT_MS)
            self.page.locator(_IDLE).wait_for(state="attached", timeout=RUN_TIMEOUT_MS)
            first = self.screenshot_dirs[0] / f"{name}.png"
            self.page.screenshot(path=str(first), full_page=True, animations="disabled")
            for d in self.screenshot_dirs[1:]:
                shutil.copyfile(first, d / first.name)
            return [d / first.name for d in self.screenshot_dirs]
        finally:
            self.page.set_viewport_size(self.viewport)


@contextmanager
def app_tab(browser: Browser, base: str, screenshot_dirs: list[Path] | None = None,
            viewport: dict[str, int] | None = None) -> Iterator[AppPage]:
    """A fresh browser context, so a new Streamlit session (default filters, Russian)."""
    context = browser.new_context(viewport=viewport or VIEWPORT, locale="ru-RU", timezone_id="Europe/Moscow")
    context.set_default_timeout(RUN_TIMEOUT_MS)
    page = context.new_page()
    ap = AppPage(page=page, base=base, screenshot_dirs=screenshot_dirs or [], viewport=viewport or VIEWPORT)
    page.on("websocket", ap.watch)
    page.on("request", lambda r: ap.requests.append(r.url))
    page.on("pageerror", lambda e: ap.page_errors.append(str(e)))
    try:
        yield ap
    finally:
        context.close()


@pytest.fixture()
def app_page(browser, app_url, screenshot_dirs) -> Iterator[AppPage]:
    with app_tab(browser, app_url, screenshot_dirs) as ap:
        yield ap


@pytest.fixture()
def url_path(nav_links):
    """The path of a page, read off the sidebar menu by the page's title (a lone page is the root)."""
    def path(stem: str) -> str:
        if len(nav.available(ROOT / "pages")) == 1:
            return ""
        title = t(f"page_{stem}", "ru")
        found = [p for text, p in nav_links if text.strip().endswith(title)]
        assert found, f"no menu link titled {title!r} in {nav_links}"
        return found[0]
    return path
