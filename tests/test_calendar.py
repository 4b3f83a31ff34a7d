"""Reminder days fall on Vietnamese working days: weekends, public holidays (lunar Tết
included), configured days off and make-up working days are honoured."""

from __future__ import annotations

from datetime import date, time, timedelta

from scheduler.calendar import WorkCalendar
from scheduler.policy import (
    ReminderPolicy,
    Step,
    before_steps,
    digest_steps,
    due_step,
    overdue_steps,
)
from tests.test_reminders_support import VN, at


def days(steps: list[Step]) -> dict[str, date]:
    return {s.key: s.day for s in steps}


def policy(**kwargs: object) -> ReminderPolicy:
    calendar = WorkCalendar(
        extra_days_off=kwargs.pop("extra_days_off", ()),  # type: ignore[arg-type]
        makeup_working_days=kwargs.pop("makeup_working_days", ()),  # type: ignore[arg-type]
    )
    return ReminderPolicy(calendar=calendar, **kwargs)  # type: ignore[arg-type]


def test_weekends_and_public_holidays_are_not_working_days() -> None:
    cal = WorkCalendar()
    assert cal.is_working_day(date(2026, 11, 27))  # Friday
    assert not cal.is_working_day(date(2026, 11, 28))  # Saturday
    assert not cal.is_working_day(date(2026, 11, 29))  # Sunday
    assert not cal.is_working_day(date(2026, 9, 2))  # National Day
    for day in range(4, 11):  # Tết 2027: 29th of the lunar year to the 5th day
        assert not cal.is_working_day(date(2027, 2, day)), day
    assert cal.is_working_day(date(2027, 2, 11))


def test_2026_deadline_steps_skip_the_weekend_and_vietnam_cultural_day() -> None:
    # 30/11/2026 is a Monday; 24/11 is Vietnam Cultural Day (a public holiday since 2026).
    steps = days(before_steps(policy(), date(2026, 11, 30)))
    assert steps == {
        "d14": date(2026, 11, 9),
        "d7": date(2026, 11, 18),
        "d3": date(2026, 11, 25),
        "d1": date(2026, 11, 27),  # the Friday before, not the Sunday
        "d0": date(2026, 11, 30),
    }


def test_reminders_at_eight_local_time() -> None:
    step = before_steps(policy(), date(2026, 11, 30))[-1]
    assert step.at == at("2026-11-30 08:00")
    assert step.at.astimezone(VN).time() == time(8, 0)


def test_deadline_on_a_sunday_is_reminded_on_the_last_working_day_before() -> None:
    # 20/12/2026 is a Sunday.
    steps = days(before_steps(policy(), date(2026, 12, 20)))
    assert steps["d0"] == date(2026, 12, 18)
    assert steps["d1"] == date(2026, 12, 17)


def test_tet_holidays_are_skipped() -> None:
    # Deadline Monday 15/2/2027; Tết 2027 closes offices from Thursday 4/2 to Wednesday 10/2.
    steps = days(before_steps(policy(), date(2027, 2, 15)))
    assert steps["d0"] == date(2027, 2, 15)
    assert steps["d1"] == date(2027, 2, 12)
    assert steps["d3"] == date(2027, 2, 3)  # 11/2, 12/2, then back over Tết to 3/2
    assert steps["d7"] == date(2027, 1, 28)
    assert steps["d14"] == date(2027, 1, 19)
    assert all(WorkCalendar().is_working_day(d) for d in steps.values())


def test_a_makeup_saturday_is_a_working_day() -> None:
    makeup = date(2027, 2, 13)  # a Saturday worked to make up for the long Tết break
    steps = days(before_steps(policy(makeup_working_days=(makeup,)), date(2027, 2, 15)))
    assert steps["d1"] == makeup
    assert steps["d3"] == date(2027, 2, 11)


def test_extra_days_off_are_skipped() -> None:
    off = (date(2027, 2, 11), date(2027, 2, 12))  # Tết break extended by decision
    steps = days(before_steps(policy(extra_days_off=off), date(2027, 2, 15)))
    assert steps["d1"] == date(2027, 2, 3)
    assert steps["d3"] == date(2027, 2, 1)


def test_days_left_counts_working_days() -> None:
    p = policy()
    assert p.days_left(date(2027, 2, 3), date(2027, 2, 15)) == 3
    assert p.days_left(date(2026, 11, 27), date(2026, 11, 30)) == 1
    assert p.days_left(date(2026, 11, 30), date(2026, 11, 30)) == 0
    assert p.days_left(date(2026, 12, 4), date(2026, 11, 30)) == -4


def test_overdue_every_two_working_days() -> None:
    steps = days(overdue_steps(policy(), date(2026, 11, 30), until=date(2026, 12, 10)))
    # Tue 1/12 (1), Wed 2/12 (2), Thu 3 (3), Fri 4 (4), Mon 7 (5), Tue 8 (6), Wed 9, Thu 10 (8)
    assert steps == {
        "o1": date(2026, 12, 2),
        "o2": date(2026, 12, 4),
        "o3": date(2026, 12, 8),
        "o4": date(2026, 12, 10),
    }


def test_overdue_every_is_configurable() -> None:
    steps = days(
        overdue_steps(policy(overdue_every=1), date(2026, 11, 30), until=date(2026, 12, 3))
    )
    assert list(steps.values()) == [date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)]


def test_secretariat_digest_days() -> None:
    steps = digest_steps(policy(), date(2026, 11, 30))
    assert [s.day for s in steps] == [
        date(2026, 11, 9),
        date(2026, 11, 18),
        date(2026, 11, 25),  # the last week: every working day (24/11 is a holiday)
        date(2026, 11, 26),
        date(2026, 11, 27),
        date(2026, 11, 30),
        date(2026, 12, 1),  # the overdue list, the working day after the deadline
    ]
    assert steps[-1].key == "late"


def test_only_the_latest_step_is_due_and_late_ones_are_marked() -> None:
    p = policy(grace=timedelta(hours=12))
    steps = before_steps(p, date(2026, 11, 30))
    assert due_step(p, steps, now=at("2026-11-09 07:59")) is None
    due = due_step(p, steps, now=at("2026-11-09 08:00"))
    assert due is not None and due.step.key == "d14" and not due.late
    due = due_step(p, steps, now=at("2026-11-09 19:59"))
    assert due is not None and not due.late  # within the 12-hour grace
    due = due_step(p, steps, now=at("2026-11-26 10:00"))
    assert due is not None and due.step.key == "d3" and due.late  # d14 and d7 superseded


def test_the_holidays_librarys_make_up_saturdays_are_working_days() -> None:
    calendar = WorkCalendar()
    # Official swaps listed by `holidays` (weekend_workdays): worked Saturdays.
    assert calendar.is_working_day(date(2025, 4, 26))
    assert calendar.is_working_day(date(2026, 8, 22))
    assert not calendar.is_working_day(date(2025, 4, 19))  # an ordinary Saturday
    assert calendar.working_days_between(date(2026, 8, 21), date(2026, 8, 24)) == 2
