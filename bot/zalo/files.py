"""Files for channels that cannot send them (Zalo, the console): offered as a time-limited,
unguessable, personal link on the bot's own web endpoint (`bot.web`). A document the bot keeps
is linked where it lies in the file store; a file made for the reader (an export) is put in the
store under `links/` first, and deleted when its link expires.

Without BAOCAO_PUBLIC_URL there is no address to give, so the reply says how else to get it.
Runs in worker threads (files and database).
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.zalo.texts import text
from handlers.events import OutgoingFile
from handlers.messages import Language
from storage.chat_identities import person_of_chat
from storage.clock import Clock
from storage.db import SessionFactory, transaction
from storage.downloads import create_link, purge_expired
from storage.files.store import FileStore, StoreError

log = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^\w.\-]+")


def safe_name(name: str) -> str:
    """A file name that stays inside its folder on every system."""
    base = Path(name.replace("\\", "/")).name.strip(". ")
    cleaned = _UNSAFE.sub("_", base)[:150].strip("._")
    return cleaned or "tep"


class FilePublisher:
    def __init__(
        self,
        make_session: SessionFactory,
        *,
        clock: Clock,
        zone: ZoneInfo,
        language: Language,
        public_url: str | None,
        valid_for: timedelta,
        store: FileStore,
        channel: str = "zalo",
        single_use: bool = False,
    ) -> None:
        self.single_use = single_use
        self.make_session = make_session
        self.clock = clock
        self.zone = zone
        self.language = language
        self.public_url = public_url.rstrip("/") if public_url else None
        self.valid_for = valid_for
        self.store = store
        self.channel = channel

    def publish(self, file: OutgoingFile, *, chat_id: str) -> str:
        """The line that gives `file` to the user of `chat_id`: a link, or how to get it."""
        if self.public_url is None:
            return text("file.no_link", self.language, name=file.file_name)
        key = file.stored_key
        if key is None:
            key = f"links/{secrets.token_hex(16)}/{safe_name(file.file_name)}"
            self.store.put(key, file.data)
        with transaction(self.make_session) as session:
            expired = purge_expired(session, clock=self.clock)
            person_id = person_of_chat(session, channel=self.channel, chat_id=chat_id)
            new = create_link(
                session,
                file_path=key,
                file_name=file.file_name,
                mime_type=file.mime_type,
                valid_for=self.valid_for,
                clock=self.clock,
                person_id=person_id,
                single_use=self.single_use,
                agency_id=file.agency_id,
            )
        self.remove(expired)
        expires = new.link.expires_at.astimezone(self.zone).strftime("%H:%M %d/%m/%Y")
        url = f"{self.public_url}/files/{new.token}"
        return text("file.link", self.language, name=file.file_name, url=url, expires=expires)

    def remove(self, keys: list[str]) -> None:
        """Delete the files made for expired links (never a kept document: see
        `storage.downloads.purge_expired`)."""
        for key in keys:
            try:
                self.store.delete(key)
            except (StoreError, ValueError) as error:
                log.warning("could not delete an expired link's file: %s", error)
