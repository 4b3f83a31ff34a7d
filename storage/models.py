"""The domain tables. Instants are aware UTC (`UTCDateTime`); deadlines are local dates."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

# Named constraints, so migrations can drop and alter them on every database.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _primary_key() -> Any:
    # Typed `int`, as SQLAlchemy types `Mapped[int]` primary keys: the database numbers a row when
    # it is flushed, and every row the code reads back has its number. Only a row built and not
    # yet flushed holds None, and nothing reads its id before `session.flush()`.
    return Field(default=None, primary_key=True)


def _instant(*, nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def _text(*, default: str = "") -> Any:
    return Field(default=default, sa_column=Column(Text(), nullable=False))


class AgencyKind(StrEnum):
    department = "department"
    district = "district"
    police_military = "police_military"
    bank = "bank"
    media = "media"
    association = "association"
    front = "front"
    group = "group"
    other = "other"


class TaskRole(StrEnum):
    lead = "lead"
    coordinating = "coordinating"


class MemberRole(StrEnum):
    focal = "focal"
    secretariat = "secretariat"


class MemberStatus(StrEnum):
    pending = "pending"
    active = "active"
    revoked = "revoked"
    left = "left"
    ended = "ended"  # the agency was dissolved


class PeriodKind(StrEnum):
    periodic = "periodic"
    adhoc = "adhoc"


class PeriodStatus(StrEnum):
    open = "open"
    closed = "closed"


class SubmissionState(StrEnum):
    draft = "draft"
    submitted = "submitted"
    returned = "returned"


class OutboxStatus(StrEnum):
    pending = "pending"
    sending = "sending"
    sent = "sent"
    failed = "failed"
    held = "held"


# --- the plan -------------------------------------------------------------------------------


class Agency(SQLModel, table=True):
    """An accountable unit (or a named group of them) of the deployment, taking part in any
    number of plans. Never deleted: renamed, merged, split or dissolved from a date
    (`AgencyChange`), and kept as the record of what it filed."""

    id: int = _primary_key()
    code: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=300)
    kind: str = Field(default=AgencyKind.other, max_length=32)
    is_group: bool = False
    reports: bool = True
    # A broad collective: coordinating a task only through it makes the task optional.
    broad: bool = False
    merged_into_id: int | None = Field(default=None, foreign_key="agency.id")
    # The local day it began (None: before baocao's records) and the first day it no longer
    # exists (merged, split or dissolved; set when that change takes effect).
    valid_from: date | None = None
    ended_on: date | None = None
    created_at: datetime = _instant()
    updated_at: datetime = _instant()


class AgencyChangeKind(StrEnum):
    create = "create"
    rename = "rename"
    merge = "merge"
    split = "split"  # type: ignore[assignment]  # a member named like str.split, stored as "split"
    dissolve = "dissolve"


class AgencyChange(SQLModel, table=True):
    """One step of a reorganisation, effective from a local date: `agency` was created,
    renamed, merged into `successor_ids[0]`, split into `successor_ids`, or dissolved.
    Recorded when applied; what it moves (focal points, owed reports, task roles) moves on
    the effective date, and `carried_out_at` says when that was done."""

    __tablename__ = "agency_change"

    id: int = _primary_key()
    kind: str = Field(max_length=16)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    effective_on: date
    successor_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Names before and after, the tasks each successor of a split takes, where the focal
    # points go, a note: what the org file said.
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    source: str = Field(default="", max_length=300)  # the org file, or "cli"
    recorded_at: datetime = _instant()
    carried_out_at: datetime | None = _instant(nullable=True)


class AgencyName(SQLModel, table=True):
    """Every name an agency is or was known by: aliases and former names (renames)."""

    __tablename__ = "agency_name"
    __table_args__ = (UniqueConstraint("agency_id", "normalized"),)

    id: int = _primary_key()
    agency_id: int = Field(foreign_key="agency.id", index=True)
    name: str = Field(max_length=300)
    normalized: str = Field(max_length=300, index=True)
    kind: str = Field(default="alias", max_length=16)  # alias | former
    valid_from: datetime = _instant()
    valid_to: datetime | None = _instant(nullable=True)


class GroupMember(SQLModel, table=True):
    __tablename__ = "group_member"

    group_id: int = Field(foreign_key="agency.id", primary_key=True)
    member_id: int = Field(foreign_key="agency.id", primary_key=True)


class Plan(SQLModel, table=True):
    id: int = _primary_key()
    code: str = Field(max_length=64, unique=True)
    title: str = _text()
    issuer: str = Field(default="", max_length=300)
    issued_on: date | None = None
    secretariat_agency_id: int | None = Field(default=None, foreign_key="agency.id")
    agencies_due_month: int = 11
    agencies_due_day: int = 30
    consolidation_due_month: int = 12
    consolidation_due_day: int = 20
    reporting_note: str = _text()
    adhoc_allowed: bool = True
    imported_at: datetime = _instant()


class PlanAgency(SQLModel, table=True):
    """An agency a plan names, and whether that plan obliges it to report: a body one plan
    only requests ("Đề nghị") may be ordered by another."""

    __tablename__ = "plan_agency"

    plan_id: int = Field(foreign_key="plan.id", primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", primary_key=True)
    # False: it may report, but is not reminded or counted overdue for this plan's yearly report.
    obliged: bool = True


class PlanDuty(SQLModel, table=True):
    """A numbered item of the plan's section IV: who does what."""

    __tablename__ = "plan_duty"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: int = _primary_key()
    plan_id: int = Field(foreign_key="plan.id", index=True)
    number: int
    heading: str = Field(max_length=300)
    text: str = _text()


class PlanDutyAgency(SQLModel, table=True):
    __tablename__ = "plan_duty_agency"

    duty_id: int = Field(foreign_key="plan_duty.id", primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", primary_key=True)


class Task(SQLModel, table=True):
    """A row of the plan's appendix. Retired (not deleted) when a re-import drops it."""

    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: int = _primary_key()
    plan_id: int = Field(foreign_key="plan.id", index=True)
    number: int
    title: str = _text()
    timeframe: str = Field(default="", max_length=200)
    retired: bool = False


class QuestionnaireVersion(SQLModel, table=True):
    """A version of one of a plan's questionnaires, as data (storage.questionnaire). A new
    version is stored when an import changes it; answers keep pointing at their own."""

    __tablename__ = "questionnaire"
    __table_args__ = (UniqueConstraint("plan_id", "key", "version"),)

    id: int = _primary_key()
    plan_id: int = Field(foreign_key="plan.id", index=True)
    key: str = Field(max_length=40)
    version: int
    digest: str = Field(max_length=64)
    definition: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _instant()


class ScopeOverride(SQLModel, table=True):
    """The secretariat's decision on whether an agency reports on a task, over the plan's
    default (required for named agencies, optional through a broad group)."""

    __tablename__ = "scope_override"

    task_id: int = Field(foreign_key="task.id", primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", primary_key=True)
    level: str = Field(max_length=16)  # required | optional | excluded
    updated_at: datetime = _instant()


class TaskAssignment(SQLModel, table=True):
    """An agency's (or group's) role on a task: lead (chủ trì) or coordinating (phối hợp)."""

    __tablename__ = "task_assignment"

    task_id: int = Field(foreign_key="task.id", primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", primary_key=True)
    role: str = Field(max_length=16, primary_key=True)
    position: int = 0


# --- people ---------------------------------------------------------------------------------


class Person(SQLModel, table=True):
    id: int = _primary_key()
    full_name: str = Field(max_length=120)
    position: str = Field(default="", max_length=120)
    created_at: datetime = _instant()


class Identity(SQLModel, table=True):
    """A person's account on one channel; one person may have several (Telegram and Zalo)."""

    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: int = _primary_key()
    person_id: int = Field(foreign_key="person.id", index=True)
    channel: str = Field(max_length=16)
    external_id: str = Field(max_length=64)
    chat_id: str = Field(max_length=64)
    reachable: bool = True
    created_at: datetime = _instant()


class Membership(SQLModel, table=True):
    """A person's role: focal point of an agency, or secretariat."""

    id: int = _primary_key()
    person_id: int = Field(foreign_key="person.id", index=True)
    agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    role: str = Field(max_length=16)
    status: str = Field(default=MemberStatus.active, max_length=16)
    away_until: date | None = None
    created_at: datetime = _instant()
    ended_at: datetime | None = _instant(nullable=True)


class Invite(SQLModel, table=True):
    """A single-use, expiring invitation; only the SHA-256 of the code is stored."""

    id: int = _primary_key()
    code_hash: str = Field(max_length=64, unique=True)
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    role: str = Field(max_length=16)
    created_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = _instant()
    expires_at: datetime = _instant()
    used_at: datetime | None = _instant(nullable=True)
    used_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    revoked_at: datetime | None = _instant(nullable=True)  # by the secretariat, before use
    # A handover invite: when a colleague registers with it, this membership ends.
    replaces_membership_id: int | None = Field(default=None, foreign_key="membership.id")


# --- reporting ------------------------------------------------------------------------------


class ReportingPeriod(SQLModel, table=True):
    """A yearly period (key = the year) or an ad-hoc request (key = adhoc-N)."""

    __tablename__ = "reporting_period"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: int = _primary_key()
    plan_id: int = Field(foreign_key="plan.id", index=True)
    key: str = Field(max_length=32)
    kind: str = Field(max_length=16)
    title: str = Field(max_length=300)
    due_on: date
    consolidation_due_on: date | None = None
    status: str = Field(default=PeriodStatus.open, max_length=16)
    created_at: datetime = _instant()
    closed_at: datetime | None = _instant(nullable=True)
    # Which of the plan's questionnaires is asked: "periodic", or an ad-hoc request's own.
    questionnaire_key: str = Field(default="periodic", max_length=40)


class PeriodAgency(SQLModel, table=True):
    """The agencies that owe a report for a period."""

    __tablename__ = "period_agency"

    period_id: int = Field(foreign_key="reporting_period.id", primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", primary_key=True)


class Submission(SQLModel, table=True):
    """An agency's report for a period; each submit adds a SubmissionVersion."""

    __table_args__ = (UniqueConstraint("period_id", "agency_id"),)

    id: int = _primary_key()
    period_id: int = Field(foreign_key="reporting_period.id", index=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    state: str = Field(default=SubmissionState.draft, max_length=16)
    current_version: int = 0
    reference: str | None = Field(default=None, max_length=120, unique=True)
    revision: int = 0  # optimistic lock: bumped by every write
    updated_at: datetime = _instant()
    return_comment: str = _text()  # the secretariat's "cần bổ sung" note, while returned
    returned_at: datetime | None = _instant(nullable=True)


class SubmissionVersion(SQLModel, table=True):
    __tablename__ = "submission_version"
    __table_args__ = (UniqueConstraint("submission_id", "version"),)

    id: int = _primary_key()
    submission_id: int = Field(foreign_key="submission.id", index=True)
    version: int
    submitted_at: datetime = _instant()
    submitted_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    is_late: bool = False
    comment: str = _text()
    questionnaire_id: int | None = Field(default=None, foreign_key="questionnaire.id")


class ReportAnswer(SQLModel, table=True):
    """One answer of a submitted version: a question of a section (of a task, when the section
    is repeated over tasks), stored by question id against the version's questionnaire."""

    __tablename__ = "report_answer"

    id: int = _primary_key()
    version_id: int = Field(foreign_key="submission_version.id", index=True)
    section: str = Field(max_length=40)
    task_id: int | None = Field(default=None, foreign_key="task.id")
    role: str = Field(default="", max_length=16)  # lead | coordinating on a task section
    question: str = Field(max_length=40)
    value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))


class ReportDraft(SQLModel, table=True):
    """A focal point's answers in progress, saved at every step (and kept on /cancel).

    `base_version` is the agency's submitted version the draft started from: submitting checks
    it, so two colleagues editing at once cannot overwrite each other silently.
    """

    __tablename__ = "report_draft"
    __table_args__ = (UniqueConstraint("period_id", "agency_id", "person_id"),)

    id: int = _primary_key()
    period_id: int = Field(foreign_key="reporting_period.id", index=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    base_version: int = 0
    questionnaire_id: int | None = Field(default=None, foreign_key="questionnaire.id")
    created_at: datetime = _instant()
    updated_at: datetime = _instant()


# --- delivery, conversations, audit ---------------------------------------------------------


class OutboxMessage(SQLModel, table=True):
    """A message to send. The unique dedupe_key is written before any send (exactly once)."""

    __tablename__ = "outbox_message"

    id: int = _primary_key()
    dedupe_key: str = Field(max_length=200, unique=True)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=64)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    kind: str = Field(max_length=32)
    text: str = _text()
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=OutboxStatus.pending, max_length=16, index=True)
    attempts: int = 0
    next_attempt_at: datetime = _instant(index=True)
    created_at: datetime = _instant()
    sent_at: datetime | None = _instant(nullable=True)
    last_error: str = _text()


class ConversationState(SQLModel, table=True):
    """Where a chat is in a conversation flow, so that a restart resumes it."""

    __tablename__ = "conversation_state"
    __table_args__ = (UniqueConstraint("channel", "chat_id"),)

    id: int = _primary_key()
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=64)
    flow: str = Field(max_length=32)
    step: str = Field(max_length=32)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = _instant()


class InboundUpdate(SQLModel, table=True):
    """An update stored before it is handled (Zalo drops an update once it is fetched), so a
    crash between fetching and handling loses nothing and a duplicate is handled once."""

    __tablename__ = "inbound_update"
    __table_args__ = (UniqueConstraint("channel", "update_key"),)

    id: int = _primary_key()
    channel: str = Field(max_length=16)
    update_key: str = Field(max_length=200)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    received_at: datetime = _instant()
    handled_at: datetime | None = _instant(nullable=True, index=True)
    attempts: int = 0
    last_error: str = _text()


class DownloadLink(SQLModel, table=True):
    """A time-limited, unguessable link to a file the bot made or keeps (for channels without
    files). `file_path` is the file's key in the file store (storage.files.store)."""

    __tablename__ = "download_link"

    id: int = _primary_key()
    token_hash: str = Field(max_length=64, unique=True)
    file_path: str = Field(max_length=500)
    file_name: str = Field(max_length=300)
    mime_type: str = Field(default="application/octet-stream", max_length=100)
    created_at: datetime = _instant()
    expires_at: datetime = _instant()
    person_id: int | None = Field(default=None, foreign_key="person.id")
    single_use: bool = False
    used_at: datetime | None = _instant(nullable=True)
    # SHA-256 of the cookie given to the browser that opened the link first: only it may again.
    claim_hash: str | None = Field(default=None, max_length=64)
    # A link to an agency's document opens only while its person is of the secretariat or a
    # focal point of that agency.
    agency_id: int | None = Field(default=None, foreign_key="agency.id")


# --- documents ------------------------------------------------------------------------------


class StoredFile(SQLModel, table=True):
    """A file's bytes, kept once however often they are sent: content-addressed by SHA-256
    in the file store (`storage.files`)."""

    __tablename__ = "stored_file"

    id: int = _primary_key()
    sha256: str = Field(max_length=64, unique=True)
    size: int
    kind: str = Field(max_length=16)  # pdf | doc | docx | xls | xlsx | jpg | png
    content_type: str = Field(max_length=100)
    created_at: datetime = _instant()


class DocumentPurpose(StrEnum):
    attachment = "attachment"  # an answer to a `files` question
    signed = "signed"  # the signed report (a PDF sent, or made from the photos of its pages)
    page = "page"  # a photo of one page of the signed report


class Document(SQLModel, table=True):
    """A file a person sent for an agency's report: who, when, under which name."""

    id: int = _primary_key()
    file_id: int = Field(foreign_key="stored_file.id", index=True)
    file_name: str = Field(max_length=300)
    purpose: str = Field(max_length=16)
    channel: str = Field(max_length=16)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    agency_id: int = Field(foreign_key="agency.id", index=True)
    period_id: int = Field(foreign_key="reporting_period.id", index=True)
    received_at: datetime = _instant()


class VersionDocument(SQLModel, table=True):
    """The documents a submitted version holds: its signed report, with the number, date and
    signer it bears, and its attachments."""

    __tablename__ = "version_document"
    __table_args__ = (UniqueConstraint("version_id", "document_id"),)

    id: int = _primary_key()
    version_id: int = Field(foreign_key="submission_version.id", index=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    purpose: str = Field(max_length=16)  # signed | attachment
    number: str = Field(default="", max_length=60)  # "123/BC-SYT"
    signed_on: date | None = None
    signer: str = Field(default="", max_length=120)


class FileIntake(SQLModel, table=True):
    """A file being fetched and stored: written when it arrives, deleted in the transaction
    that hands its outcome to the handlers. One left by a crash is fetched again at the next
    start, or its sender is asked to send it again."""

    __tablename__ = "file_intake"
    __table_args__ = (UniqueConstraint("channel", "chat_id", "ref_hash"),)

    id: int = _primary_key()
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=64)
    ref_hash: str = Field(max_length=64)  # SHA-256 of the channel's file reference
    event: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    started_at: datetime = _instant()


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int = _primary_key()
    at: datetime = _instant(index=True)
    channel: str = Field(default="", max_length=16)
    external_id: str = Field(default="", max_length=64)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    action: str = Field(max_length=64)
    outcome: str = Field(max_length=16)  # ok | refused | error
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Heartbeat(SQLModel, table=True):
    """When a running part of the bot last showed life (the scheduler's tick, a channel's poll
    or webhook), kept in the database so `baocao status` in another process can read it."""

    id: int = _primary_key()
    name: str = Field(max_length=64, unique=True)  # scheduler | channel:telegram | channel:zalo
    mode: str = Field(default="", max_length=16)  # polling | webhook, for channels
    at: datetime = _instant()


class WebSession(SQLModel, table=True):
    """A secretariat member's sign-in to the web console (storage.web_sessions): a one-time
    link sent in the chat opens one browser session. Bound to the chat identity that asked,
    whose role is checked again on every request. Only SHA-256 hashes are stored."""

    __tablename__ = "web_session"

    id: int = _primary_key()
    link_hash: str = Field(max_length=64, unique=True)
    session_hash: str | None = Field(default=None, max_length=64, unique=True)
    channel: str = Field(max_length=16)
    external_id: str = Field(max_length=64)
    chat_id: str = Field(max_length=64)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime = _instant()
    link_expires_at: datetime = _instant()
    opened_at: datetime | None = _instant(nullable=True)
    expires_at: datetime | None = _instant(nullable=True)
    ended_at: datetime | None = _instant(nullable=True)
