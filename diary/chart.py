"""The year's averages drawn on the server as inline SVG, one small chart per subject (small
multiples: eleven lines in one chart cannot be told apart, least of all on a phone). Every
chart has the same scale, marks 1–5 up the side and the months along the bottom, so they
compare at a glance. No script, prints as it looks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from diary.queries import SubjectSeries

MONTHS = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
IN_MONTH = ("в январе", "в феврале", "в марте", "в апреле", "в мае", "в июне", "в июле",
            "в августе", "в сентябре", "в октябре", "в ноябре", "в декабре")
COLOUR = "#0a58ca"

# SVG units; a chart is drawn about 300 px wide on a phone and on a desktop alike, so these
# are close to pixels.
WIDTH, HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 24, 14, 10, 24


@dataclass
class SubjectChart:
    name: str
    last_month: str    # the last month with marks, "в ноябре"
    last: str          # its average, "4,50"
    svg: SafeString


def _x(index: int, months: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * index / (months - 1) if months > 1 else span / 2)


def _y(value: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (5 - value) / 4


def _shown(average) -> str:
    return f"{average:.2f}".replace(".", ",")


def _chart(months: list[dt.date], line: SubjectSeries) -> SafeString:
    name = escape(line.name)
    values = "; ".join(f"{MONTHS[months[i].month - 1]} {_shown(avg)}" for i, avg in line.points)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'class="diary-chart" role="img" aria-label="{name}, средний балл по месяцам: '
             f'{values}" data-testid="chart" data-subject="{name}">']
    for mark in range(1, 6):
        y = _y(mark)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                     f'class="grid"/>')
        parts.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" class="axis" '
                     f'text-anchor="end">{mark}</text>')
    for index, month in enumerate(months):
        parts.append(f'<text x="{_x(index, len(months)):.1f}" y="{HEIGHT - 6}" class="axis" '
                     f'text-anchor="middle">{MONTHS[month.month - 1]}</text>')
    points = [(_x(i, len(months)), _y(float(avg)), i, avg) for i, avg in line.points]
    if len(points) > 1:
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{COLOUR}" '
                     f'stroke-width="2.5" stroke-linejoin="round"/>')
    for x, y, index, avg in points:
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{COLOUR}">'
                     f'<title>{name}, {MONTHS[months[index].month - 1]}: {_shown(avg)}</title>'
                     f'</circle>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - the name is escaped, the rest are numbers


def averages_charts(months: list[dt.date], series: list[SubjectSeries]) -> list[SubjectChart]:
    """A chart per subject, in the order of the series (the school's order of subjects)."""
    charts = []
    for line in series:
        index, average = line.points[-1]
        charts.append(SubjectChart(line.name, IN_MONTH[months[index].month - 1],
                                   _shown(average), _chart(months, line)))
    return charts
