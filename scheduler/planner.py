"""Planning into the outbox: read the state, decide what is due (scheduler.reminders), write
the new rows with their unique keys before anything is sent (invariant 2).

Synchronous database work: async callers go through `asyncio.to_thread`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from scheduler import texts
from scheduler.policy import ReminderPolicy
from scheduler.reminders import (
    AGENCY_KINDS,
    HELD_NOTICE,
    PLANNED_KINDS,
    PlannedMessage,
    Planning,
    manual_key,
    manual_prefix,
    period_prefix,
    plan_messages,
)
from storage import reminders as store
from storage.models import OutboxMessage


@dataclass
class Preview:
    """What planning would do at an instant, without writing (the dry run)."""

    planning: Planning
    already: set[str] = field(default_factory=set)  # keys already in the outbox
    # Keys of agency reminders the secretariat's /remind already stood for that day.
    covered: set[str] = field(default_factory=set)

    @property
    def new_messages(self) -> list[PlannedMessage]:
        return [
            m for m in self.planning.messages if m.key not in self.already | self.covered
        ]


class ReminderPlanner:
    """The one reminder service: built once by the composition root with the configured
    policy (calendar, days, time), asked by the scheduler's ticks, `baocao remind` and the
    secretariat's /remind alike."""

    def __init__(self, *, policy: ReminderPolicy, admins: Iterable[tuple[str, str]] = ()) -> None:
        self.policy = policy
        self.admins = tuple(admins)

    def days_left(self, today: date, deadline: date) -> int:
        """Working days left (negative: overdue) by the configured calendar."""
        return self.policy.days_left(today, deadline)

    def preview(
        self, session: Session, *, now: datetime, period_ids: Iterable[int] | None = None
    ) -> Preview:
        periods = store.reminder_snapshot(session, period_ids=period_ids)
        secretariat = store.secretariat_recipients(session, admins=self.admins)
        planning = plan_messages(periods, secretariat, self.policy, now)
        already: set[str] = set()
        manual: set[str] = set()
        today = self.policy.local_day(now)
        for period in periods:
            already |= store.existing_keys(session, prefix=period_prefix(period.period_id))
            manual |= store.existing_keys(
                session, prefix=manual_prefix(period.period_id, today)
            )
        covered = {
            m.key
            for m in planning.messages
            if m.kind in AGENCY_KINDS
            and m.agency_id is not None
            and m.recipient.identity_id is not None
            and manual_key(m.period_id, today, m.agency_id, m.recipient.identity_id) in manual
        }
        return Preview(planning, already, covered - already)

    def plan(
        self, session: Session, *, now: datetime, period_ids: Iterable[int] | None = None
    ) -> list[PlannedMessage]:
        """Write every due message not yet in the outbox. Returns those written."""
        preview = self.preview(session, now=now, period_ids=period_ids)
        fresh = preview.new_messages
        written = set(store.enqueue_many(session, [_row(m) for m in fresh], now=now))
        # A step /remind stood for today is written as done (cancelled), so that it goes out
        # neither now, a minute after the secretariat's reminder, nor as tomorrow's catch-up.
        covered = [m for m in preview.planning.messages if m.key in preview.covered]
        done = store.enqueue_many(session, [_row(m) for m in covered], now=now)
        store.cancel_keys(session, keys=done, reason="reminded by /remind the same day")
        return [m for m in fresh if m.key in written]

    def cancel_obsolete(self, session: Session) -> int:
        """Pending messages that no longer apply: their period closed, or the agency submitted
        after the reminder was planned (e.g. while it waited out a 429)."""
        rows = store.pending_planned(session, kinds=PLANNED_KINDS)
        if not rows:
            return 0
        period_ids = {int(r.payload.get("period_id") or 0) for r in rows}
        open_ids = store.open_period_ids(session)
        submitted = store.submitted_pairs(session, period_ids=period_ids & open_ids)
        closed, done = [], []
        for row in rows:
            period_id = int(row.payload.get("period_id") or 0)
            agency_id = row.payload.get("agency_id")
            if period_id not in open_ids:
                closed.append(row.id or 0)
            elif row.kind in AGENCY_KINDS and (period_id, agency_id) in submitted:
                done.append(row.id or 0)
        return store.cancel(session, ids=closed, reason="period closed") + store.cancel(
            session, ids=done, reason="report submitted"
        )

    def notify_held(
        self, session: Session, *, held: Sequence[OutboxMessage], now: datetime
    ) -> list[str]:
        """Tell the secretariat about each row held in the send/mark window."""
        recipients = store.secretariat_recipients(session, admins=self.admins)
        messages = []
        for row in held:
            first_line = (row.text.splitlines() or [""])[0]
            text = texts.held_message(
                message_id=row.id or 0,
                channel=row.channel,
                chat_id=row.chat_id,
                first_line=first_line,
                language=self.policy.language,
            )
            for r in recipients:
                if (r.channel, r.chat_id) == (row.channel, row.chat_id):
                    continue  # not through the very chat whose delivery is in doubt
                messages.append(
                    store.NewMessage(
                        dedupe_key=f"held:{row.id}:{r.channel}:{r.chat_id}",
                        channel=r.channel,
                        chat_id=r.chat_id,
                        kind=HELD_NOTICE,
                        text=text,
                        payload={"options": [], "held_id": row.id},
                        person_id=r.person_id,
                    )
                )
        return store.enqueue_many(session, messages, now=now)


def _row(message: PlannedMessage) -> store.NewMessage:
    return store.NewMessage(
        dedupe_key=message.key,
        channel=message.recipient.channel,
        chat_id=message.recipient.chat_id,
        kind=message.kind,
        text=message.text,
        payload=message.payload(),
        person_id=message.recipient.person_id,
    )
