"""Reading files: CSV (UTF-8 or GBK), Excel and Parquet, in chunks; detecting and parsing formats.

Every value is read as text and parsed here, so a value that does not parse becomes a named problem
(file, row, column, value) instead of a silently wrong number. Money is parsed from its text into
integer cents, never through a float.
"""

from __future__ import annotations

import codecs
import io
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from data_access.messages import Message

ENCODINGS = ("utf-8", "gbk")
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y", "%Y%m%d", "%d-%m-%Y", "%m-%d-%Y")
DECIMALS = (".", ",")
TRUE_WORDS = ("true", "yes", "y", "1", "t", "是", "x")
FALSE_WORDS = ("false", "no", "n", "0", "f", "否", "")
SAMPLE_BYTES = 1 << 16


class ImportFileError(ValueError):
    """A file that cannot be read at all (unknown type, undecodable text); the message says how to fix it."""


def file_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if suffix in (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"):
        return "excel"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    raise ImportFileError(Message("import.error.file_type", "{file}: unknown file type {suffix}; use CSV, Excel (.xlsx) "
                                  "or Parquet.", file=path.name, suffix=suffix or "(none)"))


def detect_encoding(path: Path) -> str:
    """UTF-8 when the file's first 64 KB decode as UTF-8 (a character cut at the end is fine), else GBK."""
    sample = path.read_bytes()[:SAMPLE_BYTES] if path.stat().st_size <= SAMPLE_BYTES else _head(path)
    for encoding in ENCODINGS:
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ImportFileError(Message("import.error.encoding", "{file}: the text is neither UTF-8 nor GBK; save it as UTF-8 "
                                  "(CSV UTF-8 in Excel).", file=path.name))


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(SAMPLE_BYTES)


def _as_utf8(path: Path, encoding: str) -> Path:
    """The file itself when UTF-8, else a UTF-8 copy written in blocks (constant memory)."""
    if encoding.replace("_", "-").lower() in ("utf-8", "utf8"):
        return path
    copy = Path(tempfile.mkstemp(suffix=".csv", prefix="rdash-import-")[1])
    try:
        with path.open("r", encoding=encoding, newline="") as source, copy.open("w", encoding="utf-8", newline="") as out:
            while block := source.read(1 << 20):
                out.write(block)
    except UnicodeDecodeError as problem:
        copy.unlink(missing_ok=True)
        raise ImportFileError(Message("import.error.not_encoding", "{file}: not valid {encoding} at byte {byte}; "
                                      "choose the file's real encoding or save it as UTF-8.", file=path.name,
                                      encoding=encoding, byte=problem.start)) from None  # fmt: skip
    return copy


@dataclass(frozen=True)
class Chunk:
    frame: pl.DataFrame  # every column as text
    first_row: int  # the file's row number of the chunk's first data row (the header is row 1)


def read_chunks(path: Path, *, encoding: str | None = None, chunk_rows: int = 100_000,
                sheet: str | None = None) -> Iterator[Chunk]:  # fmt: skip
    """The file's rows as text, ``chunk_rows`` at a time (CSV and Parquet stream; Excel is read whole)."""
    kind = file_kind(path)
    if kind == "csv":
        source = _as_utf8(path, encoding or detect_encoding(path))
        try:
            yield from _numbered(_csv_frames(source, _separator(source), chunk_rows))
        finally:
            if source != path:
                source.unlink(missing_ok=True)
    elif kind == "parquet":
        scan = pl.scan_parquet(path)
        yield from _numbered(scan.select(pl.all().cast(pl.String)).collect_batches(chunk_size=chunk_rows))
    else:
        try:
            frame = pl.read_excel(path, sheet_name=sheet)
        except ImportError as missing:  # pragma: no cover - fastexcel is pinned in requirements.lock
            raise ImportFileError(f"Reading Excel needs fastexcel ({missing}); save the sheet as CSV.") from None
        yield from _numbered(_excel_as_text(frame).iter_slices(chunk_rows))


CSV_BLOCK_BYTES = 1 << 23  # bytes of a CSV file parsed at a time: memory is bounded by this and the chunk


def _csv_frames(path: Path, separator: str, chunk_rows: int, block_bytes: int = CSV_BLOCK_BYTES) -> Iterator[pl.DataFrame]:
    """A CSV file's rows as text frames of ``chunk_rows`` rows, reading ``block_bytes`` at a time.

    Polars' CSV scan holds the whole file in memory while it streams batches (a 100 MB file costs 100 MB
    more), so the file is cut here into blocks at line ends outside quotes (an even number of ``"``
    before the cut: a quoted value may span lines) and each block is parsed with the header in front."""
    with path.open("rb") as handle:
        pending = b""
        while (cut := _line_end(pending, first=True)) < 0:  # the header: the first complete record
            block = handle.read(block_bytes)
            if not block:
                cut = len(pending)
                break
            pending += block
        header, pending = pending[:cut], pending[cut:]
        if not header.endswith(b"\n"):
            header += b"\n"
        buffered: list[pl.DataFrame] = []
        held = 0
        while True:
            block = handle.read(block_bytes)
            data = pending + block
            cut = _line_end(data) if block else len(data)
            if cut < 0:  # one record longer than a block: read on
                pending = data
                continue
            body, pending = data[:cut], data[cut:]
            if body.strip():
                frame = pl.read_csv(io.BytesIO(header + body), infer_schema=False, separator=separator,
                                    encoding="utf8")  # fmt: skip
                buffered.append(frame)
                held += frame.height
            while held >= chunk_rows or (not block and held):
                whole = pl.concat(buffered) if len(buffered) > 1 else buffered[0]
                yield whole.head(chunk_rows)
                rest = whole.slice(chunk_rows)
                buffered, held = ([rest] if rest.height else []), rest.height
            if not block:
                return


def _line_end(data: bytes, first: bool = False) -> int:
    """The index just after the last (or ``first``) line end of ``data`` that is not inside a quoted value;
    -1 if there is none."""
    end = data.find(b"\n") if first else data.rfind(b"\n")
    while end >= 0 and data.count(b'"', 0, end) % 2:
        end = data.find(b"\n", end + 1) if first else data.rfind(b"\n", 0, end)
    return end + 1 if end >= 0 else -1


def _excel_as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Excel cells as the text a person sees: dates as YYYY-MM-DD, whole numbers without ``.0``."""
    text = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype in (pl.Date, pl.Datetime) or isinstance(dtype, pl.Datetime):
            text.append(column.dt.strftime("%Y-%m-%d"))
        elif dtype.is_float():
            whole = frame[name].drop_nulls()
            integral = whole.is_empty() or bool((whole == whole.round(0)).all())
            text.append(column.cast(pl.Int64).cast(pl.String) if integral else column.cast(pl.String))
        else:
            text.append(column.cast(pl.String))
    return frame.select(text)


def _numbered(frames) -> Iterator[Chunk]:  # noqa: ANN001 - an iterator of frames
    row = 2
    for frame in frames:
        if frame.height == 0:
            continue
        yield Chunk(frame.rename({c: c.strip().lstrip("\ufeff") for c in frame.columns}), row)
        row += frame.height


def _separator(path: Path) -> str:
    head = _head(path).decode("utf-8", errors="ignore").splitlines()[:1]
    line = head[0] if head else ""
    return max((",", ";", "\t", "|"), key=line.count) if line else ","


def columns_of(path: Path, encoding: str | None = None) -> list[str]:
    first = next(read_chunks(path, encoding=encoding, chunk_rows=200), None)
    return first.frame.columns if first else []


# Formats ------------------------------------------------------------------------------------------


def detect_date_format(values: list[str]) -> str | None:
    """The first format that parses every sampled value; day-first when a day above 12 says so."""
    sample = pl.Series([v.strip() for v in values if v and v.strip()][:2000], dtype=pl.String)
    if sample.is_empty():
        return None
    for fmt in DATE_FORMATS:
        if sample.str.to_date(fmt, strict=False).null_count() == 0:
            return fmt
    return None


def detect_decimal(values: list[str]) -> str:
    """``,`` when amounts end in a comma and one or two digits (1.234,56) more often than in a point."""
    comma = sum(bool(re.search(r",\d{1,2}$", v.strip())) for v in values if v)
    point = sum(bool(re.search(r"\.\d{1,2}$", v.strip())) for v in values if v)
    return "," if comma > point else "."


def looks_like_amount(value: str) -> bool:
    return bool(re.fullmatch(r"[-(]?[¥￥$€£]?\s?\d[\d.,' ]*\)?", value.strip()))


def parse_date(column: pl.Expr, fmt: str) -> pl.Expr:
    return column.str.strip_chars().str.to_date(fmt, strict=False)


# At most 16 whole digits: ten quadrillion in cents still fits a 64-bit integer, with room for sums of them.
_MONEY = r"^-?\d{1,16}(\.\d{1,2})?$"
# A thousands separator counts only in groups of three ("1,234,567.89"; "1.234.567,89" with decimal commas):
# "12,34" in a file of decimal points is a typo or the wrong separator, not 1,234.00.
_GROUPED = {".": r"^[-(]?\d{1,3}(,\d{3})+(\.\d*)?\)?$", ",": r"^[-(]?\d{1,3}(\.\d{3})+(,\d*)?\)?$"}


def clean_money(column: pl.Expr, decimal: str) -> pl.Expr:
    """Text of an amount in a canonical form ``-1234.5`` (currency signs, spaces and thousands gone); null
    where a thousands separator is out of place, so the amount is reported as unreadable, never misread."""
    text = column.str.strip_chars().str.replace_all(r"[¥￥$€£\s\u00a0']|CNY|RMB|USD|EUR", "")
    thousands = "." if decimal == "," else ","
    misplaced = text.str.contains(thousands, literal=True) & ~text.str.contains(_GROUPED[decimal])
    if decimal == ",":
        text = text.str.replace_all(r"\.", "").str.replace(",", ".", literal=True)
    else:
        text = text.str.replace_all(",", "", literal=True)
    text = pl.when(misplaced).then(pl.lit(None, pl.String)).otherwise(text)
    # (123.45) is how accountants write a negative amount
    return pl.when(text.str.contains(r"^\(.*\)$")).then(pl.lit("-") + text.str.strip_chars("()")).otherwise(text)


def money_cents(canonical: pl.Expr) -> pl.Expr:
    """Integer cents from ``clean_money``'s text, exact; null where it is not an amount with ≤ 2 decimals.

    The text is checked first (at most two decimals: nothing is rounded), then read as a decimal of scale 2
    (exact, never a float) and scaled to cents."""
    valid = canonical.str.contains(_MONEY)
    cents = (canonical.cast(pl.Decimal(38, 2), strict=False) * 100).cast(pl.Int64, strict=False)
    return pl.when(valid).then(cents)


def parse_bool(column: pl.Expr) -> pl.Expr:
    text = column.str.strip_chars().str.to_lowercase()
    return pl.when(text.is_in(TRUE_WORDS)).then(True).when(text.is_in(FALSE_WORDS)).then(False)


def parse_int(column: pl.Expr) -> pl.Expr:
    return column.str.strip_chars().cast(pl.Int64, strict=False)


def parse_decimal(column: pl.Expr, decimal: str) -> pl.Expr:
    text = column.str.strip_chars()
    if decimal == ",":
        text = text.str.replace(",", ".", literal=True)
    return text.cast(pl.Float64, strict=False)
