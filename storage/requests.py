"""Ad-hoc report requests (a ReportingPeriod of kind adhoc, key adhoc-N) and closing periods."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.agencies import group_members, successors
from storage.clock import Clock
from storage.forms import ADHOC, current_form, store_form
from storage.i18n import LANGUAGES, translate
from storage.models import (
    Agency,
    PeriodAgency,
    PeriodKind,
    PeriodStatus,
    Plan,
    ReportingPeriod,
)
from storage.questionnaire import Questionnaire

ADHOC_PREFIX = "adhoc-"
_ADHOC_KEY = re.compile(r"^adhoc-(\d+)$")


class RequestError(ValueError):
    """A request that cannot be made as asked; the message says why (in English)."""


def concrete_agencies(session: Session, agency_ids: Iterable[int]) -> list[Agency]:
    """Groups become their members, an agency that was merged or split its successors (a
    dissolved one nobody); each agency once."""
    out: dict[int, Agency] = {}
    for agency_id in agency_ids:
        agency = session.get(Agency, agency_id)
        if agency is None:
            raise RequestError(f"no agency with id {agency_id}")
        for member in group_members(session, agency):
            for current in successors(session, member):
                if current.id is not None and not current.is_group:
                    out.setdefault(current.id, current)
    return sorted(out.values(), key=lambda a: a.id or 0)


def _next_adhoc_number(session: Session, *, plan: Plan) -> int:
    keys = session.exec(
        select(ReportingPeriod.key).where(
            ReportingPeriod.plan_id == plan.id, col(ReportingPeriod.key).startswith(ADHOC_PREFIX)
        )
    ).all()
    numbers = [int(m.group(1)) for k in keys if (m := _ADHOC_KEY.match(k))]
    return max(numbers, default=0) + 1


def create_adhoc_request(
    session: Session,
    *,
    plan: Plan,
    title: str,
    due_on: date,
    agency_ids: Iterable[int],
    clock: Clock,
    today: date | None = None,
    question: str | None = None,
) -> ReportingPeriod:
    """Open an ad-hoc request to these agencies (groups expanded), asking its own question
    (`question`, or one about the topic). The notices are planned by the scheduler from this
    row: the request is due to them from `created_at`."""
    title = " ".join(title.split())
    if not title:
        raise RequestError("the request needs a topic")
    if len(title) > 300:
        raise RequestError("the topic is longer than 300 characters")
    question = " ".join((question or "").split()) or None
    if question is not None and len(question) > 500:
        raise RequestError("the question is longer than 500 characters")
    if today is not None and due_on < today:
        raise RequestError(f"the deadline {due_on.isoformat()} has passed")
    agencies = concrete_agencies(session, agency_ids)
    if not agencies:
        raise RequestError("the request names no agency")
    for _attempt in range(5):  # another secretariat member may take the same number
        number = _next_adhoc_number(session, plan=plan)
        period = ReportingPeriod(
            plan_id=plan.id,
            key=f"{ADHOC_PREFIX}{number}",
            kind=PeriodKind.adhoc,
            title=title,
            due_on=due_on,
            status=PeriodStatus.open,
            created_at=clock.now(),
        )
        try:
            with session.begin_nested():
                session.add(period)
                session.flush()
        except IntegrityError:
            continue
        session.add_all(
            PeriodAgency(period_id=period.id, agency_id=a.id)
            for a in agencies
        )
        period.questionnaire_key = f"adhoc_{number}"
        form = adhoc_form(session, plan=plan, topic=title, question=question)
        store_form(
            session,
            plan_id=plan.id,
            form=form,
            clock=clock,
            key=period.questionnaire_key,
        )
        session.flush()
        return period
    raise RequestError("could not pick a free request number; try again")


def adhoc_form(session: Session, *, plan: Plan, topic: str, question: str | None) -> Questionnaire:
    """The plan's ad-hoc questionnaire, titled with the topic, its first text question asking
    the secretariat's own question (or one about the topic)."""
    _row, base = current_form(session, plan_id=plan.id, key=ADHOC)
    data = base.model_dump(mode="json")
    data["key"] = "adhoc"
    data["title"] = {"vi": topic}
    # The secretariat's own words are one language; the default question is said in each.
    asked = (
        {"vi": question}
        if question
        else {lang: translate("request.default_question", lang, topic=topic) for lang in LANGUAGES}
    )
    for section in data["sections"]:
        for item in section["questions"]:
            if item["type"] in {"text", "long_text"}:
                item["label"] = asked
                item["hint"] = {}
                return Questionnaire.model_validate(data)
    return Questionnaire.model_validate(data)


def find_period(session: Session, *, plan: Plan, key: str) -> ReportingPeriod | None:
    return session.exec(
        select(ReportingPeriod).where(
            ReportingPeriod.plan_id == plan.id, ReportingPeriod.key == key.strip()
        )
    ).first()


def list_periods(session: Session, *, plan: Plan) -> list[ReportingPeriod]:
    return list(
        session.exec(
            select(ReportingPeriod)
            .where(ReportingPeriod.plan_id == plan.id)
            .order_by(col(ReportingPeriod.due_on), col(ReportingPeriod.id))
        ).all()
    )


def close_period(session: Session, *, period: ReportingPeriod, clock: Clock) -> bool:
    """Close a period: no more reminders for it. Returns False when it was already closed."""
    if period.status == PeriodStatus.closed:
        return False
    period.status = PeriodStatus.closed
    period.closed_at = clock.now()
    session.add(period)
    session.flush()
    return True
