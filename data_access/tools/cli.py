"""The ``rdash`` command: run the app, create a demo database, migrate, benchmark.

    rdash run                      start the dashboard (creates the demo database on first run)
    rdash demo --invoices N --seed S [--end YYYY-MM-DD] [--database-url URL]
    rdash migrate [--database-url URL]
    rdash bench --invoices N       every page in the browser, the fair side-by-side; writes docs/performance.md
    rdash load-test --sessions 20 [--browsers 1] --invoices N
                                   that many sessions at once on one server (K in Chromium, the others protocol-only):
                                   page and filter-change times
    rdash risk-check demo|ibm      the early-warning model's time-split validation (docs/early_warning.md)
    rdash audit verify [--database-url URL]
                                   check the hash chain of the audit log; exit 1 naming the first broken entry
    rdash import FILE (--profile NAME|FILE.toml | --table TABLE) [--valid-rows] [--report FILE.csv]
                                   validate and import a CSV, Excel or Parquet file (docs/importing.md)
    rdash import --from-url URL    bring this database up to date with another one (a synced copy)
    rdash bench-import --invoices N
                                   the import's speed against the demo generator's on the same rows
    rdash check [--database-url URL]
                                   check a database against the view contract (docs/view_contract.md)

    rdash pack --as-of D --out DIR [--lang en|zh] [--region 1,2 ...] [--agenda NAME] [--no-pdf]
                                   a risk meeting's pack: offline HTML, Excel workbook, PDF (python -m dashboard.pack)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from datetime import date

from data_access.settings import PROJECT_ROOT, load_settings


def _parser() -> argparse.ArgumentParser:
    settings = load_settings()
    parser = argparse.ArgumentParser(prog="rdash", description="rdash collections cockpit")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="start the dashboard; the embedded demo database is created on first run")
    run.add_argument("--port", type=int, default=8501)
    run.add_argument("streamlit_args", nargs=argparse.REMAINDER, help="passed on to `streamlit run`")

    demo = commands.add_parser("demo", help="create a deterministic demo portfolio in an empty database")
    demo.add_argument("--invoices", type=int, default=settings.demo_invoices)
    demo.add_argument("--seed", type=int, default=settings.demo_seed)
    demo.add_argument("--end", type=date.fromisoformat, default=None, help="last day of the history (default today)")
    demo.add_argument("--database-url", default=settings.database_url)

    migrate = commands.add_parser("migrate", help="create or upgrade the schema to the newest revision")
    migrate.add_argument("--database-url", default=settings.database_url)

    audit = commands.add_parser("audit", help="the tamper-evident audit log")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_commands.add_parser("verify", help="check every entry's hash and link; name the first broken one")
    verify.add_argument("--database-url", default=settings.database_url)

    risk = commands.add_parser("risk-check", help="the early-warning model's time-split validation (docs/early_warning.md)")
    risk_commands = risk.add_subparsers(dest="risk_command", required=True)
    risk_demo = risk_commands.add_parser("demo", help="train and validate the risk model on a database")
    risk_demo.add_argument("--database-url", default=settings.database_url)
    risk_demo.add_argument("--as-of", type=date.fromisoformat, default=None, help="default: the newest fact")
    risk_ibm = risk_commands.add_parser("ibm", help="the same method on IBM's real receivables sample")
    risk_ibm.add_argument("--csv", default=None, help="default: ../shared/data/ibm_accounts_receivable.csv")

    imp = commands.add_parser("import", help="validate and import a file, or sync from another database "
                                             "(docs/importing.md)")
    imp.add_argument("file", nargs="?", help="a CSV (UTF-8 or GBK), Excel (.xlsx) or Parquet file")
    imp.add_argument("--profile", help="a shipped profile (e.g. ibm_ar) or a profile .toml file")
    imp.add_argument("--table", help="without a profile: the table the file fills, columns matched by name")
    imp.add_argument("--valid-rows", action="store_true",
                     help="write the valid rows and report the rejected ones (default: all or nothing)")
    imp.add_argument("--report", help="write the validation report (CSV) here")
    imp.add_argument("--chunk-rows", type=int, default=100_000, help="rows read and checked at a time")
    imp.add_argument("--date-format", help="e.g. %%m/%%d/%%Y (default: the profile's, or detected)")
    imp.add_argument("--encoding", help="utf-8 or gbk (default: the profile's, or detected)")
    imp.add_argument("--from-url", help="sync from this database (rdash schema or the view contract) instead of a file")
    imp.add_argument("--actor", default=os.environ.get("USER", "rdash import"), help="who imports (audit log)")
    imp.add_argument("--database-url", default=settings.database_url)

    bench_import = commands.add_parser("bench-import", help="the import's speed against the demo generator's, "
                                                            "on the same rows (printed, docs/importing.md)")
    bench_import.add_argument("--invoices", type=int, default=1_000_000)
    bench_import.add_argument("--seed", type=int, default=settings.demo_seed)
    bench_import.add_argument("--chunk-rows", type=int, default=100_000)

    check = commands.add_parser("check", help="check a database against the view contract (docs/view_contract.md)")
    check.add_argument("--database-url", default=settings.database_url)

    bench = commands.add_parser("bench", help="time every page and the fair side-by-side; writes docs/performance.md")
    bench.add_argument("--invoices", type=int, default=1_000_000)
    bench.add_argument("--seed", type=int, default=settings.demo_seed)
    bench.add_argument("--repeat", type=int, default=5)
    bench.add_argument("--database-url", default=None,
                       help="the demo database to build or reuse (default: data/bench-N.sqlite)")
    bench.add_argument("--no-browser", action="store_true", help="skip the headless-Chromium page timings")
    bench.add_argument("--browser-repeat", type=int, default=3, help="warm loads per page (filter changes: twice)")
    bench.add_argument("--port", type=int, default=None, help="the app's port for the browser part (default: free)")
    bench.add_argument("--postgres-url", default=None,
                       help="also build or reuse the demo in this PostgreSQL database: its cold load and pushdown")
    bench.add_argument("--output", default=str(PROJECT_ROOT / "docs" / "performance.md"))

    load_test = commands.add_parser("load-test", help="N simultaneous sessions on one app server, K of them in "
                                    "headless Chromium and the others speaking Streamlit's protocol only: each "
                                    "opens a page and changes a filter; errors, median and p90, server memory")
    load_test.add_argument("--sessions", type=int, default=20)
    load_test.add_argument("--browsers", type=int, default=1,
                           help="of the sessions, how many in headless Chromium, timed as a person waits (the "
                                "others do the server's work without drawing); equal to --sessions: all in Chromium")
    load_test.add_argument("--invoices", type=int, default=1_000_000)
    load_test.add_argument("--seed", type=int, default=settings.demo_seed)
    load_test.add_argument("--database-url", default=None,
                           help="the database to serve (default: the benchmark's data/bench-N.sqlite, built "
                                "if missing)")
    load_test.add_argument("--page", default=None,
                           help="url path of the page (default: the menu's first, the Overview)")
    load_test.add_argument("--port", type=int, default=None, help="the app's port (default: a free one)")
    load_test.add_argument("--timeout", type=float, default=600,
                           help="seconds before an unfinished session is an error")
    # The pack is drawn by the dashboard's figures; data_access never imports the dashboard, so ``rdash pack``
    # runs ``python -m dashboard.pack`` with the arguments as given (its --help lists them).
    commands.add_parser("pack", add_help=False, help="write a risk meeting's pack (HTML, Excel, PDF) for a date and filters")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["pack"]:
        return subprocess.call([sys.executable, "-m", "dashboard.pack", *argv[1:]], cwd=PROJECT_ROOT,
                               env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(PROJECT_ROOT), os.environ.get("PYTHONPATH"))))})  # fmt: skip
    args = _parser().parse_args(argv)
    if args.command == "run":
        settings = load_settings()
        if settings.is_default_sqlite:  # first run: create and seed the embedded demo database now
            from data_access.demo.seeding import ensure_database

            print(f"Preparing {settings.database_url} (the demo portfolio is written on first run)…", flush=True)
            problem = ensure_database(settings.database_url, invoices=settings.demo_invoices, seed=settings.demo_seed,
                                      currency=settings.currency, seed_if_empty=True)  # fmt: skip
            if problem:
                print(f"rdash run: {problem}", file=sys.stderr)
                return 2
        command = [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app.py"),
                   "--server.port", str(args.port), *args.streamlit_args]  # fmt: skip
        return subprocess.call(command, cwd=PROJECT_ROOT, env=os.environ.copy())
    if args.command == "demo":
        from data_access.db.engine import open_engine
        from data_access.demo.seeding import seed_demo

        try:
            counts = seed_demo(open_engine(args.database_url), invoices=args.invoices, seed=args.seed, end=args.end,
                               currency=load_settings().currency)  # fmt: skip
        except (RuntimeError, ValueError) as problem:
            print(f"rdash demo: {problem}", file=sys.stderr)
            return 2
        print(f"Demo portfolio written in {counts.pop('seconds')} s: "
              + ", ".join(f"{name} {rows:,}" for name, rows in counts.items()))  # fmt: skip
        return 0
    if args.command == "migrate":
        from data_access.db.engine import head_revision, migrate, open_engine

        migrate(open_engine(args.database_url))
        print(f"Schema at revision {head_revision()}")
        return 0
    if args.command == "audit":
        from data_access.db.audit import verify_chain
        from data_access.db.engine import open_engine, schema_problem

        engine = open_engine(args.database_url)
        if problem := schema_problem(engine):
            print(f"rdash audit verify: {problem}", file=sys.stderr)
            return 2
        verdict = verify_chain(engine)
        print(verdict)
        return 0 if verdict.ok else 1
    if args.command == "risk-check":
        from data_access.tools import risk_check

        if args.risk_command == "ibm":
            print(risk_check.ibm_report(args.csv) if args.csv else risk_check.ibm_report())
        else:
            print(risk_check.demo_report(args.database_url, args.as_of))
        return 0
    if args.command == "import":
        from data_access.tools.import_cli import run_import

        return run_import(args)
    if args.command == "bench-import":
        from data_access.tools.bench_import import run

        print(run(args.invoices, args.seed, args.chunk_rows))
        return 0
    if args.command == "check":
        from data_access.db.engine import open_engine
        from data_access.importing.contract import check_database, problems_text

        findings = check_database(open_engine(args.database_url))
        print(problems_text(findings))
        return 1 if any(f.required for f in findings) else 0
    if args.command == "bench":
        import signal

        from data_access.tools.bench import run_benchmark

        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a stopped run still stops its app server

        run_benchmark(args.invoices, args.seed, args.repeat, args.output, database_url=args.database_url,
                      browser=not args.no_browser, browser_repeat=args.browser_repeat, port=args.port,
                      postgres_url=args.postgres_url)  # fmt: skip
        print(f"written to {args.output}" if args.output else "")
        return 0
    if args.command == "load-test":
        import signal

        from data_access.tools import browser_bench, load_test
        from data_access.tools.bench import demo_database

        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a stopped run still stops its app server
        if not browser_bench.chromium_available():
            print(f"no Chromium at {browser_bench.CHROMIUM} or no Playwright", file=sys.stderr)
            return 2
        if not 0 <= args.browsers <= args.sessions:
            print("--browsers must be between 0 and --sessions", file=sys.stderr)
            return 2
        url, _seconds, _load = demo_database(args.invoices, args.seed, args.database_url)
        result = load_test.run(url, args.sessions, browsers=args.browsers, url_path=args.page, port=args.port,
                               timeout_s=args.timeout)  # fmt: skip
        for error in result.errors:
            print(error)
        return 1 if result.errors else 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
