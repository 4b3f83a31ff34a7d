"""What a handler sees of the world: the event, who sent it, the session, the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers.events import IncomingEvent, Option, Reply
from handlers.messages import Language, translate
from scheduler.planner import ReminderPlanner
from scheduler.policy import ReminderPolicy
from storage import audit
from storage.clock import Clock
from storage.conversations import clear_state, get_state, save_state
from storage.exports.report_options import ReportOptions
from storage.files.store import FileStore
from storage.models import ConversationState, Identity, MemberRole, Membership, Person
from storage.people import find_identity, get_person, memberships

if TYPE_CHECKING:
    from handlers.registry import Registry

OPTIONS_KEY = "_options"
# Where the dispatcher notes the roles of the command that opened a flow declaring none
# (handlers.guards).
OPENED_BY_KEY = "_opened_by"


class _Unread(Enum):
    # A one-member enum, not object(), so that `is _UNREAD` narrows the type (PEP 484).
    token = 0


_UNREAD: Final = _Unread.token


class Role(StrEnum):
    stranger = "stranger"
    focal = "focal"
    secretariat = "secretariat"


@dataclass(frozen=True)
class HandlerConfig:
    """The few settings handlers need, passed down by the composition root."""

    language: Language = "vi"
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    admins: frozenset[tuple[str, str]] = frozenset()
    console_operator_is_admin: bool = True
    require_approval: bool = False
    invite_days: int = 7
    max_upload_mb: int = 20
    review_notify: str = "instant"  # instant | digest
    # The draft report's issuer and signatory, and a template of the deployment's own.
    report: ReportOptions = field(default_factory=ReportOptions)
    report_template: Path | None = None
    # The web console's public address (BAOCAO_PUBLIC_URL + "/web"), for /web's sign-in link.
    web_url: str | None = None
    # The one reminder service, with the configured calendar (built by the composition root).
    reminders: ReminderPlanner = field(
        default_factory=lambda: ReminderPlanner(policy=ReminderPolicy())
    )
    # Where documents are kept (BAOCAO_FILE_STORE); the composition root always sets it.
    files: FileStore | None = None

    @property
    def store(self) -> FileStore:
        if self.files is None:
            raise RuntimeError("no file store configured")
        return self.files


CONSOLE_OPERATOR = "operator"


@dataclass
class ChannelLinks:
    """Facts the channels learn at start-up (the Telegram bot's @username, for deep links)."""

    telegram_username: str | None = None

    def telegram_start_link(self, code: str) -> str | None:
        if not self.telegram_username:
            return None
        return f"https://t.me/{self.telegram_username}?start={code}"


@dataclass
class Actor:
    """Who sent the event, resolved once per event."""

    channel: str
    user_id: str
    identity: Identity | None
    person: Person | None
    memberships: list[Membership]
    is_admin: bool

    @property
    def is_secretariat(self) -> bool:
        return self.is_admin or any(m.role == MemberRole.secretariat for m in self.memberships)

    @property
    def focal_agency_ids(self) -> list[int]:
        return [
            m.agency_id
            for m in self.memberships
            if m.role == MemberRole.focal and m.agency_id is not None
        ]

    @property
    def roles(self) -> frozenset[Role]:
        """Every role the sender holds (a secretariat member may also be a focal point)."""
        held = set()
        if self.is_secretariat:
            held.add(Role.secretariat)
        if self.focal_agency_ids:
            held.add(Role.focal)
        return frozenset(held or {Role.stranger})

    @property
    def role(self) -> Role:
        """The main role, for greetings: secretariat, else focal point, else stranger."""
        for role in (Role.secretariat, Role.focal):
            if role in self.roles:
                return role
        return Role.stranger

    @property
    def person_id(self) -> int | None:
        return self.person.id if self.person else None


def resolve_actor(session: Session, *, event: IncomingEvent, config: HandlerConfig) -> Actor:
    identity = find_identity(session, channel=event.channel, external_id=event.user_id)
    person = get_person(session, identity.person_id) if identity else None
    roles = memberships(session, person_id=person.id) if person and person.id else []
    is_admin = (event.channel, event.user_id) in config.admins or (
        config.console_operator_is_admin
        and event.channel == "console"
        and event.user_id == CONSOLE_OPERATOR
    )
    return Actor(event.channel, event.user_id, identity, person, roles, is_admin)


@dataclass
class Context:
    session: Session
    event: IncomingEvent
    actor: Actor
    config: HandlerConfig
    clock: Clock
    registry: Registry
    links: ChannelLinks = field(default_factory=ChannelLinks)

    def t(self, key: str, /, **values: object) -> str:
        return translate(key, self.config.language, **values)

    def audit(self, action: str, outcome: str, **detail: Any) -> None:
        audit.record(
            self.session,
            clock=self.clock,
            action=action,
            outcome=outcome,
            channel=self.event.channel,
            external_id=self.event.user_id,
            person_id=self.actor.person_id,
            detail=detail,
        )

    # --- conversation state ---

    # The chat's conversation state, read once per event (the dispatcher, the guards and the
    # menus all ask); every change made through this context forgets it.
    _state: ConversationState | _Unread | None = field(default=_UNREAD, repr=False)
    _secretariat_name: str | None = field(default=None, repr=False)

    @property
    def state(self) -> ConversationState | None:
        if self._state is _UNREAD:
            self._state = get_state(
                self.session, channel=self.event.channel, chat_id=self.event.chat_id
            )
        return self._state

    def forget_state(self) -> None:
        """After a conversation state was changed other than through this context."""
        self._state = _UNREAD

    def save_flow(self, flow: str, step: str, data: dict[str, Any]) -> None:
        current = self.state
        # The roles that opened the flow (noted by the dispatcher) survive its own saves.
        kept = (
            {OPENED_BY_KEY: current.data[OPENED_BY_KEY]}
            if current is not None and current.flow == flow and OPENED_BY_KEY in current.data
            else {}
        )
        self._state = _UNREAD
        save_state(
            self.session,
            channel=self.event.channel,
            chat_id=self.event.chat_id,
            flow=flow,
            step=step,
            data={**kept, **data},
            clock=self.clock,
        )

    def end_flow(self) -> bool:
        self._state = _UNREAD
        return clear_state(self.session, channel=self.event.channel, chat_id=self.event.chat_id)

    def ask(
        self,
        flow: str,
        step: str,
        data: dict[str, Any],
        text: str,
        options: tuple[Option, ...] = (),
    ) -> Reply:
        """Store where the flow is (and the options shown, for numbered answers) and ask."""
        stored = dict(data)
        stored[OPTIONS_KEY] = [[o.label, o.value] for o in options]
        self.save_flow(flow, step, stored)
        return Reply(text, options)

    # --- lookups and formats handlers often need ---

    def today(self) -> date:
        return self.clock.now().astimezone(self.config.zone).date()

    def local_time(self, instant: datetime) -> str:
        return instant.astimezone(self.config.zone).strftime("%H:%M %d/%m/%Y")

    def secretariat_name(self) -> str:
        if self._secretariat_name is None:
            from storage.plans import secretariat_name

            # One secretariat runs the deployment's plans: the first plan names it.
            named = secretariat_name(self.session)
            self._secretariat_name = named or self.t("role.secretariat")
        return self._secretariat_name
