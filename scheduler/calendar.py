"""Working days in Vietnam: Monday to Friday, minus public holidays (lunar Tết included, from
the maintained `holidays` calendar), minus extra days off, plus make-up working days (those the
`holidays` library lists as `weekend_workdays`, and BAOCAO_MAKEUP_WORKING_DAYS)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

import holidays


class WorkCalendar:
    def __init__(
        self,
        *,
        extra_days_off: Iterable[date] = (),
        makeup_working_days: Iterable[date] = (),
    ) -> None:
        self.extra_days_off = frozenset(extra_days_off)
        self.makeup_working_days = frozenset(makeup_working_days)
        self._public = holidays.Vietnam()  # expands to each year on first lookup
        self._cache: dict[date, bool] = {}

    def is_working_day(self, day: date) -> bool:
        known = self._cache.get(day)
        if known is None:
            known = self._cache[day] = self._working(day)
        return known

    def _working(self, day: date) -> bool:
        # A make-up day is worked even when it is a Saturday (the government swaps days).
        if day in self.makeup_working_days:
            return True
        if day in self.extra_days_off:
            return False
        public = day in self._public  # also loads the year, and with it its swapped days
        if day in getattr(self._public, "weekend_workdays", ()):
            return True  # a Saturday the government made a working day (e.g. 26/4/2025)
        return not public and day.weekday() < 5

    def holiday_name(self, day: date) -> str | None:
        if day in self.extra_days_off:
            return "extra day off"
        return self._public.get(day)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: 'working days left' when start is today."""
        if end <= start:
            return 0
        return sum(1 for day in _days(start + timedelta(days=1), end) if self.is_working_day(day))

    def last_working_day_on_or_before(self, day: date) -> date:
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def working_day_before(self, day: date, count: int) -> date:
        """The working day `count` working days before the working day `day`."""
        while count > 0:
            day -= timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def working_days_after(self, day: date) -> Iterator[date]:
        """Every working day after `day`, in order (endless)."""
        while True:
            day += timedelta(days=1)
            if self.is_working_day(day):
                yield day


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)
