"""The /summary chart: an agency x task matrix, each cell coloured by the status the agency
reported on the task ("reported" when its section asks no status), white where the task is
not in the agency's scope (a legend entry says so), after a first column for where its
submission stands. Texts in the bot's language; agency names wrap onto more lines rather than
being cut. Colours are the Okabe-Ito palette (distinct for the common colour-vision
deficiencies) and greys of clearly different lightness.

Drawn with Pillow in DejaVu Sans (both come with matplotlib; the font has every Vietnamese
glyph). matplotlib's own Agg renderer took 1.6-4.5 s for a 100 x 50 matrix on the 2-core
server, most of it laying out tick labels; placing the rectangles and labels directly takes
about a tenth of that, which keeps /summary under half a second.
"""

from __future__ import annotations

import io
import unicodedata
from functools import cache
from pathlib import Path

import matplotlib
from PIL import Image, ImageDraw, ImageFont

from storage.exports.palette import (  # noqa: F401  (the chart's palette, as before)
    COLOURS,
    NOT_EXPECTED,
    NOT_IN_SCOPE,
    STANDING_CATEGORIES,
    TASK_CATEGORIES,
    Category,
    categories,
)
from storage.i18n import translate
from storage.summary import PeriodSummary, TaskFacts

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
REGULAR = FONTS / "DejaVuSans.ttf"
BOLD = FONTS / "DejaVuSans-Bold.ttf"
LABEL_WIDTH = 300  # pixels; longer agency names wrap onto more lines
LINE = 18  # pixels per line of a wrapped agency name
WIDTH = 1080  # the matrix shrinks its cells to fit this width, down to a minimum
MIN_WIDTH = 640
MARGIN = 16
BLACK, GREY, WHITE = (0, 0, 0), (90, 90, 90), (255, 255, 255)
OUTLINE = (128, 128, 128)


def word(key: str, language: str) -> str:
    return translate(f"chart.{key}", language)


@cache
def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    # The basic layout: Vietnamese in NFC needs no shaping, and it is several times faster.
    return ImageFont.truetype(
        str(BOLD if bold else REGULAR), size, layout_engine=ImageFont.Layout.BASIC
    )


def shorten(text: str, limit: int) -> str:
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int = LABEL_WIDTH) -> list[str]:
    """The name in lines no wider than `width` pixels, broken between words (a word longer
    than the width stands on its own line)."""
    lines: list[str] = []
    for word in unicodedata.normalize("NFC", " ".join(text.split())).split(" "):
        if lines and face.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines or [""]


def drawn_texts(summary: PeriodSummary, subtitle: str = "", *, language: str = "vi") -> list[str]:
    """Every text the chart draws (tests check the font has all their glyphs)."""
    facts = summary.facts
    task_categories, standing_categories = categories(language)
    return [
        shorten(facts.period.title, 80),
        subtitle,
        word("tasks", language),
        word("submission", language),
        *(str(line.task.number) for line in summary.tasks),
        *(line for a in facts.agencies.values() for line in wrap(a.name, font(16))),
        *(c.label for c in (*task_categories, *standing_categories)),
    ]


def status_chart(summary: PeriodSummary, *, subtitle: str = "", language: str = "vi") -> bytes:
    """The chart as PNG bytes."""
    facts = summary.facts
    task_categories, standing_categories = categories(language)
    agencies = list(facts.agencies.values())
    label_font, small, title_font = font(16), font(14), font(20, bold=True)
    names = [wrap(a.name, label_font) for a in agencies]
    tasks = [line.task for line in summary.tasks]
    widest = max((label_font.getlength(line) for n in names for line in n), default=0)
    left = MARGIN + int(widest) + 10
    first = int(small.getlength(word("submission", language))) + 12  # the submission column
    cell = max(18, min(40, (WIDTH - left - first - 10 - MARGIN) // max(len(tasks), 1)))
    # A row is as tall as its agency's name needs; the cells keep their width.
    heights = [max(cell, LINE * len(lines) + 4) for lines in names]
    title = shorten(facts.period.title, 80)
    width = max(
        MIN_WIDTH,
        left + first + 10 + cell * len(tasks) + MARGIN,
        int(title_font.getlength(title)) + 2 * MARGIN,
        int(small.getlength(subtitle)) + 2 * MARGIN,
        left + first + 10 + int(small.getlength(word("tasks", language))) + MARGIN,  # its caption
    )
    top = 128
    legend_top = top + (sum(heights) if heights else cell) + 24
    legend_rows, legend_height = _legend_layout(width, small, task_categories, standing_categories)
    height = legend_top + legend_height + MARGIN

    image = Image.new("RGB", (width, height), WHITE)
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, MARGIN), title, font=title_font, fill=BLACK)
    if subtitle:
        draw.text((MARGIN, MARGIN + 30), subtitle, font=small, fill=GREY)
    tasks_left = left + first + 10
    draw.text((tasks_left, top - 48), word("tasks", language), font=small, fill=GREY)
    draw.text(
        (left + first / 2, top - 6),
        word("submission", language),
        font=small,
        fill=BLACK,
        anchor="mb",
    )
    step = _label_step(tasks, cell, small)
    for column, task in enumerate(tasks):
        if column % step == 0:
            x = tasks_left + column * cell + cell / 2
            draw.text((x, top - 6), str(task.number), font=small, fill=BLACK, anchor="mb")
    row_top = top
    for row, agency in enumerate(agencies):
        lines, high = names[row], heights[row]
        first_line = row_top + high / 2 - LINE * (len(lines) - 1) / 2
        for index, line in enumerate(lines):
            at = (left - 8, first_line + index * LINE)
            draw.text(at, line, font=label_font, fill=BLACK, anchor="rm")
        y = row_top + (high - cell) // 2  # the cells centred on the name
        draw.rectangle((left, y, left + first - 2, y + cell - 2), fill=COLOURS[agency.standing])
        for column, task in enumerate(tasks):
            status = summary.cell(agency.id, task)
            colour = COLOURS.get(status, NOT_EXPECTED) if status else NOT_EXPECTED
            x = tasks_left + column * cell
            outline = (200, 200, 200) if colour == NOT_EXPECTED else None
            draw.rectangle((x, y, x + cell - 2, y + cell - 2), fill=colour, outline=outline)
        row_top += high
    _draw_legend(draw, legend_rows, legend_top, small)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)  # flat colours: small at any level
    return buffer.getvalue()


def _label_step(tasks: list[TaskFacts], cell: int, small: ImageFont.FreeTypeFont) -> int:
    """Number every column when the numbers fit, else every 2nd, 5th or 10th."""
    widest = max((small.getlength(str(t.number)) for t in tasks), default=0)
    return next((step for step in (1, 2, 5) if widest + 4 <= step * cell), 10)


Placed = list[list[tuple[int, Category]]]  # rows of (x, category)


def _legend_layout(
    width: int, small: ImageFont.FreeTypeFont, *groups: tuple[Category, ...]
) -> tuple[Placed, int]:
    """Legend items flowed into rows: task statuses first, then submission standings."""
    rows: Placed = []
    for group in groups:
        rows.append([])
        x = MARGIN
        for category in group:
            size = 24 + int(small.getlength(category.label)) + 24
            if x + size > width - MARGIN and rows[-1]:
                rows.append([])
                x = MARGIN
            rows[-1].append((x, category))
            x += size
    return rows, 28 * len(rows)


def _draw_legend(
    draw: ImageDraw.ImageDraw, rows: Placed, top: int, small: ImageFont.FreeTypeFont
) -> None:
    for index, row in enumerate(rows):
        y = top + index * 28
        for x, category in row:
            draw.rectangle((x, y, x + 16, y + 16), fill=category.colour, outline=OUTLINE)
            draw.text((x + 24, y + 8), category.label, font=small, fill=BLACK, anchor="lm")
