"""The year's averages drawn on the server as inline SVG: one line per subject, marks 1–5 up the
side, months along the bottom. No script, prints as it looks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from diary.queries import SubjectSeries

MONTHS = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
# Colours told apart also by people with the common colour-vision deficiencies (Okabe–Ito),
# then a few more.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#8C564B", "#7F7F7F", "#BCBD22", "#17BECF", "#9467BD")

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 44, 30, 16, 40


@dataclass
class Legend:
    name: str
    colour: str
    last: str


def _x(index: int, months: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * index / (months - 1) if months > 1 else span / 2)


def _y(value: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (5 - value) / 4


def averages_svg(months: list[dt.date], series: list[SubjectSeries]
                 ) -> tuple[SafeString, list[Legend]]:
    """The chart and its legend (name, colour, the last average)."""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'class="diary-chart" role="img" aria-labelledby="chart-title" '
             f'data-testid="chart">',
             '<title id="chart-title">Средневзвешенная отметка по предметам по месяцам</title>']
    for mark in range(1, 6):
        y = _y(mark)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                     f'class="grid"/>')
        parts.append(f'<text x="{LEFT - 10}" y="{y + 5:.1f}" class="axis" '
                     f'text-anchor="end">{mark}</text>')
    for index, month in enumerate(months):
        x = _x(index, len(months))
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - 12}" class="axis" '
                     f'text-anchor="middle">{MONTHS[month.month - 1]}</text>')
    legend = []
    for number, line in enumerate(series):
        colour = COLOURS[number % len(COLOURS)]
        points = [(_x(i, len(months)), _y(float(avg)), i, avg) for i, avg in line.points]
        name = escape(line.name)
        parts.append(f'<g data-subject="{name}">')
        if len(points) > 1:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                         f'stroke-width="2.5" stroke-linejoin="round"/>')
        for x, y, index, avg in points:
            shown = f"{avg:.2f}".replace(".", ",")
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}">'
                         f'<title>{name}, {MONTHS[months[index].month - 1]}: {shown}</title>'
                         f'</circle>')
        parts.append("</g>")
        legend.append(Legend(line.name, colour, f"{line.points[-1][1]:.2f}".replace(".", ",")))
    parts.append("</svg>")
    return mark_safe("".join(parts)), legend  # noqa: S308 - names are escaped, the rest numbers
