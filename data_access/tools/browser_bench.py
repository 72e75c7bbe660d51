"""Every page timed in headless Chromium, as a user feels it: ``python -m data_access.tools.browser_bench``.

For one database, the real app (``streamlit run app.py``) is started on a port and, through Playwright
with Debian's chromium (no browser download):

- **first page after start**: the first page of the menu opened on the fresh server, from the request to
  the script finished and every chart drawn (this includes loading the book and the as-of state);
- then the server is left until it is idle: after its first page it prepares the early-warning model in
  the background (a minute at 1M invoices), once per start; pages timed meanwhile would share the cores
  with that work. How long it took is reported;
- for every page of the app's menu, which the shell draws from ``dashboard.navigation.PAGES`` (so a new
  page is measured without touching this file):
  its **first visit** (a new session; the page's own caches are cold), its **warm load** (a new session
  again, caches warm; median of ``repeat``), and a **filter change in the session**: a region chosen in
  the sidebar, then removed again, each timed from the key press to the script finished and the charts
  drawn (median of ``2 × repeat``).

"Finished" is read from the page itself: a MutationObserver records when Streamlit's script state goes
to ``running`` and back to ``notRunning``; the clock stops when, after a run that started after the
action, the state is ``notRunning``, no element is a loading skeleton and every Plotly chart has drawn
its SVG. Times are the browser's own ``performance.now()``.

The server's memory is read from ``/proc`` (the app process and its SQLite reader processes): the peak
of the app process (VmHWM) and the current resident total. Nothing here imports Streamlit or the dashboard.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from data_access.settings import PROJECT_ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]  # fmt: skip
VIEWPORT = {"width": 1440, "height": 1000}
REGION_TYPED = "East China"  # the region chosen and removed again by the filter change

# Installed before any page script: the times at which Streamlit's script state changed.
_OBSERVER_JS = """
window.__rdashRuns = [];
(function () {
  let last = null;
  const note = () => {
    const element = document.querySelector('[data-test-script-state]');
    const state = element ? element.getAttribute('data-test-script-state') : null;
    if (state !== last) { last = state; window.__rdashRuns.push([state, performance.now()]); }
  };
  new MutationObserver(note).observe(document, {subtree: true, childList: true, attributes: true,
                                                 attributeFilter: ['data-test-script-state']});
})();
"""

# True (the time) once a run that started after ``since`` has finished and everything is drawn.
_DONE_JS = """
(since) => {
  const runs = window.__rdashRuns || [];
  const started = runs.some(([state, at]) => state === 'running' && at >= since);
  const element = document.querySelector('[data-test-script-state]');
  if (!started || !element || element.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stAppSkeleton"]')) return false;
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  if (charts.some(chart => !chart.querySelector('.main-svg'))) return false;
  if (!document.querySelector('[data-testid="stMain"] h1')) return false;
  const finished = runs.filter(([state, at]) => state === 'notRunning' && at >= since).map(([, at]) => at);
  return [performance.now(), finished.length ? finished[finished.length - 1] : performance.now()];
}
"""


def chromium_available() -> bool:
    if not Path(CHROMIUM).exists():
        return False
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    base: str
    process: subprocess.Popen

    def cpu_seconds(self) -> float:
        """CPU time the app process has used (user + system): its own work, whatever the machine's load."""
        fields_after_name = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields_after_name[11]) + int(fields_after_name[12])) / os.sysconf("SC_CLK_TCK")

    def wait_idle(self, timeout_s: float = 900, window_s: float = 2.0, busy_share: float = 0.1) -> float:
        """Seconds until the app process used less than ``busy_share`` of a core over ``window_s``: after the
        first page, the server prepares the early-warning model in the background (a minute at 1M invoices),
        and pages timed meanwhile would measure that work too, once after each start, not their own."""
        started = time.perf_counter()
        while time.perf_counter() - started < timeout_s:
            before = self.cpu_seconds()
            time.sleep(window_s)
            if self.cpu_seconds() - before < busy_share * window_s:
                break
        return time.perf_counter() - started

    def memory_mb(self) -> tuple[float, float]:
        """(peak resident MB of the app process, current resident MB of it and its children)."""
        return _status_kb(self.process.pid, "VmHWM") / 1024, sum(
            _status_kb(pid, "VmRSS") for pid in (self.process.pid, *_children(self.process.pid))
        ) / 1024


def _status_kb(pid: int, field_name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
                found.extend(_children(int(entry.name)))
    return found


@contextmanager
def serving(database_url: str, port: int | None = None, env: dict[str, str] | None = None) -> Iterator[Server]:
    """The real app under ``streamlit run`` on ``port`` (default: a free one), until the block ends."""
    port = port or free_port()
    environment = {**os.environ, **(env or {}), "RDASH_DATABASE_URL": database_url}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false"],
        cwd=PROJECT_ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError(f"streamlit did not start on port {port}")
        yield Server(base, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _new_page(browser):  # noqa: ANN001, ANN202 - Playwright objects
    page = browser.new_page(viewport=VIEWPORT)
    page.add_init_script(_OBSERVER_JS)
    return page


def _wait_done(page, since: float, timeout_s: float) -> tuple[float, float]:  # noqa: ANN001
    """Browser times at which, after ``since``, everything was drawn and the script had finished."""
    handle = page.wait_for_function(_DONE_JS, arg=since, polling="raf", timeout=timeout_s * 1000)
    drawn, finished = handle.json_value()
    return float(drawn), float(finished)


def _errors(page) -> int:  # noqa: ANN001
    return page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count()


def timed_visit(browser, url: str, timeout_s: float = 300) -> tuple[float, object]:  # noqa: ANN001
    """Open ``url`` in a new session; seconds from the request to the page finished and drawn."""
    page = _new_page(browser)
    started = time.perf_counter()
    page.goto(url, timeout=timeout_s * 1000)
    _wait_done(page, 0, timeout_s)
    return time.perf_counter() - started, page


def timed_filter_change(page, press, timeout_s: float = 300) -> tuple[float, float]:  # noqa: ANN001
    """Seconds (browser clock) from ``press()`` (the key that commits a change) to the page redrawn, and to
    the script finished on the server (as the browser learns it)."""
    since = page.evaluate("performance.now()")
    press()
    drawn, finished = _wait_done(page, since, timeout_s)
    return (drawn - since) / 1000, (finished - since) / 1000


def _region_box(page):  # noqa: ANN001, ANN202
    return page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first


def filter_changes(page, times: int, server: Server) -> list[tuple[float, float, float]]:  # noqa: ANN001
    """Choose a region, then remove it, ``times`` times each: every change timed (drawn, script finished,
    and the app process's CPU seconds for it)."""
    seconds = []
    for _ in range(times):
        for key in ("Enter", "Backspace"):
            _region_box(page).locator("input").click()
            if key == "Enter":
                page.keyboard.type(REGION_TYPED)
            cpu = server.cpu_seconds()
            drawn, finished = timed_filter_change(page, lambda key=key: page.keyboard.press(key))
            seconds.append((drawn, finished, server.cpu_seconds() - cpu))
            page.keyboard.press("Escape")
    return seconds


@dataclass
class PageTimes:
    url_path: str
    first_visit: float
    warm_load: float
    filter_change: float  # median, to everything drawn
    script_change: float  # median, to the script finished (the server's part)
    filter_changes: list[float] = field(default_factory=list)
    errors: int = 0
    load: float = 0.0  # the 1-minute load average after the page was measured
    server_cpu: float = 0.0  # median CPU seconds the app process spent on a filter change


@dataclass
class BrowserResult:
    first_page: float
    pages: list[PageTimes]
    peak_rss_mb: float
    rss_mb: float
    load_average: tuple[float, float, float]
    background_seconds: float = 0.0  # after the first page, until the server was idle (Server.wait_idle)


def menu_pages(page) -> list[str]:  # noqa: ANN001
    """The url paths of the page menu, in its order. The shell draws the menu from
    ``dashboard.navigation.PAGES``, so a page added there is measured without touching this file
    (``data_access`` does not import the dashboard; tests/test_layers.py)."""
    from urllib.parse import urlparse

    hrefs = page.eval_on_selector_all('[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]',
                                      "links => links.map(link => link.href)")  # fmt: skip
    paths = [urlparse(href).path.strip("/") for href in hrefs]
    return list(dict.fromkeys(p for p in paths if p))


def _measure_page(browser, server: Server, url_path: str, repeat: int, shots: Path | None, log) -> PageTimes:  # noqa: ANN001
    """One page: its first visit, warm loads and filter changes (module docstring)."""
    url = f"{server.base}/{url_path}"
    first_visit, page = timed_visit(browser, url)
    page.close()
    warm = []
    for n in range(repeat):
        seconds, page = timed_visit(browser, url)
        warm.append(seconds)
        if n != repeat - 1:  # the last session stays open for the filter changes
            page.close()
    changes = filter_changes(page, repeat, server)
    errors = _errors(page)
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / f"bench_{url_path}.png"), full_page=True)
    page.close()
    drawn = [d for d, _f, _c in changes]
    times = PageTimes(url_path, first_visit, statistics.median(warm), statistics.median(drawn),
                      statistics.median(f for _d, f, _c in changes), drawn, errors, os.getloadavg()[0],
                      statistics.median(c for _d, _f, c in changes))  # fmt: skip
    log(f"{url_path}: first visit {first_visit:.2f} s, warm load {times.warm_load:.2f} s, "
        f"filter change {times.filter_change:.2f} s ({', '.join(f'{c:.2f}' for c in drawn)}), script "
        f"finished after {times.script_change:.2f} s, server CPU {times.server_cpu:.2f} s, errors {errors}, "
        f"load {os.getloadavg()[0]:.1f}")  # fmt: skip
    return times


def measure_pages(database_url: str, *, repeat: int = 3, port: int | None = None, only: tuple[str, ...] = (),
                  shots: Path | None = None, log=print) -> BrowserResult:  # noqa: ANN001
    """Start the app on ``database_url`` and time every page of its menu (module docstring)."""
    with serving(database_url, port) as server, chromium() as browser:
        first, page = timed_visit(browser, f"{server.base}/")  # "/" opens the menu's first page
        paths = menu_pages(page)
        log(f"first page after start ({page.url.split('?')[0].rsplit('/', 1)[-1]}): {first:.2f} s; pages: {paths}")
        page.close()
        background = server.wait_idle()
        log(f"server idle {background:.1f} s after the first page (the background preparation had finished)")
        results = []
        for url_path in [p for p in paths if not only or p in only]:
            try:
                results.append(_measure_page(browser, server, url_path, repeat, shots, log))
            except Exception as exc:  # a page that does not finish in time is reported, the others still measured
                log(f"{url_path}: not measured: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
                nan = float("nan")
                results.append(PageTimes(url_path, nan, nan, nan, nan, [], errors=1, load=os.getloadavg()[0],
                                         server_cpu=nan))  # fmt: skip
        peak, rss = server.memory_mb()
    return BrowserResult(first, results, peak, rss, os.getloadavg(), background)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--page", action="append", default=[], help="only these url paths (default: every page)")
    parser.add_argument("--shots", default=None, help="folder for a screenshot of every page after its changes")
    parser.add_argument("--sessions", type=int, default=0,
                        help="instead: this many simultaneous sessions open the first --page (default the first page) and "
                             "change a filter (data_access.tools.load_test)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so a stopped run still stops its server
    if not chromium_available():
        print(f"no Chromium at {CHROMIUM} or no Playwright", file=sys.stderr)
        return 2
    if args.sessions:  # the bounded load script (data_access.tools.load_test)
        from data_access.tools.load_test import run

        return 1 if run(args.database_url, args.sessions, url_path=(args.page or [None])[0], port=args.port).errors else 0
    result = measure_pages(args.database_url, repeat=args.repeat, port=args.port, only=tuple(args.page),
                           shots=Path(args.shots) if args.shots else None)  # fmt: skip
    print(f"server peak RSS {result.peak_rss_mb:,.0f} MB, now {result.rss_mb:,.0f} MB (with readers); "
          f"load average {result.load_average[0]:.2f}")  # fmt: skip
    return 0




if __name__ == "__main__":
    raise SystemExit(main())
