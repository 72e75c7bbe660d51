"""The projector palette: colour-blind-safe bucket colours, large type, and charts that take it from one place."""

from __future__ import annotations

from itertools import combinations

import pytest

from dashboard import charts, palette

# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
SIMULATIONS = {
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}  # fmt: skip


def linear(colour: str) -> tuple[float, ...]:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return tuple(channel(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))


def seen(colour: str, matrix) -> tuple[float, ...]:  # noqa: ANN001
    rgb = linear(colour)
    return tuple(max(0.0, min(1.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix)


def luminance(rgb: tuple[float, ...]) -> float:
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]


@pytest.mark.parametrize("chosen", [palette.PROJECTOR, palette.PROJECTOR_DARK], ids=["light", "dark"])
@pytest.mark.parametrize("vision", list(SIMULATIONS))
def test_the_six_buckets_stay_apart_for_colour_blind_viewers(chosen, vision) -> None:
    """Every two of the six bucket colours differ in lightness, as a colour-blind viewer sees them, by at least
    0.04 (relative luminance): a washed-out projector keeps lightness steps when hues fade."""
    shown = [luminance(seen(c, SIMULATIONS[vision])) for c in chosen.buckets[:6]]
    gaps = [abs(a - b) for a, b in combinations(shown, 2)]
    assert min(gaps) >= 0.04, (vision, [round(v, 3) for v in shown])


def test_bucket_colours_follow_the_active_palette() -> None:
    labels = ["Current", "1-30", "31-60", "61-90", "91-180", "180+"]
    assert charts.bucket_colours(labels) == list(palette.NORMAL.buckets[:6])
    with palette.use(palette.PROJECTOR):
        assert charts.bucket_colours(labels) == list(palette.PROJECTOR.buckets[:6])
    assert charts.bucket_colours(labels) == list(palette.NORMAL.buckets[:6])


def test_a_projector_chart_has_large_type_and_fills_a_16_9_band() -> None:
    with palette.use(palette.PROJECTOR):
        figure = charts.bucket_bars(["Current", "1-30"], [10.0, 2.0], [3, 1], "CNY")
    assert figure.layout.font.size >= 18
    assert figure.layout.height >= palette.PROJECTOR.min_height
    assert figure.layout.xaxis.tickfont.size >= 18
    normal = charts.bucket_bars(["Current", "1-30"], [10.0, 2.0], [3, 1], "CNY")
    assert normal.layout.font.size == 13 and normal.layout.height == 320


def test_the_dark_palettes_draw_light_text() -> None:
    for chosen in (palette.PROJECTOR_DARK, palette.DARK_SCREEN):
        assert luminance(linear(chosen.text)) > 0.8
    assert palette.choose(True, palette.DARK) is palette.PROJECTOR_DARK
    assert palette.choose(False, palette.LIGHT) is palette.NORMAL
