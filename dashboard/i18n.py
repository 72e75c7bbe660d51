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
        "nav.overview": "Overview",
        "nav.aging": "Aging",
        "nav.bad_debt": "Bad debt & provisions",
        "nav.factoring": "Factoring portfolio",
        # overview
        "overview.title": "Overview",
        "overview.period": "Period: {period} (compared with {previous}); month-end figures at {month_end}.",
        "overview.kpi.total": "Total outstanding",
        "overview.kpi.overdue_share": "Overdue share",
        "overview.kpi.recovery": "Recovery rate (period)",
        "overview.kpi.recovery_help": (
            "Cash collected in the period on receivables overdue at its start or falling overdue during it, "
            "÷ their outstanding when they entered; target = the tiered targets weighted by that outstanding."
        ),
        "overview.kpi.bad_debt": "Bad-debt rate (12 months)",
        "overview.kpi.bad_debt_help": "Write-offs in the trailing 12 months ÷ average month-end outstanding. Target {target}.",
        "overview.kpi.dso": "DSO (count-back)",
        "overview.kpi.dso_help": "Receivables counted back against monthly credit sales, newest month first.",
        "overview.kpi.best_dso": "Best possible DSO",
        "overview.kpi.best_dso_help": "Current (not due) receivables ÷ the month's credit sales × its days.",
        "overview.kpi.add": "Avg days delinquent",
        "overview.kpi.add_help": "DSO − best possible DSO.",
        "overview.kpi.cei": "CEI",
        "overview.kpi.cei_help": (
            "(opening + credit sales − closing total) ÷ (opening + credit sales − closing current) × 100, "
            "for the month; sales = all credit sales of the month."
        ),
        "overview.kpi.kept": "Promises kept",
        "overview.kpi.kept_help": "Promises falling due in the period and judged (grace {grace} days): kept ÷ due.",
        "overview.delta.vs": "{change} vs {previous}",
        "overview.delta.target": "target {target}",
        "overview.bad_debt_trend": "Bad-debt trend",
        "overview.bad_debt_rate": "Bad-debt rate (trailing 12 months)",
        "overview.write_offs": "Write-offs in the month",
        "overview.target": "Target",
        "overview.sentence.above": "Bad-debt rate {rate}, above the {target} target for {months} month(s)",
        "overview.sentence.below": "Bad-debt rate {rate}, within the {target} target",
        "overview.sentence.driver_industry": "; driven by the {name} industry ({wo} of write-offs, {book} of the book)",
        "overview.sentence.driver_region": "; driven by {name} ({wo} of write-offs, {book} of the book)",
        "overview.sentence.no_history": "Not enough history for a trailing 12-month bad-debt rate yet.",
        "overview.dso_trend": "DSO, best possible DSO and days delinquent",
        "overview.cei_trend": "Collection effectiveness (CEI)",
        "overview.days": "days",
        "overview.attention": "Needs attention",
        "overview.attention_none": "Nothing stands out for this selection.",
        "attention.driver_industry": "{name}: {wo} of write-offs from {book} of the book",
        "attention.driver_region": "{name}: {wo} of write-offs from {book} of the book",
        "attention.severe_region": "{name}: {share} of outstanding is 90+ days past due (overall {overall})",
        "attention.write_off_candidates": "Write-off candidates: {count} invoice(s), {amount}",
        "attention.charge_backs": "Charge-back candidates: {count} overdue recourse invoice(s), {amount}",
        "attention.over_limit": "Over {flag} of their credit limit: {count} debtor(s)",
        # bad debt and provisions
        "bad_debt.title": "Bad debt & provisions",
        "bad_debt.provision": "Provision matrix (IFRS 9 simplified approach)",
        "bad_debt.lookback": "Look-back (months)",
        "bad_debt.scalar": "Forward-looking scalar",
        "bad_debt.scalar_help": "Multiplies every loss rate: above 1 when the outlook is worse than the look-back.",
        "bad_debt.segment": "Segment by",
        "bad_debt.segment_none": "Whole book",
        "bad_debt.kpi.ecl": "Expected credit loss",
        "bad_debt.kpi.coverage": "Coverage",
        "bad_debt.kpi.coverage_help": "Expected credit loss ÷ outstanding.",
        "bad_debt.kpi.recovery": "Post-write-off recovery",
        "bad_debt.kpi.recovery_help": "Recoveries ÷ write-offs over the look-back window.",
        "bad_debt.derivation": "How each loss rate is derived",
        "bad_debt.derivation_row": "{bucket}: {chain} = {product} to write-off × (1 − {recovery}) × {scalar} = {loss}",
        "bad_debt.method": (
            "Roll rate of a bucket = share of the balance leaving it (not staying a further month) that moves on to a "
            "worse bucket or to write-off, averaged over the look-back; the chain multiplies the roll rates down to "
            "write-off. See docs/metrics.md."
        ),
        "bad_debt.by_segment": "Loss rates and ECL by {segment}",
        "bad_debt.write_offs": "Write-offs",
        "bad_debt.write_offs_by": "Write-offs in the last 12 months by",
        "bad_debt.recovered": "Recovered after write-off",
        "bad_debt.legal": "Legal pipeline",
        "bad_debt.legal_note": "Stages as recorded today for the cases opened by the as-of date.",
        "bad_debt.legal_empty": "No legal case was opened by the as-of date.",
        "bad_debt.candidates": "Write-off candidates",
        "bad_debt.candidates_caption": "Open invoices more than {dpd} days past due with no payment in the last {days} days.",
        "bad_debt.candidates_none": "No invoice is more than {dpd} days past due without a payment in the last {days} days.",
        "bad_debt.no_write_offs": "No write-offs in this selection up to the as-of date.",
        # factoring portfolio
        "factoring.title": "Factoring portfolio",
        "factoring.dilution": "Dilution",
        "factoring.dilution_caption": "Credit notes ÷ credit sales; the line is the 3-month rolling dilution.",
        "factoring.dilution_month": "Dilution in the month",
        "factoring.dilution_rolling": "3-month rolling",
        "factoring.dilution_by_client": "By client, last 3 months",
        "factoring.concentration": "Debtor concentration",
        "factoring.top10": "Top 10 debtors' share of outstanding",
        "factoring.over_share": "Debtors over {share} of a client's book",
        "factoring.utilisation": "Credit-limit utilisation",
        "factoring.utilisation_caption": "Debtor outstanding ÷ credit limit; above {flag} is flagged.",
        "factoring.recourse": "Recourse and non-recourse exposure",
        "factoring.recourse_yes": "Recourse",
        "factoring.recourse_no": "Non-recourse",
        "factoring.charge_back": "Charge-back candidates",
        "factoring.charge_back_caption": "Overdue recourse invoices more than {days} days after their invoice date.",
        "factoring.none": "Nothing in this selection.",
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
        "col.tier": "Tier",
        "col.receivables": "Receivables",
        "col.entry": "Outstanding at entry",
        "col.collected": "Collected",
        "col.target": "Target",
        "col.met": "Met",
        "col.stay_rate": "Stays a month",
        "col.roll_rate": "Roll rate onward",
        "col.chain_to_write_off": "Chain to write-off",
        "col.recovery_rate": "Recovery after write-off",
        "col.scalar": "Scalar",
        "col.loss_rate": "Loss rate",
        "col.ecl": "Expected credit loss",
        "col.stage": "Stage",
        "col.cases": "Cases",
        "col.claimed": "Claimed",
        "col.recovered": "Recovered",
        "col.recovered_share": "Recovered share",
        "col.median_age_days": "Median age (days)",
        "col.last_payment": "Last payment",
        "col.events": "Credit events",
        "col.latest_event": "Latest event",
        "col.latest_event_date": "Event date",
        "col.sales": "Credit sales",
        "col.credits": "Credit notes",
        "col.dilution": "Dilution",
        "col.share_of_client": "Share of client's book",
        "col.credit_limit": "Credit limit",
        "col.utilisation": "Utilisation",
        "col.over_flag": "Over the flag",
        "col.age_days": "Days since invoice",
        "col.recourse": "Recourse",
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
