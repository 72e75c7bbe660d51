"""``rdash import``: a file through a profile (or a table's automatic mapping), or a sync from a database."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from data_access.db.engine import migrate, open_engine
from data_access.db.writes import WriteRefused
from data_access.importing.load import ALL, VALID, import_file
from data_access.importing.mapping import auto_mapping, load_profile, simple_profile
from data_access.importing.parsing import ImportFileError, columns_of


def _bar(done: int, total: int | None) -> None:
    if total:
        filled = int(30 * done / total)
        print(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,} rows", end="", file=sys.stderr, flush=True)
    else:
        print(f"\r{done:,} rows", end="", file=sys.stderr, flush=True)


def run_import(args: argparse.Namespace) -> int:
    engine = open_engine(args.database_url)
    if args.from_url:
        from data_access.importing.sync import sync_from

        try:
            result = sync_from(engine, args.from_url, actor=args.actor)
        except WriteRefused as refused:
            print(f"rdash import: {refused}", file=sys.stderr)
            return 2
        print(result.summary())
        return 0
    if not args.file or bool(args.profile) == bool(args.table):
        print("rdash import: give a FILE and either --profile or --table (or --from-url URL)", file=sys.stderr)
        return 2
    path = Path(args.file)
    try:
        if args.profile:
            profile = load_profile(args.profile)
        else:
            columns = columns_of(path, args.encoding)
            profile = simple_profile(f"{args.table} (columns by name)", args.table, auto_mapping(args.table, columns))
        if args.date_format or args.encoding:
            profile = replace(profile, date_format=args.date_format or profile.date_format,
                              encoding=args.encoding or profile.encoding)  # fmt: skip
        migrate(engine)
        result = import_file(engine, path, profile, actor=args.actor, mode=VALID if args.valid_rows else ALL,
                             chunk_rows=args.chunk_rows, progress=_bar)  # fmt: skip
    except (ImportFileError, ValueError, FileNotFoundError) as problem:
        print(f"rdash import: {problem}", file=sys.stderr)
        return 2
    print(file=sys.stderr)
    print(f"Encoding {result.encoding or '—'}, dates {result.date_format}, decimal separator '{result.decimal}'.")
    print(result.summary())
    if args.report:
        result.report().write_csv(args.report)
        print(f"Validation report: {args.report} ({result.problems_total:,} problem(s))")
    if not result.valid:
        shown = result.report().head(20)
        for row in shown.iter_rows(named=True):
            print(f"  {row['file']} row {row['row']} {row['column']} {row['value']!r}: {row['problem']} -> {row['fix']}")
        if result.problems_total > shown.height:
            print(f"  … and {result.problems_total - shown.height:,} more (--report FILE.csv lists them)")
        return 1 if result.mode == ALL else 0
    return 0
