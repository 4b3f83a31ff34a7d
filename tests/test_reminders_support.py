"""Shared helpers for the reminder and outbox tests (no tests here).

People are made directly as rows (registration is built elsewhere); channels and rate limiters
are fakes, so nothing touches the network and nothing really sleeps.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.app import App, policy_from_settings
from handlers.events import Reply
from scheduler.delivery import DeliveryError
from scheduler.ratelimit import RateLimit, RateLimiter
from scheduler.service import SchedulerService
from storage.db import transaction
from storage.models import (
    Agency,
    Identity,
    MemberRole,
    Membership,
    OutboxMessage,
    Person,
    ReportingPeriod,
    Submission,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(text: str) -> datetime:
    """A local instant, '2026-11-09 08:00'."""
    return datetime.fromisoformat(text).replace(tzinfo=VN)


def agency_id(session: Session, code: str) -> int:
    agency = session.exec(select(Agency).where(Agency.code == code)).one()
    assert agency.id is not None
    return agency.id


def add_person(
    app: App,
    name: str,
    *,
    agency: str | None = None,
    role: str = MemberRole.focal,
    chats: tuple[tuple[str, str], ...] = (),
    away_until: date | None = None,
    reachable: bool = True,
) -> int:
    """A person with one identity per (channel, chat id) and one active membership."""
    now = app.clock.now()
    with transaction(app.make_session) as session:
        person = Person(full_name=name, created_at=now)
        session.add(person)
        session.flush()
        assert person.id is not None
        for channel, chat_id in chats:
            session.add(
                Identity(
                    person_id=person.id,
                    channel=channel,
                    external_id=chat_id,
                    chat_id=chat_id,
                    reachable=reachable,
                    created_at=now,
                )
            )
        session.add(
            Membership(
                person_id=person.id,
                agency_id=agency_id(session, agency) if agency else None,
                role=role,
                away_until=away_until,
                created_at=now,
            )
        )
        return person.id


def focal(app: App, name: str, agency: str, chat: str, **kwargs: object) -> int:
    return add_person(app, name, agency=agency, chats=(("telegram", chat),), **kwargs)  # type: ignore[arg-type]


def submit(app: App, agency: str, *, state: str = "submitted", period_key: str = "2026") -> None:
    with transaction(app.make_session) as session:
        period = session.exec(
            select(ReportingPeriod).where(ReportingPeriod.key == period_key)
        ).one()
        session.add(
            Submission(
                period_id=period.id,  # type: ignore[arg-type]
                agency_id=agency_id(session, agency),
                state=state,
                current_version=1,
                updated_at=app.clock.now(),
            )
        )


def outbox(app: App) -> list[OutboxMessage]:
    with app.make_session() as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())  # type: ignore[arg-type]


class FakeTime:
    """Monotonic time that moves only when a limiter sleeps."""

    def __init__(self) -> None:
        self.t = 1000.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds
        await asyncio.sleep(0)


def fake_limiter(limit: RateLimit | None = None, time: FakeTime | None = None) -> RateLimiter:
    time = time or FakeTime()
    return RateLimiter(limit or RateLimit(), now=time.now, sleep=time.sleep)


class FakeChannel:
    """Records what it is asked to send; can be told to fail."""

    def __init__(self, name: str = "telegram") -> None:
        self.name = name
        self.sent: list[tuple[str, Reply]] = []
        self.errors: list[DeliveryError] = []  # raised, in order, before anything is sent
        self.chat_errors: dict[str, list[DeliveryError]] = {}  # the same, for one chat

    async def deliver(self, chat_id: str, reply: Reply) -> None:
        if self.chat_errors.get(chat_id):
            raise self.chat_errors[chat_id].pop(0)
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append((chat_id, reply))

    def texts(self, chat_id: str) -> list[str]:
        return [r.text for c, r in self.sent if c == chat_id]


def service(app: App, *channels: FakeChannel) -> SchedulerService:
    """The scheduler as `baocao run` builds it, with fake channels and fake-time limiters."""
    return SchedulerService(
        make_session=app.make_session,
        clock=app.clock,
        zone=app.settings.zone,
        channels=list(channels),
        policy=policy_from_settings(app.settings),
        admins=tuple((a.channel, a.user_id) for a in app.settings.admins),
        limiters={c.name: fake_limiter() for c in channels},
    )


def tick(svc: SchedulerService) -> None:
    """One planning tick and one delivery pass, as the running scheduler does them."""
    asyncio.run(svc.plan())
    asyncio.run(svc.deliver())
