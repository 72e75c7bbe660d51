"""Data: bring your own receivables — upload a file, map its columns, check it, import it.

For administrators (until sign-in exists, everyone using the app); a region-scoped reader may not write.
The check validates the whole file exactly as the import would and writes nothing; the import is one
audited write (docs/importing.md). A mapping can be saved as a named profile and reused.
"""

from dataclasses import replace

import polars as pl
import streamlit as st

from dashboard import data, importer
from dashboard.components import money_table
from dashboard.i18n import localized, t
from dashboard.shell import freshness, open_page_allowing_empty
from data_access.importing.load import ALL, VALID, ImportResult
from data_access.importing.mapping import Profile, auto_mapping, simple_profile
from data_access.importing.parsing import DATE_FORMATS, ImportFileError
from data_access.importing.spec import LOAD_ORDER, target

NEW, AUTO = "", ""  # a new mapping (no profile); a format left to detection
REPORT_COLUMNS = ("file", "row", "table", "column", "value", "problem", "fix")


def upload_section() -> importer.Upload | None:
    st.subheader(t("data.upload"))
    st.caption(t("data.upload_help"))
    file = st.file_uploader(t("data.file"), type=["csv", "txt", "xlsx", "xls", "parquet"], key="data_file")
    if file is not None:
        st.session_state["data_source"] = importer.keep_upload(file.name, file.getvalue())
        st.session_state["data_uploaded"] = True
    elif st.session_state.pop("data_uploaded", False):  # the user removed the file
        st.session_state.pop("data_source", None)
    return st.session_state.get("data_source")


def formats_section(upload: importer.Upload) -> tuple[importer.Preview, dict[str, str | None]]:
    """Encoding, date format and decimal separator: detected, or set by hand."""
    left, middle, right = st.columns(3)
    encoding = left.selectbox(t("data.encoding"), [AUTO, "utf-8", "gbk"], key="data_encoding",
                              format_func=lambda v: v or t("data.detect"))  # fmt: skip
    preview = importer.preview(upload, encoding or None)
    date_format = middle.selectbox(t("data.date_format"), [AUTO, *DATE_FORMATS], key="data_date_format",
                                   format_func=lambda v: v or t("data.detect"))  # fmt: skip
    decimal = right.selectbox(t("data.decimal"), [AUTO, ".", ","], key="data_decimal",
                              format_func=lambda v: v or t("data.detect"))  # fmt: skip
    st.caption(t("data.detected", encoding=preview.encoding or "—", date_format=preview.date_format or "—",
                 decimal=preview.decimal, columns=len(preview.columns)))  # fmt: skip
    with st.expander(t("data.preview"), expanded=False):
        st.dataframe(preview.head, hide_index=True, placeholder="—")
    return preview, {"encoding": encoding or None, "date_format": date_format or None, "decimal": decimal or None}


def mapping_section(preview: importer.Preview, formats: dict[str, str | None]) -> Profile | None:
    """A saved or shipped profile, or a new mapping: matched by name, then adjusted by hand."""
    st.subheader(t("data.mapping"))
    profiles = importer.profiles()
    chosen = st.selectbox(t("data.profile"), [NEW, *profiles], key="data_profile",
                          format_func=lambda p: p or t("data.new_mapping"))  # fmt: skip
    if chosen:
        profile = profiles[chosen]
        st.caption(profile.description or t("data.profile_tables", tables=", ".join(m.table for m in profile.targets)))
        with st.expander(t("data.profile_toml")):
            st.code(profile.to_toml(), language="toml")
        return replace(profile, **{k: v for k, v in formats.items() if v})
    table = st.selectbox(t("data.table"), LOAD_ORDER, index=LOAD_ORDER.index("invoices"), key="data_table",
                         format_func=lambda name: t(f"data.table.{name}"))  # fmt: skip
    spec = target(table)
    auto = auto_mapping(table, preview.columns)
    st.caption(t("data.auto_matched", matched=len(auto), fields=len(spec.fields)))
    # The hand-made choices outlive their widgets: replacing the file in the uploader reruns the page once
    # without a file, which drops the mapping boxes' state; a fixed file with the same columns keeps its mapping.
    kept = st.session_state.setdefault("data_map_kept", {}).setdefault((table, tuple(preview.columns)), {})
    mapping: dict[str, str] = {}
    cells = st.columns(3)
    unmapped = t("data.unmapped")
    for i, field in enumerate(spec.fields):
        chosen_before = kept.get(field.name, auto.get(field.name, AUTO))
        options = list(dict.fromkeys([AUTO, *preview.columns, chosen_before]))  # a typed constant stays offered
        label = t("data.field_required" if field.required and field.default is None else "data.field", name=field.name)
        picked = cells[i % 3].selectbox(label, options, index=options.index(chosen_before),
                                        key=f"data_map.{table}.{field.name}.{'|'.join(preview.columns)}",
                                        format_func=lambda c: c or unmapped,
                                        accept_new_options=True)  # a typed "=value" is a constant  # fmt: skip
        kept[field.name] = picked
        if picked:
            mapping[field.name] = picked
    return simple_profile(t("data.unsaved"), table, mapping, **formats)


def show_result(result: ImportResult) -> None:
    counts = result.counts_frame()
    money_table(counts, currency="", key="data_counts",
                labels={c: t(f"data.col.{c}") for c in counts.columns})  # fmt: skip
    if result.valid:
        return
    report = result.report(say=localized)  # problems and fixes in the reader's language
    labels = {c: t(f"data.col.{c}") for c in REPORT_COLUMNS}
    money_table(report, currency="", key="data_report", labels=labels, height=320)
    if result.problems_total > report.height:
        st.caption(t("data.report_cut", shown=f"{report.height:,}", total=f"{result.problems_total:,}"))
    st.download_button(t("data.download_report"), data=lambda: report_csv(report, labels),
                       file_name=f"import-report-{result.file}.csv", mime="text/csv", key="data_report_csv",
                       icon=":material/download:")  # fmt: skip


def report_csv(report: pl.DataFrame, labels: dict[str, str]) -> bytes:
    """The report as the reader sees it: headers and texts in their language (UTF-8 with a BOM for Excel)."""
    return report.rename(labels).write_csv().encode("utf-8-sig")


def summary(result: ImportResult) -> str:
    """What an import wrote, in the reader's language."""
    parts = [t("data.imported_table", table=t(f"data.table.{table}"), inserted=f"{c['inserted']:,}",
               updated=f"{c['updated']:,}", unchanged=f"{c['unchanged']:,}", rejected=f"{c['rejected']:,}")
             for table, c in result.counts.items()]  # fmt: skip
    return t("data.imported", file=result.file, rows=f"{result.rows_read:,}", tables=t("error.list_separator").join(parts))


def progress_bar():  # noqa: ANN201 - a progress callback
    bar = st.progress(0.0, text=t("data.reading"))

    def report(done: int, total: int | None) -> None:
        share = min(done / total, 1.0) if total else 0.0
        bar.progress(share, text=t("data.progress", done=f"{done:,}", total=f"{total:,}" if total else "?"))

    return report


def check_section(upload: importer.Upload, profile: Profile) -> None:
    """Check (writes nothing), then import all, or only the valid rows when asked."""
    st.subheader(t("data.check_title"))
    fingerprint = (upload.path, profile.to_toml())
    if st.session_state.get("data_result", (None,))[0] != fingerprint:
        st.session_state.pop("data_result", None)
    if st.button(t("data.check"), key="data_check", icon=":material/rule:"):
        try:
            st.session_state["data_result"] = (fingerprint, importer.check(upload, profile, progress_bar()))
        except (ImportFileError, ValueError) as problem:
            st.error(localized(problem), icon=":material/error:")
            return
    if "data_result" not in st.session_state:
        st.caption(t("data.check_help"))
        return
    result: ImportResult = st.session_state["data_result"][1]
    valid_rows = result.rows_read - len(result.rejected_rows)
    if result.valid and result.changed == 0:
        st.info(t("data.nothing_to_change", rows=f"{result.rows_read:,}"), icon=":material/check:")
        show_result(result)
        return
    if result.valid:
        st.success(t("data.valid", rows=f"{result.rows_read:,}", changes=f"{result.changed:,}"), icon=":material/check:")
    else:
        st.error(t("data.invalid", problems=f"{result.problems_total:,}", rejected=f"{len(result.rejected_rows):,}",
                   rows=f"{result.rows_read:,}"), icon=":material/error:")  # fmt: skip
    show_result(result)
    mode = ALL if result.valid else VALID
    label = t("data.import") if result.valid else t("data.import_valid", rows=f"{valid_rows:,}")
    if st.button(label, key="data_import", type="primary", icon=":material/upload:", disabled=result.changed == 0):
        done = importer.run(upload, profile, mode, progress_bar())
        st.session_state.pop("data_result", None)
        st.session_state["data_flash"] = summary(done) if done.written else t("data.not_written")
        st.rerun()


def save_section(profile: Profile) -> None:
    st.subheader(t("data.save_title"))
    with st.form("data_save_profile", clear_on_submit=True):
        name = st.text_input(t("data.profile_name"), placeholder=t("data.profile_name_placeholder"))
        if st.form_submit_button(t("data.save"), icon=":material/bookmark_add:"):
            try:
                importer.keep_profile(replace(profile, name=name.strip()))
            except ValueError as refused:
                st.error(localized(refused))
            else:
                st.session_state["data_flash"] = t("data.saved", name=name.strip())
                st.rerun()


def main() -> None:
    cockpit = open_page_allowing_empty(t("data.title"), rows="meta")
    if data.current_scope().regions is not None:  # an import writes every region's data: administrators only
        st.error(t("data.admins_only"), icon=":material/lock:")
        st.stop()
    if flash := st.session_state.pop("data_flash", None):
        st.success(flash, icon=":material/task_alt:")
    upload = upload_section()
    if upload is not None:
        try:
            preview, formats = formats_section(upload)
        except (ImportFileError, ValueError) as problem:
            st.error(localized(problem), icon=":material/error:")
        else:
            profile = mapping_section(preview, formats)
            if profile is not None:
                check_section(upload, profile)
                if not st.session_state.get("data_profile"):
                    save_section(profile)
    st.caption(t("data.contract_help"))
    if cockpit is not None:
        freshness(cockpit)


main()
