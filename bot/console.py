"""The console channel: a terminal chat with the bot, for trying it out and for operators.

A file is sent with `/file PATH [caption]` (a path with spaces in double quotes): it goes
through the same intake as a Telegram document (`bot.intake`). Files the bot sends are written
to `console/` in the local files folder, or offered as personal download links when
BAOCAO_PUBLIC_URL is set (`bot.zalo.files.FilePublisher`).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from bot.app import App, local_files_folder
from bot.intake import FileIntake, IntakeOptions, TooLarge
from bot.zalo.files import FilePublisher, safe_name
from handlers.dispatcher import Dispatcher
from handlers.events import IncomingAttachment, IncomingEvent, Reply
from handlers.messages import translate

CHANNEL = "console"
FILE_COMMAND = re.compile(r'^/file\s+(?:"([^"]+)"|(\S+))\s*(.*)$', re.S)


def render(
    reply: Reply,
    *,
    files_dir: Path,
    publish: Callable[[Reply], str] | None = None,
    language: str = "vi",
) -> str:
    lines = [reply.text]
    for number, option in enumerate(reply.options, start=1):
        lines.append(f"{number}. {option.label}")  # numbered as on Zalo
    if reply.file is not None and publish is not None:
        lines.append(publish(reply))
    elif reply.file is not None:
        files_dir.mkdir(parents=True, exist_ok=True)
        target = files_dir / safe_name(reply.file.file_name)
        target.write_bytes(reply.file.data)
        lines.append(translate("console.file", language, path=target))
    return "\n".join(lines)


async def read_local_file(path: str, limit: int) -> bytes:
    file = Path(path).expanduser()
    if file.stat().st_size > limit:
        raise TooLarge
    return file.read_bytes()


class ConsoleChannel:
    """Also a delivery channel: outbox rows for console chats (notices, reminders, broadcasts)
    are printed in this terminal, the only place a console user can read them."""

    name = CHANNEL

    def __init__(
        self,
        dispatcher: Dispatcher,
        *,
        user_id: str,
        read_line: Callable[[str], str] = input,
        write: Callable[[str], None] = print,
        files_dir: Path,
        intake: FileIntake | None = None,
        publisher: FilePublisher | None = None,
    ) -> None:
        self.dispatcher = dispatcher
        self.user_id = user_id
        self.read_line = read_line
        self.write = write
        self.files_dir = files_dir
        self.intake = intake
        self.publisher = publisher

    @classmethod
    def for_app(cls, app: App, *, user_id: str, **kwargs: object) -> ConsoleChannel:
        """The console of a built App: its file store, files folder and download links."""
        settings = app.settings
        publisher = (
            FilePublisher(
                app.make_session,
                clock=app.clock,
                zone=settings.zone,
                language=app.dispatcher.config.language,
                public_url=settings.public_url,
                valid_for=timedelta(hours=settings.download_link_hours),
                store=app.files,
                channel=CHANNEL,
                single_use=settings.download_single_use,
            )
            if settings.public_url
            else None
        )
        intake = FileIntake(
            app,
            channel=CHANNEL,
            fetch=read_local_file,
            max_bytes=settings.max_upload_mb * 1024 * 1024,
            options=IntakeOptions(attempts=1),  # a local file: nothing to wait for
        )
        return cls(
            app.dispatcher,
            user_id=user_id,
            files_dir=local_files_folder(settings) / "console",
            intake=intake,
            publisher=publisher,
            **kwargs,  # type: ignore[arg-type]
        )

    def event(self, text: str) -> IncomingEvent:
        found = FILE_COMMAND.match(text.strip())
        if found is None:
            return IncomingEvent(
                CHANNEL, self.user_id, self.user_id, text=text, user_name=self.user_id
            )
        path = Path(found.group(1) or found.group(2)).expanduser()
        size = path.stat().st_size if path.is_file() else 0
        attachment = IncomingAttachment(str(path), path.name, "", size)
        caption = found.group(3).strip() or None
        return IncomingEvent(
            CHANNEL,
            self.user_id,
            self.user_id,
            text=caption,
            attachment=attachment,
            user_name=self.user_id,
        )

    def show(self, reply: Reply, chat_id: str) -> str:
        publish = None
        if self.publisher is not None:
            publisher = self.publisher

            def publish(r: Reply) -> str:
                assert r.file is not None
                return publisher.publish(r.file, chat_id=chat_id)

        language = self.dispatcher.config.language
        return render(reply, files_dir=self.files_dir, publish=publish, language=language)

    def send(self, text: str) -> list[str]:
        """Hand one line to the bot and return what it answered, rendered (in a worker
        thread: a file is fetched and kept on this thread's own event loop)."""
        event = self.event(text)
        if event.attachment is not None and not Path(event.attachment.file_ref).is_file():
            language = self.dispatcher.config.language
            return [translate("file.not_found", language, path=event.attachment.file_ref)]
        if event.attachment is not None and self.intake is not None:
            event = asyncio.run(self.intake.receive(event))
        return [self.show(r, self.user_id) for r in self.dispatcher.handle(event)]

    async def deliver(self, chat_id: str, reply: Reply) -> None:
        text = await asyncio.to_thread(self.show, reply, chat_id)
        if chat_id != self.user_id:  # another console user's message: say whose it is
            text = f"[→ {CHANNEL}:{chat_id}]\n{text}"
        self.write(text)
        self.write("")

    async def run(self) -> None:
        """Read lines until end of input or /quit; database work stays off the event loop."""
        if self.intake is not None:
            await self.intake.recover(self.deliver)
        while True:
            try:
                line = await asyncio.to_thread(self.read_line, "> ")
            except (EOFError, KeyboardInterrupt):
                self.write("")
                return
            if line.strip() in {"/quit", "/exit"}:
                return
            if not line.strip():
                continue
            for text in await asyncio.to_thread(self.send, line):
                self.write(text)
                self.write("")
