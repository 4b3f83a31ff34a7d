"""A submitted version as parts and lines (question, answer), read with the questionnaire it
was answered with (`handlers.report_flow.version_layout`) and worded as /view words it
(`handlers.report_render`); and the differences between two versions, line by line."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.context import Context
from handlers.report_flow import version_layout
from handlers.report_render import instance_title, short_label, value_text
from storage.models import Agency, ReportingPeriod, Submission
from storage.report_form import is_blank


@dataclass(frozen=True)
class Line:
    key: str  # instance and question: the same line in another version has the same key
    label: str
    value: str


@dataclass(frozen=True)
class Part:
    key: str
    title: str
    lines: list[Line]


@dataclass(frozen=True)
class Change:
    part: str
    label: str
    before: str
    after: str


def version_parts(
    ctx: Context, agency: Agency, period: ReportingPeriod, submission: Submission, version: int
) -> list[Part]:
    layout, answers = version_layout(ctx, agency, period, submission, version)
    parts = []
    for instance in layout.instances:
        answer = answers.get(instance.key)
        if answer is None:
            continue
        lines = [
            Line(
                f"{instance.key}/{question.id}",
                short_label(ctx, question),
                value_text(ctx, layout.form, question, answer[question.id]),
            )
            for question in instance.visible(answer)
            if not is_blank(answer.get(question.id))
        ]
        parts.append(Part(instance.key, instance_title(ctx, instance), lines))
    return parts


def differences(before: list[Part], after: list[Part]) -> list[Change]:
    """Every line whose answer differs, was added or was removed, in the later version's order
    (then the lines only the earlier one had)."""
    old = {line.key: (part.title, line) for part in before for line in part.lines}
    new = {line.key: (part.title, line) for part in after for line in part.lines}
    changes = []
    for key, (title, line) in new.items():
        was = old.get(key)
        if was is None or was[1].value != line.value:
            changes.append(Change(title, line.label, was[1].value if was else "", line.value))
    for key, (title, line) in old.items():
        if key not in new:
            changes.append(Change(title, line.label, line.value, ""))
    return changes
