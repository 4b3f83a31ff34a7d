"""Options from handlers as inline keyboards, and pressed buttons back to option values.

Telegram carries at most 64 bytes of `callback_data`. Option values are short and go as they
are; a longer value travels as a hash, remembered here (in memory: after a restart such a
button is answered as stale, and the user can still answer with the option's number).
"""

from __future__ import annotations

import base64
import hashlib
from collections import OrderedDict

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.events import Option

CALLBACK_DATA_LIMIT = 64
HASH_PREFIX = "~h:"


class CallbackCodec:
    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._long_values: OrderedDict[str, str] = OrderedDict()

    def encode(self, value: str) -> str:
        if len(value.encode()) <= CALLBACK_DATA_LIMIT and not value.startswith(HASH_PREFIX):
            return value
        digest = hashlib.sha256(value.encode()).digest()[:18]
        data = HASH_PREFIX + base64.urlsafe_b64encode(digest).decode()
        self._long_values[data] = value
        self._long_values.move_to_end(data)
        while len(self._long_values) > self.capacity:
            self._long_values.popitem(last=False)
        return data

    def decode(self, data: str) -> str | None:
        """The option value a button carries; None when it can no longer be known."""
        if not data.startswith(HASH_PREFIX):
            return data
        return self._long_values.get(data)


def inline_keyboard(options: tuple[Option, ...], codec: CallbackCodec) -> InlineKeyboardMarkup:
    """One button per row: labels are often long, and phones are narrow."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(o.label, callback_data=codec.encode(o.value))] for o in options]
    )


def pressed_label(markup: InlineKeyboardMarkup | None, data: str) -> str | None:
    """The label of the button carrying `data` on a message, if it is still shown."""
    if markup is None:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None
