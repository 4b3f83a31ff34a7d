"""The plan's questionnaires in the database: stored as versions, loaded as `Questionnaire`.

An import stores a new version only when a questionnaire's content changed, so answers keep
pointing at the exact form they were given with, and editing the plan while a period is open
never breaks them. A plan without questionnaires gets the bundled plan's.
"""

from __future__ import annotations

from functools import cache

from sqlmodel import Session, col, select

from storage.clock import Clock
from storage.models import Plan, QuestionnaireVersion
from storage.questionnaire import Questionnaire

PERIODIC = "periodic"
ADHOC = "adhoc"


@cache
def bundled_forms() -> dict[str, Questionnaire]:
    from storage.plan_document import BUNDLED_PLAN, parse_yaml

    return {form.key: form for form in parse_yaml(BUNDLED_PLAN).questionnaires}


# Parsed forms by content digest: a version is parsed once per process, whichever row holds it.
_PARSED: dict[str, Questionnaire] = {}


def as_form(row: QuestionnaireVersion) -> Questionnaire:
    form = _PARSED.get(row.digest)
    if form is None:
        form = _PARSED[row.digest] = Questionnaire.model_validate(row.definition)
    return form


def latest_version(session: Session, *, plan_id: int, key: str) -> QuestionnaireVersion | None:
    return session.exec(
        select(QuestionnaireVersion)
        .where(QuestionnaireVersion.plan_id == plan_id, QuestionnaireVersion.key == key)
        .order_by(col(QuestionnaireVersion.version).desc())
    ).first()


def store_form(
    session: Session, *, plan_id: int, form: Questionnaire, clock: Clock, key: str | None = None
) -> tuple[QuestionnaireVersion, bool]:
    """Store the form as the next version of its key unless the latest is the same."""
    key = key or form.key
    digest = form.digest()
    latest = latest_version(session, plan_id=plan_id, key=key)
    if latest is not None and latest.digest == digest:
        return latest, False
    row = QuestionnaireVersion(
        plan_id=plan_id,
        key=key,
        version=(latest.version + 1) if latest else 1,
        digest=digest,
        definition=form.model_dump(mode="json"),
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    return row, True


def ensure_forms(session: Session, *, plan: Plan, clock: Clock) -> None:
    """A plan always has a periodic and an ad-hoc questionnaire (the bundled ones by default)."""
    assert plan.id is not None
    for key, form in bundled_forms().items():
        if latest_version(session, plan_id=plan.id, key=key) is None:
            store_form(session, plan_id=plan.id, form=form, clock=clock)


def current_form(
    session: Session, *, plan_id: int, key: str
) -> tuple[QuestionnaireVersion, Questionnaire]:
    row = latest_version(session, plan_id=plan_id, key=key)
    if row is None:  # an ad-hoc request without its own form falls back to the generic one
        row = latest_version(session, plan_id=plan_id, key=ADHOC if key != PERIODIC else PERIODIC)
    if row is None:
        raise LookupError(f"plan {plan_id} has no questionnaire {key!r}")
    return row, as_form(row)


def form_by_id(session: Session, form_id: int) -> Questionnaire | None:
    row = session.get(QuestionnaireVersion, form_id)
    return as_form(row) if row is not None else None
