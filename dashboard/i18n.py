"""Every string a user reads, in one place, keyed by id.

``t("aging.title")`` returns the text in the active language; ``{name}`` placeholders are filled
from keyword arguments. English is complete; a language added later (Simplified Chinese is planned)
falls back to English key by key, and ``tests/test_i18n.py`` lists what is missing.
"""

from __future__ import annotations

DEFAULT_LANGUAGE = "en"

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "app.title": "rdash · collections cockpit",
        "nav.aging": "Aging",
        # sidebar filters
        "filters.header": "Filters",
        "filters.as_of": "As of",
        "filters.as_of_help": "Only facts dated on or before this day count: the book as it stood then.",
        "filters.region": "Region",
        "filters.client": "Client",
        "filters.industry": "Debtor industry",
        "filters.collector": "Collector",
        "filters.grade": "Rating grade",
        "filters.reset": "Clear filters",
        "filters.all": "All receivables",
        "filters.as_of_part": "as of {date}",
        "filters.ignored": "Ignored from the link: {items}. Pick values from the sidebar instead.",
        "filters.bad_date": "as_of={value} is not a date in the data ({first} to {last})",
        "filters.unknown": "{field}={value} is unknown",
        "filters.scope_note": "Collector and rating select debtors by their assignment and grade on the as-of date.",
        # shell
        "shell.freshness": "Data version {version} · {source} · newest fact {latest} · checked {checked}",
        "shell.db_problem": "The receivables database cannot be used",
        "shell.db_fix": (
            "Set RDASH_DATABASE_URL to a reachable database and run `rdash migrate`, or unset it to use "
            "the embedded demo database."
        ),
        "shell.empty_book": "The database has no invoices yet. Load data or run `rdash demo` on an empty database.",
        "shell.empty_selection": "No open receivables match {filters}. Widen the filters in the sidebar.",
        "shell.loading": "Loading receivables…",
        "shell.seeding": "First run: creating the demo portfolio ({invoices} invoices). This takes a few seconds.",
        # aging page
        "aging.title": "Aging",
        "aging.basis": "Age by invoice date",
        "aging.basis_help": "Off: days past the due date (the standard). On: days since the invoice was issued.",
        "aging.kpi.total": "Total outstanding",
        "aging.kpi.total_help": "Invoice amounts less payments, credit notes and write-offs dated on or before the as-of date.",
        "aging.kpi.overdue": "Overdue",
        "aging.kpi.overdue_help": "Outstanding past its due date (days past due above 0).",
        "aging.kpi.severe": "90+ days share",
        "aging.kpi.severe_help": "Share of outstanding more than 90 days past due.",
        "aging.kpi.add": "Avg days delinquent",
        "aging.kpi.add_help": "Amount-weighted: sum of outstanding x days past due (0 when not due) / sum of outstanding.",
        "aging.kpi.debtors": "Debtors overdue",
        "aging.kpi.debtors_help": "Debtors with at least one overdue open invoice.",
        "aging.kpi.share_of_total": "{share} of total",
        "aging.overpaid": "Unapplied overpayments of {amount} are not netted against the outstanding above.",
        "aging.buckets": "Buckets",
        "aging.by": "Aging by",
        "aging.by_help": "Click a row to list its debtors below.",
        "aging.top_n": "Largest {n} of {total} shown in the chart; the table has all.",
        "aging.drill": "Debtors",
        "aging.drill_bucket": "Bucket",
        "aging.drill_all_buckets": "All buckets",
        "aging.drill_scope": "{bucket} · {selection}",
        "aging.drill_pick": "Click a debtor to see its open invoices.",
        "aging.invoices_of": "Open invoices of {debtor}",
        "aging.trend": "Aging trend",
        "aging.trend_caption": "Outstanding at each month end over the last {months} months, by bucket.",
        "aging.roll": "Roll rates",
        "aging.roll_caption": (
            "Where each month-end balance stood a month later: share of the row's balance in each bucket, "
            "paid or credited, or written off. Rows add up to 100 %."
        ),
        "aging.roll_latest": "Latest month ({month})",
        "aging.roll_average": "12-month average",
        "aging.roll_empty": "Roll rates need at least two month ends of history before the as-of date.",
        "aging.trend_empty": "No month end with open receivables before the as-of date yet.",
        # dimensions
        "dim.region": "Region",
        "dim.client": "Client",
        "dim.industry": "Industry",
        "dim.collector": "Collector",
        "dim.grade": "Rating grade",
        # columns
        "col.bucket": "Bucket",
        "col.amount": "Amount",
        "col.invoices": "Invoices",
        "col.share": "Share",
        "col.total": "Total",
        "col.overdue_share": "Overdue share",
        "col.debtor": "Debtor",
        "col.region": "Region",
        "col.industry": "Industry",
        "col.grade": "Grade",
        "col.collector": "Collector",
        "col.client": "Client",
        "col.outstanding": "Outstanding",
        "col.overdue": "Overdue",
        "col.max_dpd": "Max days past due",
        "col.weighted_dpd": "Weighted days past due",
        "col.invoice_number": "Invoice",
        "col.issue_date": "Issued",
        "col.due_date": "Due",
        "col.paid": "Paid",
        "col.credited": "Credited",
        "col.written_off": "Written off",
        "col.dpd": "Days past due",
        "col.month_end": "Month end",
        "col.origin": "From",
        "col.destination": "To",
        "col.rate": "Rate",
        # buckets and flows
        "bucket.Current": "Current",
        "flow.Paid": "Paid / credited",
        "flow.Written off": "Written off",
        # downloads
        "download.csv": "CSV",
        "download.excel": "Excel",
        "download.sheet_about": "About",
    },
}


def t(key: str, language: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text for ``key`` in ``language`` (falling back to English), with placeholders filled."""
    table = STRINGS.get(language, {})
    text = table.get(key) or STRINGS[DEFAULT_LANGUAGE][key]
    return text.format(**values) if values else text


def label(prefix: str, value: str, language: str = DEFAULT_LANGUAGE) -> str:
    """A data value shown to people (a bucket, a flow destination): translated where a string exists."""
    key = f"{prefix}.{value}"
    return t(key, language) if key in STRINGS[DEFAULT_LANGUAGE] else value
