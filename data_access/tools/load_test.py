"""Many people at once: ``rdash load-test --sessions 20`` (or ``python -m data_access.tools.load_test``).

One app server (``streamlit run app.py``, started here on loopback) and one headless Chromium; after one
warm-up visit (the book is loaded once, as after any server start), ``sessions`` browser sessions, each
its own browser context and so its own Streamlit session, open the same page at the same moment. As
soon as a session's page is drawn it changes a filter (a region chosen in the sidebar, as
``browser_bench`` does), and the redraw is timed too. Reported: the page times and the filter-change
times (median and 90th percentile), the sessions that failed (not finished within the bound, a crashed
tab, or an error shown on the page), and the server's memory after the warm-up and after the sessions:
the book is held once per process, so twenty sessions should cost little more than one.

Bounded: a fixed number of sessions, one run, a time limit (``timeout_s``), loopback only. Times are the
browser's own clock: from the navigation start to the page drawn (``browser_bench._DONE_JS``: script
finished, no skeleton, every chart drawn), and from the key press to the page redrawn. Nothing here
asserts a time; the machine is shared, so every result carries the load average.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import time
from dataclasses import dataclass, field

from data_access.tools import browser_bench as bb

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
    page_seconds: list[float] = field(default_factory=list)  # per session whose page was drawn
    script_seconds: list[float] = field(default_factory=list)  # of it, until the server's script had finished
    change_seconds: list[float] = field(default_factory=list)  # per session whose filter change was redrawn
    errors: list[str] = field(default_factory=list)  # one line per failed session
    warm_rss_mb: float = 0.0  # app process and its readers after the warm-up visit (one session)
    peak_rss_mb: float = 0.0  # peak of the app process over the whole run
    rss_mb: float = 0.0  # app process and its readers after the sessions
    load_average: float = 0.0
    seconds: float = 0.0  # wall time of the simultaneous part

    def summary(self) -> str:
        return (f"{self.sessions} simultaneous sessions on /{self.url_path}: {len(self.errors)} errors; page drawn "
                f"{_spread(self.page_seconds)} (the server's script finished after "
                f"{_spread(self.script_seconds)}); filter change {_spread(self.change_seconds)}; server memory "
                f"{self.warm_rss_mb:,.0f} MB after one session, {self.rss_mb:,.0f} MB after all (peak of the app "
                f"process {self.peak_rss_mb:,.0f} MB); {self.seconds:.0f} s in all, load average "
                f"{self.load_average:.1f}")  # fmt: skip


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


def run(database_url: str, sessions: int = 20, *, url_path: str | None = None, port: int | None = None,
        timeout_s: float = 600, log=print) -> LoadResult:  # noqa: ANN001
    """Start the app on ``database_url``, warm it with one visit, then ``sessions`` at once (module docstring)."""
    with bb.serving(database_url, port) as server, bb.chromium() as browser:
        seconds, warmup = bb.timed_visit(browser, f"{server.base}/{url_path or ''}")
        url_path = url_path or bb.menu_pages(warmup)[0]
        warmup.close()
        result = LoadResult(sessions, url_path, warm_rss_mb=server.memory_mb()[1])
        log(f"warm-up visit {seconds:.1f} s; server {result.warm_rss_mb:,.0f} MB; now {sessions} sessions on "
            f"/{url_path}")  # fmt: skip
        pages = []
        for _ in range(sessions):
            page = browser.new_page(viewport=bb.VIEWPORT)
            page.add_init_script(bb._OBSERVER_JS)
            page.add_init_script(_WATCH_JS)
            pages.append(page)
        started = time.perf_counter()
        for page in pages:  # all requests within a fraction of a second; none waits for another
            page.goto(f"{server.base}/{url_path}", wait_until="commit")
        state = ["loading"] * sessions
        pressed_at = [0.0] * sessions
        while "loading" in state or "changing" in state:
            if time.perf_counter() - started > timeout_s:
                for index, where in enumerate(state):
                    if where in ("loading", "changing"):
                        result.errors.append(f"session {index + 1}: not {'drawn' if where == 'loading' else 'redrawn'} "
                                             f"after {timeout_s:.0f} s")  # fmt: skip
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
                        result.errors.append(f"session {index + 1}: an error shown on the page")
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
                    result.errors.append(f"session {index + 1}: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
            time.sleep(0.2)
        result.seconds = time.perf_counter() - started
        result.peak_rss_mb, result.rss_mb = server.memory_mb()
        result.load_average = os.getloadavg()[0]
        for page in pages:
            page.close()
    log(result.summary())
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--page", default=None, help="url path of the page (default: the menu's first, the Overview)")
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=600, help="seconds before an unfinished session is an error")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so a stopped run still stops its server
    if not bb.chromium_available():
        print(f"no Chromium at {bb.CHROMIUM} or no Playwright", file=sys.stderr)
        return 2
    result = run(args.database_url, args.sessions, url_path=args.page, port=args.port, timeout_s=args.timeout)
    return 1 if result.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
