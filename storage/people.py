"""People, their channel identities and their roles (memberships)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.models import Identity, Membership, MemberStatus, Person


def find_identity(session: Session, *, channel: str, external_id: str) -> Identity | None:
    return session.exec(
        select(Identity).where(Identity.channel == channel, Identity.external_id == external_id)
    ).first()


def memberships(
    session: Session, *, person_id: int, statuses: tuple[str, ...] = (MemberStatus.active,)
) -> list[Membership]:
    return list(
        session.exec(
            select(Membership)
            .where(Membership.person_id == person_id, col(Membership.status).in_(statuses))
            .order_by(col(Membership.id))
        ).all()
    )


def get_person(session: Session, person_id: int) -> Person | None:
    return session.get(Person, person_id)
