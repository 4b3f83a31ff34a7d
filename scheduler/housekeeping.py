"""Housekeeping, daily and when a channel starts: forget stored updates handled more than
KEEP_HANDLED ago (they are kept that long only to recognise a late duplicate) and expired
download links, with the files made for them (never a kept document). Without the daily run a
bot that runs for months would keep every update it ever received."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from storage import inbound
from storage.clock import Clock
from storage.db import SessionFactory, transaction
from storage.downloads import purge_expired
from storage.files.store import FileStore, StoreError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tidied:
    updates: int  # stored updates forgotten
    files: int  # files made for expired download links, deleted


def tidy(make_session: SessionFactory, *, clock: Clock, files: FileStore | None) -> Tidied:
    with transaction(make_session) as session:
        updates = inbound.purge_handled(session, before=clock.now() - inbound.KEEP_HANDLED)
        expired = purge_expired(session, clock=clock)
    if files is not None:
        for key in expired:
            try:
                files.delete(key)
            except (StoreError, ValueError) as error:  # deleted by hand meanwhile
                log.warning("could not delete an expired link's file: %s", error)
    return Tidied(updates, len(expired) if files is not None else 0)
