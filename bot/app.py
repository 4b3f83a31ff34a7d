"""The composition root: builds every part once from the settings and wires them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from bot.settings import Settings
from handlers.context import HandlerConfig
from handlers.dispatcher import Dispatcher
from handlers.setup import build_registry
from scheduler.calendar import WorkCalendar
from scheduler.planner import ReminderPlanner
from scheduler.policy import ReminderPolicy
from storage.bootstrap import BootReport, prepare_database
from storage.clock import Clock, SystemClock
from storage.db import SessionFactory, create_db_engine, session_factory
from storage.exports.report_options import ReportOptions
from storage.files.location import S3Access, files_folder, open_store
from storage.files.store import FileStore


@dataclass
class App:
    settings: Settings
    clock: Clock
    engine: Engine
    make_session: SessionFactory
    dispatcher: Dispatcher
    reminders: ReminderPlanner  # the one reminder service: the scheduler and /remind ask it
    files: FileStore  # where documents are kept (BAOCAO_FILE_STORE)
    boot: BootReport | None = field(default=None)
    # Routes every web listener of this process serves besides its own (`/healthz`).
    web_routes: list[Any] = field(default_factory=list)

    @classmethod
    def build(cls, settings: Settings, *, clock: Clock | None = None) -> App:
        clock = clock or SystemClock()
        engine = create_db_engine(settings.database_url)
        make_session = session_factory(engine)
        reminders = planner_from_settings(settings)
        files = file_store(settings)
        config = HandlerConfig(
            reminders=reminders,
            language=settings.language,
            zone=settings.zone,
            admins=frozenset((i.channel, i.user_id) for i in settings.admins),
            require_approval=settings.require_approval,
            invite_days=settings.invite_days,
            max_upload_mb=settings.max_upload_mb,
            review_notify=settings.review_notify,
            report=report_options(settings),
            report_template=settings.report_template,
            web_url=web_console_url(settings),
            files=files,
        )
        dispatcher = Dispatcher(
            make_session=make_session, config=config, clock=clock, registry=build_registry()
        )
        return cls(settings, clock, engine, make_session, dispatcher, reminders, files)

    def prepare(self) -> BootReport:
        """Migrate, import the bundled plan into an empty database, open this year's period."""
        self.boot = prepare_database(
            self.engine,
            self.make_session,
            clock=self.clock,
            zone=self.settings.zone,
            plan_file=self.settings.plan_file,
        )
        return self.boot

    def close(self) -> None:
        self.engine.dispose()


def web_console_url(settings: Settings) -> str | None:
    """The web console's public address; none without BAOCAO_PUBLIC_URL."""
    return f"{settings.public_url}/web" if settings.public_url else None


def file_store(settings: Settings) -> FileStore:
    """The one file store every part of the bot uses: the channels, the web endpoint, the
    console, exports and backups (BAOCAO_FILE_STORE, BAOCAO_FILES_DIR, BAOCAO_S3_*)."""
    secret = settings.s3_secret_key
    return open_store(
        settings.file_store,
        database_url=settings.database_url,
        files_dir=settings.files_dir,
        s3=S3Access(
            endpoint_url=settings.s3_endpoint_url,
            access_key=settings.s3_access_key,
            secret_key=secret.get_secret_value() if secret else None,
            region=settings.s3_region,
        ),
    )


def local_files_folder(settings: Settings) -> Path:
    """The folder of the local store; the console also writes the files it shows there."""
    return files_folder(settings.database_url, settings.files_dir)


def report_options(settings: Settings) -> ReportOptions:
    """Who issues and signs the draft report (BAOCAO_REPORT_*)."""
    return ReportOptions(
        superior=settings.report_issuer.strip(),
        agency=settings.report_agency.strip(),
        place=settings.report_place.strip(),
        recipient=settings.report_recipient.strip(),
        signer_title=settings.report_signer_title.strip(),
        signer_name=settings.report_signer_name.strip(),
        deputy=settings.report_deputy,
        unit=settings.report_unit.strip(),
    )


def policy_from_settings(settings: Settings) -> ReminderPolicy:
    """The reminder policy the settings configure (calendar, days, time of day)."""
    return ReminderPolicy(
        calendar=WorkCalendar(
            extra_days_off=settings.extra_days_off,
            makeup_working_days=settings.makeup_working_days,
        ),
        zone=settings.zone,
        days_before=settings.reminder_days,
        overdue_every=settings.reminder_overdue_every,
        at=settings.reminder_time,
        grace=timedelta(hours=settings.reminder_grace_hours),
        language=settings.language,
    )


def admin_chats(settings: Settings) -> tuple[tuple[str, str], ...]:
    """BAOCAO_ADMINS as chats: an admin's private chat id is their user id."""
    return tuple((a.channel, a.user_id) for a in settings.admins)


def planner_from_settings(settings: Settings) -> ReminderPlanner:
    return ReminderPlanner(policy=policy_from_settings(settings), admins=admin_chats(settings))
