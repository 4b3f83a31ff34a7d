"""Registering focal points and the secretariat, and changing their status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from storage.clock import Clock
from storage.invites import use_invite
from storage.models import (
    Agency,
    Identity,
    Invite,
    MemberRole,
    Membership,
    MemberStatus,
    Person,
)


class InviteAlreadyUsed(Exception):
    """Someone else used the code between the check and the confirmation."""


@dataclass(frozen=True)
class Registration:
    person: Person
    membership: Membership
    replaced: Membership | None  # the colleague who handed over, now left


def register(
    session: Session,
    *,
    invite: Invite,
    channel: str,
    external_id: str,
    chat_id: str,
    full_name: str,
    position: str,
    require_approval: bool,
    clock: Clock,
) -> Registration:
    """Create (or reuse) the person and identity and add the membership the invite grants.

    All in the caller's transaction: if anything fails, nothing is half-registered.
    """
    now = clock.now()
    identity = session.exec(
        select(Identity).where(Identity.channel == channel, Identity.external_id == external_id)
    ).first()
    if identity is None:
        person = Person(full_name=full_name, position=position, created_at=now)
        session.add(person)
        session.flush()
        identity = Identity(
            person_id=person.id,
            channel=channel,
            external_id=external_id,
            chat_id=chat_id,
            created_at=now,
        )
        session.add(identity)
    else:
        person = session.get_one(Person, identity.person_id)
        if full_name:
            person.full_name = full_name
        if position:
            person.position = position
        identity.chat_id, identity.reachable = chat_id, True
    session.flush()
    assert person.id is not None
    if not use_invite(session, invite=invite, person_id=person.id, clock=clock):
        raise InviteAlreadyUsed
    status = (
        MemberStatus.pending
        if require_approval and invite.role == MemberRole.focal
        else MemberStatus.active
    )
    membership = session.exec(
        select(Membership).where(
            Membership.person_id == person.id,
            Membership.agency_id == invite.agency_id,
            Membership.role == invite.role,
        )
    ).first()
    if membership is None:
        membership = Membership(
            person_id=person.id, agency_id=invite.agency_id, role=invite.role, created_at=now
        )
        session.add(membership)
    membership.status, membership.ended_at, membership.away_until = status, None, None
    replaced = None
    if invite.replaces_membership_id is not None:
        replaced = session.get(Membership, invite.replaces_membership_id)
        if (
            replaced is not None
            and replaced.id != membership.id
            and replaced.status in (MemberStatus.active, MemberStatus.pending)
        ):
            end_membership(session, membership=replaced, status=MemberStatus.left, clock=clock)
        else:
            replaced = None
    session.flush()
    return Registration(person, membership, replaced)


def end_membership(session: Session, *, membership: Membership, status: str, clock: Clock) -> None:
    """Revoke or leave. The row stays (history); submissions belong to the agency anyway."""
    membership.status = status
    membership.ended_at = clock.now()
    session.flush()


def set_away(session: Session, *, membership: Membership, until: date | None) -> None:
    membership.away_until = until
    session.flush()


def agency_members(
    session: Session, *, agency_id: int, statuses: tuple[str, ...] = (MemberStatus.active,)
) -> list[tuple[Membership, Person]]:
    return list(
        session.exec(
            select(Membership, Person)
            .join(Person, col(Person.id) == col(Membership.person_id))
            .where(
                Membership.agency_id == agency_id,
                Membership.role == MemberRole.focal,
                col(Membership.status).in_(statuses),
            )
            .order_by(col(Membership.id))
        ).all()
    )


def available_members(
    session: Session, *, agency_id: int, today: date
) -> list[tuple[Membership, Person]]:
    """Active focal points who are not away today: the ones who get reminders."""
    return [
        (m, p)
        for m, p in agency_members(session, agency_id=agency_id)
        if m.away_until is None or m.away_until < today
    ]


def pending_members(session: Session) -> list[tuple[Membership, Person, Agency | None]]:
    rows = session.exec(
        select(Membership, Person)
        .join(Person, col(Person.id) == col(Membership.person_id))
        .where(Membership.status == MemberStatus.pending)
        .order_by(col(Membership.id))
    ).all()
    return [(m, p, session.get(Agency, m.agency_id) if m.agency_id else None) for m, p in rows]


def person_identities(session: Session, *, person_id: int) -> list[Identity]:
    return list(
        session.exec(
            select(Identity).where(Identity.person_id == person_id).order_by(col(Identity.id))
        ).all()
    )


def secretariat_members(session: Session) -> list[tuple[Membership, Person]]:
    """Active secretariat members (BAOCAO_ADMINS are settings, not rows: not listed)."""
    return list(
        session.exec(
            select(Membership, Person)
            .join(Person, col(Person.id) == col(Membership.person_id))
            .where(
                Membership.role == MemberRole.secretariat,
                Membership.status == MemberStatus.active,
            )
            .order_by(col(Membership.id))
        ).all()
    )
