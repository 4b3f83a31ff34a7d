"""The words of reminders and digests, in the configured language (from the one catalogue).

Every message stays under Zalo's 2000 characters: long lists are cut with a count of the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from storage.i18n import Language, translate, translate_plural
from storage.reminders import TaskRef

MAX_CHARS = 1900
REPORT_COMMAND = "/report"
TASK_TITLE_CHARS = 90


def report_option(language: Language) -> tuple[str, str]:
    return (translate("remind.option", language), REPORT_COMMAND)


def day_text(day: date, language: Language = "vi") -> str:
    weekday = translate(f"remind.weekday.{day.weekday()}", language)
    shown = f"{day:%Y-%m-%d}" if language == "en" else f"{day:%d/%m/%Y}"
    return translate("remind.day", language, weekday=weekday, day=shown)


def when_text(*, today: date, deadline: date, days_left: int, language: Language = "vi") -> str:
    """'còn 3 ngày làm việc', 'hôm nay là hạn cuối', 'đã quá hạn 2 ngày làm việc'."""
    if today > deadline:
        if days_left < 0:
            return translate_plural("remind.when.overdue_days", -days_left, language)
        return translate("remind.when.overdue", language)
    if today == deadline:
        return translate("remind.when.today", language)
    if days_left == 0:
        return translate("remind.when.last_working_day", language)
    return translate_plural("remind.when.left", days_left, language)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _tasks_lines(tasks: Sequence[TaskRef], language: Language) -> list[str]:
    if not tasks:
        return []
    lines = [translate("remind.tasks", language)]
    for task in tasks:
        role = translate(f"remind.role.{task.role}", language)
        lines.append(f"• {task.number}. {_shorten(task.title, TASK_TITLE_CHARS)} ({role})")
    return lines


def _fit(lines: list[str], tail: list[str]) -> str:
    """Join, dropping body lines from the end when the message would be too long."""
    while lines and len("\n".join(lines + tail)) > MAX_CHARS:
        lines = lines[:-1]
    return "\n".join(lines + tail)


def agency_message(
    *,
    kind: str,
    period_title: str,
    requester: str,
    agency_name: str,
    deadline: date,
    today: date,
    days_left: int,
    tasks: Sequence[TaskRef],
    language: Language = "vi",
    plan_code: str = "",
) -> str:
    """A focal point's message. `kind`: request (the ad-hoc notice), reminder or overdue.
    It names the plan (a yearly period's title already does)."""
    when = when_text(today=today, deadline=deadline, days_left=days_left, language=language)
    day = day_text(deadline, language)
    if plan_code and plan_code not in period_title:
        period_title = translate("remind.with_plan", language, title=period_title, plan=plan_code)
    about = {"agency": agency_name, "period": period_title}
    if kind == "request":
        requester = requester or translate("remind.request.default_requester", language)
        lines = [
            translate("remind.request.title", language),
            translate("remind.request.body", language, requester=requester, **about),
            translate("remind.due", language, day=day, when=when),
        ]
    elif kind == "overdue":
        lines = [
            translate("remind.overdue.title", language),
            translate("remind.overdue.body", language, **about),
            translate("remind.overdue.due", language, day=day, when=when),
        ]
    else:
        lines = [
            translate("remind.reminder.title", language),
            translate("remind.reminder.body", language, **about),
            translate("remind.due", language, day=day, when=when),
        ]
    option, command = report_option(language)
    tail = [translate("remind.tail", language, option=option, command=command)]
    return _fit(lines + _tasks_lines(tasks, language), tail)


def _names(names: Sequence[str], budget: int, language: Language) -> str:
    """Names joined by '; ' within `budget` characters, then a count of the others."""
    shown: list[str] = []
    used = 0
    for name in names:
        rest = len(names) - len(shown) - 1
        reserve = len("; " + translate_plural("remind.names.more", rest, language)) if rest else 0
        if used + len(name) + 2 + reserve > budget:
            break
        shown.append(name)
        used += len(name) + 2
    text = "; ".join(shown)
    if len(shown) < len(names):
        more = translate_plural("remind.names.more", len(names) - len(shown), language)
        text += f"{'; ' if shown else ''}{more}"
    return text


def digest_message(
    *,
    period_title: str,
    deadline: date,
    today: date,
    days_left: int,
    total: int,
    reminded: Sequence[str],
    nobody: Sequence[str],
    language: Language = "vi",
) -> str:
    """The secretariat's list of agencies that have not submitted (overdue after the deadline):
    those the bot reminds, and those it cannot remind, with the reason."""
    when = when_text(today=today, deadline=deadline, days_left=days_left, language=language)
    overdue = today > deadline
    missing = len(reminded) + len(nobody)
    label = translate("digest.label.overdue" if overdue else "digest.label.missing", language)
    shown_today = f"{today:%Y-%m-%d}" if language == "en" else f"{today:%d/%m/%Y}"
    title = "digest.title.overdue" if overdue else "digest.title.progress"
    lines = [
        translate(title, language, day=shown_today),
        period_title,
        translate("remind.due", language, day=day_text(deadline, language), when=when),
        translate(
            "digest.counts",
            language,
            submitted=total - missing,
            total=total,
            label=label,
            missing=missing,
        ),
    ]
    tail = [translate("digest.more", language)]
    budget = MAX_CHARS - len("\n".join(lines + tail)) - 120
    if nobody:
        # The reminded list keeps up to a third of the room, the rest tells who is unreachable.
        keep = min(len("; ".join(reminded)), budget // 3)
        part = _names(nobody, budget - keep, language)
        lines.append(translate("digest.unreachable", language, count=len(nobody), names=part))
        budget -= len(part)
    if reminded:
        names = _names(reminded, budget, language)
        lines.append(
            translate("digest.reminded", language, label=label, count=len(reminded), names=names)
        )
    return _fit(lines, tail)


def consolidation_message(
    *,
    period_title: str,
    deadline: date,
    today: date,
    days_left: int,
    total: int,
    submitted: int,
    language: Language = "vi",
) -> str:
    """The secretariat's own deadline: the consolidated report to the People's Committee."""
    when = when_text(today=today, deadline=deadline, days_left=days_left, language=language)
    day = day_text(deadline, language)
    return "\n".join(
        [
            translate("consolidation.title", language),
            period_title,
            translate("consolidation.due", language, day=day, when=when),
            translate("consolidation.received", language, submitted=submitted, total=total),
            translate("consolidation.more", language),
        ]
    )


def held_message(
    *, message_id: int, channel: str, chat_id: str, first_line: str, language: Language = "vi"
) -> str:
    return "\n".join(
        [
            translate("held.title", language),
            translate(
                "held.body",
                language,
                id=message_id,
                channel=channel,
                chat=chat_id,
                first_line=first_line,
            ),
            translate("held.advice", language, id=message_id),
        ]
    )
