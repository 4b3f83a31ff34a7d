"""documents kept by the bot: stored files by SHA-256, each report's documents (the signed
report with its number, date and signer; attachments), the journal of files being fetched, and
download links that name a file store key and the agency whose document they open

Links made before this revision named an absolute path under the files folder; they now name
the same file by its key in the folder store (`<folder>/<name>`). A downgrade drops the links
that name a stored document (the older code cannot serve them; links expire within hours).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 09:00:00
"""

from collections.abc import Sequence
from pathlib import PurePath

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

links = sa.table(
    "download_link", sa.column("id", sa.Integer()), sa.column("file_path", sa.String())
)


def upgrade() -> None:
    op.create_table(
        "stored_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_file")),
        sa.UniqueConstraint("sha256", name=op.f("uq_stored_file_sha256")),
    )
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("received_at", storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_document_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["stored_file.id"], name=op.f("fk_document_file_id_stored_file")
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["reporting_period.id"],
            name=op.f("fk_document_period_id_reporting_period"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_document_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
    )
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_file_id"), ["file_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_period_id"), ["period_id"], unique=False)
    op.create_table(
        "version_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("signer", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_version_document_document_id_document")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["submission_version.id"],
            name=op.f("fk_version_document_version_id_submission_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_version_document")),
        sa.UniqueConstraint(
            "version_id", "document_id", name=op.f("uq_version_document_version_id_document_id")
        ),
    )
    with op.batch_alter_table("version_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_version_document_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_version_document_version_id"), ["version_id"], unique=False
        )
    op.create_table(
        "file_intake",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("chat_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("ref_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("event", sa.JSON(), nullable=False),
        sa.Column("started_at", storage.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_file_intake")),
        sa.UniqueConstraint(
            "channel", "chat_id", "ref_hash", name=op.f("uq_file_intake_channel_chat_id_ref_hash")
        ),
    )
    with op.batch_alter_table("download_link", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agency_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_download_link_agency_id_agency"), "agency", ["agency_id"], ["id"]
        )
    bind = op.get_bind()
    for link_id, path in bind.execute(sa.select(links.c.id, links.c.file_path)).all():
        parts = PurePath(path).parts
        if PurePath(path).is_absolute() and len(parts) >= 2:
            key = "/".join(parts[-2:])  # <random folder>/<name> below the files folder
            bind.execute(links.update().where(links.c.id == link_id).values(file_path=key))


def downgrade() -> None:
    op.execute(links.delete().where(links.c.file_path.like("sha256/%")))
    with op.batch_alter_table("download_link", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_download_link_agency_id_agency"), type_="foreignkey"
        )
        batch_op.drop_column("agency_id")
    op.drop_table("file_intake")
    with op.batch_alter_table("version_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_version_document_version_id"))
        batch_op.drop_index(batch_op.f("ix_version_document_document_id"))
    op.drop_table("version_document")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_period_id"))
        batch_op.drop_index(batch_op.f("ix_document_file_id"))
        batch_op.drop_index(batch_op.f("ix_document_agency_id"))
    op.drop_table("document")
    op.drop_table("stored_file")
