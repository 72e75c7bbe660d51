"""The Data page's side of imports: upload to a file, detect formats, check, import, keep profiles.

Everything that touches the database happens in ``data_access.importing`` (one audited write per import);
this module only hands it the app's engine and actor and tells the caches after a write.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from dashboard import data
from data_access.importing import parsing
from data_access.importing.load import ALL, ImportResult, Progress, import_file, save_profile, saved_profiles
from data_access.importing.mapping import Profile, shipped_profiles

UPLOADS = Path(tempfile.gettempdir()) / "rdash-uploads"


@dataclass(frozen=True)
class Upload:
    path: str
    name: str


@dataclass(frozen=True)
class Preview:
    columns: list[str]
    head: pl.DataFrame
    encoding: str | None
    date_format: str | None
    decimal: str


def keep_upload(name: str, content: bytes) -> Upload:
    """Write an uploaded file to a private temporary file (named by its content) and return where."""
    UPLOADS.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(content).hexdigest()[:16]
    path = UPLOADS / f"{digest}{Path(name).suffix.lower()}"
    if not path.exists():
        path.write_bytes(content)
    return Upload(str(path), name)


def preview(upload: Upload, encoding: str | None = None) -> Preview:
    """The file's columns, first rows and the formats detected from them."""
    path = Path(upload.path)
    kind = parsing.file_kind(path)
    detected = (encoding or parsing.detect_encoding(path)) if kind == "csv" else None
    first = next(parsing.read_chunks(path, encoding=detected, chunk_rows=2000), None)
    head = first.frame if first else pl.DataFrame()
    columns = [head[c].drop_nulls().to_list() for c in head.columns]
    # The date format of the columns that hold dates; the decimal separator of those that hold amounts.
    formats = [f for values in columns if (f := parsing.detect_date_format(values))]
    amounts = [v for values in columns for v in values if parsing.looks_like_amount(v)]
    return Preview(head.columns, head.head(20), detected, formats[0] if formats else None,
                   parsing.detect_decimal(amounts))  # fmt: skip


def profiles() -> dict[str, Profile]:
    """The shipped profiles and those saved in the database, by name (a saved one wins)."""
    url = data.settings().database_url
    return {**shipped_profiles(), **saved_profiles(data.store(url).meta())}


def check(upload: Upload, profile: Profile, progress: Progress | None = None) -> ImportResult:
    """Validate the whole file exactly as an import would, and write nothing."""
    return _run(upload, profile, ALL, progress, dry_run=True)


def run(upload: Upload, profile: Profile, mode: str, progress: Progress | None = None) -> ImportResult:
    result = _run(upload, profile, mode, progress, dry_run=False)
    if result.written:
        data.after_write()
    return result


def _run(upload: Upload, profile: Profile, mode: str, progress: Progress | None, dry_run: bool) -> ImportResult:
    engine = data.store(data.settings().database_url).engine
    return import_file(engine, Path(upload.path), profile, actor=data.current_actor(), mode=mode, progress=progress,
                       file_name=upload.name, dry_run=dry_run)  # fmt: skip


def keep_profile(profile: Profile) -> None:
    save_profile(data.store(data.settings().database_url).engine, profile, actor=data.current_actor())
    data.after_write()
