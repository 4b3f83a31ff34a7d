"""The documents of reports: kept when they arrive (`keep`), held by each submitted version
(`attach_to_version`), read back for /view, the table and the bundle. Who may read one is
decided here too (`may_read`): the secretariat, or a focal point of the document's agency."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.clock import Clock
from storage.files.content import KINDS, Kind
from storage.files.store import blob_key
from storage.models import (
    Document,
    DocumentPurpose,
    MemberRole,
    Membership,
    MemberStatus,
    StoredFile,
    Submission,
    SubmissionVersion,
    VersionDocument,
)

SIGNED_KEY = "_signed"  # the draft's signed report: {document_id, pages, number, signed_on, signer}


@dataclass(frozen=True)
class Kept:
    """What the file store holds for an arrival, as the intake reports it."""

    sha256: str
    size: int
    kind: str

    @property
    def info(self) -> Kind:
        return KINDS[self.kind]


def stored_file(session: Session, *, kept: Kept, clock: Clock) -> StoredFile:
    """The row of these bytes: made the first time they are seen, found every other time."""
    found = session.exec(select(StoredFile).where(StoredFile.sha256 == kept.sha256)).first()
    if found is not None:
        return found
    row = StoredFile(
        sha256=kept.sha256,
        size=kept.size,
        kind=kept.kind,
        content_type=kept.info.content_type,
        created_at=clock.now(),
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # another process kept the same bytes at the same moment
        row = session.exec(select(StoredFile).where(StoredFile.sha256 == kept.sha256)).one()
    return row


def keep(
    session: Session,
    *,
    kept: Kept,
    file_name: str,
    purpose: DocumentPurpose,
    channel: str,
    person_id: int | None,
    agency_id: int,
    period_id: int,
    clock: Clock,
) -> Document:
    file = stored_file(session, kept=kept, clock=clock)
    document = Document(
        file_id=file.id,
        file_name=file_name[:300],
        purpose=purpose,
        channel=channel,
        person_id=person_id,
        agency_id=agency_id,
        period_id=period_id,
        received_at=clock.now(),
    )
    session.add(document)
    session.flush()
    return document


def answer_entry(document: Document, kept: Kept) -> dict[str, Any]:
    """How a `files` answer lists a document (in the draft and in the stored answers)."""
    return {
        "document_id": document.id,
        "file_name": document.file_name,
        "sha256": kept.sha256,
        "size": kept.size,
        "kind": kept.kind,
    }


@dataclass(frozen=True)
class DocumentFile:
    """A document with what is needed to serve it."""

    id: int
    agency_id: int
    period_id: int
    file_name: str
    purpose: str
    sha256: str
    size: int
    kind: str
    content_type: str
    received_at: datetime
    number: str = ""
    signed_on: date | None = None
    signer: str = ""

    @property
    def key(self) -> str:
        return blob_key(self.sha256)


def _rows(session: Session, ids: list[int]) -> dict[int, DocumentFile]:
    if not ids:
        return {}
    rows = session.exec(
        select(Document, StoredFile)
        .join(StoredFile, col(StoredFile.id) == col(Document.file_id))
        .where(col(Document.id).in_(ids))
    ).all()
    return {
        document.id: DocumentFile(
            id=document.id,
            agency_id=document.agency_id,
            period_id=document.period_id,
            file_name=document.file_name,
            purpose=document.purpose,
            sha256=file.sha256,
            size=file.size,
            kind=file.kind,
            content_type=file.content_type,
            received_at=document.received_at,
        )
        for document, file in rows
    }


def documents_by_id(session: Session, ids: list[int]) -> list[DocumentFile]:
    found = _rows(session, ids)
    return [found[i] for i in ids if i in found]


# --- versions ---------------------------------------------------------------------------------


def files_in(answers: dict[str, Any], files_questions: set[tuple[str, str]]) -> list[int]:
    """The document ids that `files` answers list, in the order of the answers."""
    ids: list[int] = []
    for key, values in answers.items():
        section = key.partition(":")[0]
        for question, value in (values or {}).items() if isinstance(values, dict) else ():
            if (section, question) in files_questions and isinstance(value, list):
                ids += [
                    int(f["document_id"])
                    for f in value
                    if isinstance(f, dict) and f.get("document_id")
                ]
    return ids


def attach_to_version(
    session: Session, *, version_id: int, signed: dict[str, Any] | None, attachments: list[int]
) -> None:
    """What a submitted version holds: its signed report and its attachments."""
    rows: dict[int, VersionDocument] = {}
    if signed and signed.get("document_id"):
        day = signed.get("signed_on")
        rows[int(signed["document_id"])] = VersionDocument(
            version_id=version_id,
            document_id=int(signed["document_id"]),
            purpose=DocumentPurpose.signed,
            number=str(signed.get("number") or "")[:60],
            signed_on=date.fromisoformat(day) if day else None,
            signer=str(signed.get("signer") or "")[:120],
        )
    for document_id in attachments:
        rows.setdefault(
            document_id,
            VersionDocument(
                version_id=version_id, document_id=document_id, purpose=DocumentPurpose.attachment
            ),
        )
    session.add_all(rows.values())


def _held(link: VersionDocument, document: Document, file: StoredFile) -> DocumentFile:
    return DocumentFile(
        id=document.id,
        agency_id=document.agency_id,
        period_id=document.period_id,
        file_name=document.file_name,
        purpose=link.purpose,
        sha256=file.sha256,
        size=file.size,
        kind=file.kind,
        content_type=file.content_type,
        received_at=document.received_at,
        number=link.number,
        signed_on=link.signed_on,
        signer=link.signer,
    )


def _held_query() -> Any:
    """Version documents with their document and stored file: the signed report first."""
    return (
        select(VersionDocument, Document, StoredFile)
        .join(Document, col(Document.id) == col(VersionDocument.document_id))
        .join(StoredFile, col(StoredFile.id) == col(Document.file_id))
        .order_by(col(VersionDocument.purpose).desc(), col(VersionDocument.id))
    )


def version_documents(session: Session, *, version_id: int) -> list[DocumentFile]:
    """A version's documents: the signed report first, then the attachments as listed."""
    rows = session.exec(_held_query().where(VersionDocument.version_id == version_id)).all()
    return [_held(*row) for row in rows]


def signed_for_draft(session: Session, *, version_id: int) -> dict[str, Any] | None:
    """A version's signed report, as a draft that edits the version starts with it."""
    for file in version_documents(session, version_id=version_id):
        if file.purpose == DocumentPurpose.signed:
            return {
                "document_id": file.id,
                "file_name": file.file_name,
                "pages": [],
                "number": file.number,
                "signed_on": file.signed_on.isoformat() if file.signed_on else None,
                "signer": file.signer,
            }
    return None


def period_documents(session: Session, *, period_id: int) -> dict[int, list[DocumentFile]]:
    """Each agency's documents in its current version of a period, by agency id (one query:
    the table of a large period asks for all of them at once)."""
    rows = session.exec(
        _held_query()
        .add_columns(Submission.agency_id)
        .join(SubmissionVersion, col(SubmissionVersion.id) == col(VersionDocument.version_id))
        .join(Submission, col(Submission.id) == col(SubmissionVersion.submission_id))
        .where(
            Submission.period_id == period_id,
            col(SubmissionVersion.version) == col(Submission.current_version),
        )
    ).all()
    found: dict[int, list[DocumentFile]] = {}
    for link, document, file, agency_id in rows:
        found.setdefault(agency_id, []).append(_held(link, document, file))
    return found


def signed_file_name(agency_code: str, number: str) -> str:
    """`<agency-code>_<number>.pdf`, the number's slashes made dashes: so-yte_123-BC-SYT.pdf."""
    tail = re.sub(r"[^\w\-]+", "-", number.strip()).strip("-") if number else ""
    return f"{agency_code}_{tail or 'van-ban'}.pdf"


# --- who may read -----------------------------------------------------------------------------


def may_read(
    session: Session, *, person_id: int | None, agency_id: int, is_admin: bool = False
) -> bool:
    """The secretariat reads every agency's documents; a focal point only its own agency's."""
    if is_admin:
        return True
    if person_id is None:
        return False
    roles = session.exec(
        select(Membership.role, Membership.agency_id).where(
            Membership.person_id == person_id, Membership.status == MemberStatus.active
        )
    ).all()
    return any(
        role == MemberRole.secretariat or (role == MemberRole.focal and agency == agency_id)
        for role, agency in roles
    )


def submission_documents(
    session: Session, *, submission_id: int, version: int
) -> list[DocumentFile]:
    """The documents of one version of a submission (the web console's agency page)."""
    version_id = session.exec(
        select(SubmissionVersion.id).where(
            SubmissionVersion.submission_id == submission_id, SubmissionVersion.version == version
        )
    ).first()
    return [] if version_id is None else version_documents(session, version_id=version_id)


def document_file(session: Session, *, document_id: int) -> DocumentFile | None:
    """A kept document that some report version holds, or None."""
    found = session.exec(_held_query().where(VersionDocument.document_id == document_id)).first()
    return None if found is None else _held(*found)
