"""The composition root: builds every part once from the settings and wires them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from bot.settings import Settings
from handlers.context import HandlerConfig
from handlers.dispatcher import Dispatcher
from handlers.setup import build_registry
from storage.bootstrap import BootReport, prepare_database
from storage.clock import Clock, SystemClock
from storage.db import SessionFactory, create_db_engine, session_factory


@dataclass
class App:
    settings: Settings
    clock: Clock
    engine: Engine
    make_session: SessionFactory
    dispatcher: Dispatcher
    boot: BootReport | None = field(default=None)
    # Routes every web listener of this process serves besides its own (`/healthz`).
    web_routes: list[Any] = field(default_factory=list)

    @classmethod
    def build(cls, settings: Settings, *, clock: Clock | None = None) -> App:
        clock = clock or SystemClock()
        engine = create_db_engine(settings.database_url)
        make_session = session_factory(engine)
        config = HandlerConfig(
            language=settings.language,
            zone=settings.zone,
            admins=frozenset((i.channel, i.user_id) for i in settings.admins),
            require_approval=settings.require_approval,
            invite_days=settings.invite_days,
            max_upload_mb=settings.max_upload_mb,
            review_notify=settings.review_notify,
        )
        dispatcher = Dispatcher(
            make_session=make_session, config=config, clock=clock, registry=build_registry()
        )
        return cls(settings, clock, engine, make_session, dispatcher)

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
