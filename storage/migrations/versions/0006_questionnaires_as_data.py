"""questionnaires as data: answers per question id, scope overrides, obliged and broad agencies

Reports made by the fixed questionnaire (one `task_report` row per task, with its attachments)
become `report_answer` rows under a stored "legacy" questionnaire that describes exactly that
form, so nothing is lost and old reports stay readable. Downgrade maps the answers whose ids
the old columns know back onto `task_report` and `attachment`.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 16:00:00
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEGACY_KEY = "legacy"
TASK_FIELDS = ("status", "percent", "results", "difficulties", "proposals", "na_reason")
# Plan 452's collectives and requested bodies (the bundled plan marks them the same way).
BROAD_GROUPS = ("cac-so-nganh-dia-phuong", "cac-co-quan-lien-quan", "cac-so-ban-nganh-lien-quan")
NOT_OBLIGED = ("cac-hoi-hiep-hoi", "ubmttq-tinh", "doan-the-ctxh-tinh")


def _label(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


def _text_question(qid: str, vi: str, en: str, limit: int, required: bool) -> dict:
    return {
        "id": qid,
        "type": "long_text",
        "label": _label(vi, en),
        "max_length": limit,
        "required": required,
    }


# The questionnaire every report was made with before this revision, as data.
LEGACY_FORM = {
    "key": LEGACY_KEY,
    "title": _label("Báo cáo theo mẫu cũ", "Report (former form)"),
    "choices": {
        "task_status": [
            {"value": "not_started", "label": _label("Chưa triển khai", "Not started")},
            {"value": "in_progress", "label": _label("Đang triển khai", "In progress")},
            {"value": "completed", "label": _label("Đã hoàn thành", "Completed")},
            {"value": "not_applicable", "label": _label("Không áp dụng", "Not applicable")},
        ]
    },
    "sections": [
        {
            "id": "task",
            "kind": "task",
            "roles": ["lead", "coordinating"],
            "questions": [
                {
                    "id": "status",
                    "type": "single",
                    "choices": "task_status",
                    "label": _label("Tình hình thực hiện", "Progress"),
                },
                {
                    "id": "percent",
                    "type": "percent",
                    "label": _label("Tỷ lệ hoàn thành", "Percent completed"),
                    "show_if": "${status} = 'in_progress'",
                },
                _text_question("na_reason", "Lý do không áp dụng", "Why not applicable", 500, True)
                | {"show_if": "${status} = 'not_applicable'"},
                _text_question("results", "Kết quả", "Results", 2000, False),
                _text_question("difficulties", "Khó khăn", "Difficulties", 1000, False),
                _text_question("proposals", "Đề xuất", "Proposals", 1000, False),
                {
                    "id": "attachments",
                    "type": "files",
                    "required": False,
                    "label": _label("Tệp đính kèm", "Attachments"),
                },
            ],
        },
        {
            "id": "general",
            "kind": "agency",
            "label": _label("Phần chung", "General"),
            "questions": [
                _text_question("results", "Kết quả chung", "Overall results", 2000, False),
                _text_question("difficulties", "Khó khăn", "Difficulties", 1000, False),
                _text_question("proposals", "Đề xuất", "Proposals", 1000, False),
                {
                    "id": "attachments",
                    "type": "files",
                    "required": False,
                    "label": _label("Tệp đính kèm", "Attachments"),
                },
            ],
        },
    ],
}

answer_table = sa.table(
    "report_answer",
    sa.column("id", sa.Integer),
    sa.column("version_id", sa.Integer),
    sa.column("section", sa.String),
    sa.column("task_id", sa.Integer),
    sa.column("role", sa.String),
    sa.column("question", sa.String),
    sa.column("value", sa.JSON),
)
questionnaire_table = sa.table(
    "questionnaire",
    sa.column("id", sa.Integer),
    sa.column("plan_id", sa.Integer),
    sa.column("key", sa.String),
    sa.column("version", sa.Integer),
    sa.column("digest", sa.String),
    sa.column("definition", sa.JSON),
    sa.column("created_at", storage.types.UTCDateTime),
)
draft_table = sa.table(
    "report_draft",
    sa.column("id", sa.Integer),
    sa.column("answers", sa.JSON),
    sa.column("questionnaire_id", sa.Integer),
)
task_report_table = sa.table(
    "task_report",
    sa.column("id", sa.Integer),
    sa.column("version_id", sa.Integer),
    sa.column("task_id", sa.Integer),
    sa.column("role", sa.String),
    sa.column("status", sa.String),
    sa.column("percent", sa.Integer),
    sa.column("results", sa.Text),
    sa.column("difficulties", sa.Text),
    sa.column("proposals", sa.Text),
    sa.column("not_applicable_reason", sa.Text),
)
attachment_table = sa.table(
    "attachment",
    sa.column("id", sa.Integer),
    sa.column("task_report_id", sa.Integer),
    sa.column("channel", sa.String),
    sa.column("file_ref", sa.Text),
    sa.column("file_name", sa.String),
    sa.column("mime_type", sa.String),
    sa.column("size", sa.Integer),
)


def _create_new_tables() -> None:
    op.create_table(
        "questionnaire",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plan.id"], name=op.f("fk_questionnaire_plan_id_plan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire")),
        sa.UniqueConstraint(
            "plan_id", "key", "version", name=op.f("uq_questionnaire_plan_id_key_version")
        ),
    )
    with op.batch_alter_table("questionnaire", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_questionnaire_plan_id"), ["plan_id"], unique=False)
    op.create_table(
        "scope_override",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("level", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_scope_override_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_scope_override_task_id_task")
        ),
        sa.PrimaryKeyConstraint("task_id", "agency_id", name=op.f("pk_scope_override")),
    )
    op.create_table(
        "report_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("section", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("question", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["task_id"], ["task.id"], name=op.f("fk_report_answer_task_id_task")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["submission_version.id"],
            name=op.f("fk_report_answer_version_id_submission_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_answer")),
    )
    with op.batch_alter_table("report_answer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_answer_version_id"), ["version_id"], unique=False
        )


def _add_columns() -> None:
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("obliged", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(
            sa.Column("broad", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("reporting_period", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "questionnaire_key",
                sqlmodel.sql.sqltypes.AutoString(length=40),
                nullable=False,
                server_default="periodic",
            )
        )
    for table in ("submission_version", "report_draft"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("questionnaire_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_questionnaire_id_questionnaire"),
                "questionnaire",
                ["questionnaire_id"],
                ["id"],
            )


def _legacy_forms(bind: sa.Connection) -> dict[int, int]:
    """Store the legacy questionnaire for every plan; plan id -> its id."""
    canonical = json.dumps(LEGACY_FORM, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    out = {}
    now = datetime.now(UTC)
    for (plan_id,) in bind.execute(sa.text("SELECT id FROM plan ORDER BY id")):
        inserted = bind.execute(
            questionnaire_table.insert()
            .values(
                plan_id=plan_id,
                key=LEGACY_KEY,
                version=1,
                digest=digest,
                definition=LEGACY_FORM,
                created_at=now,
            )
            .returning(questionnaire_table.c.id)
        )
        out[plan_id] = inserted.scalar_one()
    return out


def _copy_reports_to_answers(bind: sa.Connection) -> None:
    files: dict[int, list[dict]] = {}
    for row in bind.execute(sa.select(attachment_table).order_by(attachment_table.c.id)).mappings():
        files.setdefault(row["task_report_id"], []).append(
            {
                "channel": row["channel"],
                "file_ref": row["file_ref"],
                "file_name": row["file_name"],
                "mime_type": row["mime_type"],
                "size": row["size"],
            }
        )
    rows = []
    reports = bind.execute(sa.select(task_report_table).order_by(task_report_table.c.id))
    for report in reports.mappings():
        section = "task" if report["task_id"] is not None else "general"
        values = {field: report[field] for field in TASK_FIELDS if field != "na_reason"}
        values["na_reason"] = report["not_applicable_reason"]
        values["attachments"] = files.get(report["id"], [])
        for question, value in values.items():
            if value in (None, "", []) or (
                section == "general" and question in {"status", "percent", "na_reason"}
            ):
                continue
            rows.append(
                {
                    "version_id": report["version_id"],
                    "section": section,
                    "task_id": report["task_id"],
                    "role": report["role"] or "",
                    "question": question,
                    "value": value,
                }
            )
    if rows:
        bind.execute(answer_table.insert(), rows)


def _point_versions_and_drafts_at(bind: sa.Connection, forms: dict[int, int]) -> None:
    for plan_id, form_id in forms.items():
        bind.execute(
            sa.text(
                "UPDATE submission_version SET questionnaire_id = :form WHERE submission_id IN "
                "(SELECT s.id FROM submission s JOIN reporting_period p ON p.id = s.period_id"
                " WHERE p.plan_id = :plan)"
            ),
            {"form": form_id, "plan": plan_id},
        )
    drafts = bind.execute(
        sa.text(
            "SELECT d.id, d.answers, p.plan_id FROM report_draft d"
            " JOIN reporting_period p ON p.id = d.period_id"
        )
    ).all()
    for draft_id, answers, plan_id in drafts:
        answers = json.loads(answers) if isinstance(answers, str) else dict(answers or {})
        converted = {}
        for key, value in answers.items():
            if key.startswith("t") and key[1:].isdigit():
                converted[f"task:{key[1:]}"] = value
            elif key == "general":
                converted["general"] = value
        bind.execute(
            draft_table.update()
            .where(draft_table.c.id == draft_id)
            .values(answers=converted, questionnaire_id=forms.get(plan_id))
        )


def upgrade() -> None:
    bind = op.get_bind()
    _create_new_tables()
    _add_columns()
    bind.execute(
        sa.text("UPDATE agency SET broad = :yes WHERE code IN :codes").bindparams(
            sa.bindparam("codes", expanding=True)
        ),
        {"yes": True, "codes": list(BROAD_GROUPS)},
    )
    bind.execute(
        sa.text("UPDATE agency SET obliged = :no WHERE code IN :codes").bindparams(
            sa.bindparam("codes", expanding=True)
        ),
        {"no": False, "codes": list(NOT_OBLIGED)},
    )
    forms = _legacy_forms(bind)
    _copy_reports_to_answers(bind)
    _point_versions_and_drafts_at(bind, forms)
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_task_report_id"))
    op.drop_table("attachment")
    with op.batch_alter_table("task_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_task_report_version_id"))
    op.drop_table("task_report")


def _recreate_old_tables() -> None:
    op.create_table(
        "task_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=True),
        sa.Column("results", sa.Text(), nullable=False),
        sa.Column("difficulties", sa.Text(), nullable=False),
        sa.Column("proposals", sa.Text(), nullable=False),
        sa.Column("not_applicable_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"], name=op.f("fk_task_report_task_id_task")),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["submission_version.id"],
            name=op.f("fk_task_report_version_id_submission_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_report")),
    )
    with op.batch_alter_table("task_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_task_report_version_id"), ["version_id"], unique=False)
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_report_id", sa.Integer(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("file_ref", sa.Text(), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("mime_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_report_id"],
            ["task_report.id"],
            name=op.f("fk_attachment_task_report_id_task_report"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attachment_task_report_id"), ["task_report_id"], unique=False
        )


def _text_of(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _copy_answers_to_reports(bind: sa.Connection) -> None:
    """Each (version, section instance) becomes a task_report row; answers to questions the old
    columns have no place for are dropped (the downgrade is lossy only for new questions)."""
    groups: dict[tuple[int, str, int | None], dict] = {}
    for row in bind.execute(sa.select(answer_table).order_by(answer_table.c.id)).mappings():
        key = (row["version_id"], row["section"], row["task_id"])
        entry = groups.setdefault(key, {"role": row["role"], "values": {}})
        entry["values"][row["question"]] = row["value"]
    for (version_id, section, task_id), entry in groups.items():
        if task_id is None and section not in {"general", "agency"}:
            continue
        values = entry["values"]
        percent = values.get("percent")
        report_id = bind.execute(
            task_report_table.insert()
            .values(
                version_id=version_id,
                task_id=task_id,
                role=entry["role"] or "",
                status=_text_of(values.get("status")) if task_id is not None else "",
                percent=int(percent) if isinstance(percent, int | float) else None,
                results=_text_of(values.get("results")),
                difficulties=_text_of(values.get("difficulties")),
                proposals=_text_of(values.get("proposals")),
                not_applicable_reason=_text_of(values.get("na_reason")),
            )
            .returning(task_report_table.c.id)
        ).scalar_one()
        for question in ("attachments", "documents"):
            for item in values.get(question) or []:
                if isinstance(item, dict) and item.get("file_ref"):
                    bind.execute(
                        attachment_table.insert().values(
                            task_report_id=report_id,
                            channel=item.get("channel", ""),
                            file_ref=item["file_ref"],
                            file_name=item.get("file_name", ""),
                            mime_type=item.get("mime_type", ""),
                            size=item.get("size", 0),
                        )
                    )
    drafts = bind.execute(sa.text("SELECT id, answers FROM report_draft")).all()
    for draft_id, answers in drafts:
        answers = json.loads(answers) if isinstance(answers, str) else dict(answers or {})
        converted = {}
        for key, value in answers.items():
            _, _, task = key.partition(":")
            if task.isdigit():
                converted[f"t{task}"] = value
            elif key in {"general", "agency"}:
                converted["general"] = value
        bind.execute(
            draft_table.update().where(draft_table.c.id == draft_id).values(answers=converted)
        )


def downgrade() -> None:
    bind = op.get_bind()
    _recreate_old_tables()
    _copy_answers_to_reports(bind)
    for table in ("report_draft", "submission_version"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_questionnaire_id_questionnaire"), type_="foreignkey"
            )
            batch_op.drop_column("questionnaire_id")
    with op.batch_alter_table("reporting_period", schema=None) as batch_op:
        batch_op.drop_column("questionnaire_key")
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.drop_column("broad")
        batch_op.drop_column("obliged")
    with op.batch_alter_table("report_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_answer_version_id"))
    op.drop_table("report_answer")
    op.drop_table("scope_override")
    with op.batch_alter_table("questionnaire", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questionnaire_plan_id"))
    op.drop_table("questionnaire")
