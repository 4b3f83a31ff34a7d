"""The console channel: a terminal chat with the bot, for trying it out and for operators."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from handlers.dispatcher import Dispatcher
from handlers.events import IncomingEvent, Reply

CHANNEL = "console"


def render(reply: Reply, *, files_dir: Path) -> str:
    lines = [reply.text]
    for number, option in enumerate(reply.options, start=1):
        lines.append(f"  {number}. {option.label}")
    if reply.file is not None:
        files_dir.mkdir(parents=True, exist_ok=True)
        target = files_dir / Path(reply.file.file_name).name
        target.write_bytes(reply.file.data)
        lines.append(f"[tệp / file] {target}")
    return "\n".join(lines)


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
        files_dir: Path = Path("data/files"),
    ) -> None:
        self.dispatcher = dispatcher
        self.user_id = user_id
        self.read_line = read_line
        self.write = write
        self.files_dir = files_dir

    def event(self, text: str) -> IncomingEvent:
        return IncomingEvent(CHANNEL, self.user_id, self.user_id, text=text, user_name=self.user_id)

    def send(self, text: str) -> list[str]:
        """Hand one line to the bot and return what it answered, rendered."""
        return [
            render(r, files_dir=self.files_dir) for r in self.dispatcher.handle(self.event(text))
        ]

    async def deliver(self, chat_id: str, reply: Reply) -> None:
        text = render(reply, files_dir=self.files_dir)
        if chat_id != self.user_id:  # another console user's message: say whose it is
            text = f"[→ {CHANNEL}:{chat_id}]\n{text}"
        self.write(text)
        self.write("")

    async def run(self) -> None:
        """Read lines until end of input or /quit; database work stays off the event loop."""
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
