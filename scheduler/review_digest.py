"""The secretariat's daily digest of new and changed reports (BAOCAO_REVIEW_NOTIFY=digest)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from storage import reminders as store
from storage.i18n import Language, translate
from storage.models import Agency, ReportingPeriod, SubmissionVersion
from storage.reports import versions_submitted_between

KIND = "review_digest"


def digest_text(
    rows: list[tuple[SubmissionVersion, Agency, ReportingPeriod]],
    zone: ZoneInfo,
    language: Language = "vi",
) -> str:
    lines = [translate("review_digest.title", language, count=len(rows))]
    for version, agency, period in rows:
        when = version.submitted_at.astimezone(zone).strftime("%H:%M %d/%m")
        kind = (
            translate("review_digest.new", language)
            if version.version == 1
            else translate("review_digest.edited", language, version=version.version)
        )
        late = translate("review_digest.late", language) if version.is_late else ""
        lines.append(
            translate(
                "review_digest.line",
                language,
                agency=agency.name,
                period=period.title,
                kind=kind + late,
                when=when,
                code=agency.code,
            )
        )
    return "\n".join(lines)


def plan_review_digest(
    session: Session,
    *,
    now: datetime,
    zone: ZoneInfo,
    admins: Iterable[tuple[str, str]] = (),
    language: Language = "vi",
) -> list[str]:
    """Queue today's digest (once per day and recipient) if any report came in the last day."""
    rows = versions_submitted_between(session, start=now - timedelta(days=1), end=now)
    if not rows:
        return []
    day = now.astimezone(zone).date().isoformat()
    text = digest_text(rows, zone, language)
    messages = [
        store.NewMessage(
            dedupe_key=f"review-digest:{day}:{r.channel}:{r.chat_id}",
            channel=r.channel,
            chat_id=r.chat_id,
            kind=KIND,
            text=text,
            payload={"options": []},
            person_id=r.person_id,
        )
        for r in store.secretariat_recipients(session, admins=admins)
    ]
    return store.enqueue_many(session, messages, now=now)
