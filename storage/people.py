"""People, their channel identities and their roles (memberships)."""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from storage.models import Identity, MemberRole, Membership, MemberStatus, Person

# Built once: these run on every update (see storage.conversations).
_IDENTITY = select(Identity).where(
    Identity.channel == bindparam("channel"), Identity.external_id == bindparam("external_id")
)


def find_identity(session: Session, *, channel: str, external_id: str) -> Identity | None:
    return session.exec(_IDENTITY, params={"channel": channel, "external_id": external_id}).first()


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


def mark_unreachable(session: Session, *, channel: str, chat_id: str) -> list[Identity]:
    """The user blocked the bot (or left): remember it, so the secretariat sees it."""
    identities = list(
        session.exec(
            select(Identity).where(Identity.channel == channel, Identity.chat_id == chat_id)
        ).all()
    )
    for identity in identities:
        identity.reachable = False
    session.flush()
    return identities


def secretariat_identities(session: Session) -> list[Identity]:
    """Every channel identity of every active secretariat member."""
    return list(
        session.exec(
            select(Identity)
            .join(Membership, col(Membership.person_id) == col(Identity.person_id))
            .where(
                Membership.role == MemberRole.secretariat,
                Membership.status == MemberStatus.active,
            )
            .order_by(col(Identity.id))
        ).all()
    )
