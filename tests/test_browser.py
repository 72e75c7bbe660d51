"""Browser smoke test: the real app in headless Chromium, every page opened and photographed.

Uses Debian's chromium through Playwright (no browser download). Screenshots go to
artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from dashboard.navigation import PAGES

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(database_url: str):
    """The real app (app.py under `streamlit run`) on a free port, for one database."""
    port = free_port()
    env = {**os.environ, "RDASH_DATABASE_URL": database_url}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("streamlit did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def server(demo_sqlite_url):
    with serving(demo_sqlite_url) as base:
        yield base


@pytest.fixture(scope="module")
def writable_server(demo_sqlite_url, tmp_path_factory):
    """A server on a private copy of the demo database, for tests that write through the app."""
    copy = tmp_path_factory.mktemp("writable") / "demo.sqlite"
    shutil.copyfile(demo_sqlite_url.removeprefix("sqlite:///"), copy)
    with serving(f"sqlite:///{copy}") as base:
        yield base


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def settle(page) -> None:
    """Wait until the script has finished and no element is still a loading skeleton."""
    page.wait_for_timeout(500)
    page.wait_for_function(
        """() => document.querySelector('[data-test-script-state="notRunning"]')
                 && !document.querySelector('[data-testid="stSkeleton"]')""",
        timeout=90_000,
    )
    page.wait_for_timeout(1000)


def open_page(browser, url: str, shot: str):
    page = browser.new_page(viewport={"width": 1440, "height": 3600})
    page.goto(url)
    page.wait_for_selector("h1", timeout=60_000)
    settle(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / shot), full_page=True)
    return page


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_renders_without_errors_and_draws_its_charts(server, browser, spec) -> None:
    page = open_page(browser, f"{server}/{spec.url_path}", f"{spec.url_path}.png")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    if spec.url_path != "audit":  # the audit log is tables only
        assert page.locator(".js-plotly-plot .main-svg").count() > 0
    page.close()


def test_a_filtered_link_reproduces_the_view(server, browser) -> None:
    page = open_page(browser, f"{server}/aging?region=2&grade=BB&dim=industry", "aging_filtered.png")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Region South China · Rating grade BB · as of 2026-10-31", exact=True).count() == 1
    page.close()


def test_a_debtor_drills_down_to_its_open_invoices(server, browser) -> None:
    page = open_page(browser, f"{server}/aging", "aging.png")
    debtor_table = page.locator('[data-testid="stDataFrame"]').nth(2)
    box = debtor_table.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 52)  # the selection box of the first (largest) debtor
    settle(page)
    page.screenshot(path=str(SHOTS / "aging_drill_down.png"), full_page=True)
    assert page.get_by_text("Open invoices of Debtor").count() == 1
    assert page.locator('[data-testid="stDataFrame"]').count() == 4
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()


def test_a_write_through_the_app_is_read_back_by_the_app(writable_server, browser) -> None:
    page = open_page(browser, f"{writable_server}/audit", "audit.png")
    assert page.get_by_text("Chain intact: 1 entries", exact=False).count() == 1
    page.get_by_label("Why this checkpoint").fill("Browser test checkpoint")
    page.get_by_role("button", name="Verify and record checkpoint").click()
    settle(page)
    page.screenshot(path=str(SHOTS / "audit_after_checkpoint.png"), full_page=True)
    assert page.get_by_text("Checkpoint recorded after head", exact=False).count() == 1
    assert page.get_by_text("Chain intact: 2 entries", exact=False).count() == 1
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("malformed", exact=False).count() == 0
    page.close()
