"""A submitted version's documents as replies with files, for the secretariat's /view: sent as
documents on Telegram, as personal download links on Zalo and the console. Each one is checked
against the reader (`storage.files.documents.may_read`): a focal point never gets a file of
another agency, whatever command asks."""

from __future__ import annotations

from handlers.context import Context
from handlers.events import OutgoingFile, Reply
from handlers.signed_document import summary
from storage.files.documents import DocumentFile, may_read, signed_file_name, version_documents
from storage.files.store import StoreError
from storage.models import Agency, DocumentPurpose


def shown_name(agency: Agency, file: DocumentFile) -> str:
    if file.purpose == DocumentPurpose.signed:
        return signed_file_name(agency.code, file.number)
    return file.file_name


def caption(ctx: Context, agency: Agency, file: DocumentFile) -> str:
    if file.purpose == DocumentPurpose.signed:
        facts = {
            "document_id": file.id,
            "file_name": file.file_name,
            "number": file.number,
            "signed_on": file.signed_on.isoformat() if file.signed_on else None,
            "signer": file.signer,
        }
        return ctx.t("view.signed", agency=agency.name, summary=summary(ctx, facts))
    return ctx.t("view.attachment", agency=agency.name, name=file.file_name)


def document_replies(ctx: Context, agency: Agency, *, version_id: int) -> list[Reply]:
    replies = []
    for file in version_documents(ctx.session, version_id=version_id):
        if not may_read(
            ctx.session,
            person_id=ctx.actor.person_id,
            agency_id=file.agency_id,
            is_admin=ctx.actor.is_admin,
        ):
            ctx.audit("document:read", "refused", document_id=file.id)
            continue
        name = shown_name(agency, file)
        try:
            data = ctx.config.store.get(file.key)
        except StoreError:
            replies.append(Reply(ctx.t("view.file_missing", name=name)))
            continue
        outgoing = OutgoingFile(
            name, data, file.content_type, stored_key=file.key, agency_id=file.agency_id
        )
        replies.append(Reply(caption(ctx, agency, file), file=outgoing))
    return replies
