"""Tables as files people can trust: a frame and its column metadata in, CSV or Excel bytes out.

Pure (no Streamlit), so the files are tested without a running app. ``components.downloads`` resolves
headers and the description of the view during the page run and hands ``csv_bytes``/``xlsx_bytes`` to
``st.download_button`` as callables: a file is built only when its button is clicked.

The rules (docs/exports.md): headers are the screen's column names with their unit; amounts are exact to the
cent, built from integer cents; rates are percentages (the fraction with a percent format in Excel, the
percentage number in CSV); an undefined ratio (None, NaN, inf) is an empty cell; ids are plain integers or
text; the file says what it holds (``#`` lines in CSV, an About sheet in Excel) and its name says it too.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

from dashboard.formatting import units, units_text

MONEY, PERCENT, ID, VALUE = "money", "percent", "id", "value"
CSV_PERCENT_DECIMALS = 4  # 0.0027 -> 0.27; a hundredth of a basis point, finer than any figure on screen
CSV_DECIMALS = 4  # other decimals (days, scores, ratios such as "adjusted"), without float noise
ID_COLUMNS = ("invoice_number",)  # ids that do not end in _id
SLUG_LENGTH = 60

EXCEL_FORMATS = {
    MONEY: "#,##0.00", PERCENT: "0.00%", ID: "0", "count": "#,##0", "decimal": "#,##0.00##",
    "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm",
}  # fmt: skip


@dataclass(frozen=True)
class Column:
    """One exported column: the frame's column ``name``, the ``header`` people read, and its kind."""

    name: str
    header: str
    kind: str = VALUE


@dataclass(frozen=True)
class Sheet:
    """What to write: the columns in order and the (label, value) lines that say what the file holds."""

    columns: tuple[Column, ...]
    about: tuple[tuple[str, str], ...]
    data_name: str = "Data"
    about_name: str = "About"


def is_id(name: str) -> bool:
    return name.endswith("_id") or name in ID_COLUMNS


def columns(frame: pl.DataFrame, labels: dict[str, str], *, currency: str, money: tuple[str, ...] = (),
            percent: tuple[str, ...] = ()) -> tuple[Column, ...]:  # fmt: skip
    """Every column of ``frame`` with its header (``labels``, else its name) and unit: money columns
    (``*_cents`` and ``money``) as ``Outstanding (CNY)``, rates (``percent``) as ``Loss rate (%)``."""
    result = []
    for name in frame.columns:
        label = labels.get(name, name)
        if name.endswith("_cents") or name in money:
            result.append(Column(name, f"{label} ({currency})", MONEY))
        elif name in percent:
            result.append(Column(name, f"{label} (%)", PERCENT))
        else:
            result.append(Column(name, label, ID if is_id(name) else VALUE))
    return tuple(result)


# CSV


def csv_bytes(frame: pl.DataFrame, sheet: Sheet) -> bytes:
    """UTF-8 with BOM (Excel then opens Chinese names correctly), the ``#`` lines first, then the table."""
    lines = io.StringIO()
    writer = csv.writer(lines, lineterminator="\n")
    for label, value in sheet.about:
        writer.writerow([f"# {_one_line(label)}", _one_line(value)])
    headers = _unique([c.header for c in sheet.columns])
    table = frame.select(_csv_value(frame.schema[c.name], c).alias(h) for c, h in zip(sheet.columns, headers, strict=True))
    return (lines.getvalue() + table.write_csv(float_scientific=False)).encode("utf-8-sig")


def _csv_value(dtype: pl.DataType, column: Column) -> pl.Expr:
    value = pl.col(column.name)
    if column.kind == MONEY:
        return units_text(_cents(value, dtype))
    if column.kind == PERCENT:
        return (_finite(value.cast(pl.Float64)) * 100).round(CSV_PERCENT_DECIMALS)
    if dtype.is_float():
        return _finite(value).round(CSV_DECIMALS)
    if isinstance(dtype, (pl.Enum, pl.Categorical)):
        return value.cast(pl.String)
    if isinstance(dtype, pl.List):
        return value.cast(pl.List(pl.String)).list.join(", ")
    return value


def _cents(value: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Money as integer cents; a float column (a mean of cents) is rounded to the cent first."""
    return _finite(value).round(0).cast(pl.Int64) if dtype.is_float() else value.cast(pl.Int64)


def _finite(value: pl.Expr) -> pl.Expr:
    """NaN and ±inf become null: an undefined ratio is an empty cell, never "NaN" or "inf"."""
    return pl.when(value.is_finite()).then(value)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _unique(headers: list[str]) -> list[str]:
    """Headers made unique (a CSV reader keys columns by header): a repeat gets `` (2)``."""
    seen: dict[str, int] = {}
    result = []
    for header in headers:
        seen[header] = seen.get(header, 0) + 1
        result.append(header if seen[header] == 1 else f"{header} ({seen[header]})")
    return result


# Excel


def xlsx_bytes(frame: pl.DataFrame, sheet: Sheet) -> bytes:
    """A Data sheet (typed cells with number formats, header row frozen, autofilter) and an About sheet."""
    return workbook_bytes([(sheet.data_name, frame, sheet)], about=sheet.about, about_name=sheet.about_name)


def workbook_bytes(tables: list[tuple[str, pl.DataFrame, Sheet]], *, about: tuple[tuple[str, str], ...],
                   about_name: str = "About", definitions: tuple[tuple[str, str], ...] = (),
                   definitions_name: str = "Definitions") -> bytes:  # fmt: skip
    """One sheet per table (typed cells, header frozen, autofilter), an About sheet (``about`` lines) and,
    when given, a sheet of definitions (term, meaning). Sheet names are cut to Excel's 31 characters and
    made unique."""
    from xlsxwriter import Workbook

    buffer = io.BytesIO()
    with Workbook(buffer, {"in_memory": True}) as workbook:
        formats = {kind: workbook.add_format({"num_format": code}) for kind, code in EXCEL_FORMATS.items()}
        bold = workbook.add_format({"bold": True})
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        names: set[str] = set()
        for name, frame, sheet in tables:
            _data_sheet(workbook.add_worksheet(_unique_sheet_name(name, names)), frame, sheet, formats, bold)
        for title, lines in ((about_name, about), (definitions_name, definitions)):
            if not lines:
                continue
            page = workbook.add_worksheet(_unique_sheet_name(title, names))
            for i, (label, value) in enumerate(lines):
                page.write_string(i, 0, label, bold)
                page.write_string(i, 1, str(value), wrap)
            page.set_column(0, 0, max(len(label) for label, _ in lines) + 2)
            page.set_column(1, 1, 100)
    return buffer.getvalue()


def _data_sheet(data, frame: pl.DataFrame, sheet: Sheet, formats: dict, bold: object) -> None:  # noqa: ANN001 - a worksheet
    for j, column in enumerate(sheet.columns):
        data.write_string(0, j, column.header, bold)
        write = _cell_writer(frame.schema[column.name], column, formats)
        for i, value in enumerate(frame[column.name].to_list(), start=1):
            if value is not None:
                write(data, i, j, value)
    data.freeze_panes(1, 0)
    if sheet.columns:
        data.autofilter(0, 0, max(frame.height, 1), len(sheet.columns) - 1)
    for j, width in enumerate(_widths(frame, sheet)):
        data.set_column(j, j, width)


def _unique_sheet_name(name: str, taken: set[str]) -> str:
    """Excel's rules (see _sheet_name), and no two sheets alike (compared as Excel does, ignoring case)."""
    base = _sheet_name(name)
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def _widths(frame: pl.DataFrame, sheet: Sheet) -> list[int]:
    """Column widths from the longest header or value text (xlsxwriter's autofit scans every cell: slow)."""
    texts = frame.select(_csv_value(frame.schema[c.name], c).cast(pl.String).str.len_chars().max().alias(str(j))
                         for j, c in enumerate(sheet.columns))  # fmt: skip
    longest = texts.row(0) if texts.height else (0,) * len(sheet.columns)
    return [min(max(len(c.header), (n or 0) * 4 // 3) + 2, 60) for c, n in zip(sheet.columns, longest, strict=True)]


Writer = Callable[[object, int, int, object], None]


def _cell_writer(dtype: pl.DataType, column: Column, formats: dict) -> Writer:  # noqa: C901 - one branch per kind
    """How one column's non-null values become cells; undefined numbers (NaN, inf) are left empty."""

    def number(fmt: object) -> Writer:
        def write(sheet, i, j, value):  # noqa: ANN001, ANN202
            if math.isfinite(value):
                sheet.write_number(i, j, value, fmt)

        return write

    if column.kind == MONEY:
        def money(sheet, i, j, value):  # noqa: ANN001, ANN202 - exact Decimal from the integer cents
            if isinstance(value, int) or math.isfinite(value):
                sheet.write_number(i, j, units(round(value)), formats[MONEY])

        return money
    if column.kind == PERCENT:
        return number(formats[PERCENT])  # the fraction, shown as a percentage
    if dtype == pl.Boolean:
        return lambda sheet, i, j, value: sheet.write_boolean(i, j, value)
    if dtype.is_integer():
        return number(formats[ID] if column.kind == ID else formats["count"])
    if dtype.is_float() or dtype.is_decimal():
        return number(formats["decimal"])
    if dtype == pl.Date:
        return lambda sheet, i, j, value: sheet.write_datetime(i, j, value, formats["date"])
    if isinstance(dtype, pl.Datetime):
        return lambda sheet, i, j, value: sheet.write_datetime(i, j, value.replace(tzinfo=None), formats["datetime"])
    if isinstance(dtype, pl.List):
        return lambda sheet, i, j, value: sheet.write_string(i, j, ", ".join(str(v) for v in value))
    return lambda sheet, i, j, value: sheet.write_string(i, j, str(value))


def _sheet_name(name: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", name)[:31] or "Sheet"


# File names


def slug(text: str, max_length: int = SLUG_LENGTH) -> str:
    """ASCII-safe words joined by ``-``: ``"Region 1,2"`` -> ``"region-1-2"``. Text that keeps no ASCII
    letters (a Chinese name) or runs too long ends in a short hash of itself, so two views never share a name."""
    words = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9]+", "-", words).strip("-")
    digest = hashlib.sha1(str(text).encode()).hexdigest()[:8]
    if not words and text:
        return digest
    if len(words) > max_length:
        return f"{words[: max_length - 9].rstrip('-')}-{digest}"
    return words


def filters_slug(params: dict[str, str]) -> str:
    """The view's filters as in its URL (``region=1,2&grade=B``) -> ``region-1-2_grade-b``; ``all`` without."""
    if not params:
        return "all"
    text = "_".join(f"{slug(name)}-{slug(value)}" for name, value in params.items())
    if len(text) > SLUG_LENGTH:
        digest = hashlib.sha1(text.encode()).hexdigest()[:8]
        text = f"{text[: SLUG_LENGTH - 9].rstrip('-_')}-{digest}"
    return text


def file_stem(name: str, as_of: date | datetime, filters: str) -> str:
    """``aging-by-region_2026-10-31_region-1-2``: what the table is, at which date, for which slice."""
    return f"{slug(name)}_{as_of.isoformat()}_{filters}"
