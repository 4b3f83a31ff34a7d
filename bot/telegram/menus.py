"""The command menu (setMyCommands): strangers see the default scope; focal points and the
secretariat get a menu of their own commands in their private chat."""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.telegram.inbound import CHANNEL
from handlers.context import HandlerConfig, Role, resolve_actor
from handlers.events import IncomingEvent
from handlers.messages import Language, translate
from handlers.registry import Registry
from storage.chat_identities import channel_identities
from storage.db import SessionFactory, transaction

log = logging.getLogger(__name__)

COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
MAX_COMMANDS = 100
MAX_DESCRIPTION = 256


Roles = frozenset[Role]
STRANGER: Roles = frozenset({Role.stranger})


def bot_commands(registry: Registry, roles: Roles, language: Language) -> list[BotCommand]:
    """The commands of every role held (a secretariat member may also be a focal point)."""
    chosen = sorted(
        (c for c in registry.commands.values() if c.roles & roles), key=lambda c: (c.order, c.name)
    )
    commands = []
    for command in chosen:
        if not COMMAND_NAME.fullmatch(command.name):  # Telegram would refuse the whole menu
            log.warning("command /%s cannot be shown in Telegram's menu", command.name)
            continue
        description = translate(command.description_key, language)[:MAX_DESCRIPTION]
        commands.append(BotCommand(command.name, description))
    return commands[:MAX_COMMANDS]


def known_chat_roles(make_session: SessionFactory, config: HandlerConfig) -> dict[int, Roles]:
    """The roles behind every private Telegram chat the bot knows (runs off the event loop)."""
    roles: dict[int, Roles] = {}
    with transaction(make_session) as session:
        for identity in channel_identities(session, channel=CHANNEL):
            chat_id = _private_chat(identity.chat_id)
            if chat_id is None:
                continue
            event = IncomingEvent(CHANNEL, identity.external_id, identity.chat_id)
            roles[chat_id] = resolve_actor(session, event=event, config=config).roles
    for channel, user_id in config.admins:  # admins by setting: private chat id = user id
        chat_id = _private_chat(user_id)
        if channel == CHANNEL and chat_id is not None:
            roles[chat_id] = (roles.get(chat_id, STRANGER) - STRANGER) | {Role.secretariat}
    return roles


def _private_chat(chat_id: str) -> int | None:
    try:
        value = int(chat_id)
    except ValueError:
        return None
    return value if value > 0 else None


class CommandMenus:
    def __init__(self, bot: Bot, registry: Registry, language: Language) -> None:
        self.bot = bot
        self.registry = registry
        self.language = language
        self._shown: dict[int, Roles] = {}  # chats given a menu of their own (or cleared)
        self._lock = asyncio.Lock()

    async def publish_default(self) -> None:
        await self.bot.set_my_commands(bot_commands(self.registry, STRANGER, self.language))

    async def show(self, chat_id: int, roles: Roles, *, force: bool = False) -> None:
        """Give a private chat the menu of its roles (a stranger's falls back to the default)."""
        if chat_id <= 0 or (not force and self._shown.get(chat_id, STRANGER) == roles):
            return
        async with self._lock:
            if not force and self._shown.get(chat_id, STRANGER) == roles:
                return
            scope = BotCommandScopeChat(chat_id)
            try:
                if roles == STRANGER:
                    await self.bot.delete_my_commands(scope=scope)
                else:
                    commands = bot_commands(self.registry, roles, self.language)
                    await self.bot.set_my_commands(commands, scope=scope)
            except TelegramError as error:
                log.warning("could not set the menu of chat %s: %s", chat_id, error)
                return
            self._shown[chat_id] = roles

    async def sync(self, roles: dict[int, Roles]) -> None:
        """At start: every known chat gets its role's menu (clearing menus of former roles)."""
        for chat_id, role in roles.items():
            await self.show(chat_id, role, force=True)
