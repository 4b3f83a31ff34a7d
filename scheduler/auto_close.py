"""Close a period by itself some days after its consolidation deadline
(BAOCAO_PERIOD_AUTO_CLOSE_DAYS).

Without this, last year's period stays open and its overdue reminders repeat every two working
days until someone remembers `/close`. The secretariat is told a week before, so it can close
earlier or extend by acting first; and told again when it happens.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from scheduler.texts import day_text
from storage import audit
from storage import reminders as store
from storage.clock import Clock
from storage.i18n import Language, translate
from storage.models import ReportingPeriod
from storage.periods import open_periods
from storage.requests import close_period

NOTICE_BEFORE = timedelta(days=7)
KIND = "auto_close"


def closes_on(period: ReportingPeriod, after_days: int) -> date:
    """The local day the period closes on (at its start): the last deadline + the delay."""
    last = period.consolidation_due_on or period.due_on
    return last + timedelta(days=after_days + 1)


def notice_text(
    period: ReportingPeriod, day: date, *, closed: bool, language: Language = "vi"
) -> str:
    about = {"key": period.key, "title": period.title}
    if closed:
        return translate("autoclose.closed", language, **about)
    return translate("autoclose.soon", language, day=day_text(day, language), **about)


def auto_close(
    session: Session,
    *,
    clock: Clock,
    zone: ZoneInfo,
    after_days: int,
    admins: Iterable[tuple[str, str]] = (),
    language: Language = "vi",
) -> list[str]:
    """Queue the notices that are due and close the periods whose day has come; returns the
    keys of the periods closed. Idempotent: notices have one dedupe key per period and chat."""
    now = clock.now()
    today = now.astimezone(zone).date()
    recipients = store.secretariat_recipients(session, admins=admins)
    notices: list[store.NewMessage] = []
    closed: list[str] = []
    for period in open_periods(session):
        day = closes_on(period, after_days)
        close_at = datetime.combine(day, time(0, 0), tzinfo=zone)
        if now < close_at - NOTICE_BEFORE:
            continue
        done = now >= close_at
        if done:
            close_period(session, period=period, clock=clock)
            audit.record(
                session,
                clock=clock,
                action="period.auto_close",
                outcome="ok",
                channel="scheduler",
                detail={"key": period.key, "closes_on": day.isoformat(), "today": str(today)},
            )
            closed.append(period.key)
        step = "closed" if done else "soon"
        text = notice_text(period, day, closed=done, language=language)
        notices += [
            store.NewMessage(
                dedupe_key=f"autoclose:{period.id}:{step}:{r.channel}:{r.chat_id}",
                channel=r.channel,
                chat_id=r.chat_id,
                kind=KIND,
                text=text,
                payload={"options": [], "period_id": period.id},
                person_id=r.person_id,
            )
            for r in recipients
        ]
    store.enqueue_many(session, notices, now=now)
    return closed
