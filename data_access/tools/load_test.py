"""Many people at once: ``rdash load-test --sessions 20`` (or ``python -m data_access.tools.load_test``).

One app server (``streamlit run app.py``, started here on loopback); after one warm-up visit in headless
Chromium (the book is loaded once, as after any server start) and the background work it starts (the
early-warning model, ``browser_bench.Server.wait_idle``), ``sessions`` sessions open the same page at
the same moment. As soon as a session's page is there it changes a filter (the region East China chosen
in the sidebar, as ``browser_bench`` does), and that rerun is timed too.

Of the sessions, ``browsers`` (``--browsers``, default 1) are headless-Chromium tabs, each its own browser
context and so its own Streamlit session: their times are a person's wait, on the browser's own clock,
from the navigation start to the page drawn (``browser_bench._DONE_JS``: script finished, no skeleton,
every chart drawn) and from the key press to the page redrawn. The others are protocol sessions
(``dashboard.stream_client``, a child process): they speak Streamlit's websocket protocol as the browser's frontend does, so the
server does all of their work (script runs, messages sent), but nothing is drawn; they are timed in this
process from the request to the server's ``script_finished``, and a filter change counts only if its
rerun shows the filter's caption ("Region East China"). The reason for the split: on one machine, twenty
tabs parsing Plotly and drawing charts compete with the server for the same cores, while a real audience
draws on its own twenty machines; ``--browsers`` equal to ``--sessions`` is the all-browser run.

Reported, separately for the two kinds: the page times and the filter-change times (median, 90th
percentile, slowest), the sessions that failed (not finished within the bound, a crashed tab or a closed
connection, an error shown on the page or sent as an element, a page not found), and the server's memory
after the warm-up and after the sessions: the book is held once per process, so twenty sessions should
cost little more than one.

Bounded: a fixed number of sessions, one run, a time limit (``timeout_s``), loopback only. Nothing here
asserts a time; the machine is shared, so every result carries the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field

from data_access.settings import PROJECT_ROOT
from data_access.tools import browser_bench as bb

# The sidebar's region filter as an English-speaking visitor sees it (dashboard locale ``filters.region``),
# and the caption a page shows once it is filtered to the region the browser sessions type.
REGION_LABEL = "Region"
REGION_CAPTION = f"{REGION_LABEL} {bb.REGION_TYPED}"

# Installed before any page script, after browser_bench's observer: watches the page until it is done,
# from the navigation (``since`` 0) and again from a key press (``__rdashWatch(since)``), and keeps the
# browser time at which it was; polled every 50 ms inside the page, so the result does not depend on how
# often this process looks.
_WATCH_JS = (
    "window.__rdashCheck = " + bb._DONE_JS.strip() + ";\n"
    + """
window.__rdashWatch = (since) => {
  window.__rdashDone = null;
  const tick = () => {
    let result = false;
    try { result = window.__rdashCheck(since); } catch (error) { result = false; }
    if (result) { window.__rdashDone = result; } else { setTimeout(tick, 50); }
  };
  tick();
};
window.addEventListener('DOMContentLoaded', () => window.__rdashWatch(0));
"""
)


@dataclass
class LoadResult:
    sessions: int
    url_path: str
    browsers: int = 0  # of the sessions, those in headless Chromium; the others speak the protocol only
    page_seconds: list[float] = field(default_factory=list)  # per browser session whose page was drawn
    script_seconds: list[float] = field(default_factory=list)  # of it, until the server's script had finished
    change_seconds: list[float] = field(default_factory=list)  # per browser session whose filter change was redrawn
    protocol_page_seconds: list[float] = field(default_factory=list)  # per protocol session: request to finished
    protocol_change_seconds: list[float] = field(default_factory=list)  # its filter change, request to finished
    protocol_shown: list[str] = field(default_factory=list)  # the caption each protocol filter change showed
    errors: list[str] = field(default_factory=list)  # one line per failed session
    warm_rss_mb: float = 0.0  # app process and its readers after the warm-up visit (one session)
    peak_rss_mb: float = 0.0  # peak of the app process over the whole run
    rss_mb: float = 0.0  # app process and its readers after the sessions
    load_average: float = 0.0
    seconds: float = 0.0  # wall time of the simultaneous part

    def summary(self) -> str:
        protocol = self.sessions - self.browsers
        parts = [f"{self.sessions} simultaneous sessions on /{self.url_path} ({self.browsers} in headless Chromium, "
                 f"{protocol} protocol-only): {len(self.errors)} errors"]  # fmt: skip
        if self.browsers:
            parts.append(f"in the browser: page drawn {_spread(self.page_seconds)} (the server's script "
                         f"finished after {_spread(self.script_seconds)}), filter change "
                         f"{_spread(self.change_seconds)}")  # fmt: skip
        if protocol:
            shown = sorted(set(self.protocol_shown))
            parts.append(f"protocol sessions, request to the server's script finished: page "
                         f"{_spread(self.protocol_page_seconds)}, filter change {_spread(self.protocol_change_seconds)}"
                         f" (showing {' / '.join(repr(s) for s in shown) or 'no region caption'} in "
                         f"{len(self.protocol_shown)} of {protocol})")  # fmt: skip
        parts.append(f"server memory {self.warm_rss_mb:,.0f} MB after one session, {self.rss_mb:,.0f} MB after all "
                     f"(peak of the app process {self.peak_rss_mb:,.0f} MB); {self.seconds:.0f} s in all, load "
                     f"average {self.load_average:.1f}")  # fmt: skip
        return "; ".join(parts)


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (0.9: the 90th percentile), linear between the sorted values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _spread(values: list[float]) -> str:
    if not values:
        return "never"
    return (f"median {statistics.median(values):.1f} s, p90 {percentile(values, 0.9):.1f} s, slowest "
            f"{max(values):.1f} s ({len(values)} sessions)")  # fmt: skip


def run(database_url: str, sessions: int = 20, *, browsers: int = 1, url_path: str | None = None,
        port: int | None = None, timeout_s: float = 600, log=print) -> LoadResult:  # noqa: ANN001
    """Start the app on ``database_url``, warm it with one visit, then ``sessions`` at once, ``browsers`` of them
    in headless Chromium and the others protocol-only (module docstring)."""
    if not 0 <= browsers <= sessions:
        raise ValueError(f"browsers must be between 0 and the {sessions} sessions, not {browsers}")
    with bb.serving(database_url, port) as server, bb.chromium() as browser:
        seconds, warmup = bb.timed_visit(browser, f"{server.base}/{url_path or ''}")
        url_path = url_path or bb.menu_pages(warmup)[0]
        warmup.close()
        background = server.wait_idle()  # the early-warning preparation after the first page (browser_bench)
        result = LoadResult(sessions, url_path, browsers, warm_rss_mb=server.memory_mb()[1])
        log(f"warm-up visit {seconds:.1f} s; server idle {background:.0f} s later; server "
            f"{result.warm_rss_mb:,.0f} MB; now {sessions} sessions on /{url_path}, {browsers} of them in headless "
            "Chromium")  # fmt: skip
        pages = []
        for _ in range(browsers):
            page = browser.new_page(viewport=bb.VIEWPORT)
            page.add_init_script(bb._OBSERVER_JS)
            page.add_init_script(_WATCH_JS)
            pages.append(page)
        protocol = _ProtocolSessions(server.base, url_path, sessions - browsers, timeout_s)
        started = time.perf_counter()
        protocol.start()  # its own thread and event loop: connected while the tabs below begin their navigation
        for page in pages:  # all requests within a fraction of a second; none waits for another
            page.goto(f"{server.base}/{url_path}", wait_until="commit")
        _watch_browsers(pages, result, started, timeout_s)
        protocol.collect(result, first_number=browsers + 1)
        result.seconds = time.perf_counter() - started
        result.peak_rss_mb, result.rss_mb = server.memory_mb()
        result.load_average = os.getloadavg()[0]
        for page in pages:
            page.close()
    log(result.summary())
    return result


def _watch_browsers(pages: list, result: LoadResult, started: float, timeout_s: float) -> None:
    """Poll the tabs until each has drawn its page, changed the filter and redrawn, or failed (numbered from 1)."""
    state = ["loading"] * len(pages)
    pressed_at = [0.0] * len(pages)
    while "loading" in state or "changing" in state:
        if time.perf_counter() - started > timeout_s:
            for index, where in enumerate(state):
                if where in ("loading", "changing"):
                    what = "drawn" if where == "loading" else "redrawn"
                    result.errors.append(f"session {index + 1} (browser): not {what} after {timeout_s:.0f} s")
            break
        for index, page in enumerate(pages):
            if state[index] not in ("loading", "changing"):
                continue
            try:
                done = page.evaluate("window.__rdashDone")
                if not done:
                    continue
                if bb._errors(page):
                    state[index] = "failed"
                    shown = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
                    result.errors.append(f"session {index + 1} (browser): an error shown on the page: "
                                         f"{(shown.first.inner_text().splitlines() or [''])[0][:200]}")  # fmt: skip
                elif state[index] == "loading":
                    result.page_seconds.append(done[0] / 1000)  # browser time since the navigation began
                    result.script_seconds.append(done[1] / 1000)
                    bb._region_box(page).locator("input").click(timeout=60_000)
                    page.keyboard.type(bb.REGION_TYPED)
                    pressed_at[index] = page.evaluate("performance.now()")
                    page.evaluate("(since) => window.__rdashWatch(since)", pressed_at[index])
                    page.keyboard.press("Enter")
                    state[index] = "changing"
                else:
                    result.change_seconds.append((done[0] - pressed_at[index]) / 1000)
                    state[index] = "done"
            except Exception as exc:  # a crashed tab, a missing widget: this session failed
                state[index] = "failed"
                result.errors.append(f"session {index + 1} (browser): {exc.__class__.__name__}: "
                                     f"{str(exc).splitlines()[0]}")  # fmt: skip
        time.sleep(0.2)


@dataclass
class _Run:
    """One protocol session's script run, as ``dashboard.stream_client.Run`` reports it in its JSON."""

    seconds: float = 0.0
    deltas: int = 0
    errors: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)


class _ProtocolSessions:
    """``count`` protocol sessions, all started at once by one child process (``python -m
    dashboard.stream_client``: the Streamlit side of the project, whose event loop shares no interpreter lock
    with the browser tabs driven from this process); each opens the page, then chooses the region and must
    see its caption."""

    def __init__(self, base: str, url_path: str, count: int, timeout_s: float) -> None:
        self.base, self.url_path, self.count, self.timeout_s = base, url_path, count, timeout_s
        self.visits: list = []
        self.failure: str | None = None
        self._child: subprocess.Popen | None = None

    def start(self) -> None:
        if self.count:
            self._child = subprocess.Popen(
                [sys.executable, "-m", "dashboard.stream_client", "--base", self.base, "--page", self.url_path,
                 "--sessions", str(self.count), "--choose-label", REGION_LABEL, "--choose", bb.REGION_TYPED,
                 "--look-for", REGION_CAPTION, "--timeout", str(self.timeout_s)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=PROJECT_ROOT,
            )  # fmt: skip

    def _wait(self) -> None:
        try:
            out, err = self._child.communicate(timeout=self.timeout_s + 60)
        except subprocess.TimeoutExpired:
            self._child.kill()
            self._child.communicate()
            self.failure = "still running after the time limit"
            return
        if self._child.returncode != 0:
            self.failure = f"the protocol client failed: {(err.strip().splitlines() or ['no output'])[-1]}"
            return
        self.visits = [(_Run(**v["page"]), _Run(**v["change"]) if v["change"] else None) for v in json.loads(out)]

    def collect(self, result: LoadResult, first_number: int) -> None:
        """Wait for the sessions (each bounded by the time limit) and add their times and errors to ``result``."""
        if not self.count:
            return
        self._wait()
        if self.failure is not None:
            result.errors.extend(f"session {first_number + i} (protocol): {self.failure}" for i in range(self.count))
            return
        for number, (page, change) in enumerate(self.visits, start=first_number):
            if page.errors:
                result.errors.append(f"session {number} (protocol): {'; '.join(page.errors)}")
                continue
            result.protocol_page_seconds.append(page.seconds)
            if change is None or change.errors:
                result.errors.append(f"session {number} (protocol): filter change: "
                                     f"{'; '.join(change.errors) if change else 'not made'}")  # fmt: skip
            elif not change.found:
                result.errors.append(f"session {number} (protocol): the filter change did not show {REGION_CAPTION!r} "
                                     f"({change.deltas} elements received)")  # fmt: skip
            else:
                result.protocol_change_seconds.append(change.seconds)
                result.protocol_shown.append(change.found[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--browsers", type=int, default=1,
                        help="of the sessions, how many in headless Chromium (the others speak Streamlit's protocol "
                             "only: the server's work without the drawing); --browsers = --sessions: all in Chromium")
    parser.add_argument("--page", default=None, help="url path of the page (default: the menu's first, the Overview)")
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=600, help="seconds before an unfinished session is an error")
    args = parser.parse_args(argv)
    if not 0 <= args.browsers <= args.sessions:
        parser.error("--browsers must be between 0 and --sessions")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so a stopped run still stops its server
    if not bb.chromium_available():
        print(f"no Chromium at {bb.CHROMIUM} or no Playwright", file=sys.stderr)
        return 2
    result = run(args.database_url, args.sessions, browsers=args.browsers, url_path=args.page, port=args.port,
                 timeout_s=args.timeout)  # fmt: skip
    return 1 if result.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
