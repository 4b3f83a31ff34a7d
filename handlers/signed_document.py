"""The signed report, once per report, at its end: on the review screen the focal point sends
the signed letter (a PDF, or photos of its pages) with "Số …, ngày …, người ký …" as its
caption or in one more message. A PDF whose facts are complete submits the report at once, so
the document of record costs no extra message; photos are kept page by page and made into one
PDF, in the order sent, when the report is submitted.

The draft holds it under `_signed`: {document_id, file_name, pages: [document ids], number,
signed_on, signer}. The plan's questionnaire says whether it is offered or required.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from handlers.context import Context
from handlers.events import IncomingAttachment
from handlers.report_files import attachment_name, not_kept, record
from handlers.signed_caption import SignedFacts, parse_facts
from storage.files.content import IMAGES
from storage.files.documents import SIGNED_KEY, Kept, documents_by_id, keep
from storage.files.pages import pages_to_pdf
from storage.files.store import blob_key
from storage.models import Agency, DocumentPurpose, ReportDraft, ReportingPeriod
from storage.questionnaire import Questionnaire


def offered(form: Questionnaire) -> bool:
    return form.signed_document != "none"


def signed_of(draft: ReportDraft) -> dict[str, Any] | None:
    value = draft.answers.get(SIGNED_KEY)
    return value if isinstance(value, dict) else None


def _save(draft: ReportDraft, signed: dict[str, Any] | None, ctx: Context) -> None:
    answers = {k: v for k, v in draft.answers.items() if k != SIGNED_KEY}
    if signed is not None:
        answers[SIGNED_KEY] = signed
    draft.answers = answers  # a new dict: the JSON column sees the change
    draft.updated_at = ctx.clock.now()


def facts_of(signed: dict[str, Any] | None) -> SignedFacts:
    return SignedFacts.from_json(signed) if signed else SignedFacts()


def has_document(signed: dict[str, Any] | None) -> TypeGuard[dict[str, Any]]:
    return bool(signed and (signed.get("document_id") or signed.get("pages")))


def may_submit(form: Questionnaire, draft: ReportDraft) -> bool:
    """A required letter must be there; a letter that is there needs its facts."""
    signed = signed_of(draft)
    if not offered(form):
        return True
    if not has_document(signed):
        return form.signed_document != "required"
    return not facts_of(signed).missing


def summary(ctx: Context, signed: dict[str, Any]) -> str:
    facts = facts_of(signed)
    pages = signed.get("pages") or []
    name = (
        ctx.t("signed.pages", count=len(pages))
        if pages and not signed.get("document_id")
        else str(signed.get("file_name") or "")
    )
    unknown = ctx.t("signed.unknown")
    return ctx.t(
        "signed.summary",
        number=facts.number or unknown,
        date=facts.signed_on.strftime("%d/%m/%Y") if facts.signed_on else unknown,
        signer=facts.signer or unknown,
        name=name,
    )


def receipt_line(ctx: Context, signed: dict[str, Any]) -> str:
    """The receipt names the letter by what it bears: number, date, signer."""
    facts = facts_of(signed)
    return ctx.t(
        "signed.receipt",
        number=facts.number,
        date=facts.signed_on.strftime("%d/%m/%Y") if facts.signed_on else "?",
        signer=facts.signer,
    )


def review_line(ctx: Context, form: Questionnaire, draft: ReportDraft) -> str | None:
    signed = signed_of(draft)
    if not offered(form) or not has_document(signed):
        return None
    assert signed is not None
    return ctx.t("signed.line", summary=summary(ctx, signed))


def prompt(ctx: Context, form: Questionnaire, draft: ReportDraft) -> str:
    """The review screen's last line: what to do next about the signed report."""
    if not offered(form):
        return ctx.t("report.review.question")
    signed = signed_of(draft)
    if not has_document(signed):
        return ctx.t("signed.needed" if form.signed_document == "required" else "signed.offer")
    missing = facts_of(signed).missing
    if missing:
        return facts_needed(ctx, missing)
    return ctx.t("signed.ready")


def facts_needed(ctx: Context, missing: list[str]) -> str:
    names = ", ".join(ctx.t(f"signed.fact.{name}") for name in missing)
    return ctx.t("signed.facts_needed", missing=names, today=ctx.today().strftime("%d/%m/%Y"))


@dataclass
class Taken:
    """What became of what was sent at the review step."""

    notes: list[str] = field(default_factory=list)
    submit: bool = False  # a whole letter with its facts is in: submit the report now


def take_file(
    ctx: Context,
    draft: ReportDraft,
    agency: Agency,
    period: ReportingPeriod,
    attachment: IncomingAttachment,
    caption: str | None,
) -> Taken:
    problem = not_kept(ctx, attachment)
    if problem is not None:
        return Taken([problem])
    received = attachment.received
    assert received is not None and received.kept is not None
    kept: Kept = received.kept
    if kept.kind != "pdf" and kept.kind not in IMAGES:
        return Taken([ctx.t("signed.wrong_kind", name=attachment_name(ctx, attachment))])
    signed = signed_of(draft) or {}
    read = parse_facts(caption, today=ctx.today()) if caption else SignedFacts()
    if kept.kind in IMAGES:
        document = record(
            ctx,
            attachment,
            kept,
            purpose=DocumentPurpose.page,
            agency_id=agency.id,
            period_id=period.id,
        )
        # A photo after a PDF (or a first photo) starts the letter anew, page by page.
        pages = [] if signed.get("document_id") else list(signed.get("pages") or [])
        facts = (facts_of(signed) if pages else SignedFacts()).merged(read)
        pages.append(document.id)
        _save(draft, {"document_id": None, "file_name": "", "pages": pages, **facts.as_json()}, ctx)
        notes = [ctx.t("signed.page_kept", count=len(pages), name=document.file_name)]
        return Taken(notes + _date_note(ctx, read))
    document = record(
        ctx,
        attachment,
        kept,
        purpose=DocumentPurpose.signed,
        agency_id=agency.id,
        period_id=period.id,
    )
    fresh = {"document_id": document.id, "file_name": document.file_name, "pages": []}
    _save(draft, {**fresh, **read.as_json()}, ctx)
    notes = _date_note(ctx, read)
    if read.missing:
        notes = [ctx.t("signed.kept", name=document.file_name), *notes]
    return Taken(notes, submit=not read.missing)


def take_facts(ctx: Context, draft: ReportDraft, text: str) -> Taken | None:
    """Number, date and signer typed for a letter already sent; None when no letter waits
    for them (the text is then not about it)."""
    signed = signed_of(draft)
    if not has_document(signed) or not facts_of(signed).missing:
        return None
    assert signed is not None
    read = parse_facts(text, today=ctx.today())
    facts = facts_of(signed).merged(read)
    _save(draft, {**signed, **facts.as_json()}, ctx)
    whole = not facts.missing and bool(signed.get("document_id"))
    return Taken(_date_note(ctx, read), submit=whole)


def _date_note(ctx: Context, read: SignedFacts) -> list[str]:
    return [ctx.t("signed.bad_date", date=read.bad_date)] if read.bad_date else []


def finish_pages(ctx: Context, draft: ReportDraft, agency: Agency, period: ReportingPeriod) -> None:
    """Photos of the pages become one PDF, in the order they were sent, kept like any file.
    Raises StoreError when the store cannot be read or written (nothing is submitted then)."""
    signed = signed_of(draft)
    if not signed or signed.get("document_id") or not signed.get("pages"):
        return
    store = ctx.config.store
    pages = documents_by_id(ctx.session, [int(i) for i in signed["pages"]])
    pdf = pages_to_pdf([store.get(page.key) for page in pages])
    digest = hashlib.sha256(pdf).hexdigest()
    if not store.exists(blob_key(digest)):
        store.put(blob_key(digest), pdf)
    document = keep(
        ctx.session,
        kept=Kept(digest, len(pdf), "pdf"),
        file_name=ctx.t("signed.combined"),
        purpose=DocumentPurpose.signed,
        channel=ctx.event.channel,
        person_id=ctx.actor.person_id,
        agency_id=agency.id,
        period_id=period.id,
        clock=ctx.clock,
    )
    _save(draft, {**signed, "document_id": document.id, "file_name": document.file_name}, ctx)
