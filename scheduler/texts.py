"""The words of reminders and digests (Vietnamese, full diacritics, plain text).

Every message stays under Zalo's 2000 characters: long lists are cut with a count of the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from storage.reminders import TaskRef

MAX_CHARS = 1900
REPORT_OPTION = ("Báo cáo ngay", "/report")
WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
ROLES = {"lead": "chủ trì", "coordinating": "phối hợp"}
TASK_TITLE_CHARS = 90


def day_text(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]}, {day:%d/%m/%Y}"


def when_text(*, today: date, deadline: date, days_left: int) -> str:
    """'còn 3 ngày làm việc', 'hôm nay là hạn cuối', 'đã quá hạn 2 ngày làm việc'."""
    if today > deadline:
        if days_left < 0:
            return f"đã quá hạn {-days_left} ngày làm việc"
        return "đã quá hạn"
    if today == deadline:
        return "hôm nay là hạn cuối"
    if days_left == 0:
        return "hôm nay là ngày làm việc cuối cùng trước hạn"
    return f"còn {days_left} ngày làm việc"


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _tasks_lines(tasks: Sequence[TaskRef]) -> list[str]:
    if not tasks:
        return []
    lines = ["Nhiệm vụ liên quan:"]
    for task in tasks:
        role = ROLES.get(task.role, task.role)
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
    plan_code: str = "",
) -> str:
    """A focal point's message. `kind`: request (the ad-hoc notice), reminder or overdue.
    It names the plan (a yearly period's title already does)."""
    when = when_text(today=today, deadline=deadline, days_left=days_left)
    if plan_code and plan_code not in period_title:
        period_title = f"{period_title} (Kế hoạch {plan_code})"
    if kind == "request":
        lines = [
            "Yêu cầu báo cáo đột xuất",
            f"{requester or 'Cơ quan thường trực'} đề nghị {agency_name} báo cáo: {period_title}",
            f"Hạn nộp: {day_text(deadline)} ({when}).",
        ]
    elif kind == "overdue":
        lines = [
            "Báo cáo quá hạn",
            f"{agency_name} chưa nộp báo cáo: {period_title}",
            f"Hạn nộp là {day_text(deadline)} ({when}). Báo cáo nộp muộn vẫn được ghi nhận.",
        ]
    else:
        lines = [
            "Nhắc hạn báo cáo",
            f"{agency_name}: {period_title}",
            f"Hạn nộp: {day_text(deadline)} ({when}).",
        ]
    tail = [f"Bấm «{REPORT_OPTION[0]}» hoặc gửi {REPORT_OPTION[1]} để báo cáo."]
    return _fit(lines + _tasks_lines(tasks), tail)


def _names(names: Sequence[str], budget: int) -> str:
    """Names joined by '; ' within `budget` characters, then a count of the others."""
    shown: list[str] = []
    used = 0
    for name in names:
        rest = len(names) - len(shown) - 1
        reserve = len(f"; … và {rest} cơ quan khác") if rest else 0
        if used + len(name) + 2 + reserve > budget:
            break
        shown.append(name)
        used += len(name) + 2
    text = "; ".join(shown)
    if len(shown) < len(names):
        text += f"{'; ' if shown else ''}… và {len(names) - len(shown)} cơ quan khác"
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
) -> str:
    """The secretariat's list of agencies that have not submitted (overdue after the deadline):
    those the bot reminds, and those it cannot remind, with the reason."""
    when = when_text(today=today, deadline=deadline, days_left=days_left)
    overdue = today > deadline
    missing = len(reminded) + len(nobody)
    label = "quá hạn chưa nộp" if overdue else "chưa nộp"
    lines = [
        f"{'Danh sách quá hạn' if overdue else 'Tình hình nộp báo cáo'} ngày {today:%d/%m/%Y}",
        f"{period_title}",
        f"Hạn nộp: {day_text(deadline)} ({when}).",
        f"Đã nộp: {total - missing}/{total} cơ quan; {label}: {missing}.",
    ]
    tail = ["Xem chi tiết: /summary"]
    budget = MAX_CHARS - len("\n".join(lines + tail)) - 120
    if nobody:
        # The reminded list keeps up to a third of the room, the rest tells who is unreachable.
        keep = min(len("; ".join(reminded)), budget // 3)
        part = _names(nobody, budget - keep)
        lines.append(f"Bot không nhắc được ({len(nobody)}): {part}.")
        budget -= len(part)
    if reminded:
        lines.append(f"Đã nhắc, {label} ({len(reminded)}): {_names(reminded, budget)}.")
    return _fit(lines, tail)


def consolidation_message(
    *,
    period_title: str,
    deadline: date,
    today: date,
    days_left: int,
    total: int,
    submitted: int,
) -> str:
    """The secretariat's own deadline: the consolidated report to the People's Committee."""
    when = when_text(today=today, deadline=deadline, days_left=days_left)
    return "\n".join(
        [
            "Nhắc hạn tổng hợp báo cáo",
            f"{period_title}",
            f"Hạn gửi báo cáo tổng hợp lên Ủy ban nhân dân tỉnh: {day_text(deadline)} ({when}).",
            f"Đã nhận báo cáo của {submitted}/{total} cơ quan.",
            "Xem tình hình: /summary",
        ]
    )


def held_message(*, message_id: int, channel: str, chat_id: str, first_line: str) -> str:
    return "\n".join(
        [
            "Một tin nhắn có thể chưa được gửi",
            f"Bot dừng đúng lúc đang gửi tin #{message_id} ({channel} {chat_id}): «{first_line}».",
            "Để tránh gửi trùng, bot giữ lại và không tự gửi lại. "
            "Người vận hành xem bằng lệnh baocao outbox, và gửi lại nếu cần "
            f"(baocao outbox release {message_id}).",
        ]
    )
