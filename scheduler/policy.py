"""The reminder policy: which local days and instants a deadline's reminders fall on.

Pure functions of the calendar, the deadline and a given instant; nothing here reads a clock.

Steps of a deadline (each on a working day, at the reminder time):
- ``d<n>``: n working days before the deadline, where ``d0`` is the deadline itself, or the last
  working day before it when the deadline falls on a weekend or holiday;
- ``o<k>``: overdue, the k-th time, every ``overdue_every`` working days after the deadline.
At an instant only the latest step that has come is due: earlier ones are superseded. When that
step came more than ``grace`` ago (the bot was down), it goes out once as a catch-up, worded by
the situation of the day, so missed steps collapse into one message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from scheduler.calendar import WorkCalendar
from storage.i18n import Language

NEW_STEP = "new"  # an ad-hoc request's first notice, due the moment it is issued
OVERDUE_LIST_STEP = "late"  # the secretariat's overdue list, the working day after the deadline


@dataclass(frozen=True)
class ReminderPolicy:
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    days_before: tuple[int, ...] = (14, 7, 3, 1, 0)
    overdue_every: int = 2
    at: time = time(8, 0)
    grace: timedelta = timedelta(hours=12)
    digest_days: int = 7  # the secretariat's daily list runs over this many days before a deadline
    language: Language = "vi"  # the words of the messages planned with this policy

    def local_day(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()

    def instant(self, day: date) -> datetime:
        """The reminder time on a local day, as an aware instant."""
        return datetime.combine(day, self.at, tzinfo=self.zone)

    def days_left(self, today: date, deadline: date) -> int:
        """Working days left before the deadline; negative: working days overdue."""
        if today <= deadline:
            return self.calendar.working_days_between(today, deadline)
        return -self.calendar.working_days_between(deadline, today)


@dataclass(frozen=True)
class Step:
    key: str
    day: date
    at: datetime


@dataclass(frozen=True)
class DueStep:
    step: Step
    late: bool  # came more than `grace` ago: sent as one catch-up message


def before_steps(policy: ReminderPolicy, deadline: date, *, prefix: str = "d") -> list[Step]:
    cal = policy.calendar
    anchor = cal.last_working_day_on_or_before(deadline)
    steps = []
    for n in sorted(set(policy.days_before), reverse=True):
        day = cal.working_day_before(anchor, n)
        steps.append(Step(f"{prefix}{n}", day, policy.instant(day)))
    return steps


def overdue_steps(policy: ReminderPolicy, deadline: date, *, until: date) -> list[Step]:
    """Overdue steps up to and including the local day `until`."""
    steps = []
    every = policy.overdue_every
    for count, day in enumerate(policy.calendar.working_days_after(deadline), start=1):
        if day > until:
            break
        if count % every == 0:
            steps.append(Step(f"o{count // every}", day, policy.instant(day)))
    return steps


def agency_steps(
    policy: ReminderPolicy,
    deadline: date,
    *,
    until: date,
    issued_at: datetime | None = None,
) -> list[Step]:
    """An agency's steps for a deadline. `issued_at`: an ad-hoc request's notice instant."""
    steps = before_steps(policy, deadline) + overdue_steps(policy, deadline, until=until)
    if issued_at is not None:
        # The notice already says everything on the day it is issued: no reminder that day too.
        issued_on = policy.local_day(issued_at)
        steps = [s for s in steps if s.day > issued_on]
        steps.append(Step(NEW_STEP, issued_on, issued_at))
    return steps


def digest_steps(policy: ReminderPolicy, deadline: date) -> list[Step]:
    """The secretariat's digests: on each reminder day, daily in the last week before the
    deadline, and the overdue list on the first working day after it."""
    cal = policy.calendar
    days = {s.day for s in before_steps(policy, deadline)}
    first = deadline - timedelta(days=policy.digest_days - 1)
    days.update(
        first + timedelta(days=i)
        for i in range(policy.digest_days)
        if cal.is_working_day(first + timedelta(days=i))
    )
    steps = [Step(f"g{day:%Y%m%d}", day, policy.instant(day)) for day in sorted(days)]
    late_day = next(islice(cal.working_days_after(deadline), 1))
    steps.append(Step(OVERDUE_LIST_STEP, late_day, policy.instant(late_day)))
    return steps


def due_step(
    policy: ReminderPolicy,
    steps: Iterable[Step],
    *,
    now: datetime,
    not_before: datetime | None = None,
) -> DueStep | None:
    """The latest step that has come by `now` (steps before `not_before` never existed)."""
    latest: Step | None = None
    for step in steps:
        if step.at > now or (not_before is not None and step.at < not_before):
            continue
        if latest is None or step.at > latest.at:
            latest = step
    if latest is None:
        return None
    return DueStep(latest, late=now - latest.at > policy.grace)
