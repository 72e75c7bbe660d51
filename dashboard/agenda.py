"""The risk meeting's agenda: a named sequence of views, stepped with buttons or the arrow keys.

The default agenda is overview → aging → early warning → regions → bad debt & provisions → collectors;
others are edited in the sidebar and saved by name (table ``agendas``, through the audited write door:
``data_access.services.agendas``). ``?agenda=<name>`` picks a saved one; a step keeps the filters, the
as-of date, projector mode and the theme, because it goes to the next page with the same URL parameters
as the page menu. In projector mode the bar at the top shows "◀ 3 / 6 ▶"; ← and → (or Page Up / Page
Down, as a presentation clicker sends) step too, unless the cursor is in a text field.
"""

from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.filters import filter_params, url_widget, url_write
from dashboard.i18n import t
from dashboard.navigation import PAGES, script_of
from data_access.services.agendas import Agenda, agendas_of

PARAM = "agenda"
DEFAULT_NAME = "default"
DEFAULT = Agenda(DEFAULT_NAME, ("overview", "aging", "early_warning", "regional_load", "bad_debt", "league"))

_KEYS_JS = """
export default function (component) {
  window.__rdashAgendaStep = component.setTriggerValue;
  if (window.__rdashAgendaKeys) return;
  window.__rdashAgendaKeys = true;
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
    if (target instanceof HTMLElement && (target.isContentEditable || target.closest("input, textarea, select")
        || ["spinbutton", "slider", "textbox", "combobox", "listbox", "option", "grid", "gridcell"].includes(target.getAttribute("role"))
        || target.closest('[data-testid="stDataFrame"]'))) return;
    const step = {ArrowRight: "next", PageDown: "next", ArrowLeft: "previous", PageUp: "previous"}[event.key];
    if (!step || !document.querySelector('[data-testid="stAgendaSteps"], .st-key-agenda_steps')) return;
    event.preventDefault();
    window.__rdashAgendaStep && window.__rdashAgendaStep("step", step);
  });
}
"""

_keys = st.components.v2.component("rdash_agenda_keys", js=_KEYS_JS)


def saved() -> dict[str, Agenda]:
    """Every saved agenda, read once per version of the table."""
    from dashboard.shell import current_context

    context = current_context()
    return agendas_of(data.table(context.table_key("agendas"))) if context else {}


def chosen(agendas: dict[str, Agenda]) -> Agenda:
    """The URL's agenda (``agenda=``), else the default; an unknown name is noted above the page."""
    name = st.query_params.get(PARAM)
    if not name or name == DEFAULT_NAME:
        return DEFAULT
    if name in agendas:
        return agendas[name]
    from dashboard.filters import note_ignored, shown_value

    note_ignored(t("filters.unknown", field=t("agenda.name"), value=shown_value(name)))
    return DEFAULT


def params(agenda: Agenda) -> dict[str, str]:
    return {} if agenda.name == DEFAULT_NAME else {PARAM: agenda.name}


def position(agenda: Agenda, page: str | None) -> int | None:
    """Where ``page`` is in the agenda (0-based), or None when the agenda does not show it."""
    return agenda.pages.index(page) if page in agenda.pages else None


def go(agenda: Agenda, index: int, carried: dict[str, str]) -> None:
    """Open the agenda's ``index``-th view with the filters, as-of date and projector parameters."""
    st.switch_page(script_of(agenda.pages[index]), query_params={**filter_params(), **carried, **params(agenda)})


def steps(page: str | None, carried: dict[str, str]) -> None:
    """Previous, "3 / 6" and next for the agenda in the URL; the arrow keys press them."""
    agenda = chosen(saved())
    at = position(agenda, page)
    with st.container(horizontal=True, vertical_alignment="center", key="agenda_steps", gap="small"):
        if at is None:  # a page off the agenda: offer its first view
            if st.button(t("agenda.start", name=title(agenda)), icon=":material/play_arrow:", key="agenda_start"):
                go(agenda, 0, carried)
            return
        previous = st.button(t("agenda.previous"), icon=":material/arrow_back:", key="agenda_previous",
                             disabled=at == 0, help=t("agenda.keys_help"))  # fmt: skip
        st.markdown(f"**{t('agenda.position', n=at + 1, total=len(agenda.pages))}** · {title(agenda)}")
        following = st.button(t("agenda.next"), icon=":material/arrow_forward:", key="agenda_next",
                              disabled=at == len(agenda.pages) - 1, help=t("agenda.keys_help"))  # fmt: skip
        pressed = _keys(key="rdash_agenda_keys", on_step_change=lambda: None, height=0)
    step = getattr(pressed, "step", None)
    if previous or (step == "previous" and at > 0):
        go(agenda, at - 1, carried)
    if following or (step == "next" and at < len(agenda.pages) - 1):
        go(agenda, at + 1, carried)


def title(agenda: Agenda) -> str:
    return t("agenda.default_name") if agenda.name == DEFAULT_NAME else agenda.name


def page_title(path: str) -> str:
    return t(next(p.title_key for p in PAGES if p.url_path == path))


def editor(carried: dict[str, str]) -> None:
    """The sidebar's agenda editor: pick an agenda, change its views, save it by name, delete it, start it."""
    from dashboard.shell import current_context
    from data_access.services.agendas import AgendaRefused, delete_agenda, save_agenda, validate

    agendas = saved()
    with st.sidebar.expander(t("agenda.header"), icon=":material/slideshow:"):
        names = [DEFAULT_NAME, *agendas]
        # The pick lives in the URL (agenda=): a link, a save or "Present" changes it, the box follows.
        url_widget("agenda_pick", PARAM, default=DEFAULT_NAME, label=t("agenda.name"),
                   parse=lambda raw: raw if raw in names else DEFAULT_NAME)  # an unknown name is noted by chosen()
        # The default's title is translated now, not when the box is drawn: a language switch must not make
        # the stored choice unrecognisable (Streamlit's tests format the value after the run, outside it).
        default_title = t("agenda.default_name")
        picked = st.selectbox(t("agenda.pick"), names, key="agenda_pick",
                              format_func=lambda n: default_title if n == DEFAULT_NAME else n)  # fmt: skip
        url_write("agenda_pick", PARAM, picked, default=DEFAULT_NAME)
        agenda = DEFAULT if picked == DEFAULT_NAME else agendas[picked]
        st.caption(" → ".join(page_title(p) for p in agenda.pages))
        with st.form("agenda_form", border=False):
            pages = st.multiselect(t("agenda.views"), [p.url_path for p in PAGES], default=list(agenda.pages),
                                   format_func=page_title, help=t("agenda.views_help"), select_all=False)  # fmt: skip
            name = st.text_input(t("agenda.name"), value="" if picked == DEFAULT_NAME else picked, max_chars=80)
            save = st.form_submit_button(t("agenda.save"), icon=":material/save:")
        if save:
            context = current_context()
            try:
                new = validate(name, pages, [p.url_path for p in PAGES], reserved=(DEFAULT_NAME,))
                replaced = save_agenda(data.store(context.url).engine, actor=context.actor, agenda=new)
                data.after_write()
                st.query_params[PARAM] = new.name
                st.session_state["agenda_saved"] = t("agenda.replaced" if replaced else "agenda.saved", name=new.name)
                st.rerun()
            except AgendaRefused as refused:
                st.error(t(f"agenda.refused.{refused.code}", **refused.values), icon=":material/error:")
        if message := st.session_state.pop("agenda_saved", None):
            st.success(message, icon=":material/check:")
        if picked != DEFAULT_NAME and st.button(t("agenda.delete", name=picked), icon=":material/delete:",
                                                key="agenda_delete"):  # fmt: skip
            context = current_context()
            try:
                delete_agenda(data.store(context.url).engine, actor=context.actor, name=picked)
            except AgendaRefused as refused:  # deleted meanwhile, by someone else
                st.warning(t(f"agenda.refused.{refused.code}", **refused.values), icon=":material/info:")
            data.after_write()
            st.query_params.pop(PARAM, None)
            st.rerun()
        if st.button(t("agenda.present"), icon=":material/co_present:", key="agenda_present", type="primary"):
            go(agenda, 0, {**carried, "projector": "1"})
