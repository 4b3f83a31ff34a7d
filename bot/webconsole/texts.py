"""What the web console's pages say: the one catalogue (`storage.i18n`, the `web.*` ids in
`storage/locale/*/LC_MESSAGES/baocao.po`), Vietnamese first, English with BAOCAO_LANGUAGE=en.
Words the chat already has (statuses, roles, states) are its own ids, so both say the same."""

from __future__ import annotations

from functools import cache

from storage.i18n import Language, message_ids, translate

PREFIX = "web."


@cache
def _console_ids() -> frozenset[str]:
    return frozenset(i for i in message_ids("vi") if i.startswith(PREFIX))


def web_text(key: str, language: Language, /, **values: object) -> str:
    """`key` of the console (`web.<key>` in the catalogue), else the chat's own `key`."""
    console = PREFIX + key
    return translate(console if console in _console_ids() else key, language, **values)
