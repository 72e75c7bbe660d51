"""The meeting pack as a risk meeting receives it: the pages' numbers, numeric Excel cells, an HTML file that
needs no network, a PDF where Chromium is installed, and files named with the as-of date and language.

One pack is written for the test demo with a region filter (South China, id 2) at the demo's end date; the
numbers are checked against the metrics computed afresh from a region-scoped read of the database (another
route than the pack's filtered whole book), as tests/test_browser_exports.py checks the Aging page's CSV.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from dashboard import pack
from tests.conftest import DEMO_END, require_service
from tests.test_export import NS, read_xlsx

REGION = "2"


@pytest.fixture(scope="module")
def written(demo_sqlite_url, tmp_path_factory) -> dict[str, Path]:
    data = pack.pack_data(demo_sqlite_url, DEMO_END.isoformat(), {"region": REGION})
    paths = pack.write_pack(data, tmp_path_factory.mktemp("pack"), lang="en", pdf=pack.chromium() is not None)
    return {path.suffix: path for path in paths}


@pytest.fixture(scope="module")
def expected(demo_sqlite_url):
    """The region's aging from a region-scoped read, by the metric functions (not through the pack)."""
    from data_access.book.portfolio import load_portfolio
    from data_access.db.store import Scope, Store
    from data_access.metrics import aging
    from data_access.metrics.asof import invoice_state
    from data_access.metrics.buckets import Buckets

    book = load_portfolio(Store(demo_sqlite_url), Scope.of_regions(int(REGION)))
    buckets = Buckets.from_edges((0, 30, 60, 90, 180))
    state = invoice_state(book, DEMO_END, buckets)
    return aging.kpis(state, buckets), aging.bucket_totals(state, buckets)


def test_the_files_are_named_with_the_as_of_date_language_and_filters(written) -> None:
    stem = f"meeting-pack_{DEMO_END.isoformat()}_en_region-2"
    assert written[".html"].name == f"{stem}.html"
    assert written[".xlsx"].name == f"{stem}.xlsx"


def test_the_workbook_holds_the_pages_bucket_amounts_to_the_cent_as_numbers(written, expected) -> None:
    _kpis, totals = expected
    buckets = read_xlsx(written[".xlsx"].read_bytes())["Buckets"]
    types = cell_types(written[".xlsx"], 1)
    assert buckets["A1"][0] == "Bucket" and buckets["B1"][0] == "Amount (CNY)"
    cents = dict(totals.select("bucket", "amount_cents").iter_rows())
    for row, (bucket, amount) in enumerate(cents.items(), start=2):
        text, number_format = buckets[f"B{row}"]
        assert types[f"B{row}"] == "n" and number_format == "#,##0.00"  # a number shown with separators, not text
        assert types[f"C{row}"] == "n" and types[f"D{row}"] == "n"  # invoices, share
        assert buckets[f"A{row}"][0] == bucket
        assert round(float(text) * 100) == amount


def cell_types(path: Path, sheet: int) -> dict[str, str]:
    """Cell reference -> its stored type: "n" (number, the default), "s" (shared text), "str", "b"."""
    with zipfile.ZipFile(path) as package:
        xml = ElementTree.fromstring(package.read(f"xl/worksheets/sheet{sheet}.xml"))
    return {c.get("r"): c.get("t", "n") for c in xml.iter(f"{{{NS['m']}}}c")}


def test_every_data_sheet_has_a_frozen_header_and_an_autofilter_and_the_book_has_definitions(written) -> None:
    with zipfile.ZipFile(written[".xlsx"]) as package:
        book = ElementTree.fromstring(package.read("xl/workbook.xml"))
        names = [s.get("name") for s in book.findall("m:sheets/m:sheet", NS)]
        assert names[-2:] == ["About", "Definitions"]
        assert len(names) >= 8  # a table or two per view of the standard agenda
        for index in range(1, len(names) - 1):
            xml = package.read(f"xl/worksheets/sheet{index}.xml").decode()
            assert '<pane ySplit="1"' in xml and "<autoFilter" in xml, names[index - 1]
    definitions = read_xlsx(written[".xlsx"].read_bytes())["Definitions"]
    terms = {cell[0] for ref, cell in definitions.items() if ref.startswith("A")}
    assert {"DSO (count-back)", "CEI", "Expected credit loss"} <= terms


def test_the_report_shows_the_pages_kpis_and_the_filters_on_every_section(written, expected) -> None:
    kpis, _totals = expected
    report = written[".html"].read_text(encoding="utf-8")
    sections = re.findall(r"<section id='(\w+)'>(.*?)</section>", report, flags=re.S)
    assert [page for page, _ in sections] == list(pack.DEFAULT_AGENDA)
    for _page, body in sections:
        assert f"Filters: Region South China · as of {DEMO_END.isoformat()}" in body
    aging_section = dict(sections)["aging"]
    total = f"¥{round(kpis.total_cents / 100):,}"
    assert f"<div class='value'>{total}</div>" in aging_section
    assert f"<div class='value'>{kpis.debtors_overdue:,}</div>" in aging_section


def test_the_report_loads_nothing_from_the_network(written) -> None:
    report = written[".html"].read_text(encoding="utf-8")
    # Plotly's inlined library mentions map-tile URLs in its code; no element of the page fetches anything.
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=['\"]?(https?:)?//", report, flags=re.I)
    assert report.count("<script") == 1 + report.count("Plotly.newPlot")  # the library once, then each figure
    assert report.count("Plotly.newPlot") >= 6


def test_the_pdf_is_printed_with_a_page_per_section_when_chromium_is_there(written) -> None:
    if pack.chromium() is None:
        require_service("Chromium for the meeting pack's PDF")
    pdf = written[".pdf"].read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= len(pack.DEFAULT_AGENDA)


def test_the_command_line_refuses_an_unknown_region_and_names_it(demo_sqlite_url, tmp_path) -> None:
    result = subprocess.run([sys.executable, "-m", "data_access.tools.cli", "pack", "--as-of", DEMO_END.isoformat(),
                             "--out", str(tmp_path), "--region", "99", "--database-url", demo_sqlite_url],
                            capture_output=True, text=True, timeout=600)  # fmt: skip
    assert result.returncode != 0
    assert "Region" in result.stderr and "99" in result.stderr
    assert not list(tmp_path.iterdir())


def test_the_command_line_refuses_a_malformed_date(tmp_path) -> None:
    result = subprocess.run([sys.executable, "-m", "dashboard.pack", "--as-of", "31/10/2026", "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr


def test_an_agenda_with_the_factoring_page_gets_its_concentration_in_the_pack(demo_sqlite_url, tmp_path) -> None:
    """The count of debtors over 10 % of a client's book, recomputed here from a region-scoped read."""
    import polars as pl

    from data_access.book.portfolio import load_portfolio
    from data_access.db.store import Scope, Store
    from data_access.metrics.asof import invoice_state
    from data_access.metrics.buckets import Buckets

    book = load_portfolio(Store(demo_sqlite_url), Scope.of_regions(int(REGION)))
    state = invoice_state(book, DEMO_END, Buckets.from_edges((0, 30, 60, 90, 180))).filter(pl.col("outstanding_cents") > 0)
    pairs = state.group_by("client_id", "debtor_id").agg(pl.col("outstanding_cents").sum())
    shares = pairs.with_columns(pl.col("outstanding_cents") / pl.col("outstanding_cents").sum().over("client_id"))
    over_10 = shares.filter(pl.col("outstanding_cents") > 0.10).height

    data = pack.pack_data(demo_sqlite_url, DEMO_END.isoformat(), {"region": REGION})
    paths = pack.write_pack(data, tmp_path, lang="en", pages=("factoring",), pdf=False)
    report = next(p for p in paths if p.suffix == ".html").read_text(encoding="utf-8")
    (body,) = re.findall(r"<section id='factoring'>(.*?)</section>", html.unescape(report), flags=re.S)
    assert "Debtors over 10 % of a client's book" in body
    assert re.search(r"Debtors over 10 % of a client's book</div>\s*<div class='value'>" + f"{over_10:,}<", body)
    assert "not in the meeting pack" not in body.lower()
