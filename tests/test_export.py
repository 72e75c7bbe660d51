"""Exports read back as a person's spreadsheet would: exact cents, percentages, empty undefined ratios,
plain ids, headers with units, and the lines that say what the file holds.

The xlsx is read with zipfile and the XML itself (no openpyxl), so the test sees the cell text Excel parses.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from xml.etree import ElementTree

import polars as pl

from dashboard import export

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

FRAME = pl.DataFrame(
    {
        "debtor_id": [5892, 7],
        "debtor": ["华东建设有限公司", "Acme, Ltd"],
        "outstanding_cents": [147_675_665, 1],
        "loss_rate": [0.0027, None],
        "dilution": [float("inf"), float("nan")],
        "due_date": [date(2026, 1, 31), None],
        "invoices": [12_345, 0],
    }
)
COLUMNS = export.columns(
    FRAME, {"debtor_id": "debtor_id", "debtor": "Debtor", "outstanding_cents": "Outstanding", "loss_rate": "Loss rate",
            "dilution": "Dilution", "due_date": "Due date", "invoices": "Invoices"},
    currency="CNY", percent=("loss_rate", "dilution"),
)  # fmt: skip
SHEET = export.Sheet(COLUMNS, about=(("Table", "Bad debt · Provision matrix"),
                                     ("Selection", "Region East China, South China · as of 2026-10-31"),
                                     ("As of", "2026-10-31")))  # fmt: skip
HEADERS = ["debtor_id", "Debtor", "Outstanding (CNY)", "Loss rate (%)", "Dilution (%)", "Due date", "Invoices"]


def read_csv(data: bytes) -> tuple[list[list[str]], list[list[str]]]:
    """(comment rows, table rows) of a CSV export."""
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese names as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    comments = [r for r in rows if r and r[0].startswith("#")]
    return comments, rows[len(comments) :]


def read_xlsx(data: bytes) -> dict[str, dict[str, tuple[str, str | None]]]:
    """Sheet name -> cell reference -> (the cell's text as stored, its number format or None)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = {name: ElementTree.fromstring(package.read(name)) for name in package.namelist() if name.endswith((".xml", ".rels"))}
    shared = [
        "".join(t.text or "" for t in item.iter(f"{{{NS['m']}}}t"))
        for item in xml.get("xl/sharedStrings.xml", ElementTree.Element("x")).findall("m:si", NS)
    ]
    styles = xml["xl/styles.xml"]
    custom = {f.get("numFmtId"): f.get("formatCode") for f in styles.findall("m:numFmts/m:numFmt", NS)}
    builtin = {"0": None, "1": "0", "3": "#,##0", "4": "#,##0.00", "10": "0.00%", "14": "m/d/yyyy"}
    formats = [custom.get(x.get("numFmtId"), builtin.get(x.get("numFmtId")))
               for x in styles.findall("m:cellXfs/m:xf", NS)]  # fmt: skip
    targets = {r.get("Id"): r.get("Target") for r in xml["xl/_rels/workbook.xml.rels"]}
    sheets = {}
    for sheet in xml["xl/workbook.xml"].findall("m:sheets/m:sheet", NS):
        cells = {}
        for cell in xml[f"xl/{targets[sheet.get(REL)]}"].iter(f"{{{NS['m']}}}c"):
            value = cell.find("m:v", NS)
            text = None if value is None else value.text
            if cell.get("t") == "s":
                text = shared[int(text)]
            cells[cell.get("r")] = (text, formats[int(cell.get("s", "0"))])
        sheets[sheet.get("name")] = cells
    return sheets


def test_csv_amounts_are_exact_cents_and_rates_are_percentages() -> None:
    _comments, rows = read_csv(export.csv_bytes(FRAME, SHEET))
    assert rows[0] == HEADERS
    assert rows[1] == ["5892", "华东建设有限公司", "1476756.65", "0.27", "", "2026-01-31", "12345"]
    assert rows[2] == ["7", "Acme, Ltd", "0.01", "", "", "", "0"]  # None, inf and NaN are all empty


def test_csv_says_what_it_holds_in_comment_lines() -> None:
    comments, _rows = read_csv(export.csv_bytes(FRAME, SHEET))
    assert comments == [["# Table", "Bad debt · Provision matrix"],
                        ["# Selection", "Region East China, South China · as of 2026-10-31"],
                        ["# As of", "2026-10-31"]]  # fmt: skip
    # A reader that skips '#' lines gets the table back.
    back = pl.read_csv(export.csv_bytes(FRAME, SHEET), comment_prefix="#", infer_schema=False)
    assert back.columns == HEADERS and back["Outstanding (CNY)"].to_list() == ["1476756.65", "0.01"]


def test_csv_money_from_negative_and_float_cents() -> None:
    frame = pl.DataFrame({"paid_cents": [-250, -5], "mean_cents": [1234.4, float("nan")]})
    sheet = export.Sheet(export.columns(frame, {}, currency="USD", money=("mean_cents",)), about=())
    _comments, rows = read_csv(export.csv_bytes(frame, sheet))
    assert rows == [["paid_cents (USD)", "mean_cents (USD)"], ["-2.50", "12.34"], ["-0.05", ""]]


def test_excel_amounts_are_exact_and_rates_keep_the_fraction_with_a_percent_format() -> None:
    data = read_xlsx(export.xlsx_bytes(FRAME, SHEET))["Data"]
    assert [data[f"{c}1"][0] for c in "ABCDEFG"] == HEADERS
    assert data["A2"] == ("5892", "0")  # an id: a plain integer format, never "5,892"
    assert data["B2"][0] == "华东建设有限公司"
    assert data["C2"] == ("1476756.65", "#,##0.00") and data["C3"][0] == "0.01"
    assert data["D2"] == ("0.0027", "0.00%")  # shows 0.27 %
    assert "D3" not in data and "E2" not in data and "E3" not in data  # None, inf, NaN: empty cells
    assert data["F2"] == ("46053", "yyyy-mm-dd")  # 2026-01-31 as an Excel date
    assert data["G2"] == ("12345", "#,##0")  # a count keeps its separators


def test_excel_has_an_about_sheet() -> None:
    sheets = read_xlsx(export.xlsx_bytes(FRAME, SHEET))
    assert list(sheets) == ["Data", "About"]
    about = sheets["About"]
    assert [(about[f"A{i}"][0], about[f"B{i}"][0]) for i in (1, 2, 3)] == list(SHEET.about)


def test_excel_writes_an_all_undefined_column_without_raising() -> None:
    frame = pl.DataFrame({"rate": [float("nan"), float("inf"), -float("inf"), None], "satisfaction": [float("nan")] * 4})
    sheet = export.Sheet(export.columns(frame, {}, currency="CNY", percent=("rate",)), about=())
    data = read_xlsx(export.xlsx_bytes(frame, sheet))["Data"]
    assert set(data) == {"A1", "B1"}


def test_file_names_say_what_where_and_when_in_ascii() -> None:
    assert export.filters_slug({}) == "all"
    assert export.filters_slug({"region": "1,2", "industry": "Construction,Retail"}) == (
        "region-1-2_industry-construction-retail")  # fmt: skip
    stem = export.file_stem("aging-by-region", date(2026, 10, 31), export.filters_slug({"grade": "B,CCC"}))
    assert stem == "aging-by-region_2026-10-31_grade-b-ccc"
    chinese = export.filters_slug({"industry": "建筑"})
    assert re.fullmatch(r"industry-[0-9a-f]{8}", chinese)
    assert chinese != export.filters_slug({"industry": "零售"})
    long = export.filters_slug({"client": ",".join(str(i) for i in range(100))})
    assert len(long) <= export.SLUG_LENGTH and long.isascii()
