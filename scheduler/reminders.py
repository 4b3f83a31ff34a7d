"""Which messages are due at an instant: a pure function of the open periods (deadlines,
submissions, focal points), the secretariat's chats, the policy and the instant.

Each message has a dedupe key (period and deadline, recipient, step): writing it to the outbox
twice is impossible, so planning can run on every tick and after any restart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from scheduler import texts
from scheduler.policy import (
    NEW_STEP,
    OVERDUE_LIST_STEP,
    DueStep,
    ReminderPolicy,
    Step,
    agency_steps,
    before_steps,
    digest_steps,
    due_step,
)
from storage.i18n import Language, translate, translate_plural
from storage.reminders import AgencyStatus, PeriodSnapshot, Recipient

# Message kinds (OutboxMessage.kind).
REQUEST = "request"
REMINDER = "reminder"
OVERDUE = "overdue"
DIGEST = "digest"
CONSOLIDATION = "consolidation"
HELD_NOTICE = "held_notice"
PLANNED_KINDS = (REQUEST, REMINDER, OVERDUE, DIGEST, CONSOLIDATION)
AGENCY_KINDS = (REQUEST, REMINDER, OVERDUE)


class PlannedMessage(NamedTuple):
    key: str
    recipient: Recipient
    kind: str
    text: str
    options: tuple[tuple[str, str], ...]
    period_id: int
    agency_id: int | None
    step: str
    late: bool
    reason: str  # why it is due, for `baocao remind --dry-run`

    def payload(self) -> dict[str, object]:
        return {
            "options": [list(o) for o in self.options],
            "period_id": self.period_id,
            "agency_id": self.agency_id,
            "step": self.step,
            "late": self.late,
        }


# Why a Note's subject gets nothing.
SUBMITTED = "submitted"
NOBODY = "nobody"  # no focal point, all away, or none reachable: the secretariat is told
NO_SECRETARIAT = "no_secretariat"


@dataclass(frozen=True)
class Note:
    """An agency (or the secretariat) that gets nothing at this instant, and why."""

    period_id: int
    subject: str
    reason: str
    kind: str


@dataclass
class PeriodOutlook:
    period: PeriodSnapshot
    today: date
    days_left: int
    due: DueStep | None
    next_step: Step | None


@dataclass
class Planning:
    messages: list[PlannedMessage] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    periods: list[PeriodOutlook] = field(default_factory=list)


def period_prefix(period_id: int) -> str:
    """Every planned key of a period starts with this."""
    return f"r:{period_id}:"


def manual_prefix(period_id: int, day: date) -> str:
    """Every key of the secretariat's /remind for a period on a local day starts with this."""
    return f"remind:{period_id}:{day:%Y%m%d}:"


def manual_key(period_id: int, day: date, agency_id: int, identity_id: int) -> str:
    """/remind's key: at most one extra reminder per chat, agency and local day."""
    return f"{manual_prefix(period_id, day)}a{agency_id}:i{identity_id}"


def step_label(step: Step, language: Language = "vi") -> str:
    if step.key == NEW_STEP:
        return translate("step.request", language)
    if step.key == OVERDUE_LIST_STEP:
        return translate("step.overdue_list", language)
    if step.key.startswith("o"):
        return translate("step.overdue", language, n=step.key[1:])
    if step.key.startswith("g"):
        return translate("step.daily", language)
    days = int(step.key[1:])
    if days == 0:
        return translate("step.deadline" if step.key[0] == "d" else "step.consolidation", language)
    return translate_plural("step.before", days, language)


def _why(due: DueStep, policy: ReminderPolicy) -> str:
    language = policy.language
    at = f"{due.step.at.astimezone(policy.zone):%H:%M %d/%m/%Y}"
    text = translate("step.why", language, step=step_label(due.step, language), at=at)
    if due.late:
        hours = int(policy.grace.total_seconds() // 3600)
        text += translate_plural("step.late", hours, language)
    return text


def plan_messages(
    periods: Sequence[PeriodSnapshot],
    secretariat: Sequence[Recipient],
    policy: ReminderPolicy,
    now: datetime,
) -> Planning:
    planning = Planning()
    today = policy.local_day(now)
    for period in periods:
        _plan_period(planning, period, secretariat, policy, now, today)
    return planning


def _plan_period(
    planning: Planning,
    period: PeriodSnapshot,
    secretariat: Sequence[Recipient],
    policy: ReminderPolicy,
    now: datetime,
    today: date,
) -> None:
    deadline = period.due_on
    days_left = policy.days_left(today, deadline)
    # A yearly deadline is known in advance: a period opened late (a first start in November)
    # still catches up. An ad-hoc request did not exist before it was issued.
    issued_at = period.created_at if period.kind == "adhoc" else None
    steps = agency_steps(policy, deadline, until=today, issued_at=issued_at)
    due = due_step(policy, steps, now=now, not_before=issued_at)
    upcoming = [s for s in steps if s.at > now]
    planning.periods.append(
        PeriodOutlook(
            period, today, days_left, due, min(upcoming, key=lambda s: s.at, default=None)
        )
    )
    nobody: dict[int, str] = {}  # not submitted and nobody to remind: agency id -> with reason
    for agency in period.agencies:
        if agency.submitted:
            submitted = translate("note.submitted", policy.language)
            planning.notes.append(Note(period.period_id, agency.name, submitted, SUBMITTED))
            continue
        recipients, why_not = _reachable(agency, today, policy.language)
        if not recipients:
            nobody[agency.agency_id] = f"{agency.name} ({why_not})"
            planning.notes.append(Note(period.period_id, agency.name, why_not, NOBODY))
            continue
        if due is None:
            continue
        _agency_messages(planning, period, agency, recipients, due, policy, today, days_left)
    _secretariat_messages(planning, period, secretariat, nobody, policy, now, today, days_left)


def _reachable(
    agency: AgencyStatus, today: date, language: Language
) -> tuple[list[Recipient], str]:
    """The chats to remind for an agency; when none, the reason in words."""
    if not agency.focal_points:
        return [], translate("note.no_focal", language)
    recipients: list[Recipient] = []
    away: list[str] = []
    unreachable = 0
    for focal in agency.focal_points:
        if focal.away_until is not None and focal.away_until >= today:
            until = f"{focal.away_until:%d/%m/%Y}"
            away.append(translate("note.away", language, name=focal.name, until=until))
        elif not focal.identities:
            unreachable += 1
        else:
            recipients.extend(focal.identities)
    reasons = away + (
        [translate_plural("note.unreachable", unreachable, language)] if unreachable else []
    )
    return recipients, "; ".join(reasons)


def _agency_messages(
    planning: Planning,
    period: PeriodSnapshot,
    agency: AgencyStatus,
    recipients: list[Recipient],
    due: DueStep,
    policy: ReminderPolicy,
    today: date,
    days_left: int,
) -> None:
    # Worded by the day's situation, so a catch-up after the deadline is one overdue note.
    overdue = OVERDUE if today > period.due_on else REMINDER
    kind = REQUEST if due.step.key == NEW_STEP else overdue
    text = texts.agency_message(
        kind=kind,
        period_title=period.title,
        requester=period.requester,
        agency_name=agency.name,
        deadline=period.due_on,
        today=today,
        days_left=days_left,
        tasks=agency.tasks,
        language=policy.language,
        plan_code=period.plan_code,
    )
    not_yet = translate("note.not_submitted", policy.language, agency=agency.name)
    reason = f"{_why(due, policy)}; {not_yet}"
    base = f"{period_prefix(period.period_id)}{period.due_on:%Y%m%d}:a{agency.agency_id}"
    for recipient in recipients:
        planning.messages.append(
            PlannedMessage(
                key=f"{base}:i{recipient.identity_id}:{due.step.key}",
                recipient=recipient,
                kind=kind,
                text=text,
                options=(texts.report_option(policy.language),),
                period_id=period.period_id,
                agency_id=agency.agency_id,
                step=due.step.key,
                late=due.late,
                reason=reason,
            )
        )


def _secretariat_messages(
    planning: Planning,
    period: PeriodSnapshot,
    secretariat: Sequence[Recipient],
    nobody: dict[int, str],
    policy: ReminderPolicy,
    now: datetime,
    today: date,
    days_left: int,
) -> None:
    pending = [a for a in period.agencies if not a.submitted]
    reminded = [a.name for a in pending if a.agency_id not in nobody]
    total = len(period.agencies)
    planned: list[tuple[str, str, str, DueStep]] = []  # (kind, key part, text, due)

    issued_at = period.created_at if period.kind == "adhoc" else None
    digest = due_step(policy, digest_steps(policy, period.due_on), now=now, not_before=issued_at)
    if digest is not None and pending:
        text = texts.digest_message(
            period_title=period.title,
            deadline=period.due_on,
            today=today,
            days_left=days_left,
            total=total,
            reminded=reminded,
            nobody=list(nobody.values()),
            language=policy.language,
        )
        planned.append((DIGEST, f"{period.due_on:%Y%m%d}:s", text, digest))

    consolidation_on = period.consolidation_due_on
    if consolidation_on is not None and today <= consolidation_on:
        steps = before_steps(policy, consolidation_on, prefix="c")
        due = due_step(policy, steps, now=now)
        if due is not None:
            text = texts.consolidation_message(
                period_title=period.title,
                deadline=consolidation_on,
                today=today,
                days_left=policy.days_left(today, consolidation_on),
                total=total,
                submitted=total - len(pending),
                language=policy.language,
            )
            planned.append((CONSOLIDATION, f"c{consolidation_on:%Y%m%d}", text, due))

    if planned and not secretariat:
        planning.notes.append(
            Note(
                period.period_id,
                translate("note.secretariat", policy.language),
                translate("note.no_secretariat", policy.language),
                NO_SECRETARIAT,
            )
        )
    for kind, part, text, due in planned:
        for recipient in secretariat:
            planning.messages.append(
                PlannedMessage(
                    key=(
                        f"{period_prefix(period.period_id)}{part}:"
                        f"{recipient.channel}:{recipient.chat_id}:{due.step.key}"
                    ),
                    recipient=recipient,
                    kind=kind,
                    text=text,
                    options=(),
                    period_id=period.period_id,
                    agency_id=None,
                    step=due.step.key,
                    late=due.late,
                    reason=_why(due, policy),
                )
            )
