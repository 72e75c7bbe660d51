"""Projector mode: any page as a risk meeting's projector shows it, from a switch or a bookmark.

``?projector=1`` (and ``&theme=dark`` for a dim room) is kept in every link between pages, like the
filters. In projector mode the sidebar and the toolbars are hidden (a bar at the top keeps the way
out, the theme and the agenda's steps), KPI values are at least 48 px, charts use the projector
palette (``dashboard.palette``: colour-blind safe, large type, at least 420 px tall), and long tables
show their first rows with the rest one click away (``components.money_table``).
"""

from __future__ import annotations

import streamlit as st

from dashboard import palette
from dashboard.filters import mapped, one_of, url_widget, url_write
from dashboard.i18n import t

PARAM, THEME_PARAM = "projector", "theme"
_ON, _THEME = "projector_on", "projector_theme"
TABLE_ROWS = 10  # a projector table shows this many rows; the rest are one click away
KPIS_PER_ROW = 3  # KPI cards per row on a projector, so a 48-px amount fits at 1280 px

# Sidebar, header, toolbars of charts and tables and Plotly's mode bar hidden; the page uses the width.
_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stElementToolbar"],
[data-testid="stDecoration"], .modebar-container { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 1.2rem 2rem 2rem 2rem !important; max-width: 100% !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { font-size: 52px !important; line-height: 1.3 !important;
  font-weight: 700 !important; overflow: visible !important; height: auto !important; }
[data-testid="stMetricLabel"] p { font-size: 22px !important; font-weight: 600 !important; }
[data-testid="stMetricDelta"] div { font-size: 18px !important; }
h1 { font-size: 2.4rem !important; }
.st-key-projector_bar button p, .st-key-projector_bar [data-testid="stMarkdown"] p { font-size: 1.2rem !important; }
h2, h3 { font-size: 1.8rem !important; }
[data-testid="stCaptionContainer"] p, [data-testid="stMain"] [data-testid="stMarkdown"] p { font-size: 1.15rem !important; }
</style>
"""


def is_on() -> bool:
    """Whether this run shows the projector view (the URL says so)."""
    return st.query_params.get(PARAM) == "1"


def theme() -> str:
    """``dark`` or ``light``: the URL's choice, else the viewer's Streamlit theme (app menu, system)."""
    wanted = st.query_params.get(THEME_PARAM)
    if wanted in palette.THEMES:
        return wanted
    try:
        return palette.DARK if st.context.theme.type == palette.DARK else palette.LIGHT
    except Exception:  # no browser context (AppTest, a bare script run)
        return palette.LIGHT


def session_palette() -> palette.Palette:
    return palette.choose(is_on(), theme())


def params() -> dict[str, str]:
    """The URL parameters that carry projector mode and theme to the next page."""
    carried = {PARAM: "1"} if is_on() else {}
    if st.query_params.get(THEME_PARAM) in palette.THEMES:
        carried[THEME_PARAM] = st.query_params[THEME_PARAM]
    return carried


def sidebar_switch() -> None:
    """The projector switch and the theme choice in the sidebar, both kept in the URL."""
    url_widget(_ON, PARAM, default=False, parse=mapped({"1": True, "0": False}), label=t("projector.switch"))
    url_widget(_THEME, THEME_PARAM, default=None, parse=one_of(palette.THEMES), label=t("projector.theme"))
    with st.sidebar:
        on = st.toggle(t("projector.switch"), key=_ON, help=t("projector.switch_help"))
        chosen = st.segmented_control(t("projector.theme"), list(palette.THEMES), key=_THEME,
                                      format_func=lambda v: t(f"projector.theme.{v}"), help=t("projector.theme_help"))
    url_write(_ON, PARAM, on, default=False, format=lambda v: "1")
    url_write(_THEME, THEME_PARAM, chosen, default=None)


def _leave() -> None:
    st.session_state[_ON] = False


def _flip_theme() -> None:
    st.session_state[_THEME] = palette.LIGHT if theme() == palette.DARK else palette.DARK


def style() -> None:
    """The projector's page style: no sidebar or toolbars, large type (call when ``is_on()``)."""
    st.html(_CSS)


def buttons() -> None:
    """The visible way out of projector mode, and the light/dark switch, for the projector's top bar."""
    dark = theme() == palette.DARK
    st.button(t("projector.theme.light" if dark else "projector.theme.dark"), on_click=_flip_theme,
              icon=":material/light_mode:" if dark else ":material/dark_mode:", key="projector_theme_flip")
    st.button(t("projector.exit"), icon=":material/close_fullscreen:", on_click=_leave, key="projector_exit")


# Streamlit picks its light or dark theme when the page loads: from ``embed_options=light_theme`` or
# ``dark_theme`` in the URL, else the viewer's choice in the app menu. A ``theme=`` chosen here (the sidebar,
# the projector bar, a bookmark) that differs from the theme the page shows reloads the page once with the
# matching embed option; a page already loaded with it is left alone, so this never loops.
_THEME_JS = """
export default function (component) {
  const wanted = component.data && component.data.theme;
  if (wanted !== "light" && wanted !== "dark") return;
  const app = document.querySelector(".stApp") || document.body;
  const rgb = (getComputedStyle(app).backgroundColor.match(/[0-9.]+/g) || ["255", "255", "255"]).map(Number);
  const dark = (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255 < 0.5;
  if ((wanted === "dark") === dark) return;
  const url = new URL(window.location.href);
  const option = wanted + "_theme";
  const options = url.searchParams.getAll("embed_options");
  if (options.includes(option)) return;
  url.searchParams.delete("embed_options");
  options.filter((o) => o !== "light_theme" && o !== "dark_theme").forEach((o) => url.searchParams.append("embed_options", o));
  url.searchParams.append("embed_options", option);
  window.location.replace(url.toString());
}
"""

_theme_component = st.components.v2.component("rdash_theme", js=_THEME_JS)


def apply_theme() -> None:
    """Make a theme chosen in the URL the page's Streamlit theme (see _THEME_JS)."""
    wanted = st.query_params.get(THEME_PARAM)
    if wanted in palette.THEMES:
        _theme_component(data={"theme": wanted}, key="rdash_theme", height=0)


def current_page() -> str | None:
    """The URL path of the page this run shows (``aging``), from Streamlit's page registry."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        info = ctx.pages_manager.get_pages().get(ctx.page_script_hash) if ctx else None
        return info.get("url_pathname") if info else None
    except Exception:  # Streamlit's page registry is internal; without it the agenda offers its start
        return None
