"""The colours and chart type of rdash, in one place: the normal screen, and the projector's.

A risk meeting's projector washes colours out and some of the room reads red and green alike, so the
projector palette is built from the Okabe-Ito and Paul Tol colour-blind-safe sets, ordered by
lightness where an order means something (buckets run light-cool to dark-warm), with larger chart
type. A dark variant serves dim rooms. Which palette is active is the session's (the Streamlit shell
registers a resolver that reads the URL) or a block's (``with use(...)``: a meeting pack); the chart builders of
``dashboard.charts`` read it through ``active()``. No Streamlit import: the meeting pack uses it too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

LIGHT, DARK = "light", "dark"
THEMES = (LIGHT, DARK)


@dataclass(frozen=True)
class Palette:
    name: str
    colorway: tuple[str, ...]
    buckets: tuple[str, ...]  # Current, 1-30, 31-60, 61-90, 91-180, 181+, older (by severity)
    flows: dict[str, str]
    text: str
    grid: str
    reference: str  # target and reference lines
    muted: str  # bars behind a line (write-offs under the bad-debt rate)
    status: dict[str, str]  # good / warn / bad, always shown with a word or an icon next to it
    font_size: int = 13
    legend_size: int = 13
    min_height: int = 0  # projector charts are at least this tall, to fill a 16:9 screen's band
    bar_outline: float = 0  # width of the line around bars (projector: light and dark bars keep their shape)
    heat_scale: str = "Blues"
    marker_line: str = "#ffffff"
    extra: dict[str, str] = field(default_factory=dict)


NORMAL = Palette(
    name="normal",
    colorway=("#3b6ea8", "#e07b39", "#4f9d69", "#c44e52", "#8172b2", "#937860", "#da8bc3"),
    buckets=("#2e7d5b", "#8fbf5a", "#f2c14e", "#f08a4b", "#d9534f", "#8e1b2f", "#4a0d18"),
    flows={"Paid": "#3b6ea8", "Written off": "#444444"},
    text="#1f2933", grid="#e5e9f0", reference="#1f2933", muted="#c9d3df",
    status={"good": "#4f9d69", "warn": "#e0a030", "bad": "#c0392b"},
)

# Okabe-Ito for series (blue, orange, bluish green, vermillion, reddish purple, sky blue, black). Buckets: current
# in blue, then overdue from pale yellow to near-black red, every two of them apart in lightness also for
# deutan, protan and tritan viewers (tests/test_palette.py); on a projector bars get an outline, so the palest
# and the darkest stay visible on a washed-out white or a dark background.
PROJECTOR_BUCKETS = ("#6BAED6", "#FFF3A0", "#FDB863", "#E66101", "#B2182B", "#4A0D18", "#220408")
PROJECTOR = Palette(
    name="projector",
    colorway=("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"),
    buckets=PROJECTOR_BUCKETS,
    flows={"Paid": "#0072B2", "Written off": "#000000"},
    text="#000000", grid="#b8c0cc", reference="#000000", muted="#9aa5b1",
    status={"good": "#009E73", "warn": "#E69F00", "bad": "#D55E00"},
    font_size=18, legend_size=17, min_height=420, bar_outline=1.5,
)

PROJECTOR_DARK = Palette(
    name="projector_dark",
    colorway=("#56B4E9", "#E69F00", "#009E73", "#FF7F50", "#CC79A7", "#F0E442", "#FFFFFF"),
    buckets=PROJECTOR_BUCKETS,
    flows={"Paid": "#56B4E9", "Written off": "#FFFFFF"},
    text="#FFFFFF", grid="#4a5360", reference="#FFFFFF", muted="#5c6775",
    status={"good": "#009E73", "warn": "#E69F00", "bad": "#FF7F50"},
    font_size=18, legend_size=17, min_height=420, heat_scale="Cividis", marker_line="#0e1117", bar_outline=1.5,
)

DARK_SCREEN = Palette(
    name="dark",
    colorway=PROJECTOR_DARK.colorway, buckets=PROJECTOR_DARK.buckets, flows=PROJECTOR_DARK.flows,
    text="#FAFAFA", grid="#3a404b", reference="#FAFAFA", muted="#5c6775", status=PROJECTOR_DARK.status,
    heat_scale="Cividis", marker_line="#0e1117",
)


def choose(projector: bool, theme: str = LIGHT) -> Palette:
    """The palette for a projector or a normal screen, light or dark."""
    if projector:
        return PROJECTOR_DARK if theme == DARK else PROJECTOR
    return DARK_SCREEN if theme == DARK else NORMAL


_active: ContextVar[Palette | None] = ContextVar("rdash_palette", default=None)
_session_palette: Callable[[], Palette] | None = None


def register_session_palette(resolver: Callable[[], Palette]) -> None:
    """Let the app say which palette the current session's page uses (called once by the shell)."""
    global _session_palette
    _session_palette = resolver


def active() -> Palette:
    """The palette the chart builders use now: a block's (``use``), else the session's, else the normal one."""
    chosen = _active.get()
    if chosen is None and _session_palette is not None:
        chosen = _session_palette()
    return chosen or NORMAL


@contextmanager
def use(palette: Palette) -> Iterator[Palette]:
    """Draw with ``palette`` inside the block (a meeting pack, a test)."""
    token = _active.set(palette)
    try:
        yield palette
    finally:
        _active.reset(token)
